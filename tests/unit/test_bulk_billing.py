"""The annual run's bills worked out at once (services.bulk_billing) must be exactly the bills
worked out one account at a time (work_out: domain bill_lines and first_bill_instalments):
the same lines word for word, the same charge, the same instalments.

The accounts are drawn as the domain sees them (dates unclipped, every circumstance) and given
to the bulk path as the database hands them over, so the test also proves that clipping dates
to the year and sharing situations cannot change a bill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from reclaim.calendar import Country, FinancialYear, InstalmentDay
from reclaim.domain.accounts import AccountKind
from reclaim.domain.bills import BillTerms, rules_for
from reclaim.domain.charges import CouncilTaxYear
from reclaim.domain.ledger import posting_hash
from reclaim.domain.liability import Circumstance, CircumstanceKind, Liability, Valuation
from reclaim.domain.properties import Band
from reclaim.domain.schedules import Instalment
from reclaim.money import Money
from reclaim.services.bulk_allocation import content_hashes
from reclaim.services.bulk_billing import (
    YearFigures,
    circumstance_texts,
    lines_json,
    plan_fingerprint,
    valuation_texts,
    with_situation_keys,
    work_out,
    work_out_in_bulk,
)
from reclaim.services.statutory_data import business_rates_table

YEAR = FinancialYear(2026)
PARISHES = (("Upper Benchley", Money(3850)), ("Lower Benchley", Money(5210)))
FIGURES = YearFigures(
    council_id=1,
    year=YEAR,
    default_day=InstalmentDay.DAY_1,
    council_tax=CouncilTaxYear(YEAR, Country.ENGLAND, Money(200_000), PARISHES),
    business_rates=business_rates_table(YEAR),
)
CT, NNDR = AccountKind.COUNCIL_TAX, AccountKind.BUSINESS_RATES
K = CircumstanceKind


@dataclass(frozen=True)
class Account:
    liability: Liability
    day: InstalmentDay | None
    twelve: bool


# Dates cluster on the ones real accounts have (the year's start and end), with any day now
# and then, so that accounts share situations and every edge is tried.
TYPICAL = (YEAR.start, date(2026, 7, 1), date(2026, 10, 1), YEAR.end, date(2025, 1, 1))
days = st.one_of(
    st.sampled_from(TYPICAL),
    st.dates(min_value=date(2024, 12, 1), max_value=date(2027, 4, 30)),
)
awards = st.one_of(st.sampled_from([5_000, 100_000, 999_999]), st.integers(1, 300_000))


@st.composite
def dated(draw: st.DrawFn) -> tuple[date, date | None]:
    starts = draw(st.one_of(st.just(YEAR.start), days))
    if draw(st.booleans()):
        return starts, None
    return starts, starts + timedelta(days=draw(st.integers(0, 400)))


@st.composite
def council_tax_circumstances(draw: st.DrawFn) -> list[Circumstance]:
    # Council Tax Reduction twice as often: one award, two (changed mid-year), or none.
    kinds = [
        K.SINGLE_PERSON_DISCOUNT,
        K.EXEMPTION,
        K.COUNCIL_TAX_REDUCTION,
        K.COUNCIL_TAX_REDUCTION,
    ]
    found = []
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=3)):
        starts, ends = draw(dated())
        detail = draw(st.sampled_from("ABCW")) if kind is K.EXEMPTION else None
        amount = Money(draw(awards)) if kind is K.COUNCIL_TAX_REDUCTION else None
        found.append(Circumstance(kind, starts, ends, detail, amount))
    return found


@st.composite
def business_rates_circumstances(draw: st.DrawFn) -> list[Circumstance]:
    kinds = [
        K.SMALL_BUSINESS_RELIEF,
        K.CHARITABLE_RELIEF,
        K.RETAIL_HOSPITALITY_LEISURE,
        K.EMPTY,
        K.INDUSTRIAL,
    ]
    found = []
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=3, unique=True)):
        starts, ends = draw(dated())
        found.append(Circumstance(kind, starts, ends))
    return found


rateable_values = st.one_of(
    st.sampled_from([0, 290_000, 1_200_000, 1_350_000, 1_500_000, 5_100_000, 50_000_000]),
    st.integers(1_100_000, 1_600_000),  # around small business rate relief's taper
    st.integers(0, 60_000_000).map(lambda pence: pence - pence % 100),
    st.integers(0, 60_000_000),
)


@st.composite
def accounts(draw: st.DrawFn) -> Account:
    kind = draw(st.sampled_from([CT, CT, CT, NNDR]))
    liable_from = draw(days)
    liable_to = None if draw(st.booleans()) else draw(days)
    if liable_to is not None and liable_to < liable_from:
        liable_from, liable_to = liable_to, liable_from
    if liable_from > YEAR.end or (liable_to is not None and liable_to < YEAR.start):
        liable_from = YEAR.start  # the run bills only accounts liable in the year
    if kind is CT:
        bands = st.sampled_from([*"AABCDEFGH", "unbanded"]).map(Band)
        valuations = [Valuation(date.min, draw(bands))]
        if draw(st.integers(0, 4)) == 0:
            valuations.append(Valuation(draw(days), draw(bands)))
        circumstances = draw(council_tax_circumstances())
        parish = draw(st.sampled_from([None, None, "Upper Benchley", "Lower Benchley"]))
    else:
        valuations = [Valuation(date.min, rateable_value=Money(draw(rateable_values)))]
        if draw(st.integers(0, 4)) == 0:
            valuations.append(Valuation(draw(days), rateable_value=Money(draw(rateable_values))))
        circumstances = draw(business_rates_circumstances())
        parish = None
    # In the order the database gives them (billing.account_facts): by date, then as recorded.
    valuations[1:] = sorted(valuations[1:], key=lambda v: v.effective_from)
    circumstances.sort(key=lambda c: c.starts_on)
    liability = Liability(
        kind, liable_from, liable_to, tuple(valuations), tuple(circumstances), parish
    )
    day = draw(st.sampled_from([None, *InstalmentDay]))
    return Account(liability, day, draw(st.booleans()))


def as_stored(batch: list[Account]) -> pl.DataFrame:
    """The accounts as bill_year reads them from the database, keyed."""
    rows, circumstances, valuations = [], [], []
    for n, account in enumerate(batch, start=1):
        liability = account.liability
        base, *later = liability.valuations
        rows.append(
            (
                n,
                liability.kind.value,
                liability.liable_from,
                liability.liable_to,
                None if account.day is None else account.day.value,
                12 if account.twelve else 10,
                n,
                None if base.band is None else base.band.value,
                None if base.rateable_value is None else base.rateable_value.pence,
                liability.parish,
                1,
            )
        )
        # What billing._circumstances_in and _valuations_in select, in their order.
        for c in sorted(liability.circumstances, key=lambda c: (c.kind.value, c.starts_on)):
            if c.starts_on <= YEAR.end and (c.ends_on is None or c.ends_on >= YEAR.start):
                amount = None if c.amount is None else c.amount.pence
                circumstances.append((n, c.kind.value, c.starts_on, c.ends_on, c.detail, amount))
        for v in later:
            if v.effective_from <= YEAR.end:
                value = None if v.rateable_value is None else v.rateable_value.pence
                band = None if v.band is None else v.band.value
                valuations.append((n, v.effective_from, band, value))
    frame = pl.DataFrame(
        rows,
        schema={
            "account_id": pl.Int64,
            "kind": pl.String,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "instalment_day": pl.String,
            "instalments": pl.Int64,
            "property_id": pl.Int64,
            "band": pl.String,
            "rv_pence": pl.Int64,
            "parish": pl.String,
            "version": pl.Int64,
        },
        orient="row",
    )
    circumstance_rows = pl.DataFrame(
        circumstances,
        schema={
            "account_id": pl.Int64,
            "kind": pl.String,
            "starts_on": pl.Date,
            "ends_on": pl.Date,
            "detail": pl.String,
            "amount_pence": pl.Int64,
        },
        orient="row",
    )
    valuation_rows = pl.DataFrame(
        valuations,
        schema={
            "property_id": pl.Int64,
            "effective_from": pl.Date,
            "band": pl.String,
            "rv_pence": pl.Int64,
        },
        orient="row",
    )
    return with_situation_keys(
        frame,
        circumstance_texts(circumstance_rows, YEAR),
        valuation_texts(valuation_rows, YEAR),
        FIGURES,
    )


def one_at_a_time(batch: list[Account], issued: date) -> list[tuple[object, ...]]:
    result = []
    for account in batch:
        terms = BillTerms(
            YEAR,
            issued,
            account.day or FIGURES.default_day,
            rules_for(account.liability.kind),
            twelve=account.twelve,
        )
        bill = work_out(account.liability, FIGURES, terms)
        if bill.not_billed is not None:
            result.append((bill.not_billed, None, None, ()))
        else:
            result.append((None, bill.charge.pence, lines_json(bill.lines), bill.instalments))
    return result


def in_bulk(batch: list[Account], issued: date) -> list[tuple[object, ...]]:
    worked = work_out_in_bulk(as_stored(batch), FIGURES, issued)
    plans: dict[str, list[Instalment]] = {}
    for fingerprint, _seq, due, pence in worked.plans.iter_rows():
        plans.setdefault(fingerprint, []).append(Instalment(date.fromisoformat(due), Money(pence)))
    for fingerprint, instalments in plans.items():
        assert plan_fingerprint(instalments) == fingerprint
    bills = worked.bills.sort("account_id")
    return [
        (
            not_billed,
            pence,
            lines,
            () if fingerprint is None else tuple(plans[fingerprint]),
        )
        for not_billed, pence, lines, fingerprint in bills.select(
            "not_billed", "charge_pence", "lines", "fingerprint"
        ).iter_rows()
    ]


issue_dates = st.one_of(
    st.sampled_from([date(2026, 3, 10), date(2026, 4, 20), date(2027, 1, 5)]),
    st.dates(min_value=date(2025, 1, 1), max_value=YEAR.end),
)


@settings(max_examples=400, deadline=None)
@given(batch=st.lists(accounts(), min_size=1, max_size=8), issued=issue_dates)
def test_bills_worked_out_at_once_are_those_worked_out_one_at_a_time(batch, issued):
    assert in_bulk(batch, issued) == one_at_a_time(batch, issued)


def council_tax(*circumstances: Circumstance, band: str = "C", **dates: date) -> Account:
    liability = Liability(
        CT,
        dates.get("liable_from", YEAR.start),
        dates.get("liable_to"),
        (Valuation(date.min, Band(band)),),
        circumstances,
    )
    return Account(liability, None, False)


def award(pence: int, starts: date = YEAR.start) -> Circumstance:
    return Circumstance(K.COUNCIL_TAX_REDUCTION, starts, None, None, Money(pence))


def test_accounts_differing_only_in_their_award_share_one_situation():
    batch = [council_tax(award(10_000)), council_tax(award(20_000)), council_tax(award(30_000))]
    assert work_out_in_bulk(as_stored(batch), FIGURES, date(2026, 3, 10)).situations == 1
    assert in_bulk(batch, date(2026, 3, 10)) == one_at_a_time(batch, date(2026, 3, 10))


def test_an_award_above_the_charge_is_credited_up_to_it_and_leaves_no_instalments():
    # Band A: £1,333.33; an award of £2,000.00 leaves nothing to pay.
    (bill,) = in_bulk([council_tax(award(200_000), band="A")], date(2026, 3, 10))
    assert bill[1] == 0
    assert bill[2] == (
        '[{"description": "band A for 2026/27", "amount_pence": 133333}, '
        '{"description": "Council Tax Reduction", "amount_pence": -133333}]'
    )
    assert bill[3] == ()


def test_an_award_from_october_is_worked_out_with_its_own_amount():
    batch = [council_tax(award(36_500, date(2026, 10, 1))), council_tax(award(73_000))]
    assert in_bulk(batch, date(2026, 3, 10)) == one_at_a_time(batch, date(2026, 3, 10))


def test_a_part_year_award_is_apportioned_day_by_day():
    # From 1 July: 274 of 365 days; £365.00 x 274 / 365 = £274.00.
    batch = [council_tax(award(36_500), liable_from=date(2026, 7, 1))]
    (bill,) = in_bulk(batch, date(2026, 3, 10))
    assert '"Council Tax Reduction", "amount_pence": -27400}' in str(bill[2])
    assert in_bulk(batch, date(2026, 3, 10)) == one_at_a_time(batch, date(2026, 3, 10))


@settings(max_examples=200, deadline=None)
@given(
    postings=st.lists(
        st.tuples(
            st.integers(1, 10**12),
            st.sampled_from(["charge", "payment", "reversal", "adjustment"]),
            st.integers(-(10**12), 10**12),
            st.integers(1990, 2100),
            st.dates(min_value=date(1000, 1, 1)),
            st.dates(min_value=date(1000, 1, 1)),
            st.text(),
            st.none() | st.integers(1, 10**12),
            st.none() | st.integers(1, 10**12),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_content_hashes_built_as_columns_are_the_domains_posting_hash(postings):
    # Bill charges (like payments) are written with their hash's text built as columns
    # (bulk_allocation.content_hashes); it must be posting_hash's, to the byte.
    frame = pl.DataFrame(
        postings,
        schema={
            "account_id": pl.Int64,
            "kind": pl.String,
            "amount_pence": pl.Int64,
            "financial_year": pl.Int64,
            "effective_date": pl.Date,
            "posted_on": pl.Date,
            "reason": pl.String,
            "reverses_id": pl.Int64,
            "payment_id": pl.Int64,
        },
        orient="row",
    )
    expected = [
        posting_hash(
            account_id=account,
            kind=kind,
            amount_pence=pence,
            financial_year=year,
            effective_date=effective,
            posted_on=posted,
            reason=reason,
            reverses_id=reverses,
            payment_id=payment,
        )
        for account, kind, pence, year, effective, posted, reason, reverses, payment in postings
    ]
    assert content_hashes(frame).to_list() == expected
    as_text = frame.with_columns(pl.col("effective_date", "posted_on").dt.strftime("%Y-%m-%d"))
    assert content_hashes(as_text).to_list() == expected


def business_rates(value: str, *circumstances: Circumstance, **dates: date) -> Account:
    liability = Liability(
        NNDR,
        dates.get("liable_from", YEAR.start),
        dates.get("liable_to"),
        (Valuation(date.min, rateable_value=Money.parse(value)),),
        circumstances,
    )
    return Account(liability, None, False)


def relief(kind: CircumstanceKind) -> Circumstance:
    return Circumstance(kind, YEAR.start)


def test_business_rates_worked_out_from_each_value_are_the_rules():
    sbr, charity, rhl = (
        relief(K.SMALL_BUSINESS_RELIEF),
        relief(K.CHARITABLE_RELIEF),
        relief(K.RETAIL_HOSPITALITY_LEISURE),
    )
    batch = [
        business_rates("0"),
        business_rates("2899.99", charity),
        business_rates("12000", sbr),
        business_rates("12000.01", sbr),
        business_rates("13500", sbr),
        business_rates("14999.99", sbr, liable_from=date(2026, 7, 1)),
        business_rates("15000", sbr),
        business_rates("13500", sbr, charity),
        business_rates("50999.99", rhl),
        business_rates("51000", rhl, charity),
        business_rates("499999.99"),
        business_rates("500000", rhl),
        business_rates("123456.78", liable_to=date(2026, 12, 31)),
    ]
    issued = date(2026, 3, 10)
    worked = work_out_in_bulk(as_stored(batch), FIGURES, issued)
    assert worked.situations < len(batch)  # values shared no situation before
    assert in_bulk(batch, issued) == one_at_a_time(batch, issued)
