"""``charter evidence export|verify``: signed evidence packs for the platform's auditors."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from charter.cli.common import EXIT_FINDINGS, AsOfOption, WorkspaceOption, parse_as_of

if TYPE_CHECKING:
    from charter.domain.ports import RunStore

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
    issue with its history, training status, monitoring history and the guideline
    versions, with a manifest of SHA-256 digests signed with your Ed25519 key
    (``charter keys``)."""
    from charter import composition
    from charter.cli.common import fail_input, monitoring_trends
    from charter.domain.monitoring import MetricQuery
    from charter.reports.html import render_html
    from charter.reports.monitoring_documents import history_document
    from charter.reports.monitoring_html import render_history_html
    from charter.services.evidence import EvidenceDocuments, assemble_evidence, issue_histories
    from charter.services.training import status_document
    from charter.services.validation import resolve_packs

    day = parse_as_of(as_of)
    workspace = composition.workspace(workspace_dir)
    partner = workspace.config.partner.id
    if system is not None and system not in workspace.systems:
        fail_input(f"--system: unknown system '{system}' (not in systems/)")
    packs = resolve_packs(workspace, composition.pack_library())
    runs = composition.run_store(workspace_dir)
    issues = composition.issue_store(workspace_dir)
    monitoring = composition.monitoring_store(workspace_dir)
    try:
        run = _latest_audit(runs, partner, system)
        histories = issue_histories(issues, partner, day, system)
        history = history_document(
            partner,
            monitoring.monitor_runs(partner, system, 10000),
            monitoring.metric_points(MetricQuery(partner, system, until=day, limit=100000)),
        )
        trends = (
            monitoring_trends(monitoring, partner, system, date.fromisoformat(run["as_of"]))
            if run
            else None
        )
    finally:
        runs.close()
        issues.close()
        monitoring.close()
    documents = EvidenceDocuments(
        run=run,
        run_html=render_html(run, packs, trends) if run else None,
        issues=histories,
        training=status_document(workspace, packs, day),
        monitoring=history,
        monitoring_html=render_history_html(history),
        guidelines=[{"pack": p.id, "version": p.version, "title": p.title} for p in packs],
    )
    files = assemble_evidence(
        composition.evidence_workspace_files(workspace_dir, system), documents, system
    )
    trail = composition.event_log(workspace_dir)
    try:
        chain = trail.verify()
    finally:
        trail.close()
    meta = {
        "partner": partner,
        "system": system,
        "as_of": day.isoformat(),
        # Pins the audit trail: `charter log verify --head` later proves nothing was cut.
        "audit_trail": {"intact": chain.intact, "entries": chain.entries, "head": chain.head},
    }
    manifest, fingerprint = composition.write_evidence_pack(output, files, meta)
    typer.echo(f"wrote {output}: {len(manifest['files'])} files, signed by {fingerprint}")


def _latest_audit(runs: RunStore, partner: str, system: str | None) -> dict[str, Any] | None:
    """The newest stored run covering the pack's scope: an audit of the whole workspace, or
    (with ``--system``) of that system too, a monitoring run included."""
    scopes = {"*", system} if system else {"*"}
    for summary in runs.list_runs(limit=500):
        if summary.partner == partner and summary.scope.split("|")[1] in scopes:
            return runs.read_run(summary.run_id)
    return None


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
