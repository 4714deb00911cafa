"""``charter scan reid`` and ``charter scan pii`` on tables, end to end: real files, real
subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from support import ROOT, run_cli

AUDIENCE = str(ROOT / "examples" / "northwind" / "evidence" / "audience-export.csv")
KNOWN_ISSUES = ROOT / "examples" / "northwind" / "evidence" / "known-issues.parquet"


def test_reid_json_reports_the_planted_classes() -> None:
    result = run_cli(
        "scan", "reid", AUDIENCE, "--quasi-identifiers", "age_band,province,device",
        "--sensitive", "segment", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "charter.scan.reid/v1"
    assert document["status"] == "fail"
    classes = document["classes"]
    assert classes["rows"] == 2297
    assert classes["k"] == 2
    assert classes["small_classes"] == [{"size": 2, "classes": 1}, {"size": 4, "classes": 1}]
    assert classes["prosecutor_risk"]["max"] == 0.5
    (segment,) = document["sensitive"]
    assert segment["l_distinct"] == 1
    assert segment["homogeneous_classes"] == [{"size": 4, "distinct": 1, "classes": 1}]
    assert [b["metric"] for b in document["breaches"]] == ["k", "l"]
    # sizes and counts only: no province or segment value in the output
    assert "Zeeland" not in result.stdout
    assert "lapsed" not in result.stdout


def test_reid_discovers_quasi_identifiers_and_limits_come_from_options() -> None:
    result = run_cli("scan", "reid", AUDIENCE, "--k", "2", "--l", "1", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    discovery = document["discovery"]
    assert discovery["suggested_quasi_identifiers"] == ["age_band", "province", "device"]
    assert document["quasi_identifiers"] == ["age_band", "province", "device"]
    assert document["limits"] == {"k": 2, "l": 1, "t": None}
    assert document["status"] == "pass"
    # the date column is near-unique: alone it already breaks k = 2 (a minimal risky set)
    risky = [c["columns"] for c in discovery["risky_combinations"]]
    assert ["last_exposed_on"] in risky
    assert not any("last_exposed_on" in c and len(c) > 1 for c in risky)


def test_reid_passes_with_a_coarser_key_and_draws_class_sizes(tmp_path: Path) -> None:
    out = tmp_path / "reid.html"
    result = run_cli(
        "scan", "reid", AUDIENCE, "-q", "age_band,device", "-s", "segment",
        "--t", "0.3", "--format", "html", "--output", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert "<svg" in html
    assert "Rows by equivalence-class size" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-q", "age_band,postcode"), "no column 'postcode' (--quasi-identifiers postcode)"),
        (("-q", "age_band", "-s", "age_band"), "both quasi-identifier and sensitive"),
        (("-q", "age_band", "--engine", "polars"), "--engine: 'polars'"),
    ],
)
def test_reid_bad_arguments_exit_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    result = run_cli("scan", "reid", AUDIENCE, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_pii_on_a_table_profiles_columns_on_a_sample_or_every_row(tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    sampled = run_cli("scan", "pii", str(KNOWN_ISSUES), "--sample", "100", "-f", "json", env=env)
    assert sampled.returncode == 1, sampled.stderr
    entry = json.loads(sampled.stdout)["files"][0]
    assert entry["rows"] == 120
    assert entry["sampled"]
    assert 60 < entry["scanned_rows"] < 120
    column = next(c for c in entry["columns"] if c["column"] == "reported_by")
    assert column["label"] == "EMAIL_ADDRESS"
    (share,) = column["entities"]
    assert share["share"] == 1.0
    assert 0.9 < share["interval"][0] < 1.0  # a sample: the lower bound is below 100 %
    full = run_cli("scan", "pii", str(KNOWN_ISSUES), "--full", "-f", "json", env=env)
    entry = json.loads(full.stdout)["files"][0]
    assert not entry["sampled"]
    assert entry["counts"] == {"EMAIL_ADDRESS": 120}
    rows = sorted(f["row"] for f in entry["findings"])
    assert rows == list(range(1, 121))  # 1-based rows
    assert {f["column"] for f in entry["findings"]} == {"reported_by"}
    assert all(f["start"] == 0 for f in entry["findings"])


def test_table_redaction_keeps_the_format(tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    csv = tmp_path / "tickets.csv"
    csv.write_text(
        'ticket,note,card\n1,"mail me at ana.ruiz@kinomail.de\nthanks",4917484589897107\n'
        "2,no contact,1234\n"
    )
    out = tmp_path / "out"
    result = run_cli(
        "scan", "pii", str(csv), str(KNOWN_ISSUES), "--redact", str(out),
        "--redact-mode", "pseudonym", env=env,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    copy = pd.read_csv(out / "tickets.csv", dtype=str)
    assert copy["note"][0].startswith("mail me at <EMAIL_ADDRESS:")
    assert copy["note"][0].endswith("\nthanks")  # the newline inside the cell survives
    assert copy["card"][0].startswith("<CREDIT_CARD:")  # CSV cells are text
    assert list(copy["note"][1:]) == ["no contact"]
    parquet = pq.read_table(out / "known-issues.parquet")
    assert parquet.schema.equals(pq.read_schema(KNOWN_ISSUES))
    reporters = parquet.column("reported_by").to_pylist()
    assert all(r.startswith("<EMAIL_ADDRESS:") for r in reporters)
    # the same value gives the same pseudonym: distinct addresses stay distinct
    original = pq.read_table(KNOWN_ISSUES).column("reported_by").to_pylist()
    assert len(set(reporters)) == len(set(original))


def test_a_corrupt_table_is_an_error_and_the_others_are_scanned(tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    corrupt = tmp_path / "broken.parquet"
    corrupt.write_bytes(b"PAR1 not really parquet")
    result = run_cli("scan", "pii", str(corrupt), str(KNOWN_ISSUES), "-f", "json", env=env)
    assert result.returncode == 2
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert files["broken.parquet"]["status"] == "error"
    assert str(corrupt) in files["broken.parquet"]["message"]
    assert files["known-issues.parquet"]["status"] == "complete"


def test_a_pattern_past_its_budget_leaves_text_and_tables_incomplete(tmp_path: Path) -> None:
    from support import backtracking_catalogue

    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    hostile = "member M" + "1" * 40 + " wrote"
    chat = tmp_path / "chat.txt"
    chat.write_text(f"User: mail ana.ruiz@kinomail.de\nUser: {hostile}\n")
    table = tmp_path / "tickets.csv"
    table.write_text(f"ticket,note\n1,mail ana.ruiz@kinomail.de\n2,{hostile}\n")
    out = tmp_path / "out"
    result = run_cli(
        "scan", "pii", str(chat), str(table), "--catalogue",
        str(backtracking_catalogue(tmp_path)), "--pattern-budget", "0.3", "--redact", str(out),
        "--format", "json", env=env,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert files["chat.txt"]["status"] == "incomplete"
    assert "pattern 'member-id' ran past its time budget of 0.3 s" in files["chat.txt"]["message"]
    assert "on lines 1 to 2" in files["chat.txt"]["message"]
    assert files["tickets.csv"]["status"] == "incomplete"
    assert "on column 'note', rows 1 to 2" in files["tickets.csv"]["message"]
    assert json.loads(result.stdout)["summary"]["incomplete"] == 2
    assert not out.exists() or not any(out.rglob("*.*"))  # no copy of an incomplete file
    assert "kinomail" not in result.stdout + result.stderr


def test_the_workspace_names_its_own_pii_catalogue(tmp_path: Path) -> None:
    from support import minimal_workspace_files, write_workspace

    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    files = minimal_workspace_files()
    files["charter.yaml"]["privacy"] = {"pii_catalogue": "privacy/member-ids.yaml"}
    own = ROOT / "tests/checks/privacy/pii_in_text/overlay/privacy/member-ids.yaml"
    files["privacy/member-ids.yaml"] = own.read_text()
    root = write_workspace(tmp_path / "ws", files)
    chat = tmp_path / "chat.txt"
    chat.write_text("User: profile NW-48213377 still shows the old plan\n")
    found = run_cli("scan", "pii", str(chat), "--workspace", str(root), "-f", "json", env=env)
    assert found.returncode == 1, found.stderr
    (entry,) = json.loads(found.stdout)["files"]
    assert [(f["entity"], f["start"]) for f in entry["findings"]] == [("ACCOUNT_ID", 14)]
    # --catalogue still wins, and without the workspace the built-in catalogue applies
    builtin = run_cli("scan", "pii", str(chat), "--workspace", str(root), "--catalogue",
                      "pii/default", env=env)  # fmt: skip
    assert builtin.returncode == 0, builtin.stderr
    assert run_cli("scan", "pii", str(chat), env=env).returncode == 0
    assert run_cli("validate", str(root), env=env).returncode == 0
    # a broken catalogue is one located line from validate, audit and scan, nothing stored
    (root / "privacy/member-ids.yaml").write_text(
        own.read_text().replace("'NW-[0-9]{8}[^0-9]'", "'NW-(?=[0-9])'")
    )
    for command in (("validate", str(root)), ("audit", str(root)),
                    ("scan", "pii", str(chat), "--workspace", str(root))):  # fmt: skip
        broken = run_cli(*command, env=env)
        assert broken.returncode == 2, (command, broken.stderr)
        (line,) = broken.stderr.strip().splitlines()
        assert "member-ids.yaml:12:5: recognizers.0.prefilter: not a pattern" in line, line
    assert not (root / ".charter").exists()


def test_column_names_are_context_and_every_plain_type_is_read(tmp_path: Path) -> None:
    import decimal
    from datetime import date

    import pyarrow as pa

    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    rows = 40
    table = pa.table(
        {
            "ssn": [f"{100 + i:03d}{50 + i % 40:02d}{1000 + i:04d}" for i in range(rows)],
            "contact_phone": ["+1 415 555 0132"] * rows,
            "notes": [f"{100 + i:03d}{50 + i % 40:02d}{1000 + i:04d}" for i in range(rows)],
            "card": pa.array([decimal.Decimal(4539148803436467)] * rows, pa.decimal128(19, 0)),
            "dob": [date(1984, 3, 12)] * rows,
            "segment": pa.array(["ana.ruiz@kinomail.de"] * rows).dictionary_encode(),
            "score": [0.5] * rows,
            "contacts": [{"email": "omar.vos@gmx.net", "kind": "home"}] * rows,
            "aliases": [["kai.lind@web.de", "none"]] * rows,
            "raw": [b"tara.khan@gmail.com"] * rows,
        }
    )
    path = tmp_path / "members.parquet"
    pq.write_table(table, path)
    out = tmp_path / "copy.parquet"
    done = run_cli("scan", "pii", str(path), "--redact", str(out), "-f", "json", env=env)
    assert done.returncode == 1, done.stderr
    (entry,) = json.loads(done.stdout)["files"]
    labels = {c["column"]: c["label"] for c in entry["columns"]}
    assert labels == {
        "ssn": "US_SSN",  # bare nine digits: the column's name is their context
        "contact_phone": "PHONE_NUMBER",
        "notes": None,  # the same digits under a name that says nothing
        "card": "CREDIT_CARD",  # a whole decimal
        "dob": "DATE_OF_BIRTH",  # a date column
        "segment": "EMAIL_ADDRESS",  # a dictionary (pandas category) column
        "contacts": "text",  # a struct, read as the engine writes it out
        "aliases": "text",  # a list, likewise
        "raw": "EMAIL_ADDRESS",  # binary that is text
    }
    assert entry["skipped_columns"] == ["score"]
    assert "columns score copied as they are" in entry["message"]
    copy = pq.read_table(out)
    assert copy.schema.equals(table.schema)
    assert set(copy.column("segment").to_pylist()) == {"<EMAIL_ADDRESS>"}
    assert copy.column("contacts")[0].as_py() == {"email": "<EMAIL_ADDRESS>", "kind": "home"}
    assert copy.column("aliases")[0].as_py() == ["<EMAIL_ADDRESS>", "none"]
    assert copy.column("raw")[0].as_py() == b"<EMAIL_ADDRESS>"
    assert copy.column("card").null_count == rows
    assert copy.column("dob").null_count == rows
    assert copy.column("notes").to_pylist() == table.column("notes").to_pylist()


def test_a_csv_copy_keeps_the_delimiter_the_scan_read(tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    source = tmp_path / "semi.csv"
    source.write_text(
        "id;contact;note\n1;anna.berg@proton.me;hi there\n"
        "2;jonas.meyer@web.de;paid with 4539148803436467, thanks\n"
    )
    out = tmp_path / "copy.csv"
    done = run_cli("scan", "pii", str(source), "--redact", str(out), env=env)
    assert done.returncode == 1, done.stderr
    assert out.read_text().splitlines() == [
        '"id";"contact";"note"',
        '"1";"<EMAIL_ADDRESS>";"hi there"',
        '"2";"<EMAIL_ADDRESS>";"paid with <CREDIT_CARD>, thanks"',
    ]


def test_a_csv_without_a_header_is_refused_without_repeating_its_first_row(
    tmp_path: Path,
) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    source = tmp_path / "rows.csv"
    source.write_text(
        "anna.berg@proton.me,4539148803436467,31\njonas.meyer@web.de,5200000012345671,42\n"
    )
    for command in (("scan", "pii", str(source), "-f", "json"), ("scan", "reid", str(source))):
        done = run_cli(*command, env=env)
        assert done.returncode == 2, done.stderr
        shown = done.stdout + done.stderr
        assert "the first row holds values, not column names (column 1)" in shown
        assert "anna" not in shown
        assert "4539" not in shown


def test_an_engine_error_does_not_repeat_the_value_it_failed_on(tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    source = tmp_path / "export.jsonl"
    rows = [{"age": 20 + i % 50, "zip": f"10{i % 9}"} for i in range(30_000)]
    rows.append({"age": "ines.haddad@gmx.net", "zip": "101"})
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    done = run_cli("scan", "reid", str(source), "-q", "age,zip", env=env)
    assert done.returncode == 2, done.stderr
    assert "ines" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"{source}: ")


def test_sigterm_stops_the_workers_and_leaves_no_half_copy(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from support import backtracking_catalogue

    env = dict(os.environ, CHARTER_CONFIG_DIR=str(tmp_path / "cfg"))
    chat = tmp_path / "chat.txt"
    chat.write_text("User: member M" + "1" * 40 + " wrote\n")  # backtracks for a minute
    copy = tmp_path / "copy.txt"
    command = [sys.executable, "-m", "charter", "scan", "pii", str(chat), "--jobs", "2",
               "--catalogue", str(backtracking_catalogue(tmp_path)), "--pattern-budget", "60",
               "--redact", str(copy)]  # fmt: skip
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    workers: list[int] = []
    deadline = time.monotonic() + 30
    while len(workers) < 2 and time.monotonic() < deadline:  # the pool is up
        time.sleep(0.2)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 143, stderr
    assert stderr.strip().splitlines()[-1] == "terminated"
    assert not copy.exists()
    assert not list(tmp_path.glob(".copy.txt*"))
    time.sleep(0.5)
    for pid in workers:
        assert (
            not Path(f"/proc/{pid}").exists()
            or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        ), pid


def test_a_table_past_its_time_budget_is_incomplete_and_gets_no_copy(tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    table = tmp_path / "big.csv"
    rows = 70_000  # two batches: the budget is checked between blocks
    table.write_text("id,note\n" + "".join(f"{i},mail me at u{i}@proton.me\n" for i in range(rows)))
    clean = tmp_path / "small.csv"
    clean.write_text("id,note\n1,nothing here\n")
    out = tmp_path / "out"
    done = run_cli(
        "scan", "pii", str(table), str(clean), "--full", "--budget", "0", "--redact", str(out),
        "-f", "json", env=env,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    files = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    assert files["big.csv"]["status"] == "incomplete"
    assert "time budget of 0 s ran out" in files["big.csv"]["message"]
    assert not (out / "big.csv").exists()
    # the table after it is read as usual (the stream stopped early was closed)
    assert files["small.csv"]["status"] in ("complete", "incomplete")
    assert "error" not in {f["status"] for f in files.values()}
    assert "Traceback" not in done.stderr


def test_a_short_row_or_a_long_cell_is_read_as_written(tmp_path: Path) -> None:
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    short = tmp_path / "short.csv"
    short.write_text(
        'name,email,phone\nJohn,john.doe@gmail.com\nAnn,"ann@proton.me\nsecond line",'
        "+44 20 7946 0958\n"
    )
    long_cell = tmp_path / "long.csv"
    long_cell.write_text('id,note\n1,"' + "x" * 3_000_000 + ' ana.ruiz@kinomail.de"\n')
    late = tmp_path / "late.csv"  # a text value far below the rows the sniffer types
    late.write_text("id,note\n" + "".join(f"{i},hi\n" for i in range(30_000)) + "x@y.org,z\n")
    out = tmp_path / "out"
    done = run_cli(
        "scan", "pii", str(short), str(long_cell), str(late), "--full", "--redact", str(out),
        "-f", "json", env=env,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    files = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    assert [c["column"] for c in files["short.csv"]["columns"]] == ["name", "email", "phone"]
    assert files["short.csv"]["counts"] == {"EMAIL_ADDRESS": 2, "PHONE_NUMBER": 1}
    assert files["long.csv"]["counts"] == {"EMAIL_ADDRESS": 1}
    assert files["late.csv"]["counts"] == {"EMAIL_ADDRESS": 1}
    assert {f["status"] for f in files.values()} == {"complete"}
    assert (out / "short.csv").read_text().splitlines() == [
        '"name","email","phone"',
        '"John","<EMAIL_ADDRESS>",',
        '"Ann","<EMAIL_ADDRESS>',
        'second line","<PHONE_NUMBER>"',
    ]
