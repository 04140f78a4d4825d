"""Topics are declared as code (``services/topics.py``) and created by ``backbone topics create``.

The services never rely on the broker's auto-creation.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TopicSpec:
    name: str
    producer: str  # the service whose outbox relay writes it
    partitions: int
    replication_factor: int
    retention_ms: int  # -1 keeps every event: consumers rebuild from the beginning
    description: str
    configs: dict[str, str] = field(default_factory=dict)

    def broker_configs(self) -> dict[str, str]:
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": "delete", **self.configs}


@dataclass(frozen=True)
class TopicReport:
    name: str
    action: str  # created | exists | mismatch
    partitions: int
    detail: str = ""


def ensure_topics(admin: Any, specs: Sequence[TopicSpec]) -> list[TopicReport]:
    """Create the missing topics; report existing ones whose partition count differs."""
    existing = set(admin.list_topics())
    missing = [s for s in specs if s.name not in existing]
    if missing:
        admin.create_topics(
            {
                s.name: {
                    "num_partitions": s.partitions,
                    "replication_factor": s.replication_factor,
                    "configs": s.broker_configs(),
                }
                for s in missing
            },
            wait_for_metadata=True,
        )
    reports = [TopicReport(s.name, "created", s.partitions) for s in missing]
    present = [s for s in specs if s.name in existing]
    if present:
        described = {
            t.get("name", t.get("topic")): t for t in admin.describe_topics([s.name for s in present])
        }
        for spec in present:
            actual = len(described[spec.name]["partitions"])
            if actual == spec.partitions:
                reports.append(TopicReport(spec.name, "exists", actual))
            else:
                reports.append(TopicReport(spec.name, "mismatch", actual, f"declared {spec.partitions}"))
    return reports


def log_bytes(admin: Any, names: Collection[str]) -> dict[str, int]:
    """The size of each named topic's partition logs, as the brokers report them (DescribeLogDirs)."""
    sizes = dict.fromkeys(names, 0)
    for broker in admin.describe_log_dirs():
        for log_dir in broker["log_dirs"]:
            for topic in log_dir["topics"]:
                if topic["name"] in sizes:
                    sizes[topic["name"]] += sum(p["partition_size"] for p in topic["partitions"])
    return sizes
