"""The recovery run against a real database: the bundled example council, billed and paid in
part, run on a date; a second run on the same date changes nothing; a dry run writes nothing;
the steps show on the account under ``recovery``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import exc, func, select, text

from reclaim.cli.example import run_example
from reclaim.services.accounts import account_statement
from reclaim.services.recovery_run import RecoveryRun, run_recovery
from reclaim.services.recovery_strategies import EXAMPLES, use_strategy
from reclaim.store import tables as t
from reclaim.store.database import make_engine
from reclaim.store.unit_of_work import UnitOfWork

RUN_ON = date(2026, 6, 20)


def _example(tmp_path: Path) -> str:
    db = tmp_path / "example.db"
    run_example(db, Console(file=open(tmp_path / "out.txt", "w")))  # noqa: SIM115
    return f"sqlite:///{db}"


def _count(url: str, table: object) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_dry_run_reports_reminders_and_writes_nothing(tmp_path: Path) -> None:
    url = _example(tmp_path)
    with UnitOfWork(make_engine(url)) as uow:
        run = run_recovery(uow.connection, "EXAMPLE", RUN_ON, dry_run=True)
        uow.commit()
    assert run.taken > 0
    assert run.summary()["Reminder"] == run.taken
    run.write_csv(tmp_path / "dry.csv")
    lines = (tmp_path / "dry.csv").read_text().splitlines()
    assert lines[0] == "account,name,year,action,stage,amount,pay_by,letter,reason"
    assert len(lines) == run.taken + 1
    assert _count(url, t.recovery_events) == 0
    assert _count(url, t.documents) == 0


def test_the_run_records_each_step_with_its_reason_once(tmp_path: Path) -> None:
    url = _example(tmp_path)
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        first = run_recovery(uow.connection, "EXAMPLE", RUN_ON)
        uow.commit()
    events = _count(url, t.recovery_events)
    assert events == first.taken > 0
    assert _count(url, t.documents) == events  # every reminder queues its letter
    with UnitOfWork(engine) as uow:
        again = run_recovery(uow.connection, "EXAMPLE", RUN_ON)
        uow.commit()
    assert again.taken == 0
    assert _count(url, t.recovery_events) == events
    with UnitOfWork(engine) as uow:
        statement = account_statement(uow.connection, "CT-1000003")
    assert statement.recovery.stage == "reminder"
    (event,) = statement.recovery.events
    assert event.on == RUN_ON
    assert "was not paid" in event.reason and "reg 23(1)" in event.reason


# (append-only table, a statement that would change it)
TAMPERING_WITH_RECOVERY = [
    ("recovery_events", "UPDATE recovery_events SET reason = 'x'"),
    ("recovery_events", "DELETE FROM recovery_events"),
    ("council_strategies", "UPDATE council_strategies SET text = 'x'"),
    ("council_strategies", "DELETE FROM council_strategies"),
]


@pytest.mark.parametrize(("table", "statement"), TAMPERING_WITH_RECOVERY)
def test_recovery_events_and_strategies_cannot_be_changed_or_deleted(
    tmp_path: Path, table: str, statement: str
) -> None:
    url = _example(tmp_path)
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        run_recovery(uow.connection, "EXAMPLE", RUN_ON)
        use_strategy(uow.connection, "EXAMPLE", EXAMPLES / "knowsley-council-tax.toml", RUN_ON)
        uow.commit()
    before = _count(url, getattr(t, table))
    assert before
    with UnitOfWork(engine) as uow, pytest.raises(exc.DBAPIError, match="never changed"):
        uow.connection.execute(text(statement))
    assert _count(url, getattr(t, table)) == before


def test_a_reminder_paid_in_time_stops_there_while_the_others_go_on(tmp_path: Path) -> None:
    """Several accounts with a history, read together: each is judged on its own payments."""
    from datetime import UTC, datetime

    from reclaim.imports.payments import import_payments

    url = _example(tmp_path)
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        first = run_recovery(uow.connection, "EXAMPLE", RUN_ON)
        uow.commit()
    reminded = {s.reference: s for s in first.steps} | {
        r: None for r in first.bulk.get_column("reference").to_list()
    }
    assert {"CT-1000001", "CT-1000002", "CT-1000003"} <= set(reminded)
    payments = tmp_path / "payments.csv"
    payments.write_text(
        "date,reference,amount,channel,external_id\n"
        "2026-06-22,CT-1000001,222.67,card,CARD-1\n",  # what its reminder asked for
        encoding="utf-8",
    )
    with UnitOfWork(engine) as uow:
        import_payments(
            uow.connection, payments, today=date(2026, 6, 22), now=datetime(2026, 6, 22, tzinfo=UTC)
        )
        uow.commit()
    with UnitOfWork(engine) as uow:
        later = run_recovery(uow.connection, "EXAMPLE", date(2026, 7, 10))
        uow.commit()
    taken = {(s.reference, s.decision.action.value) for s in later.steps if s.decision.by_run}
    assert not any(reference == "CT-1000001" for reference, _ in taken)
    assert {("CT-1000002", "balance_due"), ("CT-1000003", "balance_due")} <= taken
    with UnitOfWork(engine) as uow:
        for step in later.steps:
            if step.decision.action.value == "balance_due":  # the year's balance, to the penny
                owed = account_statement(uow.connection, step.reference).balance_by_year[step.year]
                assert step.decision.amount == owed, step.reference


def test_the_run_passes_over_a_year_whose_step_is_not_due_until_something_changes(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    from reclaim.imports.payments import import_payments

    url = _example(tmp_path)
    engine = make_engine(url)

    def run_on(day: date) -> RecoveryRun:
        with UnitOfWork(engine) as uow:
            run = run_recovery(uow.connection, "EXAMPLE", day)
            uow.commit()
        return run

    first = run_on(RUN_ON)  # reminders, pay by 26 June
    reminded = first.bulk.height + len(first.steps)
    looked = run_on(RUN_ON + timedelta(days=1))
    assert (looked.evaluated, looked.waiting, looked.taken) == (reminded, 0, 0)
    passed = run_on(RUN_ON + timedelta(days=2))
    assert (passed.evaluated, passed.waiting, passed.taken) == (0, reminded, 0)
    payments = tmp_path / "payments.csv"
    payments.write_text(
        "date,reference,amount,channel,external_id\n2026-06-23,CT-1000001,10.00,card,CARD-9\n",
        encoding="utf-8",
    )
    with UnitOfWork(engine) as uow:
        import_payments(
            uow.connection, payments, today=date(2026, 6, 23), now=datetime(2026, 6, 23, tzinfo=UTC)
        )
        uow.commit()
    changed = run_on(date(2026, 6, 23))  # the account paid: its ledger changed, look again
    assert (changed.evaluated, changed.waiting) == (1, reminded - 1)
    due = run_on(date(2026, 7, 10))  # past the reminders' days: the watch wakes every year
    assert due.waiting == 0 and due.evaluated == reminded


def test_the_open_years_read_one_by_one_are_those_read_all_at_once(tmp_path: Path) -> None:
    """A small council's years are looked up one by one, a large one's read in one pass: both
    readings find the same years with the same sums and flags, whatever has happened."""
    from datetime import timedelta

    from reclaim.domain.recovery.protections import HoldKind
    from reclaim.services import recovery_reading as reading
    from reclaim.services.protections import find_account, place_hold

    url = _example(tmp_path)
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        run_recovery(uow.connection, "EXAMPLE", RUN_ON)
        run_recovery(uow.connection, "EXAMPLE", RUN_ON + timedelta(days=20))
        place_hold(
            uow.connection,
            find_account(uow.connection, "CT-1000003"),
            kind=HoldKind.GENERAL,
            reason="disputes liability",
            review_by=date(2026, 8, 1),
            today=RUN_ON,
        )
        uow.commit()
    with engine.connect() as conn:
        council_id = conn.execute(
            select(t.councils.c.id).where(t.councils.c.code == "EXAMPLE")
        ).scalar_one()
        for day in (date(2026, 4, 2), RUN_ON, date(2026, 7, 15), date(2027, 3, 31)):
            few = reading.open_years(conn, council_id, day, 0)
            many = reading.open_years(conn, council_id, day, reading.FEW + 1)
            assert few.height > 0
            assert few.equals(many), day
            flags = few.select("has_history", "protected").sum().row(0)
            if day > RUN_ON:
                assert all(flags), (day, flags)
