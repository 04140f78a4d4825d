"""One request followed across services: the traceparent an HTTP client sends is the trace of every
message its commands cause, on intake's topic and, through decision's consumer, on decision's."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

from backbone.errors import NotFound
from backbone.kafka_clients import make_producer
from backbone.settings import Settings
from composition.parts import (
    build_decision,
    build_decision_consumer,
    build_decision_relay,
    build_intake,
    build_intake_relay,
    topic_name,
)
from tests.api_access import signed_in_api
from tests.conftest import topics_of_its_own
from tests.factories import an_application, clock, codec
from tests.kafka_reading import headers, read_topic

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
def distributed(postgres_settings: Settings, kafka_available: str) -> Iterator[Settings]:
    with topics_of_its_own(postgres_settings, 3, "trace") as settings:
        yield settings


def traced(parent_id: str) -> dict[str, str]:
    return {"traceparent": f"00-{TRACE_ID}-{parent_id}-01"}


def published(relay: Any) -> None:
    assert relay.publish_pending() >= 1


def test_a_traceparent_sent_over_http_is_the_trace_of_the_messages_on_intakes_and_decisions_topics(
    distributed: Settings,
) -> None:
    intake = build_intake(distributed, codec=codec(), clock=clock())
    decision = build_decision(distributed, codec=codec(), clock=clock())
    client = signed_in_api(intake, decision)
    application = json.loads(json.dumps(an_application(), default=str))
    created = client.post("/v1/applications", json=application, headers=traced("00f067aa0ba902b7"))
    application_id = created.json()["application_id"]
    accepted = client.post(
        f"/v1/applications/{application_id}/acceptances", headers=traced("b7ad6b7169203331")
    )
    assert (created.status_code, accepted.status_code) == (201, 200)

    with make_producer(distributed, client_id="trace-relays") as producer:
        published(build_intake_relay(intake, distributed, codec=codec(), producer=producer))
        consumer = build_decision_consumer(decision, distributed, codec=codec())
        deadline = time.monotonic() + 60
        while not has_case(decision, application_id):
            assert time.monotonic() < deadline, "decision never opened the case"
            consumer.step(timeout=0.5)
        consumer.feed.close()
        published(build_decision_relay(decision, distributed, codec=codec(), producer=producer))

    for service in ("intake", "decision"):
        records = read_topic(distributed, topic_name(service, distributed))
        assert records, f"nothing on {service}'s topic"
        for record in records:
            version, trace_id, parent_id, flags = headers(record)["traceparent"].split("-")
            assert (version, trace_id, flags) == ("00", TRACE_ID, "01")
            assert parent_id == headers(record)["ce_id"].replace("-", "")[:16]


def has_case(decision: Any, case_id: str) -> bool:
    try:
        decision.get_case(UUID(case_id))
    except NotFound:
        return False
    return True
