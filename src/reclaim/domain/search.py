"""The words a customer is found by: of their name, of each address they are liable at, and
their postcodes.

A word is a run of letters and digits, compared in lower case with accents set aside
("José O'Brien-Smith" has the words ``jose``, ``obrien`` and ``smith``); a postcode is one
word without its space (``te11st``), so that its start finds it ("TE1", "TE1 1"). An officer's
search finds a customer when each word typed starts a word of theirs: "smi high" finds Sam
Smith of 12 High Street. The words are kept in a table with a btree index (``search_words``),
so a search reads only the words that start with what was typed, never every customer.

``customer_words`` is the rule for one customer; the bulk writer computes the same words as
column expressions (``store.search_index``), and a test proves the two agree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

WORD_LENGTH = 40  # longer words are kept (and matched) by their first 40 characters
APOSTROPHES = "'’"  # dropped, not a break: O'Brien is one word, obrien
WORD_CHARACTERS = r"[\p{L}\p{Nd}]"  # letters and decimal digits (as a Polars/Rust regex)


def plain(text: str) -> str:
    """Lower case, accents set aside (NFKD without its combining marks), no apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    lowered = bare.lower()
    for mark in APOSTROPHES:
        lowered = lowered.replace(mark, "")
    return lowered


def words_of(text: str) -> list[str]:
    """The words of a name or an address, in order (repeats kept): the runs of letters and
    decimal digits (``WORD_CHARACTERS``) of its plain form."""
    found: list[str] = []
    word = ""
    for c in plain(text):
        if c.isalpha() or c.isdecimal():
            word += c
        elif word:
            found.append(word[:WORD_LENGTH])
            word = ""
    if word:
        found.append(word[:WORD_LENGTH])
    return found


def postcode_word(postcode: str) -> str:
    """A postcode as one word: 'TE1 1ST' -> 'te11st'."""
    return "".join(words_of(postcode))[:WORD_LENGTH]


def customer_words(name: str, places: Iterable[tuple[str, str]]) -> set[str]:
    """Every word a customer is found by: their name's, and each (address, postcode)'s."""
    found = set(words_of(name))
    for address, postcode in places:
        found.update(words_of(address))
        if postcode_word(postcode):
            found.add(postcode_word(postcode))
    return found


def after_prefix(prefix: str) -> str:
    """The first text after every text that starts with ``prefix`` (in code point order, which
    is how the index compares): 'smi' -> 'smj'. A prefix is then a range of the index."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
