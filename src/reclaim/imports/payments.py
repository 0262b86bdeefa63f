"""``reclaim import payments FILE.csv``: the daily payment file from a bank or channel.

Columns (header row, any order): ``date, reference, amount, channel, external_id``.
The reference is an account's reference, or a customer's (party) reference; anything else
goes to suspense. Every problem is listed with its line and field and then nothing is posted.
The file is checked column by column (see ``imports.frames``) and posted as one batch.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Connection

from reclaim.domain.accounts import PaymentMethod
from reclaim.domain.errors import InputRefused, Problem
from reclaim.imports.csv_files import choice, choices_of, parse_date, parse_money, read_csv
from reclaim.imports.frames import Checks, read_frame
from reclaim.imports.history import ImportOutcome, already_imported, record_import
from reclaim.money import Money
from reclaim.services.payments import post_payments

COLUMNS = ("date", "reference", "amount", "channel", "external_id")
_CHANNELS = choices_of(PaymentMethod)


def _channel(text: str) -> str:
    refusal = f"'{{text}}' is not a payment channel; use one of: {', '.join(PaymentMethod)}"
    return str(choice(text, _CHANNELS, refusal).value)


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
    frame, problems = read_frame(file)
    if frame.height == 0 and not problems:
        raise InputRefused(
            [Problem("the file has a header but no payments", file=file.name, line=2)]
        )
    check = Checks(frame, file.name)
    paid_on = check.parse("date", parse_date, pl.Date, required=True)
    amount = check.parse("amount", lambda s: parse_money(s).pence, pl.Int64, required=True)
    channel = check.parse("channel", _channel, pl.String, required=True)
    for name in ("reference", "external_id"):
        check.problem(pl.col(name) == "", name, f"{name} is required")
    check.frame = frame.with_columns(paid_on.alias("paid_on"), amount.alias("pence"))
    check.problem(
        pl.col("paid_on") > today,
        "date",
        pl.format(
            "{} is in the future; a payment cannot be dated after today ({})",
            pl.col("paid_on"),
            pl.lit(today.isoformat()),
        ),
    )
    check.problem(
        pl.col("pence") <= 0,
        "amount",
        pl.format(
            "a payment must be more than £0.00, not {}; a returned or bounced payment is "
            "recorded as a reversal of the original",
            pl.col("pence").map_elements(lambda p: Money(p).format(), return_dtype=pl.String),
        ),
    )
    check.problem(
        pl.col("external_id").str.len_chars() > 80,
        "external_id",
        "an external id is at most 80 characters",
    )
    check.problem(
        pl.col("reference").str.len_chars() > 40,
        "reference",
        "a reference is at most 40 characters",
    )
    problems = check.problems(problems)
    if problems:
        raise InputRefused(problems)
    payments = frame.select(
        "line",
        paid_on.alias("payment_date"),
        "reference",
        amount.alias("amount_pence"),
        channel.alias("channel"),
        "external_id",
    )
    import_id = record_import(conn, "payments", file, payments.height, now)
    summary = post_payments(
        conn,
        payments,
        today=today,
        received_at=now,
        council_code=council_code,
        import_id=import_id,
        file_name=file.name,
    )
    return ImportOutcome("imported", import_id, file.name, payments.height, now, summary)
