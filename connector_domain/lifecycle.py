"""The lifecycle of a ConnectorStaged, as data.

Rules of this module:

- Every status fact lives here, as data: which inputs each status accepts and
  where each leads; which inputs the previewability accepts and where each
  leads. The reducer looks its answer up; it has no branch of its own on a
  status or on ``isPreviewable``. The one coupling of the two machines that
  no table fits (``setRepository``) is the commented function at the end.
- No payloads and no entity fields, except in ``input_key``, which qualifies
  an input's key when data decides its target (as h11 writes
  ``(Response, _SWITCH_CONNECT)``).
- A missing key is a refusal: ``InvalidOperation``. A target is a status (or
  an ``IsPreviewable``), or the error class that state answers with.

Two machines, two tables: ``STATUS_TRANSITIONS`` (the ``status`` field) and
``PREVIEW_TRANSITIONS`` (the ``isPreviewable`` field). Source: ``lifecycle.md``
("Which inputs each status accepts" and "Effects").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Final, Generic, NamedTuple, TypeAlias, TypeVar

from ._machine import step
from .actions import (
    CONTENT_ACTIONS,
    AddCertificationComment,
    Publish,
    Unlist,
    UpdatePreviewable,
    input_name,
)
from .errors import (
    ConnectorStagedInCertification,
    ConnectorStagedPreviewRequestUnderProcess,
    DomainError,
    InvalidOperation,
)
from .events import (
    CertificationFailed,
    CertificationPassed,
    CertificationStarted,
    Input,
    PreviewCancelled,
    PreviewGranted,
    PreviewRejected,
    PublishingFailed,
    PublishingSucceeded,
    ServiceEvent,
)
from .model import ConnectorStaged, ConnectorStatus, IsPreviewable

__all__ = [
    "ANY_STATUS",
    "AWAITED",
    "CERTIFICATION_ASKED",
    "EDIT",
    "PREVIEW_INPUTS",
    "PREVIEW_TRANSITIONS",
    "REPOSITORY_CHANGE_PREVIEWABLE",
    "repository_change_previewable",
    "STATUS_TRANSITIONS",
    "Awaited",
    "InputKey",
    "Move",
    "Target",
    "accepts",
    "awaited",
    "input_key",
    "keys_of",
    "target",
]

DRAFT: Final = ConnectorStatus.DRAFT
PROCESSING: Final = ConnectorStatus.PROCESSING
READY_FOR_CERTIFICATION: Final = ConnectorStatus.READY_FOR_CERTIFICATION
IN_CERTIFICATION: Final = ConnectorStatus.IN_CERTIFICATION
PUBLISHED: Final = ConnectorStatus.PUBLISHED
FAILED: Final = ConnectorStatus.FAILED

#: Stands for every content action (all ``set*``, ``addPrivateProject``,
#: ``removePrivateProject``). Its target is where an edit that changes
#: something leads; an edit that changes nothing changes nothing.
EDIT: Final = "edit"
#: Qualifies ``Publish`` (``certification`` true) and ``PublishingSucceeded``
#: (after such a publish).
CERTIFICATION_ASKED: Final = "certification asked"

InputKey: TypeAlias = type | str | tuple[type, str]
Target: TypeAlias = ConnectorStatus | type[DomainError]

#: The preview events, judged by PREVIEW_TRANSITIONS alone: "only while
#: isPreviewable is pending, in any status". Each status row accepts them and
#: keeps its status.
ANY_STATUS: Final = (PreviewGranted, PreviewRejected, PreviewCancelled)

_STATUS_ROWS: Final[Mapping[ConnectorStatus, Mapping[InputKey, Target]]] = {
    DRAFT: {
        EDIT: DRAFT,
        UpdatePreviewable: DRAFT,
        Publish: PROCESSING,
        (Publish, CERTIFICATION_ASKED): PROCESSING,
        Unlist: DRAFT,
    },
    # "unable to update until the process completes" (reference)
    PROCESSING: {
        PublishingSucceeded: PUBLISHED,
        (PublishingSucceeded, CERTIFICATION_ASKED): READY_FOR_CERTIFICATION,
        PublishingFailed: FAILED,
    },
    READY_FOR_CERTIFICATION: {
        UpdatePreviewable: READY_FOR_CERTIFICATION,
        (Publish, CERTIFICATION_ASKED): ConnectorStagedInCertification,
        Unlist: READY_FOR_CERTIFICATION,
        AddCertificationComment: READY_FOR_CERTIFICATION,
        CertificationStarted: IN_CERTIFICATION,
    },
    IN_CERTIFICATION: {
        UpdatePreviewable: IN_CERTIFICATION,
        (Publish, CERTIFICATION_ASKED): ConnectorStagedInCertification,
        Unlist: IN_CERTIFICATION,
        AddCertificationComment: IN_CERTIFICATION,
        CertificationPassed: PUBLISHED,
        CertificationFailed: FAILED,
    },
    # An edit that changes something on a Published or Failed connector
    # starts a new draft (decision; the reference's draft.json).
    PUBLISHED: {
        EDIT: DRAFT,
        UpdatePreviewable: PUBLISHED,
        Publish: PROCESSING,
        (Publish, CERTIFICATION_ASKED): PROCESSING,
        Unlist: PUBLISHED,
    },
    FAILED: {
        EDIT: DRAFT,
        UpdatePreviewable: FAILED,
        Publish: PROCESSING,
        (Publish, CERTIFICATION_ASKED): PROCESSING,
        Unlist: FAILED,
    },
}

#: status -> {input key -> target status, or the error class it answers with}.
STATUS_TRANSITIONS: Final[Mapping[ConnectorStatus, Mapping[InputKey, Target]]] = {
    status: {**row, **{event: status for event in ANY_STATUS}} for status, row in _STATUS_ROWS.items()
}

#: The inputs that move ``isPreviewable``; every other input leaves it alone,
#: but for the coupling below.
PREVIEW_INPUTS: Final[frozenset[type]] = frozenset({UpdatePreviewable, *ANY_STATUS})

#: isPreviewable -> {input -> target isPreviewable, or the error class it answers with}.
PREVIEW_TRANSITIONS: Final[Mapping[IsPreviewable, Mapping[type, IsPreviewable | type[DomainError]]]] = {
    IsPreviewable.NONE: {UpdatePreviewable: IsPreviewable.PENDING},
    IsPreviewable.TRUE: {UpdatePreviewable: IsPreviewable.PENDING},
    IsPreviewable.FALSE: {UpdatePreviewable: IsPreviewable.PENDING},
    IsPreviewable.PENDING: {
        UpdatePreviewable: ConnectorStagedPreviewRequestUnderProcess,
        PreviewGranted: IsPreviewable.TRUE,
        PreviewRejected: IsPreviewable.FALSE,
        PreviewCancelled: IsPreviewable.NONE,
    },
}

# The one coupling between the machines that no table fits: previewability
# belongs to the code at url@tag, so a setRepository sent while a preview
# request is pending is refused with ConnectorStagedPreviewRequestUnderProcess
# (even with the same repository: the precondition comes before the no-op
# rule), and one that changes url or tag sets isPreviewable to `none` (and
# clears previewableReport). Decisions, lifecycle.md.
REPOSITORY_CHANGE_PREVIEWABLE: Final = IsPreviewable.NONE


def repository_change_previewable(is_previewable: IsPreviewable) -> IsPreviewable | type[DomainError]:
    """Where ``isPreviewable`` goes on a ``setRepository`` that changes url or tag, or the error refusing it."""
    if is_previewable is IsPreviewable.PENDING:
        return ConnectorStagedPreviewRequestUnderProcess
    return REPOSITORY_CHANGE_PREVIEWABLE


_CONTENT: Final = frozenset(CONTENT_ACTIONS)
#: The inputs whose key data qualifies with CERTIFICATION_ASKED (see ``input_key``).
_QUALIFIED: Final = frozenset({Publish, PublishingSucceeded})


def input_key(staged: ConnectorStaged, event: Input) -> InputKey:
    """The key under which the tables list *event* for *staged*."""
    kind = type(event)
    if kind in _CONTENT:
        return EDIT
    if isinstance(event, Publish) and event.certification:
        return (Publish, CERTIFICATION_ASKED)
    if kind is PublishingSucceeded and staged.certification_requested:
        return (PublishingSucceeded, CERTIFICATION_ASKED)
    return kind


def keys_of(kind: type) -> tuple[InputKey, ...]:
    """Every key under which the tables may list an input of class *kind*, whatever its data."""
    if kind in _CONTENT:
        return (EDIT,)
    if kind in _QUALIFIED:
        return (kind, (kind, CERTIFICATION_ASKED))
    return (kind,)


class Move(NamedTuple):
    """Where an accepted input leads: the status and ``isPreviewable`` after it, and its table key."""

    status: ConnectorStatus
    is_previewable: IsPreviewable
    key: InputKey


def target(staged: ConnectorStaged, event: Input | InputKey) -> Move | DomainError:
    """Where *event* (an input, or a table key such as ``keys_of`` gives) leads from *staged*, or its refusal.

    The one lookup of ``STATUS_TRANSITIONS`` and ``PREVIEW_TRANSITIONS``
    (``diagram`` only renders them): the reducer asks it for every input,
    and the strategies and the conformance kit ask it which inputs a state
    accepts. First the status lock, then, for the preview inputs, the
    previewability: a missing key is ``InvalidOperation``, an error class
    target is that error.
    """
    if isinstance(event, _KEYS):
        key = event
        kind = key[0] if isinstance(key, tuple) else key
    else:
        key, kind = input_key(staged, event), type(event)
    status = step(STATUS_TRANSITIONS, staged.status, key)
    if status is None:
        return InvalidOperation(_named(kind), staged.status)
    if not isinstance(status, ConnectorStatus):
        return status()
    previewable = staged.is_previewable
    if kind in PREVIEW_INPUTS:
        moved = step(PREVIEW_TRANSITIONS, previewable, kind)
        if moved is None:
            return InvalidOperation.preview_not_pending(_named(kind), staged.status, previewable)
        if not isinstance(moved, IsPreviewable):
            return moved()
        previewable = moved
    return _move((status, previewable, key))


#: What a table key is (``isinstance`` of a tuple: ``type | str | tuple`` would build a union on every call).
_KEYS: Final = (type, str, tuple)
#: ``Move._make`` without its Python-level ``__new__``: the reducer asks ``target`` for every input.
_move: Final[Callable[[tuple[ConnectorStatus, IsPreviewable, InputKey]], Move]] = functools.partial(tuple.__new__, Move)


def _named(kind: Any) -> str:
    """The name an ``InvalidOperation`` gives the input of class *kind* (or ``EDIT``): only a refusal needs it."""
    return input_name(kind) if isinstance(kind, type) else "a content action"


def accepts(staged: ConnectorStaged, event: Input | InputKey) -> bool:
    """Whether the tables let *event* (an input, or a table key) through for *staged*: ``target`` moves it."""
    return isinstance(target(staged, event), Move)


# --- What the Connect service does next ------------------------------------------------


#: The events of an aggregate's service: a ConnectorStaged's, or a Deployment's.
E = TypeVar("E")


class Awaited(NamedTuple, Generic[E]):
    """A state in which the Connect service owes an answer: its work, and the events that end the wait.

    ``work`` names the service's step (``"publishing"``, ``"certification"``,
    ``"preview"``; a Deployment's ``"build"``, ``"undeployment"``), so that a
    simulation can give each its own delay; ``success`` is the event of the
    happy path, ``failure`` the other outcome (None when the step cannot fail).
    """

    work: str
    success: type[E]
    failure: type[E] | None = None


#: The states in which the service owes an answer (lifecycle.md, Inputs): by
#: status, then by ``isPreviewable``. A test checks them against the tables:
#: each event is accepted there and leaves the state.
AWAITED: Final[Mapping[ConnectorStatus | IsPreviewable, Awaited[ServiceEvent]]] = {
    PROCESSING: Awaited("publishing", PublishingSucceeded, PublishingFailed),
    READY_FOR_CERTIFICATION: Awaited("certification", CertificationStarted),
    IN_CERTIFICATION: Awaited("certification", CertificationPassed, CertificationFailed),
    IsPreviewable.PENDING: Awaited("preview", PreviewGranted, PreviewRejected),
}


def awaited(staged: ConnectorStaged) -> tuple[Awaited[ServiceEvent] | None, Awaited[ServiceEvent] | None]:
    """What the service owes *staged*: for its status, and for its previewability (None: nothing)."""
    return AWAITED.get(staged.status), AWAITED.get(staged.is_previewable)
