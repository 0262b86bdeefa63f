"""Print batches: the day's documents as one print-ready PDF per postage class, with a
manifest CSV for a hybrid-mail supplier (or GOV.UK Notify's precompiled letters).

A batch is made once per council and day: a second run for the same day finds the batch
recorded and changes nothing. Before printing, the day's queued letters are produced; a
notice about a year paid since it was produced is cancelled, not printed (paid the same day).
Each printed document is marked sent and linked to its batch; the batch records the files'
names and SHA-256 so what went to the printer can be proved later. The batch PDF is the
documents' stored page streams in order, with the fonts once, so it is the same pages that
each document's reprint gives.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select, update

from reclaim.domain.errors import DomainError
from reclaim.domain.letters.content import DocumentStatus, Postage, split_address
from reclaim.domain.recovery.engine import Action
from reclaim.services.letters import (
    DEMANDING,
    Made,
    ProduceReport,
    fonts_of,
    make_documents,
    produce_documents,
    store_made,
)
from reclaim.services.letters_pdf import font_set, unpack, write_pdf
from reclaim.store import tables as t
from reclaim.store.bulk import chunked
from reclaim.store.repositories import get_council

MANIFEST_COLUMNS = (
    "document_id",
    "account",
    "name",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "address_line_5",
    "postcode",
    "pages",
    "postage",
    "letter",
)


@dataclass(frozen=True, slots=True)
class Batch:
    postage: Postage
    documents: int
    pages: int
    pdf_file: Path
    manifest_file: Path
    pdf_sha256: str


@dataclass
class PrintReport:
    council: str
    on: date
    already_made: bool = False
    batches: list[Batch] = field(default_factory=list)
    produced: ProduceReport | None = None
    cancelled: int = 0  # paid after they were produced, before printing


def print_batches(
    conn: Connection, council_code: str, on: date, out: Path, made_at: datetime
) -> PrintReport:
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    report = PrintReport(council_code, on)
    existing = _made_already(conn, stored.id, on)
    if existing:
        report.already_made, report.batches = True, existing
        return report
    report.produced = produce_documents(conn, council_code, on)
    report.cancelled = _cancel(conn, _paid(conn, stored.id), on)
    rows = _ready(conn, stored.id, on, ())
    names = _names(conn, {r.id for r in rows})
    for postage, docs in _by_postage(rows):
        planned = _write_batch(
            out,
            council_code,
            on,
            postage,
            docs,
            names,
            lambda ids: _streams(conn, ids),
            _fonts(conn),
        )
        report.batches.append(_record_batch(conn, stored.id, on, planned, made_at))
    return report


@dataclass(frozen=True, slots=True)
class PlannedBatch:
    """A batch whose files are written but which is not yet recorded."""

    postage: Postage
    document_ids: tuple[int, ...]
    pages: int
    pdf_file: Path
    manifest_file: Path
    pdf_sha256: str
    manifest_sha256: str


@dataclass
class PrintWork:
    """A day's print run worked out from one reading of the database (``plan_print``), its
    files written, to be recorded later in one go (``apply_print``)."""

    council_id: int
    council: str
    on: date
    already_made: list[Batch] = field(default_factory=list)
    made: Made = field(default_factory=Made)
    paid: list[int] = field(default_factory=list)  # produced before, about a year now paid
    batches: list[PlannedBatch] = field(default_factory=list)


def plan_print(
    conn: Connection, council_code: str, on: date, out: Path, created_after: date | None = None
) -> PrintWork:
    """The day's print run as ``print_batches`` makes it — its queued letters made, notices
    about paid years cancelled, the batches' PDFs and manifests written — reading the
    database and writing nothing to it; ``apply_print`` records it. ``created_after``: leave
    the letters created up to that day to another print run, planned but not yet recorded.
    Holds the day's letters in memory (the demo's print room)."""
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    work = PrintWork(stored.id, council_code, on)
    work.already_made = _made_already(conn, stored.id, on)
    if work.already_made:
        return work
    work.made = make_documents(conn, council_code, on, created_after)
    work.paid = _paid(conn, stored.id)
    new = {m["i"]: m for m in work.made.made}
    files = {f["document_id"]: f for f in work.made.files}
    rows = [
        replace(r, postage=new[r.id]["po"], pages=new[r.id]["pg"], font_set=files[r.id]["font_set"])
        if r.id in new
        else r
        for r in _ready(conn, stored.id, on, sorted(new))
        if r.id not in work.paid
    ]
    names = _names(conn, {r.id for r in rows})
    earlier = _packed(conn, [r.id for r in rows if r.id not in files])

    def streams(ids: list[int]) -> Iterator[bytes]:
        for i in ids:
            yield from unpack(files[i]["pages"] if i in files else earlier[i])

    for postage, docs in _by_postage(rows):
        work.batches.append(
            _write_batch(out, council_code, on, postage, docs, names, streams, _fonts(conn))
        )
    return work


def apply_print(conn: Connection, work: PrintWork, made_at: datetime) -> PrintReport:
    """Record a day's print run planned by ``plan_print``: the letters made, the notices
    cancelled, the batches and their documents sent."""
    report = PrintReport(work.council, work.on)
    if work.already_made:
        report.already_made, report.batches = True, work.already_made
        return report
    store_made(conn, work.made)
    report.produced = ProduceReport(work.council, work.on)
    work.made.count_into(report.produced)
    report.cancelled = _cancel(conn, work.paid, work.on)
    for planned in work.batches:
        report.batches.append(_record_batch(conn, work.council_id, work.on, planned, made_at))
    return report


def _made_already(conn: Connection, council_id: int, on: date) -> list[Batch]:
    pb = t.print_batches
    return [
        Batch(
            Postage(b.postage),
            b.documents,
            b.pages,
            Path(b.pdf_file),
            Path(b.manifest_file),
            b.pdf_sha256,
        )
        for b in conn.execute(
            select(pb).where(pb.c.council_id == council_id, pb.c.print_date == on).order_by(pb.c.id)
        )
    ]


@dataclass(frozen=True, slots=True)
class _Ready:
    """A document for a batch: what its manifest line and its place in the PDF need."""

    id: int
    letter: str
    postage: str
    pages: int
    reference: str
    address: str | None
    postcode: str | None
    font_set: str


def _ready(conn: Connection, council_id: int, on: date, also: Sequence[int]) -> list[_Ready]:
    """The produced documents not yet in a batch (and the documents ``also``, being made),
    in the batches' order: by postage, then postcode, then id."""
    d, a, p, f = t.documents, t.accounts, t.properties, t.document_files
    produced = and_(
        d.c.status == DocumentStatus.PRODUCED.value,
        d.c.produced_on <= on,
        d.c.batch_id.is_(None),
    )
    rows = conn.execute(
        select(
            d.c.id,
            d.c.letter,
            d.c.postage,
            d.c.pages,
            a.c.reference,
            p.c.address,
            p.c.postcode,
            f.c.font_set,
        )
        .join(a, a.c.id == d.c.account_id)
        .outerjoin(f, f.c.document_id == d.c.id)
        .outerjoin(p, p.c.id == a.c.property_id)
        .where(
            a.c.council_id == council_id,
            or_(and_(produced, f.c.document_id.is_not(None)), d.c.id.in_(also)),
        )
        .order_by(p.c.postcode, d.c.id)
    )
    return [_Ready(*r) for r in rows]


def _by_postage(rows: list[_Ready]) -> list[tuple[str, list[_Ready]]]:
    by_postage: dict[str, list[_Ready]] = {}
    for r in rows:
        by_postage.setdefault(r.postage, []).append(r)
    return sorted(by_postage.items())


def _write_batch(
    out: Path,
    council_code: str,
    on: date,
    postage: str,
    docs: list[_Ready],
    names: dict[int, str],
    streams: Callable[[list[int]], Iterator[bytes]],
    fonts: Callable[[str], bytes],
) -> PlannedBatch:
    """Write one postage class's batch PDF and manifest."""
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{council_code}-{on.isoformat()}-{postage}"
    pdf_path, manifest_path = out / f"{stem}.pdf", out / f"{stem}-manifest.csv"
    font_sets = {r.font_set for r in docs}
    if len(font_sets) > 1:
        raise DomainError(
            f"the {postage} class letters for {on.isoformat()} were rendered with "
            f"{len(font_sets)} different font sets; produce them again with one version"
        )
    with pdf_path.open("wb") as file:
        pdf_sha = write_pdf(file, streams([r.id for r in docs]), fonts(font_sets.pop()))
    manifest = _manifest(docs, names)
    manifest_path.write_text(manifest, encoding="utf-8", newline="")
    return PlannedBatch(
        Postage(postage),
        tuple(r.id for r in docs),
        sum(r.pages for r in docs),
        pdf_path,
        manifest_path,
        pdf_sha,
        hashlib.sha256(manifest.encode()).hexdigest(),
    )


def _record_batch(
    conn: Connection, council_id: int, on: date, planned: PlannedBatch, made_at: datetime
) -> Batch:
    pb, d = t.print_batches, t.documents
    batch_id = conn.execute(
        pb.insert()
        .values(
            council_id=council_id,
            print_date=on,
            postage=planned.postage.value,
            documents=len(planned.document_ids),
            pages=planned.pages,
            pdf_file=str(planned.pdf_file),
            manifest_file=str(planned.manifest_file),
            pdf_sha256=planned.pdf_sha256,
            manifest_sha256=planned.manifest_sha256,
            made_at=made_at,
        )
        .returning(pb.c.id)
    ).scalar_one()
    conn.execute(
        update(d)
        .where(d.c.id == bindparam("i"))
        .values(status=DocumentStatus.SENT.value, batch_id=batch_id),
        [{"i": i} for i in planned.document_ids],
    )
    return Batch(
        planned.postage,
        len(planned.document_ids),
        planned.pages,
        planned.pdf_file,
        planned.manifest_file,
        planned.pdf_sha256,
    )


def _fonts(conn: Connection) -> Callable[[str], bytes]:
    """The font objects of a set: stored, or (not stored yet) the set this version renders."""

    def fonts(sha: str) -> bytes:
        current, packed = font_set()
        if sha == current:
            return packed
        return fonts_of(conn, sha)

    return fonts


def _streams(conn: Connection, ids: list[int]) -> Iterator[bytes]:
    """The documents' page streams in the given order, read a chunk at a time."""
    for chunk in chunked(ids, 2000):
        found = _packed(conn, chunk)
        for i in chunk:
            yield from unpack(found[i])


def _packed(conn: Connection, ids: list[int]) -> dict[int, bytes]:
    """The documents' stored pages, packed."""
    f = t.document_files
    found: dict[int, bytes] = {}
    for chunk in chunked(ids, 2000):
        rows = conn.execute(select(f.c.document_id, f.c.pages).where(f.c.document_id.in_(chunk)))
        found.update((i, bytes(pages)) for i, pages in rows)
    return found


def _paid(conn: Connection, council_id: int) -> list[int]:
    """Produced notices, not yet printed, about a year that is now paid."""
    d, a, e, po = t.documents, t.accounts, t.recovery_events, t.postings
    paid_year = (
        select(func.coalesce(func.sum(po.c.amount_pence), 0))
        .where(po.c.account_id == e.c.account_id, po.c.financial_year == e.c.financial_year)
        .scalar_subquery()
    )
    return list(
        conn.execute(
            select(d.c.id)
            .join(a, a.c.id == d.c.account_id)
            .join(e, e.c.id == d.c.event_id)
            .where(
                a.c.council_id == council_id,
                d.c.status == DocumentStatus.PRODUCED.value,
                d.c.batch_id.is_(None),
                e.c.action.in_([x.value for x in DEMANDING if isinstance(x, Action)]),
                paid_year <= 0,
            )
        ).scalars()
    )


def _cancel(conn: Connection, ids: list[int], on: date) -> int:
    """Cancel these notices, with the reason."""
    d = t.documents
    for chunk in chunked(ids):
        conn.execute(
            update(d)
            .where(d.c.id.in_(chunk))
            .values(
                status=DocumentStatus.CANCELLED.value,
                cancelled_reason=f"the year was paid before printing on {on.isoformat()}",
            )
        )
    return len(ids)


def _names(conn: Connection, document_ids: set[int]) -> dict[int, str]:
    d, ap, pa = t.documents, t.account_parties, t.parties
    found: dict[int, list[str]] = {}
    for chunk in chunked(sorted(document_ids)):
        rows = conn.execute(
            select(d.c.id, pa.c.name)
            .join(ap, ap.c.account_id == d.c.account_id)
            .join(pa, pa.c.id == ap.c.party_id)
            .where(d.c.id.in_(chunk))
            .order_by(d.c.id, pa.c.id)
        )
        for row in rows:
            found.setdefault(row.id, []).append(row.name)
    return {k: " and ".join(v) for k, v in found.items()}


def _manifest(docs: list[Any], names: dict[int, str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for r in docs:
        lines = list(split_address(r.address or ""))[:5]
        lines += [""] * (5 - len(lines))
        writer.writerow(
            [
                r.id,
                r.reference,
                names.get(r.id, ""),
                *lines,
                r.postcode,
                r.pages,
                r.postage,
                r.letter,
            ]
        )
    return buffer.getvalue()
