"""The entities and enums of the ConnectorStaged resource, as immutable values.

Every class here is a frozen, slotted attrs class whose sequences are tuples.
Field names are the API's in snake_case (the codec writes the camelCase wire
names). Values that the API reference constrains with a pattern, a length or a
URL form are checked when they are built, with full-string matching, so an
invalid value cannot exist: the constructor raises :class:`ValueError`.

Optional fields are ``None`` when absent. The two optional booleans that the
wire sometimes omits (``ConnectorStaged.certified`` and a configuration key's
``required``) are ``None`` when absent, so that absent and ``false`` stay apart
and a document round-trips unchanged.

Source: ``connect-api-facts.md`` (Types, Enums).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

import attrs

__all__ = [
    "APPLICATION_NAME_PATTERN",
    "GITHUB_URL_PATTERN",
    "KEY_PATTERN",
    "PROJECT_IDENTIFIER_PATTERN",
    "ApplicationType",
    "CertificationInfo",
    "CertificationInfoComment",
    "Connector",
    "ConnectorApiClient",
    "ConnectorConfigurationApplication",
    "ConnectorGlobalConfiguration",
    "ConnectorReport",
    "ConnectorReportEntry",
    "ConnectorReportEntryType",
    "ConnectorStaged",
    "ConnectorStagedDraft",
    "ConnectorStagedPagedQueryResponse",
    "ConnectorStatus",
    "Creator",
    "IntegrationType",
    "IsPreviewable",
    "Region",
    "Repository",
    "SecuredConfigurationKey",
    "StandardConfigurationKey",
    "check_application_name",
    "check_key",
    "check_project_identifier",
    "check_repository_tag",
    "check_repository_url",
]


# --- Enums -----------------------------------------------------------------


class ConnectorStatus(enum.Enum):
    """Lifecycle status of a ConnectorStaged (wire: ``ConnectorStatus``)."""

    DRAFT = "Draft"
    PROCESSING = "Processing"
    READY_FOR_CERTIFICATION = "ReadyForCertification"
    IN_CERTIFICATION = "InCertification"
    PUBLISHED = "Published"
    FAILED = "Failed"


class IsPreviewable(enum.Enum):
    """Previewable status; on the wire these are strings, never JSON booleans."""

    TRUE = "true"
    FALSE = "false"
    PENDING = "pending"
    NONE = "none"


class Region(enum.Enum):
    """A region a Connector can be deployed in (wire: ``Region``)."""

    EUROPE_WEST1_GCP = "europe-west1.gcp"
    US_CENTRAL1_GCP = "us-central1.gcp"
    AUSTRALIA_SOUTHEAST1_GCP = "australia-southeast1.gcp"
    US_EAST_2_AWS = "us-east-2.aws"
    EU_CENTRAL_1_AWS = "eu-central-1.aws"


class IntegrationType(enum.Enum):
    """A category of integration, used as a query and search facet."""

    TAX = "tax"
    MARKETPLACE = "marketplace"
    OMS = "oms"
    PSP = "psp"
    PIM = "pim"
    PROMOTION = "promotion"
    SEARCH = "search"
    ERP = "erp"
    CRM = "crm"
    EMAIL = "email"
    ANALYTICS = "analytics"
    SHIPPING = "shipping"
    GIFTCARD = "giftcard"
    OTHER = "other"


class ConnectorReportEntryType(enum.Enum):
    """Severity of a report entry (wire: ``ConnectorReportEntryType``)."""

    INFORMATION = "Information"
    WARNING = "Warning"
    ERROR = "Error"


class ApplicationType(enum.Enum):
    """Kind of a Connect application.

    The RAML enum has six values; the ConnectorStaged docs page also names
    ``mc-app`` (and the ``connect.yaml`` schema accepts it), so all seven are
    accepted.
    """

    SERVICE = "service"
    EVENT = "event"
    JOB = "job"
    MERCHANT_CENTER_CUSTOM_APPLICATION = "merchant-center-custom-application"
    MERCHANT_CENTER_CUSTOM_VIEW = "merchant-center-custom-view"
    ASSETS = "assets"
    MC_APP = "mc-app"


# --- Documented patterns -----------------------------------------------------

#: ``key`` of a ConnectorStaged, a draft and a Connector (length 2..256).
KEY_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]+")
#: ``applicationName`` of a configuration application (length 2..256).
APPLICATION_NAME_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]+")
#: ProjectIdentifier, ``{region}:{projectKey}``.
PROJECT_IDENTIFIER_PATTERN: Final = re.compile(r"[a-zA-Z0-9-_.]+:[a-zA-Z0-9-_]{2,36}")
#: The HTTPS or SSH form of a GitHub repository URL, optionally ending in ``.git``.
GITHUB_URL_PATTERN: Final = re.compile(
    # owner and repo: letters, digits, "_", ".", "-", and not dots alone ("..").
    r"(?:https://github\.com/|git@github\.com:)"
    r"[A-Za-z0-9_.-]*[A-Za-z0-9_-][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]*[A-Za-z0-9_-][A-Za-z0-9_.-]*"
)

# The wire spelling of each pattern, as the reference writes it (anchored).
_WIRE_PATTERN: Final = {
    KEY_PATTERN.pattern: "^[A-Za-z0-9_-]+$",
    APPLICATION_NAME_PATTERN.pattern: "^[A-Za-z0-9_-]+$",
    PROJECT_IDENTIFIER_PATTERN.pattern: "^[a-zA-Z0-9-_.]+:[a-zA-Z0-9-_]{2,36}$",
}


def _check_pattern(value: object, pattern: re.Pattern[str], *, min_len: int = 0, max_len: int = 0) -> None:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    # fullmatch, not match with $: "$" also matches before a trailing newline.
    if pattern.fullmatch(value) is None:
        raise ValueError(f"{value!r} does not match {_WIRE_PATTERN.get(pattern.pattern, pattern.pattern)}")
    if max_len and not min_len <= len(value) <= max_len:
        raise ValueError(f"{value!r} must be {min_len} to {max_len} characters long, not {len(value)}")


def check_key(value: object) -> None:
    """Raise ValueError unless *value* is a valid key: ``^[A-Za-z0-9_-]+$``, 2..256."""
    _check_pattern(value, KEY_PATTERN, min_len=2, max_len=256)


def check_application_name(value: object) -> None:
    """Raise ValueError unless *value* is a valid applicationName: ``^[A-Za-z0-9_-]+$``, 2..256."""
    _check_pattern(value, APPLICATION_NAME_PATTERN, min_len=2, max_len=256)


def check_project_identifier(value: object) -> None:
    """Raise ValueError unless *value* matches ``^[a-zA-Z0-9-_.]+:[a-zA-Z0-9-_]{2,36}$``."""
    _check_pattern(value, PROJECT_IDENTIFIER_PATTERN)


def check_repository_url(value: object) -> None:
    """Raise ValueError unless *value* is an HTTPS or SSH GitHub repository URL.

    Accepted: ``https://github.com/owner/repo[.git]`` and
    ``git@github.com:owner/repo[.git]`` (decision: the reference says only
    "HTTPS or SSH GitHub URL").
    """
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    if GITHUB_URL_PATTERN.fullmatch(value) is None:
        raise ValueError(
            f"{value!r} is not a GitHub repository URL (https://github.com/owner/repo or git@github.com:owner/repo)"
        )


def check_repository_tag(value: object) -> None:
    """Raise ValueError unless *value* is a non-empty git tag."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    if not value:
        raise ValueError("the tag must not be empty")


# --- Field helpers -----------------------------------------------------------
# A field's check is kept in its metadata ("check" for the value, "item_check"
# for each item of a tuple), so the codec can run it while structuring that one
# field and name the field (and the item) in its error path.

Check = Callable[[Any], None]


def _validator(check: Check) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def validate(_instance: Any, _attribute: attrs.Attribute[Any], value: Any) -> None:
        check(value)

    return validate


def _optional(check: Check) -> Check:
    def optional(value: Any) -> None:
        if value is not None:
            check(value)

    return optional


def _each(check: Check) -> Check:
    def each(value: Any) -> None:
        for item in value:
            check(item)

    return each


class WrongTypeError(TypeError, ValueError):
    """A value of the wrong type given to a constructor.

    Both a ``TypeError`` and a ``ValueError``: an action or value built with
    an invalid payload raises ``ValueError``, whatever is wrong with it.
    """


def _type_name(kind: type) -> str:
    return {str: "a string", int: "an integer", bool: "a boolean", tuple: "a tuple"}.get(kind, kind.__name__)


def _is(kind: type) -> Check:
    """A check that the value is a *kind* (an ``int`` is never a ``bool``)."""

    def is_kind(value: Any) -> None:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise WrongTypeError(f"expected {_type_name(kind)}, got {type(value).__name__} {value!r}")

    return is_kind


_tuple = _is(tuple)


def utc_millisecond(value: datetime) -> datetime:
    """*value* in UTC, to the millisecond, as the API keeps datetimes; ValueError unless aware."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got {value!r}")
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{value!r} is out of the range of UTC datetimes") from None
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _moment() -> Any:
    """A datetime field, kept in UTC to the millisecond."""
    return attrs.field(converter=utc_millisecond)


def _of(kind: type, **kwargs: Any) -> Any:
    """A field whose value must be a *kind* (or None, when its default is None)."""
    check = _is(kind)
    if kwargs.get("default", attrs.NOTHING) is None:
        check = _optional(check)
    return attrs.field(validator=_validator(check), **kwargs)


def _checked(check: Check, **kwargs: Any) -> Any:
    """An attrs field whose value is checked by *check* (also from the codec)."""
    return attrs.field(validator=_validator(check), metadata={"check": check}, **kwargs)


def _seq(item_check: Check | None = None, *, of: type | None = None, optional: bool = False, **kwargs: Any) -> Any:
    """A tuple field, its items of type *of* and checked by *item_check* when given.

    Lists are refused, so instances stay hashable and immutable. The codec
    builds tuples of the right types itself and runs only the item check
    (kept in the metadata).
    """
    checks = [_tuple]
    if of is not None:
        checks.append(_each(_is(of)))
    if item_check is not None:
        checks.append(_each(item_check))
    check: Check = _all(*checks)
    metadata = {} if item_check is None else {"item_check": item_check}
    if optional:
        check = _optional(check)
        kwargs.setdefault("default", None)
    return attrs.field(validator=_validator(check), metadata=metadata, **kwargs)


def _all(*checks: Check) -> Check:
    def every(value: Any) -> None:
        for check in checks:
            check(value)

    return every


# --- Value types -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Creator:
    """Owner details of a connector (wire: ``Creator``)."""

    email: str
    name: str | None = None
    title: str | None = None
    company: str | None = None
    logo_url: str | None = None
    no_of_contributors: int | None = None
    support_url: str | None = None


@attrs.frozen(kw_only=True)
class Repository:
    """The GitHub repository and git tag holding a connector's applications."""

    url: str = _checked(check_repository_url)
    tag: str = _checked(check_repository_tag)


@attrs.frozen(kw_only=True)
class StandardConfigurationKey:
    """A plain environment variable an application declares.

    ``required`` is ``None`` when the wire omits it (the API's default is false).
    """

    key: str
    description: str
    default: str | None = None
    required: bool | None = None


@attrs.frozen(kw_only=True)
class SecuredConfigurationKey:
    """A secret environment variable an application declares (no default value)."""

    key: str
    description: str
    required: bool | None = None


@attrs.frozen(kw_only=True)
class ConnectorConfigurationApplication:
    """The configuration one application of the connector declares in ``connect.yaml``."""

    application_name: str = _checked(check_application_name)
    application_type: ApplicationType = _of(ApplicationType)
    standard_configuration: tuple[StandardConfigurationKey, ...] = _seq()
    secured_configuration: tuple[SecuredConfigurationKey, ...] = _seq()


@attrs.frozen(kw_only=True)
class ConnectorGlobalConfiguration:
    """Configuration shared by every application of a deployment."""

    standard_configuration: tuple[StandardConfigurationKey, ...] | None = _seq(optional=True)
    secured_configuration: tuple[SecuredConfigurationKey, ...] | None = _seq(optional=True)


@attrs.frozen(kw_only=True)
class ConnectorApiClient:
    """Scopes of the API client credentials generated for a deployment."""

    scopes: tuple[str, ...] = _seq()


@attrs.frozen(kw_only=True)
class CertificationInfoComment:
    """One comment of the certification process.

    ``user_id`` is the project key of the commenter (not a ProjectIdentifier);
    ``datetime`` is an aware UTC datetime.
    """

    user_id: str
    datetime: datetime = _moment()
    comment: str


@attrs.frozen(kw_only=True)
class CertificationInfo:
    """The comments exchanged during certification."""

    comments: tuple[CertificationInfoComment, ...] = _seq()


@attrs.frozen(kw_only=True)
class ConnectorReportEntry:
    """One note of a publish or preview report."""

    type: ConnectorReportEntryType = _of(ConnectorReportEntryType)
    title: str
    message: str | None = None
    created_at: datetime = _moment()


@attrs.frozen(kw_only=True)
class ConnectorReport:
    """The notes produced by a publish or preview request."""

    entries: tuple[ConnectorReportEntry, ...] = _seq()


# --- The resource --------------------------------------------------------------


def _published_before_default(self: ConnectorStaged) -> bool:
    # Read from the wire form alone, "published at least once" is
    # `alreadyListed or certified` (lifecycle.md, Effects).
    return self.already_listed or bool(self.certified)


@attrs.frozen(kw_only=True)
class ConnectorStaged:
    """The staged (editable) form of a Connector: the ConnectorStaged resource.

    Two fields are not on the wire and belong to the lossless record form:

    - ``published_before``: a production Connector exists (the status has
      reached Published at least once). Never reverts. When not given it is
      derived from the wire fields as ``already_listed or certified``.
    - ``certification_requested``: the ``certification`` flag of the last
      accepted ``publish``; it decides where ``PublishingSucceeded`` leads from
      Processing. The wire form cannot carry it and reads it as false.
    """

    id: str
    key: str | None = _checked(_optional(check_key), default=None)
    version: int = _of(int)
    name: str
    description: str | None = None
    integration_types: tuple[IntegrationType, ...] = _seq(of=IntegrationType, default=())
    creator: Creator
    repository: Repository
    configurations: tuple[ConnectorConfigurationApplication, ...] = _seq(default=())
    global_configuration: ConnectorGlobalConfiguration | None = None
    api_client: ConnectorApiClient | None = None
    private: bool = _of(bool)
    private_projects: tuple[str, ...] = _seq(check_project_identifier)
    supported_regions: tuple[Region, ...] = _seq(of=Region)
    certification_info: CertificationInfo | None = None
    status: ConnectorStatus = _of(ConnectorStatus, default=ConnectorStatus.DRAFT)
    publishing_report: ConnectorReport | None = None
    already_listed: bool = _of(bool)
    has_changes: bool = _of(bool)
    is_previewable: IsPreviewable = _of(IsPreviewable, default=IsPreviewable.NONE)
    previewable_report: ConnectorReport | None = None
    documentation_url: str | None = None
    certified: bool | None = _of(bool, default=None)
    published_before: bool = attrs.field(default=attrs.Factory(_published_before_default, takes_self=True))
    certification_requested: bool = _of(bool, default=False)


@attrs.frozen(kw_only=True)
class ConnectorStagedDraft:
    """The body of a create request (wire: ``ConnectorStagedDraft``).

    Absent optional lists are ``None``, so the reducer can tell "absent" from
    "empty" (``integrationTypes`` absent becomes ``["other"]``, ``[]`` stays).
    """

    key: str | None = _checked(_optional(check_key), default=None)
    name: str
    description: str | None = None
    integration_types: tuple[IntegrationType, ...] | None = _seq(of=IntegrationType, optional=True)
    creator: Creator
    repository: Repository
    supported_regions: tuple[Region, ...] | None = _seq(of=Region, optional=True)
    private_projects: tuple[str, ...] | None = _seq(check_project_identifier, optional=True)
    documentation_url: str | None = None


@attrs.frozen(kw_only=True)
class ConnectorStagedPagedQueryResponse:
    """One page of a ConnectorStaged query."""

    limit: int
    offset: int
    count: int
    total: int
    results: tuple[ConnectorStaged, ...] = _seq()


@attrs.frozen(kw_only=True)
class Connector:
    """The production, read-only Connector that a successful publish produces.

    ``certified`` is required on the wire for a Connector.
    """

    id: str
    key: str | None = _checked(_optional(check_key), default=None)
    version: int
    name: str
    description: str | None = None
    integration_types: tuple[IntegrationType, ...] = _seq(of=IntegrationType)
    creator: Creator
    repository: Repository
    configurations: tuple[ConnectorConfigurationApplication, ...] | None = _seq(optional=True)
    api_client: ConnectorApiClient | None = None
    private: bool
    global_configuration: ConnectorGlobalConfiguration | None = None
    supported_regions: tuple[Region, ...] = _seq(of=Region)
    certified: bool
    documentation_url: str | None = None
