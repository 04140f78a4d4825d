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

from ind.procedures import Procedure

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
