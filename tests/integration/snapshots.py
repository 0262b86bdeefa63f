"""Helpers for the integration tests that look at the whole database.

* ``snapshot``: every row of every table. A refused import must leave the database exactly as
  it was; comparing snapshots (each read in a connection of its own, so only committed rows
  count) proves it.
* ``breaches``: what ``reclaim check`` finds (nothing, after any successful import).
* ``FreshDatabases``: an empty database per test, without creating one per test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from reclaim.services.checks import run_checks
from reclaim.store.database import make_engine
from reclaim.store.tables import metadata

Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(engine: Engine) -> Snapshot:
    """Every committed row of every table, in a stable order."""
    with engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.columns))]
            for table in metadata.sorted_tables
        }


def row_counts(state: Snapshot) -> dict[str, int]:
    return {name: len(rows) for name, rows in state.items()}


def breaches(engine: Engine) -> list[str]:
    """Every breach ``reclaim check`` finds, as 'code: where: detail' (empty when all hold)."""
    with engine.connect() as conn:
        return [
            f"{result.invariant.code}: {breach.where}: {breach.detail}"
            for result in run_checks(conn)
            for breach in result.breaches
        ]


class FreshDatabases:
    """Fresh, empty, migrated databases of one kind, one per test, made quickly.

    tests/conftest.py gives each test a database of its own; on PostgreSQL that costs a
    ``CREATE DATABASE`` and a ``DROP DATABASE`` (most of a second) per test. Here a module
    creates one PostgreSQL database from the same migrated template and, before each test,
    deletes every row and restarts every id sequence (faster than TRUNCATE, which makes new
    files); SQLite copies the template file, exactly as conftest does. Each test still starts
    from an empty, migrated database with ids from 1.
    """

    def __init__(self, kind: str, *, template: Path | None = None, url: str | None = None):
        self.kind = kind
        self.template = template
        self.url = url

    def fresh(self, tmp_path: Path) -> str:
        if self.template is not None:
            path = tmp_path / "reclaim.db"
            shutil.copyfile(self.template, path)
            return f"sqlite:///{path}"
        assert self.url is not None
        engine = make_engine(self.url)
        try:
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '10s'"))
                for table in reversed(metadata.sorted_tables):  # children before parents
                    # The append-only triggers refuse DELETE on the ledger; this is no ledger
                    # correction but a new database, so they are off for this transaction.
                    conn.execute(text(f"ALTER TABLE {table.name} DISABLE TRIGGER USER"))
                    conn.execute(text(f"DELETE FROM {table.name}"))
                    conn.execute(text(f"ALTER TABLE {table.name} ENABLE TRIGGER USER"))
                    if "id" in table.c:
                        conn.execute(
                            text("SELECT setval(pg_get_serial_sequence(:t, 'id'), 1, false)"),
                            {"t": table.name},
                        )
        finally:
            engine.dispose()
        return self.url


@contextmanager
def fresh_databases(request: pytest.FixtureRequest, kind: str) -> Iterator[FreshDatabases]:
    """For a module-scoped fixture: the means to a fresh database of ``kind`` per test."""
    if kind == "sqlite":
        yield FreshDatabases(kind, template=request.getfixturevalue("sqlite_template"))
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    template: str = request.getfixturevalue("postgres_template")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"reclaim_module_{worker}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield FreshDatabases(
            kind, url=admin.url.set(database=name).render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
