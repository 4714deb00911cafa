"""Each timed-text rule at its boundary: the value just inside passes, just outside fails,
with the profile's limits (built-in en-US profile, 24 fps unless a test says otherwise)."""

from __future__ import annotations

import time

import pytest

from charter.guidelines.profiles import load_timed_text_profile
from charter.quality.timed_text import Cue, TimedText
from charter.quality.timed_text_rules import RULES, check_timed_text, frames

PROFILE = load_timed_text_profile("timed-text/en-US")
ALL_BUT = frozenset({"TT-FMT"})


def cue(index: int, start: float, end: float, *lines: str, markup: tuple[str, ...] = ()) -> Cue:
    return Cue(index, start, end, tuple(lines), markup or tuple(lines), index, italic=False)


def rules_of(
    *cues: Cue, fps: float = 24, fmt: str = "srt", **kwargs: object
) -> list[tuple[str, int | None]]:
    document = TimedText(fmt, tuple(cues))  # type: ignore[arg-type]
    found = check_timed_text(document, PROFILE, fps, skip=ALL_BUT, **kwargs)  # type: ignore[arg-type]
    return [(f.rule, f.event) for f in found]


def test_characters_per_line_lines_and_one_line_fit() -> None:
    assert rules_of(cue(1, 0, 4, "x" * 42)) == []
    assert rules_of(cue(1, 0, 4, "x" * 43)) == [("TT-CPL", 1)]
    assert rules_of(cue(1, 0, 6, "a" * 20, "b" * 20, "c")) == [("TT-LINES", 1)]
    assert rules_of(cue(1, 0, 4, "a" * 20, "b" * 21)) == [("TT-ONELINE", 1)]  # 42 joined
    assert rules_of(cue(1, 0, 4, "a" * 20, "b" * 22)) == []
    assert rules_of(cue(1, 0, 4, "-Are you coming?", "-Yes.")) == []  # two speakers


def test_reading_speed_counts_spaces_and_punctuation_not_line_breaks() -> None:
    # 60 characters (spaces and commas count, the line break does not) over 3 s is 20 cps:
    # the limit itself passes, one more character fails
    assert rules_of(cue(1, 0, 3, "a, " * 9 + "a" * 3, "b" * 30)) == []
    found = check_timed_text(
        TimedText("srt", (cue(1, 0, 3, "a, " * 9 + "a" * 4, "b" * 30),)), PROFILE, 24, skip=ALL_BUT
    )
    assert [(f.rule, f.value, f.limit) for f in found] == [("TT-CPS", 20.33, 20.0)]


def test_durations_at_five_sixths_and_seven_seconds() -> None:
    assert rules_of(cue(1, 0, 0.833, "Hi")) == []
    assert rules_of(cue(1, 0, 0.832, "Hi")) == [("TT-DUR-MIN", 1)]
    assert rules_of(cue(1, 0, 7.0, "Hi")) == []
    assert rules_of(cue(1, 0, 7.001, "Hi")) == [("TT-DUR-MAX", 1)]


@pytest.mark.parametrize(
    ("gap_frames", "expected"),
    [(1, "TT-GAP"), (2, None), (3, "TT-CHAIN"), (11, "TT-CHAIN"), (12, None)],
)
def test_gaps_in_frames_at_24_fps(gap_frames: int, expected: str | None) -> None:
    first_end = 48 / 24
    second = cue(2, first_end + gap_frames / 24, 5, "b")
    found = rules_of(cue(1, 0, first_end, "a"), second)
    assert found == ([] if expected is None else [(expected, 1)])


def test_overlap_and_the_frame_rate_scales_half_a_second() -> None:
    assert rules_of(cue(1, 0, 2, "a"), cue(2, 1.9, 4, "b")) == [("TT-OVERLAP", 1)]
    # 14 frames at 30 fps is under half a second (15 frames): chain; at 25 fps 13 is the edge
    assert rules_of(cue(1, 0, 2, "a"), cue(2, 2 + 14 / 30, 5, "b"), fps=30) == [("TT-CHAIN", 1)]
    assert rules_of(cue(1, 0, 2, "a"), cue(2, 2 + 13 / 25, 5, "b"), fps=25) == []
    assert frames(0.5, 25) == 13  # halves away from zero, as Subtitle Edit counts


def test_text_rules_ellipsis_dashes_whitespace_italics_and_glyphs() -> None:
    assert rules_of(cue(1, 0, 3, "Wait...")) == [("TT-ELLIPSIS", 1)]
    assert rules_of(cue(1, 0, 3, "Wait\u2026")) == []
    assert rules_of(cue(1, 0, 3, "- Are you coming?", "- Yes.")) == [("TT-DASH", 1), ("TT-DASH", 1)]
    assert rules_of(cue(1, 0, 3, "Are you coming?", "-Yes.")) == [("TT-DASH", 1)]
    assert rules_of(cue(1, 0, 3, " Hi  there !")) == [("TT-WS", 1)] * 3
    unbalanced = cue(1, 0, 3, "Hi", markup=("<i>Hi",))
    assert rules_of(unbalanced) == [("TT-ITALIC", 1)]
    nested = cue(1, 0, 3, "Hi", markup=("<i><i>Hi</i></i>",))
    assert rules_of(nested) == [("TT-ITALIC", 1)]
    latin = PROFILE.model_copy(update={"glyphs": ["0020-007E"], "italics_allowed": False})
    document = TimedText("srt", (Cue(1, 0, 3, ("Café ✓",), ("<i>Café ✓</i>",), 1, True),))
    found = check_timed_text(document, latin, 24, skip=ALL_BUT)
    assert [(f.rule, f.value) for f in found] == [
        ("TT-GLYPH", "U+00E9 U+2713"),
        ("TT-ITALIC", None),
    ]


def test_file_rules_format_frame_rate_and_read_problems() -> None:
    srt = check_timed_text(TimedText("srt", (cue(1, 0, 3, "a"),)), PROFILE, 24)
    assert [(f.rule, f.event, f.severity) for f in srt] == [("TT-FMT", None, "error")]
    odd = TimedText(
        "ttml",
        (cue(1, 0, 3, "a"),),
        frame_rate=__import__("fractions").Fraction(23),
        frame_rate_text="23",
    )
    assert [f.rule for f in check_timed_text(odd, PROFILE, 23)] == ["TT-FPS"]
    ntsc = TimedText(
        "ttml",
        (cue(1, 0, 3, "a"),),
        frame_rate=__import__("fractions").Fraction(24000, 1001),
        frame_rate_text="24 x 1000/1001",
    )
    assert check_timed_text(ntsc, PROFILE, 24000 / 1001) == []
    assert [f.message for f in check_timed_text(ntsc, PROFILE, 25)] == [
        "frame rate 23.976 differs from the picture's 25.000"
    ]
    frames_without_rate = TimedText("ttml", (cue(1, 0, 3, "a"),), uses_frames=True)
    assert [f.rule for f in check_timed_text(frames_without_rate, PROFILE, 24)] == ["TT-FPS"]


@pytest.mark.parametrize(
    ("start_frame", "expected"),
    [
        (-12, None),
        (-11, "pull"),
        (-8, "pull"),
        (-7, "snap"),
        (-1, "snap"),
        (0, None),
        (1, "snap"),
        (11, "snap"),
        (12, None),
    ],
)
def test_in_cues_near_a_shot_change(start_frame: int, expected: str | None) -> None:
    cut = 100 / 24
    event = cue(1, cut + start_frame / 24, cut + 3, "a")
    found = check_timed_text(
        TimedText("ttml", (event,)), PROFILE, 24, shot_changes=[cut], skip=ALL_BUT
    )
    ins = [f for f in found if f.rule == "TT-SC-IN"]
    if expected is None:
        assert ins == []
    else:
        (finding,) = ins
        assert ("12 frames before" in finding.message) == (expected == "pull")


@pytest.mark.parametrize(
    ("end_frame", "flagged"),
    [
        (-13, False),
        (-12, True),
        (-3, True),
        (-2, False),
        (-1, True),
        (0, True),
        (12, True),
        (13, False),
    ],
)
def test_out_cues_end_two_frames_before_a_shot_change(end_frame: int, flagged: bool) -> None:
    cut = 200 / 24
    event = cue(1, 1.0, cut + end_frame / 24, "a")
    found = check_timed_text(
        TimedText("ttml", (event,)), PROFILE, 24, shot_changes=[cut], skip=ALL_BUT
    )
    assert any(f.rule == "TT-SC-OUT" for f in found) == flagged


def test_a_10000_line_event_is_one_finding_found_fast() -> None:
    huge = cue(1, 0, 3, *(["word"] * 10_000))
    began = time.perf_counter()
    found = rules_of(huge)
    assert ("TT-LINES", 1) in found
    assert time.perf_counter() - began < 5  # linear, not quadratic (generous on a busy CI)


def test_every_rule_has_a_severity_and_the_skip_list_is_honoured() -> None:
    assert all(rule.severity in ("error", "warning", "info") for rule in RULES.values())
    document = TimedText("srt", (cue(1, 0, 0.5, "Wait..."),))
    skipped = check_timed_text(document, PROFILE, 24, skip=frozenset({"TT-FMT", "TT-ELLIPSIS"}))
    assert [f.rule for f in skipped] == ["TT-DUR-MIN"]
