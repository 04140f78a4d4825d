"""The late-decision penalty (dwangsom, Awb 4:17) as money owed on a day. Pure; no I/O.

After the statutory deadline the applicant may send a notice of default (ingebrekestelling). Two weeks
later a penalty accrues per late day: EUR 23 a day for days 1-14, EUR 35 for days 15-28, EUR 45 for
days 29-42; at most EUR 1,442. It stops when the decision is taken. Not for asylum since July 2020
(the catalogue's ``late_decision_penalty``).
"""

from __future__ import annotations

from datetime import date, timedelta

GRACE_DAYS = 14
DAILY_RATES = ((14, 23), (14, 35), (14, 45))  # (days, euros a day)
CAP_EUROS = 1442


def accrues_from(notice_received_on: date) -> date:
    """The first day a penalty is due: the day after two weeks have passed since the notice was
    received (Awb 4:17(1): "met ingang van de dag nadat twee weken zijn verstreken")."""
    return notice_received_on + timedelta(days=GRACE_DAYS + 1)


def penalty_owed(notice_received_on: date, on: date, decided_on: date | None = None) -> int:
    """Euros accrued by ``on`` (or by the decision, if that came first)."""
    first_day = accrues_from(notice_received_on)
    until = min(on, decided_on) if decided_on is not None else on
    late_days = (until - first_day).days + 1
    owed = 0
    for days, rate in DAILY_RATES:
        if late_days <= 0:
            break
        owed += min(days, late_days) * rate
        late_days -= days
    return min(owed, CAP_EUROS)
