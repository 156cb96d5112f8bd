"""What every command of the `bronvast` CLI shares: the consoles, the common options, plain error messages, the
application (local or through a running `bronvast serve`) and the progress bar."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.server import open_application
from bronvast.errors import AccessDenied, ModelNotFound, SettingsError, StoreError, StoreLocked
from bronvast.identity import LOCAL_OPERATOR, configured_caller
from bronvast.settings import DEFAULT_PROFILE, load_settings

console = Console()
errors = Console(stderr=True)

ConfigOption = Annotated[
    Optional[Path], typer.Option("--config", help="YAML-profiel (standaard: $BRONVAST_CONFIG of config/default.yaml)")
]
SetOption = Annotated[
    Optional[list[str]], typer.Option("--set", help="Eén instelling overschrijven, bv. retrieval.top_k=8 (herhaalbaar)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON als uitvoer")]
CollectionOption = Annotated[Optional[str], typer.Option("--collection", "-c", help="Collectie (standaard: default)")]
AsOption = Annotated[str | None, typer.Option(
    "--as", help="Als deze gebruiker uit het gebruikersbestand (identity.users_file): ziet wat diens groepen zien"
)]

LOCKED_HINT = (
    "Stop `bronvast serve` en probeer het opnieuw, of gebruik de webinterface: vragen in het tabblad 'Vragen', "
    "documenten in het tabblad 'Documenten toevoegen'."
)


@contextmanager
def plain_errors():
    """Every expected failure becomes a plain message and exit code 1 (130 for Ctrl-C), never a traceback."""
    try:
        yield
    except StoreLocked as exc:
        errors.print(f"[red]Fout:[/] {exc}\n{LOCKED_HINT}")
        raise typer.Exit(1) from None
    except (SettingsError, StoreError, ModelNotFound, AccessDenied) as exc:
        errors.print(f"[red]Fout:[/] {exc}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        errors.print("Afgebroken. Wat al klaar was blijft bewaard; een half verwerkt bestand wordt niet opgeslagen.")
        raise typer.Exit(130) from None


@contextmanager
def application(config: Path | None, overrides: list[str] | None, fallback: Path = DEFAULT_PROFILE,
                caller: str | None = None):
    """Builds the app; when `bronvast serve` holds the embedded store, commands go through that serving process.
    `caller`: the configured user the command runs as (`--as`); None: the machine's own user."""
    app = None
    with plain_errors():
        try:
            settings = load_settings(config, overrides, fallback)
            who = configured_caller(settings, caller) if caller else LOCAL_OPERATOR
            app = open_application(settings, errors.print, who)
            yield app
        finally:
            if app is not None:
                app.close()


def progress_bar() -> Progress:
    """A bar on stderr that names the step; gone when done, so stdout stays clean for --json."""
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=errors, transient=True,
    )


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def date_option(value: str | None, option: str) -> date | None:
    """A date option (JJJJ-MM-DD) as a date; a plain message and exit code 1 when it is none."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.print(f"[red]Fout:[/] {option} verwacht een datum als JJJJ-MM-DD, kreeg {value!r}")
        raise typer.Exit(1) from None
