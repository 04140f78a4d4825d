"""The services that publish, and their topics, declared as code once: the services, the control
tower, the audit and ``backbone topics create`` all read them here.

One topic per producing service and aggregate, keyed by case id so that a case's events stay in one
partition, in order. Retention is unlimited: the topics are the history every consumer rebuilds from.
"""

from __future__ import annotations

from backbone.topics import TopicSpec

KEEP_FOREVER = -1
# The services that own cases and publish every change: their stores hold the cases' histories.
# (The legacy bridge publishes too, but owns no case: the legacy system does. Its topic is declared
# below; the audit does not read it yet.)
PRODUCERS = ("intake", "decision")
# What the control tower reads: the producers' cases and the legacy system's, as the bridge sees them.
TOWER_SOURCES = (*PRODUCERS, "legacy_bridge")


def declared_topics(partitions: int = 6, replication_factor: int = 1, prefix: str = "") -> list[TopicSpec]:
    return [
        TopicSpec(
            name=f"{prefix}ind.intake.applications.v1",
            producer="intake",
            partitions=partitions,
            replication_factor=replication_factor,
            retention_ms=KEEP_FOREVER,
            description="Events of applications (aanvragen): submitted, accepted, ...",
        ),
        TopicSpec(
            name=f"{prefix}ind.decision.cases.v1",
            producer="decision",
            partitions=partitions,
            replication_factor=replication_factor,
            retention_ms=KEEP_FOREVER,
            description="Events of cases (zaken): opened, hearings, decisions, ...",
        ),
        TopicSpec(
            name=f"{prefix}ind.legacy.cases.v1",
            producer="legacy_bridge",
            partitions=partitions,
            replication_factor=replication_factor,
            retention_ms=KEEP_FOREVER,
            description="Cases of the legacy case system, translated by the legacy bridge: observed, "
            "removed, and the changes it could not translate (docs/legacy.md)",
        ),
    ]


def topic_of(service: str, partitions: int = 6, prefix: str = "") -> TopicSpec:
    for spec in declared_topics(partitions, prefix=prefix):
        if spec.producer == service:
            return spec
    raise KeyError(f"no topic declared for service {service!r}")
