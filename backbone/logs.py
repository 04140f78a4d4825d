"""Structured logs, configured once: JSON in production, readable in a terminal.

Log events have stable snake_case names and carry the case, correlation and causation ids when bound
(``bind_case``). Never log personal data: the domain's events hold none, and neither may a log line.
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import AbstractContextManager
from typing import Literal

import structlog

_configured = False


def configure_logging(fmt: Literal["auto", "json", "console"] = "auto", level: str = "info") -> None:
    global _configured
    renderer: structlog.types.Processor
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    if use_json:
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        logger_factory=_stderr_logger,  # looks up sys.stderr when used, not when configured
        cache_logger_on_first_use=False,
    )
    # Libraries that log through the standard library (kafka-python, psycopg, uvicorn) go to stderr too;
    # BACKBONE_LIBRARY_LOG_LEVEL=info shows kafka-python's group membership and fetch decisions.
    library_level = os.environ.get("BACKBONE_LIBRARY_LOG_LEVEL", "warning").upper()
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.getLevelNamesMapping().get(library_level, logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        force=True,
    )
    # kafka-python's I/O loop warns whenever the main thread held the interpreter for 0.1 s, which a
    # rebuild or a verify, decoding and folding, does all the time; nothing for an operator to act on.
    if library_level == "WARNING":
        logging.getLogger("kafka.net.selector").setLevel(logging.ERROR)
    _configured = True


def case_context(
    case_id: object, correlation_id: str, causation_id: str | None = None
) -> AbstractContextManager[None]:
    """Bind the case, correlation and causation ids to every log line inside the block."""
    return structlog.contextvars.bound_contextvars(
        case_id=str(case_id), correlation_id=correlation_id, causation_id=causation_id
    )


def _stderr_logger(*_: object) -> structlog.PrintLogger:
    return structlog.PrintLogger(file=sys.stderr)
