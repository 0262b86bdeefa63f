"""The column-arithmetic allocation (services.bulk_allocation) must agree with the rule
(domain.payments.allocate_payment) line for line and word for word."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from reclaim.calendar import FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.councils import AllocationPolicy, YearOrder
from reclaim.domain.payments import AccountOwing, allocate_payment
from reclaim.money import Money
from reclaim.services.bulk_allocation import allocate_in_bulk

owing_years = st.dictionaries(
    st.integers(2019, 2026), st.integers(-5_000, 50_000), min_size=0, max_size=5
)


def one_at_a_time(accounts, payments, order):
    """The rule applied payment by payment, as services.payments does for a few payments."""
    owing = {
        a: {FinancialYear(y): Money(p) for y, p in years.items()} for a, years in accounts.items()
    }
    policy = AllocationPolicy(order)
    result = []
    for payment_id, account_id, paid_on, pence in payments:
        lines = allocate_payment(
            Money(pence),
            [
                AccountOwing(
                    account_id, f"R{account_id}", AccountKind.SUNDRY_DEBT, owing[account_id]
                )
            ],
            policy,
            paid_on,
        )
        for line in lines:
            owing[account_id][line.financial_year] = (
                owing[account_id].get(line.financial_year, Money.zero()) - line.amount
            )
            result.append(
                (
                    payment_id,
                    account_id,
                    line.financial_year.start_year,
                    line.amount.pence,
                    line.reason,
                )
            )
    return result


def in_bulk(accounts, payments, order):
    frame = pl.DataFrame(
        [
            (
                payment_id,
                position,
                account_id,
                f"R{account_id}",
                paid_on,
                pence,
                "card",
                f"X{payment_id}",
            )
            for position, (payment_id, account_id, paid_on, pence) in enumerate(payments)
        ],
        schema={
            "payment_id": pl.Int64,
            "order": pl.Int64,
            "account_id": pl.Int64,
            "reference": pl.String,
            "payment_date": pl.Date,
            "amount_pence": pl.Int64,
            "channel": pl.String,
            "external_id": pl.String,
        },
        orient="row",
    )
    owing = pl.DataFrame(
        [(a, y, p) for a, years in accounts.items() for y, p in years.items()],
        schema={"account_id": pl.Int64, "year": pl.Int64, "owing_pence": pl.Int64},
        orient="row",
    )
    current = FinancialYear.containing(payments[0][2]).start_year
    orders = pl.DataFrame(
        [(a, order.value, current) for a in accounts],
        schema={"account_id": pl.Int64, "order_rule": pl.String, "current_year": pl.Int64},
        orient="row",
    )
    lines = allocate_in_bulk(frame, owing, orders)
    return [
        (p, a, y, pence, reason)
        for _order, p, a, y, pence, reason in lines.select(
            "order", "payment_id", "account_id", "year", "amount_pence", "reason"
        ).iter_rows()
    ]


@settings(max_examples=300, deadline=None)
@given(
    accounts=st.dictionaries(st.integers(1, 4), owing_years, min_size=1, max_size=4),
    raw_payments=st.lists(
        st.tuples(st.integers(1, 4), st.integers(0, 60), st.integers(1, 40_000)),
        min_size=1,
        max_size=12,
    ),
    order=st.sampled_from(list(YearOrder)),
)
def test_bulk_allocation_gives_exactly_the_lines_of_the_rule(accounts, raw_payments, order):
    start = date(2026, 4, 20)  # every payment in 2026/27, as the bulk path requires
    payments = sorted(
        (
            (
                n,
                account_id if account_id in accounts else min(accounts),
                start + timedelta(days=d),
                pence,
            )
            for n, (account_id, d, pence) in enumerate(raw_payments, start=1)
        ),
        key=lambda p: (p[2], p[0]),
    )
    assert in_bulk(accounts, payments, order) == one_at_a_time(accounts, payments, order)


def test_a_payment_beyond_what_is_owed_is_split_into_the_debt_and_a_credit():
    payments = [(1, 1, date(2026, 6, 1), 15_000)]
    accounts = {1: {2025: 10_000}}
    lines = in_bulk(accounts, payments, YearOrder.OLDEST_FIRST)
    assert lines == [
        (1, 1, 2025, 10_000, "oldest financial year first: 2025/26 had £100.00 outstanding"),
        (
            1,
            1,
            2026,
            5_000,
            "paid £50.00 more than was owed (£100.00 was due); held as a credit on R1 in 2026/27",
        ),
    ]
