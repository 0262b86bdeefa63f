"""How a payment is shared out across financial years and accounts, and the council's policy."""

from collections.abc import Mapping
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reclaim.calendar import FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.councils import DEFAULT_PRIORITY, AllocationPolicy, YearOrder
from reclaim.domain.errors import DomainError
from reclaim.domain.payments import (
    AccountOwing,
    AllocationLine,
    allocate_payment,
    allocate_to_account,
    year_order,
)
from reclaim.money import Money

FY = FinancialYear
OLDEST_FIRST = AllocationPolicy(YearOrder.OLDEST_FIRST)
CURRENT_FIRST = AllocationPolicy(YearOrder.CURRENT_FIRST)
PAID_ON = date(2026, 6, 1)  # in 2026/27


def pounds(n: int) -> Money:
    return Money.from_pounds(n)


def owing(
    by_year: Mapping[int, int],
    *,
    account_id: int = 1,
    reference: str = "SD-1",
    kind: AccountKind = AccountKind.SUNDRY_DEBT,
) -> AccountOwing:
    """An account owing whole pounds, by the year each financial year starts."""
    return AccountOwing(
        account_id, reference, kind, {FY(year): pounds(n) for year, n in by_year.items()}
    )


def shares(lines: list[AllocationLine]) -> list[tuple[int, int, Money]]:
    return [(line.account_id, line.financial_year.start_year, line.amount) for line in lines]


# ---- year order ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("by_year", "order", "current", "expected"),
    [
        ({2026: 1, 2024: 1, 2025: 1}, YearOrder.OLDEST_FIRST, 2026, [2024, 2025, 2026]),
        ({2026: 1, 2024: 1, 2025: 1}, YearOrder.CURRENT_FIRST, 2026, [2026, 2024, 2025]),
        ({2026: 1, 2024: 1, 2025: 1}, YearOrder.CURRENT_FIRST, 2025, [2025, 2024, 2026]),
        ({2024: 1, 2025: 1}, YearOrder.CURRENT_FIRST, 2026, [2024, 2025]),
        ({2024: 0, 2025: -5, 2026: 3}, YearOrder.OLDEST_FIRST, 2026, [2026]),
        ({2024: 5, 2026: -3}, YearOrder.CURRENT_FIRST, 2026, [2024]),
        ({}, YearOrder.OLDEST_FIRST, 2026, []),
    ],
)
def test_years_are_filled_in_the_policy_order_and_only_where_money_is_owed(
    by_year: dict[int, int], order: YearOrder, current: int, expected: list[int]
) -> None:
    owed = {FY(year): pounds(n) for year, n in by_year.items()}
    assert year_order(owed, order, FY(current)) == [FY(year) for year in expected]


# ---- within one account --------------------------------------------------------------------


def test_oldest_first_fills_the_years_in_ascending_order() -> None:
    account = owing({2026: 100, 2024: 50, 2025: 30})
    lines = allocate_payment(pounds(60), [account], OLDEST_FIRST, PAID_ON)
    assert shares(lines) == [(1, 2024, pounds(50)), (1, 2025, pounds(10))]
    assert "oldest financial year first: 2024/25 had £50.00 outstanding" in lines[0].reason


def test_current_first_takes_the_payment_dates_year_first_then_the_oldest() -> None:
    account = owing({2024: 50, 2025: 30, 2026: 100})
    lines = allocate_payment(pounds(120), [account], CURRENT_FIRST, PAID_ON)
    assert shares(lines) == [(1, 2026, pounds(100)), (1, 2024, pounds(20))]
    assert lines[0].reason.startswith("current financial year first, then the oldest")


@pytest.mark.parametrize(
    ("paid_on", "first_year"),
    [
        (date(2026, 3, 31), 2025),  # the last day of 2025/26
        (date(2026, 4, 1), 2026),  # the first day of 2026/27
        (date(2027, 3, 31), 2026),
    ],
)
def test_the_current_year_is_the_financial_year_of_the_payment_date(
    paid_on: date, first_year: int
) -> None:
    account = owing({2024: 10, 2025: 10, 2026: 10})
    lines = allocate_payment(pounds(5), [account], CURRENT_FIRST, paid_on)
    assert shares(lines) == [(1, first_year, pounds(5))]


def test_allocate_to_account_returns_what_is_left_over() -> None:
    lines, left = allocate_to_account(
        pounds(100), owing({2024: 30, 2025: 20}), YearOrder.OLDEST_FIRST, PAID_ON
    )
    assert shares(lines) == [(1, 2024, pounds(30)), (1, 2025, pounds(20))]
    assert left == pounds(50)


def test_allocate_to_account_stops_once_the_money_runs_out() -> None:
    lines, left = allocate_to_account(
        pounds(30), owing({2024: 30, 2025: 20}), YearOrder.OLDEST_FIRST, PAID_ON
    )
    assert shares(lines) == [(1, 2024, pounds(30))]
    assert left == Money.zero()


def test_money_beyond_what_is_owed_is_a_credit_in_the_payments_year() -> None:
    lines = allocate_payment(pounds(50), [owing({2024: 30})], OLDEST_FIRST, PAID_ON)
    assert shares(lines) == [(1, 2024, pounds(30)), (1, 2026, pounds(20))]
    credit = lines[-1].reason
    assert "paid £20.00 more than was owed" in credit
    assert "£30.00 was due" in credit
    assert "held as a credit on SD-1 in 2026/27" in credit


def test_a_credit_in_a_year_that_was_also_paid_off_is_one_line_with_both_reasons() -> None:
    lines = allocate_payment(pounds(50), [owing({2026: 30})], OLDEST_FIRST, PAID_ON)
    assert shares(lines) == [(1, 2026, pounds(50))]
    assert "2026/27 had £30.00 outstanding" in lines[0].reason
    assert "more than was owed" in lines[0].reason


def test_a_payment_when_nothing_is_owed_is_all_credit() -> None:
    lines = allocate_payment(pounds(25), [owing({2024: 0, 2025: -10})], OLDEST_FIRST, PAID_ON)
    assert shares(lines) == [(1, 2026, pounds(25))]
    assert "paid £25.00 more than was owed (nothing was due)" in lines[0].reason


def test_a_payment_needs_at_least_one_account() -> None:
    with pytest.raises(DomainError, match="at least one account"):
        allocate_payment(pounds(10), [], OLDEST_FIRST, PAID_ON)


# ---- across a customer's accounts ----------------------------------------------------------


def test_by_default_council_tax_is_paid_before_a_sundry_debt() -> None:
    sundry = owing({2025: 40}, account_id=1, reference="AAA-SUNDRY")
    council_tax = owing({2025: 50}, account_id=2, reference="ZZZ-CT", kind=AccountKind.COUNCIL_TAX)
    lines = allocate_payment(pounds(70), [sundry, council_tax], OLDEST_FIRST, PAID_ON)
    assert shares(lines) == [(2, 2025, pounds(50)), (1, 2025, pounds(20))]
    assert "account 1 of 2, Council tax" in lines[0].reason
    assert "account 2 of 2, Sundry debt" in lines[1].reason


@pytest.mark.parametrize(("higher", "lower"), list(pairwise(DEFAULT_PRIORITY)))
def test_the_default_priority_fills_each_kind_before_the_next(
    higher: AccountKind, lower: AccountKind
) -> None:
    first = owing({2025: 10}, account_id=1, reference="B", kind=higher)
    second = owing({2025: 10}, account_id=2, reference="A", kind=lower)
    lines = allocate_payment(pounds(10), [second, first], OLDEST_FIRST, PAID_ON)
    assert shares(lines) == [(1, 2025, pounds(10))]


def test_accounts_of_the_same_kind_are_taken_in_reference_order() -> None:
    later = owing({2025: 10}, account_id=1, reference="SD-B")
    earlier = owing({2025: 10}, account_id=2, reference="SD-A")
    lines = allocate_payment(pounds(15), [later, earlier], OLDEST_FIRST, PAID_ON)
    assert shares(lines) == [(2, 2025, pounds(10)), (1, 2025, pounds(5))]


def test_a_councils_own_priority_order_is_followed() -> None:
    sundry_first = AllocationPolicy(
        YearOrder.OLDEST_FIRST,
        (
            AccountKind.SUNDRY_DEBT,
            *(k for k in DEFAULT_PRIORITY if k is not AccountKind.SUNDRY_DEBT),
        ),
    )
    council_tax = owing({2025: 50}, account_id=1, reference="CT", kind=AccountKind.COUNCIL_TAX)
    sundry = owing({2025: 40}, account_id=2, reference="SD")
    lines = allocate_payment(pounds(45), [council_tax, sundry], sundry_first, PAID_ON)
    assert shares(lines) == [(2, 2025, pounds(40)), (1, 2025, pounds(5))]


def test_excess_across_accounts_is_a_credit_on_the_highest_priority_account() -> None:
    sundry = owing({2024: 10}, account_id=1, reference="SD")
    council_tax = owing({2025: 20}, account_id=2, reference="CT", kind=AccountKind.COUNCIL_TAX)
    lines = allocate_payment(pounds(100), [sundry, council_tax], OLDEST_FIRST, PAID_ON)
    assert shares(lines) == [
        (2, 2025, pounds(20)),
        (1, 2024, pounds(10)),
        (2, 2026, pounds(70)),
    ]
    assert "paid £70.00 more than was owed (£30.00 was due); held as a credit on CT" in (
        lines[-1].reason
    )


# ---- properties over any owings ---------------------------------------------------------------

years = st.integers(min_value=2020, max_value=2027).map(FY)
owed_pence = st.integers(min_value=-5_000, max_value=50_000).map(Money)


@st.composite
def customers(draw: st.DrawFn) -> list[AccountOwing]:
    count = draw(st.integers(min_value=1, max_value=4))
    references = draw(
        st.lists(
            st.sampled_from(["A", "B", "C", "D", "E", "F"]),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    return [
        AccountOwing(
            account_id=n,
            reference=reference,
            kind=draw(st.sampled_from(AccountKind)),
            owing_by_year=draw(st.dictionaries(years, owed_pence, max_size=5)),
        )
        for n, reference in enumerate(references, start=1)
    ]


policies = st.builds(
    AllocationPolicy,
    st.sampled_from(YearOrder),
    st.permutations(list(AccountKind)).map(tuple),
)
payments = st.integers(min_value=1, max_value=300_000).map(Money)
payment_dates = st.dates(min_value=date(2020, 4, 1), max_value=date(2028, 3, 31))


@given(accounts=customers(), amount=payments, policy=policies, paid_on=payment_dates)
def test_the_lines_add_up_to_the_payment_and_no_year_gets_more_than_it_owed(
    accounts: list[AccountOwing], amount: Money, policy: AllocationPolicy, paid_on: date
) -> None:
    lines = allocate_payment(amount, accounts, policy, paid_on)

    assert sum((line.amount for line in lines), Money.zero()) == amount
    assert all(line.amount.is_positive for line in lines)
    keys = [(line.account_id, line.financial_year) for line in lines]
    assert len(keys) == len(set(keys)), "one line per account and year"

    def owed(account_id: int, year: FinancialYear) -> Money:
        account = next(a for a in accounts if a.account_id == account_id)
        return max(account.owing_by_year.get(year, Money.zero()), Money.zero())

    everything_owed = sum(
        (owed(a.account_id, y) for a in accounts for y in a.owing_by_year), Money.zero()
    )
    excess = max(amount - everything_owed, Money.zero())
    first = min(accounts, key=lambda a: (policy.rank(a.kind), a.reference))
    credit_key = (first.account_id, FY.containing(paid_on))
    for line in lines:
        key = (line.account_id, line.financial_year)
        allowed = owed(*key) + (excess if key == credit_key else Money.zero())
        assert line.amount <= allowed, f"{line} got more than was owed"
    credit_lines = [line for line in lines if "more than was owed" in line.reason]
    if excess.is_positive:
        assert [(c.account_id, c.financial_year) for c in credit_lines] == [credit_key]
    else:
        assert credit_lines == []


@given(
    accounts=customers(),
    amount=payments,
    policy=policies,
    paid_on=payment_dates,
    data=st.data(),
)
def test_the_result_never_depends_on_the_order_the_accounts_are_given_in(
    accounts: list[AccountOwing],
    amount: Money,
    policy: AllocationPolicy,
    paid_on: date,
    data: st.DataObject,
) -> None:
    shuffled = data.draw(st.permutations(accounts))
    reordered_years = [
        AccountOwing(
            a.account_id,
            a.reference,
            a.kind,
            dict(reversed(list(a.owing_by_year.items()))),
        )
        for a in shuffled
    ]
    assert allocate_payment(amount, reordered_years, policy, paid_on) == allocate_payment(
        amount, accounts, policy, paid_on
    )


# ---- the council's policy --------------------------------------------------------------------


def test_the_default_policy_is_oldest_first_with_council_tax_top() -> None:
    policy = AllocationPolicy()
    assert policy.within_account is YearOrder.OLDEST_FIRST
    assert policy.across_accounts == DEFAULT_PRIORITY
    assert policy.rank(AccountKind.COUNCIL_TAX) == 0
    assert policy.rank(AccountKind.SUNDRY_DEBT) == len(AccountKind) - 1


def test_a_priority_missing_a_kind_is_refused_naming_it() -> None:
    without_rent = tuple(k for k in DEFAULT_PRIORITY if k is not AccountKind.RENT)
    with pytest.raises(DomainError, match=r"every account kind once; missing: rent$"):
        AllocationPolicy(YearOrder.OLDEST_FIRST, without_rent)


def test_a_priority_repeating_a_kind_is_refused_naming_it() -> None:
    twice = (*DEFAULT_PRIORITY, AccountKind.SUNDRY_DEBT)
    with pytest.raises(DomainError, match=r"every account kind once; repeated: sundry_debt$"):
        AllocationPolicy(YearOrder.OLDEST_FIRST, twice)


def test_a_priority_both_missing_and_repeating_kinds_names_both() -> None:
    wrong = (AccountKind.RENT, *DEFAULT_PRIORITY[1:], AccountKind.RENT)
    with pytest.raises(DomainError, match="missing: council_tax; repeated: rent"):
        AllocationPolicy(YearOrder.OLDEST_FIRST, wrong)


@pytest.mark.parametrize(
    "text",
    [
        ",".join(DEFAULT_PRIORITY),
        " > ".join(DEFAULT_PRIORITY),
        " council_tax>rent , business_rates,hb_overpayment> former_tenant_arrears,"
        "commercial_rent,sundry_debt ,",
    ],
)
def test_parse_priority_reads_kinds_separated_by_commas_or_arrows(text: str) -> None:
    assert AllocationPolicy.parse_priority(text) == DEFAULT_PRIORITY


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("council_tax > parking", "parking"),
        ("Council_Tax, rent", "Council_Tax"),
        ("council tax, rent", "council tax"),
    ],
)
def test_parse_priority_names_the_kind_it_does_not_know(text: str, bad: str) -> None:
    with pytest.raises(DomainError, match=f"^'{bad}' is not an account kind; use one of "):
        AllocationPolicy.parse_priority(text)


def test_the_credit_reason_states_a_due_amount_consistent_with_the_excess() -> None:
    account = owing({2024: 50, 2025: -30})
    lines = allocate_payment(pounds(100), [account], OLDEST_FIRST, PAID_ON)
    assert shares(lines) == [(1, 2024, pounds(50)), (1, 2026, pounds(50))]
    assert "paid £50.00 more than was owed (£50.00 was due)" in lines[-1].reason
