"""The recovery run now passes over years whose people are protected (held, in Breathing
Space, deceased) while nothing changes, and every change to a protection forgets the watch of
the accounts it touches. What was kept before that rule was not forgotten on such changes, so
it is forgotten now: the next run puts every year with a history to the engine once again.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM recovery_watch")


def downgrade() -> None:
    op.execute("DELETE FROM recovery_watch")
