"""The first bills' instalments as column arithmetic: a million charges' statutory instalments
without spreading each charge on its own.

``first_bill_instalments`` (domain) is the rule. Every first bill on the same terms (kind,
instalment day, 10 or 12) starts on the same day and may take the same number of months
(``first_bill_months``); the dates are the domain's (``monthly_dates``). Only the amounts
depend on the charge: para 2(5)-(6) (every instalment but the first is the charge over their
number to the nearest pound, the first takes what is left) and the small-instalment rule
(``instalments_within_small_rule``), here as columns. A plan is these dates and amounts, named
by its fingerprint (``plan_fingerprint``'s text). ``tests/unit/test_bulk_billing.py`` proves
the instalments equal to ``work_out``'s, account by account.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.domain.accounts import AccountKind
from reclaim.domain.bills import BillTerms, first_bill_months, rules_for
from reclaim.domain.instalments import monthly_dates
from reclaim.domain.ledger import hash_of_text
from reclaim.money import Rounding


def with_instalments(
    bills: pl.DataFrame, year: FinancialYear, issued_on: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each charged account's plan (its fingerprint), and the plans' instalments."""
    terms, dates = _terms_tables(bills, year, issued_on)
    charged = bills.filter(pl.col("not_billed").is_null() & (pl.col("charge_pence") > 0))
    shaped = _amounts(charged.join(terms, on=["kind", "day", "twelve"]))
    plan_key = ["terms", "count", "first_pence", "rest_pence"]
    distinct = shaped.select(plan_key).unique()
    due = {
        number: list(group.sort("seq").get_column("due_date"))
        for (number,), group in dates.group_by("terms")
    }
    fingerprints = [
        hash_of_text(
            f"{due[terms][0]}:{first}" + "".join(f"|{day}:{rest}" for day in due[terms][1:count])
        )
        for terms, count, first, rest in distinct.iter_rows()
    ]
    distinct = distinct.with_columns(pl.Series("fingerprint", fingerprints, dtype=pl.String))
    plans = (
        distinct.unique("fingerprint")  # plans on other terms may share dates and amounts
        .join(dates, on="terms")
        .filter(pl.col("seq") <= pl.col("count"))
        .select(
            "fingerprint",
            "seq",
            "due_date",
            pl.when(pl.col("seq") == 1)
            .then(pl.col("first_pence"))
            .otherwise(pl.col("rest_pence"))
            .alias("amount_pence"),
        )
    )
    planned = shaped.join(distinct, on=plan_key, how="left").select("account_id", "fingerprint")
    bills = bills.join(planned, on="account_id", how="left", maintain_order="left")
    return bills, plans


def _terms_tables(
    bills: pl.DataFrame, year: FinancialYear, issued_on: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """For each distinct terms (kind, day, twelve): when its first bills' instalments start,
    how many there may be and the rules' figures (``terms``); and the dates (``dates``)."""
    terms_rows, dates_rows = [], []
    distinct = bills.select("kind", "day", "twelve").unique(maintain_order=True)
    for number, (kind, day, twelve) in enumerate(distinct.iter_rows()):
        rules = rules_for(AccountKind(kind))
        instalment_day = InstalmentDay(day)
        terms = BillTerms(year, issued_on, instalment_day, rules, twelve=twelve)
        first, count = first_bill_months(terms)
        tie = {Rounding.HALF_UP: "up", Rounding.HALF_EVEN: "even"}.get(rules.tie, "down")
        terms_rows.append((kind, day, twelve, number, count, rules.small.pence, tie))
        for seq, due in enumerate(monthly_dates(first, instalment_day, count), start=1):
            dates_rows.append((number, seq, due.isoformat()))
    terms_frame = pl.DataFrame(
        terms_rows,
        schema={
            "kind": pl.String,
            "day": pl.String,
            "twelve": pl.Boolean,
            "terms": pl.Int64,
            "months": pl.Int64,
            "small": pl.Int64,
            "tie": pl.String,
        },
        orient="row",
    )
    dates_frame = pl.DataFrame(
        dates_rows, schema={"terms": pl.Int64, "seq": pl.Int64, "due_date": pl.String}, orient="row"
    )
    return terms_frame, dates_frame


def _split(charge: pl.Expr, count: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Para 2(5)-(6) (``instalment_amounts``): every instalment but the first is charge ÷ count
    to the nearest pound (an exact half by the rules' tie), the first takes what is left.
    Returns (first, rest) in pence; with one instalment the first is the charge."""
    whole = 100 * count
    pounds, left = charge // whole, charge % whole
    tie_up = (
        pl.when(pl.col("tie") == "up")
        .then(True)
        .when(pl.col("tie") == "even")
        .then(pounds % 2 == 1)
        .otherwise(False)
    )
    up = (2 * left > whole) | ((2 * left == whole) & tie_up)
    rest = (pounds + up.cast(pl.Int64)) * 100
    first = pl.when(count == 1).then(charge).otherwise(charge - (count - 1) * rest)
    return first, pl.when(count == 1).then(charge).otherwise(rest)


def _amounts(charged: pl.DataFrame) -> pl.DataFrame:
    """count, first_pence and rest_pence after the small-instalment rule
    (``instalments_within_small_rule``): if any instalment would be below the rules' small sum,
    a charge under twice that sum is one instalment, and otherwise the count becomes the number
    of whole small sums the charge holds (never more than before)."""
    charge, months, small = pl.col("charge_pence"), pl.col("months"), pl.col("small")
    first, rest = _split(charge, months)
    fewer = (
        pl.when(pl.min_horizontal(first, rest) >= small)
        .then(months)
        .when(charge < 2 * small)
        .then(1)
        .otherwise(pl.min_horizontal(months, charge // small))
    )
    shaped = charged.with_columns(fewer.alias("count"))
    first, rest = _split(charge, pl.col("count"))
    return shaped.with_columns(first.alias("first_pence"), rest.alias("rest_pence"))
