"""Regenerate the example workspace's evidence logs (deterministic: fixed seeds).

    .venv/bin/python tools/make_example_evidence.py

- campaign-offers.parquet (campaign-insights, marketing, assistive): subscribers 65+ convert
  less often and the model selects them less often: demographic parity ratio about 0.5
  (planted FAIR-01 failure), while true and false positive rates stay equal across ages
  (equalized odds holds). The last 14 days drift: longer viewing hours, more TV devices,
  higher scores (planted MON-02 failure).
- ticket-triage.csv (support-assistant): escalation decisions, equal across languages, no
  drift (passes).
- casting-impressions.parquet (voice-casting, recommendation): female performers are ranked
  lower than male performers of the same callback rate: exposure ratio about 0.6 (planted
  FAIR-02 failure); no drift.
- dub-quality.csv (dub-pipeline) and qc-flags.parquet (qc-anomaly): quality and anomaly
  scores for their drift monitors, steady over the year (pass).
- support-chats/*.jsonl (support-assistant): three days of help-centre chats. Subscribers
  give pseudonymous account ids (declared); one pastes an e-mail address and one a card
  number, neither declared (planted PRIV-03 failures).
- audience-export.csv (campaign-insights): the audience segments shared with AudienceLens,
  one row per reached viewer with age band, province, device and segment. Two retired
  viewers on the web in Zeeland form a class of 2 (k < 5) and the four 65+ TV viewers in
  Drenthe are all 'lapsed' (l = 1): planted PRIV-05 failures. 90 rows were last exposed in
  September 2025, past the 395-day retention (planted PRIV-06 failure).
- known-issues.parquet (support-assistant's knowledge base, declared without personal
  data): the export kept the reporter's e-mail address (planted PRIV-04 failure).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile

OUT = Path(__file__).resolve().parent.parent / "examples" / "northwind" / "evidence"
# Naive timestamps in UTC, as most decision logs store them.
START = datetime(2026, 1, 1)  # noqa: DTZ001
END = datetime(2026, 11, 24, 18, 0)  # noqa: DTZ001
DRIFT_FROM = datetime(2026, 11, 11)  # noqa: DTZ001
QC_START = datetime(2025, 6, 1)  # noqa: DTZ001 - qc-anomaly's reference window is in 2025


def _times(rng: np.random.Generator, rows: int, start: datetime = START) -> pd.Series:
    span = (END - start).total_seconds()
    seconds = np.sort(rng.uniform(0, span, rows))
    return pd.Series([start + timedelta(seconds=float(s)) for s in seconds]).dt.floor("s")


def campaign_offers(rows: int = 24_000) -> pd.DataFrame:
    rng = np.random.default_rng(2026_11)
    ts = _times(rng, rows)
    drifted = (ts >= DRIFT_FROM).to_numpy()
    age = rng.choice(["18-29", "30-49", "50-64", "65+"], rows, p=[0.25, 0.3, 0.25, 0.2])
    base = np.where(age == "65+", 0.15, 0.35)
    converted = rng.random(rows) < base
    latent = rng.normal(0, 1, rows) + 1.8 * converted + np.where(drifted, 0.9, 0.0)
    score = 1 / (1 + np.exp(-(latent - 0.9)))
    offered = score >= 0.5
    device = np.where(
        drifted,
        rng.choice(["tv", "mobile", "web"], rows, p=[0.7, 0.2, 0.1]),
        rng.choice(["tv", "mobile", "web"], rows, p=[0.35, 0.45, 0.2]),
    )
    hours = rng.gamma(4.0, 2.5, rows) * np.where(drifted, 1.6, 1.0)
    return pd.DataFrame(
        {
            "decided_at": ts,
            "age_band": age,
            "region": rng.choice(["uk", "nl", "de", "es"], rows),
            "device": device,
            "tenure_months": rng.integers(1, 96, rows),
            "weekly_hours": hours.round(2),
            "score": score.round(6),
            "offered": offered.astype(int),
            "converted": converted.astype(int),
        }
    )


def ticket_triage(rows: int = 10_000) -> pd.DataFrame:
    rng = np.random.default_rng(7_001)
    ts = _times(rng, rows)
    needed = rng.random(rows) < 0.3
    escalated = np.where(needed, rng.random(rows) < 0.85, rng.random(rows) < 0.1)
    return pd.DataFrame(
        {
            "created_at": ts,
            "language": rng.choice(["en", "nl", "de", "es"], rows, p=[0.4, 0.2, 0.2, 0.2]),
            "channel": rng.choice(["chat", "email"], rows, p=[0.6, 0.4]),
            "message_length": rng.integers(20, 1200, rows),
            "needed_escalation": needed.astype(int),
            "escalated": escalated.astype(int),
        }
    )


def casting_impressions(sessions: int = 1_500) -> pd.DataFrame:
    rng = np.random.default_rng(4_242)
    performers = [f"p{i:03d}" for i in range(120)]
    gender = {
        p: ("female" if i % 2 else "male") if i < 114 else "nonbinary"
        for i, p in enumerate(performers)
    }
    rows = []
    times = _times(rng, sessions)
    for session in range(sessions):
        chosen = rng.choice(performers, 10, replace=False)
        # Female performers get a penalty in the ranking score: same merit, lower rank.
        merit = rng.random(10)
        ranking = merit - np.array([0.35 if gender[p] == "female" else 0.0 for p in chosen])
        order = np.argsort(-ranking)
        for rank, index in enumerate(order, start=1):
            performer = chosen[index]
            rows.append(
                {
                    "session": f"s{session:05d}",
                    "director": f"d{session % 40:02d}",
                    "performer": performer,
                    "rank": rank,
                    "performer_gender": gender[performer],
                    "callback": int(merit[index] > 0.7),
                    "similarity": round(float(merit[index]), 6),
                    "shown_at": times[session],
                }
            )
    return pd.DataFrame(rows)


def dub_quality(rows: int = 6_000) -> pd.DataFrame:
    """Per-episode dubbing quality for the drift monitor of dub-pipeline: steady."""
    rng = np.random.default_rng(3_303)
    return pd.DataFrame(
        {
            "delivered_at": _times(rng, rows),
            "language": rng.choice(["es-419", "pt-BR", "de-DE", "fr-FR"], rows),
            "wer": rng.beta(2, 18, rows).round(4),
            "adaptor_edits": rng.poisson(12, rows),
        }
    )


def qc_flags(rows: int = 4_000) -> pd.DataFrame:
    """Anomaly scores of delivered files for the drift monitor of qc-anomaly: steady."""
    rng = np.random.default_rng(5_505)
    return pd.DataFrame(
        {
            "checked_at": _times(rng, rows, QC_START),
            "asset_type": rng.choice(["video", "audio", "subtitle"], rows, p=[0.5, 0.3, 0.2]),
            "anomaly_score": rng.beta(2, 8, rows).round(4),
            "duration_s": rng.gamma(9.0, 300.0, rows).round(1),
        }
    )


def dub_mix(path: Path, amplitude: float, seconds: float = 4.0, channels: int = 2) -> None:
    """A short dub stem as 24-bit PCM (WAV or FLAC by the suffix): a 1 kHz tone
    (K-weighting adds about 0.7 dB there) whose loudness follows from its amplitude, so the
    planted loudness is exact."""
    t = np.arange(int(48_000 * seconds)) / 48_000
    tone = amplitude * np.sin(2 * np.pi * 1000 * t)
    soundfile.write(path, np.repeat(tone[:, None], channels, axis=1), 48_000, subtype="PCM_24")


CHAT_TEMPLATES = [
    ("user", "Subtitles on {title} episode {ep} drift about {lag} seconds after {tc}."),
    ("agent", "Thanks! Which language were the subtitles in?"),
    ("user", "{language}. My account id is {account}."),
    ("agent", "Got it: {title} episode {ep}, {language}, from {tc}. A linguist will check it."),
    ("user", "The {language} dub of {title} episode {ep} cuts off mid-sentence at {tc}."),
    ("agent", "This is a known issue, a fix ships this week. Anything else?"),
    ("user", "No, that's all, thanks."),
]
TITLES = ["Harbour Lights", "Salt and Iron", "The Quiet Coast", "Northern Static"]
LANGUAGES = ["Spanish", "German", "French", "Dutch", "Polish"]
PLANTED_EMAIL = "k.vandenberg@quicklaan.nl"
PLANTED_CARD = "4917 4845 8989 7107"  # Luhn-valid, made up


def support_chats(folder: Path) -> None:
    """Three days of chats, one JSON line a turn; line 11 of the 2026-11-21 file carries
    an e-mail address, line 17 of the 2026-11-22 file a card number."""
    rng = np.random.default_rng(2026_20)
    folder.mkdir(parents=True, exist_ok=True)
    for day in (20, 21, 22):
        lines = []
        for chat in range(4):
            values = {
                "title": TITLES[int(rng.integers(len(TITLES)))],
                "ep": int(rng.integers(1, 9)),
                "lag": int(rng.integers(2, 6)),
                "tc": f"00:{int(rng.integers(10, 50)):02d}:{int(rng.integers(0, 60)):02d}",
                "language": LANGUAGES[int(rng.integers(len(LANGUAGES)))],
                "account": f"nw-{int(rng.integers(10_000, 99_999))}",
            }
            for role, text in CHAT_TEMPLATES:
                turn = {
                    "chat": f"2026-11-{day}-{chat}",
                    "role": role,
                    "text": text.format(**values),
                }
                lines.append(json.dumps(turn, ensure_ascii=False))
        if day == 21:
            text = f"Please write to me at {PLANTED_EMAIL} when it is fixed."
            lines[10] = json.dumps({"chat": "2026-11-21-1", "role": "user", "text": text})
        if day == 22:
            text = f"I pay for this! Card {PLANTED_CARD}, refund the month."
            lines[16] = json.dumps({"chat": "2026-11-22-2", "role": "user", "text": text})
        (folder / f"2026-11-{day}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


PROVINCES = [
    "Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
    "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
]  # fmt: skip
SEGMENTS = ["binge", "weekend", "casual", "lapsed"]


def audience_export() -> pd.DataFrame:
    """Every (age band, province, device) class holds 12-20 viewers with at least two
    segments, except the two planted classes; 90 rows are dated September 2025."""
    rng = np.random.default_rng(2026_21)
    rows = []
    for age in ["18-29", "30-49", "50-64", "65+"]:
        for province in PROVINCES:
            for device in ["tv", "mobile", "web"]:
                if (age, province, device) == ("65+", "Zeeland", "web"):
                    count, segments = 2, ["casual", "lapsed"]
                elif (age, province, device) == ("65+", "Drenthe", "tv"):
                    count, segments = 4, ["lapsed"]
                else:
                    count, segments = int(rng.integers(12, 21)), SEGMENTS
                for i in range(count):
                    rows.append((age, province, device, segments[i % len(segments)]))
    frame = pd.DataFrame(rows, columns=["age_band", "province", "device", "segment"])
    days = rng.integers(0, 300, len(frame))
    dates = [datetime(2026, 11, 20) - timedelta(days=int(d)) for d in days]  # noqa: DTZ001
    stale = rng.choice(len(frame), 90, replace=False)
    for index in stale:
        dates[index] = datetime(2025, 9, 1) + timedelta(days=int(rng.integers(0, 30)))  # noqa: DTZ001
    frame["last_exposed_on"] = [d.date().isoformat() for d in dates]
    return frame


def known_issues(rows: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(2026_22)
    summaries = [
        "subtitle drift after ad break",
        "dub cuts off",
        "forced narrative missing",
        "wrong honorifics in dub",
    ]
    domains = rng.choice(["kpnmail.nl", "ziggo.nl", "gmx.de", "orange.fr"], rows)
    numbers = rng.integers(1000, 9999, rows)
    return pd.DataFrame(
        {
            "issue": [f"LOC-{4000 + i}" for i in range(rows)],
            "title": rng.choice(TITLES, rows),
            "summary": rng.choice(summaries, rows),
            "status": rng.choice(["open", "fixed", "wont_fix"], rows),
            "reported_by": [f"viewer{n}@{d}" for n, d in zip(numbers, domains, strict=True)],
        }
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    audio = OUT.parent / "deliverables" / "audio"
    audio.mkdir(parents=True, exist_ok=True)
    # about -21.5 LKFS programme loudness: 5.5 LU over the dub spec's -27 (planted)
    dub_mix(audio / "ep101-es-419-dub.wav", 0.084)
    campaign_offers().to_parquet(OUT / "campaign-offers.parquet", index=False)
    ticket_triage().to_csv(OUT / "ticket-triage.csv", index=False)
    casting_impressions().to_parquet(OUT / "casting-impressions.parquet", index=False)
    dub_quality().to_csv(OUT / "dub-quality.csv", index=False)
    qc_flags().to_parquet(OUT / "qc-flags.parquet", index=False)
    support_chats(OUT / "support-chats")
    audience_export().to_csv(OUT / "audience-export.csv", index=False)
    known_issues().to_parquet(OUT / "known-issues.parquet", index=False)


if __name__ == "__main__":
    main()
