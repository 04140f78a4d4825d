"""Commands in a batch: all recorded in one transaction when the block ends, or none of them.

Each command in a batch is checked and carried out as it would be alone, on the batch's copy of its case;
its idempotency key is recorded with the batch's events. What leaves the block as an exception records
nothing; a command refused inside it records nothing of its own; a command that failed after it had
changed a case refuses the whole batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, RecordConflictError

from backbone.errors import DomainRuleViolation, InvalidCommand
from backbone.service import BatchRefusedError
from composition.parts import build_intake
from services.decision.application.commands import parse_case_command
from services.intake.application.commands import (
    AcceptApplication,
    parse_application_command,
)
from tests.factories import (
    a_decision_with_a_case,
    a_submission,
    clock,
    codec,
    embedded_settings,
)

ASSIGN = parse_case_command("assign", {"team": "family-2", "officer_ref": "O-00000000000000b2"})


@pytest.fixture
def intake(tmp_path: Path) -> Any:
    return build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())


def stored_events(service: Any) -> int:
    return service.recorder.max_notification_id() or 0


def kinds(service: Any) -> list[str]:
    notifications = service.recorder.select_notifications(start=1, limit=100)
    return [n.topic.rsplit(".", 1)[-1] for n in notifications]


def test_a_batch_records_nothing_until_it_ends_then_every_event_in_one_go(intake: Any) -> None:
    with intake.batch() as batch:
        first = intake.submit_application(a_submission(), idempotency_key="b-1")
        intake.execute(first, AcceptApplication(), idempotency_key="b-2")
        second = intake.submit_application(a_submission(nationality="ERI"), idempotency_key="b-3")
        assert stored_events(intake) == 0
        assert intake.get_application(first).version == 2  # the second command saw the first's change
    assert batch.commands == 3
    assert kinds(intake) == ["ApplicationSubmitted", "ApplicationAccepted", "ApplicationSubmitted"]
    assert intake.get_application(first).statutory_deadline is not None
    assert intake.get_application(second).version == 1


def test_the_keys_of_a_batch_are_recorded_with_it(intake: Any) -> None:
    with intake.batch():
        application_id = intake.submit_application(a_submission(), idempotency_key="k-1")
        intake.execute(application_id, AcceptApplication(), idempotency_key="k-2")
    # repeated alone, or in another batch: nothing new, the same answer
    assert intake.submit_application(a_submission(), idempotency_key="k-1") == application_id
    with intake.batch():
        intake.execute(application_id, AcceptApplication(), idempotency_key="k-2")
    assert stored_events(intake) == 2
    with pytest.raises(InvalidCommand) as caught:
        intake.submit_application(a_submission(nationality="ERI"), idempotency_key="k-1")
    assert caught.value.problems[0].rule == "reused_for_another_request"


def test_a_key_reused_for_another_request_within_the_batch_is_refused(intake: Any) -> None:
    with intake.batch():
        intake.submit_application(a_submission(), idempotency_key="same")
        again = intake.submit_application(a_submission(), idempotency_key="same")
        with pytest.raises(InvalidCommand) as caught:
            intake.submit_application(a_submission(nationality="ERI"), idempotency_key="same")
    assert caught.value.problems[0].field == "idempotency_key"
    assert stored_events(intake) == 1
    assert intake.get_application(again).version == 1


def test_an_exception_leaving_the_block_records_nothing_not_even_the_keys(intake: Any) -> None:
    with pytest.raises(RuntimeError, match="crash"), intake.batch():
        application_id = intake.submit_application(a_submission(), idempotency_key="c-1")
        intake.execute(application_id, AcceptApplication(), idempotency_key="c-2")
        raise RuntimeError("crash before the end of the batch")
    assert stored_events(intake) == 0
    # nothing was recorded, so the same requests are carried out in full when they come again
    with intake.batch():
        assert intake.submit_application(a_submission(), idempotency_key="c-1") == application_id
        intake.execute(application_id, AcceptApplication(), idempotency_key="c-2")
    assert kinds(intake) == ["ApplicationSubmitted", "ApplicationAccepted"]


def test_a_refused_command_caught_in_the_batch_records_nothing_and_the_rest_goes_on(intake: Any) -> None:
    with intake.batch():
        application_id = intake.submit_application(a_submission())
        intake.execute(application_id, AcceptApplication())
        with pytest.raises(DomainRuleViolation):
            intake.execute(application_id, AcceptApplication())  # accepted already
        with pytest.raises(InvalidCommand):
            intake.submit_application(a_submission(nationality="syria"))
        other = intake.submit_application(a_submission(nationality="ERI"))
    assert kinds(intake) == ["ApplicationSubmitted", "ApplicationAccepted", "ApplicationSubmitted"]
    assert intake.get_application(other).version == 1


def test_a_command_that_failed_after_changing_a_case_refuses_the_whole_batch(
    tmp_path: Path, intake: Any
) -> None:
    decision, case_id = a_decision_with_a_case(tmp_path, intake)
    before = stored_events(decision)

    def crash_once(case: Any) -> None:
        decision.before_save = None
        raise RuntimeError("failed between changing the case and saving it")

    with pytest.raises(BatchRefusedError, match=str(case_id)), decision.batch():
        decision.before_save = crash_once
        with pytest.raises(RuntimeError):
            decision.execute(case_id, ASSIGN)
        decision.execute(
            case_id,
            parse_case_command(
                "request-information",
                {"requested_on": "2026-10-30", "due_on": "2026-11-20", "subject_code": "income_proof"},
            ),
        )
    assert stored_events(decision) == before
    assert decision.get_case(case_id).version == 1


def test_an_objection_opened_in_a_batch_is_saved_with_it(tmp_path: Path, intake: Any) -> None:
    decision, case_id = a_decision_with_a_case(tmp_path, intake)
    with decision.batch():
        decision.execute(case_id, ASSIGN)
        decision.execute(
            case_id,
            parse_case_command(
                "decide",
                {"decided_on": "2026-10-30", "outcome": "rejected", "grounds": ["requirements_not_met"]},
            ),
        )
        case = decision.execute(case_id, parse_case_command("file-objection", {"filed_on": "2026-10-30"}))
    assert decision.get_case(case_id).version == case.version == 4
    assert decision.get_case(case.objection_case_id).procedure.value == "objection"


def test_a_note_in_a_batch_is_recorded_with_the_batch_or_not_at_all(tmp_path: Path, intake: Any) -> None:
    decision, case_id = a_decision_with_a_case(tmp_path, intake)
    escalate = {"escalated_on": "2026-10-31", "reason_code": "complex_case", "note": "kept"}
    with pytest.raises(RuntimeError), decision.batch():
        decision.execute(case_id, parse_case_command("escalate", {**escalate, "note": "never kept"}))
        raise RuntimeError("the batch fails")
    assert decision.case_notes(case_id) == []
    with decision.batch():
        decision.execute(case_id, ASSIGN)
        decision.execute(case_id, parse_case_command("escalate", escalate))
        assert decision.case_notes(case_id) == []  # not before the batch ends
    assert [(n.version, n.text) for n in decision.case_notes(case_id)] == [(3, "kept")]


def test_batches_do_not_nest(intake: Any) -> None:
    with intake.batch(), pytest.raises(RuntimeError, match="do not nest"), intake.batch():
        pass


def test_a_key_vouched_new_but_on_record_fails_the_whole_batch(intake: Any) -> None:
    application_id = intake.submit_application(a_submission(), idempotency_key="v-1")
    with pytest.raises(IntegrityError), intake.batch(check_keys=False):
        intake.submit_application(a_submission(nationality="ERI"), idempotency_key="v-0")
        intake.submit_application(a_submission(), idempotency_key="v-1")  # not asked: done again
    assert kinds(intake) == ["ApplicationSubmitted"]  # nothing of the batch, nothing twice
    assert intake.get_application(application_id).version == 1


def test_kept_cases_skip_the_store_and_a_stale_one_costs_a_retry_not_a_wrong_record(
    tmp_path: Path, intake: Any
) -> None:
    intake.keep_cases(10)
    with intake.batch():
        application_id = intake.submit_application(a_submission())
    other_writer = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    other_writer.execute(application_id, AcceptApplication())  # the kept copy is now behind the store

    with pytest.raises(RecordConflictError), intake.batch():
        intake.execute(
            application_id, parse_application_command("withdraw", {"withdrawn_on": "2026-10-30"})
        )
    assert kinds(intake) == ["ApplicationSubmitted", "ApplicationAccepted"]
    with pytest.raises(DomainRuleViolation), intake.batch():  # read fresh: accepted, so too late
        intake.execute(application_id, AcceptApplication())
    assert intake.get_application(application_id).version == 2


def test_kept_cases_are_used_as_the_last_batch_left_them(intake: Any) -> None:
    intake.keep_cases(10)
    with intake.batch():
        application_id = intake.submit_application(a_submission())
    reads = counted_reads(intake)
    with intake.batch():
        intake.execute(application_id, AcceptApplication())
    assert reads == []
    assert kinds(intake) == ["ApplicationSubmitted", "ApplicationAccepted"]


def test_cases_a_kept_decision_consumer_opens_are_kept_too(tmp_path: Path, intake: Any) -> None:
    decision, application_id = a_decision_with_a_case(tmp_path, intake, keep_cases=10)
    reads = counted_reads(decision)
    with decision.batch():
        decision.execute(application_id, ASSIGN)
    assert reads == [] and decision.get_case(application_id).version == 2


def counted_reads(service: Any) -> list[Any]:
    """The aggregates the service reads from its store from now on."""
    reads: list[Any] = []
    original = service.repository.get

    def get(aggregate_id: Any, **options: Any) -> Any:
        reads.append(aggregate_id)
        return original(aggregate_id, **options)

    service.repository.get = get
    return reads
