"""The benchmark's web load step, small and short: the server in its own process, officers
signed in, every page answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from reclaim.bench.web_load import web_load
from reclaim.store.database import make_engine, migrate
from tests.web.site import populate


def test_simulated_officers_get_every_page_and_the_figures_are_reported(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'reclaim.db'}"
    engine = make_engine(url)
    migrate(engine)
    populate(engine, tmp_path)
    engine.dispose()
    figures = web_load(url, officers=3, seconds=2, pause=0.2, burst_workers=2, burst_seconds=1)
    assert figures.errors == 0 and figures.burst_errors == 0
    assert figures.pages >= 6
    assert 0 < figures.p50_ms <= figures.p95_ms <= figures.p99_ms
    assert figures.max_pages_per_second > 0


def test_a_load_on_a_database_without_accounts_is_refused_plainly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    with pytest.raises(RuntimeError, match="no accounts"):
        web_load(url, officers=1, seconds=1)
