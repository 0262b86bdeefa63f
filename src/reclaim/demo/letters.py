"""The demo council's letters: its letterhead, and each working day's print run.

The demo posts what a council posts: the annual bills on the day they are issued, and each
working day the letters that day's recovery run, court list, holds and Breathing Spaces call
for — rendered to PDF, stored, and collected into that day's print batches (one PDF per
postage class and a manifest for the hybrid-mail supplier) in the demo's letters folder.
The daily letters are made in the print room, on the second core (``demo/print_room.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Connection

from reclaim.demo.behaviour import DemoSettings
from reclaim.domain.letters.content import Letterhead
from reclaim.services.letter_data import set_letterhead
from reclaim.services.letters_print import PrintReport, PrintWork, apply_print, print_batches


def set_demo_letterhead(conn: Connection, settings: DemoSettings, on: date) -> None:
    """The demo council's branding and contact details (telephone numbers from Ofcom's range
    for drama, addresses on the reserved ``example`` domain)."""
    town = settings.name.split()[0]
    slug = town.lower()
    set_letterhead(
        conn,
        settings.code,
        Letterhead(
            council_name=settings.name,
            address=("Revenues Service", "Civic Centre", "Market Square", town, "DM1 1AA"),
            phone="01632 960000",
            email=f"revenues@{slug}.example",
            website=f"www.{slug}.example",
            how_to_pay=(
                f"Online at www.{slug}.example/pay, 24 hours a day.",
                "By phone on 01632 960001 with a debit or credit card (automated).",
                f"By Direct Debit: the easiest way. Set one up at www.{slug}.example/directdebit.",
                "At any Post Office or PayPoint, with the barcode on your bill.",
            ),
            opening_hours="Monday to Friday, 9am to 5pm",
            signatory="Revenues Manager",
        ),
        on,
    )


@dataclass(slots=True)
class LetterTally:
    letters: int = 0
    pages: int = 0
    batches: int = 0
    cancelled: int = 0  # paid after they were written, before the day's print run


def print_day(
    conn: Connection, council_code: str, day: date, out: Path, made_at: datetime, tally: LetterTally
) -> None:
    """Produce the day's letters and collect them into the day's print batches."""
    _count(print_batches(conn, council_code, day, out, made_at), tally)


def record_print(conn: Connection, work: PrintWork, made_at: datetime, tally: LetterTally) -> None:
    """Record a day's print run planned in the print room (``demo/print_room.py``)."""
    _count(apply_print(conn, work, made_at), tally)


def _count(report: PrintReport, tally: LetterTally) -> None:
    for batch in report.batches:
        tally.letters += batch.documents
        tally.pages += batch.pages
        tally.batches += 1
    tally.cancelled += report.cancelled
