"""Build the example workspace's history in its database (``make demo`` runs it).

    .venv/bin/python tools/make_example_history.py [WORKSPACE [REPORT.html]]

1. The database starts empty (``<workspace>/.charter/charter.db`` is replaced).
2. **2026-10-24: the October audit**, of the workspace as it stood then: the only difference
   is that ``campaign-insights`` did not yet reference its DPIA (a PRIV-08 finding).
3. **People work the issues** (each step a real ``charter issue`` command, dated):
   - PRIV-08 on campaign-insights: triaged, given to raj-patel, fixed by linking
     DPIA-2026-02 on the card (record filled in);
   - PRIV-03 (the card number in the chats) on support-assistant: triaged, given to
     lena-okafor, marked fixed ("the chat export masks card numbers"), but the export in
     the workspace still holds it;
   - TRAN-02 on promo-studio: risk accepted by ines-duarte (approver) until 2027-03-31;
   - PRIV-02 (transcripts sent to lingua-mt, critical): reported to the platform on
     2026-10-25 (PLT-2026-1031) by maren-vos and triaged;
   - DOC-03 on support-assistant: triaged, given to lena-okafor, in remediation.
4. **Monitoring** (``charter monitor run``): ``campaign-insights`` weekly on 2026-11-03,
   -10 and -17 (the first verifies the DPIA issue: PRIV-08 passes since the fix), then every
   monitored system on 2026-11-24, when the score drift of ``campaign-insights`` breaches
   its PSI limit and the card-number issue reopens (the export still holds the number).
5. **2026-11-24: the November audit** of the workspace as committed: untouched critical and
   high issues are overdue (REM-01) and most high ones were never reported (REM-02). It
   writes ``report.html``, with the monitoring trends.

``charter issue list -w examples/northwind --as-of 2026-11-24`` and
``charter log verify -w examples/northwind`` then show the register and its audit trail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHARTER = str(ROOT / ".venv" / "bin" / "charter")


def _run(*args: str, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> str:
    done = subprocess.run(  # noqa: S603 - our own command, arguments from this script
        [CHARTER, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode not in ok:
        sys.exit(f"charter {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done.stdout


def main() -> None:
    workspace = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "examples" / "northwind")
    report = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "report.html"
    state = workspace / ".charter"
    state.mkdir(exist_ok=True)
    for old in state.glob("charter.db*"):
        old.unlink()
    env = dict(os.environ, CHARTER_DATABASE_URL=f"sqlite:///{(state / 'charter.db').resolve()}")
    env.pop("CHARTER_USER", None)

    with tempfile.TemporaryDirectory() as folder:
        october = Path(folder) / workspace.name
        shutil.copytree(workspace, october, ignore=shutil.ignore_patterns(".charter"))
        card = october / "systems" / "campaign-insights.yaml"
        card.write_text(
            "".join(
                line
                for line in card.read_text().splitlines(keepends=True)
                if not line.startswith("dpia_reference:")
            )
        )
        _run("audit", str(october), "--as-of", "2026-10-24", "--format", "json",
             env=env, ok=(0, 1))  # fmt: skip

    listed = json.loads(
        _run("issue", "list", "-w", str(workspace), "--limit", "500", "-f", "json", env=env)
    )
    by_key = {(i["requirement"], i["system"], i["subject"].rsplit("#", 1)[-1]): i["id"]
              for i in listed["issues"]}  # fmt: skip

    def issue(requirement: str, system: str | None, tail: str) -> str:
        return next(v for (r, s, t), v in by_key.items() if r == requirement and s == system
                    and t.endswith(tail))  # fmt: skip

    def act(*args: str, person: str, day: str) -> None:
        """One ``charter issue`` command by ``person``; moves are dated ``day``."""
        dated = ("--as-of", day) if args[0] == "move" else ()
        _run("issue", *args, "-w", str(workspace), "--as", person, *dated, env=env)

    dpia = issue("PRIV-08", "campaign-insights", "dpia_reference")
    act("move", dpia, "triaged", person="maren-vos", day="2026-10-26")
    act("assign", dpia, "--owner", "raj-patel", person="maren-vos", day="2026-10-26")
    act("move", dpia, "in_remediation", person="raj-patel", day="2026-10-27")
    act("comment", dpia, "--record", "identified_by=October audit (PRIV-08)",
        "--record", "experts_consulted=Northwind DPO", "--root-cause",
        "DPIA-2026-02 was approved in February but never linked on the card",
        person="raj-patel", day="2026-10-27")  # fmt: skip
    act("move", dpia, "fixed", "--fix", "linked DPIA-2026-02 on the card",
        person="raj-patel", day="2026-10-28")  # fmt: skip

    card = issue("PRIV-03", "support-assistant", "CREDIT_CARD")
    act("move", card, "triaged", person="maren-vos", day="2026-10-26")
    act("assign", card, "--owner", "lena-okafor", person="maren-vos", day="2026-10-26")
    act("move", card, "in_remediation", person="lena-okafor", day="2026-10-28")
    act("move", card, "fixed", "--fix", "the chat export masks card numbers",
        person="lena-okafor", day="2026-11-02")  # fmt: skip

    labels = issue("TRAN-02", "promo-studio", "ai_output_labelling")
    act("move", labels, "accepted_risk", "--justification",
        "pilot: output stays internal until the labelling release in Q1 2027",
        "--expires", "2027-03-31", person="ines-duarte", day="2026-10-30")  # fmt: skip

    tools = issue("PRIV-02", "support-assistant", "lingua-mt")
    _run("issue", "report", tools, "--reference", "PLT-2026-1031", "-w", str(workspace),
         "--output", str(state / f"issue-report-{tools}.json"), "--as", "maren-vos",
         "--as-of", "2026-10-25", env=env)  # fmt: skip
    act("move", tools, "triaged", person="maren-vos", day="2026-10-25")

    recourse = issue("DOC-03", "support-assistant", "decision_framework")
    act("move", recourse, "triaged", person="maren-vos", day="2026-10-26")
    act("assign", recourse, "--owner", "lena-okafor", person="maren-vos", day="2026-10-26")
    act("move", recourse, "in_remediation", person="lena-okafor", day="2026-10-29")

    # Weekly monitoring of campaign-insights, then every monitored system on the audit day:
    # the drift that broke out in November shows as a breach in the last run.
    for day in ("2026-11-03", "2026-11-10", "2026-11-17"):
        _run("monitor", "run", str(workspace), "--system", "campaign-insights", "--as-of", day,
             "--as", "raj-patel", env=env, ok=(0, 1))  # fmt: skip
    monitored = _run("monitor", "run", str(workspace), "--as-of", "2026-11-24",
                     "--as", "maren-vos", env=env, ok=(0, 1))  # fmt: skip
    print(monitored.rstrip())

    out = _run("audit", str(workspace), "--as-of", "2026-11-24", "--output", str(report),
               env=env, ok=(0, 1))  # fmt: skip
    print(out.strip().splitlines()[0] if out.strip() else "")
    print(f"history written to {state / 'charter.db'}")


if __name__ == "__main__":
    main()
