"""Writing many rows fast, on SQLite and PostgreSQL alike (the one place dialects differ).

Batch work (imports, payment posting, later billing and recovery runs) writes rows in sets, not
one ORM object at a time. Callers reserve ids first, so that rows in several tables can refer to
each other before any is written, then hand over plain tuples. Dates go in as ISO text
(``'2026-04-01'``), which both databases read as DATE.

* SQLite: ``executemany`` on the driver, inside the caller's transaction.
* PostgreSQL: ``COPY … FROM STDIN``, inside the caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table, text

CHUNK = 50_000
ANALYZE_AFTER = 10_000  # rows written at once to a PostgreSQL table before it is re-sampled


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """Reserve ``count`` fresh primary keys for ``table`` in the caller's transaction.

    SQLite holds the database's write lock for the whole transaction (BEGIN IMMEDIATE), so the
    ids after the current maximum are ours. PostgreSQL takes them from the table's sequence,
    which is safe against concurrent writers.
    """
    if count <= 0:
        return []
    if is_postgres(conn):
        rows = conn.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": count},
        )
        return [r[0] for r in rows]
    highest = f"SELECT COALESCE(MAX(id), 0) FROM {table.name}"  # noqa: S608 - a table of ours
    top = conn.execute(text(highest)).scalar_one()
    return list(range(top + 1, top + 1 + count))


def chunked(rows: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert tuples whose values follow ``columns``; returns how many were written."""
    written = 0
    if is_postgres(conn):
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        names = ", ".join(columns)
        cursor: Any = dbapi.cursor()  # psycopg's cursor, which can COPY
        try:
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        finally:
            cursor.close()
        if written >= ANALYZE_AFTER:
            # The planner knows nothing of rows it has not sampled; without this, the next
            # query on a freshly loaded table may choose a plan fit for an empty one.
            conn.exec_driver_sql(f"ANALYZE {table.name}")
        return written
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    for chunk in chunked(rows):
        conn.exec_driver_sql(sql, chunk)
        written += len(chunk)
    return written


_NAMED = re.compile(r"(?<!:):([a-z_]+)")


def driver_sql(conn: Connection, sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """Turn ``:name`` parameters (a list value expands to several) into the driver's own
    positional style, so bulk queries skip SQLAlchemy's per-statement compilation."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    values: list[Any] = []

    def place(match: re.Match[str]) -> str:
        value = params[match.group(1)]
        if isinstance(value, list):
            values.extend(value)
            return ", ".join(mark for _ in value)
        values.append(value)
        return mark

    return _NAMED.sub(place, sql), values


def driver_executemany(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> int:
    """Run one statement with ``?`` marks over many rows on the driver; returns rows changed."""
    if conn.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        cursor.executemany(sql, rows)
        return int(cursor.rowcount)
    finally:
        cursor.close()


def select_in(
    conn: Connection, sql: str, values: Sequence[Any], size: int = 5000, **params: Any
) -> Iterator[Any]:
    """Run ``sql`` (which has ``IN (:values)``) over ``values`` a chunk at a time."""
    for chunk in chunked(values, size):
        statement, positional = driver_sql(conn, sql, {"values": chunk, **params})
        yield from conn.exec_driver_sql(statement, tuple(positional))
