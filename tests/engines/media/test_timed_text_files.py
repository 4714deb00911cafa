"""Subtitle files from disk: formats by extension or content, encodings, and hostile files
(XML bombs, malformed XML, wrong encodings, oversized files) as located input errors."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from charter.domain.errors import InputError
from charter.engines.media import timed_text_files
from charter.engines.media.timed_text_files import (
    read_frame_list,
    read_glyph_list,
    read_timed_text,
)

SRT = "1\n00:00:01,000 --> 00:00:03,000\nCafé\n"
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="0s" end="1s">&lol3;</p></div></body></tt>
"""


def test_formats_by_extension_and_by_content(tmp_path: Path) -> None:
    (tmp_path / "a.srt").write_text(SRT, encoding="utf-8")
    (tmp_path / "noext").write_text("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", encoding="utf-8")
    (tmp_path / "b.dfxp").write_text(
        '<tt xmlns="http://www.w3.org/ns/ttml"><body><p begin="1s" end="2s">x</p></body></tt>',
        encoding="utf-8",
    )
    assert read_timed_text(tmp_path / "a.srt").cues[0].lines == ("Café",)
    assert read_timed_text(tmp_path / "noext").format == "webvtt"
    assert read_timed_text(tmp_path / "b.dfxp").format == "ttml"


def test_utf16_with_a_byte_order_mark_is_read_and_latin1_is_located(tmp_path: Path) -> None:
    path = tmp_path / "u16.srt"
    path.write_bytes(codecs.BOM_UTF16_LE + SRT.encode("utf-16-le"))
    assert read_timed_text(path).cues[0].lines == ("Café",)
    latin = tmp_path / "latin.srt"
    latin.write_bytes(SRT.encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_timed_text(latin)
    assert str(caught.value) == f"{latin}:3:4: not UTF-8 (byte 0xE9); save the file as UTF-8"


def test_an_xml_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_bytes(BOMB)
    began = time.perf_counter()
    with pytest.raises(InputError) as caught:
        read_timed_text(path)
    assert time.perf_counter() - began < 2
    assert str(caught.value) == (
        f"{path}:2:1: a document type declaration (DTD) is not accepted in TTML"
    )


def test_malformed_xml_and_unknown_files_are_located_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttml"
    broken.write_text('<tt xmlns="http://www.w3.org/ns/ttml">\n<body><p>open</body></tt>')
    with pytest.raises(InputError) as caught:
        read_timed_text(broken)
    assert str(caught.value).startswith(f"{broken}:2:")
    assert "mismatch" in str(caught.value)
    other = tmp_path / "notes.txt"
    other.write_text("just some notes")
    with pytest.raises(InputError, match="not a subtitle file"):
        read_timed_text(other)
    with pytest.raises(InputError, match="cannot read file"):
        read_timed_text(tmp_path / "missing.srt")


def test_oversized_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timed_text_files, "MAX_SUBTITLE_BYTES", 10)
    path = tmp_path / "big.srt"
    path.write_text(SRT)
    with pytest.raises(InputError, match="over 10"):
        read_timed_text(path)


def test_a_truncated_srt_keeps_what_it_can_read(tmp_path: Path) -> None:
    path = tmp_path / "cut.srt"
    path.write_text(SRT + "\n2\n00:00:04,0")
    document = read_timed_text(path)
    assert len(document.cues) == 1
    assert document.problems[0].line == 6


def test_shot_change_lists_and_glyph_lists(tmp_path: Path) -> None:
    cuts = tmp_path / "cuts.txt"
    cuts.write_text("# shot changes\n12.5\n00:00:10:12\n00:00:11.250\nf48\n")
    assert read_frame_list(cuts, 24) == [12.5, 10.5, 11.25, 2.0]
    cuts.write_text("12.5\nsoon\n")
    with pytest.raises(InputError) as caught:
        read_frame_list(cuts, 24)
    assert str(caught.value) == f"{cuts}:2:1: 'soon' is not a time, timecode or fNNN"
    glyphs = tmp_path / "glyphs.txt"
    glyphs.write_text("0020-007E\nU+00E9\n00a0..00ff\n")
    assert read_glyph_list(glyphs) == ["0020-007E", "00E9", "00A0-00FF"]
