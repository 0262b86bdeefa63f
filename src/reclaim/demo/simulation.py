"""The demo council's year, day by day, through Reclaim's own services.

Set-up: a fresh database, the council (England, the shipped strategies), its Band D and
parishes, the population imported as an accounts file and billed on 10 March. Then every day
of the financial year: what happens to people (moves, deaths, disputes, new bands), the day's
payments posted as one batch (returned Direct Debits reversed three working days later); on
every working day the recovery run, and each person's answer to the letter it sends; each
month a summons list and, on the hearing day, the court's outcomes; holds reviewed weekly.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, text

from reclaim.calendar import Country, FinancialYear, InstalmentDay, WorkingDays
from reclaim.demo.behaviour import Behaviour, DemoSettings
from reclaim.demo.letters import LetterTally, print_day, record_print, set_demo_letterhead
from reclaim.demo.payers import Instalments, PaymentPlan
from reclaim.demo.population import DemoAccount, write_accounts
from reclaim.demo.print_room import PrintRoom
from reclaim.domain.liability import Valuation
from reclaim.domain.properties import Band
from reclaim.domain.recovery.court import HearingOutcome
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)
from reclaim.imports.accounts import import_accounts
from reclaim.services import councils
from reclaim.services.billing import bill_year
from reclaim.services.council_years import CouncilYear, set_year
from reclaim.services.court import OutcomeLine, issue_summonses, match_outcomes, record_outcomes
from reclaim.services.letters import queue_documents
from reclaim.services.liability_changes import end_liability, record_valuation
from reclaim.services.payment_batches import PAYMENTS, post_payments
from reclaim.services.payments import reverse_payment
from reclaim.services.protections import (
    add_vulnerability,
    find_party_by_id,
    holds_due,
    place_hold,
    record_death,
    release_holds,
    review_holds,
    start_breathing_space,
)
from reclaim.services.recovery_run import run_recovery
from reclaim.store.bulk import select_in
from reclaim.store.unit_of_work import UnitOfWork

VULNERABILITIES = (
    VulnerabilityCategory.MENTAL_HEALTH,
    VulnerabilityCategory.SERIOUS_ILLNESS,
    VulnerabilityCategory.BEREAVEMENT,
    VulnerabilityCategory.PHYSICAL_DISABILITY,
)


# Time for the annual bills' print room to make some 20,000 bills while the simulation runs
# (in the background: the daily print runs come first).
ANNUAL_PRINT_RECORDED_AFTER = timedelta(days=120)


@dataclass(slots=True)
class YearTally:
    """What the simulation did, beyond what the ledger and the recovery events record."""

    accounts: int = 0
    billed: int = 0
    payments: int = 0
    returned_direct_debits: int = 0
    moved_out: int = 0
    died: int = 0
    banded: int = 0
    breathing_spaces: int = 0
    vulnerable: int = 0
    holds_placed: int = 0
    hold_reviews: int = 0
    holds_released: int = 0
    hearings: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    recovery_runs: int = 0
    recovery_seconds: float = 0.0
    recovery_cpu_seconds: float = 0.0  # the process's own CPU time: the machine may be shared
    slowest_recovery_run: float = 0.0


def _at(day: date, hour: int = 18) -> datetime:
    return datetime.combine(day, clock(hour), tzinfo=UTC)


class Simulation:
    def __init__(
        self,
        engine: Engine,
        settings: DemoSettings,
        population: list[DemoAccount],
        year: FinancialYear,
        seed: int,
        letters: Path | None = None,
        *,
        print_room: bool = True,
    ) -> None:
        self.engine = engine
        self.letters = letters  # where each working day's print batches go (None: no letters)
        # Make the daily letters in a second process (``demo/print_room.py``), or in the day.
        self.use_print_room = print_room
        self.print_room: PrintRoom | None = None
        # The annual bills' print run, planned in a print room of its own while the first
        # weeks are simulated, and recorded ``ANNUAL_PRINT_RECORDED_AFTER`` into the year.
        self.annual_print: PrintRoom | None = None
        self.bills_issued_on = date(year.start_year, 3, 10)
        self.letter_tally = LetterTally()
        self.settings = settings
        self.code = settings.code
        self.year = year
        self.people = {a.reference: a for a in population}
        self.population = population
        self.rng = random.Random(seed * 7919 + 17)
        self.working_days = WorkingDays(Country.ENGLAND)
        self.plan = PaymentPlan(self.rng, year.end, settings.events.pays_after_order)
        self.tally = YearTally(accounts=len(population))
        self.ids: dict[str, int] = {}
        self.references: dict[int, str] = {}
        self.first_party: dict[int, int] = {}
        self.reversals: dict[date, list[tuple[str, str]]] = {}  # day -> (channel, external id)
        self.hearings: dict[date, date] = {}  # hearing day -> day the summonses were issued
        self.noticed: set[str] = set()
        self.external = 0
        self.happenings: dict[date, list[tuple[str, DemoAccount]]] = {}

    # Set-up ---------------------------------------------------------------------------------

    def set_up(self, work: Path) -> None:
        s = self.settings
        imported_on = self.year.start - timedelta(days=40)
        issued_on = self.bills_issued_on
        if self.letters is not None and self.use_print_room:  # they start while we import
            url = self.engine.url.render_as_string(hide_password=False)
            self.print_room = PrintRoom(url, self.code, self.letters)
            self.annual_print = PrintRoom(url, self.code, self.letters, background=True)
        with UnitOfWork(self.engine) as uow:
            councils.add(uow.connection, s.code, s.name, Country.ENGLAND)
            set_year(
                uow.connection,
                CouncilYear(s.code, self.year, s.band_d, InstalmentDay.DAY_1, s.parishes),
            )
            path = write_accounts(work / "demo-accounts.csv", self.population, s.code, self.year)
            import_accounts(uow.connection, path, today=imported_on, now=_at(imported_on, 9))
            run = bill_year(uow.connection, s.code, self.year, issued_on=issued_on, today=issued_on)
            self.tally.billed = run.billed
            if self.letters is not None:
                set_demo_letterhead(uow.connection, s, imported_on)
            if self.letters is not None and self.use_print_room:
                queue_documents(uow.connection, s.code, issued_on)  # printed in ``run``
            elif self.letters is not None:
                print_day(
                    uow.connection,
                    s.code,
                    issued_on,
                    self.letters,
                    _at(issued_on, 17),
                    self.letter_tally,
                )
            self._read_ids(uow.connection)
            schedules = self._schedules(uow.connection, None)
            uow.commit()
        if self.annual_print is not None:
            self.annual_print.start(issued_on)
        for account in self.population:
            schedule = schedules.get(account.reference)
            if schedule:
                self.plan.instalments(
                    account, schedule, s.events.direct_debit_failure, self.year.start
                )
            for day, what in (
                (account.moves_on, "moves"),
                (account.dies_on, "dies"),
                (account.disputed_on, "disputes"),
            ):
                if day is not None:
                    self.happenings.setdefault(day, []).append((what, account))
            if account.band == "unbanded":
                day = self.year.start + timedelta(days=self.rng.randrange(45, 150))
                self.happenings.setdefault(day, []).append(("banded", account))

    def _read_ids(self, conn: Connection) -> None:
        rows = conn.execute(
            text(
                "SELECT a.id, a.reference, MIN(ap.party_id) FROM accounts a "
                "JOIN councils c ON c.id = a.council_id "
                "JOIN account_parties ap ON ap.account_id = a.id "
                "WHERE c.code = :code GROUP BY a.id, a.reference"
            ),
            {"code": self.code},
        )
        for account_id, reference, party_id in rows:
            self.ids[reference] = account_id
            self.references[account_id] = reference
            self.first_party[account_id] = party_id

    def _schedules(self, conn: Connection, account_id: int | None) -> dict[str, Instalments]:
        """The instalments of each account's bill in force for the year (or of one account)."""
        rows = conn.execute(
            text(
                "SELECT b.account_id, pi.due_date, pi.amount_pence FROM bills b "
                "JOIN plan_instalments pi ON pi.plan_id = b.plan_id "
                "WHERE b.financial_year = :year AND NOT EXISTS "
                "(SELECT 1 FROM bills later WHERE later.supersedes_id = b.id) "
                "AND (:account IS NULL OR b.account_id = :account) "
                "ORDER BY b.account_id, pi.seq"
            ),
            {"year": self.year.start_year, "account": account_id},
        )
        found: dict[str, Instalments] = {}
        for bill_account, due, pence in rows:
            reference = self.references.get(bill_account)
            if reference is not None:
                due_day = due if isinstance(due, date) else date.fromisoformat(str(due))
                found.setdefault(reference, []).append((due_day, int(pence)))
        return found

    # The year -------------------------------------------------------------------------------

    def run(self, tick: Callable[[date], None] | None = None) -> YearTally:
        annual_recorded_on = self.year.start + ANNUAL_PRINT_RECORDED_AFTER
        try:
            day = self.year.start
            while day <= self.year.end:
                with UnitOfWork(self.engine) as uow:
                    self.one_day(uow.connection, day)
                    self._record_print(uow.connection, self.print_room)  # the day before's
                    if self.annual_print is not None and day >= annual_recorded_on:
                        self._record_print(uow.connection, self.annual_print)
                    elif self.annual_print is not None:
                        self.annual_print.reading()  # before committing: see print_room.py
                    uow.commit()
                if self.annual_print is not None and day >= annual_recorded_on:
                    self.annual_print.close()  # its one print run is recorded
                    self.annual_print = None
                if self.print_room is not None and self.working_days.is_working_day(day):
                    # (The annual bills' letters are the annual print run's.)
                    self.print_room.start(day, created_after=self.bills_issued_on)
                if tick is not None:
                    tick(day)
                day += timedelta(days=1)
            with UnitOfWork(self.engine) as uow:
                self._record_print(uow.connection, self.print_room)  # the last day's
                uow.commit()
        finally:
            for room in (self.print_room, self.annual_print):
                if room is not None:
                    room.close()
            self.print_room = self.annual_print = None
        return self.tally

    def _record_print(self, conn: Connection, room: PrintRoom | None) -> None:
        work = room.collect() if room is not None else None
        if work is not None:
            record_print(conn, work, _at(work.on, 17), self.letter_tally)

    def one_day(self, conn: Connection, day: date) -> None:
        for what, account in self.happenings.pop(day, []):
            self._happen(conn, what, account, day)
        self._pay(conn, day)
        for channel, external_id in self.reversals.pop(day, []):
            payment_id = conn.execute(
                text("SELECT id FROM payments WHERE channel = :c AND external_id = :e"),
                {"c": channel, "e": external_id},
            ).scalar_one()  # (by channel and id: the payments' unique key, so its index)
            reverse_payment(
                conn,
                payment_id,
                on=day,
                reason="Direct Debit returned unpaid by the payer's bank (ARUDD: refer to payer)",
            )
            self.tally.returned_direct_debits += 1
        if not self.working_days.is_working_day(day):
            return
        if day.weekday() == 0:
            self._review_holds(conn, day)
        started, cpu = time.perf_counter(), time.process_time()
        run_recovery(conn, self.code, day)
        spent = time.perf_counter() - started
        self.tally.recovery_cpu_seconds += time.process_time() - cpu
        self.tally.recovery_runs += 1
        self.tally.recovery_seconds += spent
        self.tally.slowest_recovery_run = max(self.tally.slowest_recovery_run, spent)
        if day in self.hearings:
            self._hear(conn, day)
        first_working = self.working_days.next_on_or_after(day.replace(day=1))
        if day == first_working and day.month not in (4,):
            hearing = self.working_days.add(day, 15)
            if hearing <= self.year.end:
                issue_summonses(conn, self.code, day, hearing)
                self.hearings[hearing] = day
        self._answer_letters(conn, day)
        # With the print room, the day's letters (queued by the services that made their
        # steps, bills, holds and Breathing Spaces) are printed from the database as this day
        # leaves it, in a second process; without it, here.
        if self.print_room is None and self.letters is not None:
            print_day(conn, self.code, day, self.letters, _at(day, 17), self.letter_tally)

    def _pay(self, conn: Connection, day: date) -> None:
        planned = self.plan.due(day)
        if not planned:
            return
        ids = sorted({self.ids[p.reference] for p in planned})
        balances = self._balances(conn, ids)
        rows: list[tuple[int, date, str, int, str, str]] = []
        for p in planned:
            account_id = self.ids[p.reference]
            owed = int(balances.get(account_id, 0))
            pence = p.amount(owed)
            if pence <= 0:
                continue
            balances[account_id] = owed - pence
            self.external += 1
            external_id = f"DEMO-{self.external:09d}"
            rows.append((len(rows) + 1, day, p.reference, pence, p.channel, external_id))
            if p.returned:
                back = self.working_days.add(day, 3)
                if back <= self.year.end:
                    self.reversals.setdefault(back, []).append((p.channel, external_id))
        if not rows:
            return
        frame = pl.DataFrame(rows, schema=PAYMENTS, orient="row")
        post_payments(conn, frame, today=day, received_at=_at(day), council_code=self.code)
        self.tally.payments += len(rows)

    @staticmethod
    def _balances(conn: Connection, account_ids: list[int]) -> dict[int, int]:
        return {
            int(account_id): int(pence)
            for account_id, pence in select_in(
                conn,
                "SELECT account_id, balance_pence FROM account_balances "
                "WHERE account_id IN (:values)",
                account_ids,
            )
        }

    def _answer_letters(self, conn: Connection, day: date) -> None:
        steps = conn.execute(
            text(
                "SELECT e.account_id, e.action, e.stage, e.amount_pence FROM recovery_events e "
                "JOIN accounts a ON a.id = e.account_id JOIN councils c ON c.id = a.council_id "
                "WHERE e.event_date = :day AND c.code = :code ORDER BY e.id"
            ),
            {"day": day, "code": self.code},
        ).all()
        ev = self.settings.events
        for account_id, action, stage, pence in steps:
            reference = self.references[account_id]
            account = self.people[reference]
            if action == "notice" and reference not in self.noticed:
                self.noticed.add(reference)
                if self._protect(conn, account, account_id, day, ev.breathing_space, ev.vulnerable):
                    continue
            answer = self.plan.react(account, action, stage, int(pence), day)
            if answer:
                self.tally.answers[answer] += 1

    def _protect(
        self, conn: Connection, account: DemoAccount, account_id: int, day: date,
        breathing_space: float, vulnerable: float,
    ) -> bool:  # fmt: skip
        """At the first letter, some people in arrears get debt advice or are found to be
        vulnerable; they then pay by an arrangement."""
        if account.kind != "council_tax" or account.dies_on is not None:
            return False
        roll = self.rng.random()
        party = find_party_by_id(conn, self.first_party[account_id])
        if roll < breathing_space:
            start = day + timedelta(days=3)
            start_breathing_space(
                conn,
                party,
                kind=BreathingSpaceKind.STANDARD,
                starts_on=start,
                today=start,
                reason="Debt adviser's notice: standard Breathing Space",
            )
            self.tally.breathing_spaces += 1
            self.plan.parts(account, start + timedelta(days=62), 4, "card", "after Breathing Space")
            return True
        if roll < breathing_space + vulnerable:
            add_vulnerability(
                conn,
                [party],
                category=self.rng.choice(VULNERABILITIES),
                review_by=day + timedelta(days=90),
                reason="Told the council on the phone after the reminder",
                today=day,
            )
            self.tally.vulnerable += 1
            self.plan.parts(account, day + timedelta(days=14), 5, "card", "arrangement")
            return True
        return False

    def _happen(self, conn: Connection, what: str, account: DemoAccount, day: date) -> None:
        account_id = self.ids[account.reference]
        if what == "moves":
            end_liability(
                conn,
                account_id,
                last_day=day,
                reason="Moved out: forwarding address given",
                today=day,
                issued_on=day,
            )
            self.tally.moved_out += 1
            if account.behaviour in (Behaviour.PAYS_ON_TIME, Behaviour.PAYS_IN_FULL):
                self.plan.balance(account, day + timedelta(days=14), "card", "final bill")
        elif what == "dies":
            party = find_party_by_id(conn, self.first_party[account_id])
            record_death(conn, party, died_on=day, today=day)
            end_liability(
                conn,
                account_id,
                last_day=day,
                reason="The liable person died",
                today=day,
                issued_on=day,
            )
            self.tally.died += 1
            later = day + timedelta(days=self.rng.randrange(60, 120))
            self.plan.balance(account, later, "bank_transfer", "paid by the estate")
        elif what == "disputes":
            place_hold(
                conn,
                account_id,
                kind=HoldKind.DISPUTE,
                reason="Liability disputed: says the property was let to a tenant",
                review_by=day + timedelta(days=28),
                today=day,
            )
            self.tally.holds_placed += 1
        elif what == "banded":
            band = Band(self.rng.choice("ABCDE"))
            record_valuation(
                conn,
                account_id,
                Valuation(self.year.start, band=band),
                reason="The Valuation Office banded the new dwelling",
                today=day,
                issued_on=day,
            )
            self.tally.banded += 1
            schedule = self._schedules(conn, account_id).get(account.reference, [])
            self.plan.instalments(account, schedule, 0.0, day + timedelta(days=1))

    def _review_holds(self, conn: Connection, day: date) -> None:
        for due in holds_due(conn, self.code, day):
            account_id = due.hold.account_id
            if (day - due.hold.placed_on).days > 50:
                release_holds(
                    conn, account_id, reason="Dispute settled: liability confirmed", today=day
                )
                self.tally.holds_released += 1
            else:
                review_holds(
                    conn,
                    account_id,
                    next_review=day + timedelta(days=28),
                    note="Awaiting the tenancy agreement",
                    today=day,
                )
                self.tally.hold_reviews += 1

    def _hear(self, conn: Connection, day: date) -> None:
        issued = self.hearings.pop(day)
        rows = conn.execute(
            text(
                "SELECT DISTINCT a.reference, a.id FROM recovery_events e "
                "JOIN accounts a ON a.id = e.account_id JOIN councils c ON c.id = a.council_id "
                "WHERE e.action = 'summons' AND e.event_date = :issued AND c.code = :code "
                "ORDER BY a.id"
            ),
            {"issued": issued, "code": self.code},
        ).all()
        if not rows:
            return
        balances = self._balances(conn, [i for _, i in rows])
        lines = [
            OutcomeLine(
                f"court-{day.isoformat()}.csv",
                n,
                reference,
                HearingOutcome.GRANTED if balances.get(i, 0) > 0 else HearingOutcome.WITHDRAWN,
                day,
            )
            for n, (reference, i) in enumerate(rows, start=2)
        ]
        matched, _paid_or_closed = match_outcomes(conn, lines, council_code=self.code)
        record_outcomes(conn, matched, today=day)
        self.tally.hearings += 1
