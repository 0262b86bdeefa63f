"""The magistrates' court: when a hearing may be, and what it can decide.

* A liability order may not be made unless the summons was **served at least 14 days before
  the hearing** (Council Tax (Administration and Enforcement) Regulations 1992, reg 35(2A),
  inserted by SI 1998/295; no business rates equivalent was seen — **UNVERIFIED** — so the
  same rule is applied to both, the safer reading). A summons posted on the day it is issued
  is taken as served ``service_days`` working days later (the strategy's setting; 2 for
  first-class post), so the earliest hearing is 14 days after that. A hearing fixed sooner
  would be refused by the court, so it is refused here before anything is issued.
* At the hearing the court **grants** the order (the liability order's costs are added), the
  council **withdraws** the complaint, or the hearing is **adjourned** to a later date.
  Payment of the sum and the costs before the hearing also withdraws it (reg 34(5)); the
  recovery run records that.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from reclaim.calendar import Country, WorkingDays
from reclaim.domain.errors import DomainError

DAYS_AFTER_SERVICE = 14  # reg 35(2A): served at least 14 days before the hearing


class HearingOutcome(StrEnum):
    """What a court outcomes file may say of a summons (a closed set)."""

    GRANTED = "granted"  # the liability order was made
    WITHDRAWN = "withdrawn"  # the council withdrew the complaint
    ADJOURNED = "adjourned"  # the hearing moved to a later date


def served_on(issued_on: date, service_days: int, country: Country) -> date:
    """The day a summons posted on ``issued_on`` is taken as served."""
    return WorkingDays(country).add(issued_on, service_days)


def earliest_hearing(issued_on: date, service_days: int, country: Country) -> date:
    """The first day a hearing may be held for a summons issued on ``issued_on``."""
    return served_on(issued_on, service_days, country) + timedelta(days=DAYS_AFTER_SERVICE)


def check_hearing_date(
    issued_on: date, hearing_on: date, service_days: int, country: Country
) -> None:
    """Refuse a hearing too soon after the summons is issued (reg 35(2A)), or on a day the
    court does not sit for these lists (a weekend or bank holiday)."""
    if not WorkingDays(country).is_working_day(hearing_on):
        raise DomainError(
            f"the hearing date {hearing_on} is a {hearing_on:%A}"
            f"{'' if hearing_on.weekday() >= 5 else ' bank holiday'}: the court list is heard "
            "on a working day"
        )
    earliest = earliest_hearing(issued_on, service_days, country)
    if hearing_on < earliest:
        served = served_on(issued_on, service_days, country)
        raise DomainError(
            f"the hearing date {hearing_on} is too soon: a summons issued on {issued_on} is "
            f"served {service_days} working days later ({served}), and the hearing must be at "
            f"least {DAYS_AFTER_SERVICE} days after service (1992 regulations reg 35(2A)); the "
            f"earliest hearing date is {earliest}"
        )
