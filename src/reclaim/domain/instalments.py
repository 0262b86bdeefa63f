"""Statutory instalments: how a Council Tax or Business Rates bill is spread over the year.

Every later step of recovery counts from the instalments a bill sets, so these rules follow
the regulations closely. Sources (see ../shared/research/statutory-rules.md §1.1 and §7.1):

* Council Tax — Council Tax (Administration and Enforcement) Regulations 1992 (SI 1992/613),
  Schedule 1 Part I, para 2, and reg 21(1A)–(1D) for 12 instalments on request (England, from
  1 April 2013, SI 2012/3086).
* Business Rates — Non-Domestic Rating (Collection and Enforcement) (Local Lists) Regulations
  1989 (SI 1989/1058), Schedule 1 para 1–3; 12 on request from 1 April 2014 (SI 2014/479).

The rules, as implemented:

1. **How many.** A bill issued before the year begins, or by 30 April in it, is payable by 10
   monthly instalments. Issued later (to 31 December), by one fewer than the whole calendar
   months left in the year after the month of issue. Issued from 1 January, by one instalment.
   On request, 12 instalments: 12 if issued before the year or by 15 April; issued later, the
   whole months left after the month of issue (**UNVERIFIED**: the regulation's text for a
   late 12-instalment bill was not seen; this is the best-known reading, held in
   ``InstalmentRules.twelve_after_cutoff``).
2. **When.** Consecutive months, on the instalment day (for Direct Debit the payer's choice of
   1, 5, 15, 24 or the last day; otherwise the council's default day). The first falls at least
   14 days after the bill is issued and not before the year begins; if fewer months remain
   before the year ends than instalments, there are that many instalments (the year's last
   instalment falls in March at the latest).
3. **How much** (para 2(5)–(6)). If the charge divides into whole pounds, every instalment is
   equal. Otherwise each instalment but the first is charge ÷ number rounded to the nearest
   pound, and the first is what is left — so the first may be smaller than the rest:
   £1,234.56 over 10 is £127.56 then nine of £123; over 12, £101.56 then eleven of £103.
   The regulation does not say how a tie at exactly 50p rounds: here it rounds **up** (half
   away from zero, the usual reading; **UNVERIFIED**), held in ``InstalmentRules.tie``.
4. **Small instalments** (CT para 2(7) and 3; NNDR para 3). Where an instalment would be less
   than £5 (Council Tax) or £50 (Business Rates): a charge under twice that sum is payable in
   one instalment; otherwise the number of instalments becomes the greatest whole number of
   those sums that the charge contains. (The optional step of folding the second instalment
   into the first is not taken.) The NNDR text was cut off in the source: **UNVERIFIED**.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from reclaim.calendar import FinancialYear, InstalmentDay, add_months
from reclaim.domain.errors import DomainError
from reclaim.domain.schedules import Instalment
from reclaim.money import Money, Rounding


@dataclass(frozen=True, slots=True)
class InstalmentRules:
    """The statutory scheme for one kind of bill, as data with its sources."""

    name: str
    source: str
    small: Money  # an instalment below this brings in the small-instalment rule
    standard: int = 10
    standard_cutoff: tuple[int, int] = (4, 30)  # issued by 30 April: the full 10
    twelve: int = 12
    twelve_cutoff: tuple[int, int] = (4, 15)  # issued by 15 April: the full 12
    twelve_after_cutoff: str = "whole months left after the month of issue"  # UNVERIFIED
    single_from_month: int = 1  # issued from 1 January: one instalment
    days_before_first: int = 14
    tie: Rounding = Rounding.HALF_UP  # UNVERIFIED: the regulation is silent on 50p

    def count(self, issued: date, year: FinancialYear, *, twelve: bool) -> int:
        """How many instalments a bill issued on ``issued`` for ``year`` is payable by."""
        if issued > year.end:
            raise DomainError(f"a bill for {year} cannot be issued after the year ends ({issued})")
        if issued < date(year.start_year - 1, 1, 1):
            raise DomainError(
                f"a bill for {year} cannot be issued before 1 January {year.start_year - 1} "
                f"({issued})"
            )
        if issued >= date(year.start_year + 1, self.single_from_month, 1):
            return 1
        months_left = _whole_months_after(issued, year)
        cutoff = self.twelve_cutoff if twelve else self.standard_cutoff
        if issued < year.start or issued <= date(year.start_year, *cutoff):
            return self.twelve if twelve else self.standard
        return months_left if twelve else months_left - 1


COUNCIL_TAX = InstalmentRules(
    name="Council Tax",
    source="Council Tax (Administration and Enforcement) Regulations 1992, Sch 1 para 2; "
    "reg 21(1A) (12 instalments, England, from 1 April 2013)",
    small=Money(500),
)
BUSINESS_RATES = InstalmentRules(
    name="Business Rates",
    source="Non-Domestic Rating (Collection and Enforcement) (Local Lists) Regulations 1989, "
    "Sch 1 paras 1-3; SI 2014/479 (12 instalments, England, from 1 April 2014)",
    small=Money(5000),
)


def _whole_months_after(issued: date, year: FinancialYear) -> int:
    """Whole calendar months of the year that begin after the month of issue."""
    if issued < year.start:
        return 12
    months = (year.end.year - issued.year) * 12 + (year.end.month - issued.month)
    return max(months, 0)


def instalment_amounts(charge: Money, count: int, tie: Rounding = Rounding.HALF_UP) -> list[Money]:
    """Para 2(5)–(6): every instalment but the first is charge ÷ count to the nearest pound;
    the first takes what is left. Exact integer arithmetic throughout."""
    if count < 1:
        raise DomainError("a bill needs at least one instalment")
    if not charge.is_positive:
        raise DomainError(f"instalments are for a charge of more than £0.00, not {charge}")
    if count == 1:
        return [charge]
    if charge.pence % (100 * count) == 0:
        return [Money(charge.pence // count)] * count
    rest = _nearest_pound(charge.pence, count, tie)
    return [Money(charge.pence - (count - 1) * rest), *([Money(rest)] * (count - 1))]


def _nearest_pound(pence: int, count: int, tie: Rounding) -> int:
    """pence ÷ count rounded to a whole pound, in pence, rounding an exact half by ``tie``."""
    pounds, left = divmod(pence, 100 * count)
    twice, whole = 2 * left, 100 * count
    if twice > whole or (
        twice == whole
        and (tie is Rounding.HALF_UP or (tie is Rounding.HALF_EVEN and pounds % 2 == 1))
    ):
        pounds += 1
    return pounds * 100


def instalments_within_small_rule(
    charge: Money, count: int, rules: InstalmentRules
) -> tuple[int, list[Money]]:
    """The amounts, after the small-instalment rule: (count, amounts)."""
    amounts = instalment_amounts(charge, count, rules.tie)
    if min(amounts) >= rules.small:
        return count, amounts
    if charge.pence < 2 * rules.small.pence:
        return 1, [charge]
    fewer = min(count, charge.pence // rules.small.pence)
    return fewer, instalment_amounts(charge, fewer, rules.tie)


def statutory_instalments(
    charge: Money,
    *,
    rules: InstalmentRules,
    year: FinancialYear,
    issued: date,
    day: InstalmentDay,
    twelve: bool = False,
) -> list[Instalment]:
    """The instalments a bill sets: their due dates and amounts, adding up to ``charge``."""
    count = rules.count(issued, year, twelve=twelve)
    return spread_instalments(
        charge,
        count=count,
        first=first_due(issued, year, day, rules),
        day=day,
        year=year,
        rules=rules,
        issued=issued,
    )


def spread_instalments(
    charge: Money,
    *,
    count: int,
    first: date,
    day: InstalmentDay,
    year: FinancialYear,
    rules: InstalmentRules,
    issued: date,
) -> list[Instalment]:
    """``charge`` over ``count`` monthly instalments from ``first`` on ``day``: the amounts of
    para 2(5)-(6) after the small-instalment rule, and no instalment after March."""
    first, count = months_left_for(count, first=first, year=year, rules=rules, issued=issued)
    count, amounts = instalments_within_small_rule(charge, count, rules)
    dates = monthly_dates(first, day, count)
    return [Instalment(d, a) for d, a in zip(dates, amounts, strict=True)]


def months_left_for(
    count: int, *, first: date, year: FinancialYear, rules: InstalmentRules, issued: date
) -> tuple[date, int]:
    """When ``count`` monthly instalments from ``first`` start, and how many there may be
    before the small-instalment rule (which depends on the charge): none after March."""
    months_available = (year.end.year - first.year) * 12 + (year.end.month - first.month) + 1
    if months_available < 1:
        # Too late in the year for the 14 days' notice to fall within it: one instalment,
        # due 14 days after issue.
        first, count = issued + timedelta(days=rules.days_before_first), 1
    return first, max(1, min(count, months_available))


@lru_cache(maxsize=4096)
def monthly_dates(first: date, day: InstalmentDay, count: int) -> tuple[date, ...]:
    """``first``, then ``day`` in each of the next ``count - 1`` months. (A billing run asks
    for the same few sequences a million times, so they are remembered.)"""
    dates = [first]
    for n in range(1, count):
        month = add_months(first.replace(day=1), n)
        dates.append(day.in_month(month.year, month.month))
    return tuple(dates)


def first_due(
    issued: date, year: FinancialYear, day: InstalmentDay, rules: InstalmentRules
) -> date:
    """The first instalment day at least 14 days after issue and not before the year."""
    earliest = max(issued + timedelta(days=rules.days_before_first), year.start)
    month = earliest.replace(day=1)
    candidate = day.in_month(month.year, month.month)
    if candidate < earliest:
        month = add_months(month, 1)
        candidate = day.in_month(month.year, month.month)
    return candidate
