"""What a letter says, ready to lay out: who it is from, who it is to, and its blocks.

A ``Letter`` is plain data. The renderer places it on the page (the address in the window,
the council's details top right, the body below); it decides nothing about what is said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from reclaim.money import Money


class Postage(StrEnum):
    """GOV.UK Notify's postage classes for letters (research/formats-integrations.md §3.1)."""

    FIRST = "first"
    SECOND = "second"
    ECONOMY = "economy"


class DocumentStatus(StrEnum):
    """A document's lifecycle: queued -> produced -> sent, or cancelled before it is sent."""

    QUEUED = "queued"
    PRODUCED = "produced"
    SENT = "sent"
    CANCELLED = "cancelled"


class Style(StrEnum):
    """How a document is set: the standard letter, or large print (16 point) on request."""

    STANDARD = "standard"
    LARGE_PRINT = "large_print"


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    TABLE = "table"  # rows of (what, amount or date), the right column aligned right
    BOX = "box"  # a boxed paragraph: the one thing to do, or the statutory warning


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str = ""
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Letterhead:
    """A council's branding and contact details, as data (set per council)."""

    council_name: str
    address: tuple[str, ...]  # the council's postal address, one line each
    phone: str
    email: str
    website: str
    how_to_pay: tuple[str, ...]  # one line per way to pay
    opening_hours: str = ""
    signatory: str = ""  # e.g. "Revenues Manager"
    logo_text: str = ""  # a word mark printed in the logo area (defaults to the name)


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    address: tuple[str, ...]  # lines without the postcode
    postcode: str

    def lines(self) -> tuple[str, ...]:
        """The address block: name, lines, postcode (at most 7 lines, as Notify allows)."""
        lines = (self.name, *self.address, self.postcode)
        if len(lines) > 7:
            lines = (*lines[:6], lines[-1])
        return lines


@dataclass(frozen=True, slots=True)
class Letter:
    template: str
    version: int
    title: str
    issued_on: date
    reference: str
    letterhead: Letterhead
    recipient: Recipient
    blocks: tuple[Block, ...]
    postage: Postage = Postage.SECOND
    style: Style = Style.STANDARD
    title_cy: str = ""  # the Welsh title, printed above the English one when present
    references: tuple[tuple[str, str], ...] = field(default=())  # extra (label, value) lines


def money_words(amount: Money) -> str:
    return amount.format()


def date_words(day: date) -> str:
    """A date as a letter says it: 'Tuesday 12 May 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


WELSH_DAYS = (
    "Dydd Llun",
    "Dydd Mawrth",
    "Dydd Mercher",
    "Dydd Iau",
    "Dydd Gwener",
    "Dydd Sadwrn",
    "Dydd Sul",
)
WELSH_MONTHS = (
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
)


def date_words_cy(day: date) -> str:
    """A date as a Welsh letter says it: 'Dydd Mawrth 26 Mai 2026'."""
    return f"{WELSH_DAYS[day.weekday()]} {day.day} {WELSH_MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def split_address(address: str) -> tuple[str, ...]:
    """A stored address ('Flat 3, 4 Mill Lane, Example Town') as the lines of a letter."""
    return tuple(part.strip() for part in address.replace("\n", ",").split(",") if part.strip())
