"""Builders with keyword defaults, so a test states only what matters to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from reclaim.calendar import Country
from reclaim.services import councils
from reclaim.store.unit_of_work import UnitOfWork

TODAY = date(2026, 6, 12)
NOW = datetime(2026, 6, 12, 9, 30, tzinfo=UTC)

ACCOUNT_HEADER = (
    "council,kind,reference,party_name,party_type,date_of_birth,address,postcode,uprn,band,"
    "rateable_value,start_date,end_date,payment_method,instalment_day,instalments,amount,"
    "due_date,description"
)


def add_council(engine: Engine, code: str = "TESTBURY", country: Country = Country.ENGLAND) -> None:
    with UnitOfWork(engine) as uow:
        councils.add(uow.connection, code, f"{code.title()} Council", country)
        uow.commit()


def account_line(
    *,
    council: str = "TESTBURY",
    kind: str = "sundry_debt",
    reference: str = "SD-1",
    party_name: str = "Alex Example",
    party_type: str = "person",
    date_of_birth: str = "1970-05-05",
    address: str = "",
    postcode: str = "",
    uprn: str = "",
    band: str = "",
    rateable_value: str = "",
    start_date: str = "2026-04-01",
    end_date: str = "",
    payment_method: str = "other",
    instalment_day: str = "",
    instalments: str = "",
    amount: str = "100.00",
    due_date: str = "2026-05-01",
    description: str = "Test invoice",
) -> str:
    cells = [
        council,
        kind,
        reference,
        party_name,
        party_type,
        date_of_birth,
        address,
        postcode,
        uprn,
        band,
        rateable_value,
        start_date,
        end_date,
        payment_method,
        instalment_day,
        instalments,
        amount,
        due_date,
        description,
    ]
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


def council_tax_line(reference: str = "CT-1", **overrides: str) -> str:
    values = {
        "kind": "council_tax",
        "reference": reference,
        "address": "1 Test Street",
        "postcode": "TE1 1ST",
        "band": "C",
        "amount": "",
        "due_date": "",
        "description": "",
    } | overrides
    return account_line(**values)


def write_csv(path: Path, header: str, lines: Sequence[str]) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def payment_line(
    reference: str = "SD-1",
    amount: str = "10.00",
    *,
    day: str = "2026-06-01",
    channel: str = "card",
    external_id: str = "TX-1",
) -> str:
    return f"{day},{reference},{amount},{channel},{external_id}"


PAYMENT_HEADER = "date,reference,amount,channel,external_id"
