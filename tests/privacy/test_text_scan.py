"""Text files through the block reader and the scan service: line numbers and offsets in
the file, long lines, binary and mis-encoded files, the time budget, and no raw value in
any output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from charter.domain.errors import InputError
from charter.domain.pii_catalogue import PiiCatalogue
from charter.engines.text.block_scanner import BlockScanner
from charter.engines.text.text_files import OVERLAP, read_blocks
from charter.guidelines.profiles import load_pii_catalogue
from charter.privacy.corpus import generate
from charter.privacy.masking import digest
from charter.reports.pii_documents import pii_document, render_pii_table
from charter.reports.pii_html import render_pii_html
from charter.services.pii import Redaction, scan_text_files
from support import backtracking_catalogue, run_cli

KEY = bytes(range(32))
CATALOGUE = load_pii_catalogue()


def _scan(  # type: ignore[no-untyped-def]
    paths: list[Path],
    jobs: int = 1,
    block: int = 3 * OVERLAP,
    budget: float | None = None,
    catalogue: PiiCatalogue = CATALOGUE,
    pattern_budget: float | None = None,
    redaction: Redaction | None = None,
):
    scanner = BlockScanner(catalogue, jobs=jobs, pattern_budget=pattern_budget)
    try:
        return scan_text_files(
            paths,
            lambda p: read_blocks(p, block),
            scanner.scan_counting,
            KEY,
            entities=scanner.detector.entities,
            threshold=scanner.detector.threshold,
            key_id="test",
            budget_seconds=budget,
            redaction=redaction,
        )
    finally:
        scanner.close()


def test_lines_and_offsets_across_blocks_and_a_long_line(tmp_path: Path) -> None:
    lines = [f"User: filler line {i} about the subtitles" for i in range(2000)]
    lines[5] = "User: mail me at jane.roe@gmail.com please"
    lines[1500] = "x" * 30_000 + " card 4539 1488 0343 6467 " + "y" * 20_000
    path = tmp_path / "chat.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = _scan([path])
    (result,) = run.files
    got = [(f.line, f.start, f.end, f.entity) for f in result.findings]
    assert got == [(6, 17, 35, "EMAIL_ADDRESS"), (1501, 30_006, 30_025, "CREDIT_CARD")]
    assert result.status == "complete"
    assert result.scanned_bytes == path.stat().st_size


def test_worker_processes_give_the_same_findings(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(line.text for line in generate(3000, seed=4)) + "\n")
    one = _scan([path], jobs=1).files[0].findings
    two = _scan([path], jobs=2).files[0].findings
    assert one == two
    assert len(one) > 500


@pytest.mark.parametrize("jobs", [1, 2])
def test_past_the_listing_limit_blocks_come_back_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    from collections import Counter

    import charter.services.pii as service

    monkeypatch.setattr(service, "MAX_FINDINGS_PER_FILE", 100)
    text = "\n".join(line.text for line in generate(6000, seed=8)) + "\n"
    path = tmp_path / "corpus.txt"
    path.write_text(text, encoding="utf-8")
    counted: list[int] = []
    scanner = BlockScanner(CATALOGUE, jobs=jobs)
    try:

        def scan_counting(blocks, listing_full):  # type: ignore[no-untyped-def]
            for block, found in scanner.scan_counting(blocks, listing_full):
                counted.append(isinstance(found, Counter))
                yield block, found

        run = scan_text_files(
            [path], lambda p: read_blocks(p, 3 * OVERLAP), scan_counting, KEY,
            entities=scanner.detector.entities, threshold=0.5, key_id="t",
        )  # fmt: skip
    finally:
        scanner.close()
    (result,) = run.files
    assert result.truncated
    assert len(result.findings) == 100
    assert sum(counted) > len(counted) / 2  # most blocks travelled as counts
    from charter.privacy.escapes import find_through_escapes

    found = find_through_escapes(scanner.detector.find, text, text.encode(), "")
    assert result.counts == Counter(m.entity for m in found)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x00\x00binary", "binary file"),
        (b"ok line\ncaf\xe9 latin-1\n", ":2:4: not UTF-8"),
    ],
)
def test_binary_and_mis_encoded_files_are_errors(
    tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("call me on +44 20 7946 0958\n")
    run = _scan([bad, good])
    assert run.files[0].status == "error"
    assert message in str(run.files[0].message)
    assert run.files[1].status == "complete"
    assert [f.entity for f in run.files[1].findings] == ["PHONE_NUMBER"]
    with pytest.raises(InputError):
        list(read_blocks(bad))


def test_a_spent_budget_marks_the_file_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("\n".join(line.text for line in generate(4000, seed=9)) + "\n")
    (result,) = _scan([path], budget=0.0).files
    assert result.status == "incomplete"
    assert 0 < result.scanned_bytes < path.stat().st_size
    assert "time budget" in str(result.message)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_pattern_past_its_budget_leaves_the_file_incomplete(tmp_path: Path, jobs: int) -> None:
    from charter.engines.text.redacted_copies import RedactedCopy

    lines = [f"User: filler line {i} mail jane.roe@gmail.com" for i in range(2000)]
    lines[1500] = "User: member M" + "1" * 40 + " wrote"  # 2^40 ways for M(\d+)+X to fail
    path = tmp_path / "chat.txt"
    path.write_text("\n".join(lines) + "\n")
    clean = tmp_path / "clean.txt"
    clean.write_text("User: member M123X here\n")
    catalogue = load_pii_catalogue(str(backtracking_catalogue(tmp_path)))
    copies = tmp_path / "copies"
    redaction = Redaction("tag", lambda p: RedactedCopy(copies / p.name))
    run = _scan([path, clean], jobs, catalogue=catalogue, pattern_budget=0.3, redaction=redaction)
    stopped, scanned = run.files
    assert stopped.status == "incomplete"
    message = str(stopped.message)
    assert message.startswith(f"{path}: pattern 'member-id' ran past its time budget of 0.3 s")
    found = re.search(r" on lines ([\d,]+) to ([\d,]+);", message)
    assert found is not None, message
    block_lines = [int(n.replace(",", "")) for n in found.groups()]
    assert block_lines[0] <= 1501 <= block_lines[1]  # the block holding the hostile line
    # every block before it was scanned: its findings are kept, the bytes are counted
    assert 0 < stopped.scanned_bytes < path.stat().st_size
    assert len(stopped.findings) == block_lines[0] - 1
    assert f"scanned {stopped.scanned_bytes:,} of" in message
    assert not (copies / "chat.txt").exists()  # no half-redacted copy
    assert scanned.status == "complete"
    assert [f.entity for f in scanned.findings] == ["MEMBER_ID"]
    assert (copies / "clean.txt").read_text() == "User: member <MEMBER_ID> here\n"


def test_a_private_key_is_one_finding_and_its_copy_keeps_the_lines(tmp_path: Path) -> None:
    from charter.engines.text.redacted_copies import RedactedCopy

    header = "-----BEGIN OPENSSH PRIVATE KEY-----"
    key = [
        header,
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
        "QyNTUxOQAAACDx8mJ5WwJmZXhhbXBsZS1rZXktYm9keQAAAA==",
        "-----END OPENSSH PRIVATE KEY-----",
    ]
    path = tmp_path / "deploy.log"
    path.write_text("deploying\n" + "\n".join(key) + "\ndone\n")
    copy = tmp_path / "copy.log"
    redaction = Redaction("tag", lambda _: RedactedCopy(copy))
    (result,) = _scan([path], redaction=redaction).files
    assert [(f.line, f.start, f.end, f.entity) for f in result.findings] == [
        (2, 0, len(header), "PRIVATE_KEY")  # the block, reported on its first line
    ]
    assert copy.read_text() == "deploying\n<PRIVATE_KEY>\n\n\n\ndone\n"  # four lines still


def test_no_raw_value_reaches_any_output(tmp_path: Path) -> None:
    lines = list(generate(600, seed=13))
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(line.text for line in lines) + "\n")
    raw = {line.text[s["start"] : s["end"]] for line in lines for s in line.spans}
    assert len(raw) > 100
    document = pii_document(_scan([path]))
    outputs = {
        "json": json.dumps(document),
        "table": render_pii_table(document, limit=10_000),
        "html": render_pii_html(document),
    }
    cli = run_cli(
        "scan",
        "pii",
        str(path),
        "--format",
        "json",
        env={"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")},
    )
    outputs["cli"] = cli.stdout + cli.stderr
    for name, text in outputs.items():
        leaked = sorted(value for value in raw if value in text)
        assert not leaked, (name, leaked[:3])
    # digests are keyed: the same value gives the same digest, another key another one
    findings = document["files"][0]["findings"]
    assert findings[0]["digest"].startswith("hmac-sha256:")
    assert digest(KEY, "EMAIL_ADDRESS", "A@B.io") == digest(KEY, "EMAIL_ADDRESS", "a@b.io")
    assert digest(KEY, "EMAIL_ADDRESS", "a@b.io") != digest(b"k" * 32, "EMAIL_ADDRESS", "a@b.io")


def test_cli_json_shape_and_exit_codes(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("Agent: hello\nUser: my email is ana.lind@proton.me\n")
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    done = run_cli("scan", "pii", str(path), "--format", "json", "--jobs", "1", env=env)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    (entry,) = document["files"]
    assert {"path", "bytes", "status", "findings"} <= set(entry)
    (finding,) = entry["findings"]
    assert set(finding) == {"line", "start", "end", "entity", "score", "preview", "digest"}
    assert (finding["line"], finding["start"], finding["end"]) == (2, 18, 36)
    assert finding["preview"] == "a***@***.me"
    assert document["summary"]["by_entity"] == {"EMAIL_ADDRESS": 1}
    clean = tmp_path / "clean.txt"
    clean.write_text("nothing to see here\n")
    assert run_cli("scan", "pii", str(clean), env=env).returncode == 0
    unknown = run_cli("scan", "pii", str(clean), "--entities", "NAME", env=env)
    assert unknown.returncode == 2
    assert "unknown NAME" in unknown.stderr


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("tag", "mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>\n"),
        ("mask", "mail ****.***@*****.*** or call +** ** **** ****\n"),
    ],
)
def test_redacted_copies_keep_the_format(tmp_path: Path, mode: str, expected: str) -> None:
    source = tmp_path / "in" / "chat.jsonl"
    source.parent.mkdir()
    source.write_text(
        '{"turn": 1, "text": "mail jane.roe@gmail.com or call +44 20 7946 0958"}\n'
        '{"turn": 2, "text": "thanks"}\n'
    )
    out = tmp_path / "out.jsonl"
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    done = run_cli(
        "scan", "pii", str(source), "--redact", str(out), "--redact-mode", mode, "--jobs", "1",
        env=env,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    lines = out.read_text().splitlines()
    assert [json.loads(line)["turn"] for line in lines] == [1, 2]  # still JSON lines
    assert json.loads(lines[0])["text"] + "\n" == expected
    assert not list(tmp_path.glob("**/.*.partial"))


def test_pseudonyms_agree_across_files_and_a_long_line_is_redacted_whole(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("from ana.lind@proton.me\n")
    long_line = "x" * 20_000 + " card 4539 1488 0343 6467 " + "y" * 9_000
    (folder / "b.txt").write_text(f"cc ana.lind@proton.me\n{long_line}\n")
    out = tmp_path / "out"
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    done = run_cli(
        "scan", "pii", str(folder), "--redact", str(out), "--redact-mode", "pseudonym", env=env
    )
    assert done.returncode == 1, done.stderr
    first = (out / "in" / "a.txt").read_text().split()[1]
    second_lines = (out / "in" / "b.txt").read_text().splitlines()
    assert first.startswith("<EMAIL_ADDRESS:")
    assert second_lines[0].split()[1] == first
    assert (
        second_lines[1] == "x" * 20_000 + " card " + second_lines[1].split()[2] + " " + "y" * 9_000
    )
    assert "4539" not in second_lines[1]
    original = folder / "a.txt"
    same = run_cli("scan", "pii", str(original), "--redact", str(original), env=env)
    assert same.returncode == 2
    assert "would overwrite it" in same.stderr


def test_redaction_across_a_block_cut(tmp_path: Path) -> None:
    """A value that straddles a long line's piece boundary is replaced once, whole."""
    from charter.services.pii import Redaction

    value = "jane.roe@gmail.com"
    line = "a" * (3 * OVERLAP - OVERLAP - 5) + " " + value + " " + "b" * (4 * OVERLAP)
    source = tmp_path / "long.txt"
    source.write_text(line + "\n")
    written: list[str] = []

    class Sink:
        def __enter__(self) -> Sink:
            return self

        def __exit__(self, *args: object) -> None:
            return None

        def write(self, text: str) -> None:
            written.append(text)

    scanner = BlockScanner(CATALOGUE)
    scan_text_files(
        [source], lambda p: read_blocks(p, 3 * OVERLAP), scanner.scan_counting, KEY,
        entities=scanner.detector.entities, threshold=0.5, key_id="t",
        redaction=Redaction("tag", lambda _p: Sink()),
    )  # fmt: skip
    assert "".join(written) == line.replace(value, "<EMAIL_ADDRESS>") + "\n"
    assert len(written) > 1


def test_a_preview_shows_at_most_a_quarter_of_a_value_and_never_four_characters_more() -> None:
    from charter.privacy.masking import preview

    values = [(s["entity"], line.text[s["start"] : s["end"]]) for line in generate(3000, seed=5)
              for s in line.spans]  # fmt: skip
    values += [("EMAIL_ADDRESS", "a@b.io"), ("MAC_ADDRESS", "AA:BB:CC:DD:4D:5E"),
               ("UK_NINO", "AB 12 34 56 C"), ("URL", "postgres://app:Xy7Qz9pL@db")]  # fmt: skip
    assert len({entity for entity, _ in values}) >= 10
    for entity, value in values:
        shown = preview(entity, value)
        visible = sum(c.isalnum() for c in shown)
        letters = sum(c.isalnum() for c in value)
        assert visible <= min(4, letters // 4), (entity, value, shown)
    assert preview("EMAIL_ADDRESS", "john.smith@corp.com") == "j***@***.com"
    assert preview("EMAIL_ADDRESS", "a@b.io") == "***@***"  # not its whole local part
    assert preview("CREDIT_CARD", "4539 1488 0343 6467") == "**** **** **** 6467"


def test_long_lines_cut_between_characters_and_errors_located_by_character(
    tmp_path: Path,
) -> None:
    block = 3 * OVERLAP
    emoji = tmp_path / "emoji.txt"  # four-byte characters across every piece boundary
    emoji.write_text("a" + "😀 jane.roe@gmail.com é€ " * 2000 + "\n", encoding="utf-8")
    (result,) = _scan([emoji], block=block).files
    assert result.status == "complete"
    assert result.counts == {"EMAIL_ADDRESS": 2000}
    bad = tmp_path / "bad.txt"
    bad.write_bytes("é".encode() * 20_000 + b"\xff\n")  # the bad byte in a later piece
    with pytest.raises(InputError) as caught:
        list(read_blocks(bad, block))
    assert str(caught.value).endswith(
        "bad.txt:1:20001: not UTF-8 (byte 0xFF); save the file as UTF-8"
    )
    late = tmp_path / "late.txt"
    late.write_bytes(b"hello world\n" * 3000 + b"x\x00y\n")  # NUL past the first 8 KiB
    with pytest.raises(InputError) as caught:
        list(read_blocks(late, block))
    assert str(caught.value).endswith("late.txt:3001:2: a NUL byte: binary content, not text")


def test_pipes_outputs_and_copies_that_would_collide_are_refused(tmp_path: Path) -> None:
    import os

    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text("mail jane.roe@gmail.com\n")
    both = [str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt")]
    collide = run_cli("scan", "pii", *both, "--redact", str(tmp_path / "out"), env=env)
    assert collide.returncode == 2
    assert "would both be" in collide.stderr
    evidence = tmp_path / "a" / "x.txt"
    overwrite = run_cli("scan", "pii", str(evidence), "-o", str(evidence), env=env)
    assert overwrite.returncode == 2
    assert evidence.read_text() == "mail jane.roe@gmail.com\n"
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    done = run_cli("scan", "pii", str(pipe), "-f", "json", env=env)  # would block if read
    assert done.returncode == 2
    (entry,) = json.loads(done.stdout)["files"]
    assert entry["message"] == f"{pipe}: not a regular file"
    into = tmp_path / "copies"
    into.mkdir()
    done = run_cli("scan", "pii", str(evidence), "--redact", str(into), env=env)
    assert done.returncode == 1, done.stderr
    assert (into / "x.txt").read_text() == "mail <EMAIL_ADDRESS>\n"  # a folder: the copy inside


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8-sig"])
def test_files_with_a_byte_order_mark_are_read_and_copied_in_their_encoding(
    tmp_path: Path, encoding: str
) -> None:
    from charter.engines.text.redacted_copies import RedactedCopy
    from charter.engines.text.text_files import text_encoding

    text = "User: hi\nZoë: mail jane.roe@gmail.com now\n"
    path = tmp_path / "export.txt"
    path.write_bytes("\ufeff".encode(encoding) + text.encode(encoding))
    assert text_encoding(path) == encoding
    copy = tmp_path / "copy.txt"
    redaction = Redaction("tag", lambda p: RedactedCopy(copy, text_encoding(p)))
    (result,) = _scan([path], redaction=redaction).files
    assert [(f.line, f.start, f.end) for f in result.findings] == [(2, 10, 28)]
    written = copy.read_bytes()
    assert written.startswith("\ufeff".encode(encoding))
    assert written.decode(encoding).lstrip("\ufeff") == "User: hi\nZoë: mail <EMAIL_ADDRESS> now\n"
