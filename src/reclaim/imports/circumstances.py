"""The optional columns of an accounts file that say what a liability's charge depends on.

A council migrating from a legacy system brings each Council Tax and Business Rates account's
circumstances with it, as on the day the account starts:

    council tax:    parish, single_person_discount, exemption_class, council_tax_reduction
    business rates: relief, retail_hospitality_leisure, industrial, empty_from

Each becomes a dated row of ``circumstances`` (``domain.liability.CircumstanceKind``) from the
account's start date (``empty_from``: from the day the property fell empty, which may be
earlier), so billing works the year out from them like any circumstance an officer records
later. The parish is not a circumstance but the dwelling's: it is stored on a new property
(``accounts.py`` writes it).

A column that does not apply to the row's kind of account is refused when filled, as a band
is on a business rates row. As everywhere in the import, each distinct value is parsed once
(``Checks.parse``) and the rules are column expressions; a file without these columns costs
nothing more to check.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Connection

from reclaim.domain.accounts import AccountKind
from reclaim.domain.liability import CircumstanceKind
from reclaim.imports.csv_files import FieldError, choice, parse_date, parse_money
from reclaim.imports.frames import Checks
from reclaim.money import Money
from reclaim.store import tables as t
from reclaim.store.bulk import insert_rows, reserve_ids

PARISH_LENGTH = 80  # properties.parish, parish_precepts.parish

_YES_NO = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}
_RELIEFS = {
    "small_business": CircumstanceKind.SMALL_BUSINESS_RELIEF.value,
    "charity": CircumstanceKind.CHARITABLE_RELIEF.value,
}
_EXEMPTION_CLASSES = frozenset("ABCDEFGHIJKLMNOPQRSTUVW")  # Council Tax (Exempt Dwellings) Order


def _parish(text: str) -> str:
    if len(text) > PARISH_LENGTH or not text.isprintable():
        raise FieldError(
            f"'{text[:50]}' is not a usable parish name "
            f"(at most {PARISH_LENGTH} printable characters)"
        )
    return text


def _yes_no(text: str) -> bool:
    return choice(text, _YES_NO, "'{text}' is not yes or no")


def _exemption_class(text: str) -> str:
    letter = text.upper()
    if letter not in _EXEMPTION_CLASSES:
        raise FieldError(f"'{text}' is not an exemption class: use one letter, A to W")
    return letter


def _relief(text: str) -> str:
    return choice(text, _RELIEFS, "'{text}' is not a relief; use small_business or charity")


def _pence(text: str) -> int:
    return parse_money(text).pence


@dataclass(frozen=True, slots=True)
class _Column:
    name: str  # in the file
    value: str  # the parsed value, in the checked frame
    parse: Callable[[str], Any]
    dtype: type[pl.DataType]
    applies_to: AccountKind
    what: str  # "only a council tax account has <what>, not a … account"


_CT, _NNDR = AccountKind.COUNCIL_TAX, AccountKind.BUSINESS_RATES
_COLUMNS = (
    _Column("parish", "parish_value", _parish, pl.String, _CT, "a parish"),
    _Column(
        "single_person_discount",
        "single_person_value",
        _yes_no,
        pl.Boolean,
        _CT,
        "a single person discount",
    ),
    _Column("exemption_class", "exemption_value", _exemption_class, pl.String, _CT, "an exemption"),
    _Column(
        "council_tax_reduction", "reduction_pence", _pence, pl.Int64, _CT, "Council Tax Reduction"
    ),
    _Column(
        "relief", "relief_value", _relief, pl.String, _NNDR, "small business or charitable relief"
    ),
    _Column(
        "retail_hospitality_leisure",
        "rhl_value",
        _yes_no,
        pl.Boolean,
        _NNDR,
        "retail, hospitality and leisure relief",
    ),
    _Column("industrial", "industrial_value", _yes_no, pl.Boolean, _NNDR, "industrial premises"),
    _Column("empty_from", "empty_from_value", parse_date, pl.Date, _NNDR, "an empty property"),
)

CIRCUMSTANCE_COLUMNS = tuple(c.name for c in _COLUMNS)
CIRCUMSTANCE_VALUES = tuple(c.value for c in _COLUMNS)


def parse_circumstances(check: Checks, header: Collection[str]) -> list[pl.Series | pl.Expr]:
    """The parsed value of each column, named as in ``CIRCUMSTANCE_VALUES`` (null where blank,
    bad or left out of the file); bad values become problems naming the line and field."""
    parsed: list[pl.Series | pl.Expr] = []
    for column in _COLUMNS:
        if column.name in header:
            parsed.append(check.parse(column.name, column.parse, column.dtype).alias(column.value))
        else:
            parsed.append(pl.lit(None, dtype=column.dtype).alias(column.value))
    return parsed


def circumstance_rules(check: Checks, header: Collection[str]) -> None:
    """The rules joining a circumstance to its account, on the checked frame (which has
    ``kind_value`` and ``label``)."""
    kind, label = pl.col("kind_value"), pl.col("label")
    for column in _COLUMNS:
        if column.name not in header:
            continue
        check.problem(
            kind.is_not_null() & (kind != column.applies_to.value) & (pl.col(column.name) != ""),
            column.name,
            pl.format(
                f"only a {column.applies_to.label.lower()} account has {column.what}, "
                "not a {} account",
                label,
            ),
        )
    if "council_tax_reduction" in header:
        reduction = pl.col("reduction_pence")
        check.problem(
            reduction <= 0,
            "council_tax_reduction",
            pl.format(
                "Council Tax Reduction is the year's award, more than £0.00, not {}",
                reduction.map_elements(lambda p: Money(p).format(), return_dtype=pl.String),
            ),
        )


CIRCUMSTANCE_ROW = (
    "id",
    "account_id",
    "kind",
    "starts_on",
    "ends_on",
    "detail",
    "amount_pence",
    "recorded_on",
    "reason",
)


def circumstance_rows(accounts: pl.DataFrame, *, file_name: str, today: date) -> pl.DataFrame:
    """One row per circumstance the checked accounts bring, in file order, without ids:
    (account_id, kind, starts_on, ends_on, detail, amount_pence, recorded_on, reason)."""
    start = pl.col("start")
    no_detail = pl.lit(None, dtype=pl.String)
    no_amount = pl.lit(None, dtype=pl.Int64)

    def kind(k: CircumstanceKind) -> pl.Expr:
        return pl.lit(k.value)

    # (which rows, kind, from, detail, amount)
    each: list[tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr]] = [
        (
            pl.col("single_person_value").fill_null(False),
            kind(CircumstanceKind.SINGLE_PERSON_DISCOUNT),
            start,
            no_detail,
            no_amount,
        ),
        (
            pl.col("exemption_value").is_not_null(),
            kind(CircumstanceKind.EXEMPTION),
            start,
            pl.col("exemption_value"),
            no_amount,
        ),
        (
            pl.col("reduction_pence").is_not_null(),
            kind(CircumstanceKind.COUNCIL_TAX_REDUCTION),
            start,
            no_detail,
            pl.col("reduction_pence"),
        ),
        (pl.col("relief_value").is_not_null(), pl.col("relief_value"), start, no_detail, no_amount),
        (
            pl.col("rhl_value").fill_null(False),
            kind(CircumstanceKind.RETAIL_HOSPITALITY_LEISURE),
            start,
            no_detail,
            no_amount,
        ),
        (
            pl.col("industrial_value").fill_null(False),
            kind(CircumstanceKind.INDUSTRIAL),
            start,
            no_detail,
            no_amount,
        ),
        (
            pl.col("empty_from_value").is_not_null(),
            kind(CircumstanceKind.EMPTY),
            pl.col("empty_from_value"),
            no_detail,
            no_amount,
        ),
    ]
    found = pl.concat(
        [
            accounts.filter(which).select(
                "row",
                "line",
                "account_id",
                what.alias("kind"),
                starts.alias("starts_on"),
                detail.alias("detail"),
                amount.alias("amount_pence"),
            )
            for which, what, starts, detail, amount in each
        ]
    ).sort("row", maintain_order=True)
    return found.select(
        "account_id",
        "kind",
        pl.col("starts_on").dt.strftime("%Y-%m-%d"),
        pl.lit(None, dtype=pl.String).alias("ends_on"),
        "detail",
        "amount_pence",
        pl.lit(today.isoformat()).alias("recorded_on"),
        pl.format("imported from {} line {}", pl.lit(file_name), pl.col("line")).alias("reason"),
    )


def write_circumstances(
    conn: Connection, accounts: pl.DataFrame, *, file_name: str, today: date
) -> int:
    """Write the circumstances the checked accounts (with their ``account_id``) bring; returns
    how many."""
    rows = circumstance_rows(accounts, file_name=file_name, today=today)
    if not rows.height:
        return 0
    ids = pl.Series("id", reserve_ids(conn, t.circumstances, rows.height), dtype=pl.Int64)
    return insert_rows(
        conn, t.circumstances, CIRCUMSTANCE_ROW, rows.insert_column(0, ids).iter_rows()
    )
