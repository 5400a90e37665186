"""A conformance kit: run the reference reducer beside your own system, and compare.

Needs Hypothesis (``pip install "connector-domain[testing]"``). You write an
adapter, five small methods that talk to your system (a server, a mock, a
store) the way its users do, and get a Hypothesis state machine that creates
connectors, sends update requests (valid, invalid, stale, malformed),
delivers service events, reads the resources back, and fails with a shrunk
counterexample on the first difference from the reference in HTTP status,
error code or resource JSON::

    from connector_domain.testing import ConformanceMachine, Response, run_conformance_test

    class MyAdapter:
        ignored_fields = ("createdAt", "lastModifiedAt")
        def reset(self) -> None: ...
        def create(self, draft: dict) -> Response: ...
        def get(self, id: str) -> Response: ...
        def update(self, id: str, body: object) -> Response: ...
        def deliver(self, id: str, event: dict) -> Response: ...

    def test_my_server_conforms() -> None:
        run_conformance_test(MyAdapter)

The expected answers: ``create`` 201 with the resource; ``get`` 200 with the
resource; ``update`` 201 with the resource; ``deliver`` 200 with the
resource; a refusal, the ErrorResponse with the error's HTTP status. Errors
are compared by status and code (messages name ids and may be worded by the
system); resources are compared as whole JSON documents, less the adapter's
``ignored_fields``.

Bugs that hide in deep states are found too: besides random requests, the
machine takes connectors on *journeys*, each to a lifecycle state drawn
among all that the reference reaches from ``create`` (a failed certification
of a connector certified before is nine inputs away), where it tries every
input. Every example starts by taking a connector on up to eight. The budget
is Hypothesis' (``conformance_settings``); what it finds, and how to raise
it: ``docs/testing-your-implementation.md``.

Deployments are optional: a system that serves them too gives a
``DeploymentConformanceAdapter``, the five methods above and five more, and
two settings (``owner``: the project it records as the creator of the
connectors the kit creates; ``production_disabled``: the project keys,
among ``DEPLOYMENT_PROJECTS``, that may not deploy to production)::

    from connector_domain.testing import run_deployment_conformance_test

    class MyAdapter:  # ... the five methods above, and:
        owner = "europe-west1.gcp:my-project"
        production_disabled = ("conformance-outlet",)
        def create_deployment(self, project: str, draft: dict) -> Response: ...
        def get_deployment(self, project: str, id: str) -> Response: ...
        def update_deployment(self, project: str, id: str, body: object) -> Response: ...
        def delete_deployment(self, project: str, id: str, version: int | None) -> Response: ...
        def deliver_deployment(self, project: str, id: str, event: dict) -> Response: ...

    def test_my_server_deploys() -> None:
        run_deployment_conformance_test(MyAdapter)

``DeploymentConformanceMachine`` runs every rule of ``ConformanceMachine``
and, beside them, makes connectors deployable, deploys them to the two
projects of ``DEPLOYMENT_PROJECTS`` (drafts that fit or miss one check, the
same draft in the other project, an unknown connector), redeploys, deletes,
delivers the Deployment's service events and reads each Deployment back from
both projects, against the library's Deployment reducer. Expected answers:
``create_deployment`` 201, ``get_deployment`` 200, ``update_deployment``
201, ``delete_deployment`` 202 (the Deployment as it now is, or as it last
was when it is gone at once), ``deliver_deployment`` 200 (the same when the
event removes it); a Deployment gone, or asked for in another project, is
``ResourceNotFound`` (404). Ids (the Deployment's, its build's, its
applications') are taken from the system's answer to create.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple, Protocol

import attrs
from hypothesis import HealthCheck, Phase
from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from .. import codec, lifecycle
from ..access import listed, published_connector, visible
from ..actions import AddPrivateProject, ConnectorUpdate, Publish, UpdateAction, UpdatePreviewable
from ..deployment import lifecycle as dl
from ..deployment.actions import Delete, DeploymentUpdate, Redeploy
from ..deployment.events import (
    DeploymentFailed,
    DeploymentInput,
    DeploymentServiceEvent,
    DeploymentStarted,
    DeploymentSucceeded,
    UndeployFailed,
    UndeploySucceeded,
)
from ..deployment.lifecycle import Gone
from ..deployment.model import ConnectorReference, Deployment, DeploymentDraft, DeploymentReport, DeploymentType
from ..deployment.reducer import apply_deployment, apply_deployment_update, check_version, create_deployment
from ..errors import ConnectorReferenceNotFound, DomainError, DuplicateField, ResourceNotFound
from ..events import Input, PreviewGranted, PublishingSucceeded, ServiceEvent
from ..model import Connector, ConnectorStaged, ConnectorStagedDraft, Region
from ..reducer import apply, apply_update, create
from . import _journeys
from . import strategies as cds

__all__ = [
    "AT",
    "BY",
    "DEPLOYMENT_PROJECTS",
    "UNKNOWN_CONNECTOR",
    "ConformanceAdapter",
    "ConformanceMachine",
    "DeploymentConformanceAdapter",
    "DeploymentConformanceMachine",
    "Response",
    "conformance_settings",
    "normalize",
    "run_conformance_test",
    "run_deployment_conformance_test",
]

#: The time and author the reference gives ``addCertificationComment``. A
#: system with its own clock and authentication lists
#: ``certificationInfo.comments[].datetime`` and ``...[].userId`` in its
#: ``ignored_fields``.
AT = datetime(2024, 6, 1, 12, 0, 0, 0, tzinfo=UTC)
BY = "conformance-project"


class Response(NamedTuple):
    """What the system answered: the HTTP status and the parsed JSON body."""

    status: int
    body: Any


class ConformanceAdapter(Protocol):
    """How the kit talks to the system under test."""

    @property
    def ignored_fields(self) -> Collection[str]:
        """Wire paths the system owns and the reference cannot predict.

        Such as ``"createdAt"`` or ``"certificationInfo.comments[].datetime"``
        (``[]`` stands for every item of an array). ``id`` is always taken
        from the system's answer to ``create``. Read only, so a class
        attribute (a tuple) implements it.
        """

    def reset(self) -> None:
        """Forget every connector: called once before each example."""

    def create(self, draft: dict[str, Any]) -> Response:
        """``POST /connectors/drafts`` with *draft* (a ConnectorStagedDraft in its wire form)."""

    def get(self, id: str) -> Response:
        """``GET /connectors/drafts/{id}``."""

    def update(self, id: str, body: Any) -> Response:
        """``POST /connectors/drafts/{id}`` with *body*: a ConnectorUpdate, or malformed JSON-like data."""

    def deliver(self, id: str, event: dict[str, Any]) -> Response:
        """Deliver a service event (``{"type": "PublishingSucceeded", ...}``) the system's own way."""


def normalize(document: Any, ignored: Collection[str]) -> Any:
    """*document* without the *ignored* paths (``a.b``, ``a[].b``), for comparison."""
    document = json.loads(json.dumps(document))
    for path in ignored:
        _drop(document, path.replace("[]", ".[]").split("."))
    return document


def _drop(node: Any, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head == "[]":
        for item in node if isinstance(node, list) else ():
            _drop(item, rest)
    elif isinstance(node, dict) and head in node:
        if rest:
            _drop(node[head], rest)
        else:
            del node[head]


# Journeys (see ConformanceMachine._journey): how many the first connector
# takes (0 to _TOUR), how many moves each wanders after its destination (0 to
# _WANDER). A way is at most 12 moves; _MAX_MOVES guards against a wrong map.
# Measured in docs/testing-your-implementation.md.
_TOUR = 8
_WANDER = 3
_MAX_MOVES = 32


class ConformanceMachine(RuleBasedStateMachine):
    """Drive a system under test and the reference side by side; fail on the first difference.

    Subclass it and implement ``make_adapter``; ``TestCase`` then runs it
    under pytest or unittest (``MyMachine.TestCase``; give it
    ``TestCase.settings = conformance_settings()`` for the kit's defaults),
    or call ``run_conformance_test``.
    """

    connectors = Bundle("connectors")

    def __init__(self) -> None:
        super().__init__()
        self.adapter = self.make_adapter()
        self.adapter.reset()
        self.reference: dict[str, ConnectorStaged] = {}
        self.ignored = tuple(self.adapter.ignored_fields)

    def make_adapter(self) -> ConformanceAdapter:
        """The adapter over a fresh (or reset) system under test."""
        raise NotImplementedError("subclass ConformanceMachine and implement make_adapter()")

    # --- comparing -----------------------------------------------------------

    def _expect(
        self, what: str, answer: Response, expected: ConnectorStaged | Deployment | DomainError, success: int
    ) -> None:
        if isinstance(expected, DomainError):
            got = _error_code(answer.body)
            assert (answer.status, got) == (expected.status_code, expected.code), (
                f"{what}: the system answered {answer.status} {got or answer.body!r}, "
                f"the reference {expected.status_code} {expected.code} ({expected.message})"
            )
            return
        assert answer.status == success, (
            f"{what}: the system answered {answer.status} {answer.body!r}, the reference {success} with the resource"
        )
        mine = normalize(codec.to_wire(expected), self.ignored)
        theirs = normalize(answer.body, self.ignored)
        assert theirs == mine, f"{what}: resources differ\n  system:    {theirs!r}\n  reference: {mine!r}"

    def _update(self, cid: str, update: ConnectorUpdate) -> None:
        expected = apply_update(self.reference[cid], update, at=AT, by=BY)
        answer = self.adapter.update(cid, codec.to_wire(update))
        self._expect(f"update {codec.to_wire(update)!r}", answer, expected, 201)
        if isinstance(expected, ConnectorStaged):
            self.reference[cid] = expected

    def _deliver(self, cid: str, event: ServiceEvent) -> None:
        expected = apply(self.reference[cid], event, at=AT, by=BY)
        answer = self.adapter.deliver(cid, codec.to_wire(event))
        self._expect(f"service event {codec.to_wire(event)!r}", answer, expected, 200)
        if isinstance(expected, ConnectorStaged):
            self.reference[cid] = expected

    def _act(self, cid: str, *actions: UpdateAction) -> None:
        self._update(cid, ConnectorUpdate(version=self.reference[cid].version, actions=actions))

    def _send(self, cid: str, item: Input) -> None:
        """A service event, or an action in a request of its own at the current version."""
        if isinstance(item, ServiceEvent):
            self._deliver(cid, item)
        else:
            self._act(cid, item)

    def _create(self, draft: ConnectorStagedDraft) -> str | None:
        """Create a connector as the reference would; its id, or None for a key already used."""
        answer = self.adapter.create(codec.to_wire(draft))
        if draft.key is not None and any(s.key == draft.key for s in self.reference.values()):
            self._expect("create with a used key", answer, DuplicateField("key", draft.key), 201)
            return None
        assert answer.status == 201 and isinstance(answer.body, dict) and isinstance(answer.body.get("id"), str), (
            f"create: the system answered {answer.status} {answer.body!r}, the reference 201 with the resource"
        )
        expected = create(draft, id=answer.body["id"])
        assert isinstance(expected, ConnectorStaged)
        self._expect("create", answer, expected, 201)
        self.reference[expected.id] = expected
        return expected.id

    # --- rules ---------------------------------------------------------------------

    @initialize(target=connectors, draft=cds.drafts(), data=st.data())
    def start(self, draft: ConnectorStagedDraft, data: st.DataObject) -> Any:
        """Create a first connector and take it on journeys.

        An initialize step, so every example runs it: Hypothesis leaves
        some rules out of each example (swarm testing), the journey rule too.
        """
        cid = self._create(draft)
        if cid is None:  # a subclass's initialize step took the key
            return multiple()
        for _ in range(data.draw(st.integers(0, _TOUR), label="journeys")):
            self._journey(cid, data)
        return cid

    @rule(target=connectors, draft=cds.drafts())
    def create_connector(self, draft: ConnectorStagedDraft) -> Any:
        """Create a connector; a key already used must be a DuplicateField."""
        cid = self._create(draft)
        return multiple() if cid is None else cid

    @rule(cid=connectors, actions=st.lists(cds.update_actions(), min_size=1, max_size=4), stale=st.booleans())
    def update_request(self, cid: str, actions: list[UpdateAction], stale: bool) -> None:
        """Any update request, at the current version or a stale one."""
        version = self.reference[cid].version - (1 if stale else 0)
        self._update(cid, ConnectorUpdate(version=version, actions=tuple(actions)))

    @rule(cid=connectors, body=cds.malformed_update_documents())
    def malformed_request(self, cid: str, body: Any) -> None:
        """A malformed body is InvalidJsonInput (400) and changes nothing."""
        answer = self.adapter.update(cid, body)
        assert (answer.status, _error_code(answer.body)) == (400, "InvalidJsonInput"), (
            f"update {body!r}: the system answered {answer.status} {answer.body!r}, the reference 400 InvalidJsonInput"
        )

    @rule(cid=connectors, action=cds.update_actions())
    def content_edit(self, cid: str, action: UpdateAction) -> None:
        """A single action at the current version (mostly content edits)."""
        self._act(cid, action)

    @rule(cid=connectors, certification=st.booleans())
    def publish(self, cid: str, certification: bool) -> None:
        """Publish, with or without certification."""
        self._act(cid, Publish(certification=certification))

    @rule(cid=connectors, data=st.data())
    def service_event(self, cid: str, data: st.DataObject) -> None:
        """A service event: mostly one the reference's state accepts, sometimes any."""
        staged = self.reference[cid]
        accepted = [k for k in cds.SERVICE_EVENT_KINDS if lifecycle.accepts(staged, k())]
        guided = data.draw(st.booleans(), label="accepted")
        kinds = accepted if accepted and guided else cds.SERVICE_EVENT_KINDS
        kind = data.draw(st.sampled_from(kinds), label="kind")
        self._deliver(cid, data.draw(cds.events_of(kind), label="event"))

    @rule(cid=connectors, data=st.data())
    def journey(self, cid: str, data: st.DataObject) -> None:
        """Take a connector to a lifecycle state drawn among all it can reach, and try every input there."""
        self._journey(cid, data)

    @rule(cid=connectors)
    def read_back(self, cid: str) -> None:
        """GET answers 200 with the reference's resource."""
        self._expect("get", self.adapter.get(cid), self.reference[cid], 200)

    # --- journeys ------------------------------------------------------------------

    def _journey(self, cid: str, data: st.DataObject) -> None:
        """Walk *cid* to a state drawn among those it can reach, try every input there, then wander a little.

        A random walk rarely gets far: a failed certification of a connector
        certified before is nine inputs from ``create``, each one among a
        dozen. So the destination is drawn uniformly among the
        lifecycle states reachable from where the connector is (``_journeys``
        maps them, from the reference), and reached along a shortest way,
        each step an ordinary request or service event. There, every input
        the reference refuses is sent (each must be refused alike, and
        changes nothing); then one it accepts, or a request of a few actions
        it accepts, and a few more moves, with generated payloads.
        """
        here = _journeys.LifecycleState.of(self.reference[cid])
        destination = data.draw(st.sampled_from(_journeys.reachable_from(here)), label="destination")
        done: list[str] = []  # what the system answered alike, for the note on a failure
        try:
            self._walk(cid, destination, data, done)
            self._then(cid, self._probe(cid, done), data, done)
            self._wander(cid, data, done)
        except AssertionError as error:
            error.add_note(f"on a journey to {destination!r}, after: {', '.join(done) or 'nothing'}")
            raise

    def _walk(self, cid: str, destination: _journeys.LifecycleState, data: st.DataObject, done: list[str]) -> None:
        """Send the moves of a shortest way to *destination* (drawn among the shortest, when there are several)."""
        for _ in range(_MAX_MOVES):
            staged = self.reference[cid]
            moves = _journeys.next_moves(_journeys.LifecycleState.of(staged), destination)
            if not moves:
                return
            move = moves[0] if len(moves) == 1 else data.draw(st.sampled_from(moves), label="way")
            self._send(cid, move.sample(staged))
            done.append(move.name)

    def _probe(self, cid: str, done: list[str]) -> list[Input]:
        """Send every probe the reference refuses here; the probes it accepts."""
        staged = self.reference[cid]
        accepted, refused = [], []
        for probe in _journeys.PROBES:
            if isinstance(apply(staged, probe, at=AT, by=BY), DomainError):
                self._send(cid, probe)
                refused.append(_label(probe))
            else:
                accepted.append(probe)
        if refused:
            done.append(f"refused alike: {' '.join(refused)}")
        return accepted

    def _then(self, cid: str, accepted: list[Input], data: st.DataObject, done: list[str]) -> None:
        """One input of a kind accepted here, or a request of a few actions of kinds accepted here."""
        if not accepted:
            return
        chosen = data.draw(st.sampled_from(accepted), label="then")
        if isinstance(chosen, ServiceEvent):
            self._deliver(cid, data.draw(cds.events_of(type(chosen)), label=_label(chosen)))
            done.append(_label(chosen))
            return
        actions = [item for item in accepted if not isinstance(item, ServiceEvent)]
        batch = [chosen, *data.draw(st.lists(st.sampled_from(actions), max_size=2), label="and")]
        self._act(cid, *(data.draw(_payloads(item), label=_label(item)) for item in batch))
        done.append(" + ".join(_label(item) for item in batch))

    def _wander(self, cid: str, data: st.DataObject, done: list[str]) -> None:
        """A few moves drawn among those the reference accepts, with generated payloads."""
        for _ in range(data.draw(st.integers(0, _WANDER), label="wander")):
            staged = self.reference[cid]
            moves = [m for m in _journeys.MOVES if not isinstance(apply(staged, m.sample(staged)), DomainError)]
            if not moves:
                return
            move = data.draw(st.sampled_from(moves), label="move")
            self._send(cid, data.draw(move.inputs, label=move.name))
            done.append(move.name)


def _payloads(action: UpdateAction) -> st.SearchStrategy[UpdateAction]:
    """Actions of the kind of *action*, with generated payloads (publish keeps its certification)."""
    return st.just(action) if isinstance(action, Publish) else cds.events_of(type(action))


def _label(item: Input) -> str:
    certification = "(certification)" if isinstance(item, Publish) and item.certification else ""
    return type(item).__name__ + certification


def _error_code(body: Any) -> str | None:
    try:
        code = body["errors"][0]["code"]
    except (KeyError, IndexError, TypeError):
        return None
    return code if isinstance(code, str) else None


def conformance_settings(**changes: Any) -> Settings:
    """The settings ``run_conformance_test`` runs with when given none, with *changes* made.

    The budget is the current profile's (Hypothesis' defaults: 100 examples
    of 50 steps). No deadline and no health check: the system's answers may
    be slow, and the examples are long by design. No explain phase: on
    these long examples it costs more than finding and shrinking together
    (about 50 s on one failure), for comments that say which values did not
    matter. To raise the budget, ``conformance_settings(max_examples=1000)``.
    """
    phases = [phase for phase in Settings().phases if phase is not Phase.explain]
    return Settings(Settings(deadline=None, suppress_health_check=list(HealthCheck), phases=phases), **changes)


def run_conformance_test(make_adapter: Callable[[], ConformanceAdapter], *, settings: Settings | None = None) -> None:
    """Run the conformance machine against the systems *make_adapter* builds; raise on a difference.

    *settings* default to ``conformance_settings()``.
    """

    class Machine(ConformanceMachine):
        def make_adapter(self) -> ConformanceAdapter:
            return make_adapter()

    run_state_machine_as_test(Machine, settings=conformance_settings() if settings is None else settings)


# --- Deployments -------------------------------------------------------------------------------

#: The project keys the Deployment machine deploys to; the deploying project is ``{draft's region}:{key}``.
DEPLOYMENT_PROJECTS: Final = ("conformance-shop", "conformance-outlet")
#: Every deploying project, ``{region}:{projectKey}``: what the machine adds to ``privateProjects``.
_IDENTIFIERS: Final = tuple(f"{region.value}:{project}" for project in DEPLOYMENT_PROJECTS for region in Region)
#: An id and a key no connector has (a system gives ids of its own, never these).
UNKNOWN_CONNECTOR: Final = "no-such-connector"
_REPORT: Final = DeploymentReport(entries=())
#: One input of each class of the Deployment's table: what a journey tries where it is refused.
_DEPLOYMENT_PROBES: Final[tuple[DeploymentInput, ...]] = (
    Redeploy(),
    DeploymentStarted(),
    DeploymentSucceeded(),
    DeploymentFailed(report=_REPORT),
    Delete(),
    UndeploySucceeded(),
    UndeployFailed(report=_REPORT),
)
_MOSTLY = st.sampled_from([True, True, True, False])


class DeploymentConformanceAdapter(ConformanceAdapter, Protocol):
    """How the kit talks to a system's Deployments too (``DeploymentConformanceMachine``).

    ``reset`` forgets the Deployments as well. The projects are those of
    ``DEPLOYMENT_PROJECTS``; ``ignored_fields`` apply to Deployments too.
    """

    @property
    def owner(self) -> str | None:
        """The ProjectIdentifier the system records as the creator of the connectors the kit creates, or None.

        Such a project sees the connector even when ``privateProjects`` does
        not list it (deployments.md, create step 2), from every region: a
        project key is one project (docs/decisions.md). Read only.
        """

    @property
    def production_disabled(self) -> Collection[str]:
        """The project keys, among ``DEPLOYMENT_PROJECTS``, whose ``production`` Deployments the system refuses."""

    def create_deployment(self, project: str, draft: dict[str, Any]) -> Response:
        """``POST /{project}/deployments`` with *draft* (a DeploymentDraft in its wire form)."""

    def get_deployment(self, project: str, id: str) -> Response:
        """``GET /{project}/deployments/{id}``."""

    def update_deployment(self, project: str, id: str, body: Any) -> Response:
        """``POST /{project}/deployments/{id}`` with *body* (a DeploymentUpdate)."""

    def delete_deployment(self, project: str, id: str, version: int | None) -> Response:
        """``DELETE /{project}/deployments/{id}``, with ``?version=`` when *version* is not None."""

    def deliver_deployment(self, project: str, id: str, event: dict[str, Any]) -> Response:
        """Deliver a Deployment's service event (``{"type": "DeploymentStarted"}``, ...) the system's own way."""


class _Deployed(NamedTuple):
    """A Deployment the reference holds: its project, its connector, its state."""

    project: str
    cid: str
    deployment: Deployment


class DeploymentConformanceMachine(ConformanceMachine):
    """``ConformanceMachine``, and the Deployments of its connectors: create, redeploy, delete, service events.

    Every rule of the connectors' machine runs as before; beside them the
    machine makes connectors deployable (``privateProjects``, a preview and a
    publication that bring applications), deploys them to the projects of
    ``DEPLOYMENT_PROJECTS`` with drafts that fit or miss one check, or that
    name a connector that does not exist, then redeploys (``updateConnector``
    too), deletes and delivers the service events, reads back, and reads each
    Deployment from the other project (not found). Deployments go on
    journeys: at each status they reach, every input of the table that the
    reference refuses is sent and must be refused alike. The reference is the
    library's own reducer (``create_deployment``, ``apply_deployment``,
    ``apply_deployment_update``); ids (the Deployment's, its build's, its
    applications') are taken from the system's answer to create. Subclass it
    and implement ``make_adapter`` to return a ``DeploymentConformanceAdapter``,
    or call ``run_deployment_conformance_test``.
    """

    adapter: DeploymentConformanceAdapter

    def __init__(self) -> None:
        super().__init__()
        self.production: dict[str, Connector] = {}
        self.deployments: dict[str, _Deployed] = {}
        self.gone: dict[str, str] = {}  # id -> its project

    def make_adapter(self) -> DeploymentConformanceAdapter:
        """The adapter over a fresh (or reset) system under test."""
        raise NotImplementedError("subclass DeploymentConformanceMachine and implement make_adapter()")

    # --- the connectors, as Deployments see them ---------------------------------------------

    def _update(self, cid: str, update: ConnectorUpdate) -> None:
        before = self.reference[cid]
        super()._update(cid, update)
        self._track(cid, before)

    def _deliver(self, cid: str, event: ServiceEvent) -> None:
        before = self.reference[cid]
        super()._deliver(cid, event)
        self._track(cid, before)

    def _track(self, cid: str, before: ConnectorStaged) -> None:
        """A change that reaches Published makes a new production Connector."""
        connector = published_connector(before, self.reference[cid])
        if connector is not None:
            self.production[cid] = connector

    def _make_deployable(self, cid: str, data: st.DataObject) -> None:
        """List deploying projects, grant a preview that brings applications (global keys too), mostly publish."""
        projects = data.draw(st.lists(st.sampled_from(_IDENTIFIERS), min_size=1, max_size=6, unique=True))
        for project in projects:
            self._act(cid, AddPrivateProject(private_project=project))
        self._act(cid, UpdatePreviewable())
        global_keys = st.none() | cds.global_declarations()
        granted = PreviewGranted(
            configurations=data.draw(cds.deployable_configurations(), label="configurations"),
            global_configuration=data.draw(global_keys, label="global keys"),
        )
        self._deliver(cid, granted)
        if data.draw(_MOSTLY, label="publish"):
            self._act(cid, Publish(certification=False))
            published = PublishingSucceeded(
                configurations=data.draw(st.none() | cds.deployable_configurations(), label="published"),
                global_configuration=data.draw(global_keys, label="published global keys"),
            )
            self._deliver(cid, published)

    # --- creating --------------------------------------------------------------------------

    def _owner(self, project: str, region: Region) -> str | None:
        """The creator as *project* deploying to *region* sees it: a project key is one project in every region.

        The adapter's ``owner`` is ``{its region}:{key}``; the same key
        deploying to another region is the same project (docs/decisions.md).
        """
        owner = self.adapter.owner
        if owner is not None and owner.partition(":")[2] == project:
            return f"{region.value}:{project}"
        return owner

    def _resolve(self, reference: ConnectorReference) -> ConnectorStaged | None:
        if reference.id is not None:
            return self.reference.get(reference.id)
        return next((staged for staged in self.reference.values() if staged.key == reference.key), None)

    def _expected_create(
        self, project: str, draft: DeploymentDraft, ids: tuple[str, str, list[str]] | None
    ) -> Deployment | DomainError:
        """The reference's answer to the draft (with *ids*; placeholders when None), DuplicateField last."""
        reference = draft.connector
        staged = self._resolve(reference)
        if staged is None:
            # the version sent, or 1 (the first version of any connector) when none was
            return ConnectorReferenceNotFound(
                reference.identifier, 1 if reference.version is None else reference.version
            )
        connector = self.production.get(staged.id)
        target = staged if reference.staged else connector
        count = len(target.configurations or ()) if target is not None else 0
        id, build_id, application_ids = ids or (
            "reference",
            "reference-build",
            [f"reference-{n}" for n in range(count)],
        )
        result = create_deployment(
            draft,
            staged,
            project=project,
            id=id,
            build_id=build_id,
            application_ids=application_ids,
            connector=connector,
            owner=self._owner(project, draft.region),
            production_enabled=project not in self.adapter.production_disabled,
        )
        if isinstance(result, DomainError) or draft.key is None:
            return result
        if any(d.project == project and d.deployment.key == draft.key for d in self.deployments.values()):
            return DuplicateField("key", draft.key)
        return result

    def _create_deployment(self, project: str, draft: DeploymentDraft) -> str | None:
        """Create a Deployment as the reference would; its id, or None when refused."""
        what = f"create deployment in {project} {codec.to_wire(draft)!r}"
        answer = self.adapter.create_deployment(project, codec.to_wire(draft))
        expected = self._expected_create(project, draft, None)
        if isinstance(expected, DomainError):
            self._expect(what, answer, expected, 201)
            return None
        ids = _ids_of(answer.body, len(expected.applications))
        assert answer.status == 201 and ids is not None, (
            f"{what}: the system answered {answer.status} {_error_code(answer.body) or answer.body!r}, "
            "the reference 201 with the Deployment"
        )
        expected = self._expected_create(project, draft, ids)
        assert isinstance(expected, Deployment)
        self._expect(what, answer, expected, 201)
        staged = self._resolve(draft.connector)
        assert staged is not None  # the reference accepted the draft
        self.deployments[expected.id] = _Deployed(project, staged.id, expected)
        return expected.id

    def _deploy(self, project: str, draft: DeploymentDraft, data: st.DataObject) -> None:
        """Create a Deployment; once accepted, the same draft where another rule decides; then journeys.

        The same draft in the other project (its key is free there), and a
        draft of the production Connector as ``production`` in each project
        that may not deploy to production.
        """
        other = DEPLOYMENT_PROJECTS[1 - DEPLOYMENT_PROJECTS.index(project)]
        created = [self._create_deployment(project, draft)]
        if created[0] is not None and draft.key is not None:
            created.append(self._create_deployment(other, draft))
        if created[0] is not None and not draft.connector.staged:
            production = attrs.evolve(draft, type=DeploymentType.PRODUCTION)
            created += [self._create_deployment(p, production) for p in sorted(self.adapter.production_disabled)]
        for did in created:
            if did is not None:
                self._journey_of(did, data)

    def _draft_for(self, cid: str, data: st.DataObject) -> tuple[str, DeploymentDraft]:
        """A project, and a draft near the connector: mostly from a project it lists, in a region it supports."""
        staged = self.reference[cid]
        supported = {region.value for region in staged.supported_regions}
        listed = [
            p for p in _IDENTIFIERS if p in staged.private_projects and (not supported or p.split(":")[0] in supported)
        ]
        if data.draw(_MOSTLY, label="listed") if listed else False:
            region, project = data.draw(st.sampled_from(listed), label="deploying project").split(":")
            regions: tuple[Region, ...] = (Region(region),)
        else:
            project, regions = data.draw(st.sampled_from(DEPLOYMENT_PROJECTS), label="project"), tuple(Region)
        near = cds.deployment_drafts_near(staged, connector=self.production.get(cid), regions=regions)
        return project, data.draw(near, label="draft")

    # --- sending ---------------------------------------------------------------------------------

    def _target(self, d: _Deployed) -> ConnectorStaged | Connector | None:
        """The connector a Deployment deploys, at its current version; None once the project may not see it.

        As at a create: visible to the deploying project, and listed for a
        preview (its creator may have withdrawn the project since).
        """
        staged = self.reference[d.cid]
        region = d.deployment.deployed_region
        deploying = f"{region.value}:{d.project}"
        preview = d.deployment.type is DeploymentType.PREVIEW
        if not visible(staged, deploying, owner=self._owner(d.project, region)) or (
            preview and not listed(staged, deploying)
        ):
            return None
        return staged if preview else self.production[d.cid]

    def _expected_redeploy(self, d: _Deployed, update: DeploymentUpdate) -> Deployment | DomainError:
        """The reference's answer to *update*; ``updateConnector`` finding no connector it may see, at its place.

        The version, then each action's checks in order (the status row, the
        values against the snapshot, the global values), then
        ``ConnectorReferenceNotFound`` for the first action that asks for it.
        """
        target = self._target(d)
        if target is not None or not any(action.update_connector for action in update.actions):
            return apply_deployment_update(d.deployment, update, target=target)
        stale = check_version(d.deployment, update.version)
        if stale is not None:
            return stale
        current = d.deployment
        for action in update.actions:
            result = apply_deployment(current, attrs.evolve(action, update_connector=None))
            if isinstance(result, DomainError):
                return result
            if action.update_connector:
                snapshot = d.deployment.connector
                return ConnectorReferenceNotFound(snapshot.key or snapshot.id, snapshot.version)
            assert isinstance(result, Deployment)  # a redeploy never removes a Deployment
            current = result
        raise AssertionError("an action asks for updateConnector")

    def _redeploy(self, did: str, update: DeploymentUpdate) -> None:
        d = self.deployments[did]
        expected = self._expected_redeploy(d, update)
        answer = self.adapter.update_deployment(d.project, did, codec.to_wire(update))
        self._expect(f"redeploy {codec.to_wire(update)!r}", answer, expected, 201)
        if isinstance(expected, Deployment):
            self.deployments[did] = d._replace(deployment=expected)

    def _delete(self, did: str, version: int | None) -> None:
        d = self.deployments[did]
        stale = None if version is None else check_version(d.deployment, version)
        result = stale or apply_deployment(d.deployment, Delete())
        answer = self.adapter.delete_deployment(d.project, did, version)
        self._answer_input(did, f"delete deployment (version {version})", answer, result, 202)

    def _deliver_deployment(self, did: str, event: DeploymentServiceEvent) -> None:
        d = self.deployments[did]
        answer = self.adapter.deliver_deployment(d.project, did, codec.to_wire(event))
        result = apply_deployment(d.deployment, event)
        self._answer_input(did, f"deployment event {codec.to_wire(event)!r}", answer, result, 200)

    def _answer_input(self, did: str, what: str, answer: Response, result: Any, success: int) -> None:
        """Compare the answer to a DELETE or an event; a Deployment gone answers its last state."""
        d = self.deployments[did]
        self._expect(what, answer, d.deployment if isinstance(result, Gone) else result, success)
        if isinstance(result, Gone):
            del self.deployments[did]
            self.gone[did] = d.project
        elif isinstance(result, Deployment):
            self.deployments[did] = d._replace(deployment=result)

    def _send_deployment(self, did: str, item: DeploymentInput) -> None:
        """An input of the table: a redeploy in a request of its own at the current version, a DELETE, an event."""
        if isinstance(item, Redeploy):
            self._redeploy(did, DeploymentUpdate(version=self.deployments[did].deployment.version, actions=(item,)))
        elif isinstance(item, Delete):
            self._delete(did, None)
        else:
            self._deliver_deployment(did, item)

    def _journey_of(self, did: str, data: st.DataObject) -> None:
        """A Deployment through a few statuses: at each, every input the reference refuses, then one it accepts."""
        done: list[str] = []
        try:
            for _ in range(data.draw(st.integers(0, 5), label="statuses")):
                if did not in self.deployments:
                    break
                deployment = self.deployments[did].deployment
                refused = []
                for probe in _DEPLOYMENT_PROBES:
                    if isinstance(apply_deployment(deployment, probe), DomainError):
                        self._send_deployment(did, probe)
                        refused.append(type(probe).__name__)
                done.append(f"{deployment.status.value}: refused alike {' '.join(refused)}")
                accepted = [kind for kind in cds.DEPLOYMENT_INPUT_KINDS if dl.accepts(deployment, kind)]
                kind = data.draw(st.sampled_from(accepted), label="then")
                if kind is Redeploy:
                    item: Any = data.draw(cds.redeploys_near(deployment, target=self._target(self.deployments[did])))
                else:
                    item = data.draw(cds.deployment_inputs_of(kind), label="event")
                self._send_deployment(did, item)
                done.append(type(item).__name__)
            self._read_back(did)
        except AssertionError as error:
            error.add_note(f"on a journey of Deployment {did}, after: {', '.join(done) or 'nothing'}")
            raise

    # --- rules -----------------------------------------------------------------------------------

    @initialize(target=ConformanceMachine.connectors, draft=cds.drafts(), data=st.data())
    def start_deployments(self, draft: ConnectorStagedDraft, data: st.DataObject) -> Any:
        """A connector made deployable, deployed, and its Deployment taken on a journey, in every example."""
        cid = self._create(draft)
        if cid is None:  # the connectors' initialize step took the key
            return multiple()
        self._make_deployable(cid, data)
        self._deploy(*self._draft_for(cid, data), data)
        return cid

    @rule(cid=ConformanceMachine.connectors, data=st.data())
    def make_deployable(self, cid: str, data: st.DataObject) -> None:
        """List deploying projects, grant a preview with applications, mostly publish (refused where the state says)."""
        self._make_deployable(cid, data)

    @rule(cid=ConformanceMachine.connectors, data=st.data())
    def create_deployment(self, cid: str, data: st.DataObject) -> None:
        """A draft near the connector, or one naming a connector that does not exist; then journeys."""
        if data.draw(st.sampled_from([False] * 7 + [True]), label="unknown connector"):
            reference = data.draw(
                st.sampled_from([ConnectorReference(id=UNKNOWN_CONNECTOR), ConnectorReference(key=UNKNOWN_CONNECTOR)])
            )
            project = data.draw(st.sampled_from(DEPLOYMENT_PROJECTS), label="project")
            draft = attrs.evolve(data.draw(cds.deployment_drafts(), label="draft"), connector=reference)
        else:
            project, draft = self._draft_for(cid, data)
        self._deploy(project, draft, data)

    def _live(self) -> list[str]:
        return sorted(self.deployments)

    @precondition(lambda self: self.deployments)
    @rule(data=st.data(), stale=st.sampled_from([False, False, False, True]), twice=st.booleans())
    def redeploy(self, data: st.DataObject, stale: bool, twice: bool) -> None:
        """A redeploy near the Deployment (updateConnector too, even of a connector it may no longer see)."""
        did = data.draw(st.sampled_from(self._live()), label="deployment")
        d = self.deployments[did]
        target = self._target(d)
        actions = []
        for _ in range(2 if twice else 1):
            action = data.draw(cds.redeploys_near(d.deployment, target=target), label="redeploy")
            if target is None and data.draw(st.booleans(), label="updateConnector all the same"):
                action = attrs.evolve(action, update_connector=True)
            actions.append(action)
        version = d.deployment.version - 1 if stale else d.deployment.version
        self._redeploy(did, DeploymentUpdate(version=version, actions=tuple(actions)))

    @precondition(lambda self: self.deployments)
    @rule(data=st.data())
    def deployment_event(self, data: st.DataObject) -> None:
        """A service event: mostly one the Deployment's status awaits, sometimes any."""
        did = data.draw(st.sampled_from(self._live()), label="deployment")
        deployment = self.deployments[did].deployment
        kinds = [k for k in cds.DEPLOYMENT_INPUT_KINDS if k not in (Redeploy, Delete)]
        accepted = [k for k in kinds if dl.accepts(deployment, k)]
        guided = data.draw(_MOSTLY, label="awaited") if accepted else False
        kind = data.draw(st.sampled_from(accepted if guided else kinds), label="kind")
        self._deliver_deployment(did, data.draw(cds.deployment_inputs_of(kind), label="event"))

    @precondition(lambda self: self.deployments)
    @rule(data=st.data(), version=st.sampled_from(["none", "current", "stale"]))
    def delete_deployment(self, data: st.DataObject, version: str) -> None:
        """DELETE, with no version, the current one or a stale one."""
        did = data.draw(st.sampled_from(self._live()), label="deployment")
        current = self.deployments[did].deployment.version
        self._delete(did, {"none": None, "current": current, "stale": current - 1}[version])

    @precondition(lambda self: self.deployments or self.gone)
    @rule(data=st.data())
    def read_deployment(self, data: st.DataObject) -> None:
        """GET answers the reference's Deployment in its project, and 404 in the other project or once gone."""
        did = data.draw(st.sampled_from(sorted(self.deployments) + sorted(self.gone)), label="deployment")
        self._read_back(did)

    def _read_back(self, did: str) -> None:
        """GET in the Deployment's project (its state, or 404 once gone), and in the other project (404)."""
        if did in self.deployments:
            d = self.deployments[did]
            self._expect("get deployment", self.adapter.get_deployment(d.project, did), d.deployment, 200)
            project = d.project
        else:
            project = self.gone[did]
            answer = self.adapter.get_deployment(project, did)
            self._expect("get deployment gone", answer, ResourceNotFound(id=did), 200)
        other = DEPLOYMENT_PROJECTS[1 - DEPLOYMENT_PROJECTS.index(project)]
        answer = self.adapter.get_deployment(other, did)
        self._expect(f"get deployment from {other}", answer, ResourceNotFound(id=did), 200)

    @precondition(lambda self: self.deployments)
    @rule(data=st.data())
    def deployment_journey(self, data: st.DataObject) -> None:
        """Take a Deployment through a few statuses, trying every refused input at each."""
        self._journey_of(data.draw(st.sampled_from(self._live()), label="deployment"), data)


def _ids_of(body: Any, applications: int) -> tuple[str, str, list[str]] | None:
    """The ids a system gave a new Deployment (its own, its build's, one per application), or None when absent."""
    try:
        id, build_id = body["id"], body["details"]["build"]["id"]
        application_ids = [application["id"] for application in body["applications"]]
    except (KeyError, TypeError):
        return None
    given = [id, build_id, *application_ids]
    if len(application_ids) != applications or not all(isinstance(i, str) and i for i in given):
        return None
    return id, build_id, application_ids


def run_deployment_conformance_test(
    make_adapter: Callable[[], DeploymentConformanceAdapter], *, settings: Settings | None = None
) -> None:
    """Run ``DeploymentConformanceMachine`` against the systems *make_adapter* builds; raise on a difference.

    *settings* default to ``conformance_settings()``.
    """

    class Machine(DeploymentConformanceMachine):
        def make_adapter(self) -> DeploymentConformanceAdapter:
            return make_adapter()

    run_state_machine_as_test(Machine, settings=conformance_settings() if settings is None else settings)
