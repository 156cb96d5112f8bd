"""Who is calling: the callers bronvast knows without an identity configuration, and the users file.

The command line runs as the machine's own user, who owns the data dir and may read it anyway: it may add and
delete documents, and sees what anonymous callers see (public documents, and restricted ones whose restriction has
ended) unless `--as USER` names a configured user.

The users file (`identity.users_file`, YAML) lists users with their groups (what they may see) and roles (what they
may change: ingest, delete, admin), and for each the hash of its API key, never the key:

    users:
      - name: jan
        groups: [archief, restricted]
        roles: [ingest]
        key_hash: scrypt$16384$8$1$<salt>$<hash>

`bronvast users add NAME` makes a key ("bv.NAME.<random>"), shows it once and stores its scrypt hash. A key names its
user, so checking one costs one scrypt, not one per user. The file is rewritten whole (a temporary file, then a
rename: a reader never sees half a file), readable by its owner only.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bronvast.errors import SettingsError
from bronvast.schema import Caller

LOCAL_OPERATOR = Caller(name="lokale gebruiker", groups=(), roles=("ingest", "delete"))

ROLES = ("ingest", "delete", "admin")
KEY_PREFIX = "bv."
NAME = re.compile(r"[\w.@-]+")  # no spaces or commas: a name travels in a key, a header and a login form
GROUP = re.compile(r"[\w.@:-]+")  # no commas or semicolons: proxy headers and manifests separate groups with them
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # 16 MB and about 50 ms per check
SCRYPT_MAXMEM = 64 * 1024 * 1024
HEADER = (
    "# bronvast users: groups decide what a user sees, roles what they may change (ingest, delete, admin).\n"
    "# Keys are stored as scrypt hashes only; `bronvast users add NAME --groups a,b` makes one and shows it once.\n"
)


@dataclass(frozen=True)
class User:
    name: str
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    key_hash: str | None = None  # scrypt$n$r$p$salt$hash (base64); None: no key yet, cannot log in

    @property
    def caller(self) -> Caller:
        return Caller(name=self.name, groups=self.groups, roles=self.roles)

    def entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": self.name, "groups": list(self.groups), "roles": list(self.roles)}
        if self.key_hash:
            entry["key_hash"] = self.key_hash
        return entry


def users_path(settings) -> Path | None:
    """The configured users file (relative to the project root, or absolute), or None: no users configured."""
    file = settings.identity.users_file
    return settings.resolve(file) if file else None


def new_key(name: str) -> str:
    return f"{KEY_PREFIX}{name}.{secrets.token_urlsafe(24)}"


def hash_key(key: str, salt: bytes | None = None, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(key.encode(), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=32)
    return "$".join(["scrypt", str(n), str(r), str(p), b64(salt), b64(digest)])


def key_matches(key: str, key_hash: str) -> bool:
    """Whether `key` is the one `key_hash` was made of (constant-time compare of the digests)."""
    _, n, r, p, salt, digest = key_hash.split("$")  # checked when the file was read
    expected = base64.b64decode(digest)
    found = hashlib.scrypt(key.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                           maxmem=SCRYPT_MAXMEM, dklen=len(expected))
    return hmac.compare_digest(found, expected)


def key_owner(key: str) -> str | None:
    """The user name inside a key ("bv.NAME.secret"), or None when it is not one of ours."""
    if not key.startswith(KEY_PREFIX):
        return None
    name, dot, secret = key[len(KEY_PREFIX):].rpartition(".")
    return name if dot and name and secret else None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@cache
def dummy_hash() -> str:
    """Checked against for an unknown name or a user without a key: the same work either way."""
    return hash_key("bv.niemand.x", salt=b"\0" * 16)


class Users:
    """The users file, as read; `add` and `remove` rewrite it (under a lock, from the file's current content)."""

    def __init__(self, path: Path, users: dict[str, User] | None = None):
        self.path = path
        self.users: dict[str, User] = users if users is not None else read_users(path)
        self._verified: dict[str, str] = {}  # sha256 of a key checked -> the hash it matched (a repeat costs no scrypt)

    def __iter__(self) -> Iterator[User]:
        return iter(self.users.values())

    def __contains__(self, name: str) -> bool:
        return name in self.users

    def get(self, name: str) -> User | None:
        return self.users.get(name)

    def caller(self, name: str) -> Caller:
        """The configured user `name` as a caller (`--as NAME`); an unknown name is an error naming the file."""
        user = self.users.get(name)
        if user is None:
            known = ", ".join(sorted(self.users)) or "geen"
            raise SettingsError(f"onbekende gebruiker '{name}' in {self.path} (bekend: {known})")
        return user.caller

    def caller_for_key(self, key: str) -> Caller | None:
        """The user whose API key this is, or None (unknown user, no key yet, or a wrong key)."""
        name = key_owner(key)
        user = self.users.get(name) if name else None
        if user is None or not user.key_hash:
            key_matches(key, dummy_hash())
            return None
        fingerprint = hashlib.sha256(key.encode()).hexdigest()
        if self._verified.get(fingerprint) == user.key_hash or key_matches(key, user.key_hash):
            self._verified[fingerprint] = user.key_hash
            return user.caller
        return None

    def add(self, name: str, groups: list[str] | tuple[str, ...] | None = None,
            roles: list[str] | tuple[str, ...] | None = None) -> str:
        """Adds a user with a new API key (or gives a listed user without a key one) and returns the key: the only
        time it is seen. `groups`/`roles` None: those of the listed user, else none."""
        where = f"gebruikersbestand {self.path}"
        check_name(name, where)
        with self._editing() as users:
            existing = users.get(name)
            if existing and existing.key_hash:
                raise SettingsError(f"gebruiker '{name}' bestaat al in {self.path} en heeft een sleutel; een nieuwe "
                                    f"sleutel: eerst `bronvast users remove {name}`, dan opnieuw toevoegen")
            groups = check_groups(list(groups if groups is not None else existing.groups if existing else ()), where)
            roles = check_roles(list(roles if roles is not None else existing.roles if existing else ()), where)
            key = new_key(name)
            users[name] = User(name, tuple(groups), tuple(roles), hash_key(key))
        return key

    def remove(self, name: str) -> None:
        with self._editing() as users:
            if name not in users:
                raise SettingsError(f"onbekende gebruiker '{name}' in {self.path}")
            del users[name]

    @contextmanager
    def _editing(self) -> Iterator[dict[str, User]]:
        """The file's current users to change in place; written back (atomically, owner-only) when no error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        folder = os.open(self.path.parent, os.O_RDONLY)  # the folder is the lock: no lock file left beside it
        try:
            fcntl.flock(folder, fcntl.LOCK_EX)
            users = read_users(self.path)
            yield users
            write_users(self.path, users)
            self.users = users
        finally:
            os.close(folder)  # and with it the lock


class UsersFile:
    """The users file for a long-running server: read again when it changes (users added or removed while serving
    count at once), kept otherwise."""

    def __init__(self, path: Path):
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._users: Users | None = None

    def current(self) -> Users:
        try:
            info = self.path.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            stamp = (0, 0)
        if self._users is None or stamp != self._stamp:
            self._users, self._stamp = Users(self.path), stamp
        return self._users


def read_users(path: Path) -> dict[str, User]:
    """The users in the file (none when it does not exist); a bad file or entry is a SettingsError naming the file,
    the line and what is wrong."""
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        content = yaml.safe_load(text)
        lines = entry_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" regel {mark.line + 1}" if mark else ""
        raise SettingsError(f"gebruikersbestand {path}{line}: geen geldige YAML ({getattr(exc, 'problem', exc)})") from exc
    except OSError as exc:
        raise SettingsError(f"gebruikersbestand {path} is onleesbaar: {exc}") from exc
    if content is None:
        return {}
    if not isinstance(content, dict) or not isinstance(content.get("users", []), list | None):
        raise SettingsError(f"gebruikersbestand {path}: verwacht 'users:' met een lijst gebruikers")
    unknown = set(content) - {"users"}
    if unknown:
        raise SettingsError(f"gebruikersbestand {path}: onbekende sleutel(s) {', '.join(sorted(map(str, unknown)))}")
    users: dict[str, User] = {}
    for index, entry in enumerate(content.get("users") or []):
        where = f"gebruikersbestand {path}" + (f" regel {lines[index]}" if index < len(lines) else "")
        user = read_entry(entry, where)
        if user.name in users:
            raise SettingsError(f"{where}: gebruiker '{user.name}' staat er twee keer in")
        users[user.name] = user
    return users


def entry_lines(text: str) -> list[int]:
    """The line (1-based) each entry of `users:` starts on, for messages."""
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "users" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def read_entry(entry: Any, where: str) -> User:
    def fail(reason: str) -> SettingsError:
        return SettingsError(f"{where}: {reason}")

    if not isinstance(entry, dict):
        raise fail("een gebruiker is een mapping met name, groups, roles en key_hash")
    unknown = set(entry) - {"name", "groups", "roles", "key_hash"}
    if unknown:
        raise fail(f"onbekende sleutel(s) {', '.join(sorted(map(str, unknown)))}")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise fail(f"ongeldige naam {name!r} (letters, cijfers, . _ - @)")
    lists = {}
    for field_name in ("groups", "roles"):
        value = entry.get(field_name) or []
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise fail(f"{field_name} van '{name}' moet een lijst namen zijn")
        lists[field_name] = value
    groups = check_groups(lists["groups"], f"{where} (gebruiker '{name}')")
    roles = check_roles(lists["roles"], f"{where} (gebruiker '{name}')")
    key_hash = entry.get("key_hash")
    if key_hash is not None and not valid_hash(key_hash):
        raise fail(f"key_hash van '{name}' is geen scrypt$n$r$p$zout$hash (zet er nooit een sleutel zelf in)")
    return User(name, tuple(groups), tuple(roles), key_hash)


def valid_hash(value: Any) -> bool:
    parts = value.split("$") if isinstance(value, str) else []
    if len(parts) != 6 or parts[0] != "scrypt" or not all(part.isdigit() for part in parts[1:4]):
        return False
    n, r, p = map(int, parts[1:4])
    if not (n > 1 and n & (n - 1) == 0 and 128 * r * n <= SCRYPT_MAXMEM // 2 and 1 <= p <= 16):
        return False
    try:
        return bool(base64.b64decode(parts[4], validate=True)) and len(base64.b64decode(parts[5], validate=True)) >= 16
    except ValueError:
        return False


def check_name(name: str, where: str) -> None:
    if not NAME.fullmatch(name or ""):
        raise SettingsError(f"{where}: ongeldige gebruikersnaam {name!r} (letters, cijfers, . _ - @; geen spaties)")


def check_groups(groups: list[str], where: Any) -> list[str]:
    bad = [group for group in groups if not GROUP.fullmatch(group)]
    if bad:
        raise SettingsError(f"{where}: ongeldige groep(en) {', '.join(map(repr, bad))} (letters, cijfers, . _ - @ :)")
    return list(dict.fromkeys(groups))


def check_roles(roles: list[str], where: Any) -> list[str]:
    bad = [role for role in roles if role not in ROLES]
    if bad:
        raise SettingsError(f"{where}: onbekende rol(len) {', '.join(map(repr, bad))} (kies uit {', '.join(ROLES)})")
    return [role for role in ROLES if role in roles]


def write_users(path: Path, users: dict[str, User]) -> None:
    """The whole file, atomically: a temporary file beside it (owner-only), then renamed over it."""
    body = yaml.safe_dump({"users": [user.entry() for user in users.values()]}, allow_unicode=True, sort_keys=False,
                          default_flow_style=None)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(HEADER + body)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


NOT_CONFIGURED = (
    "geen gebruikersbestand ingesteld: zet identity.users_file, voor één opdracht met "
    "`--set identity.users_file=config/users.yaml` of blijvend in een profiel (identity: users_file: ...)"
)


def configured_users(settings, must_exist: bool = True) -> Users:
    """The users file the settings name; a SettingsError saying how to configure one when they name none (or, with
    `must_exist`, when the file is not there)."""
    path = users_path(settings)
    if path is None:
        raise SettingsError(NOT_CONFIGURED)
    if must_exist and not path.is_file():
        raise SettingsError(f"gebruikersbestand {path} bestaat niet; maak gebruikers met `bronvast users add NAAM`")
    return Users(path)


def configured_caller(settings, name: str) -> Caller:
    """`--as NAME`: the configured user as a caller (their groups and roles)."""
    return configured_users(settings).caller(name)
