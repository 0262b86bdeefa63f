"""The unit of work: one transaction, committed only when the caller says so.

Everything written inside ``with UnitOfWork(engine) as uow:`` is one transaction. Leaving the
block without ``uow.commit()`` — or by an exception — rolls it all back, so a batch that fails
half-way leaves the database as it was (DESIGN principle 9).
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is used outside its 'with' block")
        return self._connection

    def __enter__(self) -> UnitOfWork:
        self._connection = self.engine.connect()
        self._connection.begin()
        return self

    def commit(self) -> None:
        self.connection.commit()
        self.connection.begin()

    def rollback(self) -> None:
        self.connection.rollback()
        self.connection.begin()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self.connection
        try:
            connection.rollback()
        finally:
            connection.close()
            self._connection = None
