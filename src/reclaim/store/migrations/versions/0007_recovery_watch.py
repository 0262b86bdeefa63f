"""The recovery run's watch on years with a recovery history: when it may next need to act.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_watch",
        sa.Column(
            "account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("financial_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("wake_on", sa.Date(), nullable=True),
        sa.Column("ledger_version", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.Column("strategy", sa.Text(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_recovery_watch_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", "financial_year", name=op.f("pk_recovery_watch")),
    )


def downgrade() -> None:
    op.drop_table("recovery_watch")
