"""Artwork files: the header facts Pillow reads without decoding the pixels.

Pillow refuses images over ``MAX_PIXELS`` (a decompression bomb: a small PNG declaring
absurd dimensions); that, a truncated or unknown file, is a located input error.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from charter.domain.errors import InputError
from charter.quality.artwork_rules import ImageFacts

MAX_PIXELS = 400_000_000
"""20,000 x 20,000: far past any key art; larger headers are refused unread."""


def read_image(path: Path) -> ImageFacts:
    from PIL import Image, UnidentifiedImageError

    name = str(path)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS // 2  # Pillow errors at twice this value
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.verify()  # structure and checksums, without decoding pixels
            with Image.open(path) as image:
                alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
                    "transparency" in image.info
                )
                return ImageFacts(
                    path=name,
                    format=str(image.format),
                    width=image.width,
                    height=image.height,
                    mode=image.mode,
                    alpha=alpha,
                    icc_profile=bool(image.info.get("icc_profile")),
                    bytes=path.stat().st_size,
                )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputError.at(name, 0, 0, f"refused: {exc}".split(". ")[0]) from exc
    except UnidentifiedImageError as exc:
        raise InputError.at(name, 0, 0, "not an image Pillow can read") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError.at(name, 0, 0, f"damaged image: {exc}") from exc
