"""Writing many rows fast, on SQLite and PostgreSQL alike (the one place dialects differ).

Batch work (imports, payment posting, later billing and recovery runs) writes rows in sets, not
one ORM object at a time. Callers reserve ids first, so that rows in several tables can refer to
each other before any is written, then hand over plain tuples. Dates go in as ISO text
(``'2026-04-01'``), which both databases read as DATE.

* SQLite: ``executemany`` on the driver, inside the caller's transaction.
* PostgreSQL: ``COPY … FROM STDIN``, inside the caller's transaction; for a load that is large
  beside its table, the foreign keys are checked once at the end (``keys_checked_at_end``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, text

CHUNK = 50_000
ANALYZE_AFTER = 10_000  # rows written at once to a PostgreSQL table before it is re-sampled
KEYS_AT_END_FROM = 50_000  # rows, and at least a third of the table's: see keys_checked_at_end


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
        # The sequence is looked up once (for each row it cost ten times the nextval), and the
        # ids come back as one array rather than a row each.
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar_one()
        ids: list[int] = conn.exec_driver_sql(
            "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
            (sequence, count),
        ).scalar_one()
        return ids
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
    if is_postgres(conn):
        written = _copy(conn, table.name, columns, rows)
        if written >= ANALYZE_AFTER:
            # The planner knows nothing of rows it has not sampled; without this, the next
            # query on a freshly loaded table may choose a plan fit for an empty one.
            conn.exec_driver_sql(f"ANALYZE {table.name}")
        return written
    written = 0
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    for chunk in chunked(rows):
        conn.exec_driver_sql(sql, chunk)
        written += len(chunk)
    return written


def _copy(
    conn: Connection, name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    written = 0
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor: Any = dbapi.cursor()  # psycopg's cursor, which can COPY
    try:
        with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    finally:
        cursor.close()
    return written


def insert_missing_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert the tuples whose primary key ``table`` does not have yet; returns how many were
    new. PostgreSQL: COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING;
    SQLite: INSERT OR IGNORE."""
    names = ", ".join(columns)
    if is_postgres(conn):
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE incoming_{table.name} (LIKE {table.name}) ON COMMIT DROP"
        )
        _copy(conn, f"incoming_{table.name}", columns, rows)
        added = conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM incoming_{table.name} "  # noqa: S608
            "ON CONFLICT DO NOTHING"
        ).rowcount
        conn.exec_driver_sql(f"DROP TABLE incoming_{table.name}")
        if added >= ANALYZE_AFTER:
            conn.exec_driver_sql(f"ANALYZE {table.name}")
        return int(added)
    sql = f"INSERT OR IGNORE INTO {table.name} ({names}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608
    added = 0
    for chunk in chunked(rows):
        added += conn.exec_driver_sql(sql, chunk).rowcount
    return added


@contextmanager
def keys_checked_at_end(conn: Connection, table: Table, rows: int) -> Iterator[None]:
    """Write ``rows`` rows to ``table`` inside the block, its foreign keys checked once at the end.

    PostgreSQL checks a row's foreign keys as the row is written, a query per row and key: for
    a million bills with three keys, three quarters of the time of writing them. When the load
    is large beside the table (at least ``KEYS_AT_END_FROM`` rows, and a third of the rows the
    table already has, as the planner last counted them) the keys are dropped in the caller's
    transaction and added back after the block, which checks every row of the table at once,
    a join per key (PostgreSQL manual, "Populating a Database": remove foreign key
    constraints). A row that breaks a key fails the transaction then, as it would have failed
    the COPY, and nothing is kept; if the block fails, the rollback restores the keys.

    Until the transaction ends, the table and the tables it refers to are locked against every
    other session, readers too (ALTER TABLE): fit for an annual run, not for daily work. Where
    the table is already large beside the load, checking its every row would cost more than
    checking the new ones, so the keys stay. SQLite checks keys cheaply as it writes: nothing
    changes there.
    """
    if not is_postgres(conn) or rows < KEYS_AT_END_FROM:
        yield
        return
    already = conn.exec_driver_sql(
        "SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", (table.name,)
    ).scalar_one()
    if already > 3 * rows:
        yield
        return
    keys = conn.exec_driver_sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        (table.name,),
    ).all()
    if not keys:
        yield
        return
    name = table.name
    conn.exec_driver_sql(
        f"ALTER TABLE {name} " + ", ".join(f'DROP CONSTRAINT "{key}"' for key, _ in keys)
    )
    yield
    conn.exec_driver_sql(
        f"ALTER TABLE {name} "
        + ", ".join(f'ADD CONSTRAINT "{key}" {definition}' for key, definition in keys)
    )


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


def read_frame(
    conn: Connection, sql: str, params: dict[str, Any], schema: dict[str, Any]
) -> pl.DataFrame:
    """A query's rows as a frame with ``schema`` (its columns in the query's order; a date
    asked for as ``pl.Date`` is one, as ``pl.String`` ISO text), read on the driver: a million
    rows through SQLAlchemy's row objects cost more than the query. PostgreSQL sends them as
    CSV through COPY, which Polars reads in one go."""
    statement, values = driver_sql(conn, sql, params)
    dates = [name for name, kind in schema.items() if kind == pl.Date]
    as_text = {name: pl.String if name in dates else kind for name, kind in schema.items()}
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor: Any = dbapi.cursor()
    try:
        if is_postgres(conn):
            cursor.execute("SET LOCAL datestyle TO 'ISO'")  # dates as 2026-04-01 in the CSV
            data = io.BytesIO()
            with cursor.copy(f"COPY ({statement}) TO STDOUT (FORMAT csv)", values) as copy:
                for block in copy:
                    data.write(block)
            if data.tell() == 0:
                frame = pl.DataFrame(schema=as_text)
            else:
                data.seek(0)
                frame = pl.read_csv(data, has_header=False, schema=as_text)
        else:
            cursor.execute(statement, values)
            frame = pl.DataFrame(cursor.fetchall(), schema=as_text, orient="row")
    finally:
        cursor.close()
    return frame.with_columns(pl.col(dates).str.to_date("%Y-%m-%d"))


def select_in(
    conn: Connection, sql: str, values: Sequence[Any], size: int = 5000, **params: Any
) -> Iterator[Any]:
    """Run ``sql`` (which has ``IN (:values)``) over ``values`` a chunk at a time."""
    for chunk in chunked(values, size):
        statement, positional = driver_sql(conn, sql, {"values": chunk, **params})
        yield from conn.exec_driver_sql(statement, tuple(positional))
