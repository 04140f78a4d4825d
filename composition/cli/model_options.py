"""Command-line options made from a command model's fields, so the CLI and the model never drift."""

from __future__ import annotations

import argparse
import enum
import json
import typing
from typing import Any

from pydantic import BaseModel


def add_model_options(parser: argparse.ArgumentParser, model: type[BaseModel]) -> None:
    for name, field in model.model_fields.items():
        option = f"--{name.replace('_', '-')}"
        help_text = (field.description or "") + _choices(field.annotation)
        help_text += " (required)" if field.is_required() else ""
        if field.annotation is bool:
            parser.add_argument(option, dest=name, action=argparse.BooleanOptionalAction, help=help_text)
        elif _nested_model(field.annotation):
            parser.add_argument(option, dest=name, type=json.loads, help=help_text + " (a JSON object)")
        else:
            is_list = typing.get_origin(field.annotation) is list
            parser.add_argument(option, dest=name, nargs="+" if is_list else None, help=help_text)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--idempotency-key",
        help="repeat this command safely: the same key returns the first result and records nothing new",
    )


def model_values(arguments: argparse.Namespace, model: type[BaseModel]) -> dict[str, Any]:
    return {
        name: getattr(arguments, name)
        for name in model.model_fields
        if getattr(arguments, name) is not None
    }


def _choices(annotation: Any) -> str:
    members = typing.get_args(annotation) or (annotation,)
    enums = [m for m in members if isinstance(m, type) and issubclass(m, enum.Enum)]
    return f" one of: {', '.join(str(v.value) for v in enums[0])}" if enums else ""


def _nested_model(annotation: Any) -> bool:
    members = typing.get_args(annotation) or (annotation,)
    return any(isinstance(m, type) and issubclass(m, BaseModel) for m in members)
