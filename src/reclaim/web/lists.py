"""Which work lists there are, for the pages and the API (services/officer_lists makes them)."""

from __future__ import annotations

from sqlalchemy import Connection

from reclaim.services.officer_lists import (
    WorkList,
    holds_due_list,
    recovery_run_list,
    summons_list,
    vulnerability_reviews,
)
from reclaim.services.officer_views import NotFound
from reclaim.web.context import Officer
from reclaim.web.rendering import parse_day

LISTS = ("holds-due", "vulnerability-reviews", "recovery-run", "summons")


def work_list(conn: Connection, name: str, me: Officer, day: str = "") -> WorkList:
    councils = me.user.councils
    if name == "holds-due":
        return holds_due_list(conn, councils, me.today)
    if name == "vulnerability-reviews":
        return vulnerability_reviews(conn, councils, me.today)
    if name == "recovery-run":
        on = parse_day(day, "day of the run", required=False) or me.today
        return recovery_run_list(conn, councils, on)
    if name == "summons":
        return summons_list(conn, councils, me.today)
    raise NotFound(f"there is no list called {name}")
