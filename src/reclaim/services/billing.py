"""Billing: the annual run for a council and year, and rebilling one account after a change.

The annual run (``reclaim bill --council C --year 2026/27 --issue-date D``) bills every
Council Tax and Business Rates account liable in the year that has no bill for it yet, so a
second run bills only what the first did not. The accounts are read into a Polars frame and
their bills worked out at once by ``bulk_billing`` (the domain's rules once per distinct
situation, each account's Council Tax Reduction award and instalment amounts as column
arithmetic proved equal to the rules); then the instalment plans, the charges and the bills
are written as sets. Instalment plans are values shared by every bill with the same dates and
amounts.

A rebill (after a band change, a discount or exemption awarded or ended, liability starting or
ending, 12 instalments asked for) works the year out again for one account; a bill whose
charge changed supersedes the old one, which is kept, and the difference is posted as an
adjustment. An account that could not be billed (a dwelling awaiting its band) is billed when
the missing fact arrives; what was paid on account meanwhile is already its credit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from sqlalchemy import Connection, func, select

from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.domain.accounts import AccountKind
from reclaim.domain.bills import BillTerms, first_bill_instalments, rebill_instalments, rules_for
from reclaim.domain.charges import ChargeLine, CouncilTaxYear, MultiplierTable
from reclaim.domain.errors import DomainError
from reclaim.domain.ledger import Posting, PostingKind
from reclaim.domain.liability import Liability, NotBillable, bill_lines
from reclaim.domain.schedules import Instalment
from reclaim.money import Money
from reclaim.services.bulk_allocation import content_hashes
from reclaim.services.bulk_billing import (
    WorkedBill,
    YearFigures,
    circumstance_texts,
    lines_json,
    lines_of,
    stored_circumstance,
    stored_valuation,
    valuation_texts,
    with_situation_keys,
    work_out_in_bulk,
)
from reclaim.services.council_years import get_year
from reclaim.services.letters import queue_letters_of
from reclaim.services.statutory_data import business_rates_table
from reclaim.store import tables as t
from reclaim.store.bulk import (
    insert_rows,
    keys_checked_at_end,
    read_frame,
    reserve_ids,
    select_in,
)
from reclaim.store.repositories import (
    POSTING_COLUMNS,
    bump_versions,
    get_council,
    posting_row,
)

Progress = Callable[[str], None]
BILLED_KINDS = (AccountKind.COUNCIL_TAX.value, AccountKind.BUSINESS_RATES.value)


# The figures a year is billed with ----------------------------------------------------------


def year_figures(conn: Connection, council_code: str, year: FinancialYear) -> YearFigures:
    """Band D and parishes (the council's settings) and the multipliers (the law's data)."""
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    setting = get_year(conn, council_code, year)
    try:
        multipliers: MultiplierTable | None = business_rates_table(year)
    except DomainError:
        multipliers = None  # refused by bill_lines only if a business rates account needs them
    council_tax = CouncilTaxYear(year, stored.council.country, setting.band_d, setting.parishes)
    return YearFigures(stored.id, year, setting.default_instalment_day, council_tax, multipliers)


def check_issue_date(year: FinancialYear, issued: date) -> None:
    if issued > year.end:
        raise DomainError(f"a bill for {year} cannot be issued after the year ends ({issued})")
    if issued < date(year.start_year - 1, 1, 1):
        raise DomainError(
            f"a bill for {year} cannot be issued before 1 January {year.start_year - 1} ({issued})"
        )


# The annual run ---------------------------------------------------------------------------


@dataclass(slots=True)
class BillingRun:
    council: str
    year: FinancialYear
    issued_on: date
    billed: int = 0
    charged: Money = field(default_factory=Money.zero)
    already_billed: int = 0
    not_billed: dict[str, int] = field(default_factory=dict)
    situations: int = 0
    new_plans: int = 0


def bill_year(
    conn: Connection,
    council_code: str,
    year: FinancialYear,
    *,
    issued_on: date,
    today: date,
    progress: Progress | None = None,
) -> BillingRun:
    """Bill every liable account of the council not yet billed for ``year`` (caller commits)."""
    say = progress or (lambda _stage: None)
    check_issue_date(year, issued_on)
    figures = year_figures(conn, council_code, year)
    run = BillingRun(council_code, year, issued_on)
    say(f"reading the accounts liable in {year}")
    accounts = _liable_accounts(conn, figures)
    run.already_billed = _count_billed(conn, figures)
    if accounts.height == 0:
        return run
    say(f"reading circumstances and valuations of {accounts.height:,} accounts")
    keyed = with_situation_keys(
        accounts, _circumstances_in(conn, figures), _valuations_in(conn, figures), figures
    )
    say(f"working out the bills of {keyed.height:,} accounts")
    worked = work_out_in_bulk(keyed, figures, issued_on)
    run.situations = worked.situations
    skipped = worked.bills.filter(pl.col("not_billed").is_not_null())
    for reason, count in skipped.group_by("not_billed").len().iter_rows():
        run.not_billed[reason] = count
    billing = worked.bills.filter(pl.col("not_billed").is_null())
    if billing.height == 0:
        return run
    say("storing instalment plans")
    plan_ids, run.new_plans = store_plans(conn, worked.plans)
    say(f"writing {billing.height:,} bills with their charges")
    _write_bills(conn, billing, plan_ids, figures, issued_on, today)
    run.billed = billing.height
    run.charged = Money(int(billing.get_column("charge_pence").sum()))
    return run


LIABLE_COLUMNS = {
    "account_id": pl.Int64,
    "kind": pl.String,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "instalment_day": pl.String,
    "instalments": pl.Int64,
    "property_id": pl.Int64,
    "band": pl.String,
    "rv_pence": pl.Int64,
    "parish": pl.String,
    "version": pl.Int64,
}


def _liable_accounts(conn: Connection, figures: YearFigures) -> pl.DataFrame:
    """The accounts liable in the year with no bill for it yet."""
    year = figures.year
    return read_frame(
        conn,
        """
        SELECT a.id, a.kind, a.start_date, a.end_date, a.instalment_day, a.instalments,
               a.property_id, p.band, p.rateable_value_pence, p.parish, b.version
        FROM accounts a
        JOIN properties p ON p.id = a.property_id
        JOIN account_balances b ON b.account_id = a.id
        WHERE a.council_id = :council AND a.kind IN (:kinds)
          AND a.start_date <= :year_end AND (a.end_date IS NULL OR a.end_date >= :year_start)
          AND NOT EXISTS (SELECT 1 FROM bills x
                          WHERE x.account_id = a.id AND x.financial_year = :year)
        ORDER BY a.id
        """,
        {
            "council": figures.council_id,
            "kinds": list(BILLED_KINDS),
            "year_end": year.end.isoformat(),
            "year_start": year.start.isoformat(),
            "year": year.start_year,
        },
        LIABLE_COLUMNS,
    )


def _count_billed(conn: Connection, figures: YearFigures) -> int:
    query = (
        select(func.count(func.distinct(t.bills.c.account_id)))
        .join(t.accounts, t.accounts.c.id == t.bills.c.account_id)
        .where(
            t.accounts.c.council_id == figures.council_id,
            t.bills.c.financial_year == figures.year.start_year,
        )
    )
    return int(conn.execute(query).scalar_one())


def _circumstances_in(conn: Connection, figures: YearFigures) -> pl.DataFrame:
    year = figures.year
    rows = read_frame(
        conn,
        """
        SELECT c.account_id, c.kind, c.starts_on, c.ends_on, c.detail, c.amount_pence
        FROM circumstances c JOIN accounts a ON a.id = c.account_id
        WHERE a.council_id = :council AND c.starts_on <= :year_end
          AND (c.ends_on IS NULL OR c.ends_on >= :year_start)
        ORDER BY c.account_id, c.kind, c.starts_on, c.id
        """,
        {
            "council": figures.council_id,
            "year_end": year.end.isoformat(),
            "year_start": year.start.isoformat(),
        },
        {
            "account_id": pl.Int64,
            "kind": pl.String,
            "starts_on": pl.Date,
            "ends_on": pl.Date,
            "detail": pl.String,
            "amount_pence": pl.Int64,
        },
    )
    return circumstance_texts(rows, year)


def _valuations_in(conn: Connection, figures: YearFigures) -> pl.DataFrame:
    year = figures.year
    rows = read_frame(
        conn,
        """
        SELECT v.property_id, v.effective_from, v.band, v.rateable_value_pence
        FROM valuations v JOIN properties p ON p.id = v.property_id
        WHERE p.council_id = :council AND v.effective_from <= :year_end
        ORDER BY v.property_id, v.effective_from, v.id
        """,
        {"council": figures.council_id, "year_end": year.end.isoformat()},
        {
            "property_id": pl.Int64,
            "effective_from": pl.Date,
            "band": pl.String,
            "rv_pence": pl.Int64,
        },
    )
    return valuation_texts(rows, year)


def store_plans(conn: Connection, plans: pl.DataFrame) -> tuple[dict[str, int], int]:
    """Ids of the plans by fingerprint, adding those not stored yet; and how many were new.
    ``plans`` has a row per instalment: fingerprint, seq, due_date (ISO text), amount_pence."""
    fingerprints = plans.get_column("fingerprint").unique(maintain_order=True).to_list()
    ids: dict[str, int] = dict(
        select_in(
            conn,
            "SELECT fingerprint, id FROM instalment_plans WHERE fingerprint IN (:values)",
            fingerprints,
        )
    )
    new = [fingerprint for fingerprint in fingerprints if fingerprint not in ids]
    new_ids = reserve_ids(conn, t.instalment_plans, len(new))
    insert_rows(conn, t.instalment_plans, ("id", "fingerprint"), zip(new_ids, new, strict=True))
    ids.update(zip(new, new_ids, strict=True))
    new_plans = pl.DataFrame(
        {"fingerprint": new, "plan_id": new_ids},
        schema={"fingerprint": pl.String, "plan_id": pl.Int64},
    )
    rows = (
        plans.join(new_plans, on="fingerprint")
        .select("plan_id", "seq", "due_date", "amount_pence")
        .sort("plan_id", "seq")
    )
    with keys_checked_at_end(conn, t.plan_instalments, rows.height):
        insert_rows(
            conn,
            t.plan_instalments,
            ("plan_id", "seq", "due_date", "amount_pence"),
            rows.iter_rows(),
        )
    return ids, len(new)


def plan_rows(plans: dict[str, tuple[Instalment, ...]]) -> pl.DataFrame:
    """Plans by fingerprint as ``store_plans`` takes them."""
    return pl.DataFrame(
        [
            (fingerprint, seq, i.due_date.isoformat(), i.amount.pence)
            for fingerprint, instalments in plans.items()
            for seq, i in enumerate(instalments, start=1)
        ],
        schema={
            "fingerprint": pl.String,
            "seq": pl.Int64,
            "due_date": pl.String,
            "amount_pence": pl.Int64,
        },
        orient="row",
    )


BILL_COLUMNS = (
    "id",
    "account_id",
    "financial_year",
    "issued_on",
    "charge_pence",
    "lines",
    "plan_id",
    "posting_id",
    "supersedes_id",
    "reason",
)


def _write_bills(
    conn: Connection,
    billing: pl.DataFrame,
    plan_ids: dict[str, int],
    figures: YearFigures,
    issued_on: date,
    today: date,
) -> None:
    year = figures.year
    charged = billing.filter(pl.col("charge_pence") > 0)
    posting_ids = reserve_ids(conn, t.postings, charged.height)
    charged = charged.with_columns(pl.Series("posting_id", posting_ids, dtype=pl.Int64))
    label = pl.col("kind").replace_strict(
        {k.value: k.label for k in AccountKind}, default=None, return_dtype=pl.String
    )
    reason = f"bill for {year} issued {issued_on.isoformat()}"
    postings = charged.select(
        "posting_id",
        "account_id",
        pl.lit(PostingKind.CHARGE.value).alias("kind"),
        "charge_pence",
        pl.lit(year.start_year).alias("financial_year"),
        pl.lit(issued_on.isoformat()).alias("effective_date"),
        pl.lit(today.isoformat()).alias("posted_on"),
        (label + pl.lit(" " + reason)).alias("reason"),
        pl.lit(None, dtype=pl.Int64).alias("reverses_id"),
        pl.lit(None, dtype=pl.Int64).alias("payment_id"),
    ).rename({"charge_pence": "amount_pence", "posting_id": "id"})
    with keys_checked_at_end(conn, t.postings, postings.height):
        insert_rows(
            conn,
            t.postings,
            POSTING_COLUMNS,
            postings.with_columns(content_hashes(postings)).select(POSTING_COLUMNS).iter_rows(),
        )
    bills = billing.join(
        charged.select("account_id", "posting_id"),
        on="account_id",
        how="left",
        maintain_order="left",
    ).with_columns(
        pl.col("fingerprint")
        .replace_strict(plan_ids, default=None, return_dtype=pl.Int64)
        .alias("plan_id")
    )
    bill_ids = reserve_ids(conn, t.bills, bills.height)
    with keys_checked_at_end(conn, t.bills, bills.height):
        insert_rows(
            conn,
            t.bills,
            BILL_COLUMNS,
            bills.select(
                pl.Series("id", bill_ids, dtype=pl.Int64),
                "account_id",
                pl.lit(year.start_year).alias("financial_year"),
                pl.lit(issued_on.isoformat()).alias("issued_on"),
                "charge_pence",
                "lines",
                "plan_id",
                "posting_id",
                pl.lit(None, dtype=pl.Int64).alias("supersedes_id"),
                pl.lit(f"annual {reason}").alias("reason"),
            ).iter_rows(),
        )
    bump_versions(
        conn,
        [
            {"a": a, "v": v, "d": d}
            for a, v, d in charged.select("account_id", "version", "charge_pence").iter_rows()
        ],
    )


# One account: its bills, and rebilling after a change -------------------------------------


@dataclass(frozen=True, slots=True)
class StoredBill:
    id: int
    account_id: int
    year: FinancialYear
    issued_on: date
    charge: Money
    lines: tuple[ChargeLine, ...]
    instalments: tuple[Instalment, ...]
    supersedes_id: int | None
    reason: str


def bills_of(conn: Connection, account_id: int) -> list[StoredBill]:
    """Every bill of the account, oldest first (superseded ones included)."""
    rows = conn.execute(
        select(t.bills).where(t.bills.c.account_id == account_id).order_by(t.bills.c.id)
    ).all()
    plans = {r.plan_id for r in rows if r.plan_id is not None}
    instalments: dict[int, list[Instalment]] = {plan: [] for plan in plans}
    if plans:
        for item in conn.execute(
            select(t.plan_instalments)
            .where(t.plan_instalments.c.plan_id.in_(plans))
            .order_by(t.plan_instalments.c.plan_id, t.plan_instalments.c.seq)
        ):
            instalments[item.plan_id].append(Instalment(item.due_date, Money(item.amount_pence)))
    return [
        StoredBill(
            r.id,
            r.account_id,
            FinancialYear(r.financial_year),
            r.issued_on,
            Money(r.charge_pence),
            tuple(lines_of(r.lines)),
            tuple(instalments.get(r.plan_id, ())),
            r.supersedes_id,
            r.reason,
        )
        for r in rows
    ]


def current_bills(bills: Sequence[StoredBill]) -> dict[FinancialYear, StoredBill]:
    """The bill in force for each year: the one no later bill supersedes."""
    superseded = {b.supersedes_id for b in bills if b.supersedes_id is not None}
    return {b.year: b for b in bills if b.id not in superseded}


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What one account's bills are worked out from, as stored."""

    account_id: int
    council_code: str
    kind: AccountKind
    reference: str
    version: int
    liability: Liability
    day: InstalmentDay | None
    twelve: bool


def account_facts(conn: Connection, account_id: int) -> AccountFacts:
    row = conn.execute(
        select(
            t.accounts,
            t.councils.c.code.label("council_code"),
            t.properties.c.band,
            t.properties.c.rateable_value_pence,
            t.properties.c.parish,
            t.account_balances.c.version,
        )
        .join(t.councils, t.councils.c.id == t.accounts.c.council_id)
        .join(t.account_balances, t.account_balances.c.account_id == t.accounts.c.id)
        .outerjoin(t.properties, t.properties.c.id == t.accounts.c.property_id)
        .where(t.accounts.c.id == account_id)
    ).one()
    kind = AccountKind(row.kind)
    if not kind.is_billed:
        raise DomainError(f"account {row.reference} is {kind.label}, which is not billed annually")
    valuations = conn.execute(
        select(t.valuations)
        .where(t.valuations.c.property_id == row.property_id)
        .order_by(t.valuations.c.effective_from, t.valuations.c.id)
    ).all()
    circumstances = conn.execute(
        select(t.circumstances)
        .where(t.circumstances.c.account_id == account_id)
        .order_by(t.circumstances.c.starts_on, t.circumstances.c.id)
    ).all()
    liability = Liability(
        kind=kind,
        liable_from=row.start_date,
        liable_to=row.end_date,
        valuations=(
            stored_valuation(date.min, row.band, row.rateable_value_pence),
            *(
                stored_valuation(v.effective_from, v.band, v.rateable_value_pence)
                for v in valuations
            ),
        ),
        circumstances=tuple(
            stored_circumstance(c.kind, c.starts_on, c.ends_on, c.detail, c.amount_pence)
            for c in circumstances
        ),
        parish=row.parish,
    )
    return AccountFacts(
        account_id,
        row.council_code,
        kind,
        row.reference,
        row.version,
        liability,
        InstalmentDay(row.instalment_day) if row.instalment_day else None,
        row.instalments == 12,
    )


@dataclass(frozen=True, slots=True)
class BillChange:
    """What a rebill did for one year: the bill superseded (if any) and the new bill."""

    year: FinancialYear
    previous: StoredBill | None
    bill: StoredBill | None  # None: the charge and instalments did not change
    not_billed: str | None = None

    @property
    def difference(self) -> Money:
        if self.bill is None:
            return Money.zero()
        return self.bill.charge - (self.previous.charge if self.previous else Money.zero())


def rebill_account(
    conn: Connection,
    account_id: int,
    *,
    issued_on: date,
    today: date,
    reason: str,
    twelve_asked: bool = False,
) -> list[BillChange]:
    """Work out again every year the account has a bill for (and bill the years it is liable
    in, has settings for and was not yet billed for, up to the year of issue). A year whose
    charge or instalments changed gets a new bill superseding the old (caller commits)."""
    facts = account_facts(conn, account_id)
    stored = bills_of(conn, account_id)
    current = current_bills(stored)
    changes: list[BillChange] = []
    postings: list[Posting] = []
    new_bills: list[tuple[int | None, FinancialYear, WorkedBill, int | None]] = []
    for year in _years_to_bill(conn, facts, current, issued_on):
        figures = year_figures(conn, facts.council_code, year)
        terms = BillTerms(
            year,
            issued_on,
            facts.day or figures.default_day,
            rules_for(facts.kind),
            twelve=facts.twelve,
        )
        previous = current.get(year)
        try:
            lines = tuple(
                bill_lines(
                    facts.liability,
                    year,
                    council_tax=figures.council_tax,
                    business_rates=figures.business_rates,
                )
            )
        except NotBillable as why:
            changes.append(BillChange(year, previous, None, str(why)))
            continue
        charge = sum((line.amount for line in lines), Money.zero())
        if previous is None:
            instalments = first_bill_instalments(charge, terms)
        elif charge == previous.charge and lines == previous.lines and not twelve_asked:
            changes.append(BillChange(year, previous, None))
            continue
        else:
            instalments = rebill_instalments(
                previous.instalments, charge, terms, twelve_asked=twelve_asked
            )
        worked = WorkedBill(lines, instalments)
        difference = charge - (previous.charge if previous else Money.zero())
        posting_index = None
        if not difference.is_zero:
            kind = PostingKind.CHARGE if previous is None else PostingKind.ADJUSTMENT
            posting_index = len(postings)
            postings.append(
                Posting(
                    account_id=account_id,
                    kind=kind,
                    amount=difference,
                    financial_year=year,
                    effective_date=issued_on,
                    posted_on=today,
                    reason=f"{facts.kind.label} {'re' if previous else ''}bill for {year} "
                    f"issued {issued_on.isoformat()}: {reason}",
                )
            )
        new_bills.append((None if previous is None else previous.id, year, worked, posting_index))
        changes.append(BillChange(year, previous, None))
    if not new_bills:
        return changes
    posting_ids = reserve_ids(conn, t.postings, len(postings))
    insert_rows(
        conn,
        t.postings,
        POSTING_COLUMNS,
        [posting_row(pid, p) for pid, p in zip(posting_ids, postings, strict=True)],
    )
    plan_ids, _ = store_plans(
        conn,
        plan_rows({w.fingerprint: w.instalments for _, _, w, _ in new_bills if w.fingerprint}),
    )
    made = {
        year: StoredBill(
            bill_id,
            account_id,
            year,
            issued_on,
            worked.charge,
            worked.lines,
            worked.instalments,
            supersedes,
            reason,
        )
        for bill_id, (supersedes, year, worked, _) in zip(
            reserve_ids(conn, t.bills, len(new_bills)), new_bills, strict=True
        )
    }
    insert_rows(
        conn,
        t.bills,
        BILL_COLUMNS,
        [
            (
                bill.id,
                account_id,
                year.start_year,
                issued_on.isoformat(),
                bill.charge.pence,
                lines_json(bill.lines),
                plan_ids[worked.fingerprint] if worked.fingerprint else None,
                None if index is None else posting_ids[index],
                bill.supersedes_id,
                reason,
            )
            for bill, (_, year, worked, index) in zip(made.values(), new_bills, strict=True)
        ],
    )
    bump_versions(
        conn,
        [{"a": account_id, "v": facts.version, "d": sum(p.amount.pence for p in postings)}],
    )
    queue_letters_of(conn, [account_id], issued_on)  # each new bill's demand notice
    return [BillChange(c.year, c.previous, made.get(c.year), c.not_billed) for c in changes]


def _years_to_bill(
    conn: Connection, facts: AccountFacts, current: dict[FinancialYear, StoredBill], issued: date
) -> list[FinancialYear]:
    """Years already billed, and the years the account is liable in that its council has
    settings for, up to the year the new bill is issued in."""
    last = FinancialYear.containing(issued)
    council = get_council(conn, facts.council_code)
    assert council is not None
    settled = {
        FinancialYear(y)
        for (y,) in conn.execute(
            select(t.council_years.c.financial_year).where(
                t.council_years.c.council_id == council.id
            )
        )
    }
    liability = facts.liability
    liable = {
        y
        for y in settled
        if y <= last
        and liability.liable_from <= y.end
        and (liability.liable_to is None or liability.liable_to >= y.start)
    }
    return sorted(set(current) | liable)
