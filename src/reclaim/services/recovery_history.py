"""An account's recovery history, as an officer reads it: the steps taken and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from reclaim.calendar import FinancialYear
from reclaim.domain.recovery.engine import Action, Step, stage_of
from reclaim.money import Money
from reclaim.store import tables as t


@dataclass(frozen=True, slots=True)
class RecoveryEvent:
    id: int
    year: FinancialYear
    on: date
    action: Action
    stage: str
    amount: Money
    pay_by: date | None
    hearing_on: date | None
    costs: Money
    strategy: str
    reason: str


@dataclass(frozen=True, slots=True)
class RecoveryHistory:
    stage: str  # where the latest year with a step stands ("none" when nothing was taken)
    events: tuple[RecoveryEvent, ...]


NO_RECOVERY = RecoveryHistory("none", ())


def recovery_of(conn: Connection, account_id: int) -> RecoveryHistory:
    e = t.recovery_events
    rows = conn.execute(select(e).where(e.c.account_id == account_id).order_by(e.c.id)).all()
    events = tuple(
        RecoveryEvent(
            r.id,
            FinancialYear(r.financial_year),
            r.event_date,
            Action(r.action),
            r.stage,
            Money(r.amount_pence),
            r.pay_by,
            r.hearing_on,
            Money(r.costs_pence),
            r.strategy,
            r.reason,
        )
        for r in rows
    )
    if not events:
        return RecoveryHistory("none", ())
    latest = max(ev.year.start_year for ev in events)
    steps = [Step(ev.on, ev.action, ev.stage) for ev in events if ev.year.start_year == latest]
    return RecoveryHistory(stage_of(steps), events)
