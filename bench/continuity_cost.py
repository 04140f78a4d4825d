"""What the check against the topic's tail costs intake's commands (``backbone.continuity``).

    python -m bench.continuity_cost [--applications 500] [--rounds 3] [--json PATH]

On PostgreSQL (needs `make infra-up`), taking turns in one run: submit + accept of ``--applications``
applications, single commands and 200 per transaction, with and without the check before each
recording (one indexed read of the tail's notification). Events per second each; the ratio is checked
/ unchecked per round, and its median is the figure.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
from pathlib import Path
from typing import Any

import structlog

from backbone.settings import Settings
from bench.commands import intake_events_per_second
from bench.scratch import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    figures = measure(arguments.applications, arguments.rounds)
    print(json.dumps(figures, indent=2))
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2) + "\n")


def measure(applications: int, rounds: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"applications": applications, "rounds": rounds}
    with scratch_database(Settings.from_env()) as settings:
        intake_events_per_second(settings, 50, seed=0, keys="warm-")  # tables made, caches warm
        for batch in (1, 200):
            runs = []
            for r in range(rounds):
                keys = f"b{batch}r{r}"
                checked = intake_events_per_second(
                    settings, applications, seed=r, batch=batch, keys=f"{keys}c", guarded=True
                )
                unchecked = intake_events_per_second(
                    settings, applications, seed=r, batch=batch, keys=f"{keys}u"
                )
                runs.append(
                    {
                        "checked": round(checked),
                        "unchecked": round(unchecked),
                        "ratio": round(checked / unchecked, 3),
                    }
                )
            figures[f"commands_per_transaction_{batch}"] = {
                "runs": runs,
                "median_ratio": round(statistics.median(run["ratio"] for run in runs), 3),
            }
    return figures


if __name__ == "__main__":
    main()
