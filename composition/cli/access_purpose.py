"""The command line's side of the access log: ``--purpose`` (required where a look is recorded) and who
is looking (the operating-system user on this host, since a command line has no token)."""

from __future__ import annotations

import getpass
import socket
import uuid
from typing import Any

from backbone.access_log import Accessor, Look
from ind.access_purposes import ACCESS_PURPOSES, ACCESS_PURPOSES_VERSION

PURPOSES_HELP = "why you look (required; recorded in the access log): " + "; ".join(
    f"{code}: {meaning}" for code, meaning in ACCESS_PURPOSES.items()
)


def add_purpose_argument(parser: Any) -> None:
    parser.add_argument(
        "--purpose", required=True, choices=list(ACCESS_PURPOSES), metavar="PURPOSE", help=PURPOSES_HELP
    )


def command_line_look(role: str, purpose: str) -> Look:
    """A look by the OS user of this command line, for ``purpose``, in a request of its own. ``role``:
    what the command is for (e.g. privacy-officer); the channel says it was not checked against a
    token, but against access to the stores."""
    user = getpass.getuser()
    accessor = Accessor(
        subject_id=f"os:{user}@{socket.gethostname()}", username=user, role=role, channel="command_line"
    )
    return Look(accessor, purpose, ACCESS_PURPOSES_VERSION, correlation_id=str(uuid.uuid4()))
