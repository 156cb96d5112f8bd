"""The catalog: what a collection holds, version by version, so an ingest decides per source from memory
(unchanged, same content as another file, replace) instead of asking the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bronvast.store import Version


class Catalog:
    """The collection's stored versions, looked up by name (path or also-path) and by identity hash; kept in step
    with the store by the Indexer, so unchanged files cost a hash check, not a store query."""

    def __init__(self, versions: Iterable[Version]):
        self.versions: list[Version] = list(versions)
        self._by_name: dict[str, list[Version]] | None = None
        self._by_sha: dict[str, list[Version]] | None = None

    def named(self, name: str) -> list[Version]:
        return list(self._indexes()[0].get(name, ()))

    def with_sha(self, sha256: str) -> list[Version]:
        return list(self._indexes()[1].get(sha256, ()))

    def names(self) -> list[str]:
        return list(self._indexes()[0])

    def add(self, version: Version) -> None:
        # Kept up to date rather than rebuilt: an ingest adds a version per file, and rebuilding the indexes over
        # every version each time made a folder of 10,000 files quadratic.
        self.versions.append(version)
        if self._by_name is not None and self._by_sha is not None:
            self._by_sha[version.sha256].append(version)
            for name in version.names:
                self._by_name[name].append(version)

    def discard(self, version: Version) -> None:
        self.versions = [v for v in self.versions if v is not version]
        self.changed()

    def changed(self) -> None:
        self._by_name = self._by_sha = None

    def _indexes(self) -> tuple[dict[str, list[Version]], dict[str, list[Version]]]:
        if self._by_name is None or self._by_sha is None:
            self._by_name, self._by_sha = defaultdict(list), defaultdict(list)
            for version in self.versions:
                self._by_sha[version.sha256].append(version)
                for name in version.names:
                    self._by_name[name].append(version)
        return self._by_name, self._by_sha


@dataclass(frozen=True)
class StoredSnapshot:
    """What the catalog held when reading began, frozen for the reader threads: a source whose content was stored
    then (under its key, or complete under another where it allows dedup) is only hashed, not read. Decisions use
    the live catalog."""

    named: frozenset[tuple[str, str]]
    complete: frozenset[str]

    @classmethod
    def of(cls, catalog: Catalog) -> StoredSnapshot:
        return cls(frozenset((name, v.sha256) for v in catalog.versions for name in v.names),
                   frozenset(v.sha256 for v in catalog.versions if v.complete))

    def holds(self, key: str, sha: str, dedup: bool) -> bool:
        """Whether the content is stored under `key`, or (with `dedup`) complete under any key."""
        return (key, sha) in self.named or (dedup and sha in self.complete)
