"""Finding a customer: by customer or account reference, name, address or postcode.

Only the councils the officer may see are searched, and another council's customers are
never found. A reference is looked up exactly. Otherwise each word typed must start one of the
customer's words (``domain.search``: their name's, their addresses', their postcodes'), found
in the ``search_words`` index — its key is (council, word, customer), so the words starting
with "smi" are one range of it, read without touching any other customer. A search reads
the customers in the range of the narrowest word typed (each range counted up to ``NARROW``
entries), in the index's order, each looked up with the other words typed in the second index,
(customer, word), until enough are found: a search reads about as many entries as it answers
when the words go together (a surname and a postcode), and never more than its narrowest
word's range.

At most ``SEARCH_LIMIT`` customers are answered, sorted by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, FromClause, exists, func, select

from reclaim.domain.accounts import AccountKind
from reclaim.domain.errors import DomainError
from reclaim.domain.search import after_prefix, postcode_word, words_of
from reclaim.store import tables as t
from reclaim.store.access_tables import search_words

SEARCH_LIMIT = 50
NARROW = 2_000  # a word's range is counted no further: past this, any is as wide
ACCOUNTS_SHOWN = 10  # of each customer found; the customer view lists them all

_REFERENCE = re.compile(r"[A-Za-z]{0,6}-?[0-9]+")
_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?( ?[0-9]([A-Z]{1,2})?)?")  # TE1, TE1 1ST
_FULL_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SearchHit:
    council: str
    customer: str  # the customer reference
    name: str
    accounts: tuple[tuple[str, str, str], ...]  # (reference, kind label, address)
    more_accounts: int = 0  # accounts they have beyond those listed


def typed_words(query: str) -> list[str]:
    """The words to look for: a postcode (the whole query shaped like one or its start, or a
    whole postcode within it) is one word without its space, so 'TE1 1' finds TE1 1ST."""
    text = query.strip()
    if _POSTCODE.fullmatch(text.upper()):
        return [postcode_word(text)]
    postcodes = [postcode_word(p) for p in _FULL_POSTCODE.findall(text)]
    rest = words_of(_FULL_POSTCODE.sub(" ", text))
    return list(dict.fromkeys([*postcodes, *rest]))


def search(conn: Connection, query: str, councils: tuple[str, ...]) -> list[SearchHit]:
    """Customers in the officer's councils found by ``query``: a customer or account
    reference (exactly), or else words that start the customer's name, address or postcode;
    at most ``SEARCH_LIMIT``, by name."""
    text = query.strip()
    if len(text) < 2:
        raise DomainError("type at least two letters or digits to search for")
    c = t.councils
    ids = list(conn.execute(select(c.c.id).where(c.c.code.in_(councils))).scalars())
    if not ids:
        return []
    found = _by_reference(conn, text.upper(), ids)
    if _POSTCODE.fullmatch(text.upper()) or not _REFERENCE.fullmatch(text):
        typed = typed_words(text)
        if typed:
            found += [i for i in _by_words(conn, typed, ids) if i not in found]
    return _hits(conn, found[:SEARCH_LIMIT])


def _by_reference(conn: Connection, reference: str, council_ids: list[int]) -> list[int]:
    p, a, ap = t.parties, t.accounts, t.account_parties
    by_party = select(p.c.id).where(p.c.reference == reference, p.c.council_id.in_(council_ids))
    by_account = (
        select(ap.c.party_id)
        .join(a, a.c.id == ap.c.account_id)
        .where(a.c.reference == reference, a.c.council_id.in_(council_ids))
    )
    return sorted(set(conn.execute(by_party).scalars()) | set(conn.execute(by_account).scalars()))


def _starting(word: str, table: FromClause = search_words) -> ColumnElement[bool]:
    """The words that start with ``word``: a range of the index."""
    column: ColumnElement[str] = table.c.word
    return (column >= word) & (column < after_prefix(word))


def _by_words(conn: Connection, typed: list[str], council_ids: list[int]) -> list[int]:
    """Customers with a word starting each typed word: the narrowest word's range read in the
    index's order, each customer in it looked up with the other words in (customer, word),
    until ``SEARCH_LIMIT`` are found."""
    w = search_words
    in_councils = w.c.council_id.in_(council_ids)
    counts = {}
    for word in typed:
        if len(typed) == 1:
            break
        some = select(w.c.party_id).where(in_councils, _starting(word)).limit(NARROW + 1)
        counts[word] = conn.execute(select(func.count()).select_from(some.subquery())).scalar_one()
        if counts[word] == 0:
            return []
    narrowest = min(typed, key=lambda word: counts.get(word, 0))
    others = [word for word in typed if word != narrowest]
    found: dict[int, None] = {}
    for council_id in council_ids:  # each council's range in the index's own order
        first = select(w.c.party_id).where(w.c.council_id == council_id, _starting(narrowest))
        for word in others:
            other = w.alias()
            first = first.where(
                exists().where(other.c.party_id == w.c.party_id, _starting(word, other))
            )
        first = first.order_by(w.c.word, w.c.party_id).limit(2 * SEARCH_LIMIT)
        found.update(dict.fromkeys(conn.execute(first).scalars()))  # once each, in order
    return list(found)[:SEARCH_LIMIT]


def _hits(conn: Connection, party_ids: list[int]) -> list[SearchHit]:
    """The customers found, each with their first ``ACCOUNTS_SHOWN`` accounts (as they were
    added) and how many more they have: a company may have a thousand."""
    if not party_ids:
        return []
    p, a, pr, c, ap = t.parties, t.accounts, t.properties, t.councils, t.account_parties
    linked = (  # read from the index (party, account) alone
        select(
            ap.c.party_id,
            ap.c.account_id,
            func.row_number().over(partition_by=ap.c.party_id, order_by=ap.c.account_id).label("n"),
            func.count().over(partition_by=ap.c.party_id).label("accounts"),
        )
        .where(ap.c.party_id.in_(party_ids))
        .subquery()
    )
    shown = {
        (r.party_id, r.account_id): (r.n, r.accounts)
        for r in conn.execute(select(linked).where(linked.c.n <= ACCOUNTS_SHOWN))
    }
    rows = conn.execute(  # a query of its own: joined, the planner misjudges the window
        select(
            p.c.id,
            c.c.code,
            p.c.reference,
            p.c.name,
            a.c.id.label("account_id"),
            a.c.reference.label("account"),
            a.c.kind,
            pr.c.address,
            pr.c.postcode,
        )
        .select_from(
            a.join(ap, ap.c.account_id == a.c.id)
            .join(p, p.c.id == ap.c.party_id)
            .join(c, c.c.id == p.c.council_id)
            .outerjoin(pr, pr.c.id == a.c.property_id)
        )
        .where(a.c.id.in_({account for _, account in shown}), ap.c.party_id.in_(party_ids))
    ).all()
    hits: dict[int, SearchHit] = {}
    rows = [r for r in rows if (r.id, r.account_id) in shown]
    for r in sorted(rows, key=lambda r: (r.name, r.id, shown[r.id, r.account_id][0])):
        address = f"{r.address}, {r.postcode}" if r.address else ""
        account = (r.account, AccountKind(r.kind).label, address)
        old = hits.get(r.id)
        accounts = (*old.accounts, account) if old else (account,)
        more = shown[r.id, r.account_id][1] - len(accounts)
        hits[r.id] = SearchHit(r.code, r.reference, r.name, accounts, more)
    return list(hits.values())
