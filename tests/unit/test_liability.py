"""What a year's bill is worked out from (domain.liability), as tables: the year cut into periods
wherever a band, a rateable value or a circumstance changes, each period charged day by day.

Every figure is worked by hand; the arithmetic is in the comment of any row that is not obvious.
2026/27 has 365 days; 2027/28 has 366 (it holds 29 February 2028). Amounts are rounded to the
penny, an exact half penny up, at each step shown on the bill.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from fractions import Fraction

import pytest

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.charges import ChargeLine, CouncilTaxYear, Multiplier, MultiplierTable
from reclaim.domain.errors import DomainError
from reclaim.domain.liability import (
    Circumstance,
    CircumstanceKind,
    Liability,
    NotBillable,
    Period,
    Valuation,
    bill_lines,
    business_rates_lines,
    council_tax_lines,
    periods,
)
from reclaim.domain.properties import Band
from reclaim.money import Money

YEAR = FinancialYear(2026)  # 365 days
LEAP_YEAR = FinancialYear(2027)  # 366 days: 1 April 2027 to 31 March 2028

ENGLAND_2026 = CouncilTaxYear(
    YEAR, Country.ENGLAND, Money.parse("2,000.00"), (("Little Snoring", Money.parse("45.00")),)
)
ENGLAND_2027 = CouncilTaxYear(LEAP_YEAR, Country.ENGLAND, Money.parse("2,000.00"))

SPD = CircumstanceKind.SINGLE_PERSON_DISCOUNT
EXEMPTION = CircumstanceKind.EXEMPTION
CTR = CircumstanceKind.COUNCIL_TAX_REDUCTION
SBR = CircumstanceKind.SMALL_BUSINESS_RELIEF
CHARITY = CircumstanceKind.CHARITABLE_RELIEF
RHL = CircumstanceKind.RETAIL_HOSPITALITY_LEISURE
EMPTY = CircumstanceKind.EMPTY
INDUSTRIAL = CircumstanceKind.INDUSTRIAL


def pounds(text: str) -> Money:
    return Money.parse(text)


def day(text: str) -> date:
    return date.fromisoformat(text)


def multiplier(
    name: str, pence: str, from_rv: str, below_rv: str | None, rhl: bool | None
) -> Multiplier:
    return Multiplier(
        name=name,
        per_pound=Fraction(pence) / 100,
        from_rv=pounds(from_rv),
        below_rv=None if below_rv is None else pounds(below_rv),
        retail_hospitality_leisure=rhl,
    )


# The 2026/27 figures for England, written out here so that every row can be checked by hand.
RATES_2026 = MultiplierTable(
    year=YEAR,
    multipliers=(
        multiplier("small business RHL multiplier", "38.2", "0", "51,000", True),
        multiplier("standard RHL multiplier", "43.0", "51,000", "500,000", True),
        multiplier("small business multiplier", "43.2", "0", "51,000", False),
        multiplier("standard multiplier", "48.0", "51,000", "500,000", False),
        multiplier("high-value multiplier", "50.8", "500,000", None, None),
    ),
    source="written out in the test",
    small_business_relief_full_to=pounds("12,000"),
    small_business_relief_none_from=pounds("15,000"),
    empty_exempt_below=pounds("2,900"),
    charitable_relief=Fraction(80, 100),
)


def council_tax(
    band: Band | None = Band.D,
    *,
    liable_from: str = "2026-04-01",
    liable_to: str | None = None,
    circumstances: tuple[Circumstance, ...] = (),
    parish: str | None = None,
    later_bands: tuple[tuple[str, Band | None], ...] = (),
) -> Liability:
    return Liability(
        kind=AccountKind.COUNCIL_TAX,
        liable_from=day(liable_from),
        liable_to=None if liable_to is None else day(liable_to),
        valuations=(
            Valuation(day("2020-04-01"), band=band),
            *(Valuation(day(on), band=b) for on, b in later_bands),
        ),
        circumstances=circumstances,
        parish=parish,
    )


def business_rates(
    rateable_value: str | None = "20,000",
    *,
    liable_from: str = "2026-04-01",
    liable_to: str | None = None,
    circumstances: tuple[Circumstance, ...] = (),
    later_values: tuple[tuple[str, str], ...] = (),
) -> Liability:
    return Liability(
        kind=AccountKind.BUSINESS_RATES,
        liable_from=day(liable_from),
        liable_to=None if liable_to is None else day(liable_to),
        valuations=(
            Valuation(
                day("2023-04-01"),
                rateable_value=None if rateable_value is None else pounds(rateable_value),
            ),
            *(Valuation(day(on), rateable_value=pounds(rv)) for on, rv in later_values),
        ),
        circumstances=circumstances,
    )


def fact(
    kind: CircumstanceKind,
    starts_on: str,
    ends_on: str | None = None,
    *,
    detail: str | None = None,
    amount: str | None = None,
) -> Circumstance:
    return Circumstance(
        kind,
        day(starts_on),
        None if ends_on is None else day(ends_on),
        detail=detail,
        amount=None if amount is None else pounds(amount),
    )


def as_table(lines: list[ChargeLine]) -> list[tuple[str, Money]]:
    return [(line.description, line.amount) for line in lines]


def expect(*rows: tuple[str, str]) -> list[tuple[str, Money]]:
    return [(description, pounds(amount)) for description, amount in rows]


def total(lines: list[ChargeLine]) -> Money:
    return sum((line.amount for line in lines), Money.zero())


# ---- Council Tax: a whole year ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("band", "parish", "charge"),
    [
        pytest.param(Band.A, None, "1,333.33", id="A: 6/9 of 2,000.00 = 1,333.333"),
        pytest.param(Band.B, None, "1,555.56", id="B: 7/9 = 1,555.555 rounds up"),
        pytest.param(Band.C, None, "1,777.78", id="C: 8/9 = 1,777.777"),
        pytest.param(Band.D, None, "2,000.00", id="D: Band D itself"),
        pytest.param(Band.E, None, "2,444.44", id="E: 11/9 = 2,444.444"),
        pytest.param(Band.F, None, "2,888.89", id="F: 13/9 = 2,888.888"),
        pytest.param(Band.G, None, "3,333.33", id="G: 15/9 = 3,333.333"),
        pytest.param(Band.H, None, "4,000.00", id="H: 18/9 = twice Band D"),
        pytest.param(Band.A, "Little Snoring", "1,363.33", id="A + parish: 6/9 of 2,045.00"),
        pytest.param(Band.D, "Little Snoring", "2,045.00", id="D + parish: 2,000.00 + 45.00"),
        pytest.param(Band.H, "Little Snoring", "4,090.00", id="H + parish: 18/9 of 2,045.00"),
    ],
)
def test_a_whole_year_is_the_bands_ninths_of_band_d_and_the_parish(
    band: Band, parish: str | None, charge: str
) -> None:
    lines = council_tax_lines(council_tax(band, parish=parish), ENGLAND_2026)
    assert as_table(lines) == expect((f"band {band.value} for 2026/27", charge))


COUNCIL_TAX_CASES = [
    pytest.param(
        council_tax(Band.C, circumstances=(fact(SPD, "2025-06-01"),)),
        expect(
            ("band C for 2026/27", "1,777.78"),
            ("single person discount (25%)", "-444.45"),  # 1,777.78 / 4 = 444.445 rounds up
        ),
        id="single person discount all year: one period, undated",
    ),
    pytest.param(
        council_tax(circumstances=(fact(SPD, "2026-10-01"),)),
        expect(
            # 1 Apr - 30 Sep is 183 days: 2,000.00 x 183/365 = 1,002.739...
            ("1 Apr 2026 to 30 Sep 2026: band D for 2026/27, 183 of 365 days", "1,002.74"),
            # 1 Oct - 31 Mar is 182 days: 2,000.00 x 182/365 = 997.260...
            ("1 Oct 2026 to 31 Mar 2027: band D for 2026/27, 182 of 365 days", "997.26"),
            # 997.26 / 4 = 249.315 rounds up
            ("1 Oct 2026 to 31 Mar 2027: single person discount (25%)", "-249.32"),
        ),
        id="single person discount from 1 October: two dated periods",
    ),
    pytest.param(
        council_tax(circumstances=(fact(SPD, "2026-04-01", "2026-09-30"),)),
        expect(
            ("1 Apr 2026 to 30 Sep 2026: band D for 2026/27, 183 of 365 days", "1,002.74"),
            # 1,002.74 / 4 = 250.685 rounds up
            ("1 Apr 2026 to 30 Sep 2026: single person discount (25%)", "-250.69"),
            ("1 Oct 2026 to 31 Mar 2027: band D for 2026/27, 182 of 365 days", "997.26"),
        ),
        id="single person discount ending 30 September",
    ),
    pytest.param(
        council_tax(circumstances=(fact(EXEMPTION, "2026-01-15", "2026-06-30", detail="C"),)),
        expect(
            ("1 Apr 2026 to 30 Jun 2026: exempt (class C)", "0.00"),
            # 1 Jul - 31 Mar is 365 - 91 = 274 days: 2,000.00 x 274/365 = 1,501.369...
            ("1 Jul 2026 to 31 Mar 2027: band D for 2026/27, 274 of 365 days", "1,501.37"),
        ),
        id="exempt (class C) until 30 June: a zero line naming the class",
    ),
    pytest.param(
        council_tax(circumstances=(fact(EXEMPTION, "2026-04-01", detail="F"),)),
        expect(("exempt (class F)", "0.00")),
        id="exempt (class F) all year",
    ),
    pytest.param(
        council_tax(circumstances=(fact(CTR, "2026-10-01", amount="730.00"),)),
        expect(
            ("1 Apr 2026 to 30 Sep 2026: band D for 2026/27, 183 of 365 days", "1,002.74"),
            ("1 Oct 2026 to 31 Mar 2027: band D for 2026/27, 182 of 365 days", "997.26"),
            # the year's award for the days it covers: 730.00 x 182/365 = 364.00
            ("1 Oct 2026 to 31 Mar 2027: Council Tax Reduction", "-364.00"),
        ),
        id="CTR from 1 October: the annual award apportioned to the period",
    ),
    pytest.param(
        council_tax(Band.A, circumstances=(fact(CTR, "2026-04-01", amount="5,000.00"),)),
        expect(
            ("band A for 2026/27", "1,333.33"),
            ("Council Tax Reduction", "-1,333.33"),  # never more than the charge
        ),
        id="CTR above the charge is capped at the charge",
    ),
    pytest.param(
        council_tax(
            circumstances=(fact(SPD, "2026-04-01"), fact(CTR, "2026-04-01", amount="1,800.00"))
        ),
        expect(
            ("band D for 2026/27", "2,000.00"),
            ("single person discount (25%)", "-500.00"),
            ("Council Tax Reduction", "-1,500.00"),  # capped at 2,000.00 - 500.00
        ),
        id="CTR is capped at what is left after the discount",
    ),
    pytest.param(
        council_tax(liable_from="2026-10-01"),
        expect(("band D for 2026/27, 182 of 365 days", "997.26")),
        id="liable from 1 October: one period, undated, with its days",
    ),
    pytest.param(
        council_tax(liable_from="2019-07-01", liable_to="2026-06-30"),
        # 1 Apr - 30 Jun is 30 + 31 + 30 = 91 days: 2,000.00 x 91/365 = 498.630...
        expect(("band D for 2026/27, 91 of 365 days", "498.63")),
        id="liable until 30 June",
    ),
    pytest.param(
        council_tax(liable_from="2026-05-01", liable_to="2026-05-31"),
        # 31 days: 2,000.00 x 31/365 = 169.863...
        expect(("band D for 2026/27, 31 of 365 days", "169.86")),
        id="liable for May only",
    ),
    pytest.param(
        council_tax(Band.D, later_bands=(("2027-01-01", Band.E),)),
        expect(
            # 1 Apr - 31 Dec is 275 days: 2,000.00 x 275/365 = 1,506.849...
            ("1 Apr 2026 to 31 Dec 2026: band D for 2026/27, 275 of 365 days", "1,506.85"),
            # band E's 2,444.44 x 90/365 = 602.738...
            ("1 Jan 2027 to 31 Mar 2027: band E for 2026/27, 90 of 365 days", "602.74"),
        ),
        id="band D to E from 1 January: two valuations, two periods",
    ),
    pytest.param(
        council_tax(Band.D, later_bands=(("2027-01-01", Band.D),)),
        expect(
            ("1 Apr 2026 to 31 Dec 2026: band D for 2026/27, 275 of 365 days", "1,506.85"),
            # 2,000.00 x 90/365 = 493.150...; the two parts make 2,000.00 again
            ("1 Jan 2027 to 31 Mar 2027: band D for 2026/27, 90 of 365 days", "493.15"),
        ),
        id="a valuation that changes nothing still cuts the year",
    ),
]


@pytest.mark.parametrize(("liability", "lines"), COUNCIL_TAX_CASES)
def test_council_tax_lines(liability: Liability, lines: list[tuple[str, Money]]) -> None:
    assert as_table(council_tax_lines(liability, ENGLAND_2026)) == lines


@pytest.mark.parametrize(
    ("liability", "lines"),
    [
        pytest.param(
            council_tax(liable_from="2027-04-01"),
            expect(("band D for 2027/28", "2,000.00")),
            id="a whole leap year is still Band D",
        ),
        pytest.param(
            council_tax(liable_from="2027-10-01"),
            # 1 Oct 2027 - 31 Mar 2028 is 183 days: 2,000.00 x 183/366 = 1,000.00
            expect(("band D for 2027/28, 183 of 366 days", "1,000.00")),
            id="from 1 October: 183 of 366 days",
        ),
        pytest.param(
            council_tax(liable_from="2028-02-01", liable_to="2028-02-29"),
            # 29 days of February 2028: 2,000.00 x 29/366 = 158.469...
            expect(("band D for 2027/28, 29 of 366 days", "158.47")),
            id="February 2028 has 29 days",
        ),
        pytest.param(
            council_tax(circumstances=(fact(SPD, "2028-02-29"),)),
            expect(
                # 1 Apr 2027 - 28 Feb 2028 is 334 days: 2,000.00 x 334/366 = 1,825.136...
                ("1 Apr 2027 to 28 Feb 2028: band D for 2027/28, 334 of 366 days", "1,825.14"),
                # 29 Feb - 31 Mar 2028 is 32 days: 2,000.00 x 32/366 = 174.863...
                ("29 Feb 2028 to 31 Mar 2028: band D for 2027/28, 32 of 366 days", "174.86"),
                # 174.86 / 4 = 43.715 rounds up
                ("29 Feb 2028 to 31 Mar 2028: single person discount (25%)", "-43.72"),
            ),
            id="a discount from the leap day",
        ),
    ],
)
def test_council_tax_in_a_leap_year_is_charged_in_366ths(
    liability: Liability, lines: list[tuple[str, Money]]
) -> None:
    assert as_table(council_tax_lines(liability, ENGLAND_2027)) == lines


@pytest.mark.parametrize(
    ("liability", "charge"),
    [
        pytest.param(
            council_tax(circumstances=(fact(SPD, "2026-10-01"),)),
            "1,750.68",  # 1,002.74 + 997.26 - 249.32
            id="single person discount from October",
        ),
        pytest.param(
            council_tax(circumstances=(fact(CTR, "2026-10-01", amount="730.00"),)),
            "1,636.00",  # 1,002.74 + 997.26 - 364.00
            id="CTR from October",
        ),
        pytest.param(
            council_tax(Band.D, later_bands=(("2027-01-01", Band.E),)),
            "2,109.59",  # 1,506.85 + 602.74
            id="band D to E from January",
        ),
    ],
)
def test_the_charge_is_the_sum_of_the_lines(liability: Liability, charge: str) -> None:
    assert total(council_tax_lines(liability, ENGLAND_2026)) == pounds(charge)


@pytest.mark.parametrize(
    "liability",
    [
        pytest.param(council_tax(Band.UNBANDED), id="unbanded all year"),
        pytest.param(council_tax(None), id="no band recorded"),
        pytest.param(
            council_tax(Band.UNBANDED, later_bands=(("2026-09-01", Band.C),)),
            id="banded only from September",
        ),
    ],
)
def test_a_dwelling_awaiting_its_band_cannot_be_billed(liability: Liability) -> None:
    with pytest.raises(NotBillable, match="awaiting its band"):
        council_tax_lines(liability, ENGLAND_2026)


def test_band_i_is_refused_in_england_and_is_not_merely_unbillable() -> None:
    with pytest.raises(DomainError, match="band I does not exist in England") as raised:
        council_tax_lines(council_tax(Band.I), ENGLAND_2026)
    assert not isinstance(raised.value, NotBillable)


def test_band_i_is_billed_in_wales() -> None:
    wales = CouncilTaxYear(YEAR, Country.WALES, Money.parse("1,800.00"))
    # 21/9 of 1,800.00 = 4,200.00
    assert as_table(council_tax_lines(council_tax(Band.I), wales)) == expect(
        ("band I for 2026/27", "4,200.00")
    )


# ---- Business Rates ----------------------------------------------------------------------------

SMALL = "small business multiplier 43.2p"
SMALL_RHL = "small business RHL multiplier 38.2p"

CHARITY_40K = business_rates("40,000", circumstances=(fact(CHARITY, "2024-04-01"),))
EMPTY_FROM_OCTOBER = business_rates("20,000", circumstances=(fact(EMPTY, "2026-10-01"),))
INDUSTRIAL_EMPTY_FROM_JULY = business_rates(
    "20,000", circumstances=(fact(INDUSTRIAL, "2010-01-01"), fact(EMPTY, "2026-07-01"))
)
RV_UP_IN_JANUARY = business_rates("20,000", later_values=(("2027-01-01", "60,000"),))
RV_UP_IN_OCTOBER_WITH_SBRR = business_rates(
    "12,000", circumstances=(fact(SBR, "2024-04-01"),), later_values=(("2026-10-01", "14,100"),)
)

BUSINESS_RATES_CASES = [
    pytest.param(
        business_rates("10,000", circumstances=(fact(SBR, "2024-04-01"),)),
        expect(
            (f"rateable value £10,000.00 × {SMALL}", "4,320.00"),  # 10,000 x 0.432
            ("small business rate relief (100%)", "-4,320.00"),
        ),
        id="SBRR in full: RV 12,000 or less",
    ),
    pytest.param(
        business_rates("12,000", circumstances=(fact(SBR, "2024-04-01"),)),
        expect(
            (f"rateable value £12,000.00 × {SMALL}", "5,184.00"),
            ("small business rate relief (100%)", "-5,184.00"),
        ),
        id="SBRR in full at exactly RV 12,000",
    ),
    pytest.param(
        business_rates("13,500", circumstances=(fact(SBR, "2024-04-01"),)),
        expect(
            (f"rateable value £13,500.00 × {SMALL}", "5,832.00"),
            # (15,000 - 13,500) / 3,000 = 50%
            ("small business rate relief (50%)", "-2,916.00"),
        ),
        id="SBRR tapering: half at RV 13,500",
    ),
    pytest.param(
        business_rates("13,000", circumstances=(fact(SBR, "2024-04-01"),)),
        expect(
            (f"rateable value £13,000.00 × {SMALL}", "5,616.00"),
            # (15,000 - 13,000) / 3,000 = 2/3: 5,616.00 x 2/3 = 3,744.00, shown as 66.67%
            ("small business rate relief (66.67%)", "-3,744.00"),
        ),
        id="SBRR tapering: two thirds at RV 13,000",
    ),
    pytest.param(
        business_rates("15,000", circumstances=(fact(SBR, "2024-04-01"),)),
        expect((f"rateable value £15,000.00 × {SMALL}", "6,480.00")),
        id="no SBRR from RV 15,000: no relief line",
    ),
    pytest.param(
        CHARITY_40K,
        expect(
            (f"rateable value £40,000.00 × {SMALL}", "17,280.00"),
            ("mandatory charitable relief (80%)", "-13,824.00"),  # pays a fifth: 3,456.00
        ),
        id="charitable relief 80%",
    ),
    pytest.param(
        business_rates("20,000", circumstances=(fact(RHL, "2024-04-01"),)),
        expect((f"rateable value £20,000.00 × {SMALL_RHL}", "7,640.00")),
        id="RHL below 51,000: small business RHL multiplier",
    ),
    pytest.param(
        business_rates("60,000", circumstances=(fact(RHL, "2024-04-01"),)),
        expect(("rateable value £60,000.00 × standard RHL multiplier 43p", "25,800.00")),
        id="RHL from 51,000: standard RHL multiplier",
    ),
    pytest.param(
        business_rates("60,000"),
        expect(("rateable value £60,000.00 × standard multiplier 48p", "28,800.00")),
        id="not RHL from 51,000: standard multiplier",
    ),
    pytest.param(
        business_rates("500,000", circumstances=(fact(RHL, "2024-04-01"),)),
        expect(("rateable value £500,000.00 × high-value multiplier 50.8p", "254,000.00")),
        id="RHL at 500,000: the high-value multiplier for every use",
    ),
    pytest.param(
        business_rates("20,000", circumstances=(fact(RHL, "2026-10-01"),)),
        expect(
            # 8,640.00 x 183/365 = 4,331.835...
            (f"1 Apr 2026 to 30 Sep 2026: rateable value £20,000.00 × {SMALL}", "4,331.84"),
            # 7,640.00 x 182/365 = 3,809.534...
            (f"1 Oct 2026 to 31 Mar 2027: rateable value £20,000.00 × {SMALL_RHL}", "3,809.53"),
        ),
        id="RHL from 1 October: the multiplier changes with the period",
    ),
    pytest.param(
        EMPTY_FROM_OCTOBER,
        expect(
            (f"1 Apr 2026 to 30 Sep 2026: rateable value £20,000.00 × {SMALL}", "4,331.84"),
            # 8,640.00 x 182/365 = 4,308.164...
            (f"1 Oct 2026 to 31 Mar 2027: rateable value £20,000.00 × {SMALL}", "4,308.16"),
            # free 1 Oct - 31 Dec, 92 days: 8,640.00 x 92/365 = 2,177.753...
            ("1 Oct 2026 to 31 Mar 2027: empty: first 3 months free (to 31 Dec 2026)", "-2,177.75"),
        ),
        id="empty from 1 October: 3 months free, then the full charge",
    ),
    pytest.param(
        INDUSTRIAL_EMPTY_FROM_JULY,
        expect(
            # 1 Apr - 30 Jun, 91 days: 8,640.00 x 91/365 = 2,154.082...
            (f"1 Apr 2026 to 30 Jun 2026: rateable value £20,000.00 × {SMALL}", "2,154.08"),
            # 274 days: 8,640.00 x 274/365 = 6,485.917...
            (f"1 Jul 2026 to 31 Mar 2027: rateable value £20,000.00 × {SMALL}", "6,485.92"),
            # free 1 Jul - 31 Dec, 184 days: 8,640.00 x 184/365 = 4,355.506...
            (
                "1 Jul 2026 to 31 Mar 2027: empty: first 6 months free (industrial, to 31 Dec 2026)",
                "-4,355.51",
            ),
        ),
        id="industrial, empty from 1 July: 6 months free",
    ),
    pytest.param(
        business_rates("20,000", circumstances=(fact(EMPTY, "2026-02-01"),)),
        expect(
            (f"rateable value £20,000.00 × {SMALL}", "8,640.00"),
            # empty since 1 Feb 2026: free to 30 Apr, 30 days of this year: 8,640 x 30/365
            ("empty: first 3 months free (to 30 Apr 2026)", "-710.14"),
        ),
        id="empty since February of the year before: only the rest of the 3 months is free",
    ),
    pytest.param(
        business_rates("2,899", circumstances=(fact(EMPTY, "2026-04-01"),)),
        expect(
            (f"rateable value £2,899.00 × {SMALL}", "1,252.37"),  # 2,899 x 0.432 = 1,252.368
            ("empty, rateable value below £2,900.00: exempt", "-1,252.37"),
        ),
        id="empty below RV 2,900: exempt all year",
    ),
    pytest.param(
        business_rates("2,900", circumstances=(fact(EMPTY, "2026-04-01"),)),
        expect(
            (f"rateable value £2,900.00 × {SMALL}", "1,252.80"),
            # 1,252.80 x 91/365 = 312.341...
            ("empty: first 3 months free (to 30 Jun 2026)", "-312.34"),
        ),
        id="empty at RV 2,900: not exempt, 3 months free",
    ),
    pytest.param(
        RV_UP_IN_JANUARY,
        expect(
            # 8,640.00 x 275/365 = 6,509.589...
            (f"1 Apr 2026 to 31 Dec 2026: rateable value £20,000.00 × {SMALL}", "6,509.59"),
            # 28,800.00 x 90/365 = 7,101.369...
            (
                "1 Jan 2027 to 31 Mar 2027: rateable value £60,000.00 × standard multiplier 48p",
                "7,101.37",
            ),
        ),
        id="RV 20,000 to 60,000 from 1 January: the multiplier follows the value",
    ),
    pytest.param(
        RV_UP_IN_OCTOBER_WITH_SBRR,
        expect(
            # 5,184.00 x 183/365 = 2,599.101...
            (f"1 Apr 2026 to 30 Sep 2026: rateable value £12,000.00 × {SMALL}", "2,599.10"),
            ("1 Apr 2026 to 30 Sep 2026: small business rate relief (100%)", "-2,599.10"),
            # 14,100 x 0.432 = 6,091.20; x 182/365 = 3,037.256...
            (f"1 Oct 2026 to 31 Mar 2027: rateable value £14,100.00 × {SMALL}", "3,037.26"),
            # (15,000 - 14,100) / 3,000 = 30%: 3,037.26 x 0.3 = 911.178
            ("1 Oct 2026 to 31 Mar 2027: small business rate relief (30%)", "-911.18"),
        ),
        id="RV 12,000 to 14,100 from 1 October: SBRR tapers from then",
    ),
]


@pytest.mark.parametrize(("liability", "lines"), BUSINESS_RATES_CASES)
def test_business_rates_lines(liability: Liability, lines: list[tuple[str, Money]]) -> None:
    assert as_table(business_rates_lines(liability, RATES_2026)) == lines


@pytest.mark.parametrize(
    ("liability", "charge"),
    [
        pytest.param(CHARITY_40K, "3,456.00", id="charity: 17,280 - 13,824"),
        pytest.param(
            EMPTY_FROM_OCTOBER,
            "6,462.25",  # 4,331.84 + 4,308.16 - 2,177.75
            id="empty from October",
        ),
        pytest.param(
            INDUSTRIAL_EMPTY_FROM_JULY,
            "4,284.49",  # 2,154.08 + 6,485.92 - 4,355.51
            id="industrial, empty from July",
        ),
        pytest.param(
            RV_UP_IN_JANUARY,
            "13,610.96",  # 6,509.59 + 7,101.37
            id="RV 20,000 to 60,000",
        ),
        pytest.param(
            RV_UP_IN_OCTOBER_WITH_SBRR,
            "2,126.08",  # 2,599.10 - 2,599.10 + 3,037.26 - 911.18
            id="RV 12,000 to 14,100 with SBRR",
        ),
    ],
)
def test_the_rates_are_the_sum_of_the_lines(liability: Liability, charge: str) -> None:
    assert total(business_rates_lines(liability, RATES_2026)) == pounds(charge)


def test_an_empty_property_whose_free_months_are_over_pays_in_full() -> None:
    lines = business_rates_lines(
        business_rates("20,000", circumstances=(fact(EMPTY, "2025-10-01"),)), RATES_2026
    )
    # Free 1 Oct 2025 - 31 Dec 2025: none of it in 2026/27.
    assert as_table(lines) == expect((f"rateable value £20,000.00 × {SMALL}", "8,640.00"))


def test_a_hereditament_awaiting_its_rateable_value_cannot_be_billed() -> None:
    with pytest.raises(NotBillable, match="awaiting its rateable value"):
        business_rates_lines(business_rates(None), RATES_2026)


# ---- how the year is cut -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("liability", "cut"),
    [
        pytest.param(council_tax(), [("2026-04-01", "2027-03-31")], id="nothing changes"),
        pytest.param(
            council_tax(circumstances=(fact(SPD, "2024-01-01", "2028-01-01"),)),
            [("2026-04-01", "2027-03-31")],
            id="a circumstance covering the whole year does not cut it",
        ),
        pytest.param(
            council_tax(circumstances=(fact(SPD, "2026-06-10", "2026-08-20"),)),
            [
                ("2026-04-01", "2026-06-09"),
                ("2026-06-10", "2026-08-20"),
                ("2026-08-21", "2027-03-31"),
            ],
            id="cut where a circumstance starts and the day after it ends",
        ),
        pytest.param(
            council_tax(
                liable_from="2026-05-01",
                liable_to="2026-12-31",
                circumstances=(fact(SPD, "2026-04-15"), fact(CTR, "2027-01-01", amount="100")),
                later_bands=(("2026-09-01", Band.E),),
            ),
            [("2026-05-01", "2026-08-31"), ("2026-09-01", "2026-12-31")],
            id="only cuts inside the liability count",
        ),
        pytest.param(
            council_tax(circumstances=(fact(SPD, "2027-03-31"),)),
            [("2026-04-01", "2027-03-30"), ("2027-03-31", "2027-03-31")],
            id="a change on the last day makes a one-day period",
        ),
        pytest.param(council_tax(liable_from="2027-04-01"), [], id="liable only from next year"),
        pytest.param(
            council_tax(liable_from="2020-04-01", liable_to="2026-03-31"),
            [],
            id="liability ended before the year",
        ),
    ],
)
def test_the_year_is_cut_wherever_something_changes(
    liability: Liability, cut: list[tuple[str, str]]
) -> None:
    assert periods(liability, YEAR) == [Period(day(s), day(e)) for s, e in cut]


# ---- bill_lines: either kind, or not liable at all ---------------------------------------------


def bill(liability: Liability) -> list[ChargeLine]:
    return bill_lines(liability, YEAR, council_tax=ENGLAND_2026, business_rates=RATES_2026)


@pytest.mark.parametrize(
    ("liability", "lines"),
    [
        pytest.param(
            council_tax(Band.A, parish="Little Snoring"),
            expect(("band A for 2026/27", "1,363.33")),
            id="council tax",
        ),
        pytest.param(
            business_rates("60,000"),
            expect(("rateable value £60,000.00 × standard multiplier 48p", "28,800.00")),
            id="business rates",
        ),
        pytest.param(
            council_tax(liable_from="2020-04-01", liable_to="2026-03-31"),
            expect(("not liable in 2026/27", "0.00")),
            id="council tax, liability ended before the year",
        ),
        pytest.param(
            council_tax(Band.UNBANDED, liable_from="2027-04-01"),
            expect(("not liable in 2026/27", "0.00")),
            id="council tax, liable only from next year (the band is not needed)",
        ),
        pytest.param(
            business_rates(None, liable_from="2027-05-01"),
            expect(("not liable in 2026/27", "0.00")),
            id="business rates, liable only from next year",
        ),
    ],
)
def test_bill_lines_for_either_kind_of_account(
    liability: Liability, lines: list[tuple[str, Money]]
) -> None:
    assert as_table(bill(liability)) == lines


def test_council_tax_lines_refuse_a_year_with_no_liable_day() -> None:
    with pytest.raises(DomainError, match="does not fall in 2026/27"):
        council_tax_lines(council_tax(liable_from="2027-04-01"), ENGLAND_2026)


@pytest.mark.parametrize(
    ("liability", "message"),
    [
        pytest.param(council_tax(), "no Band D is set for 2026/27", id="council tax"),
        pytest.param(
            business_rates(),
            "no business rates multipliers are known for 2026/27",
            id="business rates",
        ),
    ],
)
def test_bill_lines_need_the_years_figures(liability: Liability, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        bill_lines(liability, YEAR, council_tax=None, business_rates=None)


# ---- the descriptions: dated only when the year is cut -----------------------------------------


def test_a_single_period_bill_has_undated_lines() -> None:
    lines = council_tax_lines(council_tax(circumstances=(fact(SPD, "2026-04-01"),)), ENGLAND_2026)
    assert [line.description for line in lines] == [
        "band D for 2026/27",
        "single person discount (25%)",
    ]


def test_every_line_of_a_bill_cut_into_periods_says_which_days_it_covers() -> None:
    liability = council_tax(
        circumstances=(fact(SPD, "2026-05-09", "2026-11-30"),),
        later_bands=(("2027-02-01", Band.B),),
    )
    assert [line.description for line in council_tax_lines(liability, ENGLAND_2026)] == [
        "1 Apr 2026 to 8 May 2026: band D for 2026/27, 38 of 365 days",
        "9 May 2026 to 30 Nov 2026: band D for 2026/27, 206 of 365 days",
        "9 May 2026 to 30 Nov 2026: single person discount (25%)",
        "1 Dec 2026 to 31 Jan 2027: band D for 2026/27, 62 of 365 days",
        "1 Feb 2027 to 31 Mar 2027: band B for 2026/27, 59 of 365 days",
    ]


# ---- what a liability or circumstance refuses --------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda: fact(SPD, "2026-05-01", "2026-04-30"),
            r"single person discount ends \(2026-04-30\) before it starts \(2026-05-01\)",
            id="ends before it starts",
        ),
        pytest.param(
            lambda: fact(EXEMPTION, "2026-04-01"), "needs its class", id="exemption, no class"
        ),
        pytest.param(
            lambda: fact(EXEMPTION, "2026-04-01", detail="C1"),
            "needs its class",
            id="exemption, class not a letter",
        ),
        pytest.param(
            lambda: fact(EXEMPTION, "2026-04-01", detail="Z"),
            "needs its class",
            id="exemption, a letter after W",  # the message says A to W; Z is let through
        ),
        pytest.param(lambda: fact(CTR, "2026-04-01"), "needs the year's award", id="CTR, no award"),
        pytest.param(
            lambda: fact(CTR, "2026-04-01", amount="0.00"),
            "needs the year's award",
            id="CTR of nothing",
        ),
        pytest.param(
            lambda: Liability(
                AccountKind.SUNDRY_DEBT, day("2026-04-01"), None, (Valuation(day("2026-04-01")),)
            ),
            "(?i)a sundry debt account is not billed annually",
            id="a sundry debt has no annual bill",
        ),
        pytest.param(
            lambda: Liability(AccountKind.COUNCIL_TAX, day("2026-04-01"), None, ()),
            "needs the property's band or rateable value",
            id="no valuation",
        ),
        pytest.param(
            lambda: business_rates(circumstances=(fact(SPD, "2026-04-01"),)),
            "(?i)single person discount does not apply to a business rates account",
            id="a council tax circumstance on a business rates account",
        ),
        pytest.param(
            lambda: council_tax(circumstances=(fact(EMPTY, "2026-04-01"),)),
            "(?i)empty does not apply to a council tax account",
            id="a business rates circumstance on a council tax account",
        ),
    ],
)
def test_nonsense_is_refused(make: Callable[[], object], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        make()
