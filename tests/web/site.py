"""A small council's data and one user of every role, for the web tests.

Two councils: TESTBURY (Alex Example, liable for council tax and a sundry invoice, billed for
2026/27; Bea Other with a hold due for review) and OTHERTON (Olive Other, another council's
customer nobody in TESTBURY may see).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

import reclaim
from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.domain.access import Role
from reclaim.domain.recovery.protections import HoldKind
from reclaim.imports.accounts import import_accounts
from reclaim.money import Money
from reclaim.services.access import add_user
from reclaim.services.billing import bill_year
from reclaim.services.council_years import CouncilYear, set_year
from reclaim.services.letter_data import parse_letterhead, set_letterhead
from reclaim.services.letters import produce_documents
from reclaim.services.protections import find_account, place_hold
from reclaim.store.unit_of_work import UnitOfWork
from reclaim.web.app import create_app
from tests.builders import (
    ACCOUNT_HEADER,
    NOW,
    TODAY,
    account_line,
    add_council,
    council_tax_line,
    write_csv,
)

PASSWORD = "correct horse battery staple"
LETTERHEAD = Path(reclaim.__file__).parent / "examples" / "letterhead.toml"
USERS = {
    "officer": (Role.OFFICER, ("TESTBURY",)),
    "leader": (Role.TEAM_LEADER, ("TESTBURY",)),
    "manager": (Role.MANAGER, ("TESTBURY",)),
    "auditor": (Role.AUDITOR, ("TESTBURY",)),
    "admin": (Role.ADMINISTRATOR, ("TESTBURY", "OTHERTON")),
    "elsewhere": (Role.OFFICER, ("OTHERTON",)),
}


def clock():  # type: ignore[no-untyped-def]
    return NOW


def populate(engine: Engine, folder: Path) -> None:
    add_council(engine, "TESTBURY")
    add_council(engine, "OTHERTON")
    lines = [
        council_tax_line(
            "CT-1", party_name="Alex Example", address="1 Test Street", postcode="TE1 1ST"
        ),
        account_line(reference="SD-1", party_name="Alex Example", amount="240.00"),
        council_tax_line(
            "CT-2",
            party_name="Bea Other",
            date_of_birth="1960-02-02",
            address="2 Test Street",
            postcode="TE1 2ST",
            uprn="100000000002",
        ),
        council_tax_line(
            "CT-9",
            council="OTHERTON",
            party_name="Olive Other",
            date_of_birth="1950-01-01",
            address="9 Other Road",
            postcode="OT9 9OT",
        ),
    ]
    path = write_csv(folder / "accounts.csv", ACCOUNT_HEADER, lines)
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        import_accounts(conn, path, today=TODAY, now=NOW)
        for code in ("TESTBURY", "OTHERTON"):
            set_year(
                conn,
                CouncilYear(code, FinancialYear(2026), Money.parse("2000.00"), InstalmentDay.DAY_1),
            )
            bill_year(
                conn,
                code,
                FinancialYear(2026),
                issued_on=date(2026, 3, 10),
                today=date(2026, 3, 10),
            )
        head = LETTERHEAD.read_text(encoding="utf-8")
        for code in ("OTHERTON", "TESTBURY"):  # their bills' letters: documents 1, 2 and 3
            set_letterhead(conn, code, parse_letterhead(head, LETTERHEAD.name), date(2026, 3, 1))
            produce_documents(conn, code, TODAY)
        place_hold(  # its acknowledgement queued as it is placed: document 4
            conn,
            find_account(conn, "CT-2", "TESTBURY"),
            kind=HoldKind.DISPUTE,
            reason="Disputes the band",
            review_by=date(2026, 6, 1),
            today=date(2026, 5, 1),
        )
        produce_documents(conn, "TESTBURY", TODAY)
        for username, (role, councils) in USERS.items():
            add_user(
                conn,
                username=username,
                display_name=username.title(),
                password=PASSWORD,
                role=role,
                councils=councils,
                now=NOW,
            )
        uow.commit()


@dataclass
class Site:
    engine: Engine
    app: object
    csrf: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    clients: dict[str | None, TestClient] = field(default_factory=dict)

    def client(self, who: str | None) -> TestClient:
        """A browser signed in as ``who`` (None: nobody), not following redirects."""
        if who in self.clients:
            return self.clients[who]
        client = TestClient(self.app, follow_redirects=False)  # type: ignore[arg-type]
        self.clients[who] = client
        if who is not None:
            if who not in self.cookies:
                response = client.post("/api/session", json={"username": who, "password": PASSWORD})
                assert response.status_code == 200, response.text
                self.csrf[who] = response.json()["csrf_token"]
                self.cookies[who] = response.cookies["reclaim_session"]
            client.cookies.set("reclaim_session", self.cookies[who])
        return client


def sign_in_token(client: TestClient) -> dict[str, str]:
    """Open the sign-in form, as a browser does before posting it: the client keeps the
    form's cookie and this returns its hidden token, to send with the form."""
    page = client.get("/sign-in")
    assert page.status_code == 200, page.text
    found = re.search(r'name="sign_in_token" value="([0-9a-f]+)"', page.text)
    assert found is not None, "the sign-in form has no token"
    return {"sign_in_token": found.group(1)}


def make_site(engine: Engine) -> Site:
    return Site(engine, create_app(engine, clock=clock))
