"""``reclaim letters …`` and ``reclaim document …``: produce, print and reprint letters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reclaim.cli.output import console, print_json

letters_app = typer.Typer(
    help="Letters: produce the day's documents, print batches, letterheads.", no_args_is_help=True
)
document_app = typer.Typer(help="Single documents: reprint one exactly.", no_args_is_help=True)

CouncilOption = Annotated[str, typer.Option(help="The council's code.")]
DateOption = Annotated[str, typer.Option("--date", help="The day's date (2026-06-12).")]


@letters_app.command("letterhead")
def letterhead_command(
    council: CouncilOption,
    file: Annotated[Path, typer.Argument(help="A TOML file with a [letterhead] section.")],
    today: Annotated[str | None, typer.Option(help="The date it is set (default today).")] = None,
) -> None:
    """Set the council's letterhead: name as printed, address, phone, email, website, how to
    pay (see src/reclaim/examples/letterhead.toml)."""
    from reclaim.cli.main import fail, today_from, unit_of_work
    from reclaim.services.letter_data import parse_letterhead, set_letterhead

    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror}")
    day = today_from(today)
    with unit_of_work() as uow:
        head = parse_letterhead(text, file.name)
        set_letterhead(uow.connection, council, head, day)
        uow.commit()
    console.print(f"[green]Letterhead set for {council}[/green]: {head.council_name}.")


@letters_app.command("large-print")
def large_print_command(
    party: Annotated[str, typer.Argument(help="The customer's reference.")],
    off: Annotated[bool, typer.Option("--off", help="Go back to standard print.")] = False,
    today: Annotated[str | None, typer.Option(help="The date it is recorded.")] = None,
) -> None:
    """Record that a person wants their letters in large print (or no longer does)."""
    from reclaim.cli.main import today_from, unit_of_work
    from reclaim.services.letters import set_large_print

    day = today_from(today)
    with unit_of_work() as uow:
        set_large_print(uow.connection, party, not off, day)
        uow.commit()
    console.print(f"[green]{party}[/green]: letters in {'standard' if off else 'large'} print.")


@letters_app.command("produce")
def produce_command(
    council: CouncilOption,
    date_text: DateOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Queue and produce (render and store) the council's letters up to the date."""
    from reclaim.cli.main import _date_option, unit_of_work
    from reclaim.services.letters import produce_documents

    day = _date_option(date_text, "--date")
    with unit_of_work() as uow:
        report = produce_documents(uow.connection, council, day)
        uow.commit()
    if as_json:
        print_json(
            {
                "council": council,
                "date": day.isoformat(),
                "queued": report.queued,
                "produced": report.produced,
                "cancelled": report.cancelled,
                "problems": report.problems,
            }
        )
        return
    console.print(
        f"[green]{council} {day:%d %B %Y}[/green]: {report.queued:,} queued, "
        f"{report.produced:,} produced, {report.cancelled:,} cancelled (paid)."
    )
    for problem in report.problems:
        console.print(f"  [yellow]not produced[/yellow]: {problem}")


@letters_app.command("print")
def print_command(
    council: CouncilOption,
    date_text: DateOption,
    out: Annotated[Path, typer.Option(help="The folder for the PDFs and manifests.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Make the day's print batches: one PDF per postage class and a manifest CSV. Made once:
    run again for the same day, it reports the batches already made and changes nothing."""
    from reclaim.cli.main import _date_option, now_utc, unit_of_work
    from reclaim.services.letters_print import print_batches

    day = _date_option(date_text, "--date")
    with unit_of_work() as uow:
        report = print_batches(uow.connection, council, day, out, now_utc())
        if not report.already_made:
            uow.commit()
    if as_json:
        print_json(
            {
                "council": council,
                "date": day.isoformat(),
                "already_made": report.already_made,
                "cancelled_as_paid": report.cancelled,
                "problems": report.produced.problems if report.produced else [],
                "batches": [
                    {
                        "postage": b.postage.value,
                        "documents": b.documents,
                        "pages": b.pages,
                        "pdf": str(b.pdf_file),
                        "manifest": str(b.manifest_file),
                        "sha256": b.pdf_sha256,
                    }
                    for b in report.batches
                ],
            }
        )
        return
    if report.already_made:
        console.print(
            f"[yellow]The print batches for {council} on {day:%d %B %Y} were already made[/yellow]; "
            "nothing was changed."
        )
    elif not report.batches:
        console.print(f"Nothing to print for {council} on {day:%d %B %Y}.")
    else:
        console.print(f"[green]Print batches for {council} on {day:%d %B %Y}[/green]")
    if report.cancelled:
        console.print(f"  {report.cancelled:,} letters not printed: the year was paid first.")
    if report.produced:
        for problem in report.produced.problems:
            console.print(f"  [yellow]not produced[/yellow]: {problem}")
    for b in report.batches:
        console.print(
            f"  {b.postage.value} class: {b.documents:,} letters, {b.pages:,} pages",
            highlight=False,
        )
        console.print(f"    PDF: {b.pdf_file}", soft_wrap=True, highlight=False)
        console.print(f"    manifest: {b.manifest_file}", soft_wrap=True, highlight=False)


@document_app.command("get")
def document_get(
    document_id: Annotated[int, typer.Argument(help="The document's number.")],
    out: Annotated[Path, typer.Option(help="The file to write the PDF to.")],
) -> None:
    """Write a document's PDF exactly as it was produced (its content hash is checked)."""
    from reclaim.cli.main import fail, unit_of_work
    from reclaim.services.letters import document_pdf

    with unit_of_work() as uow:
        doc, pdf = document_pdf(uow.connection, document_id)
    try:
        out.write_bytes(pdf)
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror}")
    console.print(
        f"[green]Document {doc.id}[/green] ({doc.letter} v{doc.template_version}, "
        f"{doc.pages} page(s), sha256 {doc.content_hash}) written to {out}."
    )
