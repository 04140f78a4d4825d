"""The base of every case-owning service: an eventsourcing Application whose events are stored as Avro.

Events are stored under their schema's full name with the Avro body as state, so the store holds the
same contract the consumers read; the clock is injected, so simulations and replays are deterministic.

Commands may carry a client idempotency key. The key and a fingerprint of the request are recorded as a
tracking row *in the same transaction* as the command's events: repeating the request records nothing
and returns the first result; reusing the key for another request is refused.

Commands run one transaction each, or many in one (``batch``): inside ``with service.batch():`` every
command is checked and carried out as usual, on the batch's own copy of each case it touches (so a
second command sees the first's changes), and the events of all of them, with every idempotency key,
are recorded in one transaction when the block ends. An exception that leaves the block records
nothing; a command refused inside it (and caught there) records nothing of its own, and the batch goes
on, unless the refused command had already changed a case: then the whole batch is refused at its end.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import (
    IntegrityError,
    Mapper,
    ProcessRecorder,
    RecordConflictError,
    Recording,
    Tracking,
)
from eventsourcing.utils import EnvType
from pydantic import BaseModel

from backbone.clock import Clock
from backbone.codec import AvroCodec
from backbone.continuity import Continuity
from backbone.errors import BackboneError, DomainRuleViolation, FieldProblem, InvalidCommand, NotFound
from backbone.event_mapper import AvroEventMapper
from backbone.recorders import NOTES, REQUEST_KEYS, SealedNote

IDEMPOTENT_IDS = UUID("0b6c5f86-7d1e-5a39-8c77-2d6f0f3f9e41")


def request_fingerprint(command: BaseModel, target: str) -> int:
    """A positive 63-bit number that differs, in practice, for every different request."""
    digest = hashlib.sha256(
        f"{target}|{type(command).__name__}|{command.model_dump_json()}".encode()
    ).digest()
    return (int.from_bytes(digest[:8], "big") >> 1) or 1


def id_for_key(key: str) -> UUID:
    """The id of an aggregate created by a request with this idempotency key."""
    return uuid5(IDEMPOTENT_IDS, key)


class AlreadyRecorded(DomainRuleViolation):
    """What a keyed command would create exists already, though its key is not on record."""


class BatchRefusedError(BackboneError):
    """A batch was not recorded: a command in it failed after it had changed a case."""


@dataclass
class Batch:
    """What a batch has done so far: the cases it touched (each loaded once, changed in memory), the
    events of its completed commands in the order they happened, and its commands' keys."""

    aggregates: dict[UUID, Any] = field(default_factory=dict)
    events: list[Any] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)  # key row name -> request fingerprint
    notes: list[SealedNote] = field(default_factory=list)  # recorded with the events
    commands: int = 0
    check_keys: bool = True  # False: the caller vouches that its keys are new (see CaseService.batch)
    broken: UUID | None = None  # a case a failed command left changed, seen when it was loaded again

    def add(
        self,
        key: str | None,
        fingerprint: int,
        aggregates: tuple[Any, ...],
        notes: Sequence[SealedNote] = (),
    ) -> None:
        """A command completed: its events (and notes) are the batch's, in order."""
        for aggregate in aggregates:
            self.aggregates.setdefault(aggregate.id, aggregate)
            self.events.extend(aggregate.collect_events())
        self.notes.extend(notes)
        if key is not None:
            self.keys[_name(key)] = fingerprint
        self.commands += 1

    def touched(self, aggregate_id: UUID) -> Any:
        """The batch's copy of a case; events still pending on it are a failed command's."""
        aggregate = self.aggregates[aggregate_id]
        if self.broken is None and aggregate.pending_events:
            self.broken = aggregate_id
        return aggregate

    def unsettled(self) -> list[UUID]:
        """Cases changed by a command that did not complete (it failed after changing them)."""
        if self.broken is not None:
            return [self.broken]
        return [case_id for case_id, aggregate in self.aggregates.items() if aggregate.pending_events]


class CaseService(Application[UUID]):
    aggregate_kind = "case"  # what an unknown id is said not to be: "no case <id>"
    # Where the store is checked against its topic before every recording (distributed mode only).
    continuity: Continuity | None = None

    def __init__(self, *, env: EnvType, codec: AvroCodec, clock: Clock) -> None:
        self.codec = codec
        self.clock = clock
        self._batch: ContextVar[Batch | None] = ContextVar(f"{type(self).__name__}-batch", default=None)
        self._kept: OrderedDict[UUID, Any] | None = None
        self._keep = 0
        super().__init__(env=env)

    def keep_cases(self, how_many: int) -> None:
        """Keep up to ``how_many`` cases in memory from one batch to the next, for a single writer (such
        as the simulator) that works the same cases week after week.

        A kept case is used as it is, without reading the store. If another writer changed it in the
        meantime, the batch that uses it fails at its end with a version conflict (the store refuses
        events whose versions exist), records nothing, and forgets its cases, so that a new attempt
        reads them fresh: stale state costs a retry, never a wrong record. ``keep_cases(0)`` forgets
        them and keeps none from then on.
        """
        self._kept, self._keep = (OrderedDict(), how_many) if how_many > 0 else (None, 0)

    @contextmanager
    def batch(self, *, check_keys: bool = True) -> Iterator[Batch]:
        """Record every command carried out in the block in one transaction, when the block ends.

        ``check_keys=False``: the caller vouches that its idempotency keys were never used (e.g. keys
        numbered by the only writer, past the last one it wrote). The store is then not asked about each
        key; the keys are still recorded, and a key already on record for the same request makes the
        whole batch fail at its end, so a wrong vouch duplicates nothing.
        """
        if self._batch.get() is not None:
            raise RuntimeError("a batch is already open here: batches do not nest")
        batch = Batch(check_keys=check_keys)
        token = self._batch.set(batch)
        try:
            yield batch
        finally:
            self._batch.reset(token)
        self._record_batch(batch)
        self.keep(batch.aggregates.values())

    def _record_batch(self, batch: Batch) -> None:
        if unsettled := batch.unsettled():
            raise BatchRefusedError(
                f"batch of {batch.commands} commands not recorded: a command failed after it had "
                f"changed case {unsettled[0]}"
            )
        if not batch.events and not batch.keys:
            return
        processing = ProcessingEvent[UUID]()
        processing.events.extend(batch.events)  # in command order, as one command at a time would be
        processing.saved_kwargs[REQUEST_KEYS] = [Tracking(k, fp) for k, fp in batch.keys.items()]
        processing.saved_kwargs[NOTES] = batch.notes
        self._notify(self._record(processing))

    def keep(self, recorded: Iterable[Any]) -> None:
        """Cases just recorded (by a batch, or a consumer that opened them) are kept, if ``keep_cases``
        was asked for; the least recently used go first."""
        if self._kept is None:
            return
        for aggregate in recorded:
            self._kept[aggregate.id] = aggregate
        while len(self._kept) > self._keep:
            self._kept.popitem(last=False)

    def load(self, aggregate_id: UUID) -> Any:
        """An aggregate as its stored events make it, or as the open batch has changed it (or as the
        last batch left it, if cases are kept)."""
        batch = self._batch.get()
        if batch is not None and aggregate_id in batch.aggregates:
            return batch.touched(aggregate_id)
        # Taken out while in use: a batch that fails does not put it back, so nothing half-changed stays.
        aggregate = self._kept.pop(aggregate_id, None) if self._kept is not None else None
        if aggregate is None or batch is None:
            aggregate = self._stored(aggregate_id)
        if batch is not None:
            batch.aggregates[aggregate_id] = aggregate
        return aggregate

    def _stored(self, aggregate_id: UUID) -> Any:
        try:
            return self.repository.get(aggregate_id, projector_func=_project)
        except AggregateNotFoundError as error:
            raise NotFound(self.aggregate_kind, aggregate_id) from error

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Every recording (a command, a batch, a consumer's batch) goes through here: none into a
        store that is behind its topic."""
        if self.continuity is not None:
            self.continuity.check_lately()
        return super()._record(processing_event)

    def construct_mapper(self) -> Mapper[UUID]:
        return AvroEventMapper(self.codec)

    def construct_recorder(self) -> ProcessRecorder:
        return self.factory.process_recorder()

    @property
    def process_recorder(self) -> ProcessRecorder:
        assert isinstance(self.recorder, ProcessRecorder)
        return self.recorder

    def already_done(self, key: str | None, fingerprint: int) -> bool:
        """Whether a request with this key was carried out; refuses a key reused for another request."""
        if key is None:
            return False
        batch = self._batch.get()
        recorded = batch.keys.get(_name(key)) if batch is not None else None
        if recorded is None and (batch is None or batch.check_keys):
            recorded = self.process_recorder.max_tracking_id(_name(key))
        if recorded is None:
            return False
        if recorded != fingerprint:
            raise InvalidCommand(
                "Idempotency-Key",
                [
                    FieldProblem(
                        "idempotency_key",
                        "reused_for_another_request",
                        "this key was used for another request",
                    )
                ],
            )
        return True

    def key_recorded(self, key: str) -> bool:
        """Whether a command with this idempotency key is on record here."""
        return self.process_recorder.max_tracking_id(_name(key)) is not None

    def save_command(
        self, key: str | None, fingerprint: int, *aggregates: Any, notes: Sequence[SealedNote] = ()
    ) -> None:
        """Save the aggregates' new events, with the idempotency key and the command's sealed notes in
        the same transaction (or, in a batch, leave them to the batch's transaction)."""
        batch = self._batch.get()
        if batch is not None:
            batch.add(key, fingerprint, aggregates, notes)
            return
        if key is None:
            self.save(*aggregates, **{NOTES: notes})
            return
        processing = ProcessingEvent[UUID](Tracking(_name(key), fingerprint))
        processing.collect_events(*aggregates, **{NOTES: notes})
        try:
            recordings = self._record(processing)
        except IntegrityError as error:
            if self.already_done(key, fingerprint):
                return  # the same request, carried out at the same moment by another worker
            if isinstance(error, RecordConflictError) and any(a.version == 1 for a in aggregates):
                # The key made the id of what it creates, and that exists without the key on record:
                # recorded before a restore lost its key row (backbone.recovery). Not done again.
                raise AlreadyRecorded(
                    f"{self.aggregate_kind} {aggregates[0].id} of idempotency key {key!r} was recorded "
                    f"already, but the key is not on record (restored from a backup?): nothing recorded"
                ) from error
            raise
        self._notify(recordings)


def _project(aggregate: Any, events: Any) -> Any:
    """The library's projector without its per-event runtime Protocol check (a fifth of a load)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def _name(key: str) -> str:
    return f"idempotency:{key}"
