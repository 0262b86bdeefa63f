"""Payments after they arrive: the batch posting (``payment_batches``), the suspense list and
what an officer does with it, and reversing a returned or refunded payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection, select, update

from reclaim.domain.accounts import PaymentMethod
from reclaim.domain.errors import DomainError, InputRefused, Problem
from reclaim.domain.ledger import Posting, PostingKind, reversal_of
from reclaim.domain.payments import AllocationLine, Payment, PaymentStatus
from reclaim.money import Money
from reclaim.services.payment_batches import (
    IncomingPayment,
    PostingSummary,
    allocate,
    load_owing,
    match,
    payments_frame,
    post_allocations,
    post_payments,
    targets_for,
)
from reclaim.store import tables as t
from reclaim.store.repositories import (
    account_version,
    all_councils,
    postings_of,
    write_postings,
)

__all__ = [
    "IncomingPayment",
    "PostingSummary",
    "SuspenseItem",
    "allocate_from_suspense",
    "post_payments",
    "reverse_payment",
    "suspense_list",
]


# Suspense ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SuspenseItem:
    payment_id: int
    payment_date: date
    reference: str
    amount: Money
    channel: str
    external_id: str
    council_code: str | None


def suspense_list(conn: Connection, council_code: str | None = None) -> list[SuspenseItem]:
    query = (
        select(t.payments, t.councils.c.code)
        .outerjoin(t.councils)
        .where(t.payments.c.status == PaymentStatus.SUSPENSE.value)
        .order_by(t.payments.c.payment_date, t.payments.c.id)
    )
    if council_code is not None:
        query = query.where((t.councils.c.code == council_code) | t.payments.c.council_id.is_(None))
    return [
        SuspenseItem(
            r.id,
            r.payment_date,
            r.reference,
            Money(r.amount_pence),
            r.channel,
            r.external_id,
            r.code,
        )
        for r in conn.execute(query)
    ]


def allocate_from_suspense(
    conn: Connection,
    payment_id: int,
    reference: str,
    *,
    reason: str,
    today: date,
    council_code: str | None = None,
) -> list[AllocationLine]:
    """An officer tells Reclaim which account (or customer) a suspense payment was meant for."""
    row = conn.execute(select(t.payments).where(t.payments.c.id == payment_id)).first()
    if row is None:
        raise DomainError(f"there is no payment {payment_id}")
    if row.status != PaymentStatus.SUSPENSE.value:
        raise DomainError(f"payment {payment_id} is not in suspense (it is {row.status})")
    if not reason.strip():
        raise DomainError("say why the payment belongs to that account")
    payment = Payment(
        row.payment_date,
        reference,
        Money(row.amount_pence),
        PaymentMethod(row.channel),
        row.external_id,
        id=row.id,
    )
    council_id = row.council_id
    if council_code is not None:
        named = next((c for c in all_councils(conn) if c.council.code == council_code), None)
        if named is None:
            raise DomainError(f"there is no council {council_code}")
        if council_id is not None and council_id != named.id:
            raise DomainError(f"payment {payment_id} was received for another council")
        council_id = named.id
    frame = payments_frame([IncomingPayment(payment)]).with_row_index("i")
    links = match(conn, frame.with_columns(pl.col("i").cast(pl.Int64)), council_id)
    if not links.height:
        raise DomainError(f"no account or customer has the reference {reference}")
    if links.get_column("council_id").n_unique() > 1:
        raise InputRefused(
            [
                _problem(
                    f"reference {reference} belongs to accounts in more than one council; "
                    "say which with --council"
                )
            ]
        )
    by_id = targets_for(links, load_owing(conn, links.get_column("account_id").to_list()))
    targets = list(by_id.values())
    council_id = targets[0].council_id
    council = next(c for c in all_councils(conn) if c.id == council_id).council
    lines = allocate(payment, targets, council.allocation_policy)
    lines = [
        AllocationLine(
            line.account_id,
            line.financial_year,
            line.amount,
            f"moved from suspense by an officer ({reason.strip()}); {line.reason}",
        )
        for line in lines
    ]
    post_allocations(conn, [(payment_id, payment, lines)], by_id, today)
    conn.execute(
        update(t.payments)
        .where(t.payments.c.id == payment_id, t.payments.c.status == PaymentStatus.SUSPENSE.value)
        .values(status=PaymentStatus.ALLOCATED.value, council_id=council_id)
    )
    return lines


# Returned payments ------------------------------------------------------------------------


def reverse_payment(conn: Connection, payment_id: int, *, on: date, reason: str) -> list[Posting]:
    """Undo a payment that was returned (a bounced Direct Debit, a dishonoured cheque) or
    refunded from suspense: each of its postings is reversed, and both stay in the history."""
    row = conn.execute(select(t.payments).where(t.payments.c.id == payment_id)).first()
    if row is None:
        raise DomainError(f"there is no payment {payment_id}")
    if row.status == PaymentStatus.REVERSED.value:
        raise DomainError(f"payment {payment_id} has already been reversed")
    if not reason.strip():
        raise DomainError("say why the payment is being reversed")
    account_ids = [
        r.account_id
        for r in conn.execute(
            select(t.postings.c.account_id)
            .where(t.postings.c.payment_id == payment_id)
            .distinct()
            .order_by(t.postings.c.account_id)
        )
    ]
    changes = []
    for account_id in account_ids:
        version = account_version(conn, account_id)
        postings = postings_of(conn, account_id)
        reversed_ids = {p.reverses_id for p in postings if p.reverses_id is not None}
        reversals = [
            reversal_of(p, on=on, reason=f"payment {row.external_id} reversed: {reason.strip()}")
            for p in postings
            if p.payment_id == payment_id
            and p.kind is PostingKind.PAYMENT
            and p.id not in reversed_ids
        ]
        changes.append((account_id, version, reversals))
    write_postings(conn, changes)
    conn.execute(
        update(t.payments)
        .where(t.payments.c.id == payment_id, t.payments.c.status == row.status)
        .values(status=PaymentStatus.REVERSED.value)
    )
    return [p for _, _, ps in changes for p in ps]


def _problem(message: str) -> Problem:
    return Problem(message, field="reference")
