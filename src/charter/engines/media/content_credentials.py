"""C2PA content credentials through c2pa-python: read offline, sign media, and make the
throwaway certificate chain tests and the demo sign with.

Reading never touches the network: remote manifests and OCSP are not fetched, so a file
whose manifest lives only at a URL is an error for that file ("must fetch remote
manifests"), never a silent pass. Trust is configuration: without
trust anchors a manifest can be ``Valid`` at best; with them, ``Trusted`` when its signing
certificate chains to one.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from charter.domain.errors import InputError
from charter.quality.provenance_rules import Credentials, short_source_type

OFFLINE = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}


@cache
def embeddable_suffixes() -> frozenset[str]:
    """File suffixes c2pa-rs embeds manifests in (``.png``, ``.wav``, ``.flac``...)."""
    import c2pa

    return frozenset(f".{t}" for t in c2pa.Reader.get_supported_mime_types() if "/" not in t)


def can_embed(path: Path) -> bool:
    return path.suffix.lower() in embeddable_suffixes()


def read_credentials(path: Path, trust_anchors: str | None = None) -> Credentials | None:
    """The active manifest's facts, or ``None`` when the file carries no manifest.
    ``trust_anchors`` is a PEM bundle of the certificates that count as trusted."""
    import c2pa

    settings: dict[str, Any] = dict(OFFLINE)
    if trust_anchors:
        settings["trust"] = {"trust_anchors": trust_anchors}
    name = str(path)
    try:
        context = c2pa.Context.from_dict(settings)
        reader = c2pa.Reader.try_create(name, context=context)
        if reader is None:
            return None
        with reader:
            state = reader.get_validation_state() or "Invalid"
            results = reader.get_validation_results() or {}
            manifest = reader.get_active_manifest() or {}
    except c2pa.C2paError as exc:
        raise InputError.at(name, 0, 0, f"content credentials unreadable: {exc}") from exc
    failures = tuple(
        str(item.get("code"))
        for item in results.get("activeManifest", {}).get("failure", [])
        if trust_anchors or item.get("code") != "signingCredential.untrusted"
    )  # without anchors nobody is trusted: that alone is not a failure
    types: list[str] = []
    for assertion in manifest.get("assertions", []):
        if assertion.get("label") in ("c2pa.actions", "c2pa.actions.v2"):
            for action in assertion.get("data", {}).get("actions", []):
                source = action.get("digitalSourceType")
                if isinstance(source, str) and short_source_type(source) not in types:
                    types.append(short_source_type(source))
    generators = manifest.get("claim_generator_info") or []
    generator = (
        " ".join(str(generators[0].get(k, "")) for k in ("name", "version")).strip()
        if generators
        else manifest.get("claim_generator")
    )
    signature = manifest.get("signature_info") or {}
    signer = ", ".join(str(signature[k]) for k in ("common_name", "issuer") if signature.get(k))
    return Credentials(
        state=state,
        failures=failures,
        source_types=tuple(types),
        generator=generator or None,
        signer=signer or None,
        anchors_configured=bool(trust_anchors),
    )


def sign_media(
    source: Path,
    output: Path,
    chain_pem: bytes,
    key_pem: bytes,
    source_type: str,
    generator: str,
) -> None:
    """Embed a manifest with one ``c2pa.created`` action stating ``source_type`` (an IPTC
    term) into a copy of ``source``; ``output`` appears only once signing succeeded."""
    import c2pa
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(key_pem, password=None)
    except ValueError as exc:
        raise InputError.at("--key", 0, 0, f"not a PEM private key: {exc}") from exc
    if isinstance(key, ec.EllipticCurvePrivateKey):
        alg = {256: b"es256", 384: b"es384", 521: b"es512"}[key.curve.key_size]
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        alg = b"ed25519"
    elif isinstance(key, rsa.RSAPrivateKey):
        alg = b"ps256"
    else:
        raise InputError.at("--key", 0, 0, "key type C2PA cannot sign with")
    manifest = {
        "claim_generator_info": [{"name": generator}],
        "title": source.name,
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": "http://cv.iptc.org/newscodes/"
                            f"digitalsourcetype/{short_source_type(source_type)}",
                        }
                    ]
                },
            }
        ],
    }
    partial = output.with_name(f".{output.name}.partial{output.suffix}")
    try:
        signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(alg, chain_pem, key_pem, None))
        with c2pa.Builder(json.dumps(manifest)) as builder:
            builder.sign_file(source, partial, signer)
        partial.replace(output)
    except c2pa.C2paError as exc:
        partial.unlink(missing_ok=True)
        raise InputError.at(str(source), 0, 0, f"could not sign: {exc}") from exc


def make_test_certificate(directory: Path, organisation: str = "Charter test") -> Path:
    """A fresh CA and an ES256 signing certificate under it, valid for 30 days, written to
    ``directory``: ``test-ca.pem`` (the trust anchor), ``signer-chain.pem`` and
    ``signer-key.pem`` (0600). For tests and demos: nobody trusts it unless configured to."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)

    def name(common: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            ]
        )

    def usage(*, sign: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=not sign,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=sign,
            crl_sign=sign,
            encipher_only=False,
            decipher_only=False,
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    valid = (now - dt.timedelta(days=1), now + dt.timedelta(days=30))
    ca = (
        x509.CertificateBuilder()
        .subject_name(name(f"{organisation} CA"))
        .issuer_name(name(f"{organisation} CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage(sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name(f"{organisation} signer"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    pem = serialization.Encoding.PEM
    (directory / "test-ca.pem").write_bytes(ca.public_bytes(pem))
    (directory / "signer-chain.pem").write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    key_path = directory / "signer-key.pem"
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return directory
