"""The store's tenancy: its ``owner=`` and ``project=`` arguments, and Deployments per project (mock-service.md).

A ConnectorStaged belongs to the ProjectIdentifier that created it; given an
``owner``, the drafts' reads and writes see only that project's own and those
created with no owner (another's is ``ResourceNotFound``, as if it did not
exist); given a ``project``, the production reads show only what
``access.visible`` lets it see, and the search what ``access.shown_in_search``
does; without either, every resource is seen. Deployments live under a
project key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import pytest

from connector_domain import (
    AddPrivateProject,
    ConnectorStagedDraft,
    ConnectorUpdate,
    Creator,
    DomainError,
    IntegrationType,
    Publish,
    PublishingSucceeded,
    RemovePrivateProject,
    Repository,
    ResourceNotFound,
    SetName,
    Unlist,
    UpdatePreviewable,
)
from connector_domain.deployment.actions import DeploymentUpdate, Redeploy
from connector_domain.deployment.events import DeploymentStarted, DeploymentSucceeded
from connector_domain.deployment.model import ConnectorReference, DeploymentDraft
from connector_domain.errors import ConnectorReferenceNotFound, DuplicateField
from connector_domain.events import CertificationPassed, CertificationStarted, PreviewGranted
from connector_domain.mock.simulation import DEFAULT_DECLARATIONS
from connector_domain.mock.store import SimulatedClock, Store, Stored
from connector_domain.model import ConnectorStaged, Region
from tests.tenants import READERS, SEARCHERS, A, B, C

T = TypeVar("T")
START: Final = datetime(2026, 1, 1, tzinfo=UTC)
REGION: Final = Region.EUROPE_WEST1_GCP


def ident(project: str) -> str:
    return f"{REGION.value}:{project}"


def make_store() -> Store:
    counter = iter(range(1, 1_000_000))
    return Store(ids=lambda: f"id-{next(counter)}", clock=SimulatedClock(START))


def ok(result: T | DomainError) -> T:
    assert not isinstance(result, DomainError), result
    return result


def draft(key: str | None = None, *, listed: tuple[str, ...] = (), types: tuple[IntegrationType, ...] | None = None):
    return ConnectorStagedDraft(
        key=key,
        name="A connector",
        creator=Creator(email="jane.doe@example.com"),
        repository=Repository(url="git@github.com:example/connector.git", tag="v1.0.0"),
        private_projects=listed or None,
        integration_types=types,
    )


def act(store: Store, id: str, *actions: Any) -> Stored[ConnectorStaged]:
    """Apply *actions* as the store's own caller (no owner: every resource is seen)."""
    version = ok(store.get(id)).resource.version
    result: Stored[ConnectorStaged] = ok(store.update(id, ConnectorUpdate(version=version, actions=actions), by=A))
    return result


def connector(store: Store, case: str, *, key: str | None = None) -> str:
    """A connector of A in the state *case* (as tests/test_server_identity.py's ``connector_in``); its id."""
    listed = (ident(B),) if case == "listed" else ()
    id = ok(store.create(draft(key or f"case-{case}", listed=listed), owner=ident(A))).resource.id
    if case == "draft":
        return id
    certified = case in ("public", "unlisted")
    act(store, id, Publish(certification=certified))
    ok(store.deliver(id, PublishingSucceeded(configurations=DEFAULT_DECLARATIONS.configurations)))
    if certified:
        ok(store.deliver(id, CertificationStarted()))
        ok(store.deliver(id, CertificationPassed()))
    if case == "unlisted":
        act(store, id, Unlist())
    return id


def deployment_draft(connector_key: str, *, key: str | None = None, staged: bool = False) -> DeploymentDraft:
    return DeploymentDraft(
        key=key,
        connector=ConnectorReference(key=connector_key, staged=staged or None),
        configurations=(),
        region=REGION,
    )


class TestDraftsByOwner:
    def test_reads_see_only_the_owners_own(self) -> None:
        """get and get_by_key with another owner: the ResourceNotFound of a resource that is not there."""
        store = make_store()
        id = ok(store.create(draft("mine"), owner=ident(A))).resource.id
        assert ok(store.get(id, owner=ident(A))).resource.id == id
        assert ok(store.get_by_key("mine", owner=ident(A))).resource.id == id
        assert store.get(id, owner=ident(B)) == ResourceNotFound(id=id) == store.get(id, owner=ident(B))
        assert store.get_by_key("mine", owner=ident(B)) == ResourceNotFound(key="mine")
        assert ok(store.get(id)).resource.id == id, "no owner: every resource is seen"

    @pytest.mark.parametrize("by_key", [False, True])
    def test_writes_of_another_owner_change_nothing(self, by_key: bool) -> None:
        """update and delete with another owner are ResourceNotFound, and the resource stays as it was."""
        store = make_store()
        saved = ok(store.create(draft("mine"), owner=ident(A)))
        update = ConnectorUpdate(version=1, actions=(SetName(name="taken over"),))
        if by_key:
            refused = [store.update_by_key("mine", update, by=B, owner=ident(B)),
                       store.delete_by_key("mine", version=1, owner=ident(B))]  # fmt: skip
            expected = ResourceNotFound(key="mine")
        else:
            refused = [store.update(saved.resource.id, update, by=B, owner=ident(B)),
                       store.delete(saved.resource.id, version=1, owner=ident(B))]  # fmt: skip
            expected = ResourceNotFound(id=saved.resource.id)
        assert refused == [expected, expected]
        assert ok(store.get(saved.resource.id)).record == saved.record
        assert ok(store.update_by_key("mine", update, by=A, owner=ident(A))).resource.version == 2
        assert ok(store.delete(saved.resource.id, owner=ident(A))).resource.name == "taken over"

    def test_a_query_with_an_owner_holds_its_drafts_and_its_filters_stay_within_them(self) -> None:
        store = make_store()
        a = {ok(store.create(draft(), owner=ident(A))).resource.id for _ in range(3)}
        tax = ok(store.create(draft(types=(IntegrationType.TAX,)), owner=ident(A))).resource.id
        b = ok(store.create(draft(types=(IntegrationType.TAX,)), owner=ident(B))).resource.id
        page = ok(store.query(owner=ident(A), limit=500))
        assert {s.resource.id for s in page.results} == a | {tax} and page.total == 4
        assert [s.resource.id for s in ok(store.query(owner=ident(A), integration_types=["tax"])).results] == [tax]
        assert ok(store.query(owner=ident(A), is_private=False)).total == 0
        assert [s.resource.id for s in ok(store.query(owner=ident(B))).results] == [b]
        assert ok(store.query(owner=ident(C))).total == 0
        assert ok(store.query(limit=500)).total == 5, "no owner: every resource"
        paged = ok(store.query(owner=ident(A), limit=2, offset=3))
        assert (paged.total, len(paged.results)) == (4, 1)

    def test_a_draft_without_owner_is_every_callers(self) -> None:
        """Created with no owner (a test's set-up in Python), a draft is seen and changed by every project."""
        store = make_store()
        id = ok(store.create(draft("unowned"))).resource.id
        mine = ok(store.create(draft("mine"), owner=ident(A))).resource.id
        assert ok(store.get(id, owner=ident(B))).resource.id == id
        assert ok(store.get_by_key("unowned", owner=ident(C))).resource.id == id
        assert {s.resource.id for s in ok(store.query(owner=ident(B))).results} == {id}
        assert {s.resource.id for s in ok(store.query(owner=ident(A))).results} == {id, mine}
        update = ConnectorUpdate(version=1, actions=(SetName(name="anyone's"),))
        assert ok(store.update(id, update, by=B, owner=ident(B))).resource.name == "anyone's"
        assert ok(store.delete_by_key("unowned", owner=ident(C))).resource.id == id
        assert ok(store.query(owner=ident(B))).total == 0

    def test_a_deleted_draft_leaves_its_owner_nothing(self) -> None:
        """Deleting frees the key and the owner's entry: another project may take the key, and owns the new draft."""
        store = make_store()
        id = ok(store.create(draft("reused"), owner=ident(A))).resource.id
        assert store.create(draft("reused"), owner=ident(B)) == DuplicateField("key", "reused")
        ok(store.delete(id, owner=ident(A)))
        assert ok(store.query(owner=ident(A))).total == 0
        again = ok(store.create(draft("reused"), owner=ident(B))).resource.id
        assert store.get_by_key("reused", owner=ident(A)) == ResourceNotFound(key="reused")
        assert ok(store.get_by_key("reused", owner=ident(B))).resource.id == again


class TestProductionByProject:
    @pytest.mark.parametrize("case", list(READERS))
    def test_reads_and_search_show_the_connector_to_whom_the_rule_says(self, case: str) -> None:
        """connector and connector_by_key show it to READERS, search to SEARCHERS; no project: every one."""
        store = make_store()
        id = connector(store, case)
        for project in (A, B, C):
            reads = project in READERS[case]
            by_id = store.connector(id, project=ident(project))
            by_key = store.connector_by_key(f"case-{case}", project=ident(project))
            assert (not isinstance(by_id, DomainError), not isinstance(by_key, DomainError)) == (reads, reads)
            if not reads:
                assert by_id == ResourceNotFound(id=id) and by_key == ResourceNotFound(key=f"case-{case}")
            found = [s.resource.id for s in ok(store.search(project=ident(project))).results]
            assert found == ([id] if project in SEARCHERS[case] else [])
        assert isinstance(store.connector(id), Stored) == (case != "draft")

    def test_privateprojects_moves_what_a_project_is_shown(self) -> None:
        """addPrivateProject shows it to C at once; removePrivateProject hides it from B; the search follows."""
        store = make_store()
        id = connector(store, "listed")
        act(store, id, AddPrivateProject(private_project=ident(C)), RemovePrivateProject(private_project=ident(B)))
        assert isinstance(store.connector(id, project=ident(C)), Stored)
        assert store.connector(id, project=ident(B)) == ResourceNotFound(id=id)
        assert [s.resource.id for s in ok(store.search(project=ident(C))).results] == [id]
        assert ok(store.search(project=ident(B))).total == 0

    def test_a_project_of_another_region_is_another_project(self) -> None:
        """privateProjects names ProjectIdentifiers: B in another region is not the B listed."""
        store = make_store()
        id = connector(store, "listed")
        assert store.connector(id, project=f"us-central1.gcp:{B}") == ResourceNotFound(id=id)
        assert ok(store.search(project=f"us-central1.gcp:{B}")).total == 0


class TestDeploymentsByProject:
    def _deployed(
        self, store: Store, project: str, connector_key: str, key: str | None = None, *, staged: bool = False
    ) -> str:
        """A Deployment of *project*, built (Deployed)."""
        draft = deployment_draft(connector_key, key=key, staged=staged)
        id = ok(store.create_deployment(project, draft)).resource.id
        ok(store.deliver_deployment(project, id, DeploymentStarted()))
        ok(store.deliver_deployment(project, id, DeploymentSucceeded()))
        return id

    def test_another_projects_deployment_is_not_there(self) -> None:
        """Every Deployment operation of B on A's Deployment is ResourceNotFound, and A's stays as it was."""
        store = make_store()
        connector(store, "public", key="shared")
        id = self._deployed(store, A, "shared", key="dep")
        saved = ok(store.deployment(A, id))
        update = DeploymentUpdate(version=saved.resource.version, actions=(Redeploy(),))
        assert store.deployment(B, id) == ResourceNotFound(id=id)
        assert store.deployment_by_key(B, "dep") == ResourceNotFound(key="dep")
        assert store.update_deployment(B, id, update) == ResourceNotFound(id=id)
        assert store.update_deployment_by_key(B, "dep", update) == ResourceNotFound(key="dep")
        assert store.delete_deployment(B, id) == ResourceNotFound(id=id)
        assert store.delete_deployment_by_key(B, "dep") == ResourceNotFound(key="dep")
        assert store.deployment_logs(B, id=id) == ResourceNotFound(id=id)
        assert store.deliver_deployment(B, id, DeploymentStarted()) == ResourceNotFound(id=id)
        assert ok(store.query_deployments(B)).total == 0
        assert ok(store.deployment(A, id)).record == saved.record
        assert [s.resource.id for s in ok(store.query_deployments(A)).results] == [id]

    def test_deployment_keys_are_per_project(self) -> None:
        store = make_store()
        connector(store, "public", key="shared")
        a, b = self._deployed(store, A, "shared", key="dep"), self._deployed(store, B, "shared", key="dep")
        assert a != b
        assert ok(store.deployment_by_key(A, "dep")).resource.id == a
        assert ok(store.deployment_by_key(B, "dep")).resource.id == b
        assert store.create_deployment(A, deployment_draft("shared", key="dep")) == DuplicateField("key", "dep")

    @pytest.mark.parametrize(("case", "staged"), [("private", False), ("draft", False), ("private", True),
                                                  ("public", True)])  # fmt: skip
    def test_a_hidden_connector_is_answered_as_an_unknown_key(self, case: str, staged: bool) -> None:
        """B's Deployment of A's hidden connector: the answer to a key no connector has, naming no version of it."""
        store = make_store()
        id = connector(store, case)
        for _ in range(3):
            act(store, id, SetName(name=f"{ok(store.get(id)).resource.version}"))
        hidden = store.create_deployment(B, deployment_draft(f"case-{case}", staged=staged))
        unknown = store.create_deployment(B, deployment_draft("no-such-key", staged=staged))
        assert hidden == ConnectorReferenceNotFound(f"case-{case}", 1)
        assert unknown == ConnectorReferenceNotFound("no-such-key", 1)
        assert ok(store.query_deployments(B)).total == 0

    @pytest.mark.parametrize("preview", [False, True])
    def test_update_connector_fetches_nothing_the_project_may_no_longer_see(self, preview: bool) -> None:
        """B's redeploy with updateConnector after A withdrew B is ConnectorReferenceNotFound, and changes nothing."""
        store = make_store()
        id = connector(store, "listed")
        if preview:
            act(store, id, UpdatePreviewable())
            ok(store.deliver(id, PreviewGranted(configurations=DEFAULT_DECLARATIONS.configurations)))
        deployment = ok(store.deployment(B, self._deployed(store, B, "case-listed", staged=preview))).resource
        act(store, id, RemovePrivateProject(private_project=ident(B)), SetName(name="hidden from B"))
        if not preview:
            act(store, id, Publish(certification=False))
            ok(store.deliver(id, PublishingSucceeded()))
            assert ok(store.connector(id)).resource.name == "hidden from B"
        saved = ok(store.deployment(B, deployment.id))
        update = DeploymentUpdate(version=deployment.version, actions=(Redeploy(update_connector=True),))
        refused = store.update_deployment(B, deployment.id, update)
        assert refused == ConnectorReferenceNotFound("case-listed", deployment.connector.version)
        assert ok(store.deployment(B, deployment.id)).record == saved.record
        # A, the owner, still reaches the new version of its connector.
        act(store, id, AddPrivateProject(private_project=ident(A)))
        if preview:
            act(store, id, UpdatePreviewable())
            ok(store.deliver(id, PreviewGranted()))
        else:
            act(store, id, Publish(certification=False))
            ok(store.deliver(id, PublishingSucceeded()))
        own = ok(store.deployment(A, self._deployed(store, A, "case-listed", staged=preview))).resource
        act(store, id, SetName(name="newer"))
        if not preview:
            act(store, id, Publish(certification=False))
            ok(store.deliver(id, PublishingSucceeded()))
        updated = ok(store.update_deployment(A, own.id, DeploymentUpdate(version=own.version, actions=(
            Redeploy(update_connector=True),))))  # fmt: skip
        assert updated.resource.connector.name == "newer"
