"""`bronvast users`: the users file (identity.users_file, bronvast/identity.py): add a user with a new API key, list
them, remove one. A key is shown once, when it is made; the file keeps its scrypt hash only."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli_common import ConfigOption, JsonOption, SetOption, console, errors, plain_errors
from bronvast.identity import ROLES, configured_users
from bronvast.settings import load_settings

users_cli = typer.Typer(
    help="Gebruikers met hun groepen (wat zij zien), rollen (wat zij mogen wijzigen) en API-sleutels.",
    no_args_is_help=True,
)


def names(value: str | None) -> list[str] | None:
    """"a, b" -> ["a", "b"]; None (not given) stays None."""
    return None if value is None else [part.strip() for part in value.split(",") if part.strip()]


@users_cli.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam (letters, cijfers, . _ - @)")],
    groups: Annotated[str | None, typer.Option(
        "--groups", help="Groepen, met komma's: bv. archief,restricted (bepalen welke documenten de gebruiker ziet)"
    )] = None,
    roles: Annotated[str | None, typer.Option(
        "--roles", help=f"Rollen, met komma's: {', '.join(ROLES)} (documenten toevoegen, verwijderen, alles)"
    )] = None,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Voeg een gebruiker toe (of geef een gebruiker uit het bestand zonder sleutel er een) en toon de nieuwe
    API-sleutel, eenmalig."""
    with plain_errors():
        users = configured_users(load_settings(config, set_), must_exist=False)
        key = users.add(name, names(groups), names(roles))
    user = users.get(name)
    errors.print(f"Gebruiker [bold]{escape(name)}[/] in {users.path}: groepen {', '.join(user.groups) or '-'}, "
                 f"rollen {', '.join(user.roles) or '-'}.", highlight=False)
    errors.print("API-sleutel (bewaar hem nu: hij kan niet opnieuw worden getoond, het bestand bewaart alleen een "
                 "hash):")
    print(key)  # alone on stdout, so that it can be piped into a secret store


@users_cli.command("list")
def users_list(as_json: JsonOption = False, config: ConfigOption = None, set_: SetOption = None) -> None:
    """Elke gebruiker met groepen, rollen en of er een sleutel is (nooit de sleutel of de hash)."""
    with plain_errors():
        users = configured_users(load_settings(config, set_), must_exist=False)
    listed = [{"name": u.name, "groups": list(u.groups), "roles": list(u.roles), "key": bool(u.key_hash)}
              for u in users]
    if as_json:
        print(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Gebruikers — {users.path}")
    for column in ("Naam", "Groepen", "Rollen", "Sleutel"):
        table.add_column(column, overflow="fold")
    for user in listed:
        table.add_row(user["name"], ", ".join(user["groups"]), ", ".join(user["roles"]),
                      "ja" if user["key"] else "nee (bronvast users add)")
    console.print(table if listed else f"Nog geen gebruikers in {users.path}. Voeg er een toe met "
                  "`bronvast users add NAAM --groups a,b`.", highlight=False)


@users_cli.command("remove")
def users_remove(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam")],
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Verwijder een gebruiker; diens API-sleutel werkt daarna niet meer."""
    with plain_errors():
        users = configured_users(load_settings(config, set_))
        users.remove(name)
    console.print(f"Verwijderd: {escape(name)} (uit {users.path})", highlight=False)
