"""Alembic environment: runs migrations on the engine Reclaim hands it (no alembic.ini)."""

from alembic import context

from reclaim.store.tables import metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    context.run_migrations()
