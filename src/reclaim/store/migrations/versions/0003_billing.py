"""Billing: dated circumstances and valuations, bills and the instalment plans they set.

Bills, plans and their instalments refuse UPDATE and DELETE by trigger: a later bill
supersedes an earlier one.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from reclaim.store.append_only import guard_tables, unguard_tables

APPEND_ONLY = ("bills", "instalment_plans", "plan_instalments")


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instalment_plans",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instalment_plans")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_instalment_plans_fingerprint")),
    )
    op.create_table(
        "plan_instalments",
        sa.Column("plan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["instalment_plans.id"],
            name=op.f("fk_plan_instalments_plan_id_instalment_plans"),
        ),
        sa.PrimaryKeyConstraint("plan_id", "seq", name=op.f("pk_plan_instalments")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "valuations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "property_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("band", sa.String(length=10), nullable=True),
        sa.Column("rateable_value_pence", sa.BigInteger(), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "band = 'A' OR band = 'B' OR band = 'C' OR band = 'D' OR band = 'E' OR band = 'F' OR band = 'G' OR band = 'H' OR band = 'I' OR band = 'unbanded'",
            name=op.f("ck_valuations_band"),
        ),
        sa.CheckConstraint(
            "band IS NOT NULL OR rateable_value_pence IS NOT NULL",
            name=op.f("ck_valuations_says_what"),
        ),
        sa.ForeignKeyConstraint(
            ["property_id"], ["properties.id"], name=op.f("fk_valuations_property_id_properties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_valuations")),
    )
    with op.batch_alter_table("valuations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_valuations_property_id"), ["property_id"], unique=False
        )

    op.create_table(
        "circumstances",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("detail", sa.String(length=10), nullable=True),
        sa.Column("amount_pence", sa.BigInteger(), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind = 'single_person_discount' OR kind = 'exemption' OR kind = 'council_tax_reduction' OR kind = 'small_business_relief' OR kind = 'charitable_relief' OR kind = 'retail_hospitality_leisure' OR kind = 'empty' OR kind = 'industrial'",
            name=op.f("ck_circumstances_kind"),
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_circumstances_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_circumstances_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circumstances")),
    )
    with op.batch_alter_table("circumstances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_circumstances_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "bills",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("charge_pence", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "posting_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "supersedes_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(plan_id IS NULL) = (charge_pence = 0)", name=op.f("ck_bills_plan_when_charged")
        ),
        sa.CheckConstraint("charge_pence >= 0", name=op.f("ck_bills_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_bills_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["instalment_plans.id"], name=op.f("fk_bills_plan_id_instalment_plans")
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["postings.id"], name=op.f("fk_bills_posting_id_postings")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["bills.id"], name=op.f("fk_bills_supersedes_id_bills")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
    )
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bills_account_id_financial_year"),
            ["account_id", "financial_year"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_bills_supersedes_id"),
            ["supersedes_id"],
            unique=True,
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )

    with op.batch_alter_table("properties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parish", sa.String(length=80), nullable=True))

    guard_tables(op, APPEND_ONLY)


def downgrade() -> None:
    unguard_tables(op, APPEND_ONLY)
    with op.batch_alter_table("properties", schema=None) as batch_op:
        batch_op.drop_column("parish")

    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_bills_supersedes_id"),
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_bills_account_id_financial_year"))

    op.drop_table("bills")
    with op.batch_alter_table("circumstances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_circumstances_account_id"))

    op.drop_table("circumstances")
    with op.batch_alter_table("valuations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_valuations_property_id"))

    op.drop_table("valuations")
    op.drop_table("plan_instalments")
    op.drop_table("instalment_plans")
