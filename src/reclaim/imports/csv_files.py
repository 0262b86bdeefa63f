"""Reading a CSV file strictly: its header, its rows with line numbers, and field parsers.

The field parsers raise ``FieldError`` with a plain-English message; the importers turn each
into a Problem carrying the file, line and field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from reclaim.domain.errors import InputRefused, Problem
from reclaim.money import Money, MoneyError

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


class FieldError(ValueError):
    """A field's text is not acceptable; the message says why in plain English."""


@dataclass(frozen=True, slots=True)
class CsvFile:
    """A CSV file whose text and header have been checked. The content is read again when
    needed rather than held, so a large file is not kept in memory twice."""

    path: Path
    sha256: str
    header: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.path.name

    def data(self) -> bytes:
        """The content without a UTF-8 byte order mark."""
        data = self.path.read_bytes()
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else data

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number in the file, cells) for each data row; blank lines are skipped."""
        reader = csv.reader(io.StringIO(self.data().decode("utf-8")))
        next(reader)
        start = reader.line_num + 1
        for cells in reader:
            if cells and any(c.strip() for c in cells):
                yield start, cells
            start = reader.line_num + 1


def read_csv(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> CsvFile:
    """Read and check the header; raises InputRefused naming any missing or unknown column."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputRefused(
            [Problem(f"cannot read the file: {error.strerror}", file=path.name)]
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputRefused(
            [Problem("the file is not UTF-8 text; save it as CSV UTF-8", file=path.name, line=line)]
        ) from None
    first = next(csv.reader(io.StringIO(text)), None)
    if not first:
        raise InputRefused(
            [Problem("the file is empty: it needs a header row", file=path.name, line=1)]
        )
    header = tuple(cell.strip().lower() for cell in first)
    problems = [
        Problem(f"the header has no '{name}' column", file=path.name, line=1, field=name)
        for name in required
        if name not in header
    ]
    known = set(required) | set(optional)
    problems += [
        Problem(
            f"'{name}' is not a column this file takes (expected: {', '.join([*required, *optional])})",
            file=path.name,
            line=1,
            field=name,
        )
        for name in header
        if name not in known
    ]
    repeated = sorted({name for name in header if header.count(name) > 1})
    problems += [
        Problem(f"the column '{name}' appears more than once", file=path.name, line=1, field=name)
        for name in repeated
    ]
    if problems:
        raise InputRefused(problems)
    return CsvFile(path, hashlib.sha256(data).hexdigest(), header)


class Row:
    """One data row, read by column name; collects its problems instead of stopping."""

    __slots__ = ("cells", "file", "index", "line", "problems", "values")

    def __init__(self, file: CsvFile, index: dict[str, int], line: int, cells: list[str]):
        self.file = file
        self.index = index
        self.line = line
        self.cells = cells
        self.problems: list[Problem] = []
        self.values = dict(zip(file.header, (cell.strip() for cell in cells), strict=False))

    def texts(self, names: Sequence[str]) -> list[str]:
        """The stripped text of several columns at once."""
        values = self.values
        return [values.get(name, "") for name in names]

    def text(self, name: str) -> str:
        return self.values.get(name, "")

    def problem(self, name: str | None, message: str) -> None:
        self.problems.append(Problem(message, line=self.line, field=name, file=self.file.name))

    def check_width(self) -> None:
        if len(self.cells) > len(self.index):
            self.problem(
                None, f"the row has {len(self.cells)} cells but the header has {len(self.index)}"
            )


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> date:
    """ISO ``2026-04-01`` or UK ``01/04/2026`` (day first). Nothing else: no guessing."""
    try:
        if len(text) == 10 and ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        uk = UK_DATE.match(text)
        if uk:
            return date(int(uk[3]), int(uk[2]), int(uk[1]))
    except ValueError:
        raise FieldError(f"'{text}' is not a real date") from None
    raise FieldError(f"'{text}' is not a date: write it as 2026-04-01 or 01/04/2026")


def parse_money(text: str) -> Money:
    try:
        return Money.parse(text)
    except MoneyError as error:
        raise FieldError(str(error)) from None


def parse_whole_number(text: str) -> int:
    if not text.isdigit():
        raise FieldError(f"'{text}' is not a whole number")
    return int(text)


def choice(text: str, choices: Mapping[str, T], refusal: str) -> T:
    """The member of a closed set that ``text`` names, in any case; else FieldError.

    ``refusal`` is the message, with ``{text}`` where the text given should appear."""
    chosen = choices.get(text.lower())
    if chosen is None:
        raise FieldError(refusal.format(text=text))
    return chosen


def choices_of(values: Iterable[E]) -> dict[str, E]:
    """A closed set of values, keyed by their lower-case text, for ``choice``."""
    return {value.value.lower(): value for value in values}
