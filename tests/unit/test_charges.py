"""The year's charge (domain.charges) with the figures of services.statutory_data, as tables."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.charges import (
    CouncilTaxYear,
    Occupation,
    annual_council_tax,
    business_rates_charge,
    council_tax_charge,
    small_business_relief,
    to_penny,
)
from reclaim.domain.errors import DomainError
from reclaim.domain.properties import Band
from reclaim.money import Money
from reclaim.services.statutory_data import business_rates_table

ENGLAND_2026 = CouncilTaxYear(
    FinancialYear(2026),
    Country.ENGLAND,
    Money.parse("2000.00"),
    (("Little Snoring", Money.parse("45.00")),),
)
WALES_2026 = CouncilTaxYear(FinancialYear(2026), Country.WALES, Money.parse("1800.00"))
RATES_2025 = business_rates_table(FinancialYear(2025))
RATES_2026 = business_rates_table(FinancialYear(2026))


@pytest.mark.parametrize(
    ("band", "annual"),
    [
        (Band.A, "1333.33"),  # 6/9 of £2,000.00 = £1,333.333…
        (Band.B, "1555.56"),  # 7/9 = £1,555.555… rounds up
        (Band.C, "1777.78"),
        (Band.D, "2000.00"),
        (Band.E, "2444.44"),
        (Band.F, "2888.89"),
        (Band.G, "3333.33"),
        (Band.H, "4000.00"),
    ],
)
def test_each_band_pays_its_ninths_of_band_d(band, annual):
    assert annual_council_tax(band, ENGLAND_2026) == Money.parse(annual)


def test_a_parish_precept_is_added_to_band_d_before_the_ratio():
    assert annual_council_tax(Band.D, ENGLAND_2026, "Little Snoring") == Money.parse("2045.00")
    assert annual_council_tax(Band.A, ENGLAND_2026, "Little Snoring") == Money.parse("1363.33")


def test_band_i_is_welsh_only():
    assert annual_council_tax(Band.I, WALES_2026) == Money.parse("4200.00")
    with pytest.raises(DomainError, match="band I does not exist in England"):
        annual_council_tax(Band.I, ENGLAND_2026)


def test_an_unbanded_dwelling_has_no_charge_until_it_is_banded():
    with pytest.raises(DomainError, match="unbanded"):
        annual_council_tax(Band.UNBANDED, ENGLAND_2026)


@pytest.mark.parametrize(
    ("year", "start", "end", "charge"),
    [
        (FinancialYear(2026), "2026-04-01", None, "2000.00"),
        (FinancialYear(2026), "2026-10-01", None, "997.26"),  # 182 of 365 days
        (FinancialYear(2026), "2026-04-01", "2026-04-30", "164.38"),  # 30 of 365
        (FinancialYear(2027), "2027-10-01", None, "1000.00"),  # 183 of 366 days (leap year)
        (FinancialYear(2027), "2028-02-29", "2028-02-29", "5.46"),  # the leap day alone
    ],
)
def test_part_year_liability_is_charged_day_by_day(year, start, end, charge):
    figures = CouncilTaxYear(year, Country.ENGLAND, Money.parse("2000.00"))
    lines = council_tax_charge(
        Band.D,
        figures,
        liable_from=date.fromisoformat(start),
        liable_to=None if end is None else date.fromisoformat(end),
    )
    assert lines[0].amount == Money.parse(charge)


def test_a_single_person_pays_three_quarters_and_the_bill_shows_the_discount():
    lines = council_tax_charge(
        Band.C, ENGLAND_2026, liable_from=date(2026, 4, 1), single_person=True
    )
    assert [(line.description, line.amount) for line in lines] == [
        ("band C for 2026/27", Money.parse("1777.78")),
        ("single person discount (25%)", Money.parse("-444.45")),  # £444.445 rounds up
    ]


def test_council_tax_reduction_is_a_credit_never_more_than_the_charge():
    lines = council_tax_charge(
        Band.A, ENGLAND_2026, liable_from=date(2026, 4, 1), reduction=Money.parse("5000.00")
    )
    assert sum((line.amount for line in lines), Money.zero()) == Money.zero()
    assert lines[-1].description == "Council Tax Reduction"


def test_an_exempt_dwelling_is_charged_nothing_and_says_its_class():
    [line] = council_tax_charge(Band.E, ENGLAND_2026, liable_from=date(2026, 4, 1), exemption="F")
    assert (line.description, line.amount) == ("exempt (class F)", Money.zero())


@pytest.mark.parametrize(
    ("rateable_value", "relief"),
    [
        ("12000", Fraction(1)),
        ("12001", Fraction(2999, 3000)),
        ("13000", Fraction(2, 3)),  # shown as 66.67%
        ("14500", Fraction(1, 6)),
        ("14999", Fraction(1, 3000)),
        ("15000", Fraction(0)),
    ],
)
def test_small_business_rate_relief_tapers_by_one_percent_per_30_pounds(rateable_value, relief):
    assert small_business_relief(Money.parse(rateable_value), RATES_2025) == relief


@pytest.mark.parametrize(
    ("table", "rateable_value", "rhl", "multiplier", "annual"),
    [
        (RATES_2025, "50999", False, "small business multiplier 49.9p", "25448.50"),
        (RATES_2025, "51000", False, "standard multiplier 55.5p", "28305.00"),
        (
            RATES_2026,
            "20000",
            True,
            "small business retail, hospitality and leisure multiplier 38.2p",
            "7640.00",
        ),
        (
            RATES_2026,
            "60000",
            True,
            "standard retail, hospitality and leisure multiplier 43p",
            "25800.00",
        ),
        (RATES_2026, "20000", False, "small business multiplier 43.2p", "8640.00"),
        (RATES_2026, "60000", False, "standard multiplier 48p", "28800.00"),
        (RATES_2026, "500000", False, "high-value multiplier 50.8p", "254000.00"),
        (RATES_2026, "500000", True, "high-value multiplier 50.8p", "254000.00"),
    ],
)
def test_the_multiplier_that_applies(table, rateable_value, rhl, multiplier, annual):
    [line] = business_rates_charge(
        Money.parse(rateable_value),
        table,
        liable_from=table.year.start,
        occupation=Occupation(rhl=rhl),
    )
    assert line.description.endswith(multiplier)
    assert line.amount == Money.parse(annual)


def test_a_charity_pays_a_fifth():
    lines = business_rates_charge(
        Money.parse("40000"),
        RATES_2026,
        liable_from=date(2026, 4, 1),
        occupation=Occupation(charity=True),
    )
    assert sum((line.amount for line in lines), Money.zero()) == Money.parse("3456.00")


@pytest.mark.parametrize(
    ("industrial", "empty_from", "payable"),
    [
        (False, "2026-04-01", "6485.92"),  # 3 months (91 days) free of £8,640.00
        (True, "2026-04-01", "4308.16"),  # 6 months (183 days) free
        (False, "2027-02-01", "7243.40"),  # empty in February: 59 days of the year free
    ],
)
def test_an_empty_property_is_free_for_its_first_months_then_pays_in_full(
    industrial, empty_from, payable
):
    lines = business_rates_charge(
        Money.parse("20000"),
        RATES_2026,
        liable_from=date(2026, 4, 1),
        occupation=Occupation(empty_from=date.fromisoformat(empty_from), industrial=industrial),
    )
    assert sum((line.amount for line in lines), Money.zero()) == Money.parse(payable)


def test_an_empty_property_below_the_threshold_pays_nothing():
    lines = business_rates_charge(
        Money.parse("2899"),
        RATES_2026,
        liable_from=date(2026, 4, 1),
        occupation=Occupation(empty_from=date(2026, 4, 1)),
    )
    assert sum((line.amount for line in lines), Money.zero()) == Money.zero()


def test_a_negative_rateable_value_is_refused():
    with pytest.raises(DomainError, match="cannot be negative"):
        business_rates_charge(Money.parse("-1"), RATES_2026, liable_from=date(2026, 4, 1))


def test_a_year_without_figures_is_refused_naming_the_years_there_are():
    with pytest.raises(
        DomainError, match=r"no business rates figures for 2031/32 \(it has: 2025/26, 2026/27\)"
    ):
        business_rates_table(FinancialYear(2031))


@pytest.mark.parametrize(
    ("pence", "penny"),
    [(Fraction(1, 2), 1), (Fraction(-1, 2), -1), (Fraction(49, 100), 0), (Fraction(3, 2), 2)],
)
def test_rounding_to_the_penny_takes_an_exact_half_up(pence, penny):
    assert to_penny(pence) == Money(penny)
