"""What the recovery run reads, set-based, and why it reads so little.

On a run date most account-years need nothing: no step taken yet, nothing protecting anyone
liable, and every instalment that fell due before the date paid. The database knows that
without sending a row: ``open_years`` works out, in one query, what each year's plan asked
for before the date and what was paid towards it, and returns only the years that are not
settled — in arrears, with a recovery history, with costs, or with someone protected. The
run reads everything else (plans, payments by day, steps already taken, names) for those
years alone.

Each read goes through ``store.bulk.read_frame``: on the driver, straight into a frame
(PostgreSQL sends CSV through COPY).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Connection, text

from reclaim.calendar import FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.ledger import PostingKind
from reclaim.store.bulk import chunked, read_frame

RECOVERED_KINDS = (AccountKind.COUNCIL_TAX, AccountKind.BUSINESS_RATES)
# Postings that pay towards a year (negative amounts); a refund or reversal puts money back.
PAYING_KINDS = (
    PostingKind.PAYMENT,
    PostingKind.REVERSAL,
    PostingKind.REFUND,
    PostingKind.WRITE_OFF,
    PostingKind.TRANSFER,
)
# Up to this many accounts are read with ``IN (…)`` lists; more, and reading the council's
# rows and keeping the wanted ones is quicker.
FEW = 200_000


def _in(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


_KINDS = _in([k.value for k in RECOVERED_KINDS])
_PAYING = _in([k.value for k in PAYING_KINDS])
# The postings index runs (account, year, kind, …), and the paying kinds and costs are the
# kinds from "costs" up: asked for as that one range, each year's are one seek in the index
# rather than one for each kind (SQLite; the ``IN`` list keeps it exact in any collation).
_PAYING_OR_COSTS = f"p.kind >= 'costs' AND p.kind IN ({_PAYING}, 'costs')"
assert {k for k in PostingKind if k >= PostingKind.COSTS} == {*PAYING_KINDS, PostingKind.COSTS}

# The bills in force: the latest bill of each account and year, with a plan.
_BILLS = "FROM bills b JOIN accounts a ON a.id = b.account_id"
_IN_FORCE_TERMS = f"""
    a.council_id = :council AND a.kind IN ({_KINDS}) AND b.plan_id IS NOT NULL
      AND b.financial_year <= :year
      AND b.id NOT IN (SELECT s.supersedes_id FROM bills s WHERE s.supersedes_id IS NOT NULL)
"""  # noqa: S608 - our own enum values
_IN_FORCE = f"WHERE {_IN_FORCE_TERMS}"
# The same, with the bills read in order and each one's account looked up by its key (SQLite
# keeps a CROSS JOIN's order): for a council with most of the bills, 0.3 s at a million
# against 0.7–0.9 s reading the accounts and looking up each one's bills in their index.
_EVERY_BILL_FROM = "FROM bills b CROSS JOIN accounts a"
_EVERY_BILL_WHERE = f"WHERE a.id = b.account_id AND {_IN_FORCE_TERMS}"

# Accounts with anything that can stop or change a step: a hold or Breathing Space ever
# recorded, vulnerability, death. (Age matters only once an instalment is missed.)
PROTECTED = """
    SELECT h.account_id FROM holds h
    UNION
    SELECT ap.account_id FROM breathing_spaces x CROSS JOIN account_parties ap
    WHERE ap.party_id = x.party_id
    UNION
    SELECT ap.account_id FROM vulnerabilities v CROSS JOIN account_parties ap
    WHERE ap.party_id = v.party_id
    UNION
    SELECT ap.account_id FROM parties p CROSS JOIN account_parties ap
    WHERE p.died_on IS NOT NULL AND ap.party_id = p.id
"""
# (CROSS JOIN: SQLite then reads the few protections first and looks up their accounts,
# rather than reading every account to look for a protection.)

OPEN_YEARS_SCHEMA = {
    "account_id": pl.Int64,
    "financial_year": pl.Int64,
    "plan_id": pl.Int64,
    "kind": pl.String,
    "paid": pl.Int64,
    "has_costs": pl.Int64,
    "has_history": pl.Int64,
    "protected": pl.Int64,
    # What the watch compares (``recovery_watch``): the year's state now — its last recovery
    # event (0: none) and its account's ledger version — and what the run saw when it last
    # looked (all null if it never did).
    "last_event_id": pl.Int64,
    "ledger_version": pl.Int64,
    "wake_on": pl.Date,
    "seen_version": pl.Int64,
    "seen_event": pl.Int64,
    "seen_strategy": pl.String,
    "checked_on": pl.Date,
}
_OUT = """account_id, financial_year, plan_id, kind, paid, has_costs, has_history, protected,
       last_event_id, ledger_version, wake_on, seen_version, seen_event, seen_strategy, checked_on"""
# The watch's row for the year, and the account's ledger version (read, in the SELECT list,
# for the years returned only).
_WATCH_JOIN = """LEFT JOIN recovery_watch w
               ON w.account_id = b.account_id AND w.financial_year = b.financial_year"""
_SEEN = """w.wake_on, w.ledger_version AS seen_version, w.last_event_id AS seen_event,
               w.strategy AS seen_strategy, w.checked_on"""


def _version_of(alias: str) -> str:
    return f"(SELECT v.version FROM account_balances v WHERE v.account_id = {alias}.account_id)"  # noqa: S608 - our own alias


def _year_params(council_id: int, as_of: date) -> dict[str, Any]:
    return {
        "council": council_id,
        "year": FinancialYear.containing(as_of).start_year,
        "as_of": as_of.isoformat(),
    }


def count_in_force(conn: Connection, council_id: int, as_of: date) -> int:
    """How many account-years have a bill in force with instalments, up to ``as_of``'s year."""
    statement = f"SELECT COUNT(*) {_EVERY_BILL_FROM} {_EVERY_BILL_WHERE}"
    frame = read_frame(conn, statement, _year_params(council_id, as_of), {"n": pl.Int64})
    return int(frame.item())


def in_force_change(conn: Connection, council_id: int, as_of: date, bills_to: int) -> int:
    """How many more account-years have a bill in force than when the highest bill id was
    ``bills_to`` (in the same financial year): the new bills in force, less the older bills
    in force then (superseded by none of the bills then) that a new bill has superseded."""
    statement = f"""
        SELECT (SELECT COUNT(*) {_BILLS} WHERE b.id > :bills_to AND {_IN_FORCE_TERMS})
             - (SELECT COUNT(*) FROM bills s JOIN bills b ON b.id = s.supersedes_id
                JOIN accounts a ON a.id = b.account_id
                WHERE s.id > :bills_to AND b.id <= :bills_to AND a.council_id = :council
                  AND a.kind IN ({_KINDS}) AND b.plan_id IS NOT NULL
                  AND b.financial_year <= :year
                  AND NOT EXISTS (SELECT 1 FROM bills e
                                  WHERE e.supersedes_id = b.id AND e.id <= :bills_to))
    """  # noqa: S608 - our own SQL
    params = {**_year_params(council_id, as_of), "bills_to": bills_to}
    return int(read_frame(conn, statement, params, {"n": pl.Int64}).item())


def bills_in_force(conn: Connection, council_id: int, as_of: date) -> pl.DataFrame:
    """Every account-year with a bill in force and its plan (account_id, financial_year,
    plan_id)."""
    statement = f"SELECT b.account_id, b.financial_year, b.plan_id {_BILLS} {_IN_FORCE}"
    schema = {"account_id": pl.Int64, "financial_year": pl.Int64, "plan_id": pl.Int64}
    return read_frame(conn, statement, _year_params(council_id, as_of), schema)


def open_years(conn: Connection, council_id: int, as_of: date, in_force: int) -> pl.DataFrame:
    """The account-years the run must look at on ``as_of``: every year with a bill in force
    but those with no step taken, no costs, nobody protected, and every instalment due before
    ``as_of`` paid by then. ``paid``: what was paid towards the year by ``as_of``, and
    ``has_costs``, for a year with no step taken and nobody protected (0 for the others,
    which go to the engine whatever they were paid); the flags are 0 or 1; with each year,
    what the watch compares (``OPEN_YEARS_SCHEMA``), so the run need not read it again for
    the thousands of years it passes over.

    How it is read depends on the council's share of the database (``in_force``, its years
    in force). A council with most of the database's bills, or very many, has its bills read
    in order, each year's payments summed from one seek in the postings index, and what
    was due, the steps taken and the protections joined from one pass over their tables: at
    a million accounts 4.6–4.9 s, against 5.0–6.4 s summing every posting by year first and
    joining the sums. A small council among many has everything looked up year by year in
    the indexes, starting from its accounts (reading every council's bills and plans to find
    a few would cost more)."""
    statement = _OPEN_MANY if _most_of_the_database(conn, in_force) else _OPEN_FEW
    frame = read_frame(conn, statement, _year_params(council_id, as_of), OPEN_YEARS_SCHEMA)
    return frame.with_columns(pl.col("ledger_version").fill_null(0)).sort(
        "account_id", "financial_year"
    )


def _most_of_the_database(conn: Connection, in_force: int) -> bool:
    if in_force > FEW:
        return True
    bills = read_frame(conn, "SELECT COALESCE(MAX(id), 0) FROM bills", {}, {"n": pl.Int64})
    return in_force * 2 >= int(bills.item())


# A year with a history or someone protected goes to the engine whatever it was paid (the
# engine reads its payments itself), so what it was paid and whether it has costs are read
# only for the others: "plain" years, which are open only if in arrears or with costs.
_NOT_SETTLED = """
    last_event_id <> 0 OR protected = 1 OR has_costs = 1 OR paid < due_before
"""

_OPEN_FEW = f"""
    WITH protected AS MATERIALIZED ({PROTECTED}),
    flagged AS MATERIALIZED (
        SELECT b.account_id, b.financial_year, b.plan_id, a.kind,
               COALESCE((SELECT MAX(e.id) FROM recovery_events e
                         WHERE e.account_id = b.account_id
                           AND e.financial_year = b.financial_year), 0) AS last_event_id,
               CASE WHEN b.account_id IN (SELECT account_id FROM protected) THEN 1 ELSE 0
               END AS protected,
               {_SEEN}
        {_BILLS} {_WATCH_JOIN} {_IN_FORCE}
    ),
    years AS MATERIALIZED (
        SELECT f.*,
               CASE WHEN f.last_event_id = 0 AND f.protected = 0 THEN
                   COALESCE((SELECT -SUM(p.amount_pence) FROM postings p
                             WHERE p.account_id = f.account_id
                               AND p.financial_year = f.financial_year
                               AND p.kind IN ({_PAYING}) AND p.effective_date <= :as_of), 0)
               ELSE 0 END AS paid,
               CASE WHEN f.last_event_id = 0 AND f.protected = 0 AND EXISTS (
                   SELECT 1 FROM postings p
                   WHERE p.account_id = f.account_id AND p.financial_year = f.financial_year
                     AND p.kind = 'costs') THEN 1 ELSE 0 END AS has_costs,
               COALESCE((SELECT SUM(i.amount_pence) FROM plan_instalments i
                         WHERE i.plan_id = f.plan_id AND i.due_date < :as_of), 0) AS due_before
        FROM flagged f
    )
    SELECT account_id, financial_year, plan_id, kind, paid, has_costs,
           CASE WHEN last_event_id = 0 THEN 0 ELSE 1 END AS has_history, protected,
           last_event_id,
           {_version_of("years")} AS ledger_version,
           wake_on, seen_version, seen_event, seen_strategy, checked_on
    FROM years WHERE {_NOT_SETTLED}
"""  # noqa: S608 - our own enum values
# (MATERIALIZED: each year's lookups are made once, not again in the WHERE.)

_OPEN_MANY = f"""
    SELECT {_OUT}
    FROM (
        SELECT b.account_id, b.financial_year, b.plan_id, a.kind,
               CASE WHEN h.account_id IS NULL AND pr.account_id IS NULL THEN
                   COALESCE((SELECT -SUM(CASE WHEN p.kind = 'costs' OR p.effective_date > :as_of
                                              THEN 0 ELSE p.amount_pence END)
                             FROM postings p
                             WHERE p.account_id = b.account_id
                               AND p.financial_year = b.financial_year
                               AND {_PAYING_OR_COSTS}), 0)
               ELSE 0 END AS paid,
               CASE WHEN h.account_id IS NULL AND pr.account_id IS NULL AND EXISTS (
                   SELECT 1 FROM postings p
                   WHERE p.account_id = b.account_id AND p.financial_year = b.financial_year
                     AND p.kind = 'costs') THEN 1 ELSE 0 END AS has_costs,
               CASE WHEN h.account_id IS NULL THEN 0 ELSE 1 END AS has_history,
               CASE WHEN pr.account_id IS NULL THEN 0 ELSE 1 END AS protected,
               COALESCE(d.due_before, 0) AS due_before,
               COALESCE(h.last_event_id, 0) AS last_event_id,
               {_version_of("b")} AS ledger_version,
               {_SEEN}
        {_EVERY_BILL_FROM}
        LEFT JOIN (SELECT plan_id, SUM(amount_pence) AS due_before FROM plan_instalments
                   WHERE due_date < :as_of GROUP BY plan_id) d ON d.plan_id = b.plan_id
        LEFT JOIN (SELECT account_id, financial_year, MAX(id) AS last_event_id
                   FROM recovery_events GROUP BY account_id, financial_year) h
               ON h.account_id = b.account_id AND h.financial_year = b.financial_year
        LEFT JOIN ({PROTECTED}) pr ON pr.account_id = b.account_id
        {_WATCH_JOIN}
        {_EVERY_BILL_WHERE}
    ) years
    WHERE {_NOT_SETTLED}
"""  # noqa: S608 - our own enum values


@dataclass(frozen=True, slots=True)
class Since:
    """Where the council's last run left off (``recovery_bookmark``): its date, and the
    highest posting, bill and recovery event ids it had seen."""

    as_of: date
    postings_to: int
    bills_to: int
    events_to: int


@dataclass(frozen=True, slots=True)
class OpenSince:
    """The open years among those that may have changed since the last run, and how many open
    years were left as they were: years with a history the watch passes over (``watched``)
    and years in arrears whose first notice is not due yet (``kept``)."""

    frame: pl.DataFrame
    watched: int
    kept: int


def open_years_since(conn: Connection, council_id: int, as_of: date, since: Since) -> OpenSince:
    """``open_years``, read only for the accounts where something may have changed since the
    last run (SQLite): a posting, a bill or a recovery event recorded since, an instalment
    fallen due since, a year whose first notice or whose watch's wake has come, a year with a
    history the watch has forgotten, and everyone protected. For every other account the last
    run's answer stands (``recovery_bookmark`` says why), and is counted, not read."""
    params = {
        **_year_params(council_id, as_of),
        "since": since.as_of.isoformat(),
        "postings_to": since.postings_to,
        "bills_to": since.bills_to,
        "events_to": since.events_to,
    }
    falling_due = conn.exec_driver_sql(
        "SELECT 1 FROM plan_instalments WHERE due_date >= ? AND due_date < ? LIMIT 1",
        (params["since"], params["as_of"]),
    ).first()
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE IF NOT EXISTS recovery_changed (account_id INTEGER PRIMARY KEY)"
    )
    conn.exec_driver_sql("DELETE FROM temp.recovery_changed")
    conn.execute(text(_CHANGED.format(falling_due=_FALLING_DUE if falling_due else "")), params)
    frame = read_frame(conn, _OPEN_SINCE, params, OPEN_YEARS_SCHEMA)
    watched, kept = read_frame(
        conn, _LEFT_AS_THEY_WERE, params, {"watched": pl.Int64, "kept": pl.Int64}
    ).row(0)
    return OpenSince(
        frame.with_columns(pl.col("ledger_version").fill_null(0)).sort(
            "account_id", "financial_year"
        ),
        int(watched),
        int(kept),
    )


# Every account where something may have changed since the last run (some of another council:
# the open-years query keeps its own council's).
_CHANGED = f"""
    INSERT INTO temp.recovery_changed (account_id)
    WITH protected AS MATERIALIZED ({PROTECTED})
    SELECT p.account_id FROM postings p WHERE p.id > :postings_to
    UNION SELECT b.account_id FROM bills b WHERE b.id > :bills_to
    UNION SELECT e.account_id FROM recovery_events e WHERE e.id > :events_to
    UNION SELECT y.account_id FROM recovery_bookmark_years y
          WHERE y.council_id = :council AND y.wake_on <= :as_of
    UNION SELECT w.account_id FROM recovery_watch w WHERE w.wake_on <= :as_of
    UNION SELECT e.account_id FROM recovery_events e
          WHERE NOT EXISTS (SELECT 1 FROM recovery_watch w
                            WHERE w.account_id = e.account_id
                              AND w.financial_year = e.financial_year)
    UNION SELECT account_id FROM protected
    {{falling_due}}
"""  # noqa: S608 - our own SQL
_FALLING_DUE = """
    UNION SELECT b.account_id FROM bills b
          WHERE b.plan_id IN (SELECT i.plan_id FROM plan_instalments i
                              WHERE i.due_date >= :since AND i.due_date < :as_of)
"""
_CHANGED_ONLY = "AND b.account_id IN (SELECT c.account_id FROM temp.recovery_changed c)"
# ``open_years`` for those accounts only, each year looked up in the indexes.
_OPEN_SINCE = _OPEN_FEW.replace(_IN_FORCE, f"{_IN_FORCE} {_CHANGED_ONLY}", 1)
assert _OPEN_SINCE != _OPEN_FEW

# What was left as it was: the council's watched years in force, and its years kept in
# arrears, of the accounts where nothing changed. (From the watch's rows, each account looked
# up by its key: SQLite keeps a CROSS JOIN's order.)
_LEFT_AS_THEY_WERE = f"""
    SELECT
      (SELECT COUNT(*) FROM recovery_watch w CROSS JOIN accounts a
       WHERE a.id = w.account_id AND a.council_id = :council AND a.kind IN ({_KINDS})
         AND w.account_id NOT IN (SELECT c.account_id FROM temp.recovery_changed c)
         AND EXISTS (SELECT 1 FROM bills b
                     WHERE b.account_id = w.account_id AND b.financial_year = w.financial_year
                       AND b.plan_id IS NOT NULL AND b.financial_year <= :year
                       AND NOT EXISTS (SELECT 1 FROM bills s WHERE s.supersedes_id = b.id)))
      AS watched,
      (SELECT COUNT(*) FROM recovery_bookmark_years y
       WHERE y.council_id = :council
         AND y.account_id NOT IN (SELECT c.account_id FROM temp.recovery_changed c)) AS kept
"""  # noqa: S608 - our own SQL


def rows_for(
    conn: Connection,
    account_ids: Sequence[int],
    *,
    select: str,
    council_id: int,
    schema: dict[str, Any],
    params: dict[str, Any] | None = None,
) -> pl.DataFrame:
    """The rows of ``select`` (whose first column is ``account_id``, the accounts' alias
    ``a``, and which ends in a ``WHERE`` clause) for ``account_ids`` only."""
    ids = sorted(set(account_ids))
    extra = params or {}
    if not ids:
        return pl.DataFrame(schema=schema)
    if len(ids) > FEW:
        frame = read_frame(
            conn, f"{select} AND a.council_id = :council", {"council": council_id, **extra}, schema
        )
        return frame.filter(pl.col("account_id").is_in(ids))
    return pl.concat(
        [
            read_frame(conn, f"{select} AND a.id IN (:ids)", {"ids": chunk, **extra}, schema)
            for chunk in chunked(ids, 5000)
        ]
    )


def plan_instalments(conn: Connection, plan_ids: Sequence[int]) -> pl.DataFrame:
    """The instalments of these plans: plan_id, seq, due_date, amount_pence, in order."""
    schema = {"plan_id": pl.Int64, "seq": pl.Int64, "due_date": pl.Date, "amount_pence": pl.Int64}
    ids = sorted(set(plan_ids))
    select = "SELECT plan_id, seq, due_date, amount_pence FROM plan_instalments"
    if len(ids) > FEW:
        frame = read_frame(conn, select, {}, schema).filter(pl.col("plan_id").is_in(ids))
    elif ids:
        frame = pl.concat(
            [
                read_frame(conn, f"{select} WHERE plan_id IN (:ids)", {"ids": chunk}, schema)
                for chunk in chunked(ids, 5000)
            ]
        )
    else:
        frame = pl.DataFrame(schema=schema)
    return frame.sort("plan_id", "seq")


def payments_by_day(
    conn: Connection, account_ids: Sequence[int], council_id: int, as_of: date
) -> pl.DataFrame:
    """What each account paid towards each year, day by day, up to ``as_of``."""
    return rows_for(
        conn,
        account_ids,
        select=f"""
            SELECT p.account_id, p.financial_year, p.effective_date, -p.amount_pence
            FROM postings p JOIN accounts a ON a.id = p.account_id
            WHERE p.kind IN ({_PAYING}) AND p.effective_date <= :as_of
        """,  # noqa: S608
        council_id=council_id,
        schema={
            "account_id": pl.Int64,
            "financial_year": pl.Int64,
            "effective_date": pl.Date,
            "pence": pl.Int64,
        },
        params={"as_of": as_of.isoformat()},
    ).pipe(_grouped_by_day)


def _grouped_by_day(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.group_by("account_id", "financial_year", "effective_date")
        .agg(pl.col("pence").sum())
        .sort("account_id", "financial_year", "effective_date")
    )


def costs(conn: Connection, account_ids: Sequence[int], council_id: int) -> pl.DataFrame:
    """Court costs posted to each account and year."""
    return rows_for(
        conn,
        account_ids,
        select="""
            SELECT p.account_id, p.financial_year, p.amount_pence
            FROM postings p JOIN accounts a ON a.id = p.account_id WHERE p.kind = 'costs'
        """,
        council_id=council_id,
        schema={"account_id": pl.Int64, "financial_year": pl.Int64, "pence": pl.Int64},
    ).pipe(lambda f: f.group_by("account_id", "financial_year").agg(pl.col("pence").sum()))


EVENT_SCHEMA = {
    "account_id": pl.Int64,
    "financial_year": pl.Int64,
    "event_date": pl.Date,
    "action": pl.String,
    "stage": pl.String,
    "amount_pence": pl.Int64,
    "pay_by": pl.Date,
    "demanded_through": pl.Date,
    "falls_due": pl.Date,
    "hearing_on": pl.Date,
    "costs_pence": pl.Int64,
    "id": pl.Int64,
}


def steps_taken(conn: Connection, account_ids: Sequence[int], council_id: int) -> pl.DataFrame:
    """The recovery events already recorded on these accounts, in the order they were taken
    (their reasons are not needed to decide the next step, and are not read)."""
    return rows_for(
        conn,
        account_ids,
        select="""
            SELECT e.account_id, e.financial_year, e.event_date, e.action, e.stage,
                   e.amount_pence, e.pay_by, e.demanded_through, e.falls_due, e.hearing_on,
                   e.costs_pence, e.id
            FROM recovery_events e JOIN accounts a ON a.id = e.account_id WHERE 1 = 1
        """,
        council_id=council_id,
        schema=EVENT_SCHEMA,
    ).sort("id")


def names(conn: Connection, account_ids: Sequence[int], council_id: int) -> pl.DataFrame:
    """Each account's reference and the name of its first liable party."""
    return rows_for(
        conn,
        account_ids,
        select="""
            SELECT a.id, a.reference, p.name, p.id
            FROM accounts a LEFT JOIN account_parties ap ON ap.account_id = a.id
            LEFT JOIN parties p ON p.id = ap.party_id WHERE 1 = 1
        """,
        council_id=council_id,
        schema={
            "account_id": pl.Int64,
            "reference": pl.String,
            "name": pl.String,
            "party_id": pl.Int64,
        },
    ).pipe(
        lambda f: (
            f.sort("account_id", "party_id", nulls_last=True)
            .unique("account_id", keep="first", maintain_order=True)
            .drop("party_id")
        )
    )


def oldest_births(conn: Connection, account_ids: Sequence[int], council_id: int) -> pl.DataFrame:
    """The earliest date of birth among each account's liable parties (where one is known)."""
    return rows_for(
        conn,
        account_ids,
        select="""
            SELECT ap.account_id, p.date_of_birth
            FROM account_parties ap JOIN parties p ON p.id = ap.party_id
            JOIN accounts a ON a.id = ap.account_id WHERE p.date_of_birth IS NOT NULL
        """,
        council_id=council_id,
        schema={"account_id": pl.Int64, "date_of_birth": pl.Date},
    ).pipe(lambda f: f.group_by("account_id").agg(pl.col("date_of_birth").min().alias("oldest")))
