"""Running the benchmark: each step in a fresh process, so its peak memory is its own.

Steps, at each size:

* ``import_accounts`` — ``reclaim import accounts`` of a file of N accounts into an empty
  database (parse, check every row, write parties, properties, accounts, charges, schedules).
* ``bill`` — ``reclaim bill`` for 2026/27 (the demo council's Band D and parishes, issued
  10 March 2026): every
  council tax and business rates account billed, with its lines, charge and instalments.
* ``pay_to_date`` — ``reclaim import payments`` of the payments made from April to the
  benchmark's day, a file a month, as the demo council's people pay (most every instalment,
  some late, a minority nothing): about two and a half payments an account.
* ``post_payments`` — ``reclaim import payments`` of one day's takings (default 100,000 lines,
  never more than N) against those accounts: match, allocate, post, record allocations.
* ``recovery`` — ``reclaim run recovery`` as of 12 June 2026: every billed account's next step
  decided and recorded with its reason, letters queued.
* ``arrears_bare`` — the floor for the recovery run: the same tables read and each account's
  arrears computed in memory, nothing decided or written (the report prints the ratio).
* ``letters`` — the recovery run's letters of 12 June produced: each composed from its
  template and the facts of its case (read set-based), rendered to PDF and stored with its
  hash (``reclaim letters produce`` without the year's demand notices, which are the annual
  billing's own print run).
* ``check`` — ``reclaim check`` over everything.
* ``web_load`` (only with ``--only web_load``) — the officer web app served (``reclaim
  serve``) with 50 simulated officers at once, each opening a search, a customer page or an
  account page and pausing about 2 s, for 5 minutes (``RECLAIM_BENCH_WEB_SECONDS``,
  ``RECLAIM_BENCH_OFFICERS``): the pages answered, errors, p50/p95/p99 in ms; then the most
  pages a second with no pause (bench/web_load.py). With ``RECLAIM_BENCH_WEB_REUSE=1`` and a
  ``--database-url`` that already holds the size's accounts (from an earlier run), the earlier
  steps are not run again: the database is brought up to date (``reclaim init``) and loaded
  as it is, so the web load can be measured again without ten minutes of building.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from reclaim.bench import synthetic
from reclaim.calendar import Country

TODAY = date(2026, 6, 12)
ISSUED = date(2026, 3, 10)  # the annual bills go out before the year
NOW = datetime(2026, 6, 12, 9, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Figure:
    step: str
    size: int
    items: int
    seconds: float
    items_per_second: float
    peak_memory_mib: float


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _step_import_accounts(url: str, work: Path, size: int, _payments: int) -> int:
    from reclaim.imports.accounts import import_accounts
    from reclaim.services import councils
    from reclaim.store.database import make_engine, migrate
    from reclaim.store.unit_of_work import UnitOfWork

    engine = make_engine(url)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        councils.add(
            uow.connection, synthetic.COUNCIL, "Benchmark Borough Council", Country.ENGLAND
        )
        uow.commit()
    path = work / f"accounts-{size}.csv"
    with UnitOfWork(engine) as uow:
        outcome = import_accounts(uow.connection, path, today=TODAY, now=NOW)
        uow.commit()
    engine.dispose()
    return outcome.rows


def _step_bill(url: str, _work: Path, _size: int, _payments: int) -> int:
    from reclaim.calendar import FinancialYear, InstalmentDay
    from reclaim.services.billing import bill_year
    from reclaim.services.council_years import CouncilYear, set_year
    from reclaim.store.database import make_engine
    from reclaim.store.unit_of_work import UnitOfWork

    engine = make_engine(url)
    year = FinancialYear(2026)
    with UnitOfWork(engine) as uow:
        set_year(
            uow.connection,
            CouncilYear(
                "BENCH",
                year,
                synthetic.SETTINGS.band_d,
                InstalmentDay.DAY_1,
                synthetic.SETTINGS.parishes,
            ),
        )
        uow.commit()
    with UnitOfWork(engine) as uow:
        run = bill_year(uow.connection, "BENCH", year, issued_on=ISSUED, today=ISSUED)
        uow.commit()
    engine.dispose()
    return run.billed


def _step_pay_to_date(url: str, work: Path, size: int, _payments: int) -> int:
    from reclaim.imports.payments import import_payments
    from reclaim.store.database import make_engine
    from reclaim.store.unit_of_work import UnitOfWork

    engine = make_engine(url)
    rows = 0
    for path in sorted(work.glob(f"payments-to-date-{size}-*.csv")):
        with UnitOfWork(engine) as uow:
            rows += import_payments(uow.connection, path, today=TODAY, now=NOW).rows
            uow.commit()
    engine.dispose()
    return rows


def _step_post_payments(url: str, work: Path, size: int, payments: int) -> int:
    from reclaim.imports.payments import import_payments
    from reclaim.store.database import make_engine
    from reclaim.store.unit_of_work import UnitOfWork

    engine = make_engine(url)
    path = work / f"payments-{size}.csv"
    with UnitOfWork(engine) as uow:
        outcome = import_payments(uow.connection, path, today=TODAY, now=NOW)
        uow.commit()
    engine.dispose()
    return outcome.rows


def _step_recovery(url: str, _work: Path, _size: int, _payments: int) -> int:
    from reclaim.services.recovery_run import run_recovery
    from reclaim.store.database import make_engine
    from reclaim.store.unit_of_work import UnitOfWork

    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        run = run_recovery(uow.connection, "BENCH", TODAY)
        uow.commit()
    engine.dispose()
    return run.accounts_read


def _step_arrears_bare(url: str, _work: Path, _size: int, _payments: int) -> int:
    """The floor for the recovery run: read the same tables and compute each account's arrears
    in memory, deciding and writing nothing."""
    from reclaim.services.recovery_run import bare_arrears
    from reclaim.store.database import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        accounts = bare_arrears(conn, "BENCH", TODAY)
    engine.dispose()
    return accounts


def _step_letters(url: str, _work: Path, _size: int, _payments: int) -> int:
    from reclaim.services.letter_data import parse_letterhead, set_letterhead
    from reclaim.services.letters import produce_documents
    from reclaim.store.database import make_engine
    from reclaim.store.unit_of_work import UnitOfWork

    letterhead = Path(__file__).resolve().parent.parent / "examples" / "letterhead.toml"
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        head = parse_letterhead(letterhead.read_text(encoding="utf-8"), letterhead.name)
        set_letterhead(uow.connection, "BENCH", head, TODAY)
        report = produce_documents(uow.connection, "BENCH", TODAY, queue=False)
        uow.commit()
    engine.dispose()
    if report.problems:
        raise RuntimeError(f"letters not produced: {report.problems[:3]}")
    return report.produced


def _step_check(url: str, _work: Path, _size: int, _payments: int) -> int:
    from reclaim.services.checks import run_checks
    from reclaim.store.database import make_engine
    from reclaim.store.unit_of_work import UnitOfWork

    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        results = run_checks(uow.connection)
    engine.dispose()
    breaches = sum(len(r.breaches) for r in results)
    if breaches:
        raise RuntimeError(f"reclaim check found {breaches} breaches in the benchmark data")
    return next(r.checked for r in results if r.invariant.code == "balance_is_sum_of_postings")


def _step_web_load(url: str, work: Path, _size: int, _payments: int) -> int:
    from dataclasses import asdict

    from reclaim.bench.web_load import web_load

    workers = os.environ.get("RECLAIM_BENCH_WEB_WORKERS")
    figures = web_load(
        url,
        officers=int(os.environ.get("RECLAIM_BENCH_OFFICERS", "50")),
        seconds=float(os.environ.get("RECLAIM_BENCH_WEB_SECONDS", "300")),
        workers=int(workers) if workers else None,
    )
    (work / "web_load.json").write_text(json.dumps(asdict(figures)), encoding="utf-8")
    return figures.pages


STEPS: dict[str, Callable[[str, Path, int, int], int]] = {
    "import_accounts": _step_import_accounts,
    "bill": _step_bill,
    "pay_to_date": _step_pay_to_date,
    "post_payments": _step_post_payments,
    "recovery": _step_recovery,
    "arrears_bare": _step_arrears_bare,
    "letters": _step_letters,
    "check": _step_check,
    "web_load": _step_web_load,
}


# Steps that run only when chosen with --only (the web load takes 5 minutes at each size).
ON_REQUEST = ("web_load",)


def _run_in_child(step: str, url: str, work: Path, size: int, payments: int, queue: Any) -> None:
    # Load the code first: the clock measures the step's work, not the interpreter starting.
    import reclaim.imports.accounts
    import reclaim.imports.payments
    import reclaim.services.billing
    import reclaim.services.checks
    import reclaim.services.recovery_run  # noqa: F401

    started = time.perf_counter()
    try:
        items = STEPS[step](url, work, size, payments)
        queue.put(("ok", items, time.perf_counter() - started, _peak_mib()))
    except Exception as error:
        queue.put(("error", f"{type(error).__name__}: {error}", 0.0, _peak_mib()))


def _measure(step: str, url: str, work: Path, size: int, payments: int) -> Figure:
    # The step before may have left gigabytes for the kernel to write out; written now, they
    # are not counted against this step (at 1,000,000 accounts the recovery run came after
    # 2 GB of payments).
    os.sync()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_run_in_child, args=(step, url, work, size, payments, queue))
    child.start()
    status, items, seconds, peak = queue.get()
    child.join()
    if status != "ok":
        raise RuntimeError(f"benchmark step {step} at {size:,} accounts failed: {items}")
    return Figure(
        step, size, int(items), round(seconds, 3), round(items / seconds, 1), round(peak, 1)
    )


def _machine() -> dict[str, Any]:
    memory_kib = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory_kib = int(line.split()[1])
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _fresh_database(url: str | None, work: Path, size: int) -> str:
    if url is None:
        return f"sqlite:///{work / f'bench-{size}.db'}"
    from sqlalchemy import text

    from reclaim.store.database import make_engine
    from reclaim.store.tables import metadata

    engine = make_engine(url)
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(text(f"DROP TABLE IF EXISTS {table.name} CASCADE"))
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP FUNCTION IF EXISTS reclaim_append_only() CASCADE"))
    engine.dispose()
    return url


def _reusable(url: str | None, size: int) -> bool:
    """Whether the web load may reuse ``url`` as it is (``RECLAIM_BENCH_WEB_REUSE=1`` and it
    holds ``size`` accounts); it is brought up to date first."""
    if url is None or os.environ.get("RECLAIM_BENCH_WEB_REUSE") != "1":
        return False
    from sqlalchemy import func, inspect, select

    from reclaim.store import tables as t
    from reclaim.store.database import make_engine, migrate

    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("accounts"):
            return False
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(t.accounts)).scalar_one()
        if count != size:
            return False
        migrate(engine)
        return True
    finally:
        engine.dispose()


def run_bench(
    sizes: list[int],
    *,
    only: str | None,
    payments: int,
    database_url: str | None,
    out: Path,
    console: Console,
) -> list[Figure]:
    if only is not None and only not in STEPS:
        raise SystemExit(f"--only '{only}' is not a step; the steps are {', '.join(STEPS)}")
    figures: list[Figure] = []
    loads: list[dict[str, Any]] = []  # the web load step's figures at each size
    work = Path(tempfile.mkdtemp(prefix="reclaim-bench-"))
    try:
        for size in sizes:
            n_payments = min(payments, size)
            if only == "web_load" and _reusable(database_url, size):
                assert database_url is not None
                console.print(f"[bold]{size:,} accounts[/bold]: reusing the database's accounts")
                figure = _measure("web_load", database_url, work, size, n_payments)
                figures.append(figure)
                loads.append({"accounts": size, **json.loads(
                    (work / "web_load.json").read_text(encoding="utf-8"))})  # fmt: skip
                console.print(f"  web_load: {loads[-1]}")
                continue
            console.print(f"[bold]{size:,} accounts[/bold]: making the files…")
            synthetic.write_accounts(work / f"accounts-{size}.csv", size)
            synthetic.write_payments_to_date(work, size, TODAY)
            synthetic.write_payments(work / f"payments-{size}.csv", n_payments, size, TODAY)
            url = _fresh_database(database_url, work, size)
            for step in STEPS:
                if step in ON_REQUEST and step != only:
                    continue
                # Later steps need the earlier ones' data, so they always run; only the
                # chosen step is reported.
                figure = _measure(step, url, work, size, n_payments)
                if only is None or step == only:
                    figures.append(figure)
                    console.print(
                        f"  {step}: {figure.items:,} in {figure.seconds:.2f} s "
                        f"({figure.items_per_second:,.0f}/s), peak {figure.peak_memory_mib:,.0f} MiB"
                    )
                    if step == "web_load":
                        loads.append({"accounts": size, **json.loads(
                            (work / "web_load.json").read_text(encoding="utf-8"))})  # fmt: skip
                        console.print(f"  web_load: {loads[-1]}")
                if step == only:
                    break
            if database_url is None:
                for leftover in work.glob(f"bench-{size}.db*"):
                    leftover.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _report(figures, database_url, out, console, loads)
    return figures


def recovery_against_bare(figures: list[Figure]) -> list[dict[str, Any]]:
    """At each size with both, the recovery run's seconds over the bare arrears pass's: how
    far the run, which decides and records every step, is from only reading the tables."""
    seconds = {(f.step, f.size): f.seconds for f in figures}
    return [
        {
            "accounts": size,
            "recovery_seconds": seconds[("recovery", size)],
            "bare_seconds": seconds[("arrears_bare", size)],
            "ratio": round(seconds[("recovery", size)] / seconds[("arrears_bare", size)], 2),
        }
        for step, size in seconds
        if step == "recovery" and ("arrears_bare", size) in seconds
    ]


def _report(
    figures: list[Figure],
    database_url: str | None,
    out: Path,
    console: Console,
    loads: list[dict[str, Any]] | None = None,
) -> None:
    table = Table(title="reclaim bench")
    for column in ("step", "accounts", "items", "seconds", "items/s", "peak MiB"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for f in figures:
        table.add_row(
            f.step,
            f"{f.size:,}",
            f"{f.items:,}",
            f"{f.seconds:.2f}",
            f"{f.items_per_second:,.0f}",
            f"{f.peak_memory_mib:,.0f}",
        )
    console.print(table)
    ratios = recovery_against_bare(figures)
    for r in ratios:
        console.print(
            f"Recovery run against the bare arrears pass at {r['accounts']:,} accounts: "
            f"{r['recovery_seconds']:.2f} s / {r['bare_seconds']:.2f} s = {r['ratio']:.2f}"
        )
    machine = _machine()
    console.print(f"Machine: {machine['cores']} cores, {machine['memory_gib']} GiB")
    out.parent.mkdir(parents=True, exist_ok=True)
    from reclaim.store.database import describe

    out.write_text(
        json.dumps(
            {
                "machine": machine,
                "database": "sqlite (temporary file)"
                if database_url is None
                else describe(database_url),
                "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "figures": [asdict(f) for f in figures],
                "recovery_against_bare": ratios,
                "web_load": loads or [],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    console.print(f"Figures written to {out}")
