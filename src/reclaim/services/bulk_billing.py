"""Working bills out, without the database: one account's, and a whole council's at once.

``work_out`` is the rule for one account: the domain's lines (``bill_lines``) and the first
bill's statutory instalments (``first_bill_instalments``). The annual run needs the same for a
million accounts, and nearly every account's bill is its own: each Council Tax Reduction award
is its own amount, and each charge its own instalments. ``work_out_in_bulk`` gets there in
three parts:

1. **Situations.** Each account is given a key naming what its lines depend on (kind, band or
   rateable value, parish, liable days, circumstances, later valuations), leaving out the
   instalment terms and an account's one Council Tax Reduction award in the year. ``work_out``'s
   rules run once per distinct key: about three hundred situations in a million accounts.
   A business rates account whose property has one value leaves the value out of its key too:
   where its bill has one period and no empty-property rule, its lines are worked out from its
   own value as column arithmetic (``bulk_rates``).
2. **The award.** Where the situation has one period (nothing changes within the liable days)
   and the award is in force in it, and there is no exemption, the award is the last line of
   the bill (``council_tax_charge``): apportioned day by day over the period (to the nearest
   penny, a half up) and credited up to what is payable. That is column arithmetic on each
   account's award. Any other situation with an award (one that starts or ends mid-year) is
   worked out account by account with its award, as ``work_out`` does.
3. **Instalments.** Every first bill on the same terms (kind, instalment day, 10 or 12) starts
   on the same day and may take the same number of months (``first_bill_months``); the amounts
   are para 2(5)-(6) and the small-instalment rule (``instalments_within_small_rule``) as column
   arithmetic on each charge (``bulk_instalments``). A plan is these dates and amounts, named by
   its fingerprint.

``tests/unit/test_bulk_billing.py`` proves ``work_out_in_bulk`` gives every account exactly the
lines, charge and instalments ``work_out`` gives it, over random accounts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.domain.accounts import AccountKind
from reclaim.domain.bills import BillTerms, first_bill_instalments
from reclaim.domain.charges import ChargeLine, CouncilTaxYear, MultiplierTable
from reclaim.domain.ledger import hash_of_text
from reclaim.domain.liability import (
    Circumstance,
    CircumstanceKind,
    Liability,
    NotBillable,
    Valuation,
    bill_lines,
    periods,
)
from reclaim.domain.properties import Band
from reclaim.domain.schedules import Instalment
from reclaim.money import Money
from reclaim.services.bulk_instalments import with_instalments
from reclaim.services.bulk_rates import with_rates

CTR = CircumstanceKind.COUNCIL_TAX_REDUCTION
CTR_LINE = "Council Tax Reduction"  # the description council_tax_charge gives the credit


@dataclass(frozen=True, slots=True)
class YearFigures:
    council_id: int
    year: FinancialYear
    default_day: InstalmentDay
    council_tax: CouncilTaxYear | None
    business_rates: MultiplierTable | None


# One account ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkedBill:
    """A bill worked out for one situation: its lines and instalments, or why not."""

    lines: tuple[ChargeLine, ...] = ()
    instalments: tuple[Instalment, ...] = ()
    not_billed: str | None = None

    @property
    def fingerprint(self) -> str | None:
        return plan_fingerprint(self.instalments) if self.instalments else None

    @property
    def charge(self) -> Money:
        return sum((line.amount for line in self.lines), Money.zero())


def work_out(liability: Liability, figures: YearFigures, terms: BillTerms) -> WorkedBill:
    bill = _lines(liability, figures)
    if bill.not_billed is not None:
        return bill
    return WorkedBill(bill.lines, first_bill_instalments(bill.charge, terms))


def _lines(liability: Liability, figures: YearFigures) -> WorkedBill:
    try:
        lines = bill_lines(
            liability,
            figures.year,
            council_tax=figures.council_tax,
            business_rates=figures.business_rates,
        )
    except NotBillable as why:
        return WorkedBill(not_billed=str(why))
    return WorkedBill(tuple(lines))


def lines_json(lines: Sequence[ChargeLine]) -> str:
    return json.dumps(
        [{"description": line.description, "amount_pence": line.amount.pence} for line in lines],
        ensure_ascii=False,
    )


def lines_of(text: str) -> list[ChargeLine]:
    return [
        ChargeLine(item["description"], Money(item["amount_pence"])) for item in json.loads(text)
    ]


def plan_fingerprint(instalments: Sequence[Instalment]) -> str:
    return hash_of_text("|".join(f"{i.due_date.isoformat()}:{i.amount.pence}" for i in instalments))


def stored_circumstance(
    kind: str, starts: date, ends: date | None, detail: str | None, amount_pence: int | None
) -> Circumstance:
    """A circumstance from its stored columns."""
    money = None if amount_pence is None else Money(amount_pence)
    return Circumstance(CircumstanceKind(kind), starts, ends, detail or None, money)


def stored_valuation(effective: date, band: str | None, rv_pence: int | None) -> Valuation:
    """A valuation from its stored columns."""
    value = None if rv_pence is None else Money(rv_pence)
    return Valuation(effective, Band(band) if band else None, value)


# Situation keys ---------------------------------------------------------------------------

# Columns of the accounts frame: account_id, kind, start_date, end_date, instalment_day,
# instalments, property_id, band, rv_pence, parish (and whatever else the caller keeps).
# Circumstance rows: account_id, kind, starts_on, ends_on, detail, amount_pence, ordered by
# account, kind, start and id. Valuation rows: property_id, effective_from, band, rv_pence, in
# date order.


def circumstance_texts(rows: pl.DataFrame, year: FinancialYear) -> pl.DataFrame:
    """Each account's circumstances in the year as text (account_id, circumstances, ctr_pence).

    An account's one Council Tax Reduction award in the year is left out of the text and
    carried in ``ctr_pence``, so that accounts differing only in their award share a key.
    Dates are clipped to the year where that cannot change the bill: an empty property's free
    months count from when it fell empty, so its start is kept up to a year back (beyond which
    no free months can remain); other circumstances start with the year at the earliest.
    """
    earliest = (
        pl.when(pl.col("kind") == CircumstanceKind.EMPTY.value)
        .then(pl.lit(year.start - timedelta(days=366)))
        .otherwise(pl.lit(year.start))
    )
    is_ctr = pl.col("kind") == CTR.value
    lone_award = is_ctr & (is_ctr.sum().over("account_id") == 1)
    text = pl.concat_str(
        [
            pl.col("kind"),
            pl.max_horizontal("starts_on", earliest).dt.strftime("%Y-%m-%d"),
            pl.min_horizontal("ends_on", pl.lit(year.end)).dt.strftime("%Y-%m-%d").fill_null(""),
            pl.col("detail").fill_null(""),
            pl.when(lone_award)
            .then(pl.lit(""))
            .otherwise(pl.col("amount_pence").cast(pl.String).fill_null("")),
        ],
        separator=",",
    )
    return (
        rows.with_columns(
            text.alias("text"),
            pl.when(lone_award).then(pl.col("amount_pence")).alias("ctr_pence"),
        )
        .group_by("account_id", maintain_order=True)
        .agg(pl.col("text").str.join(";").alias("circumstances"), pl.col("ctr_pence").max())
    )


def valuation_texts(rows: pl.DataFrame, year: FinancialYear) -> pl.DataFrame:
    """Each property's later valuations as text (property_id, valuations)."""
    text = pl.concat_str(
        [
            pl.max_horizontal("effective_from", pl.lit(year.start)).dt.strftime("%Y-%m-%d"),
            pl.col("band").fill_null(""),
            pl.col("rv_pence").cast(pl.String).fill_null(""),
        ],
        separator=",",
    )
    return (
        rows.with_columns(text.alias("text"))
        .group_by("property_id", maintain_order=True)
        .agg(pl.col("text").str.join(";").alias("valuations"))
    )


SITUATION = (
    "kind",
    "band",
    "rv_pence",
    "parish",
    "liable_from",
    "liable_to",
    "circumstances",
    "valuations",
)


def with_situation_keys(
    accounts: pl.DataFrame,
    circumstances: pl.DataFrame,
    valuations: pl.DataFrame,
    figures: YearFigures,
) -> pl.DataFrame:
    """The accounts with their circumstances and valuations as text, their instalment terms
    (day, twelve) and ``key``, naming the situation their lines depend on."""
    year = figures.year
    start = pl.max_horizontal(pl.col("start_date"), pl.lit(year.start))
    end = pl.min_horizontal(pl.col("end_date"), pl.lit(year.end))
    keyed = (
        accounts.join(circumstances, on="account_id", how="left")
        .join(valuations, on="property_id", how="left")
        .with_columns(
            start.alias("liable_from"),
            pl.when(pl.col("end_date").is_null()).then(None).otherwise(end).alias("liable_to"),
            pl.col("instalment_day").fill_null(figures.default_day.value).alias("day"),
            (pl.col("instalments") == 12).fill_null(False).alias("twelve"),
            pl.col("circumstances").fill_null(""),
            pl.col("valuations").fill_null(""),
        )
    )
    # A business rates account whose property has one value: the key leaves the value out
    # (each account's own is in rv_pence), so that accounts differing only in it share a key.
    own_value = (
        (pl.col("kind") == AccountKind.BUSINESS_RATES.value)
        & (pl.col("valuations") == "")
        & pl.col("rv_pence").is_not_null()
    )
    keyed = keyed.with_columns(own_value.alias("own_value"))
    parts = [
        pl.when(own_value).then(pl.lit("own")).otherwise(pl.col(p).cast(pl.String).fill_null(""))
        if p == "rv_pence"
        else pl.col(p).cast(pl.String).fill_null("")
        for p in SITUATION
    ]
    return keyed.with_columns(pl.concat_str(parts, separator="|").alias("key"))


def _circumstance_of(text: str) -> Circumstance | tuple[date, date | None]:
    """A circumstance from its text; a lone award (its amount left out) as its dates."""
    kind, starts, ends, detail, amount = text.split(",")
    start_day = date.fromisoformat(starts)
    end_day = date.fromisoformat(ends) if ends else None
    if kind == CTR.value and not amount:
        return start_day, end_day
    return stored_circumstance(kind, start_day, end_day, detail, int(amount) if amount else None)


def _valuation_of(text: str) -> Valuation:
    effective, band, value = text.split(",")
    return stored_valuation(date.fromisoformat(effective), band, int(value) if value else None)


def liability_of(row: dict[str, Any], award: int | None = None) -> Liability:
    """The domain's view of a situation, from a row of the keyed frame; a lone award left out of
    its text is left out of the liability unless ``award`` is given."""
    base = stored_valuation(date.min, row["band"], row["rv_pence"])
    later = [_valuation_of(text) for text in row["valuations"].split(";") if text]
    circumstances = []
    for text in row["circumstances"].split(";"):
        if not text:
            continue
        found = _circumstance_of(text)
        if isinstance(found, Circumstance):
            circumstances.append(found)
        elif award is not None:
            circumstances.append(Circumstance(CTR, found[0], found[1], None, Money(award)))
    return Liability(
        kind=AccountKind(row["kind"]),
        liable_from=row["liable_from"],
        liable_to=row["liable_to"],
        valuations=(base, *later),
        circumstances=tuple(circumstances),
        parish=row["parish"] or None,
    )


def _lone_award(row: dict[str, Any]) -> tuple[date, date | None] | None:
    for text in row["circumstances"].split(";"):
        if text:
            found = _circumstance_of(text)
            if not isinstance(found, Circumstance):
                return found
    return None


# The whole council at once ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BulkBills:
    """``bills``: the keyed accounts with charge_pence, lines (JSON), not_billed and fingerprint
    (None when nothing is charged). ``plans``: one row per instalment of each plan the bills
    use: fingerprint, seq, due_date (ISO text), amount_pence."""

    bills: pl.DataFrame
    plans: pl.DataFrame
    situations: int


SITUATION_OUTCOME = {
    "key": pl.String,
    "not_billed": pl.String,
    "base_pence": pl.Int64,
    "base_lines": pl.String,
    "award_days": pl.Int64,  # the award is credited over this many days (None: no credit)
    "one_by_one": pl.Boolean,  # an award or value the situation cannot take in columns
    "rates_days": pl.Int64,  # business rates worked out from each value over these days
    "charity": pl.Boolean,
    "small_business": pl.Boolean,
    "rhl": pl.Boolean,
}


def work_out_in_bulk(keyed: pl.DataFrame, figures: YearFigures, issued_on: date) -> BulkBills:
    """Every account's lines, charge and first-bill instalments, as ``work_out`` gives them."""
    situations = keyed.unique("key", maintain_order=True)
    outcome = pl.DataFrame(
        [_situation(row, figures) for row in situations.iter_rows(named=True)],
        schema=SITUATION_OUTCOME,
        orient="row",
    )
    bills = keyed.join(outcome, on="key", how="left", maintain_order="left")
    if figures.business_rates is not None:
        bills = with_rates(bills, figures.business_rates, figures.year)
    bills = _one_by_one(bills, figures)
    bills = _with_award(bills, figures.year)
    bills, plans = with_instalments(bills, figures.year, issued_on)
    return BulkBills(bills, plans, situations.height)


def _situation(row: dict[str, Any], figures: YearFigures) -> tuple[Any, ...]:
    """One situation's outcome (the columns of SITUATION_OUTCOME)."""
    key = row["key"]
    if row["own_value"]:
        return _rates_situation(row, figures)
    lone = _lone_award(row)
    liability = liability_of(row)
    if lone is not None:
        with_award = liability_of(row, award=1)  # here only its dates matter
        cut = periods(with_award, figures.year)
        if len(cut) != 1:
            return key, None, None, None, None, True, None, None, None, None
    worked = _lines(liability, figures)
    if worked.not_billed is not None:
        return key, worked.not_billed, None, None, None, False, None, None, None, None
    days = None
    if lone is not None:
        (period,) = cut
        exempt = with_award.in_force(CircumstanceKind.EXEMPTION, period.start)
        if exempt is None and with_award.in_force(CTR, period.start) is not None:
            days = (period.end - period.start).days + 1
    lines = lines_json(worked.lines)
    return key, None, worked.charge.pence, lines, days, False, None, None, None, None


def _rates_situation(row: dict[str, Any], figures: YearFigures) -> tuple[Any, ...]:
    """A business rates situation without its value: worked out from each account's value in
    columns (``bulk_rates``) where it has one period and no empty-property rule."""
    key = row["key"]
    liability = liability_of(row)  # the first account's value; here only dates and reliefs
    cut = periods(liability, figures.year)
    if figures.business_rates is None or len(cut) != 1:
        return key, None, None, None, None, True, None, None, None, None
    (period,) = cut
    if liability.in_force(CircumstanceKind.EMPTY, period.start) is not None:
        return key, None, None, None, None, True, None, None, None, None

    def has(kind: CircumstanceKind) -> bool:
        return liability.in_force(kind, period.start) is not None

    days = (period.end - period.start).days + 1
    return (
        key,
        None,
        None,
        None,
        None,
        False,
        days,
        has(CircumstanceKind.CHARITABLE_RELIEF),
        has(CircumstanceKind.SMALL_BUSINESS_RELIEF),
        has(CircumstanceKind.RETAIL_HOSPITALITY_LEISURE),
    )


def _one_by_one(bills: pl.DataFrame, figures: YearFigures) -> pl.DataFrame:
    """Accounts whose award cannot be a credit line on their situation's bill, or whose value
    cannot be worked out in columns, worked out with their own award and value."""
    alone = bills.filter(pl.col("one_by_one"))
    if alone.height == 0:
        return bills
    parts = [pl.col(c).cast(pl.String).fill_null("") for c in ("key", "ctr_pence", "rv_pence")]
    alone = alone.with_columns(pl.concat_str(parts, separator="|").alias("own_key"))
    worked = []
    for row in alone.unique("own_key", maintain_order=True).iter_rows(named=True):
        bill = _lines(liability_of(row, award=row["ctr_pence"]), figures)
        lines = None if bill.not_billed else lines_json(bill.lines)
        pence = None if bill.not_billed else bill.charge.pence
        worked.append((row["own_key"], bill.not_billed, pence, lines))
    own = pl.DataFrame(
        worked,
        schema={
            "own_key": pl.String,
            "own_not_billed": pl.String,
            "own_pence": pl.Int64,
            "own_lines": pl.String,
        },
        orient="row",
    )
    found = alone.select("account_id", "own_key").join(own, on="own_key").drop("own_key")
    mine = pl.col("one_by_one")
    return (
        bills.join(found, on="account_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(mine)
            .then(pl.col("own_not_billed"))
            .otherwise(pl.col("not_billed"))
            .alias("not_billed"),
            pl.when(mine)
            .then(pl.col("own_pence"))
            .otherwise(pl.col("base_pence"))
            .alias("base_pence"),
            pl.when(mine)
            .then(pl.col("own_lines"))
            .otherwise(pl.col("base_lines"))
            .alias("base_lines"),
        )
        .drop("own_not_billed", "own_pence", "own_lines")
    )


def _award_fragment() -> tuple[str, str]:
    """The JSON of the credit line around its amount, as ``lines_json`` writes it."""
    whole = lines_json([ChargeLine(CTR_LINE, Money(-12345))])
    before, after = whole.split("-12345")
    return ", " + before.removeprefix("["), after


def _with_award(bills: pl.DataFrame, year: FinancialYear) -> pl.DataFrame:
    """charge_pence and lines: the situation's, with the account's award as a credit line where
    it is one (``council_tax_charge``: the award apportioned over the period's days, to the
    nearest penny with a half up, and credited up to what is payable)."""
    days, in_year = pl.col("award_days"), year.days()
    award = (
        pl.when(days == in_year)
        .then(pl.col("ctr_pence"))
        .otherwise((2 * pl.col("ctr_pence") * days + in_year) // (2 * in_year))
    )
    credited = days.is_not_null() & pl.col("ctr_pence").is_not_null() & (award > 0)
    credit = pl.when(credited).then(pl.min_horizontal(award, pl.col("base_pence"))).otherwise(0)
    before, after = _award_fragment()
    return bills.with_columns(credit.alias("credit")).with_columns(
        (pl.col("base_pence") - pl.col("credit")).alias("charge_pence"),
        pl.when(credited)
        .then(
            pl.concat_str(
                [
                    pl.col("base_lines").str.strip_suffix("]"),
                    pl.lit(before),
                    (-pl.col("credit")).cast(pl.String),
                    pl.lit(after),
                ]
            )
        )
        .otherwise(pl.col("base_lines"))
        .alias("lines"),
    )
