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

from collections.abc import Mapping
from typing import Final, TypeAlias

from .actions import (
    CONTENT_ACTIONS,
    AddCertificationComment,
    Publish,
    Unlist,
    UpdatePreviewable,
)
from .errors import (
    ConnectorStagedInCertification,
    ConnectorStagedPreviewRequestUnderProcess,
    DomainError,
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
)
from .model import ConnectorStaged, ConnectorStatus, IsPreviewable

__all__ = [
    "ANY_STATUS",
    "CERTIFICATION_ASKED",
    "EDIT",
    "PREVIEW_INPUTS",
    "PREVIEW_TRANSITIONS",
    "REPOSITORY_CHANGE_PREVIEWABLE",
    "repository_change_previewable",
    "STATUS_TRANSITIONS",
    "InputKey",
    "Target",
    "input_key",
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
