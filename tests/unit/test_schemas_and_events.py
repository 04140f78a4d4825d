from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import backbone.access_log  # noqa: F401  (the event classes register themselves)
import services.decision.domain.case
import services.intake.domain.events
import services.legacy_bridge.domain.events  # noqa: F401
from backbone.errors import SchemaError
from backbone.events import CaseEvent, cloudevents_type
from backbone.schemas import SchemaCatalog


def event_classes() -> list[type[CaseEvent]]:
    found, pending = [], list(CaseEvent.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if "TOPIC" in cls.__dict__:
            found.append(cls)
    return found


EVENT_CLASSES = event_classes()


def test_the_domain_has_the_events_of_intake_decision_the_legacy_bridge_and_the_access_log() -> None:
    assert len(EVENT_CLASSES) == 31 + 7 + 2


def test_every_event_class_has_a_schema_of_the_same_name() -> None:
    catalog = SchemaCatalog.load()
    for cls in EVENT_CLASSES:
        assert cls.TOPIC in catalog
        assert cls.TOPIC.rpartition(".")[2] == cls.__name__


def test_every_event_schema_has_an_event_class() -> None:
    catalog = SchemaCatalog.load()
    assert {s.name for s in catalog.events()} == {cls.TOPIC for cls in EVENT_CLASSES}


def test_every_event_field_is_in_its_schema() -> None:
    catalog = SchemaCatalog.load()
    for cls in EVENT_CLASSES:
        schema_fields = {f["name"] for f in catalog.by_name(cls.TOPIC).parsed["fields"]} - {"meta"}
        facts = {f.name for f in dataclasses.fields(cls)} - {f.name for f in dataclasses.fields(CaseEvent)}
        facts.discard("originator_topic")
        assert facts == schema_fields, cls.__name__


def test_the_cloudevents_type_is_the_kebab_case_record_name() -> None:
    assert cloudevents_type("nl.ind.intake.ApplicationSubmitted") == "nl.ind.intake.application-submitted"


def test_a_reference_to_a_type_no_file_defines_is_reported(tmp_path: Path) -> None:
    (tmp_path / "Broken.avsc").write_text(
        json.dumps(
            {
                "type": "record",
                "name": "Broken",
                "namespace": "x",
                "fields": [{"name": "a", "type": "x.Missing"}],
            }
        )
    )
    with pytest.raises(SchemaError, match="Broken.avsc"):
        SchemaCatalog.load(tmp_path)


def test_an_empty_schema_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="no .avsc"):
        SchemaCatalog.load(tmp_path)
