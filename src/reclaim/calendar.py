"""Dates for billing and recovery: financial years, bank holidays, working days,
Direct Debit instalment days and the London calendar date of a stored moment.

Rules, and why:

* Nothing here reads the clock or does I/O. "Today" is always passed in, so every result
  can be reproduced, tested and replayed.
* A financial year runs from 1 April to 31 March inclusive and is written ``2026/27``,
  because that is how Council Tax and Business Rates years are set and printed.
* Bank holidays come from the ``holidays`` package, which computes them offline. England
  and Wales share their bank holidays today, but a council names its ``Country`` so a
  future difference lands in one place. A bank holiday is a weekday banks close, as on
  gov.uk: when Boxing Day falls on a Saturday (26 December 2026) the holiday is the
  substitute Monday (28 December), and the Saturday is just a weekend day.
* A working day is Monday to Friday and not a bank holiday. Statutory "N days" periods
  are plain calendar days (``add_days``); only periods the law calls working days use
  ``WorkingDays``.
* Moments are stored in UTC; the date a moment falls on is its date in Europe/London
  (``business_date``), so a payment at 23:30 UTC on 30 June in summer counts on 1 July.
  Naive datetimes are refused, because their meaning is a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "INSTALMENT_DAYS",
    "LONDON",
    "BankHolidays",
    "Country",
    "FinancialYear",
    "InstalmentDay",
    "WorkingDays",
    "add_days",
    "add_months",
    "as_utc",
    "business_date",
    "last_day_of_month",
    "london_midnight_utc",
]

LONDON = ZoneInfo("Europe/London")

_SATURDAY = 5
_FINANCIAL_YEAR = re.compile(r"(?P<start>[0-9]{4})[/-](?P<end>[0-9]{2})")


class Country(StrEnum):
    """The countries whose councils reclaim serves."""

    ENGLAND = "england"
    WALES = "wales"


# ---- months and plain days ---------------------------------------------------------


def last_day_of_month(year: int, month: int) -> date:
    """The last day of the month, e.g. 29 February 2028."""
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def add_months(day: date, n: int) -> date:
    """The same day of the month ``n`` months later (or earlier if ``n`` is negative),
    clamped to the end of a shorter month: 31 January + 1 month is 28 or 29 February."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + n, 12)
    last = last_day_of_month(year, month_index + 1)
    return last.replace(day=min(day.day, last.day))


def add_days(day: date, n: int) -> date:
    """``n`` calendar days later (earlier if negative), for statutory "N days" periods."""
    return day + timedelta(days=n)


# ---- financial years -----------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class FinancialYear:
    """A financial year: ``FinancialYear(2026)`` is 2026/27, 1 April 2026 – 31 March 2027."""

    start_year: int

    def __post_init__(self) -> None:
        if not isinstance(self.start_year, int) or isinstance(self.start_year, bool):
            raise TypeError(f"start_year must be an int, not {self.start_year!r}")
        if not 1 <= self.start_year <= 9998:
            raise ValueError(f"{self.start_year} is outside the years a date can hold")

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Read ``"2026/27"`` (or ``"2026-27"``); the second year must follow the first."""
        match = _FINANCIAL_YEAR.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a financial year: write it like '2026/27'")
        year = cls(int(match["start"]))
        if int(match["end"]) != (year.start_year + 1) % 100:
            raise ValueError(
                f"{text!r} is not a financial year: the year after {year.start_year} "
                f"is written '{year}'"
            )
        return year

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return _financial_year(day.year if day.month >= 4 else day.year - 1)

    @property
    def start(self) -> date:
        """1 April."""
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        """31 March, the last day of the year (inclusive)."""
        return date(self.start_year + 1, 3, 31)

    def days(self) -> int:
        """366 when the year contains 29 February, else 365."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def months(self) -> list[tuple[int, int]]:
        """The twelve ``(year, month)`` pairs from April to March."""
        return [(self.start_year, month) for month in range(4, 13)] + [
            (self.start_year + 1, month) for month in range(1, 4)
        ]

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"


# ---- bank holidays and working days --------------------------------------------------

_SUBDIVISION = {Country.ENGLAND: "ENG", Country.WALES: "WLS"}


@cache
def _bank_holidays_in(country: Country, year: int) -> Mapping[date, str]:
    """The weekday bank holidays of one year; computed once, offline, by ``holidays``."""
    every_named_day = holidays.country_holidays("GB", subdiv=_SUBDIVISION[country], years=year)
    return MappingProxyType(
        {day: name for day, name in every_named_day.items() if day.weekday() < _SATURDAY}
    )


class BankHolidays:
    """The bank holidays of England or Wales: weekdays only, as gov.uk lists them."""

    def __init__(self, country: Country) -> None:
        self.country = Country(country)

    def is_holiday(self, day: date) -> bool:
        return day in _bank_holidays_in(self.country, day.year)

    def name(self, day: date) -> str | None:
        """The holiday's name (e.g. ``"Boxing Day (observed)"``), or None on other days."""
        return _bank_holidays_in(self.country, day.year).get(day)


class WorkingDays:
    """Monday to Friday, except bank holidays of the given country."""

    def __init__(self, country: Country) -> None:
        self.bank_holidays = BankHolidays(country)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < _SATURDAY and not self.bank_holidays.is_holiday(day)

    def add(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (before it if ``n`` is negative).

        ``day`` itself is never counted, working or not: Friday + 1 is Monday, and
        Saturday + 1 is also Monday. ``add(day, 0)`` is ``day`` unchanged, even on a
        weekend; use ``next_on_or_after`` to move onto a working day. So for any
        ``n >= 0``, ``between(day, add(day, n)) == n``.
        """
        step = timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_on_or_after(self, day: date) -> date:
        """``day`` if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def between(self, start: date, end: date) -> int:
        """How many working days fall after ``start``, up to and including ``end``."""
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        days = (end - start).days
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, days + 1))


# ---- Direct Debit instalment days ----------------------------------------------------


class InstalmentDay(StrEnum):
    """A day of the month a council offers for Direct Debit instalments."""

    DAY_1 = "1"
    DAY_5 = "5"
    DAY_15 = "15"
    DAY_24 = "24"
    LAST = "last"

    @classmethod
    def parse(cls, text: str) -> InstalmentDay:
        """Read ``"1"``, ``"5"``, ``"15"``, ``"24"`` or ``"last"`` (any case)."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            allowed = ", ".join(day.value for day in cls)
            raise ValueError(
                f"{text!r} is not an instalment day: choose one of {allowed}"
            ) from None

    def in_month(self, year: int, month: int) -> date:
        """The date in that month; ``LAST`` is the month's last day (29 Feb in leap years)."""
        if self is InstalmentDay.LAST:
            return last_day_of_month(year, month)
        return date(year, month, int(self.value))


INSTALMENT_DAYS: tuple[InstalmentDay, ...] = tuple(InstalmentDay)


# ---- London dates ----------------------------------------------------------------------


def business_date(moment: datetime) -> date:
    """The Europe/London calendar date of an aware datetime; naive ones raise ValueError."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone, so its London date is unknown")
    return moment.astimezone(LONDON).date()


def london_midnight_utc(day: date) -> datetime:
    """The moment the London day starts, as an aware UTC datetime.

    The clocks change at 01:00 UTC, never at midnight, so London midnight always
    exists exactly once: 00:00 UTC in winter (GMT), 23:00 UTC the day before in summer.
    """
    if isinstance(day, datetime):
        raise TypeError(f"london_midnight_utc takes a date, not the datetime {day!r}")
    return datetime(day.year, day.month, day.day, tzinfo=LONDON).astimezone(UTC)


@cache
def _financial_year(start_year: int) -> FinancialYear:
    """Financial years are immutable values; bulk work asks for the same few millions of times."""
    return FinancialYear(start_year)


def as_utc(moment: datetime | str) -> datetime:
    """A stored moment as an aware UTC datetime.

    Moments are stored in UTC. SQLite hands them back without a zone (or, read without
    SQLAlchemy's types, as ISO text); PostgreSQL in the session's time zone. Either way this
    returns the same instant, in UTC.
    """
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
