"""The year-end report as an Excel workbook: one sheet per table, with native Excel charts,
money as numbers in pounds formatted as currency (the figures behind them are exact pence)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import xlsxwriter  # type: ignore[import-untyped]

from reclaim.demo.figures import YearEnd


def write_xlsx(path: Path, figures: YearEnd, council_name: str, facts: list[str]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    # A fixed creation date: the same year gives the same workbook.
    workbook.set_properties(
        {
            "title": f"{council_name}: year-end report {figures.year}",
            "author": "reclaim demo",
            "created": datetime.combine(figures.year.end, time(12), tzinfo=UTC),
        }
    )
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "£#,##0.00"})
    percent = workbook.add_format({"num_format": "0.00"})
    month = workbook.add_format({"num_format": "mmm yyyy"})

    summary = workbook.add_worksheet("Summary")
    summary.set_column(0, 0, 90)
    summary.write(0, 0, f"{council_name}: year-end collection and recovery, {figures.year}", bold)
    for i, fact in enumerate(facts, start=2):
        summary.write(i, 0, fact)

    for c in figures.collections:
        sheet = workbook.add_worksheet(f"{c.kind} collection"[:31])
        sheet.set_column(0, 4, 16)
        for col, head in enumerate(("Month end", "Collected (£)", "Rate (%)", "Target (%)")):
            sheet.write(0, col, head, bold)
        for row, (day, got, rate, target) in enumerate(
            zip(c.month_ends, c.collected_pence, c.rates, c.target, strict=True), start=1
        ):
            sheet.write_datetime(row, 0, datetime.combine(day, time()), month)
            sheet.write_number(row, 1, got / 100, money)
            sheet.write_number(row, 2, rate, percent)
            sheet.write_number(row, 3, target, percent)
        last = len(c.rates)
        sheet.write(last + 2, 0, "Net collectable debit", bold)
        sheet.write_number(last + 2, 1, c.net_debit_pence / 100, money)
        chart = workbook.add_chart({"type": "line"})
        name = sheet.get_name()
        for col, label in ((2, "Collected"), (3, "Target profile")):
            chart.add_series(
                {
                    "name": label,
                    "categories": [name, 1, 0, last, 0],
                    "values": [name, 1, col, last, col],
                    "marker": {"type": "circle"},
                }
            )
        chart.set_title({"name": f"{c.kind}: cumulative in-year collection (%)"})
        chart.set_y_axis({"min": 0, "max": 100})
        sheet.insert_chart(1, 5, chart)

    steps = workbook.add_worksheet("Recovery steps")
    steps.set_column(0, 0, 34)
    steps.write_row(0, 0, ("Step", "Count"), bold)
    ordered = sorted(figures.steps.items(), key=lambda item: -item[1])
    for row, (what, count) in enumerate(ordered, start=1):
        steps.write(row, 0, what)
        steps.write_number(row, 1, count)
    for row, (what, count) in enumerate(sorted(figures.holds.items()), start=len(ordered) + 2):
        steps.write(row, 0, f"Holds {what}")
        steps.write_number(row, 1, count)
    if ordered:
        bars = workbook.add_chart({"type": "bar"})
        bars.add_series(
            {
                "name": "Steps",
                "categories": ["Recovery steps", 1, 0, len(ordered), 0],
                "values": ["Recovery steps", 1, 1, len(ordered), 1],
            }
        )
        bars.set_legend({"none": True})
        bars.set_title({"name": "Recovery steps taken in the year"})
        steps.insert_chart(1, 3, bars)

    stages = workbook.add_worksheet("Money by stage")
    stages.set_column(0, 2, 22)
    stages.write_row(0, 0, ("Last recovery step", "Accounts owing", "Balance (£)"), bold)
    for row, s in enumerate(figures.stages, start=1):
        stages.write(row, 0, s.stage)
        stages.write_number(row, 1, s.accounts)
        stages.write_number(row, 2, s.balance_pence / 100, money)
    workbook.close()
    return path
