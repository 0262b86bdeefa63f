"""What the demo's print room stands on: a read-only connection whose transaction reads one
snapshot while another connection writes and commits, and a second process that says plainly
what stopped it. (That its year is the year printed in the day: ``test_demo.py``.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import DBAPIError

from reclaim.calendar import Country
from reclaim.demo.print_room import PrintRoom
from reclaim.services import councils
from reclaim.store import tables as t
from reclaim.store.database import make_engine
from reclaim.store.unit_of_work import UnitOfWork


def _councils(conn: object) -> int:
    return int(conn.execute(select(func.count()).select_from(t.councils)).scalar_one())  # type: ignore[attr-defined]


def test_a_read_only_transaction_reads_one_snapshot_while_another_commits(
    engine: Engine,
) -> None:
    with UnitOfWork(engine) as uow:
        councils.add(uow.connection, "ONE", "One Council", Country.ENGLAND)
        uow.commit()
    reader = make_engine(engine.url.render_as_string(hide_password=False), read_only=True)
    try:
        with reader.connect() as conn, conn.begin():
            assert _councils(conn) == 1  # the snapshot is taken here
            with UnitOfWork(engine) as uow:  # the writer is not held up by the reader
                councils.add(uow.connection, "TWO", "Two Council", Country.ENGLAND)
                uow.commit()
            assert _councils(conn) == 1  # still the snapshot
        with reader.connect() as conn, conn.begin():
            assert _councils(conn) == 2  # a new transaction, a new snapshot
            with pytest.raises(DBAPIError):
                conn.execute(
                    insert(t.councils).values(
                        code="THREE", name="Three", country=Country.ENGLAND.value
                    )
                )
    finally:
        reader.dispose()


def test_the_print_room_says_what_stopped_it(tmp_path: Path) -> None:
    from reclaim.store.database import migrate

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    room = PrintRoom(url, "NOWHERE", tmp_path / "letters")
    try:
        room.start(date(2026, 4, 1))
        with pytest.raises(
            RuntimeError, match="could not print 2026-04-01: there is no council NOWHERE"
        ):
            room.collect()
    finally:
        room.close()
    assert not (tmp_path / "letters").exists()
