from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from backbone.http_tracing import trace_requests


def test_an_unexpected_error_is_answered_with_the_correlation_id() -> None:
    app = FastAPI()
    trace_requests(app)

    @app.get("/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/broken", headers={"X-Correlation-ID": "3f2504e0-4f89-41d3-9a0c-0305e82c3301"})
    assert response.status_code == 500
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert (problem["status"], problem["code"]) == (500, "internal_error")
    assert problem["type"] == "urn:ind-case-backbone:problem:internal_error"
    assert "3f2504e0-4f89-41d3-9a0c-0305e82c3301" in problem["detail"]
    assert response.headers["X-Correlation-ID"] == "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    assert response.headers["traceparent"].startswith("00-3f2504e04f8941d39a0c0305e82c3301-")
