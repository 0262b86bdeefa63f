"""``reclaim check``: prove every invariant in reclaim.domain.invariants over the database.

Each invariant has one set-based query here that returns its breaches, so a million accounts are
checked in seconds rather than one at a time. Even each posting's content hash is worked out
again in the database (on SQLite by the domain's SHA-256, called by the database).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, text

from reclaim.calendar import FinancialYear
from reclaim.domain.invariants import INVARIANTS, Breach, Invariant
from reclaim.domain.ledger import HASH_SEPARATOR, HASHED_FIELDS, PostingKind, hash_of_text
from reclaim.services.audit import audit_breaches

Finder = Callable[[Connection], Iterator[Breach]]
_FINDERS: dict[str, Finder] = {}


def finder(code: str) -> Callable[[Finder], Finder]:
    def register(function: Finder) -> Finder:
        _FINDERS[code] = function
        return function

    return register


def finder_for(invariant: Invariant) -> Finder:
    return _FINDERS[invariant.code]


@dataclass(frozen=True, slots=True)
class CheckResult:
    invariant: Invariant
    breaches: list[Breach]
    checked: int  # how many items the check looked at


def run_checks(conn: Connection, limit: int = 1000) -> list[CheckResult]:
    """Run every invariant; at most ``limit`` breaches of each are kept for the report."""
    results = []
    for inv in INVARIANTS:
        breaches: list[Breach] = []
        for breach in finder_for(inv)(conn):
            breaches.append(breach)
            if len(breaches) >= limit:
                break
        results.append(CheckResult(inv, breaches, _counted(conn, inv.code)))
    return results


_COUNTED_TABLE = {
    "balance_is_sum_of_postings": "accounts",
    "postings_unaltered": "postings",
    "posting_signs": "postings",
    "reversals_exact": "postings WHERE reverses_id IS NOT NULL",
    "allocations_within_payment": "payments",
    "payments_fully_accounted": "payments",
    "schedules_sum_to_charge": "schedules",
    "bills_add_up": "bills",
    "audit_log_chained": "audit_log",
}


finder("audit_log_chained")(audit_breaches)  # the audit log's chain: services/audit.py


def _counted(conn: Connection, code: str) -> int:
    sql = f"SELECT COUNT(*) FROM {_COUNTED_TABLE[code]}"  # noqa: S608 - our own table names
    return int(conn.execute(text(sql)).scalar_one())


def _rows(conn: Connection, sql: str) -> Iterator[tuple[object, ...]]:
    yield from (tuple(r) for r in conn.execute(text(sql)))


@finder("balance_is_sum_of_postings")
def _balances(conn: Connection) -> Iterator[Breach]:
    sql = """
        SELECT a.reference, b.balance_pence, COALESCE(s.total, 0)
        FROM accounts a LEFT JOIN account_balances b ON b.account_id = a.id
        LEFT JOIN (SELECT account_id, SUM(amount_pence) AS total FROM postings
                   GROUP BY account_id) s ON s.account_id = a.id
        WHERE b.balance_pence IS NULL OR b.balance_pence <> COALESCE(s.total, 0)
        ORDER BY a.id
    """
    for reference, stored, total in _rows(conn, sql):
        yield Breach(
            "balance_is_sum_of_postings",
            f"account {reference}",
            "has no balance record"
            if stored is None
            else f"balance says {_pounds(stored)} but its postings add up to {_pounds(total)}",
        )


def _content_text(postgres: bool) -> str:
    """SQL for the text ``Posting.content_hash`` hashes: the fields of ``HASHED_FIELDS`` as
    text (an empty one for NULL), joined by ``HASH_SEPARATOR``."""
    separator = f" || {'chr' if postgres else 'char'}({ord(HASH_SEPARATOR)}) || "
    return separator.join(f"COALESCE(CAST({name} AS TEXT), '')" for name in HASHED_FIELDS)


@finder("postings_unaltered")
def _hashes(conn: Connection) -> Iterator[Breach]:
    """Each posting's hash worked out again in the database, so that only postings that differ
    come back: PostgreSQL's own sha256; on SQLite the domain's, as a function of the connection."""
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.exec_driver_sql("SET LOCAL datestyle TO 'ISO'")  # a date as text: 2026-04-01
        hashed = f"encode(sha256(convert_to({_content_text(True)}, 'UTF8')), 'hex')"
    else:
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        dbapi.create_function("reclaim_sha256", 1, hash_of_text, deterministic=True)
        hashed = f"reclaim_sha256({_content_text(False)})"
    sql = f"SELECT id, account_id FROM postings WHERE {hashed} <> content_hash ORDER BY id"  # noqa: S608
    for posting_id, account_id in _rows(conn, sql):
        yield Breach(
            "postings_unaltered",
            f"account {_reference(conn, int(str(account_id)))}",
            f"posting {posting_id} no longer matches the content it was made with",
        )


def _reference(conn: Connection, account_id: int) -> str:
    found = conn.execute(
        text("SELECT reference FROM accounts WHERE id = :id"), {"id": account_id}
    ).scalar_one_or_none()
    return str(found) if found is not None else f"#{account_id}"


@finder("posting_signs")
def _signs(conn: Connection) -> Iterator[Breach]:
    positive = "', '".join((PostingKind.CHARGE, PostingKind.COSTS, PostingKind.REFUND))
    negative = "', '".join((PostingKind.PAYMENT, PostingKind.WRITE_OFF))
    sql = f"""
        SELECT a.reference, p.id, p.kind, p.amount_pence FROM postings p
        JOIN accounts a ON a.id = p.account_id
        WHERE (p.kind IN ('{positive}') AND p.amount_pence <= 0)
           OR (p.kind IN ('{negative}') AND p.amount_pence >= 0)
           OR p.amount_pence = 0
        ORDER BY p.id
    """  # noqa: S608 - the values are our own closed set
    for reference, posting_id, kind, pence in _rows(conn, sql):
        yield Breach(
            "posting_signs",
            f"account {reference}",
            f"posting {posting_id} is a {kind} of {_pounds(pence)}, the wrong sign for its kind",
        )


@finder("reversals_exact")
def _reversals(conn: Connection) -> Iterator[Breach]:
    sql = """
        SELECT a.reference, r.id, r.kind, r.reverses_id, o.id, o.financial_year,
               r.financial_year, o.amount_pence, r.amount_pence, o.kind, o.account_id, r.account_id
        FROM postings r
        JOIN accounts a ON a.id = r.account_id
        LEFT JOIN postings o ON o.id = r.reverses_id
        WHERE (r.kind = 'reversal') <> (r.reverses_id IS NOT NULL)
           OR (r.reverses_id IS NOT NULL AND (
                o.id IS NULL OR o.account_id <> r.account_id
                OR o.amount_pence <> -r.amount_pence OR o.kind = 'reversal'
                OR o.financial_year <> r.financial_year))
        ORDER BY r.id
    """
    for row in _rows(conn, sql):
        reference, rid, kind, reverses, oid, oyear, ryear, oamt, ramt, okind, oacc, racc = row
        if (kind == "reversal") != (reverses is not None):
            detail = f"posting {rid} ({kind}) and its 'reverses' link disagree"
        elif oid is None:
            detail = f"reversal {rid} names posting {reverses}, which does not exist"
        elif okind == "reversal":
            detail = f"reversal {rid} reverses another reversal ({oid})"
        elif oamt != -int(str(ramt)):
            detail = f"reversal {rid} is for {_pounds(ramt)} but undoes {_pounds(oamt)}"
        elif oacc != racc:
            detail = f"reversal {rid} is on a different account from posting {oid}"
        else:
            detail = (
                f"reversal {rid} is in financial year {ryear} but undoes posting {oid} of {oyear}"
            )
        yield Breach("reversals_exact", f"account {reference}", detail)


_NET_ALLOCATED = """
    SELECT payment_id, -SUM(amount_pence) AS allocated FROM postings
    WHERE payment_id IS NOT NULL GROUP BY payment_id
"""


@finder("allocations_within_payment")
def _allocations_within(conn: Connection) -> Iterator[Breach]:
    sql = f"""
        SELECT p.id, p.amount_pence, s.allocated FROM payments p
        JOIN ({_NET_ALLOCATED}) s ON s.payment_id = p.id
        WHERE s.allocated > p.amount_pence OR s.allocated < 0
        ORDER BY p.id
    """  # noqa: S608 - our own fragment
    for payment_id, amount, allocated in _rows(conn, sql):
        yield Breach(
            "allocations_within_payment",
            f"payment {payment_id}",
            f"its postings allocate {_pounds(allocated)} of the {_pounds(amount)} received",
        )


@finder("payments_fully_accounted")
def _payments_accounted(conn: Connection) -> Iterator[Breach]:
    sql = f"""
        SELECT p.id, p.status, p.amount_pence, COALESCE(s.allocated, 0) FROM payments p
        LEFT JOIN ({_NET_ALLOCATED}) s ON s.payment_id = p.id
        WHERE (p.status IN ('suspense', 'reversed') AND COALESCE(s.allocated, 0) <> 0)
           OR (p.status = 'allocated' AND COALESCE(s.allocated, 0) <> p.amount_pence)
        ORDER BY p.id
    """  # noqa: S608 - our own fragment
    for payment_id, status, amount, allocated in _rows(conn, sql):
        yield Breach(
            "payments_fully_accounted",
            f"payment {payment_id}",
            f"payment of {_pounds(amount)} is '{status}' but {_pounds(allocated)} of it is "
            "on accounts",
        )
    elsewhere = """
        SELECT DISTINCT p.id, a.reference FROM postings x
        JOIN payments p ON p.id = x.payment_id
        JOIN accounts a ON a.id = x.account_id
        WHERE p.council_id IS NULL OR p.council_id <> a.council_id
        ORDER BY p.id
    """
    for payment_id, reference in _rows(conn, elsewhere):
        yield Breach(
            "payments_fully_accounted",
            f"payment {payment_id}",
            f"is allocated to account {reference} of another council",
        )


@finder("schedules_sum_to_charge")
def _schedules(conn: Connection) -> Iterator[Breach]:
    sql = """
        SELECT s.id, a.reference, s.total_pence, COALESCE(i.total, 0), c.amount_pence
        FROM schedules s
        JOIN accounts a ON a.id = s.account_id
        LEFT JOIN (SELECT schedule_id, SUM(amount_pence) AS total FROM instalments
                   GROUP BY schedule_id) i ON i.schedule_id = s.id
        LEFT JOIN postings c ON c.id = s.charge_posting_id
        WHERE s.total_pence <> COALESCE(i.total, 0)
           OR (c.id IS NOT NULL AND c.amount_pence <> s.total_pence)
        ORDER BY s.id
    """
    for schedule_id, reference, total, instalments, charge in _rows(conn, sql):
        if total != instalments:
            detail = f"instalments add up to {_pounds(instalments)}, not {_pounds(total)}"
        else:
            detail = f"schedules {_pounds(total)} but its charge is {_pounds(charge)}"
        yield Breach(
            "schedules_sum_to_charge", f"account {reference}", f"schedule {schedule_id}: {detail}"
        )


@finder("bills_add_up")
def _bills(conn: Connection) -> Iterator[Breach]:
    plans = """
        SELECT b.id, a.reference, b.charge_pence, COALESCE(p.planned, 0) FROM bills b
        JOIN accounts a ON a.id = b.account_id
        LEFT JOIN (SELECT plan_id, SUM(amount_pence) AS planned FROM plan_instalments
                   GROUP BY plan_id) p ON p.plan_id = b.plan_id
        WHERE COALESCE(p.planned, 0) <> b.charge_pence ORDER BY b.id
    """
    for bill_id, reference, charge, planned in _rows(conn, plans):
        yield Breach(
            "bills_add_up",
            f"account {reference}",
            f"bill {bill_id} charges {_pounds(charge)} but its instalments add up to "
            f"{_pounds(planned)}",
        )
    if conn.dialect.name == "postgresql":
        lines_total = (
            "(SELECT COALESCE(SUM((e->>'amount_pence')::bigint), 0) "
            "FROM json_array_elements(b.lines::json) e)"
        )
    else:
        lines_total = (
            "(SELECT COALESCE(SUM(json_extract(value, '$.amount_pence')), 0) "
            "FROM json_each(b.lines))"
        )
    lines = f"""
        SELECT b.id, a.reference, b.charge_pence, {lines_total} FROM bills b
        JOIN accounts a ON a.id = b.account_id
        WHERE {lines_total} <> b.charge_pence ORDER BY b.id
    """  # noqa: S608 - our own fragment
    for bill_id, reference, charge, summed in _rows(conn, lines):
        yield Breach(
            "bills_add_up",
            f"account {reference}",
            f"bill {bill_id} charges {_pounds(charge)} but its lines add up to {_pounds(summed)}",
        )
    # Each bill in force against what every bill of its account and year posted (a window over
    # the year's bills, so the bills are read once).
    ledger = """
        SELECT a.reference, w.financial_year, w.charge_pence, w.posted FROM (
            SELECT b.id, b.account_id, b.financial_year, b.charge_pence,
                   SUM(COALESCE(p.amount_pence, 0))
                       OVER (PARTITION BY b.account_id, b.financial_year) AS posted
            FROM bills b LEFT JOIN postings p ON p.id = b.posting_id
        ) w
        JOIN accounts a ON a.id = w.account_id
        WHERE w.posted <> w.charge_pence
          AND NOT EXISTS (SELECT 1 FROM bills n WHERE n.supersedes_id = w.id)
        ORDER BY a.reference, w.financial_year
    """
    for reference, year, charge, posted in _rows(conn, ledger):
        yield Breach(
            "bills_add_up",
            f"account {reference}",
            f"the bill in force for {FinancialYear(int(str(year)))} charges "
            f"{_pounds(charge)} but its bills posted {_pounds(posted)} to the ledger",
        )


def _pounds(pence: object) -> str:
    from reclaim.money import Money

    return Money(int(str(pence))).format()
