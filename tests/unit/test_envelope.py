from __future__ import annotations

from hashlib import sha256
from pathlib import Path

import pytest

from backbone.envelope import envelope_from_kafka, envelope_from_record, event_id, relay_headers
from backbone.errors import CorruptMessageError
from backbone.feeds.notification_log import NotificationLogFeed
from composition.parts import build_intake
from services.intake.application.commands import AcceptApplication
from tests.factories import NOW, a_submission, clock, codec, embedded_settings


@pytest.fixture
def envelope(tmp_path: Path):
    intake = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    application_id = intake.submit_application(a_submission(), correlation_id="corr-9")
    intake.execute(application_id, AcceptApplication(), correlation_id="corr-10")
    feed = NotificationLogFeed(
        upstream="intake", recorder=intake.recorder, codec=codec(), positions=lambda _: None
    )
    items = feed.poll(10, 0)
    assert [i.position for i in items] == [1, 2]
    return items[1].envelope


def headers_of(envelope) -> dict[str, str]:
    return {name: value.decode() for name, value in envelope.kafka_headers()}


def test_the_envelope_carries_the_cloudevents_attributes(envelope) -> None:
    assert envelope.type == "nl.ind.intake.application-accepted"
    assert envelope.source == "urn:nld:ind:backbone:intake"
    assert envelope.sequence == 2
    assert envelope.notification_id == 2
    assert envelope.correlation_id == "corr-10"
    assert envelope.time == NOW
    assert envelope.id == event_id(envelope.case_id, 2)


def test_kafka_headers_follow_the_cloudevents_binary_mode(envelope) -> None:
    headers = headers_of(envelope)
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_subject"] == envelope.subject
    assert headers["ce_time"] == "2026-11-02T09:30:00Z"
    assert headers["content-type"] == "application/avro"
    assert headers["ce_sequence"] == "2"
    assert headers["ce_notificationid"] == "2"
    assert "ce_causationid" not in headers  # no cause: the header is left out, not empty


def test_the_same_envelope_comes_back_from_a_kafka_message(envelope) -> None:
    value = codec().encode(envelope.schema, envelope.data)
    assert envelope_from_kafka(codec(), envelope.kafka_headers(), value) == envelope


def test_headers_that_disagree_with_the_value_are_corruption(envelope) -> None:
    value = codec().encode(envelope.schema, envelope.data)
    forged = [
        (k, b"nl.ind.intake.application-withdrawn" if k == "ce_type" else v)
        for k, v in envelope.kafka_headers()
    ]
    with pytest.raises(CorruptMessageError, match="disagree"):
        envelope_from_kafka(codec(), forged, value)


def test_a_message_without_a_notification_id_is_corruption(envelope) -> None:
    value = codec().encode(envelope.schema, envelope.data)
    headers = [(k, v) for k, v in envelope.kafka_headers() if k != "ce_notificationid"]
    with pytest.raises(CorruptMessageError, match="ce_notificationid"):
        envelope_from_kafka(codec(), headers, value)


def test_the_applicant_is_named_only_pseudonymously_and_only_in_the_value(envelope) -> None:
    """Accepted names the applicant by their reference, so that decision can seal its notes under their
    key; headers name the case alone. Planted personal values: e2e/test_no_personal_data_on_the_bus.py."""
    headers = b"".join(v for _, v in envelope.kafka_headers())
    assert b"P-00000000000000a1" not in headers
    assert envelope.data["applicant_ref"] == "P-00000000000000a1"


def test_event_ids_are_the_uuid5_of_aggregate_and_version() -> None:
    from uuid import uuid4, uuid5

    from backbone.envelope import EVENT_ID_NAMESPACE, event_id

    for version in range(1, 200):
        aggregate = uuid4()
        assert event_id(aggregate, version) == str(uuid5(EVENT_ID_NAMESPACE, f"{aggregate}/{version}"))


def test_every_message_carries_a_traceparent_of_its_correlation_id_and_its_event_id(tmp_path: Path) -> None:
    intake = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    intake.submit_application(a_submission(), correlation_id="3f2504e0-4f89-41d3-9a0c-0305e82c3301")
    (notification,) = intake.recorder.select_notifications(start=0, limit=10)
    envelope = envelope_from_record(
        "urn:nld:ind:backbone:intake",
        notification.topic,
        codec().decode_body(notification.topic, notification.state),
        notification.id,
    )
    span_id = envelope.id.replace("-", "")[:16]
    assert headers_of(envelope)["traceparent"] == f"00-3f2504e04f8941d39a0c0305e82c3301-{span_id}-01"
    _, relayed = relay_headers(b"urn:nld:ind:backbone:intake", notification.topic, notification.state, 1)
    assert relayed == envelope.kafka_headers()  # the relay's fast path agrees, traceparent included


def test_a_correlation_id_that_is_no_uuid_still_gives_one_stable_trace(envelope) -> None:
    trace_id = sha256(b"corr-10").hexdigest()[:32]
    assert headers_of(envelope)["traceparent"].split("-")[1] == trace_id
