"""``/metrics`` for any process that has an HTTP port: the process's Prometheus metrics (the default
registry: what it published, consumed, answered, and the process itself) plus any registries of its own,
read at each scrape. Like every operation but health, it needs a bearer token: Prometheus scrapes with
a service account's (its ``authorization`` or ``oauth2`` client-credentials settings), whose role is
operations, since the metrics show what operations may see."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

from backbone.http_auth import requires
from backbone.identity.principal import Role

METRICS_READERS = (Role.OPERATIONS,)


def metrics_router(*own: CollectorRegistry) -> APIRouter:
    router = APIRouter()  # tagged by the router that includes it

    @router.get(
        "/metrics",
        response_class=PlainTextResponse,
        summary="Prometheus metrics",
        dependencies=[requires(*METRICS_READERS)],
    )
    def metrics() -> str:
        """This process's metrics (published, consumed, batches, requests, the process) and its own
        (the tower's: its views), read at each scrape."""
        return b"".join(generate_latest(registry) for registry in (REGISTRY, *own)).decode()

    return router
