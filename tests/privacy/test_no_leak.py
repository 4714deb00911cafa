"""Charter never leaks what it finds: an audit over evidence full of personal data (text and
a table), stored in the database and rendered in every format, then the standalone scans,
and every artefact searched for every raw value of the corpus."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import MetaData, Table, create_engine, inspect, select

from charter.privacy.corpus import generate
from support import minimal_workspace_files, run_cli, write_workspace

FORMATS = ("table", "json", "html", "sarif", "junit", "oscal")


def _workspace(tmp_path: Path) -> tuple[Path, set[str]]:
    lines = list(generate(400, seed=21))
    values = [line.text[s["start"] : s["end"]] for line in lines for s in line.spans]
    files = minimal_workspace_files()
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["ticket", "contact", "note"])
    for i, value in enumerate(values):
        writer.writerow([f"t{i}", value, f"customer wrote: {value}"])
    files["evidence/chats.txt"] = "\n".join(line.text for line in lines) + "\n"
    files["evidence/tickets.csv"] = table.getvalue()
    files["systems/chat-bot.yaml"] = {
        "id": "chat-bot",
        "name": "Support chat",
        "category": "customer_support",
        "lifecycle": "production",
        "purpose": "Answer subscriber questions.",
        "user_facing": True,
        "owner": "owner",
        "accountable_executive": "exec",
        "incident_contact": "owner",
        "data_sources": [
            {
                "id": "chats",
                "name": "Chats",
                "kind": "input",
                "location": "s3://acme/chats",
                "personal_data": True,
                "personal_data_categories": ["chat messages"],
                "data_subjects": ["subscribers"],
                "legal_basis": "contract",
                "retention_days": 90,
                "recipients": [],
                "transfers": [],
            },
            {
                "id": "tickets",
                "name": "Tickets",
                "kind": "features",
                "location": "s3://acme/tickets",
                "personal_data": False,
            },
        ],
        "evaluations": {
            "privacy": [
                {"id": "chat-log", "path": "evidence/chats.txt", "source": "chats"},
                {"id": "ticket-table", "path": "evidence/tickets.csv", "source": "tickets"},
            ]
        },
    }
    root = write_workspace(tmp_path / "ws", files)
    # Values shorter than eight characters could match unrelated text (a digit run in a
    # fingerprint); everything longer must never appear.
    return root, {v for v in values if len(v) >= 8}


def _database_text(url: str) -> str:
    engine = create_engine(url)
    try:
        parts = []
        with engine.connect() as connection:
            for name in inspect(connection).get_table_names():
                table = Table(name, MetaData(), autoload_with=connection)
                parts.extend(repr(tuple(row)) for row in connection.execute(select(table)))
        return "\n".join(parts)
    finally:
        engine.dispose()


def _assert_clean(artefacts: dict[str, str], raw: set[str]) -> None:
    for name, text in artefacts.items():
        leaked = sorted(value for value in raw if value in text)
        assert not leaked, (name, leaked[:3])


def test_no_raw_value_in_a_stored_run(tmp_path: Path, database_url: str) -> None:
    """The database (every table, every row), the run's JSON and ``runs show`` in every
    format, and the state folder."""
    root, raw = _workspace(tmp_path)
    assert len(raw) > 80
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg"), "CHARTER_DATABASE_URL": database_url}
    artefacts: dict[str, str] = {}
    stored = run_cli("audit", str(root), "--as-of", "2026-11-24", "--format", "json", env=env)
    assert stored.returncode == 1, stored.stderr
    assert "privacy.undeclared_personal_data" in stored.stdout
    artefacts["audit json (stored run)"] = stored.stdout + stored.stderr
    listed = run_cli("runs", "list", "--format", "json", cwd=root, env=env)
    run_id = listed.stdout.split('"run_id": "', 1)[1].split('"', 1)[0]
    for fmt in FORMATS:
        shown = run_cli("runs", "show", run_id, "--format", fmt, cwd=root, env=env)
        artefacts[f"runs show {fmt}"] = shown.stdout + shown.stderr
    issues = run_cli("issue", "list", "--format", "json", "-w", str(root), env=env)
    artefacts["issue list"] = issues.stdout + issues.stderr
    first = issues.stdout.split('"id": "', 1)[1].split('"', 1)[0]
    shown = run_cli("issue", "show", first, "-w", str(root), env=env)
    artefacts["issue show"] = shown.stdout + shown.stderr
    artefacts["database"] = _database_text(database_url)
    for path in (root / ".charter").rglob("*") if (root / ".charter").exists() else []:
        if path.is_file():
            artefacts[f"state file {path.name}"] = path.read_bytes().decode("latin-1")
    _assert_clean(artefacts, raw)
    # the audit did find the values: the search above is not vacuous
    assert "EMAIL_ADDRESS" in artefacts["audit json (stored run)"]
    assert "hmac-sha256:" in artefacts["database"]


def test_no_raw_value_in_reports_and_scans(tmp_path: Path) -> None:
    """Every audit format written to a file (with what the command printed), and the
    standalone scan of the text and the table in every format."""
    root, raw = _workspace(tmp_path)
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    artefacts: dict[str, str] = {}
    for fmt in FORMATS:
        out = tmp_path / f"report.{fmt}"
        result = run_cli(
            "audit", str(root), "--as-of", "2026-11-24", "--no-store", "--format", fmt,
            "--output", str(out), env=env,
        )  # fmt: skip
        artefacts[f"audit {fmt}"] = out.read_text(encoding="utf-8") + result.stdout + result.stderr
    pdf = tmp_path / "report.pdf"
    run_cli("audit", str(root), "--as-of", "2026-11-24", "--no-store", "-o", str(pdf), env=env)
    from pypdf import PdfReader

    artefacts["audit pdf"] = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for fmt in ("table", "json", "html"):
        scan = run_cli("scan", "pii", str(root / "evidence"), "--full", "--format", fmt, env=env)
        artefacts[f"scan pii {fmt}"] = scan.stdout + scan.stderr
    _assert_clean(artefacts, raw)
    # Redacted copies keep what the detector does not find (a bare nine-digit number with no
    # context is nobody's passport number), and nothing it finds: scanned again, they hold
    # no finding at all.
    for mode in ("tag", "mask", "pseudonym"):
        copies = tmp_path / f"copies-{mode}"
        made = run_cli(
            "scan", "pii", str(root / "evidence"), "--redact", str(copies), "--redact-mode", mode,
            env=env,
        )  # fmt: skip
        assert made.returncode == 1, made.stderr
        assert {p.name for p in copies.rglob("*.*")} >= {"chats.txt", "tickets.csv"}
        again = run_cli("scan", "pii", str(copies), "--full", "--format", "json", env=env)
        summary = json.loads(again.stdout)["summary"]
        assert (summary["findings"], summary["errors"]) == (0, 0), (mode, summary)
    assert "hmac-sha256:" in artefacts["scan pii json"]
    assert '"column": "contact"' in artefacts["scan pii json"]
