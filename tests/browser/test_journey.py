"""An officer's journey in a real browser (Debian's Chromium): sign in, search, open the
customer, place a hold, and see it on the timeline and on the holds due for review; axe-core
finds no WCAG 2.2 AA failure on any page; the journey also works by keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import AXE
from tests.web.site import PASSWORD, Site

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def page(browser: Any, served: tuple[str, Site]) -> Any:
    base, _ = served
    # bypass_csp: the page's own policy would refuse axe-core, which the test adds inline.
    context = browser.new_context(base_url=base, bypass_csp=True, locale="en-GB")
    opened = context.new_page()
    yield opened
    context.close()


def accessibility_failures(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
    ]


def sign_in(page: Any, who: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Username").fill(who)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/search")


def test_an_officer_places_a_hold_and_sees_it_on_the_timeline_and_the_due_list(page: Any) -> None:
    checked: dict[str, list[str]] = {}

    def check(name: str) -> None:
        checked[name] = accessibility_failures(page)

    page.goto("/sign-in")
    check("sign in")
    sign_in(page, "leader")
    check("search")
    page.get_by_label("Name, customer or account reference, address or postcode").fill("alex")
    page.get_by_role("button", name="Search").click()
    check("search results")
    page.get_by_role("link", name="Alex Example").click()
    page.get_by_role("heading", name="Alex Example", level=1).wait_for()
    check("customer view")
    page.get_by_role("link", name="CT-1").click()
    page.get_by_role("heading", name="Account CT-1").wait_for()
    check("account view")

    page.get_by_text("Place a hold").click()
    page.get_by_label("Kind of hold").select_option("dispute")
    page.get_by_label("Why the account is held").fill("Says the band is wrong; VOA appeal lodged")
    page.get_by_label("Review by").fill("2026-06-12")
    page.get_by_role("button", name="Place hold").click()
    banner = page.get_by_role("alert")
    assert "The hold is placed" in banner.inner_text()
    check("account view after placing a hold")

    page.get_by_role("link", name="Alex Example").click()
    timeline = page.get_by_role("list", name="Timeline, newest first")
    first = timeline.get_by_role("listitem").first
    assert "Hold placed" in first.inner_text()
    assert "VOA appeal lodged" in first.inner_text()
    assert "On hold" in page.locator(".app-flags").inner_text()

    page.get_by_role("link", name="Holds due").click()
    row = page.get_by_role("row").filter(has_text="CT-1")
    assert "Says the band is wrong" in row.inner_text()
    check("holds due")
    for name in ("Vulnerability reviews", "Recovery run", "Summons list", "Dashboard"):
        page.get_by_role("link", name=name).click()
        check(name)

    assert {name: failures for name, failures in checked.items() if failures} == {}
    assert len(checked) == 11


def test_a_refused_form_and_the_audit_log_pass_axe_too(page: Any) -> None:
    sign_in(page, "manager")
    page.goto("/accounts/TESTBURY/CT-2")
    page.get_by_text("Add a note").click()
    page.get_by_role("button", name="Add note").click()  # nothing written: refused
    summary = page.locator(".govuk-error-summary")
    assert "Write the note before saving it." in summary.inner_text()
    failures = {"refused form": accessibility_failures(page)}
    page.get_by_role("link", name="Audit log").click()
    assert "view account" in page.locator("table").inner_text()
    failures["audit log"] = accessibility_failures(page)
    page.goto("/sign-in?next=/search")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    failures["refused sign in"] = accessibility_failures(page)
    assert {k: v for k, v in failures.items() if v} == {}


def focus_by_tab(page: Any, matches: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JavaScript test ``matches``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {matches})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {matches}")


def test_the_journey_works_by_keyboard_alone(page: Any) -> None:
    page.goto("/sign-in")
    focus_by_tab(page, "el.id === 'username'")
    page.keyboard.type("officer")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search")
    focus_by_tab(page, "el.id === 'q'")
    page.keyboard.type("TE1 1ST")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    focus_by_tab(page, "el.textContent.trim() === 'Alex Example'")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Alex Example", level=1).wait_for()
    focus_by_tab(page, "el.textContent.trim() === 'SD-1'")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Account SD-1").wait_for()
    focus_by_tab(page, "el.textContent.trim() === 'Add a note'")
    page.keyboard.press("Enter")  # opens the details
    page.keyboard.press("Tab")
    page.keyboard.type("Phoned: will pay on Friday")
    focus_by_tab(page, "el.textContent.trim() === 'Add note'")
    page.keyboard.press("Enter")
    page.wait_for_url("**done=note-added*")
    assert "Phoned: will pay on Friday" in page.get_by_role("main").inner_text()


def test_the_accessibility_check_finds_a_failure_when_there_is_one(page: Any) -> None:
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<input type="text" id="unlabelled"><p style="color:#bbb;background:#fff">pale</p>'
        "</main></body></html>"
    )
    failures = accessibility_failures(page)
    assert any(f.startswith("label") for f in failures), failures
    assert any(f.startswith("color-contrast") for f in failures), failures
