"""Adding councils and setting their payment allocation policy."""

from __future__ import annotations

from sqlalchemy import Connection

from reclaim.calendar import Country
from reclaim.domain.councils import AllocationPolicy, Council, YearOrder
from reclaim.domain.errors import DomainError
from reclaim.store.repositories import add_council, get_council, set_allocation_policy


def add(conn: Connection, code: str, name: str, country: Country) -> Council:
    council = Council(code, name, country)
    add_council(conn, council)
    return council


def set_policy(
    conn: Connection, code: str, within: YearOrder | None, priority: str | None
) -> Council:
    stored = get_council(conn, code)
    if stored is None:
        raise DomainError(f"there is no council {code}")
    policy = stored.council.allocation_policy
    new_policy = AllocationPolicy(
        within or policy.within_account,
        AllocationPolicy.parse_priority(priority) if priority else policy.across_accounts,
    )
    set_allocation_policy(conn, code, new_policy)
    return Council(stored.council.code, stored.council.name, stored.council.country, new_policy)
