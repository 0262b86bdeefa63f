"""What stops or pauses recovery: holds, Breathing Space, vulnerability, death.

* A **hold** stops every step on an account while it lasts, and must carry a date by which an
  officer reviews it (seed 000, action P2: holds were placed and never reviewed). A hold past
  its review date stays on the "holds due" list until someone reviews or releases it. An
  ``arrangement`` hold is placed while the customer keeps to an agreed arrangement.
* **Breathing Space** (Debt Respite Scheme, SI 2020/1311): a standard moratorium lasts 60 days
  unless ended early; a mental health crisis moratorium lasts until the crisis treatment ends,
  plus 30 days (research/statutory-rules.md §5).
* A person may be recorded as **vulnerable** in one of a closed set of categories (seed 004,
  section 6 "Vulnerable Customers": physical and mental disability including long-term
  illness, language barriers, domestic violence and abuse, homelessness, the elderly, the
  recently bereaved — a list the policy says is neither absolute nor exclusive, hence
  ``other``), each with a date by which it is looked at again. What it changes is the
  strategy's ``vulnerability`` setting: by default no court or enforcement step without an
  officer's review.
* A person who has **died** is pursued no further by these steps; the estate is a matter for
  an officer.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from reclaim.domain.errors import DomainError

STANDARD_DAYS = 60  # reg 26: up to 60 days
AFTER_CRISIS_DAYS = 30  # mental health crisis moratorium: the treatment plus 30 days


class HoldKind(StrEnum):
    GENERAL = "general"
    ARRANGEMENT = "arrangement"  # stops statutory steps while an arrangement is kept
    DISPUTE = "dispute"


class BreathingSpaceKind(StrEnum):
    STANDARD = "standard"
    MENTAL_HEALTH = "mental_health"


class VulnerabilityCategory(StrEnum):
    """Why a person is recorded as vulnerable (seed 004 section 6, "Vulnerable Customers")."""

    MENTAL_HEALTH = "mental_health"
    PHYSICAL_DISABILITY = "physical_disability"
    LEARNING_DIFFICULTY = "learning_difficulty"
    SERIOUS_ILLNESS = "serious_illness"  # including long-term illness
    ELDERLY = "elderly"
    BEREAVEMENT = "bereavement"  # recently bereaved
    LANGUAGE_BARRIER = "language_barrier"  # does not speak English
    DOMESTIC_ABUSE = "domestic_abuse"  # domestic violence, physical or mental abuse
    HOMELESSNESS = "homelessness"
    FINANCIAL_HARDSHIP = "financial_hardship"
    OTHER = "other"  # the policy's list "is not either absolute … nor exclusive"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


def check_hold_dates(placed_on: date, review_by: date | None, until: date | None) -> date:
    """The review date, refused when missing or before the hold is placed."""
    if review_by is None:
        raise DomainError("a hold must have a review date (--review-by): holds are always reviewed")
    if review_by < placed_on:
        raise DomainError(f"the review date {review_by} is before the hold is placed ({placed_on})")
    if until is not None and until < placed_on:
        raise DomainError(f"the hold would end ({until}) before it is placed ({placed_on})")
    return review_by


def breathing_space_end(kind: BreathingSpaceKind, starts_on: date) -> date | None:
    """The last day of a moratorium as it starts: 60 days for a standard one (the start day is
    the first), open-ended for a mental health crisis until its end is notified."""
    if kind is BreathingSpaceKind.STANDARD:
        return starts_on + timedelta(days=STANDARD_DAYS - 1)
    return None


def ended_breathing_space(kind: BreathingSpaceKind, starts_on: date, ended_on: date) -> date:
    """The last day once the end is notified on ``ended_on``: a standard moratorium ends that
    day (early); a mental health crisis moratorium runs 30 days more."""
    if ended_on < starts_on:
        raise DomainError(f"Breathing Space cannot end ({ended_on}) before it starts ({starts_on})")
    if kind is BreathingSpaceKind.STANDARD:
        return min(ended_on, starts_on + timedelta(days=STANDARD_DAYS - 1))
    return ended_on + timedelta(days=AFTER_CRISIS_DAYS)


def periods_overlap(
    first_start: date, first_end: date | None, second_start: date, second_end: date | None
) -> bool:
    """Whether two inclusive periods share a day (an end of None has not ended)."""
    return (first_end is None or second_start <= first_end) and (
        second_end is None or first_start <= second_end
    )


def check_review_date(today: date, review_by: date | None, what: str) -> date:
    """A review date, refused when missing or already past."""
    if review_by is None:
        raise DomainError(f"{what} must have a review date (--review-by)")
    if review_by < today:
        raise DomainError(f"the review date {review_by} for {what} is already past (today {today})")
    return review_by
