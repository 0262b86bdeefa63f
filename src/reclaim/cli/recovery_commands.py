"""``reclaim hold …``, ``holds due``, ``breathing-space …``, ``vulnerability …``, ``party died``
and ``court …``: what stops or pauses recovery, and the magistrates' court.

Each command parses its options, opens a unit of work, calls one service function and prints
the result. A refused command (an unknown reference, a hold with no review date, a hearing
date too soon, a bad line in an outcomes file) prints why, exits 1 and changes nothing.

The helpers of ``reclaim.cli.main`` are imported inside the commands, so that ``main`` can
import this module to register its apps without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.table import Table
from sqlalchemy import Connection

from reclaim.cli.output import console, print_json
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)

hold_app = typer.Typer(
    help="Holds: stop every recovery step on an account until reviewed or released.",
    no_args_is_help=True,
)
holds_app = typer.Typer(help="Lists of holds.", no_args_is_help=True)
breathing_space_app = typer.Typer(
    help="Breathing Space (Debt Respite Scheme, SI 2020/1311) for a customer.",
    no_args_is_help=True,
)
vulnerability_app = typer.Typer(
    help="Record or end a customer's vulnerability (no court step without review).",
    no_args_is_help=True,
)
party_app = typer.Typer(help="Customers (liable people and organisations).", no_args_is_help=True)
court_app = typer.Typer(
    help="The magistrates' court: summonses, the court list, outcomes.", no_args_is_help=True
)

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")

CouncilOption = Annotated[str | None, typer.Option(help="The council, where references repeat.")]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="The business date to act as of (default: today in London)."),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for programs instead of tables.")
]


def _fail(message: str) -> NoReturn:
    from reclaim.cli.main import fail

    fail(message)


def _today(option: str | None) -> date:
    from reclaim.cli.main import today_from

    return today_from(option)


def _date(value: str | None, option: str) -> date | None:
    from reclaim.cli.main import _date_option

    return None if value is None else _date_option(value, option)


def _required_date(value: str, option: str) -> date:
    from reclaim.cli.main import _date_option

    return _date_option(value, option)


def _choice(kind: type[_E], value: str, option: str) -> _E:
    try:
        return kind(value.strip().lower())
    except ValueError:
        _fail(f"{option} '{value}' is not one of: {', '.join(kind)}")


def _optional_choice(kind: type[_E], value: str | None, option: str) -> _E | None:
    return None if value is None else _choice(kind, value, option)


def _in_unit_of_work(work: Callable[[Connection], _T]) -> _T:
    """Run ``work(connection)`` in a unit of work and commit; a refusal changes nothing."""
    from reclaim.cli.main import unit_of_work

    with unit_of_work() as uow:
        result = work(uow.connection)
        uow.commit()
    return result


# Holds ------------------------------------------------------------------------------------


@hold_app.command("place")
def hold_place(
    reference: Annotated[str, typer.Argument(help="The account reference.")],
    reason: Annotated[str, typer.Option(help="Why the account is held.")],
    review_by: Annotated[
        str | None,
        typer.Option("--review-by", help="The day by which an officer reviews it (required)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="The last day of the hold, if known (else until released).")
    ] = None,
    kind: Annotated[
        str, typer.Option(help="general, arrangement (an agreed arrangement) or dispute.")
    ] = HoldKind.GENERAL.value,
    council: CouncilOption = None,
    today: TodayOption = None,
) -> None:
    """Hold an account: no recovery step is taken while the hold lasts."""
    from reclaim.services.protections import Hold, find_account, place_hold

    day = _today(today)
    hold_kind = _choice(HoldKind, kind, "--kind")
    review = _date(review_by, "--review-by")
    last = _date(until, "--until")

    def work(conn: Connection) -> Hold:
        account_id = find_account(conn, reference, council)
        return place_hold(
            conn,
            account_id,
            kind=hold_kind,
            reason=reason,
            review_by=review,
            until=last,
            today=day,
        )

    hold = _in_unit_of_work(work)
    ends = f" to {hold.until}" if hold.until else " until released"
    console.print(
        f"[green]Held {reference}[/green] ({hold.kind.value}) from {hold.placed_on}{ends}; "
        f"review by {hold.review_by}. No recovery step is taken while it lasts."
    )


@hold_app.command("release")
def hold_release(
    reference: Annotated[str, typer.Argument(help="The account reference.")],
    reason: Annotated[str, typer.Option(help="Why the hold ends.")] = "",
    kind: Annotated[str | None, typer.Option(help="Release only the hold of this kind.")] = None,
    council: CouncilOption = None,
    today: TodayOption = None,
) -> None:
    """Release an account's hold: recovery resumes from today."""
    from reclaim.services.protections import find_account, release_holds

    day = _today(today)
    hold_kind = _optional_choice(HoldKind, kind, "--kind")
    released = _in_unit_of_work(
        lambda conn: release_holds(
            conn, find_account(conn, reference, council), reason=reason, today=day, kind=hold_kind
        )
    )
    for hold in released:
        console.print(
            f"[green]Released[/green] the {hold.kind.value} hold on {reference} (placed "
            f"{hold.placed_on}) on {hold.released_on}: {hold.released_reason}"
        )


@hold_app.command("review")
def hold_review(
    reference: Annotated[str, typer.Argument(help="The account reference.")],
    next_review: Annotated[str, typer.Option("--next-review", help="The day of the next review.")],
    note: Annotated[str, typer.Option(help="What the review found, and why the hold stays.")],
    kind: Annotated[str | None, typer.Option(help="Review only the hold of this kind.")] = None,
    council: CouncilOption = None,
    today: TodayOption = None,
) -> None:
    """Record a review of an account's hold: it stays, with a new review date."""
    from reclaim.services.protections import find_account, review_holds

    day = _today(today)
    hold_kind = _optional_choice(HoldKind, kind, "--kind")
    following = _required_date(next_review, "--next-review")
    reviewed = _in_unit_of_work(
        lambda conn: review_holds(
            conn,
            find_account(conn, reference, council),
            next_review=following,
            note=note,
            today=day,
            kind=hold_kind,
        )
    )
    for hold in reviewed:
        console.print(
            f"[green]Reviewed[/green] the {hold.kind.value} hold on {reference} on "
            f"{hold.reviewed_on}; next review by {hold.review_by}."
        )


@holds_app.command("due")
def holds_due_command(
    council: Annotated[str, typer.Option(help="The council's code.")],
    as_of: Annotated[str, typer.Option("--as-of", help="List holds due for review by then.")],
    as_json: JsonOption = False,
) -> None:
    """List holds whose review date has come, most overdue first."""
    from reclaim.cli.main import unit_of_work
    from reclaim.services.protections import holds_due

    day = _required_date(as_of, "--as-of")
    with unit_of_work() as uow:
        due = holds_due(uow.connection, council, day)
    if as_json:
        print_json(
            [
                {
                    "account": d.reference,
                    "name": d.name,
                    "kind": d.hold.kind.value,
                    "placed_on": d.hold.placed_on.isoformat(),
                    "review_by": d.hold.review_by.isoformat(),
                    "until": None if d.hold.until is None else d.hold.until.isoformat(),
                    "reviewed_on": None
                    if d.hold.reviewed_on is None
                    else d.hold.reviewed_on.isoformat(),
                    "days_overdue": d.days_overdue,
                    "reason": d.hold.reason,
                }
                for d in due
            ]
        )
        return
    table = Table(title=f"{len(due)} hold(s) of {council} due for review by {day.isoformat()}")
    for column in ("account", "name", "kind", "placed", "review by", "overdue", "reason"):
        table.add_column(column, justify="right" if column == "overdue" else "left")
    for d in due:
        table.add_row(
            d.reference,
            d.name,
            d.hold.kind.value,
            d.hold.placed_on.isoformat(),
            d.hold.review_by.isoformat(),
            f"{d.days_overdue} days",
            d.hold.reason.splitlines()[-1],
        )
    console.print(table)


# Breathing Space --------------------------------------------------------------------------


@breathing_space_app.command("start")
def breathing_space_start(
    party: Annotated[str, typer.Argument(help="The customer reference (e.g. P00000012).")],
    start: Annotated[str, typer.Option(help="The day the moratorium starts.")],
    mental_health: Annotated[
        bool,
        typer.Option(
            "--mental-health", help="A mental health crisis moratorium (until ended, plus 30 days)."
        ),
    ] = False,
    reason: Annotated[str, typer.Option(help="Anything to keep with it (a reference).")] = "",
    council: CouncilOption = None,
    today: TodayOption = None,
) -> None:
    """Record a Breathing Space: no step and no costs on qualifying debts while it lasts."""
    from reclaim.services.protections import find_party, start_breathing_space

    day = _today(today)
    starts = _required_date(start, "--start")
    kind = BreathingSpaceKind.MENTAL_HEALTH if mental_health else BreathingSpaceKind.STANDARD
    space = _in_unit_of_work(
        lambda conn: start_breathing_space(
            conn,
            find_party(conn, party, council),
            kind=kind,
            starts_on=starts,
            today=day,
            reason=reason,
        )
    )
    ends = (
        f"to {space.ends_on} (60 days) unless ended early"
        if space.ends_on
        else "until the crisis treatment ends, then 30 days more"
    )
    console.print(f"[green]Breathing Space for {party}[/green] from {space.starts_on} {ends}.")


@breathing_space_app.command("end")
def breathing_space_end_command(
    party: Annotated[str, typer.Argument(help="The customer reference.")],
    on: Annotated[
        str,
        typer.Option(
            "--date", help="The day it ends (the crisis treatment's end, for mental health)."
        ),
    ],
    council: CouncilOption = None,
    today: TodayOption = None,
) -> None:
    """Record the end of a customer's Breathing Space."""
    from reclaim.services.protections import end_breathing_space, find_party

    day = _today(today)
    ended = _required_date(on, "--date")
    space = _in_unit_of_work(
        lambda conn: end_breathing_space(
            conn, find_party(conn, party, council), ended_on=ended, today=day
        )
    )
    console.print(
        f"[green]Breathing Space for {party}[/green] ({space.kind.value}, from "
        f"{space.starts_on}) now ends on {space.ends_on}: recovery may resume the day after."
    )


# Vulnerability ----------------------------------------------------------------------------


@vulnerability_app.command("add")
def vulnerability_add(
    reference: Annotated[
        str, typer.Argument(help="An account reference (all its customers) or a customer's.")
    ],
    category: Annotated[str, typer.Option(help="One of: " + ", ".join(VulnerabilityCategory))],
    review_by: Annotated[
        str | None, typer.Option("--review-by", help="The day to look at it again (required).")
    ] = None,
    reason: Annotated[str, typer.Option(help="What is known, briefly.")] = "",
    council: CouncilOption = None,
    today: TodayOption = None,
) -> None:
    """Record a customer as vulnerable: court and enforcement steps wait for a review."""
    from reclaim.services.protections import add_vulnerability, people_named

    day = _today(today)
    which = _choice(VulnerabilityCategory, category, "--category")
    review = _date(review_by, "--review-by")
    added = _in_unit_of_work(
        lambda conn: add_vulnerability(
            conn,
            people_named(conn, reference, council),
            category=which,
            review_by=review,
            reason=reason,
            today=day,
        )
    )
    for v in added:
        console.print(
            f"[green]Recorded[/green] {v.party.name} ({v.party.reference}) as vulnerable: "
            f"{v.category.label}; review by {v.review_by}."
        )


@vulnerability_app.command("end")
def vulnerability_end(
    reference: Annotated[str, typer.Argument(help="An account reference or a customer's.")],
    on: Annotated[str, typer.Option("--date", help="The day it no longer applies.")],
    category: Annotated[str | None, typer.Option(help="End only this category.")] = None,
    council: CouncilOption = None,
) -> None:
    """End a customer's vulnerability record: the timetable runs as for anyone else."""
    from reclaim.services.protections import end_vulnerability, people_named

    which = _optional_choice(VulnerabilityCategory, category, "--category")
    ended = _required_date(on, "--date")
    records = _in_unit_of_work(
        lambda conn: end_vulnerability(
            conn, people_named(conn, reference, council), ended_on=ended, category=which
        )
    )
    for v in records:
        console.print(
            f"[green]Ended[/green] {v.party.name}'s ({v.party.reference}) vulnerability "
            f"({v.category.label}) on {v.ended_on}."
        )


# Death ------------------------------------------------------------------------------------


@party_app.command("died")
def party_died(
    party: Annotated[str, typer.Argument(help="The customer reference.")],
    on: Annotated[str, typer.Option(help="The day the person died.")],
    council: CouncilOption = None,
    today: TodayOption = None,
) -> None:
    """Record that a person has died: no further recovery step on their accounts."""
    from reclaim.services.protections import find_party, record_death

    day = _today(today)
    died = _required_date(on, "--on")
    person = _in_unit_of_work(
        lambda conn: record_death(conn, find_party(conn, party, council), died_on=died, today=day)
    )
    console.print(
        f"[green]Recorded[/green] that {person.name} ({person.reference}) died on "
        f"{person.died_on}: no further recovery step will be taken on their accounts."
    )


# Court ------------------------------------------------------------------------------------


@court_app.command("summons")
def court_summons(
    council: Annotated[str, typer.Option(help="The council's code.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The day the summonses are issued.")],
    hearing_date: Annotated[
        str, typer.Option("--hearing-date", help="The day of the hearing at the court.")
    ],
    out: Annotated[
        Path | None, typer.Option(help="Write the list for the magistrates' court (CSV) here.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Issue a summons to every account due one, post the costs and list them for the court."""
    from reclaim.cli.main import unit_of_work
    from reclaim.services.court import issue_summonses

    day = _required_date(as_of, "--as-of")
    hearing = _required_date(hearing_date, "--hearing-date")
    part = None if out is None else out.with_name(f".{out.name}.part")
    try:
        with unit_of_work() as uow:
            run = issue_summonses(uow.connection, council, day, hearing)
            if part is not None:
                try:
                    run.write_csv(part)
                except OSError as error:
                    _fail(f"cannot write {out}: {error.strerror}. Nothing was changed.")
            uow.commit()
        if part is not None and out is not None:
            part.replace(out)
    finally:
        if part is not None:
            part.unlink(missing_ok=True)
    if as_json:
        print_json(
            {
                "council": council,
                "as_of": day.isoformat(),
                "hearing_date": hearing.isoformat(),
                "earliest_hearing_date": run.earliest_hearing.isoformat(),
                "summonses": [
                    {
                        "account": s.reference,
                        "year": str(s.year),
                        "name": s.name,
                        "address": s.address,
                        "amount": s.amount.to_json(),
                        "costs": s.costs.to_json(),
                    }
                    for s in run.issued
                ],
                "waiting": [{"account": s.reference, "year": str(s.year)} for s in run.waiting],
                "list": None if out is None else str(out),
            }
        )
        return
    if not run.issued:
        console.print(f"No account of {council} is due a summons on {day.isoformat()}.")
    else:
        console.print(
            f"[green]Issued {len(run.issued):,} summons(es)[/green] for {council} on "
            f"{day.isoformat()}, hearing {hearing.isoformat()}: {run.amount} summonsed, "
            f"{run.costs} costs posted; letters queued."
        )
        table = Table(title="For the magistrates' court")
        for column in ("account", "year", "name", "address", "amount", "costs"):
            table.add_column(column, justify="right" if column in ("amount", "costs") else "left")
        for s in run.issued:
            table.add_row(
                s.reference,
                str(s.year),
                s.name,
                s.address,
                s.amount.format(),
                s.costs.format(),
            )
        console.print(table)
    if run.waiting:
        console.print(
            f"[yellow]{len(run.waiting)} summons(es) wait for the recovery run to record "
            "an earlier step first:[/yellow] "
            + ", ".join(f"{s.reference} {s.year}" for s in run.waiting)
        )
    if out is not None:
        console.print(f"The court list: {out}")


@court_app.command("outcomes")
def court_outcomes(
    file: Annotated[Path, typer.Argument(help="The outcomes (CSV: account, outcome, date …).")],
    council: CouncilOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record what the court decided: liability orders granted, withdrawn, adjourned."""
    from reclaim.domain.recovery.court import HearingOutcome
    from reclaim.imports.court_outcomes import import_outcomes

    day = _today(today)
    recorded = _in_unit_of_work(
        lambda conn: import_outcomes(conn, file, today=day, council_code=council)
    )
    if as_json:
        print_json(
            {
                "file": file.name,
                "granted": recorded.counts[HearingOutcome.GRANTED],
                "withdrawn": recorded.counts[HearingOutcome.WITHDRAWN],
                "adjourned": recorded.counts[HearingOutcome.ADJOURNED],
                "costs": recorded.costs.to_json(),
                "recorded": recorded.lines,
            }
        )
        return
    counts = ", ".join(f"{recorded.counts[o]} {o.value}" for o in HearingOutcome)
    console.print(
        f"[green]Recorded the outcomes in {file.name}[/green]: {counts}; "
        f"{recorded.costs} liability order costs posted."
    )
    for line in recorded.lines:
        console.print(f"  {line}")
