"""Domain errors as values: ``DomainError`` and one class per documented code.

Errors are returned, not raised: ``apply`` answers a refused input with one of
these values. Each has ``code`` (the wire code), ``status_code`` (its HTTP
status) and ``message`` (the documented template, filled in from the fields
the value carries). ``extra_fields`` names the fields the ErrorResponse
carries beside ``code`` and ``message``, in their wire spelling; only those
the reference documents are listed.

Source: ``connect-api-facts.md`` (Errors) and ``lifecycle.md`` (Messages);
for the Deployment's errors, ``connect-deployments-facts.md`` (Errors relevant
to Deployments) and ``deployments.md``.

HTTP statuses: no error type of the reference declares one. The
ConnectorStaged's refusals of a request body or of an input in its state are
400, a stale version 409 and an unknown resource 404; the Deployment's errors
follow the same rule, so every one of them is 400 (``POST /deployments``
declares a 400 ErrorResponse, the update and delete endpoints declare none).

The Deployment's errors live here, beside the others, and carry only strings
and integers: the ``deployment`` package imports this module, never the
reverse, so a Deployment's status or type is given by its wire value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._fields import typed
from .model import ConnectorStatus, IsPreviewable

__all__ = [
    "AuthenticationError",
    "AuthorizationError",
    "ConcurrentModification",
    "ConnectorAlreadyCertified",
    "ConnectorReferenceNotFound",
    "ConnectorStagedInCertification",
    "ConnectorStagedNotPreviewable",
    "ConnectorStagedNotPrivate",
    "ConnectorStagedPreviewRequestUnderProcess",
    "DeploymentApplicationDoNotBelong",
    "DeploymentApplicationDoesNotExist",
    "DeploymentApplicationRequired",
    "DeploymentConnectorUpdateFailure",
    "DeploymentEmptyRequiredGlobalConfigurationKey",
    "DeploymentInvalidStatusTransition",
    "DeploymentInvalidType",
    "DeploymentLogInvalidDate",
    "DeploymentLogInvalidPageToken",
    "DeploymentLogMissingApplicationName",
    "DeploymentMissingGlobalConfigurationKey",
    "DeploymentProductionDeactivated",
    "DeploymentUnknownApplicationConfiguration",
    "DeploymentUnknownApplicationConfigurationKey",
    "DeploymentUnknownGlobalConfigurationKey",
    "DeploymentUnsupportedRegion",
    "DomainError",
    "DuplicateField",
    "InvalidDeploymentOperation",
    "InvalidJsonInput",
    "InvalidOperation",
    "InvalidPathParam",
    "InvalidQueryParam",
    "ResourceNotFound",
]


def _resource(resource_id: str, resource_key: str | None) -> str:
    # The templates read "id=$resourceId or key=$resourceKey"; a resource
    # without a key leaves that placeholder empty.
    return f"id={resource_id} or key={resource_key or ''}"


@attrs.frozen(init=False)
class DomainError:
    """Base of every domain error value; not an error itself, so it cannot be built bare.

    Subclasses are ``@attrs.frozen(field_transformer=typed)`` (each field
    checks its type when the error is built), set ``code`` and
    ``status_code``, and implement ``message``. ``str()`` of an error is its
    code and message: ``InvalidOperation: setName is not allowed ...``.
    """

    code: ClassVar[str]
    status_code: ClassVar[int] = 400
    #: attribute name -> wire name of the fields the ErrorResponse carries.
    extra_fields: ClassVar[Mapping[str, str]] = {}

    def __init__(self) -> None:
        # Each subclass has its own attrs __init__; only the base itself lands here.
        raise TypeError("DomainError is the base of the errors: build one of its subclasses")

    @property
    def message(self) -> str:
        """The documented message, filled in."""
        raise NotImplementedError

    def __str__(self) -> str:
        detail = getattr(self, "detailed_error_message", None)
        return f"{self.code}: {self.message}" + (f" ({detail})" if detail else "")

    def wire_extras(self) -> dict[str, Any]:
        """The documented extra fields of this error, by wire name (absent ones omitted)."""
        out: dict[str, Any] = {}
        for name, wire_name in self.extra_fields.items():
            value = getattr(self, name)
            if value is not None:
                out[wire_name] = value
        return out


@attrs.frozen(field_transformer=typed)
class InvalidJsonInput(DomainError):
    """The body is not valid JSON, or does not fit the expected shape (400).

    ``detailed_error_message`` names every offending path and why.
    """

    code: ClassVar[str] = "InvalidJsonInput"
    extra_fields: ClassVar[Mapping[str, str]] = {"detailed_error_message": "detailedErrorMessage"}

    detailed_error_message: str

    @property
    def message(self) -> str:
        return "Request body does not contain valid JSON."


@attrs.frozen(field_transformer=typed)
class InvalidQueryParam(DomainError):
    """A query parameter is malformed or out of range (400; mock-service.md, "Query parameters").

    ``detailed_error_message`` names every offending parameter and why.
    """

    code: ClassVar[str] = "InvalidQueryParam"
    extra_fields: ClassVar[Mapping[str, str]] = {"detailed_error_message": "detailedErrorMessage"}

    detailed_error_message: str

    @property
    def message(self) -> str:
        return "Request query param is not valid"


@attrs.frozen(field_transformer=typed)
class AuthenticationError(DomainError):
    """The client cannot be authenticated: no token, or one the server did not issue or that expired (401).

    The status is the OAuth scheme's declared response; the message the
    type's. A server answers it with ``WWW-Authenticate: Bearer``.
    """

    code: ClassVar[str] = "AuthenticationError"
    status_code: ClassVar[int] = 401

    @property
    def message(self) -> str:
        return "Bad credentials or Client ID is not defined"


@attrs.frozen(field_transformer=typed)
class AuthorizationError(DomainError):
    """The client's token has no scope that the endpoint accepts for its project (403; the reference: silent)."""

    code: ClassVar[str] = "AuthorizationError"
    status_code: ClassVar[int] = 403

    @property
    def message(self) -> str:
        return "Access denied"


@attrs.frozen(field_transformer=typed)
class InvalidPathParam(DomainError):
    """A path parameter is malformed, such as an empty ``key=`` (400).

    ``detailed_error_message`` names the parameter and why.
    """

    code: ClassVar[str] = "InvalidPathParam"
    extra_fields: ClassVar[Mapping[str, str]] = {"detailed_error_message": "detailedErrorMessage"}

    detailed_error_message: str

    @property
    def message(self) -> str:
        return "Request path param is not valid"


@attrs.frozen(field_transformer=typed)
class InvalidOperation(DomainError):
    """The resource's state forbids this input (400; decision, lifecycle.md).

    ``input_name`` is the input's wire name (``setName``) or, for a service
    event, its class name. ``requirement``, when set, replaces the generic
    message with the rule that was not met.
    """

    code: ClassVar[str] = "InvalidOperation"

    input_name: str
    status: ConnectorStatus
    requirement: str | None = None

    @property
    def message(self) -> str:
        if self.requirement is not None:
            return self.requirement
        return f"{self.input_name} is not allowed while the ConnectorStaged is in status {self.status.value}"

    @classmethod
    def preview_not_pending(
        cls, input_name: str, status: ConnectorStatus, is_previewable: IsPreviewable
    ) -> InvalidOperation:
        """A preview event for a connector with no preview request pending."""
        return cls(
            input_name,
            status,
            f"{input_name} is not allowed while isPreviewable is {is_previewable.value} (only while pending)",
        )


@attrs.frozen(field_transformer=typed)
class ConcurrentModification(DomainError):
    """The request's ``version`` is not the resource's (409)."""

    code: ClassVar[str] = "ConcurrentModification"
    status_code: ClassVar[int] = 409
    extra_fields: ClassVar[Mapping[str, str]] = {
        "expected_version": "expectedVersion",
        "current_version": "currentVersion",
    }

    resource_id: str
    resource_key: str | None
    expected_version: int
    current_version: int | None

    @property
    def message(self) -> str:
        return (
            f"Object {_resource(self.resource_id, self.resource_key)} has a different version "
            f"than expected. Expected: {self.expected_version} - Actual: {self.current_version}"
        )


@attrs.frozen(field_transformer=typed)
class ConnectorStagedNotPrivate(DomainError):
    """``addPrivateProject`` / ``removePrivateProject`` on a connector that is not private (400)."""

    code: ClassVar[str] = "ConnectorStagedNotPrivate"

    resource_id: str
    resource_key: str | None

    @property
    def message(self) -> str:
        return (
            "The operation is not valid because ConnectorStaged with "
            f"{_resource(self.resource_id, self.resource_key)} is not private"
        )


@attrs.frozen(field_transformer=typed)
class ConnectorStagedPreviewRequestUnderProcess(DomainError):
    """A preview request is already pending (400)."""

    code: ClassVar[str] = "ConnectorStagedPreviewRequestUnderProcess"

    @property
    def message(self) -> str:
        return "The ConnectorStaged preview request is already in progress"


@attrs.frozen(field_transformer=typed)
class ConnectorStagedInCertification(DomainError):
    """``publish`` with certification while certification is under way (400)."""

    code: ClassVar[str] = "ConnectorStagedInCertification"

    @property
    def message(self) -> str:
        return "The ConnectorStaged is already in certification"


@attrs.frozen(field_transformer=typed)
class ConnectorAlreadyCertified(DomainError):
    """``publish`` with certification of a certified connector without changes (400)."""

    code: ClassVar[str] = "ConnectorAlreadyCertified"

    @property
    def message(self) -> str:
        return "The ConnectorStaged is already certified"


@attrs.frozen(field_transformer=typed)
class ConnectorStagedNotPreviewable(DomainError):
    """A preview deployment of a connector whose ``isPreviewable`` is not ``true`` (400)."""

    code: ClassVar[str] = "ConnectorStagedNotPreviewable"

    resource_id: str
    resource_key: str | None
    version: int

    @property
    def message(self) -> str:
        return (
            f"Connector {_resource(self.resource_id, self.resource_key)} with version {self.version} is not previewable"
        )


@attrs.frozen(field_transformer=typed)
class ResourceNotFound(DomainError):
    """No resource has this id or key (404)."""

    code: ClassVar[str] = "ResourceNotFound"
    status_code: ClassVar[int] = 404

    id: str | None = None
    key: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.id is None) == (self.key is None):
            raise ValueError("ResourceNotFound names exactly one of id and key")

    @property
    def message(self) -> str:
        if self.key is not None:
            return f"The Resource with key '{self.key}' was not found."
        return f"The Resource with ID '{self.id}' was not found."


@attrs.frozen(field_transformer=typed)
class DuplicateField(DomainError):
    """A value that must be unique (a key) is already used (400)."""

    code: ClassVar[str] = "DuplicateField"
    extra_fields: ClassVar[Mapping[str, str]] = {
        "field": "field",
        "duplicate_value": "duplicateValue",
    }

    field: str
    #: The value already used; the one unique field, ``key``, is a string.
    duplicate_value: str

    @property
    def message(self) -> str:
        return f"A duplicate value {self.duplicate_value} exists for field {self.field}."


@attrs.frozen(field_transformer=typed)
class DeploymentUnsupportedRegion(DomainError):
    """A deployment in a region outside ``supportedRegions`` (400)."""

    code: ClassVar[str] = "DeploymentUnsupportedRegion"

    region: str

    @property
    def message(self) -> str:
        return f"Deployment unsupported region {self.region}"


@attrs.frozen(field_transformer=typed)
class ConnectorReferenceNotFound(DomainError):
    """A deployment references a Connector that does not exist for the project (400)."""

    code: ClassVar[str] = "ConnectorReferenceNotFound"

    identifier: str
    version: int

    @property
    def message(self) -> str:
        return f"Connector '{self.identifier}' with version {self.version} not found"


# --- The Deployment's errors ----------------------------------------------------------
# Templates as connect-deployments-facts.md copies them from the RAML; "(secret|standard)"
# is filled in with the kind of the key, and every one of them is 400 (see the module's docstring).


def _kind(secured: bool) -> str:
    # The templates' alternatives: "(secret|standard)".
    return "secret" if secured else "standard"


@attrs.frozen(field_transformer=typed)
class InvalidDeploymentOperation(DomainError):
    """The Deployment's status forbids this input: code ``InvalidOperation`` (400; deployments.md, "-").

    The ConnectorStaged's ``InvalidOperation`` names a ``ConnectorStatus``;
    this one names a Deployment's status by its wire value (``Deployed``),
    as its own class because this module cannot import the deployment's enum.
    ``input_name`` is the input's name (``redeploy``, ``delete``) or, for a
    service event, its class name.
    """

    code: ClassVar[str] = "InvalidOperation"

    input_name: str
    status: str

    @property
    def message(self) -> str:
        return f"{self.input_name} is not allowed while the Deployment is in status {self.status}"


@attrs.frozen(field_transformer=typed)
class DeploymentInvalidStatusTransition(DomainError):
    """``redeploy`` or ``delete`` in a status that is already on its way (400; deployments.md, "Already x").

    ``status`` is the Deployment's status by its wire value; the message says
    "Already" and that status in lower case (``Already queued``). The RAML's
    template writes ``\\:``, an escape: the message has a plain colon.
    """

    code: ClassVar[str] = "DeploymentInvalidStatusTransition"

    status: str

    @property
    def message(self) -> str:
        return f"Invalid status change: Already {self.status.lower()}"


@attrs.frozen(field_transformer=typed)
class DeploymentInvalidType(DomainError):
    """A deployment ``type`` the referenced connector does not allow (400).

    ``resource_id`` and ``resource_key`` name the referenced connector,
    ``type`` is the type asked for and ``allowed`` the types it allows, by
    their wire values (``'sandbox' or 'production'`` when there are two:
    the template has room for one).
    """

    code: ClassVar[str] = "DeploymentInvalidType"

    resource_id: str
    resource_key: str | None
    type: str
    allowed: tuple[str, ...]

    @property
    def message(self) -> str:
        allowed = " or ".join(f"'{t}'" for t in self.allowed)
        return (
            f"The Connector {_resource(self.resource_id, self.resource_key)} cannot be deployed as a "
            f"'{self.type}' type. Only {allowed} types are allowed."
        )


@attrs.frozen(field_transformer=typed)
class DeploymentProductionDeactivated(DomainError):
    """A ``production`` deployment into a project whose production deployments are disabled (400)."""

    code: ClassVar[str] = "DeploymentProductionDeactivated"

    @property
    def message(self) -> str:
        return (
            "Deployments to production are disabled for this Project. "
            "Please contact support to enable production deployments."
        )


@attrs.frozen(field_transformer=typed)
class DeploymentApplicationRequired(DomainError):
    """A deployment with no application (400): a connector without configurations, or ``configurationValues: []``."""

    code: ClassVar[str] = "DeploymentApplicationRequired"

    @property
    def message(self) -> str:
        return "A Deployment requires at least one application"


@attrs.frozen(field_transformer=typed)
class DeploymentUnknownApplicationConfiguration(DomainError):
    """Values for an application the connector does not have (400)."""

    code: ClassVar[str] = "DeploymentUnknownApplicationConfiguration"

    unknown_application_name: str

    @property
    def message(self) -> str:
        return f"Deployment does not require configuration for application named '{self.unknown_application_name}'."


@attrs.frozen(field_transformer=typed)
class DeploymentUnknownApplicationConfigurationKey(DomainError):
    """A value for a key the application does not declare, of its kind: standard, or secret when *secured* (400)."""

    code: ClassVar[str] = "DeploymentUnknownApplicationConfigurationKey"

    secured: bool
    configuration_key: str
    application_name: str

    @property
    def message(self) -> str:
        return (
            f"Deployment does not require {_kind(self.secured)} configuration with key {self.configuration_key} "
            f"for application named {self.application_name}."
        )


@attrs.frozen(field_transformer=typed)
class DeploymentUnknownGlobalConfigurationKey(DomainError):
    """A global value for a key the connector does not declare, of its kind (400)."""

    code: ClassVar[str] = "DeploymentUnknownGlobalConfigurationKey"

    secured: bool
    configuration_key: str

    @property
    def message(self) -> str:
        return (
            f"Deployment global configuration does not require {_kind(self.secured)} with key {self.configuration_key}."
        )


@attrs.frozen(field_transformer=typed)
class DeploymentMissingGlobalConfigurationKey(DomainError):
    """A global key the connector declares ``required``, without a value (400)."""

    code: ClassVar[str] = "DeploymentMissingGlobalConfigurationKey"

    secured: bool
    configuration_key: str

    @property
    def message(self) -> str:
        return f"Deployment global configuration requires {_kind(self.secured)} with key {self.configuration_key}."


@attrs.frozen(field_transformer=typed)
class DeploymentEmptyRequiredGlobalConfigurationKey(DomainError):
    """A global key the connector declares ``required``, given as ``""`` (400)."""

    code: ClassVar[str] = "DeploymentEmptyRequiredGlobalConfigurationKey"

    secured: bool
    configuration_key: str

    @property
    def message(self) -> str:
        return (
            f"Deployment requires a non empty value for {_kind(self.secured)} global configuration "
            f"with key {self.configuration_key}."
        )


@attrs.frozen(field_transformer=typed)
class DeploymentApplicationDoNotBelong(DomainError):
    """``redeploy`` values for an application this Deployment does not have (400).

    ``resource_id`` and ``resource_key`` name the Deployment.
    """

    code: ClassVar[str] = "DeploymentApplicationDoNotBelong"

    resource_id: str
    resource_key: str | None
    application_name: str

    @property
    def message(self) -> str:
        return (
            f"Deployment with {_resource(self.resource_id, self.resource_key)} does not include application: "
            f"{self.application_name}"
        )


@attrs.frozen(field_transformer=typed)
class DeploymentConnectorUpdateFailure(DomainError):
    """``redeploy`` with ``updateConnector`` that cannot move to the connector's current version (400).

    The template names both resources with the same placeholders
    (``$resourceId``/``$resourceKey``, R7 of the facts): the first pair is
    the Deployment's, the second the connector's.
    """

    code: ClassVar[str] = "DeploymentConnectorUpdateFailure"

    deployment_id: str
    deployment_key: str | None
    connector_id: str
    connector_key: str | None
    cause: str

    @property
    def message(self) -> str:
        return (
            f"Deployment with {_resource(self.deployment_id, self.deployment_key)} failed while trying to update "
            f"Connector {_resource(self.connector_id, self.connector_key)} (cause: {self.cause})"
        )


@attrs.frozen(field_transformer=typed)
class DeploymentApplicationDoesNotExist(DomainError):
    """A logs query for an application the Deployment does not have (400)."""

    code: ClassVar[str] = "DeploymentApplicationDoesNotExist"

    resource_name: str

    @property
    def message(self) -> str:
        return f"Deployment does not have an application named {self.resource_name}."


@attrs.frozen(field_transformer=typed)
class DeploymentLogInvalidDate(DomainError):
    """A logs query whose ``startDate``/``endDate`` are invalid (400)."""

    code: ClassVar[str] = "DeploymentLogInvalidDate"

    @property
    def message(self) -> str:
        return "Invalid start/end date"


@attrs.frozen(field_transformer=typed)
class DeploymentLogInvalidPageToken(DomainError):
    """A logs query with a ``pageToken`` the server did not issue (400)."""

    code: ClassVar[str] = "DeploymentLogInvalidPageToken"

    page_token: str

    @property
    def message(self) -> str:
        return f"Invalid page token: {self.page_token}"


@attrs.frozen(field_transformer=typed)
class DeploymentLogMissingApplicationName(DomainError):
    """A logs query of an AWS deployment without ``applicationName`` (400)."""

    code: ClassVar[str] = "DeploymentLogMissingApplicationName"

    @property
    def message(self) -> str:
        return "Missing application name when fetching deployment logs"
