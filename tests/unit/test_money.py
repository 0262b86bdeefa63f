import re
from decimal import ROUND_DOWN, ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reclaim.money import Money, MoneyError, Remainder, Rounding

any_money = st.builds(Money, st.integers(min_value=-(10**15), max_value=10**15))
pounds = Money.from_pounds


# ---- parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1234.56", 123456),
        ("£1,234.56", 123456),
        ("-12.50", -1250),
        ("-£12.50", -1250),
        ("£-12.50", -1250),
        ("1234", 123400),
        ("0.5", 50),
        ("£0.05", 5),
        ("0", 0),
        ("-0.00", 0),
        ("1,234,567", 123456700),
        ("999", 99900),
        ("0012.50", 1250),
        ("  £12.50\n", 1250),
    ],
)
def test_parse_accepts_pounds_and_pence_as_people_write_them(text: str, pence: int) -> None:
    assert Money.parse(text) == Money(pence)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12.345", "more than two decimal places"),
        ("£1,234.567", "more than two decimal places"),
        ("1,23.4", "groups of three digits"),
        ("1234,567", "groups of three digits"),
        ("0,123", "groups of three digits"),
        ("12.3x", "expected pounds and pence"),
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("£", "it has no digits"),
        ("-", "it has no digits"),
        ("1.", "a decimal point must be followed by one or two digits"),
        (".5", "write the pounds before the decimal point"),
        ("1e3", "expected pounds and pence"),
        ("NaN", "expected pounds and pence"),
        ("Infinity", "expected pounds and pence"),
        ("+5", "'+' sign is not accepted"),
        ("12 34", "expected pounds and pence"),
        ("--5", "expected pounds and pence"),
        ("-£-5", "expected pounds and pence"),
        ("£££5", "expected pounds and pence"),
        ("5£", "expected pounds and pence"),
        ("1_000", "expected pounds and pence"),
        ("١٢", "expected pounds and pence"),  # Arabic-Indic digits, which int() would accept
    ],
)
def test_parse_refuses_anything_that_could_be_misread(text: str, reason: str) -> None:
    with pytest.raises(MoneyError) as refusal:
        Money.parse(text)
    assert str(refusal.value).startswith(f"{text!r} is not an amount of money: ")
    assert reason in str(refusal.value)


def test_parse_refuses_three_decimal_places_with_a_message_naming_the_text() -> None:
    with pytest.raises(MoneyError, match=r"^'12\.345' is not an amount of money: more than two"):
        Money.parse("12.345")


def test_a_money_error_is_a_value_error_that_keeps_the_text_and_reason() -> None:
    with pytest.raises(ValueError) as refusal:
        Money.parse("1.")
    assert isinstance(refusal.value, MoneyError)
    assert refusal.value.text == "1."
    assert "decimal point" in refusal.value.reason


@pytest.mark.parametrize("not_text", [12.5, 12, Decimal("12.50"), None, b"12.50"])
def test_parse_takes_only_text_and_says_floats_are_never_accepted(not_text: Any) -> None:
    with pytest.raises(TypeError, match="floats are never accepted for money"):
        Money.parse(not_text)


# ---- construction ----------------------------------------------------------------------


@pytest.mark.parametrize("not_pence", [1.5, 2.0, True, False, Decimal("1"), "150", None])
def test_money_refuses_anything_but_an_int_of_pence(not_pence: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(repr(not_pence))):
        Money(not_pence)


def test_money_made_from_a_float_says_floats_are_never_accepted() -> None:
    with pytest.raises(TypeError, match="floats are never accepted for money"):
        Money(1.5)  # type: ignore[arg-type]


def test_from_pounds_makes_whole_pounds() -> None:
    assert Money.from_pounds(12) == Money(1200)
    assert Money.from_pounds(-3) == Money(-300)


@pytest.mark.parametrize("not_pounds", [1.5, True, "12"])
def test_from_pounds_refuses_anything_but_an_int(not_pounds: Any) -> None:
    with pytest.raises(TypeError):
        Money.from_pounds(not_pounds)


def test_zero_is_no_money() -> None:
    assert Money.zero() == Money(0)
    assert Money.zero().is_zero


# ---- arithmetic ------------------------------------------------------------------------


def test_money_adds_and_subtracts_exactly() -> None:
    assert Money.parse("0.10") + Money.parse("0.20") == Money.parse("0.30")
    assert Money.parse("10.00") - Money.parse("12.50") == Money.parse("-2.50")


def test_money_negates_and_takes_absolute_value() -> None:
    assert -Money(250) == Money(-250)
    assert abs(Money(-250)) == Money(250)


def test_money_multiplies_by_an_int_from_either_side() -> None:
    assert Money(250) * 3 == Money(750)
    assert 3 * Money(250) == Money(750)


@pytest.mark.parametrize("not_money", [5, 5.0, Decimal("5"), "5", None])
def test_adding_or_subtracting_anything_but_money_is_refused(not_money: Any) -> None:
    with pytest.raises(TypeError, match="Money"):
        Money(100) + not_money
    with pytest.raises(TypeError, match="Money"):
        Money(100) - not_money
    with pytest.raises(TypeError):
        not_money + Money(100)


@pytest.mark.parametrize("factor", [1.5, 2.0, True, Decimal("2"), Money(2)])
def test_multiplying_by_anything_but_an_int_is_refused(factor: Any) -> None:
    with pytest.raises(TypeError, match="multiplied by an int"):
        Money(100) * factor
    with pytest.raises(TypeError, match="multiplied by an int"):
        factor * Money(100)


def test_multiplying_by_a_float_says_floats_are_never_used() -> None:
    with pytest.raises(TypeError, match="floats are never used for money"):
        Money(100) * 1.5  # type: ignore[operator]


def test_money_is_truthy_only_when_not_zero() -> None:
    assert Money(1)
    assert Money(-1)
    assert not Money(0)


@pytest.mark.parametrize(
    ("pence", "negative", "zero", "positive"),
    [(-1, True, False, False), (0, False, True, False), (1, False, False, True)],
)
def test_sign_properties_describe_the_amount(
    pence: int, negative: bool, zero: bool, positive: bool
) -> None:
    amount = Money(pence)
    assert (amount.is_negative, amount.is_zero, amount.is_positive) == (negative, zero, positive)


def test_money_orders_by_amount_and_sums_from_zero() -> None:
    amounts = [Money(300), Money(-50), Money(120)]
    assert sorted(amounts) == [Money(-50), Money(120), Money(300)]
    assert sum(amounts, Money.zero()) == Money(370)


def test_money_does_not_compare_with_plain_numbers() -> None:
    zero: object = 0
    assert Money(0) != zero
    with pytest.raises(TypeError):
        assert Money(100) < 200  # type: ignore[operator]


def test_money_is_immutable_and_hashable() -> None:
    amount = Money(100)
    with pytest.raises(AttributeError):
        amount.pence = 200  # type: ignore[misc]
    assert {Money(100), Money(100)} == {Money(100)}


# ---- formatting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pence", "formatted", "json"),
    [
        (123456, "£1,234.56", "1234.56"),
        (-1250, "-£12.50", "-12.50"),
        (0, "£0.00", "0.00"),
        (5, "£0.05", "0.05"),
        (-5, "-£0.05", "-0.05"),
        (123456789, "£1,234,567.89", "1234567.89"),
        (100000, "£1,000.00", "1000.00"),
    ],
)
def test_money_formats_for_people_and_for_json(pence: int, formatted: str, json: str) -> None:
    assert Money(pence).format() == formatted
    assert str(Money(pence)) == formatted
    assert Money(pence).to_json() == json


@given(any_money)
def test_parse_reads_back_what_format_and_to_json_write(amount: Money) -> None:
    assert Money.parse(amount.format()) == amount
    assert Money.parse(amount.to_json()) == amount
    assert Money.parse(str(amount)) == amount


# ---- splitting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "parts", "remainder", "expected"),
    [
        ("10.00", 3, Remainder.FIRST, ["3.34", "3.33", "3.33"]),
        ("10.00", 3, Remainder.LAST, ["3.33", "3.33", "3.34"]),
        ("-10.00", 3, Remainder.FIRST, ["-3.34", "-3.33", "-3.33"]),
        ("0.05", 3, Remainder.FIRST, ["0.03", "0.01", "0.01"]),
        ("1234.56", 10, Remainder.FIRST, ["123.51"] + ["123.45"] * 9),
        ("0.02", 3, Remainder.LAST, ["0.00", "0.00", "0.02"]),
        ("12.00", 1, Remainder.FIRST, ["12.00"]),
        ("0.00", 2, Remainder.FIRST, ["0.00", "0.00"]),
    ],
)
def test_split_puts_all_the_leftover_pence_on_the_first_or_last_part(
    amount: str, parts: int, remainder: Remainder, expected: list[str]
) -> None:
    assert Money.parse(amount).split(parts, remainder) == [Money.parse(e) for e in expected]


def test_split_gives_leftover_pence_to_the_first_part_by_default() -> None:
    assert Money.parse("10.00").split(3)[0] == Money.parse("3.34")


@pytest.mark.parametrize("parts", [0, -1])
def test_split_refuses_fewer_than_one_part(parts: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Money(100).split(parts)


@pytest.mark.parametrize("parts", [2.0, True])
def test_split_refuses_a_part_count_that_is_not_an_int(parts: Any) -> None:
    with pytest.raises(TypeError):
        Money(100).split(parts)


@given(any_money, st.integers(min_value=1, max_value=60), st.sampled_from(Remainder))
def test_split_parts_always_add_up_to_the_whole(
    amount: Money, parts: int, remainder: Remainder
) -> None:
    shares = amount.split(parts, remainder)
    assert len(shares) == parts
    assert sum(shares, Money.zero()) == amount
    ordinary = shares[1:] if remainder is Remainder.FIRST else shares[:-1]
    assert len(set(ordinary)) <= 1


# ---- allocating ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "weights", "remainder", "expected"),
    [
        ("1.00", [1, 1, 1], Remainder.FIRST, ["0.34", "0.33", "0.33"]),
        ("1.00", [1, 1, 1], Remainder.LAST, ["0.33", "0.33", "0.34"]),
        ("0.05", [1, 1, 1], Remainder.FIRST, ["0.02", "0.02", "0.01"]),
        ("-0.05", [1, 1, 1], Remainder.FIRST, ["-0.02", "-0.02", "-0.01"]),
        ("10.00", [1, 0], Remainder.LAST, ["10.00", "0.00"]),
        ("100.00", [70, 20, 10], Remainder.FIRST, ["70.00", "20.00", "10.00"]),
        ("0.10", [1, 3], Remainder.FIRST, ["0.03", "0.07"]),  # 2.5p and 7.5p: tie, first wins
        ("0.10", [1, 3], Remainder.LAST, ["0.02", "0.08"]),
        ("0.10", [1, 2], Remainder.FIRST, ["0.03", "0.07"]),  # 3.33p and 6.67p: 6.67p lost more
    ],
)
def test_allocate_shares_in_proportion_giving_leftover_pence_to_the_largest_remainders(
    amount: str, weights: list[int], remainder: Remainder, expected: list[str]
) -> None:
    assert Money.parse(amount).allocate(weights, remainder) == [Money.parse(e) for e in expected]


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1], [-1, 2]])
def test_allocate_refuses_weights_without_a_positive_total_or_with_negatives(
    weights: list[int],
) -> None:
    with pytest.raises(ValueError, match="weight"):
        Money(100).allocate(weights)


@pytest.mark.parametrize("weights", [[1.5, 1], [True, 1]])
def test_allocate_refuses_weights_that_are_not_ints(weights: list[Any]) -> None:
    with pytest.raises(TypeError):
        Money(100).allocate(weights)


@given(
    any_money,
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12).filter(any),
    st.sampled_from(Remainder),
)
def test_allocate_parts_add_up_to_the_whole_each_within_a_penny_of_its_share(
    amount: Money, weights: list[int], remainder: Remainder
) -> None:
    shares = amount.allocate(weights, remainder)
    assert sum(shares, Money.zero()) == amount
    for share, weight in zip(shares, weights, strict=True):
        exact = Fraction(amount.pence * weight, sum(weights))
        assert abs(share.pence - exact) < 1
        if weight == 0:
            assert share.is_zero


# ---- rounding to pounds ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rounding", "expected"),
    [
        ("2.50", Rounding.HALF_UP, "3.00"),
        ("-2.50", Rounding.HALF_UP, "-3.00"),
        ("2.50", Rounding.HALF_DOWN, "2.00"),
        ("-2.50", Rounding.HALF_DOWN, "-2.00"),
        ("2.50", Rounding.HALF_EVEN, "2.00"),
        ("3.50", Rounding.HALF_EVEN, "4.00"),
        ("-3.50", Rounding.HALF_EVEN, "-4.00"),
        ("2.49", Rounding.HALF_UP, "2.00"),
        ("2.51", Rounding.HALF_DOWN, "3.00"),
        ("2.99", Rounding.DOWN, "2.00"),
        ("-2.99", Rounding.DOWN, "-2.00"),
        ("0.50", Rounding.HALF_UP, "1.00"),
        ("7.00", Rounding.HALF_EVEN, "7.00"),
    ],
)
def test_round_to_pounds_settles_exactly_fifty_pence_by_the_named_rule(
    amount: str, rounding: Rounding, expected: str
) -> None:
    assert Money.parse(amount).round_to_pounds(rounding) == Money.parse(expected)


def test_round_to_pounds_rounds_half_away_from_zero_by_default() -> None:
    assert Money.parse("2.50").round_to_pounds() == pounds(3)
    assert Money.parse("-2.50").round_to_pounds() == pounds(-3)


_DECIMAL_MODE = {
    Rounding.HALF_UP: ROUND_HALF_UP,
    Rounding.HALF_DOWN: ROUND_HALF_DOWN,
    Rounding.HALF_EVEN: ROUND_HALF_EVEN,
    Rounding.DOWN: ROUND_DOWN,
}


@given(any_money, st.sampled_from(Rounding))
def test_round_to_pounds_agrees_with_the_decimal_rounding_mode_of_the_same_name(
    amount: Money, rounding: Rounding
) -> None:
    exact = Decimal(amount.pence) / 100
    expected = exact.quantize(Decimal(1), rounding=_DECIMAL_MODE[rounding])
    assert amount.round_to_pounds(rounding) == Money.from_pounds(int(expected))


def test_split_allocate_and_round_accept_the_plain_string_values_of_their_options() -> None:
    assert Money(1000).split(3, "last") == [Money(333), Money(333), Money(334)]  # type: ignore[arg-type]
    assert Money(100).allocate([1, 1, 1], "last")[-1] == Money(34)  # type: ignore[arg-type]
    assert Money(250).round_to_pounds("half_even") == Money(200)  # type: ignore[arg-type]


def test_split_refuses_an_unknown_remainder_option() -> None:
    with pytest.raises(ValueError, match="middle"):
        Money(1000).split(3, "middle")  # type: ignore[arg-type]
