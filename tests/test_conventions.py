"""Conventions the whole code base keeps, checked so that they stay kept.

Every invariant can be checked; the migrations build exactly the tables the code describes;
migrations form one straight line; money is never a float and is stored as BIGINT pence; the
domain core imports no storage, CLI or UI code; and each closed set of values in a CHECK
constraint is exactly its enum.
"""

from __future__ import annotations

import ast
import re
from enum import StrEnum
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import BigInteger, CheckConstraint, Engine, Float, Numeric, inspect

import reclaim
from reclaim.calendar import Country, InstalmentDay
from reclaim.domain.access import Role
from reclaim.domain.accounts import AccountKind, PaymentMethod
from reclaim.domain.councils import YearOrder
from reclaim.domain.invariants import INVARIANTS, Invariant, invariant
from reclaim.domain.ledger import PostingKind
from reclaim.domain.letters.content import DocumentStatus, Postage, Style
from reclaim.domain.liability import CircumstanceKind
from reclaim.domain.parties import PartyKind
from reclaim.domain.payments import PaymentStatus
from reclaim.domain.properties import Band
from reclaim.domain.recovery.engine import Action
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)
from reclaim.domain.schedules import ScheduleKind
from reclaim.services.checks import finder_for, run_checks
from reclaim.store.database import MIGRATIONS, head_revision
from reclaim.store.tables import metadata
from reclaim.store.unit_of_work import UnitOfWork

SRC = Path(reclaim.__file__).parent
DOMAIN_CORE = [SRC / "money.py", SRC / "calendar.py", *sorted((SRC / "domain").glob("*.py"))]
NO_FLOATS = [SRC / "money.py", *sorted((SRC / "domain").glob("*.py"))]


def relative(path: Path) -> str:
    return str(path.relative_to(SRC.parent)) if path.is_relative_to(SRC.parent) else path.name


# ---- invariants ------------------------------------------------------------------------------


def test_invariant_codes_are_unique_and_each_can_be_looked_up() -> None:
    codes = [inv.code for inv in INVARIANTS]
    assert len(codes) == len(set(codes))
    assert all(invariant(code).code == code for code in codes)


@pytest.mark.parametrize("inv", INVARIANTS, ids=lambda inv: inv.code)
def test_every_invariant_has_a_finder_in_reclaim_check(inv: Invariant) -> None:
    assert callable(finder_for(inv))


def test_reclaim_check_runs_every_invariant_and_finds_nothing_in_an_empty_database(
    engine: Engine,
) -> None:
    with UnitOfWork(engine) as uow:
        results = run_checks(uow.connection)
    assert [r.invariant for r in results] == list(INVARIANTS)
    assert [r for r in results if r.breaches or r.checked] == []


# ---- migrations ------------------------------------------------------------------------------


def test_the_migrations_build_exactly_the_tables_in_the_code(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def _quoted_values(sql: str) -> frozenset[str]:
    """The string literals in a CHECK constraint, however the database has rewritten it."""
    return frozenset(re.findall(r"'([^']*)'", sql))


def test_the_migrations_build_exactly_the_check_constraints_in_the_code(engine: Engine) -> None:
    expected = {
        (table.name, str(c.name)): _quoted_values(str(c.sqltext))
        for table in metadata.sorted_tables
        for c in table.constraints
        if isinstance(c, CheckConstraint)
    }
    with engine.connect() as conn:
        inspector = inspect(conn)
        migrated = {
            (table.name, c["name"]): _quoted_values(c["sqltext"])
            for table in metadata.sorted_tables
            for c in inspector.get_check_constraints(table.name)
        }
    assert migrated == expected


def test_migrations_form_one_line_numbered_in_order() -> None:
    scripts = ScriptDirectory(str(MIGRATIONS))
    assert len(scripts.get_heads()) == 1, "more than one head: the migrations have branched"
    assert len(scripts.get_bases()) == 1
    oldest_first = list(reversed(list(scripts.walk_revisions())))
    assert [r.revision for r in oldest_first] == [
        f"{n:04d}" for n in range(1, len(oldest_first) + 1)
    ]
    for earlier, later in zip([None, *oldest_first], oldest_first, strict=False):
        assert later.down_revision == (earlier.revision if earlier else None)
        assert not later.branch_labels
        assert Path(later.path).name.startswith(f"{later.revision}_")
    assert head_revision() == oldest_first[-1].revision


# ---- money -----------------------------------------------------------------------------------


def floats_in(path: Path) -> list[str]:
    """Every use of floating point in a module: float literals, the name ``float`` (except as
    the type that ``isinstance`` refuses), and true division ``/``, which makes a float."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    refused_types = {
        id(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "isinstance"
        for arg in ast.walk(node.args[1])
    }
    found = []
    for node in ast.walk(tree):
        where = f"{relative(path)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.append(f"{where} float literal {node.value!r}")
        elif isinstance(node, ast.Name) and node.id == "float" and id(node) not in refused_types:
            found.append(f"{where} uses float")
        elif isinstance(node, ast.Div):
            found.append(f"{where} divides with '/'")
    return found


@pytest.mark.parametrize("path", NO_FLOATS, ids=relative)
def test_money_and_the_domain_never_use_floating_point(path: Path) -> None:
    assert floats_in(path) == []


def test_the_float_finder_finds_floats(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(x: float) -> int:\n"
        "    if isinstance(x, float):\n"
        "        raise TypeError\n"
        "    return int(x / 2 + 0.5)\n"
    )
    assert sorted(line.split(" ", 1)[1] for line in floats_in(sample)) == [
        "divides with '/'",
        "float literal 0.5",
        "uses float",
    ]


def test_money_columns_are_bigint_pence_and_nothing_is_stored_as_a_float() -> None:
    columns = [c for table in metadata.sorted_tables for c in table.columns]
    pence = [c for c in columns if c.name.endswith("_pence")]
    assert pence, "there are money columns"
    assert [str(c) for c in pence if type(c.type) is not BigInteger] == []
    assert [str(c) for c in columns if isinstance(c.type, Float | Numeric)] == []
    money_words = ("amount", "balance", "total", "value")
    assert [
        str(c)
        for c in columns
        if any(word in c.name for word in money_words) and not c.name.endswith("_pence")
    ] == []


# ---- the domain core's imports ---------------------------------------------------------------

FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "typer",
    "rich",
    "polars",
    "fastapi",
    "jinja2",
    "reclaim.store",
    "reclaim.imports",
    "reclaim.services",
    "reclaim.cli",
    "reclaim.bench",
)


def imports_of(path: Path) -> set[str]:
    module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                names.add(f"{base}.{node.module}" if node.module else base)
            else:
                names.add(node.module or "")
    return names


def test_the_import_walker_sees_the_domains_imports() -> None:
    assert {"reclaim.money", "reclaim.calendar", "hashlib"} <= imports_of(
        SRC / "domain" / "ledger.py"
    )


@pytest.mark.parametrize("path", DOMAIN_CORE, ids=relative)
def test_the_domain_core_imports_no_storage_cli_or_ui_code(path: Path) -> None:
    bad = sorted(
        name
        for name in imports_of(path)
        if any(name == f or name.startswith(f"{f}.") for f in FORBIDDEN)
    )
    assert bad == []


# ---- closed sets of values -------------------------------------------------------------------

# Each CHECK-constrained column and the enum whose values it must allow, exactly.
ENUM_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("councils", "country"): Country,
    ("councils", "allocation_within"): YearOrder,
    ("parties", "kind"): PartyKind,
    ("properties", "band"): Band,
    ("accounts", "kind"): AccountKind,
    ("accounts", "payment_method"): PaymentMethod,
    ("accounts", "instalment_day"): InstalmentDay,
    ("council_years", "default_instalment_day"): InstalmentDay,
    ("payments", "channel"): PaymentMethod,
    ("payments", "status"): PaymentStatus,
    ("postings", "kind"): PostingKind,
    ("schedules", "kind"): ScheduleKind,
    ("circumstances", "kind"): CircumstanceKind,
    ("valuations", "band"): Band,
    ("council_strategies", "debt"): AccountKind,
    ("recovery_events", "action"): Action,
    ("holds", "kind"): HoldKind,
    ("breathing_spaces", "kind"): BreathingSpaceKind,
    ("vulnerabilities", "category"): VulnerabilityCategory,
    ("documents", "status"): DocumentStatus,
    ("documents", "style"): Style,
    ("documents", "postage"): Postage,
    ("print_batches", "postage"): Postage,
    ("letter_preferences", "style"): Style,
    ("users", "role"): Role,
}
# Closed sets with no enum of their own.
PLAIN_SETS = {
    ("imports", "kind"): {"accounts", "payments"},
}

_EQUALS = re.compile(r"(\w+) = '([^']*)'")


def _one_of(sqltext: str) -> tuple[str, set[str]] | None:
    """('kind', {'a', 'b'}) for a CHECK written "kind = 'a' OR kind = 'b'", else None."""
    parts = [_EQUALS.fullmatch(part.strip()) for part in sqltext.split(" OR ")]
    if not all(parts) or len({m[1] for m in parts if m}) != 1:
        return None
    return parts[0][1], {m[2] for m in parts if m}  # type: ignore[index]


def closed_sets() -> dict[tuple[str, str], set[str]]:
    found = {}
    for table in metadata.sorted_tables:
        for c in table.constraints:
            if isinstance(c, CheckConstraint) and (one_of := _one_of(str(c.sqltext))):
                found[(table.name, one_of[0])] = one_of[1]
    return found


def test_every_closed_set_of_values_is_known_to_this_test() -> None:
    assert set(closed_sets()) == set(ENUM_COLUMNS) | set(PLAIN_SETS)


@pytest.mark.parametrize(
    ("column", "enum"), list(ENUM_COLUMNS.items()), ids=[".".join(k) for k in ENUM_COLUMNS]
)
def test_each_check_constrained_column_allows_exactly_its_enums_values(
    column: tuple[str, str], enum: type[StrEnum]
) -> None:
    assert closed_sets()[column] == {member.value for member in enum}


@pytest.mark.parametrize(
    ("column", "enum"), list(ENUM_COLUMNS.items()), ids=[".".join(k) for k in ENUM_COLUMNS]
)
def test_each_enum_value_fits_its_column(column: tuple[str, str], enum: type[StrEnum]) -> None:
    table, name = column
    length = metadata.tables[table].columns[name].type.length  # type: ignore[attr-defined]
    assert max(len(member.value) for member in enum) <= length
