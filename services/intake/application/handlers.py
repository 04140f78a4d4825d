"""What each of intake's commands does to an application; the table at the bottom is the whole routing.

A handler changes the application in memory (the aggregate checks its rules and records events); the
service validated the command before and saves the application after.
"""

from __future__ import annotations

import structlog

from backbone.command_handlers import handler_table, on
from backbone.events import Cause
from services.intake.application.commands import (
    AcceptApplication,
    ClassifyApplication,
    NotifyDefect,
    PayFee,
    RemedyDefect,
    StopProcessing,
    WithdrawApplication,
)
from services.intake.domain.application import Application

log = structlog.get_logger("intake")


def pay_fee(application: Application, command: PayFee, cause: Cause) -> None:
    application.pay_fee(paid_on=command.paid_on, amount_cents=command.amount_cents, cause=cause)


def notify_defect(application: Application, command: NotifyDefect, cause: Cause) -> None:
    application.notify_defect(
        notified_on=command.notified_on, remedy_by=command.remedy_by, missing=command.missing, cause=cause
    )


def remedy_defect(application: Application, command: RemedyDefect, cause: Cause) -> None:
    application.remedy_defect(remedied_on=command.remedied_on, cause=cause)


def classify_application(application: Application, command: ClassifyApplication, cause: Cause) -> None:
    application.classify(
        track=command.track,
        target_group=command.target_group,
        complexity=command.complexity,
        cause=cause,
    )


def withdraw_application(application: Application, command: WithdrawApplication, cause: Cause) -> None:
    application.withdraw(withdrawn_on=command.withdrawn_on, cause=cause)


def stop_processing(application: Application, command: StopProcessing, cause: Cause) -> None:
    application.stop_processing(decided_on=command.decided_on, cause=cause)


def accept_application(application: Application, command: AcceptApplication, cause: Cause) -> None:
    application.accept(cause=cause)
    log.info("application_accepted", statutory_deadline=str(application.statutory_deadline))


COMMAND_HANDLERS = handler_table(
    on(PayFee, pay_fee),
    on(NotifyDefect, notify_defect),
    on(RemedyDefect, remedy_defect),
    on(ClassifyApplication, classify_application),
    on(WithdrawApplication, withdraw_application),
    on(StopProcessing, stop_processing),
    on(AcceptApplication, accept_application),
)
