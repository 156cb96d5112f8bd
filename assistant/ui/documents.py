"""The *Documenten* tab: upload with progress, the collection's documents with their metadata, delete, and the
collections with the number of documents the user may see."""

from __future__ import annotations

import html
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import gradio as gr

from assistant.application import Application
from assistant.ui.labels import DUTCH, headers, word
from assistant.ui.shared import Identify, Translation, caller_of
from assistant.uploads import Incoming, forget_uploads, upload
from bronvast.errors import AccessDenied, StoreError
from bronvast.schema import Caller
from ingest.report import FileOutcome, IngestReport, redaction_counts


def add_documents(app: Application, files: list[str] | None, collection: str, caller: Caller | None = None,
                  progress: gr.Progress | None = None) -> tuple[str, list[list]]:
    """Upload through the serving process (assistant/uploads.py: the limits, the quarantine, the type by content;
    the embedded store admits only this process while it serves): a message and a row per file. `files`: the
    paths Gradio received them at, under their own names. `progress` moves one step per file."""
    if not files:
        return "Kies eerst een of meer bestanden.", []
    total, done = len(files), []

    def advance(outcome: FileOutcome) -> None:
        done.append(outcome)
        if progress is not None:
            progress((len(done), total), desc=outcome.path.name, unit="bestanden")

    try:
        with ExitStack() as opened:
            incoming = [Incoming(Path(name).name, opened.enter_context(open(name, "rb"))) for name in files]
            report = upload(app, incoming, collection or None, caller, on_file=advance)
    except (StoreError, AccessDenied) as exc:
        return f"Fout: {exc}", []
    return ingest_summary(report), ingest_rows(report)


def ingest_rows(report: IngestReport) -> list[list]:
    """A row per file; personal data redacted are shown as counts per kind, never the values."""
    return [[o.path.name, o.status, o.chunks or "", redaction_counts(o.redacted) if report.redacted else "", o.reason]
            for o in report.outcomes]


def ingest_summary(report: IngestReport) -> str:
    counts = Counter(outcome.status for outcome in report.outcomes)
    summary = ", ".join(f"{status}: {count}" for status, count in counts.items())
    return summary + (f". Persoonsgegevens geredigeerd: {redaction_counts(report.redacted)}" if report.redacted else "")


def document_rows(app: Application, collection: str, caller: Caller | None) -> list[list]:
    return [[d.file, d.kind, d.date or "", d.chunks, ", ".join(d.access), d.indexed_at[:19], ", ".join(Path(p).name for p in d.same_as)]
            for d in app.documents(collection or None, caller)]


def collection_rows(app: Application, caller: Caller | None) -> list[list]:
    """Each collection with the number of documents this user may see (not the collection's own count, which would
    say how many restricted documents there are)."""
    return [[name, len(app.documents(name, caller))] for name in app.collections()]


def delete(app: Application, target: str | None, collection: str, caller: Caller | None) -> str:
    if not target:
        return "Kies eerst een document."
    try:
        removed = app.delete_document(target, collection or None, caller)
    except (StoreError, AccessDenied) as exc:
        return f"Fout: {html.escape(str(exc), quote=False)}"
    forget_uploads(app, removed)
    return f"Verwijderd: {html.escape(', '.join(Path(path).name for path in removed))}"


def build_documents_tab(app: Application, identify: Identify | None, collection: gr.Dropdown, tab: gr.Tab,
                        words: Translation) -> None:
    """The tab's components and events, inside the current gr.Tab."""
    files = words.add(gr.File(label=word(DUTCH, "files"), file_count="multiple", type="filepath",
                              elem_id="documenten-bestanden"), "files")
    index = words.add(gr.Button(word(DUTCH, "index"), variant="primary", elem_id="documenten-indexeren"),
                      "index", "value")
    message = gr.Markdown(elem_id="documenten-status")
    outcomes = words.add(gr.Dataframe(headers=headers(DUTCH, "ingest"), label=word(DUTCH, "ingest_result"),
                                      interactive=False, elem_id="documenten-resultaat"), "ingest_result")
    words.add(outcomes, "ingest", "headers")
    listed = words.add(gr.Dataframe(headers=headers(DUTCH, "documents"), label=word(DUTCH, "document_list"),
                                    interactive=False, elem_id="documenten-lijst"), "document_list")
    words.add(listed, "documents", "headers")
    with gr.Row():
        chosen = words.add(gr.Dropdown([], label=word(DUTCH, "delete_choice"), elem_id="documenten-keuze"),
                           "delete_choice")
        remove = words.add(gr.Button(word(DUTCH, "delete"), variant="stop", elem_id="documenten-verwijderen"),
                           "delete", "value")
        refresh = words.add(gr.Button(word(DUTCH, "refresh"), elem_id="documenten-vernieuwen"), "refresh", "value")
    collections = words.add(gr.Dataframe(headers=headers(DUTCH, "collections"), label=word(DUTCH, "collections"),
                                         interactive=False, elem_id="collecties"), "collections")
    words.add(collections, "collections", "headers")

    def shown(collection_name: str, request: gr.Request) -> tuple:
        """The list, the delete choice and the collections, as this user may see them."""
        try:
            caller = caller_of(identify, request)
            rows = document_rows(app, collection_name, caller)
            return rows, gr.Dropdown(choices=sorted({row[0] for row in rows}), value=None), collection_rows(app, caller)
        except (StoreError, AccessDenied):  # e.g. a collection that does not exist yet: nothing to list
            return [], gr.Dropdown(choices=[], value=None), []

    def upload(collection_name: str, paths: list[str] | None, request: gr.Request,
               progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008 (Gradio's way to ask for progress)
        try:
            caller = caller_of(identify, request)
        except AccessDenied as exc:
            return f"Fout: {exc}", []
        return add_documents(app, paths, collection_name, caller, progress)

    def deleted(target: str | None, collection_name: str, request: gr.Request) -> str:
        try:
            return delete(app, target, collection_name, caller_of(identify, request))
        except AccessDenied as exc:
            return f"Fout: {html.escape(str(exc), quote=False)}"

    lists = [listed, chosen, collections]
    index.click(upload, [collection, files], [message, outcomes], api_name="documenten_toevoegen").then(
        shown, collection, lists, api_visibility="private")
    remove.click(deleted, [chosen, collection], message, api_visibility="private").then(
        shown, collection, lists, api_visibility="private")
    refresh.click(shown, collection, lists, api_visibility="private")
    collection.change(shown, collection, lists, api_visibility="private")
    tab.select(shown, collection, lists, api_visibility="private")
    files.upload(lambda: "", None, message, api_visibility="private")
