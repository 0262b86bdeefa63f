"""``reclaim import accounts FILE.csv``: take in accounts, their parties and properties.

The way a council migrates from a legacy system. Columns (header row, any order):

    council, kind, reference, party_name, party_type, date_of_birth, address, postcode, uprn,
    band, rateable_value, start_date, end_date, payment_method, instalment_day, instalments
    and, for debts charged by invoice rather than by bill: amount, due_date, description
    and, optionally, what a bill is worked out from (``circumstances.py``):
    for council tax: parish, single_person_discount, exemption_class, council_tax_reduction
    for business rates: relief, retail_hospitality_leisure, industrial, empty_from

A circumstance (a single person discount, an exemption of class A to W, a year's Council Tax
Reduction award; small business or charitable relief, retail/hospitality/leisure, industrial
premises, empty from a date) becomes a dated row of ``circumstances`` from the account's start
date (empty: from ``empty_from``). The parish is stored on a property new to Reclaim; one
already known keeps its own.

Joint liability: several parties in one row, separated by ``;`` in party_name (and, matched
one to one, in party_type and date_of_birth). A party already known to the council (same
kind, name and date of birth) or a property (same UPRN, or address and postcode) is linked,
not duplicated.

All or nothing: every problem in the file is listed with its line and field, and if there is
any, nothing is written.

How it is fast (a million rows in well under a minute): the file is read into a Polars frame.
Each cell is checked by the same small parsers the rest of Reclaim uses (``parse_date``,
``Money.parse``, ``normalise_postcode`` …) but once per *distinct* value, not once per row —
a million accounts have a handful of start dates and kinds. The rules that join several fields
(a council tax account needs a band …) are column expressions. Writing is in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, select

from reclaim.calendar import Country, FinancialYear, InstalmentDay
from reclaim.domain.accounts import MAX_INSTALMENTS, AccountKind, PaymentMethod
from reclaim.domain.errors import InputRefused, Problem
from reclaim.domain.ledger import Posting, PostingKind
from reclaim.domain.parties import PartyKind
from reclaim.domain.properties import Band, normalise_postcode
from reclaim.domain.schedules import ScheduleKind, monthly_schedule
from reclaim.imports.circumstances import (
    CIRCUMSTANCE_COLUMNS,
    CIRCUMSTANCE_VALUES,
    circumstance_rules,
    parse_circumstances,
    write_circumstances,
)
from reclaim.imports.csv_files import (
    CsvFile,
    FieldError,
    choice,
    choices_of,
    parse_date,
    parse_money,
    parse_whole_number,
    read_csv,
)
from reclaim.imports.frames import Checks, read_frame
from reclaim.imports.history import ImportOutcome, already_imported, record_import
from reclaim.money import Money
from reclaim.store import tables as t
from reclaim.store.bulk import insert_rows, reserve_ids, select_in
from reclaim.store.repositories import POSTING_COLUMNS, add_schedules, all_councils, posting_row
from reclaim.store.search_index import index_customers

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
OPTIONAL = ("amount", "due_date", "description", *CIRCUMSTANCE_COLUMNS)
COLUMNS = (*REQUIRED, *OPTIONAL)

# Kinds charged by an invoice (amount and due date) rather than by the annual bill. Rent
# accounts may bring an opening balance the same way.
INVOICED = frozenset({AccountKind.SUNDRY_DEBT, AccountKind.HB_OVERPAYMENT})
STATUTORY_INSTALMENTS = (10, 12)

_KINDS = choices_of(AccountKind)
_METHODS = choices_of(PaymentMethod)
_BANDS = choices_of(Band)
_DAYS = choices_of(InstalmentDay)
_PARTY_KINDS = choices_of(PartyKind)


def _kind(text: str) -> AccountKind:
    return choice(
        text, _KINDS, f"'{{text}}' is not an account kind; use one of: {', '.join(AccountKind)}"
    )


def _method(text: str) -> PaymentMethod:
    return choice(
        text,
        _METHODS,
        f"'{{text}}' is not a payment method; use one of: {', '.join(PaymentMethod)}",
    )


def _band(text: str) -> Band:
    return choice(
        text, _BANDS, "'{text}' is not a council tax band; use A to H, I (Wales only) or unbanded"
    )


def _instalment_day(text: str) -> InstalmentDay:
    return _DAYS.get(text.lower()) or InstalmentDay.parse(text)


def _reference(text: str) -> str:
    if len(text) > 40 or not text.isprintable():
        raise FieldError(
            f"'{text[:50]}' is not a usable reference (at most 40 printable characters)"
        )
    return text


def _uprn(text: str) -> str:
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        raise FieldError(f"'{text}' is not a UPRN: it should be up to 12 digits")
    return text


def import_accounts(
    conn: Connection,
    path: Path,
    *,
    today: date,
    now: datetime,
    progress: Callable[[str], None] | None = None,
) -> ImportOutcome:
    """Check the whole file, then write it in the caller's transaction (the caller commits).

    ``progress`` is told each stage as it starts, for a long file's progress display.
    """
    say = progress or (lambda _stage: None)
    say(f"reading {path.name}")
    file = read_csv(path, REQUIRED, OPTIONAL)
    earlier = already_imported(conn, "accounts", file)
    if earlier is not None:
        return earlier
    say(f"checking every row of {path.name}")
    parsed = parse_accounts(conn, file, today=today)
    rows = parsed.accounts.height
    import_id = record_import(conn, "accounts", file, rows, now)
    say(f"writing {rows:,} accounts with their parties and properties")
    write_accounts(conn, parsed, import_id=import_id, file_name=file.name, today=today)
    say(f"committing {rows:,} accounts")
    return ImportOutcome("imported", import_id, file.name, rows, now)


@dataclass(frozen=True, slots=True)
class ParsedAccounts:
    """The checked file: one row per account, and one per liable party (``row`` links them)."""

    accounts: pl.DataFrame
    parties: pl.DataFrame


def parse_accounts(conn: Connection, file: CsvFile, *, today: date) -> ParsedAccounts:
    """Check every row; raises InputRefused listing every problem, else the typed frames."""
    frame, read_problems = read_frame(file, OPTIONAL)
    if frame.height == 0 and not read_problems:
        raise InputRefused(
            [Problem("the file has a header but no accounts", file=file.name, line=2)]
        )
    councils = {c.council.code: (c.id, c.council.country) for c in all_councils(conn)}
    check = Checks(frame, file.name)

    council_id = frame.get_column("council").replace_strict(
        {code: cid for code, (cid, _) in councils.items()}, default=None, return_dtype=pl.Int64
    )
    welsh = [code for code, (_, country) in councils.items() if country is Country.WALES]
    check.problem(pl.col("council") == "", "council", "council is required")
    check.problem(
        (pl.col("council") != "") & ~pl.col("council").is_in(list(councils)),
        "council",
        pl.format("there is no council '{}'; add it with 'reclaim council add'", pl.col("council")),
    )
    kind = check.parse("kind", lambda s: _kind(s).value, pl.String, required=True)
    check.parse("reference", _reference, pl.String, required=True)
    start = check.parse("start_date", parse_date, pl.Date, required=True)
    end = check.parse("end_date", parse_date, pl.Date)
    method = check.parse("payment_method", lambda s: _method(s).value, pl.String)
    day = check.parse("instalment_day", lambda s: _instalment_day(s).value, pl.String)
    instalments = check.parse("instalments", parse_whole_number, pl.Int64)
    postcode = check.parse("postcode", normalise_postcode, pl.String)
    check.parse("uprn", _uprn, pl.String)
    band = check.parse("band", lambda s: _band(s).value, pl.String)
    rateable_value = check.parse("rateable_value", lambda s: parse_money(s).pence, pl.Int64)
    amount = check.parse("amount", lambda s: parse_money(s).pence, pl.Int64)
    due = check.parse("due_date", parse_date, pl.Date)
    circumstances = parse_circumstances(check, file.header)

    typed = frame.with_columns(
        council_id.alias("council_id"),
        kind.alias("kind_value"),
        start.alias("start"),
        end.alias("end"),
        method.fill_null(PaymentMethod.OTHER.value).alias("method"),
        day.alias("day"),
        instalments.alias("instalments_n"),
        postcode.alias("postcode_value"),
        band.alias("band_value"),
        rateable_value.alias("rv_pence"),
        amount.alias("amount_pence"),
        due.alias("due"),
        kind.replace_strict(
            {k.value: k.label for k in AccountKind}, default=None, return_dtype=pl.String
        ).alias("label"),
        *circumstances,
    )
    check.frame = typed
    _cross_field_rules(check, welsh)
    circumstance_rules(check, file.header)
    parties = _parties(check, today)
    _repeated_references(check)
    problems = check.problems(read_problems)
    if not problems:
        problems = _references_already_stored(conn, typed, file.name)
    if problems:
        raise InputRefused(problems)
    # Keep only what writing needs: the checked text columns are no longer wanted.
    needed = typed.select(
        "line",
        "council_id",
        "kind_value",
        "reference",
        "address",
        "postcode_value",
        "uprn",
        "band_value",
        "rv_pence",
        "start",
        "end",
        "method",
        "day",
        "instalments_n",
        "amount_pence",
        "due",
        "description",
        *CIRCUMSTANCE_VALUES,
    )
    return ParsedAccounts(needed.with_row_index("row"), parties)


def _cross_field_rules(check: Checks, welsh: list[str]) -> None:
    kind, label = pl.col("kind_value"), pl.col("label")
    needs_property = kind.is_in([k.value for k in AccountKind if k.needs_property])
    billed = kind.is_in([k.value for k in AccountKind if k.is_billed])
    invoiced = kind.is_in([k.value for k in INVOICED])
    known = kind.is_not_null()
    check.problem(
        pl.col("start").is_not_null()
        & pl.col("end").is_not_null()
        & (pl.col("end") < pl.col("start")),
        "end_date",
        pl.format("the account ends ({}) before it starts ({})", pl.col("end"), pl.col("start")),
    )
    check.problem(
        known & needs_property & (pl.col("address") == ""),
        "address",
        pl.format("a {} account needs the property's address", label),
    )
    check.problem(
        known & (needs_property | (pl.col("address") != "")) & (pl.col("postcode") == ""),
        "postcode",
        "postcode is required with an address",
    )
    council_tax = kind == AccountKind.COUNCIL_TAX.value
    check.problem(
        council_tax & (pl.col("band") == ""),
        "band",
        "a council tax account needs a band (A to H, I in Wales, or unbanded)",
    )
    check.problem(
        council_tax
        & (pl.col("band_value") == Band.I.value)
        & pl.col("council_id").is_not_null()
        & ~pl.col("council").is_in(welsh),
        "band",
        "band I exists only in Wales",
    )
    check.problem(
        known & ~council_tax & (pl.col("band") != ""),
        "band",
        pl.format("only a council tax account has a band, not a {} account", label),
    )
    check.problem(
        (kind == AccountKind.BUSINESS_RATES.value) & (pl.col("rateable_value") == ""),
        "rateable_value",
        "a business rates account needs its rateable value",
    )
    check.problem(pl.col("rv_pence") < 0, "rateable_value", "a rateable value cannot be negative")
    n = pl.col("instalments_n")
    check.problem(
        billed & n.is_not_null() & ~n.is_in(list(STATUTORY_INSTALMENTS)),
        "instalments",
        pl.format("{} is paid by 10 or 12 statutory instalments, not {}", label, n),
    )
    check.problem(
        billed & ((pl.col("amount") != "") | (pl.col("due_date") != "")),
        "amount",
        pl.format("a {} charge comes from the annual bill, not from an amount in this file", label),
    )
    check.problem(
        known & ~billed & n.is_not_null() & ((n < 1) | (n > MAX_INSTALMENTS)),
        "instalments",
        pl.format("{} instalments is not between 1 and {}", n, pl.lit(MAX_INSTALMENTS)),
    )
    check.problem(
        invoiced & (pl.col("amount") == ""),
        "amount",
        pl.format("a {} account needs the amount invoiced", label),
    )
    check.problem(
        known
        & ~billed
        & (pl.col("amount_pence").is_not_null() | invoiced)
        & (pl.col("due_date") == ""),
        "due_date",
        "due_date is required with an amount",
    )
    not_positive = known & ~billed & (pl.col("amount_pence") <= 0)
    check.problem(
        not_positive,
        "amount",
        pl.format(
            "the amount must be more than £0.00, not {}",
            pl.col("amount_pence").map_elements(
                lambda p: Money(p).format(), return_dtype=pl.String
            ),
        ),
    )
    check.problem(
        known & (pl.col("method") == PaymentMethod.ATTACHMENT.value),
        "payment_method",
        "an attachment is made by a court order, not chosen as a way to pay",
    )


def _parties(check: Checks, today: date) -> pl.DataFrame:
    """One row per liable party: (row, kind, name, date_of_birth), checked.

    Rows naming one party are checked as columns; the few naming several (joint liability,
    ``;``) are split in Python.
    """
    frame = check.frame.with_row_index("row")
    joint_mask = (
        pl.col("party_name").str.contains(";", literal=True)
        | pl.col("party_type").str.contains(";", literal=True)
        | pl.col("date_of_birth").str.contains(";", literal=True)
    )
    single = frame.filter(~joint_mask)
    single_check = Checks(single, check.file_name)
    kind = single_check.parse("party_type", lambda s: _party_kind(s).value, pl.String).fill_null(
        PartyKind.PERSON.value
    )
    born = single_check.parse("date_of_birth", parse_date, pl.Date)
    single = single.with_columns(kind.alias("party_kind"), born.alias("born"))
    single_check.frame = single
    name = pl.col("party_name")
    single_check.problem(name == "", "party_name", "party_name is required")
    single_check.problem(
        name.str.len_chars() > 200, "party_name", "a name is at most 200 characters"
    )
    single_check.problem(
        pl.col("born") >= today,
        "date_of_birth",
        pl.format("{} is not in the past", pl.col("born")),
    )
    single_check.problem(
        (pl.col("born") < today) & (pl.col("party_kind") == PartyKind.ORGANISATION.value),
        "date_of_birth",
        pl.format("{} is an organisation and has no date of birth", name),
    )
    check.found.extend(single_check.found)
    parties = single.select(
        "row",
        pl.col("party_kind").alias("kind"),
        name.str.replace_all(r"\s+", " ").alias("name"),
        pl.col("born").alias("date_of_birth"),
    )
    joint_rows: list[tuple[int, str, str, date | None]] = []
    for row_index, line, names, kinds, births in (
        frame.filter(joint_mask)
        .select("row", "line", "party_name", "party_type", "date_of_birth")
        .iter_rows()
    ):
        row = _JointRow(line, check.file_name)
        for party_kind, party_name, party_born in _split_parties(row, names, kinds, births, today):
            joint_rows.append((row_index, party_kind.value, party_name, party_born))
        check.found.append(
            pl.DataFrame(
                {
                    "line": [p.line for p in row.problems],
                    "field": [p.field for p in row.problems],
                    "message": [p.message for p in row.problems],
                },
                schema={"line": pl.Int64, "field": pl.String, "message": pl.String},
            )
        )
    joint = pl.DataFrame(
        joint_rows,
        schema={"row": pl.UInt32, "kind": pl.String, "name": pl.String, "date_of_birth": pl.Date},
        orient="row",
    )
    return pl.concat([parties, joint]).unique(maintain_order=True)


def _party_kind(text: str) -> PartyKind:
    return choice(
        text.lower(), _PARTY_KINDS, "'{text}' is not a party type; use person or organisation"
    )


class _JointRow:
    def __init__(self, line: int, file_name: str) -> None:
        self.line = line
        self.file_name = file_name
        self.problems: list[Problem] = []

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(message, line=self.line, field=field, file=self.file_name))


def _split_parties(
    row: _JointRow, names_text: str, kinds_text: str, births_text: str, today: date
) -> Iterator[tuple[PartyKind, str, date | None]]:
    names = [n.strip() for n in names_text.split(";")]
    if not any(names):
        row.problem("party_name", "party_name is required")
        return
    if not all(names):
        row.problem("party_name", "a joint liability lists each name once, separated by ';'")
        return
    kinds = [k.strip().lower() for k in kinds_text.split(";")] if kinds_text else []
    if len(kinds) == 1 and len(names) > 1:
        kinds = kinds * len(names)
    births = [b.strip() for b in births_text.split(";")] if births_text else []
    if kinds and len(kinds) != len(names):
        row.problem("party_type", f"{len(names)} names but {len(kinds)} party types")
        return
    if births and len(births) != len(names):
        row.problem("date_of_birth", f"{len(names)} names but {len(births)} dates of birth")
        return
    for i, name in enumerate(names):
        try:
            kind = _party_kind(kinds[i] if kinds else "person")
        except FieldError as error:
            row.problem("party_type", str(error))
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
        yield kind, " ".join(name.split()), born


def _repeated_references(check: Checks) -> None:
    keyed = check.frame.filter(pl.col("council_id").is_not_null() & (pl.col("reference") != ""))
    first = keyed.group_by("council_id", "reference").agg(pl.col("line").min().alias("first"))
    repeats = keyed.join(first, on=["council_id", "reference"]).filter(
        pl.col("line") != pl.col("first")
    )
    if repeats.height:
        check.found.append(
            repeats.select(
                "line",
                pl.lit("reference").alias("field"),
                pl.format(
                    "reference {} is already used on line {} of this file",
                    pl.col("reference"),
                    pl.col("first"),
                ).alias("message"),
            )
        )


def _references_already_stored(
    conn: Connection, typed: pl.DataFrame, file_name: str
) -> list[Problem]:
    councils = typed.get_column("council_id").unique().to_list()
    has_accounts = conn.execute(
        select(t.accounts.c.id).where(t.accounts.c.council_id.in_(councils)).limit(1)
    ).first()
    if has_accounts is None:
        return []
    wanted = dict(
        zip(
            zip(typed.get_column("council_id"), typed.get_column("reference"), strict=True),
            typed.get_column("line"),
            strict=True,
        )
    )
    problems = []
    for council_id, reference in select_in(
        conn,
        "SELECT council_id, reference FROM accounts WHERE reference IN (:values)",
        typed.get_column("reference").to_list(),
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
    return sorted(problems, key=lambda p: p.line or 0)


# Writing ----------------------------------------------------------------------------------

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
    "import_id",
)


def _iso(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%Y-%m-%d")


def write_accounts(
    conn: Connection, parsed: ParsedAccounts, *, import_id: int, file_name: str, today: date
) -> None:
    """Write checked rows: parties and properties (linked when already known), accounts,
    the links between them, the words the customers are found by, each invoiced amount as a
    charge with its schedule, and each account's circumstances."""
    accounts = parsed.accounts
    councils = accounts.get_column("council_id").unique().to_list()
    account_ids = reserve_ids(conn, t.accounts, accounts.height)
    accounts = accounts.with_columns(pl.Series("account_id", account_ids, dtype=pl.Int64))

    property_ids = _write_properties(conn, accounts, councils)
    accounts = accounts.with_columns(property_ids.alias("property_id"))
    insert_rows(
        conn,
        t.accounts,
        ACCOUNT_COLUMNS,
        accounts.select(
            "account_id",
            "council_id",
            "kind_value",
            "reference",
            "property_id",
            _iso("start"),
            _iso("end"),
            "method",
            "day",
            "instalments_n",
            "description",
            pl.lit(import_id).alias("import_id"),
        ).iter_rows(),
    )
    insert_rows(
        conn,
        t.account_balances,
        ("account_id", "balance_pence", "version"),
        accounts.select(
            "account_id", pl.col("amount_pence").fill_null(0), pl.lit(1).alias("version")
        ).iter_rows(),
    )
    new_parties = _write_parties(conn, accounts, parsed.parties, councils)
    index_customers(conn, import_id=import_id, new_parties=new_parties)  # found by these words
    _write_charges(conn, accounts.filter(pl.col("amount_pence").is_not_null()), file_name, today)
    write_circumstances(conn, accounts, file_name=file_name, today=today)


def _known(
    conn: Connection, table: Table, councils: list[int], schema: dict[str, Any]
) -> pl.DataFrame:
    """The rows a council already has, as a frame: its id first, then the other columns named
    in ``schema`` (whose first key names the id)."""
    columns = [table.c.id, *(table.c[name] for name in list(schema)[1:])]
    rows = conn.execute(select(*columns).where(table.c.council_id.in_(councils))).all()
    return pl.DataFrame(rows, schema=schema, orient="row")


def loose_name_expr(name: pl.Expr) -> pl.Expr:
    """``domain.parties.loose_name`` as a column expression (a test proves they agree)."""
    return name.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def loose_address_expr(address: pl.Expr) -> pl.Expr:
    """``domain.properties.loose_address`` as a column expression (a test proves they agree)."""
    return loose_name_expr(address.str.replace_all(",", " "))


def _property_key(frame: pl.DataFrame, uprn: str, address: str, postcode: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.when(pl.col(uprn).fill_null("") != "")
        .then(pl.lit("uprn|") + pl.col(uprn))
        .otherwise(
            pl.lit("address|") + loose_address_expr(pl.col(address)) + "|" + pl.col(postcode)
        )
        .alias("property_key")
    )


def _write_properties(conn: Connection, accounts: pl.DataFrame, councils: list[int]) -> pl.Series:
    """Link each row with an address to its property, adding the properties not yet known."""
    known = _known(
        conn,
        t.properties,
        councils,
        {
            "property_id": pl.Int64,
            "council_id": pl.Int64,
            "uprn": pl.String,
            "address": pl.String,
            "postcode": pl.String,
        },
    )
    known = _property_key(known, "uprn", "address", "postcode").select(
        "council_id", "property_key", "property_id"
    )
    keyed = _property_key(
        accounts.select(
            "row",
            "council_id",
            "uprn",
            "address",
            "postcode_value",
            "band_value",
            "rv_pence",
            "parish_value",
        ),
        "uprn",
        "address",
        "postcode_value",
    ).filter(pl.col("address") != "")
    new = keyed.join(known, on=["council_id", "property_key"], how="anti").unique(
        ["council_id", "property_key"], keep="first", maintain_order=True
    )
    new = new.with_columns(
        pl.Series("property_id", reserve_ids(conn, t.properties, new.height), dtype=pl.Int64),
        _first_parish(keyed, new),
    )
    insert_rows(
        conn,
        t.properties,
        (
            "id",
            "council_id",
            "address",
            "postcode",
            "uprn",
            "band",
            "rateable_value_pence",
            "parish",
        ),
        new.select(
            "property_id",
            "council_id",
            "address",
            "postcode_value",
            pl.when(pl.col("uprn") == "").then(None).otherwise(pl.col("uprn")),
            "band_value",
            "rv_pence",
            "parish_value",
        ).iter_rows(),
    )
    every = pl.concat([known, new.select("council_id", "property_key", "property_id")])
    linked = keyed.join(every, on=["council_id", "property_key"], how="left").select(
        "row", "property_id"
    )
    return (
        accounts.select("row")
        .join(linked, on="row", how="left", maintain_order="left")
        .get_column("property_id")
    )


def _first_parish(keyed: pl.DataFrame, new: pl.DataFrame) -> pl.Series:
    """Each new property's parish: the first the file gives it on any of its rows."""
    named = keyed.filter(pl.col("parish_value").is_not_null())
    if not named.height:
        return new.get_column("parish_value")
    first = named.group_by("council_id", "property_key", maintain_order=True).agg(
        pl.col("parish_value").first()
    )
    return (
        new.select("council_id", "property_key")
        .join(first, on=["council_id", "property_key"], how="left", maintain_order="left")
        .get_column("parish_value")
    )


def _party_key(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        (
            pl.col("kind")
            + "|"
            + loose_name_expr(pl.col("name"))
            + "|"
            + pl.col("date_of_birth").dt.strftime("%Y-%m-%d").fill_null("")
        ).alias("party_key")
    )


def _write_parties(
    conn: Connection, accounts: pl.DataFrame, parties: pl.DataFrame, councils: list[int]
) -> pl.Series:
    """Link each account to its parties, adding the people and organisations not yet known;
    returns the ids of those added."""
    known = _known(
        conn,
        t.parties,
        councils,
        {
            "party_id": pl.Int64,
            "council_id": pl.Int64,
            "kind": pl.String,
            "name": pl.String,
            "date_of_birth": pl.Date,
        },
    )
    known = _party_key(known).select("council_id", "party_key", "party_id")
    keyed = _party_key(parties.join(accounts.select("row", "council_id", "account_id"), on="row"))
    new = keyed.join(known, on=["council_id", "party_key"], how="anti").unique(
        ["council_id", "party_key"], keep="first", maintain_order=True
    )
    new = new.with_columns(
        pl.Series("party_id", reserve_ids(conn, t.parties, new.height), dtype=pl.Int64)
    )
    insert_rows(
        conn,
        t.parties,
        ("id", "council_id", "reference", "kind", "name", "date_of_birth"),
        new.select(
            "party_id",
            "council_id",
            pl.format("P{}", pl.col("party_id").cast(pl.String).str.zfill(8)).alias("reference"),
            "kind",
            "name",
            _iso("date_of_birth"),
        ).iter_rows(),
    )
    every = pl.concat([known, new.select("council_id", "party_key", "party_id")])
    links = (
        keyed.join(every, on=["council_id", "party_key"], how="left")
        .select("account_id", "party_id")
        .unique(maintain_order=True)
    )
    insert_rows(conn, t.account_parties, ("account_id", "party_id"), links.iter_rows())
    return new.get_column("party_id")


def _write_charges(conn: Connection, charged: pl.DataFrame, file_name: str, today: date) -> None:
    if not charged.height:
        return
    posting_ids = reserve_ids(conn, t.postings, charged.height)
    postings = []
    schedules = []
    for posting_id, (
        account_id,
        kind_value,
        line,
        pence,
        due,
        count,
        day_value,
        description,
    ) in zip(
        posting_ids,
        charged.select(
            "account_id",
            "kind_value",
            "line",
            "amount_pence",
            "due",
            "instalments_n",
            "day",
            "description",
        ).iter_rows(),
        strict=True,
    ):
        amount = Money(pence)
        what = description or AccountKind(kind_value).label
        postings.append(
            posting_row(
                posting_id,
                Posting(
                    account_id=account_id,
                    kind=PostingKind.CHARGE,
                    amount=amount,
                    financial_year=FinancialYear.containing(due),
                    effective_date=due,
                    posted_on=today,
                    reason=f"{what}: imported from {file_name} line {line}",
                ),
            )
        )
        spread = f" in {count} monthly instalments" if (count or 1) > 1 else ""
        schedules.append(
            monthly_schedule(
                account_id,
                amount,
                first_due=due,
                count=count or 1,
                day=InstalmentDay(day_value) if day_value else None,
                kind=ScheduleKind.INVOICE,
                reason=f"{what}: due {due.isoformat()}{spread}",
            )
        )
    insert_rows(conn, t.postings, POSTING_COLUMNS, postings)
    add_schedules(conn, schedules, today, posting_ids)
