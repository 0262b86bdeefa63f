"""Business Rates bills as column arithmetic: each hereditament's lines from its own rateable
value, without working each value out on its own.

``business_rates_charge`` (domain) is the rule. Where a bill has one period (nothing changes
within the liable days), no empty-property rule in force and the property's one value (no
later valuation), its lines depend on the value only through:

* the multiplier whose band holds the value (``MultiplierTable.multiplier_for``): the annual
  charge is the value times that rate to the nearest penny (a half up, ``to_penny``),
  apportioned day by day over the period (``apportion``): the first line;
* mandatory charitable relief, the first line times the relief's share to the penny; or else
  small business rate relief: all of it up to the full-relief value, then a share tapering to
  nothing at the no-relief value (``small_business_relief``).

The words are the domain's: each multiplier's first line as the domain writes it for one value
in its band, with the account's own value in its place; each relief line as the domain writes
it for the first account with that relief and share. ``tests/unit/test_bulk_billing.py``
proves the bills equal to ``work_out``'s, account by account.
"""

from __future__ import annotations

import json

import polars as pl

from reclaim.calendar import FinancialYear
from reclaim.domain.charges import MultiplierTable, Occupation, business_rates_charge
from reclaim.money import Money

LIMIT = 2**62  # every product below stays inside 64-bit integers
ITEM = ', "amount_pence": '  # lines_json's text between a line's description and amount


def _half_up(numerator: pl.Expr, denominator: pl.Expr | int) -> pl.Expr:
    """numerator / denominator to the nearest whole number, a half up (neither negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def _first_line_texts(table: MultiplierTable) -> dict[int, tuple[str, str]]:
    """For each multiplier, the domain's first line around the value: (before, after)."""
    texts = {}
    for number, multiplier in enumerate(table.multipliers):
        rhl = bool(multiplier.retail_hospitality_leisure)
        sample = multiplier.from_rv
        if table.multiplier_for(sample, rhl=rhl) is not multiplier:
            continue  # a band that starts inside another's: its accounts are worked out alone
        (line,) = business_rates_charge(
            sample, table, liable_from=table.year.start, occupation=Occupation(rhl=rhl)
        )
        before, found, after = line.description.partition(str(sample))
        if found:
            texts[number] = (before, after)
    return texts


def _which_multiplier(table: MultiplierTable, usable: dict[int, tuple[str, str]]) -> pl.Expr:
    """The number of the first multiplier whose band holds the value (None: none does, or its
    words are not known)."""
    value = pl.col("rv_pence")
    which: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for number in reversed(range(len(table.multipliers))):
        multiplier = table.multipliers[number]
        holds = value >= multiplier.from_rv.pence
        if multiplier.below_rv is not None:
            holds = holds & (value < multiplier.below_rv.pence)
        if multiplier.retail_hospitality_leisure is not None:
            holds = holds & (pl.col("rhl") == multiplier.retail_hospitality_leisure)
        found = pl.lit(number if number in usable else None, dtype=pl.Int64)
        which = pl.when(holds).then(found).otherwise(which)
    return which


def with_rates(bills: pl.DataFrame, table: MultiplierTable, year: FinancialYear) -> pl.DataFrame:
    """base_pence and base_lines for the rows with ``rates_days`` (the period's days, with the
    flags charity, small_business and rhl), from rv_pence. A row the columns cannot take (a
    negative value, one no multiplier holds, one too large) is marked one_by_one instead."""
    rates = pl.col("rates_days").is_not_null()
    if bills.filter(rates).height == 0:
        return bills
    texts = _first_line_texts(table)
    value, days, in_year = pl.col("rv_pence"), pl.col("rates_days"), year.days()
    rate = {number: m.per_pound for number, m in enumerate(table.multipliers)}
    largest = max(r.numerator for r in rate.values()) * in_year
    bills = bills.with_columns(
        pl.when(rates).then(_which_multiplier(table, texts)).alias("multiplier")
    )
    alone = rates & (pl.col("multiplier").is_null() | (value < 0) | (value > LIMIT // largest))
    bills = bills.with_columns(
        (pl.col("one_by_one") | alone).alias("one_by_one"),
        pl.when(alone).then(None).otherwise(days).alias("rates_days"),
    )
    taking = bills.filter(rates)
    if taking.height == 0:
        return bills.drop("multiplier")

    numbers = pl.col("multiplier")
    annual = _half_up(
        value * numbers.replace_strict({n: r.numerator for n, r in rate.items()}),
        numbers.replace_strict({n: r.denominator for n, r in rate.items()}),
    )
    first = pl.when(days == in_year).then(annual).otherwise(_half_up(annual * days, in_year))
    charity = table.charitable_relief
    full = table.small_business_relief_full_to.pence
    none = table.small_business_relief_none_from.pence
    small = (
        pl.when(value <= full)
        .then(pl.col("first_pence"))
        .otherwise(_half_up(pl.col("first_pence") * (none - value), max(none - full, 1)))
    )
    relief = (
        pl.when(pl.col("charity"))
        .then(_half_up(pl.col("first_pence") * charity.numerator, charity.denominator))
        .when(pl.col("small_business") & (value < none))
        .then(small)
    )
    # Which relief line's words: charity's are one for all; small business relief's depend on
    # the share, one for every value up to the full-relief value, then one for each value.
    relief_key = (
        pl.when(pl.col("charity"))
        .then(-1)
        .when(pl.col("small_business") & (value < none))
        .then(pl.max_horizontal(value, full))
    )
    worked = (
        taking.with_columns(first.alias("first_pence"), relief_key.alias("relief_key"))
        .with_columns(relief.alias("relief_pence"))
        .join(_first_line_words(taking, texts), on=["rv_pence", "multiplier"], how="left")
        .join(_relief_words(taking, table, relief_key), on="relief_key", how="left")
    )
    relief_item = pl.concat_str(
        [
            pl.lit(', {"description": '),
            pl.col("relief_words"),
            pl.lit(ITEM),
            (-pl.col("relief_pence")).cast(pl.String),
            pl.lit("}"),
        ]
    )
    lines = pl.concat_str(
        [
            pl.lit('[{"description": '),
            pl.col("first_words"),
            pl.lit(ITEM),
            pl.col("first_pence").cast(pl.String),
            pl.lit("}"),
            pl.when(pl.col("relief_pence").is_not_null()).then(relief_item).otherwise(pl.lit("")),
            pl.lit("]"),
        ]
    )
    computed = worked.select(
        "account_id",
        (pl.col("first_pence") - pl.col("relief_pence").fill_null(0)).alias("rates_pence"),
        lines.alias("rates_lines"),
    )
    return (
        bills.join(computed, on="account_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(rates)
            .then(pl.col("rates_pence"))
            .otherwise(pl.col("base_pence"))
            .alias("base_pence"),
            pl.when(rates)
            .then(pl.col("rates_lines"))
            .otherwise(pl.col("base_lines"))
            .alias("base_lines"),
        )
        .drop("multiplier", "rates_pence", "rates_lines")
    )


def _first_line_words(taking: pl.DataFrame, texts: dict[int, tuple[str, str]]) -> pl.DataFrame:
    """The first line's description (as JSON text) for each distinct value and multiplier."""
    distinct = taking.select("rv_pence", "multiplier").unique()
    return distinct.with_columns(
        pl.Series(
            "first_words",
            [
                json.dumps(texts[number][0] + str(Money(rv)) + texts[number][1], ensure_ascii=False)
                for rv, number in distinct.iter_rows()
            ],
            dtype=pl.String,
        )
    )


def _relief_words(taking: pl.DataFrame, table: MultiplierTable, key: pl.Expr) -> pl.DataFrame:
    """The relief line's description (as JSON text) for each relief key, as the domain writes
    it for the first account with that key (a whole year at its value)."""
    firsts = (
        taking.with_columns(key.alias("relief_key"))
        .filter(pl.col("relief_key").is_not_null())
        .unique("relief_key", keep="first", maintain_order=True)
    )
    words = []
    for relief_key, rv, charity, small, rhl in firsts.select(
        "relief_key", "rv_pence", "charity", "small_business", "rhl"
    ).iter_rows():
        occupation = Occupation(small_business=small, charity=charity, rhl=rhl)
        lines = business_rates_charge(
            Money(rv), table, liable_from=table.year.start, occupation=occupation
        )
        words.append((relief_key, json.dumps(lines[1].description, ensure_ascii=False)))
    return pl.DataFrame(
        words, schema={"relief_key": pl.Int64, "relief_words": pl.String}, orient="row"
    )
