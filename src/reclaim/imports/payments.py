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


_CHANNELS = {m.value: m for m in PaymentMethod}


def _payment(row: Row, today: date) -> Payment | None:
    day_text, reference, amount_text, channel_text, external_id = row.texts(COLUMNS)
    for name, value in zip(
        COLUMNS, (day_text, reference, amount_text, channel_text, external_id), strict=True
    ):
        if not value:
            row.problem(name, f"{name} is required")
    paid_on = amount = channel = None
    if day_text:
        try:
            paid_on = parse_date(day_text)
        except FieldError as error:
            row.problem("date", str(error))
        if paid_on is not None and paid_on > today:
            row.problem(
                "date",
                f"{paid_on} is in the future; a payment cannot be dated after today ({today})",
            )
    if amount_text:
        try:
            amount = parse_money(amount_text)
        except FieldError as error:
            row.problem("amount", str(error))
    if channel_text:
        channel = _CHANNELS.get(channel_text.lower())
        if channel is None:
            row.problem(
                "channel",
                f"'{channel_text}' is not a payment channel; use one of: {', '.join(PaymentMethod)}",
            )
    if len(external_id) > 80:
        row.problem("external_id", "an external id is at most 80 characters")
    if len(reference) > 40:
        row.problem("reference", "a reference is at most 40 characters")
    if row.problems or paid_on is None or amount is None or channel is None:
        return None
    try:
        return Payment(paid_on, reference, amount, channel, external_id)
    except DomainError as error:
        row.problem("amount", str(error))
        return None
