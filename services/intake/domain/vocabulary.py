"""The words intake uses; each enum is the Avro enum of the same name under ``schemas/intake/``."""

from __future__ import annotations

from enum import StrEnum

from ind.procedures import Procedure


class Channel(StrEnum):
    ONLINE = "online"
    DESK = "desk"  # loket
    POST = "post"
    APPLICATION_CENTRE = "application_centre"  # aanmeldcentrum


class ResidencePurpose(StrEnum):  # verblijfsdoel
    ASYLUM = "asylum"
    FAMILY = "family"
    HIGHLY_SKILLED_WORK = "highly_skilled_work"
    STUDY = "study"
    RESEARCH = "research"
    OTHER = "other"


class AsylumTrack(StrEnum):  # spoor
    DUBLIN = "dublin"  # spoor 1
    SAFE_COUNTRY = "safe_country"  # spoor 2
    GENERAL = "general"  # spoor 4: AA, AA+ or VA


class Complexity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"
    NOT_PROCESSED = "not_processed"


# The purpose that follows from the procedure, where one does.
PURPOSE_OF_PROCEDURE: dict[Procedure, ResidencePurpose] = {
    Procedure.ASYLUM: ResidencePurpose.ASYLUM,
    Procedure.FAMILY_REUNIFICATION: ResidencePurpose.FAMILY,
    Procedure.HIGHLY_SKILLED_MIGRANT: ResidencePurpose.HIGHLY_SKILLED_WORK,
    Procedure.FAMILY: ResidencePurpose.FAMILY,
    Procedure.STUDY: ResidencePurpose.STUDY,
    Procedure.RESEARCH: ResidencePurpose.RESEARCH,
}
RENEWAL_GRACE_DAYS = 28  # a renewal up to 4 weeks late still counts as on time
SHAREHOLDING_LIMIT_PERCENT = 25  # a kennismigrant may not own more of the employer
