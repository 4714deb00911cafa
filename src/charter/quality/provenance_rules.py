"""Provenance rules: what a file's content credentials, or its signed detached record, say
about how it was made, against what the partner declared.

Media that can carry C2PA (images, WAV, MP4...) are judged on their manifest; text and
containers C2PA cannot embed into (subtitles, synopses, FLAC) on a detached record
``<file>.provenance.json`` signed with the partner's key (format ``charter.provenance/v1``,
docs/quality.md).

Rules (all error severity):

- ``PV-PRESENT``: media carry an embedded C2PA manifest; text has a detached record beside it.
- ``PV-VALID``: the manifest validates (``Valid``/``Trusted``); the record's signature
  verifies and its SHA-256 is the file's.
- ``PV-TRUST``: signed under a configured trust anchor or record key (checked only when
  some are configured).
- ``PV-DST``: an AI digital source type is stated, and it is the one the partner declared.

A valid manifest proves the bytes are unchanged since signing and who signed; it does not
prove the stated source type is true (c2pa-rs accepts any string there).
"""

from __future__ import annotations

from dataclasses import dataclass

from charter.quality.timed_text_rules import QcFinding

IPTC_SOURCE_TYPES = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI_SOURCE_TYPES = frozenset(
    {"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "compositeSynthetic"}
)
"""IPTC digital source types that mark generative-AI output (the issue's three; ``algorithmic
Media`` is made without training data and is not GenAI)."""


def short_source_type(value: str) -> str:
    """``trainedAlgorithmicMedia`` from the IPTC URI or the bare term; any other URI stays
    whole (so ``http://x/trainedAlgorithmicMedia`` is not taken for the IPTC term)."""
    return value.removeprefix(IPTC_SOURCE_TYPES)


@dataclass(frozen=True)
class Credentials:
    """What a file's C2PA manifest store says (read offline)."""

    state: str
    """``Invalid``, ``Valid`` or ``Trusted`` (c2pa's validation state)."""
    failures: tuple[str, ...]
    """Failure codes of the active manifest (``assertion.dataHash.mismatch``...)."""
    source_types: tuple[str, ...]
    """Digital source types of the active manifest's actions, short form."""
    generator: str | None
    signer: str | None
    anchors_configured: bool


@dataclass(frozen=True)
class RecordFacts:
    """A detached provenance record checked against its file."""

    digest_matches: bool
    signature_valid: bool
    trusted: bool
    keys_configured: bool
    source_type: str | None
    signer: str
    """Fingerprint of the key that signed it."""
    tool: str | None


@dataclass(frozen=True)
class Provenance:
    """All a file carries: its manifest when it has one, else its detached record."""

    embeddable: bool
    """C2PA can embed into this kind of file."""
    credentials: Credentials | None
    record: RecordFacts | None

    def facts(self) -> dict[str, object]:
        """The evidence: which kind of provenance, its state, signer and source type."""
        if self.credentials is not None:
            c = self.credentials
            return {
                "provenance": "c2pa",
                "validation_state": c.state,
                "trusted": c.state == "Trusted",
                "digital_source_types": list(c.source_types),
                "signer": c.signer,
                "generator": c.generator,
            }
        if self.record is not None:
            r = self.record
            return {
                "provenance": "record",
                "signature_valid": r.signature_valid,
                "sha256_matches": r.digest_matches,
                "trusted": r.trusted,
                "digital_source_type": r.source_type,
                "signer": r.signer,
                "tool": r.tool,
            }
        return {"provenance": None}


def check_provenance(
    provenance: Provenance, declared: str | None, *, require_declaration: bool = True
) -> list[QcFinding]:
    """Media C2PA embeds into are judged on their manifest only (a detached record could
    be made by anyone for a stripped file); other files on their record. Without
    ``require_declaration`` (``charter provenance verify`` without ``--declared``) any AI
    source type passes PV-DST."""
    if provenance.embeddable:
        return check_credentials(provenance.credentials, declared, require_declaration)
    return check_record(provenance.record, declared, require_declaration)


def check_credentials(
    credentials: Credentials | None, declared: str | None, require_declaration: bool = True
) -> list[QcFinding]:
    if credentials is None:
        return [_error("PV-PRESENT", "no C2PA manifest is embedded", None, "C2PA manifest")]
    found: list[QcFinding] = []
    if credentials.state == "Invalid":
        codes = ", ".join(credentials.failures) or "no reason given"
        found.append(
            _error("PV-VALID", f"the manifest does not validate ({codes})", "Invalid", "Valid")
        )
    elif credentials.anchors_configured and credentials.state != "Trusted":
        found.append(
            _error(
                "PV-TRUST",
                f"signed by {credentials.signer or 'an unknown signer'}, "
                "not under a configured trust anchor",
                credentials.state,
                "Trusted",
            )
        )
    found += _source_type(
        list(credentials.source_types), declared, "the manifest", require_declaration
    )
    return found


def check_record(
    record: RecordFacts | None, declared: str | None, require_declaration: bool = True
) -> list[QcFinding]:
    if record is None:
        return [
            _error(
                "PV-PRESENT",
                "no signed provenance record (<file>.provenance.json) lies beside it",
                None,
                "record",
            )
        ]
    found: list[QcFinding] = []
    if not record.signature_valid:
        found.append(_error("PV-VALID", "the record's signature does not verify", "bad", "valid"))
    elif not record.digest_matches:
        found.append(
            _error(
                "PV-VALID",
                "the file changed after the record was signed (SHA-256)",
                "changed",
                "same",
            )
        )
    elif record.keys_configured and not record.trusted:
        found.append(
            _error(
                "PV-TRUST",
                f"signed by key {record.signer}, not a configured record key",
                record.signer,
                "trusted key",
            )
        )
    types = [record.source_type] if record.source_type else []
    found += _source_type(types, declared, "the record", require_declaration)
    return found


def _source_type(
    found_types: list[str], declared: str | None, where: str, require_declaration: bool
) -> list[QcFinding]:
    ai = [t for t in found_types if t in AI_SOURCE_TYPES]
    stated = ", ".join(found_types) or "none"
    if not ai:
        return [
            _error(
                "PV-DST",
                f"{where} states no AI digital source type (found: {stated})",
                stated,
                ", ".join(sorted(AI_SOURCE_TYPES)),
            )
        ]
    if declared is None and not require_declaration:
        return []
    if declared is None:
        return [
            _error(
                "PV-DST",
                f"{where} says {ai[0]} but the deliverable declares no digital_source_type",
                ai[0],
                "declared",
            )
        ]
    wanted = short_source_type(declared)
    if wanted not in found_types:
        return [
            _error(
                "PV-DST",
                f"declared {wanted}, {where} says {stated}",
                stated,
                wanted,
            )
        ]
    return []


def _error(rule: str, message: str, value: str | None, limit: str | None) -> QcFinding:
    return QcFinding(rule, None, None, None, message, "error", value, limit)
