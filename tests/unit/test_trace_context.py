from __future__ import annotations

from backbone.trace_context import (
    correlation_from_header,
    correlation_from_traceparent,
    kafka_traceparent,
    request_traceparent,
)

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_a_traceparents_trace_id_becomes_the_correlation_id() -> None:
    assert correlation_from_traceparent(TRACEPARENT) == "4bf92f35-77b3-4da6-a3ce-929d0e0e4736"


def test_a_traceparent_of_another_version_or_form_is_ignored() -> None:
    assert correlation_from_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") is None
    assert correlation_from_traceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01") is None
    assert correlation_from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7") is None
    assert correlation_from_traceparent("00-" + "0" * 32 + "-00f067aa0ba902b7-01") is None
    assert correlation_from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0" * 16 + "-01") is None
    assert correlation_from_traceparent(None) is None


def test_a_correlation_id_header_is_taken_only_when_it_is_a_uuid() -> None:
    assert correlation_from_header("3F2504E0-4F89-41D3-9A0C-0305E82C3301") == (
        "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    )
    assert correlation_from_header("Jan Jansen 111222333") is None
    assert correlation_from_header("") is None
    assert correlation_from_header(None) is None


def test_a_response_continues_the_trace_of_its_correlation_id_with_a_span_of_its_own() -> None:
    first = request_traceparent("4bf92f35-77b3-4da6-a3ce-929d0e0e4736")
    second = request_traceparent("4bf92f35-77b3-4da6-a3ce-929d0e0e4736")
    assert first.startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-") and first.endswith("-01")
    assert correlation_from_traceparent(first) == "4bf92f35-77b3-4da6-a3ce-929d0e0e4736"
    assert first != second


def test_a_messages_traceparent_is_its_correlations_trace_and_its_events_id() -> None:
    traceparent = kafka_traceparent(
        b"4bf92f35-77b3-4da6-a3ce-929d0e0e4736", b"6f1b6a3e-3c1d-5b7e-9a43-1d2c0e8b7f10"
    )
    assert traceparent == b"00-4bf92f3577b34da6a3ce929d0e0e4736-6f1b6a3e3c1d5b7e-01"


def test_the_nil_uuid_is_no_valid_trace_id_and_is_hashed_like_any_other_name() -> None:
    nil = b"00000000-0000-0000-0000-000000000000"
    trace_id = kafka_traceparent(nil, b"6f1b6a3e-3c1d-5b7e-9a43-1d2c0e8b7f10").split(b"-")[1]
    assert trace_id != b"0" * 32 and len(trace_id) == 32
