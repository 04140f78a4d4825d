"""Reconciliation of the legacy case system with the control tower: the legacy tables read directly
(the legacy system of record) and translated by the legacy bridge's own pure rules, each case's
deadline by the tower's own statutory clock for legacy cases, compared with what the tower shows
(``services/control_tower/domain/reconciliation.py``). The only place that knows both services."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from kafka import TopicPartition

from backbone.clock import Clock
from backbone.feeds.base import partition_stream
from backbone.feeds.offset_hints import hint_name
from backbone.kafka_clients import make_reader
from backbone.pseudonyms import normalised_bsn
from backbone.runtime import runtime_for
from backbone.settings import Settings
from composition.legacy_parts import LEGACY_BRIDGE
from composition.parts import topic_name
from services.control_tower.adapters.tower_store import TowerStore
from services.control_tower.domain.legacy_clock import legacy_clock
from services.control_tower.domain.reconciliation import (
    LegacyCase,
    Reconciliation,
    RefusedRow,
    deadline_on,
    reconcile,
)
from services.legacy_bridge.adapters.legacy_tables import read_legacy_tables
from services.legacy_bridge.domain.changes import NotTranslated
from services.legacy_bridge.domain.legacy_case import legacy_case_id
from services.legacy_bridge.domain.legacy_codes import CASES
from services.legacy_bridge.domain.legacy_tables import LegacyTables, translate_tables
from services.legacy_bridge.domain.translation import TranslatedCase
from simulation.legacy_system.schema import legacy_dsn

SETTLE_POLL_SECONDS = 0.5


def reconcile_legacy(
    settings: Settings,
    tower: Callable[[], TowerStore],
    clock: Clock,
    *,
    procedure: str | None = None,
    settle_seconds: float = 0.0,
) -> Reconciliation:
    """Compare the legacy tables with the tower's views. ``settle_seconds``: first wait up to that long
    until the tower has read the legacy bridge's topic to its end; the result says whether it had."""
    behind = wait_until_caught_up(settings, tower, settle_seconds)
    now = clock.now()
    today = now.date()
    tables = translate_tables(*read_legacy_tables(legacy_dsn(settings)), _bsn_form_only, now)
    shown = tower().shown_cases()  # after the legacy tables: a change in between shows as a lag
    result = reconcile(
        [_legacy_case(case, today) for case in tables.cases],
        _refused_rows(tables),
        shown,
        at=now,
        today=today,
        procedure=procedure,
    )
    return replace(result, caught_up=not any(behind.values()), behind=behind)


def tower_behind(settings: Settings, tower: TowerStore) -> dict[str, int]:
    """Per partition of the legacy bridge's topic: events the tower has not applied yet (distributed
    mode; the tower's offset hints against the topic's end offsets). Embedded mode: nothing to wait for,
    the tower reads the bridge's notification log as commands settle."""
    if runtime_for(settings).one_process:
        return {}
    topic = topic_name(LEGACY_BRIDGE, settings)
    reader = make_reader(settings, client_id="legacy-reconcile")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or ())]
        ends = reader.end_offsets(partitions)
    finally:
        reader.close()
    positions = tower.positions()
    behind = {}
    for partition, end in ends.items():
        stream = partition_stream(LEGACY_BRIDGE, partition.partition)
        applied = positions.get(hint_name(stream), -1) + 1  # the hint is the last offset applied
        behind[stream] = max(0, end - applied)
    return behind


def wait_until_caught_up(
    settings: Settings, tower: Callable[[], TowerStore], seconds: float
) -> dict[str, int]:
    """Wait up to ``seconds`` until the tower has read the bridge's topic to its end; what is left."""
    deadline = time.monotonic() + seconds
    while True:
        behind = tower_behind(settings, tower()) if seconds > 0 else {}
        if not any(behind.values()) or time.monotonic() >= deadline:
            return behind
        time.sleep(SETTLE_POLL_SECONDS)


def _legacy_case(case: TranslatedCase, today: date) -> LegacyCase:
    clock = legacy_clock(
        case.procedure, case.received_on, case.policy_version, case.suspended_days, case.extended
    )
    return LegacyCase(
        case_id=str(legacy_case_id(case.zaaknummer)),
        zaaknummer=case.zaaknummer,
        procedure=case.procedure.value,
        stage=case.stage,
        deadline=deadline_on(clock.statutory_deadline, case.suspended_since, today),
    )


def _refused_rows(tables: LegacyTables) -> list[RefusedRow]:
    procedures = {case.zaaknummer: case.procedure.value for case in tables.cases}
    return [_refused(refusal, procedures.get(refusal.zaaknummer)) for refusal in tables.refusals]


def _refused(refusal: NotTranslated, procedure: str | None) -> RefusedRow:
    return RefusedRow(
        case_id=str(legacy_case_id(refusal.zaaknummer)),
        zaaknummer=refusal.zaaknummer,
        procedure=procedure,
        table=refusal.table,
        column=refusal.column,
        rule=refusal.rule.value,
        case_row=refusal.table == CASES,
    )


def _bsn_form_only(bsn: str) -> str:
    """The translation checks a BSN's form (rule not_a_bsn); reconciliation compares no reference, so
    it needs no pepper and makes none."""
    return normalised_bsn(bsn)
