"""No personal data on the bus, nor in any log (issue 15), shown with planted values.

Recognisable values are planted in every string field of every command the API takes (found in its
OpenAPI document, so a field added later is planted too) and in the applicant's personal data; intake
and decision run end to end in distributed mode (`backbone serve`, `backbone run intake|decision|tower`,
PostgreSQL, the real broker), and the applicant is forgotten with `backbone privacy forget`. Then every
record of every topic the system wrote (all partitions; keys, values, header names and values) and every
line every process wrote (stdout, stderr, and what the broker and PostgreSQL logged meanwhile) is searched
for each planted value: none may be found.

A field that takes a code or a pattern refuses a planted value (422, nothing recorded) and is given a
valid one; a free-text field (a note, a name) takes it, and must keep it in the owning service's store,
encrypted (the stores are not searched: that is where the values belong). The search can fail: it finds
a planted value written on purpose to a scratch topic (in a key, a value and a header) and to a log.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from backbone.kafka_clients import make_admin, make_producer
from backbone.settings import Settings
from backbone.topics import TopicSpec, ensure_topics
from composition.parts import build_decision, build_intake
from services.topics import PRODUCERS, declared_topics, topic_of
from tests.conftest import KEYCLOAK_ISSUER, topics_of_its_own
from tests.e2e.served_tower import free_port
from tests.e2e.test_restore_while_running import until
from tests.factories import codec
from tests.kafka_reading import message_count, read_topic
from tests.keycloak_tokens import user_token

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.keycloak]
ROOT = Path(__file__).parents[2]
PROCESSES = {"serve": None, "intake": "intake", "decision": "decision", "tower": "tower"}
TODAY = date.today()


@dataclass
class Planted:
    """Every value planted, by where it was planted; and the applicant they belong to."""

    run: str = field(default_factory=lambda: uuid.uuid4().hex)
    values: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # fields that would not take a planted value

    def __post_init__(self) -> None:
        rng = random.Random(self.run)
        self.applicant_ref = f"P-{self.run[:16]}"
        self.person = {
            "family_name": self.value("family_name", f"PLANTED-{self.run}-Haddad"),
            "given_names": self.value("given_names", f"Layla PLANTED-{self.run}-Noor"),
            "date_of_birth": self.value(
                "date_of_birth", str(date(1950, 1, 1) + timedelta(rng.randrange(18000)))
            ),
            "bsn": self.value("bsn", a_bsn(rng)),
            "v_number": self.value("v_number", "".join(rng.choice("0123456789") for _ in range(10))),
            "email": self.value("email", f"planted-{self.run}@example.org"),
            "phone": self.value("phone", f"+31 6 {rng.randrange(10**7, 10**8)}"),
        }
        born = date.fromisoformat(self.person["date_of_birth"])
        self.values["date_of_birth, as written in Dutch"] = born.strftime("%d-%m-%Y")

    def value(self, where: str, value: str) -> str:
        self.values[where] = value
        return value

    def text(self, where: str, max_length: int) -> str:
        """A free text for ``where``, as a caseworker might type it, with the applicant's name in it; its
        first words, unique to this run and field, are what is searched for."""
        marker = self.value(where, f"PLANTED-{self.run[:16]}-{len(self.values)}")
        return f"{marker} mevrouw Haddad belt over haar dossier"[:max_length]


def a_bsn(rng: random.Random) -> str:
    """A random number that passes the 11-test, as a real BSN does."""
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        last = sum(w * d for w, d in zip(range(9, 1, -1), digits, strict=True)) % 11
        if last < 10 and digits[0] != 0:
            return "".join(map(str, [*digits, last]))


# -- the commands, with a valid value for every field that is not free text --------------------------


def days_ago(days: int) -> str:
    return str(TODAY - timedelta(days))


def accepted(procedure: str, received_days_ago: int) -> list[tuple[str, dict[str, Any]]]:
    """An application remedied, classified and accepted."""
    notified = received_days_ago - 3
    commands: list[tuple[str, dict[str, Any]]] = [
        (
            "defect-notices",
            {
                "notified_on": days_ago(notified),
                "remedy_by": days_ago(notified - 14),
                "missing": ["passport_copy"],
            },
        ),
        ("defect-remedies", {"remedied_on": days_ago(notified - 2)}),
    ]
    if procedure == "asylum":
        commands.append(
            ("classifications", {"track": "general", "complexity": "high", "target_group": "project-syria"})
        )
    else:
        commands.append(("classifications", {"complexity": "low", "target_group": "project-syria"}))
    return [*commands, ("acceptances", {})]


def withdrawn_naturalisation() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("fee-payments", {"paid_on": str(TODAY), "amount_cents": 141100}),
        ("withdrawals", {"withdrawn_on": str(TODAY)}),
    ]


def not_processed(received_days_ago: int) -> list[tuple[str, dict[str, Any]]]:
    notified = received_days_ago - 1
    return [
        (
            "defect-notices",
            {
                "notified_on": days_ago(notified),
                "remedy_by": days_ago(notified - 14),
                "missing": ["income_proof"],
            },
        ),
        ("non-processing-decisions", {"decided_on": str(TODAY)}),
    ]


def rejected_family_case() -> list[tuple[str, dict[str, Any]]]:
    day, later = str(TODAY), str(TODAY + timedelta(28))
    return [
        ("assignments", {"team": "family-1", "officer_ref": "O-00000000000000a1"}),
        (
            "information-requests",
            {"requested_on": day, "due_on": later, "subject_code": "civil_status_documents"},
        ),
        ("information-receipts", {"received_on": day}),
        ("deadline-extensions", {"on": day, "days": 30, "reason_code": "advice_needed"}),
        ("escalations", {"escalated_on": day, "team": "knopendoorhakteam", "reason_code": "complex_case"}),
        ("escalation-resolutions", {"resolved_on": day, "resolution_code": "decision_path_agreed"}),
        ("notices-of-default", {"received_on": day}),
        (
            "decisions",
            {"decided_on": day, "outcome": "rejected", "grounds": ["family_tie_not_established"]},
        ),
        ("appeals", {"lodged_on": day, "court_code": "rb-den-haag"}),
        ("objections", {"filed_on": day}),
    ]


def granted_asylum_case() -> list[tuple[str, dict[str, Any]]]:
    day = str(TODAY)
    return [
        ("assignments", {"team": "asylum-1", "officer_ref": "O-00000000000000a2"}),
        ("scheduled-hearings", {"kind": "detailed", "scheduled_for": day}),
        ("held-hearings", {"kind": "detailed", "held_on": day}),
        ("prolonged-procedure-referrals", {"referred_on": day, "reason_code": "medical_advice"}),
        (
            "intended-decisions",
            {"issued_on": day, "response_due_on": str(TODAY + timedelta(28)), "grounds": ["not_credible"]},
        ),
        ("responses", {"received_on": day}),
        ("decisions", {"decided_on": day, "outcome": "granted"}),
        ("documents-ready", {"ready_on": day, "channel": "desk", "location_code": "ind-loket-den-haag"}),
        ("document-issues", {"issued_on": day}),
        ("closures", {"closed_on": day, "reason_code": "decided"}),
    ]


# -- the API's string fields, from its OpenAPI document -------------------------------------------------


def string_fields(
    schema: dict[str, Any], components: dict[str, Any], path: str = ""
) -> dict[str, dict[str, Any]]:
    """Each string a request body may hold, by its dotted path ([] for a list's items): its schema."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    found: dict[str, dict[str, Any]] = {}
    for alternative in schema.get("anyOf", []):
        found |= string_fields(alternative, components, path)
    if schema.get("type") == "object":
        for name, property_schema in schema.get("properties", {}).items():
            found |= string_fields(property_schema, components, f"{path}.{name}".lstrip("."))
    elif schema.get("type") == "array":
        found |= string_fields(schema["items"], components, f"{path}[]")
    elif schema.get("type") == "string":
        found[path] = schema
    return found


def closed(schema: dict[str, Any]) -> bool:
    """Whether a string field is closed to free text: a code (enum), a pattern or a day."""
    return "enum" in schema or "pattern" in schema or schema.get("format") in ("date", "date-time")


def with_value(body: dict[str, Any], path: str, value: str) -> dict[str, Any]:
    """``body`` with the string at ``path`` (a dotted path, [] for a list) set to ``value``."""
    name, _, rest = path.partition(".")
    if name.endswith("[]"):
        return {**body, name[:-2]: [value]}
    if rest:
        return {**body, name: with_value(dict(body.get(name) or {}), rest, value)}
    return {**body, name: value}


class Api:
    """The API of `backbone serve`, driven as a client would, planting as it goes."""

    def __init__(self, url: str, planted: Planted) -> None:
        self.url, self.planted = url, planted
        self.document = call("GET", f"{url}/v1/openapi.json")[1]
        self.requests = 0
        self.exercised: set[str] = set()

    def command(self, route: str, body: dict[str, Any], expected: int = 200) -> dict[str, Any]:
        """Every closed string field of the command is offered a planted value, which it must refuse
        and record nothing; then the command is carried out with every free-text field planted."""
        template = self._template(route)
        self.exercised.add(template)
        operation = self.document["paths"][template]["post"]
        request_body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        fields = string_fields(request_body.get("schema", {}), self.document["components"]["schemas"])
        for path, string in fields.items():
            if closed(string):
                marker = self.planted.value(
                    f"{template} {path} (refused)", f"PLANTED-{self.planted.run}-{path}"
                )
                status, refused = self._post(route, with_value(body, path, marker))
                assert status == 422, (route, path, refused)
                self.planted.refused.append(f"{template} {path}")
            elif not path.startswith("applicant."):  # the personal data are planted as they are
                text = self.planted.text(f"{template} {path}", string.get("maxLength", 2000))
                body = with_value(body, path, text)
        status, answer = self._post(route, body)
        assert status == expected, (route, answer)
        return answer

    def get(self, route: str) -> tuple[int, Any]:
        return call("GET", f"{self.url}{route}")

    def _post(self, route: str, body: dict[str, Any]) -> tuple[int, Any]:
        self.requests += 1
        return call(
            "POST",
            f"{self.url}{route}",
            body,
            headers={
                "Idempotency-Key": self.planted.value(
                    f"Idempotency-Key {self.requests}", f"PLANTED-{self.planted.run}-key-{self.requests}"
                ),
                "X-Correlation-ID": self.planted.value(
                    "X-Correlation-ID", f"PLANTED-{self.planted.run}-correlation"
                ),
            },
        )

    def _template(self, route: str) -> str:
        parts = route.split("/")
        for template in self.document["paths"]:
            candidate = template.split("/")
            if len(candidate) == len(parts) and all(
                c == p or c.startswith("{") for c, p in zip(candidate, parts, strict=True)
            ):
                return str(template)
        raise AssertionError(f"no operation for {route}")


# Who calls which operation: Keycloak's test users, each with the one role it needs.
CALLERS = [
    ("/personal-data", "priya.privacy"),
    ("/v1/applications", "ingrid.intake"),
    ("/v1/cases", "diederik.decision"),
    ("/v1/tower", "olivia.operations"),
]
ISSUER = os.environ.get("BACKBONE_OIDC_ISSUER", KEYCLOAK_ISSUER).rstrip("/")
_tokens: dict[str, tuple[float, str]] = {}


def authorization(url: str) -> dict[str, str]:
    path = urllib.parse.urlsplit(url).path
    user = next((user for part, user in CALLERS if part in path), None)
    if user is None:  # health and the OpenAPI document are open
        return {}
    fetched_at, token = _tokens.get(user, (0.0, ""))
    if time.monotonic() - fetched_at > 120:  # Keycloak's access tokens last 5 minutes
        token = user_token(ISSUER, user)
        _tokens[user] = (time.monotonic(), token)
    return {"Authorization": f"Bearer {token}"}


def call(
    method: str, url: str, payload: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    data = json.dumps(payload).encode() if payload is not None else None
    if url.endswith(("/personal-data", "/notes")):
        url += "?purpose=identity-check"
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **authorization(url), **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


# -- the system, as processes whose every line is kept ------------------------------------------------


@dataclass
class Running:
    settings: Settings
    api: str
    environment: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]]
    outputs: list[Path]  # every file a process of the system wrote its stdout or stderr to

    def stop(self) -> None:
        """Stop every process, so that every line it had to write is written."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in self.processes.items():
            # uvicorn ends `backbone serve` by raising the signal again, once it has shut down
            stopped = (0, -signal.SIGTERM) if name == "serve" else (0,)
            assert process.wait(timeout=60) in stopped, f"{name} failed; see {self.outputs}"


@pytest.fixture
def running(
    postgres_settings: Settings, kafka_available: str, keycloak_issuer: str, tmp_path: Path
) -> Iterator[Running]:
    own = postgres_settings.with_overrides(data_dir=tmp_path, oidc_issuer=keycloak_issuer)
    with topics_of_its_own(own, 3, "planted") as settings:
        environment = {
            **settings.over_environment(os.environ),
            "BACKBONE_LOG_FORMAT": "json",
            "BACKBONE_LOG_LEVEL": "debug",  # every line a process may write
        }
        port = free_port()
        outputs: list[Path] = []
        processes = {}
        for name, service in PROCESSES.items():
            arguments = ["serve", "--port", str(port)] if service is None else ["run", service]
            stdout, stderr = tmp_path / f"{name}.stdout", tmp_path / f"{name}.stderr"
            outputs += [stdout, stderr]
            processes[name] = subprocess.Popen(
                [sys.executable, "-m", "composition.cli.main", *arguments],
                env=environment,
                stdout=stdout.open("w"),
                stderr=stderr.open("w"),
            )
        api = f"http://127.0.0.1:{port}"
        running = Running(settings, api, environment, processes, outputs)
        try:
            until("the API ready", lambda: call("GET", f"{api}/health/ready")[0] == 200)
            yield running
        finally:
            running.stop()  # before the topics go


def backbone(running: Running, *arguments: str, outputs: Path) -> subprocess.CompletedProcess[str]:
    """A `backbone` command, its output kept with the processes' to be searched too."""
    done = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", *arguments],
        env=running.environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    outputs.write_text(done.stdout + done.stderr)
    running.outputs.append(outputs)
    return done


# -- searching ---------------------------------------------------------------------------------------


def found_in_records(records: Iterable[Any], planted: dict[str, str]) -> list[str]:
    """Where a planted value shows up in the records: in a key, a value, a header's name or value."""
    hits = []
    for record in records:
        parts = {"key": record.key or b"", "value": record.value or b""}
        for name, value in record.headers:
            parts[f"header {name}"] = name.encode() + b"=" + (value or b"")
        for where, value in planted.items():
            for part, data in parts.items():
                if value.encode() in data:
                    hits.append(
                        f"{where} ({value!r}) in {record.topic}[{record.partition}]@{record.offset} {part}"
                    )
    return hits


def found_in_files(
    files: Iterable[Path], planted: dict[str, str], since: dict[Path, int] | None = None
) -> list[str]:
    """Where a planted value shows up in the files (from byte ``since[file]`` on), by line."""
    hits = []
    for path in files:
        with path.open("rb") as file:
            file.seek((since or {}).get(path, 0))
            for number, line in enumerate(file, start=1):
                for where, value in planted.items():
                    if value.encode() in line:
                        hits.append(f"{where} ({value!r}) in {path.name}, line {number}")
    return hits


def infrastructure_logs() -> list[Path]:
    """The broker's and PostgreSQL's logs, where the infra scripts keep them and this user may read them."""
    candidates = [
        Path(os.environ.get("KAFKA_STATE_DIR", ROOT / "infra/kafka/.state")) / "logs/server.log",
        Path(os.environ.get("PG_STATE_DIR", ROOT / "infra/postgres/.state")) / "postgres.log",
    ]
    return [path for path in candidates if path.is_file() and os.access(path, os.R_OK)]


# -- the test ----------------------------------------------------------------------------------------


def submission(planted: Planted, procedure: str, received_days_ago: int) -> dict[str, Any]:
    channel = "application_centre" if procedure == "asylum" else "online"
    return {
        "procedure": procedure,
        "channel": channel,
        "received_on": days_ago(received_days_ago),
        "applicant_ref": planted.applicant_ref,
        "nationality": "SYR",
        "applicant": planted.person,
    }


def test_no_planted_personal_value_reaches_a_topic_or_a_log_line(running: Running, tmp_path: Path) -> None:
    planted = Planted()
    infrastructure = {path: path.stat().st_size for path in infrastructure_logs()}
    api = Api(running.api, planted)
    # (procedure, received how many days ago, intake's commands, decision's commands)
    journeys = [
        ("family", 200, accepted("family", 200), rejected_family_case()),
        ("asylum", 20, accepted("asylum", 20), granted_asylum_case()),
        ("naturalisation", 10, withdrawn_naturalisation(), []),
        ("family", 40, not_processed(40), []),
    ]
    cases = []
    for procedure, received, intake_steps, decision_steps in journeys:
        created = api.command("/v1/applications", submission(planted, procedure, received), expected=201)
        application = created["application_id"]
        for resource, body in intake_steps:
            api.command(f"/v1/applications/{application}/{resource}", body)
        if decision_steps:
            until(f"case {application} opened", lambda a=application: api.get(f"/v1/cases/{a}")[0] == 200)
            cases.append(application)
        for resource, body in decision_steps:
            api.command(f"/v1/cases/{application}/{resource}", body)
    commands = {path for path, operations in api.document["paths"].items() if "post" in operations}
    assert api.exercised == commands, f"not planted: {sorted(commands - api.exercised)}"
    assert len(planted.refused) > 50  # dates, codes and patterns refuse what is not theirs

    # What was planted is kept where it belongs, readable, until the applicant is forgotten.
    status, person = api.get(f"/v1/applications/{cases[0]}/personal-data")
    assert (status, person["bsn"]) == (200, planted.person["bsn"])
    status, notes = api.get(f"/v1/cases/{cases[0]}/notes")
    assert (
        status == 200 and len(notes) == 5 and all(f"PLANTED-{planted.run[:16]}" in n["text"] for n in notes)
    )
    forgotten = backbone(
        running, "privacy", "forget", planted.applicant_ref, outputs=tmp_path / "forget.out"
    )
    assert forgotten.returncode == 0, forgotten.stderr
    assert "personal data key destroyed, notes key destroyed" in forgotten.stdout
    for case in cases:
        assert api.get(f"/v1/applications/{case}/personal-data")[0] == 410
        assert api.get(f"/v1/cases/{case}/notes")[0] == 410

    topics = published_topics(running.settings)
    hits = found_in_records((r for records in topics.values() for r in records), planted.values)
    assert hits == [], "\n".join(hits[:20])
    running.stop()
    lines = found_in_files(running.outputs, planted.values)
    lines += found_in_files(infrastructure, planted.values, since=infrastructure)
    assert lines == [], "\n".join(lines[:20])
    said = "".join(path.read_text() for path in running.outputs)
    for event in ("http_request", "case_command_done", "relay_batch_published", "applicant_forgotten"):
        assert f'"event": "{event}"' in said  # what was searched is what the processes logged

    # The search can fail: it finds a planted value where one is, in a topic and in a log.
    control = scratch_topic_with(running.settings, planted.person["bsn"])
    assert len(found_in_records(control, {"bsn": planted.person["bsn"]})) == 3  # key, value, header
    log = tmp_path / "control.log"
    log.write_text(json.dumps({"event": "oops", "note": notes[0]["text"]}) + "\n")
    assert found_in_files([log], planted.values)


def published_topics(settings: Settings) -> dict[str, list[Any]]:
    """Every record of every topic of the system, once each relay has published its whole log."""
    intake = build_intake(settings, codec=codec())
    decision = build_decision(settings, codec=codec())
    try:
        recorded = {
            "intake": intake.recorder.max_notification_id(),
            "decision": decision.recorder.max_notification_id(),
        }
    finally:
        intake.close()
        decision.close()
    names = {
        service: topic_of(service, settings.topic_partitions, settings.topic_prefix).name
        for service in PRODUCERS
    }
    until(
        "every recorded event published",
        lambda: all(message_count(settings, names[s]) >= recorded[s] for s in PRODUCERS),
    )
    admin = make_admin(settings)
    try:
        ours = {name for name in admin.list_topics() if name.startswith(settings.topic_prefix)}
    finally:
        admin.close()
    declared = {
        spec.name for spec in declared_topics(settings.topic_partitions, prefix=settings.topic_prefix)
    }
    assert ours == declared  # no topic of the system is left out (the legacy bridge's too)
    topics = {name: read_topic(settings, name) for name in ours}
    for service in PRODUCERS:  # every event each service recorded, at least once
        assert len(topics[names[service]]) >= (recorded[service] or 0) > 0
    return topics


def scratch_topic_with(settings: Settings, value: str) -> list[Any]:
    """A topic of its own, with ``value`` written once in a key, once in a value and once in a header."""
    name = f"planted-control-{uuid.uuid4().hex[:10]}"
    admin = make_admin(settings)
    try:
        ensure_topics(admin, [TopicSpec(name, "test", 1, 1, 60_000, "the search's control")])
        producer = make_producer(settings, client_id="planted-control")
        secret = value.encode()
        producer.send(name, key=secret, value=b"-")
        producer.send(name, key=b"-", value=b"\x00\x01" + secret + b"\x02")
        producer.send(name, key=b"-", value=b"-", headers=[("ce_subject", secret)])
        producer.flush()
        producer.close()
        return read_topic(settings, name)
    finally:
        admin.delete_topics([name])
        admin.close()
