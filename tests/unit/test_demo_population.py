"""The demo council's population (reclaim.demo.population): shaped like an English council's
at the default size, and the same for the same seed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from reclaim.calendar import FinancialYear
from reclaim.demo.behaviour import SHIPPED, Behaviour, load_settings
from reclaim.demo.population import DemoAccount, generate
from reclaim.domain.errors import InputRefused

YEAR = FinancialYear(2026)
SETTINGS = load_settings()


@pytest.fixture(scope="module")
def population() -> list[DemoAccount]:
    return list(generate(SETTINGS, seed=2026, year=YEAR))


def _share(count: int, total: int) -> float:
    return 100 * count / total


def test_the_default_population_is_20000_dwellings_and_1500_business_premises(population):
    kinds = Counter(a.kind for a in population)
    assert kinds == {"council_tax": 20_000, "business_rates": 1_500}


@pytest.mark.parametrize(
    ("band", "percent"),
    [("A", 24), ("B", 20), ("C", 22), ("D", 15), ("E", 10), ("F", 5), ("G", 3), ("H", 1)],
)
def test_dwellings_are_banded_as_englands_are(population, band, percent):
    homes = [a for a in population if a.kind == "council_tax"]
    found = _share(sum(a.band == band for a in homes), len(homes))
    assert abs(found - percent) <= 1.0, f"band {band}: {found:.1f}% against {percent}%"


def test_about_three_quarters_pay_by_direct_debit(population):
    found = _share(sum(a.method == "direct_debit" for a in population), len(population))
    assert 73 <= found <= 77


def test_households_have_discounts_reductions_exemptions_and_over_65s(population):
    homes = [a for a in population if a.kind == "council_tax"]
    assert 31 <= _share(sum(a.single for a in homes), len(homes)) <= 35
    assert 10.5 <= _share(sum(a.reduction_pence > 0 for a in homes), len(homes)) <= 13.5
    assert 0.8 <= _share(sum(bool(a.exemption) for a in homes), len(homes)) <= 2.2
    assert 21 <= _share(sum(a.aged_65_or_over(YEAR.start) for a in homes), len(homes)) <= 27
    assert 10 <= sum(a.band == "unbanded" for a in homes) <= 100  # a few new builds


def test_small_businesses_take_small_business_rate_relief(population):
    firms = [a for a in population if a.kind == "business_rates"]
    relieved = [a for a in firms if a.relief == "small_business"]
    assert relieved and all(a.rateable_value <= 15_000 for a in relieved)
    assert any(a.rateable_value > 51_000 for a in firms)  # and some large ratepayers
    assert any(a.relief == "charity" for a in firms)


def test_most_pay_on_time_some_late_and_a_minority_default(population):
    homes = [a for a in population if a.kind == "council_tax"]
    ways = Counter(a.behaviour for a in homes)
    assert _share(ways[Behaviour.PAYS_ON_TIME], len(homes)) > 75
    assert 6 < _share(ways[Behaviour.LATE_AFTER_REMINDER], len(homes)) < 12
    assert 1 < _share(ways[Behaviour.PERSISTENT_NON_PAYER], len(homes)) < 4


def test_the_year_brings_movers_deaths_and_disputes(population):
    assert 0.04 * 20_000 < sum(a.moves_on is not None for a in population) < 0.08 * 20_000
    assert sum(a.dies_on is not None for a in population) > 10
    assert all(YEAR.contains(a.moves_on) for a in population if a.moves_on)
    assert sum(a.disputed_on is not None for a in population) > 20


def test_the_same_seed_gives_the_same_population_and_another_seed_another():
    first = list(generate(SETTINGS, seed=7, year=YEAR, accounts=500))
    assert first == list(generate(SETTINGS, seed=7, year=YEAR, accounts=500))
    assert first != list(generate(SETTINGS, seed=8, year=YEAR, accounts=500))


def test_a_smaller_population_keeps_the_mix_of_dwellings_and_premises():
    kinds = Counter(a.kind for a in generate(SETTINGS, seed=1, year=YEAR, accounts=4_300))
    assert kinds["council_tax"] + kinds["business_rates"] == 4_300
    assert 200 <= kinds["business_rates"] <= 400


def test_a_behaviour_file_with_problems_is_refused_naming_each(tmp_path: Path):
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace("pays_on_time = 0.80", "pays_on_time = 0.9").replace(
        'band_d = "2123.45"', 'band_d = "21.234"'
    )
    text = text.replace("direct_debit = 0.75 ", "direct_debit = 1.75 ")
    bad = tmp_path / "my-council.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputRefused) as refused:
        load_settings(bad)
    said = [str(p) for p in refused.value.problems]
    assert any("council_tax.behaviour" in s and "add up to" in s for s in said), said
    assert any("council.band_d" in s for s in said), said
    assert any("population.direct_debit" in s and "not between 0 and 1" in s for s in said), said
    assert all(s.startswith("my-council.toml") for s in said)
