"""``backbone audit case <id>``: one case's history replayed from both stores, each event checked, with
its digest chain per store; a changed event shows as a finding and another chain; an unknown case and a
malformed id get clear errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from uuid import UUID, uuid4

from backbone.codec import AvroCodec
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from backbone.stores import upstream_recorder
from services.audit.replay import replay_case
from tests.factories import copy_of, embedded_settings


def _a_decided_case(settings: Settings) -> UUID:
    codec = AvroCodec(SchemaCatalog.load())
    decision = upstream_recorder("decision", settings)
    for n in decision.select_notifications(start=1, limit=10**6):
        if n.topic.endswith("DecisionTaken"):
            return UUID(str(codec.decode_body(n.topic, n.state)["meta"]["aggregate_id"]))
    raise AssertionError("no case was decided")


def _audit_case(settings: Settings, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "composition.cli.main",
            "audit",
            "case",
            *arguments,
            "--purpose",
            "internal-audit",
        ],
        env={**os.environ, **settings.as_environment()},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_decided_case_replays_from_submission_to_decision(simulated_ind: Path, tmp_path: Path) -> None:
    settings = embedded_settings(copy_of(simulated_ind, tmp_path))
    case_id = _a_decided_case(settings)
    history = replay_case(settings, AvroCodec(SchemaCatalog.load()), case_id)
    assert history.verified and set(history.chains) == {"intake", "decision"}
    for service in ("intake", "decision"):
        versions = [e.version for e in history.events if e.service == service]
        assert versions == list(range(1, len(versions) + 1))
    types = [e.event_type for e in history.events]
    assert types[0] == "nl.ind.intake.application-submitted"
    assert "nl.ind.decision.case-opened" in types and "nl.ind.decision.decision-taken" in types
    assert history.events[0].fields["procedure"]  # the fields as recorded, as JSON has them

    done = _audit_case(settings, str(case_id), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json.dumps(history.as_json()))
    text = _audit_case(settings, str(case_id))
    assert text.returncode == 0 and f"case {case_id}: {len(history.events)} events, verified" in text.stdout
    assert "decision-taken" in text.stdout and "decision chain: " in text.stdout
    # Each look was recorded first, as the command line's user, with its purpose.
    looks = subprocess.run(
        [
            sys.executable,
            "-m",
            "composition.cli.main",
            "audit",
            "access-log",
            "--case-id",
            str(case_id),
            "--json",
        ],
        env={**os.environ, **settings.as_environment()},
        capture_output=True,
        text=True,
        check=True,
    )
    entries = json.loads(looks.stdout)
    assert [(e["kind"], e["view"], e["purpose"]) for e in entries] == [
        ("case_inspected", "replay", "internal-audit")
    ] * 2
    assert entries[0]["accessor"]["channel"] == "command_line"
    assert entries[0]["accessor"]["subject_id"].startswith("os:")


def test_a_changed_event_is_found_and_changes_the_chain(simulated_ind: Path, tmp_path: Path) -> None:
    data = copy_of(simulated_ind, tmp_path)
    settings = embedded_settings(data)
    case_id = _a_decided_case(settings)
    codec = AvroCodec(SchemaCatalog.load())
    before = replay_case(settings, codec, case_id)
    with closing(sqlite3.connect(data / "decision.sqlite")) as connection, connection:
        connection.execute(
            "UPDATE stored_events SET state = substr(state, 1, length(state) - 2) "
            "WHERE originator_id = ? AND originator_version = 2",
            (case_id.hex,),
        )
    after = replay_case(settings, codec, case_id)
    assert not after.verified and after.chains["decision"] != before.chains["decision"]
    assert after.chains["intake"] == before.chains["intake"]
    (finding,) = after.findings.listed
    assert (finding.where, finding.version) == (
        "decision store",
        2,
    ) and "does not decode" in finding.problem
    assert _audit_case(settings, str(case_id)).returncode == 1


def test_an_unknown_case_and_a_malformed_id_get_clear_errors(simulated_ind: Path, tmp_path: Path) -> None:
    settings = embedded_settings(copy_of(simulated_ind, tmp_path))
    unknown = uuid4()
    done = _audit_case(settings, str(unknown))
    assert done.returncode == 6 and done.stderr.strip() == f"backbone: no case {unknown}"
    malformed = _audit_case(settings, "not-a-case")
    assert malformed.returncode == 2 and "case_id: 'not-a-case' is not a UUID" in malformed.stderr
