"""``reclaim user add`` and ``reclaim check`` over the audit log, through the command line."""

from __future__ import annotations

import json

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from reclaim.cli.main import app
from reclaim.store.access_tables import users
from tests.builders import add_council

PASSWORD = "correct horse battery staple"


def run(url: str, *args: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        app,
        list(args),
        env={"RECLAIM_DATABASE_URL": url, "COLUMNS": "1000", "NO_COLOR": "1", "PW": password},
    )


def test_user_add_adds_a_user_who_can_sign_in_and_check_proves_the_audit_log(
    engine: Engine, database_url: str
) -> None:
    add_council(engine, "TESTBURY")
    added = run(database_url, "user", "add", "jsmith", "--name", "Jo Smith", "--role",
                "team_leader", "--council", "TESTBURY", "--password-env", "PW", "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout) == {
        "username": "jsmith", "role": "team_leader", "councils": ["TESTBURY"],
    }  # fmt: skip
    with engine.connect() as conn:
        assert conn.execute(select(users.c.role)).scalar_one() == "team_leader"
    checked = run(database_url, "check", "--json")
    assert checked.exit_code == 0, checked.output
    chain = next(
        i for i in json.loads(checked.stdout)["invariants"] if i["code"] == "audit_log_chained"
    )
    assert chain == {
        "code": "audit_log_chained",
        "title": "Every audit log entry is chained to the one before it and unaltered",
        "checked": 1,
        "breaches": [],
    }


def test_user_add_refuses_a_short_password_or_an_unknown_council_and_adds_nobody(
    engine: Engine, database_url: str
) -> None:
    add_council(engine, "TESTBURY")
    short = run(database_url, "user", "add", "jsmith", "--name", "Jo", "--role", "officer",
                "--council", "TESTBURY", "--password-env", "PW", password="short")  # fmt: skip
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    nowhere = run(database_url, "user", "add", "jsmith", "--name", "Jo", "--role", "officer",
                  "--council", "NOWHERE", "--password-env", "PW")  # fmt: skip
    assert nowhere.exit_code == 1 and "there is no council NOWHERE" in nowhere.output
    with engine.connect() as conn:
        assert conn.execute(select(users.c.id)).all() == []
