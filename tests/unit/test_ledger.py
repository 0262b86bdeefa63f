"""The ledger's rules, without a database: signs by kind, reversals, and an account's ledger."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reclaim.calendar import FinancialYear
from reclaim.domain.errors import PostingRefused
from reclaim.domain.ledger import (
    AccountLedger,
    Posting,
    PostingKind,
    balance,
    balance_by_year,
    posting_hash,
    reversal_of,
)
from reclaim.money import Money

YEAR = FinancialYear(2026)
ON = date(2026, 6, 12)
ACCOUNT = 7


def posting(
    kind: PostingKind = PostingKind.CHARGE,
    pence: int = 10_000,
    *,
    account_id: int = ACCOUNT,
    year: FinancialYear = YEAR,
    reason: str = "Annual bill",
    reverses_id: int | None = None,
    payment_id: int | None = None,
    id: int | None = None,  # noqa: A002 - the field's own name
) -> Posting:
    return Posting(
        account_id=account_id,
        kind=kind,
        amount=Money(pence),
        financial_year=year,
        effective_date=ON,
        posted_on=ON,
        reason=reason,
        reverses_id=reverses_id,
        payment_id=payment_id,
        id=id,
    )


# ---- one posting -----------------------------------------------------------------------

# (kind, accepts a positive amount, accepts a negative amount)
SIGN_RULES = [
    (PostingKind.CHARGE, True, False),
    (PostingKind.COSTS, True, False),
    (PostingKind.REFUND, True, False),
    (PostingKind.PAYMENT, False, True),
    (PostingKind.WRITE_OFF, False, True),
    (PostingKind.ADJUSTMENT, True, True),
    (PostingKind.TRANSFER, True, True),
    (PostingKind.REVERSAL, True, True),
]


def test_the_sign_table_names_every_kind_of_posting() -> None:
    assert {kind for kind, _, _ in SIGN_RULES} == set(PostingKind)


@pytest.mark.parametrize(("kind", "positive_ok", "negative_ok"), SIGN_RULES)
@pytest.mark.parametrize("pence", [1, 12_345, -1, -12_345])
def test_each_kind_of_posting_has_the_sign_its_kind_requires(
    kind: PostingKind, positive_ok: bool, negative_ok: bool, pence: int
) -> None:
    reverses_id = 1 if kind is PostingKind.REVERSAL else None
    allowed = positive_ok if pence > 0 else negative_ok
    if allowed:
        made = posting(kind, pence, reverses_id=reverses_id)
        assert made.amount == Money(pence)
    else:
        with pytest.raises(PostingRefused, match=f"{kind} posting must be"):
            posting(kind, pence, reverses_id=reverses_id)


@pytest.mark.parametrize("kind", list(PostingKind))
def test_no_posting_can_be_for_zero(kind: PostingKind) -> None:
    reverses_id = 1 if kind is PostingKind.REVERSAL else None
    with pytest.raises(PostingRefused, match=r"cannot be for £0\.00"):
        posting(kind, 0, reverses_id=reverses_id)


@pytest.mark.parametrize("reason", ["", "   ", "\t\n"])
def test_every_posting_says_why_it_was_made(reason: str) -> None:
    with pytest.raises(PostingRefused, match="says why"):
        posting(reason=reason)


def test_a_reversal_must_name_the_posting_it_reverses() -> None:
    with pytest.raises(PostingRefused, match="names the posting it reverses"):
        posting(PostingKind.REVERSAL, -100)


@pytest.mark.parametrize("kind", [k for k in PostingKind if k is not PostingKind.REVERSAL])
def test_only_a_reversal_may_name_a_posting_it_reverses(kind: PostingKind) -> None:
    pence = -100 if kind in (PostingKind.PAYMENT, PostingKind.WRITE_OFF) else 100
    with pytest.raises(PostingRefused, match="names the posting it reverses"):
        posting(kind, pence, reverses_id=1)


def test_the_content_hash_changes_with_every_part_of_the_content() -> None:
    base = dict(
        account_id=1,
        kind="charge",
        amount_pence=100,
        financial_year=2026,
        effective_date=ON,
        posted_on=ON,
        reason="bill",
        reverses_id=None,
        payment_id=None,
    )
    changed = [
        {"account_id": 2},
        {"kind": "costs"},
        {"amount_pence": 101},
        {"financial_year": 2025},
        {"effective_date": date(2026, 6, 13)},
        {"posted_on": date(2026, 6, 13)},
        {"reason": "bill "},
        {"reverses_id": 1},
        {"payment_id": 1},
    ]
    original = posting_hash(**base)
    hashes = {posting_hash(**(base | change)) for change in changed}
    assert original not in hashes
    assert len(hashes) == len(changed)


def test_a_postings_content_hash_does_not_depend_on_its_id() -> None:
    assert posting(id=1).content_hash == posting(id=2).content_hash


# ---- reversal_of -------------------------------------------------------------------------


def test_reversal_of_undoes_the_original_exactly_in_its_own_year() -> None:
    original = posting(PostingKind.PAYMENT, -2_500, year=FinancialYear(2024), payment_id=9, id=41)
    reversal = reversal_of(original, on=date(2026, 7, 1), reason="Direct Debit returned")
    assert reversal == Posting(
        account_id=ACCOUNT,
        kind=PostingKind.REVERSAL,
        amount=Money(2_500),
        financial_year=FinancialYear(2024),
        effective_date=date(2026, 7, 1),
        posted_on=date(2026, 7, 1),
        reason="Direct Debit returned",
        reverses_id=41,
        payment_id=9,
    )


def test_only_a_stored_posting_can_be_reversed() -> None:
    with pytest.raises(PostingRefused, match="only a stored posting"):
        reversal_of(posting(id=None), on=ON, reason="wrong")


def test_a_reversal_cannot_itself_be_reversed() -> None:
    reversal = posting(PostingKind.REVERSAL, -10_000, reverses_id=1, id=2)
    with pytest.raises(PostingRefused, match="cannot itself be reversed"):
        reversal_of(reversal, on=ON, reason="undo the undo")


# ---- balances ------------------------------------------------------------------------------


amounts = st.lists(st.integers(min_value=1, max_value=10**9), max_size=20)


@given(charges=amounts, payments=amounts)
def test_a_balance_is_the_sum_of_its_postings(charges: list[int], payments: list[int]) -> None:
    postings = [posting(PostingKind.CHARGE, p) for p in charges] + [
        posting(PostingKind.PAYMENT, -p) for p in payments
    ]
    assert balance(postings) == Money(sum(charges) - sum(payments))
    assert AccountLedger(ACCOUNT, postings).balance == Money(sum(charges) - sum(payments))


def test_a_ledger_with_no_postings_has_a_zero_balance() -> None:
    assert AccountLedger(ACCOUNT).balance == Money.zero()


def test_balance_by_year_keeps_each_financial_year_apart() -> None:
    postings = [
        posting(PostingKind.CHARGE, 10_000, year=FinancialYear(2024)),
        posting(PostingKind.CHARGE, 20_000, year=FinancialYear(2025)),
        posting(PostingKind.PAYMENT, -2_500, year=FinancialYear(2024)),
    ]
    assert balance_by_year(postings) == {
        FinancialYear(2024): Money(7_500),
        FinancialYear(2025): Money(20_000),
    }


# ---- AccountLedger -----------------------------------------------------------------------


def ledger_with_a_charge_and_a_payment() -> AccountLedger:
    return AccountLedger(
        ACCOUNT,
        [posting(PostingKind.CHARGE, 10_000, id=1), posting(PostingKind.PAYMENT, -4_000, id=2)],
        version=3,
    )


def test_a_ledger_keeps_the_version_it_was_read_at() -> None:
    assert ledger_with_a_charge_and_a_payment().version == 3


def test_posting_adds_to_the_balance_and_to_the_new_postings_only() -> None:
    ledger = ledger_with_a_charge_and_a_payment()
    costs = ledger.post(posting(PostingKind.COSTS, 7_000))
    assert ledger.balance == Money(13_000)
    assert ledger.new_postings == [costs]
    assert ledger.postings[-1] == costs
    assert len(ledger.postings) == 3


def test_reversing_a_payment_restores_the_balance_and_marks_it_reversed() -> None:
    ledger = ledger_with_a_charge_and_a_payment()
    reversal = ledger.reverse(2, on=ON, reason="cheque dishonoured")
    assert reversal.amount == Money(4_000)
    assert reversal.reverses_id == 2
    assert ledger.balance == Money(10_000)
    assert ledger.is_reversed(2)
    assert not ledger.is_reversed(1)


def test_a_posting_cannot_be_reversed_twice() -> None:
    ledger = ledger_with_a_charge_and_a_payment()
    ledger.reverse(2, on=ON, reason="cheque dishonoured")
    with pytest.raises(PostingRefused, match="already been reversed"):
        ledger.reverse(2, on=ON, reason="again")
    assert ledger.balance == Money(10_000)


def test_a_reversal_read_from_storage_still_counts_against_a_second_reversal() -> None:
    stored = [
        posting(PostingKind.PAYMENT, -4_000, id=2),
        posting(PostingKind.REVERSAL, 4_000, reverses_id=2, id=3),
    ]
    ledger = AccountLedger(ACCOUNT, stored)
    assert ledger.is_reversed(2)
    with pytest.raises(PostingRefused, match="already been reversed"):
        ledger.post(posting(PostingKind.REVERSAL, 4_000, reverses_id=2))


@pytest.mark.parametrize("pence", [10_000, -9_999, -10_001, -100])
def test_a_reversal_must_be_for_exactly_the_opposite_amount(pence: int) -> None:
    ledger = ledger_with_a_charge_and_a_payment()  # posting 1 is a charge of £100.00
    with pytest.raises(PostingRefused, match=r"a reversal must be for -£100\.00"):
        ledger.post(posting(PostingKind.REVERSAL, pence, reverses_id=1))
    assert ledger.new_postings == []
    assert not ledger.is_reversed(1)


def test_a_reversal_must_be_in_the_financial_year_of_the_posting_it_undoes() -> None:
    ledger = AccountLedger(ACCOUNT, [posting(PostingKind.CHARGE, 10_000, id=1)])
    with pytest.raises(PostingRefused, match="year"):
        ledger.post(posting(PostingKind.REVERSAL, -10_000, reverses_id=1, year=FinancialYear(2027)))


def test_a_reversal_must_reverse_a_posting_on_the_same_account() -> None:
    ledger = ledger_with_a_charge_and_a_payment()
    with pytest.raises(PostingRefused, match="posting 99 is not on account 7"):
        ledger.post(posting(PostingKind.REVERSAL, -10_000, reverses_id=99))


def test_a_posting_for_another_account_is_refused() -> None:
    ledger = ledger_with_a_charge_and_a_payment()
    with pytest.raises(PostingRefused, match="for account 8 cannot go on account 7"):
        ledger.post(posting(account_id=8))
    assert ledger.balance == Money(6_000)
    assert ledger.new_postings == []


def test_the_ledger_refuses_a_reversal_of_a_reversal_however_it_is_made() -> None:
    ledger = AccountLedger(
        ACCOUNT,
        [
            posting(PostingKind.PAYMENT, -4_000, id=2),
            posting(PostingKind.REVERSAL, 4_000, reverses_id=2, id=3),
        ],
    )
    with pytest.raises(PostingRefused, match="cannot itself be reversed"):
        ledger.post(posting(PostingKind.REVERSAL, -4_000, reverses_id=3))


def test_the_ledger_refuses_to_reverse_a_reversal_by_id() -> None:
    ledger = ledger_with_a_charge_and_a_payment()
    reversal = ledger.reverse(2, on=ON, reason="returned")
    stored = AccountLedger(ACCOUNT, [*ledger.postings[:2], _stored(reversal, 3)])
    with pytest.raises(PostingRefused, match="cannot itself be reversed"):
        stored.reverse(3, on=ON, reason="undo the undo")


def _stored(p: Posting, posting_id: int) -> Posting:
    return Posting(
        p.account_id,
        p.kind,
        p.amount,
        p.financial_year,
        p.effective_date,
        p.posted_on,
        p.reason,
        p.reverses_id,
        p.payment_id,
        posting_id,
    )
