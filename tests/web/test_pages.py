"""The officers' forms end to end over HTTP (no JavaScript): each change lands, shows where
an officer looks for it and is audited; a refusal says why and changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from reclaim.services import audit
from reclaim.store import tables as t
from reclaim.store.unit_of_work import UnitOfWork
from tests.web.site import Site, sign_in_token

ACCOUNT = "/accounts/TESTBURY/CT-1"
CUSTOMER = "/customers/TESTBURY/P00000001"


def post(site: Site, who: str, path: str, **form: str):  # type: ignore[no-untyped-def]
    return site.client(who).post(path, data={**form, "csrf_token": site.csrf[who]})


def audit_actions(site: Site, subject: str) -> list[tuple[str, str]]:
    with UnitOfWork(site.engine) as uow:
        found = audit.entries(uow.connection, subject=subject)
    return [(e.entry.user, e.entry.action) for e in found]


def test_a_hold_placed_by_form_is_on_the_timeline_and_the_due_list_and_audited(
    site: Site,
) -> None:
    site.client("officer").get("/search")  # signs in
    placed = post(
        site, "officer", f"{ACCOUNT}/holds",
        kind="arrangement", reason="Paying £20 a week from Friday", review_by="2026-06-12",
    )  # fmt: skip
    assert placed.status_code == 303
    assert placed.headers["location"].startswith(f"{ACCOUNT}?done=hold-placed")
    customer = site.client("officer").get(CUSTOMER).text
    assert "Hold placed" in customer and "Paying £20 a week from Friday" in customer
    due = site.client("officer").get("/lists/holds-due.csv")
    assert due.headers["content-type"].startswith("text/csv")
    lines = due.text.splitlines()
    assert lines[0] == "Account,Council,Name,Hold,Placed,Review by,Days over,Reason"
    assert "CT-1,TESTBURY,Alex Example,arrangement,2026-06-12,2026-06-12,0," in due.text
    assert ("officer", "place hold") in audit_actions(site, "CT-1")
    assert ("officer", "view customer") in audit_actions(site, "P00000001")

    again = post(site, "officer", f"{ACCOUNT}/holds", reason="again", review_by="2026-07-01",
                 kind="arrangement")  # fmt: skip
    assert again.status_code == 400
    assert "already has a arrangement hold" in again.text or "already has an" in again.text

    released = post(site, "officer", f"{ACCOUNT}/holds/release", reason="Arrangement kept")
    assert released.status_code == 303
    assert "Arrangement kept" in site.client("officer").get(ACCOUNT).text


def test_a_hold_without_a_review_date_is_refused_and_nothing_is_written(site: Site) -> None:
    with UnitOfWork(site.engine) as uow:
        before = uow.connection.execute(select(func.count()).select_from(t.holds)).scalar_one()
    refused = post(site, "leader", "/accounts/TESTBURY/SD-1/holds", kind="general", reason="x")
    assert refused.status_code == 400
    assert "Enter the review date." in refused.text
    assert 'class="govuk-error-summary"' in refused.text
    with UnitOfWork(site.engine) as uow:
        after = uow.connection.execute(select(func.count()).select_from(t.holds)).scalar_one()
    assert after == before


def test_a_payment_taken_by_an_officer_is_in_the_ledger(site: Site) -> None:
    paid = post(
        site, "leader", "/accounts/TESTBURY/SD-1/payments",
        amount="40.00", channel="card", paid_on="2026-06-11", external_id="DESK-0001",
    )  # fmt: skip
    assert paid.status_code == 303
    page = site.client("leader").get("/accounts/TESTBURY/SD-1").text
    assert "card payment DESK-0001" in page
    assert "£200.00" in page  # 240.00 less 40.00
    twice = post(
        site, "leader", "/accounts/TESTBURY/SD-1/payments",
        amount="40.00", channel="card", paid_on="2026-06-11", external_id="DESK-0001",
    )  # fmt: skip
    assert twice.status_code == 400 and "DESK-0001" in twice.text
    nonsense = post(
        site, "leader", "/accounts/TESTBURY/SD-1/payments",
        amount="forty", channel="card", paid_on="2026-06-11", external_id="DESK-0002",
    )  # fmt: skip
    assert nonsense.status_code == 400 and "Enter the amount in pounds and pence" in nonsense.text


def test_vulnerability_and_breathing_space_show_as_flags_and_on_the_review_list(
    site: Site,
) -> None:
    bea = "/customers/TESTBURY/P00000002"
    done = post(
        site, "manager", f"{bea}/vulnerability",
        category="bereavement", review_by="2026-06-12", reason="Husband died in May",
    )  # fmt: skip
    assert done.status_code == 303
    space = post(site, "manager", f"{bea}/breathing-space", kind="standard",
                 starts_on="2026-06-10", reason="StepChange")  # fmt: skip
    assert space.status_code == 303
    page = site.client("manager").get(bea).text
    assert "Vulnerable" in page and "Breathing Space" in page
    reviews = site.client("manager").get("/api/lists/vulnerability-reviews").json()
    assert reviews["rows"][0][:4] == ["P00000002", "TESTBURY", "Bea Other", "bereavement"]


def test_a_note_is_shown_escaped_never_run(site: Site) -> None:
    added = post(site, "officer", f"{ACCOUNT}/notes", text="<script>alert(1)</script> rang")
    assert added.status_code == 303
    page = site.client("officer").get(ACCOUNT).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; rang" in page
    assert "<script>alert(1)" not in page


def test_signing_in_goes_only_to_a_page_of_this_site(site: Site) -> None:
    client = site.client(None)
    for target, lands in (("/lists/summons", "/lists/summons"), ("//evil.example", "/search"),
                          ("https://evil.example/", "/search")):  # fmt: skip
        response = client.post(
            "/sign-in", data={"username": "auditor", "password": "correct horse battery staple",
                              "next": target, **sign_in_token(client)},
        )  # fmt: skip
        assert response.status_code == 303
        assert response.headers["location"] == lands
    client.cookies.clear()


def test_signing_out_ends_the_session_for_pages_and_the_api(site: Site) -> None:
    from fastapi.testclient import TestClient

    browser = TestClient(site.app, follow_redirects=False)  # type: ignore[arg-type]
    signed = browser.post("/api/session", json={"username": "auditor",
                                                "password": "correct horse battery staple"})  # fmt: skip
    csrf = signed.json()["csrf_token"]
    assert browser.get("/search").status_code == 200
    assert browser.post("/sign-out", data={}).status_code == 403  # no CSRF token
    out = browser.post("/sign-out", data={"csrf_token": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    assert browser.get("/search").status_code == 303
    api = TestClient(site.app, follow_redirects=False)  # type: ignore[arg-type]
    token = api.post("/api/session", json={"username": "auditor",
                                           "password": "correct horse battery staple"}).json()  # fmt: skip
    assert (
        api.delete("/api/session", headers={"X-CSRF-Token": token["csrf_token"]}).status_code == 204
    )
    assert api.get("/api/search?q=Alex").status_code == 401


def test_the_dashboard_shows_collection_against_the_bills_profile_by_month(site: Site) -> None:
    paid = post(
        site, "admin", "/accounts/TESTBURY/CT-2/payments",
        amount="100.00", channel="cash", paid_on="2026-05-20", external_id="CASH-1",
    )  # fmt: skip
    assert paid.status_code == 303
    months = site.client("admin").get("/api/dashboard?council=TESTBURY&year=2026/27").json()
    rows = {row[0]: row for row in months["rows"]}
    assert [months["rows"][0][0], months["rows"][-1][0]] == ["April 2026", "March 2027"]
    assert rows["April 2026"][3] == "0.00"
    assert rows["May 2026"][3] == "100.00" and rows["March 2027"][3] == "100.00"
    # Two council tax bills of £1,777.78, each in ten instalments from April to January: the
    # first £175.78 (the odd amount), then nine of £178.
    assert rows["March 2027"][1] == "3555.56" and rows["March 2027"][2] == "100.0%"
    assert rows["April 2026"][1] == "351.56" and rows["April 2026"][2] == "9.9%"
    assert rows["May 2026"][1] == "707.56" and rows["May 2026"][4] == "2.8%"
    page = site.client("admin").get("/dashboard?council=TESTBURY&year=2026/27")
    assert page.status_code == 200 and "<svg" in page.text and "100.00" in page.text
    other = site.client("officer").get("/api/dashboard?council=OTHERTON")
    assert other.status_code == 404


def test_search_finds_by_name_reference_address_and_postcode_in_the_users_councils(
    site: Site,
) -> None:
    def found(who: str, q: str) -> list[str]:
        return [h["customer"] for h in site.client(who).get(f"/api/search?q={q}").json()]

    assert found("officer", "alex") == ["P00000001"]
    assert found("officer", "Other") == ["P00000002"]  # not Olive Other of OTHERTON
    assert found("elsewhere", "Other") == ["P00000003"]
    assert found("officer", "CT-2") == ["P00000002"]
    assert found("officer", "P00000001") == ["P00000001"]
    assert found("officer", "te1 2st") == ["P00000002"]
    assert found("officer", "TE1") == ["P00000001", "P00000002"]
    assert found("officer", "2 test street") == ["P00000002"]
    assert found("officer", "CT-9") == []  # another council's account
    short = site.client("officer").get("/api/search?q=a")
    assert short.status_code == 400 and "at least two" in short.json()["detail"]


def test_a_letter_opens_as_the_pdf_it_was_produced_as_and_only_in_its_council(site: Site) -> None:
    page = site.client("officer").get("/accounts/TESTBURY/CT-2").text
    assert 'href="/documents/TESTBURY/4.pdf">hold acknowledgement (PDF)</a>' in page
    pdf = site.client("officer").get("/documents/TESTBURY/4.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert site.client("officer").get("/documents/TESTBURY/1.pdf").status_code == 404  # OTHERTON's
    assert ("officer", "view document") in audit_actions(site, "CT-2 #4")
