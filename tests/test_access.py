"""Deployment rules, the production Connector snapshot, and the lossless record form."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given

from connector_domain import (
    ApplicationType,
    CertificationPassed,
    CertificationStarted,
    Connector,
    ConnectorApiClient,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    ConnectorReferenceNotFound,
    ConnectorStaged,
    ConnectorStagedNotPreviewable,
    ConnectorStatus,
    DeploymentUnsupportedRegion,
    IntegrationType,
    IsPreviewable,
    PreviewGranted,
    Publish,
    PublishingFailed,
    PublishingSucceeded,
    Region,
    SecuredConfigurationKey,
    StandardConfigurationKey,
    Unlist,
    UpdatePreviewable,
    apply,
    check_deployment,
    codec,
    connector_snapshot,
)
from connector_domain.access import published_connector
from connector_domain.testing import strategies as cds
from tests.conftest import fixture

PROJECT = "europe-west1.gcp:my-project"
OTHER = "europe-west1.gcp:other-project"

#: A PublishingSucceeded that brings all three connect.yaml fields.
PUBLISHED_CONNECT_YAML = PublishingSucceeded(
    configurations=(
        ConnectorConfigurationApplication(
            application_name="service-app",
            application_type=ApplicationType.SERVICE,
            standard_configuration=(StandardConfigurationKey(key="REGION", description="where"),),
            secured_configuration=(),
        ),
    ),
    global_configuration=ConnectorGlobalConfiguration(
        secured_configuration=(SecuredConfigurationKey(key="API_TOKEN", description="shared secret"),)
    ),
    api_client=ConnectorApiClient(scopes=("manage_orders:project", "view_products:project")),
)


def _staged(**changes: Any) -> ConnectorStaged:
    base = codec.from_wire(fixture("created-draft.json"), ConnectorStaged)
    return attrs.evolve(base, **changes)


def _code(error: object) -> str | None:
    return None if error is None else error.code  # type: ignore[attr-defined]


class TestCheckDeployment:
    """check_deployment, its four checks in their order."""

    def test_private_connector_is_invisible_to_other_projects(self) -> None:
        """A private connector answers ConnectorReferenceNotFound to a project not in privateProjects."""
        staged = _staged(private=True, private_projects=(PROJECT,), published_before=True)
        error = check_deployment(staged, OTHER)
        assert _code(error) == "ConnectorReferenceNotFound"
        assert error is not None and error.message == "Connector 'connector-key' with version 1 not found"
        assert check_deployment(staged, PROJECT) is None

    def test_empty_private_projects_admits_no_project(self) -> None:
        """A private connector with no privateProjects admits nobody."""
        assert _code(check_deployment(_staged(private=True, published_before=True), PROJECT)) == (
            "ConnectorReferenceNotFound"
        )

    def test_public_connector_is_visible_to_every_project(self) -> None:
        """A public, published connector deploys anywhere in its regions."""
        staged = _staged(private=False, certified=True, published_before=True, supported_regions=())
        assert check_deployment(staged, "us-east-2.aws:anyone") is None

    def test_preview_needs_previewable_true(self) -> None:
        """A preview of a connector whose isPreviewable is not true is ConnectorStagedNotPreviewable."""
        for state in (IsPreviewable.NONE, IsPreviewable.PENDING, IsPreviewable.FALSE):
            staged = _staged(private_projects=(PROJECT,), is_previewable=state)
            error = check_deployment(staged, PROJECT, preview=True)
            assert _code(error) == "ConnectorStagedNotPreviewable"
        staged = _staged(private_projects=(PROJECT,), is_previewable=IsPreviewable.TRUE)
        assert check_deployment(staged, PROJECT, preview=True) is None

    def test_preview_needs_the_project_listed_even_when_public(self) -> None:
        """A preview needs the project in privateProjects, whatever private is."""
        staged = _staged(private=False, certified=True, is_previewable=IsPreviewable.TRUE)
        assert _code(check_deployment(staged, PROJECT, preview=True)) == "ConnectorReferenceNotFound"

    def test_preview_needs_no_production_connector(self) -> None:
        """A preview of a never-published connector is allowed."""
        staged = _staged(private_projects=(PROJECT,), is_previewable=IsPreviewable.TRUE, published_before=False)
        assert check_deployment(staged, PROJECT, preview=True) is None

    def test_region_outside_supported_regions(self) -> None:
        """A project in a region outside supportedRegions gets DeploymentUnsupportedRegion."""
        staged = _staged(private_projects=("us-east-2.aws:p1",), published_before=True)
        error = check_deployment(staged, "us-east-2.aws:p1")
        assert _code(error) == "DeploymentUnsupportedRegion"
        assert error is not None and error.message == "Deployment unsupported region us-east-2.aws"

    def test_empty_supported_regions_means_every_region(self) -> None:
        """No supportedRegions: every region is allowed."""
        staged = _staged(private_projects=("us-east-2.aws:p1",), supported_regions=(), published_before=True)
        assert check_deployment(staged, "us-east-2.aws:p1") is None

    def test_deployment_needs_a_production_connector(self) -> None:
        """A non-preview deployment of a never-published connector is ConnectorReferenceNotFound."""
        staged = _staged(private_projects=(PROJECT,), published_before=False)
        assert _code(check_deployment(staged, PROJECT)) == "ConnectorReferenceNotFound"

    def test_visibility_comes_before_previewability(self) -> None:
        """Check 1 wins over check 2: an outsider learns nothing about previewability."""
        staged = _staged(private=True, is_previewable=IsPreviewable.NONE)
        assert _code(check_deployment(staged, OTHER, preview=True)) == "ConnectorReferenceNotFound"

    def test_previewability_comes_before_region(self) -> None:
        """Check 2 wins over check 3."""
        staged = _staged(private_projects=("us-east-2.aws:p1",), is_previewable=IsPreviewable.NONE)
        assert _code(check_deployment(staged, "us-east-2.aws:p1", preview=True)) == "ConnectorStagedNotPreviewable"

    def test_region_comes_before_publication(self) -> None:
        """Check 3 wins over check 4."""
        staged = _staged(private_projects=("us-east-2.aws:p1",), published_before=False)
        assert _code(check_deployment(staged, "us-east-2.aws:p1")) == "DeploymentUnsupportedRegion"

    def test_project_must_be_an_identifier(self) -> None:
        """A project that is not {region}:{projectKey} is a ValueError."""
        with pytest.raises(ValueError, match="'my-project'"):
            check_deployment(_staged(), "my-project")

    def test_refusals_name_the_connector_and_the_region(self) -> None:
        """Each refusal carries the connector's key (or id), its version and the project's region as its fields."""
        staged = _staged(version=7, private_projects=("us-east-2.aws:p1",), published_before=True)
        assert check_deployment(staged, OTHER) == ConnectorReferenceNotFound("connector-key", 7)
        assert check_deployment(staged, "us-east-2.aws:p1") == DeploymentUnsupportedRegion("us-east-2.aws")
        assert check_deployment(staged, "us-east-2.aws:p1", preview=True) == ConnectorStagedNotPreviewable(
            staged.id, "connector-key", 7
        )

    def test_a_connector_without_key_is_named_by_its_id(self) -> None:
        """ConnectorReferenceNotFound names a connector without key by its id."""
        staged = _staged(key=None, private_projects=(PROJECT,))
        assert check_deployment(staged, OTHER) == ConnectorReferenceNotFound(staged.id, 1)
        assert check_deployment(staged, PROJECT, preview=True) == ConnectorStagedNotPreviewable(staged.id, None, 1)

    @given(cds.connector_staged(), cds.project_identifiers())
    def test_answers_for_every_state(self, staged: ConnectorStaged, project: str) -> None:
        """For every state and project, the answer is None or one of the four documented errors."""
        for preview in (False, True):
            error = check_deployment(staged, project, preview=preview)
            assert _code(error) in {
                None, "ConnectorReferenceNotFound", "ConnectorStagedNotPreviewable", "DeploymentUnsupportedRegion",
            }  # fmt: skip


class TestConnectorSnapshot:
    """connector_snapshot: the production Connector of a published ConnectorStaged."""

    def test_snapshot_after_a_private_publish(self) -> None:
        """Publishing privately yields a private, uncertified Connector carrying the staged data."""
        staged = apply(apply(_staged(), Publish(certification=False)), PublishingSucceeded())  # type: ignore[arg-type]
        assert isinstance(staged, ConnectorStaged)
        connector = connector_snapshot(staged)
        assert isinstance(connector, Connector)
        assert (connector.id, connector.key, connector.version) == (staged.id, staged.key, staged.version)
        assert (connector.private, connector.certified) == (True, False)
        assert connector.supported_regions == (Region.US_CENTRAL1_GCP, Region.EUROPE_WEST1_GCP)

    def test_snapshot_writes_as_the_official_connector(self) -> None:
        """The snapshot of staged-paged.json's resource writes like minimal.json, but for what the staged holds."""
        staged = codec.from_wire(fixture("staged-paged.json")["results"][0], ConnectorStaged)
        wire = codec.to_wire(connector_snapshot(staged))
        expected = fixture("minimal.json")
        expected["configurations"][0]["standardConfiguration"][0]["default"] = "config default value"
        assert wire == expected

    def test_snapshot_carries_every_field_of_the_staged_connector(self) -> None:
        """apiClient, globalConfiguration, documentationUrl and the rest of the staged data reach the Connector."""
        api_client = ConnectorApiClient(scopes=("manage_orders:project",))
        global_configuration = ConnectorGlobalConfiguration(
            standard_configuration=(StandardConfigurationKey(key="SHARED", description="for every application"),)
        )
        staged = _staged(
            version=4,
            integration_types=(IntegrationType.ERP,),
            api_client=api_client,
            global_configuration=global_configuration,
            documentation_url="https://docs.example.com",
            private=False,
            certified=True,
        )
        assert connector_snapshot(staged) == Connector(
            id=staged.id,
            key="connector-key",
            version=4,
            name="Connector's name",
            description="Connector's description",
            integration_types=(IntegrationType.ERP,),
            creator=staged.creator,
            repository=staged.repository,
            configurations=staged.configurations,
            api_client=api_client,
            private=False,
            global_configuration=global_configuration,
            supported_regions=(Region.US_CENTRAL1_GCP, Region.EUROPE_WEST1_GCP),
            certified=True,
            documentation_url="https://docs.example.com",
        )

    def test_snapshot_of_a_never_certified_connector_is_uncertified(self) -> None:
        """An absent certified (None) becomes the plain boolean false."""
        assert connector_snapshot(_staged(certified=None)).certified is False

    @given(cds.connector_staged())
    def test_snapshot_round_trips_as_a_connector(self, staged: ConnectorStaged) -> None:
        """Every snapshot is a valid Connector on the wire."""
        connector = connector_snapshot(staged)
        assert codec.from_wire(codec.to_wire(connector), Connector) == connector


class TestRecordForm:
    """to_record / from_record keep what the wire form cannot carry."""

    @given(cds.connector_staged())
    def test_record_round_trip_is_lossless(self, staged: ConnectorStaged) -> None:
        """Every ConnectorStaged, record fields included, survives the record form."""
        assert codec.from_record(codec.to_record(staged), ConnectorStaged) == staged

    def test_record_keeps_where_a_publish_leads(self) -> None:
        """A certified publish saved mid-Processing still leads to ReadyForCertification once loaded."""
        processing = apply(_staged(), Publish(certification=True))
        assert isinstance(processing, ConnectorStaged)
        record = codec.to_record(processing)
        assert record["certificationRequested"] is True and record["publishedBefore"] is False
        loaded = codec.from_record(record, ConnectorStaged)
        after = apply(loaded, PublishingSucceeded())
        assert isinstance(after, ConnectorStaged) and after.status.value == "ReadyForCertification"
        # The wire form cannot carry the flag: read from it, the publish is taken as private.
        from_wire = codec.from_wire(codec.to_wire(processing), ConnectorStaged)
        after_wire = apply(from_wire, PublishingSucceeded())
        assert isinstance(after_wire, ConnectorStaged) and after_wire.status.value == "Published"

    def test_record_is_the_wire_form_plus_two_fields(self) -> None:
        """The record form adds publishedBefore and certificationRequested to the wire form, nothing else."""
        staged = _staged()
        record = codec.to_record(staged)
        assert {k: v for k, v in record.items() if k not in ("publishedBefore", "certificationRequested")} == (
            codec.to_wire(staged)
        )

    def test_wire_of_record_drops_the_record_fields_only(self) -> None:
        """wire_of_record gives back exactly the wire form of the recorded resource."""
        staged = _staged()
        assert {"publishedBefore", "certificationRequested"} == codec.RECORD_ONLY_FIELDS
        assert codec.wire_of_record(codec.to_record(staged)) == codec.to_wire(staged)
        assert codec.wire_of_record({"a": 1, "publishedBefore": True}) == {"a": 1}


class TestPublishedConnector:
    """published_connector: which change takes a new production version."""

    def _published(
        self, *, certification: bool, succeeded: PublishingSucceeded | None = None, start: ConnectorStaged | None = None
    ) -> tuple[ConnectorStaged, ConnectorStaged]:
        processing = apply(start or _staged(), Publish(certification=certification))
        assert isinstance(processing, ConnectorStaged)
        succeeded = succeeded or PublishingSucceeded()
        events = (succeeded,) if not certification else (
            succeeded, CertificationStarted(), CertificationPassed(),
        )  # fmt: skip
        before, after = processing, processing
        for event in events:
            before, after = after, apply(after, event)  # type: ignore[assignment]
            assert isinstance(after, ConnectorStaged)
        return before, after

    def test_reaching_published_takes_a_snapshot(self) -> None:
        """PublishingSucceeded into Published yields the snapshot of the new resource."""
        before, after = self._published(certification=False)
        assert published_connector(before, after) == connector_snapshot(after)

    def test_certification_passed_takes_a_certified_snapshot(self) -> None:
        """CertificationPassed into Published yields a certified, public snapshot."""
        before, after = self._published(certification=True)
        connector = published_connector(before, after)
        assert connector is not None and connector.certified is True and connector.private is False

    @pytest.mark.parametrize("certification", [False, True])
    def test_the_production_connector_carries_what_the_publish_brought(self, certification: bool) -> None:
        """configurations, globalConfiguration and apiClient of PublishingSucceeded reach the production Connector.

        With certification, they are brought on the way to ReadyForCertification
        and published when certification passes.
        """
        before, after = self._published(certification=certification, succeeded=PUBLISHED_CONNECT_YAML)
        connector = published_connector(before, after)
        assert connector is not None
        assert (connector.configurations, connector.global_configuration, connector.api_client) == (
            PUBLISHED_CONNECT_YAML.configurations,
            PUBLISHED_CONNECT_YAML.global_configuration,
            PUBLISHED_CONNECT_YAML.api_client,
        )

    def test_a_preview_while_published_waits_for_the_next_publish(self) -> None:
        """What a PreviewGranted brings while Published stays staged; the next publish carries it to production."""
        _, published = self._published(certification=False, succeeded=PUBLISHED_CONNECT_YAML)
        pending = apply(published, UpdatePreviewable())
        assert isinstance(pending, ConnectorStaged)
        preview = ConnectorApiClient(scopes=("view_orders:project",))
        granted = apply(pending, PreviewGranted(api_client=preview))
        assert isinstance(granted, ConnectorStaged) and granted.api_client == preview
        assert published_connector(pending, granted) is None
        before, after = self._published(certification=False, start=granted)
        connector = published_connector(before, after)
        assert connector is not None
        assert (connector.api_client, connector.global_configuration) == (
            preview,
            PUBLISHED_CONNECT_YAML.global_configuration,
        )

    def test_a_change_while_published_takes_none(self) -> None:
        """An unlist of a Published connector keeps the production Connector as it was."""
        _, published = self._published(certification=True)
        unlisted = apply(published, Unlist())
        assert isinstance(unlisted, ConnectorStaged) and unlisted.status is ConnectorStatus.PUBLISHED
        assert published_connector(published, unlisted) is None

    def test_other_statuses_take_none(self) -> None:
        """Creation, a publish request and a failure publish nothing."""
        staged = _staged()
        processing = apply(staged, Publish(certification=False))
        assert isinstance(processing, ConnectorStaged)
        failed = apply(processing, PublishingFailed())
        assert isinstance(failed, ConnectorStaged)
        assert published_connector(None, staged) is None
        assert published_connector(staged, processing) is None
        assert published_connector(processing, failed) is None

    def test_a_creation_straight_into_published_takes_one(self) -> None:
        """A resource first seen as Published (a store loading records) takes its snapshot."""
        _, published = self._published(certification=False)
        assert published_connector(None, published) == connector_snapshot(published)
