"""Key management: the user's Ed25519 signing key and per-workspace HMAC keys."""

from charter.engines.keys.keystore import KeyStore

__all__ = ["KeyStore"]
