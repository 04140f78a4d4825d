"""Intake's composition root: settings in, wired objects out. Nothing connects before it is called."""

from __future__ import annotations

from typing import Any

from backbone.clock import Clock, SystemClock
from backbone.codec import AvroCodec
from backbone.outbox import OutboxRelay
from backbone.settings import Settings
from backbone.stores import store_env
from infra.topics import topic_of
from services.intake.adapters.personal_data_vault import PersonalDataVault
from services.intake.application.intake import Intake

SERVICE = "intake"


def build_intake(settings: Settings, *, codec: AvroCodec, clock: Clock | None = None) -> Intake:
    intake = Intake(env=store_env(SERVICE, settings), codec=codec, clock=clock or SystemClock())
    datastore = intake.factory.datastore  # type: ignore[attr-defined]
    if settings.mode == "embedded":
        intake.vault = PersonalDataVault(datastore, placeholder="?")
    else:
        intake.vault = PersonalDataVault(datastore, placeholder="%s", schema=SERVICE)
    intake.vault.create_tables()
    return intake


def build_intake_relay(
    intake: Intake, settings: Settings, *, codec: AvroCodec, producer: Any, **options: Any
) -> OutboxRelay:
    return OutboxRelay(
        service=SERVICE,
        recorder=intake.recorder,
        positions=intake.factory.tracking_recorder(),
        codec=codec,
        topic=topic_of(SERVICE, settings.topic_partitions, settings.topic_prefix).name,
        producer=producer,
        batch_size=settings.relay_batch_size,
        **options,
    )
