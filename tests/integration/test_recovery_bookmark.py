"""The recovery run's bookmark (``services.recovery_bookmark``), SQLite (PostgreSQL always
reads everything): day by day through a council's first four months, a run that reads only
what changed since the last one decides, and counts, exactly what a run reading every year
decides — while people pay, pay late, are held, move out, turn 65, have a write-off dated
ahead and get a new strategy — and it does read from its bookmark on most days.

TESTBURY, band C (£1,777.78 a year, ten instalments from 1 April): CT-1 pays the year on 1
April; CT-2 never pays; CT-3 pays the year after its reminder; CT-4 has £500.00 written off
with effect from 20 May (recorded on 12 May); CT-5 is held from 2 April (before any reminder) to 27 May; CT-6
moves out on 31 May (rebilled on the 14th); CT-7 turns 65 on 20 June and never pays; CT-8
pays £180.00 on the first of each month; CT-9 is found vulnerable on 6 May, and is no longer
from 15 June (recorded on 27 May). On 3 June the council takes up the Knowsley-style
strategy (soft reminders for people aged 65 or over).

Then two councils in one database with deaths, a Breathing Space, summonses, an account
billed late, a run dated back, a run without the watch and a second run on the same day; and
a release that changes a shipped strategy's text.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, delete, func, select

from reclaim.calendar import Country, FinancialYear, WorkingDays
from reclaim.domain.ledger import Posting, PostingKind
from reclaim.domain.recovery.court import earliest_hearing
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)
from reclaim.imports.accounts import import_accounts
from reclaim.imports.payments import import_payments
from reclaim.money import Money
from reclaim.services import recovery_bookmark, recovery_reading, recovery_strategies
from reclaim.services.billing import bill_year
from reclaim.services.court import issue_summonses
from reclaim.services.liability_changes import end_liability
from reclaim.services.protections import (
    add_vulnerability,
    end_vulnerability,
    find_account,
    people_named,
    place_hold,
    record_death,
    release_holds,
    start_breathing_space,
)
from reclaim.services.recovery_run import RecoveryRun, run_recovery
from reclaim.services.recovery_strategies import EXAMPLES, use_strategy
from reclaim.store import tables as t
from reclaim.store.repositories import account_version, write_postings
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import (
    ACCOUNT_HEADER,
    NOW,
    PAYMENT_HEADER,
    council_tax_line,
    payment_line,
    write_csv,
)
from tests.integration.test_recovery_protections import billed_with

pytestmark = pytest.mark.parametrize("databases", ["sqlite"], indirect=True)

YEAR = FinancialYear(2026)
Happening = Callable[[Connection, date], object]


def _set_up(engine: Engine, tmp_path: Path) -> None:
    lines = [
        council_tax_line(
            f"CT-{n}",
            party_name=f"Payer {n}",
            address=f"{n} Test Street",
            uprn=f"10{n:02d}",
            date_of_birth="1961-06-20" if n == 7 else "1980-01-01",
        )
        for n in range(1, 10)
    ]
    billed_with(engine, tmp_path, "TESTBURY", lines)


def _happen(engine: Engine, happenings: dict[date, list[Happening]], day: date) -> None:
    """What happens on ``day``, committed before the day's runs."""
    with UnitOfWork(engine) as uow:
        for happen in happenings.get(day, []):
            happen(uow.connection, day)
        uow.commit()


def _pays(tmp_path: Path, reference: str, amount: str) -> Happening:
    def pay(conn: Connection, day: date) -> object:
        path = write_csv(
            tmp_path / f"pay-{reference}-{day}.csv",
            PAYMENT_HEADER,
            [
                payment_line(
                    reference, amount, day=day.isoformat(), external_id=f"TX-{reference}-{day}"
                )
            ],
        )
        return import_payments(conn, path, today=day, now=NOW)

    return pay


def _written_off_from_20_may(conn: Connection, day: date) -> object:
    account = find_account(conn, "CT-4")
    posting = Posting(
        account_id=account,
        kind=PostingKind.WRITE_OFF,
        amount=Money(-50000),
        financial_year=YEAR,
        effective_date=date(2026, 5, 20),
        posted_on=day,
        reason="Written off from 20 May: the officer's decision",
    )
    return write_postings(conn, [(account, account_version(conn, account), [posting])])


def _held(conn: Connection, day: date) -> object:
    return place_hold(
        conn,
        find_account(conn, "CT-5"),
        kind=HoldKind.DISPUTE,
        reason="says the property was let",
        review_by=day + timedelta(days=42),
        today=day,
    )


def _released(conn: Connection, day: date) -> object:
    return release_holds(conn, find_account(conn, "CT-5"), reason="dispute settled", today=day)


def _vulnerable(conn: Connection, day: date) -> object:
    return add_vulnerability(
        conn,
        people_named(conn, "CT-9", None),
        category=VulnerabilityCategory.BEREAVEMENT,
        review_by=day + timedelta(days=60),
        reason="told us on the phone",
        today=day,
    )


def _no_longer_vulnerable_from_15_june(conn: Connection, _day: date) -> object:
    return end_vulnerability(conn, people_named(conn, "CT-9", None), ended_on=date(2026, 6, 15))


def _moves_out(conn: Connection, day: date) -> object:
    return end_liability(
        conn,
        find_account(conn, "CT-6"),
        last_day=date(2026, 5, 31),
        reason="Moved out: forwarding address given",
        today=day,
        issued_on=day,
    )


def _knowsley(conn: Connection, day: date) -> object:
    return use_strategy(conn, "TESTBURY", EXAMPLES / "knowsley-council-tax.toml", day)


Outcome = tuple[list[tuple[str, str, str]], int, int, int, int]


def _outcome(run: RecoveryRun) -> Outcome:
    found = [(r["reference"], r["action"], r["stage"]) for r in run.bulk.iter_rows(named=True)]
    found += [(s.reference, s.decision.action.value, s.decision.stage) for s in run.steps]
    return sorted(found), run.accounts_read, run.settled_in_bulk, run.waiting, run.evaluated


def _reading_everything(engine: Engine, day: date, council: str = "TESTBURY") -> Outcome:
    """A dry run with the watch and without the bookmark (put aside, then restored)."""
    with UnitOfWork(engine) as uow:
        uow.connection.execute(delete(t.recovery_bookmark_years))
        uow.connection.execute(delete(t.recovery_bookmarks))
        return _outcome(run_recovery(uow.connection, council, day, dry_run=True))


def _run(engine: Engine, day: date, council: str = "TESTBURY", *, watch: bool = True) -> Outcome:
    """The day's run, recorded (and its bookmark kept)."""
    with UnitOfWork(engine) as uow:
        found = _outcome(run_recovery(uow.connection, council, day, use_watch=watch))
        uow.commit()
    return found


def _spy_on_reading_since(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, date]]:
    """The (council id, date) of every run that reads from its bookmark."""
    read_since: list[tuple[int, date]] = []
    reading = recovery_reading.open_years_since

    def spied(conn: Connection, council_id: int, as_of: date, since: object) -> object:
        read_since.append((council_id, as_of))
        return reading(conn, council_id, as_of, since)  # type: ignore[arg-type]

    monkeypatch.setattr(recovery_reading, "open_years_since", spied)
    return read_since


def test_a_run_from_its_bookmark_decides_and_counts_what_reading_everything_does(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_up(engine, tmp_path)
    happenings: dict[date, list[Happening]] = {
        date(2026, 4, 1): [_pays(tmp_path, "CT-1", "1777.78")],
        date(2026, 4, 20): [_pays(tmp_path, "CT-3", "1777.78")],
        date(2026, 4, 2): [_held],
        date(2026, 5, 6): [_vulnerable],
        date(2026, 5, 12): [_written_off_from_20_may],
        date(2026, 5, 14): [_moves_out],
        date(2026, 5, 27): [_released, _no_longer_vulnerable_from_15_june],
        date(2026, 6, 3): [_knowsley],
    }
    for month in (4, 5, 6, 7):
        happenings.setdefault(date(2026, month, 1), []).append(_pays(tmp_path, "CT-8", "180.00"))
    spied = _spy_on_reading_since(monkeypatch)
    kept_waiting = 0
    working_days = WorkingDays(Country.ENGLAND)
    steps = 0
    day = date(2026, 4, 1)
    while day <= date(2026, 7, 31):
        _happen(engine, happenings, day)
        if working_days.is_working_day(day):
            expected = _reading_everything(engine, day)
            with UnitOfWork(engine) as uow:
                found = _outcome(run_recovery(uow.connection, "TESTBURY", day))
                uow.commit()
            assert found == expected, day
            steps += len(found[0])
            with engine.connect() as conn:  # years in arrears whose first notice is not due
                kept_waiting += conn.execute(
                    select(func.count()).where(t.recovery_bookmark_years.c.wake_on > day)
                ).scalar_one()
        day += timedelta(days=1)
    read_since = [on for _, on in spied]
    assert steps > 10  # the story has reminders, final notices and summonses in it
    assert kept_waiting > 0  # kept years wait for their notice's day, not read every run
    # Read from the bookmark on most days: not on the first run, nor while the write-off
    # dated ahead is yet to take effect, nor on the day of the new strategy.
    assert len(read_since) > 40
    assert date(2026, 4, 1) not in read_since
    assert date(2026, 5, 19) not in read_since  # the write-off takes effect on the 20th
    assert date(2026, 6, 3) not in read_since  # the strategy was set that morning
    assert date(2026, 6, 4) in read_since


# ---- two councils, and the rest --------------------------------------------------------------

COUNCILS = ("TESTBURY", "OTHERTON")


def _two_councils(engine: Engine, tmp_path: Path) -> None:
    for code in COUNCILS:
        lines = [
            council_tax_line(
                f"{code[:2]}-{n}",
                council=code,
                party_name=f"{code} Payer {n}",
                address=f"{n} {code} Street",
                uprn=f"{1 if code == 'TESTBURY' else 2}{n:03d}",
                date_of_birth="1980-01-01",
            )
            for n in range(1, 9)
        ]
        billed_with(engine, tmp_path, code, lines)


def _dies(reference: str) -> Happening:
    def die(conn: Connection, day: date) -> object:
        return record_death(conn, people_named(conn, reference, None)[0], died_on=day, today=day)

    return die


def _breathing_space(reference: str) -> Happening:
    def start(conn: Connection, day: date) -> object:
        return start_breathing_space(
            conn,
            people_named(conn, reference, None)[0],
            kind=BreathingSpaceKind.STANDARD,
            starts_on=day,
            today=day,
        )

    return start


def _summonses(code: str) -> Happening:
    def issue(conn: Connection, day: date) -> object:
        hearing = earliest_hearing(day, 2, Country.ENGLAND) + timedelta(days=7)
        return issue_summonses(conn, code, day, hearing)

    return issue


def _billed_late(tmp_path: Path) -> Happening:
    def add(conn: Connection, day: date) -> object:
        line = council_tax_line(
            "TE-50",
            council="TESTBURY",
            party_name="Late Comer",
            address="50 Late Street",
            uprn="9050",
            date_of_birth="1960-01-01",
            start_date="2026-04-01",
        )
        path = write_csv(tmp_path / "late.csv", ACCOUNT_HEADER, [line])
        import_accounts(conn, path, today=day, now=NOW)
        return bill_year(conn, "TESTBURY", YEAR, issued_on=day, today=day)

    return add


def test_two_councils_deaths_summonses_a_late_bill_and_runs_out_of_order(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each council keeps its own bookmark; a death, a Breathing Space, summonses with their
    costs and an account billed in June are read; a run dated back, a run without the watch
    and a second run the same day after a payment all decide what reading everything does."""
    _two_councils(engine, tmp_path)
    happenings: dict[date, list[Happening]] = {
        date(2026, 4, 1): [_pays(tmp_path, "TE-1", "1777.78"), _pays(tmp_path, "OT-1", "1777.78")],
        date(2026, 4, 21): [_pays(tmp_path, "TE-3", "1777.78")],
        date(2026, 5, 4): [_breathing_space("TE-4")],
        date(2026, 5, 11): [_dies("TE-5"), _dies("OT-5")],
        date(2026, 6, 1): [_billed_late(tmp_path)],
        date(2026, 6, 16): [_pays(tmp_path, "OT-6", "100.00")],
    }
    for month in (4, 5, 6, 7):
        happenings.setdefault(date(2026, month, 1), []).append(_pays(tmp_path, "TE-8", "180.00"))
    for d in (date(2026, 5, 26), date(2026, 6, 9), date(2026, 6, 23), date(2026, 7, 7)):
        happenings.setdefault(d, []).extend([_summonses("TESTBURY"), _summonses("OTHERTON")])
    spied = _spy_on_reading_since(monkeypatch)
    working_days = WorkingDays(Country.ENGLAND)
    summonsed = 0
    day = date(2026, 4, 1)
    while day <= date(2026, 7, 31):
        _happen(engine, happenings, day)
        if working_days.is_working_day(day):
            for code in COUNCILS:
                if day == date(2026, 6, 15) and code == "TESTBURY":
                    back = date(2026, 6, 10)  # dated back: reads everything
                    expected = _reading_everything(engine, back, code)
                    assert _run(engine, back, code) == expected, (code, back)
                if day == date(2026, 5, 20) and code == "OTHERTON":
                    _run(engine, day, code, watch=False)
                expected = _reading_everything(engine, day, code)
                assert _run(engine, day, code) == expected, (code, day)
                if day == date(2026, 5, 21):  # again the same day, after a payment
                    with UnitOfWork(engine) as uow:
                        _pays(tmp_path, f"{code[:2]}-2", "50.00")(uow.connection, day)
                        uow.commit()
                    expected = _reading_everything(engine, day, code)
                    assert _run(engine, day, code) == expected, (code, day, "again")
        day += timedelta(days=1)
    with engine.connect() as conn:
        summonsed = conn.execute(
            select(func.count()).where(t.recovery_events.c.action == "summons")
        ).scalar_one()
    assert summonsed > 0
    assert len({council for council, _ in spied}) == 2
    assert len(spied) > 80


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The shipped strategies as a copy that a test may change, as a release would."""
    copy = tmp_path / "strategies"
    shutil.copytree(recovery_strategies.SHIPPED, copy)
    monkeypatch.setattr(recovery_strategies, "SHIPPED", copy)
    monkeypatch.setattr(recovery_bookmark, "SHIPPED", copy)
    caches = (
        recovery_strategies.shipped,
        recovery_strategies.shipped_label,
        recovery_bookmark._shipped_strategies,
    )
    for cached in caches:
        cached.cache_clear()
    yield copy
    monkeypatch.undo()
    for cached in caches:
        cached.cache_clear()


def test_a_release_that_changes_a_shipped_strategy_puts_the_bookmark_aside(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, released: Path
) -> None:
    """The second reminder's wait shortened from 7 days to 1 by a new release: the next run
    reads everything (and puts every watched year to the engine again), then reads from its
    new bookmark."""
    _set_up(engine, tmp_path)
    working_days = WorkingDays(Country.ENGLAND)
    day = date(2026, 4, 1)
    while day <= date(2026, 4, 23):
        if day == date(2026, 4, 10):
            with UnitOfWork(engine) as uow:
                _pays(tmp_path, "CT-3", "177.78")(uow.connection, day)
                uow.commit()
        if working_days.is_working_day(day):
            expected = _reading_everything(engine, day)
            assert _run(engine, day) == expected, day
        day += timedelta(days=1)
    england = released / "england-council-tax.toml"
    text = england.read_text(encoding="utf-8")
    changed = text.replace('name = "second_reminder"', 'name = "second_reminder"  # 2027', 1)
    england.write_text(changed.replace('wait = "7 days"', 'wait = "1 day"', 1), encoding="utf-8")
    for cached in (
        recovery_strategies.shipped,
        recovery_strategies.shipped_label,
        recovery_bookmark._shipped_strategies,
    ):
        cached.cache_clear()
    spied = _spy_on_reading_since(monkeypatch)
    for on in (date(2026, 4, 24), date(2026, 4, 27)):
        expected = _reading_everything(engine, on)
        assert _run(engine, on) == expected, on
    assert [day for _, day in spied] == [date(2026, 4, 27)]
