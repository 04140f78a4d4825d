"""The tower's views as Prometheus metrics (a prometheus_client collector, read at each scrape): each family
names the catalogue's view it comes from, so a figure on the dashboard, in the API and in the metrics is
one computation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.control_tower.application.catalogue import VIEWS
from services.control_tower.application.view_spec import Document, ViewRequest

Samples = Callable[[Any], Iterable[tuple[dict[str, str], Any]]]  # a view's document -> (labels, value)


@dataclass(frozen=True)
class Family:
    name: str
    help: str
    view: str  # the catalogue's view it is read from
    samples: Samples


def _labels(**labels: Any) -> dict[str, str]:
    return {name: str(value) for name, value in labels.items()}


FAMILIES = (
    Family(
        "backbone_open_cases",
        "Open cases by procedure and stage.",
        "workload",
        lambda rows: ((_labels(procedure=r["procedure"], stage=r["stage"]), r["open_cases"]) for r in rows),
    ),
    Family(
        "backbone_deadline_risk_cases",
        "Open, undecided cases by days to their deadline.",
        "deadline-risk",
        lambda risk: ((_labels(bucket=b), n) for b, n in risk["buckets"].items()),
    ),
    Family(
        "backbone_overdue_cases",
        "Open, undecided cases past their statutory deadline.",
        "deadline-risk",
        lambda risk: [({}, risk["buckets"]["overdue"])],
    ),
    Family(
        "backbone_notices_of_default",
        "Open cases with a notice of default.",
        "deadline-risk",
        lambda risk: [({}, risk["notices_of_default"])],
    ),
    Family(
        "backbone_penalty_exposure_euros",
        "Late-decision penalties accrued on open cases.",
        "deadline-risk",
        lambda risk: [
            (_labels(horizon="today"), risk["exposure_eur"]["today"]),
            (_labels(horizon="4_weeks"), risk["exposure_eur"]["in_4_weeks"]),
        ],
    ),
    Family(
        "backbone_tower_events_behind",
        "Events upstream the tower has not applied yet, per stream.",
        "freshness",
        lambda rows: (
            (_labels(stream=r["stream"]), r["events_behind"])
            for r in rows
            if r["events_behind"] is not None
        ),
    ),
    Family(
        "backbone_tower_seconds_behind",
        "Upper bound on the age of the oldest event not yet applied.",
        "freshness",
        lambda rows: ((_labels(stream=r["stream"]), r["seconds_behind"]) for r in rows),
    ),
)


class TowerViewsCollector(Collector):
    """Every family, from one computation of each view it reads at each scrape, and the streams'
    positions. ``views()``: the live generation of the tower's store; ``today()``: the day to look from."""

    def __init__(self, views: Callable[[], Any], today: Callable[[], date]) -> None:
        self._views, self._today = views, today

    def collect(self) -> Iterator[Metric]:
        store = self._views()
        request = ViewRequest(today=self._today(), now=datetime.now(UTC))
        documents: dict[str, Document] = {}
        for family in FAMILIES:
            if family.view not in documents:
                documents[family.view] = VIEWS[family.view].compute(store, request)
            samples = list(family.samples(documents[family.view]))
            names = sorted(samples[0][0]) if samples else []
            gauge = GaugeMetricFamily(family.name, family.help, labels=names)
            for labels, value in samples:
                gauge.add_metric([labels[n] for n in names], value)
            yield gauge
        positions = GaugeMetricFamily(
            "backbone_tower_position",
            "Upstream notification id the tower has applied, per stream.",
            labels=["stream"],
        )
        for name, position in sorted(store.positions().items()):
            if "@" not in name and not name.startswith("__"):
                positions.add_metric([name], position)
        yield positions
