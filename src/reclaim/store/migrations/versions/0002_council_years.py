"""What councils set each financial year: Band D, the default instalment day, parish precepts.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_years",
        sa.Column(
            "council_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("band_d_pence", sa.BigInteger(), nullable=False),
        sa.Column("default_instalment_day", sa.String(length=4), nullable=False),
        sa.CheckConstraint(
            "default_instalment_day = '1' OR default_instalment_day = '5' OR default_instalment_day = '15' OR default_instalment_day = '24' OR default_instalment_day = 'last'",
            name=op.f("ck_council_years_default_instalment_day"),
        ),
        sa.CheckConstraint("band_d_pence > 0", name=op.f("ck_council_years_band_d_positive")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_council_years_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("council_id", "financial_year", name=op.f("pk_council_years")),
    )
    op.create_table(
        "parish_precepts",
        sa.Column(
            "council_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("parish", sa.String(length=80), nullable=False),
        sa.Column("band_d_pence", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("band_d_pence >= 0", name=op.f("ck_parish_precepts_not_negative")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_parish_precepts_council_id_councils")
        ),
        sa.PrimaryKeyConstraint(
            "council_id", "financial_year", "parish", name=op.f("pk_parish_precepts")
        ),
    )


def downgrade() -> None:
    op.drop_table("parish_precepts")
    op.drop_table("council_years")
