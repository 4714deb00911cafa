"""A small real workspace and its real audit, for the renderer tests: files written to a
folder, loaded by the real loader and audited by the real service against the built-in packs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import jsonschema

from charter.checks.registry import load_registry
from charter.composition import personal_data_scans
from charter.domain.checks import Check, CheckCatalog
from charter.domain.guidelines import Pack
from charter.engines.scan.scanner import IbisScanner
from charter.guidelines.library import BuiltinPackLibrary
from charter.reports.audit_json import audit_document, audit_schema
from charter.services.audit import AuditRequest, run_audit
from charter.services.validation import resolve_packs
from charter.workspace.loader import load_workspace
from charter.workspace.scaffold import scaffold_workspace

AS_OF = date(2026, 5, 1)
SHARED_MINIMAL_AS_OF = date(2026, 11, 24)
PINS = [("partner-ai-usage", "2026.2"), ("genai-content-production", "2026.1")]
HOSTILE_TALENT = "<script>alert('pwn')</script> & Co"

PEOPLE = """\
people:
  - id: compliance-lead
    name: Compliance Lead
    email: lead@acme.example
    team: Compliance
    roles: [compliance_lead, reviewer, approver, owner, executive, incident_contact]
"""

TOOLS = """\
tools:
  - id: voicegen
    name: VoiceGen Studio
    vendor: Example Audio Ltd
    kind: genai_audio
    enterprise_agreement: false
    trains_on_inputs: true
    approved_stages: [ideation]
"""

# Line numbers matter: tests find the offending fields by searching this text.
RECO_CARD = """\
id: reco
name: Title recommendations
category: recommendation
lifecycle: production
purpose: Recommend titles to subscribers.
user_facing: true
owner: compliance-lead
accountable_executive: compliance-lead
incident_contact: compliance-lead
data_sources:
  - id: viewing-logs
    name: Viewing history
    kind: logs
    location: warehouse.viewing_events
    personal_data: true
"""

# A GenAI use case that names no system: its findings belong to the organisation.
USE_CASE = f"""\
id: trailer-voice
title: Trailer voice-over
production:
  title: Night Train
owner: compliance-lead
tools: [voicegen]
media_type: voice
stage: final_deliverable
first_use: 2026-03-01
involves:
  talent_likeness: true
principles:
  no_copyrighted_replication: "yes"
  no_storage_or_training: "no"
  enterprise_environment: "no"
  temporary_output: "no"
  talent_consent: "yes"
consents:
  - talent: "{HOSTILE_TALENT}"
    scope: voice clone for the trailer
    document: contracts/voice-consent.pdf
    signed_on: 2026-01-10
    expires_on: 2026-02-01
"""

# The second run: the first source now documented, a new undocumented one added.
RECO_CARD_SECOND_RUN = RECO_CARD.replace(
    "    personal_data: true\n",
    "    personal_data: true\n"
    "    provenance: own collection\n"
    "    personal_data_categories: [viewing_history]\n"
    "    data_subjects: [subscribers]\n"
    "  - id: click-stream\n"
    "    name: Clicks\n"
    "    kind: features\n"
    "    location: warehouse.clicks\n"
    "    personal_data: false\n",
)


@dataclass(frozen=True)
class Audited:
    """A workspace and the ``charter.audit/v1`` document of its audit."""

    root: Path
    packs: list[Pack]
    document: dict[str, Any]


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line of ``text`` that contains ``needle``."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}"
    return found[0]


def write_workspace(root: Path, card: str = RECO_CARD) -> Path:
    scaffold_workspace(root, PINS, "acme", "Acme Post")
    (root / "people.yaml").write_text(PEOPLE, encoding="utf-8")
    (root / "tools.yaml").write_text(TOOLS, encoding="utf-8")
    (root / "systems" / "reco.yaml").write_text(card, encoding="utf-8")
    (root / "usecases" / "trailer-voice.yaml").write_text(USE_CASE, encoding="utf-8")
    return root


def audit(
    root: Path,
    *,
    catalog: CheckCatalog | None = None,
    previous: tuple[str, set[str]] | None = None,
    as_of: date = AS_OF,
) -> Audited:
    workspace = load_workspace(root)
    packs = resolve_packs(workspace, BuiltinPackLibrary())
    scanner = IbisScanner()
    report = run_audit(
        AuditRequest(
            workspace=workspace,
            packs=packs,
            catalog=catalog or load_registry(),
            as_of=as_of,
            actor="compliance-lead",
            scanner=scanner,
            personal_data=personal_data_scans(workspace, scanner),
        ),
        clock=lambda: datetime.combine(as_of, time(9, 30), tzinfo=UTC),
        history=_FixedHistory(previous),
    )
    document = audit_document(report)
    jsonschema.validate(document, audit_schema())
    return Audited(root, packs, document)


class _FixedHistory:
    """A run history that always answers with the given previous run."""

    def __init__(self, previous: tuple[str, set[str]] | None) -> None:
        self.previous = previous

    def latest_fingerprints(
        self, partner: str, scopes: Sequence[str], system: str | None = None
    ) -> tuple[str, set[str]] | None:
        return self.previous


def reported_fingerprints(document: dict[str, Any]) -> set[str]:
    return {f["fingerprint"] for f in document["findings"] if f["status"] != "not_assessed"}


class CatalogWithout:
    """The real registry less some checks, as on an installation that lacks a plugin: the
    requirements they evidence become coverage gaps (``not_assessed``)."""

    def __init__(self, missing: set[str]) -> None:
        self._real = load_registry()
        self._missing = missing

    def get(self, check_id: str) -> type[Check] | None:
        return None if check_id in self._missing else self._real.get(check_id)

    def all(self) -> list[type[Check]]:
        return [c for c in self._real.all() if c.id not in self._missing]


GAPS = CatalogWithout({"monitoring.schedule_kept"})
"""The sample's audits: MON-04 is a coverage gap, so the reports show one."""


def audit_sample(folder: Path) -> Audited:
    """The sample workspace audited once (a first run: every finding is new)."""
    return audit(write_workspace(folder / "sample"), catalog=GAPS)


def audit_twice(folder: Path) -> Audited:
    """The second of two runs compared with each other: one finding fixed, new ones, the rest
    still failing."""
    root = write_workspace(folder / "compared")
    first = audit(root, catalog=GAPS)
    (root / "systems" / "reco.yaml").write_text(RECO_CARD_SECOND_RUN, encoding="utf-8")
    return audit(
        root,
        catalog=GAPS,
        previous=(first.document["run_id"], reported_fingerprints(first.document)),
    )


def audit_shared_minimal(root: Path) -> Audited:
    """The shared minimal workspace of ``tests/conftest.py`` (a compliant system and a
    low-tier use case, pinned to the first pack versions), audited after its last dated fact."""
    return audit(root, as_of=SHARED_MINIMAL_AS_OF)


class SwappedCatalog:
    """The real registry with some checks replaced, as a plugin could replace them."""

    def __init__(self, swaps: dict[str, Callable[[type[Check]], type[Check]]]) -> None:
        self._real = load_registry()
        self._swapped = {
            check_id: make(self._get_real(check_id)) for check_id, make in swaps.items()
        }

    def _get_real(self, check_id: str) -> type[Check]:
        check = self._real.get(check_id)
        assert check is not None, check_id
        return check

    def get(self, check_id: str) -> type[Check] | None:
        return self._swapped.get(check_id) or self._real.get(check_id)

    def all(self) -> list[type[Check]]:
        return [self._swapped.get(c.id, c) for c in self._real.all()]
