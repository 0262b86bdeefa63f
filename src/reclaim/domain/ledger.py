"""The ledger: immutable postings, and balances that are only ever their sum.

Sign convention: a positive amount increases what the customer owes (a debit), a negative amount
reduces it (a credit). A balance above zero is money owed to the council; below zero, a credit
held for the customer.

Each kind of posting has a fixed sign, so that a report by kind always means the same thing:

| kind        | sign     | what it is                                                     |
|-------------|----------|----------------------------------------------------------------|
| charge      | +        | what the bill, invoice or debit says is due                    |
| costs       | +        | court or recovery costs added (e.g. on a summons)              |
| refund      | +        | money paid back out to the customer, using up a credit         |
| payment     | -        | money received, allocated to a financial year of the account   |
| write_off   | -        | a debt the council has decided not to pursue                   |
| adjustment  | + or -   | a correction of a charge (a rebill, a relief, a discount)      |
| transfer    | + or -   | one half of a movement of a balance between accounts or years  |
| reversal    | opposite | undoes exactly one earlier posting; never itself reversed      |

Postings are never changed or deleted: a correction is a new posting (beancount's rule, and
what an auditor expects). Each posting carries a content hash so that ``reclaim check`` can prove
no stored posting has been altered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from reclaim.calendar import FinancialYear
from reclaim.domain.errors import PostingRefused
from reclaim.money import Money


class PostingKind(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    REVERSAL = "reversal"
    ADJUSTMENT = "adjustment"
    COSTS = "costs"
    WRITE_OFF = "write_off"
    REFUND = "refund"
    TRANSFER = "transfer"


@dataclass(frozen=True, slots=True)
class Posting:
    """One immutable ledger entry on one account, in one financial year."""

    account_id: int
    kind: PostingKind
    amount: Money
    financial_year: FinancialYear
    effective_date: date
    posted_on: date
    reason: str
    reverses_id: int | None = None
    payment_id: int | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        kind, pence = self.kind, self.amount.pence
        if pence == 0:
            raise PostingRefused(f"a {kind} posting cannot be for £0.00")
        # Identity tests, not set membership: hashing an enum member is slow in bulk.
        positive = kind is PostingKind.CHARGE or kind is PostingKind.COSTS
        if (positive or kind is PostingKind.REFUND) and pence < 0:
            raise PostingRefused(f"a {kind} posting must be positive, not {self.amount}")
        if (kind is PostingKind.PAYMENT or kind is PostingKind.WRITE_OFF) and pence > 0:
            raise PostingRefused(f"a {kind} posting must be negative, not {self.amount}")
        if (kind is PostingKind.REVERSAL) != (self.reverses_id is not None):
            raise PostingRefused("a reversal, and only a reversal, names the posting it reverses")
        if not self.reason or self.reason.isspace():
            raise PostingRefused("every posting says why it was made")

    @property
    def content_hash(self) -> str:
        return posting_hash(
            account_id=self.account_id,
            kind=self.kind.value,
            amount_pence=self.amount.pence,
            financial_year=self.financial_year.start_year,
            effective_date=self.effective_date,
            posted_on=self.posted_on,
            reason=self.reason,
            reverses_id=self.reverses_id,
            payment_id=self.payment_id,
        )


def posting_hash(
    *,
    account_id: int,
    kind: str,
    amount_pence: int,
    financial_year: int,
    effective_date: date,
    posted_on: date,
    reason: str,
    reverses_id: int | None,
    payment_id: int | None,
) -> str:
    """SHA-256 of a posting's content, in one fixed text layout. Used to detect alteration."""
    return hash_of_fields(
        (
            str(account_id),
            kind,
            str(amount_pence),
            str(financial_year),
            effective_date.isoformat(),
            posted_on.isoformat(),
            reason,
            "" if reverses_id is None else str(reverses_id),
            "" if payment_id is None else str(payment_id),
        )
    )


# The fields of a posting in the order its hash covers them; bulk writers that build the
# text as columns follow this order and separator, and ``reclaim check`` proves they did.
HASHED_FIELDS = (
    "account_id",
    "kind",
    "amount_pence",
    "financial_year",
    "effective_date",
    "posted_on",
    "reason",
    "reverses_id",
    "payment_id",
)
HASH_SEPARATOR = "\x1f"


def hash_of_fields(fields: Iterable[str]) -> str:
    return hash_of_text(HASH_SEPARATOR.join(fields))


def hash_of_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def reversal_of(original: Posting, *, on: date, reason: str) -> Posting:
    """The posting that exactly undoes ``original``, in the same financial year."""
    if original.id is None:
        raise PostingRefused("only a stored posting can be reversed")
    if original.kind is PostingKind.REVERSAL:
        raise PostingRefused("a reversal cannot itself be reversed: post the entry again instead")
    return Posting(
        account_id=original.account_id,
        kind=PostingKind.REVERSAL,
        amount=-original.amount,
        financial_year=original.financial_year,
        effective_date=on,
        posted_on=on,
        reason=reason,
        reverses_id=original.id,
        payment_id=original.payment_id,
    )


def balance(postings: Iterable[Posting]) -> Money:
    """A balance is the sum of its postings, and nothing else."""
    return sum((p.amount for p in postings), Money.zero())


def balance_by_year(postings: Iterable[Posting]) -> dict[FinancialYear, Money]:
    totals: dict[FinancialYear, Money] = {}
    for p in postings:
        totals[p.financial_year] = totals.get(p.financial_year, Money.zero()) + p.amount
    return totals


class AccountLedger:
    """One account's postings with the rules that guard them; the unit a change is made on.

    The version counts the changes made; storage refuses to write a change made from an older
    version, so two officers acting on one account cannot overwrite each other.
    """

    def __init__(self, account_id: int, postings: Iterable[Posting] = (), version: int = 1) -> None:
        self.account_id = account_id
        self.version = version
        self._postings: list[Posting] = list(postings)
        self._reversed: set[int] = {p.reverses_id for p in self._postings if p.reverses_id}
        self.new_postings: list[Posting] = []

    @property
    def postings(self) -> tuple[Posting, ...]:
        return tuple(self._postings)

    @property
    def balance(self) -> Money:
        return balance(self._postings)

    def balance_by_year(self) -> Mapping[FinancialYear, Money]:
        return balance_by_year(self._postings)

    def post(self, posting: Posting) -> Posting:
        if posting.account_id != self.account_id:
            raise PostingRefused(
                f"a posting for account {posting.account_id} cannot go on account {self.account_id}"
            )
        if posting.reverses_id is not None:
            original = self._find(posting.reverses_id)
            if original.kind is PostingKind.REVERSAL:
                raise PostingRefused(
                    "a reversal cannot itself be reversed: post the entry again instead"
                )
            if posting.reverses_id in self._reversed:
                raise PostingRefused(f"posting {posting.reverses_id} has already been reversed")
            if posting.amount != -original.amount:
                raise PostingRefused(
                    f"a reversal must be for {-original.amount}, not {posting.amount}"
                )
            if posting.financial_year != original.financial_year:
                raise PostingRefused(
                    f"a reversal belongs to the year of what it reverses "
                    f"({original.financial_year}), not {posting.financial_year}"
                )
            self._reversed.add(posting.reverses_id)
        self._postings.append(posting)
        self.new_postings.append(posting)
        return posting

    def reverse(self, posting_id: int, *, on: date, reason: str) -> Posting:
        return self.post(reversal_of(self._find(posting_id), on=on, reason=reason))

    def is_reversed(self, posting_id: int) -> bool:
        return posting_id in self._reversed

    def _find(self, posting_id: int) -> Posting:
        for p in self._postings:
            if p.id == posting_id:
                return p
        raise PostingRefused(f"posting {posting_id} is not on account {self.account_id}")
