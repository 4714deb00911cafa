"""What a finding may show of the value it found: a masked preview and a keyed digest.

The raw value never leaves the detector: findings carry ``preview`` (at most four
characters of the value, never more than a quarter of it) and ``digest``, an HMAC-SHA256 of
the normalised value under the workspace's key (``charter keys``), so the same e-mail
address gives the same digest in every file and every run that shares the key, and nobody
without the key can test a guess against it.
"""

from __future__ import annotations

import hashlib
import hmac
import re

DIGEST_PREFIX = "hmac-sha256:"
_NON_DIGITS = re.compile(r"\D")
_SPACES = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"\r?\n")


def normalise(entity: str, value: str) -> str:
    """One spelling per value: digits only for numbers, case-folded addresses."""
    if entity in ("CREDIT_CARD", "PHONE_NUMBER", "US_SSN", "UK_NHS", "US_BANK_NUMBER"):
        return ("+" if value.lstrip().startswith(("+", "00")) else "") + _NON_DIGITS.sub("", value)
    if entity in ("IBAN_CODE", "UK_NINO", "MAC_ADDRESS"):
        return _SPACES.sub("", value).replace("-", ":").upper()
    if entity in ("EMAIL_ADDRESS", "IP_ADDRESS", "URL"):
        return value.strip().lower()
    return value.strip()


def digest(key: bytes, entity: str, value: str) -> str:
    mac = hmac.new(key, f"{entity}\x1f{normalise(entity, value)}".encode(), hashlib.sha256)
    return DIGEST_PREFIX + mac.hexdigest()[:32]


def preview(entity: str, value: str) -> str:
    """A masked rendering that keeps the shape and shows at most four of the value's letters
    and digits, never more than a quarter of them (separators do not count)."""
    keep = min(4, sum(c.isalnum() for c in value) // 4)
    if entity == "EMAIL_ADDRESS" and "@" in value:
        local, _, domain = value.rpartition("@")
        tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
        first = local[:1] if keep >= 1 and len(local) >= 3 else ""  # never a whole local part
        shown_tld = tld if tld and len(first) + len(tld) <= keep else ""
        return f"{first}***@***" + (f".{shown_tld}" if shown_tld else "")
    if entity in ("API_KEY", "ACCESS_TOKEN", "PRIVATE_KEY", "PAYMENT_TOKEN", "URL"):
        return value[:keep] + "*" * min(len(value) - keep, 12)  # the prefix names the kind
    masked = []
    shown = 0
    for char in reversed(value):  # keep the last characters and the separators
        if char.isalnum():
            if shown < keep:
                masked.append(char)
                shown += 1
            else:
                masked.append("*")
        else:
            masked.append(char)
    return "".join(reversed(masked))


REDACTION_MODES = ("mask", "tag", "pseudonym")


def replacement(mode: str, key: bytes, entity: str, value: str) -> str:
    """What a redacted copy writes instead of ``value``: ``mask`` keeps the shape
    (separators stay, every letter and digit becomes ``*``), ``tag`` writes ``<ENTITY>``,
    ``pseudonym`` writes ``<ENTITY:eight letters from the keyed digest>`` (the same value gives
    the same pseudonym in every file that shares the key)."""
    if mode == "mask":  # quotes and backslashes too: the copy of a JSON line stays JSON
        return "".join("*" if c.isalnum() or c in '"\\' else c for c in value)
    breaks = "".join(_LINE_BREAK.findall(value))  # a private key's block keeps its lines
    if mode == "tag":
        return f"<{entity}>{breaks}"
    return f"<{entity}:{pseudonym(key, entity, value)}>{breaks}"


def pseudonym(key: bytes, entity: str, value: str) -> str:
    """Eight lower-case letters from the keyed digest: the same value, the same pseudonym;
    letters only, so no detector reads a pseudonym as a number of its own."""
    number = int(digest(key, entity, value)[len(DIGEST_PREFIX) :], 16)
    letters = []
    for _ in range(8):
        number, letter = divmod(number, 26)
        letters.append(chr(ord("a") + letter))
    return "".join(letters)
