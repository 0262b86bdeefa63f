"""Recovery: council strategies, recovery events, the letter queue, holds, Breathing Space,
vulnerability, and the date a party died.

Recovery events and council strategies refuse UPDATE and DELETE by trigger.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from reclaim.store.append_only import guard_tables, unguard_tables

APPEND_ONLY = ("recovery_events", "council_strategies")


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_strategies",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "council_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("debt", sa.String(length=30), nullable=False),
        sa.Column("from_year", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "debt = 'council_tax' OR debt = 'business_rates' OR debt = 'sundry_debt' OR debt = 'hb_overpayment' OR debt = 'rent' OR debt = 'former_tenant_arrears' OR debt = 'commercial_rent'",
            name=op.f("ck_council_strategies_debt"),
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_council_strategies_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_strategies")),
    )
    with op.batch_alter_table("council_strategies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_council_strategies_council_id_debt_from_year"),
            ["council_id", "debt", "from_year"],
            unique=False,
        )

    op.create_table(
        "breathing_spaces",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("party_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind = 'standard' OR kind = 'mental_health'", name=op.f("ck_breathing_spaces_kind")
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_breathing_spaces_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breathing_spaces")),
    )
    with op.batch_alter_table("breathing_spaces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_breathing_spaces_party_id"), ["party_id"], unique=False
        )

    op.create_table(
        "vulnerabilities",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("party_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "category = 'mental_health' OR category = 'physical_disability' OR category = 'learning_difficulty' OR category = 'serious_illness' OR category = 'elderly' OR category = 'bereavement' OR category = 'language_barrier' OR category = 'domestic_abuse' OR category = 'homelessness' OR category = 'financial_hardship' OR category = 'other'",
            name=op.f("ck_vulnerabilities_category"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_vulnerabilities_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vulnerabilities")),
    )
    with op.batch_alter_table("vulnerabilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vulnerabilities_party_id"), ["party_id"], unique=False)

    op.create_table(
        "holds",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column("released_reason", sa.Text(), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind = 'general' OR kind = 'arrangement' OR kind = 'dispute'",
            name=op.f("ck_holds_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_holds_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holds")),
    )
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_holds_account_id"), ["account_id"], unique=False)

    op.create_table(
        "recovery_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("pay_by", sa.Date(), nullable=True),
        sa.Column("demanded_through", sa.Date(), nullable=True),
        sa.Column("falls_due", sa.Date(), nullable=True),
        sa.Column("hearing_on", sa.Date(), nullable=True),
        sa.Column("costs_pence", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("strategy", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "action = 'notice' OR action = 'balance_due' OR action = 'summons' OR action = 'liability_order' OR action = 'adjourned' OR action = 'withdrawn' OR action = 'review' OR action = 'enforcement'",
            name=op.f("ck_recovery_events_action"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_recovery_events_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_events")),
    )
    with op.batch_alter_table("recovery_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recovery_events_account_id_financial_year"),
            ["account_id", "financial_year"],
            unique=False,
        )

    op.create_table(
        "documents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("letter", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "status = 'queued' OR status = 'produced' OR status = 'sent' OR status = 'cancelled'",
            name=op.f("ck_documents_status"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_documents_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["recovery_events.id"], name=op.f("fk_documents_event_id_recovery_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_status"), ["status"], unique=False)

    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("died_on", sa.Date(), nullable=True))

    guard_tables(op, APPEND_ONLY)


def downgrade() -> None:
    unguard_tables(op, APPEND_ONLY)
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_column("died_on")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_status"))

    op.drop_table("documents")
    with op.batch_alter_table("recovery_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_events_account_id_financial_year"))

    op.drop_table("recovery_events")
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holds_account_id"))

    op.drop_table("holds")
    with op.batch_alter_table("vulnerabilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vulnerabilities_party_id"))

    op.drop_table("vulnerabilities")
    with op.batch_alter_table("breathing_spaces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breathing_spaces_party_id"))

    op.drop_table("breathing_spaces")
    with op.batch_alter_table("council_strategies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_strategies_council_id_debt_from_year"))

    op.drop_table("council_strategies")
