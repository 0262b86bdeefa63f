"""Recording what stops or pauses recovery: holds, Breathing Space, vulnerability, death.

The rules are in ``domain/recovery/protections.py``; the recovery run reads these tables and
the engine honours them (a hold or a death stops every step; Breathing Space stops steps on a
qualifying year; vulnerability lists an account for review instead of a court step).

* **Holds** belong to an account. Each carries a review date, and a hold whose review date has
  come stays on the "holds due" list until an officer reviews it (the review date moves on) or
  releases it. The table is changed in place, so what changed is written into the text kept
  with the hold: each review is appended to its ``reason``, a release gives its own reason.
* **Breathing Space** and **vulnerability** belong to a person (a party), found by the
  customer reference; "an account's reference" for vulnerability means each of its parties.
  A moratorium's row gets its end date when the end is notified.
* **Death** is the date on the party.

Every function here checks everything before it writes anything, so a refused request
changes nothing (the caller's unit of work is rolled back in any case).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, select, update

from reclaim.domain.errors import DomainError
from reclaim.domain.parties import PartyKind
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
    breathing_space_end,
    check_hold_dates,
    check_review_date,
    ended_breathing_space,
    periods_overlap,
)
from reclaim.services.letters import queue_letters_of
from reclaim.services.recovery_watch import forget, forget_people
from reclaim.store import tables as t
from reclaim.store.repositories import find_accounts, get_council

# Finding accounts and people ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartyRef:
    id: int
    reference: str
    name: str
    kind: PartyKind
    date_of_birth: date | None
    died_on: date | None


def find_account(conn: Connection, reference: str, council_code: str | None = None) -> int:
    """The one account with this reference, or a plain refusal."""
    ids = find_accounts(conn, reference, council_code)
    if not ids:
        where = f" in {council_code}" if council_code else ""
        raise DomainError(f"there is no account with the reference {reference}{where}")
    if len(ids) > 1:
        raise DomainError(
            f"{len(ids)} councils have an account {reference}; say which with --council"
        )
    return ids[0]


def _party(row: Any) -> PartyRef:
    return PartyRef(
        row.id, row.reference, row.name, PartyKind(row.kind), row.date_of_birth, row.died_on
    )


_PARTY_COLUMNS = (
    t.parties.c.id,
    t.parties.c.reference,
    t.parties.c.name,
    t.parties.c.kind,
    t.parties.c.date_of_birth,
    t.parties.c.died_on,
)


def find_party(conn: Connection, reference: str, council_code: str | None = None) -> PartyRef:
    """The one person or organisation with this customer reference, or a plain refusal."""
    query = select(*_PARTY_COLUMNS).where(t.parties.c.reference == reference)
    if council_code is not None:
        query = query.join(t.councils).where(t.councils.c.code == council_code)
    rows = conn.execute(query.order_by(t.parties.c.id)).all()
    if not rows:
        where = f" in {council_code}" if council_code else ""
        raise DomainError(f"there is no customer with the reference {reference}{where}")
    if len(rows) > 1:
        raise DomainError(
            f"{len(rows)} councils have a customer {reference}; say which with --council"
        )
    return _party(rows[0])


def parties_of_account(conn: Connection, account_id: int) -> list[PartyRef]:
    rows = conn.execute(
        select(*_PARTY_COLUMNS)
        .join(t.account_parties)
        .where(t.account_parties.c.account_id == account_id)
        .order_by(t.parties.c.id)
    ).all()
    return [_party(r) for r in rows]


def people_named(
    conn: Connection, reference: str, council_code: str | None = None
) -> list[PartyRef]:
    """The people an account reference or a customer reference names: every party liable on
    the account, or the one customer. Refused when it names neither, or both."""
    accounts = find_accounts(conn, reference, council_code)
    query = select(t.parties.c.id).where(t.parties.c.reference == reference)
    if council_code is not None:
        query = query.join(t.councils).where(t.councils.c.code == council_code)
    customers = conn.execute(query).all()
    if accounts and customers:
        raise DomainError(
            f"{reference} is both an account and a customer reference; "
            "say which council with --council, or use the other reference"
        )
    if accounts:
        return parties_of_account(conn, find_account(conn, reference, council_code))
    if customers:
        return [find_party(conn, reference, council_code)]
    where = f" in {council_code}" if council_code else ""
    raise DomainError(f"no account or customer has the reference {reference}{where}")


# Holds ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hold:
    """A hold on an account, as stored."""

    id: int
    account_id: int
    kind: HoldKind
    reason: str
    placed_on: date
    review_by: date
    until: date | None
    released_on: date | None
    released_reason: str | None
    reviewed_on: date | None

    def in_force_on(self, day: date) -> bool:
        """Whether the hold stops steps on ``day`` (released holds stop nothing from the day
        they are released, as the recovery run reads them)."""
        if self.released_on is not None and self.released_on <= day:
            return False
        return self.placed_on <= day and (self.until is None or day <= self.until)

    def open_on(self, day: date) -> bool:
        """Not released and not yet run out: it can still be reviewed or released."""
        return self.released_on is None and (self.until is None or day <= self.until)

    def review_due_on(self, day: date) -> bool:
        return self.open_on(day) and self.review_by <= day


@dataclass(frozen=True, slots=True)
class HoldDue:
    """A hold whose review date has come, with the account it is on."""

    hold: Hold
    reference: str
    name: str
    days_overdue: int


def hold_from_row(row: Row[Any]) -> Hold:
    """A hold as read from its row of ``holds``."""
    return Hold(
        row.id,
        row.account_id,
        HoldKind(row.kind),
        row.reason,
        row.placed_on,
        row.review_by,
        row.until,
        row.released_on,
        row.released_reason,
        row.reviewed_on,
    )


def holds_of(conn: Connection, account_id: int) -> list[Hold]:
    """Every hold ever placed on the account, oldest first (released ones included)."""
    rows = conn.execute(
        select(t.holds).where(t.holds.c.account_id == account_id).order_by(t.holds.c.id)
    )
    return [hold_from_row(r) for r in rows]


def place_hold(
    conn: Connection,
    account_id: int,
    *,
    kind: HoldKind,
    reason: str,
    review_by: date | None,
    until: date | None = None,
    today: date,
) -> Hold:
    """Place a hold from ``today``: no recovery step is taken while it lasts. Refused without
    a review date, without a reason, or while a hold of the same kind is open."""
    review = check_hold_dates(today, review_by, until)
    if not reason.strip():
        raise DomainError("say why the account is held (--reason)")
    same = [h for h in holds_of(conn, account_id) if h.kind is kind and h.open_on(today)]
    if same:
        held = same[-1]
        raise DomainError(
            f"the account already has a {kind.value} hold (placed {held.placed_on}, review by "
            f"{held.review_by}): review or release it instead"
        )
    result = conn.execute(
        t.holds.insert().values(
            account_id=account_id,
            kind=kind.value,
            reason=reason.strip(),
            placed_on=today,
            review_by=review,
            until=until,
        )
    )
    hold_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    forget(conn, [account_id])
    queue_letters_of(conn, [account_id], today)  # its acknowledgement
    return next(h for h in holds_of(conn, account_id) if h.id == hold_id)


def _open_holds(
    conn: Connection, account_id: int, kind: HoldKind | None, today: date
) -> list[Hold]:
    held = [
        h
        for h in holds_of(conn, account_id)
        if h.open_on(today) and (kind is None or h.kind is kind)
    ]
    if not held:
        which = f"{kind.value} hold" if kind else "hold"
        raise DomainError(f"the account has no {which} in force on {today}")
    placed_later = [h for h in held if h.placed_on > today]
    if placed_later:
        raise DomainError(
            f"the hold was placed on {placed_later[0].placed_on}, after {today}: "
            "nothing can be done to it before then"
        )
    return held


def release_holds(
    conn: Connection,
    account_id: int,
    *,
    reason: str,
    today: date,
    kind: HoldKind | None = None,
) -> list[Hold]:
    """Release the account's open holds (of ``kind``, if given) from ``today``: recovery
    resumes on the day of release."""
    held = _open_holds(conn, account_id, kind, today)
    why = reason.strip() or "released"
    for h in held:
        conn.execute(
            update(t.holds)
            .where(t.holds.c.id == h.id, t.holds.c.released_on.is_(None))
            .values(released_on=today, released_reason=why)
        )
    forget(conn, [account_id])
    released = {h.id for h in held}
    return [h for h in holds_of(conn, account_id) if h.id in released]


def review_holds(
    conn: Connection,
    account_id: int,
    *,
    next_review: date,
    note: str,
    today: date,
    kind: HoldKind | None = None,
) -> list[Hold]:
    """Record that an officer reviewed the account's open holds today and keeps them until a
    later review date; the note and the dates are appended to each hold's reason."""
    if not note.strip():
        raise DomainError("say what the review found (--note)")
    if next_review <= today:
        raise DomainError(f"the next review date {next_review} must be after today ({today})")
    held = _open_holds(conn, account_id, kind, today)
    for h in held:
        record = (
            f"{h.reason}\nReviewed {today.isoformat()}: {note.strip()} "
            f"(review date moved from {h.review_by.isoformat()} to {next_review.isoformat()})"
        )
        conn.execute(
            update(t.holds)
            .where(t.holds.c.id == h.id, t.holds.c.review_by == h.review_by)
            .values(reviewed_on=today, review_by=next_review, reason=record)
        )
    reviewed = {h.id for h in held}
    return [h for h in holds_of(conn, account_id) if h.id in reviewed]


def holds_due(conn: Connection, council_code: str, as_of: date) -> list[HoldDue]:
    """Open holds of the council whose review date is on or before ``as_of``, most overdue
    first: they stay here until someone reviews or releases them."""
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    first_party = (
        select(t.parties.c.name)
        .select_from(t.parties.join(t.account_parties))
        .where(t.account_parties.c.account_id == t.accounts.c.id)
        .order_by(t.parties.c.id)
        .limit(1)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(t.holds, t.accounts.c.reference, first_party.label("name"))
        .select_from(t.holds.join(t.accounts, t.accounts.c.id == t.holds.c.account_id))
        .where(
            t.accounts.c.council_id == stored.id,
            t.holds.c.released_on.is_(None),
            t.holds.c.review_by <= as_of,
        )
        .order_by(t.holds.c.review_by, t.accounts.c.reference, t.holds.c.id)
    ).all()
    due = []
    for row in rows:
        hold = hold_from_row(row)
        if hold.review_due_on(as_of):
            due.append(HoldDue(hold, row.reference, row.name or "", (as_of - hold.review_by).days))
    return due


# Breathing Space --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BreathingSpace:
    id: int
    party_id: int
    kind: BreathingSpaceKind
    starts_on: date
    ends_on: date | None  # None while a mental health crisis moratorium runs
    recorded_on: date
    reason: str


def _space(row: Row[Any]) -> BreathingSpace:
    return BreathingSpace(
        row.id,
        row.party_id,
        BreathingSpaceKind(row.kind),
        row.starts_on,
        row.ends_on,
        row.recorded_on,
        row.reason,
    )


def breathing_spaces_of(conn: Connection, party_id: int) -> list[BreathingSpace]:
    rows = conn.execute(
        select(t.breathing_spaces)
        .where(t.breathing_spaces.c.party_id == party_id)
        .order_by(t.breathing_spaces.c.starts_on, t.breathing_spaces.c.id)
    )
    return [_space(r) for r in rows]


def start_breathing_space(
    conn: Connection,
    party: PartyRef,
    *,
    kind: BreathingSpaceKind,
    starts_on: date,
    today: date,
    reason: str = "",
) -> BreathingSpace:
    """Record a moratorium from ``starts_on``: 60 days for a standard one, until the crisis
    treatment ends plus 30 days for a mental health one. Refused if it would overlap one
    already recorded for the person."""
    if party.kind is not PartyKind.PERSON:
        raise DomainError(
            f"{party.reference} ({party.name}) is an organisation: Breathing Space is for "
            "individuals (SI 2020/1311)"
        )
    ends_on = breathing_space_end(kind, starts_on)
    for space in breathing_spaces_of(conn, party.id):
        if periods_overlap(space.starts_on, space.ends_on, starts_on, ends_on):
            until = f"to {space.ends_on}" if space.ends_on else "with no end yet"
            raise DomainError(
                f"{party.reference} already has a Breathing Space ({space.kind.value}, from "
                f"{space.starts_on} {until}) overlapping one from {starts_on}: end that one first"
            )
    what = (
        "standard Breathing Space (Debt Respite Scheme, SI 2020/1311): 60 days"
        if kind is BreathingSpaceKind.STANDARD
        else "mental health crisis Breathing Space (SI 2020/1311): until the crisis treatment "
        "ends, then 30 days"
    )
    text = f"{what}; notified {today.isoformat()}" + (f": {reason.strip()}" if reason else "")
    result = conn.execute(
        t.breathing_spaces.insert().values(
            party_id=party.id,
            kind=kind.value,
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_on=today,
            reason=text,
        )
    )
    space_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    forget_people(conn, [party.id])
    queue_letters_of(conn, _accounts_of(conn, party.id), today)  # its acknowledgements
    return next(s for s in breathing_spaces_of(conn, party.id) if s.id == space_id)


def end_breathing_space(
    conn: Connection, party: PartyRef, *, ended_on: date, today: date
) -> BreathingSpace:
    """The end of the person's running moratorium is notified: a standard one ends that day
    (early); a mental health crisis one runs 30 days more. The row gets its new end date."""
    running = [
        s
        for s in breathing_spaces_of(conn, party.id)
        if s.starts_on <= ended_on and _still_running(s, ended_on)
    ]
    if not running:
        raise DomainError(
            f"{party.reference} has no Breathing Space running on {ended_on} that can be ended"
        )
    space = running[-1]
    last_day = ended_breathing_space(space.kind, space.starts_on, ended_on)
    if space.kind is BreathingSpaceKind.STANDARD:
        note = f"ended early on {ended_on.isoformat()}"
    else:
        note = (
            f"crisis treatment ended {ended_on.isoformat()}: protected 30 days more, to "
            f"{last_day.isoformat()}"
        )
    ends = t.breathing_spaces.c.ends_on
    conn.execute(
        update(t.breathing_spaces)
        .where(
            t.breathing_spaces.c.id == space.id,
            ends.is_(None) if space.ends_on is None else ends == space.ends_on,
        )
        .values(ends_on=last_day, reason=f"{space.reason}; {note} (notified {today.isoformat()})")
    )
    forget_people(conn, [party.id])
    return next(s for s in breathing_spaces_of(conn, party.id) if s.id == space.id)


def _still_running(space: BreathingSpace, day: date) -> bool:
    """A mental health moratorium whose end has not been notified, or a standard one not
    already ended early that covers ``day``."""
    if space.kind is BreathingSpaceKind.MENTAL_HEALTH:
        return space.ends_on is None
    natural = breathing_space_end(space.kind, space.starts_on)
    return space.ends_on == natural and natural is not None and day <= natural


# Vulnerability ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VulnerabilityRecord:
    id: int
    party: PartyRef
    category: VulnerabilityCategory
    review_by: date
    recorded_on: date
    ended_on: date | None
    reason: str


def vulnerabilities_of(conn: Connection, party: PartyRef) -> list[VulnerabilityRecord]:
    rows = conn.execute(
        select(t.vulnerabilities)
        .where(t.vulnerabilities.c.party_id == party.id)
        .order_by(t.vulnerabilities.c.id)
    )
    return [
        VulnerabilityRecord(
            r.id,
            party,
            VulnerabilityCategory(r.category),
            r.review_by,
            r.recorded_on,
            r.ended_on,
            r.reason,
        )
        for r in rows
    ]


def add_vulnerability(
    conn: Connection,
    people: Sequence[PartyRef],
    *,
    category: VulnerabilityCategory,
    review_by: date | None,
    reason: str,
    today: date,
) -> list[VulnerabilityRecord]:
    """Record each person as vulnerable in ``category`` until it is ended, with a date to
    review it. Refused (for all) if any of them already has it recorded and not ended."""
    review = check_review_date(today, review_by, "a vulnerability")
    for person in people:
        same = [
            v
            for v in vulnerabilities_of(conn, person)
            if v.category is category and v.ended_on is None
        ]
        if same:
            raise DomainError(
                f"{person.name} ({person.reference}) is already recorded as vulnerable "
                f"({category.label}, since {same[0].recorded_on})"
            )
    added = []
    for person in people:
        result = conn.execute(
            t.vulnerabilities.insert().values(
                party_id=person.id,
                category=category.value,
                review_by=review,
                recorded_on=today,
                reason=reason.strip(),
            )
        )
        added.append(int(result.inserted_primary_key[0]))  # type: ignore[index]
    forget_people(conn, [p.id for p in people])
    return [v for p in people for v in vulnerabilities_of(conn, p) if v.id in added]


def end_vulnerability(
    conn: Connection,
    people: Sequence[PartyRef],
    *,
    ended_on: date,
    category: VulnerabilityCategory | None = None,
) -> list[VulnerabilityRecord]:
    """End each person's open vulnerability records (of ``category``, if given) on
    ``ended_on``: from that day the timetable runs as for anyone else."""
    open_records = [
        v
        for p in people
        for v in vulnerabilities_of(conn, p)
        if v.ended_on is None and (category is None or v.category is category)
    ]
    if not open_records:
        which = f" as {category.label}" if category else ""
        names = ", ".join(p.reference for p in people)
        raise DomainError(f"{names}: nobody is recorded as vulnerable{which}")
    for v in open_records:
        conn.execute(
            update(t.vulnerabilities)
            .where(t.vulnerabilities.c.id == v.id, t.vulnerabilities.c.ended_on.is_(None))
            .values(ended_on=ended_on)
        )
    forget_people(conn, [p.id for p in people])
    ended = {v.id for v in open_records}
    return [v for p in people for v in vulnerabilities_of(conn, p) if v.id in ended]


# Death ------------------------------------------------------------------------------------


def record_death(conn: Connection, party: PartyRef, *, died_on: date, today: date) -> PartyRef:
    """Record the day a person died: from then no recovery step is taken on their accounts."""
    if party.kind is not PartyKind.PERSON:
        raise DomainError(f"{party.reference} ({party.name}) is an organisation, not a person")
    if party.died_on is not None:
        raise DomainError(
            f"{party.name} ({party.reference}) is already recorded as having died on "
            f"{party.died_on}"
        )
    if died_on > today:
        raise DomainError(f"the date of death {died_on} is after today ({today})")
    if party.date_of_birth is not None and died_on < party.date_of_birth:
        raise DomainError(
            f"the date of death {died_on} is before {party.name}'s date of birth "
            f"({party.date_of_birth})"
        )
    conn.execute(
        update(t.parties)
        .where(t.parties.c.id == party.id, t.parties.c.died_on.is_(None))
        .values(died_on=died_on)
    )
    forget_people(conn, [party.id])
    return find_party_by_id(conn, party.id)


def find_party_by_id(conn: Connection, party_id: int) -> PartyRef:
    return _party(conn.execute(select(*_PARTY_COLUMNS).where(t.parties.c.id == party_id)).one())


def _accounts_of(conn: Connection, party_id: int) -> list[int]:
    links = t.account_parties
    return list(
        conn.execute(select(links.c.account_id).where(links.c.party_id == party_id)).scalars()
    )
