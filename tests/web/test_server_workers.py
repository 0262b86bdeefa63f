"""``reclaim serve`` with several worker processes: each builds the app from what the parent
put in its environment, and they share the key that signs the sign-in form, so a form opened
from one worker is taken by another."""

from __future__ import annotations

import http.client
import multiprocessing
import re
import socket
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from reclaim.bench.web_load import _free_port, _serve
from reclaim.store.database import make_engine, migrate
from reclaim.web.server import default_workers
from tests.web.site import PASSWORD, populate


def _request(port: int, method: str, path: str, **kwargs: object) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # a new connection each
    conn.request(method, path, **kwargs)  # type: ignore[arg-type]
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


@pytest.fixture
def two_workers(tmp_path: Path) -> object:
    url = f"sqlite:///{tmp_path / 'reclaim.db'}"
    engine = make_engine(url)
    migrate(engine)
    populate(engine, tmp_path)
    engine.dispose()
    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(url, port, 2))
    server.start()
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert time.monotonic() < deadline and server.is_alive(), "the server did not start"
            time.sleep(0.2)
    yield port
    server.terminate()
    server.join(30)


def test_a_sign_in_form_from_one_worker_is_taken_by_any(two_workers: int) -> None:
    for _ in range(12):
        form = _request(two_workers, "GET", "/sign-in")
        assert form.status == 200
        cookie = form.getheader("set-cookie", "").split(";")[0]
        token = re.search(r'name="sign_in_token" value="([0-9a-f]+)"', form.body.decode())  # type: ignore[attr-defined]
        assert token is not None
        body = urlencode({"username": "officer", "password": PASSWORD, "sign_in_token": token[1]})
        signed = _request(two_workers, "POST", "/sign-in", body=body, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert signed.status == 303, signed.body  # type: ignore[attr-defined]
        assert "reclaim_session=" in (signed.getheader("set-cookie") or "")


def test_postgresql_is_served_by_a_worker_per_core_and_sqlite_by_one() -> None:
    assert default_workers("sqlite:///reclaim.db") == 1
    assert default_workers("postgresql+psycopg://reclaim@db/reclaim") >= 1
