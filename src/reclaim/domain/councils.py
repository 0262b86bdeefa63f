"""Councils (billing authorities) and the choices each makes that the law leaves to it.

A council is in England or Wales; the rules differ (see reclaim.calendar.Country). How a payment
is shared out is the council's policy, held as data on the council, not in code:

* within an account, *oldest financial year first* (the default, and what most councils do so
  that the oldest debt, nearest its limitation date, is cleared first) or *current year first*
  (keeps the current year's instalments up to date, which protects the right to instalments);
* across a customer's accounts, a stated priority order of account kinds. Council Tax comes
  first by default: its arrears carry the heaviest sanctions (see seed 004's "priority debts").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from reclaim.calendar import Country
from reclaim.domain.accounts import AccountKind
from reclaim.domain.errors import DomainError

COUNCIL_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,19}$")


class YearOrder(StrEnum):
    """Which financial year of an account a payment goes to first."""

    OLDEST_FIRST = "oldest_first"
    CURRENT_FIRST = "current_first"

    @property
    def description(self) -> str:
        if self is YearOrder.OLDEST_FIRST:
            return "oldest financial year first"
        return "current financial year first, then the oldest"


DEFAULT_PRIORITY: tuple[AccountKind, ...] = (
    AccountKind.COUNCIL_TAX,
    AccountKind.RENT,
    AccountKind.BUSINESS_RATES,
    AccountKind.HB_OVERPAYMENT,
    AccountKind.FORMER_TENANT_ARREARS,
    AccountKind.COMMERCIAL_RENT,
    AccountKind.SUNDRY_DEBT,
)


@dataclass(frozen=True, slots=True)
class AllocationPolicy:
    """How a council shares out a payment: within an account, and across a customer's accounts."""

    within_account: YearOrder = YearOrder.OLDEST_FIRST
    across_accounts: tuple[AccountKind, ...] = DEFAULT_PRIORITY

    def __post_init__(self) -> None:
        missing = [k for k in AccountKind if k not in self.across_accounts]
        repeated = {k for k in self.across_accounts if self.across_accounts.count(k) > 1}
        if missing or repeated:
            raise DomainError(
                "the priority order must name every account kind once"
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + (f"; repeated: {', '.join(sorted(repeated))}" if repeated else "")
            )

    def rank(self, kind: AccountKind) -> int:
        return self.across_accounts.index(kind)

    @classmethod
    def parse_priority(cls, text: str) -> tuple[AccountKind, ...]:
        """Read a priority order written as kinds separated by commas or '>'."""
        names = [part.strip() for part in re.split(r"[,>]", text) if part.strip()]
        kinds = []
        for name in names:
            try:
                kinds.append(AccountKind(name))
            except ValueError:
                allowed = ", ".join(AccountKind)
                raise DomainError(
                    f"'{name}' is not an account kind; use one of {allowed}"
                ) from None
        return tuple(kinds)


@dataclass(frozen=True, slots=True)
class Council:
    code: str
    name: str
    country: Country
    allocation_policy: AllocationPolicy = field(default_factory=AllocationPolicy)

    def __post_init__(self) -> None:
        if not COUNCIL_CODE.fullmatch(self.code):
            raise DomainError(
                f"'{self.code}' is not a council code: use 2 to 20 capital letters, digits, "
                "'-' or '_', starting with a letter (for example KNOWSLEY or RBWM)"
            )
        if not self.name.strip():
            raise DomainError("a council needs a name")
