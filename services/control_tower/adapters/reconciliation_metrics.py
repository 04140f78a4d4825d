"""The last reconciliation of the legacy database with the tower as Prometheus gauges, read at each
scrape: differences per procedure and reason (every reason of every procedure, 0 when none, so an alert
on a reason sees it fall back), when it ran, and whether the tower had read the bridge's topic to its
end by then (if not, some differences may be lag)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.control_tower.domain.reconciliation import Reconciliation

LastReconciliation = Callable[[], Reconciliation | None]


class Reconciliations(Protocol):
    """Where a process keeps its reconciliations: how often it runs them (0: never) and the last."""

    interval: float

    def last(self) -> Reconciliation | None: ...


class ReconciliationCollector(Collector):
    def __init__(self, last: LastReconciliation) -> None:
        self._last = last

    def collect(self) -> Iterator[Metric]:
        result = self._last()
        if result is None:
            return
        differences = GaugeMetricFamily(
            "backbone_legacy_reconcile_differences",
            "Differences between the legacy database and the tower at the last reconciliation, by "
            "procedure and reason (not_translated: explained, rows the legacy bridge refuses).",
            labels=["procedure", "reason"],
        )
        for (procedure, reason), count in result.by_reason().items():
            differences.add_metric([procedure, reason], count)
        yield differences
        yield GaugeMetricFamily(
            "backbone_legacy_reconcile_last_run_timestamp_seconds",
            "When the last reconciliation of the legacy database with the tower ran (Unix time).",
            value=result.at.timestamp(),
        )
        yield GaugeMetricFamily(
            "backbone_legacy_reconcile_caught_up",
            "1 if the tower had read the legacy bridge's topic to its end at the last reconciliation.",
            value=1 if result.caught_up else 0,
        )
