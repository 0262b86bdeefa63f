"""What an officer (or a program) sees of an account: parties, property, ledger, schedule."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from reclaim.calendar import FinancialYear
from reclaim.domain.errors import DomainError
from reclaim.domain.ledger import Posting, balance_by_year
from reclaim.domain.schedules import Schedule
from reclaim.money import Money
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
    schedule: Schedule | None

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
    return AccountStatement(
        account_view(conn, account_id),
        postings_of(conn, account_id),
        current_schedule(conn, account_id),
    )
