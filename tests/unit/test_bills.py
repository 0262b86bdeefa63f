"""Bills (domain.bills), as tables: a first bill's statutory instalments, and a new bill's
instalments after each kind of change mid-year (Sch 1 para 10, as domain.bills reads it).

Most rebills supersede one first bill: £1,234.56 for 2026/27, issued 10 March 2026, on the 1st:
£127.56 on 1 April 2026, then nine of £123.00 from 1 May 2026 to 1 January 2027.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.domain.accounts import AccountKind
from reclaim.domain.bills import (
    BillTerms,
    first_bill_instalments,
    rebill_instalments,
    rules_for,
    total,
)
from reclaim.domain.charges import ChargeLine
from reclaim.domain.instalments import BUSINESS_RATES, COUNCIL_TAX, InstalmentRules
from reclaim.domain.schedules import Instalment
from reclaim.money import Money

YEAR = FinancialYear(2026)
DAY_1 = InstalmentDay.DAY_1


def pounds(text: str) -> Money:
    return Money.parse(text)


def terms(
    issued: str,
    *,
    day: InstalmentDay = DAY_1,
    rules: InstalmentRules = COUNCIL_TAX,
    twelve: bool = False,
) -> BillTerms:
    return BillTerms(
        year=YEAR, issued=date.fromisoformat(issued), day=day, rules=rules, twelve=twelve
    )


def schedule(*rows: tuple[str, str]) -> tuple[Instalment, ...]:
    """Instalments written as (due date, amount) pairs."""
    return tuple(Instalment(date.fromisoformat(due), pounds(amount)) for due, amount in rows)


def monthly(first: str, count: int, amount: str) -> list[tuple[str, str]]:
    """``count`` instalments of ``amount`` on the same day of consecutive months."""
    start = date.fromisoformat(first)
    rows = []
    for n in range(count):
        year, month = divmod(start.month - 1 + n, 12)
        rows.append((start.replace(year=start.year + year, month=month + 1).isoformat(), amount))
    return rows


def in_date_order(instalments: tuple[Instalment, ...]) -> bool:
    """Each instalment falls due strictly after the one before: no date twice."""
    return all(a.due_date < b.due_date for a, b in pairwise(instalments))


def sum_of(instalments: tuple[Instalment, ...]) -> Money:
    return sum((i.amount for i in instalments), Money.zero())


FIRST_BILL = first_bill_instalments(pounds("1,234.56"), terms("2026-03-10"))
FIRST_BILL_ROWS = [
    ("2026-04-01", "127.56"),  # 1,234.56 - 9 x 123.00
    *monthly("2026-05-01", 9, "123.00"),  # 1,234.56 / 10 = 123.456, to the pound: 123
]


# ---- the first bill ----------------------------------------------------------------------------


def test_the_first_bill_is_the_statutory_instalments() -> None:
    assert first_bill_instalments(pounds("1,234.56"), terms("2026-03-10")) == schedule(
        *FIRST_BILL_ROWS
    )


@pytest.mark.parametrize(
    ("charge", "bill_terms", "expected"),
    [
        pytest.param("0.00", terms("2026-03-10"), schedule(), id="nothing charged: none"),
        pytest.param("-25.00", terms("2026-03-10"), schedule(), id="a credit: none"),
        pytest.param(
            "1,800.00",
            terms("2026-03-10", twelve=True),
            schedule(*monthly("2026-04-01", 12, "150.00")),
            id="12 on request: 1,800.00 / 12 = 150.00 each",
        ),
        pytest.param(
            "600.00",
            terms("2026-07-10"),
            # issued in July: 8 whole months left (Aug-Mar), one fewer: 7, from 1 August.
            # 600.00 / 7 = 85.71 -> 86; the first is 600.00 - 6 x 86.00 = 84.00
            schedule(("2026-08-01", "84.00"), *monthly("2026-09-01", 6, "86.00")),
            id="issued in July: 7 instalments",
        ),
        pytest.param(
            "9,000.00",
            terms("2026-03-10", day=InstalmentDay.DAY_15, rules=BUSINESS_RATES),
            schedule(*monthly("2026-04-15", 10, "900.00")),
            id="business rates on the 15th",
        ),
        pytest.param(
            "1,234.56",
            terms("2027-04-10"),
            schedule(("2027-04-24", "1,234.56")),
            id="a year already over: one sum, 14 days after issue",
        ),
    ],
)
def test_first_bill_instalments(
    charge: str, bill_terms: BillTerms, expected: tuple[Instalment, ...]
) -> None:
    assert first_bill_instalments(pounds(charge), bill_terms) == expected


@pytest.mark.parametrize(
    ("kind", "rules"),
    [
        (AccountKind.COUNCIL_TAX, COUNCIL_TAX),
        (AccountKind.BUSINESS_RATES, BUSINESS_RATES),
    ],
    ids=["council tax", "business rates"],
)
def test_each_kind_of_bill_has_its_own_instalment_rules(
    kind: AccountKind, rules: InstalmentRules
) -> None:
    assert rules_for(kind) is rules


def test_a_bills_total_is_the_sum_of_its_lines() -> None:
    lines = [
        ChargeLine("band C for 2026/27", pounds("1,777.78")),
        ChargeLine("single person discount (25%)", pounds("-444.45")),
    ]
    assert total(lines) == pounds("1,333.33")
    assert total([]) == Money.zero()


# ---- a new bill superseding the first ----------------------------------------------------------

# Issued 10 July 2026: the first new instalment day is 1 August (at least 14 days on), so April
# to July stand: 127.56 + 3 x 123.00 = 496.56 already due; August to January (6) remain.
APRIL_TO_JULY = [("2026-04-01", "127.56"), *monthly("2026-05-01", 3, "123.00")]


@pytest.mark.parametrize(
    ("charge", "issued", "expected"),
    [
        pytest.param(
            "1,500.00",
            "2026-07-10",
            # 1,500.00 - 496.56 = 1,003.44 over the 6 months left: 167.24 -> 167;
            # the first is 1,003.44 - 5 x 167.00 = 168.44
            schedule(*APRIL_TO_JULY, ("2026-08-01", "168.44"), *monthly("2026-09-01", 5, "167.00")),
            id="up mid-year: the rest over the old bill's remaining months",
        ),
        pytest.param(
            "1,234.56",
            "2026-07-10",
            # 738.00 / 6 = 123.00 exactly: the old bill again
            FIRST_BILL,
            id="the same charge: the same instalments",
        ),
        pytest.param(
            "1,000.00",
            "2026-07-10",
            # 1,000.00 - 496.56 = 503.44 over 6: 83.91 -> 84; first 503.44 - 5 x 84.00 = 83.44
            schedule(*APRIL_TO_JULY, ("2026-08-01", "83.44"), *monthly("2026-09-01", 5, "84.00")),
            id="down, still above what is already due",
        ),
        pytest.param(
            "496.56",
            "2026-07-10",
            schedule(*APRIL_TO_JULY),
            id="down to exactly what is already due: nothing more",
        ),
        pytest.param(
            "300.00",
            "2026-07-10",
            # cut latest first: 127.56 + 123.00 + 49.44 = 300.00; July goes altogether
            schedule(("2026-04-01", "127.56"), ("2026-05-01", "123.00"), ("2026-06-01", "49.44")),
            id="down below what is already due: cut latest first",
        ),
        pytest.param("0.00", "2026-07-10", schedule(), id="down to nothing: no instalments"),
        pytest.param(
            "1,500.00",
            "2026-03-20",
            # 1 April is under 14 days away, so it stands and the rest starts on 1 May:
            # 1,500.00 - 127.56 = 1,372.44 over 9: 152.49 -> 152; first 1,372.44 - 1,216 = 156.44
            schedule(
                ("2026-04-01", "127.56"),
                ("2026-05-01", "156.44"),
                *monthly("2026-06-01", 8, "152.00"),
            ),
            id="up before the year begins",
        ),
        pytest.param(
            "1,500.00",
            "2026-12-20",
            # first new day 1 February 2027; every old instalment (to 1 January) stands and
            # none remains: the 265.44 more is one instalment
            schedule(*FIRST_BILL_ROWS, ("2027-02-01", "265.44")),
            id="up after the old bill's last instalment: one more",
        ),
        pytest.param(
            "1,500.00",
            "2027-03-20",
            # the first instalment day 14 days on (1 May 2027) is after the year: one sum,
            # 14 days after issue
            schedule(*FIRST_BILL_ROWS, ("2027-04-03", "265.44")),
            id="up too late in the year for an instalment day: one sum 14 days on",
        ),
        pytest.param(
            "1,500.00",
            "2027-04-10",
            schedule(*FIRST_BILL_ROWS, ("2027-04-24", "265.44")),
            id="up after the year ends: what is left in one sum 14 days on",
        ),
        pytest.param(
            "1,000.00",
            "2027-04-10",
            # 127.56 + 7 x 123.00 = 988.56, and 11.44 of December's: 1,000.00
            schedule(
                ("2026-04-01", "127.56"),
                *monthly("2026-05-01", 7, "123.00"),
                ("2026-12-01", "11.44"),
            ),
            id="down after the year ends: cut latest first",
        ),
    ],
)
def test_a_new_bill_after_a_change(
    charge: str, issued: str, expected: tuple[Instalment, ...]
) -> None:
    assert rebill_instalments(FIRST_BILL, pounds(charge), terms(issued)) == expected


@pytest.mark.parametrize(
    ("issued", "expected"),
    [
        pytest.param(
            "2026-04-10",
            # by 15 April: 12; 1 April stands, and May to March (11 months) take the rest,
            # 1,234.56 - 127.56 = 1,107.00: 100.64 -> 101; first 1,107.00 - 10 x 101 = 97.00
            schedule(
                ("2026-04-01", "127.56"),
                ("2026-05-01", "97.00"),
                *monthly("2026-06-01", 10, "101.00"),
            ),
            id="on 10 April: twelve in all",
        ),
        pytest.param(
            "2026-07-10",
            # after 15 April: the 8 whole months after July; 738.00 / 8 = 92.25 -> 92;
            # first 738.00 - 7 x 92.00 = 94.00
            schedule(*APRIL_TO_JULY, ("2026-08-01", "94.00"), *monthly("2026-09-01", 7, "92.00")),
            id="on 10 July: August to March",
        ),
    ],
)
def test_a_new_bill_when_twelve_instalments_are_asked_for(
    issued: str, expected: tuple[Instalment, ...]
) -> None:
    rebill = rebill_instalments(
        FIRST_BILL, pounds("1,234.56"), terms(issued, twelve=True), twelve_asked=True
    )
    assert rebill == expected
    assert sum_of(rebill) == pounds("1,234.56")


def test_a_new_bill_after_a_bill_of_nothing_is_a_first_bill() -> None:
    # e.g. exempt all year, then the exemption ended: 7 instalments from August (see above)
    assert rebill_instalments((), pounds("600.00"), terms("2026-07-10")) == schedule(
        ("2026-08-01", "84.00"), *monthly("2026-09-01", 6, "86.00")
    )


# ---- late in the year: the one sum 14 days after issue ------------------------------------------


def test_a_same_day_correction_of_a_late_bill_does_not_set_two_instalments_on_one_day() -> None:
    # Issued 1 March 2027 on the 1st: no 1st of a month is left in the year at least 14 days
    # on, so the first bill is one sum on 15 March. Corrected the same day to 150.00, the new
    # bill's "first instalment day" (first_due) is 1 April 2027, so the 15 March instalment
    # stands as "due before it", and the 50.00 more is one sum 14 days after issue: 15 March
    # again.
    first = first_bill_instalments(pounds("100.00"), terms("2027-03-01"))
    assert first == schedule(("2027-03-15", "100.00"))
    rebill = rebill_instalments(first, pounds("150.00"), terms("2027-03-01"))
    assert sum_of(rebill) == pounds("150.00")
    assert in_date_order(rebill), rebill


def test_a_late_new_bill_on_another_instalment_day_keeps_its_instalments_in_date_order() -> None:
    # 12 instalments of 150.00 on the 24th, April to March; in March 2027 the payer moves to
    # the 15th and the charge goes up by 100.00. No 15th is left in the year 14 days after
    # 5 March, so first_due is 15 April 2027 and every old instalment, 24 March too, stands;
    # the 100.00 is one sum 14 days after issue, 19 March: before the standing 24 March.
    first = first_bill_instalments(
        pounds("1,800.00"), terms("2026-03-10", day=InstalmentDay.DAY_24, twelve=True)
    )
    assert first == schedule(*monthly("2026-04-24", 12, "150.00"))
    rebill = rebill_instalments(
        first, pounds("1,900.00"), terms("2027-03-05", day=InstalmentDay.DAY_15, twelve=True)
    )
    assert sum_of(rebill) == pounds("1,900.00")
    assert in_date_order(rebill), rebill


# ---- any previous schedule, any new charge -----------------------------------------------------


# The first bill's issue date (any the statute allows), then the new bill's, from that day to
# the year's end.
ISSUE_DATES = st.dates(date(2025, 1, 1), YEAR.end).flatmap(
    lambda first: st.tuples(st.just(first), st.dates(first, YEAR.end))
)


@given(
    first_pence=st.integers(1, 2_000_000),
    issued=ISSUE_DATES,
    day=st.sampled_from(list(InstalmentDay)),
    twelve=st.booleans(),
    business=st.booleans(),
    new_pence=st.integers(0, 2_000_000),
)
@example(  # the same-day correction above
    first_pence=10_000,
    issued=(date(2027, 3, 1), date(2027, 3, 1)),
    day=DAY_1,
    twelve=False,
    business=False,
    new_pence=15_000,
)
def test_any_new_bill_adds_up_to_its_charge_in_date_order(
    first_pence: int,
    issued: tuple[date, date],
    day: InstalmentDay,
    twelve: bool,
    business: bool,
    new_pence: int,
) -> None:
    first_issued, rebill_issued = issued
    rules = BUSINESS_RATES if business else COUNCIL_TAX
    previous = first_bill_instalments(
        Money(first_pence), BillTerms(YEAR, first_issued, day, rules, twelve=twelve)
    )
    rebill = rebill_instalments(
        previous,
        Money(new_pence),
        BillTerms(YEAR, rebill_issued, day, rules, twelve=twelve),
        twelve_asked=twelve,
    )
    assert sum_of(rebill) == Money(new_pence)
    assert all(i.amount.is_positive for i in rebill)
    assert in_date_order(rebill)
