"""``reclaim serve`` and ``reclaim user add``: the officer web app and its users."""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime
from typing import Annotated

import typer

from reclaim.cli.main import JsonOption, engine_for_use, fail, unit_of_work
from reclaim.cli.output import console, print_json
from reclaim.domain.access import Role
from reclaim.services.access import add_user
from reclaim.store.database import database_url

user_app = typer.Typer(help="Users of the officer web app.", no_args_is_help=True)


def serve_command(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8000,
    organisation: Annotated[
        str | None,
        typer.Option(help="The name in the header (default: the signed-in user's councils)."),
    ] = None,
    colour: Annotated[
        str, typer.Option(help="The header's colour, as #rrggbb (white text must read on it).")
    ] = "#0b4f6c",
    secure_cookies: Annotated[
        bool, typer.Option(help="Send the session cookie over HTTPS only (behind TLS).")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes (default: one per core on PostgreSQL, 1 on SQLite)."),
    ] = None,
) -> None:
    """Serve the officers' pages and the JSON API (/api, OpenAPI at /api/openapi.json)."""
    from reclaim.web.context import WebSettings
    from reclaim.web.server import secret_key, serve

    engine_for_use().dispose()  # refuses a database that is not set up, with the reason
    try:
        settings = WebSettings(organisation or "", colour, secure_cookies, secret_key())
    except ValueError as error:
        fail(str(error))
    console.print(f"Reclaim is serving on http://{host}:{port}/ (Ctrl+C stops it)")
    if workers is not None and workers < 1:
        fail(f"--workers {workers} should be 1 or more")
    serve(database_url(), host, port, settings=settings, workers=workers)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="The name to sign in with, e.g. jsmith.")],
    name: Annotated[str, typer.Option("--name", help="The user's name as others see it.")],
    role: Annotated[
        Role, typer.Option(help="officer, team_leader, manager, auditor or administrator.")
    ],
    council: Annotated[
        list[str], typer.Option("--council", help="A council whose data they see (repeat).")
    ],
    password_env: Annotated[
        str | None,
        typer.Option(
            help="Read the password from this environment variable instead of asking for it."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Add a user of the web app. The password is asked for (twice), never given on the
    command line, where others could see it."""
    if password_env:
        password = os.environ.get(password_env, "")
        if not password:
            fail(f"the environment variable {password_env} is not set or is empty")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            fail("the two passwords are not the same; nothing was changed")
    with unit_of_work() as uow:
        user = add_user(
            uow.connection,
            username=username,
            display_name=name,
            password=password,
            role=role,
            councils=council,
            now=datetime.now(UTC),
        )
        uow.commit()
    if as_json:
        print_json(
            {"username": user.username, "role": user.role.value, "councils": list(user.councils)}
        )
    else:
        console.print(
            f"Added {user.display_name} ({user.username}), {user.role.label}, "
            f"for {', '.join(user.councils)}"
        )
