"""The magistrates' court: summonses for the accounts due one, the list for the court, and
what the court decided.

**Summonses** (``reclaim court summons``). Which accounts are due a summons is the engine's
decision, not a second rule here: a dry recovery run on the date lists the steps due, and the
summonses are those of them the run leaves to the court commands. A summons is taken only
when it is the first step due for its account and year — if the run still has an earlier step
to record (the balance falling due, say), the summons waits for that run. For each summons,
in one transaction: a recovery event (the balance summonsed, the stage's costs, the hearing
date), the summons costs posted to the ledger for that financial year, and the summons letter
queued. The hearing date is checked first (reg 35(2A): at least 14 days after service), and a
date too soon is refused before anything is written.

Because the costs are in the ledger for the year, the engine sees them (``Case.costs_pence``),
so paying the sum *and* the costs before the hearing makes the next recovery run record the
case as withdrawn (reg 34(5)).

**Outcomes** (``reclaim court outcomes FILE.csv``). Every line of the file is checked — the
account exists, has a summons awaiting a hearing, the dates make sense, an order is not asked
for a sum already paid — before anything is written; one bad line refuses the whole file.
Then, for every summons of the account awaiting the hearing: a liability order granted (an
event with the liability order stage's costs, those costs posted, its letter queued), the
complaint withdrawn, or the hearing adjourned to a new date.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, func, select

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.errors import DomainError, Problem
from reclaim.domain.ledger import Posting, PostingKind
from reclaim.domain.recovery.court import HearingOutcome, check_hearing_date, earliest_hearing
from reclaim.domain.recovery.engine import Action, Decision, day_text
from reclaim.domain.recovery.strategy import Condition, Stage
from reclaim.money import Money
from reclaim.services.recovery_run import EVENT_COLUMNS, PlannedStep, event_row, run_recovery
from reclaim.services.recovery_strategies import ChosenStrategy, strategy_for
from reclaim.store import tables as t
from reclaim.store.bulk import insert_rows, reserve_ids, select_in
from reclaim.store.repositories import account_version, get_council, write_postings

LIST_COLUMNS = ("account", "name", "address", "amount", "costs", "year", "hearing_date")
DOCUMENT_COLUMNS = ("id", "account_id", "event_id", "letter", "status", "created_on")


# Summonses --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedSummons:
    account_id: int
    reference: str
    year: FinancialYear
    name: str
    address: str
    amount: Money  # the balance summonsed, before the summons costs
    costs: Money  # the summons costs added
    stage: str
    event_id: int


@dataclass(slots=True)
class SummonsRun:
    council: str
    as_of: date
    hearing_on: date
    earliest_hearing: date
    issued: list[IssuedSummons] = field(default_factory=list)
    waiting: list[PlannedStep] = field(default_factory=list)  # earlier steps to record first

    @property
    def amount(self) -> Money:
        return sum((s.amount for s in self.issued), Money.zero())

    @property
    def costs(self) -> Money:
        return sum((s.costs for s in self.issued), Money.zero())

    def write_csv(self, path: Path) -> None:
        """The list for the magistrates' court: one line per summons."""
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(LIST_COLUMNS)
            for s in self.issued:
                writer.writerow(
                    [
                        s.reference,
                        s.name,
                        s.address,
                        str(s.amount),
                        str(s.costs),
                        str(s.year),
                        self.hearing_on.isoformat(),
                    ]
                )


def issue_summonses(
    conn: Connection, council_code: str, as_of: date, hearing_on: date
) -> SummonsRun:
    """Issue on ``as_of`` every summons the council's strategies make due, for a hearing on
    ``hearing_on`` (caller commits). Refused, with nothing written, if the hearing is too soon
    for any of them."""
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    country = stored.council.country
    # Read before deciding: a payment posted meanwhile moves the version and refuses the write.
    versions = _versions_with_history(conn, stored.id)
    planned = run_recovery(conn, council_code, as_of, dry_run=True).steps
    first: dict[tuple[int, FinancialYear], PlannedStep] = {}
    for step in planned:
        first.setdefault((step.account_id, step.year), step)
    summonses = [s for s in planned if s.decision.action is Action.SUMMONS]
    due = [s for s in summonses if first[(s.account_id, s.year)] is s]
    waiting = [s for s in summonses if first[(s.account_id, s.year)] is not s]
    kinds = _kinds(conn, {s.account_id for s in due})
    chosen: dict[tuple[AccountKind, FinancialYear], ChosenStrategy] = {}
    for s in due:
        key = (kinds[s.account_id], s.year)
        if key not in chosen:
            chosen[key] = strategy_for(conn, stored.id, country, *key)
    if not chosen:  # nothing due: still refuse a date the court would refuse
        year = FinancialYear.containing(as_of)
        chosen[(AccountKind.COUNCIL_TAX, year)] = strategy_for(
            conn, stored.id, country, AccountKind.COUNCIL_TAX, year
        )
    service_days = max(c.strategy.settings.service_days for c in chosen.values())
    check_hearing_date(as_of, hearing_on, service_days, country)
    run = SummonsRun(
        council_code, as_of, hearing_on, earliest_hearing(as_of, service_days, country)
    )
    run.waiting = waiting
    if not due:
        return run
    event_ids = reserve_ids(conn, t.recovery_events, len(due))
    hearing = f" The hearing is on {day_text(hearing_on)}."
    insert_rows(
        conn,
        t.recovery_events,
        EVENT_COLUMNS,
        (
            event_row(
                i,
                s.account_id,
                s.year,
                as_of,
                replace(s.decision, reason=s.decision.reason + hearing),
                s.strategy,
                hearing_on=hearing_on,
            )
            for i, s in zip(event_ids, due, strict=True)
        ),
    )
    costs: dict[int, list[Posting]] = defaultdict(list)
    for s in due:
        if s.decision.costs.pence > 0:
            costs[s.account_id].append(
                Posting(
                    s.account_id,
                    PostingKind.COSTS,
                    s.decision.costs,
                    s.year,
                    as_of,
                    as_of,
                    f"summons costs for {s.year}: complaint to the magistrates' court, "
                    f"hearing {hearing_on.isoformat()}",
                )
            )
    _post(conn, costs, versions)
    _queue_letters(
        conn,
        [(i, s.account_id, s.decision.letter) for i, s in zip(event_ids, due, strict=True)],
        as_of,
    )
    names, addresses = _names_and_addresses(conn, [s.account_id for s in due])
    run.issued = [
        IssuedSummons(
            s.account_id,
            s.reference,
            s.year,
            names.get(s.account_id, s.name),
            addresses.get(s.account_id, ""),
            s.decision.amount,
            s.decision.costs,
            s.decision.stage,
            i,
        )
        for i, s in zip(event_ids, due, strict=True)
    ]
    return run


def _versions_with_history(conn: Connection, council_id: int) -> dict[int, int]:
    """The version of each account of the council with a recovery step recorded (only those
    can be due a summons)."""
    e, b, a = t.recovery_events, t.account_balances, t.accounts
    with_steps = (
        select(e.c.account_id)
        .join(a, a.c.id == e.c.account_id)
        .where(a.c.council_id == council_id)
        .distinct()
    )
    rows = conn.execute(
        select(b.c.account_id, b.c.version).where(b.c.account_id.in_(with_steps))
    ).all()
    return {r.account_id: r.version for r in rows}


def _post(conn: Connection, postings: dict[int, list[Posting]], versions: dict[int, int]) -> None:
    """Post costs, each account moved from the version read before deciding."""
    write_postings(
        conn,
        [
            (
                account_id,
                versions[account_id]
                if account_id in versions
                else account_version(conn, account_id),
                these,
            )
            for account_id, these in sorted(postings.items())
        ],
    )


def _queue_letters(
    conn: Connection, letters: Sequence[tuple[int, int, str | None]], on: date
) -> None:
    """One queued document for each (event id, account id, letter) that names a letter."""
    wanted = [(e, a, letter) for e, a, letter in letters if letter]
    ids = reserve_ids(conn, t.documents, len(wanted))
    insert_rows(
        conn,
        t.documents,
        DOCUMENT_COLUMNS,
        (
            (d, a, e, letter, "queued", on.isoformat())
            for d, (e, a, letter) in zip(ids, wanted, strict=True)
        ),
    )


def _kinds(conn: Connection, account_ids: Iterable[int]) -> dict[int, AccountKind]:
    return {
        a: AccountKind(k)
        for a, k in select_in(
            conn, "SELECT id, kind FROM accounts WHERE id IN (:values)", sorted(account_ids)
        )
    }


def _names_and_addresses(
    conn: Connection, account_ids: Sequence[int]
) -> tuple[dict[int, str], dict[int, str]]:
    """Each account's liable parties' names ("A and B") and its property's address."""
    ids = sorted(set(account_ids))
    names: dict[int, list[str]] = defaultdict(list)
    for account_id, name in select_in(
        conn,
        "SELECT ap.account_id, p.name FROM account_parties ap JOIN parties p "
        "ON p.id = ap.party_id WHERE ap.account_id IN (:values) ORDER BY ap.account_id, p.id",
        ids,
    ):
        names[account_id].append(name)
    addresses = {
        account_id: f"{address}, {postcode}" if postcode else address
        for account_id, address, postcode in select_in(
            conn,
            "SELECT a.id, p.address, p.postcode FROM accounts a JOIN properties p "
            "ON p.id = a.property_id WHERE a.id IN (:values)",
            ids,
        )
    }
    return {a: " and ".join(n) for a, n in names.items()}, addresses


# Outcomes of the hearing ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutcomeLine:
    """One line of a court outcomes file, parsed."""

    file: str
    line: int
    account: str
    outcome: HearingOutcome
    on: date
    new_hearing_on: date | None = None


@dataclass(frozen=True, slots=True)
class OpenSummons:
    """A summons awaiting its hearing: issued, neither ordered nor withdrawn."""

    account_id: int
    year: FinancialYear
    stage: str
    issued_on: date
    hearing_on: date


@dataclass(frozen=True, slots=True)
class MatchedOutcome:
    line: OutcomeLine
    account_id: int
    kind: AccountKind
    summonses: tuple[OpenSummons, ...]


@dataclass(slots=True)
class OutcomesRecorded:
    counts: Counter[HearingOutcome] = field(default_factory=Counter)
    costs: Money = field(default_factory=Money.zero)
    lines: list[str] = field(default_factory=list)  # what was recorded, for the report


def open_summonses(conn: Connection, account_ids: Iterable[int]) -> dict[int, list[OpenSummons]]:
    """The summonses of these accounts awaiting a hearing, with the hearing date as it now
    stands (an adjournment moves it)."""
    state: dict[tuple[int, int], OpenSummons | None] = {}
    for account_id, year, on, action, stage, hearing_on in select_in(
        conn,
        "SELECT account_id, financial_year, event_date, action, stage, hearing_on "
        "FROM recovery_events WHERE account_id IN (:values) ORDER BY id",
        sorted(set(account_ids)),
    ):
        key = (account_id, year)
        match Action(action):
            case Action.SUMMONS:
                state[key] = OpenSummons(
                    account_id, FinancialYear(year), stage, _day(on), _day(hearing_on or on)
                )
            case Action.ADJOURNED if state.get(key) is not None:
                current = state[key]
                assert current is not None
                state[key] = replace(current, hearing_on=_day(hearing_on or on))
            case Action.LIABILITY_ORDER | Action.WITHDRAWN:
                state[key] = None
            case _:
                pass
    found: dict[int, list[OpenSummons]] = defaultdict(list)
    for (account_id, _), summons in sorted(state.items()):
        if summons is not None:
            found[account_id].append(summons)
    return dict(found)


def match_outcomes(
    conn: Connection, lines: Sequence[OutcomeLine], *, council_code: str | None = None
) -> tuple[list[MatchedOutcome], list[Problem]]:
    """Each line matched to its account's summonses awaiting a hearing, and every problem."""
    problems: list[Problem] = []

    def problem(line: OutcomeLine, name: str, message: str) -> None:
        problems.append(Problem(message, file=line.file, line=line.line, field=name))

    if council_code is not None and get_council(conn, council_code) is None:
        raise DomainError(f"there is no council {council_code}")
    account = t.accounts
    query = select(account.c.id, account.c.reference, account.c.kind).where(
        account.c.reference.in_(sorted({line.account for line in lines}))
    )
    if council_code is not None:
        query = query.join(t.councils).where(t.councils.c.code == council_code)
    by_reference: dict[str, list[tuple[int, AccountKind]]] = defaultdict(list)
    for row in conn.execute(query):
        by_reference[row.reference].append((row.id, AccountKind(row.kind)))
    ids = [i for found in by_reference.values() for i, _ in found]
    summonses = open_summonses(conn, ids)
    seen: dict[str, int] = {}
    matched: list[MatchedOutcome] = []
    for line in lines:
        found = by_reference.get(line.account, [])
        if line.account in seen:
            problem(
                line,
                "account",
                f"{line.account} appears again (first on line {seen[line.account]})",
            )
            continue
        seen[line.account] = line.line
        if not found:
            where = f" in {council_code}" if council_code else ""
            problem(line, "account", f"there is no account {line.account}{where}")
            continue
        if len(found) > 1:
            problem(
                line,
                "account",
                f"{len(found)} councils have an account {line.account}; say which with --council",
            )
            continue
        account_id, kind = found[0]
        awaiting = summonses.get(account_id, [])
        if not awaiting:
            problem(line, "account", f"{line.account} has no summons awaiting a hearing")
            continue
        issued = min(s.issued_on for s in awaiting)
        hearing = min(s.hearing_on for s in awaiting)
        if line.on < issued:
            problem(line, "date", f"{line.on} is before the summons was issued ({issued})")
            continue
        if line.outcome is HearingOutcome.ADJOURNED and all(
            s.hearing_on == line.new_hearing_on for s in awaiting
        ):
            problem(
                line,
                "new_hearing_date",
                f"the hearing for {line.account} is already on {line.new_hearing_on} "
                "(was this file recorded before?)",
            )
            continue
        if line.outcome is HearingOutcome.GRANTED:
            if line.on < hearing:
                problem(
                    line,
                    "date",
                    f"the hearing is on {hearing}: an order cannot be granted on {line.on}, "
                    "before it",
                )
                continue
            paid = [s for s in awaiting if _year_balance(conn, account_id, s.year, line.on) <= 0]
            if paid:
                problem(
                    line,
                    "outcome",
                    f"{line.account} paid the sum and costs for {paid[0].year} by {line.on}: "
                    "the complaint is withdrawn, no order can be granted (reg 34(5))",
                )
                continue
        matched.append(MatchedOutcome(line, account_id, kind, tuple(awaiting)))
    return matched, problems


def record_outcomes(
    conn: Connection,
    matched: Sequence[MatchedOutcome],
    *,
    today: date,
) -> OutcomesRecorded:
    """Record what the court decided for each matched line (caller commits). Refused, with
    nothing written, if an order is granted under a strategy with no liability order stage."""
    recorded = OutcomesRecorded()
    events: list[tuple[int, FinancialYear, date, Decision, str, date | None]] = []
    letters: list[tuple[int, int, str | None]] = []  # (index into events, account, letter)
    costs: dict[int, list[Posting]] = defaultdict(list)
    countries: dict[int, Country] = {}
    for m in matched:
        line = m.line
        source = f"Recorded from {line.file} line {line.line}."
        country = countries.get(m.account_id) or _country_of(conn, m.account_id)
        countries[m.account_id] = country
        for s in m.summonses:
            chosen = _strategy_for_account(conn, m.account_id, country, m.kind, s.year)
            balance = _year_balance(conn, m.account_id, s.year, line.on)
            if line.outcome is HearingOutcome.GRANTED:
                order = chosen.strategy.court_stage(Condition.SUMMONS_SERVED)
                if order is None:
                    raise DomainError(
                        f"{line.file} line {line.line}: the strategy {chosen.strategy.name} "
                        "has no liability order stage"
                    )
                decision = _order(order, s, balance, line.on, source)
                events.append((m.account_id, s.year, line.on, decision, chosen.label, line.on))
                letters.append((len(events) - 1, m.account_id, order.letter))
                if order.costs.pence > 0:
                    costs[m.account_id].append(
                        Posting(
                            m.account_id,
                            PostingKind.COSTS,
                            order.costs,
                            s.year,
                            line.on,
                            today,
                            f"liability order costs for {s.year}: order granted "
                            f"{line.on.isoformat()}",
                        )
                    )
                    recorded.costs += order.costs
                what = f"liability order granted for {s.year}, costs {order.costs}"
            elif line.outcome is HearingOutcome.WITHDRAWN:
                reason = (
                    f"The summons of {day_text(s.issued_on)} (hearing {day_text(s.hearing_on)}) "
                    f"was withdrawn by the council on {day_text(line.on)}. {source}"
                )
                decision = Decision(Action.WITHDRAWN, s.stage, "Case withdrawn", reason, Money(0))
                events.append((m.account_id, s.year, line.on, decision, chosen.label, s.hearing_on))
                what = f"summons for {s.year} withdrawn"
            else:
                assert line.new_hearing_on is not None
                reason = (
                    f"The hearing of {day_text(s.hearing_on)} was adjourned on "
                    f"{day_text(line.on)} to {day_text(line.new_hearing_on)}. {source}"
                )
                decision = Decision(
                    Action.ADJOURNED, s.stage, "Hearing adjourned", reason, Money(balance)
                )
                events.append(
                    (m.account_id, s.year, line.on, decision, chosen.label, line.new_hearing_on)
                )
                what = f"hearing for {s.year} adjourned to {line.new_hearing_on}"
            recorded.counts[line.outcome] += 1
            recorded.lines.append(f"{line.account}: {what}")
    event_ids = reserve_ids(conn, t.recovery_events, len(events))
    insert_rows(
        conn,
        t.recovery_events,
        EVENT_COLUMNS,
        (
            event_row(i, account_id, year, on, decision, strategy, hearing_on=hearing_on)
            for i, (account_id, year, on, decision, strategy, hearing_on) in zip(
                event_ids, events, strict=True
            )
        ),
    )
    _post(conn, costs, {})
    _queue_letters(conn, [(event_ids[n], a, letter) for n, a, letter in letters], today)
    return recorded


def _order(order: Stage, s: OpenSummons, balance: int, on: date, source: str) -> Decision:
    reason = (
        f"{order.title} granted by the magistrates' court on {day_text(on)} for the "
        f"{Money(balance)} unpaid for {s.year} (summons of {day_text(s.issued_on)}), with "
        f"costs of {order.costs} added. Legal basis: {order.legal_basis}. {source}"
    )
    return Decision(
        Action.LIABILITY_ORDER,
        order.name,
        order.title,
        reason,
        Money(balance),
        letter=order.letter,
        costs=order.costs,
    )


def _year_balance(conn: Connection, account_id: int, year: FinancialYear, on: date) -> int:
    """What the account owes for the year on ``on``: its postings for the year so far."""
    p = t.postings
    return int(
        conn.execute(
            select(func.coalesce(func.sum(p.c.amount_pence), 0)).where(
                p.c.account_id == account_id,
                p.c.financial_year == year.start_year,
                p.c.effective_date <= on,
            )
        ).scalar_one()
    )


def _country_of(conn: Connection, account_id: int) -> Country:
    return Country(
        conn.execute(
            select(t.councils.c.country)
            .join(t.accounts, t.accounts.c.council_id == t.councils.c.id)
            .where(t.accounts.c.id == account_id)
        ).scalar_one()
    )


def _strategy_for_account(
    conn: Connection, account_id: int, country: Country, kind: AccountKind, year: FinancialYear
) -> ChosenStrategy:
    council_id = conn.execute(
        select(t.accounts.c.council_id).where(t.accounts.c.id == account_id)
    ).scalar_one()
    return strategy_for(conn, council_id, country, kind, year)


def _day(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
