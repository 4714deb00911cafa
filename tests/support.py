"""Helpers the tests import: the minimal workspace, writing workspaces, running the CLI.

(Fixtures live in ``conftest.py``; importing helpers from a module of their own keeps a
``conftest.py`` in a subfolder from shadowing them.)"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "northwind"


def fair_impressions(users: int = 20) -> str:
    """An impression log where two item groups alternate at the top: equal exposure."""
    lines = ["user,item,rank,origin"]
    for user in range(users):
        order = ["a1", "b1", "a2", "b2"] if user % 2 else ["b1", "a1", "b2", "a2"]
        for rank, item in enumerate(order, start=1):
            group = "indie" if item.startswith("a") else "studio"
            lines.append(f"u{user},{item},{rank},{group}")
    return "\n".join(lines) + "\n"


def steady_scores() -> str:
    """A score log for 2026 whose every day has the same four scores: no drift in any window."""
    lines = ["scored_at,score,genre"]
    day = date(2026, 1, 1)
    while day.year == 2026:
        for score, genre in ((0.1, "drama"), (0.4, "comedy"), (0.6, "drama"), (0.9, "docs")):
            lines.append(f"{day.isoformat()} 12:00:00,{score},{genre}")
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


def minimal_workspace_files() -> dict[str, Any]:
    """A small valid workspace: one compliant recommendation system, one low-tier use case."""
    return {
        "charter.yaml": {
            "partner": {
                "id": "acme-post",
                "name": "Acme Post",
                "compliance_lead": "lead",
                "platform_contact": {"name": "Pat Contact", "email": "pat@platform.example"},
            },
            "guidelines": [
                {"pack": "partner-ai-usage", "version": "2026.1"},
                {"pack": "genai-content-production", "version": "2026.1"},
            ],
        },
        "people.yaml": {
            "people": [
                {
                    "id": "lead",
                    "name": "Lee Lead",
                    "email": "lee@acme.example",
                    "team": "Compliance",
                    "roles": ["compliance_lead", "reviewer", "approver"],
                },
                {
                    "id": "owner",
                    "name": "Olu Owner",
                    "email": "olu@acme.example",
                    "team": "Data",
                    "roles": ["owner", "incident_contact"],
                },
                {
                    "id": "exec",
                    "name": "Eve Exec",
                    "email": "eve@acme.example",
                    "team": "Board",
                    "roles": ["executive"],
                },
                {
                    "id": "op",
                    "name": "Ola Operator",
                    "email": "ola@acme.example",
                    "team": "Data",
                    "roles": ["operator"],
                },
            ]
        },
        "tools.yaml": {
            "tools": [
                {
                    "id": "mlplat",
                    "name": "ML Platform",
                    "vendor": "in-house",
                    "kind": "ml_platform",
                    "enterprise_agreement": True,
                    "stores_inputs": False,
                    "trains_on_inputs": False,
                    "resells_inputs": False,
                    "retention_days": 0,
                    "region": "EU",
                    "approved_stages": ["ideation", "temporary", "final_deliverable"],
                    "approved_for_personal_data": True,
                    "terms_reviewed_on": "2026-06-01",
                },
            ]
        },
        "systems/reco.yaml": {
            "id": "reco",
            "name": "Title recommender",
            "category": "recommendation",
            "lifecycle": "production",
            "purpose": "Rank catalogue titles for subscribers.",
            "user_facing": True,
            "owner": "owner",
            "accountable_executive": "exec",
            "incident_contact": "owner",
            "operators": ["op"],
            "tools": ["mlplat"],
            "data_sources": [
                {
                    "id": "views",
                    "name": "Viewing history",
                    "kind": "training",
                    "location": "s3://acme/views",
                    "provenance": "platform-supplied",
                    "personal_data": True,
                    "personal_data_categories": ["viewing_history"],
                    "data_subjects": ["subscribers"],
                    "legal_basis": "contract",
                    "retention_days": 365,
                    "recipients": [],
                    "transfers": [],
                },
            ],
            "algorithmic_process": {
                "model_type": "gradient-boosted trees",
                "provider": "in-house",
                "training_data": "12 months of viewing history",
                "evaluation": "NDCG@10 0.41",
                "limitations": "cold start for new titles",
                "last_trained": "2026-05-01",
            },
            "decision_framework": {
                "automated_decisions": False,
                "human_oversight": "human_on_the_loop",
                "override": "editors pin titles",
                "escalation": "on-call data team",
            },
            "transparency": {
                "user_disclosure": "Rows are personalised by AI.",
                "disclosure_location": "Help > Recommendations",
                "ai_output_labelling": "visible_label",
            },
            "evaluations": {
                "exposure": [
                    {
                        "id": "impressions",
                        "path": "evidence/impressions.csv",
                        "user": "user",
                        "item": "item",
                        "rank": "rank",
                        "group": "origin",
                    }
                ]
            },
            "monitoring": {
                "schedule": "quarterly",
                "last_run": "2026-11-20",
                "metrics": ["psi:score"],
                "reference_window": "2026-01-01/2026-03-31",
                "current_window": "P30D",
                "drift": {
                    "path": "evidence/scores.csv",
                    "time": "scored_at",
                    "columns": ["score", "genre"],
                },
            },
            "reviews": [{"date": "2026-06-15", "reviewer": "lead", "outcome": "approved"}],
            "dpia_reference": "DPIA-2026-01 title recommender",
        },
        "usecases/moodboard.yaml": {
            "id": "moodboard",
            "title": "Moodboards for pitch",
            "production": {"title": "Pilot X"},
            "owner": "owner",
            "tools": ["mlplat"],
            "media_type": "image",
            "stage": "ideation",
            "first_use": "2026-07-01",
            "principles": {
                "no_copyrighted_replication": "yes",
                "no_storage_or_training": "yes",
                "enterprise_environment": "yes",
                "temporary_output": "yes",
                "talent_consent": "yes",
            },
            "disclosure": {"date": "2026-06-20", "contact": "Pat Contact", "reference": "PLT-1"},
        },
        "evidence/impressions.csv": fair_impressions(),
        "evidence/scores.csv": steady_scores(),
        "training/records.csv": (
            "person,module,version,completed_on,evidence\n"
            "owner,responsible-ai-basics,2026.1,2026-03-01,LMS-1\n"
            "owner,ai-system-ownership,2026.1,2026-03-01,LMS-2\n"
            "exec,ai-system-ownership,2026.1,2026-03-02,LMS-3\n"
            "op,responsible-ai-basics,2026.1,2026-03-03,LMS-4\n"
            "owner,genai-in-production,2026.1,2026-03-04,LMS-5\n"
        ),
    }


def write_workspace(root: Path, files: dict[str, Any]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            continue
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
    return root


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``charter`` command in a subprocess."""
    full_env = dict(os.environ)
    full_env.pop("CHARTER_DATABASE_URL", None)  # tests choose their database explicitly
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "charter", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
        check=False,
    )


class WebhookReceiver:
    """A real local HTTP server that records every POST and answers from a script: each
    request takes the next ``(status, headers, delay_seconds)`` (the last one repeats)."""

    def __init__(self, script: list[tuple[int, dict[str, str], float]] | None = None) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.script = list(script or [(200, {}, 0.0)])
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                import time

                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((self.path, dict(self.headers.items()), body))
                index = min(len(receiver.requests), len(receiver.script)) - 1
                status, headers, delay = receiver.script[index]
                time.sleep(delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/charter"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def shifting_scores(since: date) -> str:
    """Like ``steady_scores``, but from ``since`` on every score is 0.35 higher (capped at
    1): a window after that day drifts from a reference before it."""
    lines = ["scored_at,score,genre"]
    day = date(2026, 1, 1)
    while day.year == 2026:
        shift = 0.35 if day >= since else 0.0
        for score, genre in ((0.1, "drama"), (0.4, "comedy"), (0.6, "drama"), (0.9, "docs")):
            lines.append(f"{day.isoformat()} 12:00:00,{min(score + shift, 1.0):.2f},{genre}")
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


BACKTRACKING = (
    "id: pii/backtracking\ntitle: A partner pattern that backtracks without end\n"
    "extends: pii/default\nsources:\n  - rules: [MEMBER_ID]\n"
    "    url: https://example.org/member-ids\n    retrieved: 2026-12-06\n"
    "recognizers:\n  - id: member-id\n    entity: MEMBER_ID\n"
    "    prefilter: 'M[0-9]+[^0-9]'\n    pattern: 'M(\\d+)+X'\n    score: 0.9\n"
    "    max_length: 4096\n"
)
"""``M(\\d+)+X`` on ``M`` and 40 digits without an ``X`` tries 2^40 ways to split them."""


def backtracking_catalogue(tmp_path: Path) -> Path:
    path = tmp_path / "backtracking.yaml"
    path.write_text(BACKTRACKING)
    return path
