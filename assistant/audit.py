"""The audit log: an append-only JSONL record per answer and per ingest or delete, each holding the hash of the one
before it, so that a changed, removed or reordered record is found (`bronvast audit verify`).

The log is `<data_dir>/audit/audit.jsonl`, one record a line. A record is canonical JSON (sorted keys, no spaces,
UTF-8 as written) with these fields:

- `seq`: 1, 2, 3 ... with no gaps; `time`: when it was written, UTC ISO with milliseconds and "Z";
- `event`: "answer", "ingest", "delete" (or "retention", below); `user` and `groups`: the caller;
- answers: `collection`, `question`, `search_question` (a follow-up as searched, when it differs), `answer`,
  `refused`, `mode`, `citations` (file, page, the document's sha256), `model`, `prompt_hash` (sha256 of the prompts
  file), `settings_hash` (sha256 of the settings as JSON, secrets masked), `timings`, `usage`, `redaction` (the
  personal-data kinds replaced by markers in question and answer), and `interrupted` when a stream was broken off
  after its first answer was shown (that extract is then the answer recorded);
- ingest and delete: `collection`, `files` (path, status, chunks, sha256 of what was stored or removed, where known),
  for an ingest `outcomes` (files per status) and `redacted` (personal data per kind, counts only), `settings_hash`,
  and `interrupted` when the ingest stopped on an error (the files done until then are listed);
- `prev`: the `hash` of the record before it, "0" * 64 for the first; `hash`: sha256 of the record's canonical JSON
  without `hash`.

Writing: under a lock held across threads and processes (a lock file beside the log, flock), the last line is
read for `seq` and `prev`, the line is appended and fsynced. Old lines are never rewritten, except by retention.

Retention (`audit.retention_days`): on an append, at most once a day, records older than that are dropped from the
start. The file then opens with a checkpoint `{"event": "retention", "seq": <seq of the last record dropped>,
"prev": <its hash>, "dropped": n, "dropped_total": ..., "before": <cut-off>, "time", "hash"}`. `verify` takes a
checkpoint on the first line as the chain's start: its own hash must hold, and the next record must follow it as it
followed the last record dropped (seq + 1, prev). A checkpoint anywhere else is an error. Retention is skipped (and a
warning logged) when the chain does not verify, so that evidence of a change is not dropped with it.

Limits, stated plainly: the hashes are not keyed. Anyone who can write the file can rewrite the whole chain from
some record on, or cut records off its end, and it will verify. Against that, note the head hash `verify` prints
(or copy the log elsewhere) now and then; a later run must still hold that record with that hash.

Failure policy: fail closed. Before an answer, ingest or delete starts, the log must be writable (else AuditError,
and nothing is answered or changed); an answer whose record cannot be written is not returned (AuditError, which is
a StoreError, so every face shows it as a plain message). An ingest whose record fails after the index changed
raises AuditError saying so. Only a stream broken off by its reader is recorded on a best-effort basis (its text was
already shown).
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import logging
import math
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Literal, Self, TextIO

from bronvast.errors import StoreError
from bronvast.schema import Answer, Caller, FirstAnswer
from ingest.redact import redact as redact_text
from ingest.report import FileOutcome, IngestReport

log = logging.getLogger(__name__)

GENESIS = "0" * 64
RETENTION = "retention"
CHANGED = ("nieuw", "vervangen", "verwijderd")  # outcomes that changed the collection: listed file by file
CSV_COLUMNS = ("seq", "time", "user", "event", "collection", "question", "answer", "refused", "citations", "files",
               "model")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as a formula (CSV injection)

Format = Literal["jsonl", "csv"]


class AuditError(StoreError):
    """The audit log cannot be written (or read for writing); the message says where and why."""


def audit_path(data_dir: Path) -> Path:
    return Path(data_dir) / "audit" / "audit.jsonl"


def canonical(record: dict) -> str:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest(record: dict) -> str:
    """The record's hash: sha256 over its canonical JSON without `hash`."""
    body = {key: value for key, value in record.items() if key != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def redactor(kinds: Sequence[str]) -> Callable[[str], str]:
    """Text with the personal data of `kinds` replaced by markers (ingest/redact.py); unchanged for none."""
    return (lambda text: redact_text(text, kinds).text) if kinds else (lambda text: text)


def logged_redaction(settings) -> tuple[str, ...]:
    """The personal-data kinds every logged question and answer is redacted of: audit.redact and ingest.redact
    (with a collection's own kinds added per record, collection_redaction). Feedback (assistant/feedback.py) too."""
    return tuple(dict.fromkeys((*settings.audit.redact, *settings.ingest.redact)))


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def chain_link(record: dict) -> tuple[int, str]:
    """(seq, hash) the next record follows: a checkpoint stands in for the last record it dropped."""
    return int(record["seq"]), str(record["prev"] if record.get("event") == RETENTION else record["hash"])


def finite(values: dict) -> dict:
    """Numbers JSON can hold (NaN and infinity become null)."""
    return {key: (None if isinstance(v, float) and not math.isfinite(v) else v) for key, v in values.items()}


_thread_locks: dict[Path, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    with _thread_locks_guard:
        return _thread_locks.setdefault(path, threading.Lock())


def _fresh_thread_locks() -> None:
    """In a forked child: a lock another thread of the parent held would stay held forever."""
    global _thread_locks, _thread_locks_guard
    _thread_locks, _thread_locks_guard = {}, threading.Lock()


os.register_at_fork(after_in_child=_fresh_thread_locks)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    records: int  # records checked (a retention checkpoint not counted)
    first_bad: int | None = None  # the line number (1-based) of the first record that fails a check
    reason: str = ""
    head: str = GENESIS  # the hash the next record will carry as `prev`: note it to anchor the log elsewhere
    dropped: int = 0  # records retention dropped before the first line

    def describe(self) -> str:
        if self.ok:
            kept = f"; {self.dropped} oudere records volgens de bewaartermijn verwijderd" if self.dropped else ""
            return f"{self.records} records, keten intact{kept} (laatste hash {self.head})"
        return f"record op regel {self.first_bad}: {self.reason}"


class AuditLog:
    """One audit log file: append records, verify the chain, apply retention."""

    def __init__(
        self, path: Path, retention_days: int | None = None, redact: Sequence[str] = (),
        clock: Callable[[], datetime] | None = None,
    ):
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.retention_days = retention_days
        self.redact = tuple(redact)
        self.clock = clock or (lambda: datetime.now(UTC))
        self._retention_skipped: date | None = None

    # Writing.

    def ready(self) -> None:
        """Raises AuditError unless a record could be appended now (the log's folder, lock and last line)."""
        try:
            with self._locked():
                self._tail()
                os.close(self._open(self.path, os.O_APPEND))
        except OSError as exc:
            raise self._error(exc) from exc

    def record_answer(
        self, caller: Caller, collection: str, answer: Answer, model: str, prompt_hash: str, settings_hash: str,
        redact: Iterable[str] = (), interrupted: bool = False,
    ) -> dict:
        kinds = [kind for kind in dict.fromkeys((*self.redact, *redact))]
        clean = redactor(kinds)
        searched = answer.search_question if answer.search_question not in ("", answer.question) else None
        fields: dict[str, Any] = {
            "collection": collection,
            "question": clean(answer.question),
            "search_question": clean(searched) if searched else None,
            "answer": clean(answer.answer),
            "refused": answer.refused,
            "mode": answer.mode,
            "citations": [{"n": c.n, "file": c.source, "page": c.page, "sha256": getattr(c, "sha256", "") or None}
                          for c in answer.citations],
            "model": model,
            "prompt_hash": prompt_hash,
            "settings_hash": settings_hash,
            "timings": finite(answer.timings),
            "usage": finite(answer.usage),
            "redaction": sorted(kinds),
        }
        if interrupted:
            fields["interrupted"] = True
        return self._append("answer", caller, fields)

    def record_change(
        self, caller: Caller, action: Literal["ingest", "delete"], collection: str, files: list[dict],
        **extra: Any,
    ) -> dict:
        """`files`: {"path", "sha256" (None when unknown), ...} per file stored or removed."""
        return self._append(action, caller, {"collection": collection, "files": files, **extra})

    def _append(self, event: str, caller: Caller, fields: dict) -> dict:
        try:
            with self._locked():
                now = self.clock()
                self._retain(now)
                seq, prev = self._tail()
                record = {"seq": seq + 1, "time": timestamp(now), "event": event, "user": caller.name,
                          "groups": list(caller.groups), **fields, "prev": prev}
                record["hash"] = digest(record)
                line = canonical(record) + "\n"
                with open(self._open(self.path, os.O_APPEND), "a", encoding="utf-8") as file:
                    file.write(line)
                    file.flush()
                    os.fsync(file.fileno())
                return record
        except OSError as exc:
            raise self._error(exc) from exc

    @staticmethod
    def _open(path: Path, flag: int) -> int:
        """A file descriptor for writing; a new file is readable by its owner only (the log holds questions)."""
        return os.open(path, os.O_WRONLY | os.O_CREAT | flag, 0o600)

    def _error(self, exc: OSError) -> AuditError:
        return AuditError(f"het auditlog {self.path} kan niet worden geschreven ({exc.strerror or exc}); "
                          "zonder verslag wordt niets beantwoord of gewijzigd")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _thread_lock(self.path.resolve()), open(self.lock_path, "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _tail(self) -> tuple[int, str]:
        """(seq, hash) of the log's last record, (0, GENESIS) for an empty log. Raises AuditError when the last line
        is cut off or no record: appending to it would hide the damage."""
        line = last_line(self.path)
        if line is None:
            return 0, GENESIS
        try:
            if not line.endswith(b"\n"):
                raise ValueError("geen regeleinde")
            return chain_link(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise AuditError(
                f"de laatste regel van het auditlog {self.path} is beschadigd ({exc}); er wordt niets aan "
                "toegevoegd. Controleer het log met `bronvast audit verify`"
            ) from None

    # Retention.

    def _retain(self, now: datetime) -> None:
        """Drops the records older than retention_days from the start, at most once a day."""
        if not self.retention_days or self._retention_skipped == now.date() or not self.path.exists():
            return
        cutoff = now - timedelta(days=self.retention_days)
        try:
            with open(self.path, "rb") as file:
                head = json.loads(file.readline() or b"null")
                if head and head.get("event") == RETENTION:
                    if parse_time(head["time"]).date() == now.astimezone(UTC).date():
                        return
                    line = file.readline()
                    head = json.loads(line) if line else None
            if not head or parse_time(head["time"]) >= cutoff:
                return
        except (ValueError, KeyError, TypeError):
            pass  # a damaged first record: verify below says what is wrong
        result = _verify(self.path)  # the exclusive lock is held: no shared one on top
        if not result.ok:
            self._retention_skipped = now.date()
            log.warning("bewaartermijn niet toegepast: het auditlog %s verifieert niet (%s)", self.path,
                        result.describe())
            return
        try:
            self._drop_before(cutoff, now)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # The log stays as it was; the append that follows decides whether it can be written at all.
            self._retention_skipped = now.date()
            self.path.with_name(self.path.name + ".tmp").unlink(missing_ok=True)
            log.warning("bewaartermijn niet toegepast op het auditlog %s: %s", self.path, exc)

    def _drop_before(self, cutoff: datetime, now: datetime) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        with open(self.path, "rb") as source:
            dropped, total, last, boundary = 0, 0, None, None
            for line in source:
                record = json.loads(line)
                if record.get("event") == RETENTION:
                    total = int(record.get("dropped_total", record.get("dropped", 0)))
                    continue
                if parse_time(record["time"]) >= cutoff:
                    boundary = line
                    break
                dropped, last = dropped + 1, record
            if last is None:
                return
            checkpoint = {"seq": last["seq"], "time": timestamp(now), "event": RETENTION, "dropped": dropped,
                          "dropped_total": total + dropped, "before": timestamp(cutoff), "prev": last["hash"]}
            checkpoint["hash"] = digest(checkpoint)
            with open(self._open(temporary, os.O_TRUNC), "wb") as target:
                target.write((canonical(checkpoint) + "\n").encode("utf-8"))
                if boundary is not None:
                    target.write(boundary)
                    for line in source:
                        target.write(line)
                target.flush()
                os.fsync(target.fileno())
        os.replace(temporary, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """A shared lock on the log while it is read, so that no half-written record or retention's rewrite is seen
    (when the lock file is there: a reader needs no write access)."""
    lock_path = Path(path).with_name(Path(path).name + ".lock")
    with ExitStack() as stack:
        with suppress(OSError):
            lock = stack.enter_context(open(lock_path, "rb"))
            fcntl.flock(lock.fileno(), fcntl.LOCK_SH)
            stack.callback(fcntl.flock, lock.fileno(), fcntl.LOCK_UN)
        yield


def last_line(path: Path) -> bytes | None:
    """The file's last line as stored (with its line end when it has one); None for a missing or empty file."""
    if not path.exists():
        return None
    with open(path, "rb") as file:
        end = file.seek(0, os.SEEK_END)
        if end == 0:
            return None
        position, tail = end, b""
        while position > 0:
            step = min(8192, position)
            position -= step
            file.seek(position)
            tail = file.read(step) + tail
            start = tail.rfind(b"\n", 0, len(tail) - 1)
            if start != -1:
                return tail[start + 1:]
        return tail


# Verifying.


def verify(path: Path) -> VerifyResult:
    """Checks every record in order: its hash (a changed record), its place (seq one more than the record before:
    a gap is a removed record, a seq that comes later a reordering) and its `prev` (the hash of the record before).
    A retention checkpoint on the first line starts the chain (see the module's docstring). A missing or empty log
    verifies with 0 records."""
    with reading(path):
        return _verify(Path(path))


def _verify(path: Path) -> VerifyResult:
    if not path.exists():
        return VerifyResult(True, 0)
    seqs: set[int] = set()
    with open(path, "rb") as file:
        for line in file:
            with suppress(ValueError, TypeError, AttributeError):
                seq = json.loads(line).get("seq")
                if isinstance(seq, int):
                    seqs.add(seq)
    expected_seq, expected_prev, records, dropped = 1, GENESIS, 0, 0

    with open(path, "rb") as file:
        for number, raw in enumerate(file, start=1):
            bad = partial(VerifyResult, False, records, number, head=expected_prev, dropped=dropped)
            if not raw.endswith(b"\n"):
                return bad("laatste regel onvolledig (geen regeleinde): afgebroken of bijgewerkt")
            try:
                text = raw[:-1].decode("utf-8")
                record = json.loads(text)
            except (UnicodeDecodeError, ValueError):
                return bad("geen leesbaar JSON-record")
            if not isinstance(record, dict) or not isinstance(record.get("hash"), str):
                return bad("geen auditrecord (zonder hash)")
            if digest(record) != record["hash"]:
                return bad(f"inhoud gewijzigd: de hash klopt niet (seq {record.get('seq')})")
            if canonical(record) != text:
                return bad(f"opmaak gewijzigd: de regel is niet zoals geschreven (seq {record.get('seq')})")
            seq, prev = record.get("seq"), record.get("prev")
            if not isinstance(seq, int) or not isinstance(prev, str):
                return bad("geen auditrecord (zonder seq of prev)")
            if record.get("event") == RETENTION:
                if number != 1:
                    return bad("controlepunt van de bewaartermijn midden in het log")
                expected_seq, expected_prev = seq + 1, prev
                dropped = int(record.get("dropped_total", record.get("dropped", 0)))
                continue
            if seq != expected_seq:
                if seq > expected_seq and expected_seq not in seqs:
                    missing = str(expected_seq) if seq == expected_seq + 1 else f"{expected_seq} t/m {seq - 1}"
                    return bad(f"record(s) verwijderd: seq {missing} ontbreekt, seq {seq} volgt op {expected_seq - 1}")
                return bad(f"volgorde gewijzigd: seq {seq} staat waar seq {expected_seq} hoort")
            if prev != expected_prev:
                return bad(f"keten gebroken (seq {seq}): prev is niet de hash van het record ervoor; dat is gewijzigd "
                           "en opnieuw gehasht, of dit record is ingevoegd")
            expected_seq, expected_prev, records = seq + 1, record["hash"], records + 1
    return VerifyResult(True, records, head=expected_prev, dropped=dropped)


# Exporting.


def read_records(path: Path) -> Iterator[dict]:
    """The log's records in order; lines that are no record are skipped (`verify` names them)."""
    if not Path(path).exists():
        return
    with open(path, "rb") as file:
        for line in file:
            with suppress(ValueError, UnicodeDecodeError):
                record = json.loads(line)
                if isinstance(record, dict):
                    yield record


def local_date(record: dict) -> date | None:
    """The day a record was written on, in this machine's time zone (as the user reads --since / --until)."""
    try:
        return parse_time(record["time"]).astimezone().date()
    except (KeyError, TypeError, ValueError):
        return None


def export(
    path: Path, out: TextIO, since: date | None = None, until: date | None = None, fmt: Format = "jsonl"
) -> int:
    """Writes the records written from `since` through `until` (inclusive, local dates) to `out`: as stored (jsonl)
    or as a spreadsheet (csv, CSV_COLUMNS, cells that could be read as a formula neutralised). Returns how many."""
    writer = csv.writer(out) if fmt == "csv" else None
    if writer:
        writer.writerow(CSV_COLUMNS)
    count = 0
    with reading(path):
        for record in read_records(path):
            day = local_date(record)
            if day is None or (since and day < since) or (until and day > until):
                continue
            if writer:
                writer.writerow([neutralised(cell) for cell in csv_row(record)])
            else:
                out.write(canonical(record) + "\n")
            count += 1
    return count


def csv_row(record: dict) -> list:
    citations = "; ".join(
        " ".join(part for part in (str(c.get("file") or ""), f"p.{c['page']}" if c.get("page") else "",
                                   str(c.get("sha256") or "")[:12]) if part)
        for c in record.get("citations") or ()
    )
    files = "; ".join(
        " ".join(part for part in (str(f.get("path") or ""), f"({f['status']})" if f.get("status") else "",
                                   str(f.get("sha256") or "")[:12]) if part)
        for f in record.get("files") or ()
    )
    refused = record.get("refused")
    return [record.get("seq"), record.get("time"), record.get("user"), record.get("event"), record.get("collection"),
            record.get("question"), record.get("answer"), "" if refused is None else str(refused).lower(), citations,
            files, record.get("model")]


def neutralised(cell: Any) -> Any:
    """A text cell a spreadsheet could take for a formula (= + - @, tab, carriage return first) behind an
    apostrophe, so it is shown as text."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return "" if cell is None else cell


# What the application records (assistant/app.py).


class Auditor:
    """The application's audit log: its settings (model, prompt and settings hashes, redaction), and the records of
    answers, ingests and deletes. Disabled (`audit.enabled: false`), every call does nothing."""

    def __init__(self, settings):
        self.settings = settings
        self.enabled = settings.audit.enabled
        self.log = AuditLog(audit_path(settings.data_dir), settings.audit.retention_days, logged_redaction(settings))

    @cached_property
    def model(self) -> str:
        return self.settings.llm.model or self.settings.llm.model_path

    @cached_property
    def prompt_hash(self) -> str:
        try:
            return hashlib.sha256(self.settings.resolve(self.settings.answer.prompts_file).read_bytes()).hexdigest()
        except OSError:
            return ""

    @cached_property
    def settings_hash(self) -> str:
        # SecretStr fields (API keys) are dumped as "**********": no secret goes into the hash.
        return hashlib.sha256(self.settings.model_dump_json().encode("utf-8")).hexdigest()

    def ready(self) -> None:
        if self.enabled:
            self.log.ready()

    def answer(self, caller: Caller, collection: str, answer: Answer, store=None, interrupted: bool = False) -> None:
        if self.enabled:
            self.log.record_answer(caller, collection, answer, self.model, self.prompt_hash, self.settings_hash,
                                   collection_redaction(store, collection), interrupted)

    def streamed(
        self, caller: Caller, collection: str, pieces: Iterable[str | FirstAnswer | Answer], store=None
    ) -> Iterator[str | FirstAnswer | Answer]:
        """The pieces as they come, the finished Answer recorded before it is passed on. A stream broken off after
        its first answer was shown records that answer, marked interrupted (best effort: it was already shown)."""
        first, recorded = None, False
        try:
            for piece in pieces:
                if isinstance(piece, FirstAnswer):
                    first = piece.answer
                elif isinstance(piece, Answer):
                    recorded = True
                    self.answer(caller, collection, piece, store)
                yield piece
        finally:
            if not recorded and first is not None:
                with suppress(AuditError):
                    self.answer(caller, collection, first, store, interrupted=True)

    def change(self, caller: Caller, action: Literal["ingest", "delete"], indexer, sync: bool = False) -> Change:
        """The record of an ingest or delete on `indexer`'s collection; raises AuditError first when it could not
        be written, so that nothing changes unrecorded."""
        self.ready()
        return Change(self, caller, action, indexer, snapshot=self.enabled and (action == "delete" or sync))


def collection_redaction(store, collection: str) -> tuple[str, ...]:
    """The personal-data kinds the collection was made with (its questions are logged without them too)."""
    if store is None:
        return ()
    try:
        return tuple(store.collection_spec(collection).redact)
    except Exception:  # a missing collection or an unreachable server: the answer itself said so
        return ()


@dataclass
class Change:
    """One ingest or delete being recorded: `with change:` around the work, `change.done(result)` on success; an
    error on the way records what was done until then (marked interrupted) and lets the error through."""

    auditor: Auditor
    caller: Caller
    action: Literal["ingest", "delete"]
    indexer: Any
    snapshot: bool = False
    outcomes: list[FileOutcome] = field(default_factory=list)
    known: dict[str, str] = field(default_factory=dict)  # name -> sha256, before the change (delete, sync)

    def __enter__(self) -> Self:
        if self.snapshot:
            self.known = {name: v.sha256 for v in self.indexer.catalog.versions for name in v.names}
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if error is not None and self.outcomes and self.auditor.enabled:
            with suppress(AuditError):
                self._record(self.outcomes, interrupted=True)

    def seen(self, on_file: Callable[[FileOutcome], None] | None) -> Callable[[FileOutcome], None]:
        """`on_file`, also collecting each outcome (for the record of an ingest an error breaks off)."""
        def collect(outcome: FileOutcome) -> None:
            self.outcomes.append(outcome)
            if on_file:
                on_file(outcome)
        return collect

    def done(self, result):
        """Records the finished change (an IngestReport, or the names a delete removed) and returns it."""
        if self.auditor.enabled:
            if isinstance(result, IngestReport):
                self._record(result.outcomes, redacted=result.redacted)
            else:
                self._record([FileOutcome(Path(name), "verwijderd") for name in result])
        return result

    def _record(self, outcomes: list[FileOutcome], redacted: dict | None = None, interrupted: bool = False) -> None:
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        files = [{"path": str(o.path), "status": o.status, "chunks": o.chunks, "sha256": self._sha(o)}
                 for o in outcomes if o.status in CHANGED]
        extra: dict[str, Any] = {"settings_hash": self.auditor.settings_hash}
        if self.action == "ingest":
            extra.update(outcomes=counts, redacted=redacted or {})
        if interrupted:
            extra["interrupted"] = True
        try:
            self.auditor.log.record_change(self.caller, self.action, self.indexer.collection, files, **extra)
        except AuditError as exc:
            raise AuditError(f"{exc}. Let op: de wijziging in collectie '{self.indexer.collection}' is wel "
                             "uitgevoerd, maar niet in het auditlog vastgelegd") from exc

    def _sha(self, outcome: FileOutcome) -> str | None:
        from ingest.readers import document_key  # here: the readers pull in every format's library

        name = str(outcome.path)
        if outcome.status == "verwijderd":
            return self.known.get(name)
        held = self.indexer.catalog.named(document_key(outcome.path))
        return held[0].sha256 if held else None
