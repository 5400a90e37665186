"""The wire codec: the API's camelCase JSON, on one configured cattrs converter.

- ``from_wire(data, cls)`` reads a JSON-like value (what ``json.loads``
  returns) into an entity, an ``UpdateAction`` or a ``ConnectorUpdate``, or
  one of the Deployment's (``connector_domain.deployment``). It is
  strict on types (no coercion: ``"3"`` is not an integer, ``"false"`` is not
  a boolean) and on every documented pattern, and tolerant of what real
  payloads contain: ``null`` equals absent for a field that may be absent,
  and unknown fields are ignored. On bad input it raises ``InvalidInput`` (a
  ``ValueError``), whose ``.error`` is an ``InvalidJsonInput`` naming every
  offending path and why; no other exception escapes for JSON-like input.
- ``to_wire(obj)`` writes JSON-ready data (only str, int, float, bool, list,
  dict), camelCase, absent optionals omitted, datetimes as the API writes
  them (``2023-08-08T17:00:59.327Z``).
- ``loads`` and ``dumps`` do the same from and to JSON text; ``parse_json``
  reads JSON text alone, the same with orjson and without it.
- ``error_response(error)`` writes the ErrorResponse envelope.

The two fields of ``ConnectorStaged`` that the wire cannot carry
(``published_before``, ``certification_requested``) are left out; read from
the wire they are derived (see ``ConnectorStaged``). ``to_record`` and
``from_record`` are the lossless record form that keeps them.

A Deployment never holds a clear secured value (``deployment.model``): the
codec masks the secured values it reads in one (the official examples show
clear text), so its wire form and its record form, the same for a
Deployment, show ``"****"`` for each. What a client sends (a draft, a
``redeploy``) is read and written as sent.
"""

from __future__ import annotations

import enum
import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final, TypeVar, get_args, get_origin, overload

import attrs
from cattrs import Converter
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.strategies import configure_tagged_union

from . import _fast, model
from ._fields import PartProblems, shown, too_many
from .actions import ACTION_TYPES, ACTIONS, ConnectorUpdate, UpdateAction, action_name
from .deployment import model as deployment_model
from .deployment.actions import DeploymentUpdate, DeploymentUpdateAction
from .deployment.events import DeploymentServiceEvent
from .errors import DomainError, InvalidJsonInput
from .events import ServiceEvent

__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "MAX_DEPTH",
    "MAX_PROBLEMS",
    "RECORD_ONLY_FIELDS",
    "InvalidInput",
    "configure_converter",
    "converter",
    "dumps",
    "error_response",
    "from_record",
    "from_wire",
    "loads",
    "make_converter",
    "parse_json",
    "read_datetime",
    "record_converter",
    "to_record",
    "to_wire",
    "wire_of_record",
]

T = TypeVar("T")

#: Fields of the record form that the wire form does not carry (attribute names).
_NOT_ON_THE_WIRE: Final = frozenset({"published_before", "certification_requested"})


#: The most problems an ``InvalidJsonInput`` lists; it counts the others (mock-service.md, decision).
MAX_PROBLEMS: Final = 100


class InvalidInput(ValueError):
    """Raised by ``from_wire`` and ``loads`` for input that does not fit.

    ``.error`` is the ``InvalidJsonInput`` value to answer with;
    ``.problems`` lists ``(path, reason)`` pairs: every one found, up to
    ``MAX_PROBLEMS``; ``.more`` counts those found past them, which the
    error's detail mentions (``and 99900 more problems``). An input's
    problems are found in document order, so the first ones are listed.
    """

    def __init__(self, problems: list[tuple[str, str]], more: int = 0) -> None:
        if len(problems) > MAX_PROBLEMS:
            problems, more = problems[:MAX_PROBLEMS], more + len(problems) - MAX_PROBLEMS
        self.problems = problems
        self.more = more
        detail = "; ".join(f"{path}: {reason}" for path, reason in problems)
        if more:
            detail += f"; and {more} more problem{'s' if more > 1 else ''}"
        self.error = InvalidJsonInput(detail)
        super().__init__(detail)


class _WrongType(TypeError):
    """A JSON value of the wrong JSON type."""

    def __init__(self, expected: str, value: object) -> None:
        super().__init__(f"expected {expected}, got {_json_type(value)}")


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


#: The fields of the record form that the wire form does not carry, as the record spells them.
RECORD_ONLY_FIELDS: Final = frozenset(map(_camel, _NOT_ON_THE_WIRE))


# --- Structure hooks ---------------------------------------------------------


#: A UTF-16 surrogate: a str holding one alone cannot be written as UTF-8 (JSON text).
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
#: The API's integers are int64 (the RAML ``format: int64``).
INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1


def _str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise _WrongType("a string", value)
    if _SURROGATE.search(value) is not None:
        raise ValueError("expected valid Unicode, got a string with a lone surrogate")
    return value


def _int(value: Any, _: type) -> int:
    if isinstance(value, float) and value.is_integer() and not INT64_MIN <= value <= INT64_MAX:
        # A JSON integer past uint64 reads as a double (see parse_json): it is out of range, not a fraction.
        raise ValueError("expected a signed 64-bit integer, got one out of that range")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _WrongType("an integer", value)
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError("expected a signed 64-bit integer, got one out of that range")
    return value


def _bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise _WrongType("a boolean", value)
    return value


# Date, time to the second or finer, and a zone: what the API writes, and its offsets.
#: RFC 3339 date-time (the RAML ``datetime``): ``T``/``t``, ``Z``/``z`` or an offset; linear to match.
_DATETIME: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,  # the digits 0 to 9 only: \d would also match those of other scripts, which int() reads
)
_LIKE: Final = "like 2023-08-08T17:00:59.327Z"
#: The form the API writes, in UTC to the millisecond, with every field in range but the day (ASCII digits only).
_CANONICAL: Final = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z"
)


def _datetime(value: Any, _: type) -> datetime:
    """An RFC 3339 date-time, in UTC to the millisecond; a refusal quotes the input as sent."""
    if not isinstance(value, str):
        raise _WrongType("a datetime string", value)
    if _CANONICAL.fullmatch(value) is not None:
        # What the API writes: fromisoformat reads it ten times faster, the same way. It still
        # refuses a day the month has not; the general reading below then says so.
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise ValueError(f"{_quoted(value)} is not an RFC 3339 date-time {_LIKE}")
    year, month, day, hour, minute, second, fraction, z, sign, off_h, off_m = match.groups()
    if second == "60":
        raise ValueError(f"{_quoted(value)} is a leap second, which has no UTC datetime here")
    milliseconds = int(fraction[:3].ljust(3, "0")) if fraction else 0
    try:
        if z:  # in UTC already: what the API writes
            return datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second), milliseconds * 1000, tzinfo=UTC
            )
        offset = int(sign + "1") * timedelta(hours=int(off_h), minutes=int(off_m))
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            milliseconds * 1000,
            tzinfo=timezone(offset),
        )
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"{_quoted(value)} is not a valid UTC date-time {_LIKE}") from None


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def read_datetime(text: str) -> datetime:
    """*text*, an RFC 3339 date-time, as the codec reads every datetime of the API: in UTC, to the millisecond.

    ``ValueError`` quotes the text and says what is wrong.
    """
    return _datetime(text, datetime)


#: "00" to "99", and "000" to "999": a table lookup is cheaper than formatting each number.
_TWO_DIGITS: Final = tuple(f"{n:02d}" for n in range(100))
_THREE_DIGITS: Final = tuple(f"{n:03d}" for n in range(1000))


def _write_datetime(value: datetime) -> str:
    """``2023-08-08T17:00:59.327Z``: in UTC, to the millisecond (truncated, as ``isoformat`` does).

    Written from tables: ``isoformat`` takes twice as long on CPython 3.11.
    """
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    two = _TWO_DIGITS
    return (
        f"{value.year:04d}-{two[value.month]}-{two[value.day]}T{two[value.hour]}:{two[value.minute]}:"
        f"{two[value.second]}.{_THREE_DIGITS[value.microsecond // 1000]}Z"
    )


# Each enum's members by value, built on first use (a dict lookup: functools.cache costs twice as much).
_MEMBERS: Final[dict[type[enum.Enum], dict[Any, enum.Enum]]] = {}


def _enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    if not isinstance(value, str):
        raise _WrongType("a string", value)
    try:
        by_value = _MEMBERS[cls]
    except KeyError:
        by_value = _MEMBERS[cls] = {member.value: member for member in cls}
    try:
        return by_value[value]
    except KeyError:
        allowed = ", ".join(repr(v) for v in by_value)
        raise ValueError(f"{shown(value)} is not one of {allowed}") from None


def _is_homogeneous_tuple(t: Any) -> bool:
    args = get_args(t)
    return get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_of(item_type: Any, item_hook: Callable[[Any, Any], Any]) -> Callable[[Any, Any], tuple[Any, ...]]:
    """A strict hook for ``tuple[X, ...]``: a JSON array only, every bad item reported."""

    def structure(value: Any, t: Any) -> tuple[Any, ...]:
        # A string is iterable, and cattrs' default would read "ab" as ("a", "b").
        if not isinstance(value, list | tuple):
            raise _WrongType("an array", value)
        items = []
        errors: list[Exception] = []
        unlisted = 0
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except Exception as exc:
                # Past the problems an error lists, the rest are only counted: noting each
                # would cost more than checking it, for an array of 100,000 bad items.
                if len(errors) < MAX_PROBLEMS:
                    exc.__notes__ = [
                        *getattr(exc, "__notes__", []),
                        IterableValidationNote(f"Structuring {t} @ index {index}", index, item_type),
                    ]
                    errors.append(exc)
                else:
                    unlisted += _count(exc)
        if errors:
            if unlisted:
                errors.append(_Unlisted(unlisted))
            raise IterableValidationError(f"While structuring {t!r}", errors, t)
        return tuple(items)

    return structure


def _tuple_hook(t: Any, conv: Converter) -> Callable[[Any, Any], tuple[Any, ...]]:
    item_type = get_args(t)[0]
    return _tuple_of(item_type, conv.get_structure_hook(item_type))


def _is_optional(t: Any) -> bool:
    args = get_args(t)
    return len(args) == 2 and type(None) in args


def _optional_hook(t: Any, conv: Converter) -> Callable[[Any, Any], Any]:
    """``X | None``: None, or X's hook, looked up once (cattrs looks it up on every call)."""
    inner_type = next(a for a in get_args(t) if a is not type(None))
    inner = conv.get_structure_hook(inner_type)

    def structure(value: Any, _: Any) -> Any:
        return None if value is None else inner(value, inner_type)

    return structure


def _enum_unhook(_cls: type[enum.Enum], _conv: Converter) -> Callable[[enum.Enum], Any]:
    # _value_ is the slot behind .value, without the descriptor's cost.
    return operator.attrgetter("_value_")


def _tuple_unhook(t: Any, conv: Converter) -> Callable[[tuple[Any, ...]], list[Any]]:
    """``tuple[X, ...]`` to a list, X's hook looked up once (plain ``list`` for strings)."""
    item_type = get_args(t)[0]
    if item_type is str:
        return list
    item = conv.get_unstructure_hook(item_type)
    return lambda value: [item(v) for v in value]


def _optional_unhook(t: Any, conv: Converter) -> Callable[[Any], Any]:
    inner = conv.get_unstructure_hook(next(a for a in get_args(t) if a is not type(None)))
    return lambda value: None if value is None else inner(value)


def _checked(hook: Callable[[Any, Any], Any], check: Callable[[Any], None]) -> Callable[[Any, Any], Any]:
    def structure(value: Any, t: Any) -> Any:
        result = hook(value, t)
        check(result)
        return result

    return structure


def _field_hook(conv: Converter, field: attrs.Attribute[Any]) -> Callable[[Any, Any], Any] | None:
    """The structure hook of one field that carries checks in its metadata, else None.

    Running the field's own check here (and not only in the class's
    ``__init__``) lets the error path name the field, and the item for a
    sequence.
    """
    check = field.metadata.get("check")
    item_check = field.metadata.get("item_check")
    max_items = field.metadata.get("max_items")
    mask = field.metadata.get("mask")
    if check is None and item_check is None and max_items is None and mask is None:
        return None
    t = field.type
    if type(None) in get_args(t):  # X | None: a null never reaches the hook
        t = next(a for a in get_args(t) if a is not type(None))
    if item_check is not None:
        item_type = get_args(t)[0]
        hook = _tuple_of(item_type, _checked(conv.get_structure_hook(item_type), item_check))
    else:
        hook = conv.get_structure_hook(t)
    if max_items is not None:
        hook = _at_most(hook, max_items)
    if mask is not None:
        hook = _masking(hook, mask)
    return hook if check is None else _checked(hook, check)


def _masking(hook: Callable[[Any, Any], Any], mask: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    """*hook*, its result passed through *mask*: a resource's secured values are read as ``"****"``.

    The field's ``mask`` (its metadata, beside its ``check``) says how; the
    values are read, and their types checked, before they are masked.
    """

    def structure(value: Any, t: Any) -> Any:
        return mask(hook(value, t))

    return structure


def _json_value(value: Any, _: type) -> deployment_model.JsonValue:
    """Any JSON value but ``null``, for a field the RAML types ``any``: kept as its JSON text."""
    if value is None:
        raise _WrongType("a JSON value other than null", value)
    problem = _not_json(value, 0)
    if problem is not None:
        raise ValueError(f"expected a JSON value, got {problem}")
    return deployment_model.JsonValue(text=json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _not_json(value: Any, depth: int) -> str | None:
    """What in *value* JSON text cannot hold, or that ``dumps`` could not write back; None when nothing."""
    if depth > MAX_DEPTH:
        return f"a value nested deeper than {MAX_DEPTH} arrays and objects"
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return "a string with a lone surrogate" if _SURROGATE.search(value) is not None else None
    if isinstance(value, int):
        return None if INT64_MIN <= value <= INT64_MAX else "an integer out of the signed 64-bit range"
    if isinstance(value, float):
        return None if math.isfinite(value) else f"the number {value}"
    if isinstance(value, list | tuple):
        return next((p for p in (_not_json(v, depth + 1) for v in value) if p is not None), None)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"an object key that is not a string ({shown(key)})"
            problem = _not_json(key, depth) or _not_json(item, depth + 1)
            if problem is not None:
                return problem
        return None
    return f"a {type(value).__name__}"


def _at_most(hook: Callable[[Any, Any], Any], max_items: int) -> Callable[[Any, Any], Any]:
    """*hook*, after a check of the array's length: a longer array is refused before its items are read."""

    def structure(value: Any, t: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) > max_items:
            raise too_many(max_items, len(value))
        return hook(value, t)

    return structure


def _class_hook(
    cls: type, conv: Converter, *, record: bool, fast: _fast.Generator | None
) -> Callable[[Any, type], Any]:
    """*cls*'s structure hook: the fast path when *fast* has one for it, the detailed path on any refusal."""
    detailed = _detailed_class_hook(cls, conv, record=record)
    quick = fast.structure(cls) if fast is not None else None
    if quick is None:
        return detailed
    return _fast_first(quick, detailed)


def _fast_first(quick: Callable[[Any], Any], detailed: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """*quick*, and on whatever it refuses *detailed*, which raises the errors with every path (``_fast``).

    The hook keeps *quick* as its ``quick`` attribute: the tests read with it alone.
    """

    def structure(value: Any, t: Any) -> Any:
        try:
            return quick(value)
        except Exception:
            return detailed(value, t)

    structure.quick = quick  # type: ignore[attr-defined]
    return structure


def _detailed_class_hook(cls: type, conv: Converter, *, record: bool) -> Callable[[Any, type], Any]:
    attrs.resolve_types(cls)
    overrides = {}
    may_be_absent = set()
    for field in attrs.fields(cls):
        if field.name in _NOT_ON_THE_WIRE and not record:
            overrides[field.name] = override(omit=True)
            continue
        wire_name = _camel(field.name)
        overrides[field.name] = override(rename=wire_name, struct_hook=_field_hook(conv, field))
        if field.default is not attrs.NOTHING:
            may_be_absent.add(wire_name)
    generated: Callable[[Any, type], Any] = make_dict_structure_fn(cls, conv, **overrides)  # type: ignore[arg-type]

    def structure(value: Any, _: type) -> Any:
        if not isinstance(value, dict):
            raise _WrongType("an object", value)
        # A tolerant reader: null equals absent for a field that may be absent.
        if None in value.values():
            value = {k: v for k, v in value.items() if v is not None or k not in may_be_absent}
        return generated(value, cls)

    return structure


def _class_unhook(
    cls: type, conv: Converter, *, record: bool, fast: _fast.Generator | None
) -> Callable[[Any], dict[str, Any]]:
    quick = fast.unstructure(cls) if fast is not None else None
    if quick is not None:
        return quick
    attrs.resolve_types(cls)
    overrides = {}
    for field in attrs.fields(cls):
        if field.name in _NOT_ON_THE_WIRE and record:
            overrides[field.name] = override(rename=_camel(field.name))
        elif field.name in _NOT_ON_THE_WIRE:
            overrides[field.name] = override(omit=True)
        else:
            overrides[field.name] = override(rename=_camel(field.name), omit_if_default=field.default is None)
    return make_dict_unstructure_fn(cls, conv, **overrides)  # type: ignore[arg-type]


def _at_field(name: str, exc: Exception, cls: Any) -> ClassValidationError:
    exc.__notes__ = [AttributeValidationNote(f"Structuring {cls} @ attribute {name}", name, str)]
    return ClassValidationError(f"While structuring {cls}", [exc], cls)


def _configure_tagged(
    conv: Converter, union: Any, spec: _fast.Union, *, kind: str, fast: _fast.Generator | None
) -> None:
    """*union* as cattrs' tagged union on *tag_name*, its tag checked first.

    Left alone, the strategy reads an unknown or missing tag as "required
    field missing" at the member itself; checking the tag first names the tag
    field and says what is wrong with it. A union of one class (the
    Deployment's update actions: ``redeploy`` alone) is that class itself,
    which cattrs' strategy does not take: its own hooks read and write the tag.
    """
    tag_name, tags = spec.tag_name, frozenset(spec.members)
    if spec.tag_first:
        tagged = conv.get_structure_hook(union)
        untagged = conv.get_unstructure_hook(union)
        (tag,) = tags
        conv.register_unstructure_hook(union, lambda obj: {tag_name: tag, **untagged(obj)})
    else:
        by_class = {cls: tag for tag, cls in spec.members.items()}
        configure_tagged_union(union, conv, tag_generator=by_class.__getitem__, tag_name=tag_name)
        tagged = conv.get_structure_hook(union)

    def structure(value: Any, t: Any) -> Any:
        if not isinstance(value, dict):
            raise _WrongType("an object", value)
        if tag_name not in value:
            raise _at_field(tag_name, KeyError(tag_name), union)
        tag = value[tag_name]
        if not isinstance(tag, str):
            raise _at_field(tag_name, _WrongType("a string", tag), union)
        if tag not in tags:
            raise _at_field(tag_name, ValueError(f"unknown {kind} {shown(tag)}"), union)
        return tagged(value, t)

    quick = fast.structure(union) if fast is not None else None
    conv.register_structure_hook(union, structure if quick is None else _fast_first(quick, structure))


def _tagged_unions() -> dict[Any, tuple[_fast.Union, str]]:
    """The tagged unions of the wire form, each with what its tag names (for a refusal's message).

    - The 19 actions, tagged on ``action`` with their wire names (``setName``).
    - Service events are not part of the Connect API (they never come from
      a creator); this form, tagged on ``type`` with the class name, is for
      the out-of-band channels of mocks and the conformance kit.
    - The Deployment's: its one update action (a union of one, ``redeploy``:
      its own hooks read and write the tag, first), and its service events.
    """
    unions: dict[Any, tuple[_fast.Union, str]] = {}
    for union, tag_name, tag_of, kind in (
        (UpdateAction, "action", action_name, "action"),
        (ServiceEvent, "type", _class_name, "service event"),
        (DeploymentUpdateAction, "action", action_name, "action"),
        (DeploymentServiceEvent, "type", _class_name, "service event"),
    ):
        members = get_args(union) or (union,)
        spec = _fast.Union(tag_name, {tag_of(cls): cls for cls in members}, tag_first=len(members) == 1)
        unions[union] = (spec, kind)
    return unions


def _class_name(cls: type) -> str:
    return cls.__name__


def configure_converter(conv: Converter, *, record: bool = False, fast_path: bool = True) -> None:
    """Configure *conv* for the API's wire form.

    - ``str``, ``int`` and ``bool`` are strict: no coercion (cattrs' default
      would read ``3`` as ``"3"`` and ``None`` as ``"None"``), and a boolean
      is not an integer.
    - ``tuple[X, ...]`` reads a JSON array only (not a string) and writes a list.
    - Enums read and write their value; an unknown value names the allowed ones.
    - Datetimes read ISO 8601 with a zone, and write ``2023-08-08T17:00:59.327Z``.
    - attrs classes read and write camelCase names; ``null`` reads as absent
      for a field with a default; optional fields that are ``None`` are not
      written; a field's own check runs while that field is read, so that
      the error path names it.
    - ``UpdateAction`` is a tagged union on ``action``, with the action
      names of the API (``setName``); so is ``DeploymentUpdateAction``
      (``redeploy``, its one member, reads and writes its tag).
    - ``ServiceEvent`` and ``DeploymentServiceEvent`` are tagged unions on
      ``type``, with the class names.
    - A field's ``mask`` (its metadata) runs on what is read there, before
      its check: the secured values of a Deployment read as ``"****"``.
    - ``JsonValue`` (a field the RAML types ``any``) reads any JSON value but
      ``null``, and writes it back as it was.
    - With ``record=True``, the record form: the wire form plus the two
      fields of ``ConnectorStaged`` that the wire cannot carry
      (``publishedBefore``, ``certificationRequested``), always written.
    - With ``fast_path`` (the default), each attrs class and tagged union is
      read first by a function generated for it (``connector_domain._fast``),
      and by the detailed path above only when that one refuses, so that a
      refusal names every problem as before; each class is written by a
      generated function too. ``fast_path=False`` keeps the detailed path
      alone: the same values and errors, slower.
    """
    unions = _tagged_unions()
    fast = (
        _fast.Generator(
            wire_name=_camel,
            omitted=frozenset() if record else _NOT_ON_THE_WIRE,
            unions={union: spec for union, (spec, _kind) in unions.items()},
            special={deployment_model.JsonValue: (_json_value, _write_json_value)},
            read_datetime=_datetime,
            write_datetime=_write_datetime,
            string_problem=_SURROGATE.search,
            int_range=(INT64_MIN, INT64_MAX),
        )
        if fast_path
        else None
    )
    conv.register_structure_hook(str, _str)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(bool, _bool)
    conv.register_structure_hook(datetime, _datetime)
    conv.register_unstructure_hook(datetime, _write_datetime)
    # On Enum itself, not as a hook factory: cattrs before 26.1 keeps its own hook for Enum
    # in the registry it asks before any factory, and every subclass would get that one.
    conv.register_structure_hook(enum.Enum, _enum)
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook)
    conv.register_structure_hook_factory(_is_optional, _optional_hook)
    conv.register_unstructure_hook_factory(lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_unhook)
    conv.register_unstructure_hook_factory(_is_homogeneous_tuple, _tuple_unhook)
    conv.register_unstructure_hook_factory(_is_optional, _optional_unhook)
    conv.register_structure_hook(deployment_model.JsonValue, _json_value)
    conv.register_unstructure_hook(deployment_model.JsonValue, _write_json_value)
    conv.register_structure_hook_factory(attrs.has, lambda cls, c: _class_hook(cls, c, record=record, fast=fast))
    conv.register_unstructure_hook_factory(attrs.has, lambda cls, c: _class_unhook(cls, c, record=record, fast=fast))
    for union, (spec, kind) in unions.items():
        _configure_tagged(conv, union, spec, kind=kind, fast=fast)


def _write_json_value(value: deployment_model.JsonValue) -> Any:
    return json.loads(value.text)


def make_converter(*, record: bool = False, fast_path: bool = True) -> Converter:
    """A new converter for the wire form, or the record form (see ``configure_converter``)."""
    conv = Converter(unstruct_collection_overrides={tuple: list})
    configure_converter(conv, record=record, fast_path=fast_path)
    return conv


#: The module's converter, behind ``from_wire`` and ``to_wire``.
converter: Final = make_converter()
#: The record form's converter, behind ``from_record`` and ``to_record``.
record_converter: Final = make_converter(record=True)

_READABLE: Final[frozenset[Any]] = frozenset(
    {
        *(getattr(model, name) for name in model.__all__ if attrs.has(getattr(model, name))),
        *ACTIONS,
        UpdateAction,
        ConnectorUpdate,
        *get_args(ServiceEvent),
        ServiceEvent,
        *(
            getattr(deployment_model, name)
            for name in deployment_model.__all__
            if attrs.has(getattr(deployment_model, name))
        ),
        DeploymentUpdateAction,
        DeploymentUpdate,
        *get_args(DeploymentServiceEvent),
        DeploymentServiceEvent,
    }
)


# --- Errors to paths -----------------------------------------------------------


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ValueError | TypeError):
        return str(exc)
    return f"invalid value ({type(exc).__name__}: {exc})"


class _Unlisted(Exception):
    """Stands for *count* problems of an array that were counted, not noted (see ``_tuple_of``)."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} more problems")
        self.count = count


def _count(exc: BaseException) -> int:
    """How many problems *exc* holds: what ``_problems`` would list, without writing them."""
    if isinstance(exc, _Unlisted):
        return exc.count
    if isinstance(exc, PartProblems):
        return len(exc.problems)
    if isinstance(exc, IterableValidationError | ClassValidationError):
        return sum(map(_count, exc.exceptions))
    return 1


def _problems(exc: BaseException, path: str, out: list[tuple[str, str]]) -> int:
    """Append to *out* each (path, reason) under *exc* until it holds ``MAX_PROBLEMS``; return how many more.

    Paths as ``cattrs.transform_error`` walks them, with wire names.
    """
    if len(out) >= MAX_PROBLEMS:
        return _count(exc)
    if isinstance(exc, _Unlisted):
        return exc.count
    if isinstance(exc, IterableValidationError):
        iterable_notes, others = exc.group_exceptions()
        located = [(sub, f"{path}[{note.index}]") for sub, note in iterable_notes]
    elif isinstance(exc, ClassValidationError):
        class_notes, others = exc.group_exceptions()
        # Notes carry Python names; the wire's are their camelCase.
        located = [(sub, f"{path}.{_camel(note.name)}" if path else _camel(note.name)) for sub, note in class_notes]
    elif isinstance(exc, PartProblems):
        parts = [(f"{path}.{part}" if path else part, reason) for part, reason in exc.problems]
        room = MAX_PROBLEMS - len(out)
        out.extend(parts[:room])
        return len(parts[room:])
    else:
        out.append((path or "$", _reason(exc)))
        return 0
    more = 0
    for sub, sub_path in located:
        more += _problems(sub, sub_path, out)
    for sub in others:
        more += _problems(sub, path, out)
    return more


# --- The API -------------------------------------------------------------------


@overload
def from_wire(data: Any, cls: type[T]) -> T: ...
@overload
def from_wire(data: Any, cls: object) -> Any: ...  # a union such as UpdateAction or ServiceEvent
def from_wire(data: Any, cls: Any) -> Any:
    """Read JSON-like *data* (as ``json.loads`` returns it) as a *cls*.

    *cls* is an entity class of ``connector_domain.model``, an action class,
    ``UpdateAction`` or ``ConnectorUpdate``, a service event class or
    ``ServiceEvent``; or the same of ``connector_domain.deployment``
    (``Deployment``, ``DeploymentDraft``, ``Redeploy``, ``DeploymentUpdate``,
    ``DeploymentServiceEvent``, ...). Raises ``InvalidInput`` naming
    every offending path for data that does not fit.
    """
    return _structure(converter, data, cls)


def _structure(conv: Converter, data: Any, cls: Any) -> Any:
    if cls not in _READABLE:
        raise TypeError(f"{cls!r} has no wire form")
    try:
        return conv.structure(data, cls)
    except Exception as exc:
        problems: list[tuple[str, str]] = []
        more = _problems(exc, "", problems)
        raise InvalidInput(problems, more) from None


def to_wire(obj: Any) -> Any:
    """Write an entity, action or ``ConnectorUpdate`` as JSON-ready data (camelCase)."""
    return _unstructure(converter, obj)


def _unstructure(conv: Converter, obj: Any) -> Any:
    if type(obj) in ACTION_TYPES:
        return conv.unstructure(obj, unstructure_as=UpdateAction)
    if type(obj) in _EVENT_TYPES:
        return conv.unstructure(obj, unstructure_as=ServiceEvent)
    if type(obj) in _DEPLOYMENT_EVENT_TYPES:
        return conv.unstructure(obj, unstructure_as=DeploymentServiceEvent)
    if type(obj) not in _READABLE:
        raise TypeError(f"{type(obj).__name__} has no wire form")
    return conv.unstructure(obj)


_EVENT_TYPES: Final = frozenset(get_args(ServiceEvent))
_DEPLOYMENT_EVENT_TYPES: Final = frozenset(get_args(DeploymentServiceEvent))


def wire_of_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The wire form of a ConnectorStaged's record form (``to_record``'s output): without the record-only fields.

    A new dictionary; its values are shared with *record*. A store that keeps
    records answers reads with it, without encoding the resource again.
    """
    return {name: value for name, value in record.items() if name not in RECORD_ONLY_FIELDS}


def to_record(obj: Any) -> Any:
    """Write *obj* in the lossless record form: the wire form, and on a ConnectorStaged
    ``publishedBefore`` and ``certificationRequested`` too.

    This is how a store saves a resource without losing where a pending
    publish leads or whether a production Connector exists.
    """
    return _unstructure(record_converter, obj)


@overload
def from_record(data: Any, cls: type[T]) -> T: ...
@overload
def from_record(data: Any, cls: object) -> Any: ...  # a union such as UpdateAction or ServiceEvent
def from_record(data: Any, cls: Any) -> Any:
    """Read the record form back (``to_record``'s output); absent record fields are derived as on the wire."""
    return _structure(record_converter, data, cls)


@overload
def loads(text: str | bytes, cls: type[T]) -> T: ...
@overload
def loads(text: str | bytes, cls: object) -> Any: ...  # a union such as UpdateAction or ServiceEvent
def loads(text: str | bytes, cls: Any) -> Any:
    """Read JSON text as a *cls*: ``parse_json``, then ``from_wire``; either's refusal is an ``InvalidInput``."""
    return from_wire(parse_json(text), cls)


def parse_json(text: str | bytes) -> Any:
    """JSON text as JSON-like data, the same with orjson (the ``fast`` extra) and without it.

    What the codec reads is JSON as RFC 8259 and orjson define it, and no
    more, whichever parser reads it:

    - UTF-8 only, without a byte order mark, and no lone surrogate, escaped
      or not (a ``str`` holding one cannot be written back);
    - no ``NaN`` or ``Infinity``, and no number too large for a double;
    - an integer in the range of ``int64`` or ``uint64`` reads as an ``int``,
      a larger one as a ``float`` (as orjson reads it);
    - at most ``MAX_DEPTH`` (64) nested arrays and objects.

    Anything else raises ``InvalidInput`` at ``$``, saying what is wrong.
    """
    try:
        data = _parse_json(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise InvalidInput([("$", f"not valid JSON ({exc})")]) from None
    # One container per opening bracket at most: a text with few brackets needs no walk.
    # (For bytes, deleting every other byte is cheaper than counting each bracket apart.)
    brackets = text.count("[") + text.count("{") if isinstance(text, str) else len(text.translate(None, _NOT_BRACKETS))
    if brackets > MAX_DEPTH and _depth(data) > MAX_DEPTH:
        raise InvalidInput([("$", f"nested deeper than {MAX_DEPTH} arrays and objects")])
    return data


_NOT_BRACKETS: Final = bytes(b for b in range(256) if b not in b"[{")
#: The deepest nesting of arrays and objects the codec reads (decision: the API's documents nest a few levels).
MAX_DEPTH: Final = 64


def _depth(data: Any) -> int:
    """How deeply arrays and objects nest in *data* (a scalar: 0); without recursion, and stops past ``MAX_DEPTH``."""
    deepest = 0
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        pending.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return deepest


def dumps(obj: Any) -> str:
    """Write *obj* as compact JSON text (orjson with the ``fast`` extra, else the standard library)."""
    return _write_json(to_wire(obj))


def _stdlib_parse_json(text: str | bytes) -> Any:
    """``json.loads``, held to what orjson reads (see ``parse_json``)."""
    if isinstance(text, bytes | bytearray):
        if text.startswith(b"\xef\xbb\xbf"):  # json.loads would take bytes for UTF-8 with a BOM
            raise ValueError("a UTF-8 byte order mark (BOM) is not JSON text")
        text = text.decode()  # UTF-8 only: json.loads would also guess UTF-16 and UTF-32
    data = json.loads(text, parse_int=_orjson_int, parse_float=_finite_float, parse_constant=_no_constant)
    # The stdlib reads a lone surrogate escape ("\\ud800") into a str that no
    # UTF-8 writer can write back; orjson refuses it. Refuse it here too.
    try:
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise ValueError("a string holds a lone surrogate") from None
    return data


_UINT64_MAX: Final = 2**64 - 1


def _orjson_int(text: str) -> int | float:
    # 20 digits and a sign hold every int64 and uint64; int() of a longer text may hit
    # Python's limit on digits, and orjson reads such a number as a double anyway.
    if len(text) <= 21:
        value = int(text)
        if INT64_MIN <= value <= _UINT64_MAX:
            return value
    return _finite_float(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"the number {text[:40]}{'...' if len(text) > 40 else ''} is too large for a double")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _stdlib_write_json(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


try:
    import orjson
except ImportError:  # the optional "fast" extra
    _parse_json: Callable[[str | bytes], Any] = _stdlib_parse_json
    _write_json: Callable[[Any], str] = _stdlib_write_json
else:
    _parse_json = orjson.loads

    def _write_json(data: Any) -> str:
        return orjson.dumps(data).decode()


def error_response(error: DomainError | Iterable[DomainError]) -> dict[str, Any]:
    """The ErrorResponse envelope for one error, or several with the same HTTP status.

    ``{"statusCode", "message", "errors": [{"code", "message", ...extra fields}]}``:
    ``message`` is the first error's; each entry carries only the extra fields
    the reference documents for its code.
    """
    errors = [error] if isinstance(error, DomainError) else list(error)
    if not errors:
        raise ValueError("an ErrorResponse needs at least one error")
    statuses = {e.status_code for e in errors}
    if len(statuses) > 1:
        raise ValueError(f"errors of one response share one HTTP status, not {sorted(statuses)}")
    return {
        "statusCode": errors[0].status_code,
        "message": errors[0].message,
        "errors": [{"code": e.code, "message": e.message, **e.wire_extras()} for e in errors],
    }
