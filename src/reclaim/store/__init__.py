"""Storage: SQLAlchemy tables, the unit of work, repositories, bulk writers and migrations.

SQLite (a file, by default) and PostgreSQL are both first-class. Money is BIGINT pence; statuses
are closed sets with CHECK constraints; ledger tables refuse UPDATE and DELETE by trigger.
"""
