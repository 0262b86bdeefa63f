"""The recovery engine: for one account's year, the next step its strategy requires on a date.

This is the plain per-account evaluator, the reference the batch run is proved against. It
reads a ``Case`` (the bill's instalments, what was paid and when, the steps already taken, the
person's circumstances, holds and Breathing Space) and a ``Strategy``, and returns the steps
due on ``as_of`` in the order they are taken (a status change such as "the balance is now due"
may be followed at once by the letter it calls for).

The rules, and why:

* The steps already taken are folded into a **position**: instalments standing, a notice
  waiting to be paid, the year's balance due, a summons out, a liability order granted, or
  closed (withdrawn after payment). Each notice is judged in turn (as of the next step, or of
  ``as_of`` for the last), so every notice paid in the year counts (``after_paying``, reg
  23(4)), and a balance due tells an unpaid notice that stated it from a late instalment that
  did not (then a final notice states it first, reg 33).
* An instalment is **missed** once its due date has passed with it unpaid: payments towards
  the year meet instalments oldest first. The wait before a notice counts from the missed
  instalment's due date, from the end of the last notice's pay period, and afresh from the
  end of any Breathing Space.
* A notice is judged when its pay period ends (``pay_by``, the last day of "7 days beginning
  with the day of issue"): paid if what it demanded was paid by then. Unpaid, it either makes
  the year's balance due (reg 23(3)) or lets the next stage follow in its turn.
* Once a notice marked ``next_missed_makes_balance_due`` was paid, the next late instalment
  makes the balance due the day after it was missed, with no reminder (reg 23(4)).
* A step is never backdated: it is dated the run's date, whatever the date it first fell due.
* Nothing is taken while a hold is active, for a person who has died, or for a debt in
  Breathing Space (a council tax year qualifies once a notice was served or all its
  instalments fell due — reg 5(4)(k) of SI 2020/1311). A vulnerable person's account is listed
  for an officer's review, once, instead of any court or enforcement step, when the strategy
  says so.
* When nothing is due, ``Outcome.wake`` is the first day something may be: the end of a wait
  or of a notice's pay period, the day after a hold or a Breathing Space ends (none while it
  has no end date), the day after the last instalment falls due. Only a payment or the court
  can bring a step sooner, so running on those days gives what running every day gives.
* Court stages (summons, liability order) are decided here but taken by the court commands,
  which fix a hearing date; a summons paid in full with its costs before the hearing is
  withdrawn (reg 34(5)).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.recovery.strategy import (
    Condition,
    Demand,
    Eligibility,
    IfUnpaid,
    Stage,
    StageKind,
    Strategy,
    Vulnerability,
)
from reclaim.domain.schedules import Instalment
from reclaim.money import Money

ONE_DAY = timedelta(days=1)
ZERO = Money(0)


class Action(StrEnum):
    """What a recovery event records (a closed set; stored with a CHECK)."""

    NOTICE = "notice"  # a letter demanding payment was served
    BALANCE_DUE = "balance_due"  # the right to pay by instalments was lost
    SUMMONS = "summons"  # a summons was issued for a hearing
    LIABILITY_ORDER = "liability_order"  # the court made the order
    ADJOURNED = "adjourned"  # the hearing moved to a later date
    WITHDRAWN = "withdrawn"  # the case was withdrawn (paid before the hearing, or by the council)
    REVIEW = "review"  # listed for an officer's review instead of a court or enforcement step
    ENFORCEMENT = "enforcement"  # a route after the liability order


@dataclass(frozen=True, slots=True)
class Step:
    """A recovery event already recorded for the case."""

    on: date
    action: Action
    stage: str
    amount: Money = ZERO
    pay_by: date | None = None  # a notice's last day to pay
    demanded_through: date | None = None  # an arrears notice covers instalments due by then
    falls_due: date | None = None  # balance due: the day the balance became payable
    hearing_on: date | None = None
    costs: Money = ZERO
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Period:
    """Inclusive dates; ``ends_on`` None means it has not ended."""

    starts_on: date
    ends_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True, slots=True)
class Case:
    """Everything the engine may look at for one account's financial year."""

    year: FinancialYear
    instalments: tuple[Instalment, ...]
    paid: tuple[tuple[date, int], ...] = ()  # (effective date, pence) paid towards the year
    costs_pence: int = 0  # costs added to the year so far
    steps: tuple[Step, ...] = ()
    country: Country = Country.ENGLAND
    aged_65_or_over: bool = False
    deceased: bool = False
    vulnerable: bool = False
    holds: tuple[Period, ...] = ()
    breathing_spaces: tuple[Period, ...] = ()

    @property
    def charge_pence(self) -> int:
        return sum(i.amount.pence for i in self.instalments)

    def paid_by(self, day: date) -> int:
        return sum(pence for on, pence in self.paid if on <= day)

    def due_by(self, day: date) -> int:
        return sum(i.amount.pence for i in self.instalments if i.due_date <= day)

    def balance_at(self, day: date) -> int:
        return self.charge_pence + self.costs_pence - self.paid_by(day)

    def first_missed(self, as_of: date) -> Instalment | None:
        """The oldest instalment due before ``as_of`` that payments so far do not meet."""
        paid = self.paid_by(as_of)
        total = 0
        for instalment in self.instalments:
            total += instalment.amount.pence
            if total > paid:
                return instalment if instalment.due_date < as_of else None
        return None


class State(StrEnum):
    STANDING = "standing"
    NOTICE_OPEN = "notice_open"
    BALANCE_DUE = "balance_due"
    SUMMONSED = "summonsed"
    ORDERED = "ordered"
    CLOSED = "closed"


@dataclass(slots=True)
class Position:
    state: State = State.STANDING
    open_notice: Step | None = None
    last_notice: Step | None = None
    notices: Counter[str] = field(default_factory=Counter)
    paid_notices: dict[str, Step] = field(default_factory=dict)
    balance_falls_due: date | None = None  # waits before the next stage count from this
    balance_first_due: date | None = None  # the six-year limit counts from this (reg 34(3))
    balance_stated: bool = False
    balance_recorded: bool = False  # a BALANCE_DUE step records the balance now due
    counted_from: date | None = None  # waits count from no earlier than this
    last: Step | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """A step the engine requires, and why."""

    action: Action
    stage: str
    title: str
    reason: str
    amount: Money
    letter: str | None = None
    pay_by: date | None = None
    demanded_through: date | None = None
    falls_due: date | None = None
    costs: Money = ZERO
    by_run: bool = True  # taken by the recovery run; court stages are taken by court commands

    def as_step(self, on: date) -> Step:
        return Step(
            on=on,
            action=self.action,
            stage=self.stage,
            amount=self.amount,
            pay_by=self.pay_by,
            demanded_through=self.demanded_through,
            falls_due=self.falls_due,
            costs=self.costs,
            reason=self.reason,
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one evaluation found: a step due now, or the day something may next fall due."""

    decision: Decision | None
    wake: date | None = None
    quiet: str = ""  # why nothing is due, in plain English (for the dry-run report)


def money(pence: int) -> str:
    return str(Money(pence))


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# ---- folding the steps already taken --------------------------------------------------------


def position_of(case: Case, strategy: Strategy, as_of: date) -> Position:
    """The position the recorded steps leave the case in, judging notices whose pay period
    ended before ``as_of`` against the payments made by then."""
    pos = Position()
    for step in case.steps:
        if pos.state is State.NOTICE_OPEN:
            # A notice followed by a later step was settled before that step was taken:
            # judge it as of that day, so that every paid notice counts (after_paying, reg
            # 23(4)) and a balance due can tell an unpaid notice from a late instalment.
            _judge_open_notice(case, strategy, pos, step.on)
        pos.last = step
        match step.action:
            case Action.NOTICE:
                pos.state = State.NOTICE_OPEN
                pos.open_notice = step
                pos.last_notice = step
                pos.notices[step.stage] += 1
            case Action.BALANCE_DUE:
                # Stated when an unpaid notice made it due (reg 23(3)): judging it above left
                # the balance due and stated (or, not yet judged, the notice is still open).
                # Not stated when a late instalment after a paid notice did (reg 23(4)).
                pos.balance_stated = pos.state is State.NOTICE_OPEN or (
                    pos.state is State.BALANCE_DUE and pos.balance_stated
                )
                pos.state = State.BALANCE_DUE
                pos.open_notice = None
                pos.balance_falls_due = step.falls_due or step.on
                pos.balance_first_due = pos.balance_first_due or pos.balance_falls_due
                pos.balance_recorded = True
            case Action.SUMMONS:
                pos.state = State.SUMMONSED
            case Action.LIABILITY_ORDER:
                pos.state = State.ORDERED
            case Action.WITHDRAWN:
                pos.state = State.CLOSED
            case Action.ADJOURNED | Action.REVIEW | Action.ENFORCEMENT:
                pass
    if pos.state is State.NOTICE_OPEN:
        _judge_open_notice(case, strategy, pos, as_of)
    return pos


def judged_on(case: Case, notice: Step, strategy: Strategy) -> date:
    """The last day to pay a notice: its pay_by, moved on when Breathing Space covered part
    of the pay period (the person gets the whole period again when it ends)."""
    assert notice.pay_by is not None
    last = notice.pay_by
    stage = strategy.stage(notice.stage) if strategy.has_stage(notice.stage) else None
    for space in case.breathing_spaces:
        if space.starts_on <= last and (space.ends_on is None or space.ends_on >= notice.on):
            if space.ends_on is None:
                return date.max
            period = stage.pay_within if stage and stage.pay_within else None
            days = (period.days - 1) if period else (notice.pay_by - notice.on).days
            last = max(last, space.ends_on + timedelta(days=days + 1))
    return last


def _judge_open_notice(case: Case, strategy: Strategy, pos: Position, as_of: date) -> None:
    """If the open notice's pay period ended before ``as_of``, settle it: paid, or not."""
    notice = pos.open_notice
    if notice is None or notice.pay_by is None:
        return
    last_day = judged_on(case, notice, strategy)
    if as_of <= last_day:
        return
    if _notice_paid(case, strategy, notice, last_day):
        pos.paid_notices[notice.stage] = notice
        pos.state = State.STANDING
        pos.open_notice = None
        pos.balance_stated = False
        pos.counted_from = last_day + ONE_DAY
        return
    stage = strategy.stage(notice.stage) if strategy.has_stage(notice.stage) else None
    if stage is not None and stage.if_unpaid is IfUnpaid.BALANCE_DUE:
        pos.state = State.BALANCE_DUE
        pos.balance_falls_due = stage.balance_due_after.after(last_day, case.country)
        pos.balance_first_due = pos.balance_first_due or pos.balance_falls_due
        pos.balance_stated = True
        pos.balance_recorded = False  # the run records it (dated the day it runs)
        pos.open_notice = None
        return
    pos.state = State.STANDING
    pos.open_notice = None
    pos.balance_stated = False
    pos.counted_from = last_day + ONE_DAY


def _notice_paid(case: Case, strategy: Strategy, notice: Step, last_day: date) -> bool:
    stage = strategy.stage(notice.stage) if strategy.has_stage(notice.stage) else None
    if stage is not None and stage.demands is Demand.BALANCE:
        return case.balance_at(last_day) <= 0
    through = notice.demanded_through or notice.on
    return case.paid_by(last_day) >= case.due_by(through)


# ---- deciding -------------------------------------------------------------------------------


def evaluate(case: Case, strategy: Strategy, as_of: date) -> Outcome:
    """The step due on ``as_of`` for the case, if any, else when one may next fall due."""
    if case.deceased:
        return Outcome(None, quiet="the liable person has died: no recovery steps")
    holds = [hold for hold in case.holds if hold.covers(as_of)]
    if holds:
        return Outcome(None, wake=_day_after(holds), quiet="on hold")
    pos = position_of(case, strategy, as_of)
    if _in_breathing_space(case, pos, as_of):
        spaces = [space for space in case.breathing_spaces if space.covers(as_of)]
        return Outcome(
            None,
            wake=_day_after(spaces),
            quiet="in Breathing Space (Debt Respite Scheme): no step, no costs",
        )
    match pos.state:
        case State.STANDING:
            return _standing(case, strategy, pos, as_of)
        case State.NOTICE_OPEN:
            assert pos.open_notice is not None
            last_day = judged_on(case, pos.open_notice, strategy)
            wake = last_day + ONE_DAY if last_day < date.max else None
            return Outcome(None, wake=wake, quiet=f"{pos.open_notice.stage} waiting to be paid")
        case State.BALANCE_DUE:
            return _balance_due(case, strategy, pos, as_of)
        case State.SUMMONSED:
            return _summonsed(case, pos, as_of)
        case State.ORDERED:
            return _ordered(case, strategy, pos, as_of)
        case State.CLOSED:
            return Outcome(None, quiet="case closed")


def steps_due(case: Case, strategy: Strategy, as_of: date, limit: int = 6) -> list[Decision]:
    """Every step the run takes on ``as_of``, in order: a status change may be followed at once
    by the letter it calls for. Stops at the first step the run does not take itself."""
    return steps_and_after(case, strategy, as_of, limit)[0]


def steps_and_after(
    case: Case, strategy: Strategy, as_of: date, limit: int = 6
) -> tuple[list[Decision], Outcome]:
    """``steps_due``, and the engine's answer once the steps the run takes are taken: nothing
    more (with its wake), or the step left to someone else (a summons for the court)."""
    taken: list[Decision] = []
    current = case
    for _ in range(limit):
        outcome = evaluate(current, strategy, as_of)
        decision = outcome.decision
        if decision is None or not decision.by_run:
            if decision is not None:
                taken.append(decision)
            return taken, outcome
        taken.append(decision)
        current = replace(current, steps=(*current.steps, decision.as_step(as_of)))
    return taken, evaluate(current, strategy, as_of)


def _day_after(periods: list[Period]) -> date | None:
    """The day after the last of ``periods`` ends; None while one has no end date."""
    ends = [period.ends_on for period in periods]
    if any(end is None for end in ends):
        return None
    return max(end for end in ends if end is not None) + ONE_DAY


def _in_breathing_space(case: Case, pos: Position, as_of: date) -> bool:
    """Breathing Space protects a council tax year once a notice was served or all its
    instalments fell due (SI 2020/1311 reg 5(4)(k)); a year not yet qualifying runs on."""
    if not any(space.covers(as_of) for space in case.breathing_spaces):
        return False
    all_due = bool(case.instalments) and case.instalments[-1].due_date < as_of
    return pos.last_notice is not None or all_due or pos.state is not State.STANDING


def _counted_afresh(case: Case, start: date, as_of: date) -> date:
    """Waits count afresh from the day after a Breathing Space that ended after ``start``."""
    for space in case.breathing_spaces:
        if space.ends_on is not None and space.ends_on >= start and space.ends_on < as_of:
            start = max(start, space.ends_on + ONE_DAY)
    return start


def _eligible(stage: Stage, case: Case, pos: Position) -> bool:
    if stage.limit_per_year is not None and pos.notices[stage.name] >= stage.limit_per_year:
        return False
    if stage.eligibility is Eligibility.AGED_65_OR_OVER and not case.aged_65_or_over:
        return False
    return stage.after_paying is None or stage.after_paying in pos.paid_notices


def _standing(case: Case, strategy: Strategy, pos: Position, as_of: date) -> Outcome:
    missed = case.first_missed(as_of)
    if missed is None:
        upcoming = next((i for i in case.instalments if i.due_date >= as_of), None)
        wake = upcoming.due_date + ONE_DAY if upcoming else None
        return Outcome(None, wake=wake, quiet="paid up to date")
    armed = [
        notice
        for name, notice in pos.paid_notices.items()
        if strategy.has_stage(name) and strategy.stage(name).next_missed_makes_balance_due
    ]
    if armed and notice_before(armed, missed.due_date):
        paid_under = armed[-1]
        rule = strategy.stage(paid_under.stage)
        falls_due = rule.next_missed_balance_due_after.after(missed.due_date, case.country)
        if falls_due > as_of:
            return Outcome(None, wake=falls_due, quiet="balance due soon (late instalment)")
        reason = (
            f"The instalment of {missed.amount} due {day_text(missed.due_date)} was not paid on "
            f"time after the {paid_under.stage.replace('_', ' ')} of "
            f"{day_text(paid_under.on)} was paid, so the whole unpaid balance of "
            f"{money(case.balance_at(as_of))} for {case.year} became payable on "
            f"{day_text(falls_due)}, with no further reminder. Legal basis: "
            f"{rule.legal_basis}."
        )
        return Outcome(
            Decision(
                Action.BALANCE_DUE,
                paid_under.stage,
                "Balance due (right to instalments lost)",
                reason,
                Money(case.balance_at(as_of)),
                falls_due=falls_due,
            )
        )
    all_due = case.instalments[-1].due_date < as_of
    condition = Condition.ALL_INSTALMENTS_DUE if all_due else Condition.MISSED_INSTALMENT
    # The situation changes the day after the last instalment falls due, and with it the
    # stages that answer it: wake then at the latest.
    changes = None if all_due else case.instalments[-1].due_date + ONE_DAY
    for stage in strategy.stages:
        if stage.kind is not StageKind.NOTICE or condition not in stage.on:
            continue
        if not _eligible(stage, case, pos):
            continue
        due_on = _due_on(case, stage, pos, missed.due_date, as_of)
        if due_on > as_of:
            wake = due_on if changes is None else min(due_on, changes)
            return Outcome(None, wake=wake, quiet=f"{stage.name} due on {due_on}")
        return Outcome(_notice(case, stage, pos, as_of, missed, condition))
    return Outcome(None, wake=changes, quiet="no stage of the strategy applies")


def notice_before(notices: list[Step], missed_on: date) -> bool:
    """Whether the instalment missed fell due after the paid notice's pay period."""
    return any(n.pay_by is not None and missed_on > n.pay_by for n in notices)


def _due_on(case: Case, stage: Stage, pos: Position, trigger: date, as_of: date) -> date:
    due_on = stage.wait.after(trigger, case.country)
    if pos.counted_from is not None:
        due_on = max(due_on, pos.counted_from)
    if stage.after_last_notice is not None and pos.last_notice is not None:
        due_on = max(due_on, stage.after_last_notice.after(pos.last_notice.on, case.country))
    afresh = _counted_afresh(case, trigger, as_of)
    if afresh > trigger:
        due_on = max(due_on, stage.wait.after(afresh - ONE_DAY, case.country))
    return due_on


def _notice(
    case: Case,
    stage: Stage,
    pos: Position,
    as_of: date,
    missed: Instalment,
    condition: Condition,
) -> Decision:
    assert stage.pay_within is not None
    pay_by = stage.pay_within.after(as_of, case.country) - ONE_DAY
    paid = case.paid_by(as_of)
    if stage.demands is Demand.BALANCE:
        amount = case.balance_at(as_of)
        asks = balance_asks(money(amount), str(case.year))
        through = None
    else:
        amount = case.due_by(pay_by) - paid
        asks = arrears_asks(money(amount), day_text(pay_by))
        through = pay_by
    served = ", ".join(f"{n} × {name.replace('_', ' ')}" for name, n in pos.notices.items())
    what = (
        ALL_DUE_WHAT
        if condition is Condition.ALL_INSTALMENTS_DUE
        else missed_what(str(missed.amount), day_text(missed.due_date))
    )
    reason = notice_reason(
        stage,
        what=what,
        paid=money(paid),
        year=str(case.year),
        on=day_text(as_of),
        asks=asks,
        pay_by=day_text(pay_by),
        served=served,
    )
    return Decision(
        Action.NOTICE,
        stage.name,
        stage.title,
        reason,
        Money(amount),
        letter=stage.letter,
        pay_by=pay_by,
        demanded_through=through,
    )


# The wording of a notice's reason, in pieces, so that the batch run (which builds the same
# text as columns for a million accounts) says exactly what this evaluator says.
ALL_DUE_WHAT = "every instalment has fallen due and the balance is unpaid"


def missed_what(amount: str, due: str) -> str:
    return f"the instalment of {amount} due {due} was not paid"


def arrears_asks(amount: str, pay_by: str) -> str:
    return f"{amount} (the unpaid instalments and any falling due by {pay_by})"


def balance_asks(amount: str, year: str) -> str:
    return f"the whole unpaid balance of {amount} for {year}"


def notice_reason(
    stage: Stage, *, what: str, paid: str, year: str, on: str, asks: str, pay_by: str, served: str
) -> str:
    followed = (
        f" If not paid, the right to instalments is lost and the balance becomes due"
        f" {stage.balance_due_after} after that."
        if stage.if_unpaid is IfUnpaid.BALANCE_DUE
        else ""
    )
    history = f" Notices already served this year: {served}." if served else ""
    return (
        f"{stage.title}: {what} ({paid} paid towards {year} by {on}). It asks for {asks}, "
        f"to be paid within {stage.pay_within}, by {pay_by}.{followed}{history} "
        f"Legal basis: {stage.legal_basis}."
    )


def _balance_due(case: Case, strategy: Strategy, pos: Position, as_of: date) -> Outcome:
    balance = case.balance_at(as_of)
    if balance <= 0:
        return Outcome(None, quiet="balance paid")
    assert pos.balance_falls_due is not None
    if not pos.balance_recorded:
        # An unpaid notice made the balance due: record it (dated today, never backdated).
        notice = next(s for s in reversed(case.steps) if s.action is Action.NOTICE)
        reason = (
            f"The {notice.stage.replace('_', ' ')} of {day_text(notice.on)} was not paid by "
            f"{day_text(judged_on(case, notice, strategy))}, so the right to pay by "
            f"instalments is lost: the unpaid balance of {money(balance)} for {case.year} "
            f"became payable on {day_text(pos.balance_falls_due)}. Legal basis: "
            f"{strategy.stage(notice.stage).legal_basis} (the notice's warning)."
        )
        if pos.balance_falls_due > as_of:
            return Outcome(None, wake=pos.balance_falls_due, quiet="balance not yet due")
        return Outcome(
            Decision(
                Action.BALANCE_DUE,
                notice.stage,
                "Balance due (right to instalments lost)",
                reason,
                Money(balance),
                falls_due=pos.balance_falls_due,
            )
        )
    condition = Condition.BALANCE_DUE if pos.balance_stated else Condition.BALANCE_DUE_UNSTATED
    for stage in strategy.stages:
        if condition not in stage.on or not _eligible(stage, case, pos):
            continue
        due_on = _due_on(case, stage, pos, pos.balance_falls_due, as_of)
        if due_on > as_of:
            return Outcome(None, wake=due_on, quiet=f"{stage.name} due on {due_on}")
        if stage.kind is StageKind.NOTICE:
            missed = case.first_missed(as_of) or case.instalments[-1]
            return Outcome(_notice(case, stage, pos, as_of, missed, condition))
        return _court_or_review(case, strategy, stage, pos, as_of, balance)
    return Outcome(None, quiet="no stage of the strategy applies to the balance due")


def _court_or_review(
    case: Case, strategy: Strategy, stage: Stage, pos: Position, as_of: date, balance: int
) -> Outcome:
    if balance < stage.minimum_balance.pence:
        return Outcome(
            None,
            quiet=f"balance {money(balance)} is below the {stage.minimum_balance} worth a "
            f"{stage.title.lower()}",
        )
    # Six years beginning with the day the balance first fell due: a final notice stating a
    # balance already due under reg 23(4) does not start them again.
    fell_due = pos.balance_first_due or pos.balance_falls_due
    assert fell_due is not None
    years = strategy.settings.limitation_years
    if as_of >= _years_after(fell_due, years):
        return Outcome(
            None,
            quiet=f"out of time: the sum fell due on {day_text(fell_due)}, more "
            f"than {years} years ago (reg 34(3))",
        )
    if case.vulnerable and strategy.settings.vulnerability is Vulnerability.REVIEW:
        if (
            pos.last is not None
            and pos.last.action is Action.REVIEW
            and (pos.last.stage == stage.name)
        ):
            return Outcome(None, quiet="listed for an officer's review")
        reason = (
            f"{stage.title} is due for {money(balance)}, but the liable person is recorded as "
            "vulnerable: the strategy takes no court or enforcement step without an officer's "
            "review, so the account is listed for review instead."
        )
        return Outcome(
            Decision(
                Action.REVIEW,
                stage.name,
                f"Review before {stage.title.lower()}",
                reason,
                Money(balance),
            )
        )
    reason = (
        f"{stage.title}: the balance of {money(balance)} for {case.year} became payable on "
        f"{day_text(fell_due)} and is unpaid. Costs of {stage.costs} are added "
        f"when it is issued. Legal basis: {stage.legal_basis}."
    )
    action = Action.SUMMONS if stage.kind is StageKind.COURT else Action.ENFORCEMENT
    return Outcome(
        Decision(
            action,
            stage.name,
            stage.title,
            reason,
            Money(balance),
            letter=stage.letter,
            costs=stage.costs,
            by_run=stage.kind is not StageKind.COURT,
        )
    )


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28) + ONE_DAY


def _summonsed(case: Case, pos: Position, as_of: date) -> Outcome:
    """Withdrawn when the sum and costs were paid in full *before* the hearing (reg 34(5));
    once the hearing date has come, the court's outcome is awaited, whatever is paid."""
    summons = next(s for s in reversed(case.steps) if s.action is Action.SUMMONS)
    hearing = next(
        (
            s.hearing_on
            for s in reversed(case.steps)
            if s.action in (Action.SUMMONS, Action.ADJOURNED) and s.hearing_on is not None
        ),
        None,
    )
    judged = as_of if hearing is None else min(as_of, hearing - ONE_DAY)
    if case.balance_at(judged) > 0:
        if hearing is not None and as_of >= hearing:
            return Outcome(None, quiet="hearing held; awaiting the court's outcome")
        wake = None if hearing is None else hearing
        return Outcome(None, wake=wake, quiet="summons issued; awaiting the hearing")
    reason = (
        f"The sum and costs on the summons of {day_text(summons.on)} were paid in full before "
        "the hearing, so the council must accept it and not proceed: the case is withdrawn. "
        "Legal basis: Council Tax (Administration and Enforcement) Regulations 1992, reg 34(5)."
    )
    return Outcome(Decision(Action.WITHDRAWN, summons.stage, "Case withdrawn", reason, Money(0)))


def _ordered(case: Case, strategy: Strategy, pos: Position, as_of: date) -> Outcome:
    balance = case.balance_at(as_of)
    if balance <= 0:
        return Outcome(None, quiet="liability order paid")
    order = next(s for s in reversed(case.steps) if s.action is Action.LIABILITY_ORDER)
    taken = {s.stage for s in case.steps if s.action is Action.ENFORCEMENT}
    for stage in strategy.stages:
        if Condition.LIABILITY_ORDER not in stage.on or stage.name in taken:
            continue
        due_on = _due_on(case, stage, pos, order.on, as_of)
        if due_on > as_of:
            return Outcome(None, wake=due_on, quiet=f"{stage.name} due on {due_on}")
        pos.balance_falls_due = pos.balance_falls_due or order.on
        return _court_or_review(case, strategy, stage, pos, as_of, balance)
    return Outcome(None, quiet="liability order granted; no further route in the strategy")


def stage_of(steps: tuple[Step, ...] | list[Step]) -> str:
    """The stage an account's year stands at, for display: the last step's stage."""
    if not steps:
        return "none"
    last = steps[-1]
    if last.action in (Action.WITHDRAWN, Action.LIABILITY_ORDER, Action.BALANCE_DUE):
        return last.action.value
    return last.stage
