"""Detached provenance records: signing, verification against the file, and records that are
broken or hostile (each a located input error, never a crash)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from charter.domain.errors import InputError
from charter.engines.keys.keystore import fingerprint_of
from charter.engines.media.provenance_records import canonical, read_record, sign_record


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Ed25519PrivateKey]:
    text = tmp_path / "synopsis.txt"
    text.write_text("Una guardiana y una tormenta.\n", encoding="utf-8")
    key = Ed25519PrivateKey.generate()
    sign_record(text, key, fingerprint_of(key.public_key()), source_type="trainedAlgorithmicMedia")
    return text, key


def test_a_signed_record_verifies_and_names_its_signer(
    signed: tuple[Path, Ed25519PrivateKey],
) -> None:
    text, key = signed
    mine = fingerprint_of(key.public_key())
    facts = read_record(text, frozenset({mine}), fingerprint_of)
    assert facts is not None
    assert (facts.signature_valid, facts.digest_matches, facts.trusted) == (True, True, True)
    assert facts.signer == mine
    assert facts.source_type == "trainedAlgorithmicMedia"
    other = read_record(text, frozenset({"SHA256:someone-else"}), fingerprint_of)
    assert other is not None
    assert other.trusted is False
    assert other.keys_configured is True


def test_an_edited_payload_breaks_the_signature(signed: tuple[Path, Ed25519PrivateKey]) -> None:
    text, _ = signed
    record_file = text.with_name(text.name + ".provenance.json")
    record = json.loads(record_file.read_text())
    record["payload"]["digital_source_type"] = "digitalCapture"  # a forger's edit
    record_file.write_text(json.dumps(record))
    facts = read_record(text, frozenset(), fingerprint_of)
    assert facts is not None
    assert facts.signature_valid is False


def test_canonical_json_is_key_order_independent() -> None:
    assert (
        canonical({"b": 1, "a": "é"}) == canonical({"a": "é", "b": 1}) == '{"a":"é","b":1}'.encode()
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not a JSON provenance record"),
        (b'{"schema": "other/v1"}', "schema is not charter.provenance/v1"),
        (b'{"schema": "charter.provenance/v1", "payload": []}', "payload and signature"),
        (
            (
                b'{"schema": "charter.provenance/v1", "payload": {}, "signature": '
                b'{"public_key": "nope", "value": "AAAA"}}'
            ),
            "signature:",
        ),
        (b" " * (1 << 20) + b"{}", "over 1 MiB"),
        (b"[" * 200_000, "nested too deeply"),
    ],
)
def test_broken_records_are_located_errors(tmp_path: Path, content: bytes, message: str) -> None:
    text = tmp_path / "s.txt"
    text.write_text("x", encoding="utf-8")
    (tmp_path / "s.txt.provenance.json").write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_record(text, frozenset(), fingerprint_of)
    assert message in str(caught.value)
    assert "s.txt.provenance.json" in str(caught.value)


def test_no_record_is_none(tmp_path: Path) -> None:
    text = tmp_path / "s.txt"
    text.write_text("x", encoding="utf-8")
    assert read_record(text, frozenset(), fingerprint_of) is None


def test_a_payload_that_cannot_be_encoded_is_a_located_error(
    signed: tuple[Path, Ed25519PrivateKey],
) -> None:
    text, _ = signed
    record_file = text.with_name(text.name + ".provenance.json")
    record = json.loads(record_file.read_text())
    record["payload"]["tool"] = "\ud800"  # a lone surrogate: JSON allows it, UTF-8 does not
    record_file.write_text(json.dumps(record))
    with pytest.raises(InputError) as caught:
        read_record(text, frozenset(), fingerprint_of)
    assert "synopsis.txt.provenance.json" in str(caught.value)


def test_a_record_without_its_file_is_a_located_error(
    signed: tuple[Path, Ed25519PrivateKey],
) -> None:
    text, _ = signed
    text.unlink()
    with pytest.raises(InputError) as caught:
        read_record(text, frozenset(), fingerprint_of)
    assert "synopsis.txt" in str(caught.value)
