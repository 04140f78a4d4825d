"""The command line's side of the access log: ``--purpose`` (required where a look is recorded) and who
is looking (the operating-system user on this host, since a command line has no token)."""

from __future__ import annotations

import getpass
import socket
from typing import Any

from backbone.access_log import Accessor
from ind.access_purposes import ACCESS_PURPOSES

PURPOSES_HELP = "why you look (required; recorded in the access log): " + "; ".join(
    f"{code}: {meaning}" for code, meaning in ACCESS_PURPOSES.items()
)


def add_purpose_argument(parser: Any) -> None:
    parser.add_argument(
        "--purpose", required=True, choices=list(ACCESS_PURPOSES), metavar="PURPOSE", help=PURPOSES_HELP
    )


def command_line_accessor(role: str) -> Accessor:
    """The OS user of this command line. ``role``: what the command is for (e.g. privacy-officer);
    the channel says it was not checked against a token, but against access to the stores."""
    user = getpass.getuser()
    return Accessor(
        subject_id=f"os:{user}@{socket.gethostname()}", username=user, role=role, channel="command_line"
    )
