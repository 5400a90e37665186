"""The Deployment's status table: every cell as deployments.md writes it, the graph it draws, and its docs."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import attrs
import pytest

from connector_domain import codec, diagram
from connector_domain.deployment import lifecycle
from connector_domain.deployment.actions import ACTIONS, Delete, DeploymentUpdateAction, Redeploy
from connector_domain.deployment.events import (
    DeploymentFailed,
    DeploymentInput,
    DeploymentServiceEvent,
    DeploymentStarted,
    DeploymentSucceeded,
    UndeployFailed,
    UndeploySucceeded,
)
from connector_domain.deployment.model import Deployment, DeploymentReport, DeploymentStatus
from connector_domain.deployment.reducer import _HANDLERS
from connector_domain.errors import DeploymentInvalidStatusTransition, InvalidDeploymentOperation
from tests.conftest import fixture

DOCS = Path(__file__).parent.parent / "docs"

#: deployments.md, "The status machine", copied as the specification writes it.
SPEC_TABLE = """\
| input | Draft | Queued | Deploying | Deployed | Failed | Undeploying | UndeployFailed |
|---|---|---|---|---|---|---|---|
| `redeploy` | -> Queued | Already queued | Already deploying | -> Queued | -> Queued | Already undeploying | -> Queued |
| service `DeploymentStarted` | - | -> Deploying | - | - | - | - | - |
| service `DeploymentSucceeded` | - | - | -> Deployed | - | - | - | - |
| service `DeploymentFailed(report)` | - | - | -> Failed | - | - | - | - |
| delete (`DELETE`) | gone | -> Undeploying | -> Undeploying | -> Undeploying | gone | Already undeploying | -> Undeploying |
| service `UndeploySucceeded` | - | - | - | - | - | gone | - |
| service `UndeployFailed(report)` | - | - | - | - | - | -> UndeployFailed | - |
"""  # noqa: E501

#: The row labels of SPEC_TABLE and the input classes they stand for.
ROWS = {
    "`redeploy`": Redeploy,
    "service `DeploymentStarted`": DeploymentStarted,
    "service `DeploymentSucceeded`": DeploymentSucceeded,
    "service `DeploymentFailed(report)`": DeploymentFailed,
    "delete (`DELETE`)": Delete,
    "service `UndeploySucceeded`": UndeploySucceeded,
    "service `UndeployFailed(report)`": UndeployFailed,
}

REPORT = DeploymentReport(entries=())
#: One input of each class.
INPUTS: dict[type, DeploymentInput] = {
    Redeploy: Redeploy(),
    DeploymentStarted: DeploymentStarted(),
    DeploymentSucceeded: DeploymentSucceeded(),
    DeploymentFailed: DeploymentFailed(report=REPORT),
    Delete: Delete(),
    UndeploySucceeded: UndeploySucceeded(),
    UndeployFailed: UndeployFailed(report=REPORT),
}


def _spec_cells() -> list[tuple[type, DeploymentStatus, str]]:
    lines = SPEC_TABLE.splitlines()
    statuses = [DeploymentStatus(name.strip()) for name in lines[0].strip("|").split("|")[1:]]
    cells = []
    for line in lines[2:]:
        label, *row = (cell.strip() for cell in line.strip("|").split("|"))
        cells += [(ROWS[label], status, cell) for status, cell in zip(statuses, row, strict=True)]
    return cells


CELLS = _spec_cells()
DEPLOYED = codec.from_wire(fixture("deployment/minimal.json"), Deployment)


def _in(status: DeploymentStatus) -> Deployment:
    return attrs.evolve(DEPLOYED, status=status)


class TestEveryCell:
    """Each cell of deployments.md's table is what the table and ``target`` answer, read by input class."""

    def test_the_spec_table_has_every_cell(self) -> None:
        """Seven inputs by seven statuses."""
        assert len(CELLS) == 49
        assert {kind for kind, _, _ in CELLS} == set(lifecycle.INPUTS) == set(INPUTS)
        assert {status for _, status, _ in CELLS} == set(DeploymentStatus)

    @pytest.mark.parametrize(("kind", "status", "cell"), CELLS, ids=lambda v: getattr(v, "__name__", str(v)))
    def test_cell(self, kind: type, status: DeploymentStatus, cell: str) -> None:
        """A "-> X" cell leads to X, "gone" to GONE, "Already x" and "-" are their errors."""
        got = lifecycle.target(_in(status), INPUTS[kind])
        assert lifecycle.target(_in(status), kind) == got
        if cell.startswith("-> "):
            assert got is DeploymentStatus(cell[3:])
            assert lifecycle.STATUS_TRANSITIONS[status][kind] is got
        elif cell == "gone":
            assert got is lifecycle.GONE
        elif cell.startswith("Already "):
            assert got == DeploymentInvalidStatusTransition(status.value)
            assert got.message == f"Invalid status change: {cell}"
            assert lifecycle.STATUS_TRANSITIONS[status][kind] is DeploymentInvalidStatusTransition
        else:
            assert cell == "-"
            assert got == InvalidDeploymentOperation(kind.__name__, status.value)
            assert kind not in lifecycle.STATUS_TRANSITIONS[status]

    def test_accepts_is_whether_target_moves(self) -> None:
        """``accepts`` is true exactly for the cells that are not a refusal."""
        for kind, status, cell in CELLS:
            assert lifecycle.accepts(_in(status), kind) == (cell.startswith("-> ") or cell == "gone"), (kind, status)

    def test_a_refusal_names_the_input_and_status(self) -> None:
        """The "-" message names the service event by its class and the status by its wire value."""
        got = lifecycle.target(_in(DeploymentStatus.DEPLOYED), DeploymentStarted())
        assert (
            str(got) == "InvalidOperation: DeploymentStarted is not allowed while the Deployment is in status Deployed"
        )


class TestNamesAgree:
    """The unions, the handlers, the codec's tags and the table name the same classes."""

    def test_every_input_has_a_handler_and_a_row(self) -> None:
        """Every input class has one handler and one row in the table's inputs."""
        kinds = {*ACTIONS, Delete, *get_args(DeploymentServiceEvent)}
        assert set(_HANDLERS) == kinds == set(lifecycle.INPUTS)
        assert set(get_args(DeploymentInput)) == kinds
        assert {key for row in lifecycle.STATUS_TRANSITIONS.values() for key in row} == kinds

    def test_the_one_update_action_is_redeploy(self) -> None:
        """``DeploymentUpdateAction`` is ``Redeploy``, the one action the reference registers."""
        assert DeploymentUpdateAction is Redeploy
        assert ACTIONS == (Redeploy,)  # noqa: SIM300

    def test_codec_tags(self) -> None:
        """The action is tagged ``redeploy``; the service events by their class names."""
        assert codec.to_wire(Redeploy()) == {"action": "redeploy"}
        for kind in get_args(DeploymentServiceEvent):
            assert codec.to_wire(INPUTS[kind])["type"] == kind.__name__


class TestTable:
    """The table's shape and the graph it draws."""

    def test_every_status_has_a_row_and_targets_are_known(self) -> None:
        """A row per status; each target a status, GONE, or the one error class."""
        assert set(lifecycle.STATUS_TRANSITIONS) == set(DeploymentStatus)
        for row in lifecycle.STATUS_TRANSITIONS.values():
            for target in row.values():
                assert (
                    isinstance(target, DeploymentStatus | lifecycle.Gone) or target is DeploymentInvalidStatusTransition
                )

    def test_every_status_but_draft_is_reachable_from_queued(self) -> None:
        """Create gives Queued; every status but Draft is reached from it (no input leads to Draft)."""
        seen, frontier = {DeploymentStatus.QUEUED}, [DeploymentStatus.QUEUED]
        while frontier:
            for target in lifecycle.STATUS_TRANSITIONS[frontier.pop()].values():
                if isinstance(target, DeploymentStatus) and target not in seen:
                    seen.add(target)
                    frontier.append(target)
        assert seen == set(DeploymentStatus) - {DeploymentStatus.DRAFT}

    def test_every_status_can_end(self) -> None:
        """From every status some path removes the Deployment: no status is a trap."""
        ends = {s for s, row in lifecycle.STATUS_TRANSITIONS.items() if lifecycle.GONE in row.values()}
        changed = True
        while changed:
            changed = False
            for status, row in lifecycle.STATUS_TRANSITIONS.items():
                if status not in ends and any(t in ends for t in row.values()):
                    ends.add(status)
                    changed = True
        assert ends == set(DeploymentStatus)

    def test_no_update_action_removes_a_deployment(self) -> None:
        """``redeploy`` never leads to GONE, so an update request always answers a Deployment."""
        for row in lifecycle.STATUS_TRANSITIONS.values():
            assert all(row.get(kind) is not lifecycle.GONE for kind in ACTIONS)

    def test_service_events_are_awaited_in_one_status_each(self) -> None:
        """Each service event is accepted in exactly one status: where the service owes it."""
        for kind in get_args(DeploymentServiceEvent):
            assert sum(kind in row for row in lifecycle.STATUS_TRANSITIONS.values()) == 1, kind

    def test_only_target_reads_the_table(self) -> None:
        """In deployment/lifecycle.py the table is read in ``target`` alone, once."""
        source = Path(lifecycle.__file__).read_text()
        body = source[source.index("def target(") : source.index("def accepts(")]
        assert body.count("step(STATUS_TRANSITIONS") == 1
        assert "step(" not in source.replace(body, "").replace("from .._machine import step", "")
        for path in Path(lifecycle.__file__).parent.glob("*.py"):
            if path.name != "lifecycle.py":
                assert "STATUS_TRANSITIONS" not in path.read_text(), path


class TestAwaited:
    """What the service owes a Deployment (``lifecycle.AWAITED``) agrees with the status table."""

    @pytest.mark.parametrize("status", list(lifecycle.AWAITED), ids=str)
    def test_each_awaited_event_is_accepted_and_leaves_the_status(self, status: DeploymentStatus) -> None:
        """The success and failure events of an awaited status are accepted there and move it (or remove it)."""
        awaited = lifecycle.AWAITED[status]
        events = [kind for kind in (awaited.success, awaited.failure) if kind is not None]
        assert events
        for kind in events:
            assert lifecycle.accepts(_in(status), kind), (status, kind)
            moved = lifecycle.target(_in(status), INPUTS[kind])
            assert moved is lifecycle.GONE or (isinstance(moved, DeploymentStatus) and moved is not status)

    def test_success_and_failure_lead_apart(self) -> None:
        """Where a step can fail, its two events lead to different places."""
        for status, awaited in lifecycle.AWAITED.items():
            if awaited.failure is not None:
                assert lifecycle.target(_in(status), awaited.success) != lifecycle.target(_in(status), awaited.failure)

    def test_each_wait_names_the_work_of_the_service(self) -> None:
        """Queued and Deploying await the build; Undeploying the undeployment."""
        assert {status: awaited.work for status, awaited in lifecycle.AWAITED.items()} == {
            DeploymentStatus.QUEUED: "build",
            DeploymentStatus.DEPLOYING: "build",
            DeploymentStatus.UNDEPLOYING: "undeployment",
        }
        assert lifecycle.AWAITED[DeploymentStatus.QUEUED].failure is None
        deploying = lifecycle.AWAITED[DeploymentStatus.DEPLOYING]
        assert (deploying.success, deploying.failure) == (DeploymentSucceeded, DeploymentFailed)

    def test_the_awaited_statuses_are_those_that_accept_service_events(self) -> None:
        """A status is awaited exactly when its row accepts a service event, and every service event is awaited."""
        service = set(get_args(DeploymentServiceEvent))
        listing = {status for status, row in lifecycle.STATUS_TRANSITIONS.items() if service & set(row)}
        assert set(lifecycle.AWAITED) == listing
        named = {kind for a in lifecycle.AWAITED.values() for kind in (a.success, a.failure) if kind is not None}
        assert named == service

    @pytest.mark.parametrize("status", list(DeploymentStatus), ids=str)
    def test_awaited_reads_the_table(self, status: DeploymentStatus) -> None:
        """``awaited`` is the AWAITED entry of the Deployment's status, or None."""
        assert lifecycle.awaited(_in(status)) == lifecycle.AWAITED.get(status)


class TestDocs:
    """docs/deployments.md shows the table as it is, and the table is the specification's."""

    def test_the_matrix_is_the_spec_table(self) -> None:
        """The matrix generated from the table is deployments.md's table, character for character."""
        assert diagram.deployment_matrix() == SPEC_TABLE

    def test_deployments_page_holds_the_generated_part(self) -> None:
        """The generated part of docs/deployments.md equals what the table renders now."""
        page = (DOCS / "deployments.md").read_text()
        start = page.index(diagram.DEPLOYMENT_BEGIN)
        end = page.index(diagram.END, start) + len(diagram.END) + 1
        assert page[start:end] == diagram.deployment_markdown(), (
            "docs/deployments.md is stale: regenerate it with "
            "python -m connector_domain diagram --deployment --markdown"
        )

    def test_the_diagram_draws_every_move(self) -> None:
        """Every cell that moves has its edge in the Mermaid diagram; "gone" goes to [*]."""
        text = diagram.deployment_mermaid()
        for kind, status, cell in CELLS:
            if cell.startswith("-> ") or cell == "gone":
                end = "[*]" if cell == "gone" else cell[3:]
                line = next(line for line in text.splitlines() if line.strip().startswith(f"{status.value} --> {end}:"))
                assert (kind.__name__ if kind not in (Redeploy, Delete) else kind.__name__.lower()) in line
