"""The application as served by a running `bronvast serve` on this machine, with the same methods as Bronvast.

The CLI uses it when the embedded store is held by that serving process (qdrant-client's local mode admits one
process), so `bronvast ingest` and `bronvast ask` keep working beside the UI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import httpx

from assistant.api import ANSWER, DOCUMENTS, FILTER, HISTORY, REPORT, STATS, ServerInfo
from bronvast.errors import StoreError
from bronvast.schema import Answer, CollectionStats, SearchFilter, Turn
from bronvast.settings import Settings
from ingest.documents import DocumentNotFound
from ingest.report import DocumentInfo, FileOutcome, IngestReport


class RemoteBronvast:
    def __init__(self, settings: Settings, server: ServerInfo):
        self.settings = settings
        self.server = server
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
    ) -> IngestReport:
        # The redaction is this command's (its --config), not the server's profile: personal data must not go in
        # unredacted because `serve` runs with another profile.
        body = {"paths": [str(Path(p).resolve()) for p in paths], "collection": collection, "sync": sync,
                "redact": list(self.settings.ingest.redact)}
        report = REPORT.validate_python(self._call("POST", "/api/ingest", body))
        if on_start:
            on_start(len(report.outcomes))
        for outcome in report.outcomes:
            if on_file:
                on_file(outcome)
        return report

    def ask(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (),
    ) -> Answer:
        body = {"question": question, "collection": collection, "where": FILTER.dump_python(where, mode="json"),
                "history": HISTORY.dump_python(list(history), mode="json")}
        return ANSWER.validate_python(self._call("POST", "/api/ask", body))

    def stream(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (),
    ) -> Iterator[str | Answer]:
        """As Assistant.stream: text pieces are what a model wrote (or the refusal); an extractive answer comes only
        as the Answer, which the faces show once, under its notice."""
        answer = self.ask(question, collection, where, history)
        if answer.mode != "extractive":
            yield answer.answer
        yield answer

    def documents(self, collection: str | None = None) -> list[DocumentInfo]:
        return DOCUMENTS.validate_python(self._call("GET", "/api/documents", params={"collection": collection}))

    def delete_document(self, target: str, collection: str | None = None) -> list[str]:
        # A relative path means the caller's working directory, not the server's.
        local = Path(target).expanduser()
        if local.exists() or len(local.parts) > 1:
            target = str(local.resolve())
        params = {"target": target, "collection": collection}
        return self._call("DELETE", "/api/documents", params=params)["removed"]

    def status(self) -> list[CollectionStats]:
        return STATS.validate_python(self._call("GET", "/api/status"))

    def close(self) -> None:
        self.client.close()

    def _call(self, method: str, path: str, body: dict | None = None, params: dict | None = None):
        params = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = self.client.request(method, path, json=body, params=params)
        except httpx.HTTPError as exc:
            raise StoreError(f"de index is in gebruik door `bronvast serve` op {self.server.url}, "
                             f"maar die server antwoordt niet ({exc})") from exc
        if response.status_code == 404 and path == "/api/documents":
            raise DocumentNotFound(response.json().get("detail", response.text))
        if response.status_code != 200:
            detail = response.json().get("detail", response.text) if response.content else response.reason_phrase
            raise StoreError(f"`bronvast serve` op {self.server.url} weigerde de opdracht: {detail}")
        return response.json()
