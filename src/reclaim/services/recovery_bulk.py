"""The recovery run's first notices as column arithmetic: the same decision the engine takes,
for a million accounts at once.

Most accounts in arrears on a run date have no step yet, nothing protecting them and no
costs: for them the engine (``domain/recovery/engine.py``) can only be in its "standing"
position, and its answer is the first notice stage of the strategy that answers the situation
(an instalment missed, or every instalment due) and the person (aged 65 or over, for soft
reminders), taken once its wait after the missed instalment has passed. This module computes
exactly that in Polars — the missed instalment by an as-of join on the plan's running total,
the amount demanded, the dates, and the reason in the engine's own words (its templates are
filled with columns) — and ``tests/unit/test_recovery_bulk.py`` proves with random
populations that it decides what the engine decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, timedelta
from typing import Any

import polars as pl

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.recovery.engine import (
    ALL_DUE_WHAT,
    arrears_asks,
    balance_asks,
    day_text,
    missed_what,
    notice_reason,
)
from reclaim.domain.recovery.strategy import (
    Condition,
    Demand,
    Eligibility,
    Stage,
    StageKind,
    Strategy,
)

ONE_DAY = timedelta(days=1)
_MARK = re.compile("(\x00[0-9]\x00)")


def money_text(column: str) -> pl.Expr:
    """Pence as people read them, exactly as ``Money.format``: "£1,234.56", "-£5.00"."""
    value = pl.col(column)
    magnitude = value.abs()
    pounds = magnitude // 100
    pence = (magnitude % 100).cast(pl.String).str.zfill(2)

    def group(x: pl.Expr) -> pl.Expr:
        return x.cast(pl.String).str.zfill(3)

    whole = (
        pl.when(pounds >= 1_000_000_000)
        .then(
            pl.concat_str(
                (pounds // 1_000_000_000).cast(pl.String),
                pl.lit(","),
                group((pounds // 1_000_000) % 1000),
                pl.lit(","),
                group((pounds // 1000) % 1000),
                pl.lit(","),
                group(pounds % 1000),
            )
        )
        .when(pounds >= 1_000_000)
        .then(
            pl.concat_str(
                (pounds // 1_000_000).cast(pl.String),
                pl.lit(","),
                group((pounds // 1000) % 1000),
                pl.lit(","),
                group(pounds % 1000),
            )
        )
        .when(pounds >= 1000)
        .then(pl.concat_str((pounds // 1000).cast(pl.String), pl.lit(","), group(pounds % 1000)))
        .otherwise(pounds.cast(pl.String))
    )
    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(sign, pl.lit("£"), whole, pl.lit("."), pence)


def date_text(column: str) -> pl.Expr:
    """A date as the engine writes it: "1 April 2026"."""
    return pl.col(column).dt.strftime("%-d %B %Y")


def filled(template: Callable[..., str], /, **parts: Any) -> pl.Expr:
    """The text ``template(**parts)`` makes, as an expression: column parts are put in where
    the template puts them, so the words stay the engine's."""
    marks: dict[str, pl.Expr] = {}
    args: dict[str, str] = {}
    for n, (name, part) in enumerate(parts.items()):
        if isinstance(part, pl.Expr):
            mark = f"\x00{n}\x00"
            marks[mark] = part
            args[name] = mark
        else:
            args[name] = part
    pieces = [p for p in _MARK.split(template(**args)) if p]
    return pl.concat_str([marks[p] if p in marks else pl.lit(p) for p in pieces])


def _first_stage(strategy: Strategy, condition: Condition, aged: bool) -> Stage | None:
    """The engine's choice for a standing year with no notice served yet."""
    for stage in strategy.stages:
        if stage.kind is not StageKind.NOTICE or condition not in stage.on:
            continue
        if stage.eligibility is Eligibility.AGED_65_OR_OVER and not aged:
            continue
        if stage.after_paying is not None:
            continue
        return stage
    return None


def first_notices(
    cases: pl.DataFrame,
    plans: pl.DataFrame,
    strategies: Mapping[tuple[str, int], tuple[Strategy, str]],
    country: Country,
    as_of: date,
) -> pl.DataFrame:
    """Notices due on ``as_of`` for years with no step yet, nothing protecting them, no costs.

    ``cases``: account_id, financial_year, plan_id, kind, paid (pence paid towards the year
    by ``as_of``), aged_65_or_over. ``plans``: plan_id, seq, due_date,
    amount_pence. ``strategies``: by (kind, financial_year), the strategy and its label.
    Returns one row per notice with the columns the run records (``NOTICE_SCHEMA``).
    """
    plan = _running(plans)
    outputs: list[pl.DataFrame] = []
    for (_, start_year), (strategy, label), all_due, group in _situations(
        _missed(cases, plan, as_of), strategies
    ):
        condition = Condition.ALL_INSTALMENTS_DUE if all_due else Condition.MISSED_INSTALMENT
        for aged in (False, True):
            stage = _first_stage(strategy, condition, aged)
            of_age = group.filter(pl.col("aged_65_or_over") == aged)
            if stage is not None and of_age.height:
                outputs.append(
                    _notices(
                        of_age,
                        plan,
                        stage,
                        label,
                        str(FinancialYear(start_year)),
                        all_due,
                        country,
                        as_of,
                    )
                )
    if not outputs:
        return _empty()
    return pl.concat(outputs).sort("account_id", "financial_year")


def _running(plans: pl.DataFrame) -> pl.DataFrame:
    """Each plan's instalments in order, with the running total ``cum``."""
    return plans.sort("plan_id", "seq").with_columns(
        pl.col("amount_pence").cum_sum().over("plan_id").alias("cum")
    )


def _missed(cases: pl.DataFrame, plan: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Each case with its first instalment not paid (``missed_due``, ``missed_pence``) where
    that fell due before ``as_of``, its plan's last due date and charge, and whether every
    instalment is due (``all_due``)."""
    per_plan = plan.group_by("plan_id").agg(
        pl.col("due_date").max().alias("last_due"), pl.col("amount_pence").sum().alias("charge")
    )
    return (
        cases.with_columns((pl.col("paid") + 1).alias("target"))
        .sort("target")
        .join_asof(
            plan.select("plan_id", "cum", "due_date", "amount_pence").sort("cum"),
            left_on="target",
            right_on="cum",
            by="plan_id",
            strategy="forward",
            check_sortedness=False,  # sorted by target and by cum above, within each plan too
        )
        .rename({"due_date": "missed_due", "amount_pence": "missed_pence"})
        .filter(pl.col("missed_due") < as_of)
        .join(per_plan, on="plan_id")
        .with_columns((pl.col("last_due") < as_of).alias("all_due"))
    )


def _situations(
    missed: pl.DataFrame, strategies: Mapping[tuple[str, int], tuple[Strategy, str]]
) -> Iterator[tuple[tuple[str, int], tuple[Strategy, str], bool, pl.DataFrame]]:
    """The missed cases by debt and year (with the strategy and label that answer them) and
    by whether every instalment is due, each group that has any."""
    for (kind, start_year), chosen in strategies.items():
        for all_due in (False, True):
            group = missed.filter(
                (pl.col("kind") == kind)
                & (pl.col("financial_year") == start_year)
                & (pl.col("all_due") == all_due)
            )
            if group.height:
                yield (kind, start_year), chosen, all_due, group


def first_notice_days(
    cases: pl.DataFrame,
    plans: pl.DataFrame,
    strategies: Mapping[tuple[str, int], tuple[Strategy, str]],
    country: Country,
    as_of: date,
) -> pl.DataFrame:
    """For years in arrears with no step yet (``cases`` as for ``first_notices``), the first
    day a first notice may be due: the earliest any first stage for the year's situation
    (an instalment missed, or every instalment due) has its wait after the missed instalment
    end, whether the person is 65 or over by then or not (so a birthday cannot bring it
    sooner). Until that day, unless a payment, a bill, an instalment falling due (which is
    how a year comes to have every instalment due), a step or a protection changes the year,
    no notice is due.
    Returns account_id, financial_year, wake_on (``date.max``: no first stage applies)."""
    outputs = [pl.DataFrame(schema=WAKE_SCHEMA)]
    for _, (strategy, _label), all_due, group in _situations(
        _missed(cases, _running(plans), as_of), strategies
    ):
        condition = Condition.ALL_INSTALMENTS_DUE if all_due else Condition.MISSED_INSTALMENT
        stages = [
            stage
            for aged in (False, True)
            if (stage := _first_stage(strategy, condition, aged)) is not None
        ]
        wakes = {
            d: min((s.wait.after(d, country) for s in stages), default=date.max)
            for d in group.get_column("missed_due").unique().to_list()
        }
        outputs.append(
            group.select(
                "account_id",
                "financial_year",
                pl.col("missed_due").replace_strict(wakes, return_dtype=pl.Date).alias("wake_on"),
            )
        )
    found = pl.concat(outputs)
    # A case with no missed instalment found (it should have one) is looked at again tomorrow.
    return (
        cases.select("account_id", "financial_year")
        .join(found, on=["account_id", "financial_year"], how="left")
        .with_columns(pl.col("wake_on").fill_null(as_of + ONE_DAY))
    )


WAKE_SCHEMA = {"account_id": pl.Int64, "financial_year": pl.Int64, "wake_on": pl.Date}


def _notices(
    group: pl.DataFrame,
    plan: pl.DataFrame,
    stage: Stage,
    label: str,
    year: str,
    all_due: bool,
    country: Country,
    as_of: date,
) -> pl.DataFrame:
    assert stage.pay_within is not None
    due_on = {
        d: stage.wait.after(d, country) for d in group.get_column("missed_due").unique().to_list()
    }
    group = group.with_columns(
        pl.col("missed_due").replace_strict(due_on, return_dtype=pl.Date).alias("due_on")
    ).filter(pl.col("due_on") <= as_of)
    if group.height == 0:
        return _empty()
    pay_by = stage.pay_within.after(as_of, country) - ONE_DAY
    if stage.demands is Demand.BALANCE:
        group = group.with_columns((pl.col("charge") - pl.col("paid")).alias("amount_pence"))
        asks = filled(balance_asks, amount=money_text("amount_pence"), year=year)
        through = None
    else:
        due_by = (
            plan.filter(pl.col("due_date") <= pay_by)
            .group_by("plan_id")
            .agg(pl.col("amount_pence").sum().alias("due_by_pay_by"))
        )
        group = group.join(due_by, on="plan_id", how="left").with_columns(
            (pl.col("due_by_pay_by").fill_null(0) - pl.col("paid")).alias("amount_pence")
        )
        asks = filled(arrears_asks, amount=money_text("amount_pence"), pay_by=day_text(pay_by))
        through = pay_by
    what: str | pl.Expr = (
        ALL_DUE_WHAT
        if all_due
        else filled(missed_what, amount=money_text("missed_pence"), due=date_text("missed_due"))
    )
    reason = filled(
        notice_reason,
        stage=stage,
        what=what,
        paid=money_text("paid"),
        year=year,
        on=day_text(as_of),
        asks=asks,
        pay_by=day_text(pay_by),
        served="",
    )
    return group.select(
        "account_id",
        "financial_year",
        pl.lit("notice").alias("action"),
        pl.lit(stage.name).alias("stage"),
        pl.lit(stage.title).alias("title"),
        pl.col("amount_pence").cast(pl.Int64),
        pl.lit(pay_by).alias("pay_by"),
        pl.lit(through, dtype=pl.Date).alias("demanded_through"),
        pl.lit(stage.letter).alias("letter"),
        pl.lit(label).alias("strategy"),
        reason.alias("reason"),
    )


NOTICE_SCHEMA = {
    "account_id": pl.Int64,
    "financial_year": pl.Int64,
    "action": pl.String,
    "stage": pl.String,
    "title": pl.String,
    "amount_pence": pl.Int64,
    "pay_by": pl.Date,
    "demanded_through": pl.Date,
    "letter": pl.String,
    "strategy": pl.String,
    "reason": pl.String,
}


# The run adds each account's reference and name to the notices it takes.
BULK_SCHEMA = {"reference": pl.String, "name": pl.String, **NOTICE_SCHEMA}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=NOTICE_SCHEMA)
