"""Helpers for the integration tests that look at the whole database.

* ``snapshot``: every row of every table. A refused import must leave the database exactly as
  it was; comparing snapshots (each read in a connection of its own, so only committed rows
  count) proves it.
* ``breaches``: what ``reclaim check`` finds (nothing, after any successful import).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from reclaim.services.checks import run_checks
from reclaim.store.tables import metadata

Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(engine: Engine) -> Snapshot:
    """Every committed row of every table, in a stable order."""
    with engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.columns))]
            for table in metadata.sorted_tables
        }


def row_counts(state: Snapshot) -> dict[str, int]:
    return {name: len(rows) for name, rows in state.items()}


def breaches(engine: Engine) -> list[str]:
    """Every breach ``reclaim check`` finds, as 'code: where: detail' (empty when all hold)."""
    with engine.connect() as conn:
        return [
            f"{result.invariant.code}: {breach.where}: {breach.detail}"
            for result in run_checks(conn)
            for breach in result.breaches
        ]
