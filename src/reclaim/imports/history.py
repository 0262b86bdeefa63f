"""Which files have been imported, so the same file is never posted twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from reclaim.calendar import as_utc
from reclaim.imports.csv_files import CsvFile
from reclaim.store import tables as t

if TYPE_CHECKING:
    from reclaim.services.payments import PostingSummary


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    status: str  # "imported" or "already_imported"
    import_id: int
    file_name: str
    rows: int
    imported_at: datetime
    summary: PostingSummary | None = None  # what posting a payment file did

    @property
    def message(self) -> str:
        if self.status == "already_imported":
            return (
                f"this file was already imported on {self.imported_at:%d %B %Y at %H:%M} UTC "
                f"as import {self.import_id} ({self.file_name}, {_rows(self.rows)}); "
                "nothing was posted again"
            )
        return f"imported {_rows(self.rows)} from {self.file_name} as import {self.import_id}"


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def already_imported(conn: Connection, kind: str, file: CsvFile) -> ImportOutcome | None:
    row = conn.execute(
        select(t.imports).where(t.imports.c.kind == kind, t.imports.c.sha256 == file.sha256)
    ).first()
    if row is None:
        return None
    return ImportOutcome(
        "already_imported", row.id, row.file_name, row.rows, as_utc(row.imported_at)
    )


def record_import(conn: Connection, kind: str, file: CsvFile, rows: int, now: datetime) -> int:
    result = conn.execute(
        t.imports.insert().values(
            kind=kind, file_name=file.name, sha256=file.sha256, rows=rows, imported_at=now
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]
