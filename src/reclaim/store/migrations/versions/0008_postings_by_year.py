"""Postings indexed by account, year, kind, date and amount: what each year was paid by a
date is read from the index alone (the recovery run's open years).

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = ["account_id", "financial_year", "kind", "effective_date", "amount_pence"]


def upgrade() -> None:
    op.create_index(
        op.f("ix_postings_account_id_financial_year_kind_effective_date_amount_pence"),
        "postings",
        COLUMNS,
    )
    op.drop_index(op.f("ix_postings_account_id"), table_name="postings")


def downgrade() -> None:
    op.create_index(op.f("ix_postings_account_id"), "postings", ["account_id"])
    op.drop_index(
        op.f("ix_postings_account_id_financial_year_kind_effective_date_amount_pence"),
        table_name="postings",
    )
