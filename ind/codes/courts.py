"""The courts an appeal (beroep) against an IND decision is lodged with, as codes: the eleven district
courts (rechtbanken, Wet op de rechterlijke indeling, since 2013) and, for a further appeal, the
Administrative Jurisdiction Division of the Council of State."""

from __future__ import annotations

from ind.codes.code_list import Code, CodeList, CodeListVersion


def _rechtbank(code: str, name: str) -> Code:
    return Code(f"rb-{code}", f"Rechtbank {name}", f"District Court of {name}")


COURTS = CodeList(
    "courts",
    [
        CodeListVersion(
            "2026.1",
            "The eleven rechtbanken and the Afdeling bestuursrechtspraak van de Raad van State.",
            (
                _rechtbank("amsterdam", "Amsterdam"),
                _rechtbank("den-haag", "Den Haag"),
                _rechtbank("gelderland", "Gelderland"),
                _rechtbank("limburg", "Limburg"),
                _rechtbank("midden-nederland", "Midden-Nederland"),
                _rechtbank("noord-holland", "Noord-Holland"),
                _rechtbank("noord-nederland", "Noord-Nederland"),
                _rechtbank("oost-brabant", "Oost-Brabant"),
                _rechtbank("overijssel", "Overijssel"),
                _rechtbank("rotterdam", "Rotterdam"),
                _rechtbank("zeeland-west-brabant", "Zeeland-West-Brabant"),
                Code(
                    "rvs-abrs",
                    "Afdeling bestuursrechtspraak van de Raad van State",
                    "Administrative Jurisdiction Division of the Council of State",
                ),
            ),
        )
    ],
)
