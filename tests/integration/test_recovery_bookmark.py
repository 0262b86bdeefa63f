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
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, delete

from reclaim.calendar import Country, FinancialYear, InstalmentDay, WorkingDays
from reclaim.domain.ledger import Posting, PostingKind
from reclaim.domain.recovery.protections import HoldKind, VulnerabilityCategory
from reclaim.imports.accounts import import_accounts
from reclaim.imports.payments import import_payments
from reclaim.money import Money
from reclaim.services import recovery_reading
from reclaim.services.billing import bill_year
from reclaim.services.council_years import CouncilYear, set_year
from reclaim.services.liability_changes import end_liability
from reclaim.services.protections import (
    add_vulnerability,
    end_vulnerability,
    find_account,
    people_named,
    place_hold,
    release_holds,
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
    add_council,
    council_tax_line,
    payment_line,
    write_csv,
)

pytestmark = pytest.mark.parametrize("databases", ["sqlite"], indirect=True)

YEAR = FinancialYear(2026)
Happening = Callable[[Connection, date], object]


def _set_up(engine: Engine, tmp_path: Path) -> None:
    add_council(engine)
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
    with UnitOfWork(engine) as uow:
        set_year(
            uow.connection,
            CouncilYear("TESTBURY", YEAR, Money.parse("2000.00"), InstalmentDay.DAY_1),
        )
        import_accounts(
            uow.connection,
            write_csv(tmp_path / "accounts.csv", ACCOUNT_HEADER, lines),
            today=date(2026, 3, 1),
            now=NOW,
        )
        bill_year(
            uow.connection, "TESTBURY", YEAR, issued_on=date(2026, 3, 10), today=date(2026, 3, 10)
        )
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


def _reading_everything(engine: Engine, day: date) -> Outcome:
    """A dry run with the watch and without the bookmark (put aside, then restored)."""
    with UnitOfWork(engine) as uow:
        uow.connection.execute(delete(t.recovery_bookmark_years))
        uow.connection.execute(delete(t.recovery_bookmarks))
        return _outcome(run_recovery(uow.connection, "TESTBURY", day, dry_run=True))


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
    read_since: list[date] = []
    reading = recovery_reading.open_years_since

    def spied(conn: Connection, council_id: int, as_of: date, since: object) -> object:
        read_since.append(as_of)
        return reading(conn, council_id, as_of, since)  # type: ignore[arg-type]

    monkeypatch.setattr(recovery_reading, "open_years_since", spied)
    working_days = WorkingDays(Country.ENGLAND)
    steps = 0
    day = date(2026, 4, 1)
    while day <= date(2026, 7, 31):
        with UnitOfWork(engine) as uow:
            for happen in happenings.get(day, []):
                happen(uow.connection, day)
            uow.commit()
        if working_days.is_working_day(day):
            expected = _reading_everything(engine, day)
            with UnitOfWork(engine) as uow:
                found = _outcome(run_recovery(uow.connection, "TESTBURY", day))
                uow.commit()
            assert found == expected, day
            steps += len(found[0])
        day += timedelta(days=1)
    assert steps > 10  # the story has reminders, final notices and summonses in it
    # Read from the bookmark on most days: not on the first run, nor while the write-off
    # dated ahead is yet to take effect, nor on the day of the new strategy.
    assert len(read_since) > 40
    assert date(2026, 4, 1) not in read_since
    assert date(2026, 5, 19) not in read_since  # the write-off takes effect on the 20th
    assert date(2026, 6, 3) not in read_since  # the strategy was set that morning
    assert date(2026, 6, 4) in read_since
