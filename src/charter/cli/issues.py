"""``charter issue list|show|assign|move|comment|report``: the compliance issue register."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.common import (
    AsOfOption,
    AsOption,
    ListFormat,
    WorkspaceOption,
    fail_input,
    parse_as_of,
    print_json,
    write_output,
)

if TYPE_CHECKING:
    from charter.domain.issue_workflow import Actor
    from charter.domain.ports import IssueStore
    from charter.domain.workspace import Workspace

app = typer.Typer(
    help="Compliance issues opened by audits: triage, assign, fix, accept, report.",
    no_args_is_help=True,
)
IssueArgument = Annotated[str, typer.Argument(help="Issue id (ISS-...; a unique prefix will do).")]
FormatOption = Annotated[ListFormat, typer.Option("--format", "-f")]


def _open(workspace_dir: Path) -> tuple[Workspace, IssueStore]:
    from charter import composition

    workspace = composition.workspace(workspace_dir)
    return workspace, composition.issue_store(workspace_dir)


def _actor(workspace: Workspace, workspace_dir: Path, acting: str | None) -> Actor:
    from charter import composition
    from charter.services.actor import resolve_actor
    from charter.services.issues import actor_of

    person = resolve_actor(
        workspace.people, acting, os.environ.get("CHARTER_USER"),
        composition.git_email(workspace_dir),
    )  # fmt: skip
    if person is None:
        fail_input("who is acting? give --as PERSON (or set CHARTER_USER)")
    return actor_of(workspace.people, person)


@app.command("list")
def list_issues(
    workspace_dir: WorkspaceOption = Path(),
    state: Annotated[
        list[str] | None,
        typer.Option("--state", help="Only these states (repeat or comma-separate)."),
    ] = None,
    system: Annotated[str | None, typer.Option("--system", help="Only this system.")] = None,
    severity: Annotated[str | None, typer.Option("--severity")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue issues.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=10_000)] = 50,
    page: Annotated[int, typer.Option("--page", min=1)] = 1,
    as_of: AsOfOption = None,
    output_format: FormatOption = ListFormat.TABLE,
) -> None:
    """Issues, most severe and soonest due first, a page at a time."""
    from charter.domain.issues import ACTIVE_STATES, IssueState
    from charter.domain.ports import IssueQuery
    from charter.services.issue_documents import issue_document

    day = parse_as_of(as_of)
    states = {s.strip() for item in state or [] for s in item.split(",") if s.strip()}
    unknown = sorted(states - {str(s) for s in IssueState})
    if unknown:
        fail_input(f"--state: unknown '{unknown[0]}' (states: {', '.join(IssueState)})")
    if overdue:
        states = (states or {str(s) for s in ACTIVE_STATES}) & {str(s) for s in ACTIVE_STATES}
    from charter import composition

    partner = composition.workspace_config(workspace_dir).partner.id  # no more is needed
    store = composition.issue_store(workspace_dir)
    try:
        issues, total = store.query(
            IssueQuery(
                partner=partner,
                states=frozenset(states),
                system=system,
                severity=severity,
                due_before=day if overdue else None,
                limit=limit,
                offset=(page - 1) * limit,
            )
        )
    finally:
        store.close()
    if output_format is ListFormat.JSON:
        print_json(
            {"total": total, "page": page, "issues": [issue_document(i, day) for i in issues]}
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Compliance issues ({total} in all, page {page})")
    for column in ("id", "severity", "state", "requirement", "system", "owner", "due"):
        table.add_column(column, no_wrap=True)
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=50)
    for issue in issues:
        due = issue.due_on.isoformat() + (" overdue" if issue.overdue(day) else "")
        table.add_row(
            issue.id, str(issue.severity), str(issue.state), issue.requirement,
            issue.system or "-", issue.owner or "-", due, issue.title,
        )  # fmt: skip
    import sys

    Console(width=None if sys.stdout.isatty() else 180).print(table)


@app.command("show")
def show_issue(
    identifier: IssueArgument,
    workspace_dir: WorkspaceOption = Path(),
    as_of: AsOfOption = None,
    output_format: FormatOption = ListFormat.TABLE,
) -> None:
    """One issue with its troubleshooting record and full history."""
    day = parse_as_of(as_of)
    workspace, store = _open(workspace_dir)
    try:
        issue = store.get(workspace.config.partner.id, identifier)
        history = store.history(workspace.config.partner.id, issue.id)
    finally:
        store.close()
    from charter.services.issue_documents import event_document, issue_document

    document = issue_document(issue, day) | {"history": [event_document(e) for e in history]}
    if output_format is ListFormat.JSON:
        print_json(document)
        return
    lines = [
        f"{issue.id}  {issue.severity}  {issue.state}"
        + ("  OVERDUE" if issue.overdue(day) else ""),
        f"  {issue.title}",
        f"  {issue.pack}:{issue.requirement} {issue.check} on {issue.system or '-'}",
        f"  subject {issue.subject}",
        f"  opened {issue.opened_on}  due {issue.due_on}  owner {issue.owner or '-'}",
    ]
    if issue.root_cause:
        lines.append(f"  root cause: {issue.root_cause}")
    lines += [f"  {name}: {text}" for name, text in issue.troubleshooting.items()]
    if issue.acceptance:
        lines.append(
            f"  risk accepted by {issue.acceptance.approver} until "
            f"{issue.acceptance.expires_on}: {issue.acceptance.justification}"
        )
    if issue.reported:
        lines.append(
            f"  reported to the platform on {issue.reported.reported_on} "
            f"({issue.reported.reference})"
        )
    lines.append("  history:")
    for event in document["history"]:
        change = f" {event['from'] or ''} -> {event['to']}" if event["to"] else ""
        detail = "; ".join(f"{k}: {v}" for k, v in event["detail"].items())
        lines.append(
            f"    {event['at'][:16]} {event['actor']} {event['kind']}{change}"
            + (f" ({detail})" if detail else "")
        )
    typer.echo("\n".join(lines))


@app.command("assign")
def assign(
    identifier: IssueArgument,
    owner: Annotated[str, typer.Option("--owner", help="Person id who owns the fix.")],
    workspace_dir: WorkspaceOption = Path(),
    acting: AsOption = None,
) -> None:
    """Give the issue an owner."""
    from charter.services.issues import assign_issue

    workspace, store = _open(workspace_dir)
    try:
        actor = _actor(workspace, workspace_dir, acting)
        person = workspace.people.get(owner)
        if person is None:
            fail_input(f"--owner: '{owner}' is not in people.yaml")
        issue = assign_issue(store, workspace.config.partner.id, identifier, person, actor)
    finally:
        store.close()
    typer.echo(f"{issue.id} owned by {issue.owner}")


@app.command("move")
def move(
    identifier: IssueArgument,
    to: Annotated[str, typer.Argument(help="triaged, in_remediation, fixed, accepted_risk...")],
    note: Annotated[str | None, typer.Option("--note", help="Why (kept in the history).")] = None,
    fix: Annotated[
        str | None, typer.Option("--fix", help="What was fixed (needed to move to fixed).")
    ] = None,
    justification: Annotated[
        str | None, typer.Option("--justification", help="accepted_risk: why.")
    ] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help="accepted_risk: until (YYYY-MM-DD).")
    ] = None,
    workspace_dir: WorkspaceOption = Path(),
    acting: AsOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Move the issue through the workflow (every rule of the policy applies)."""
    from charter.domain.issue_workflow import TransitionRejectedError
    from charter.domain.issues import IssueState, RiskAcceptance
    from charter.domain.ports import IssueConflictError
    from charter.services.issues import move_issue

    try:
        target = IssueState(to)
    except ValueError:
        fail_input(f"unknown state '{to}' (states: {', '.join(IssueState)})")
    day = parse_as_of(as_of)
    workspace, store = _open(workspace_dir)
    try:
        actor = _actor(workspace, workspace_dir, acting)
        acceptance = None
        if target is IssueState.ACCEPTED_RISK:
            if expires is None:
                fail_input("accepted_risk needs --expires YYYY-MM-DD and --justification")
            acceptance = RiskAcceptance(justification or "", actor.name, parse_as_of(expires))
        issue = move_issue(
            store, workspace.config.partner.id, identifier, target, actor, day,
            note=note, fix=fix, acceptance=acceptance,
        )  # fmt: skip
    except TransitionRejectedError as exc:
        fail_input(str(exc))
    except IssueConflictError as exc:
        typer.echo(f"conflict: {exc}", err=True)
        raise typer.Exit(3) from exc
    finally:
        store.close()
    typer.echo(f"{issue.id} is now {issue.state}")


@app.command("comment")
def comment(
    identifier: IssueArgument,
    text: Annotated[str | None, typer.Option("--text", "-m", help="A comment.")] = None,
    root_cause: Annotated[str | None, typer.Option("--root-cause")] = None,
    record: Annotated[
        list[str] | None,
        typer.Option(
            "--record",
            help="Troubleshooting record FIELD=TEXT: identified_by, experts_consulted, "
            "platform_communication, fix, documentation.",
        ),
    ] = None,
    workspace_dir: WorkspaceOption = Path(),
    acting: AsOption = None,
) -> None:
    """Comment, set the root cause, or fill in the troubleshooting record."""
    from charter.services.issues import record_issue

    fields: dict[str, str] = {}
    for item in record or []:
        name, sep, value = item.partition("=")
        if not sep or not value.strip():
            fail_input(f"--record: '{item}' is not FIELD=TEXT")
        fields[name.strip()] = value.strip()
    workspace, store = _open(workspace_dir)
    try:
        actor = _actor(workspace, workspace_dir, acting)
        issue = record_issue(
            store, workspace.config.partner.id, identifier, actor, comment=text,
            root_cause=root_cause, troubleshooting=fields or None,
        )  # fmt: skip
    finally:
        store.close()
    typer.echo(f"{issue.id} recorded")


@app.command("report")
def report(
    identifier: IssueArgument,
    reference: Annotated[
        str, typer.Option("--reference", help="The platform's ticket or e-mail reference.")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Report file (default issue-report-<id>.json)."),
    ] = None,
    workspace_dir: WorkspaceOption = Path(),
    acting: AsOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Record that the issue was reported to the platform, and write the report to send
    (``charter.issue-report/v1``: the issue, its troubleshooting record and history)."""
    from charter.reports.json_text import json_text
    from charter.services.issue_documents import event_document, issue_document
    from charter.services.issues import report_issue

    day = parse_as_of(as_of)
    workspace, store = _open(workspace_dir)
    try:
        actor = _actor(workspace, workspace_dir, acting)
        issue = report_issue(store, workspace.config.partner.id, identifier, actor, day, reference)
        history = store.history(workspace.config.partner.id, issue.id)
    finally:
        store.close()
    document = {
        "schema": "charter.issue-report/v1",
        "partner": {"id": workspace.config.partner.id, "name": workspace.config.partner.name},
        "reported_on": day.isoformat(),
        "reported_by": actor.name,
        "reference": reference,
        "issue": issue_document(issue, day),
        "history": [event_document(e) for e in history],
    }
    target = output or Path(f"issue-report-{issue.id}.json")
    write_output(json_text(document), target)
    typer.echo(f"{issue.id} reported ({reference}); send {target}")
