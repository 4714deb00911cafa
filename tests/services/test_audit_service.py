"""The audit service with a hand-made catalogue: duplicate subjects, plugin union."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from charter.checks.registry import CheckRegistry, load_registry
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.guidelines.library import BuiltinPackLibrary
from charter.services.audit import AuditRequest, run_audit
from charter.services.validation import resolve_packs
from charter.workspace.loader import load_workspace


class TwiceOnOneField(Check):
    """Reports two problems on the same subject (a careless plugin)."""

    id = "demo.twice"
    title = "twice"
    requirements: ClassVar[tuple[str, ...]] = ("partner-ai-usage:DOC-01",)

    def run(self, ctx: CheckContext) -> Outcome:
        return Outcome.from_violations(
            [Violation("system:reco/name", "first"), Violation("system:reco/name", "second")]
        )


def test_repeated_subjects_get_distinct_fingerprints(workspace_dir: Path) -> None:
    registry = CheckRegistry()
    for check in load_registry().all():
        registry.register(check)
    registry.register(TwiceOnOneField, origin="demo")
    workspace = load_workspace(workspace_dir)
    packs = resolve_packs(workspace, BuiltinPackLibrary())
    report = run_audit(AuditRequest(workspace, packs, registry, date(2026, 11, 24)))
    mine = [f for f in report.findings if f.check == "demo.twice"]
    assert [f.subject for f in mine] == ["system:reco/name", "system:reco/name#2"]
    assert len({f.fingerprint for f in report.findings}) == len(report.findings)
