"""Built-in quality profiles load, cite a source for every rule they parameterise, and a
broken profile file is a located input error."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.domain.errors import InputError
from charter.guidelines.profiles import PROFILES_DIR, builtin_profile_ids, load_timed_text_profile
from charter.quality.timed_text_rules import RULES

SOURCED = {
    "TT-CPL",
    "TT-LINES",
    "TT-CPS",
    "TT-DUR-MIN",
    "TT-DUR-MAX",
    "TT-GAP",
    "TT-CHAIN",
    "TT-FPS",
    "TT-FMT",
    "TT-ELLIPSIS",
    "TT-SC-IN",
    "TT-SC-OUT",
    "TT-GLYPH",
    "TT-ONELINE",
}


@pytest.mark.parametrize("profile_id", builtin_profile_ids("timed-text"))
def test_every_builtin_profile_loads_and_sources_its_rules(profile_id: str) -> None:
    profile = load_timed_text_profile(profile_id)
    assert profile.id == profile_id
    cited = {rule for source in profile.sources for rule in source.rules}
    assert cited <= set(RULES)
    assert cited >= SOURCED
    assert all(source.url.startswith("https://") for source in profile.sources)


def test_the_builtin_set_and_short_names() -> None:
    assert builtin_profile_ids("timed-text") == [
        "timed-text/en-US", "timed-text/en-US-children", "timed-text/en-US-sdh",
        "timed-text/en-US-sdh-children", "timed-text/latin", "timed-text/latin-children",
    ]  # fmt: skip
    assert load_timed_text_profile("en-US-children").max_cps == 17
    assert load_timed_text_profile("latin").dual_speaker is None


def test_a_broken_profile_file_names_the_place(tmp_path: Path) -> None:
    text = (PROFILES_DIR / "timed-text" / "en-US.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "mine.yaml"
    broken.write_text(text.replace("max_lines: 2", "max_line: 2"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_timed_text_profile(str(broken))
    message = str(caught.value)
    assert f"{broken}:" in message
    assert "max_line" in message
    broken.write_text(
        text.replace("min_duration_ms: 833", "min_duration_ms: 9000"), encoding="utf-8"
    )
    with pytest.raises(InputError, match="min_duration_ms must not exceed max_duration_ms"):
        load_timed_text_profile(str(broken))
    broken.write_text(text + "glyphs: [zz]\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a hex code point"):
        load_timed_text_profile(str(broken))
