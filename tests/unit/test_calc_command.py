"""`reclaim calc instalments`: the statutory instalment calculator for officers and checks."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from reclaim.cli.main import app


def calc(*args: str):
    return CliRunner().invoke(app, ["calc", "instalments", *args])


def test_the_calculator_gives_each_due_date_and_amount_as_json():
    result = calc(
        "--amount",
        "1234.56",
        "--year",
        "2026/27",
        "--issue-date",
        "2026-03-10",
        "--instalments",
        "12",
        "--day",
        "last",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["instalments"][0] == {"due_date": "2026-04-30", "amount": "101.56"}
    assert data["instalments"][10] == {"due_date": "2027-02-28", "amount": "103.00"}
    assert len(data["instalments"]) == 12


def test_business_rates_use_their_own_scheme():
    result = calc(
        "--amount",
        "230.00",
        "--year",
        "2026/27",
        "--issue-date",
        "2026-03-01",
        "--kind",
        "business_rates",
        "--json",
    )
    amounts = [i["amount"] for i in json.loads(result.output)["instalments"]]
    assert amounts == ["56.00", "58.00", "58.00", "58.00"]


def test_a_day_of_31_is_refused_with_the_days_allowed():
    result = calc(
        "--amount", "100", "--year", "2026/27", "--issue-date", "2026-03-01", "--day", "31"
    )
    assert result.exit_code == 1
    assert "'31' is not an instalment day: choose one of 1, 5, 15, 24, last" in result.output


def test_an_issue_date_after_the_year_is_refused():
    result = calc("--amount", "100", "--year", "2026/27", "--issue-date", "2027-06-10")
    assert result.exit_code == 1
    assert "cannot be issued after the year ends" in result.output


def test_only_the_statutory_numbers_of_instalments_are_offered():
    result = calc(
        "--amount", "100", "--year", "2026/27", "--issue-date", "2026-03-01", "--instalments", "11"
    )
    assert result.exit_code == 1
    assert "the statutory schemes are 10, or 12 on request" in result.output
