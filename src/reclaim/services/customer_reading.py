"""Reading what the customer view shows of all a customer's accounts at once.

A customer may be liable for one account or for a thousand (a company with a business rates
account at every shop): each kind of record is read for all their accounts in one query, never
a query per account, so the page costs the same dozen queries either way. The accounts are
named by the customer (``account_id IN (their links)``), not by a list of ids sent over.
Postings, notes and letters — which grow with every account — are read newest first, no more
than the page shows.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Select, select

from reclaim.calendar import FinancialYear
from reclaim.domain.recovery.engine import Action, Step, stage_of
from reclaim.money import Money
from reclaim.services.protections import Hold, hold_from_row
from reclaim.services.recovery_history import NO_RECOVERY, RecoveryEvent, RecoveryHistory
from reclaim.store import tables as t
from reclaim.store.access_tables import notes


def accounts_of(party_id: int) -> Select[Any]:
    """The ids of the accounts the customer is liable for, as a subquery."""
    return select(t.account_parties.c.account_id).where(t.account_parties.c.party_id == party_id)


def holds_by_account(conn: Connection, party_id: int) -> dict[int, list[Hold]]:
    """Every hold of each of the customer's accounts, oldest first."""
    h = t.holds
    rows = conn.execute(select(h).where(h.c.account_id.in_(accounts_of(party_id))).order_by(h.c.id))
    found: dict[int, list[Hold]] = defaultdict(list)
    for r in rows:
        found[r.account_id].append(hold_from_row(r))
    return found


def recovery_by_account(conn: Connection, party_id: int) -> dict[int, RecoveryHistory]:
    """Each account's recovery history, as ``recovery_history.recovery_of`` reads one (a test
    proves them equal)."""
    e = t.recovery_events
    rows = conn.execute(
        select(e).where(e.c.account_id.in_(accounts_of(party_id))).order_by(e.c.id)
    ).all()
    events: dict[int, list[RecoveryEvent]] = defaultdict(list)
    for r in rows:
        events[r.account_id].append(
            RecoveryEvent(
                r.id,
                FinancialYear(r.financial_year),
                r.event_date,
                Action(r.action),
                r.stage,
                Money(r.amount_pence),
                r.pay_by,
                r.hearing_on,
                Money(r.costs_pence),
                r.strategy,
                r.reason,
            )
        )
    histories: dict[int, RecoveryHistory] = defaultdict(lambda: NO_RECOVERY)
    for account_id, taken in events.items():
        latest = max(ev.year.start_year for ev in taken)
        steps = [Step(ev.on, ev.action, ev.stage) for ev in taken if ev.year.start_year == latest]
        histories[account_id] = RecoveryHistory(stage_of(steps), tuple(taken))
    return histories


def newest_postings(conn: Connection, party_id: int, limit: int) -> list[Any]:
    """The customer's newest ``limit`` postings (by date), of all their accounts."""
    p = t.postings
    return list(
        conn.execute(
            select(p.c.account_id, p.c.kind, p.c.amount_pence, p.c.effective_date, p.c.reason)
            .where(p.c.account_id.in_(accounts_of(party_id)))
            .order_by(p.c.effective_date.desc(), p.c.id.desc())
            .limit(limit)
        )
    )


def newest_notes(conn: Connection, party_id: int, limit: int) -> list[Any]:
    return list(
        conn.execute(
            select(notes)
            .where(notes.c.account_id.in_(accounts_of(party_id)))
            .order_by(notes.c.written_at.desc(), notes.c.id.desc())
            .limit(limit)
        )
    )


def newest_documents(conn: Connection, party_id: int, limit: int) -> list[Any]:
    d = t.documents
    return list(
        conn.execute(
            select(d.c.id, d.c.account_id, d.c.letter, d.c.status, d.c.created_on)
            .where(d.c.account_id.in_(accounts_of(party_id)))
            .order_by(d.c.created_on.desc(), d.c.id.desc())
            .limit(limit)
        )
    )
