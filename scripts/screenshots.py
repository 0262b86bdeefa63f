"""Take the screenshots in docs/screenshots/ of the officer web app, on the bundled example.

    uv run python scripts/screenshots.py

Builds the example database (``reclaim example``), places a hold and adds a note as an officer
would, serves the app and photographs the customer view, the account view and the dashboard in
Debian's Chromium (/usr/bin/chromium). Nothing is downloaded.
"""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright
from rich.console import Console

from reclaim.cli.example import run_example
from reclaim.domain.recovery.protections import HoldKind
from reclaim.services.access import user_by_id
from reclaim.services.officer_actions import add_note, place_hold_for
from reclaim.store.database import make_engine
from reclaim.store.unit_of_work import UnitOfWork
from reclaim.web.app import create_app
from reclaim.web.context import WebSettings
from reclaim.web.server import create_login

OUT = Path(__file__).parents[1] / "docs" / "screenshots"
NOW = datetime(2026, 6, 12, 10, 0, tzinfo=UTC)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    db = folder / "example.db"
    run_example(db, Console(quiet=True))
    url = f"sqlite:///{db}"
    login = create_login(url, ("EXAMPLE",), password="screenshots only, not a secret")
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        officer = user_by_id(uow.connection, 1)
        place_hold_for(
            uow.connection, officer, "EXAMPLE", "CT-1000002", kind=HoldKind.DISPUTE,
            reason="Says they moved out on 31 May; tenancy agreement asked for",
            review_by=date(2026, 6, 26), today=NOW.date(), now=NOW,
        )  # fmt: skip
        add_note(uow.connection, officer, "EXAMPLE", "CT-1000002",
                 text="Mrs Smith rang: will send the new tenancy agreement this week.", now=NOW)  # fmt: skip
        uow.commit()
    app = create_app(
        engine, settings=WebSettings("Example Borough Council", "#00594f"), clock=lambda: NOW
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=8765, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(
            base_url="http://127.0.0.1:8765", viewport={"width": 1100, "height": 900}
        )
        page.goto("/sign-in")
        page.get_by_label("Username").fill(login.username)
        page.get_by_label("Password").fill(login.password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/search")
        page.goto("/search?q=Smith")
        page.get_by_role("link", name="Ben Smith").first.click()
        page.screenshot(path=OUT / "customer-view.png", full_page=True)
        page.goto("/accounts/EXAMPLE/CT-1000002")
        page.screenshot(path=OUT / "account-view.png", full_page=True)
        page.goto("/dashboard?council=EXAMPLE&year=2026/27")
        page.screenshot(path=OUT / "dashboard.png", full_page=True)
        browser.close()
    server.should_exit = True
    Console().print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
