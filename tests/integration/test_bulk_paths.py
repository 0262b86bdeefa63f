"""Batches large enough to take the bulk paths: a payment file of hundreds of lines, the
one-statement balance update PostgreSQL uses for big batches, and ANALYZE after big loads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from reclaim.bench import synthetic
from reclaim.cli.main import app
from reclaim.domain.errors import ConcurrentChange
from reclaim.imports.accounts import import_accounts
from reclaim.imports.payments import import_payments
from reclaim.money import Money
from reclaim.services.checks import run_checks
from reclaim.store.repositories import bump_versions
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import (
    ACCOUNT_HEADER,
    NOW,
    PAYMENT_HEADER,
    TODAY,
    account_line,
    add_council,
    payment_line,
    write_csv,
)

ACCOUNTS = 300


@pytest.fixture
def many_invoices(engine: Engine, tmp_path: Path) -> Engine:
    """300 sundry invoices of £100.00 each, due 1 May 2026."""
    add_council(engine)
    lines = [account_line(reference=f"SD-{n}", party_name=f"Person {n}") for n in range(ACCOUNTS)]
    path = write_csv(tmp_path / "accounts.csv", ACCOUNT_HEADER, lines)
    with UnitOfWork(engine) as uow:
        import_accounts(uow.connection, path, today=TODAY, now=NOW)
        uow.commit()
    return engine


def test_a_payment_file_of_hundreds_of_lines_is_posted_in_full_and_every_invariant_holds(
    many_invoices: Engine, tmp_path: Path
) -> None:
    # Two payments to every account: £30.00 then £90.00, so the second pays off the last
    # £70.00 and leaves £20.00 in credit.
    lines = [
        payment_line(f"SD-{n}", "30.00", day="2026-05-02", external_id=f"A-{n}")
        for n in range(ACCOUNTS)
    ] + [
        payment_line(f"SD-{n}", "90.00", day="2026-05-03", external_id=f"B-{n}")
        for n in range(ACCOUNTS)
    ]
    path = write_csv(tmp_path / "payments.csv", PAYMENT_HEADER, lines)
    with UnitOfWork(many_invoices) as uow:
        outcome = import_payments(uow.connection, path, today=TODAY, now=NOW)
        uow.commit()
    assert outcome.summary is not None
    assert outcome.summary.allocated == 2 * ACCOUNTS
    assert outcome.summary.accounts_changed == ACCOUNTS
    with UnitOfWork(many_invoices) as uow:
        balances = uow.connection.execute(
            text("SELECT DISTINCT balance_pence, version FROM account_balances")
        ).all()
        reasons = (
            uow.connection.execute(
                text(
                    "SELECT reason FROM postings WHERE kind = 'payment' AND account_id = "
                    "(SELECT id FROM accounts WHERE reference = 'SD-7') ORDER BY id"
                )
            )
            .scalars()
            .all()
        )
        assert all(not r.breaches for r in run_checks(uow.connection))
    assert balances == [(Money.parse("-20.00").pence, 2)]
    assert reasons == [
        "card payment A-7: oldest financial year first: 2026/27 had £100.00 outstanding",
        "card payment B-7: oldest financial year first: 2026/27 had £70.00 outstanding; then "
        "paid £20.00 more than was owed (£70.00 was due); held as a credit on SD-7 in 2026/27",
    ]


def test_a_big_batch_refuses_to_write_when_any_account_has_changed_since_it_was_read(
    many_invoices: Engine,
) -> None:
    with UnitOfWork(many_invoices) as uow:
        ids = uow.connection.execute(text("SELECT id FROM accounts ORDER BY id")).scalars().all()
        uow.connection.execute(
            text("UPDATE account_balances SET version = 5 WHERE account_id = :id"),
            {"id": ids[-1]},
        )
        uow.commit()
    moves = [{"a": account_id, "v": 1, "d": 100} for account_id in ids]
    with (
        UnitOfWork(many_invoices) as uow,
        pytest.raises(ConcurrentChange, match=r"^1 of the accounts changed"),
    ):
        bump_versions(uow.connection, moves)
    with UnitOfWork(many_invoices) as uow:
        assert (
            uow.connection.execute(
                text("SELECT COUNT(*) FROM account_balances WHERE balance_pence <> 10000")
            ).scalar_one()
            == 0
        )


def test_reclaim_bench_measures_every_step_and_writes_the_figures(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(
        app, ["bench", "--sizes", "300", "--payments", "200", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    lines = synthetic.write_accounts(tmp_path / "same.csv", 300).read_text().splitlines()[1:]
    billable = sum(
        1 for line in lines if ",business_rates," in line or ",council_tax," in line
    ) - sum(1 for line in lines if ",unbanded," in line)
    paid_to_date = sum(
        len(p.read_text().splitlines()) - 1
        for p in synthetic.write_payments_to_date(tmp_path, 300, date(2026, 6, 12))
    )
    steps = [(f["step"], f["size"], f["items"]) for f in figures["figures"]]
    assert steps == [
        ("import_accounts", 300, 300),
        ("bill", 300, billable),
        ("pay_to_date", 300, paid_to_date),
        ("post_payments", 300, 200),
        ("recovery", 300, steps[4][2]),
        ("arrears_bare", 300, steps[5][2]),
        ("letters", 300, steps[6][2]),
        ("check", 300, 300),
    ]
    # Every step the run took that sends a letter has its letter produced.
    assert 0 < steps[6][2] <= steps[4][2]
    # The run reads every year billed with a charge (exempt ones owe nothing); the bare pass
    # counts those in arrears: the population pays as a real one does, so most are not.
    assert 0 < steps[5][2] <= steps[4][2] <= billable
    assert steps[5][2] < 0.2 * billable
    assert paid_to_date > 2 * 300
    assert all(f["seconds"] > 0 and f["peak_memory_mib"] > 0 for f in figures["figures"])
    assert figures["machine"]["cores"] >= 1
    # The run against the bare pass, printed and written.
    run, bare = figures["figures"][4]["seconds"], figures["figures"][5]["seconds"]
    assert figures["recovery_against_bare"] == [
        {"accounts": 300, "recovery_seconds": run, "bare_seconds": bare,
         "ratio": round(run / bare, 2)}
    ]  # fmt: skip
    assert "Recovery run against the bare arrears pass at 300 accounts" in result.output


def test_an_account_without_its_balance_record_is_a_breach_that_names_it(
    many_invoices: Engine,
) -> None:
    with UnitOfWork(many_invoices) as uow:
        uow.connection.execute(
            text(
                "DELETE FROM account_balances WHERE account_id = "
                "(SELECT id FROM accounts WHERE reference = 'SD-12')"
            )
        )
        found = [
            (b.where, b.detail)
            for r in run_checks(uow.connection)
            if r.invariant.code == "balance_is_sum_of_postings"
            for b in r.breaches
        ]
    assert found == [("account SD-12", "has no balance record")]
