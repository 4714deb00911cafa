"""``charter monitor`` end to end on SQLite and PostgreSQL: runs stored with their metric
series, breaches opening issues, signed alerts to a real local HTTP server, the delivery log,
history with trend charts, and input errors that store nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from charter.domain.alerts import SIGNATURE_HEADER, signature_matches
from support import WebhookReceiver, run_cli, shifting_scores

Edit = Callable[[dict[str, Any]], None]
SECRET = "hook-secret-for-tests"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    yield server
    server.close()


def _monitored(url: str, **hook: Any) -> Edit:
    """The minimal workspace whose scores drift from 2026-11-01, with one webhook."""

    def edit(files: dict[str, Any]) -> None:
        files["evidence/scores.csv"] = shifting_scores(date(2026, 11, 1))
        del files["systems/reco.yaml"]["monitoring"]["last_run"]
        files["charter.yaml"]["alerts"] = {
            "webhooks": [
                {
                    "id": "compliance-channel",
                    "url": url,
                    "secret_env": "CHARTER_TEST_HOOK_SECRET",
                    "events": ["monitoring.breach", "monitoring.run"],
                    **hook,
                }
            ]
        }

    return edit


def _cli(root: Path, database_url: str, *args: str, secret: str | None = SECRET) -> Any:
    env = {"CHARTER_DATABASE_URL": database_url, "CHARTER_CONFIG_DIR": str(root.parent / "cfg")}
    if secret is not None:
        env["CHARTER_TEST_HOOK_SECRET"] = secret
    return run_cli(*args, env=env, cwd=root)


def _json(result: Any) -> Any:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_monitoring_runs_build_a_series_breaches_open_issues_and_alerts_are_signed(
    make_workspace: Callable[[Edit], Path], receiver: WebhookReceiver, database_url: str
) -> None:
    root = make_workspace(_monitored(receiver.url))
    before = _json(_cli(root, database_url, "audit", ".", "--as-of", "2026-10-20", "-f", "json",
                        "--no-store"))  # fmt: skip
    kept = [r for r in before["results"] if r["check"] == "monitoring.schedule_kept"]
    assert [r["status"] for r in kept] == ["fail"]  # the card never says it ran

    calm = _cli(root, database_url, "monitor", "run", ".", "--as-of", "2026-10-20", "-f", "json")
    assert calm.returncode == 0, calm.stderr
    assert "[1/1] monitoring reco" in calm.stderr
    (system,) = json.loads(calm.stdout)["systems"]
    metrics = {m["metric"]: m for m in system["metrics"]}
    assert {"psi:score", "psi:genre", "drifted_share", "exposure_ratio:origin"} <= set(metrics)
    assert metrics["psi:score"]["watched"] is True
    assert metrics["psi:genre"]["watched"] is False
    assert metrics["psi:score"]["limit"] == 0.2
    assert system["breaches"] == []

    drifted = _cli(root, database_url, "monitor", "run", ".", "--as-of", "2026-11-24", "-f", "json",
                   "--fail-on", "medium")  # fmt: skip
    assert drifted.returncode == 1, drifted.stderr  # MON-02 is medium: the gate fails
    (system,) = json.loads(drifted.stdout)["systems"]
    assert "psi:score" in system["breaches"]
    psi = next(m for m in system["metrics"] if m["metric"] == "psi:score")
    assert psi["value"] > 0.2
    assert psi["breached"] is True
    assert system["issues"]["opened"], system

    # Alerts: one per run, each body signed with the shared secret.
    breach = _signed_alerts(receiver, ["monitoring.run", "monitoring.breach"])[1]
    assert [b["metric"] for b in breach["breaches"] if b["metric"] == "psi:score"] == ["psi:score"]
    assert breach["issues"]["opened"] == system["issues"]["opened"]

    log = _json(_cli(root, database_url, "monitor", "deliveries", "-f", "json"))
    assert [(d["event"], d["delivered"], len(d["attempts"])) for d in log] == [
        ("monitoring.breach", True, 1),
        ("monitoring.run", True, 1),
    ]

    history = _json(_cli(root, database_url, "monitor", "history", "-f", "json", "-m", "psi:score"))
    (series,) = history["series"]
    assert [p["as_of"] for p in series["points"]] == ["2026-10-20", "2026-11-24"]
    assert [p["breached"] for p in series["points"]] == [False, True]
    assert [r["as_of"] for r in history["runs"]] == ["2026-11-24", "2026-10-20"]
    page = root / "history.html"
    written = _cli(root, database_url, "monitor", "history", "-f", "html", "-o", str(page))
    assert written.returncode == 0, written.stderr
    html = page.read_text()
    assert html.count("<svg") >= 4  # one chart per series
    assert "reco: psi:score" in html
    assert "limit: at most 0.2" in html

    # The stored run is monitoring done: the schedule is kept now.
    after = _json(_cli(root, database_url, "audit", ".", "--as-of", "2026-11-25", "-f", "json"))
    kept = [r for r in after["results"] if r["check"] == "monitoring.schedule_kept"]
    assert [(r["status"], r["evidence"]["last_run"]) for r in kept] == [("pass", "2026-11-24")]
    _audit_report_draws_the_watched_trends(root, database_url)


def _audit_report_draws_the_watched_trends(root: Path, database_url: str) -> None:
    """The HTML report charts the card's watched metrics up to the audit date only."""
    for as_of, points in (("2026-11-24", 2), ("2026-11-01", 1)):
        report = root / f"report-{as_of}.html"
        done = _cli(root, database_url, "audit", ".", "--as-of", as_of, "-o", str(report),
                    "--no-store")  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        html = report.read_text()
        assert "Monitoring trends" not in html  # --no-store reads no database
        done = _cli(root, database_url, "audit", ".", "--as-of", as_of, "-o", str(report))
        html = report.read_text()
        section = html[html.index('id="monitoring-trends"') :]
        assert "reco: psi:score" in section
        assert "psi:genre" not in section  # measured, but the card does not watch it
        assert f"over {points} monitoring runs" in section


def _signed_alerts(receiver: WebhookReceiver, events: list[str]) -> list[dict[str, Any]]:
    """The alerts received, in order, after checking each one's path and signature."""
    payloads = []
    for path, headers, body in receiver.requests:
        assert path == "/hooks/charter"
        assert signature_matches(SECRET.encode(), body, headers[SIGNATURE_HEADER])
        payload = json.loads(body)
        assert payload["schema"] == "charter.alert/v1"
        assert headers["X-Charter-Delivery"] == payload["delivery"]
        payloads.append(payload)
    assert [p["event"] for p in payloads] == events
    return payloads


def test_an_undeliverable_alert_is_logged_and_fails_the_run_but_the_run_is_kept(
    make_workspace: Callable[[Edit], Path], database_url: str
) -> None:
    failing = WebhookReceiver([(500, {}, 0.0)])
    try:
        root = make_workspace(_monitored(failing.url, max_attempts=2, backoff_seconds=0))
        result = _cli(root, database_url, "monitor", "run", ".", "--as-of", "2026-10-20")
        assert len(failing.requests) == 2
    finally:
        failing.close()
    assert result.returncode == 1
    assert "alert to webhook 'compliance-channel' not delivered after 2 attempts" in result.stderr
    (delivery,) = _json(_cli(root, database_url, "monitor", "deliveries", "-f", "json"))
    assert delivery["delivered"] is False
    assert [a["status"] for a in delivery["attempts"]] == [500, 500]
    history = _json(_cli(root, database_url, "monitor", "history", "-f", "json"))
    assert len(history["runs"]) == 1


def test_an_unset_secret_stops_the_run_before_anything_is_stored(
    make_workspace: Callable[[Edit], Path], receiver: WebhookReceiver, database_url: str
) -> None:
    root = make_workspace(_monitored(receiver.url))
    result = _cli(root, database_url, "monitor", "run", ".", "--as-of", "2026-10-20", secret=None)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("charter.yaml:")  # the file as the user named the workspace
    assert "CHARTER_TEST_HOOK_SECRET" in line
    assert receiver.requests == []
    history = _json(_cli(root, database_url, "monitor", "history", "-f", "json"))
    assert history["runs"] == []


def test_due_only_runs_what_the_schedule_calls_for_and_unknown_systems_are_refused(
    make_workspace: Callable[[Edit], Path], database_url: str
) -> None:
    root = make_workspace(lambda files: None)  # quarterly, last ran 2026-11-20
    result = _cli(root, database_url, "monitor", "run", ".", "--as-of", "2026-11-24",
                  "--due-only", "-f", "json")  # fmt: skip
    document = _json(result)
    assert document["systems"] == []
    assert document["not_due"] == [
        {"system": "reco", "schedule": "quarterly", "last_run": "2026-11-20",
         "next_due": "2027-02-20"}
    ]  # fmt: skip
    unknown = _cli(root, database_url, "monitor", "run", ".", "--system", "nope")
    assert unknown.returncode == 2
    assert "unknown system 'nope'" in unknown.stderr


def test_a_first_monitoring_run_compares_with_the_latest_whole_audit(
    make_workspace: Callable[[Edit], Path], receiver: WebhookReceiver, database_url: str
) -> None:
    def edit(files: dict[str, Any]) -> None:
        _monitored(receiver.url)(files)
        files["evidence/scores.csv"] = shifting_scores(date(2027, 1, 1))  # no drift in 2026
        del files["systems/reco.yaml"]["dpia_reference"]  # one finding: PRIV-08
        files["systems/reco.yaml"]["monitoring"]["last_run"] = "2026-10-01"  # quarterly

    root = make_workspace(edit)
    audited = _json(_cli(root, database_url, "audit", ".", "--as-of", "2026-11-01", "-f", "json"))
    assert [f["requirement"] for f in audited["findings"] if f["system"] == "reco"] == ["PRIV-08"]
    first = _json(_cli(root, database_url, "monitor", "run", ".", "--as-of", "2026-11-02",
                       "-f", "json"))  # fmt: skip
    (system,) = first["systems"]
    assert system["findings"] == 1
    assert system["new_findings"] == 0  # known from the whole-workspace audit
    assert system["breaches"] == []
    (alert,) = _signed_alerts(receiver, ["monitoring.run"])  # nothing new: a heartbeat
    assert alert["new_findings"] == []
    by_system = _json(_cli(root, database_url, "audit", ".", "--system", "reco", "--as-of",
                           "2026-11-03", "-f", "json"))  # fmt: skip
    assert by_system["summary"]["comparison"]["previous_run_id"] == system["run_id"]
    assert by_system["summary"]["comparison"]["new"] == 0
