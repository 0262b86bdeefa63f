"""What an officer does in the web app, each written to the audit log with who, when and why.

Each function checks that the user may change records (not an auditor) and that the record is
in one of their councils, then calls the service that does the work (holds, Breathing Space,
vulnerability: services/protections; payments: services/payment_batches) and appends the
audit entry in the same transaction, so a refused change leaves neither.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection

from reclaim.domain.accounts import PaymentMethod
from reclaim.domain.errors import DomainError
from reclaim.domain.payments import Payment
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)
from reclaim.money import Money
from reclaim.services import audit
from reclaim.services.access import User
from reclaim.services.officer_views import NotFound
from reclaim.services.payment_batches import IncomingPayment, PostingSummary, post_payments
from reclaim.services.protections import (
    BreathingSpace,
    Hold,
    PartyRef,
    VulnerabilityRecord,
    add_vulnerability,
    end_breathing_space,
    find_account,
    find_party,
    place_hold,
    release_holds,
    start_breathing_space,
)
from reclaim.store.access_tables import notes

NOTE_LIMIT = 4000


class Forbidden(DomainError):
    """The user's role may not do this."""


def check_may_change(user: User, council: str) -> None:
    """Refused unless the user's role may change records of ``council`` (checked before
    anything the user sent is even read)."""
    if not user.role.may_change:
        raise Forbidden(f"an {user.role.label} reads records but cannot change them")
    if council not in user.councils:
        raise NotFound("there is no such record in the councils you can see")


def _account(conn: Connection, user: User, council: str, reference: str) -> int:
    check_may_change(user, council)
    try:
        return find_account(conn, reference, council)
    except DomainError:
        raise NotFound(f"there is no account {reference} in {council}") from None


def _party(conn: Connection, user: User, council: str, reference: str) -> PartyRef:
    check_may_change(user, council)
    try:
        return find_party(conn, reference, council)
    except DomainError:
        raise NotFound(f"there is no customer {reference} in {council}") from None


def record_view(
    conn: Connection, user: User, council: str, what: str, reference: str, *, now: datetime
) -> None:
    """A customer record was opened (seed 004: who looked at whose details is answerable)."""
    audit.record(
        conn, at=now, user=user.username, action=f"view {what}", council=council, subject=reference
    )


def place_hold_for(
    conn: Connection,
    user: User,
    council: str,
    reference: str,
    *,
    kind: HoldKind,
    reason: str,
    review_by: date | None,
    today: date,
    now: datetime,
) -> Hold:
    check_may_change(user, council)
    account_id = _account(conn, user, council, reference)
    hold = place_hold(conn, account_id, kind=kind, reason=reason, review_by=review_by, today=today)
    why = f"{kind.value} hold, review by {hold.review_by.isoformat()}: {hold.reason}"
    audit.record(
        conn, at=now, user=user.username, action="place hold", council=council,
        subject=reference, reason=why,
    )  # fmt: skip
    return hold


def release_hold_for(
    conn: Connection,
    user: User,
    council: str,
    reference: str,
    *,
    reason: str,
    today: date,
    now: datetime,
) -> list[Hold]:
    check_may_change(user, council)
    if not reason.strip():
        raise DomainError("say why the hold is released")
    account_id = _account(conn, user, council, reference)
    released = release_holds(conn, account_id, reason=reason, today=today)
    audit.record(
        conn, at=now, user=user.username, action="release hold", council=council,
        subject=reference, reason=reason.strip(),
    )  # fmt: skip
    return released


def add_note(
    conn: Connection, user: User, council: str, reference: str, *, text: str, now: datetime
) -> None:
    check_may_change(user, council)
    body = text.strip()
    if not body:
        raise DomainError("write the note before saving it")
    if len(body) > NOTE_LIMIT:
        raise DomainError(f"a note can be at most {NOTE_LIMIT} characters, not {len(body)}")
    account_id = _account(conn, user, council, reference)
    conn.execute(
        notes.insert().values(
            account_id=account_id, written_at=now, author=user.username, text=body
        )
    )
    audit.record(
        conn, at=now, user=user.username, action="add note", council=council,
        subject=reference, reason=body[:200],
    )  # fmt: skip


def record_vulnerability_for(
    conn: Connection,
    user: User,
    council: str,
    customer: str,
    *,
    category: VulnerabilityCategory,
    review_by: date | None,
    reason: str,
    today: date,
    now: datetime,
) -> list[VulnerabilityRecord]:
    check_may_change(user, council)
    if not reason.strip():
        raise DomainError("say what is known that makes the customer vulnerable")
    party = _party(conn, user, council, customer)
    added = add_vulnerability(
        conn, [party], category=category, review_by=review_by, reason=reason, today=today
    )
    audit.record(
        conn, at=now, user=user.username, action="record vulnerability", council=council,
        subject=customer, reason=f"{category.label}, review by {added[0].review_by}: {reason}",
    )  # fmt: skip
    return added


def start_breathing_space_for(
    conn: Connection,
    user: User,
    council: str,
    customer: str,
    *,
    kind: BreathingSpaceKind,
    starts_on: date,
    reason: str,
    today: date,
    now: datetime,
) -> BreathingSpace:
    check_may_change(user, council)
    party = _party(conn, user, council, customer)
    space = start_breathing_space(
        conn, party, kind=kind, starts_on=starts_on, today=today, reason=reason
    )
    audit.record(
        conn, at=now, user=user.username, action="start Breathing Space", council=council,
        subject=customer, reason=space.reason,
    )  # fmt: skip
    return space


def end_breathing_space_for(
    conn: Connection,
    user: User,
    council: str,
    customer: str,
    *,
    ended_on: date,
    today: date,
    now: datetime,
) -> BreathingSpace:
    check_may_change(user, council)
    party = _party(conn, user, council, customer)
    space = end_breathing_space(conn, party, ended_on=ended_on, today=today)
    audit.record(
        conn, at=now, user=user.username, action="end Breathing Space", council=council,
        subject=customer, reason=space.reason,
    )  # fmt: skip
    return space


def record_payment_for(
    conn: Connection,
    user: User,
    council: str,
    reference: str,
    *,
    amount: Money,
    channel: PaymentMethod,
    paid_on: date,
    external_id: str,
    today: date,
    now: datetime,
) -> PostingSummary:
    """A payment taken by an officer (a card payment on the phone, cash at the desk): posted
    exactly as a payment file's line is, shared out by the council's policy."""
    check_may_change(user, council)
    _account(conn, user, council, reference)
    if paid_on > today:
        raise DomainError(f"the payment date {paid_on} is after today ({today})")
    payment = Payment(paid_on, reference, amount, channel, external_id.strip())
    summary = post_payments(
        conn, [IncomingPayment(payment)], today=today, received_at=now, council_code=council
    )
    audit.record(
        conn, at=now, user=user.username, action="record payment", council=council,
        subject=reference, reason=f"{channel.value} {external_id.strip()}: {amount}",
    )  # fmt: skip
    return summary
