"""What an information request (Awb 4:15) asks the applicant for, as codes."""

from __future__ import annotations

from ind.codes.code_list import Code, CodeList, CodeListVersion

INFORMATION_SUBJECTS = CodeList(
    "information_subjects",
    [
        CodeListVersion(
            "2026.1",
            "The kinds of information the IND asks an applicant for.",
            (
                Code("identity_documents", "Identiteitsdocumenten", "Identity documents"),
                Code("civil_status_documents", "Akten burgerlijke stand", "Civil status documents"),
                Code("income_proof", "Bewijs van inkomen", "Proof of income"),
                Code("employment_contract", "Arbeidsovereenkomst", "Employment contract"),
                Code("housing_proof", "Bewijs van huisvesting", "Proof of housing"),
                Code("health_insurance", "Zorgverzekering", "Health insurance"),
                Code("tuberculosis_test", "Tbc-onderzoek", "Tuberculosis test"),
                Code("antecedents_certificate", "Antecedentenverklaring", "Antecedents certificate"),
                Code("supporting_documents", "Overige bewijsstukken", "Other supporting documents"),
            ),
        )
    ],
)
