"""What a council sets for each year (services.council_years), on both databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.domain.charges import council_tax_charge
from reclaim.domain.errors import DomainError, InputRefused
from reclaim.domain.properties import Band
from reclaim.money import Money
from reclaim.services.council_years import (
    CouncilYear,
    council_tax_year,
    get_year,
    read_settings,
    set_year,
)
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import add_council
from tests.integration.snapshots import snapshot

YEAR = FinancialYear(2026)


@pytest.fixture
def council(engine: Engine) -> Engine:
    add_council(engine, "KNOWSLEY")
    return engine


def test_a_year_is_set_read_back_and_replaced(council):
    first = CouncilYear(
        "KNOWSLEY",
        YEAR,
        Money.parse("2000.00"),
        InstalmentDay.DAY_1,
        (("Little Snoring", Money.parse("45.00")),),
    )
    second = CouncilYear("KNOWSLEY", YEAR, Money.parse("2100.00"), InstalmentDay.DAY_15)
    with UnitOfWork(council) as uow:
        set_year(uow.connection, first)
        uow.commit()
        assert get_year(uow.connection, "KNOWSLEY", YEAR) == first
        set_year(uow.connection, second)
        uow.commit()
        assert get_year(uow.connection, "KNOWSLEY", YEAR) == second


def test_the_years_figures_give_the_council_tax_charge(council):
    with UnitOfWork(council) as uow:
        set_year(
            uow.connection,
            CouncilYear(
                "KNOWSLEY",
                YEAR,
                Money.parse("2000.00"),
                InstalmentDay.DAY_1,
                (("Little Snoring", Money.parse("45.00")),),
            ),
        )
        figures = council_tax_year(uow.connection, "KNOWSLEY", YEAR)
    [line] = council_tax_charge(
        Band.B, figures, liable_from=date(2026, 4, 1), parish="Little Snoring"
    )
    assert line.amount == Money.parse("1590.56")  # 7/9 of £2,045.00 = £1,590.555…


def test_a_year_not_yet_set_says_how_to_set_it(council):
    with (
        UnitOfWork(council) as uow,
        pytest.raises(DomainError, match="reclaim council set KNOWSLEY"),
    ):
        get_year(uow.connection, "KNOWSLEY", YEAR)


def test_a_settings_file_with_any_problem_is_refused_whole_naming_each(council, tmp_path: Path):
    path = tmp_path / "settings.toml"
    path.write_text(
        '[KNOWSLEY."2026/27"]\nband_d = "2000.00"\n'
        '[KNOWSLEY."2027/28"]\nband_d = "12.345"\ndefault_instalment_day = "31"\nbogus = 1\n'
        '[KNOWSLEY."2028/30"]\nband_d = "1.00"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputRefused) as refused:
        read_settings(path)
    found = [(p.field, p.message) for p in refused.value.problems]
    assert [field for field, _ in found] == ["bogus", "band_d", "default_instalment_day", "year"]
    for (_, message), phrase in zip(
        found,
        [
            "KNOWSLEY 2027/28: 'bogus' is not a setting",
            "KNOWSLEY 2027/28: '12.345' is not an amount of money",
            "KNOWSLEY 2027/28: '31' is not an instalment day",
            "KNOWSLEY 2028/30: '2028/30' is not a financial year",
        ],
        strict=True,
    ):
        assert message.startswith(phrase), message


def test_a_settings_file_naming_an_unknown_council_changes_nothing(council, tmp_path: Path):
    path = tmp_path / "settings.toml"
    path.write_text(
        '[KNOWSLEY."2026/27"]\nband_d = "2000.00"\n[NOWHERE."2026/27"]\nband_d = "1500.00"\n',
        encoding="utf-8",
    )
    before = snapshot(council)
    with (
        UnitOfWork(council) as uow,
        pytest.raises(DomainError, match="there is no council NOWHERE"),
    ):
        for setting in read_settings(path):
            set_year(uow.connection, setting)
        uow.commit()
    assert snapshot(council) == before
