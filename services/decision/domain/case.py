"""The Case aggregate (zaak): one application's way to a decision."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from backbone.events import CaseCreated, CaseEvent
from backbone.procedures import Procedure


class CaseStage(StrEnum):
    OPENED = "opened"


class CaseOpened(CaseCreated):
    """A case was opened for an accepted application; the case id is the application id."""

    TOPIC = "nl.ind.decision.CaseOpened"
    AGGREGATE_TOPIC = "nl.ind.decision.Case"

    procedure: Procedure
    received_on: date
    statutory_deadline: date
    clock_started_on: date
    policy_version: str
    legal_basis: str

    def apply(self, aggregate: Any) -> None:
        case: Case = aggregate
        case.procedure = self.procedure
        case.received_on = self.received_on
        case.statutory_deadline = self.statutory_deadline
        case.clock_started_on = self.clock_started_on
        case.policy_version = self.policy_version
        case.stage = CaseStage.OPENED


class Case(Aggregate):
    TOPIC = "nl.ind.decision.Case"
    Event = CaseEvent
    Created = CaseOpened

    procedure: Procedure
    received_on: date
    statutory_deadline: date
    clock_started_on: date
    policy_version: str
    stage: CaseStage

    def __init__(self) -> None:
        """Every attribute is set by the events' ``apply``; nothing is passed in."""

    @classmethod
    def open(
        cls,
        *,
        case_id: UUID,
        procedure: Procedure,
        received_on: date,
        statutory_deadline: date,
        clock_started_on: date,
        policy_version: str,
        legal_basis: str,
        now: datetime,
        correlation_id: str,
        causation_id: str | None,
    ) -> Case:
        return cls._create(
            CaseOpened,
            id=case_id,
            timestamp=now,
            occurred_at=now,
            correlation_id=correlation_id,
            causation_id=causation_id,
            procedure=procedure,
            received_on=received_on,
            statutory_deadline=statutory_deadline,
            clock_started_on=clock_started_on,
            policy_version=policy_version,
            legal_basis=legal_basis,
        )
