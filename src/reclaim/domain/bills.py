"""Bills: the demand notice for a year, with its lines and the instalments it sets.

A first bill spreads the year's charge by the statutory scheme (``instalments.py``). When the
charge changes mid-year (a band change, a discount or exemption awarded or ended, liability
starting or ending, 12 instalments asked for), a new bill supersedes the old one; the old is
kept. The new bill's instalments follow Sch 1 para 10 of the Council Tax (Administration and
Enforcement) Regulations 1992 (Business Rates: 1989 regs Sch 1 Part II), as read here:

* instalments of the old bill that fall due before the new bill's first instalment day (at
  least 14 days after it is issued) stand as they were;
* the rest of the new charge is spread over the old bill's remaining instalment months — or, on
  a request for 12 instalments, over the months the 12-instalment scheme allows from the day
  of the new bill — with the amounts of para 2(5)-(6);
* when no instalment day is left in the year (or the year is over), what is left is asked
  for in one sum, 14 days after issue;
* if the new charge is less than the instalments already due, those instalments are cut down
  to it (latest first), and whatever was paid above the new charge is a credit on the account
  (paid back on request, or set against what else is owed).

**UNVERIFIED**: para 10's full text was not seen (only sub-para (1), listing the events); the
spreading rule above is the best-known reading, and the 1995 amendment (amounts paid early are
taken into account) is met because payments are credited to the account, not to instalments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.domain.accounts import AccountKind
from reclaim.domain.charges import ChargeLine
from reclaim.domain.instalments import (
    BUSINESS_RATES,
    COUNCIL_TAX,
    InstalmentRules,
    first_due,
    instalments_within_small_rule,
    monthly_dates,
    months_left_for,
    spread_instalments,
)
from reclaim.domain.schedules import Instalment
from reclaim.money import Money


def rules_for(kind: AccountKind) -> InstalmentRules:
    return BUSINESS_RATES if kind is AccountKind.BUSINESS_RATES else COUNCIL_TAX


@dataclass(frozen=True, slots=True)
class BillTerms:
    """How a bill spreads its charge: when it is issued, on which day, 10 or 12."""

    year: FinancialYear
    issued: date
    day: InstalmentDay
    rules: InstalmentRules
    twelve: bool = False


def total(lines: Sequence[ChargeLine]) -> Money:
    return sum((line.amount for line in lines), Money.zero())


def first_bill_instalments(charge: Money, terms: BillTerms) -> tuple[Instalment, ...]:
    """The statutory instalments of a first bill (none when nothing is charged). A bill for a
    year already over is payable in one sum, 14 days after it is issued."""
    if not charge.is_positive:
        return ()
    first, count = first_bill_months(terms)
    count, amounts = instalments_within_small_rule(charge, count, terms.rules)
    dates = monthly_dates(first, terms.day, count)
    return tuple(Instalment(d, a) for d, a in zip(dates, amounts, strict=True))


def first_bill_months(terms: BillTerms) -> tuple[date, int]:
    """When a first bill's instalments start and how many there may be, before the
    small-instalment rule: what every first bill on these terms shares, whatever its charge."""
    if terms.issued > terms.year.end:
        return _after_notice(terms), 1
    return months_left_for(
        terms.rules.count(terms.issued, terms.year, twelve=terms.twelve),
        first=first_due(terms.issued, terms.year, terms.day, terms.rules),
        year=terms.year,
        rules=terms.rules,
        issued=terms.issued,
    )


def rebill_instalments(
    previous: Sequence[Instalment],
    charge: Money,
    terms: BillTerms,
    *,
    twelve_asked: bool = False,
) -> tuple[Instalment, ...]:
    """The instalments of a bill superseding one whose instalments were ``previous``."""
    if not previous:
        return first_bill_instalments(charge, terms)
    first = first_due(terms.issued, terms.year, terms.day, terms.rules)
    late = first > terms.year.end
    if late:
        # No instalment day is left in the year (or the year is over): what is left is asked
        # for in one sum, 14 days after the bill is issued.
        first = _after_notice(terms)
    standing = [i for i in previous if i.due_date < first]
    already = sum((i.amount for i in standing), Money.zero())
    if charge <= already:
        return _cut_to(standing, charge)
    if late:
        return (*standing, Instalment(first, charge - already))
    if twelve_asked:
        count = terms.rules.count(terms.issued, terms.year, twelve=True)
    else:
        count = max(1, sum(1 for i in previous if i.due_date >= first))
    rest = spread_instalments(
        charge - already,
        count=count,
        first=first,
        day=terms.day,
        year=terms.year,
        rules=terms.rules,
        issued=terms.issued,
    )
    return (*standing, *rest)


def _after_notice(terms: BillTerms) -> date:
    return terms.issued + timedelta(days=terms.rules.days_before_first)


def _cut_to(standing: Sequence[Instalment], charge: Money) -> tuple[Instalment, ...]:
    """The instalments already due, cut down (latest first) so they add up to ``charge``."""
    kept: list[Instalment] = []
    left = charge
    for instalment in standing:
        if not left.is_positive:
            break
        amount = min(instalment.amount, left)
        kept.append(Instalment(instalment.due_date, amount))
        left = left - amount
    return tuple(kept)
