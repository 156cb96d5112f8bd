"""Who is calling the REST API and the UI: the dependency every route takes (`As`), and the UI's login.

A request's caller, in this order:
1. the serve token (`Authorization: Bearer <token from serve.json>`, readable by the data dir's owner only: the CLI
   beside `serve`), which says in a header which user the command runs as (itself when unsaid);
2. an API key (`Authorization: Bearer bv.NAME.…`, bronvast/identity.py): that user, with the groups and roles the
   users file gives;
3. a trusted reverse proxy (an OIDC proxy in front): the user and groups in its headers, believed only when the
   request comes from one of `identity.trusted_proxies`; roles only when the users file lists the user;
4. nobody: without an identity configuration anonymous (public documents, no roles), with one refused (401).
A bearer credential that is none of ours is refused, never taken as anonymous.

Paths on the server's own disk (`/api/ingest`, `/api/objections`) are for the serve token's holder only: anyone else
could have the server read, and index for all to see, files that are not theirs.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request

from assistant.wire import CALLER, CALLER_HEADER
from bronvast.errors import AccessDenied, SettingsError
from bronvast.identity import KEY_PREFIX, LOCAL_OPERATOR, Users, UsersFile, users_path
from bronvast.schema import ANONYMOUS, Caller
from bronvast.settings import Settings

NETWORKS = (ipaddress.IPv4Network, ipaddress.IPv6Network)
log = logging.getLogger(__name__)


class Gate:
    """What tells callers apart for one server: its serve token and the identity settings."""

    def __init__(self, token: str | None, settings: Settings):
        self.token = token
        self.identity = settings.identity
        path = users_path(settings)
        self.users = UsersFile(path) if path else None
        self.proxies = [proxy_address(value) for value in self.identity.trusted_proxies]

    @property
    def configured(self) -> bool:
        """Whether there is an identity configuration (a users file or a trusted proxy)."""
        return self.identity.configured

    def caller(self, headers: Any, host: str | None) -> Caller:
        """The caller of a request with these headers from this TCP peer; raises HTTPException(401) for none."""
        scheme, _, credential = header(headers, "authorization").partition(" ")
        credential = credential.strip() if scheme.lower() == "bearer" else ""
        if credential and self.holds_token(credential):
            return token_holder(header(headers, CALLER_HEADER))
        if credential.startswith(KEY_PREFIX):
            found = self.current_users().caller_for_key(credential) if self.users else None
            if found is None:
                raise HTTPException(401, "ongeldige API-sleutel", headers={"WWW-Authenticate": "Bearer"})
            return found
        proxied = self.proxy_caller(headers, host)
        if proxied is not None:
            return proxied
        if header(headers, "authorization"):
            raise HTTPException(401, "ongeldig token of ongeldige API-sleutel", headers={"WWW-Authenticate": "Bearer"})
        if not self.configured:
            return ANONYMOUS
        raise HTTPException(401, "aanmelden vereist: een API-sleutel (Authorization: Bearer bv.…)",
                            headers={"WWW-Authenticate": "Bearer"})

    def current_users(self) -> Users:
        """The users file as it is now; a file made unreadable while serving refuses everyone it would decide on
        (503), rather than go on with users that may have been removed."""
        try:
            return self.users.current()
        except SettingsError as exc:
            log.error("%s", exc)
            raise HTTPException(503, "het gebruikersbestand is onleesbaar; zie het log van de server") from exc

    def holds_token(self, credential: str) -> bool:
        return bool(self.token) and secrets.compare_digest(credential.encode(), self.token.encode())

    def trusted(self, host: str | None) -> bool:
        if not host or not self.proxies:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return host in self.proxies  # not an IP address (TestClient's "testclient"): only by its exact name
        return any(isinstance(proxy, NETWORKS) and address in proxy for proxy in self.proxies)

    def proxy_caller(self, headers: Any, host: str | None) -> Caller | None:
        """The user a trusted proxy names, with its groups (and the users file's groups and roles for a listed
        user); None when the peer is no trusted proxy or names nobody."""
        if not self.trusted(host):
            return None
        name = header(headers, self.identity.proxy_user_header).strip()
        if not name:
            return None
        groups = [g.strip() for g in header(headers, self.identity.proxy_groups_header).split(",") if g.strip()]
        listed = self.current_users().get(name) if self.users else None
        if listed is None:
            return Caller(name=name, groups=tuple(dict.fromkeys(groups)))
        return Caller(name=name, groups=tuple(dict.fromkeys([*groups, *listed.groups])), roles=listed.roles)

    # The UI (assistant/ui.py, mounted by assistant/server.py)

    def login(self, username: str, key: str) -> bool:
        """The UI's login form: the user name and its API key as the password."""
        try:
            found = self.users.current().caller_for_key(key.strip()) if self.users and key else None
        except SettingsError as exc:
            log.error("%s", exc)
            return False
        return found is not None and found.name == username.strip()

    def proxy_user(self, request: Any) -> str | None:
        """Gradio's auth_dependency behind a trusted proxy: the user it names, or None (refused)."""
        found = self.proxy_caller(request.headers, request.client.host if request.client else None)
        return found.name if found else None

    def ui_caller(self, request: Any) -> Caller | None:
        """Who a UI call comes from: None without an identity configuration (the application's own caller), else
        the proxy's user or the logged-in user as the users file has them now; AccessDenied for nobody."""
        if not self.configured:
            return None
        client = getattr(request, "client", None)
        try:
            found = self.proxy_caller(request.headers, client.host if client else None) if request else None
        except HTTPException as exc:
            raise AccessDenied(str(exc.detail)) from None
        if found is not None:
            return found
        name = getattr(request, "username", None) if request else None
        try:
            listed = self.users.current().get(name) if self.users and name else None
        except SettingsError as exc:
            log.error("%s", exc)
            raise AccessDenied("het gebruikersbestand is onleesbaar; zie het log van de server") from None
        if listed is None:
            raise AccessDenied("niet aangemeld, of de gebruiker staat niet (meer) in het gebruikersbestand")
        return listed.caller


def header(headers: Any, name: str) -> str:
    """A request header by name: Starlette's headers ignore case, the plain dict Gradio may hand over has them in
    lower case."""
    if headers is None:
        return ""
    return headers.get(name) or headers.get(name.lower()) or ""


def proxy_address(value: str) -> Any:
    """A trusted proxy as configured: an IP address or network (10.0.0.0/8), else a host name taken literally."""
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return value


def token_holder(x_bronvast_caller: str) -> Caller:
    """Who the token's holder (the data dir's owner: the CLI beside `serve`) runs as; itself when unsaid."""
    try:
        return CALLER.validate_json(x_bronvast_caller) if x_bronvast_caller else LOCAL_OPERATOR
    except ValueError as exc:
        raise HTTPException(400, f"ongeldige {CALLER_HEADER}-kop") from exc


def install(api: FastAPI, token: str | None, settings: Settings) -> Gate:
    """Gives `api` (and so every route on it that takes `As`) its gate; returns it for the UI."""
    api.state.gate = Gate(token, settings)
    return api.state.gate


def gate_for(api: FastAPI) -> Gate:
    return api.state.gate


def gate_of(request: Request) -> Gate:
    gate = getattr(request.app.state, "gate", None)
    if gate is None:  # a FastAPI app of its own mounted under the API: give it the gate too (install)
        raise RuntimeError("deze FastAPI-app heeft geen Gate: roep assistant.auth.install aan")
    return gate


def caller_of(request: Request) -> Caller:
    """The dependency: who sends this request (see the module's docstring); 401 when nobody may."""
    return gate_of(request).caller(request.headers, request.client.host if request.client else None)


def on_this_machine(request: Request) -> None:
    """For routes that take paths on the server's disk: the serve token's holder only (403 for anyone else)."""
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if not (scheme.lower() == "bearer" and gate_of(request).holds_token(credential.strip())):
        raise HTTPException(403, "paden op de server zijn alleen voor `bronvast` op de machine zelf (het serve-token)")


As = Annotated[Caller, Depends(caller_of)]
authorised = Depends(caller_of)  # for routes that need a caller but do not use it (status, collections)
local_paths = Depends(on_this_machine)

