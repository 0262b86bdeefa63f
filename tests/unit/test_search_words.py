"""The words customers are found by: the bulk writer's column expressions
(``store.search_index``) say what the one-customer rule (``domain.search``) says; and a
prefix's range holds exactly the words it starts."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reclaim.domain.search import (
    after_prefix,
    customer_words,
    postcode_word,
    words_of,
)
from reclaim.store.search_index import a_share_at_a_time, word_frame

SAMPLES = [
    ("José O'Brien-Smith", "Flat 3, 4 Mill Lane,Example Town", "TE1 1ST"),
    ("  ALEX   example ", "12a High_Street", "te1  1st"),
    ("Zoë Ødegård", "Ünit 4 Straße", ""),
    ("McDonald’s Café Ltd", "", None),
    ("Đemal İnce", "Ⅻ Queen’s Road ½", "M1 1AA"),
    ("x" * 60, "y" * 41 + " z", "SW1A 1AA"),
    ("&", "--", "  "),
]


def through_writer(rows: list[tuple[str, str, str | None]]) -> dict[int, set[str]]:
    linked = pl.DataFrame(
        [(1, i, name, address or None, postcode) for i, (name, address, postcode) in enumerate(rows)],
        schema={"council_id": pl.Int64, "party_id": pl.Int64, "name": pl.String,
                "address": pl.String, "postcode": pl.String},
        orient="row",
    )  # fmt: skip
    found: dict[int, set[str]] = {i: set() for i in range(len(rows))}
    for _, word, party in word_frame(linked).iter_rows():
        found[party].add(word)
    return found


def by_the_rule(rows: list[tuple[str, str, str | None]]) -> dict[int, set[str]]:
    return {
        i: customer_words(name, [(address, postcode or "")] if address else [])
        | ({postcode_word(postcode)} if postcode and postcode_word(postcode) else set())
        for i, (name, address, postcode) in enumerate(rows)
    }


def test_the_writer_finds_the_words_the_rule_finds() -> None:
    assert through_writer(SAMPLES) == by_the_rule(SAMPLES)
    assert through_writer(SAMPLES)[0] == {
        "jose", "obrien", "smith", "flat", "3", "4", "mill", "lane", "example", "town", "te11st",
    }  # fmt: skip


TEXT = st.text(
    alphabet=st.characters(categories=["L", "N", "Zs", "P", "S", "Mn"]) | st.sampled_from(",'’\t"),
    max_size=30,
)


@given(st.lists(st.tuples(TEXT, TEXT, TEXT | st.none()), max_size=10))
def test_the_writer_and_the_rule_agree_on_any_name_address_and_postcode(
    rows: list[tuple[str, str, str | None]],
) -> None:
    assert through_writer(rows) == by_the_rule(rows)


def test_words_are_runs_of_letters_and_digits_in_lower_case_without_accents() -> None:
    assert words_of("José O'Brien-Smith, 12a") == ["jose", "obrien", "smith", "12a"]
    assert words_of("x" * 50) == ["x" * 40]
    assert postcode_word("te1  1st") == "te11st"


@pytest.mark.parametrize("prefix", ["smi", "te1", "z", "a9", "jos"])
def test_a_prefixs_range_holds_exactly_the_words_it_starts(prefix: str) -> None:
    words = ["smh", "smi", "smith", "smiz", "smj", "te1", "te11st", "te2", "z", "zz", "{", "a9",
             "a9z", "a:", "jos", "jose", "josé"]  # fmt: skip
    in_range = [w for w in words if prefix <= w < after_prefix(prefix)]
    assert in_range == [w for w in words if w.startswith(prefix)]


@given(st.lists(st.tuples(st.integers(1, 30), TEXT, TEXT), max_size=60), st.integers(1, 20))
def test_words_made_a_share_of_customers_at_a_time_are_the_words_made_at_once(
    links: list[tuple[int, str, str]], at_once: int
) -> None:
    """A large import's words are made a share of customers at a time: each customer's links
    fall in one share, and the shares' words are the words of all the links at once."""
    linked = pl.DataFrame(
        [(1, party, f"name {party}", address, postcode) for party, address, postcode in links],
        schema={"council_id": pl.Int64, "party_id": pl.Int64, "name": pl.String,
                "address": pl.String, "postcode": pl.String},
        orient="row",
    )  # fmt: skip
    shares = a_share_at_a_time(linked, at_once)
    owners = [set(share.get_column("party_id").to_list()) for share in shares]
    assert sum(len(o) for o in owners) == len(set().union(*owners))  # nobody in two shares
    assert sum(share.height for share in shares) == linked.height
    if linked.height > at_once:
        assert len(shares) > 1 or len(owners[0]) == 1
    made = pl.concat([word_frame(share) for share in shares]).sort("council_id", "word", "party_id")
    assert made.equals(word_frame(linked))
