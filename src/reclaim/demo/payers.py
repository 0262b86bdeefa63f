"""How the demo council's people pay: planned payments from each account's instalments and
behaviour, and what each does when a letter or the court reaches them.

Pure planning, no database: the simulation asks what an account pays and when, and posts it.
An amount of ``None`` means "whatever the account then owes"; every amount is capped at the
balance when it is paid, so nobody pays twice for the same instalment.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from reclaim.demo.behaviour import Behaviour
from reclaim.demo.population import DemoAccount

Instalments = list[tuple[date, int]]  # (due date, pence)

PAYS_LETTERS = {Behaviour.PAYS_ON_TIME, Behaviour.PAYS_IN_FULL, Behaviour.LATE_AFTER_REMINDER}
PAYS_SUMMONS = PAYS_LETTERS | {Behaviour.PAYS_AFTER_SUMMONS}


@dataclass(frozen=True, slots=True)
class Planned:
    """A payment the account will make on a day: ``pence`` None means its whole balance."""

    reference: str
    pence: int | None
    channel: str
    returned: bool = False  # a Direct Debit that will come back unpaid (ARUDD)
    why: str = "instalment"
    parts_left: int = 1  # with pence None: this part is the balance over the parts left

    def amount(self, balance: int) -> int:
        """What is paid, given the account's balance: never more than it owes."""
        if self.pence is None:
            return -(-balance // self.parts_left) if balance > 0 else 0
        return max(min(self.pence, balance), 0)


class PaymentPlan:
    """The payments planned for each day of the year."""

    def __init__(self, rng: random.Random, last_day: date, pays_after_order: float) -> None:
        self.rng = rng
        self.last_day = last_day
        self.pays_after_order = pays_after_order
        self.by_day: dict[date, list[Planned]] = defaultdict(list)

    def add(self, day: date, planned: Planned) -> None:
        if day <= self.last_day:
            self.by_day[day].append(planned)

    def due(self, day: date) -> list[Planned]:
        return self.by_day.pop(day, [])

    def instalments(
        self, account: DemoAccount, schedule: Instalments, dd_failure: float, after: date
    ) -> None:
        """The account's own instalments, as its behaviour pays them."""
        rng = self.rng
        dd = account.method == "direct_debit"
        ahead = [(day, pence) for day, pence in schedule if day >= after]
        if not ahead:
            return
        b = account.behaviour
        if b is Behaviour.PAYS_IN_FULL:
            first = ahead[0][0]
            self.add(first, Planned(account.reference, None, account.method, why="in full"))
            return
        stops_after = len(ahead)
        if b is Behaviour.PAYS_AFTER_SUMMONS:
            stops_after = rng.randrange(1, 5)
        elif b is Behaviour.PERSISTENT_NON_PAYER:
            stops_after = rng.randrange(0, 2)
        for i, (day, pence) in enumerate(ahead):
            if i >= stops_after:
                break
            if b is Behaviour.LATE_AFTER_REMINDER and rng.random() < 0.3:
                continue  # missed: the reminder brings it in
            # Direct Debits are collected on the day; others pay on the day or a few after.
            when = day if dd else day + timedelta(days=rng.randrange(0, 4))
            returned = dd and rng.random() < dd_failure
            self.add(when, Planned(account.reference, pence, account.method, returned))

    def parts(self, account: DemoAccount, start: date, count: int, channel: str, why: str) -> None:
        """The balance paid in ``count`` monthly parts from ``start`` (an arrangement)."""
        for i in range(count):
            day = start + timedelta(days=30 * i)
            self.add(day, Planned(account.reference, None, channel, why=why, parts_left=count - i))

    def balance(self, account: DemoAccount, on: date, channel: str, why: str) -> None:
        self.add(on, Planned(account.reference, None, channel, why=why))

    def react(self, account: DemoAccount, action: str, stage: str, pence: int, on: date) -> str:
        """What the account does on receiving a step recorded today; says what, for the tally."""
        rng = self.rng
        b = account.behaviour
        soon = on + timedelta(days=rng.randrange(2, 7))
        if action == "notice" and stage in ("reminder", "second_reminder"):
            if b in PAYS_LETTERS:
                self.add(soon, Planned(account.reference, pence, "card", why="after a reminder"))
                return "paid after a reminder"
        elif action == "notice":
            if b in PAYS_LETTERS:
                self.balance(account, soon, "card", "after the final notice")
                return "paid after the final notice"
        elif action == "summons":
            if b in PAYS_SUMMONS and rng.random() < 0.85:
                later = on + timedelta(days=rng.randrange(3, 11))
                self.balance(account, later, "card", "after a summons")
                return "paid after a summons"
        elif action == "liability_order":
            if b in PAYS_SUMMONS:
                self.parts(account, on + timedelta(days=14), 3, "card", "arrangement")
                return "arrangement after the order"
            if rng.random() < self.pays_after_order:
                self.parts(account, on + timedelta(days=21), 6, "attachment", "attachment")
                return "attachment of earnings"
        elif action == "review":
            self.parts(account, on + timedelta(days=10), 4, "card", "arrangement")
            return "arrangement after an officer's review"
        return ""
