"""Running the web app (``reclaim serve``), and making a login (for the demo to print)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import uvicorn

from reclaim.domain.access import Role
from reclaim.services.access import add_user
from reclaim.store.database import make_engine
from reclaim.store.unit_of_work import UnitOfWork
from reclaim.web.app import create_app
from reclaim.web.context import WebSettings


def serve(
    database_url: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    settings: WebSettings | None = None,
    workers_pool: int = 20,
) -> None:
    """Serve the officers' pages and the API on ``host:port`` until interrupted."""
    engine = make_engine(database_url, **_pool(database_url, workers_pool))
    app = create_app(engine, settings=settings)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        engine.dispose()


def _pool(url: str, size: int) -> dict[str, int]:
    return {} if url.startswith("sqlite") else {"pool_size": size, "max_overflow": size}


@dataclass(frozen=True, slots=True)
class Login:
    username: str
    password: str
    role: Role
    councils: tuple[str, ...]


def create_login(
    database_url: str,
    councils: tuple[str, ...],
    *,
    username: str = "officer",
    display_name: str = "Demo Officer",
    role: Role = Role.TEAM_LEADER,
    password: str | None = None,
) -> Login:
    """Add a user with a new random password (unless one is given) and return the login."""
    chosen = password or secrets.token_urlsafe(12)
    engine = make_engine(database_url)
    try:
        with UnitOfWork(engine) as uow:
            add_user(
                uow.connection,
                username=username,
                display_name=display_name,
                password=chosen,
                role=role,
                councils=councils,
                now=datetime.now(UTC),
            )
            uow.commit()
    finally:
        engine.dispose()
    return Login(username, chosen, role, councils)
