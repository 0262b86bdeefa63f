"""The stored ledger, on SQLite and PostgreSQL: append-only rows, units of work, optimistic
concurrency, and ``reclaim check`` finding each kind of damage done behind Reclaim's back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Connection, Engine, exc, select, text

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.accounts import AccountKind, PaymentMethod
from reclaim.domain.errors import ConcurrentChange, DomainError, PostingRefused
from reclaim.domain.invariants import INVARIANTS
from reclaim.domain.ledger import Posting, PostingKind, posting_hash
from reclaim.domain.payments import Payment
from reclaim.domain.schedules import Instalment, Schedule, ScheduleKind
from reclaim.money import Money
from reclaim.services import councils
from reclaim.services.checks import run_checks
from reclaim.services.payments import (
    IncomingPayment,
    allocate_from_suspense,
    post_payments,
    reverse_payment,
)
from reclaim.store import tables as t
from reclaim.store.repositories import (
    add_schedules,
    count_rows,
    get_council,
    load_ledger,
    postings_of,
    write_postings,
)
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import NOW, TODAY

COUNCIL = "TESTBURY"
YEAR = FinancialYear(2025)
APPEND_ONLY_REFUSAL = "never changed or deleted"


# ---- building a small ledger -----------------------------------------------------------------


def add_account(
    conn: Connection, reference: str, kind: AccountKind = AccountKind.SUNDRY_DEBT
) -> int:
    stored = get_council(conn, COUNCIL)
    assert stored is not None
    property_id = None
    if kind.needs_property:
        property_id = conn.execute(
            t.properties.insert().values(
                council_id=stored.id, address=f"{reference} Test Street", postcode="TE1 1ST"
            )
        ).inserted_primary_key[0]
    account_id = int(
        conn.execute(
            t.accounts.insert().values(
                council_id=stored.id,
                kind=kind.value,
                reference=reference,
                property_id=property_id,
                start_date=date(2024, 4, 1),
                payment_method=PaymentMethod.OTHER.value,
            )
        ).inserted_primary_key[0]
    )
    conn.execute(
        t.account_balances.insert().values(account_id=account_id, balance_pence=0, version=1)
    )
    return account_id


def a_posting(
    account_id: int,
    pence: int,
    kind: PostingKind = PostingKind.CHARGE,
    *,
    year: FinancialYear = YEAR,
    reason: str = "Invoice 123",
) -> Posting:
    return Posting(
        account_id=account_id,
        kind=kind,
        amount=Money(pence),
        financial_year=year,
        effective_date=date(2025, 5, 1),
        posted_on=TODAY,
        reason=reason,
    )


def post(conn: Connection, account_id: int, *postings: Posting) -> list[int]:
    version = load_ledger(conn, account_id).version
    return write_postings(conn, [(account_id, version, postings)])[0]


def pay(
    conn: Connection, reference: str, pence: int, external_id: str, day: date = date(2026, 6, 1)
) -> int:
    payment = Payment(day, reference, Money(pence), PaymentMethod.CARD, external_id)
    post_payments(
        conn, [IncomingPayment(payment)], today=TODAY, received_at=NOW, council_code=COUNCIL
    )
    return int(
        conn.execute(
            select(t.payments.c.id).where(t.payments.c.external_id == external_id)
        ).scalar_one()
    )


def balance_and_version(conn: Connection, account_id: int) -> tuple[int, int]:
    row = conn.execute(
        select(t.account_balances.c.balance_pence, t.account_balances.c.version).where(
            t.account_balances.c.account_id == account_id
        )
    ).one()
    return row.balance_pence, row.version


def breaches_by_invariant(conn: Connection) -> dict[str, list[str]]:
    """The invariants with breaches, each with where its breaches are."""
    return {
        result.invariant.code: [b.where for b in result.breaches]
        for result in run_checks(conn)
        if result.breaches
    }


@dataclass(frozen=True)
class SmallLedger:
    """Two accounts: SD-1 charged £100 and paid £30 by card, with a schedule; SD-2 charged
    £50; and one payment of £12 in suspense."""

    sd1: int
    sd2: int
    charge: int
    paid: int
    suspense: int
    schedule: int


@pytest.fixture
def ledger(engine: Engine) -> SmallLedger:
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        councils.add(conn, COUNCIL, "Testbury Council", Country.ENGLAND)
        sd1 = add_account(conn, "SD-1")
        sd2 = add_account(conn, "SD-2")
        (charge,) = post(conn, sd1, a_posting(sd1, 10_000))
        post(conn, sd2, a_posting(sd2, 5_000))
        (schedule,) = add_schedules(
            conn,
            [
                Schedule(
                    sd1,
                    ScheduleKind.INVOICE,
                    Money(10_000),
                    (
                        Instalment(date(2025, 5, 1), Money(5_000)),
                        Instalment(date(2025, 6, 1), Money(5_000)),
                    ),
                    "Invoice 123 in 2 instalments",
                )
            ],
            TODAY,
            [charge],
        )
        paid = pay(conn, "SD-1", 3_000, "TX-1")
        suspense = pay(conn, "NOBODY", 1_200, "TX-2")
        uow.commit()
    return SmallLedger(sd1, sd2, charge, paid, suspense, schedule)


# ---- writing and reading the ledger ---------------------------------------------------------


def test_writing_postings_moves_the_balance_by_their_sum_and_the_version_by_one(
    engine: Engine, ledger: SmallLedger
) -> None:
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        before = balance_and_version(conn, ledger.sd2)
        ids = post(
            conn,
            ledger.sd2,
            a_posting(ledger.sd2, 2_500, PostingKind.COSTS),
            a_posting(ledger.sd2, -1_000, PostingKind.WRITE_OFF),
        )
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert balance_and_version(uow.connection, ledger.sd2) == (before[0] + 1_500, before[1] + 1)
        assert [p.id for p in postings_of(uow.connection, ledger.sd2)][-2:] == ids


def test_a_stored_posting_reads_back_exactly_as_it_was_written(
    engine: Engine, ledger: SmallLedger
) -> None:
    written = a_posting(
        ledger.sd2, -750, PostingKind.ADJUSTMENT, year=FinancialYear(2023), reason="Relief £7.50"
    )
    with UnitOfWork(engine) as uow:
        (posting_id,) = post(uow.connection, ledger.sd2, written)
        uow.commit()
    with UnitOfWork(engine) as uow:
        stored = load_ledger(uow.connection, ledger.sd2)
        stored_hash = uow.connection.execute(
            select(t.postings.c.content_hash).where(t.postings.c.id == posting_id)
        ).scalar_one()
    (read,) = [p for p in stored.postings if p.id == posting_id]
    assert read.amount == Money(-750)
    assert read.financial_year == FinancialYear(2023)
    assert (read.effective_date, read.posted_on) == (date(2025, 5, 1), TODAY)
    assert read.content_hash == written.content_hash == stored_hash
    assert stored.balance == Money(5_000 - 750)


def test_a_posting_given_for_another_account_is_refused(
    engine: Engine, ledger: SmallLedger
) -> None:
    with UnitOfWork(engine) as uow:
        version = load_ledger(uow.connection, ledger.sd1).version
        with pytest.raises(DomainError, match="given for"):
            write_postings(uow.connection, [(ledger.sd1, version, [a_posting(ledger.sd2, 100)])])


def test_one_batch_may_change_each_account_only_once(engine: Engine, ledger: SmallLedger) -> None:
    with UnitOfWork(engine) as uow:
        version = load_ledger(uow.connection, ledger.sd2).version
        with pytest.raises(DomainError, match="only once"):
            write_postings(
                uow.connection,
                [
                    (ledger.sd2, version, [a_posting(ledger.sd2, 100)]),
                    (ledger.sd2, version, [a_posting(ledger.sd2, 200)]),
                ],
            )


def test_a_reversal_read_back_from_storage_cannot_itself_be_reversed(
    engine: Engine, ledger: SmallLedger
) -> None:
    with UnitOfWork(engine) as uow:
        reverse_payment(uow.connection, ledger.paid, on=TODAY, reason="card payment charged back")
        uow.commit()
    with UnitOfWork(engine) as uow:
        stored = load_ledger(uow.connection, ledger.sd1)
    (reversal_id,) = [p.id for p in stored.postings if p.kind is PostingKind.REVERSAL]
    assert reversal_id is not None
    with pytest.raises(PostingRefused, match="cannot itself be reversed"):
        stored.reverse(reversal_id, on=TODAY, reason="undo the undo")


# ---- append-only rows -----------------------------------------------------------------------

# (what is tried, the append-only table it tries, the statement). A payment's postings are
# its allocation record, so editing or removing an allocation is editing or removing them.
TAMPERING = [
    ("edit a charge", "postings", "UPDATE postings SET reason = 'edited' WHERE account_id = :sd2"),
    ("delete a charge", "postings", "DELETE FROM postings WHERE account_id = :sd2"),
    (
        "edit an allocation",
        "postings",
        "UPDATE postings SET amount_pence = -1 WHERE payment_id = :paid",
    ),
    ("delete an allocation", "postings", "DELETE FROM postings WHERE payment_id = :paid"),
    (
        "edit an instalment",
        "instalments",
        "UPDATE instalments SET amount_pence = 1 WHERE schedule_id = :schedule",
    ),
    (
        "delete an instalment",
        "instalments",
        "DELETE FROM instalments WHERE schedule_id = :schedule",
    ),
]


def targets(ledger: SmallLedger) -> dict[str, int]:
    return {"sd2": ledger.sd2, "paid": ledger.paid, "schedule": ledger.schedule}


def table_state(conn: Connection) -> dict[str, list[tuple[object, ...]]]:
    return {
        name: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {name} ORDER BY 1, 2"))]
        for name in t.APPEND_ONLY
    }


@pytest.mark.parametrize(
    "statement", [sql for _, _, sql in TAMPERING], ids=[name for name, _, _ in TAMPERING]
)
def test_ledger_rows_cannot_be_updated_or_deleted(
    engine: Engine, ledger: SmallLedger, statement: str
) -> None:
    with UnitOfWork(engine) as uow:
        before = table_state(uow.connection)
    with UnitOfWork(engine) as uow, pytest.raises(exc.DBAPIError, match=APPEND_ONLY_REFUSAL):
        uow.connection.execute(text(statement), targets(ledger))
    with UnitOfWork(engine) as uow:
        assert table_state(uow.connection) == before


def test_each_tampering_statement_touches_a_row_when_the_guard_is_off(
    engine: Engine, ledger: SmallLedger
) -> None:
    """Proves the statements above would change something, so their refusal means something."""
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        for table in t.APPEND_ONLY:
            disable_append_only(conn, table)
        for name, _, statement in TAMPERING:
            assert conn.execute(text(statement), targets(ledger)).rowcount >= 1, name


def disable_append_only(conn: Connection, table: str) -> None:
    """Simulate someone with database access removing the guard (inside this transaction)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
    else:
        conn.execute(text(f"DROP TRIGGER {table}_no_update"))
        conn.execute(text(f"DROP TRIGGER {table}_no_delete"))


# ---- units of work --------------------------------------------------------------------------


def everything(conn: Connection) -> dict[str, int]:
    counts = {
        name: count_rows(conn, table)
        for name, table in [
            ("postings", t.postings),
            ("payments", t.payments),
            ("schedules", t.schedules),
        ]
    }
    counts["balance"] = int(
        conn.execute(
            text("SELECT COALESCE(SUM(balance_pence), 0) FROM account_balances")
        ).scalar_one()
    )
    counts["version"] = int(
        conn.execute(text("SELECT COALESCE(SUM(version), 0) FROM account_balances")).scalar_one()
    )
    return counts


def some_work(conn: Connection, ledger: SmallLedger) -> None:
    post(conn, ledger.sd2, a_posting(ledger.sd2, 900, PostingKind.COSTS))
    pay(conn, "SD-2", 2_000, "TX-UNCOMMITTED")
    allocate_from_suspense(conn, ledger.suspense, "SD-1", reason="phoned in", today=TODAY)


def test_a_unit_of_work_that_is_not_committed_leaves_nothing(
    engine: Engine, ledger: SmallLedger
) -> None:
    with UnitOfWork(engine) as uow:
        before = everything(uow.connection)
    with UnitOfWork(engine) as uow:
        some_work(uow.connection, ledger)
        assert everything(uow.connection) != before  # the work was really done, then dropped
    with UnitOfWork(engine) as uow:
        assert everything(uow.connection) == before


def test_a_unit_of_work_left_by_an_exception_leaves_nothing(
    engine: Engine, ledger: SmallLedger
) -> None:
    with UnitOfWork(engine) as uow:
        before = everything(uow.connection)
    with pytest.raises(RuntimeError, match="half-way"), UnitOfWork(engine) as uow:
        some_work(uow.connection, ledger)
        raise RuntimeError("failed half-way")
    with UnitOfWork(engine) as uow:
        assert everything(uow.connection) == before


def test_only_what_was_committed_survives_a_unit_of_work(
    engine: Engine, ledger: SmallLedger
) -> None:
    with UnitOfWork(engine) as uow:
        post(uow.connection, ledger.sd2, a_posting(ledger.sd2, 700, PostingKind.COSTS))
        uow.commit()
        post(uow.connection, ledger.sd2, a_posting(ledger.sd2, 300, PostingKind.COSTS))
    with UnitOfWork(engine) as uow:
        assert balance_and_version(uow.connection, ledger.sd2) == (5_700, 3)


# ---- two officers at once ---------------------------------------------------------------------


def test_a_change_made_from_a_version_someone_else_has_moved_on_is_refused(
    engine: Engine, ledger: SmallLedger
) -> None:
    with UnitOfWork(engine) as officer_b:
        seen_by_b = load_ledger(officer_b.connection, ledger.sd2).version
    with UnitOfWork(engine) as officer_a:
        post(officer_a.connection, ledger.sd2, a_posting(ledger.sd2, 1_000, PostingKind.COSTS))
        officer_a.commit()
    with UnitOfWork(engine) as officer_b:
        stale = [(ledger.sd2, seen_by_b, [a_posting(ledger.sd2, 4_000, PostingKind.COSTS)])]
        with pytest.raises(ConcurrentChange, match="nothing was written"):
            write_postings(officer_b.connection, stale)
    with UnitOfWork(engine) as uow:
        amounts = [p.amount for p in postings_of(uow.connection, ledger.sd2)]
        assert amounts == [Money(5_000), Money(1_000)]
        assert balance_and_version(uow.connection, ledger.sd2) == (6_000, seen_by_b + 1)


def test_a_batch_with_one_stale_account_writes_nothing_for_any_account(
    engine: Engine, ledger: SmallLedger
) -> None:
    with UnitOfWork(engine) as uow:
        versions = {a: load_ledger(uow.connection, a).version for a in (ledger.sd1, ledger.sd2)}
        post(uow.connection, ledger.sd2, a_posting(ledger.sd2, 1_000, PostingKind.COSTS))
        uow.commit()
        before = everything(uow.connection)
    changes = [(a, versions[a], [a_posting(a, 100, PostingKind.COSTS)]) for a in versions]
    with (
        UnitOfWork(engine) as uow,
        pytest.raises(ConcurrentChange, match=r"^1 of the accounts changed"),
    ):
        write_postings(uow.connection, changes)
    with UnitOfWork(engine) as uow:
        assert everything(uow.connection) == before


# PostgreSQL only: SQLite begins every unit of work with BEGIN IMMEDIATE, so a second one
# cannot open until the first ends and there is no overlap to test there.
@pytest.mark.parametrize("databases", ["postgresql"], indirect=True)
def test_two_open_units_of_work_on_one_account_cannot_both_write(
    engine: Engine, ledger: SmallLedger
) -> None:
    with UnitOfWork(engine) as officer_b:
        seen_by_b = load_ledger(officer_b.connection, ledger.sd2).version
        with UnitOfWork(engine) as officer_a:
            post(officer_a.connection, ledger.sd2, a_posting(ledger.sd2, 1_000, PostingKind.COSTS))
            officer_a.commit()
        stale = [(ledger.sd2, seen_by_b, [a_posting(ledger.sd2, 4_000, PostingKind.COSTS)])]
        with pytest.raises(ConcurrentChange):
            write_postings(officer_b.connection, stale)
    with UnitOfWork(engine) as uow:
        assert balance_and_version(uow.connection, ledger.sd2) == (6_000, seen_by_b + 1)
        assert len(postings_of(uow.connection, ledger.sd2)) == 2


# ---- reclaim check ------------------------------------------------------------------------------


def test_a_ledger_built_through_reclaim_breaks_no_invariant(
    engine: Engine, ledger: SmallLedger
) -> None:
    with UnitOfWork(engine) as uow:
        some_work(uow.connection, ledger)
        reverse_payment(uow.connection, ledger.paid, on=TODAY, reason="charged back")
        uow.commit()
    with UnitOfWork(engine) as uow:
        results = run_checks(uow.connection)
        assert [r.invariant for r in results] == list(INVARIANTS)
        assert {r.invariant.code: r.breaches for r in results if r.breaches} == {}
        checked = {r.invariant.code: r.checked for r in results}
    assert checked["balance_is_sum_of_postings"] == 2
    assert checked["reversals_exact"] == 1
    assert checked["schedules_sum_to_charge"] == 1


def raw_posting(
    conn: Connection,
    account_id: int,
    kind: str,
    pence: int,
    *,
    reverses_id: int | None = None,
    year: FinancialYear = YEAR,
) -> None:
    """Insert a posting row directly, with a true content hash and the balance moved with it,
    so that only the rule it breaks is broken."""
    content = {
        "account_id": account_id,
        "kind": kind,
        "amount_pence": pence,
        "financial_year": year.start_year,
        "effective_date": TODAY,
        "posted_on": TODAY,
        "reason": "entered by hand",
        "reverses_id": reverses_id,
        "payment_id": None,
    }
    new_id = int(conn.execute(text("SELECT MAX(id) FROM postings")).scalar_one()) + 1000
    conn.execute(
        t.postings.insert().values(id=new_id, content_hash=posting_hash(**content), **content)
    )
    conn.execute(
        text(
            "UPDATE account_balances SET balance_pence = balance_pence + :d WHERE account_id = :a"
        ),
        {"d": pence, "a": account_id},
    )


def raw_schedule(
    conn: Connection, account_id: int, total: int, amounts: list[int], charge: int | None = None
) -> None:
    new_id = int(conn.execute(text("SELECT MAX(id) FROM schedules")).scalar_one()) + 1
    conn.execute(
        t.schedules.insert().values(
            id=new_id,
            account_id=account_id,
            kind="invoice",
            total_pence=total,
            charge_posting_id=charge,
            reason="entered by hand",
            created_on=TODAY,
        )
    )
    for seq, pence in enumerate(amounts, start=1):
        conn.execute(
            t.instalments.insert().values(
                schedule_id=new_id, seq=seq, due_date=TODAY, amount_pence=pence
            )
        )


Damage = Callable[[Connection, SmallLedger], None]


def sql(*statements: str, unguard: str | None = None) -> Damage:
    """Run SQL behind Reclaim's back; ``unguard`` first removes a table's append-only guard."""

    def run(conn: Connection, ledger: SmallLedger) -> None:
        if unguard is not None:
            disable_append_only(conn, unguard)
        for statement in statements:
            conn.execute(text(statement.format(**vars(ledger))))

    return run


def positive_write_off(conn: Connection, ledger: SmallLedger) -> None:
    raw_posting(conn, ledger.sd2, "write_off", 500)


def negative_charge(conn: Connection, ledger: SmallLedger) -> None:
    raw_posting(conn, ledger.sd2, "charge", -500)


def reversal_for_the_wrong_amount(conn: Connection, ledger: SmallLedger) -> None:
    raw_posting(conn, ledger.sd1, "reversal", -9_999, reverses_id=ledger.charge)


def reversal_on_another_account(conn: Connection, ledger: SmallLedger) -> None:
    raw_posting(conn, ledger.sd2, "reversal", -10_000, reverses_id=ledger.charge)


def reversal_in_another_year(conn: Connection, ledger: SmallLedger) -> None:
    raw_posting(
        conn, ledger.sd1, "reversal", -10_000, reverses_id=ledger.charge, year=FinancialYear(2026)
    )


def reversal_of_a_reversal(conn: Connection, ledger: SmallLedger) -> None:
    raw_posting(conn, ledger.sd2, "charge", 300)
    first = int(conn.execute(text("SELECT MAX(id) FROM postings")).scalar_one())
    raw_posting(conn, ledger.sd2, "reversal", -300, reverses_id=first)
    second = int(conn.execute(text("SELECT MAX(id) FROM postings")).scalar_one())
    raw_posting(conn, ledger.sd2, "reversal", 300, reverses_id=second)


def instalments_short_by_a_penny(conn: Connection, ledger: SmallLedger) -> None:
    raw_schedule(conn, ledger.sd2, 5_000, [2_500, 2_499])


def schedule_not_its_charge(conn: Connection, ledger: SmallLedger) -> None:
    raw_schedule(conn, ledger.sd1, 9_000, [9_000], charge=ledger.charge)


# (what was done behind Reclaim's back, and the breaches it must cause: invariant -> where)
DAMAGE: list[tuple[str, Damage, dict[str, list[str]]]] = [
    (
        "balance changed",
        sql(
            "UPDATE account_balances SET balance_pence = balance_pence + 1 WHERE account_id = {sd2}"
        ),
        {"balance_is_sum_of_postings": ["account SD-2"]},
    ),
    (
        "posting reason edited",
        sql("UPDATE postings SET reason = 'Invoice 321' WHERE id = {charge}", unguard="postings"),
        {"postings_unaltered": ["account SD-1"]},
    ),
    (
        "posting amount edited with the balance to match",
        sql(
            "UPDATE postings SET amount_pence = 4000 WHERE account_id = {sd2}",
            "UPDATE account_balances SET balance_pence = 4000 WHERE account_id = {sd2}",
            unguard="postings",
        ),
        {"postings_unaltered": ["account SD-2"]},
    ),
    (
        "write-off with a positive amount",
        positive_write_off,
        {"posting_signs": ["account SD-2"]},
    ),
    ("charge with a negative amount", negative_charge, {"posting_signs": ["account SD-2"]}),
    (
        "reversal for the wrong amount",
        reversal_for_the_wrong_amount,
        {"reversals_exact": ["account SD-1"]},
    ),
    (
        "reversal on another account",
        reversal_on_another_account,
        {"reversals_exact": ["account SD-2"]},
    ),
    ("reversal of a reversal", reversal_of_a_reversal, {"reversals_exact": ["account SD-2"]}),
    (
        "allocations exceed the payment",
        sql("UPDATE payments SET amount_pence = 2999 WHERE id = {paid}"),
        {
            "allocations_within_payment": ["payment {paid}"],
            "payments_fully_accounted": ["payment {paid}"],
        },
    ),
    (
        "payment in suspense has an allocation",
        sql("UPDATE payments SET status = 'suspense' WHERE id = {paid}"),
        {"payments_fully_accounted": ["payment {paid}"]},
    ),
    (
        "reversed payment still on an account",
        sql("UPDATE payments SET status = 'reversed' WHERE id = {paid}"),
        {"payments_fully_accounted": ["payment {paid}"]},
    ),
    (
        "allocated payment only partly allocated",
        sql("UPDATE payments SET amount_pence = 3001 WHERE id = {paid}"),
        {"payments_fully_accounted": ["payment {paid}"]},
    ),
    (
        "suspense payment marked allocated",
        sql("UPDATE payments SET status = 'allocated' WHERE id = {suspense}"),
        {"payments_fully_accounted": ["payment {suspense}"]},
    ),
    (
        "allocated payment taken out of its council",
        sql("UPDATE payments SET council_id = NULL WHERE id = {paid}"),
        {"payments_fully_accounted": ["payment {paid}"]},
    ),
    (
        "schedule's instalments do not add up",
        instalments_short_by_a_penny,
        {"schedules_sum_to_charge": ["account SD-2"]},
    ),
    (
        "schedule's instalment edited",
        sql(
            "UPDATE instalments SET amount_pence = 4999 WHERE schedule_id = {schedule}",
            unguard="instalments",
        ),
        {"schedules_sum_to_charge": ["account SD-1"]},
    ),
    (
        "schedule disagrees with its charge",
        schedule_not_its_charge,
        {"schedules_sum_to_charge": ["account SD-1"]},
    ),
]


REVERSAL_IN_ANOTHER_YEAR = pytest.param(
    reversal_in_another_year,
    {"reversals_exact": ["account SD-1"]},
    id="reversal in another year",
)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [*((damage, expected) for _, damage, expected in DAMAGE), REVERSAL_IN_ANOTHER_YEAR],
    ids=[*(name for name, _, _ in DAMAGE), "reversal in another year"],
)
def test_reclaim_check_finds_damage_done_directly_in_the_database_and_says_where(
    engine: Engine, ledger: SmallLedger, damage: Damage, expected: dict[str, list[str]]
) -> None:
    with UnitOfWork(engine) as uow:
        assert breaches_by_invariant(uow.connection) == {}
    with UnitOfWork(engine) as uow:
        damage(uow.connection, ledger)
        found = breaches_by_invariant(uow.connection)
    assert found == {
        code: [where.format(**vars(ledger)) for where in wheres]
        for code, wheres in expected.items()
    }


def test_running_the_checks_leaves_the_unit_of_work_fit_to_write(
    engine: Engine, ledger: SmallLedger
) -> None:
    """The hash check streams its rows; that must not change how later statements run (it once
    left a server-side cursor option on the connection, and PostgreSQL refused the UPDATE)."""
    with UnitOfWork(engine) as uow:
        run_checks(uow.connection)
        reverse_payment(uow.connection, ledger.paid, on=TODAY, reason="cheque dishonoured")
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert balance_and_version(uow.connection, ledger.sd1)[0] == 10_000
