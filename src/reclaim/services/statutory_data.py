"""The law's figures that change by year, read from the data files shipped in ``reclaim/data``.

Each file names its source for every year; a bad file is refused naming the year and field.
"""

from __future__ import annotations

import tomllib
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from reclaim.calendar import FinancialYear
from reclaim.domain.charges import Multiplier, MultiplierTable
from reclaim.domain.errors import DomainError
from reclaim.money import Money, MoneyError

DATA = Path(__file__).resolve().parent.parent / "data"


def business_rates_table(
    year: FinancialYear, path: Path = DATA / "business_rates.toml"
) -> MultiplierTable:
    """The multipliers and thresholds for ``year``; refused if the year is not in the file."""
    years = _years_in(path, path.stat().st_mtime_ns)
    entry = years.get(str(year))
    if entry is None:
        known = ", ".join(sorted(years)) or "none"
        raise DomainError(f"{path.name} has no business rates figures for {year} (it has: {known})")
    where = f"{path.name}, {year}"
    return MultiplierTable(
        year=year,
        multipliers=tuple(
            _multiplier(m, f"{where}, multiplier {n}")
            for n, m in enumerate(entry["multipliers"], 1)
        ),
        source=str(entry["source"]),
        small_business_relief_full_to=_pounds(entry, "small_business_relief_full_to", where),
        small_business_relief_none_from=_pounds(entry, "small_business_relief_none_from", where),
        empty_exempt_below=_pounds(entry, "empty_exempt_below", where),
        charitable_relief=Fraction(int(entry["charitable_relief_percent"]), 100),
    )


@cache
def _years_in(path: Path, _modified: int) -> dict[str, Any]:
    """The file's years, read once for each time it was written (every rebill asks)."""
    with path.open("rb") as file:
        years: dict[str, Any] = tomllib.load(file).get("years", {})
    return years


def _multiplier(entry: dict[str, Any], where: str) -> Multiplier:
    try:
        per_pound = Fraction(str(entry["pence"])) / 100
    except (KeyError, ValueError):
        raise DomainError(f"{where}: 'pence' must be a number of pence such as \"49.9\"") from None
    return Multiplier(
        name=str(entry["name"]),
        per_pound=per_pound,
        from_rv=_pounds(entry, "from_rv", where),
        below_rv=_pounds(entry, "below_rv", where) if "below_rv" in entry else None,
        retail_hospitality_leisure=entry.get("rhl"),
    )


def _pounds(entry: dict[str, Any], field: str, where: str) -> Money:
    try:
        return Money.parse(str(entry[field]))
    except KeyError:
        raise DomainError(f"{where}: '{field}' is missing") from None
    except MoneyError as error:
        raise DomainError(f"{where}: '{field}': {error}") from None
