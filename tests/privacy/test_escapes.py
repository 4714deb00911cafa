"""JSON escapes: values in JSON-lines transcripts and logs are found as they read, reported at
the characters as written, and redacted copies stay valid JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.guidelines.profiles import load_pii_catalogue
from charter.privacy.detector import Detector
from charter.privacy.escapes import find_through_escapes, unescaped
from support import run_cli

DETECTOR = Detector(load_pii_catalogue())


def _found(written: str) -> list[tuple[str, str, str]]:
    """(entity, the characters as written, the value) of each match."""
    matches = find_through_escapes(DETECTOR.find, written, written.encode(), "")
    return [(m.entity, written[m.start : m.end], m.value) for m in matches]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # a turn's line break: the address starts after it, not at its "n"
        (r'"hi\njohn.smith@corp.com"', [("EMAIL_ADDRESS", "john.smith@corp.com")]),
        (r'"ann\u0040corp.com"', [("EMAIL_ADDRESS", r"ann\u0040corp.com")]),
        (r'"jos\u00e9@corp.com"', [("EMAIL_ADDRESS", r"jos\u00e9@corp.com")]),
        # the label on the turn's first line still labels the value on its second
        (r'"my phone\n+31 6 12345678"', [("PHONE_NUMBER", "+31 6 12345678")]),
        (r'"ssn\n653-90-4328"', [("US_SSN", "653-90-4328")]),
        (r'"quoted \"tara.khan@gmail.com\" ok"', [("EMAIL_ADDRESS", "tara.khan@gmail.com")]),
        (
            r'"db postgres:\/\/admin:Sup3rS3cret@db.internal\/app"',
            [("URL", r"postgres:\/\/admin:Sup3rS3cret@db.internal")],
        ),
        (
            r'"card 4539\u00201488\u00200343\u00206467"',
            [("CREDIT_CARD", r"4539\u00201488\u00200343\u00206467")],
        ),
        (r'"path C:\\new\\folder"', []),  # escaped backslashes are no escapes of letters
    ],
)
def test_values_are_found_through_escapes(written: str, expected: list[tuple[str, str]]) -> None:
    assert [(entity, as_written) for entity, as_written, _ in _found(written)] == expected


def test_the_value_is_the_decoded_one_and_offsets_map_back() -> None:
    ((_, _, value),) = _found(r'"ann\u0040corp.com"')
    assert value == "ann@corp.com"  # so its digest is the address's
    view = unescaped(r"a\u00e9\"b\ud83d\ude00c")
    assert view is not None
    assert view.text == 'aé"b\U0001f600c'
    assert [view.written_offset(i) for i in range(len(view.text) + 1)] == [0, 1, 7, 9, 10, 22, 23]
    assert unescaped("no escapes here") is None


@pytest.mark.parametrize("mode", ["tag", "mask", "pseudonym"])
def test_redacted_json_lines_stay_json_and_keep_no_value(tmp_path: Path, mode: str) -> None:
    source = tmp_path / "chat.jsonl"
    turns = [
        "hi\njohn.smith@corp.com here",
        'ann@corp.com and "tara.khan@gmail.com"',
        (
            "key -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234567890abcdef\n"
            "-----END RSA PRIVATE KEY-----\n"
        ),
        "db postgres://admin:Sup3rS3cret@db.internal/app",
    ]
    lines = [json.dumps({"turn": i, "content": t}) for i, t in enumerate(turns)]
    lines[1] = lines[1].replace("@", "\\u0040", 1)  # an encoder that escapes "@"
    lines[3] = lines[3].replace("/", "\\/")  # and one that escapes "/"
    source.write_text("\n".join(lines) + "\n")
    copy = tmp_path / "copy.jsonl"
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    done = run_cli(
        "scan", "pii", str(source), "--redact", str(copy), "--redact-mode", mode, "--jobs", "1",
        env=env,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    written = copy.read_text()
    assert written.count("\n") == len(lines)
    contents = [json.loads(line)["content"] for line in written.splitlines()]
    assert contents[0].startswith("hi\n")  # the escape before the value is kept
    for secret in ("john.smith", "corp.com", "tara.khan", "MIIEpAIBAAKCAQEA", "Sup3rS3cret"):
        assert secret not in written, secret
    assert contents[3].endswith("/app")
