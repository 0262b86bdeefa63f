"""``reclaim run recovery`` and ``reclaim strategy …``: the recovery run and its strategies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from reclaim.cli.output import console, print_json, print_problems
from reclaim.domain.errors import DomainError, InputRefused

run_app = typer.Typer(help="Run the daily batch work.", no_args_is_help=True)
strategy_app = typer.Typer(help="Recovery strategies: check, set, show.", no_args_is_help=True)


@run_app.command("recovery")
def run_recovery_command(
    council: Annotated[str, typer.Option(help="The council's code.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The run's date (2026-06-12).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing; report who would get what and why.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Where to write the CSV of steps (default: a file named for the run)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Take, for every account, the next step its strategy requires on the date."""
    from reclaim.cli.main import _date_option, _stages, fail, unit_of_work
    from reclaim.services.recovery_run import run_recovery

    day = _date_option(as_of, "--as-of")
    with unit_of_work() as uow, _stages() as stages:
        task = stages.add_task("starting", total=None)

        def stage(description: str) -> None:
            stages.update(task, description=description)

        try:
            run = run_recovery(uow.connection, council, day, dry_run=dry_run, progress=stage)
        except InputRefused as error:
            print_problems(error.problems, str(error))
            raise typer.Exit(1) from None
        except DomainError as error:
            fail(f"{error}. Nothing was changed.")
        if not dry_run:
            uow.commit()
    path = out or Path(f"recovery-{council}-{day.isoformat()}{'-dry-run' if dry_run else ''}.csv")
    run.write_csv(path)
    summary = run.summary()
    if as_json:
        print_json(
            {
                "council": council,
                "as_of": day.isoformat(),
                "dry_run": dry_run,
                "accounts_read": run.accounts_read,
                "settled_in_bulk": run.settled_in_bulk,
                "waiting": run.waiting,
                "evaluated": run.evaluated,
                "steps": dict(summary),
                "csv": str(path),
            }
        )
        return
    verb = "would take" if dry_run else "took"
    taken = sum(1 for s in run.steps if s.decision.by_run)
    console.print(
        f"[green]Recovery run for {council} on {day:%d %B %Y}[/green]"
        f"{' (dry run: nothing written)' if dry_run else ''}: {run.accounts_read:,} "
        f"account-years read; the run {verb} {taken:,} steps."
    )
    table = Table(title="Steps")
    table.add_column("step")
    table.add_column("accounts", justify="right")
    for what, count in sorted(summary.items()):
        table.add_row(what, f"{count:,}")
    if summary:
        console.print(table)
    console.print(f"Each step with its reason: {path}")


@strategy_app.command("check")
def strategy_check(file: Path) -> None:
    """Validate a strategy file: every problem with its line."""
    from reclaim.cli.main import fail
    from reclaim.services.recovery_strategies import read_file

    try:
        strategy, _ = read_file(file)
    except InputRefused as error:
        print_problems(error.problems, str(error))
        raise typer.Exit(1) from None
    except DomainError as error:
        fail(str(error))
    console.print(
        f"[green]{file.name} is a valid strategy:[/green] {strategy.name} "
        f"({strategy.debt.label}, {strategy.country.value}, from {strategy.from_year}); stages: "
        + ", ".join(s.name for s in strategy.stages)
    )


@strategy_app.command("use")
def strategy_use(
    file: Path,
    council: Annotated[str, typer.Option(help="The council's code.")],
    today: Annotated[str | None, typer.Option(help="The business date (default: today).")] = None,
) -> None:
    """Set a council's strategy for the debt and years the file names."""
    from reclaim.cli.main import fail, today_from, unit_of_work
    from reclaim.services.recovery_strategies import use_strategy

    with unit_of_work() as uow:
        try:
            strategy = use_strategy(uow.connection, council, file, today_from(today))
        except InputRefused as error:
            print_problems(error.problems, str(error))
            raise typer.Exit(1) from None
        except DomainError as error:
            fail(f"{error}. Nothing was changed.")
        uow.commit()
    console.print(
        f"[green]{council} now uses {strategy.name}[/green] for {strategy.debt.label} "
        f"from {strategy.from_year}."
    )
