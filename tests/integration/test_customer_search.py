"""Finding a customer by part of their name, a word of their address or the start of their
postcode, through the ``search_words`` index — on SQLite and PostgreSQL. Another council's
customers are never found; the words are written by the account import (a known customer
at a new address gains its words) and, for the accounts there were before, by migration 0009.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, delete, inspect, select

from reclaim.imports.accounts import import_accounts
from reclaim.services import customer_search
from reclaim.services.customer_search import search, typed_words
from reclaim.store import search_index
from reclaim.store.access_tables import search_words
from reclaim.store.database import alembic_config
from reclaim.store.search_index import index_customers
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import (
    ACCOUNT_HEADER,
    NOW,
    TODAY,
    account_line,
    add_council,
    council_tax_line,
    write_csv,
)

PEOPLE = [
    council_tax_line("CT-1", party_name="Sam Smith", date_of_birth="1970-01-01",
                     address="12 High Street, Testville", postcode="TE1 1ST"),
    council_tax_line("CT-2", party_name="Jo Smithson", date_of_birth="1971-01-01",
                     address="3 Mill Road", postcode="TE2 4AB"),
    council_tax_line("CT-3", party_name="Siobhán O'Brien-Tait;Ruth Tait",
                     date_of_birth="1980-01-01;1981-01-01", party_type="person",
                     address="7 High Street", postcode="TE1 9ZZ"),
    account_line(reference="SD-4", party_name="Smith & Sons Ltd", party_type="organisation",
                 date_of_birth=""),
    council_tax_line("CT-9", council="OTHERTON", party_name="Sam Smith",
                     date_of_birth="1970-01-01", address="12 High Street", postcode="TE1 1ST"),
]  # fmt: skip


def import_lines(engine: Engine, path: Path, lines: list[str]) -> None:
    write_csv(path, ACCOUNT_HEADER, lines)
    with UnitOfWork(engine) as uow:
        import_accounts(uow.connection, path, today=TODAY, now=NOW)
        uow.commit()


@pytest.fixture
def people(engine: Engine, tmp_path: Path) -> Engine:
    add_council(engine, "TESTBURY")
    add_council(engine, "OTHERTON")
    import_lines(engine, tmp_path / "people.csv", PEOPLE)
    return engine


def names(engine: Engine, query: str, councils: tuple[str, ...] = ("TESTBURY",)) -> list[str]:
    with UnitOfWork(engine) as uow:
        return [hit.name for hit in search(uow.connection, query, councils)]


def every_word(engine: Engine) -> set[tuple[int, str, int]]:
    with UnitOfWork(engine) as uow:
        return {tuple(r) for r in uow.connection.execute(select(search_words))}  # type: ignore[misc]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("smi", ["Sam Smith", "Jo Smithson", "Smith & Sons Ltd"]),  # the start of a surname
        ("Smith", ["Sam Smith", "Jo Smithson", "Smith & Sons Ltd"]),
        ("smithson", ["Jo Smithson"]),
        ("mith", []),  # a word's start, not its middle
        ("sam smi", ["Sam Smith"]),
        ("high", ["Ruth Tait", "Sam Smith", "Siobhán O'Brien-Tait"]),  # a street word
        ("high street testville", ["Sam Smith"]),
        ("12 high", ["Sam Smith"]),
        ("mill road", ["Jo Smithson"]),
        ("TE1", ["Ruth Tait", "Sam Smith", "Siobhán O'Brien-Tait"]),  # a postcode's start
        ("te1 1", ["Sam Smith"]),
        ("TE1 9ZZ", ["Ruth Tait", "Siobhán O'Brien-Tait"]),
        ("te19zz", ["Ruth Tait", "Siobhán O'Brien-Tait"]),
        ("tait TE1 9ZZ", ["Ruth Tait", "Siobhán O'Brien-Tait"]),  # a name and a postcode
        ("siobhan", ["Siobhán O'Brien-Tait"]),  # accents set aside
        ("O'Brien", ["Siobhán O'Brien-Tait"]),
        ("obrien", ["Siobhán O'Brien-Tait"]),
        ("brien", []),  # O'Brien is one word
        ("sons", ["Smith & Sons Ltd"]),
        ("smith zzz", []),
        ("CT-2", ["Jo Smithson"]),  # references exactly
        ("P00000001", ["Sam Smith"]),
    ],
)
def test_search_finds_customers_by_the_start_of_their_words(
    people: Engine, query: str, found: list[str]
) -> None:
    assert names(people, query) == sorted(found)  # by name


def test_another_councils_customers_are_never_found(people: Engine) -> None:
    assert "Sam Smith" in names(people, "sam smith")
    assert names(people, "sam smith") == ["Sam Smith"]  # TESTBURY's, not OTHERTON's too
    assert names(people, "CT-9") == []
    with UnitOfWork(people) as uow:
        other = search(uow.connection, "sam smith", ("OTHERTON",))
        both = search(uow.connection, "12 high street", ("OTHERTON", "TESTBURY"))
    assert [(h.council, h.name, h.accounts[0][0]) for h in other] == [
        ("OTHERTON", "Sam Smith", "CT-9")
    ]
    assert sorted(h.council for h in both) == ["OTHERTON", "TESTBURY"]
    assert names(people, "smith", ()) == []


def test_words_wider_than_the_narrow_limit_are_intersected_in_the_database(
    people: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {q: names(people, q) for q in ("sam smi", "high street", "tait te1", "smith zzz")}
    monkeypatch.setattr(customer_search, "NARROW", 0)  # every word counts as wide
    assert {q: names(people, q) for q in expected} == expected


def test_at_most_the_search_limit_is_answered(
    people: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(customer_search, "SEARCH_LIMIT", 2)
    assert len(names(people, "smi")) == 2
    assert len(names(people, "high street")) == 2


def test_a_known_customer_at_a_new_address_is_found_by_it_too(
    people: Engine, tmp_path: Path
) -> None:
    before = every_word(people)
    moved = council_tax_line("CT-5", party_name="Sam  SMITH", date_of_birth="1970-01-01",
                             address="1 Orchard Close", postcode="TE7 7AA")  # fmt: skip
    import_lines(people, tmp_path / "moved.csv", [moved])
    assert names(people, "orchard") == ["Sam Smith"]
    assert names(people, "sam high") == ["Sam Smith"]  # the old address still finds them
    added = every_word(people) - before
    assert {word for _, word, _ in added} == {"1", "orchard", "close", "te77aa"}


def test_a_property_known_by_its_uprn_is_found_by_its_stored_address(
    engine: Engine, tmp_path: Path
) -> None:
    add_council(engine, "TESTBURY")
    first = council_tax_line("CT-1", party_name="Ann Lee", address="Flat 1, Rose House",
                             uprn="100000000001")  # fmt: skip
    import_lines(engine, tmp_path / "a.csv", [first])
    later = council_tax_line("CT-2", party_name="Bo Kay", address="1 Rose Hse",
                             uprn="100000000001")  # fmt: skip
    import_lines(engine, tmp_path / "b.csv", [later])
    assert names(engine, "rose house") == ["Ann Lee", "Bo Kay"]
    assert names(engine, "hse") == []


def test_migration_0009_finds_the_customers_already_stored(people: Engine) -> None:
    written = every_word(people)
    with UnitOfWork(people) as uow:
        uow.connection.execute(delete(search_words))
        uow.commit()
    config = alembic_config(people)
    command.downgrade(config, "0008")
    command.upgrade(config, "head")
    assert every_word(people) == written
    assert names(people, "smi") == ["Jo Smithson", "Sam Smith", "Smith & Sons Ltd"]
    with UnitOfWork(people) as uow:  # writing them again adds nothing
        assert index_customers(uow.connection, import_id=1) == 0


def test_a_whole_postcode_within_the_query_is_one_word() -> None:
    assert typed_words("TE1 1ST") == ["te11st"]
    assert typed_words("te1 1") == ["te11"]
    assert typed_words("Smith te1 1st high") == ["te11st", "smith", "high"]
    assert typed_words("O'Brien, José") == ["obrien", "jose"]


def test_a_first_import_builds_the_customer_word_index_after_its_words(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "BUILD_AFTER", 1)  # as for a council's first big file
    add_council(engine, "TESTBURY")
    add_council(engine, "OTHERTON")
    import_lines(engine, tmp_path / "people.csv", PEOPLE)
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("search_words")}
    assert indexes == {"ix_search_words_party_id_word": ["party_id", "word"]}
    assert names(engine, "tait te1") == ["Ruth Tait", "Siobhán O'Brien-Tait"]
    later = council_tax_line("CT-7", party_name="Zed Later", address="4 Lane", postcode="TE4 4AA")
    import_lines(engine, tmp_path / "later.csv", [later])  # not empty now: kept as written
    assert names(engine, "zed lane") == ["Zed Later"]


def test_a_large_import_writes_its_words_a_share_of_customers_at_a_time(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made and written a few customers at a time (as a million accounts are, 250,000 links
    at a time), an import's words are those migration 0009's writer makes from every stored
    customer (which goes a share at a time too; the shares' words are the words made at once:
    tests/unit/test_search_words.py)."""
    monkeypatch.setattr(search_index, "LINKS_AT_ONCE", 2)
    monkeypatch.setattr(search_index, "BUILD_AFTER", 1)
    add_council(engine, "TESTBURY")
    add_council(engine, "OTHERTON")
    import_lines(engine, tmp_path / "people.csv", PEOPLE)
    written = every_word(engine)
    with UnitOfWork(engine) as uow:
        uow.connection.execute(delete(search_words))
        assert search_index.index_every_customer(uow.connection) == len(written)
        uow.commit()
    assert every_word(engine) == written
    assert names(engine, "tait te1") == ["Ruth Tait", "Siobhán O'Brien-Tait"]
