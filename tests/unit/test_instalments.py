"""Statutory instalments (domain.instalments), as tables: the statute's rounding examples, bills
issued in every month, 10 and 12 instalments, every Direct Debit day, leap years, small bills."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.domain.errors import DomainError
from reclaim.domain.instalments import (
    BUSINESS_RATES,
    COUNCIL_TAX,
    instalment_amounts,
    statutory_instalments,
)
from reclaim.money import Money, Rounding

YEAR = FinancialYear(2026)


def pounds(*amounts: str) -> list[Money]:
    return [Money.parse(a) for a in amounts]


@pytest.mark.parametrize(
    ("charge", "count", "expected"),
    [
        # Sch 1 para 2(6): the first takes what the rounded rest leave, and may be smaller.
        ("1234.56", 10, pounds("127.56", *["123.00"] * 9)),
        ("1234.56", 12, pounds("101.56", *["103.00"] * 11)),
        # para 2(5): a charge that divides into whole pounds is paid in equal instalments.
        ("1200.00", 10, pounds(*["120.00"] * 10)),
        ("1800.00", 12, pounds(*["150.00"] * 12)),
        # £1,005.00 / 10 = £100.50 exactly: the tie rounds up, so nine of £101 and £96 first.
        ("1005.00", 10, pounds("96.00", *["101.00"] * 9)),
        ("0.01", 1, pounds("0.01")),
    ],
)
def test_instalment_amounts_follow_paragraph_2(charge, count, expected):
    assert instalment_amounts(Money.parse(charge), count) == expected


def test_a_tie_at_fifty_pence_can_be_rounded_another_way_as_data():
    assert instalment_amounts(Money.parse("1005.00"), 10, Rounding.HALF_EVEN)[1:] == pounds(
        *["100.00"] * 9
    )


DAY_1, DAY_5, DAY_15, DAY_24 = (
    InstalmentDay.DAY_1,
    InstalmentDay.DAY_5,
    InstalmentDay.DAY_15,
    InstalmentDay.DAY_24,
)


@pytest.mark.parametrize(
    ("issued", "day", "count", "first", "last"),
    [
        # Before the year, or by 30 April: 10 instalments.
        ("2026-02-01", DAY_1, 10, "2026-04-01", "2027-01-01"),
        ("2026-03-10", DAY_1, 10, "2026-04-01", "2027-01-01"),
        ("2026-03-20", DAY_5, 10, "2026-04-05", "2027-01-05"),  # 1 April is under 14 days on
        ("2026-04-17", DAY_1, 10, "2026-05-01", "2027-02-01"),
        ("2026-04-30", DAY_15, 10, "2026-05-15", "2027-02-15"),
        # From 1 May: one fewer than the whole months left after the month of issue.
        ("2026-05-01", DAY_15, 9, "2026-05-15", "2027-01-15"),
        ("2026-06-10", DAY_24, 8, "2026-06-24", "2027-01-24"),
        ("2026-07-20", DAY_5, 7, "2026-08-05", "2027-02-05"),
        ("2026-08-01", DAY_15, 6, "2026-08-15", "2027-01-15"),
        ("2026-09-01", DAY_15, 5, "2026-09-15", "2027-01-15"),
        ("2026-10-01", DAY_15, 4, "2026-10-15", "2027-01-15"),
        ("2026-11-01", DAY_15, 3, "2026-11-15", "2027-01-15"),
        ("2026-12-01", DAY_15, 2, "2026-12-15", "2027-01-15"),
        # From 1 January: a single instalment.
        ("2027-01-04", DAY_24, 1, "2027-01-24", "2027-01-24"),
        ("2027-02-10", DAY_24, 1, "2027-02-24", "2027-02-24"),
        # Too late for 14 days' notice within the year: one instalment, 14 days on.
        ("2027-03-25", DAY_24, 1, "2027-04-08", "2027-04-08"),
    ],
)
def test_a_bill_issued_in_each_month_of_the_year(issued, day, count, first, last):
    schedule = statutory_instalments(
        Money.parse("1234.56"),
        rules=COUNCIL_TAX,
        year=YEAR,
        issued=date.fromisoformat(issued),
        day=day,
    )
    assert len(schedule) == count
    assert schedule[0].due_date == date.fromisoformat(first)
    assert schedule[-1].due_date == date.fromisoformat(last)
    assert sum((i.amount for i in schedule), Money.zero()) == Money.parse("1234.56")


@pytest.mark.parametrize(
    ("issued", "count", "first", "last"),
    [
        ("2026-03-10", 12, "2026-04-01", "2027-03-01"),
        ("2026-04-15", 11, "2026-05-01", "2027-03-01"),  # 12 allowed, 11 months left to pay in
        ("2026-04-16", 11, "2026-05-01", "2027-03-01"),  # after 15 April: months left (UNVERIFIED)
        ("2026-06-10", 9, "2026-07-01", "2027-03-01"),
    ],
)
def test_twelve_instalments_on_request(issued, count, first, last):
    schedule = statutory_instalments(
        Money.parse("1234.56"),
        rules=COUNCIL_TAX,
        year=YEAR,
        issued=date.fromisoformat(issued),
        day=InstalmentDay.DAY_1,
        twelve=True,
    )
    assert (len(schedule), schedule[0].due_date, schedule[-1].due_date) == (
        count,
        date.fromisoformat(first),
        date.fromisoformat(last),
    )


@pytest.mark.parametrize(
    ("year", "day", "february"),
    [
        (FinancialYear(2026), InstalmentDay.LAST, date(2027, 2, 28)),
        (FinancialYear(2027), InstalmentDay.LAST, date(2028, 2, 29)),  # leap year
        (FinancialYear(2026), InstalmentDay.DAY_24, date(2027, 2, 24)),
        (FinancialYear(2026), InstalmentDay.DAY_15, date(2027, 2, 15)),
        (FinancialYear(2026), InstalmentDay.DAY_5, date(2027, 2, 5)),
        (FinancialYear(2026), InstalmentDay.DAY_1, date(2027, 2, 1)),
    ],
)
def test_every_direct_debit_day_including_month_ends_and_february(year, day, february):
    schedule = statutory_instalments(
        Money.parse("1500.00"),
        rules=COUNCIL_TAX,
        year=year,
        issued=date(year.start_year, 3, 1),
        day=day,
        twelve=True,
    )
    assert february in [i.due_date for i in schedule]
    if day is InstalmentDay.LAST:
        assert [i.due_date.day for i in schedule][:3] == [30, 31, 30]  # April, May, June


@pytest.mark.parametrize(
    ("rules", "charge", "expected"),
    [
        # Council tax: under £5 an instalment; under £10 in all, one instalment.
        (COUNCIL_TAX, "9.99", pounds("9.99")),
        (COUNCIL_TAX, "23.00", pounds("5.00", "6.00", "6.00", "6.00")),
        (COUNCIL_TAX, "50.00", pounds(*["5.00"] * 10)),
        # Business rates: the same at £50 (UNVERIFIED detail).
        (BUSINESS_RATES, "99.99", pounds("99.99")),
        (BUSINESS_RATES, "230.00", pounds("56.00", "58.00", "58.00", "58.00")),
    ],
)
def test_small_instalments(rules, charge, expected):
    schedule = statutory_instalments(
        Money.parse(charge),
        rules=rules,
        year=YEAR,
        issued=date(2026, 3, 1),
        day=InstalmentDay.DAY_1,
    )
    assert [i.amount for i in schedule] == expected


@pytest.mark.parametrize(
    ("issued", "message"),
    [
        ("2027-04-01", "cannot be issued after the year ends"),
        ("2024-12-31", "cannot be issued before 1 January 2025"),
    ],
)
def test_an_issue_date_outside_the_year_is_refused(issued, message):
    with pytest.raises(DomainError, match=message):
        statutory_instalments(
            Money.parse("100.00"),
            rules=COUNCIL_TAX,
            year=YEAR,
            issued=date.fromisoformat(issued),
            day=InstalmentDay.DAY_1,
        )


def test_a_charge_of_nothing_has_no_instalments():
    with pytest.raises(DomainError, match=r"more than £0\.00"):
        instalment_amounts(Money.zero(), 10)


@given(
    pence=st.integers(1, 10_000_000),
    issued=st.dates(date(2026, 1, 1), date(2027, 3, 31)),
    day=st.sampled_from(list(InstalmentDay)),
    twelve=st.booleans(),
    business=st.booleans(),
)
def test_any_schedule_adds_up_exactly_to_its_charge(pence, issued, day, twelve, business):
    rules = BUSINESS_RATES if business else COUNCIL_TAX
    schedule = statutory_instalments(
        Money(pence), rules=rules, year=YEAR, issued=issued, day=day, twelve=twelve
    )
    assert sum((i.amount for i in schedule), Money.zero()) == Money(pence)
    assert all(i.amount.is_positive for i in schedule)
    dates = [i.due_date for i in schedule]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert dates[0] >= issued + timedelta(days=14)
    assert len(schedule) == 1 or dates[-1] <= YEAR.end
    assert len(schedule) <= (12 if twelve else 10)
