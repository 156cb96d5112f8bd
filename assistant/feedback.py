"""Feedback on answers (a thumb up or down, and a comment) kept as records, and exported as evaluation cases.

The records are `<data_dir>/feedback/feedback.jsonl`, one JSON object a line, append-only: `time` (UTC ISO),
`user` (the caller's name), `collection`, `question`, `answer`, `refused`, `citations` ({source, page} of what the
answer's sentences cite; every listed source when it has none), `liked` and `comment`. Question, answer and comment
are redacted of personal data exactly as the audit log redacts its questions and answers (assistant/audit.py).

Export (`bronvast eval feedback --out FILE`): one case of the dataset schema (eval/dataset.py) per record, its id
`feedback-` and a hash of the record (stable across exports), tags `feedback` and `duim-omhoog` or `duim-omlaag`:
- liked, answered: answerable, gold = the cited (source, page), reference_answer = the answer without [n] markers;
- liked, refused: unanswerable (the refusal was right), tag `weigering`;
- disliked, refused: answerable (the user wanted an answer) without gold, tag `weigering`: it counts as a false
  refusal until a reviewer adds where the answer stands;
- disliked, answered: answerable without gold or reference, tag `te-beoordelen`: what was wrong is not known.
The comment is never exported (the schema has no field for remarks, and a remark is no checked answer): it stays in
feedback.jsonl for the reviewer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from assistant.audit import canonical, collection_redaction, logged_redaction, redactor, timestamp
from bronvast.atomic import write_atomically
from bronvast.errors import StoreError
from bronvast.identity import LOCAL_OPERATOR
from bronvast.schema import Answer, Caller
from eval.dataset import Case, Gold

log = logging.getLogger(__name__)

MARKER = re.compile(r"\s*\[\d+\]")  # the [n] citation markers of an answer's text


class FeedbackError(StoreError):
    """Feedback that cannot be recorded or exported; the message says why."""


def feedback_path(data_dir: Path) -> Path:
    return Path(data_dir) / "feedback" / "feedback.jsonl"


def feedback_record(
    settings, caller: Caller, collection: str, answer: Answer, liked: bool, comment: str = "", store=None,
) -> dict:
    """The record of one piece of feedback, redacted as the audit log redacts (with the collection's own kinds)."""
    if not answer.question.strip():
        raise FeedbackError("feedback zonder vraag kan niet worden bewaard")
    clean = redactor(list(dict.fromkeys((*logged_redaction(settings), *collection_redaction(store, collection)))))
    cited = {n for sentence in answer.sentences for n in sentence.citations}
    sources = [c for c in answer.citations if c.n in cited] or answer.citations
    return {
        "time": timestamp(datetime.now(UTC)), "user": caller.name, "collection": collection,
        "question": clean(answer.question), "answer": clean(answer.answer), "refused": answer.refused,
        "citations": [dict(pair) for pair in dict.fromkeys(
            (("source", c.source), ("page", c.page)) for c in sources)],
        "liked": bool(liked), "comment": clean(comment or ""),
    }


def append_feedback(path: Path, record: dict) -> None:
    """One line, in a single write to a file opened for appending, flushed to disk; readable by its owner only."""
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(descriptor, line)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise FeedbackError(f"de feedback kan niet worden bewaard in {path} ({exc.strerror or exc})") from exc


def read_feedback(path: Path) -> list[dict]:
    """The records; a line that is no record (cut off by a crash) is skipped with a warning."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise FeedbackError(f"de feedback in {path} kan niet worden gelezen ({exc.strerror or exc})") from exc
    records = []
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            record = None
        if isinstance(record, dict) and str(record.get("question", "")).strip():
            records.append(record)
        elif line.strip():
            log.warning("%s:%d: geen feedbackrecord, overgeslagen", path, number)
    return records


def visible_to(records: list[dict], caller: Caller) -> list[dict]:
    """A caller exports their own feedback; an admin, and the machine's own user (who can read the file anyway),
    everyone's: others' questions and answers may come from documents the caller may not see."""
    if caller == LOCAL_OPERATOR or caller.may("admin"):
        return records
    return [record for record in records if record.get("user") == caller.name]


def to_case(record: dict, case_id: str) -> Case:
    """The record as an evaluation case (the module docstring gives the rules)."""
    liked, refused = bool(record.get("liked")), bool(record.get("refused"))
    tags = ["feedback", "duim-omhoog" if liked else "duim-omlaag"]
    if refused:
        return Case(id=case_id, question=record["question"], answerable=not liked, tags=[*tags, "weigering"])
    if not liked:
        return Case(id=case_id, question=record["question"], tags=[*tags, "te-beoordelen"])
    gold = [Gold(source=c["source"], page=c.get("page")) for c in record.get("citations", []) if c.get("source")]
    reference = MARKER.sub("", record.get("answer", "")).strip() or None
    return Case(id=case_id, question=record["question"], reference_answer=reference, gold=gold, tags=tags)


def case_id(record: dict, taken: set[str]) -> str:
    """`feedback-` and the record's hash: the same record gets the same id in every export."""
    base = "feedback-" + hashlib.sha256(canonical(record).encode("utf-8")).hexdigest()[:12]
    name, n = base, 1
    while name in taken:  # the very same record twice (two clicks in one millisecond)
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def export_feedback(data_dir: Path, out: Path, caller: Caller) -> int:
    """The feedback the caller may export as a dataset (JSONL) at `out`, written whole or not at all; returns the
    number of cases (0: nothing is written, as an empty dataset is no dataset)."""
    taken: set[str] = set()
    cases = []
    for record in visible_to(read_feedback(feedback_path(data_dir)), caller):
        try:
            cases.append(to_case(record, case_id(record, taken)))
        except (ValidationError, KeyError, TypeError, AttributeError) as exc:  # a hand-edited or forged record
            log.warning("feedback van %s overgeslagen: geen geldige case (%s)", record.get("time"), exc)
    if not cases:
        return 0
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    write_atomically(Path(out), "".join(json.dumps(case_line(case), ensure_ascii=False) + "\n" for case in cases))
    return len(cases)


def case_line(case: Case) -> dict:
    """The case as a dataset line: its fields without the empty ones, `answerable` always."""
    return {key: value for key, value in case.model_dump().items() if value not in (None, []) or key == "answerable"}
