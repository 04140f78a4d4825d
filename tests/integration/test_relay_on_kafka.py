"""The outbox relay on the real broker."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import pytest

from backbone.envelope import envelope_from_kafka
from backbone.kafka_clients import make_admin, make_producer
from backbone.settings import Settings
from backbone.topics import log_bytes
from composition.parts import build_intake, build_intake_relay
from services.intake.application.commands import AcceptApplication, parse_submission
from services.topics import topic_of
from tests.factories import a_submission, an_application, clock, codec
from tests.kafka_reading import headers, read_topic

pytestmark = pytest.mark.kafka
APPLICATIONS = 500  # two events each: 1,000 events


PERSON = {
    "family_name": "Haddad",
    "given_names": "Yara Maria",
    "date_of_birth": "1991-04-17",
    "bsn": "111222333",
    "v_number": "1234567890",
    "email": "yara@example.org",
}


class SimulatedCrash(Exception):
    pass


def intake_with_events(settings: Settings) -> Any:
    intake = build_intake(settings.with_overrides(mode="embedded"), codec=codec(), clock=clock())
    for n in range(APPLICATIONS):
        application_id = intake.submit_application(a_submission(applicant_ref=f"P-{n:016x}"))
        intake.execute(application_id, AcceptApplication())
    return intake


def test_the_relay_publishes_every_event_in_order_per_case_with_key_and_headers(
    kafka_settings: Settings,
) -> None:
    intake = intake_with_events(kafka_settings)
    topic = topic_of("intake", 3, kafka_settings.topic_prefix).name
    with make_producer(kafka_settings, client_id="test-relay") as producer:
        relay = build_intake_relay(
            intake,
            kafka_settings.with_overrides(relay_batch_size=200),
            codec=codec(),
            producer=producer,
        )
        assert relay.publish_pending() == 2 * APPLICATIONS
    assert relay.position() == 2 * APPLICATIONS and relay.backlog() == 0

    records = read_topic(kafka_settings, topic)
    assert len(records) == 2 * APPLICATIONS
    sequences: dict[str, list[int]] = defaultdict(list)
    partition_of_case: dict[str, int] = {}
    notifications_per_partition: dict[int, list[int]] = defaultdict(list)
    for record in records:
        attributes = headers(record)
        envelope = envelope_from_kafka(codec(), record.headers, record.value)
        assert record.key.decode() == attributes["ce_subject"] == envelope.subject
        assert attributes["ce_specversion"] == "1.0"
        assert attributes["ce_source"] == "urn:nld:ind:backbone:intake"
        assert attributes["content-type"] == "application/avro"
        assert attributes["ce_id"] == envelope.id
        assert partition_of_case.setdefault(envelope.subject, record.partition) == record.partition
        sequences[envelope.subject].append(int(attributes["ce_sequence"]))
        notifications_per_partition[record.partition].append(envelope.notification_id)
    assert len(sequences) == APPLICATIONS
    assert all(seq == [1, 2] for seq in sequences.values())
    assert len(notifications_per_partition) == 3  # keyed by case id, spread over the partitions
    for ids in notifications_per_partition.values():
        assert ids == sorted(ids) and len(set(ids)) == len(ids)

    # The record batches are compressed (settings.kafka_compression, zstd): the topic's logs, as the
    # broker reports them, hold less than half of what the records' keys, values and headers add up to.
    assert kafka_settings.kafka_compression == "zstd"
    plain = sum(len(r.key) + len(r.value) + sum(len(k) + len(v) for k, v in r.headers) for r in records)
    admin = make_admin(kafka_settings)
    try:
        assert log_bytes(admin, [topic])[topic] < plain / 2
    finally:
        admin.close()


def test_a_relay_killed_after_publishing_republishes_the_batch(kafka_settings: Settings) -> None:
    intake = intake_with_events(kafka_settings)
    topic = topic_of("intake", 3, kafka_settings.topic_prefix).name
    settings = kafka_settings.with_overrides(relay_batch_size=200)

    def crash(_: Sequence[Any]) -> None:
        raise SimulatedCrash("killed after the broker acknowledged, before the position was saved")

    with make_producer(settings, client_id="test-relay-1") as producer:
        doomed = build_intake_relay(intake, settings, codec=codec(), producer=producer, after_publish=crash)
        with pytest.raises(SimulatedCrash):
            doomed.publish_pending()
        assert doomed.position() == 0  # the broker has the batch, the outbox does not know it
    with make_producer(settings, client_id="test-relay-2") as producer:
        relay = build_intake_relay(intake, settings, codec=codec(), producer=producer)
        assert relay.publish_pending() == 2 * APPLICATIONS

    records = read_topic(kafka_settings, topic)
    ids = Counter(int(headers(r)["ce_notificationid"]) for r in records)
    assert sorted(ids) == list(range(1, 2 * APPLICATIONS + 1))  # nothing lost
    republished = sorted(i for i, n in ids.items() if n == 2)
    assert max(ids.values()) == 2
    # At-least-once: what the killed relay had sent (its first batch at least) is there twice, and
    # it is a prefix of the log, because the new relay started after the last recorded position.
    assert len(republished) >= 200
    assert republished == list(range(1, len(republished) + 1))


def test_no_personal_value_ever_reaches_kafka(kafka_settings: Settings) -> None:
    intake = build_intake(kafka_settings.with_overrides(mode="embedded"), codec=codec(), clock=clock())
    for n in range(20):
        application_id = intake.submit_application(
            parse_submission(
                an_application(
                    applicant_ref=f"P-{n:016x}", applicant={**PERSON, "family_name": f"Haddad{n:03d}"}
                )
            )
        )
        intake.execute(application_id, AcceptApplication())
    topic = topic_of("intake", 3, kafka_settings.topic_prefix).name
    with make_producer(kafka_settings, client_id="test-relay") as producer:
        build_intake_relay(intake, kafka_settings, codec=codec(), producer=producer).publish_pending()
    records = read_topic(kafka_settings, topic)
    assert len(records) == 40
    wire = b"".join(r.key + r.value + b"".join(v for _, v in r.headers) for r in records)
    for value in ["Haddad0", "Yara Maria", "1991-04-17", "111222333", "1234567890", "yara@example.org"]:
        assert value.encode() not in wire, value
    assert intake.personal_data(application_id).family_name == "Haddad019"  # it is kept, but only at intake
