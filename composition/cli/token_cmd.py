"""``backbone token``: an access token from the development issuer, for the embedded mode (the demo).

The API requires a bearer token on every operation but health. Without an identity provider (embedded
mode, BACKBONE_OIDC_ISSUER unset) the development issuer signs them with the key in the data directory
(BACKBONE_DATA_DIR/identity/). DEVELOPMENT ONLY: whoever can read that directory can sign any role.
With an identity provider, ask it for a token instead (Keycloak: the dashboard's sign-in, or a service
account's client credentials; README, section "Signing in").

  curl -H "Authorization: Bearer $(backbone token --role operations)" http://127.0.0.1:8080/v1/tower/workload
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from backbone.identity.principal import Role
from backbone.settings import Settings
from composition.cli.failures import UsageError
from composition.identity import development_issuer

DEFAULT_LIFETIME = 8 * 3600  # a working day


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "token",
        help="print a development access token (embedded mode) for the HTTP API and the dashboard",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--role",
        action="append",
        choices=[role.value for role in Role],
        required=True,
        help="a role the token holds (repeat for more)",
    )
    parser.add_argument("--user", default="demo.user", help="the user name in the token (demo.user)")
    parser.add_argument(
        "--lifetime", type=int, default=DEFAULT_LIFETIME, help="seconds until it expires (8 hours)"
    )
    parser.add_argument("--json", action="store_true", help="the token with its user, roles and expiry")
    parser.set_defaults(handler=_token)


def _token(arguments: argparse.Namespace) -> int:
    if not 60 <= arguments.lifetime <= 7 * 24 * 3600:
        raise UsageError("--lifetime: between 60 seconds and a week (604800)")
    issuer = development_issuer(Settings.from_env())
    token = issuer.issue(arguments.user, arguments.role, lifetime_seconds=arguments.lifetime)
    if arguments.json:
        described = {"access_token": token, "token_type": "Bearer", "expires_in": arguments.lifetime}
        print(json.dumps(described | {"user": arguments.user, "roles": sorted(set(arguments.role))}))
    else:
        print(token)
    return 0
