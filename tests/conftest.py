"""Test fixtures. Every test that touches the database runs twice: on SQLite and on PostgreSQL.

PostgreSQL comes from ``RECLAIM_TEST_POSTGRES_URL`` (``make test`` starts a server and sets it).
Without it the PostgreSQL half is skipped on a developer's machine, but is an error in CI
(``CI`` set): CI must prove both databases.

Each test gets a database of its own, copied from one migrated template per worker: SQLite by
copying the file, PostgreSQL by ``CREATE DATABASE … TEMPLATE``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from reclaim.store.database import make_engine, migrate

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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "reclaim.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    template: str = request.getfixturevalue("postgres_template")
    name = f"reclaim_test_{_worker()}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
