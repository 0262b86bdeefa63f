"""Reg 34(5): a summons paid in full with its costs *before* the hearing is withdrawn; paying
on or after the hearing day leaves the case for the court's outcome."""

from __future__ import annotations

from datetime import date

import pytest

from reclaim.calendar import FinancialYear
from reclaim.domain.recovery.engine import Action, Case, Step, evaluate
from reclaim.domain.schedules import Instalment
from reclaim.money import Money
from reclaim.services.recovery_strategies import shipped

STRATEGY = shipped("england-council-tax.toml")
SUMMONED = date(2026, 5, 1)
HEARING = date(2026, 5, 20)


def _case(paid_on: date) -> Case:
    return Case(
        FinancialYear(2026),
        (Instalment(date(2026, 4, 1), Money(100_00)),),
        paid=((paid_on, 170_00),),  # the £100 and £70 summons costs
        costs_pence=70_00,
        steps=(
            Step(date(2026, 4, 20), Action.BALANCE_DUE, "final_notice", Money(100_00)),
            Step(SUMMONED, Action.SUMMONS, "summons", Money(100_00), hearing_on=HEARING),
        ),
    )


@pytest.mark.parametrize(
    ("paid_on", "run_on", "withdrawn"),
    [
        (date(2026, 5, 19), date(2026, 5, 19), True),  # the day before the hearing
        (date(2026, 5, 19), date(2026, 5, 25), True),  # run later: it was paid in time
        (date(2026, 5, 20), date(2026, 5, 20), False),  # on the hearing day: too late
        (date(2026, 5, 22), date(2026, 5, 25), False),  # after the hearing: the court decides
    ],
)
def test_a_summons_is_withdrawn_only_when_paid_before_the_hearing(
    paid_on: date, run_on: date, withdrawn: bool
) -> None:
    decision = evaluate(_case(paid_on), STRATEGY, run_on).decision
    assert (decision is not None and decision.action is Action.WITHDRAWN) is withdrawn
