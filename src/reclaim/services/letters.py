"""Documents: queue the day's letters, produce them (compose, render, store), reprint them.

``produce_documents`` is the day's work, for the CLI and the demo alike:

1. Queue a demand notice for every bill, an acknowledgement for every hold and for every
   Breathing Space (one per account of the person), that has none yet. The recovery run and
   the court commands queue their own letters as they take each step.
2. For each queued document of the council, read the facts of its case set-based (the
   account, its liable people and address, the step, bill, hold or Breathing Space, the
   bill's instalments, the year's balance, the strategy's summons costs), compose the letter
   from its template, render the PDF and store it with its template, version, style,
   postage, pages and content hash. A notice about a year that is now paid is cancelled,
   with that reason, instead: it is not sent.
3. A document that cannot be made (no template of that name, no address) stays queued and
   is reported; the others are made.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Select,
    and_,
    bindparam,
    exists,
    func,
    insert,
    select,
    true,
    update,
)

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.accounts import AccountKind
from reclaim.domain.errors import DomainError
from reclaim.domain.letters.content import (
    DocumentStatus,
    Letter,
    Letterhead,
    Recipient,
    Style,
    split_address,
)
from reclaim.domain.letters.templates import Facts, compose
from reclaim.domain.recovery.engine import Action
from reclaim.domain.recovery.strategy import StageKind
from reclaim.money import Money
from reclaim.services.bulk_billing import lines_of
from reclaim.services.letter_data import advice, letterhead_of, templates
from reclaim.services.letters_pdf import assemble, font_set, pack, render, unpack
from reclaim.services.recovery_strategies import strategy_for
from reclaim.store import tables as t
from reclaim.store.bulk import chunked, reserve_ids
from reclaim.store.repositories import get_council

Progress = Callable[[str], None]
BILL_LETTERS = {
    AccountKind.COUNCIL_TAX: "council-tax-bill",
    AccountKind.BUSINESS_RATES: "business-rates-bill",
}
HOLD_LETTER = "hold-acknowledgement"
BREATHING_SPACE_LETTER = "breathing-space-acknowledgement"
# Steps whose letter asks for money; such a letter about a year now paid is not sent.
DEMANDING = (Action.NOTICE, Action.BALANCE_DUE, Action.SUMMONS)


@dataclass
class ProduceReport:
    council: str
    on: date
    queued: int = 0
    produced: int = 0
    cancelled: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    id: int
    account_id: int
    letter: str
    status: DocumentStatus
    created_on: date
    template_version: int | None
    pages: int | None
    postage: str | None
    content_hash: str | None
    about: str  # "step 12", "bill 3", "hold 4", "Breathing Space 5"
    cancelled_reason: str | None


def _council(conn: Connection, council_code: str) -> tuple[int, Country]:
    stored = get_council(conn, council_code)
    if stored is None:
        raise DomainError(f"there is no council {council_code}")
    return stored.id, stored.council.country


# ---- 1. queue -------------------------------------------------------------------------------


def queue_documents(conn: Connection, council_code: str, on: date) -> int:
    """Queue the letters for bills, holds and Breathing Spaces dated on or before ``on`` that
    have none; returns how many were queued. Safe to repeat: each is queued once."""
    council_id, _ = _council(conn, council_code)
    return _queue(conn, _queue_statements(by_account=False), {"council": council_id, "on": on})


def queue_letters_of(conn: Connection, account_ids: Collection[int], on: date) -> int:
    """``queue_documents`` for these accounts only: the services that make a bill, place a
    hold or record a Breathing Space queue its letter as they do it, as the recovery run and
    the court queue theirs (the day's sweep then finds them queued)."""
    accounts = sorted(set(account_ids))
    return _queue(conn, _queue_statements(by_account=True), {"accounts": accounts, "on": on})


@cache
def _queue_statements(*, by_account: bool) -> tuple[Select[Any], Select[Any], Select[Any]]:
    """What has no letter yet, for one council or some accounts: bills, holds and Breathing
    Spaces. (Built once: a rebill queues its letters this way, and building the statements
    cost a hundred times more than running them.)"""
    d, a = t.documents, t.accounts
    whose = (
        a.c.id.in_(bindparam("accounts", expanding=True))
        if by_account
        else a.c.council_id == bindparam("council")
    )
    on = bindparam("on", type_=Date)
    bills = (
        select(t.bills.c.id, t.bills.c.account_id, a.c.kind, t.bills.c.issued_on)
        .join(a, a.c.id == t.bills.c.account_id)
        .where(
            whose,
            t.bills.c.issued_on <= on,
            t.bills.c.charge_pence > 0,
            ~exists().where(d.c.bill_id == t.bills.c.id),
        )
    )
    holds = (
        select(t.holds.c.id, t.holds.c.account_id, t.holds.c.placed_on)
        .join(a, a.c.id == t.holds.c.account_id)
        .where(whose, t.holds.c.placed_on <= on, ~exists().where(d.c.hold_id == t.holds.c.id))
    )
    ap = t.account_parties
    spaces = (
        select(t.breathing_spaces.c.id, ap.c.account_id, t.breathing_spaces.c.recorded_on)
        .join(ap, ap.c.party_id == t.breathing_spaces.c.party_id)
        .join(a, a.c.id == ap.c.account_id)
        .where(
            whose,
            a.c.kind.in_([k.value for k in BILL_LETTERS]),
            t.breathing_spaces.c.recorded_on <= on,
            ~exists().where(
                and_(
                    d.c.breathing_space_id == t.breathing_spaces.c.id,
                    d.c.account_id == ap.c.account_id,
                )
            ),
        )
    )
    return bills, holds, spaces


def _queue(
    conn: Connection,
    statements: tuple[Select[Any], Select[Any], Select[Any]],
    params: dict[str, Any],
) -> int:
    d = t.documents
    bill_statement, hold_statement, space_statement = statements
    rows: list[tuple[Any, ...]] = []
    for b in conn.execute(bill_statement, params):
        letter = BILL_LETTERS.get(AccountKind(b.kind))
        if letter:
            rows.append((b.account_id, None, b.id, None, None, letter, b.issued_on))
    rows += [
        (h.account_id, None, None, h.id, None, HOLD_LETTER, h.placed_on)
        for h in conn.execute(hold_statement, params)
    ]
    rows += [
        (s.account_id, None, None, None, s.id, BREATHING_SPACE_LETTER, s.recorded_on)
        for s in conn.execute(space_statement, params)
    ]
    ids = reserve_ids(conn, d, len(rows))
    for chunk in chunked(zip(ids, rows, strict=True)):
        conn.execute(
            insert(d),
            [
                {
                    "id": i,
                    "account_id": r[0],
                    "event_id": r[1],
                    "bill_id": r[2],
                    "hold_id": r[3],
                    "breathing_space_id": r[4],
                    "letter": r[5],
                    "status": DocumentStatus.QUEUED.value,
                    "created_on": r[6],
                }
                for i, r in chunk
            ],
        )
    return len(rows)


# ---- 2. produce ------------------------------------------------------------------------------


def produce_documents(
    conn: Connection,
    council_code: str,
    on: date,
    progress: Progress | None = None,
    chunk_size: int = 2000,
    *,
    queue: bool = True,
) -> ProduceReport:
    """Queue and produce the council's letters up to ``on`` (the service the CLI, the print
    batch and the demo call). ``queue=False`` produces only what is already queued (the
    recovery run's and the court's letters), not the bills', holds' and Breathing Spaces'."""
    council_id, country = _council(conn, council_code)
    report = ProduceReport(council_code, on)
    if queue:
        report.queued = queue_documents(conn, council_code, on)
    letterhead = letterhead_of(conn, council_id, council_code)
    ids = _queued(conn, council_id, on)
    costs = _SummonsCosts(conn, council_id, country)
    for n, chunk in enumerate(chunked(ids, chunk_size)):
        if progress:
            progress(f"documents {n * chunk_size + 1}-{n * chunk_size + len(chunk)} of {len(ids)}")
        made = _make(conn, chunk, on, letterhead, country, costs)
        store_made(conn, made)
        made.count_into(report)
    return report


def make_documents(
    conn: Connection, council_code: str, on: date, created_after: date | None = None
) -> Made:
    """Compose and render the council's queued letters up to ``on`` (``created_after``: only
    those created after that day), reading only: what ``store_made`` later writes (the demo's
    print room reads a snapshot of the database on one core and the simulation writes on the
    other). Holds the letters in memory (``produce_documents`` stores each chunk as it goes)."""
    council_id, country = _council(conn, council_code)
    letterhead = letterhead_of(conn, council_id, council_code)
    return _make(
        conn,
        _queued(conn, council_id, on, created_after),
        on,
        letterhead,
        country,
        _SummonsCosts(conn, council_id, country),
    )


def _queued(
    conn: Connection, council_id: int, on: date, created_after: date | None = None
) -> list[int]:
    d, a = t.documents, t.accounts
    after = d.c.created_on > created_after if created_after is not None else true()
    return list(
        conn.execute(
            select(d.c.id)
            .join(a, a.c.id == d.c.account_id)
            .where(
                a.c.council_id == council_id,
                d.c.status == DocumentStatus.QUEUED.value,
                d.c.created_on <= on,
                after,
            )
            .order_by(d.c.id)
        ).scalars()
    )


class _SummonsCosts:
    """The costs the strategy in force would add with a summons, for a debt and year."""

    def __init__(self, conn: Connection, council_id: int, country: Country) -> None:
        self.conn, self.council_id, self.country = conn, council_id, country
        self.known: dict[tuple[AccountKind, int], Money | None] = {}

    def __call__(self, debt: AccountKind, year: int) -> Money | None:
        key = (debt, year)
        if key not in self.known:
            try:
                chosen = strategy_for(
                    self.conn, self.council_id, self.country, debt, FinancialYear(year)
                )
            except DomainError:
                self.known[key] = None
            else:
                court = [s for s in chosen.strategy.stages if s.kind is StageKind.COURT]
                self.known[key] = court[0].costs if court and court[0].costs else None
        return self.known[key]


@dataclass(frozen=True, slots=True)
class _Case:
    """What one queued document's letter is made from, read set-based."""

    document_id: int
    account_id: int
    letter: str
    created_on: date
    facts: Facts
    recipient: Recipient | None
    kind: AccountKind
    style: Style
    cancel: str | None  # why it is not to be sent: a notice about a paid year, a replaced bill


@dataclass
class Made:
    """Letters composed and rendered but not yet stored (``store_made`` writes them): each
    document's new columns, its stored pages, the documents cancelled and why, and those
    that could not be made."""

    made: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    cancelled: list[dict[str, Any]] = field(default_factory=list)
    fonts_used: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def count_into(self, report: ProduceReport) -> None:
        report.produced += len(self.made)
        report.cancelled += len(self.cancelled)
        report.problems += self.problems


def _make(
    conn: Connection,
    ids: Sequence[int],
    on: date,
    letterhead: Letterhead,
    country: Country,
    summons_costs: _SummonsCosts,
) -> Made:
    shipped = templates()
    out = Made()
    welsh = country is Country.WALES
    for case in _cases(conn, ids, on, letterhead, summons_costs):
        if case.cancel:
            out.cancelled.append({"i": case.document_id, "r": case.cancel})
            continue
        template = shipped.get(case.letter)
        if template is None:
            out.problems.append(
                f"document {case.document_id} (account {case.facts.reference}): there is no "
                f"letter template named {case.letter!r}"
            )
            continue
        if case.recipient is None:
            out.problems.append(
                f"document {case.document_id} (account {case.facts.reference}): the account "
                "has no address to send a letter to"
            )
            continue
        try:
            letter = compose(
                template,
                case.facts,
                letterhead,
                case.recipient,
                advice(),
                welsh=welsh,
                style=case.style,
            )
        except DomainError as e:
            out.problems.append(f"document {case.document_id}: {e}")
            continue
        rendered = render(letter)
        out.fonts_used.add(rendered.font_set)
        out.made.append(
            {
                "i": case.document_id,
                "v": template.version,
                "st": case.style.value,
                "po": letter.postage.value,
                "pg": rendered.page_count,
                "h": hashlib.sha256(rendered.pdf).hexdigest(),
                "on": on,
            }
        )
        out.files.append(
            {
                "document_id": case.document_id,
                "font_set": rendered.font_set,
                "pages": pack(rendered.pages),
            }
        )
    return out


def store_made(conn: Connection, made: Made) -> None:
    """Write what ``_make`` (or ``make_documents``) made: produced documents with their
    files, cancelled ones with the reason."""
    d = t.documents
    for sha in made.fonts_used:
        store_font_set(conn, sha)
    if made.made:
        conn.execute(
            update(d)
            .where(d.c.id == _bind("i"))
            .values(
                status=DocumentStatus.PRODUCED.value,
                template_version=_bind("v"),
                style=_bind("st"),
                postage=_bind("po"),
                pages=_bind("pg"),
                content_hash=_bind("h"),
                produced_on=_bind("on"),
            ),
            made.made,
        )
        conn.execute(insert(t.document_files), made.files)
    if made.cancelled:
        conn.execute(
            update(d)
            .where(d.c.id == _bind("i"))
            .values(status=DocumentStatus.CANCELLED.value, cancelled_reason=_bind("r")),
            made.cancelled,
        )


def _bind(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


def _cases(
    conn: Connection,
    ids: Sequence[int],
    on: date,
    letterhead: Letterhead,
    summons_costs: _SummonsCosts,
) -> Iterable[_Case]:
    d, a, p = t.documents, t.accounts, t.properties
    docs = conn.execute(
        select(
            d.c.id,
            d.c.account_id,
            d.c.letter,
            d.c.created_on,
            d.c.event_id,
            d.c.bill_id,
            d.c.hold_id,
            d.c.breathing_space_id,
            a.c.reference,
            a.c.kind,
            p.c.address,
            p.c.postcode,
        )
        .join(a, a.c.id == d.c.account_id)
        .outerjoin(p, p.c.id == a.c.property_id)
        .where(d.c.id.in_(ids))
        .order_by(d.c.id)
    ).all()
    accounts = {r.account_id for r in docs}
    names, styles = _people(conn, accounts)
    events = _by_id(conn, t.recovery_events, {r.event_id for r in docs if r.event_id})
    holds = _by_id(conn, t.holds, {r.hold_id for r in docs if r.hold_id})
    spaces = _by_id(
        conn, t.breathing_spaces, {r.breathing_space_id for r in docs if r.breathing_space_id}
    )
    bill_ids = {r.bill_id for r in docs if r.bill_id}
    years = {(e.account_id, e.financial_year) for e in events.values()}
    in_force = _bills_in_force(conn, years)
    bills = _by_id(conn, t.bills, bill_ids | set(in_force.values()))
    plans = _plans(conn, {b.plan_id for b in bills.values() if b.plan_id is not None})
    replaced = _replaced(conn, bill_ids, on)
    balances = _balances(conn, accounts)
    for r in docs:
        kind = AccountKind(r.kind)
        recipient = None
        if r.address and names.get(r.account_id):
            recipient = Recipient(
                " and ".join(names[r.account_id]), split_address(r.address), r.postcode
            )
        base: dict[str, Any] = {
            "name": " and ".join(names.get(r.account_id, ())),
            "reference": r.reference,
            "council": letterhead.council_name,
            "debt": _debt_words(kind),
            "issued_on": r.created_on,
            "property": ", ".join((*split_address(r.address or ""), r.postcode or "")).strip(", "),
        }
        cancel = None
        if r.event_id:
            e = events[r.event_id]
            year = FinancialYear(e.financial_year)
            balance = Money(balances.get((r.account_id, e.financial_year), 0))
            bill = bills.get(in_force.get((r.account_id, e.financial_year), -1))
            instalments: tuple[tuple[date, Money], ...] = ()
            if bill is not None and bill.plan_id is not None and e.demanded_through:
                instalments = tuple(
                    (due, m) for due, m in plans.get(bill.plan_id, ()) if due <= e.demanded_through
                )
            facts = Facts(
                **base,
                year=str(year),
                amount=Money(e.amount_pence),
                pay_by=e.pay_by,
                demanded_through=e.demanded_through,
                falls_due=e.falls_due,
                hearing_on=e.hearing_on,
                costs=Money(e.costs_pence),
                balance=balance,
                summons_costs=summons_costs(kind, e.financial_year),
                instalments=instalments,
            )
            if Action(e.action) in DEMANDING and not balance.is_positive:
                cancel = f"the year was paid before the letter was produced on {on.isoformat()}"
        elif r.bill_id:
            b = bills[r.bill_id]
            if r.bill_id in replaced:
                cancel = f"bill {r.bill_id} was replaced by bill {replaced[r.bill_id]} first"
            facts = Facts(
                **{**base, "issued_on": b.issued_on},
                year=str(FinancialYear(b.financial_year)),
                charge=Money(b.charge_pence),
                bill_lines=tuple((line.description, line.amount) for line in lines_of(b.lines)),
                instalments=tuple(plans.get(b.plan_id, ())) if b.plan_id else (),
            )
        elif r.hold_id:
            h = holds[r.hold_id]
            facts = Facts(
                **base,
                year=str(FinancialYear.containing(h.placed_on)),
                starts_on=h.placed_on,
                review_by=h.review_by,
                hold_reason=h.reason,
                balance=Money(sum(v for (acc, _), v in balances.items() if acc == r.account_id)),
            )
        else:
            s = spaces[r.breathing_space_id]
            facts = Facts(
                **base,
                year=str(FinancialYear.containing(s.starts_on)),
                starts_on=s.starts_on,
                ends_on=s.ends_on,
            )
        yield _Case(
            r.id,
            r.account_id,
            r.letter,
            r.created_on,
            facts,
            recipient,
            kind,
            styles.get(r.account_id, Style.STANDARD),
            cancel,
        )


def _replaced(conn: Connection, bill_ids: set[int], on: date) -> dict[int, int]:
    """Bills replaced by a later bill issued by ``on``: their demand notice is not sent."""
    b = t.bills
    found: dict[int, int] = {}
    for chunk in chunked(sorted(bill_ids)):
        rows = conn.execute(
            select(b.c.supersedes_id, b.c.id).where(
                b.c.supersedes_id.in_(chunk), b.c.issued_on <= on
            )
        )
        found.update({row.supersedes_id: row.id for row in rows})
    return found


def _debt_words(kind: AccountKind) -> str:
    return {
        AccountKind.COUNCIL_TAX: "Council Tax",
        AccountKind.BUSINESS_RATES: "Business Rates",
    }.get(kind, kind.label)


def _by_id(conn: Connection, table: Any, ids: set[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for chunk in chunked(sorted(ids)):
        for row in conn.execute(select(table).where(table.c.id.in_(chunk))):
            found[row.id] = row
    return found


def _people(conn: Connection, accounts: set[int]) -> tuple[dict[int, list[str]], dict[int, Style]]:
    ap, pa, lp = t.account_parties, t.parties, t.letter_preferences
    names: dict[int, list[str]] = defaultdict(list)
    styles: dict[int, Style] = {}
    for chunk in chunked(sorted(accounts)):
        rows = conn.execute(
            select(ap.c.account_id, pa.c.name, lp.c.style)
            .join(pa, pa.c.id == ap.c.party_id)
            .outerjoin(lp, lp.c.party_id == pa.c.id)
            .where(ap.c.account_id.in_(chunk))
            .order_by(ap.c.account_id, pa.c.id)
        )
        for row in rows:
            names[row.account_id].append(row.name)
            if row.style == Style.LARGE_PRINT.value:
                styles[row.account_id] = Style.LARGE_PRINT
    return names, styles


def _bills_in_force(conn: Connection, years: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The latest bill for each (account, year)."""
    b = t.bills
    found: dict[tuple[int, int], int] = {}
    for chunk in chunked(sorted({acc for acc, _ in years})):
        rows = conn.execute(
            select(b.c.account_id, b.c.financial_year, func.max(b.c.id).label("id"))
            .where(b.c.account_id.in_(chunk))
            .group_by(b.c.account_id, b.c.financial_year)
        )
        for row in rows:
            if (row.account_id, row.financial_year) in years:
                found[(row.account_id, row.financial_year)] = row.id
    return found


def _plans(conn: Connection, plan_ids: set[int]) -> dict[int, list[tuple[date, Money]]]:
    pi = t.plan_instalments
    plans: dict[int, list[tuple[date, Money]]] = defaultdict(list)
    for chunk in chunked(sorted(plan_ids)):
        for row in conn.execute(
            select(pi).where(pi.c.plan_id.in_(chunk)).order_by(pi.c.plan_id, pi.c.seq)
        ):
            plans[row.plan_id].append((row.due_date, Money(row.amount_pence)))
    return plans


def _balances(conn: Connection, accounts: set[int]) -> dict[tuple[int, int], int]:
    po = t.postings
    found: dict[tuple[int, int], int] = {}
    for chunk in chunked(sorted(accounts)):
        rows = conn.execute(
            select(po.c.account_id, po.c.financial_year, func.sum(po.c.amount_pence).label("s"))
            .where(po.c.account_id.in_(chunk))
            .group_by(po.c.account_id, po.c.financial_year)
        )
        for row in rows:
            found[(row.account_id, row.financial_year)] = int(row.s)
    return found


def set_large_print(conn: Connection, party_reference: str, large: bool, on: date) -> None:
    """Record a person's wish for large print (or clear it). Letters not yet produced follow it."""
    pa, lp = t.parties, t.letter_preferences
    ids = conn.execute(select(pa.c.id).where(pa.c.reference == party_reference)).scalars().all()
    if not ids:
        raise DomainError(f"there is no customer with the reference {party_reference}")
    if len(ids) > 1:
        raise DomainError(f"{len(ids)} councils have a customer {party_reference}")
    conn.execute(lp.delete().where(lp.c.party_id == ids[0]))
    if large:
        conn.execute(
            lp.insert().values(party_id=ids[0], style=Style.LARGE_PRINT.value, recorded_on=on)
        )


# ---- 3. records and reprints ----------------------------------------------------------------


def documents_of(conn: Connection, account_id: int) -> list[StoredDocument]:
    d = t.documents
    rows = conn.execute(select(d).where(d.c.account_id == account_id).order_by(d.c.id)).all()
    return [_stored(r) for r in rows]


def _stored(r: Any) -> StoredDocument:
    if r.event_id:
        about = f"step {r.event_id}"
    elif r.bill_id:
        about = f"bill {r.bill_id}"
    elif r.hold_id:
        about = f"hold {r.hold_id}"
    else:
        about = f"Breathing Space {r.breathing_space_id}"
    return StoredDocument(
        r.id,
        r.account_id,
        r.letter,
        DocumentStatus(r.status),
        r.created_on,
        r.template_version,
        r.pages,
        r.postage,
        r.content_hash,
        about,
        r.cancelled_reason,
    )


def store_font_set(conn: Connection, sha: str) -> None:
    """Store the font objects under their hash, once."""
    current, packed = font_set()
    if sha != current:
        raise DomainError(f"font set {sha} is not the one this version of Reclaim renders with")
    known = conn.execute(
        select(t.letter_fonts.c.sha256).where(t.letter_fonts.c.sha256 == sha)
    ).first()
    if known is None:
        conn.execute(insert(t.letter_fonts).values(sha256=sha, objects=packed))


def fonts_of(conn: Connection, sha: str) -> bytes:
    packed = conn.execute(
        select(t.letter_fonts.c.objects).where(t.letter_fonts.c.sha256 == sha)
    ).scalar()
    if packed is None:
        raise DomainError(f"the font set {sha} is missing from the database")
    return bytes(packed)


def document_pdf(conn: Connection, document_id: int) -> tuple[StoredDocument, bytes]:
    """A produced document and its PDF exactly as first rendered, its hash checked."""
    row = conn.execute(select(t.documents).where(t.documents.c.id == document_id)).first()
    if row is None:
        raise DomainError(f"there is no document {document_id}")
    doc = _stored(row)
    stored = conn.execute(
        select(t.document_files.c.font_set, t.document_files.c.pages).where(
            t.document_files.c.document_id == document_id
        )
    ).first()
    if stored is None:
        why = f": {doc.cancelled_reason}" if doc.cancelled_reason else ""
        raise DomainError(f"document {document_id} has not been produced (it is {doc.status}{why})")
    pdf = assemble(unpack(bytes(stored.pages)), fonts_of(conn, stored.font_set))
    if hashlib.sha256(pdf).hexdigest() != doc.content_hash:
        raise DomainError(
            f"document {document_id}'s stored pages do not match its content hash: they have "
            "been altered since it was produced"
        )
    return doc, pdf


def preview(letter: Letter) -> bytes:
    """A composed letter rendered without storing it (samples, tests)."""
    return render(letter).pdf
