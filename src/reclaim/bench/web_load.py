"""The web app under load: simulated officers against the real server (``reclaim serve``).

Each of ``officers`` threads signs in (a session of its own) and, until the time is up, opens
a search (half by account reference, half by name: the customer's surname and postcode, or
their whole name when they have no property), a customer page or an account page of a random
customer and then pauses about ``pause`` seconds, as a person reading the page would. Every
answer other than 200 is an error. Then ``burst_workers`` threads ask for pages with no pause
at all, for the most pages a second the app serves. The server runs in processes of its own
(``reclaim serve``: one worker per core on PostgreSQL), as in production.
"""

from __future__ import annotations

import http.client
import multiprocessing
import random
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from sqlalchemy import func, select

from reclaim.domain.access import Role
from reclaim.services.access import add_user, sign_in
from reclaim.store import tables as t
from reclaim.store.database import make_engine
from reclaim.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class LoadFigures:
    officers: int
    seconds: float
    pages: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_pages_per_second: float  # with no pause, ``burst_workers`` at once
    burst_errors: int
    server_workers: int
    by_page: dict[str, dict[str, float]]  # each page's count, p50 and p95 (with the pause)


def _serve(url: str, port: int, workers: int) -> None:
    import sys

    from reclaim.web.server import serve

    # uvicorn's workers reopen their parent's standard input by its number, which this
    # process (itself started by multiprocessing) does not hand on: there is none to give.
    sys.stdin = None

    serve(url, "127.0.0.1", port, workers=workers)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Sample = list[tuple[str, str, str, str]]


def _sample(url: str, count: int) -> Sample:
    """(council, account reference, customer reference, name search) of random accounts."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            low, high = conn.execute(
                select(func.min(t.accounts.c.id), func.max(t.accounts.c.id))
            ).one()
            if low is None:
                raise RuntimeError("there are no accounts to open")
            ids = [random.randint(low, high) for _ in range(count)]
            rows = conn.execute(
                select(
                    t.councils.c.code,
                    t.accounts.c.reference,
                    t.parties.c.reference,
                    t.parties.c.name,
                    t.properties.c.postcode,
                )
                .select_from(
                    t.accounts.join(t.councils)
                    .join(t.account_parties, t.account_parties.c.account_id == t.accounts.c.id)
                    .join(t.parties, t.parties.c.id == t.account_parties.c.party_id)
                    .outerjoin(t.properties, t.properties.c.id == t.accounts.c.property_id)
                )
                .where(t.accounts.c.id.in_(ids))
            ).all()
            return [(r[0], r[1], r[2], _name_search(r[3], r[4])) for r in rows]
    finally:
        engine.dispose()


def _name_search(name: str, postcode: str | None) -> str:
    """What an officer types to find a caller by name: surname and postcode, or the name."""
    if postcode:
        return f"{name.split()[-1]} {postcode}"
    return name


def _sessions(url: str, count: int) -> list[str]:
    """``count`` signed-in sessions of a new officer of every council."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    password = secrets.token_urlsafe(16)
    username = f"bench-{secrets.token_hex(4)}"
    try:
        with UnitOfWork(engine) as uow:
            codes = list(uow.connection.execute(select(t.councils.c.code)).scalars())
            add_user(uow.connection, username=username, display_name="Benchmark officer",
                     password=password, role=Role.OFFICER, councils=codes, now=now)  # fmt: skip
            tokens = [
                sign_in(uow.connection, username, password, now=now).token for _ in range(count)
            ]
            uow.commit()
        return tokens
    finally:
        engine.dispose()


def _path(sample: Sample, rng: random.Random) -> tuple[str, str]:
    """(which page, its path)."""
    council, account, customer, name = rng.choice(sample)
    kind = rng.randrange(3)
    if kind == 0:
        if rng.random() < 0.5:
            return "search by reference", f"/search?q={quote(account)}"
        return "search by name", f"/search?q={quote(name)}"
    if kind == 1:
        return "customer", f"/customers/{council}/{customer}"
    return "account", f"/accounts/{council}/{account}"


class _Officer(threading.Thread):
    def __init__(self, port: int, token: str, sample: Sample,
                 until: float, pause: float, seed: int) -> None:  # fmt: skip
        super().__init__(daemon=True)
        self.port, self.token, self.sample = port, token, sample
        self.until, self.pause = until, pause
        self.rng = random.Random(seed)
        self.times: list[tuple[str, float]] = []  # (which page, seconds)
        self.errors = 0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": f"reclaim_session={self.token}"}
        if self.pause:
            time.sleep(self.rng.uniform(0, self.pause))  # officers do not all start at once
        while time.monotonic() < self.until:
            page, path = _path(self.sample, self.rng)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.times.append((page, time.perf_counter() - started))
            self.errors += not ok
            if self.pause:
                time.sleep(self.rng.uniform(0.75 * self.pause, 1.25 * self.pause))
        conn.close()


def _percentile(values: list[float], share: int) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return round(ordered[min(len(ordered) - 1, (len(ordered) * share) // 100)] * 1000, 1)


def _crowd(port: int, tokens: list[str], sample: Sample, seconds: float,
           pause: float) -> tuple[list[tuple[str, float]], int, float]:  # fmt: skip
    until = time.monotonic() + seconds
    started = time.monotonic()
    crowd = [_Officer(port, token, sample, until, pause, i) for i, token in enumerate(tokens)]
    for officer in crowd:
        officer.start()
    for officer in crowd:
        officer.join()
    times = [x for officer in crowd for x in officer.times]
    return times, sum(o.errors for o in crowd), time.monotonic() - started


def web_load(url: str, *, officers: int = 50, seconds: float = 300, pause: float = 2.0,
             burst_workers: int = 8, burst_seconds: float = 30,
             workers: int | None = None) -> LoadFigures:  # fmt: skip
    from reclaim.web.server import default_workers

    served_by = default_workers(url) if workers is None else workers
    sample = _sample(url, 2000)
    tokens = _sessions(url, max(officers, burst_workers))
    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(url, port, served_by)
    )
    server.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or not server.is_alive():
                    raise RuntimeError("the web app did not start") from None
                time.sleep(0.2)
        times, errors, took = _crowd(port, tokens[:officers], sample, seconds, pause)
        burst, burst_errors, burst_took = _crowd(
            port, tokens[:burst_workers], sample, burst_seconds, 0
        )
    finally:
        server.terminate()
        server.join()
    seconds_only = [x for _, x in times]
    pages = sorted({page for page, _ in times})
    by_page = {
        page: {"pages": len(these), "p50_ms": _percentile(these, 50),
               "p95_ms": _percentile(these, 95)}
        for page in pages
        for these in [[x for p, x in times if p == page]]
    }  # fmt: skip
    return LoadFigures(
        officers, round(took, 1), len(times), errors,
        _percentile(seconds_only, 50), _percentile(seconds_only, 95),
        _percentile(seconds_only, 99), round(len(burst) / burst_took, 1), burst_errors,
        served_by, by_page,
    )  # fmt: skip
