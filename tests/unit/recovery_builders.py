"""Builders for the recovery engine's tests: strategies by file name, a year's instalments,
payments written as dates, and a runner that drives the engine the way the recovery run does.

The runner runs the engine on each day it is given: every decision the run takes itself
(``by_run``) is recorded as a step dated that day. A court decision (a summons) is not the
run's: without a ``Court`` the runner notes it as ``"summons (court)"`` and stops; with one it
plays the magistrates' court (a summons issued that day with its costs, a hearing some weeks
on, a liability order at the hearing if the sum was not paid the day before it).

Dates in tables are written as ``"8 May 2026"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import reclaim
from reclaim.calendar import Country, FinancialYear
from reclaim.domain.recovery.engine import Action, Case, Decision, Period, Step, steps_due
from reclaim.domain.recovery.protections import BreathingSpaceKind, breathing_space_end
from reclaim.domain.recovery.strategy import Condition, Strategy, load_strategy
from reclaim.domain.schedules import Instalment
from reclaim.money import Money

PACKAGE = Path(reclaim.__file__).resolve().parent
SHIPPED = PACKAGE / "data" / "strategies"
EXAMPLES = PACKAGE / "examples" / "strategies"
STRATEGY_FILES = sorted([*SHIPPED.glob("*.toml"), *EXAMPLES.glob("*.toml")])

YEAR = FinancialYear(2026)
ONE_DAY = timedelta(days=1)

Row = tuple[str, str, str]  # (day, action, stage)
Change = Callable[[Case], Case]


def day(text: str) -> date:
    """``"8 May 2026"`` (or ``"8 September 2026"``) as a date."""
    for form in ("%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, form).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date such as '8 May 2026'")


def text(on: date) -> str:
    return f"{on.day} {on:%b %Y}"


def days(first: str, last: str) -> Iterable[date]:
    """Every day from ``first`` to ``last``, both included."""
    current, end = day(first), day(last)
    while current <= end:
        yield current
        current += ONE_DAY


def pounds(amount: str) -> Money:
    return Money.parse(amount)


def strategy(name: str) -> Strategy:
    """A shipped or example strategy by its file name without ``.toml``."""
    for path in STRATEGY_FILES:
        if path.stem == name:
            return load_strategy(path.read_text(encoding="utf-8"), path.name)
    raise KeyError(f"no strategy file {name}.toml")


def monthly(
    *, first: str = "1 Apr 2026", count: int = 10, amount: str = "100.00"
) -> tuple[Instalment, ...]:
    """``count`` instalments of ``amount`` on the same day of consecutive months."""
    start = day(first)
    rows = []
    for n in range(count):
        year, month = divmod(start.month - 1 + n, 12)
        due = start.replace(year=start.year + year, month=month + 1)
        rows.append(Instalment(due, pounds(amount)))
    return tuple(rows)


INSTALMENTS = monthly()  # £100.00 on the 1st, April 2026 to January 2027: £1,000.00 in all


def on_time(
    instalments: tuple[Instalment, ...] = INSTALMENTS,
    *,
    months: Iterable[str] | None = None,
    missing: Iterable[str] = (),
) -> dict[str, str]:
    """Each instalment paid on its due date: only in ``months`` (e.g. ``["Apr", "Jun"]``)
    when given, and never in the ``missing`` months."""
    wanted = set(months) if months is not None else None
    unpaid = set(missing)
    return {
        text(i.due_date): i.amount.to_json()
        for i in instalments
        if (wanted is None or f"{i.due_date:%b}" in wanted) and f"{i.due_date:%b}" not in unpaid
    }


def case(
    *,
    paid: Mapping[str, str] | None = None,
    instalments: tuple[Instalment, ...] = INSTALMENTS,
    year: FinancialYear = YEAR,
    country: Country = Country.ENGLAND,
    **overrides: object,
) -> Case:
    """A year's case; ``paid`` maps the day a payment takes effect to its amount in pounds."""
    payments = tuple(sorted((day(on), pounds(amount).pence) for on, amount in (paid or {}).items()))
    return replace(
        Case(year=year, instalments=instalments, paid=payments, country=country), **overrides
    )


def period(starts: str, ends: str | None = None) -> Period:
    return Period(day(starts), day(ends) if ends else None)


def standard_breathing_space(starts: str) -> Period:
    """A standard moratorium as it starts: 60 days, the start day the first (reg 26)."""
    return Period(day(starts), breathing_space_end(BreathingSpaceKind.STANDARD, day(starts)))


def change_at(**fields: object) -> Change:
    """A change to the case on some day (a Breathing Space's end becomes known, ...)."""
    return lambda current: replace(current, **fields)


@dataclass(frozen=True, slots=True)
class Court:
    """The magistrates' court, played: a summons the day it is decided, its hearing
    ``hearing_after`` later, an order there if the sum was unpaid the day before."""

    hearing_after: timedelta = timedelta(days=28)


@dataclass(slots=True)
class Runner:
    """Drives the engine day by day (or on the days it is given), as the recovery run does."""

    case: Case
    strategy: Strategy
    court: Court | None = None
    changes: Mapping[date, Change] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    decisions: list[tuple[date, Decision]] = field(default_factory=list)
    stopped: bool = False

    def run(self, on: Iterable[date]) -> Runner:
        for today in on:
            self.day(today)
            if self.stopped:
                break
        return self

    def day(self, today: date) -> None:
        """One run date: the day's changes, the court's hearings, then the run."""
        if today in self.changes:
            self.case = self.changes[today](self.case)
        self._hearings(today)
        for decision in steps_due(self.case, self.strategy, today):
            self.decisions.append((today, decision))
            if decision.by_run:
                self._record(decision.as_step(today))
            elif self.court is None:
                self.rows.append((text(today), f"{decision.action.value} (court)", decision.stage))
                self.stopped = True
            else:
                self._issue_summons(decision, today)

    def _record(self, step: Step, costs: Money = Money(0)) -> None:
        self.case = replace(
            self.case,
            steps=(*self.case.steps, step),
            costs_pence=self.case.costs_pence + costs.pence,
        )
        self.rows.append((text(step.on), step.action.value, step.stage))

    def _issue_summons(self, decision: Decision, today: date) -> None:
        assert self.court is not None
        assert decision.action is Action.SUMMONS, decision
        step = Step(
            on=today,
            action=Action.SUMMONS,
            stage=decision.stage,
            amount=decision.amount,
            costs=decision.costs,
            hearing_on=today + self.court.hearing_after,
        )
        self._record(step, decision.costs)

    def _hearings(self, today: date) -> None:
        last = self.case.steps[-1] if self.case.steps else None
        if last is None or last.action is not Action.SUMMONS or last.hearing_on != today:
            return
        if self.case.balance_at(today - ONE_DAY) <= 0:
            return  # paid before the hearing: the run withdraws it (reg 34(5))
        order = self.strategy.court_stage(Condition.SUMMONS_SERVED)
        assert order is not None
        step = Step(
            on=today,
            action=Action.LIABILITY_ORDER,
            stage=order.name,
            amount=Money(self.case.balance_at(today)),
            costs=order.costs,
        )
        self._record(step, order.costs)

    def hearing_days(self) -> list[date]:
        return [s.hearing_on for s in self.case.steps if s.hearing_on is not None]


def daily(
    the_case: Case,
    the_strategy: Strategy,
    *,
    first: str = "1 Apr 2026",
    last: str = "31 Mar 2027",
    court: Court | None = None,
    changes: Mapping[str, Change] | None = None,
) -> Runner:
    """The runner after running every day from ``first`` to ``last``."""
    runner = Runner(
        the_case,
        the_strategy,
        court=court,
        changes={day(on): change for on, change in (changes or {}).items()},
    )
    return runner.run(days(first, last))


def timeline(
    the_case: Case,
    the_strategy: Strategy,
    *,
    first: str = "1 Apr 2026",
    last: str = "31 Mar 2027",
    court: Court | None = None,
    changes: Mapping[str, Change] | None = None,
) -> list[Row]:
    """The steps a daily run takes from ``first`` to ``last``, as (day, action, stage)."""
    return daily(the_case, the_strategy, first=first, last=last, court=court, changes=changes).rows
