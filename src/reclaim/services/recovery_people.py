"""What the recovery engine needs to know of the people liable on an account: age (for soft
reminders to people aged 65 or over), death, vulnerability, holds and Breathing Space — read
for the accounts the run puts to the engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Connection

from reclaim.domain.recovery.engine import Period
from reclaim.domain.recovery.strategy import Eligibility
from reclaim.services import recovery_reading as reading
from reclaim.services.recovery_strategies import ChosenStrategy


@dataclass(frozen=True, slots=True)
class Person:
    aged_65_or_over: bool = False
    deceased: bool = False
    vulnerable: bool = False
    holds: tuple[Period, ...] = ()
    breathing_spaces: tuple[Period, ...] = ()


NOBODY = Person()


def people_of(conn: Connection, account_ids: Iterable[int], as_of: date) -> dict[int, Person]:
    """What the engine needs to know of the people liable on each account."""
    from reclaim.store.bulk import select_in

    ids = sorted(set(account_ids))
    cutoff = _sixty_five_years_before(as_of)
    born: dict[int, bool] = defaultdict(bool)
    died: dict[int, bool] = defaultdict(bool)
    vulnerable: dict[int, bool] = defaultdict(bool)
    spaces: dict[int, list[Period]] = defaultdict(list)
    holds: dict[int, list[Period]] = defaultdict(list)
    for account_id, dob, died_on in select_in(
        conn,
        "SELECT ap.account_id, p.date_of_birth, p.died_on FROM account_parties ap "
        "JOIN parties p ON p.id = ap.party_id WHERE ap.account_id IN (:values)",
        ids,
    ):
        dob, died_on = _as_date(dob), _as_date(died_on)
        born[account_id] |= dob is not None and dob <= cutoff
        died[account_id] |= died_on is not None and died_on <= as_of
    for account_id, ended_on in select_in(
        conn,
        "SELECT ap.account_id, v.ended_on FROM account_parties ap "
        "JOIN vulnerabilities v ON v.party_id = ap.party_id WHERE ap.account_id IN (:values)",
        ids,
    ):
        ended = _as_date(ended_on)
        vulnerable[account_id] |= ended is None or ended > as_of
    for account_id, starts, ends in select_in(
        conn,
        "SELECT ap.account_id, b.starts_on, b.ends_on FROM account_parties ap "
        "JOIN breathing_spaces b ON b.party_id = ap.party_id WHERE ap.account_id IN (:values)",
        ids,
    ):
        spaces[account_id].append(Period(_date(starts), _as_date(ends)))
    for account_id, placed, until, released in select_in(
        conn,
        "SELECT account_id, placed_on, until, released_on FROM holds WHERE account_id IN (:values)",
        ids,
    ):
        last = _as_date(until)
        released_on = _as_date(released)
        if released_on is not None:
            before = released_on - timedelta(days=1)
            last = before if last is None else min(last, before)
        holds[account_id].append(Period(_date(placed), last))
    people: dict[int, Person] = {}
    for account_id in ids:
        person = Person(
            born[account_id],
            died[account_id],
            vulnerable[account_id],
            tuple(holds[account_id]),
            tuple(sorted(spaces[account_id], key=lambda p: p.starts_on)),
        )
        if person != NOBODY:
            people[account_id] = person
    return people


def with_ages(
    conn: Connection,
    cases: pl.DataFrame,
    council_id: int,
    as_of: date,
    strategies: Iterable[ChosenStrategy],
) -> pl.DataFrame:
    """The cases with ``aged_65_or_over``: any party liable on the account is 65 or over.
    Dates of birth are read only when a strategy has a stage for people of that age."""
    if not any(
        stage.eligibility is Eligibility.AGED_65_OR_OVER
        for chosen in strategies
        for stage in chosen.strategy.stages
    ):
        return cases.with_columns(pl.lit(False).alias("aged_65_or_over"))
    born = reading.oldest_births(conn, cases.get_column("account_id").to_list(), council_id)
    return cases.join(born, on="account_id", how="left").with_columns(
        (pl.col("oldest") <= _sixty_five_years_before(as_of))
        .fill_null(False)
        .alias("aged_65_or_over")
    )


def _sixty_five_years_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 65)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 65, day=28)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _date(value: Any) -> date:
    day = _as_date(value)
    assert day is not None
    return day
