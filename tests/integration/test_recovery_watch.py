"""The recovery run's watch (``services.recovery_watch``) with protections, on both databases:
day by day, the run that passes over watched years decides exactly what a run that puts
every year to the engine decides — while a hold, a Breathing Space and a vulnerability are
placed, last and end — and it does pass over the protected years in between.

The story is the one of ``test_recovery_protections`` (TESTBURY, nobody pays, reminders on
8 April, the balance due on 21 April, a summons due from 22 April), with three more accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine

from reclaim.calendar import Country, WorkingDays
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)
from reclaim.services.protections import (
    add_vulnerability,
    end_breathing_space,
    end_vulnerability,
    find_account,
    people_named,
    place_hold,
    release_holds,
    start_breathing_space,
)
from reclaim.services.recovery_run import run_recovery
from reclaim.store.unit_of_work import UnitOfWork
from tests.integration.test_recovery_protections import billed_council

Decided = list[tuple[str, str, str]]


def decided(engine: Engine, day: date, *, watched: bool) -> tuple[Decided, int]:
    """(account, action, stage) of everything the run decides on ``day``, and how many years
    it passed over. The watched run is recorded (it keeps its watch); the other is a dry run
    that asks the engine about every year."""
    with UnitOfWork(engine) as uow:
        run = run_recovery(uow.connection, "TESTBURY", day, dry_run=not watched, use_watch=watched)
        if watched:
            uow.commit()
    found = [(r["reference"], r["action"], r["stage"]) for r in run.bulk.iter_rows(named=True)]
    found += [(s.reference, s.decision.action.value, s.decision.stage) for s in run.steps]
    return sorted(found), run.waiting


def test_the_watch_passes_over_protected_years_and_decides_what_the_engine_decides(
    engine: Engine, tmp_path: Path
) -> None:
    billed_council(engine, tmp_path, ["CT-3", "CT-4", "CT-5"])

    def on(reference: str) -> Callable[[Connection, date], object]:
        def hold(conn: Connection, day: date) -> object:
            return place_hold(
                conn,
                find_account(conn, reference),
                kind=HoldKind.DISPUTE,
                reason="says the property was let",
                review_by=day + timedelta(days=28),
                today=day,
            )

        return hold

    def release(reference: str) -> Callable[[Connection, date], object]:
        return lambda conn, day: release_holds(
            conn, find_account(conn, reference), reason="dispute settled", today=day
        )

    def breathing_space(conn: Connection, day: date) -> object:
        return start_breathing_space(
            conn,
            people_named(conn, "CT-3", None)[0],
            kind=BreathingSpaceKind.MENTAL_HEALTH,
            starts_on=day,
            today=day,
        )

    def breathing_space_ends(conn: Connection, day: date) -> object:
        return end_breathing_space(
            conn, people_named(conn, "CT-3", None)[0], ended_on=day, today=day
        )

    def vulnerable(conn: Connection, day: date) -> object:
        return add_vulnerability(
            conn,
            people_named(conn, "CT-4", None),
            category=VulnerabilityCategory.BEREAVEMENT,
            review_by=day + timedelta(days=60),
            reason="told us on the phone",
            today=day,
        )

    def no_longer_vulnerable_from_15_june(conn: Connection, _day: date) -> object:
        return end_vulnerability(conn, people_named(conn, "CT-4", None), ended_on=date(2026, 6, 15))

    happenings: dict[date, list[Callable[[Connection, date], object]]] = {
        date(2026, 4, 9): [on("CT-1"), breathing_space, vulnerable],
        date(2026, 4, 16): [on("CT-5")],
        date(2026, 5, 6): [release("CT-1")],
        date(2026, 5, 20): [breathing_space_ends],
        date(2026, 5, 27): [no_longer_vulnerable_from_15_june],
        date(2026, 6, 10): [release("CT-5")],
    }
    working_days = WorkingDays(Country.ENGLAND)
    passed_over: dict[date, int] = {}
    day = date(2026, 4, 1)
    while day <= date(2026, 7, 31):
        with UnitOfWork(engine) as uow:
            for happen in happenings.get(day, []):
                happen(uow.connection, day)
            uow.commit()
        if working_days.is_working_day(day):
            expected, _ = decided(engine, day, watched=False)
            found, waiting = decided(engine, day, watched=True)
            assert found == expected, day
            passed_over[day] = waiting
        day += timedelta(days=1)
    # On 20 April CT-1 and CT-5 are held and CT-3 is in Breathing Space, all looked at the day
    # before: they are passed over with CT-2 (its balance falls due on the 21st). The
    # vulnerable CT-4 is never passed over.
    assert passed_over[date(2026, 4, 20)] == 4
