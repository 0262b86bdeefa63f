"""``import_payments``: the daily payment file, allocated to accounts or held in suspense.

Every test runs on SQLite and on PostgreSQL. Each posted payment is allocated by the council's
policy with a reason for every allocation; a refused file posts nothing; and ``reclaim check``
finds no breach after any of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from reclaim.calendar import FinancialYear
from reclaim.domain.councils import YearOrder
from reclaim.domain.errors import DomainError, InputRefused, Problem
from reclaim.domain.ledger import Posting, PostingKind
from reclaim.imports.accounts import import_accounts
from reclaim.imports.history import ImportOutcome
from reclaim.imports.payments import import_payments
from reclaim.money import Money
from reclaim.services import councils
from reclaim.services.accounts import account_statement
from reclaim.services.payments import allocate_from_suspense, reverse_payment, suspense_list
from reclaim.store import tables as t
from reclaim.store.database import make_engine
from reclaim.store.repositories import write_postings
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import (
    ACCOUNT_HEADER,
    NOW,
    PAYMENT_HEADER,
    TODAY,
    account_line,
    add_council,
    council_tax_line,
    payment_line,
    write_csv,
)
from tests.integration.snapshots import breaches, snapshot

# Helpers ----------------------------------------------------------------------------------


def given_accounts(engine: Engine, tmp_path: Path, *lines: str) -> None:
    path = write_csv(tmp_path / "accounts.csv", ACCOUNT_HEADER, lines)
    with UnitOfWork(engine) as uow:
        import_accounts(uow.connection, path, today=TODAY, now=NOW)
        uow.commit()


def payments_file(tmp_path: Path, *lines: str, name: str = "payments.csv") -> Path:
    return write_csv(tmp_path / name, PAYMENT_HEADER, lines)


def pay(
    engine: Engine,
    tmp_path: Path,
    *lines: str,
    name: str = "payments.csv",
    council_code: str | None = None,
) -> ImportOutcome:
    path = payments_file(tmp_path, *lines, name=name)
    with UnitOfWork(engine) as uow:
        outcome = import_payments(
            uow.connection, path, today=TODAY, now=NOW, council_code=council_code
        )
        uow.commit()
    return outcome


def problems_paying(
    engine: Engine,
    tmp_path: Path,
    *lines: str,
    name: str = "payments.csv",
    council_code: str | None = None,
) -> list[Problem]:
    path = payments_file(tmp_path, *lines, name=name)
    with UnitOfWork(engine) as uow, pytest.raises(InputRefused) as refused:
        import_payments(uow.connection, path, today=TODAY, now=NOW, council_code=council_code)
    return refused.value.problems


def where(problems: list[Problem]) -> list[tuple[str | None, int | None, str | None]]:
    return [(p.file, p.line, p.field) for p in problems]


def balance(engine: Engine, reference: str, council_code: str | None = None) -> Money:
    with engine.connect() as conn:
        return account_statement(conn, reference, council_code).view.balance


def balance_by_year(engine: Engine, reference: str) -> dict[str, Money]:
    with engine.connect() as conn:
        s = account_statement(conn, reference)
    return {str(year): money for year, money in s.balance_by_year.items()}


def allocations(engine: Engine) -> list[tuple[str, str, str, Money, str]]:
    """(external id, account, financial year, amount, reason) of every payment posting (each
    is the record of one allocation), in order; the reason without its 'card payment X: '."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.channel, p.external_id, a.reference, x.financial_year, x.amount_pence, "
                "x.reason "
                "FROM postings x JOIN accounts a ON a.id = x.account_id "
                "JOIN payments p ON p.id = x.payment_id WHERE x.kind = 'payment' ORDER BY x.id"
            )
        ).all()
    result = []
    for channel, external_id, account, year, pence, reason in rows:
        prefix = f"{channel} payment {external_id}: "
        assert reason.startswith(prefix), reason
        result.append(
            (external_id, account, str(FinancialYear(year)), Money(-pence), reason[len(prefix) :])
        )
    return result


def payment_id(engine: Engine, external_id: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(t.payments.c.id).where(t.payments.c.external_id == external_id)
        ).scalar_one()


def payment_status(engine: Engine, external_id: str) -> str:
    with engine.connect() as conn:
        return conn.execute(
            select(t.payments.c.status).where(t.payments.c.external_id == external_id)
        ).scalar_one()


def party_reference(engine: Engine, name: str) -> str:
    with engine.connect() as conn:
        return conn.execute(
            select(t.parties.c.reference).where(t.parties.c.name == name)
        ).scalar_one()


def charge(engine: Engine, reference: str, amount: str, on: date, reason: str) -> None:
    """Post a charge straight onto an account's ledger (the annual bill, before billing exists)."""
    with UnitOfWork(engine) as uow:
        account = uow.connection.execute(
            select(t.accounts.c.id, t.account_balances.c.version)
            .join(t.account_balances)
            .where(t.accounts.c.reference == reference)
        ).one()
        posting = Posting(
            account_id=account.id,
            kind=PostingKind.CHARGE,
            amount=Money.parse(amount),
            financial_year=FinancialYear.containing(on),
            effective_date=on,
            posted_on=TODAY,
            reason=reason,
        )
        write_postings(uow.connection, [(account.id, account.version, [posting])])
        uow.commit()


@pytest.fixture
def council(engine: Engine) -> Engine:
    """The engine, with the council TESTBURY (England) added."""
    add_council(engine)
    return engine


@pytest.fixture
def sd1(council: Engine, tmp_path: Path) -> Engine:
    given_accounts(council, tmp_path, account_line(reference="SD-1", amount="100.00"))
    return council


# Allocation to an account -----------------------------------------------------------------


def test_a_payment_to_an_account_reference_is_allocated_to_that_account(sd1, tmp_path):
    outcome = pay(sd1, tmp_path, payment_line("SD-1", "40.00", external_id="TX-1"))

    assert outcome.status == "imported"
    summary = outcome.summary
    assert (summary.received, summary.allocated, summary.to_suspense) == (1, 1, 0)
    assert (summary.total, summary.suspense_total, summary.accounts_changed) == (
        Money(4000),
        Money(0),
        1,
    )
    assert balance(sd1, "SD-1") == Money(6000)
    assert allocations(sd1) == [
        (
            "TX-1",
            "SD-1",
            "2026/27",
            Money(4000),
            "oldest financial year first: 2026/27 had £100.00 outstanding",
        )
    ]
    with sd1.connect() as conn:
        postings = account_statement(conn, "SD-1").postings
    payment = postings[-1]
    assert (payment.kind, payment.amount, payment.effective_date, payment.posted_on) == (
        PostingKind.PAYMENT,
        Money(-4000),
        date(2026, 6, 1),
        TODAY,
    )
    assert payment.payment_id == payment_id(sd1, "TX-1")
    assert payment.reason == (
        "card payment TX-1: oldest financial year first: 2026/27 had £100.00 outstanding"
    )
    assert payment_status(sd1, "TX-1") == "allocated"
    assert breaches(sd1) == []


def test_a_payment_beyond_what_is_owed_becomes_a_credit_saying_so(sd1, tmp_path):
    pay(sd1, tmp_path, payment_line("SD-1", "150.00", external_id="TX-1"))

    assert balance(sd1, "SD-1") == Money(-5000)
    [(_, account, year, amount, reason)] = allocations(sd1)
    assert (account, year, amount) == ("SD-1", "2026/27", Money(15000))
    assert "2026/27 had £100.00 outstanding" in reason
    assert (
        "paid £50.00 more than was owed (£100.00 was due); held as a credit on SD-1 in 2026/27"
        in (reason)
    )
    assert breaches(sd1) == []


def test_a_payment_to_an_account_that_owes_nothing_is_all_credit(council, tmp_path):
    given_accounts(council, tmp_path, council_tax_line("CT-1"))

    pay(council, tmp_path, payment_line("CT-1", "20.00"))

    assert balance(council, "CT-1") == Money(-2000)
    [(_, _, _, _, reason)] = allocations(council)
    assert reason == (
        "paid £20.00 more than was owed (nothing was due); held as a credit on CT-1 in 2026/27"
    )
    assert breaches(council) == []


def test_payments_in_one_file_are_allocated_in_date_order_each_seeing_what_the_last_paid(
    sd1, tmp_path
):
    pay(
        sd1,
        tmp_path,
        payment_line("SD-1", "50.00", day="2026-06-02", external_id="LATER"),
        payment_line("SD-1", "80.00", day="2026-06-01", external_id="EARLIER"),
    )

    assert balance(sd1, "SD-1") == Money(-3000)
    assert [(e, amount) for e, _, _, amount, _ in allocations(sd1)] == [
        ("EARLIER", Money(8000)),
        ("LATER", Money(5000)),
    ]
    later_reason = allocations(sd1)[1][4]
    assert "2026/27 had £20.00 outstanding" in later_reason
    assert "paid £30.00 more than was owed" in later_reason
    assert breaches(sd1) == []


# Suspense ---------------------------------------------------------------------------------


def test_a_payment_whose_reference_matches_nothing_waits_in_suspense(sd1, tmp_path):
    outcome = pay(sd1, tmp_path, payment_line("SD-9", "25.00", external_id="PP-1"))

    assert (outcome.summary.allocated, outcome.summary.to_suspense) == (0, 1)
    assert outcome.summary.suspense_total == Money(2500)
    with sd1.connect() as conn:
        [waiting] = suspense_list(conn)
    assert (waiting.reference, waiting.amount, waiting.payment_date, waiting.channel) == (
        "SD-9",
        Money(2500),
        date(2026, 6, 1),
        "card",
    )
    assert (waiting.external_id, waiting.council_code) == ("PP-1", None)
    assert balance(sd1, "SD-1") == Money(10000)
    assert allocations(sd1) == []
    assert breaches(sd1) == []


def test_an_officer_moves_a_suspense_payment_onto_the_account_it_was_meant_for(sd1, tmp_path):
    pay(sd1, tmp_path, payment_line("SD-9", "25.00", external_id="PP-1"))
    waiting = payment_id(sd1, "PP-1")

    with UnitOfWork(sd1) as uow:
        lines = allocate_from_suspense(
            uow.connection, waiting, "SD-1", reason="payer phoned to confirm", today=TODAY
        )
        uow.commit()

    assert [(str(line.financial_year), line.amount) for line in lines] == [("2026/27", Money(2500))]
    assert balance(sd1, "SD-1") == Money(7500)
    with sd1.connect() as conn:
        assert suspense_list(conn) == []
    assert payment_status(sd1, "PP-1") == "allocated"
    [(_, account, _, amount, reason)] = allocations(sd1)
    assert (account, amount) == ("SD-1", Money(2500))
    assert reason.startswith("moved from suspense by an officer (payer phoned to confirm); ")
    assert breaches(sd1) == []


@pytest.mark.parametrize(
    ("to", "reason", "message"),
    [
        ("SD-404", "payer phoned", "no account or customer has the reference SD-404"),
        ("SD-1", "   ", "say why the payment belongs to that account"),
    ],
)
def test_moving_from_suspense_needs_a_known_reference_and_a_reason(
    sd1, tmp_path, to, reason, message
):
    pay(sd1, tmp_path, payment_line("SD-9", "25.00", external_id="PP-1"))
    waiting = payment_id(sd1, "PP-1")
    before = snapshot(sd1)

    with UnitOfWork(sd1) as uow, pytest.raises(DomainError, match=message):
        allocate_from_suspense(uow.connection, waiting, to, reason=reason, today=TODAY)

    assert snapshot(sd1) == before


def test_a_payment_already_allocated_cannot_be_moved_from_suspense(sd1, tmp_path):
    pay(sd1, tmp_path, payment_line("SD-1", "25.00", external_id="TX-1"))
    paid = payment_id(sd1, "TX-1")

    with UnitOfWork(sd1) as uow, pytest.raises(DomainError) as refused:
        allocate_from_suspense(uow.connection, paid, "SD-1", reason="again", today=TODAY)

    assert "is not in suspense (it is allocated)" in str(refused.value)


# Customer references and the council's policy ----------------------------------------------


@pytest.fixture
def customer(council: Engine, tmp_path: Path) -> Engine:
    """Dev Patel owes £100.00 on a sundry debt and £300.00 of council tax."""
    given_accounts(
        council,
        tmp_path,
        account_line(reference="SD-1", party_name="Dev Patel", amount="100.00"),
        council_tax_line("CT-1", party_name="Dev Patel"),
    )
    charge(council, "CT-1", "300.00", date(2026, 4, 1), "Council tax 2026/27")
    return council


def test_a_customer_reference_shares_a_payment_across_their_accounts_council_tax_first(
    customer, tmp_path
):
    reference = party_reference(customer, "Dev Patel")
    assert reference.startswith("P")

    outcome = pay(customer, tmp_path, payment_line(reference, "350.00", external_id="TX-1"))

    assert outcome.summary.accounts_changed == 2
    assert balance(customer, "CT-1") == Money(0)
    assert balance(customer, "SD-1") == Money(5000)
    assert [(a, amount) for _, a, _, amount, _ in allocations(customer)] == [
        ("CT-1", Money(30000)),
        ("SD-1", Money(5000)),
    ]
    reasons = [reason for *_, reason in allocations(customer)]
    assert reasons[0].startswith(
        "customer payment shared by the council's priority order (account 1 of 2, Council tax)"
    )
    assert reasons[1].startswith(
        "customer payment shared by the council's priority order (account 2 of 2, Sundry debt)"
    )
    assert breaches(customer) == []


def test_the_councils_priority_order_decides_which_account_a_customer_payment_fills_first(
    customer, tmp_path
):
    with UnitOfWork(customer) as uow:
        councils.set_policy(
            uow.connection,
            "TESTBURY",
            None,
            "sundry_debt,council_tax,rent,business_rates,hb_overpayment,"
            "former_tenant_arrears,commercial_rent",
        )
        uow.commit()

    pay(customer, tmp_path, payment_line(party_reference(customer, "Dev Patel"), "150.00"))

    assert balance(customer, "SD-1") == Money(0)
    assert balance(customer, "CT-1") == Money(25000)
    assert breaches(customer) == []


def test_every_allocation_says_why_the_money_went_where_it_did(customer, tmp_path):
    pay(
        customer,
        tmp_path,
        payment_line(party_reference(customer, "Dev Patel"), "500.00", external_id="TX-1"),
        payment_line("SD-1", "20.00", external_id="TX-2"),
        payment_line("SD-9", "5.00", external_id="TX-3"),
    )

    shared = "customer payment shared by the council's priority order"
    assert sorted(allocations(customer)) == [
        (
            "TX-1",
            "CT-1",
            "2026/27",
            Money(40000),
            f"{shared} (account 1 of 2, Council tax); oldest financial year first: 2026/27 had "
            "£300.00 outstanding; then paid £100.00 more than was owed (£400.00 was due); held "
            "as a credit on CT-1 in 2026/27",
        ),
        (
            "TX-1",
            "SD-1",
            "2026/27",
            Money(10000),
            f"{shared} (account 2 of 2, Sundry debt); oldest financial year first: 2026/27 had "
            "£100.00 outstanding",
        ),
        (
            "TX-2",
            "SD-1",
            "2026/27",
            Money(2000),
            "paid £20.00 more than was owed (nothing was due); held as a credit on SD-1 in 2026/27",
        ),
    ]
    assert (balance(customer, "CT-1"), balance(customer, "SD-1")) == (Money(-10000), Money(-2000))
    assert breaches(customer) == []


@pytest.fixture
def two_years(council: Engine, tmp_path: Path) -> Engine:
    """RENT-1 owes £200.00 brought forward from 2025/26 and £300.00 charged in 2026/27."""
    given_accounts(
        council,
        tmp_path,
        account_line(
            kind="rent",
            reference="RENT-1",
            address="22 Elm Court",
            postcode="TE4 6LM",
            start_date="2024-10-07",
            amount="200.00",
            due_date="2025-12-01",
            description="Arrears brought forward",
        ),
    )
    charge(council, "RENT-1", "300.00", date(2026, 4, 6), "Rent April to June 2026")
    return council


def test_a_payment_fills_the_oldest_financial_year_first_by_default(two_years, tmp_path):
    pay(two_years, tmp_path, payment_line("RENT-1", "250.00"))

    assert balance_by_year(two_years, "RENT-1") == {"2025/26": Money(0), "2026/27": Money(25000)}
    assert [(year, amount) for _, _, year, amount, _ in allocations(two_years)] == [
        ("2025/26", Money(20000)),
        ("2026/27", Money(5000)),
    ]
    reasons = [reason for *_, reason in allocations(two_years)]
    assert reasons == [
        "oldest financial year first: 2025/26 had £200.00 outstanding",
        "oldest financial year first: 2026/27 had £300.00 outstanding",
    ]
    assert breaches(two_years) == []


def test_a_council_may_fill_the_current_financial_year_first(two_years, tmp_path):
    with UnitOfWork(two_years) as uow:
        councils.set_policy(uow.connection, "TESTBURY", YearOrder.CURRENT_FIRST, None)
        uow.commit()

    pay(two_years, tmp_path, payment_line("RENT-1", "250.00"))

    assert balance_by_year(two_years, "RENT-1") == {
        "2025/26": Money(20000),
        "2026/27": Money(5000),
    }
    [(_, _, year, amount, reason)] = allocations(two_years)
    assert (year, amount) == ("2026/27", Money(25000))
    assert reason == (
        "current financial year first, then the oldest: 2026/27 had £300.00 outstanding"
    )
    assert breaches(two_years) == []


def test_with_current_year_first_each_payment_in_a_file_fills_its_own_year_first(
    two_years, tmp_path
):
    with UnitOfWork(two_years) as uow:
        councils.set_policy(uow.connection, "TESTBURY", YearOrder.CURRENT_FIRST, None)
        uow.commit()

    pay(
        two_years,
        tmp_path,
        payment_line("RENT-1", "250.00", day="2026-06-01", external_id="JUNE"),
        payment_line("RENT-1", "100.00", day="2026-03-20", external_id="MARCH"),
    )

    assert [(e, year, amount) for e, _, year, amount, _ in allocations(two_years)] == [
        ("MARCH", "2025/26", Money(10000)),
        ("JUNE", "2026/27", Money(25000)),
    ]
    assert balance_by_year(two_years, "RENT-1") == {
        "2025/26": Money(10000),
        "2026/27": Money(5000),
    }
    assert breaches(two_years) == []


def test_with_current_year_first_what_the_current_year_does_not_need_goes_to_the_oldest(
    two_years, tmp_path
):
    with UnitOfWork(two_years) as uow:
        councils.set_policy(uow.connection, "TESTBURY", YearOrder.CURRENT_FIRST, None)
        uow.commit()

    pay(
        two_years,
        tmp_path,
        payment_line("RENT-1", "250.00", day="2026-06-01", external_id="FIRST"),
        payment_line("RENT-1", "100.00", day="2026-06-02", external_id="SECOND"),
    )

    assert [(e, year, amount) for e, _, year, amount, _ in allocations(two_years)] == [
        ("FIRST", "2026/27", Money(25000)),
        ("SECOND", "2026/27", Money(5000)),
        ("SECOND", "2025/26", Money(5000)),
    ]
    assert balance_by_year(two_years, "RENT-1") == {"2025/26": Money(15000), "2026/27": Money(0)}
    assert breaches(two_years) == []


# Duplicates and files posted before ---------------------------------------------------------


def test_the_same_payment_twice_in_one_file_is_refused_naming_both_lines(sd1, tmp_path):
    before = snapshot(sd1)

    problems = problems_paying(
        sd1,
        tmp_path,
        payment_line("SD-1", "10.00", external_id="TX-1"),
        payment_line("SD-1", "20.00", external_id="TX-2"),
        payment_line("SD-1", "10.00", external_id="TX-1"),
    )

    assert where(problems) == [("payments.csv", 4, "external_id")]
    assert problems[0].message == (
        "payment card TX-1 appears twice in this file (first on line 2); "
        "a payment is posted once only"
    )
    assert snapshot(sd1) == before


def test_a_payment_posted_from_an_earlier_file_is_refused_saying_when_and_from_which_file(
    sd1, tmp_path
):
    pay(sd1, tmp_path, payment_line("SD-1", "10.00", external_id="TX-1"), name="monday.csv")
    before = snapshot(sd1)

    problems = problems_paying(
        sd1,
        tmp_path,
        payment_line("SD-1", "20.00", external_id="TX-2"),
        payment_line("SD-1", "10.00", external_id="TX-1"),
        name="tuesday.csv",
    )

    assert where(problems) == [("tuesday.csv", 3, "external_id")]
    assert problems[0].message == (
        "payment card TX-1 (paid 2026-06-01, reference SD-1) was already posted from file "
        "monday.csv (imported 2026-06-12 09:30 UTC); a payment is posted once only"
    )
    assert snapshot(sd1) == before
    assert balance(sd1, "SD-1") == Money(9000)


@pytest.mark.parametrize("databases", ["postgresql"], indirect=True)
def test_an_earlier_import_is_named_by_its_utc_moment_whatever_the_session_time_zone(
    database_url, tmp_path
):
    """A council's PostgreSQL server may well run on London time (BST in June, UTC+1)."""
    london = make_engine(database_url, connect_args={"options": "-c timezone=Europe/London"})
    try:
        add_council(london)
        given_accounts(london, tmp_path, account_line(reference="SD-1"))
        pay(london, tmp_path, payment_line("SD-1", "10.00"), name="monday.csv")

        problems = problems_paying(
            london,
            tmp_path,
            payment_line("SD-1", "10.00"),
            payment_line("SD-1", "7.00", external_id="TX-2"),
            name="tuesday.csv",
        )

        assert "was already posted from file monday.csv (imported 2026-06-12 09:30" in (
            problems[0].message
        )
    finally:
        london.dispose()


def test_the_same_external_id_on_another_channel_is_another_payment(sd1, tmp_path):
    outcome = pay(
        sd1,
        tmp_path,
        payment_line("SD-1", "10.00", channel="card", external_id="0001"),
        payment_line("SD-1", "15.00", channel="cheque", external_id="0001"),
    )

    assert outcome.summary.allocated == 2
    assert balance(sd1, "SD-1") == Money(7500)
    assert breaches(sd1) == []


def test_the_same_payment_file_imported_twice_is_posted_once(sd1, tmp_path):
    first = pay(sd1, tmp_path, payment_line("SD-1", "10.00"))
    before = snapshot(sd1)

    again = pay(sd1, tmp_path, payment_line("SD-1", "10.00"))

    assert (again.status, again.import_id, again.summary) == (
        "already_imported",
        first.import_id,
        None,
    )
    assert "nothing was posted again" in again.message
    assert snapshot(sd1) == before
    assert balance(sd1, "SD-1") == Money(9000)
    assert breaches(sd1) == []


# References in more than one council ---------------------------------------------------------


@pytest.fixture
def two_councils(council: Engine, tmp_path: Path) -> Engine:
    """SD-1 in TESTBURY (£100.00) and SD-1 in OTHERTON (£70.00)."""
    add_council(council, "OTHERTON")
    given_accounts(
        council,
        tmp_path,
        account_line(reference="SD-1", amount="100.00"),
        account_line(reference="SD-1", council="OTHERTON", amount="70.00"),
    )
    return council


def test_a_reference_used_in_two_councils_is_refused_without_saying_which(two_councils, tmp_path):
    before = snapshot(two_councils)

    problems = problems_paying(two_councils, tmp_path, payment_line("SD-1", "10.00"))

    assert where(problems) == [("payments.csv", 2, "reference")]
    assert "reference SD-1 belongs to accounts in more than one council" in problems[0].message
    assert "--council" in problems[0].message
    assert snapshot(two_councils) == before


def test_naming_the_council_allocates_to_that_councils_account(two_councils, tmp_path):
    pay(two_councils, tmp_path, payment_line("SD-1", "10.00"), council_code="OTHERTON")

    assert balance(two_councils, "SD-1", "OTHERTON") == Money(6000)
    assert balance(two_councils, "SD-1", "TESTBURY") == Money(10000)
    assert breaches(two_councils) == []


def test_with_a_council_named_an_unmatched_payment_waits_in_that_councils_suspense(
    two_councils, tmp_path
):
    pay(two_councils, tmp_path, payment_line("SD-7", "10.00"), council_code="OTHERTON")

    with two_councils.connect() as conn:
        assert [i.council_code for i in suspense_list(conn, "OTHERTON")] == ["OTHERTON"]
        assert suspense_list(conn, "TESTBURY") == []
    assert breaches(two_councils) == []


def test_naming_a_council_that_does_not_exist_is_refused(sd1, tmp_path):
    problems = problems_paying(sd1, tmp_path, payment_line("SD-1"), council_code="NOWHERE")

    assert [p.message for p in problems] == ["there is no council NOWHERE"]


# Reversing a payment -----------------------------------------------------------------------


def test_a_reversed_payment_puts_the_balance_back_and_cannot_be_reversed_twice(sd1, tmp_path):
    pay(sd1, tmp_path, payment_line("SD-1", "40.00", external_id="DD-1", channel="direct_debit"))
    paid = payment_id(sd1, "DD-1")

    with UnitOfWork(sd1) as uow:
        [reversal] = reverse_payment(
            uow.connection, paid, on=TODAY, reason="ARUDD 0 refer to payer"
        )
        uow.commit()

    assert balance(sd1, "SD-1") == Money(10000)
    assert (reversal.kind, reversal.amount, reversal.payment_id) == (
        PostingKind.REVERSAL,
        Money(4000),
        paid,
    )
    assert reversal.reason == "payment DD-1 reversed: ARUDD 0 refer to payer"
    assert payment_status(sd1, "DD-1") == "reversed"
    assert len(allocations(sd1)) == 1, "the allocation stays as history"
    assert breaches(sd1) == []
    before = snapshot(sd1)

    with UnitOfWork(sd1) as uow, pytest.raises(DomainError) as refused:
        reverse_payment(uow.connection, paid, on=TODAY, reason="again")

    assert str(refused.value) == f"payment {paid} has already been reversed"
    assert snapshot(sd1) == before


def test_reversing_a_customer_payment_undoes_it_on_every_account(customer, tmp_path):
    pay(customer, tmp_path, payment_line(party_reference(customer, "Dev Patel"), "350.00"))

    paid = payment_id(customer, "TX-1")

    with UnitOfWork(customer) as uow:
        reversals = reverse_payment(uow.connection, paid, on=TODAY, reason="card charged back")
        uow.commit()

    assert len(reversals) == 2
    assert balance(customer, "CT-1") == Money(30000)
    assert balance(customer, "SD-1") == Money(10000)
    assert breaches(customer) == []


def test_a_payment_refunded_from_suspense_leaves_the_suspense_list(sd1, tmp_path):
    pay(sd1, tmp_path, payment_line("SD-9", "25.00", external_id="PP-1"))
    waiting = payment_id(sd1, "PP-1")

    with UnitOfWork(sd1) as uow:
        undone = reverse_payment(uow.connection, waiting, on=TODAY, reason="refunded to payer")
        uow.commit()

    assert undone == []
    assert payment_status(sd1, "PP-1") == "reversed"
    with sd1.connect() as conn:
        assert suspense_list(conn) == []
    assert breaches(sd1) == []


def test_reversing_a_payment_that_does_not_exist_is_refused(sd1):
    with UnitOfWork(sd1) as uow, pytest.raises(DomainError, match="there is no payment 999"):
        reverse_payment(uow.connection, 999, on=TODAY, reason="mistake")


# Refused rows and files: each leaves the database unchanged -------------------------------


@pytest.fixture
def untouched(sd1: Engine) -> Iterator[Engine]:
    """SD-1's database, proven unchanged after the test."""
    before = snapshot(sd1)
    yield sd1
    assert snapshot(sd1) == before


PAYMENT_PROBLEMS = [
    pytest.param(
        payment_line(day="2026-06-13"),
        "date",
        "2026-06-13 is in the future; a payment cannot be dated after today (2026-06-12)",
        id="dated after today",
    ),
    pytest.param(
        payment_line(day="31/06/2026"), "date", "'31/06/2026' is not a real date", id="bad date"
    ),
    pytest.param(payment_line(day=""), "date", "date is required", id="no date"),
    pytest.param(
        payment_line(amount="0.00"),
        "amount",
        "a payment must be more than £0.00, not £0.00",
        id="zero",
    ),
    pytest.param(
        payment_line(amount="-5.00"),
        "amount",
        "a payment must be more than £0.00, not -£5.00",
        id="negative",
    ),
    pytest.param(
        payment_line(amount="12.345"),
        "amount",
        "'12.345' is not an amount of money: more than two decimal places",
        id="bad money",
    ),
    pytest.param(payment_line(amount=""), "amount", "amount is required", id="no amount"),
    pytest.param(
        payment_line(channel="bitcoin"),
        "channel",
        "'bitcoin' is not a payment channel; use one of: direct_debit",
        id="unknown channel",
    ),
    pytest.param(payment_line(reference=""), "reference", "reference is required", id="no ref"),
    pytest.param(
        payment_line(reference="R" * 41),
        "reference",
        "a reference is at most 40 characters",
        id="reference too long",
    ),
    pytest.param(
        payment_line(external_id=""), "external_id", "external_id is required", id="no ext id"
    ),
    pytest.param(
        payment_line() + ",surplus",
        None,
        "the row has 6 cells but the header has 5",
        id="too many cells",
    ),
]


@pytest.mark.parametrize(("bad_line", "field", "phrase"), PAYMENT_PROBLEMS)
def test_a_bad_payment_line_is_refused_naming_its_line_field_and_reason(
    untouched, tmp_path, bad_line, field, phrase
):
    problems = problems_paying(
        untouched, tmp_path, payment_line("SD-1", external_id="GOOD-1"), bad_line
    )

    assert where(problems) == [("payments.csv", 3, field)], problems
    assert phrase in problems[0].message


def test_a_payment_file_missing_a_column_is_refused_on_line_1(untouched, tmp_path):
    path = write_csv(tmp_path / "payments.csv", "date,reference,amount,channel", [])

    with UnitOfWork(untouched) as uow, pytest.raises(InputRefused) as refused:
        import_payments(uow.connection, path, today=TODAY, now=NOW)

    assert where(refused.value.problems) == [("payments.csv", 1, "external_id")]
    assert refused.value.problems[0].message == "the header has no 'external_id' column"


def test_a_payment_file_with_only_a_header_is_refused(untouched, tmp_path):
    problems = problems_paying(untouched, tmp_path)

    assert where(problems) == [("payments.csv", 2, None)]
    assert problems[0].message == "the file has a header but no payments"


def test_blank_lines_and_rows_of_empty_cells_in_a_payment_file_are_skipped(sd1, tmp_path):
    lines = [payment_line("SD-1", "10.00"), "", ",,,,", payment_line("SD-1", "5.00", day="x")]

    problems = problems_paying(sd1, tmp_path, *lines)

    assert where(problems) == [("payments.csv", 5, "date")]
    outcome = pay(sd1, tmp_path, *lines[:3], payment_line("SD-1", "5.00", external_id="TX-2"))
    assert outcome.rows == 2
