"""The browser tests: the app served for real (uvicorn, in a thread) on a populated SQLite
database, driven by Playwright in Debian's Chromium (never a downloaded browser).

Without Chromium at /usr/bin/chromium (``apt-get install chromium``) the browser tests are
skipped on a developer's machine but fail in CI (``CI`` set), as the PostgreSQL tests do:
CI must prove them. axe-core comes from npm (``npm ci``; scripts/build-web-assets).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from reclaim.store.database import make_engine, migrate
from tests.web.site import Site, make_site, populate

CHROMIUM = Path(os.environ.get("RECLAIM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CSS = ROOT / "src" / "reclaim" / "web" / "static" / "build" / "app.css"
IN_CI = bool(os.environ.get("CI"))


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what}: in CI the browser tests must run")
    pytest.skip(what)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if not AXE.exists() or not CSS.exists():
        _missing("the npm packages are not installed or built (scripts/build-web-assets)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield launched
        launched.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Site]]:
    """The app with the web tests' data, at a local address."""
    folder = tmp_path_factory.mktemp("served")
    engine = make_engine(f"sqlite:///{folder / 'reclaim.db'}")
    migrate(engine)
    populate(engine, folder)
    site = make_site(engine)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the web app did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", site
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()
