"""The lifecycle tables: their shape, the graph they draw, and the docs generated from them."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import attrs
import pytest

from connector_domain import (
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorStatus,
    InvalidOperation,
    IsPreviewable,
    PreviewGranted,
    Publish,
    PublishingSucceeded,
    SetName,
    codec,
    create,
    diagram,
    lifecycle,
)
from connector_domain.actions import ACTIONS, CONTENT_ACTIONS, UpdateAction, action_name
from connector_domain.errors import DomainError
from connector_domain.events import ServiceEvent
from connector_domain.reducer import _HANDLERS
from tests.conftest import fixture

DOCS = Path(__file__).parent.parent / "docs"


def _kinds_in_tables() -> set[type]:
    kinds: set[type] = set()
    for row in lifecycle.STATUS_TRANSITIONS.values():
        for key in row:
            if key == lifecycle.EDIT:
                kinds.update(CONTENT_ACTIONS)
            elif isinstance(key, tuple):
                kinds.add(key[0])
            else:
                assert isinstance(key, type)
                kinds.add(key)
    return kinds


class TestNamesAgree:
    """The union, the handlers, the codec's tags and the tables name the same classes."""

    def test_union_is_the_action_list(self) -> None:
        """UpdateAction's members are exactly ACTIONS, 19 of them."""
        assert set(get_args(UpdateAction)) == set(ACTIONS)
        assert len(ACTIONS) == 19

    def test_every_input_has_a_handler(self) -> None:
        """Every action and every service event has exactly one handler."""
        assert set(_HANDLERS) == set(ACTIONS) | set(get_args(ServiceEvent))

    def test_every_input_appears_in_the_tables(self) -> None:
        """Every action and service event is accepted somewhere, so none is dead."""
        assert _kinds_in_tables() == set(ACTIONS) | set(get_args(ServiceEvent))

    def test_codec_tags_are_the_wire_names(self) -> None:
        """The codec reads every action by its wire name."""
        names = {
            "setName", "setDescription", "setRepository", "setSupportedRegions", "setDocumentationUrl",
            "setIntegrationTypes", "setCreatorName", "setCreatorTitle", "setCreatorEmail", "setCreatorCompany",
            "setCreatorNoOfContributors", "setCreatorSupportUrl", "setCreatorLogo", "addPrivateProject",
            "removePrivateProject", "updatePreviewable", "publish", "unlist", "addCertificationComment",
        }  # fmt: skip
        assert {action_name(cls) for cls in ACTIONS} == names
        for name in ("updatePreviewable", "unlist"):
            assert action_name(type(codec.from_wire({"action": name}, UpdateAction))) == name


class TestTables:
    """The tables are complete and well formed."""

    def test_every_status_has_a_row(self) -> None:
        """Both tables have a row for every value of their enum."""
        assert set(lifecycle.STATUS_TRANSITIONS) == set(ConnectorStatus)
        assert set(lifecycle.PREVIEW_TRANSITIONS) == set(IsPreviewable)

    @pytest.mark.parametrize("status", list(ConnectorStatus))
    def test_targets_are_statuses_or_errors(self, status: ConnectorStatus) -> None:
        """A target is a status or a DomainError class, nothing else."""
        for target in lifecycle.STATUS_TRANSITIONS[status].values():
            assert isinstance(target, ConnectorStatus) or issubclass(target, DomainError)

    def test_processing_accepts_nothing_from_the_creator(self) -> None:
        """Processing's row holds service events only."""
        for key in lifecycle.STATUS_TRANSITIONS[ConnectorStatus.PROCESSING]:
            kind = key[0] if isinstance(key, tuple) else key
            assert kind not in ACTIONS and key != lifecycle.EDIT

    def test_every_status_is_reachable_from_draft(self) -> None:
        """Following the table's status targets from Draft reaches every status."""
        seen, todo = {ConnectorStatus.DRAFT}, [ConnectorStatus.DRAFT]
        while todo:
            for target in lifecycle.STATUS_TRANSITIONS[todo.pop()].values():
                if isinstance(target, ConnectorStatus) and target not in seen:
                    seen.add(target)
                    todo.append(target)
        assert seen == set(ConnectorStatus)

    def test_no_status_is_a_trap(self) -> None:
        """Every status has a way out to another status."""
        for status, row in lifecycle.STATUS_TRANSITIONS.items():
            assert any(isinstance(t, ConnectorStatus) and t is not status for t in row.values()), status

    def test_an_edit_leads_where_edits_stay(self) -> None:
        """Where an edit is accepted, it leads to a status that accepts edits and keeps it: what lets the
        reducer check a run of private-project actions against the lock once."""
        for status, row in lifecycle.STATUS_TRANSITIONS.items():
            moved = row.get(lifecycle.EDIT)
            if isinstance(moved, ConnectorStatus):
                assert lifecycle.STATUS_TRANSITIONS[moved].get(lifecycle.EDIT) is moved, status

    def test_pending_is_left_only_by_the_service(self) -> None:
        """From pending, only the three preview events lead anywhere."""
        row = lifecycle.PREVIEW_TRANSITIONS[IsPreviewable.PENDING]
        leaving = {k for k, t in row.items() if isinstance(t, IsPreviewable)}
        assert leaving == set(lifecycle.ANY_STATUS)


class TestDocs:
    """docs/lifecycle.md shows the tables as they are."""

    def test_lifecycle_page_holds_the_generated_part(self) -> None:
        """The generated part of docs/lifecycle.md equals what the tables render now."""
        page = (DOCS / "lifecycle.md").read_text()
        start = page.index(diagram.BEGIN)
        end = page.index(diagram.END) + len(diagram.END) + 1
        assert page[start:end] == diagram.lifecycle_markdown(), (
            "docs/lifecycle.md is stale: regenerate it with python -m connector_domain diagram --markdown"
        )

    def test_matrix_has_a_row_per_input_key(self) -> None:
        """The matrix lists every input key of the table once."""
        keys = {key for row in lifecycle.STATUS_TRANSITIONS.values() for key in row}
        rows = [line for line in diagram.matrix().splitlines() if line.startswith("| ") and "->" in line]
        assert len(rows) == len(keys) + len(lifecycle.PREVIEW_TRANSITIONS)

    def test_every_error_code_is_documented(self) -> None:
        """docs/wire-format.md lists every error class with its HTTP status."""
        import connector_domain.errors as errors

        page = (DOCS / "wire-format.md").read_text()
        for name in errors.__all__:
            cls = getattr(errors, name)
            if cls is DomainError:
                continue
            assert f"| `{cls.code}` | {cls.status_code} |" in page, cls.code


def _staged(status: ConnectorStatus, previewable: IsPreviewable) -> ConnectorStaged:
    created = create(codec.from_wire(fixture("draft.json"), ConnectorStagedDraft), id="id-1")
    return attrs.evolve(created, status=status, is_previewable=previewable)


_ALL_KEYS = sorted({key for kind in (*ACTIONS, *get_args(ServiceEvent)) for key in lifecycle.keys_of(kind)}, key=repr)


class TestTarget:
    """``lifecycle.target``: the one lookup of both tables."""

    def test_only_target_reads_the_tables(self) -> None:
        """Outside diagram.py, the tables are read in lifecycle.target alone, once each."""
        package = Path(lifecycle.__file__).parent
        for path in package.rglob("*.py"):
            if path.name not in ("diagram.py", "lifecycle.py"):
                text = path.read_text()
                assert "STATUS_TRANSITIONS" not in text and "PREVIEW_TRANSITIONS" not in text, path
        source = Path(lifecycle.__file__).read_text()
        body = source[source.index("def target(") :]
        body = body[: body.index("\n# ---")]
        assert body.count("step(STATUS_TRANSITIONS") == 1 and body.count("step(PREVIEW_TRANSITIONS") == 1
        elsewhere = source.replace(body, "")
        assert "step(" not in elsewhere and "TRANSITIONS[" not in elsewhere and "TRANSITIONS.get" not in elsewhere

    @pytest.mark.parametrize("previewable", list(IsPreviewable))
    @pytest.mark.parametrize("status", list(ConnectorStatus))
    @pytest.mark.parametrize("key", _ALL_KEYS, ids=repr)
    def test_a_key_answers_as_its_cells(
        self, key: lifecycle.InputKey, status: ConnectorStatus, previewable: IsPreviewable
    ) -> None:
        """For every state and key, target is what the two tables' cells say, read here by hand."""
        staged = _staged(status, previewable)
        got = lifecycle.target(staged, key)
        cell = lifecycle.STATUS_TRANSITIONS[status].get(key)
        kind = key[0] if isinstance(key, tuple) else key
        if cell is None:
            assert isinstance(got, InvalidOperation) and got.status is status
            return
        if not isinstance(cell, ConnectorStatus):
            assert type(got) is cell
            return
        preview = lifecycle.PREVIEW_TRANSITIONS[previewable].get(kind) if kind in lifecycle.PREVIEW_INPUTS else None
        if kind in lifecycle.PREVIEW_INPUTS and preview is None:
            assert isinstance(got, InvalidOperation) and "isPreviewable" in got.message
        elif kind in lifecycle.PREVIEW_INPUTS and not isinstance(preview, IsPreviewable):
            assert type(got) is preview
        else:
            expected = preview if isinstance(preview, IsPreviewable) else previewable
            assert got == lifecycle.Move(cell, expected, key)

    def test_an_input_is_looked_up_under_its_key(self) -> None:
        """Given an input, target looks it up under input_key and names it as messages do."""
        staged = _staged(ConnectorStatus.PROCESSING, IsPreviewable.NONE)
        refused = lifecycle.target(staged, SetName(name="x"))
        assert refused == InvalidOperation("setName", ConnectorStatus.PROCESSING)
        staged = _staged(ConnectorStatus.DRAFT, IsPreviewable.NONE)
        moved = lifecycle.target(staged, Publish(certification=True))
        assert moved == lifecycle.Move(
            ConnectorStatus.PROCESSING, IsPreviewable.NONE, (Publish, lifecycle.CERTIFICATION_ASKED)
        )

    def test_a_key_is_named_as_messages_name_its_inputs(self) -> None:
        """Given a key, a refusal names its input class by its wire name, and the edit key as "a content action"."""
        staged = _staged(ConnectorStatus.PROCESSING, IsPreviewable.NONE)
        assert lifecycle.target(staged, lifecycle.EDIT) == InvalidOperation(
            "a content action", ConnectorStatus.PROCESSING
        )
        assert lifecycle.target(staged, (Publish, lifecycle.CERTIFICATION_ASKED)) == InvalidOperation(
            "publish", ConnectorStatus.PROCESSING
        )

    def test_keys_of_lists_every_key_an_input_may_have(self) -> None:
        """Every input's input_key is among keys_of its class."""
        staged = _staged(ConnectorStatus.DRAFT, IsPreviewable.NONE)
        requested = attrs.evolve(staged, certification_requested=True)
        for event, on in (
            (Publish(certification=True), staged),
            (Publish(certification=False), staged),
            (PublishingSucceeded(), staged),
            (PublishingSucceeded(), requested),
            (SetName(name="x"), staged),
            (PreviewGranted(), staged),
        ):
            assert lifecycle.input_key(on, event) in lifecycle.keys_of(type(event))


class TestAwaited:
    """What the service owes a state agrees with the tables."""

    @pytest.mark.parametrize("state", list(lifecycle.AWAITED), ids=str)
    def test_each_awaited_event_is_accepted_and_leaves_the_state(self, state: object) -> None:
        """The success and failure events of an awaited state are accepted there and move the waiting state."""
        awaited = lifecycle.AWAITED[state]  # type: ignore[index]
        for kind in (awaited.success, awaited.failure):
            if kind is None:
                continue
            if isinstance(state, ConnectorStatus):
                staged = _staged(state, IsPreviewable.NONE)
                moved = lifecycle.target(staged, kind())
                assert isinstance(moved, lifecycle.Move) and moved.status is not state
            else:
                assert isinstance(state, IsPreviewable)
                staged = _staged(ConnectorStatus.DRAFT, state)
                moved = lifecycle.target(staged, kind())
                assert isinstance(moved, lifecycle.Move) and moved.is_previewable is not state

    def test_each_wait_names_the_work_of_the_service(self) -> None:
        """A publish awaits "publishing", both certification steps "certification", a preview request "preview"."""
        work = {state: awaited.work for state, awaited in lifecycle.AWAITED.items()}
        assert work == {
            ConnectorStatus.PROCESSING: "publishing",
            ConnectorStatus.READY_FOR_CERTIFICATION: "certification",
            ConnectorStatus.IN_CERTIFICATION: "certification",
            IsPreviewable.PENDING: "preview",
        }

    def test_the_awaited_states_are_those_that_list_service_events(self) -> None:
        """A status is awaited exactly when its row lists a service event besides the preview events."""
        service = set(get_args(ServiceEvent)) - set(lifecycle.ANY_STATUS)
        listing = {
            status
            for status, row in lifecycle.STATUS_TRANSITIONS.items()
            if any((k[0] if isinstance(k, tuple) else k) in service for k in row)
        }
        assert {s for s in lifecycle.AWAITED if isinstance(s, ConnectorStatus)} == listing
        assert {s for s in lifecycle.AWAITED if isinstance(s, IsPreviewable)} == {IsPreviewable.PENDING}
        assert set(lifecycle.awaited(_staged(ConnectorStatus.PROCESSING, IsPreviewable.PENDING))) == {
            lifecycle.AWAITED[ConnectorStatus.PROCESSING],
            lifecycle.AWAITED[IsPreviewable.PENDING],
        }


def test_accepts_is_whether_target_moves() -> None:
    """lifecycle.accepts agrees with target for every key and state."""
    for status in ConnectorStatus:
        for previewable in IsPreviewable:
            staged = _staged(status, previewable)
            for key in _ALL_KEYS:
                assert lifecycle.accepts(staged, key) is isinstance(lifecycle.target(staged, key), lifecycle.Move)
