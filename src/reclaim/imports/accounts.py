"""``reclaim import accounts FILE.csv``: take in accounts, their parties and properties.

The way a council migrates from a legacy system. Columns (header row, any order):

    council, kind, reference, party_name, party_type, date_of_birth, address, postcode, uprn,
    band, rateable_value, start_date, end_date, payment_method, instalment_day, instalments
    and, for debts charged by invoice rather than by bill: amount, due_date, description

Joint liability: several parties in one row, separated by ``;`` in party_name (and, matched
one to one, in party_type and date_of_birth). A party already known to the council (same
kind, name and date of birth) or a property (same UPRN, or address and postcode) is linked,
not duplicated.

All or nothing: every problem in the file is listed with its line and field, and if there is
any, nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from reclaim.calendar import Country, FinancialYear, InstalmentDay
from reclaim.domain.accounts import MAX_INSTALMENTS, AccountKind, PaymentMethod
from reclaim.domain.errors import DomainError, InputRefused, Problem
from reclaim.domain.ledger import Posting, PostingKind
from reclaim.domain.parties import PartyKind
from reclaim.domain.properties import UPRN, Band, normalise_postcode
from reclaim.domain.schedules import ScheduleKind, monthly_schedule
from reclaim.imports.csv_files import (
    CsvFile,
    FieldError,
    Row,
    parse_date,
    parse_money,
    parse_whole_number,
    read_csv,
)
from reclaim.imports.history import ImportOutcome, already_imported, record_import
from reclaim.money import Money
from reclaim.store import tables as t
from reclaim.store.bulk import insert_rows, reserve_ids, select_in
from reclaim.store.repositories import POSTING_COLUMNS, add_schedules, all_councils, posting_row

REQUIRED = (
    "council",
    "kind",
    "reference",
    "party_name",
    "party_type",
    "date_of_birth",
    "address",
    "postcode",
    "uprn",
    "band",
    "rateable_value",
    "start_date",
    "end_date",
    "payment_method",
    "instalment_day",
    "instalments",
)
OPTIONAL = ("amount", "due_date", "description")

# Kinds charged by an invoice (amount and due date) rather than by the annual bill. Rent
# accounts may bring an opening balance the same way.
INVOICED = frozenset({AccountKind.SUNDRY_DEBT, AccountKind.HB_OVERPAYMENT})
OPENING_BALANCE = frozenset(
    {AccountKind.RENT, AccountKind.FORMER_TENANT_ARREARS, AccountKind.COMMERCIAL_RENT}
)
STATUTORY_INSTALMENTS = (10, 12)


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One checked row of the file, ready to store."""

    line: int
    council_id: int
    kind: AccountKind
    reference: str
    parties: tuple[tuple[PartyKind, str, date | None], ...]
    address: str
    postcode: str
    uprn: str | None
    band: Band | None
    rateable_value: Money | None
    start_date: date
    end_date: date | None
    payment_method: PaymentMethod
    instalment_day: InstalmentDay | None
    instalments: int | None
    amount: Money | None
    due_date: date | None
    description: str


def import_accounts(
    conn: Connection,
    path: Path,
    *,
    today: date,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Check the whole file, then write it in the caller's transaction (the caller commits)."""
    file = read_csv(path, REQUIRED, OPTIONAL)
    earlier = already_imported(conn, "accounts", file)
    if earlier is not None:
        return earlier
    rows = parse_accounts(conn, file, today=today)
    import_id = record_import(conn, "accounts", file, len(rows), now)
    write_accounts(
        conn, rows, import_id=import_id, file_name=file.name, today=today, progress=progress
    )
    return ImportOutcome("imported", import_id, file.name, len(rows), now)


def parse_accounts(conn: Connection, file: CsvFile, *, today: date) -> list[AccountRow]:
    councils = {c.council.code: (c.id, c.council.country) for c in all_councils(conn)}
    index = {name: i for i, name in enumerate(file.header)}
    problems: list[Problem] = []
    rows: list[AccountRow] = []
    seen: dict[tuple[int, str], int] = {}
    for line, cells in file.rows():
        row = Row(file, index, line, cells)
        parsed = _parse_row(row, councils, today)
        if parsed is not None:
            key = (parsed.council_id, parsed.reference)
            if key in seen:
                row.problem(
                    "reference",
                    f"reference {parsed.reference} is already used on line {seen[key]} of this file",
                )
            else:
                seen[key] = line
                rows.append(parsed)
        problems.extend(row.problems)
        if len(problems) >= 1000:
            problems.append(Problem("stopped after 1,000 problems", file=file.name))
            raise InputRefused(problems)
    if not rows and not problems:
        problems.append(Problem("the file has a header but no accounts", file=file.name, line=2))
    problems += _references_already_stored(conn, rows, file.name)
    if problems:
        raise InputRefused(sorted(problems, key=lambda p: p.line or 0))
    return rows


def _parse_row(
    row: Row, councils: dict[str, tuple[int, Country]], today: date
) -> AccountRow | None:
    row.check_width()

    def field(name: str, parse: Callable[[str], Any], required: bool = False) -> Any:
        text = row.text(name)
        if not text:
            if required:
                row.problem(name, f"{name} is required")
            return None
        try:
            return parse(text)
        except (FieldError, DomainError, ValueError) as error:
            row.problem(name, str(error))
            return None

    code = row.text("council")
    council = councils.get(code)
    if council is None:
        row.problem(
            "council",
            f"there is no council '{code}'; add it with 'reclaim council add'"
            if code
            else "council is required",
        )
    kind = field("kind", _kind, required=True)
    reference = row.text("reference")
    if not reference:
        row.problem("reference", "reference is required")
    elif len(reference) > 40 or not reference.isprintable():
        row.problem(
            "reference",
            f"'{reference[:50]}' is not a usable reference (at most 40 printable characters)",
        )
    parties = _parties(row, today)
    start = field("start_date", parse_date, required=True)
    end = field("end_date", parse_date)
    if start and end and end < start:
        row.problem("end_date", f"the account ends ({end}) before it starts ({start})")
    method = field("payment_method", _method) or PaymentMethod.OTHER
    day = field("instalment_day", InstalmentDay.parse)
    instalments = field("instalments", parse_whole_number)
    address = row.text("address")
    postcode = field("postcode", normalise_postcode)
    uprn = row.text("uprn") or None
    if uprn is not None and not UPRN.fullmatch(uprn):
        row.problem("uprn", f"'{uprn}' is not a UPRN: it should be up to 12 digits")
    band = field("band", _band)
    rateable_value = field("rateable_value", parse_money)
    amount = field("amount", parse_money)
    due = field("due_date", parse_date)
    description = row.text("description")

    if kind is not None:
        if kind.needs_property and not address:
            row.problem("address", f"a {kind.label} account needs the property's address")
        if (kind.needs_property or address) and postcode is None and not row.text("postcode"):
            row.problem("postcode", "postcode is required with an address")
        if kind is AccountKind.COUNCIL_TAX:
            if band is None and not row.text("band"):
                row.problem(
                    "band", "a council tax account needs a band (A to H, I in Wales, or unbanded)"
                )
            if band is Band.I and council is not None and council[1] is not Country.WALES:
                row.problem("band", "band I exists only in Wales")
        elif row.text("band"):
            row.problem(
                "band", f"only a council tax account has a band, not a {kind.label} account"
            )
        if (
            kind is AccountKind.BUSINESS_RATES
            and rateable_value is None
            and not row.text("rateable_value")
        ):
            row.problem("rateable_value", "a business rates account needs its rateable value")
        if rateable_value is not None and rateable_value.is_negative:
            row.problem("rateable_value", "a rateable value cannot be negative")
        if kind.is_billed:
            if instalments is not None and instalments not in STATUTORY_INSTALMENTS:
                row.problem(
                    "instalments",
                    f"{kind.label} is paid by 10 or 12 statutory instalments, not {instalments}",
                )
            if row.text("amount") or row.text("due_date"):
                row.problem(
                    "amount",
                    f"a {kind.label} charge comes from the annual bill, not from an amount in this file",
                )
        else:
            if instalments is not None and not 1 <= instalments <= MAX_INSTALMENTS:
                row.problem(
                    "instalments",
                    f"{instalments} instalments is not between 1 and {MAX_INSTALMENTS}",
                )
            if kind in INVOICED and not row.text("amount"):
                row.problem("amount", f"a {kind.label} account needs the amount invoiced")
            if (
                (amount is not None or kind in INVOICED)
                and due is None
                and not row.text("due_date")
            ):
                row.problem("due_date", "due_date is required with an amount")
            if amount is not None and not amount.is_positive:
                row.problem("amount", f"the amount must be more than £0.00, not {amount}")
        if method is PaymentMethod.ATTACHMENT:
            row.problem(
                "payment_method",
                "an attachment is made by a court order, not chosen as a way to pay",
            )

    if row.problems or council is None or kind is None or start is None:
        return None
    return AccountRow(
        line=row.line,
        council_id=council[0],
        kind=kind,
        reference=reference,
        parties=parties,
        address=address,
        postcode=postcode or "",
        uprn=uprn,
        band=band,
        rateable_value=rateable_value,
        start_date=start,
        end_date=end,
        payment_method=method,
        instalment_day=day,
        instalments=instalments,
        amount=amount,
        due_date=due,
        description=description,
    )


def _kind(text: str) -> AccountKind:
    try:
        return AccountKind(text.lower())
    except ValueError:
        raise FieldError(
            f"'{text}' is not an account kind; use one of: {', '.join(AccountKind)}"
        ) from None


def _method(text: str) -> PaymentMethod:
    try:
        return PaymentMethod(text.lower())
    except ValueError:
        raise FieldError(
            f"'{text}' is not a payment method; use one of: {', '.join(PaymentMethod)}"
        ) from None


def _band(text: str) -> Band:
    value = text.upper() if len(text) == 1 else text.lower()
    try:
        return Band(value)
    except ValueError:
        raise FieldError(
            f"'{text}' is not a council tax band; use A to H, I (Wales only) or unbanded"
        ) from None


def _parties(row: Row, today: date) -> tuple[tuple[PartyKind, str, date | None], ...]:
    names = [n.strip() for n in row.text("party_name").split(";")]
    if not any(names):
        row.problem("party_name", "party_name is required")
        return ()
    if not all(names):
        row.problem("party_name", "a joint liability lists each name once, separated by ';'")
        return ()
    types = (
        [k.strip().lower() for k in row.text("party_type").split(";")]
        if row.text("party_type")
        else []
    )
    if len(types) == 1 and len(names) > 1:
        types = types * len(names)
    births = (
        [b.strip() for b in row.text("date_of_birth").split(";")]
        if row.text("date_of_birth")
        else []
    )
    if types and len(types) != len(names):
        row.problem("party_type", f"{len(names)} names but {len(types)} party types")
        return ()
    if births and len(births) != len(names):
        row.problem("date_of_birth", f"{len(names)} names but {len(births)} dates of birth")
        return ()
    parties = []
    for i, name in enumerate(names):
        kind_text = types[i] if types else "person"
        try:
            kind = PartyKind(kind_text)
        except ValueError:
            row.problem(
                "party_type", f"'{kind_text}' is not a party type; use person or organisation"
            )
            continue
        born = None
        if births and births[i]:
            try:
                born = parse_date(births[i])
            except FieldError as error:
                row.problem("date_of_birth", str(error))
                continue
            if born >= today:
                row.problem("date_of_birth", f"{born} is not in the past")
            elif kind is PartyKind.ORGANISATION:
                row.problem("date_of_birth", f"{name} is an organisation and has no date of birth")
        if len(name) > 200:
            row.problem("party_name", "a name is at most 200 characters")
        parties.append((kind, " ".join(name.split()), born))
    return tuple(parties)


def _references_already_stored(
    conn: Connection, rows: list[AccountRow], file_name: str
) -> list[Problem]:
    wanted = {(r.council_id, r.reference): r.line for r in rows}
    problems = []
    for council_id, reference in select_in(
        conn,
        "SELECT council_id, reference FROM accounts WHERE reference IN (:values)",
        sorted({r.reference for r in rows}),
    ):
        line = wanted.get((council_id, reference))
        if line is not None:
            problems.append(
                Problem(
                    f"account {reference} already exists; an import adds new accounts only",
                    line=line,
                    field="reference",
                    file=file_name,
                )
            )
    return problems


# Writing ----------------------------------------------------------------------------------


def write_accounts(
    conn: Connection,
    rows: list[AccountRow],
    *,
    import_id: int,
    file_name: str,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write checked rows: parties and properties (linked when already known), accounts, and
    each invoiced amount as a charge with its schedule."""
    councils = sorted({r.council_id for r in rows})
    party_ids, new_parties = _parties_for(conn, rows, councils)
    property_ids, new_properties = _properties_for(conn, rows, councils)
    insert_rows(
        conn,
        t.parties,
        ("id", "council_id", "reference", "kind", "name", "date_of_birth"),
        new_parties,
    )
    insert_rows(
        conn,
        t.properties,
        ("id", "council_id", "address", "postcode", "uprn", "band", "rateable_value_pence"),
        new_properties,
    )
    account_ids = reserve_ids(conn, t.accounts, len(rows))
    charged = [(i, r) for i, r in zip(account_ids, rows, strict=True) if r.amount is not None]
    insert_rows(
        conn,
        t.accounts,
        ACCOUNT_COLUMNS,
        _account_rows(rows, account_ids, party_ids, property_ids, import_id, progress),
    )
    insert_rows(
        conn,
        t.account_parties,
        ("account_id", "party_id"),
        (
            (account_id, party_ids[(r.council_id, *party)])
            for account_id, r in zip(account_ids, rows, strict=True)
            for party in dict.fromkeys(r.parties)
        ),
    )
    _write_charges(conn, charged, file_name, today)


ACCOUNT_COLUMNS = (
    "id",
    "council_id",
    "kind",
    "reference",
    "property_id",
    "start_date",
    "end_date",
    "payment_method",
    "instalment_day",
    "instalments",
    "description",
    "balance_pence",
    "version",
    "import_id",
)


def _account_rows(
    rows: list[AccountRow],
    ids: list[int],
    party_ids: dict[Any, int],
    property_ids: dict[Any, int],
    import_id: int,
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[Any, ...]]:
    for n, (account_id, r) in enumerate(zip(ids, rows, strict=True), start=1):
        yield (
            account_id,
            r.council_id,
            r.kind.value,
            r.reference,
            property_ids.get((r.council_id, *_property_key(r))) if r.address else None,
            r.start_date.isoformat(),
            None if r.end_date is None else r.end_date.isoformat(),
            r.payment_method.value,
            None if r.instalment_day is None else r.instalment_day.value,
            r.instalments,
            r.description,
            0 if r.amount is None else r.amount.pence,
            1,
            import_id,
        )
        if progress is not None and n % 10_000 == 0:
            progress(10_000)


def _party_key(kind: PartyKind, name: str, born: date | None) -> tuple[str, str, date | None]:
    return (kind.value, name.casefold(), born)


def _parties_for(
    conn: Connection, rows: list[AccountRow], councils: list[int]
) -> tuple[dict[Any, int], list[tuple[Any, ...]]]:
    known: dict[Any, int] = {}
    for p in conn.execute(
        select(
            t.parties.c.id,
            t.parties.c.council_id,
            t.parties.c.kind,
            t.parties.c.name,
            t.parties.c.date_of_birth,
        ).where(t.parties.c.council_id.in_(councils))
    ):
        known[(p.council_id, *_party_key(PartyKind(p.kind), p.name, p.date_of_birth))] = p.id
    ids: dict[Any, int] = {}
    wanted: dict[Any, tuple[int, tuple[PartyKind, str, date | None]]] = {}
    for r in rows:
        for party in r.parties:
            key = (r.council_id, *_party_key(*party))
            if key in known:
                ids[(r.council_id, *party)] = known[key]
            else:
                wanted.setdefault(key, (r.council_id, party))
    fresh = reserve_ids(conn, t.parties, len(wanted))
    new_rows = []
    for party_id, (key, (council_id, (kind, name, born))) in zip(
        fresh, wanted.items(), strict=True
    ):
        known[key] = party_id
        new_rows.append(
            (
                party_id,
                council_id,
                f"P{party_id:08d}",
                kind.value,
                name,
                None if born is None else born.isoformat(),
            )
        )
    for r in rows:
        for party in r.parties:
            ids[(r.council_id, *party)] = known[(r.council_id, *_party_key(*party))]
    return ids, new_rows


def _property_key(r: AccountRow) -> tuple[str, ...]:
    if r.uprn:
        return ("uprn", r.uprn)
    return ("address", " ".join(r.address.casefold().replace(",", " ").split()), r.postcode)


def _properties_for(
    conn: Connection, rows: list[AccountRow], councils: list[int]
) -> tuple[dict[Any, int], list[tuple[Any, ...]]]:
    known: dict[Any, int] = {}
    for p in conn.execute(
        select(
            t.properties.c.id,
            t.properties.c.council_id,
            t.properties.c.uprn,
            t.properties.c.address,
            t.properties.c.postcode,
        ).where(t.properties.c.council_id.in_(councils))
    ):
        key: tuple[str, ...] = (
            ("uprn", p.uprn)
            if p.uprn
            else ("address", " ".join(p.address.casefold().replace(",", " ").split()), p.postcode)
        )
        known[(p.council_id, *key)] = p.id
    wanted: dict[Any, AccountRow] = {}
    for row in rows:
        if row.address:
            wanted_key = (row.council_id, *_property_key(row))
            if wanted_key not in known:
                wanted.setdefault(wanted_key, row)
    fresh = reserve_ids(conn, t.properties, len(wanted))
    new_rows = []
    for property_id, (wanted_key, row) in zip(fresh, wanted.items(), strict=True):
        known[wanted_key] = property_id
        new_rows.append(
            (
                property_id,
                row.council_id,
                row.address,
                row.postcode,
                row.uprn,
                None if row.band is None else row.band.value,
                None if row.rateable_value is None else row.rateable_value.pence,
            )
        )
    return known, new_rows


def _write_charges(
    conn: Connection, charged: list[tuple[int, AccountRow]], file_name: str, today: date
) -> None:
    if not charged:
        return
    posting_ids = reserve_ids(conn, t.postings, len(charged))
    postings = []
    schedules = []
    for (account_id, r), posting_id in zip(charged, posting_ids, strict=True):
        assert r.amount is not None and r.due_date is not None
        what = r.description or r.kind.label
        postings.append(
            posting_row(
                posting_id,
                Posting(
                    account_id=account_id,
                    kind=PostingKind.CHARGE,
                    amount=r.amount,
                    financial_year=FinancialYear.containing(r.due_date),
                    effective_date=r.due_date,
                    posted_on=today,
                    reason=f"{what}: imported from {file_name} line {r.line}",
                ),
            )
        )
        schedules.append(
            monthly_schedule(
                account_id,
                r.amount,
                first_due=r.due_date,
                count=r.instalments or 1,
                day=r.instalment_day,
                kind=ScheduleKind.INVOICE,
                reason=f"{what}: due {r.due_date.isoformat()}"
                + (f" in {r.instalments} monthly instalments" if (r.instalments or 1) > 1 else ""),
            )
        )
    insert_rows(conn, t.postings, POSTING_COLUMNS, postings)
    add_schedules(conn, schedules, today, posting_ids)


def utc_now() -> datetime:
    """The CLI's clock; the import itself is always given its moment."""
    return datetime.now(UTC)
