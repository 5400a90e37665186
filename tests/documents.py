"""Places in a JSON-like document, and copies of it with one place changed: for the properties that spoil documents."""

from __future__ import annotations

from typing import Any, Final

#: What ``edit`` puts at a place to remove the member or item there.
DROP: Final = object()


def places(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON-like *value*: the root, and each member and item, depth first."""
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += places(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += places(item, (*prefix, index))
    return out


def at(value: Any, path: tuple[Any, ...]) -> Any:
    """What is at *path* in *value*."""
    for step in path:
        value = value[step]
    return value


def edit(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A copy of *value* with *new* at *path* (``DROP``: the member or item removed); *value* is not changed."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        out = dict(value)
        if not rest and new is DROP:
            del out[head]
        else:
            out[head] = edit(value[head], rest, new)
        return out
    items = list(value)
    if not rest and new is DROP:
        del items[head]
    else:
        items[head] = edit(items[head], rest, new)
    return items
