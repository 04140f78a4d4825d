"""Why someone may look at an applicant's personal data or a case's recorded history: the purposes an
access must state (AVG/GDPR art. 5(1)(b), purpose limitation), as a versioned catalogue of codes. An
access names one of them; the access log records the code and this catalogue's version, so a record
keeps its meaning after the catalogue changes."""

from __future__ import annotations

from types import MappingProxyType

ACCESS_PURPOSES_VERSION = "2026.1"

# code -> what it means
ACCESS_PURPOSES = MappingProxyType(
    {
        "identity-check": "Establish or check the applicant's identity for the application",
        "decision-preparation": "Prepare or take the decision on the application",
        "objection-or-appeal": "Handle an objection (bezwaar) or an appeal (beroep) in court",
        "subject-access-request": "Answer the applicant's own request to see their data (AVG art. 15)",
        "rectification": "Correct the applicant's data (AVG art. 16)",
        "chain-partner-request": "Answer a chain partner's lawful request (e.g. police, municipality)",
        "internal-audit": "Internal audit or quality control of how the case was handled",
        "inspectorate-or-court": "A request of the Inspectorate of Justice and Security or a court",
        "incident-investigation": "Investigate a security or privacy incident",
    }
)


def is_purpose(code: str) -> bool:
    return code in ACCESS_PURPOSES
