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
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from hypothesis import HealthCheck, Phase
from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, multiple, rule, run_state_machine_as_test

from .. import codec, lifecycle
from ..actions import AddPrivateProject, ConnectorUpdate, Publish, UpdateAction
from ..errors import DomainError, DuplicateField
from ..events import CertificationPassed, CertificationStarted, PublishingSucceeded, ServiceEvent
from ..model import ConnectorStaged, ConnectorStagedDraft
from ..reducer import apply, apply_update, create
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

    #: Wire paths the system owns and the reference cannot predict, such as
    #: ``"createdAt"`` or ``"certificationInfo.comments[].datetime"``
    #: (``[]`` stands for every item of an array). ``id`` is always taken
    #: from the system's answer to ``create``.
    ignored_fields: Collection[str]

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


class ConformanceMachine(RuleBasedStateMachine):
    """Drive a system under test and the reference side by side; fail on the first difference.

    Subclass it and implement ``make_adapter``; ``TestCase`` then runs it
    under pytest or unittest (``MyMachine.TestCase``), or call
    ``run_conformance_test``.
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

    # --- rules ---------------------------------------------------------------------

    @rule(target=connectors, draft=cds.drafts())
    def create_connector(self, draft: ConnectorStagedDraft) -> Any:
        """Create a connector; a key already used must be a DuplicateField."""
        answer = self.adapter.create(codec.to_wire(draft))
        if draft.key is not None and any(s.key == draft.key for s in self.reference.values()):
            self._expect("create with a used key", answer, DuplicateField("key", draft.key), 201)
            return multiple()
        assert answer.status == 201 and isinstance(answer.body, dict) and isinstance(answer.body.get("id"), str), (
            f"create: the system answered {answer.status} {answer.body!r}, the reference 201 with the resource"
        )
        expected = create(draft, id=answer.body["id"])
        assert isinstance(expected, ConnectorStaged)
        self._expect("create", answer, expected, 201)
        self.reference[expected.id] = expected
        return expected.id

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
        accepted = [k for k in cds.SERVICE_EVENT_KINDS if _accepts(staged, k)]
        guided = data.draw(st.booleans(), label="accepted")
        kinds = accepted if accepted and guided else cds.SERVICE_EVENT_KINDS
        kind = data.draw(st.sampled_from(kinds), label="kind")
        self._deliver(cid, data.draw(cds.events_of(kind), label="event"))

    @rule(cid=connectors, project=cds.project_identifiers())
    def certify_then_add_project(self, cid: str, project: str) -> None:
        """Walk a connector through certification, then edit its (now public) project list."""
        self._act(cid, Publish(certification=True))
        for event in (PublishingSucceeded(), CertificationStarted(), CertificationPassed()):
            self._deliver(cid, event)
        self._act(cid, AddPrivateProject(private_project=project))

    @rule(cid=connectors)
    def read_back(self, cid: str) -> None:
        """GET answers 200 with the reference's resource."""
        self._expect("get", self.adapter.get(cid), self.reference[cid], 200)


def _accepts(staged: ConnectorStaged, kind: type) -> bool:
    key = lifecycle.input_key(staged, kind())
    if key not in lifecycle.STATUS_TRANSITIONS[staged.status]:
        return False
    return kind not in lifecycle.PREVIEW_INPUTS or kind in lifecycle.PREVIEW_TRANSITIONS[staged.is_previewable]


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
