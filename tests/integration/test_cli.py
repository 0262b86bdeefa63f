"""The ``reclaim`` command line, driven through Typer's CliRunner on SQLite and PostgreSQL.

Exit codes: 0 done; 1 refused (bad input, a rule, a breach found by check); 2 usage. Every
``--json`` output follows the conventions in reclaim.cli.output: money as strings of pounds
and pence, ISO dates, financial years as "2026/27", absent values as null.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from reclaim.cli.main import app
from reclaim.imports.accounts import import_accounts
from reclaim.store.database import head_revision
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import (
    ACCOUNT_HEADER,
    NOW,
    PAYMENT_HEADER,
    TODAY,
    account_line,
    council_tax_line,
    payment_line,
    write_csv,
)

DAY = TODAY.isoformat()  # "2026-06-12", the --today of every command here


class Reclaim:
    """Runs ``reclaim`` commands against one database, wide enough that nothing wraps."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str | Path) -> Result:
        return self.runner.invoke(
            app,
            [str(a) for a in args],
            env={"RECLAIM_DATABASE_URL": self.url, "COLUMNS": "1000", "NO_COLOR": "1"},
        )

    def ok(self, *args: str | Path) -> Result:
        result = self(*args)
        assert result.exit_code == 0, result.output
        return result

    def json(self, *args: str | Path) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)


def said(result: Result) -> str:
    """Everything printed (stdout and stderr), with line wrapping and runs of spaces undone.

    Rich wraps at the terminal's width, which under pytest-xdist is fixed at 80 columns when
    the console is created, whatever COLUMNS a test passes.
    """
    return " ".join(result.output.split())


def table_rows(result: Result) -> str:
    """Everything printed, with the rules of Rich tables squeezed out as well."""
    return " ".join(re.sub(r"[│┃|]", " ", result.output).split())


@pytest.fixture
def reclaim(database_url: str) -> Reclaim:
    return Reclaim(database_url)


@pytest.fixture
def testbury(reclaim: Reclaim) -> Reclaim:
    reclaim.ok("council", "add", "TESTBURY", "--name", "Testbury Council", "--country", "england")
    return reclaim


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of each kind that was never set up."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    name = f"reclaim_blank_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def given_accounts(engine: Engine, tmp_path: Path, *lines: str) -> None:
    """Accounts imported directly (not through the command line), as set-up."""
    path = write_csv(tmp_path / "given.csv", ACCOUNT_HEADER, lines)
    with UnitOfWork(engine) as uow:
        import_accounts(uow.connection, path, today=TODAY, now=NOW)
        uow.commit()


def accounts_csv(tmp_path: Path, *lines: str) -> Path:
    return write_csv(tmp_path / "accounts.csv", ACCOUNT_HEADER, lines)


def payments_csv(tmp_path: Path, *lines: str) -> Path:
    return write_csv(tmp_path / "payments.csv", PAYMENT_HEADER, lines)


# Setting up ---------------------------------------------------------------------------------


def test_a_command_on_a_database_never_set_up_says_to_run_init_and_init_is_repeatable(
    blank_database_url,
):
    reclaim = Reclaim(blank_database_url)

    refused = reclaim("council", "list")
    assert refused.exit_code == 1
    assert "is not set up or is out of date: run 'reclaim init' first" in said(refused)

    created = reclaim.ok("init")
    assert said(created).startswith("Created the database ")
    assert said(created).endswith(f"(schema {head_revision()}).")

    again = reclaim.ok("init")
    assert said(again).startswith("The database ")
    assert said(again).endswith(f" is up to date (schema {head_revision()}).")
    assert reclaim.json("council", "list") == []


def test_a_council_is_added_and_listed_with_the_default_allocation_policy(reclaim):
    added = reclaim.ok(
        "council", "add", "WESTSHIRE", "--name", "Westshire Council", "--country", "england"
    )

    assert said(added) == "Added Westshire Council (WESTSHIRE, England)."
    assert reclaim.json("council", "list") == [
        {
            "code": "WESTSHIRE",
            "name": "Westshire Council",
            "country": "england",
            "allocation_within_account": "oldest_first",
            "allocation_priority": [
                "council_tax",
                "rent",
                "business_rates",
                "hb_overpayment",
                "former_tenant_arrears",
                "commercial_rent",
                "sundry_debt",
            ],
        }
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("TESTBURY", "Error: council TESTBURY already exists. Nothing was changed."),
        ("testbury", "Error: 'testbury' is not a council code"),
    ],
)
def test_a_council_that_exists_or_has_a_bad_code_is_refused(testbury, code, message):
    result = testbury("council", "add", code, "--name", "Another", "--country", "wales")

    assert result.exit_code == 1
    assert message in said(result)
    assert [c["name"] for c in testbury.json("council", "list")] == ["Testbury Council"]


def test_an_unknown_country_is_a_usage_error(reclaim):
    result = reclaim("council", "add", "ALBA", "--name", "Alba Council", "--country", "scotland")

    assert result.exit_code == 2
    assert "scotland" in said(result)
    assert reclaim.json("council", "list") == []


def test_a_council_can_choose_to_fill_the_current_year_first(testbury):
    set_ = testbury.ok("council", "policy", "TESTBURY", "--within", "current_first")

    assert "TESTBURY: payments go current financial year first, then the oldest" in said(set_)
    [council] = testbury.json("council", "list")
    assert council["allocation_within_account"] == "current_first"


# Importing accounts ------------------------------------------------------------------------


def test_importing_accounts_reports_as_json(testbury, tmp_path):
    path = accounts_csv(tmp_path, account_line(reference="SD-1"), account_line(reference="SD-2"))

    imported = testbury.json("import", "accounts", path, "--today", DAY)

    assert isinstance(imported.pop("import_id"), int)
    assert imported.pop("imported_at").endswith("+00:00")
    assert imported == {"status": "imported", "file": "accounts.csv", "rows": 2}
    assert testbury.json("account", "show", "SD-2")["balance"] == "100.00"


def test_a_bad_accounts_file_exits_1_naming_the_line_and_field_and_changes_nothing(
    testbury, engine, tmp_path
):
    path = accounts_csv(
        tmp_path, account_line(reference="SD-1"), council_tax_line("CT-1", band="I")
    )

    result = testbury("import", "accounts", path, "--today", DAY)

    assert result.exit_code == 1
    assert "Nothing was changed. Please correct these and try again:" in said(result)
    assert "accounts.csv 3 band band I exists only in Wales" in table_rows(result)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM accounts")).scalar_one() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM imports")).scalar_one() == 0


# Importing payments ------------------------------------------------------------------------


def test_a_payment_import_reports_as_json_with_money_as_strings(testbury, engine, tmp_path):
    given_accounts(engine, tmp_path, account_line(reference="SD-1"))
    path = payments_csv(
        tmp_path,
        payment_line("SD-1", "10.00", external_id="TX-1"),
        payment_line("SD-9", "25.50", external_id="TX-2"),
    )

    paid = testbury.json("import", "payments", path, "--today", DAY)

    assert isinstance(paid.pop("import_id"), int)
    assert paid.pop("imported_at").endswith("+00:00")
    assert paid == {
        "status": "imported",
        "file": "payments.csv",
        "rows": 2,
        "allocated": 1,
        "suspense": 1,
        "total": "35.50",
        "suspense_total": "25.50",
        "accounts_changed": 1,
    }
    assert testbury.json("account", "show", "SD-1")["balance"] == "90.00"


def test_a_payment_file_imported_again_reports_the_first_import(testbury, engine, tmp_path):
    given_accounts(engine, tmp_path, account_line(reference="SD-1"))
    path = payments_csv(tmp_path, payment_line("SD-1", "10.00"))
    first = testbury.json("import", "payments", path, "--today", DAY)

    again = testbury.json("import", "payments", path, "--today", DAY)

    assert again == {
        "status": "already_imported",
        "import_id": first["import_id"],
        "file": "payments.csv",
        "rows": 1,
        "imported_at": first["imported_at"],
    }
    assert testbury.json("account", "show", "SD-1")["balance"] == "90.00"
    as_text = testbury.ok("import", "payments", path, "--today", DAY)
    assert "This file was already imported on " in said(as_text)
    assert "nothing was posted again." in said(as_text)


def test_a_refused_payment_file_exits_1_naming_the_line_and_field(testbury, engine, tmp_path):
    given_accounts(engine, tmp_path, account_line(reference="SD-1"))
    path = payments_csv(tmp_path, payment_line("SD-1", day="2026-06-13"))

    result = testbury("import", "payments", path, "--today", DAY)

    assert result.exit_code == 1
    assert "Nothing was changed. Please correct these and try again:" in said(result)
    assert "payments.csv 2 date 2026-06-13 is in the future;" in table_rows(result)
    assert testbury.json("account", "show", "SD-1")["balance"] == "100.00"


def test_a_bad_today_option_exits_1(testbury, tmp_path):
    path = payments_csv(tmp_path, payment_line("SD-1"))

    result = testbury("import", "payments", path, "--today", "12/06/2026")

    assert result.exit_code == 1
    assert "--today '12/06/2026' is not a date: write it as 2026-04-01" in said(result)


# Looking at an account -------------------------------------------------------------------------


def test_account_show_json_gives_the_whole_account(testbury, engine, tmp_path):
    given_accounts(engine, tmp_path, account_line(reference="SD-1", amount="£1,234.56"))
    testbury.ok(
        "import",
        "payments",
        payments_csv(tmp_path, payment_line("SD-1", "34.56", external_id="TX-1")),
        "--today",
        DAY,
    )

    shown = testbury.json("account", "show", "SD-1")

    [party] = shown["parties"]
    assert re.fullmatch(r"P\d{8}", party["reference"])
    charge, payment = shown["postings"]
    assert isinstance(charge["id"], int)
    assert isinstance(payment["id"], int)
    assert isinstance(payment["payment_id"], int)
    assert shown == {
        "reference": "SD-1",
        "council": "TESTBURY",
        "kind": "sundry_debt",
        "balance": "1200.00",
        "balance_by_year": {"2026/27": "1200.00"},
        "start_date": "2026-04-01",
        "end_date": None,
        "payment_method": "other",
        "instalment_day": None,
        "instalments": None,
        "description": "Test invoice",
        "version": 2,
        "parties": [
            {
                "reference": party["reference"],
                "name": "Alex Example",
                "type": "person",
                "date_of_birth": "1970-05-05",
            }
        ],
        "property": None,
        "postings": [
            {
                "id": charge["id"],
                "kind": "charge",
                "amount": "1234.56",
                "financial_year": "2026/27",
                "effective_date": "2026-05-01",
                "posted_on": "2026-06-12",
                "reason": "Test invoice: imported from given.csv line 2",
                "reverses": None,
                "payment_id": None,
            },
            {
                "id": payment["id"],
                "kind": "payment",
                "amount": "-34.56",
                "financial_year": "2026/27",
                "effective_date": "2026-06-01",
                "posted_on": "2026-06-12",
                "reason": "card payment TX-1: oldest financial year first: "
                "2026/27 had £1,234.56 outstanding",
                "reverses": None,
                "payment_id": payment["payment_id"],
            },
        ],
        "schedule": [{"due_date": "2026-05-01", "amount": "1234.56"}],
        "schedule_set_by": {
            "kind": "invoice",
            "total": "1234.56",
            "reason": "Test invoice: due 2026-05-01",
        },
        "bills": [],
        "holds": [],
        "documents": [],
        "recovery": {"stage": "none", "events": []},
    }


def test_account_show_json_gives_a_council_tax_property_and_no_schedule(testbury, engine, tmp_path):
    given_accounts(
        engine,
        tmp_path,
        council_tax_line(
            "CT-1",
            uprn="100000000001",
            party_name="Ben Smith;Carla Smith",
            date_of_birth="1980-07-01;1982-11-23",
        ),
    )

    shown = testbury.json("account", "show", "CT-1")

    assert (shown["balance"], shown["balance_by_year"], shown["postings"]) == ("0.00", {}, [])
    assert shown["schedule"] is None
    assert shown["property"] == {
        "address": "1 Test Street",
        "postcode": "TE1 1ST",
        "uprn": "100000000001",
        "band": "C",
        "rateable_value": None,
    }
    assert [(p["name"], p["type"]) for p in shown["parties"]] == [
        ("Ben Smith", "person"),
        ("Carla Smith", "person"),
    ]


def test_account_show_for_an_unknown_reference_exits_1(testbury):
    result = testbury("account", "show", "NOPE-1")

    assert result.exit_code == 1
    assert "there is no account with the reference NOPE-1" in said(result)


def test_account_show_without_json_prints_the_account_for_people(testbury, engine, tmp_path):
    given_accounts(engine, tmp_path, account_line(reference="SD-1"))

    shown = said(testbury.ok("account", "show", "SD-1"))

    assert "SD-1 Sundry debt · Testbury Council balance £100.00" in shown
    assert "liable: Alex Example (person, born 05 May 1970)" in shown
    assert "Ledger" in shown


# Suspense and reversal -----------------------------------------------------------------------


def test_a_suspense_payment_is_listed_allocated_and_reversed_from_the_command_line(
    testbury, engine, tmp_path
):
    given_accounts(engine, tmp_path, account_line(reference="SD-1"))
    testbury.ok(
        "import",
        "payments",
        payments_csv(tmp_path, payment_line("SD-9", "25.00", external_id="PP-1")),
        "--today",
        DAY,
    )

    [waiting] = testbury.json("suspense", "list")
    payment = waiting.pop("payment_id")
    assert isinstance(payment, int)
    assert waiting == {
        "date": "2026-06-01",
        "reference": "SD-9",
        "amount": "25.00",
        "channel": "card",
        "external_id": "PP-1",
        "council": None,
    }

    moved = testbury.ok(
        "suspense", "allocate", str(payment), "--to", "SD-1", "--reason", "payer phoned"
    )
    assert "£25.00 to 2026/27: moved from suspense by an officer (payer phoned)" in said(moved)
    assert testbury.json("suspense", "list") == []
    assert testbury.json("account", "show", "SD-1")["balance"] == "75.00"

    reversed_ = testbury.ok(
        "payment", "reverse", str(payment), "--reason", "cheque bounced", "--today", DAY
    )
    assert said(reversed_) == f"Reversed payment {payment}: 1 posting undone."
    shown = testbury.json("account", "show", "SD-1")
    assert shown["balance"] == "100.00"
    assert shown["postings"][-1]["kind"] == "reversal"
    assert shown["postings"][-1]["reverses"] == shown["postings"][-2]["id"]

    again = testbury("payment", "reverse", str(payment), "--reason", "again", "--today", DAY)
    assert again.exit_code == 1
    assert f"payment {payment} has already been reversed. Nothing was changed." in said(again)
    assert "All invariants hold." in said(testbury.ok("check"))


# reclaim check ---------------------------------------------------------------------------------


def test_check_passes_on_a_sound_database_and_fails_naming_a_corrupted_account(
    testbury, engine, tmp_path
):
    given_accounts(engine, tmp_path, account_line(reference="SD-1"))
    assert "All invariants hold." in said(testbury.ok("check"))

    with engine.begin() as conn:
        conn.execute(text("UPDATE account_balances SET balance_pence = balance_pence + 1"))

    broken = testbury("check")
    assert broken.exit_code == 1
    assert "account SD-1: balance says £100.01 but its postings add up to £100.00" in said(broken)
    assert "1 breach(es) found." in said(broken)
    as_json = testbury("check", "--json")
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert report["ok"] is False
    [balances] = [i for i in report["invariants"] if i["code"] == "balance_is_sum_of_postings"]
    assert balances["breaches"] == [
        {
            "where": "account SD-1",
            "detail": "balance says £100.01 but its postings add up to £100.00",
        }
    ]


# The bundled example -------------------------------------------------------------------------


def test_the_bundled_example_runs_end_to_end(tmp_path):
    db = tmp_path / "x.db"

    result = CliRunner().invoke(app, ["example", "--db", str(db)])

    assert result.exit_code == 0, result.output
    assert "The same payment file again: this file was already imported" in said(result)
    assert "Billed 5 accounts for 2026/27" in said(result)
    assert "not billed: 1 (the dwelling is awaiting its band" in said(result)
    assert "single person discount (25%)" in said(result)  # CT-1000001's bill
    assert "Done." in said(result)
    assert db.exists()
