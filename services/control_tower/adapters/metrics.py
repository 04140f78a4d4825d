"""Prometheus metrics (``/metrics``), read from the views of the catalogue: each family names the view it
comes from, so a figure on the dashboard, in the API and in the metrics is one computation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.control_tower.application.catalogue import VIEWS
from services.control_tower.application.view_spec import Document, ViewRequest
from services.control_tower.application.view_store import ViewStore

Samples = Callable[[Any], Iterable[tuple[str, Any]]]  # a view's document -> (labels, value)


@dataclass(frozen=True)
class Family:
    name: str
    help: str
    view: str  # the catalogue's view it is read from
    samples: Samples


def _labels(**labels: Any) -> str:
    return "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else ""


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
        lambda risk: [("", risk["buckets"]["overdue"])],
    ),
    Family(
        "backbone_notices_of_default",
        "Open cases with a notice of default.",
        "deadline-risk",
        lambda risk: [("", risk["notices_of_default"])],
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


def tower_metrics(store: ViewStore, positions: dict[str, int], today: date, now: datetime) -> str:
    """Every family, from one computation of each view it reads, and the streams' positions."""
    request = ViewRequest(today=today, now=now)
    documents: dict[str, Document] = {}
    lines: list[str] = []
    for family in FAMILIES:
        if family.view not in documents:
            documents[family.view] = VIEWS[family.view].compute(store, request)
        lines += [f"# HELP {family.name} {family.help}", f"# TYPE {family.name} gauge"]
        lines += [
            f"{family.name}{labels} {value}" for labels, value in family.samples(documents[family.view])
        ]
    lines += [
        "# HELP backbone_tower_position Upstream notification id the tower has applied, per stream.",
        "# TYPE backbone_tower_position gauge",
        *(
            f'backbone_tower_position{{stream="{name}"}} {position}'
            for name, position in sorted(positions.items())
            if "@" not in name and not name.startswith("__")
        ),
    ]
    return "\n".join(lines) + "\n"
