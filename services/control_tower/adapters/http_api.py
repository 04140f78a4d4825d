"""The control tower's JSON API under /v1/tower, made from the catalogue of views
(``application/catalogue.py``), and Prometheus metrics at /metrics.

No ``from __future__ import annotations`` here: FastAPI reads parameter types at definition time.
"""

import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from prometheus_client import CollectorRegistry
from pydantic import AfterValidator, BeforeValidator

from backbone.clock import Clock
from backbone.errors import FieldProblem, InvalidCommand, NotFound
from backbone.http_auth import requires
from backbone.http_metrics import metrics_router
from backbone.identity.principal import Role
from backbone.problems import problem_responses
from backbone.validation import LAST_DAY, iso_day, within
from ind.statutory.catalogue import IND_CATALOGUE
from services.control_tower.adapters.metrics import TowerViewsCollector
from services.control_tower.adapters.reconciliation_metrics import (
    ReconciliationCollector,
    Reconciliations,
)
from services.control_tower.adapters.tower_store import TowerStore
from services.control_tower.application.catalogue import CATALOGUE
from services.control_tower.application.reconciliation_view import reconciliation_document
from services.control_tower.application.view_spec import Parameter, View, ViewRequest
from services.control_tower.application.whatif_view import ScenarioError

# Operations watch the views; planners use them and alone run what-if scenarios on them.
VIEWERS = (Role.OPERATIONS, Role.PLANNER)
ROLES_OF_VIEW = {"whatif": (Role.PLANNER,)}
# Reconciliation names legacy case numbers and is about the pipeline's health: operations' business.
RECONCILIATION_READERS = (Role.OPERATIONS,)


def tower_router(
    views: Callable[[], TowerStore],
    clock: Clock,
    reconciliations: Reconciliations | None = None,
) -> APIRouter:
    """Every view of the catalogue at its path; ``views()`` is the live generation (a rebuild may swap
    in another). ``reconciliations``: of the legacy database with the views, if this process runs
    them (``composition/reconcile_loop.py``)."""
    router = APIRouter(tags=["control tower"])
    for view in CATALOGUE:
        router.add_api_route(
            view.url_path,
            _endpoint(view, views, clock),
            methods=["GET"],
            name=view.operation or view.name.replace("-", "_"),
            summary=view.summary,
            responses=_RESPONSES.get(view.name),
            dependencies=[requires(*ROLES_OF_VIEW.get(view.name, VIEWERS))],
        )

    @router.get(
        "/v1/tower/views",
        summary="The catalogue of views: names, paths, parameters",
        dependencies=[requires(*VIEWERS)],
    )
    def catalogue() -> list[dict[str, Any]]:
        return [view.as_json() for view in CATALOGUE]

    @router.get(
        "/v1/legacy/reconciliation",
        summary="The last reconciliation of the legacy database with the views",
        dependencies=[requires(*RECONCILIATION_READERS)],
    )
    def legacy_reconciliation(
        limit: Annotated[int, Query(ge=0, le=10_000, description="differences listed, at most")] = 100,
    ) -> dict[str, Any]:
        """How often this process reconciles (``interval_seconds``, 0: never) and the last result
        (``last``: counts per procedure and stage on both sides, differences by reason and the first
        ``limit`` of them, as ``backbone legacy reconcile --json``; null until one has run)."""
        interval = reconciliations.interval if reconciliations is not None else 0.0
        result = reconciliations.last() if reconciliations is not None else None
        return {
            "interval_seconds": interval,
            "last": None if result is None else reconciliation_document(result, limit),
        }

    tower = CollectorRegistry()
    tower.register(TowerViewsCollector(views, lambda: clock.now().date()))
    if reconciliations is not None:
        tower.register(ReconciliationCollector(reconciliations.last))
    router.include_router(metrics_router(tower))
    return router


# A day of a view lies in the catalogue's range: the views count weeks back and forth from it.
DAY = Annotated[
    date,
    BeforeValidator(iso_day),
    AfterValidator(lambda day: within(day, IND_CATALOGUE.first_day, LAST_DAY)),
]

_RESPONSES: dict[str, dict[int | str, dict[str, Any]]] = {
    "case": problem_responses(404),
}


def _endpoint(view: View, views: Callable[[], TowerStore], clock: Clock) -> Callable[..., Any]:
    """A FastAPI endpoint for ``view``: its parameters become query (or path) parameters."""

    def endpoint(**values: Any) -> Any:
        today = values.pop("today", None) or clock.now().date()
        request = ViewRequest(today=today, now=datetime.now(UTC), values=values)
        try:
            return view.compute(views(), request)
        except ScenarioError as error:
            parameter = str(error).split(" ", 1)[0].rstrip(":")  # the error begins with the parameter
            raise InvalidCommand(
                view.name, [FieldProblem(parameter, "unreadable_scenario", str(error))]
            ) from error
        except NotFound as error:
            detail = f"the tower has seen no event of {error.kind} {error.identifier}"
            raise HTTPException(status_code=404, detail=detail) from error

    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [_signature_parameter(p) for p in view.parameters], return_annotation=view.document
    )
    return endpoint


def _signature_parameter(parameter: Parameter) -> inspect.Parameter:
    keyword = inspect.Parameter.KEYWORD_ONLY
    if parameter.in_path:
        return inspect.Parameter(parameter.name, keyword, annotation=parameter.kind)
    if parameter.kind is list:
        query = Query(description=parameter.description)
        return inspect.Parameter(
            parameter.name, keyword, default=[], annotation=Annotated[list[str], query]
        )
    annotation: Any = DAY if parameter.kind is date else parameter.kind
    if parameter.choices:
        annotation = Literal[parameter.choices]
    if parameter.default is None:
        annotation = annotation | None
    query = Query(
        default=parameter.default,
        description=parameter.description,
        ge=parameter.minimum,
        le=parameter.maximum,
    )
    return inspect.Parameter(parameter.name, keyword, default=query, annotation=annotation)
