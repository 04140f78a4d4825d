"""Codes intake uses on an application: what a defect notice says is missing (herstel verzuim, Awb 4:5)
and the target groups (doelgroepen) the IND plans some applications under."""

from __future__ import annotations

from ind.codes.code_list import Code, CodeList, CodeListVersion

MISSING_ITEMS = CodeList(
    "missing_items",
    [
        CodeListVersion(
            "2026.1",
            "What an incomplete application lacks.",
            (
                Code("passport_copy", "Kopie paspoort", "Copy of the passport"),
                Code("passport_photo", "Pasfoto", "Passport photo"),
                Code("signature", "Handtekening", "Signature"),
                Code("fee_payment", "Betaling leges", "Payment of the fee"),
                Code("income_proof", "Bewijs van inkomen", "Proof of income"),
                Code("employer_statement", "Werkgeversverklaring", "Employer's statement"),
                Code("civil_status_documents", "Akten burgerlijke stand", "Civil status documents"),
                Code("legalisation", "Legalisatie van documenten", "Legalisation of documents"),
                Code("sponsor_declaration", "Verklaring referent", "Sponsor's declaration"),
                Code("tuberculosis_declaration", "Tbc-verklaring", "Tuberculosis declaration"),
                Code("antecedents_certificate", "Antecedentenverklaring", "Antecedents certificate"),
            ),
        )
    ],
)

TARGET_GROUPS = CodeList(
    "target_groups",
    [
        CodeListVersion(
            "2026.1",
            "The target groups (doelgroepen) the IND plans applications under.",
            (
                Code("project-syria", "Project Syrië", "Project Syria"),
                Code("project-eritrea", "Project Eritrea", "Project Eritrea"),
                Code("project-yemen", "Project Jemen", "Project Yemen"),
                Code("project-afghanistan", "Project Afghanistan", "Project Afghanistan"),
                Code("project-turkey", "Project Turkije", "Project Turkey"),
                Code(
                    "unaccompanied-minors",
                    "Alleenstaande minderjarige vreemdelingen",
                    "Unaccompanied minors",
                ),
            ),
        )
    ],
)
