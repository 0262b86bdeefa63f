"""Schedules of instalments, parties, postcodes and councils: the rules each one keeps."""

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reclaim.calendar import Country, InstalmentDay, add_months
from reclaim.domain.councils import Council
from reclaim.domain.errors import DomainError
from reclaim.domain.parties import Party, PartyKind
from reclaim.domain.properties import Property, normalise_postcode
from reclaim.domain.schedules import Instalment, Schedule, ScheduleKind, monthly_schedule
from reclaim.money import Money

# ---- schedules -------------------------------------------------------------------------------


def schedule(total: int, *instalments: tuple[date, int]) -> Schedule:
    return Schedule(
        account_id=1,
        kind=ScheduleKind.INVOICE,
        total=Money(total),
        instalments=tuple(Instalment(day, Money(pence)) for day, pence in instalments),
        reason="Invoice 123",
    )


def monthly(
    total: int,
    count: int,
    *,
    first_due: date = date(2026, 5, 1),
    day: InstalmentDay | None = None,
) -> Schedule:
    return monthly_schedule(
        1,
        Money(total),
        first_due=first_due,
        count=count,
        day=day,
        kind=ScheduleKind.INVOICE,
        reason="Invoice 123",
    )


def test_a_schedule_whose_instalments_add_up_is_accepted() -> None:
    made = schedule(10_000, (date(2026, 5, 1), 6_000), (date(2026, 6, 1), 4_000))
    assert made.total == Money(10_000)


@pytest.mark.parametrize(
    ("total", "amounts", "message"),
    [
        (10_000, [6_000, 3_999], "add up to £99.99, not the £100.00 they schedule"),
        (10_000, [6_000, 4_001], "add up to £100.01, not the £100.00 they schedule"),
        (0, [100, -99], "add up to £0.01, not the £0.00 they schedule"),
    ],
)
def test_a_schedule_refuses_instalments_that_do_not_add_up_to_its_total(
    total: int, amounts: list[int], message: str
) -> None:
    days = [date(2026, 5, 1), date(2026, 6, 1)]
    with pytest.raises(DomainError, match=re.escape(message)):
        schedule(total, *zip(days, amounts, strict=True))


def test_a_schedule_refuses_instalments_out_of_date_order() -> None:
    with pytest.raises(DomainError, match="date order"):
        schedule(10_000, (date(2026, 6, 1), 5_000), (date(2026, 5, 1), 5_000))


def test_a_schedule_needs_at_least_one_instalment() -> None:
    with pytest.raises(DomainError, match="at least one instalment"):
        schedule(0)


def test_due_by_counts_instalments_due_on_or_before_the_day() -> None:
    made = schedule(
        10_000, (date(2026, 5, 1), 5_000), (date(2026, 6, 1), 3_000), (date(2026, 7, 1), 2_000)
    )
    assert made.due_by(date(2026, 4, 30)) == Money.zero()
    assert made.due_by(date(2026, 6, 1)) == Money(8_000)
    assert made.due_by(date(2026, 12, 31)) == Money(10_000)


def test_the_leftover_pence_go_on_the_first_instalment() -> None:
    made = monthly(10_000, 3)
    assert [i.amount for i in made.instalments] == [Money(3_334), Money(3_333), Money(3_333)]


@pytest.mark.parametrize(
    ("first_due", "expected"),
    [
        (
            date(2027, 12, 31),
            [date(2027, 12, 31), date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)],
        ),
        (
            date(2026, 12, 31),
            [date(2026, 12, 31), date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)],
        ),
    ],
)
def test_the_last_day_of_the_month_follows_february_in_leap_and_common_years(
    first_due: date, expected: list[date]
) -> None:
    made = monthly(40_000, 4, first_due=first_due, day=InstalmentDay.LAST)
    assert [i.due_date for i in made.instalments] == expected


def test_instalments_after_the_first_fall_on_the_chosen_day() -> None:
    made = monthly(30_000, 3, first_due=date(2026, 5, 20), day=InstalmentDay.DAY_1)
    assert [i.due_date for i in made.instalments] == [
        date(2026, 5, 20),
        date(2026, 6, 1),
        date(2026, 7, 1),
    ]


def test_without_a_chosen_day_instalments_keep_the_first_ones_day_without_drifting() -> None:
    made = monthly(30_000, 3, first_due=date(2028, 1, 31))
    assert [i.due_date for i in made.instalments] == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
    ]


@pytest.mark.parametrize("count", [0, -1])
def test_a_monthly_schedule_needs_at_least_one_instalment(count: int) -> None:
    with pytest.raises(DomainError, match="at least one instalment"):
        monthly(10_000, count)


@given(
    total=st.integers(min_value=0, max_value=10**10),
    count=st.integers(min_value=1, max_value=60),
    first_due=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    day=st.none() | st.sampled_from(InstalmentDay),
)
def test_any_monthly_schedule_adds_up_and_falls_once_a_month(
    total: int, count: int, first_due: date, day: InstalmentDay | None
) -> None:
    made = monthly(total, count, first_due=first_due, day=day)
    amounts = [i.amount.pence for i in made.instalments]
    assert sum(amounts) == total
    assert len(set(amounts[1:])) <= 1
    assert 0 <= amounts[0] - amounts[-1] < count
    for n, instalment in enumerate(made.instalments):
        month = add_months(first_due.replace(day=1), n)
        assert (instalment.due_date.year, instalment.due_date.month) == (month.year, month.month)


# ---- parties ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1970, 5, 5), date(2026, 5, 4), 55),
        (date(1970, 5, 5), date(2026, 5, 5), 56),
        (date(2000, 2, 29), date(2001, 2, 28), 0),  # no 29 February: the birthday is 1 March
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2000, 2, 29), date(2004, 2, 28), 3),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(2008, 6, 12), date(2026, 6, 11), 17),
        (date(2008, 6, 12), date(2026, 6, 12), 18),
        (date(1999, 12, 31), date(2000, 1, 1), 0),
    ],
)
def test_age_on_counts_whole_years(born: date, on: date, age: int) -> None:
    assert Party(PartyKind.PERSON, "Alex Example", born).age_on(on) == age


def test_age_is_unknown_without_a_date_of_birth() -> None:
    assert Party(PartyKind.PERSON, "Alex Example").age_on(date(2026, 6, 12)) is None


def test_an_organisation_cannot_have_a_date_of_birth() -> None:
    with pytest.raises(DomainError, match="Acme Ltd is an organisation"):
        Party(PartyKind.ORGANISATION, "Acme Ltd", date(1990, 1, 1))


def test_an_organisation_without_a_date_of_birth_is_accepted() -> None:
    assert Party(PartyKind.ORGANISATION, "Acme Ltd").date_of_birth is None


@pytest.mark.parametrize("name", ["", "   "])
def test_a_party_needs_a_name(name: str) -> None:
    with pytest.raises(DomainError, match="needs a name"):
        Party(PartyKind.PERSON, name)


def test_the_same_person_written_differently_has_one_identity() -> None:
    one = Party(PartyKind.PERSON, "Alex  Example", date(1970, 5, 5))
    other = Party(PartyKind.PERSON, "alex example ", date(1970, 5, 5))
    born_later = Party(PartyKind.PERSON, "Alex Example", date(1971, 5, 5))
    assert one.identity_key() == other.identity_key()
    assert one.identity_key() != born_later.identity_key()


# ---- postcodes and properties ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("l36 9yu", "L36 9YU"),
        ("SW1A1AA", "SW1A 1AA"),
        ("  ec1a   1bb ", "EC1A 1BB"),
        ("M1 1AE", "M1 1AE"),
        ("b338th", "B33 8TH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A\t0AX", "W1A 0AX"),
    ],
)
def test_normalise_postcode_upper_cases_and_puts_one_space_before_the_inward_code(
    text: str, postcode: str
) -> None:
    assert normalise_postcode(text) == postcode


@pytest.mark.parametrize(
    "text", ["", "ABC", "L36 9Y", "L36 9YUU", "123 456", "LLL1 1AA", "1L3 9YU", "L36-9YU"]
)
def test_normalise_postcode_refuses_what_is_not_a_postcode_naming_it(text: str) -> None:
    with pytest.raises(DomainError, match=f"^'{text}' is not a UK postcode$"):
        normalise_postcode(text)


@pytest.mark.parametrize("uprn", ["1", "100023336956"])
def test_a_uprn_is_up_to_twelve_digits(uprn: str) -> None:
    assert Property("1 Test Street", "TE1 1ST", uprn=uprn).uprn == uprn


@pytest.mark.parametrize("uprn", ["", "1000233369561", "12a", "-1"])
def test_a_uprn_that_is_not_digits_is_refused(uprn: str) -> None:
    with pytest.raises(DomainError, match="is not a UPRN"):
        Property("1 Test Street", "TE1 1ST", uprn=uprn)


def test_a_uprn_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(DomainError, match="is not a UPRN"):
        Property("1 Test Street", "TE1 1ST", uprn="123\n")


# ---- councils --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["KNOWSLEY", "RBWM", "AB", "A1", "TOWER_HAMLETS", "BARKING-DAGENHAM", "A" * 20]
)
def test_a_council_code_is_2_to_20_capitals_digits_dashes_or_underscores(code: str) -> None:
    assert Council(code, "A Council", Country.ENGLAND).code == code


@pytest.mark.parametrize(
    "code", ["", "K", "knowsley", "Knowsley", "1ABC", "-AB", "_AB", "A B", "A.B", "A" * 21]
)
def test_a_council_code_breaking_the_rules_is_refused_naming_it(code: str) -> None:
    with pytest.raises(DomainError, match=f"^'{code}' is not a council code"):
        Council(code, "A Council", Country.ENGLAND)


def test_a_council_code_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(DomainError, match="is not a council code"):
        Council("KNOWSLEY\n", "Knowsley Council", Country.ENGLAND)


@pytest.mark.parametrize("name", ["", "  "])
def test_a_council_needs_a_name(name: str) -> None:
    with pytest.raises(DomainError, match="needs a name"):
        Council("KNOWSLEY", name, Country.ENGLAND)
