"""Synthetic input files for the benchmark: the demo council's population, at any size.

The accounts are made by the demo's generator (``reclaim.demo.population``) from the shipped
behaviour mix, so they look and pay as the demo council's do: bands as English dwellings are,
single person discounts, Council Tax Reduction (each award its own amount), exemptions,
parishes, a few unbanded new builds, business premises with small business and charitable
relief — and 5% sundry invoices, so payments have charges of every kind to meet.

Payments come in two files. The payments *to date* are what each account paid from April to
the benchmark's day by its behaviour: most pay every instalment, some miss one, a minority
stop or never start, a few pay the year in one sum. The *day's* file is one day's takings
(at most the size, 100,000 by default) spread over the accounts, with 1 in 100 quoting a
mistyped reference (it goes to suspense).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from reclaim.calendar import FinancialYear, InstalmentDay, add_months
from reclaim.demo.behaviour import Behaviour, load_settings
from reclaim.demo.population import DemoAccount, generate
from reclaim.demo.population import write_accounts as write_population
from reclaim.money import Money

SETTINGS = load_settings()
YEAR = FinancialYear(2026)
COUNCIL = "BENCH"
SUNDRY_SHARE = 0.05
NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18}
HIGHEST_MULTIPLIER = 508  # pence per £1,000 of rateable value: 50.8p, the highest for 2026/27
MARGIN = 1_000  # payers round up: an instalment paid a little over is a credit, not an arrear


def population(count: int, seed: int = 1) -> Iterator[DemoAccount]:
    return generate(SETTINGS, seed=seed, year=YEAR, accounts=count, sundry_share=SUNDRY_SHARE)


def write_accounts(path: Path, count: int, seed: int = 1) -> Path:
    return write_population(path, population(count, seed), COUNCIL, YEAR)


def _yearly_pence(a: DemoAccount) -> int:
    """Roughly what the account is billed for the year (its payments are made before the bill
    is worked out, so they follow an estimate; any difference is a credit or an arrear)."""
    if a.kind == "sundry_debt":
        return a.invoice_pence
    if a.kind == "business_rates":
        full = a.rateable_value * HIGHEST_MULTIPLIER // 10
        if a.relief == "charity":
            return full // 5
        return 0 if a.relief == "small_business" and a.rateable_value <= 12_000 else full
    if a.band not in NINTHS or a.exemption:
        return 0
    band_d = SETTINGS.band_d.pence + dict(SETTINGS.parishes).get(a.parish, Money.zero()).pence
    charge = -(-band_d * NINTHS[a.band] // 9)
    if a.single:
        charge = charge * 3 // 4
    return max(charge - a.reduction_pence, 0)


def _due_dates(a: DemoAccount) -> list[date]:
    day = InstalmentDay.parse(a.day or "1")
    return [
        day.in_month(month.year, month.month)
        for month in (add_months(YEAR.start, i) for i in range(a.instalments))
    ]


def payments_to_date(a: DemoAccount, until: date, rng: random.Random) -> list[tuple[date, int]]:
    """What the account paid from the start of the year to ``until``, as its behaviour pays."""
    yearly = _yearly_pence(a)
    if yearly == 0:
        return []
    if a.kind == "sundry_debt":
        paid = a.behaviour is not Behaviour.PERSISTENT_NON_PAYER and rng.random() < 0.6
        return [(YEAR.start + timedelta(days=rng.randrange(30, 60)), yearly)] if paid else []
    dues = [d for d in _due_dates(a) if d <= until]
    part = -(-yearly // a.instalments) + MARGIN
    match a.behaviour:
        case Behaviour.PAYS_IN_FULL:
            return [(dues[0], yearly + MARGIN)] if dues else []
        case Behaviour.PAYS_ON_TIME:
            return [(d, part) for d in dues]
        case Behaviour.LATE_AFTER_REMINDER:
            return [(d, part) for d in dues if rng.random() < 0.7]
        case Behaviour.PAYS_AFTER_SUMMONS:
            return [(d, part) for d in dues[: rng.randrange(1, 5)]]
        case _:
            return [(d, part) for d in dues[: rng.randrange(0, 2)]]


def write_payments_to_date(
    work: Path, count: int, until: date, seed: int = 3
) -> list[Path]:  # fmt: skip
    """The payments made so far this year, a file a month (as a council's monthly batches)."""
    rng = random.Random(seed)
    files: dict[tuple[int, int], list[str]] = {}
    n = 0
    for a in population(count):
        for day, pence in payments_to_date(a, until, rng):
            n += 1
            method = "card" if a.kind == "sundry_debt" else a.method
            files.setdefault((day.year, day.month), []).append(
                f"{day.isoformat()},{a.reference},{pence // 100}.{pence % 100:02d},{method},"
                f"PAID-{n:010d}\n"
            )
    paths = []
    for (year, month), lines in sorted(files.items()):
        path = work / f"payments-to-date-{count}-{year}-{month:02d}.csv"
        with path.open("w", encoding="utf-8") as out:
            out.write("date,reference,amount,channel,external_id\n")
            out.writelines(lines)
        paths.append(path)
    return paths


def write_payments(path: Path, count: int, accounts: int, on: date, seed: int = 2) -> Path:
    """One day's takings: ``count`` payments to accounts spread over the population, about
    an instalment each; about 1 in 100 has a mistyped reference (suspense)."""
    rng = random.Random(seed)
    step = max(accounts // max(count, 1), 1)
    with path.open("w", encoding="utf-8") as out:
        out.write("date,reference,amount,channel,external_id\n")
        written = 0
        for i, a in enumerate(population(accounts)):
            if i % step or written >= count:
                continue
            written += 1
            ref = a.reference if rng.random() > 0.01 else f"X{a.reference[1:]}9"
            pence = max(_yearly_pence(a) // a.instalments, rng.randrange(500, 30_000))
            channel = rng.choice(("direct_debit", "card", "bank_transfer", "paypoint"))
            out.write(
                f"{on.isoformat()},{ref},{pence // 100}.{pence % 100:02d},{channel},"
                f"BENCH-{written:09d}\n"
            )
    return path
