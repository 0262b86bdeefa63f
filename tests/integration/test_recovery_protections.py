"""Holds, Breathing Space, vulnerability and death on both databases: recorded through the
services and the command line, and honoured by the recovery run.

The story every test starts from (England council tax, the shipped strategy): TESTBURY's
Band D for 2026/27 is £2,000.00, so band C is £1,777.78 a year; bills are issued on 10 March
2026 with 10 instalments from 1 April. Nobody pays. The run on 8 April serves a reminder
(pay by 14 April); unpaid, the balance falls due on 21 April; a summons is due from 22 April.
CT-1 is Ben and Carla Smith's (joint), CT-2 Dee Jones's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from click.testing import Result
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from reclaim.calendar import FinancialYear, InstalmentDay
from reclaim.cli.recovery_commands import (
    breathing_space_app,
    court_app,
    hold_app,
    holds_app,
    party_app,
    vulnerability_app,
)
from reclaim.domain.errors import DomainError
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)
from reclaim.imports.accounts import import_accounts
from reclaim.money import Money
from reclaim.services.billing import bill_year
from reclaim.services.council_years import CouncilYear, set_year
from reclaim.services.protections import (
    add_vulnerability,
    breathing_spaces_of,
    end_breathing_space,
    end_vulnerability,
    find_account,
    find_party,
    holds_due,
    holds_of,
    people_named,
    place_hold,
    record_death,
    release_holds,
    review_holds,
    start_breathing_space,
)
from reclaim.services.recovery_run import run_recovery
from reclaim.store import tables as t
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import ACCOUNT_HEADER, NOW, add_council, council_tax_line, write_csv

YEAR = FinancialYear(2026)
ISSUED = date(2026, 3, 10)
REMINDER_DAY = date(2026, 4, 8)  # the first instalment (1 April) is 7 days late
BALANCE_DUE_DAY = date(2026, 4, 21)  # the reminder's 7 days and a further 7 have passed
SUMMONS_DAY = date(2026, 4, 22)


# ---- the council, its accounts, and running recovery -----------------------------------------


def billed_council(engine: Engine, tmp_path: Path, references: Sequence[str] = ()) -> Engine:
    """TESTBURY billed for 2026/27: CT-1 (Ben and Carla Smith), CT-2 (Dee Jones) and any
    further ``references`` (one person each), all band C from 1 April."""
    lines = [
        council_tax_line(
            "CT-1",
            party_name="Ben Smith;Carla Smith",
            date_of_birth="1970-01-01;1972-02-02",
            uprn="1001",
        ),
        council_tax_line("CT-2", party_name="Dee Jones", address="2 Test Street", uprn="1002"),
        *(
            council_tax_line(
                ref, party_name=f"Payer {n}", address=f"{n + 10} Test Street", uprn=f"20{n:02d}"
            )
            for n, ref in enumerate(references)
        ),
    ]
    return billed_with(engine, tmp_path, "TESTBURY", lines)


def billed_with(engine: Engine, tmp_path: Path, code: str, lines: Sequence[str]) -> Engine:
    """Council ``code`` (added), with Band D £2,000.00 for 2026/27, instalments on the 1st,
    the accounts of ``lines`` imported and billed on 10 March."""
    add_council(engine, code)
    with UnitOfWork(engine) as uow:
        set_year(
            uow.connection,
            CouncilYear(code, YEAR, Money.parse("2000.00"), InstalmentDay.DAY_1),
        )
        import_accounts(
            uow.connection,
            write_csv(tmp_path / f"{code}-accounts.csv", ACCOUNT_HEADER, lines),
            today=date(2026, 3, 1),
            now=NOW,
        )
        bill_year(uow.connection, code, YEAR, issued_on=ISSUED, today=ISSUED)
        uow.commit()
    return engine


@pytest.fixture
def testbury(engine: Engine, tmp_path: Path) -> Engine:
    return billed_council(engine, tmp_path)


def run(engine: Engine, day: date) -> None:
    """The recovery run on ``day``, recorded."""
    with UnitOfWork(engine) as uow:
        run_recovery(uow.connection, "TESTBURY", day)
        uow.commit()


def due_from_dry_run(engine: Engine, day: date) -> list[tuple[str, str]]:
    """(account, action) of each step a dry run on ``day`` leaves to an officer or the court
    or takes after the first notice (the steps it decides case by case)."""
    with UnitOfWork(engine) as uow:
        steps = run_recovery(uow.connection, "TESTBURY", day, dry_run=True).steps
    return sorted((s.reference, s.decision.action.value) for s in steps)


def events(engine: Engine, reference: str) -> list[tuple[date, str, str]]:
    """(date, action, stage) of each recovery event recorded for the account, in order."""
    with UnitOfWork(engine) as uow:
        rows = uow.connection.execute(
            select(
                t.recovery_events.c.event_date,
                t.recovery_events.c.action,
                t.recovery_events.c.stage,
            )
            .join(t.accounts)
            .where(t.accounts.c.reference == reference)
            .order_by(t.recovery_events.c.id)
        ).all()
    return [(_day(r[0]), r[1], r[2]) for r in rows]


def count(engine: Engine, table: Any) -> int:
    with UnitOfWork(engine) as uow:
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())


def party_refs(engine: Engine, account: str) -> list[str]:
    with UnitOfWork(engine) as uow:
        return list(
            uow.connection.execute(
                select(t.parties.c.reference)
                .select_from(t.parties.join(t.account_parties).join(t.accounts))
                .where(t.accounts.c.reference == account)
                .order_by(t.parties.c.id)
            ).scalars()
        )


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def hold(engine: Engine, reference: str = "CT-1", **kw: Any) -> Any:
    values: dict[str, Any] = {
        "kind": HoldKind.GENERAL,
        "reason": "disputes liability: moved out in March",
        "review_by": date(2026, 4, 20),
        "today": date(2026, 4, 2),
    } | kw
    with UnitOfWork(engine) as uow:
        placed = place_hold(uow.connection, find_account(uow.connection, reference), **values)
        uow.commit()
    return placed


# ---- the command line, before main.py registers these apps ---------------------------------

cli = typer.Typer()
cli.add_typer(hold_app, name="hold")
cli.add_typer(holds_app, name="holds")
cli.add_typer(breathing_space_app, name="breathing-space")
cli.add_typer(vulnerability_app, name="vulnerability")
cli.add_typer(party_app, name="party")
cli.add_typer(court_app, name="court")


class Commands:
    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str | Path) -> Result:
        return self.runner.invoke(
            cli,
            [str(a) for a in args],
            env={"RECLAIM_DATABASE_URL": self.url, "COLUMNS": "1000", "NO_COLOR": "1"},
        )

    def ok(self, *args: str | Path) -> str:
        result = self(*args)
        assert result.exit_code == 0, result.output
        return said(result)

    def refused(self, *args: str | Path) -> str:
        result = self(*args)
        assert result.exit_code == 1, result.output
        return said(result)


def said(result: Result) -> str:
    return " ".join(result.output.split())


@pytest.fixture
def reclaim(database_url: str) -> Commands:
    return Commands(database_url)


# ---- holds ------------------------------------------------------------------------------------


def test_an_active_hold_stops_the_recovery_runs_step_and_release_lets_it_resume(
    testbury: Engine,
) -> None:
    hold(testbury, "CT-1")
    run(testbury, REMINDER_DAY)
    assert events(testbury, "CT-1") == []
    assert events(testbury, "CT-2") == [(REMINDER_DAY, "notice", "reminder")]
    with UnitOfWork(testbury) as uow:
        conn = uow.connection
        release_holds(
            conn, find_account(conn, "CT-1"), reason="liable after all", today=date(2026, 4, 10)
        )
        uow.commit()
    run(testbury, date(2026, 4, 10))
    assert events(testbury, "CT-1") == [(date(2026, 4, 10), "notice", "reminder")]


def test_a_hold_with_an_end_date_stops_steps_only_until_then(testbury: Engine) -> None:
    hold(testbury, "CT-1", until=date(2026, 4, 9))
    run(testbury, REMINDER_DAY)
    assert events(testbury, "CT-1") == []
    run(testbury, date(2026, 4, 10))
    assert events(testbury, "CT-1") == [(date(2026, 4, 10), "notice", "reminder")]


@pytest.mark.parametrize(
    ("review_by", "until", "refusal"),
    [
        (None, None, "a hold must have a review date"),
        (date(2026, 4, 1), None, "the review date 2026-04-01 is before the hold is placed"),
        (date(2026, 4, 20), date(2026, 4, 1), "the hold would end (2026-04-01) before"),
    ],
)
def test_a_hold_without_a_proper_review_date_is_refused(
    testbury: Engine, review_by: date | None, until: date | None, refusal: str
) -> None:
    with pytest.raises(DomainError, match=refusal.replace("(", r"\(").replace(")", r"\)")):
        hold(testbury, review_by=review_by, until=until)
    assert count(testbury, t.holds) == 0


def test_a_second_open_hold_of_the_same_kind_is_refused(testbury: Engine) -> None:
    hold(testbury)
    with pytest.raises(DomainError, match="already has a general hold"):
        hold(testbury)
    hold(testbury, kind=HoldKind.DISPUTE)
    assert count(testbury, t.holds) == 2


def test_holds_past_their_review_date_are_listed_until_someone_reviews_them(
    testbury: Engine,
) -> None:
    hold(testbury, "CT-1", review_by=date(2026, 4, 20))
    hold(testbury, "CT-2", review_by=date(2026, 5, 1), kind=HoldKind.ARRANGEMENT)

    def due(day: date) -> list[tuple[str, int]]:
        with UnitOfWork(testbury) as uow:
            return [
                (d.reference, d.days_overdue) for d in holds_due(uow.connection, "TESTBURY", day)
            ]

    assert due(date(2026, 4, 19)) == []
    assert due(date(2026, 4, 20)) == [("CT-1", 0)]
    assert due(date(2026, 5, 5)) == [("CT-1", 15), ("CT-2", 4)]
    with UnitOfWork(testbury) as uow:
        conn = uow.connection
        (reviewed,) = review_holds(
            conn,
            find_account(conn, "CT-1"),
            next_review=date(2026, 6, 1),
            note="VOA appeal still open",
            today=date(2026, 5, 5),
        )
        release_holds(
            conn, find_account(conn, "CT-2"), reason="arrangement broken", today=date(2026, 5, 5)
        )
        uow.commit()
    assert reviewed.reviewed_on == date(2026, 5, 5)
    assert reviewed.review_by == date(2026, 6, 1)
    assert reviewed.reason.splitlines() == [
        "disputes liability: moved out in March",
        "Reviewed 2026-05-05: VOA appeal still open (review date moved from 2026-04-20 to "
        "2026-06-01)",
    ]
    assert due(date(2026, 5, 5)) == []
    assert due(date(2026, 6, 2)) == [("CT-1", 1)]
    with UnitOfWork(testbury) as uow:
        (released,) = [h for h in holds_of(uow.connection, 2) if h.released_on]
    assert (released.released_on, released.released_reason) == (
        date(2026, 5, 5),
        "arrangement broken",
    )


def test_a_hold_review_needs_a_later_date_and_a_note_and_an_open_hold(testbury: Engine) -> None:
    with UnitOfWork(testbury) as uow, pytest.raises(DomainError, match="no hold in force"):
        review_holds(
            uow.connection, 1, next_review=date(2026, 6, 1), note="x", today=date(2026, 5, 1)
        )
    hold(testbury)
    with UnitOfWork(testbury) as uow:
        with pytest.raises(DomainError, match="must be after today"):
            review_holds(
                uow.connection, 1, next_review=date(2026, 5, 1), note="x", today=date(2026, 5, 1)
            )
        with pytest.raises(DomainError, match="--note"):
            review_holds(
                uow.connection, 1, next_review=date(2026, 6, 1), note=" ", today=date(2026, 5, 1)
            )


def test_hold_commands_place_review_list_and_release(testbury: Engine, reclaim: Commands) -> None:
    out = reclaim.ok(
        "hold",
        "place",
        "CT-1",
        "--reason",
        "complaint to the ombudsman",
        "--review-by",
        "2026-04-20",
        "--kind",
        "dispute",
        "--today",
        "2026-04-02",
    )
    assert "Held CT-1 (dispute) from 2026-04-02 until released; review by 2026-04-20" in out
    assert "1 hold(s) of TESTBURY due for review by 2026-04-25" in reclaim.ok(
        "holds", "due", "--council", "TESTBURY", "--as-of", "2026-04-25"
    )
    (listed,) = json.loads(
        reclaim("holds", "due", "--council", "TESTBURY", "--as-of", "2026-04-25", "--json").stdout
    )
    assert (listed["account"], listed["kind"], listed["days_overdue"], listed["reason"]) == (
        "CT-1",
        "dispute",
        5,
        "complaint to the ombudsman",
    )
    out = reclaim.ok(
        "hold",
        "review",
        "CT-1",
        "--next-review",
        "2026-05-20",
        "--note",
        "still open",
        "--today",
        "2026-04-25",
    )
    assert "next review by 2026-05-20" in out
    assert "0 hold(s)" in reclaim.ok(
        "holds", "due", "--council", "TESTBURY", "--as-of", "2026-04-25"
    )
    out = reclaim.ok("hold", "release", "CT-1", "--reason", "upheld", "--today", "2026-04-26")
    assert "Released the dispute hold on CT-1 (placed 2026-04-02) on 2026-04-26: upheld" in out
    assert "no hold in force" in reclaim.refused("hold", "release", "CT-1", "--today", "2026-04-27")


def test_hold_commands_refuse_clearly_and_change_nothing(
    testbury: Engine, reclaim: Commands
) -> None:
    out = reclaim.refused("hold", "place", "CT-1", "--reason", "x", "--today", "2026-04-02")
    assert "a hold must have a review date (--review-by)" in out
    assert "Nothing was changed" in out
    out = reclaim.refused("hold", "place", "CT-9", "--reason", "x", "--review-by", "2026-05-01")
    assert "there is no account with the reference CT-9" in out
    out = reclaim.refused(
        "hold", "place", "CT-1", "--reason", "x", "--review-by", "2026-05-01", "--kind", "forever"
    )
    assert "--kind 'forever' is not one of: general, arrangement, dispute" in out
    out = reclaim.refused("hold", "place", "CT-1", "--reason", "x", "--review-by", "1 May")
    assert "--review-by '1 May' is not a date" in out
    assert count(testbury, t.holds) == 0
    out = reclaim.refused("holds", "due", "--council", "NOWHERE", "--as-of", "2026-04-25")
    assert "there is no council NOWHERE" in out


# ---- Breathing Space --------------------------------------------------------------------------


def breathing_space(engine: Engine, account: str, kind: BreathingSpaceKind, starts: date) -> Any:
    (first, *_) = party_refs(engine, account)
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        party = find_party(conn, first)
        space = start_breathing_space(conn, party, kind=kind, starts_on=starts, today=starts)
        uow.commit()
    return space


def end_space(engine: Engine, account: str, ended: date) -> Any:
    (first, *_) = party_refs(engine, account)
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        party = find_party(conn, first)
        space = end_breathing_space(conn, party, ended_on=ended, today=ended)
        uow.commit()
    return space


def test_a_standard_breathing_space_lasts_60_days_and_the_run_takes_no_step_meanwhile(
    testbury: Engine,
) -> None:
    run(testbury, REMINDER_DAY)  # a reminder was served: the year qualifies (reg 5(4)(k))
    space = breathing_space(testbury, "CT-1", BreathingSpaceKind.STANDARD, date(2026, 4, 10))
    assert space.ends_on == date(2026, 4, 10) + timedelta(days=59) == date(2026, 6, 8)
    for day in (BALANCE_DUE_DAY, SUMMONS_DAY, date(2026, 6, 8)):
        run(testbury, day)
    assert [e[1] for e in events(testbury, "CT-1")] == ["notice"]
    assert [e[1] for e in events(testbury, "CT-2")] == ["notice", "balance_due"]
    # After it, the reminder gets its 7 days again, then the balance falls due.
    run(testbury, date(2026, 7, 1))
    assert [e[1] for e in events(testbury, "CT-1")] == ["notice", "balance_due"]


def test_a_standard_breathing_space_ended_early_ends_that_day(testbury: Engine) -> None:
    breathing_space(testbury, "CT-1", BreathingSpaceKind.STANDARD, date(2026, 4, 10))
    assert end_space(testbury, "CT-1", date(2026, 4, 30)).ends_on == date(2026, 4, 30)
    with pytest.raises(DomainError, match="no Breathing Space running on 2026-05-01"):
        end_space(testbury, "CT-1", date(2026, 5, 1))


def test_a_mental_health_breathing_space_runs_until_ended_and_30_days_more(
    testbury: Engine,
) -> None:
    run(testbury, REMINDER_DAY)
    space = breathing_space(testbury, "CT-1", BreathingSpaceKind.MENTAL_HEALTH, date(2026, 4, 10))
    assert space.ends_on is None
    run(testbury, date(2026, 9, 1))  # months on, still protected
    assert [e[1] for e in events(testbury, "CT-1")] == ["notice"]
    ended = end_space(testbury, "CT-1", date(2026, 9, 1))
    assert ended.ends_on == date(2026, 10, 1)
    assert (
        "crisis treatment ended 2026-09-01: protected 30 days more, to 2026-10-01" in ended.reason
    )
    run(testbury, date(2026, 10, 1))
    assert [e[1] for e in events(testbury, "CT-1")] == ["notice"]
    run(testbury, date(2026, 10, 20))
    assert [e[1] for e in events(testbury, "CT-1")] == ["notice", "balance_due"]


@pytest.mark.parametrize(
    ("kind", "second_start"),
    [
        (BreathingSpaceKind.STANDARD, date(2026, 6, 8)),  # its last day
        (BreathingSpaceKind.MENTAL_HEALTH, date(2027, 1, 1)),  # open-ended
    ],
)
def test_a_second_overlapping_breathing_space_is_refused(
    testbury: Engine, kind: BreathingSpaceKind, second_start: date
) -> None:
    breathing_space(testbury, "CT-1", kind, date(2026, 4, 10))
    with pytest.raises(DomainError, match="already has a Breathing Space"):
        breathing_space(testbury, "CT-1", BreathingSpaceKind.STANDARD, second_start)
    (ben, _carla) = party_refs(testbury, "CT-1")
    with UnitOfWork(testbury) as uow:
        party = find_party(uow.connection, ben)
        assert len(breathing_spaces_of(uow.connection, party.id)) == 1


def test_a_breathing_space_after_the_last_one_ended_is_accepted(testbury: Engine) -> None:
    breathing_space(testbury, "CT-1", BreathingSpaceKind.STANDARD, date(2026, 4, 10))
    breathing_space(testbury, "CT-1", BreathingSpaceKind.STANDARD, date(2026, 6, 9))
    assert count(testbury, t.breathing_spaces) == 2


def test_breathing_space_commands(testbury: Engine, reclaim: Commands) -> None:
    ben, carla = party_refs(testbury, "CT-1")
    out = reclaim.ok("breathing-space", "start", ben, "--start", "2026-04-10")
    assert f"Breathing Space for {ben} from 2026-04-10 to 2026-06-08 (60 days)" in out
    out = reclaim.refused(
        "breathing-space", "start", ben, "--start", "2026-05-01", "--mental-health"
    )
    assert "already has a Breathing Space (standard, from 2026-04-10 to 2026-06-08)" in out
    out = reclaim.ok("breathing-space", "start", carla, "--start", "2026-04-10", "--mental-health")
    assert "until the crisis treatment ends, then 30 days more" in out
    out = reclaim.ok("breathing-space", "end", carla, "--date", "2026-05-01")
    assert "now ends on 2026-05-31" in out
    out = reclaim.refused("breathing-space", "start", "P99999999", "--start", "2026-04-10")
    assert "there is no customer with the reference P99999999" in out
    assert count(testbury, t.breathing_spaces) == 2


# ---- vulnerability ----------------------------------------------------------------------------


def vulnerable(engine: Engine, reference: str, on: date = date(2026, 4, 2)) -> list[Any]:
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        added = add_vulnerability(
            conn,
            people_named(conn, reference),
            category=VulnerabilityCategory.MENTAL_HEALTH,
            review_by=date(2026, 10, 1),
            reason="told us on the phone",
            today=on,
        )
        uow.commit()
    return added


def test_a_vulnerable_persons_account_is_listed_for_review_instead_of_a_summons(
    testbury: Engine,
) -> None:
    run(testbury, REMINDER_DAY)
    run(testbury, BALANCE_DUE_DAY)
    assert [v.party.name for v in vulnerable(testbury, "CT-1")] == ["Ben Smith", "Carla Smith"]
    assert due_from_dry_run(testbury, SUMMONS_DAY) == [("CT-1", "review"), ("CT-2", "summons")]
    run(testbury, SUMMONS_DAY)
    assert events(testbury, "CT-1")[-1] == (SUMMONS_DAY, "review", "summons")
    assert [e[1] for e in events(testbury, "CT-2")] == ["notice", "balance_due"]
    # Once the vulnerability ends, the timetable runs as for anyone else.
    with UnitOfWork(testbury) as uow:
        conn = uow.connection
        end_vulnerability(conn, people_named(conn, "CT-1"), ended_on=date(2026, 5, 1))
        uow.commit()
    assert due_from_dry_run(testbury, date(2026, 5, 1)) == [
        ("CT-1", "summons"),
        ("CT-2", "summons"),
    ]


def test_vulnerability_by_customer_reference_covers_only_that_person(testbury: Engine) -> None:
    _ben, carla = party_refs(testbury, "CT-1")
    (added,) = vulnerable(testbury, carla)
    assert (added.party.reference, added.category, added.review_by) == (
        carla,
        VulnerabilityCategory.MENTAL_HEALTH,
        date(2026, 10, 1),
    )
    with pytest.raises(DomainError, match=r"Carla Smith .* is already recorded as vulnerable"):
        vulnerable(testbury, "CT-1")
    assert count(testbury, t.vulnerabilities) == 1


def test_vulnerability_commands(testbury: Engine, reclaim: Commands) -> None:
    out = reclaim.ok(
        "vulnerability",
        "add",
        "CT-2",
        "--category",
        "bereavement",
        "--review-by",
        "2026-07-01",
        "--reason",
        "husband died in March",
        "--today",
        "2026-04-02",
    )
    assert "Recorded Dee Jones" in out and "as vulnerable: bereavement; review by 2026-07-01" in out
    out = reclaim.refused(
        "vulnerability", "add", "CT-2", "--category", "sad", "--review-by", "2026-07-01"
    )
    assert "--category 'sad' is not one of: mental_health" in out
    out = reclaim.refused(
        "vulnerability", "add", "CT-2", "--category", "elderly", "--today", "2026-04-02"
    )
    assert "a vulnerability must have a review date (--review-by)" in out
    out = reclaim.refused(
        "vulnerability", "add", "NOBODY", "--category", "elderly", "--review-by", "2026-07-01"
    )
    assert "no account or customer has the reference NOBODY" in out
    out = reclaim.ok("vulnerability", "end", "CT-2", "--date", "2026-06-01")
    assert "Ended Dee Jones's" in out and "(bereavement) on 2026-06-01" in out
    assert "nobody is recorded as vulnerable" in reclaim.refused(
        "vulnerability", "end", "CT-2", "--date", "2026-06-02"
    )
    assert count(testbury, t.vulnerabilities) == 1


# ---- death ------------------------------------------------------------------------------------


def test_no_step_is_taken_once_a_liable_person_has_died(testbury: Engine) -> None:
    (dee,) = party_refs(testbury, "CT-2")
    with UnitOfWork(testbury) as uow:
        conn = uow.connection
        person = record_death(
            conn, find_party(conn, dee), died_on=date(2026, 4, 3), today=date(2026, 4, 6)
        )
        uow.commit()
    assert person.died_on == date(2026, 4, 3)
    for day in (REMINDER_DAY, BALANCE_DUE_DAY, SUMMONS_DAY):
        run(testbury, day)
    assert events(testbury, "CT-2") == []
    assert [e[1] for e in events(testbury, "CT-1")] == ["notice", "balance_due"]
    assert due_from_dry_run(testbury, SUMMONS_DAY) == [("CT-1", "summons")]


def test_party_died_command(testbury: Engine, reclaim: Commands) -> None:
    (dee,) = party_refs(testbury, "CT-2")
    out = reclaim.refused("party", "died", dee, "--on", "2026-05-01", "--today", "2026-04-06")
    assert "the date of death 2026-05-01 is after today (2026-04-06)" in out
    out = reclaim.ok("party", "died", dee, "--on", "2026-04-03", "--today", "2026-04-06")
    assert f"Recorded that Dee Jones ({dee}) died on 2026-04-03" in out
    out = reclaim.refused("party", "died", dee, "--on", "2026-04-04", "--today", "2026-04-06")
    assert "already recorded as having died on 2026-04-03" in out
    assert "there is no customer with the reference CT-2" in reclaim.refused(
        "party", "died", "CT-2", "--on", "2026-04-03"
    )
    with UnitOfWork(testbury) as uow:
        assert find_party(uow.connection, dee).died_on == date(2026, 4, 3)
