"""Detached provenance records for files C2PA cannot embed into (subtitles, synopses):
``<file>.provenance.json``, format ``charter.provenance/v1``::

    {"schema": "charter.provenance/v1",
     "payload": {"file": "ep101-en-US.ttml", "sha256": "...", "bytes": 5120,
                 "digital_source_type": "http://cv.iptc.org/newscodes/digitalsourcetype/...",
                 "tool": "lumen-llm", "model": null, "human_reviewed": true,
                 "reviewer": "clara-romero", "approval": "PLT-GENAI-2530",
                 "signed_at": "2026-11-25T10:00:00Z"},
     "signature": {"alg": "Ed25519", "key": "SHA256:<fingerprint>",
                   "public_key": "-----BEGIN PUBLIC KEY-----...", "value": "<base64>"}}

The signature covers the payload's canonical JSON (keys sorted, no spaces, UTF-8). The
public key travels in the record so anyone can check integrity; which keys are *trusted*
is the workspace's configuration (``provenance.record_keys``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from charter.domain.errors import InputError
from charter.quality.provenance_rules import IPTC_SOURCE_TYPES, RecordFacts, short_source_type

SCHEMA = "charter.provenance/v1"
SUFFIX = ".provenance.json"
MAX_RECORD_BYTES = 1 << 20


def record_path(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign_record(
    path: Path,
    private_key: Any,
    fingerprint: str,
    *,
    source_type: str,
    tool: str | None = None,
    model: str | None = None,
    reviewer: str | None = None,
    approval: str | None = None,
) -> Path:
    """Write ``<file>.provenance.json`` for ``path``, signed with an Ed25519 key."""
    from cryptography.hazmat.primitives import serialization

    sha256, size = file_digest(path)
    payload = {
        "file": path.name,
        "sha256": sha256,
        "bytes": size,
        "digital_source_type": IPTC_SOURCE_TYPES + short_source_type(source_type),
        "tool": tool,
        "model": model,
        "human_reviewed": reviewer is not None,
        "reviewer": reviewer,
        "approval": approval,
        "signed_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    public = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    record = {
        "schema": SCHEMA,
        "payload": payload,
        "signature": {
            "alg": "Ed25519",
            "key": fingerprint,
            "public_key": public.decode(),
            "value": base64.b64encode(private_key.sign(canonical(payload))).decode(),
        },
    }
    target = record_path(path)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(target)
    return target


def read_record(path: Path, trusted_keys: frozenset[str], fingerprint: Any) -> RecordFacts | None:
    """The record beside ``path`` checked against the file, or ``None`` when there is none.
    ``trusted_keys`` are key fingerprints; ``fingerprint`` computes one from a public key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    source = record_path(path)
    if not source.is_file():
        return None
    name = str(source)
    if source.stat().st_size > MAX_RECORD_BYTES:
        raise InputError.at(name, 0, 0, "provenance record over 1 MiB")
    try:
        record = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", 0)
        raise InputError.at(name, line, 0, f"not a JSON provenance record: {exc}") from exc
    except RecursionError as exc:  # [[[[... nested past the parser's depth
        raise InputError.at(name, 1, 1, "not a provenance record: nested too deeply") from exc
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        raise InputError.at(name, 1, 1, f"schema is not {SCHEMA}")
    payload = record.get("payload")
    signature = record.get("signature")
    if not isinstance(payload, dict) or not isinstance(signature, dict):
        raise InputError.at(name, 1, 1, "payload and signature objects are required")
    try:
        key = load_pem_public_key(str(signature.get("public_key", "")).encode())
        value = base64.b64decode(str(signature.get("value", "")), validate=True)
    except ValueError as exc:
        raise InputError.at(name, 1, 1, f"signature: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InputError.at(name, 1, 1, "signature: public_key is not an Ed25519 key")
    try:
        key.verify(value, canonical(payload))
        valid = True
    except InvalidSignature:
        valid = False
    except (UnicodeError, RecursionError, TypeError, ValueError) as exc:
        raise InputError.at(name, 1, 1, f"payload cannot be canonicalised: {exc}") from exc
    signer = fingerprint(key)
    try:
        sha256, _ = file_digest(path)
    except OSError as exc:
        raise InputError.at(str(path), 0, 0, f"cannot read file: {exc.strerror}") from exc
    source_type = payload.get("digital_source_type")
    return RecordFacts(
        digest_matches=payload.get("sha256") == sha256,
        signature_valid=valid,
        trusted=signer in trusted_keys,
        keys_configured=bool(trusted_keys),
        source_type=short_source_type(source_type) if isinstance(source_type, str) else None,
        signer=signer,
        tool=payload.get("tool") if isinstance(payload.get("tool"), str) else None,
    )
