"""Per-case digest chains: the pure part of ``backbone audit verify``.

Each case's events are folded, in version order, into a chain of digests: ``d_n = blake2b(d_(n-1) +
the event's bytes)``. Two copies of a history with equal chains hold the same events, byte for byte and
in the same order. A copy that skips a version, repeats one out of order, or holds different bytes for
any event ends with another chain, and the fold names the first thing that was wrong with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from hashlib import blake2b

DIGEST_SIZE = 16
MAX_FINDINGS = 50  # kept in full; the rest are counted


@dataclass(frozen=True)
class Finding:
    where: str  # "intake store", "decision topic", ...
    case_id: str
    version: int
    problem: str

    def as_json(self) -> dict[str, object]:
        return {
            "where": self.where,
            "case_id": self.case_id,
            "version": self.version,
            "problem": self.problem,
        }


@dataclass
class Findings:
    listed: list[Finding] = field(default_factory=list)
    count: int = 0

    def add(self, finding: Finding) -> None:
        self.count += 1
        if len(self.listed) < MAX_FINDINGS:
            self.listed.append(finding)


@dataclass
class CaseChains:
    """The chains of one copy of one service's histories (its store, or its topic)."""

    where: str
    findings: Findings
    republishes: bool = False  # a topic may hold a version twice (at-least-once); a store may not
    versions: dict[str, int] = field(default_factory=dict)  # case id -> the last version folded
    digests: dict[str, bytes] = field(default_factory=dict)
    events: int = 0
    repeated: int = 0  # versions seen again with the same bytes (a relay's republished batch)

    def add(self, case_id: str, version: int, event: bytes) -> None:
        last = self.versions.get(case_id, 0)
        if version <= last:
            if not self.republishes:
                problem = f"version {version} comes again after version {last}"
                self.findings.add(Finding(self.where, case_id, version, problem))
            self.repeated += 1  # a republished batch: the copy already folded is the one compared
            return
        if version != last + 1:
            self.findings.add(Finding(self.where, case_id, version, f"version {last + 1} is missing"))
        self.versions[case_id] = version
        chain = blake2b(self.digests.get(case_id, b""), digest_size=DIGEST_SIZE)
        chain.update(event)
        self.digests[case_id] = chain.digest()
        self.events += 1


def compare(store: CaseChains, topic: CaseChains, findings: Findings) -> int:
    """Cases whose history differs between the store and the topic; returns how many were compared."""
    for case_id, digest in store.digests.items():
        published = topic.digests.get(case_id)
        if published is None:
            findings.add(Finding(topic.where, case_id, 1, "the case is not on the topic"))
        elif published != digest:
            versions = (store.versions[case_id], topic.versions[case_id])
            problem = (
                "the bytes of an event differ between the store and the topic"
                if versions[0] == versions[1]
                else f"the store holds {versions[0]} versions, the topic {versions[1]}"
            )
            findings.add(Finding(topic.where, case_id, min(versions), problem))
    for case_id in topic.digests.keys() - store.digests.keys():
        findings.add(Finding(topic.where, case_id, 1, "the topic holds a case the store does not"))
    return len(store.digests)
