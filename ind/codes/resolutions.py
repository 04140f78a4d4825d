"""How the escalation team (knopendoorhakteam) unblocked a case, as codes."""

from __future__ import annotations

from ind.codes.code_list import Code, CodeList, CodeListVersion

ESCALATION_RESOLUTIONS = CodeList(
    "escalation_resolutions",
    [
        CodeListVersion(
            "2026.1",
            "What the escalation team decided for a stuck case.",
            (
                Code("decision_path_agreed", "Beslisroute afgesproken", "Way to a decision agreed"),
                Code("hearing_planned", "Gehoor ingepland", "Hearing planned"),
                Code(
                    "information_obtained",
                    "Ontbrekende informatie verkregen",
                    "Missing information obtained",
                ),
                Code("returned_to_team", "Terug naar behandelteam", "Returned to the handling team"),
            ),
        )
    ],
)
