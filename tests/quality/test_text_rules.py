"""AI-text rules against the built-in ``text/synopsis`` profile and the file reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from sacrebleu.metrics.chrf import CHRF

from charter.domain.errors import InputError
from charter.engines.media.text_files import read_text_document
from charter.guidelines.profiles import load_text_profile
from charter.quality.text_rules import TextDocument, TextEntry, check_text, graphemes

PROFILE = load_text_profile("text/synopsis")


def _doc(**fields: str) -> TextDocument:
    return TextDocument("t", [TextEntry(k, k, v) for k, v in fields.items()])


def _rules(document: TextDocument, **kwargs: object) -> list[tuple[str, str]]:
    findings, _ = check_text(document, PROFILE, **kwargs)  # type: ignore[arg-type]
    return [(f.rule, f.severity) for f in findings]


def test_graphemes_count_what_a_reader_sees() -> None:
    assert graphemes("Cafe\u0301") == 4  # e + combining acute is one character
    assert len("Cafe\u0301") == 5
    assert graphemes("\U0001f469\u200d\U0001f467 ok") == 4  # a family emoji is one


def test_length_counts_graphemes_per_field() -> None:
    at_limit = "e\u0301" * 180  # 360 code points, 180 characters
    assert _rules(_doc(synopsis_short=at_limit)) == []
    assert _rules(_doc(synopsis_short=at_limit + "!")) == [("TX-LEN", "error")]
    assert _rules(_doc(title="")) == [("TX-LEN", "error")]
    assert _rules(_doc(tagline="A keeper and a storm.")) == [("TX-FIELD", "warning")]


@pytest.mark.parametrize(
    "text",
    [
        "As an AI language model, I cannot watch the episode, but here it is.",
        "Sure! Here is the synopsis: a lighthouse keeper finds a letter.",
        "I\u2019m sorry, I can\u2019t write that. Here\u2019s the revised synopsis.",
        "A keeper meets [INSERT CHARACTER NAME] during the storm of the century.",
        "A keeper meets {{character}} during the storm of the century tonight.",
        "**Harbour Lights**: a keeper meets a stranger during the great storm.",
    ],
)
def test_model_artefacts_are_errors(text: str) -> None:
    assert ("TX-ARTIFACT", "error") in _rules(_doc(synopsis_short=text))


@pytest.mark.parametrize(
    "text",
    [
        "As a storm closes the harbour, a keeper is sure of one thing: the light stays on.",
        "Of course, nothing goes to plan when the keeper's brother comes home for winter.",
        "Reborn as an AI assistant, a dead sheriff helps his town find the killer.",
        "A hacker steals the training data of a rogue lab before the storm hits the coast.",
        "- Where were you? - At the lighthouse, as every night since the storm began.",
    ],
)
def test_ordinary_synopses_have_no_artefact(text: str) -> None:
    assert _rules(_doc(synopsis_short=text)) == []


def test_profanity_depends_on_the_maturity_rating() -> None:
    text = _doc(synopsis_short="A furious keeper swears: damn the storms and the shitty boats.")
    assert _rules(text, maturity="TV-PG") == [("TX-PROFANITY", "error")]
    assert _rules(text, maturity="TV-MA") == []
    assert _rules(text) == [("TX-PROFANITY", "warning")]
    findings, _ = check_text(text, PROFILE, maturity="TV-PG")
    assert findings[0].value == "damn, shitty"  # listed word forms, whole words only


@pytest.mark.parametrize(
    "text",
    [
        "Dick Whittington walks to London to seek his fortune with his clever cat.",
        "A whaling captain hunts Moby Dick across the oceans of the world.",
        "By the pricking of her thumbs, the old nurse knows something wicked comes.",
    ],
)
def test_names_and_longer_words_are_not_profanity(text: str) -> None:
    assert _rules(_doc(synopsis_short=text), maturity="PG") == []


def test_numbers_and_names_survive_translation() -> None:
    source = _doc(synopsis_short="In 1987, keeper Ada Lind saves 1,500 sailors off Harbour Point.")
    kept = _doc(
        synopsis_short="En 1987, la guardiana Ada Lind salva a 1.500 marineros en Harbour Point."
    )
    changed = _doc(
        synopsis_short="En 1978, la guardiana Ada salva a 1.500 marineros en Harbour Point."
    )
    assert _rules(kept, source=source) == []
    findings, _ = check_text(changed, PROFILE, source=source)
    assert [(f.rule, f.value) for f in findings] == [
        ("TX-NUM", "1987"),
        ("TX-NAME", "Ada Lind"),
    ]


def test_number_separators_and_small_numbers_spelled_out() -> None:
    source = _doc(synopsis_short="Three sisters and 15,000 sailors wait for 3 days in 1987.")
    target = _doc(synopsis_short="Tres hermanas y 15 000 marineros esperan tres d\u00edas en 1987.")
    assert _rules(target, source=source) == []
    renamed = _doc(synopsis_short="\u00c9lodie and \u00d8rjan meet Ada in Troms\u00f8.")
    lost = _doc(synopsis_short="Ella y \u00e9l conocen a Ada en la ciudad del norte.")
    findings, _ = check_text(lost, PROFILE, source=renamed)
    assert [(f.rule, f.value) for f in findings] == [("TX-NAME", "\u00d8rjan, Troms\u00f8")]


def test_reference_scores_are_sacrebleu_with_signature() -> None:
    hypothesis = _doc(synopsis_short="La guardiana salva a los marineros durante la tormenta.")
    reference = _doc(synopsis_short="La guardiana rescata a los marineros en la tormenta.")
    _, scores = check_text(hypothesis, PROFILE, reference=reference)
    assert scores is not None
    expected = CHRF().sentence_score(hypothesis.entries[0].text, [reference.entries[0].text]).score
    assert scores.segments["synopsis_short"] == round(expected, 2)
    assert scores.chrf_signature is not None
    assert scores.chrf_signature.startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no")
    assert scores.bleu_signature is not None
    assert "tok:13a" in scores.bleu_signature
    strict = PROFILE.model_copy(update={"min_chrf": 90.0})
    findings, _ = check_text(hypothesis, strict, reference=reference)
    assert [(f.rule, f.severity) for f in findings] == [("TX-REF", "warning")]


def test_reader_plain_and_structured(tmp_path: Path) -> None:
    plain = tmp_path / "s.txt"
    plain.write_text("\n\n  A keeper and a storm.  \n", encoding="utf-8")
    document = read_text_document(plain, "synopsis_short")
    assert [(e.key, e.text, e.line) for e in document.entries] == [
        ("synopsis_short", "A keeper and a storm.", 3)
    ]
    episodes = tmp_path / "e.yaml"
    episodes.write_text("- title: Pilot\n  synopsis_short: A keeper.\n- title: Storm\n")
    keys = [(e.key, e.line) for e in read_text_document(episodes, "x").entries]
    assert keys == [("1.title", 1), ("1.synopsis_short", 2), ("2.title", 3)]


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("latin1.txt", "Caf\xe9 au lait".encode("latin-1"), "latin1.txt:1:4"),
        ("bad.yaml", b"title: [unclosed\n", "bad.yaml:2"),
        ("number.yaml", b"title: 42\n", "number.yaml:1:1"),
        ("empty.txt", b"   \n", "empty.txt:1:1"),
        ("big.txt", b"a" * (8 * 1024 * 1024 + 1), "big.txt"),
        (
            "bomb.yaml",
            b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + b"".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}".encode()
                + f", *{chr(97 + i)}".encode() * 9
                + b"]\n"
                for i in range(8)
            ),
            "bomb.yaml",
        ),
    ],
)
def test_reader_errors_are_located(tmp_path: Path, name: str, content: bytes, where: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_text_document(path, "synopsis_short")
    assert where in str(caught.value)
