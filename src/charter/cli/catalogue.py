"""``charter guidelines list|show|diff`` and ``charter checks list``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.common import AsOfOption, DocFormat, ListFormat, parse_as_of, print_json

if TYPE_CHECKING:
    from charter.domain.guidelines import Pack
    from charter.guidelines.library import BuiltinPackLibrary

guidelines_app = typer.Typer(
    help="Built-in guideline packs and their versions.", no_args_is_help=True
)
checks_app = typer.Typer(help="Registered checks (built-in and plugins).", no_args_is_help=True)


@guidelines_app.command("list")
def list_guidelines(
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
) -> None:
    """List every pack version."""
    from charter import composition

    library = composition.pack_library()
    rows = []
    for pack_id, version, title in library.list_packs():
        pack = library.get(pack_id, version)
        rows.append(
            {
                "pack": pack_id,
                "version": version,
                "title": title,
                "released": pack.released.isoformat(),
                "requirements": len(pack.requirements),
            }
        )
    if output_format is ListFormat.JSON:
        print_json(rows)
        return
    for r in rows:
        typer.echo(
            f"{r['pack']}@{r['version']}  {r['released']}  "
            f"{r['requirements']:>3} requirements  {r['title']}"
        )


@guidelines_app.command("show")
def show_guidelines(
    ref: Annotated[str, typer.Argument(help="PACK or PACK@VERSION (default: latest).")],
    output_format: Annotated[DocFormat, typer.Option("--format", "-f")] = DocFormat.TABLE,
) -> None:
    """Show a pack's requirements, checks, thresholds and crosswalk."""
    from charter import composition

    pack = _get(composition.pack_library(), ref)
    if output_format is DocFormat.JSON:
        print_json(pack.model_dump(mode="json"))
        return
    if output_format is DocFormat.MARKDOWN:
        lines = [
            f"# {pack.title} ({pack.ref})",
            "",
            pack.summary,
            "",
            "| id | principle | severity | title | checks | NIST AI RMF | ISO/IEC 42001 | EU AI Act |",  # noqa: E501
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in pack.requirements:
            lines.append(
                f"| {r.id} | {r.principle} | {r.severity} | {r.title} | "
                f"{', '.join(c.id for c in r.checks)} | {', '.join(r.crosswalk.nist_ai_rmf)} | "
                f"{', '.join(r.crosswalk.iso_42001)} | {', '.join(r.crosswalk.eu_ai_act)} |"
            )
        typer.echo("\n".join(lines))
        return
    typer.echo(
        f"{pack.title} {pack.ref} (released {pack.released}) - "
        f"{len(pack.requirements)} requirements"
    )
    typer.echo(pack.summary)
    for r in pack.requirements:
        thresholds = "; ".join(
            f"{name} {t.direction} {t.value}" for c in r.checks for name, t in c.thresholds.items()
        )
        typer.echo(
            f"  {r.id:<10} {r.severity:<8} {r.title}\n"
            f"             checks: {', '.join(c.id for c in r.checks)}"
            + (f"\n             thresholds: {thresholds}" if thresholds else "")
        )


@guidelines_app.command("diff")
def diff_guidelines(
    old: Annotated[str, typer.Argument(help="PACK@VERSION (older).")],
    new: Annotated[str, typer.Argument(help="PACK@VERSION (newer).")],
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Also name the systems whose verdict changes."),
    ] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
) -> None:
    """What changes between two pack versions (and, with --workspace, for which systems)."""
    from dataclasses import asdict

    from charter import composition
    from charter.services.guidelines_diff import diff_packs, verdict_changes

    library = composition.pack_library()
    a, b = _get(library, old), _get(library, new)
    diff = diff_packs(a, b)
    systems = None
    if workspace is not None:
        ws = composition.workspace(workspace)
        systems = verdict_changes(
            ws,
            a,
            b,
            composition.registry(),
            parse_as_of(as_of),
            composition.scanner(),
            composition.deliverables(),
        )
    if output_format is ListFormat.JSON:
        print_json(
            {
                "diff": asdict(diff),
                "systems": [asdict(s) for s in systems] if systems is not None else None,
            }
        )
        return
    typer.echo(f"{diff.old} -> {diff.new}")
    for note in diff.notes:
        typer.echo(f"  note: {note}")
    for rid in diff.added:
        typer.echo(f"  + {rid} added")
    for rid in diff.removed:
        typer.echo(f"  - {rid} removed")
    for change in diff.changed:
        for name, (va, vb) in change.changes.items():
            typer.echo(f"  ~ {change.requirement} {name}: {va} -> {vb}")
    for name, (va, vb) in diff.settings.items():
        typer.echo(f"  ~ {name}: {va} -> {vb}")
    if systems is not None:
        if not systems:
            typer.echo("No system's verdict changes.")
        for s in systems:
            typer.echo(
                f"  system {s.system}: {s.old_status} -> {s.new_status}"
                + (f"; newly failing {', '.join(s.newly_failing)}" if s.newly_failing else "")
                + (f"; newly passing {', '.join(s.newly_passing)}" if s.newly_passing else "")
            )


def _get(library: BuiltinPackLibrary, ref: str) -> Pack:
    from charter.services.validation import pack_for_ref

    return pack_for_ref(library, ref)


@checks_app.command("list")
def list_checks(
    output_format: Annotated[DocFormat, typer.Option("--format", "-f")] = DocFormat.TABLE,
) -> None:
    """List registered checks with the requirements they evidence."""
    from charter import composition
    from charter.reports.check_catalogue import catalogue_entries, render_catalogue_markdown

    registry = composition.registry()
    library = composition.pack_library()
    packs = [library.get(p, v) for p, v, _ in library.list_packs()]
    checks = registry.all()
    if output_format is DocFormat.MARKDOWN:
        typer.echo(render_catalogue_markdown(checks, packs), nl=False)
        return
    entries = catalogue_entries(checks, packs)
    if output_format is DocFormat.JSON:
        for e in entries:
            e["origin"] = registry.origin(e["id"])
        print_json(entries)
        return
    for e in entries:
        typer.echo(f"{e['id']:<45} {registry.origin(e['id']):<10} {e['title']}")
