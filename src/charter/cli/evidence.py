"""``charter evidence export|verify``: signed evidence packs for the platform's auditors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import EXIT_FINDINGS, AsOfOption, WorkspaceOption, parse_as_of

app = typer.Typer(help="Signed evidence packs for auditors.", no_args_is_help=True)


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The pack to write (.zip).")],
    system: Annotated[
        str | None, typer.Option("--system", help="Only this system and its use cases.")
    ] = None,
    workspace_dir: WorkspaceOption = Path(),
    as_of: AsOfOption = None,
) -> None:
    """Bundle the workspace as submitted, the latest stored audit (JSON and HTML), every
    issue with its history, the training records and the guideline versions, with a
    manifest of SHA-256 digests signed with your Ed25519 key (``charter keys``)."""
    from charter import composition
    from charter.cli.common import fail_input
    from charter.reports.html import render_html
    from charter.services.evidence import assemble_evidence, issue_histories
    from charter.services.validation import resolve_packs

    day = parse_as_of(as_of)
    workspace = composition.workspace(workspace_dir)
    if system is not None and system not in workspace.systems:
        fail_input(f"--system: unknown system '{system}' (not in systems/)")
    packs = resolve_packs(workspace, composition.pack_library())
    runs = composition.run_store(workspace_dir)
    issues = composition.issue_store(workspace_dir)
    try:
        latest = runs.list_runs(limit=1)
        run = runs.read_run(latest[0].run_id) if latest else None
        histories = issue_histories(issues, workspace.config.partner.id, day, system)
    finally:
        runs.close()
        issues.close()
    guidelines = [{"pack": p.id, "version": p.version, "title": p.title} for p in packs]
    files = assemble_evidence(
        composition.evidence_workspace_files(workspace_dir, system),
        run,
        lambda document: render_html(document, packs),
        histories,
        guidelines,
        system,
    )
    meta = {"partner": workspace.config.partner.id, "system": system, "as_of": day.isoformat()}
    manifest, fingerprint = composition.write_evidence_pack(output, files, meta)
    typer.echo(f"wrote {output}: {len(manifest['files'])} files, signed by {fingerprint}")


@app.command("verify")
def verify(
    pack: Annotated[Path, typer.Argument(help="An evidence pack (.zip).")],
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", help="Also require this signer (PEM public key)."),
    ] = None,
) -> None:
    """Check every file against the manifest, the manifest against its signature, and the
    signer against --public-key. Nothing is extracted; hostile zips (paths outside the
    pack, symbolic links, zip bombs) are refused. Exit 1 on any problem."""
    from charter import composition

    result = composition.verify_evidence_pack(pack, public_key)
    signer = f"signed by {result.fingerprint}" if result.fingerprint else "no valid signer"
    if result.ok:
        typer.echo(f"{pack}: intact, {result.files} files, {signer}")
        return
    for problem in result.problems:
        typer.echo(f"{pack}: {problem}", err=True)
    typer.echo(f"{pack}: NOT intact ({signer})", err=True)
    raise typer.Exit(EXIT_FINDINGS)
