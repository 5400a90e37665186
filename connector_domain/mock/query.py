"""Reading the store: what it answers (``Stored``, ``Page``), and the query over its indexes.

``Index`` holds the ConnectorStaged resources in creation order (which is
the ``createdAt`` order), and the indexes every change keeps in step: the
modification order, the private and public sets, a set per integration
type. A query reads them and only sorts when asked for a field no index
keeps; ``benchmarks/store_query.py`` measures it. ``Index`` is not
thread-safe: the store calls it under its lock.
"""

from __future__ import annotations

import heapq
import operator
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, Generic, TypeVar

import attrs

from .. import codec
from ..access import visible
from ..errors import InvalidQueryParam
from ..model import Connector, ConnectorStaged, ConnectorStagedPagedQueryResponse, IntegrationType

__all__ = [
    "LIMIT_DEFAULT",
    "LIMIT_MAX",
    "OFFSET_MAX",
    "SEARCH_SORTABLE_FIELDS",
    "SORTABLE_FIELDS",
    "Index",
    "Page",
    "Searchable",
    "Stored",
    "search",
]

R = TypeVar("R", ConnectorStaged, Connector)

#: Query parameters of ``GET /connectors/drafts`` (connect-api-facts.md, Endpoints).
LIMIT_DEFAULT: Final = 20
LIMIT_MAX: Final = 500
OFFSET_MAX: Final = 10_000


# --- What the store answers ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Stored(Generic[R]):
    """A resource as the store holds it: the value, its record form, and the times the store tracks.

    ``record`` is ``codec.to_record(resource)`` plus ``createdAt`` and
    ``lastModifiedAt``, computed once per change; it is shared, not copied:
    read it, never mutate it. ``sequence`` is the position in creation order,
    which sorting keeps among equal values.
    """

    resource: R
    record: Mapping[str, Any] = attrs.field(repr=False, eq=False)
    created_at: datetime
    last_modified_at: datetime
    sequence: int

    @classmethod
    def of(cls, resource: R, *, created_at: datetime, at: datetime, sequence: int) -> Stored[R]:
        """*resource* as the store holds it, its record computed once."""
        record = codec.to_record(resource)
        record["createdAt"] = codec.converter.unstructure(created_at)
        record["lastModifiedAt"] = codec.converter.unstructure(at)
        return cls(resource=resource, record=record, created_at=created_at, last_modified_at=at, sequence=sequence)

    def to_wire(self) -> dict[str, Any]:
        """The API's JSON of the resource: the wire form, with ``createdAt`` and ``lastModifiedAt``.

        A new dictionary; the values inside it are shared with the store.
        """
        return codec.wire_of_record(self.record)


@attrs.frozen(kw_only=True)
class Page(Generic[R]):
    """One page of a query (``GET /connectors/drafts``) or a search (``GET /connectors/search``).

    ``response()`` is the ``ConnectorStagedPagedQueryResponse`` value of a
    query's page; ``to_wire()`` the JSON of either, whose results carry
    ``createdAt`` and ``lastModifiedAt``.
    """

    limit: int
    offset: int
    total: int
    results: tuple[Stored[R], ...]

    @property
    def count(self) -> int:
        """The number of results on this page."""
        return len(self.results)

    def response(self: Page[ConnectorStaged]) -> ConnectorStagedPagedQueryResponse:
        """A query's page as the model's ``ConnectorStagedPagedQueryResponse``."""
        return ConnectorStagedPagedQueryResponse(
            limit=self.limit,
            offset=self.offset,
            count=self.count,
            total=self.total,
            results=tuple(s.resource for s in self.results),
        )

    def to_wire(self) -> dict[str, Any]:
        """The JSON of the page: ``ConnectorStagedPagedQueryResponse`` or ``ConnectorSearchPagedQueryResponse``."""
        return {
            "limit": self.limit,
            "offset": self.offset,
            "count": self.count,
            "total": self.total,
            "results": [s.to_wire() for s in self.results],
        }


# --- Sorting -----------------------------------------------------------------------------------


# After every key: keys match ^[A-Za-z0-9_-]+$, all below U+FFFF.
_NO_KEY: Final = "\uffff"


def _key_order(s: Stored[Any]) -> str:
    # A string, not a tuple: sorting 100,000 resources by key then allocates nothing, and
    # the garbage collector, which a burst of new tuples wakes, stays asleep.
    return s.resource.key or _NO_KEY  # a resource without a key sorts after every key


_SORT_KEYS: Final[Mapping[str, Callable[[Stored[Any]], Any]]] = {
    "createdAt": operator.attrgetter("created_at"),
    "lastModifiedAt": operator.attrgetter("last_modified_at"),
    "id": operator.attrgetter("resource.id"),
    "key": _key_order,
    "name": operator.attrgetter("resource.name"),
    "version": operator.attrgetter("resource.version"),
    "status": operator.attrgetter("resource.status.value"),
}
# A filter that lets fewer than one resource in _FEW through is read from its set, not along an index.
_FEW: Final = 16
# Up to this offset + limit, a sort on a field no index keeps picks the first ones with a heap.
_PARTIAL_SORT_MAX: Final = 1000

#: The fields ``sort`` accepts, as ``"field asc"`` or ``"field desc"``.
SORTABLE_FIELDS: Final = tuple(_SORT_KEYS)


def _sequence(s: Stored[Any]) -> int:
    return s.sequence


def _parse_sort(
    sort: Iterable[str], problems: list[str], fields: Sequence[str] = SORTABLE_FIELDS
) -> list[tuple[str, bool]]:
    """``["name asc", "createdAt desc"]`` as ``[("name", False), ("createdAt", True)]``; problems noted."""
    out = []
    for index, item in enumerate(sort):
        if item == "":
            continue  # "sort=" (empty) is ignored (mock-service.md, decision)
        parts = item.split() if isinstance(item, str) else []
        if len(parts) != 2 or parts[0] not in fields or parts[1] not in ("asc", "desc"):
            names = ", ".join(fields)
            problems.append(f"sort[{index}]: {item!r} is not 'field asc' or 'field desc', a field of {names}")
            continue
        out.append((parts[0], parts[1] == "desc"))
    return out


def _check_range(name: str, value: object, high: int, problems: list[str]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{name}: expected an integer, got {value!r}")
    elif not 0 <= value <= high:
        problems.append(f"{name}: {value} is not between 0 and {high}")


# --- Search ------------------------------------------------------------------------------------

#: The fields a search's ``sort`` accepts.
SEARCH_SORTABLE_FIELDS: Final = tuple(name for name in _SORT_KEYS if name != "status")


@attrs.frozen(kw_only=True)
class Searchable:
    """A production Connector as a search sees it: the Connector, its ConnectorStaged, and its owner."""

    connector: Stored[Connector]
    staged: ConnectorStaged
    owner: str | None


def search(
    candidates: Iterable[Searchable],
    *,
    project: str,
    text: str | None = None,
    private: bool | None = None,
    creator_company: str | None = None,
    ids: Sequence[str] = (),
    keys: Sequence[str] = (),
    integration_types: Iterable[IntegrationType | str] | None = None,
    limit: int = LIMIT_DEFAULT,
    offset: int = 0,
    sort: Sequence[str] = (),
) -> Page[Connector] | InvalidQueryParam:
    """``GET /connectors/search``: the production Connectors *project* may see that match, one page.

    Visibility is ``access.visible``; an unlisted connector is hidden from
    every project but its owner. ``text`` is a case-insensitive substring
    of ``name`` or ``description``; ``private`` true keeps the connectors
    whose ``privateProjects`` list *project* (false and absent: every one it
    may see); ``creator_company`` is exact; several ``ids``, ``keys`` or
    ``integration_types`` match any of them; different parameters all hold.
    Equal sort values keep the order of publication. *candidates* come in
    that order.
    """
    problems: list[str] = []
    _check_range("limit", limit, LIMIT_MAX, problems)
    _check_range("offset", offset, OFFSET_MAX, problems)
    order = _parse_sort([sort] if isinstance(sort, str) else sort, problems, SEARCH_SORTABLE_FIELDS)
    types = None if integration_types is None else set(_parse_types(integration_types, problems))
    if problems:
        return InvalidQueryParam("; ".join(problems))
    needle = text.casefold() if text else None
    wanted_ids, wanted_keys = frozenset(ids), frozenset(keys)
    found: list[Stored[Connector]] = []
    for entry in candidates:
        staged, connector = entry.staged, entry.connector.resource
        mine = project == entry.owner
        if not visible(staged, project, owner=entry.owner) or not (staged.already_listed or mine):
            continue
        if private and project not in staged.private_projects:
            continue
        if (wanted_ids and connector.id not in wanted_ids) or (wanted_keys and connector.key not in wanted_keys):
            continue
        if creator_company is not None and connector.creator.company != creator_company:
            continue
        if types and types.isdisjoint(connector.integration_types):
            continue
        if needle is not None and not _contains(connector, needle):
            continue
        found.append(entry.connector)
    for name, desc in reversed(order):
        found.sort(key=_SORT_KEYS[name], reverse=desc)
    results = found[offset : offset + limit] if limit else []
    return Page(limit=limit, offset=offset, total=len(found), results=tuple(results))


def _contains(connector: Connector, needle: str) -> bool:
    return needle in connector.name.casefold() or needle in (connector.description or "").casefold()


# --- The index ---------------------------------------------------------------------------------


class Index:
    """The ConnectorStaged resources, in creation order, and the indexes a query reads."""

    def __init__(self) -> None:
        self.resources: dict[str, Stored[ConnectorStaged]] = {}  # creation order = createdAt order
        self._modified: OrderedDict[str, None] = OrderedDict()  # ids in lastModifiedAt order
        self._private: set[str] = set()
        self._public: set[str] = set()
        self._by_type: dict[IntegrationType, set[str]] = {t: set() for t in IntegrationType}

    def __len__(self) -> int:
        return len(self.resources)

    def put(self, old: Stored[ConnectorStaged] | None, new: Stored[ConnectorStaged]) -> None:
        """Save *new* (a new resource, or a change of *old*) and keep every index in step."""
        id = new.resource.id
        self.resources[id] = new
        self._modified[id] = None
        self._modified.move_to_end(id)
        before, staged = (None if old is None else old.resource), new.resource
        if before is None or before.private != staged.private:
            (self._private if staged.private else self._public).add(id)
            (self._public if staged.private else self._private).discard(id)
        if before is None or before.integration_types != staged.integration_types:
            for t in () if before is None else before.integration_types:
                self._by_type[t].discard(id)
            for t in staged.integration_types:
                self._by_type[t].add(id)

    def remove(self, stored: Stored[ConnectorStaged]) -> None:
        """Forget *stored* and its entries in every index."""
        id = stored.resource.id
        del self.resources[id]
        del self._modified[id]
        self._private.discard(id)
        self._public.discard(id)
        for t in stored.resource.integration_types:
            self._by_type[t].discard(id)

    def query(
        self,
        *,
        limit: int = LIMIT_DEFAULT,
        offset: int = 0,
        sort: Sequence[str] = (),
        is_private: bool | None = None,
        integration_types: Iterable[IntegrationType | str] | None = None,
    ) -> Page[ConnectorStaged] | InvalidQueryParam:
        """``GET /connectors/drafts``: one page of the resources that match, in order.

        - ``limit`` 0 to 500 (default 20), ``offset`` 0 to 10000 (default 0);
        - ``sort``: ``"field asc"`` or ``"field desc"``, the first the most
          significant, a field of ``SORTABLE_FIELDS``; equal values keep the
          creation order (with no sort, the creation order itself);
        - ``is_private``: only private (true) or only public (false) resources;
        - ``integration_types``: resources with any of these types (an empty
          list filters nothing).

        ``total`` counts every match. A parameter out of range, an unknown
        sort field or integration type is an ``InvalidQueryParam`` naming each.
        """
        problems: list[str] = []
        _check_range("limit", limit, LIMIT_MAX, problems)
        _check_range("offset", offset, OFFSET_MAX, problems)
        order = _parse_sort([sort] if isinstance(sort, str) else sort, problems)
        if is_private is not None and not isinstance(is_private, bool):
            problems.append(f"isPrivate: expected a boolean, got {is_private!r}")
        types = None if integration_types is None else _parse_types(integration_types, problems)
        if problems:
            return InvalidQueryParam("; ".join(problems))
        return self._query(limit, offset, order, is_private, types)

    def _query(
        self,
        limit: int,
        offset: int,
        order: list[tuple[str, bool]],
        is_private: bool | None,
        types: list[IntegrationType] | None,
    ) -> Page[ConnectorStaged]:
        matching = self._matching(is_private, types)
        total = len(self.resources) if matching is None else len(matching)
        end = offset + limit
        field, descending = order[0] if order else ("createdAt", False)
        # Walking an index is cheap unless few resources match: then sorting the matches is cheaper.
        walk = matching is None or len(matching) * _FEW >= len(self.resources)
        ids = self._index_order(field, descending) if len(order) == 1 or not order else None
        results: list[Stored[ConnectorStaged]]
        if limit == 0 or offset >= total:
            results = []
        elif ids is not None and walk:
            results = self._walk(ids, field, matching, end)[offset:end]
        elif len(order) == 1 and end <= _PARTIAL_SORT_MAX:
            # The first `end` of a sort, in O(n log end); as stable as sorted() (heapq's documentation).
            pick = heapq.nlargest if descending else heapq.nsmallest
            results = pick(end, self._candidates(matching), key=_SORT_KEYS[field])[offset:end]
        else:
            candidates = list(self._candidates(matching))
            for name, desc in reversed(order):
                candidates.sort(key=_SORT_KEYS[name], reverse=desc)
            results = candidates[offset:end]
        return Page(limit=limit, offset=offset, total=total, results=tuple(results))

    def _matching(self, is_private: bool | None, types: list[IntegrationType] | None) -> set[str] | None:
        """The ids the filters let through (read-only: it may be an index itself), or None for all."""
        matching: set[str] | None = None
        if types:
            sets = [self._by_type[t] for t in dict.fromkeys(types)]
            matching = sets[0] if len(sets) == 1 else set().union(*sets)
        if is_private is not None:
            side = self._private if is_private else self._public
            matching = side if matching is None else matching & side
        return matching

    def _index_order(self, field: str, descending: bool) -> Iterator[str] | None:
        """The ids in the order of an index kept for *field*, or None when there is none."""
        if field == "createdAt":
            return reversed(self.resources) if descending else iter(self.resources)
        if field == "lastModifiedAt":
            return reversed(self._modified) if descending else iter(self._modified)
        return None

    def _walk(
        self, ids: Iterator[str], field: str, matching: set[str] | None, wanted: int
    ) -> list[Stored[ConnectorStaged]]:
        """The first *wanted* matches along an index; equal times in creation order, as a stable sort gives."""
        key = _SORT_KEYS[field]
        staged = self.resources
        out: list[Stored[ConnectorStaged]] = []
        group: list[Stored[ConnectorStaged]] = []
        group_key: Any = None
        for id in ids:
            if matching is not None and id not in matching:
                continue
            stored = staged[id]
            value = key(stored)
            if group and value != group_key:
                group.sort(key=_sequence)
                out.extend(group)
                group = []
                if len(out) >= wanted:
                    return out
            group_key = value
            group.append(stored)
        group.sort(key=_sequence)
        out.extend(group)
        return out

    def _candidates(self, matching: set[str] | None) -> Iterable[Stored[ConnectorStaged]]:
        """The matches, in creation order: what every sort starts from."""
        if matching is None:
            return self.resources.values()
        if len(matching) * _FEW >= len(self.resources):
            return [s for id, s in self.resources.items() if id in matching]
        return sorted((self.resources[id] for id in matching), key=_sequence)


def _parse_types(values: Iterable[IntegrationType | str], problems: list[str]) -> list[IntegrationType]:
    out = []
    allowed = {t.value: t for t in IntegrationType}
    for index, value in enumerate(values):
        if isinstance(value, IntegrationType):
            out.append(value)
        elif isinstance(value, str) and value in allowed:
            out.append(allowed[value])
        else:
            problems.append(f"integrationTypes[{index}]: {value!r} is not one of {', '.join(map(repr, allowed))}")
    return out
