"""Structured logs, configured once: JSON in production, readable in a terminal.

Log events have stable snake_case names and carry the case, correlation and causation ids when bound
(``case_context``). Never log personal data: the domain's events hold none, and neither may a log line.

The standard library's loggers (kafka-python, psycopg, uvicorn) are rendered by structlog's formatter, so
every line of a process has the same form: ``timestamp``, ``level``, ``logger``, ``event`` and whatever
is bound to the context (the request's correlation id, say).
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import AbstractContextManager
from typing import Literal

import structlog

# Loggers that bring handlers of their own when their library configures itself; ours replace them.
_SELF_CONFIGURING = ("uvicorn", "uvicorn.error", "uvicorn.access")


def configure_logging(fmt: Literal["auto", "json", "console"] = "auto", level: str = "info") -> None:
    renderer: structlog.types.Processor
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    if use_json:
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        logger_factory=_StderrLogger,  # looks up sys.stderr when used, not when configured
        cache_logger_on_first_use=False,
    )
    # BACKBONE_LIBRARY_LOG_LEVEL=info shows kafka-python's group membership and fetch decisions.
    library_level = os.environ.get("BACKBONE_LIBRARY_LOG_LEVEL", "warning").upper()
    handler = _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(logging.getLevelNamesMapping().get(library_level, logging.WARNING))
    for name in _SELF_CONFIGURING:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # kafka-python's I/O loop warns whenever the main thread held the interpreter for 0.1 s, which a
    # rebuild or a verify, decoding and folding, does all the time; nothing for an operator to act on.
    if library_level == "WARNING":
        logging.getLogger("kafka.net.selector").setLevel(logging.ERROR)


def case_context(
    case_id: object, correlation_id: str, causation_id: str | None = None
) -> AbstractContextManager[None]:
    """Bind the case, correlation and causation ids to every log line inside the block."""
    return structlog.contextvars.bound_contextvars(
        case_id=str(case_id), correlation_id=correlation_id, causation_id=causation_id
    )


class _StderrLogger(structlog.PrintLogger):
    """structlog's print logger with the name it was asked for (``get_logger("backbone.outbox")``),
    which ``add_logger_name`` puts in every line as the standard library's loggers have theirs."""

    def __init__(self, name: str = "", *_: object) -> None:
        super().__init__(file=sys.stderr)
        self.name = name


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the ``sys.stderr`` of the moment, as ``_StderrLogger`` does (tests capture it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)
