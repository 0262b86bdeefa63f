"""What an officer (or a program) sees of an account: parties, property, ledger, schedule."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from reclaim.calendar import FinancialYear
from reclaim.domain.errors import DomainError
from reclaim.domain.ledger import Posting, balance_by_year
from reclaim.domain.schedules import Schedule, ScheduleKind
from reclaim.money import Money
from reclaim.services.billing import StoredBill, bills_of, current_bills
from reclaim.services.letters import StoredDocument, documents_of
from reclaim.services.protections import Hold, holds_of
from reclaim.services.recovery_history import NO_RECOVERY, RecoveryHistory, recovery_of
from reclaim.store.repositories import (
    AccountView,
    account_view,
    current_schedule,
    find_accounts,
    postings_of,
)


@dataclass(frozen=True, slots=True)
class AccountStatement:
    view: AccountView
    postings: list[Posting]
    schedule: Schedule | None  # the instalments now due: the latest bill's, or an invoice's
    bills: list[StoredBill]  # every bill, oldest first, superseded ones included
    recovery: RecoveryHistory = NO_RECOVERY
    holds: tuple[Hold, ...] = ()
    documents: tuple[StoredDocument, ...] = ()

    @property
    def balance_by_year(self) -> dict[FinancialYear, Money]:
        return dict(sorted(balance_by_year(self.postings).items()))


def account_statement(
    conn: Connection, reference: str, council_code: str | None = None
) -> AccountStatement:
    ids = find_accounts(conn, reference, council_code)
    if not ids:
        where = f" in council {council_code}" if council_code else ""
        raise DomainError(f"there is no account with the reference {reference}{where}")
    if len(ids) > 1:
        raise DomainError(
            f"{len(ids)} councils have an account {reference}; say which with --council"
        )
    account_id = ids[0]
    view = account_view(conn, account_id)
    bills = bills_of(conn, account_id) if view.account.kind.is_billed else []
    return AccountStatement(
        view,
        postings_of(conn, account_id),
        _bill_schedule(bills) or current_schedule(conn, account_id),
        bills,
        recovery_of(conn, account_id),
        tuple(holds_of(conn, account_id)),
        tuple(documents_of(conn, account_id)),
    )


def _bill_schedule(bills: list[StoredBill]) -> Schedule | None:
    """The schedule set by the bill in force for the latest year billed."""
    current = current_bills(bills)
    if not current:
        return None
    latest = current[max(current)]
    if not latest.instalments:
        return None
    return Schedule(
        latest.account_id,
        ScheduleKind.STATUTORY,
        latest.charge,
        latest.instalments,
        f"bill for {latest.year} issued {latest.issued_on.isoformat()}",
    )
