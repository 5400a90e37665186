"""The codec's fast path changes nothing but speed (``connector_domain._fast``).

The reference is the detailed path alone: converters made with
``make_converter(fast_path=False)``. Properties, for the wire form and the
record form, over every type the codec reads (the ConnectorStaged's, the
actions and events, the Deployment's):

- every generated valid value is written the same by both, key order
  included, and its document is read by the fast function alone (it never
  falls back on a valid document) to the value the detailed path reads;
- every generated document with up to three values spoiled, and every near
  miss of its kind at some places of one, gets the same outcome from the
  codec as from the detailed path: the same value, or an ``InvalidInput``
  with the same problems; and the fast function alone refuses whatever the
  detailed path refuses.

Examples pin the refusals the fast path hands over, with their messages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

import attrs
import pytest
from cattrs import Converter
from hypothesis import event, given
from hypothesis import strategies as st

from connector_domain import codec
from connector_domain.actions import ACTION_TYPES, ConnectorUpdate, SetName, UpdateAction
from connector_domain.deployment.actions import DeploymentUpdateAction, Redeploy
from connector_domain.deployment.events import DeploymentServiceEvent
from connector_domain.deployment.model import DeploymentPagedQueryResponse, JsonValue
from connector_domain.events import ServiceEvent
from connector_domain.model import ConnectorStaged, ConnectorStagedDraft, ConnectorStatus, Creator
from connector_domain.testing import strategies as s
from tests.conftest import FIXTURES, heavy
from tests.documents import DROP, at, edit, places

DETAILED: Final = codec.make_converter(fast_path=False)
DETAILED_RECORD: Final = codec.make_converter(record=True, fast_path=False)

_ACTIONS: Final = frozenset(ACTION_TYPES)
_EVENTS: Final = frozenset(codec._EVENT_TYPES)
_DEPLOYMENT_EVENTS: Final = frozenset(codec._DEPLOYMENT_EVENT_TYPES)


def read_as(value: Any) -> Any:
    """The type a document of *value* is read as: its union for an action or an event, else its class."""
    kind = type(value)
    if kind in _ACTIONS:
        return UpdateAction
    if kind in _EVENTS:
        return ServiceEvent
    if kind in _DEPLOYMENT_EVENTS:
        return DeploymentServiceEvent
    if kind is Redeploy:
        return DeploymentUpdateAction
    return kind


def values(*, record: bool) -> st.SearchStrategy[Any]:
    """A value of any type the codec reads, nested ones included."""
    return st.one_of(
        s.connector_staged(record=record),
        s.drafts(),
        s.connectors(),
        s.paged_responses(),
        s.creators(),
        s.reports(),
        s.configuration_applications(),
        s.certification_infos(),
        s.update_actions(),
        s.updates(),
        s.service_events(),
        s.deployments(),
        s.deployment_drafts(),
        s.deployment_updates(),
        s.redeploys(),
        s.deployment_paged_responses(),
        s.deployment_log_pages(),
        s.deployment_service_events(),
        s.connector_references(),
    )


def write(conv: Converter, value: Any) -> Any:
    """*value* in *conv*'s form, as the codec writes it."""
    return codec._unstructure(conv, value)


def outcome(conv: Converter, data: Any, cls: Any) -> tuple[str, Any]:
    """What reading *data* as *cls* with *conv* gives: its value, or its refusal's problems."""
    try:
        return ("value", codec._structure(conv, data, cls))
    except codec.InvalidInput as exc:
        return ("refused", (exc.problems, exc.more, exc.error))


def quick(conv: Converter, cls: Any) -> Callable[[Any], Any]:
    """*conv*'s fast function for *cls*: reading with it alone shows whether the fast path took a document."""
    hook = conv.get_structure_hook(cls)
    assert hasattr(hook, "quick"), f"{cls!r} has no fast path"
    made: Callable[[Any], Any] = hook.quick
    return made


def nested(value: Any) -> list[Any]:
    """*value* and every attrs instance inside it."""
    found = [value]
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            found += nested(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            found += nested(item)
    return found


# --- Valid documents -----------------------------------------------------------------


class TestValidDocuments:
    @heavy
    @given(value=values(record=False))
    def test_the_wire_form_is_written_and_read_the_same(self, value: Any) -> None:
        self._check(value, codec.converter, DETAILED)

    @heavy
    @given(value=values(record=True))
    def test_the_record_form_is_written_and_read_the_same(self, value: Any) -> None:
        self._check(value, codec.record_converter, DETAILED_RECORD)

    @staticmethod
    def _check(value: Any, fast: Converter, detailed: Converter) -> None:
        document = write(detailed, value)
        written = write(fast, value)
        assert written == document
        # The same JSON text: the same keys, in the same order.
        assert json.dumps(written, ensure_ascii=False) == json.dumps(document, ensure_ascii=False)
        cls = read_as(value)
        read = quick(fast, cls)(document)  # never falls back on a valid document
        assert read == outcome(detailed, document, cls)[1] == value
        assert type(read) is type(value)
        for part in nested(read):
            if attrs.has(type(part)):
                attrs.validate(part)

    def test_every_type_the_codec_reads_has_a_fast_path(self) -> None:
        for conv in (codec.converter, codec.record_converter):
            for cls in codec._READABLE - {JsonValue}:  # a JSON value has one reading, its own hook
                quick(conv, cls)
                if attrs.has(cls) and cls is not DeploymentUpdateAction:  # a union of one writes its tag first
                    assert conv.get_unstructure_hook(cls).__name__.startswith("unstructure_"), cls

    @pytest.mark.parametrize("name", ["staged.json", "created-draft.json", "updated-draft.json"])
    def test_the_official_examples_read_the_same(self, name: str) -> None:
        document = json.loads((FIXTURES / name).read_text())
        assert codec.from_wire(document, ConnectorStaged) == outcome(DETAILED, document, ConnectorStaged)[1]
        assert codec.to_wire(codec.from_wire(document, ConnectorStaged)) == document

    def test_the_deployment_examples_read_the_same(self) -> None:
        document = json.loads((FIXTURES / "deployment" / "paged.json").read_text())
        page = codec.from_wire(document, DeploymentPagedQueryResponse)
        assert page.results
        assert page == outcome(DETAILED, document, DeploymentPagedQueryResponse)[1]
        assert codec.to_wire(page) == write(DETAILED, page)


# --- Spoiled documents ----------------------------------------------------------------

#: JSON-like values that break a document where they land, or not (a null where a default is, ...).
_ANYWHERE: Final = st.sampled_from(
    [None, True, 0, 1.0, 2**63, "", "x", "\ud800", [], {}, [None], {"action": "setName"}]
)


def _spoilers(current: Any) -> st.SearchStrategy[Any]:
    """Values to put where *current* is: near misses of its own kind first, anything else sometimes."""
    return st.one_of(st.sampled_from(_near_misses(current)), _ANYWHERE, st.text(max_size=4), st.integers())


def _near_misses(current: Any) -> list[Any]:
    """Values of *current*'s kind, or of the kinds a reader confuses with it, each a little off."""
    near: list[Any]
    if isinstance(current, bool):
        near = [not current, None, 1, 0, "true", "false"]
    elif isinstance(current, int):
        near = [current + 1, -current, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, float(current), True, str(current)]
    elif isinstance(current, str):
        near = [
            current + "\ud800", "\udc00" + current, current + "\n", current + " ", current + "é", current[:1],
            current.lower(), current.upper(), current[1:], "", 3, None, [current],
            "2023-02-30T00:00:00.000Z", "2023-08-08T17:00:60.000Z", "2023-08-08T17:00:59.327+01:00",
            "2023-08-08T17:00:59.3271Z", "2023-08-08 17:00:59Z", "eu:x", "git@github.com:o/r.git",
        ]  # fmt: skip
    elif isinstance(current, list):
        near = [[], [None], [*current, *current], current[1:], {}, None, "x", [current]]
    elif isinstance(current, dict):
        near = [{}, [], None, {**current, "x": None}, {key: None for key in current}]
    else:
        near = [None, 0, "x"]
    return near


@st.composite
def spoiled(draw: st.DrawFn, *, record: bool) -> tuple[Any, Any]:
    """A valid document, with up to three places replaced, dropped, or given an unknown member; and its type."""
    value = draw(values(record=record))
    document = write(DETAILED_RECORD if record else DETAILED, value)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(places(document)))
        change = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add"]))
        here = at(document, path)
        if change == "drop" and path:
            document = edit(document, path, DROP)
        elif change == "add" and isinstance(here, dict):
            document = edit(document, path, {**here, draw(st.sampled_from(["x", "id", "action"])): draw(_ANYWHERE)})
        else:
            document = edit(document, path, draw(_spoilers(here)))
    return document, read_as(value)


class TestSpoiledDocuments:
    @heavy
    @given(data=st.data(), record=st.booleans())
    def test_a_spoiled_document_gets_the_same_outcome(self, data: st.DataObject, record: bool) -> None:
        """In the wire form or the record form, whichever *record* says."""
        fast, detailed = (codec.record_converter, DETAILED_RECORD) if record else (codec.converter, DETAILED)
        self._check(*data.draw(spoiled(record=record)), fast, detailed)

    @heavy
    @given(data=st.data(), record=st.booleans())
    def test_every_near_miss_at_some_places_agrees(self, data: st.DataObject, record: bool) -> None:
        """Up to four places of a valid document, each given every near miss of its kind in turn."""
        fast, detailed = (codec.record_converter, DETAILED_RECORD) if record else (codec.converter, DETAILED)
        value = data.draw(values(record=record))
        document, cls = write(detailed, value), read_as(value)
        chosen = data.draw(st.lists(st.sampled_from(places(document)), min_size=1, max_size=4, unique=True))
        for path in chosen:
            for near in _near_misses(at(document, path)):
                self._check(edit(document, path, near), cls, fast, detailed, count=False)

    @staticmethod
    def _check(document: Any, cls: Any, fast: Converter, detailed: Converter, *, count: bool = True) -> None:
        expected = outcome(detailed, document, cls)
        if count:
            event(expected[0])
        assert outcome(fast, document, cls) == expected
        try:
            read = quick(fast, cls)(document)
        except Exception:
            return  # refused on the fast path: the detailed path then had the last word, above
        assert expected == ("value", read)


class TestExamples:
    """The cases the fast path must hand to the detailed path, with the detailed path's message."""

    STAGED: Final = json.loads((FIXTURES / "staged.json").read_text())

    @pytest.mark.parametrize(
        ("change", "problem"),
        [
            ({"version": 2**63}, ("version", "expected a signed 64-bit integer, got one out of that range")),
            ({"version": True}, ("version", "expected an integer, got a boolean")),
            ({"name": "a\ud800"}, ("name", "expected valid Unicode, got a string with a lone surrogate")),
            ({"status": "draft"}, ("status", "'draft' is not one of 'Draft', 'Processing', 'ReadyForCertification', "
                                             "'InCertification', 'Published', 'Failed'")),
            ({"privateProjects": ("eu:x",)}, ("privateProjects[0]", "'eu:x' does not match "
                                                                    "^[a-zA-Z0-9-_.]+:[a-zA-Z0-9-_]{2,36}$")),
            ({"private": None}, ("private", "expected a boolean, got null")),
        ],
    )  # fmt: skip
    def test_a_refusal_is_the_detailed_paths(self, change: dict[str, Any], problem: tuple[str, str]) -> None:
        document = {**self.STAGED, **change}
        with pytest.raises(Exception):  # noqa: B017 (any exception: the fast path says nothing more)
            quick(codec.converter, ConnectorStaged)(document)
        with pytest.raises(codec.InvalidInput) as refused:
            codec.from_wire(document, ConnectorStaged)
        assert refused.value.problems == [problem]
        assert outcome(DETAILED, document, ConnectorStaged) == ("refused", ([problem], 0, refused.value.error))

    def test_a_day_the_month_has_not_is_refused_as_before(self) -> None:
        entry = {"type": "Error", "title": "t", "createdAt": "2023-02-30T00:00:00.000Z"}
        document = {**self.STAGED, "publishingReport": {"entries": [entry]}}
        with pytest.raises(codec.InvalidInput) as refused:
            codec.from_wire(document, ConnectorStaged)
        assert refused.value.problems == [
            (
                "publishingReport.entries[0].createdAt",
                '"2023-02-30T00:00:00.000Z" is not a valid UTC date-time like 2023-08-08T17:00:59.327Z',
            )
        ]

    def test_null_reads_as_absent_and_unknown_fields_are_ignored_on_the_fast_path(self) -> None:
        document = {**self.STAGED, "status": None, "documentationUrl": None, "somethingNew": [1, {"a": None}]}
        read = quick(codec.converter, ConnectorStaged)(document)
        assert read.status is ConnectorStatus.DRAFT
        assert read.documentation_url is None
        assert read == codec.from_wire(document, ConnectorStaged)

    def test_a_draft_runs_its_checks_on_the_fast_path(self) -> None:
        draft = {"name": "n", "creator": {"email": "e"}, "repository": {"url": "https://gitlab.com/o/r", "tag": "t"}}
        with pytest.raises(ValueError):
            quick(codec.converter, ConnectorStagedDraft)(draft)
        with pytest.raises(codec.InvalidInput) as refused:
            codec.from_wire(draft, ConnectorStagedDraft)
        assert [path for path, _ in refused.value.problems] == ["repository.url"]

    def test_a_json_value_reads_and_writes_as_before(self) -> None:
        # Its own hook reads it on both paths; inside a Deployment, the fast path calls that hook.
        value = codec.from_wire({"x": [1, "é", None]}, JsonValue)
        assert value == outcome(DETAILED, {"x": [1, "é", None]}, JsonValue)[1]
        assert codec.to_wire(value) == {"x": [1, "é", None]}

    def test_a_union_reads_its_tag_first(self) -> None:
        assert codec.from_wire({"action": "setName", "name": "n"}, UpdateAction) == SetName(name="n")
        with pytest.raises(codec.InvalidInput) as refused:
            codec.from_wire({"action": "setname", "name": "n"}, UpdateAction)
        assert refused.value.problems == [("action", "unknown action 'setname'")]
        assert codec.from_wire({"version": 1, "actions": []}, ConnectorUpdate) == ConnectorUpdate(version=1, actions=())

    def test_an_update_of_too_many_actions_is_refused_as_before(self) -> None:
        document = {"version": 1, "actions": [{"action": "setName", "name": "n"}] * 501}
        with pytest.raises(Exception):  # noqa: B017 (any exception: the fast path says nothing more)
            quick(codec.converter, ConnectorUpdate)(document)
        with pytest.raises(codec.InvalidInput) as refused:
            codec.from_wire(document, ConnectorUpdate)
        assert refused.value.problems == [("actions", "must contain at most 500 items, not 501")]

    def test_an_instance_is_written_the_same(self) -> None:
        creator = Creator(email="e", no_of_contributors=3)
        assert codec.to_wire(creator) == write(DETAILED, creator) == {"email": "e", "noOfContributors": 3}
