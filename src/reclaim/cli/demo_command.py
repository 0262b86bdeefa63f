"""The ``reclaim demo`` command's options; the work is in ``reclaim.cli.demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reclaim.cli.output import console, print_problems
from reclaim.domain.errors import InputRefused


def demo(
    db: Annotated[
        Path, typer.Option(help="The SQLite file to create (replaced if it exists).")
    ] = Path("reclaim-demo.db"),
    seed: Annotated[int, typer.Option(help="The same seed gives the same year, exactly.")] = 2026,
    accounts: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="How many accounts (default: the behaviour file's 20,000 dwellings and "
            "1,500 business premises); dwellings and premises keep their proportion.",
        ),
    ] = None,
    year: Annotated[str, typer.Option(help="The financial year to simulate.")] = "2026/27",
    behaviour: Annotated[
        Path | None,
        typer.Option(help="Your own behaviour mix (a copy of src/reclaim/data/demo-council.toml)."),
    ] = None,
    letters: Annotated[
        bool,
        typer.Option(
            "--letters/--no-letters",
            help="Produce the year's letters (bills, notices) as PDFs in daily print batches.",
        ),
    ] = True,
    serve_app: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Serve the officer web app on http://127.0.0.1:8000 afterwards, with a demo login.",
        ),
    ] = True,
) -> None:
    """Simulate a council's whole year on a fresh database, then write the year-end report."""
    from reclaim.calendar import FinancialYear
    from reclaim.cli.demo import run_demo, serve
    from reclaim.demo.behaviour import SHIPPED, load_settings

    try:
        financial_year = FinancialYear.parse(year)
    except ValueError as error:
        console.print(f"[red]--year: {error}[/red]")
        raise typer.Exit(1) from None
    try:
        settings = load_settings(behaviour or SHIPPED)
    except InputRefused as refused:
        print_problems(refused.problems, str(refused))
        raise typer.Exit(1) from None
    outcome = run_demo(
        db,
        settings,
        seed=seed,
        year=financial_year,
        accounts=accounts,
        console=console,
        letters=letters,
    )
    if outcome.breaches:
        raise typer.Exit(1)
    if serve_app:
        serve(db, settings.code, console)
