"""The ``charter`` Typer app. Heavy libraries are imported inside commands (fast --help)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import typer

from charter.cli import (
    audit,
    catalogue,
    evidence,
    issues,
    keys,
    log,
    monitor,
    provenance,
    qc,
    runs,
    scan,
    schema,
    training,
    workspace,
)
from charter.cli.common import EXIT_INPUT

HELP = (
    "Compliance-as-code for partners' use of AI: describe AI systems and GenAI use "
    "cases, audit them against the platform's guidelines, fix and prove it."
)
COMMANDS: dict[str, Callable[..., None]] = {
    "init": workspace.init,
    "validate": workspace.validate,
    "audit": audit.audit,
}
GROUPS = {
    "schema": schema.app,
    "guidelines": catalogue.guidelines_app,
    "checks": catalogue.checks_app,
    "runs": runs.app,
    "issue": issues.app,
    "log": log.app,
    "evidence": evidence.app,
    "monitor": monitor.app,
    "training": training.app,
    "keys": keys.app,
    "scan": scan.app,
    "qc": qc.app,
    "provenance": provenance.app,
}


def build(only: str | None = None) -> typer.Typer:
    """The Typer app: every command, or (``only``) just the one a command line names. Typer
    reads the signature of every command it holds before running any, so a command line
    naming one group builds only that group (about 50 ms less per command); help at the top
    and anything unknown get the whole app."""
    built = typer.Typer(
        name="charter",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    if only is not None:
        # A callback keeps the app a group even with a single command in it.
        built.callback()(_as_group)
    for name, command in COMMANDS.items():
        if only in (None, name):
            built.command(name)(command)
    for name, group in GROUPS.items():
        if only in (None, name):
            built.add_typer(group, name=name)
    return built


def _as_group() -> None:
    """No options of its own: it only keeps a one-command app a group."""


app = build()
"""The whole app (documentation, tests); ``main`` builds only what a command line names."""


def main() -> None:
    """Entry point: bad input and usage errors become one line each and exit code 2."""
    from charter.domain.errors import InputError

    first = sys.argv[1] if len(sys.argv) > 1 else None
    chosen = build(first) if first in COMMANDS or first in GROUPS else app
    terminated = _stop_on_sigterm()
    try:
        code = chosen(standalone_mode=False, prog_name="charter")
    except InputError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        sys.exit(EXIT_INPUT)
    except typer.TyperException as exc:
        sys.exit(_usage_error(exc))
    except OSError as exc:
        # Files the user named that cannot be read or written: one line, no traceback.
        where = exc.filename if exc.filename is not None else "charter"
        typer.echo(f"{where}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_INPUT)
    except typer.Abort:
        typer.echo("terminated" if terminated else "aborted", err=True)
        sys.exit(143 if terminated else 130)
    except Exception as exc:
        if not type(exc).__module__.startswith("sqlalchemy"):
            raise
        # Database failures (locked file, server error) are reported, never dumped with
        # their SQL parameters.
        cause = getattr(exc, "orig", None) or exc
        first_line = (str(cause).splitlines() or [""])[0]
        typer.echo(f"database: {type(cause).__name__}: {first_line}", err=True)
        sys.exit(EXIT_INPUT)
    if terminated:  # Typer turned the interrupt into exit code 130
        typer.echo("terminated", err=True)
        sys.exit(143)
    sys.exit(code if isinstance(code, int) else 0)


def _stop_on_sigterm() -> list[int]:
    """SIGTERM (a CI job cancelled, ``kill``) stops a command the way Ctrl-C does: the work
    in progress unwinds, worker processes are shut down and half-written files removed,
    instead of the process vanishing and leaving them behind. The list it returns gets the
    signal's number when that happened (exit 143, not 130)."""
    import signal

    received: list[int] = []

    def stop(number: int, _frame: object) -> None:
        received.append(number)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    return received


def _usage_error(exc: typer.TyperException) -> int:
    """Print a usage error on one line (or the help, when a group is called bare)."""
    context = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
        return EXIT_INPUT  # Typer has printed the group's help already
    command = context.command_path if context is not None else "charter"
    typer.echo(f"{command}: {exc.format_message()} (see --help)", err=True)
    return int(getattr(exc, "exit_code", EXIT_INPUT))
