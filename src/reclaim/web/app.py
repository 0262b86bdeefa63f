"""The FastAPI application: pages, the JSON API, static files, and how refusals are shown.

``create_app(engine)`` builds it on a database; ``web/server.py`` runs it (``reclaim serve``).
A refusal is never a server error: not signed in sends a page to the sign-in form (the API
answers 401), a role that may not, or a form without its CSRF token, gets 403, a record
outside the user's councils 404, and a rule's refusal 400 with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from reclaim.domain.errors import DomainError
from reclaim.services.access import SignInRefused
from reclaim.services.officer_actions import Forbidden
from reclaim.services.officer_views import NotFound
from reclaim.web import api, dashboard, page_actions, pages
from reclaim.web.context import (
    AppState,
    BadCsrf,
    NotSignedIn,
    WebSettings,
    system_clock,
)
from reclaim.web.rendering import render

STATIC = Path(__file__).parent / "static"


def create_app(
    engine: Engine,
    *,
    settings: WebSettings | None = None,
    clock: Callable[[], datetime] = system_clock,
) -> FastAPI:
    app = FastAPI(
        title="Reclaim",
        summary="Council Tax, Business Rates and other council debts: the officers' API.",
        description=api.__doc__ or "",
        version="1",
        docs_url=None,  # Swagger UI would load its code from a CDN: no third parties
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.reclaim = AppState(engine, settings or WebSettings(), clock)
    app.include_router(api.router)
    app.include_router(dashboard.api_router)
    app.include_router(dashboard.router)
    app.include_router(pages.router)
    app.include_router(page_actions.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _refusals(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[..., object]) -> Response:
        response: Response = await call_next(request)  # type: ignore[misc]
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        return response

    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _refusal(request: Request, status: int, message: str, title: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, None, "refused.html", title=title, message=message, status=status)


def _refusals(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: NotSignedIn) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "sign in first (POST /api/session)"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/search"
        return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, _: BadCsrf) -> Response:
        return _refusal(
            request,
            403,
            "This form has expired or did not come from this service. Go back, reload the "
            "page and try again.",
            "The form could not be sent",
        )

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, error: Forbidden) -> Response:
        return _refusal(request, 403, str(error), "You cannot do this")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound) -> Response:
        return _refusal(request, 404, str(error), "Not found")

    @app.exception_handler(SignInRefused)
    async def sign_in_refused(request: Request, error: SignInRefused) -> Response:
        return _refusal(request, 401, str(error), "Sign in refused")

    @app.exception_handler(DomainError)
    async def refused(request: Request, error: DomainError) -> Response:
        return _refusal(request, 400, str(error), "Refused")
