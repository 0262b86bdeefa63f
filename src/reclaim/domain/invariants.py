"""The one list of invariants that every account must satisfy at all times.

``reclaim check`` proves each of them over every account in the database and exits non-zero on
any breach; the tests run the same list after every batch and import. Storage supplies a
set-based query for each (so a million accounts check in seconds); a convention test makes sure
no invariant is without one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Invariant:
    code: str
    title: str
    why: str


@dataclass(frozen=True, slots=True)
class Breach:
    invariant: str
    where: str  # an account reference, a payment id, a schedule id …
    detail: str


INVARIANTS: tuple[Invariant, ...] = (
    Invariant(
        "balance_is_sum_of_postings",
        "Every account's balance equals the sum of its postings",
        "A balance is never stored independently of the ledger that explains it.",
    ),
    Invariant(
        "postings_unaltered",
        "No posting has been altered since it was made",
        "Each posting's content hash, taken when it was made, still matches its content.",
    ),
    Invariant(
        "posting_signs",
        "Every posting has the sign its kind requires",
        "Charges, costs and refunds increase a balance; payments and write-offs reduce it.",
    ),
    Invariant(
        "reversals_exact",
        "A reversal undoes exactly one posting of the same account, once, for the opposite amount",
        "Corrections are reversing entries, never edits, and cannot double-count.",
    ),
    Invariant(
        "allocations_within_payment",
        "No payment is allocated to more money than was received",
        "A payment can be shared across accounts and years, never into more than it was.",
    ),
    Invariant(
        "payments_fully_accounted",
        "An allocated payment is allocated in full, in its own council; one in suspense or "
        "reversed has nothing left on any account",
        "Money is never both waiting in suspense and on an account, nor partly lost.",
    ),
    Invariant(
        "schedules_sum_to_charge",
        "Every schedule's instalments add up to the total it schedules",
        "Recovery counts from the instalments a bill sets, so they must add up to the bill.",
    ),
    Invariant(
        "bills_add_up",
        "Every bill's lines and instalments add up to its charge, and the bills in force are "
        "what the ledger charged for their year",
        "A bill is the notice the law requires: what it says is owed must be what the account "
        "is charged, and what it asks for by instalments must be the whole of it.",
    ),
    Invariant(
        "audit_log_chained",
        "Every audit log entry is chained to the one before it and unaltered",
        "The audit log says who saw and changed what; each entry's hash covers the one before, "
        "so no entry can be altered, removed or inserted unseen.",
    ),
)


def invariant(code: str) -> Invariant:
    for inv in INVARIANTS:
        if inv.code == code:
            return inv
    raise KeyError(code)
