"""How the demo's people pay (reclaim.demo.payers): instalments by behaviour, answers to
letters, and never more than the account owes."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from reclaim.calendar import FinancialYear
from reclaim.demo.behaviour import Behaviour, load_settings
from reclaim.demo.payers import PaymentPlan, Planned
from reclaim.demo.population import generate

YEAR = FinancialYear(2026)
SCHEDULE = [(date(2026, 4 + i, 1) if i < 9 else date(2027, 1, 1), 10_000) for i in range(10)]
ACCOUNT = replace(
    next(iter(generate(load_settings(), seed=1, year=YEAR, accounts=1))),
    method="direct_debit",
)


def _plan(behaviour: Behaviour, seed: int = 1) -> PaymentPlan:
    plan = PaymentPlan(random.Random(seed), YEAR.end, pays_after_order=0.4)
    plan.instalments(replace(ACCOUNT, behaviour=behaviour), SCHEDULE, 0.0, YEAR.start)
    return plan


def _paid(plan: PaymentPlan) -> list[tuple[date, int | None]]:
    return sorted((day, p.pence) for day, items in plan.by_day.items() for p in items)


def test_a_direct_debit_payer_pays_every_instalment_on_its_day():
    assert _paid(_plan(Behaviour.PAYS_ON_TIME)) == SCHEDULE


def test_one_who_pays_in_full_pays_the_balance_on_the_first_instalment_day():
    assert _paid(_plan(Behaviour.PAYS_IN_FULL)) == [(date(2026, 4, 1), None)]


@pytest.mark.parametrize("seed", range(5))
def test_a_late_payer_misses_some_instalments_and_a_non_payer_nearly_all(seed):
    assert 0 < len(_paid(_plan(Behaviour.LATE_AFTER_REMINDER, seed))) <= 10
    assert len(_paid(_plan(Behaviour.PERSISTENT_NON_PAYER, seed))) <= 1
    assert 1 <= len(_paid(_plan(Behaviour.PAYS_AFTER_SUMMONS, seed))) <= 4


def test_a_late_payer_pays_what_the_reminder_asks_and_a_non_payer_does_not():
    plan = PaymentPlan(random.Random(3), YEAR.end, pays_after_order=0.0)
    late = replace(ACCOUNT, behaviour=Behaviour.LATE_AFTER_REMINDER)
    never = replace(ACCOUNT, behaviour=Behaviour.PERSISTENT_NON_PAYER)
    on = date(2026, 5, 12)
    assert plan.react(late, "notice", "reminder", 12_345, on) == "paid after a reminder"
    assert plan.react(never, "notice", "reminder", 12_345, on) == ""
    assert plan.react(never, "liability_order", "liability_order", 0, on) == ""
    (answer,) = [p for items in plan.by_day.values() for p in items]
    assert answer.pence == 12_345 and answer.why == "after a reminder"


def test_nothing_is_planned_after_the_year_ends():
    plan = PaymentPlan(random.Random(1), YEAR.end, pays_after_order=1.0)
    plan.parts(ACCOUNT, date(2027, 2, 1), 6, "attachment", "attachment")
    assert max(plan.by_day) <= YEAR.end and len(plan.by_day) == 2


@pytest.mark.parametrize(
    ("planned", "balance", "paid"),
    [
        (Planned("CT1", 10_000, "card"), 25_000, 10_000),
        (Planned("CT1", 10_000, "card"), 4_000, 4_000),  # never more than is owed
        (Planned("CT1", 10_000, "card"), -500, 0),  # in credit: nothing
        (Planned("CT1", None, "card"), 25_001, 25_001),  # the balance
        (Planned("CT1", None, "card", parts_left=3), 25_001, 8_334),  # a third, rounded up
        (Planned("CT1", None, "card", parts_left=3), 0, 0),
    ],
)
def test_a_payment_is_capped_at_what_the_account_owes(planned, balance, paid):
    assert planned.amount(balance) == paid
