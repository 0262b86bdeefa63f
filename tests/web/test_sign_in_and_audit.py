"""Users, signing in (argon2, lock-out, sessions) and the chained audit log that
``reclaim check`` proves — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Connection, Engine, exc, select, text

from reclaim.domain.access import LOCK_AFTER_FAILURES, LOCK_MINUTES, SESSION_HOURS, Role
from reclaim.domain.errors import DomainError
from reclaim.services import audit
from reclaim.services.access import SignInRefused, add_user, session_for, sign_in, sign_out
from reclaim.services.checks import run_checks
from reclaim.store.access_tables import users
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import NOW, add_council

PASSWORD = "correct horse battery staple"


@pytest.fixture
def council(engine: Engine) -> Engine:
    add_council(engine, "TESTBURY")
    with UnitOfWork(engine) as uow:
        add_user(
            uow.connection, username="jo", display_name="Jo Officer", password=PASSWORD,
            role=Role.OFFICER, councils=["TESTBURY"], now=NOW,
        )  # fmt: skip
        uow.commit()
    return engine


def attempt(engine: Engine, password: str, minutes: int = 0) -> str:
    with UnitOfWork(engine) as uow:
        try:
            signed = sign_in(uow.connection, "jo", password, now=NOW + timedelta(minutes=minutes))
        except SignInRefused as refused:
            uow.commit()
            return str(refused)
        uow.commit()
        return signed.token


def test_a_password_is_kept_only_as_an_argon2id_hash(council: Engine) -> None:
    with council.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "short"}, "at least 12 characters"),
        ({"username": "Jo Smith"}, "lower-case letters"),
        ({"councils": ["NOWHERE"]}, "there is no council NOWHERE"),
        ({"councils": []}, "say which councils"),
        ({"username": "jo"}, "there is already a user 'jo'"),
    ],
)
def test_a_user_is_refused_with_the_reason_and_nothing_is_added(
    council: Engine, change: dict[str, object], message: str
) -> None:
    details: dict[str, object] = {
        "username": "sam", "display_name": "Sam", "password": PASSWORD,
        "role": Role.OFFICER, "councils": ["TESTBURY"],
    } | change  # fmt: skip
    with UnitOfWork(council) as uow, pytest.raises(DomainError, match=message):
        add_user(uow.connection, now=NOW, **details)  # type: ignore[arg-type]
    with council.connect() as conn:
        assert conn.execute(select(users.c.username)).scalars().all() == ["jo"]


def test_the_right_password_starts_a_session_and_signing_out_ends_it(council: Engine) -> None:
    token = attempt(council, PASSWORD)
    with UnitOfWork(council) as uow:
        found = session_for(uow.connection, token, now=NOW)
        assert found is not None and found.user.councils == ("TESTBURY",)
        later = NOW + timedelta(hours=SESSION_HOURS)
        assert session_for(uow.connection, token, now=later) is None  # it has run out
        assert session_for(uow.connection, "made-up", now=NOW) is None
        sign_out(uow.connection, token, now=NOW)
        assert session_for(uow.connection, token, now=NOW) is None


def test_repeated_failures_lock_the_account_even_against_the_right_password(
    council: Engine,
) -> None:
    for _ in range(LOCK_AFTER_FAILURES - 1):
        assert attempt(council, "wrong password!") == "the username or password is not right"
    attempt(council, PASSWORD)  # a success clears the count
    for _ in range(LOCK_AFTER_FAILURES):
        attempt(council, "wrong password!")
    assert "locked" in attempt(council, PASSWORD, minutes=1)
    assert "locked" in attempt(council, PASSWORD, minutes=LOCK_MINUTES - 1)
    assert "locked" not in attempt(council, PASSWORD, minutes=LOCK_MINUTES + 1)


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(council: Engine) -> None:
    with UnitOfWork(council) as uow, pytest.raises(SignInRefused) as refused:
        sign_in(uow.connection, "nobody", PASSWORD, now=NOW)
    assert str(refused.value) == "the username or password is not right"


def test_sign_ins_and_failures_are_in_the_audit_log(council: Engine) -> None:
    attempt(council, "wrong password!")
    attempt(council, PASSWORD)
    with UnitOfWork(council) as uow:
        actions = [(e.entry.user, e.entry.action) for e in audit.entries(uow.connection)]
    assert actions == [("jo", "sign in"), ("jo", "sign in refused"), ("system", "add user")]


def chain_breaches(conn: Connection) -> list[str]:
    result = next(r for r in run_checks(conn) if r.invariant.code == "audit_log_chained")
    return [f"{b.where}: {b.detail}" for b in result.breaches]


def unguard(conn: Connection) -> None:
    """Someone with database access removes the append-only guard (in this transaction)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
    else:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET reason = 'nothing' WHERE id = 2", "DELETE FROM audit_log WHERE id = 2"],
)
def test_the_audit_log_refuses_changes(council: Engine, statement: str) -> None:
    attempt(council, PASSWORD)
    with UnitOfWork(council) as uow, pytest.raises(exc.DBAPIError, match="never changed"):
        uow.connection.execute(text(statement))


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        (
            "UPDATE audit_log SET username = 'someone else' WHERE id = 2",
            "audit entry 2: its content",
        ),
        ("DELETE FROM audit_log WHERE id = 2", "audit entry 3: does not follow"),
        (
            "UPDATE audit_log SET entry_hash = previous_hash WHERE id = 3",
            "audit entry 3: its content",
        ),
    ],
)
def test_reclaim_check_finds_an_audit_entry_altered_or_removed_behind_its_back(
    council: Engine, statement: str, found: str
) -> None:
    for _ in range(3):
        attempt(council, PASSWORD)
    with UnitOfWork(council) as uow:
        assert chain_breaches(uow.connection) == []
        unguard(uow.connection)
        assert uow.connection.execute(text(statement)).rowcount == 1
        breaches = chain_breaches(uow.connection)
    assert breaches and breaches[0].startswith(found), breaches
