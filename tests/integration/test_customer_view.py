"""The customer view of a customer with many accounts (a company with a shop in every street):
as many queries as for a customer with one, every account listed, the timeline and letters
the newest only, said so; and each account's recovery read all at once as one at a time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine, event, select

from reclaim.cli.example import run_example
from reclaim.imports.accounts import import_accounts
from reclaim.services import officer_views
from reclaim.services.customer_reading import recovery_by_account
from reclaim.services.customer_search import search
from reclaim.services.officer_views import customer_view
from reclaim.services.recovery_history import recovery_of
from reclaim.services.recovery_run import run_recovery
from reclaim.store import tables as t
from reclaim.store.database import make_engine
from reclaim.store.unit_of_work import UnitOfWork
from tests.builders import ACCOUNT_HEADER, NOW, TODAY, account_line, add_council, write_csv

COMPANY = dict(party_name="Shops Everywhere Ltd", party_type="organisation", date_of_birth="")


@pytest.fixture
def shops(engine: Engine, tmp_path: Path) -> Engine:
    add_council(engine, "TESTBURY")
    lines = [account_line(reference=f"SD-{n}", amount=f"{n}.00", **COMPANY) for n in range(1, 26)]
    lines.append(account_line(reference="SD-100", party_name="Ann Single"))
    write_csv(tmp_path / "shops.csv", ACCOUNT_HEADER, lines)
    with UnitOfWork(engine) as uow:
        import_accounts(uow.connection, tmp_path / "shops.csv", today=TODAY, now=NOW)
        uow.commit()
    return engine


def view(engine: Engine, reference: str) -> tuple[officer_views.CustomerView, int]:
    """The customer view and how many queries it took."""
    queries = []

    def count(*_: object) -> None:
        queries.append(1)

    with UnitOfWork(engine) as uow:
        party = uow.connection.execute(
            select(t.parties.c.reference).where(t.parties.c.name == reference)
        ).scalar_one()
        event.listen(engine, "before_cursor_execute", count)
        try:
            found = customer_view(uow.connection, "TESTBURY", party, ("TESTBURY",), today=TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return found, len(queries)


def test_a_customer_with_many_accounts_costs_the_queries_of_one(shops: Engine) -> None:
    company, many = view(shops, "Shops Everywhere Ltd")
    single, one = view(shops, "Ann Single")
    assert many == one
    assert len(company.accounts) == 25 and len(single.accounts) == 1
    assert company.total_balance.pence == sum(n * 100 for n in range(1, 26))
    assert company.timeline_complete and len(company.timeline) == 25


def test_only_the_newest_events_are_shown_and_the_view_says_so(
    shops: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, _ = view(shops, "Shops Everywhere Ltd")
    monkeypatch.setattr(officer_views, "TIMELINE_LIMIT", 10)
    newest, _ = view(shops, "Shops Everywhere Ltd")
    assert not newest.timeline_complete
    assert newest.timeline == whole.timeline[:10]
    assert len(newest.accounts) == 25  # every account is still listed


def test_a_search_lists_a_few_of_a_customers_accounts_and_counts_the_rest(shops: Engine) -> None:
    with UnitOfWork(shops) as uow:
        (hit,) = search(uow.connection, "shops everywhere", ("TESTBURY",))
    assert [a[0] for a in hit.accounts] == [f"SD-{n}" for n in range(1, 11)]  # as added
    assert hit.more_accounts == 15


def test_each_accounts_recovery_read_at_once_is_as_read_alone(tmp_path: Path) -> None:
    db = tmp_path / "example.db"
    with (tmp_path / "out.txt").open("w") as out:
        run_example(db, Console(file=out))
    engine = make_engine(f"sqlite:///{db}")
    with UnitOfWork(engine) as uow:
        assert run_recovery(uow.connection, "EXAMPLE", date(2026, 6, 20)).taken > 0
        uow.commit()
    with UnitOfWork(engine) as uow:
        conn = uow.connection
        links = conn.execute(select(t.account_parties)).all()
        seen = 0
        for party in {link.party_id for link in links}:
            together = recovery_by_account(conn, party)
            for link in links:
                if link.party_id == party:
                    assert together[link.account_id] == recovery_of(conn, link.account_id)
                    seen += together[link.account_id].stage != "none"
    assert seen > 0
    engine.dispose()
