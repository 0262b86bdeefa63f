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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.errors import DomainError
from reclaim.domain.recovery.engine import (
    Action,
    Case,
    Decision,
    Step,
    steps_and_after,
)
from reclaim.domain.schedules import Instalment
from reclaim.money import Money
from reclaim.services import recovery_bookmark as bookmark
from reclaim.services import recovery_reading as reading
from reclaim.services import recovery_watch as watch
from reclaim.services.recovery_bulk import (
    BULK_SCHEMA,
    first_notice_days,
    first_notices,
    money_text,
)
from reclaim.services.recovery_people import NOBODY, people_of, with_ages
from reclaim.services.recovery_strategies import ChosenStrategy, strategy_for
from reclaim.store import tables as t
from reclaim.store.bulk import insert_rows, reserve_ids
from reclaim.store.repositories import get_council

Progress = Callable[[str], None]
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
    waiting: int = 0  # years with a history whose next step is not due yet, by the watch
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
    use_watch: bool = True,
) -> RecoveryRun:
    """Decide and (unless ``dry_run``) record every step due on ``as_of`` (caller commits).

    ``use_watch``: pass over years with a history whose next step is known not to be due yet
    (``recovery_watch``); without it every such year is put to the engine again."""
    say = progress or (lambda _stage: None)
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    country = stored.council.country
    run = RecoveryRun(council_code, as_of, dry_run)
    say("reading the bills in force")
    now = bookmark.seen_now(conn, stored.id)
    last = bookmark.last(conn, stored.id)
    since, last = bookmark.since(conn, last, now, as_of) if use_watch else (None, last)
    if since is None or last is None:
        run.accounts_read = reading.count_in_force(conn, stored.id, as_of)
    else:
        change = reading.in_force_change(conn, stored.id, as_of, since.bills_to)
        run.accounts_read = last.in_force + change
    if since is None:
        say(f"finding which of {run.accounts_read:,} account-years are not settled")
        frame = reading.open_years(conn, stored.id, as_of, run.accounts_read)
        left = 0
    else:
        say(f"finding what changed among {run.accounts_read:,} account-years since {since.as_of}")
        found = reading.open_years_since(conn, stored.id, as_of, since)
        frame, left, run.waiting = found.frame, found.watched + found.kept, found.watched
    run.settled_in_bulk = run.accounts_read - frame.height - left
    plain = (pl.col("has_history") == 0) & (pl.col("protected") == 0) & (pl.col("has_costs") == 0)
    first_time = frame.filter(plain)
    others = frame.filter(~plain)
    strategies = {
        (kind, year): strategy_for(conn, stored.id, country, AccountKind(kind), FinancialYear(year))
        for kind, year in frame.select("kind", "financial_year").unique().iter_rows()
    }
    labels = pl.DataFrame(
        [(kind, year, chosen.label) for (kind, year), chosen in strategies.items()],
        schema={"kind": pl.String, "financial_year": pl.Int64, "strategy": pl.String},
        orient="row",
    )
    if use_watch and others.height:
        passed = watch.waiting(conn, others, labels, stored.id, as_of)
        run.waiting += int(passed.sum())
        others = others.filter(~passed)
    run.evaluated = others.height
    wanted = pl.concat([first_time.get_column("plan_id"), others.get_column("plan_id")])
    say(f"reading the instalments of {first_time.height + others.height:,} account-years")
    plans = reading.plan_instalments(conn, wanted.unique().to_list())
    say(f"deciding first notices for {first_time.height:,} account-years in arrears")
    chosen = {key: (choice.strategy, choice.label) for key, choice in strategies.items()}
    notices = first_notices(
        with_ages(conn, first_time, stored.id, as_of, strategies.values()),
        plans,
        chosen,
        country,
        as_of,
    )
    say(f"deciding {others.height:,} account-years with a history or a protection")
    seen: list[watch.Seen] = []
    if others.height:
        seen = _decide(conn, run, others, plans, strategies, stored.id, country, as_of)
    say("reading the names of those due a step")
    run.bulk = _named(conn, notices, stored.id)
    if not dry_run and run.taken:
        say(f"recording {run.taken:,} steps")
        recorded = _record(conn, run)
        seen = [replace(s, last_event_id=recorded.get(_key(s), s.last_event_id)) for s in seen]
    if not dry_run and seen:
        watch.remember(conn, seen, as_of)
    if not dry_run and bookmark.kept_here(conn):
        kept = first_time.join(
            run.bulk.select("account_id", "financial_year"),
            on=["account_id", "financial_year"],
            how="anti",
        )
        bookmark.keep(
            conn,
            stored.id,
            as_of,
            now,
            run.accounts_read,
            last,
            first_notice_days(kept, plans, chosen, country, as_of),
            read_since=since is not None,
        )
    return run


def _key(seen: watch.Seen) -> tuple[int, int]:
    return (seen.account_id, seen.financial_year)


def bare_arrears(conn: Connection, council_code: str, as_of: date) -> int:
    """Each account-year's arrears on ``as_of`` from the same tables, and nothing more: the
    benchmark's floor for the run — every bill in force, its plan and its payments read into
    memory, the arrears worked out there. Returns how many account-years are in arrears."""
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    years = reading.bills_in_force(conn, stored.id, as_of)
    plans = reading.plan_instalments(conn, years.get_column("plan_id").unique().to_list())
    due = (
        plans.filter(pl.col("due_date") < as_of)
        .group_by("plan_id")
        .agg(pl.col("amount_pence").sum().alias("due_before"))
    )
    paid = (
        reading.payments_by_day(conn, years.get_column("account_id").to_list(), stored.id, as_of)
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
    strategies: dict[tuple[str, int], ChosenStrategy],
    council_id: int,
    country: Country,
    as_of: date,
) -> list[watch.Seen]:
    """Each candidate year as a ``Case`` for the engine: what it decides is the step. Returns
    what it saw of each year, with the day something may next fall due, for the watch."""
    ids = candidates.get_column("account_id").unique().to_list()
    keys = set(
        zip(
            candidates.get_column("account_id").to_list(),
            candidates.get_column("financial_year").to_list(),
            strict=True,
        )
    )
    instalments: dict[int, list[Instalment]] = defaultdict(list)
    wanted = candidates.get_column("plan_id").unique().to_list()
    for plan_id, due, pence in (
        plans.filter(pl.col("plan_id").is_in(wanted))
        .select("plan_id", "due_date", "amount_pence")
        .iter_rows()
    ):  # (in order: plans come sorted by plan and instalment)
        instalments[plan_id].append(Instalment(due, Money(pence)))
    plan_of = {plan_id: tuple(found) for plan_id, found in instalments.items()}
    paid_of: dict[tuple[int, int], list[tuple[date, int]]] = defaultdict(list)
    for a, y, d, p in reading.payments_by_day(conn, ids, council_id, as_of).iter_rows():
        if (a, y) in keys:
            paid_of[(a, y)].append((d, p))
    steps_of: dict[tuple[int, int], list[Step]] = defaultdict(list)
    for row in reading.steps_taken(conn, ids, council_id).iter_rows():
        steps_of[(row[0], row[1])].append(_step(*row[2:11]))
    costs_of = {(a, y): int(p) for a, y, p in reading.costs(conn, ids, council_id).iter_rows()}
    people = people_of(conn, ids, as_of)
    decided: list[tuple[int, FinancialYear, Decision, str]] = []
    seen: list[watch.Seen] = []
    for account_id, start_year, plan_id, kind, last_event, version in candidates.select(
        "account_id", "financial_year", "plan_id", "kind", "last_event_id", "ledger_version"
    ).iter_rows():
        chosen = strategies[(kind, start_year)]
        who = people.get(account_id, NOBODY)
        case = Case(
            year=FinancialYear(start_year),
            instalments=plan_of[plan_id],
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
        decisions, after = steps_and_after(case, chosen.strategy, as_of)
        for decision in decisions:
            decided.append((account_id, case.year, decision, chosen.label))
        seen.append(
            watch.Seen(
                account_id,
                start_year,
                as_of if after.decision is not None else after.wake,  # awaiting someone: look again
                version,
                last_event,
                chosen.label,
            )
        )
    named = {
        a: (r, n or "")
        for a, r, n in reading.names(conn, [d[0] for d in decided], council_id).iter_rows()
    }
    for account_id, year, decision, label in decided:
        reference, name = named[account_id]
        run.steps.append(PlannedStep(account_id, reference, name, year, decision, label))
    return seen


def _named(conn: Connection, notices: pl.DataFrame, council_id: int) -> pl.DataFrame:
    """The bulk notices with each account's reference and name, in the run's columns."""
    who = reading.names(conn, notices.get_column("account_id").to_list(), council_id)
    return notices.join(who, on="account_id", how="left").select(BULK_SCHEMA.keys())


_ACTIONS = {action.value: action for action in Action}  # (quicker than Action(value))


def _step(
    on: date,
    action: str,
    stage: str,
    amount_pence: int,
    pay_by: date | None,
    demanded_through: date | None,
    falls_due: date | None,
    hearing_on: date | None,
    costs_pence: int,
) -> Step:
    """A recorded step, from ``reading.steps_taken``'s columns (event_date to costs_pence)."""
    return Step(
        on=on,
        action=_ACTIONS[action],
        stage=stage,
        amount=Money(amount_pence),
        pay_by=pay_by,
        demanded_through=demanded_through,
        falls_due=falls_due,
        hearing_on=hearing_on,
        costs=Money(costs_pence),
    )


def _record(conn: Connection, run: RecoveryRun) -> dict[tuple[int, int], int]:
    """Write the steps and queue their letters; returns, for each year the engine stepped,
    its last new event's id."""
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
    return {(s.account_id, s.year.start_year): i for i, s in zip(ids, taken, strict=True)}


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
