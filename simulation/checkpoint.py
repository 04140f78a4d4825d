"""A simulation's checkpoint: its plan and everything it keeps between weeks, written after every week, so
a stopped or killed simulation goes on where it was (``backbone simulate --resume``) and a finished one
can be carried further into the future.

What the simulator keeps between weeks is small and explicit: the next week, its key counter, the cases
it is working on, the applicants' pending steps, the fractional capacity carried over and its counts.
Random numbers are drawn per purpose and week, so nothing of a generator's state is needed. The week
after the checkpoint may have been partly recorded before a crash: its commands are given again with the
same idempotency keys, and the services answer those from their records, so nothing is duplicated.

The file is JSON, written to a temporary file and renamed over the old one: a crash while writing leaves
the previous checkpoint whole.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, fields
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from backbone.errors import BackboneError
from simulation.casework import SimCase
from simulation.inflow import Shock

FORMAT = "ind-simulation-checkpoint/1"
_DATES = {f.name for f in fields(SimCase) if "date" in str(f.type)}


class CheckpointError(BackboneError):
    """A checkpoint file that cannot be read, or that does not fit the stores it is resumed on."""


def write_checkpoint(path: Path, plan: dict[str, Any], state: dict[str, Any]) -> None:
    document = {"format": FORMAT, "plan": plan, "state": state}
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w") as file:
        json.dump(document, file, default=_plain, separators=(",", ":"))
        file.flush()
        os.fsync(file.fileno())
    temporary.replace(path)


def read_checkpoint(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise CheckpointError(f"checkpoint {path}: cannot be read ({error})") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CheckpointError(f"checkpoint {path}: not a simulation checkpoint (format {FORMAT})")
    return document["plan"], document["state"]


def case_to_json(case: SimCase) -> dict[str, Any]:
    return {k: v for k, v in asdict(case).items() if v != _DEFAULTS[k]}


def case_from_json(data: dict[str, Any]) -> SimCase:
    values: dict[str, Any] = dict(data)
    values["case_id"] = UUID(values["case_id"])
    for name in _DATES & values.keys():
        if values[name] is not None:
            values[name] = date.fromisoformat(values[name])
    return SimCase(**values)


def shock_from_json(data: dict[str, Any]) -> Shock:
    return Shock(**{**data, "starts_on": date.fromisoformat(data["starts_on"])})


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


_DEFAULTS = {f.name: f.default for f in fields(SimCase)}
