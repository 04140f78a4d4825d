"""Fault injection: steady load through the HTTP API while processes are SIGKILLed and the broker and
PostgreSQL are restarted; afterwards nothing may be lost, doubled or different (issue 14).

    python -m bench.faults [--applications 200] [--duration 60] [--rounds 1] [--seed 14] [--json PATH]

Small (tests/e2e/test_faults.py, about 90 s): the defaults. Large (docs/faults.md, about 12 min):
--applications 2000 --duration 600 --rounds 6.

It starts a PostgreSQL server and a Kafka broker of its own (infra/postgres/postgres.sh and
infra/kafka/kafka.sh, on free ports and fresh state directories unless given), creates the topics,
and runs `backbone serve`, `backbone run intake`, `backbone run decision --instance 1` and `backbone
run tower --instance 1` under a supervisor that starts again whatever dies (at once or after 0.5 s),
with JSON logs in the run directory. A client submits and accepts --applications over --duration
seconds through the API, retrying connection errors, timeouts and 5xx answers with the same
Idempotency-Key.

Meanwhile, per round, at seeded random times: SIGKILL of intake's relay, decision (2x), the tower's
process (2x), the API, and a `backbone tower rebuild` at a random point of its run (before, during
or after its swap); the broker SIGKILLed and started again; PostgreSQL stopped in immediate mode and
started again; the broker's port blocked for --block-seconds. No iptables or nft here: the broker's
JVM is frozen with SIGSTOP and thawed with SIGCONT, which its clients see as a port that answers
nothing.

Afterwards, once settled: every request that got a success answer is in intake's store and its
application a case in decision's store; no event recorded or applied twice (versions without gaps,
one case per application, the tower's counts equal the stores'); the tower's views equal a full
rebuild's; `backbone audit verify` exits 0. The JSON report has the kills survived by kind, the
restarts, the seconds blocked, HTTP errors after retries, the longest stalls, events lost and
duplicated, and the durations. Exit code 0 when every check passes, 1 when one does not.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import structlog

from bench.fault_infra import KAFKA_SCRIPT, missing_infra
from bench.fault_run import FaultRun, RunConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--applications", type=int, default=200, help="submitted and accepted (200)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds the load lasts (60)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="of faults: each round kills decision and the tower twice, the rest once (1)",
    )
    parser.add_argument("--seed", type=int, default=14, help="of the schedule and the load (14)")
    parser.add_argument("--block-seconds", type=float, default=6.0, help="broker's port blocked (6)")
    parser.add_argument("--partitions", type=int, default=3, help="of each topic (3)")
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--run-dir", type=Path, help="logs and state (default: a new one in /tmp)")
    parser.add_argument("--postgres-port", type=int, help="default: a free port")
    parser.add_argument("--postgres-state-dir", type=Path, help="PG_STATE_DIR (default: RUN_DIR/pg)")
    parser.add_argument("--kafka-port", type=int, help="default: a free port")
    parser.add_argument("--kafka-controller-port", type=int, help="default: a free port")
    parser.add_argument("--kafka-state-dir", type=Path, help="KAFKA_STATE_DIR (default: RUN_DIR/kafka)")
    parser.add_argument(
        "--keep-servers",
        action="store_true",
        help="leave PostgreSQL and Kafka running afterwards (e.g. servers you started yourself with\n"
        "the scripts: give their ports and state directories; they are restarted all the same)",
    )
    parser.add_argument(
        "--kafka-libs",
        type=Path,
        default=Path(os.environ.get("KAFKA_LIBS_DIR") or KAFKA_SCRIPT.parent / ".libs"),
        help="the broker's jars (default infra/kafka/.libs; KAFKA_LIBS_DIR if set)",
    )
    arguments = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    config = RunConfig(
        applications=arguments.applications,
        duration=arguments.duration,
        rounds=arguments.rounds,
        seed=arguments.seed,
        block_seconds=arguments.block_seconds,
        partitions=arguments.partitions,
        run_dir=arguments.run_dir,
        postgres_port=arguments.postgres_port,
        kafka_port=arguments.kafka_port,
        kafka_controller_port=arguments.kafka_controller_port,
        postgres_state_dir=arguments.postgres_state_dir,
        kafka_state_dir=arguments.kafka_state_dir,
        keep_servers=arguments.keep_servers,
        kafka_libs=arguments.kafka_libs,
    )
    if missing := missing_infra(config.kafka_libs):
        sys.exit("cannot run: " + "; ".join(missing))
    report = run(config)
    text = json.dumps(report, indent=2)
    print(text)
    if arguments.json:
        arguments.json.write_text(text + "\n")
    sys.exit(0 if report["passed"] else 1)


def run(config: RunConfig) -> dict[str, Any]:
    """The whole run, infrastructure included; the report."""
    with FaultRun(config) as fault_run:
        return fault_run.report()


if __name__ == "__main__":
    main()
