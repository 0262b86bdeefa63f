"""Repositories: reading and writing domain objects. Nothing here commits; the unit of work does.

Rows are turned into domain objects at this edge so the rest of the system sees ``Money``,
``FinancialYear`` and the closed sets, never raw pence or strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    Row,
    Table,
    func,
    select,
    update,
)

from reclaim.calendar import Country, FinancialYear, InstalmentDay
from reclaim.domain.accounts import Account, AccountKind, PaymentMethod
from reclaim.domain.councils import AllocationPolicy, Council, YearOrder
from reclaim.domain.errors import ConcurrentChange, DomainError
from reclaim.domain.ledger import AccountLedger, Posting, PostingKind
from reclaim.domain.parties import Party, PartyKind
from reclaim.domain.properties import Band, Property
from reclaim.domain.schedules import Instalment, Schedule, ScheduleKind
from reclaim.money import Money
from reclaim.store import tables as t
from reclaim.store.bulk import driver_executemany, insert_rows, is_postgres, reserve_ids

# Councils ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredCouncil:
    id: int
    council: Council


def _council(row: Row[Any]) -> StoredCouncil:
    policy = AllocationPolicy(
        YearOrder(row.allocation_within),
        AllocationPolicy.parse_priority(row.allocation_priority),
    )
    return StoredCouncil(row.id, Council(row.code, row.name, Country(row.country), policy))


def add_council(conn: Connection, council: Council) -> int:
    if get_council(conn, council.code) is not None:
        raise DomainError(f"council {council.code} already exists")
    policy = council.allocation_policy
    result = conn.execute(
        t.councils.insert().values(
            code=council.code,
            name=council.name,
            country=council.country.value,
            allocation_within=policy.within_account.value,
            allocation_priority=",".join(policy.across_accounts),
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def set_allocation_policy(conn: Connection, code: str, policy: AllocationPolicy) -> None:
    conn.execute(
        update(t.councils)
        .where(t.councils.c.code == code)
        .values(
            allocation_within=policy.within_account.value,
            allocation_priority=",".join(policy.across_accounts),
        )
    )


def get_council(conn: Connection, code: str) -> StoredCouncil | None:
    row = conn.execute(select(t.councils).where(t.councils.c.code == code)).first()
    return None if row is None else _council(row)


def all_councils(conn: Connection) -> list[StoredCouncil]:
    return [_council(r) for r in conn.execute(select(t.councils).order_by(t.councils.c.code))]


# Accounts, parties and properties ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account with what an officer sees beside it."""

    account: Account
    council: Council
    parties: tuple[Party, ...]
    property: Property | None
    balance: Money


def _account(row: Row[Any], council_code: str, party_ids: tuple[int, ...]) -> Account:
    return Account(
        council_code=council_code,
        kind=AccountKind(row.kind),
        reference=row.reference,
        liable_party_ids=party_ids,
        start_date=row.start_date,
        property_id=row.property_id,
        end_date=row.end_date,
        payment_method=PaymentMethod(row.payment_method),
        instalment_day=InstalmentDay.parse(row.instalment_day) if row.instalment_day else None,
        instalments=row.instalments,
        description=row.description,
        id=row.id,
        version=row.version,
    )


def find_accounts(conn: Connection, reference: str, council_code: str | None = None) -> list[int]:
    """Ids of the accounts with this reference (in one council, or in any)."""
    query = select(t.accounts.c.id).where(t.accounts.c.reference == reference)
    if council_code is not None:
        query = query.join(t.councils).where(t.councils.c.code == council_code)
    return [r.id for r in conn.execute(query.order_by(t.accounts.c.id))]


def account_view(conn: Connection, account_id: int) -> AccountView:
    row = conn.execute(
        select(
            t.accounts,
            t.councils.c.code.label("council_code"),
            t.account_balances.c.balance_pence,
            t.account_balances.c.version,
        )
        .join(t.councils)
        .join(t.account_balances)
        .where(t.accounts.c.id == account_id)
    ).one()
    council = get_council(conn, row.council_code)
    assert council is not None
    party_rows = conn.execute(
        select(t.parties)
        .join(t.account_parties)
        .where(t.account_parties.c.account_id == account_id)
        .order_by(t.parties.c.id)
    ).all()
    parties = tuple(
        Party(PartyKind(p.kind), p.name, p.date_of_birth, id=p.id, reference=p.reference)
        for p in party_rows
    )
    prop = None
    if row.property_id is not None:
        p = conn.execute(select(t.properties).where(t.properties.c.id == row.property_id)).one()
        prop = Property(
            p.address,
            p.postcode,
            p.uprn,
            Band(p.band) if p.band else None,
            None if p.rateable_value_pence is None else Money(p.rateable_value_pence),
            id=p.id,
        )
    account = _account(row, row.council_code, tuple(p.id for p in parties if p.id))
    return AccountView(account, council.council, parties, prop, Money(row.balance_pence))


# The ledger -------------------------------------------------------------------------------


def _posting(row: Row[Any]) -> Posting:
    return Posting(
        account_id=row.account_id,
        kind=PostingKind(row.kind),
        amount=Money(row.amount_pence),
        financial_year=FinancialYear(row.financial_year),
        effective_date=row.effective_date,
        posted_on=row.posted_on,
        reason=row.reason,
        reverses_id=row.reverses_id,
        payment_id=row.payment_id,
        id=row.id,
    )


def postings_of(conn: Connection, account_id: int) -> list[Posting]:
    rows = conn.execute(
        select(t.postings).where(t.postings.c.account_id == account_id).order_by(t.postings.c.id)
    )
    return [_posting(r) for r in rows]


def load_ledger(conn: Connection, account_id: int) -> AccountLedger:
    return AccountLedger(
        account_id, postings_of(conn, account_id), account_version(conn, account_id)
    )


def account_version(conn: Connection, account_id: int) -> int:
    return int(
        conn.execute(
            select(t.account_balances.c.version).where(
                t.account_balances.c.account_id == account_id
            )
        ).scalar_one()
    )


POSTING_COLUMNS = (
    "id",
    "account_id",
    "kind",
    "amount_pence",
    "financial_year",
    "effective_date",
    "posted_on",
    "reason",
    "reverses_id",
    "payment_id",
    "content_hash",
)


def posting_row(posting_id: int, p: Posting) -> tuple[Any, ...]:
    return (
        posting_id,
        p.account_id,
        p.kind,  # a StrEnum: both drivers take it as its text
        p.amount.pence,
        p.financial_year.start_year,
        p.effective_date.isoformat(),
        p.posted_on.isoformat(),
        p.reason,
        p.reverses_id,
        p.payment_id,
        p.content_hash,
    )


def write_postings(
    conn: Connection, changes: Sequence[tuple[int, int, Sequence[Posting]]]
) -> list[list[int]]:
    """Append postings to accounts, each change made from the account version it read.

    ``changes`` holds (account id, version read, new postings). Each account's balance moves by
    the sum of its new postings and its version goes up by one. If any account's version is no
    longer the one read, someone else changed it meanwhile: ConcurrentChange is raised and the
    caller's transaction must be rolled back, so nothing is overwritten. Returns the new
    postings' ids, change by change.
    """
    count = sum(len(postings) for _, _, postings in changes)
    ids = iter(reserve_ids(conn, t.postings, count))
    rows: list[tuple[Any, ...]] = []
    new_ids: list[list[int]] = []
    moves: list[dict[str, int]] = []
    for account_id, version, postings in changes:
        these = []
        for p in postings:
            if p.account_id != account_id:
                raise DomainError(f"posting for account {p.account_id} given for {account_id}")
            posting_id = next(ids)
            these.append(posting_id)
            rows.append(posting_row(posting_id, p))
        new_ids.append(these)
        total = sum(p.amount.pence for p in postings)
        moves.append({"a": account_id, "v": version, "d": total})
    insert_rows(conn, t.postings, POSTING_COLUMNS, rows)
    bump_versions(conn, moves)
    return new_ids


def bump_versions(conn: Connection, moves: list[dict[str, int]]) -> None:
    """Move balances by ``d`` and bump versions, refusing if any version ``v`` has moved on."""
    if not moves:
        return
    if len({m["a"] for m in moves}) != len(moves):
        raise DomainError("one batch may change each account only once")
    rows = sorted(((m["d"], m["a"], m["v"]) for m in moves), key=lambda row: row[1])
    if is_postgres(conn) and len(rows) > 100:
        changed = _bump_versions_in_one_statement(conn, rows)
    else:
        changed = driver_executemany(
            conn,
            "UPDATE account_balances SET balance_pence = balance_pence + ?, "
            "version = version + 1 WHERE account_id = ? AND version = ?",
            rows,
        )
    if changed != len(moves):
        raise ConcurrentChange(
            f"{len(moves) - changed} of the accounts changed while this work was being done; "
            "nothing was written. Run it again: it will see the latest state."
        )


def _bump_versions_in_one_statement(conn: Connection, rows: list[tuple[int, int, int]]) -> int:
    """PostgreSQL: COPY the moves into a temporary table and apply them in one UPDATE, rather
    than a round trip per account."""
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE IF NOT EXISTS account_moves "
        "(d BIGINT NOT NULL, a BIGINT PRIMARY KEY, v INTEGER NOT NULL) ON COMMIT DELETE ROWS"
    )
    conn.exec_driver_sql("TRUNCATE account_moves")
    insert_rows(conn, _ACCOUNT_MOVES, ("d", "a", "v"), rows)
    result = conn.exec_driver_sql(
        "UPDATE account_balances b SET balance_pence = b.balance_pence + m.d, "
        "version = b.version + 1 FROM account_moves m "
        "WHERE b.account_id = m.a AND b.version = m.v"
    )
    return int(result.rowcount)


_ACCOUNT_MOVES = Table(
    "account_moves",
    MetaData(),
    Column("d", BigInteger),
    Column("a", BigInteger),
    Column("v", Integer),
)


# Schedules --------------------------------------------------------------------------------


def add_schedules(
    conn: Connection,
    schedules: Sequence[Schedule],
    created_on: date,
    charge_ids: Iterable[int | None],
) -> list[int]:
    ids = reserve_ids(conn, t.schedules, len(schedules))
    insert_rows(
        conn,
        t.schedules,
        ("id", "account_id", "kind", "total_pence", "charge_posting_id", "reason", "created_on"),
        (
            (i, s.account_id, s.kind.value, s.total.pence, c, s.reason, created_on.isoformat())
            for i, s, c in zip(ids, schedules, charge_ids, strict=True)
        ),
    )
    insert_rows(
        conn,
        t.instalments,
        ("schedule_id", "seq", "due_date", "amount_pence"),
        (
            (i, seq, inst.due_date.isoformat(), inst.amount.pence)
            for i, s in zip(ids, schedules, strict=True)
            for seq, inst in enumerate(s.instalments, start=1)
        ),
    )
    return ids


def current_schedule(conn: Connection, account_id: int) -> Schedule | None:
    row = conn.execute(
        select(t.schedules)
        .where(t.schedules.c.account_id == account_id, t.schedules.c.superseded_by.is_(None))
        .order_by(t.schedules.c.id.desc())
    ).first()
    if row is None:
        return None
    items = conn.execute(
        select(t.instalments).where(t.instalments.c.schedule_id == row.id).order_by("seq")
    )
    return Schedule(
        row.account_id,
        ScheduleKind(row.kind),
        Money(row.total_pence),
        tuple(Instalment(i.due_date, Money(i.amount_pence)) for i in items),
        row.reason,
    )


def count_rows(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
