"""Billing on both databases: the annual run, rebilling after each kind of change, payment on
account for a dwelling awaiting its band, and the command line.

Figures used throughout: TESTBURY's Band D for 2026/27 is £2,000.00, so band C (8/9) is
£1,777.78 a year and band A (6/9) £1,333.33. Bills are issued on 10 March 2026 (before the
year: 10 instalments, April to January) unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, exc, inspect, select, text

from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.domain.errors import DomainError
from reclaim.domain.liability import Circumstance, CircumstanceKind, Valuation
from reclaim.domain.properties import Band
from reclaim.imports.accounts import import_accounts
from reclaim.imports.payments import import_payments
from reclaim.money import Money
from reclaim.services.billing import bill_year, bills_of, current_bills
from reclaim.services.checks import run_checks
from reclaim.services.council_years import CouncilYear, set_year
from reclaim.services.liability_changes import (
    ask_for_instalments,
    end_circumstance,
    end_liability,
    record_circumstance,
    record_valuation,
)
from reclaim.store import bulk
from reclaim.store import tables as t
from reclaim.store.repositories import find_accounts
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import (
    ACCOUNT_HEADER,
    NOW,
    PAYMENT_HEADER,
    account_line,
    add_council,
    council_tax_line,
    payment_line,
    write_csv,
)
from tests.integration.test_cli import Reclaim, said
from tests.integration.test_ledger_store import DAMAGE, TAMPERING, disable_append_only

YEAR = FinancialYear(2026)
ISSUED = date(2026, 3, 10)
M = Money.parse


@pytest.fixture
def testbury(engine: Engine, tmp_path: Path) -> Engine:
    """TESTBURY with Band D £2,000.00 and these accounts: CT-1 band C all year (Direct Debit on
    the 15th), CT-2 band A from 1 July, CT-3 unbanded (a new build), CT-4 ended before the
    year, NNDR-1 a shop with rateable value £13,500."""
    add_council(engine)
    lines = [
        council_tax_line("CT-1", payment_method="direct_debit", instalment_day="15", uprn="1001"),
        council_tax_line(
            "CT-2", band="A", start_date="2026-07-01", address="2 Test Street", uprn="1002"
        ),
        council_tax_line("CT-3", band="unbanded", address="Plot 3, Test Street", uprn="1003"),
        council_tax_line(
            "CT-4", start_date="2020-04-01", end_date="2026-03-31", address="4 Test St"
        ),
        account_line(
            kind="business_rates",
            reference="NNDR-1",
            party_name="Shop Ltd",
            party_type="organisation",
            date_of_birth="",
            address="5 High Street",
            postcode="TE1 5HS",
            rateable_value="13500",
            amount="",
            due_date="",
            description="",
        ),
    ]
    with UnitOfWork(engine) as uow:
        set_year(uow.connection, CouncilYear("TESTBURY", YEAR, M("2000.00"), InstalmentDay.DAY_1))
        import_accounts(
            uow.connection,
            write_csv(tmp_path / "accounts.csv", ACCOUNT_HEADER, lines),
            today=date(2026, 3, 1),
            now=NOW,
        )
        uow.commit()
    return engine


def run_billing(engine: Engine, issued: date = ISSUED):
    with UnitOfWork(engine) as uow:
        run = bill_year(uow.connection, "TESTBURY", YEAR, issued_on=issued, today=issued)
        uow.commit()
    return run


def account_id(conn, reference: str) -> int:
    (found,) = find_accounts(conn, reference, "TESTBURY")
    return found


def in_force(engine: Engine, reference: str):
    with UnitOfWork(engine) as uow:
        return current_bills(bills_of(uow.connection, account_id(uow.connection, reference)))[YEAR]


def history(engine: Engine, reference: str):
    with UnitOfWork(engine) as uow:
        return bills_of(uow.connection, account_id(uow.connection, reference))


def balance(engine: Engine, reference: str) -> Money:
    with UnitOfWork(engine) as uow:
        pence = uow.connection.execute(
            select(t.account_balances.c.balance_pence).where(
                t.account_balances.c.account_id == account_id(uow.connection, reference)
            )
        ).scalar_one()
    return Money(pence)


def assert_invariants_hold(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        breaches = [b for result in run_checks(uow.connection) for b in result.breaches]
    assert breaches == []


def amounts(bill) -> list[str]:
    return [f"{i.due_date.isoformat()} {i.amount.format()}" for i in bill.instalments]


# ---- the annual run -------------------------------------------------------------------------


def test_the_annual_run_bills_every_liable_account_once(testbury):
    run = run_billing(testbury)
    assert run.billed == 3  # CT-1, CT-2, NNDR-1
    assert run.not_billed == {"the dwelling is awaiting its band from the Valuation Office": 1}
    ct1 = in_force(testbury, "CT-1")
    assert ct1.charge == M("1777.78")
    assert [(line.description, line.amount) for line in ct1.lines] == [
        ("band C for 2026/27", M("1777.78"))
    ]
    # 1,777.78 / 10 = 177.778 -> £178 for nine; the first is 1,777.78 - 9 x 178 = £175.78.
    assert amounts(ct1) == [
        "2026-04-15 £175.78",
        *[f"2026-{m:02d}-15 £178.00" for m in range(5, 13)],
        "2027-01-15 £178.00",
    ]
    assert balance(testbury, "CT-1") == M("1777.78")
    # CT-2 from 1 July: 274 of 365 days of £1,333.33 = £1,000.91 (1,333.33 x 274 / 365 =
    # 1,000.907); issued before the year, so 10 instalments from April on the default day.
    ct2 = in_force(testbury, "CT-2")
    assert ct2.charge == M("1000.91")
    assert ct2.instalments[0].due_date == date(2026, 4, 1)
    # NNDR-1: £13,500 x 43.2p (2026/27 small business multiplier) = £5,832.00; no relief has
    # been recorded for it (small business rate relief is a circumstance, awarded below).
    nndr = in_force(testbury, "NNDR-1")
    assert [(line.description, line.amount) for line in nndr.lines] == [
        ("rateable value £13,500.00 × small business multiplier 43.2p", M("5832.00"))
    ]
    assert_invariants_hold(testbury)


def test_small_business_rate_relief_awarded_mid_year_rebills_the_shop(testbury):
    run_billing(testbury)
    change(
        testbury,
        record_circumstance,
        "NNDR-1",
        Circumstance(CircumstanceKind.SMALL_BUSINESS_RELIEF, date(2026, 4, 1)),
        reason="only property; application received",
    )
    # (15,000 - 13,500) / 3,000 = 50% relief on the whole year: 5,832.00 - 2,916.00.
    nndr = in_force(testbury, "NNDR-1")
    assert [(line.description, line.amount) for line in nndr.lines] == [
        ("rateable value £13,500.00 × small business multiplier 43.2p", M("5832.00")),
        ("small business rate relief (50%)", M("-2916.00")),
    ]
    assert balance(testbury, "NNDR-1") == M("2916.00")
    assert_invariants_hold(testbury)


def test_running_again_bills_only_what_is_not_yet_billed(testbury, tmp_path):
    run_billing(testbury)
    again = run_billing(testbury)
    assert (again.billed, again.already_billed) == (0, 3)
    with UnitOfWork(testbury) as uow:
        import_accounts(
            uow.connection,
            write_csv(
                tmp_path / "more.csv",
                ACCOUNT_HEADER,
                [council_tax_line("CT-9", start_date="2026-05-01", address="9 Test Street")],
            ),
            today=date(2026, 5, 2),
            now=NOW,
        )
        uow.commit()
    late = run_billing(testbury, date(2026, 5, 20))
    assert (late.billed, late.already_billed) == (1, 3)
    # Issued 20 May: whole months left after May are 10, so 9 instalments; the first falls
    # on the default day (the 1st) at least 14 days on, 1 July, the last on 1 March.
    ct9 = in_force(testbury, "CT-9")
    assert len(ct9.instalments) == 9
    assert (ct9.instalments[0].due_date, ct9.instalments[-1].due_date) == (
        date(2026, 7, 1),
        date(2027, 3, 1),
    )
    assert_invariants_hold(testbury)


def foreign_keys(engine: Engine) -> dict[str, list[object]]:
    tables = ("bills", "postings", "plan_instalments")
    return {table: inspect(engine).get_foreign_keys(table) for table in tables}


def test_a_large_annual_run_checks_foreign_keys_once_at_the_end_and_keeps_them(
    testbury, monkeypatch
):
    # store.bulk.keys_checked_at_end, as for a million accounts: on PostgreSQL the keys of the
    # tables written are dropped and added back, which checks every row.
    monkeypatch.setattr(bulk, "KEYS_AT_END_FROM", 1)
    before = foreign_keys(testbury)
    assert run_billing(testbury).billed == 3
    assert foreign_keys(testbury) == before
    assert_invariants_hold(testbury)


def test_a_row_breaking_a_foreign_key_fails_a_load_with_keys_checked_at_the_end(
    testbury, monkeypatch
):
    monkeypatch.setattr(bulk, "KEYS_AT_END_FROM", 1)
    before = foreign_keys(testbury)
    columns = ("plan_id", "seq", "due_date", "amount_pence")
    with UnitOfWork(testbury) as uow, pytest.raises(exc.IntegrityError):
        with bulk.keys_checked_at_end(uow.connection, t.plan_instalments, 1):
            bulk.insert_rows(
                uow.connection, t.plan_instalments, columns, [(999_999, 1, "2026-04-01", 100)]
            )
        uow.commit()
    assert foreign_keys(testbury) == before
    with UnitOfWork(testbury) as uow:
        assert uow.connection.execute(text("SELECT COUNT(*) FROM plan_instalments")).scalar() == 0


@pytest.mark.parametrize(
    ("issued", "message"),
    [
        (date(2027, 4, 1), "cannot be issued after the year ends"),
        (date(2024, 12, 31), "cannot be issued before 1 January 2025"),
    ],
    ids=["after the year", "too early"],
)
def test_an_issue_date_outside_the_year_is_refused_and_nothing_is_written(
    testbury, issued, message
):
    with pytest.raises(DomainError, match=message):
        run_billing(testbury, issued)
    with UnitOfWork(testbury) as uow:
        assert uow.connection.execute(text("SELECT COUNT(*) FROM bills")).scalar_one() == 0


def test_a_year_without_band_d_is_refused_with_how_to_set_it(testbury):
    with UnitOfWork(testbury) as uow, pytest.raises(DomainError, match="reclaim council set"):
        bill_year(
            uow.connection,
            "TESTBURY",
            FinancialYear(2027),
            issued_on=date(2027, 3, 1),
            today=date(2027, 3, 1),
        )


# (append-only table, a statement that would change it); test_ledger_store tries the rest.
TAMPERING_WITH_BILLS = [
    ("bills", "UPDATE bills SET charge_pence = 1"),
    ("bills", "DELETE FROM bills"),
    ("instalment_plans", "UPDATE instalment_plans SET fingerprint = 'x'"),
    ("instalment_plans", "DELETE FROM instalment_plans"),
    ("plan_instalments", "UPDATE plan_instalments SET amount_pence = 1"),
    ("plan_instalments", "DELETE FROM plan_instalments"),
]


@pytest.mark.parametrize(("table", "statement"), TAMPERING_WITH_BILLS)
def test_bills_and_plans_cannot_be_changed_or_deleted(testbury, table, statement):
    run_billing(testbury)
    with UnitOfWork(testbury) as uow:
        before = uow.connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
    assert before  # the statement would touch rows
    with UnitOfWork(testbury) as uow, pytest.raises(exc.DBAPIError, match="never changed"):
        uow.connection.execute(text(statement))
    with UnitOfWork(testbury) as uow:
        after = uow.connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
    assert after == before


def test_every_append_only_table_is_tried_here_or_in_the_ledger_tests() -> None:
    from tests.integration.test_recovery_run import TAMPERING_WITH_RECOVERY

    tried = (
        {table for _, table, _ in TAMPERING}
        | {table for table, _ in TAMPERING_WITH_BILLS}
        | {table for table, _ in TAMPERING_WITH_RECOVERY}
    )
    assert tried == set(t.APPEND_ONLY)


# (what was done behind Reclaim's back, the table unguarded, the SQL, where check finds it)
BILL_DAMAGE = [
    (
        "an instalment of a plan edited",
        "plan_instalments",
        "UPDATE plan_instalments SET amount_pence = amount_pence + 1 WHERE seq = 2",
    ),
    ("a bill's charge edited", "bills", "UPDATE bills SET charge_pence = charge_pence - 1"),
    (
        "a bill's lines edited",
        "bills",
        'UPDATE bills SET lines = \'[{"description": "x", "amount_pence": 1}]\'',
    ),
    (
        "a bill's charge posting lost",
        "bills",
        "UPDATE bills SET posting_id = NULL",
    ),
]


@pytest.mark.parametrize(
    ("table", "statement"),
    [(table, statement) for _, table, statement in BILL_DAMAGE],
    ids=[name for name, _, _ in BILL_DAMAGE],
)
def test_reclaim_check_finds_bills_that_do_not_add_up(testbury, table, statement):
    run_billing(testbury)
    assert_invariants_hold(testbury)
    with UnitOfWork(testbury) as uow:
        disable_append_only(uow.connection, table)
        uow.connection.execute(text(statement))
        found = {result.invariant.code for result in run_checks(uow.connection) if result.breaches}
    assert "bills_add_up" in found


def test_the_damage_tables_break_every_invariant() -> None:
    from reclaim.domain.invariants import INVARIANTS

    # The audit log's chain is broken in tests/web/test_sign_in_and_audit.py.
    broken = {code for _, _, found in DAMAGE for code in found} | {
        "bills_add_up",
        "audit_log_chained",
    }
    assert broken == {inv.code for inv in INVARIANTS}


# ---- rebilling after each kind of change ----------------------------------------------------


def change(engine: Engine, action, reference: str, *args, issued=date(2026, 9, 20), **kw):
    with UnitOfWork(engine) as uow:
        changes = action(
            uow.connection,
            account_id(uow.connection, reference),
            *args,
            today=issued,
            issued_on=issued,
            **kw,
        )
        uow.commit()
    return changes


def test_a_single_person_discount_from_october_rebills_the_rest_of_the_year(testbury):
    run_billing(testbury)
    first = in_force(testbury, "CT-1")
    change(
        testbury,
        record_circumstance,
        "CT-1",
        Circumstance(CircumstanceKind.SINGLE_PERSON_DISCOUNT, date(2026, 10, 1)),
        reason="partner moved out",
    )
    new = in_force(testbury, "CT-1")
    # 1 Apr-30 Sep: 183/365 of 1,777.78 = 891.33; 1 Oct-31 Mar: 182/365 = 886.45, less 25%
    # (221.6125 -> 221.61) -> 1,556.17.
    assert [(line.description, line.amount.format()) for line in new.lines] == [
        ("1 Apr 2026 to 30 Sep 2026: band C for 2026/27, 183 of 365 days", "£891.33"),
        ("1 Oct 2026 to 31 Mar 2027: band C for 2026/27, 182 of 365 days", "£886.45"),
        ("1 Oct 2026 to 31 Mar 2027: single person discount (25%)", "-£221.61"),
    ]
    assert new.charge == M("1556.17")
    assert new.supersedes_id == first.id
    assert [b.id for b in history(testbury, "CT-1")] == [first.id, new.id]  # old one kept
    # Issued 20 Sep: the first new instalment is 15 Oct; April to September stand
    # (175.78 + 5 x 178 = 1,065.78); the remaining 490.39 is spread over Oct-Jan:
    # 490.39 / 4 = 122.60 -> £123 for three, the first £121.39.
    assert amounts(new)[:6] == amounts(first)[:6]
    assert amounts(new)[6:] == [
        "2026-10-15 £121.39",
        "2026-11-15 £123.00",
        "2026-12-15 £123.00",
        "2027-01-15 £123.00",
    ]
    assert balance(testbury, "CT-1") == M("1556.17")
    assert_invariants_hold(testbury)


@pytest.mark.parametrize(
    ("what", "action", "args", "charge"),
    [
        (
            "exemption class C from 1 Jan",
            record_circumstance,
            (Circumstance(CircumstanceKind.EXEMPTION, date(2027, 1, 1), detail="C"),),
            # 1 Apr - 31 Dec: 275/365 of 1,777.78 = 1,339.42
            "1339.42",
        ),
        (
            "Council Tax Reduction of £365.00 a year from 1 Apr",
            record_circumstance,
            (
                Circumstance(
                    CircumstanceKind.COUNCIL_TAX_REDUCTION, date(2026, 4, 1), amount=M("365.00")
                ),
            ),
            "1412.78",
        ),
        (
            "band change to D from 1 Oct",
            record_valuation,
            (Valuation(date(2026, 10, 1), band=Band.D),),
            # 891.33 (183 days of C) + 182/365 x 2,000.00 = 997.26 -> 1,888.59
            "1888.59",
        ),
        (
            "liability ends 30 Jun",
            end_liability,
            (),
            # 91/365 of 1,777.78 = 443.23
            "443.23",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_each_kind_of_change_rebills_with_the_new_charge(testbury, what, action, args, charge):
    run_billing(testbury)
    first = in_force(testbury, "CT-1")
    kw = {"last_day": date(2026, 6, 30)} if action is end_liability else {}
    change(testbury, action, "CT-1", *args, reason=what, **kw)
    new = in_force(testbury, "CT-1")
    assert new.charge == M(charge)
    assert new.supersedes_id == first.id
    assert sum((i.amount for i in new.instalments), Money.zero()) == new.charge
    assert what in new.reason
    assert balance(testbury, "CT-1") == M(charge)
    assert_invariants_hold(testbury)


def test_ending_a_discount_rebills_back_to_the_full_charge(testbury):
    run_billing(testbury)
    change(
        testbury,
        record_circumstance,
        "CT-1",
        Circumstance(CircumstanceKind.SINGLE_PERSON_DISCOUNT, date(2026, 4, 1)),
        reason="lives alone",
        issued=date(2026, 4, 2),
    )
    assert in_force(testbury, "CT-1").charge == M("1333.33")  # 1,777.78 less 444.45 (25%)
    change(
        testbury,
        end_circumstance,
        "CT-1",
        CircumstanceKind.SINGLE_PERSON_DISCOUNT,
        last_day=date(2026, 12, 31),
        reason="second adult moved in",
    )
    # 1 Apr - 31 Dec discounted: 275/365 of 1,777.78 = 1,339.42 less 334.86 = 1,004.56;
    # 1 Jan - 31 Mar full: 90/365 = 438.36 -> 1,442.92
    assert in_force(testbury, "CT-1").charge == M("1442.92")
    assert len(history(testbury, "CT-1")) == 3
    assert_invariants_hold(testbury)


def test_an_overpayment_after_liability_ends_is_a_credit(testbury, tmp_path):
    run_billing(testbury)
    with UnitOfWork(testbury) as uow:
        import_payments(
            uow.connection,
            write_csv(
                tmp_path / "pay.csv",
                PAYMENT_HEADER,
                [payment_line("CT-1", "1777.78", day="2026-04-10", channel="card")],
            ),
            today=date(2026, 4, 10),
            now=NOW,
        )
        uow.commit()
    change(testbury, end_liability, "CT-1", last_day=date(2026, 6, 30), reason="moved out")
    assert in_force(testbury, "CT-1").charge == M("443.23")
    assert balance(testbury, "CT-1") == M("-1334.55")  # a credit: 1,777.78 paid, 443.23 owed
    assert_invariants_hold(testbury)


def test_twelve_instalments_on_request_rebill_the_account(testbury):
    run_billing(testbury)
    change(
        testbury,
        ask_for_instalments,
        "CT-1",
        12,
        reason="letter of 8 April",
        issued=date(2026, 4, 10),
    )
    new = in_force(testbury, "CT-1")
    assert new.charge == M("1777.78")
    # April's instalment (£175.78) stands; issued 10 April, the 12-instalment scheme allows
    # 12 from the first day 14 days on (15 May): 11 months to March remain.
    # 1,602.00 / 11 = 145.64 -> £146 for ten, the first £142.00.
    assert amounts(new) == [
        "2026-04-15 £175.78",
        "2026-05-15 £142.00",
        *[f"2026-{m:02d}-15 £146.00" for m in range(6, 13)],
        *[f"2027-{m:02d}-15 £146.00" for m in range(1, 4)],
    ]
    assert_invariants_hold(testbury)


def test_a_change_that_changes_nothing_keeps_the_bill(testbury):
    run_billing(testbury)
    (result,) = change(
        testbury,
        record_circumstance,
        "CT-2",
        Circumstance(CircumstanceKind.SINGLE_PERSON_DISCOUNT, date(2027, 4, 1)),
        reason="from next year",
    )
    assert result.bill is None
    assert len(history(testbury, "CT-2")) == 1


# ---- payment on account for a dwelling awaiting its band ------------------------------------


def test_payments_on_account_are_held_and_applied_when_the_band_arrives(testbury, tmp_path):
    run_billing(testbury)
    assert history(testbury, "CT-3") == []
    with UnitOfWork(testbury) as uow:
        import_payments(
            uow.connection,
            write_csv(
                tmp_path / "pay.csv",
                PAYMENT_HEADER,
                [payment_line("CT-3", "300.00", day="2026-05-01", channel="card")],
            ),
            today=date(2026, 5, 1),
            now=NOW,
        )
        uow.commit()
    assert balance(testbury, "CT-3") == M("-300.00")  # held as a credit, awaiting the band
    (result,) = change(
        testbury,
        record_valuation,
        "CT-3",
        Valuation(date(2026, 4, 1), band=Band.C),
        reason="VOA banded the new dwelling",
    )
    bill = in_force(testbury, "CT-3")
    assert result.bill == bill
    assert bill.charge == M("1777.78")
    # Issued 20 Sep: 6 whole months left after September, so 5 instalments, November-March.
    assert [i.due_date.month for i in bill.instalments] == [11, 12, 1, 2, 3]
    assert balance(testbury, "CT-3") == M("1477.78")  # the £300 paid on account counts
    assert_invariants_hold(testbury)


# ---- the command line -----------------------------------------------------------------------


def test_reclaim_bill_and_account_show_json(testbury, database_url):
    reclaim = Reclaim(database_url)
    result = reclaim.json(
        "bill",
        "--council",
        "TESTBURY",
        "--year",
        "2026/27",
        "--issue-date",
        "2026-03-10",
        "--today",
        "2026-03-10",
    )
    assert result["billed"] == 3
    assert result["not_billed"] == {
        "the dwelling is awaiting its band from the Valuation Office": 1
    }
    assert (
        reclaim.json(
            "bill",
            "--council",
            "TESTBURY",
            "--year",
            "2026/27",
            "--issue-date",
            "2026-03-10",
        )["billed"]
        == 0
    )
    reclaim.ok(
        "account",
        "circumstance",
        "CT-1",
        "single_person_discount",
        "--from",
        "2026-10-01",
        "--reason",
        "partner moved out",
        "--issue-date",
        "2026-09-20",
        "--today",
        "2026-09-20",
    )
    shown = reclaim.json("account", "show", "CT-1")
    assert shown["schedule"][0] == {"due_date": "2026-04-15", "amount": "175.78"}
    assert shown["schedule"][6] == {"due_date": "2026-10-15", "amount": "121.39"}
    assert [(b["charge"], b["in_force"]) for b in shown["bills"]] == [
        ("1777.78", False),
        ("1556.17", True),
    ]
    assert shown["bills"][1]["lines"][2] == {
        "description": "1 Oct 2026 to 31 Mar 2027: single person discount (25%)",
        "amount": "-221.61",
    }
    text_view = said(reclaim.ok("account", "show", "CT-1"))
    assert "superseded" in text_view and "in force" in text_view


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("bill", "--council", "TESTBURY", "--year", "2026/27", "--issue-date", "2027-04-02"),
            "cannot be issued after the year ends",
        ),
        (
            ("bill", "--council", "NOWHERE", "--year", "2026/27", "--issue-date", "2026-03-10"),
            "there is no council NOWHERE",
        ),
        (
            ("bill", "--council", "TESTBURY", "--year", "2026/27", "--issue-date", "10/03/2026"),
            "is not a date",
        ),
        (
            (
                "account",
                "valuation",
                "CT-1",
                "--from",
                "2026-10-01",
                "--band",
                "Z",
                "--reason",
                "x",
            ),
            "is not a council tax band",
        ),
        (
            (
                "account",
                "valuation",
                "NNDR-1",
                "--from",
                "2026-10-01",
                "--rateable-value",
                "-5",
                "--reason",
                "x",
            ),
            "cannot be negative",
        ),
        (
            (
                "account",
                "circumstance",
                "CT-1",
                "sunshine",
                "--from",
                "2026-10-01",
                "--reason",
                "x",
            ),
            "is not a circumstance",
        ),
        (
            (
                "account",
                "circumstance",
                "CT-1",
                "charitable_relief",
                "--from",
                "2026-10-01",
                "--reason",
                "x",
            ),
            "does not apply to a Council tax account",
        ),
        (("account", "instalments", "CT-1", "11", "--reason", "x"), "10 or 12, not 11"),
        (
            ("account", "end", "CT-1", "--on", "2025-01-01", "--reason", "x"),
            "cannot end on 2025-01-01",
        ),
    ],
    ids=[
        "issue date after the year",
        "unknown council",
        "issue date not ISO",
        "unknown band",
        "negative rateable value",
        "unknown circumstance",
        "relief on council tax",
        "eleven instalments",
        "end before start",
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    testbury, database_url, args, message
):
    reclaim = Reclaim(database_url)
    reclaim.ok("bill", "--council", "TESTBURY", "--year", "2026/27", "--issue-date", "2026-03-10")
    before = [len(history(testbury, ref)) for ref in ("CT-1", "NNDR-1")]
    result = reclaim(*args)
    assert result.exit_code == 1, result.output
    assert message in said(result)
    assert [len(history(testbury, ref)) for ref in ("CT-1", "NNDR-1")] == before
    with UnitOfWork(testbury) as uow:
        assert uow.connection.execute(text("SELECT COUNT(*) FROM circumstances")).scalar_one() == 0
        assert uow.connection.execute(text("SELECT COUNT(*) FROM valuations")).scalar_one() == 0
