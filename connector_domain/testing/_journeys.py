"""The lifecycle states the reference reaches from ``create``, and the shortest way to each.

The conformance machine's journeys use this map to take a connector, through
the system's own API, to a state drawn among all of them, however many steps
away (a failed certification of a connector certified before is nine inputs
from ``create``), rather than waiting for a random walk to wander there.

A state here is what the lifecycle and the preconditions read of a
ConnectorStaged: ``status``, ``isPreviewable``, ``certified``,
``alreadyListed``, ``hasChanges``, ``private`` and the record form's
``published_before`` and ``certification_requested``. Two resources in the
same state accept the same inputs and move alike. The map is computed once,
breadth first from a created draft, by running the reducer with one *move*
of each kind: an input whose payload does not decide where it leads (for a
content edit, one that changes something).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, NamedTuple

from hypothesis import strategies as st

from .. import actions as a
from .. import events as e
from ..model import (
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorStatus,
    Creator,
    IsPreviewable,
    Repository,
)
from ..reducer import apply, create
from . import strategies as cds

__all__ = ["MOVES", "PROBES", "LifecycleState", "Move", "next_moves", "reachable_from", "states"]


class LifecycleState(NamedTuple):
    """What the lifecycle reads of a ConnectorStaged; equal states accept the same inputs."""

    status: ConnectorStatus
    is_previewable: IsPreviewable
    certified: bool | None
    already_listed: bool
    has_changes: bool
    private: bool
    published_before: bool
    certification_requested: bool

    @classmethod
    def of(cls, staged: ConnectorStaged) -> LifecycleState:
        """The state of *staged*."""
        return cls(
            staged.status,
            staged.is_previewable,
            staged.certified,
            staged.already_listed,
            staged.has_changes,
            staged.private,
            staged.published_before,
            staged.certification_requested,
        )

    def __repr__(self) -> str:
        # Short enough to read in a counterexample: enum values, and only the flags that are set.
        flags = [name for name in self._fields[2:] if getattr(self, name)]
        return f"LifecycleState({self.status.value}, isPreviewable={self.is_previewable.value}, {'+'.join(flags)})"


class Move(NamedTuple):
    """An input kind for journeys: a fixed instance for the map, and the strategy a journey draws from."""

    name: str
    #: The input the map is computed with, built for the resource it applies to.
    sample: Callable[[ConnectorStaged], e.Input]
    inputs: st.SearchStrategy[Any]

    def __repr__(self) -> str:
        return self.name


def _bare(kind: type) -> Callable[[ConnectorStaged], e.Input]:
    """A service event with no report and no configurations."""
    return lambda _staged: kind()


# Content actions that only edit (setRepository also moves isPreviewable; the
# private-project actions depend on `private`, so they are not moves).
_EDITS = [
    kind for kind in a.CONTENT_ACTIONS if kind not in (a.SetRepository, a.AddPrivateProject, a.RemovePrivateProject)
]

#: Every move, in the order the map tries them.
MOVES: tuple[Move, ...] = (
    Move("edit", lambda s: a.SetName(name=s.name + "-"), st.one_of([cds.events_of(kind) for kind in _EDITS])),
    Move(
        "setRepository",
        lambda s: a.SetRepository(url=s.repository.url, tag=s.repository.tag + "-"),
        cds.events_of(a.SetRepository),
    ),
    Move("updatePreviewable", lambda s: a.UpdatePreviewable(), st.just(a.UpdatePreviewable())),
    Move("publish", lambda s: a.Publish(certification=False), st.just(a.Publish(certification=False))),
    Move("publish(certification)", lambda s: a.Publish(certification=True), st.just(a.Publish(certification=True))),
    Move("unlist", lambda s: a.Unlist(), st.just(a.Unlist())),
    *(Move(kind.__name__, _bare(kind), cds.events_of(kind)) for kind in cds.SERVICE_EVENT_KINDS),
)

_PROJECT = "europe-west1.gcp:probe"

#: One input of each kind that the lifecycle tells apart, with fixed
#: payloads: what a journey sends, where the reference refuses it, to see the
#: system refuse it alike. The content actions share one row of the tables
#: and differ only in their own preconditions, so setName stands for the
#: plain edits; publish comes with and without certification.
PROBES: tuple[e.Input, ...] = (
    a.SetName(name="probe"),
    a.SetRepository(url="https://github.com/probe/connector", tag="probe"),
    a.AddPrivateProject(private_project=_PROJECT),
    a.RemovePrivateProject(private_project=_PROJECT),
    a.UpdatePreviewable(),
    a.Publish(certification=False),
    a.Publish(certification=True),
    a.Unlist(),
    a.AddCertificationComment(comment="probe"),
    *(kind() for kind in cds.SERVICE_EVENT_KINDS),
)

_DRAFT = ConnectorStagedDraft(
    name="journey",
    creator=Creator(email="creator@example.com"),
    repository=Repository(url="https://github.com/example/connector", tag="v1"),
)


class _Map(NamedTuple):
    states: list[LifecycleState]
    # state -> [(move, state it leads to)], the moves that change the state
    edges: Mapping[LifecycleState, list[tuple[Move, LifecycleState]]]


@cache
def _map() -> _Map:
    start = create(_DRAFT, id="journey")
    assert isinstance(start, ConnectorStaged)
    found = {LifecycleState.of(start): start}
    edges: dict[LifecycleState, list[tuple[Move, LifecycleState]]] = {}
    queue = deque([start])
    while queue:
        staged = queue.popleft()
        here = LifecycleState.of(staged)
        edges[here] = []
        for move in MOVES:
            result = apply(staged, move.sample(staged))
            if not isinstance(result, ConnectorStaged) or LifecycleState.of(result) == here:
                continue
            there = LifecycleState.of(result)
            edges[here].append((move, there))
            if there not in found:
                found[there] = result
                queue.append(result)
    return _Map(list(found), edges)


def states() -> list[LifecycleState]:
    """Every state the reference reaches from ``create``, nearest first."""
    return _map().states


@cache
def _ways_to(destination: LifecycleState) -> Mapping[LifecycleState, tuple[Move, ...]]:
    """For each state from which *destination* can be reached: the moves that begin a shortest way there."""
    arriving: dict[LifecycleState, list[tuple[LifecycleState, Move]]] = {}
    for here, edges in _map().edges.items():
        for move, there in edges:
            arriving.setdefault(there, []).append((here, move))
    distance = {destination: 0}
    queue = deque([destination])
    while queue:
        there = queue.popleft()
        for here, _move in arriving.get(there, ()):
            if here not in distance:
                distance[here] = distance[there] + 1
                queue.append(here)
    return {
        here: tuple(move for move, there in _map().edges[here] if distance.get(there) == distance[here] - 1)
        for here in distance
        if here != destination
    }


def next_moves(here: LifecycleState, destination: LifecycleState) -> tuple[Move, ...]:
    """The moves that begin a shortest way from *here* to *destination*: none there, or if there is no way."""
    return _ways_to(destination).get(here, ())


@cache
def reachable_from(here: LifecycleState) -> list[LifecycleState]:
    """The states reachable from *here* (itself included), nearest to ``create`` first."""
    return [state for state in states() if state == here or here in _ways_to(state)]
