"""Error values: a bare DomainError cannot exist, every error reads well, inputs have one name."""

from __future__ import annotations

from typing import ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_domain import (
    ConnectorStatus,
    DomainError,
    InvalidOperation,
    IsPreviewable,
    PublishingSucceeded,
    ResourceNotFound,
    SetName,
    errors,
    reducer,
)
from connector_domain._fields import typed
from connector_domain.actions import input_name

ERROR_CLASSES = sorted(
    (
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, DomainError) and value is not DomainError
    ),
    key=lambda cls: cls.__name__,
)


class TestDomainError:
    """The base class is only a base."""

    def test_cannot_be_built_bare(self) -> None:
        """DomainError() raises TypeError: it has no code and no message."""
        with pytest.raises(TypeError, match=r"^DomainError is the base of the errors: build one of its subclasses$"):
            DomainError()

    def test_every_error_class_is_found(self) -> None:
        """The module's errors are the ones listed in its __all__."""
        assert {cls.__name__ for cls in ERROR_CLASSES} == set(errors.__all__) - {"DomainError"}

    @pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
    @given(data=st.data())
    def test_str_is_code_and_message(self, cls: type[DomainError], data: st.DataObject) -> None:
        """str() of every error is its code, a colon, its documented message, and its detail when it has one."""
        error = data.draw(st.from_type(cls))
        detail = getattr(error, "detailed_error_message", "")
        assert str(error) == f"{error.code}: {error.message}" + (f" ({detail})" if detail else "")
        assert str(error) != repr(error)

    def test_str_of_a_detailed_error_names_the_detail(self) -> None:
        """The detail of an InvalidJsonInput, the part that says what is wrong, is in its str()."""
        error = errors.InvalidJsonInput("actions[0].name: required field missing")
        assert str(error) == (
            "InvalidJsonInput: Request body does not contain valid JSON. (actions[0].name: required field missing)"
        )

    def test_resource_not_found_names_exactly_one_of_id_and_key(self) -> None:
        """A ResourceNotFound without id or key, or with both, cannot be built."""
        with pytest.raises(ValueError, match=r"^ResourceNotFound names exactly one of id and key$"):
            errors.ResourceNotFound()
        with pytest.raises(ValueError, match="exactly one"):
            errors.ResourceNotFound(id="a", key="b")

    def test_str_example(self) -> None:
        """An InvalidOperation reads as its code and the sentence a user sees."""
        error = InvalidOperation("setName", ConnectorStatus.PROCESSING)
        assert (
            str(error) == "InvalidOperation: setName is not allowed while the ConnectorStaged is in status Processing"
        )

    def test_fields_are_typed(self) -> None:
        """An error's own fields refuse a wrong type, naming the field."""
        with pytest.raises(TypeError, match=r"^InvalidOperation\.status: expected ConnectorStatus, got str 'Draft'$"):
            InvalidOperation("setName", "Draft")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"^ResourceNotFound\.id: "):
            ResourceNotFound(id=3)  # type: ignore[arg-type]
        assert attrs.evolve(ResourceNotFound(key="k"), key="j") == ResourceNotFound(key="j")


#: One example of every error: (error, code, HTTP status, message, wire extras).
EXAMPLES: list[tuple[DomainError, str, int, str, dict[str, object]]] = [
    (
        errors.InvalidJsonInput("name: required"),
        "InvalidJsonInput",
        400,
        "Request body does not contain valid JSON.",
        {"detailedErrorMessage": "name: required"},
    ),
    (
        errors.InvalidQueryParam("limit: not an integer"),
        "InvalidQueryParam",
        400,
        "Request query param is not valid",
        {"detailedErrorMessage": "limit: not an integer"},
    ),
    (errors.AuthenticationError(), "AuthenticationError", 401, "Bad credentials or Client ID is not defined", {}),
    (errors.AuthorizationError(), "AuthorizationError", 403, "Access denied", {}),
    (
        errors.InvalidPathParam("key: empty"),
        "InvalidPathParam",
        400,
        "Request path param is not valid",
        {"detailedErrorMessage": "key: empty"},
    ),
    (
        InvalidOperation("setName", ConnectorStatus.PROCESSING),
        "InvalidOperation",
        400,
        "setName is not allowed while the ConnectorStaged is in status Processing",
        {},
    ),
    (
        InvalidOperation("unlist", ConnectorStatus.DRAFT, "Only a certified and listed Connector can be unlisted"),
        "InvalidOperation",
        400,
        "Only a certified and listed Connector can be unlisted",
        {},
    ),
    (
        InvalidOperation.preview_not_pending("PreviewableSucceeded", ConnectorStatus.DRAFT, IsPreviewable.TRUE),
        "InvalidOperation",
        400,
        "PreviewableSucceeded is not allowed while isPreviewable is true (only while pending)",
        {},
    ),
    (
        errors.ConcurrentModification("id-1", "k1", 7, 1),
        "ConcurrentModification",
        409,
        "Object id=id-1 or key=k1 has a different version than expected. Expected: 7 - Actual: 1",
        {"expectedVersion": 7, "currentVersion": 1},
    ),
    (
        errors.ConcurrentModification("id-1", None, 7, None),
        "ConcurrentModification",
        409,
        "Object id=id-1 or key= has a different version than expected. Expected: 7 - Actual: None",
        {"expectedVersion": 7},
    ),
    (
        errors.ConnectorStagedNotPrivate("id-1", "k1"),
        "ConnectorStagedNotPrivate",
        400,
        "The operation is not valid because ConnectorStaged with id=id-1 or key=k1 is not private",
        {},
    ),
    (
        errors.ConnectorStagedPreviewRequestUnderProcess(),
        "ConnectorStagedPreviewRequestUnderProcess",
        400,
        "The ConnectorStaged preview request is already in progress",
        {},
    ),
    (
        errors.ConnectorStagedInCertification(),
        "ConnectorStagedInCertification",
        400,
        "The ConnectorStaged is already in certification",
        {},
    ),
    (
        errors.ConnectorAlreadyCertified(),
        "ConnectorAlreadyCertified",
        400,
        "The ConnectorStaged is already certified",
        {},
    ),
    (
        errors.ConnectorStagedNotPreviewable("id-1", None, 3),
        "ConnectorStagedNotPreviewable",
        400,
        "Connector id=id-1 or key= with version 3 is not previewable",
        {},
    ),
    (
        ResourceNotFound(id="id-1"),
        "ResourceNotFound",
        404,
        "The Resource with ID 'id-1' was not found.",
        {},
    ),
    (
        ResourceNotFound(key="k1"),
        "ResourceNotFound",
        404,
        "The Resource with key 'k1' was not found.",
        {},
    ),
    (
        errors.DuplicateField("key", "k1"),
        "DuplicateField",
        400,
        "A duplicate value k1 exists for field key.",
        {"field": "key", "duplicateValue": "k1"},
    ),
    (
        errors.DeploymentUnsupportedRegion("us-east-2.aws"),
        "DeploymentUnsupportedRegion",
        400,
        "Deployment unsupported region us-east-2.aws",
        {},
    ),
    (
        errors.ConnectorReferenceNotFound("connector-key", 2),
        "ConnectorReferenceNotFound",
        400,
        "Connector 'connector-key' with version 2 not found",
        {},
    ),
    # The Deployment's errors (connect-deployments-facts.md, Errors relevant to Deployments): 400 each.
    (
        errors.InvalidDeploymentOperation("DeploymentStarted", "Deployed"),
        "InvalidOperation",
        400,
        "DeploymentStarted is not allowed while the Deployment is in status Deployed",
        {},
    ),
    (
        errors.DeploymentInvalidStatusTransition("Queued"),
        "DeploymentInvalidStatusTransition",
        400,
        "Invalid status change: Already queued",
        {},
    ),
    (
        errors.DeploymentInvalidStatusTransition("Deploying"),
        "DeploymentInvalidStatusTransition",
        400,
        "Invalid status change: Already deploying",
        {},
    ),
    (
        errors.DeploymentInvalidStatusTransition("Undeploying"),
        "DeploymentInvalidStatusTransition",
        400,
        "Invalid status change: Already undeploying",
        {},
    ),
    (
        errors.DeploymentInvalidType("id-1", "k1", "sandbox", ("preview",)),
        "DeploymentInvalidType",
        400,
        "The Connector id=id-1 or key=k1 cannot be deployed as a 'sandbox' type. Only 'preview' types are allowed.",
        {},
    ),
    (
        errors.DeploymentInvalidType("id-1", None, "preview", ("sandbox", "production")),
        "DeploymentInvalidType",
        400,
        "The Connector id=id-1 or key= cannot be deployed as a 'preview' type. "
        "Only 'sandbox' or 'production' types are allowed.",
        {},
    ),
    (
        errors.DeploymentProductionDeactivated(),
        "DeploymentProductionDeactivated",
        400,
        "Deployments to production are disabled for this Project. "
        "Please contact support to enable production deployments.",
        {},
    ),
    (
        errors.DeploymentApplicationRequired(),
        "DeploymentApplicationRequired",
        400,
        "A Deployment requires at least one application",
        {},
    ),
    (
        errors.DeploymentUnknownApplicationConfiguration("app-9"),
        "DeploymentUnknownApplicationConfiguration",
        400,
        "Deployment does not require configuration for application named 'app-9'.",
        {},
    ),
    (
        errors.DeploymentUnknownApplicationConfigurationKey(False, "CONFIG_KEY", "app-1"),
        "DeploymentUnknownApplicationConfigurationKey",
        400,
        "Deployment does not require standard configuration with key CONFIG_KEY for application named app-1.",
        {},
    ),
    (
        errors.DeploymentUnknownApplicationConfigurationKey(True, "SECRET", "app-1"),
        "DeploymentUnknownApplicationConfigurationKey",
        400,
        "Deployment does not require secret configuration with key SECRET for application named app-1.",
        {},
    ),
    (
        errors.DeploymentUnknownGlobalConfigurationKey(False, "GLOBAL"),
        "DeploymentUnknownGlobalConfigurationKey",
        400,
        "Deployment global configuration does not require standard with key GLOBAL.",
        {},
    ),
    (
        errors.DeploymentMissingGlobalConfigurationKey(True, "GLOBAL_SECRET"),
        "DeploymentMissingGlobalConfigurationKey",
        400,
        "Deployment global configuration requires secret with key GLOBAL_SECRET.",
        {},
    ),
    (
        errors.DeploymentEmptyRequiredGlobalConfigurationKey(False, "GLOBAL"),
        "DeploymentEmptyRequiredGlobalConfigurationKey",
        400,
        "Deployment requires a non empty value for standard global configuration with key GLOBAL.",
        {},
    ),
    (
        errors.DeploymentApplicationDoNotBelong("dep-1", "deployment-key", "app-9"),
        "DeploymentApplicationDoNotBelong",
        400,
        "Deployment with id=dep-1 or key=deployment-key does not include application: app-9",
        {},
    ),
    (
        errors.DeploymentConnectorUpdateFailure(
            "dep-1", None, "con-1", "connector-key", "application app-1 was removed"
        ),
        "DeploymentConnectorUpdateFailure",
        400,
        "Deployment with id=dep-1 or key= failed while trying to update Connector id=con-1 or key=connector-key "
        "(cause: application app-1 was removed)",
        {},
    ),
    (
        errors.DeploymentApplicationDoesNotExist("app-9"),
        "DeploymentApplicationDoesNotExist",
        400,
        "Deployment does not have an application named app-9.",
        {},
    ),
    (
        errors.DeploymentLogInvalidDate(),
        "DeploymentLogInvalidDate",
        400,
        "Invalid start/end date",
        {},
    ),
    (
        errors.DeploymentLogInvalidPageToken("not-a-token"),
        "DeploymentLogInvalidPageToken",
        400,
        "Invalid page token: not-a-token",
        {},
    ),
    (
        errors.DeploymentLogMissingApplicationName(),
        "DeploymentLogMissingApplicationName",
        400,
        "Missing application name when fetching deployment logs",
        {},
    ),
]


class TestEveryError:
    """Each error's code, HTTP status, message and extra fields, one example per message form."""

    @pytest.mark.parametrize(
        ("error", "code", "status_code", "message", "extras"),
        EXAMPLES,
        ids=lambda value: type(value).__name__ if isinstance(value, DomainError) else "",
    )
    def test_code_status_message_and_extras(
        self, error: DomainError, code: str, status_code: int, message: str, extras: dict[str, object]
    ) -> None:
        """The error carries its documented code, HTTP status, filled-in message and extras (absent ones left out)."""
        assert (error.code, error.status_code, error.message, error.wire_extras()) == (
            code,
            status_code,
            message,
            extras,
        )

    def test_every_class_has_an_example(self) -> None:
        """The examples above cover every error class."""
        assert {type(error) for error, *_ in EXAMPLES} == set(ERROR_CLASSES)

    def test_a_subclass_without_a_message_has_none(self) -> None:
        """A subclass that does not implement message raises NotImplementedError when asked for one."""

        @attrs.frozen(field_transformer=typed)
        class Undocumented(DomainError):
            code: ClassVar[str] = "Undocumented"

        with pytest.raises(NotImplementedError):
            _ = Undocumented().message

    def test_every_deployment_code_of_the_facts_has_a_class(self) -> None:
        """Each error code connect-deployments-facts.md lists for Deployments and their logs has its class."""
        codes = {cls.code for cls in ERROR_CLASSES}
        assert {
            "ConnectorStagedNotPreviewable", "ConnectorReferenceNotFound", "DeploymentUnsupportedRegion",
            "DeploymentUnknownApplicationConfiguration", "DeploymentUnknownApplicationConfigurationKey",
            "DeploymentInvalidType", "DeploymentProductionDeactivated", "DeploymentInvalidStatusTransition",
            "DeploymentApplicationDoNotBelong", "DeploymentApplicationRequired", "DeploymentConnectorUpdateFailure",
            "DeploymentUnknownGlobalConfigurationKey", "DeploymentMissingGlobalConfigurationKey",
            "DeploymentEmptyRequiredGlobalConfigurationKey", "DeploymentApplicationDoesNotExist",
            "DeploymentLogInvalidDate", "DeploymentLogInvalidPageToken", "DeploymentLogMissingApplicationName",
        } <= codes  # fmt: skip

    def test_every_deployment_error_is_a_400(self) -> None:
        """No error type declares a status; the Deployment's refusals are 400, as the ConnectorStaged's own are."""
        for cls in ERROR_CLASSES:
            if cls.code.startswith("Deployment") or cls is errors.InvalidDeploymentOperation:
                assert cls.status_code == 400, cls

    def test_str_without_detail_is_code_and_message_only(self) -> None:
        """An error with an empty detail reads as its code and message, with no empty parentheses."""
        assert str(errors.InvalidQueryParam("")) == "InvalidQueryParam: Request query param is not valid"


class TestInputName:
    """One function names an input kind for messages and docs."""

    def test_an_action_by_its_wire_name(self) -> None:
        """An action class is named as the wire names it."""
        assert input_name(SetName) == "setName"

    def test_a_service_event_by_its_class_name(self) -> None:
        """A service event class is named by its class name."""
        assert input_name(PublishingSucceeded) == "PublishingSucceeded"

    def test_there_is_only_one(self) -> None:
        """The reducer has no second input_name of its own."""
        assert not hasattr(reducer, "input_name")
