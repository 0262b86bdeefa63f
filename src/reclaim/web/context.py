"""What every request needs: the database, the clock, the settings and who is signed in.

A request gets a unit of work (one transaction) from ``work``; nothing is written unless the
route commits. Who is signed in comes from the session cookie; a change (any method but GET,
HEAD and OPTIONS) must also carry the session's CSRF token, in the form field ``csrf_token`` or
the ``X-CSRF-Token`` header.

The sign-in form comes before any session, so it has a token of its own (a signed double
submit): the form page sets a random value in a cookie (SameSite=Strict, HttpOnly) and puts
its HMAC under the app's secret key in a hidden field; a sign-in is taken only when the two
agree. Another site can neither read the cookie nor work out the field, so it cannot sign a
browser in as someone else ("login CSRF").
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
SIGN_IN_COOKIE = "reclaim_sign_in"  # "__Host-reclaim_sign_in" behind HTTPS
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True, slots=True)
class WebSettings:
    """How the app looks and behaves. The name and colour are the council's own."""

    organisation: str = ""  # shown in the header; default: the user's councils' names
    colour: str = "#0b4f6c"  # the header's colour; white text on it must be readable
    secure_cookies: bool = False  # True behind HTTPS (production)
    # Signs the sign-in form's token; every process serving the app must share it.
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32), repr=False)

    def __post_init__(self) -> None:
        if not _COLOUR.fullmatch(self.colour):
            raise ValueError(
                f"the brand colour '{self.colour}' should be six hex digits after #, like #0b4f6c"
            )
        if len(self.secret_key) < 32:
            raise ValueError("the secret key should be at least 32 characters")

    @property
    def sign_in_cookie(self) -> str:
        """The cookie's name: behind HTTPS, ``__Host-`` keeps any other site (a sibling
        subdomain too) from setting it."""
        return f"__Host-{SIGN_IN_COOKIE}" if self.secure_cookies else SIGN_IN_COOKIE

    def sign_in_field(self, nonce: str) -> str:
        """The sign-in form's hidden field for the cookie's value ``nonce``."""
        message = f"sign in|{nonce}".encode()
        return hmac.new(self.secret_key.encode(), message, hashlib.sha256).hexdigest()

    def sign_in_token_holds(self, nonce: str | None, given: str | None) -> bool:
        """Whether a sign-in form's field ``given`` was made for the cookie ``nonce``."""
        if not nonce or not given:
            return False
        return secrets.compare_digest(self.sign_in_field(nonce).encode(), given.encode())


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
