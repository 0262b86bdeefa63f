"""The officers' pages: sign in, search, the customer view, the account view, the lists and
the audit log. Each reads with one service function and renders its result."""

from __future__ import annotations

import re
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reclaim.domain.accounts import PaymentMethod
from reclaim.domain.errors import DomainError
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)
from reclaim.services import audit
from reclaim.services.access import SignInRefused, sign_in, sign_out
from reclaim.services.customer_search import search
from reclaim.services.officer_actions import Forbidden, record_view
from reclaim.services.officer_lists import csv_text
from reclaim.services.officer_views import account_page, customer_view, document_for_officer
from reclaim.web.context import CSRF_FIELD, SESSION_COOKIE, SignedIn, Work, state
from reclaim.web.lists import LISTS, work_list
from reclaim.web.rendering import render

router = APIRouter(include_in_schema=False)

DONE = {
    "hold-placed": "The hold is placed. It is on the holds due list from its review date.",
    "hold-released": "The hold is released: recovery resumes from today.",
    "note-added": "The note is added.",
    "payment-recorded": "The payment is recorded and shared out by the council's policy.",
    "vulnerability-recorded": "The vulnerability is recorded, with its review date.",
    "breathing-space-started": "The Breathing Space is recorded: recovery stops while it lasts.",
    "breathing-space-ended": "The end of the Breathing Space is recorded.",
}


@router.get("/", response_class=RedirectResponse)
def home() -> RedirectResponse:
    return RedirectResponse("/search", status_code=303)


def _safe_next(value: str) -> str:
    """Only a path on this site (never //elsewhere or a full URL) after signing in."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/search"


SIGN_IN_REFUSED = (
    "This sign-in form has expired or did not come from this service, so it was not used. "
    "Sign in again here"
)


def _sign_in_form(
    request: Request, *, status: int = 200, fresh: bool = False, **context: Any
) -> HTMLResponse:
    """The sign-in form with its token: the cookie's value (kept if the browser has a
    well-formed one, unless ``fresh``) and, in a hidden field, its signature."""
    settings = state(request).settings
    nonce = request.cookies.get(settings.sign_in_cookie, "")
    if fresh or not _NONCE.fullmatch(nonce):
        nonce = secrets.token_urlsafe(32)
    response = render(request, None, "sign_in.html", title="Sign in", status=status,
                      sign_in_token=settings.sign_in_field(nonce), **context)  # fmt: skip
    response.set_cookie(
        settings.sign_in_cookie,
        nonce,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


_NONCE = re.compile(r"[A-Za-z0-9_-]{43}")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/search") -> HTMLResponse:  # noqa: A002
    return _sign_in_form(request, next=_safe_next(next))


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in_form(
    request: Request,
    uow: Work,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/search",  # noqa: A002
    sign_in_token: Annotated[str, Form()] = "",
) -> Response:
    settings = state(request).settings
    if not settings.sign_in_token_holds(
        request.cookies.get(settings.sign_in_cookie), sign_in_token
    ):
        # Before anything is read or written: no failure counted, nothing audited.
        return _sign_in_form(request, status=403, fresh=True, error=SIGN_IN_REFUSED,
                             username=username, next=_safe_next(next))  # fmt: skip
    now = state(request).clock()
    try:
        signed = sign_in(uow.connection, username, password, now=now)
    except SignInRefused as refused:
        uow.commit()  # the failure is counted and audited
        return _sign_in_form(request, status=400, error=str(refused), username=username,
                             next=_safe_next(next))  # fmt: skip
    uow.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=int((signed.expires_at - now).total_seconds()),
    )
    response.delete_cookie(settings.sign_in_cookie, secure=settings.secure_cookies,
                           httponly=True, samesite="strict")  # fmt: skip
    return response


@router.post("/sign-out")
def sign_out_form(request: Request, uow: Work, me: SignedIn) -> RedirectResponse:
    sign_out(uow.connection, request.cookies.get(SESSION_COOKIE, ""), now=me.now)
    uow.commit()
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, uow: Work, me: SignedIn, q: str = "") -> HTMLResponse:
    hits, error = None, None
    if q.strip():
        try:
            hits = search(uow.connection, q, me.user.councils)
        except DomainError as refused:
            error = str(refused)
    return render(
        request,
        me,
        "search.html",
        title="Search" if hits is None else f"Search: {q}",
        section="search",
        q=q,
        hits=hits,
        error=error,
        status=400 if error else 200,
    )


@router.get("/customers/{council}/{reference}", response_class=HTMLResponse)
def customer_page(
    request: Request,
    uow: Work,
    me: SignedIn,
    council: str,
    reference: str,
    done: str = "",
) -> HTMLResponse:
    return customer_response(request, uow, me, council, reference, done=done)


def customer_response(
    request: Request,
    uow: Work,
    me: SignedIn,
    council: str,
    reference: str,
    *,
    done: str = "",
    error: str | None = None,
    form: str = "",
) -> HTMLResponse:
    view = customer_view(uow.connection, council, reference, me.user.councils, today=me.today)
    if error is None:
        record_view(uow.connection, me.user, council, "customer", reference, now=me.now)
        uow.commit()
    return render(
        request,
        me,
        "customer.html",
        title=f"{view.party.name} ({view.party.reference})",
        section="search",
        view=view,
        done=DONE.get(done),
        error=error,
        form=form,
        categories=list(VulnerabilityCategory),
        space_kinds=list(BreathingSpaceKind),
        status=400 if error else 200,
    )


@router.get("/accounts/{council}/{reference}", response_class=HTMLResponse)
def account_page_view(
    request: Request,
    uow: Work,
    me: SignedIn,
    council: str,
    reference: str,
    done: str = "",
) -> HTMLResponse:
    return account_response(request, uow, me, council, reference, done=done)


def account_response(
    request: Request,
    uow: Work,
    me: SignedIn,
    council: str,
    reference: str,
    *,
    done: str = "",
    error: str | None = None,
    form: str = "",
) -> HTMLResponse:
    page = account_page(uow.connection, council, reference, me.user.councils, today=me.today)
    if error is None:
        record_view(uow.connection, me.user, council, "account", reference, now=me.now)
        uow.commit()
    return render(
        request,
        me,
        "account.html",
        title=f"Account {reference}",
        section="search",
        page=page,
        done=DONE.get(done),
        error=error,
        form=form,
        hold_kinds=list(HoldKind),
        channels=[m for m in PaymentMethod],
        status=400 if error else 200,
    )


@router.get("/documents/{council}/{document_id}.pdf")
def document_page(
    request: Request, uow: Work, me: SignedIn, council: str, document_id: int
) -> Response:
    account, pdf = document_for_officer(uow.connection, council, document_id, me.user.councils)
    record_view(uow.connection, me.user, council, "document", f"{account} #{document_id}",
                now=me.now)  # fmt: skip
    uow.commit()
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{account}-{document_id}.pdf"'},
    )


@router.get("/lists/{name}", response_class=HTMLResponse)
def list_page(
    request: Request, uow: Work, me: SignedIn, name: str, day: Annotated[str, Query()] = ""
) -> Response:
    csv = name.endswith(".csv")
    work = work_list(uow.connection, name.removesuffix(".csv"), me, day)
    if csv:
        return Response(
            csv_text(work),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{work.name}.csv"'},
        )
    return render(
        request,
        me,
        "list.html",
        title=work.title,
        section=work.name,
        work=work,
        lists=LISTS,
        day=day,
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, uow: Work, me: SignedIn, subject: str = "") -> HTMLResponse:
    if not me.user.role.may_read_audit:
        raise Forbidden(f"an {me.user.role.label} cannot read the audit log")
    found = audit.entries(uow.connection, councils=me.user.councils, subject=subject or None)
    return render(
        request,
        me,
        "audit.html",
        title="Audit log",
        section="audit",
        entries=found,
        subject=subject,
        csrf_field=CSRF_FIELD,
    )
