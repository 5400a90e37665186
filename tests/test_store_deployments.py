"""The store's Deployments: references, projects, keys, queries, delete, redeploy, the simulated service.

Each example builds its store: ids from a counter (``id-1``, ``id-2``, ...), a
simulated clock at ``START``, the manual service unless it says otherwise.
``connector`` makes the connector they deploy, as the mock's users would: a
ConnectorStaged created by ``PROJECT``, published (private), previewable, its
applications brought by the service's events (``Declarations``). The last
part is a property: a refused request, in any sequence of requests, changes
none of the store's answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from connector_domain import (
    AddPrivateProject,
    ConcurrentModification,
    ConnectorStagedDraft,
    ConnectorUpdate,
    Creator,
    DomainError,
    DuplicateField,
    IntegrationType,
    InvalidQueryParam,
    Publish,
    PublishingSucceeded,
    Repository,
    ResourceNotFound,
    SetName,
    UpdatePreviewable,
)
from connector_domain.deployment import (
    MASK,
    ConfigurationValue,
    ConnectorReference,
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
)
from connector_domain.deployment.build import MISSING_TITLE
from connector_domain.deployment.events import DeploymentServiceEvent
from connector_domain.deployment.model import DeploymentLogCursorPagedQueryResponse
from connector_domain.errors import (
    ConnectorReferenceNotFound,
    DeploymentApplicationRequired,
    DeploymentEmptyRequiredGlobalConfigurationKey,
    DeploymentInvalidStatusTransition,
    DeploymentInvalidType,
    DeploymentMissingGlobalConfigurationKey,
    DeploymentProductionDeactivated,
    DeploymentUnknownApplicationConfiguration,
    DeploymentUnknownApplicationConfigurationKey,
    DeploymentUnknownGlobalConfigurationKey,
    InvalidDeploymentOperation,
)
from connector_domain.events import PreviewGranted
from connector_domain.mock.query import DEPLOYMENT_SORTABLE_FIELDS
from connector_domain.mock.simulation import DEFAULT_DECLARATIONS, answer_deployment
from connector_domain.mock.store import (
    LIMIT_MAX,
    Automatic,
    Declarations,
    Manual,
    SimulatedClock,
    Simulation,
    Store,
    Stored,
)
from connector_domain.model import (
    ApplicationType,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    Region,
    SecuredConfigurationKey,
    StandardConfigurationKey,
)

START: Final = datetime(2024, 1, 1, tzinfo=UTC)
PROJECT: Final = "my-project"
OTHER: Final = "other-project"
REGION: Final = Region.EUROPE_WEST1_GCP
OWNER: Final = f"{REGION.value}:{PROJECT}"
SECRET: Final = "s3cr3t-value-0042"
T = TypeVar("T")

APPS: Final = (
    ConnectorConfigurationApplication(
        application_name="service-app",
        application_type=ApplicationType.SERVICE,
        standard_configuration=(
            StandardConfigurationKey(key="STD_KEY", description="d", required=True),
            StandardConfigurationKey(key="OPT_KEY", description="d"),
        ),
        secured_configuration=(SecuredConfigurationKey(key="SECRET_KEY", description="d", required=True),),
    ),
    ConnectorConfigurationApplication(
        application_name="job-app",
        application_type=ApplicationType.JOB,
        standard_configuration=(),
        secured_configuration=(),
    ),
    ConnectorConfigurationApplication(
        application_name="event-app",
        application_type=ApplicationType.EVENT,
        standard_configuration=(),
        secured_configuration=(),
    ),
)
NAMES: Final = tuple(a.application_name for a in APPS)
DECLARATIONS: Final = Declarations(configurations=APPS)


def ok(result: T | DomainError) -> T:
    assert not isinstance(result, DomainError), result
    return result


def make_store(**kwargs: Any) -> tuple[Store, SimulatedClock]:
    clock = SimulatedClock(START)
    counter = iter(range(1, 1_000_000))
    return Store(ids=lambda: f"id-{next(counter)}", clock=clock, **kwargs), clock


def staged_draft(key: str, types: tuple[IntegrationType, ...] | None = None) -> ConnectorStagedDraft:
    return ConnectorStagedDraft(
        key=key,
        name=f"Connector {key}",
        creator=Creator(email="jane.doe@example.com"),
        repository=Repository(url="git@github.com:example/connector.git", tag="v1.0.0"),
        integration_types=types,
    )


def act(store: Store, id: str, *actions: Any) -> Any:
    version = ok(store.get(id)).resource.version
    return ok(store.update(id, ConnectorUpdate(version=version, actions=actions)))


def connector(
    store: Store,
    key: str = "conn",
    *,
    types: tuple[IntegrationType, ...] | None = None,
    projects: Iterable[str] = (OWNER,),
    preview: bool = True,
) -> str:
    """A connector PROJECT created, published (private) and, with *preview*, previewable, listing *projects*."""
    id = ok(store.create(staged_draft(key, types), owner=OWNER)).resource.id
    act(store, id, Publish(certification=False))
    ok(store.deliver(id, PublishingSucceeded(configurations=APPS)))
    for project in projects:
        act(store, id, AddPrivateProject(private_project=project))
    if preview:
        act(store, id, UpdatePreviewable())
        ok(store.deliver(id, PreviewGranted(configurations=APPS)))
    return id


def values(name: str, standard: dict[str, str] | None = None, secured: dict[str, str] | None = None) -> Any:
    return DeploymentConfigurationApplication(
        application_name=name,
        standard_configuration=tuple(ConfigurationValue(key=k, value=v) for k, v in (standard or {}).items()),
        secured_configuration=tuple(ConfigurationValue(key=k, value=v) for k, v in (secured or {}).items()),
    )


#: Values for every required key.
FULL: Final = (values("service-app", {"STD_KEY": "standard"}, {"SECRET_KEY": SECRET}),)


def draft(
    reference: ConnectorReference | None = None,
    *,
    key: str | None = None,
    type: DeploymentType | None = None,
    configurations: Sequence[DeploymentConfigurationApplication] = FULL,
    region: Region = REGION,
    global_configuration: DeploymentGlobalConfiguration | None = None,
) -> DeploymentDraft:
    return DeploymentDraft(
        key=key,
        type=type,
        connector=reference or ConnectorReference(id="id-1"),
        configurations=tuple(configurations),
        global_configuration=global_configuration,
        region=region,
    )


def deploy(store: Store, project: str = PROJECT, **kwargs: Any) -> Deployment:
    """A new Deployment of the draft *kwargs* describe; its resource."""
    return ok(store.create_deployment(project, draft(**kwargs))).resource


def current(store: Store, id: str, project: str = PROJECT) -> Deployment:
    return ok(store.deployment(project, id)).resource


def redeploy(store: Store, id: str, *actions: Redeploy, project: str = PROJECT, version: int | None = None) -> Any:
    at = current(store, id, project).version if version is None else version
    return store.update_deployment(project, id, DeploymentUpdate(version=at, actions=actions or (Redeploy(),)))


REPORT: Final = DeploymentReport(
    entries=(DeploymentReportEntry(type=DeploymentReportEntryType.ERROR, title="x", created_at=START),)
)


def walk(store: Store, id: str, *events: DeploymentServiceEvent, project: str = PROJECT) -> Deployment:
    """Deliver *events* in turn to the Deployment *id*; its last state."""
    result = current(store, id, project)
    for delivered in events:
        result = ok(store.deliver_deployment(project, id, delivered)).resource
    return result


def in_status(store: Store, status: DeploymentStatus, **kwargs: Any) -> Deployment:
    """A new Deployment walked to *status* by the service events that lead there."""
    deployment = deploy(store, **kwargs)
    paths: dict[DeploymentStatus, tuple[Any, ...]] = {
        DeploymentStatus.QUEUED: (),
        DeploymentStatus.DEPLOYING: (DeploymentStarted(),),
        DeploymentStatus.DEPLOYED: (DeploymentStarted(), DeploymentSucceeded()),
        DeploymentStatus.FAILED: (DeploymentStarted(), DeploymentFailed(report=REPORT)),
    }
    if status in paths:
        return walk(store, deployment.id, *paths[status])
    ok(store.delete_deployment(PROJECT, deployment.id))
    if status is DeploymentStatus.UNDEPLOYING:
        return current(store, deployment.id)
    assert status is DeploymentStatus.UNDEPLOY_FAILED
    return walk(store, deployment.id, UndeployFailed(report=REPORT))


def page_ids(store: Store, project: str = PROJECT, **params: Any) -> list[str]:
    page = store.query_deployments(project, **params)
    assert not isinstance(page, DomainError), page
    return [s.resource.id for s in page.results]


def answers(store: Store, keys: Iterable[str] = ()) -> str:
    """Everything the store answers about Deployments, and about the connectors, as canonical JSON text.

    Its time; each project's page of Deployments (every field, createdAt and
    lastModifiedAt included); each Deployment by id, by key (and each of
    *keys*) and its logs; the ConnectorStaged resources and Connectors.
    """
    state: dict[str, Any] = {"now": store.now().isoformat()}
    for project in (PROJECT, OTHER):
        page = store.query_deployments(project, limit=LIMIT_MAX)
        assert not isinstance(page, DomainError)
        state[project] = [dict(s.record) for s in page.results]
        logs = {}
        for stored in page.results:
            deployment = stored.resource
            result = store.deployment_logs(project, id=deployment.id, application_name="service-app")
            assert isinstance(result, DeploymentLogCursorPagedQueryResponse), result
            logs[deployment.id] = [json.dumps(str(entry)) for entry in result.data]
        state[f"{project} logs"] = logs
        state[f"{project} keys"] = {
            key: _record(store.deployment_by_key(project, key))
            for key in {*keys, *(s.resource.key for s in page.results if s.resource.key)}
        }
    staged = store.query(limit=LIMIT_MAX)
    assert not isinstance(staged, DomainError)
    state["staged"] = [dict(s.record) for s in staged.results]
    state["connectors"] = [_record(store.connector(s.resource.id)) for s in staged.results]
    return json.dumps(state, sort_keys=True, default=repr)


def _record(result: Stored[Any] | DomainError) -> Any:
    return None if isinstance(result, DomainError) else dict(result.record)


# --- The reference -------------------------------------------------------------------------------


class TestReference:
    def test_by_id_the_default_is_the_production_connector_in_sandbox(self) -> None:
        """A reference by id with no staged and no type deploys the production Connector, as sandbox."""
        store, _ = make_store()
        id = connector(store)
        production = ok(store.connector(id)).resource
        deployment = deploy(store, reference=ConnectorReference(id=id))
        assert (deployment.type, deployment.preview) == (DeploymentType.SANDBOX, False)
        assert (deployment.connector.id, deployment.connector.version) == (id, production.version)
        assert deployment.status is DeploymentStatus.QUEUED and deployment.version == 1

    def test_by_key_and_as_production(self) -> None:
        """A reference by key finds the same connector; production may be asked for."""
        store, _ = make_store()
        id = connector(store, "by-key")
        deployment = deploy(store, reference=ConnectorReference(key="by-key"), type=DeploymentType.PRODUCTION)
        assert (deployment.connector.id, deployment.type) == (id, DeploymentType.PRODUCTION)

    @pytest.mark.parametrize("by", ["id", "key"])
    def test_staged_deploys_the_connectorstaged_as_a_preview(self, by: str) -> None:
        """staged: true names the ConnectorStaged, at its own version (not the Connector's), as a preview."""
        store, _ = make_store()
        id = connector(store)
        staged = ok(store.get(id)).resource
        assert staged.version != ok(store.connector(id)).resource.version
        by_id = ConnectorReference(id=id, staged=True)
        reference = by_id if by == "id" else ConnectorReference(key="conn", staged=True)
        deployment = deploy(store, reference=reference)
        assert (deployment.type, deployment.preview, deployment.connector.version) == (
            DeploymentType.PREVIEW, True, staged.version,
        )  # fmt: skip

    @pytest.mark.parametrize(
        ("reference", "identifier", "version"),
        [
            (ConnectorReference(id="nope"), "nope", 1),
            (ConnectorReference(key="nope"), "nope", 1),
            (ConnectorReference(id="nope", version=7), "nope", 7),
            (ConnectorReference(key="nope", staged=True, version=3), "nope", 3),
            (ConnectorReference(id="nope", version=0), "nope", 0),
            (ConnectorReference(id="nope", version=-4), "nope", -4),
        ],
    )
    def test_an_unknown_connector_is_not_found_with_the_version_sent_or_1(
        self, reference: ConnectorReference, identifier: str, version: int
    ) -> None:
        """An unknown id or key is ConnectorReferenceNotFound naming it as sent, with the version sent, else 1."""
        store, _ = make_store()
        connector(store)
        result = store.create_deployment(PROJECT, draft(reference))
        assert result == ConnectorReferenceNotFound(identifier, version)
        assert isinstance(result, DomainError)
        assert result.message == f"Connector '{identifier}' with version {version} not found"
        assert page_ids(store) == []

    def test_a_version_other_than_the_current_is_not_found(self) -> None:
        """connector.version must be the target's current version: an older one names the version sent."""
        store, _ = make_store()
        id = connector(store)
        version = ok(store.connector(id)).resource.version
        assert store.create_deployment(PROJECT, draft(ConnectorReference(id=id, version=version - 1))) == (
            ConnectorReferenceNotFound(id, version - 1)
        )
        assert deploy(store, reference=ConnectorReference(id=id, version=version)).connector.version == version

    def test_a_connector_never_published_has_no_production_connector(self) -> None:
        """staged false on a connector that was never published: ConnectorReferenceNotFound; as a preview it works."""
        store, _ = make_store()
        id = ok(store.create(staged_draft("draft-only"), owner=OWNER)).resource.id
        result = store.create_deployment(PROJECT, draft(ConnectorReference(key="draft-only")))
        assert isinstance(result, ConnectorReferenceNotFound) and result.identifier == "draft-only"
        act(store, id, AddPrivateProject(private_project=OWNER), UpdatePreviewable())
        ok(store.deliver(id, PreviewGranted(configurations=APPS)))
        assert deploy(store, reference=ConnectorReference(id=id, staged=True)).type is DeploymentType.PREVIEW

    def test_a_private_connector_is_not_revealed_to_another_project(self) -> None:
        """A project the connector does not list gets ConnectorReferenceNotFound, as for an unknown id."""
        store, _ = make_store()
        id = connector(store)
        assert isinstance(store.create_deployment(OTHER, draft(ConnectorReference(id=id))), ConnectorReferenceNotFound)
        assert page_ids(store, OTHER) == []

    def test_the_deploying_project_is_the_drafts_region_and_the_paths_key(self) -> None:
        """privateProjects lists {region}:{key}: OTHER listed in europe-west1.gcp may not deploy to us-central1.gcp.

        The creator is the exception: its own connector is its own in every
        region (test_the_creator_deploys_its_own_private_connector_to_another_region).
        """
        store, _ = make_store()
        connector(store, projects=(OWNER, f"{REGION.value}:{OTHER}"))
        assert isinstance(store.create_deployment(OTHER, draft()), Stored)
        result = store.create_deployment(OTHER, draft(region=Region.US_CENTRAL1_GCP))
        assert isinstance(result, ConnectorReferenceNotFound)


# --- Projects and keys ---------------------------------------------------------------------------


class TestProjects:
    def _two_projects(self) -> tuple[Store, Deployment, Deployment]:
        store, _ = make_store()
        connector(store, projects=(OWNER, f"{REGION.value}:{OTHER}"))
        mine = deploy(store, key="dep")
        theirs = deploy(store, OTHER, key="dep")
        return store, mine, theirs

    def test_each_project_has_its_own_deployments_and_keys(self) -> None:
        """Two projects may use one key; each finds its own Deployment by it, and queries see only their own."""
        store, mine, theirs = self._two_projects()
        assert mine.id != theirs.id
        assert ok(store.deployment_by_key(PROJECT, "dep")).resource == mine
        assert ok(store.deployment_by_key(OTHER, "dep")).resource == theirs
        assert page_ids(store, PROJECT) == [mine.id]
        assert page_ids(store, OTHER) == [theirs.id]
        assert page_ids(store, "third-project") == []

    def test_another_projects_deployment_is_not_found_everywhere(self) -> None:
        """By id, through every operation, another project's Deployment is ResourceNotFound, and stays as it is."""
        store, mine, _ = self._two_projects()
        before = answers(store)
        update = DeploymentUpdate(version=1, actions=(Redeploy(),))
        for result in (
            store.deployment(OTHER, mine.id),
            store.update_deployment(OTHER, mine.id, update),
            store.delete_deployment(OTHER, mine.id),
            store.delete_deployment(OTHER, mine.id, version=1),
            store.deliver_deployment(OTHER, mine.id, DeploymentStarted()),
            store.deployment_logs(OTHER, id=mine.id),
            store.deployment("third-project", mine.id),
        ):
            assert result == ResourceNotFound(id=mine.id)
        assert store.deployment_by_key("third-project", "dep") == ResourceNotFound(key="dep")
        assert store.update_deployment_by_key("third-project", "dep", update) == ResourceNotFound(key="dep")
        assert store.delete_deployment_by_key("third-project", "dep") == ResourceNotFound(key="dep")
        assert store.deployment_logs("third-project", key="dep") == ResourceNotFound(key="dep")
        assert answers(store) == before

    def test_logs_take_exactly_one_of_id_and_key(self) -> None:
        """deployment_logs with both or neither of id and key is a programming error."""
        store, mine, _ = self._two_projects()
        with pytest.raises(ValueError, match="exactly one of id and key"):
            store.deployment_logs(PROJECT)
        with pytest.raises(ValueError, match="exactly one of id and key"):
            store.deployment_logs(PROJECT, id=mine.id, key="dep")


class TestKeys:
    def test_a_key_used_in_the_project_is_a_duplicate_field(self) -> None:
        """A second Deployment with the key in the same project: DuplicateField, and nothing created."""
        store, _ = make_store()
        connector(store)
        deploy(store, key="dep")
        before = answers(store)
        assert store.create_deployment(PROJECT, draft(key="dep")) == DuplicateField("key", "dep")
        assert answers(store) == before

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            ({"reference": ConnectorReference(id="nope")}, ConnectorReferenceNotFound),
            ({"type": DeploymentType.PREVIEW}, DeploymentInvalidType),
            ({"configurations": (values("nope-app"),)}, DeploymentUnknownApplicationConfiguration),
            ({"configurations": (values("service-app", {"NOPE": "x"}),)}, DeploymentUnknownApplicationConfigurationKey),
            (
                {"global_configuration": DeploymentGlobalConfiguration(standard_configuration=(ConfigurationValue(key="G", value="v"),))},  # noqa: E501
                DeploymentUnknownGlobalConfigurationKey,
            ),
        ],
    )  # fmt: skip
    def test_the_key_is_the_last_check(self, change: dict[str, Any], error: type[DomainError]) -> None:
        """A draft that fails an earlier check and reuses a key gets the earlier error, not DuplicateField."""
        store, _ = make_store()
        connector(store)
        deploy(store, key="dep")
        assert isinstance(store.create_deployment(PROJECT, draft(key="dep", **change)), error)

    def test_a_key_is_free_again_once_its_deployment_is_gone(self) -> None:
        """While Undeploying the key is held; when the Deployment is gone, a new one may take it."""
        store, _ = make_store()
        connector(store)
        first = deploy(store, key="dep")
        ok(store.delete_deployment(PROJECT, first.id))
        assert store.create_deployment(PROJECT, draft(key="dep")) == DuplicateField("key", "dep")
        walk(store, first.id, UndeploySucceeded())
        assert store.deployment_by_key(PROJECT, "dep") == ResourceNotFound(key="dep")
        second = deploy(store, key="dep")
        assert ok(store.deployment_by_key(PROJECT, "dep")).resource == second != first


# --- Queries -------------------------------------------------------------------------------------


class TestQuery:
    def _many(self) -> tuple[Store, SimulatedClock, list[Deployment]]:
        """Six Deployments, a second apart, of two connectors, with keys (one without), types and statuses mixed."""
        store, clock = make_store()
        erp = connector(store, "erp-conn", types=(IntegrationType.ERP,))
        crm = connector(store, "crm-conn", types=(IntegrationType.CRM, IntegrationType.TAX))
        made = []
        for target, kind, key in [
            (erp, DeploymentType.SANDBOX, "k-3"),
            (erp, DeploymentType.PREVIEW, "k-1"),
            (crm, DeploymentType.PRODUCTION, None),
            (crm, DeploymentType.SANDBOX, "k-0"),
            (erp, DeploymentType.PRODUCTION, "k-2"),
            (crm, DeploymentType.PREVIEW, "k-4"),
        ]:
            clock.advance(1)
            reference = ConnectorReference(id=target, staged=kind is DeploymentType.PREVIEW or None)
            made.append(deploy(store, reference=reference, type=kind, key=key))
        # Statuses and versions apart, and a modification order other than the creation order.
        for index, events in ((3, (DeploymentStarted(),)), (0, (DeploymentStarted(), DeploymentSucceeded())), (4, ())):
            clock.advance(1)
            walk(store, made[index].id, *events)
        clock.advance(1)
        ok(store.delete_deployment(PROJECT, made[4].id))
        return store, clock, [current(store, d.id) for d in made]

    def test_defaults_and_paging(self) -> None:
        """In creation order by default; limit and offset page it; count and total say how many."""
        store, _, made = self._many()
        ids = [d.id for d in made]
        page = ok(store.query_deployments(PROJECT))
        assert (page.limit, page.offset, page.count, page.total) == (20, 0, 6, 6)
        assert [s.resource.id for s in page.results] == ids
        second = ok(store.query_deployments(PROJECT, limit=2, offset=2))
        assert ([s.resource.id for s in second.results], second.count, second.total) == (ids[2:4], 2, 6)
        assert page_ids(store, limit=0) == [] and ok(store.query_deployments(PROJECT, limit=0)).total == 6
        assert page_ids(store, offset=6) == [] and page_ids(store, offset=10_000) == []
        assert page_ids(store, limit=500) == ids

    @pytest.mark.parametrize("field", DEPLOYMENT_SORTABLE_FIELDS)
    @pytest.mark.parametrize("direction", ["asc", "desc"])
    def test_each_sort_field(self, field: str, direction: str) -> None:
        """Each sortable field sorts as the Deployments' values do, ties in creation order."""
        store, _, made = self._many()
        stored = [ok(store.deployment(PROJECT, d.id)) for d in made]
        value = {
            "createdAt": lambda s: s.created_at,
            "lastModifiedAt": lambda s: s.last_modified_at,
            "id": lambda s: s.resource.id,
            "key": lambda s: s.resource.key or "\uffff",
            "version": lambda s: s.resource.version,
            "status": lambda s: s.resource.status.value,
        }[field]
        expected = [s.resource.id for s in sorted(stored, key=value, reverse=direction == "desc")]
        assert page_ids(store, sort=[f"{field} {direction}"]) == expected
        assert page_ids(store, sort=f"{field} {direction}", limit=3, offset=1) == expected[1:4]

    def test_the_sortable_fields(self) -> None:
        """A Deployment sorts by createdAt, lastModifiedAt, id, key, version and status; it has no name."""
        assert set(DEPLOYMENT_SORTABLE_FIELDS) == {"createdAt", "lastModifiedAt", "id", "key", "version", "status"}
        store, _, _ = self._many()
        result = store.query_deployments(PROJECT, sort=["name asc"])
        assert isinstance(result, InvalidQueryParam) and "sort[0]" in result.detailed_error_message

    def test_two_sort_fields(self) -> None:
        """A second field orders the ties of the first."""
        store, _, made = self._many()
        stored = [ok(store.deployment(PROJECT, d.id)) for d in made]
        expected = sorted(stored, key=lambda s: s.resource.id, reverse=True)
        expected = sorted(expected, key=lambda s: s.resource.status.value)
        assert page_ids(store, sort=["status asc", "id desc"]) == [s.resource.id for s in expected]

    def test_integration_types(self) -> None:
        """integrationTypes keeps the Deployments whose connector has any of the types."""
        store, _, made = self._many()
        erp = [d.id for d in made if IntegrationType.ERP in d.connector.integration_types]
        crm = [d.id for d in made if IntegrationType.CRM in d.connector.integration_types]
        assert len(erp) == 3 and len(crm) == 3
        assert page_ids(store, integration_types=["erp"]) == erp
        assert page_ids(store, integration_types=[IntegrationType.TAX]) == crm
        assert page_ids(store, integration_types=["erp", "tax"]) == [d.id for d in made]
        assert page_ids(store, integration_types=["psp"]) == []
        assert page_ids(store, integration_types=[]) == [d.id for d in made]

    @pytest.mark.parametrize("kind", list(DeploymentType))
    def test_deployment_type(self, kind: DeploymentType) -> None:
        """deploymentType keeps the Deployments of that type, as a value or its wire name; with types, both hold."""
        store, _, made = self._many()
        expected = [d.id for d in made if d.type is kind]
        assert len(expected) == 2
        assert page_ids(store, deployment_type=kind.value) == expected == page_ids(store, deployment_type=kind)
        both = [d.id for d in made if d.type is kind and IntegrationType.ERP in d.connector.integration_types]
        assert page_ids(store, deployment_type=kind, integration_types=["erp"]) == both

    @pytest.mark.parametrize(
        ("params", "named"),
        [
            ({"limit": 501}, "limit"),
            ({"limit": -1}, "limit"),
            ({"offset": 10_001}, "offset"),
            ({"offset": -1}, "offset"),
            ({"sort": ["name asc"]}, "sort[0]"),
            ({"sort": ["createdAt"]}, "sort[0]"),
            ({"sort": ["key up"]}, "sort[0]"),
            ({"integration_types": ["fax"]}, "integrationTypes[0]"),
            ({"integration_types": ["erp", "fax"]}, "integrationTypes[1]"),
            ({"deployment_type": "staging"}, "deploymentType"),
            ({"deployment_type": "Preview"}, "deploymentType"),
        ],
    )
    def test_a_bad_value_is_an_invalid_query_param_naming_it(self, params: dict[str, Any], named: str) -> None:
        """An out-of-range or unknown value is InvalidQueryParam whose detail names the parameter."""
        store, _ = make_store()
        result = store.query_deployments(PROJECT, **params)
        assert isinstance(result, InvalidQueryParam), result
        assert result.detailed_error_message.startswith(named), result.detailed_error_message
        assert result.message == "Request query param is not valid"

    def test_every_bad_value_is_named_at_once(self) -> None:
        """Several bad values: one InvalidQueryParam naming each of them."""
        store, _ = make_store()
        result = store.query_deployments(
            PROJECT, limit=501, offset=-1, sort=["name asc"], integration_types=["fax"], deployment_type="x"
        )
        assert isinstance(result, InvalidQueryParam)
        for name in ("limit", "offset", "sort[0]", "integrationTypes[0]", "deploymentType"):
            assert name in result.detailed_error_message, name

    def test_an_empty_sort_is_ignored(self) -> None:
        """sort "" (``sort=``) is no sort: the creation order."""
        store, _, made = self._many()
        assert page_ids(store, sort=[""]) == [d.id for d in made]

    def test_records_carry_the_store_times(self) -> None:
        """A Deployment's answer has createdAt and lastModifiedAt, the store's times of its creation and last change."""
        store, clock = make_store()
        connector(store)
        deployment = deploy(store)
        clock.advance(5)
        walk(store, deployment.id, DeploymentStarted())
        wire = ok(store.deployment(PROJECT, deployment.id)).to_wire()
        assert (wire["createdAt"], wire["lastModifiedAt"]) == ("2024-01-01T00:00:00.000Z", "2024-01-01T00:00:05.000Z")


# --- Delete and the service events ---------------------------------------------------------------


class TestDelete:
    @pytest.mark.parametrize(
        "status",
        [DeploymentStatus.QUEUED, DeploymentStatus.DEPLOYING, DeploymentStatus.DEPLOYED,
         DeploymentStatus.UNDEPLOY_FAILED],
    )  # fmt: skip
    def test_delete_starts_the_undeployment(self, status: DeploymentStatus) -> None:
        """From Queued, Deploying, Deployed and UndeployFailed a delete answers Undeploying, one version on."""
        store, _ = make_store()
        connector(store)
        before = in_status(store, status, key="dep")
        assert before.status is status
        after = ok(store.delete_deployment(PROJECT, before.id)).resource
        assert (after.status, after.version) == (DeploymentStatus.UNDEPLOYING, before.version + 1)
        assert current(store, before.id) == after

    def test_delete_while_undeploying_is_already_undeploying(self) -> None:
        """A second delete: DeploymentInvalidStatusTransition "Already undeploying", and nothing changes."""
        store, _ = make_store()
        connector(store)
        deployment = in_status(store, DeploymentStatus.UNDEPLOYING)
        before = answers(store)
        result = store.delete_deployment(PROJECT, deployment.id)
        assert result == DeploymentInvalidStatusTransition("Undeploying")
        assert isinstance(result, DomainError) and result.message == "Invalid status change: Already undeploying"
        assert answers(store) == before

    @pytest.mark.parametrize("by_key", [False, True])
    def test_a_failed_deployment_is_gone_at_once(self, by_key: bool) -> None:
        """Delete from Failed answers the Deployment as it was (Failed), and it is gone: by id, by key, its logs."""
        store, _ = make_store()
        connector(store)
        failed = in_status(store, DeploymentStatus.FAILED, key="dep")
        result = (
            store.delete_deployment_by_key(PROJECT, "dep") if by_key else store.delete_deployment(PROJECT, failed.id)
        )
        assert ok(result).resource == failed
        assert store.deployment(PROJECT, failed.id) == ResourceNotFound(id=failed.id)
        assert store.deployment_by_key(PROJECT, "dep") == ResourceNotFound(key="dep")
        assert store.deployment_logs(PROJECT, id=failed.id) == ResourceNotFound(id=failed.id)
        assert page_ids(store) == []

    def test_undeploy_succeeded_removes_it_and_answers_its_last_state(self) -> None:
        """UndeploySucceeded answers the Undeploying Deployment, which is gone after."""
        store, _ = make_store()
        connector(store)
        undeploying = in_status(store, DeploymentStatus.UNDEPLOYING)
        assert ok(store.deliver_deployment(PROJECT, undeploying.id, UndeploySucceeded())).resource == undeploying
        assert store.deployment(PROJECT, undeploying.id) == ResourceNotFound(id=undeploying.id)
        assert store.deliver_deployment(PROJECT, undeploying.id, UndeploySucceeded()) == (
            ResourceNotFound(id=undeploying.id)
        )

    @pytest.mark.parametrize("by_key", [False, True])
    def test_a_stale_version_changes_nothing(self, by_key: bool) -> None:
        """delete with a version that is not the current one: ConcurrentModification, and nothing changes."""
        store, _ = make_store()
        connector(store)
        deployed = in_status(store, DeploymentStatus.DEPLOYED, key="dep")
        before = answers(store)
        result = (
            store.delete_deployment_by_key(PROJECT, "dep", version=1)
            if by_key
            else store.delete_deployment(PROJECT, deployed.id, version=1)
        )
        assert isinstance(result, ConcurrentModification)
        assert (result.expected_version, result.current_version) == (1, deployed.version)
        assert answers(store) == before
        assert ok(store.delete_deployment(PROJECT, deployed.id, version=deployed.version)).resource.status is (
            DeploymentStatus.UNDEPLOYING
        )

    def test_an_event_the_status_does_not_await_is_an_invalid_operation(self) -> None:
        """DeploymentSucceeded while Queued: InvalidOperation, and nothing changes."""
        store, _ = make_store()
        connector(store)
        queued = deploy(store)
        before = answers(store)
        result = store.deliver_deployment(PROJECT, queued.id, DeploymentSucceeded())
        assert result == InvalidDeploymentOperation("DeploymentSucceeded", "Queued")
        assert answers(store) == before

    def test_reports_of_the_events_land_in_the_build(self) -> None:
        """DeploymentFailed and UndeployFailed set details.build.report; the build id stays."""
        store, _ = make_store()
        connector(store)
        failed = in_status(store, DeploymentStatus.FAILED)
        assert failed.details.build.report == REPORT
        undeploy_failed = in_status(store, DeploymentStatus.UNDEPLOY_FAILED)
        assert undeploy_failed.details.build.report == REPORT


# --- Redeploy ------------------------------------------------------------------------------------


class TestRedeploy:
    def test_redeploy_queues_again_one_version_on_and_clears_the_report(self) -> None:
        """From Deployed with a report: Queued, version + 1, no report, the same build id."""
        store, _ = make_store()
        connector(store)
        deployment = deploy(store)
        info = DeploymentReport(
            entries=(DeploymentReportEntry(type=DeploymentReportEntryType.INFORMATION, title="ok", created_at=START),)
        )
        deployed = walk(store, deployment.id, DeploymentStarted(), DeploymentSucceeded(report=info))
        assert deployed.details.build.report == info
        again = ok(redeploy(store, deployment.id)).resource
        assert (again.status, again.version) == (DeploymentStatus.QUEUED, deployed.version + 1)
        assert again.details.build.report is None and again.details.build.id == deployed.details.build.id

    def test_redeploy_by_key(self) -> None:
        """update_deployment_by_key applies the same redeploy."""
        store, _ = make_store()
        connector(store)
        deployed = in_status(store, DeploymentStatus.DEPLOYED, key="dep")
        update = DeploymentUpdate(version=deployed.version, actions=(Redeploy(),))
        assert ok(store.update_deployment_by_key(PROJECT, "dep", update)).resource.status is DeploymentStatus.QUEUED

    def test_a_refused_redeploy_changes_nothing(self) -> None:
        """While Queued: "Already queued"; a stale version: ConcurrentModification; the store answers as before."""
        store, _ = make_store()
        connector(store)
        queued = deploy(store)
        before = answers(store)
        assert redeploy(store, queued.id) == DeploymentInvalidStatusTransition("Queued")
        assert isinstance(redeploy(store, queued.id, version=2), ConcurrentModification)
        assert answers(store) == before

    @pytest.mark.parametrize("preview", [False, True])
    def test_update_connector_moves_to_the_connectors_current_version(self, preview: bool) -> None:
        """updateConnector: the snapshot becomes the connector's current version (the ConnectorStaged's for a
        preview, the republished Connector's otherwise)."""
        store, _ = make_store()
        id = connector(store)
        reference = ConnectorReference(id=id, staged=True if preview else None)
        deployed = walk(store, deploy(store, reference=reference).id, DeploymentStarted(), DeploymentSucceeded())
        act(store, id, SetName(name="Renamed"), Publish(certification=False))
        ok(store.deliver(id, PublishingSucceeded(configurations=APPS)))
        target = ok(store.get(id)).resource if preview else ok(store.connector(id)).resource
        assert target.version != deployed.connector.version
        kept = ok(redeploy(store, deployed.id)).resource
        assert kept.connector == deployed.connector  # without updateConnector the snapshot stays
        walk(store, deployed.id, DeploymentStarted(), DeploymentSucceeded())
        moved = ok(redeploy(store, deployed.id, Redeploy(update_connector=True))).resource
        assert (moved.connector.version, moved.connector.name) == (target.version, "Renamed")

    def test_update_connector_after_the_connector_was_deleted_is_not_found(self) -> None:
        """The connector deleted, updateConnector is ConnectorReferenceNotFound naming the snapshot; nothing changes."""
        store, _ = make_store()
        id = connector(store)
        deployed = in_status(store, DeploymentStatus.DEPLOYED, key="dep")
        ok(store.delete(id))
        before = answers(store)
        result = redeploy(store, deployed.id, Redeploy(update_connector=True))
        assert result == ConnectorReferenceNotFound("conn", deployed.connector.version)
        assert answers(store) == before

    def test_with_the_connector_deleted_the_earlier_checks_still_come_first(self) -> None:
        """The version, the status row and the values are checked before updateConnector's reference
        (deployments.md, redeploy: "Checks in order, after the version: the status row ...")."""
        store, _ = make_store()
        id = connector(store)
        queued = deploy(store)
        deployed = in_status(store, DeploymentStatus.DEPLOYED)
        ok(store.delete(id))
        assert isinstance(
            redeploy(store, queued.id, Redeploy(update_connector=True), version=9), ConcurrentModification
        )
        assert redeploy(store, queued.id, Redeploy(update_connector=True)) == DeploymentInvalidStatusTransition(
            "Queued"
        )
        empty = Redeploy(update_connector=True, configuration_values=())
        assert redeploy(store, deployed.id, empty) == DeploymentApplicationRequired()
        # Actions in order: the first queues it, so the second, which needs the connector, is "Already queued".
        both = redeploy(store, deployed.id, Redeploy(), Redeploy(update_connector=True))
        assert both == DeploymentInvalidStatusTransition("Queued")

    def test_deleting_the_connectorstaged_leaves_its_deployments(self) -> None:
        """The ConnectorStaged and its Connector deleted, its Deployments stay, found and redeployable."""
        store, _ = make_store()
        id = connector(store)
        deployed = in_status(store, DeploymentStatus.DEPLOYED, key="dep")
        preview = deploy(store, reference=ConnectorReference(id=id, staged=True))
        ok(store.delete(id))
        assert store.get(id) == ResourceNotFound(id=id) and store.connector(id) == ResourceNotFound(id=id)
        assert page_ids(store) == [deployed.id, preview.id]
        assert current(store, deployed.id) == deployed
        assert ok(redeploy(store, deployed.id)).resource.status is DeploymentStatus.QUEUED

    def test_redeploy_replaces_the_values_it_names_and_masks_them(self) -> None:
        """configurationValues replace the named application's values; secured ones are kept masked."""
        store, _ = make_store()
        connector(store)
        deployed = in_status(store, DeploymentStatus.DEPLOYED)
        new = values("service-app", {"STD_KEY": "changed"}, {"SECRET_KEY": "another-secret"})
        again = ok(redeploy(store, deployed.id, Redeploy(configuration_values=(new,)))).resource
        (service,) = (a for a in again.applications if a.application_name == "service-app")
        assert service.standard_configuration == (ConfigurationValue(key="STD_KEY", value="changed"),)
        assert service.secured_configuration == (ConfigurationValue(key="SECRET_KEY", value=MASK),)
        assert "another-secret" not in answers(store) and SECRET not in answers(store)


# --- The simulated service -----------------------------------------------------------------------

DELAY: Final = timedelta(seconds=10)
MS: Final = timedelta(milliseconds=1)


def automatic(**kwargs: Any) -> Automatic:
    return Automatic(deployment_delay=DELAY, declarations=DECLARATIONS, **kwargs)


class TestAutomatic:
    def _ready(self, **kwargs: Any) -> tuple[Store, SimulatedClock]:
        """A store with a connector, then switched to the automatic service."""
        store, clock = make_store(**kwargs)
        connector(store)
        store.simulation = automatic()
        return store, clock

    def test_queued_deploying_deployed_each_after_the_delay(self) -> None:
        """Create, then DeploymentStarted after the delay, then DeploymentSucceeded after it again, not a ms sooner."""
        store, clock = self._ready()
        id = deploy(store).id
        clock.advance(DELAY - MS)
        assert current(store, id).status is DeploymentStatus.QUEUED
        clock.advance(MS)
        assert current(store, id).status is DeploymentStatus.DEPLOYING
        clock.advance(DELAY - MS)
        assert current(store, id).status is DeploymentStatus.DEPLOYING
        clock.advance(MS)
        deployed = current(store, id)
        assert (deployed.status, deployed.version) == (DeploymentStatus.DEPLOYED, 3)
        report = deployed.details.build.report
        assert report is not None and [e.type for e in report.entries] == [DeploymentReportEntryType.INFORMATION]
        assert report.entries[0].created_at == START + 2 * DELAY

    def test_the_logs_of_the_start_are_written_when_it_is_deployed(self) -> None:
        """Deployed writes one "started" entry per application, timestamped at that moment, however late it is read."""
        store, clock = self._ready()
        id = deploy(store).id
        assert ok(store.deployment_logs(PROJECT, id=id)).data == ()
        clock.advance(timedelta(hours=1))
        logs = ok(store.deployment_logs(PROJECT, id=id)).data
        assert [log.application_name for log in logs] == list(NAMES)
        assert {log.timestamp for log in logs} == {START + 2 * DELAY}
        assert [log.details.value for log in logs] == [{"message": f"Application {name} started"} for name in NAMES]
        assert ok(store.deployment_logs(PROJECT, id=id, application_name="job-app")).data == (logs[1],)

    def test_a_missing_required_value_fails_the_build(self) -> None:
        """No value for a required key: Failed after the build, an Error entry naming the application and key."""
        store, clock = self._ready()
        id = deploy(store, configurations=(values("service-app", {"OPT_KEY": "x"}),)).id
        clock.advance(2 * DELAY)
        failed = current(store, id)
        assert failed.status is DeploymentStatus.FAILED
        report = failed.details.build.report
        assert report is not None
        assert [(e.type, e.title, e.application) for e in report.entries] == [
            (DeploymentReportEntryType.ERROR, MISSING_TITLE, "service-app"),
            (DeploymentReportEntryType.ERROR, MISSING_TITLE, "service-app"),
        ]
        assert "STD_KEY" in (report.entries[0].message or "") and "SECRET_KEY" in (report.entries[1].message or "")
        assert report.entries[0].title == "Missing required configuration"
        assert ok(store.deployment_logs(PROJECT, id=id)).data == ()

    def test_a_redeploy_with_the_values_deploys(self) -> None:
        """After a failed build, a redeploy that gives the values is queued and deployed."""
        store, clock = self._ready()
        id = deploy(store, configurations=()).id
        clock.advance(2 * DELAY)
        assert current(store, id).status is DeploymentStatus.FAILED
        ok(redeploy(store, id, Redeploy(configuration_values=FULL)))
        clock.advance(2 * DELAY)
        assert current(store, id).status is DeploymentStatus.DEPLOYED

    def test_delete_undeploys_after_the_delay(self) -> None:
        """Delete from Deployed: Undeploying, then gone after the delay (key and logs with it)."""
        store, clock = self._ready()
        id = deploy(store, key="dep").id
        clock.advance(2 * DELAY)
        assert ok(store.delete_deployment(PROJECT, id)).resource.status is DeploymentStatus.UNDEPLOYING
        clock.advance(DELAY - MS)
        assert current(store, id).status is DeploymentStatus.UNDEPLOYING
        clock.advance(MS)
        assert store.deployment(PROJECT, id) == ResourceNotFound(id=id)
        assert store.deployment_by_key(PROJECT, "dep") == ResourceNotFound(key="dep")

    def test_a_delete_while_deploying_replaces_the_build_with_the_undeployment(self) -> None:
        """Deleted while Deploying: the build's answer never comes; the undeployment's does, a delay after."""
        store, clock = self._ready()
        id = deploy(store).id
        clock.advance(DELAY + timedelta(seconds=3))
        assert current(store, id).status is DeploymentStatus.DEPLOYING
        ok(store.delete_deployment(PROJECT, id))
        clock.advance(DELAY - MS)
        assert current(store, id).status is DeploymentStatus.UNDEPLOYING
        assert ok(store.deployment_logs(PROJECT, id=id)).data == ()
        clock.advance(MS)
        assert store.deployment(PROJECT, id) == ResourceNotFound(id=id)

    def test_one_late_read_applies_every_step_in_order(self) -> None:
        """Created, deleted while Queued, read a day later: Undeploying then gone, with nothing left scheduled."""
        store, clock = self._ready()
        id = deploy(store).id
        ok(store.delete_deployment(PROJECT, id))
        clock.advance(timedelta(days=1))
        assert store.deployment(PROJECT, id) == ResourceNotFound(id=id)

    def test_manual_events_still_apply_under_the_automatic_service(self) -> None:
        """A delivered event moves the Deployment at once, and the service's next step is planned from it."""
        store, clock = self._ready()
        id = deploy(store).id
        walk(store, id, DeploymentStarted())
        clock.advance(DELAY)
        assert current(store, id).status is DeploymentStatus.DEPLOYED

    def test_changing_the_simulation_reschedules_from_now(self) -> None:
        """A shorter delay set midway answers from the moment it is set; Manual stops; Automatic again resumes."""
        store, clock = make_store()
        connector(store)
        store.simulation = Automatic(deployment_delay=timedelta(seconds=100), declarations=DECLARATIONS)
        id = deploy(store).id
        clock.advance(5)
        store.simulation = Automatic(deployment_delay=timedelta(seconds=1), declarations=DECLARATIONS)
        clock.advance(timedelta(seconds=1) - MS)
        assert current(store, id).status is DeploymentStatus.QUEUED
        clock.advance(MS)
        assert current(store, id).status is DeploymentStatus.DEPLOYING
        store.simulation = Manual()
        clock.advance(timedelta(days=3))
        assert current(store, id).status is DeploymentStatus.DEPLOYING
        store.simulation = automatic()
        clock.advance(DELAY)
        assert current(store, id).status is DeploymentStatus.DEPLOYED

    def test_the_service_brings_the_declarations_with_a_preview_and_a_publish(self) -> None:
        """PreviewGranted and PublishingSucceeded, answered by the service, carry its Declarations' configurations:
        the ConnectorStaged, its Connector and a Deployment of it have those applications."""
        store, clock = make_store(simulation=automatic(publishing_delay=timedelta(seconds=3)))
        id = ok(store.create(staged_draft("auto"), owner=OWNER)).resource.id
        act(store, id, Publish(certification=False))
        clock.advance(3)
        assert ok(store.connector(id)).resource.configurations == APPS
        act(store, id, AddPrivateProject(private_project=OWNER), UpdatePreviewable())
        clock.advance(2)  # the default preview delay
        staged = ok(store.get(id)).resource
        assert staged.is_previewable.value == "true" and staged.configurations == APPS
        for reference in (ConnectorReference(id=id), ConnectorReference(id=id, staged=True)):
            assert [a.application_name for a in deploy(store, reference=reference).applications] == list(NAMES)

    def test_the_default_declarations_are_one_service_without_keys(self) -> None:
        """Without declarations given, a published connector has one service application, and deploys as is."""
        assert [a.application_name for a in DEFAULT_DECLARATIONS.configurations] == ["service"]
        store, clock = make_store(simulation=Automatic(deployment_delay=DELAY))
        id = ok(store.create(staged_draft("plain"), owner=OWNER)).resource.id
        act(store, id, Publish(certification=False))
        clock.advance(2)
        deployment = deploy(store, reference=ConnectorReference(id=id), configurations=())
        assert [(a.application_name, a.url is not None) for a in deployment.applications] == [("service", True)]
        clock.advance(2 * DELAY)
        assert current(store, deployment.id).status is DeploymentStatus.DEPLOYED


# --- Global configuration --------------------------------------------------------------------------

GLOBAL: Final = ConnectorGlobalConfiguration(
    standard_configuration=(
        StandardConfigurationKey(key="G_STD", description="d", required=True),
        StandardConfigurationKey(key="G_OPT", description="d"),
    ),
    secured_configuration=(SecuredConfigurationKey(key="G_SECRET", description="d", required=True),),
)


def global_values(standard: dict[str, str], secured: dict[str, str]) -> DeploymentGlobalConfiguration:
    return DeploymentGlobalConfiguration(
        standard_configuration=tuple(ConfigurationValue(key=k, value=v) for k, v in standard.items()),
        secured_configuration=tuple(ConfigurationValue(key=k, value=v) for k, v in secured.items()),
    )


class TestGlobalConfiguration:
    """A connector's globalConfiguration, brought by the service's events as its applications are."""

    def _store(self) -> Store:
        store, _ = make_store()
        id = ok(store.create(staged_draft("conn"), owner=OWNER)).resource.id
        act(store, id, Publish(certification=False))
        ok(store.deliver(id, PublishingSucceeded(configurations=APPS, global_configuration=GLOBAL)))
        assert ok(store.connector(id)).resource.global_configuration == GLOBAL
        return store

    @pytest.mark.parametrize(
        ("given", "error"),
        [
            (None, DeploymentMissingGlobalConfigurationKey(False, "G_STD")),
            (global_values({"G_STD": "v"}, {}), DeploymentMissingGlobalConfigurationKey(True, "G_SECRET")),
            (global_values({"G_STD": ""}, {"G_SECRET": SECRET}), DeploymentEmptyRequiredGlobalConfigurationKey(False, "G_STD")),  # noqa: E501
            (global_values({"G_STD": "v"}, {"G_SECRET": ""}), DeploymentEmptyRequiredGlobalConfigurationKey(True, "G_SECRET")),  # noqa: E501
            (global_values({"G_STD": "v", "NOPE": "x"}, {"G_SECRET": SECRET}), DeploymentUnknownGlobalConfigurationKey(False, "NOPE")),  # noqa: E501
        ],
    )  # fmt: skip
    def test_the_global_checks_of_create(self, given: DeploymentGlobalConfiguration | None, error: DomainError) -> None:
        """Required global keys must be given and not empty, and every key declared; nothing is created otherwise."""
        store = self._store()
        assert store.create_deployment(PROJECT, draft(global_configuration=given)) == error
        assert page_ids(store) == []

    def test_accepted_global_values_are_kept_with_the_secrets_masked(self) -> None:
        """Every required global value given: created, the secured one shown as "****" in every answer."""
        store = self._store()
        given = global_values({"G_STD": "v", "G_OPT": "o"}, {"G_SECRET": SECRET})
        deployment = deploy(store, global_configuration=given)
        assert deployment.global_configuration == global_values({"G_STD": "v", "G_OPT": "o"}, {"G_SECRET": MASK})
        assert deployment.connector.global_configuration == GLOBAL
        assert SECRET not in answers(store)

    def test_the_automatic_service_brings_the_declared_globals(self) -> None:
        """Declarations with a globalConfiguration: the published connector has it, and a create checks it."""
        declarations = Declarations(configurations=APPS, global_configuration=GLOBAL)
        store, clock = make_store(simulation=Automatic(declarations=declarations))
        id = ok(store.create(staged_draft("auto"), owner=OWNER)).resource.id
        act(store, id, Publish(certification=False))
        clock.advance(2)
        assert ok(store.connector(id)).resource.global_configuration == GLOBAL
        refused = store.create_deployment(PROJECT, draft(ConnectorReference(id=id)))
        assert refused == DeploymentMissingGlobalConfigurationKey(False, "G_STD")


# --- Production deployments ----------------------------------------------------------------------


class TestProductionDisabled:
    def test_a_disabled_project_refuses_production_only(self) -> None:
        """production into a disabled project: DeploymentProductionDeactivated; sandbox there, and production
        elsewhere, are fine."""
        store, _ = make_store(production_disabled=[PROJECT])
        assert store.production_disabled == frozenset({PROJECT})
        connector(store, projects=(OWNER, f"{REGION.value}:{OTHER}"))
        before = answers(store)
        result = store.create_deployment(PROJECT, draft(type=DeploymentType.PRODUCTION))
        assert result == DeploymentProductionDeactivated()
        assert answers(store) == before
        assert deploy(store, type=DeploymentType.SANDBOX).type is DeploymentType.SANDBOX
        assert deploy(store, OTHER, type=DeploymentType.PRODUCTION).type is DeploymentType.PRODUCTION

    def test_by_default_every_project_may_deploy_to_production(self) -> None:
        """A store told nothing disables no project."""
        store, _ = make_store()
        connector(store)
        assert store.production_disabled == frozenset()
        assert deploy(store, type=DeploymentType.PRODUCTION).type is DeploymentType.PRODUCTION

    def test_its_place_in_the_order(self) -> None:
        """After the type (a preview asked as production is DeploymentInvalidType), before the values."""
        store, _ = make_store(production_disabled=[PROJECT])
        id = connector(store)
        staged_production = draft(ConnectorReference(id=id, staged=True), type=DeploymentType.PRODUCTION)
        assert isinstance(store.create_deployment(PROJECT, staged_production), DeploymentInvalidType)
        bad_values = draft(type=DeploymentType.PRODUCTION, configurations=(values("nope-app"),))
        assert store.create_deployment(PROJECT, bad_values) == DeploymentProductionDeactivated()


# --- A refused request changes nothing, in any sequence -----------------------------------------

_references = st.sampled_from(
    [
        ConnectorReference(id="id-1"),
        ConnectorReference(key="conn"),
        ConnectorReference(id="id-1", staged=True),
        ConnectorReference(key="conn", version=3),
        ConnectorReference(key="conn", version=1),
        ConnectorReference(id="nope"),
        ConnectorReference(key="nope", version=0),
    ]
)
_CONFIGURATIONS: Final = [
    FULL,
    (),
    (values("service-app", {"OPT_KEY": "x"}),),
    (values("nope-app"),),
    (values("service-app", {"NOPE": "x"}),),
    (values("service-app", secured={"STD_KEY": SECRET}),),
]
#: Drafts the store accepts (of the connector "id-1", with every value), and drafts of any kind.
_good_drafts = st.builds(
    draft,
    st.sampled_from([ConnectorReference(id="id-1"), ConnectorReference(key="conn", staged=True)]),
    key=st.sampled_from([None, "dep-a", "dep-b"]),
)
_any_drafts = st.builds(
    draft,
    _references,
    key=st.sampled_from([None, "dep-a", "dep-b"]),
    type=st.sampled_from([None, *DeploymentType]),
    configurations=st.sampled_from(_CONFIGURATIONS),
    region=st.sampled_from([REGION, Region.US_EAST_2_AWS]),
    global_configuration=st.sampled_from(
        [None, DeploymentGlobalConfiguration(secured_configuration=(ConfigurationValue(key="G", value=SECRET),))]
    ),
)
_drafts = st.one_of(_good_drafts, _good_drafts, _any_drafts)
_redeploys = st.builds(
    Redeploy,
    configuration_values=st.sampled_from([None, *_CONFIGURATIONS]),
    update_connector=st.sampled_from([None, True, False]),
)
#: Any event, or None: the event of success of what the service owes the Deployment in its status.
_events = st.sampled_from(
    [None, None, None, DeploymentStarted(), DeploymentSucceeded(), DeploymentFailed(report=REPORT),
     UndeploySucceeded(), UndeployFailed(report=REPORT)]
)  # fmt: skip
#: One request: what it is, a Deployment among those made so far (3: one never made), whether it is asked of
#: another project than its own, a project for a create or a key, a draft, a redeploy, an event, a version
#: (None: the current one for a redeploy, none for a delete).
_requests = st.tuples(
    st.sampled_from(["create", "create", "create", "get", "redeploy", "redeploy-by-key", "delete", "delete-by-key",
                     "deliver", "deliver", "logs", "advance", "delete-connector", "query"]),
    st.integers(0, 3),
    st.sampled_from([False, False, False, True]),
    st.sampled_from([PROJECT, PROJECT, OTHER]),
    _drafts,
    _redeploys,
    _events,
    st.sampled_from([None, None, None, 0, 1, 2, 3]),
)  # fmt: skip


def _send(store: Store, request: tuple[Any, ...], made: list[tuple[str, str]], clock: SimulatedClock) -> Any:
    what, index, elsewhere, project, new, action, event, version = request
    key = "dep-a" if index % 2 == 0 else "dep-b"
    if what == "create":
        result = store.create_deployment(project, new)
        if isinstance(result, Stored):
            made.append((project, result.resource.id))
        return result
    id = "never-made"
    if made and index < 3:
        project, id = made[index % len(made)]
    if elsewhere:
        project = OTHER if project == PROJECT else PROJECT
    if what == "get":
        return store.deployment(project, id)
    if what in ("redeploy", "redeploy-by-key"):
        if version is None:
            found = store.deployment(project, id) if what == "redeploy" else store.deployment_by_key(project, key)
            version = found.resource.version if isinstance(found, Stored) else 1
        update = DeploymentUpdate(version=version, actions=(action,))
        if what == "redeploy":
            return store.update_deployment(project, id, update)
        return store.update_deployment_by_key(project, key, update)
    if what == "delete":
        return store.delete_deployment(project, id, version=version)
    if what == "delete-by-key":
        return store.delete_deployment_by_key(project, key, version=version)
    if what == "deliver":
        found = store.deployment(project, id)
        if event is None and isinstance(found, Stored):
            event = answer_deployment(automatic(), found.resource, START)
        return store.deliver_deployment(project, id, event or DeploymentStarted())
    if what == "logs":
        return store.deployment_logs(project, id=id)
    if what == "query":
        return store.query_deployments(project, deployment_type=new.type, sort=["version desc"])
    if what == "delete-connector":
        return store.delete("id-1", version=version)
    clock.advance(DELAY)
    return None


@given(
    requests=st.lists(_requests, min_size=6, max_size=16),
    simulation=st.sampled_from([Manual(), automatic()]),
)
def test_a_refused_request_changes_no_answer(requests: list[tuple[Any, ...]], simulation: Simulation) -> None:
    """In any sequence of Deployment requests, valid and not, under either service: each refusal leaves every
    answer of the store as it was, and no request raises."""
    store, clock = make_store(production_disabled=[OTHER])
    connector(store, projects=(OWNER, f"{REGION.value}:{OTHER}", f"{Region.US_EAST_2_AWS.value}:{PROJECT}"))
    made: list[tuple[str, str]] = [(PROJECT, deploy(store, key="dep-a").id)]
    store.simulation = simulation
    for request in requests:
        before = answers(store, ("dep-a", "dep-b"))
        result = _send(store, request, made, clock)
        event(f"{request[0]}: {'refused' if isinstance(result, DomainError) else 'done'}")
        if isinstance(result, DomainError):
            assert answers(store, ("dep-a", "dep-b")) == before, (request, result)
        assert SECRET not in repr(result)
    assert SECRET not in answers(store)


def test_the_creator_deploys_its_own_private_connector_to_another_region() -> None:
    """The same project key is the same project in every region: its own connector stays its own."""
    store, _ = make_store()
    connector(store, projects=())  # private, listing nobody: only its creator may deploy it
    elsewhere = deploy(store, region=Region.US_CENTRAL1_GCP)
    assert elsewhere.deployed_region is Region.US_CENTRAL1_GCP
    refused = store.create_deployment(OTHER, draft(region=Region.US_CENTRAL1_GCP))
    assert isinstance(refused, ConnectorReferenceNotFound)
