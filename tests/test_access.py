"""Who sees what: a randomised run of questions by callers of different groups over a corpus whose restricted
documents each carry a unique canary string. No canary of a document a caller may not see may reach that caller:
not in an answer, a citation, a streamed piece, the first (extractive) answer, a document list or an error. And a
record restricted until a day becomes visible on that day, without indexing it again."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from dataclasses import dataclass

import pytest

import assistant.app
from assistant.app import Bronvast
from assistant.audit import audit_path, export
from bronvast.errors import AccessDenied
from bronvast.schema import ANONYMOUS, Answer, Caller, FirstAnswer, SearchFilter
from bronvast.settings import load_settings
from ingest.documents import DocumentNotFound

COLLECTION = "toegang"
TOPICS = ["parkeren", "afvalinzameling", "bouwvergunning", "subsidie", "bijstand", "evenement", "riolering",
          "begraafplaats", "monumenten", "speeltuin"]
ARCHIVE = Caller("archivaris", groups=("archief",))
LAWYER = Caller("jurist", groups=("juridisch",))
BOTH = Caller("hoofd", groups=("archief", "juridisch"))
CALLERS = [ANONYMOUS, ARCHIVE, LAWYER, BOTH]
QUESTIONS = 1000


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    access: str  # "" public, else the group
    public_from: str = ""  # "beperkt tot" this day
    canary: str = ""


def corpus(rng: random.Random, today: dt.date) -> list[Document]:
    """Public, group-restricted and until-a-day documents on the same topics, so they compete for the same
    questions; each restricted one holds its own canary."""
    documents = []
    for number, topic in enumerate(TOPICS):
        documents.append(Document(f"openbaar-{number}.md", f"# {topic.capitalize()}\n\nDe gemeente regelt {topic} "
                                  f"in de verordening {topic} van 2024. Het loket {topic} is open op werkdagen.", ""))
        for group in ("archief", "juridisch"):
            canary = f"KANARIE{rng.randrange(16**8):08X}"
            documents.append(Document(
                f"{group}-{number}.md", f"# {topic.capitalize()} intern\n\nIntern dossier over {topic}: het kenmerk "
                f"is {canary}. Het loket {topic} behandelt dit dossier vertrouwelijk.", group, canary=canary))
    for number, (topic, days) in enumerate([("parkeren", -30), ("subsidie", 400), ("bijstand", 1)]):
        canary = f"KANARIE{rng.randrange(16**8):08X}"
        documents.append(Document(
            f"beperkt-{number}.md", f"# {topic.capitalize()} archief\n\nArchiefstuk over {topic} met kenmerk "
            f"{canary}, beperkt openbaar.", "archief", (today + dt.timedelta(days=days)).isoformat(), canary))
    return documents


def visible(document: Document, caller: Caller, today: dt.date) -> bool:
    if not document.access or document.access in caller.groups:
        return True
    return bool(document.public_from) and document.public_from <= today.isoformat()


@pytest.fixture(scope="module")
def collection(app, tmp_path_factory) -> tuple[Bronvast, list[Document]]:
    folder = tmp_path_factory.mktemp("toegang")
    documents = corpus(random.Random(7), dt.date.today())
    rows = ["file,access,openbaarheid"]
    for document in documents:
        (folder / document.name).write_text(document.text, encoding="utf-8")
        until = f"beperkt tot {document.public_from}" if document.public_from else ""
        rows.append(f"{document.name},{document.access},{until}")
    (folder / "bronvast-manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = app.ingest([folder], COLLECTION)
    assert report.exit_code == 0, report.rejected
    # Extractive answers: the same retrieval, filter and sources as generated ones, a thousand times in a minute.
    fast = Bronvast(load_settings(overrides=[f"data_dir={app.settings.data_dir}", "answer.mode=extractive",
                                             "retrieval.decision_file=null"]))
    fast.store, fast.embedder = app.store, app.embedder
    return fast, documents


def hidden_canaries(documents: list[Document], caller: Caller, today: dt.date) -> set[str]:
    return {d.canary for d in documents if d.canary and not visible(d, caller, today)}


def everything_shown(pieces: list) -> str:
    """Every text the caller receives from one question: streamed pieces, the first and the final answer with
    their citations and notices."""
    shown = []
    for piece in pieces:
        answer = piece.answer if isinstance(piece, FirstAnswer) else piece
        if isinstance(answer, Answer):
            shown += [answer.answer, answer.notice, *(c.text for c in answer.citations),
                      *(c.source for c in answer.citations)]
        else:
            shown.append(str(piece))
    return "\n".join(shown)


def sources_shown(app: Bronvast, pieces: list, caller: Caller) -> str:
    """The text of every cited source as the source viewer shows it to the caller."""
    answers = [piece for piece in pieces if isinstance(piece, Answer)]
    return "\n".join(app.source(c.source, c.page, c.text, COLLECTION, caller, c.sha256).text
                     for answer in answers for c in answer.citations)


def audit_records(app: Bronvast, fmt: str, skip: int) -> list[tuple[str, str, str]]:
    """The audit log's records after the first `skip` as `bronvast audit export` writes them: (user, question,
    the whole record as written)."""
    out = io.StringIO()
    export(audit_path(app.settings.data_dir), out, fmt=fmt)
    if fmt == "jsonl":
        return [(record["user"], record["question"], line)
                for line in out.getvalue().splitlines()[skip:] for record in [json.loads(line)]]
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))[skip:]
    return [(row["user"], row["question"], ",".join(row.values())) for row in rows]


def test_no_caller_ever_receives_a_canary_of_a_document_they_may_not_see(collection):
    app, documents = collection
    today = dt.date.today()
    rng = random.Random(2026)
    canaries = [d.canary for d in documents if d.canary]
    seen_by = {caller.name: set() for caller in CALLERS}
    recorded_before = export(audit_path(app.settings.data_dir), io.StringIO())
    for _ in range(QUESTIONS):
        caller = rng.choice(CALLERS)
        topic = rng.choice(TOPICS)
        question = rng.choice([f"Wat is het kenmerk van het dossier over {topic}?",
                               f"Wie behandelt {topic} vertrouwelijk?", f"Waar staat {rng.choice(canaries)}?",
                               f"Wat regelt de verordening {topic}?", f"intern dossier {topic} kenmerk"])
        pieces = list(app.stream(question, COLLECTION, caller=caller))
        shown = everything_shown(pieces) + "\n" + sources_shown(app, pieces, caller)
        # a canary the caller typed comes back in "searched for ..." notices: only one they did not type counts
        leaked = [c for c in hidden_canaries(documents, caller, today) if c in shown and c not in question]
        assert not leaked, f"{caller.name} kreeg {leaked} te zien bij {question!r}"
        seen_by[caller.name] |= {canary for canary in canaries if canary in shown and canary not in question}
    # the filter hides, it does not blind: callers do get the restricted documents they may see
    assert seen_by["archivaris"] and seen_by["jurist"] and seen_by["hoofd"] >= seen_by["archivaris"]
    assert seen_by["anoniem"] <= {d.canary for d in documents if d.public_from and d.public_from <= today.isoformat()}
    # The audit log keeps what each caller was answered: its export holds no canary a record's caller may not see.
    by_name = {caller.name: caller for caller in CALLERS}
    for fmt in ("jsonl", "csv"):
        records = audit_records(app, fmt, recorded_before)
        assert len(records) == QUESTIONS
        for user, typed, record in records:
            leaked = [c for c in hidden_canaries(documents, by_name[user], today) if c in record and c not in typed]
            assert not leaked, f"het auditlog ({fmt}) van {user} bevat {leaked}"


def test_the_source_viewer_opens_no_document_the_caller_may_not_see(collection):
    """Hidden is missing: the same DocumentNotFound and message as a document that is not there, no canary."""
    app, documents = collection
    today = dt.date.today()
    for caller in CALLERS:
        for document in (d for d in documents if d.canary):
            if visible(document, caller, today):
                assert document.canary in app.source(document.name, None, "", COLLECTION, caller).text
                continue
            with pytest.raises(DocumentNotFound) as hidden:
                app.source(document.name, None, document.canary, COLLECTION, caller)
            assert str(hidden.value) == f"'{document.name}' staat niet in collectie '{COLLECTION}'"
            assert not any(d.canary in str(hidden.value) for d in documents if d.canary)
    with pytest.raises(DocumentNotFound, match=f"^'bestaat-niet.md' staat niet in collectie '{COLLECTION}'$"):
        app.source("bestaat-niet.md", None, "", COLLECTION, ANONYMOUS)


def test_a_refusal_counts_only_the_passages_the_caller_may_search(collection):
    """"Searched N passages" counts what the caller could search: the collection's total would tell them how much
    is hidden."""
    app, _ = collection
    visible_to_anonymous = ANONYMOUS.restrict(None, dt.date.today().isoformat())
    counted = app.store.chunk_count(COLLECTION, visible_to_anonymous)
    assert counted == sum(1 for _ in app.store.chunks_where(COLLECTION, visible_to_anonymous))
    assert 0 < counted < app.store.chunk_count(COLLECTION)
    refused = app.ask("Hoeveel kost een vergunning voor een zwembad op de maan?", COLLECTION, caller=ANONYMOUS)
    assert refused.refused and f"({counted} passages" in refused.notice


def test_document_lists_show_only_what_the_caller_may_see(collection):
    app, documents = collection
    today = dt.date.today()
    for caller in CALLERS:
        listed = {row.file for row in app.documents(COLLECTION, caller)}
        assert listed == {d.name for d in documents if visible(d, caller, today)}, caller.name


def test_a_filter_naming_a_hidden_document_finds_nothing_and_the_refusal_names_no_canary(collection):
    app, documents = collection
    secret = next(d for d in documents if d.access == "juridisch")
    answer = app.ask(f"Wat is het kenmerk van {secret.name}?", COLLECTION, SearchFilter(sources=(secret.name,)),
                     caller=ARCHIVE)
    assert answer.refused and answer.citations == []
    assert secret.canary not in everything_shown([answer])


def test_a_restriction_ends_on_its_day_without_indexing_again(collection, monkeypatch):
    app, documents = collection
    tomorrow = next(d for d in documents if d.name == "beperkt-2.md")  # restricted until tomorrow

    def ask() -> str:
        return everything_shown([app.ask(f"Archiefstuk over bijstand met kenmerk {tomorrow.canary}", COLLECTION,
                                         caller=ANONYMOUS)])

    assert tomorrow.canary not in ask()

    class Tomorrow(dt.date):
        @classmethod
        def today(cls):
            return dt.date.today() + dt.timedelta(days=1)

    monkeypatch.setattr(assistant.app, "date", Tomorrow)
    assert tomorrow.canary in ask()


def test_ingest_and_delete_need_their_role(collection, tmp_path):
    app, _ = collection
    (tmp_path / "nieuw.md").write_text("# Nieuw\n\nEen nieuw document.", encoding="utf-8")
    with pytest.raises(AccessDenied, match="rol 'ingest'"):
        app.ingest([tmp_path], COLLECTION, caller=ARCHIVE)
    with pytest.raises(AccessDenied, match="rol 'delete'"):
        app.delete_document("openbaar-0.md", COLLECTION, caller=BOTH)
    assert "openbaar-0.md" in {row.file for row in app.documents(COLLECTION, BOTH)}  # still there


def test_the_listing_moves_with_the_day_too(collection, monkeypatch):
    app, _ = collection
    import ingest.documents

    class Tomorrow(dt.date):
        @classmethod
        def today(cls):
            return dt.date.today() + dt.timedelta(days=1)

    assert "beperkt-2.md" not in {row.file for row in app.documents(COLLECTION, ANONYMOUS)}
    monkeypatch.setattr(ingest.documents, "date", Tomorrow)
    assert "beperkt-2.md" in {row.file for row in app.documents(COLLECTION, ANONYMOUS)}


def test_the_store_filter_itself_hides_them(app, collection):
    """Below the application: the engine's filter, so a restricted neighbour cannot starve the top k either."""
    _, documents = collection
    today = dt.date.today().isoformat()
    hits = app.rank("intern dossier kenmerk", COLLECTION, k=50)  # the app's own caller: public only
    sources = {hit.chunk.source for hit in hits}
    assert sources and all(not name.startswith(("archief-", "juridisch-")) for name in sources)
    hidden = {d.name for d in documents if d.public_from and d.public_from > today}
    assert not sources & hidden
