"""The year's charge: Council Tax for a dwelling, Business Rates for a hereditament.

Council Tax (Local Government Finance Act 1992, s 5 and s 11; SI 1992/613): a dwelling's
annual charge is its band's ratio to Band D times the council's Band D (plus any parish
precept's Band D). A single person gets 25% off (s 11(1)); an exempt dwelling has no charge
(Council Tax (Exempt Dwellings) Order 1992, classes A–W); Council Tax Reduction is a credit
against the charge. Part-year liability is charged day by day.

Business Rates (Local Government Finance Act 1988, s 43–45; figures in statutory-rules.md
§7.2): rateable value times the multiplier that applies, less Small Business Rate Relief (100%
up to £12,000 RV, tapering to nothing at £15,000) or mandatory charitable relief (80%). An
empty property pays nothing for its first 3 months empty (6 for industrial premises) and
nothing at all below the rateable value threshold for empty property (£2,900, Non-Domestic
Rating (Unoccupied Property) (England) Regulations 2008, reg 4(k)); then the full charge.
Part-year liability is charged day by day.

Rounding, stated once: every amount is worked out exactly as a fraction of pence and rounded
to the nearest penny, an exact half penny up. Each step (annual charge, apportionment,
discount, relief) is rounded as it is shown on the bill.

The year's figures (Band D, parish precepts, multipliers and thresholds) are data: they come in
as ``CouncilTaxYear`` and ``MultiplierTable`` values, never as constants in this code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.errors import DomainError
from reclaim.domain.properties import Band
from reclaim.money import Money

# Ratios to Band D, in ninths (LGFA 1992 s 5(1); Wales s 5(1A), band I from 1 April 2005).
BAND_NINTHS: dict[Band, int] = {
    Band.A: 6,
    Band.B: 7,
    Band.C: 8,
    Band.D: 9,
    Band.E: 11,
    Band.F: 13,
    Band.G: 15,
    Band.H: 18,
    Band.I: 21,
}
SINGLE_PERSON_DISCOUNT = Fraction(25, 100)  # LGFA 1992 s 11(1)


def to_penny(pence: Fraction) -> Money:
    """The nearest whole penny, an exact half rounding up (away from zero)."""
    whole, left = divmod(abs(pence.numerator), pence.denominator)
    if 2 * left >= pence.denominator:
        whole += 1
    return Money(whole if pence >= 0 else -whole)


@dataclass(frozen=True, slots=True)
class CouncilTaxYear:
    """What a council charged for Band D in a year, with its parishes' precepts."""

    year: FinancialYear
    country: Country
    band_d: Money
    parish_band_d: tuple[tuple[str, Money], ...] = ()

    def parish(self, name: str | None) -> Money:
        if not name:
            return Money.zero()
        for parish, amount in self.parish_band_d:
            if parish == name:
                return amount
        raise DomainError(f"{name} is not a parish with a precept in {self.year}")


@dataclass(frozen=True, slots=True)
class ChargeLine:
    """One line of the bill's working: what it is and how much."""

    description: str
    amount: Money


def annual_council_tax(band: Band, year: CouncilTaxYear, parish: str | None = None) -> Money:
    """The band's share of Band D (plus the parish's), for a whole year."""
    if band is Band.UNBANDED:
        raise DomainError("an unbanded dwelling has no council tax until the VOA bands it")
    if not band.allowed_in(year.country):
        raise DomainError(f"band {band.value} does not exist in {year.country.value.title()}")
    band_d = year.band_d + year.parish(parish)
    return to_penny(Fraction(band_d.pence * BAND_NINTHS[band], 9))


def days_liable(year: FinancialYear, start: date, end: date | None) -> int:
    """Days of the year from ``start`` to ``end`` inclusive (end None: to the year's end)."""
    first = max(start, year.start)
    last = min(end or year.end, year.end)
    return max((last - first).days + 1, 0)


def apportion(annual: Money, year: FinancialYear, start: date, end: date | None) -> Money:
    """Day by day: the annual charge × days liable ÷ days in the year (366 in a leap year)."""
    days, in_year = days_liable(year, start, end), year.days()
    if days == in_year:
        return annual
    return to_penny(Fraction(annual.pence * days, in_year))


def council_tax_charge(
    band: Band,
    year: CouncilTaxYear,
    *,
    liable_from: date,
    liable_to: date | None = None,
    parish: str | None = None,
    single_person: bool = False,
    exemption: str | None = None,
    reduction: Money = Money.zero(),
) -> list[ChargeLine]:
    """The lines of a Council Tax bill for the year; their sum is what is charged."""
    if exemption:
        return [ChargeLine(f"exempt (class {exemption})", Money.zero())]
    annual = annual_council_tax(band, year, parish)
    days = days_liable(year.year, liable_from, liable_to)
    if days == 0:
        raise DomainError(f"liability from {liable_from} does not fall in {year.year}")
    charge = apportion(annual, year.year, liable_from, liable_to)
    whole = days == year.year.days()
    lines = [
        ChargeLine(
            f"band {band.value} for {year.year}"
            + ("" if whole else f", {days} of {year.year.days()} days"),
            charge,
        )
    ]
    if single_person:
        lines.append(
            ChargeLine(
                "single person discount (25%)", -to_penny(charge.pence * SINGLE_PERSON_DISCOUNT)
            )
        )
    if reduction.is_positive:
        payable = sum((line.amount for line in lines), Money.zero())
        lines.append(ChargeLine("Council Tax Reduction", -min(reduction, payable)))
    return lines


# Business rates ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Multiplier:
    """Pence per pound of rateable value for properties whose RV is in [from_rv, below_rv)."""

    name: str
    per_pound: Fraction  # 0.499 for 49.9p
    from_rv: Money
    below_rv: Money | None
    retail_hospitality_leisure: bool | None = None  # None: applies to every use


@dataclass(frozen=True, slots=True)
class MultiplierTable:
    year: FinancialYear
    multipliers: tuple[Multiplier, ...]
    source: str
    small_business_relief_full_to: Money  # 100% relief up to and including this RV
    small_business_relief_none_from: Money  # no relief from this RV
    empty_exempt_below: Money
    charitable_relief: Fraction

    def multiplier_for(self, rateable_value: Money, *, rhl: bool = False) -> Multiplier:
        for m in self.multipliers:
            in_band = rateable_value >= m.from_rv and (
                m.below_rv is None or rateable_value < m.below_rv
            )
            if in_band and m.retail_hospitality_leisure in (None, rhl):
                return m
        raise DomainError(f"no multiplier for a rateable value of {rateable_value} in {self.year}")


def small_business_relief(rateable_value: Money, table: MultiplierTable) -> Fraction:
    """100% to the full-relief RV, tapering evenly to nothing at the no-relief RV."""
    full, none = table.small_business_relief_full_to, table.small_business_relief_none_from
    if rateable_value <= full:
        return Fraction(1)
    if rateable_value >= none:
        return Fraction(0)
    return Fraction(none.pence - rateable_value.pence, none.pence - full.pence)


@dataclass(frozen=True, slots=True)
class Occupation:
    """How a hereditament is held over the year, as far as the charge is concerned."""

    small_business: bool = False  # the ratepayer's only (or main qualifying) property
    charity: bool = False
    rhl: bool = False  # retail, hospitality or leisure
    empty_from: date | None = None  # unoccupied from this day
    industrial: bool = False


def business_rates_charge(
    rateable_value: Money,
    table: MultiplierTable,
    *,
    liable_from: date,
    liable_to: date | None = None,
    occupation: Occupation = Occupation(),
) -> list[ChargeLine]:
    """The lines of a Business Rates bill for the year; their sum is what is charged."""
    if rateable_value.is_negative:
        raise DomainError(f"a rateable value cannot be negative ({rateable_value})")
    year = table.year
    if days_liable(year, liable_from, liable_to) == 0:
        raise DomainError(f"liability from {liable_from} does not fall in {year}")
    multiplier = table.multiplier_for(rateable_value, rhl=occupation.rhl)
    annual = to_penny(rateable_value.pence * multiplier.per_pound)
    lines = [
        ChargeLine(
            f"rateable value {rateable_value} × {multiplier.name} "
            f"{_decimal(multiplier.per_pound * 100)}p",
            apportion(annual, year, liable_from, liable_to),
        )
    ]
    if occupation.empty_from is not None:
        lines += _empty_property(
            lines[0].amount, annual, rateable_value, table, occupation, liable_from, liable_to
        )
        return lines
    if occupation.charity:
        relief = to_penny(lines[0].amount.pence * table.charitable_relief)
        lines.append(ChargeLine("mandatory charitable relief (80%)", -relief))
    elif occupation.small_business:
        share = small_business_relief(rateable_value, table)
        if share:
            relief = to_penny(lines[0].amount.pence * share)
            percent = _decimal(share * 100)
            lines.append(ChargeLine(f"small business rate relief ({percent}%)", -relief))
    return lines


def _empty_property(
    charge: Money,
    annual: Money,
    rateable_value: Money,
    table: MultiplierTable,
    occupation: Occupation,
    liable_from: date,
    liable_to: date | None,
) -> Sequence[ChargeLine]:
    assert occupation.empty_from is not None
    if rateable_value < table.empty_exempt_below:
        return [
            ChargeLine(f"empty, rateable value below {table.empty_exempt_below}: exempt", -charge)
        ]
    months = 6 if occupation.industrial else 3
    free_until = _add_months_less_a_day(occupation.empty_from, months)
    free_from = max(occupation.empty_from, liable_from)
    free = apportion(annual, table.year, free_from, min(free_until, liable_to or free_until))
    if not free.is_positive:
        return []
    kind = "industrial, " if occupation.industrial else ""
    until = day_text(free_until)
    return [ChargeLine(f"empty: first {months} months free ({kind}to {until})", -free)]


def day_text(day: date) -> str:
    """A date as a bill shows it: '1 Oct 2026'."""
    return f"{day.day} {day:%b} {day.year}"


@lru_cache(maxsize=256)
def _decimal(value: Fraction, places: int = 2) -> str:
    """A fraction written with up to ``places`` decimals (for showing a rate, never for money)."""
    scaled = to_penny(value * 10**places).pence
    whole, part = divmod(scaled, 10**places)
    return f"{whole}.{part:0{places}d}".rstrip("0").rstrip(".")


def _add_months_less_a_day(day: date, months: int) -> date:
    from reclaim.calendar import add_months

    return add_months(day, months) - timedelta(days=1)
