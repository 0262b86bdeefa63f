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


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashes() -> Iterator[None]:
    """argon2id at its lowest cost: the tests sign in hundreds of times on a shared 2-core
    machine, where the production cost (half a second a hash) would take minutes. The hash
    is still argon2id, and each stored hash carries its own cost, so verifying is unchanged."""
    from argon2 import PasswordHasher

    from reclaim.services import access

    production = access.HASHER
    access.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    access.HASHER = production
