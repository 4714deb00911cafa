"""Signed evidence packs: export and verify end to end, then every way a pack can be
tampered with or be hostile (added, removed and changed files, a forged manifest, another
signer, zip-slip paths, symbolic links, zip bombs): each is caught, nothing is extracted."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from charter.domain.evidence import EvidenceFile
from charter.engines.evidence.packs import verify_pack, write_pack
from support import minimal_workspace_files, run_cli, write_workspace


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture
def signer() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def pack(tmp_path: Path, signer: Ed25519PrivateKey) -> Path:
    target = tmp_path / "pack.zip"
    files = [
        EvidenceFile("README.txt", b"what is where\n"),
        EvidenceFile("workspace/charter.yaml", b"partner: {id: acme}\n"),
        EvidenceFile("audit/latest.json", b'{"score": 91.0}\n'),
    ]
    write_pack(target, files, signer, _pem(signer), {"partner": "acme"})
    return target


def _rewrite(source: Path, target: Path, edit: dict[str, bytes | None]) -> Path:
    """Copy a pack, replacing (bytes) or dropping (None) members; new names are added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in edit:
                data = edit[info.filename]
                if data is not None:
                    new.writestr(info, data)
                continue
            new.writestr(info, old.read(info))
        for name, data in edit.items():
            if data is not None and name not in old.namelist():
                new.writestr(name, data)
    return target


def test_an_intact_pack_verifies_and_names_its_signer(
    pack: Path, signer: Ed25519PrivateKey
) -> None:
    result = verify_pack(pack, _pem(signer))
    assert result.ok, result.problems
    assert result.files == 3
    assert result.fingerprint is not None
    assert result.fingerprint.startswith("SHA256:")
    other = verify_pack(pack, _pem(Ed25519PrivateKey.generate()))
    assert not other.ok
    assert "not by the pinned key" in other.problems[0]


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        ({"audit/latest.json": b'{"score": 100.0}\n'}, "audit/latest.json: changed"),
        ({"audit/latest.json": None}, "audit/latest.json: removed"),
        ({"extra/notes.txt": b"slipped in"}, "extra/notes.txt: added"),
    ],
)
def test_tampered_files_are_caught(
    pack: Path, tmp_path: Path, edit: dict[str, bytes | None], problem: str
) -> None:
    result = verify_pack(_rewrite(pack, tmp_path / "tampered.zip", edit))
    assert not result.ok
    assert any(p.startswith(problem) for p in result.problems), result.problems


def test_a_forged_manifest_breaks_the_signature(pack: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(pack) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["files"] = [f for f in manifest["files"] if f["path"] != "audit/latest.json"]
    forged = _rewrite(
        pack,
        tmp_path / "forged.zip",
        {"manifest.json": json.dumps(manifest).encode(), "audit/latest.json": None},
    )
    result = verify_pack(forged)
    assert result.problems == ["the signature does not match the manifest"]


def _hostile_zip(path: Path, name: str, data: bytes, *, symlink: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        if symlink:
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, data)
        archive.writestr("manifest.json", b"{}")
        archive.writestr("signature.json", b"{}")
    return path


@pytest.mark.parametrize(
    ("name", "data", "symlink", "problem"),
    [
        ("../../escaped.txt", b"x", False, "a path outside the pack (zip-slip)"),
        ("/etc/cron.d/evil", b"x", False, "a path outside the pack (zip-slip)"),
        ("link", b"/etc/passwd", True, "a symbolic link"),
        ("bomb.bin", b"\0" * (20 << 20), False, "(a zip bomb)"),
    ],
)
def test_hostile_packs_are_refused_without_extracting(
    tmp_path: Path, name: str, data: bytes, symlink: bool, problem: str
) -> None:
    hostile = _hostile_zip(tmp_path / "hostile.zip", name, data, symlink=symlink)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = verify_pack(hostile)
    assert not result.ok
    assert problem in result.problems[0]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written


def test_cli_exports_and_verifies_a_workspace(tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", minimal_workspace_files())
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    audited = run_cli("audit", str(root), "--as-of", "2026-11-24", "--format", "json", env=env)
    assert audited.returncode == 0, audited.stderr
    target = tmp_path / "evidence.zip"
    exported = run_cli("evidence", "export", "-w", str(root), "-o", str(target), env=env)
    assert exported.returncode == 0, exported.stderr
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        assert json.loads(archive.read("audit/latest.json"))["schema"] == "charter.audit/v1"
        assert json.loads(archive.read("training/status.json"))["coverage"] == 1.0
        history = json.loads(archive.read("monitoring/history.json"))
        assert history["schema"] == "charter.monitor-history/v1"
        trail = json.loads(archive.read("manifest.json"))["audit_trail"]
        assert (trail["intact"], trail["entries"]) == (True, 1)
        pinned = run_cli("log", "verify", "-w", str(root), "--head", trail["head"], env=env)
        assert pinned.returncode == 0, pinned.stderr
    assert {
        "README.txt", "manifest.json", "signature.json", "audit/latest.html",
        "issues/issues.json", "guidelines/versions.json", "workspace/systems/reco.yaml",
        "workspace/training/records.csv", "training/status.json", "monitoring/history.json",
        "monitoring/history.html",
    } <= names  # fmt: skip
    public = tmp_path / "signer.pem"
    shown = run_cli("keys", "export-public", "--output", str(public), env=env)
    assert shown.returncode == 0, shown.stderr
    verified = run_cli("evidence", "verify", str(target), "--public-key", str(public), env=env)
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout
    broken = _rewrite(target, tmp_path / "broken.zip", {"workspace/systems/reco.yaml": b"x"})
    refused = run_cli("evidence", "verify", str(broken), env=env)
    assert refused.returncode == 1
    assert "workspace/systems/reco.yaml: changed" in refused.stderr


def test_a_folder_entry_cannot_hide_a_bomb(tmp_path: Path) -> None:
    path = tmp_path / "folder-bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("evil/")
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, b"\0" * (20 << 20))
        archive.writestr("manifest.json", b"{}")
        archive.writestr("signature.json", b"{}")
    result = verify_pack(path)
    assert not result.ok
    assert "(a zip bomb)" in result.problems[0]


@pytest.mark.parametrize(
    "edit",
    [
        {"manifest.json": b"[]"},
        {"signature.json": b'{"public_key": 5, "signature": "AAAA"}'},
        {"signature.json": b'{"public_key": "not a key", "signature": "AAAA"}'},
        {"manifest.json": b'{"files": [{"sha256": "x"}]}'},
    ],
)
def test_malformed_manifests_and_signatures_are_problems_not_crashes(
    pack: Path, tmp_path: Path, edit: dict[str, bytes | None]
) -> None:
    result = verify_pack(_rewrite(pack, tmp_path / "malformed.zip", edit))
    assert not result.ok
    assert result.problems


def test_a_corrupted_member_is_reported(pack: Path, tmp_path: Path) -> None:
    data = bytearray(pack.read_bytes())
    with zipfile.ZipFile(pack) as archive:
        info = archive.getinfo("audit/latest.json")
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[offset + 2] ^= 0xFF  # inside the compressed bytes: the CRC no longer matches
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    result = verify_pack(damaged)
    assert not result.ok
    assert any(p.startswith("audit/latest.json:") for p in result.problems), result.problems
