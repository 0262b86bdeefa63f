"""The recovery run: for every billed account of a council, the step its strategy requires on
a date — recorded with its reason, its letter queued — or, in a dry run, only reported.

How it goes, and why it is fast:

1. Read, set-based, the bill in force for each account and year, the instalment plans, what
   was paid towards each year and when, costs, the steps already taken, and what protects
   people (holds, Breathing Space, vulnerability, death, age for soft reminders).
2. An account's year with no step yet taken, nothing protecting it and every instalment due
   before the run date paid needs nothing: it is settled in bulk, as column arithmetic. That
   is exactly the engine's answer for it (no missed instalment, standing position).
3. Every other year is a ``Case`` for the engine's plain per-account evaluator
   (``domain/recovery/engine.py``), so the batch decides what the reference decides.
4. The steps are written in one go: ``recovery_events`` with the reason, and one queued
   ``documents`` row for each step that sends a letter. Steps are dated the run date, never
   backdated; a second run for the same date finds nothing new to do.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.errors import DomainError
from reclaim.domain.ledger import PostingKind
from reclaim.domain.recovery.engine import Action, Case, Decision, Period, Step, steps_due
from reclaim.domain.schedules import Instalment
from reclaim.money import Money
from reclaim.services.recovery_bulk import BULK_SCHEMA, first_notices, money_text
from reclaim.services.recovery_strategies import ChosenStrategy, strategy_for
from reclaim.store import tables as t
from reclaim.store.bulk import insert_rows, is_postgres, reserve_ids
from reclaim.store.repositories import get_council

Progress = Callable[[str], None]
RECOVERED_KINDS = (AccountKind.COUNCIL_TAX, AccountKind.BUSINESS_RATES)
# Postings that pay towards a year (negative amounts); a refund or reversal puts money back.
PAYING_KINDS = (
    PostingKind.PAYMENT,
    PostingKind.REVERSAL,
    PostingKind.REFUND,
    PostingKind.WRITE_OFF,
    PostingKind.TRANSFER,
)
EVENT_COLUMNS = (
    "id",
    "account_id",
    "financial_year",
    "event_date",
    "action",
    "stage",
    "amount_pence",
    "pay_by",
    "demanded_through",
    "falls_due",
    "hearing_on",
    "costs_pence",
    "strategy",
    "reason",
)


@dataclass(frozen=True, slots=True)
class PlannedStep:
    account_id: int
    reference: str
    name: str
    year: FinancialYear
    decision: Decision
    strategy: str


@dataclass(slots=True)
class RecoveryRun:
    council: str
    as_of: date
    dry_run: bool
    accounts_read: int = 0
    settled_in_bulk: int = 0
    evaluated: int = 0
    steps: list[PlannedStep] = field(default_factory=list)
    bulk: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=BULK_SCHEMA))
    quiet: Counter[str] = field(default_factory=Counter)

    @property
    def taken(self) -> int:
        return self.bulk.height + sum(1 for s in self.steps if s.decision.by_run)

    def summary(self) -> Counter[str]:
        """How many of each step: taken by the run, or awaiting the court or a review."""
        counts: Counter[str] = Counter()
        for step in self.steps:
            d = step.decision
            what = d.title if d.action is not Action.BALANCE_DUE else "Balance due"
            if not d.by_run:
                what = f"{d.title} due (reclaim court summons)"
            counts[what] += 1
        for title, count in self.bulk.group_by("title").len().iter_rows():
            counts[title] += count
        return counts

    def write_csv(self, path: Path) -> None:
        """Every step with its reason: account, name, year, action, stage, amount, pay by,
        letter, reason."""
        evaluated = pl.DataFrame(
            [
                (
                    s.reference,
                    s.name,
                    str(s.year),
                    s.decision.action.value if s.decision.by_run else f"{s.decision.action} (due)",
                    s.decision.stage,
                    str(s.decision.amount),
                    s.decision.pay_by,
                    s.decision.letter or "",
                    s.decision.reason,
                )
                for s in self.steps
            ],
            schema=CSV_SCHEMA,
            orient="row",
        )
        bulk = self.bulk.select(
            pl.col("reference").alias("account"),
            "name",
            pl.concat_str(
                pl.col("financial_year").cast(pl.String),
                pl.lit("/"),
                ((pl.col("financial_year") + 1) % 100).cast(pl.String).str.zfill(2),
            ).alias("year"),
            "action",
            "stage",
            money_text("amount_pence").alias("amount"),
            "pay_by",
            "letter",
            "reason",
        )
        pl.concat([bulk, evaluated]).write_csv(path)


CSV_SCHEMA = {
    "account": pl.String,
    "name": pl.String,
    "year": pl.String,
    "action": pl.String,
    "stage": pl.String,
    "amount": pl.String,
    "pay_by": pl.Date,
    "letter": pl.String,
    "reason": pl.String,
}


def run_recovery(
    conn: Connection,
    council_code: str,
    as_of: date,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> RecoveryRun:
    """Decide and (unless ``dry_run``) record every step due on ``as_of`` (caller commits)."""
    say = progress or (lambda _stage: None)
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    country = stored.council.country
    run = RecoveryRun(council_code, as_of, dry_run)
    say("reading the bills in force")
    years = _bills_in_force(conn, stored.id, as_of)
    run.accounts_read = years.height
    if years.height == 0:
        return run
    say(f"reading instalments and payments of {years.height:,} account-years")
    plans = _plan_instalments(conn, years.get_column("plan_id").unique().to_list())
    due = (
        plans.filter(pl.col("due_date") < as_of)
        .group_by("plan_id")
        .agg(pl.col("amount_pence").sum().alias("due_before"))
    )
    paid = _paid(conn, stored.id, as_of)
    events = _events(conn, stored.id)
    protected = _protected_accounts(conn, stored.id, as_of)
    paid_totals = paid.group_by("account_id", "financial_year").agg(
        pl.col("pence").sum().alias("paid")
    )
    with_history = (
        events.select("account_id", "financial_year")
        .unique()
        .with_columns(pl.lit(True).alias("has_history"))
    )
    frame = (
        years.join(due, on="plan_id", how="left")
        .join(paid_totals, on=["account_id", "financial_year"], how="left")
        .join(with_history, on=["account_id", "financial_year"], how="left")
        .with_columns(
            pl.col("due_before").fill_null(0),
            pl.col("paid").fill_null(0),
            pl.col("has_history").fill_null(False),
            pl.col("account_id").is_in(protected).alias("protected"),
        )
    )
    settled = (
        ~pl.col("has_history") & ~pl.col("protected") & (pl.col("paid") >= pl.col("due_before"))
    )
    run.settled_in_bulk = int(frame.select(settled.sum()).item())
    costs = _costs(conn, stored.id)
    with_costs = pl.DataFrame(
        list(costs), schema={"account_id": pl.Int64, "financial_year": pl.Int64}, orient="row"
    ).with_columns(pl.lit(True).alias("has_costs"))
    candidates = (
        frame.filter(~settled)
        .join(with_costs, on=["account_id", "financial_year"], how="left")
        .with_columns(pl.col("has_costs").fill_null(False))
    )
    plain = ~pl.col("has_history") & ~pl.col("protected") & ~pl.col("has_costs")
    first_time = candidates.filter(plain)
    others = candidates.filter(~plain)
    strategies = {
        (kind, year): strategy_for(conn, stored.id, country, AccountKind(kind), FinancialYear(year))
        for kind, year in candidates.select("kind", "financial_year").unique().iter_rows()
    }
    say(f"deciding first notices for {first_time.height:,} account-years in arrears")
    run.bulk = first_notices(
        _with_ages(conn, first_time, as_of),
        plans,
        {key: (chosen.strategy, chosen.label) for key, chosen in strategies.items()},
        country,
        as_of,
    )
    run.evaluated = others.height
    say(f"deciding {others.height:,} account-years with a history or a protection")
    if others.height:
        _decide(conn, run, others, plans, paid, events, stored.id, country, as_of)
    if not dry_run and run.taken:
        say(f"recording {run.taken:,} steps")
        _record(conn, run)
    return run


def bare_arrears(conn: Connection, council_code: str, as_of: date) -> int:
    """Each account-year's arrears on ``as_of`` from the same tables, and nothing more: the
    benchmark's floor for the run. Returns how many account-years are in arrears."""
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    years = _bills_in_force(conn, stored.id, as_of)
    plans = _plan_instalments(conn, years.get_column("plan_id").unique().to_list())
    due = (
        plans.filter(pl.col("due_date") < as_of)
        .group_by("plan_id")
        .agg(pl.col("amount_pence").sum().alias("due_before"))
    )
    paid = (
        _paid(conn, stored.id, as_of)
        .group_by("account_id", "financial_year")
        .agg(pl.col("pence").sum().alias("paid"))
    )
    arrears = (
        years.join(due, on="plan_id", how="left")
        .join(paid, on=["account_id", "financial_year"], how="left")
        .select(pl.col("due_before").fill_null(0) - pl.col("paid").fill_null(0))
    )
    return int((arrears.to_series() > 0).sum())


def _decide(
    conn: Connection,
    run: RecoveryRun,
    candidates: pl.DataFrame,
    plans: pl.DataFrame,
    paid: pl.DataFrame,
    events: pl.DataFrame,
    council_id: int,
    country: Country,
    as_of: date,
) -> None:
    ids = set(candidates.get_column("account_id").to_list())
    keys = set(
        zip(
            candidates.get_column("account_id").to_list(),
            candidates.get_column("financial_year").to_list(),
            strict=True,
        )
    )
    plan_of: dict[int, tuple[Instalment, ...]] = {}
    wanted = set(candidates.get_column("plan_id").to_list())
    for (plan_id,), group in plans.filter(pl.col("plan_id").is_in(wanted)).group_by(
        "plan_id", maintain_order=True
    ):
        plan_of[int(plan_id)] = tuple(
            Instalment(d, Money(p))
            for d, p in zip(
                group.get_column("due_date"), group.get_column("amount_pence"), strict=True
            )
        )
    paid_of: dict[tuple[int, int], list[tuple[date, int]]] = defaultdict(list)
    for a, y, d, p in paid.filter(pl.col("account_id").is_in(ids)).iter_rows():
        if (a, y) in keys:
            paid_of[(a, y)].append((d, p))
    steps_of: dict[tuple[int, int], list[Step]] = defaultdict(list)
    costs_of: dict[tuple[int, int], int] = defaultdict(int)
    for row in events.filter(pl.col("account_id").is_in(ids)).iter_rows(named=True):
        key = (row["account_id"], row["financial_year"])
        steps_of[key].append(_step(row))
    for (a, y), pence in _costs(conn, council_id).items():
        if (a, y) in keys:
            costs_of[(a, y)] = pence
    people = _people(conn, ids, as_of)
    strategies: dict[tuple[str, int], ChosenStrategy] = {}
    for row in candidates.iter_rows(named=True):
        account_id, start_year = row["account_id"], row["financial_year"]
        kind = AccountKind(row["kind"])
        chosen = strategies.get((kind.value, start_year))
        if chosen is None:
            chosen = strategy_for(conn, council_id, country, kind, FinancialYear(start_year))
            strategies[(kind.value, start_year)] = chosen
        who = people.get(account_id, _NOBODY)
        case = Case(
            year=FinancialYear(start_year),
            instalments=plan_of[row["plan_id"]],
            paid=tuple(sorted(paid_of.get((account_id, start_year), ()))),
            costs_pence=costs_of.get((account_id, start_year), 0),
            steps=tuple(steps_of.get((account_id, start_year), ())),
            country=country,
            aged_65_or_over=who.aged_65_or_over,
            deceased=who.deceased,
            vulnerable=who.vulnerable,
            holds=who.holds,
            breathing_spaces=who.breathing_spaces,
        )
        for decision in steps_due(case, chosen.strategy, as_of):
            run.steps.append(
                PlannedStep(
                    account_id,
                    row["reference"],
                    row["name"] or "",
                    case.year,
                    decision,
                    chosen.label,
                )
            )


def _step(row: dict[str, Any]) -> Step:
    return Step(
        on=row["event_date"],
        action=Action(row["action"]),
        stage=row["stage"],
        amount=Money(row["amount_pence"]),
        pay_by=row["pay_by"],
        demanded_through=row["demanded_through"],
        falls_due=row["falls_due"],
        hearing_on=row["hearing_on"],
        costs=Money(row["costs_pence"]),
        reason=row["reason"],
    )


def _record(conn: Connection, run: RecoveryRun) -> None:
    bulk = run.bulk
    if bulk.height:
        event_ids = reserve_ids(conn, t.recovery_events, bulk.height)
        bulk = bulk.with_columns(pl.Series("event_id", event_ids, dtype=pl.Int64))
        insert_rows(
            conn,
            t.recovery_events,
            EVENT_COLUMNS,
            bulk.select(
                "event_id",
                "account_id",
                "financial_year",
                pl.lit(run.as_of.isoformat()).alias("event_date"),
                "action",
                "stage",
                "amount_pence",
                pl.col("pay_by").cast(pl.String),
                pl.col("demanded_through").cast(pl.String),
                pl.lit(None, dtype=pl.String).alias("falls_due"),
                pl.lit(None, dtype=pl.String).alias("hearing_on"),
                pl.lit(0).alias("costs_pence"),
                "strategy",
                "reason",
            ).iter_rows(),
        )
        document_ids = reserve_ids(conn, t.documents, bulk.height)
        insert_rows(
            conn,
            t.documents,
            ("id", "account_id", "event_id", "letter", "status", "created_on"),
            bulk.select(
                pl.Series("id", document_ids, dtype=pl.Int64),
                "account_id",
                "event_id",
                "letter",
                pl.lit("queued").alias("status"),
                pl.lit(run.as_of.isoformat()).alias("created_on"),
            ).iter_rows(),
        )
    taken = [s for s in run.steps if s.decision.by_run]
    ids = reserve_ids(conn, t.recovery_events, len(taken))
    insert_rows(
        conn,
        t.recovery_events,
        EVENT_COLUMNS,
        (
            event_row(i, s.account_id, s.year, run.as_of, s.decision, s.strategy)
            for i, s in zip(ids, taken, strict=True)
        ),
    )
    letters = [(i, s) for i, s in zip(ids, taken, strict=True) if s.decision.letter]
    doc_ids = reserve_ids(conn, t.documents, len(letters))
    insert_rows(
        conn,
        t.documents,
        ("id", "account_id", "event_id", "letter", "status", "created_on"),
        (
            (d, s.account_id, i, s.decision.letter, "queued", run.as_of.isoformat())
            for d, (i, s) in zip(doc_ids, letters, strict=True)
        ),
    )


def event_row(
    event_id: int,
    account_id: int,
    year: FinancialYear,
    on: date,
    d: Decision,
    strategy: str,
    hearing_on: date | None = None,
) -> tuple[Any, ...]:
    def iso(day: date | None) -> str | None:
        return None if day is None else day.isoformat()

    return (
        event_id,
        account_id,
        year.start_year,
        on.isoformat(),
        d.action.value,
        d.stage,
        d.amount.pence,
        iso(d.pay_by),
        iso(d.demanded_through),
        iso(d.falls_due),
        iso(hearing_on),
        d.costs.pence,
        strategy,
        d.reason,
    )


# ---- reading, set-based ----------------------------------------------------------------


def _frame(
    conn: Connection, sql: str, params: tuple[Any, ...], schema: dict[str, Any]
) -> pl.DataFrame:
    sql_text = sql.replace("?", "%s") if is_postgres(conn) else sql
    rows = conn.exec_driver_sql(sql_text, params).fetchall()
    dates = [k for k, v in schema.items() if v == pl.Date]
    read_schema = dict(schema)
    if not is_postgres(conn):
        read_schema |= {k: pl.String for k in dates}
    frame = pl.DataFrame(rows, schema=read_schema, orient="row")
    if not is_postgres(conn) and dates:
        frame = frame.with_columns(pl.col(dates).str.to_date("%Y-%m-%d"))
    return frame


def _bills_in_force(conn: Connection, council_id: int, as_of: date) -> pl.DataFrame:
    kinds = ", ".join(f"'{k.value}'" for k in RECOVERED_KINDS)
    return _frame(
        conn,
        f"""
        SELECT b.account_id, b.financial_year, b.plan_id, a.kind, a.reference,
               (SELECT p.name FROM account_parties ap JOIN parties p ON p.id = ap.party_id
                WHERE ap.account_id = a.id ORDER BY p.id LIMIT 1)
        FROM bills b JOIN accounts a ON a.id = b.account_id
        WHERE a.council_id = ? AND a.kind IN ({kinds}) AND b.plan_id IS NOT NULL
          AND b.financial_year <= ?
          AND NOT EXISTS (SELECT 1 FROM bills s WHERE s.supersedes_id = b.id)
        ORDER BY b.account_id, b.financial_year
        """,  # noqa: S608 - the kinds are our own enum values
        (council_id, FinancialYear.containing(as_of).start_year),
        {
            "account_id": pl.Int64,
            "financial_year": pl.Int64,
            "plan_id": pl.Int64,
            "kind": pl.String,
            "reference": pl.String,
            "name": pl.String,
        },
    )


def _plan_instalments(conn: Connection, plan_ids: list[int]) -> pl.DataFrame:
    frame = _frame(
        conn,
        "SELECT plan_id, seq, due_date, amount_pence FROM plan_instalments",
        (),
        {"plan_id": pl.Int64, "seq": pl.Int64, "due_date": pl.Date, "amount_pence": pl.Int64},
    )
    return frame.filter(pl.col("plan_id").is_in(plan_ids)).sort("plan_id", "seq")


def _paid(conn: Connection, council_id: int, as_of: date) -> pl.DataFrame:
    kinds = ", ".join(f"'{k.value}'" for k in PAYING_KINDS)
    return _frame(
        conn,
        f"""
        SELECT p.account_id, p.financial_year, p.effective_date, -SUM(p.amount_pence)
        FROM postings p JOIN accounts a ON a.id = p.account_id
        WHERE a.council_id = ? AND p.kind IN ({kinds}) AND p.effective_date <= ?
        GROUP BY p.account_id, p.financial_year, p.effective_date
        """,  # noqa: S608
        (council_id, as_of.isoformat()),
        {
            "account_id": pl.Int64,
            "financial_year": pl.Int64,
            "effective_date": pl.Date,
            "pence": pl.Int64,
        },
    )


def _costs(conn: Connection, council_id: int) -> dict[tuple[int, int], int]:
    frame = _frame(
        conn,
        "SELECT p.account_id, p.financial_year, SUM(p.amount_pence) FROM postings p "
        "JOIN accounts a ON a.id = p.account_id WHERE a.council_id = ? AND p.kind = 'costs' "
        "GROUP BY p.account_id, p.financial_year",
        (council_id,),
        {"account_id": pl.Int64, "financial_year": pl.Int64, "pence": pl.Int64},
    )
    return {(a, y): int(p) for a, y, p in frame.iter_rows()}


def _events(conn: Connection, council_id: int) -> pl.DataFrame:
    return _frame(
        conn,
        """
        SELECT e.account_id, e.financial_year, e.event_date, e.action, e.stage, e.amount_pence,
               e.pay_by, e.demanded_through, e.falls_due, e.hearing_on, e.costs_pence, e.reason
        FROM recovery_events e JOIN accounts a ON a.id = e.account_id
        WHERE a.council_id = ?
        ORDER BY e.id
        """,
        (council_id,),
        {
            "account_id": pl.Int64,
            "financial_year": pl.Int64,
            "event_date": pl.Date,
            "action": pl.String,
            "stage": pl.String,
            "amount_pence": pl.Int64,
            "pay_by": pl.Date,
            "demanded_through": pl.Date,
            "falls_due": pl.Date,
            "hearing_on": pl.Date,
            "costs_pence": pl.Int64,
            "reason": pl.String,
        },
    )


def _protected_accounts(conn: Connection, council_id: int, as_of: date) -> list[int]:
    """Accounts with anything that can stop or change a step: a hold or Breathing Space ever
    recorded, vulnerability, death. (Age matters only once an instalment is missed.)"""
    mark = "%s" if is_postgres(conn) else "?"
    rows = conn.exec_driver_sql(
        f"""
        SELECT h.account_id FROM holds h JOIN accounts a ON a.id = h.account_id
        WHERE a.council_id = {mark}
        UNION
        SELECT ap.account_id FROM account_parties ap JOIN parties p ON p.id = ap.party_id
        WHERE p.council_id = {mark} AND (
            p.died_on IS NOT NULL
            OR EXISTS (SELECT 1 FROM breathing_spaces b WHERE b.party_id = p.id)
            OR EXISTS (SELECT 1 FROM vulnerabilities v WHERE v.party_id = p.id))
        """,  # noqa: S608
        (council_id, council_id),
    ).fetchall()
    return [r[0] for r in rows]


@dataclass(frozen=True, slots=True)
class _Person:
    aged_65_or_over: bool = False
    deceased: bool = False
    vulnerable: bool = False
    holds: tuple[Period, ...] = ()
    breathing_spaces: tuple[Period, ...] = ()


_NOBODY = _Person()


def _people(conn: Connection, account_ids: Iterable[int], as_of: date) -> dict[int, _Person]:
    """What the engine needs to know of the people liable on each account."""
    from reclaim.store.bulk import select_in

    ids = sorted(set(account_ids))
    cutoff = _sixty_five_years_before(as_of)
    born: dict[int, bool] = defaultdict(bool)
    died: dict[int, bool] = defaultdict(bool)
    vulnerable: dict[int, bool] = defaultdict(bool)
    spaces: dict[int, list[Period]] = defaultdict(list)
    holds: dict[int, list[Period]] = defaultdict(list)
    for account_id, dob, died_on in select_in(
        conn,
        "SELECT ap.account_id, p.date_of_birth, p.died_on FROM account_parties ap "
        "JOIN parties p ON p.id = ap.party_id WHERE ap.account_id IN (:values)",
        ids,
    ):
        dob, died_on = _as_date(dob), _as_date(died_on)
        born[account_id] |= dob is not None and dob <= cutoff
        died[account_id] |= died_on is not None and died_on <= as_of
    for account_id, ended_on in select_in(
        conn,
        "SELECT ap.account_id, v.ended_on FROM account_parties ap "
        "JOIN vulnerabilities v ON v.party_id = ap.party_id WHERE ap.account_id IN (:values)",
        ids,
    ):
        ended = _as_date(ended_on)
        vulnerable[account_id] |= ended is None or ended > as_of
    for account_id, starts, ends in select_in(
        conn,
        "SELECT ap.account_id, b.starts_on, b.ends_on FROM account_parties ap "
        "JOIN breathing_spaces b ON b.party_id = ap.party_id WHERE ap.account_id IN (:values)",
        ids,
    ):
        spaces[account_id].append(Period(_date(starts), _as_date(ends)))
    for account_id, placed, until, released in select_in(
        conn,
        "SELECT account_id, placed_on, until, released_on FROM holds WHERE account_id IN (:values)",
        ids,
    ):
        last = _as_date(until)
        released_on = _as_date(released)
        if released_on is not None:
            before = released_on - timedelta(days=1)
            last = before if last is None else min(last, before)
        holds[account_id].append(Period(_date(placed), last))
    people: dict[int, _Person] = {}
    for account_id in ids:
        person = _Person(
            born[account_id],
            died[account_id],
            vulnerable[account_id],
            tuple(holds[account_id]),
            tuple(sorted(spaces[account_id], key=lambda p: p.starts_on)),
        )
        if person != _NOBODY:
            people[account_id] = person
    return people


def _with_ages(conn: Connection, cases: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The cases with ``aged_65_or_over``: any party liable on the account is 65 or over."""
    born = _frame(
        conn,
        "SELECT ap.account_id, MIN(p.date_of_birth) FROM account_parties ap "
        "JOIN parties p ON p.id = ap.party_id JOIN accounts a ON a.id = ap.account_id "
        "WHERE p.date_of_birth IS NOT NULL GROUP BY ap.account_id",
        (),
        {"account_id": pl.Int64, "oldest": pl.Date},
    )
    return cases.join(born, on="account_id", how="left").with_columns(
        (pl.col("oldest") <= _sixty_five_years_before(as_of))
        .fill_null(False)
        .alias("aged_65_or_over")
    )


def _sixty_five_years_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 65)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 65, day=28)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _date(value: Any) -> date:
    day = _as_date(value)
    assert day is not None
    return day
