"""``reclaim demo`` end to end on a small council: the year is simulated through the services,
the ledger it leaves passes every invariant of ``reclaim check``, the report is written, and
the same seed gives the same year, posting for posting."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from reclaim.cli.main import app
from reclaim.services.checks import run_checks
from reclaim.store.database import make_engine

pytestmark = pytest.mark.slow

ACCOUNTS = "150"


def _ledger(db: Path) -> list[tuple[object, ...]]:
    """Everything the year wrote that a second run must repeat exactly."""
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = [
            *conn.execute(
                text(
                    "SELECT a.reference, p.kind, p.amount_pence, p.financial_year, "
                    "p.effective_date, p.posted_on, p.reason FROM postings p "
                    "JOIN accounts a ON a.id = p.account_id ORDER BY p.id"
                )
            ),
            *conn.execute(
                text(
                    "SELECT a.reference, e.event_date, e.action, e.stage, e.amount_pence, "
                    "e.reason FROM recovery_events e JOIN accounts a ON a.id = e.account_id "
                    "ORDER BY e.id"
                )
            ),
            *conn.execute(text("SELECT account_id, kind, placed_on, review_by FROM holds")),
        ]
    engine.dispose()
    return [tuple(row) for row in rows]


def _letters(db: Path) -> list[tuple[object, ...]]:
    """Every letter the year made, how and when it went out, and the day's batches (by
    their day: the annual bills' batch is recorded after April's, in the print room)."""
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = [
            *conn.execute(
                text(
                    "SELECT d.id, a.reference, d.letter, d.status, d.created_on, "
                    "d.template_version, d.style, d.postage, d.pages, d.content_hash, "
                    "d.produced_on, b.print_date, d.cancelled_reason, f.font_set, f.pages "
                    "FROM documents d JOIN accounts a ON a.id = d.account_id "
                    "LEFT JOIN document_files f ON f.document_id = d.id "
                    "LEFT JOIN print_batches b ON b.id = d.batch_id ORDER BY d.id"
                )
            ),
            *conn.execute(
                text(
                    "SELECT print_date, postage, documents, pages, pdf_sha256, "
                    "manifest_sha256, made_at FROM print_batches ORDER BY print_date, postage"
                )
            ),
        ]
    engine.dispose()
    return [tuple(row) for row in rows]


@pytest.fixture(scope="module")
def first_year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("demo-1") / "demo.db"
    result = CliRunner().invoke(
        app, ["demo", "--accounts", ACCOUNTS, "--seed", "11", "--db", str(db), "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    return db, result.output


def test_the_year_leaves_a_ledger_that_passes_reclaim_check(first_year):
    db, output = first_year
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        results = run_checks(conn)
        payments = conn.execute(text("SELECT COUNT(*) FROM payments")).scalar_one()
        returned = conn.execute(
            text("SELECT COUNT(*) FROM postings WHERE kind = 'reversal'")
        ).scalar_one()
        actions = {r[0] for r in conn.execute(text("SELECT DISTINCT action FROM recovery_events"))}
    engine.dispose()
    assert [r.invariant.code for r in results if r.breaches] == []
    assert payments > 1_000  # ten instalments a year, and the answers to letters
    assert returned > 0  # returned Direct Debits were reversed
    assert {"notice", "summons", "liability_order"} <= actions
    assert "All invariants hold." in output


def test_the_year_posts_its_letters_in_daily_print_batches(first_year):
    db, output = first_year
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        sent = dict(
            conn.execute(
                text(
                    "SELECT CASE WHEN bill_id IS NOT NULL THEN 'bill' ELSE letter END, COUNT(*) "
                    "FROM documents WHERE status = 'sent' GROUP BY 1"
                )
            ).all()
        )
        queued = conn.execute(
            text("SELECT COUNT(*) FROM documents WHERE status = 'queued'")
        ).scalar_one()
    engine.dispose()
    assert sent["bill"] >= 150  # every account's annual bill, and the rebills
    assert sent["council-tax-reminder"] > 0
    assert queued == 0  # each working day's letters went out that day
    folder = db.parent / "demo-letters"
    pdfs, manifests = sorted(folder.glob("*.pdf")), sorted(folder.glob("*-manifest.csv"))
    assert pdfs and len(pdfs) == len(manifests)
    assert pdfs[0].read_bytes().startswith(b"%PDF")
    assert "Letters:" in output and "daily print batches" in output


def test_the_year_end_report_is_written_as_html_and_xlsx(first_year):
    db, output = first_year
    html = (db.parent / "demo-report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "Council Tax" in html and "Business Rates" in html
    assert "target" in html and "Money in each stage" in html
    with zipfile.ZipFile(db.parent / "demo-report.xlsx") as workbook:
        names = workbook.namelist()
        sheets = workbook.read("xl/workbook.xml").decode()
        strings = workbook.read("xl/sharedStrings.xml").decode()
    assert sum(n.startswith("xl/charts/chart") for n in names) == 3
    for sheet in ("Summary", "Council Tax collection", "Recovery steps", "Money by stage"):
        assert f'name="{sheet}"' in sheets
    assert "Net collectable debit" in strings and "Last recovery step" in strings
    assert "In-year collection" in output and "Council Tax: collected" in output


def test_the_same_seed_gives_the_same_year(first_year, tmp_path: Path):
    db, _ = first_year
    again = tmp_path / "again.db"
    result = CliRunner().invoke(
        app, ["demo", "--accounts", ACCOUNTS, "--seed", "11", "--db", str(again), "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    first, second = _ledger(db), _ledger(again)
    assert len(first) > 1_000
    assert first == second
    assert _letters(db) == _letters(again)


def test_the_print_room_prints_what_printing_in_the_day_prints(
    first_year, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The daily letters made on the second core from each day's snapshot and recorded the
    next day: the same documents, statuses, pages and batches, byte for byte, as the year
    that makes and prints them in each day's own transaction."""
    from functools import partial

    import reclaim.cli.demo as demo
    from reclaim.demo.simulation import Simulation

    db, _ = first_year
    monkeypatch.setattr(demo, "Simulation", partial(Simulation, print_room=False))
    in_the_day = tmp_path / "in-the-day.db"
    result = CliRunner().invoke(
        app, ["demo", "--accounts", ACCOUNTS, "--seed", "11", "--db", str(in_the_day), "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    printed, expected = _letters(db), _letters(in_the_day)
    daily = [row for row in expected if row[3] == "sent" and not str(row[2]).endswith("-bill")]
    assert len(daily) > 40  # reminders, final notices, summonses... printed day by day
    assert printed == expected
    assert _ledger(db) == _ledger(in_the_day)
    for batch in sorted((in_the_day.parent / "in-the-day-letters").iterdir()):
        assert (db.parent / "demo-letters" / batch.name).read_bytes() == batch.read_bytes()


def test_a_bad_behaviour_file_is_refused_before_anything_is_made(tmp_path: Path):
    bad = tmp_path / "mine.toml"
    bad.write_text("[council]\ncode = 'X'\n", encoding="utf-8")
    db = tmp_path / "never.db"
    result = CliRunner().invoke(
        app, ["demo", "--behaviour", str(bad), "--db", str(db), "--no-serve"]
    )
    assert result.exit_code == 1
    assert "population" in result.output
    assert not db.exists()


def test_the_recovery_watch_changes_nothing_the_year_does(
    first_year, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The same year with every year read and every history put to the engine on every run
    (no watch, and no run starting from the last one's bookmark): the same postings, the
    same steps on the same days with the same reasons, the same holds."""
    from functools import partial

    import reclaim.demo.simulation as simulation
    from reclaim.services.recovery_run import run_recovery

    db, _ = first_year
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        watched = conn.execute(text("SELECT COUNT(*) FROM recovery_watch")).scalar_one()
        bookmarked = conn.execute(text("SELECT MAX(as_of) FROM recovery_bookmarks")).scalar_one()
    engine.dispose()
    assert watched > 0  # the year was run with its watch kept
    assert bookmarked == "2027-03-31"  # and each run with its bookmark
    monkeypatch.setattr(simulation, "run_recovery", partial(run_recovery, use_watch=False))
    unwatched = tmp_path / "unwatched.db"
    result = CliRunner().invoke(
        app, ["demo", "--accounts", ACCOUNTS, "--seed", "11", "--db", str(unwatched), "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    assert _ledger(db) == _ledger(unwatched)
