"""Schedules: the instalments due on an account, which must add up to what they schedule.

A statutory schedule comes from a Council Tax or Business Rates bill (the billing work adds the
statutory rules of Schedule 1 to the 1992 and 1989 regulations). Here are the shape every
schedule has and the simple monthly spread used for an invoice paid in instalments. A new
schedule supersedes an old one; neither is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from reclaim.calendar import InstalmentDay, add_months
from reclaim.domain.errors import DomainError
from reclaim.money import Money, Remainder


class ScheduleKind(StrEnum):
    STATUTORY = "statutory"  # set by a bill under the instalment regulations
    INVOICE = "invoice"  # set by a sundry invoice or an overpayment notice
    ARRANGEMENT = "arrangement"  # agreed with the customer


@dataclass(frozen=True, slots=True)
class Instalment:
    due_date: date
    amount: Money


@dataclass(frozen=True, slots=True)
class Schedule:
    account_id: int
    kind: ScheduleKind
    total: Money
    instalments: tuple[Instalment, ...]
    reason: str

    def __post_init__(self) -> None:
        if not self.instalments:
            raise DomainError("a schedule needs at least one instalment")
        scheduled = sum((i.amount for i in self.instalments), Money.zero())
        if scheduled != self.total:
            raise DomainError(
                f"the instalments add up to {scheduled}, not the {self.total} they schedule"
            )
        dates = [i.due_date for i in self.instalments]
        if dates != sorted(dates):
            raise DomainError("instalments must fall due in date order")

    def due_by(self, day: date) -> Money:
        """What the schedule says should have been paid by the end of ``day``."""
        return sum((i.amount for i in self.instalments if i.due_date <= day), Money.zero())


def monthly_schedule(
    account_id: int,
    total: Money,
    *,
    first_due: date,
    count: int,
    day: InstalmentDay | None,
    kind: ScheduleKind,
    reason: str,
) -> Schedule:
    """Spread ``total`` over ``count`` monthly instalments from ``first_due``.

    The parts are equal to the penny, the leftover pence going to the first instalment (the
    same direction the statutory scheme uses). After the first, instalments fall on ``day`` of
    each month when one is given, otherwise on the first's day of the month.
    """
    if count < 1:
        raise DomainError("a schedule needs at least one instalment")
    amounts = total.split(count, Remainder.FIRST)
    dates = [first_due]
    for n in range(1, count):
        month_start = add_months(first_due.replace(day=1), n)
        if day is None:
            dates.append(add_months(first_due, n))
        else:
            dates.append(day.in_month(month_start.year, month_start.month))
    return Schedule(
        account_id,
        kind,
        total,
        tuple(Instalment(d, a) for d, a in zip(dates, amounts, strict=True)),
        reason,
    )
