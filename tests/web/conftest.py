"""The web tests' site: one populated database per module and kind (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reclaim.store.database import make_engine
from tests.conftest import FreshDatabases
from tests.web.site import Site, make_site, populate


@pytest.fixture(scope="module")
def site(databases: FreshDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("site")
    engine = make_engine(databases.fresh(folder))
    populate(engine, folder)
    yield make_site(engine)
    engine.dispose()
