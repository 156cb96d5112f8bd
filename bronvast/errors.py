"""The errors every floor raises and every face turns into a plain message; this module imports nothing of ours,
so the lowest module can raise them and the highest can catch them."""


class SettingsError(Exception):
    """A profile or override that cannot be used; the message says which and why."""


class ModelNotFound(Exception):
    """A configured model cannot be found on this machine; the message says how to get it."""


class StoreError(Exception):
    """The index cannot be used; the message says why and what to do."""


class StoreLocked(StoreError):
    """Another process holds the embedded store (qdrant-client local mode and Qdrant Edge allow one process)."""


class AccessDenied(Exception):
    """The caller may not do this (ingest, delete, an unknown user or key); the message says what is missing."""
