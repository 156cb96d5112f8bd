"""`bronvast audit`: check the audit log's chain and read it out (assistant/audit.py). Both only read the log, so
they run beside a running `bronvast serve`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.audit import audit_path, export, verify
from assistant.cli_common import ConfigOption, SetOption, console, date_option, errors, plain_errors
from bronvast.settings import load_settings

audit_cli = typer.Typer(help="Het auditlog: de keten controleren en uitvoeren.", no_args_is_help=True)

LogOption = Annotated[
    Path | None, typer.Option("--log", help="Een ander auditlog (standaard: <data_dir>/audit/audit.jsonl)")
]


def log_path(log: Path | None, config: Path | None, overrides: list[str] | None) -> Path:
    if log is not None:
        return log
    with plain_errors():
        return audit_path(load_settings(config, overrides).data_dir)


@audit_cli.command("verify")
def audit_verify(log: LogOption = None, config: ConfigOption = None, set_: SetOption = None) -> None:
    """Controleer de keten: exitcode 0 als elk record ongewijzigd, compleet en op volgorde is, 1 met het eerste
    record dat dat niet is en waarom."""
    path = log_path(log, config, set_)
    if not path.exists():
        console.print(f"Nog geen auditlog in {path} (0 records).", highlight=False)
        return
    result = verify(path)
    if result.ok:
        console.print(result.describe(), highlight=False, soft_wrap=True)
        return
    errors.print(f"[red]Keten gebroken[/] in {path}: {result.describe()}", highlight=False, soft_wrap=True)
    if result.records:
        before = "het record ervoor is" if result.records == 1 else f"de {result.records} records ervoor zijn"
        errors.print(f"Tot daar is de keten in orde: {before} ongewijzigd.", highlight=False)
    raise typer.Exit(1)


@audit_cli.command("export")
def audit_export(
    since: Annotated[str | None, typer.Option("--since", help="Vanaf deze dag (JJJJ-MM-DD, lokale tijd)")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Tot en met deze dag (JJJJ-MM-DD)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl (de records zoals bewaard) of csv")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", help="Naar dit bestand (standaard: stdout)")] = None,
    log: LogOption = None,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """De records van een periode, als JSONL of CSV (cellen die een spreadsheet als formule zou lezen beginnen met
    een apostrof)."""
    if fmt not in ("jsonl", "csv"):
        errors.print(f"[red]Fout:[/] --format verwacht jsonl of csv, kreeg {fmt!r}")
        raise typer.Exit(1)
    first, last = date_option(since, "--since"), date_option(until, "--until")
    if first and last and first > last:
        errors.print("[red]Fout:[/] --since ligt na --until")
        raise typer.Exit(1)
    path = log_path(log, config, set_)
    if out is None:
        export(path, sys.stdout, first, last, fmt)  # type: ignore[arg-type]
        return
    with open(out, "w", encoding="utf-8", newline="") as file:
        count = export(path, file, first, last, fmt)  # type: ignore[arg-type]
    errors.print(f"{count} records naar {out}", highlight=False)
