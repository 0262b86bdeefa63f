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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from reclaim.domain.errors import DomainError
from reclaim.domain.letters.content import DocumentStatus, Postage, split_address
from reclaim.domain.recovery.engine import Action
from reclaim.services.letters import DEMANDING, ProduceReport, fonts_of, produce_documents
from reclaim.services.letters_pdf import unpack, write_pdf
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
    pb = t.print_batches
    existing = conn.execute(
        select(pb).where(pb.c.council_id == stored.id, pb.c.print_date == on).order_by(pb.c.id)
    ).all()
    if existing:
        report.already_made = True
        report.batches = [
            Batch(
                Postage(b.postage),
                b.documents,
                b.pages,
                Path(b.pdf_file),
                Path(b.manifest_file),
                b.pdf_sha256,
            )
            for b in existing
        ]
        return report
    report.produced = produce_documents(conn, council_code, on)
    report.cancelled = _cancel_paid(conn, stored.id, on)
    d, a, p = t.documents, t.accounts, t.properties
    rows = conn.execute(
        select(
            d.c.id,
            d.c.letter,
            d.c.postage,
            d.c.pages,
            a.c.reference,
            p.c.address,
            p.c.postcode,
            t.document_files.c.font_set,
        )
        .join(a, a.c.id == d.c.account_id)
        .join(t.document_files, t.document_files.c.document_id == d.c.id)
        .outerjoin(p, p.c.id == a.c.property_id)
        .where(
            a.c.council_id == stored.id,
            d.c.status == DocumentStatus.PRODUCED.value,
            d.c.produced_on <= on,
            d.c.batch_id.is_(None),
        )
        .order_by(d.c.postage, p.c.postcode, d.c.id)
    ).all()
    if not rows:
        return report
    names = _names(conn, {r.id for r in rows})
    out.mkdir(parents=True, exist_ok=True)
    by_postage: dict[str, list[Any]] = {}
    for r in rows:
        by_postage.setdefault(r.postage, []).append(r)
    for postage, docs in sorted(by_postage.items()):
        stem = f"{council_code}-{on.isoformat()}-{postage}"
        pdf_path, manifest_path = out / f"{stem}.pdf", out / f"{stem}-manifest.csv"
        font_sets = {r.font_set for r in docs}
        if len(font_sets) > 1:
            raise DomainError(
                f"the {postage} class letters for {on.isoformat()} were rendered with "
                f"{len(font_sets)} different font sets; produce them again with one version"
            )
        with pdf_path.open("wb") as file:
            pdf_sha = write_pdf(
                file, _streams(conn, [r.id for r in docs]), fonts_of(conn, font_sets.pop())
            )
        manifest = _manifest(docs, names)
        manifest_path.write_text(manifest, encoding="utf-8", newline="")
        pages = sum(r.pages for r in docs)
        batch_id = conn.execute(
            pb.insert()
            .values(
                council_id=stored.id,
                print_date=on,
                postage=postage,
                documents=len(docs),
                pages=pages,
                pdf_file=str(pdf_path),
                manifest_file=str(manifest_path),
                pdf_sha256=pdf_sha,
                manifest_sha256=hashlib.sha256(manifest.encode()).hexdigest(),
                made_at=made_at,
            )
            .returning(pb.c.id)
        ).scalar_one()
        conn.execute(
            update(d)
            .where(d.c.id == bindparam("i"))
            .values(status=DocumentStatus.SENT.value, batch_id=batch_id),
            [{"i": r.id} for r in docs],
        )
        report.batches.append(
            Batch(Postage(postage), len(docs), pages, pdf_path, manifest_path, pdf_sha)
        )
    return report


def _streams(conn: Connection, ids: list[int]) -> Iterator[bytes]:
    """The documents' page streams in the given order, read a chunk at a time."""
    f = t.document_files
    for chunk in chunked(ids, 2000):
        found = dict(
            conn.execute(select(f.c.document_id, f.c.pages).where(f.c.document_id.in_(chunk))).all()
        )
        for i in chunk:
            yield from unpack(bytes(found[i]))


def _cancel_paid(conn: Connection, council_id: int, on: date) -> int:
    """Produced notices about a year that is now paid: cancelled, with the reason."""
    d, a, e, po = t.documents, t.accounts, t.recovery_events, t.postings
    paid_year = (
        select(func.coalesce(func.sum(po.c.amount_pence), 0))
        .where(po.c.account_id == e.c.account_id, po.c.financial_year == e.c.financial_year)
        .scalar_subquery()
    )
    ids = (
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
        )
        .scalars()
        .all()
    )
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
