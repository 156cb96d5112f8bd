"""The `bronvast` command: a thin face over the Application (assistant/application.py). The options and helpers
every command shares are in assistant/cli_common.py, the eval commands in assistant/cli_eval.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant import server
from assistant.cli_common import (
    AsOption,
    CollectionOption,
    ConfigOption,
    JsonOption,
    SetOption,
    application,
    console,
    errors,
    plain_errors,
    progress_bar,
    shown,
)
from assistant.cli_audit import audit_cli
from assistant.cli_eval import eval_cli
from assistant.cli_objections import objections_cli
from assistant.cli_users import users_cli
from assistant.remote import RemoteBronvast
from bronvast.schema import Answer, FirstAnswer, SearchFilter, Turn
from bronvast.settings import load_settings
from ingest.report import redaction_counts

cli = typer.Typer(
    help="bronvast: vragen beantwoorden met bronvermelding, op eigen hardware.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
cli.add_typer(eval_cli, name="eval")
cli.add_typer(objections_cli, name="objections")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(users_cli, name="users")


@cli.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Bestanden en mappen om te indexeren")],
    collection: CollectionOption = None,
    sync: Annotated[bool, typer.Option(
        "--sync", help="Laat de collectie de mappen volgen: documenten waarvan het bestand weg is worden verwijderd"
    )] = False,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Indexeer PDF (ook scans, met OCR), DOCX, ODT, HTML, tekst en Markdown, e-mail (.eml, met bijlagen), MDTO-
    archiefrecords (.xml) en afbeeldingen (PNG, JPEG, TIFF, met OCR). Exitcode 0: alles geïndexeerd, 2: bestanden
    geweigerd."""
    with application(config, set_) as app:
        with Progress(
            TextColumn("[bold]Indexeren"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=errors, transient=True,
        ) as progress:
            task = progress.add_task("", total=None)
            report = app.ingest(
                paths,
                collection,
                on_start=lambda total: progress.update(task, total=total),
                on_file=lambda outcome: progress.update(task, advance=1, description=outcome.path.name),
                sync=sync,
            )
    table = Table(title=f"Collectie '{report.collection}' — {report.seconds:.1f} s")
    redacting = any(outcome.redacted for outcome in report.outcomes)
    for column in ("Bestand", "Status", "Chunks", *(["Persoonsgegevens"] if redacting else []), "Reden"):
        table.add_column(column, overflow="fold")
    for outcome in report.outcomes:
        style = "red" if outcome.status == "geweigerd" else None
        counts = [redaction_counts(outcome.redacted)] if redacting else []
        # escaped: a file named "[bold]brief.txt" must be shown by that name, not in bold as "brief.txt"
        table.add_row(escape(shown(outcome.path)), outcome.status, str(outcome.chunks or ""), *counts,
                      escape(outcome.reason), style=style)
    console.print(table)
    if redacting:
        console.print(f"Persoonsgegevens geredigeerd: {redaction_counts(report.redacted)}", highlight=False)
    if report.rejected:
        errors.print(f"[red]{len(report.rejected)} bestand(en) geweigerd[/]; de overige zijn geïndexeerd.")
    raise typer.Exit(report.exit_code)


documents_cli = typer.Typer(help="De documenten van een collectie: bekijken en verwijderen.", no_args_is_help=True)
cli.add_typer(documents_cli, name="documents")


@documents_cli.command("list")
def documents_list(
    collection: CollectionOption = None,
    as_json: JsonOption = False,
    as_user: AsOption = None,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Elk document van een collectie: bestand, pad, soort, chunks, datum, toegang, geïndexeerd op."""
    with application(config, set_, caller=as_user) as app:
        documents = app.documents(collection)
        name = collection or app.settings.collection
    if as_json:
        print(json.dumps([vars(d) for d in documents], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Collectie '{name}' — {len(documents)} documenten")
    for column in ("Bestand", "Pad", "Soort", "Chunks", "Datum", "Toegang", "Geïndexeerd"):
        table.add_column(column, overflow="fold")
    for d in documents:
        same = f" (zelfde inhoud als {', '.join(Path(p).name for p in d.same_as)})" if d.same_as else ""
        table.add_row(d.file + same, shown(Path(d.path)), d.kind, str(d.chunks), d.date or "",
                      ", ".join(d.access), d.indexed_at)
    console.print(table)


@documents_cli.command("delete")
def documents_delete(
    target: Annotated[str, typer.Argument(help="Pad of bestandsnaam van het document")],
    collection: CollectionOption = None,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Verwijder een document uit de collectie (op pad of bestandsnaam). Exitcode 1: niet gevonden of niet eenduidig."""
    with application(config, set_) as app:
        removed = app.delete_document(target, collection)
    for path in removed:
        console.print(f"Verwijderd: {shown(Path(path))}", highlight=False)


@cli.command()
def ask(
    question: Annotated[str, typer.Argument(help="De vraag")],
    collection: CollectionOption = None,
    filters: Annotated[Optional[list[str]], typer.Option(
        "--filter", help="Alleen bronnen met SLEUTEL=WAARDE: kind=pdf, source=bestand.pdf, access=groep, … (herhaalbaar)"
    )] = None,
    after: Annotated[Optional[str], typer.Option(help="Alleen documenten vanaf deze datum (JJJJ-MM-DD)")] = None,
    before: Annotated[Optional[str], typer.Option(help="Alleen documenten tot en met deze datum (JJJJ-MM-DD)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Eén JSON-object als uitvoer")] = False,
    as_user: AsOption = None,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Stel een vraag; het antwoord verwijst naar de bronnen als [1], [2]."""
    try:
        where = SearchFilter.from_options(filters or [], after, before)
    except ValueError as exc:
        errors.print(f"[red]Fout:[/] {exc}")
        raise typer.Exit(1) from None
    where = None if where.is_empty() else where
    with application(config, set_, caller=as_user) as app:
        if as_json:
            print(json.dumps(app.ask(question, collection, where).to_json(), ensure_ascii=False, indent=2))
            return
        show_answer(app.stream(question, collection, where))


def show_answer(pieces) -> Answer:
    """Streams the answer text to stdout, then says what the check found, why an answer is extractive or refused,
    and lists the sources. Returns the finished Answer."""
    answer = first = None
    for piece in pieces:
        if isinstance(piece, FirstAnswer):  # the extract at once, then the model's text under its own heading
            first = piece.answer
            console.print(f"[italic]{escape(first.notice)}[/]", highlight=False)
            console.print(escape(first.answer), highlight=False)
            console.print("\n[bold]Gegenereerd antwoord (wordt gecontroleerd):[/]")
        elif isinstance(piece, Answer):
            answer = piece
        else:
            sys.stdout.write(piece)
            sys.stdout.flush()
    print()
    if answer.notice:
        console.print(f"\n[italic]{escape(answer.notice)}[/]", highlight=False)
    if answer.mode == "extractive" and not (first and first.answer == answer.answer):
        console.print(escape(answer.answer), highlight=False)
    elif first and answer.mode == "extractive":
        console.print("Het uittreksel hierboven blijft het antwoord.", highlight=False)
    unsupported = [s for s in answer.sentences if not s.supported]
    if unsupported:
        console.print(f"\n[yellow]Niet gestaafd door de geciteerde bron ({len(unsupported)} van {len(answer.sentences)} zinnen):[/]")
        for sentence in unsupported:
            console.print(f"  ⚠ {escape(sentence.text)}", highlight=False)
    print_sources(answer)
    return answer


@cli.command()
def chat(
    collection: CollectionOption = None,
    as_user: AsOption = None,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Een gesprek: vervolgvragen ("en in 2024?") bouwen voort op de vorige vraag. /nieuw begint opnieuw, /stop
    (of Ctrl-D) stopt."""
    with application(config, set_, caller=as_user) as app:
        turns: list[Turn] = []
        console.print("[dim]Stel uw vraag. /nieuw: nieuw gesprek, /stop: stoppen.[/]")
        while True:
            try:
                question = console.input("[bold]Vraag>[/] ").strip()
            except EOFError:
                break
            if question == "/stop":
                break
            if question == "/nieuw":
                turns = []
                console.print("[dim]Nieuw gesprek.[/]")
                continue
            if not question:
                continue
            answer = show_answer(app.stream(question, collection, history=turns))
            if answer.search_question and answer.search_question != question:
                console.print(f"[dim](gezocht als: {escape(answer.search_question)})[/]", highlight=False)
            turns.append(Turn(question, answer.search_question, answer.answer))
            print()


def print_sources(answer: Answer) -> None:
    if answer.refused:
        return
    console.print("\n[bold]Bronnen[/]")
    for citation in answer.citations:
        page = f", pagina {citation.page}" if citation.page else ""
        excerpt = escape(" ".join(citation.text.split())[:200])
        console.print(f"\\[{citation.n}] [bold]{escape(citation.cited_as)}[/]{page} (score {citation.score:.2f})\n    {excerpt}…",
                      highlight=False)


@cli.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Eén JSON-object als uitvoer")] = False,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Aantal documenten en chunks per collectie."""
    with application(config, set_) as app:
        collections = app.status()
    if as_json:
        print(json.dumps({"collections": [vars(c) for c in collections]}, ensure_ascii=False))
        return
    table = Table(title="Collecties")
    for column in ("Naam", "Documenten", "Chunks"):
        table.add_column(column)
    for stats in collections:
        table.add_row(stats.name, str(stats.documents), str(stats.chunks))
    console.print(table if collections else "Nog geen collecties. Indexeer documenten met `bronvast ingest PAD`.")


@cli.command()
def migrate(config: ConfigOption = None, set_: SetOption = None) -> None:
    """Zet een index van qdrant-client in lokale modus (data/qdrant) over naar Qdrant Edge (data/edge)."""
    from bronvast.migrate import migrate_to_edge

    with plain_errors(), progress_bar() as progress:
        settings = load_settings(config, set_)
        task = progress.add_task("", total=None)
        migrated = migrate_to_edge(
            settings,
            on_collection=lambda name, n: progress.reset(task, total=n, description=name),
            on_points=lambda n: progress.advance(task, n),
        )
    for collection in migrated:
        console.print(f"{collection.name}: {collection.chunks} stukken overgezet")
    console.print(
        f"Klaar: de index staat nu in {settings.edge_path}. De oude map {settings.qdrant_path} wordt niet meer "
        "gebruikt en mag weg."
    )


@cli.command()
def serve(
    host: Annotated[Optional[str], typer.Option(help="Adres (standaard serve.host)")] = None,
    port: Annotated[Optional[int], typer.Option(help="Poort (standaard serve.port)")] = None,
    allow_anonymous: Annotated[bool, typer.Option(
        "--allow-anonymous", help="Ook zonder gebruikers of proxy op een ander adres dan 127.0.0.1 luisteren (anoniem: "
        "alleen openbare documenten)"
    )] = False,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Start de chat-webinterface (en de REST-API onder /api)."""
    with application(config, set_) as app:
        if isinstance(app, RemoteBronvast):
            errors.print(f"[red]Fout:[/] bronvast serve draait al op {app.server.url}")
            raise typer.Exit(1)
        host = host or app.settings.serve.host
        refusal = server.anonymous_refusal(host, app.settings, allow_anonymous)
        if refusal:
            errors.print(f"[red]Fout:[/] {refusal}", highlight=False)
            raise typer.Exit(1)
        server.serve(app, host, port or app.settings.serve.port,
                     on_listening=lambda url: console.print(f"bronvast luistert op {url}  (stoppen: Ctrl-C)"))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
