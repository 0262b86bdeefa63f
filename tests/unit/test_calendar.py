from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reclaim.calendar import (
    INSTALMENT_DAYS,
    LONDON,
    BankHolidays,
    Country,
    FinancialYear,
    InstalmentDay,
    WorkingDays,
    add_days,
    add_months,
    business_date,
    last_day_of_month,
    london_midnight_utc,
)

both_countries = pytest.mark.parametrize("country", list(Country))
days_this_century = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


# ---- financial years -------------------------------------------------------------------


def test_a_financial_year_runs_from_1_april_to_31_march_inclusive() -> None:
    year = FinancialYear(2026)
    assert (year.start, year.end) == (date(2026, 4, 1), date(2027, 3, 31))
    assert str(year) == "2026/27"


@pytest.mark.parametrize(
    ("text", "start_year"),
    [("2026/27", 2026), ("2026-27", 2026), ("1999/00", 1999), (" 2027/28 ", 2027)],
)
def test_financial_year_parse_reads_the_usual_spelling(text: str, start_year: int) -> None:
    assert FinancialYear.parse(text) == FinancialYear(start_year)


@pytest.mark.parametrize(
    "text", ["2026/28", "2026/26", "26/27", "2026", "2026/2027", "2026 27", "", "year"]
)
def test_financial_year_parse_refuses_anything_else_naming_the_text(text: str) -> None:
    with pytest.raises(ValueError, match=f"^'{text}' is not a financial year"):
        FinancialYear.parse(text)


def test_financial_year_parse_says_which_year_follows() -> None:
    with pytest.raises(ValueError, match="2026/27"):
        FinancialYear.parse("2026/28")


@pytest.mark.parametrize(
    ("day", "start_year"),
    [
        (date(2026, 4, 1), 2026),
        (date(2027, 3, 31), 2026),
        (date(2026, 3, 31), 2025),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
    ],
)
def test_containing_finds_the_financial_year_of_a_day(day: date, start_year: int) -> None:
    assert FinancialYear.containing(day) == FinancialYear(start_year)


def test_leap_financial_year_2027_28_has_366_days_and_contains_29_february_2028() -> None:
    year = FinancialYear.parse("2027/28")
    assert year.days() == 366
    assert year.contains(date(2028, 2, 29))


@pytest.mark.parametrize(("start_year", "days"), [(2025, 365), (2026, 365), (2027, 366)])
def test_a_financial_year_has_365_days_unless_it_holds_29_february(
    start_year: int, days: int
) -> None:
    assert FinancialYear(start_year).days() == days


def test_contains_includes_both_ends_and_nothing_outside() -> None:
    year = FinancialYear(2026)
    assert year.contains(date(2026, 4, 1))
    assert year.contains(date(2027, 3, 31))
    assert not year.contains(date(2026, 3, 31))
    assert not year.contains(date(2027, 4, 1))


def test_next_and_previous_step_a_year_and_years_sort_in_order() -> None:
    year = FinancialYear(2026)
    assert year.next() == FinancialYear(2027)
    assert year.previous() == FinancialYear(2025)
    assert sorted([year.next(), year, year.previous()]) == [
        FinancialYear(2025),
        FinancialYear(2026),
        FinancialYear(2027),
    ]


def test_months_run_from_april_to_march() -> None:
    assert FinancialYear(2026).months() == [
        (2026, 4), (2026, 5), (2026, 6), (2026, 7), (2026, 8), (2026, 9),
        (2026, 10), (2026, 11), (2026, 12), (2027, 1), (2027, 2), (2027, 3),
    ]  # fmt: skip


@pytest.mark.parametrize("start_year", [2026.0, True, "2026"])
def test_financial_year_refuses_a_start_year_that_is_not_an_int(start_year: object) -> None:
    with pytest.raises(TypeError):
        FinancialYear(start_year)  # type: ignore[arg-type]


@given(days_this_century)
def test_every_day_lies_in_exactly_the_financial_year_containing_it(day: date) -> None:
    year = FinancialYear.containing(day)
    assert year.contains(day)
    assert not year.next().contains(day)
    assert not year.previous().contains(day)
    assert FinancialYear.parse(str(year)) == year


# ---- bank holidays ---------------------------------------------------------------------

BANK_HOLIDAYS_2026 = [
    (date(2026, 1, 1), "New Year's Day"),
    (date(2026, 4, 3), "Good Friday"),
    (date(2026, 4, 6), "Easter Monday"),
    (date(2026, 5, 4), "May Day"),
    (date(2026, 5, 25), "Spring Bank Holiday"),
    (date(2026, 8, 31), "Late Summer Bank Holiday"),
    (date(2026, 12, 25), "Christmas Day"),
    (date(2026, 12, 28), "Boxing Day (observed)"),
]


@both_countries
@pytest.mark.parametrize(("day", "name"), BANK_HOLIDAYS_2026)
def test_the_2026_bank_holidays_of_england_and_wales_are_known(
    country: Country, day: date, name: str
) -> None:
    bank_holidays = BankHolidays(country)
    assert bank_holidays.is_holiday(day)
    assert bank_holidays.name(day) == name


@both_countries
def test_2026_has_exactly_eight_bank_holidays(country: Country) -> None:
    bank_holidays = BankHolidays(country)
    every_day = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    assert [day for day in every_day if bank_holidays.is_holiday(day)] == [
        day for day, _ in BANK_HOLIDAYS_2026
    ]


@both_countries
@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 2),  # Scotland's New Year holiday
        date(2026, 8, 3),  # Scotland's summer bank holiday
        date(2026, 11, 30),  # St Andrew's Day
        date(2026, 3, 17),  # St Patrick's Day, Northern Ireland
        date(2026, 7, 13),  # Battle of the Boyne (observed), Northern Ireland
        date(2026, 12, 26),  # Boxing Day on a Saturday: the holiday is Monday 28th
        date(2026, 4, 7),
    ],
)
def test_days_that_are_not_england_and_wales_bank_holidays(country: Country, day: date) -> None:
    bank_holidays = BankHolidays(country)
    assert not bank_holidays.is_holiday(day)
    assert bank_holidays.name(day) is None


@both_countries
def test_one_off_bank_holidays_are_included(country: Country) -> None:
    bank_holidays = BankHolidays(country)
    assert bank_holidays.name(date(2022, 9, 19)) == "State Funeral of Queen Elizabeth II"
    assert bank_holidays.name(date(2023, 5, 8)) == "Coronation of Charles III"


@both_countries
def test_christmas_on_a_saturday_moves_both_holidays_to_the_next_weekdays(
    country: Country,
) -> None:
    bank_holidays = BankHolidays(country)
    assert not bank_holidays.is_holiday(date(2027, 12, 25))
    assert bank_holidays.name(date(2027, 12, 27)) == "Christmas Day (observed)"
    assert bank_holidays.name(date(2027, 12, 28)) == "Boxing Day (observed)"


# ---- working days ----------------------------------------------------------------------


@pytest.fixture
def working_days() -> WorkingDays:
    return WorkingDays(Country.ENGLAND)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 4, 2), True),  # Thursday before Easter
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 4), False),  # Saturday
        (date(2026, 4, 5), False),  # Easter Sunday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),  # Tuesday after Easter
        (date(2026, 1, 2), True),  # Scotland-only holiday
    ],
)
def test_a_working_day_is_a_weekday_that_is_not_a_bank_holiday(
    working_days: WorkingDays, day: date, working: bool
) -> None:
    assert working_days.is_working_day(day) is working


@both_countries
def test_working_days_agree_in_england_and_wales(country: Country) -> None:
    assert WorkingDays(country).add(date(2026, 4, 2), 1) == date(2026, 4, 7)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # Thursday + 1 skips Easter
        (date(2026, 4, 7), -1, date(2026, 4, 2)),  # and back again
        (date(2026, 3, 30), 5, date(2026, 4, 8)),  # a week spanning Easter
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Christmas Eve + 1 skips to Tuesday
        (date(2026, 12, 24), 2, date(2026, 12, 30)),
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # over New Year and a weekend
        (date(2026, 12, 29), -1, date(2026, 12, 24)),
        (date(2026, 6, 5), 1, date(2026, 6, 8)),  # Friday + 1 is Monday
        (date(2026, 6, 6), 1, date(2026, 6, 8)),  # Saturday + 1 is Monday too
        (date(2026, 6, 7), -1, date(2026, 6, 5)),  # Sunday - 1 is Friday
        (date(2026, 6, 3), 0, date(2026, 6, 3)),  # adding nothing changes nothing...
        (date(2026, 6, 6), 0, date(2026, 6, 6)),  # ...even on a Saturday
        (date(2026, 6, 1), 10, date(2026, 6, 15)),
    ],
)
def test_add_counts_working_days_after_the_day(
    working_days: WorkingDays, day: date, n: int, expected: date
) -> None:
    assert working_days.add(day, n) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 2), date(2026, 4, 2)),
        (date(2026, 4, 3), date(2026, 4, 7)),
        (date(2026, 12, 25), date(2026, 12, 29)),
        (date(2026, 6, 6), date(2026, 6, 8)),
    ],
)
def test_next_on_or_after_keeps_a_working_day_and_moves_others_forward(
    working_days: WorkingDays, day: date, expected: date
) -> None:
    assert working_days.next_on_or_after(day) == expected


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 4, 2), date(2026, 4, 7), 1),  # only the Tuesday after Easter
        (date(2026, 4, 1), date(2026, 4, 2), 1),
        (date(2026, 4, 2), date(2026, 4, 2), 0),
        (date(2026, 12, 24), date(2027, 1, 4), 4),  # 29, 30, 31 December and 4 January
        (date(2026, 6, 6), date(2026, 6, 8), 1),
        (date(2026, 6, 1), date(2026, 6, 30), 21),
    ],
)
def test_between_counts_working_days_after_start_up_to_and_including_end(
    working_days: WorkingDays, start: date, end: date, count: int
) -> None:
    assert working_days.between(start, end) == count


def test_between_refuses_an_end_before_the_start(working_days: WorkingDays) -> None:
    with pytest.raises(ValueError, match="before"):
        working_days.between(date(2026, 6, 2), date(2026, 6, 1))


@given(days_this_century, st.integers(min_value=0, max_value=60))
def test_add_then_between_gives_back_the_count(day: date, n: int) -> None:
    working_days = WorkingDays(Country.ENGLAND)
    later = working_days.add(day, n)
    assert working_days.between(day, later) == n
    if n:
        assert working_days.is_working_day(later)
        assert working_days.add(working_days.next_on_or_after(day), n) >= later


@given(days_this_century, st.integers(min_value=-60, max_value=60))
def test_add_and_subtract_are_inverses_from_a_working_day(day: date, n: int) -> None:
    working_days = WorkingDays(Country.WALES)
    start = working_days.next_on_or_after(day)
    assert working_days.add(working_days.add(start, n), -n) == start


# ---- plain calendar days and months ----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 6, 1), 14, date(2026, 6, 15)),
        (date(2026, 12, 25), 7, date(2027, 1, 1)),
        (date(2028, 2, 28), 1, date(2028, 2, 29)),
        (date(2026, 3, 1), -1, date(2026, 2, 28)),
    ],
)
def test_add_days_counts_calendar_days_including_weekends_and_holidays(
    day: date, n: int, expected: date
) -> None:
    assert add_days(day, n) == expected


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2028, 2, date(2028, 2, 29)),
        (2027, 2, date(2027, 2, 28)),
        (2100, 2, date(2100, 2, 28)),
        (2000, 2, date(2000, 2, 29)),
        (2026, 4, date(2026, 4, 30)),
        (2026, 12, date(2026, 12, 31)),
    ],
)
def test_last_day_of_month_knows_month_lengths_and_leap_years(
    year: int, month: int, expected: date
) -> None:
    assert last_day_of_month(year, month) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 4, 30), 12, date(2027, 4, 30)),
        (date(2027, 1, 15), -13, date(2025, 12, 15)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
    ],
)
def test_add_months_keeps_the_day_of_month_clamped_to_month_end(
    day: date, n: int, expected: date
) -> None:
    assert add_months(day, n) == expected


# ---- instalment days -------------------------------------------------------------------


def test_the_instalment_days_on_offer_are_1_5_15_24_and_the_last() -> None:
    assert [str(day) for day in INSTALMENT_DAYS] == ["1", "5", "15", "24", "last"]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("1", InstalmentDay.DAY_1),
        ("5", InstalmentDay.DAY_5),
        ("15", InstalmentDay.DAY_15),
        ("24", InstalmentDay.DAY_24),
        ("last", InstalmentDay.LAST),
        ("LAST", InstalmentDay.LAST),
        ("Last", InstalmentDay.LAST),
    ],
)
def test_instalment_day_parse_reads_the_days_on_offer(text: str, day: InstalmentDay) -> None:
    assert InstalmentDay.parse(text) is day


@pytest.mark.parametrize("text", ["2", "01", "28", "31", "first", "", "1st"])
def test_instalment_day_parse_refuses_other_days_listing_those_allowed(text: str) -> None:
    with pytest.raises(ValueError, match=f"^'{text}' is not an instalment day") as refusal:
        InstalmentDay.parse(text)
    assert "1, 5, 15, 24, last" in str(refusal.value)


@pytest.mark.parametrize(
    ("day", "year", "month", "expected"),
    [
        (InstalmentDay.LAST, 2028, 2, date(2028, 2, 29)),
        (InstalmentDay.LAST, 2027, 2, date(2027, 2, 28)),
        (InstalmentDay.LAST, 2026, 4, date(2026, 4, 30)),
        (InstalmentDay.DAY_1, 2026, 4, date(2026, 4, 1)),
        (InstalmentDay.DAY_24, 2027, 2, date(2027, 2, 24)),
    ],
)
def test_in_month_gives_the_instalment_date(
    day: InstalmentDay, year: int, month: int, expected: date
) -> None:
    assert day.in_month(year, month) == expected


# ---- London dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 29)),  # clocks go forward
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),
        (datetime(2026, 6, 30, 22, 59, tzinfo=UTC), date(2026, 6, 30)),
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 1)),  # BST: 00:30 on 1 July
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),  # clocks go back
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2026, 12, 31)),  # GMT
        (datetime(2026, 7, 1, 1, 0, tzinfo=timezone(timedelta(hours=2))), date(2026, 7, 1)),
        (datetime(2026, 7, 1, 12, 0, tzinfo=LONDON), date(2026, 7, 1)),
    ],
)
def test_business_date_is_the_london_calendar_date(moment: datetime, expected: date) -> None:
    assert business_date(moment) == expected


def test_business_date_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        business_date(datetime(2026, 6, 30, 23, 30))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 15), datetime(2026, 1, 15, 0, 0, tzinfo=UTC)),
        (date(2026, 7, 1), datetime(2026, 6, 30, 23, 0, tzinfo=UTC)),
        (date(2026, 3, 29), datetime(2026, 3, 29, 0, 0, tzinfo=UTC)),  # clocks go forward
        (date(2026, 3, 30), datetime(2026, 3, 29, 23, 0, tzinfo=UTC)),
        (date(2026, 10, 25), datetime(2026, 10, 24, 23, 0, tzinfo=UTC)),  # clocks go back
        (date(2026, 10, 26), datetime(2026, 10, 26, 0, 0, tzinfo=UTC)),
    ],
)
def test_london_midnight_utc_is_when_the_london_day_starts(day: date, expected: datetime) -> None:
    midnight = london_midnight_utc(day)
    assert midnight == expected
    assert midnight.tzinfo is UTC


def test_london_midnight_utc_refuses_a_datetime() -> None:
    with pytest.raises(TypeError, match="takes a date"):
        london_midnight_utc(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))


@given(days_this_century)
def test_london_midnight_falls_on_its_own_business_date_and_the_minute_before_does_not(
    day: date,
) -> None:
    midnight = london_midnight_utc(day)
    assert business_date(midnight) == day
    assert business_date(midnight - timedelta(minutes=1)) == day - timedelta(days=1)
