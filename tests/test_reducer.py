"""Examples for the reducer: ``create``, ``apply`` and ``apply_update``.

One behaviour per test, each tied to a row of ``lifecycle.md`` (the source of
truth): the defaults of ``create``, one example per update action, every error
with its code, HTTP status and message, every cell of the status matrix, the
order of checks, the effects tables, the service events and atomic batches.
Resources in any status are built directly with ``attrs.evolve``.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

import attrs
import pytest

from connector_domain import (
    AddCertificationComment,
    AddPrivateProject,
    ApplicationType,
    CertificationFailed,
    CertificationInfo,
    CertificationInfoComment,
    CertificationPassed,
    CertificationStarted,
    ConcurrentModification,
    ConnectorAlreadyCertified,
    ConnectorApiClient,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    ConnectorReport,
    ConnectorReportEntry,
    ConnectorReportEntryType,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorStagedInCertification,
    ConnectorStagedNotPrivate,
    ConnectorStagedPreviewRequestUnderProcess,
    ConnectorStatus,
    ConnectorUpdate,
    Creator,
    DomainError,
    IntegrationType,
    InvalidOperation,
    IsPreviewable,
    PreviewCancelled,
    PreviewGranted,
    PreviewRejected,
    Publish,
    PublishingFailed,
    PublishingSucceeded,
    Region,
    RemovePrivateProject,
    Repository,
    SecuredConfigurationKey,
    SetCreatorCompany,
    SetCreatorEmail,
    SetCreatorLogo,
    SetCreatorName,
    SetCreatorNoOfContributors,
    SetCreatorSupportUrl,
    SetCreatorTitle,
    SetDescription,
    SetDocumentationUrl,
    SetIntegrationTypes,
    SetName,
    SetRepository,
    SetSupportedRegions,
    StandardConfigurationKey,
    Unlist,
    UpdateAction,
    UpdatePreviewable,
    apply,
    apply_update,
    codec,
    create,
)
from tests.conftest import fixture

E = TypeVar("E", bound=DomainError)

D = ConnectorStatus.DRAFT
P = ConnectorStatus.PROCESSING
R = ConnectorStatus.READY_FOR_CERTIFICATION
I = ConnectorStatus.IN_CERTIFICATION  # noqa: E741 (the status letter of lifecycle.md)
PUB = ConnectorStatus.PUBLISHED
F = ConnectorStatus.FAILED
ALL_STATUSES = (D, P, R, I, PUB, F)

ID = "5ab3edcd-9d23-4934-8f48-256805253119"
KEY = "my-connector"
FIRST = "europe-west1.gcp:first-project"
SECOND = "europe-west1.gcp:second-project"
THIRD = "us-central1.gcp:third-project"
AT = datetime(2024, 1, 31, 12, 0, 0, 123000, tzinfo=UTC)
BY = "certifier-project"

DRAFT_BODY = ConnectorStagedDraft(
    key=KEY,
    name="My connector",
    description="Connects things",
    creator=Creator(email="jane.doe@example.com"),
    repository=Repository(url="git@github.com:example/my-connector.git", tag="v1.0.0"),
    private_projects=(FIRST,),
)

REPORT = ConnectorReport(
    entries=(
        ConnectorReportEntry(
            type=ConnectorReportEntryType.INFORMATION,
            title="All good",
            created_at=datetime(2024, 2, 1, 9, 0, tzinfo=UTC),
        ),
    )
)
OLD_REPORT = ConnectorReport(
    entries=(
        ConnectorReportEntry(
            type=ConnectorReportEntryType.ERROR,
            title="Earlier problem",
            message="connect.yaml not found",
            created_at=datetime(2024, 1, 1, 9, 0, tzinfo=UTC),
        ),
    )
)
CONFIGURATIONS = (
    ConnectorConfigurationApplication(
        application_name="app-1",
        application_type=ApplicationType.SERVICE,
        standard_configuration=(StandardConfigurationKey(key="CONFIG_KEY", description="a key"),),
        secured_configuration=(),
    ),
)

GLOBAL_CONFIGURATION = ConnectorGlobalConfiguration(
    standard_configuration=(StandardConfigurationKey(key="SHARED", description="for every application"),),
)
API_CLIENT = ConnectorApiClient(scopes=("manage_orders:project",))

#: What PublishingSucceeded and PreviewGranted may bring from connect.yaml: per field,
#: a value a connector holds and another one an event brings.
CONNECT_YAML: dict[str, tuple[Any, Any]] = {
    "configurations": ((), CONFIGURATIONS),
    "global_configuration": (
        GLOBAL_CONFIGURATION,
        ConnectorGlobalConfiguration(secured_configuration=(SecuredConfigurationKey(key="TOKEN", description="t"),)),
    ),
    "api_client": (API_CLIENT, ConnectorApiClient(scopes=("view_products:project", "manage_project"))),
}
HELD: dict[str, Any] = {name: held for name, (held, _) in CONNECT_YAML.items()}
BROUGHT: dict[str, Any] = {name: brought for name, (_, brought) in CONNECT_YAML.items()}


def ok(result: ConnectorStaged | DomainError) -> ConnectorStaged:
    """*result*, asserted to be a resource, not an error."""
    assert isinstance(result, ConnectorStaged), result
    return result


def refused(result: ConnectorStaged | DomainError, kind: type[E]) -> E:
    """*result*, asserted to be an error of exactly *kind*."""
    assert type(result) is kind, result
    return result


#: The ValueError of an addCertificationComment without its time or author.
NEEDS_AT_AND_BY = r"^addCertificationComment needs both at \(the time\) and by \(the author\)$"


def not_allowed(input_name: str, status: ConnectorStatus) -> str:
    """The InvalidOperation message lifecycle.md gives for a status lock."""
    return f"{input_name} is not allowed while the ConnectorStaged is in status {status.value}"


BASE = ok(create(DRAFT_BODY, id=ID))


def in_status(status: ConnectorStatus, **changes: Any) -> ConnectorStaged:
    """BASE (a never-published private draft, version 1) moved to *status*, with *changes*."""
    return attrs.evolve(BASE, status=status, **changes)


def willing(status: ConnectorStatus, **changes: Any) -> ConnectorStaged:
    """A connector in *status* that meets every precondition, so only the status lock can refuse."""
    fields: dict[str, Any] = {
        "certified": True,
        "already_listed": True,
        "has_changes": True,
        "published_before": True,
        "private": True,
        **changes,
    }
    return in_status(status, **fields)


# The 15 content actions: wire name, an action that changes BASE, the fields it sets.
EDITS: list[tuple[str, Any, dict[str, Any]]] = [
    ("setName", SetName(name="My ERP connector"), {"name": "My ERP connector"}),
    ("setDescription", SetDescription(description="Connects more"), {"description": "Connects more"}),
    (
        "setRepository",
        SetRepository(url="https://github.com/example/other-connector", tag="v2.0.0"),
        {"repository": Repository(url="https://github.com/example/other-connector", tag="v2.0.0")},
    ),
    (
        "setSupportedRegions",
        SetSupportedRegions(regions=(Region.EU_CENTRAL_1_AWS, Region.US_CENTRAL1_GCP)),
        {"supported_regions": (Region.EU_CENTRAL_1_AWS, Region.US_CENTRAL1_GCP)},
    ),
    (
        "setDocumentationUrl",
        SetDocumentationUrl(documentation_url="https://docs.example.com"),
        {"documentation_url": "https://docs.example.com"},
    ),
    (
        "setIntegrationTypes",
        SetIntegrationTypes(integration_types=(IntegrationType.ERP, IntegrationType.PIM)),
        {"integration_types": (IntegrationType.ERP, IntegrationType.PIM)},
    ),
    (
        "setCreatorName",
        SetCreatorName(creator_name="Jane Doe"),
        {"creator": Creator(email="jane.doe@example.com", name="Jane Doe")},
    ),
    (
        "setCreatorTitle",
        SetCreatorTitle(creator_title="CTO"),
        {"creator": Creator(email="jane.doe@example.com", title="CTO")},
    ),
    (
        "setCreatorEmail",
        SetCreatorEmail(creator_email="jane@example.org"),
        {"creator": Creator(email="jane@example.org")},
    ),
    (
        "setCreatorCompany",
        SetCreatorCompany(creator_company="Example Inc."),
        {"creator": Creator(email="jane.doe@example.com", company="Example Inc.")},
    ),
    (
        "setCreatorNoOfContributors",
        SetCreatorNoOfContributors(creator_no_of_contributors=7),
        {"creator": Creator(email="jane.doe@example.com", no_of_contributors=7)},
    ),
    (
        "setCreatorSupportUrl",
        SetCreatorSupportUrl(creator_support_url="https://support.example.com"),
        {"creator": Creator(email="jane.doe@example.com", support_url="https://support.example.com")},
    ),
    (
        "setCreatorLogo",
        SetCreatorLogo(logo_url="https://example.com/logo.png"),
        {"creator": Creator(email="jane.doe@example.com", logo_url="https://example.com/logo.png")},
    ),
    ("addPrivateProject", AddPrivateProject(private_project=SECOND), {"private_projects": (FIRST, SECOND)}),
    ("removePrivateProject", RemovePrivateProject(private_project=FIRST), {"private_projects": ()}),
]
EDIT_IDS = [name for name, _, _ in EDITS]

# Content actions that would change nothing on BASE.
NO_OPS: list[UpdateAction] = [
    SetName(name=BASE.name),
    SetDescription(description="Connects things"),
    SetRepository(url=BASE.repository.url, tag=BASE.repository.tag),
    SetIntegrationTypes(integration_types=(IntegrationType.OTHER,)),
    SetCreatorEmail(creator_email="jane.doe@example.com"),
    AddPrivateProject(private_project=FIRST),
    RemovePrivateProject(private_project=SECOND),
]
NO_OP_IDS = [type(action).__name__ for action in NO_OPS]


# --- create -----------------------------------------------------------------------


class TestCreate:
    """``create(draft, id=...)``: the defaults of lifecycle.md, "Versions and batches"."""

    def test_version_is_1(self) -> None:
        """A new resource has version 1."""
        assert BASE.version == 1

    def test_status_is_draft(self) -> None:
        """A new resource is a Draft."""
        assert BASE.status is D

    def test_is_previewable_is_none(self) -> None:
        """A new resource's isPreviewable is `none`, with no previewable report."""
        assert BASE.is_previewable is IsPreviewable.NONE
        assert BASE.previewable_report is None

    def test_private_is_true(self) -> None:
        """A new resource is private."""
        assert BASE.private is True

    def test_has_changes_and_already_listed_are_false(self) -> None:
        """A new resource has hasChanges false and alreadyListed false."""
        assert BASE.has_changes is False
        assert BASE.already_listed is False

    def test_certified_is_absent(self) -> None:
        """A new resource has no `certified` field (None, not False)."""
        assert BASE.certified is None

    def test_never_published_and_no_certification_asked(self) -> None:
        """A new resource has never been published and has asked for no certification."""
        assert BASE.published_before is False
        assert BASE.certification_requested is False

    def test_no_publishing_report_and_no_certification_info(self) -> None:
        """A new resource has neither publishingReport nor certificationInfo."""
        assert BASE.publishing_report is None
        assert BASE.certification_info is None

    def test_configurations_are_empty(self) -> None:
        """`configurations` is empty until a service event brings them."""
        assert BASE.configurations == ()

    def test_draft_fields_are_copied(self) -> None:
        """id, key, name, description, creator, repository and privateProjects come from the draft."""
        assert (BASE.id, BASE.key, BASE.name, BASE.description) == (ID, KEY, "My connector", "Connects things")
        assert BASE.creator == DRAFT_BODY.creator
        assert BASE.repository == DRAFT_BODY.repository
        assert BASE.private_projects == (FIRST,)

    def test_absent_integration_types_become_other(self) -> None:
        """integrationTypes absent from the draft becomes ["other"]."""
        assert DRAFT_BODY.integration_types is None
        assert BASE.integration_types == (IntegrationType.OTHER,)

    def test_empty_integration_types_stay_empty(self) -> None:
        """An explicit empty integrationTypes stays empty."""
        draft = attrs.evolve(DRAFT_BODY, integration_types=())
        assert ok(create(draft, id=ID)).integration_types == ()

    def test_given_integration_types_are_kept(self) -> None:
        """Given integrationTypes are kept as they are, in order."""
        draft = attrs.evolve(DRAFT_BODY, integration_types=(IntegrationType.TAX, IntegrationType.ERP))
        assert ok(create(draft, id=ID)).integration_types == (IntegrationType.TAX, IntegrationType.ERP)

    def test_absent_supported_regions_become_empty(self) -> None:
        """supportedRegions absent from the draft becomes [] (every region)."""
        assert BASE.supported_regions == ()

    def test_empty_supported_regions_stay_empty(self) -> None:
        """An explicit empty supportedRegions stays [] (every region)."""
        draft = attrs.evolve(DRAFT_BODY, supported_regions=())
        assert ok(create(draft, id=ID)).supported_regions == ()

    def test_given_supported_regions_are_kept(self) -> None:
        """Given supportedRegions are kept in order."""
        draft = attrs.evolve(DRAFT_BODY, supported_regions=(Region.US_EAST_2_AWS, Region.EUROPE_WEST1_GCP))
        assert ok(create(draft, id=ID)).supported_regions == (Region.US_EAST_2_AWS, Region.EUROPE_WEST1_GCP)

    def test_absent_private_projects_become_empty(self) -> None:
        """privateProjects absent from the draft becomes []."""
        draft = attrs.evolve(DRAFT_BODY, private_projects=None)
        assert ok(create(draft, id=ID)).private_projects == ()

    def test_no_description_gives_an_empty_one(self) -> None:
        """A draft without description gives a resource whose description is "" (lifecycle.md, decision)."""
        draft = attrs.evolve(DRAFT_BODY, description=None)
        assert ok(create(draft, id=ID)).description == ""

    def test_no_key_gives_none(self) -> None:
        """A draft without key gives a resource without key."""
        draft = attrs.evolve(DRAFT_BODY, key=None)
        assert ok(create(draft, id=ID)).key is None

    def test_documentation_url_is_copied(self) -> None:
        """A draft's documentationUrl is kept."""
        draft = attrs.evolve(DRAFT_BODY, documentation_url="https://docs.example.com")
        assert ok(create(draft, id=ID)).documentation_url == "https://docs.example.com"

    def test_reproduces_created_draft_example(self) -> None:
        """The draft behind `created-draft.json` gives that document, but for its configurations."""
        draft = ConnectorStagedDraft(
            key="connector-key",
            name="Connector's name",
            description="Connector's description",
            creator=Creator(
                title="Mr",
                name="John Doe",
                email="john.doe@example.com",
                company="commercetools",
                no_of_contributors=200,
            ),
            repository=Repository(url="git@github.com:commercetools/connect-application-kit.git", tag="0.0.0"),
            supported_regions=(Region.US_CENTRAL1_GCP, Region.EUROPE_WEST1_GCP),
        )
        expected = fixture("created-draft.json")
        expected["configurations"] = []  # they come later, from a service event
        assert codec.to_wire(ok(create(draft, id="5ab3edcd-9d23-4934-8f48-256805253119"))) == expected

    def test_empty_id_raises_value_error(self) -> None:
        """An empty id is a programming error."""
        with pytest.raises(ValueError, match=r"^id must be a non-empty string$"):
            create(DRAFT_BODY, id="")

    def test_draft_is_not_mutated(self) -> None:
        """create leaves its draft as it was."""
        before = copy.deepcopy(DRAFT_BODY)
        create(DRAFT_BODY, id=ID)
        assert before == DRAFT_BODY


# --- One example per update action ---------------------------------------------------


class TestContentActions:
    """Each content action sets its field, and the version rises by 1."""

    @pytest.mark.parametrize(("action", "fields"), [(a, f) for _, a, f in EDITS], ids=EDIT_IDS)
    def test_sets_its_field(self, action: Any, fields: dict[str, Any]) -> None:
        """The action sets exactly its field(s); the version rises by 1; all else stays."""
        assert apply(BASE, action) == attrs.evolve(BASE, version=2, **fields)

    @pytest.mark.parametrize(("action", "fields"), [(a, f) for _, a, f in EDITS], ids=EDIT_IDS)
    def test_as_an_update_request(self, action: Any, fields: dict[str, Any]) -> None:
        """A one-action update request has the same effect as apply."""
        assert apply_update(BASE, ConnectorUpdate(version=1, actions=(action,))) == attrs.evolve(
            BASE, version=2, **fields
        )

    def test_version_rises_from_the_current_one(self) -> None:
        """The version rises by 1 from whatever it is, not to a fixed value."""
        assert ok(apply(attrs.evolve(BASE, version=41), SetName(name="x"))).version == 42

    def test_set_creator_logo_sets_creator_logo_url(self) -> None:
        """setCreatorLogo sets creator.logoUrl and keeps the other creator fields."""
        start = attrs.evolve(BASE, creator=Creator(email="a@example.com", name="A", company="C"))
        result = ok(apply(start, SetCreatorLogo(logo_url="https://example.com/l.svg")))
        assert result.creator == Creator(
            email="a@example.com", name="A", company="C", logo_url="https://example.com/l.svg"
        )

    def test_set_creator_name_keeps_other_creator_fields(self) -> None:
        """setCreatorName changes only creator.name."""
        start = attrs.evolve(BASE, creator=Creator(email="a@example.com", title="Dr", no_of_contributors=3))
        result = ok(apply(start, SetCreatorName(creator_name="B")))
        assert result.creator == Creator(email="a@example.com", name="B", title="Dr", no_of_contributors=3)

    def test_set_integration_types_may_empty_them(self) -> None:
        """setIntegrationTypes with no type sets integrationTypes to []."""
        assert ok(apply(BASE, SetIntegrationTypes(integration_types=()))).integration_types == ()


class TestUpdatePreviewable:
    """updatePreviewable asks for a preview."""

    @pytest.mark.parametrize("previewable", [IsPreviewable.NONE, IsPreviewable.TRUE, IsPreviewable.FALSE])
    def test_sets_pending_and_clears_the_report(self, previewable: IsPreviewable) -> None:
        """isPreviewable becomes pending and previewableReport is cleared; the version rises by 1."""
        start = attrs.evolve(BASE, is_previewable=previewable, previewable_report=REPORT)
        assert apply(start, UpdatePreviewable()) == attrs.evolve(
            start, version=2, is_previewable=IsPreviewable.PENDING, previewable_report=None
        )

    def test_is_not_an_edit(self) -> None:
        """updatePreviewable on a Published connector keeps status Published and hasChanges false."""
        start = in_status(PUB, published_before=True, already_listed=True)
        result = ok(apply(start, UpdatePreviewable()))
        assert (result.status, result.has_changes) == (PUB, False)

    def test_while_pending_is_refused(self) -> None:
        """updatePreviewable while pending -> ConnectorStagedPreviewRequestUnderProcess (400)."""
        error = refused(
            apply(attrs.evolve(BASE, is_previewable=IsPreviewable.PENDING), UpdatePreviewable()),
            ConnectorStagedPreviewRequestUnderProcess,
        )
        assert (error.code, error.status_code) == ("ConnectorStagedPreviewRequestUnderProcess", 400)
        assert error.message == "The ConnectorStaged preview request is already in progress"


class TestPublish:
    """publish starts publishing."""

    @pytest.mark.parametrize("certification", [False, True])
    def test_moves_to_processing_and_remembers_the_flag(self, certification: bool) -> None:
        """publish -> Processing, publishingReport cleared, the certification flag remembered, version +1."""
        start = attrs.evolve(BASE, publishing_report=OLD_REPORT)
        assert apply(start, Publish(certification=certification)) == attrs.evolve(
            start,
            version=2,
            status=P,
            publishing_report=None,
            certification_requested=certification,
        )

    def test_is_not_an_edit(self) -> None:
        """publish on a connector published before leaves hasChanges as it was."""
        start = in_status(PUB, published_before=True, already_listed=True, has_changes=False)
        assert ok(apply(start, Publish(certification=False))).has_changes is False

    def test_certification_when_certified_without_changes_is_refused(self) -> None:
        """publish(certification=true) when certified and not hasChanges -> ConnectorAlreadyCertified (400)."""
        start = in_status(PUB, certified=True, has_changes=False, already_listed=True, published_before=True)
        error = refused(apply(start, Publish(certification=True)), ConnectorAlreadyCertified)
        assert (error.code, error.status_code) == ("ConnectorAlreadyCertified", 400)
        assert error.message == "The ConnectorStaged is already certified"

    def test_certification_when_certified_with_changes_is_accepted(self) -> None:
        """publish(certification=true) when certified and hasChanges is accepted."""
        start = in_status(D, certified=True, has_changes=True, already_listed=True, published_before=True)
        result = ok(apply(start, Publish(certification=True)))
        assert (result.status, result.certification_requested) == (P, True)

    def test_private_publish_when_certified_without_changes_is_accepted(self) -> None:
        """publish(certification=false) when certified and not hasChanges is accepted."""
        start = in_status(PUB, certified=True, has_changes=False, already_listed=True, published_before=True)
        result = ok(apply(start, Publish(certification=False)))
        assert (result.status, result.certification_requested) == (P, False)

    def test_certification_when_certified_is_false_is_accepted(self) -> None:
        """publish(certification=true) when certified is false (not absent) is accepted."""
        start = in_status(PUB, certified=False, has_changes=False, already_listed=True, published_before=True)
        assert ok(apply(start, Publish(certification=True))).status is P

    @pytest.mark.parametrize("status", [R, I])
    def test_certification_during_certification_is_refused(self, status: ConnectorStatus) -> None:
        """publish(certification=true) in ReadyForCertification or InCertification -> ConnectorStagedInCertification."""
        error = refused(apply(willing(status), Publish(certification=True)), ConnectorStagedInCertification)
        assert (error.code, error.status_code) == ("ConnectorStagedInCertification", 400)
        assert error.message == "The ConnectorStaged is already in certification"


class TestUnlist:
    """unlist takes a certified, listed connector out of listings."""

    @pytest.mark.parametrize("status", [D, R, I, PUB, F])
    def test_sets_already_listed_false(self, status: ConnectorStatus) -> None:
        """Accepted unlist sets alreadyListed false, and nothing else but the version."""
        start = in_status(status, certified=True, already_listed=True, private=False, published_before=True)
        assert apply(start, Unlist()) == attrs.evolve(start, version=2, already_listed=False)

    @pytest.mark.parametrize(
        ("certified", "listed"),
        [(True, False), (False, True), (None, True), (False, False), (None, False)],
    )
    def test_refused_unless_certified_and_listed(self, certified: bool | None, listed: bool) -> None:
        """unlist when not (certified and alreadyListed) -> InvalidOperation with its own message."""
        start = in_status(PUB, certified=certified, already_listed=listed, published_before=True)
        error = refused(apply(start, Unlist()), InvalidOperation)
        assert (error.code, error.status_code) == ("InvalidOperation", 400)
        assert error.message == "Only a certified and listed Connector can be unlisted"
        assert (error.input_name, error.status) == ("unlist", PUB)


class TestAddCertificationComment:
    """addCertificationComment appends {userId, datetime, comment}."""

    def test_creates_certification_info_when_absent(self) -> None:
        """The first comment creates certificationInfo; the version rises by 1."""
        start = in_status(R)
        assert apply(start, AddCertificationComment(comment="Please review"), at=AT, by=BY) == attrs.evolve(
            start,
            version=2,
            certification_info=CertificationInfo(
                comments=(CertificationInfoComment(user_id=BY, datetime=AT, comment="Please review"),)
            ),
        )

    def test_appends_at_the_end(self) -> None:
        """A comment goes after the existing ones, which are kept in order."""
        earlier = (
            CertificationInfoComment(user_id="a", datetime=datetime(2024, 1, 1, tzinfo=UTC), comment="one"),
            CertificationInfoComment(user_id="b", datetime=datetime(2024, 1, 2, tzinfo=UTC), comment="two"),
        )
        start = in_status(I, certification_info=CertificationInfo(comments=earlier))
        result = ok(apply(start, AddCertificationComment(comment="three"), at=AT, by=BY))
        assert result.certification_info == CertificationInfo(
            comments=(*earlier, CertificationInfoComment(user_id=BY, datetime=AT, comment="three"))
        )

    def test_user_id_is_by_as_given(self) -> None:
        """userId is `by` exactly as given (a project key, not a ProjectIdentifier)."""
        result = ok(apply(in_status(R), AddCertificationComment(comment="c"), at=AT, by="Some User 1"))
        assert result.certification_info is not None
        assert result.certification_info.comments[0].user_id == "Some User 1"

    def test_datetime_is_utc_truncated_to_milliseconds(self) -> None:
        """`at` is kept in UTC, to the millisecond."""
        at = datetime(2024, 1, 31, 14, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
        result = ok(apply(in_status(R), AddCertificationComment(comment="c"), at=at, by=BY))
        assert result.certification_info is not None
        moment = result.certification_info.comments[0].datetime
        assert moment.utcoffset() == timedelta(0)
        assert moment.replace(tzinfo=None) == datetime(2024, 1, 31, 12, 0, 0, 123000)

    def test_is_not_an_edit(self) -> None:
        """A comment keeps the status and hasChanges."""
        start = in_status(I, has_changes=False, published_before=True)
        result = ok(apply(start, AddCertificationComment(comment="c"), at=AT, by=BY))
        assert (result.status, result.has_changes) == (I, False)

    @pytest.mark.parametrize(
        ("at", "by"), [(None, BY), (AT, None), (None, None)], ids=["without-at", "without-by", "without-both"]
    )
    def test_without_at_or_by_raises(self, at: datetime | None, by: str | None) -> None:
        """apply raises ValueError without both `at` and `by`."""
        with pytest.raises(ValueError, match=NEEDS_AT_AND_BY):
            apply(in_status(R), AddCertificationComment(comment="c"), at=at, by=by)

    def test_naive_at_raises(self) -> None:
        """A naive `at` raises ValueError."""
        with pytest.raises(ValueError):
            apply(in_status(R), AddCertificationComment(comment="c"), at=datetime(2024, 1, 31, 12, 0), by=BY)

    @pytest.mark.parametrize("status", [D, P, PUB, F])
    def test_missing_by_raises_before_the_status_check(self, status: ConnectorStatus) -> None:
        """Without `by`, it raises even in a status that would refuse the comment."""
        with pytest.raises(ValueError, match=NEEDS_AT_AND_BY):
            apply(in_status(status), AddCertificationComment(comment="c"), at=AT)

    def test_missing_at_raises_in_an_update_before_the_version_check(self) -> None:
        """In apply_update, a missing `at` raises even when the version is stale."""
        update = ConnectorUpdate(version=99, actions=(AddCertificationComment(comment="c"),))
        with pytest.raises(ValueError, match=NEEDS_AT_AND_BY):
            apply_update(in_status(R), update, by=BY)

    def test_missing_by_raises_in_an_update_before_earlier_actions_fail(self) -> None:
        """In apply_update, a missing `by` raises even when an earlier action would be refused."""
        update = ConnectorUpdate(version=1, actions=(SetName(name="x"), AddCertificationComment(comment="c")))
        with pytest.raises(ValueError, match=NEEDS_AT_AND_BY):
            apply_update(in_status(R), update, at=AT)

    def test_in_an_update_request(self) -> None:
        """apply_update passes `at` and `by` to the comment."""
        update = ConnectorUpdate(version=1, actions=(AddCertificationComment(comment="c"),))
        result = ok(apply_update(in_status(R), update, at=AT, by=BY))
        assert result.certification_info == CertificationInfo(
            comments=(CertificationInfoComment(user_id=BY, datetime=AT, comment="c"),)
        )
        assert result.version == 2


# --- The status matrix ---------------------------------------------------------------

COMMENT = AddCertificationComment(comment="A comment")

# (wire name, action, status): every "-" cell of the update actions in lifecycle.md.
LOCKED: list[tuple[str, Any, ConnectorStatus]] = [
    *[(name, action, status) for name, action, _ in EDITS for status in (P, R, I)],
    ("updatePreviewable", UpdatePreviewable(), P),
    ("publish", Publish(certification=False), P),
    ("publish", Publish(certification=True), P),
    ("publish", Publish(certification=False), R),
    ("publish", Publish(certification=False), I),
    ("unlist", Unlist(), P),
    *[("addCertificationComment", COMMENT, status) for status in (D, P, PUB, F)],
]

# (action, status, target status): every accepted cell of the update actions.
ACCEPTED: list[tuple[Any, ConnectorStatus, ConnectorStatus]] = [
    *[(action, status, D) for _, action, _ in EDITS for status in (D, PUB, F)],
    *[(UpdatePreviewable(), status, status) for status in (D, R, I, PUB, F)],
    *[(Publish(certification=flag), status, P) for flag in (False, True) for status in (D, PUB, F)],
    *[(Unlist(), status, status) for status in (D, R, I, PUB, F)],
    *[(COMMENT, status, status) for status in (R, I)],
]


def _cell_id(value: Any) -> str | None:
    if isinstance(value, ConnectorStatus):
        return value.value
    if isinstance(value, Publish):
        return f"Publish(certification={value.certification})"
    if attrs.has(type(value)):
        return type(value).__name__
    return None


class TestStatusLock:
    """Inputs a status does not accept are refused with InvalidOperation."""

    @pytest.mark.parametrize(("name", "action", "status"), LOCKED, ids=_cell_id)
    def test_refused(self, name: str, action: Any, status: ConnectorStatus) -> None:
        """A "-" cell -> InvalidOperation (400), "<input> is not allowed while ... in status <Status>"."""
        start = willing(status)
        error = refused(apply(start, action, at=AT, by=BY), InvalidOperation)
        assert (error.code, error.status_code) == ("InvalidOperation", 400)
        assert error.message == not_allowed(name, status)
        assert (error.input_name, error.status, error.requirement) == (name, status, None)

    @pytest.mark.parametrize(("name", "action", "status"), LOCKED, ids=_cell_id)
    def test_refused_in_an_update_request(self, name: str, action: Any, status: ConnectorStatus) -> None:
        """The same cell refuses the action inside an update request, with the same message."""
        update = ConnectorUpdate(version=1, actions=(action,))
        error = refused(apply_update(willing(status), update, at=AT, by=BY), InvalidOperation)
        assert error.message == not_allowed(name, status)

    @pytest.mark.parametrize(("action", "status", "target"), ACCEPTED, ids=_cell_id)
    def test_accepted(self, action: Any, status: ConnectorStatus, target: ConnectorStatus) -> None:
        """An accepted cell leads to the status the table gives, version +1."""
        start = willing(status)
        result = ok(apply(start, action, at=AT, by=BY))
        assert (result.status, result.version) == (target, start.version + 1)


# --- Preconditions ---------------------------------------------------------------------


class TestNotPrivate:
    """add/removePrivateProject need a private connector."""

    @pytest.mark.parametrize(
        "action",
        [
            AddPrivateProject(private_project=SECOND),
            AddPrivateProject(private_project=FIRST),
            RemovePrivateProject(private_project=FIRST),
            RemovePrivateProject(private_project=SECOND),
        ],
        ids=["add-new", "add-present", "remove-present", "remove-absent"],
    )
    @pytest.mark.parametrize("status", [D, PUB, F], ids=_cell_id)
    def test_refused_when_not_private(self, action: Any, status: ConnectorStatus) -> None:
        """On private=false -> ConnectorStagedNotPrivate (400), even when the action would change nothing."""
        start = in_status(status, private=False, certified=True, already_listed=True, published_before=True)
        error = refused(apply(start, action), ConnectorStagedNotPrivate)
        assert (error.code, error.status_code) == ("ConnectorStagedNotPrivate", 400)
        assert error.message == (
            f"The operation is not valid because ConnectorStaged with id={ID} or key={KEY} is not private"
        )


class TestConcurrentModification:
    """An update request's version must be the resource's."""

    @pytest.mark.parametrize("version", [0, 2, 3])
    def test_stale_version_is_refused(self, version: int) -> None:
        """A version other than the resource's -> ConcurrentModification (409) with both versions."""
        error = refused(
            apply_update(BASE, ConnectorUpdate(version=version, actions=(SetName(name="x"),))),
            ConcurrentModification,
        )
        assert (error.code, error.status_code) == ("ConcurrentModification", 409)
        assert (error.expected_version, error.current_version) == (version, 1)
        assert error.message == (
            f"Object id={ID} or key={KEY} has a different version than expected. Expected: {version} - Actual: 1"
        )

    def test_error_response_carries_both_versions(self) -> None:
        """The ErrorResponse entry carries expectedVersion and currentVersion."""
        error = refused(apply_update(BASE, ConnectorUpdate(version=5, actions=())), ConcurrentModification)
        assert error.wire_extras() == {"expectedVersion": 5, "currentVersion": 1}

    def test_stale_version_with_no_action_is_refused(self) -> None:
        """Even an empty request with a stale version is refused."""
        refused(apply_update(BASE, ConnectorUpdate(version=2, actions=())), ConcurrentModification)

    def test_stale_version_with_no_op_actions_is_refused(self) -> None:
        """A request that would change nothing is still refused when its version is stale."""
        update = ConnectorUpdate(version=2, actions=(SetName(name=BASE.name),))
        refused(apply_update(BASE, update), ConcurrentModification)


# --- Order of checks -------------------------------------------------------------------


class TestOrderOfChecks:
    """Version, then for each input: the lock, its precondition, the no-op rule."""

    def test_version_before_the_status_lock(self) -> None:
        """A stale version with actions the status forbids -> ConcurrentModification."""
        update = ConnectorUpdate(version=2, actions=(SetName(name="x"), Unlist()))
        error = refused(apply_update(in_status(P), update), ConcurrentModification)
        assert (error.expected_version, error.current_version) == (2, 1)

    def test_version_before_preconditions(self) -> None:
        """A stale version with an action whose precondition fails -> ConcurrentModification."""
        update = ConnectorUpdate(version=3, actions=(AddPrivateProject(private_project=SECOND),))
        refused(apply_update(in_status(D, private=False), update), ConcurrentModification)

    def test_lock_before_not_private(self) -> None:
        """addPrivateProject on a non-private connector in Processing -> InvalidOperation."""
        error = refused(apply(in_status(P, private=False), AddPrivateProject(private_project=SECOND)), InvalidOperation)
        assert error.message == not_allowed("addPrivateProject", P)

    def test_lock_before_preview_under_process(self) -> None:
        """setRepository while pending in Processing -> InvalidOperation."""
        start = in_status(P, is_previewable=IsPreviewable.PENDING)
        error = refused(apply(start, SetRepository(url=BASE.repository.url, tag="v9")), InvalidOperation)
        assert error.message == not_allowed("setRepository", P)

    def test_lock_before_update_previewable_pending(self) -> None:
        """updatePreviewable while pending in Processing -> InvalidOperation."""
        start = in_status(P, is_previewable=IsPreviewable.PENDING)
        error = refused(apply(start, UpdatePreviewable()), InvalidOperation)
        assert error.message == not_allowed("updatePreviewable", P)

    def test_lock_before_already_certified(self) -> None:
        """publish(certification=true) in Processing on a certified connector -> InvalidOperation."""
        start = in_status(P, certified=True, has_changes=False, already_listed=True, published_before=True)
        error = refused(apply(start, Publish(certification=True)), InvalidOperation)
        assert error.message == not_allowed("publish", P)

    def test_lock_before_unlist_requirement(self) -> None:
        """unlist in Processing on an unlisted connector gives the status message, not the unlist one."""
        error = refused(apply(in_status(P), Unlist()), InvalidOperation)
        assert error.message == not_allowed("unlist", P)

    @pytest.mark.parametrize("action", NO_OPS, ids=NO_OP_IDS)
    @pytest.mark.parametrize("status", [P, R, I], ids=_cell_id)
    def test_lock_before_no_op(self, action: Any, status: ConnectorStatus) -> None:
        """A content action that would change nothing is still refused in a locked status."""
        refused(apply(in_status(status), action), InvalidOperation)

    def test_same_value_set_name_in_processing(self) -> None:
        """Same-value setName in Processing -> InvalidOperation with the status message."""
        error = refused(apply(in_status(P), SetName(name=BASE.name)), InvalidOperation)
        assert error.message == not_allowed("setName", P)

    def test_not_private_before_no_op(self) -> None:
        """Removing an absent project from a non-private connector -> ConnectorStagedNotPrivate."""
        start = in_status(D, private=False, private_projects=())
        refused(apply(start, RemovePrivateProject(private_project=SECOND)), ConnectorStagedNotPrivate)

    def test_preview_under_process_before_no_op(self) -> None:
        """setRepository with the same repository while pending -> ConnectorStagedPreviewRequestUnderProcess."""
        start = attrs.evolve(BASE, is_previewable=IsPreviewable.PENDING)
        action = SetRepository(url=BASE.repository.url, tag=BASE.repository.tag)
        refused(apply(start, action), ConnectorStagedPreviewRequestUnderProcess)


# --- Effects of content actions ---------------------------------------------------------


class TestEdits:
    """What a content action does to status, hasChanges and the version."""

    def test_never_published_draft_keeps_has_changes_false(self) -> None:
        """`update.json` on `created-draft.json` gives `updated-draft.json` (hasChanges stays false)."""
        staged = codec.from_wire(fixture("created-draft.json"), ConnectorStaged)
        update = codec.from_wire(fixture("update.json"), ConnectorUpdate)
        assert codec.to_wire(ok(apply_update(staged, update))) == fixture("updated-draft.json")

    @pytest.mark.parametrize("action", [a for _, a, _ in EDITS], ids=EDIT_IDS)
    def test_has_changes_once_published_before(self, action: Any) -> None:
        """Any changing content action on a draft published before sets hasChanges true."""
        start = in_status(D, published_before=True, already_listed=True, has_changes=False)
        assert ok(apply(start, action)).has_changes is True

    @pytest.mark.parametrize("action", [a for _, a, _ in EDITS], ids=EDIT_IDS)
    def test_no_has_changes_before_first_publication(self, action: Any) -> None:
        """Any changing content action on a never-published draft keeps hasChanges false."""
        assert ok(apply(BASE, action)).has_changes is False

    def test_published_before_read_from_wire_fields(self) -> None:
        """Without the record field, alreadyListed true counts as published before: an edit sets hasChanges."""
        fields = {a.name: getattr(BASE, a.name) for a in attrs.fields(ConnectorStaged)}
        del fields["published_before"]
        start = ConnectorStaged(**{**fields, "already_listed": True})
        assert ok(apply(start, SetName(name="x"))).has_changes is True

    @pytest.mark.parametrize("status", [PUB, F], ids=_cell_id)
    def test_edit_after_publication_starts_a_draft(self, status: ConnectorStatus) -> None:
        """A changing edit on a Published or Failed connector published before -> Draft, hasChanges true."""
        start = in_status(status, published_before=True, already_listed=True, has_changes=False)
        assert apply(start, SetName(name="x")) == attrs.evolve(start, version=2, name="x", status=D, has_changes=True)

    def test_edit_on_failed_first_publication_keeps_has_changes_false(self) -> None:
        """A changing edit on a Failed, never-published connector -> Draft with hasChanges false."""
        start = in_status(F, publishing_report=OLD_REPORT)
        assert apply(start, SetName(name="x")) == attrs.evolve(start, version=2, name="x", status=D)

    def test_edit_keeps_other_flags(self) -> None:
        """An edit after publication keeps certified, alreadyListed, private and isPreviewable."""
        start = in_status(
            PUB,
            published_before=True,
            already_listed=True,
            certified=True,
            private=False,
            is_previewable=IsPreviewable.TRUE,
            previewable_report=REPORT,
        )
        result = ok(apply(start, SetDescription(description="new")))
        assert (result.certified, result.already_listed, result.private) == (True, True, False)
        assert (result.is_previewable, result.previewable_report) == (IsPreviewable.TRUE, REPORT)

    @pytest.mark.parametrize("action", NO_OPS, ids=NO_OP_IDS)
    @pytest.mark.parametrize("status", [D, PUB, F], ids=_cell_id)
    def test_no_op_returns_the_same_object(self, action: Any, status: ConnectorStatus) -> None:
        """A content action that changes nothing returns the very same object (status and version kept)."""
        start = in_status(status, published_before=True, already_listed=True)
        assert apply(start, action) is start

    def test_no_op_as_an_update_request(self) -> None:
        """An update request made of no-ops returns the very same object."""
        start = in_status(PUB, published_before=True, already_listed=True)
        assert apply_update(start, ConnectorUpdate(version=1, actions=tuple(NO_OPS))) is start


class TestSetRepository:
    """setRepository and previewability."""

    @pytest.mark.parametrize("previewable", [IsPreviewable.TRUE, IsPreviewable.FALSE, IsPreviewable.NONE])
    @pytest.mark.parametrize(
        "action",
        [
            SetRepository(url="https://github.com/example/other-connector", tag="v1.0.0"),
            SetRepository(url="git@github.com:example/my-connector.git", tag="v1.0.1"),
        ],
        ids=["url", "tag"],
    )
    def test_change_resets_previewability(self, action: SetRepository, previewable: IsPreviewable) -> None:
        """A change of url or tag sets isPreviewable none and clears previewableReport."""
        start = attrs.evolve(BASE, is_previewable=previewable, previewable_report=REPORT)
        assert apply(start, action) == attrs.evolve(
            start,
            version=2,
            repository=Repository(url=action.url or BASE.repository.url, tag=action.tag),
            is_previewable=IsPreviewable.NONE,
            previewable_report=None,
        )

    def test_without_url_the_url_stays_and_the_tag_changes(self) -> None:
        """setRepository without url keeps the current url and sets the tag (lifecycle.md, decision)."""
        start = attrs.evolve(BASE, is_previewable=IsPreviewable.TRUE, previewable_report=REPORT)
        moved = ok(apply(start, SetRepository(tag="v2.0.0")))
        assert moved.repository == Repository(url=BASE.repository.url, tag="v2.0.0")
        assert (moved.version, moved.is_previewable, moved.previewable_report) == (2, IsPreviewable.NONE, None)

    def test_without_url_and_the_same_tag_is_a_no_op(self) -> None:
        """setRepository without url and with the current tag changes nothing."""
        start = attrs.evolve(BASE, is_previewable=IsPreviewable.TRUE)
        assert apply(start, SetRepository(tag=BASE.repository.tag)) is start

    def test_same_value_is_a_no_op(self) -> None:
        """The same url and tag change nothing, previewability included."""
        start = attrs.evolve(BASE, is_previewable=IsPreviewable.TRUE, previewable_report=REPORT)
        assert apply(start, SetRepository(url=BASE.repository.url, tag=BASE.repository.tag)) is start

    @pytest.mark.parametrize("status", [D, PUB, F], ids=_cell_id)
    def test_while_pending_is_refused(self, status: ConnectorStatus) -> None:
        """setRepository while a preview is pending -> ConnectorStagedPreviewRequestUnderProcess (400)."""
        start = in_status(status, is_previewable=IsPreviewable.PENDING, published_before=True)
        error = refused(
            apply(start, SetRepository(url="https://github.com/example/x", tag="v2")),
            ConnectorStagedPreviewRequestUnderProcess,
        )
        assert (error.code, error.status_code) == ("ConnectorStagedPreviewRequestUnderProcess", 400)
        assert error.message == "The ConnectorStaged preview request is already in progress"


class TestPrivateProjects:
    """addPrivateProject and removePrivateProject keep an ordered list."""

    def test_add_appends_at_the_end(self) -> None:
        """addPrivateProject appends; the existing order is kept."""
        start = attrs.evolve(BASE, private_projects=(SECOND, FIRST))
        assert ok(apply(start, AddPrivateProject(private_project=THIRD))).private_projects == (SECOND, FIRST, THIRD)

    def test_remove_keeps_the_order_of_the_rest(self) -> None:
        """removePrivateProject removes that project and keeps the others in order."""
        start = attrs.evolve(BASE, private_projects=(THIRD, FIRST, SECOND))
        assert ok(apply(start, RemovePrivateProject(private_project=FIRST))).private_projects == (THIRD, SECOND)

    def test_adding_a_present_project_is_a_no_op(self) -> None:
        """Adding a project already present returns the same object."""
        start = attrs.evolve(BASE, private_projects=(FIRST, SECOND))
        assert apply(start, AddPrivateProject(private_project=FIRST)) is start

    def test_removing_an_absent_project_is_a_no_op(self) -> None:
        """Removing an absent project returns the same object."""
        assert apply(BASE, RemovePrivateProject(private_project=THIRD)) is BASE

    def test_a_request_of_adds_and_removes_ends_as_one_at_a_time(self) -> None:
        """add, add again, remove, add back: the project is back at the end, the others in order."""
        start = attrs.evolve(BASE, private_projects=(FIRST, SECOND))
        actions = (
            AddPrivateProject(private_project=THIRD),
            AddPrivateProject(private_project=FIRST),
            RemovePrivateProject(private_project=FIRST),
            AddPrivateProject(private_project=FIRST),
        )
        result = ok(apply_update(start, ConnectorUpdate(version=1, actions=actions)))
        assert (result.private_projects, result.version) == ((SECOND, THIRD, FIRST), 2)

    def test_removing_drops_every_occurrence(self) -> None:
        """A list that holds a project twice (as a draft may give it) loses both; the rest keep their order."""
        start = attrs.evolve(BASE, private_projects=(FIRST, SECOND, FIRST, THIRD))
        for result in (
            apply(start, RemovePrivateProject(private_project=FIRST)),
            apply_update(start, ConnectorUpdate(version=1, actions=(RemovePrivateProject(private_project=FIRST),) * 2)),
        ):
            assert ok(result).private_projects == (SECOND, THIRD)
        added = ok(apply_update(start, ConnectorUpdate(version=1, actions=(AddPrivateProject(private_project=FIRST),))))
        assert added is start

    def test_added_then_removed_on_a_published_connector_is_still_an_edit(self) -> None:
        """add then remove leaves the list as it was, but the first edit made a new draft with changes,
        as one action at a time does: version + 1, Draft, hasChanges."""
        start = in_status(PUB, published_before=True, has_changes=False)
        actions = (AddPrivateProject(private_project=THIRD), RemovePrivateProject(private_project=THIRD))
        result = ok(apply_update(start, ConnectorUpdate(version=1, actions=actions)))
        assert (result.private_projects, result.status, result.has_changes, result.version) == (
            start.private_projects, D, True, 2,
        )  # fmt: skip
        removed_absent = (RemovePrivateProject(private_project=THIRD),) * 2
        assert apply_update(start, ConnectorUpdate(version=1, actions=removed_absent)) is start

    def test_a_run_meets_the_lock_and_the_precondition_of_its_first_action(self) -> None:
        """In Processing the first of a run is refused as one alone would be; on a public connector too."""
        actions = (RemovePrivateProject(private_project=THIRD), AddPrivateProject(private_project=THIRD))
        locked = apply_update(in_status(P), ConnectorUpdate(version=1, actions=actions))
        assert locked == apply(in_status(P), actions[0])
        public = in_status(PUB, private=False, certified=True, published_before=True)
        assert apply_update(public, ConnectorUpdate(version=1, actions=actions)) == apply(public, actions[0])
        assert isinstance(apply(public, actions[0]), ConnectorStagedNotPrivate)


# --- Service events ---------------------------------------------------------------------

# (event, status it is accepted in, extra fields, target status).
EVENT_CELLS: list[tuple[Any, ConnectorStatus, dict[str, Any], ConnectorStatus]] = [
    (PublishingSucceeded(), P, {"certification_requested": True}, R),
    (PublishingSucceeded(), P, {"certification_requested": False}, PUB),
    (PublishingFailed(), P, {}, F),
    (CertificationStarted(), R, {}, I),
    (CertificationPassed(), I, {}, PUB),
    (CertificationFailed(), I, {}, F),
]
EVENT_CELL_IDS = [
    "PublishingSucceeded-certification",
    "PublishingSucceeded-private",
    "PublishingFailed",
    "CertificationStarted",
    "CertificationPassed",
    "CertificationFailed",
]

STATUS_EVENTS: list[tuple[Any, ConnectorStatus]] = [
    (PublishingSucceeded(), P),
    (PublishingFailed(), P),
    (CertificationStarted(), R),
    (CertificationPassed(), I),
    (CertificationFailed(), I),
]
EVENT_LOCKED = [
    (type(event).__name__, event, status)
    for event, accepted in STATUS_EVENTS
    for status in ALL_STATUSES
    if status is not accepted
]

PREVIEW_EVENTS: list[tuple[Any, IsPreviewable]] = [
    (PreviewGranted(report=REPORT), IsPreviewable.TRUE),
    (PreviewRejected(report=REPORT), IsPreviewable.FALSE),
    (PreviewCancelled(), IsPreviewable.NONE),
]
PREVIEW_IDS = ["PreviewGranted", "PreviewRejected", "PreviewCancelled"]


class TestServiceEventTargets:
    """Each service event's status cells."""

    @pytest.mark.parametrize(("event", "status", "fields", "target"), EVENT_CELLS, ids=EVENT_CELL_IDS)
    def test_accepted(
        self, event: Any, status: ConnectorStatus, fields: dict[str, Any], target: ConnectorStatus
    ) -> None:
        """An accepted service event leads to its target status, version +1."""
        result = ok(apply(in_status(status, **fields), event))
        assert (result.status, result.version) == (target, 2)

    @pytest.mark.parametrize(("name", "event", "status"), EVENT_LOCKED, ids=_cell_id)
    def test_refused(self, name: str, event: Any, status: ConnectorStatus) -> None:
        """A service event in a status that does not accept it -> InvalidOperation (400)."""
        error = refused(apply(willing(status), event), InvalidOperation)
        assert (error.code, error.status_code) == ("InvalidOperation", 400)
        assert error.message == not_allowed(name, status)
        assert (error.input_name, error.status, error.requirement) == (name, status, None)

    def test_processing_read_from_the_wire_is_a_private_publish(self) -> None:
        """A Processing connector read from the wire takes the flag as false: PublishingSucceeded -> Published."""
        record = in_status(P, certification_requested=True)
        staged = codec.from_wire(codec.to_wire(record), ConnectorStaged)
        assert ok(apply(staged, PublishingSucceeded())).status is PUB


class TestPublishingSucceeded:
    """PublishingSucceeded's effects."""

    def test_private_publish_effects(self) -> None:
        """-> Published: report set, hasChanges false, alreadyListed true, published before, private true."""
        start = in_status(P, has_changes=True, certified=None)
        assert apply(start, PublishingSucceeded(report=REPORT)) == attrs.evolve(
            start,
            version=2,
            status=PUB,
            publishing_report=REPORT,
            has_changes=False,
            already_listed=True,
            published_before=True,
            private=True,
        )

    def test_private_publish_uncertifies(self) -> None:
        """-> Published after publish(certification=false): certified true becomes false and private true."""
        start = in_status(P, certified=True, private=False, already_listed=False, published_before=True)
        result = ok(apply(start, PublishingSucceeded()))
        assert (result.certified, result.private) == (False, True)

    @pytest.mark.parametrize("certified", [None, False])
    def test_private_publish_leaves_uncertified_as_it_was(self, certified: bool | None) -> None:
        """-> Published: a certified that was not true stays as it was (absent or false)."""
        result = ok(apply(in_status(P, certified=certified), PublishingSucceeded()))
        assert result.certified is certified

    def test_certification_asked_effects(self) -> None:
        """-> ReadyForCertification: report set; hasChanges, alreadyListed, certified, private unchanged."""
        start = in_status(
            P,
            certification_requested=True,
            has_changes=True,
            already_listed=True,
            certified=True,
            private=False,
            published_before=True,
        )
        result = ok(apply(start, PublishingSucceeded(report=REPORT)))
        assert result.status is R
        assert result.publishing_report == REPORT
        assert (result.has_changes, result.already_listed, result.certified, result.private) == (
            True,
            True,
            True,
            False,
        )

    def test_certification_asked_produces_no_production_connector(self) -> None:
        """-> ReadyForCertification on a never-published connector: still never published."""
        start = in_status(P, certification_requested=True)
        result = ok(apply(start, PublishingSucceeded()))
        assert (result.published_before, result.already_listed, result.has_changes) == (False, False, False)

    def test_the_certification_request_is_answered(self) -> None:
        """-> ReadyForCertification clears the request: the record holds no publish still pending."""
        result = ok(apply(in_status(P, certification_requested=True), PublishingSucceeded()))
        assert (result.status, result.certification_requested) == (R, False)
        assert codec.to_record(result)["certificationRequested"] is False

    def test_configurations_replace_without_an_edit(self) -> None:
        """Configurations given replace them; hasChanges stays and no Draft is started."""
        start = in_status(P, certification_requested=True, has_changes=True, published_before=True)
        result = ok(apply(start, PublishingSucceeded(configurations=CONFIGURATIONS)))
        assert result.configurations == CONFIGURATIONS
        assert (result.status, result.has_changes) == (R, True)

    def test_no_configurations_keep_them(self) -> None:
        """Without configurations, the connector's configurations stay."""
        start = in_status(P, configurations=CONFIGURATIONS)
        assert ok(apply(start, PublishingSucceeded())).configurations == CONFIGURATIONS

    def test_empty_configurations_replace_them(self) -> None:
        """Empty configurations given replace them with []."""
        start = in_status(P, configurations=CONFIGURATIONS)
        assert ok(apply(start, PublishingSucceeded(configurations=()))).configurations == ()


class TestPublishingFailed:
    """PublishingFailed's effects."""

    def test_moves_to_failed_with_the_report(self) -> None:
        """-> Failed with publishingReport = the report; nothing else but the version changes."""
        start = in_status(P, published_before=True, already_listed=True, certified=True, has_changes=True)
        result = ok(apply(start, PublishingFailed(report=REPORT)))
        assert result.status is F
        assert result.publishing_report == REPORT
        assert (result.published_before, result.already_listed, result.certified, result.has_changes) == (
            True,
            True,
            True,
            True,
        )

    def test_without_report_keeps_the_report(self) -> None:
        """Without a report, publishingReport is unchanged."""
        start = in_status(P, publishing_report=OLD_REPORT)
        assert ok(apply(start, PublishingFailed())).publishing_report == OLD_REPORT

    def test_forgets_the_certification_request(self) -> None:
        """A failed certified publish leaves no request behind: the next private publish leads to Published."""
        failed = ok(apply(in_status(P, certification_requested=True), PublishingFailed()))
        assert failed.certification_requested is False
        republished = ok(apply(ok(apply(failed, Publish(certification=False))), PublishingSucceeded()))
        assert republished.status is PUB


class TestCertificationEvents:
    """CertificationStarted, CertificationPassed and CertificationFailed."""

    def test_started_changes_only_the_status(self) -> None:
        """CertificationStarted: ReadyForCertification -> InCertification, nothing else but the version."""
        start = in_status(R, publishing_report=OLD_REPORT, has_changes=True)
        assert apply(start, CertificationStarted()) == attrs.evolve(start, version=2, status=I)

    def test_passed_effects(self) -> None:
        """CertificationPassed -> Published, certified, public, listed, no changes, published before."""
        start = in_status(I, has_changes=True, certified=None, private=True, publishing_report=OLD_REPORT)
        assert apply(start, CertificationPassed(report=REPORT)) == attrs.evolve(
            start,
            version=2,
            status=PUB,
            certified=True,
            private=False,
            already_listed=True,
            has_changes=False,
            published_before=True,
            publishing_report=REPORT,
        )

    def test_passed_without_report_keeps_the_report(self) -> None:
        """CertificationPassed without a report leaves publishingReport unchanged."""
        start = in_status(I, publishing_report=OLD_REPORT)
        assert ok(apply(start, CertificationPassed())).publishing_report == OLD_REPORT

    @pytest.mark.parametrize(
        ("certified", "private", "listed"),
        [(True, False, True), (None, True, False), (False, True, True)],
    )
    def test_failed_leaves_the_flags(self, certified: bool | None, private: bool, listed: bool) -> None:
        """CertificationFailed -> Failed; certified, private and alreadyListed unchanged."""
        start = in_status(I, certified=certified, private=private, already_listed=listed, published_before=listed)
        assert apply(start, CertificationFailed()) == attrs.evolve(start, version=2, status=F)

    def test_failed_without_report_keeps_the_report(self) -> None:
        """CertificationFailed without a report leaves publishingReport unchanged."""
        start = in_status(I, publishing_report=OLD_REPORT)
        assert ok(apply(start, CertificationFailed())).publishing_report == OLD_REPORT

    def test_failed_with_report_sets_it(self) -> None:
        """CertificationFailed with a report sets publishingReport."""
        start = in_status(I, publishing_report=OLD_REPORT)
        assert ok(apply(start, CertificationFailed(report=REPORT))).publishing_report == REPORT


class TestPreviewEvents:
    """PreviewGranted, PreviewRejected and PreviewCancelled."""

    @pytest.mark.parametrize(("event", "previewable"), PREVIEW_EVENTS, ids=PREVIEW_IDS)
    @pytest.mark.parametrize("status", ALL_STATUSES, ids=_cell_id)
    def test_accepted_while_pending_in_any_status(
        self, event: Any, previewable: IsPreviewable, status: ConnectorStatus
    ) -> None:
        """While pending, in any status: isPreviewable moves; the status and all else stay."""
        start = in_status(status, is_previewable=IsPreviewable.PENDING, previewable_report=OLD_REPORT)
        result = ok(apply(start, event))
        report = None if isinstance(event, PreviewCancelled) else REPORT
        assert result == attrs.evolve(start, version=2, is_previewable=previewable, previewable_report=report)

    @pytest.mark.parametrize(("event", "previewable"), PREVIEW_EVENTS, ids=PREVIEW_IDS)
    @pytest.mark.parametrize("current", [IsPreviewable.NONE, IsPreviewable.TRUE, IsPreviewable.FALSE])
    @pytest.mark.parametrize("status", ALL_STATUSES, ids=_cell_id)
    def test_refused_unless_pending(
        self, event: Any, previewable: IsPreviewable, current: IsPreviewable, status: ConnectorStatus
    ) -> None:
        """Not pending, in any status -> InvalidOperation (400) naming the event."""
        error = refused(apply(in_status(status, is_previewable=current), event), InvalidOperation)
        assert (error.code, error.status_code) == ("InvalidOperation", 400)
        assert error.message.startswith(f"{type(event).__name__} is not allowed while")

    @pytest.mark.parametrize(("event", "previewable"), PREVIEW_EVENTS, ids=PREVIEW_IDS)
    @pytest.mark.parametrize("current", [IsPreviewable.NONE, IsPreviewable.TRUE, IsPreviewable.FALSE])
    def test_refusal_names_the_event_the_status_and_the_previewability(
        self, event: Any, previewable: IsPreviewable, current: IsPreviewable
    ) -> None:
        """The refusal of a preview event that is not awaited says which event, and what isPreviewable is."""
        error = refused(apply(in_status(R, is_previewable=current), event), InvalidOperation)
        name = type(event).__name__
        assert (error.input_name, error.status) == (name, R)
        assert error.message == f"{name} is not allowed while isPreviewable is {current.value} (only while pending)"

    def test_granted_configurations_replace_without_an_edit(self) -> None:
        """PreviewGranted with configurations replaces them; status and hasChanges stay."""
        start = in_status(PUB, is_previewable=IsPreviewable.PENDING, published_before=True, already_listed=True)
        result = ok(apply(start, PreviewGranted(report=REPORT, configurations=CONFIGURATIONS)))
        assert result.configurations == CONFIGURATIONS
        assert (result.status, result.has_changes) == (PUB, False)

    def test_granted_without_configurations_keeps_them(self) -> None:
        """PreviewGranted without configurations keeps the connector's."""
        start = in_status(D, is_previewable=IsPreviewable.PENDING, configurations=CONFIGURATIONS)
        assert ok(apply(start, PreviewGranted(report=REPORT))).configurations == CONFIGURATIONS

    def test_production_connector_never_reverts(self) -> None:
        """Published before stays true through failure and a new draft."""
        start = in_status(P, published_before=True, already_listed=True)
        failed = ok(apply(start, PublishingFailed()))
        edited = ok(apply(failed, SetName(name="x")))
        assert (failed.published_before, edited.published_before) == (True, True)


def awaiting(kind: type, **changes: Any) -> ConnectorStaged:
    """A connector that *kind* (PublishingSucceeded or PreviewGranted) completes: in Processing, or pending."""
    if kind is PublishingSucceeded:
        return in_status(P, **changes)
    return in_status(D, is_previewable=IsPreviewable.PENDING, **changes)


COMPLETING = [PublishingSucceeded, PreviewGranted]


@pytest.mark.parametrize("kind", COMPLETING, ids=lambda kind: kind.__name__)
class TestConnectYaml:
    """configurations, globalConfiguration and apiClient: what the events completing a publish or a preview bring."""

    def test_every_field_but_the_report_comes_from_connect_yaml(self, kind: type) -> None:
        """The event's fields are its report and the three connect.yaml fields, each one of the staged's too."""
        fields = {field.name for field in attrs.fields(kind)}
        assert fields == {"report", *CONNECT_YAML}
        staged_fields = {field.name for field in attrs.fields(ConnectorStaged)}
        assert set(CONNECT_YAML) <= staged_fields

    @pytest.mark.parametrize("name", list(CONNECT_YAML))
    def test_each_field_brought_replaces_it_alone(self, kind: type, name: str) -> None:
        """A field the event brings replaces the connector's (no merge); the two it does not bring stay."""
        start = awaiting(kind, **HELD)
        without = ok(apply(start, kind()))
        result = ok(apply(start, kind(**{name: BROUGHT[name]})))
        assert getattr(result, name) == BROUGHT[name]
        assert result == attrs.evolve(without, **{name: BROUGHT[name]})

    def test_absent_fields_keep_what_the_connector_holds(self, kind: type) -> None:
        """An event without them (None) leaves configurations, globalConfiguration and apiClient as they were."""
        result = ok(apply(awaiting(kind, **HELD), kind(report=REPORT)))
        assert {name: getattr(result, name) for name in CONNECT_YAML} == HELD

    def test_absent_fields_keep_none_as_none(self, kind: type) -> None:
        """A connector that never got a globalConfiguration or an apiClient still has none after an event without."""
        result = ok(apply(awaiting(kind), kind()))
        assert (result.global_configuration, result.api_client) == (None, None)

    def test_empty_values_replace_them(self, kind: type) -> None:
        """An empty globalConfiguration ({}) and an apiClient without scopes are values, not absences."""
        empty_global, no_scopes = ConnectorGlobalConfiguration(), ConnectorApiClient(scopes=())
        result = ok(apply(awaiting(kind, **HELD), kind(global_configuration=empty_global, api_client=no_scopes)))
        assert (result.global_configuration, result.api_client) == (empty_global, no_scopes)

    def test_brought_fields_are_not_an_edit(self, kind: type) -> None:
        """All three brought replace them; the status goes where the event leads, hasChanges and the rest stay."""
        start = awaiting(kind, certification_requested=True, has_changes=True, published_before=True, **HELD)
        without = ok(apply(start, kind(report=REPORT)))
        result = ok(apply(start, kind(report=REPORT, **BROUGHT)))
        assert result == attrs.evolve(without, **BROUGHT)
        assert (result.status, result.has_changes, result.version) == (without.status, True, start.version + 1)

    def test_same_values_change_nothing_more(self, kind: type) -> None:
        """Bringing what the connector holds changes no field: the result is the event's without them."""
        start = awaiting(kind, **BROUGHT)
        assert apply(start, kind(**BROUGHT)) == apply(start, kind())


# --- Batches -----------------------------------------------------------------------------


class TestBatches:
    """apply_update is atomic and raises the version once."""

    def test_version_rises_once_per_request(self) -> None:
        """Several changing actions add exactly 1 to the version."""
        update = ConnectorUpdate(
            version=1,
            actions=(SetName(name="x"), SetDescription(description="y"), AddPrivateProject(private_project=SECOND)),
        )
        assert apply_update(BASE, update) == attrs.evolve(
            BASE, version=2, name="x", description="y", private_projects=(FIRST, SECOND)
        )

    def test_first_error_aborts(self) -> None:
        """A refused action aborts the request: its error is returned and the input is unchanged."""
        before = copy.deepcopy(BASE)
        update = ConnectorUpdate(version=1, actions=(SetName(name="x"), Unlist(), SetDescription(description="y")))
        error = refused(apply_update(BASE, update), InvalidOperation)
        assert error.message == "Only a certified and listed Connector can be unlisted"
        assert before == BASE

    def test_the_first_error_wins(self) -> None:
        """With two refused actions, the first one's error is returned."""
        start = attrs.evolve(BASE, private=False)
        update = ConnectorUpdate(version=1, actions=(RemovePrivateProject(private_project=FIRST), Unlist()))
        refused(apply_update(start, update), ConnectorStagedNotPrivate)

    def test_change_and_change_back_is_the_same_object(self) -> None:
        """[setName x, setName <original>] on a Draft returns the very same object, version unchanged."""
        update = ConnectorUpdate(version=1, actions=(SetName(name="x"), SetName(name=BASE.name)))
        assert apply_update(BASE, update) is BASE

    def test_empty_request_is_the_same_object(self) -> None:
        """An update with no actions returns the very same object."""
        assert apply_update(BASE, ConnectorUpdate(version=1, actions=())) is BASE

    def test_later_actions_see_the_lock_of_earlier_ones(self) -> None:
        """publish then setName in one request -> InvalidOperation for setName in Processing."""
        update = ConnectorUpdate(version=1, actions=(Publish(certification=False), SetName(name="x")))
        error = refused(apply_update(BASE, update), InvalidOperation)
        assert error.message == not_allowed("setName", P)

    def test_later_actions_see_earlier_preview_requests(self) -> None:
        """updatePreviewable then setRepository -> ConnectorStagedPreviewRequestUnderProcess."""
        update = ConnectorUpdate(
            version=1, actions=(UpdatePreviewable(), SetRepository(url="https://github.com/example/x", tag="v2"))
        )
        refused(apply_update(BASE, update), ConnectorStagedPreviewRequestUnderProcess)

    def test_later_actions_see_earlier_values(self) -> None:
        """addPrivateProject then removePrivateProject of the same project leaves the object as it was."""
        update = ConnectorUpdate(
            version=1,
            actions=(AddPrivateProject(private_project=SECOND), RemovePrivateProject(private_project=SECOND)),
        )
        assert apply_update(BASE, update) is BASE

    def test_edit_then_publish(self) -> None:
        """setName then publish: both apply, in order, for one version."""
        update = ConnectorUpdate(version=1, actions=(SetName(name="x"), Publish(certification=True)))
        assert apply_update(BASE, update) == attrs.evolve(
            BASE, version=2, name="x", status=P, certification_requested=True
        )

    def test_edit_on_published_then_publish(self) -> None:
        """On a Published connector, an edit then publish ends in Processing with hasChanges true."""
        start = in_status(PUB, published_before=True, already_listed=True)
        update = ConnectorUpdate(version=1, actions=(SetName(name="x"), Publish(certification=False)))
        result = ok(apply_update(start, update))
        assert (result.status, result.has_changes, result.version) == (P, True, 2)


# --- Inputs are never mutated --------------------------------------------------------------


class TestInputsUnchanged:
    """The reducer returns new values and leaves its inputs alone."""

    def test_apply_leaves_the_resource(self) -> None:
        """apply leaves the resource and the action equal to what they were."""
        start = in_status(R, certification_info=CertificationInfo(comments=()))
        action = AddCertificationComment(comment="c")
        before = (copy.deepcopy(start), copy.deepcopy(action))
        ok(apply(start, action, at=AT, by=BY))
        assert (start, action) == before

    def test_apply_update_leaves_the_resource_and_the_request(self) -> None:
        """apply_update leaves the resource and the request equal to what they were."""
        update = ConnectorUpdate(
            version=1, actions=(AddPrivateProject(private_project=SECOND), SetName(name="x"), UpdatePreviewable())
        )
        before = (copy.deepcopy(BASE), copy.deepcopy(update))
        ok(apply_update(BASE, update))
        assert (BASE, update) == before

    def test_refused_event_leaves_the_resource(self) -> None:
        """A refused service event leaves the resource equal to what it was."""
        start = in_status(D, configurations=CONFIGURATIONS)
        before = copy.deepcopy(start)
        refused(apply(start, PublishingSucceeded(configurations=())), InvalidOperation)
        assert start == before
