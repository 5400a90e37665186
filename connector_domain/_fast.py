"""The codec's fast path: one straight-line structure and unstructure function generated per class.

The codec reads and writes every attrs class with cattrs' generated
functions (``codec._class_hook``), which gather every problem with its path;
that is the *detailed* path. Most documents are valid, and for them the
detailed path pays for what only an invalid one needs. So for each class the
codec also uses the functions this module generates:

- **structure** (``Generator.structure``): from JSON-like data to an
  instance, checking what the detailed path checks (the JSON type of every
  value, strings without lone surrogates, integers in the int64 range, enum
  values, datetimes, each field's ``check``, ``item_check``, ``max_items``
  and ``mask`` from its metadata, ``__attrs_post_init__``), with
  ``null`` read as absent for a field that may be absent and unknown fields
  ignored, as there. It builds the instance without running the attrs
  validators a second time: every value it sets has just been checked, as
  the reducer's commits do (``_machine.replacer``). At the first thing that
  does not fit it raises, and says nothing more: the codec then reads the
  same data again on the detailed path, which raises the ``InvalidInput``
  naming every problem, so error paths and messages are the detailed
  path's, exactly.
- **unstructure** (``Generator.unstructure``): from an instance to the
  camelCase dict, written directly (absent optionals omitted, enums as their
  value, datetimes as the API writes them, tuples as lists). It is total on
  valid instances, so it has no fallback; it is the codec's only writer when
  the fast path is on.

``tests/test_codec_fast.py`` holds the proof that nothing changed but speed:
on every generated valid document both paths give the same value, on every
invalid one both refuse (with the detailed path's error), and every
generated value is written the same, key order included.

Why the code is generated here and not by cattrs: cattrs'
``make_dict_structure_fn`` always ends in the class's ``__init__``, which runs
every validator again after the codec's own checks (that repetition cost a
third of a decode), and it calls one hook per field through the converter,
so a type check cannot be inlined; ``_cattrs_detailed_validation=False``
changes the error messages, which must stay as they are. Its
``make_dict_unstructure_fn`` also calls a hook per enum, tuple and datetime
field and compares each omittable field with its default. What cattrs does
give is kept: the detailed path is its generated code, and this module reads
the same attrs fields, metadata and renames.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import attrs

from ._fields import NONE_TYPE, members
from ._machine import generated, slot_setter

__all__ = ["Generator", "Union"]


@dataclass(frozen=True)
class Union:
    """A tagged union as the codec configures it: the tag's field, each tag's class, and where the tag is written.

    ``tag_first``: written before the fields (a union of one class, whose own
    hooks write it) or after them (cattrs' ``configure_tagged_union``).
    """

    tag_name: str
    members: Mapping[str, type]
    tag_first: bool


def _kept(
    made: dict[Any, Callable[[Any], Any]], key: Any, make: Callable[[], Callable[[Any], Any]]
) -> Callable[[Any], Any]:
    """The function *made* keeps under *key*, made by *make* the first time.

    While it is being made, *key* holds a forward reference to it, so that a
    class that holds itself, nested, would call the finished function.
    """
    try:
        return made[key]
    except KeyError:
        pass
    finished: list[Callable[[Any], Any]] = []
    made[key] = lambda value: finished[0](value)
    try:
        function = make()
    except BaseException:
        del made[key]
        raise
    finished.append(function)
    made[key] = function
    return function


class _Unsupported(TypeError):
    """A type the generator has no inline form for: the class keeps the detailed path alone."""


class Generator:
    """Generates, and keeps, the fast functions of one converter's configuration.

    *wire_name* gives a field's name on the wire; *omitted* names the fields
    left out of this form; *unions* are the tagged unions (keyed by the
    union, or by the one class of a union of one); *special* are types read
    and written by a hook of their own (``(structure, unstructure)``);
    *read_datetime* and *write_datetime* are the codec's; *string_problem*
    returns a match (truthy) for a string the codec refuses.
    """

    def __init__(
        self,
        *,
        wire_name: Callable[[str], str],
        omitted: frozenset[str],
        unions: Mapping[Any, Union],
        special: Mapping[type, tuple[Callable[[Any, Any], Any], Callable[[Any], Any]]],
        read_datetime: Callable[[Any, Any], datetime],
        write_datetime: Callable[[datetime], str],
        string_problem: Callable[[str], object],
        int_range: tuple[int, int],
    ) -> None:
        self._wire_name = wire_name
        self._omitted = omitted
        self._unions = unions
        self._special = special
        self._read_datetime = read_datetime
        self._write_datetime = write_datetime
        self._string_problem = string_problem
        self._int_range = int_range
        self._structure: dict[Any, Callable[[Any], Any]] = {}
        self._unstructure: dict[Any, Callable[[Any], Any]] = {}

    # --- structure ----------------------------------------------------------------

    def structure(self, t: Any) -> Callable[[Any], Any] | None:
        """The fast structure function of *t* (an attrs class or a configured union), or None when it has none.

        The function raises an exception of no particular kind for anything
        that does not fit; the caller then asks the detailed path.
        """
        try:
            return self._structure_of(t)
        except _Unsupported:
            return None

    def _structure_of(self, t: Any) -> Callable[[Any], Any]:
        if t in self._unions:
            return _kept(self._structure, ("union", t), lambda: self._make_union_structure(t))
        return self._structure_of_class(t)

    def _make_union_structure(self, t: Any) -> Callable[[Any], Any]:
        union = self._unions[t]
        if len(union.members) == 1:
            ((tag, cls),) = union.members.items()
            inner = self._structure_of_class(cls)
            tag_name = union.tag_name

            def structure_one(data: Any) -> Any:
                if data[tag_name] != tag:
                    raise ValueError(tag)
                return inner(data)

            return structure_one
        by_tag = {tag: self._structure_of_class(cls) for tag, cls in union.members.items()}
        tag_name = union.tag_name

        def structure_tagged(data: Any) -> Any:
            if data.__class__ is not dict:
                raise TypeError(data)
            return by_tag[data[tag_name]](data)

        return structure_tagged

    def _structure_of_class(self, cls: type) -> Callable[[Any], Any]:
        """*cls*'s own function, even where *cls* is also a union of one (whose tag it does not check)."""
        return _kept(self._structure, ("class", cls), lambda: self._make_class_structure(cls))

    def _make_class_structure(self, cls: type) -> Callable[[Any], Any]:
        if not attrs.has(cls):
            raise _Unsupported(cls)
        namespace: dict[str, Any] = {
            "_cls": cls,
            "_new": object.__new__,
            "_sur": self._string_problem,
            "_dt": self._read_datetime,
        }
        lines = [
            f"def structure_{cls.__name__}(d):",
            "    if d.__class__ is not dict: raise TypeError(d)",
            "    get = d.get",
        ]
        sets: list[str] = []
        late: list[str] = []
        for index, field in enumerate(attrs.fields(cls)):
            var = f"f{index}"
            namespace[f"_set{index}"] = slot_setter(cls, field.name)
            default = field.default
            on_wire = field.name not in self._omitted
            if default is attrs.NOTHING:
                if not on_wire:
                    raise _Unsupported(f"{cls.__name__}.{field.name}: required and not on the wire")
                lines.append(f"    {var} = d[{self._wire_name(field.name)!r}]")
                lines += self._field_lines(field, var, namespace, index, indent="    ")
                sets.append(f"    _set{index}(o, {var})")
                continue
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                namespace[f"_factory{index}"] = default.factory
                takes_self = default.takes_self
                absent = f"_factory{index}(o)" if takes_self else f"_factory{index}()"
            else:
                namespace[f"_default{index}"] = default
                absent, takes_self = f"_default{index}", False
            if not on_wire:
                (late if takes_self else sets).append(f"    _set{index}(o, {absent})")
                continue
            lines.append(f"    {var} = get({self._wire_name(field.name)!r})")
            body = self._field_lines(field, var, namespace, index, indent="        ", none_checked=True)
            if takes_self:
                # Computed from the fields before it, once they are set (as attrs' __init__ does).
                lines += [f"    if {var} is not None:", *(body or ["        pass"])]
                late += [f"    _set{index}(o, _factory{index}(o) if {var} is None else {var})"]
                continue
            lines += [f"    if {var} is None:", f"        {var} = {absent}"]
            if body:
                lines += ["    else:", *body]
            sets.append(f"    _set{index}(o, {var})")
        lines += ["    o = _new(_cls)", *sets, *late]
        if hasattr(cls, "__attrs_post_init__"):
            lines.append("    o.__attrs_post_init__()")
        lines.append("    return o")
        return self._compile(lines, namespace, f"structure {cls.__name__}")

    def _field_lines(
        self,
        field: attrs.Attribute[Any],
        var: str,
        namespace: dict[str, Any],
        index: int,
        *,
        indent: str,
        none_checked: bool = False,
    ) -> list[str]:
        """Lines that check *var*, the field's wire value, and leave its value in *var*."""
        t = field.type
        optional = NONE_TYPE in members(t)
        inner = self._without_none(t)
        lines = self._type_lines(inner, var, namespace, f"{index}")
        max_items = field.metadata.get("max_items")
        if max_items is not None:
            lines.append(f"if len({var}) > {max_items}: raise ValueError({var})")
        # In the detailed path's order: each item, then the value masked, then the value's own check.
        item_check = field.metadata.get("item_check")
        if item_check is not None:
            namespace[f"_item_check{index}"] = item_check
            lines += [f"for x in {var}:", f"    _item_check{index}(x)"]
        mask = field.metadata.get("mask")
        if mask is not None:
            namespace[f"_mask{index}"] = mask
            lines.append(f"{var} = _mask{index}({var})")
        check = field.metadata.get("check")
        if check is not None:
            namespace[f"_check{index}"] = check
            lines.append(f"_check{index}({var})")
        if optional and not none_checked:
            return [f"{indent}if {var} is not None:", *(f"{indent}    {line}" for line in lines or ["pass"])]
        return [f"{indent}{line}" for line in lines]

    def _without_none(self, t: Any) -> Any:
        if t in self._unions:
            return t
        rest = [m for m in members(t) if m is not NONE_TYPE]
        if len(rest) != 1:
            raise _Unsupported(t)
        return rest[0]

    def _call(self, t: Any, namespace: dict[str, Any], name: str) -> str | None:
        """An expression template reading a value of *t* by one call, or None when *t* needs checks instead."""
        if t in self._unions:
            namespace[name] = self._structure_of(t)
            return f"{name}({{}})"
        if t in self._special:
            hook = self._special[t][0]
            namespace[name] = lambda value, _hook=hook, _t=t: _hook(value, _t)
            return f"{name}({{}})"
        if t is datetime:
            return "_dt({}, None)"
        if isinstance(t, type) and issubclass(t, enum.Enum):
            if not all(isinstance(member.value, str) for member in t):
                raise _Unsupported(t)
            namespace[name] = {member.value: member for member in t}
            return f"{name}[{{}}]"
        if attrs.has(t):
            namespace[name] = self._structure_of(t)
            return f"{name}({{}})"
        return None

    def _check(self, t: Any, var: str) -> list[str]:
        low, high = self._int_range
        if t is str:
            return [
                f"if {var}.__class__ is not str: raise TypeError({var})",
                f"if not {var}.isascii() and _sur({var}): raise ValueError({var})",
            ]
        if t is int:
            return [f"if {var}.__class__ is not int or not {low} <= {var} <= {high}: raise ValueError({var})"]
        if t is bool:
            return [f"if {var} is not True and {var} is not False: raise TypeError({var})"]
        raise _Unsupported(t)

    def _type_lines(self, t: Any, var: str, namespace: dict[str, Any], name: str) -> list[str]:
        call = self._call(t, namespace, f"_t{name}")
        if call is not None:
            if isinstance(t, type) and issubclass(t, enum.Enum):
                return [f"if {var}.__class__ is not str: raise TypeError({var})", f"{var} = {call.format(var)}"]
            return [f"{var} = {call.format(var)}"]
        if typing.get_origin(t) is tuple:
            args = typing.get_args(t)
            if len(args) != 2 or args[1] is not Ellipsis:
                raise _Unsupported(t)
            item = args[0]
            lines = [f"if {var}.__class__ is not list and {var}.__class__ is not tuple: raise TypeError({var})"]
            item_call = self._call(item, namespace, f"_i{name}")
            if item_call is None:
                body = self._check(item, "x")
                return [*lines, f"for x in {var}:", *(f"    {line}" for line in body), f"{var} = tuple({var})"]
            if isinstance(item, type) and issubclass(item, enum.Enum):
                return [
                    *lines,
                    f"for x in {var}:",
                    "    if x.__class__ is not str: raise TypeError(x)",
                    f"{var} = tuple([{item_call.format('x')} for x in {var}])",
                ]
            return [*lines, f"{var} = tuple([{item_call.format('x')} for x in {var}])"]
        return self._check(t, var)

    # --- unstructure --------------------------------------------------------------

    def unstructure(self, t: Any) -> Callable[[Any], Any] | None:
        """The fast unstructure function of *t* (an attrs class or a configured union), or None when it has none."""
        try:
            return self._unstructure_of(t)
        except _Unsupported:
            return None

    def _unstructure_of(self, t: Any) -> Callable[[Any], Any]:
        if t in self._unions:
            return _kept(self._unstructure, ("union", t), lambda: self._make_union_unstructure(t))
        return self._unstructure_of_class(t)

    def _unstructure_of_class(self, cls: type) -> Callable[[Any], Any]:
        return _kept(self._unstructure, ("class", cls), lambda: self._make_class_unstructure(cls))

    def _make_union_unstructure(self, t: Any) -> Callable[[Any], Any]:
        union = self._unions[t]
        tag_name = union.tag_name
        if union.tag_first:
            ((tag, cls),) = union.members.items()
            inner = self._unstructure_of_class(cls)
            return lambda obj: {tag_name: tag, **inner(obj)}
        by_class = {cls: (self._unstructure_of_class(cls), tag) for tag, cls in union.members.items()}

        def unstructure_tagged(obj: Any) -> Any:
            write, tag = by_class[obj.__class__]
            data = write(obj)
            data[tag_name] = tag
            return data

        return unstructure_tagged

    def _make_class_unstructure(self, cls: type) -> Callable[[Any], Any]:
        """The fields always written first, in one dict display; then each that is omitted when None.

        The order of cattrs' ``make_dict_unstructure_fn`` with ``omit_if_default``,
        so that both paths write the same JSON text.
        """
        if not attrs.has(cls):
            raise _Unsupported(cls)
        namespace: dict[str, Any] = {"_wdt": self._write_datetime}
        always: list[str] = []
        omitted_when_none: list[str] = []
        for index, field in enumerate(attrs.fields(cls)):
            if field.name in self._omitted:
                continue
            name = self._wire_name(field.name)
            inner = self._without_none(field.type)
            attribute = f"o.{field.name}"
            if field.default is None:
                value = self._write(inner, "v", namespace, f"{index}")
                omitted_when_none += [f"    v = {attribute}", f"    if v is not None: d[{name!r}] = {value}"]
                continue
            value = self._write(inner, attribute, namespace, f"{index}")
            if NONE_TYPE in members(field.type) and value != attribute:  # required, and None is written
                value = f"(None if {attribute} is None else {value})"
            always.append(f"{name!r}: {value}")
        lines = [
            f"def unstructure_{cls.__name__}(o):",
            "    d = {" + ", ".join(always) + "}",
            *omitted_when_none,
            "    return d",
        ]
        return self._compile(lines, namespace, f"unstructure {cls.__name__}")

    def _write(self, t: Any, expr: str, namespace: dict[str, Any], name: str) -> str:
        if t in (str, int, bool):
            return expr
        if t is datetime:
            return f"_wdt({expr})"
        if isinstance(t, type) and issubclass(t, enum.Enum):
            return f"{expr}._value_"
        if t in self._unions:
            namespace[f"_u{name}"] = self._unstructure_of(t)
            return f"_u{name}({expr})"
        if t in self._special:
            namespace[f"_u{name}"] = self._special[t][1]
            return f"_u{name}({expr})"
        if attrs.has(t):
            namespace[f"_u{name}"] = self._unstructure_of(t)
            return f"_u{name}({expr})"
        if typing.get_origin(t) is tuple:
            args = typing.get_args(t)
            if len(args) != 2 or args[1] is not Ellipsis:
                raise _Unsupported(t)
            item = self._write(args[0], "x", namespace, f"{name}i")
            return f"list({expr})" if item == "x" else f"[{item} for x in {expr}]"
        raise _Unsupported(t)

    @staticmethod
    def _compile(lines: list[str], namespace: dict[str, Any], what: str) -> Callable[[Any], Any]:
        made: Callable[[Any], Any] = generated(lines, namespace, what)
        made.__doc__ = "\n".join(lines)  # shown by help(): what the function does, line by line
        return made
