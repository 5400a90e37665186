"""The Deployment aggregate: a connector deployed to a project, in the shape of the ConnectorStaged's.

``model`` (entities, enums), ``actions`` (``Redeploy``, ``DeploymentUpdate``,
``Delete``), ``events`` (the service events), ``lifecycle`` (the status
table, as data) and ``reducer`` (``create_deployment``, ``apply_deployment``,
``apply_deployment_update``). It imports the rules core at the package's
root, never the reverse; its errors are in ``connector_domain.errors`` and
its wire form in ``connector_domain.codec``, beside the ConnectorStaged's.

Everyday names are importable from here.
"""

from .actions import Delete, DeploymentUpdate, DeploymentUpdateAction, Redeploy
from .events import (
    DeploymentFailed,
    DeploymentInput,
    DeploymentServiceEvent,
    DeploymentStarted,
    DeploymentSucceeded,
    UndeployFailed,
    UndeploySucceeded,
)
from .lifecycle import GONE, Gone
from .model import (
    MASK,
    ApplicationDeployment,
    ConfigurationValue,
    ConnectorReference,
    Deployment,
    DeploymentApiClient,
    DeploymentConfigurationApplication,
    DeploymentConnector,
    DeploymentCreator,
    DeploymentDetails,
    DeploymentDetailsBuild,
    DeploymentDraft,
    DeploymentGlobalConfiguration,
    DeploymentLog,
    DeploymentLogCursorPagedQueryResponse,
    DeploymentLogSeverity,
    DeploymentLogType,
    DeploymentPagedQueryResponse,
    DeploymentReport,
    DeploymentReportEntry,
    DeploymentReportEntryType,
    DeploymentStatus,
    DeploymentType,
    JsonValue,
)
from .reducer import apply_deployment, apply_deployment_update, create_deployment, deployment_connector

__all__ = [
    "GONE",
    "MASK",
    "ApplicationDeployment",
    "ConfigurationValue",
    "ConnectorReference",
    "Delete",
    "Deployment",
    "DeploymentApiClient",
    "DeploymentConfigurationApplication",
    "DeploymentConnector",
    "DeploymentCreator",
    "DeploymentDetails",
    "DeploymentDetailsBuild",
    "DeploymentDraft",
    "DeploymentFailed",
    "DeploymentGlobalConfiguration",
    "DeploymentInput",
    "DeploymentLog",
    "DeploymentLogCursorPagedQueryResponse",
    "DeploymentLogSeverity",
    "DeploymentLogType",
    "DeploymentPagedQueryResponse",
    "DeploymentReport",
    "DeploymentReportEntry",
    "DeploymentReportEntryType",
    "DeploymentServiceEvent",
    "DeploymentStarted",
    "DeploymentStatus",
    "DeploymentSucceeded",
    "DeploymentType",
    "DeploymentUpdate",
    "DeploymentUpdateAction",
    "Gone",
    "JsonValue",
    "Redeploy",
    "UndeployFailed",
    "UndeploySucceeded",
    "apply_deployment",
    "apply_deployment_update",
    "create_deployment",
    "deployment_connector",
]
