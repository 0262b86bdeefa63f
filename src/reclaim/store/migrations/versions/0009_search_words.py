"""The words customers are found by (``search_words``): each word of a party's name, of the
address of each property they are liable at, and the postcode as one word, in an index, so
that an officer's search reads the words starting with what was typed rather than every
party and property. Filled here for every account already stored.

A customer's accounts are indexed by (party, account) in place of party alone, so that their
first few (search results) and all of them (the customer view) are read from the index.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from reclaim.store.search_index import index_every_customer

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WORD = sa.String(length=40).with_variant(postgresql.VARCHAR(40, collation="C"), "postgresql")

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_words",
        sa.Column("council_id", ID, autoincrement=False, nullable=False),
        sa.Column("word", WORD, nullable=False),
        sa.Column("party_id", ID, autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("council_id", "word", "party_id", name=op.f("pk_search_words")),
        sqlite_with_rowid=False,
    )
    index_every_customer(op.get_bind())
    # Built after the words are in: one sort rather than a row at a time.
    op.create_index(op.f("ix_search_words_party_id_word"), "search_words", ["party_id", "word"])
    op.create_index(
        op.f("ix_account_parties_party_id_account_id"),
        "account_parties",
        ["party_id", "account_id"],
    )
    op.drop_index(op.f("ix_account_parties_party_id"), table_name="account_parties")


def downgrade() -> None:
    op.create_index(op.f("ix_account_parties_party_id"), "account_parties", ["party_id"])
    op.drop_index(op.f("ix_account_parties_party_id_account_id"), table_name="account_parties")
    op.drop_index(op.f("ix_search_words_party_id_word"), table_name="search_words")
    op.drop_table("search_words")
