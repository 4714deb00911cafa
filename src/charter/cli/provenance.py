"""``charter provenance``: sign AI deliverables and verify their content credentials."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, ListFormat, print_json

app = typer.Typer(
    help="Content credentials of AI deliverables: C2PA manifests for media, signed detached "
    "records (<file>.provenance.json) for text.",
    no_args_is_help=True,
)

SourceType = Annotated[
    str,
    typer.Option(
        "--source-type",
        "-t",
        help="IPTC digital source type: trainedAlgorithmicMedia, "
        "compositeWithTrainedAlgorithmicMedia or compositeSynthetic.",
    ),
]


@app.command("sign")
def sign(
    paths: Annotated[list[Path], typer.Argument(help="Files to sign.")],
    source_type: SourceType,
    cert: Annotated[
        Path | None,
        typer.Option("--cert", help="C2PA: signing certificate chain (PEM, leaf first)."),
    ] = None,
    key: Annotated[
        Path | None, typer.Option("--key", help="C2PA: the certificate's private key (PEM).")
    ] = None,
    tool: Annotated[str | None, typer.Option("--tool", help="Record: tool id.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Record: model name.")] = None,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Record: who reviewed the output.")
    ] = None,
    approval: Annotated[
        str | None, typer.Option("--approval", help="Record: the platform's approval reference.")
    ] = None,
) -> None:
    """Sign files as AI-generated.

    With --cert and --key, media C2PA embeds into (PNG, JPEG, WAV, FLAC, MP4...) get a
    manifest with a c2pa.created action stating the source type (the file is replaced
    atomically). Every other file gets a detached record <file>.provenance.json with its
    SHA-256, signed with the key of `charter keys init`.
    """
    from charter import composition
    from charter.cli.common import fail_input
    from charter.domain.errors import InputError
    from charter.quality.provenance_rules import AI_SOURCE_TYPES, short_source_type

    if short_source_type(source_type) not in AI_SOURCE_TYPES:
        fail_input(
            f"--source-type: {source_type} is not one of {', '.join(sorted(AI_SOURCE_TYPES))}"
        )
    if (cert is None) != (key is None):
        fail_input("--cert and --key go together")
    missing = [p for p in paths if not p.is_file()]
    if missing:
        fail_input(f"{missing[0]}: no such file")
    try:
        chain = cert.read_bytes() if cert else None
        secret = key.read_bytes() if key else None
        for path in paths:
            if chain is not None and secret is not None and composition.can_embed(path):
                composition.sign_media(path, chain, secret, source_type)
                typer.echo(f"{path}: C2PA manifest embedded ({short_source_type(source_type)})")
                continue
            record = composition.sign_record(
                path,
                source_type=source_type,
                tool=tool,
                model=model,
                reviewer=reviewer,
                approval=approval,
            )
            typer.echo(f"{path}: signed record {record}")
    except (InputError, OSError) as exc:
        fail_input(str(exc))


@app.command("verify")
def verify(
    paths: Annotated[list[Path], typer.Argument(help="Files to verify.")],
    declared: Annotated[
        str | None,
        typer.Option("--declared", help="The digital source type the file was declared with."),
    ] = None,
    trust_anchors: Annotated[
        Path | None,
        typer.Option("--trust-anchors", help="PEM bundle of trusted C2PA CA certificates."),
    ] = None,
    record_keys: Annotated[
        list[Path] | None,
        typer.Option("--record-key", help="Trusted public key (PEM) for detached records."),
    ] = None,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
) -> None:
    """Read each file's C2PA manifest offline (or its detached record) and judge it: present,
    valid, trusted when anchors or keys are given, AI source type as declared.

    Exit 0 when all pass, 1 when one fails, 2 when one cannot be read.
    """
    from charter import composition
    from charter.domain.errors import InputError
    from charter.quality.provenance_rules import check_provenance

    files = composition.deliverables()
    results = []
    unreadable = failed = False
    for path in paths:
        entry: dict[str, object] = {"path": str(path)}
        try:
            if not path.is_file():
                raise InputError.at(str(path), 0, 0, "no such file")
            provenance = files.provenance(path, trust_anchors, record_keys or [])
            findings = check_provenance(
                provenance, declared, require_declaration=declared is not None
            )
            entry |= provenance.facts()
        except InputError as exc:
            unreadable = True
            results.append(entry | {"verdict": "error", "error": str(exc), "findings": []})
            continue
        failed = failed or bool(findings)
        entry["verdict"] = "fail" if findings else "pass"
        entry["findings"] = [{"rule": f.rule, "message": f.message} for f in findings]
        results.append(entry)
    if output_format is ListFormat.JSON:
        print_json({"files": results})
    else:
        for entry in results:
            typer.echo(f"{entry['verdict']:<6} {entry['path']}  ({entry.get('provenance')})")
            if entry.get("error"):
                typer.echo(f"       {entry['error']}")
            for finding in entry["findings"]:  # type: ignore[attr-defined]
                typer.echo(f"       {finding['rule']}: {finding['message']}")
    raise typer.Exit(EXIT_INPUT if unreadable else EXIT_FINDINGS if failed else EXIT_OK)


@app.command("test-certificate")
def test_certificate(
    directory: Annotated[Path, typer.Argument(help="Folder to write the PEM files to.")],
) -> None:
    """Make a throwaway CA and ES256 signing certificate (30 days) for trying C2PA signing:
    test-ca.pem, signer-chain.pem, signer-key.pem. Nobody trusts it unless configured to."""
    from charter import composition

    composition.make_test_certificate(directory)
    typer.echo(f"wrote {directory}/test-ca.pem, signer-chain.pem, signer-key.pem")
