"""``reclaim example``: the bundled example, end to end, on a fresh SQLite file.

Until the demo council arrives (a simulated year), this is the README's main command: it
creates a database, adds a council with its Band D, imports the example accounts, bills the
year, imports payments, shows a billed account and proves every invariant with ``reclaim check``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from rich.console import Console

from reclaim.calendar import Country, FinancialYear, InstalmentDay
from reclaim.cli.output import print_checks, print_statement, print_suspense
from reclaim.examples import ACCOUNTS_CSV, PAYMENTS_CSV
from reclaim.imports.accounts import import_accounts
from reclaim.imports.payments import import_payments
from reclaim.money import Money
from reclaim.services import councils
from reclaim.services.accounts import account_statement
from reclaim.services.billing import bill_year
from reclaim.services.checks import run_checks
from reclaim.services.council_years import CouncilYear, set_year
from reclaim.services.payments import suspense_list
from reclaim.store.database import make_engine, migrate
from reclaim.store.unit_of_work import UnitOfWork

# The example happens on a fixed day, so its output is the same whenever it is run.
EXAMPLE_DAY = date(2026, 6, 12)
EXAMPLE_MOMENT = datetime(2026, 6, 12, 9, 0, tzinfo=UTC)
YEAR = FinancialYear(2026)
BILLS_ISSUED = date(2026, 3, 10)


def run_example(db: Path, console: Console) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{db}")
    try:
        console.rule("[bold]Reclaim: the bundled example")
        migrate(engine)
        console.print(f"1. Created the database [bold]{db}[/bold].")
        with UnitOfWork(engine) as uow:
            council = councils.add(
                uow.connection, "EXAMPLE", "Example Borough Council", Country.ENGLAND
            )
            uow.commit()
        console.print(f"2. Added the council {council.name} ({council.code}).")
        with UnitOfWork(engine) as uow:
            outcome = import_accounts(
                uow.connection, ACCOUNTS_CSV, today=EXAMPLE_DAY, now=EXAMPLE_MOMENT
            )
            uow.commit()
        console.print(f"3. Imported {outcome.rows} accounts from {ACCOUNTS_CSV.name}.")
        with UnitOfWork(engine) as uow:
            set_year(
                uow.connection,
                CouncilYear("EXAMPLE", YEAR, Money.parse("2000.00"), InstalmentDay.DAY_1),
            )
            run = bill_year(
                uow.connection, "EXAMPLE", YEAR, issued_on=BILLS_ISSUED, today=BILLS_ISSUED
            )
            uow.commit()
        waiting = "".join(f"; not billed: {n} ({why})" for why, n in run.not_billed.items())
        console.print(
            f"   Billed {run.billed} accounts for {YEAR} (Band D £2,000.00), issued "
            f"{BILLS_ISSUED:%d %B %Y}: {run.charged} charged{waiting}."
        )
        with UnitOfWork(engine) as uow:
            paid = import_payments(
                uow.connection, PAYMENTS_CSV, today=EXAMPLE_DAY, now=EXAMPLE_MOMENT
            )
            uow.commit()
        summary = paid.summary
        assert summary is not None  # a payment import always has one
        console.print(
            f"4. Imported {paid.rows} payments from {PAYMENTS_CSV.name}: "
            f"{summary.allocated} allocated, {summary.to_suspense} to suspense."
        )
        with UnitOfWork(engine) as uow:
            again = import_payments(
                uow.connection, PAYMENTS_CSV, today=EXAMPLE_DAY, now=EXAMPLE_MOMENT
            )
            statement = account_statement(uow.connection, "CT-1000001")
            unmatched = suspense_list(uow.connection)
            results = run_checks(uow.connection)
        console.print(f"5. The same payment file again: {again.message}.")
        console.print("6. One account, as an officer sees it:")
        print_statement(statement)
        print_suspense(unmatched, "7. Payments in suspense (the reference matched nothing)")
        console.print("8. reclaim check:")
        breaches = print_checks(results)
        if breaches:
            raise SystemExit(1)
        console.print(
            f"\nDone. Look around with: [bold]RECLAIM_DATABASE_URL=sqlite:///{db} "
            "uv run reclaim account show CT-1000002[/bold]"
        )
    finally:
        engine.dispose()
