"""From legacy rows to the backbone's view of a case: its procedure, stage and the statutory clock's
inputs. Pure functions; a row that breaks a rule becomes a ``NotTranslated``, never an exception."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime

from backbone.pseudonyms import NotABsn
from ind.procedures import Procedure
from ind.statutory.catalogue import IND_CATALOGUE, ProcedureCatalogue
from services.legacy_bridge.domain.changes import LegacyChange, NotTranslated, Rule, StatusEntry
from services.legacy_bridge.domain.legacy_codes import (
    DECIDED,
    ENDED,
    EXTENDED,
    STATUS_STAGES,
    SUSPENDED,
    ZAAKTYPE_PROCEDURES,
)

Pseudonymise = Callable[[str], str]  # a BSN -> its applicant reference; raises NotABsn


@dataclass(frozen=True)
class CaseRow:
    """The columns of a ``zaken`` row the backbone may know, translated; nothing personal in it."""

    zaaknummer: str
    procedure: Procedure
    status: str
    received_on: date
    decided_on: date | None
    team_code: str | None
    applicant_ref: str | None
    changed_on: date  # the day of ``gewijzigd_op``


@dataclass(frozen=True)
class TranslatedCase:
    """A legacy case as the backbone sees it after a change."""

    zaaknummer: str
    procedure: Procedure
    stage: str
    legacy_status: str
    received_on: date
    policy_version: str
    suspended_since: date | None
    suspended_days: int
    extended: bool
    decided_on: date | None
    ended_on: date | None
    team_code: str | None
    applicant_ref: str | None
    status_history: tuple[StatusEntry, ...]

    def changes_from(self, earlier: TranslatedCase | None) -> list[str]:
        """The names of the fields that differ from ``earlier`` (``first_seen`` if there was none)."""
        if earlier is None:
            return ["first_seen"]
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(earlier, f.name)]


def case_row(
    change: LegacyChange, pseudonymise: Pseudonymise, catalogue: ProcedureCatalogue = IND_CATALOGUE
) -> CaseRow | NotTranslated:
    row, zaaknummer = change.row, change.zaaknummer

    def refused(column: str, rule: Rule, code: str | None = None) -> NotTranslated:
        return NotTranslated(zaaknummer, change.table, column, rule, code)

    for column in ("zaaktype", "status", "datum_ontvangst", "gewijzigd_op"):
        if row.get(column) is None:
            return refused(column, Rule.MISSING_VALUE)
    zaaktype, status = str(row["zaaktype"]), str(row["status"])
    received_on, decided_on = row["datum_ontvangst"], row.get("datum_besluit")
    if zaaktype not in ZAAKTYPE_PROCEDURES:
        return refused("zaaktype", Rule.UNKNOWN_ZAAKTYPE, zaaktype)
    if status not in STATUS_STAGES:
        return refused("status", Rule.UNKNOWN_STATUS, status)
    if received_on > change.committed_at.date():
        return refused("datum_ontvangst", Rule.RECEIVED_IN_FUTURE)
    if received_on < catalogue.first_day:
        return refused("datum_ontvangst", Rule.RECEIVED_BEFORE_CATALOGUE)
    if decided_on is not None and decided_on < received_on:
        return refused("datum_besluit", Rule.DECIDED_BEFORE_RECEIVED)
    if status in DECIDED and decided_on is None:
        return refused("datum_besluit", Rule.MISSING_VALUE, status)
    procedure = ZAAKTYPE_PROCEDURES[zaaktype]
    if status == EXTENDED and catalogue.rules(procedure, received_on).extension is None:
        return refused("status", Rule.NO_EXTENSION_RULE, status)
    try:
        applicant_ref = pseudonymise(str(row["bsn"])) if row.get("bsn") else None
    except NotABsn:
        return refused("bsn", Rule.NOT_A_BSN)
    changed_at: datetime = row["gewijzigd_op"]
    return CaseRow(
        zaaknummer=zaaknummer,
        procedure=procedure,
        status=status,
        received_on=received_on,
        decided_on=decided_on,
        team_code=str(row["team"]) if row.get("team") is not None else None,
        applicant_ref=applicant_ref,
        changed_on=changed_at.date(),
    )


def status_entry(change: LegacyChange) -> StatusEntry | NotTranslated:
    row = change.row
    for column in ("id", "status", "datum_status"):
        if row.get(column) is None:
            return NotTranslated(change.zaaknummer, change.table, column, Rule.MISSING_VALUE)
    status = str(row["status"])
    if status not in STATUS_STAGES:
        return NotTranslated(change.zaaknummer, change.table, "status", Rule.UNKNOWN_STATUS, status)
    return StatusEntry(on=row["datum_status"], entry_id=int(row["id"]), status=status)


def translated(
    row: CaseRow, history: Iterable[StatusEntry], catalogue: ProcedureCatalogue = IND_CATALOGUE
) -> TranslatedCase:
    """The case's stage and clock inputs from its row (authoritative for the current status) and its
    status history (for when suspensions began and ended, and whether it was ever extended)."""
    entries = tuple(sorted(history))
    return TranslatedCase(
        zaaknummer=row.zaaknummer,
        procedure=row.procedure,
        stage=STATUS_STAGES[row.status],
        legacy_status=row.status,
        received_on=row.received_on,
        policy_version=catalogue.in_force(row.received_on).id,
        suspended_since=_suspended_since(row, entries),
        suspended_days=_suspended_days(row, entries),
        extended=row.status == EXTENDED or any(e.status == EXTENDED for e in entries),
        decided_on=row.decided_on,
        ended_on=_last_day_of(row, entries) if row.status in ENDED else None,
        team_code=row.team_code,
        applicant_ref=row.applicant_ref,
        status_history=entries,
    )


def _last_day_of(row: CaseRow, entries: tuple[StatusEntry, ...]) -> date:
    """When the row's status began: its history entry if the history has caught up, else the day the
    row was changed (the history is another table and may arrive later)."""
    if entries and entries[-1].status == row.status:
        return entries[-1].on
    return row.changed_on


def _suspended_since(row: CaseRow, entries: tuple[StatusEntry, ...]) -> date | None:
    return _last_day_of(row, entries) if row.status == SUSPENDED else None


def _suspended_days(row: CaseRow, entries: tuple[StatusEntry, ...]) -> int:
    """Days of the suspensions that have ended: from each OPSC entry to the next other status (or to
    the row's change, if the row has left OPSC before its history row arrived)."""
    days, since = 0, None
    for entry in entries:
        if entry.status == SUSPENDED:
            since = since or entry.on
        elif since is not None:
            days += max(0, (entry.on - since).days)
            since = None
    if since is not None and row.status != SUSPENDED:
        days += max(0, (row.changed_on - since).days)
    return days
