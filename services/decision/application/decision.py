"""The decision service: opens a case for every accepted application it consumes, and runs each case to
its decision with the commands of its officers.

As a processor for the tracked consumer, the case events it records and the position it read up to are
written in one transaction, so a redelivered message changes nothing and a crash loses nothing. A
command that meets a concurrent change to the same case (another worker saved first) is retried on the
fresh state, so no update is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from uuid import UUID, uuid4

import structlog
from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import RecordConflictError, Tracking

from backbone.envelope import Envelope
from backbone.events import CaseEvent, Cause
from backbone.feeds.base import FeedItem
from backbone.logs import case_context
from backbone.recorders import SealedNote
from backbone.service import CaseService, request_fingerprint
from backbone.validation import refuse_future_days
from ind.procedures import Procedure
from services.decision.adapters.case_notes import CaseNotes
from services.decision.application.commands import CaseCommand, NotedCommand
from services.decision.application.handlers import COMMAND_HANDLERS
from services.decision.domain.case import Case
from services.decision.domain.notes import CaseNote

APPLICATION_ACCEPTED = "nl.ind.intake.ApplicationAccepted"
log = structlog.get_logger("decision")


MAX_CONFLICT_RETRIES = 3


class Decision(CaseService):
    name = "decision"
    # A seam between "changed in memory" and "saved", to make races reproducible in tests.
    before_save: Callable[[Case], None] | None = None
    notes: CaseNotes | None = None  # set by the composition root

    def case_notes(self, case_id: UUID) -> list[CaseNote]:
        """The notes written on a case, readable while its applicant's key exists."""
        self.get_case(case_id)  # 404 for no such case
        return self._notes().read(case_id)

    def forget_applicant(self, applicant_ref: str) -> bool:
        """Destroy the applicant's key here: every note on their cases becomes unreadable."""
        forgotten = self._notes().forget(applicant_ref)
        log.info("applicant_forgotten", applicant_ref=applicant_ref, had_key=forgotten)
        return forgotten

    def _notes(self) -> CaseNotes:
        if self.notes is None:
            raise RuntimeError("this Decision has no note store; build it with build_decision()")
        return self.notes

    def _sealed_note(self, case: Case, command: CaseCommand) -> list[SealedNote]:
        """The command's note, sealed for the transaction of the event it goes with (the case's last)."""
        if not isinstance(command, NotedCommand) or command.note is None:
            return []
        return [self._notes().seal(case.applicant_ref, case.id, case.version, command.note)]

    # The processor protocol of backbone.consumer.
    def max_position(self, stream: str) -> int | None:
        return self.process_recorder.max_tracking_id(stream)

    def process(self, items: Sequence[FeedItem], tracking: Tracking) -> None:
        processing = ProcessingEvent[UUID](tracking)
        for item in items:
            self.policy(item.envelope, processing)
        self._notify(self._record(processing))
        self.keep(processing.aggregates.values())  # the cases just opened, if cases are kept
        for event in processing.events:  # logged once committed, never for a rolled-back batch
            assert isinstance(event, CaseEvent)
            with case_context(event.originator_id, event.correlation_id, event.causation_id):
                log.info("case_opened", version=event.originator_version)

    def policy(self, envelope: Envelope, processing: ProcessingEvent[UUID]) -> None:
        if envelope.schema != APPLICATION_ACCEPTED:
            return
        data = envelope.data
        case = Case.open(
            case_id=envelope.case_id,
            procedure=Procedure(data["procedure"]),
            received_on=data["received_on"],
            statutory_deadline=data["statutory_deadline"],
            clock_started_on=data["clock_started_on"],
            policy_version=data["policy_version"],
            legal_basis=data["legal_basis"],
            suspended_days=data["suspended_days"],
            applicant_ref=data["applicant_ref"],
            cause=Cause(self.clock.now(), envelope.correlation_id, causation_id=envelope.id),
        )
        processing.collect_events(case)

    def get_case(self, case_id: UUID) -> Case:
        case: Case = self.load(case_id)
        return case

    def execute(
        self,
        case_id: UUID,
        command: CaseCommand,
        *,
        correlation_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        """Carry out one command on a case, with the handler the table lists for it.

        With an idempotency key, a repeated request records nothing and returns the case as it is.
        """
        handle = COMMAND_HANDLERS[type(command)]
        now = self.clock.now()
        refuse_future_days(command, now.date())
        cause = Cause(now, correlation_id or str(uuid4()))
        fingerprint = request_fingerprint(command, str(case_id))
        with case_context(case_id, cause.correlation_id):
            for attempt in range(MAX_CONFLICT_RETRIES + 1):
                if self.already_done(idempotency_key, fingerprint):
                    return self.get_case(case_id)
                case = self.get_case(case_id)
                changed = handle(case, command, cause)
                notes = self._sealed_note(case, command)
                if self.before_save is not None:
                    self.before_save(case)
                try:
                    self.save_command(idempotency_key, fingerprint, *changed, notes=notes)
                except RecordConflictError:
                    if attempt == MAX_CONFLICT_RETRIES:
                        raise
                    log.info("case_changed_concurrently_retrying", attempt=attempt + 1)
                    continue
                log.info("case_command_done", command=type(command).__name__, version=case.version)
                return case
        raise AssertionError("unreachable")
