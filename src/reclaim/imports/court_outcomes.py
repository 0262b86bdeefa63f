"""``reclaim court outcomes FILE.csv``: what the magistrates' court decided at a hearing.

Columns (header row, any order): ``account, outcome, date`` and, for an adjourned hearing,
``new_hearing_date``. ``outcome`` is ``granted`` (the liability order was made),
``withdrawn`` or ``adjourned``; ``date`` is the day of the decision (not after today).

Read in three steps, as every import is: parse each line (its fields), match it (the account
exists and has a summons awaiting a hearing; see ``services.court.match_outcomes``), then
record. Every problem of every line is listed with its file, line and field, and if there is
any, nothing is recorded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Connection

from reclaim.domain.errors import InputRefused, Problem
from reclaim.domain.recovery.court import HearingOutcome
from reclaim.imports.csv_files import FieldError, Row, choice, choices_of, parse_date, read_csv
from reclaim.services.court import (
    MatchedOutcome,
    OutcomeLine,
    OutcomesRecorded,
    match_outcomes,
    record_outcomes,
)

COLUMNS = ("account", "outcome", "date")
OPTIONAL = ("new_hearing_date",)
_OUTCOMES = choices_of(HearingOutcome)


def read_outcomes(
    conn: Connection, path: Path, *, today: date, council_code: str | None = None
) -> list[MatchedOutcome]:
    """Every line parsed and matched; InputRefused listing every problem if any line is bad."""
    file = read_csv(path, COLUMNS, OPTIONAL)
    index = {name: i for i, name in enumerate(file.header)}
    lines: list[OutcomeLine] = []
    problems: list[Problem] = []
    for number, cells in file.rows():
        row = Row(file, index, number, cells)
        row.check_width()
        parsed = _parse(row, today)
        problems.extend(row.problems)
        if parsed is not None:
            lines.append(parsed)
    if not lines and not problems:
        raise InputRefused(
            [Problem("the file has a header but no outcomes", file=file.name, line=2)]
        )
    matched, more = match_outcomes(conn, lines, council_code=council_code)
    problems.extend(more)
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.field or ""))
        raise InputRefused(
            problems, f"{file.name}: {len(problems)} problem(s); no outcome was recorded"
        )
    return matched


def import_outcomes(
    conn: Connection, path: Path, *, today: date, council_code: str | None = None
) -> OutcomesRecorded:
    """Read, check and record a court outcomes file, all or nothing (caller commits)."""
    matched = read_outcomes(conn, path, today=today, council_code=council_code)
    return record_outcomes(conn, matched, today=today)


def _parse(row: Row, today: date) -> OutcomeLine | None:
    before = len(row.problems)
    account = row.text("account")
    if not account:
        row.problem("account", "the account reference is required")
    outcome: HearingOutcome | None = None
    text = row.text("outcome")
    if not text:
        row.problem("outcome", "the outcome is required: granted, withdrawn or adjourned")
    else:
        try:
            outcome = choice(
                text,
                _OUTCOMES,
                "'{text}' is not an outcome; use one of: " + ", ".join(HearingOutcome),
            )
        except FieldError as error:
            row.problem("outcome", str(error))
    on = _date(row, "date", required=True)
    if on is not None and on > today:
        row.problem("date", f"{on} is in the future; an outcome cannot be dated after {today}")
    new_hearing = _date(row, "new_hearing_date", required=outcome is HearingOutcome.ADJOURNED)
    if new_hearing is not None and outcome is not None:
        if outcome is not HearingOutcome.ADJOURNED:
            row.problem(
                "new_hearing_date", f"only an adjourned hearing has a new date, not {outcome}"
            )
        elif on is not None and new_hearing <= on:
            row.problem(
                "new_hearing_date",
                f"the new hearing date {new_hearing} must be after the adjournment ({on})",
            )
    if len(row.problems) > before or outcome is None or on is None:
        return None
    return OutcomeLine(row.file.name, row.line, account, outcome, on, new_hearing)


def _date(row: Row, name: str, *, required: bool) -> date | None:
    text = row.text(name)
    if not text:
        if required:
            what = (
                "the date of the decision is required"
                if name == "date"
                else "an adjourned hearing needs its new hearing date"
            )
            row.problem(name, what)
        return None
    try:
        return parse_date(text)
    except FieldError as error:
        row.problem(name, str(error))
        return None
