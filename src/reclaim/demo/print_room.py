"""The demo's print room: each working day's letters made on the second core while the
simulation goes on with the next day.

Day D's letters are made from the database as it stands when day D is committed: the print
room reads that snapshot on a read-only connection (SQLite's WAL lets a reader read while
another connection writes), composes and renders the letters, writes the day's batch PDFs
and manifests, and hands back what the print run records (``letters_print.plan_print``).
The simulation records it (``letters_print.apply_print``) in the next day's transaction:
the simulation reads no document, so nothing it does that day depends on it. Two rules keep
the year exactly the one printed day by day in the simulation's own transaction:

- the print room says when it has started reading, and the simulation does not commit again
  until it has, so what it reads is always day D's end;
- every write to the database is still the simulation's, at the same point of the same day,
  so ids come out the same in every run (``tests/integration/test_demo.py``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import traceback
from datetime import date
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

from sqlalchemy import select

from reclaim.services.letters_print import PrintWork, plan_print
from reclaim.store import tables as t
from reclaim.store.database import make_engine

BACKGROUND_NICENESS = 10  # a background room's processes run at a lower priority (nice)


def _print_room(url: str, council: str, out: str, pipe: Pipe, nice: int) -> None:
    """The second process: plan each day it is sent, until it is sent ``None``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the simulation's: it stops us
    if nice:
        os.nice(nice)
    engine = make_engine(url, read_only=True)
    try:
        while (asked := pipe.recv()) is not None:
            day, created_after = asked
            try:
                with engine.connect() as conn, conn.begin():
                    # SQLite takes a reader's snapshot at its first read.
                    conn.execute(select(t.councils.c.id).limit(1)).all()
                    pipe.send(("reading", day))
                    work = plan_print(conn, council, day, Path(out), created_after)
                pipe.send(("planned", day, work))
            except Exception as error:  # told to the simulation, which stops with it
                pipe.send(("failed", day, str(error), traceback.format_exc()))
    finally:
        engine.dispose()


class PrintRoom:
    """Plans one day's print run at a time in a second process (``spawn``: a fork of a
    process running Polars' threads can hang)."""

    def __init__(self, url: str, council: str, out: Path, *, background: bool = False) -> None:
        """``background``: the room yields the processor to everything else (a long print
        run with weeks to finish in, which should not hold up the days printed meanwhile)."""
        context = multiprocessing.get_context("spawn")
        self._pipe, theirs = context.Pipe()
        self._process = context.Process(
            target=_print_room,
            args=(url, council, str(out), theirs, BACKGROUND_NICENESS if background else 0),
            name="reclaim demo print room",
            daemon=True,
        )
        self._process.start()
        theirs.close()
        self._pending: date | None = None
        self._reading = False

    def start(self, day: date, created_after: date | None = None) -> None:
        """Plan ``day``'s print run from the database as it is now (just committed);
        ``created_after``: of the letters created after that day only."""
        if self._pending is not None:
            raise RuntimeError(f"the print run of {self._pending} has not been collected")
        self._pipe.send((day, created_after))
        self._pending, self._reading = day, False

    def reading(self) -> None:
        """Wait until the print room has its snapshot of the pending day: call before the
        next commit."""
        if self._pending is not None and not self._reading:
            self._receive("reading")
            self._reading = True

    def collect(self) -> PrintWork | None:
        """The pending day's planned print run (waiting for it), or None if none is pending."""
        if self._pending is None:
            return None
        self.reading()
        work: PrintWork = self._receive("planned")[2]
        self._pending = None
        return work

    def close(self) -> None:
        """Stop the room (it finishes the day it is planning first); safe after a failure or
        an interruption, when the room may already be gone."""
        if self._process.is_alive():
            with contextlib.suppress(OSError):  # gone already (interrupted with us)
                self._pipe.send(None)
            self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self._pipe.close()

    def _receive(self, expected: str) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = self._pipe.recv()
        except EOFError:
            raise RuntimeError(
                f"the demo's print room stopped while printing {self._pending}"
            ) from None
        if message[0] == "failed":
            _, day, what, where = message
            raise RuntimeError(f"the demo's print room could not print {day}: {what}\n\n{where}")
        if message[0] != expected or message[1] != self._pending:
            raise RuntimeError(f"the demo's print room sent {message[:2]}, not {expected}")
        return message
