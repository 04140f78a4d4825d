"""The legacy system's code lists, stored as text in ``zaken.status`` and ``zaken.zaaktype``.

Status codes (``zaken.status``, ``zaak_statussen.status``):

===== ========================= ================================================================
code  meaning                   notes
===== ========================= ================================================================
ONTV  ontvangen                 received; the statutory term starts at ``datum_ontvangst``
INBH  in behandeling            taken up by a caseworker (``behandelaar``)
OPSC  opgeschort                suspended (e.g. waiting for documents); the term stands still
VERL  verlengd                  the decision term has been extended
BESL  besloten                  decided; ``datum_besluit`` is set
AFGH  afgehandeld               closed by the nightly batch once the objection period has passed
INTR  ingetrokken               withdrawn by the applicant
===== ========================= ================================================================

Case types (``zaken.zaaktype``): ``ASIEL`` asylum, ``NAREIS`` family reunification of a refugee,
``NATUR`` naturalisation, ``KMV`` highly skilled migrant, ``GEZIN`` family, ``STUDIE`` study.
"""

from __future__ import annotations

STATUSES = {
    "ONTV": "ontvangen",
    "INBH": "in behandeling",
    "OPSC": "opgeschort",
    "VERL": "verlengd",
    "BESL": "besloten",
    "AFGH": "afgehandeld",
    "INTR": "ingetrokken",
}
# Which status a caseworker may set next; AFGH only comes from the nightly batch.
NEXT_STATUSES = {
    "ONTV": ("INBH", "INTR"),
    "INBH": ("OPSC", "VERL", "BESL", "INTR"),
    "OPSC": ("INBH",),
    "VERL": ("OPSC", "BESL"),
    "BESL": (),
    "AFGH": (),
    "INTR": (),
}
ZAAKTYPES = {
    "ASIEL": "asiel",
    "NAREIS": "nareis",
    "NATUR": "naturalisatie",
    "KMV": "kennismigrant",
    "GEZIN": "verblijf bij gezin",
    "STUDIE": "studie",
}
TEAMS = ("Zwolle-A", "Zwolle-B", "Den Bosch", "Rijswijk", "Ter Apel")
# The objection period after a decision; the nightly batch closes decided cases after it.
BEZWAARTERMIJN_DAGEN = 42
