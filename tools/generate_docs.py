"""Regenerate the docs that are derived from code: check catalogue, workspace format, CLI.

Run ``python tools/generate_docs.py`` (or ``--check`` to fail when a file is stale).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer.main
from typer._click import Command, Context

from charter.checks.registry import load_registry
from charter.cli.app import app
from charter.guidelines.library import BuiltinPackLibrary
from charter.reports.check_catalogue import render_catalogue_markdown
from charter.workspace.reference_doc import render_workspace_reference

DOCS = Path(__file__).resolve().parent.parent / "docs"


def builtin_catalogue() -> str:
    registry = load_registry()
    library = BuiltinPackLibrary()
    packs = [library.get(p, v) for p, v, _ in library.list_packs()]
    checks = [c for c in registry.all() if registry.origin(c.id) == "builtin"]
    return render_catalogue_markdown(checks, packs)


def cli_reference() -> str:
    root = typer.main.get_command(app)
    lines = [
        "# CLI reference",
        "",
        "Generated from the Typer app by `python tools/generate_docs.py`; a test fails when it",
        "is stale. Exit codes everywhere: 0 ok, 1 findings at or above `--fail-on` (audit),",
        "2 bad input or usage.",
        "",
    ]

    def walk(command: Command, path: list[str], parent: Context | None) -> None:
        context = Context(command, info_name=path[-1], parent=parent)
        if path != ["charter"]:
            lines.extend(
                [f"## `{' '.join(path)}`", "", "```", _plain_help(command, context), "```", ""]
            )
        if hasattr(command, "list_commands"):
            for name in command.list_commands(context):
                sub = command.get_command(context, name)  # type: ignore[attr-defined]
                if sub is not None:
                    walk(sub, [*path, name], context)

    walk(root, ["charter"], None)
    return "\n".join(lines).rstrip() + "\n"


def _plain_help(command: Command, context: Context) -> str:
    formatter = context.make_formatter()
    formatter.width = 100
    Command.format_help(command, context, formatter)
    return formatter.getvalue().rstrip()


GENERATED = {
    "checks.md": builtin_catalogue,
    "workspace.md": render_workspace_reference,
    "cli.md": cli_reference,
}


def main(check: bool) -> int:
    stale = []
    for name, render in GENERATED.items():
        path = DOCS / name
        text = render()
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print(f"stale: {', '.join(stale)}; run python tools/generate_docs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
