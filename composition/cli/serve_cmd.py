"""``backbone serve``: the HTTP API of intake and decision.

Embedded mode: one process; a background thread lets decision and the control tower catch up with
intake as commands come in. Distributed mode: the API records commands in PostgreSQL; the relays and
consumers run as ``backbone run intake|decision|tower``.
"""

from __future__ import annotations

import argparse
import json
import threading
from typing import Any

import uvicorn

from backbone.http_auth import role_table_markdown
from backbone.logs import configure_logging
from backbone.settings import Settings
from composition.http_app import create_api
from composition.identity import identity_of
from composition.opened import Backbone, open_backbone
from composition.reconcile_loop import PeriodicReconciliation
from composition.system import System
from services.audit.replay import replay_case


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="the HTTP API (OpenAPI at /v1/openapi.json)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--print-openapi", action="store_true", help="print the OpenAPI document and exit")
    parser.add_argument(
        "--print-roles",
        action="store_true",
        help="print the table of operations and the roles that may call them (markdown) and exit",
    )
    parser.set_defaults(handler=_serve)


def _serve(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env()
    configure_logging(settings.log_format, settings.log_level)
    return serve(
        settings,
        arguments.host,
        arguments.port,
        print_openapi=arguments.print_openapi,
        print_roles=arguments.print_roles,
    )


def serve(
    settings: Settings,
    host: str,
    port: int,
    *,
    print_openapi: bool = False,
    print_roles: bool = False,
) -> int:
    """Serve the API and the dashboard of ``settings``' stores until interrupted."""
    stop = threading.Event()
    identity = identity_of(settings)  # first: distributed mode without an issuer stops here
    backbone = open_backbone(System(settings))
    if backbone.system.runtime.one_process:  # the consumers run here, beside the API
        threading.Thread(target=_keep_settling, args=(backbone, stop), daemon=True).start()
    else:  # commands are refused while a store is behind its topic (backbone.continuity)
        for service in (backbone.intake, backbone.decision):
            if service.continuity is not None:
                service.continuity.learn_in_background(stop)
    system = backbone.system
    reconciliations = PeriodicReconciliation(settings, lambda: backbone.tower, system.clock)
    app = create_api(
        backbone.intake,
        backbone.decision,
        lambda: backbone.tower,
        identity=identity,
        access_log=system.access_log,
        case_history=lambda case_id: replay_case(system.settings, system.codec, case_id),
        reconciliations=reconciliations,
    )
    if print_openapi:
        print(json.dumps(app.openapi(), indent=2, sort_keys=True))
        return 0
    if print_roles:
        print(role_table_markdown(app), end="")
        return 0
    if reconciliations.interval > 0:
        reconciliations.start(stop)
    try:
        # Our logging, not uvicorn's: its lines in our format, and our access log (``http_request``).
        uvicorn.run(app, host=host, port=port, log_config=None, log_level=None, access_log=False)
    finally:
        stop.set()
    return 0


def _keep_settling(backbone: Backbone, stop: threading.Event) -> None:
    while not stop.wait(0.2):
        backbone.settle()
