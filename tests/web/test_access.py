"""Who may open what: every route of the web app and its API, for every role, for another
council's officer, and for nobody signed in — on SQLite and PostgreSQL.

Outcomes: ``ok`` (the route did its work, or a rule refused the input: 2xx, 3xx or 400),
``sign_in`` (a page sends the browser to sign in, the API answers 401), ``forbidden`` (403)
and ``not_found`` (404: a record of a council the user cannot see is answered like one that
does not exist). Changes are sent with input a rule refuses where the route would otherwise
change the shared data, so the table can run in any order.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from starlette.routing import Mount

from tests.web.site import Site, sign_in_token

PRINCIPALS = (None, "officer", "leader", "manager", "auditor", "admin", "elsewhere")
CUSTOMER = "/customers/TESTBURY/P00000001"
ACCOUNT = "/accounts/TESTBURY/CT-1"


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    kind: str  # public, read_list, read_record, other_council, change, audit
    route: str  # the route's own path, to prove every route is covered
    form: dict[str, str] | None = None
    json: dict[str, str] | None = None


CASES = [
    Case("GET", "/", "public", "/"),
    Case("GET", "/sign-in", "public", "/sign-in"),
    Case("POST", "/sign-in", "public", "/sign-in", form={"username": "nobody", "password": "x"}),
    Case("GET", "/search?q=Alex", "read_list", "/search"),
    Case("GET", CUSTOMER, "read_record", "/customers/{council}/{reference}"),
    Case("GET", ACCOUNT, "read_record", "/accounts/{council}/{reference}"),
    Case("GET", "/customers/OTHERTON/P00000003", "other_council", "/customers/{council}/{reference}"),
    Case("GET", "/accounts/OTHERTON/CT-9", "other_council", "/accounts/{council}/{reference}"),
    Case("POST", f"{ACCOUNT}/holds", "change", "/accounts/{council}/{reference}/holds",
         form={"kind": "general", "reason": "r", "review_by": ""}),
    Case("POST", f"{ACCOUNT}/holds/release", "change",
         "/accounts/{council}/{reference}/holds/release", form={"reason": ""}),
    Case("POST", f"{ACCOUNT}/notes", "change", "/accounts/{council}/{reference}/notes",
         form={"text": ""}),
    Case("POST", f"{ACCOUNT}/payments", "change", "/accounts/{council}/{reference}/payments",
         form={"amount": "", "channel": "card", "paid_on": "", "external_id": "X"}),
    Case("POST", f"{CUSTOMER}/vulnerability", "change",
         "/customers/{council}/{reference}/vulnerability", form={"category": "", "review_by": ""}),
    Case("POST", f"{CUSTOMER}/breathing-space", "change",
         "/customers/{council}/{reference}/breathing-space", form={"kind": ""}),
    Case("POST", f"{CUSTOMER}/breathing-space/end", "change",
         "/customers/{council}/{reference}/breathing-space/end", form={"ended_on": "2020-01-01"}),
    *[
        Case("GET", f"/lists/{name}", "read_list", "/lists/{name}")
        for name in ("holds-due", "vulnerability-reviews", "recovery-run", "summons",
                     "holds-due.csv")
    ],
    Case("GET", "/audit", "audit", "/audit"),
    Case("GET", "/documents/TESTBURY/2.pdf", "read_record", "/documents/{council}/{document_id}.pdf"),
    Case("GET", "/documents/OTHERTON/1.pdf", "other_council", "/documents/{council}/{document_id}.pdf"),
    Case("GET", "/dashboard", "read_list", "/dashboard"),
    Case("GET", "/dashboard.csv?council=TESTBURY", "read_record", "/dashboard.csv"),
    Case("GET", "/dashboard?council=OTHERTON&year=2026/27", "other_council", "/dashboard"),
    Case("GET", "/api/dashboard?year=2026/27", "read_list", "/api/dashboard"),
    # The JSON API
    Case("GET", "/api/openapi.json", "public", "/api/openapi.json"),
    Case("POST", "/api/session", "refused_sign_in", "/api/session",
         json={"username": "nobody", "password": "wrong"}),
    Case("GET", "/api/search?q=Alex", "read_list", "/api/search"),
    Case("GET", f"/api{CUSTOMER}", "read_record", "/api/customers/{council}/{reference}"),
    Case("GET", f"/api{ACCOUNT}", "read_record", "/api/accounts/{council}/{reference}"),
    Case("GET", "/api/customers/OTHERTON/P00000003", "other_council",
         "/api/customers/{council}/{reference}"),
    Case("GET", "/api/accounts/OTHERTON/CT-9", "other_council",
         "/api/accounts/{council}/{reference}"),
    Case("POST", f"/api{ACCOUNT}/holds", "change", "/api/accounts/{council}/{reference}/holds",
         json={"kind": "general", "reason": "r", "review_by": "2020-01-01"}),
    Case("POST", f"/api{ACCOUNT}/holds/release", "change",
         "/api/accounts/{council}/{reference}/holds/release", json={"reason": ""}),
    Case("POST", f"/api{ACCOUNT}/notes", "change", "/api/accounts/{council}/{reference}/notes",
         json={"text": " "}),
    Case("POST", f"/api{ACCOUNT}/payments", "change",
         "/api/accounts/{council}/{reference}/payments",
         json={"amount": "0.00", "channel": "card", "paid_on": "2026-06-01", "external_id": "X"}),
    Case("POST", f"/api{CUSTOMER}/vulnerability", "change",
         "/api/customers/{council}/{reference}/vulnerability",
         json={"category": "elderly", "review_by": "2020-01-01", "reason": ""}),
    Case("POST", f"/api{CUSTOMER}/breathing-space", "change",
         "/api/customers/{council}/{reference}/breathing-space",
         json={"kind": "standard", "starts_on": "2026-06-01"}),
    Case("POST", f"/api{CUSTOMER}/breathing-space/end", "change",
         "/api/customers/{council}/{reference}/breathing-space/end",
         json={"ended_on": "2020-01-01"}),
    *[
        Case("GET", f"/api/lists/{name}", "read_list", "/api/lists/{name}")
        for name in ("holds-due", "vulnerability-reviews", "recovery-run", "summons")
    ],
    Case("GET", "/api/audit", "audit", "/api/audit"),
]  # fmt: skip

# Routes whose access is proved by their own tests (test_sign_in.py): signing out ends the
# session the table's requests share.
ELSEWHERE = {("POST", "/sign-out"), ("DELETE", "/api/session")}


def expected(case: Case, who: str | None) -> str:
    if case.kind == "public":
        return "ok"
    if case.kind == "refused_sign_in":  # the API answers wrong credentials with 401
        return "sign_in"
    if who is None:
        return "sign_in"
    if case.kind == "read_list":
        return "ok"
    if case.kind == "read_record":
        return "not_found" if who == "elsewhere" else "ok"
    if case.kind == "other_council":
        return "ok" if who in ("admin", "elsewhere") else "not_found"
    if case.kind == "audit":
        return "ok" if who in ("manager", "auditor", "admin") else "forbidden"
    assert case.kind == "change"
    if who == "auditor":
        return "forbidden"
    return "not_found" if who == "elsewhere" else "ok"


def outcome(status: int, location: str) -> str:
    if status == 401 or (status == 303 and location.startswith("/sign-in")):
        return "sign_in"
    if status == 403:
        return "forbidden"
    if status == 404:
        return "not_found"
    if status < 400 or status == 400:
        return "ok"
    return f"status {status}"


def send(site: Site, case: Case, who: str | None, *, csrf: bool = True) -> tuple[int, str]:
    client = site.client(who)
    headers = {}
    form = case.form
    if case.route == "/sign-in" and case.method == "POST" and csrf:
        form = {**(form or {}), **sign_in_token(client)}  # the form's own, before a session
    elif who is not None and csrf and case.method != "GET":
        if case.json is not None:
            headers["X-CSRF-Token"] = site.csrf[who]
        elif form is not None:
            form = {**form, "csrf_token": site.csrf[who]}
    response = client.request(case.method, case.path, data=form, json=case.json, headers=headers)
    assert response.status_code < 500, response.text
    return response.status_code, response.headers.get("location", "")


@pytest.mark.parametrize("who", PRINCIPALS, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.path}")
def test_each_route_answers_each_role_as_its_access_rule_says(
    site: Site, case: Case, who: str | None
) -> None:
    status, location = send(site, case, who)
    assert outcome(status, location) == expected(case, who), (status, location)


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "change"], ids=lambda c: c.path)
def test_a_change_without_the_sessions_csrf_token_is_refused(site: Site, case: Case) -> None:
    status, _ = send(site, case, "officer", csrf=False)
    assert status == 403


def test_every_route_of_the_app_is_in_the_access_table(site: Site) -> None:
    every = []
    for route in site.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount):  # the static files
            continue
        included = getattr(route, "original_router", None)  # FastAPI's include_router
        every += included.routes if included is not None else [route]
    routes = {
        (method, route.path) for route in every for method in route.methods if method != "HEAD"
    }
    covered = {(c.method, c.route) for c in CASES} | ELSEWHERE
    assert routes - covered == set()
    assert covered - routes == set()
