"""The recovery run's bookmark: where a council's last run left off, so that the next run
reads only what may have changed since (``services/recovery_bookmark.py``).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "recovery_bookmarks",
        sa.Column("council_id", ID, autoincrement=False, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("postings_to", sa.BigInteger(), nullable=False),
        sa.Column("bills_to", sa.BigInteger(), nullable=False),
        sa.Column("events_to", sa.BigInteger(), nullable=False),
        sa.Column("strategies", sa.String(length=64), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("in_force", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_recovery_bookmarks_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("council_id", name=op.f("pk_recovery_bookmarks")),
    )
    op.create_table(
        "recovery_bookmark_years",
        sa.Column("council_id", ID, autoincrement=False, nullable=False),
        sa.Column("account_id", ID, autoincrement=False, nullable=False),
        sa.Column("financial_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("wake_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["councils.id"],
            name=op.f("fk_recovery_bookmark_years_council_id_councils"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_recovery_bookmark_years_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint(
            "council_id", "account_id", "financial_year", name=op.f("pk_recovery_bookmark_years")
        ),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("recovery_bookmark_years")
    op.drop_table("recovery_bookmarks")
