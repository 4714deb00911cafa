"""libphonenumber's verdict on a phone-number candidate, without ``phonenumbers.parse``.

``phonenumbers.parse`` followed by ``is_valid_number`` costs tens of microseconds a
candidate, mostly in per-call regular-expression lookups and Unicode digit normalisation.
Here the same metadata (python-phonenumbers' copy of libphonenumber's) is compiled once per
region, and the steps of ``parse`` that matter for the candidates the detector produces
(ASCII digits with spaces, dots, dashes, parentheses and an optional leading ``+``) are
followed exactly: international dialling prefix, country code, national prefix stripping,
length tests, then the region's number types. Whatever this module does not follow exactly
(a national prefix rule with a transformation, a country code written after a national
number, a non-geographic calling code) answers ``None``, and the caller asks
``phonenumbers`` itself. ``tests/privacy/test_phone_numbers.py`` checks both give the same
verdict on thousands of generated candidates and on every candidate of the chat corpus.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

_MIN_NSN = 2
_MAX_NSN = 17
_NON_GEO = "001"


@dataclass(frozen=True)
class _Desc:
    lengths: frozenset[int]
    pattern: re.Pattern[str] | None

    def matches(self, number: str) -> bool:
        if self.lengths and len(number) not in self.lengths:
            return False
        return self.pattern is not None and self.pattern.fullmatch(number) is not None


@dataclass(frozen=True)
class _Region:
    code: str
    country_code: int
    general: _Desc
    types: tuple[_Desc, ...]
    possible: tuple[int, ...]
    local_only: frozenset[int]
    international_prefix: re.Pattern[str] | None
    national_prefix: re.Pattern[str] | None
    has_transform: bool
    leading_digits: re.Pattern[str] | None

    def valid(self, nsn: str) -> bool:
        """``_number_type_helper(nsn) != UNKNOWN``: the general pattern, then any type."""
        return self.general.matches(nsn) and any(t.matches(nsn) for t in self.types)


def _desc(desc: object) -> _Desc:
    if desc is None:
        return _Desc(frozenset(), None)
    pattern = getattr(desc, "national_number_pattern", None)
    return _Desc(
        frozenset(getattr(desc, "possible_length", ()) or ()),
        re.compile(pattern) if pattern else None,
    )


@functools.cache
def _region(code: str) -> _Region | None:
    metadata = PhoneMetadata.metadata_for_region(code)
    if metadata is None or metadata.country_code is None:
        return None
    types = [
        metadata.premium_rate, metadata.toll_free, metadata.shared_cost, metadata.voip,
        metadata.personal_number, metadata.pager, metadata.uan, metadata.voicemail,
        metadata.fixed_line,
    ]  # fmt: skip
    if not metadata.same_mobile_and_fixed_line_pattern:
        types.append(metadata.mobile)  # otherwise libphonenumber never tests it on its own
    general = metadata.general_desc
    prefix = metadata.national_prefix_for_parsing
    return _Region(
        code=code,
        country_code=metadata.country_code,
        general=_desc(general),
        types=tuple(_desc(t) for t in types if t is not None),
        possible=tuple(general.possible_length or ()) if general else (),
        local_only=frozenset(general.possible_length_local_only or ()) if general else frozenset(),
        international_prefix=(
            re.compile(metadata.international_prefix) if metadata.international_prefix else None
        ),
        national_prefix=re.compile(prefix) if prefix else None,
        has_transform=bool(metadata.national_prefix_transform_rule),
        leading_digits=re.compile(metadata.leading_digits) if metadata.leading_digits else None,
    )


def _length_rejected(number: str, region: _Region) -> bool:
    """``_test_number_length`` is TOO_SHORT, IS_POSSIBLE_LOCAL_ONLY or INVALID_LENGTH."""
    lengths = region.possible
    if not lengths or lengths[0] == -1:
        return True
    actual = len(number)
    if actual in region.local_only:
        return True
    if lengths[0] == actual:
        return False
    if lengths[0] > actual:
        return True
    if lengths[-1] < actual:
        return False  # TOO_LONG keeps the stripped number
    return actual not in lengths[1:]


def _strip_national_prefix(number: str, region: _Region) -> str | None:
    """The national number after ``_maybe_strip_national_prefix_carrier_code`` and the
    length test ``parse`` applies to it; ``None`` when a transformation rule or a carrier
    code is involved (the caller falls back to ``phonenumbers``)."""
    if region.national_prefix is None or not number:
        return number
    match = region.national_prefix.match(number)
    if match is None:
        return number
    groups = match.groups()
    if region.has_transform and groups and groups[-1] is not None:
        return None
    if groups and any(g is not None for g in groups):
        return None  # a carrier code captured: rare, and libphonenumber's own business
    stripped = number[match.end() :]
    general = region.general.pattern
    if general is not None and general.fullmatch(number) and not general.fullmatch(stripped):
        return number  # the whole number is viable and the stripped one is not
    return number if _length_rejected(stripped, region) else stripped


def _valid_for_calling_code(nsn: str, country_code: int) -> bool | None:
    """``is_valid_number`` for ``nsn`` under ``country_code``: the region
    ``region_code_for_number`` picks from the code's list, then that region's types."""
    if not _MIN_NSN <= len(nsn) <= _MAX_NSN:
        return False
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    if not regions or _NON_GEO in regions:
        return None
    if len(regions) == 1:
        region = _region(regions[0])
        return region.valid(nsn) if region else False
    for code in regions:
        region = _region(code)
        if region is None:
            continue
        if region.leading_digits is not None:
            if region.leading_digits.match(nsn):
                return region.valid(nsn)
        elif region.valid(nsn):
            return True
    return False


def valid_international(digits: str) -> bool | None:
    """A number written ``+`` (or ``00``) then ``digits``: country code, national number."""
    if not digits or digits[0] == "0":
        return False
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            regions = COUNTRY_CODE_TO_REGION_CODE[code]
            if _NON_GEO in regions:
                return None
            main = _region(regions[0])
            if main is None:
                return None
            national = _strip_national_prefix(digits[size:], main)
            return None if national is None else _valid_for_calling_code(national, code)
    return False


def valid_national(digits: str, region_code: str) -> bool | None:
    """A number written without ``+``, read as ``phonenumbers.parse(text, region_code)``
    would, then ``is_valid_number``."""
    region = _region(region_code)
    if region is None:
        return None
    if region.international_prefix is not None and region.international_prefix.match(digits):
        return None  # dialled abroad from the region: libphonenumber's international path
    if digits.startswith(str(region.country_code)):
        return None  # maybe a country code without '+': libphonenumber weighs that itself
    national = _strip_national_prefix(digits, region)
    if national is None:
        return None
    return _valid_for_calling_code(national, region.country_code)
