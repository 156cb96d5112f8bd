"""The Application as served by a running `bronvast serve` on this machine.

The CLI uses it when the embedded store is held by that serving process (qdrant-client's local mode and Qdrant
Edge admit one process), so `bronvast ingest` and `bronvast ask` keep working beside the UI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import httpx
from pydantic import TypeAdapter

from assistant import evaluation
from assistant import feedback as feedbacks
from assistant.wire import (
    ANSWER,
    ASK,
    ASK_STREAM,
    CALLER,
    CALLER_HEADER,
    COLLECTIONS,
    DOCUMENT_LIST,
    DOCUMENTS,
    DOSSIER,
    FEEDBACK,
    FILTER,
    HISTORY,
    INGEST,
    OBJECTIONS,
    REPORT,
    SOURCES,
    STATS,
    STATUS,
    ServerInfo,
    read_piece,
)
from bronvast.errors import AccessDenied, StoreError
from bronvast.identity import LOCAL_OPERATOR
from bronvast.schema import (
    Answer,
    Caller,
    CollectionStats,
    Dossier,
    FirstAnswer,
    ObjectionOptions,
    SearchFilter,
    SourceView,
    Turn,
)
from bronvast.settings import Settings
from eval.dataset import Case
from ingest.documents import DocumentNotFound
from ingest.report import DocumentInfo, FileOutcome, IngestReport

DOSSIER_OPTIONS = TypeAdapter(ObjectionOptions)


class RemoteBronvast:
    def __init__(self, settings: Settings, server: ServerInfo, caller: Caller = LOCAL_OPERATOR):
        """`caller`: who the command runs as; the serving process takes it from this token-holding client (the
        token is readable by the data dir's owner only)."""
        self.settings = settings
        self.server = server
        self.caller = caller
        self.client = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}, timeout=None
        )

    def ingest(
        self,
        paths: Iterable[Path],
        collection: str | None = None,
        on_start: Callable[[int], None] | None = None,
        on_file: Callable[[FileOutcome], None] | None = None,
        sync: bool = False,
        redact: Sequence[str] | None = None,
        caller: Caller | None = None,
    ) -> IngestReport:
        # The redaction is this command's (its --config), not the server's profile: personal data must not go in
        # unredacted because `serve` runs with another profile.
        kinds = list(self.settings.ingest.redact if redact is None else redact)
        body = {"paths": [str(Path(p).resolve()) for p in paths], "collection": collection, "sync": sync,
                "redact": kinds}
        report = REPORT.validate_python(self._call("POST", INGEST, body, caller=caller))
        if on_start:
            on_start(len(report.outcomes))
        for outcome in report.outcomes:
            if on_file:
                on_file(outcome)
        return report

    def objections(
        self, paths: Iterable[Path], options: ObjectionOptions, on_file: Callable[[str], None] | None = None
    ) -> Dossier:
        body = {"paths": [str(Path(p).resolve()) for p in paths], "options": DOSSIER_OPTIONS.dump_python(options,
                                                                                                     mode="json")}
        dossier = DOSSIER.validate_python(self._call("POST", OBJECTIONS, body))
        for card in dossier.letters:
            if on_file:
                on_file(card.file)
        return dossier

    def ask(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (), caller: Caller | None = None,
    ) -> Answer:
        body = ask_body(question, collection, where, history)
        return ANSWER.validate_python(self._call("POST", ASK, body, caller=caller))

    def stream(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (), caller: Caller | None = None,
    ) -> Iterator[str | FirstAnswer | Answer]:
        try:
            body = ask_body(question, collection, where, history)
            with self.client.stream("POST", ASK_STREAM, json=body, headers=self._as(caller)) as response:
                if response.status_code != 200:
                    response.read()
                    self._raise_for(response, ASK_STREAM)
                for line in response.iter_lines():
                    if line:
                        yield read_piece(line)
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc
        except ValueError as exc:  # the server failed midway
            raise StoreError(f"`bronvast serve` op {self.server.url} brak het antwoord af: {exc}") from exc

    def documents(self, collection: str | None = None, caller: Caller | None = None) -> list[DocumentInfo]:
        found = self._call("GET", DOCUMENTS, params={"collection": collection}, caller=caller)
        return DOCUMENT_LIST.validate_python(found)

    def delete_document(self, target: str, collection: str | None = None, caller: Caller | None = None) -> list[str]:
        # A relative path means the caller's working directory, not the server's.
        local = Path(target).expanduser()
        if local.exists() or len(local.parts) > 1:
            target = str(local.resolve())
        params = {"target": target, "collection": collection}
        return self._call("DELETE", DOCUMENTS, params=params, caller=caller)["removed"]

    def feedback(
        self, answer: Answer, liked: bool, comment: str = "", collection: str | None = None,
        caller: Caller | None = None,
    ) -> None:
        body = {"answer": ANSWER.dump_python(answer, mode="json"), "liked": liked, "comment": comment,
                "collection": collection}
        self._call("POST", FEEDBACK, body, caller=caller)

    # What needs no index is done here, on the files of the same data dir; an evaluation needs the index.

    def export_feedback(self, out: Path, caller: Caller | None = None) -> int:
        return feedbacks.export_feedback(self.settings.data_dir, out, caller or self.caller)

    def evaluate(
        self, dataset: Path, collection: str | None = None, caller: Caller | None = None,
        on_start: Callable[[int], None] | None = None, on_case: Callable[[Case], None] | None = None,
    ) -> tuple[Path, dict]:
        raise evaluation.EvaluationError(evaluation.NEEDS_INDEX)

    def eval_runs(self) -> list[dict]:
        return evaluation.eval_runs(self.settings)

    def compare_runs(self, run_a: str, run_b: str) -> tuple[dict, Path]:
        return evaluation.compare_runs(self.settings, run_a, run_b)

    def source(
        self, source: str, page: int | None = None, passage: str = "", collection: str | None = None,
        caller: Caller | None = None, sha256: str = "",
    ) -> SourceView:
        params = {"source": source, "page": page, "passage": passage, "collection": collection, "sha256": sha256}
        return SourceView.from_json(self._call("GET", SOURCES, params=params, caller=caller))

    def status(self) -> list[CollectionStats]:
        return STATS.validate_python(self._call("GET", STATUS))

    def collections(self) -> list[str]:
        return self._call("GET", COLLECTIONS)

    def close(self) -> None:
        self.client.close()

    def _call(self, method: str, path: str, body: dict | None = None, params: dict | None = None,
              caller: Caller | None = None):
        params = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = self.client.request(method, path, json=body, params=params, headers=self._as(caller))
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc
        self._raise_for(response, path)
        return response.json()

    def _as(self, caller: Caller | None) -> dict[str, str]:
        return {CALLER_HEADER: CALLER.dump_json(caller or self.caller).decode()}

    def _unreachable(self, exc: Exception) -> StoreError:
        return StoreError(f"de index is in gebruik door `bronvast serve` op {self.server.url}, "
                          f"maar die server antwoordt niet ({exc})")

    def _raise_for(self, response: httpx.Response, path: str) -> None:
        if response.status_code == 403:
            raise AccessDenied(response.json().get("detail", response.text))
        if response.status_code == 404 and path in (DOCUMENTS, SOURCES):
            raise DocumentNotFound(response.json().get("detail", response.text))
        if response.status_code != 200:
            detail = response.json().get("detail", response.text) if response.content else response.reason_phrase
            raise StoreError(f"`bronvast serve` op {self.server.url} weigerde de opdracht: {detail}")


def ask_body(question: str, collection: str | None, where: SearchFilter | None, history: Sequence[Turn]) -> dict:
    return {"question": question, "collection": collection, "where": FILTER.dump_python(where, mode="json"),
            "history": HISTORY.dump_python(list(history), mode="json")}
