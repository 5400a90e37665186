"""The entities and enums of the Deployment resource, as immutable values.

The same rules as the ConnectorStaged's ``model``: frozen, slotted attrs
classes whose sequences are tuples, field names the API's in snake_case,
every field checked by its annotation (``_fields.typed``) and the documented
patterns checked too, so an invalid value cannot be built. Optional fields
are ``None`` when absent; the optional booleans the wire may omit
(``ConnectorReference.staged``) are ``None`` then, so a document round-trips.

Secured values, and where the clear ones live
----------------------------------------------
A secured configuration value "cannot be accessed after being set" (the
type), and every read of a Deployment shows each one as ``"****"``
(deployments.md). The clear values live only in what a client sends: a
``DeploymentDraft``, a ``redeploy``'s ``configurationValues`` and
``globalConfiguration`` (``DeploymentConfigurationApplication`` and
``DeploymentGlobalConfiguration`` hold them as given). The resource never
holds one: ``ApplicationDeployment.secured_configuration`` and the
``secured_configuration`` of ``Deployment.global_configuration`` accept only
``MASK`` as a value, so a clear secret cannot be put into a Deployment, its
wire form, its ``repr`` or a store that keeps it. The reducer masks the
values as it takes them from a request (``masked``), and the codec masks
those it reads in a Deployment (the official examples show clear text, Q5
of the facts: read, and written back masked). A pure library runs no
application, so it has no use for the secret itself; what it keeps is which
keys were set.

Source: ``connect-deployments-facts.md`` (Deployment types), ``deployments.md``.
"""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any, Final

import attrs

from .._fields import checked, typed
from ..model import (
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    IntegrationType,
    Region,
    Repository,
    check_application_name,
    check_key,
)

__all__ = [
    "MASK",
    "ApplicationDeployment",
    "ConfigurationValue",
    "ConnectorReference",
    "Deployment",
    "DeploymentApiClient",
    "DeploymentConfigurationApplication",
    "DeploymentConnector",
    "DeploymentCreator",
    "DeploymentDetails",
    "DeploymentDetailsBuild",
    "DeploymentDraft",
    "DeploymentGlobalConfiguration",
    "DeploymentLog",
    "DeploymentLogCursorPagedQueryResponse",
    "DeploymentLogSeverity",
    "DeploymentLogType",
    "DeploymentPagedQueryResponse",
    "DeploymentReport",
    "DeploymentReportEntry",
    "DeploymentReportEntryType",
    "DeploymentStatus",
    "DeploymentType",
    "JsonValue",
    "check_json_text",
    "check_masked",
    "check_masked_global",
    "masked",
    "masked_global",
]

#: How every read shows a secured value (deployments.md).
MASK: Final = "****"


# --- Enums -----------------------------------------------------------------


class DeploymentType(enum.Enum):
    """What is deployed: the previewable ConnectorStaged, or the Connector in sandbox or production."""

    PREVIEW = "preview"
    SANDBOX = "sandbox"
    PRODUCTION = "production"


class DeploymentStatus(enum.Enum):
    """Status of a Deployment, in the RAML's order (``Draft`` has no description there, R1)."""

    DRAFT = "Draft"
    QUEUED = "Queued"
    DEPLOYING = "Deploying"
    DEPLOYED = "Deployed"
    FAILED = "Failed"
    UNDEPLOYING = "Undeploying"
    UNDEPLOY_FAILED = "UndeployFailed"


class DeploymentReportEntryType(enum.Enum):
    """Severity of a build report entry (wire: ``DeploymentReportEntryType``)."""

    INFORMATION = "Information"
    WARNING = "Warning"
    ERROR = "Error"


class DeploymentLogSeverity(enum.Enum):
    """Severity of a log entry (wire: ``DeploymentLogSeverity``)."""

    DEFAULT = "DEFAULT"
    DEBUG = "DEBUG"
    INFO = "INFO"
    NOTICE = "NOTICE"
    WARNING = "WARNING"
    ERROR = "ERROR"
    CRITICAL = "CRITICAL"
    ALERT = "ALERT"
    EMERGENCY = "EMERGENCY"


class DeploymentLogType(enum.Enum):
    """Kind of a log entry (``DeploymentLog.type``, an inline enum of the RAML)."""

    HTTP_REQUEST = "HTTP_REQUEST"
    APPLICATION_TEXT = "APPLICATION_TEXT"
    APPLICATION_JSON = "APPLICATION_JSON"


# --- Configuration values ------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=typed)
class ConfigurationValue:
    """One environment variable's value: ``key`` and ``value``."""

    key: str
    value: str


def check_masked(values: tuple[ConfigurationValue, ...]) -> None:
    """Raise ValueError unless every value of *values* is ``MASK``: a resource holds no clear secret."""
    for index, item in enumerate(values):
        if item.value != MASK:
            raise ValueError(f"[{index}] a secured value is shown as {MASK!r}, never in clear")


def masked(values: tuple[ConfigurationValue, ...]) -> tuple[ConfigurationValue, ...]:
    """*values*, each value replaced by ``MASK`` (their keys kept, in order)."""
    return tuple(item if item.value == MASK else ConfigurationValue(key=item.key, value=MASK) for item in values)


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentConfigurationApplication:
    """The values a request gives one application (a draft's ``configurations``, a redeploy's values).

    ``application_name`` has no pattern here (the RAML declares none); the
    reducer matches it against the connector's applications. ``schedule``
    overrides the cron schedule of a ``job`` application. Secured values are
    in clear: this is what the client sends.
    """

    application_name: str
    standard_configuration: tuple[ConfigurationValue, ...]
    secured_configuration: tuple[ConfigurationValue, ...]
    schedule: str | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentGlobalConfiguration:
    """Values shared by every application of a deployment (as sent: in a Deployment, see ``check_masked_global``)."""

    standard_configuration: tuple[ConfigurationValue, ...] | None = None
    secured_configuration: tuple[ConfigurationValue, ...] | None = None


def check_masked_global(value: DeploymentGlobalConfiguration) -> None:
    """Raise ValueError unless every secured value of *value* is ``MASK``."""
    if value.secured_configuration is not None:
        try:
            check_masked(value.secured_configuration)
        except ValueError as exc:
            raise ValueError(f"secured_configuration{exc}") from None


def masked_global(value: DeploymentGlobalConfiguration) -> DeploymentGlobalConfiguration:
    """*value* with its secured values masked."""
    if value.secured_configuration is None:
        return value
    return attrs.evolve(value, secured_configuration=masked(value.secured_configuration))


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentApiClient:
    """The API Client a deployment uses: ``name`` is its Client ID (R11), and its ``scopes``."""

    name: str
    scopes: tuple[str, ...]


# --- The request ------------------------------------------------------------------


def _one_of_id_and_key(self: ConnectorReference) -> None:
    if self.id is None and self.key is None:
        raise ValueError("ConnectorReference: either id or key is required")


@attrs.frozen(kw_only=True, field_transformer=typed)
class ConnectorReference:
    """The connector a draft deploys: by ``id`` or ``key`` ("either is required"), optionally ``version``.

    ``staged`` true names the previewable ConnectorStaged, false or absent
    (``None``) the published Connector.
    """

    id: str | None = None
    key: str | None = None
    staged: bool | None = None
    version: int | None = None

    def __attrs_post_init__(self) -> None:
        _one_of_id_and_key(self)

    @property
    def identifier(self) -> str:
        """The connector as the reference names it: its ``id``, else its ``key``."""
        if self.id is not None:
            return self.id
        assert self.key is not None  # one of them is set (__attrs_post_init__)
        return self.key


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentDraft:
    """The body of ``POST /{projectKey}/deployments`` (wire: ``DeploymentDraft``).

    ``type`` absent is ``None``: the reducer resolves it from the reference
    (``preview`` for a ConnectorStaged, ``sandbox`` for a Connector).
    """

    key: str | None = checked(check_key, default=None)
    type: DeploymentType | None = None
    connector: ConnectorReference
    configurations: tuple[DeploymentConfigurationApplication, ...]
    global_configuration: DeploymentGlobalConfiguration | None = None
    region: Region


# --- The resource ------------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentCreator:
    """The owner of the deployed connector: the same fields as ``Creator`` (wire: ``DeploymentCreator``)."""

    email: str
    name: str | None = None
    title: str | None = None
    company: str | None = None
    logo_url: str | None = None
    no_of_contributors: int | None = None
    support_url: str | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentConnector:
    """A snapshot of the deployed connector at the version deployed (wire: ``DeploymentConnector``).

    ``key`` has no pattern here (the RAML declares none). The official
    examples leave out ``configurations``, ``globalConfiguration`` and
    ``supportedRegions`` (Q8); a snapshot the reducer takes has all three.
    """

    id: str
    key: str | None = None
    version: int
    name: str
    description: str | None = None
    integration_types: tuple[IntegrationType, ...]
    creator: DeploymentCreator
    repository: Repository
    configurations: tuple[ConnectorConfigurationApplication, ...] | None = None
    global_configuration: ConnectorGlobalConfiguration | None = None
    certified: bool
    supported_regions: tuple[Region, ...] | None = None
    documentation_url: str | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentReportEntry:
    """One note of a build report; ``application`` names the application concerned."""

    type: DeploymentReportEntryType
    title: str
    message: str | None = None
    application: str | None = None
    created_at: datetime


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentReport:
    """The notes of a build."""

    entries: tuple[DeploymentReportEntry, ...]


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentDetailsBuild:
    """The build of a deployment: its execution ``id`` and its ``report``."""

    id: str
    report: DeploymentReport | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentDetails:
    """Build reference and outcome of a deployment."""

    build: DeploymentDetailsBuild


@attrs.frozen(kw_only=True, field_transformer=typed)
class ApplicationDeployment:
    """One deployed application: its values, and ``url``, ``topic`` or ``schedule`` by its kind.

    ``secured_configuration`` holds only ``MASK`` as values (see the module's
    docstring); the codec masks what it reads there.
    """

    id: str
    application_name: str = checked(check_application_name)
    standard_configuration: tuple[ConfigurationValue, ...]
    secured_configuration: tuple[ConfigurationValue, ...] = attrs.field(
        metadata={"check": check_masked, "mask": masked}
    )
    url: str | None = None
    topic: str | None = None
    schedule: str | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class Deployment:
    """A connector deployed to a project: the Deployment resource.

    ``preview`` is whether ``type`` is ``preview`` for every Deployment the
    reducer makes; one read from the wire keeps what it says (Q1). The
    secured values of ``global_configuration`` are ``MASK``, as those of the
    applications.
    """

    id: str
    key: str | None = checked(check_key, default=None)
    version: int
    type: DeploymentType
    connector: DeploymentConnector
    global_configuration: DeploymentGlobalConfiguration | None = attrs.field(
        default=None, metadata={"check": check_masked_global, "mask": masked_global}
    )
    api_client: DeploymentApiClient | None = None
    details: DeploymentDetails
    deployed_region: Region
    applications: tuple[ApplicationDeployment, ...]
    preview: bool
    status: DeploymentStatus


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentPagedQueryResponse:
    """One page of a Deployment query."""

    limit: int
    offset: int
    count: int
    total: int
    results: tuple[Deployment, ...]


# --- Logs ----------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def check_json_text(text: str) -> None:
    """Raise ValueError unless *text* is one JSON value as JSON text (no ``NaN`` or ``Infinity``)."""
    try:
        json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise ValueError(f"not JSON text ({exc})") from None


@attrs.frozen(kw_only=True, field_transformer=typed)
class JsonValue:
    """A JSON value of a field the RAML types ``any`` (``DeploymentLog.details``), kept as its JSON text.

    As text the value stays immutable and hashable, as every value here;
    ``value`` gives it parsed. The codec reads any JSON value but ``null``
    into it and writes it back as it was.
    """

    text: str = checked(check_json_text)

    @property
    def value(self) -> Any:
        """The value, parsed (a new object at each call)."""
        return json.loads(self.text)


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentLog:
    """One log entry of a deployed application.

    ``severity`` is required on the wire and defaults to ``DEFAULT`` (the
    RAML's default) when absent.
    """

    type: DeploymentLogType
    deployment_id: str
    application_name: str
    severity: DeploymentLogSeverity = DeploymentLogSeverity.DEFAULT
    timestamp: datetime
    details: JsonValue


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentLogCursorPagedQueryResponse:
    """One page of a Deployment's logs; ``next`` is the cursor of the next page, absent on the last (R13, decision)."""

    data: tuple[DeploymentLog, ...]
    next: str | None = None
