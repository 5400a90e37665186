"""An in-memory store of ConnectorStaged resources and Deployments: the state behind a mock of the Connect API.

``Store`` keeps resources as the API exposes them, their production
Connectors, and each project's Deployments: create from a draft, get by id
or key, query with paging, sorting and filters, update by id or key, delete,
the logs of a Deployment, and the delivery of service events. Every rule is the domain's (the reducer, ``lifecycle``,
``access``, the codec); the store adds what a pure library leaves to its
caller: ids, unique keys, time (``createdAt`` and ``lastModifiedAt``, which
every resource of the API carries), storage, concurrency, and the schedule of
the simulated Connect service.

- **Thread-safe**: one lock around every operation, so an update (read,
  reduce, write) is atomic under concurrent writers.
- **Errors are values**: a refused operation returns the ``DomainError`` the
  API answers with (``ResourceNotFound``, ``DuplicateField``,
  ``ConcurrentModification``, ``InvalidQueryParam`` for out-of-range query
  parameters, and every error of the reducer).
- **The record form**: each resource is saved as ``codec.to_record`` writes
  it (the wire form plus the two fields the wire cannot carry), once per
  change, so that a pending ``publish(certification: true)`` keeps its flag
  and reads serve JSON without encoding it again.
- **Flat cost**: get and update are dictionary lookups; queries read the
  indexes of ``query.Index``, searches those of ``query.ConnectorIndex``.
- **Time is injected**: the store reads an injectable clock; its own time
  never goes backwards (a clock that does is read as standing still), so the
  creation order is the ``createdAt`` order and the modification order the
  ``lastModifiedAt`` order.
- **Tenancy**: a ConnectorStaged belongs to the project that created it
  (its *owner*, kept beside it, never on the wire). Given an ``owner``, the
  drafts' reads and writes see only that project's own, and another's is
  ``ResourceNotFound`` as if it did not exist; given a ``project``, the
  production reads show only what ``access.shown_in_search`` lets that
  project see. Without them (a caller that is no project) every resource
  is seen.
- **Deployments** live under a project key (the ``{projectKey}`` of their
  path): keys are unique per project, and a project sees only its own. The
  store resolves a draft's ``connector`` reference (by id or key, the
  ConnectorStaged or its production Connector) and asks
  ``create_deployment`` for everything else. Deleting a ConnectorStaged
  leaves its Deployments as they are (docs/decisions.md).
- **Simulation**: ``Manual`` (service events only when delivered) or
  ``Automatic`` (see ``simulation``). Automatic events are due at a time of
  the clock and applied, at that time, by the first operation that reads the
  clock at or after it: a test advances a ``SimulatedClock`` and never sleeps.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Final

import attrs

from .. import lifecycle
from ..access import listed, published_connector, visible
from ..actions import ConnectorUpdate
from ..deployment.actions import Delete, DeploymentUpdate
from ..deployment.build import started_logs
from ..deployment.events import DeploymentServiceEvent
from ..deployment.lifecycle import Gone
from ..deployment.logs import PAGE_SIZE, query_logs
from ..deployment.model import (
    ConnectorReference,
    Deployment,
    DeploymentDraft,
    DeploymentLog,
    DeploymentLogCursorPagedQueryResponse,
    DeploymentStatus,
    DeploymentType,
)
from ..deployment.reducer import apply_deployment, apply_deployment_update, create_deployment, unknown_reference
from ..errors import (
    ConnectorReferenceNotFound,
    DomainError,
    DuplicateField,
    InvalidQueryParam,
    ResourceNotFound,
)
from ..events import ServiceEvent
from ..model import Connector, ConnectorStaged, ConnectorStagedDraft, IntegrationType, Region, utc_millisecond
from ..reducer import apply, apply_update, check_version, create
from . import simulation as service
from .clock import SimulatedClock, system_time
from .query import (
    DEPLOYMENT_SORTABLE_FIELDS,
    LIMIT_DEFAULT,
    LIMIT_MAX,
    OFFSET_MAX,
    SORTABLE_FIELDS,
    ConnectorIndex,
    DeploymentIndex,
    Index,
    Page,
    Stored,
)
from .simulation import DEPLOYMENT, Automatic, Declarations, Manual, Schedule, Simulation

__all__ = [
    "DEPLOYMENT_SORTABLE_FIELDS",
    "LIMIT_DEFAULT",
    "LIMIT_MAX",
    "OFFSET_MAX",
    "SORTABLE_FIELDS",
    "Automatic",
    "Declarations",
    "Manual",
    "Page",
    "SimulatedClock",
    "Simulation",
    "Store",
    "Stored",
]


class Store:
    """A thread-safe, in-memory store of ConnectorStaged resources and their production Connectors.

    *ids* gives the id of each new resource (default: random UUIDs); *clock*
    the time (default: the system's, in UTC); *simulation* the policy of the
    simulated Connect service (default ``Manual()``), which can be changed
    later through ``simulation``. *production_disabled* names the project
    keys whose ``production`` Deployments are refused
    (``DeploymentProductionDeactivated``).
    """

    def __init__(
        self,
        *,
        ids: Callable[[], str] | None = None,
        clock: Callable[[], datetime] | None = None,
        simulation: Simulation | None = None,
        production_disabled: Iterable[str] = (),
    ) -> None:
        self._ids = ids or (lambda: str(uuid.uuid4()))
        self.production_disabled: Final = frozenset(production_disabled)
        self.clock: Final = clock or system_time
        self._simulation: Simulation = simulation or Manual()
        self._lock = threading.RLock()
        self._now = datetime.min.replace(tzinfo=UTC)
        self._sequence = itertools.count(1)
        self._clear()

    def _clear(self) -> None:
        self._staged = Index()
        self._by_key: dict[str, str] = {}
        self._owners: dict[str, str] = {}  # id -> the ProjectIdentifier that created it
        # ProjectIdentifier -> the ids it created; None -> those created with no owner, every caller's
        self._owned: dict[str | None, set[str]] = {}
        self._connectors = ConnectorIndex()
        self._schedule = Schedule()
        self._deployments: dict[str, DeploymentIndex] = {}  # project key -> its Deployments
        self._deployment_keys: dict[tuple[str, str], str] = {}  # (project key, key) -> id
        self._deployment_projects: dict[str, str] = {}  # id -> project key
        self._logs: dict[str, list[DeploymentLog]] = {}  # id -> its log entries, oldest first

    # --- time and simulation ---------------------------------------------------------------

    @property
    def simulation(self) -> Simulation:
        """The simulation policy; setting it reschedules what the service has to do, from now."""
        return self._simulation

    @simulation.setter
    def simulation(self, policy: Simulation) -> None:
        with self._lock:
            now = self._tick()
            self._simulation = policy
            self._schedule.clear()
            for saved in self._staged.resources.values():
                self._plan(None, saved.resource, now)
            for index in self._deployments.values():
                for stored in index.resources.values():
                    due = service.due_deployment(policy, stored.resource, now)
                    self._schedule.plan(stored.resource.id, DEPLOYMENT, due)

    def now(self) -> datetime:
        """The store's time: the clock's, never earlier than a time the store already used.

        Reading it applies the automatic service events due by then.
        """
        with self._lock:
            return self._tick()

    def _tick(self) -> datetime:
        """Apply the service events due by now; then the store's time (never going backwards)."""
        now = utc_millisecond(self.clock())
        if now < self._now:
            now = self._now
        while (job := self._schedule.pop_due(now)) is not None:
            due, id, machine = job
            self._now = max(due, self._now)
            self._run(id, machine, self._now)
        self._now = now
        return now

    def _run(self, id: str, machine: int, at: datetime) -> None:
        """Deliver the event the simulated service answers with, now that the job of *id* on *machine* is due."""
        if machine == DEPLOYMENT:
            stored = self._find_deployment(self._deployment_projects.get(id), id)
            answer = None if stored is None else service.answer_deployment(self._simulation, stored.resource, at)
            if stored is not None and answer is not None:
                self._apply_deployment(stored, answer, at)
            return
        saved = self._staged.resources.get(id)
        if saved is None:
            return
        event = service.answer(self._simulation, saved.resource, machine, at)
        if event is None:
            return
        result = apply(saved.resource, event, at=at)
        if isinstance(result, ConnectorStaged) and result is not saved.resource:
            self._commit(saved, result, at)

    def _plan(self, old: ConnectorStaged | None, new: ConnectorStaged, at: datetime) -> None:
        """(Re)plan what the simulated service does next to *new*, on each machine a change from *old* moved."""
        for machine, due in self._dues(old, new, at):
            self._schedule.plan(new.id, machine, due)

    def _dues(
        self, old: ConnectorStaged | None, new: ConnectorStaged, at: datetime
    ) -> list[tuple[int, datetime | None]]:
        """When the service answers *new* on each machine a change from *old* moved: computed before a commit."""
        return [
            (machine, service.due(self._simulation, new, machine, at))
            for machine in service.MACHINES
            if old is None or lifecycle.awaited(old)[machine] != lifecycle.awaited(new)[machine]
        ]

    # --- writing ---------------------------------------------------------------------------

    def _commit(
        self, old: Stored[ConnectorStaged] | None, staged: ConnectorStaged, at: datetime
    ) -> Stored[ConnectorStaged]:
        """Save *staged* (new, or a change of *old*) at time *at*; keep every index in step.

        What can fail (encoding the record, the simulation's due times) is
        computed first, so that a failure leaves the store as it was.
        """
        before = None if old is None else old.resource
        dues = self._dues(before, staged, at)
        connector = published_connector(before, staged)
        if old is None:
            new = Stored.of(staged, created_at=at, at=at, sequence=next(self._sequence))
        else:
            new = Stored.of(staged, created_at=old.created_at, at=at, sequence=old.sequence)
        self._staged.put(old, new)
        if connector is not None:
            self._save_connector(connector, at)
        self._connectors.show(staged, self._owners.get(staged.id))  # privateProjects or alreadyListed may have moved
        for machine, due in dues:
            self._schedule.plan(staged.id, machine, due)
        return new

    def _save_connector(self, connector: Connector, at: datetime) -> None:
        """Save a new production version of a Connector; it keeps the ``createdAt`` of the first."""
        old = self._connectors.resources.get(connector.id)
        created_at = at if old is None else old.created_at
        sequence = next(self._sequence) if old is None else old.sequence
        self._connectors.put(Stored.of(connector, created_at=created_at, at=at, sequence=sequence))

    def create(self, draft: ConnectorStagedDraft, *, owner: str | None = None) -> Stored[ConnectorStaged] | DomainError:
        """``POST /connectors/drafts``: the new resource, or ``DuplicateField`` for a key already used.

        *owner* is the ProjectIdentifier of the creating project, which a
        search lets see its own unlisted and private connectors.
        """
        with self._lock:
            now = self._tick()
            if draft.key is not None and draft.key in self._by_key:
                return DuplicateField("key", draft.key)
            id = self._ids()
            if id in self._staged.resources or id in self._deployment_projects:
                raise ValueError(f"the id factory gave {id!r} twice")
            staged = create(draft, id=id)
            saved = self._commit(None, staged, now)  # first: a fault there must reserve no key
            if staged.key is not None:
                self._by_key[staged.key] = id
            if owner is not None:
                self._owners[id] = owner
            self._owned.setdefault(owner, set()).add(id)
            return saved

    def _visible_drafts(self, owner: str) -> set[str]:
        """The ids of the drafts *owner* sees: its own, and those created with no owner (read, not kept)."""
        own, unowned = self._owned.get(owner, set()), self._owned.get(None)
        return own | unowned if unowned else own

    def _own(self, stored: Stored[ConnectorStaged] | None, owner: str | None) -> Stored[ConnectorStaged] | None:
        """*stored* when *owner* (a ProjectIdentifier, or None for any caller) may see it as a draft.

        A draft created with no owner (``create(draft)`` in Python) is every caller's.
        """
        if stored is None or owner is None or self._owners.get(stored.resource.id, owner) == owner:
            return stored
        return None

    def update(
        self, id: str, update: ConnectorUpdate, *, by: str | None = None, owner: str | None = None
    ) -> Stored[ConnectorStaged] | DomainError:
        """``POST /connectors/drafts/{id}``: apply *update* atomically, at the store's time.

        *by* is the author that ``addCertificationComment`` records (the
        reducer raises ``ValueError`` for that action without one). A request
        that changes nothing returns the resource as it was, ``lastModifiedAt``
        included. With *owner*, another project's draft is ``ResourceNotFound``.
        """
        with self._lock:
            now = self._tick()
            stored = self._own(self._staged.resources.get(id), owner)
            return self._update(stored, ResourceNotFound(id=id), update, by, now)

    def update_by_key(
        self, key: str, update: ConnectorUpdate, *, by: str | None = None, owner: str | None = None
    ) -> Stored[ConnectorStaged] | DomainError:
        """``POST /connectors/drafts/key={key}``: as ``update``."""
        with self._lock:
            now = self._tick()
            return self._update(self._own(self._find_key(key), owner), ResourceNotFound(key=key), update, by, now)

    def _update(
        self,
        stored: Stored[ConnectorStaged] | None,
        missing: ResourceNotFound,
        update: ConnectorUpdate,
        by: str | None,
        now: datetime,
    ) -> Stored[ConnectorStaged] | DomainError:
        if stored is None:
            return missing
        result = apply_update(stored.resource, update, at=now, by=by)
        if isinstance(result, DomainError):
            return result
        if result is stored.resource:
            return stored
        return self._commit(stored, result, now)

    def deliver(self, id: str, event: ServiceEvent) -> Stored[ConnectorStaged] | DomainError:
        """Apply a service event to the resource *id*, as the Connect service would, at the store's time."""
        with self._lock:
            now = self._tick()
            stored = self._staged.resources.get(id)
            if stored is None:
                return ResourceNotFound(id=id)
            result = apply(stored.resource, event, at=now)
            if isinstance(result, DomainError):
                return result
            if result is stored.resource:
                return stored
            return self._commit(stored, result, now)

    def delete(
        self, id: str, *, version: int | None = None, owner: str | None = None
    ) -> Stored[ConnectorStaged] | DomainError:
        """``DELETE /connectors/drafts/{id}``: remove the resource and its production Connector.

        Returns the resource as it was. With *version*, a stale one is a
        ``ConcurrentModification`` and nothing is deleted; with *owner*,
        another project's draft is ``ResourceNotFound``.
        """
        with self._lock:
            self._tick()
            return self._delete(self._own(self._staged.resources.get(id), owner), ResourceNotFound(id=id), version)

    def delete_by_key(
        self, key: str, *, version: int | None = None, owner: str | None = None
    ) -> Stored[ConnectorStaged] | DomainError:
        """``DELETE /connectors/drafts/key={key}``: as ``delete``."""
        with self._lock:
            self._tick()
            return self._delete(self._own(self._find_key(key), owner), ResourceNotFound(key=key), version)

    def _delete(
        self, stored: Stored[ConnectorStaged] | None, missing: ResourceNotFound, version: int | None
    ) -> Stored[ConnectorStaged] | DomainError:
        if stored is None:
            return missing
        staged = stored.resource
        stale = None if version is None else check_version(staged, version)
        if stale is not None:
            return stale
        id = staged.id
        self._staged.remove(stored)
        if staged.key is not None:
            del self._by_key[staged.key]
        self._schedule.drop(id)
        owner = self._owners.pop(id, None)
        owned = self._owned[owner]
        owned.discard(id)
        if not owned:
            del self._owned[owner]
        self._connectors.remove(id)
        return stored

    def reset(self) -> None:
        """Forget every resource and Connector; the clock and the simulation policy stay."""
        with self._lock:
            self._clear()

    # --- reading ---------------------------------------------------------------------------

    def _find_key(self, key: str) -> Stored[ConnectorStaged] | None:
        id = self._by_key.get(key)
        return None if id is None else self._staged.resources[id]

    def get(self, id: str, *, owner: str | None = None) -> Stored[ConnectorStaged] | ResourceNotFound:
        """``GET /connectors/drafts/{id}``; with *owner*, another project's draft is not found."""
        with self._lock:
            self._tick()
            return self._own(self._staged.resources.get(id), owner) or ResourceNotFound(id=id)

    def get_by_key(self, key: str, *, owner: str | None = None) -> Stored[ConnectorStaged] | ResourceNotFound:
        """``GET /connectors/drafts/key={key}``; with *owner*, another project's draft is not found."""
        with self._lock:
            self._tick()
            return self._own(self._find_key(key), owner) or ResourceNotFound(key=key)

    def _shown(self, stored: Stored[Connector] | None, project: str | None) -> Stored[Connector] | None:
        """*stored* when *project* (a ProjectIdentifier, or None for any caller) may see it (``access.visible``)."""
        if stored is None or project is None:
            return stored
        id = stored.resource.id
        staged = self._staged.resources[id].resource
        return stored if visible(staged, project, owner=self._owners.get(id)) else None

    def connector(self, id: str, *, project: str | None = None) -> Stored[Connector] | ResourceNotFound:
        """``GET /connectors/{id}``: the production Connector, once the resource was published.

        With *project*, one that project may not see (``access.visible``:
        public, listed in ``privateProjects``, or its own) is not found; an
        unlisted connector is hidden from searches only.
        """
        with self._lock:
            self._tick()
            return self._shown(self._connectors.resources.get(id), project) or ResourceNotFound(id=id)

    def connector_by_key(self, key: str, *, project: str | None = None) -> Stored[Connector] | ResourceNotFound:
        """``GET /connectors/key={key}``: as ``connector``."""
        with self._lock:
            self._tick()
            return self._shown(self._connectors.by_key(key), project) or ResourceNotFound(key=key)

    def __len__(self) -> int:
        """The number of ConnectorStaged resources."""
        with self._lock:
            return len(self._staged)

    def query(
        self,
        *,
        limit: int = LIMIT_DEFAULT,
        offset: int = 0,
        sort: Sequence[str] = (),
        is_private: bool | None = None,
        integration_types: Iterable[IntegrationType | str] | None = None,
        owner: str | None = None,
    ) -> Page[ConnectorStaged] | InvalidQueryParam:
        """``GET /connectors/drafts``: one page of the resources that match, in order (``Index.query``).

        With *owner*, only that project's own drafts.
        """
        with self._lock:
            self._tick()
            return self._staged.query(
                limit=limit,
                offset=offset,
                sort=sort,
                is_private=is_private,
                integration_types=integration_types,
                within=None if owner is None else self._visible_drafts(owner),
            )

    def search(
        self,
        *,
        project: str,
        text: str | None = None,
        private: bool | None = None,
        creator_company: str | None = None,
        ids: Sequence[str] = (),
        keys: Sequence[str] = (),
        integration_types: Iterable[IntegrationType | str] | None = None,
        limit: int = LIMIT_DEFAULT,
        offset: int = 0,
        sort: Sequence[str] = (),
    ) -> Page[Connector] | InvalidQueryParam:
        """``GET /connectors/search`` as *project*: the production Connectors it may see (``ConnectorIndex.search``)."""
        with self._lock:
            self._tick()
            return self._connectors.search(
                project=project,
                text=text,
                private=private,
                creator_company=creator_company,
                ids=ids,
                keys=keys,
                integration_types=integration_types,
                limit=limit,
                offset=offset,
                sort=sort,
            )

    # --- Deployments -----------------------------------------------------------------------

    def _find_deployment(self, project: str | None, id: str) -> Stored[Deployment] | None:
        index = None if project is None else self._deployments.get(project)
        return None if index is None else index.resources.get(id)

    def _find_deployment_key(self, project: str, key: str) -> Stored[Deployment] | None:
        id = self._deployment_keys.get((project, key))
        return None if id is None else self._find_deployment(project, id)

    def _owner_deploying(self, id: str, project: str, region: Region) -> str | None:
        """The creator of *id* as the rules of *project*, deploying to *region*, see it.

        The creator is recorded as ``{its region}:{key}``; a project deploys
        as ``{draft region}:{key}``. The same project key is the same
        project, whatever region it deploys to: it keeps its own connector
        (mock-service.md: every project has one region).
        """
        owner = self._owners.get(id)
        if owner is not None and owner.partition(":")[2] == project:
            return f"{region.value}:{project}"
        return owner

    def _resolve(self, reference: ConnectorReference) -> Stored[ConnectorStaged] | None:
        """The ConnectorStaged a reference names by id or key (its Connector has the same id and key)."""
        if reference.id is not None:
            return self._staged.resources.get(reference.id)
        assert reference.key is not None  # a reference has one or the other (ConnectorReference)
        return self._find_key(reference.key)

    def _connector_of(self, deployment: Deployment, project: str) -> ConnectorStaged | Connector | None:
        """The connector *deployment* of *project* deploys, at its current version: the ConnectorStaged of a preview.

        None when it is gone, or when the deploying project may no longer
        deploy it (``access.visible``; a preview, ``access.listed`` too: its
        creator withdrew the project from ``privateProjects``), so that its
        new versions stay hidden from that project as at a create.
        """
        id = deployment.connector.id
        staged = self._staged.resources.get(id)
        if staged is None:
            return None
        deploying = f"{deployment.deployed_region.value}:{project}"
        if not visible(
            staged.resource, deploying, owner=self._owner_deploying(id, project, deployment.deployed_region)
        ):
            return None
        if deployment.type is DeploymentType.PREVIEW:
            return staged.resource if listed(staged.resource, deploying) else None
        connector = self._connectors.resources.get(id)
        return None if connector is None else connector.resource

    def _commit_deployment(
        self, project: str, old: Stored[Deployment] | None, deployment: Deployment, at: datetime
    ) -> Stored[Deployment]:
        """Save *deployment* (new, or a change of *old*) at *at*: its indexes, its logs, its next service step.

        What can fail (encoding the record, the simulation's due time) is
        computed first, so that a failure leaves the store as it was.
        """
        before = None if old is None else old.resource
        moved = before is None or before.status is not deployment.status
        due = service.due_deployment(self._simulation, deployment, at) if moved else None
        logs = started_logs(deployment, at=at) if moved and deployment.status is DeploymentStatus.DEPLOYED else ()
        if old is None:
            new = Stored.of(deployment, created_at=at, at=at, sequence=next(self._sequence))
        else:
            new = Stored.of(deployment, created_at=old.created_at, at=at, sequence=old.sequence)
        self._deployments.setdefault(project, DeploymentIndex()).put(old, new)
        if old is None:
            self._deployment_projects[deployment.id] = project
            if deployment.key is not None:
                self._deployment_keys[(project, deployment.key)] = deployment.id
        if logs:
            self._logs.setdefault(deployment.id, []).extend(logs)
        if moved:
            self._schedule.plan(deployment.id, DEPLOYMENT, due)
        return new

    def _remove_deployment(self, stored: Stored[Deployment]) -> Stored[Deployment]:
        deployment = stored.resource
        project = self._deployment_projects.pop(deployment.id)
        index = self._deployments[project]
        index.remove(stored)
        if not index:
            del self._deployments[project]
        if deployment.key is not None:
            del self._deployment_keys[(project, deployment.key)]
        self._logs.pop(deployment.id, None)
        self._schedule.drop(deployment.id)
        return stored

    def _apply_deployment(
        self, stored: Stored[Deployment], event: DeploymentServiceEvent | Delete, at: datetime
    ) -> Stored[Deployment] | DomainError:
        """Apply a service event or a delete to *stored*: its new state, or its last one when it is gone."""
        result = apply_deployment(stored.resource, event)
        if isinstance(result, DomainError):
            return result
        if isinstance(result, Gone):
            return self._remove_deployment(stored)
        if result is stored.resource:
            return stored
        return self._commit_deployment(self._deployment_projects[stored.resource.id], stored, result, at)

    def create_deployment(self, project: str, draft: DeploymentDraft) -> Stored[Deployment] | DomainError:
        """``POST /{project}/deployments``: the new Deployment, or the first check it fails (deployments.md, Create).

        The store resolves ``draft.connector`` (an unknown id or key is
        ``unknown_reference``'s ``ConnectorReferenceNotFound``, with the version
        sent, or 1, the first version of any connector, when none was sent, as
        for a connector the project may not see) and passes what
        ``create_deployment`` needs: the ConnectorStaged, its production
        Connector, the project of its creator, whether *project* may deploy
        to production. A key the project already uses is ``DuplicateField``,
        the last check. The creator of the connector is the project the
        store recorded at its creation.
        """
        with self._lock:
            now = self._tick()
            reference = draft.connector
            staged = self._resolve(reference)
            if staged is None:
                return unknown_reference(reference)
            connector = self._connectors.resources.get(staged.resource.id)
            target = staged.resource if reference.staged else (None if connector is None else connector.resource)
            declared = 0 if target is None else len(target.configurations or ())
            id = self._ids()
            if id in self._deployment_projects or id in self._staged.resources:
                raise ValueError(f"the id factory gave {id!r} twice")
            result = create_deployment(
                draft,
                staged.resource,
                project=project,
                id=id,
                build_id=self._ids(),
                application_ids=[self._ids() for _ in range(declared)],
                connector=None if connector is None else connector.resource,
                owner=self._owner_deploying(staged.resource.id, project, draft.region),
                production_enabled=project not in self.production_disabled,
            )
            if isinstance(result, DomainError):
                return result
            if result.key is not None and (project, result.key) in self._deployment_keys:
                return DuplicateField("key", result.key)
            return self._commit_deployment(project, None, result, now)

    def deployment(self, project: str, id: str) -> Stored[Deployment] | ResourceNotFound:
        """``GET /{project}/deployments/{id}``: another project's Deployment is not found."""
        with self._lock:
            self._tick()
            return self._find_deployment(project, id) or ResourceNotFound(id=id)

    def deployment_by_key(self, project: str, key: str) -> Stored[Deployment] | ResourceNotFound:
        """``GET /{project}/deployments/key={key}``."""
        with self._lock:
            self._tick()
            return self._find_deployment_key(project, key) or ResourceNotFound(key=key)

    def query_deployments(
        self,
        project: str,
        *,
        limit: int = LIMIT_DEFAULT,
        offset: int = 0,
        sort: Sequence[str] = (),
        integration_types: Iterable[IntegrationType | str] | None = None,
        deployment_type: DeploymentType | str | None = None,
    ) -> Page[Deployment] | InvalidQueryParam:
        """``GET /{project}/deployments``: one page of *project*'s Deployments (``DeploymentIndex.query``)."""
        with self._lock:
            self._tick()
            index = self._deployments.get(project) or DeploymentIndex()
            return index.query(
                limit=limit,
                offset=offset,
                sort=sort,
                integration_types=integration_types,
                deployment_type=deployment_type,
            )

    def update_deployment(self, project: str, id: str, update: DeploymentUpdate) -> Stored[Deployment] | DomainError:
        """``POST /{project}/deployments/{id}``: apply *update* (``redeploy``) atomically.

        ``updateConnector`` deploys the connector's current version (the
        ConnectorStaged for a preview, else the production Connector); when
        that connector no longer exists, or the project may no longer deploy
        it (its creator made it invisible to the project, or withdrew the
        project from a preview's ``privateProjects``), the answer is
        ``ConnectorReferenceNotFound`` (once every earlier check passed) and
        nothing changes.
        """
        with self._lock:
            now = self._tick()
            return self._update_deployment(self._find_deployment(project, id), ResourceNotFound(id=id), update, now)

    def update_deployment_by_key(
        self, project: str, key: str, update: DeploymentUpdate
    ) -> Stored[Deployment] | DomainError:
        """``POST /{project}/deployments/key={key}``: as ``update_deployment``."""
        with self._lock:
            now = self._tick()
            stored = self._find_deployment_key(project, key)
            return self._update_deployment(stored, ResourceNotFound(key=key), update, now)

    def _update_deployment(
        self, stored: Stored[Deployment] | None, missing: ResourceNotFound, update: DeploymentUpdate, now: datetime
    ) -> Stored[Deployment] | DomainError:
        if stored is None:
            return missing
        deployment = stored.resource
        target = self._connector_of(deployment, self._deployment_projects[deployment.id])
        if target is None and any(action.update_connector for action in update.actions):
            return _without_connector(deployment, update)
        result = apply_deployment_update(deployment, update, target=target)
        if isinstance(result, DomainError):
            return result
        if result is deployment:
            return stored
        return self._commit_deployment(self._deployment_projects[deployment.id], stored, result, now)

    def delete_deployment(
        self, project: str, id: str, *, version: int | None = None
    ) -> Stored[Deployment] | DomainError:
        """``DELETE /{project}/deployments/{id}``: the Deployment as it now is, or as it was when gone at once.

        From most statuses the answer is ``Undeploying``; from ``Draft`` and
        ``Failed`` the Deployment is removed at once (deployments.md).

        With *version*, a stale one is a ``ConcurrentModification`` and
        nothing changes.
        """
        with self._lock:
            now = self._tick()
            return self._delete_deployment(self._find_deployment(project, id), ResourceNotFound(id=id), version, now)

    def delete_deployment_by_key(
        self, project: str, key: str, *, version: int | None = None
    ) -> Stored[Deployment] | DomainError:
        """``DELETE /{project}/deployments/key={key}``: as ``delete_deployment``."""
        with self._lock:
            now = self._tick()
            stored = self._find_deployment_key(project, key)
            return self._delete_deployment(stored, ResourceNotFound(key=key), version, now)

    def _delete_deployment(
        self, stored: Stored[Deployment] | None, missing: ResourceNotFound, version: int | None, now: datetime
    ) -> Stored[Deployment] | DomainError:
        if stored is None:
            return missing
        stale = None if version is None else check_version(stored.resource, version)
        if stale is not None:
            return stale
        return self._apply_deployment(stored, Delete(), now)

    def deliver_deployment(
        self, project: str, id: str, event: DeploymentServiceEvent
    ) -> Stored[Deployment] | DomainError:
        """Apply a service event to the Deployment *id* of *project*, as the Connect service would.

        An event that removes it (``UndeploySucceeded``) answers its last state.
        """
        with self._lock:
            now = self._tick()
            stored = self._find_deployment(project, id)
            if stored is None:
                return ResourceNotFound(id=id)
            return self._apply_deployment(stored, event, now)

    def deployment_logs(
        self,
        project: str,
        *,
        id: str | None = None,
        key: str | None = None,
        application_name: str | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        page_token: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> DeploymentLogCursorPagedQueryResponse | DomainError:
        """``GET /{project}/deployments/{id}/logs`` (or ``key=``): one page of its logs (``query_logs``).

        Exactly one of *id* and *key* names the Deployment (``ValueError`` otherwise).
        """
        if (id is None) == (key is None):
            raise ValueError("deployment_logs takes exactly one of id and key")
        with self._lock:
            now = self._tick()
            if id is not None:
                stored = self._find_deployment(project, id)
                missing = ResourceNotFound(id=id)
            else:
                assert key is not None
                stored = self._find_deployment_key(project, key)
                missing = ResourceNotFound(key=key)
            if stored is None:
                return missing
            return query_logs(
                stored.resource,
                self._logs.get(stored.resource.id, ()),
                now=now,
                application_name=application_name,
                start_date=start_date,
                end_date=end_date,
                page_token=page_token,
                page_size=page_size,
            )


def _without_connector(deployment: Deployment, update: DeploymentUpdate) -> DomainError:
    """The refusal of *update*, which updates the connector of *deployment*, a connector that no longer exists.

    The checks of a redeploy keep their order (deployments.md: the version,
    then for each action the status row, the values, the global values, and
    only then ``updateConnector``): the first that fails answers, and an
    action with ``updateConnector`` that passes the others is
    ``ConnectorReferenceNotFound``, naming the connector the snapshot names.
    Its values are judged against that snapshot, the one version of the
    connector left to judge them by.
    """
    stale = check_version(deployment, update.version)
    if stale is not None:
        return stale
    current = deployment
    for action in update.actions:
        result = apply_deployment(current, attrs.evolve(action, update_connector=None))
        if isinstance(result, DomainError):
            return result
        if action.update_connector:
            reference = deployment.connector
            return ConnectorReferenceNotFound(reference.key or reference.id, reference.version)
        assert isinstance(result, Deployment), result  # no update action removes a Deployment
        current = result
    raise AssertionError("the update has an action with updateConnector")
