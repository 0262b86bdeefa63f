"""The recovery run's first notices, computed as columns, decide exactly what the per-account
engine decides: same accounts, stage, amount, dates and reason, for random populations."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.recovery.engine import Case, steps_due
from reclaim.domain.recovery.strategy import load_strategy
from reclaim.domain.schedules import Instalment
from reclaim.money import Money
from reclaim.services.recovery_bulk import first_notices, money_text
from reclaim.services.recovery_strategies import EXAMPLES, SHIPPED

YEAR = FinancialYear(2026)
STRATEGIES = {
    "england": load_strategy((SHIPPED / "england-council-tax.toml").read_text(), "england"),
    "knowsley": load_strategy((EXAMPLES / "knowsley-council-tax.toml").read_text(), "knowsley"),
    "rbwm": load_strategy((EXAMPLES / "rbwm-council-tax.toml").read_text(), "rbwm"),
    "wales": load_strategy((SHIPPED / "wales-council-tax.toml").read_text(), "wales"),
}

plans = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=300),  # first due, days after 1 April
        st.integers(min_value=1, max_value=12),  # how many monthly instalments
        st.integers(min_value=1, max_value=500_000),  # pence each
    ),
    min_size=1,
    max_size=4,
)
accounts = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=3),  # which plan (modulo)
        st.integers(min_value=-5_000, max_value=2_000_000),  # paid
        st.booleans(),  # aged 65 or over
    ),
    min_size=1,
    max_size=40,
)


def _instalments(first: int, count: int, pence: int) -> tuple[Instalment, ...]:
    start = YEAR.start + timedelta(days=first)
    return tuple(
        Instalment(start + timedelta(days=30 * n), Money(pence + (7 if n == 0 else 0)))
        for n in range(count)
    )


@settings(max_examples=80, deadline=None)
@given(
    plan_specs=plans,
    people=accounts,
    which=st.sampled_from(sorted(STRATEGIES)),
    run_day=st.integers(min_value=0, max_value=400),
)
def test_bulk_first_notices_match_the_engine(
    plan_specs: list[tuple[int, int, int]],
    people: list[tuple[int, int, bool]],
    which: str,
    run_day: int,
) -> None:
    strategy = STRATEGIES[which]
    country = Country.WALES if which == "wales" else Country.ENGLAND
    as_of = YEAR.start + timedelta(days=run_day)
    plan_of = {n + 1: _instalments(*spec) for n, spec in enumerate(plan_specs)}
    expected: dict[int, tuple[str, int, date | None, str]] = {}
    rows = []
    for account_id, (plan_pick, paid, aged) in enumerate(people, start=1):
        plan_id = plan_pick % len(plan_of) + 1
        instalments = plan_of[plan_id]
        paid_on = as_of  # one payment, on the run date: counted as paid by then
        case = Case(
            YEAR, instalments, paid=((paid_on, paid),), country=country, aged_65_or_over=aged
        )
        due_before = sum(i.amount.pence for i in instalments if i.due_date < as_of)
        if paid >= due_before:
            continue  # settled in bulk before this stage: the engine agrees (no missed one)
        rows.append((account_id, 2026, plan_id, "council_tax", f"R{account_id}", "", paid, aged))
        for decision in steps_due(case, strategy, as_of):
            expected[account_id] = (
                decision.stage,
                decision.amount.pence,
                decision.pay_by,
                decision.reason,
            )
    cases = pl.DataFrame(
        rows,
        schema={
            "account_id": pl.Int64,
            "financial_year": pl.Int64,
            "plan_id": pl.Int64,
            "kind": pl.String,
            "reference": pl.String,
            "name": pl.String,
            "paid": pl.Int64,
            "aged_65_or_over": pl.Boolean,
        },
        orient="row",
    )
    plan_frame = pl.DataFrame(
        [
            (plan_id, seq, i.due_date, i.amount.pence)
            for plan_id, instalments in plan_of.items()
            for seq, i in enumerate(instalments, start=1)
        ],
        schema={
            "plan_id": pl.Int64,
            "seq": pl.Int64,
            "due_date": pl.Date,
            "amount_pence": pl.Int64,
        },
        orient="row",
    )
    got = first_notices(
        cases,
        plan_frame,
        {(AccountKind.COUNCIL_TAX.value, 2026): (strategy, which)},
        country,
        as_of,
    )
    actual = {
        row["account_id"]: (row["stage"], row["amount_pence"], row["pay_by"], row["reason"])
        for row in got.iter_rows(named=True)
    }
    assert actual == expected


def test_money_text_is_money_format() -> None:
    values = [0, 5, -500, 99_999, 123_456, 100_000_000, 123_456_789_012, -123_456_789]
    got = pl.DataFrame({"p": values}).select(money_text("p")).to_series().to_list()
    assert got == [Money(v).format() for v in values]
