"""``charter provenance``: signing media (C2PA) and text (detached records) at run time with
material made here, then verifying them offline."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from support import minimal_workspace_files, run_cli, write_workspace


def _verify(*args: str, env: dict[str, str]) -> tuple[int, list[dict[str, object]]]:
    done = run_cli("provenance", "verify", *args, "--format", "json", env=env)
    return done.returncode, json.loads(done.stdout)["files"]


def test_sign_and_verify_media_and_text(tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "config")}
    workspace = write_workspace(tmp_path / "ws", minimal_workspace_files())
    assert run_cli("keys", "init", "--workspace", str(workspace), env=env).returncode == 0
    certs = tmp_path / "certs"
    made = run_cli("provenance", "test-certificate", str(certs), env=env)
    assert made.returncode == 0, made.stderr
    assert (certs / "signer-key.pem").stat().st_mode & 0o777 == 0o600
    image, plain, text = tmp_path / "key-art.png", tmp_path / "plain.png", tmp_path / "syn.txt"
    Image.new("RGB", (32, 18), (200, 10, 10)).save(image)
    Image.new("RGB", (32, 18), (10, 200, 10)).save(plain)
    text.write_text("A keeper and a storm.\n", encoding="utf-8")

    signed = run_cli(
        "provenance", "sign", str(image), "-t", "compositeWithTrainedAlgorithmicMedia",
        "--cert", str(certs / "signer-chain.pem"), "--key", str(certs / "signer-key.pem"),
        env=env,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    recorded = run_cli(
        "provenance", "sign", str(text), "-t", "trainedAlgorithmicMedia", "--tool", "lumen-llm",
        "--reviewer", "clara", env=env,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    record = json.loads((tmp_path / "syn.txt.provenance.json").read_text())
    assert record["schema"] == "charter.provenance/v1"
    assert record["payload"]["human_reviewed"] is True

    code, files = _verify(
        str(image), str(text), "--trust-anchors", str(certs / "test-ca.pem"), env=env
    )
    assert code == 0, files
    assert files[0]["validation_state"] == "Trusted"
    assert files[0]["digital_source_types"] == ["compositeWithTrainedAlgorithmicMedia"]
    assert files[1]["provenance"] == "record"
    assert files[1]["sha256_matches"] is True

    # Declared differently, unsigned, and changed after signing: each fails on its rule.
    text.write_text("A keeper and a storm, edited.\n", encoding="utf-8")
    code, files = _verify(
        str(image), str(plain), str(text), "--declared", "trainedAlgorithmicMedia", env=env
    )
    assert code == 1
    assert [[f["rule"] for f in entry["findings"]] for entry in files] == [  # type: ignore[union-attr]
        ["PV-DST"],
        ["PV-PRESENT"],
        ["PV-VALID"],
    ]


def test_bad_input_is_a_one_line_error(tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "config")}
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    code, files = _verify(str(junk), env=env)
    assert code == 2
    assert files[0]["verdict"] == "error"
    assert "junk.png" in str(files[0]["error"])
    wrong = run_cli("provenance", "sign", str(junk), "-t", "digitalCapture", env=env)
    assert wrong.returncode == 2
    assert wrong.stderr.strip().count("\n") == 0
    assert "digitalCapture" in wrong.stderr
    nokey = run_cli("provenance", "sign", str(junk), "-t", "trainedAlgorithmicMedia", env=env)
    assert nokey.returncode == 2
    assert "charter keys init" in nokey.stderr
    assert not (tmp_path / "junk.png.provenance.json").exists()
