"""The JSON API under ``/api``: the same service functions as the pages, for programs.

Sign in with ``POST /api/session`` (it sets the session cookie and answers the CSRF token);
send the token back as the ``X-CSRF-Token`` header with every change. Refusals answer
``{"detail": "…"}``: 400 a rule refused it, 401 not signed in, 403 not allowed, 404 no such
record in your councils, 422 the request's shape is wrong.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from reclaim.services import audit
from reclaim.services.access import sign_in, sign_out
from reclaim.services.customer_search import search
from reclaim.services.officer_actions import (
    Forbidden,
    add_note,
    end_breathing_space_for,
    place_hold_for,
    record_payment_for,
    record_view,
    record_vulnerability_for,
    release_hold_for,
    start_breathing_space_for,
)
from reclaim.services.officer_views import account_page, customer_view
from reclaim.services.protections import BreathingSpace, Hold
from reclaim.web import schemas as s
from reclaim.web.context import SESSION_COOKIE, SignedIn, Work, state
from reclaim.web.lists import work_list
from reclaim.web.page_actions import parse_money
from reclaim.web.shapes import account_out, customer_out, hold_out

REFUSALS: dict[int | str, dict[str, object]] = {
    code: {"model": s.Problem, "description": what}
    for code, what in (
        (400, "Refused by a rule; nothing was changed"),
        (401, "Not signed in"),
        (403, "Not allowed for your role, or the CSRF token is missing"),
        (404, "No such record in your councils"),
    )
}
router = APIRouter(prefix="/api", responses=REFUSALS)


@router.post("/session", response_model=s.SessionOut, tags=["session"])
def start_session(
    body: s.SignInIn, request: Request, response: Response, uow: Work
) -> s.SessionOut:
    now = state(request).clock()
    try:
        signed = sign_in(uow.connection, body.username, body.password, now=now)
    finally:
        uow.commit()  # a failure is counted and audited too
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="lax",
        secure=state(request).settings.secure_cookies,
        max_age=int((signed.expires_at - now).total_seconds()),
    )
    u = signed.user
    return s.SessionOut(
        username=u.username,
        name=u.display_name,
        role=u.role.value,
        councils=list(u.councils),
        csrf_token=signed.csrf_token,
    )


@router.delete("/session", status_code=204, tags=["session"])
def end_session(request: Request, uow: Work, me: SignedIn) -> Response:
    sign_out(uow.connection, request.cookies.get(SESSION_COOKIE, ""), now=me.now)
    uow.commit()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/search", response_model=list[s.SearchHitOut], tags=["customers"])
def search_api(uow: Work, me: SignedIn, q: str) -> list[s.SearchHitOut]:
    return [
        s.SearchHitOut(
            council=h.council,
            customer=h.customer,
            name=h.name,
            accounts=[s.SearchAccountOut(reference=r, kind=k, address=a) for r, k, a in h.accounts],
            more_accounts=h.more_accounts,
        )
        for h in search(uow.connection, q, me.user.councils)
    ]


@router.get("/customers/{council}/{reference}", response_model=s.CustomerOut, tags=["customers"])
def customer_api(uow: Work, me: SignedIn, council: str, reference: str) -> s.CustomerOut:
    view = customer_view(uow.connection, council, reference, me.user.councils, today=me.today)
    record_view(uow.connection, me.user, council, "customer", reference, now=me.now)
    uow.commit()
    return customer_out(view)


@router.get("/accounts/{council}/{reference}", response_model=s.AccountOut, tags=["accounts"])
def account_api(uow: Work, me: SignedIn, council: str, reference: str) -> s.AccountOut:
    page = account_page(uow.connection, council, reference, me.user.councils, today=me.today)
    record_view(uow.connection, me.user, council, "account", reference, now=me.now)
    uow.commit()
    return account_out(page)


@router.post(
    "/accounts/{council}/{reference}/holds",
    response_model=s.HoldOut,
    status_code=201,
    tags=["accounts"],
)
def place_hold_api(
    body: s.HoldIn, uow: Work, me: SignedIn, council: str, reference: str
) -> s.HoldOut:
    hold = place_hold_for(
        uow.connection, me.user, council, reference,
        kind=body.kind, reason=body.reason, review_by=body.review_by, today=me.today, now=me.now,
    )  # fmt: skip
    uow.commit()
    return hold_out(hold)


@router.post(
    "/accounts/{council}/{reference}/holds/release",
    response_model=list[s.HoldOut],
    tags=["accounts"],
)
def release_hold_api(
    body: s.ReleaseIn, uow: Work, me: SignedIn, council: str, reference: str
) -> list[s.HoldOut]:
    released: list[Hold] = release_hold_for(
        uow.connection, me.user, council, reference, reason=body.reason, today=me.today, now=me.now
    )
    uow.commit()
    return [hold_out(h) for h in released]


@router.post("/accounts/{council}/{reference}/notes", status_code=204, tags=["accounts"])
def note_api(body: s.NoteIn, uow: Work, me: SignedIn, council: str, reference: str) -> Response:
    add_note(uow.connection, me.user, council, reference, text=body.text, now=me.now)
    uow.commit()
    return Response(status_code=204)


@router.post(
    "/accounts/{council}/{reference}/payments",
    response_model=s.PaymentOut,
    status_code=201,
    tags=["accounts"],
)
def payment_api(
    body: s.PaymentIn, uow: Work, me: SignedIn, council: str, reference: str
) -> s.PaymentOut:
    summary = record_payment_for(
        uow.connection, me.user, council, reference,
        amount=parse_money(body.amount), channel=body.channel, paid_on=body.paid_on,
        external_id=body.external_id, today=me.today, now=me.now,
    )  # fmt: skip
    uow.commit()
    return s.PaymentOut(
        allocated=summary.allocated, suspense=summary.to_suspense, total=summary.total.to_json()
    )


@router.post(
    "/customers/{council}/{reference}/vulnerability",
    response_model=list[s.VulnerabilityOut],
    status_code=201,
    tags=["customers"],
)
def vulnerability_api(
    body: s.VulnerabilityIn, uow: Work, me: SignedIn, council: str, reference: str
) -> list[s.VulnerabilityOut]:
    added = record_vulnerability_for(
        uow.connection, me.user, council, reference,
        category=body.category, review_by=body.review_by, reason=body.reason,
        today=me.today, now=me.now,
    )  # fmt: skip
    uow.commit()
    return [
        s.VulnerabilityOut(
            id=v.id, category=v.category.value, review_by=v.review_by, recorded_on=v.recorded_on
        )
        for v in added
    ]


def _space(space: BreathingSpace) -> s.BreathingSpaceOut:
    return s.BreathingSpaceOut(
        id=space.id,
        kind=space.kind.value,
        starts_on=space.starts_on,
        ends_on=space.ends_on,
        reason=space.reason,
    )


@router.post(
    "/customers/{council}/{reference}/breathing-space",
    response_model=s.BreathingSpaceOut,
    status_code=201,
    tags=["customers"],
)
def breathing_space_api(
    body: s.BreathingSpaceIn, uow: Work, me: SignedIn, council: str, reference: str
) -> s.BreathingSpaceOut:
    space = start_breathing_space_for(
        uow.connection, me.user, council, reference,
        kind=body.kind, starts_on=body.starts_on, reason=body.reason, today=me.today, now=me.now,
    )  # fmt: skip
    uow.commit()
    return _space(space)


@router.post(
    "/customers/{council}/{reference}/breathing-space/end",
    response_model=s.BreathingSpaceOut,
    tags=["customers"],
)
def end_breathing_space_api(
    body: s.BreathingSpaceEndIn, uow: Work, me: SignedIn, council: str, reference: str
) -> s.BreathingSpaceOut:
    space = end_breathing_space_for(
        uow.connection, me.user, council, reference,
        ended_on=body.ended_on, today=me.today, now=me.now,
    )  # fmt: skip
    uow.commit()
    return _space(space)


@router.get("/lists/{name}", response_model=s.WorkListOut, tags=["lists"])
def list_api(uow: Work, me: SignedIn, name: str, day: str = "") -> s.WorkListOut:
    work = work_list(uow.connection, name, me, day)
    return s.WorkListOut(
        name=work.name, title=work.title, columns=list(work.columns),
        rows=[list(r) for r in work.rows],
    )  # fmt: skip


@router.get("/audit", response_model=list[s.AuditEntryOut], tags=["audit"])
def audit_api(uow: Work, me: SignedIn, subject: str = "") -> list[s.AuditEntryOut]:
    if not me.user.role.may_read_audit:
        raise Forbidden(f"an {me.user.role.label} cannot read the audit log")
    return [
        s.AuditEntryOut(
            id=e.id,
            at=e.entry.at,
            user=e.entry.user,
            action=e.entry.action,
            council=e.entry.council,
            subject=e.entry.subject,
            reason=e.entry.reason,
            entry_hash=e.entry_hash,
        )
        for e in audit.entries(uow.connection, councils=me.user.councils, subject=subject or None)
    ]
