"""Letters: documents about a bill, a hold or a Breathing Space as well as a recovery step;
a produced document's template, version, content hash and pages (fonts stored once); print batches; letterheads;
large-print preferences.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
POSTAGE = "postage = 'first' OR postage = 'second' OR postage = 'economy'"
STYLE = "style = 'standard' OR style = 'large_print'"


def upgrade() -> None:
    op.create_table(
        "print_batches",
        sa.Column("id", ID, nullable=False),
        sa.Column("council_id", ID, nullable=False),
        sa.Column("print_date", sa.Date(), nullable=False),
        sa.Column("postage", sa.String(length=10), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("pdf_file", sa.Text(), nullable=False),
        sa.Column("manifest_file", sa.Text(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(POSTAGE, name=op.f("ck_print_batches_postage")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_print_batches_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_batches")),
        sa.UniqueConstraint(
            "council_id",
            "print_date",
            "postage",
            name=op.f("uq_print_batches_council_id_print_date_postage"),
        ),
    )
    op.create_table(
        "letterheads",
        sa.Column("council_id", ID, autoincrement=False, nullable=False),
        sa.Column("council_name", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("website", sa.Text(), nullable=False),
        sa.Column("how_to_pay", sa.Text(), nullable=False),
        sa.Column("opening_hours", sa.Text(), server_default="", nullable=False),
        sa.Column("logo_text", sa.Text(), server_default="", nullable=False),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_letterheads_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("council_id", name=op.f("pk_letterheads")),
    )
    op.create_table(
        "letter_preferences",
        sa.Column("party_id", ID, autoincrement=False, nullable=False),
        sa.Column("style", sa.String(length=20), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.CheckConstraint(STYLE, name=op.f("ck_letter_preferences_style")),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_letter_preferences_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("party_id", name=op.f("pk_letter_preferences")),
    )
    with op.batch_alter_table("documents") as batch_op:
        batch_op.alter_column("event_id", existing_type=ID, nullable=True)
        batch_op.add_column(sa.Column("bill_id", ID, nullable=True))
        batch_op.add_column(sa.Column("hold_id", ID, nullable=True))
        batch_op.add_column(sa.Column("breathing_space_id", ID, nullable=True))
        batch_op.add_column(sa.Column("template_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("style", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("postage", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("pages", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("produced_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("batch_id", ID, nullable=True))
        batch_op.add_column(sa.Column("cancelled_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_bill_id_bills"), "bills", ["bill_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_hold_id_holds"), "holds", ["hold_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_breathing_space_id_breathing_spaces"),
            "breathing_spaces",
            ["breathing_space_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_batch_id_print_batches"), "print_batches", ["batch_id"], ["id"]
        )
        batch_op.create_check_constraint("style", STYLE)
        batch_op.create_check_constraint("postage", POSTAGE)
        batch_op.create_check_constraint(
            "about_one_thing",
            "(CASE WHEN event_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN bill_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN hold_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN breathing_space_id IS NULL THEN 0 ELSE 1 END) = 1",
        )
        batch_op.create_check_constraint(
            "produced_has_hash",
            "status = 'queued' OR status = 'cancelled' OR content_hash IS NOT NULL",
        )
        batch_op.create_index(batch_op.f("ix_documents_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_documents_bill_id"),
            ["bill_id"],
            unique=True,
            sqlite_where=sa.text("bill_id IS NOT NULL"),
            postgresql_where=sa.text("bill_id IS NOT NULL"),
        )
        batch_op.create_index(
            batch_op.f("ix_documents_hold_id"),
            ["hold_id"],
            unique=True,
            sqlite_where=sa.text("hold_id IS NOT NULL"),
            postgresql_where=sa.text("hold_id IS NOT NULL"),
        )
        batch_op.create_index(
            batch_op.f("ix_documents_breathing_space_id_account_id"),
            ["breathing_space_id", "account_id"],
            unique=True,
            sqlite_where=sa.text("breathing_space_id IS NOT NULL"),
            postgresql_where=sa.text("breathing_space_id IS NOT NULL"),
        )
    op.create_table(
        "letter_fonts",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("objects", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_letter_fonts")),
    )
    op.create_table(
        "document_files",
        sa.Column("document_id", ID, autoincrement=False, nullable=False),
        sa.Column("font_set", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_files_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["font_set"],
            ["letter_fonts.sha256"],
            name=op.f("fk_document_files_font_set_letter_fonts"),
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_files")),
    )


def downgrade() -> None:
    op.drop_table("document_files")
    op.drop_table("letter_fonts")
    with op.batch_alter_table("documents") as batch_op:
        for index in (
            "ix_documents_breathing_space_id_account_id",
            "ix_documents_hold_id",
            "ix_documents_bill_id",
            "ix_documents_account_id",
        ):
            batch_op.drop_index(index)
        for name in ("produced_has_hash", "about_one_thing", "postage", "style"):
            batch_op.drop_constraint(f"ck_documents_{name}", type_="check")
        for fk in (
            "fk_documents_batch_id_print_batches",
            "fk_documents_breathing_space_id_breathing_spaces",
            "fk_documents_hold_id_holds",
            "fk_documents_bill_id_bills",
        ):
            batch_op.drop_constraint(fk, type_="foreignkey")
        for column in (
            "cancelled_reason",
            "batch_id",
            "produced_on",
            "content_hash",
            "pages",
            "postage",
            "style",
            "template_version",
            "breathing_space_id",
            "hold_id",
            "bill_id",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("event_id", existing_type=ID, nullable=False)
    op.drop_table("letter_preferences")
    op.drop_table("letterheads")
    op.drop_table("print_batches")
