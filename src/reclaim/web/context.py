"""What every request needs: the database, the clock, the settings and who is signed in.

A request gets a unit of work (one transaction) from ``work``; nothing is written unless the
route commits. Who is signed in comes from the session cookie; a change (any method but GET,
HEAD and OPTIONS) must also carry the session's CSRF token, in the form field ``csrf_token`` or
the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from reclaim.calendar import business_date
from reclaim.services.access import User, same_token, session_for
from reclaim.store.unit_of_work import UnitOfWork

SESSION_COOKIE = "reclaim_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True, slots=True)
class WebSettings:
    """How the app looks and behaves. The name and colour are the council's own."""

    organisation: str = ""  # shown in the header; default: the user's councils' names
    colour: str = "#0b4f6c"  # the header's colour; white text on it must be readable
    secure_cookies: bool = False  # True behind HTTPS (production)

    def __post_init__(self) -> None:
        if not _COLOUR.fullmatch(self.colour):
            raise ValueError(
                f"the brand colour '{self.colour}' should be six hex digits after #, like #0b4f6c"
            )


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class AppState:
    engine: Engine
    settings: WebSettings
    clock: Callable[[], datetime]


class NotSignedIn(Exception):
    """No session, or one that has ended."""


class BadCsrf(Exception):
    """A change without the session's CSRF token."""


def state(request: Request) -> AppState:
    found: AppState = request.app.state.reclaim
    return found


def work(request: Request) -> Iterator[UnitOfWork]:
    with UnitOfWork(state(request).engine) as uow:
        yield uow


Work = Annotated[UnitOfWork, Depends(work)]


@dataclass(frozen=True, slots=True)
class Officer:
    """The signed-in user, with the time of the request."""

    user: User
    csrf_token: str
    now: datetime

    @property
    def today(self) -> date:
        return business_date(self.now)


async def officer(request: Request, uow: Work) -> Officer:
    now = state(request).clock()
    session = session_for(uow.connection, request.cookies.get(SESSION_COOKIE), now=now)
    if session is None:
        raise NotSignedIn
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        given = request.headers.get(CSRF_HEADER)
        if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            value = (await request.form()).get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
        if not same_token(session.csrf_token, given):
            raise BadCsrf
    return Officer(session.user, session.csrf_token, now)


SignedIn = Annotated[Officer, Depends(officer)]
