"""The words decision uses; each enum is the Avro enum of the same name under ``schemas/decision/``."""

from __future__ import annotations

from enum import StrEnum


class HearingKind(StrEnum):
    REGISTRATION = "registration"  # aanmeldgehoor (asylum)
    DETAILED = "detailed"  # nader gehoor (asylum)
    SHORTENED = "shortened"  # for less complex cases


class Outcome(StrEnum):
    GRANTED = "granted"
    REJECTED = "rejected"
    PARTLY_GRANTED = "partly_granted"


class IssueChannel(StrEnum):
    DESK = "desk"  # loket
    EXPAT_CENTRE = "expat_centre"
    COURIER = "courier"  # IPKD


OBJECTION_PERIOD_DAYS = 28  # bezwaartermijn: 4 weeks (Awb 6:7)
