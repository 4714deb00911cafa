"""SRT, WebVTT and TTML read into one event model: times (TTML frames, multipliers, ticks,
nested and sequential timing) computed by hand from the TTML1 rules, text without markup,
and malformed blocks reported with their line while the rest is read."""

from __future__ import annotations

from fractions import Fraction

import pytest
from lxml import etree

from charter.quality.timed_text import plain, read_srt, read_ttml, read_webvtt

TT = (
    '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" '
    'xmlns:tts="http://www.w3.org/ns/ttml#styling" {params}>{head}<body>{body}</body></tt>'
)


def ttml(body: str, params: str = "", head: str = "") -> bytes:
    return TT.format(params=params, head=head, body=body).encode()


def parse(document: bytes):  # type: ignore[no-untyped-def]
    return read_ttml(etree.fromstring(document))


def test_srt_events_markup_and_a_bad_block_that_does_not_stop_reading() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,500\n<i>Hello</i> &amp; {\\an8}bye\nsecond\n\n"
        "2\nno timing here\n\n"
        "3\n00:01:02,5 --> 00:01:04,040\nLast\n"
    )
    document = read_srt(text)
    assert [(c.index, c.start, c.end, c.lines) for c in document.cues] == [
        (1, 1.0, 2.5, ("Hello & bye", "second")),
        (2, 62.5, 64.04, ("Last",)),
    ]
    assert document.cues[0].italic
    assert document.cues[0].markup == ("<i>Hello</i> &amp; {\\an8}bye", "second")
    assert [(p.line, p.message) for p in document.problems] == [
        (7, "expected a timing line, found 'no timing here'")
    ]


def test_webvtt_skips_notes_and_styles_and_reads_hours_optional_times() -> None:
    text = (
        "WEBVTT - title\n\nNOTE a comment\nspanning lines\n\nSTYLE\n::cue { color: red }\n\n"
        "intro\n00:01.000 --> 00:03.200 align:start line:0\n<v Ann>Hi <c.loud>there</c>\n\n"
        "01:00:00.000 --> 01:00:01.000\nkaraoke <00:00:00.500>word\n"
    )
    document = read_webvtt(text)
    assert [(c.start, c.end, c.lines) for c in document.cues] == [
        (1.0, 3.2, ("Hi there",)),
        (3600.0, 3601.0, ("karaoke word",)),
    ]
    assert document.problems == ()
    assert read_webvtt("00:01.000 --> 00:02.000\nx\n").problems[0].message.startswith("a WebVTT")


def test_ttml_smpte_frames_with_a_multiplier_offsets_and_ticks() -> None:
    params = 'ttp:frameRate="24" ttp:frameRateMultiplier="1000 1001" ttp:subFrameRate="2"'
    body = (
        '<div begin="00:00:10:00">'
        '<p begin="00:00:01:12.1" end="00:00:03:00">a</p>'
        '<p begin="48f" dur="12f">b</p>'
        '<p begin="2.5s" end="3000ms">c</p>'
        "</div>"
    )
    document = parse(ttml(body, params))
    rate = Fraction(24000, 1001)
    assert document.frame_rate == rate
    assert document.frame_rate_text == "24 x 1000/1001"
    assert document.uses_frames
    expected = [
        (10 + 1 + (12 + Fraction(1, 2)) / rate, 10 + 3, "a"),
        (10 + 48 / rate, 10 + 48 / rate + 12 / rate, "b"),
        (12.5, 13.0, "c"),
    ]
    found = sorted((c.start, c.end, c.lines[0]) for c in document.cues)
    for (start, end, text), (want_start, want_end, want_text) in zip(
        found, sorted((float(s), float(e), t) for s, e, t in expected), strict=True
    ):
        assert (start, end, text) == pytest.approx((want_start, want_end, want_text))


def test_ttml_tick_rate_defaults_to_frames_times_sub_frames_and_seq_containers_chain() -> None:
    ticks = parse(
        ttml('<p begin="50t" end="100t">t</p>', 'ttp:frameRate="25" ttp:subFrameRate="2"')
    )
    assert (ticks.cues[0].start, ticks.cues[0].end) == (1.0, 2.0)
    explicit = parse(ttml('<p begin="10000000t" end="20000000t">t</p>', 'ttp:tickRate="10000000"'))
    assert (explicit.cues[0].start, explicit.cues[0].end) == (1.0, 2.0)
    seq = parse(
        ttml('<div timeContainer="seq" begin="1s"><p dur="2s">x</p><p dur="1s">y</p></div>')
    )
    assert [(c.start, c.end) for c in seq.cues] == [(1.0, 3.0), (3.0, 4.0)]
    clipped = parse(ttml('<div begin="0s" end="5s"><p begin="4s" end="9s">z</p></div>'))
    assert (clipped.cues[0].start, clipped.cues[0].end) == (4.0, 5.0)


def test_ttml_text_lines_italics_by_style_and_whitespace_collapsing() -> None:
    head = '<head><styling><style xml:id="i" tts:fontStyle="italic"/></styling></head>'
    body = '<p begin="0s" end="2s">  One\n   <span style="i">two</span><br/>three  </p>'
    document = parse(ttml(body, head=head))
    cue = document.cues[0]
    assert cue.lines == ("One two", "three")
    assert cue.italic


def test_ttml_problems_are_reported_not_raised() -> None:
    document = parse(
        ttml(
            '<p begin="00:00:01:00">open</p><p begin="banana" end="2s">x</p>'
            '<p begin="3s" end="1s">back</p>',
            'ttp:frameRate="0"',
        )
    )
    messages = [p.message for p in document.problems]
    assert "ttp:frameRate '0' is not a positive integer" in messages
    assert "event has no end time" in messages
    assert "begin: 'banana' is not a TTML time expression" in messages
    assert "event ends before it starts" in messages
    assert read_ttml(etree.fromstring(b"<root/>")).problems[0].message == (
        "the root element is not tt:tt"
    )


def test_plain_removes_tags_and_decodes_entities() -> None:
    assert plain("<b>bold</b> &lt;3 {\\i1}x{\\i0}") == "bold <3 x"
