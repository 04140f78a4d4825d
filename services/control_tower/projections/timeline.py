"""A case's timeline: one line per event, written by the tracked projection and by the rebuild's fold."""

from __future__ import annotations

import json
from typing import Any

from backbone.envelope import Envelope
from services.control_tower.projections.workload import event_rank

# One encoder for every detail: json.dumps with options builds a new encoder on every call.
_DETAIL_JSON = json.JSONEncoder(default=str, sort_keys=True)


def timeline_row(envelope: Envelope) -> tuple[Any, ...]:
    """One line of a case's timeline, as (case id, rank, occurred at, event, detail JSON): what happened,
    when, and the event's data (no personal data travels in events; the metadata block is left out)."""
    detail = {k: v for k, v in envelope.data.items() if k != "meta"}
    return (
        envelope.subject,
        event_rank(envelope),
        envelope.time.isoformat(),
        envelope.schema,
        _DETAIL_JSON.encode(detail),
    )
