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
from reclaim.services.protections import (
    BreathingSpace,
    Hold,
    PartyRef,
    VulnerabilityRecord,
    breathing_spaces_of,
    find_party,
    holds_of,
    vulnerabilities_of,
)
from reclaim.services.recovery_history import recovery_of
from reclaim.store import tables as t
from reclaim.store.access_tables import notes


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
    one timeline of what happened and why."""
    _check_council(council, councils, f"customer {reference}")
    try:
        party = find_party(conn, reference, council)
    except DomainError:
        raise NotFound(f"there is no customer {reference} in {council}") from None
    a, pr = t.accounts, t.properties
    rows = conn.execute(
        select(a.c.id, a.c.reference, a.c.kind, pr.c.address, pr.c.postcode)
        .select_from(
            a.join(t.account_parties, t.account_parties.c.account_id == a.c.id).outerjoin(
                pr, pr.c.id == a.c.property_id
            )
        )
        .where(t.account_parties.c.party_id == party.id)
        .order_by(a.c.kind, a.c.reference)
    ).all()
    balances = {
        account_id: pence
        for account_id, pence in conn.execute(
            select(t.account_balances.c.account_id, t.account_balances.c.balance_pence).where(
                t.account_balances.c.account_id.in_([r.id for r in rows])
            )
        )
    }
    summaries = []
    timeline: list[TimelineEvent] = []
    documents: list[Document] = []
    for r in rows:
        holds = holds_of(conn, r.id)
        recovery = recovery_of(conn, r.id)
        summaries.append(
            AccountSummary(
                r.reference,
                AccountKind(r.kind),
                f"{r.address}, {r.postcode}" if r.address else "",
                Money(balances.get(r.id, 0)),
                recovery.stage,
                tuple(h for h in holds if h.open_on(today)),
            )
        )
        timeline += account_timeline(conn, r.id, r.reference, holds)
        documents += documents_of(conn, r.id, r.reference)
    vulnerable = vulnerabilities_of(conn, party)
    spaces = breathing_spaces_of(conn, party.id)
    for v in vulnerable:
        detail = f"{v.category.label}, review by {v.review_by.isoformat()}: {v.reason}"
        timeline.append(TimelineEvent(v.recorded_on, "Vulnerability recorded", "", detail))
        if v.ended_on:
            timeline.append(TimelineEvent(v.ended_on, "Vulnerability ended", "", v.category.label))
    for s in spaces:
        timeline.append(TimelineEvent(s.starts_on, "Breathing Space started", "", s.reason))
    if party.died_on:
        timeline.append(TimelineEvent(party.died_on, "Died", "", "date of death recorded"))
    timeline.sort(key=lambda e: (e.on, e.what), reverse=True)
    return CustomerView(
        council,
        party,
        tuple(summaries),
        tuple(vulnerable),
        tuple(spaces),
        tuple(documents),
        tuple(timeline),
        today,
        customer_flags(party, vulnerable, spaces, summaries, today),
    )


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


def account_timeline(
    conn: Connection, account_id: int, reference: str, holds: list[Hold]
) -> list[TimelineEvent]:
    """What happened on one account: postings, recovery steps, holds, notes, letters."""
    events = []
    postings = conn.execute(
        select(t.postings).where(t.postings.c.account_id == account_id).order_by(t.postings.c.id)
    ).all()
    for p in postings:
        what = p.kind.replace("_", " ").capitalize()
        events.append(
            TimelineEvent(p.effective_date, what, reference, p.reason, Money(p.amount_pence))
        )
    for ev in recovery_of(conn, account_id).events:
        what = f"Recovery: {ev.action.value.replace('_', ' ')} ({ev.stage})"
        events.append(TimelineEvent(ev.on, what, reference, ev.reason, ev.amount))
    for h in holds:
        detail = f"{h.kind.value} hold, review by {h.review_by.isoformat()}: {h.reason}"
        events.append(TimelineEvent(h.placed_on, "Hold placed", reference, detail))
        if h.released_on:
            released = h.released_reason or ""
            events.append(TimelineEvent(h.released_on, "Hold released", reference, released))
    for n in notes_of(conn, account_id):
        events.append(TimelineEvent(n.written_at.date(), f"Note by {n.author}", reference, n.text))
    return events


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


def documents_of(conn: Connection, account_id: int, reference: str) -> list[Document]:
    d = t.documents
    rows = conn.execute(select(d).where(d.c.account_id == account_id).order_by(d.c.id)).all()
    return [Document(r.id, reference, r.letter, r.status, r.created_on) for r in rows]


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
        tuple(documents_of(conn, account_id, reference)),
        today,
    )


def council_names(conn: Connection, codes: tuple[str, ...]) -> list[str]:
    """The councils' own names, for the page header."""
    c = t.councils
    return list(
        conn.execute(select(c.c.name).where(c.c.code.in_(codes)).order_by(c.c.name)).scalars()
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
