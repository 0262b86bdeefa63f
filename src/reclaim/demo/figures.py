"""The year-end figures of a council, read from its ledger and recovery events.

In-year collection, month by month: for each account, what was paid towards the year by the
month's end (payments less returned payments), counted up to the year's net charge (charges
and adjustments: what is left after discounts, exemptions, reductions and reliefs), over the
total net charge. Costs are reckoned to be paid last, so a payment of costs never counts as
collection. The money in each stage is each account's balance at the year's end by the last
recovery step taken on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Connection, text

from reclaim.calendar import FinancialYear, last_day_of_month

KINDS = {"council_tax": "Council Tax", "business_rates": "Business Rates"}
STAGE_ORDER = (
    "no recovery step",
    "reminder",
    "second_reminder",
    "final_notice",
    "summons",
    "liability_order",
    "withdrawn",
    "review",
)
STAGE_WORDS = {
    "no recovery step": "No recovery step",
    "reminder": "Reminder",
    "second_reminder": "Second reminder",
    "final_notice": "Final notice",
    "summons": "Summons",
    "liability_order": "Liability order",
    "withdrawn": "Summons withdrawn",
    "review": "Officer's review",
}


@dataclass(frozen=True, slots=True)
class Collection:
    kind: str
    net_debit_pence: int
    month_ends: tuple[date, ...]
    collected_pence: tuple[int, ...]  # cumulative, at each month end
    target: tuple[float, ...]

    @property
    def rates(self) -> tuple[float, ...]:
        if self.net_debit_pence == 0:
            return tuple(0.0 for _ in self.collected_pence)
        return tuple(round(100 * c / self.net_debit_pence, 2) for c in self.collected_pence)

    @property
    def final_rate(self) -> float:
        return self.rates[-1] if self.rates else 0.0

    @property
    def widest_gap(self) -> float:
        """The largest distance, in points, between the curve and the target profile."""
        return max((abs(r - t) for r, t in zip(self.rates, self.target, strict=True)), default=0)


@dataclass(frozen=True, slots=True)
class StageMoney:
    stage: str
    accounts: int
    balance_pence: int


@dataclass(slots=True)
class YearEnd:
    council: str
    year: FinancialYear
    collections: list[Collection] = field(default_factory=list)
    steps: dict[str, int] = field(default_factory=dict)  # e.g. "Reminder" -> count
    stages: list[StageMoney] = field(default_factory=list)
    holds: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)  # what else happened in the year


def _frame(conn: Connection, sql: str, params: dict[str, Any]) -> pl.DataFrame:
    result = conn.execute(text(sql), params)
    return pl.DataFrame(
        [tuple(row) for row in result.all()],
        schema=list(result.keys()),
        orient="row",
        infer_schema_length=None,
    )


def year_end(
    conn: Connection, council_code: str, year: FinancialYear, targets: dict[str, tuple[float, ...]]
) -> YearEnd:
    params = {"code": council_code, "year": year.start_year}
    found = YearEnd(council_code, year)
    postings = _frame(
        conn,
        "SELECT p.account_id, a.kind AS account_kind, p.kind, p.amount_pence, "
        "p.effective_date, r.kind AS reverses_kind FROM postings p "
        "JOIN accounts a ON a.id = p.account_id JOIN councils c ON c.id = a.council_id "
        "LEFT JOIN postings r ON r.id = p.reverses_id "
        "WHERE c.code = :code AND p.financial_year = :year",
        params,
    )
    month_ends = tuple(last_day_of_month(y, m) for y, m in year.months())
    for kind, words in KINDS.items():
        mine = postings.filter(pl.col("account_kind") == kind)
        debit = (
            mine.filter(pl.col("kind").is_in(["charge", "adjustment"]))
            .group_by("account_id")
            .agg(pl.col("amount_pence").sum().alias("debit"))
        )
        paying = mine.filter(
            (pl.col("kind") == "payment")
            | ((pl.col("kind") == "reversal") & (pl.col("reverses_kind") == "payment"))
        )
        if paying.schema["effective_date"] == pl.String:
            paying = paying.with_columns(pl.col("effective_date").str.to_date())
        collected = []
        for end in month_ends:
            paid = (
                paying.filter(pl.col("effective_date") <= end)
                .group_by("account_id")
                .agg((-pl.col("amount_pence").sum()).alias("paid"))
            )
            joined = debit.join(paid, on="account_id", how="left").with_columns(
                pl.col("paid").fill_null(0)
            )
            counted = joined.select(
                pl.min_horizontal(pl.max_horizontal(pl.col("paid"), 0), pl.col("debit").clip(0))
                .sum()
                .alias("counted")
            ).item()
            collected.append(int(counted or 0))
        total = int(debit.select(pl.col("debit").clip(0).sum()).item() or 0)
        found.collections.append(
            Collection(words, total, month_ends, tuple(collected), targets.get(kind, ()))
        )
    events = _frame(
        conn,
        "SELECT e.account_id, e.action, e.stage, e.id FROM recovery_events e "
        "JOIN accounts a ON a.id = e.account_id JOIN councils c ON c.id = a.council_id "
        "WHERE c.code = :code AND e.financial_year = :year ORDER BY e.id",
        params,
    )
    found.steps = _step_counts(events)
    found.stages = _money_by_stage(conn, events, params)
    found.holds = _holds(conn, params)
    return found


def _step_counts(events: pl.DataFrame) -> dict[str, int]:
    counts: dict[str, int] = {}
    if events.height == 0:
        return counts
    for action, stage, n in (
        events.group_by("action", "stage").len().sort("action", "stage").iter_rows()
    ):
        if action == "notice":
            what = STAGE_WORDS.get(stage, stage.replace("_", " ").capitalize())
        elif action == "balance_due":
            what = "Balance due (instalments lost)"
        else:
            what = STAGE_WORDS.get(action, action.replace("_", " ").capitalize())
        counts[what] = counts.get(what, 0) + n
    return counts


def _money_by_stage(
    conn: Connection, events: pl.DataFrame, params: dict[str, Any]
) -> list[StageMoney]:
    balances = _frame(
        conn,
        "SELECT b.account_id, b.balance_pence FROM account_balances b "
        "JOIN accounts a ON a.id = b.account_id JOIN councils c ON c.id = a.council_id "
        "WHERE c.code = :code AND a.kind IN ('council_tax', 'business_rates')",
        params,
    )
    last = (
        events.filter(pl.col("action") != "balance_due")
        .with_columns(
            pl.when(pl.col("action") == "notice")
            .then(pl.col("stage"))
            .otherwise(pl.col("action"))
            .alias("where")
        )
        .group_by("account_id")
        .agg(pl.col("where").sort_by("id").last())
    )
    stage_of = balances.join(last, on="account_id", how="left").with_columns(
        pl.col("where").fill_null("no recovery step")
    )
    owing = stage_of.filter(pl.col("balance_pence") > 0)
    summed = {
        where: (n, total)
        for where, n, total in owing.group_by("where")
        .agg(pl.len(), pl.col("balance_pence").sum())
        .iter_rows()
    }
    order = list(STAGE_ORDER) + sorted(set(summed) - set(STAGE_ORDER))
    return [
        StageMoney(STAGE_WORDS.get(w, str(w)), summed[w][0], int(summed[w][1]))
        for w in order
        if w in summed
    ]


def _holds(conn: Connection, params: dict[str, Any]) -> dict[str, int]:
    row = conn.execute(
        text(
            "SELECT COUNT(*), SUM(CASE WHEN h.released_on IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN h.released_on IS NULL THEN 1 ELSE 0 END) FROM holds h "
            "JOIN accounts a ON a.id = h.account_id JOIN councils c ON c.id = a.council_id "
            "WHERE c.code = :code"
        ),
        params,
    ).one()
    return {"placed": int(row[0] or 0), "released": int(row[1] or 0), "open": int(row[2] or 0)}
