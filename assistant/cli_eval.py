"""`bronvast eval ...`: the evaluation commands, a thin face over eval/ with the application as its EvalTarget."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

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
from assistant.cli_objections import OBJECTIONS_PROFILE
from assistant.evaluation import NEEDS_INDEX
from assistant.remote import RemoteBronvast
from bronvast.settings import DEFAULT_PROFILE, LANGUAGE_PROFILES, load_settings

eval_cli = typer.Typer(help="Evaluatie: datasets draaien, runs vergelijken, testsets opstellen, BEIR.", no_args_is_help=True)

RETRIEVAL_MODES = ("dense", "sparse", "hybrid", "hybrid+rerank")


@eval_cli.command("beir")
def eval_beir(
    directory: Annotated[Path, typer.Argument(help="Map met corpus.jsonl, queries.jsonl en qrels/test.tsv")],
    mode: Annotated[
        list[str] | None, typer.Option("--mode", help="dense, sparse, hybrid of hybrid+rerank (herhaalbaar; standaard hybrid)")
    ] = None,
    language: Annotated[
        str, typer.Option(help="Taal van de documenten: dutch of english; kiest het ingebouwde profiel voor die taal")
    ] = "dutch",
    as_json: JsonOption = False,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Meet retrieval op een BEIR-dataset: nDCG@10, recall@100, MRR@10 en latentie p50/p95."""
    from eval.beir import run_beir

    modes = mode or ["hybrid"]
    unknown = [m for m in modes if m not in RETRIEVAL_MODES]
    if unknown:
        errors.print(f"[red]Fout:[/] onbekende modus {', '.join(unknown)}; kies uit {', '.join(RETRIEVAL_MODES)}")
        raise typer.Exit(1)
    results = on_beir(language, config, set_, lambda app, on_total, on_advance: run_beir(
        app, directory, modes, on_total=on_total, on_advance=on_advance))
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


def on_beir(language: str, config: Path | None, set_: list[str] | None, work):
    """Runs `work(app, on_total, on_advance)` on a BEIR dataset with a progress bar; the profile, without one of
    one's own, is the embedded default for the documents' language (config/english.yaml for English)."""
    from eval.dataset import DatasetError

    fallback = LANGUAGE_PROFILES.get(language, DEFAULT_PROFILE)
    with application(config, [f"sparse.language={language}", *(set_ or [])], fallback) as app:
        local_application(app)
        with progress_bar() as progress:
            task = progress.add_task("", total=None)
            try:
                return work(app, lambda label, n: progress.reset(task, total=n, description=label),
                            lambda n: progress.advance(task, n))
            except DatasetError as exc:
                errors.print(f"[red]Fout:[/] {exc}")
                raise typer.Exit(1) from None


BeirOption = Annotated[list[Path] | None, typer.Option(
    "--beir", help="BEIR-map (corpus.jsonl, queries.jsonl, qrels/test.tsv): elke vraag met en zonder gold (herhaalbaar)")]
DatasetOption = Annotated[list[str] | None, typer.Option(
    "--dataset", help="BESTAND=COLLECTIE: een evaluatieset over een geïndexeerde collectie, met de gold-tweelingen "
    "(herhaalbaar)")]
TwinLabelsOption = Annotated[list[Path] | None, typer.Option(
    "--twin-labels", help="JSONL met per tweeling zonder gold of de overgebleven passages haar toch beantwoorden "
    "(answerable, partly, not_answerable); als beantwoordbaar gelezen tweelingen tellen als fout label (herhaalbaar)")]
ReportOption = Annotated[Path | None, typer.Option(
    "--report", help="Map voor answerability.json en answerability.html (ROC-curves en werkpunt)")]
ToReadOption = Annotated[Path | None, typer.Option(
    "--to-read", help="JSONL voor een lezer: per tweeling de vraag en de passages die de zoektocht zonder gold "
    "overlaat, om te labelen (eval/datasets/twin-reading.md) en terug te geven met --twin-labels")]
LanguageOption = Annotated[str, typer.Option(
    help="Taal van de documenten: dutch of english; kiest het ingebouwde profiel voor die taal")]


@eval_cli.command("answerability")
def eval_answerability(
    beir: BeirOption = None,
    dataset: DatasetOption = None,
    part: Annotated[str, typer.Option(help="test (nooit gefit), fit of all")] = "test",
    twin_labels: TwinLabelsOption = None,
    to_read: ToReadOption = None,
    language: LanguageOption = "dutch",
    report: ReportOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Meet de beslissing beantwoorden-of-weigeren zoals geconfigureerd: per bron de ROC AUC (met 95%-interval),
    het werkpunt (beantwoorde beantwoordbare, geweigerde onbeantwoordbare vragen) en de AUC van elk signaal."""
    from eval.answerability import separation, write_to_read

    if part not in ("test", "fit", "all"):
        errors.print(f"[red]Fout:[/] --part {part}: kies test, fit of all")
        raise typer.Exit(1)
    if to_read and not to_read.parent.is_dir():  # said before the questions are asked, not after
        errors.print(f"[red]Fout:[/] --to-read {to_read}: map {to_read.parent} bestaat niet")
        raise typer.Exit(1)
    labelled, _, decision = labelled_questions(beir, dataset, twin_labels, language, config, set_)
    show_separation(separation(labelled, None, part), decision, report, as_json)
    if to_read:
        try:
            twins = write_to_read(to_read, labelled)
        except OSError as exc:
            errors.print(f"[red]Fout:[/] {to_read}: niet te schrijven ({exc.strerror or exc})")
            raise typer.Exit(1) from None
        if not as_json:
            console.print(f"Te lezen: {twins} tweelingen (alle delen) in {shown(to_read)}; "
                          "labels terug met --twin-labels.")


@eval_cli.command("fit-decision")
def eval_fit_decision(
    out: Annotated[Path, typer.Option(help="JSON-bestand voor het beslismodel (retrieval.decision_file)")],
    beir: BeirOption = None,
    dataset: DatasetOption = None,
    answer_share: Annotated[float, typer.Option(
        min=0.5, max=1.0, help="Werkpunt: het aandeel beantwoordbare vragen dat beantwoord moet worden")] = 0.95,
    twin_labels: TwinLabelsOption = None,
    language: LanguageOption = "dutch",
    report: ReportOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Fit de beslissing beantwoorden-of-weigeren (logistische regressie over de signalen) op het fit-deel van
    elke bron, kies het werkpunt met kruisvalidatie, en meet op het test-deel dat het model nooit zag."""
    from eval.answerability import fit, separation
    from eval.dataset import DatasetError

    # The signals alone: a configured decision may belong to another embedder, and is not what is being fitted.
    labelled, embedder, _ = labelled_questions(beir, dataset, twin_labels, language, config,
                                               ["retrieval.decision_file=null", *(set_ or [])])
    try:
        decision = fit(labelled, embedder, answer_share)
    except DatasetError as exc:
        errors.print(f"[red]Fout:[/] {exc}")
        raise typer.Exit(1) from None
    decision.save(out)
    show_separation(separation(labelled, decision, "test"), decision, report, as_json)
    if not as_json:
        console.print(f"Beslismodel: {shown(out)} (kruisgevalideerde AUC op het fit-deel "
                      f"{decision.fitted['cross_validated_auc']:.3f}); zet retrieval.decision_file om het te gebruiken.")


def labelled_questions(beir: list[Path] | None, datasets: list[str] | None, twin_labels: list[Path] | None,
                       language: str, config, set_):
    """Every source's questions, labelled answerable or not (twins with their readers' labels), with the decision's
    reading; and the embedder."""
    from eval.answerability import from_beir, from_cases, load_twin_labels, read_as
    from eval.dataset import DatasetError

    try:
        labels = load_twin_labels(twin_labels or [])
    except DatasetError as exc:
        errors.print(f"[red]Fout:[/] {exc}")
        raise typer.Exit(1) from None

    pairs = []
    for entry in datasets or []:
        path, _, collection = entry.partition("=")
        if not collection:
            errors.print(f"[red]Fout:[/] --dataset {entry}: schrijf BESTAND=COLLECTIE")
            raise typer.Exit(1)
        pairs.append((Path(path), collection))
    if not beir and not pairs:
        errors.print("[red]Fout:[/] geef minstens één --beir of --dataset")
        raise typer.Exit(1)

    def work(app, on_total, on_advance):
        labelled = [item for directory in beir or [] for item in from_beir(app, directory, on_total, on_advance)]
        for path, collection in pairs:
            labelled += from_cases(app, path, collection, on_total, on_advance)
        return read_as(labelled, labels), app.spec.embedder, app.decision

    return on_beir(language, config, set_, work)


def show_separation(results, decision, report: Path | None, as_json: bool) -> None:
    """The table (or JSON) of how well each source is separated, and with `report` its HTML page."""
    from dataclasses import asdict

    from eval.report import write_answerability_report

    if report:
        page = write_answerability_report([r.to_json() for r in results], asdict(decision) if decision else {}, report)
        (errors if as_json else console).print(f"Rapport: {shown(page)}")
    if as_json:
        print(json.dumps([r.to_json() for r in results], ensure_ascii=False))
        return
    table = Table(title="Beantwoorden of weigeren: beantwoordbare vragen en hun tweelingen zonder gold")
    for column in ("bron", "deel", "vragen", "ROC AUC", "95%-interval", "beantwoord", "geweigerd", "ruis",
                   "fout label", "AUC zonder", "beste signaal"):
        table.add_column(column, justify="left" if column in ("bron", "deel", "beste signaal") else "right")
    for r in results:
        signal, auc = max(r.signal_auc.items(), key=lambda item: item[1])
        table.add_row(r.source, r.part, f"{r.answerable}+{r.unanswerable}", f"{r.auc:.3f}",
                      f"{r.auc_ci[0]:.3f} – {r.auc_ci[1]:.3f}", f"{r.answered_answerable}/{r.answerable}",
                      f"{r.refused_unanswerable}/{r.unanswerable}", str(r.near_copies),
                      f"{r.mislabelled}/{r.read}" if r.read else "—",
                      f"{r.auc_read:.3f} ({r.auc_read_ci[0]:.3f} – {r.auc_read_ci[1]:.3f})" if r.read else "—",
                      f"{signal} {auc:.3f}")
    console.print(table)
    console.print("[dim]Ruis: tweelingen zonder gold waarvan de beste overgebleven passage de gold-passage bijna kopieert "
                  "(≥ 35% dezelfde termen); die vragen zijn waarschijnlijk toch beantwoordbaar. Fout label: tweelingen "
                  "die bij lezing (--twin-labels) toch beantwoordbaar bleken, van de gelezen; AUC zonder: de AUC "
                  "zonder die tweelingen.[/]")


GATE_FAILED = 3


def local_application(app) -> None:
    """Evaluation needs the index itself, not the serving process's answers."""
    if isinstance(app, RemoteBronvast):
        errors.print(f"[red]Fout:[/] {NEEDS_INDEX}.")
        raise typer.Exit(1)


@eval_cli.command("run")
def eval_run(
    dataset: Annotated[Path, typer.Argument(help="Evaluatieset (JSONL, zie README)")],
    collection: CollectionOption = None,
    out: Annotated[Path | None, typer.Option(help="Map voor results.jsonl, metrics.json en report.html")] = None,
    fail_under: Annotated[list[str] | None, typer.Option(
        "--fail-under", help="METRIEK=WAARDE: exitcode 3 als de metriek lager uitvalt (herhaalbaar)")] = None,
    fail_over: Annotated[list[str] | None, typer.Option(
        "--fail-over", help="METRIEK=WAARDE: exitcode 3 als de metriek hoger uitvalt, bv. latentie (herhaalbaar)")] = None,
    leave_gold_out: Annotated[bool, typer.Option(
        "--leave-gold-out", help="Stel elke beantwoordbare vraag ook met haar gold-bestanden buiten de zoekopdracht: "
        "onbeantwoordbare cases van dezelfde soort (tag zonder-gold)")] = False,
    as_user: AsOption = None,
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
    with application(config, set_, caller=as_user) as app, progress_bar() as progress:
        local_application(app)
        task = progress.add_task("evalueren", total=None)
        try:
            folder, summary = evaluate(
                app, dataset, collection, out, config,
                on_start=lambda n: progress.update(task, total=n),
                on_case=lambda case: progress.update(task, advance=1, description=case.id),
                leave_gold_out=leave_gold_out,
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
    out: Annotated[Path | None, typer.Option(help="Map voor comparison.json en comparison.html")] = None,
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


@eval_cli.command("feedback")
def eval_feedback(
    out: Annotated[Path, typer.Option(help="JSONL-bestand voor de evaluatiecases")],
    as_user: AsOption = None,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Exporteer de beoordelingen (duim omhoog of omlaag) uit de webinterface en de API als evaluatieset: een
    goedgekeurd antwoord wordt een case met zijn bronnen als gold; afgekeurde cases zijn om na te kijken (tags)."""
    with application(config, set_, caller=as_user) as app:  # beside `bronvast serve` too: it reads only files
        count = app.export_feedback(out)
    if not count:
        console.print("Nog geen beoordelingen om te exporteren; er is niets geschreven.")
        return
    console.print(f"{count} cases geschreven naar {shown(out)}; draai ze met `bronvast eval run {shown(out)}`.")


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


@eval_cli.command("objections")
def eval_objections(
    folder: Annotated[Path, typer.Argument(help="Map met bezwaarschriften")],
    gold: Annotated[Path, typer.Option("--gold", help="Gouden labels (JSON, per bestandsnaam; zie README)")],
    committee: Annotated[bool, typer.Option("--committee", help="Beslistermijn met adviescommissie")] = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Lees de brieven zoals `bronvast objections dossier` en meet per veld de juistheid, de gronden (recall en
    precisie), de clusterzuiverheid, de termijnen en hoeveel citaten in de brief zijn teruggevonden."""
    from assistant.app import Bronvast
    from bronvast.schema import ObjectionOptions
    from eval.objections import GoldError, evaluate_objections

    if not folder.is_dir():
        errors.print(f"[red]Fout:[/] {escape(str(folder))} is geen map")
        raise typer.Exit(1)
    with plain_errors(), progress_bar() as progress:
        app = Bronvast(load_settings(config, set_, OBJECTIONS_PROFILE))
        task = progress.add_task("brieven lezen", total=None)
        try:
            _, scores = evaluate_objections(app, folder, gold, ObjectionOptions(committee=committee, clusters=True),
                                            on_file=lambda name: progress.update(task, advance=1, description=name))
        except GoldError as exc:
            errors.print(f"[red]Fout:[/] {escape(str(exc))}")
            raise typer.Exit(1) from None
        finally:
            app.close()
    if as_json:
        print(json.dumps(scores.to_json(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Bezwaarschriften: {scores.letters} brieven in {shown(folder)}")
    table.add_column("metriek")
    table.add_column("waarde", justify="right")
    rows = {f"veld {name}": value for name, value in scores.fields.items()}
    rows |= {"gronden recall": scores.grounds_recall, "gronden precisie": scores.grounds_precision,
             "citaten teruggevonden": scores.quote_verification, "clusterzuiverheid": scores.cluster_purity}
    for name, value in rows.items():
        table.add_row(name, "—" if value is None else f"{value:.3f}")
    console.print(table)
    for mistake in scores.mistakes:
        console.print(f"[dim]{escape(mistake['file'])}[/] {mistake['field']}: verwacht "
                      f"{escape(str(mistake['expected']))}, gevonden {escape(str(mistake['found']))}", highlight=False)
    for line in scores.unscored:
        errors.print(f"[yellow]Niet gescoord:[/] {escape(line)}")
