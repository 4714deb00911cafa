"""``charter keys``: the signing key and the per-workspace HMAC keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import ListFormat, WorkspaceOption, print_json

app = typer.Typer(
    help="Signing and HMAC keys, kept in the user's config directory (0600), "
    "never in the workspace.",
    no_args_is_help=True,
)


def _partner_id(workspace: Path) -> str:
    """The workspace's partner id, refusing a key directory inside the workspace (a git
    repository: secrets there end up committed)."""
    from charter import composition
    from charter.domain.errors import InputError

    directory = composition.keystore().directory
    if directory.resolve().is_relative_to(workspace.resolve()):
        raise InputError.at(
            str(directory),
            0,
            0,
            "the key directory is inside the workspace; set CHARTER_CONFIG_DIR elsewhere",
        )
    return composition.workspace(workspace).config.partner.id


@app.command("init")
def init_keys(workspace: WorkspaceOption = Path()) -> None:
    """Create the signing key and this workspace's HMAC key if they are missing."""
    from charter import composition

    store = composition.keystore()
    partner = _partner_id(workspace)
    created = store.create_signing_key()
    typer.echo(f"{'created' if created else 'kept'} signing key {store.signing_key_path}")
    created = store.create_hmac_key(partner)
    typer.echo(f"{'created' if created else 'kept'} HMAC key for '{partner}'")


@app.command("show")
def show_keys(
    workspace: WorkspaceOption = Path(),
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
) -> None:
    """Show where the keys are and their public fingerprints (never the secrets)."""
    from charter import composition

    store = composition.keystore()
    partner = _partner_id(workspace)
    info = {
        "config_dir": str(store.directory),
        "signing_key": str(store.signing_key_path),
        "public_key_fingerprint": composition.fingerprint_of(store.signing_key().public_key()),
        "workspace": partner,
        "hmac_key_id": store.hmac_key_id(partner),
    }
    if output_format is ListFormat.JSON:
        print_json(info)
        return
    for name, value in info.items():
        typer.echo(f"{name:<24} {value}")


@app.command("export-public")
def export_public(
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Print (or write) the public signing key, PEM, for verifiers."""
    from charter import composition
    from charter.cli.common import write_output

    write_output(composition.keystore().public_key_pem().decode(), output)


@app.command("export-hmac")
def export_hmac(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to create (mode 0600).")],
    workspace: WorkspaceOption = Path(),
) -> None:
    """Copy this workspace's HMAC key to a file, to share it with the team."""
    import os

    from charter import composition
    from charter.domain.errors import InputError

    if output.resolve().is_relative_to(workspace.resolve()):
        raise InputError.at(
            str(output),
            0,
            0,
            "refusing to write a secret key inside the workspace (it is a git repo)",
        )
    key = composition.keystore().hmac_key(_partner_id(workspace))
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key.hex() + "\n")
    typer.echo(f"wrote {output} (keep it secret; import with 'charter keys import-hmac')")


@app.command("import-hmac")
def import_hmac(
    source: Annotated[Path, typer.Argument(help="Key file from 'charter keys export-hmac'.")],
    workspace: WorkspaceOption = Path(),
) -> None:
    """Use a shared HMAC key for this workspace, so digests agree across clones."""
    from charter import composition

    store = composition.keystore()
    partner = _partner_id(workspace)
    store.import_hmac_key(partner, source)
    typer.echo(f"imported HMAC key for '{partner}' (id {store.hmac_key_id(partner)})")
