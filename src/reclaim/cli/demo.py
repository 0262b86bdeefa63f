"""``reclaim demo``: a synthetic council's whole financial year, on a fresh SQLite file.

Builds the population (``reclaim.demo.population``), bills it, simulates the year day by day
(``reclaim.demo.simulation``), proves the ledger with ``reclaim check``, and writes the
year-end report as HTML and XLSX next to the database, with a summary in the terminal.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reclaim.calendar import FinancialYear
from reclaim.cli.output import print_checks
from reclaim.demo.behaviour import DemoSettings
from reclaim.demo.figures import YearEnd, year_end
from reclaim.demo.population import DemoAccount, generate
from reclaim.demo.report_html import pounds, write_html
from reclaim.demo.report_xlsx import write_xlsx
from reclaim.demo.simulation import Simulation, YearTally
from reclaim.services.checks import run_checks
from reclaim.store.database import make_engine, migrate


@dataclass(frozen=True, slots=True)
class DemoOutcome:
    figures: YearEnd
    tally: YearTally
    html: Path
    xlsx: Path
    breaches: int
    seconds: float


def population_facts(population: list[DemoAccount], year: FinancialYear) -> list[str]:
    """What the population is made of, in words, for the report."""
    homes = [a for a in population if a.kind == "council_tax"]
    firms = [a for a in population if a.kind == "business_rates"]
    bands = Counter(a.band for a in homes)
    share = ", ".join(
        f"{band} {100 * bands[band] / max(len(homes), 1):.0f}%" for band in "ABCDEFGH"
    )
    dd = sum(a.method == "direct_debit" for a in population)
    old = sum(a.aged_65_or_over(year.start) for a in homes)
    return [
        f"{len(homes):,} dwellings (bands {share}; {bands['unbanded']} new builds awaiting "
        f"their band) and {len(firms):,} business premises",
        f"{sum(a.single for a in homes):,} single person discounts, "
        f"{sum(a.reduction_pence > 0 for a in homes):,} Council Tax Reduction awards, "
        f"{sum(bool(a.exemption) for a in homes):,} exempt dwellings, {old:,} liable people "
        "aged 65 or over",
        f"{100 * dd / max(len(population), 1):.1f}% pay by Direct Debit; "
        f"{sum(a.relief == 'small_business' for a in firms):,} businesses take small business "
        f"rate relief, {sum(a.relief == 'charity' for a in firms):,} charitable relief",
    ]


def tally_facts(tally: YearTally) -> list[str]:
    answers = ", ".join(f"{n:,} {what}" for what, n in tally.answers.most_common())
    return [
        f"{tally.billed:,} bills issued; {tally.payments:,} payments posted, "
        f"{tally.returned_direct_debits:,} Direct Debits returned unpaid and reversed",
        f"{tally.moved_out:,} moved out, {tally.died:,} died, {tally.banded:,} new builds "
        f"banded; {tally.breathing_spaces:,} Breathing Spaces, {tally.vulnerable:,} people "
        "recorded as vulnerable",
        f"{tally.holds_placed:,} holds placed, {tally.hold_reviews:,} reviews, "
        f"{tally.holds_released:,} released; {tally.hearings:,} court hearings",
        f"How people answered: {answers or 'nobody needed a letter'}",
        f"{tally.recovery_runs} recovery runs (every working day) took "
        f"{tally.recovery_seconds:.1f} s in all ({tally.recovery_cpu_seconds:.1f} s of CPU), "
        f"the slowest {tally.slowest_recovery_run:.2f} s",
    ]


def run_demo(
    db: Path,
    settings: DemoSettings,
    *,
    seed: int,
    year: FinancialYear,
    accounts: int | None,
    console: Console,
    report_dir: Path | None = None,
    letters: bool = True,
) -> DemoOutcome:
    started, cpu = time.perf_counter(), time.process_time()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    out = report_dir or db.parent
    out.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{db}")
    try:
        console.rule(f"[bold]Reclaim demo: {settings.name}, {year}")
        migrate(engine)
        population = list(generate(settings, seed=seed, year=year, accounts=accounts))
        console.print(f"Created [bold]{db}[/bold]; the population (seed {seed}):")
        facts = population_facts(population, year)
        for fact in facts:
            console.print(f"  • {fact}")
        letters_dir = out / f"{db.stem}-letters"
        shutil.rmtree(letters_dir, ignore_errors=True)
        simulation = Simulation(
            engine, settings, population, year, seed, letters_dir if letters else None
        )
        with (
            tempfile.TemporaryDirectory(prefix="reclaim-demo-") as work,
            console.status("Importing the accounts and billing the year…"),
        ):
            simulation.set_up(Path(work))
        console.print(f"Billed {simulation.tally.billed:,} accounts on 10 March.")
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} days"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            task = progress.add_task("Simulating the year", total=year.days())

            def tick(day: date) -> None:
                progress.update(task, advance=1, description=f"Simulating {day:%d %b %Y}")

            tally = simulation.run(tick)
        with engine.connect() as conn:
            figures = year_end(
                conn,
                settings.code,
                year,
                {
                    "council_tax": settings.target_council_tax,
                    "business_rates": settings.target_business_rates,
                },
            )
            figures.holds["reviews"] = tally.hold_reviews
            results = run_checks(conn)
        facts = facts + tally_facts(tally)
        html = write_html(out / f"{db.stem}-report.html", figures, settings.name, facts)
        xlsx = write_xlsx(out / f"{db.stem}-report.xlsx", figures, settings.name, facts)
        _summary(console, figures, tally)
        if letters:
            lt = simulation.letter_tally
            console.print(
                f"Letters: {lt.letters:,} posted ({lt.pages:,} pages) in {lt.batches:,} daily print "
                f"batches with their manifests, in [bold]{letters_dir}[/bold]; {lt.cancelled:,} "
                "cancelled because they were paid before the print run."
            )
        console.print("reclaim check:")
        breaches = print_checks(results)
        seconds = time.perf_counter() - started
        console.print(
            f"\nThe year-end report: [bold]{html}[/bold] and [bold]{xlsx}[/bold] "
            f"({seconds:.0f} s in all, {time.process_time() - cpu:.0f} s of CPU; of which the "
            f"recovery runs {tally.recovery_seconds:.0f} s, {tally.recovery_cpu_seconds:.0f} s "
            "of CPU)."
        )
        return DemoOutcome(figures, tally, html, xlsx, breaches, seconds)
    finally:
        engine.dispose()


def _summary(console: Console, figures: YearEnd, tally: YearTally) -> None:
    table = Table(title=f"In-year collection, {figures.year}")
    table.add_column("month end")
    for c in figures.collections:
        table.add_column(c.kind, justify="right")
        table.add_column("target", justify="right")
    for i, day in enumerate(figures.collections[0].month_ends):
        cells = [f"{day:%b %Y}"]
        for c in figures.collections:
            cells += [f"{c.rates[i]:.2f}%", f"{c.target[i]:.2f}%"]
        table.add_row(*cells)
    console.print(table)
    for c in figures.collections:
        console.print(
            f"{c.kind}: collected {pounds(c.collected_pence[-1])} of {pounds(c.net_debit_pence)} "
            f"= [bold]{c.final_rate:.2f}%[/bold]; at most {c.widest_gap:.2f} points from the "
            "target at any month end."
        )
    steps = ", ".join(f"{what} {n:,}" for what, n in sorted(figures.steps.items()))
    console.print(f"Recovery steps: {steps or 'none'}.")
    console.print(
        f"Holds: {figures.holds.get('placed', 0):,} placed, {tally.hold_reviews:,} reviews, "
        f"{figures.holds.get('released', 0):,} released."
    )
    console.print(
        "Money in each stage: "
        + "; ".join(
            f"{s.stage} {s.accounts:,} owing {pounds(s.balance_pence)}" for s in figures.stages
        )
    )


def serve(db: Path, council_code: str, console: Console) -> None:
    """Serve the officer web app on the demo database at http://127.0.0.1:8000, with a new
    demo login (a team leader of the demo council) printed for the reader to sign in with."""
    from reclaim.web.server import create_login
    from reclaim.web.server import serve as serve_app

    url = f"sqlite:///{db}"
    login = create_login(url, (council_code,), username="demo", display_name="Demo Officer")
    console.print(
        f"\n[bold]The officer web app:[/bold] http://127.0.0.1:8000 — sign in as "
        f"[bold]{login.username}[/bold] with the password [bold]{login.password}[/bold] "
        f"({login.role.label}, {council_code}). Ctrl+C stops it."
    )
    serve_app(url)
