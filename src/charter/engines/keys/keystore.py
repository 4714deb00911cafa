"""Keys live in the user's config directory with 0600 permissions, never in the workspace.

Layout under ``$CHARTER_CONFIG_DIR`` (default: the platform's user config dir + ``charter``)::

    signing-key.pem          Ed25519 private key (PKCS#8 PEM), signs evidence packs
    hmac/<partner-id>.key    32 random bytes, hex; keys the digests of found personal data

A team shares one HMAC key so digests agree across clones: ``charter keys export-hmac``
on one machine, ``charter keys import-hmac`` on the others, or ``CHARTER_HMAC_KEY_FILE``
pointing at a shared secret file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_config_dir

from charter.domain.errors import InputError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

CONFIG_DIR_ENV = "CHARTER_CONFIG_DIR"
HMAC_KEY_FILE_ENV = "CHARTER_HMAC_KEY_FILE"
_PRIVATE = 0o600


def default_config_dir() -> Path:
    configured = os.environ.get(CONFIG_DIR_ENV)
    if configured:
        return Path(configured)
    return Path(user_config_dir("charter"))


def fingerprint_of(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, as ``SHA256:`` + colon-grouped hex (first 16 bytes)."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return "SHA256:" + ":".join(digest[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class KeyStore:
    directory: Path

    @property
    def signing_key_path(self) -> Path:
        return self.directory / "signing-key.pem"

    def hmac_key_path(self, workspace_id: str) -> Path:
        return self.directory / "hmac" / f"{workspace_id}.key"

    # --- signing key -------------------------------------------------------------------

    def create_signing_key(self) -> bool:
        """Create the signing key if missing. Returns whether one was created."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        path = self.signing_key_path
        if path.exists():
            return False
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_private(path, pem)
        return True

    def signing_key(self) -> Ed25519PrivateKey:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        path = self.signing_key_path
        data = _read_private(path, "signing key")
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as exc:
            raise InputError.at(str(path), 0, 0, "signing key file is corrupt") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise InputError.at(str(path), 0, 0, "not an Ed25519 private key")
        return key

    def public_key_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return (
            self.signing_key()
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    # --- HMAC keys ---------------------------------------------------------------------

    def create_hmac_key(self, workspace_id: str) -> bool:
        path = self.hmac_key_path(workspace_id)
        if path.exists() or os.environ.get(HMAC_KEY_FILE_ENV):
            return False
        _write_private(path, secrets.token_hex(32).encode() + b"\n")
        return True

    def hmac_key(self, workspace_id: str) -> bytes:
        shared = os.environ.get(HMAC_KEY_FILE_ENV)
        path = Path(shared) if shared else self.hmac_key_path(workspace_id)
        try:
            text = _read_private(path, "HMAC key").decode().strip()
            key = bytes.fromhex(text)
        except (ValueError, UnicodeDecodeError):
            raise InputError.at(str(path), 1, 1, "HMAC key file must hold hex digits") from None
        if len(key) < 32:
            raise InputError.at(str(path), 1, 1, "HMAC key must be at least 32 bytes")
        return key

    def hmac_key_id(self, workspace_id: str) -> str:
        """A short public id of the HMAC key, so teams can compare keys without sharing them."""
        key = self.hmac_key(workspace_id)
        return hmac.new(key, b"charter-key-id", hashlib.sha256).hexdigest()[:16]

    def import_hmac_key(self, workspace_id: str, source: Path) -> None:
        try:
            text = _read_private(source, "HMAC key", check_mode=False).decode().strip()
            key = bytes.fromhex(text)
        except (ValueError, UnicodeDecodeError):
            raise InputError.at(str(source), 1, 1, "HMAC key file must hold hex digits") from None
        if len(key) < 32:
            raise InputError.at(str(source), 1, 1, "HMAC key must be at least 32 bytes")
        _write_private(self.hmac_key_path(workspace_id), key.hex().encode() + b"\n", replace=True)


def _write_private(path: Path, data: bytes, replace: bool = False) -> None:
    """Write a secret with 0600 from the first byte. Replacing goes through a new temporary
    file and a rename, so a symlink planted at ``path`` is replaced, never followed."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp") if replace else path
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(target, flags, _PRIVATE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    if replace:
        target.replace(path)


def _read_private(path: Path, what: str, check_mode: bool = True) -> bytes:
    if not path.exists():
        raise InputError.at(str(path), 0, 0, f"no {what}: run 'charter keys init'")
    if check_mode:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise InputError.at(
                str(path), 0, 0, f"{what} is readable by others (mode {mode:o}); chmod 600 it"
            )
    return path.read_bytes()
