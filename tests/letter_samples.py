"""Samples of every letter, rendered to PNG for people to read (``scripts/letter-samples``).

The facts are made up but consistent: a band B account of £1,234.56 for 2026/27 in ten
instalments (nine of £123.00 and a first of £127.56), a reminder for the first two.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium

from reclaim.domain.letters.content import Recipient, Style
from reclaim.domain.letters.templates import FactKind, Facts, compose
from reclaim.money import Money
from reclaim.services.letter_data import advice, parse_letterhead, templates
from reclaim.services.letters_pdf import render

SRC = Path(__file__).resolve().parents[1] / "src" / "reclaim"
HEAD = parse_letterhead((SRC / "examples" / "letterhead.toml").read_text(), "letterhead.toml")
TO = Recipient("Dev Patel", ("Flat 3", "4 Mill Lane", "Example Town"), "EX2 3CD")
DUE = tuple(
    (date(2026, 4 + n, 15) if n < 9 else date(2027, 1, 15), Money(12756 if n == 0 else 12300))
    for n in range(10)
)
BASE = Facts(
    name="Dev Patel",
    reference="CT-1000003",
    council=HEAD.council_name,
    debt="Council Tax",
    year="2026/27",
    issued_on=date(2026, 5, 20),
    property="Flat 3, 4 Mill Lane, Example Town, EX2 3CD",
)


def facts_for(name: str, kind: FactKind) -> Facts:
    if kind is FactKind.BILL:
        return replace(
            BASE,
            debt="Business Rates" if name.startswith("business") else "Council Tax",
            issued_on=date(2026, 3, 10),
            charge=Money.parse("1234.56"),
            bill_lines=(
                ("Band B: 7/9 of Band D £2,116.37", Money.parse("1646.08")),
                ("Single person discount (25%)", Money.parse("-411.52")),
            ),
            instalments=DUE,
        )
    if kind is FactKind.HOLD:
        return replace(
            BASE,
            starts_on=date(2026, 5, 20),
            review_by=date(2026, 6, 19),
            hold_reason="You told us you are waiting for a decision on Council Tax Reduction.",
            balance=Money.parse("1107.56"),
        )
    if kind is FactKind.BREATHING_SPACE:
        return replace(BASE, starts_on=date(2026, 5, 20), ends_on=date(2026, 7, 18))
    facts = replace(
        BASE,
        debt="Business Rates" if name.startswith("business") else "Council Tax",
        amount=Money.parse("250.56"),
        pay_by=date(2026, 5, 26),
        demanded_through=date(2026, 5, 27),
        balance=Money.parse("1234.56"),
        summons_costs=Money.parse("70.00"),
        costs=Money(0),
        instalments=DUE[:2],
    )
    if "final-notice" in name:
        return replace(facts, amount=Money.parse("1234.56"), instalments=DUE[:2])
    if "summons" in name:
        return replace(
            facts,
            amount=Money.parse("1234.56"),
            costs=Money.parse("70.00"),
            hearing_on=date(2026, 6, 19),
            balance=Money.parse("1304.56"),
        )
    if "liability-order" in name:
        return replace(
            facts,
            amount=Money.parse("1304.56"),
            costs=Money.parse("40.00"),
            balance=Money.parse("1344.56"),
        )
    return facts


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, template in sorted(templates().items()):
        welsh = name.endswith("-wales") or name == "council-tax-bill"
        letter = compose(template, facts_for(name, template.kind), HEAD, TO, advice(), welsh=welsh)
        _png(render(letter).pdf, out / name)
    large = compose(
        templates()["council-tax-reminder"],
        facts_for("council-tax-reminder", FactKind.NOTICE),
        HEAD,
        TO,
        advice(),
        style=Style.LARGE_PRINT,
    )
    _png(render(large).pdf, out / "council-tax-reminder-large-print")


def _png(pdf: bytes, stem: Path) -> None:
    document = pdfium.PdfDocument(pdf)
    for n in range(min(2, len(document))):
        image = document[n].render(scale=1.0).to_pil().convert("L")
        image = image.quantize(16)
        image.save(f"{stem}-page{n + 1}.png", optimize=True)
    document.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/letters"))
