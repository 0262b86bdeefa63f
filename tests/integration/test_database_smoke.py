from sqlalchemy import text

from reclaim.store.unit_of_work import UnitOfWork


def test_a_fresh_database_has_every_table_and_no_rows(engine):
    with UnitOfWork(engine) as uow:
        assert uow.connection.execute(text("SELECT COUNT(*) FROM accounts")).scalar_one() == 0
