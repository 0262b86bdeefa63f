"""The year-end report as one HTML page with its charts drawn as inline SVG (nothing to
download, nothing run in the browser)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from reclaim.demo.figures import Collection, YearEnd
from reclaim.money import Money

WIDTH, HEIGHT, PAD = 640, 300, 44
STYLE = """
body { font-family: Arial, Helvetica, sans-serif; margin: 2rem auto; max-width: 60rem;
       color: #0b0c0c; line-height: 1.4; }
h1 { font-size: 2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #b1b4b6; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #b1b4b6; padding: .3rem .8rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.ok { color: #00703c; font-weight: bold; } .off { color: #d4351c; font-weight: bold; }
.note { color: #505a5f; }
"""


def pounds(pence: int) -> str:
    return str(Money(pence))


def _x(i: int, n: int) -> float:
    return PAD + i * (WIDTH - 2 * PAD) / max(n - 1, 1)


def _y(value: float) -> float:
    return HEIGHT - PAD - value * (HEIGHT - 2 * PAD) / 100


def collection_chart(c: Collection) -> str:
    """Cumulative collection against the target, at each month end."""
    n = len(c.rates)
    grid = "".join(
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{_y(v):.1f}" y2="{_y(v):.1f}" '
        f'stroke="#dddddd"/><text x="{PAD - 6}" y="{_y(v) + 4:.1f}" font-size="11" '
        f'text-anchor="end">{v}%</text>'
        for v in range(0, 101, 20)
    )
    months = "".join(
        f'<text x="{_x(i, n):.1f}" y="{HEIGHT - PAD + 16}" font-size="11" '
        f'text-anchor="middle">{day:%b}</text>'
        for i, day in enumerate(c.month_ends)
    )

    def line(values: tuple[float, ...], colour: str, dash: str = "") -> str:
        points = " ".join(f"{_x(i, n):.1f},{_y(v):.1f}" for i, v in enumerate(values))
        dots = "".join(
            f'<circle cx="{_x(i, n):.1f}" cy="{_y(v):.1f}" r="3" fill="{colour}"/>'
            for i, v in enumerate(values)
        )
        return (
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
            f"{f' stroke-dasharray={chr(34)}{dash}{chr(34)}' if dash else ''}/>{dots}"
        )

    title = escape(f"{c.kind}: cumulative in-year collection against the target")
    return (
        f'<svg role="img" aria-label="{title}" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{title}</title>{grid}{months}"
        f"{line(c.target, '#b1b4b6', '6 4')}{line(c.rates, '#1d70b8')}"
        f'<text x="{WIDTH - PAD}" y="{PAD - 20}" font-size="12" text-anchor="end">'
        f'<tspan fill="#1d70b8">━ collected</tspan>  '
        f'<tspan fill="#6f777b">╌ target profile</tspan></text></svg>'
    )


def bar_chart(title: str, bars: list[tuple[str, int]], label: Callable[[int], str]) -> str:
    """Horizontal bars, one per item."""
    if not bars:
        return ""
    row = 26
    height = row * len(bars) + 20
    top = max(value for _, value in bars) or 1
    body = "".join(
        f'<text x="0" y="{i * row + 17}" font-size="12">{escape(name)}</text>'
        f'<rect x="210" y="{i * row + 4}" height="{row - 8}" '
        f'width="{max(1.0, 360 * value / top):.1f}" fill="#1d70b8"/>'
        f'<text x="{216 + 360 * value / top:.1f}" y="{i * row + 17}" font-size="12">'
        f"{escape(label(value))}</text>"
        for i, (name, value) in enumerate(bars)
    )
    return (
        f'<svg role="img" aria-label="{escape(title)}" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _collection_section(c: Collection) -> str:
    inside = c.widest_gap <= 3
    rows = "".join(
        f"<tr><td>{day:%B %Y}</td><td>{pounds(got)}</td><td>{rate:.2f}%</td>"
        f"<td>{target:.2f}%</td><td>{rate - target:+.2f}</td></tr>"
        for day, got, rate, target in zip(
            c.month_ends, c.collected_pence, c.rates, c.target, strict=True
        )
    )
    verdict = (
        f'<span class="{"ok" if inside else "off"}">at most {c.widest_gap:.2f} points from '
        "the target at any month end</span>"
    )
    return (
        f"<h2>{escape(c.kind)}</h2><p>Net collectable debit {pounds(c.net_debit_pence)}; "
        f"collected in the year <strong>{c.final_rate:.2f}%</strong> "
        f"(target {c.target[-1]:.2f}%); {verdict}.</p>{collection_chart(c)}"
        "<table><tr><th>Month end</th><th>Collected</th><th>Rate</th><th>Target</th>"
        f"<th>Points</th></tr>{rows}</table>"
    )


def write_html(path: Path, figures: YearEnd, council_name: str, facts: list[str]) -> Path:
    steps = sorted(figures.steps.items(), key=lambda item: -item[1])
    stage_rows = "".join(
        f"<tr><td>{escape(s.stage)}</td><td>{s.accounts:,}</td><td>{pounds(s.balance_pence)}</td>"
        "</tr>"
        for s in figures.stages
    )
    holds = figures.holds
    page = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(council_name)}: year-end report {figures.year}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>{escape(council_name)}<br>Year-end collection and recovery, {figures.year}</h1>"
        '<p class="note">A simulated year made by <code>reclaim demo</code>: every payment, '
        "letter, summons and order below is in the demo database, with its reason.</p>"
        f"<ul>{''.join(f'<li>{escape(fact)}</li>' for fact in facts)}</ul>"
        + "".join(_collection_section(c) for c in figures.collections)
        + "<h2>Recovery steps taken</h2>"
        + bar_chart("Recovery steps taken in the year", steps, "{:,}".format)
        + "<table><tr><th>Step</th><th>Count</th></tr>"
        + "".join(f"<tr><td>{escape(k)}</td><td>{v:,}</td></tr>" for k, v in steps)
        + "</table><h2>Holds</h2>"
        f"<p>{holds.get('placed', 0):,} placed, {holds.get('reviews', 0):,} reviews, "
        f"{holds.get('released', 0):,} released, {holds.get('open', 0):,} still open at the "
        "year end (every hold carries a review date).</p>"
        "<h2>Money in each stage at the year end</h2>"
        + bar_chart(
            "Balance owed by the last recovery step taken",
            [(s.stage, s.balance_pence) for s in figures.stages],
            pounds,
        )
        + "<table><tr><th>Last step</th><th>Accounts owing</th><th>Balance</th></tr>"
        f"{stage_rows}</table></body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
    return path
