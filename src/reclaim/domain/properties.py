"""Properties: dwellings with a council tax band, and business premises with a rateable value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from reclaim.calendar import Country
from reclaim.domain.errors import DomainError
from reclaim.money import Money

# Royal Mail postcode shape (outward code, space, inward code). Checked for shape only: whether
# a postcode exists is the address gazetteer's business (AddressBase), not ours.
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")
# A Unique Property Reference Number is a whole number of up to 12 digits (OS AddressBase).
UPRN = re.compile(r"^[0-9]{1,12}$")


class Band(StrEnum):
    """Council tax valuation bands. Band I exists only in Wales (since 2005)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H = "H"
    I = "I"  # noqa: E741 - the band's legal name
    UNBANDED = "unbanded"  # a new dwelling the Valuation Office Agency has not yet banded

    def allowed_in(self, country: Country) -> bool:
        return self is not Band.I or country is Country.WALES


def normalise_postcode(text: str) -> str:
    """Upper-case and put the single space before the inward code: 'l36 9yu' -> 'L36 9YU'."""
    compact = "".join(text.split()).upper()
    candidate = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
    if not POSTCODE.fullmatch(candidate):
        raise DomainError(f"'{text}' is not a UK postcode")
    return candidate


@dataclass(frozen=True, slots=True)
class Property:
    address: str
    postcode: str
    uprn: str | None = None
    band: Band | None = None
    rateable_value: Money | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if not self.address.strip():
            raise DomainError("a property needs an address")
        if self.uprn is not None and not UPRN.fullmatch(self.uprn):
            raise DomainError(f"'{self.uprn}' is not a UPRN: it should be up to 12 digits")
        if self.rateable_value is not None and self.rateable_value.pence < 0:
            raise DomainError("a rateable value cannot be negative")

    def identity_key(self) -> tuple[str, ...]:
        """The UPRN when known; otherwise the address and postcode, compared loosely."""
        if self.uprn:
            return ("uprn", self.uprn)
        return ("address", loose_address(self.address), self.postcode)


def loose_address(address: str) -> str:
    """An address compared loosely: as ``loose_name``, with commas read as spaces."""
    return " ".join(address.lower().replace(",", " ").split())
