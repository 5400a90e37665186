"""What a Deployment's build needs and leaves behind: the values it finds missing, and the logs of a start.

The Connect service runs a Deployment's build; a pure library cannot, but it
can say what the build decides from the Deployment alone (deployments.md, the
simulated service and "Queries and logs"):

- ``missing_values``: the required application keys that have no value. A
  build fails on them, as a real build fails on a missing variable
  (decision: create does not refuse them);
- ``failure_report``: the report of that failure, one ``Error`` entry per
  missing value;
- ``started_logs``: the log entries of a Deployment that reached
  ``Deployed``, one per application, at a time the caller gives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Final, NamedTuple

from .model import (
    ApplicationDeployment,
    Deployment,
    DeploymentLog,
    DeploymentLogSeverity,
    DeploymentLogType,
    DeploymentReport,
    DeploymentReportEntry,
    DeploymentReportEntryType,
    JsonValue,
)

__all__ = ["MISSING_TITLE", "Missing", "failure_report", "missing_values", "started_logs"]

#: The title of the report entry of a build that fails on a missing value (deployments.md).
MISSING_TITLE: Final = "Missing required configuration"


class Missing(NamedTuple):
    """A required key of an application that the Deployment gives no value: ``secured`` for a secret."""

    application_name: str
    key: str
    secured: bool


def _has_value(application: ApplicationDeployment, key: str, *, secured: bool) -> bool:
    values = application.secured_configuration if secured else application.standard_configuration
    # A secured value is masked, and "****" is a value: what was sent for it is no longer known.
    return any(item.key == key and item.value != "" for item in values)


def missing_values(deployment: Deployment) -> tuple[Missing, ...]:
    """The required keys that *deployment*'s applications have no value for, in the connector's order.

    The keys are those of ``deployment.connector.configurations``, the
    version deployed; a key with a ``default`` needs no value. An
    application the snapshot does not declare (a connector read without
    ``configurations``) has nothing required.
    """
    declared = {d.application_name: d for d in deployment.connector.configurations or ()}
    out: list[Missing] = []
    for application in deployment.applications:
        declaration = declared.get(application.application_name)
        if declaration is None:
            continue
        for standard in declaration.standard_configuration:
            if (
                standard.required
                and standard.default is None
                and not _has_value(application, standard.key, secured=False)
            ):
                out.append(Missing(application.application_name, standard.key, False))
        for secured in declaration.secured_configuration:
            if secured.required and not _has_value(application, secured.key, secured=True):
                out.append(Missing(application.application_name, secured.key, True))
    return tuple(out)


def failure_report(missing: Sequence[Missing], *, at: datetime) -> DeploymentReport:
    """The report of a build that failed on *missing* (not empty): one ``Error`` entry each, at *at*."""
    if not missing:
        raise ValueError("a build fails on at least one missing value")
    return DeploymentReport(
        entries=tuple(
            DeploymentReportEntry(
                type=DeploymentReportEntryType.ERROR,
                title=MISSING_TITLE,
                message=(
                    f"Application {m.application_name} needs a value for its required "
                    f"{'secured' if m.secured else 'standard'} configuration key {m.key}."
                ),
                application=m.application_name,
                created_at=at,
            )
            for m in missing
        )
    )


def started_logs(deployment: Deployment, *, at: datetime) -> tuple[DeploymentLog, ...]:
    """The log entries of *deployment* starting its applications at *at*: one ``INFO`` text per application."""
    return tuple(
        DeploymentLog(
            type=DeploymentLogType.APPLICATION_TEXT,
            deployment_id=deployment.id,
            application_name=application.application_name,
            severity=DeploymentLogSeverity.INFO,
            timestamp=at,
            details=JsonValue(text=json.dumps({"message": f"Application {application.application_name} started"})),
        )
        for application in deployment.applications
    )
