"""The Deployment's reducer by example: each create check and its place in the order, redeploy, the events.

A check's order is pinned by a draft that fails it and the next one: the
earlier check must win. The connector of these examples is private, lists
the deploying project, is previewable and published, and has three
applications (a service, an event and a job) and a global configuration.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from connector_domain import codec
from connector_domain.access import connector_snapshot
from connector_domain.deployment import (
    GONE,
    MASK,
    ConfigurationValue,
    ConnectorReference,
    Delete,
    Deployment,
    DeploymentConfigurationApplication,
    DeploymentDraft,
    DeploymentFailed,
    DeploymentGlobalConfiguration,
    DeploymentReport,
    DeploymentReportEntry,
    DeploymentReportEntryType,
    DeploymentStarted,
    DeploymentStatus,
    DeploymentSucceeded,
    DeploymentType,
    DeploymentUpdate,
    Redeploy,
    UndeployFailed,
    UndeploySucceeded,
    apply_deployment,
    apply_deployment_update,
    create_deployment,
)
from connector_domain.deployment.reducer import Target, deployment_connector, unknown_reference
from connector_domain.errors import (
    ConcurrentModification,
    ConnectorReferenceNotFound,
    ConnectorStagedNotPreviewable,
    DeploymentApplicationDoNotBelong,
    DeploymentApplicationRequired,
    DeploymentConnectorUpdateFailure,
    DeploymentEmptyRequiredGlobalConfigurationKey,
    DeploymentInvalidStatusTransition,
    DeploymentInvalidType,
    DeploymentMissingGlobalConfigurationKey,
    DeploymentProductionDeactivated,
    DeploymentUnknownApplicationConfiguration,
    DeploymentUnknownApplicationConfigurationKey,
    DeploymentUnknownGlobalConfigurationKey,
    DeploymentUnsupportedRegion,
    DomainError,
    InvalidDeploymentOperation,
)
from connector_domain.model import (
    ApplicationType,
    Connector,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    ConnectorStaged,
    IsPreviewable,
    Region,
    SecuredConfigurationKey,
    StandardConfigurationKey,
)
from tests.conftest import fixture

PROJECT = "my-project"
DEPLOYING = f"europe-west1.gcp:{PROJECT}"
OWNER = "europe-west1.gcp:owner-project"
SECRET = "s3cr3t-value"
GLOBAL_SECRET = "global-s3cr3t"
ID = "0123456789abcdef"


def _app(name: str, kind: ApplicationType, standard: tuple[str, ...] = (), secured: tuple[str, ...] = ()) -> Any:
    return ConnectorConfigurationApplication(
        application_name=name,
        application_type=kind,
        standard_configuration=tuple(StandardConfigurationKey(key=k, description="d", required=True) for k in standard),
        secured_configuration=tuple(SecuredConfigurationKey(key=k, description="d", required=True) for k in secured),
    )


STAGED = attrs.evolve(
    codec.from_wire(fixture("staged.json"), ConnectorStaged),
    id="con-1",
    key="connector-key",
    version=3,
    private=True,
    # The project in the region the connector supports, and in one it does not.
    private_projects=(DEPLOYING, f"us-east-2.aws:{PROJECT}"),
    supported_regions=(Region.EUROPE_WEST1_GCP, Region.US_CENTRAL1_GCP),
    is_previewable=IsPreviewable.TRUE,
    published_before=True,
    configurations=(
        _app("service-app", ApplicationType.SERVICE, ("STD_KEY",), ("SECRET_KEY",)),
        _app("event-app", ApplicationType.EVENT, ("EVENT_KEY",)),
        _app("job-app", ApplicationType.JOB),
    ),
    global_configuration=ConnectorGlobalConfiguration(
        standard_configuration=(
            StandardConfigurationKey(key="G_STD", description="d", required=True),
            StandardConfigurationKey(key="G_OPTIONAL", description="d"),
        ),
        secured_configuration=(SecuredConfigurationKey(key="G_SECRET", description="d", required=True),),
    ),
)
CONNECTOR = connector_snapshot(STAGED)
APPLICATION_IDS = ["app-id-1", "app-id-2", "app-id-3"]


def _values(name: str, standard: dict[str, str] | None = None, secured: dict[str, str] | None = None, **kw: Any) -> Any:
    return DeploymentConfigurationApplication(
        application_name=name,
        standard_configuration=tuple(ConfigurationValue(key=k, value=v) for k, v in (standard or {}).items()),
        secured_configuration=tuple(ConfigurationValue(key=k, value=v) for k, v in (secured or {}).items()),
        **kw,
    )


def _global(standard: dict[str, str] | None = None, secured: dict[str, str] | None = None) -> Any:
    return DeploymentGlobalConfiguration(
        standard_configuration=None
        if standard is None
        else tuple(ConfigurationValue(key=k, value=v) for k, v in standard.items()),
        secured_configuration=None
        if secured is None
        else tuple(ConfigurationValue(key=k, value=v) for k, v in secured.items()),
    )


GOOD_GLOBAL = _global({"G_STD": "on"}, {"G_SECRET": GLOBAL_SECRET})


def _draft(**changes: Any) -> DeploymentDraft:
    """A draft every check accepts: the production Connector, in sandbox, at its current version."""
    fields: dict[str, Any] = {
        "key": "deployment-key",
        "connector": ConnectorReference(id="con-1", version=3),
        "configurations": (
            _values("service-app", {"STD_KEY": "value"}, {"SECRET_KEY": SECRET}),
            _values("job-app", schedule="0 * * * *"),
        ),
        "global_configuration": GOOD_GLOBAL,
        "region": Region.EUROPE_WEST1_GCP,
    }
    return DeploymentDraft(**{**fields, **changes})


def _preview(**changes: Any) -> DeploymentDraft:
    return _draft(connector=ConnectorReference(id="con-1", staged=True, version=3), **changes)


def _create(
    draft: DeploymentDraft | None = None,
    staged: ConnectorStaged = STAGED,
    *,
    connector: Connector | str | None = "same",
    **kw: Any,
) -> Deployment | DomainError:
    production = connector_snapshot(staged) if connector == "same" else connector
    assert production is None or isinstance(production, Connector)
    kw = {"project": PROJECT, "id": ID, "build_id": "build-1", "application_ids": APPLICATION_IDS, "owner": OWNER, **kw}
    return create_deployment(draft or _draft(), staged, connector=production, **kw)


def _created(draft: DeploymentDraft | None = None, **kw: Any) -> Deployment:
    result = _create(draft, **kw)
    assert isinstance(result, Deployment), result
    return result


def _not_found(identifier: str = "con-1", version: int = 3) -> ConnectorReferenceNotFound:
    return ConnectorReferenceNotFound(identifier, version)


# --- create ------------------------------------------------------------------------


class TestCreated:
    """What an accepted create makes (deployments.md, "The created Deployment")."""

    def test_the_snapshot_keeps_the_creator_whole(self) -> None:
        """DeploymentCreator has Creator's fields, names and types alike, and the snapshot copies every one."""
        from connector_domain.deployment.model import DeploymentCreator
        from connector_domain.model import Creator

        def spec(cls: Any) -> list[tuple[str, Any]]:
            return [(field.name, field.type) for field in attrs.fields(cls)]

        assert spec(DeploymentCreator) == spec(Creator)
        creator = Creator(
            email="e@example.com", name="n", title="t", company="c", logo_url="l", no_of_contributors=3, support_url="s"
        )
        target = attrs.evolve(STAGED, creator=creator)
        assert attrs.asdict(deployment_connector(target).creator) == attrs.asdict(creator)

    def test_the_new_deployment(self) -> None:
        """Version 1, Queued, sandbox by default, not a preview, in the draft's region, with the build id."""
        deployment = _created()
        assert (deployment.id, deployment.key, deployment.version) == (ID, "deployment-key", 1)
        assert deployment.status is DeploymentStatus.QUEUED
        assert (deployment.type, deployment.preview) == (DeploymentType.SANDBOX, False)
        assert deployment.deployed_region is Region.EUROPE_WEST1_GCP
        assert deployment.details.build.id == "build-1" and deployment.details.build.report is None

    def test_a_preview(self) -> None:
        """A staged reference deploys the ConnectorStaged as a preview by default."""
        deployment = _created(_preview())
        assert (deployment.type, deployment.preview) == (DeploymentType.PREVIEW, True)

    def test_production_when_asked(self) -> None:
        """A Connector may be deployed to production."""
        assert _created(_draft(type=DeploymentType.PRODUCTION)).type is DeploymentType.PRODUCTION

    def test_the_connector_snapshot(self) -> None:
        """The snapshot is the connector at its current version, with its declarations; certified is a boolean."""
        deployment = _created()
        assert deployment.connector == deployment_connector(CONNECTOR)
        assert deployment.connector.version == 3
        assert deployment.connector.configurations == STAGED.configurations
        assert deployment.connector.global_configuration == STAGED.global_configuration
        staged = attrs.evolve(STAGED, certified=None)
        assert _created(_preview(), staged=staged).connector.certified is False

    def test_one_application_per_application_of_the_connector(self) -> None:
        """In the connector's order, with the ids given, the values the draft gave, and url, topic or schedule."""
        service, event, job = _created().applications
        assert [a.id for a in (service, event, job)] == APPLICATION_IDS
        assert [a.application_name for a in (service, event, job)] == ["service-app", "event-app", "job-app"]
        assert service.standard_configuration == (ConfigurationValue(key="STD_KEY", value="value"),)
        assert service.url == "https://service-app-01234567.europe-west1.gcp.connect.example"
        assert (service.topic, service.schedule) == (None, None)
        assert (event.url, event.topic, event.schedule) == (None, "event-app-01234567", None)
        assert (job.url, job.topic, job.schedule) == (None, None, "0 * * * *")

    def test_an_application_the_draft_does_not_configure_has_no_values(self) -> None:
        """The event application, not in the draft, is deployed with no values."""
        event = _created().applications[1]
        assert event.standard_configuration == () and event.secured_configuration == ()

    def test_a_job_without_schedule_has_none(self) -> None:
        """No schedule in the draft: none on the application, the connector's default applies."""
        assert _created(_draft(configurations=())).applications[2].schedule is None

    def test_secured_values_are_masked(self) -> None:
        """The application's and the global secured values are kept as "****", their keys kept."""
        deployment = _created()
        assert deployment.applications[0].secured_configuration == (ConfigurationValue(key="SECRET_KEY", value=MASK),)
        assert deployment.global_configuration == _global({"G_STD": "on"}, {"G_SECRET": MASK})
        text = codec.dumps(deployment) + repr(deployment)
        assert SECRET not in text and GLOBAL_SECRET not in text

    def test_ids_are_the_callers(self) -> None:
        """An empty id, or a count of application ids other than the connector's applications, is a ValueError."""
        with pytest.raises(ValueError, match="id must be a non-empty string"):
            _create(id="")
        with pytest.raises(ValueError, match="build_id must be a non-empty string"):
            _create(build_id="")
        with pytest.raises(ValueError, match="application_ids must be 3 non-empty strings"):
            _create(application_ids=["a", "b"])
        with pytest.raises(ValueError, match="is not the production Connector"):
            _create(connector=attrs.evolve(CONNECTOR, id="other"))
        with pytest.raises(ValueError, match="does not match"):
            _create(project="x")


class TestCreateChecks:
    """Each check of deployments.md's "Create", and that it comes before the next."""

    # 2. the reference
    def test_a_production_connector_that_does_not_exist(self) -> None:
        """A connector never published has no production Connector to deploy."""
        assert _create(connector=None) == _not_found()

    def test_a_private_connector_is_invisible_to_other_projects(self) -> None:
        """A project neither listed nor the owner gets ConnectorReferenceNotFound, as if nothing were there."""
        assert _create(owner=None, project="other-project") == _not_found()

    def test_the_owner_may_deploy_its_private_connector(self) -> None:
        """The project that created the connector counts as listed for a production deployment."""
        staged = attrs.evolve(STAGED, private_projects=())
        assert isinstance(_create(staged=staged, owner=DEPLOYING), Deployment)

    def test_a_preview_needs_the_project_listed_even_for_the_owner(self) -> None:
        """A preview needs the project in privateProjects, whatever private is."""
        staged = attrs.evolve(STAGED, private=False, private_projects=())
        assert _create(_preview(), staged=staged, owner=DEPLOYING) == _not_found()
        assert isinstance(_create(_draft(), staged=staged), Deployment)

    def test_another_version(self) -> None:
        """A version other than the current one is not found; the message names the version sent."""
        assert _create(_draft(connector=ConnectorReference(id="con-1", version=2))) == _not_found(version=2)

    def test_no_version_means_the_current_one(self) -> None:
        """Without a version the current one is deployed, and a refusal of a connector the project sees names it."""
        assert _created(_draft(connector=ConnectorReference(id="con-1"))).connector.version == 3
        never_published = _draft(connector=ConnectorReference(key="connector-key"))
        assert _create(never_published, connector=None) == _not_found("connector-key")

    @pytest.mark.parametrize("preview", [False, True])
    def test_a_hidden_connector_is_answered_as_none(self, preview: bool) -> None:
        """To a project that may not see it, a refusal names what was sent, or version 1: not the connector's version.

        It is the answer to a reference that names no connector (``unknown_reference``), so
        neither the connector's existence nor its version is revealed.
        """
        reference = ConnectorReference(key="connector-key", staged=preview or None)
        assert unknown_reference(reference) == _not_found("connector-key", 1)
        assert _create(_draft(connector=reference), project="other") == unknown_reference(reference)
        unpublished = attrs.evolve(STAGED, published_before=False)
        assert _create(_draft(connector=reference), unpublished, connector=None, project="other") == _not_found(
            "connector-key", 1
        )
        sent = ConnectorReference(key="connector-key", staged=preview or None, version=9)
        assert (
            _create(_draft(connector=sent), project="other")
            == unknown_reference(sent)
            == _not_found("connector-key", 9)
        )
        # Listed for a production deployment but not for a preview: the staged version stays hidden too.
        public = attrs.evolve(STAGED, private=False, private_projects=())
        if preview:
            assert _create(_draft(connector=reference), public) == _not_found("connector-key", 1)

    def test_the_identifier_is_as_sent(self) -> None:
        """``$identifier`` is the id when sent, else the key."""
        draft = _draft(connector=ConnectorReference(key="connector-key", version=9))
        assert _create(draft) == _not_found("connector-key", 9)
        draft = _draft(connector=ConnectorReference(id="con-1", key="connector-key", version=9))
        assert _create(draft) == _not_found("con-1", 9)

    def test_the_reference_comes_before_the_type(self) -> None:
        """An invisible connector with an invalid type: the reference's error wins."""
        assert _create(_draft(type=DeploymentType.PREVIEW), project="other") == _not_found()

    # 3. the type
    def test_a_staged_reference_allows_only_preview(self) -> None:
        """A ConnectorStaged cannot be deployed to sandbox or production."""
        expected = DeploymentInvalidType("con-1", "connector-key", "sandbox", ("preview",))
        assert _create(_preview(type=DeploymentType.SANDBOX)) == expected
        assert expected.message == (
            "The Connector id=con-1 or key=connector-key cannot be deployed as a 'sandbox' type. "
            "Only 'preview' types are allowed."
        )

    def test_a_connector_does_not_allow_preview(self) -> None:
        """A production Connector is deployed to sandbox or production."""
        expected = DeploymentInvalidType("con-1", "connector-key", "preview", ("sandbox", "production"))
        assert _create(_draft(type=DeploymentType.PREVIEW)) == expected

    def test_the_type_comes_before_previewability(self) -> None:
        """A staged reference to a connector that is not previewable, with type sandbox: the type's error wins."""
        staged = attrs.evolve(STAGED, is_previewable=IsPreviewable.FALSE)
        assert isinstance(_create(_preview(type=DeploymentType.SANDBOX), staged=staged), DeploymentInvalidType)

    # 4. check_deployment
    def test_a_preview_needs_a_previewable_connector(self) -> None:
        """isPreviewable other than true refuses a preview."""
        staged = attrs.evolve(STAGED, is_previewable=IsPreviewable.PENDING)
        assert _create(_preview(), staged=staged) == ConnectorStagedNotPreviewable("con-1", "connector-key", 3)

    def test_an_unsupported_region(self) -> None:
        """A region outside a non-empty supportedRegions is refused; an empty list allows any."""
        assert _create(_draft(region=Region.US_EAST_2_AWS)) == DeploymentUnsupportedRegion("us-east-2.aws")
        staged = attrs.evolve(STAGED, supported_regions=(), private_projects=("us-east-2.aws:my-project",))
        assert isinstance(_create(_draft(region=Region.US_EAST_2_AWS), staged=staged), Deployment)

    def test_previewability_comes_before_the_region(self) -> None:
        """A preview of a connector not previewable, in an unsupported region: not previewable wins."""
        staged = attrs.evolve(
            STAGED, is_previewable=IsPreviewable.FALSE, private_projects=("us-east-2.aws:my-project",)
        )
        assert isinstance(_create(_preview(region=Region.US_EAST_2_AWS), staged=staged), ConnectorStagedNotPreviewable)

    def test_the_region_comes_before_the_production_setting(self) -> None:
        """Production in an unsupported region of a project without production: the region's error wins."""
        draft = _draft(type=DeploymentType.PRODUCTION, region=Region.US_EAST_2_AWS)
        assert isinstance(_create(draft, production_enabled=False), DeploymentUnsupportedRegion)

    # 5. production
    def test_production_deactivated(self) -> None:
        """Production into a project whose production deployments are disabled; sandbox is still allowed."""
        assert _create(_draft(type=DeploymentType.PRODUCTION), production_enabled=False) == (
            DeploymentProductionDeactivated()
        )
        assert isinstance(_create(_draft(), production_enabled=False), Deployment)

    def test_the_production_setting_comes_before_the_applications(self) -> None:
        """Production disabled, and a connector without applications: the production error wins."""
        staged = attrs.evolve(STAGED, configurations=())
        draft = _draft(type=DeploymentType.PRODUCTION, configurations=())
        assert _create(draft, staged=staged, production_enabled=False) == DeploymentProductionDeactivated()

    # 6. applications
    def test_a_connector_without_applications(self) -> None:
        """A connector with no configurations has nothing to deploy."""
        staged = attrs.evolve(STAGED, configurations=())
        assert _create(_draft(configurations=()), staged=staged) == DeploymentApplicationRequired()
        assert _create(_draft(configurations=()), connector=attrs.evolve(CONNECTOR, configurations=None)) == (
            DeploymentApplicationRequired()
        )

    def test_the_applications_come_before_the_values(self) -> None:
        """No applications, and values for an unknown one: the applications' error wins."""
        staged = attrs.evolve(STAGED, configurations=())
        assert _create(_draft(configurations=(_values("nope"),)), staged=staged) == DeploymentApplicationRequired()

    # 7. values
    def test_an_unknown_application(self) -> None:
        """Values for an application the connector does not have."""
        draft = _draft(configurations=(_values("nope"),))
        assert _create(draft) == DeploymentUnknownApplicationConfiguration("nope")

    def test_an_unknown_standard_key(self) -> None:
        """A standard key the application does not declare."""
        draft = _draft(configurations=(_values("service-app", {"OTHER": "v"}),))
        assert _create(draft) == DeploymentUnknownApplicationConfigurationKey(False, "OTHER", "service-app")

    def test_a_secured_key_sent_as_standard_is_unknown(self) -> None:
        """A key is declared standard or secured; the other kind does not know it."""
        draft = _draft(configurations=(_values("service-app", {"SECRET_KEY": "v"}),))
        assert _create(draft) == DeploymentUnknownApplicationConfigurationKey(False, "SECRET_KEY", "service-app")
        draft = _draft(configurations=(_values("service-app", secured={"STD_KEY": "v"}),))
        assert _create(draft) == DeploymentUnknownApplicationConfigurationKey(True, "STD_KEY", "service-app")

    def test_values_are_checked_in_draft_order(self) -> None:
        """An unknown key in the first entry wins over an unknown application in the second."""
        draft = _draft(configurations=(_values("event-app", {"NOPE": "v"}), _values("nope")))
        assert _create(draft) == DeploymentUnknownApplicationConfigurationKey(False, "NOPE", "event-app")
        draft = _draft(configurations=(_values("nope"), _values("event-app", {"NOPE": "v"})))
        assert _create(draft) == DeploymentUnknownApplicationConfiguration("nope")

    def test_application_values_come_before_global_values(self) -> None:
        """An unknown application key and an unknown global key: the application's error wins."""
        draft = _draft(configurations=(_values("event-app", {"NOPE": "v"}),), global_configuration=_global({"X": ""}))
        assert isinstance(_create(draft), DeploymentUnknownApplicationConfigurationKey)

    def test_an_unknown_global_key(self) -> None:
        """A global key the connector does not declare, standard or secured."""
        draft = _draft(global_configuration=_global({"G_STD": "on", "NOPE": "v"}, {"G_SECRET": "s"}))
        assert _create(draft) == DeploymentUnknownGlobalConfigurationKey(False, "NOPE")
        draft = _draft(global_configuration=_global({"G_STD": "on"}, {"G_SECRET": "s", "NOPE": "v"}))
        assert _create(draft) == DeploymentUnknownGlobalConfigurationKey(True, "NOPE")

    def test_a_global_key_of_a_connector_without_global_configuration(self) -> None:
        """No declaration: every global key is unknown."""
        staged = attrs.evolve(STAGED, global_configuration=None)
        assert _create(_draft(), staged=staged) == DeploymentUnknownGlobalConfigurationKey(False, "G_STD")
        assert isinstance(_create(_draft(global_configuration=None), staged=staged), Deployment)

    def test_unknown_global_keys_come_before_missing_ones(self) -> None:
        """An unknown key, and a required key missing: unknown wins."""
        draft = _draft(global_configuration=_global({"NOPE": "v"}))
        assert _create(draft) == DeploymentUnknownGlobalConfigurationKey(False, "NOPE")

    def test_a_missing_required_global_key(self) -> None:
        """A required global key absent, standard before secured; no global values at all miss the first."""
        assert _create(_draft(global_configuration=_global(secured={"G_SECRET": "s"}))) == (
            DeploymentMissingGlobalConfigurationKey(False, "G_STD")
        )
        assert _create(_draft(global_configuration=_global({"G_STD": "on"}))) == (
            DeploymentMissingGlobalConfigurationKey(True, "G_SECRET")
        )
        assert _create(_draft(global_configuration=None)) == DeploymentMissingGlobalConfigurationKey(False, "G_STD")

    def test_an_empty_required_global_key(self) -> None:
        """A required global key given as "" is refused; an optional one may be empty."""
        assert _create(_draft(global_configuration=_global({"G_STD": ""}, {"G_SECRET": "s"}))) == (
            DeploymentEmptyRequiredGlobalConfigurationKey(False, "G_STD")
        )
        assert _create(_draft(global_configuration=_global({"G_STD": "on"}, {"G_SECRET": ""}))) == (
            DeploymentEmptyRequiredGlobalConfigurationKey(True, "G_SECRET")
        )
        assert isinstance(
            _create(_draft(global_configuration=_global({"G_STD": "on", "G_OPTIONAL": ""}, {"G_SECRET": "s"}))),
            Deployment,
        )

    def test_missing_and_empty_follow_the_declaration_order(self) -> None:
        """The standard key empty and the secured one missing: the standard one, declared first, wins."""
        assert _create(_draft(global_configuration=_global({"G_STD": ""}))) == (
            DeploymentEmptyRequiredGlobalConfigurationKey(False, "G_STD")
        )

    def test_a_required_application_key_left_out_is_not_refused(self) -> None:
        """The service's required keys without values: accepted at create (the build fails on it)."""
        assert isinstance(_create(_draft(configurations=())), Deployment)


# --- apply: redeploy ------------------------------------------------------------------


def _in(status: DeploymentStatus, deployment: Deployment | None = None) -> Deployment:
    return attrs.evolve(deployment or _created(), status=status, version=5)


REPORT = DeploymentReport(
    entries=(
        DeploymentReportEntry(
            type=DeploymentReportEntryType.ERROR, title="t", created_at=codec.read_datetime("2024-01-01T00:00:00Z")
        ),
    )
)


def _update(*actions: Redeploy, version: int = 5) -> DeploymentUpdate:
    return DeploymentUpdate(version=version, actions=actions)


class TestRedeploy:
    """``redeploy``: its checks in order, and what it changes (deployments.md, "redeploy")."""

    def test_an_accepted_redeploy(self) -> None:
        """Queued, report cleared, version + 1, values kept when none are sent."""
        deployed = _in(DeploymentStatus.DEPLOYED)
        deployed = attrs.evolve(
            deployed, details=attrs.evolve(deployed.details, build=attrs.evolve(deployed.details.build, report=REPORT))
        )
        result = apply_deployment_update(deployed, _update(Redeploy()))
        assert isinstance(result, Deployment)
        assert (result.status, result.version, result.details.build.report) == (DeploymentStatus.QUEUED, 6, None)
        assert result.details.build.id == deployed.details.build.id
        assert result.applications == deployed.applications
        assert result.global_configuration == deployed.global_configuration

    def test_even_the_same_values_add_one(self) -> None:
        """A redeploy is an order, not an edit: equal values still add 1 to the version."""
        deployed = _in(DeploymentStatus.FAILED)
        same = Redeploy(configuration_values=(_values("service-app", {"STD_KEY": "value"}, {"SECRET_KEY": MASK}),))
        result = apply_deployment_update(deployed, _update(same))
        assert isinstance(result, Deployment) and result.version == 6
        assert result.applications == deployed.applications

    @pytest.mark.parametrize(
        ("status", "already"),
        [
            (DeploymentStatus.QUEUED, "queued"),
            (DeploymentStatus.DEPLOYING, "deploying"),
            (DeploymentStatus.UNDEPLOYING, "undeploying"),
        ],
    )
    def test_already_on_its_way(self, status: DeploymentStatus, already: str) -> None:
        """In Queued, Deploying and Undeploying, a redeploy is "Already ..."."""
        result = apply_deployment(_in(status), Redeploy())
        assert result == DeploymentInvalidStatusTransition(status.value)
        assert isinstance(result, DomainError) and result.message == f"Invalid status change: Already {already}"

    def test_the_version_comes_first(self) -> None:
        """A stale version is ConcurrentModification, before the status."""
        queued = _in(DeploymentStatus.QUEUED)
        assert apply_deployment_update(queued, _update(Redeploy(), version=4)) == ConcurrentModification(
            ID, "deployment-key", 4, 5
        )

    def test_the_status_comes_before_the_values(self) -> None:
        """In Queued, a redeploy with ``[]``: the status's error wins."""
        queued = _in(DeploymentStatus.QUEUED)
        assert isinstance(
            apply_deployment(queued, Redeploy(configuration_values=())), DeploymentInvalidStatusTransition
        )

    def test_no_application(self) -> None:
        """``configurationValues: []`` is refused."""
        assert apply_deployment(_in(DeploymentStatus.DEPLOYED), Redeploy(configuration_values=())) == (
            DeploymentApplicationRequired()
        )

    def test_an_application_not_in_the_deployment(self) -> None:
        """Values for an application this Deployment does not have."""
        action = Redeploy(configuration_values=(_values("nope"),))
        assert apply_deployment(_in(DeploymentStatus.DEPLOYED), action) == DeploymentApplicationDoNotBelong(
            ID, "deployment-key", "nope"
        )

    def test_an_unknown_key(self) -> None:
        """A key the application does not declare."""
        action = Redeploy(configuration_values=(_values("event-app", secured={"NOPE": "v"}),))
        assert apply_deployment(_in(DeploymentStatus.DEPLOYED), action) == (
            DeploymentUnknownApplicationConfigurationKey(True, "NOPE", "event-app")
        )

    def test_values_are_checked_entry_by_entry(self) -> None:
        """An unknown key in the first entry wins over an application not in the Deployment in the second."""
        action = Redeploy(configuration_values=(_values("event-app", {"NOPE": "v"}), _values("nope")))
        assert isinstance(
            apply_deployment(_in(DeploymentStatus.DEPLOYED), action), DeploymentUnknownApplicationConfigurationKey
        )

    def test_values_come_before_global_values(self) -> None:
        """An application not in the Deployment and an unknown global key: the application's error wins."""
        action = Redeploy(configuration_values=(_values("nope"),), global_configuration=_global({"NOPE": "v"}))
        assert isinstance(apply_deployment(_in(DeploymentStatus.DEPLOYED), action), DeploymentApplicationDoNotBelong)

    @pytest.mark.parametrize(
        ("global_configuration", "error"),
        [
            (_global({"NOPE": "v"}), DeploymentUnknownGlobalConfigurationKey(False, "NOPE")),
            (_global(secured={"G_SECRET": "s"}), DeploymentMissingGlobalConfigurationKey(False, "G_STD")),
            (
                _global({"G_STD": "on"}, {"G_SECRET": ""}),
                DeploymentEmptyRequiredGlobalConfigurationKey(True, "G_SECRET"),
            ),
        ],
    )
    def test_global_values(self, global_configuration: DeploymentGlobalConfiguration, error: DomainError) -> None:
        """The global values follow create's rules."""
        assert (
            apply_deployment(_in(DeploymentStatus.DEPLOYED), Redeploy(global_configuration=global_configuration))
            == error
        )

    def test_global_values_come_before_the_connector_update(self) -> None:
        """An unknown global key, and an application removed from the connector: the global error wins."""
        target = attrs.evolve(
            CONNECTOR, configurations=CONNECTOR.configurations[:2] if CONNECTOR.configurations else None
        )
        action = Redeploy(global_configuration=_global({"NOPE": "v"}), update_connector=True)
        assert isinstance(
            apply_deployment(_in(DeploymentStatus.DEPLOYED), action, target=target),
            DeploymentUnknownGlobalConfigurationKey,
        )

    def test_values_replace_those_of_the_applications_named(self) -> None:
        """The named application's values are replaced (secured masked), a job's schedule too; the others stay."""
        deployed = _in(DeploymentStatus.DEPLOYED)
        action = Redeploy(
            configuration_values=(
                _values("service-app", {"STD_KEY": "new"}, {"SECRET_KEY": "new-secret"}),
                _values("job-app", schedule="5 * * * *"),
            ),
            global_configuration=_global({"G_STD": "off"}, {"G_SECRET": "new-global"}),
        )
        result = apply_deployment(deployed, action)
        assert isinstance(result, Deployment)
        service, event, job = result.applications
        assert service.standard_configuration == (ConfigurationValue(key="STD_KEY", value="new"),)
        assert service.secured_configuration == (ConfigurationValue(key="SECRET_KEY", value=MASK),)
        assert event == deployed.applications[1]
        assert job.schedule == "5 * * * *"
        assert result.global_configuration == _global({"G_STD": "off"}, {"G_SECRET": MASK})
        assert "new-secret" not in codec.dumps(result) and "new-global" not in codec.dumps(result)

    def test_a_schedule_for_an_application_that_is_not_a_job_is_ignored(self) -> None:
        """Only a job application has a schedule."""
        action = Redeploy(configuration_values=(_values("service-app", schedule="5 * * * *"),))
        result = apply_deployment(_in(DeploymentStatus.DEPLOYED), action)
        assert isinstance(result, Deployment) and result.applications[0].schedule is None

    def test_update_connector(self) -> None:
        """The snapshot moves to the connector's current version; values are judged against it."""
        deployed = _in(DeploymentStatus.DEPLOYED)
        newer = attrs.evolve(
            STAGED,
            version=4,
            configurations=(_app("service-app", ApplicationType.SERVICE, ("NEW_KEY",)), *STAGED.configurations[1:]),
        )
        action = Redeploy(configuration_values=(_values("service-app", {"NEW_KEY": "v"}),), update_connector=True)
        result = apply_deployment(deployed, action, target=connector_snapshot(newer))
        assert isinstance(result, Deployment)
        assert result.connector == deployment_connector(connector_snapshot(newer))
        # Without updateConnector the key is judged against the snapshot, which does not have it.
        assert apply_deployment(deployed, attrs.evolve(action, update_connector=None)) == (
            DeploymentUnknownApplicationConfigurationKey(False, "NEW_KEY", "service-app")
        )

    def test_update_connector_with_an_application_removed(self) -> None:
        """The current version no longer has an application of the Deployment."""
        newer = attrs.evolve(
            CONNECTOR, version=4, configurations=CONNECTOR.configurations[:2] if CONNECTOR.configurations else None
        )
        result = apply_deployment(_in(DeploymentStatus.DEPLOYED), Redeploy(update_connector=True), target=newer)
        assert result == DeploymentConnectorUpdateFailure(
            ID, "deployment-key", "con-1", "connector-key", "application job-app was removed"
        )

    def test_update_connector_needs_the_target(self) -> None:
        """Without the target, or with another connector, a redeploy with updateConnector is a ValueError."""
        deployed = _in(DeploymentStatus.QUEUED)
        with pytest.raises(ValueError, match="needs target"):
            apply_deployment(deployed, Redeploy(update_connector=True))
        with pytest.raises(ValueError, match="needs target"):
            apply_deployment_update(deployed, _update(Redeploy(update_connector=True)))
        with pytest.raises(ValueError, match="is not the connector sandbox deploys"):
            apply_deployment(deployed, Redeploy(update_connector=True), target=attrs.evolve(CONNECTOR, id="other"))
        with pytest.raises(ValueError, match="is not the connector sandbox deploys"):
            apply_deployment(deployed, Redeploy(update_connector=True), target=STAGED)

    def test_skip_scripts_has_no_visible_effect(self) -> None:
        """``skipScripts`` true gives what a redeploy without it gives."""
        deployed = _in(DeploymentStatus.DEPLOYED)
        assert apply_deployment(deployed, Redeploy(skip_scripts=True)) == apply_deployment(deployed, Redeploy())

    def test_a_batch_is_atomic(self) -> None:
        """Two redeploys in one request: the second is "Already queued", and the request changes nothing."""
        deployed = _in(DeploymentStatus.DEPLOYED)
        assert apply_deployment_update(deployed, _update(Redeploy(), Redeploy())) == (
            DeploymentInvalidStatusTransition("Queued")
        )

    def test_an_empty_request_changes_nothing(self) -> None:
        """No actions: the same Deployment, same version."""
        deployed = _in(DeploymentStatus.DEPLOYED)
        assert apply_deployment_update(deployed, _update()) is deployed


# --- apply: delete and the service events -------------------------------------------


class TestEvents:
    """``Delete`` and the service events: where they lead, and the reports they bring."""

    def test_the_happy_path(self) -> None:
        """Queued -> Deploying -> Deployed -> Undeploying -> gone, each step adding 1 to the version."""
        deployment: Deployment | Any = _created()
        for event, status in (
            (DeploymentStarted(), DeploymentStatus.DEPLOYING),
            (DeploymentSucceeded(), DeploymentStatus.DEPLOYED),
            (Delete(), DeploymentStatus.UNDEPLOYING),
        ):
            version = deployment.version
            deployment = apply_deployment(deployment, event)
            assert isinstance(deployment, Deployment)
            assert (deployment.status, deployment.version) == (status, version + 1)
        assert apply_deployment(deployment, UndeploySucceeded()) is GONE

    @pytest.mark.parametrize("status", [DeploymentStatus.DRAFT, DeploymentStatus.FAILED])
    def test_delete_removes_at_once_where_nothing_runs(self, status: DeploymentStatus) -> None:
        """From Draft or Failed, delete is gone at once."""
        assert apply_deployment(_in(status), Delete()) is GONE

    def test_delete_while_undeploying(self) -> None:
        """A second delete is "Already undeploying"."""
        assert apply_deployment(_in(DeploymentStatus.UNDEPLOYING), Delete()) == DeploymentInvalidStatusTransition(
            "Undeploying"
        )

    def test_a_failure_sets_its_report(self) -> None:
        """DeploymentFailed and UndeployFailed set the build's report."""
        failed = apply_deployment(_in(DeploymentStatus.DEPLOYING), DeploymentFailed(report=REPORT))
        assert isinstance(failed, Deployment) and failed.status is DeploymentStatus.FAILED
        assert failed.details.build.report == REPORT
        undeploy = apply_deployment(_in(DeploymentStatus.UNDEPLOYING), UndeployFailed(report=REPORT))
        assert isinstance(undeploy, Deployment) and undeploy.status is DeploymentStatus.UNDEPLOY_FAILED
        assert undeploy.details.build.report == REPORT

    def test_a_success_may_bring_a_report(self) -> None:
        """DeploymentSucceeded sets the report it brings, and keeps the build's without one."""
        deploying = _in(DeploymentStatus.DEPLOYING)
        with_report = apply_deployment(deploying, DeploymentSucceeded(report=REPORT))
        assert isinstance(with_report, Deployment) and with_report.details.build.report == REPORT
        without = apply_deployment(deploying, DeploymentSucceeded())
        assert isinstance(without, Deployment) and without.details == deploying.details

    def test_an_event_the_status_does_not_await(self) -> None:
        """A service event where the service never sends it is InvalidOperation, and changes nothing."""
        deployed = _in(DeploymentStatus.DEPLOYED)
        assert apply_deployment(deployed, DeploymentStarted()) == InvalidDeploymentOperation(
            "DeploymentStarted", "Deployed"
        )


def test_the_official_deployment_redeploys() -> None:
    """``update.json`` applies to ``minimal.json`` (Deployed): Queued, version 2, secured values masked (Q3, Q5, Q8)."""
    deployment = codec.from_wire(fixture("deployment/minimal.json"), Deployment)
    update = codec.from_wire(fixture("deployment/update.json"), DeploymentUpdate)
    result = apply_deployment_update(deployment, update)
    assert isinstance(result, Deployment)
    assert (result.status, result.version, result.details.build.report) == (DeploymentStatus.QUEUED, 2, None)
    assert result.applications == deployment.applications


def test_target_type_is_a_connector_or_a_staged() -> None:
    """``Target`` is what a reference resolves to: the ConnectorStaged or its production Connector."""
    target: Target = STAGED
    assert deployment_connector(target).id == deployment_connector(CONNECTOR).id
