"""Rendering pages: the Jinja2 templates (autoescaped) and what every page is given."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from reclaim.domain.errors import DomainError
from reclaim.money import Money
from reclaim.web.context import Officer, state

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _money(value: Money | None) -> str:
    return "" if value is None else str(value)


def _day(value: date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


def _sentence(text: str) -> str:
    """A service's message as a sentence: a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


TEMPLATES.env.filters["money"] = _money
TEMPLATES.env.filters["sentence"] = _sentence
TEMPLATES.env.filters["day"] = _day
TEMPLATES.env.filters["label"] = lambda value: str(value).replace("_", " ").replace("-", " ")

NAVIGATION = (
    ("search", "/search", "Search"),
    ("dashboard", "/dashboard", "Dashboard"),
    ("holds-due", "/lists/holds-due", "Holds due"),
    ("vulnerability-reviews", "/lists/vulnerability-reviews", "Vulnerability reviews"),
    ("recovery-run", "/lists/recovery-run", "Recovery run"),
    ("summons", "/lists/summons", "Summons list"),
    ("audit", "/audit", "Audit log"),
)


def render(
    request: Request,
    me: Officer | None,
    template: str,
    *,
    title: str,
    section: str = "",
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    settings = state(request).settings
    organisation = settings.organisation
    if not organisation and me is not None:
        organisation = ", ".join(me.user.council_names)
    navigation = [
        item for item in NAVIGATION if item[0] != "audit" or (me and me.user.role.may_read_audit)
    ]
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "title": title,
            "section": section,
            "organisation": organisation or "Reclaim",
            "colour": settings.colour,
            "me": me,
            "navigation": navigation if me else [],
            **context,
        },
        status_code=status,
    )


def parse_day(text: str, what: str, *, required: bool = True) -> date | None:
    """A date from a form field (ISO, as a date input sends it), or a plain refusal."""
    value = text.strip()
    if not value:
        if required:
            raise DomainError(f"enter the {what}")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"the {what} '{value}' is not a date: enter it like 2027-01-31") from None
