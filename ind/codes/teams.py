"""The IND's teams a case can be assigned or escalated to, as codes: a few handling teams per procedure
(as the simulator and the control tower's views group the work) and the escalation team."""

from __future__ import annotations

from ind.codes.code_list import Code, CodeList, CodeListVersion
from ind.procedures import Procedure

HANDLING_TEAMS_PER_PROCEDURE = 3

TEAMS = CodeList(
    "teams",
    [
        CodeListVersion(
            "2026.1",
            "The handling teams of each procedure, and the knopendoorhakteam.",
            (
                *(
                    Code(
                        f"{procedure.value}-{n}",
                        f"Behandelteam {procedure.value} {n}",
                        f"{procedure.value} team {n}",
                    )
                    for procedure in Procedure
                    for n in range(1, HANDLING_TEAMS_PER_PROCEDURE + 1)
                ),
                Code("knopendoorhakteam", "Knopendoorhakteam", "Escalation team"),
            ),
        )
    ],
)
