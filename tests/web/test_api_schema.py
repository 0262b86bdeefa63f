"""Schemathesis against the OpenAPI document: whatever a program sends to the JSON API, the
answer is never a server error (every refusal is a 4xx with its reason)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine

from reclaim.services.access import sign_in
from reclaim.store.database import make_engine, migrate
from reclaim.store.unit_of_work import UnitOfWork
from reclaim.web.app import create_app
from tests.builders import NOW
from tests.web.site import PASSWORD, clock, populate

OPERATIONS = sorted(
    path_item
    for path_item in create_app(make_engine("sqlite://")).openapi()["paths"].items()
    for path_item in [(path_item[0], method.upper()) for method in path_item[1]]
)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Any]]:
    folder: Path = tmp_path_factory.mktemp("schema")
    engine = make_engine(f"sqlite:///{folder / 'reclaim.db'}")
    migrate(engine)
    populate(engine, folder)
    yield (
        engine,
        schemathesis.openapi.from_asgi("/api/openapi.json", create_app(engine, clock=clock)),
    )
    engine.dispose()


def test_every_api_operation_is_tried() -> None:
    from reclaim.web import api, dashboard

    routes = [*api.router.routes, *dashboard.api_router.routes]
    assert len(OPERATIONS) == sum(len(route.methods) for route in routes)  # type: ignore[attr-defined]
    assert ("/api/accounts/{council}/{reference}/holds", "POST") in OPERATIONS


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_request_to_the_api_is_a_server_error(
    api: tuple[Engine, Any], path: str, method: str
) -> None:
    engine, schema = api
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def call(case: Any) -> None:
        with UnitOfWork(engine) as uow:  # a session of its own: a case may sign out
            signed = sign_in(uow.connection, "admin", PASSWORD, now=NOW)
            uow.commit()
        response = case.call(
            headers={"X-CSRF-Token": signed.csrf_token},
            cookies={"reclaim_session": signed.token},
        )
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"

    call()
