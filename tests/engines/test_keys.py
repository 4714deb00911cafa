"""``charter keys``: keys in the config dir with 0600, never in the workspace; sharing."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from support import run_cli


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_show_export(workspace_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    env = {"CHARTER_CONFIG_DIR": str(config)}
    first = run_cli("keys", "init", "--workspace", str(workspace_dir), env=env)
    assert first.returncode == 0, first.stderr
    assert "created signing key" in first.stdout
    assert "created HMAC key for 'acme-post'" in first.stdout
    signing = config / "signing-key.pem"
    hmac_key = config / "hmac" / "acme-post.key"
    assert _mode(signing) == 0o600
    assert _mode(hmac_key) == 0o600
    assert not any(p.suffix in (".pem", ".key") for p in workspace_dir.rglob("*"))
    again = run_cli("keys", "init", "--workspace", str(workspace_dir), env=env)
    assert "kept signing key" in again.stdout
    assert signing.read_bytes() == signing.read_bytes()

    shown = json.loads(
        run_cli(
            "keys", "show", "--workspace", str(workspace_dir), "--format", "json", env=env
        ).stdout
    )
    assert shown["public_key_fingerprint"].startswith("SHA256:")
    assert len(shown["hmac_key_id"]) == 16
    secret = hmac_key.read_text().strip()
    assert secret not in json.dumps(shown)

    public = run_cli("keys", "export-public", env=env)
    assert public.stdout.startswith("-----BEGIN PUBLIC KEY-----")


def test_team_shares_one_hmac_key(workspace_dir: Path, tmp_path: Path) -> None:
    alice = {"CHARTER_CONFIG_DIR": str(tmp_path / "alice")}
    bob = {"CHARTER_CONFIG_DIR": str(tmp_path / "bob")}
    for env in (alice, bob):
        assert run_cli("keys", "init", "--workspace", str(workspace_dir), env=env).returncode == 0

    def key_id(env: dict[str, str]) -> str:
        out = run_cli(
            "keys", "show", "--workspace", str(workspace_dir), "--format", "json", env=env
        )
        return str(json.loads(out.stdout)["hmac_key_id"])

    assert key_id(alice) != key_id(bob)
    shared = tmp_path / "shared.key"
    exported = run_cli(
        "keys", "export-hmac", "--output", str(shared), "--workspace", str(workspace_dir), env=alice
    )
    assert exported.returncode == 0, exported.stderr
    assert _mode(shared) == 0o600
    imported = run_cli(
        "keys", "import-hmac", str(shared), "--workspace", str(workspace_dir), env=bob
    )
    assert imported.returncode == 0, imported.stderr
    assert key_id(alice) == key_id(bob)
    via_config = {**bob, "CHARTER_HMAC_KEY_FILE": str(shared)}
    assert key_id(via_config) == key_id(alice)


def test_keys_readable_by_others_are_refused(workspace_dir: Path, tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "config")}
    run_cli("keys", "init", "--workspace", str(workspace_dir), env=env)
    signing = tmp_path / "config" / "signing-key.pem"
    signing.chmod(0o644)
    result = run_cli("keys", "show", "--workspace", str(workspace_dir), env=env)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"{signing}: signing key is readable by others (mode 644); chmod 600 it"
    )


def test_missing_keys_say_how_to_create_them(workspace_dir: Path, tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "empty")}
    result = run_cli("keys", "show", "--workspace", str(workspace_dir), env=env)
    assert result.returncode == 2
    assert "no signing key: run 'charter keys init'" in result.stderr


def test_secrets_never_go_into_the_workspace_or_through_symlinks(
    workspace_dir: Path, tmp_path: Path
) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "config")}
    run_cli("keys", "init", "--workspace", str(workspace_dir), env=env)
    inside = run_cli(
        "keys",
        "export-hmac",
        "--output",
        str(workspace_dir / "team.key"),
        "--workspace",
        str(workspace_dir),
        env=env,
    )
    assert inside.returncode == 2
    assert "refusing to write a secret key inside the workspace" in inside.stderr
    assert not (workspace_dir / "team.key").exists()

    shared = tmp_path / "shared.key"
    shared.write_text("ab" * 32 + "\n")
    victim = tmp_path / "victim.txt"
    victim.write_text("do not overwrite\n")
    key_path = tmp_path / "config" / "hmac" / "acme-post.key"
    key_path.unlink()
    key_path.symlink_to(victim)
    imported = run_cli(
        "keys", "import-hmac", str(shared), "--workspace", str(workspace_dir), env=env
    )
    assert imported.returncode == 0, imported.stderr
    assert victim.read_text() == "do not overwrite\n"
    assert not key_path.is_symlink()
    assert _mode(key_path) == 0o600


def test_corrupt_keys_are_input_errors(workspace_dir: Path, tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "config")}
    run_cli("keys", "init", "--workspace", str(workspace_dir), env=env)
    signing = tmp_path / "config" / "signing-key.pem"
    signing.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    result = run_cli("keys", "show", "--workspace", str(workspace_dir), env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == f"{signing}: signing key file is corrupt"


def test_a_key_directory_inside_the_workspace_is_refused(workspace_dir: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(workspace_dir / ".keys")}
    result = run_cli("keys", "init", "--workspace", str(workspace_dir), env=env)
    assert result.returncode == 2
    assert "the key directory is inside the workspace" in result.stderr
    assert not (workspace_dir / ".keys").exists()
