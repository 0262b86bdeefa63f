"""The recovery run's watch on years with a recovery history.

A year that has had a reminder stays interesting for the rest of its life, so a run that asks
the engine about every such year every day spends most of its time being told "nothing yet".
The engine already says, whenever it finds nothing due, the day something may next fall due
(its *wake*) — if nothing changes meanwhile. The run keeps that answer in ``recovery_watch``
with what it saw (the account's ledger version, the year's last recovery event, the
strategy), and on a later day passes over a year whose wake has not come while none of those
has changed. Anything that could bring a step forward changes one of them — a payment or its
reversal, a rebill, costs (the ledger version), a court outcome (a recovery event), a new
strategy. What protects people (holds, Breathing Space, vulnerability, death) only ever
holds a step back, and the engine's wake already counts the end dates it knows (the day after
a hold or a Breathing Space ends); whatever else changes a protection — a hold placed or
released, a Breathing Space started or ended, a vulnerability recorded or ended, a death —
goes through ``services.protections``, which ``forget``s the watch of the accounts it touches.
Only a year whose liable person was vulnerable when the run last looked is never passed over:
the engine lists it for review once and then has no wake, while the vulnerability may be
ended from a later date.

The engine's own property test proves that running only on wake days, the days payments take
effect and hearing days gives the same year as running every day
(``tests/unit/test_recovery_timelines.py``); the demo council's whole year, with its holds,
Breathing Spaces, vulnerable people and deaths, takes the same steps with the watch as
without it (``tests/integration/test_demo.py``), and ``tests/integration/
test_recovery_watch.py`` follows one held account day by day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from reclaim.services.recovery_reading import rows_for
from reclaim.store import tables as t
from reclaim.store.bulk import chunked, is_postgres


@dataclass(frozen=True, slots=True)
class Seen:
    """What the run saw of a year when it looked: what the watch compares against."""

    account_id: int
    financial_year: int
    wake_on: date | None
    ledger_version: int
    last_event_id: int
    strategy: str


def waiting(
    conn: Connection,
    candidates: pl.DataFrame,
    labels: pl.DataFrame,
    council_id: int,
    as_of: date,
) -> pl.Series:
    """For each candidate year (in order), whether the run may pass over it on ``as_of``: it
    is watched, its wake has not come, nothing it depends on has changed, and nobody liable
    on it was vulnerable when the run last looked (a vulnerability can end on a later date
    than the day its end is recorded). ``candidates``: rows of ``recovery_reading.
    open_years``, which carry each year's state now and the watch's row. ``labels``: kind,
    financial_year, strategy (the label of the strategy that answers it now)."""
    vulnerable = (
        rows_for(
            conn,
            candidates.filter(pl.col("protected") == 1).get_column("account_id").to_list(),
            select="SELECT ap.account_id, v.ended_on FROM account_parties ap "
            "JOIN vulnerabilities v ON v.party_id = ap.party_id "
            "JOIN accounts a ON a.id = ap.account_id WHERE 1 = 1",
            council_id=council_id,
            schema={"account_id": pl.Int64, "ended_on": pl.Date},
        )
        .group_by("account_id")
        .agg(pl.col("ended_on").fill_null(date.max).max().alias("vulnerable_until"))
    )
    judged = candidates.join(labels, on=["kind", "financial_year"], how="left").join(
        vulnerable, on="account_id", how="left"
    )
    return judged.select(
        (
            (
                pl.col("vulnerable_until").is_null()
                | (pl.col("vulnerable_until") <= pl.col("checked_on"))
            )
            & (pl.col("seen_version") == pl.col("ledger_version"))
            & (pl.col("seen_event") == pl.col("last_event_id"))
            & (pl.col("seen_strategy") == pl.col("strategy"))
            & (pl.col("wake_on").is_null() | (pl.col("wake_on") > as_of))
        )
        .fill_null(False)
        .alias("waiting")
    ).to_series()


def remember(conn: Connection, seen: Iterable[Seen], checked_on: date) -> int:
    """Keep what the run saw of each year, replacing what it saw before."""
    rows = [
        {
            "account_id": s.account_id,
            "financial_year": s.financial_year,
            "wake_on": s.wake_on,
            "ledger_version": s.ledger_version,
            "last_event_id": s.last_event_id,
            "strategy": s.strategy,
            "checked_on": checked_on,
        }
        for s in seen
    ]
    insert = postgresql_insert if is_postgres(conn) else sqlite_insert
    for chunk in chunked(rows, 5000):
        statement = insert(t.recovery_watch)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["account_id", "financial_year"],
                set_={
                    name: statement.excluded[name]
                    for name in (
                        "wake_on",
                        "ledger_version",
                        "last_event_id",
                        "strategy",
                        "checked_on",
                    )
                },
            ),
            chunk,
        )
    return len(rows)


def forget(conn: Connection, account_ids: Iterable[int]) -> None:
    """Forget what the run saw of these accounts' years (something protecting their people
    changed): the next run puts them to the engine again."""
    for chunk in chunked(sorted(set(account_ids)), 5000):
        conn.execute(delete(t.recovery_watch).where(t.recovery_watch.c.account_id.in_(chunk)))


def forget_people(conn: Connection, party_ids: Iterable[int]) -> None:
    """``forget`` the accounts these people are liable for."""
    links = t.account_parties
    for chunk in chunked(sorted(set(party_ids)), 5000):
        accounts = select(links.c.account_id).where(links.c.party_id.in_(chunk))
        conn.execute(delete(t.recovery_watch).where(t.recovery_watch.c.account_id.in_(accounts)))
