"""Uploads, from the REST API (POST /api/v1/documents) and the UI's *Documenten* tab alike: the limits, a quarantine,
and into <data_dir>/uploads/<collection>/ only what the index takes.

One upload request, under one lock (two uploads of a name would otherwise replace each other's files):

1. refused whole, before anything is kept, when it holds more than serve.upload_max_files files, a name that is no
   file name or one name twice (UploadRefused: 400), or a file larger than serve.upload_max_file_bytes or files
   larger together than serve.upload_max_request_bytes (UploadTooLarge: 413), the file named;
2. received into a batch folder in the quarantine, <data_dir>/quarantine/<collection>/<batch>/incoming/, under a
   plain name (safe_name), and checked there: a type no reader takes, or content of another type than its name
   says (ingest/filetype.py), is rejected with its reason and removed;
3. the batch's journal (names.json) lists the names that go on; each is renamed into the uploads folder, and the
   file of that name it replaces is kept as a hard link in the batch's previous/ (so the uploads folder never
   lacks a file the index holds);
4. they are ingested there, as the caller: the index knows a document by its path (ingest/readers.document_key),
   so a file is read where it stays. A file the ingest rejects is removed or, where it replaced an earlier upload,
   the earlier one is put back (the index still holds that one); a file it takes stays, and the earlier one goes;
5. the batch folder goes.

A crash at any step leaves its batch folder; `bronvast serve` runs recover_uploads before it takes requests. A
batch without a journal was still being received: it goes. Of one with a journal, the names not moved yet go (the
uploads folder is as it was), and the names moved are ingested again, which the index answers from what it holds
(a file it has costs a hash), and settled as in step 4. So the uploads folder holds only files the index knows, and
every uploaded document has its file (tests/test_uploads.py crashes an upload at each step).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from assistant.application import Application
from bronvast.atomic import write_atomically
from bronvast.errors import AccessDenied, StoreError
from bronvast.schema import Caller
from bronvast.settings import ServeSettings
from bronvast.store import check_collection_name
from ingest.filenames import plain_name
from ingest.parsed import UnreadableFile
from ingest.readers import check_type
from ingest.report import FileOutcome, IngestReport

log = logging.getLogger(__name__)

UPLOADS = "uploads"  # <data_dir>/uploads/<collection>/: the uploaded files the index holds
QUARANTINE = "quarantine"  # <data_dir>/quarantine/<collection>/<batch>/: an upload on its way
JOURNAL = "names.json"  # in a batch folder: the names that leave the quarantine
TAKEN = {"nieuw", "vervangen", "ongewijzigd"}  # outcomes of a file the index holds
COPY_CHUNK = 1 << 20


class UploadRefused(StoreError):
    """An upload request refused whole, before anything is kept (400)."""


class UploadTooLarge(UploadRefused):
    """An upload request over a size limit (413)."""


@dataclass(frozen=True)
class Incoming:
    """One uploaded file: its name as the client gave it, and its content (a binary file at its start)."""

    name: str | None
    content: BinaryIO


def upload(
    app: Application, files: Sequence[Incoming], collection: str | None = None, caller: Caller | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> IngestReport:
    """Checks, stores and ingests uploaded files as `caller` (None: the application's own); see the module
    docstring. The report has an outcome per file, in the files' order; `on_file` hears each as it comes."""
    if caller is not None and not caller.may("ingest"):  # before anything is written
        raise AccessDenied(f"{caller.name} mag geen documenten toevoegen: daarvoor is de rol 'ingest' nodig")
    limits = app.settings.serve
    if len(files) > limits.upload_max_files:
        raise UploadRefused(f"te veel bestanden in één keer: {len(files)}, hoogstens {limits.upload_max_files} "
                            "(serve.upload_max_files)")
    names = [safe_name(file.name) for file in files]
    doubles = sorted({name for name in names if names.count(name) > 1})
    if doubles:
        raise UploadRefused(f"meer dan één bestand heet {', '.join(doubles)}")
    collection = check_collection_name(collection or app.settings.collection)  # it becomes a folder: no "../.."
    with app.uploading:
        batch = Batch.start(app.settings.data_dir, collection)
        batch.receive(files, names, limits)
        rejected = batch.check(names, on_file)
        try:
            batch.move_in([name for name in names if name not in rejected])
        except Exception:  # a full disk midway: what was moved is ingested and settled all the same
            batch.finish(app, caller, on_file)
            raise
        report = batch.finish(app, caller, on_file)
    order = {batch.uploads / name: n for n, name in enumerate(names)}
    report.outcomes = sorted([*report.outcomes, *rejected.values()], key=lambda o: order.get(o.path, len(order)))
    return report


def recover_uploads(app: Application) -> int:
    """Finishes the uploads a crash cut off (see the module docstring), as the application's own caller; returns
    how many there were. `bronvast serve` runs it before it takes requests."""
    root = app.settings.data_dir / QUARANTINE
    folders = sorted(p for p in root.glob("*/*") if p.is_dir()) if root.is_dir() else []
    with app.uploading:
        for folder in folders:
            try:
                Batch(folder, app.settings.data_dir / UPLOADS / folder.parent.name).finish(app, None, None)
            except (StoreError, AccessDenied) as exc:  # settled all the same: what the index did not take went
                log.warning("onderbroken upload %s afgerond; de index weigerde: %s", folder, exc)
    return len(folders)


@dataclass(frozen=True)
class Batch:
    """One upload request's files on their way: <data_dir>/quarantine/<collection>/<id>/, into `uploads`."""

    folder: Path
    uploads: Path

    @classmethod
    def start(cls, data_dir: Path, collection: str) -> Batch:
        batch = cls(data_dir / QUARANTINE / collection / uuid.uuid4().hex, data_dir / UPLOADS / collection)
        batch.incoming.mkdir(parents=True)
        batch.previous.mkdir()
        return batch

    @property
    def collection(self) -> str:
        return self.folder.parent.name

    @property
    def incoming(self) -> Path:
        return self.folder / "incoming"

    @property
    def previous(self) -> Path:
        return self.folder / "previous"

    @property
    def journal(self) -> Path:
        return self.folder / JOURNAL

    def receive(self, files: Sequence[Incoming], names: list[str], limits: ServeSettings) -> None:
        """Copies the files into incoming/, measured as they come: at the first file over a limit UploadTooLarge,
        naming it, and the batch is gone."""
        total = 0
        try:
            for file, name in zip(files, names, strict=True):
                size = copy_at_most(file.content, self.incoming / name, limits.upload_max_file_bytes)
                if size > limits.upload_max_file_bytes:
                    raise UploadTooLarge(f"{name} is groter dan {size_text(limits.upload_max_file_bytes)}, de grens "
                                         "per bestand (serve.upload_max_file_bytes)")
                total += size
                if total > limits.upload_max_request_bytes:
                    raise UploadTooLarge(f"met {name} zijn de bestanden samen groter dan "
                                         f"{size_text(limits.upload_max_request_bytes)}, de grens per keer "
                                         "(serve.upload_max_request_bytes)")
        except Exception:
            shutil.rmtree(self.folder)
            raise

    def check(self, names: list[str], on_file: Callable[[FileOutcome], None] | None) -> dict[str, FileOutcome]:
        """Each received file's type (ingest/readers.check_type); a file refused is removed, its outcome kept."""
        rejected = {}
        for name in names:
            try:
                check_type(self.incoming / name)
            except UnreadableFile as exc:
                (self.incoming / name).unlink()
                rejected[name] = FileOutcome(self.uploads / name, "geweigerd", reason=str(exc))
                if on_file:
                    on_file(rejected[name])
        return rejected

    def move_in(self, names: list[str]) -> None:
        """The journal first, then each file renamed into the uploads folder; a file it replaces stays reachable as
        a hard link in previous/ until the ingest has decided (the uploads folder never lacks it meanwhile)."""
        write_atomically(self.journal, json.dumps(names))
        self.uploads.mkdir(parents=True, exist_ok=True)
        for name in names:
            target = self.uploads / name
            if target.exists():
                os.link(target, self.previous / name)
            os.replace(self.incoming / name, target)

    def finish(
        self, app: Application, caller: Caller | None, on_file: Callable[[FileOutcome], None] | None
    ) -> IngestReport:
        """Ingests the names the journal lists that were moved into the uploads folder and settles each by its
        outcome; the batch folder goes, with whatever was not moved yet (all of it, without a journal: cut off while
        it was received). When the ingest fails, what it had not reported as taken is settled as rejected and the
        failure goes on: the failures it has (a collection made with other settings, no right to ingest, the audit
        log not writable) come before anything is written."""
        names = json.loads(self.journal.read_text(encoding="utf-8")) if self.journal.exists() else []
        moved = [name for name in names if not (self.incoming / name).exists()]
        paths = [self.uploads / name for name in moved if (self.uploads / name).exists()]
        taken: set[Path] = set()

        def seen(outcome: FileOutcome) -> None:
            if outcome.status in TAKEN:
                taken.add(outcome.path)
            if on_file:
                on_file(outcome)

        report, failure = IngestReport(self.collection), None
        try:
            if paths:
                report = app.ingest(paths, self.collection, on_file=seen, caller=caller)
        except Exception as exc:  # settled below, then raised again
            failure = exc
        for name in moved:
            self.settle(name, self.uploads / name in taken)
        shutil.rmtree(self.folder)
        if failure is not None:
            raise failure
        return report

    def settle(self, name: str, taken: bool) -> None:
        """A file the index took stays and its earlier version goes; one it did not take goes, and an earlier
        version, which the index still holds, comes back in its place."""
        target, earlier = self.uploads / name, self.previous / name
        if taken:
            earlier.unlink(missing_ok=True)
        elif earlier.exists():
            os.replace(earlier, target)
        else:
            target.unlink(missing_ok=True)


def copy_at_most(source: BinaryIO, target: Path, limit: int) -> int:
    """Copies `source` into a new file `target`, up to one byte more than `limit`; returns the bytes copied (more
    than `limit`: the source is larger, and its copy cut off)."""
    copied = 0
    with target.open("xb") as out:
        while copied <= limit and (chunk := source.read(min(COPY_CHUNK, limit + 1 - copied))):
            out.write(chunk)
            copied += len(chunk)
    return copied


def safe_name(filename: str | None) -> str:
    """An uploaded file's name as stored: plain (ingest/filenames.py: no folder part, no "..", no control or
    right-to-left characters, at most 200 bytes with its suffix kept) and without characters a file system or a
    shell trips on; UploadRefused when no letter or digit is left."""
    name = re.sub(r"[^\w.\- ()+,&@=]+", "_", plain_name(filename)).strip(" .")
    if not re.search(r"[^\W_]", name):
        raise UploadRefused(f"ongeldige bestandsnaam: {filename!r}")
    return name


def size_text(size: int) -> str:
    """104857600 -> "100 MB", 1536 -> "1,5 KB": as a file manager shows sizes (units of 1024), a decimal comma."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0").replace(".", ",") + f" {unit}"
    return f"{size} bytes"


def forget_uploads(app: Application, removed: Sequence[str]) -> None:
    """Deleting a document that came in as an upload deletes the uploaded file too: nothing stays behind."""
    root = (app.settings.data_dir / UPLOADS).resolve()
    for name in removed:
        path = Path(name)
        if path.is_absolute() and path.resolve().is_relative_to(root):
            path.unlink(missing_ok=True)
