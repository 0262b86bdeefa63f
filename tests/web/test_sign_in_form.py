"""The sign-in form's own CSRF defence (a signed double submit, before there is a session):
a sign-in posted without the form's token, with a wrong one, or with another browser's, is
refused with a plain message and changes nothing — no session, no failure counted, nothing
audited; the form opened first and posted back signs in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from reclaim.services import audit
from reclaim.store.access_tables import sessions, users
from reclaim.store.unit_of_work import UnitOfWork
from reclaim.web.context import SIGN_IN_COOKIE
from tests.web.site import PASSWORD, Site, sign_in_token

REFUSED = "This sign-in form has expired or did not come from this service"


def what_sign_in_touches(site: Site) -> tuple[int, int, int]:
    """(audit entries, sessions, the officer's failed sign-ins in a row)."""
    with UnitOfWork(site.engine) as uow:
        conn = uow.connection
        failures = conn.execute(
            select(users.c.failed_sign_ins).where(users.c.username == "officer")
        ).scalar_one()
        return (
            audit.count(conn),
            conn.execute(select(func.count()).select_from(sessions)).scalar_one(),
            failures,
        )


def browser(site: Site) -> TestClient:
    return TestClient(site.app, follow_redirects=False)  # type: ignore[arg-type]


@pytest.mark.parametrize("token", [None, "", "0" * 64, "forged"], ids=repr)
@pytest.mark.parametrize("password", [PASSWORD, "not the password"], ids=["right", "wrong"])
def test_a_sign_in_without_the_forms_token_is_refused_and_changes_nothing(
    site: Site, token: str | None, password: str
) -> None:
    client = browser(site)
    sign_in_token(client)  # the browser holds the form's cookie; the token sent is not its own
    before = what_sign_in_touches(site)
    form = {"username": "officer", "password": password, "next": "/search"}
    if token is not None:
        form["sign_in_token"] = token
    refused = client.post("/sign-in", data=form)
    assert refused.status_code == 403
    assert REFUSED in refused.text and "Sign in again here." in refused.text
    assert "reclaim_session" not in refused.cookies
    assert what_sign_in_touches(site) == before
    # The refusal is a fresh form: sending it again, with its own token, signs in.
    again = client.post("/sign-in", data={**form, **sign_in_token(client), "password": PASSWORD})
    assert again.status_code == 303 and again.headers["location"] == "/search"


def test_another_browsers_token_does_not_sign_this_one_in(site: Site) -> None:
    attacker, victim = browser(site), browser(site)
    stolen = sign_in_token(attacker)  # the attacker's own form, sent from the victim's browser
    sign_in_token(victim)
    before = what_sign_in_touches(site)
    refused = victim.post("/sign-in", data={"username": "officer", "password": PASSWORD, **stolen})
    assert refused.status_code == 403 and REFUSED in refused.text
    no_cookie = browser(site).post(
        "/sign-in", data={"username": "officer", "password": PASSWORD, **stolen}
    )
    assert no_cookie.status_code == 403
    assert what_sign_in_touches(site) == before


def test_the_form_opened_and_posted_back_signs_in_and_drops_its_cookie(site: Site) -> None:
    client = browser(site)
    form = sign_in_token(client)
    assert client.cookies.get(SIGN_IN_COOKIE)
    page = client.get("/sign-in")  # opened again (another tab): the same cookie still works
    assert form["sign_in_token"] in page.text
    signed = client.post(
        "/sign-in", data={"username": "officer", "password": PASSWORD, "next": "/lists/summons",
                          **form},
    )  # fmt: skip
    assert signed.status_code == 303 and signed.headers["location"] == "/lists/summons"
    assert signed.cookies.get("reclaim_session")
    assert SIGN_IN_COOKIE in signed.headers["set-cookie"]  # deleted: a new one each sign-in
    assert client.get("/search").status_code == 200


def test_the_forms_cookie_is_strict_and_not_for_scripts(site: Site) -> None:
    cookie = browser(site).get("/sign-in").headers["set-cookie"].lower()
    assert cookie.startswith(f"{SIGN_IN_COOKIE}=")
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
