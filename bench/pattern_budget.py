"""How much of the PII catalogue's per-block pattern budget the built-in recognizers use.

The budget (``pattern_budget`` in ``pii/default``, 5 CPU seconds) is what one recognizer
may spend on one block of text (2 MiB) before the file is marked ``incomplete``. It must be
far above what a built-in recognizer needs on legitimate text, however dense, and low
enough that a partner's pattern that backtracks without end gives up soon. This script
times each recognizer's exact-pattern, validator and context loop on 2 MiB blocks built to
be as dense as real data gets for it (every line a phone number, a card, a date of birth...)
and prints the slowest recognizer per block, in CPU seconds.

No peer tool has this budget: the figure is a ratio to the budget (``bench/README.md``).

Run: ``.venv/bin/python bench/pattern_budget.py``
"""

from __future__ import annotations

import random
import string
import time
from collections.abc import Callable
from typing import Any

from charter.guidelines.profiles import load_pii_catalogue
from charter.privacy.corpus import generate
from charter.privacy.detector import Detector
from charter.privacy.text_blocks import BLOCK_BYTES


def _fill(line: Callable[[], str]) -> str:
    """Lines from ``line()`` up to one block."""
    out, size = [], 0
    while size < BLOCK_BYTES - 200:
        text = line()
        out.append(text)
        size += len(text.encode()) + 1
    return "\n".join(out) + "\n"


def _blocks(rng: random.Random) -> dict[str, str]:
    corpus = (line.text for line in generate(10**6, seed=3))

    def digits(count: int) -> str:
        return "".join(rng.choices(string.digits, k=count))

    def word(count: int) -> str:
        return "".join(rng.choices(string.ascii_lowercase, k=count))

    return {
        "labelled corpus": _fill(lambda: next(corpus)),
        "phone numbers": _fill(
            lambda: (
                f"call me on +44 20 {digits(4)} {digits(4)} or 0{rng.randint(10**9, 10**10 - 1)}"
            )
        ),
        "card numbers": _fill(lambda: " ".join(digits(4) for _ in range(4))),
        "one line of digits": digits(BLOCK_BYTES - 1) + "\n",
        "digits and separators": "".join(rng.choices("0123456789 -.", k=BLOCK_BYTES - 1)) + "\n",
        "hex and colons": "".join(rng.choices("0123456789abcdef:", k=BLOCK_BYTES - 1)) + "\n",
        "e-mail addresses": _fill(lambda: f"{word(8)}@{word(6)}.com"),
        "dates of birth": _fill(
            lambda: f"born {rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(1920, 2020)}"
        ),
        "IBANs": _fill(lambda: "iban GB82 WEST 1234 5698 7654 32 and DE89 3704 0044 0532 0130 00"),
        "context words and numbers": _fill(
            lambda: f"phone tel passport account number device {rng.randint(10**8, 10**12)}"
        ),
        "hostile (tests)": ("1-" * 200_000 + "@" * 100_000 + "a." * 100_000 + "\n") * 2,
    }


def main() -> None:
    catalogue = load_pii_catalogue()
    detector = Detector(catalogue)
    spent: dict[str, float] = {}
    score_windows = Detector._score_windows

    def timed(self: Detector, index: int, *args: Any) -> None:
        started = time.process_time()
        score_windows(self, index, *args)
        name = self._plans[index].name
        spent[name] = max(spent.get(name, 0.0), time.process_time() - started)

    Detector._score_windows = timed  # type: ignore[method-assign]
    print(f"budget: {catalogue.pattern_budget:g} CPU seconds per recognizer and block")
    print("| block (2 MiB) | whole detector s | slowest recognizer | its s | share of budget |")
    print("|---|---|---|---|---|")
    worst = 0.0
    for name, text in _blocks(random.Random(1)).items():  # noqa: S311 - seeded test data
        spent.clear()
        started = time.process_time()
        detector.find(text)
        total = time.process_time() - started
        slowest, seconds = max(spent.items(), key=lambda item: item[1], default=("-", 0.0))
        worst = max(worst, seconds)
        share = seconds / catalogue.pattern_budget
        print(f"| {name} | {total:.2f} | {slowest} | {seconds:.2f} | {share:.0%} |")
    print(
        f"slowest recognizer on any block: {worst:.2f} s ({worst / catalogue.pattern_budget:.0%})"
    )


if __name__ == "__main__":
    main()
