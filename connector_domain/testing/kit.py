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
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from hypothesis import HealthCheck, Phase
from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    multiple,
    rule,
    run_state_machine_as_test,
)

from .. import codec, lifecycle
from ..actions import ConnectorUpdate, Publish, UpdateAction
from ..errors import DomainError, DuplicateField
from ..events import Input, ServiceEvent
from ..model import ConnectorStaged, ConnectorStagedDraft
from ..reducer import apply, apply_update, create
from . import _journeys
from . import strategies as cds

__all__ = [
    "AT",
    "BY",
    "ConformanceAdapter",
    "ConformanceMachine",
    "Response",
    "conformance_settings",
    "normalize",
    "run_conformance_test",
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

    def _expect(self, what: str, answer: Response, expected: ConnectorStaged | DomainError, success: int) -> None:
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
    def start(self, draft: ConnectorStagedDraft, data: st.DataObject) -> str:
        """Create a first connector and take it on journeys.

        An initialize step, so every example runs it: Hypothesis leaves
        some rules out of each example (swarm testing), the journey rule too.
        """
        cid = self._create(draft)
        assert cid is not None  # the first key cannot be used already
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
