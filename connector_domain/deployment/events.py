"""Service events of a Deployment: what the Connect service does after a creator's request.

They never arrive over the wire from a creator; a server or mock emits them
(the simulated build of deployments.md). A failure brings its report; a
success may bring one (an ``Information`` report), so ``DeploymentSucceeded()``
is valid and ``DeploymentFailed()`` is not.

Source: ``deployments.md`` (The status machine, Reports).
"""

from __future__ import annotations

from typing import TypeAlias

import attrs

from .._fields import typed
from .actions import Delete, DeploymentUpdateAction
from .model import DeploymentReport

__all__ = [
    "DeploymentFailed",
    "DeploymentInput",
    "DeploymentServiceEvent",
    "DeploymentStarted",
    "DeploymentSucceeded",
    "UndeployFailed",
    "UndeploySucceeded",
]


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentStarted:
    """The build took the queued deployment (Queued -> Deploying)."""


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentSucceeded:
    """The build deployed every application (Deploying -> Deployed); ``report`` replaces the build's when given."""

    report: DeploymentReport | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentFailed:
    """The build failed (Deploying -> Failed); ``report`` says why."""

    report: DeploymentReport


@attrs.frozen(kw_only=True, field_transformer=typed)
class UndeploySucceeded:
    """The applications were taken down (Undeploying -> gone: the Deployment is removed)."""


@attrs.frozen(kw_only=True, field_transformer=typed)
class UndeployFailed:
    """Taking the applications down failed (Undeploying -> UndeployFailed); ``report`` says why."""

    report: DeploymentReport


DeploymentServiceEvent: TypeAlias = (
    DeploymentStarted | DeploymentSucceeded | DeploymentFailed | UndeploySucceeded | UndeployFailed
)
"""Any of the five service events of a Deployment."""

DeploymentInput: TypeAlias = DeploymentUpdateAction | Delete | DeploymentServiceEvent
"""Everything the Deployment's reducer takes: ``redeploy``, ``Delete``, or a service event."""
