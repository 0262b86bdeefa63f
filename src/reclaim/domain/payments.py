"""Payments and how they are shared out (allocated) across financial years and accounts.

A payment arrives with a reference. If the reference is an account's, the payment is shared
across that account's financial years by the council's ``YearOrder``. If it is a customer's
(party) reference, it is shared across the customer's accounts in the council's priority order,
and within each account by year. Money beyond everything owed is held as a credit on the
account that comes first, in the payment's own financial year. A reference that matches
nothing goes to the suspense list, never lost, until an officer allocates it.

Every allocation line carries a plain-English reason: the rule that sent the money there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from reclaim.calendar import FinancialYear
from reclaim.domain.accounts import AccountKind, PaymentMethod
from reclaim.domain.councils import AllocationPolicy, YearOrder
from reclaim.domain.errors import DomainError
from reclaim.money import Money


class PaymentStatus(StrEnum):
    ALLOCATED = "allocated"
    SUSPENSE = "suspense"  # the reference matched no account: waiting for an officer
    REVERSED = "reversed"  # returned, bounced or refunded: its postings have been reversed


@dataclass(frozen=True, slots=True)
class Payment:
    payment_date: date
    reference: str
    amount: Money
    channel: PaymentMethod
    external_id: str
    id: int | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_positive:
            raise DomainError(
                f"a payment must be more than £0.00, not {self.amount}; a returned or "
                "bounced payment is recorded as a reversal of the original"
            )
        if not self.external_id.strip():
            raise DomainError("a payment needs the external id its channel gave it")


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """A part of a payment that goes to one financial year of one account, and why."""

    account_id: int
    financial_year: FinancialYear
    amount: Money
    reason: str


@dataclass(frozen=True, slots=True)
class AccountOwing:
    """What allocation needs to know about an account: what is owed in each year."""

    account_id: int
    reference: str
    kind: AccountKind
    owing_by_year: Mapping[FinancialYear, Money]


def year_order(
    owing_by_year: Mapping[FinancialYear, Money], order: YearOrder, current: FinancialYear
) -> list[FinancialYear]:
    """The years of an account in the order a payment fills them."""
    years = [y for y, owed in owing_by_year.items() if owed.pence > 0]
    if len(years) > 1:
        years.sort()
    if order is YearOrder.CURRENT_FIRST and current in years:
        years.remove(current)
        years.insert(0, current)
    return years


def allocate_to_account(
    amount: Money, account: AccountOwing, order: YearOrder, paid_on: date, *, why: str = ""
) -> tuple[list[AllocationLine], Money]:
    """Fill the account's years in order; returns the lines and what is left over."""
    current = FinancialYear.containing(paid_on)
    lines: list[AllocationLine] = []
    left = amount
    for year in year_order(account.owing_by_year, order, current):
        if not left.is_positive:
            break
        owed = account.owing_by_year[year]
        take = min(left, owed)
        reason = f"{why}{order.description}: {year} had {owed} outstanding"
        lines.append(AllocationLine(account.account_id, year, take, reason))
        left -= take
    return lines, left


def allocate_payment(
    amount: Money,
    accounts: Sequence[AccountOwing],
    policy: AllocationPolicy,
    paid_on: date,
) -> list[AllocationLine]:
    """Share a payment across one or more accounts; any excess is a credit on the first.

    With several accounts (a customer reference) they are taken in the council's priority
    order of kinds, then by reference, so the result never depends on the order given.
    """
    if not accounts:
        raise DomainError("a payment can only be allocated to at least one account")
    ranked = (
        list(accounts)
        if len(accounts) == 1
        else sorted(accounts, key=lambda a: (policy.rank(a.kind), a.reference))
    )
    shared = len(ranked) > 1
    lines: list[AllocationLine] = []
    left = amount
    for position, account in enumerate(ranked, start=1):
        why = ""
        if shared:
            why = (
                f"customer payment shared by the council's priority order (account {position} "
                f"of {len(ranked)}, {account.kind.label}); "
            )
        taken, left = allocate_to_account(left, account, policy.within_account, paid_on, why=why)
        lines.extend(taken)
    if left.is_positive:
        first = ranked[0]
        year = FinancialYear.containing(paid_on)
        cleared = amount - left
        owed = f"{cleared} was due" if cleared.is_positive else "nothing was due"
        reason = (
            f"paid {left} more than was owed ({owed}); held as a credit on {first.reference} "
            f"in {year}"
        )
        lines.append(AllocationLine(first.account_id, year, left, reason))
    return _merge(lines) if len(lines) > 1 else lines


def _merge(lines: list[AllocationLine]) -> list[AllocationLine]:
    """Join lines for the same account and year (only happens when a credit lands on a year
    that was also paid off), keeping the reasons."""
    merged: dict[tuple[int, FinancialYear], AllocationLine] = {}
    for line in lines:
        key = (line.account_id, line.financial_year)
        if key in merged:
            old = merged[key]
            merged[key] = AllocationLine(
                line.account_id,
                line.financial_year,
                old.amount + line.amount,
                f"{old.reason}; then {line.reason}",
            )
        else:
            merged[key] = line
    return list(merged.values())
