"""``reclaim import payments FILE.csv``: the daily payment file from a bank or channel.

Columns (header row, any order): ``date, reference, amount, channel, external_id``.
The reference is an account's reference, or a customer's (party) reference; anything else
goes to suspense. Every problem is listed with its line and field and then nothing is posted.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Connection

from reclaim.domain.accounts import PaymentMethod
from reclaim.domain.errors import DomainError, InputRefused, Problem
from reclaim.domain.payments import Payment
from reclaim.imports.csv_files import FieldError, Row, parse_date, parse_money, read_csv
from reclaim.imports.history import ImportOutcome, already_imported, record_import
from reclaim.services.payments import IncomingPayment, post_payments

COLUMNS = ("date", "reference", "amount", "channel", "external_id")


def import_payments(
    conn: Connection,
    path: Path,
    *,
    today: date,
    now: datetime,
    council_code: str | None = None,
) -> ImportOutcome:
    file = read_csv(path, COLUMNS)
    earlier = already_imported(conn, "payments", file)
    if earlier is not None:
        return earlier
    index = {name: i for i, name in enumerate(file.header)}
    incoming: list[IncomingPayment] = []
    problems: list[Problem] = []
    for line, cells in file.rows():
        row = Row(file, index, line, cells)
        row.check_width()
        payment = _payment(row, today)
        if payment is not None:
            incoming.append(IncomingPayment(payment, line))
        problems.extend(row.problems)
    if not incoming and not problems:
        problems.append(Problem("the file has a header but no payments", file=file.name, line=2))
    if problems:
        raise InputRefused(problems)
    import_id = record_import(conn, "payments", file, len(incoming), now)
    summary = post_payments(
        conn,
        incoming,
        today=today,
        received_at=now,
        council_code=council_code,
        import_id=import_id,
        file_name=file.name,
    )
    return ImportOutcome("imported", import_id, file.name, len(incoming), now, summary)


def _payment(row: Row, today: date) -> Payment | None:
    values = {}
    for name in COLUMNS:
        if not row.text(name):
            row.problem(name, f"{name} is required")
    try:
        values["date"] = parse_date(row.text("date")) if row.text("date") else None
        if values["date"] is not None and values["date"] > today:
            row.problem(
                "date",
                f"{values['date']} is in the future; a payment cannot be dated after today ({today})",
            )
    except FieldError as error:
        row.problem("date", str(error))
    amount = None
    if row.text("amount"):
        try:
            amount = parse_money(row.text("amount"))
        except FieldError as error:
            row.problem("amount", str(error))
    channel = None
    if row.text("channel"):
        try:
            channel = PaymentMethod(row.text("channel").lower())
        except ValueError:
            row.problem(
                "channel",
                f"'{row.text('channel')}' is not a payment channel; use one of: {', '.join(PaymentMethod)}",
            )
    if len(row.text("external_id")) > 80:
        row.problem("external_id", "an external id is at most 80 characters")
    if len(row.text("reference")) > 40:
        row.problem("reference", "a reference is at most 40 characters")
    if row.problems or amount is None or channel is None or values.get("date") is None:
        return None
    try:
        return Payment(
            values["date"], row.text("reference"), amount, channel, row.text("external_id")
        )  # type: ignore[arg-type]
    except DomainError as error:
        row.problem("amount", str(error))
        return None
