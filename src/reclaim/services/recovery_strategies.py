"""Which recovery strategy applies: the council's own, else the country's shipped default.

A council sets a strategy from a file (``reclaim strategy use``); the text is validated and kept
as it was loaded, with its hash. For a debt and year, the newest strategy the council set with
``from_year`` no later than the year applies; failing that, the statutory default shipped for
the council's country (``reclaim/data/strategies``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, select

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.errors import DomainError
from reclaim.domain.recovery.strategy import Strategy, load_strategy
from reclaim.store import tables as t
from reclaim.store.repositories import get_council

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "strategies"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "strategies"

DEFAULTS: dict[tuple[Country, AccountKind], str] = {
    (Country.ENGLAND, AccountKind.COUNCIL_TAX): "england-council-tax.toml",
    (Country.ENGLAND, AccountKind.BUSINESS_RATES): "england-business-rates.toml",
    (Country.WALES, AccountKind.COUNCIL_TAX): "wales-council-tax.toml",
    # Welsh business rates were not researched (statutory-rules.md §7.1): England's reg 8
    # timetable is the best-known reading until they are.
    (Country.WALES, AccountKind.BUSINESS_RATES): "england-business-rates.toml",
}


@dataclass(frozen=True, slots=True)
class ChosenStrategy:
    strategy: Strategy
    label: str  # what events record: the strategy's name and where it came from


@cache
def shipped(file_name: str) -> Strategy:
    path = SHIPPED / file_name
    return load_strategy(path.read_text(encoding="utf-8"), path.name)


@cache
def shipped_label(file_name: str) -> str:
    """What events record of a shipped strategy: its name, file and the start of its text's
    hash, as for a council's own (so a release that changes the text changes the label, and
    the recovery run's watch looks at every year again)."""
    text = (SHIPPED / file_name).read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"{shipped(file_name).name} (shipped {file_name}, {digest[:12]})"


def read_file(path: Path) -> tuple[Strategy, str]:
    """A strategy file read and validated; refused with its file, line and problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DomainError(f"cannot read {path}: {error.strerror}") from None
    return load_strategy(text, path.name), text


def use_strategy(conn: Connection, council_code: str, path: Path, today: date) -> Strategy:
    """Validate the file and set it for the council (its debt and from_year as the file says)."""
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    strategy, text = read_file(path)
    if strategy.country is not stored.council.country:
        raise DomainError(
            f"{path.name} is a strategy for {strategy.country.value}, but {council_code} is a "
            f"council in {stored.council.country.value}"
        )
    if strategy.council and strategy.council != council_code:
        raise DomainError(f"{path.name} is written for council {strategy.council}")
    conn.execute(
        t.council_strategies.insert().values(
            council_id=stored.id,
            debt=strategy.debt.value,
            from_year=strategy.from_year.start_year,
            name=strategy.name,
            file_name=path.name,
            text=text,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            set_on=today,
        )
    )
    return strategy


def strategy_for(
    conn: Connection, council_id: int, country: Country, debt: AccountKind, year: FinancialYear
) -> ChosenStrategy:
    s = t.council_strategies
    row = conn.execute(
        select(s.c.text, s.c.file_name, s.c.sha256)
        .where(
            s.c.council_id == council_id,
            s.c.debt == debt.value,
            s.c.from_year <= year.start_year,
        )
        .order_by(s.c.from_year.desc(), s.c.id.desc())
        .limit(1)
    ).first()
    if row is not None:
        strategy = load_strategy(row.text, row.file_name)
        return ChosenStrategy(strategy, f"{strategy.name} ({row.file_name}, {row.sha256[:12]})")
    file_name = DEFAULTS.get((country, debt))
    if file_name is None:
        raise DomainError(f"no recovery strategy for {debt.label} in {country.value}")
    return ChosenStrategy(shipped(file_name), shipped_label(file_name))
