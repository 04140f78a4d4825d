"""Where a residence document is handed out, as codes: the IND's desks (loketten) and the expat centres
that issue documents for the IND."""

from __future__ import annotations

from ind.codes.code_list import Code, CodeList, CodeListVersion


def _desk(code: str, city: str) -> Code:
    return Code(f"ind-loket-{code}", f"IND-loket {city}", f"IND desk {city}")


def _expat_centre(code: str, name: str) -> Code:
    return Code(f"expat-centre-{code}", name, name)


ISSUE_LOCATIONS = CodeList(
    "issue_locations",
    [
        CodeListVersion(
            "2026.1",
            "The IND desks and the expat centres that hand out residence documents.",
            (
                _desk("amsterdam", "Amsterdam"),
                _desk("den-bosch", "Den Bosch"),
                _desk("den-haag", "Den Haag"),
                _desk("rijswijk", "Rijswijk"),
                _desk("utrecht", "Utrecht"),
                _desk("zwolle", "Zwolle"),
                _desk("ter-apel", "Ter Apel"),
                _expat_centre("amsterdam", "IN Amsterdam"),
                _expat_centre("den-haag", "The Hague International Centre"),
                _expat_centre("eindhoven", "Holland Expat Center South"),
                _expat_centre("groningen", "International Welcome Center North"),
                _expat_centre("rotterdam", "Rotterdam Expat Centre"),
                _expat_centre("utrecht", "International Welcome Centre Utrecht Region"),
            ),
        )
    ],
)
