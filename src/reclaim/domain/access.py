"""Who may do what in the officer web app, and the audit log's chain.

Roles (DESIGN "Who uses it"): an **officer** works accounts (payments, holds, vulnerability,
Breathing Space, notes); a **team leader** does the same and works the lists; a **manager**
also reads the audit log; an **auditor** reads everything, including the audit log, and
changes nothing; an **administrator** can do everything. Every user sees only the councils
they are given.

The audit log is tamper-evident: each entry's hash is the SHA-256 of the previous entry's hash
and its own content, so altering, removing or reordering any entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"
    TEAM_LEADER = "team_leader"
    MANAGER = "manager"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def may_change(self) -> bool:
        """Record payments, holds, notes and the rest: everyone but the read-only auditor."""
        return self is not Role.AUDITOR

    @property
    def may_read_audit(self) -> bool:
        return self in (Role.AUDITOR, Role.MANAGER, Role.ADMINISTRATOR)


LOCK_AFTER_FAILURES = 5  # failed sign-ins in a row before the account is locked
LOCK_MINUTES = 15
SESSION_HOURS = 9  # a working day; signing in again afterwards
MIN_PASSWORD_LENGTH = 12


def password_problem(password: str) -> str | None:
    """Why a password is refused, or None (NCSC: length over complexity rules)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must be at least {MIN_PASSWORD_LENGTH} characters long"
    if password.strip() != password:
        return "the password must not start or end with a space"
    return None


GENESIS = "0" * 64  # the "previous hash" of the first entry


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: who did what, to which record, when and why."""

    at: datetime  # UTC
    user: str  # the username ("system" for a command-line change)
    action: str  # e.g. "view customer", "place hold", "sign in"
    council: str  # the council code the record belongs to ("" when none)
    subject: str  # the record: an account or customer reference, a username
    reason: str


def audit_text(entry: AuditEntry) -> str:
    """The entry's content as hashed: its fields, each on its own line."""
    return "\n".join(
        (
            utc_naive(entry.at).isoformat(timespec="microseconds"),
            entry.user,
            entry.action,
            entry.council,
            entry.subject,
            entry.reason,
        )
    )


def utc_naive(moment: datetime) -> datetime:
    """A moment as naive UTC: SQLite gives back what PostgreSQL gives back with its zone."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def chain_hash(previous: str, entry: AuditEntry) -> str:
    return hashlib.sha256(f"{previous}\n{audit_text(entry)}".encode()).hexdigest()
