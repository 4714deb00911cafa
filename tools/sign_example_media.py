"""Sign the example workspace's AI deliverables at run time (``make demo`` runs this; the
example-workspace test calls ``sign_example`` on a copy). Nothing signed is committed: each
run makes a fresh throwaway certificate chain and Ed25519 key in a temporary folder.

- ``deliverables/artwork/harbour-lights-title-es-419.png``: drawn here at 1920x1080 and
  signed with a C2PA manifest (``compositeWithTrainedAlgorithmicMedia``): it passes.
- ``deliverables/text/sai-s1-synopses-es-419.yaml``: gets a signed detached record.
- ``deliverables/artwork/harbour-lights-title-fr.png`` (committed, unsigned, 1280x720) is
  drawn only when missing: it is the planted failure.

    .venv/bin/python tools/sign_example_media.py [WORKSPACE]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image, ImageDraw

from charter.engines.keys.keystore import fingerprint_of
from charter.engines.media.content_credentials import make_test_certificate, sign_media
from charter.engines.media.provenance_records import sign_record

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "northwind"
SIGNED_CARD = Path("deliverables/artwork/harbour-lights-title-es-419.png")
UNSIGNED_CARD = Path("deliverables/artwork/harbour-lights-title-fr.png")
SYNOPSES = Path("deliverables/text/sai-s1-synopses-es-419.yaml")


def title_card(path: Path, width: int, height: int, hue: int) -> None:
    """A flat title card: a night-blue sky, a sea band and a lighthouse beam (no fonts, so
    the bytes only depend on Pillow's PNG writer)."""
    image = Image.new("RGB", (width, height), (12, 24, 48))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(8, 40 + hue, 72))
    draw.polygon(
        [(width // 5, height // 3), (width, height // 6), (width, height // 2)],
        fill=(230, 210, 140),
    )
    draw.rectangle((width // 5 - 20, height // 3, width // 5 + 20, height * 2 // 3), fill="white")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


def sign_example(workspace: Path) -> list[Path]:
    """Draw and sign the example's AI deliverables in ``workspace``; returns what it wrote."""
    unsigned = workspace / UNSIGNED_CARD
    if not unsigned.exists():
        title_card(unsigned, 1280, 720, hue=10)
    card = workspace / SIGNED_CARD
    with tempfile.TemporaryDirectory(prefix="charter-demo-") as scratch:
        folder = Path(scratch)
        master = folder / "title-es-419.png"
        title_card(master, 1920, 1080, hue=30)
        certs = make_test_certificate(folder / "certs", organisation="Northwind demo")
        sign_media(
            master,
            card,
            (certs / "signer-chain.pem").read_bytes(),
            (certs / "signer-key.pem").read_bytes(),
            "compositeWithTrainedAlgorithmicMedia",
            "Canvas AI Enterprise (Northwind demo signer)",
        )
    key = Ed25519PrivateKey.generate()
    record = sign_record(
        workspace / SYNOPSES,
        key,
        fingerprint_of(key.public_key()),
        source_type="trainedAlgorithmicMedia",
        tool="lumen-llm",
        reviewer="clara-romero",
    )
    return [card, record]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE
    for written in sign_example(target):
        print(f"signed {written.relative_to(target)}")
