"""The recovery run's bookmark: where a council's last run left off, so that the next run reads
only the accounts where something may have changed since.

A council runs recovery every working day, and from one day to the next little changes: the
day's payments, a few rebills, the steps of the last run, the court's outcomes. Yet most of a
run's time goes on finding, among every year in force, the few that are open. So each run
(on SQLite, not a dry run) keeps a bookmark: its date, the highest posting, bill and recovery
event ids it had seen, the council's strategies then, and the years it found in arrears with
no step yet, each with the first day a notice may be due for it
(``recovery_bulk.first_notice_days``). The next run in the same financial year reads, through
``recovery_reading.open_years_since``, only the accounts with

- a posting, a bill or a recovery event recorded since (its ids are higher: SQLite holds the
  write lock for a whole transaction, so ids follow the order of commits — PostgreSQL's
  sequences do not, and PostgreSQL always reads everything);
- an instalment that fell due between the two run dates;
- a year kept in arrears whose first notice may now be due;
- a year with a history whose watch's wake has come, or that the watch has forgotten;
- anyone protected (a hold, Breathing Space, vulnerability or death ever recorded).

Why the last run's answer stands for every other account: what decides a year is its bill in
force and plan (a new bill is a new id), what was paid by the run date (a posting; a posting
dated after the last run is ruled out below), its costs (postings), its steps (events), who
is protected (always read), the strategy (a council's new strategy, or a release that changes a
shipped one, puts the bookmark aside),
the person's age (a first notice's day is the earliest of the stages for the over-65s and
for everyone else) and the date itself (an instalment falling due is read; a notice's wait
is the kept year's wake; a year with a history has its watch's wake). Postings, bills,
instalments and recovery events are never changed or deleted, and protections are only ever
added to (a hold released or a vulnerability ended is still recorded). So a year with no
history that was settled at the last run is settled now; one kept in arrears is still in
arrears, its notice not yet due; and a year with a history is one the watch passes over
(``recovery_watch``: its ledger version, last event and strategy are unchanged, its wake
has not come, and nobody on it is protected, so nobody vulnerable). The run counts those
years as the full read would, so what it reports is the same.

A posting whose effective date is later than the last run's date would count towards a year
now and not then: the bookmark keeps the latest effective date among the postings it had
seen, and is not used while that is later than its own date. It is worked out once, when a
later run first wants the bookmark, and then carried forward from the new postings alone.

``tests/integration/test_demo.py`` runs the demo council's whole year with the bookmark and
the watch and again reading everything on every run, and finds the same ledger and steps;
``tests/integration/test_recovery_bookmark.py`` checks the cases one by one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

import polars as pl
from sqlalchemy import Connection, Table, delete, func, select

from reclaim.calendar import FinancialYear
from reclaim.services.recovery_reading import Since
from reclaim.services.recovery_strategies import SHIPPED
from reclaim.store import tables as t
from reclaim.store.bulk import insert_rows, is_postgres


@dataclass(frozen=True, slots=True)
class Seen:
    """The highest ids when a run started, and the fingerprint of the strategies the council
    may use (its own, and the shipped defaults' texts)."""

    postings_to: int
    bills_to: int
    events_to: int
    strategies: str


@dataclass(frozen=True, slots=True)
class Bookmark:
    """Where the council's last run left off (``recovery_bookmarks``)."""

    as_of: date
    financial_year: int
    seen: Seen
    effective_to: date | None  # the latest effective date of the postings it had seen
    in_force: int  # account-years with a bill in force


def seen_now(conn: Connection, council_id: int) -> Seen:
    def highest(table: Table) -> int:
        return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())

    s = t.council_strategies
    newest = conn.execute(
        select(func.coalesce(func.max(s.c.id), 0)).where(s.c.council_id == council_id)
    ).scalar_one()
    strategies = hashlib.sha256(f"{newest}\n{_shipped_strategies()}".encode()).hexdigest()
    return Seen(highest(t.postings), highest(t.bills), highest(t.recovery_events), strategies)


@cache
def _shipped_strategies() -> str:
    """The shipped default strategies' texts, as one fingerprint: a release that changes one
    puts every bookmark aside."""
    digest = hashlib.sha256()
    for path in sorted(SHIPPED.glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def kept_here(conn: Connection) -> bool:
    """Whether this database keeps bookmarks: SQLite, whose ids follow the commits."""
    return not is_postgres(conn)


def last(conn: Connection, council_id: int) -> Bookmark | None:
    """The council's bookmark, if it has one and this database keeps them."""
    if not kept_here(conn):
        return None
    b = t.recovery_bookmarks
    row = conn.execute(select(b).where(b.c.council_id == council_id)).first()
    if row is None:
        return None
    return Bookmark(
        row.as_of,
        row.financial_year,
        Seen(row.postings_to, row.bills_to, row.events_to, row.strategies),
        row.effective_to,
        row.in_force,
    )


def since(
    conn: Connection, bookmark: Bookmark | None, now: Seen, as_of: date
) -> tuple[Since | None, Bookmark | None]:
    """Where a run on ``as_of`` may start reading from — None if it must read everything: no
    bookmark, another financial year, an earlier date, a strategy set or changed since, or a posting
    taking effect after the bookmark's date — and the bookmark, with the latest effective
    date of its postings worked out if that was wanted and not yet known (reading them all,
    once; afterwards ``keep`` carries it forward from the new postings alone)."""
    if (
        bookmark is None
        or bookmark.financial_year != FinancialYear.containing(as_of).start_year
        or bookmark.as_of > as_of
        or bookmark.seen.strategies != now.strategies
    ):
        return None, bookmark
    if bookmark.effective_to is None:
        latest = conn.execute(
            select(func.max(t.postings.c.effective_date)).where(
                t.postings.c.id <= bookmark.seen.postings_to
            )
        ).scalar_one()
        bookmark = replace(bookmark, effective_to=latest or date.min)
    assert bookmark.effective_to is not None
    if bookmark.effective_to > bookmark.as_of:
        return None, bookmark
    seen = bookmark.seen
    return Since(bookmark.as_of, seen.postings_to, seen.bills_to, seen.events_to), bookmark


def keep(
    conn: Connection,
    council_id: int,
    as_of: date,
    now: Seen,
    in_force: int,
    previous: Bookmark | None,
    kept: pl.DataFrame,
    *,
    read_since: bool,
) -> None:
    """Keep the run's bookmark (SQLite): what it had seen, how many account-years had a bill
    in force (``in_force``), and ``kept`` (account_id,
    financial_year, wake_on), the years it found in arrears with no step taken. After a run
    that read only what changed (``read_since``), the years kept before stand for the
    accounts it did not read."""
    if not kept_here(conn):
        return
    effective_to = None
    if previous is not None and previous.effective_to is not None:
        newer = conn.execute(
            select(func.max(t.postings.c.effective_date)).where(
                t.postings.c.id > previous.seen.postings_to, t.postings.c.id <= now.postings_to
            )
        ).scalar_one()
        effective_to = max(previous.effective_to, newer or date.min)
    b, y = t.recovery_bookmarks, t.recovery_bookmark_years
    conn.execute(delete(b).where(b.c.council_id == council_id))
    conn.execute(
        b.insert().values(
            council_id=council_id,
            as_of=as_of,
            financial_year=FinancialYear.containing(as_of).start_year,
            postings_to=now.postings_to,
            bills_to=now.bills_to,
            events_to=now.events_to,
            strategies=now.strategies,
            effective_to=effective_to,
            in_force=in_force,
        )
    )
    if read_since:
        conn.exec_driver_sql(
            "DELETE FROM recovery_bookmark_years WHERE council_id = ? AND account_id IN "
            "(SELECT account_id FROM temp.recovery_changed)",
            (council_id,),
        )
    else:
        conn.execute(delete(y).where(y.c.council_id == council_id))
    rows = kept.select(
        pl.lit(council_id).alias("council_id"),
        "account_id",
        "financial_year",
        pl.col("wake_on").cast(pl.String),
    ).iter_rows()
    insert_rows(conn, y, ("council_id", "account_id", "financial_year", "wake_on"), rows)
