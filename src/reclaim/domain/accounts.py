"""Accounts: one debt relationship of one kind, with one or more liable parties.

A Council Tax account is a year (or part) of liability at a dwelling; a Business Rates account a
liability at a hereditament; a sundry debt an invoice; an overpayment a Housing Benefit
overpayment; a rent account a tenancy. Joint owners are jointly and severally liable, so an
account may name several parties, each liable for the whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from reclaim.calendar import InstalmentDay
from reclaim.domain.errors import DomainError


class AccountKind(StrEnum):
    COUNCIL_TAX = "council_tax"
    BUSINESS_RATES = "business_rates"
    SUNDRY_DEBT = "sundry_debt"
    HB_OVERPAYMENT = "hb_overpayment"
    RENT = "rent"
    FORMER_TENANT_ARREARS = "former_tenant_arrears"
    COMMERCIAL_RENT = "commercial_rent"

    @property
    def is_billed(self) -> bool:
        """Council Tax and Business Rates are charged by the annual bill, not by an invoice."""
        return self in (AccountKind.COUNCIL_TAX, AccountKind.BUSINESS_RATES)

    @property
    def needs_property(self) -> bool:
        return self in (
            AccountKind.COUNCIL_TAX,
            AccountKind.BUSINESS_RATES,
            AccountKind.RENT,
            AccountKind.COMMERCIAL_RENT,
        )

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("hb ", "Housing Benefit ").capitalize()


class PaymentMethod(StrEnum):
    """How money reaches the council: the way an account pays, and a payment's channel."""

    DIRECT_DEBIT = "direct_debit"
    STANDING_ORDER = "standing_order"
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    PAYPOINT = "paypoint"
    POST_OFFICE = "post_office"
    CASH = "cash"
    CHEQUE = "cheque"
    ATTACHMENT = "attachment"  # of earnings or benefit, after a liability order
    OTHER = "other"


# Statutory schemes allow 10 monthly instalments, or 12 on request (CT from 2013, NNDR from 2014).
# An arrangement or a sundry invoice may be spread over any number up to this many.
MAX_INSTALMENTS = 60


@dataclass(frozen=True, slots=True)
class Account:
    council_code: str
    kind: AccountKind
    reference: str
    liable_party_ids: tuple[int, ...]
    start_date: date
    property_id: int | None = None
    end_date: date | None = None
    payment_method: PaymentMethod = PaymentMethod.OTHER
    instalment_day: InstalmentDay | None = None
    instalments: int | None = None
    description: str = ""
    id: int | None = None
    version: int = 1

    def __post_init__(self) -> None:
        if not self.reference.strip():
            raise DomainError("an account needs a reference")
        if not self.liable_party_ids:
            raise DomainError(f"account {self.reference} needs at least one liable party")
        if self.end_date is not None and self.end_date < self.start_date:
            raise DomainError(
                f"account {self.reference} ends ({self.end_date}) before it starts "
                f"({self.start_date})"
            )
        if self.instalments is not None and not 1 <= self.instalments <= MAX_INSTALMENTS:
            raise DomainError(
                f"account {self.reference}: {self.instalments} instalments is not between 1 "
                f"and {MAX_INSTALMENTS}"
            )
        if self.kind.needs_property and self.property_id is None:
            raise DomainError(f"a {self.kind.label} account needs a property")
