"""Documents on both databases: the day's letters produced and stored with their template,
version and hash; reprinted exactly; print batches made once with their manifest; a notice
paid before printing is not printed; the commands.

The story is test_recovery_protections': TESTBURY bills CT-1 (Ben and Carla Smith) and CT-2
(Dee Jones) for 2026/27 on 10 March 2026, band C, £1,777.78 each; nobody pays; the recovery
run on 8 April sends each a reminder for the first instalment.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import Result
from pypdf import PdfReader
from sqlalchemy import Connection, Engine, select, update

from reclaim.cli.main import app as cli
from reclaim.domain.errors import DomainError
from reclaim.imports.payments import import_payments
from reclaim.services.letter_data import parse_letterhead, set_letterhead
from reclaim.services.letters import document_pdf, produce_documents
from reclaim.services.letters_pdf import pack
from reclaim.services.letters_print import print_batches
from reclaim.store import tables as t
from reclaim.store.database import make_engine
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import NOW, PAYMENT_HEADER, payment_line, write_csv
from tests.integration.test_recovery_protections import (
    REMINDER_DAY,
    Commands,
    billed_council,
    count,
    hold,
    run,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "reclaim"
LETTERHEAD = SRC / "examples" / "letterhead.toml"
MADE_AT = datetime(2026, 4, 8, 17, 0, tzinfo=UTC)


def with_letterhead(engine: Engine) -> None:
    head = parse_letterhead(LETTERHEAD.read_text(), LETTERHEAD.name)
    with UnitOfWork(engine) as uow:
        set_letterhead(uow.connection, "TESTBURY", head, date(2026, 3, 1))
        uow.commit()


@pytest.fixture
def reminded(engine: Engine, tmp_path: Path) -> Engine:
    billed_council(engine, tmp_path)
    with_letterhead(engine)
    run(engine, REMINDER_DAY)
    return engine


def produce(engine: Engine, on: date = REMINDER_DAY) -> object:
    with UnitOfWork(engine) as uow:
        report = produce_documents(uow.connection, "TESTBURY", on)
        uow.commit()
    return report


def documents(engine: Engine) -> list[tuple[int, str, str, str]]:
    """(id, account, letter, status) of every document, in order."""
    d, a = t.documents, t.accounts
    with UnitOfWork(engine) as uow:
        rows = uow.connection.execute(
            select(d.c.id, a.c.reference, d.c.letter, d.c.status)
            .join(a, a.c.id == d.c.account_id)
            .order_by(d.c.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_days_letters_are_produced_stored_and_reprinted_exactly(reminded: Engine) -> None:
    report = produce(reminded)
    assert report.queued == 2  # type: ignore[attr-defined]  # the two bills' demand notices
    assert report.produced == 4 and report.problems == []  # type: ignore[attr-defined]
    made = documents(reminded)
    assert sorted((ref, letter, status) for _, ref, letter, status in made) == [
        ("CT-1", "council-tax-bill", "produced"),
        ("CT-1", "council-tax-reminder", "produced"),
        ("CT-2", "council-tax-bill", "produced"),
        ("CT-2", "council-tax-reminder", "produced"),
    ]
    reminder = next(
        i for i, ref, letter, _ in made if (ref, letter) == ("CT-2", "council-tax-reminder")
    )
    with UnitOfWork(reminded) as uow:
        doc, pdf = document_pdf(uow.connection, reminder)
    assert doc.template_version == 1 and doc.pages == 2 and doc.postage == "second"
    said = pdf_text(pdf)
    assert "Dee Jones" in said and "2 Test Street" in said
    assert "Date: 8 April 2026" in said
    # £1,777.78 in 10: nine of £178 and a first of £175.78 (Sch 1 para 2(6)).
    assert "Please pay £175.78 by Tuesday 14 April 2026." in said
    assert "1 April 2026 £175.78" in said
    assert "for the year, £1,777.78, then becomes due" in said
    assert "National Debtline" in said
    # A second production changes nothing: nothing is queued twice or made twice.
    again = produce(reminded)
    assert (again.queued, again.produced) == (0, 0)  # type: ignore[attr-defined]


def test_a_joint_account_is_addressed_to_both_people(reminded: Engine) -> None:
    produce(reminded)
    bill = next(
        i
        for i, ref, letter, _ in documents(reminded)
        if (ref, letter) == ("CT-1", "council-tax-bill")
    )
    with UnitOfWork(reminded) as uow:
        _, pdf = document_pdf(uow.connection, bill)
    said = pdf_text(pdf)
    assert "Ben Smith and Carla Smith" in said
    assert "The Council Tax for the year is £1,777.78. You pay it in 10 instalments" in said


def test_an_altered_pdf_is_refused_on_reprint(reminded: Engine) -> None:
    produce(reminded)
    first = documents(reminded)[0][0]
    with UnitOfWork(reminded) as uow:
        uow.connection.execute(
            update(t.document_files)
            .where(t.document_files.c.document_id == first)
            .values(pages=pack([b"BT /F1 12 Tf 100 100 Td (You owe nothing) Tj ET"]))
        )
        with pytest.raises(DomainError, match="do not match its content hash"):
            document_pdf(uow.connection, first)


def test_without_a_letterhead_production_is_refused_saying_how_to_set_one(
    engine: Engine, tmp_path: Path
) -> None:
    billed_council(engine, tmp_path)
    with pytest.raises(DomainError, match="reclaim letters letterhead --council TESTBURY"):
        produce(engine)


def pay(engine: Engine, tmp_path: Path, reference: str, amount: str, day: str) -> None:
    path = write_csv(
        tmp_path / f"pay-{reference}.csv",
        PAYMENT_HEADER,
        [payment_line(reference, amount, day=day, external_id=f"TX-{reference}")],
    )
    with UnitOfWork(engine) as uow:
        import_payments(uow.connection, path, today=date.fromisoformat(day), now=NOW)
        uow.commit()


def test_a_print_batch_is_made_once_per_postage_class_with_its_manifest(
    reminded: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "print"
    with UnitOfWork(reminded) as uow:
        report = print_batches(uow.connection, "TESTBURY", REMINDER_DAY, out, MADE_AT)
        uow.commit()
    assert not report.already_made
    assert [(b.postage.value, b.documents, b.pages) for b in report.batches] == [("second", 4, 8)]
    batch = report.batches[0]
    assert batch.pdf_file == out / "TESTBURY-2026-04-08-second.pdf"
    assert len(PdfReader(batch.pdf_file).pages) == 8
    rows = list(csv.DictReader(batch.manifest_file.open()))
    assert {
        (r["account"], r["name"], r["address_line_1"], r["postcode"], r["pages"]) for r in rows
    } >= {("CT-2", "Dee Jones", "2 Test Street", rows[-1]["postcode"], "2")}
    assert all(r["postage"] == "second" for r in rows)
    assert {s for *_, s in documents(reminded)} == {"sent"}
    before = batch.pdf_file.read_bytes()
    with UnitOfWork(reminded) as uow:
        second = print_batches(uow.connection, "TESTBURY", REMINDER_DAY, out, MADE_AT)
        uow.commit()
    assert second.already_made and [b.documents for b in second.batches] == [4]
    assert count(reminded, t.print_batches) == 1
    assert batch.pdf_file.read_bytes() == before


def test_a_reminder_paid_before_printing_is_not_printed(reminded: Engine, tmp_path: Path) -> None:
    produce(reminded)
    pay(reminded, tmp_path, "CT-2", "1777.78", "2026-04-08")  # the whole year, the same day
    with UnitOfWork(reminded) as uow:
        report = print_batches(uow.connection, "TESTBURY", REMINDER_DAY, tmp_path / "p", MADE_AT)
        uow.commit()
    assert report.cancelled == 1
    rows = list(csv.DictReader(report.batches[0].manifest_file.open()))
    assert sorted((r["account"], r["letter"]) for r in rows) == [
        ("CT-1", "council-tax-bill"),
        ("CT-1", "council-tax-reminder"),
        ("CT-2", "council-tax-bill"),
    ]
    cancelled = [d for d in documents(reminded) if d[3] == "cancelled"]
    assert [(ref, letter) for _, ref, letter, _ in cancelled] == [("CT-2", "council-tax-reminder")]


def test_a_hold_is_acknowledged_by_letter(engine: Engine, tmp_path: Path) -> None:
    billed_council(engine, tmp_path)
    with_letterhead(engine)
    hold(engine, "CT-2", review_by=date(2026, 5, 1))
    produce(engine, date(2026, 4, 2))
    ack = next(i for i, ref, letter, _ in documents(engine) if letter == "hold-acknowledgement")
    with UnitOfWork(engine) as uow:
        _, pdf = document_pdf(uow.connection, ack)
    said = pdf_text(pdf)
    assert "We will look at it again by Friday 1 May 2026." in said
    assert "disputes liability: moved out in March" in said


# ---- the commands -------------------------------------------------------------------------------


def test_the_letters_and_document_commands(
    engine: Engine, tmp_path: Path, database_url: str
) -> None:
    billed_council(engine, tmp_path)
    run(engine, REMINDER_DAY)
    reclaim_cli = LetterCommands(database_url)
    said = reclaim_cli.refused(
        "letters",
        "print",
        "--council",
        "TESTBURY",
        "--date",
        "2026-04-08",
        "--out",
        tmp_path / "out",
    )
    assert "has no letterhead yet" in said and "Nothing was changed" in said
    said = reclaim_cli.ok("letters", "letterhead", "--council", "TESTBURY", LETTERHEAD)
    assert "Letterhead set for TESTBURY" in said
    said = reclaim_cli.ok(
        "letters",
        "print",
        "--council",
        "TESTBURY",
        "--date",
        "2026-04-08",
        "--out",
        tmp_path / "out",
    )
    assert "second" in said and "TESTBURY-2026-04-08-second.pdf" in said
    said = reclaim_cli.ok(
        "letters",
        "print",
        "--council",
        "TESTBURY",
        "--date",
        "2026-04-08",
        "--out",
        tmp_path / "out",
    )
    assert "were already made" in said and "nothing was changed" in said
    first = documents(engine)[0][0]
    said = reclaim_cli.ok("document", "get", str(first), "--out", tmp_path / "copy.pdf")
    with UnitOfWork(engine) as uow:
        _, pdf = document_pdf(uow.connection, first)
    assert (tmp_path / "copy.pdf").read_bytes() == pdf
    said = reclaim_cli.refused("document", "get", "999", "--out", tmp_path / "x.pdf")
    assert "there is no document 999" in said
    said = reclaim_cli.ok("account", "show", "CT-2")
    assert "Documents" in said
    shown = json.loads(reclaim_cli.ok("account", "show", "CT-2", "--json"))
    assert [(d["letter"], d["status"], d["pages"]) for d in shown["documents"]] == [
        ("council-tax-reminder", "sent", 2),
        ("council-tax-bill", "sent", 2),
    ]


class LetterCommands(Commands):
    def __call__(self, *args: str | Path) -> Result:
        return self.runner.invoke(
            cli,
            [str(a) for a in args],
            env={"RECLAIM_DATABASE_URL": self.url, "COLUMNS": "1000", "NO_COLOR": "1"},
        )


def test_a_bill_replaced_before_its_letter_was_produced_is_not_sent(
    engine: Engine, tmp_path: Path
) -> None:
    from reclaim.services.liability_changes import ask_for_instalments
    from reclaim.store.repositories import find_accounts

    billed_council(engine, tmp_path)
    with_letterhead(engine)
    with UnitOfWork(engine) as uow:
        account = find_accounts(uow.connection, "CT-2")[0]
        ask_for_instalments(
            uow.connection,
            account,
            12,
            reason="letter of 12 March",
            today=date(2026, 3, 13),
            issued_on=date(2026, 3, 13),
        )
        uow.commit()
    report = produce(engine, date(2026, 3, 13))
    assert (report.produced, report.cancelled) == (2, 1)  # type: ignore[attr-defined]
    d = t.documents
    with UnitOfWork(engine) as uow:
        rows = uow.connection.execute(
            select(d.c.bill_id, d.c.status, d.c.cancelled_reason)
            .join(t.accounts)
            .where(t.accounts.c.reference == "CT-2")
            .order_by(d.c.bill_id)
        ).all()
    (old_id, old, why), (new_id, new, _) = rows
    assert (old, new) == ("cancelled", "produced")
    assert why == f"bill {old_id} was replaced by bill {new_id} first"


def _printed(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return _printed_in(conn)


def _printed_in(conn: Connection) -> list[tuple[object, ...]]:
    """Every document as the print run leaves it, its stored pages, and the batches."""
    d, f, pb = t.documents, t.document_files, t.print_batches
    documents = conn.execute(
        select(
            d.c.id,
            d.c.status,
            d.c.template_version,
            d.c.postage,
            d.c.pages,
            d.c.content_hash,
            d.c.produced_on,
            pb.c.print_date,  # the batch, by what it is (PostgreSQL's ids are not rolled back)
            pb.c.postage,
            d.c.cancelled_reason,
            f.c.font_set,
            f.c.pages,
        )
        .outerjoin(f, f.c.document_id == d.c.id)
        .outerjoin(pb, pb.c.id == d.c.batch_id)
        .order_by(d.c.id)
    ).all()
    batches = conn.execute(
        select(
            pb.c.print_date,
            pb.c.postage,
            pb.c.documents,
            pb.c.pages,
            pb.c.pdf_sha256,
            pb.c.manifest_sha256,
        ).order_by(pb.c.print_date, pb.c.postage)
    ).all()
    return [tuple(r) for r in (*documents, *batches)]


def test_a_print_run_planned_from_one_reading_and_recorded_later_is_the_days_print_run(
    reminded: Engine, tmp_path: Path
) -> None:
    """``plan_print`` writes nothing to the database; what ``apply_print`` then records is
    what ``print_batches`` records, with the same files — for a day with letters produced
    earlier and not yet printed, a reminder paid since, and letters still queued."""
    from reclaim.services.letters import queue_documents
    from reclaim.services.letters_print import apply_print, plan_print

    produce(reminded)  # the bills and reminders produced, not printed
    pay(reminded, tmp_path, "CT-2", "1777.78", "2026-04-08")  # CT-2's reminder now paid
    hold(reminded, "CT-1", review_by=date(2026, 5, 1))  # its letter queued as it is placed
    with UnitOfWork(reminded) as uow:
        assert queue_documents(uow.connection, "TESTBURY", REMINDER_DAY) == 0
        uow.commit()
    assert [s for _, ref, letter, s in documents(reminded) if letter == "hold-acknowledgement"] == [
        "queued"
    ]
    before = _printed(reminded)
    with UnitOfWork(reminded) as uow:  # the day printed in one go, then undone
        expected = print_batches(uow.connection, "TESTBURY", REMINDER_DAY, tmp_path / "a", MADE_AT)
        printed = _printed_in(uow.connection)
        uow.rollback()
    assert _printed(reminded) == before
    reader = make_engine(reminded.url.render_as_string(hide_password=False), read_only=True)
    try:
        with reader.connect() as conn, conn.begin():
            work = plan_print(conn, "TESTBURY", REMINDER_DAY, tmp_path / "b")
    finally:
        reader.dispose()
    assert _printed(reminded) == before  # planning wrote nothing
    with UnitOfWork(reminded) as uow:
        report = apply_print(uow.connection, work, MADE_AT)
        uow.commit()
    assert _printed(reminded) == printed
    assert report.cancelled == expected.cancelled == 1
    assert [b.documents for b in report.batches] == [b.documents for b in expected.batches]
    assert report.batches and all(
        b.pdf_file.read_bytes() == e.pdf_file.read_bytes()
        and b.manifest_file.read_bytes() == e.manifest_file.read_bytes()
        for b, e in zip(report.batches, expected.batches, strict=True)
    )


def test_a_new_bill_and_a_breathing_space_queue_their_letters_as_they_are_made(
    engine: Engine, tmp_path: Path
) -> None:
    """The services that make them queue their letters at once, as the recovery run and the
    court queue theirs (a hold's: above); the day's sweep then finds nothing to queue."""
    from reclaim.domain.recovery.protections import BreathingSpaceKind
    from reclaim.services.letters import queue_documents
    from reclaim.services.liability_changes import end_liability
    from reclaim.services.protections import find_account, find_party_by_id, start_breathing_space

    billed_council(engine, tmp_path)
    with UnitOfWork(engine) as uow:
        assert queue_documents(uow.connection, "TESTBURY", date(2026, 3, 31)) > 0  # the bills'
        uow.commit()
    before = len(documents(engine))
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        end_liability(
            conn,
            find_account(conn, "CT-1"),
            last_day=date(2026, 6, 30),
            reason="Moved out",
            today=date(2026, 7, 1),
            issued_on=date(2026, 7, 1),
        )
        party_id = conn.execute(
            select(t.account_parties.c.party_id)
            .join(t.accounts, t.accounts.c.id == t.account_parties.c.account_id)
            .where(t.accounts.c.reference == "CT-2")
        ).scalar_one()
        start_breathing_space(
            conn,
            find_party_by_id(conn, party_id),
            kind=BreathingSpaceKind.STANDARD,
            starts_on=date(2026, 7, 1),
            today=date(2026, 7, 1),
        )
        assert queue_documents(conn, "TESTBURY", date(2026, 7, 1)) == 0
        uow.commit()
    new = documents(engine)[before:]
    assert [(ref, letter, status) for _, ref, letter, status in new] == [
        ("CT-1", "council-tax-bill", "queued"),
        ("CT-2", "breathing-space-acknowledgement", "queued"),
    ]
