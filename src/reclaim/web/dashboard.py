"""The dashboard: in-year collection month by month against the bills' profile, per council,
as a chart (SVG drawn here, no JavaScript) and a table, with a CSV download and the API."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from reclaim.calendar import FinancialYear
from reclaim.domain.errors import DomainError
from reclaim.services.collection import CollectionProfile, collection_profile
from reclaim.services.officer_lists import csv_text
from reclaim.web import schemas as s
from reclaim.web.context import Officer, SignedIn, Work
from reclaim.web.rendering import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["lists"])

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 720, 300, 20, 40, 50


@dataclass(frozen=True, slots=True)
class Bar:
    x: int
    width: int
    y: int
    height: int
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    """Bars of collection and markers of the target, as percentages of the charge."""

    collected: tuple[Bar, ...]
    target: tuple[Bar, ...]
    months: tuple[tuple[int, str], ...]  # x of each month's label, and the label
    gridlines: tuple[tuple[int, str], ...]  # y of 0%, 25%, …, and the label
    width: int = WIDTH
    height: int = HEIGHT


def chart(profile: CollectionProfile) -> Chart:
    charged = max(profile.charged.pence, 1)
    plot = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT) // len(profile.months)

    def y_of(pence: int) -> int:
        share = max(0, min(pence, charged))
        return TOP + plot - (share * plot) // charged

    collected, target, months = [], [], []
    for i, m in enumerate(profile.months):
        x = LEFT + i * step
        top = y_of(m.collected.pence)
        collected.append(
            Bar(x + 6, step - 12, top, TOP + plot - top, m.share(profile.charged, m.collected))
        )
        marker = y_of(m.due.pence)
        target.append(Bar(x + 2, step - 4, marker - 2, 4, m.share(profile.charged, m.due)))
        months.append((x + step // 2, f"{m.month:%b}"))
    grid = tuple((TOP + plot - (plot * q) // 4, f"{q * 25}%") for q in range(5))
    return Chart(tuple(collected), tuple(target), tuple(months), grid)


def _profile(uow: Work, me: Officer, council: str, year: str) -> CollectionProfile:
    chosen = council or (me.user.councils[0] if me.user.councils else "")
    try:
        fy = FinancialYear.parse(year) if year else FinancialYear.containing(me.today)
    except ValueError as error:
        raise DomainError(
            f"the year '{year}' is not a financial year like 2026/27 ({error})"
        ) from None
    return collection_profile(uow.connection, chosen, fy, me.user.councils)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request, uow: Work, me: SignedIn, council: str = "", year: str = ""
) -> Response:
    profile = _profile(uow, me, council, year)
    return render(
        request,
        me,
        "dashboard.html",
        title=f"Collection {profile.year}",
        section="dashboard",
        profile=profile,
        work=profile.as_list(),
        chart=chart(profile),
    )


@router.get("/dashboard.csv")
def dashboard_csv(uow: Work, me: SignedIn, council: str = "", year: str = "") -> Response:
    work = _profile(uow, me, council, year).as_list()
    return Response(
        csv_text(work),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="collection.csv"'},
    )


@api_router.get("/dashboard", response_model=s.WorkListOut)
def dashboard_api(uow: Work, me: SignedIn, council: str = "", year: str = "") -> s.WorkListOut:
    work = _profile(uow, me, council, year).as_list()
    return s.WorkListOut(
        name=work.name,
        title=work.title,
        columns=list(work.columns),
        rows=[list(r) for r in work.rows],
    )
