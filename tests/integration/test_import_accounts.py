"""``import_accounts``: taking in accounts, parties and properties from a council's CSV file.

Every test runs on SQLite and on PostgreSQL. A good file is written in full and leaves every
invariant holding; a file with any problem is refused with the line, field and reason of each,
and leaves the database exactly as it was.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, Table, func, select, text

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.errors import InputRefused, Problem
from reclaim.domain.ledger import PostingKind
from reclaim.domain.parties import PartyKind
from reclaim.domain.properties import Band
from reclaim.domain.schedules import ScheduleKind
from reclaim.imports.accounts import import_accounts
from reclaim.imports.history import ImportOutcome
from reclaim.money import Money
from reclaim.services.accounts import AccountStatement, account_statement
from reclaim.store import tables as t
from reclaim.store.database import make_engine
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import (
    ACCOUNT_HEADER,
    NOW,
    TODAY,
    account_line,
    add_council,
    council_tax_line,
    write_csv,
)
from tests.integration.snapshots import (
    breaches,
    row_counts,
    snapshot,
)

# Helpers ----------------------------------------------------------------------------------


def accounts_file(tmp_path: Path, *lines: str, name: str = "accounts.csv") -> Path:
    return write_csv(tmp_path / name, ACCOUNT_HEADER, lines)


def import_file(engine: Engine, path: Path, *, today: date = TODAY) -> ImportOutcome:
    with UnitOfWork(engine) as uow:
        outcome = import_accounts(uow.connection, path, today=today, now=NOW)
        uow.commit()
    return outcome


def problems_importing(engine: Engine, path: Path) -> list[Problem]:
    with UnitOfWork(engine) as uow, pytest.raises(InputRefused) as refused:
        import_accounts(uow.connection, path, today=TODAY, now=NOW)
    return refused.value.problems


def where(problems: list[Problem]) -> list[tuple[str | None, int | None, str | None]]:
    return [(p.file, p.line, p.field) for p in problems]


def statement(engine: Engine, reference: str) -> AccountStatement:
    with engine.connect() as conn:
        return account_statement(conn, reference)


def count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def council(engine: Engine) -> Engine:
    """The engine, with the council TESTBURY (England) added."""
    add_council(engine)
    return engine


def holds_only_the_council(engine: Engine) -> bool:
    return {name: n for name, n in row_counts(snapshot(engine)).items() if n} == {"councils": 1}


# Happy paths, one per kind of account ------------------------------------------------------


def test_a_council_tax_account_is_imported_with_its_banded_property_and_no_charge(
    council, tmp_path
):
    path = accounts_file(
        tmp_path,
        council_tax_line(
            "CT-1",
            party_name="Alice Jones",
            date_of_birth="14/03/1958",
            address="1 Archway Road, Testbury",
            postcode="te1 1st",
            uprn="100000000001",
            band="b",
            payment_method="direct_debit",
            instalment_day="15",
            instalments="10",
        ),
    )

    outcome = import_file(council, path)

    assert (outcome.status, outcome.rows, outcome.file_name) == ("imported", 1, "accounts.csv")
    s = statement(council, "CT-1")
    account = s.view.account
    assert (account.council_code, account.kind.value, account.start_date) == (
        "TESTBURY",
        "council_tax",
        date(2026, 4, 1),
    )
    assert (account.payment_method.value, account.instalment_day.value, account.instalments) == (
        "direct_debit",
        "15",
        10,
    )
    prop = s.view.property
    assert (prop.address, prop.postcode, prop.uprn, prop.band, prop.rateable_value) == (
        "1 Archway Road, Testbury",
        "TE1 1ST",
        "100000000001",
        Band.B,
        None,
    )
    assert [(p.name, p.kind, p.date_of_birth) for p in s.view.parties] == [
        ("Alice Jones", PartyKind.PERSON, date(1958, 3, 14))
    ]
    assert s.view.balance == Money(0)
    assert s.postings == []
    assert s.schedule is None
    assert breaches(council) == []


def test_band_i_is_accepted_for_a_council_in_wales(engine, tmp_path):
    add_council(engine, "CAERDREF", Country.WALES)
    path = accounts_file(tmp_path, council_tax_line("CT-1", council="CAERDREF", band="I"))

    import_file(engine, path)

    assert statement(engine, "CT-1").view.property.band is Band.I
    assert breaches(engine) == []


def test_a_business_rates_account_is_imported_with_its_rateable_value(council, tmp_path):
    path = accounts_file(
        tmp_path,
        account_line(
            kind="business_rates",
            reference="NNDR-1",
            party_name="Corner Shop Ltd",
            party_type="organisation",
            date_of_birth="",
            address="10 High Street, Testbury",
            postcode="TE1 2GH",
            rateable_value="£148,000",
            instalments="12",
            instalment_day="last",
            amount="",
            due_date="",
            description="",
        ),
    )

    import_file(council, path)

    s = statement(council, "NNDR-1")
    assert s.view.account.kind.value == "business_rates"
    assert s.view.property.rateable_value == Money(14_800_000)
    assert s.view.property.band is None
    assert [(p.name, p.kind, p.date_of_birth) for p in s.view.parties] == [
        ("Corner Shop Ltd", PartyKind.ORGANISATION, None)
    ]
    assert (s.view.balance, s.postings, s.schedule) == (Money(0), [], None)
    assert breaches(council) == []


@pytest.mark.parametrize("kind", ["sundry_debt", "hb_overpayment"])
def test_an_invoiced_debt_is_charged_its_amount_with_a_schedule_that_adds_up_to_it(
    council, tmp_path, kind
):
    path = accounts_file(
        tmp_path,
        account_line(
            kind=kind,
            reference="INV-1",
            amount="£1,000.00",
            due_date="01/06/2026",
            instalments="3",
            instalment_day="15",
            description="Garden waste",
        ),
    )

    import_file(council, path)

    s = statement(council, "INV-1")
    assert s.view.balance == Money(100_000)
    [charge] = s.postings
    assert (charge.kind, charge.amount, charge.financial_year, charge.effective_date) == (
        PostingKind.CHARGE,
        Money(100_000),
        FinancialYear(2026),
        date(2026, 6, 1),
    )
    assert charge.posted_on == TODAY
    assert charge.reason == "Garden waste: imported from accounts.csv line 2"
    assert s.schedule.kind is ScheduleKind.INVOICE
    assert s.schedule.total == Money(100_000)
    assert [(i.due_date, i.amount) for i in s.schedule.instalments] == [
        (date(2026, 6, 1), Money(33_334)),
        (date(2026, 7, 15), Money(33_333)),
        (date(2026, 8, 15), Money(33_333)),
    ]
    assert s.schedule.reason == "Garden waste: due 2026-06-01 in 3 monthly instalments"
    assert breaches(council) == []


def test_an_invoice_without_instalments_is_due_in_one_payment_on_its_due_date(council, tmp_path):
    path = accounts_file(tmp_path, account_line(reference="SD-1", amount="12.5"))

    import_file(council, path)

    s = statement(council, "SD-1")
    assert s.view.balance == Money(1250)
    assert [(i.due_date, i.amount) for i in s.schedule.instalments] == [
        (date(2026, 5, 1), Money(1250))
    ]
    assert breaches(council) == []


@pytest.mark.parametrize(
    ("kind", "address", "postcode"),
    [
        ("rent", "22 Elm Court, Testbury", "TE4 6LM"),
        ("former_tenant_arrears", "", ""),
    ],
)
def test_a_rent_account_brings_its_opening_balance_as_a_charge(
    council, tmp_path, kind, address, postcode
):
    path = accounts_file(
        tmp_path,
        account_line(
            kind=kind,
            reference="RENT-1",
            address=address,
            postcode=postcode,
            start_date="2019-01-07",
            amount="310.40",
            due_date="2025-12-01",
            description="Arrears brought forward",
        ),
    )

    import_file(council, path)

    s = statement(council, "RENT-1")
    assert s.view.balance == Money(31_040)
    assert [(p.kind, p.amount, p.financial_year) for p in s.postings] == [
        (PostingKind.CHARGE, Money(31_040), FinancialYear(2025))
    ]
    assert s.schedule.total == Money(31_040)
    assert breaches(council) == []


def test_a_rent_account_without_an_opening_balance_starts_at_nothing(council, tmp_path):
    path = accounts_file(
        tmp_path,
        account_line(
            kind="rent",
            reference="RENT-1",
            address="22 Elm Court",
            postcode="TE4 6LM",
            amount="",
            due_date="",
            description="",
        ),
    )

    import_file(council, path)

    s = statement(council, "RENT-1")
    assert (s.view.balance, s.postings, s.schedule) == (Money(0), [], None)
    assert s.view.property.address == "22 Elm Court"
    assert breaches(council) == []


def test_the_columns_may_come_in_any_order(council, tmp_path):
    names = ACCOUNT_HEADER.split(",")
    cells = account_line(reference="SD-1", amount="12.50").split(",")
    path = write_csv(
        tmp_path / "accounts.csv", ",".join(reversed(names)), [",".join(reversed(cells))]
    )

    import_file(council, path)

    s = statement(council, "SD-1")
    assert (s.view.balance, s.view.parties[0].name) == (Money(1250), "Alex Example")
    assert breaches(council) == []


# Parties and properties ---------------------------------------------------------------------


def test_joint_liability_makes_two_parties_on_one_account(council, tmp_path):
    path = accounts_file(
        tmp_path,
        council_tax_line(
            "CT-1",
            party_name="Ben Smith;Carla Smith",
            date_of_birth="1980-07-01;1982-11-23",
        ),
    )

    import_file(council, path)

    parties = statement(council, "CT-1").view.parties
    assert [(p.name, p.kind, p.date_of_birth) for p in parties] == [
        ("Ben Smith", PartyKind.PERSON, date(1980, 7, 1)),
        ("Carla Smith", PartyKind.PERSON, date(1982, 11, 23)),
    ]
    assert (count(council, t.accounts), count(council, t.parties)) == (1, 2)
    assert count(council, t.account_parties) == 2
    assert breaches(council) == []


def test_a_joint_liability_may_know_only_one_date_of_birth(council, tmp_path):
    path = accounts_file(
        tmp_path,
        council_tax_line(
            "CT-1",
            party_name="Ben Smith;Carla Smith",
            party_type="person",
            date_of_birth="1980-07-01;",
        ),
    )

    import_file(council, path)

    parties = statement(council, "CT-1").view.parties
    assert [(p.name, p.date_of_birth) for p in parties] == [
        ("Ben Smith", date(1980, 7, 1)),
        ("Carla Smith", None),
    ]
    assert breaches(council) == []


def test_the_same_person_on_two_rows_becomes_one_customer(council, tmp_path):
    path = accounts_file(
        tmp_path,
        council_tax_line("CT-1", party_name="Dev Patel", date_of_birth="1990-01-30"),
        account_line(reference="SD-1", party_name="Dev Patel", date_of_birth="30/01/1990"),
    )

    import_file(council, path)

    [on_council_tax] = statement(council, "CT-1").view.parties
    [on_sundry] = statement(council, "SD-1").view.parties
    assert on_council_tax.id == on_sundry.id
    assert on_council_tax.reference == f"P{on_council_tax.id:08d}"
    assert count(council, t.parties) == 1
    assert breaches(council) == []


def test_a_person_with_the_same_name_but_another_date_of_birth_is_another_customer(
    council, tmp_path
):
    path = accounts_file(
        tmp_path,
        account_line(reference="SD-1", party_name="Dev Patel", date_of_birth="1990-01-30"),
        account_line(reference="SD-2", party_name="Dev Patel", date_of_birth="1960-01-30"),
    )

    import_file(council, path)

    assert count(council, t.parties) == 2
    assert breaches(council) == []


def test_a_customer_already_known_from_an_earlier_file_is_linked_not_duplicated(council, tmp_path):
    import_file(council, accounts_file(tmp_path, account_line(reference="SD-1"), name="a.csv"))
    import_file(council, accounts_file(tmp_path, account_line(reference="SD-2"), name="b.csv"))

    [first] = statement(council, "SD-1").view.parties
    [second] = statement(council, "SD-2").view.parties
    assert first.id == second.id
    assert count(council, t.parties) == 1
    assert breaches(council) == []


def test_the_same_uprn_on_two_rows_becomes_one_property(council, tmp_path):
    path = accounts_file(
        tmp_path,
        council_tax_line(
            "CT-1", uprn="100000000002", end_date="2026-05-31", party_name="Old Occupier"
        ),
        council_tax_line(
            "CT-2",
            uprn="100000000002",
            address="1 Test St",
            start_date="2026-06-01",
            party_name="New Occupier",
        ),
    )

    import_file(council, path)

    first = statement(council, "CT-1").view.property
    second = statement(council, "CT-2").view.property
    assert first.id == second.id
    assert count(council, t.properties) == 1
    assert breaches(council) == []


def test_the_same_address_and_postcode_without_a_uprn_is_one_property_compared_loosely(
    council, tmp_path
):
    path = accounts_file(
        tmp_path,
        council_tax_line("CT-1", address="Flat 3, 4 Mill Lane", postcode="TE2 3CD"),
        council_tax_line("CT-2", address="flat 3  4 MILL LANE", postcode="te23cd"),
        council_tax_line("CT-3", address="Flat 4, 4 Mill Lane", postcode="TE2 3CD"),
    )

    import_file(council, path)

    first = statement(council, "CT-1").view.property
    assert statement(council, "CT-2").view.property.id == first.id
    assert statement(council, "CT-3").view.property.id != first.id
    assert count(council, t.properties) == 2
    assert breaches(council) == []


def test_a_property_known_from_an_earlier_file_is_linked_by_its_uprn(council, tmp_path):
    import_file(council, accounts_file(tmp_path, council_tax_line("CT-1", uprn="42"), name="a.csv"))
    import_file(
        council,
        accounts_file(
            tmp_path,
            account_line(
                kind="rent",
                reference="RENT-1",
                address="1 Test Street",
                postcode="TE1 1ST",
                uprn="42",
            ),
            name="b.csv",
        ),
    )

    assert (
        statement(council, "RENT-1").view.property.id == statement(council, "CT-1").view.property.id
    )
    assert count(council, t.properties) == 1
    assert breaches(council) == []


# Line numbers -------------------------------------------------------------------------------


def test_a_line_break_inside_a_quoted_cell_is_counted_in_later_line_numbers(council, tmp_path):
    two_line_address = council_tax_line("CT-1").replace(
        "1 Test Street", '"1 Test Street\nTestbury"'
    )
    path = accounts_file(tmp_path, two_line_address, account_line(reference="SD-1", amount="1.234"))

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 4, "amount")]


def test_a_blank_line_is_skipped_but_counted(council, tmp_path):
    path = accounts_file(tmp_path, account_line(reference="SD-1"), "", account_line(reference=""))

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 4, "reference")]


def test_a_row_of_empty_cells_such_as_a_spreadsheet_leaves_is_skipped(council, tmp_path):
    empty_row = "," * ACCOUNT_HEADER.count(",")
    path = accounts_file(tmp_path, account_line(reference="SD-1"), empty_row)

    outcome = import_file(council, path)

    assert outcome.rows == 1
    assert count(council, t.accounts) == 1
    assert breaches(council) == []


def test_a_file_with_windows_line_endings_is_read_with_its_line_numbers(council, tmp_path):
    path = tmp_path / "accounts.csv"
    lines = [ACCOUNT_HEADER, account_line(reference="SD-1"), account_line(reference="SD-2")]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())

    import_file(council, path)

    assert statement(council, "SD-2").view.account.description == "Test invoice"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        (
            "\r\n".join(
                [
                    ACCOUNT_HEADER,
                    account_line(reference="SD-3"),
                    account_line(reference="SD-4", kind="x"),
                ]
            )
            + "\r\n"
        ).encode()
    )
    assert where(problems_importing(council, bad)) == [("bad.csv", 3, "kind")]


def test_the_same_bad_value_on_several_rows_is_reported_on_each_line(council, tmp_path):
    path = accounts_file(
        tmp_path,
        account_line(reference="SD-1", start_date="31/04/2026"),
        account_line(reference="SD-2"),
        account_line(reference="SD-3", start_date="31/04/2026"),
    )

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 2, "start_date"), ("accounts.csv", 4, "start_date")]
    assert {p.message for p in problems} == {"'31/04/2026' is not a real date"}


# Circumstances and parish: the optional columns a bill is worked out from ----------------

CIRCUMSTANCE_COLUMNS = (
    "parish",
    "single_person_discount",
    "exemption_class",
    "council_tax_reduction",
    "relief",
    "retail_hospitality_leisure",
    "industrial",
    "empty_from",
)
CIRCUMSTANCE_HEADER = ACCOUNT_HEADER + "," + ",".join(CIRCUMSTANCE_COLUMNS)


def with_circumstances(line: str, **cells: str) -> str:
    """An account line with the optional circumstance columns after it (blank unless given)."""
    assert set(cells) <= set(CIRCUMSTANCE_COLUMNS), cells
    return line + "," + ",".join(cells.get(name, "") for name in CIRCUMSTANCE_COLUMNS)


def circumstances_file(tmp_path: Path, *lines: str, name: str = "accounts.csv") -> Path:
    return write_csv(tmp_path / name, CIRCUMSTANCE_HEADER, lines)


def rates_line(reference: str = "NNDR-1", **overrides: str) -> str:
    values = {
        "kind": "business_rates",
        "reference": reference,
        "party_name": "Corner Shop Ltd",
        "party_type": "organisation",
        "date_of_birth": "",
        "address": "10 High Street",
        "postcode": "TE1 2GH",
        "rateable_value": "11500.00",
        "amount": "",
        "due_date": "",
        "description": "",
    } | overrides
    return account_line(**values)


def circumstances_of(engine: Engine) -> list[tuple[object, ...]]:
    """(reference, kind, starts_on, ends_on, detail, amount_pence, recorded_on, reason)."""
    c = t.circumstances
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                t.accounts.c.reference,
                c.c.kind,
                c.c.starts_on,
                c.c.ends_on,
                c.c.detail,
                c.c.amount_pence,
                c.c.recorded_on,
                c.c.reason,
            )
            .join(t.accounts, t.accounts.c.id == c.c.account_id)
            .order_by(c.c.id)
        ).all()
    return [tuple(row) for row in rows]


def parish_of(engine: Engine, reference: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            select(t.properties.c.parish)
            .join(t.accounts, t.accounts.c.property_id == t.properties.c.id)
            .where(t.accounts.c.reference == reference)
        ).scalar_one()


APRIL_1 = date(2026, 4, 1)

# (line, circumstance cells, the row written: kind, starts_on, detail, amount_pence)
CIRCUMSTANCES = [
    pytest.param(
        council_tax_line(),
        {"single_person_discount": "yes"},
        ("single_person_discount", APRIL_1, None, None),
        id="single person discount",
    ),
    pytest.param(
        council_tax_line(),
        {"single_person_discount": "Y"},
        ("single_person_discount", APRIL_1, None, None),
        id="single person discount as Y",
    ),
    pytest.param(
        council_tax_line(),
        {"single_person_discount": "TRUE"},
        ("single_person_discount", APRIL_1, None, None),
        id="single person discount as TRUE",
    ),
    pytest.param(
        council_tax_line(start_date="15/06/2026"),
        {"single_person_discount": "yes"},
        ("single_person_discount", date(2026, 6, 15), None, None),
        id="from the account's own start date",
    ),
    pytest.param(
        council_tax_line(),
        {"exemption_class": "c"},
        ("exemption", APRIL_1, "C", None),
        id="exemption class in lower case",
    ),
    pytest.param(
        council_tax_line(),
        {"exemption_class": "W"},
        ("exemption", APRIL_1, "W", None),
        id="exemption class W",
    ),
    pytest.param(
        council_tax_line(),
        {"council_tax_reduction": '"£1,234.56"'},
        ("council_tax_reduction", APRIL_1, None, 123_456),
        id="council tax reduction",
    ),
    pytest.param(
        rates_line(),
        {"relief": "small_business"},
        ("small_business_relief", APRIL_1, None, None),
        id="small business relief",
    ),
    pytest.param(
        rates_line(),
        {"relief": "Charity"},
        ("charitable_relief", APRIL_1, None, None),
        id="charitable relief",
    ),
    pytest.param(
        rates_line(),
        {"retail_hospitality_leisure": "yes"},
        ("retail_hospitality_leisure", APRIL_1, None, None),
        id="retail hospitality and leisure",
    ),
    pytest.param(
        rates_line(),
        {"industrial": "true"},
        ("industrial", APRIL_1, None, None),
        id="industrial",
    ),
    pytest.param(
        rates_line(),
        {"empty_from": "15/02/2026"},
        ("empty", date(2026, 2, 15), None, None),
        id="empty from before the account starts",
    ),
    pytest.param(
        rates_line(),
        {"empty_from": "2026-07-01"},
        ("empty", date(2026, 7, 1), None, None),
        id="empty from after the account starts",
    ),
]


@pytest.mark.parametrize(("line", "cells", "written"), CIRCUMSTANCES)
def test_each_circumstance_column_records_its_circumstance_from_the_right_day(
    council, tmp_path, line, cells, written
):
    reference = line.split(",")[2]
    path = circumstances_file(tmp_path, with_circumstances(line, **cells))

    import_file(council, path)

    kind, starts_on, detail, amount = written
    assert circumstances_of(council) == [
        (
            reference,
            kind,
            starts_on,
            None,
            detail,
            amount,
            TODAY,
            "imported from accounts.csv line 2",
        )
    ]
    assert breaches(council) == []


@pytest.mark.parametrize(
    "cells",
    [
        {"single_person_discount": "no"},
        {"single_person_discount": "N"},
        {"single_person_discount": "False"},
        {"single_person_discount": ""},
    ],
    ids=["no", "N", "False", "blank"],
)
def test_no_or_blank_records_no_circumstance(council, tmp_path, cells):
    path = circumstances_file(tmp_path, with_circumstances(council_tax_line(), **cells))

    import_file(council, path)

    assert circumstances_of(council) == []
    assert breaches(council) == []


def test_one_row_may_bring_several_circumstances_each_naming_its_line(council, tmp_path):
    path = circumstances_file(
        tmp_path,
        with_circumstances(council_tax_line("CT-1")),
        with_circumstances(
            rates_line("NNDR-1"),
            relief="small_business",
            retail_hospitality_leisure="yes",
            industrial="no",
            empty_from="2026-05-01",
        ),
        with_circumstances(
            council_tax_line("CT-2", address="2 Test Street"),
            single_person_discount="yes",
            council_tax_reduction="300.00",
        ),
    )

    import_file(council, path)

    assert [
        (ref, kind, starts, reason) for ref, kind, starts, *_, reason in circumstances_of(council)
    ] == [
        ("NNDR-1", "small_business_relief", APRIL_1, "imported from accounts.csv line 3"),
        ("NNDR-1", "retail_hospitality_leisure", APRIL_1, "imported from accounts.csv line 3"),
        ("NNDR-1", "empty", date(2026, 5, 1), "imported from accounts.csv line 3"),
        ("CT-2", "single_person_discount", APRIL_1, "imported from accounts.csv line 4"),
        ("CT-2", "council_tax_reduction", APRIL_1, "imported from accounts.csv line 4"),
    ]
    assert breaches(council) == []


def test_the_parish_is_stored_on_a_new_property(council, tmp_path):
    path = circumstances_file(
        tmp_path,
        with_circumstances(council_tax_line("CT-1"), parish="Little Snoring"),
        with_circumstances(council_tax_line("CT-2", address="2 Test Street")),
    )

    import_file(council, path)

    assert parish_of(council, "CT-1") == "Little Snoring"
    assert parish_of(council, "CT-2") is None
    assert circumstances_of(council) == []
    assert breaches(council) == []


def test_a_property_on_two_rows_takes_the_parish_either_row_gives(council, tmp_path):
    path = circumstances_file(
        tmp_path,
        with_circumstances(council_tax_line("CT-1", uprn="100000000001", end_date="2026-05-31")),
        with_circumstances(
            council_tax_line("CT-2", uprn="100000000001", start_date="2026-06-01"),
            parish="Little Snoring",
        ),
    )

    import_file(council, path)

    assert count(council, t.properties) == 1
    assert parish_of(council, "CT-1") == "Little Snoring"


def test_a_property_already_known_keeps_its_parish(council, tmp_path):
    import_file(
        council,
        circumstances_file(
            tmp_path,
            with_circumstances(
                council_tax_line("CT-1", uprn="100000000001", end_date="2026-05-31"),
                parish="Little Snoring",
            ),
            name="a.csv",
        ),
    )
    path = circumstances_file(
        tmp_path,
        with_circumstances(
            council_tax_line("CT-2", uprn="100000000001", start_date="2026-06-01"),
            parish="Great Snoring",
        ),
        name="b.csv",
    )

    import_file(council, path)

    assert count(council, t.properties) == 1
    assert parish_of(council, "CT-2") == "Little Snoring"


def test_a_file_without_the_circumstance_columns_imports_as_before(council, tmp_path):
    path = accounts_file(
        tmp_path, council_tax_line("CT-1"), rates_line("NNDR-1"), account_line(reference="SD-1")
    )

    assert import_file(council, path).rows == 3

    assert circumstances_of(council) == []
    assert parish_of(council, "CT-1") is None
    assert breaches(council) == []


def test_a_file_may_bring_only_some_of_the_circumstance_columns(council, tmp_path):
    header = ACCOUNT_HEADER + ",single_person_discount"
    path = write_csv(tmp_path / "accounts.csv", header, [council_tax_line("CT-1") + ",yes"])

    import_file(council, path)

    assert [kind for _, kind, *_ in circumstances_of(council)] == ["single_person_discount"]
    assert breaches(council) == []


CIRCUMSTANCE_PROBLEMS = [
    pytest.param(
        council_tax_line("CT-2"),
        {"parish": "P" * 81},
        "parish",
        "is not a usable parish name (at most 80 printable characters)",
        id="parish too long",
    ),
    pytest.param(
        council_tax_line("CT-2"),
        {"single_person_discount": "maybe"},
        "single_person_discount",
        "'maybe' is not yes or no",
        id="single person discount neither yes nor no",
    ),
    pytest.param(
        council_tax_line("CT-2"),
        {"exemption_class": "X"},
        "exemption_class",
        "'X' is not an exemption class: use one letter, A to W",
        id="exemption class X",
    ),
    pytest.param(
        council_tax_line("CT-2"),
        {"exemption_class": "AB"},
        "exemption_class",
        "'AB' is not an exemption class",
        id="exemption class of two letters",
    ),
    pytest.param(
        council_tax_line("CT-2"),
        {"council_tax_reduction": "lots"},
        "council_tax_reduction",
        "'lots' is not an amount of money",
        id="council tax reduction not money",
    ),
    pytest.param(
        council_tax_line("CT-2"),
        {"council_tax_reduction": "0.00"},
        "council_tax_reduction",
        "Council Tax Reduction is the year's award, more than £0.00, not £0.00",
        id="council tax reduction of nothing",
    ),
    pytest.param(
        council_tax_line("CT-2"),
        {"council_tax_reduction": "-5.00"},
        "council_tax_reduction",
        "more than £0.00, not -£5.00",
        id="negative council tax reduction",
    ),
    pytest.param(
        rates_line(),
        {"relief": "rural"},
        "relief",
        "'rural' is not a relief; use small_business or charity",
        id="unknown relief",
    ),
    pytest.param(
        rates_line(),
        {"retail_hospitality_leisure": "sometimes"},
        "retail_hospitality_leisure",
        "'sometimes' is not yes or no",
        id="retail hospitality leisure neither yes nor no",
    ),
    pytest.param(
        rates_line(),
        {"industrial": "2"},
        "industrial",
        "'2' is not yes or no",
        id="industrial neither yes nor no",
    ),
    pytest.param(
        rates_line(),
        {"empty_from": "31/02/2026"},
        "empty_from",
        "'31/02/2026' is not a real date",
        id="empty from an impossible date",
    ),
    pytest.param(
        rates_line(),
        {"single_person_discount": "yes"},
        "single_person_discount",
        "only a council tax account has a single person discount, not a Business rates account",
        id="single person discount on business rates",
    ),
    pytest.param(
        rates_line(),
        {"single_person_discount": "no"},
        "single_person_discount",
        "only a council tax account has a single person discount, not a Business rates account",
        id="even 'no' on business rates",
    ),
    pytest.param(
        rates_line(),
        {"exemption_class": "C"},
        "exemption_class",
        "only a council tax account has an exemption, not a Business rates account",
        id="exemption on business rates",
    ),
    pytest.param(
        account_line(reference="SD-2"),
        {"council_tax_reduction": "100.00"},
        "council_tax_reduction",
        "only a council tax account has Council Tax Reduction, not a Sundry debt account",
        id="council tax reduction on a sundry debt",
    ),
    pytest.param(
        rates_line(),
        {"parish": "Little Snoring"},
        "parish",
        "only a council tax account has a parish, not a Business rates account",
        id="parish on business rates",
    ),
    pytest.param(
        council_tax_line("CT-2"),
        {"relief": "charity"},
        "relief",
        "only a business rates account has small business or charitable relief, "
        "not a Council tax account",
        id="relief on council tax",
    ),
    pytest.param(
        council_tax_line("CT-2"),
        {"retail_hospitality_leisure": "yes"},
        "retail_hospitality_leisure",
        "only a business rates account has retail, hospitality and leisure relief, "
        "not a Council tax account",
        id="retail hospitality leisure on council tax",
    ),
    pytest.param(
        council_tax_line("CT-2"),
        {"industrial": "yes"},
        "industrial",
        "only a business rates account has industrial premises, not a Council tax account",
        id="industrial on council tax",
    ),
    pytest.param(
        account_line(kind="rent", reference="RENT-1", address="2 Elm Court", postcode="TE4 6LM"),
        {"empty_from": "2026-05-01"},
        "empty_from",
        "only a business rates account has an empty property, not a Rent account",
        id="empty from on rent",
    ),
]


@pytest.mark.parametrize(("line", "cells", "field", "phrase"), CIRCUMSTANCE_PROBLEMS)
def test_a_bad_circumstance_is_refused_naming_its_line_and_field_and_nothing_is_written(
    council, tmp_path, line, cells, field, phrase
):
    path = circumstances_file(
        tmp_path,
        with_circumstances(council_tax_line("CT-GOOD"), single_person_discount="yes"),
        with_circumstances(line, **cells),
    )

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 3, field)], problems
    assert phrase in problems[0].message
    assert holds_only_the_council(council)


# Problems with a row: each names its line, field and reason ------------------------------

ROW_PROBLEMS = [
    pytest.param(
        account_line(council="NOWHERE"),
        "council",
        "there is no council 'NOWHERE'",
        id="unknown council",
    ),
    pytest.param(
        account_line(kind="water_rates"),
        "kind",
        "'water_rates' is not an account kind",
        id="unknown kind",
    ),
    pytest.param(account_line(reference=""), "reference", "reference is required", id="no ref"),
    pytest.param(
        account_line(party_name=""), "party_name", "party_name is required", id="no party name"
    ),
    pytest.param(
        council_tax_line(band="Z"), "band", "'Z' is not a council tax band", id="bad band"
    ),
    pytest.param(
        council_tax_line(band="I"), "band", "band I exists only in Wales", id="band I in England"
    ),
    pytest.param(
        account_line(band="C"),
        "band",
        "only a council tax account has a band, not a Sundry debt account",
        id="band on sundry debt",
    ),
    pytest.param(
        council_tax_line(band=""),
        "band",
        "a council tax account needs a band",
        id="council tax without band",
    ),
    pytest.param(
        council_tax_line(address=""),
        "address",
        "a Council tax account needs the property's address",
        id="council tax without address",
    ),
    pytest.param(
        account_line(
            kind="business_rates",
            address="10 High Street",
            postcode="TE1 2GH",
            amount="",
            due_date="",
        ),
        "rateable_value",
        "a business rates account needs its rateable value",
        id="business rates without rateable value",
    ),
    pytest.param(
        account_line(amount="12.345"),
        "amount",
        "'12.345' is not an amount of money: more than two decimal places",
        id="bad money",
    ),
    pytest.param(
        account_line(amount="0.00"),
        "amount",
        "the amount must be more than £0.00",
        id="zero amount",
    ),
    pytest.param(
        account_line(start_date="2026-02-30"),
        "start_date",
        "'2026-02-30' is not a real date",
        id="impossible date",
    ),
    pytest.param(
        account_line(due_date="2026.05.01"),
        "due_date",
        "'2026.05.01' is not a date: write it as 2026-04-01 or 01/04/2026",
        id="date in an unknown form",
    ),
    pytest.param(
        account_line(start_date=""), "start_date", "start_date is required", id="no start date"
    ),
    pytest.param(
        account_line(start_date="2026-04-01", end_date="2026-03-31"),
        "end_date",
        "the account ends (2026-03-31) before it starts (2026-04-01)",
        id="end before start",
    ),
    pytest.param(
        council_tax_line(instalments="11"),
        "instalments",
        "Council tax is paid by 10 or 12 statutory instalments, not 11",
        id="eleven council tax instalments",
    ),
    pytest.param(
        account_line(instalments="61"),
        "instalments",
        "61 instalments is not between 1 and 60",
        id="too many invoice instalments",
    ),
    pytest.param(
        account_line(instalments="three"),
        "instalments",
        "'three' is not a whole number",
        id="instalments not a number",
    ),
    pytest.param(
        council_tax_line(amount="100.00", due_date="2026-05-01"),
        "amount",
        "a Council tax charge comes from the annual bill",
        id="amount on council tax",
    ),
    pytest.param(
        account_line(amount=""),
        "amount",
        "a Sundry debt account needs the amount invoiced",
        id="sundry debt without amount",
    ),
    pytest.param(
        account_line(due_date=""),
        "due_date",
        "due_date is required with an amount",
        id="amount without due date",
    ),
    pytest.param(
        account_line(instalment_day="7"),
        "instalment_day",
        "'7' is not an instalment day: choose one of 1, 5, 15, 24, last",
        id="instalment day 7",
    ),
    pytest.param(
        account_line(payment_method="barter"),
        "payment_method",
        "'barter' is not a payment method",
        id="unknown payment method",
    ),
    pytest.param(
        account_line(payment_method="attachment"),
        "payment_method",
        "an attachment is made by a court order",
        id="attachment chosen as a way to pay",
    ),
    pytest.param(
        council_tax_line(postcode="TESTBURY"),
        "postcode",
        "'TESTBURY' is not a UK postcode",
        id="bad postcode",
    ),
    pytest.param(
        council_tax_line(uprn="1000-0001"),
        "uprn",
        "'1000-0001' is not a UPRN: it should be up to 12 digits",
        id="bad uprn",
    ),
    pytest.param(
        account_line(party_name="Acme Ltd", party_type="organisation", date_of_birth="1990-01-01"),
        "date_of_birth",
        "Acme Ltd is an organisation and has no date of birth",
        id="organisation with a date of birth",
    ),
    pytest.param(
        account_line(date_of_birth="2030-01-01"),
        "date_of_birth",
        "2030-01-01 is not in the past",
        id="born in the future",
    ),
    pytest.param(
        account_line(date_of_birth="12/06/2026"),
        "date_of_birth",
        "2026-06-12 is not in the past",
        id="born today",
    ),
    pytest.param(
        account_line(party_type="company"),
        "party_type",
        "'company' is not a party type; use person or organisation",
        id="unknown party type",
    ),
    pytest.param(
        account_line(
            party_name="Ben Smith;Carla Smith", party_type="person;person;person", date_of_birth=""
        ),
        "party_type",
        "2 names but 3 party types",
        id="party types do not match names",
    ),
    pytest.param(
        account_line(party_name="Ben Smith;Carla Smith", date_of_birth="1980-07-01"),
        "date_of_birth",
        "2 names but 1 dates of birth",
        id="dates of birth do not match names",
    ),
    pytest.param(
        account_line(party_name="Ben Smith;;Carla Smith", date_of_birth=""),
        "party_name",
        "a joint liability lists each name once, separated by ';'",
        id="empty name in a joint liability",
    ),
    pytest.param(
        account_line() + ",surplus",
        None,
        "the row has 20 cells but the header has 19",
        id="too many cells",
    ),
]


@pytest.mark.parametrize(("bad_line", "field", "phrase"), ROW_PROBLEMS)
def test_a_bad_row_is_refused_naming_its_line_field_and_reason(
    council, tmp_path, bad_line, field, phrase
):
    path = accounts_file(tmp_path, account_line(reference="SD-GOOD"), bad_line)

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 3, field)], problems
    assert phrase in problems[0].message
    assert holds_only_the_council(council)


def test_a_reference_repeated_in_the_file_is_refused_naming_the_earlier_line(council, tmp_path):
    path = accounts_file(
        tmp_path,
        account_line(reference="SD-1"),
        account_line(reference="SD-2"),
        account_line(reference="SD-1", party_name="Someone Else"),
    )

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 4, "reference")]
    assert problems[0].message == "reference SD-1 is already used on line 2 of this file"
    assert holds_only_the_council(council)


def test_the_same_reference_in_two_councils_is_two_accounts(council, tmp_path):
    add_council(council, "OTHERTON")
    path = accounts_file(
        tmp_path,
        account_line(reference="SD-1"),
        account_line(reference="SD-1", council="OTHERTON"),
    )

    import_file(council, path)

    assert count(council, t.accounts) == 2
    assert breaches(council) == []


def test_a_reference_already_in_the_database_is_refused(council, tmp_path):
    import_file(council, accounts_file(tmp_path, account_line(reference="SD-1"), name="a.csv"))
    before = snapshot(council)
    path = accounts_file(
        tmp_path, account_line(reference="SD-2"), account_line(reference="SD-1"), name="b.csv"
    )

    problems = problems_importing(council, path)

    assert where(problems) == [("b.csv", 3, "reference")]
    assert "account SD-1 already exists; an import adds new accounts only" in problems[0].message
    assert snapshot(council) == before


def test_every_problem_in_the_file_is_listed_in_line_order(council, tmp_path):
    path = accounts_file(
        tmp_path,
        account_line(reference="SD-1", amount="ten pounds"),
        account_line(reference="SD-2"),
        council_tax_line("CT-1", band="Z", postcode="NOWHERE"),
    )

    problems = problems_importing(council, path)

    assert where(problems) == [
        ("accounts.csv", 2, "amount"),
        ("accounts.csv", 4, "postcode"),
        ("accounts.csv", 4, "band"),
    ]
    assert holds_only_the_council(council)


# Problems with the file as a whole -----------------------------------------------------------


def test_a_missing_column_is_refused_on_line_1(council, tmp_path):
    header = ACCOUNT_HEADER.replace("band,", "")
    path = write_csv(tmp_path / "accounts.csv", header, [])

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 1, "band")]
    assert problems[0].message == "the header has no 'band' column"
    assert holds_only_the_council(council)


def test_an_unknown_column_is_refused_on_line_1(council, tmp_path):
    path = write_csv(tmp_path / "accounts.csv", ACCOUNT_HEADER + ",colour", [])

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 1, "colour")]
    assert "'colour' is not a column this file takes (expected: council, kind," in (
        problems[0].message
    )
    assert holds_only_the_council(council)


def test_a_repeated_column_is_refused_on_line_1(council, tmp_path):
    path = write_csv(tmp_path / "accounts.csv", ACCOUNT_HEADER + ",band", [])

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 1, "band")]
    assert problems[0].message == "the column 'band' appears more than once"
    assert holds_only_the_council(council)


def test_the_optional_invoice_columns_may_be_left_out(council, tmp_path):
    header = ACCOUNT_HEADER.removesuffix(",amount,due_date,description")
    line = council_tax_line("CT-1").removesuffix(",,,")
    path = write_csv(tmp_path / "accounts.csv", header, [line])

    assert import_file(council, path).rows == 1
    assert breaches(council) == []


def test_a_file_that_is_not_utf8_is_refused_naming_the_line(council, tmp_path):
    path = tmp_path / "accounts.csv"
    good = account_line(reference="SD-1")
    bad = account_line(reference="SD-2", description="£50 owed")
    path.write_bytes("\n".join([ACCOUNT_HEADER, good, bad]).encode("cp1252") + b"\n")

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 3, None)]
    assert "the file is not UTF-8 text; save it as CSV UTF-8" in problems[0].message
    assert holds_only_the_council(council)


def test_a_utf8_file_with_a_byte_order_mark_is_read(council, tmp_path):
    path = tmp_path / "accounts.csv"
    lines = [ACCOUNT_HEADER, account_line(reference="SD-1", description="£50 owed")]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))

    import_file(council, path)

    assert statement(council, "SD-1").view.account.description == "£50 owed"
    assert breaches(council) == []


def test_an_empty_file_is_refused(council, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"")

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 1, None)]
    assert "the file is empty: it needs a header row" in problems[0].message
    assert holds_only_the_council(council)


def test_a_file_with_only_a_header_is_refused(council, tmp_path):
    path = accounts_file(tmp_path)

    problems = problems_importing(council, path)

    assert where(problems) == [("accounts.csv", 2, None)]
    assert problems[0].message == "the file has a header but no accounts"
    assert holds_only_the_council(council)


def test_a_file_that_cannot_be_read_is_refused(council, tmp_path):
    problems = problems_importing(council, tmp_path / "missing.csv")

    assert where(problems) == [("missing.csv", None, None)]
    assert "cannot read the file" in problems[0].message
    assert holds_only_the_council(council)


# All or nothing ----------------------------------------------------------------------------


def test_a_bad_row_anywhere_means_nothing_is_imported(council, tmp_path):
    import_file(council, accounts_file(tmp_path, account_line(reference="OLD-1"), name="a.csv"))
    before = snapshot(council)
    assert row_counts(before)["accounts"] == 1
    path = accounts_file(
        tmp_path,
        council_tax_line("CT-1", uprn="100000000001"),
        account_line(reference="SD-1", party_name="Dev Patel"),
        council_tax_line("CT-2", band="Q"),
        account_line(kind="rent", reference="RENT-1", address="2 Elm Court", postcode="TE4 6LM"),
        name="b.csv",
    )

    problems = problems_importing(council, path)

    assert where(problems) == [("b.csv", 4, "band")]
    assert snapshot(council) == before
    assert breaches(council) == []


def test_the_same_file_imported_twice_is_taken_once_and_the_second_time_changes_nothing(
    council, tmp_path
):
    path = accounts_file(
        tmp_path,
        council_tax_line("CT-1"),
        account_line(reference="SD-1"),
        account_line(reference="SD-2", party_name="Dev Patel"),
    )
    first = import_file(council, path)
    before = snapshot(council)

    again = import_file(council, path, today=date(2026, 6, 15))

    assert again.status == "already_imported"
    assert (again.import_id, again.file_name, again.rows) == (first.import_id, "accounts.csv", 3)
    assert again.message == (
        f"this file was already imported on 12 June 2026 at 09:30 UTC as import "
        f"{first.import_id} (accounts.csv, 3 rows); nothing was posted again"
    )
    assert snapshot(council) == before
    assert breaches(council) == []


@pytest.mark.parametrize("databases", ["postgresql"], indirect=True)
def test_an_already_imported_file_says_when_in_utc_whatever_the_database_time_zone(
    database_url, tmp_path
):
    """A council's PostgreSQL server may well run on London time (BST in June, UTC+1)."""
    london = make_engine(database_url, connect_args={"options": "-c timezone=Europe/London"})
    try:
        add_council(london)
        path = accounts_file(tmp_path, account_line(reference="SD-1"))
        import_file(london, path)

        again = import_file(london, path)

        assert "already imported on 12 June 2026 at 09:30 UTC" in again.message
    finally:
        london.dispose()


def test_an_already_imported_file_reports_the_moment_of_the_first_import(council, tmp_path):
    path = accounts_file(tmp_path, account_line(reference="SD-1"))
    import_file(council, path)

    again = import_file(council, path)

    assert again.imported_at == NOW


def test_the_same_content_under_another_file_name_is_the_same_file(council, tmp_path):
    lines = [account_line(reference="SD-1")]
    first = import_file(council, accounts_file(tmp_path, *lines, name="a.csv"))
    before = snapshot(council)

    again = import_file(council, accounts_file(tmp_path, *lines, name="copy.csv"))

    assert (again.status, again.import_id, again.file_name) == (
        "already_imported",
        first.import_id,
        "a.csv",
    )
    assert snapshot(council) == before
    assert breaches(council) == []


def test_an_import_is_recorded_with_its_file_rows_and_moment(council, tmp_path):
    path = accounts_file(tmp_path, account_line(reference="SD-1"), account_line(reference="SD-2"))

    outcome = import_file(council, path)

    with council.connect() as conn:
        row = conn.execute(text("SELECT kind, file_name, rows FROM imports")).one()
        linked = conn.execute(text("SELECT DISTINCT import_id FROM accounts")).scalars().all()
    assert tuple(row) == ("accounts", "accounts.csv", 2)
    assert linked == [outcome.import_id]
    assert outcome.message == f"imported 2 rows from accounts.csv as import {outcome.import_id}"
    assert breaches(council) == []
