"""The officers' work lists, over the councils a user may see: holds due for review, people
whose vulnerability is due for review, a day's recovery run (who got what and why, from the
run's record) and the summons list. Each is a ``WorkList``: a title, its columns and rows of
text, so the page, the JSON API and the CSV download are one thing shown three ways.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from reclaim.money import Money
from reclaim.services.protections import holds_due
from reclaim.store import tables as t


@dataclass(frozen=True, slots=True)
class WorkList:
    name: str  # used in addresses and file names
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    links: tuple[tuple[str, str], ...]  # per row: (council, account or customer reference)
    link_kind: str  # "account" or "customer": what the first column's reference opens


def holds_due_list(conn: Connection, councils: tuple[str, ...], today: date) -> WorkList:
    rows, links = [], []
    for council in councils:
        for due in holds_due(conn, council, today):
            h = due.hold
            rows.append(
                (
                    due.reference,
                    council,
                    due.name,
                    h.kind.value,
                    h.placed_on.isoformat(),
                    h.review_by.isoformat(),
                    str(due.days_overdue),
                    h.reason,
                )
            )
            links.append((council, due.reference))
    columns = ("Account", "Council", "Name", "Hold", "Placed", "Review by", "Days over", "Reason")
    return WorkList(
        "holds-due", "Holds due for review", columns, tuple(rows), tuple(links), "account"
    )


def vulnerability_reviews(conn: Connection, councils: tuple[str, ...], today: date) -> WorkList:
    v, p, c = t.vulnerabilities, t.parties, t.councils
    found = conn.execute(
        select(p.c.reference, c.c.code, p.c.name, v.c.category, v.c.recorded_on, v.c.review_by)
        .select_from(v.join(p, p.c.id == v.c.party_id).join(c, c.c.id == p.c.council_id))
        .where(c.c.code.in_(councils), v.c.ended_on.is_(None), v.c.review_by <= today)
        .order_by(v.c.review_by, p.c.reference)
    ).all()
    rows = tuple(
        (
            r.reference,
            r.code,
            r.name,
            r.category.replace("_", " "),
            r.recorded_on.isoformat(),
            r.review_by.isoformat(),
        )
        for r in found
    )
    return WorkList(
        "vulnerability-reviews",
        "Vulnerability due for officer review",
        ("Customer", "Council", "Name", "Category", "Recorded", "Review by"),
        rows,
        tuple((r.code, r.reference) for r in found),
        "customer",
    )


def _events(
    conn: Connection, councils: tuple[str, ...], *, day: date | None, action: str | None
) -> list[Any]:
    e, a, c = t.recovery_events, t.accounts, t.councils
    query = (
        select(
            a.c.reference,
            c.c.code,
            e.c.financial_year,
            e.c.event_date,
            e.c.action,
            e.c.stage,
            e.c.amount_pence,
            e.c.hearing_on,
            e.c.reason,
        )
        .select_from(e.join(a, a.c.id == e.c.account_id).join(c, c.c.id == a.c.council_id))
        .where(c.c.code.in_(councils))
        .order_by(e.c.event_date, a.c.reference, e.c.id)
        .limit(5000)
    )
    if day is not None:
        query = query.where(e.c.event_date == day)
    if action is not None:
        query = query.where(e.c.action == action)
    return list(conn.execute(query).all())


def recovery_run_list(conn: Connection, councils: tuple[str, ...], day: date) -> WorkList:
    found = _events(conn, councils, day=day, action=None)
    rows = tuple(
        (
            r.reference,
            r.code,
            f"{r.financial_year}/{(r.financial_year + 1) % 100:02d}",
            r.action.replace("_", " "),
            r.stage,
            Money(r.amount_pence).to_json(),
            r.reason,
        )
        for r in found
    )
    return WorkList(
        "recovery-run",
        f"Recovery run of {day.isoformat()}",
        ("Account", "Council", "Year", "Step", "Stage", "Amount", "Why"),
        rows,
        tuple((r.code, r.reference) for r in found),
        "account",
    )


def summons_list(conn: Connection, councils: tuple[str, ...], today: date) -> WorkList:
    found = [
        r
        for r in _events(conn, councils, day=None, action="summons")
        if r.hearing_on is None or r.hearing_on >= today
    ]
    rows = tuple(
        (
            r.reference,
            r.code,
            r.event_date.isoformat(),
            r.hearing_on.isoformat() if r.hearing_on else "",
            Money(r.amount_pence).to_json(),
            r.reason,
        )
        for r in found
    )
    return WorkList(
        "summons",
        "Summons list: hearings to come",
        ("Account", "Council", "Issued", "Hearing", "Amount", "Why"),
        rows,
        tuple((r.code, r.reference) for r in found),
        "account",
    )


_NUMBER = re.compile(r"-?£?[0-9][0-9,]*(\.[0-9]+)?")


def _safe_cell(cell: str) -> str:
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_text(work: WorkList) -> str:
    """The list as CSV (RFC 4180), with a header row; cells that a spreadsheet would run as a
    formula are prefixed with an apostrophe (OWASP CSV injection)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(work.columns)
    for row in work.rows:
        writer.writerow([_safe_cell(c) for c in row])
    return out.getvalue()
