"""Test fixtures. Every test that touches the database runs twice: on SQLite and on PostgreSQL.

PostgreSQL comes from ``RECLAIM_TEST_POSTGRES_URL`` (``make test`` starts a server and sets it).
Without it the PostgreSQL half is skipped on a developer's machine, but is an error in CI
(``CI`` set): CI must prove both databases.

Each test gets an empty, migrated database of its own. SQLite copies a migrated template file.
PostgreSQL would spend most of a second per test on ``CREATE``/``DROP DATABASE``, so each test
module makes one database from a migrated template and each test empties it first.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from reclaim.store.database import make_engine, migrate
from reclaim.store.tables import metadata

POSTGRES_URL = os.environ.get("RECLAIM_TEST_POSTGRES_URL")
IN_CI = bool(os.environ.get("CI"))


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection to close folds the WAL back into the file
    return path


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("RECLAIM_TEST_POSTGRES_URL is not set: in CI the PostgreSQL tests must run")
        pytest.skip("no PostgreSQL server (set RECLAIM_TEST_POSTGRES_URL, or run 'make test')")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:
        if IN_CI:
            pytest.fail(f"cannot reach PostgreSQL at RECLAIM_TEST_POSTGRES_URL: {error}")
        pytest.skip(f"cannot reach PostgreSQL: {error}")
    yield admin
    admin.dispose()


def _pg_url(name: str) -> str:
    assert POSTGRES_URL is not None
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_template(postgres_admin: Engine) -> Iterator[str]:
    name = f"reclaim_template_{_worker()}_{uuid.uuid4().hex[:6]}"
    with postgres_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(_pg_url(name))
    migrate(engine)
    engine.dispose()
    yield name
    with postgres_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest) -> Iterator[FreshDatabases]:
    """One database of each kind per module (parametrise it indirectly to run on one kind)."""
    with fresh_databases(request, request.param) as made:
        yield made


@pytest.fixture
def database_url(databases: FreshDatabases, tmp_path: Path) -> str:
    """The URL of a fresh, empty, migrated database, for each kind."""
    return databases.fresh(tmp_path)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
