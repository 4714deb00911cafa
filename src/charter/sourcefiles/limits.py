"""Size limits that keep hostile or accidental huge inputs from exhausting memory."""

from __future__ import annotations

from pathlib import Path

from charter.domain.errors import InputError

# A workspace file is written by people; 8 MiB is far past any real card or register.
MAX_FILE_BYTES = 8 * 1024 * 1024
# Aliases can make a small YAML file expand exponentially ("billion laughs"): cap the
# number of values built from one document.
MAX_NODES = 200_000


def read_text_capped(path: Path, display: str) -> str:
    """Read a UTF-8 file, refusing files over ``MAX_FILE_BYTES`` and undecodable bytes."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError.at(
                display, 0, 0, f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError.at(display, 0, 0, f"cannot read file: {exc.strerror}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError.at(display, line, column, "file is not valid UTF-8") from exc
