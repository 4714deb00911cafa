"""Validators: each looks at one exact match and confirms it (``True``: the recognizer's
``validated_score``), rejects it (``False``: dropped), or cannot tell (``None``: base score).

Rules and sources are in ../shared/reference/privacy-and-pii.md section 3 and in
docs/privacy.md. Known test values (the card numbers payment processors publish, reserved
example domains, documentation IP ranges) are rejected: they are not anybody's data.
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

Verdict = bool | None

TEST_CARDS = frozenset(
    {
        "4111111111111111",
        "4242424242424242",
        "4012888888881881",
        "5555555555554444",
        "5105105105105100",
        "378282246310005",
        "371449635398431",
        "6011111111111117",
        "3530111333300000",
        "30569309025904",
    }
)
"""Published test card numbers (Stripe, Adyen, Braintree documentation)."""

RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost", "local"})
FILE_SUFFIXES = frozenset(
    {
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "bmp",
        "ico",
        "pdf",
        "txt",
        "csv",
        "tsv",
        "json",
        "yaml",
        "yml",
        "xml",
        "html",
        "htm",
        "js",
        "ts",
        "jsx",
        "tsx",
        "py",
        "rb",
        "go",
        "rs",
        "java",
        "kt",
        "md",
        "rst",
        "zip",
        "gz",
        "tgz",
        "tar",
        "bz2",
        "xz",
        "exe",
        "dll",
        "so",
        "dylib",
        "log",
        "mp3",
        "mp4",
        "wav",
        "mov",
        "avi",
        "mkv",
        "css",
        "scss",
        "less",
        "ini",
        "cfg",
        "conf",
        "toml",
        "lock",
        "bak",
        "tmp",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "srt",
        "vtt",
        "ttml",
    }
)
"""Suffixes that make ``icon@2x.png`` or ``logo@3x.svg`` a file name, not an address."""

_DIGITS = re.compile(r"\D")


def luhn(digits: str) -> bool:
    """The Luhn check: every second digit from the right doubled (its digits summed). The
    digits are summed as bytes, the doubling is a translation table: no Python loop."""
    plain, doubled = digits[::-1][::2], digits[::-1][1::2].translate(_LUHN_DOUBLED)
    total = sum(plain.encode()) + sum(doubled.encode()) - 48 * len(digits)
    return total % 10 == 0


_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def _card_network(digits: str) -> bool | None:
    """An issuer range of ISO/IEC 7812 with a length that network issues: True, or None
    for UATP (any 15 digits starting with 1: too common a shape to confirm without a
    context word), or False."""
    n = len(digits)
    two, three, four, six = int(digits[:2]), int(digits[:3]), int(digits[:4]), int(digits[:6])
    if digits[0] == "1":
        return None if n == 15 else False  # UATP (airline cards)
    if 2200 <= four <= 2205:
        return 16 <= n <= 19  # Mir (2200-2204), BORICA (2205)
    if two in (81, 82):
        return 16 <= n <= 19  # RuPay, UnionPay (81)
    if four == 9792:
        return n == 16  # Troy
    if digits[0] == "4":
        return n in (13, 16, 19)  # Visa
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16  # Mastercard
    if two in (34, 37):
        return n == 15  # American Express
    if four == 6011 or 644 <= three <= 649 or two == 65:
        return 16 <= n <= 19  # Discover
    if 3528 <= four <= 3589:
        return 16 <= n <= 19  # JCB
    if 300 <= three <= 305 or two in (36, 38, 39):
        return 14 <= n <= 19  # Diners Club
    if two == 62 or 622126 <= six <= 622925:
        return 16 <= n <= 19  # UnionPay
    if two == 50 or 56 <= two <= 69:
        return 12 <= n <= 19  # Maestro
    return False


def payment_card(text: str) -> Verdict:
    separators = set(text.translate(_NO_DIGITS))
    if len(separators) > 1:
        return False  # mixed separators: not how cards are written
    digits = _DIGITS.sub("", text)
    if not 12 <= len(digits) <= 19 or digits in TEST_CARDS or not luhn(digits):
        return False
    return _card_network(digits)


def iban(text: str) -> Verdict:
    """ISO 7064 mod 97-10 first (integer arithmetic: most look-alikes end here), then the
    registry's BBAN format for the country and any national check digits (python-stdnum's
    registry copy and country modules; the format patterns are compiled once)."""
    compact = text.replace(" ", "").upper()
    rotated = compact[4:] + compact[:4]
    if not (rotated.isascii() and rotated.isalnum()):
        return False
    if int(rotated.translate(_LETTER_VALUES)) % 97 != 1:
        return False
    bban = _iban_formats().get(compact[:2])
    if bban is None or not bban.fullmatch(compact[4:]):
        return False
    module = _iban_country_module(compact[:2].lower())
    if module is None:
        return True
    from stdnum.exceptions import ValidationError

    try:
        module.validate(compact)
    except ValidationError:
        return False
    return True


_NO_DIGITS = str.maketrans("", "", "0123456789")
_LETTER_VALUES = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})
"""A=10 ... Z=35, as ISO 7064 mod 97-10 reads letters."""
_BBAN_PART = re.compile(r"([1-9][0-9]*)!([nac])")
_BBAN_CHARS = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Za-z0-9]"}


@functools.cache
def _iban_formats() -> dict[str, re.Pattern[str]]:
    """Country code -> BBAN pattern, from the SWIFT registry copy python-stdnum ships."""
    from importlib.resources import files

    formats = {}
    for line in files("stdnum").joinpath("iban.dat").read_text(encoding="utf-8").splitlines():
        found = re.match(r'^([A-Z]{2}) .*bban="([^"]+)"', line)
        if found:
            pattern = _BBAN_PART.sub(
                lambda m: f"{_BBAN_CHARS[m.group(2)]}{{{m.group(1)}}}", found.group(2)
            )
            formats[found.group(1)] = re.compile(pattern)
    return formats


@functools.cache
def _iban_country_module(country: str) -> Any:
    """python-stdnum's national IBAN check for the country (national check digits), if any."""
    from stdnum.util import get_cc_module

    return get_cc_module(country, "iban")


_SSN_PUBLIC = frozenset({"078051120", "219099999", "457555462"})


def us_ssn(text: str) -> Verdict:
    digits = _DIGITS.sub("", text)
    if len(digits) != 9:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    if len(set(digits)) == 1 or digits in _SSN_PUBLIC or digits.startswith("98765432"):
        return False
    return digits not in ("123456789", "012345678")


_DOCUMENTATION = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def ip_address(text: str) -> Verdict:
    if "." in text and ":" not in text:
        return _ipv4(text)
    colons = text.count(":")
    if "::" not in text and colons != 7 and not (colons == 6 and "." in text):
        return False  # an IPv6 address has eight groups, or "::" (timecodes end here)
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if address.is_unspecified or address.is_loopback or address.is_multicast:
        return False
    # RFC 5737 / 3849 documentation ranges: examples, not people
    return not any(address.version == n.version and address in n for n in _DOCUMENTATION)


_IPV4_DOCUMENTATION = ((192, 0, 2), (198, 51, 100), (203, 0, 113))


def _ipv4(text: str) -> Verdict:
    """Dotted quads without the ``ipaddress`` module (this runs for every candidate)."""
    parts = text.split(".")
    if len(parts) != 4 or any(
        not p.isascii() or not p.isdigit() or len(p) > 3 or (len(p) > 1 and p[0] == "0")
        for p in parts
    ):
        return False
    octets = [int(p) for p in parts]
    if any(o > 255 for o in octets):
        return False
    first = octets[0]
    if first in (0, 127) or 224 <= first <= 239:
        return False  # unspecified, loopback, multicast
    return tuple(octets[:3]) not in _IPV4_DOCUMENTATION


def mac_address(text: str) -> Verdict:
    digits = re.sub(r"[^0-9A-Fa-f]", "", text).lower()
    return len(digits) == 12 and digits not in ("000000000000", "ffffffffffff")


def uk_nhs(text: str) -> Verdict:
    digits = _DIGITS.sub("", text)
    if len(digits) != 10 or not digits.isascii():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


_NINO_BAD_FIRST = frozenset("DFIQUV")
_NINO_BAD_SECOND = frozenset("DFIOQUV")
_NINO_BAD_PREFIX = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def uk_nino(text: str) -> Verdict:
    compact = text.replace(" ", "").upper()
    prefix = compact[:2]
    if len(prefix) < 2 or prefix[0] in _NINO_BAD_FIRST or prefix[1] in _NINO_BAD_SECOND:
        return False
    return prefix not in _NINO_BAD_PREFIX


def email(text: str) -> Verdict:
    local, _, domain = text.rpartition("@")
    if not local or len(local) > 64 or len(domain) > 253:
        return False
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    lowered = domain.lower()
    tld = lowered.rsplit(".", 1)[-1]
    if tld in FILE_SUFFIXES or tld in RESERVED_TLDS or not tld.isalpha():
        return False
    if lowered.endswith(RESERVED_DOMAINS):
        return False
    return all(0 < len(label) <= 63 for label in lowered.split("."))


_NANP = ("US", "CA")
_TRUNK_ZERO = ("GB", "DE", "FR", "NL", "BR", "IN", "AU", "MX", "ES", "IT")
"""National numbers written with a leading 0 are tried in regions that dial a trunk 0;
ten digits without it in the North American plan (Spain and Italy, which write none, last)."""
_NOT_A_PHONE = re.compile(
    r"(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}|\d:\d{2}"
    r"|^\d{1,3}(?:\.\d{1,3}){3}$|^\d{3}-\d{2}-\d{4}$"
)
"""Dates, times, dotted quads (IPv4) and the SSN shape are not phone numbers."""


def phone(text: str) -> Verdict:
    digits = _DIGITS.sub("", text)
    if not 7 <= len(digits) <= 15 or _NOT_A_PHONE.search(text):
        return False
    return _valid_phone(text.strip(), digits[0] if not text.startswith(("+", "00")) else "+")


def phone_regions(text: str, lead: str) -> tuple[str, tuple[str | None, ...]]:
    """How a phone candidate is read: the text to parse (``00`` written as ``+``) and the
    regions tried in turn (``None``: international); no region when no country code or
    regional length fits."""
    digits = _DIGITS.sub("", text)
    if lead == "+":
        national = digits[2:] if text.startswith("00") else digits
        text = "+" + text[2:] if text.startswith("00") else text
        return text, (None,) if _possible_international(national) else ()
    if lead == "0":
        return text, tuple(r for r in _TRUNK_ZERO if len(digits) - 1 in _possible_lengths(r))
    return text, tuple(
        r
        for r in (*_NANP, "ES", "IT", "DE", "IN", "BR")
        if len(digits) in _possible_lengths(r)
        or (r in _NANP and len(digits) == 11 and digits[0] == "1")
    )


@lru_cache(maxsize=65_536)
def _valid_phone(text: str, lead: str) -> bool:
    import phonenumbers

    from charter.privacy.phone_numbers import valid_international, valid_national

    digits = _DIGITS.sub("", text)
    national = digits[2:] if text.startswith("00") else digits  # after the country code's +
    text, regions = phone_regions(text, lead)
    if not regions:
        return False
    if lead == "+":
        fast = valid_international(national)
        if fast is not None:
            return fast
    for region in regions:
        if region is not None:
            fast = valid_national(digits, region)
            if fast is not None:
                if fast:
                    return True
                continue
        try:  # what the fast path does not follow exactly: libphonenumber itself
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


@functools.cache
def _possible_lengths(region: str) -> frozenset[int]:
    """National number lengths libphonenumber's metadata allows in ``region`` (a cheap
    test before parsing: most look-alikes have a length no region dials)."""
    from phonenumbers import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region(region)
    general = metadata.general_desc if metadata else None
    return frozenset(general.possible_length) if general else frozenset()


def _possible_international(digits: str) -> bool:
    """Whether ``digits`` (country code then national number) could be a number: some
    country code of one to three digits leaves a length one of its regions allows."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    for size in (1, 2, 3):
        regions = COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:size]) if digits[:size] else -1)
        if regions and any(
            len(digits) - size in _possible_lengths(r) for r in regions if r != "001"
        ):
            return True
        if regions and "001" in regions:
            return True  # non-geographic numbers: let libphonenumber decide
    return False


def url_credentials(text: str) -> Verdict:
    if "://" not in text:
        return False
    userinfo = text.split("://", 1)[1].split("@", 1)[0]
    user, _, secret = userinfo.partition(":")
    return bool(user) and bool(secret) and not secret.startswith("$")


def date_of_birth(text: str) -> Verdict:
    day = _parse_date(text)
    if day is None:
        return False
    age = (datetime.now(UTC).date() - day).days / 365.25
    return 0 <= age <= 120


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}


def _parse_date(text: str) -> date | None:
    numbers = [int(n) for n in re.findall(r"\d{1,8}", text)]
    month_word = re.search(r"[A-Za-z]{3,}", text)
    candidates: list[tuple[int, int, int]] = []
    if month_word:
        month = _MONTHS.get(month_word.group(0)[:3].lower())
        if month is None or not numbers:
            return None
        year = numbers[-1]
        day = numbers[0] if len(numbers) > 1 else 1
        candidates.append((year, month, day))
    elif len(numbers) == 3:
        a, b, c = numbers
        if a > 31:
            candidates.append((a, b, c))  # year first
        else:
            year = c + (1900 if 30 <= c < 100 else 2000 if c < 30 else 0)
            candidates += [(year, b, a), (year, a, b)]  # day-month, then month-day
    for year, month, day in candidates:
        try:
            return date(year, month, day)
        except (ValueError, OverflowError):
            continue
    return None


def bitcoin(text: str) -> Verdict:
    from stdnum import bitcoin as stdnum_bitcoin

    return bool(stdnum_bitcoin.is_valid(text))


def jwt(text: str) -> Verdict:
    header = text.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
        fields = json.loads(decoded)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    return isinstance(fields, dict) and "alg" in fields


VALIDATORS: dict[str, Callable[[str], Verdict]] = {
    "email": email,
    "phone": phone,
    "payment_card": payment_card,
    "iban": iban,
    "us_ssn": us_ssn,
    "ip_address": ip_address,
    "mac_address": mac_address,
    "uk_nhs": uk_nhs,
    "uk_nino": uk_nino,
    "url_credentials": url_credentials,
    "date_of_birth": date_of_birth,
    "bitcoin": bitcoin,
    "jwt": jwt,
    "none": lambda _text: None,
}
