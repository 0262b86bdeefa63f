"""What an officer reads in the web app: the customer view and the account view (search is
``customer_search``).

Every function takes the councils the officer may see (``councils``, their codes) and never
returns anything of another council: a reference of another council is answered exactly as a
reference that does not exist (``NotFound``), so nobody learns what another council holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, select

from reclaim.domain.accounts import AccountKind
from reclaim.domain.errors import DomainError
from reclaim.money import Money
from reclaim.services.accounts import AccountStatement, account_statement
from reclaim.services.customer_reading import (
    holds_by_account,
    newest_documents,
    newest_notes,
    newest_postings,
    recovery_by_account,
)
from reclaim.services.protections import (
    BreathingSpace,
    Hold,
    PartyRef,
    VulnerabilityRecord,
    breathing_spaces_of,
    find_party,
    vulnerabilities_of,
)
from reclaim.services.recovery_history import RecoveryHistory
from reclaim.store import tables as t
from reclaim.store.access_tables import notes

TIMELINE_LIMIT = 200  # events on the customer view; each account's page has its whole history
DOCUMENT_LIMIT = 50  # letters on the customer view


class NotFound(DomainError):
    """No record with that reference in the councils the officer may see."""


# The customer view ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountSummary:
    reference: str
    kind: AccountKind
    address: str
    balance: Money
    stage: str
    holds: tuple[Hold, ...]  # open holds


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    on: date
    what: str
    account: str  # the account reference ("" for the customer as a whole)
    detail: str  # the reason, in full
    amount: Money | None = None


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    account: str
    letter: str
    status: str
    created_on: date


@dataclass(frozen=True, slots=True)
class CustomerView:
    council: str
    party: PartyRef
    accounts: tuple[AccountSummary, ...]
    vulnerabilities: tuple[VulnerabilityRecord, ...]
    breathing_spaces: tuple[BreathingSpace, ...]
    documents: tuple[Document, ...]
    timeline: tuple[TimelineEvent, ...]  # newest first
    today: date
    flags: tuple[str, ...] = field(default=())
    timeline_complete: bool = True  # False: only the newest TIMELINE_LIMIT events are here
    documents_complete: bool = True  # False: only the newest DOCUMENT_LIMIT letters

    @property
    def total_balance(self) -> Money:
        return Money(sum(a.balance.pence for a in self.accounts))


def _check_council(council: str, councils: tuple[str, ...], what: str) -> None:
    if council not in councils:
        raise NotFound(f"there is no {what} in the councils you can see")


def customer_view(
    conn: Connection, council: str, reference: str, councils: tuple[str, ...], *, today: date
) -> CustomerView:
    """Everything the customer is liable for, of every kind, with balances, stage, flags and
    one timeline of what happened and why (the newest ``TIMELINE_LIMIT`` events; each
    account's page has its whole history). A dozen queries however many accounts they have
    (``customer_reading``)."""
    _check_council(council, councils, f"customer {reference}")
    try:
        party = find_party(conn, reference, council)
    except DomainError:
        raise NotFound(f"there is no customer {reference} in {council}") from None
    a, pr, b = t.accounts, t.properties, t.account_balances
    rows = conn.execute(
        select(a.c.id, a.c.reference, a.c.kind, pr.c.address, pr.c.postcode, b.c.balance_pence)
        .select_from(
            a.join(t.account_parties, t.account_parties.c.account_id == a.c.id)
            .join(b, b.c.account_id == a.c.id)
            .outerjoin(pr, pr.c.id == a.c.property_id)
        )
        .where(t.account_parties.c.party_id == party.id)
        .order_by(a.c.kind, a.c.reference)
    ).all()
    holds = holds_by_account(conn, party.id)
    recovery = recovery_by_account(conn, party.id)
    references = {r.id: r.reference for r in rows}
    summaries = [
        AccountSummary(
            r.reference,
            AccountKind(r.kind),
            f"{r.address}, {r.postcode}" if r.address else "",
            Money(r.balance_pence),
            recovery[r.id].stage,
            tuple(h for h in holds.get(r.id, ()) if h.open_on(today)),
        )
        for r in rows
    ]
    vulnerable = vulnerabilities_of(conn, party)
    spaces = breathing_spaces_of(conn, party.id)
    timeline = _timeline(conn, party, references, holds, recovery, vulnerable, spaces)
    letters = newest_documents(conn, party.id, DOCUMENT_LIMIT + 1)
    documents = [
        Document(d.id, references[d.account_id], d.letter, d.status, d.created_on)
        for d in letters[:DOCUMENT_LIMIT]
    ]
    return CustomerView(
        council,
        party,
        tuple(summaries),
        tuple(vulnerable),
        tuple(spaces),
        tuple(documents),
        tuple(timeline[:TIMELINE_LIMIT]),
        today,
        customer_flags(party, vulnerable, spaces, summaries, today),
        timeline_complete=len(timeline) <= TIMELINE_LIMIT,
        documents_complete=len(letters) <= DOCUMENT_LIMIT,
    )


def _timeline(
    conn: Connection,
    party: PartyRef,
    references: dict[int, str],
    holds: dict[int, list[Hold]],
    recovery: dict[int, RecoveryHistory],
    vulnerable: list[VulnerabilityRecord],
    spaces: list[BreathingSpace],
) -> list[TimelineEvent]:
    """The customer's events, newest first: at least the newest ``TIMELINE_LIMIT`` and more
    only when there are more (postings and notes are read no further than that)."""
    events = []
    for p in newest_postings(conn, party.id, TIMELINE_LIMIT + 1):
        what = p.kind.replace("_", " ").capitalize()
        events.append(
            TimelineEvent(
                p.effective_date, what, references[p.account_id], p.reason, Money(p.amount_pence)
            )
        )
    for account_id, history in recovery.items():
        events += recovery_timeline(history, references[account_id])
    for account_id, placed in holds.items():
        events += holds_timeline(placed, references[account_id])
    for n in newest_notes(conn, party.id, TIMELINE_LIMIT + 1):
        when = n.written_at.date()
        events.append(TimelineEvent(when, f"Note by {n.author}", references[n.account_id], n.text))
    for v in vulnerable:
        detail = f"{v.category.label}, review by {v.review_by.isoformat()}: {v.reason}"
        events.append(TimelineEvent(v.recorded_on, "Vulnerability recorded", "", detail))
        if v.ended_on:
            events.append(TimelineEvent(v.ended_on, "Vulnerability ended", "", v.category.label))
    for s in spaces:
        events.append(TimelineEvent(s.starts_on, "Breathing Space started", "", s.reason))
    if party.died_on:
        events.append(TimelineEvent(party.died_on, "Died", "", "date of death recorded"))
    events.sort(key=lambda e: (e.on, e.what), reverse=True)
    return events


def recovery_timeline(history: RecoveryHistory, reference: str) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            ev.on,
            f"Recovery: {ev.action.value.replace('_', ' ')} ({ev.stage})",
            reference,
            ev.reason,
            ev.amount,
        )
        for ev in history.events
    ]


def holds_timeline(holds: list[Hold], reference: str) -> list[TimelineEvent]:
    events = []
    for h in holds:
        detail = f"{h.kind.value} hold, review by {h.review_by.isoformat()}: {h.reason}"
        events.append(TimelineEvent(h.placed_on, "Hold placed", reference, detail))
        if h.released_on:
            released = h.released_reason or ""
            events.append(TimelineEvent(h.released_on, "Hold released", reference, released))
    return events


def customer_flags(
    party: PartyRef,
    vulnerable: list[VulnerabilityRecord],
    spaces: list[BreathingSpace],
    accounts: list[AccountSummary],
    today: date,
) -> tuple[str, ...]:
    flags = []
    if any(v.ended_on is None for v in vulnerable):
        flags.append("Vulnerable")
    if any(s.starts_on <= today and (s.ends_on is None or today <= s.ends_on) for s in spaces):
        flags.append("Breathing Space")
    if party.died_on is not None:
        flags.append("Deceased")
    if any(a.holds for a in accounts):
        flags.append("On hold")
    return tuple(flags)


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    written_at: datetime
    author: str
    text: str


def notes_of(conn: Connection, account_id: int) -> list[Note]:
    rows = conn.execute(
        select(notes).where(notes.c.account_id == account_id).order_by(notes.c.id)
    ).all()
    return [Note(r.id, r.written_at, r.author, r.text) for r in rows]


# The account view -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountPage:
    statement: AccountStatement
    council: str
    notes: tuple[Note, ...]
    documents: tuple[Document, ...]
    today: date

    @property
    def open_holds(self) -> tuple[Hold, ...]:
        return tuple(h for h in self.statement.holds if h.open_on(self.today))


def account_page(
    conn: Connection, council: str, reference: str, councils: tuple[str, ...], *, today: date
) -> AccountPage:
    """The account's ledger, schedule, bills, stage history, holds, notes and documents."""
    _check_council(council, councils, f"account {reference}")
    try:
        statement = account_statement(conn, reference, council)
    except DomainError:
        raise NotFound(f"there is no account {reference} in {council}") from None
    account_id = statement.view.account.id
    assert account_id is not None
    return AccountPage(
        statement,
        council,
        tuple(notes_of(conn, account_id)),
        tuple(  # as the statement read them
            Document(d.id, reference, d.letter, d.status.value, d.created_on)
            for d in statement.documents
        ),
        today,
    )


def document_for_officer(
    conn: Connection, council: str, document_id: int, councils: tuple[str, ...]
) -> tuple[str, bytes]:
    """A produced letter's PDF (its account's reference, the bytes), exactly as it was
    produced, if it belongs to one of the officer's councils."""
    from reclaim.services.letters import document_pdf

    _check_council(council, councils, f"document {document_id}")
    a, c, d = t.accounts, t.councils, t.documents
    found = conn.execute(
        select(a.c.reference)
        .select_from(d.join(a, a.c.id == d.c.account_id).join(c, c.c.id == a.c.council_id))
        .where(d.c.id == document_id, c.c.code == council)
    ).first()
    if found is None:
        raise NotFound(f"there is no document {document_id} in {council}")
    _, pdf = document_pdf(conn, document_id)
    return found.reference, pdf
