"""Signed evidence packs: a zip of what an auditor asks for, ``manifest.json`` with the
SHA-256 of every file, and ``signature.json``: an Ed25519 signature of the manifest's bytes
with the public key that checks it.

Verification never extracts anything: members are read and hashed in memory, one by one,
and refused before reading when the zip is hostile (a path outside the pack, a symbolic
link, an entry or a total larger than the limits, a compression ratio of a zip bomb).
"""

from __future__ import annotations

import base64
import hashlib
import json
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from charter.domain.errors import InputError
from charter.domain.evidence import EvidenceFile
from charter.engines.keys.keystore import fingerprint_of

MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
SCHEMA = "charter.evidence-pack/v1"
MAX_ENTRY_BYTES = 512 << 20
MAX_TOTAL_BYTES = 2 << 30
MAX_RATIO = 200
"""Uncompressed / compressed size above which an entry is treated as a zip bomb (text
compresses 5-20 times; a bomb thousands of times)."""
MAX_ENTRIES = 100_000


@dataclass
class Verification:
    ok: bool
    fingerprint: str | None = None
    files: int = 0
    problems: list[str] = field(default_factory=list)


def _fingerprint(public_pem: bytes) -> str:
    """The key's fingerprint as ``charter keys show`` prints it."""

    key = serialization.load_pem_public_key(public_pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return fingerprint_of(key)


def write_pack(
    target: Path,
    files: list[EvidenceFile],
    private_key: Any,
    public_pem: bytes,
    meta: dict[str, Any],
) -> dict[str, Any]:
    """Write the pack atomically (a partial file never appears under ``target``)."""
    seen: set[str] = set()
    for item in files:
        _check_name(item.path, str(target))
        if item.path in seen or item.path in (MANIFEST, SIGNATURE):
            raise ValueError(f"duplicate or reserved pack path {item.path!r}")
        seen.add(item.path)
    manifest = {
        "schema": SCHEMA,
        **meta,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": [
            {
                "path": item.path,
                "sha256": hashlib.sha256(item.data).hexdigest(),
                "bytes": len(item.data),
            }
            for item in sorted(files, key=lambda f: f.path)
        ],
    }
    manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"
    signature = {
        "algorithm": "Ed25519",
        "signed": MANIFEST,
        "public_key": public_pem.decode(),
        "fingerprint": _fingerprint(public_pem),
        "signature": base64.b64encode(private_key.sign(manifest_bytes)).decode(),
    }
    partial = target.with_name(f".{target.name}.partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for item in sorted(files, key=lambda f: f.path):
                archive.writestr(_entry(item.path), item.data)
            archive.writestr(_entry(MANIFEST), manifest_bytes)
            archive.writestr(_entry(SIGNATURE), json.dumps(signature, indent=2) + "\n")
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _entry(name: str) -> zipfile.ZipInfo:
    """A regular file entry with a fixed time and mode: the same content, the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _check_name(name: str, where: str) -> None:
    path = PurePosixPath(name)
    if (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or path.is_absolute()
        or ".." in path.parts
        or (len(name) > 1 and name[1] == ":")
    ):
        raise InputError.at(where, 0, 0, f"unsafe path in pack: {name!r}")


def verify_pack(source: Path, pinned_public_pem: bytes | None = None) -> Verification:
    """Check every file against the manifest, the manifest against the signature, and the
    signer against ``pinned_public_pem`` when given. Hostile archives are refused with a
    problem, never extracted."""
    name = str(source)
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError.at(name, 0, 0, f"not a readable zip: {exc}") from exc
    result = Verification(ok=False)
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            result.problems.append(f"{len(infos)} entries: more than {MAX_ENTRIES}")
            return result
        total = 0
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            problem = _hostile(info)
            if problem:
                result.problems.append(problem)
                return result
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                result.problems.append(f"more than {MAX_TOTAL_BYTES >> 20} MiB uncompressed")
                return result
            if info.filename in members:
                result.problems.append(f"{info.filename}: listed twice in the zip")
                return result
            members[info.filename] = info
        if MANIFEST not in members or SIGNATURE not in members:
            result.problems.append("no manifest.json or signature.json: not a Charter pack")
            return result
        try:
            manifest_bytes = _read(archive, members[MANIFEST])
            signature = json.loads(_read(archive, members[SIGNATURE]))
            manifest = json.loads(manifest_bytes)
            public_pem = str(signature["public_key"]).encode()
            signed = base64.b64decode(str(signature["signature"]), validate=True)
            listed = {str(entry["path"]): str(entry["sha256"]) for entry in manifest["files"]}
            result.fingerprint = _fingerprint(public_pem)
        except (ValueError, KeyError, TypeError, AttributeError, InputError,
                zipfile.BadZipFile, zlib.error) as exc:  # fmt: skip
            result.problems.append(f"manifest or signature unreadable: {exc}")
            return result
        # Nothing else is read until the signature and the signer hold.
        if not _signature_holds(public_pem, signed, manifest_bytes):
            result.problems.append("the signature does not match the manifest")
            return result
        if pinned_public_pem is not None and _fingerprint(pinned_public_pem) != result.fingerprint:
            result.problems.append(
                f"signed by {result.fingerprint}, not by the pinned key "
                f"{_fingerprint(pinned_public_pem)}"
            )
            return result
        for path in sorted(set(members) - set(listed) - {MANIFEST, SIGNATURE}):
            if not members[path].is_dir():
                result.problems.append(f"{path}: added (not in the manifest)")
        for path in sorted(set(listed) - set(members)):
            result.problems.append(f"{path}: removed (listed in the manifest, not in the pack)")
        for path in sorted(set(listed) & set(members)):
            try:
                digest = hashlib.sha256(_read(archive, members[path])).hexdigest()
            except (InputError, zipfile.BadZipFile, zlib.error, OSError) as exc:
                result.problems.append(f"{path}: unreadable ({exc})")
                continue
            if digest != listed[path]:
                result.problems.append(f"{path}: changed (its SHA-256 differs from the manifest)")
        result.files = len(listed)
    result.ok = not result.problems
    return result


def _hostile(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    try:
        _check_name(name, "pack")
    except InputError:
        return f"{name!r}: a path outside the pack (zip-slip)"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return f"{name}: a symbolic link"
    if info.file_size > MAX_ENTRY_BYTES:
        return f"{name}: {info.file_size:,} bytes uncompressed, more than the limit"
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        return f"{name}: compressed {info.file_size // info.compress_size}:1 (a zip bomb)"
    if info.is_dir() and info.file_size:
        return f"{name}: a folder entry with content"
    return None


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than it declares (a lying header is caught)."""
    with archive.open(info) as handle:
        data = handle.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise InputError.at(info.filename, 0, 0, "larger than its zip header says")
    return data


def _signature_holds(public_pem: bytes, signed: bytes, message: bytes) -> bool:

    try:
        key = serialization.load_pem_public_key(public_pem)
    except ValueError:
        return False
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(signed, message)
    except InvalidSignature:
        return False
    return True


WORKSPACE_FILES = ("charter.yaml", "people.yaml", "tools.yaml", "training/records.csv")


def workspace_files(root: Path, system: str | None = None) -> list[EvidenceFile]:
    """The workspace as submitted: its registers and cards, byte for byte (with ``system``,
    that system's card and the use cases that run in it)."""

    files = [
        EvidenceFile(f"workspace/{rel}", (root / rel).read_bytes())
        for rel in WORKSPACE_FILES
        if (root / rel).is_file()
    ]
    for folder in ("systems", "usecases"):
        for path in sorted((root / folder).glob("*.yaml")):
            data = path.read_bytes()
            if system is not None:
                document = yaml.safe_load(data) or {}
                owner = document.get("id") if folder == "systems" else document.get("system")
                if owner != system:
                    continue
            files.append(EvidenceFile(f"workspace/{folder}/{path.name}", data))
    return files
