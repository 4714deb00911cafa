"""Redacted copies of text files, written atomically: the copy appears under its name only
once it is complete; a failure leaves no partial file behind."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from charter.domain.errors import InputError


class RedactedCopy:
    """``with RedactedCopy(target) as copy: copy.write(text)``; kept only without error."""

    def __init__(self, target: Path, encoding: str = "utf-8") -> None:
        self.target = target
        self.encoding = encoding
        """The original's: ``utf-8``, ``utf-8-sig`` or ``utf-16-le``/``-be`` (with its mark)."""
        self.partial = target.with_name(f".{target.name}.partial")

    def __enter__(self) -> RedactedCopy:
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.partial.open("w", encoding=self.encoding, newline="")
            if self.encoding.startswith("utf-16"):
                self._handle.write("\ufeff")  # the byte-order mark the original has
        except OSError as exc:
            raise InputError.at(str(self.target), 0, 0, f"cannot write: {exc.strerror}") from exc
        return self

    def write(self, text: str) -> None:
        self._handle.write(text)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._handle.close()
        if kind is None:
            self.partial.replace(self.target)
        else:
            self.partial.unlink(missing_ok=True)
