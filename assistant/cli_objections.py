"""`bronvast objections`: objection letters read into file cards (summarize) and a dossier's grounds clustered
(dossier). A thin face over the application's `objections` (through a running `bronvast serve` when there is one);
nothing is stored unless --collection asks for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli_common import (
    ConfigOption,
    JsonOption,
    SetOption,
    application,
    console,
    date_option,
    errors,
    progress_bar,
    shown,
)
from assistant.objections.exports import DISCLAIMER, write_exports, yes_no
from bronvast.schema import ALL_KINDS, Dossier, LetterCard, ObjectionOptions
from bronvast.settings import PROJECT_ROOT

objections_cli = typer.Typer(
    help="Bezwaarschriften: per brief een dossierkaart (gronden met citaten, termijn) en gronden per dossier.",
    no_args_is_help=True,
)
OBJECTIONS_PROFILE = PROJECT_ROOT / "config" / "objections.yaml"

PathsArgument = Annotated[list[Path], typer.Argument(help="Brieven en mappen met brieven (alle formaten van ingest)")]
OutOption = Annotated[Path | None, typer.Option(
    "--out", help="Map voor de exports: bezwaren.json, .md, .csv en .docx")]
ReceivedOption = Annotated[str | None, typer.Option(
    "--received", help="Ontvangstdatum (JJJJ-MM-DD) voor brieven zonder e-maildatum of manifestregel")]
CommitteeOption = Annotated[bool, typer.Option(
    "--committee", help="Een adviescommissie hoort de bezwaren: beslistermijn twaalf weken (Awb 7:10)")]
NamesOption = Annotated[bool, typer.Option(
    "--show-names", help="Namen en adressen tonen in plaats van pseudoniemen (indiener 1, [ADRES])")]
StoreOption = Annotated[str | None, typer.Option(
    "--collection", "-c", help="Indexeer de brieven ook, geredigeerd, in deze collectie (standaard: niets opslaan)")]


@objections_cli.command("summarize")
def summarize(
    paths: PathsArgument, as_json: JsonOption = False, out: OutOption = None, received: ReceivedOption = None,
    committee: CommitteeOption = False, show_names: NamesOption = False, collection: StoreOption = None,
    config: ConfigOption = None, set_: SetOption = None,
) -> None:
    """Per brief: datum, ontvangst, besluit en kenmerk, gronden met letterlijke citaten, verzoek, horen, pro forma,
    ontbrekende vereisten (Awb 6:5), bezwaartermijn en beslistermijn. Exitcode 2: bestanden niet gelezen."""
    options = ObjectionOptions(date_option(received, "--received"), committee, show_names, clusters=False)
    run(paths, options, as_json, out, collection, config, set_)


@objections_cli.command("dossier")
def dossier(
    paths: PathsArgument, as_json: JsonOption = False, out: OutOption = None, received: ReceivedOption = None,
    committee: CommitteeOption = False, show_names: NamesOption = False, collection: StoreOption = None,
    config: ConfigOption = None, set_: SetOption = None,
) -> None:
    """Als summarize, plus de gronden van alle brieven geclusterd: welke bezwaren terugkomen, in welke brieven."""
    options = ObjectionOptions(date_option(received, "--received"), committee, show_names, clusters=True)
    run(paths, options, as_json, out, collection, config, set_)


def run(paths: list[Path], options: ObjectionOptions, as_json: bool, out: Path | None, collection: str | None,
        config: Path | None, set_: list[str] | None) -> None:
    with application(config, set_, OBJECTIONS_PROFILE) as app, progress_bar() as progress:
        task = progress.add_task("Brieven lezen", total=None)
        result = app.objections(paths, options, on_file=lambda name: progress.update(task, advance=1))
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        show(result)
    if out is not None:
        written = write_exports(result, out)
        errors.print("Geschreven: " + ", ".join(shown(path) for path in written), highlight=False)
    if collection:
        index_letters(paths, collection, config, set_)
    for file, reason in result.rejected:
        errors.print(f"[red]Niet gelezen:[/] {escape(file)}: {escape(reason)}")
    raise typer.Exit(2 if result.rejected else 0)


def index_letters(paths: list[Path], collection: str, config: Path | None, set_: list[str] | None) -> None:
    """The letters indexed, with every kind of personal data redact.py detects redacted, as `bronvast ingest -c`."""
    with application(config, set_, OBJECTIONS_PROFILE) as app:
        report = app.ingest(paths, collection, redact=list(ALL_KINDS))
    errors.print(f"Geïndexeerd in collectie '{report.collection}': {len(report.outcomes) - len(report.rejected)} "
                 f"bestand(en), persoonsgegevens geredigeerd.", highlight=False)


def show(result: Dossier) -> None:
    table = Table(title=f"Bezwaarschriften — {len(result.letters)} brieven", caption=DISCLAIMER)
    for column in ("Bestand", "Besluit", "Ontvangen", "Termijn tot", "Tijdig", "Pro forma", "Horen", "Gronden",
                   "Ontbreekt"):
        table.add_column(column, overflow="fold")
    for card in result.letters:
        table.add_row(card.file, " ".join(filter(None, [card.decision_date, card.decision_reference])),
                      card.received_date or "", card.deadline or "", _on_time(card), yes_no(card.pro_forma),
                      yes_no(card.hearing_requested), str(len(card.grounds)), ", ".join(card.missing))
    console.print(table)
    for card in result.letters:
        console.print(f"\n[bold]{escape(card.file)}[/] — {escape(card.decision_subject or 'besluit onbekend')}")
        for number, ground in enumerate(card.grounds, 1):
            flag = "" if ground.quote_verified else " [red](citaat niet teruggevonden in de brief)[/]"
            console.print(f"  {number}. {escape(ground.summary)} [dim]({escape(ground.location)})[/]{flag}")
        for note in card.notes:
            console.print(f"  [dim]• {escape(note)}[/]")
    for cluster in result.clusters:
        if cluster.count > 1:
            console.print(f"\n[bold]{escape(cluster.label)}[/] — {cluster.count} brieven: "
                          f"{escape(', '.join(cluster.letters))}")


def _on_time(card: LetterCard) -> str:
    return f"[red]{yes_no(card.on_time)}[/]" if card.on_time is False else yes_no(card.on_time)
