"""Quality-control profiles: the built-in ones in ``profiles/<kind>/<id>.yaml`` and files a
partner names. Each is validated against its domain model with located errors."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from charter.domain.errors import InputError
from charter.domain.pii_catalogue import PiiCatalogue
from charter.domain.quality_profiles import (
    ArtworkProfile,
    AudioProfile,
    TextProfile,
    TimedTextProfile,
)
from charter.sourcefiles.models import validate_model
from charter.sourcefiles.yaml_source import YamlDocument, read_yaml

PROFILES_DIR = Path(__file__).parent / "profiles"
INHERITED_SETTINGS = (
    "threshold", "pattern_budget", "context_boost", "context_floor", "negative_penalty",
    "context_words_before", "context_words_after",
)  # fmt: skip
"""What a catalogue that ``extends`` another takes from it unless it sets its own."""
P = TypeVar("P", TimedTextProfile, AudioProfile, ArtworkProfile, TextProfile, PiiCatalogue)


def builtin_profile_ids(kind: str) -> list[str]:
    """Ids of the built-in profiles of one kind, e.g. ``timed-text/en-US``."""
    folder = PROFILES_DIR / kind
    return sorted(f"{kind}/{path.stem}" for path in folder.glob("*.yaml"))


def load_timed_text_profile(reference: str) -> TimedTextProfile:
    """A built-in id (``timed-text/en-US``, or just ``en-US``) or a path to a YAML file."""
    return _load(TimedTextProfile, "timed-text", reference)


def load_audio_profile(reference: str) -> AudioProfile:
    """A built-in id (``audio/platform-dub``, or just ``platform-dub``) or a YAML file."""
    return _load(AudioProfile, "audio", reference)


def load_artwork_profile(reference: str) -> ArtworkProfile:
    """A partner's artwork profile file (there are no built-in ones: platform artwork specs
    are not public)."""
    return _load(ArtworkProfile, "artwork", reference)


def load_text_profile(reference: str) -> TextProfile:
    """A built-in id (``text/synopsis``, or just ``synopsis``) or a YAML file."""
    return _load(TextProfile, "text", reference)


def load_pii_catalogue(reference: str = "pii/default") -> PiiCatalogue:
    """A built-in catalogue (``pii/default``) or a partner's file; a file that ``extends``
    another gets that one's recognizers first (less its ``disabled`` ones), then its own.
    ``extends`` names a built-in catalogue or a file (relative to the one that names it)."""
    return _pii_catalogue(reference, ())


def _pii_catalogue(reference: str, chain: tuple[str, ...]) -> PiiCatalogue:
    catalogue, document = _read(PiiCatalogue, "pii", reference)
    if _builtin(reference, "pii") is None:  # the built-in prefilters are compiled in tests
        _check_prefilters(catalogue, document, reference)
    if catalogue.extends is None:
        return catalogue
    where = document.source.locate(("extends",))
    base_reference = catalogue.extends
    if _builtin(base_reference, "pii") is None and not Path(base_reference).is_absolute():
        base_reference = str(Path(reference).parent / base_reference)
    seen = (*chain, _identity(reference))
    if _identity(base_reference) in seen or catalogue.extends == catalogue.id:
        raise InputError.at(
            reference, where.line, where.column, "extends: catalogues extend one another in a loop"
        )
    if _builtin(base_reference, "pii") is None and not Path(base_reference).is_file():
        raise InputError.at(
            reference,
            where.line,
            where.column,
            f"extends: no built-in catalogue or file '{catalogue.extends}' "
            f"(built-in: {', '.join(builtin_profile_ids('pii'))})",
        )
    base = _pii_catalogue(base_reference, seen)
    own = {r.id for r in catalogue.recognizers}
    kept = [r for r in base.recognizers if r.id not in catalogue.disabled and r.id not in own]
    inherited = {  # settings the file leaves out are the extended catalogue's
        name: getattr(base, name)
        for name in INHERITED_SETTINGS
        if name not in catalogue.model_fields_set
    }
    return catalogue.model_copy(
        update={
            **inherited,
            "recognizers": [*kept, *catalogue.recognizers],
            "categories": base.categories | catalogue.categories,
            "extends": None,
        }
    )


def _identity(reference: str) -> str:
    """One name for a catalogue however it is referred to: its built-in file or its path."""
    return str((_builtin(reference, "pii") or Path(reference)).resolve())


def _load(model: type[P], kind: str, reference: str) -> P:
    return _read(model, kind, reference)[0]


def _read(model: type[P], kind: str, reference: str) -> tuple[P, YamlDocument]:
    path = _builtin(reference, kind) or Path(reference)
    if not path.is_file():
        known = ", ".join(builtin_profile_ids(kind))
        message = (
            f"no such profile file or built-in profile (built-in: {known})"
            if known
            else f"no such {kind} profile file"
        )
        raise InputError.at(reference, 0, 0, message)
    document = read_yaml(path)
    return validate_model(model, document.data, document.source, str(path)), document


def _check_prefilters(catalogue: PiiCatalogue, document: YamlDocument, display: str) -> None:
    """Each of a partner's prefilters compiles in Hyperscan, which the detector runs them
    in (no lookaround, no backreference, no empty match): else a located error now, not a
    failure when the scan starts."""
    import hyperscan  # noqa: PLC0415 - only a partner catalogue is checked

    for index, recognizer in enumerate(catalogue.recognizers):
        flags = [hyperscan.HS_FLAG_CASELESS if recognizer.caseless else 0]
        try:
            hyperscan.Database().compile(
                expressions=[recognizer.prefilter.encode()], ids=[0], elements=1, flags=flags
            )
        except hyperscan.error as exc:
            where = document.source.locate(("recognizers", index, "prefilter"))
            raise InputError.at(
                display,
                where.line,
                where.column,
                f"recognizers.{index}.prefilter: not a pattern Hyperscan can run ({exc})",
            ) from None


def _builtin(reference: str, kind: str) -> Path | None:
    name = reference.removeprefix(f"{kind}/")
    if "/" in name or name.endswith((".yaml", ".yml")):
        return None
    path = PROFILES_DIR / kind / f"{name}.yaml"
    return path if path.is_file() else None
