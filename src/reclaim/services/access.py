"""Users of the officer web app: adding them, signing in and out, and who is signed in.

Passwords are kept only as argon2id hashes (argon2-cffi's defaults, RFC 9106). After
``LOCK_AFTER_FAILURES`` failed sign-ins in a row an account is locked for ``LOCK_MINUTES``;
while locked even the right password is refused, and the refusal does not say whether the
password was right. A session is a random token in a cookie; only its SHA-256 is stored, with
the CSRF token its forms carry back. Every sign-in, failed sign-in and sign-out is audited.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, select, update

from reclaim.domain.access import (
    LOCK_AFTER_FAILURES,
    LOCK_MINUTES,
    SESSION_HOURS,
    Role,
    password_problem,
    utc_naive,
)
from reclaim.domain.errors import DomainError
from reclaim.services import audit
from reclaim.store import tables as t
from reclaim.store.access_tables import sessions, user_councils, users

HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory parameters
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,59}")


@cache
def _dummy_hash() -> str:
    """Checked when the user is unknown, so that a wrong username takes as long as a wrong
    password (made on first use: hashing takes a noticeable moment)."""
    return HASHER.hash("not anyone's password")


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    councils: tuple[str, ...]  # the council codes whose data the user may see
    council_names: tuple[str, ...] = ()  # their names, in order of name (for page headers)


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    token: str  # for the cookie; never stored
    csrf_token: str
    expires_at: datetime


class SignInRefused(DomainError):
    """The username or password is wrong, or the account is locked."""


def add_user(
    conn: Connection,
    *,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    councils: Sequence[str],
    now: datetime,
    by: str = "system",
) -> User:
    """Add a user who may see ``councils``. Refused, changing nothing, for a username taken
    or badly formed, a short password, or a council that does not exist."""
    if not _USERNAME.fullmatch(username):
        raise DomainError(
            f"the username '{username}' should be 2 to 60 lower-case letters, digits, dots, "
            "dashes or underscores, starting with a letter or digit"
        )
    if not display_name.strip():
        raise DomainError("give the user's name as others will see it (--name)")
    if problem := password_problem(password):
        raise DomainError(problem)
    if not councils:
        raise DomainError("say which councils' data the user may see (--council, one or more)")
    if conn.execute(select(users.c.id).where(users.c.username == username)).first():
        raise DomainError(f"there is already a user '{username}'")
    found = {
        code: council_id
        for code, council_id in conn.execute(
            select(t.councils.c.code, t.councils.c.id).where(t.councils.c.code.in_(councils))
        )
    }
    missing = [c for c in councils if c not in found]
    if missing:
        raise DomainError(f"there is no council {', '.join(missing)}")
    result = conn.execute(
        users.insert().values(
            username=username,
            display_name=display_name.strip(),
            password_hash=HASHER.hash(password),
            role=role.value,
            created_at=now,
        )
    )
    user_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    conn.execute(
        user_councils.insert(),
        [{"user_id": user_id, "council_id": found[c]} for c in dict.fromkeys(councils)],
    )
    audit.record(
        conn,
        at=now,
        user=by,
        action="add user",
        subject=username,
        reason=f"{role.label} for {', '.join(councils)}",
    )
    return user_by_id(conn, user_id)


def user_by_id(conn: Connection, user_id: int) -> User:
    row = conn.execute(
        select(users.c.id, users.c.username, users.c.display_name, users.c.role).where(
            users.c.id == user_id
        )
    ).one()
    return _user(conn, row)


def _user(conn: Connection, row: Any) -> User:
    """The user of a row with their id, username, display name and role, with their
    councils."""
    c = t.councils
    councils = conn.execute(
        select(c.c.code, c.c.name)
        .join(user_councils, user_councils.c.council_id == c.c.id)
        .where(user_councils.c.user_id == row.id)
        .order_by(c.c.code)
    ).all()
    names = tuple(sorted(name for _, name in councils))
    codes = tuple(code for code, _ in councils)
    return User(row.id, row.username, row.display_name, Role(row.role), codes, names)


def sign_in(conn: Connection, username: str, password: str, *, now: datetime) -> SignedIn:
    """Check the password and start a session; refused (and the failure counted) otherwise.
    The caller commits either way, so that failures are counted and audited."""
    row = conn.execute(select(users).where(users.c.username == username.strip())).first()
    if row is None:
        _verify(_dummy_hash(), password)
        audit.record(conn, at=now, user=username[:60], action="sign in refused", reason="unknown")
        raise SignInRefused("the username or password is not right")
    if row.locked_until is not None and utc_naive(row.locked_until) > utc_naive(now):
        audit.record(conn, at=now, user=row.username, action="sign in refused", reason="locked")
        raise SignInRefused(
            f"this account is locked after {LOCK_AFTER_FAILURES} failed sign-ins: try again "
            f"after {LOCK_MINUTES} minutes, or ask an administrator"
        )
    if not _verify(row.password_hash, password):
        failures = row.failed_sign_ins + 1
        locked = now + timedelta(minutes=LOCK_MINUTES) if failures >= LOCK_AFTER_FAILURES else None
        conn.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(failed_sign_ins=0 if locked else failures, locked_until=locked)
        )
        reason = f"wrong password ({failures} in a row)" + (", locked" if locked else "")
        audit.record(conn, at=now, user=row.username, action="sign in refused", reason=reason)
        raise SignInRefused("the username or password is not right")
    conn.execute(
        update(users).where(users.c.id == row.id).values(failed_sign_ins=0, locked_until=None)
    )
    conn.execute(  # the user's sessions that have run out are of no more use
        delete(sessions).where(sessions.c.user_id == row.id, sessions.c.expires_at <= now)
    )
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=SESSION_HOURS)
    conn.execute(
        sessions.insert().values(
            token_hash=_digest(token),
            user_id=row.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=expires,
        )
    )
    audit.record(conn, at=now, user=row.username, action="sign in")
    return SignedIn(user_by_id(conn, row.id), token, csrf, expires)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str


def session_for(conn: Connection, token: str | None, *, now: datetime) -> Session | None:
    """The signed-in user for a cookie's token, or None (no token, unknown or expired)."""
    if not token:
        return None
    row = conn.execute(
        select(
            users.c.id,
            users.c.username,
            users.c.display_name,
            users.c.role,
            sessions.c.csrf_token,
            sessions.c.expires_at,
        )
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == _digest(token))
    ).first()
    if row is None or utc_naive(row.expires_at) <= utc_naive(now):
        return None
    return Session(_user(conn, row), row.csrf_token)


def sign_out(conn: Connection, token: str, *, now: datetime) -> None:
    found = session_for(conn, token, now=now)
    conn.execute(delete(sessions).where(sessions.c.token_hash == _digest(token)))
    if found is not None:
        audit.record(conn, at=now, user=found.user.username, action="sign out")


def same_token(expected: str, given: str | None) -> bool:
    """A CSRF token compared in constant time."""
    return given is not None and secrets.compare_digest(expected.encode(), given.encode())
