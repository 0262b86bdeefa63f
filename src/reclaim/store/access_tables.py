"""The officer web app's tables: users, their councils, sessions, notes, the audit log and
the words customers are found by.

Kept beside ``tables.py`` (on the same ``metadata``) so that each file stays readable.
The audit log and notes are append-only (enforced by trigger, like the ledger).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects import postgresql

from reclaim.domain.access import Role
from reclaim.store.tables import Id, metadata, one_of

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True),
    Column("username", String(60), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("password_hash", Text, nullable=False),  # argon2id, with its own salt and cost
    Column("role", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("failed_sign_ins", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True)),
    one_of("role", Role),
)

# The councils whose data a user may see (and, by role, change).
user_councils = Table(
    "user_councils",
    metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("council_id", ForeignKey("councils.id"), primary_key=True),
)

# A signed-in browser: the SHA-256 of the cookie's token (the token itself is never stored)
# and the token a form must carry back (CSRF).
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index(None, "user_id"),
)

# A note an officer adds to an account: what was said or done, in their words.
notes = Table(
    "notes",
    metadata,
    Column("id", Id, primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
    Column("author", String(60), nullable=False),
    Column("text", Text, nullable=False),
    Index(None, "account_id"),
)

# Every change and every view of a customer record, chained: ``entry_hash`` is the SHA-256 of
# the previous entry's hash and this entry's content (domain.access.chain_hash).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(60), nullable=False),
    Column("action", String(60), nullable=False),
    Column("council", String(20), nullable=False),
    Column("subject", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("previous_hash", String(64), nullable=False, unique=True),
    Column("entry_hash", String(64), nullable=False),
)

# The words each customer is found by (domain.search): of their name, of the address of each
# property they are liable at, and its postcode as one word. The key is the index a search
# reads: a council's words in order, so the words starting with what was typed are one range
# of it; the second index finds whether the customers the narrowest word found have the
# other words typed. Compared byte by byte (PostgreSQL's "C" collation, SQLite's own), as the range is
# worked out. Derived from the parties and properties and written with them (the account
# import), so it has no foreign keys: checking them would cost more than writing the words.
SEARCH_WORD = String(40).with_variant(postgresql.VARCHAR(40, collation="C"), "postgresql")
search_words = Table(
    "search_words",
    metadata,
    Column("council_id", Id, nullable=False, autoincrement=False),
    Column("word", SEARCH_WORD, nullable=False),
    Column("party_id", Id, nullable=False, autoincrement=False),
    PrimaryKeyConstraint("council_id", "word", "party_id"),
    Index(None, "party_id", "word"),  # a found customer's other words, to check them
    sqlite_with_rowid=False,
)

APPEND_ONLY = ("notes", "audit_log")
