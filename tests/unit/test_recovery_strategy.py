"""Recovery strategies (domain.recovery.strategy): every shipped and example file loads, and a
bad file is refused with every problem, each naming the file, the line and the field.

Each bad file is the small good strategy below with one change; the lines a problem must
name are marked ``# <- here``.
"""

from __future__ import annotations

import pytest

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.errors import InputRefused
from reclaim.domain.recovery.strategy import (
    WELSH_COSTS_CAP,
    Condition,
    StageKind,
    Wait,
    load_strategy,
)
from reclaim.money import Money
from tests.unit.recovery_builders import SHIPPED, STRATEGY_FILES

GOOD = """\
[strategy]
name = "A test strategy"
debt = "council_tax"
country = "england"
from_year = "2026/27"
source = "the tests"

[settings]
service_days = 2

[[stage]]
name = "reminder"
kind = "notice"
letter = "reminder-letter"
on = "missed_instalment"
wait = "7 days"
pay_within = "7 days"
if_unpaid = "balance_due"
balance_due_after = "7 days"
legal_basis = "reg 23"

[[stage]]
name = "summons"
kind = "court"
letter = "summons-letter"
on = "balance_due"
costs = "50.00"
legal_basis = "reg 34"

[[stage]]
name = "liability_order"
kind = "court"
letter = "order-letter"
on = "summons_served"
costs = "20.00"
legal_basis = "reg 34(6)"
"""

HERE = "# <- here"


def changed(*edits: tuple[str, str], text: str = GOOD) -> str:
    """The good strategy with each (line, replacement) edit made; the line must be there."""
    for old, new in edits:
        assert old + "\n" in text, old
        text = text.replace(old + "\n", new + "\n", 1)
    return text


def added(after: str, line: str, text: str = GOOD) -> str:
    """The good strategy with ``line`` added after the line ``after``."""
    return changed((after, f"{after}\n{line}"), text=text)


def removed(line: str, *, marking_stage: str) -> str:
    """The good strategy without ``line``, marking the header of the stage it was in."""
    text = changed((line, ""))
    header = f'[[stage]]\nname = "{marking_stage}"'
    return text.replace(header, f'[[stage]]  {HERE}\nname = "{marking_stage}"')


def marked(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith(HERE)]


def refused(text: str, file: str = "bad.toml") -> InputRefused:
    with pytest.raises(InputRefused) as refusal:
        load_strategy(text, file)
    return refusal.value


WELSH = changed(('country = "england"', 'country = "wales"'))  # £70.00 of court costs


# ---- the files we ship --------------------------------------------------------------------


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=lambda p: p.stem)
def test_every_shipped_and_example_strategy_loads(path):
    strategy = load_strategy(path.read_text(encoding="utf-8"), path.name)
    assert strategy.from_year == FinancialYear(2026)
    assert strategy.country is (Country.WALES if path.stem.startswith("wales") else Country.ENGLAND)
    assert all(stage.letter and stage.legal_basis for stage in strategy.stages)
    assert strategy.court_stage(Condition.BALANCE_DUE) is not None  # a summons
    assert strategy.court_stage(Condition.SUMMONS_SERVED) is not None  # and a liability order


def test_the_shipped_defaults_are_for_england_and_wales():
    shipped = {path.stem for path in SHIPPED.glob("*.toml")}
    assert shipped == {"england-council-tax", "england-business-rates", "wales-council-tax"}


def test_welsh_court_costs_are_within_the_70_pound_cap():
    path = SHIPPED / "wales-council-tax.toml"
    wales = load_strategy(path.read_text(encoding="utf-8"), path.name)
    court = [s.costs for s in wales.stages if s.kind is StageKind.COURT]
    assert sum(court, Money.zero()) <= WELSH_COSTS_CAP == Money.parse("70.00")


def test_the_small_good_strategy_loads():
    strategy = load_strategy(GOOD, "good.toml")
    assert [stage.name for stage in strategy.stages] == ["reminder", "summons", "liability_order"]
    assert strategy.stage("reminder").wait == Wait(7)


def test_a_welsh_strategy_with_exactly_70_pounds_of_court_costs_loads():
    wales = load_strategy(WELSH, "wales.toml")
    assert sum((s.costs for s in wales.stages), Money.zero()) == Money.parse("70.00")


# ---- bad files ----------------------------------------------------------------------------

BAD = [
    pytest.param(
        added('legal_basis = "reg 34"', f'after_paying = "final"  {HERE}'),
        ["after_paying"],
        "'final', which is not a stage",
        id="unknown stage in after_paying",
    ),
    pytest.param(
        changed(('on = "missed_instalment"', f'on = "missed_payment"  {HERE}')),
        ["on"],
        "unknown condition 'missed_payment'",
        id="unknown condition in on",
    ),
    pytest.param(
        changed(('wait = "7 days"', f'wait = "-7 days"  {HERE}')),
        ["wait"],
        "negative wait",
        id="negative wait",
    ),
    pytest.param(
        changed(('pay_within = "7 days"', f'pay_within = "a week"  {HERE}')),
        ["pay_within"],
        "not a period",
        id="a wait that is not a period",
    ),
    pytest.param(
        GOOD
        + f"""
[[stage]]
name = "final_notice"
kind = "notice"
letter = "final-letter"
on = "balance_due_unstated"  {HERE}
pay_within = "7 days"
legal_basis = "reg 33"
""",
        ["on"],
        "can never be reached: nothing in this strategy leads to balance_due_unstated",
        id="a stage that can never be reached",
    ),
    pytest.param(
        added('balance_due_after = "7 days"', f'after_paying = "second"  {HERE}')
        + f"""
[[stage]]
name = "second"
kind = "notice"
letter = "second-letter"
on = "missed_instalment"
pay_within = "7 days"
after_paying = "reminder"  {HERE}
legal_basis = "reg 23(4)"
""",
        ["after_paying", "after_paying"],
        "after_paying loops",
        id="an after_paying loop",
    ),
    pytest.param(
        added('balance_due_after = "7 days"', f'after_paying = "reminder"  {HERE}'),
        ["after_paying"],
        "can only follow itself",
        id="a stage after paying itself",
    ),
    pytest.param(
        removed('letter = "summons-letter"', marking_stage="summons"),
        ["letter"],
        "stage 'summons' has no letter",
        id="a stage with no letter",
    ),
    pytest.param(
        WELSH
        + f"""
[[stage]]
name = "committal"  {HERE}
kind = "enforcement"
letter = "committal-letter"
on = "liability_order"
legal_basis = "reg 47"
""",
        ["name"],
        "committal for council tax is abolished in Wales",
        id="committal in a Welsh strategy",
    ),
    pytest.param(
        changed(('costs = "20.00"', f'costs = "20.01"  {HERE}'), text=WELSH),
        ["costs"],
        "court costs of £70.01 exceed the £70.00 Wales allows",
        id="Welsh court costs over 70 pounds",
    ),
    pytest.param(
        removed('pay_within = "7 days"', marking_stage="reminder"),
        ["pay_within"],
        "notice 'reminder' needs pay_within",
        id="a notice without pay_within",
    ),
    pytest.param(
        GOOD
        + f"""
[[stage]]
name = "summons"  {HERE}
kind = "court"
letter = "another-summons-letter"
on = "balance_due"
legal_basis = "reg 34"
""",
        ["name"],
        "stage 'summons' appears twice",
        id="duplicate stage names",
    ),
    pytest.param(
        added('wait = "7 days"', f'colour = "red"  {HERE}'),
        ["colour"],
        "unknown key 'colour'",
        id="unknown key in a stage",
    ),
    pytest.param(
        added('source = "the tests"', f'author = "me"  {HERE}'),
        ["author"],
        "unknown key 'author'",
        id="unknown key in [strategy]",
    ),
    pytest.param(
        added("service_days = 2", f"grace_days = 3  {HERE}"),
        ["grace_days"],
        "unknown key 'grace_days'",
        id="unknown key in [settings]",
    ),
    pytest.param(
        changed(("[settings]", f"[extras]  {HERE}\nnote = 1\n\n[settings]")),
        [None],
        "unknown section [extras]",
        id="unknown section",
    ),
    pytest.param(
        changed(('wait = "7 days"', f"wait = 7 days  {HERE}")),
        [None],
        "not valid TOML",
        id="invalid TOML",
    ),
]


@pytest.mark.parametrize(("text", "fields", "says"), BAD)
def test_a_bad_strategy_is_refused_naming_the_file_line_and_field(text, fields, says):
    refusal = refused(text)
    problems = refusal.problems
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("bad.toml", line, field) for line, field in zip(marked(text), fields, strict=True)
    ], [str(p) for p in problems]
    assert says in problems[0].message
    assert "bad.toml" in str(refusal)


def test_every_problem_in_a_file_is_reported_at_once():
    text = added(
        'costs = "50.00"',
        f'fee = "1.00"  {HERE}',
        text=changed(('wait = "7 days"', f'wait = "-7 days"  {HERE}')),
    )
    refusal = refused(text, "two.toml")
    assert [(p.line, p.field) for p in refusal.problems] == list(
        zip(marked(text), ["wait", "fee"], strict=True)
    )
    assert [str(p).split(":")[0] for p in refusal.problems] == [
        f"two.toml, line {marked(text)[0]}, wait",
        f"two.toml, line {marked(text)[1]}, fee",
    ]


# ---- waits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wait"),
    [
        ("7 days", Wait(7)),
        ("1 day", Wait(1)),
        ("0 days", Wait(0)),
        ("15 working days", Wait(15, working=True)),
        ("1 working day", Wait(1, working=True)),
        ("  41 days ", Wait(41)),
    ],
)
def test_a_wait_is_written_in_days_or_working_days(text, wait):
    assert Wait.parse(text) == wait


@pytest.mark.parametrize("text", ["seven days", "7", "7 weeks", "-1 days", "7 calendar days", ""])
def test_anything_else_is_not_a_wait(text):
    with pytest.raises(ValueError, match=r"period|negative"):
        Wait.parse(text)
