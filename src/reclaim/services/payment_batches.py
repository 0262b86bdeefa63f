"""Posting a batch of payments: match each to an account or customer, share it out, write.

One path serves a payment file of 100,000 lines and an officer's single payment alike, in three
separate steps (STYLE habit 4): *check* (no duplicate), *match* (reference to account,
customer or suspense) and *post* (allocation, postings, new balances, payment records). The
batch is a Polars frame and every step is set-based: references, duplicates and balances are
read a chunk at a time and written in bulk.

Allocation follows the rule in ``reclaim.domain.payments``. Payments to one account each are
allocated by column arithmetic (``services.bulk_allocation``, proved equal to the rule); the
few that share a customer reference across accounts go through the rule one at a time.

A payment's (channel, external id) is unique for ever: the same payment in a second file, or
twice in one file, is refused with the line and when it was posted before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from reclaim.calendar import FinancialYear, as_utc
from reclaim.domain.accounts import AccountKind, PaymentMethod
from reclaim.domain.councils import AllocationPolicy, YearOrder
from reclaim.domain.errors import InputRefused, Problem
from reclaim.domain.ledger import Posting, PostingKind
from reclaim.domain.payments import (
    AccountOwing,
    AllocationLine,
    Payment,
    PaymentStatus,
    allocate_payment,
)
from reclaim.money import Money
from reclaim.services.bulk_allocation import allocate_in_bulk, financial_year_of, posting_rows
from reclaim.store import tables as t
from reclaim.store.bulk import insert_rows, reserve_ids, select_in
from reclaim.store.repositories import (
    POSTING_COLUMNS,
    StoredCouncil,
    all_councils,
    bump_versions,
    write_postings,
)

PAYMENTS = {
    "line": pl.Int64,
    "payment_date": pl.Date,
    "reference": pl.String,
    "amount_pence": pl.Int64,
    "channel": pl.String,
    "external_id": pl.String,
}
_KINDS = {kind.value: kind for kind in AccountKind}
_CHANNELS = {method.value: method for method in PaymentMethod}


@dataclass(frozen=True, slots=True)
class IncomingPayment:
    payment: Payment
    line: int | None = None  # where it came from, for messages


def payments_frame(incoming: Sequence[IncomingPayment]) -> pl.DataFrame:
    """A batch of payment objects as the frame ``post_payments`` works on."""
    return pl.DataFrame(
        [
            (
                item.line,
                item.payment.payment_date,
                item.payment.reference,
                item.payment.amount.pence,
                item.payment.channel.value,
                item.payment.external_id,
            )
            for item in incoming
        ],
        schema=PAYMENTS,
        orient="row",
    )


@dataclass(slots=True)
class PostingSummary:
    received: int = 0
    allocated: int = 0
    to_suspense: int = 0
    total: Money = field(default_factory=Money.zero)
    suspense_total: Money = field(default_factory=Money.zero)
    accounts_changed: int = 0


@dataclass(slots=True)
class Target:
    """An account a payment may go to, with what it owes as allocation proceeds."""

    id: int
    council_id: int
    reference: str
    kind: AccountKind
    version: int
    owing: dict[FinancialYear, Money] = field(default_factory=dict)


def post_payments(
    conn: Connection,
    incoming: Sequence[IncomingPayment] | pl.DataFrame,
    *,
    today: date,
    received_at: datetime,
    council_code: str | None = None,
    import_id: int | None = None,
    file_name: str | None = None,
) -> PostingSummary:
    """Check, match and post a batch of payments; raises InputRefused with every problem."""
    frame = incoming if isinstance(incoming, pl.DataFrame) else payments_frame(incoming)
    frame = frame.with_row_index("i").with_columns(pl.col("i").cast(pl.Int64))
    councils = {c.id: c for c in all_councils(conn)}
    council_id = None
    if council_code is not None:
        found = [c for c in councils.values() if c.council.code == council_code]
        if not found:
            raise InputRefused([Problem(f"there is no council {council_code}")])
        council_id = found[0].id

    problems = repeated_in_batch(frame, file_name)
    links = match(conn, frame, council_id)
    problems += _ambiguous(frame, links, file_name)
    if problems:
        raise InputRefused(sorted(problems, key=lambda p: p.line or 0))

    # Date order (then file order) is the order payments are allocated in.
    frame = frame.sort("payment_date", "i").with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("order"),
        pl.Series("payment_id", reserve_ids(conn, t.payments, frame.height), dtype=pl.Int64),
    )
    owing = load_owing(conn, links.get_column("account_id").unique().sort().to_list())
    bulk, one_by_one = _split(frame, links, councils)

    summary = PostingSummary(received=frame.height)
    # The database refuses a (channel, external id) it already has; only then is it asked
    # which, and when they were posted, to explain the refusal.
    savepoint = conn.begin_nested()
    try:
        _write_payments(conn, frame, links, council_id, import_id, received_at, summary)
    except (IntegrityError, conn.dialect.loaded_dbapi.IntegrityError) as refused:
        savepoint.rollback()
        problems = already_posted(conn, frame, file_name)
        if problems:
            raise InputRefused(sorted(problems, key=lambda p: p.line or 0)) from None
        raise refused
    savepoint.commit()
    changed = _post_in_bulk(conn, bulk, links, owing, councils, today)
    changed += _post_one_by_one(conn, one_by_one, links, owing, councils, today)
    summary.accounts_changed = changed
    return summary


PAYMENT_COLUMNS = (
    "id",
    "council_id",
    "payment_date",
    "reference",
    "amount_pence",
    "channel",
    "external_id",
    "status",
    "import_id",
    "received_at",
)


def _write_payments(
    conn: Connection,
    frame: pl.DataFrame,
    links: pl.DataFrame,
    council_id: int | None,
    import_id: int | None,
    received_at: datetime,
    summary: PostingSummary,
) -> None:
    owner = links.group_by("i").agg(pl.col("council_id").first())
    rows = frame.join(owner, on="i", how="left").with_columns(
        pl.when(pl.col("council_id").is_null())
        .then(pl.lit(PaymentStatus.SUSPENSE.value))
        .otherwise(pl.lit(PaymentStatus.ALLOCATED.value))
        .alias("status"),
    )
    if council_id is not None:
        rows = rows.with_columns(pl.col("council_id").fill_null(council_id))
    insert_rows(
        conn,
        t.payments,
        PAYMENT_COLUMNS,
        rows.select(
            "payment_id",
            "council_id",
            pl.col("payment_date").dt.strftime("%Y-%m-%d"),
            "reference",
            "amount_pence",
            "channel",
            "external_id",
            "status",
            pl.lit(import_id, dtype=pl.Int64).alias("import_id"),
            pl.lit(received_at.isoformat(sep=" ")).alias("received_at"),
        ).iter_rows(),
    )
    in_suspense = rows.filter(pl.col("status") == PaymentStatus.SUSPENSE.value)
    summary.to_suspense = in_suspense.height
    summary.allocated = rows.height - in_suspense.height
    summary.total = Money(int(rows.get_column("amount_pence").sum()))
    summary.suspense_total = Money(int(in_suspense.get_column("amount_pence").sum()))


# Check --------------------------------------------------------------------------------------


def repeated_in_batch(frame: pl.DataFrame, file_name: str | None) -> list[Problem]:
    """Payments that appear more than once in the batch itself."""
    keyed = frame.with_columns(
        pl.col("line").first().over("channel", "external_id").alias("first_line"),
        pl.int_range(pl.len()).over("channel", "external_id").alias("seen"),
    )
    return [
        Problem(
            f"payment {channel} {external_id} appears twice in this file (first on line "
            f"{first_line}); a payment is posted once only",
            line=line,
            field="external_id",
            file=file_name,
        )
        for channel, external_id, line, first_line in keyed.filter(pl.col("seen") > 0)
        .select("channel", "external_id", "line", "first_line")
        .iter_rows()
    ]


def already_posted(conn: Connection, frame: pl.DataFrame, file_name: str | None) -> list[Problem]:
    """Payments of the batch that were posted before, from any file, saying when and where."""
    problems: list[Problem] = []
    first = frame.unique(["channel", "external_id"], keep="first", maintain_order=True)
    first_line = {
        (channel, external_id): line
        for channel, external_id, line in first.select("channel", "external_id", "line").iter_rows()
    }
    for (channel,), group in first.group_by("channel"):
        for external_id, paid_on, reference, earlier_file, imported_at in select_in(
            conn,
            "SELECT p.external_id, p.payment_date, p.reference, i.file_name, i.imported_at "
            "FROM payments p LEFT JOIN imports i ON i.id = p.import_id "
            "WHERE p.channel = :channel AND p.external_id IN (:values)",
            group.get_column("external_id").sort().to_list(),
            channel=channel,
        ):
            source = (
                f" from file {earlier_file} (imported {as_utc(imported_at):%Y-%m-%d %H:%M} UTC)"
                if earlier_file
                else ""
            )
            problems.append(
                Problem(
                    f"payment {channel} {external_id} (paid {paid_on}, reference {reference}) "
                    f"was already posted{source}; a payment is posted once only",
                    line=first_line[(channel, external_id)],
                    field="external_id",
                    file=file_name,
                )
            )
    return problems


# Match --------------------------------------------------------------------------------------

LINKS = {
    "reference": pl.String,
    "account_id": pl.Int64,
    "council_id": pl.Int64,
    "account_reference": pl.String,
    "kind": pl.String,
    "version": pl.Int64,
}


def match(conn: Connection, frame: pl.DataFrame, council_id: int | None) -> pl.DataFrame:
    """Each payment ``i`` with each account its reference reaches: the account itself, or
    every account of the customer whose reference it is. A payment with none is in suspense."""
    # Sorted, so each chunk of the lookup walks one stretch of the index, not all of it.
    references = frame.get_column("reference").unique().sort().to_list()
    council_filter = "" if council_id is None else " AND council_id = :council"
    params: dict[str, Any] = {} if council_id is None else {"council": council_id}
    accounts_sql = (
        "SELECT a.reference, a.id, a.council_id, a.reference, a.kind, b.version "  # noqa: S608
        "FROM accounts a JOIN account_balances b ON b.account_id = a.id "
        f"WHERE a.reference IN (:values){council_filter.replace('council_id', 'a.council_id')}"
    )
    direct = pl.DataFrame(
        [tuple(row) for row in select_in(conn, accounts_sql, references, **params)],
        schema=LINKS,
        orient="row",
    )
    found = set(direct.get_column("reference").to_list())
    parties_sql = (
        "SELECT pa.reference, a.id, a.council_id, a.reference, a.kind, b.version "
        "FROM parties pa JOIN account_parties ap ON ap.party_id = pa.id "
        "JOIN accounts a ON a.id = ap.account_id "
        "JOIN account_balances b ON b.account_id = a.id "
        "WHERE pa.reference IN (:values)" + council_filter.replace("council_id", "pa.council_id")
    )
    customers = pl.DataFrame(
        [
            tuple(row)
            for row in select_in(
                conn, parties_sql, [r for r in references if r not in found], **params
            )
        ],
        schema=LINKS,
        orient="row",
    )
    reached = pl.concat([direct, customers])
    return frame.select("i", "reference").join(reached, on="reference")


def _ambiguous(frame: pl.DataFrame, links: pl.DataFrame, file_name: str | None) -> list[Problem]:
    spread = links.group_by("i").agg(pl.col("council_id").n_unique().alias("councils"))
    ambiguous = frame.join(spread.filter(pl.col("councils") > 1), on="i")
    return [
        Problem(
            f"reference {reference} belongs to accounts in more than one council; import the "
            "file with --council to say which",
            line=line,
            field="reference",
            file=file_name,
        )
        for reference, line in ambiguous.select("reference", "line").iter_rows()
    ]


def load_owing(conn: Connection, account_ids: list[int]) -> pl.DataFrame:
    """What each account owes in each financial year: the sum of its postings there."""
    return pl.DataFrame(
        [
            (account_id, year, int(pence))
            for account_id, year, pence in select_in(
                conn,
                "SELECT account_id, financial_year, SUM(amount_pence) FROM postings "
                "WHERE account_id IN (:values) GROUP BY account_id, financial_year",
                account_ids,
            )
        ],
        schema={"account_id": pl.Int64, "year": pl.Int64, "owing_pence": pl.Int64},
        orient="row",
    )


def _split(
    frame: pl.DataFrame, links: pl.DataFrame, councils: dict[int, StoredCouncil]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The payments column arithmetic can allocate — each to a single account of its own
    reference, that no customer payment in the batch also reaches, whose years are filled in
    one order across the batch — and the rest, for the rule one at a time."""
    per_payment = links.group_by("i").agg(
        pl.len().alias("accounts"),
        (pl.col("account_reference") == pl.col("reference")).all().alias("direct"),
    )
    shared_accounts = links.join(
        per_payment.filter((pl.col("accounts") > 1) | ~pl.col("direct")), on="i"
    ).get_column("account_id")
    current_first = [
        cid
        for cid, c in councils.items()
        if c.council.allocation_policy.within_account is YearOrder.CURRENT_FIRST
    ]
    linked = frame.join(links.select("i", "account_id", "council_id"), on="i")
    spanning = (
        linked.filter(pl.col("council_id").is_in(current_first))
        .group_by("account_id")
        .agg(financial_year_of(pl.col("payment_date")).n_unique().alias("years"))
        .filter(pl.col("years") > 1)
        .get_column("account_id")
    )
    slow_accounts = pl.concat([shared_accounts, spanning]).unique()
    slow_payments = linked.filter(pl.col("account_id").is_in(slow_accounts.implode())).get_column(
        "i"
    )
    linked_payments = frame.filter(pl.col("i").is_in(links.get_column("i").unique().implode()))
    one_by_one = linked_payments.filter(pl.col("i").is_in(slow_payments.implode()))
    bulk = linked_payments.filter(~pl.col("i").is_in(slow_payments.implode()))
    return bulk, one_by_one


# Post ---------------------------------------------------------------------------------------


def _post_in_bulk(
    conn: Connection,
    bulk: pl.DataFrame,
    links: pl.DataFrame,
    owing: pl.DataFrame,
    councils: dict[int, StoredCouncil],
    today: date,
) -> int:
    if not bulk.height:
        return 0
    payments = bulk.join(
        links.select("i", "account_id", "council_id", "account_reference", "version"), on="i"
    )
    rules = {cid: c.council.allocation_policy.within_account.value for cid, c in councils.items()}
    orders = payments.group_by("account_id").agg(
        financial_year_of(pl.col("payment_date")).first().alias("current_year"),
        pl.col("council_id")
        .first()
        .replace_strict(rules, return_dtype=pl.String)
        .alias("order_rule"),
        pl.col("version").first(),
    )
    lines = allocate_in_bulk(
        payments.select(
            "payment_id",
            "order",
            "account_id",
            pl.col("account_reference").alias("reference"),
            "payment_date",
            "amount_pence",
            "channel",
            "external_id",
        ),
        owing.join(orders.select("account_id"), on="account_id"),
        orders.select("account_id", "order_rule", "current_year"),
    )
    # Written in account order: the ledger's index and the accounts it updates are then
    # visited in sequence rather than at random, which is much faster in a large database.
    lines = lines.sort("account_id", "order")
    rows = posting_rows(lines, payments, today)
    ids = reserve_ids(conn, t.postings, len(rows))
    insert_rows(
        conn, t.postings, POSTING_COLUMNS, ((i, *row) for i, row in zip(ids, rows, strict=True))
    )
    moved = (
        lines.group_by("account_id")
        .agg(pl.col("amount_pence").sum())
        .join(orders.select("account_id", "version"), on="account_id")
    )
    bump_versions(
        conn,
        [{"a": a, "v": version, "d": -pence} for a, pence, version in moved.iter_rows()],
    )
    return moved.height


def _post_one_by_one(
    conn: Connection,
    payments: pl.DataFrame,
    links: pl.DataFrame,
    owing: pl.DataFrame,
    councils: dict[int, StoredCouncil],
    today: date,
) -> int:
    """The rule, payment by payment in date order, for the payments column arithmetic leaves."""
    if not payments.height:
        return 0
    reached = links.join(payments.select("i"), on="i")
    targets = targets_for(reached, owing)
    by_payment: dict[int, list[Target]] = defaultdict(list)
    for i, account_id in reached.select("i", "account_id").iter_rows():
        by_payment[i].append(targets[account_id])
    lines_by_payment = []
    for i, payment_id, paid_on, reference, pence, channel, external_id in (
        payments.sort("order")
        .select(
            "i", "payment_id", "payment_date", "reference", "amount_pence", "channel", "external_id"
        )
        .iter_rows()
    ):
        payment = Payment(paid_on, reference, Money(pence), _CHANNELS[channel], external_id)
        reach = by_payment[i]
        policy = councils[reach[0].council_id].council.allocation_policy
        lines_by_payment.append((payment_id, payment, allocate(payment, reach, policy)))
    return post_allocations(conn, lines_by_payment, targets, today)


def targets_for(links: pl.DataFrame, owing: pl.DataFrame) -> dict[int, Target]:
    """The accounts that links reach, each once, with what it owes in each year."""
    targets: dict[int, Target] = {}
    for account_id, council, reference, kind, version in (
        links.select("account_id", "council_id", "account_reference", "kind", "version")
        .unique("account_id", maintain_order=True)
        .iter_rows()
    ):
        targets[account_id] = Target(account_id, council, reference, _KINDS[kind], version)
    for account_id, year, pence in owing.filter(
        pl.col("account_id").is_in(list(targets))
    ).iter_rows():
        targets[account_id].owing[FinancialYear(year)] = Money(pence)
    return targets


def allocate(
    payment: Payment, targets: list[Target], policy: AllocationPolicy
) -> list[AllocationLine]:
    """The rule for one payment; what it pays off is no longer owed to the next."""
    owing = [AccountOwing(a.id, a.reference, a.kind, a.owing) for a in targets]
    lines = allocate_payment(payment.amount, owing, policy, payment.payment_date)
    by_id = {a.id: a for a in targets}
    for line in lines:
        account = by_id[line.account_id]
        account.owing[line.financial_year] = (
            account.owing.get(line.financial_year, Money.zero()) - line.amount
        )
    return lines


def post_allocations(
    conn: Connection,
    lines_by_payment: list[tuple[int, Payment, list[AllocationLine]]],
    targets: dict[int, Target],
    today: date,
) -> int:
    """Write one payment posting per allocation line: the posting is the allocation record,
    saying which account and year got how much of which payment, and why."""
    per_account: dict[int, list[Posting]] = defaultdict(list)
    for payment_id, payment, lines in lines_by_payment:
        for line in lines:
            per_account[line.account_id].append(
                Posting(
                    account_id=line.account_id,
                    kind=PostingKind.PAYMENT,
                    amount=-line.amount,
                    financial_year=line.financial_year,
                    effective_date=payment.payment_date,
                    posted_on=today,
                    reason=f"{payment.channel.value} payment {payment.external_id}: {line.reason}",
                    payment_id=payment_id,
                )
            )
    write_postings(conn, [(a, targets[a].version, ps) for a, ps in per_account.items()])
    return len(per_account)
