"""Reading the store: what it answers (``Stored``, ``Page``), and the query and search over its indexes.

``Index`` holds the ConnectorStaged resources in creation order (which is
the ``createdAt`` order), and the indexes every change keeps in step: the
modification order, the private and public sets, a set per integration
type. ``DeploymentIndex`` holds one project's Deployments, with a set per
integration type of their connector and per deployment type.
``ConnectorIndex`` does the same for the production Connectors, in
publication order, with the sets a search reads: who each one is shown to
(``shown``, the one rule), keys, integration types, creator companies, and
the casefolded text. A query or search reads them, scans only for ``text``,
and only sorts when asked for a field no index keeps;
``benchmarks/store_query.py`` and ``benchmarks/search.py`` measure them.
Neither index is thread-safe: the store calls them under its lock.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import json
import operator
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, Generic, TypeVar

import attrs

from .. import codec
from .._fields import shown as quoted
from ..access import shown_in_search
from ..deployment.model import Deployment, DeploymentType
from ..errors import InvalidQueryParam
from ..model import Connector, ConnectorStaged, ConnectorStagedPagedQueryResponse, IntegrationType

__all__ = [
    "LIMIT_DEFAULT",
    "LIMIT_MAX",
    "OFFSET_MAX",
    "SEARCH_SORTABLE_FIELDS",
    "SORTABLE_FIELDS",
    "DEPLOYMENT_SORTABLE_FIELDS",
    "ConnectorIndex",
    "DeploymentIndex",
    "Index",
    "Page",
    "Stored",
    "shown",
]

R = TypeVar("R", ConnectorStaged, Connector, Deployment)

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
    which sorting keeps among equal values. ``json()``, the JSON text the
    server answers with, is written at the first read and kept: a change
    makes a new ``Stored``, so the text of one never goes stale.
    """

    resource: R
    record: Mapping[str, Any] = attrs.field(repr=False, eq=False)
    created_at: datetime
    last_modified_at: datetime
    sequence: int
    _json: bytes | None = attrs.field(default=None, init=False, repr=False, eq=False)

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

    def json(self) -> bytes:
        """``to_wire()`` as compact JSON text in UTF-8 (``_json_bytes``), written once and kept.

        Two threads reading it first may both write it; they write the same bytes.
        """
        text = self._json
        if text is None:
            text = _json_bytes(self.to_wire())
            object.__setattr__(self, "_json", text)  # a cache: frozen for every field that is data
        return text


def _json_bytes(data: Any) -> bytes:
    """*data* as the server writes a JSON body: compact, non-ASCII characters as UTF-8, no NaN.

    Byte for byte what Starlette's ``JSONResponse`` writes, so that an answer
    served from ``Stored.json()`` is the one an encoding per request gave.
    """
    return json.dumps(data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


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
            problems.append(f"sort[{index}]: {quoted(item)} is not 'field asc' or 'field desc', a field of {names}")
            continue
        out.append((parts[0], parts[1] == "desc"))
    return out


def _check_range(name: str, value: object, high: int, problems: list[str]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{name}: expected an integer, got {quoted(value)}")
    elif not 0 <= value <= high:
        problems.append(f"{name}: {value} is not between 0 and {high}")


# --- The order a page is read along ----------------------------------------------------------


class _Ordered(Generic[R]):
    """Resources in creation order and in modification order, and the page a query reads along them.

    The creation order (a dict) is the ``createdAt`` order and the
    modification order (``move_to_end`` on each change) the
    ``lastModifiedAt`` order, because the store's time never goes backwards.
    """

    def __init__(self) -> None:
        self.resources: dict[str, Stored[R]] = {}  # creation order = createdAt order
        self._modified: OrderedDict[str, None] = OrderedDict()  # ids in lastModifiedAt order

    def __len__(self) -> int:
        return len(self.resources)

    def _save(self, stored: Stored[R]) -> None:
        id = stored.resource.id
        self.resources[id] = stored
        self._modified[id] = None
        self._modified.move_to_end(id)

    def _forget(self, id: str) -> None:
        del self.resources[id]
        del self._modified[id]

    def _page(
        self, limit: int, offset: int, order: list[tuple[str, bool]], matching: Collection[str] | None
    ) -> Page[R]:
        """One page of the resources in *matching* (read-only; None for all), in *order*; ``total`` its size."""
        total = len(self.resources) if matching is None else len(matching)
        end = offset + limit
        field, descending = order[0] if order else ("createdAt", False)
        # Walking an index is cheap unless few resources match: then sorting the matches is cheaper.
        walk = matching is None or len(matching) * _FEW >= len(self.resources)
        ids = self._index_order(field, descending) if len(order) == 1 or not order else None
        results: list[Stored[R]]
        if limit == 0 or offset >= total:
            results = []
        elif ids is not None and walk and field == "createdAt" and not descending:
            # The creation order is the createdAt order with equal times already in creation order:
            # the page is the first `end` matches, however many share a time.
            found = (id for id in ids if matching is None or id in matching)
            results = [self.resources[id] for id in itertools.islice(found, offset, end)]
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

    def _index_order(self, field: str, descending: bool) -> Iterator[str] | None:
        """The ids in the order of an index kept for *field*, or None when there is none."""
        if field == "createdAt":
            return reversed(self.resources) if descending else iter(self.resources)
        if field == "lastModifiedAt":
            return reversed(self._modified) if descending else iter(self._modified)
        return None

    def _walk(self, ids: Iterator[str], field: str, matching: Collection[str] | None, wanted: int) -> list[Stored[R]]:
        """The first *wanted* matches along an index; equal times in creation order, as a stable sort gives."""
        key = _SORT_KEYS[field]
        resources = self.resources
        out: list[Stored[R]] = []
        group: list[Stored[R]] = []
        group_key: Any = None
        for id in ids:
            if matching is not None and id not in matching:
                continue
            stored = resources[id]
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

    def _candidates(self, matching: Collection[str] | None) -> Iterable[Stored[R]]:
        """The matches, in creation order: what every sort starts from."""
        if matching is None:
            return self.resources.values()
        if len(matching) * _FEW >= len(self.resources):
            return [s for id, s in self.resources.items() if id in matching]
        return sorted((self.resources[id] for id in matching), key=_sequence)


# --- The drafts query --------------------------------------------------------------------------


class Index(_Ordered[ConnectorStaged]):
    """The ConnectorStaged resources, in creation order, and the indexes a query reads."""

    def __init__(self) -> None:
        super().__init__()
        self._private: set[str] = set()
        self._public: set[str] = set()
        self._by_type: dict[IntegrationType, set[str]] = {}

    def put(self, old: Stored[ConnectorStaged] | None, new: Stored[ConnectorStaged]) -> None:
        """Save *new* (a new resource, or a change of *old*) and keep every index in step."""
        self._save(new)
        id = new.resource.id
        before, staged = (None if old is None else old.resource), new.resource
        if before is None or before.private != staged.private:
            (self._private if staged.private else self._public).add(id)
            (self._public if staged.private else self._private).discard(id)
        if before is None or before.integration_types != staged.integration_types:
            _reindex(self._by_type, id, () if before is None else before.integration_types, staged.integration_types)

    def remove(self, stored: Stored[ConnectorStaged]) -> None:
        """Forget *stored* and its entries in every index."""
        id = stored.resource.id
        self._forget(id)
        self._private.discard(id)
        self._public.discard(id)
        _reindex(self._by_type, id, stored.resource.integration_types, ())

    def query(
        self,
        *,
        limit: int = LIMIT_DEFAULT,
        offset: int = 0,
        sort: Sequence[str] = (),
        is_private: bool | None = None,
        integration_types: Iterable[IntegrationType | str] | None = None,
        within: Collection[str] | None = None,
    ) -> Page[ConnectorStaged] | InvalidQueryParam:
        """``GET /connectors/drafts``: one page of the resources that match, in order.

        - ``limit`` 0 to 500 (default 20), ``offset`` 0 to 10000 (default 0);
        - ``sort``: ``"field asc"`` or ``"field desc"``, the first the most
          significant, a field of ``SORTABLE_FIELDS``; equal values keep the
          creation order (with no sort, the creation order itself);
        - ``is_private``: only private (true) or only public (false) resources;
        - ``integration_types``: resources with any of these types (an empty
          list filters nothing);
        - ``within``: only these ids (a project's own drafts; read, not kept).

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
        return self._page(limit, offset, order, self._matching(is_private, types, within))

    def _matching(
        self, is_private: bool | None, types: list[IntegrationType] | None, within: Collection[str] | None
    ) -> Collection[str] | None:
        """The ids the filters let through (read-only: it may be an index itself), or None for all."""
        matching: set[str] | None = None
        if types:
            matching = _any_of(self._by_type, types)
        if is_private is not None:
            side = self._private if is_private else self._public
            matching = side if matching is None else matching & side
        if within is not None:
            return within if matching is None else {id for id in within if id in matching}
        return matching


# --- The deployments query --------------------------------------------------------------------

#: The fields a deployments query's ``sort`` accepts (a Deployment has no ``name``).
DEPLOYMENT_SORTABLE_FIELDS: Final = tuple(name for name in _SORT_KEYS if name != "name")


class DeploymentIndex(_Ordered[Deployment]):
    """One project's Deployments, in creation order, and the indexes a query reads."""

    def __init__(self) -> None:
        super().__init__()
        self._by_type: dict[IntegrationType, set[str]] = {}
        self._by_kind: dict[DeploymentType, set[str]] = {}

    def put(self, old: Stored[Deployment] | None, new: Stored[Deployment]) -> None:
        """Save *new* (a new Deployment, or a change of *old*) and keep every index in step."""
        self._save(new)
        id = new.resource.id
        before, deployment = (None if old is None else old.resource), new.resource
        types = () if before is None else before.connector.integration_types
        _reindex(self._by_type, id, types, deployment.connector.integration_types)
        _reindex(self._by_kind, id, () if before is None else (before.type,), (deployment.type,))

    def remove(self, stored: Stored[Deployment]) -> None:
        """Forget *stored* and its entries in every index."""
        id = stored.resource.id
        self._forget(id)
        _reindex(self._by_type, id, stored.resource.connector.integration_types, ())
        _reindex(self._by_kind, id, (stored.resource.type,), ())

    def query(
        self,
        *,
        limit: int = LIMIT_DEFAULT,
        offset: int = 0,
        sort: Sequence[str] = (),
        integration_types: Iterable[IntegrationType | str] | None = None,
        deployment_type: DeploymentType | str | None = None,
    ) -> Page[Deployment] | InvalidQueryParam:
        """``GET /{projectKey}/deployments``: one page of the project's Deployments that match, in order.

        ``limit``, ``offset`` and ``sort`` as ``Index.query`` (the fields of
        ``DEPLOYMENT_SORTABLE_FIELDS``); ``integration_types``: Deployments
        whose connector has any of these types; ``deployment_type``: only
        Deployments of that ``type``. A value out of range or unknown is an
        ``InvalidQueryParam`` naming each.
        """
        problems: list[str] = []
        _check_range("limit", limit, LIMIT_MAX, problems)
        _check_range("offset", offset, OFFSET_MAX, problems)
        order = _parse_sort([sort] if isinstance(sort, str) else sort, problems, DEPLOYMENT_SORTABLE_FIELDS)
        types = None if integration_types is None else _parse_types(integration_types, problems)
        kind = None if deployment_type is None else _parse_kind(deployment_type, problems)
        if problems:
            return InvalidQueryParam("; ".join(problems))
        matching: set[str] | None = None
        if types:
            matching = _any_of(self._by_type, types)
        if kind is not None:
            side = self._by_kind.get(kind, set())
            matching = side if matching is None else matching & side
        return self._page(limit, offset, order, matching)


def _parse_kind(value: DeploymentType | str, problems: list[str]) -> DeploymentType | None:
    if isinstance(value, DeploymentType):
        return value
    allowed = {t.value: t for t in DeploymentType}
    if isinstance(value, str) and value in allowed:
        return allowed[value]
    problems.append(f"deploymentType: {quoted(value)} is not one of {', '.join(map(repr, allowed))}")
    return None


# --- Connector search --------------------------------------------------------------------------

#: The fields a search's ``sort`` accepts.
SEARCH_SORTABLE_FIELDS: Final = tuple(name for name in _SORT_KEYS if name != "status")


#: Whether a search by a project shows a Connector: the rule is ``access``'s.
shown: Final = shown_in_search


@attrs.frozen
class _Audience:
    """Who a search shows one Connector to: every project, or only those named; and who it is assigned to."""

    everyone: bool
    named: frozenset[str]  # the projects it is shown to, when not to every project
    assigned: frozenset[str]  # the projects its privateProjects list, among those it is shown to


_NOBODY: Final = _Audience(False, frozenset(), frozenset())


def _audience(staged: ConnectorStaged, owner: str | None) -> _Audience:
    """The audience of *staged*'s Connector, asked of ``shown`` once per project the rule can tell apart.

    The rule names projects only through ``privateProjects`` and the owner:
    every other project is a stranger to it, and one stranger (a string
    longer than each named project, so none of them) answers for all. Being
    listed or owning only widens what a project is shown, so a Connector
    shown to everyone needs no per-project entry; the search relies on it,
    and ``tests/test_search_index.py`` compares it with a scan.
    """
    named = {*staged.private_projects, *(() if owner is None else (owner,))}
    stranger = "?" * (1 + max(map(len, named), default=0))
    everyone = shown(staged, stranger, owner=owner)
    seen = frozenset(p for p in named if shown(staged, p, owner=owner))
    assigned = frozenset(p for p in staged.private_projects if p in seen)
    return _Audience(everyone, frozenset() if everyone else seen, assigned)


# Between the name and the description of a search's text; casefold() leaves it as it is.
_TEXT_SEPARATOR: Final = "\x00"


class ConnectorIndex(_Ordered[Connector]):
    """The production Connectors, in publication order, and the indexes a search reads.

    Every change keeps them in step: who each Connector is shown to (the
    connectors shown to every project, a set per project named by a
    ``privateProjects`` or as owner, a set per project of those assigned to
    it), the keys, a set per integration type and per creator company, and
    the casefolded name and description. A search intersects the sets, scans
    only for ``text``, and reads its page along the publication or the
    modification order (``_Ordered``). Publication order is the order of
    first publication, ``createdAt`` of the Connector; a republication keeps
    its place.
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: dict[str, str] = {}
        self._by_type: dict[IntegrationType, set[str]] = {}
        self._by_company: dict[str, set[str]] = {}
        self._text: dict[str, str] = {}  # casefolded name, separator, casefolded description
        self._audiences: dict[str, _Audience] = {}
        self._everyone: set[str] = set()
        self._named: dict[str, set[str]] = {}  # project -> shown to it, not to everyone
        self._assigned: dict[str, set[str]] = {}  # project -> shown to it and listing it

    def by_key(self, key: str) -> Stored[Connector] | None:
        """The Connector whose key is *key*, if one was published."""
        id = self._keys.get(key)
        return None if id is None else self.resources.get(id)

    def put(self, new: Stored[Connector]) -> None:
        """Save a production version of a Connector (the first, or a republication)."""
        old = self.resources.get(new.resource.id)
        self._save(new)
        connector, before = new.resource, (None if old is None else old.resource)
        id = connector.id
        if before is not None and before.key is not None and before.key != connector.key:
            self._keys.pop(before.key, None)
        if connector.key is not None:
            self._keys[connector.key] = id
        _reindex(self._by_type, id, () if before is None else before.integration_types, connector.integration_types)
        _reindex(self._by_company, id, _company(before), _company(connector))
        self._text[id] = f"{connector.name}{_TEXT_SEPARATOR}{connector.description or ''}".casefold()

    def show(self, staged: ConnectorStaged, owner: str | None) -> None:
        """Keep who the Connector of *staged* is shown to in step with *staged* (its current version)."""
        id = staged.id
        if id not in self.resources:
            return  # not published yet: its first publication shows it
        old, new = self._audiences.get(id, _NOBODY), _audience(staged, owner)
        if old == new:
            return
        self._audiences[id] = new
        self._set_audience(id, old, new)

    def _set_audience(self, id: str, old: _Audience, new: _Audience) -> None:
        (self._everyone.add if new.everyone else self._everyone.discard)(id)
        _reindex(self._named, id, old.named, new.named)
        _reindex(self._assigned, id, old.assigned, new.assigned)

    def remove(self, id: str) -> None:
        """Forget the Connector *id*, if there is one, and its entries in every index."""
        stored = self.resources.get(id)
        if stored is None:
            return
        connector = stored.resource
        self._forget(id)
        if connector.key is not None and self._keys.get(connector.key) == id:
            del self._keys[connector.key]
        _reindex(self._by_type, id, connector.integration_types, ())
        _reindex(self._by_company, id, _company(connector), ())
        del self._text[id]
        self._set_audience(id, self._audiences.pop(id, _NOBODY), _NOBODY)

    def search(
        self,
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
        """``GET /connectors/search``: the production Connectors *project* is shown that match, one page.

        What a project is shown is ``shown``'s rule (``access.visible``, and
        an unlisted connector only to its owner). ``text`` is a
        case-insensitive substring of ``name`` or ``description``;
        ``private`` true keeps the connectors whose ``privateProjects`` list
        *project* (false and absent: every one it is shown); ``creator_company``
        is exact; several ``ids``, ``keys`` or ``integration_types`` match any
        of them; different parameters all hold. ``limit``, ``offset`` and
        ``sort`` are ``Index.query``'s (without ``status``); equal sort values
        keep the publication order.
        """
        problems: list[str] = []
        _check_range("limit", limit, LIMIT_MAX, problems)
        _check_range("offset", offset, OFFSET_MAX, problems)
        order = _parse_sort([sort] if isinstance(sort, str) else sort, problems, SEARCH_SORTABLE_FIELDS)
        types = None if integration_types is None else _parse_types(integration_types, problems)
        if problems:
            return InvalidQueryParam("; ".join(problems))
        filters: list[set[str]] = []
        if ids:
            filters.append({id for id in ids if id in self.resources})
        if keys:
            filters.append({self._keys[key] for key in keys if key in self._keys})
        if types:
            filters.append(_any_of(self._by_type, types))
        if creator_company is not None:
            filters.append(self._by_company.get(creator_company, set()))
        if private:
            filters.append(self._assigned.get(project, set()))
        matching = self._shown_to(project, filters)
        if text:
            matching = self._containing(text.casefold(), matching)
        return self._page(limit, offset, order, matching)

    def _containing(self, needle: str, matching: set[str]) -> set[str]:
        """The ids in *matching* whose casefolded name or description contains *needle*."""
        texts = self._text
        if _TEXT_SEPARATOR in needle:  # it could span the name and the description: look at each
            return {id for id in matching if _contains(self.resources[id].resource, needle)}
        if len(matching) * _FEW < len(texts):
            return {id for id in matching if needle in texts[id]}
        # Most ids are candidates: a pass over the texts in order beats looking each one up.
        return {id for id, haystack in texts.items() if needle in haystack and id in matching}

    def _shown_to(self, project: str, filters: list[set[str]]) -> set[str]:
        """The ids shown to *project* that pass every filter (read-only: it may be an index itself)."""
        everyone, named = self._everyone, self._named.get(project, set())
        if not filters:
            return everyone | named if named else everyone
        # Smallest first: each intersection then iterates at most the smallest set.
        matching = functools.reduce(operator.and_, sorted(filters, key=len))
        return (matching & everyone) | (matching & named) if named else matching & everyone


def _reindex(sets: dict[Any, set[str]], id: str, old: Iterable[Any], new: Iterable[Any]) -> None:
    """Move *id* from the sets of the values *old* to those of *new*, dropping sets left empty."""
    old, new = set(old), set(new)
    for value in old - new:
        members = sets[value]
        members.discard(id)
        if not members:
            del sets[value]
    for value in new - old:
        sets.setdefault(value, set()).add(id)


def _contains(connector: Connector, needle: str) -> bool:
    return needle in connector.name.casefold() or needle in (connector.description or "").casefold()


def _company(connector: Connector | None) -> tuple[str, ...]:
    company = None if connector is None else connector.creator.company
    return () if company is None else (company,)


def _any_of(sets: Mapping[IntegrationType, set[str]], types: list[IntegrationType]) -> set[str]:
    """The ids in any of the sets of *types* (read-only: it may be one of the sets itself)."""
    chosen = [sets.get(t, set()) for t in dict.fromkeys(types)]
    return chosen[0] if len(chosen) == 1 else set().union(*chosen)


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
