"""What a bill is worked out from: who is liable when, for what, with which reliefs.

A Council Tax or Business Rates account is liable from its start date to its end date (none:
still liable). Over that time its circumstances change, each from a date: a single person
discount awarded or ended, an exemption, Council Tax Reduction, charitable or small business
relief, a property falling empty; and the Valuation Office may change a band or a rateable
value from a date. Each is a dated record, never a flag overwritten, so that a rebill can work
out the whole year again and a bill can say which days each line covers.

The year is cut into periods wherever anything changes; each period is charged day by day with
the rules of ``charges.py``, and the bill's lines are the periods' lines in date order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from reclaim.calendar import FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.charges import (
    ChargeLine,
    CouncilTaxYear,
    MultiplierTable,
    Occupation,
    apportion,
    business_rates_charge,
    council_tax_charge,
    day_text,
)
from reclaim.domain.errors import DomainError
from reclaim.domain.properties import Band
from reclaim.money import Money

# Classes of exempt dwelling, A to W (Council Tax (Exempt Dwellings) Order 1992, art 3).
EXEMPTION_CLASSES = frozenset("ABCDEFGHIJKLMNOPQRSTUVW")


class CircumstanceKind(StrEnum):
    """Dated facts that change what a Council Tax or Business Rates account is charged."""

    SINGLE_PERSON_DISCOUNT = "single_person_discount"  # CT: LGFA 1992 s 11(1)
    EXEMPTION = "exemption"  # CT: detail is the class (A-W) of the Exempt Dwellings Order
    COUNCIL_TAX_REDUCTION = "council_tax_reduction"  # CT: amount is the award for a whole year
    SMALL_BUSINESS_RELIEF = "small_business_relief"  # NNDR: LGFA 1988 s 43(4B)
    CHARITABLE_RELIEF = "charitable_relief"  # NNDR: LGFA 1988 s 43(5), 80%
    RETAIL_HOSPITALITY_LEISURE = "retail_hospitality_leisure"  # NNDR: RHL multipliers
    EMPTY = "empty"  # NNDR: unoccupied (LGFA 1988 s 45)
    INDUSTRIAL = "industrial"  # NNDR: qualifying industrial premises (6 months empty free)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def applies_to(self) -> AccountKind:
        council_tax = (
            CircumstanceKind.SINGLE_PERSON_DISCOUNT,
            CircumstanceKind.EXEMPTION,
            CircumstanceKind.COUNCIL_TAX_REDUCTION,
        )
        return AccountKind.COUNCIL_TAX if self in council_tax else AccountKind.BUSINESS_RATES


@dataclass(frozen=True, slots=True)
class Circumstance:
    """One dated fact: from ``starts_on`` to ``ends_on`` inclusive (None: still so)."""

    kind: CircumstanceKind
    starts_on: date
    ends_on: date | None = None
    detail: str | None = None  # the exemption class
    amount: Money | None = None  # Council Tax Reduction for a whole year

    def __post_init__(self) -> None:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise DomainError(
                f"{self.kind.label} ends ({self.ends_on}) before it starts ({self.starts_on})"
            )
        if self.kind is CircumstanceKind.EXEMPTION and (
            self.detail is None or self.detail not in EXEMPTION_CLASSES
        ):
            raise DomainError("an exemption needs its class, a letter A to W")
        if self.kind is CircumstanceKind.COUNCIL_TAX_REDUCTION and (
            self.amount is None or not self.amount.is_positive
        ):
            raise DomainError("Council Tax Reduction needs the year's award, more than £0.00")

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True, slots=True)
class Valuation:
    """The band (Council Tax) or rateable value (Business Rates) in force from a date."""

    effective_from: date
    band: Band | None = None
    rateable_value: Money | None = None


@dataclass(frozen=True, slots=True)
class Liability:
    """Everything a year's bill for one account is worked out from."""

    kind: AccountKind
    liable_from: date
    liable_to: date | None
    valuations: tuple[Valuation, ...]  # in date order; the first covers the whole liability
    circumstances: tuple[Circumstance, ...] = ()
    parish: str | None = None

    def __post_init__(self) -> None:
        if not self.kind.is_billed:
            raise DomainError(f"a {self.kind.label} account is not billed annually")
        if not self.valuations:
            raise DomainError("a bill needs the property's band or rateable value")
        for c in self.circumstances:
            if c.kind.applies_to is not self.kind:
                raise DomainError(f"{c.kind.label} does not apply to a {self.kind.label} account")

    def valuation_on(self, day: date) -> Valuation:
        current = self.valuations[0]
        for v in self.valuations:
            if v.effective_from <= day:
                current = v
        return current

    def in_force(self, kind: CircumstanceKind, day: date) -> Circumstance | None:
        for c in self.circumstances:
            if c.kind is kind and c.covers(day):
                return c
        return None


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date


def periods(liability: Liability, year: FinancialYear) -> list[Period]:
    """The liable days of the year, cut wherever a valuation or a circumstance changes."""
    first = max(liability.liable_from, year.start)
    last = min(liability.liable_to or year.end, year.end)
    if last < first:
        return []
    if len(liability.valuations) == 1 and all(
        c.starts_on <= first and (c.ends_on is None or c.ends_on >= last)
        for c in liability.circumstances
    ):
        return [Period(first, last)]  # nothing changes within the liable days
    cuts = {first}
    for v in liability.valuations[1:]:
        cuts.add(v.effective_from)
    for c in liability.circumstances:
        cuts.add(c.starts_on)
        if c.ends_on is not None:
            cuts.add(c.ends_on + timedelta(days=1))
    starts = sorted(day for day in cuts if first <= day <= last)
    return [
        Period(start, (starts[i + 1] - timedelta(days=1)) if i + 1 < len(starts) else last)
        for i, start in enumerate(starts)
    ]


class NotBillable(DomainError):
    """The account cannot be billed yet (e.g. the dwelling awaits its band)."""


def council_tax_lines(
    liability: Liability, year: CouncilTaxYear, cut: Sequence[Period] | None = None
) -> list[ChargeLine]:
    """The lines of the year's Council Tax bill; their sum is the charge."""
    cut = periods(liability, year.year) if cut is None else cut
    if not cut:
        raise DomainError(f"the liability does not fall in {year.year}")
    lines: list[ChargeLine] = []
    for period in cut:
        band = liability.valuation_on(period.start).band
        if band is None or band is Band.UNBANDED:
            raise NotBillable("the dwelling is awaiting its band from the Valuation Office")
        exemption = liability.in_force(CircumstanceKind.EXEMPTION, period.start)
        reduction = liability.in_force(CircumstanceKind.COUNCIL_TAX_REDUCTION, period.start)
        award = Money.zero()
        if reduction is not None and reduction.amount is not None:
            award = apportion(reduction.amount, year.year, period.start, period.end)
        these = council_tax_charge(
            band,
            year,
            liable_from=period.start,
            liable_to=period.end,
            parish=liability.parish,
            single_person=liability.in_force(CircumstanceKind.SINGLE_PERSON_DISCOUNT, period.start)
            is not None,
            exemption=None if exemption is None else exemption.detail,
            reduction=award,
        )
        lines += _dated(these, period, len(cut) > 1)
    return lines


def business_rates_lines(
    liability: Liability, table: MultiplierTable, cut: Sequence[Period] | None = None
) -> list[ChargeLine]:
    """The lines of the year's Business Rates bill; their sum is the charge."""
    cut = periods(liability, table.year) if cut is None else cut
    if not cut:
        raise DomainError(f"the liability does not fall in {table.year}")
    lines: list[ChargeLine] = []
    for period in cut:
        value = liability.valuation_on(period.start).rateable_value
        if value is None:
            raise NotBillable("the hereditament is awaiting its rateable value")
        empty = liability.in_force(CircumstanceKind.EMPTY, period.start)

        def has(kind: CircumstanceKind, on: date = period.start) -> bool:
            return liability.in_force(kind, on) is not None

        occupation = Occupation(
            small_business=has(CircumstanceKind.SMALL_BUSINESS_RELIEF),
            charity=has(CircumstanceKind.CHARITABLE_RELIEF),
            rhl=has(CircumstanceKind.RETAIL_HOSPITALITY_LEISURE),
            empty_from=None if empty is None else empty.starts_on,
            industrial=has(CircumstanceKind.INDUSTRIAL),
        )
        these = business_rates_charge(
            value, table, liable_from=period.start, liable_to=period.end, occupation=occupation
        )
        lines += _dated(these, period, len(cut) > 1)
    return lines


def _dated(lines: Sequence[ChargeLine], period: Period, several: bool) -> list[ChargeLine]:
    if not several:
        return list(lines)
    when = f"{day_text(period.start)} to {day_text(period.end)}: "
    return [ChargeLine(when + line.description, line.amount) for line in lines]


def bill_lines(
    liability: Liability,
    year: FinancialYear,
    *,
    council_tax: CouncilTaxYear | None,
    business_rates: MultiplierTable | None,
) -> list[ChargeLine]:
    """The year's lines for either kind of account; a year with no liable day has one line of
    nothing (a rebill after liability moved out of the year)."""
    for figures in (council_tax, business_rates):
        if figures is not None and figures.year != year:
            raise DomainError(f"the figures given are for {figures.year}, not {year}")
    cut = periods(liability, year)
    if not cut:
        return [ChargeLine(f"not liable in {year}", Money.zero())]
    if liability.kind is AccountKind.COUNCIL_TAX:
        if council_tax is None:
            raise DomainError(f"no Band D is set for {year}")
        return council_tax_lines(liability, council_tax, cut)
    if business_rates is None:
        raise DomainError(
            f"no business rates multipliers are known for {year}: add the year's figures, "
            "with their source, to reclaim/data/business_rates.toml"
        )
    return business_rates_lines(liability, business_rates, cut)
