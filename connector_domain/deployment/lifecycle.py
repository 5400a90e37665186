"""The lifecycle of a Deployment, as data.

Rules of this module, as for the ConnectorStaged's ``lifecycle``:

- Every status fact lives here, as data: which inputs each status accepts
  and where each leads. The reducer looks its answer up (``target``); it has
  no branch of its own on a status.
- No payloads and no entity fields: every input is listed by its class.
- A missing key is a refusal: ``InvalidDeploymentOperation`` (code
  ``InvalidOperation``; "-" in deployments.md: the service never sends that
  event there). A target is a status, ``GONE`` (the Deployment is removed),
  or the error class that status answers with: ``DeploymentInvalidStatusTransition``,
  whose message names the status ("Already queued").

One machine, one table: ``STATUS_TRANSITIONS``, deployments.md's "The status
machine" cell by cell (there written input by status, here status by input,
as the ConnectorStaged's table). ``Draft`` is in the enum, and no input leads
there (reference: silent); a Deployment read in ``Draft`` follows its row.

``AWAITED`` says, as data too, in which statuses the Connect service owes an
answer (its build or its undeployment), as the ConnectorStaged's
``lifecycle.AWAITED``: a simulated service reads it, and holds no status of
its own.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Final, TypeAlias

from .._machine import step
from ..errors import DeploymentInvalidStatusTransition, DomainError, InvalidDeploymentOperation
from ..lifecycle import Awaited
from .actions import Delete, Redeploy, input_name
from .events import (
    DeploymentFailed,
    DeploymentInput,
    DeploymentServiceEvent,
    DeploymentStarted,
    DeploymentSucceeded,
    UndeployFailed,
    UndeploySucceeded,
)
from .model import Deployment, DeploymentStatus

__all__ = [
    "AWAITED",
    "GONE",
    "INPUTS",
    "STATUS_TRANSITIONS",
    "Awaited",
    "Gone",
    "Target",
    "accepts",
    "awaited",
    "target",
]


class Gone(enum.Enum):
    """The target "gone" of deployments.md: the Deployment is removed. Not a status."""

    GONE = "gone"


#: The Deployment is removed (``delete`` from Draft or Failed, ``UndeploySucceeded``).
GONE: Final = Gone.GONE

Target: TypeAlias = DeploymentStatus | Gone | type[DomainError]

DRAFT: Final = DeploymentStatus.DRAFT
QUEUED: Final = DeploymentStatus.QUEUED
DEPLOYING: Final = DeploymentStatus.DEPLOYING
DEPLOYED: Final = DeploymentStatus.DEPLOYED
FAILED: Final = DeploymentStatus.FAILED
UNDEPLOYING: Final = DeploymentStatus.UNDEPLOYING
UNDEPLOY_FAILED: Final = DeploymentStatus.UNDEPLOY_FAILED

#: "Already x": the status is already on its way (deployments.md).
_ALREADY: Final = DeploymentInvalidStatusTransition

#: Every input of the machine, in the order of deployments.md's table.
INPUTS: Final[tuple[type, ...]] = (
    Redeploy,
    DeploymentStarted,
    DeploymentSucceeded,
    DeploymentFailed,
    Delete,
    UndeploySucceeded,
    UndeployFailed,
)

#: status -> {input class -> target status, GONE, or the error class it answers with}.
STATUS_TRANSITIONS: Final[Mapping[DeploymentStatus, Mapping[type, Target]]] = {
    DRAFT: {Redeploy: QUEUED, Delete: GONE},
    QUEUED: {Redeploy: _ALREADY, DeploymentStarted: DEPLOYING, Delete: UNDEPLOYING},
    DEPLOYING: {
        Redeploy: _ALREADY,
        DeploymentSucceeded: DEPLOYED,
        DeploymentFailed: FAILED,
        Delete: UNDEPLOYING,
    },
    DEPLOYED: {Redeploy: QUEUED, Delete: UNDEPLOYING},
    # Nothing runs after a failed build: a delete removes the Deployment at once.
    FAILED: {Redeploy: QUEUED, Delete: GONE},
    UNDEPLOYING: {Redeploy: _ALREADY, Delete: _ALREADY, UndeploySucceeded: GONE, UndeployFailed: UNDEPLOY_FAILED},
    UNDEPLOY_FAILED: {Redeploy: QUEUED, Delete: UNDEPLOYING},
}


def target(deployment: Deployment, event: DeploymentInput | type) -> DeploymentStatus | Gone | DomainError:
    """Where *event* (an input, or an input class) leads from *deployment*'s status, or its refusal.

    The one lookup of ``STATUS_TRANSITIONS``: a missing key is
    ``InvalidDeploymentOperation``; an error class target is that error,
    naming the current status.
    """
    kind = event if isinstance(event, type) else type(event)
    status = deployment.status
    moved = step(STATUS_TRANSITIONS, status, kind)
    if moved is None:
        return InvalidDeploymentOperation(input_name(kind), status.value)
    if isinstance(moved, DeploymentStatus | Gone):
        return moved
    # The table's one error class; its message says which status is already on its way.
    assert issubclass(moved, DeploymentInvalidStatusTransition), moved
    return moved(status.value)


def accepts(deployment: Deployment, event: DeploymentInput | type) -> bool:
    """Whether the table lets *event* (an input, or an input class) through for *deployment*."""
    return not isinstance(target(deployment, event), DomainError)


#: status -> what the Connect service owes a Deployment in it: its work (``"build"`` or
#: ``"undeployment"``), the event of success and the event of failure (deployments.md,
#: "The simulated service"). Every event here is a cell of ``STATUS_TRANSITIONS``.
AWAITED: Final[Mapping[DeploymentStatus, Awaited[DeploymentServiceEvent]]] = {
    QUEUED: Awaited("build", DeploymentStarted),
    DEPLOYING: Awaited("build", DeploymentSucceeded, DeploymentFailed),
    UNDEPLOYING: Awaited("undeployment", UndeploySucceeded, UndeployFailed),
}


def awaited(deployment: Deployment) -> Awaited[DeploymentServiceEvent] | None:
    """What the service owes *deployment* in its status (None: nothing)."""
    return AWAITED.get(deployment.status)
