"""The tower's tables, named once for the store's database; ``tower_writes.py`` writes them and
``tower_queries.py`` reads them. Each store (``tower_store.py``) says how its database names a table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import Tracking

from backbone.sql_dialect import SqlDialect
from services.control_tower.adapters.case_facts_table import CaseFactsTable
from services.control_tower.adapters.tower_sql import (
    ADD_STAGE_TIME,
    ADD_TIMELINE,
    COUNT_EVENT,
    CREATE_CASES,
    CREATE_COUNTS,
    CREATE_FRESHNESS,
    CREATE_STAGE_TIME,
    CREATE_TIMELINE,
    UPSERT_CASE,
    UPSERT_FRESHNESS,
    VERSION_TABLE,
    VIEW_TABLES,
)


class TowerTables:
    """The names of the tables and the statements prepared for them, for the store's database."""

    datastore: Any
    dialect: SqlDialect  # each store's class says which
    _insert_tracking: Callable[[Any, Tracking], None]  # the library's tracking recorder provides it

    def name_tables(
        self, qualify: Callable[[str], str], placeholder: str, positions_table: str
    ) -> list[str]:
        """Name every table as the store's database wants it (``qualify``: e.g. schema-qualified) and
        prepare the statements; returns the statements that create the tables."""
        self.placeholder, self.positions_table = placeholder, positions_table
        self.version_tables = [qualify(VERSION_TABLE), *(qualify(name) for name in VIEW_TABLES)]
        cases, counts, facts, freshness, stage_time, timeline = self.version_tables[1:]
        self.cases_table, self.counts_table = cases, counts
        self.facts = CaseFactsTable(facts, cases, placeholder)
        self.facts_table = facts
        self.freshness_table, self.stage_time_table, self.timeline_table = freshness, stage_time, timeline
        self._upsert = UPSERT_CASE.format(cases=cases, p=placeholder)
        self._count = COUNT_EVENT.format(counts=counts, p=placeholder)
        self._freshness_sql = UPSERT_FRESHNESS.format(table=freshness, p=placeholder)
        self.stage_time_sql = ADD_STAGE_TIME.format(table=stage_time, p=placeholder)
        self._timeline_sql = ADD_TIMELINE.format(table=timeline, p=placeholder)
        return [
            CREATE_CASES.format(table=cases),
            CREATE_COUNTS.format(table=counts),
            self.facts.create_statement(),
            CREATE_FRESHNESS.format(table=freshness),
            CREATE_STAGE_TIME.format(table=stage_time),
            CREATE_TIMELINE.format(table=timeline),
        ]
