# ruff: noqa: PLC0415
# (PLC0415: Presidio, spaCy and tldextract are imported inside functions, after the network is
# blocked, and so that --help works without them.)
"""Run Microsoft Presidio's pattern recognizers over a text file, one line at a time, offline.

The peer side of the PII-detection benchmark. Run it with the Presidio venv's Python
(``bash bench/setup_presidio_env.sh`` builds it), never the project's:

    bench/.venv-presidio/bin/python bench/presidio_runner.py INPUT.txt OUTPUT.jsonl \
        [--entities EMAIL_ADDRESS,PHONE_NUMBER,...] [--threshold 0.5]

Configuration (nothing is downloaded, nothing touches the network):

- NLP engine: Presidio's own ``SpacyNlpEngine`` given a model *path*: a ``spacy.blank("en")``
  pipeline plus one component, ``charter_lower_lemma``, that sets every token's lemma to its
  lower-cased text, saved to a temporary folder and loaded from there. The pipeline has no NER,
  so only tokens and lemmas reach Presidio; the lemmas let the context words of the
  recognizers ("phone", "ssn", "iban", ...) raise scores as they would with a real model
  (whose lemmas would also fold plurals and verb forms; a blank pipeline cannot).
- Registry: only the predefined *pattern* recognizers of the requested entities, no
  ``SpacyRecognizer`` (so no PERSON/LOCATION/ORG/NRP from a model).
- tldextract (used by ``EmailRecognizer.validate_result``) is replaced by an extractor with no
  suffix-list URLs and no disk cache, so it uses the Public Suffix List snapshot bundled in the
  wheel instead of fetching it.
- Belt and braces: ``socket.getaddrinfo``, ``socket.create_connection`` and
  ``socket.socket.connect``/``connect_ex`` raise for the whole run (they are patched before
  Presidio, spaCy or tldextract is imported), so an unexpected network attempt fails loudly
  instead of silently waiting on a timeout.

Input and output: the input is read as UTF-8 and split on ``"\\n"`` only (a trailing ``"\\r"``
is dropped); each line is analysed on its own with ``score_threshold=--threshold`` and gives
one JSON line ``{"line": N, "spans": [{"start", "end", "entity", "score"}]}``, ``N`` 1-based,
offsets in Python ``str`` code points within the line, spans sorted by (start, end, entity).

Timing: after the engine is built, one warm-up ``analyze`` call (an e-mail, a phone number and
a date, so that tldextract's snapshot and phonenumbers' metadata are loaded) runs untimed. Then
only the ``analyze`` calls are timed (``time.perf_counter``), not reading or JSON writing.
With ``--processes N`` the lines are split into N contiguous shares, each analysed by its own
process and engine (forked after the network is blocked, built and warmed up in the worker),
and the time is the wall time from the moment every worker is ready to the last one done. The
last stderr line is ``presidio_seconds=<float> mb_per_s=<float>``, with MB = 10**6 bytes of
UTF-8 input (the whole file, newlines included).
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_ENTITIES = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
    "IP_ADDRESS",
    "US_BANK_NUMBER",
    "US_PASSPORT",
    "UK_NHS",
    "UK_NINO",
    "MAC_ADDRESS",
    "URL",
    "CRYPTO",
    "DATE_TIME",
)

# entity -> name of the predefined pattern recognizer class in
# presidio_analyzer.predefined_recognizers
RECOGNIZER_CLASSES = {
    "EMAIL_ADDRESS": "EmailRecognizer",
    "PHONE_NUMBER": "PhoneRecognizer",
    "CREDIT_CARD": "CreditCardRecognizer",
    "IBAN_CODE": "IbanRecognizer",
    "US_SSN": "UsSsnRecognizer",
    "IP_ADDRESS": "IpRecognizer",
    "US_BANK_NUMBER": "UsBankRecognizer",
    "US_PASSPORT": "UsPassportRecognizer",
    "UK_NHS": "NhsRecognizer",
    "UK_NINO": "UkNinoRecognizer",
    "MAC_ADDRESS": "MacAddressRecognizer",
    "URL": "UrlRecognizer",
    "CRYPTO": "CryptoRecognizer",
    "DATE_TIME": "DateRecognizer",
}

WARM_UP_TEXT = "email jane.doe@example.co.uk or call +1 415-555-0132 before 2024-01-31"
LEMMA_COMPONENT = "charter_lower_lemma"


class NetworkBlockedError(RuntimeError):
    """Raised when anything in the Presidio run tries to open a network connection."""


def block_network() -> None:
    """Make every outgoing connection attempt in this process raise ``NetworkBlockedError``."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NetworkBlockedError(f"network access attempted during the Presidio run: {args!r}")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]  # DNS look-ups precede connect()


def patch_tldextract_offline() -> None:
    """Point tldextract's module-level extractor at the bundled Public Suffix List snapshot."""
    import tldextract
    import tldextract.tldextract as tld_module

    offline = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)
    tld_module.TLD_EXTRACTOR = offline
    # EmailRecognizer calls `tldextract.extract(...)` through the package attribute
    tldextract.extract = offline  # type: ignore[assignment]
    tld_module.extract = offline  # type: ignore[assignment]


def register_lemma_component() -> None:
    from spacy.language import Language

    if Language.has_factory(LEMMA_COMPONENT):
        return

    @Language.component(LEMMA_COMPONENT)
    def lower_lemma(doc: Any) -> Any:
        for token in doc:
            token.lemma_ = token.lower_
        return doc


def build_analyzer(entities: list[str]) -> Any:
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer import predefined_recognizers as predefined
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    register_lemma_component()
    with tempfile.TemporaryDirectory(prefix="presidio-blank-en-") as tmp:
        model_dir = Path(tmp) / "blank_en"
        nlp = spacy.blank("en")
        nlp.add_pipe(LEMMA_COMPONENT)
        nlp.to_disk(model_dir)
        # a path that exists: SpacyNlpEngine loads it and never calls spacy.cli.download
        nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(model_dir)}])
        nlp_engine.load()

    registry = RecognizerRegistry(supported_languages=["en"])
    for entity in entities:
        registry.add_recognizer(getattr(predefined, RECOGNIZER_CLASSES[entity])())
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    names = sorted(type(r).__name__ for r in analyzer.registry.recognizers)
    if "SpacyRecognizer" in names or len(names) != len(entities):
        raise RuntimeError(f"unexpected recognizer set: {names}")
    return analyzer


def read_lines(path: Path) -> tuple[list[str], int]:
    data = path.read_bytes()
    text = data.decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file's final newline ends the last line, it does not start a new one
    return [line[:-1] if line.endswith("\r") else line for line in lines], len(data)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("input", type=Path, help="UTF-8 text, one document per line")
    parser.add_argument("output", type=Path, help="JSONL, one object per input line")
    parser.add_argument(
        "--entities",
        default=",".join(DEFAULT_ENTITIES),
        help="comma-separated Presidio entity names (default: all 13 pattern entities)",
    )
    parser.add_argument("--threshold", type=float, default=0.5, help="score_threshold")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="worker processes, each with its own AnalyzerEngine, each on a contiguous share "
        "of the lines; the time is the wall time from all of them starting to the last ending",
    )
    args = parser.parse_args(argv)
    args.entities = [e.strip() for e in args.entities.split(",") if e.strip()]
    unknown = sorted(set(args.entities) - set(RECOGNIZER_CLASSES))
    if unknown or not args.entities:
        parser.error(f"unknown entities {unknown}; known: {', '.join(DEFAULT_ENTITIES)}")
    return args


def analyze_lines(
    analyzer: Any, lines: list[str], entities: list[str], threshold: float
) -> tuple[list[list[dict[str, Any]]], float]:
    """Each line's spans, and the seconds spent in ``analyze`` calls alone."""
    seconds = 0.0
    found = []
    for line in lines:
        start = time.perf_counter()
        results = analyzer.analyze(
            text=line, language="en", entities=entities, score_threshold=threshold
        )
        seconds += time.perf_counter() - start
        found.append(
            sorted(
                (
                    {"start": r.start, "end": r.end, "entity": r.entity_type, "score": r.score}
                    for r in results
                ),
                key=lambda s: (s["start"], s["end"], s["entity"]),
            )
        )
    return found, seconds


def _worker(
    lines: list[str], entities: list[str], threshold: float, ready: Any, results: Any, part: int
) -> None:
    """One process of ``--processes``: its own engine, warmed up, then its share of lines
    once every process is ready."""
    analyzer = build_analyzer(entities)
    analyzer.analyze(text=WARM_UP_TEXT, language="en", entities=entities)
    ready.wait()
    found, _ = analyze_lines(analyzer, lines, entities, threshold)
    results.put((part, found, time.perf_counter()))


def analyze_in_processes(
    lines: list[str], entities: list[str], threshold: float, processes: int
) -> tuple[list[list[dict[str, Any]]], float]:
    """The lines split into ``processes`` contiguous shares, one engine each; the wall time
    from the moment all are ready to the last one done."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    ready = context.Barrier(processes + 1)
    results = context.Queue()
    size = -(-len(lines) // processes)
    workers = [
        context.Process(
            target=_worker,
            args=(lines[i * size : (i + 1) * size], entities, threshold, ready, results, i),
        )
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    ready.wait()
    started = time.perf_counter()
    parts = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    ended = max(done for _, _, done in parts)
    found = [spans for _, part, _ in sorted(parts, key=lambda p: p[0]) for spans in part]
    return found, ended - started


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    block_network()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    patch_tldextract_offline()

    lines, n_bytes = read_lines(args.input)
    if args.processes > 1:
        found, seconds = analyze_in_processes(lines, args.entities, args.threshold, args.processes)
    else:
        analyzer = build_analyzer(args.entities)
        analyzer.analyze(text=WARM_UP_TEXT, language="en", entities=args.entities)
        found, seconds = analyze_lines(analyzer, lines, args.entities, args.threshold)
    n_spans = 0
    with args.output.open("w", encoding="utf-8") as out:
        for number, spans in enumerate(found, start=1):
            n_spans += len(spans)
            out.write(json.dumps({"line": number, "spans": spans}) + "\n")

    mb_per_s = (n_bytes / 1e6) / seconds if seconds > 0 else float("inf")
    print(f"presidio: {len(lines)} lines, {n_bytes} bytes, {n_spans} spans", file=sys.stderr)
    print(f"presidio_seconds={seconds:.6f} mb_per_s={mb_per_s:.6f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
