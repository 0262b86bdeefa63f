"""Exact money: whole pence held in an ``int``, never a float.

Rules, and why:

* An amount is a whole number of pence (``Money(pence=1234)`` is £12.34). Pence are
  integers, so adding, splitting and comparing are exact; a bill that says £1,234.56
  sums to exactly £1,234.56 however it is divided up.
* Floats are refused everywhere, because 0.1 + 0.2 != 0.3 and a council cannot lose or
  invent a penny. ``Money(1.5)``, ``Money(True)``, ``Money.parse(12.5)``, ``m * 1.5`` and
  ``m + 5`` all raise ``TypeError``. ``bool`` is refused although it is an ``int``,
  because ``True`` pence is always a bug.
* Text becomes money only through ``Money.parse``, which is strict: it accepts the ways
  people and files really write amounts (``1234.56``, ``£1,234.56``, ``-£12.50``,
  ``0.5``) and refuses anything that might be misread (``12.345``, ``1,23.4``, ``1e3``,
  ``.5``, ``1.``, ``+5``). A refusal is a ``MoneyError`` naming the text and the reason.
* Dividing money always says where the odd pence go, and the parts always add up to
  exactly the whole: ``split`` gives equal instalments with all the leftover pence on the
  first (or last) one, as council bills do; ``allocate`` shares in proportion to
  integer weights by the largest-remainder method.
* Rounding to whole pounds names its rule (``Rounding``), with the same meanings as the
  ``decimal`` module's rounding modes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Money", "MoneyError", "Remainder", "Rounding"]

_PENCE_PER_POUND = 100

_AMOUNT = re.compile(
    r"""
    (?P<prefix>-£|£-|-|£)?                        # sign and pound sign, either order
    (?P<pounds>[1-9][0-9]{0,2}(?:,[0-9]{3})+      # 1,234,567 (grouped in threes)
              |[0-9]+)                            # or plain digits: 1234567
    (?:\.(?P<pence>[0-9]{1,2}))?                  # then optionally .5 or .50
    """,
    re.VERBOSE,
)
_PREFIX = re.compile(r"-£|£-|-|£")
_TOO_MANY_DECIMALS = re.compile(r"[0-9,]*\.[0-9]{3,}")
_DIGITS_AND_COMMAS = re.compile(r"[0-9,]+(?:\.[0-9]{1,2})?")


class MoneyError(ValueError):
    """Text that is not an amount of money. The message names the text and the reason."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r} is not an amount of money: {reason}")
        self.text = text
        self.reason = reason


class Remainder(StrEnum):
    """Which part takes the leftover pence when money is divided."""

    FIRST = "first"
    LAST = "last"


class Rounding(StrEnum):
    """How ``Money.round_to_pounds`` rounds; the meanings match ``decimal.ROUND_*``.

    HALF_UP:   nearest pound; exactly 50p goes away from zero (£2.50 → £3, -£2.50 → -£3).
    HALF_DOWN: nearest pound; exactly 50p goes toward zero (£2.50 → £2, -£2.50 → -£2).
    HALF_EVEN: nearest pound; exactly 50p goes to the even pound (£2.50 → £2, £3.50 → £4).
    DOWN:      drop the pence, toward zero, whatever they are (£2.99 → £2, -£2.99 → -£2).
    """

    HALF_UP = "half_up"
    HALF_DOWN = "half_down"
    HALF_EVEN = "half_even"
    DOWN = "down"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r}"


def _require_int(value: object, what: str) -> None:
    if not _is_int(value):
        hint = "; floats are never accepted for money" if isinstance(value, float) else ""
        raise TypeError(f"{what} must be an int, not {_describe(value)}{hint}")


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An exact amount of money in whole pence. Build one from text with ``Money.parse``."""

    pence: int

    def __post_init__(self) -> None:
        if type(self.pence) is not int:  # fast path: exactly int (bool is refused)
            _require_int(self.pence, "Money pence")

    # ---- construction -------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Money:
        """Read an amount written as pounds and pence, e.g. ``"£1,234.56"`` or ``"-12.50"``.

        Surrounding whitespace is ignored. Then, in order: an optional ``-`` and optional
        ``£`` (``-£12.50`` and ``£-12.50`` both mean minus twelve pounds fifty); the pounds,
        as plain digits (leading zeros allowed, ``"0012"``) or grouped in threes by commas
        (``1,234,567``); and optionally ``.`` followed by one or two digits (``0.5`` is 50p).
        Anything else raises ``MoneyError``; a non-``str`` raises ``TypeError``.
        """
        if not isinstance(text, str):
            raise TypeError(
                f"Money.parse takes text, not {_describe(text)}; floats are never accepted "
                "for money"
            )
        match = _AMOUNT.fullmatch(text.strip())
        if match is None:
            raise MoneyError(text, _why_not_money(text))
        pounds = int(match["pounds"].replace(",", ""))
        pence = int((match["pence"] or "0").ljust(2, "0"))
        total = pounds * _PENCE_PER_POUND + pence
        negative = "-" in (match["prefix"] or "")
        return cls(-total if negative else total)

    @classmethod
    def zero(cls) -> Money:
        return _ZERO

    @classmethod
    def from_pounds(cls, pounds: int) -> Money:
        """Whole pounds, e.g. ``Money.from_pounds(12)`` is £12.00. Only ``int`` is accepted."""
        _require_int(pounds, "Money.from_pounds pounds")
        return cls(pounds * _PENCE_PER_POUND)

    # ---- arithmetic ---------------------------------------------------------------

    def __add__(self, other: Money) -> Money:
        if type(other) is not Money:
            _require_money(other, "add")
        return Money(self.pence + other.pence)

    def __sub__(self, other: Money) -> Money:
        if type(other) is not Money:
            _require_money(other, "subtract")
        return Money(self.pence - other.pence)

    def __neg__(self) -> Money:
        return Money(-self.pence)

    def __abs__(self) -> Money:
        return Money(abs(self.pence))

    def __mul__(self, factor: int) -> Money:
        if not _is_int(factor):
            hint = "; floats are never used for money" if isinstance(factor, float) else ""
            raise TypeError(
                f"Money can only be multiplied by an int, not {_describe(factor)}{hint}"
            )
        return Money(self.pence * factor)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.pence != 0

    @property
    def is_negative(self) -> bool:
        return self.pence < 0

    @property
    def is_positive(self) -> bool:
        return self.pence > 0

    @property
    def is_zero(self) -> bool:
        return self.pence == 0

    # ---- text ---------------------------------------------------------------------

    def format(self) -> str:
        """For people: ``"£1,234.56"``, ``"-£12.50"``, ``"£0.00"``."""
        pounds, pence = divmod(abs(self.pence), _PENCE_PER_POUND)
        return f"{self._sign()}£{pounds:,}.{pence:02d}"

    def to_json(self) -> str:
        """For JSON APIs, a string so no reader turns it into a float: ``"-1234.56"``."""
        pounds, pence = divmod(abs(self.pence), _PENCE_PER_POUND)
        return f"{self._sign()}{pounds}.{pence:02d}"

    def __str__(self) -> str:
        return self.format()

    def _sign(self) -> str:
        return "-" if self.pence < 0 else ""

    # ---- dividing and rounding ----------------------------------------------------

    def split(self, parts: int, remainder: Remainder = Remainder.FIRST) -> list[Money]:
        """Divide into ``parts`` instalments that add up to exactly this amount.

        Every part is the amount divided by ``parts``, rounded toward zero; all the
        leftover pence (fewer than ``parts``) go onto the single first (or last) part, the
        way a council bill shows "1 instalment of £123.51 then 9 of £123.45". A negative
        amount splits as the mirror image of the positive one.
        £10.00 split 3 → [£3.34, £3.33, £3.33]; with ``Remainder.LAST`` → [£3.33, £3.33, £3.34].
        """
        _require_int(parts, "split parts")
        if parts < 1:
            raise ValueError(f"cannot split money into {parts} parts; need at least 1")
        each, leftover = divmod(abs(self.pence), parts)
        shares = [each] * parts
        shares[0 if Remainder(remainder) is Remainder.FIRST else -1] += leftover
        return self._signed(shares)

    def allocate(
        self, weights: Sequence[int], remainder: Remainder = Remainder.FIRST
    ) -> list[Money]:
        """Share this amount in proportion to ``weights``, adding up to exactly the whole.

        Weights are ints >= 0 with a positive total. Each part first gets its exact share
        rounded toward zero; the leftover pence then go one each to the parts whose exact
        share lost the most (the largest-remainder method), so every part is within 1p of
        its exact share and a part with weight 0 gets nothing. Parts that lost equally are
        served first-to-last (``Remainder.FIRST``) or last-to-first (``Remainder.LAST``).
        A negative amount allocates as the mirror image of the positive one.
        £1.00 allocated [1, 1, 1] → [£0.34, £0.33, £0.33].
        """
        weights = list(weights)
        for weight in weights:
            _require_int(weight, "allocate weight")
        if not weights or any(weight < 0 for weight in weights) or sum(weights) == 0:
            raise ValueError(
                f"allocate needs at least one weight, none negative, with a positive total; "
                f"got {weights!r}"
            )
        total_weight = sum(weights)
        whole = abs(self.pence)
        shares = [whole * weight // total_weight for weight in weights]
        lost = [whole * weight % total_weight for weight in weights]
        order = range(len(weights))
        if Remainder(remainder) is Remainder.LAST:
            order = order[::-1]
        by_most_lost = sorted(order, key=lambda index: lost[index], reverse=True)
        for index in by_most_lost[: whole - sum(shares)]:
            shares[index] += 1
        return self._signed(shares)

    def round_to_pounds(self, rounding: Rounding = Rounding.HALF_UP) -> Money:
        """The nearest whole pound, with ``rounding`` deciding exactly 50p (see ``Rounding``).

        ``Rounding.DOWN`` instead drops the pence toward zero whatever they are.
        """
        rounding = Rounding(rounding)
        pounds, pence = divmod(abs(self.pence), _PENCE_PER_POUND)
        half = _PENCE_PER_POUND // 2
        if rounding is Rounding.DOWN or pence < half:
            round_up = False
        elif pence > half:
            round_up = True
        else:
            round_up = rounding is Rounding.HALF_UP or (
                rounding is Rounding.HALF_EVEN and pounds % 2 == 1
            )
        rounded = (pounds + 1 if round_up else pounds) * _PENCE_PER_POUND
        return Money(-rounded if self.pence < 0 else rounded)

    def _signed(self, shares: list[int]) -> list[Money]:
        sign = -1 if self.pence < 0 else 1
        return [Money(sign * share) for share in shares]


_ZERO = Money(0)


def _require_money(value: object, verb: str) -> Money:
    if not isinstance(value, Money):
        raise TypeError(f"can only {verb} Money and Money, not {_describe(value)}")
    return value


def _why_not_money(text: str) -> str:
    """The reason ``text`` failed to parse, as specific as we can make it."""
    body = text.strip()
    if not body:
        return "it is empty"
    if body.startswith("+"):
        return "a '+' sign is not accepted; write positive amounts without a sign"
    prefix = _PREFIX.match(body)
    digits = body[prefix.end() :] if prefix else body
    if not digits:
        return "it has no digits"
    if _TOO_MANY_DECIMALS.fullmatch(digits):
        return "more than two decimal places"
    if digits.endswith("."):
        return "a decimal point must be followed by one or two digits"
    if digits.startswith("."):
        return "write the pounds before the decimal point, e.g. '0.5' rather than '.5'"
    if "," in digits and _DIGITS_AND_COMMAS.fullmatch(digits):
        return "commas must split the pounds into groups of three digits, e.g. '1,234,567'"
    return "expected pounds and pence, e.g. '1234.56', '£1,234.56' or '-12.50'"
