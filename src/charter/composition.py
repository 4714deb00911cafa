"""The composition root: the one place that wires adapters to services for a command.

Each factory imports its adapter when called, so a command loads only what it uses
(`charter audit --no-store` never imports SQLAlchemy or Alembic).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from charter.checks.registry import CheckRegistry
    from charter.domain.evidence import EvidenceFile
    from charter.domain.organisation import WorkspaceConfig
    from charter.domain.pii_catalogue import PiiCatalogue
    from charter.domain.quality_profiles import ArtworkProfile, AudioProfile, TimedTextProfile
    from charter.domain.workspace import Workspace
    from charter.engines.alerts.webhooks import HttpWebhookSender
    from charter.engines.evidence.packs import Verification
    from charter.engines.keys.keystore import KeyStore
    from charter.engines.media.files import MediaFiles
    from charter.engines.scan.scanner import IbisScanner
    from charter.engines.store.event_log import SqlEventLog
    from charter.engines.store.issues import SqlIssueStore
    from charter.engines.store.monitoring import SqlDeliveryLog, SqlMonitoringStore
    from charter.engines.store.runs import SqlRunStore
    from charter.engines.text.block_scanner import BlockScanner
    from charter.engines.text.redacted_copies import RedactedCopy
    from charter.guidelines.library import BuiltinPackLibrary
    from charter.privacy.text_blocks import TextBlock
    from charter.quality.artwork_rules import ImageFacts
    from charter.quality.audio_rules import AudioMeasurement
    from charter.quality.timed_text import TimedText
    from charter.services.pii import PersonalDataScans


def registry() -> CheckRegistry:
    from charter.checks.registry import load_registry

    return load_registry()


def pack_library() -> BuiltinPackLibrary:
    from charter.guidelines.library import BuiltinPackLibrary

    return BuiltinPackLibrary()


def workspace(root: Path) -> Workspace:
    """Load a workspace with its paths shown as the user typed them."""
    from charter.workspace.loader import load_workspace

    return load_workspace(root)


def workspace_config(root: Path) -> WorkspaceConfig:
    """Only the workspace's ``charter.yaml`` (who the partner is), for light commands."""
    from charter.workspace.config_file import load_config

    return load_config(root)


def run_store(workspace_root: Path) -> SqlRunStore:
    from charter.engines.store.database import database_url, open_database
    from charter.engines.store.runs import SqlRunStore

    return SqlRunStore(open_database(database_url(workspace_root)))


def issue_store(workspace_root: Path) -> SqlIssueStore:
    """The compliance issue register, in the same database as the runs."""
    from charter.engines.store.database import database_url, open_database
    from charter.engines.store.issues import SqlIssueStore

    return SqlIssueStore(open_database(database_url(workspace_root)))


def event_log(workspace_root: Path) -> SqlEventLog:
    """The hash-chained audit trail, in the same database as the runs."""
    from charter.engines.store.database import database_url, open_database
    from charter.engines.store.event_log import SqlEventLog

    return SqlEventLog(open_database(database_url(workspace_root)))


def monitoring_store(workspace_root: Path) -> SqlMonitoringStore:
    """Monitoring runs and metric time series, in the same database as the runs."""
    from charter.engines.store.database import database_url, open_database
    from charter.engines.store.monitoring import SqlMonitoringStore

    return SqlMonitoringStore(open_database(database_url(workspace_root)))


def delivery_log(workspace_root: Path) -> SqlDeliveryLog:
    """The webhook delivery log, in the same database as the runs."""
    from charter.engines.store.database import database_url, open_database
    from charter.engines.store.monitoring import SqlDeliveryLog

    return SqlDeliveryLog(open_database(database_url(workspace_root)))


def webhook_sender() -> HttpWebhookSender:
    from charter.engines.alerts.webhooks import HttpWebhookSender

    return HttpWebhookSender()


def read_training_file(path: Path) -> tuple[list[Any], list[Any], dict[Any, Any] | None]:
    """Training records of a CSV file with located problems (``charter training import``)."""
    from charter.workspace.training_records import read_training_records

    return read_training_records(path, str(path))


def write_training_records(workspace_root: Path, records: list[Any]) -> Path:
    """Rewrite ``training/records.csv`` atomically; returns its path."""
    from charter.workspace.training_records import write_training_records as write

    target = workspace_root / "training" / "records.csv"
    write(target, records)
    return target


def record_training_import(
    workspace_root: Path, partner: str, actor: str, detail: dict[str, Any]
) -> None:
    """Append a training import to the audit trail."""
    from datetime import UTC, datetime

    from charter.engines.store.event_log import Entry

    log = event_log(workspace_root)
    try:
        log.append(Entry(partner, datetime.now(UTC), actor, "training:records.csv", "imported",
                         detail=detail))  # fmt: skip
    finally:
        log.close()


def evidence_workspace_files(root: Path, system: str | None) -> list[EvidenceFile]:
    """The workspace's registers, cards and use cases, byte for byte."""
    from charter.engines.evidence.packs import workspace_files

    return workspace_files(root, system)


def write_evidence_pack(
    target: Path, files: list[EvidenceFile], meta: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """Write and sign the pack with the user's key (made on first use); returns the
    manifest and the signer's fingerprint."""
    from charter.engines.evidence.packs import write_pack

    store = keystore()
    store.create_signing_key()
    manifest = write_pack(target, files, store.signing_key(), store.public_key_pem(), meta)
    return manifest, fingerprint_of(store.signing_key().public_key())


def verify_evidence_pack(source: Path, public_key: Path | None) -> Verification:
    from charter.domain.errors import InputError
    from charter.engines.evidence.packs import verify_pack

    pinned = None
    if public_key is not None:
        try:
            pinned = public_key.read_bytes()
        except OSError as exc:
            raise InputError.at(str(public_key), 0, 0, f"cannot read: {exc.strerror}") from exc
    return verify_pack(source, pinned)


def keystore() -> KeyStore:
    from charter.engines.keys.keystore import KeyStore, default_config_dir

    return KeyStore(default_config_dir())


def fingerprint_of(public_key: Ed25519PublicKey) -> str:
    from charter.engines.keys.keystore import fingerprint_of as compute

    return compute(public_key)


def scaffold_workspace(
    root: Path, pins: list[tuple[str, str]], partner_id: str | None, name: str | None
) -> list[Path]:
    from charter.workspace.scaffold import scaffold_workspace as scaffold

    return scaffold(root, pins, partner_id, name)


def export_schemas(directory: Path) -> list[Path]:
    from charter.workspace.schemas import export_schemas as export

    return export(directory)


def git_email(cwd: Path) -> str | None:
    """The repository's configured git e-mail, if git and a value exist."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [git, "config", "user.email"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


def scanner(engine: str = "duckdb", *, progress: bool = False) -> IbisScanner:
    """The scan engine; with ``progress``, long queries draw a bar on stderr."""
    from charter.engines.scan.scanner import IbisScanner

    return IbisScanner(engine, _progress_bar() if progress else None)


def byte_progress(total: int) -> Callable[[int | None], None]:
    """A bar on stderr (when it is a terminal) fed with bytes done; ``None`` ends it."""
    bar = _progress_bar()
    done = [0]

    def report(step: int | None) -> None:
        if step is None:
            bar(1.0)
            return
        done[0] += step
        bar(min(done[0] / total, 0.999) if total else None)

    return report


def _progress_bar() -> Callable[[float | None], None]:
    import sys

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    state: dict[str, Any] = {}

    def report(share: float | None) -> None:
        bar: Progress | None = state.get("bar")
        if share is not None and share >= 1.0:
            if bar is not None:
                bar.stop()
                state.clear()
            return
        if bar is None:
            if not sys.stderr.isatty():
                return
            bar = Progress(
                TextColumn("scanning"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                transient=True,
            )
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("scan", total=None)
        bar.update(state["task"], total=1.0 if share is not None else None, completed=share or 0)

    return report


def pii_catalogue(reference: str = "pii/default") -> PiiCatalogue:
    """The built-in PII catalogue or a partner's catalogue file."""
    from charter.guidelines.profiles import load_pii_catalogue

    return load_pii_catalogue(reference)


def workspace_pii_catalogue(root: Path, config: WorkspaceConfig) -> PiiCatalogue:
    """The catalogue ``charter.yaml`` names (``privacy.pii_catalogue``), else the built-in."""
    chosen = config.privacy.pii_catalogue
    return pii_catalogue(str(root / chosen) if chosen else "pii/default")


def pii_block_reader() -> Callable[[Path], Iterator[TextBlock]]:
    """Streams a text file in blocks of whole lines (``InputError`` when it is not text)."""
    from charter.engines.text.text_files import read_blocks

    return read_blocks


def pii_scanner(
    catalogue: PiiCatalogue,
    entities: list[str] | None,
    threshold: float | None,
    jobs: int,
    pattern_budget: float | None = None,
) -> BlockScanner:
    """The detector over blocks, in ``jobs`` processes; each recognizer under a per-block
    CPU-time budget (default: the catalogue's)."""
    from charter.engines.text.block_scanner import BlockScanner
    from charter.engines.text.pattern_cache import pattern_cache

    return BlockScanner(
        catalogue, entities, threshold, jobs, ner_recognizers(), pattern_cache(), pattern_budget
    )


def redacted_copy(source: Path, target: Path) -> RedactedCopy:
    """A redacted copy of ``source`` written atomically to ``target``, in the source's
    encoding."""
    from charter.engines.text.redacted_copies import RedactedCopy
    from charter.engines.text.text_files import text_encoding

    return RedactedCopy(target, text_encoding(source))


def redacted_table(
    source: Path, target: Path, redact: Callable[[str, list[str]], list[str]]
) -> list[str]:
    """A redacted copy of a table in its own format, written atomically; the columns it
    copied as they are (types the scan does not read)."""
    from charter.engines.text.redacted_tables import write_redacted_table

    return write_redacted_table(source, target, redact)


def ner_recognizers() -> list[Any]:
    """Model-based recognizers installed as ``charter.ner`` entry points (none built in)."""
    from importlib.metadata import entry_points

    return [entry.load()() for entry in entry_points(group="charter.ner")]


def personal_data_scans(ws: Workspace, engine: IbisScanner) -> PersonalDataScans:
    """The privacy checks' scanner: text files through the detector in this process,
    tables through ``engine``, findings digested with the workspace's HMAC key (made on
    first use)."""
    from charter.engines.text.block_scanner import BlockScanner
    from charter.engines.text.pattern_cache import pattern_cache
    from charter.services.pii import PersonalDataScans

    catalogue = workspace_pii_catalogue(ws.root, ws.config)
    detector = BlockScanner(catalogue, ner=ner_recognizers(), compiled=pattern_cache())

    def key() -> bytes:
        return _hmac(ws.config.partner.id)[0]

    return PersonalDataScans(
        catalogue, pii_block_reader(), engine.table_text, detector.scan, detector.scan_counting, key
    )


def hmac_key(workspace_dir: Path | None) -> tuple[bytes, str]:
    """The key that digests found values, and its public id: the workspace's (``charter
    keys``), or outside a workspace the user's ``standalone`` key (made on first use)."""
    return _hmac(workspace(workspace_dir).config.partner.id if workspace_dir else "standalone")


def _hmac(name: str) -> tuple[bytes, str]:
    """The named HMAC key (made on first use) and its public id."""
    store = keystore()
    store.create_hmac_key(name)
    return store.hmac_key(name), store.hmac_key_id(name)


def deliverables() -> MediaFiles:
    """Reads deliverable files for the quality checks (profiles from the built-in library or
    a file)."""
    from charter.engines.keys.keystore import fingerprint_of
    from charter.engines.media.files import MediaFiles
    from charter.guidelines.profiles import (
        load_artwork_profile,
        load_audio_profile,
        load_text_profile,
        load_timed_text_profile,
    )

    return MediaFiles(
        load_timed_text_profile,
        load_audio_profile,
        load_artwork_profile,
        load_text_profile,
        fingerprint_of,
    )


def can_embed(path: Path) -> bool:
    """Whether C2PA manifests embed in this kind of file."""
    from charter.engines.media.content_credentials import can_embed as embeddable

    return embeddable(path)


def sign_media(path: Path, chain_pem: bytes, key_pem: bytes, source_type: str) -> None:
    """Embed a C2PA manifest stating ``source_type`` (the file is replaced atomically)."""
    from charter.engines.media.content_credentials import sign_media as sign

    sign(path, path, chain_pem, key_pem, source_type, "charter provenance sign")


def sign_record(path: Path, *, source_type: str, **fields: str | None) -> Path:
    """Write ``<file>.provenance.json`` signed with the user's signing key."""
    from charter.engines.media.provenance_records import sign_record as sign

    private = keystore().signing_key()
    return sign(
        path, private, fingerprint_of(private.public_key()), source_type=source_type, **fields
    )


def make_test_certificate(directory: Path) -> Path:
    """A throwaway CA and ES256 signing certificate for trying C2PA signing."""
    from charter.engines.media.content_credentials import make_test_certificate as make

    return make(directory)


def audio_profile(reference: str) -> AudioProfile:
    """A built-in audio profile id or a profile file."""
    from charter.guidelines.profiles import load_audio_profile

    return load_audio_profile(reference)


def audio_meter() -> Callable[[Path], AudioMeasurement]:
    """Streams one audio file through the loudness meter (``InputError`` when unreadable)."""
    from charter.engines.media.audio_files import measure_audio

    return measure_audio


def artwork_profile(reference: str) -> ArtworkProfile:
    from charter.guidelines.profiles import load_artwork_profile

    return load_artwork_profile(reference)


def image_reader() -> Callable[[Path], ImageFacts]:
    from charter.engines.media.image_files import read_image

    return read_image


def timed_text_profile(reference: str) -> TimedTextProfile:
    """A built-in timed-text profile id or a profile file."""
    from charter.guidelines.profiles import load_timed_text_profile

    return load_timed_text_profile(reference)


def timed_text_reader() -> Callable[[Path], TimedText]:
    """Reads one subtitle file into the common event model (``InputError`` when it cannot)."""
    from charter.engines.media.timed_text_files import read_timed_text

    return read_timed_text


def shot_changes(path: Path, fps: float) -> list[float]:
    from charter.engines.media.timed_text_files import read_frame_list

    return read_frame_list(path, fps)


def glyph_list(path: Path) -> list[str]:
    from charter.engines.media.timed_text_files import read_glyph_list

    return read_glyph_list(path)
