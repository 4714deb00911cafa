"""The ``charter`` Typer app. Heavy libraries are imported inside commands (fast --help)."""

from __future__ import annotations

import sys

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

app = typer.Typer(
    name="charter",
    help="Compliance-as-code for partners' use of AI: describe AI systems and GenAI use "
    "cases, audit them against the platform's guidelines, fix and prove it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("init")(workspace.init)
app.command("validate")(workspace.validate)
app.command("audit")(audit.audit)
app.add_typer(schema.app, name="schema")
app.add_typer(catalogue.guidelines_app, name="guidelines")
app.add_typer(catalogue.checks_app, name="checks")
app.add_typer(runs.app, name="runs")
app.add_typer(issues.app, name="issue")
app.add_typer(log.app, name="log")
app.add_typer(evidence.app, name="evidence")
app.add_typer(monitor.app, name="monitor")
app.add_typer(training.app, name="training")
app.add_typer(keys.app, name="keys")
app.add_typer(scan.app, name="scan")
app.add_typer(qc.app, name="qc")
app.add_typer(provenance.app, name="provenance")


def main() -> None:
    """Entry point: bad input and usage errors become one line each and exit code 2."""
    from charter.domain.errors import InputError

    try:
        code = app(standalone_mode=False, prog_name="charter")
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
        typer.echo("aborted", err=True)
        sys.exit(130)
    except Exception as exc:
        if not type(exc).__module__.startswith("sqlalchemy"):
            raise
        # Database failures (locked file, server error) are reported, never dumped with
        # their SQL parameters.
        cause = getattr(exc, "orig", None) or exc
        first_line = (str(cause).splitlines() or [""])[0]
        typer.echo(f"database: {type(cause).__name__}: {first_line}", err=True)
        sys.exit(EXIT_INPUT)
    sys.exit(code if isinstance(code, int) else 0)


def _usage_error(exc: typer.TyperException) -> int:
    """Print a usage error on one line (or the help, when a group is called bare)."""
    context = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
        typer.echo(context.get_help())
        return EXIT_INPUT
    command = context.command_path if context is not None else "charter"
    typer.echo(f"{command}: {exc.format_message()} (see --help)", err=True)
    return int(getattr(exc, "exit_code", EXIT_INPUT))
