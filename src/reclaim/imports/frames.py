"""Reading a checked CSV file into a Polars frame, and checking its columns in bulk.

Every column is read as stripped text with the line each row came from. ``Checks`` gathers
problems as frames of (line, field, message) and parses a column by *distinct* value with the
same small parsers as everywhere else (``parse_date``, ``Money.parse`` …): a million rows have
few distinct dates, so each is parsed once, and the messages are the parsers' own.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from reclaim.domain.errors import DomainError, Problem
from reclaim.imports.csv_files import CsvFile, FieldError, Row

MAX_PROBLEMS = 1000


def read_frame(file: CsvFile, optional: Sequence[str] = ()) -> tuple[pl.DataFrame, list[Problem]]:
    """Every column as stripped text, with the line each row came from.

    Polars reads the file when every line is one row; a file with quoted line breaks, blank
    lines or ragged rows is read by Python's csv module instead, which knows exact lines.
    """
    header = list(file.header)
    data = file.data()
    newlines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    frame = None
    try:
        frame = pl.read_csv(
            io.BytesIO(data),
            infer_schema=False,
            has_header=True,
            empty_string_is_null=False,
            new_columns=header,
        )
    except pl.exceptions.PolarsError:
        frame = None
    if frame is not None and frame.width == len(header) and frame.height == newlines - 1:
        frame = frame.with_columns(pl.all().fill_null("").str.strip_chars()).with_columns(
            (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("line")
        )
        # A blank line, or a row of empty cells as spreadsheets leave, is not an account.
        frame = frame.filter(pl.any_horizontal(pl.col(header) != ""))
        return _with_missing(frame, optional), []
    problems: list[Problem] = []
    lines: list[int] = []
    rows: list[list[str]] = []
    index = {name: i for i, name in enumerate(header)}
    for line, cells in file.rows():
        row = Row(file, index, line, cells)
        row.check_width()
        problems.extend(row.problems)
        lines.append(line)
        rows.append(row.texts(header))
    frame = pl.DataFrame(rows, schema=header, orient="row") if rows else _empty(header)
    frame = frame.with_columns(pl.Series("line", lines, dtype=pl.Int64))
    return _with_missing(frame, optional), problems


def _empty(header: list[str]) -> pl.DataFrame:
    return pl.DataFrame({name: pl.Series(name, [], dtype=pl.String) for name in header})


def _with_missing(frame: pl.DataFrame, optional: Sequence[str]) -> pl.DataFrame:
    """Optional columns the file left out, as blank text."""
    return frame.with_columns(pl.lit("").alias(c) for c in optional if c not in frame.columns)


class Checks:
    """Gathers problems as frames of (line, field, message) and parses cells by distinct value."""

    def __init__(self, frame: pl.DataFrame, file_name: str) -> None:
        self.frame = frame
        self.file_name = file_name
        self.found: list[pl.DataFrame] = []

    def problem(self, mask: pl.Expr, field: str, message: pl.Expr | str) -> None:
        text = pl.lit(message) if isinstance(message, str) else message
        self.found.append(
            self.frame.filter(mask).select(
                pl.col("line"), pl.lit(field).alias("field"), text.cast(pl.String).alias("message")
            )
        )

    def parse(
        self,
        column: str,
        parse: Callable[[str], Any],
        dtype: pl.DataType | type[pl.DataType],
        *,
        required: bool = False,
    ) -> pl.Series:
        """Parse each distinct non-blank value once; bad ones become problems naming them."""
        values = self.frame.get_column(column)
        good: dict[str, Any] = {}
        bad: dict[str, str] = {}
        for text in values.unique().to_list():
            if not text:
                continue
            try:
                good[text] = parse(text)
            except (FieldError, DomainError, ValueError) as error:
                bad[text] = str(error)
        if bad:
            self.problem(
                pl.col(column).is_in(list(bad)),
                column,
                pl.col(column).replace_strict(bad, default=None, return_dtype=pl.String),
            )
        if required:
            self.problem(pl.col(column) == "", column, f"{column} is required")
        return values.replace_strict(good, default=None, return_dtype=dtype).alias(column)

    def problems(self, extra: list[Problem]) -> list[Problem]:
        found = [f for f in self.found if f.height]
        problems = list(extra)
        if found:
            table = pl.concat(found).sort("line", maintain_order=True).head(MAX_PROBLEMS)
            problems += [
                Problem(message, line=line, field=field, file=self.file_name)
                for line, field, message in table.iter_rows()
            ]
        problems.sort(key=lambda p: p.line or 0)
        if len(problems) >= MAX_PROBLEMS:
            problems = problems[:MAX_PROBLEMS]
            problems.append(Problem("stopped after 1,000 problems", file=self.file_name))
        return problems
