"""Turning results into JSON (for programs) and Rich tables (for people).

JSON conventions, stable across versions (new keys may be added, none removed or changed):
money is a string of pounds and pence (``"1234.56"``, ``"-12.50"``), dates are ISO
(``"2026-04-01"``), financial years are ``"2026/27"``, and absent values are ``null``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from reclaim.domain.errors import Problem
from reclaim.domain.schedules import Instalment
from reclaim.services.accounts import AccountStatement
from reclaim.services.billing import StoredBill
from reclaim.services.checks import CheckResult
from reclaim.services.payments import SuspenseItem

console = Console()
errors = Console(stderr=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def statement_json(s: AccountStatement) -> dict[str, Any]:
    a = s.view.account
    superseded = {b.supersedes_id for b in s.bills if b.supersedes_id is not None}
    prop = s.view.property
    return {
        "reference": a.reference,
        "council": a.council_code,
        "kind": a.kind.value,
        "balance": s.view.balance.to_json(),
        "balance_by_year": {str(y): m.to_json() for y, m in s.balance_by_year.items()},
        "start_date": a.start_date.isoformat(),
        "end_date": None if a.end_date is None else a.end_date.isoformat(),
        "payment_method": a.payment_method.value,
        "instalment_day": None if a.instalment_day is None else a.instalment_day.value,
        "instalments": a.instalments,
        "description": a.description,
        "version": a.version,
        "parties": [
            {
                "reference": p.reference,
                "name": p.name,
                "type": p.kind.value,
                "date_of_birth": None if p.date_of_birth is None else p.date_of_birth.isoformat(),
            }
            for p in s.view.parties
        ],
        "property": None
        if prop is None
        else {
            "address": prop.address,
            "postcode": prop.postcode,
            "uprn": prop.uprn,
            "band": None if prop.band is None else prop.band.value,
            "rateable_value": None
            if prop.rateable_value is None
            else prop.rateable_value.to_json(),
        },
        "postings": [
            {
                "id": p.id,
                "kind": p.kind.value,
                "amount": p.amount.to_json(),
                "financial_year": str(p.financial_year),
                "effective_date": p.effective_date.isoformat(),
                "posted_on": p.posted_on.isoformat(),
                "reason": p.reason,
                "reverses": p.reverses_id,
                "payment_id": p.payment_id,
            }
            for p in s.postings
        ],
        "schedule": None
        if s.schedule is None
        else [
            {"due_date": i.due_date.isoformat(), "amount": i.amount.to_json()}
            for i in s.schedule.instalments
        ],
        "schedule_set_by": None
        if s.schedule is None
        else {
            "kind": s.schedule.kind.value,
            "total": s.schedule.total.to_json(),
            "reason": s.schedule.reason,
        },
        "bills": [bill_json(b, superseded) for b in s.bills],
        "holds": [
            {
                "kind": h.kind.value,
                "reason": h.reason,
                "placed_on": h.placed_on.isoformat(),
                "review_by": h.review_by.isoformat(),
                "until": None if h.until is None else h.until.isoformat(),
                "released_on": None if h.released_on is None else h.released_on.isoformat(),
            }
            for h in s.holds
        ],
        "documents": [
            {
                "id": d.id,
                "letter": d.letter,
                "template_version": d.template_version,
                "about": d.about,
                "status": d.status.value,
                "created_on": d.created_on.isoformat(),
                "pages": d.pages,
                "postage": d.postage,
                "content_hash": d.content_hash,
                "cancelled_reason": d.cancelled_reason,
            }
            for d in s.documents
        ],
        "recovery": {
            "stage": s.recovery.stage,
            "events": [
                {
                    "date": e.on.isoformat(),
                    "year": str(e.year),
                    "action": e.action.value,
                    "stage": e.stage,
                    "amount": e.amount.to_json(),
                    "pay_by": None if e.pay_by is None else e.pay_by.isoformat(),
                    "hearing_on": None if e.hearing_on is None else e.hearing_on.isoformat(),
                    "costs": e.costs.to_json(),
                    "strategy": e.strategy,
                    "reason": e.reason,
                }
                for e in s.recovery.events
            ],
        },
    }


def bill_json(b: StoredBill, superseded: set[int] | None = None) -> dict[str, Any]:
    return {
        "id": b.id,
        "financial_year": str(b.year),
        "issued_on": b.issued_on.isoformat(),
        "charge": b.charge.to_json(),
        "lines": [
            {"description": line.description, "amount": line.amount.to_json()} for line in b.lines
        ],
        "instalments": [
            {"due_date": i.due_date.isoformat(), "amount": i.amount.to_json()}
            for i in b.instalments
        ],
        "supersedes": b.supersedes_id,
        "in_force": b.id not in (superseded or set()),
        "reason": b.reason,
    }


def print_statement(s: AccountStatement) -> None:
    a = s.view.account
    console.print(
        f"[bold]{a.reference}[/bold]  {a.kind.label} · {s.view.council.name}  "
        f"balance [bold]{s.view.balance}[/bold]"
    )
    for p in s.view.parties:
        born = f", born {p.date_of_birth:%d %B %Y}" if p.date_of_birth else ""
        console.print(f"  liable: {p.name} ({p.kind.value}{born}) · customer {p.reference}")
    if s.view.property is not None:
        prop = s.view.property
        extra = f" · band {prop.band.value}" if prop.band else ""
        if prop.rateable_value is not None:
            extra += f" · rateable value {prop.rateable_value}"
        console.print(f"  property: {prop.address}, {prop.postcode}{extra}")
    period = f"from {a.start_date:%d %B %Y}" + (f" to {a.end_date:%d %B %Y}" if a.end_date else "")
    console.print(f"  liable {period} · pays by {a.payment_method.value.replace('_', ' ')}")
    table = Table(title="Ledger", show_lines=False)
    for column in ("#", "date", "kind", "year", "amount", "reason"):
        table.add_column(column, justify="right" if column in ("#", "amount") else "left")
    for posting in s.postings:
        table.add_row(
            str(posting.id),
            posting.effective_date.isoformat(),
            posting.kind.value,
            str(posting.financial_year),
            posting.amount.format(),
            posting.reason,
        )
    console.print(table)
    print_bills(s.bills)
    for h in s.holds:
        state = f"released {h.released_on:%d %B %Y}" if h.released_on else "in force"
        until = f" until {h.until:%d %B %Y}" if h.until else ""
        console.print(
            f"  [yellow]hold ({h.kind.value}, {state})[/yellow]: {h.reason} · placed "
            f"{h.placed_on:%d %B %Y}{until} · review by {h.review_by:%d %B %Y}"
        )
    if s.recovery.events:
        steps = Table(title=f"Recovery (stage: {s.recovery.stage.replace('_', ' ')})")
        for column in ("date", "year", "action", "stage", "amount", "why"):
            steps.add_column(column, justify="right" if column == "amount" else "left")
        for e in s.recovery.events:
            steps.add_row(
                e.on.isoformat(),
                str(e.year),
                e.action.value.replace("_", " "),
                e.stage.replace("_", " "),
                e.amount.format(),
                e.reason,
            )
        console.print(steps)
    if s.documents:
        docs = Table(title="Documents (reprint one with 'reclaim document get ID --out FILE')")
        for column in ("id", "date", "letter", "about", "status", "pages", "postage"):
            docs.add_column(column, justify="right" if column in ("id", "pages") else "left")
        for d in s.documents:
            status = d.status.value + (f" ({d.cancelled_reason})" if d.cancelled_reason else "")
            version = f" v{d.template_version}" if d.template_version else ""
            docs.add_row(
                str(d.id),
                d.created_on.isoformat(),
                d.letter + version,
                d.about,
                status,
                "" if d.pages is None else str(d.pages),
                d.postage or "",
            )
        console.print(docs)
    if s.schedule is not None:
        sched = Table(title=f"Schedule ({s.schedule.kind.value}): {s.schedule.reason}")
        sched.add_column("due")
        sched.add_column("amount", justify="right")
        for i in s.schedule.instalments:
            sched.add_row(i.due_date.isoformat(), i.amount.format())
        console.print(sched)


def print_bills(bills: Sequence[StoredBill]) -> None:
    """Each bill as a short block: what it charged, line by line, and the instalments it set."""
    if not bills:
        return
    superseded = {b.supersedes_id for b in bills if b.supersedes_id is not None}
    console.print("[bold]Bills[/bold]")
    for b in bills:
        status = "superseded" if b.id in superseded else "[green]in force[/green]"
        console.print(
            f"  #{b.id} {b.year}, issued {b.issued_on.isoformat()} · {status} · "
            f"[bold]{b.charge}[/bold] — {b.reason}"
        )
        for line in b.lines:
            console.print(f"      {line.description}: {line.amount.format()}")
        console.print(f"      instalments: {instalments_text(b.instalments)}")


def instalments_text(instalments: Sequence[Instalment]) -> str:
    if not instalments:
        return "none"
    first, rest = instalments[0], instalments[1:]
    text = f"{first.amount.format()} on {first.due_date.isoformat()}"
    if rest:
        amounts = {i.amount for i in rest}
        each = rest[0].amount.format() if len(amounts) == 1 else "varying amounts"
        text += f", then {len(rest)} of {each} to {rest[-1].due_date.isoformat()}"
    return text


def print_problems(problems: list[Problem], title: str) -> None:
    table = Table(title=title, title_style="bold red")
    for column in ("file", "line", "field", "problem"):
        table.add_column(column)
    for p in problems:
        table.add_row(p.file or "", "" if p.line is None else str(p.line), p.field or "", p.message)
    errors.print(table)


def print_suspense(items: Sequence[SuspenseItem], title: str) -> None:
    table = Table(title=title)
    for column in ("payment", "date", "reference given", "amount", "channel", "external id"):
        table.add_column(column)
    table.add_column("council")
    for i in items:
        table.add_row(
            str(i.payment_id),
            i.payment_date.isoformat(),
            i.reference,
            i.amount.format(),
            i.channel,
            i.external_id,
            i.council_code or "",
        )
    console.print(table)


def print_checks(results: Sequence[CheckResult], shown: int = 20) -> int:
    """Each invariant with a tick or the breaches found; returns how many breaches."""
    breached = 0
    for r in results:
        breached += len(r.breaches)
        mark = "[green]✓[/green]" if not r.breaches else f"[red]✗ {len(r.breaches)}[/red]"
        console.print(f"{mark} {r.invariant.title} ({r.checked:,} checked)")
        for b in r.breaches[:shown]:
            console.print(f"    [red]{b.where}[/red]: {b.detail}")
        if len(r.breaches) > shown:
            console.print(f"    … and {len(r.breaches) - shown} more")
    if breached:
        console.print(f"[bold red]{breached} breach(es) found.[/bold red]")
    else:
        console.print("[bold green]All invariants hold.[/bold green]")
    return breached
