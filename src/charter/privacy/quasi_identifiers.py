"""Which column names suggest quasi-identifiers or special-category data, and which are no
names at all but values (the first row of a CSV file written without a header).

Quasi-identifiers single people out in combination (Sweeney: ZIP code, sex and date of
birth identify most of the US population); special categories are GDPR Art. 9 data. The
hints come from ../shared/reference/privacy-and-pii.md section 5.2 and are matched against
whole words of a column name (``customer_zip`` matches ``zip``; ``zipper`` does not).
"""

from __future__ import annotations

import re

QUASI_IDENTIFIER_WORDS = frozenset(
    {
        "age", "ageband", "birth", "birthdate", "birthday", "born", "dob", "yob", "zip",
        "zipcode", "postcode", "postal", "plz", "gender", "sex", "region", "city", "town",
        "district", "county", "province", "country", "nationality", "citizenship", "ethnicity",
        "race", "occupation", "job", "profession", "employer", "marital", "lat", "latitude",
        "lon", "lng", "longitude", "geohash", "ip", "device", "household",
        "income", "education",
    }
)  # fmt: skip
SPECIAL_CATEGORY_WORDS = frozenset(
    {
        "health", "diagnosis", "disability", "medical", "religion", "religious", "belief",
        "political", "union", "orientation", "sexuality", "biometric", "genetic",
        "ethnicity", "race", "criminal", "conviction",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z]+|[0-9]+")


def name_words(column: str) -> set[str]:
    """Lower-case words of a column name: ``customerZip_code`` -> customer, zip, code."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", column)
    words = _WORD.findall(spaced.lower())
    return {*words, "".join(words)}


def suggests_quasi_identifier(column: str) -> bool:
    return bool(name_words(column) & QUASI_IDENTIFIER_WORDS)


def suggests_special_category(column: str) -> bool:
    return bool(name_words(column) & SPECIAL_CATEGORY_WORDS)


_EMAIL_LIKE = re.compile(r"[^@\s]@[^@\s]+\.[A-Za-z]")
_FRACTION = re.compile(r"[+-]?\d+[.,]\d+")


def names_a_value(column: str) -> bool:
    """Whether a "column name" is really a value: it holds an e-mail address, seven or more
    digits (a card, phone, account or identity number, a date), or is a number with a
    fraction. Such a name is data and must not be shown as a name."""
    return (
        _EMAIL_LIKE.search(column) is not None
        or sum(c.isdigit() for c in column) >= 7
        or _FRACTION.fullmatch(column.strip()) is not None
    )
