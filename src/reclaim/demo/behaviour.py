"""The demo council's behaviour mix, as data: who lives and trades there and how they pay.

Read from a TOML file (the shipped one is ``data/demo-council.toml``); every problem is named
with the file and the key, and a file with any problem is refused whole.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from reclaim.domain.errors import InputRefused, Problem
from reclaim.money import Money

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "demo-council.toml"
BANDS = ("A", "B", "C", "D", "E", "F", "G", "H")


class Behaviour(StrEnum):
    """How an account pays over the year (a closed set)."""

    PAYS_ON_TIME = "pays_on_time"
    PAYS_IN_FULL = "pays_in_full"
    LATE_AFTER_REMINDER = "late_after_reminder"
    PAYS_AFTER_SUMMONS = "pays_after_summons"
    PERSISTENT_NON_PAYER = "persistent_non_payer"


@dataclass(frozen=True, slots=True)
class Population:
    dwellings: int
    business_premises: int
    direct_debit: float
    twelve_instalments: float
    business_twelve_instalments: float
    single_person_discount: float
    council_tax_reduction: float
    exemption: float
    over_65: float
    unbanded_new_builds: float
    parish: float
    charitable_relief: float
    bands: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Events:
    direct_debit_failure: float
    moves_out: float
    deaths: float
    breathing_space: float
    vulnerable: float
    disputed: float
    pays_after_order: float


@dataclass(frozen=True, slots=True)
class DemoSettings:
    code: str
    name: str
    band_d: Money
    parishes: tuple[tuple[str, Money], ...]
    population: Population
    council_tax: tuple[tuple[Behaviour, float], ...]
    business_rates: tuple[tuple[Behaviour, float], ...]
    events: Events
    target_council_tax: tuple[float, ...]
    target_business_rates: tuple[float, ...]


POPULATION_SHARES = (
    "direct_debit",
    "twelve_instalments",
    "business_twelve_instalments",
    "single_person_discount",
    "council_tax_reduction",
    "exemption",
    "over_65",
    "unbanded_new_builds",
    "parish",
    "charitable_relief",
)
EVENT_SHARES = (
    "direct_debit_failure",
    "moves_out",
    "deaths",
    "breathing_space",
    "vulnerable",
    "disputed",
    "pays_after_order",
)


class _Reader:
    """Reads keys from the parsed file, collecting every problem with where it is."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(message, file=self.file, field=key))

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value: Any = data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                self.problem(key, f"the table [{key}] is missing")
                return {}
        if not isinstance(value, dict):
            self.problem(key, f"[{key}] should be a table")
            return {}
        return value

    def share(self, table: dict[str, Any], where: str, key: str) -> float:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(f"{where}.{key}", "should be a share between 0 and 1, e.g. 0.25")
            return 0.0
        if not 0 <= value <= 1:
            self.problem(f"{where}.{key}", f"{value} is not between 0 and 1")
        return float(value)

    def count(self, table: dict[str, Any], where: str, key: str) -> int:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(f"{where}.{key}", "should be a whole number, 0 or more")
            return 0
        return value

    def money(self, table: dict[str, Any], where: str, key: str) -> Money:
        value = table.get(key)
        if value is None:
            self.problem(f"{where}.{key}", 'is missing (an amount in pounds, e.g. "2123.45")')
            return Money.zero()
        try:
            return Money.parse(str(value))
        except ValueError as error:
            self.problem(f"{where}.{key}", f"{value!r} is not an amount in pounds: {error}")
            return Money.zero()

    def mix(self, table: dict[str, Any], where: str, names: tuple[str, ...]) -> list[float]:
        unknown = sorted(set(table) - set(names))
        for name in unknown:
            self.problem(f"{where}.{name}", f"is not one of: {', '.join(names)}")
        shares = [self.share(table, where, name) for name in names]
        if abs(sum(shares) - 1) > 1e-6:
            self.problem(where, f"the shares add up to {sum(shares):.4f}, not 1")
        return shares

    def profile(self, table: dict[str, Any], key: str) -> tuple[float, ...]:
        value = table.get(key)
        ok = (
            isinstance(value, list)
            and len(value) == 12
            and all(isinstance(v, int | float) and 0 <= v <= 100 for v in value)
        )
        if not ok:
            self.problem(f"target.{key}", "should be 12 percentages, April to March")
            return ()
        assert isinstance(value, list)
        if any(b < a for a, b in itertools.pairwise(value)):
            self.problem(f"target.{key}", "a cumulative profile cannot go down")
        return tuple(float(v) for v in value)


def load_settings(path: Path = SHIPPED) -> DemoSettings:
    """The demo council's settings from ``path``; InputRefused naming every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        problem = Problem(f"cannot read the file: {error.strerror}", file=str(path))
        raise InputRefused([problem]) from None
    except tomllib.TOMLDecodeError as error:
        raise InputRefused([Problem(f"not valid TOML: {error}", file=str(path))]) from None
    r = _Reader(path.name)
    council = r.table(data, "council")
    population = r.table(data, "population")
    bands = r.table(data, "population.bands")
    band_shares = r.mix(bands, "population.bands", BANDS)
    behaviours = tuple(b.value for b in Behaviour)
    mixes = {
        kind: tuple(
            zip(
                Behaviour,
                r.mix(r.table(data, f"{kind}.behaviour"), f"{kind}.behaviour", behaviours),
                strict=True,
            )
        )
        for kind in ("council_tax", "business_rates")
    }
    events = r.table(data, "events")
    target = r.table(data, "target")
    code = council.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 20:
        r.problem("council.code", 'should be the council\'s short code, e.g. "DEMO"')
    name = council.get("name")
    if not isinstance(name, str) or not name.strip():
        r.problem("council.name", "should be the council's name")
    parishes_table = council.get("parishes", {})
    parishes = tuple(
        (str(parish), r.money(parishes_table, "council.parishes", parish))
        for parish in sorted(parishes_table if isinstance(parishes_table, dict) else {})
    )
    settings = DemoSettings(
        code=str(code),
        name=str(name),
        band_d=r.money(council, "council", "band_d"),
        parishes=parishes,
        population=Population(
            dwellings=r.count(population, "population", "dwellings"),
            business_premises=r.count(population, "population", "business_premises"),
            bands=tuple(zip(BANDS, band_shares, strict=True)),
            **{k: r.share(population, "population", k) for k in POPULATION_SHARES},
        ),
        council_tax=mixes["council_tax"],
        business_rates=mixes["business_rates"],
        events=Events(**{k: r.share(events, "events", k) for k in EVENT_SHARES}),
        target_council_tax=r.profile(target, "council_tax"),
        target_business_rates=r.profile(target, "business_rates"),
    )
    if r.problems:
        raise InputRefused(r.problems, f"{path.name}: {len(r.problems)} problem(s)")
    return settings
