"""Intake commands against the eventsourcing library's own ceiling, and a case's reconstruction.

    python -m bench.commands [--applications 2000] [--rounds 2] [--batch 200] [--case-events 60]
                             [--json PATH]

commands      Taking turns in one run, on SQLite and on PostgreSQL, single and batched:
                intake  submit + accept for each application: two commands, each validated and recorded
                        with its idempotency key; single: each command in a transaction of its own
                        (read the case, save its event); batched: ``--batch`` commands per transaction
                        (``with intake.batch():``, the accept on the batch's copy of the case)
                bare    a bare eventsourcing Application with an aggregate that records the same number of
                        events the same way (single: one new aggregate saved, then read back and one more
                        event saved; batched: the aggregates of ``--batch`` commands created, stepped and
                        saved together), with the library's default JSON transcoder
              Events per second each; the ratio is intake / bare per round.
reconstruct   A decision case with ``--case-events`` events (assign, then information requests and their
              answers), read back from the store as an auditor's replay does: the time of
              ``Decision.get_case`` (the repository rebuilding the aggregate from its events), median of 50.
Needs PostgreSQL for the PostgreSQL rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import mkdtemp
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from backbone.clock import ManualClock
from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.continuity import Continuity, TopicTail
from backbone.envelope import event_id
from backbone.feeds.notification_log import NotificationLogFeed
from backbone.logs import configure_logging
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from backbone.stores import store_env
from bench.scratch import scratch_database
from composition.parts import build_decision, build_intake
from services.decision.application.commands import AssignCase, ReceiveInformation, RequestInformation
from services.intake.application.commands import AcceptApplication, parse_submission
from simulation.samples import sample_applications

RESULTS = Path("bench/results")
# Procedures whose submit and accept record one event each (no fee, no track, no flags), so that both
# sides of the comparison save exactly two events per application.
TWO_EVENT_PROCEDURES = ("family", "study", "research", "family_reunification", "change_of_purpose")


class Counter(Aggregate):
    """The bare application's aggregate: a created event, then one event per command."""

    @event("Created")
    def __init__(self, reference: str) -> None:
        self.reference = reference
        self.steps = 0

    @event("Stepped")
    def step(self, what: str) -> None:
        self.steps += 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int, default=200, help="commands per transaction when batched")
    parser.add_argument("--case-events", type=int, default=60)
    parser.add_argument("--json", type=Path, help=f"default: {RESULTS}/commands-<date>.json")
    arguments = parser.parse_args()
    configure_logging("console", "warning")
    figures = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commands": [
            commands(store, arguments.applications, arguments.rounds, batch)
            for store in ("sqlite", "postgres")
            for batch in (1, arguments.batch)
        ],
        "reconstruct": reconstruct(arguments.case_events),
    }
    print(markdown(figures))
    path = arguments.json or RESULTS / f"commands-{date.today().isoformat()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nwritten to {path}")


@contextmanager
def scratch(store: str) -> Iterator[Settings]:
    """Settings on stores of their own: SQLite files in a new folder, or a new PostgreSQL database."""
    settings = Settings.from_env().with_overrides(data_dir=Path(mkdtemp(prefix="bench-commands-")))
    if store == "sqlite":
        yield settings.with_overrides(mode="embedded")
    else:
        with scratch_database(settings) as database:
            yield database


def commands(store: str, applications: int, rounds: int, batch: int = 1) -> dict[str, Any]:
    """``batch`` commands per transaction (1: each command in its own)."""
    runs = []
    for n in range(rounds):
        with scratch(store) as ours:
            intake_rate = intake_events_per_second(ours, applications, seed=n, batch=batch)
        with scratch(store) as theirs:
            bare_rate = bare_events_per_second(theirs, applications, batch=batch)
        runs.append(
            {
                "intake": round(intake_rate),
                "bare": round(bare_rate),
                "ratio": round(intake_rate / bare_rate, 3),
            }
        )
    return {
        "store": store,
        "applications": applications,
        "commands_per_transaction": batch,
        "runs": runs,
        "median_ratio": round(statistics.median(r["ratio"] for r in runs), 3),
    }


def intake_events_per_second(
    settings: Settings, applications: int, seed: int, batch: int = 1, keys: str = "", guarded: bool = False
) -> float:
    """Events per second recorded by submit + accept of ``applications``; ``keys`` prefixes the
    idempotency keys, for a store that already holds a run's. ``guarded``: each recording checked
    against a topic's tail first, as distributed processes do (``backbone.continuity``); the tail is
    the store's last event when the run starts."""
    clock = ManualClock(datetime(2026, 6, 1, 9, tzinfo=UTC))
    intake = build_intake(settings, codec=AvroCodec(SchemaCatalog.load()), clock=clock)
    before = intake.recorder.max_notification_id() or 0
    if guarded:
        intake.continuity = store_tail_guard(intake)
    samples = [
        a
        for a in sample_applications(applications * 4, seed=seed, today=clock.now().date())
        if a["procedure"] in TWO_EVENT_PROCEDURES
    ][:applications]  # submit + accept only
    per_transaction = max(batch // 2, 1)  # applications, two commands each
    started = time.perf_counter()
    for first in range(0, len(samples), per_transaction):
        with nullcontext() if batch == 1 else intake.batch():
            for number in range(first, min(first + per_transaction, len(samples))):
                submitted = intake.submit_application(
                    parse_submission(samples[number]), idempotency_key=f"{keys}s{number}"
                )
                intake.execute(submitted, AcceptApplication(), idempotency_key=f"{keys}a{number}")
    seconds = time.perf_counter() - started
    events = (intake.recorder.max_notification_id() or 0) - before
    intake.close()
    if events != 2 * len(samples):
        raise RuntimeError(f"intake recorded {events} events for {len(samples)} applications")
    return events / seconds


def store_tail_guard(intake: Any) -> Continuity:
    """A continuity check whose topic tail is the store's last event now (the check reads it back)."""
    last = intake.recorder.select_notifications(start=intake.recorder.max_notification_id() or 0, limit=1)
    tail = TopicTail(last[0].id, event_id(str(last[0].originator_id), last[0].originator_version))
    guard = Continuity("intake", "bench", intake.recorder, lambda: tail)
    guard.learn()
    return guard


def bare_events_per_second(settings: Settings, applications: int, batch: int = 1) -> float:
    environment = {**store_env("bare", settings), "IS_SNAPSHOTTING_ENABLED": "n"}
    app: Application[UUID] = Application(env=environment)
    per_transaction = max(batch // 2, 1)
    started = time.perf_counter()
    if batch == 1:
        for number in range(applications):
            counter = Counter(f"P-{number:016x}")
            app.save(counter)
            again: Counter = app.repository.get(counter.id)
            again.step("accept")
            app.save(again)
    else:
        for first in range(0, applications, per_transaction):
            counters = [
                Counter(f"P-{number:016x}")
                for number in range(first, min(first + per_transaction, applications))
            ]
            for counter in counters:
                counter.step("accept")
            app.save(*counters)
    seconds = time.perf_counter() - started
    events = app.recorder.max_notification_id() or 0
    app.close()
    return events / seconds


def reconstruct(case_events: int) -> dict[str, Any]:
    results = {}
    for store in ("sqlite", "postgres"):
        with scratch(store) as place:
            results[store] = reconstruct_on(place, case_events)
    return {"case_events": case_events, **results}


def reconstruct_on(settings: Settings, case_events: int) -> dict[str, Any]:
    """One case driven to ``case_events`` events, then read back 50 times."""
    codec = AvroCodec(SchemaCatalog.load())
    clock = ManualClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    intake = build_intake(settings, codec=codec, clock=clock)
    decision = build_decision(settings, codec=codec, clock=clock)
    samples = sample_applications(50, seed=2, today=clock.now().date())
    case_id = intake.submit_application(
        parse_submission(next(a for a in samples if a["procedure"] == "family"))
    )
    intake.execute(case_id, AcceptApplication())
    # Decision opens the case from intake's event, as its consumer would (read from the log: no Kafka).
    feed = NotificationLogFeed(
        upstream="intake", recorder=intake.recorder, codec=codec, positions=decision.max_position
    )
    TrackedConsumer(feed, decision).run_until_caught_up(idle_timeout=0)
    decision.execute(case_id, AssignCase(team="family-1", officer_ref="O-00000000000000aa"))
    while decision.get_case(case_id).version < case_events - 1:
        clock.advance(timedelta(days=1))
        today = clock.now().date()
        due = today + timedelta(days=14)
        decision.execute(
            case_id, RequestInformation(requested_on=today, due_on=due, subject_code="supporting_documents")
        )
        clock.advance(timedelta(days=1))
        decision.execute(case_id, ReceiveInformation(received_on=clock.now().date()))
    times = []
    for _ in range(50):
        started = time.perf_counter()
        case = decision.get_case(case_id)
        times.append(time.perf_counter() - started)
    result = {
        "events": case.version,
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p90_ms": round(sorted(times)[44] * 1000, 2),
    }
    intake.close()
    decision.close()
    return result


def markdown(figures: dict[str, Any]) -> str:
    lines = [
        "| store | commands per transaction | round | intake events/s | bare eventsourcing events/s "
        "| intake / bare |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for part in figures["commands"]:
        for n, run in enumerate(part["runs"]):
            lines.append(
                f"| {part['store']} | {part['commands_per_transaction']} | {n + 1} | {run['intake']:,} "
                f"| {run['bare']:,} | {run['ratio']} |"
            )
    rebuilt = figures["reconstruct"]
    lines += [
        "",
        f"Reconstructing a {rebuilt['case_events']}-event case (Decision.get_case, median of 50):",
    ]
    for store in ("sqlite", "postgres"):
        r = rebuilt[store]
        lines.append(f"- {store}: {r['events']} events, median {r['median_ms']} ms, p90 {r['p90_ms']} ms")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
