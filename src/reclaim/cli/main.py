"""``reclaim``: the command line. Each command parses its options, opens a unit of work, calls
one service function and prints the result; the rules live in the domain and services.

Exit codes: 0 done; 1 refused (bad input, a rule, a breach found by check); 2 usage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from reclaim.calendar import Country, business_date
from reclaim.cli.demo_command import demo as demo_command
from reclaim.cli.output import (
    console,
    errors,
    print_checks,
    print_json,
    print_problems,
    print_statement,
    print_suspense,
    statement_json,
)
from reclaim.domain.councils import YearOrder
from reclaim.domain.errors import DomainError, InputRefused
from reclaim.domain.liability import CircumstanceKind
from reclaim.store.database import database_url, describe, is_up_to_date, make_engine, migrate
from reclaim.store.unit_of_work import UnitOfWork

app = typer.Typer(
    help="Reclaim: billing, collection and recovery for UK councils.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
council_app = typer.Typer(
    help="Councils and their payment allocation policy.", no_args_is_help=True
)
import_app = typer.Typer(
    help="Import accounts or payments from CSV files (all or nothing).", no_args_is_help=True
)
account_app = typer.Typer(help="Look at accounts.", no_args_is_help=True)
suspense_app = typer.Typer(help="Payments whose reference matched nothing.", no_args_is_help=True)
payment_app = typer.Typer(help="Work on single payments.", no_args_is_help=True)
calc_app = typer.Typer(help="Calculators for officers and for checks.", no_args_is_help=True)
app.add_typer(council_app, name="council")
app.add_typer(import_app, name="import")
app.add_typer(account_app, name="account")
app.add_typer(suspense_app, name="suspense")
app.add_typer(payment_app, name="payment")
app.add_typer(calc_app, name="calc")

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for programs instead of tables.")
]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="The business date to act as of (default: today in London)."),
]


def now_utc() -> datetime:
    """The one place the command line reads the clock; everything below is given the time."""
    return datetime.now(UTC)


def today_from(option: str | None) -> date:
    if option is None:
        return business_date(now_utc())
    try:
        return date.fromisoformat(option)
    except ValueError:
        fail(f"--today '{option}' is not a date: write it as 2026-04-01")


def fail(message: str, code: int = 1) -> NoReturn:
    errors.print(f"[bold red]Error:[/bold red] {message}")
    raise typer.Exit(code)


def engine_for_use() -> Engine:
    url = database_url()
    engine = make_engine(url)
    try:
        if not is_up_to_date(engine):
            fail(
                f"the database {describe(url)} is not set up or is out of date: run 'reclaim init' first"
            )
    except OperationalError as error:
        fail(f"cannot open the database {describe(url)}: {error.orig}")
    return engine


@contextmanager
def unit_of_work() -> Iterator[UnitOfWork]:
    """A unit of work on the configured database, turning refusals into plain messages."""
    engine = engine_for_use()
    try:
        with UnitOfWork(engine) as uow:
            yield uow
    except InputRefused as refused:
        print_problems(refused.problems, "Nothing was changed. Please correct these and try again:")
        raise typer.Exit(1) from None
    except DomainError as error:
        fail(f"{error}. Nothing was changed.")
    finally:
        engine.dispose()


@app.command()
def init() -> None:
    """Create the database named by RECLAIM_DATABASE_URL (default reclaim.db), or bring it up to date."""
    url = database_url()
    engine = make_engine(url)
    try:
        before, after = migrate(engine)
    except OperationalError as error:
        fail(f"cannot open the database {describe(url)}: {error.orig}")
    finally:
        engine.dispose()
    if before == after:
        console.print(f"The database {describe(url)} is up to date (schema {after}).")
    elif before is None:
        console.print(f"Created the database {describe(url)} (schema {after}).")
    else:
        console.print(f"Upgraded the database {describe(url)} from schema {before} to {after}.")


@council_app.command("add")
def council_add(
    code: Annotated[str, typer.Argument(help="Short code, e.g. KNOWSLEY.")],
    name: Annotated[str, typer.Option(help="The council's name as printed on letters.")],
    country: Annotated[Country, typer.Option(help="england or wales: the rules differ.")],
) -> None:
    """Add a council (billing authority)."""
    from reclaim.services import councils

    with unit_of_work() as uow:
        council = councils.add(uow.connection, code, name, country)
        uow.commit()
    console.print(f"Added {council.name} ({council.code}, {council.country.value.title()}).")


@council_app.command("list")
def council_list(as_json: JsonOption = False) -> None:
    """List the councils."""
    from reclaim.store.repositories import all_councils

    with unit_of_work() as uow:
        stored = all_councils(uow.connection)
    if as_json:
        print_json(
            [
                {
                    "code": s.council.code,
                    "name": s.council.name,
                    "country": s.council.country.value,
                    "allocation_within_account": s.council.allocation_policy.within_account.value,
                    "allocation_priority": list(s.council.allocation_policy.across_accounts),
                }
                for s in stored
            ]
        )
        return
    for s in stored:
        policy = s.council.allocation_policy
        console.print(
            f"{s.council.code}: {s.council.name} ({s.council.country.value}); payments "
            f"{policy.within_account.description}; across accounts "
            f"{' > '.join(policy.across_accounts)}"
        )


@council_app.command("policy")
def council_policy(
    code: str,
    within: Annotated[
        YearOrder | None, typer.Option(help="Within an account: oldest_first or current_first.")
    ] = None,
    priority: Annotated[
        str | None,
        typer.Option(
            help="Across a customer's accounts: every kind, in order, separated by commas."
        ),
    ] = None,
) -> None:
    """Set how a council's payments are shared out."""
    from reclaim.services import councils

    with unit_of_work() as uow:
        council = councils.set_policy(uow.connection, code, within, priority)
        uow.commit()
    policy = council.allocation_policy
    console.print(
        f"{council.code}: payments go {policy.within_account.description}; across a "
        f"customer's accounts {' > '.join(policy.across_accounts)}."
    )


@council_app.command("set")
def council_set(
    code: str,
    year: Annotated[str, typer.Option(help="The financial year, e.g. 2026/27.")],
    band_d: Annotated[str, typer.Option("--band-d", help="The Band D charge, e.g. 2000.00.")],
    default_day: Annotated[
        str, typer.Option(help="Instalment day for those not paying by Direct Debit.")
    ] = "1",
    parish: Annotated[
        list[str] | None,
        typer.Option(help="A parish precept as NAME=AMOUNT (Band D); repeat for each parish."),
    ] = None,
) -> None:
    """Set a council's Band D (and parish precepts) for a financial year."""
    from reclaim.calendar import FinancialYear, InstalmentDay
    from reclaim.money import Money, MoneyError
    from reclaim.services.council_years import CouncilYear, set_year

    try:
        parishes = []
        for item in parish or []:
            name, separator, amount = item.partition("=")
            if not separator or not name.strip():
                fail(f"--parish '{item}' should be NAME=AMOUNT, e.g. 'Little Snoring=45.00'")
            parishes.append((name.strip(), Money.parse(amount)))
        setting = CouncilYear(
            code,
            FinancialYear.parse(year),
            Money.parse(band_d),
            InstalmentDay.parse(default_day),
            tuple(sorted(parishes)),
        )
    except (MoneyError, ValueError) as error:
        fail(str(error))
    with unit_of_work() as uow:
        set_year(uow.connection, setting)
        uow.commit()
    extra = ""
    if parishes:
        extra = f", {len(parishes)} parish precept{'s' if len(parishes) > 1 else ''}"
    console.print(
        f"{code} {setting.year}: Band D {setting.band_d}, default instalment day "
        f"{setting.default_instalment_day.value}{extra}."
    )


@council_app.command("settings")
def council_settings(
    file: Annotated[Path, typer.Argument(help="The settings file (TOML).")],
) -> None:
    """Set many councils' years from a settings file, all or nothing."""
    from reclaim.services.council_years import read_settings, set_year

    with unit_of_work() as uow:
        settings = read_settings(file)
        for setting in settings:
            set_year(uow.connection, setting)
        uow.commit()
    for setting in settings:
        console.print(f"{setting.council_code} {setting.year}: Band D {setting.band_d}")


def _stages() -> Progress:
    """A spinner that names the stage a long piece of work has reached, with the time taken."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )


@import_app.command("accounts")
def import_accounts_command(
    file: Annotated[Path, typer.Argument(help="The CSV file.")],
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import accounts with their parties and properties."""
    from reclaim.imports.accounts import import_accounts

    day = today_from(today)
    with unit_of_work() as uow, _stages() as stages:
        task = stages.add_task("starting", total=None)

        def stage(description: str) -> None:
            stages.update(task, description=description)

        outcome = import_accounts(uow.connection, file, today=day, now=now_utc(), progress=stage)
        uow.commit()
    _report_import(outcome, as_json)


@import_app.command("payments")
def import_payments_command(
    file: Annotated[Path, typer.Argument(help="The CSV file.")],
    council: Annotated[
        str | None, typer.Option(help="Only match references in this council.")
    ] = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import a payment file: allocate each payment, or put it in suspense."""
    from reclaim.imports.payments import import_payments

    day = today_from(today)
    with unit_of_work() as uow, _stages() as stages:
        stages.add_task(f"posting the payments in {file.name}", total=None)
        outcome = import_payments(
            uow.connection, file, today=day, now=now_utc(), council_code=council
        )
        uow.commit()
    _report_import(outcome, as_json)


def _report_import(outcome: Any, as_json: bool) -> None:
    summary = outcome.summary
    if as_json:
        data: dict[str, Any] = {
            "status": outcome.status,
            "import_id": outcome.import_id,
            "file": outcome.file_name,
            "rows": outcome.rows,
            "imported_at": outcome.imported_at.isoformat(),
        }
        if summary is not None:
            data |= {
                "allocated": summary.allocated,
                "suspense": summary.to_suspense,
                "total": summary.total.to_json(),
                "suspense_total": summary.suspense_total.to_json(),
                "accounts_changed": summary.accounts_changed,
            }
        print_json(data)
        return
    style = "yellow" if outcome.status == "already_imported" else "green"
    console.print(f"[{style}]{outcome.message[0].upper()}{outcome.message[1:]}.[/{style}]")
    if summary is not None:
        console.print(
            f"{summary.received:,} payments, {summary.total}: {summary.allocated:,} allocated to "
            f"{summary.accounts_changed:,} accounts, {summary.to_suspense:,} to suspense "
            f"({summary.suspense_total})."
        )


@account_app.command("show")
def account_show(
    reference: str,
    council: Annotated[
        str | None, typer.Option(help="The council, where references repeat.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show an account: its parties, balance, postings and schedule."""
    from reclaim.services.accounts import account_statement

    with unit_of_work() as uow:
        statement = account_statement(uow.connection, reference, council)
    if as_json:
        print_json(statement_json(statement))
    else:
        print_statement(statement)


@suspense_app.command("list")
def suspense_list_command(
    council: Annotated[
        str | None, typer.Option(help="Only this council's (and unassigned) payments.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the payments waiting in suspense."""

    from reclaim.services.payments import suspense_list

    with unit_of_work() as uow:
        items = suspense_list(uow.connection, council)
    if as_json:
        print_json(
            [
                {
                    "payment_id": i.payment_id,
                    "date": i.payment_date.isoformat(),
                    "reference": i.reference,
                    "amount": i.amount.to_json(),
                    "channel": i.channel,
                    "external_id": i.external_id,
                    "council": i.council_code,
                }
                for i in items
            ]
        )
        return
    print_suspense(items, f"{len(items)} payments in suspense")


@suspense_app.command("allocate")
def suspense_allocate(
    payment_id: int,
    to: Annotated[
        str, typer.Option("--to", help="The account or customer reference it was meant for.")
    ],
    reason: Annotated[str, typer.Option(help="Why: how you know where it belongs.")],
    council: Annotated[
        str | None, typer.Option(help="The council, where the reference exists in several.")
    ] = None,
    today: TodayOption = None,
) -> None:
    """Allocate a suspense payment to the account (or customer) it was meant for."""
    from reclaim.services.payments import allocate_from_suspense

    day = today_from(today)
    with unit_of_work() as uow:
        lines = allocate_from_suspense(
            uow.connection, payment_id, to, reason=reason, today=day, council_code=council
        )
        uow.commit()
    for line in lines:
        console.print(f"{line.amount} to {line.financial_year}: {line.reason}")


@payment_app.command("reverse")
def payment_reverse(
    payment_id: int,
    reason: Annotated[
        str, typer.Option(help="Why: e.g. 'Direct Debit returned: ARUDD 0 refer to payer'.")
    ],
    today: TodayOption = None,
) -> None:
    """Reverse a returned or refunded payment; its allocations stay in the history."""
    from reclaim.services.payments import reverse_payment

    day = today_from(today)
    with unit_of_work() as uow:
        reversals = reverse_payment(uow.connection, payment_id, on=day, reason=reason)
        uow.commit()
    undone = "1 posting" if len(reversals) == 1 else f"{len(reversals)} postings"
    console.print(f"Reversed payment {payment_id}: {undone} undone.")


class BillKind(StrEnum):
    COUNCIL_TAX = "council_tax"
    BUSINESS_RATES = "business_rates"


@calc_app.command("instalments")
def calc_instalments(
    amount: Annotated[str, typer.Option(help="The charge, e.g. 1234.56.")],
    year: Annotated[str, typer.Option(help="The financial year, e.g. 2026/27.")],
    issue_date: Annotated[str, typer.Option(help="The day the bill is issued (2026-03-10).")],
    instalments: Annotated[int, typer.Option(help="10, or 12 on request.")] = 10,
    day: Annotated[str, typer.Option(help="Instalment day: 1, 5, 15, 24 or last.")] = "1",
    kind: Annotated[BillKind, typer.Option(help="council_tax or business_rates.")] = (
        BillKind.COUNCIL_TAX
    ),
    as_json: JsonOption = False,
) -> None:
    """The statutory instalments a bill sets: each due date and amount."""
    from reclaim.calendar import FinancialYear, InstalmentDay
    from reclaim.domain.instalments import BUSINESS_RATES, COUNCIL_TAX, statutory_instalments
    from reclaim.money import Money, MoneyError

    if instalments not in (10, 12):
        fail(f"--instalments {instalments}: the statutory schemes are 10, or 12 on request")
    try:
        charge = Money.parse(amount)
        financial_year = FinancialYear.parse(year)
        issued = date.fromisoformat(issue_date)
        instalment_day = InstalmentDay.parse(day)
        rules = COUNCIL_TAX if kind is BillKind.COUNCIL_TAX else BUSINESS_RATES
        schedule = statutory_instalments(
            charge,
            rules=rules,
            year=financial_year,
            issued=issued,
            day=instalment_day,
            twelve=instalments == 12,
        )
    except (MoneyError, DomainError, ValueError) as error:
        fail(str(error))
    if as_json:
        print_json(
            {
                "amount": charge.to_json(),
                "year": str(financial_year),
                "issue_date": issued.isoformat(),
                "kind": kind.value,
                "instalments": [
                    {"due_date": i.due_date.isoformat(), "amount": i.amount.to_json()}
                    for i in schedule
                ],
            }
        )
        return
    console.print(
        f"{rules.name} of {charge} for {financial_year}, issued {issued:%d %B %Y}: "
        f"{len(schedule)} instalment{'s' if len(schedule) > 1 else ''}"
    )
    for i in schedule:
        console.print(f"  {i.due_date:%a %d %b %Y}  {i.amount.format():>12}")


def _date_option(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} '{value}' is not a date: write it as 2026-04-01")


@app.command("bill")
def bill_command(
    council: Annotated[str, typer.Option(help="The council's code.")],
    year: Annotated[str, typer.Option(help="The financial year, e.g. 2026/27.")],
    issue_date: Annotated[str, typer.Option(help="The day the bills are issued (2026-03-10).")],
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Bill every liable Council Tax and Business Rates account not yet billed for the year."""
    from reclaim.calendar import FinancialYear
    from reclaim.services.billing import bill_year

    try:
        financial_year = FinancialYear.parse(year)
    except ValueError as error:
        fail(str(error))
    issued = _date_option(issue_date, "--issue-date")
    day = today_from(today)
    with unit_of_work() as uow, _stages() as stages:
        task = stages.add_task("starting", total=None)

        def stage(description: str) -> None:
            stages.update(task, description=description)

        run = bill_year(
            uow.connection, council, financial_year, issued_on=issued, today=day, progress=stage
        )
        stages.update(task, description=f"committing {run.billed:,} bills")
        uow.commit()
    if as_json:
        print_json(
            {
                "council": run.council,
                "year": str(run.year),
                "issue_date": run.issued_on.isoformat(),
                "billed": run.billed,
                "charged": run.charged.to_json(),
                "already_billed": run.already_billed,
                "not_billed": run.not_billed,
                "situations": run.situations,
                "new_instalment_plans": run.new_plans,
            }
        )
        return
    console.print(
        f"[green]Billed {run.billed:,} accounts of {run.council} for {run.year}[/green], "
        f"issued {run.issued_on:%d %B %Y}: {run.charged} charged."
    )
    if run.already_billed:
        console.print(f"{run.already_billed:,} accounts already had a bill for {run.year}.")
    for reason, count in sorted(run.not_billed.items()):
        console.print(f"[yellow]Not billed: {count:,} — {reason}.[/yellow]")


IssueDateOption = Annotated[
    str | None,
    typer.Option(help="The day the new bill is issued (default: the business date)."),
]
ReasonOption = Annotated[str, typer.Option(help="Why: kept with the record and the bill.")]
CouncilOption = Annotated[str | None, typer.Option(help="The council, where references repeat.")]


def _change_and_rebill(
    reference: str,
    council: str | None,
    today: str | None,
    issue_date: str | None,
    change: Callable[..., Any],
) -> None:
    """Make one change to one account in a unit of work -- ``change(connection, account id,
    today=…, issued_on=…)`` records it and rebills -- then say what the rebill did."""
    from reclaim.store.repositories import find_accounts

    day = today_from(today)
    issued = _date_option(issue_date, "--issue-date") if issue_date else day
    with unit_of_work() as uow:
        ids = find_accounts(uow.connection, reference, council)
        if not ids:
            fail(f"there is no account with the reference {reference}. Nothing was changed.")
        if len(ids) > 1:
            fail(f"{len(ids)} councils have an account {reference}; say which with --council")
        changes = change(uow.connection, ids[0], today=day, issued_on=issued)
        uow.commit()
    console.print(f"[green]Recorded on {reference}.[/green]")
    _report_changes(changes)


def _report_changes(changes: Any) -> None:
    from reclaim.cli.output import instalments_text

    for change in changes:
        if change.not_billed:
            console.print(f"  {change.year}: not billed — {change.not_billed}.")
        elif change.bill is None:
            console.print(f"  {change.year}: the bill stands (nothing in it changed).")
        else:
            was = f" (was {change.previous.charge})" if change.previous else ""
            console.print(
                f"  {change.year}: new bill {change.bill.id}, charge {change.bill.charge}{was}; "
                f"instalments {instalments_text(change.bill.instalments)}."
            )


@account_app.command("circumstance")
def account_circumstance(
    reference: str,
    kind: Annotated[
        str,
        typer.Argument(help="What: " + ", ".join(CircumstanceKind)),
    ],
    starts: Annotated[str, typer.Option("--from", help="The first day it applies.")],
    reason: ReasonOption,
    ends: Annotated[str | None, typer.Option("--to", help="The last day, if known.")] = None,
    exemption_class: Annotated[
        str | None, typer.Option("--class", help="An exemption's class (A-W).")
    ] = None,
    amount: Annotated[
        str | None, typer.Option(help="Council Tax Reduction awarded for a whole year.")
    ] = None,
    council: CouncilOption = None,
    issue_date: IssueDateOption = None,
    today: TodayOption = None,
) -> None:
    """Record a discount, exemption, reduction or relief from a date, and rebill."""
    from reclaim.domain.liability import Circumstance
    from reclaim.money import Money, MoneyError
    from reclaim.services.liability_changes import record_circumstance

    try:
        circumstance = Circumstance(
            CircumstanceKind(kind),
            _date_option(starts, "--from"),
            _date_option(ends, "--to") if ends else None,
            exemption_class.upper() if exemption_class else None,
            Money.parse(amount) if amount else None,
        )
    except ValueError as error:
        if isinstance(error, MoneyError):
            fail(str(error))
        allowed = ", ".join(k.value for k in CircumstanceKind)
        fail(f"'{kind}' is not a circumstance; use one of: {allowed}")
    except DomainError as error:
        fail(str(error))
    _change_and_rebill(
        reference,
        council,
        today,
        issue_date,
        lambda conn, account, **when: record_circumstance(
            conn, account, circumstance, reason=reason, **when
        ),
    )


@account_app.command("end-circumstance")
def account_end_circumstance(
    reference: str,
    kind: Annotated[str, typer.Argument(help="Which circumstance ends.")],
    on: Annotated[str, typer.Option(help="The last day it applies.")],
    reason: ReasonOption,
    council: CouncilOption = None,
    issue_date: IssueDateOption = None,
    today: TodayOption = None,
) -> None:
    """End a discount, exemption, reduction or relief, and rebill."""
    from reclaim.services.liability_changes import end_circumstance

    try:
        which = CircumstanceKind(kind)
    except ValueError:
        fail(f"'{kind}' is not a circumstance; use one of: {', '.join(CircumstanceKind)}")
    last = _date_option(on, "--on")
    _change_and_rebill(
        reference,
        council,
        today,
        issue_date,
        lambda conn, account, **when: end_circumstance(
            conn, account, which, last_day=last, reason=reason, **when
        ),
    )


@account_app.command("valuation")
def account_valuation(
    reference: str,
    starts: Annotated[str, typer.Option("--from", help="The day it takes effect.")],
    reason: ReasonOption,
    band: Annotated[str | None, typer.Option(help="The new council tax band.")] = None,
    rateable_value: Annotated[
        str | None, typer.Option(help="The new rateable value, e.g. 14500.")
    ] = None,
    council: CouncilOption = None,
    issue_date: IssueDateOption = None,
    today: TodayOption = None,
) -> None:
    """Record a band or rateable value from the Valuation Office, and rebill the property."""
    from reclaim.domain.liability import Valuation
    from reclaim.domain.properties import Band
    from reclaim.money import Money, MoneyError
    from reclaim.services.liability_changes import record_valuation

    try:
        valuation = Valuation(
            _date_option(starts, "--from"),
            Band(band.upper() if band.lower() != "unbanded" else "unbanded") if band else None,
            Money.parse(rateable_value) if rateable_value else None,
        )
    except MoneyError as error:
        fail(str(error))
    except ValueError:
        fail(f"--band '{band}' is not a council tax band; use A to H, or I in Wales")
    _change_and_rebill(
        reference,
        council,
        today,
        issue_date,
        lambda conn, account, **when: record_valuation(
            conn, account, valuation, reason=reason, **when
        ),
    )


@account_app.command("end")
def account_end(
    reference: str,
    on: Annotated[str, typer.Option(help="The last day of liability.")],
    reason: ReasonOption,
    council: CouncilOption = None,
    issue_date: IssueDateOption = None,
    today: TodayOption = None,
) -> None:
    """End a liability (moved out, died, sold), and rebill."""
    from reclaim.services.liability_changes import end_liability

    last = _date_option(on, "--on")
    _change_and_rebill(
        reference,
        council,
        today,
        issue_date,
        lambda conn, account, **when: end_liability(
            conn, account, last_day=last, reason=reason, **when
        ),
    )


@account_app.command("instalments")
def account_instalments(
    reference: str,
    count: Annotated[int, typer.Argument(help="12 (on request) or 10.")],
    reason: ReasonOption,
    council: CouncilOption = None,
    issue_date: IssueDateOption = None,
    today: TodayOption = None,
) -> None:
    """Record a request to pay by 12 (or 10) instalments, and rebill."""
    from reclaim.services.liability_changes import ask_for_instalments

    _change_and_rebill(
        reference,
        council,
        today,
        issue_date,
        lambda conn, account, **when: ask_for_instalments(
            conn, account, count, reason=reason, **when
        ),
    )


@app.command()
def check(as_json: JsonOption = False) -> None:
    """Prove every invariant over every account; exits 1 if any is breached."""
    from reclaim.services.checks import run_checks

    with unit_of_work() as uow:
        results = run_checks(uow.connection)
    breached = sum(len(r.breaches) for r in results)
    if as_json:
        print_json(
            {
                "ok": breached == 0,
                "invariants": [
                    {
                        "code": r.invariant.code,
                        "title": r.invariant.title,
                        "checked": r.checked,
                        "breaches": [{"where": b.where, "detail": b.detail} for b in r.breaches],
                    }
                    for r in results
                ],
            }
        )
    else:
        print_checks(results)
    if breached:
        raise typer.Exit(1)


@app.command()
def example(
    db: Annotated[
        Path, typer.Option(help="The SQLite file to create (replaced if it exists).")
    ] = Path("reclaim-example.db"),
) -> None:
    """Run the bundled example end to end: init, councils, import accounts and payments, check."""
    from reclaim.cli.example import run_example

    run_example(db, console)


app.command("demo")(demo_command)


@app.command()
def bench(
    sizes: Annotated[
        str, typer.Option(help="Account counts, comma-separated.")
    ] = "10000,100000,1000000",
    only: Annotated[
        str | None,
        typer.Option(
            help="Report one step only (the steps before it run unreported): import_accounts, "
            "bill, pay_to_date, post_payments, recovery, arrears_bare, letters, check; "
            "web_load runs only when chosen."
        ),
    ] = None,
    payments: Annotated[
        int, typer.Option(help="Payments to post at each size (at most the size).")
    ] = 100_000,
    database_url_option: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="Benchmark on this database (default: a fresh SQLite file)."
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="Where to write the figures as JSON.")] = Path(
        "bench-results/bench.json"
    ),
) -> None:
    """Measure the bulk paths at several sizes: seconds, items per second, peak memory."""
    from reclaim.bench.runner import run_bench

    try:
        size_list = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    except ValueError:
        fail(f"--sizes '{sizes}' should be whole numbers separated by commas")
    run_bench(
        size_list,
        only=only,
        payments=payments,
        database_url=database_url_option,
        out=out,
        console=console,
    )


def main() -> None:  # pragma: no cover
    app()


_: Callable[..., Any] = main


def _register_recovery_commands() -> None:
    from reclaim.cli.letters_commands import document_app, letters_app
    from reclaim.cli.recovery_commands import (
        breathing_space_app,
        court_app,
        hold_app,
        holds_app,
        party_app,
        vulnerability_app,
    )
    from reclaim.cli.recovery_run_commands import run_app, strategy_app

    app.add_typer(run_app, name="run")
    app.add_typer(strategy_app, name="strategy")
    app.add_typer(hold_app, name="hold")
    app.add_typer(holds_app, name="holds")
    app.add_typer(breathing_space_app, name="breathing-space")
    app.add_typer(vulnerability_app, name="vulnerability")
    app.add_typer(party_app, name="party")
    app.add_typer(court_app, name="court")
    app.add_typer(letters_app, name="letters")
    app.add_typer(document_app, name="document")


_register_recovery_commands()


def _register_web_commands() -> None:
    from reclaim.cli.web_commands import serve_command, user_app

    app.command("serve")(serve_command)
    app.add_typer(user_app, name="user")


_register_web_commands()
