"""Checked fields: every field of every value checks its type, derived from its annotation.

One mechanism serves the entities, the actions, the service events and the
errors: the attrs field transformer :func:`typed`, given to each class as
``@attrs.frozen(kw_only=True, field_transformer=typed)`` (the errors take
their fields by position, so theirs is ``@attrs.frozen(field_transformer=typed)``).
A decorator of our own around ``attrs.frozen`` would be shorter to write, but
mypy's attrs plugin knows ``attrs.frozen`` by name, and behind a wrapper it
would stop typing ``__init__``, ``attrs.evolve`` and ``attrs.fields``; a
property test over every attrs class of the core catches a class that
forgets the transformer. For each field it reads the annotation and installs
the check that fits it:

- ``str``, ``bool``, an enum, an attrs class: an instance of it; ``int``: an
  instance of ``int`` that is not a ``bool``;
- ``X | Y``: either (``X | None``: ``None`` too);
- ``tuple[X, ...]``: a tuple (a list is refused, so values stay hashable and
  immutable) whose every item is an ``X``;
- ``datetime``: an aware datetime, which a converter keeps in UTC to the
  millisecond, as the API keeps datetimes.

A value of the wrong type raises :class:`WrongTypeError` (both a
``TypeError`` and a ``ValueError``: an action or value built with an invalid
payload raises ``ValueError``, whatever is wrong with it), and every message
starts with the class and field it is about (``Creator.email: expected a
string, got int 3``; ``ConnectorStaged.private_projects[1]: ...``). An
annotation the transformer has no check for (``Any``, ``list``, ``dict``,
nested generics) is refused when the class is created, as is a hand-written
``validator`` or ``converter``: the annotation and the checks below are the
only source of a field's rules.

Rules that a type cannot say (a pattern, a minimum) are checks, plain
functions that raise ``ValueError``, kept in the field's metadata by
:func:`checked` (``"check"``, for the value) and :func:`checked_items`
(``"item_check"``, for each item of a tuple). The transformer runs them after
the type check (and never on ``None``); ``codec`` runs them too, while it
reads that one field, so that its error path names the field and the item.

Annotations are strings (``from __future__ import annotations``). The
transformer resolves them when the class is created, in the namespace of the
class's module: ``attrs`` calls it from the decorator, when the module has
defined (or imported) every name above the class. So an annotation can name
only what is defined above it, which the layout already gives (a module
imports only those above it, and defines a value after the values it holds;
no value holds itself). In exchange, the checks are built once, at import: a validator does
no lookup and no resolution when a value is built, and a misspelt or
unsupported annotation fails at import, not at the first instance. Resolving
lazily, at the first instance, would cost a branch on every construction and
hide such mistakes until then. The resolved types are kept on the fields
(``attrs.fields(cls).name.type``), so ``attrs.resolve_types`` has nothing left
to do.

attrs runs validators on every ``evolve`` as well as in ``__init__``; the
reducer's own commits skip them on purpose (see ``reducer._make_replace``),
and a property test checks that their results still pass ``attrs.validate``.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final, TypeAlias

import attrs

__all__ = [
    "NONE_TYPE",
    "Check",
    "WrongTypeError",
    "at_least_one",
    "bounded",
    "checked",
    "checked_items",
    "members",
    "non_empty",
    "shown",
    "typed",
    "utc_millisecond",
]

#: A rule a value must meet beyond its type: raises ``ValueError`` otherwise.
Check: TypeAlias = Callable[[Any], None]
_Validator: TypeAlias = Callable[[Any, "attrs.Attribute[Any]", Any], None]
_Kinds: TypeAlias = "type | tuple[type, ...]"

#: The type of ``None``, as a union's members name it.
NONE_TYPE: Final = type(None)


class WrongTypeError(TypeError, ValueError):
    """A value of the wrong type given to a constructor.

    Both a ``TypeError`` and a ``ValueError``: an action or value built with
    an invalid payload raises ``ValueError``, whatever is wrong with it.
    """


def utc_millisecond(value: datetime) -> datetime:
    """*value* in UTC, to the millisecond, as the API keeps datetimes; ValueError unless aware."""
    if type(value) is datetime and value.tzinfo is UTC:  # a clock's reading, already in UTC: the common case
        microsecond = value.microsecond
        return value if microsecond % 1000 == 0 else value.replace(microsecond=microsecond // 1000 * 1000)
    if not isinstance(value, datetime):
        raise WrongTypeError(f"expected an aware datetime, got {value!r}")
    if value.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got {value!r}")
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{value!r} is out of the range of UTC datetimes") from None
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def shown(value: object) -> str:
    """*value*'s ``repr`` for a message, cut after 60 characters: a refusal never repeats a long input whole."""
    text = repr(value)
    if len(text) <= 60:
        return text
    size = f"{len(value)} characters" if isinstance(value, str) else f"{len(text)} characters written"
    return f"{text[:60]}... ({size})"


# --- Checks beyond the type ------------------------------------------------------


class PartProblems(ValueError):
    """A check's refusal of parts of a value: ``(part, reason)`` pairs, ``part`` in the wire's spelling.

    The codec reports each under the field's path (``repository.url``), so a
    check on a whole value still names the part that is wrong.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{part}: {reason}" for part, reason in problems))
        self.problems = problems


def checked(check: Check, **kwargs: Any) -> Any:
    """An attrs field whose value (when not ``None``) must also pass *check*."""
    return attrs.field(metadata={"check": check}, **kwargs)


def checked_items(item_check: Check, **kwargs: Any) -> Any:
    """An attrs tuple field whose every item must also pass *item_check*."""
    return attrs.field(metadata={"item_check": item_check}, **kwargs)


def bounded(max_items: int, **kwargs: Any) -> Any:
    """An attrs tuple field of at most *max_items* items (``maxItems``).

    The length is checked before any item, in the constructor and in the
    codec, which refuses a longer JSON array without reading its items.
    """
    return attrs.field(metadata={"max_items": max_items}, **kwargs)


def too_many(max_items: int, count: int) -> ValueError:
    """The refusal of *count* items where at most *max_items* are allowed."""
    return ValueError(f"must contain at most {max_items} items, not {count}")


def non_empty(value: Any) -> None:
    """``minItems`` 1."""
    if len(value) < 1:
        raise ValueError("must contain at least 1 item")


def at_least_one(value: Any) -> None:
    """``minimum`` 1."""
    if value < 1:
        raise ValueError(f"must be at least 1, not {value}")


# --- The transformer ---------------------------------------------------------------


def typed(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """The attrs field transformer: each field of *cls* gets the check its annotation asks for."""
    namespace = vars(sys.modules[cls.__module__])
    # An inherited field was typed with the class that defines it.
    return [field if getattr(field, "inherited", False) else _typed_field(cls, field, namespace) for field in fields]


def _typed_field(cls: type, field: attrs.Attribute[Any], namespace: dict[str, Any]) -> attrs.Attribute[Any]:
    where = f"{cls.__name__}.{field.name}"
    if field.validator is not None or field.converter is not None:
        raise TypeError(f"{where}: the annotation gives the type check; give other rules with checked()")
    t = _resolve(where, field.type, namespace)
    check, item_check = field.metadata.get("check"), field.metadata.get("item_check")
    optional = NONE_TYPE in members(t)
    inner = _without_none(t)
    if inner is datetime:
        if item_check is not None or check is not None:
            raise TypeError(f"{where}: a datetime takes no checks")
        return field.evolve(type=t, converter=_moment(where, optional=optional))
    max_items = field.metadata.get("max_items")
    if typing.get_origin(inner) is tuple:
        validator = _tuple_validator(where, inner, optional=optional, max_items=max_items)
    elif item_check is not None or max_items is not None:
        raise TypeError(f"{where}: item checks and bounds are for tuples, not {t!r}")
    else:
        validator = _instance_validator(where, t)
    if check is not None or item_check is not None:
        validator = _with_checks(validator, where, check, item_check)
    return field.evolve(type=t, validator=validator)


def _resolve(where: str, annotation: Any, namespace: dict[str, Any]) -> Any:
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, namespace)  # the module's own annotation, as typing.get_type_hints does
    except NameError as exc:
        raise TypeError(f"{where}: {exc} (an annotation may name only what is defined above the class)") from None


def members(t: Any) -> tuple[Any, ...]:
    """The members of the union *t* (``X | None``: X and ``NoneType``), or *t* alone."""
    if typing.get_origin(t) in (typing.Union, types.UnionType):
        return typing.get_args(t)
    return (t,)


def _without_none(t: Any) -> Any:
    rest = [member for member in members(t) if member is not NONE_TYPE]
    return rest[0] if len(rest) == 1 else t


def _kinds(where: str, t: Any) -> tuple[tuple[type, ...], tuple[type, ...]]:
    """The classes a value of annotation *t* may be an instance of, and those refused among them."""
    kinds = members(t)
    for kind in kinds:
        if not isinstance(kind, type) or kind in (Any, object, list, dict, set, datetime):
            raise TypeError(f"{where}: no type check for {kind!r} (in {t!r})")
    # bool is a subclass of int, and a boolean is not an integer.
    refused = (bool,) if int in kinds and bool not in kinds else ()
    return kinds, refused


_TYPE_NAMES: Final[dict[type, str]] = {
    str: "a string",
    int: "an integer",
    bool: "a boolean",
    NONE_TYPE: "None",
}


def _describe(kinds: tuple[type, ...]) -> str:
    return " or ".join(_TYPE_NAMES.get(kind, kind.__name__) for kind in kinds)


def _wrong(where: str, expected: str, value: Any) -> WrongTypeError:
    return WrongTypeError(f"{where}: expected {expected}, got {type(value).__name__} {shown(value)}")


def _one(kinds: tuple[type, ...]) -> _Kinds:
    # isinstance is a little faster with a class than with a 1-tuple.
    return kinds[0] if len(kinds) == 1 else kinds


def _instance_validator(where: str, t: Any) -> _Validator:
    kinds, refused = _kinds(where, t)
    expected, accepted = _describe(kinds), _one(kinds)
    if refused:

        def validate_not_refused(_instance: Any, _attribute: Any, value: Any) -> None:
            if not isinstance(value, accepted) or isinstance(value, refused):
                raise _wrong(where, expected, value)

        return validate_not_refused

    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, accepted):
            raise _wrong(where, expected, value)

    return validate


def _tuple_validator(where: str, t: Any, *, optional: bool, max_items: int | None) -> _Validator:
    args = typing.get_args(t)
    if len(args) != 2 or args[1] is not Ellipsis:
        raise TypeError(f"{where}: a tuple field is tuple[X, ...], not {t!r}")
    kinds, refused = _kinds(where, args[0])
    expected, accepted = _describe(kinds), _one(kinds)
    outer = "a tuple or None" if optional else "a tuple"

    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, tuple):
            raise _wrong(where, outer, value)
        if max_items is not None and len(value) > max_items:
            raise _named(too_many(max_items, len(value)), where)
        for item in value:
            if not isinstance(item, accepted) or (refused and isinstance(item, refused)):
                index = next(i for i, v in enumerate(value) if v is item)
                raise _wrong(f"{where}[{index}]", expected, item)

    return validate


def _named(exc: Exception, where: str) -> Exception:
    """*exc* again, its message prefixed with *where*: a WrongTypeError for a TypeError, else a ValueError."""
    return (WrongTypeError if isinstance(exc, TypeError) else ValueError)(f"{where}: {exc}")


def _with_checks(validate: _Validator, where: str, check: Check | None, item_check: Check | None) -> _Validator:
    def validate_and_check(instance: Any, attribute: Any, value: Any) -> None:
        validate(instance, attribute, value)
        if value is None:
            return
        if check is not None:
            try:
                check(value)
            except (TypeError, ValueError) as exc:
                raise _named(exc, where) from None
        if item_check is not None:
            for index, item in enumerate(value):
                try:
                    item_check(item)
                except (TypeError, ValueError) as exc:
                    raise _named(exc, f"{where}[{index}]") from None

    return validate_and_check


def _moment(where: str, *, optional: bool) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None and optional:
            return None
        try:
            return utc_millisecond(value)
        except ValueError as exc:
            raise _named(exc, where) from None

    return convert
