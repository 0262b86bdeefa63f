"""Long random sequences of ledger work never break an invariant, on SQLite and PostgreSQL.

Hypothesis draws a council's allocation policy and a sequence of operations: charges, costs and
write-offs; batches of payments to accounts, to customers and to references nobody has
(suspense); officers allocating suspense payments; returned payments being reversed. Each
operation is its own committed unit of work, done through Reclaim's own services. A plain model
beside it keeps what each account owes in each financial year. After the sequence, ``reclaim
check`` must find nothing, and every stored balance, year by year, must be what the model says.

Each example starts from an empty database, so a failing sequence shrinks quickly and the
checks see only that example's work.
"""

from __future__ import annotations

import itertools
import shutil
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, select, text

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.accounts import AccountKind, PaymentMethod
from reclaim.domain.councils import AllocationPolicy, YearOrder
from reclaim.domain.errors import DomainError
from reclaim.domain.ledger import Posting, PostingKind
from reclaim.domain.payments import AccountOwing, Payment, PaymentStatus, allocate_payment
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
from reclaim.store.database import make_engine
from reclaim.store.repositories import get_council, load_ledger, write_postings
from reclaim.store.tables import APPEND_ONLY, metadata
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import NOW, TODAY

# The accounts every example starts with: (reference, kind, the customer liable for it).
ACCOUNTS = (
    ("CT-1", AccountKind.COUNCIL_TAX, "CUST-A"),
    ("SD-1", AccountKind.SUNDRY_DEBT, "CUST-A"),
    ("SD-2", AccountKind.SUNDRY_DEBT, "CUST-B"),
    ("RENT-1", AccountKind.RENT, "CUST-B"),
)
CUSTOMERS = ("CUST-A", "CUST-B")
UNKNOWN = ("NOBODY-1", "NOBODY-2")
TARGETS = tuple(r for r, _, _ in ACCOUNTS) + CUSTOMERS + UNKNOWN

_councils = itertools.count(1)
_external_ids = itertools.count(1)


# ---- operations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A charge, costs or a write-off on one account and year."""

    kind: PostingKind
    account: int  # index into ACCOUNTS
    pence: int
    year: int


@dataclass(frozen=True)
class PaymentBatch:
    payments: tuple[tuple[str, int, date], ...]  # (reference, pence, payment date)


@dataclass(frozen=True)
class Reverse:
    payment: int  # index into the payments made so far (wraps)


@dataclass(frozen=True)
class AllocateSuspense:
    payment: int  # index into the payments made so far (wraps)
    reference: str


pence = st.integers(min_value=1, max_value=200_000)
years = st.integers(min_value=2023, max_value=2026)
pay_dates = st.dates(min_value=date(2024, 4, 1), max_value=TODAY)
account_index = st.integers(min_value=0, max_value=len(ACCOUNTS) - 1)

entries = st.builds(
    Entry,
    st.sampled_from([PostingKind.CHARGE, PostingKind.CHARGE, PostingKind.COSTS]),
    account_index,
    pence,
    years,
)
write_offs = st.builds(
    Entry, st.just(PostingKind.WRITE_OFF), account_index, st.integers(1, 20_000), years
)
batches = st.builds(
    PaymentBatch,
    st.lists(st.tuples(st.sampled_from(TARGETS), pence, pay_dates), min_size=1, max_size=4).map(
        tuple
    ),
)
reversals = st.builds(Reverse, st.integers(min_value=0, max_value=50))
allocations = st.builds(
    AllocateSuspense, st.integers(min_value=0, max_value=50), st.sampled_from(TARGETS)
)
operations = st.lists(
    st.one_of(entries, batches, entries, batches, write_offs, reversals, allocations),
    min_size=10,
    max_size=40,
)
policies = st.builds(
    AllocationPolicy,
    st.sampled_from(YearOrder),
    st.permutations(list(AccountKind)).map(tuple),
)


# ---- the model -------------------------------------------------------------------------------


@dataclass
class ModelPayment:
    id: int
    day: date
    pence: int
    status: PaymentStatus
    applied: dict[tuple[int, int], int] = field(default_factory=dict)  # (account, year) -> pence


@dataclass
class Model:
    """What each account owes by year, kept by plain arithmetic beside the database."""

    code: str
    policy: AllocationPolicy
    account_ids: dict[str, int]  # reference -> id
    kinds: dict[int, AccountKind]
    customers: dict[str, list[str]]  # customer reference -> account references
    owing: dict[int, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    payments: list[ModelPayment] = field(default_factory=list)

    def apply(self, account_id: int, year: int, pence: int) -> None:
        self.owing[account_id][year] = self.owing[account_id].get(year, 0) + pence

    def targets(self, reference: str) -> list[str]:
        if reference in self.account_ids:
            return [reference]
        return self.customers.get(reference, [])

    def allocate(self, payment: ModelPayment, reference: str) -> None:
        """Share the payment by the council's policy, using the model's own owings."""
        owings = [
            AccountOwing(
                self.account_ids[r],
                r,
                self.kinds[self.account_ids[r]],
                {FinancialYear(y): Money(p) for y, p in self.owing[self.account_ids[r]].items()},
            )
            for r in self.targets(reference)
        ]
        lines = allocate_payment(Money(payment.pence), owings, self.policy, payment.day)
        assert sum(line.amount.pence for line in lines) == payment.pence
        for line in lines:
            key = (line.account_id, line.financial_year.start_year)
            payment.applied[key] = payment.applied.get(key, 0) + line.amount.pence
            self.apply(line.account_id, line.financial_year.start_year, -line.amount.pence)
        payment.status = PaymentStatus.ALLOCATED

    def reverse(self, payment: ModelPayment) -> None:
        for (account_id, year), paid in payment.applied.items():
            self.apply(account_id, year, paid)
        payment.status = PaymentStatus.REVERSED


# ---- doing the operations through Reclaim ----------------------------------------------------


def set_up_council(engine: Engine, policy: AllocationPolicy) -> Model:
    code = f"INV{next(_councils)}"
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        councils.add(conn, code, f"{code} Council", Country.ENGLAND)
        councils.set_policy(conn, code, policy.within_account, ",".join(policy.across_accounts))
        stored = get_council(conn, code)
        assert stored is not None
        assert stored.council.allocation_policy == policy
        party_ids = {
            customer: conn.execute(
                t.parties.insert().values(
                    council_id=stored.id, reference=customer, kind="person", name=customer
                )
            ).inserted_primary_key[0]
            for customer in CUSTOMERS
        }
        account_ids: dict[str, int] = {}
        kinds: dict[int, AccountKind] = {}
        for reference, kind, customer in ACCOUNTS:
            property_id = conn.execute(
                t.properties.insert().values(
                    council_id=stored.id, address=f"{reference} Test Street", postcode="TE1 1ST"
                )
            ).inserted_primary_key[0]
            account_id = conn.execute(
                t.accounts.insert().values(
                    council_id=stored.id,
                    kind=kind.value,
                    reference=reference,
                    property_id=property_id if kind.needs_property else None,
                    start_date=date(2023, 4, 1),
                    payment_method=PaymentMethod.OTHER.value,
                )
            ).inserted_primary_key[0]
            conn.execute(
                t.account_balances.insert().values(
                    account_id=account_id, balance_pence=0, version=1
                )
            )
            conn.execute(
                t.account_parties.insert().values(
                    account_id=account_id, party_id=party_ids[customer]
                )
            )
            account_ids[reference] = account_id
            kinds[account_id] = kind
        uow.commit()
    customers = {c: [r for r, _, owner in ACCOUNTS if owner == c] for c in CUSTOMERS}
    return Model(code, policy, account_ids, kinds, customers)


def do_entry(conn: Connection, model: Model, op: Entry) -> None:
    account_id = model.account_ids[ACCOUNTS[op.account][0]]
    signed = -op.pence if op.kind is PostingKind.WRITE_OFF else op.pence
    posting = Posting(
        account_id=account_id,
        kind=op.kind,
        amount=Money(signed),
        financial_year=FinancialYear(op.year),
        effective_date=FinancialYear(op.year).start,
        posted_on=TODAY,
        reason=f"{op.kind} made by the invariant test",
    )
    version = load_ledger(conn, account_id).version
    write_postings(conn, [(account_id, version, [posting])])
    model.apply(account_id, op.year, signed)


def do_batch(conn: Connection, model: Model, op: PaymentBatch) -> None:
    incoming = []
    for reference, amount, day in op.payments:
        external_id = f"{model.code}-TX-{next(_external_ids)}"
        incoming.append(
            IncomingPayment(Payment(day, reference, Money(amount), PaymentMethod.CARD, external_id))
        )
    post_payments(conn, incoming, today=TODAY, received_at=NOW, council_code=model.code)
    ids = {
        r.external_id: r.id
        for r in conn.execute(
            select(t.payments.c.id, t.payments.c.external_id).where(
                t.payments.c.external_id.in_([i.payment.external_id for i in incoming])
            )
        )
    }
    made = [
        ModelPayment(
            ids[i.payment.external_id],
            i.payment.payment_date,
            i.payment.amount.pence,
            PaymentStatus.SUSPENSE,
        )
        for i in incoming
    ]
    # Reclaim posts a batch in payment-date order, each payment seeing what the last paid off.
    for n in sorted(range(len(made)), key=lambda n: (made[n].day, n)):
        if model.targets(incoming[n].payment.reference):
            model.allocate(made[n], incoming[n].payment.reference)
    model.payments.extend(made)


def do_reverse(conn: Connection, model: Model, op: Reverse) -> bool:
    """Reverse a payment; returns whether Reclaim should have done it."""
    payment = model.payments[op.payment % len(model.payments)]
    if payment.status is PaymentStatus.REVERSED:
        with pytest.raises(DomainError, match="already been reversed"):
            reverse_payment(conn, payment.id, on=TODAY, reason="returned by the bank")
        return False
    reverse_payment(conn, payment.id, on=TODAY, reason="returned by the bank")
    model.reverse(payment)
    return True


def do_allocate(conn: Connection, model: Model, op: AllocateSuspense) -> bool:
    """Allocate a suspense payment; returns whether Reclaim should have done it."""
    in_suspense = [p for p in model.payments if p.status is PaymentStatus.SUSPENSE]
    # Mostly a payment that is in suspense; sometimes any payment, which may be refused.
    choice = in_suspense if in_suspense and op.payment % 3 else model.payments
    payment = choice[op.payment % len(choice)]
    if payment.status is not PaymentStatus.SUSPENSE:
        with pytest.raises(DomainError, match="is not in suspense"):
            allocate_from_suspense(conn, payment.id, op.reference, reason="traced", today=TODAY)
        return False
    if not model.targets(op.reference):
        with pytest.raises(DomainError, match="no account or customer has the reference"):
            allocate_from_suspense(conn, payment.id, op.reference, reason="traced", today=TODAY)
        return False
    allocate_from_suspense(conn, payment.id, op.reference, reason="traced", today=TODAY)
    model.allocate(payment, op.reference)
    return True


def run(engine: Engine, model: Model, op: object) -> None:
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        if isinstance(op, Entry):
            do_entry(conn, model, op)
        elif isinstance(op, PaymentBatch):
            do_batch(conn, model, op)
        elif not model.payments:
            return  # nothing to reverse or allocate yet
        elif isinstance(op, Reverse):
            if not do_reverse(conn, model, op):
                return
        elif isinstance(op, AllocateSuspense) and not do_allocate(conn, model, op):
            return
        uow.commit()


def stored_state(
    conn: Connection, model: Model
) -> tuple[dict[int, int], dict[int, dict[int, int]]]:
    ids = list(model.account_ids.values())
    balances = {
        r.id: r.balance_pence
        for r in conn.execute(
            select(
                t.account_balances.c.account_id.label("id"), t.account_balances.c.balance_pence
            ).where(t.account_balances.c.account_id.in_(ids))
        )
    }
    by_year: dict[int, dict[int, int]] = {account_id: {} for account_id in ids}
    for p in conn.execute(
        select(
            t.postings.c.account_id, t.postings.c.financial_year, t.postings.c.amount_pence
        ).where(t.postings.c.account_id.in_(ids))
    ):
        years_of = by_year[p.account_id]
        years_of[p.financial_year] = years_of.get(p.financial_year, 0) + p.amount_pence
    return balances, by_year


FreshDatabase = Callable[[], AbstractContextManager[Engine]]


@pytest.fixture
def fresh_database(engine: Engine, request: pytest.FixtureRequest, tmp_path: Path) -> FreshDatabase:
    """Gives each example an empty, migrated database of the ``engine`` fixture's kind.

    SQLite: a new copy of the session's migrated template. PostgreSQL: the test's own database,
    emptied by DELETE with the append-only guards switched off for that one transaction, far
    quicker than creating a database (or truncating its tables) per example."""
    if engine.dialect.name == "postgresql":

        @contextmanager
        def emptied() -> Iterator[Engine]:
            with engine.begin() as conn:
                for table in APPEND_ONLY:
                    conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
                for table in reversed(metadata.sorted_tables):
                    conn.execute(table.delete())
                for table in APPEND_ONLY:
                    conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))
            yield engine

        return emptied

    template: Path = request.getfixturevalue("sqlite_template")

    @contextmanager
    def copied() -> Iterator[Engine]:
        path = tmp_path / f"example-{uuid.uuid4().hex[:10]}.db"
        shutil.copyfile(template, path)
        fresh = make_engine(f"sqlite:///{path}")
        try:
            yield fresh
        finally:
            fresh.dispose()
            path.unlink()

    return copied


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(policy=policies, ops=operations)
def test_any_sequence_of_ledger_work_keeps_every_invariant_and_the_models_balances(
    fresh_database: FreshDatabase, policy: AllocationPolicy, ops: list[object]
) -> None:
    with fresh_database() as engine:
        model = set_up_council(engine, policy)
        for op in ops:
            run(engine, model, op)
        with UnitOfWork(engine) as uow:
            breaches = [b for result in run_checks(uow.connection) for b in result.breaches]
        with UnitOfWork(engine) as uow:
            conn = uow.connection
            balances, by_year = stored_state(conn, model)
            statuses = {
                r.id: PaymentStatus(r.status)
                for r in conn.execute(
                    select(t.payments.c.id, t.payments.c.status).where(
                        t.payments.c.id.in_([p.id for p in model.payments])
                    )
                )
            }

    assert breaches == []
    expected_by_year = {
        account_id: {y: p for y, p in model.owing[account_id].items() if p != 0}
        for account_id in model.account_ids.values()
    }
    assert {a: {y: p for y, p in ys.items() if p != 0} for a, ys in by_year.items()} == (
        expected_by_year
    )
    assert balances == {a: sum(ys.values()) for a, ys in expected_by_year.items()}
    assert statuses == {p.id: p.status for p in model.payments}
