"""The magistrates' court on both databases: summonses (costs posted, letters queued, the list
for the court), the hearing date rule, outcomes files (all or nothing), and a summons paid
before the hearing withdrawn by the next recovery run.

The story (see test_recovery_protections): band C council tax of £1,777.78 for 2026/27, billed
on 10 March 2026; nobody pays; reminders on 8 April, the balance due on 21 April, and a
summons due from Wednesday 22 April 2026. A summons posted that day is served two working
days later (Friday 24 April), so the earliest hearing is 14 days after: Friday 8 May 2026.
Summons costs are £70.00 and liability order costs £40.00 (the shipped England strategy).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from reclaim.domain.errors import DomainError, InputRefused
from reclaim.imports.court_outcomes import import_outcomes
from reclaim.imports.payments import import_payments
from reclaim.money import Money
from reclaim.services.checks import run_checks
from reclaim.services.court import SummonsRun, issue_summonses, open_summonses
from reclaim.store import tables as t
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import NOW, PAYMENT_HEADER, payment_line, write_csv
from tests.integration.test_recovery_protections import (
    BALANCE_DUE_DAY,
    REMINDER_DAY,
    SUMMONS_DAY,
    Commands,
    billed_council,
    count,
    events,
    run,
)

HEARING = date(2026, 5, 8)
CHARGE = Money.parse("1777.78")
SUMMONS_COSTS = Money.parse("70.00")
ORDER_COSTS = Money.parse("40.00")
OUTCOMES_HEADER = "account,outcome,date,new_hearing_date"


@pytest.fixture
def summons_due(engine: Engine, tmp_path: Path) -> Engine:
    """CT-1, CT-2, CT-3 and CT-4 each due a summons on 22 April."""
    billed_council(engine, tmp_path, ["CT-3", "CT-4"])
    run(engine, REMINDER_DAY)
    run(engine, BALANCE_DUE_DAY)
    return engine


@pytest.fixture
def summonsed(summons_due: Engine) -> Engine:
    """The same, summonsed on 22 April for a hearing on 8 May."""
    summon(summons_due)
    return summons_due


def summon(engine: Engine, as_of: date = SUMMONS_DAY, hearing: date = HEARING) -> SummonsRun:
    with UnitOfWork(engine) as uow:
        done = issue_summonses(uow.connection, "TESTBURY", as_of, hearing)
        uow.commit()
    return done


def postings(engine: Engine, reference: str, kind: str = "costs") -> list[tuple[int, int, str]]:
    """(pence, financial year, reason) of the account's postings of ``kind``."""
    with UnitOfWork(engine) as uow:
        rows = uow.connection.execute(
            select(t.postings.c.amount_pence, t.postings.c.financial_year, t.postings.c.reason)
            .join(t.accounts)
            .where(t.accounts.c.reference == reference, t.postings.c.kind == kind)
            .order_by(t.postings.c.id)
        ).all()
    return [tuple(r) for r in rows]


def letters(engine: Engine, reference: str) -> list[str]:
    with UnitOfWork(engine) as uow:
        return list(
            uow.connection.execute(
                select(t.documents.c.letter)
                .join(t.accounts)
                .where(t.accounts.c.reference == reference, t.documents.c.status == "queued")
                .order_by(t.documents.c.id)
            ).scalars()
        )


def last_event(engine: Engine, reference: str) -> Any:
    with UnitOfWork(engine) as uow:
        return (
            uow.connection.execute(
                select(t.recovery_events)
                .join(t.accounts)
                .where(t.accounts.c.reference == reference)
                .order_by(t.recovery_events.c.id.desc())
                .limit(1)
            )
            .one()
            ._mapping
        )


def balance(engine: Engine, reference: str) -> Money:
    with UnitOfWork(engine) as uow:
        return Money(
            uow.connection.execute(
                select(t.account_balances.c.balance_pence)
                .join(t.accounts)
                .where(t.accounts.c.reference == reference)
            ).scalar_one()
        )


def written(engine: Engine) -> tuple[int, int, int]:
    """How many events, postings and documents there are."""
    return (
        count(engine, t.recovery_events),
        count(engine, t.postings),
        count(engine, t.documents),
    )


def no_breaches(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        assert [b for r in run_checks(uow.connection) for b in r.breaches] == []


def outcomes(engine: Engine, path: Path, today: date = date(2026, 5, 8)) -> Any:
    with UnitOfWork(engine) as uow:
        recorded = import_outcomes(uow.connection, path, today=today)
        uow.commit()
    return recorded


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# ---- summonses --------------------------------------------------------------------------------


def test_a_summons_records_the_step_posts_the_costs_and_queues_the_letter(
    summons_due: Engine,
) -> None:
    done = summon(summons_due)
    assert [(s.reference, s.amount, s.costs) for s in done.issued] == [
        (ref, CHARGE, SUMMONS_COSTS) for ref in ("CT-1", "CT-2", "CT-3", "CT-4")
    ]
    assert done.earliest_hearing == HEARING
    event = last_event(summons_due, "CT-1")
    assert (event["action"], event["stage"], event["amount_pence"], event["costs_pence"]) == (
        "summons",
        "summons",
        CHARGE.pence,
        SUMMONS_COSTS.pence,
    )
    assert (_day(event["event_date"]), _day(event["hearing_on"])) == (SUMMONS_DAY, HEARING)
    assert "The hearing is on 8 May 2026." in event["reason"]
    assert postings(summons_due, "CT-1") == [
        (
            7000,
            2026,
            "summons costs for 2026/27: complaint to the magistrates' court, hearing 2026-05-08",
        )
    ]
    assert balance(summons_due, "CT-1") == CHARGE + SUMMONS_COSTS
    assert letters(summons_due, "CT-1") == ["council-tax-reminder", "council-tax-summons"]
    no_breaches(summons_due)


def test_the_court_list_names_each_account_with_its_amount_and_costs(
    summons_due: Engine, tmp_path: Path
) -> None:
    summon(summons_due).write_csv(tmp_path / "list.csv")
    with (tmp_path / "list.csv").open(encoding="utf-8") as listed:
        rows = list(csv.DictReader(listed))
    assert rows[0] == {
        "account": "CT-1",
        "name": "Ben Smith and Carla Smith",
        "address": "1 Test Street, TE1 1ST",
        "amount": "£1,777.78",
        "costs": "£70.00",
        "year": "2026/27",
        "hearing_date": "2026-05-08",
    }
    assert [r["account"] for r in rows] == ["CT-1", "CT-2", "CT-3", "CT-4"]


def test_a_second_summons_run_issues_nothing_new(summonsed: Engine) -> None:
    before = written(summonsed)
    assert summon(summonsed, as_of=date(2026, 4, 23), hearing=date(2026, 5, 11)).issued == []
    assert written(summonsed) == before


@pytest.mark.parametrize(
    ("as_of", "hearing", "earliest"),
    [
        (SUMMONS_DAY, date(2026, 5, 7), "2026-05-08"),  # Wed: served Fri, + 14 days
        (date(2026, 4, 24), date(2026, 5, 11), "2026-05-12"),  # Fri: served Tue
        (date(2026, 5, 1), date(2026, 5, 18), "2026-05-20"),  # Fri before the May bank holiday
    ],
)
def test_a_hearing_date_too_soon_is_refused_and_nothing_is_written(
    summons_due: Engine, as_of: date, hearing: date, earliest: str
) -> None:
    before = written(summons_due)
    with pytest.raises(DomainError, match=f"the earliest hearing date is {earliest}"):
        summon(summons_due, as_of=as_of, hearing=hearing)
    assert written(summons_due) == before


@pytest.mark.parametrize(
    ("hearing", "refusal"),
    [
        (date(2026, 5, 9), "the hearing date 2026-05-09 is a Saturday"),
        (date(2026, 5, 25), "the hearing date 2026-05-25 is a Monday bank holiday"),
    ],
)
def test_a_hearing_on_a_day_the_court_does_not_sit_is_refused(
    summons_due: Engine, hearing: date, refusal: str
) -> None:
    before = written(summons_due)
    with pytest.raises(DomainError, match=refusal):
        summon(summons_due, hearing=hearing)
    assert written(summons_due) == before


def test_summons_command_writes_the_list_and_refuses_a_hearing_too_soon(
    summons_due: Engine, database_url: str, tmp_path: Path
) -> None:
    reclaim = Commands(database_url)
    court_list = tmp_path / "court-list.csv"
    before = written(summons_due)
    out = reclaim.refused(
        "court", "summons", "--council", "TESTBURY", "--as-of", "2026-04-22",
        "--hearing-date", "2026-05-07", "--out", court_list,
    )  # fmt: skip
    assert "the hearing date 2026-05-07 is too soon" in out
    assert "served 2 working days later (2026-04-24)" in out
    assert "the earliest hearing date is 2026-05-08. Nothing was changed." in out
    assert written(summons_due) == before
    assert list(tmp_path.glob("*court-list*")) == []
    out = reclaim.ok(
        "court", "summons", "--council", "TESTBURY", "--as-of", "2026-04-22",
        "--hearing-date", "2026-05-08", "--out", court_list,
    )  # fmt: skip
    assert "Issued 4 summons(es) for TESTBURY on 2026-04-22, hearing 2026-05-08" in out
    assert "£7,111.12 summonsed, £280.00 costs posted" in out
    assert [r[0] for r in csv.reader(court_list.open(encoding="utf-8"))] == [
        "account",
        "CT-1",
        "CT-2",
        "CT-3",
        "CT-4",
    ]
    assert list(tmp_path.glob("*.part")) == []
    data = json.loads(
        reclaim(
            "court", "summons", "--council", "TESTBURY", "--as-of", "2026-04-23",
            "--hearing-date", "2026-05-11", "--json",
        ).stdout
    )  # fmt: skip
    assert (data["summonses"], data["earliest_hearing_date"]) == ([], "2026-05-11")


# ---- outcomes ---------------------------------------------------------------------------------


def test_a_liability_order_granted_adds_its_costs(summonsed: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "outcomes.csv", OUTCOMES_HEADER, ["CT-1,granted,2026-05-08,"])
    recorded = outcomes(summonsed, path)
    assert recorded.lines == ["CT-1: liability order granted for 2026/27, costs £40.00"]
    event = last_event(summonsed, "CT-1")
    assert (event["action"], event["stage"], event["amount_pence"], event["costs_pence"]) == (
        "liability_order",
        "liability_order",
        (CHARGE + SUMMONS_COSTS).pence,
        ORDER_COSTS.pence,
    )
    assert [p[0] for p in postings(summonsed, "CT-1")] == [7000, 4000]
    assert balance(summonsed, "CT-1") == CHARGE + SUMMONS_COSTS + ORDER_COSTS
    assert letters(summonsed, "CT-1")[-1] == "council-tax-liability-order-notice"
    with UnitOfWork(summonsed) as uow:
        assert 1 not in open_summonses(uow.connection, [1])
    no_breaches(summonsed)


def test_withdrawn_and_adjourned_hearings(summonsed: Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "outcomes.csv",
        OUTCOMES_HEADER,
        ["CT-2,withdrawn,2026-05-08,", "CT-3,Adjourned,08/05/2026,2026-05-22"],
    )
    recorded = outcomes(summonsed, path)
    assert recorded.costs == Money(0)
    assert recorded.lines == [
        "CT-2: summons for 2026/27 withdrawn",
        "CT-3: hearing for 2026/27 adjourned to 2026-05-22",
    ]
    assert events(summonsed, "CT-2")[-1] == (HEARING, "withdrawn", "summons")
    adjourned = last_event(summonsed, "CT-3")
    assert (adjourned["action"], _day(adjourned["hearing_on"])) == ("adjourned", date(2026, 5, 22))
    with UnitOfWork(summonsed) as uow:
        awaiting = open_summonses(uow.connection, [2, 3])
    assert list(awaiting) == [3]
    assert awaiting[3][0].hearing_on == date(2026, 5, 22)
    # The same file again records nothing twice.
    before = written(summonsed)
    with pytest.raises(InputRefused) as again:
        outcomes(summonsed, path)
    assert [(p.line, p.field) for p in again.value.problems] == [
        (2, "account"),
        (3, "new_hearing_date"),
    ]
    assert written(summonsed) == before
    # At the adjourned hearing the order may be granted; not before it.
    early = write_csv(tmp_path / "early.csv", OUTCOMES_HEADER, ["CT-3,granted,2026-05-15,"])
    with pytest.raises(InputRefused) as refused:
        outcomes(summonsed, early, today=date(2026, 5, 22))
    assert "the hearing is on 2026-05-22" in str(refused.value.problems[0])
    later = write_csv(tmp_path / "later.csv", OUTCOMES_HEADER, ["CT-3,granted,2026-05-22,"])
    assert outcomes(summonsed, later, today=date(2026, 5, 22)).costs == ORDER_COSTS


def test_a_bad_outcomes_row_refuses_the_whole_file_naming_line_and_field(
    summonsed: Engine, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "outcomes.csv",
        OUTCOMES_HEADER,
        [
            "CT-1,granted,2026-05-08,",  # line 2: good
            "CT-9,granted,2026-05-08,",  # line 3: no such account
            "CT-2,struck out,2026-05-08,",  # line 4: not an outcome
            "CT-3,adjourned,2026-05-08,",  # line 5: no new hearing date
            "CT-4,granted,2026-05-09,",  # line 6: after today
            "CT-1,withdrawn,2026-05-08,",  # line 7: CT-1 again
        ],
    )
    before = written(summonsed)
    with pytest.raises(InputRefused) as refused:
        outcomes(summonsed, path)
    assert [(p.file, p.line, p.field) for p in refused.value.problems] == [
        ("outcomes.csv", 3, "account"),
        ("outcomes.csv", 4, "outcome"),
        ("outcomes.csv", 5, "new_hearing_date"),
        ("outcomes.csv", 6, "date"),
        ("outcomes.csv", 7, "account"),
    ]
    assert [p.message for p in refused.value.problems] == [
        "there is no account CT-9",
        "'struck out' is not an outcome; use one of: granted, withdrawn, adjourned",
        "an adjourned hearing needs its new hearing date",
        "2026-05-09 is in the future; an outcome cannot be dated after 2026-05-08",
        "CT-1 appears again (first on line 2)",
    ]
    assert written(summonsed) == before


def test_an_account_with_no_summons_outstanding_is_a_bad_row(
    summonsed: Engine, tmp_path: Path
) -> None:
    once = write_csv(tmp_path / "once.csv", OUTCOMES_HEADER, ["CT-2,withdrawn,2026-05-08,"])
    outcomes(summonsed, once)
    before = written(summonsed)
    again = write_csv(tmp_path / "again.csv", OUTCOMES_HEADER, ["CT-2,granted,2026-05-08,"])
    with pytest.raises(InputRefused) as refused:
        outcomes(summonsed, again)
    (problem,) = refused.value.problems
    assert (problem.line, problem.field, problem.message) == (
        2,
        "account",
        "CT-2 has no summons awaiting a hearing",
    )
    assert written(summonsed) == before


def test_outcomes_command_lists_every_problem_and_changes_nothing(
    summonsed: Engine, database_url: str, tmp_path: Path
) -> None:
    reclaim = Commands(database_url)
    bad = write_csv(
        tmp_path / "bad.csv", OUTCOMES_HEADER, ["CT-1,granted,2026-05-08,", "CT-2,granted,8 May,"]
    )
    before = written(summonsed)
    out = reclaim.refused("court", "outcomes", bad, "--today", "2026-05-08")
    assert "Nothing was changed" in out
    assert "bad.csv" in out and "date" in out and "is not a date" in out
    assert written(summonsed) == before
    good = write_csv(
        tmp_path / "good.csv",
        OUTCOMES_HEADER,
        ["CT-1,granted,2026-05-08,", "CT-2,withdrawn,2026-05-08,"],
    )
    out = reclaim.ok("court", "outcomes", good, "--today", "2026-05-08")
    assert "1 granted, 1 withdrawn, 0 adjourned; £40.00 liability order costs posted" in out


# ---- paid before the hearing ------------------------------------------------------------------


def pay(engine: Engine, tmp_path: Path, reference: str, amount: str, day: str) -> None:
    path = write_csv(
        tmp_path / f"pay-{reference}-{amount}.csv",
        PAYMENT_HEADER,
        [payment_line(reference, amount, day=day, external_id=f"TX-{reference}-{amount}")],
    )
    with UnitOfWork(engine) as uow:
        import_payments(uow.connection, path, today=date.fromisoformat(day), now=NOW)
        uow.commit()


def test_a_summons_paid_with_its_costs_before_the_hearing_is_withdrawn_by_the_next_run(
    summonsed: Engine, tmp_path: Path
) -> None:
    pay(summonsed, tmp_path, "CT-1", "1847.78", "2026-05-01")  # the sum and the £70.00 costs
    pay(summonsed, tmp_path, "CT-2", "1777.78", "2026-05-01")  # the sum without the costs
    run(summonsed, date(2026, 5, 2))
    assert events(summonsed, "CT-1")[-1] == (date(2026, 5, 2), "withdrawn", "summons")
    assert events(summonsed, "CT-2")[-1][1] == "summons"
    assert balance(summonsed, "CT-1") == Money(0)
    path = write_csv(tmp_path / "outcomes.csv", OUTCOMES_HEADER, ["CT-1,granted,2026-05-08,"])
    with pytest.raises(InputRefused, match="no outcome was recorded") as refused:
        outcomes(summonsed, path)
    assert refused.value.problems[0].message == "CT-1 has no summons awaiting a hearing"
    no_breaches(summonsed)


def test_an_order_is_not_granted_for_a_sum_paid_before_the_hearing(
    summonsed: Engine, tmp_path: Path
) -> None:
    pay(summonsed, tmp_path, "CT-1", "1847.78", "2026-05-01")  # no recovery run since
    path = write_csv(tmp_path / "outcomes.csv", OUTCOMES_HEADER, ["CT-1,granted,2026-05-08,"])
    with pytest.raises(InputRefused) as refused:
        outcomes(summonsed, path)
    (problem,) = refused.value.problems
    assert (problem.line, problem.field) == (2, "outcome")
    assert "paid the sum and costs for 2026/27 by 2026-05-08" in problem.message


def test_a_vulnerable_persons_account_gets_no_summons(
    summons_due: Engine, database_url: str
) -> None:
    reclaim = Commands(database_url)
    reclaim.ok(
        "vulnerability", "add", "CT-4", "--category", "serious_illness", "--review-by",
        "2026-09-01", "--today", "2026-04-22",
    )  # fmt: skip
    done = summon(summons_due)
    assert [s.reference for s in done.issued] == ["CT-1", "CT-2", "CT-3"]
    assert postings(summons_due, "CT-4") == []
