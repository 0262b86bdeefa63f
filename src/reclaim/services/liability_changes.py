"""Changes to a liability that an officer records, each followed by a rebill.

A discount or exemption awarded or ended, a band or rateable value changed by the Valuation
Office, liability ending (a mover), 12 instalments asked for: each is recorded with its date
and reason, then every year the change touches is worked out again (``billing.rebill_account``).
A dwelling that was awaiting its band is billed for the first time when its band arrives; what
was paid on account meanwhile is already a credit on the account and counts against the bill.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, select, update

from reclaim.domain.accounts import AccountKind
from reclaim.domain.errors import DomainError
from reclaim.domain.liability import Circumstance, CircumstanceKind, Valuation
from reclaim.services.billing import BillChange, account_facts, rebill_account
from reclaim.store import tables as t


def record_circumstance(
    conn: Connection,
    account_id: int,
    circumstance: Circumstance,
    *,
    reason: str,
    today: date,
    issued_on: date,
) -> list[BillChange]:
    facts = account_facts(conn, account_id)
    if circumstance.kind.applies_to is not facts.kind:
        raise DomainError(
            f"{circumstance.kind.label} does not apply to a {facts.kind.label} account"
        )
    _need_reason(reason)
    open_already = _in_force(conn, account_id, circumstance.kind)
    if open_already is not None:
        raise DomainError(
            f"account {facts.reference} already has {circumstance.kind.label} from "
            f"{open_already.starts_on}; end it first"
        )
    conn.execute(
        t.circumstances.insert().values(
            account_id=account_id,
            kind=circumstance.kind.value,
            starts_on=circumstance.starts_on,
            ends_on=circumstance.ends_on,
            detail=circumstance.detail,
            amount_pence=None if circumstance.amount is None else circumstance.amount.pence,
            recorded_on=today,
            reason=reason,
        )
    )
    what = f"{circumstance.kind.label} from {circumstance.starts_on.isoformat()}"
    return rebill_account(
        conn, account_id, issued_on=issued_on, today=today, reason=f"{what}: {reason}"
    )


def end_circumstance(
    conn: Connection,
    account_id: int,
    kind: CircumstanceKind,
    *,
    last_day: date,
    reason: str,
    today: date,
    issued_on: date,
) -> list[BillChange]:
    facts = account_facts(conn, account_id)
    _need_reason(reason)
    current = _in_force(conn, account_id, kind)
    if current is None:
        raise DomainError(f"account {facts.reference} has no {kind.label} in force to end")
    if last_day < current.starts_on:
        raise DomainError(
            f"{kind.label} started on {current.starts_on}, so it cannot end on {last_day}"
        )
    conn.execute(
        update(t.circumstances).where(t.circumstances.c.id == current.id).values(ends_on=last_day)
    )
    what = f"{kind.label} ended {last_day.isoformat()}"
    return rebill_account(
        conn, account_id, issued_on=issued_on, today=today, reason=f"{what}: {reason}"
    )


def record_valuation(
    conn: Connection,
    account_id: int,
    valuation: Valuation,
    *,
    reason: str,
    today: date,
    issued_on: date,
) -> list[BillChange]:
    """A band or rateable value in force from a date; every account at the property liable
    then is rebilled."""
    facts = account_facts(conn, account_id)
    _need_reason(reason)
    property_id = conn.execute(
        select(t.accounts.c.property_id).where(t.accounts.c.id == account_id)
    ).scalar_one()
    if (valuation.band is None) == (valuation.rateable_value is None):
        raise DomainError("give either a band or a rateable value")
    if valuation.band is not None and facts.kind is not AccountKind.COUNCIL_TAX:
        raise DomainError(f"a {facts.kind.label} account has a rateable value, not a band")
    if valuation.rateable_value is not None and facts.kind is not AccountKind.BUSINESS_RATES:
        raise DomainError(f"a {facts.kind.label} account has a band, not a rateable value")
    if valuation.rateable_value is not None and valuation.rateable_value.is_negative:
        raise DomainError(f"a rateable value cannot be negative ({valuation.rateable_value})")
    conn.execute(
        t.valuations.insert().values(
            property_id=property_id,
            effective_from=valuation.effective_from,
            band=None if valuation.band is None else valuation.band.value,
            rateable_value_pence=None
            if valuation.rateable_value is None
            else valuation.rateable_value.pence,
            recorded_on=today,
            reason=reason,
        )
    )
    new = (
        f"band {valuation.band.value}"
        if valuation.band is not None
        else f"rateable value {valuation.rateable_value}"
    )
    what = f"{new} from {valuation.effective_from.isoformat()}: {reason}"
    changes: list[BillChange] = []
    at_property = conn.execute(
        select(t.accounts.c.id)
        .where(t.accounts.c.property_id == property_id, t.accounts.c.kind == facts.kind.value)
        .order_by(t.accounts.c.id)
    ).all()
    for (other,) in at_property:
        changes += rebill_account(conn, other, issued_on=issued_on, today=today, reason=what)
    return changes


def end_liability(
    conn: Connection,
    account_id: int,
    *,
    last_day: date,
    reason: str,
    today: date,
    issued_on: date,
) -> list[BillChange]:
    """The liable person is liable no longer after ``last_day`` (moved out, died, sold)."""
    facts = account_facts(conn, account_id)
    _need_reason(reason)
    if last_day < facts.liability.liable_from:
        raise DomainError(
            f"account {facts.reference} starts on {facts.liability.liable_from}, so its "
            f"liability cannot end on {last_day}"
        )
    conn.execute(update(t.accounts).where(t.accounts.c.id == account_id).values(end_date=last_day))
    what = f"liable to {last_day.isoformat()}: {reason}"
    return rebill_account(conn, account_id, issued_on=issued_on, today=today, reason=what)


def ask_for_instalments(
    conn: Connection,
    account_id: int,
    count: int,
    *,
    reason: str,
    today: date,
    issued_on: date,
) -> list[BillChange]:
    """The liable person asks (in writing) to pay by 12 instalments, or back to 10: the
    account is rebilled (reg 21(1A)-(1D) of the 1992 regulations; SI 2014/479 for rates)."""
    facts = account_facts(conn, account_id)
    _need_reason(reason)
    if count not in (10, 12):
        raise DomainError(f"statutory instalments are 10 or 12, not {count}")
    conn.execute(update(t.accounts).where(t.accounts.c.id == account_id).values(instalments=count))
    return rebill_account(
        conn,
        account_id,
        issued_on=issued_on,
        today=today,
        reason=f"asked to pay by {count} instalments: {reason}",
        twelve_asked=count == 12 and not facts.twelve,
    )


def _in_force(conn: Connection, account_id: int, kind: CircumstanceKind) -> Any:
    """The account's circumstance of this kind that has no end yet (id and start), if any."""
    return conn.execute(
        select(t.circumstances.c.id, t.circumstances.c.starts_on).where(
            t.circumstances.c.account_id == account_id,
            t.circumstances.c.kind == kind.value,
            t.circumstances.c.ends_on.is_(None),
        )
    ).first()


def _need_reason(reason: str) -> None:
    if not reason.strip():
        raise DomainError("say why (--reason): every change to a bill gives its reason")
