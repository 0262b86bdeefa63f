"""Letters without a database: every strategy stage has a template; templates are refused
when wrong; rendered PDFs read back with the amounts, dates, statutory wording, the advice
block, the address inside Notify's window and the fonts embedded."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from reclaim.domain.errors import DomainError, InputRefused
from reclaim.domain.letters.content import Recipient, Style
from reclaim.domain.letters.templates import Facts, compose, load_template
from reclaim.domain.recovery.strategy import load_strategy
from reclaim.money import Money
from reclaim.services.letter_data import advice, parse_letterhead, templates
from reclaim.services.letters import BILL_LETTERS, BREATHING_SPACE_LETTER, HOLD_LETTER
from reclaim.services.letters_pdf import ADDRESS_BOX, render

SRC = Path(__file__).resolve().parents[2] / "src" / "reclaim"
STRATEGY_FILES = sorted((SRC / "data" / "strategies").glob("*.toml")) + sorted(
    (SRC / "examples" / "strategies").glob("*.toml")
)
HEAD = parse_letterhead((SRC / "examples" / "letterhead.toml").read_text(), "letterhead.toml")
TO = Recipient("Alice Jones", ("Flat 3", "4 Mill Lane", "Example Town"), "EX2 3CD")
REMINDER_FACTS = Facts(
    name="Alice Jones",
    reference="CT-1000003",
    council="Example Borough Council",
    debt="Council Tax",
    year="2026/27",
    issued_on=date(2026, 5, 20),
    property="Flat 3, 4 Mill Lane, Example Town, EX2 3CD",
    amount=Money.parse("250.56"),
    pay_by=date(2026, 5, 26),
    demanded_through=date(2026, 5, 27),
    balance=Money.parse("1234.56"),
    summons_costs=Money.parse("70.00"),
    costs=Money(0),
    instalments=((date(2026, 4, 15), Money.parse("127.56")), (date(2026, 5, 15), Money(12300))),
)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def letter(name: str, facts: Facts = REMINDER_FACTS, **kw: Any) -> bytes:
    return render(compose(templates()[name], facts, HEAD, TO, advice(), **kw)).pdf


# ---- every document has a template ------------------------------------------------------------


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=lambda p: p.name)
def test_every_stage_of_every_shipped_strategy_has_a_letter_template(path: Path) -> None:
    strategy = load_strategy(path.read_text(encoding="utf-8"), path.name)
    missing = [s.letter for s in strategy.stages if s.letter not in templates()]
    assert not missing, f"{path.name}: no template for {missing}"


def test_bills_holds_and_breathing_space_have_templates() -> None:
    for name in (*BILL_LETTERS.values(), HOLD_LETTER, BREATHING_SPACE_LETTER):
        assert name in templates()


# ---- templates as data -----------------------------------------------------------------------

GOOD = """
[letter]
name = "x"
version = 2
title = "A letter"
kind = "notice"

[[section]]
text = ["Pay $amount by $pay_by."]
"""


def test_a_template_with_an_unknown_fact_or_key_is_refused_naming_each_problem() -> None:
    bad = GOOD.replace("$pay_by", "$pay_bye").replace("kind =", "colour = 'red'\nkind =")
    with pytest.raises(InputRefused) as refused:
        load_template(bad, "x.toml")
    said = [str(p) for p in refused.value.problems]
    assert any("x.toml" in s and "$pay_bye is not a fact" in s for s in said)
    assert any("letter.colour" in s and "unknown key" in s for s in said)


def test_a_fact_the_wording_needs_and_the_case_lacks_is_an_error_not_a_blank() -> None:
    template = load_template(GOOD, "x.toml")
    with pytest.raises(DomainError, match="needs 'pay_by'"):
        compose(template, replace(REMINDER_FACTS, pay_by=None), HEAD, TO, advice())


def test_a_letterhead_file_missing_fields_is_refused_naming_them() -> None:
    with pytest.raises(InputRefused) as refused:
        parse_letterhead('[letterhead]\ncouncil_name = "X"\nphone = 1\n', "head.toml")
    said = " ".join(str(p) for p in refused.value.problems)
    assert "head.toml, letterhead.phone" in said
    assert "letterhead.how_to_pay: how_to_pay is missing" in said


# ---- what the PDFs say ----------------------------------------------------------------------


def test_a_reminder_states_the_instalments_the_amount_the_date_and_the_effect_of_reg_23_3() -> None:
    said = flat(text_of(letter("council-tax-reminder")))
    assert "Please pay £250.56 by Tuesday 26 May 2026." in said
    assert "15 April 2026 £127.56" in said
    assert "15 May 2026 £123.00" in said
    assert "up to Wednesday 27 May 2026" in said
    assert "within 7 days" in said
    assert "£1,234.56, then becomes due at the end of a further 7 days (regulation 23(3))" in said
    assert "The costs of a summons are currently £70.00." in said
    assert "regulation 23(4)" not in said


def test_a_second_reminder_also_warns_of_reg_23_4() -> None:
    said = flat(text_of(letter("council-tax-second-reminder")))
    assert "regulation 23(3)" in said
    assert "the day after it was missed, and we will not send another reminder" in said
    assert "(regulation 23(4))" in said


@pytest.mark.parametrize("name", sorted(templates()))
def test_every_letter_says_how_to_pay_how_to_contact_us_and_where_to_get_free_advice(
    name: str,
) -> None:
    facts = replace(
        REMINDER_FACTS,
        hearing_on=date(2026, 6, 5),
        costs=Money.parse("70.00"),
        charge=Money.parse("1234.56"),
        starts_on=date(2026, 5, 1),
        review_by=date(2026, 6, 1),
        hold_reason="You told us you have moved out.",
        ends_on=date(2026, 6, 29),
        bill_lines=(("Band C", Money.parse("1234.56")),),
    )
    said = flat(text_of(letter(name, facts)))
    assert "How to pay" in said and "www.example.gov.uk/pay" in said
    assert "Phone 01234 567890" in said
    for service in ("Citizens Advice", "National Debtline", "StepChange"):
        assert service in said
    assert "0808 808 4000" in said


def test_a_summons_letter_states_the_hearing_the_costs_and_the_total() -> None:
    facts = replace(REMINDER_FACTS, hearing_on=date(2026, 6, 5), costs=Money.parse("70.00"))
    said = flat(text_of(letter("council-tax-summons", facts)))
    assert "The hearing is on Friday 5 June 2026. To stop it, pay £320.56 before then." in said
    assert "Costs £70.00" in said and "Total to pay £320.56" in said


def test_a_liability_order_notice_asks_for_employment_details_and_says_it_is_an_offence() -> None:
    facts = replace(REMINDER_FACTS, costs=Money.parse("40.00"))
    said = flat(text_of(letter("council-tax-liability-order-notice", facts)))
    assert "employer's name and address" in said
    assert "criminal offence" in said


def test_a_bill_lists_its_working_and_its_instalments() -> None:
    facts = replace(
        REMINDER_FACTS,
        charge=Money.parse("1234.56"),
        bill_lines=(("Band B", Money.parse("1646.08")), ("Single person discount", Money(-41152))),
    )
    said = flat(text_of(letter("council-tax-bill", facts)))
    assert "The Council Tax for the year is £1,234.56" in said
    assert "2 instalments, the first on Wednesday 15 April 2026" in said
    assert "Single person discount -£411.52" in said
    assert "Total for the year £1,234.56" in said


def test_a_welsh_councils_letter_carries_the_welsh_wording_before_the_english() -> None:
    said = flat(text_of(letter("council-tax-reminder-wales", welsh=True)))
    assert said.index("Nodyn atgoffa Treth Gyngor") < said.index("Council Tax reminder")
    assert "Talwch £250.56 erbyn Dydd Mawrth 26 Mai 2026." in said
    assert "Please pay £250.56 by Tuesday 26 May 2026." in said
    english = flat(text_of(letter("council-tax-reminder-wales")))
    assert "Nodyn" not in english


# ---- the page ---------------------------------------------------------------------------------

MM = 72 / 25.4


def placed_text(pdf: bytes, page: int = 0) -> list[tuple[float, float, float, str]]:
    """(x mm from the left, y mm from the top, font size, text) of each piece of text."""
    found: list[tuple[float, float, float, str]] = []
    reader = PdfReader(io.BytesIO(pdf))
    height = float(reader.pages[page].mediabox.height)

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            found.append((tm[4] / MM, (height - tm[5]) / MM, size, text.strip()))

    reader.pages[page].extract_text(visitor_text=visit)
    return found


def test_the_address_sits_inside_notifys_window_and_nothing_else_does() -> None:
    pdf = letter("council-tax-reminder")
    inside = [
        text
        for x, y, _, text in placed_text(pdf)
        if ADDRESS_BOX.left - 0.1 <= x <= ADDRESS_BOX.right
        and ADDRESS_BOX.top <= y <= ADDRESS_BOX.bottom
    ]
    assert inside == ["Alice Jones", "Flat 3", "4 Mill Lane", "Example Town", "EX2 3CD"]


def test_the_page_is_a4_with_every_font_embedded_and_text_inside_the_printable_area() -> None:
    pdf = letter("council-tax-final-notice")
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert (
            round(float(page.mediabox.width) / MM),
            round(float(page.mediabox.height) / MM),
        ) == (
            210,
            297,
        )
        for font in page["/Resources"]["/Font"].values():
            assert "/FontFile2" in font.get_object()["/FontDescriptor"]
    for n in range(len(reader.pages)):
        for x, y, _, _ in placed_text(pdf, n):
            assert 15 <= x <= 195 and 5 <= y <= 292


def test_large_print_sets_the_body_in_16_point_and_the_same_letter_is_the_same_bytes() -> None:
    standard = letter("council-tax-reminder")
    large = letter("council-tax-reminder", style=Style.LARGE_PRINT)
    body = [s for _, y, s, _ in placed_text(large) if 95 < y < 285]  # not the page footer
    assert min(body) >= 16
    assert {s for _, y, s, _ in placed_text(standard) if 105 < y < 285} == {10.5, 12}
    assert letter("council-tax-reminder") == standard


def test_a_long_address_line_is_shrunk_to_stay_inside_the_window() -> None:
    long_line = "The Old Rectory Cottage Annexe, Upper Little Snoring-on-the-Marsh Road"
    pdf = render(
        compose(
            templates()["council-tax-reminder"],
            REMINDER_FACTS,
            HEAD,
            Recipient("Alice Jones", (long_line,), "EX2 3CD"),
            advice(),
        )
    ).pdf
    line = [(x, size, text) for x, y, size, text in placed_text(pdf) if text == long_line]
    assert line and line[0][1] < 10
