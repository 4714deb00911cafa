"""libphonenumber's verdict on a phone-number candidate, without ``phonenumbers.parse``.

``phonenumbers.parse`` followed by ``is_valid_number`` costs tens of microseconds a
candidate, mostly in per-call regular-expression lookups and Unicode digit normalisation.
Here the same metadata (python-phonenumbers' copy of libphonenumber's) is compiled once per
region, and the steps of ``parse`` that matter for the candidates the detector produces
(ASCII digits with spaces, dots, dashes, parentheses and an optional leading ``+``) are
followed exactly: international dialling prefix, country code, national prefix stripping,
length tests, then the region's number types. Whatever this module does not follow exactly
(a national prefix rule with a transformation or a carrier code, a number dialled with the
region's international prefix, a non-geographic calling code) answers ``None``, and the
caller asks ``phonenumbers`` itself. ``tests/privacy/test_phone_numbers.py`` checks both
give the same verdict on thousands of generated candidates and every region's examples.
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
    pattern: str | None
    """Compiled on first use: most regions' patterns are never needed."""

    def matches(self, number: str) -> bool:
        if self.lengths and len(number) not in self.lengths:
            return False
        return self.pattern is not None and _compiled(self.pattern).fullmatch(number) is not None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


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
        if not self.general.matches(nsn):
            return False
        either = _types_of_length(self.code, len(nsn))
        return either is not None and either.fullmatch(nsn) is not None


@functools.cache
def _types_of_length(code: str, length: int) -> re.Pattern[str] | None:
    """One alternation of the patterns of ``code``'s number types that admit ``length``
    digits: a single ``fullmatch`` instead of one per type."""
    region = _region(code)
    patterns = [
        t.pattern
        for t in (region.types if region else ())
        if t.pattern is not None and (not t.lengths or length in t.lengths)
    ]
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _desc(desc: object) -> _Desc:
    if desc is None:
        return _Desc(frozenset(), None)
    pattern = getattr(desc, "national_number_pattern", None)
    return _Desc(frozenset(getattr(desc, "possible_length", ()) or ()), pattern or None)


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


def _length_result(number: str, region: _Region) -> str:
    """``_test_number_length`` against the general description: ``possible``,
    ``too_short``, ``too_long``, ``local_only`` or ``invalid``."""
    lengths = region.possible
    if not lengths or lengths[0] == -1:
        return "invalid"
    actual = len(number)
    if actual in region.local_only:
        return "local_only"
    if lengths[0] == actual:
        return "possible"
    if lengths[0] > actual:
        return "too_short"
    if lengths[-1] < actual:
        return "too_long"
    return "possible" if actual in lengths[1:] else "invalid"


def _strip_raw(number: str, region: _Region) -> str | None:
    """``_maybe_strip_national_prefix_carrier_code``'s number; ``None`` when a
    transformation rule or a carrier code is involved (the caller falls back)."""
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
    general = _compiled(region.general.pattern) if region.general.pattern else None
    if general is not None and general.fullmatch(number) and not general.fullmatch(stripped):
        return number  # the whole number is viable and the stripped one is not
    return stripped


def _strip_national_prefix(number: str, region: _Region) -> str | None:
    """The national number ``parse`` keeps: stripped of its national prefix unless the
    stripped number fails the length test (too short, local only or an invalid length)."""
    stripped = _strip_raw(number, region)
    if stripped is None or stripped == number:
        return stripped
    kept = _length_result(stripped, region) in ("too_short", "local_only", "invalid")
    return number if kept else stripped


@functools.lru_cache(maxsize=65_536)
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
    code = str(region.country_code)
    if digits.startswith(code):
        # Maybe the region's country code written without '+': libphonenumber keeps it off
        # when the number is viable only without it, or too long with it.
        potential = _strip_raw(digits[len(code) :], region)
        if potential is None:
            return None
        general = _compiled(region.general.pattern) if region.general.pattern else None
        viable = general is not None and general.fullmatch(digits) is not None
        viable_without = general is not None and general.fullmatch(potential) is not None
        if (not viable and viable_without) or _length_result(digits, region) == "too_long":
            main = _region(COUNTRY_CODE_TO_REGION_CODE[region.country_code][0])
            if main is None:
                return None
            national = _strip_national_prefix(potential, main)
            return (
                None if national is None else _valid_for_calling_code(national, region.country_code)
            )
    national = _strip_national_prefix(digits, region)
    if national is None:
        return None
    return _valid_for_calling_code(national, region.country_code)
