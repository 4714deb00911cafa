"""The audit service with a hand-made catalogue: duplicate subjects, plugin union."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from charter.checks.registry import CheckRegistry, load_registry
from charter.composition import deliverables
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.guidelines import Scope
from charter.domain.status import Status
from charter.domain.systems import Category
from charter.engines.scan.scanner import IbisScanner
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
    report = run_audit(
        AuditRequest(
            workspace,
            packs,
            registry,
            date(2026, 11, 24),
            scanner=IbisScanner(),
            deliverables=deliverables(),
        )
    )
    mine = [f for f in report.findings if f.check == "demo.twice"]
    assert [f.subject for f in mine] == ["system:reco/name", "system:reco/name#2"]
    assert len({f.fingerprint for f in report.findings}) == len(report.findings)


class UseCaseOnly(Check):
    """Declares a system-scope requirement it cannot assess."""

    id = "demo.use_case_only"
    title = "use-case only"
    requirements: ClassVar[tuple[str, ...]] = ("partner-ai-usage:DOC-01",)
    scopes = (Scope.USE_CASE,)

    def run(self, ctx: CheckContext) -> Outcome:
        raise AssertionError("must not run on a system-scope requirement")


class MarketingOnly(Check):
    """Applies to marketing analytics systems only."""

    id = "demo.marketing_only"
    title = "marketing only"
    requirements: ClassVar[tuple[str, ...]] = ("partner-ai-usage:DOC-01",)
    applies_to = (Category.MARKETING_ANALYTICS,)

    def run(self, ctx: CheckContext) -> Outcome:
        raise AssertionError("must not run on a recommendation system")


def test_check_declarations_are_enforced(workspace_dir: Path) -> None:
    registry = CheckRegistry()
    for check in [*load_registry().all(), UseCaseOnly, MarketingOnly]:
        registry.register(check)
    workspace = load_workspace(workspace_dir)
    packs = resolve_packs(workspace, BuiltinPackLibrary())
    report = run_audit(
        AuditRequest(
            workspace,
            packs,
            registry,
            date(2026, 11, 24),
            scanner=IbisScanner(),
            deliverables=deliverables(),
        )
    )
    results = {(r.check, r.system): r.status for r in report.results if r.check.startswith("demo.")}
    assert results == {
        ("demo.use_case_only", "reco"): Status.ERROR,
        ("demo.marketing_only", "reco"): Status.NOT_APPLICABLE,
    }
