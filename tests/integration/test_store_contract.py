"""One contract, every backend: the SQLite (embedded) and PostgreSQL (distributed) stores pass the
same tests for events, notifications, tracking and view atomicity."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import IntegrityError, Tracking

from backbone.events import Cause
from backbone.settings import Settings
from composition.parts import build_decision, build_intake
from ind.procedures import Procedure
from services.control_tower.adapters import tower_store
from services.control_tower.adapters.live_views import build_tower_store
from services.control_tower.projections.workload import StageChange
from services.decision.application.commands import (
    AssignCase,
    EscalateCase,
    ResolveEscalation,
    ScheduleHearing,
)
from services.decision.domain.case import Case, CaseRuleViolation
from services.decision.domain.notes import CaseNote, NotesErased
from services.decision.domain.vocabulary import HearingKind
from services.intake.application.commands import AcceptApplication
from services.intake.domain.personal_data import PersonalDataErased
from tests.factories import NOW, a_submission, clock, codec, embedded_settings


def a_case() -> Case:
    return Case.open(
        case_id=uuid.uuid4(),
        procedure=Procedure.FAMILY,
        received_on=NOW.date(),
        statutory_deadline=NOW.date(),
        clock_started_on=NOW.date(),
        policy_version="2025.1",
        legal_basis="Vw 2000 art. 25(1)",
        applicant_ref="P-0123456789abcdef",
        cause=Cause(NOW, "c"),
    )


def sealed_notes(decision: Any) -> list[bytes]:
    """The note store's ciphertexts, as they lie in the database."""
    with decision.notes._datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT ciphertext FROM {decision.notes._notes}")
        return [bytes(row["ciphertext"] if isinstance(row, dict) else row[0]) for row in cursor.fetchall()]


class StoreContract:
    settings: Settings

    @pytest.fixture
    def intake(self) -> Any:
        return build_intake(self.settings, codec=codec(), clock=clock())

    def test_a_saved_application_comes_back_as_it_was(self, intake: Any) -> None:
        application_id = intake.submit_application(a_submission(procedure="study"))
        intake.execute(application_id, AcceptApplication())
        application = intake.get_application(application_id)
        assert (application.version, application.procedure.value) == (2, "study")
        assert application.statutory_deadline is not None

    def test_notifications_come_in_recording_order_named_by_schema(self, intake: Any) -> None:
        first = intake.submit_application(a_submission())
        intake.execute(first, AcceptApplication())
        intake.submit_application(a_submission())
        notifications = intake.recorder.select_notifications(start=0, limit=10)
        ids = [n.id for n in notifications]
        assert ids == sorted(ids) and len(ids) == 3
        assert [n.topic for n in notifications] == [
            "nl.ind.intake.ApplicationSubmitted",
            "nl.ind.intake.ApplicationAccepted",
            "nl.ind.intake.ApplicationSubmitted",
        ]

    def test_a_stale_copy_of_an_aggregate_cannot_overwrite_a_newer_one(self, intake: Any) -> None:
        application_id = intake.submit_application(a_submission())
        stale = intake.get_application(application_id)
        intake.execute(application_id, AcceptApplication())
        before = intake.recorder.max_notification_id()
        stale.accept(cause=Cause(NOW, "late"))
        with pytest.raises(IntegrityError):
            intake.save(stale)
        assert intake.recorder.max_notification_id() == before

    def test_tracking_only_moves_forward(self, intake: Any) -> None:
        positions = intake.factory.tracking_recorder()
        positions.insert_tracking(Tracking("upstream:p0", 5))
        for replayed in (5, 3):
            with pytest.raises(IntegrityError):
                positions.insert_tracking(Tracking("upstream:p0", replayed))
        positions.insert_tracking(Tracking("upstream:p0", 9))
        assert positions.max_tracking_id("upstream:p0") == 9
        assert positions.max_tracking_id("upstream:p1") is None

    def test_decision_records_its_case_and_position_in_one_transaction(self) -> None:
        decision = build_decision(self.settings, codec=codec(), clock=clock())
        processing = ProcessingEvent[uuid.UUID](Tracking("intake:p1", 7))
        case = a_case()
        processing.collect_events(case)
        decision._record(processing)
        assert decision.max_position("intake:p1") == 7
        assert decision.get_case(case.id).procedure is Procedure.FAMILY
        again = ProcessingEvent[uuid.UUID](Tracking("intake:p1", 7))
        again.collect_events(a_case())
        with pytest.raises(IntegrityError):
            decision._record(again)  # a replayed position takes its events down with it
        assert decision.recorder.max_notification_id() == 1

    def test_two_workers_on_one_case_lose_no_update(self) -> None:
        worker_a = build_decision(self.settings, codec=codec(), clock=clock())
        worker_b = build_decision(self.settings, codec=codec(), clock=clock())
        case = a_case()
        worker_a.save(case)

        def b_saves_first(_: Case) -> None:
            if worker_a.before_save is not None:
                worker_a.before_save = None  # race once
                worker_b.execute(case.id, AssignCase(team="family-2", officer_ref="O-00000000000000b2"))

        worker_a.before_save = b_saves_first
        worker_a.execute(case.id, ScheduleHearing(kind=HearingKind.SHORTENED, scheduled_for=NOW.date()))
        final = worker_a.get_case(case.id)
        assert final.version == 3
        assert final.team == "family-2"  # B's change survived A's retry
        assert HearingKind.SHORTENED in final.scheduled  # and A's change was applied on top
        topics = [n.topic for n in worker_a.recorder.select_notifications(start=0, limit=10)]
        assert topics == [
            "nl.ind.decision.CaseOpened",
            "nl.ind.decision.CaseAssigned",
            "nl.ind.decision.HearingScheduled",
        ]

    def test_the_personal_data_vault_keeps_and_forgets(self, intake: Any) -> None:
        person = {"family_name": "Haddad", "date_of_birth": "1991-04-17", "v_number": "1234567890"}
        application_id = intake.submit_application(a_submission(applicant=person))
        assert intake.personal_data(application_id).v_number == "1234567890"
        assert intake.forget_applicant("P-00000000000000a1")
        assert not intake.forget_applicant("P-00000000000000a1")  # nothing left to forget
        with pytest.raises(PersonalDataErased):
            intake.personal_data(application_id)
        assert intake.get_application(application_id).version == 1

    def test_a_note_is_sealed_beside_its_event_and_forgotten_with_the_applicants_key(self) -> None:
        decision = build_decision(self.settings, codec=codec(), clock=clock())
        case = a_case()
        decision.save(case)
        note = "Haddad's lawyer called: the family book is on its way from Aleppo"
        decision.execute(
            case.id, EscalateCase(escalated_on=NOW.date(), reason_code="complex_case", note=note)
        )
        assert decision.case_notes(case.id) == [CaseNote(version=2, text=note)]
        stored = b"".join(n.state for n in decision.recorder.select_notifications(start=0, limit=10))
        assert b"Aleppo" not in stored and b"complex_case" in stored  # the code is recorded, not the note
        assert b"Aleppo" not in b"".join(sealed_notes(decision))

        assert decision.forget_applicant("P-0123456789abcdef")
        assert not decision.forget_applicant("P-0123456789abcdef")  # nothing left to forget
        with pytest.raises(NotesErased):
            decision.case_notes(case.id)
        assert len(sealed_notes(decision)) == 1  # the ciphertext stays, unreadable
        assert decision.get_case(case.id).escalated  # the events still replay

    def test_a_refused_or_failed_command_leaves_no_note(self) -> None:
        decision = build_decision(self.settings, codec=codec(), clock=clock())
        case = a_case()
        decision.save(case)
        with pytest.raises(CaseRuleViolation):  # not escalated: nothing to resolve
            decision.execute(
                case.id,
                ResolveEscalation(
                    resolved_on=NOW.date(), resolution_code="hearing_planned", note="not kept"
                ),
            )

        def crash(_: Case) -> None:
            raise RuntimeError("failed between sealing the note and saving its event")

        decision.before_save = crash
        with pytest.raises(RuntimeError):
            decision.execute(
                case.id, EscalateCase(escalated_on=NOW.date(), reason_code="complex_case", note="x")
            )
        assert sealed_notes(decision) == [] and decision.case_notes(case.id) == []
        assert decision.get_case(case.id).version == 1

    def test_a_view_of_another_schema_version_is_dropped_and_its_positions_reset(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        store = build_tower_store(self.settings)
        store.apply(
            [StageChange("c-1", "asylum", "in_intake", True, 1, NOW)], {"x": 1}, [], Tracking("intake", 3)
        )
        monkeypatch.setattr(tower_store, "VIEW_SCHEMA_VERSION", tower_store.VIEW_SCHEMA_VERSION + 1)
        rebuilt = build_tower_store(self.settings)
        assert rebuilt.workload() == [] and rebuilt.event_counts() == {}
        assert rebuilt.max_tracking_id("intake") is None  # the consumers start again from the beginning
        again = build_tower_store(self.settings)  # same version now: nothing is dropped
        again.apply(
            [StageChange("c-2", "asylum", "in_intake", True, 1, NOW)], {"x": 1}, [], Tracking("intake", 1)
        )
        assert [r.open_cases for r in build_tower_store(self.settings).workload()] == [1]

    def test_view_rows_and_position_commit_together(self) -> None:
        store = build_tower_store(self.settings)
        change = StageChange("c-1", "asylum", "in_intake", True, 1, NOW)
        store.apply([change], {"x": 1}, [], Tracking("intake", 3))
        with pytest.raises(IntegrityError):
            store.apply(
                [StageChange("c-2", "asylum", "in_intake", True, 1, NOW)],
                {"x": 1},
                [],
                Tracking("intake", 3),
            )
        assert [(r.procedure, r.open_cases) for r in store.workload()] == [("asylum", 1)]
        assert store.positions()["intake"] == 3
        assert store.event_counts() == {"x": 1}

    def test_a_batch_another_instance_already_applied_is_refused_whole(self) -> None:
        """Two tower instances during a rebalance: B still holds events 1..5 of a partition that A has
        just applied up to 8. B's batch 1..5 would pass the tracking row (5 < 8 is refused) but a batch
        1..9 would not be caught by the position alone: the claim on the first position refuses it."""
        first, second = build_tower_store(self.settings), build_tower_store(self.settings)
        a = StageChange("c-1", "asylum", "in_intake", True, 1, NOW)
        first.apply([a], {"x": 8}, [], Tracking("intake:0", 8), first_position=1)
        with pytest.raises(IntegrityError):
            second.apply([a], {"x": 9}, [], Tracking("intake:0", 9), first_position=1)
        second.apply([a], {"x": 1}, [], Tracking("intake:0", 9), first_position=9)
        assert first.event_counts() == {"x": 9} and first.positions()["intake:0"] == 9

    def test_a_batch_records_its_events_and_keys_together_or_nothing(self, intake: Any) -> None:
        start = intake.recorder.max_notification_id() or 0
        with intake.batch():
            first = intake.submit_application(a_submission(), idempotency_key=f"{start}-a")
            intake.execute(first, AcceptApplication(), idempotency_key=f"{start}-b")
        assert (intake.recorder.max_notification_id() or 0) == start + 2
        assert intake.key_recorded(f"{start}-a") and intake.key_recorded(f"{start}-b")
        with pytest.raises(IntegrityError), intake.batch(check_keys=False):  # a vouch that was wrong
            intake.submit_application(a_submission(nationality="ERI"), idempotency_key=f"{start}-c")
            intake.submit_application(a_submission(), idempotency_key=f"{start}-a")
        assert (intake.recorder.max_notification_id() or 0) == start + 2
        assert not intake.key_recorded(f"{start}-c")


class TestSQLiteStores(StoreContract):
    @pytest.fixture(autouse=True)
    def _settings(self, tmp_path: Path) -> None:
        self.settings = embedded_settings(tmp_path)


@pytest.mark.postgres
class TestPostgresStores(StoreContract):
    @pytest.fixture(autouse=True)
    def _settings(self, postgres_settings: Settings) -> None:
        self.settings = postgres_settings
