"""Writing the words customers are found by (``domain.search``) into ``search_words``.

The words come from what is stored — the party's name, and the address and postcode of the
property of each account they are liable for — so a property matched by its UPRN is found by
its stored address, not by how a later file spelt it. The account import writes them for the
accounts it adds (``index_customers``), and migration 0009 for every account there was before
(``index_every_customer``); names and addresses are not changed after that. Words a customer
already has are left as they are.

The words are column expressions (Polars) over every linked account at once; a test proves
them equal to ``domain.search.customer_words``, the one-customer rule the search checks with.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from sqlalchemy import Connection, select

from reclaim.domain.search import APOSTROPHES, WORD_CHARACTERS, WORD_LENGTH
from reclaim.store.access_tables import search_words
from reclaim.store.bulk import insert_missing_rows, insert_rows, read_frame

PARTY_INDEX = "ix_search_words_party_id_word"
BUILD_AFTER = 10_000  # links (about 50,000 words) into an empty table: the second index after
LINKS_AT_ONCE = 250_000  # customers' links whose words are made and written together

_LINKED = (
    "SELECT p.council_id, p.id, p.name, pr.address, pr.postcode "
    "FROM account_parties ap JOIN accounts a ON a.id = ap.account_id "
    "JOIN parties p ON p.id = ap.party_id LEFT JOIN properties pr ON pr.id = a.property_id"
)
COLUMNS = ("council_id", "word", "party_id")
_SCHEMA = {
    "council_id": pl.Int64,
    "party_id": pl.Int64,
    "name": pl.String,
    "address": pl.String,
    "postcode": pl.String,
}


def words_expr(text: pl.Expr) -> pl.Expr:
    """``domain.search.words_of`` as a column expression: a list of words per row."""
    return (
        text.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all(f"[{APOSTROPHES}]", "")
        .str.extract_all(f"{WORD_CHARACTERS}+")
        .list.eval(pl.element().str.slice(0, WORD_LENGTH))
    )


def postcode_word_expr(postcode: pl.Expr) -> pl.Expr:
    """``domain.search.postcode_word`` as a column expression."""
    return words_expr(postcode).list.join("").str.slice(0, WORD_LENGTH)


def word_frame(linked: pl.DataFrame) -> pl.DataFrame:
    """(council_id, word, party_id), once each and in the index's order (which makes writing
    them into the index three times faster), for rows of (council_id, party_id, name, address,
    postcode)."""
    keys = [pl.col("council_id"), pl.col("party_id")]
    listed = pl.concat(
        [
            linked.select(*keys, words_expr(pl.col("name")).alias("word")),
            linked.select(*keys, words_expr(pl.col("address").fill_null("")).alias("word")),
        ]
    ).explode("word")
    postcodes = linked.select(
        *keys, postcode_word_expr(pl.col("postcode").fill_null("")).alias("word")
    )
    return (
        pl.concat([listed, postcodes])
        .lazy()
        .filter(pl.col("word").is_not_null() & (pl.col("word") != ""))
        .select("council_id", "word", "party_id")
        .unique()
        .sort("council_id", "word", "party_id")
        .collect()
    )


def index_customers(
    conn: Connection, *, import_id: int, new_parties: pl.Series | None = None
) -> int:
    """Write the words of the customers of the accounts an import added; returns how many
    were new. The words of ``new_parties`` (added by the import: they have none yet) are
    written straight; the others' only where missing."""
    linked = read_frame(
        conn, f"{_LINKED} WHERE a.import_id = :import_id", {"import_id": import_id}, _SCHEMA
    )
    added = pl.DataFrame({"party_id": new_parties if new_parties is not None else []},
                         schema={"party_id": pl.Int64})  # fmt: skip
    written = 0
    with _party_index_built_after(conn, linked.height):
        for customers in a_share_at_a_time(linked, LINKS_AT_ONCE):
            words = word_frame(customers)
            new = words.join(added, on="party_id", how="semi", maintain_order="left")
            written += insert_rows(conn, search_words, COLUMNS, new.iter_rows())
            known = words.join(added, on="party_id", how="anti", maintain_order="left")
            if known.height:
                written += insert_missing_rows(conn, search_words, COLUMNS, known.iter_rows())
    return written


def a_share_at_a_time(linked: pl.DataFrame, at_once: int = LINKS_AT_ONCE) -> list[pl.DataFrame]:
    """The linked rows in shares of whole customers, about ``at_once`` rows each: the words
    of a million accounts made at once took 560 MiB more than the rest of the import (and,
    written a share at a time, 68 s against 79 s)."""
    if linked.height <= at_once:
        return [linked]
    customers = linked.get_column("party_id").n_unique()
    per_share = max(1, customers * at_once // linked.height)
    share = (pl.col("party_id").rank("dense") - 1) // per_share
    return linked.with_columns(share.alias("share")).partition_by(
        "share", maintain_order=True, include_key=False
    )


def index_every_customer(conn: Connection) -> int:
    """Write the words of every customer into a ``search_words`` that has none yet (migration
    0009); returns how many. A share of customers at a time, as an import's."""
    return sum(
        insert_rows(conn, search_words, COLUMNS, word_frame(customers).iter_rows())
        for customers in a_share_at_a_time(read_frame(conn, _LINKED, {}, _SCHEMA), LINKS_AT_ONCE)
    )


@contextmanager
def _party_index_built_after(conn: Connection, links: int) -> Iterator[None]:
    """The words of many links into an empty table (a council's first import): the (customer, word) index
    is built once after them, a sort, rather than kept up a word at a time (a third less
    time writing them on SQLite). Within the caller's transaction, as everything here."""
    empty = conn.execute(select(search_words.c.party_id).limit(1)).first() is None
    if links < BUILD_AFTER or not empty:
        yield
        return
    index = next(i for i in search_words.indexes if i.name == PARTY_INDEX)
    index.drop(conn)
    yield
    index.create(conn)
