"""Property tests: the rules of the reducer and the codec, for all states and all inputs."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from connector_domain import (
    AddCertificationComment,
    AddPrivateProject,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorUpdate,
    DomainError,
    IsPreviewable,
    PreviewGranted,
    PublishingSucceeded,
    RemovePrivateProject,
    ServiceEvent,
    UpdateAction,
    apply,
    apply_update,
    codec,
    create,
)
from connector_domain._machine import trusted
from connector_domain.actions import CONTENT_ACTIONS, SetName
from connector_domain.errors import ConnectorStagedNotPrivate
from connector_domain.model import (
    ConnectorConfigurationApplication,
    ConnectorStatus,
    Creator,
    Repository,
    check_application_name,
    check_key,
    check_project_identifier,
)
from connector_domain.testing import strategies as cds

AT = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
#: A few projects, so that generated actions meet the ones already listed.
_PROJECTS = ["a-project:ab", "b-project:ab", "c-project:ab"]
BY = "certifier-project"


def _differs_beyond_version(before: ConnectorStaged, after: ConnectorStaged) -> bool:
    return attrs.evolve(after, version=before.version) != before


# --- The wire form --------------------------------------------------------------------


class TestWireRoundTrip:
    """Every generated value survives to_wire then from_wire."""

    @given(cds.connector_staged(record=False))
    def test_connector_staged(self, staged: ConnectorStaged) -> None:
        """A ConnectorStaged in its wire form round-trips unchanged."""
        assert codec.from_wire(codec.to_wire(staged), ConnectorStaged) == staged

    @given(cds.connector_staged(record=False))
    def test_connector_staged_through_json_text(self, staged: ConnectorStaged) -> None:
        """The same holds through JSON text, and the wire data is stable on a second trip."""
        text = codec.dumps(staged)
        assert codec.loads(text, ConnectorStaged) == staged
        assert codec.dumps(codec.loads(text, ConnectorStaged)) == text

    @given(cds.update_actions())
    def test_update_action(self, action: Any) -> None:
        """An update action round-trips through its tagged wire form."""
        wire = codec.to_wire(action)
        assert isinstance(wire["action"], str)
        assert codec.from_wire(wire, UpdateAction) == action

    @given(cds.updates())
    def test_update_request(self, update: ConnectorUpdate) -> None:
        """An update request round-trips."""
        assert codec.from_wire(codec.to_wire(update), ConnectorUpdate) == update

    @given(cds.service_events())
    def test_service_event(self, event: Any) -> None:
        """A service event round-trips through its wire form tagged by ``type``, and through JSON text."""
        wire = codec.to_wire(event)
        assert wire["type"] == type(event).__name__
        assert codec.from_wire(wire, ServiceEvent) == event
        assert codec.loads(codec.dumps(event), ServiceEvent) == event

    @given(cds.drafts())
    def test_draft(self, draft: ConnectorStagedDraft) -> None:
        """A draft round-trips, absent lists kept apart from empty ones."""
        assert codec.from_wire(codec.to_wire(draft), ConnectorStagedDraft) == draft

    @given(
        st.one_of(
            cds.creators(),
            cds.repositories(),
            cds.reports(),
            cds.configuration_applications(),
            cds.certification_infos(),
            cds.paged_responses(),
        )
    )
    def test_other_entities(self, value: Any) -> None:
        """Every other entity round-trips."""
        assert codec.from_wire(codec.to_wire(value), type(value)) == value

    @given(cds.connector_staged(record=False))
    def test_wire_data_is_json_ready(self, staged: ConnectorStaged) -> None:
        """to_wire writes only str, int, float, bool, list and dict."""

        def check(value: Any) -> None:
            assert type(value) in (str, int, float, bool, list, dict), type(value)
            if isinstance(value, list):
                for item in value:
                    check(item)
            if isinstance(value, dict):
                for key, item in value.items():
                    assert isinstance(key, str)
                    check(item)

        check(codec.to_wire(staged))


class TestPatterns:
    """Generated valid values are accepted and generated near misses rejected."""

    @given(cds.keys())
    def test_valid_keys_accepted(self, key: str) -> None:
        """A valid key passes the check and builds a draft."""
        check_key(key)
        draft = ConnectorStagedDraft(
            key=key, name="n", creator=Creator(email="e"), repository=Repository(url="https://github.com/o/r", tag="t")
        )
        assert codec.from_wire(codec.to_wire(draft), ConnectorStagedDraft).key == key

    @given(cds.key_near_misses())
    def test_key_near_misses_rejected(self, key: str) -> None:
        """A near-miss key is refused by the constructor and by the codec, at the path `key`."""
        with pytest.raises(ValueError):
            check_key(key)
        wire = {
            "name": "n",
            "creator": {"email": "e"},
            "repository": {"url": "https://github.com/o/r", "tag": "t"},
            "key": key,
        }
        with pytest.raises(codec.InvalidInput) as raised:
            codec.from_wire(wire, ConnectorStagedDraft)
        assert [path for path, _ in raised.value.problems] == ["key"]

    @given(cds.project_identifiers())
    def test_valid_project_identifiers_accepted(self, project: str) -> None:
        """A valid ProjectIdentifier builds addPrivateProject and parses from the wire."""
        check_project_identifier(project)
        wire = {"action": "addPrivateProject", "privateProject": project}
        assert codec.from_wire(wire, AddPrivateProject).private_project == project

    @given(cds.project_identifier_near_misses())
    def test_project_identifier_near_misses_rejected(self, project: str) -> None:
        """A near-miss ProjectIdentifier cannot build an action, and the codec names the field."""
        with pytest.raises(ValueError):
            AddPrivateProject(private_project=project)
        with pytest.raises(ValueError):
            RemovePrivateProject(private_project=project)
        wire = {
            "version": 1,
            "actions": [{"action": "setName", "name": "x"}, {"action": "addPrivateProject", "privateProject": project}],
        }
        with pytest.raises(codec.InvalidInput) as raised:
            codec.from_wire(wire, ConnectorUpdate)
        assert [path for path, _ in raised.value.problems] == ["actions[1].privateProject"]

    @given(cds.application_names())
    def test_valid_application_names_accepted(self, name: str) -> None:
        """A valid application name passes."""
        check_application_name(name)

    @given(cds.application_name_near_misses())
    def test_application_name_near_misses_rejected(self, name: str) -> None:
        """A near-miss application name is refused at `applicationName`."""
        with pytest.raises(ValueError):
            check_application_name(name)
        wire = {
            "applicationName": name,
            "applicationType": "service",
            "standardConfiguration": [],
            "securedConfiguration": [],
        }
        with pytest.raises(codec.InvalidInput) as raised:
            codec.from_wire(wire, ConnectorConfigurationApplication)
        assert [path for path, _ in raised.value.problems] == ["applicationName"]


# --- The reducer ------------------------------------------------------------------------


class TestApply:
    """Rules of apply, for every state (reachable or not) and every input."""

    @given(cds.connector_staged(), cds.inputs())
    def test_never_raises_and_returns_a_value(self, staged: ConnectorStaged, event: Any) -> None:
        """Given at and by, apply returns a ConnectorStaged or a DomainError, whatever the state."""
        result = apply(staged, event, at=AT, by=BY)
        assert isinstance(result, ConnectorStaged | DomainError)

    @given(cds.connector_staged(), cds.inputs())
    def test_version_rises_by_one_exactly_when_something_changed(self, staged: ConnectorStaged, event: Any) -> None:
        """An accepted input either returns the same object, or one differing from it with version + 1."""
        result = apply(staged, event, at=AT, by=BY)
        if isinstance(result, DomainError) or result is staged:
            return
        assert result.version == staged.version + 1
        assert _differs_beyond_version(staged, result)

    @given(cds.connector_staged(), st.data())
    def test_same_value_content_actions_change_nothing(self, staged: ConnectorStaged, data: st.DataObject) -> None:
        """A content action that sets what is there is refused or returns the very same object."""
        for action in cds.same_value_actions(staged):
            result = apply(staged, action)
            assert isinstance(result, DomainError) or result is staged, action

    @given(cds.connector_staged(), cds.updates(max_actions=4))
    def test_results_pass_every_validator(self, staged: ConnectorStaged, update: ConnectorUpdate) -> None:
        """The reducer commits without re-running validators; every result still passes them all."""
        results = [apply(staged, action, at=AT, by=BY) for action in update.actions]
        results.append(apply_update(staged, attrs.evolve(update, version=staged.version), at=AT, by=BY))
        for result in results:
            # A refusal built from the resource's fields skips them too (``_machine.trusted``).
            attrs.validate(result)
            assert attrs.evolve(result) == result

    @given(cds.connector_staged())
    def test_a_trusted_refusal_is_the_constructors(self, staged: ConnectorStaged) -> None:
        """What ``trusted`` builds from a valid resource's fields equals what the class's constructor builds."""
        built = trusted(ConnectorStagedNotPrivate)(staged.id, staged.key)
        assert built == ConnectorStagedNotPrivate(staged.id, staged.key)
        assert built.message == ConnectorStagedNotPrivate(staged.id, staged.key).message

    @given(cds.connector_staged(), st.sampled_from([PublishingSucceeded, PreviewGranted]).flatmap(cds.events_of))
    def test_completing_events_set_each_field_they_bring(self, staged: ConnectorStaged, event: Any) -> None:
        """PublishingSucceeded and PreviewGranted set each field they bring but the report; one absent stays.

        Each of their fields but the report (configurations, globalConfiguration,
        apiClient) is a field of the staged, replaced when the event brings it.
        """
        if isinstance(event, PublishingSucceeded):
            staged = attrs.evolve(staged, status=ConnectorStatus.PROCESSING)
        else:
            staged = attrs.evolve(staged, is_previewable=IsPreviewable.PENDING)
        result = apply(staged, event)
        assert isinstance(result, ConnectorStaged), result
        names = [field.name for field in attrs.fields(type(event)) if field.name != "report"]
        assert names, type(event)
        for name in names:
            brought = getattr(event, name)
            assert getattr(result, name) == (getattr(staged, name) if brought is None else brought), name

    @given(cds.connector_staged(), cds.inputs())
    def test_inputs_are_not_mutated(self, staged: ConnectorStaged, event: Any) -> None:
        """Neither the resource nor the input changes (deep copies compare equal after)."""
        staged_before, event_before = copy.deepcopy(staged), copy.deepcopy(event)
        apply(staged, event, at=AT, by=BY)
        assert staged == staged_before
        assert event == event_before

    @given(
        cds.connector_staged(),
        st.sampled_from(
            [ConnectorStatus.PROCESSING, ConnectorStatus.READY_FOR_CERTIFICATION, ConnectorStatus.IN_CERTIFICATION]
        ),
        cds.update_actions(),
    )
    def test_content_actions_are_locked_in_processing_and_certification(
        self, staged: ConnectorStaged, status: ConnectorStatus, action: Any
    ) -> None:
        """Every content action is refused with InvalidOperation in Processing and during certification."""
        assume(type(action) in CONTENT_ACTIONS)
        result = apply(attrs.evolve(staged, status=status), action)
        assert isinstance(result, DomainError) and result.code == "InvalidOperation"

    @given(cds.connector_staged(), cds.update_actions())
    def test_apply_update_of_one_action_agrees_with_apply(self, staged: ConnectorStaged, action: Any) -> None:
        """A one-action request at the right version gives what apply gives."""
        single = apply(staged, action, at=AT, by=BY)
        batch = apply_update(staged, ConnectorUpdate(version=staged.version, actions=(action,)), at=AT, by=BY)
        assert batch == single

    @given(cds.connector_staged(), cds.inputs())
    def test_certification_comment_needs_time_and_author(self, staged: ConnectorStaged, event: Any) -> None:
        """Without at and by, only addCertificationComment raises, and always ValueError."""
        if isinstance(event, AddCertificationComment):
            with pytest.raises(ValueError):
                apply(staged, event)
            with pytest.raises(ValueError):
                apply(staged, event, at=AT)
            with pytest.raises(ValueError):
                apply(staged, event, by=BY)
        else:
            assert isinstance(apply(staged, event), ConnectorStaged | DomainError)


class TestApplyUpdate:
    """Rules of update requests: version check, atomicity, one version per request."""

    @given(cds.connector_staged(), cds.updates())
    def test_stale_version_is_a_concurrent_modification(self, staged: ConnectorStaged, update: ConnectorUpdate) -> None:
        """A request whose version differs gets ConcurrentModification (409) with both versions."""
        assume(update.version != staged.version)
        result = apply_update(staged, update, at=AT, by=BY)
        assert isinstance(result, DomainError)
        assert (result.code, result.status_code) == ("ConcurrentModification", 409)
        assert result.wire_extras() == {"expectedVersion": update.version, "currentVersion": staged.version}

    @given(cds.connector_staged(), cds.updates(max_actions=6))
    def test_batch_is_the_fold_of_its_actions(self, staged: ConnectorStaged, update: ConnectorUpdate) -> None:
        """A request fails with its first failing action's error, else ends where its actions lead, version + 1 once."""
        self.assert_is_the_fold(staged, update)

    @given(
        cds.reachable_staged(),
        st.lists(st.sampled_from(_PROJECTS), max_size=4),
        st.lists(
            st.builds(AddPrivateProject, private_project=st.sampled_from(_PROJECTS))
            | st.builds(RemovePrivateProject, private_project=st.sampled_from(_PROJECTS))
            | st.just(SetName(name="renamed")),
            max_size=10,
        ),
    )
    def test_runs_of_private_project_actions_are_the_fold(
        self, staged: ConnectorStaged, projects: list[str], actions: list[Any]
    ) -> None:
        """Runs of addPrivateProject and removePrivateProject (applied in one pass) end where one at a
        time leads, on any list of projects, duplicates included, in any reachable state."""
        staged = attrs.evolve(staged, private_projects=tuple(projects))
        self.assert_is_the_fold(staged, ConnectorUpdate(version=staged.version, actions=tuple(actions)))
        result = apply_update(staged, ConnectorUpdate(version=staged.version, actions=tuple(actions)))
        if isinstance(result, ConnectorStaged):
            # The list as lifecycle.md words it: an add appends a project not there, a remove drops it.
            expected = staged.private_projects
            for action in actions:
                if isinstance(action, AddPrivateProject) and action.private_project not in expected:
                    expected = (*expected, action.private_project)
                elif isinstance(action, RemovePrivateProject):
                    expected = tuple(p for p in expected if p != action.private_project)
            assert result.private_projects == expected

    @staticmethod
    def assert_is_the_fold(staged: ConnectorStaged, update: ConnectorUpdate) -> None:
        update = attrs.evolve(update, version=staged.version)
        staged_before = copy.deepcopy(staged)
        result = apply_update(staged, update, at=AT, by=BY)
        assert staged == staged_before  # a failed (or any) request leaves its input equal
        current: ConnectorStaged = staged
        for action in update.actions:
            step = apply(current, action, at=AT, by=BY)
            if isinstance(step, DomainError):
                assert result == step
                return
            current = step
        assert isinstance(result, ConnectorStaged)
        if attrs.evolve(current, version=staged.version) == staged:
            assert result is staged
        else:
            assert result.version == staged.version + 1
            assert attrs.evolve(result, version=current.version) == current


class TestCreate:
    """Rules of create, for every draft."""

    @given(cds.drafts(), st.text(min_size=1, max_size=8))
    def test_create_gives_a_fresh_draft(self, draft: ConnectorStagedDraft, id: str) -> None:
        """A created resource is version 1, Draft, private, with nothing published."""
        staged = create(draft, id=id)
        assert isinstance(staged, ConnectorStaged)
        assert (staged.id, staged.version, staged.status) == (id, 1, ConnectorStatus.DRAFT)
        assert staged.private and not staged.has_changes and not staged.already_listed
        assert staged.certified is None and not staged.published_before
        assert staged.configurations == ()

    @given(cds.reachable_staged())
    def test_reachable_states_keep_the_invariants(self, staged: ConnectorStaged) -> None:
        """In every reachable state, private false implies certified, and listing implies publication."""
        if not staged.private:
            assert staged.certified
        if staged.already_listed:
            assert staged.published_before
        if staged.has_changes:
            assert staged.published_before
