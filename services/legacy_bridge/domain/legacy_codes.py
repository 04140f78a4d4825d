"""The legacy case system's code lists, as the bridge reads them, and what each means in the backbone.

Status codes (``zaken.status``) and what they become:

===== ===================== ====================== =================================================
code  legacy meaning        backbone stage         the statutory clock
===== ===================== ====================== =================================================
ONTV  ontvangen             accepted               starts at ``datum_ontvangst``
INBH  in behandeling        in_decision            runs (after OPSC: resumed)
OPSC  opgeschort            waiting_on_applicant   suspended since the OPSC status date
VERL  verlengd              in_decision            extended by the procedure's extension rule
BESL  besloten              decided                stops at ``datum_besluit``
AFGH  afgehandeld           closed                 stopped
INTR  ingetrokken           withdrawn              stopped
===== ===================== ====================== =================================================

The stages are the control tower's words for the same places in a case's life, so that legacy and
new cases can be counted together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from ind.procedures import Procedure

V = TypeVar("V")

STATUS_STAGES = {
    "ONTV": "accepted",
    "INBH": "in_decision",
    "OPSC": "waiting_on_applicant",
    "VERL": "in_decision",
    "BESL": "decided",
    "AFGH": "closed",
    "INTR": "withdrawn",
}
SUSPENDED = "OPSC"
EXTENDED = "VERL"
DECIDED = ("BESL", "AFGH")  # a closed case was decided first
ENDED = ("AFGH", "INTR")
ZAAKTYPE_PROCEDURES = {
    "ASIEL": Procedure.ASYLUM,
    "NAREIS": Procedure.FAMILY_REUNIFICATION,
    "NATUR": Procedure.NATURALISATION,
    "KMV": Procedure.HIGHLY_SKILLED_MIGRANT,
    "GEZIN": Procedure.FAMILY,
    "STUDIE": Procedure.STUDY,
}
# The tables the bridge reads, and the columns that may hold personal data (never translated).
CASES, STATUS_HISTORY = "zaken", "zaak_statussen"
PERSONAL_COLUMNS = frozenset(
    {"naam", "geboortedatum", "bsn", "nationaliteit", "adres", "opmerkingen", "toelichting", "behandelaar"}
)
# The one personal column the bridge holds for a moment: the translation makes the applicant reference
# of it (backbone/pseudonyms.py) and passes the number itself on nowhere.
KEPT_PERSONAL = frozenset({"bsn"})


def without_personal_data(row: Mapping[str, V]) -> dict[str, V]:
    """``row`` without its personal columns (but the BSN): what every way into the bridge (Debezium's
    records, a nightly extract) keeps of a legacy row, at the first moment it holds it."""
    return {
        column: value
        for column, value in row.items()
        if column not in PERSONAL_COLUMNS or column in KEPT_PERSONAL
    }
