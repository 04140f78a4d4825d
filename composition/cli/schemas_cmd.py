"""``backbone schemas``: the Avro contracts and their fingerprints, for consuming teams."""

from __future__ import annotations

import argparse
import json
from typing import Any

from backbone.events import cloudevents_type
from backbone.schemas import SchemaCatalog


def register(commands: Any) -> None:
    parser = commands.add_parser("schemas", help="the Avro schemas under schemas/")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every schema with its CRC-64-AVRO fingerprint")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)


def _list(arguments: argparse.Namespace) -> int:
    catalog = SchemaCatalog.load()
    rows = []
    for name in catalog.names():
        # the former versions too: a topic still holds messages written in them
        for schema in (catalog.by_name(name), *catalog.superseded(name)):
            rows.append(
                {
                    "name": name,
                    "fingerprint": schema.fingerprint.hex(),
                    "event": schema.is_event,
                    "cloudevents_type": cloudevents_type(name) if schema.is_event else None,
                    "file": str(schema.path),
                    "superseded": schema is not catalog.by_name(name),
                }
            )
    if arguments.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            kind = f"event  {row['cloudevents_type']}" if row["event"] else "type"
            former = ", superseded" if row["superseded"] else ""
            print(f"{row['fingerprint']}  {row['name']}  ({kind}{former})")
    return 0
