"""Every Kafka client tries a broker that went away again at least once a second: kafka-python's own
ceiling is 30 s, which kept a relay idle for 11.5 s after a restarted broker was back (bench/faults.py)."""

from __future__ import annotations

from typing import Any

import pytest

from backbone import kafka_clients
from backbone.settings import Settings


class Recorded:
    def __init__(self, **config: Any) -> None:
        self.config = config


@pytest.mark.parametrize(
    ("client", "make"),
    [
        ("KafkaProducer", lambda s: kafka_clients.make_producer(s, client_id="relay")),
        ("KafkaConsumer", lambda s: kafka_clients.make_consumer(s, group_id="g", client_id="c")),
        ("KafkaAdminClient", kafka_clients.make_admin),
    ],
)
def test_every_client_tries_a_lost_broker_again_within_a_second(
    monkeypatch: pytest.MonkeyPatch, client: str, make: Any
) -> None:
    monkeypatch.setattr(kafka_clients, client, Recorded)
    made = make(Settings())
    assert made.config["reconnect_backoff_max_ms"] == 1000
