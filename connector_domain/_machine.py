"""The parts of a reducer that do not depend on the aggregate: the lock lookup, the no-op rule, the commit.

An aggregate (the ConnectorStaged, the Deployment) describes its lifecycle
as transition tables, ``state -> {input key -> target}``, where a target is
the next state or the ``DomainError`` class that refuses the input in that
state (or another target an aggregate names, such as the Deployment's
"gone"), and a missing key is a refusal the aggregate words itself. Its
reducer then does four things that are the same for every aggregate, and
they live here, once:

- ``check_version``: the version rule of an update (``ConcurrentModification``),
  and ``committed`` and ``settled``: the version rule of a result (one
  input, or a batch, that changes something adds exactly 1);
- ``step``: look one input up in one table;
- ``changed``: keep only the fields an input would really change (an input
  that changes nothing changes nothing, version included);
- ``replacer``: commit the changes to a frozen attrs instance in one
  straight line, without re-running its validators.

Private: the aggregates' own modules (``lifecycle``, ``reducer``) are the
public face of these rules.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, Protocol, TypeAlias, TypeVar

import attrs

from .errors import ConcurrentModification

__all__ = ["Changes", "Table", "Versioned", "changed", "check_version", "committed", "replacer", "settled", "step"]

S = TypeVar("S", bound=Hashable)
T = TypeVar("T")

#: A transition table: state -> {input key -> target}; a target is the next state, the error
#: class refusing the input, or another target the aggregate names (``T`` is their union).
Table: TypeAlias = Mapping[S, Mapping[Any, T]]
#: The fields an input sets, by attribute name.
Changes: TypeAlias = dict[str, Any]


class Versioned(Protocol):
    """A versioned resource: what the version rule reads of it."""

    @property
    def id(self) -> str: ...
    @property
    def key(self) -> str | None: ...
    @property
    def version(self) -> int: ...


def check_version(resource: Versioned, version: int) -> ConcurrentModification | None:
    """The error refusing a request that expects *version* of *resource* (update, delete), or None."""
    if version != resource.version:
        return ConcurrentModification(resource.id, resource.key, version, resource.version)
    return None


V = TypeVar("V", bound=Versioned)


def committed(resource: V, changes: Changes, replace: Callable[[V, Changes], V]) -> V:
    """One input's result: *resource* itself when *changes* is empty, else *changes* at version + 1."""
    if not changes:
        return resource
    changes["version"] = resource.version + 1
    return replace(resource, changes)


def settled(before: V, after: V, replace: Callable[[V, Changes], V]) -> V:
    """A batch's result: *before* itself when its inputs changed nothing in the end, else *after* at version + 1."""
    if after is before or after == before:
        return before
    return replace(after, {"version": before.version + 1})


def step(table: Table[S, T], state: S, key: Any) -> T | None:
    """Where *key* leads from *state* in *table*: its target (a state, an error class, ...), or None (not listed)."""
    return table[state].get(key)


def changed(resource: object, wanted: Mapping[str, Any]) -> Changes:
    """The fields of *wanted* whose values differ from *resource*'s: the no-op rule, field by field."""
    return {name: value for name, value in wanted.items() if getattr(resource, name) != value}


def replacer(cls: type[T]) -> Callable[[T, Changes], T]:
    """``attrs.evolve`` for a reducer's own commits to *cls*, without re-running the validators.

    Every value it keeps comes from a valid instance, and every value it sets
    comes from an input that was checked when it was built or from the
    tables, so validating again would only repeat work (attrs validators run
    on every ``evolve``). The function is generated, as attrs generates
    ``__init__``: one straight line per field. A property test checks that
    every reducer result still passes ``attrs.validate``.
    """
    names = [field.name for field in attrs.fields(cls)]  # type: ignore[arg-type]
    lines = ["def replace(old, changes):", "    new = _new(_cls)", "    get = changes.get"]
    lines += [f"    _set{i}(new, get({name!r}, old.{name}))" for i, name in enumerate(names)]
    lines.append("    return new")
    replace: Callable[[T, Changes], T] = generated(lines, _building(cls, names), f"replace {cls.__name__}")
    return replace


def _building(cls: type, names: list[str]) -> dict[str, Any]:
    """The names a generated builder of *cls* uses: ``_new``, ``_cls``, and ``_set{i}``, the setter of field *i*."""
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    namespace.update({f"_set{i}": slot_setter(cls, name) for i, name in enumerate(names)})
    return namespace


def generated(lines: list[str], namespace: dict[str, Any], what: str) -> Callable[..., Any]:
    """The function whose source is *lines* (its ``def`` first), run in *namespace*; *what* names it in tracebacks."""
    exec(compile("\n".join(lines), f"<connector_domain {what}>", "exec"), namespace)
    function: Callable[..., Any] = namespace[lines[0][4 : lines[0].index("(")]]
    return function


def slot_setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """The setter of *cls*'s slot *name*, which a frozen class's ``setattr`` refuses: for building an instance.

    A slot's own ``__set__`` is cheaper than ``object.__setattr__`` by name;
    without a slot (a class with a ``__dict__``), ``object.__setattr__``.
    """
    for klass in cls.__mro__:
        slot = klass.__dict__.get(name)
        if slot is not None and type(slot).__name__ == "member_descriptor":
            setter: Callable[[Any, Any], None] = slot.__set__
            return setter
    return lambda obj, value: object.__setattr__(obj, name, value)


def trusted(cls: type[T]) -> Callable[..., T]:
    """*cls*'s constructor for values taken from a valid instance, without re-running the validators.

    Positional, in the order of the fields, and every field given. It is for
    what the reducer builds from the fields of the resource it was given (a
    refusal naming the resource's ``id`` and ``key``): they passed the same
    checks when that resource was built, so checking them again would only
    repeat work, as for ``replacer``. A property test checks that what it
    builds equals what the class's own constructor builds.
    """
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    names = [field.name for field in fields]
    lines = [f"def build({', '.join(names)}):", "    new = _new(_cls)"]
    lines += [f"    _set{i}(new, {name})" for i, name in enumerate(names)]
    if hasattr(cls, "__attrs_post_init__"):
        lines.append("    new.__attrs_post_init__()")
    lines.append("    return new")
    build: Callable[..., T] = generated(lines, _building(cls, names), f"trusted {cls.__name__}")
    return build
