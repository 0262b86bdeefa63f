"""Posting payments: match each to an account or customer, share it out, write the ledger.

One path serves a payment file of 100,000 lines and an officer's single payment alike, in three
separate steps (STYLE habit 4): *check* (no duplicate, nothing malformed), *match* (reference to
account, customer or suspense) and *post* (allocation lines, postings, allocation records, new
balances). Work is set-based: references, duplicates and balances are read a chunk at a time and
written in bulk, never one object at a time.

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
from sqlalchemy import Connection, select, update

from reclaim.calendar import FinancialYear, as_utc
from reclaim.domain.accounts import AccountKind, PaymentMethod
from reclaim.domain.councils import AllocationPolicy, YearOrder
from reclaim.domain.errors import DomainError, InputRefused, Problem
from reclaim.domain.ledger import Posting, PostingKind, reversal_of
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
    postings_of,
    write_postings,
)


@dataclass(frozen=True, slots=True)
class IncomingPayment:
    payment: Payment
    line: int | None = None  # where it came from, for messages


@dataclass(slots=True)
class PostingSummary:
    received: int = 0
    allocated: int = 0
    to_suspense: int = 0
    total: Money = field(default_factory=Money.zero)
    suspense_total: Money = field(default_factory=Money.zero)
    accounts_changed: int = 0


@dataclass(slots=True)
class _Target:
    """An account a payment may go to, with what it owes as allocation proceeds."""

    id: int
    council_id: int
    reference: str
    kind: AccountKind
    version: int
    owing: dict[FinancialYear, Money] = field(default_factory=dict)


def post_payments(
    conn: Connection,
    incoming: Sequence[IncomingPayment],
    *,
    today: date,
    received_at: datetime,
    council_code: str | None = None,
    import_id: int | None = None,
    file_name: str | None = None,
) -> PostingSummary:
    """Check, match and post a batch of payments; raises InputRefused with every problem."""
    councils = {c.id: c for c in all_councils(conn)}
    council_id = None
    if council_code is not None:
        found = [c for c in councils.values() if c.council.code == council_code]
        if not found:
            raise InputRefused([Problem(f"there is no council {council_code}")])
        council_id = found[0].id

    problems = _duplicates(conn, incoming, file_name)
    matches, match_problems = _match(conn, incoming, council_id, file_name)
    problems += match_problems
    if problems:
        raise InputRefused(problems)

    targets = {a.id: a for targets in matches.values() for a in targets}
    _load_owing(conn, list(targets.values()))

    payment_ids = reserve_ids(conn, t.payments, len(incoming))
    order = sorted(range(len(incoming)), key=lambda i: (incoming[i].payment.payment_date, i))
    in_bulk = _bulk_allocatable(incoming, matches, councils)
    payment_rows = []
    lines_by_payment: list[tuple[int, Payment, list[AllocationLine]]] = []
    bulk: list[tuple[Any, ...]] = []
    summary = PostingSummary(received=len(incoming))
    received = received_at.isoformat(sep=" ")
    for position, i in enumerate(order):
        payment = incoming[i].payment
        found_targets = matches.get(i, [])
        summary.total += payment.amount
        if found_targets:
            if i in in_bulk:
                account = found_targets[0]
                bulk.append(
                    (
                        payment_ids[i],
                        position,
                        account.id,
                        account.reference,
                        payment.payment_date,
                        payment.amount.pence,
                        payment.channel.value,
                        payment.external_id,
                    )
                )
            else:
                council = councils[found_targets[0].council_id].council
                lines = _allocate(payment, found_targets, council.allocation_policy)
                lines_by_payment.append((payment_ids[i], payment, lines))
            status = PaymentStatus.ALLOCATED
            owner: int | None = found_targets[0].council_id
            summary.allocated += 1
        else:
            status = PaymentStatus.SUSPENSE
            owner = council_id
            summary.to_suspense += 1
            summary.suspense_total += payment.amount
        payment_rows.append(
            (
                payment_ids[i],
                owner,
                payment.payment_date.isoformat(),
                payment.reference,
                payment.amount.pence,
                payment.channel.value,
                payment.external_id,
                status.value,
                import_id,
                received,
            )
        )
    insert_rows(conn, t.payments, PAYMENT_COLUMNS, payment_rows)
    summary.accounts_changed = _post_allocations(conn, lines_by_payment, targets, today)
    summary.accounts_changed += _post_in_bulk(conn, bulk, targets, councils, today)
    return summary


def _bulk_allocatable(
    incoming: Sequence[IncomingPayment],
    matches: dict[int, list[_Target]],
    councils: dict[int, StoredCouncil],
) -> set[int]:
    """The payments that column arithmetic can allocate (see services.bulk_allocation): each
    to a single account that no customer-reference payment in the batch also reaches, and
    whose years are filled in an order that stays the same across the batch."""
    shared: set[int] = set()
    years_paid: dict[int, set[int]] = defaultdict(set)
    for i, targets in matches.items():
        if len(targets) > 1 or targets[0].reference != incoming[i].payment.reference:
            shared.update(a.id for a in targets)
        else:
            paid_on = incoming[i].payment.payment_date
            years_paid[targets[0].id].add(FinancialYear.containing(paid_on).start_year)
    chosen = set()
    for i, targets in matches.items():
        account = targets[0]
        if len(targets) > 1 or account.id in shared:
            continue
        policy = councils[account.council_id].council.allocation_policy
        if policy.within_account is YearOrder.CURRENT_FIRST and len(years_paid[account.id]) > 1:
            continue
        chosen.add(i)
    return chosen


def _post_in_bulk(
    conn: Connection,
    bulk: list[tuple[Any, ...]],
    targets: dict[int, _Target],
    councils: dict[int, StoredCouncil],
    today: date,
) -> int:
    if not bulk:
        return 0
    payments = pl.DataFrame(
        bulk,
        schema={
            "payment_id": pl.Int64,
            "order": pl.Int64,
            "account_id": pl.Int64,
            "reference": pl.String,
            "payment_date": pl.Date,
            "amount_pence": pl.Int64,
            "channel": pl.String,
            "external_id": pl.String,
        },
        orient="row",
    )
    accounts = {a for a in payments.get_column("account_id").unique().to_list()}
    owing = pl.DataFrame(
        [
            (account_id, year.start_year, owed.pence)
            for account_id in accounts
            for year, owed in targets[account_id].owing.items()
        ],
        schema={"account_id": pl.Int64, "year": pl.Int64, "owing_pence": pl.Int64},
        orient="row",
    )
    current = payments.group_by("account_id").agg(
        financial_year_of(pl.col("payment_date")).first().alias("current_year")
    )
    orders = current.with_columns(
        pl.col("account_id")
        .replace_strict(
            {
                a: councils[targets[a].council_id].council.allocation_policy.within_account.value
                for a in accounts
            },
            return_dtype=pl.String,
        )
        .alias("order_rule")
    )
    lines = allocate_in_bulk(payments, owing, orders)
    rows = posting_rows(lines, payments, today)
    ids = reserve_ids(conn, t.postings, len(rows))
    insert_rows(
        conn, t.postings, POSTING_COLUMNS, ((i, *row) for i, row in zip(ids, rows, strict=True))
    )
    moved = lines.group_by("account_id").agg(pl.col("amount_pence").sum())
    bump_versions(
        conn,
        [
            {"a": account_id, "v": targets[account_id].version, "d": -pence}
            for account_id, pence in moved.iter_rows()
        ],
    )
    return moved.height


_KINDS = {kind.value: kind for kind in AccountKind}

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


def _allocate(
    payment: Payment, targets: list[_Target], policy: AllocationPolicy
) -> list[AllocationLine]:
    owing = [AccountOwing(a.id, a.reference, a.kind, a.owing) for a in targets]
    lines = allocate_payment(payment.amount, owing, policy, payment.payment_date)
    for line in lines:
        account = (
            targets[0] if len(targets) == 1 else next(a for a in targets if a.id == line.account_id)
        )
        account.owing[line.financial_year] = (
            account.owing.get(line.financial_year, Money.zero()) - line.amount
        )
    return lines


def _post_allocations(
    conn: Connection,
    lines_by_payment: list[tuple[int, Payment, list[AllocationLine]]],
    targets: dict[int, _Target],
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


def _duplicates(
    conn: Connection, incoming: Sequence[IncomingPayment], file_name: str | None
) -> list[Problem]:
    problems: list[Problem] = []
    first_line: dict[tuple[str, str], int | None] = {}
    for item in incoming:
        key = (item.payment.channel.value, item.payment.external_id)
        if key in first_line:
            problems.append(
                Problem(
                    f"payment {key[0]} {key[1]} appears twice in this file (first on line "
                    f"{first_line[key]}); a payment is posted once only",
                    line=item.line,
                    field="external_id",
                    file=file_name,
                )
            )
        else:
            first_line[key] = item.line
    by_channel: dict[str, list[str]] = defaultdict(list)
    for channel, external_id in first_line:
        by_channel[channel].append(external_id)
    for channel, external_ids in by_channel.items():
        rows = select_in(
            conn,
            "SELECT p.external_id, p.payment_date, p.reference, i.file_name, i.imported_at "
            "FROM payments p LEFT JOIN imports i ON i.id = p.import_id "
            "WHERE p.channel = :channel AND p.external_id IN (:values)",
            external_ids,
            channel=channel,
        )
        for external_id, paid_on, reference, earlier_file, imported_at in rows:
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
    problems.sort(key=lambda p: p.line or 0)
    return problems


def _match(
    conn: Connection,
    incoming: Sequence[IncomingPayment],
    council_id: int | None,
    file_name: str | None,
) -> tuple[dict[int, list[_Target]], list[Problem]]:
    """Index of each payment -> the accounts it may go to (none: suspense)."""
    references = sorted({item.payment.reference for item in incoming})
    council_filter = "" if council_id is None else " AND council_id = :council"
    params: dict[str, Any] = {} if council_id is None else {"council": council_id}
    by_reference: dict[str, list[_Target]] = defaultdict(list)
    accounts_sql = (
        "SELECT id, council_id, reference, kind, version FROM accounts "  # noqa: S608
        f"WHERE reference IN (:values){council_filter}"
    )
    for row in select_in(
        conn,
        accounts_sql,
        references,
        **params,
    ):
        by_reference[row.reference].append(
            _Target(row.id, row.council_id, row.reference, _KINDS[row.kind], row.version)
        )
    unmatched = [r for r in references if r not in by_reference]
    parties_sql = (
        "SELECT pa.reference, a.id, a.council_id, a.reference AS account_reference, a.kind, "  # noqa: S608
        "a.version FROM parties pa JOIN account_parties ap ON ap.party_id = pa.id "
        "JOIN accounts a ON a.id = ap.account_id "
        "WHERE pa.reference IN (:values)" + council_filter.replace("council_id", "pa.council_id")
    )
    for row in select_in(
        conn,
        parties_sql,
        unmatched,
        **params,
    ):
        by_reference[row.reference].append(
            _Target(row.id, row.council_id, row.account_reference, _KINDS[row.kind], row.version)
        )
    problems: list[Problem] = []
    matches: dict[int, list[_Target]] = {}
    shared: dict[int, _Target] = {}
    for index, item in enumerate(incoming):
        targets = by_reference.get(item.payment.reference, [])
        if len(targets) > 1 and len({a.council_id for a in targets}) > 1:
            problems.append(
                Problem(
                    f"reference {item.payment.reference} belongs to accounts in more than one "
                    "council; import the file with --council to say which",
                    line=item.line,
                    field="reference",
                    file=file_name,
                )
            )
            continue
        if targets:
            # One _Target per account, shared by every payment to it in this batch, so that
            # what one payment pays off is not owed to the next.
            matches[index] = [shared.setdefault(a.id, a) for a in targets]
    return matches, problems


def _load_owing(conn: Connection, targets: list[_Target]) -> None:
    by_id = {a.id: a for a in targets}
    for account_id, year, pence in select_in(
        conn,
        "SELECT account_id, financial_year, SUM(amount_pence) FROM postings "
        "WHERE account_id IN (:values) GROUP BY account_id, financial_year",
        list(by_id),
    ):
        by_id[account_id].owing[FinancialYear(year)] = Money(int(pence))


# Suspense ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SuspenseItem:
    payment_id: int
    payment_date: date
    reference: str
    amount: Money
    channel: str
    external_id: str
    council_code: str | None


def suspense_list(conn: Connection, council_code: str | None = None) -> list[SuspenseItem]:
    query = (
        select(t.payments, t.councils.c.code)
        .outerjoin(t.councils)
        .where(t.payments.c.status == PaymentStatus.SUSPENSE.value)
        .order_by(t.payments.c.payment_date, t.payments.c.id)
    )
    if council_code is not None:
        query = query.where((t.councils.c.code == council_code) | t.payments.c.council_id.is_(None))
    return [
        SuspenseItem(
            r.id,
            r.payment_date,
            r.reference,
            Money(r.amount_pence),
            r.channel,
            r.external_id,
            r.code,
        )
        for r in conn.execute(query)
    ]


def allocate_from_suspense(
    conn: Connection,
    payment_id: int,
    reference: str,
    *,
    reason: str,
    today: date,
    council_code: str | None = None,
) -> list[AllocationLine]:
    """An officer tells Reclaim which account (or customer) a suspense payment was meant for."""
    row = conn.execute(select(t.payments).where(t.payments.c.id == payment_id)).first()
    if row is None:
        raise DomainError(f"there is no payment {payment_id}")
    if row.status != PaymentStatus.SUSPENSE.value:
        raise DomainError(f"payment {payment_id} is not in suspense (it is {row.status})")
    if not reason.strip():
        raise DomainError("say why the payment belongs to that account")
    payment = Payment(
        row.payment_date,
        reference,
        Money(row.amount_pence),
        PaymentMethod(row.channel),
        row.external_id,
        id=row.id,
    )
    council_id = row.council_id
    if council_code is not None:
        named = next((c for c in all_councils(conn) if c.council.code == council_code), None)
        if named is None:
            raise DomainError(f"there is no council {council_code}")
        if council_id is not None and council_id != named.id:
            raise DomainError(f"payment {payment_id} was received for another council")
        council_id = named.id
    matches, problems = _match(conn, [IncomingPayment(payment)], council_id, None)
    if problems:
        raise InputRefused(problems)
    if 0 not in matches:
        raise DomainError(f"no account or customer has the reference {reference}")
    targets = matches[0]
    _load_owing(conn, targets)
    council_id = targets[0].council_id
    council = next(c for c in all_councils(conn) if c.id == council_id).council
    lines = _allocate(payment, targets, council.allocation_policy)
    lines = [
        AllocationLine(
            line.account_id,
            line.financial_year,
            line.amount,
            f"moved from suspense by an officer ({reason.strip()}); {line.reason}",
        )
        for line in lines
    ]
    _post_allocations(conn, [(payment_id, payment, lines)], {a.id: a for a in targets}, today)
    conn.execute(
        update(t.payments)
        .where(t.payments.c.id == payment_id, t.payments.c.status == PaymentStatus.SUSPENSE.value)
        .values(status=PaymentStatus.ALLOCATED.value, council_id=council_id)
    )
    return lines


# Returned payments ------------------------------------------------------------------------


def reverse_payment(conn: Connection, payment_id: int, *, on: date, reason: str) -> list[Posting]:
    """Undo a payment that was returned (a bounced Direct Debit, a dishonoured cheque) or
    refunded from suspense: each of its postings is reversed, and both stay in the history."""
    row = conn.execute(select(t.payments).where(t.payments.c.id == payment_id)).first()
    if row is None:
        raise DomainError(f"there is no payment {payment_id}")
    if row.status == PaymentStatus.REVERSED.value:
        raise DomainError(f"payment {payment_id} has already been reversed")
    if not reason.strip():
        raise DomainError("say why the payment is being reversed")
    account_ids = [
        r.account_id
        for r in conn.execute(
            select(t.postings.c.account_id)
            .where(t.postings.c.payment_id == payment_id)
            .distinct()
            .order_by(t.postings.c.account_id)
        )
    ]
    changes = []
    for account_id in account_ids:
        version = conn.execute(
            select(t.accounts.c.version).where(t.accounts.c.id == account_id)
        ).scalar_one()
        postings = postings_of(conn, account_id)
        reversed_ids = {p.reverses_id for p in postings if p.reverses_id is not None}
        reversals = [
            reversal_of(p, on=on, reason=f"payment {row.external_id} reversed: {reason.strip()}")
            for p in postings
            if p.payment_id == payment_id
            and p.kind is PostingKind.PAYMENT
            and p.id not in reversed_ids
        ]
        changes.append((account_id, version, reversals))
    write_postings(conn, changes)
    conn.execute(
        update(t.payments)
        .where(t.payments.c.id == payment_id, t.payments.c.status == row.status)
        .values(status=PaymentStatus.REVERSED.value)
    )
    return [p for _, _, ps in changes for p in ps]
