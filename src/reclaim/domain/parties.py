"""Parties: the people and organisations who owe. A party can be liable for many accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from reclaim.domain.errors import DomainError


class PartyKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class Party:
    kind: PartyKind
    name: str
    date_of_birth: date | None = None
    id: int | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise DomainError("a party needs a name")
        if self.kind is PartyKind.ORGANISATION and self.date_of_birth is not None:
            raise DomainError(f"{self.name} is an organisation and cannot have a date of birth")

    def age_on(self, day: date) -> int | None:
        """Age in whole years on a day (a birthday on 29 February falls on 1 March)."""
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        had_birthday = (day.month, day.day) >= (born.month, born.day)
        return day.year - born.year - (0 if had_birthday else 1)

    def identity_key(self) -> tuple[str, str, date | None]:
        """What makes two rows of an import the same party: kind, name and date of birth."""
        return (self.kind.value, loose_name(self.name), self.date_of_birth)


def loose_name(name: str) -> str:
    """A name compared loosely: lower case, runs of white space as one space, no ends.

    The bulk importer computes the same as column expressions (``imports.accounts``); a test
    proves the two agree."""
    return " ".join(name.lower().split())
