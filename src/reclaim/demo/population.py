"""The demo council's people and premises: a realistic population, made from a seed.

Every account is a row of the accounts import (``reclaim import accounts``) plus how it pays
(its behaviour) and what happens to it during the year (a move, a death, a dispute). The same
seed and settings always give the same population, so a year can be simulated again exactly.
The benchmark uses the same generator, so its accounts pay as a real council's do.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from reclaim.calendar import FinancialYear
from reclaim.demo.behaviour import Behaviour, DemoSettings

STREETS = (
    "High Street",
    "Church Lane",
    "Mill Road",
    "Station Road",
    "Park Avenue",
    "Victoria Road",
    "Orchard Close",
    "Queens Drive",
    "Meadow Way",
    "School Lane",
)
FIRST = ("Alex", "Sam", "Jo", "Chris", "Pat", "Lee", "Morgan", "Ruth", "Imran", "Mei", "Aisha")
LAST = ("Smith", "Jones", "Taylor", "Brown", "Khan", "Williams", "Patel", "Evans", "Wilson")
TRADES = ("Bakery", "Garage", "Salon", "Cafe", "Hardware", "Printers", "Dental", "Florist")
OTHER_METHODS = ("standing_order", "card", "bank_transfer", "paypoint")
DAYS = ("1", "5", "15", "24", "last")
EXEMPTION_CLASSES = "BCFNW"

HEADER = (
    "council,kind,reference,party_name,party_type,date_of_birth,address,postcode,uprn,band,"
    "rateable_value,start_date,end_date,payment_method,instalment_day,instalments,amount,"
    "due_date,description,parish,single_person_discount,exemption_class,council_tax_reduction,"
    "relief\n"
)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """One account of the demo council: its import row, how it pays, and its year's events."""

    n: int
    reference: str
    kind: str  # council_tax, business_rates or sundry_debt
    name: str
    born: date | None
    address: str
    postcode: str
    band: str  # A-H, "unbanded", or "" for business premises
    rateable_value: int  # whole pounds; 0 for dwellings
    method: str
    day: str
    instalments: int
    parish: str
    single: bool
    exemption: str
    reduction_pence: int
    relief: str
    behaviour: Behaviour
    moves_on: date | None = None  # the last day of liability, for a mover
    dies_on: date | None = None
    disputed_on: date | None = None
    invoice_pence: int = 0  # sundry debts

    def aged_65_or_over(self, on: date) -> bool:
        if self.born is None:
            return False
        return (on.year - self.born.year, on.month, on.day) >= (65, self.born.month, self.born.day)

    def row(self, council: str, year: FinancialYear) -> str:
        start = year.start.isoformat()
        born = self.born.isoformat() if self.born else ""
        if self.kind == "council_tax":
            reduction = (
                f"{self.reduction_pence // 100}.{self.reduction_pence % 100:02d}"
                if self.reduction_pence
                else ""
            )
            return (
                f"{council},council_tax,{self.reference},{self.name},person,{born},"
                f"{self.address},{self.postcode},{self.n:012d},{self.band},,{start},,"
                f"{self.method},{self.day},{self.instalments},,,,{self.parish},"
                f"{'yes' if self.single else ''},{self.exemption},{reduction},\n"
            )
        if self.kind == "business_rates":
            return (
                f"{council},business_rates,{self.reference},{self.name},organisation,,"
                f"{self.address},{self.postcode},{self.n:012d},,{self.rateable_value}.00,{start},,"
                f"{self.method},{self.day},{self.instalments},,,,,,,,{self.relief}\n"
            )
        pence = self.invoice_pence
        due = (year.start + timedelta(days=30)).isoformat()
        return (
            f"{council},sundry_debt,{self.reference},{self.name},person,{born},,,,,,"
            f"{start},,card,,3,{pence // 100}.{pence % 100:02d},{due},Commercial waste,,,,,\n"
        )


def _pick(rng: random.Random, shares: tuple[tuple[Behaviour, float], ...]) -> Behaviour:
    roll = rng.random()
    for behaviour, share in shares:
        roll -= share
        if roll < 0:
            return behaviour
    return shares[-1][0]


def _day_in(rng: random.Random, year: FinancialYear, after_days: int = 20) -> date:
    return year.start + timedelta(days=rng.randrange(after_days, year.days() - 45))


def generate(
    settings: DemoSettings,
    *,
    seed: int,
    year: FinancialYear,
    accounts: int | None = None,
    sundry_share: float = 0.0,
    prefix: str = "",
) -> Iterator[DemoAccount]:
    """The population, account by account. ``accounts`` scales the settings' dwellings and
    business premises to that total (keeping their proportion); ``sundry_share`` of them are
    sundry invoices (the benchmark's mix)."""
    p = settings.population
    total = accounts if accounts is not None else p.dwellings + p.business_premises
    everyone = max(p.dwellings + p.business_premises, 1)
    rng = random.Random(seed)
    bands = "".join(band * round(share * 100) for band, share in p.bands)
    ev = settings.events
    for n in range(1, total + 1):
        roll = rng.random()
        street = STREETS[n % len(STREETS)]
        postcode = f"DM{n % 90 + 1} {n % 9 + 1}{'ABDEFGHJ'[n % 8]}{'LNPQRSTU'[(n // 8) % 8]}"
        dd = rng.random() < p.direct_debit
        method = "direct_debit" if dd else rng.choice(OTHER_METHODS)
        day = rng.choice(DAYS) if dd else "1"
        twelve = rng.random()
        if roll < sundry_share:
            yield DemoAccount(
                n, f"{prefix}SD{n:08d}", "sundry_debt", _person(rng, n), _born(rng, p.over_65),
                "", "", "", 0, "card", "", 3, "", False, "", 0, "",
                _pick(rng, settings.council_tax), invoice_pence=rng.randrange(2_000, 250_000),
            )  # fmt: skip
        elif n * p.business_premises // everyone != (n - 1) * p.business_premises // everyone:
            rv = int(rng.lognormvariate(9.6, 1.0))
            rv = min(max(rv, 1_500), 2_000_000)
            relief = "small_business" if rv <= 15_000 else ""
            if rng.random() < p.charitable_relief:
                relief = "charity"
            yield DemoAccount(
                n, f"{prefix}NNDR{n:08d}", "business_rates",
                f"{LAST[n % len(LAST)]} {TRADES[n % len(TRADES)]} Ltd", None,
                f"Unit {n % 200 + 1} {n} {street}", postcode, "", rv, method, day,
                12 if twelve < p.business_twelve_instalments else 10, "", False, "", 0, relief,
                _pick(rng, settings.business_rates),
                disputed_on=_day_in(rng, year) if rng.random() < ev.disputed else None,
            )  # fmt: skip
        else:
            band = "unbanded" if rng.random() < p.unbanded_new_builds else rng.choice(bands)
            parish = ""
            if settings.parishes and rng.random() < p.parish:
                parish = settings.parishes[n % len(settings.parishes)][0]
            exempt = rng.choice(EXEMPTION_CLASSES) if rng.random() < p.exemption else ""
            reduction = 0
            if not exempt and rng.random() < p.council_tax_reduction:
                reduction = rng.randrange(5_000, 150_000)
            behaviour = _pick(rng, settings.council_tax)
            born = _born(rng, p.over_65)
            moves = rng.random() < ev.moves_out
            dies = rng.random() < ev.deaths * (4 if born.year < year.start.year - 65 else 0.5)
            yield DemoAccount(
                n, f"{prefix}CT{n:08d}", "council_tax", _person(rng, n), born,
                f"{n} {street}", postcode, band, 0, method, day,
                12 if twelve < p.twelve_instalments else 10, parish,
                rng.random() < p.single_person_discount, exempt, reduction, "", behaviour,
                moves_on=_day_in(rng, year) if moves and not exempt else None,
                dies_on=_day_in(rng, year) if dies and not moves else None,
                disputed_on=_day_in(rng, year) if rng.random() < ev.disputed else None,
            )  # fmt: skip


def _person(rng: random.Random, n: int) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"


def _born(rng: random.Random, over_65: float) -> date:
    if rng.random() < over_65:
        return date(1925, 1, 1) + timedelta(days=rng.randrange(0, 35 * 365))
    return date(1960, 6, 1) + timedelta(days=rng.randrange(0, 44 * 365))


def write_accounts(
    path: Path, population: list[DemoAccount] | Iterator[DemoAccount], council: str,
    year: FinancialYear,
) -> Path:  # fmt: skip
    """The population as an accounts import file."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for account in population:
            out.write(account.row(council, year))
    return path
