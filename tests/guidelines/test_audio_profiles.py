"""Built-in audio profiles load with their sources; the dub spec's targets are as cited."""

from __future__ import annotations

from charter.guidelines.profiles import builtin_profile_ids, load_audio_profile
from charter.quality.audio_rules import AUDIO_RULES


def test_builtin_audio_profiles() -> None:
    assert builtin_profile_ids("audio") == [
        "audio/ebu-r128",
        "audio/platform-dub",
        "audio/platform-dub-low-dialogue",
    ]
    dub = load_audio_profile("platform-dub")
    assert (dub.target_lufs, dub.tolerance_lu, dub.max_true_peak_dbtp) == (-27, 2, -2)
    assert load_audio_profile("audio/platform-dub-low-dialogue").target_lufs == -24
    r128 = load_audio_profile("audio/ebu-r128")
    assert (r128.target_lufs, r128.tolerance_lu, r128.max_true_peak_dbtp) == (-23, 1, -1)
    for profile in (dub, r128):
        cited = {rule for source in profile.sources for rule in source.rules}
        assert cited <= set(AUDIO_RULES)
        assert {"AU-LOUD", "AU-TP"} <= cited
