"""Synthetic input files for the benchmark: deterministic, realistic in shape, fast to make.

The account file mixes kinds roughly as a district council's are: mostly council tax, some
business rates, some sundry debts with invoices (so payments have charges to meet). Council
tax accounts carry what makes real bills differ: about a third a single person discount, one
in eight Council Tax Reduction (each award its own amount), a few exemptions, a tenth in a
parish, a few new dwellings awaiting their band; business rates take small business rate
relief where the rateable value qualifies, some charitable relief.
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
PARISHES = (("Upper Benchley", "38.50"), ("Lower Benchley", "52.10"))
LAST = ("Smith", "Jones", "Taylor", "Brown", "Khan", "Williams", "Patel", "Evans", "Wilson", "Lee")

HEADER = (
    "council,kind,reference,party_name,party_type,date_of_birth,address,postcode,uprn,band,"
    "rateable_value,start_date,end_date,payment_method,instalment_day,instalments,amount,"
    "due_date,description,parish,single_person_discount,exemption_class,council_tax_reduction,"
    "relief\n"
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
                band = "unbanded" if rng.random() < 0.002 else rng.choice(BANDS)
                parish = PARISHES[n % 2][0] if rng.random() < 0.1 else ""
                single = "yes" if rng.random() < 0.33 else ""
                exempt = rng.choice("BCFNW") if rng.random() < 0.01 else ""
                reduction = ""
                if not exempt and rng.random() < 0.12:
                    award = rng.randrange(5_000, 150_000)
                    reduction = f"{award // 100}.{award % 100:02d}"
                line = (
                    f"{council},council_tax,{reference(n)},{name},person,{born.isoformat()},"
                    f"{address},{postcode},{n:012d},{band},,2026-04-01,,"
                    f"direct_debit,{day},10,,,,{parish},{single},{exempt},{reduction},\n"
                )
            elif roll < 0.95:
                rv = rng.randrange(2_000, 200_000)
                relief = "small_business" if rv <= 15_000 else ""
                if rng.random() < 0.05:
                    relief = "charity"
                line = (
                    f"{council},business_rates,{reference(n)},{name} Ltd,organisation,,"
                    f"Unit {address},{postcode},{n:012d},,{rv}.00,2026-04-01,,bank_transfer,,10,"
                    f",,,,,,,{relief}\n"
                )
            else:
                pence = rng.randrange(2_000, 250_000)
                line = (
                    f"{council},sundry_debt,{reference(n)},{name},person,{born.isoformat()},,,,,,"
                    f"2026-04-01,,card,,3,{pence // 100}.{pence % 100:02d},2026-05-01,"
                    "Commercial waste,,,,,\n"
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
