"""Running the web app (``reclaim serve``), and making a login (for the demo to print).

On PostgreSQL the app is served by one worker process per core (uvicorn's own supervisor):
a process runs Python one thread at a time, so one process would leave the other cores idle.
Each worker builds the app with ``app_from_environment`` from what the parent put in its
environment (the database URL and the settings, with the secret key that signs the sign-in
form, which all workers must share). SQLite is served by one process: its writers queue for
one lock, and a demo or a small council needs no more.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi import FastAPI

from reclaim.domain.access import Role
from reclaim.services.access import add_user
from reclaim.store.database import make_engine
from reclaim.store.unit_of_work import UnitOfWork
from reclaim.web.app import create_app
from reclaim.web.context import WebSettings

WORKER_DATABASE_URL = "RECLAIM_WEB_WORKER_DATABASE_URL"
WORKER_SETTINGS = "RECLAIM_WEB_WORKER_SETTINGS"
SECRET_KEY = "RECLAIM_WEB_SECRET_KEY"  # set it alike on every server behind a load balancer
POOL = 10  # database connections a worker keeps (and as many more at a peak)


def default_workers(database_url: str) -> int:
    """One worker per core on PostgreSQL, one on SQLite."""
    return 1 if database_url.startswith("sqlite") else max(os.cpu_count() or 1, 1)


def serve(
    database_url: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    settings: WebSettings | None = None,
    workers: int | None = None,
) -> None:
    """Serve the officers' pages and the API on ``host:port`` until interrupted."""
    settings = settings or WebSettings(secret_key=secret_key())
    count = default_workers(database_url) if workers is None else workers
    options = {"host": host, "port": port, "log_level": "warning", "access_log": False}
    if count <= 1:
        engine = make_engine(database_url, **_pool(database_url))
        try:
            uvicorn.run(create_app(engine, settings=settings), **options)  # type: ignore[arg-type]
        finally:
            engine.dispose()
        return
    os.environ[WORKER_DATABASE_URL] = database_url
    os.environ[WORKER_SETTINGS] = json.dumps(asdict(settings))
    uvicorn.run("reclaim.web.server:app_from_environment", factory=True, workers=count, **options)  # type: ignore[arg-type]


def app_from_environment() -> FastAPI:
    """The app of one worker process, built from what ``serve`` put in the environment."""
    url = os.environ[WORKER_DATABASE_URL]
    settings = WebSettings(**json.loads(os.environ[WORKER_SETTINGS]))
    # The worker's connections close when its process ends.
    return create_app(make_engine(url, **_pool(url)), settings=settings)


def secret_key() -> str:
    """The key that signs the sign-in form: ``RECLAIM_WEB_SECRET_KEY`` if set (the same on
    every server behind a load balancer), else a new one for this run."""
    return os.environ.get(SECRET_KEY) or secrets.token_hex(32)


def _pool(url: str) -> dict[str, Any]:
    """The engine's options: on PostgreSQL a pool for the worker's threads, and sessions that
    neither start parallel workers nor compile queries (JIT) — an officer's page is many
    small queries at once with other officers', where both cost more than they save (a
    company's customer view with 900 accounts took half the time without them)."""
    if url.startswith("sqlite"):
        return {}
    options = "-c max_parallel_workers_per_gather=0 -c jit=off"
    return {"pool_size": POOL, "max_overflow": POOL, "connect_args": {"options": options}}


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
