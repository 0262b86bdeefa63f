"""What a council sets for each financial year: Band D, parish precepts, the default day.

Set one year at a time (``reclaim council set``), or many from a settings file
(``reclaim council settings FILE.toml``) of this shape::

    [KNOWSLEY."2026/27"]
    band_d = "2123.45"
    default_instalment_day = "1"        # for those not paying by Direct Debit

    [KNOWSLEY."2026/27".parishes]       # parish precepts, as Band D amounts
    "Little Snoring" = "45.00"

A bad file is refused whole, naming the council, year and field; nothing of it is saved.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, select

from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.domain.charges import CouncilTaxYear
from reclaim.domain.errors import DomainError, InputRefused, Problem
from reclaim.money import Money, MoneyError
from reclaim.store import tables as t
from reclaim.store.repositories import get_council


@dataclass(frozen=True, slots=True)
class CouncilYear:
    council_code: str
    year: FinancialYear
    band_d: Money
    default_instalment_day: InstalmentDay
    parishes: tuple[tuple[str, Money], ...] = ()


def set_year(conn: Connection, setting: CouncilYear) -> None:
    """Save (or replace) a council's settings for one year."""
    stored = get_council(conn, setting.council_code)
    if stored is None:
        raise DomainError(f"there is no council {setting.council_code}")
    if not setting.band_d.is_positive:
        raise DomainError(f"Band D must be more than £0.00, not {setting.band_d}")
    for parish, amount in setting.parishes:
        if amount.is_negative:
            raise DomainError(f"the precept for {parish} cannot be negative ({amount})")
    key = {"council_id": stored.id, "financial_year": setting.year.start_year}
    conn.execute(delete(t.parish_precepts).filter_by(**key))
    conn.execute(delete(t.council_years).filter_by(**key))
    conn.execute(
        t.council_years.insert().values(
            **key,
            band_d_pence=setting.band_d.pence,
            default_instalment_day=setting.default_instalment_day.value,
        )
    )
    for parish, amount in setting.parishes:
        conn.execute(
            t.parish_precepts.insert().values(**key, parish=parish, band_d_pence=amount.pence)
        )


def get_year(conn: Connection, council_code: str, year: FinancialYear) -> CouncilYear:
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    row = conn.execute(
        select(t.council_years).where(
            t.council_years.c.council_id == stored.id,
            t.council_years.c.financial_year == year.start_year,
        )
    ).first()
    if row is None:
        raise DomainError(
            f"{council_code} has no settings for {year}: set its Band D with "
            f"'reclaim council set {council_code} --year {year} --band-d …'"
        )
    parishes = conn.execute(
        select(t.parish_precepts.c.parish, t.parish_precepts.c.band_d_pence)
        .where(
            t.parish_precepts.c.council_id == stored.id,
            t.parish_precepts.c.financial_year == year.start_year,
        )
        .order_by(t.parish_precepts.c.parish)
    ).all()
    return CouncilYear(
        council_code,
        year,
        Money(row.band_d_pence),
        InstalmentDay(row.default_instalment_day),
        tuple((p.parish, Money(p.band_d_pence)) for p in parishes),
    )


def council_tax_year(conn: Connection, council_code: str, year: FinancialYear) -> CouncilTaxYear:
    """The figures a Council Tax charge is worked out from."""
    setting = get_year(conn, council_code, year)
    stored = get_council(conn, council_code)
    if stored is None:  # get_year has already refused an unknown council
        raise DomainError(f"there is no council {council_code}")
    return CouncilTaxYear(year, stored.council.country, setting.band_d, setting.parishes)


def read_settings(path: Path) -> list[CouncilYear]:
    """Every council year in a settings file; raises InputRefused listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputRefused(
            [Problem(f"cannot read the file: {error.strerror}", file=path.name)]
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputRefused(
            [Problem(f"not a valid settings file: {error}", file=path.name)]
        ) from None
    settings: list[CouncilYear] = []
    problems: list[Problem] = []
    for code, years in data.items():
        if not isinstance(years, Mapping):
            problems.append(
                Problem(f'[{code}] should hold years such as "2026/27"', file=path.name)
            )
            continue
        for year_text, fields in years.items():
            setting = _setting(code, year_text, fields, path.name, problems)
            if setting is not None:
                settings.append(setting)
    if problems:
        raise InputRefused(problems)
    if not settings:
        raise InputRefused([Problem("the file sets nothing", file=path.name)])
    return settings


def _setting(
    code: str, year_text: str, fields: Any, file: str, problems: list[Problem]
) -> CouncilYear | None:
    before = len(problems)

    def problem(field: str, message: str) -> None:
        problems.append(Problem(f"{code} {year_text}: {message}", field=field, file=file))

    try:
        year = FinancialYear.parse(year_text)
    except ValueError as error:
        problem("year", str(error))
        return None
    if not isinstance(fields, Mapping):
        problem("year", "should be a table of settings")
        return None
    known = {"band_d", "default_instalment_day", "parishes"}
    for name in sorted(set(fields) - known):
        problem(name, f"'{name}' is not a setting (use: {', '.join(sorted(known))})")
    band_d = _money(fields.get("band_d"), "band_d", problem)
    try:
        day = InstalmentDay.parse(str(fields.get("default_instalment_day", "1")))
    except ValueError as error:
        problem("default_instalment_day", str(error))
        day = InstalmentDay.DAY_1
    parishes = []
    for parish, amount in dict(fields.get("parishes", {})).items():
        money = _money(amount, f"parishes.{parish}", problem)
        if money is not None:
            parishes.append((str(parish), money))
    if len(problems) > before or band_d is None:
        return None
    return CouncilYear(code, year, band_d, day, tuple(sorted(parishes)))


def _money(value: Any, field: str, problem: Callable[[str, str], None]) -> Money | None:
    if value is None:
        problem(field, f"{field} is required")
        return None
    if not isinstance(value, str):
        problem(field, f'write amounts as text, e.g. "2000.00" (not {value!r})')
        return None
    try:
        return Money.parse(value)
    except MoneyError as error:
        problem(field, str(error))
        return None
