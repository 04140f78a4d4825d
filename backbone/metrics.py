"""The backbone's Prometheus metrics (prometheus_client, the process's default registry): what relays
publish, what consumers apply and skip, how long a batch takes, how far a consumer is behind. Any
process that serves ``/metrics`` exposes these beside the client's process metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_PUBLISHED = Counter(
    "backbone_events_published", "Events a relay published and the broker acknowledged.", ["topic"]
)
EVENTS_CONSUMED = Counter(
    "backbone_events_consumed", "Events a consumer applied (each once).", ["processor", "stream"]
)
EVENTS_SKIPPED = Counter(
    "backbone_events_skipped",
    "Events a consumer skipped as already applied (republished or re-read).",
    ["processor", "stream"],
)
BATCH_SECONDS = Histogram(
    "backbone_batch_seconds",
    "Time to apply one batch and its position in one transaction.",
    ["processor"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
CONSUMER_LAG = Gauge(
    "backbone_consumer_lag_events",
    "Events on the broker beyond a consumer's position, per partition stream (last measured).",
    ["processor", "stream"],
)
REQUEST_SECONDS = Histogram(
    "backbone_http_request_seconds",
    "Time to answer an HTTP request, by route (its template, not the ids in it) and status.",
    ["method", "route", "status"],
)
