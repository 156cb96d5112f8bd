"""The `bronvast` command: a thin face over bronvast.app.Bronvast."""

from __future__ import annotations

import json
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.api import ServerInfo
from bronvast.app import Bronvast
from bronvast.errors import ModelNotFound, SettingsError, StoreError, StoreLocked
from bronvast.remote import RemoteBronvast
from bronvast.schema import Answer, SearchFilter, Turn
from bronvast.settings import DEFAULT_PROFILE, LANGUAGE_PROFILES, Settings, load_settings
from ingest.report import redaction_counts

cli = typer.Typer(
    help="bronvast: vragen beantwoorden met bronvermelding, op eigen hardware.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)

ConfigOption = Annotated[
    Optional[Path], typer.Option("--config", help="YAML-profiel (standaard: $BRONVAST_CONFIG of config/default.yaml)")
]
SetOption = Annotated[
    Optional[list[str]], typer.Option("--set", help="Eén instelling overschrijven, bv. retrieval.top_k=8 (herhaalbaar)")
]
CollectionOption = Annotated[Optional[str], typer.Option("--collection", "-c", help="Collectie (standaard: default)")]

LOCKED_HINT = (
    "Stop `bronvast serve` en probeer het opnieuw, of gebruik de webinterface: vragen in het tabblad 'Vragen', "
    "documenten in het tabblad 'Documenten toevoegen'."
)


@contextmanager
def plain_errors():
    """Every expected failure becomes a plain message and exit code 1 (130 for Ctrl-C), never a traceback."""
    try:
        yield
    except StoreLocked as exc:
        errors.print(f"[red]Fout:[/] {exc}\n{LOCKED_HINT}")
        raise typer.Exit(1) from None
    except (SettingsError, StoreError, ModelNotFound) as exc:
        errors.print(f"[red]Fout:[/] {exc}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        errors.print("Afgebroken. Wat al klaar was blijft bewaard; een half verwerkt bestand wordt niet opgeslagen.")
        raise typer.Exit(130) from None


@contextmanager
def application(config: Path | None, overrides: list[str] | None, fallback: Path = DEFAULT_PROFILE):
    """Builds the app; when `bronvast serve` holds the embedded store, commands go through that serving process."""
    app = None
    with plain_errors():
        try:
            app = open_application(load_settings(config, overrides, fallback))
            yield app
        finally:
            if app is not None:
                app.close()


def progress_bar() -> Progress:
    """A bar on stderr that names the step; gone when done, so stdout stays clean for --json."""
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=errors, transient=True,
    )


def open_application(settings: Settings) -> Bronvast | RemoteBronvast:
    app = Bronvast(settings)
    try:
        app.store  # opening the store now tells whether another process holds it
        return app
    except StoreLocked:
        server = ServerInfo.read(settings.data_dir)
        if server is None:
            raise
        errors.print(f"[dim]De index is in gebruik door `bronvast serve`; de opdracht gaat via {server.url}.[/]")
        return RemoteBronvast(settings, server)


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
    """Indexeer PDF, DOCX, HTML, TXT en Markdown. Exitcode 0: alles geïndexeerd, 2: bestanden geweigerd."""
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
        table.add_row(shown(outcome.path), outcome.status, str(outcome.chunks or ""), *counts, outcome.reason,
                      style=style)
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
    as_json: Annotated[bool, typer.Option("--json", help="JSON als uitvoer")] = False,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Elk document van een collectie: bestand, pad, soort, chunks, datum, toegang, geïndexeerd op."""
    with application(config, set_) as app:
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
    with application(config, set_) as app:
        if as_json:
            print(json.dumps(app.ask(question, collection, where).to_json(), ensure_ascii=False, indent=2))
            return
        show_answer(app.stream(question, collection, where))


def show_answer(pieces) -> Answer:
    """Streams the answer text to stdout, then says what the check found, why an answer is extractive or refused,
    and lists the sources. Returns the finished Answer."""
    answer = None
    for piece in pieces:
        if isinstance(piece, Answer):
            answer = piece
        else:
            sys.stdout.write(piece)
            sys.stdout.flush()
    print()
    if answer.notice:
        console.print(f"\n[italic]{escape(answer.notice)}[/]", highlight=False)
    if answer.mode == "extractive":
        console.print(escape(answer.answer), highlight=False)
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
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Een gesprek: vervolgvragen ("en in 2024?") bouwen voort op de vorige vraag. /nieuw begint opnieuw, /stop
    (of Ctrl-D) stopt."""
    with application(config, set_) as app:
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


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def print_sources(answer: Answer) -> None:
    if answer.refused:
        return
    console.print("\n[bold]Bronnen[/]")
    for citation in answer.citations:
        page = f", pagina {citation.page}" if citation.page else ""
        excerpt = escape(" ".join(citation.text.split())[:200])
        console.print(f"\\[{citation.n}] [bold]{escape(citation.source)}[/]{page} (score {citation.score:.2f})\n    {excerpt}…",
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
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Start de chat-webinterface (en de REST-API onder /api)."""
    import gradio as gr
    import uvicorn

    from assistant.api import advertised, build_api
    from assistant.ui import build_ui

    with application(config, set_) as app:
        if isinstance(app, RemoteBronvast):
            errors.print(f"[red]Fout:[/] bronvast serve draait al op {app.server.url}")
            raise typer.Exit(1)
        host = host or app.settings.serve.host
        port = port or app.settings.serve.port
        app.embedder, app.llm  # load the models now, so the first question is not slow
        with advertised(app.settings.data_dir, host, port) as server:
            site = gr.mount_gradio_app(build_api(app, server.token), build_ui(app), path="/")
            console.print(f"bronvast luistert op http://{host}:{port}  (stoppen: Ctrl-C)")
            # uvicorn re-raises SIGTERM after its graceful shutdown; as SystemExit it still lets serve.json go.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            uvicorn.run(site, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)


eval_cli = typer.Typer(help="Evaluatie: datasets draaien, runs vergelijken, testsets opstellen, BEIR.", no_args_is_help=True)
cli.add_typer(eval_cli, name="eval")

RETRIEVAL_MODES = ("dense", "sparse", "hybrid", "hybrid+rerank")


@eval_cli.command("beir")
def eval_beir(
    directory: Annotated[Path, typer.Argument(help="Map met corpus.jsonl, queries.jsonl en qrels/test.tsv")],
    mode: Annotated[
        Optional[list[str]], typer.Option("--mode", help="dense, sparse, hybrid of hybrid+rerank (herhaalbaar; standaard hybrid)")
    ] = None,
    language: Annotated[
        str, typer.Option(help="Taal van de documenten: dutch of english; kiest het ingebouwde profiel voor die taal")
    ] = "dutch",
    as_json: Annotated[bool, typer.Option("--json", help="JSON als uitvoer")] = False,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Meet retrieval op een BEIR-dataset: nDCG@10, recall@100, MRR@10 en latentie p50/p95."""
    from eval.beir import run_beir
    from eval.dataset import DatasetError

    modes = mode or ["hybrid"]
    unknown = [m for m in modes if m not in RETRIEVAL_MODES]
    if unknown:
        errors.print(f"[red]Fout:[/] onbekende modus {', '.join(unknown)}; kies uit {', '.join(RETRIEVAL_MODES)}")
        raise typer.Exit(1)
    # Without a profile of one's own, the embedded default for the language (config/english.yaml for English).
    fallback = LANGUAGE_PROFILES.get(language, DEFAULT_PROFILE)
    with application(config, [f"sparse.language={language}", *(set_ or [])], fallback) as app:
        local_application(app)
        with progress_bar() as progress:
            task = progress.add_task("", total=None)
            try:
                results = run_beir(
                    app, directory, modes,
                    on_total=lambda label, n: progress.reset(task, total=n, description=label),
                    on_advance=lambda n: progress.advance(task, n),
                )
            except DatasetError as exc:
                errors.print(f"[red]Fout:[/] {exc}")
                raise typer.Exit(1) from None
    if as_json:
        rows = [r.to_json() for r in results]
        print(json.dumps(rows[0] if len(rows) == 1 else rows, ensure_ascii=False))
        return
    table = Table(title=f"BEIR {directory.name} ({language})")
    for column in ("modus", "queries", "nDCG@10", "recall@100", "MRR@10", "p50 ms", "p95 ms"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(r.mode, str(r.queries), f"{r.ndcg_10:.3f}", f"{r.recall_100:.3f}", f"{r.mrr_10:.3f}",
                      f"{r.latency_p50_ms:.1f}", f"{r.latency_p95_ms:.1f}")
    console.print(table)


GATE_FAILED = 3


def local_application(app) -> None:
    """Evaluation needs the index itself, not the serving process's answers."""
    if isinstance(app, RemoteBronvast):
        errors.print("[red]Fout:[/] stop `bronvast serve` voor een evaluatie: die heeft de index nodig.")
        raise typer.Exit(1)


@eval_cli.command("run")
def eval_run(
    dataset: Annotated[Path, typer.Argument(help="Evaluatieset (JSONL, zie README)")],
    collection: CollectionOption = None,
    out: Annotated[Optional[Path], typer.Option(help="Map voor results.jsonl, metrics.json en report.html")] = None,
    fail_under: Annotated[Optional[list[str]], typer.Option(
        "--fail-under", help="METRIEK=WAARDE: exitcode 3 als de metriek lager uitvalt (herhaalbaar)")] = None,
    fail_over: Annotated[Optional[list[str]], typer.Option(
        "--fail-over", help="METRIEK=WAARDE: exitcode 3 als de metriek hoger uitvalt, bv. latentie (herhaalbaar)")] = None,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Draai elke vraag van een evaluatieset door de assistent en meet retrieval, citaten, antwoorden, trouw,
    weigeringen en kosten, met 95%-betrouwbaarheidsintervallen. Exitcode 3: een --fail-under/--fail-over faalt."""
    from eval.dataset import DatasetError
    from eval.run import evaluate
    from eval.summary import Threshold, gate

    try:
        thresholds = [Threshold.parse(t, True) for t in fail_under or []]
        thresholds += [Threshold.parse(t, False) for t in fail_over or []]
    except ValueError as exc:
        errors.print(f"[red]Fout:[/] {exc}")
        raise typer.Exit(1) from None
    with application(config, set_) as app, progress_bar() as progress:
        local_application(app)
        task = progress.add_task("evalueren", total=None)
        try:
            folder, summary = evaluate(
                app, dataset, collection, out, config,
                on_start=lambda n: progress.update(task, total=n),
                on_case=lambda case: progress.update(task, advance=1, description=case.id),
            )
        except DatasetError as exc:
            errors.print(f"[red]Fout:[/] {exc}")
            raise typer.Exit(1) from None
    print_metrics(summary["metrics"], f"{dataset.name} op collectie '{summary['run']['collection']}'")
    console.print(f"Resultaten en rapport: {shown(folder)}/report.html")
    failures = gate(summary["metrics"], thresholds)
    for failure in failures:
        errors.print(f"[red]Drempel niet gehaald:[/] {escape(failure)}")
    raise typer.Exit(GATE_FAILED if failures else 0)


def print_metrics(entries: dict[str, dict], title: str) -> None:
    table = Table(title=title)
    for column in ("groep", "metriek", "waarde", "95%-interval", "n"):  # fold, never cut, a long metric name
        table.add_column(column, justify="right" if column in ("waarde", "n") else "left", overflow="fold")
    for name, entry in entries.items():
        value = "—" if entry["value"] is None else f"{entry['value']:.3f}"
        interval = "—" if entry["ci"] is None else f"{entry['ci'][0]:.3f} – {entry['ci'][1]:.3f}"
        table.add_row(entry["group"], name, value, interval, str(entry["n"]))
    console.print(table)


@eval_cli.command("compare")
def eval_compare(
    run_a: Annotated[Path, typer.Argument(help="Map van run A (de basis)")],
    run_b: Annotated[Path, typer.Argument(help="Map van run B (de wijziging)")],
    out: Annotated[Optional[Path], typer.Option(help="Map voor comparison.json en comparison.html")] = None,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Vergelijk twee runs van dezelfde set: verschil per metriek (B - A) met een gepaarde permutatietoets, en de
    cases die beter of slechter werden."""
    from eval.compare import compare, write_comparison
    from eval.dataset import DatasetError

    with plain_errors():
        evaluation = load_settings(config, set_).evaluation
    try:
        comparison = compare(run_a, run_b, evaluation.permutations, evaluation.seed)
    except DatasetError as exc:
        errors.print(f"[red]Fout:[/] {exc}")
        raise typer.Exit(1) from None
    report = write_comparison(comparison, out or run_b.parent / f"{run_a.name}-vs-{run_b.name}")
    print_comparison(comparison)
    console.print(f"Vergelijking en rapport: {shown(report)}")


def print_comparison(comparison: dict) -> None:
    cases = comparison["cases"]
    table = Table(title=f"{comparison['a']['name']} (A) → {comparison['b']['name']} (B), {cases['paired']} gepaarde cases")
    for column in ("metriek", "A", "B", "verschil", "p", ""):
        table.add_column(column, justify="left" if column == "metriek" else "right")
    for name, entry in comparison["metrics"].items():
        improved = entry["delta"] > 0 if entry["better"] == "higher" else entry["delta"] < 0
        mark = ("[green]beter[/]" if improved else "[red]slechter[/]") if entry["significant"] else ""
        p_value = "—" if entry["p_value"] is None else f"{entry['p_value']:.3f}"
        table.add_row(name, f"{entry['a']:.3f}", f"{entry['b']:.3f}", f"{entry['delta']:+.3f}", p_value, mark)
    console.print(table)
    console.print("[dim]p: gepaarde permutatietoets (tweezijdig); gemarkeerd bij p < 0,05.[/]")
    for label, entries in (("Beter", comparison["better"]), ("Slechter", comparison["worse"])):
        console.print(f"\n[bold]{label} ({len(entries)} cases)[/]")
        for entry in entries:
            changes = ", ".join(f"{name} {a:.2f}→{b:.2f}" for name, (a, b) in entry["changes"].items())
            console.print(f"  {entry['id']}: {escape(changes)}", highlight=False)


@eval_cli.command("generate")
def eval_generate(
    collection: CollectionOption = None,
    n: Annotated[int, typer.Option("--n", min=1, help="Aantal cases")] = 50,
    out: Annotated[Path, typer.Option(help="JSONL-bestand voor de conceptcases")] = Path("concept-testset.jsonl"),
    seed: Annotated[int, typer.Option(help="Steekproef van passages")] = 0,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Stel conceptcases (vraag, antwoord, gold) op uit geïndexeerde passages met het LLM. Alleen concepten
    waarvan de passage het antwoord staaft blijven over; laat ze door mensen nakijken voor gebruik."""
    from eval.generate import generate_cases

    with application(config, set_) as app, progress_bar() as progress:
        local_application(app)
        task = progress.add_task("opstellen", total=n)
        report = generate_cases(app, collection or app.settings.collection, n, out, seed,
                                on_case=lambda: progress.advance(task))
    console.print(f"{report.written} conceptcases geschreven naar {shown(out)} ({report.tried} passages geprobeerd).")
    for reason, count in report.rejected.items():
        console.print(f"  afgewezen, {reason}: {count}")
    if report.written < n:
        errors.print(f"[yellow]Minder dan {n} cases:[/] het model maakte te weinig bruikbare concepten; "
                     "een groter model (llm.*) helpt.")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
