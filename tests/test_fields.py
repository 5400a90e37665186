"""Strict fields: every field of every value refuses a value of the wrong type, and names itself.

The property test enumerates the attrs classes of the rules core's public
modules and of the Deployment aggregate's (not a hand-written list), builds a valid instance of each, and
replaces each field with a generated value of another type, through the
constructor and through ``attrs.evolve``. Whether a value fits an annotation
is decided here, by ``_fits``, independently of ``connector_domain._fields``.
"""

from __future__ import annotations

import enum
import functools
import importlib
import pkgutil
import types
import typing
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import connector_domain
import connector_domain.deployment
from connector_domain import (
    Connector,
    ConnectorReport,
    ConnectorStaged,
    Creator,
    DomainError,
    InvalidJsonInput,
    PublishingSucceeded,
    Region,
    Repository,
    SetName,
    Unlist,
    codec,
)
from connector_domain._fields import WrongTypeError, checked, typed, utc_millisecond
from connector_domain.access import connector_snapshot
from connector_domain.deployment import (
    Deployment,
    DeploymentDraft,
    DeploymentFailed,
    DeploymentUpdate,
    JsonValue,
    Redeploy,
)
from connector_domain.testing import strategies as cds
from tests.conftest import fixture

STAGED = codec.from_wire(fixture("staged.json"), ConnectorStaged)


def _public_attrs_classes() -> list[type]:
    """Every attrs class defined in a public module of the rules core: the package's root, and ``deployment``."""
    found = []
    modules = [
        f"{package.__name__}.{info.name}"
        for package in (connector_domain, connector_domain.deployment)
        for info in pkgutil.iter_modules(package.__path__)
        if not (info.ispkg or info.name.startswith("_"))
    ]
    for name in modules:
        module = importlib.import_module(name)
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and attrs.has(value) and value.__module__ == module.__name__
        ]
    # DomainError is the base of the errors, and cannot be built bare (see test_errors.py).
    # An alias (DeploymentUpdateAction is Redeploy) is found once.
    found = list(dict.fromkeys(found))
    return sorted((cls for cls in found if cls is not DomainError), key=lambda cls: (cls.__module__, cls.__name__))


CLASSES = _public_attrs_classes()


def _members(t: Any) -> tuple[Any, ...]:
    return typing.get_args(t) if typing.get_origin(t) in (typing.Union, types.UnionType) else (t,)


def _fits(value: Any, t: Any) -> bool:
    """Whether *value* is of annotation *t*, as the library's rules read it."""
    if len(_members(t)) > 1:
        return any(_fits(value, member) for member in _members(t))
    if typing.get_origin(t) is tuple:
        item_type = typing.get_args(t)[0]
        return type(value) is tuple and all(_fits(item, item_type) for item in value)
    if t is type(None):
        return value is None
    if t is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if t is datetime:
        return isinstance(value, datetime) and value.utcoffset() is not None
    assert isinstance(t, type), t
    return isinstance(value, t)


# One value of every type a field could be mistakenly given: JSON's, Python's, the enums', and values of
# the library. Drawing from a fixed pool (filtered per annotation) keeps the test fast for every class and
# field; what a type check decides is the type, so a value per type is what matters.
_POOL: list[Any] = [
    None, True, False, 0, 3, -1, 1.5, "", "x", "true", "3", b"x", bytearray(b"x"), [], ["x"], [3], (), ("x",), (3,),
    {}, {"a": 1}, {"x"}, frozenset(), object(), datetime(2024, 1, 1), datetime(2024, 1, 1, tzinfo=UTC),
    *(next(iter(kind)) for models in (connector_domain.model, connector_domain.deployment.model)
      for kind in vars(models).values()
      if isinstance(kind, type) and issubclass(kind, enum.Enum) and kind.__module__ == models.__name__),
    Creator(email="e"), Repository(url="https://github.com/o/r", tag="t"), SetName(name="n"), Unlist(),
    ConnectorReport(entries=()), PublishingSucceeded(), InvalidJsonInput("x"),
]  # fmt: skip


@functools.cache
def _plans(t: Any) -> st.SearchStrategy[tuple[Any, ...]]:
    """How to make a value that does not fit *t* out of a field's current value (see ``_wrong``)."""
    plans: list[st.SearchStrategy[tuple[Any, ...]]] = [
        st.sampled_from([v for v in _POOL if not _fits(v, t)]).map(lambda v: ("value", v))
    ]
    tuples = [m for m in _members(t) if typing.get_origin(m) is tuple]
    if tuples:
        item_type = typing.get_args(tuples[0])[0]
        wrong_item = st.sampled_from([v for v in _POOL if not _fits(v, item_type)])
        plans += [st.just(("list",)), st.tuples(st.just("splice"), wrong_item, st.integers(0, 3))]
    return st.one_of(plans)


def _wrong(plan: tuple[Any, ...], current: Any) -> Any:
    """A value from the pool; or the current items as a list; or them with one wrong item inserted."""
    if plan[0] == "value":
        return plan[1]
    items = current if isinstance(current, tuple) else ()
    if plan[0] == "list":
        return list(items)
    _, item, at = plan
    return (*items[:at], item, *items[at:])


# A ConnectorStaged in any state (not only reachable ones) is as valid a value, and much faster to build.
_INSTANCES: dict[type, st.SearchStrategy[Any]] = {
    ConnectorStaged: cds.connector_staged(),
    Connector: cds.connector_staged().map(connector_snapshot),
    Deployment: cds.deployments(),
}


def _assert_refused(build: Any, cls: type, field: attrs.Attribute[Any], value: Any) -> None:
    with pytest.raises(ValueError) as raised:
        build()
    message = str(raised.value)
    assert message.startswith(f"{cls.__name__}.{field.name}"), message
    # A naive datetime is a datetime, but not an aware one: a ValueError. Every other refusal is of a type.
    if not isinstance(value, datetime):
        assert isinstance(raised.value, WrongTypeError) and isinstance(raised.value, TypeError), message


class TestEveryFieldChecksItsType:
    """Every entity, action, service event and error refuses a wrong-typed field, and names it."""

    def test_the_enumeration_finds_every_kind(self) -> None:
        """The classes found include entities, actions, events and errors, and each has the type checks."""
        modules = {cls.__module__ for cls in CLASSES}
        assert {f"connector_domain.{name}" for name in ("model", "actions", "events", "errors")} <= modules
        assert {f"connector_domain.deployment.{name}" for name in ("model", "actions", "events")} <= modules
        assert {Deployment, DeploymentDraft, Redeploy, DeploymentUpdate, DeploymentFailed, JsonValue} <= set(CLASSES)
        assert len(CLASSES) > 90
        for cls in CLASSES:
            for field in attrs.fields(cls):
                assert field.validator is not None or field.converter is not None, (cls, field.name)

    @pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
    # Each example tries every field of the class, so a hundred give each field a hundred tries,
    # whatever the profile: the thorough profile's 400 would only add minutes to the suite.
    @settings(max_examples=min(settings().max_examples, 100))
    @given(data=st.data())
    def test_wrong_types_are_refused(self, cls: type, data: st.DataObject) -> None:
        """A valid instance, with any one field of the wrong type, cannot be built or evolved."""
        instance = data.draw(_INSTANCES.get(cls, st.from_type(cls)), label="instance")
        attrs.validate(instance)
        hints = typing.get_type_hints(cls)
        values = {field.alias: getattr(instance, field.name) for field in attrs.fields(cls)}
        for field in attrs.fields(cls):
            wrong = _wrong(data.draw(_plans(hints[field.name]), label=field.name), values[field.alias])
            _assert_refused(lambda: cls(**{**values, field.alias: wrong}), cls, field, wrong)  # noqa: B023
            _assert_refused(lambda: attrs.evolve(instance, **{field.alias: wrong}), cls, field, wrong)  # noqa: B023


class TestExamples:
    """The cases that were once accepted, and what the checks say."""

    def test_creator_email_must_be_a_string(self) -> None:
        """Creator(email=3) is refused, naming the field."""
        with pytest.raises(WrongTypeError, match=r"^Creator\.email: expected a string, got int 3$"):
            Creator(email=3)  # type: ignore[arg-type]

    def test_connector_booleans_must_be_booleans(self) -> None:
        """Connector(private="yes", certified="no") is refused at the first wrong field."""
        snapshot = {field.name: getattr(STAGED, field.name) for field in attrs.fields(Connector)}
        with pytest.raises(WrongTypeError, match=r"^Connector\.private: expected a boolean, got str 'yes'$"):
            Connector(**{**snapshot, "private": "yes", "certified": "no"})
        with pytest.raises(WrongTypeError, match=r"^Connector\.certified: expected a boolean, got str 'no'$"):
            Connector(**{**snapshot, "private": False, "certified": "no"})

    def test_evolve_checks_too(self) -> None:
        """attrs.evolve(staged, name=3) is refused, so to_wire never meets a number for a name."""
        with pytest.raises(WrongTypeError, match=r"^ConnectorStaged\.name: expected a string, got int 3$"):
            attrs.evolve(STAGED, name=3)  # type: ignore[arg-type]

    def test_an_integer_is_not_a_boolean_nor_a_boolean_an_integer(self) -> None:
        """bool is a subclass of int in Python, not on the wire."""
        with pytest.raises(WrongTypeError, match="version: expected an integer, got bool True"):
            attrs.evolve(STAGED, version=True)
        with pytest.raises(WrongTypeError, match="already_listed: expected a boolean, got int 1"):
            attrs.evolve(STAGED, already_listed=1)  # type: ignore[arg-type]

    def test_a_list_is_not_a_tuple(self) -> None:
        """Sequences are tuples, so values stay hashable and immutable."""
        with pytest.raises(WrongTypeError, match=r"supported_regions: expected a tuple, got list"):
            attrs.evolve(STAGED, supported_regions=list(STAGED.supported_regions))  # type: ignore[arg-type]

    def test_a_wrong_item_is_named_by_its_index(self) -> None:
        """An item of the wrong type, or one that fails its pattern, is named with its index."""
        with pytest.raises(WrongTypeError, match=r"^ConnectorStaged\.supported_regions\[1\]: expected Region, got str"):
            attrs.evolve(STAGED, supported_regions=(Region.US_EAST_2_AWS, "us-east-2.aws"))  # type: ignore[arg-type]
        with pytest.raises(ValueError, match=r"^ConnectorStaged\.private_projects\[0\]: 'nope' does not match"):
            attrs.evolve(STAGED, private_projects=("nope",))

    def test_an_optional_field_takes_none_and_its_type_only(self) -> None:
        """``X | None`` accepts None and an X, and says so when refusing."""
        assert attrs.evolve(STAGED, documentation_url=None).documentation_url is None
        with pytest.raises(
            WrongTypeError, match=r"^ConnectorStaged\.documentation_url: expected a string or None, got int"
        ):
            attrs.evolve(STAGED, documentation_url=1)  # type: ignore[arg-type]

    def test_datetimes_are_aware_and_kept_in_utc(self) -> None:
        """A naive datetime is refused naming the field; an aware one is kept in UTC, to the millisecond."""
        entry = STAGED.publishing_report.entries[0] if STAGED.publishing_report else None
        assert entry is not None
        with pytest.raises(ValueError, match=r"^ConnectorReportEntry\.created_at: expected an aware datetime"):
            attrs.evolve(entry, created_at=datetime(2024, 1, 1))
        with pytest.raises(WrongTypeError, match=r"^ConnectorReportEntry\.created_at: expected an aware datetime"):
            attrs.evolve(entry, created_at="2024-01-01T00:00:00Z")  # type: ignore[arg-type]
        moment = datetime(2024, 1, 1, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
        assert attrs.evolve(entry, created_at=moment).created_at == datetime(2024, 1, 1, 11, 0, 0, 123000, tzinfo=UTC)

    def test_wire_data_stays_json_typed(self) -> None:
        """What to_wire is given was checked when it was built: the wrong value never gets that far."""
        with pytest.raises(WrongTypeError):
            codec.to_wire(attrs.evolve(STAGED, private="yes"))  # type: ignore[arg-type]
        assert codec.to_wire(STAGED)["private"] is False


class TestTheTransformer:
    """``_fields.typed`` refuses, when a class is created, what it cannot check."""

    @pytest.mark.parametrize("annotation", ["Any", "list[str]", "dict[str, int]", "object", "tuple[str, int]"])
    def test_unsupported_annotations_are_refused_at_class_creation(self, annotation: str) -> None:
        """An annotation with no type check fails when the class is made, naming the field."""
        with pytest.raises(TypeError, match=r"Odd\.field"):
            attrs.frozen(field_transformer=typed)(type("Odd", (), {"__annotations__": {"field": annotation}}))

    def test_hand_written_validators_are_refused(self) -> None:
        """A validator beside the annotation would be a second mechanism, which the codec would not run."""
        namespace = {"__annotations__": {"field": "str"}, "field": attrs.field(validator=lambda *_: None)}
        with pytest.raises(TypeError, match=r"Odd\.field: .*checked\(\)"):
            attrs.frozen(field_transformer=typed)(type("Odd", (), namespace))

    def test_a_name_not_yet_defined_is_refused(self) -> None:
        """Annotations resolve when the class is made, so they name only what is defined above it."""
        with pytest.raises(TypeError, match=r"Odd\.field: name 'Later' is not defined"):
            attrs.frozen(field_transformer=typed)(type("Odd", (), {"__annotations__": {"field": "Later"}}))

    def test_checks_run_after_the_type_and_never_on_none(self) -> None:
        """A check from checked() runs on a value of the right type, and not on None."""
        seen: list[Any] = []
        namespace = {"__annotations__": {"field": "int | None"}, "field": checked(seen.append, default=None)}
        cls = attrs.frozen(field_transformer=typed)(type("Odd", (), namespace))
        cls(field=None)
        cls(field=3)
        with pytest.raises(WrongTypeError):
            cls(field="3")
        assert seen == [3]


@given(st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(0))])))
def test_utc_millisecond_is_the_instant_in_utc_cut_to_the_millisecond(value: datetime) -> None:
    """Already in UTC (the clocks' case, read without converting) or not, the same instant, in UTC, to the ms."""
    result = utc_millisecond(value)
    expected = value.astimezone(UTC)
    expected = expected.replace(microsecond=expected.microsecond // 1000 * 1000)
    assert result == expected and result.tzinfo is UTC
    assert utc_millisecond(result) == result


def test_utc_millisecond_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        utc_millisecond(datetime(2024, 1, 1))
