"""The entities and enums of the ConnectorStaged resource, as immutable values.

Every class here is a frozen, slotted attrs class whose sequences are tuples.
Field names are the API's in snake_case (the codec writes the camelCase wire
names). Every field checks its type, as its annotation gives it, and values
that the API reference constrains with a pattern, a length or a URL form are
checked too, with full-string matching, when they are built; so an invalid
value cannot exist: the constructor raises :class:`ValueError`
(:class:`WrongTypeError`, also a ``TypeError``, for a wrong type). The one
mechanism behind it is ``_fields.typed``.

Optional fields are ``None`` when absent. The two optional booleans that the
wire sometimes omits (``ConnectorStaged.certified`` and a configuration key's
``required``) are ``None`` when absent, so that absent and ``false`` stay apart
and a document round-trips unchanged.

Source: ``connect-api-facts.md`` (Types, Enums).
"""

from __future__ import annotations

import enum
import re
from datetime import datetime
from typing import Final

import attrs

from ._fields import PartProblems, WrongTypeError, checked, checked_items, shown, typed, utc_millisecond

__all__ = [
    "APPLICATION_NAME_PATTERN",
    "GITHUB_URL_PATTERN",
    "KEY_PATTERN",
    "PROJECT_IDENTIFIER_PATTERN",
    "PROJECT_KEY_PATTERN",
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
    "WrongTypeError",
    "check_application_name",
    "check_key",
    "check_project_identifier",
    "check_project_key",
    "check_repository",
    "check_repository_tag",
    "check_repository_url",
    "utc_millisecond",
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
#: A project key: the second part of a ProjectIdentifier, the ``{projectKey}`` of a path and of a scope.
PROJECT_KEY_PATTERN: Final = re.compile(r"[a-zA-Z0-9-_]{2,36}")
#: ProjectIdentifier, ``{region}:{projectKey}``.
PROJECT_IDENTIFIER_PATTERN: Final = re.compile(rf"[a-zA-Z0-9-_.]+:{PROJECT_KEY_PATTERN.pattern}")
#: The HTTPS or SSH form of a GitHub repository URL, optionally ending in ``.git``.
GITHUB_URL_PATTERN: Final = re.compile(
    # owner and repo: letters, digits, "_", ".", "-", and not dots alone ("..").
    # Linear time: each part is a lookahead for a non-dot character, then a
    # possessive run that never gives characters back (Python 3.11), so a long
    # near miss fails in one pass instead of backtracking (quadratic before).
    r"(?:https://github\.com/|git@github\.com:)"
    r"(?=[A-Za-z0-9_.-]*[A-Za-z0-9_-])[A-Za-z0-9_.-]++/(?=[A-Za-z0-9_.-]*[A-Za-z0-9_-])[A-Za-z0-9_.-]++"
)

# The wire spelling of each pattern, as the reference writes it (anchored).
_WIRE_PATTERN: Final = {
    KEY_PATTERN.pattern: "^[A-Za-z0-9_-]+$",
    APPLICATION_NAME_PATTERN.pattern: "^[A-Za-z0-9_-]+$",
    PROJECT_IDENTIFIER_PATTERN.pattern: "^[a-zA-Z0-9-_.]+:[a-zA-Z0-9-_]{2,36}$",
    PROJECT_KEY_PATTERN.pattern: "^[a-zA-Z0-9-_]{2,36}$",
}


def _check_pattern(value: object, pattern: re.Pattern[str], *, min_len: int = 0, max_len: int = 0) -> None:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    # fullmatch, not match with $: "$" also matches before a trailing newline.
    if pattern.fullmatch(value) is None:
        raise ValueError(f"{shown(value)} does not match {_WIRE_PATTERN.get(pattern.pattern, pattern.pattern)}")
    if max_len and not min_len <= len(value) <= max_len:
        raise ValueError(f"{shown(value)} must be {min_len} to {max_len} characters long, not {len(value)}")


def check_key(value: object) -> None:
    """Raise ValueError unless *value* is a valid key: ``^[A-Za-z0-9_-]+$``, 2..256."""
    _check_pattern(value, KEY_PATTERN, min_len=2, max_len=256)


def check_application_name(value: object) -> None:
    """Raise ValueError unless *value* is a valid applicationName: ``^[A-Za-z0-9_-]+$``, 2..256."""
    _check_pattern(value, APPLICATION_NAME_PATTERN, min_len=2, max_len=256)


def check_project_identifier(value: object) -> None:
    """Raise ValueError unless *value* matches ``^[a-zA-Z0-9-_.]+:[a-zA-Z0-9-_]{2,36}$``."""
    _check_pattern(value, PROJECT_IDENTIFIER_PATTERN)


def check_project_key(value: object) -> None:
    """Raise ValueError unless *value* is a project key, ``^[a-zA-Z0-9-_]{2,36}$``: a ProjectIdentifier's end."""
    _check_pattern(value, PROJECT_KEY_PATTERN)


def check_repository_url(value: object) -> None:
    """Raise ValueError unless *value* is an HTTPS or SSH GitHub repository URL.

    Accepted: ``https://github.com/owner/repo[.git]`` and
    ``git@github.com:owner/repo[.git]`` (decision: the reference says only
    "HTTPS or SSH GitHub URL").
    """
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    if GITHUB_URL_PATTERN.fullmatch(value) is None:
        expected = "https://github.com/owner/repo or git@github.com:owner/repo"
        raise ValueError(f"{shown(value)} is not a GitHub repository URL ({expected})")


def check_repository_tag(value: object) -> None:
    """Raise ValueError unless *value* is a non-empty git tag."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    if not value:
        raise ValueError("the tag must not be empty")


def check_repository(value: Repository) -> None:
    """Raise ValueError unless *value* is a repository a client may send: a GitHub URL and a non-empty tag.

    Checked where a client sends a repository (a ConnectorStagedDraft); a
    resource read from the wire takes any strings (lifecycle.md: strict on
    what a client sends, tolerant of what the service answers). The error
    names each part that is wrong (``PartProblems``).
    """
    problems = []
    for part, check in (("url", check_repository_url), ("tag", check_repository_tag)):
        try:
            check(getattr(value, part))
        except ValueError as exc:
            problems.append((part, str(exc)))
    if problems:
        raise PartProblems(problems)


# --- Value types -------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=typed)
class Creator:
    """Owner details of a connector (wire: ``Creator``)."""

    email: str
    name: str | None = None
    title: str | None = None
    company: str | None = None
    logo_url: str | None = None
    no_of_contributors: int | None = None
    support_url: str | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class Repository:
    """The GitHub repository and git tag holding a connector's applications.

    Any strings: a draft checks the URL form and the tag where a client
    sends them (``check_repository``, and ``SetRepository``'s own fields).
    """

    url: str
    tag: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class StandardConfigurationKey:
    """A plain environment variable an application declares.

    ``required`` is ``None`` when the wire omits it (the API's default is false).
    """

    key: str
    description: str
    default: str | None = None
    required: bool | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class SecuredConfigurationKey:
    """A secret environment variable an application declares (no default value)."""

    key: str
    description: str
    required: bool | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class ConnectorConfigurationApplication:
    """The configuration one application of the connector declares in ``connect.yaml``."""

    application_name: str = checked(check_application_name)
    application_type: ApplicationType
    standard_configuration: tuple[StandardConfigurationKey, ...]
    secured_configuration: tuple[SecuredConfigurationKey, ...]


@attrs.frozen(kw_only=True, field_transformer=typed)
class ConnectorGlobalConfiguration:
    """Configuration shared by every application of a deployment."""

    standard_configuration: tuple[StandardConfigurationKey, ...] | None = None
    secured_configuration: tuple[SecuredConfigurationKey, ...] | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class ConnectorApiClient:
    """Scopes of the API client credentials generated for a deployment."""

    scopes: tuple[str, ...]


@attrs.frozen(kw_only=True, field_transformer=typed)
class CertificationInfoComment:
    """One comment of the certification process.

    ``user_id`` is the project key of the commenter (not a ProjectIdentifier);
    ``datetime`` is an aware UTC datetime.
    """

    user_id: str
    datetime: datetime
    comment: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class CertificationInfo:
    """The comments exchanged during certification."""

    comments: tuple[CertificationInfoComment, ...]


@attrs.frozen(kw_only=True, field_transformer=typed)
class ConnectorReportEntry:
    """One note of a publish or preview report."""

    type: ConnectorReportEntryType
    title: str
    message: str | None = None
    created_at: datetime


@attrs.frozen(kw_only=True, field_transformer=typed)
class ConnectorReport:
    """The notes produced by a publish or preview request."""

    entries: tuple[ConnectorReportEntry, ...]


# --- The resource --------------------------------------------------------------


def _published_before_default(self: ConnectorStaged) -> bool:
    # Read from the wire form alone, "published at least once" is
    # `alreadyListed or certified` (lifecycle.md, Effects).
    return self.already_listed or bool(self.certified)


@attrs.frozen(kw_only=True, field_transformer=typed)
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
    key: str | None = checked(check_key, default=None)
    version: int
    name: str
    description: str = ""
    integration_types: tuple[IntegrationType, ...] = ()
    creator: Creator
    repository: Repository
    configurations: tuple[ConnectorConfigurationApplication, ...] = ()
    global_configuration: ConnectorGlobalConfiguration | None = None
    api_client: ConnectorApiClient | None = None
    private: bool
    private_projects: tuple[str, ...] = checked_items(check_project_identifier)
    supported_regions: tuple[Region, ...]
    certification_info: CertificationInfo | None = None
    status: ConnectorStatus = ConnectorStatus.DRAFT
    publishing_report: ConnectorReport | None = None
    already_listed: bool
    has_changes: bool
    is_previewable: IsPreviewable = IsPreviewable.NONE
    previewable_report: ConnectorReport | None = None
    documentation_url: str | None = None
    certified: bool | None = None
    published_before: bool = attrs.field(default=attrs.Factory(_published_before_default, takes_self=True))
    certification_requested: bool = False


@attrs.frozen(kw_only=True, field_transformer=typed)
class ConnectorStagedDraft:
    """The body of a create request (wire: ``ConnectorStagedDraft``).

    Absent optional lists are ``None``, so the reducer can tell "absent" from
    "empty" (``integrationTypes`` absent becomes ``["other"]``, ``[]`` stays).
    """

    key: str | None = checked(check_key, default=None)
    name: str
    description: str | None = None
    integration_types: tuple[IntegrationType, ...] | None = None
    creator: Creator
    repository: Repository = checked(check_repository)
    supported_regions: tuple[Region, ...] | None = None
    private_projects: tuple[str, ...] | None = checked_items(check_project_identifier, default=None)
    documentation_url: str | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class ConnectorStagedPagedQueryResponse:
    """One page of a ConnectorStaged query."""

    limit: int
    offset: int
    count: int
    total: int
    results: tuple[ConnectorStaged, ...]


@attrs.frozen(kw_only=True, field_transformer=typed)
class Connector:
    """The production, read-only Connector that a successful publish produces.

    ``certified`` is required on the wire for a Connector.
    """

    id: str
    key: str | None = checked(check_key, default=None)
    version: int
    name: str
    description: str | None = None
    integration_types: tuple[IntegrationType, ...]
    creator: Creator
    repository: Repository
    configurations: tuple[ConnectorConfigurationApplication, ...] | None = None
    api_client: ConnectorApiClient | None = None
    private: bool
    global_configuration: ConnectorGlobalConfiguration | None = None
    supported_regions: tuple[Region, ...]
    certified: bool
    documentation_url: str | None = None
