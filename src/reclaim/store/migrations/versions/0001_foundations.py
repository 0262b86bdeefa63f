"""The foundations: councils, parties, properties, accounts, ledger, payments, schedules.

Ledger tables (postings, instalments) refuse UPDATE and DELETE by trigger: a
correction is a new, reversing entry.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from reclaim.store.append_only import guard_tables, unguard_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "councils",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=10), nullable=False),
        sa.Column("allocation_within", sa.String(length=20), nullable=False),
        sa.Column("allocation_priority", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "allocation_within = 'oldest_first' OR allocation_within = 'current_first'",
            name=op.f("ck_councils_allocation_within"),
        ),
        sa.CheckConstraint(
            "country = 'england' OR country = 'wales'", name=op.f("ck_councils_country")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_councils")),
        sa.UniqueConstraint("code", name=op.f("uq_councils_code")),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind = 'accounts' OR kind = 'payments'", name=op.f("ck_imports_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
        sa.UniqueConstraint("kind", "sha256", name=op.f("uq_imports_kind_sha256")),
    )
    op.create_table(
        "parties",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "council_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind = 'person' OR kind = 'organisation'", name=op.f("ck_parties_kind")
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_parties_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint(
            "reference", "council_id", name=op.f("uq_parties_reference_council_id")
        ),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "council_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "channel = 'direct_debit' OR channel = 'standing_order' OR channel = 'card' OR channel = 'bank_transfer' OR channel = 'paypoint' OR channel = 'post_office' OR channel = 'cash' OR channel = 'cheque' OR channel = 'attachment' OR channel = 'other'",
            name=op.f("ck_payments_channel"),
        ),
        sa.CheckConstraint(
            "status = 'allocated' OR status = 'suspense' OR status = 'reversed'",
            name=op.f("ck_payments_status"),
        ),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_payments_positive")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_payments_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_payments_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_payments_channel_external_id")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payments_in_suspense",
            ["status"],
            unique=False,
            sqlite_where=sa.text("status = 'suspense'"),
            postgresql_where=sa.text("status = 'suspense'"),
        )

    op.create_table(
        "properties",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "council_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("uprn", sa.String(length=12), nullable=True),
        sa.Column("band", sa.String(length=10), nullable=True),
        sa.Column("rateable_value_pence", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "band = 'A' OR band = 'B' OR band = 'C' OR band = 'D' OR band = 'E' OR band = 'F' OR band = 'G' OR band = 'H' OR band = 'I' OR band = 'unbanded'",
            name=op.f("ck_properties_band"),
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_properties_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_properties")),
    )
    with op.batch_alter_table("properties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_properties_council_id_uprn"), ["council_id", "uprn"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_properties_postcode"), ["postcode"], unique=False)

    op.create_table(
        "accounts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "council_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column(
            "property_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("payment_method", sa.String(length=20), nullable=False),
        sa.Column("instalment_day", sa.String(length=4), nullable=True),
        sa.Column("instalments", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.CheckConstraint(
            "instalment_day = '1' OR instalment_day = '5' OR instalment_day = '15' OR instalment_day = '24' OR instalment_day = 'last'",
            name=op.f("ck_accounts_instalment_day"),
        ),
        sa.CheckConstraint(
            "kind = 'council_tax' OR kind = 'business_rates' OR kind = 'sundry_debt' OR kind = 'hb_overpayment' OR kind = 'rent' OR kind = 'former_tenant_arrears' OR kind = 'commercial_rent'",
            name=op.f("ck_accounts_kind"),
        ),
        sa.CheckConstraint(
            "payment_method = 'direct_debit' OR payment_method = 'standing_order' OR payment_method = 'card' OR payment_method = 'bank_transfer' OR payment_method = 'paypoint' OR payment_method = 'post_office' OR payment_method = 'cash' OR payment_method = 'cheque' OR payment_method = 'attachment' OR payment_method = 'other'",
            name=op.f("ck_accounts_payment_method"),
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_accounts_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_accounts_import_id_imports")
        ),
        sa.ForeignKeyConstraint(
            ["property_id"], ["properties.id"], name=op.f("fk_accounts_property_id_properties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint(
            "reference", "council_id", name=op.f("uq_accounts_reference_council_id")
        ),
    )
    op.create_table(
        "account_balances",
        sa.Column(
            "account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("balance_pence", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_balances_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_balances")),
    )
    op.create_table(
        "account_parties",
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("party_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_parties_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_account_parties_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("account_id", "party_id", name=op.f("pk_account_parties")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("account_parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_parties_party_id"), ["party_id"], unique=False)

    op.create_table(
        "postings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "reverses_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "payment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "(kind = 'payment') = (payment_id IS NOT NULL) OR kind = 'reversal'",
            name=op.f("ck_postings_payment_link"),
        ),
        sa.CheckConstraint(
            "kind = 'charge' OR kind = 'payment' OR kind = 'reversal' OR kind = 'adjustment' OR kind = 'costs' OR kind = 'write_off' OR kind = 'refund' OR kind = 'transfer'",
            name=op.f("ck_postings_kind"),
        ),
        sa.CheckConstraint("amount_pence <> 0", name=op.f("ck_postings_not_zero")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_postings_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_postings_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["postings.id"], name=op.f("fk_postings_reverses_id_postings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postings")),
    )
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postings_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_postings_payment_id"),
            ["payment_id"],
            unique=False,
            sqlite_where=sa.text("payment_id IS NOT NULL"),
            postgresql_where=sa.text("payment_id IS NOT NULL"),
        )
        batch_op.create_index(
            batch_op.f("ix_postings_reverses_id"),
            ["reverses_id"],
            unique=True,
            sqlite_where=sa.text("reverses_id IS NOT NULL"),
            postgresql_where=sa.text("reverses_id IS NOT NULL"),
        )

    op.create_table(
        "schedules",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("total_pence", sa.BigInteger(), nullable=False),
        sa.Column(
            "charge_posting_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column(
            "superseded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.CheckConstraint(
            "kind = 'statutory' OR kind = 'invoice' OR kind = 'arrangement'",
            name=op.f("ck_schedules_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_schedules_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["charge_posting_id"],
            ["postings.id"],
            name=op.f("fk_schedules_charge_posting_id_postings"),
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"], ["schedules.id"], name=op.f("fk_schedules_superseded_by_schedules")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
    )
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedules_account_id"), ["account_id"], unique=False)

    op.create_table(
        "instalments",
        sa.Column(
            "schedule_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["schedules.id"], name=op.f("fk_instalments_schedule_id_schedules")
        ),
        sa.PrimaryKeyConstraint("schedule_id", "seq", name=op.f("pk_instalments")),
    )
    append_only_triggers()


def downgrade() -> None:
    drop_append_only_triggers()
    op.drop_table("instalments")
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedules_account_id"))

    op.drop_table("schedules")
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_postings_reverses_id"),
            sqlite_where=sa.text("reverses_id IS NOT NULL"),
            postgresql_where=sa.text("reverses_id IS NOT NULL"),
        )
        batch_op.drop_index(
            batch_op.f("ix_postings_payment_id"),
            sqlite_where=sa.text("payment_id IS NOT NULL"),
            postgresql_where=sa.text("payment_id IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_postings_account_id"))

    op.drop_table("postings")
    with op.batch_alter_table("account_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_parties_party_id"))

    op.drop_table("account_parties")
    op.drop_table("account_balances")
    op.drop_table("accounts")
    with op.batch_alter_table("properties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_properties_postcode"))
        batch_op.drop_index(batch_op.f("ix_properties_council_id_uprn"))

    op.drop_table("properties")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_payments_in_suspense",
            sqlite_where=sa.text("status = 'suspense'"),
            postgresql_where=sa.text("status = 'suspense'"),
        )

    op.drop_table("payments")
    op.drop_table("parties")
    op.drop_table("imports")
    op.drop_table("councils")


# The append-only tables this migration creates (later migrations guard their own).
APPEND_ONLY = ("postings", "instalments")


def append_only_triggers() -> None:
    guard_tables(op, APPEND_ONLY, with_function=True)


def drop_append_only_triggers() -> None:
    unguard_tables(op, APPEND_ONLY, with_function=True)
