"""The audit log: every change and every view of a customer record, who, when, what and why.

Each entry is chained to the one before it (``domain.access.chain_hash``); ``reclaim check``
works every hash out again (``audit_breaches``), so an entry altered, removed or put in out of
order behind Reclaim's back is found. Entries are written one at a time in a line: on
PostgreSQL a transaction-scoped advisory lock keeps two writers from chaining to the same
entry (the unique ``previous_hash`` would refuse the second); SQLite has one writer at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, select, text

from reclaim.domain.access import GENESIS, AuditEntry, chain_hash
from reclaim.domain.invariants import Breach
from reclaim.store.access_tables import audit_log

_AUDIT_LOCK = 7_204_316  # any fixed number: the advisory lock that puts writers in a line


@dataclass(frozen=True, slots=True)
class StoredAuditEntry:
    id: int
    entry: AuditEntry
    previous_hash: str
    entry_hash: str


def record(
    conn: Connection,
    *,
    at: datetime,
    user: str,
    action: str,
    council: str = "",
    subject: str = "",
    reason: str = "",
) -> StoredAuditEntry:
    """Append one entry, chained to the last. Part of the caller's transaction: a change
    that is rolled back leaves no entry."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK})
    last = conn.execute(
        select(audit_log.c.entry_hash).order_by(audit_log.c.id.desc()).limit(1)
    ).scalar_one_or_none()
    previous = last or GENESIS
    entry = AuditEntry(at, user, action, council, subject, reason)
    digest = chain_hash(previous, entry)
    result = conn.execute(
        audit_log.insert().values(
            at=at,
            username=user,
            action=action,
            council=council,
            subject=subject,
            reason=reason,
            previous_hash=previous,
            entry_hash=digest,
        )
    )
    return StoredAuditEntry(int(result.inserted_primary_key[0]), entry, previous, digest)  # type: ignore[index]


def _stored(r: Row[Any]) -> StoredAuditEntry:
    entry = AuditEntry(r.at, r.username, r.action, r.council, r.subject, r.reason)
    return StoredAuditEntry(r.id, entry, r.previous_hash, r.entry_hash)


def entries(
    conn: Connection,
    *,
    councils: tuple[str, ...] | None = None,
    subject: str | None = None,
    limit: int = 200,
) -> list[StoredAuditEntry]:
    """The newest entries first; only those of ``councils`` (and entries of no council)
    when given, only those about ``subject`` when given."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if councils is not None:
        query = query.where(audit_log.c.council.in_((*councils, "")))
    if subject:
        query = query.where(audit_log.c.subject == subject)
    return [_stored(r) for r in conn.execute(query)]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


def audit_breaches(conn: Connection, chunk: int = 10_000) -> Iterator[Breach]:
    """Every entry whose hash is not the chain's: altered content, a removed or inserted
    entry (its ``previous_hash`` no longer the entry before's), or a changed hash."""
    previous = GENESIS
    last_id = 0
    while True:
        rows = conn.execute(
            select(audit_log).where(audit_log.c.id > last_id).order_by(audit_log.c.id).limit(chunk)
        ).all()
        if not rows:
            return
        for row in rows:
            stored = _stored(row)
            where = f"audit entry {stored.id}"
            if stored.previous_hash != previous:
                yield Breach(
                    "audit_log_chained",
                    where,
                    "does not follow the entry before it: an entry was removed, added or reordered",
                )
            elif chain_hash(previous, stored.entry) != stored.entry_hash:
                yield Breach(
                    "audit_log_chained",
                    where,
                    f"its content has been altered since it was written "
                    f"({stored.entry.action} by {stored.entry.user})",
                )
            previous = stored.entry_hash
            last_id = stored.id
