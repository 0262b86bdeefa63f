"""The officers' forms: each calls one service in services/officer_actions, commits and goes
back to the record (Post/Redirect/Get); a refusal shows the record again with the message."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reclaim.domain.accounts import PaymentMethod
from reclaim.domain.errors import DomainError
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)
from reclaim.money import Money, MoneyError
from reclaim.services.officer_actions import (
    Forbidden,
    add_note,
    check_may_change,
    end_breathing_space_for,
    place_hold_for,
    record_payment_for,
    record_vulnerability_for,
    release_hold_for,
    start_breathing_space_for,
)
from reclaim.services.officer_views import NotFound
from reclaim.web.context import SignedIn, Work
from reclaim.web.pages import account_response, customer_response
from reclaim.web.rendering import parse_day

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


E = TypeVar("E", bound=StrEnum)


def choice(enum: type[E], value: str, what: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value.replace("_", " ") for m in enum)
        raise DomainError(f"choose the {what}: one of {allowed}") from None


def _act(
    request: Request,
    uow: Work,
    me: SignedIn,
    council: str,
    reference: str,
    *,
    on: str,
    form: str,
    done: str,
    action: Callable[[], object],
) -> Response:
    check_may_change(me.user, council)
    try:
        action()
    except (Forbidden, NotFound):
        raise
    except DomainError as refused:
        uow.rollback()
        respond = account_response if on == "account" else customer_response
        return respond(request, uow, me, council, reference, error=str(refused), form=form)
    uow.commit()
    return RedirectResponse(f"/{on}s/{council}/{reference}?done={done}#{form}", status_code=303)


@router.post("/accounts/{council}/{reference}/holds", response_class=HTMLResponse)
def place_hold_form(
    request: Request,
    uow: Work,
    me: SignedIn,
    council: str,
    reference: str,
    kind: Text = "general",
    reason: Text = "",
    review_by: Text = "",
) -> Response:
    return _act(
        request, uow, me, council, reference, on="account", form="place-hold", done="hold-placed",
        action=lambda: place_hold_for(
            uow.connection, me.user, council, reference,
            kind=choice(HoldKind, kind, "kind of hold"),
            reason=reason,
            review_by=parse_day(review_by, "review date"),
            today=me.today, now=me.now,
        ),
    )  # fmt: skip


@router.post("/accounts/{council}/{reference}/holds/release", response_class=HTMLResponse)
def release_hold_form(
    request: Request, uow: Work, me: SignedIn, council: str, reference: str, reason: Text = ""
) -> Response:
    return _act(
        request, uow, me, council, reference, on="account", form="release-hold",
        done="hold-released",
        action=lambda: release_hold_for(
            uow.connection, me.user, council, reference, reason=reason, today=me.today, now=me.now
        ),
    )  # fmt: skip


@router.post("/accounts/{council}/{reference}/notes", response_class=HTMLResponse)
def note_form(
    request: Request, uow: Work, me: SignedIn, council: str, reference: str, text: Text = ""
) -> Response:
    return _act(
        request, uow, me, council, reference, on="account", form="add-note", done="note-added",
        action=lambda: add_note(uow.connection, me.user, council, reference, text=text, now=me.now),
    )  # fmt: skip


def parse_money(text: str) -> Money:
    try:
        return Money.parse(text)
    except MoneyError as error:
        raise DomainError(f"enter the amount in pounds and pence, like 25.00 ({error})") from None


@router.post("/accounts/{council}/{reference}/payments", response_class=HTMLResponse)
def payment_form(
    request: Request,
    uow: Work,
    me: SignedIn,
    council: str,
    reference: str,
    amount: Text = "",
    channel: Text = "card",
    paid_on: Text = "",
    external_id: Text = "",
) -> Response:
    return _act(
        request, uow, me, council, reference, on="account", form="record-payment",
        done="payment-recorded",
        action=lambda: record_payment_for(
            uow.connection, me.user, council, reference,
            amount=parse_money(amount),
            channel=choice(PaymentMethod, channel, "way it was paid"),
            paid_on=parse_day(paid_on, "date paid") or me.today,
            external_id=external_id, today=me.today, now=me.now,
        ),
    )  # fmt: skip


@router.post("/customers/{council}/{reference}/vulnerability", response_class=HTMLResponse)
def vulnerability_form(
    request: Request,
    uow: Work,
    me: SignedIn,
    council: str,
    reference: str,
    category: Text = "",
    review_by: Text = "",
    reason: Text = "",
) -> Response:
    return _act(
        request, uow, me, council, reference, on="customer", form="record-vulnerability",
        done="vulnerability-recorded",
        action=lambda: record_vulnerability_for(
            uow.connection, me.user, council, reference,
            category=choice(VulnerabilityCategory, category, "category"),
            review_by=parse_day(review_by, "review date"),
            reason=reason, today=me.today, now=me.now,
        ),
    )  # fmt: skip


@router.post("/customers/{council}/{reference}/breathing-space", response_class=HTMLResponse)
def breathing_space_form(
    request: Request,
    uow: Work,
    me: SignedIn,
    council: str,
    reference: str,
    kind: Text = "standard",
    starts_on: Text = "",
    reason: Text = "",
) -> Response:
    return _act(
        request, uow, me, council, reference, on="customer", form="breathing-space",
        done="breathing-space-started",
        action=lambda: start_breathing_space_for(
            uow.connection, me.user, council, reference,
            kind=choice(BreathingSpaceKind, kind, "kind of Breathing Space"),
            starts_on=parse_day(starts_on, "start date") or me.today,
            reason=reason, today=me.today, now=me.now,
        ),
    )  # fmt: skip


@router.post("/customers/{council}/{reference}/breathing-space/end", response_class=HTMLResponse)
def end_breathing_space_form(
    request: Request, uow: Work, me: SignedIn, council: str, reference: str, ended_on: Text = ""
) -> Response:
    return _act(
        request, uow, me, council, reference, on="customer", form="end-breathing-space",
        done="breathing-space-ended",
        action=lambda: end_breathing_space_for(
            uow.connection, me.user, council, reference,
            ended_on=parse_day(ended_on, "end date") or me.today, today=me.today, now=me.now,
        ),
    )  # fmt: skip
