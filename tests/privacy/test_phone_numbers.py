"""The fast phone verdict (``charter.privacy.phone_numbers``, libphonenumber's metadata compiled
once) agrees with ``phonenumbers.parse`` + ``is_valid_number`` itself, the reference, on
seeded look-alikes and on every region's example numbers in every format."""

from __future__ import annotations

import random
from collections.abc import Iterator

import phonenumbers
import pytest

from charter.privacy import validators
from charter.privacy.phone_numbers import valid_international, valid_national


def _reference(text: str, lead: str) -> bool:
    """The detector's own reading of the candidate, with libphonenumber deciding every
    region it tries."""
    text, regions = validators.phone_regions(text, lead)
    for region in regions:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


def _look_alikes(count: int, seed: int) -> Iterator[str]:
    rng = random.Random(seed)  # noqa: S311 - seeded test data, not secrets
    for _ in range(count):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 15)))
        text = rng.choice(["+" + digits, "00" + digits, "0" + digits[1:], digits, digits])
        out = []
        for index, char in enumerate(text):
            out.append(char)
            if index > 1 and rng.random() < 0.25:
                out.append(rng.choice(" -."))
        shaped = "".join(out).strip(" -.")
        if rng.random() < 0.1 and not shaped.startswith("+"):
            shaped = f"({shaped[:3]}) {shaped[3:]}"
        yield shaped


def _examples() -> Iterator[str]:
    kinds = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.TOLL_FREE,
    )
    formats = (
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.E164,
    )
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in kinds:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                for style in formats:
                    yield phonenumbers.format_number(example, style)


@pytest.mark.parametrize("source", ["look-alikes", "examples"])
def test_the_fast_verdict_is_libphonenumbers(source: str) -> None:
    texts = list(_look_alikes(6000, seed=11)) if source == "look-alikes" else list(_examples())
    judged = valid = 0
    for text in texts:
        digits = validators._DIGITS.sub("", text)
        if not 7 <= len(digits) <= 15 or validators._NOT_A_PHONE.search(text):
            continue
        lead = "+" if text.startswith(("+", "00")) else digits[0]
        fast = validators._valid_phone.__wrapped__(text.strip(), lead)
        assert fast == _reference(text.strip(), lead), text
        judged += 1
        valid += fast
    assert judged > 1000
    assert 0 < valid < judged  # both verdicts occur: the comparison can fail


def test_the_fast_path_answers_most_candidates_itself() -> None:
    answered = [
        valid_international(digits) if text.startswith("+") else valid_national(digits, "GB")
        for text in _look_alikes(2000, seed=12)
        for digits in [validators._DIGITS.sub("", text)]
        if not text.startswith("00")
    ]
    assert sum(a is not None for a in answered) > 0.8 * len(answered)


def test_known_numbers() -> None:
    assert valid_international("442079460018") is True  # a London number
    assert valid_international("4420794600") is False  # too short for the UK
    assert valid_national("02079460018", "GB") is True
    assert valid_national("2015550123", "US") is True  # NANP fictional range, valid format
    assert valid_international("0123") is False  # no country code starts with 0
