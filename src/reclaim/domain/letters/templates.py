"""Letter templates as data, and composing a letter from a template and the facts of a case.

A template is a TOML file (``reclaim/data/letters/<name>.toml``) with a version:

    [letter]
    name = "council-tax-reminder"      # the name a strategy stage or a bill gives
    version = 1                        # raise it whenever the wording changes
    title = "Council Tax reminder"
    title_cy = "..."                   # optional: Welsh, printed with the English
    postage = "second"                 # first | second | economy
    kind = "notice"                    # the facts it needs: bill | notice | hold | breathing_space

    [[section]]
    heading = "What you owe"
    text = ["You have not paid $amount ...", "..."]   # paragraphs; $name is a fact
    table = "instalments"              # optional: instalments | bill_lines | amounts
    box = "Pay $amount by $pay_by."    # optional: a boxed line (the one thing to do)
    when = "costs"                     # optional: only when that fact is present

Every letter then gets, from data the council sets, how to pay, how to contact the council
and the free-advice block (``advice.toml``): the Council Tax Protocol asks every notice to
signpost free advice. Welsh text goes in ``heading_cy`` / ``text_cy`` beside the English; a
Welsh council's letters print both (Welsh first), an English council's only the English.

``load_template`` refuses a file naming every problem (file, line where known, field); a
``$name`` that is not a fact is one of them, so a typo cannot reach a resident.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from string import Template as TextTemplate
from typing import Any, TypeVar

from reclaim.domain.errors import DomainError, InputRefused, Problem
from reclaim.domain.letters.content import (
    Block,
    BlockKind,
    Letter,
    Letterhead,
    Postage,
    Recipient,
    Style,
    date_words,
    date_words_cy,
    money_words,
    short_date,
)
from reclaim.money import Money

_E = TypeVar("_E", bound=StrEnum)


class FactKind(StrEnum):
    """What a document is about, which says which facts it can rely on."""

    BILL = "bill"
    NOTICE = "notice"
    HOLD = "hold"
    BREATHING_SPACE = "breathing_space"


class TableName(StrEnum):
    INSTALMENTS = "instalments"
    BILL_LINES = "bill_lines"
    AMOUNTS = "amounts"


@dataclass(frozen=True, slots=True)
class Facts:
    """The facts of one case that a letter may state. Amounts are Money, dates are dates;
    the letter's words for them are made here, in one place."""

    name: str
    reference: str
    council: str
    debt: str  # "Council Tax" / "Business Rates"
    year: str  # "2026/27"
    issued_on: date
    property: str = ""
    amount: Money | None = None  # what this letter asks to be paid
    pay_by: date | None = None
    demanded_through: date | None = None
    falls_due: date | None = None
    hearing_on: date | None = None
    costs: Money | None = None  # costs added (or that will be asked for) by this step
    balance: Money | None = None  # the year's unpaid balance
    charge: Money | None = None  # a bill's charge for the year
    review_by: date | None = None  # a hold's review date
    hold_reason: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    summons_costs: Money | None = None  # the costs a summons would add (from the strategy)
    instalments: tuple[tuple[date, Money], ...] = ()
    bill_lines: tuple[tuple[str, Money], ...] = ()

    def words(self, welsh: bool = False) -> dict[str, str]:
        """Every fact present, as the letter says it (dates in Welsh for Welsh wording);
        absent facts are left out."""
        say_date = date_words_cy if welsh else date_words
        out: dict[str, str] = {}
        for key in _FIELD_FACTS:
            value = getattr(self, key)
            if value is None or value == "" or value == ():
                continue
            if isinstance(value, Money):
                out[key] = money_words(value)
            elif isinstance(value, date):
                out[key] = say_date(value)
            elif isinstance(value, str):
                out[key] = value
        if self.amount is not None and self.costs is not None:
            out["total"] = money_words(self.amount + self.costs)
        if self.instalments:
            out["first_due"] = say_date(self.instalments[0][0])
            out["instalment_count"] = str(len(self.instalments))
        return out

    def table(self, name: TableName) -> tuple[tuple[str, str], ...]:
        if name is TableName.INSTALMENTS:
            return tuple((short_date(d), money_words(m)) for d, m in self.instalments)
        if name is TableName.BILL_LINES:
            lines = tuple((what, money_words(m)) for what, m in self.bill_lines)
            if self.charge is not None:
                lines += (("Total for the year", money_words(self.charge)),)
            return lines
        rows: tuple[tuple[str, str], ...] = ()
        if self.amount is not None:
            rows += (("Amount due now", money_words(self.amount)),)
        if self.costs is not None and self.costs.is_positive:
            rows += (("Costs", money_words(self.costs)),)
            if self.amount is not None:
                rows += (("Total to pay", money_words(self.amount + self.costs)),)
        if self.balance is not None:
            rows += (("Unpaid for the year", money_words(self.balance)),)
        return rows


_FIELD_FACTS = tuple(
    n for n in Facts.__dataclass_fields__ if n not in ("instalments", "bill_lines")
)
FACT_NAMES = (*_FIELD_FACTS, "total", "first_due", "instalment_count")
_WHEN_NAMES = (*FACT_NAMES, "instalments", "bill_lines")
_PLACEHOLDER = re.compile(r"\$(?:(\w+)|\{(\w+)\})")


@dataclass(frozen=True, slots=True)
class Section:
    heading: str = ""
    text: tuple[str, ...] = ()
    heading_cy: str = ""
    text_cy: tuple[str, ...] = ()
    table: TableName | None = None
    box: str = ""
    box_cy: str = ""
    when: str = ""


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    version: int
    title: str
    kind: FactKind
    postage: Postage
    sections: tuple[Section, ...]
    title_cy: str = ""
    source: str = ""

    def placeholders(self) -> set[str]:
        found: set[str] = set()
        for s in self.sections:
            for text in (s.heading, s.box, *s.text, s.heading_cy, s.box_cy, *s.text_cy):
                found.update(a or b for a, b in _PLACEHOLDER.findall(text))
        return found


@dataclass(frozen=True, slots=True)
class Advice:
    """The free-advice block every letter ends with (data: ``advice.toml``)."""

    heading: str
    text: str
    services: tuple[tuple[str, str], ...] = field(default=())  # (name, how to reach)
    heading_cy: str = ""
    text_cy: str = ""


_LETTER_KEYS = {"name", "version", "title", "title_cy", "postage", "kind"}
_SECTION_KEYS = {"heading", "text", "heading_cy", "text_cy", "table", "box", "box_cy", "when"}


def load_template(text: str, file: str) -> Template:
    """A template from its TOML text, or ``InputRefused`` listing every problem in it."""
    problems: list[Problem] = []

    def problem(message: str, field_name: str | None = None) -> None:
        problems.append(Problem(message, file=file, field=field_name))

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputRefused([Problem(f"is not valid TOML: {e}", file=file)]) from e
    for key in set(raw) - {"letter", "section"}:
        problem(f"unknown section [{key}]", key)
    head: dict[str, Any] = raw.get("letter", {})
    for key in set(head) - _LETTER_KEYS:
        problem(f"unknown key {key!r} in [letter]", f"letter.{key}")
    name = _text(head, "name", problem, "letter.")
    title = _text(head, "title", problem, "letter.")
    version = head.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problem("version must be a whole number of 1 or more", "letter.version")
        version = 0
    kind = _choice(head.get("kind"), FactKind, "letter.kind", problem)
    postage = _choice(head.get("postage", "second"), Postage, "letter.postage", problem)
    sections = []
    for n, rs in enumerate(raw.get("section", []), start=1):
        where = f"section {n}"
        for key in set(rs) - _SECTION_KEYS:
            problem(f"unknown key {key!r}", f"{where}.{key}")
        table = None
        if "table" in rs:
            table = _choice(rs["table"], TableName, f"{where}.table", problem)
        when = rs.get("when", "")
        if when and when not in _WHEN_NAMES:
            problem(f"when = {when!r} is not a fact a letter knows", f"{where}.when")
        text_list = _paragraphs(rs.get("text", []), f"{where}.text", problem)
        cy_list = _paragraphs(rs.get("text_cy", []), f"{where}.text_cy", problem)
        section = Section(
            heading=str(rs.get("heading", "")),
            text=text_list,
            heading_cy=str(rs.get("heading_cy", "")),
            text_cy=cy_list,
            table=table,
            box=str(rs.get("box", "")),
            box_cy=str(rs.get("box_cy", "")),
            when=when,
        )
        if not (section.heading or section.text or section.table or section.box):
            problem("a section needs a heading, text, a table or a box", where)
        sections.append(section)
    if not sections:
        problem("a letter needs at least one [[section]]", "section")
    template = Template(
        name=name,
        version=version,
        title=title,
        kind=kind or FactKind.NOTICE,
        postage=postage or Postage.SECOND,
        sections=tuple(sections),
        title_cy=str(head.get("title_cy", "")),
        source=file,
    )
    for unknown in sorted(template.placeholders() - set(FACT_NAMES)):
        problem(f"${unknown} is not a fact a letter knows (known: {', '.join(FACT_NAMES)})")
    if problems:
        raise InputRefused(problems, f"the letter template {file} has {len(problems)} problem(s)")
    return template


def load_advice(text: str, file: str) -> Advice:
    raw = tomllib.loads(text)
    block = raw.get("advice", {})
    services = tuple((str(s["name"]), str(s["contact"])) for s in raw.get("service", []))
    if not block.get("heading") or not block.get("text") or not services:
        raise InputRefused(
            [Problem("needs [advice] heading and text and at least one [[service]]", file=file)]
        )
    return Advice(
        heading=str(block["heading"]),
        text=str(block["text"]),
        services=services,
        heading_cy=str(block.get("heading_cy", "")),
        text_cy=str(block.get("text_cy", "")),
    )


def compose(
    template: Template,
    facts: Facts,
    letterhead: Letterhead,
    recipient: Recipient,
    advice: Advice,
    *,
    welsh: bool = False,
    style: Style = Style.STANDARD,
) -> Letter:
    """The letter a template says for these facts. A section's ``when`` fact that is absent
    leaves the section out; any other fact the wording needs and the case lacks is an error,
    never a blank in a letter."""
    words = facts.words()
    words_cy = facts.words(welsh=True)
    blocks: list[Block] = []

    def fill(text: str, where: str, cy: bool = False) -> str:
        try:
            return TextTemplate(text).substitute(words_cy if cy else words)
        except KeyError as e:
            raise DomainError(
                f"the letter {template.name} ({where}) needs {e.args[0]!r}, which "
                f"account {facts.reference} does not have"
            ) from e

    for n, s in enumerate(template.sections, start=1):
        if s.when and not _present(facts, s.when, words):
            continue
        where = f"section {n}"
        languages = ((s.heading_cy, s.text_cy, s.box_cy, True),) if welsh else ()
        for heading, paragraphs, box, cy in (*languages, (s.heading, s.text, s.box, False)):
            if heading:
                blocks.append(Block(BlockKind.HEADING, fill(heading, where, cy)))
            blocks.extend(Block(BlockKind.PARAGRAPH, fill(p, where, cy)) for p in paragraphs)
            if box:
                blocks.append(Block(BlockKind.BOX, fill(box, where, cy)))
        if s.table is not None:
            rows = facts.table(s.table)
            if rows:
                blocks.append(Block(BlockKind.TABLE, rows=rows))
    blocks.extend(_standard_blocks(letterhead, advice, welsh))
    return Letter(
        template=template.name,
        version=template.version,
        title=template.title,
        title_cy=template.title_cy if welsh else "",
        issued_on=facts.issued_on,
        reference=facts.reference,
        letterhead=letterhead,
        recipient=recipient,
        blocks=tuple(blocks),
        postage=template.postage,
        style=style,
        references=(("Account", facts.reference), ("Date", short_date(facts.issued_on))),
    )


def _standard_blocks(letterhead: Letterhead, advice: Advice, welsh: bool) -> list[Block]:
    blocks = [Block(BlockKind.HEADING, "How to pay")]
    blocks.extend(Block(BlockKind.PARAGRAPH, line) for line in letterhead.how_to_pay)
    blocks.append(Block(BlockKind.HEADING, "Contact us"))
    contact = f"Phone {letterhead.phone}"
    if letterhead.opening_hours:
        contact += f" ({letterhead.opening_hours})"
    contact += f", email {letterhead.email} or visit {letterhead.website}."
    blocks.append(
        Block(
            BlockKind.PARAGRAPH,
            f"{contact} Please quote your account reference. If you are struggling to pay, "
            "contact us as soon as you can: we can often agree a different way to pay.",
        )
    )
    if welsh and advice.heading_cy:
        blocks.append(Block(BlockKind.HEADING, advice.heading_cy))
        blocks.append(Block(BlockKind.PARAGRAPH, advice.text_cy))
    blocks.append(Block(BlockKind.HEADING, advice.heading))
    blocks.append(Block(BlockKind.PARAGRAPH, advice.text))
    blocks.append(Block(BlockKind.TABLE, rows=advice.services))
    return blocks


def _present(facts: Facts, name: str, words: Mapping[str, str]) -> bool:
    if name in ("instalments", "bill_lines"):
        return bool(getattr(facts, name))
    if name in ("costs", "summons_costs") and words.get(name) == "£0.00":
        return False
    return name in words


def _text(raw: Mapping[str, Any], key: str, problem: Any, prefix: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problem(f"{key} is missing or empty", prefix + key)
        return ""
    return value.strip()


def _paragraphs(value: Any, where: str, problem: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    problem("text must be a string or a list of strings", where)
    return ()


def _choice(value: Any, enum: type[_E], where: str, problem: Any) -> _E | None:
    try:
        return enum(value)
    except ValueError:
        problem(f"{value!r} is not one of {', '.join(e.value for e in enum)}", where)
        return None
