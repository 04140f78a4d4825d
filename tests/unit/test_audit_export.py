"""``backbone audit export``: a simulated IND's events as a process-mining event log. Every stored event
is one row; each case's trace runs from submission to decision in version order per service; nothing
from the event bodies (such as the applicant reference) is in it; a corrupt event stops the export with
its id, and the command leaves a whole file or none."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections import defaultdict
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from backbone.codec import AvroCodec
from backbone.errors import CorruptMessageError
from backbone.schemas import SchemaCatalog
from backbone.stores import upstream_recorder
from services.audit.export import COLUMNS, export_event_log
from tests.factories import copy_of, embedded_settings


def _exported(data: Path) -> tuple[list[dict[str, str]], str]:
    out = io.StringIO()
    export_event_log(embedded_settings(data), out)
    return list(csv.DictReader(io.StringIO(out.getvalue()))), out.getvalue()


def test_every_event_is_a_row_and_each_trace_runs_in_order(simulated_ind: Path, tmp_path: Path) -> None:
    data = copy_of(simulated_ind, tmp_path)
    settings = embedded_settings(data)
    stored = {s: upstream_recorder(s, settings).max_notification_id() for s in ("intake", "decision")}
    report = export_event_log(settings, out := io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == COLUMNS
    assert report.per_service == stored and report.rows == len(rows) == sum(stored.values()) > 300

    versions: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        versions[(row["case_id"], row["service"])].append(int(row["version"]))
        datetime.fromisoformat(row["timestamp"]), datetime.fromisoformat(row["recorded_at"])
        assert row["event_type"].endswith("." + row["activity"])
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values())  # whole, in version order
    for service in ("intake", "decision"):  # each case whose history begins here, counted once
        assert report.cases[service] == len({case for case, s in versions if s == service})

    traces: dict[str, list[str]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["timestamp"], r["recorded_at"])):
        traces[row["case_id"]].append(row["activity"])
    decided = [t for t in traces.values() if "decision-taken" in t and "application-submitted" in t]
    assert decided, "some case went from submission to decision within three weeks"
    assert all(t.index("application-submitted") < t.index("decision-taken") for t in decided)
    assert report.activities["application-submitted"] == sum(
        t.count("application-submitted") for t in traces.values()
    )


def test_nothing_from_the_event_bodies_is_exported(simulated_ind: Path, tmp_path: Path) -> None:
    data = copy_of(simulated_ind, tmp_path)
    codec = AvroCodec(SchemaCatalog.load())
    intake = upstream_recorder("intake", embedded_settings(data))
    references = {
        codec.decode_body(n.topic, n.state)["applicant_ref"]
        for n in intake.select_notifications(start=1, limit=10**6)
        if n.topic.endswith("ApplicationSubmitted")
    }
    _, text = _exported(data)
    assert len(references) > 50 and not any(reference in text for reference in references)


def test_a_corrupt_event_stops_the_export_and_is_named(simulated_ind: Path, tmp_path: Path) -> None:
    data = copy_of(simulated_ind, tmp_path)
    with closing(sqlite3.connect(data / "decision.sqlite")) as connection, connection:
        (rowid,) = connection.execute("SELECT min(rowid) FROM stored_events").fetchone()
        connection.execute("UPDATE stored_events SET state = x'08' WHERE rowid = ?", (rowid,))
    with pytest.raises(CorruptMessageError, match=r"decision event #\d+ .* does not decode"):
        _exported(data)


def test_the_command_writes_the_file_whole_and_prints_a_summary(
    simulated_ind: Path, tmp_path: Path
) -> None:
    (tmp_path / "stores").mkdir()
    data = copy_of(simulated_ind, tmp_path / "stores")
    environment = {**os.environ, **embedded_settings(data).as_environment()}
    out = tmp_path / "event-log.csv"
    command = [sys.executable, "-m", "composition.cli.main", "audit", "export"]
    done = subprocess.run(
        [*command, "--out", str(out), "--json"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["rows"] == len(out.read_text().splitlines()) - 1 and summary["cases"]["intake"] > 50
    assert "exporting decision's events" in done.stderr  # the progress
    assert not list(tmp_path.glob("*.partial"))

    refused = subprocess.run(
        [*command, "--json"], env=environment, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0 and "--json needs --out" in refused.stderr


def test_an_export_that_fails_leaves_no_file(simulated_ind: Path, tmp_path: Path) -> None:
    (tmp_path / "stores").mkdir()
    data = copy_of(simulated_ind, tmp_path / "stores")
    with closing(sqlite3.connect(data / "decision.sqlite")) as connection, connection:
        connection.execute("UPDATE stored_events SET state = x'08' WHERE rowid = 7")
    environment = {**os.environ, **embedded_settings(data).as_environment()}
    out = tmp_path / "event-log.csv"
    command = [sys.executable, "-m", "composition.cli.main", "audit", "export", "--out", str(out)]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    assert done.returncode == 7 and "does not decode" in done.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "stores"]  # neither the log nor its .partial
