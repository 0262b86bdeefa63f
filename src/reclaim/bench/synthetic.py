"""Synthetic input files for the benchmark: deterministic, realistic in shape, fast to make.

The account file mixes kinds roughly as a district council's are: mostly council tax, some
business rates, some sundry debts with invoices (so payments have charges to meet).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

BANDS = "AAAAAABBBBBCCCCCCDDDDEEEFG"  # roughly England's spread of dwellings
STREETS = (
    "High Street",
    "Church Lane",
    "Mill Road",
    "Station Road",
    "Park Avenue",
    "Victoria Road",
)
FIRST = ("Alex", "Sam", "Jo", "Chris", "Pat", "Lee", "Morgan", "Ruth", "Imran", "Mei")
LAST = ("Smith", "Jones", "Taylor", "Brown", "Khan", "Williams", "Patel", "Evans", "Wilson", "Lee")

HEADER = (
    "council,kind,reference,party_name,party_type,date_of_birth,address,postcode,uprn,band,"
    "rateable_value,start_date,end_date,payment_method,instalment_day,instalments,amount,"
    "due_date,description\n"
)


def reference(n: int) -> str:
    return f"A{n:09d}"


def write_accounts(path: Path, count: int, council: str = "BENCH", seed: int = 1) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(1, count + 1):
            street = STREETS[n % len(STREETS)]
            address = f"{n} {street}"
            postcode = f"BN{n % 90 + 1} {n % 9 + 1}{'ABDEFGHJ'[n % 8]}{'LNPQRSTU'[(n // 8) % 8]}"
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 60 * 365))
            roll = rng.random()
            if roll < 0.90:
                day = rng.choice(("1", "5", "15", "24", "last"))
                line = (
                    f"{council},council_tax,{reference(n)},{name},person,{born.isoformat()},"
                    f"{address},{postcode},{n:012d},{rng.choice(BANDS)},,2026-04-01,,"
                    f"direct_debit,{day},10,,,\n"
                )
            elif roll < 0.95:
                rv = rng.randrange(2_000, 200_000)
                line = (
                    f"{council},business_rates,{reference(n)},{name} Ltd,organisation,,"
                    f"Unit {address},{postcode},{n:012d},,{rv}.00,2026-04-01,,bank_transfer,,10,,,\n"
                )
            else:
                pence = rng.randrange(2_000, 250_000)
                line = (
                    f"{council},sundry_debt,{reference(n)},{name},person,{born.isoformat()},,,,,,"
                    f"2026-04-01,,card,,3,{pence // 100}.{pence % 100:02d},2026-05-01,"
                    "Commercial waste\n"
                )
            out.write(line)
    return path


def write_payments(path: Path, count: int, accounts: int, seed: int = 2) -> Path:
    """Payments to random accounts; about 1 in 100 has a mistyped reference (suspense)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write("date,reference,amount,channel,external_id\n")
        for n in range(1, count + 1):
            target = rng.randrange(1, accounts + 1)
            ref = reference(target) if rng.random() > 0.01 else f"X{target:08d}"
            pence = rng.randrange(500, 30_000)
            day = date(2026, 4, 1) + timedelta(days=rng.randrange(0, 60))
            channel = rng.choice(("direct_debit", "card", "bank_transfer", "paypoint"))
            out.write(
                f"{day.isoformat()},{ref},{pence // 100}.{pence % 100:02d},{channel},BENCH-{n:09d}\n"
            )
    return path
