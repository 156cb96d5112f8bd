"""Sidecar manifests: `bronvast-manifest.csv` or `bronvast-manifest.yaml` beside the files sets their metadata.

A manifest names files relative to its own folder (`file`, may hold sub folders) and gives, per file: `title`,
`date` (JJJJ-MM-DD), `doc_type`, `access` (groups; `;`-separated in CSV, a list or `;`-separated in YAML),
`openbaarheid` (`openbaar` or `beperkt tot JJJJ-MM-DD`) and any other key, stored as a filterable payload key.
Empty cells set nothing. Manifests in the file's folder and in every folder above it apply; the nearest one wins
per key. The values are applied after the file is read and before it is chunked, and they are part of the
document's identity hash: a changed manifest row re-indexes that file.

A row with a bad value rejects the file it names (a wrong `access` or `openbaarheid` must never index a file more
openly than meant); a row naming a file that does not exist is reported too. Both messages name the manifest, the
line and the field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import yaml

from bronvast.schema import Chunk, SourceDocument

MANIFEST_NAMES = ("bronvast-manifest.csv", "bronvast-manifest.yaml", "bronvast-manifest.yml")
OPENBAARHEID = re.compile(r"openbaar|beperkt tot (\d{4}-\d{2}-\d{2})")
# Fields a manifest cannot set: they describe where and how a chunk is stored, not the document.
RESERVED = (set(Chunk.__dataclass_fields__) - {"title", "date", "access"}) | {"kind"}


class ManifestError(Exception):
    """A manifest or one of its rows cannot be used; the message names the manifest, line and field."""


@dataclass(frozen=True)
class Row:
    manifest: Path
    line: int
    file: str
    values: dict[str, str]
    error: str = ""  # set when a value is invalid: the file it names is rejected with this message


@dataclass
class Manifest:
    path: Path
    rows: dict[str, Row] = field(default_factory=dict)  # by file, relative to the manifest's folder (posix)
    error: str = ""  # the whole manifest is unreadable


def identity_sha(file_sha: str, values: dict[str, str]) -> str:
    """The document's identity hash: the file's own hash, or with manifest values, a hash over both."""
    if not values:
        return file_sha
    return hashlib.sha256(f"{file_sha}\n{json.dumps(values, sort_keys=True, ensure_ascii=False)}".encode()).hexdigest()


def apply(document: SourceDocument, values: dict[str, str]) -> SourceDocument:
    """The document with the manifest's values in place (its identity hash, over them too, it was read with)."""
    changes: dict = {}
    metadata = dict(document.metadata)
    for key, value in values.items():
        if key == "title":
            changes["title"] = value
        elif key == "date":
            changes["date"] = value
        elif key == "access":
            changes["access"] = split_groups(value)
        else:
            metadata[key] = value
    until = OPENBAARHEID.fullmatch(values.get("openbaarheid", ""))
    if until and until.group(1):  # "beperkt tot 2040-01-01": restricted until that day, public from it
        metadata["public_from"] = until.group(1)
        if "access" not in values:
            changes["access"] = ("restricted",)
    return replace(document, metadata=metadata, **changes)


def split_groups(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(group.strip() for group in value.split(";") if group.strip()))


class Manifests:
    """The manifests that apply to files, loaded once per folder."""

    def __init__(self) -> None:
        self.loaded: dict[Path, Manifest | None] = {}

    def values_for(self, path: Path) -> dict[str, str]:
        """The manifest values for one file (nearest manifest wins per key); raises ManifestError for a bad row."""
        path = path.resolve()
        values: dict[str, str] = {}
        for folder in reversed(path.parents):  # farthest first, so nearer manifests override
            manifest = self.manifest_in(folder)
            if manifest is None:
                continue
            if manifest.error:
                raise ManifestError(manifest.error)
            row = manifest.rows.get(path.relative_to(folder).as_posix())
            if row is None:
                continue
            if row.error:
                raise ManifestError(row.error)
            values.update(row.values)
        return values

    def manifest_in(self, folder: Path) -> Manifest | None:
        if folder not in self.loaded:
            found = [folder / name for name in MANIFEST_NAMES if (folder / name).is_file()]
            self.loaded[folder] = load(found[0]) if found else None
        return self.loaded[folder]

    def missing_files(self) -> list[tuple[Path, str]]:
        """(manifest, message) for every row of a loaded manifest that names a file that does not exist."""
        problems = []
        for folder, manifest in self.loaded.items():
            for row in manifest.rows.values() if manifest else ():
                if not (folder / row.file).is_file():
                    problems.append((manifest.path, f"{where(row.manifest, row.line, 'file')}: bestand "
                                                    f"'{row.file}' bestaat niet"))
        return problems


def where(manifest: Path, line: int, field_name: str) -> str:
    return f"manifest {manifest} regel {line}, veld {field_name}"


def load(path: Path) -> Manifest:
    manifest = Manifest(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        raw = _csv_rows(text) if path.suffix == ".csv" else _yaml_rows(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, csv.Error, ManifestError) as exc:
        manifest.error = f"manifest {path} is onleesbaar: {exc}"
        return manifest
    for line, entries in raw:
        row = _row(path, line, entries)
        if row.file in manifest.rows:
            first = manifest.rows[row.file]
            row = replace(row, error=f"{where(path, line, 'file')}: '{row.file}' staat ook op regel {first.line}")
        manifest.rows[row.file] = row
    return manifest


def _row(path: Path, line: int, entries: dict) -> Row:
    values: dict[str, str] = {}
    file = ""
    errors = []
    for key, value in entries.items():
        key = str(key or "").strip().lower()
        if isinstance(value, list):
            value = ";".join(str(v) for v in value)
        value = "" if value is None else str(value).strip()
        if not key or not value:
            continue
        if key == "file":
            file = Path(value).as_posix().removeprefix("./")
            continue
        if key in RESERVED:
            errors.append(f"{where(path, line, key)}: dit veld kan een manifest niet zetten")
        elif key == "date" and not _is_date(value):
            errors.append(f"{where(path, line, key)}: '{value}' is geen datum (JJJJ-MM-DD)")
        elif key == "openbaarheid" and not _is_openbaarheid(value):
            errors.append(f"{where(path, line, key)}: '{value}' is geen 'openbaar' of 'beperkt tot JJJJ-MM-DD'")
        elif key == "access" and not split_groups(value):
            errors.append(f"{where(path, line, key)}: geen groepen")
        values[key] = value
    if not file:
        errors.append(f"{where(path, line, 'file')}: geen bestandsnaam")
    return Row(path, line, file, values, "; ".join(errors))


def _is_date(value: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _is_openbaarheid(value: str) -> bool:
    match = OPENBAARHEID.fullmatch(value)
    return bool(match) and (match.group(1) is None or _is_date(match.group(1)))


def _csv_rows(text: str) -> list[tuple[int, dict]]:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if not reader.fieldnames or "file" not in [str(name).strip().lower() for name in reader.fieldnames]:
        raise ManifestError("de eerste regel moet de kolomnamen geven, waaronder 'file'")
    rows = []
    for entries in reader:
        if None in entries:
            raise ManifestError(f"regel {reader.line_num} heeft meer kolommen dan de kopregel")
        if any((value or "").strip() for value in entries.values()):
            rows.append((reader.line_num, entries))
    return rows


def _yaml_rows(text: str) -> list[tuple[int, dict]]:
    """A YAML manifest is a list of mappings, each with `file`. Every value is read as text (BaseLoader): a date
    stays as written, and a bad one is reported as such."""
    node = yaml.compose(text, Loader=yaml.BaseLoader)
    data = yaml.load(text, Loader=yaml.BaseLoader)
    if data is None or data == "":
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ManifestError("verwacht een lijst van items met elk 'file:'")
    return [(item_node.start_mark.line + 1, item) for item_node, item in zip(node.value, data)]
