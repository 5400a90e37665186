"""Example tests of the wire codec, ``connector_domain.codec``.

One class per function or behaviour, one behaviour per test. The official
example documents in ``tests/fixtures/`` are read as they are; every
lenient default of cattrs that the codec pins (coercion, iterating a string,
"required field missing" for an unknown tag, Python names in error paths)
has a test here. Sources: ``connect-api-facts.md`` and ``lifecycle.md``
(Order of checks, 1. Parsing).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_domain import codec, errors, model
from connector_domain.actions import (
    ACTIONS,
    AddCertificationComment,
    AddPrivateProject,
    ConnectorUpdate,
    Publish,
    RemovePrivateProject,
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
    Unlist,
    UpdateAction,
    UpdatePreviewable,
    action_name,
)
from connector_domain.codec import (
    InvalidInput,
    configure_converter,
    dumps,
    error_response,
    from_wire,
    loads,
    read_datetime,
    to_wire,
)
from connector_domain.errors import (
    ConcurrentModification,
    ConnectorAlreadyCertified,
    ConnectorReferenceNotFound,
    ConnectorStagedInCertification,
    ConnectorStagedNotPreviewable,
    ConnectorStagedNotPrivate,
    ConnectorStagedPreviewRequestUnderProcess,
    DeploymentUnsupportedRegion,
    DomainError,
    DuplicateField,
    InvalidJsonInput,
    InvalidOperation,
    ResourceNotFound,
)
from connector_domain.events import CertificationStarted, PreviewGranted, PublishingSucceeded, ServiceEvent
from connector_domain.model import (
    ApplicationType,
    CertificationInfoComment,
    Connector,
    ConnectorApiClient,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    ConnectorReport,
    ConnectorReportEntry,
    ConnectorReportEntryType,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorStagedPagedQueryResponse,
    ConnectorStatus,
    Creator,
    IntegrationType,
    IsPreviewable,
    Region,
    Repository,
    SecuredConfigurationKey,
    StandardConfigurationKey,
)
from connector_domain.testing import strategies as cds
from tests.conftest import FIXTURES, fixture
from tests.test_errors import EXAMPLES as ERROR_TABLE

PROJECT_PATTERN = "^[a-zA-Z0-9-_.]+:[a-zA-Z0-9-_]{2,36}$"
KEY_PATTERN = "^[A-Za-z0-9_-]+$"

#: The documents that round-trip exactly (they hold no nulls).
LOSSLESS_STAGED = ["staged.json", "created-draft.json", "updated-draft.json"]

#: Every action example, and the action it reads as.
ACTION_EXAMPLES: dict[str, Any] = {
    "ConnectorAddCertificationCommentAction.json": AddCertificationComment(comment="The comment to add."),
    "ConnectorAddPrivateProjectAction.json": AddPrivateProject(private_project="europe-west1.gcp:example-project-key"),
    "ConnectorPublishAction.json": Publish(certification=False),
    "ConnectorRemovePrivateProjectAction.json": RemovePrivateProject(
        private_project="europe-west1.gcp:example-project-key"
    ),
    "ConnectorSetCreatorCompanyAction.json": SetCreatorCompany(creator_company="New name of company"),
    "ConnectorSetCreatorEmailAction.json": SetCreatorEmail(creator_email="new-email-address@example.com"),
    "ConnectorSetCreatorLogoAction.json": SetCreatorLogo(logo_url="https://www.example.com/logo.png"),
    "ConnectorSetCreatorNameAction.json": SetCreatorName(creator_name="Jane Doe"),
    "ConnectorSetCreatorNoOfContributorsAction.json": SetCreatorNoOfContributors(creator_no_of_contributors=123),
    "ConnectorSetCreatorSupportUrlAction.json": SetCreatorSupportUrl(
        creator_support_url="https://www.example.com/support"
    ),
    "ConnectorSetCreatorTitleAction.json": SetCreatorTitle(creator_title="Ms"),
    "ConnectorSetDescriptionAction.json": SetDescription(description="New description of the Connector."),
    "ConnectorSetDocumentationUrlAction.json": SetDocumentationUrl(
        documentation_url="https://www.example.com/my-connector/documentation"
    ),
    "ConnectorSetIntegrationTypesAction.json": SetIntegrationTypes(
        integration_types=(IntegrationType.PROMOTION, IntegrationType.OTHER)
    ),
    "ConnectorSetNameAction.json": SetName(name="The new name of the Connector"),
    "ConnectorSetRepositoryAction.json": SetRepository(
        url="git@github.com:commercetools/connect-application-kit.git", tag="0.0.0"
    ),
    "ConnectorSetSupportedRegionsAction.json": SetSupportedRegions(
        regions=(Region.EUROPE_WEST1_GCP, Region.US_CENTRAL1_GCP, Region.AUSTRALIA_SOUTHEAST1_GCP)
    ),
    "ConnectorUnlistAction.json": Unlist(),
    "ConnectorUpdatePreviewableAction.json": UpdatePreviewable(),
}

#: Every class ``from_wire`` reads.
READABLE: list[Any] = [
    *(getattr(model, name) for name in model.__all__ if attrs.has(getattr(model, name))),
    *ACTIONS,
    UpdateAction,
    ConnectorUpdate,
]


def problems_of(data: Any, cls: Any) -> list[tuple[str, str]]:
    """The (path, reason) pairs ``from_wire`` reports for *data*; fails if it accepts it."""
    with pytest.raises(InvalidInput) as info:
        from_wire(data, cls)
    return info.value.problems


def _draft_with(**repository: Any) -> dict[str, Any]:
    """A draft document whose repository is *repository*."""
    return {"name": "n", "creator": {"email": "e@example.com"}, "repository": repository}


def paths_of(data: Any, cls: Any) -> list[str]:
    """The offending paths ``from_wire`` reports for *data*."""
    return [path for path, _ in problems_of(data, cls)]


def without_nulls(value: Any) -> Any:
    """*value* with every null-valued object member removed, at every depth."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def staged(**changes: Any) -> dict[str, Any]:
    """``staged.json`` with *changes* (wire names) applied at the top level."""
    return {**fixture("staged.json"), **changes}


def action(tag: str, /, **payload: Any) -> dict[str, Any]:
    """The wire form of an action tagged *tag*."""
    return {"action": tag, **payload}


def assert_json_ready(value: Any, where: str = "$") -> None:
    """Fail unless *value* is made only of str, int, float, bool, None-free lists and str-keyed dicts."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert type(k) is str, f"{where}: key {k!r} is not a str"
            assert_json_ready(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            assert_json_ready(v, f"{where}[{i}]")
    else:
        assert type(value) in (str, int, float, bool), f"{where}: {type(value).__name__} is not JSON-ready"


def all_keys(value: Any) -> set[str]:
    """Every object member name in *value*, at every depth."""
    if isinstance(value, dict):
        return set(value).union(*(all_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(all_keys(v) for v in value))
    return set()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# --- Reading the official examples ---------------------------------------------


class TestOfficialExamples:
    """Every official example document reads as the type it documents."""

    @pytest.mark.parametrize("name", LOSSLESS_STAGED)
    def test_staged_examples_parse(self, name):
        """staged.json, created-draft.json and updated-draft.json read as a ConnectorStaged."""
        result = from_wire(fixture(name), ConnectorStaged)
        assert isinstance(result, ConnectorStaged)
        assert result.id == "5ab3edcd-9d23-4934-8f48-256805253119"
        assert result.key == "connector-key"
        assert result.creator.no_of_contributors == 200
        assert result.configurations[0].application_type is ApplicationType.SERVICE

    def test_staged_fields(self):
        """staged.json's enums, reports and datetimes read as their types."""
        result = from_wire(fixture("staged.json"), ConnectorStaged)
        assert result.status is ConnectorStatus.FAILED
        assert result.is_previewable is IsPreviewable.FALSE
        assert result.private is False
        assert result.supported_regions == (Region.US_CENTRAL1_GCP, Region.EUROPE_WEST1_GCP)
        assert result.integration_types == (IntegrationType.OTHER,)
        assert result.publishing_report == ConnectorReport(
            entries=(
                ConnectorReportEntry(
                    type=ConnectorReportEntryType.ERROR,
                    title="Connector specification file not found",
                    created_at=datetime(2023, 8, 8, 17, 0, 59, 327000, tzinfo=UTC),
                ),
            )
        )
        assert result.certified is None

    def test_updated_draft(self):
        """updated-draft.json reads with its version 2 and its new name."""
        result = from_wire(fixture("updated-draft.json"), ConnectorStaged)
        assert (result.version, result.name, result.private) == (2, "New Connector name", True)
        key = result.configurations[0].standard_configuration[0]
        assert key == StandardConfigurationKey(key="CONFIG_KEY", description="config key description")

    def test_draft_json_is_a_whole_resource(self):
        """draft.json (the create example, really a resource) reads as a ConnectorStaged."""
        result = from_wire(fixture("draft.json"), ConnectorStaged)
        assert isinstance(result, ConnectorStaged)
        assert result.is_previewable is IsPreviewable.TRUE
        assert result.already_listed is True
        assert result.has_changes is True

    def test_draft_json_nulls_read_as_absent(self):
        """draft.json's ``publishingReport: null`` and entries' ``message: null`` read as None."""
        result = from_wire(fixture("draft.json"), ConnectorStaged)
        assert result.publishing_report is None
        assert result.previewable_report is not None
        assert [e.message for e in result.previewable_report.entries] == [None, None, None]

    def test_draft_json_unknown_application_field_ignored(self):
        """draft.json's report entries carry an undeclared ``application`` field, which is ignored."""
        result = from_wire(fixture("draft.json"), ConnectorStaged)
        assert result.previewable_report is not None
        entries = result.previewable_report.entries
        assert [e.title for e in entries] == [
            "Image security analysis check succeeded",
            "SAST and SCA analysis check succeeded",
            "Connector specification file validation check succeeded",
        ]
        assert entries[1].created_at == datetime(2024, 2, 15, 10, 12, 12, 72000, tzinfo=UTC)

    def test_draft_json_absent_lists_read_as_empty(self):
        """draft.json lacks integrationTypes and configurations; both read as ()."""
        result = from_wire(fixture("draft.json"), ConnectorStaged)
        assert result.integration_types == ()
        assert result.configurations == ()

    def test_staged_paged(self):
        """staged-paged.json reads as a ConnectorStagedPagedQueryResponse, ``certified: true`` kept."""
        result = from_wire(fixture("staged-paged.json"), ConnectorStagedPagedQueryResponse)
        assert (result.offset, result.limit, result.total, result.count) == (0, 20, 1, 1)
        assert len(result.results) == 1
        (item,) = result.results
        assert isinstance(item, ConnectorStaged)
        assert item.certified is True
        assert item.publishing_report is None
        assert item.previewable_report is None

    def test_minimal_is_a_connector(self):
        """minimal.json reads as a Connector; its ``default: null`` reads as None."""
        result = from_wire(fixture("minimal.json"), Connector)
        assert isinstance(result, Connector)
        assert result.certified is True
        assert result.configurations is not None
        key = result.configurations[0].standard_configuration[0]
        assert key.default is None
        assert key.required is True

    def test_paged_results_are_connectors(self):
        """paged.json's result (a page of production Connectors) reads as a Connector."""
        (item,) = fixture("paged.json")["results"]
        result = from_wire(item, Connector)
        assert result == from_wire(fixture("minimal.json"), Connector)

    def test_update(self):
        """update.json reads as a ConnectorUpdate."""
        assert from_wire(fixture("update.json"), ConnectorUpdate) == ConnectorUpdate(
            version=1, actions=(SetName(name="New Connector name"),)
        )

    @pytest.mark.parametrize("name", sorted(ACTION_EXAMPLES))
    def test_action_examples(self, name):
        """Each action example reads as an UpdateAction, with its payload."""
        assert from_wire(fixture(f"updates/{name}"), UpdateAction) == ACTION_EXAMPLES[name]

    @pytest.mark.parametrize("name", sorted(ACTION_EXAMPLES))
    def test_action_examples_as_their_own_class(self, name):
        """Each action example also reads when its own class is asked for."""
        expected = ACTION_EXAMPLES[name]
        assert from_wire(fixture(f"updates/{name}"), type(expected)) == expected

    def test_every_action_has_an_example(self):
        """The examples cover the 19 actions, and every example file but the removed one is listed."""
        assert {type(a) for a in ACTION_EXAMPLES.values()} == set(ACTIONS)
        files = {p.name for p in (FIXTURES / "updates").glob("*.json")}
        assert files == {*ACTION_EXAMPLES, "ConnectorSetConfigurationsAction.json"}

    def test_set_configurations_is_rejected(self):
        """``setConfigurations`` was removed from the API: its example is an unknown action."""
        problems = problems_of(fixture("updates/ConnectorSetConfigurationsAction.json"), UpdateAction)
        assert len(problems) == 1
        path, reason = problems[0]
        assert path == "action"
        assert "unknown action" in reason
        assert "setConfigurations" in reason

    def test_creator(self):
        """Creator.json reads with every field."""
        assert from_wire(fixture("Creator.json"), Creator) == Creator(
            email="john.doe@example.com",
            name="John Doe",
            title="Mr",
            company="commercetools",
            logo_url="https://www.example.com/logo.png",
            no_of_contributors=200,
            support_url="https://www.example.com/support",
        )

    def test_repository(self):
        """Repository.json (an SSH URL) reads as a Repository."""
        assert from_wire(fixture("Repository.json"), Repository) == Repository(
            url="git@github.com:commercetools/connect-application-kit.git", tag="0.0.0"
        )

    def test_report_entry(self):
        """ConnectorReportEntry.json reads without a message."""
        assert from_wire(fixture("ConnectorReportEntry.json"), ConnectorReportEntry) == ConnectorReportEntry(
            type=ConnectorReportEntryType.ERROR,
            title="Connector specification file not found",
            created_at=datetime(2023, 8, 8, 12, 20, 31, 143000, tzinfo=UTC),
        )

    def test_certification_info_comment(self):
        """CertificationInfoComment.json reads with a UTC datetime."""
        assert from_wire(fixture("CertificationInfoComment.json"), CertificationInfoComment) == (
            CertificationInfoComment(
                user_id="project-key",
                datetime=datetime(2023, 3, 17, 14, 0, tzinfo=UTC),
                comment="An example comment.",
            )
        )

    def test_configuration_application(self):
        """ConnectorConfigurationApplication.json reads with both key lists."""
        assert from_wire(
            fixture("ConnectorConfigurationApplication.json"), ConnectorConfigurationApplication
        ) == ConnectorConfigurationApplication(
            application_name="app-1",
            application_type=ApplicationType.SERVICE,
            standard_configuration=(
                StandardConfigurationKey(
                    key="CONFIG_KEY",
                    description="config key description",
                    required=True,
                    default="config key default value",
                ),
            ),
            secured_configuration=(
                SecuredConfigurationKey(
                    key="CONFIG_SECRET_KEY", description="config secret description", required=True
                ),
            ),
        )

    def test_standard_configuration_key(self):
        """ConfigurationKeyStandard.json reads as a StandardConfigurationKey with ``required`` absent."""
        assert from_wire(fixture("ConfigurationKeyStandard.json"), StandardConfigurationKey) == (
            StandardConfigurationKey(
                key="CONFIG_KEY", description="config key description", default="this is the default value"
            )
        )

    def test_secured_configuration_key(self):
        """ConfigurationKeySecured.json reads as a SecuredConfigurationKey."""
        assert from_wire(fixture("ConfigurationKeySecured.json"), SecuredConfigurationKey) == (
            SecuredConfigurationKey(
                key="SECURED_CONFIG_KEY", description="secure config key description", required=True
            )
        )

    def test_mc_app_application_type(self):
        """``mc-app``, named on the docs page but not in the RAML enum, is accepted."""
        data = {**fixture("ConnectorConfigurationApplication.json"), "applicationType": "mc-app"}
        result = from_wire(data, ConnectorConfigurationApplication)
        assert result.application_type is ApplicationType.MC_APP


# --- Round trips ---------------------------------------------------------------


class TestRoundTrip:
    """``to_wire(from_wire(d)) == d`` for the documents the API writes."""

    @pytest.mark.parametrize("name", LOSSLESS_STAGED)
    def test_staged_examples(self, name):
        """A ConnectorStaged example round-trips exactly (without its top-level nulls)."""
        data = fixture(name)
        expected = {k: v for k, v in data.items() if v is not None}
        assert to_wire(from_wire(data, ConnectorStaged)) == expected

    def test_staged_paged(self):
        """staged-paged.json round-trips, less its nulls."""
        data = fixture("staged-paged.json")
        assert to_wire(from_wire(data, ConnectorStagedPagedQueryResponse)) == without_nulls(data)

    def test_connector(self):
        """minimal.json round-trips as a Connector, less its nested ``default: null``."""
        data = fixture("minimal.json")
        assert to_wire(from_wire(data, Connector)) == without_nulls(data)

    @pytest.mark.parametrize("name", sorted(ACTION_EXAMPLES))
    def test_action_examples(self, name):
        """Each action example round-trips exactly."""
        data = fixture(f"updates/{name}")
        assert to_wire(from_wire(data, UpdateAction)) == data

    def test_update(self):
        """update.json round-trips exactly."""
        data = fixture("update.json")
        assert to_wire(from_wire(data, ConnectorUpdate)) == data

    @pytest.mark.parametrize("name", ["Creator.json", "Repository.json", "ConnectorReportEntry.json"])
    def test_small_types(self, name):
        """The small type examples round-trip exactly."""
        cls = {
            "Creator.json": Creator,
            "Repository.json": Repository,
            "ConnectorReportEntry.json": ConnectorReportEntry,
        }
        data = fixture(name)
        assert to_wire(from_wire(data, cls[name])) == data

    @pytest.mark.parametrize("cls", [StandardConfigurationKey, SecuredConfigurationKey])
    @pytest.mark.parametrize("required", [None, False, True])
    def test_required_is_tri_state(self, cls, required):
        """A configuration key's ``required`` stays absent, false or true."""
        data = {"key": "K", "description": "d"}
        if required is not None:
            data["required"] = required
        result = from_wire(data, cls)
        assert result.required is required
        assert to_wire(result) == data

    @pytest.mark.parametrize("certified", [None, False, True])
    def test_certified_is_tri_state(self, certified):
        """A ConnectorStaged's ``certified`` stays absent, false or true."""
        data = fixture("staged.json")
        if certified is not None:
            data["certified"] = certified
        result = from_wire(data, ConnectorStaged)
        assert result.certified is certified
        assert to_wire(result) == data

    def test_record_only_fields_are_not_written(self):
        """``published_before`` and ``certification_requested`` are not on the wire."""
        result = attrs.evolve(
            from_wire(fixture("staged.json"), ConnectorStaged), published_before=True, certification_requested=True
        )
        wire = to_wire(result)
        assert wire == fixture("staged.json")
        assert not {"publishedBefore", "certificationRequested", "published_before"} & set(wire)

    def test_every_optional_part(self):
        """A resource with globalConfiguration, apiClient, certificationInfo and the rest round-trips exactly."""
        data = {
            **fixture("staged.json"),
            "globalConfiguration": {
                "standardConfiguration": [{"key": "K", "description": "d", "default": "v", "required": False}],
                "securedConfiguration": [{"key": "S", "description": "s"}],
            },
            "apiClient": {"scopes": ["manage_orders:project", "view_products:project"]},
            "certificationInfo": {
                "comments": [{"userId": "project-key", "datetime": "2023-03-17T14:00:00.000Z", "comment": "ok"}]
            },
            "documentationUrl": "https://example.com/docs",
            "certified": False,
            "status": "InCertification",
            "isPreviewable": "pending",
        }
        data["publishingReport"]["entries"][0]["message"] = "details"
        assert to_wire(from_wire(data, ConnectorStaged)) == data

    def test_empty_global_configuration(self):
        """An empty globalConfiguration object round-trips as an empty object."""
        data = staged(globalConfiguration={})
        assert to_wire(from_wire(data, ConnectorStaged)) == data


class TestRecordFields:
    """The two record-only fields of ConnectorStaged, read from the wire (lifecycle.md)."""

    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            ({"alreadyListed": False}, False),
            ({"alreadyListed": True}, True),
            ({"alreadyListed": False, "certified": True}, True),
            ({"alreadyListed": False, "certified": False}, False),
        ],
    )
    def test_published_before_is_derived(self, changes, expected):
        """Read from the wire alone, "published at least once" is ``alreadyListed or certified``."""
        assert from_wire(staged(**changes), ConnectorStaged).published_before is expected

    def test_published_before_not_read_from_the_wire(self):
        """A ``publishedBefore`` member on the wire is not a wire field and is ignored."""
        assert from_wire(staged(publishedBefore=True), ConnectorStaged).published_before is False

    def test_record_fields_not_read_under_their_attribute_names(self):
        """The record-only fields spelled as attributes (``published_before``) are not read from the wire either."""
        result = from_wire(staged(published_before=True, certification_requested=True), ConnectorStaged)
        assert (result.published_before, result.certification_requested) == (False, False)

    def test_certification_flag_is_false(self):
        """A Processing resource read from the wire takes the certification flag as false."""
        result = from_wire(staged(status="Processing", certificationRequested=True), ConnectorStaged)
        assert result.status is ConnectorStatus.PROCESSING
        assert result.certification_requested is False


# --- Strictness ----------------------------------------------------------------


class TestNoCoercion:
    """JSON types are strict: cattrs' lenient defaults are pinned off."""

    def test_string_is_not_an_int(self):
        """``"3"`` is not an integer."""
        assert problems_of({"version": "3", "actions": []}, ConnectorUpdate) == [
            ("version", "expected an integer, got a string")
        ]

    def test_int_is_not_a_string(self):
        """``3`` is not a string (cattrs would read it as ``"3"``)."""
        assert problems_of(action("setName", name=3), UpdateAction) == [("name", "expected a string, got an integer")]

    def test_bool_is_not_an_int(self):
        """``true`` is not an integer, though Python's bool is an int."""
        assert problems_of({"version": True, "actions": []}, ConnectorUpdate) == [
            ("version", "expected an integer, got a boolean")
        ]

    def test_bool_is_not_an_int_in_a_minimum_field(self):
        """``true`` is not a count of contributors, though it equals 1."""
        assert paths_of(action("setCreatorNoOfContributors", creatorNoOfContributors=True), UpdateAction) == [
            "creatorNoOfContributors"
        ]

    def test_float_is_not_an_int(self):
        """``1.0`` is not an integer."""
        assert problems_of({"version": 1.0, "actions": []}, ConnectorUpdate) == [
            ("version", "expected an integer, got a number")
        ]

    @pytest.mark.parametrize("value", ["false", "true", "yes", 0, 1, None])
    def test_not_a_boolean(self, value):
        """Strings, numbers and null are not booleans."""
        assert paths_of(action("publish", certification=value), UpdateAction) == ["certification"]

    def test_false_string_is_not_false_on_an_entity(self):
        """``"false"`` for ``private`` is not read as a boolean."""
        assert paths_of(staged(private="false"), ConnectorStaged) == ["private"]

    def test_string_is_not_an_array(self):
        """A string is not an array (cattrs would iterate ``"ab"`` into ``("a", "b")``)."""
        assert problems_of(action("setIntegrationTypes", integrationTypes="ab"), UpdateAction) == [
            ("integrationTypes", "expected an array, got a string")
        ]

    def test_string_is_not_an_array_of_strings(self):
        """A string for ``apiClient.scopes`` is rejected, not split into characters."""
        assert paths_of(staged(apiClient={"scopes": "ab"}), ConnectorStaged) == ["apiClient.scopes"]

    def test_object_is_not_an_array(self):
        """An object is not an array."""
        assert paths_of(staged(privateProjects={"a": "b"}), ConnectorStaged) == ["privateProjects"]

    def test_null_for_a_required_field(self):
        """null for a required field is an error, not the string ``"None"``."""
        assert problems_of(action("setName", name=None), UpdateAction) == [("name", "expected a string, got null")]

    def test_null_for_a_required_entity_field(self):
        """null for ``creator.email`` is reported at that path."""
        assert paths_of(staged(creator={"email": None}), ConnectorStaged) == ["creator.email"]

    def test_null_item_in_an_array(self):
        """A null item of an array is an error at its index."""
        assert paths_of(staged(privateProjects=["eu:project", None]), ConnectorStaged) == ["privateProjects[1]"]

    def test_missing_required_field(self):
        """A missing required field reads "required field missing"."""
        assert problems_of(action("setName"), UpdateAction) == [("name", "required field missing")]

    def test_number_is_not_a_datetime(self):
        """A datetime is a string, not an epoch number."""
        entry = {"type": "Error", "title": "t", "createdAt": 1691514059}
        assert paths_of(entry, ConnectorReportEntry) == ["createdAt"]

    @pytest.mark.parametrize("value", ["2023-08-08T17:00:59.327", "2023-08-08", "yesterday", ""])
    def test_datetime_needs_a_zone(self, value):
        """A datetime without a zone, or not a datetime at all, is rejected."""
        entry = {"type": "Error", "title": "t", "createdAt": value}
        assert paths_of(entry, ConnectorReportEntry) == ["createdAt"]

    @pytest.mark.parametrize(
        "value",
        [
            "2023-W32-2T17:00:59Z",
            "20230808T170059Z",
            "2023-08-08 17:00:59Z",
            "2023-08-08T17:00Z",
            "2023-13-08T17:00:59Z",
        ],
    )
    def test_datetime_has_the_api_shape(self, value):
        """Other ISO 8601 spellings (week dates, compact, a space, no seconds) and impossible dates are rejected."""
        entry = {"type": "Error", "title": "t", "createdAt": value}
        assert paths_of(entry, ConnectorReportEntry) == ["createdAt"]

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2023-08-08t17:00:59.327z", datetime(2023, 8, 8, 17, 0, 59, 327000, tzinfo=UTC)),
            ("2023-08-08T17:00:59z", datetime(2023, 8, 8, 17, 0, 59, tzinfo=UTC)),
            ("2023-08-08t19:00:59.5+02:00", datetime(2023, 8, 8, 17, 0, 59, 500000, tzinfo=UTC)),
            ("2023-08-08T17:00:59.123456789Z", datetime(2023, 8, 8, 17, 0, 59, 123000, tzinfo=UTC)),
        ],
    )
    def test_rfc_3339_spellings_are_read(self, value, expected):
        """RFC 3339 date-times read, lowercase t and z and nine fraction digits included."""
        entry = {"type": "Error", "title": "t", "createdAt": value}
        assert from_wire(entry, ConnectorReportEntry).created_at == expected

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("2023-08-08T17:00:60Z", '"2023-08-08T17:00:60Z" is a leap second'),
            ("9999-12-31T23:59:59-01:00", '"9999-12-31T23:59:59-01:00" is not a valid UTC date-time'),
            ("0001-01-01T00:00:00+01:00", '"0001-01-01T00:00:00+01:00" is not a valid UTC date-time'),
            ("2023-02-30T00:00:00Z", '"2023-02-30T00:00:00Z" is not a valid UTC date-time'),
            ("2023-08-08T17:00:59+24:00", '"2023-08-08T17:00:59+24:00" is not a valid UTC date-time'),
            ("\u00e9t\u00e9", '"\u00e9t\u00e9" is not an RFC 3339 date-time'),
        ],
    )
    def test_a_refused_datetime_is_quoted_as_sent(self, value, reason):
        """A refused datetime is quoted as the JSON sent it, never as a Python repr."""
        entry = {"type": "Error", "title": "t", "createdAt": value}
        ((path, message),) = problems_of(entry, ConnectorReportEntry)
        assert path == "createdAt" and message.startswith(reason), message
        assert "datetime.datetime" not in message and "'" not in message

    def test_naive_datetime_cannot_be_built(self):
        """A report entry or comment built in Python with a naive datetime is refused."""
        with pytest.raises(ValueError, match="aware"):
            ConnectorReportEntry(type=ConnectorReportEntryType.ERROR, title="t", created_at=datetime(2024, 1, 1))


class TestReasons:
    """Each reason names what was expected and the JSON type that came instead."""

    @pytest.mark.parametrize(
        ("value", "got"),
        [
            ([], "an array"),
            ({}, "an object"),
            (True, "a boolean"),
            (1.5, "a number"),
            (3, "an integer"),
            (None, "null"),
            (object(), "object"),
        ],
        ids=["array", "object", "boolean", "number", "integer", "null", "not-json"],
    )
    def test_a_wrong_type_is_named(self, value, got):
        """A string field given another value says which JSON type it got (a Python type name for non-JSON)."""
        assert problems_of(action("setName", name=value), UpdateAction) == [("name", f"expected a string, got {got}")]

    def test_a_wrong_boolean_is_named(self):
        """A boolean field given a string expects a boolean."""
        assert problems_of(action("publish", certification="yes"), UpdateAction) == [
            ("certification", "expected a boolean, got a string")
        ]

    def test_a_datetime_that_is_not_a_string(self):
        """A datetime field given a number expects a datetime string."""
        entry = {"type": "Error", "title": "t", "createdAt": 3}
        assert problems_of(entry, ConnectorReportEntry) == [("createdAt", "expected a datetime string, got an integer")]

    def test_a_datetime_of_another_shape(self):
        """A datetime string of another shape shows the shape the API writes."""
        entry = {"type": "Error", "title": "t", "createdAt": "2023-08-08"}
        assert problems_of(entry, ConnectorReportEntry) == [
            ("createdAt", '"2023-08-08" is not an RFC 3339 date-time like 2023-08-08T17:00:59.327Z')
        ]

    def test_an_error_of_another_kind(self):
        """A failure that is not a missing field nor a bad value (a non-JSON object's) is an invalid value naming it."""

        class Unreadable(dict[str, Any]):
            def values(self) -> Any:
                raise RuntimeError("cannot list the values")

        assert problems_of(Unreadable(name="x"), SetName) == [
            ("$", "invalid value (RuntimeError: cannot list the values)")
        ]


class TestEnums:
    """Enum values are read exactly, as strings."""

    def test_unknown_status(self):
        """An unknown status is rejected, the allowed values named."""
        ((path, reason),) = problems_of(staged(status="Archived"), ConnectorStaged)
        assert path == "status"
        assert "'Archived'" in reason
        assert "'Draft'" in reason
        assert "'Failed'" in reason

    def test_unknown_value_lists_the_allowed_ones(self):
        """The reason lists every allowed value, in the enum's order."""
        assert problems_of(staged(isPreviewable="maybe"), ConnectorStaged) == [
            ("isPreviewable", "'maybe' is not one of 'true', 'false', 'pending', 'none'")
        ]

    def test_unknown_region_item(self):
        """An unknown region is rejected at its index."""
        assert paths_of(action("setSupportedRegions", regions=["europe-west1.gcp", "mars"]), UpdateAction) == [
            "regions[1]"
        ]

    def test_enum_value_is_case_sensitive(self):
        """``draft`` is not ``Draft``."""
        assert paths_of(staged(status="draft"), ConnectorStaged) == ["status"]

    def test_enum_member_name_is_not_a_value(self):
        """The Python member name (``EUROPE_WEST1_GCP``) is not a wire value."""
        assert paths_of(action("setSupportedRegions", regions=["EUROPE_WEST1_GCP"]), UpdateAction) == ["regions[0]"]

    def test_is_previewable_json_boolean_rejected(self):
        """``isPreviewable: true`` (a JSON boolean) is rejected: the wire value is the string ``"true"``."""
        assert problems_of(staged(isPreviewable=True), ConnectorStaged) == [
            ("isPreviewable", "expected a string, got a boolean")
        ]

    @pytest.mark.parametrize("value", ["true", "false", "pending", "none"])
    def test_is_previewable_strings_accepted(self, value):
        """Every IsPreviewable string reads and writes back."""
        result = from_wire(staged(isPreviewable=value), ConnectorStaged)
        assert result.is_previewable is IsPreviewable(value)
        assert to_wire(result)["isPreviewable"] == value

    def test_unknown_application_type(self):
        """An unknown applicationType is rejected at its nested path."""
        data = fixture("staged.json")
        data["configurations"][0]["applicationType"] = "lambda"
        assert paths_of(data, ConnectorStaged) == ["configurations[0].applicationType"]


class TestPatterns:
    """Documented patterns and lengths are checked on the whole string."""

    @pytest.mark.parametrize("cls", [ConnectorStaged, Connector])
    @pytest.mark.parametrize("key", ["a", "a" * 257, "ab\n", "a.b", "a b", ""])
    def test_bad_key(self, cls, key):
        """A key that is too short, too long, or outside ``^[A-Za-z0-9_-]+$`` is rejected."""
        data = fixture("staged.json" if cls is ConnectorStaged else "minimal.json")
        assert paths_of({**data, "key": key}, cls) == ["key"]

    @pytest.mark.parametrize("key", ["ab", "a" * 256, "A_b-9"])
    def test_good_key(self, key):
        """Keys of length 2 and 256 within the pattern are accepted."""
        assert from_wire(staged(key=key), ConnectorStaged).key == key

    def test_trailing_newline_key_reason(self):
        """A key with a trailing newline fails the pattern (``$`` alone would let it through)."""
        assert problems_of(staged(key="ab\n"), ConnectorStaged) == [("key", f"'ab\\n' does not match {KEY_PATTERN}")]

    def test_key_length_reason(self):
        """A one-character key names the allowed length."""
        ((path, reason),) = problems_of(staged(key="a"), ConnectorStaged)
        assert path == "key"
        assert "2 to 256" in reason

    def test_draft_key_checked(self):
        """A ConnectorStagedDraft's key is checked too."""
        draft = {
            "key": "a",
            "name": "n",
            "creator": {"email": "e@example.com"},
            "repository": fixture("Repository.json"),
        }
        assert paths_of(draft, ConnectorStagedDraft) == ["key"]

    @pytest.mark.parametrize("name", ["addPrivateProject", "removePrivateProject"])
    def test_private_project_trailing_newline(self, name):
        """A project identifier with a trailing newline is rejected."""
        assert problems_of(action(name, privateProject="eu.gcp:project\n"), UpdateAction) == [
            ("privateProject", f"'eu.gcp:project\\n' does not match {PROJECT_PATTERN}")
        ]

    @pytest.mark.parametrize(
        "project", ["eu.gcp:a", "eu.gcp:" + "a" * 37, "project-key", ":project", "eu gcp:project", "eu.gcp:pro.ject"]
    )
    def test_bad_private_project(self, project):
        """A project identifier outside ``{region}:{projectKey}`` (key 2..36) is rejected."""
        assert paths_of(action("addPrivateProject", privateProject=project), UpdateAction) == ["privateProject"]

    @pytest.mark.parametrize("project", ["eu.gcp:ab", "europe-west1.gcp:" + "a" * 36, "us_1.aws:my-project_2"])
    def test_good_private_project(self, project):
        """Project identifiers within the pattern are accepted."""
        assert from_wire(action("addPrivateProject", privateProject=project), UpdateAction) == AddPrivateProject(
            private_project=project
        )

    @pytest.mark.parametrize("application_name", ["app-1\n", "a", "a" * 257, "app 1"])
    def test_bad_application_name(self, application_name):
        """An applicationName with a trailing newline, a bad length or a space is rejected."""
        data = {**fixture("ConnectorConfigurationApplication.json"), "applicationName": application_name}
        assert paths_of(data, ConnectorConfigurationApplication) == ["applicationName"]

    def test_application_name_path_in_a_resource(self):
        """A bad applicationName inside a resource is reported at its nested path."""
        data = fixture("staged.json")
        data["configurations"][0]["applicationName"] = "app-1\n"
        assert paths_of(data, ConnectorStaged) == ["configurations[0].applicationName"]

    @pytest.mark.parametrize(
        "project",
        ["eu@gcp:project", "eu.gcp:ab=cd", "eu:a[b", "eu:ab^c", "eu:ab\\c", "eu:ab:cd", "éu:abc", "eu:ab\u0661"],
    )
    def test_project_identifier_characters(self, project):
        """``0-9-_`` is not a range: characters between ``9`` and ``_``, and non-ASCII ones, are rejected."""
        assert paths_of(action("addPrivateProject", privateProject=project), UpdateAction) == ["privateProject"]

    @pytest.mark.parametrize("key", ["aé", "a\u0661", "ab:c", "ab@c"])
    def test_key_characters(self, key):
        """A key is ASCII letters, digits, ``_`` and ``-`` only."""
        assert paths_of(staged(key=key), ConnectorStaged) == ["key"]

    def test_draft_private_projects_checked(self):
        """A ConnectorStagedDraft's privateProjects are checked item by item."""
        draft = {
            "name": "n",
            "creator": {"email": "e@example.com"},
            "repository": fixture("Repository.json"),
            "privateProjects": ["eu.gcp:ok", "eu.gcp:ok\n"],
        }
        assert paths_of(draft, ConnectorStagedDraft) == ["privateProjects[1]"]


class TestRepository:
    """Repository URLs are GitHub HTTPS or SSH URLs; tags are not empty."""

    def test_set_repository_without_url_reads_and_writes_without_it(self):
        """setRepository may leave url out; absent stays absent on a round trip (the CLI sends it so)."""
        read = from_wire(action("setRepository", tag="v2.0.0"), UpdateAction)
        assert read == SetRepository(tag="v2.0.0") and read.url is None
        assert to_wire(read) == {"action": "setRepository", "tag": "v2.0.0"}
        assert from_wire(action("setRepository", url=None, tag="v2"), UpdateAction) == SetRepository(tag="v2")

    def test_set_repository_still_needs_its_tag(self):
        """Without tag, setRepository is refused naming the tag."""
        assert paths_of(action("setRepository", url="https://github.com/o/r"), UpdateAction) == ["tag"]

    @pytest.mark.parametrize(
        "url", ["https://github.com/o/r", "https://github.com/o/r.git", "git@github.com:o/r.git", "git@github.com:o/r"]
    )
    def test_accepted_urls(self, url):
        """HTTPS and SSH GitHub URLs, with or without ``.git``, are accepted."""
        assert from_wire({"url": url, "tag": "1.0.0"}, Repository).url == url
        assert from_wire(_draft_with(url=url, tag="1.0.0"), ConnectorStagedDraft).repository.url == url
        assert from_wire(action("setRepository", url=url, tag="1.0.0"), UpdateAction) == SetRepository(
            url=url, tag="1.0.0"
        )

    @pytest.mark.parametrize(
        "url",
        [
            "http://github.com/o/r",
            "https://gitlab.com/o/r",
            "git@gitlab.com:o/r.git",
            "https://github.com/o",
            "https://github.com/o/",
            "git@github.com:o",
            "https://github.com/o/r\n",
            "",
        ],
    )
    def test_rejected_urls(self, url):
        """Plain HTTP, other hosts, a missing repository part and a trailing newline are rejected."""
        assert paths_of(_draft_with(url=url, tag="1.0.0"), ConnectorStagedDraft) == ["repository.url"]
        assert paths_of(action("setRepository", url=url, tag="1.0.0"), UpdateAction) == ["url"]

    def test_empty_tag(self):
        """An empty tag is rejected."""
        assert problems_of(action("setRepository", url="https://github.com/o/r", tag=""), UpdateAction) == [
            ("tag", "the tag must not be empty")
        ]

    def test_url_and_tag_both_reported(self):
        """A bad URL and an empty tag are both reported."""
        draft = _draft_with(url="http://github.com/o/r", tag="")
        assert paths_of(draft, ConnectorStagedDraft) == ["repository.url", "repository.tag"]

    def test_a_resource_read_from_the_wire_is_tolerant(self):
        """A ConnectorStaged or Connector read from the wire takes any repository strings (lifecycle.md)."""
        read = from_wire(staged(repository={"url": "https://gitlab.com/o/r", "tag": ""}), ConnectorStaged)
        assert read.repository == Repository(url="https://gitlab.com/o/r", tag="")
        assert to_wire(read)["repository"] == {"url": "https://gitlab.com/o/r", "tag": ""}

    def test_a_draft_built_in_python_is_checked(self):
        """Building a draft with a repository a client may not send raises, naming the part."""
        bad = Repository(url="https://gitlab.com/o/r", tag="")
        with pytest.raises(
            ValueError, match=r"url: .* is not a GitHub repository URL.*; tag: the tag must not be empty"
        ):
            ConnectorStagedDraft(name="n", creator=Creator(email="e"), repository=bad)


class TestActionLimits:
    """``minItems`` and ``minimum`` of the action payloads."""

    def test_empty_supported_regions(self):
        """``setSupportedRegions`` with ``[]`` is rejected (minItems 1)."""
        assert paths_of(action("setSupportedRegions", regions=[]), UpdateAction) == ["regions"]

    def test_one_supported_region(self):
        """``setSupportedRegions`` with one region is accepted."""
        assert from_wire(action("setSupportedRegions", regions=["us-east-2.aws"]), UpdateAction) == (
            SetSupportedRegions(regions=(Region.US_EAST_2_AWS,))
        )

    def test_empty_integration_types_allowed(self):
        """``setIntegrationTypes`` may be empty."""
        assert from_wire(action("setIntegrationTypes", integrationTypes=[]), UpdateAction) == SetIntegrationTypes(
            integration_types=()
        )

    @pytest.mark.parametrize("count", [0, -1])
    def test_no_of_contributors_below_one(self, count):
        """``setCreatorNoOfContributors`` below 1 is rejected (minimum 1)."""
        ((path, reason),) = problems_of(
            action("setCreatorNoOfContributors", creatorNoOfContributors=count), UpdateAction
        )
        assert path == "creatorNoOfContributors"
        assert "at least 1" in reason

    def test_no_of_contributors_one(self):
        """``setCreatorNoOfContributors`` 1 is accepted."""
        assert from_wire(action("setCreatorNoOfContributors", creatorNoOfContributors=1), UpdateAction) == (
            SetCreatorNoOfContributors(creator_no_of_contributors=1)
        )


# --- Error paths -----------------------------------------------------------------


class TestErrorPaths:
    """Errors name the wire path of every offending value, all of them."""

    def test_update_with_several_bad_actions(self):
        """Every bad action of an update is reported, and ``.error`` carries them all."""
        data = {
            "version": 1,
            "actions": [
                action("setName", name="fine"),
                action("addPrivateProject", privateProject="bad"),
                action("setName", name=3),
            ],
        }
        with pytest.raises(InvalidInput) as info:
            from_wire(data, ConnectorUpdate)
        exc = info.value
        assert exc.problems == [
            ("actions[1].privateProject", f"'bad' does not match {PROJECT_PATTERN}"),
            ("actions[2].name", "expected a string, got an integer"),
        ]
        detail = (
            f"actions[1].privateProject: 'bad' does not match {PROJECT_PATTERN}; "
            "actions[2].name: expected a string, got an integer"
        )
        assert isinstance(exc.error, InvalidJsonInput)
        assert exc.error == InvalidJsonInput(detail)
        assert exc.error.detailed_error_message == detail
        assert str(exc) == detail

    def test_invalid_input_is_a_value_error(self):
        """InvalidInput is a ValueError."""
        with pytest.raises(ValueError):
            from_wire({}, ConnectorUpdate)

    def test_unknown_action_in_update(self):
        """An unknown action name is reported at ``actions[i].action``."""
        problems = problems_of(
            {"version": 1, "actions": [action("setName", name="x"), action("nope")]}, ConnectorUpdate
        )
        assert [p for p, _ in problems] == ["actions[1].action"]
        assert "unknown action 'nope'" in problems[0][1]

    def test_missing_action_in_update(self):
        """A missing ``action`` reads "required field missing" at ``actions[i].action``."""
        assert problems_of({"version": 1, "actions": [{"name": "x"}]}, ConnectorUpdate) == [
            ("actions[0].action", "required field missing")
        ]

    def test_non_string_action(self):
        """A non-string ``action`` is reported at ``action``."""
        assert problems_of({"action": 3}, UpdateAction) == [("action", "expected a string, got an integer")]

    @pytest.mark.parametrize("data", [None, [], "setName", 3])
    def test_non_object_action(self, data):
        """A non-object action is reported at its own path."""
        assert paths_of({"version": 1, "actions": [data]}, ConnectorUpdate) == ["actions[0]"]

    def test_update_version_and_actions_both_reported(self):
        """A bad version and a bad action are both reported."""
        assert paths_of({"version": "1", "actions": [action("publish")]}, ConnectorUpdate) == [
            "version",
            "actions[0].certification",
        ]

    def test_update_missing_everything(self):
        """An empty object misses both fields of a ConnectorUpdate."""
        assert sorted(problems_of({}, ConnectorUpdate)) == [
            ("actions", "required field missing"),
            ("version", "required field missing"),
        ]

    def test_nested_paths_in_a_resource(self):
        """Errors deep in a resource name their camelCase paths, all of them."""
        data = fixture("staged.json")
        data["creator"] = {"email": 3}
        data["privateProjects"] = ["eu.gcp:ok", "bad"]
        data["configurations"][0]["standardConfiguration"][0]["key"] = 5
        data["publishingReport"]["entries"][0]["createdAt"] = "not a date"
        assert sorted(paths_of(data, ConnectorStaged)) == sorted(
            [
                "creator.email",
                "privateProjects[1]",
                "configurations[0].standardConfiguration[0].key",
                "publishingReport.entries[0].createdAt",
            ]
        )

    def test_wire_names_not_python_names(self):
        """Paths use wire names (``noOfContributors``), not Python names (``no_of_contributors``)."""
        assert paths_of(staged(creator={"email": "e@x", "noOfContributors": "many"}), ConnectorStaged) == [
            "creator.noOfContributors"
        ]

    def test_missing_nested_required_field(self):
        """A missing nested field reads "required field missing" at its path."""
        assert problems_of(staged(repository={"url": "https://github.com/o/r"}), ConnectorStaged) == [
            ("repository.tag", "required field missing")
        ]

    def test_several_bad_items_of_one_array(self):
        """Every bad item of an array is reported, not only the first."""
        assert paths_of(staged(privateProjects=["bad", "eu.gcp:ok", 3, "worse"]), ConnectorStaged) == [
            "privateProjects[0]",
            "privateProjects[2]",
            "privateProjects[3]",
        ]

    def test_staged_page_paths(self):
        """A bad field of a page's result is reported at ``results[i]...``."""
        data = fixture("staged-paged.json")
        data["results"][0]["supportedRegions"] = ["nowhere"]
        data["limit"] = "20"
        assert sorted(paths_of(data, ConnectorStagedPagedQueryResponse)) == ["limit", "results[0].supportedRegions[0]"]

    @pytest.mark.parametrize("data", [None, [], "x", 3, 1.5, True])
    @pytest.mark.parametrize("cls", [ConnectorStaged, ConnectorUpdate, UpdateAction, SetName, Creator])
    def test_non_object_root(self, cls, data):
        """A root that is not an object is reported at ``$``."""
        ((path, reason),) = problems_of(data, cls)
        assert path == "$"
        assert reason.startswith("expected an object")

    def test_detail_joins_every_problem(self):
        """The detailed message is every ``path: reason``, joined by ``; ``."""
        with pytest.raises(InvalidInput) as info:
            from_wire(staged(key="a", private="no", status="Archived"), ConnectorStaged)
        exc = info.value
        assert len(exc.problems) == 3
        assert exc.error.detailed_error_message == "; ".join(f"{p}: {r}" for p, r in exc.problems)

    def test_paths_in_optional_parts(self):
        """Errors inside globalConfiguration, apiClient and certificationInfo name their paths."""
        data = staged(
            globalConfiguration={"securedConfiguration": [{"key": "S", "description": 3}]},
            apiClient={"scopes": ["manage_project:x", 3]},
            certificationInfo={"comments": [{"userId": "p", "datetime": "bad", "comment": "c"}]},
        )
        assert sorted(paths_of(data, ConnectorStaged)) == [
            "apiClient.scopes[1]",
            "certificationInfo.comments[0].datetime",
            "globalConfiguration.securedConfiguration[0].description",
        ]

    @pytest.mark.parametrize("tag", ["SetName", "setname", "set_name", "", " setName"])
    def test_action_tag_is_exact(self, tag):
        """The ``action`` tag is the API's name exactly: not the class name, not another case."""
        ((path, reason),) = problems_of(action(tag, name="x"), UpdateAction)
        assert path == "action"
        assert "unknown action" in reason

    def test_input_not_modified(self):
        """``from_wire`` leaves its input as it was, nulls and all."""
        data = fixture("draft.json")
        before = copy.deepcopy(data)
        from_wire(data, ConnectorStaged)
        assert data == before


# --- The tolerant reader ---------------------------------------------------------


class TestTolerantReader:
    """``null`` equals absent for optional fields; unknown fields are ignored."""

    @pytest.mark.parametrize(
        "field",
        [
            "key",
            "description",
            "globalConfiguration",
            "apiClient",
            "certificationInfo",
            "publishingReport",
            "previewableReport",
            "documentationUrl",
            "certified",
        ],
    )
    def test_null_optional_field(self, field):
        """null for an optional field reads as if it were absent."""
        data = fixture("staged.json")
        absent = {k: v for k, v in data.items() if k != field}
        assert from_wire({**data, field: None}, ConnectorStaged) == from_wire(absent, ConnectorStaged)

    def test_null_optional_field_not_written_back(self):
        """A null optional field is not written back."""
        data = fixture("staged.json")
        assert to_wire(from_wire({**data, "documentationUrl": None}, ConnectorStaged)) == data

    @pytest.mark.parametrize("field", ["name", "title", "company", "logoUrl", "noOfContributors", "supportUrl"])
    def test_null_optional_creator_field(self, field):
        """null for an optional Creator field reads as None."""
        result = from_wire({"email": "e@example.com", field: None}, Creator)
        assert result == Creator(email="e@example.com")

    def test_null_default(self):
        """A configuration key's ``default: null`` reads as absent."""
        result = from_wire({"key": "K", "description": "d", "default": None}, StandardConfigurationKey)
        assert result.default is None
        assert to_wire(result) == {"key": "K", "description": "d"}

    def test_unknown_fields_on_a_resource(self):
        """Unknown fields of a resource (``createdAt``, ``lastModifiedAt``) are ignored."""
        data = staged(createdAt="2023-08-08T12:00:00.000Z", lastModifiedAt="whatever", extra={"a": [1]})
        assert from_wire(data, ConnectorStaged) == from_wire(fixture("staged.json"), ConnectorStaged)

    def test_unknown_fields_nested(self):
        """Unknown fields of nested objects are ignored."""
        data = fixture("staged.json")
        data["creator"]["twitter"] = "@someone"
        data["repository"]["branch"] = "main"
        assert from_wire(data, ConnectorStaged) == from_wire(fixture("staged.json"), ConnectorStaged)

    def test_unknown_fields_on_an_action(self):
        """Unknown fields of an action are ignored."""
        assert from_wire(action("setName", name="x", extra=1), UpdateAction) == SetName(name="x")

    def test_unknown_fields_on_a_payload_less_action(self):
        """Unknown fields of an action without payload are ignored."""
        assert from_wire(action("unlist", reason="none"), UpdateAction) == Unlist()

    def test_unknown_fields_on_an_update(self):
        """Unknown fields of an update request are ignored."""
        data = {**fixture("update.json"), "comment": "x"}
        assert from_wire(data, ConnectorUpdate) == from_wire(fixture("update.json"), ConnectorUpdate)

    def test_null_status_reads_as_default(self):
        """``status: null`` reads as its documented default, Draft."""
        assert from_wire(staged(status=None), ConnectorStaged).status is ConnectorStatus.DRAFT

    def test_null_is_previewable_reads_as_default(self):
        """``isPreviewable: null`` reads as its documented default, none."""
        assert from_wire(staged(isPreviewable=None), ConnectorStaged).is_previewable is IsPreviewable.NONE


# --- Writing ------------------------------------------------------------------------


class TestToWire:
    """``to_wire`` writes JSON-ready camelCase data."""

    @pytest.mark.parametrize(
        ("name", "cls"),
        [
            ("staged.json", ConnectorStaged),
            ("draft.json", ConnectorStaged),
            ("staged-paged.json", ConnectorStagedPagedQueryResponse),
            ("minimal.json", Connector),
            ("update.json", ConnectorUpdate),
            ("CertificationInfoComment.json", CertificationInfoComment),
        ],
    )
    def test_json_ready(self, name, cls):
        """The output holds only str, int, float, bool, list and str-keyed dict, at every depth."""
        wire = to_wire(from_wire(fixture(name), cls))
        assert_json_ready(wire)
        assert json.loads(json.dumps(wire)) == wire

    def test_camel_case_keys(self):
        """Every key is camelCase: no underscores, the wire names present."""
        wire = to_wire(from_wire(fixture("staged.json"), ConnectorStaged))
        keys = all_keys(wire)
        assert not [k for k in keys if "_" in k]
        assert {
            "integrationTypes",
            "noOfContributors",
            "applicationName",
            "standardConfiguration",
            "privateProjects",
            "supportedRegions",
            "alreadyListed",
            "hasChanges",
            "isPreviewable",
            "publishingReport",
            "createdAt",
        } <= keys

    def test_absent_optionals_omitted(self):
        """Optional fields that are absent are not written, not even as null."""
        wire = to_wire(from_wire(fixture("draft.json"), ConnectorStaged))
        for name in [
            "publishingReport",
            "certified",
            "documentationUrl",
            "apiClient",
            "globalConfiguration",
            "certificationInfo",
        ]:
            assert name not in wire
        assert all("message" not in e for e in wire["previewableReport"]["entries"])
        assert "logoUrl" not in wire["creator"]
        assert None not in wire.values()

    def test_absent_key_omitted_and_absent_description_read_as_empty(self):
        """A resource without key writes none; one without description reads and writes "" (lifecycle.md)."""
        data = {k: v for k, v in fixture("staged.json").items() if k not in ("key", "description")}
        read = from_wire(data, ConnectorStaged)
        wire = to_wire(read)
        assert "key" not in wire
        assert read.description == "" and wire["description"] == ""

    def test_enums_written_as_values(self):
        """Enums are written as their wire strings."""
        wire = to_wire(from_wire(fixture("staged.json"), ConnectorStaged))
        assert wire["status"] == "Failed"
        assert wire["isPreviewable"] == "false"
        assert wire["supportedRegions"] == ["us-central1.gcp", "europe-west1.gcp"]
        assert wire["configurations"][0]["applicationType"] == "service"

    def test_tuples_written_as_lists(self):
        """Tuples are written as lists."""
        wire = to_wire(SetSupportedRegions(regions=(Region.US_EAST_2_AWS,)))
        assert type(wire["regions"]) is list

    def test_datetime_format(self):
        """A datetime is written with milliseconds and ``Z``."""
        entry = ConnectorReportEntry(
            type=ConnectorReportEntryType.WARNING,
            title="t",
            created_at=datetime(2023, 8, 8, 17, 0, 59, 327000, tzinfo=UTC),
        )
        assert to_wire(entry)["createdAt"] == "2023-08-08T17:00:59.327Z"

    def test_datetime_whole_second(self):
        """A whole-second datetime still carries ``.000``."""
        comment = CertificationInfoComment(user_id="p", datetime=datetime(2023, 3, 17, 14, 0, tzinfo=UTC), comment="c")
        assert to_wire(comment)["datetime"] == "2023-03-17T14:00:00.000Z"

    def test_microseconds_kept_to_the_millisecond(self):
        """A datetime read with microseconds is kept to the millisecond."""
        entry = {"type": "Error", "title": "t", "createdAt": "2023-08-08T17:00:59.327456Z"}
        result = from_wire(entry, ConnectorReportEntry)
        assert result.created_at == datetime(2023, 8, 8, 17, 0, 59, 327000, tzinfo=UTC)
        assert to_wire(result)["createdAt"] == "2023-08-08T17:00:59.327Z"

    def test_microseconds_written_to_the_millisecond(self):
        """A datetime built with microseconds is written to the millisecond."""
        entry = ConnectorReportEntry(
            type=ConnectorReportEntryType.ERROR,
            title="t",
            created_at=datetime(2023, 8, 8, 17, 0, 59, 327456, tzinfo=UTC),
        )
        assert to_wire(entry)["createdAt"] == "2023-08-08T17:00:59.327Z"

    def test_offset_converted_to_utc(self):
        """A datetime read with a ``+02:00`` offset is converted to UTC."""
        entry = {"type": "Error", "title": "t", "createdAt": "2023-08-08T19:00:59.327+02:00"}
        result = from_wire(entry, ConnectorReportEntry)
        assert result.created_at == datetime(2023, 8, 8, 17, 0, 59, 327000, tzinfo=UTC)
        assert result.created_at.utcoffset() == timedelta(0)
        assert to_wire(result)["createdAt"] == "2023-08-08T17:00:59.327Z"

    def test_offset_written_as_utc(self):
        """A datetime built in another zone is written in UTC."""
        zone = timezone(timedelta(hours=-5))
        comment = CertificationInfoComment(
            user_id="p", datetime=datetime(2023, 3, 17, 9, 0, 0, 5000, tzinfo=zone), comment="c"
        )
        assert to_wire(comment)["datetime"] == "2023-03-17T14:00:00.005Z"

    def test_datetime_shape(self):
        """Every datetime of a resource is written as ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
        wire = to_wire(from_wire(fixture("draft.json"), ConnectorStaged))
        stamps = [e["createdAt"] for e in wire["previewableReport"]["entries"]]
        assert stamps == ["2024-02-15T10:12:12.069Z", "2024-02-15T10:12:12.072Z", "2024-02-15T10:12:12.073Z"]
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", s) for s in stamps)

    @pytest.mark.parametrize("expected", list(ACTION_EXAMPLES.values()), ids=lambda a: type(a).__name__)
    def test_action_written_with_its_tag(self, expected):
        """An action is written with its ``action`` tag, the API's name."""
        wire = to_wire(expected)
        assert wire["action"] == action_name(type(expected))
        assert_json_ready(wire)

    def test_payload_less_action(self):
        """An action without payload is written as its tag alone."""
        assert to_wire(UpdatePreviewable()) == {"action": "updatePreviewable"}
        assert to_wire(Unlist()) == {"action": "unlist"}

    def test_set_creator_logo_payload_name(self):
        """``setCreatorLogo`` writes its payload as ``logoUrl``."""
        assert to_wire(SetCreatorLogo(logo_url="https://x/l.png")) == {
            "action": "setCreatorLogo",
            "logoUrl": "https://x/l.png",
        }

    def test_update_actions_tagged(self):
        """The actions of an update are written with their tags."""
        update = ConnectorUpdate(version=3, actions=(SetName(name="n"), Publish(certification=True)))
        assert to_wire(update) == {
            "version": 3,
            "actions": [{"action": "setName", "name": "n"}, {"action": "publish", "certification": True}],
        }

    def test_draft_absent_lists_omitted(self):
        """A ConnectorStagedDraft writes absent lists as absent, and empty ones as ``[]``."""
        draft = ConnectorStagedDraft(
            name="n",
            creator=Creator(email="e@example.com"),
            repository=Repository(url="https://github.com/o/r", tag="1"),
            supported_regions=(),
        )
        wire = to_wire(draft)
        assert "integrationTypes" not in wire
        assert "privateProjects" not in wire
        assert wire["supportedRegions"] == []
        assert from_wire(wire, ConnectorStagedDraft) == draft

    def test_no_wire_form_to_read_names_the_class(self):
        """Reading as a class without a wire form raises TypeError naming that class."""
        with pytest.raises(TypeError, match=r"^<class 'connector_domain\.errors\.InvalidJsonInput'> has no wire form$"):
            from_wire({}, InvalidJsonInput)

    def test_no_wire_form_names_the_type(self):
        """The TypeError for an object without a wire form names its type."""
        with pytest.raises(TypeError, match=r"^InvalidJsonInput has no wire form$"):
            to_wire(InvalidJsonInput("x"))

    @pytest.mark.parametrize("obj", [{"a": 1}, "x", 3, None, InvalidJsonInput("x"), ConnectorStatus.DRAFT])
    def test_no_wire_form(self, obj):
        """An object that has no wire form raises TypeError."""
        with pytest.raises(TypeError):
            to_wire(obj)


class TestConfigureConverter:
    """``configure_converter`` sets up a converter of one's own."""

    def test_wire_form_by_default(self):
        """A converter configured without ``record`` writes the wire form, without the record-only fields."""
        conv = cattrs.Converter()
        configure_converter(conv)
        staged_resource = from_wire(fixture("staged.json"), ConnectorStaged)
        assert conv.unstructure(staged_resource) == to_wire(staged_resource)


class TestReadDatetime:
    """``read_datetime`` reads one date-time as the codec reads every one: in UTC, to the millisecond."""

    def test_milliseconds_kept_exactly(self):
        """A date-time with milliseconds is read with exactly those milliseconds, as microseconds."""
        assert read_datetime("2023-08-08T17:00:59.327Z") == datetime(2023, 8, 8, 17, 0, 59, 327000, tzinfo=UTC)

    def test_offset_minutes_count(self):
        """The minutes of an offset count as well as its hours."""
        assert read_datetime("2023-08-08T22:30:59.000+05:30") == datetime(2023, 8, 8, 17, 0, 59, tzinfo=UTC)


# --- JSON text ---------------------------------------------------------------------


class TestLoadsDumps:
    """``loads`` and ``dumps`` read and write JSON text."""

    @pytest.mark.parametrize("text", ["{", "", "not json", "{'a': 1}", '{"a": 1,}', b"\xff\xfe\xfd"])
    def test_malformed_json(self, text):
        """Malformed JSON text is an InvalidInput at path ``$``."""
        with pytest.raises(InvalidInput) as info:
            loads(text, ConnectorStaged)
        ((path, reason),) = info.value.problems
        assert path == "$"
        assert "not valid JSON" in reason
        assert isinstance(info.value.error, InvalidJsonInput)

    def test_deeply_nested_json(self):
        """JSON nested too deep to parse is an InvalidInput, not a RecursionError."""
        with pytest.raises(InvalidInput) as info:
            loads("[" * 100_000 + "]" * 100_000, ConnectorStaged)
        assert [p for p, _ in info.value.problems] == ["$"]

    def test_loads_mis_shaped(self):
        """Well-formed JSON of the wrong shape is an InvalidInput with its paths."""
        with pytest.raises(InvalidInput) as info:
            loads('{"version": "1", "actions": []}', ConnectorUpdate)
        assert info.value.problems == [("version", "expected an integer, got a string")]

    @pytest.mark.parametrize("name", LOSSLESS_STAGED)
    def test_loads_file(self, name):
        """``loads`` of an example's text equals ``from_wire`` of its data."""
        text = (FIXTURES / name).read_text()
        assert loads(text, ConnectorStaged) == from_wire(fixture(name), ConnectorStaged)

    def test_loads_bytes(self):
        """``loads`` accepts UTF-8 bytes."""
        text = (FIXTURES / "update.json").read_bytes()
        assert loads(text, ConnectorUpdate) == from_wire(fixture("update.json"), ConnectorUpdate)

    @pytest.mark.parametrize(
        ("name", "cls"),
        [
            ("staged.json", ConnectorStaged),
            ("draft.json", ConnectorStaged),
            ("staged-paged.json", ConnectorStagedPagedQueryResponse),
            ("minimal.json", Connector),
            ("update.json", ConnectorUpdate),
        ],
    )
    def test_round_trip(self, name, cls):
        """``loads(dumps(x)) == x``."""
        value = from_wire(fixture(name), cls)
        text = dumps(value)
        assert isinstance(text, str)
        assert loads(text, cls) == value

    def test_dumps_is_to_wire(self):
        """``dumps`` writes the data of ``to_wire``, compactly."""
        value = from_wire(fixture("staged.json"), ConnectorStaged)
        text = dumps(value)
        assert json.loads(text) == to_wire(value)
        assert "\n" not in text
        assert ", " not in text.replace("Connector's", "")

    def test_dumps_keeps_non_ascii(self):
        """``dumps`` writes non-ASCII text as is, and reads it back."""
        creator = Creator(email="zoë@example.com", name="Zoë Ünal")
        text = dumps(creator)
        assert "Zoë Ünal" in text
        assert loads(text, Creator) == creator

    def test_dumps_action(self):
        """``dumps`` of an action carries its tag."""
        assert json.loads(dumps(SetName(name="n"))) == {"action": "setName", "name": "n"}


# --- Error responses ----------------------------------------------------------------

#: One instance of every error class, and the extra fields its ErrorResponse entry carries.
ERROR_EXAMPLES: list[tuple[DomainError, int, str, dict[str, Any]]] = [
    (
        InvalidJsonInput("version: expected an integer, got a string"),
        400,
        "Request body does not contain valid JSON.",
        {"detailedErrorMessage": "version: expected an integer, got a string"},
    ),
    (
        errors.InvalidQueryParam("limit: 501 is not between 0 and 500"),
        400,
        "Request query param is not valid",
        {"detailedErrorMessage": "limit: 501 is not between 0 and 500"},
    ),
    (
        errors.InvalidPathParam("key: must not be empty"),
        400,
        "Request path param is not valid",
        {"detailedErrorMessage": "key: must not be empty"},
    ),
    (
        ConcurrentModification("abc", "connector-key", 1, 2),
        409,
        "Object id=abc or key=connector-key has a different version than expected. Expected: 1 - Actual: 2",
        {"expectedVersion": 1, "currentVersion": 2},
    ),
    (
        ResourceNotFound(key="resource-key"),
        404,
        "The Resource with key 'resource-key' was not found.",
        {},
    ),
    (
        DuplicateField("key", "connector-key"),
        400,
        "A duplicate value connector-key exists for field key.",
        {"field": "key", "duplicateValue": "connector-key"},
    ),
    (
        InvalidOperation("setName", ConnectorStatus.PROCESSING),
        400,
        "setName is not allowed while the ConnectorStaged is in status Processing",
        {},
    ),
    (
        ConnectorStagedNotPrivate("abc", "connector-key"),
        400,
        "The operation is not valid because ConnectorStaged with id=abc or key=connector-key is not private",
        {},
    ),
    (
        ConnectorStagedPreviewRequestUnderProcess(),
        400,
        "The ConnectorStaged preview request is already in progress",
        {},
    ),
    (ConnectorStagedInCertification(), 400, "The ConnectorStaged is already in certification", {}),
    (ConnectorAlreadyCertified(), 400, "The ConnectorStaged is already certified", {}),
    (
        ConnectorStagedNotPreviewable("abc", "connector-key", 3),
        400,
        "Connector id=abc or key=connector-key with version 3 is not previewable",
        {},
    ),
    (
        ConnectorReferenceNotFound("connector-key", 3),
        400,
        "Connector 'connector-key' with version 3 not found",
        {},
    ),
    (DeploymentUnsupportedRegion("us-east-2.aws"), 400, "Deployment unsupported region us-east-2.aws", {}),
]
# The Deployment's errors: the examples of test_errors.py, one per class.
ERROR_EXAMPLES += list(
    {
        type(error): (error, status, message, extras)
        for error, _code, status, message, extras in ERROR_TABLE
        if type(error) not in {type(e) for e, *_ in ERROR_EXAMPLES}
    }.values()
)


class TestErrorResponse:
    """``error_response`` writes the ErrorResponse envelope."""

    def test_every_error_class_has_an_example(self):
        """The examples below cover every error class of ``connector_domain.errors``."""
        classes = {getattr(errors, n) for n in errors.__all__} - {DomainError}
        assert {type(e) for e, *_ in ERROR_EXAMPLES} == classes

    @pytest.mark.parametrize(("error", "status", "message", "extras"), ERROR_EXAMPLES, ids=lambda v: type(v).__name__)
    def test_envelope(self, error, status, message, extras):
        """One error gives ``{statusCode, message, errors: [{code, message, ...extras}]}``."""
        assert error.code == (
            "InvalidOperation" if isinstance(error, errors.InvalidDeploymentOperation) else type(error).__name__
        )
        assert error_response(error) == {
            "statusCode": status,
            "message": message,
            # The code is the class's name, but for the Deployment's InvalidOperation.
            "errors": [{"code": error.code, "message": message, **extras}],
        }

    @pytest.mark.parametrize(("error", "status", "message", "extras"), ERROR_EXAMPLES, ids=lambda v: type(v).__name__)
    def test_json_ready(self, error, status, message, extras):
        """The envelope is JSON-ready."""
        assert_json_ready(error_response(error))

    def test_not_found_matches_the_example(self):
        """ResourceNotFound by key is exactly the reference's ``error/not-found.json``."""
        assert error_response(ResourceNotFound(key="resource-key")) == fixture("error/not-found.json")

    def test_not_found_by_id(self):
        """ResourceNotFound by id names the id."""
        assert error_response(ResourceNotFound(id="abc"))["message"] == "The Resource with ID 'abc' was not found."

    def test_concurrent_modification_without_current_version(self):
        """ConcurrentModification's optional ``currentVersion`` is omitted when unknown."""
        entry = error_response(ConcurrentModification("abc", None, 1, None))["errors"][0]
        assert entry["expectedVersion"] == 1
        assert "currentVersion" not in entry
        assert entry["code"] == "ConcurrentModification"

    def test_concurrent_modification_shape(self):
        """ConcurrentModification answers 409 and carries both versions."""
        response = error_response(ConcurrentModification("abc", "k", 4, 5))
        assert response["statusCode"] == 409
        assert set(response["errors"][0]) == {"code", "message", "expectedVersion", "currentVersion"}

    def test_several_errors(self):
        """Several errors of one status share one envelope; its message is the first's."""
        first = InvalidJsonInput("first")
        second = DuplicateField("key", "k")
        response = error_response([first, second])
        assert response["statusCode"] == 400
        assert response["message"] == first.message
        assert [e["code"] for e in response["errors"]] == ["InvalidJsonInput", "DuplicateField"]
        assert response["errors"][0]["detailedErrorMessage"] == "first"
        assert response["errors"][1]["duplicateValue"] == "k"

    def test_several_errors_from_an_iterable(self):
        """Any iterable of errors is accepted, a generator too."""
        response = error_response(e for e in [ConnectorAlreadyCertified(), ConnectorStagedInCertification()])
        assert len(response["errors"]) == 2

    def test_shape_of_the_reference_example(self):
        """Two InvalidJsonInput errors have the shape of the reference's ``error/error-response.json``."""
        example = fixture("error/error-response.json")
        response = error_response([InvalidJsonInput(""), InvalidJsonInput("")])
        assert set(response) == set(example)
        assert response["statusCode"] == example["statusCode"]
        assert [set(e) for e in response["errors"]] == [set(e) for e in example["errors"]]
        assert [e["detailedErrorMessage"] for e in response["errors"]] == ["", ""]

    def test_mixed_statuses(self):
        """Errors of different HTTP statuses in one response are a ValueError."""
        with pytest.raises(ValueError, match=r"^errors of one response share one HTTP status, not \[400, 404\]$"):
            error_response([InvalidJsonInput("x"), ResourceNotFound(key="k")])

    def test_mixed_statuses_409(self):
        """A 409 error cannot share a response with a 400 one."""
        with pytest.raises(ValueError, match=r"^errors of one response share one HTTP status, not \[400, 409\]$"):
            error_response([ConcurrentModification("a", None, 1, 2), ConnectorAlreadyCertified()])

    def test_no_errors(self):
        """An empty list of errors is a ValueError."""
        with pytest.raises(ValueError, match=r"^an ErrorResponse needs at least one error$"):
            error_response([])

    def test_invalid_input_answers(self):
        """An InvalidInput's ``.error`` answers as a 400 InvalidJsonInput naming every path."""
        with pytest.raises(InvalidInput) as info:
            from_wire({"version": 1, "actions": [action("nope"), {"name": "x"}]}, ConnectorUpdate)
        response = error_response(info.value.error)
        assert response["statusCode"] == 400
        (entry,) = response["errors"]
        assert entry["code"] == "InvalidJsonInput"
        assert entry["detailedErrorMessage"] == (
            "actions[0].action: unknown action 'nope'; actions[1].action: required field missing"
        )


# --- Robustness ----------------------------------------------------------------------

GARBAGE: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    float("nan"),
    10**30,
    "",
    "x",
    "\n",
    [],
    [None],
    [[]],
    [{}],
    ["a", 1, None],
    {},
    {"": None},
    {"action": None},
    {"action": []},
    {"action": {}},
    {"action": "setName", "name": [{"x": [None]}]},
    [[[[[[[[[[]]]]]]]]]],
]


def _field_names(cls: Any) -> list[str]:
    if not attrs.has(cls):
        return []
    return [camel(f.name) for f in attrs.fields(cls)]


class TestOnlyInvalidInputEscapes:
    """For JSON-like input, ``from_wire`` either returns or raises InvalidInput."""

    @pytest.mark.parametrize("cls", READABLE, ids=lambda c: getattr(c, "__name__", "UpdateAction"))
    def test_odd_roots(self, cls):
        """Odd roots (null, numbers, strings, lists, nested garbage) raise only InvalidInput."""
        for data in GARBAGE:
            try:
                from_wire(copy.deepcopy(data), cls)
            except InvalidInput as exc:
                assert exc.problems, data
                assert isinstance(exc.error, InvalidJsonInput)

    @pytest.mark.parametrize("cls", READABLE, ids=lambda c: getattr(c, "__name__", "UpdateAction"))
    def test_odd_fields(self, cls):
        """Every field set to odd values raises only InvalidInput."""
        targets = [(cls, {})] if cls is not UpdateAction else [(a, {"action": action_name(a)}) for a in ACTIONS]
        for target, base in targets:
            names = _field_names(target)
            for garbage in GARBAGE:
                data = {**{name: copy.deepcopy(garbage) for name in names}, **base}
                try:
                    from_wire(data, cls)
                except InvalidInput as exc:
                    assert exc.problems, data

    @pytest.mark.parametrize("cls", READABLE, ids=lambda c: getattr(c, "__name__", "UpdateAction"))
    def test_one_odd_field_at_a_time(self, cls):
        """One odd field in an otherwise empty object raises only InvalidInput, naming paths."""
        for name in _field_names(cls):
            for garbage in GARBAGE:
                try:
                    from_wire({name: copy.deepcopy(garbage)}, cls)
                except InvalidInput as exc:
                    assert all(isinstance(p, str) and isinstance(r, str) for p, r in exc.problems)

    def test_garbage_deep_in_a_resource(self):
        """Garbage replacing each nested value of staged.json raises only InvalidInput."""
        base = fixture("staged.json")

        def locations(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
            out = [path]
            if isinstance(value, dict):
                for k, v in value.items():
                    out.extend(locations(v, (*path, k)))
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    out.extend(locations(v, (*path, i)))
            return out

        for location in locations(base)[1:]:
            for garbage in GARBAGE:
                data = copy.deepcopy(base)
                target = data
                for step in location[:-1]:
                    target = target[step]
                target[location[-1]] = copy.deepcopy(garbage)
                try:
                    from_wire(data, ConnectorStaged)
                except InvalidInput as exc:
                    assert exc.problems


class TestNoWireForm:
    """``from_wire`` reads only the wire classes."""

    @pytest.mark.parametrize("cls", [dict, str, int, ConnectorStatus, InvalidJsonInput, DomainError, object])
    def test_type_error(self, cls):
        """A class that has no wire form raises TypeError (a programming error), not InvalidInput."""
        with pytest.raises(TypeError) as info:
            from_wire({}, cls)
        assert not isinstance(info.value, InvalidInput)


class TestServiceEvents:
    """Service events have an out-of-band wire form, tagged by ``type``, for servers and mocks."""

    def test_event_round_trips_with_its_type(self):
        """An event is written with its class name as ``type`` and read back equal."""
        event = PreviewGranted(report=None, configurations=())
        wire = to_wire(event)
        assert wire == {"type": "PreviewGranted", "configurations": []}
        assert from_wire(wire, ServiceEvent) == event
        assert to_wire(CertificationStarted()) == {"type": "CertificationStarted"}

    def test_unknown_or_missing_type(self):
        """An unknown or missing ``type`` is reported at ``type``."""
        for doc, reason in (({"type": "Publish"}, "unknown service event 'Publish'"), ({}, "required field missing")):
            with pytest.raises(InvalidInput) as info:
                from_wire(doc, ServiceEvent)
            assert info.value.problems == [("type", reason)]

    def test_event_payload_is_checked(self):
        """A malformed report inside an event names its path."""
        with pytest.raises(InvalidInput) as info:
            from_wire({"type": "PublishingSucceeded", "report": {"entries": "x"}}, ServiceEvent)
        assert [p for p, _ in info.value.problems] == ["report.entries"]
        assert from_wire({"type": "PublishingSucceeded"}, PublishingSucceeded) == PublishingSucceeded()

    def test_connect_yaml_fields_read_in_camel_case(self):
        """globalConfiguration and apiClient on an event read from JSON text as the staged's types."""
        text = (
            b'{"type":"PreviewGranted",'
            b'"globalConfiguration":{"standardConfiguration":[{"key":"SHARED","description":"d","default":"x"}],'
            b'"securedConfiguration":[{"key":"TOKEN","description":"t","required":true}]},'
            b'"apiClient":{"scopes":["manage_project"]}}'
        )
        assert loads(text, ServiceEvent) == PreviewGranted(
            global_configuration=ConnectorGlobalConfiguration(
                standard_configuration=(StandardConfigurationKey(key="SHARED", description="d", default="x"),),
                secured_configuration=(SecuredConfigurationKey(key="TOKEN", description="t", required=True),),
            ),
            api_client=ConnectorApiClient(scopes=("manage_project",)),
        )

    @pytest.mark.parametrize("event_type", ["PublishingSucceeded", "PreviewGranted"])
    def test_connect_yaml_fields_write_in_camel_case(self, event_type):
        """Both events write configurations, globalConfiguration and apiClient by wire name, and read them back."""
        wire = {
            "type": event_type,
            "configurations": [
                {
                    "applicationName": "app-1",
                    "applicationType": "service",
                    "standardConfiguration": [],
                    "securedConfiguration": [],
                }
            ],
            "globalConfiguration": {"securedConfiguration": [{"key": "TOKEN", "description": "t"}]},
            "apiClient": {"scopes": ["manage_orders:project", "view_products:project"]},
        }
        event = from_wire(wire, ServiceEvent)
        assert type(event).__name__ == event_type
        assert event.global_configuration == ConnectorGlobalConfiguration(
            secured_configuration=(SecuredConfigurationKey(key="TOKEN", description="t"),)
        )
        assert event.api_client == ConnectorApiClient(scopes=("manage_orders:project", "view_products:project"))
        assert to_wire(event) == wire

    def test_connect_yaml_fields_absent_or_null_read_as_none(self):
        """An event without them, or with null, brings none: the reducer keeps what the connector holds."""
        for doc in (
            {"type": "PreviewGranted"},
            {"type": "PreviewGranted", "globalConfiguration": None, "apiClient": None},
        ):
            event = from_wire(doc, ServiceEvent)
            assert (event.global_configuration, event.api_client) == (None, None)
        assert to_wire(PublishingSucceeded()) == {"type": "PublishingSucceeded"}

    @pytest.mark.parametrize(
        ("payload", "problems"),
        [
            ({"apiClient": {"scopes": "manage_project"}}, [("apiClient.scopes", "expected an array, got a string")]),
            ({"apiClient": {}}, [("apiClient.scopes", "required field missing")]),
            ({"apiClient": {"scopes": ["a", 3]}}, [("apiClient.scopes[1]", "expected a string, got an integer")]),
            ({"apiClient": ["manage_project"]}, [("apiClient", "expected an object, got an array")]),
            ({"globalConfiguration": []}, [("globalConfiguration", "expected an object, got an array")]),
            (
                {"globalConfiguration": {"standardConfiguration": {"key": "K", "description": "d"}}},
                [("globalConfiguration.standardConfiguration", "expected an array, got an object")],
            ),
            (
                {"globalConfiguration": {"securedConfiguration": [{"key": 1, "description": "d"}]}},
                [("globalConfiguration.securedConfiguration[0].key", "expected a string, got an integer")],
            ),
            (
                {"globalConfiguration": {"standardConfiguration": [{"key": "K"}]}, "apiClient": {"scopes": [True]}},
                [
                    ("globalConfiguration.standardConfiguration[0].description", "required field missing"),
                    ("apiClient.scopes[0]", "expected a string, got a boolean"),
                ],
            ),
        ],
    )
    @pytest.mark.parametrize("event_type", ["PublishingSucceeded", "PreviewGranted"])
    def test_connect_yaml_fields_are_strict(self, event_type, payload, problems):
        """A bad globalConfiguration or apiClient is an InvalidJsonInput naming each path, as on the staged."""
        text = json.dumps({"type": event_type, **payload})
        with pytest.raises(InvalidInput) as info:
            loads(text, ServiceEvent)
        assert isinstance(info.value.error, InvalidJsonInput)
        assert sorted(info.value.problems) == sorted(problems)


class TestJsonBackends:
    """codec.loads and codec.dumps behave the same with orjson (the fast extra) and without it."""

    @given(cds.connector_staged(record=False))
    def test_writers_agree(self, staged):
        """orjson and the standard library write the same text."""
        from connector_domain import codec as c

        data = to_wire(staged)
        assert c._write_json(data) == c._stdlib_write_json(data)
        assert c._parse_json(c._stdlib_write_json(data)) == c._stdlib_parse_json(c._write_json(data)) == data

    @pytest.mark.parametrize(
        "text", ["", "{", "[1,]", "{'a': 1}", "nul", '{"version": 1,}', b"\xff", '{"name": "a \\ud800 b"}']
    )
    def test_parsers_refuse_the_same_text(self, text):
        """Malformed text is an InvalidInput at $ whichever parser reads it."""
        from connector_domain import codec as c

        for parse in (c._parse_json, c._stdlib_parse_json):
            with pytest.raises(ValueError):
                parse(text)
        with pytest.raises(InvalidInput) as info:
            loads(text, ConnectorUpdate)
        assert [p for p, _ in info.value.problems] == ["$"]

    def test_lone_surrogate_reason(self, monkeypatch):
        """Read by the standard library, a lone surrogate is refused as not valid JSON, saying so."""
        from connector_domain import codec as c

        monkeypatch.setattr(c, "_parse_json", c._stdlib_parse_json)
        with pytest.raises(InvalidInput) as info:
            loads('{"name": "a \\ud800 b"}', ConnectorUpdate)
        assert info.value.problems == [("$", "not valid JSON (a string holds a lone surrogate)")]

    def test_too_deep_for_the_standard_library(self, monkeypatch):
        """Nesting too deep for the standard library's parser is an InvalidInput at $, not a RecursionError."""
        from connector_domain import codec as c

        monkeypatch.setattr(c, "_parse_json", c._stdlib_parse_json)
        with pytest.raises(InvalidInput) as info:
            loads("[" * 100_000 + "]" * 100_000, ConnectorUpdate)
        assert [p for p, _ in info.value.problems] == ["$"]

    def test_without_orjson(self):
        """With orjson unavailable, loads and dumps fall back to the standard library."""
        import subprocess
        import sys
        from pathlib import Path

        script = (
            "import sys; sys.modules['orjson'] = None\n"
            "from connector_domain import codec, ConnectorUpdate\n"
            "assert codec._parse_json is codec._stdlib_parse_json\n"
            'u = codec.loads(\'{"version": 1, "actions": [{"action": "unlist"}]}\', ConnectorUpdate)\n'
            'assert codec.dumps(u) == \'{"version":1,"actions":[{"action":"unlist"}]}\', codec.dumps(u)\n'
        )
        subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parent.parent)


class TestWhatCanBeWritten:
    """from_wire refuses every value dumps could not write back: lone surrogates, integers past int64."""

    @pytest.mark.parametrize("version", [2**63, -(2**63) - 1, 10**30])
    def test_an_integer_past_int64_is_refused(self, version):
        """An integer the API's int64 cannot hold is refused at its path."""
        assert problems_of({"version": version, "actions": []}, ConnectorUpdate) == [
            ("version", "expected a signed 64-bit integer, got one out of that range")
        ]

    def test_the_int64_limits_themselves_are_read(self):
        """The smallest and largest int64 are read as they are."""
        for version in (codec.INT64_MIN, codec.INT64_MAX):
            assert from_wire({"version": version, "actions": []}, ConnectorUpdate).version == version

    def test_a_lone_surrogate_is_refused(self):
        """A string holding a lone surrogate is refused at its path, as loads refuses it."""
        assert problems_of(action("setName", name="a\ud800b"), UpdateAction) == [
            ("name", "expected valid Unicode, got a string with a lone surrogate")
        ]
        assert from_wire(action("setName", name="\U0001f600"), UpdateAction) == SetName(name="\U0001f600")

    @given(
        name=st.text(alphabet=st.characters(exclude_categories=()), max_size=6),
        contributors=st.integers(min_value=-(2**70), max_value=2**70),
    )
    def test_whatever_is_read_can_be_written(self, name, contributors):
        """For any strings and integers, a document from_wire accepts is one dumps writes back unchanged."""
        document = {"version": contributors, "actions": [{"action": "setName", "name": name}]}
        try:
            update = from_wire(document, ConnectorUpdate)
        except InvalidInput:
            return
        assert loads(dumps(update), ConnectorUpdate) == update

    @given(data=st.data(), document=cds.drafts().map(to_wire))
    def test_a_generated_document_read_can_be_written(self, data, document):
        """Any draft with one of its strings or integers replaced by any string or integer, lone surrogates
        and integers past int64 included: from_wire refuses it, or dumps writes it and loads reads it back."""
        leaves = list(_scalar_paths(document))
        path, old = data.draw(st.sampled_from(leaves), label="leaf")
        new: Any = data.draw(
            st.text(alphabet=st.characters(exclude_categories=()), max_size=4)
            if isinstance(old, str)
            else st.integers(min_value=-(2**70), max_value=2**70),
            label="value",
        )
        _set(document, path, new)
        try:
            draft = from_wire(document, model.ConnectorStagedDraft)
        except InvalidInput:
            return
        assert loads(dumps(draft), model.ConnectorStagedDraft) == draft


def _scalar_paths(value: Any, path: tuple[Any, ...] = ()) -> Any:
    """Each (path, value) of a string or integer (not a boolean) in a JSON-like document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _scalar_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _scalar_paths(item, (*path, index))
    elif isinstance(value, str | int) and not isinstance(value, bool):
        yield path, value


def _set(document: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        document = document[step]
    document[path[-1]] = value


class TestBounds:
    """Everything a request sends is bounded (mock-service.md, The HTTP edge): actions, problems, nesting."""

    def test_at_most_500_actions(self):
        """501 actions are refused at ``actions``, by the codec and by the constructor; 500 are read."""
        unlist = {"action": "unlist"}
        assert len(from_wire({"version": 1, "actions": [unlist] * 500}, ConnectorUpdate).actions) == 500
        assert problems_of({"version": 1, "actions": [unlist] * 501}, ConnectorUpdate) == [
            ("actions", "must contain at most 500 items, not 501")
        ]
        with pytest.raises(ValueError, match=r"ConnectorUpdate.actions: must contain at most 500 items, not 501"):
            ConnectorUpdate(version=1, actions=(Unlist(),) * 501)

    def test_the_actions_are_not_read_past_the_bound(self):
        """Too many actions is the one problem reported, however bad each action is."""
        assert problems_of({"version": "x", "actions": [{"action": "nope"}] * 100_000}, ConnectorUpdate) == [
            ("version", "expected an integer, got a string"),
            ("actions", "must contain at most 500 items, not 100000"),
        ]

    @pytest.mark.parametrize("bad", [0, 1, 99, 100, 101, 250])
    def test_at_most_100_problems_are_listed_the_rest_counted(self, bad):
        """Of *bad* problems, the first 100 are listed in document order and the error says how many more."""
        document = {"version": 1, "actions": [{"action": "nope"}] * bad + [{"action": "unlist"}]}
        if not bad:
            assert from_wire(document, ConnectorUpdate).actions == (Unlist(),)
            return
        with pytest.raises(InvalidInput) as info:
            from_wire(document, ConnectorUpdate)
        listed = min(bad, codec.MAX_PROBLEMS)
        assert info.value.problems == [(f"actions[{i}].action", "unknown action 'nope'") for i in range(listed)]
        assert info.value.more == bad - listed
        detail = info.value.error.detailed_error_message
        if bad > listed:
            more = bad - listed
            assert detail.endswith(f"; and {more} more problem{'s' if more > 1 else ''}")
        else:
            assert "more problem" not in detail

    def test_nested_problems_are_counted_exactly(self):
        """An item with two problems counts two, listed or not."""
        item = {"action": "setCreatorNoOfContributors", "noOfContributors": "x"}
        two = {"name": 1, "creator": {"email": 2}, "repository": {"url": "u", "tag": "t"}}
        with pytest.raises(InvalidInput) as info:
            from_wire({**two, "integrationTypes": [3] * 150}, model.ConnectorStagedDraft)
        assert len(info.value.problems) == 100
        assert info.value.more == 2 + 1 + 150 - 100
        with pytest.raises(InvalidInput) as info:
            from_wire({"version": 1, "actions": [item] * 300}, ConnectorUpdate)
        assert (len(info.value.problems), info.value.more) == (100, 200)

    @given(st.lists(st.sampled_from([None, 1, "nope", {"action": 3}, {"action": "unlist"}]), max_size=400))
    def test_listed_and_counted_problems_add_up(self, actions):
        """For any list of actions, good and bad, the listed problems and the count of the rest add up to one
        problem per bad action, and at most 100 are listed."""
        bad = sum(1 for item in actions if item != {"action": "unlist"})
        document = {"version": 1, "actions": actions}
        if len(actions) > 500 or not bad:
            return
        with pytest.raises(InvalidInput) as info:
            from_wire(document, ConnectorUpdate)
        assert len(info.value.problems) == min(bad, 100)
        assert len(info.value.problems) + info.value.more == bad

    def test_a_long_value_is_not_repeated_whole(self):
        """A refusal quotes a long value cut short, saying how long it was."""
        url = "https://github.com/a/" + "a" * 10_000 + "!"
        [(path, reason)] = problems_of(_draft_with(url=url, tag="v1"), model.ConnectorStagedDraft)
        assert path == "repository.url"
        assert len(reason) < 300
        assert "(10022 characters)" in reason

    def test_nesting_deeper_than_64_is_refused(self):
        """64 nested arrays and objects are read; 65 are refused at $, by either parser."""
        from connector_domain import codec as c

        for parse in (c._parse_json, c._stdlib_parse_json):
            for opening, closing in (("[", "]"), ('{"a":', "}")):
                assert c.MAX_DEPTH == 64
                ok = opening * 64 + "1" + closing * 64
                deep = opening * 65 + "1" + closing * 65
                assert c._depth(parse(ok)) == 64
                assert c.parse_json(ok) == parse(ok)
                with pytest.raises(InvalidInput, match="nested deeper than 64"):
                    c.parse_json(deep)
                with pytest.raises(InvalidInput, match=r"\$: not valid JSON|nested deeper"):
                    c.parse_json(opening * 100_000 + closing * 100_000)

    def test_many_shallow_brackets_are_not_deep(self):
        """Many arrays side by side are not nesting: 500 actions of objects are read."""
        from connector_domain import codec as c

        text = json.dumps([[{"a": [1]}] for _ in range(1000)])
        assert c.parse_json(text) == json.loads(text)


#: Texts the two parsers could read differently: each is refused by both, or read the same by both.
_EDGE_TEXTS = [
    b"\xef\xbb\xbf{}",
    "\ufeff{}",
    b"NaN",
    b"[Infinity]",
    b"-Infinity",
    b"1e400",
    b"[-1e400]",
    b"1" * 400,
    b"1" * 5000,
    b"18446744073709551615",
    b"18446744073709551616",
    b"-9223372036854775808",
    b"-9223372036854775809",
    b"1e-400",
    b"-0",
    b"1E+2",
    b'"\\ud800"',
    b'"\xed\xa0\x80"',
    '"\ud800"',
    b"\xff",
    b"\xa0{}",
    "\u00a0{}",
    b"{}\x0c",
    b'"\x1f"',
    b'"\x7f"',
    b'{"a":1,"a":2}',
    "\u2028[]".encode(),
    b"\x00\x00\x00[",
    "[]".encode("utf-16"),
    "[1]".encode("utf-32-le"),
]


def _outcome(parse: Any, text: Any) -> tuple[str, str]:
    """What *parse* makes of *text*: ("read", the value written back exactly) or ("refused", "")."""
    try:
        value = parse(text)
    except (ValueError, RecursionError):
        return ("refused", "")
    return ("read", json.dumps(value))


class TestParsersAgree:
    """orjson and the standard library read the same JSON the same way, and refuse the same text."""

    @pytest.mark.parametrize("text", _EDGE_TEXTS, ids=repr)
    def test_edge_texts(self, text):
        """Each edge text: BOMs, NaN, huge numbers, lone surrogates, other encodings, control characters."""
        from connector_domain import codec as c

        assert _outcome(c._stdlib_parse_json, text) == _outcome(orjson_loads(), text)

    def test_a_bom_is_refused_by_loads(self):
        """A UTF-8 byte order mark before a document is refused at $, with or without orjson."""
        with pytest.raises(InvalidInput) as info:
            loads(b'\xef\xbb\xbf{"version": 1, "actions": []}', ConnectorUpdate)
        assert [p for p, _ in info.value.problems] == ["$"]

    def test_an_integer_past_uint64_is_out_of_range_at_its_path(self, monkeypatch):
        """A version of 30 digits reads as a double (as orjson reads it) and is refused as out of range."""
        from connector_domain import codec as c

        for parse in (c._parse_json, c._stdlib_parse_json):
            monkeypatch.setattr(c, "_parse_json", parse)
            with pytest.raises(InvalidInput) as info:
                loads('{"version": 1000000000000000000000000000000, "actions": []}', ConnectorUpdate)
            assert info.value.problems == [("version", "expected a signed 64-bit integer, got one out of that range")]

    @given(st.data())
    def test_generated_texts(self, data):
        """For any JSON value written with any of the tokens parsers differ on spliced in (BOM, NaN,
        huge numbers, lone surrogates, control characters, other whitespace), or any bytes at all, both
        parsers read the same value or both refuse the text; and loads answers the same with either."""
        from connector_domain import codec as c

        text = data.draw(_hostile_texts(), label="text")
        assert _outcome(c._stdlib_parse_json, text) == _outcome(orjson_loads(), text)
        answers = []
        for parse in (orjson_loads(), c._stdlib_parse_json):
            original = c._parse_json
            c._parse_json = parse
            try:
                answers.append(_loads_outcome(text))
            finally:
                c._parse_json = original
        assert answers[0] == answers[1]


def orjson_loads() -> Any:
    """orjson's parser (the test extra installs it)."""
    import orjson

    return orjson.loads


def _loads_outcome(text: Any) -> Any:
    try:
        return ("read", loads(text, ConnectorUpdate))
    except InvalidInput as exc:
        # The parsers word their refusals of malformed text differently; every other reason is the codec's.
        return ("refused", [(p, "" if p == "$" else r) for p, r in exc.problems])


_JSON_VALUES: Any = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8,
)
_TOKENS = st.sampled_from(
    [
        "\ufeff",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "1" * 30,
        "18446744073709551616",
        "\\ud800",
        "\\udc00\\ud800",
        "\ud800",
        "\x00",
        "\x1f",
        "\u00a0",
        "\u2028",
        "\x0c",
        "'",
        ",",
        "]",
        "}",
        "[",
        '"',
        "\\",
    ]
)


@st.composite
def _hostile_texts(draw: st.DrawFn) -> str | bytes:
    """JSON text, sometimes an update, with hostile tokens spliced in, as text or any encoding of bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=20))
    if draw(st.booleans()):
        value: Any = {"version": draw(st.integers(-(2**70), 2**70)), "actions": [{"action": "setName", "name": "n"}]}
    else:
        value = draw(_JSON_VALUES)
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(_TOKENS) + text[at:]
    encoding = draw(st.sampled_from([None, "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    if encoding is None:
        return text
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")
