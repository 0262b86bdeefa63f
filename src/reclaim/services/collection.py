"""In-year collection month by month against the profile the bills set, for one council.

The **target profile** is what the bills in force ask for: the instalments of Council Tax and
Business Rates falling due by the end of each month, cumulatively (a council's collection
target is usually that share of the net collectable debit). **Collected** is what payments
brought in, by the day each was made, less payments reversed (a returned Direct Debit), also
cumulatively. Both are shown against the year's charge (charges and adjustments, net), for
Council Tax and Business Rates: the collection rates councils report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, and_, func, select

from reclaim.calendar import FinancialYear
from reclaim.domain.errors import DomainError
from reclaim.money import Money
from reclaim.services.officer_lists import WorkList
from reclaim.services.officer_views import NotFound
from reclaim.store import tables as t

BILLED = ("council_tax", "business_rates")  # the debts collected by annual bills


@dataclass(frozen=True, slots=True)
class MonthOfCollection:
    month: date  # its first day
    due: Money  # by the end of the month, cumulative: the target profile
    collected: Money  # by the end of the month, cumulative

    def share(self, of: Money, which: Money) -> str:
        """``which`` as a percentage of ``of``, to one decimal place (integer arithmetic)."""
        if of.pence <= 0:
            return "–"
        tenths = (which.pence * 1000 + of.pence // 2) // of.pence
        return f"{tenths // 10}.{tenths % 10}%"


@dataclass(frozen=True, slots=True)
class CollectionProfile:
    council: str
    year: FinancialYear
    charged: Money
    months: tuple[MonthOfCollection, ...]

    def as_list(self) -> WorkList:
        rows = tuple(
            (
                f"{m.month:%B %Y}",
                m.due.to_json(),
                m.share(self.charged, m.due),
                m.collected.to_json(),
                m.share(self.charged, m.collected),
            )
            for m in self.months
        )
        return WorkList(
            "collection",
            f"Collection in {self.year}: {self.council}",
            ("Month", "Due by then", "Target", "Collected by then", "Collected"),
            rows,
            (),
            "",
        )


def _months(year: FinancialYear) -> list[date]:
    return [
        date(year.start_year + (month < 4), month, 1) for month in (*range(4, 13), *range(1, 4))
    ]


def collection_profile(
    conn: Connection, council: str, year: FinancialYear, councils: tuple[str, ...]
) -> CollectionProfile:
    if council not in councils:
        raise NotFound(f"there is no council {council} among the councils you can see")
    found = conn.execute(select(t.councils.c.id).where(t.councils.c.code == council)).first()
    if found is None:
        raise DomainError(f"there is no council {council}")
    council_id = found.id
    a, p = t.accounts, t.postings
    in_council = and_(
        a.c.council_id == council_id,
        a.c.kind.in_(BILLED),
        p.c.financial_year == year.start_year,
    )
    charged = conn.execute(
        select(func.coalesce(func.sum(p.c.amount_pence), 0))
        .select_from(p.join(a, a.c.id == p.c.account_id))
        .where(in_council, p.c.kind.in_(("charge", "adjustment")))
    ).scalar_one()
    reversed_ = p.alias("reversed")
    paid_rows = conn.execute(
        select(p.c.effective_date, p.c.amount_pence)
        .select_from(
            p.join(a, a.c.id == p.c.account_id).outerjoin(
                reversed_, reversed_.c.id == p.c.reverses_id
            )
        )
        .where(
            in_council,
            (p.c.kind == "payment") | ((p.c.kind == "reversal") & (reversed_.c.kind == "payment")),
        )
    ).all()
    b, superseding = t.bills, t.bills.alias("superseding")
    due_rows = conn.execute(
        select(t.plan_instalments.c.due_date, t.plan_instalments.c.amount_pence)
        .select_from(
            b.join(a, a.c.id == b.c.account_id)
            .join(t.plan_instalments, t.plan_instalments.c.plan_id == b.c.plan_id)
            .outerjoin(superseding, superseding.c.supersedes_id == b.c.id)
        )
        .where(a.c.council_id == council_id, b.c.financial_year == year.start_year)
        .where(superseding.c.id.is_(None))
    ).all()
    every = _months(year)

    def month_of(day: date) -> date:  # paid before April counts in April, after March in March
        return min(max(day.replace(day=1), every[0]), every[-1])

    collected: dict[date, int] = defaultdict(int)
    for day, pence in paid_rows:
        collected[month_of(day)] -= pence
    due: dict[date, int] = defaultdict(int)
    for day, pence in due_rows:
        due[month_of(day)] += pence
    months, due_so_far, paid_so_far = [], 0, 0
    for month in every:
        due_so_far += due.get(month, 0)
        paid_so_far += collected.get(month, 0)
        months.append(MonthOfCollection(month, Money(due_so_far), Money(paid_so_far)))
    return CollectionProfile(council, year, Money(int(charged)), tuple(months))
