"""The grounds a caseworker gives for closing, escalating, extending or referring a case, as codes.

Sources: Vw 2000 art. 25(2) and 42(4) (extensions), Awb 4:15 and 4:5, the IND's werkinstructies on the
general and the prolonged asylum procedure (AA, VA) and on the knopendoorhakteam.
"""

from __future__ import annotations

from ind.codes.code_list import Code, CodeList, CodeListVersion

CLOSING_GROUNDS = CodeList(
    "closing_grounds",
    [
        CodeListVersion(
            "2026.1",
            "Why a case is closed.",
            (
                Code("decided", "Besluit genomen", "Decision taken"),
                Code("withdrawn", "Aanvraag ingetrokken", "Application withdrawn"),
                Code("not_processed", "Buiten behandeling gesteld", "Not processed (Awb 4:5)"),
                Code("dublin_transfer", "Overdracht aan andere lidstaat", "Transferred under Dublin"),
                Code("duplicate", "Dubbele aanvraag", "Duplicate application"),
            ),
        )
    ],
)

ESCALATION_GROUNDS = CodeList(
    "escalation_grounds",
    [
        CodeListVersion(
            "2026.1",
            "Why a case goes to the escalation team (knopendoorhakteam).",
            (
                Code("statutory_term_exceeded", "Beslistermijn overschreden", "Statutory term exceeded"),
                Code("notice_of_default", "Ingebrekestelling ontvangen", "Notice of default received"),
                Code("complex_case", "Complexe zaak", "Complex case"),
                Code("conflicting_advice", "Tegenstrijdige adviezen", "Conflicting advice"),
                Code("chain_partner_waiting", "Wacht op ketenpartner", "Waiting for a chain partner"),
            ),
        )
    ],
)

PROLONGATION_GROUNDS = CodeList(
    "prolongation_grounds",
    [
        CodeListVersion(
            "2026.1",
            "Why an asylum case goes from the general to the prolonged procedure (VA).",
            (
                Code("further_research", "Nader onderzoek nodig", "Further research needed"),
                Code("medical_advice", "Medisch advies nodig", "Medical advice needed"),
                Code("identity_investigation", "Onderzoek naar identiteit", "Identity investigation"),
                Code("document_investigation", "Documentonderzoek", "Document investigation"),
                Code("language_analysis", "Taalanalyse", "Language analysis"),
            ),
        )
    ],
)

EXTENSION_GROUNDS = CodeList(
    "extension_grounds",
    [
        CodeListVersion(
            "2026.1",
            "Why the statutory period is extended (Vw 2000 art. 25(2), 42(4); Awb 7:10(3)).",
            (
                Code(
                    "sudden_rise_in_applications",
                    "Plotselinge grote toename van aanvragen",
                    "Sudden, large rise in applications",
                ),
                Code("complex_case", "Complexe feitelijke of juridische vragen", "Complex facts or law"),
                Code("advice_needed", "Advies van derden nodig", "Advice from others needed"),
                Code(
                    "applicant_obligations",
                    "Aanvrager kwam verplichtingen niet na",
                    "Applicant did not meet their obligations",
                ),
            ),
        )
    ],
)

DECISION_GROUNDS = CodeList(
    "decision_grounds",
    [
        CodeListVersion(
            "2026.1",
            "Why an intended decision or a decision rejects an application, in whole or in part.",
            (
                Code("requirements_not_met", "Niet voldaan aan de voorwaarden", "Requirements not met"),
                Code("not_credible", "Relaas niet geloofwaardig", "Account not credible"),
                Code("identity_not_established", "Identiteit niet aangetoond", "Identity not established"),
                Code("income_insufficient", "Onvoldoende middelen van bestaan", "Insufficient income"),
                Code("family_tie_not_established", "Gezinsband niet aangetoond", "Family tie not shown"),
                Code("no_mvv", "Geen geldige mvv", "No provisional residence permit (mvv)"),
                Code("public_order", "Gevaar voor de openbare orde", "Danger to public order"),
                Code("safe_country_of_origin", "Veilig land van herkomst", "Safe country of origin"),
                Code("dublin_responsibility", "Andere lidstaat verantwoordelijk", "Dublin: another state"),
                Code("integration_not_shown", "Inburgering niet aangetoond", "Integration not shown"),
                Code("false_information", "Onjuiste gegevens verstrekt", "False information given"),
            ),
        )
    ],
)
