"""Triggers that make a table append-only: UPDATE and DELETE are refused by the database.

Used by the migrations, each for the tables it creates. The message is the same everywhere:
a correction is a new entry, never an edit.
"""

from __future__ import annotations

from typing import Any

REFUSAL = "rows are never changed or deleted: make a new, reversing entry instead"


def guard_tables(op: Any, tables: tuple[str, ...], *, with_function: bool = False) -> None:
    """Add the triggers to ``tables`` (``with_function``: first create PostgreSQL's function)."""
    if op.get_bind().dialect.name == "postgresql":
        if with_function:
            op.execute(
                "CREATE FUNCTION reclaim_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '% {REFUSAL}', TG_TABLE_NAME; END $$"
            )
        for table in tables:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION reclaim_append_only()"
            )
        return
    for table in tables:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} {REFUSAL}'); END"
            )


def unguard_tables(op: Any, tables: tuple[str, ...], *, with_function: bool = False) -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in tables:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        if with_function:
            op.execute("DROP FUNCTION reclaim_append_only()")
        return
    for table in tables:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_no_{action}")
