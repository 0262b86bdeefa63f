"""The data letters are made from: the shipped templates and advice block, and each
council's letterhead (set from a TOML file with ``reclaim letters letterhead``)."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, select

from reclaim.domain.errors import DomainError, InputRefused, Problem
from reclaim.domain.letters.content import Letterhead
from reclaim.domain.letters.templates import Advice, Template, load_advice, load_template
from reclaim.store import tables as t
from reclaim.store.repositories import get_council

LETTERS = Path(__file__).resolve().parent.parent / "data" / "letters"
ADVICE_FILE = "advice.toml"


@cache
def templates(folder: Path = LETTERS) -> dict[str, Template]:
    """Every shipped template by its name; a bad file is refused with its problems."""
    found: dict[str, Template] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.name == ADVICE_FILE:
            continue
        template = load_template(path.read_text(encoding="utf-8"), path.name)
        if template.name != path.stem:
            raise DomainError(f"{path.name}: its name {template.name!r} must match the file name")
        found[template.name] = template
    return found


@cache
def advice(folder: Path = LETTERS) -> Advice:
    path = folder / ADVICE_FILE
    return load_advice(path.read_text(encoding="utf-8"), path.name)


_FIELDS = ("council_name", "address", "phone", "email", "website", "how_to_pay")
_OPTIONAL = ("opening_hours", "logo_text")


def parse_letterhead(text: str, file: str) -> Letterhead:
    """A letterhead from TOML (``[letterhead]`` with the council's name as printed, address
    and how_to_pay as lists of lines, phone, email, website; optional opening_hours and
    logo_text), or ``InputRefused`` naming every missing or wrong field."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputRefused([Problem(f"is not valid TOML: {e}", file=file)]) from e
    head: dict[str, Any] = raw.get("letterhead", {})
    problems = [
        Problem(f"unknown key {k!r}", file=file, field=f"letterhead.{k}")
        for k in sorted(set(head) - set(_FIELDS) - set(_OPTIONAL))
    ]
    for key in _FIELDS:
        value = head.get(key)
        lines = key in ("address", "how_to_pay")
        ok = (
            isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)
            if lines
            else isinstance(value, str) and value.strip()
        )
        if not ok:
            what = "a list of lines" if lines else "text"
            problems.append(
                Problem(f"{key} is missing or is not {what}", file=file, field=f"letterhead.{key}")
            )
    if not raw.get("letterhead"):
        problems.insert(0, Problem("needs a [letterhead] section", file=file))
    if problems:
        raise InputRefused(problems, f"the letterhead {file} has {len(problems)} problem(s)")
    return Letterhead(
        council_name=head["council_name"].strip(),
        address=tuple(head["address"]),
        phone=head["phone"].strip(),
        email=head["email"].strip(),
        website=head["website"].strip(),
        how_to_pay=tuple(head["how_to_pay"]),
        opening_hours=str(head.get("opening_hours", "")),
        logo_text=str(head.get("logo_text", "")),
    )


def set_letterhead(conn: Connection, council_code: str, letterhead: Letterhead, on: date) -> None:
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    conn.execute(delete(t.letterheads).where(t.letterheads.c.council_id == stored.id))
    conn.execute(
        t.letterheads.insert().values(
            council_id=stored.id,
            council_name=letterhead.council_name,
            address="\n".join(letterhead.address),
            phone=letterhead.phone,
            email=letterhead.email,
            website=letterhead.website,
            how_to_pay="\n".join(letterhead.how_to_pay),
            opening_hours=letterhead.opening_hours,
            logo_text=letterhead.logo_text,
            set_on=on,
        )
    )


def letterhead_of(conn: Connection, council_id: int, council_code: str) -> Letterhead:
    row = conn.execute(
        select(t.letterheads).where(t.letterheads.c.council_id == council_id)
    ).first()
    if row is None:
        raise DomainError(
            f"council {council_code} has no letterhead yet: set one with "
            f"'reclaim letters letterhead --council {council_code} FILE.toml'"
        )
    return Letterhead(
        council_name=row.council_name,
        address=tuple(row.address.split("\n")),
        phone=row.phone,
        email=row.email,
        website=row.website,
        how_to_pay=tuple(row.how_to_pay.split("\n")),
        opening_hours=row.opening_hours,
        logo_text=row.logo_text,
    )
