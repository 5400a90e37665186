"""An in-memory store of ConnectorStaged resources: the state behind a mock of the Connect API.

``Store`` keeps resources as the API exposes them, and their production
Connectors: create from a draft, get by id or key, query with paging,
sorting and filters, update by id or key, delete, and the delivery of
service events. Every rule is the reducer's; the store adds what a pure
library leaves to its caller: ids, unique keys, time (``createdAt`` and
``lastModifiedAt``, which every resource of the API carries), concurrency,
and a simulation of the Connect service.

- **Thread-safe**: one lock around every operation, so an update (read,
  reduce, write) is atomic under concurrent writers.
- **Errors are values**: a refused operation returns the ``DomainError`` the
  API answers with (``ResourceNotFound``, ``DuplicateField``,
  ``ConcurrentModification``, ``InvalidJsonInput`` for out-of-range query
  parameters, and every error of the reducer).
- **The record form**: each resource is saved as ``codec.to_record`` writes
  it (the wire form plus the two fields the wire cannot carry), once per
  change, so that a pending ``publish(certification: true)`` keeps its flag
  and reads serve JSON without encoding it again.
- **Flat cost**: get and update are dictionary lookups; a query reads indexes
  kept up to date on every change (the creation order, the modification
  order, the private and public sets, a set per integration type) and only
  sorts when asked for a field no index keeps. ``benchmarks/store_query.py``
  measures it.
- **Time is injected**: the store reads an injectable clock; its own time
  never goes backwards (a clock that does is read as standing still), so the
  creation order is the ``createdAt`` order and the modification order the
  ``lastModifiedAt`` order.
- **Simulation**: ``Manual`` (service events only when delivered) or
  ``Automatic`` (publishing and preview requests succeed after a delay,
  certification passes or fails by a rule). Automatic events are due at a
  time of the clock and applied, at that time, by the first operation that
  reads the clock at or after it: a test advances a ``SimulatedClock`` and
  never sleeps.
"""

from __future__ import annotations

import heapq
import itertools
import operator
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Generic, TypeAlias, TypeVar

import attrs

from .. import codec
from ..access import connector_snapshot
from ..actions import ConnectorUpdate
from ..errors import ConcurrentModification, DomainError, DuplicateField, InvalidJsonInput, ResourceNotFound
from ..events import (
    CertificationFailed,
    CertificationPassed,
    CertificationStarted,
    PreviewGranted,
    PublishingSucceeded,
    ServiceEvent,
)
from ..model import (
    Connector,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorStagedPagedQueryResponse,
    ConnectorStatus,
    IntegrationType,
    IsPreviewable,
    utc_millisecond,
)
from ..reducer import apply, apply_update, create

__all__ = [
    "LIMIT_DEFAULT",
    "LIMIT_MAX",
    "OFFSET_MAX",
    "SORTABLE_FIELDS",
    "Automatic",
    "Manual",
    "Page",
    "Simulation",
    "SimulatedClock",
    "Store",
    "Stored",
]

R = TypeVar("R", ConnectorStaged, Connector)

#: Query parameters of ``GET /connectors/drafts`` (connect-api-facts.md, Endpoints).
LIMIT_DEFAULT: Final = 20
LIMIT_MAX: Final = 500
OFFSET_MAX: Final = 10_000

#: Fields of the record form that the wire form does not carry.
_RECORD_ONLY: Final = frozenset({"publishedBefore", "certificationRequested"})


_LAST_YEAR: Final = 9000


def _system_time() -> datetime:
    return datetime.now(UTC)


# --- Time ------------------------------------------------------------------------------


class SimulatedClock:
    """A clock that moves when told: a fixed start, or the system's time, plus what ``advance`` added.

    ``SimulatedClock(start)`` stands still at *start* until advanced (for
    tests); ``SimulatedClock()`` follows the system's time, and ``advance``
    jumps ahead of it (for a mock server whose users wait less).
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = None if start is None else utc_millisecond(start)
        self._offset = timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        """The current time, in UTC."""
        with self._lock:
            base = _system_time() if self._start is None else self._start
            return base + self._offset

    def advance(self, delta: timedelta | float) -> datetime:
        """Move the clock forward by *delta* (a timedelta, or seconds); returns the new time."""
        try:
            step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        except (OverflowError, ValueError):
            raise ValueError(f"cannot move a clock by {delta!r} seconds") from None
        if step < timedelta():
            raise ValueError(f"a clock moves forward, not by {step}")
        with self._lock:
            base = _system_time() if self._start is None else self._start
            # Checked before the move: a clock past year 9000 would overflow the
            # scheduling of simulated events (at + delay) on every operation.
            try:
                moved = base + self._offset + step
            except OverflowError:
                moved = None
            if moved is None or moved.year >= _LAST_YEAR:
                raise ValueError(f"cannot move the clock by {step}: past the year {_LAST_YEAR}")
            self._offset += step
        return self()


# --- Simulation policies ---------------------------------------------------------------


@attrs.frozen
class Manual:
    """Service events happen only when delivered (``Store.deliver``)."""


def _always_certify(_staged: ConnectorStaged) -> bool:
    return True


@attrs.frozen(kw_only=True)
class Automatic:
    """The Connect service, simulated: each request succeeds after a delay.

    - ``publish`` -> ``PublishingSucceeded`` after ``publishing_delay``;
    - ``updatePreviewable`` -> ``PreviewGranted`` after ``preview_delay``;
    - ReadyForCertification -> ``CertificationStarted`` after
      ``certification_delay``, then InCertification -> ``CertificationPassed``
      when ``certify(staged)`` is true, else ``CertificationFailed``, after
      ``certification_delay`` again.

    Events are delivered without a report. ``certify`` runs inside the store's
    lock: it must not call the store.
    """

    publishing_delay: timedelta = timedelta(seconds=2)
    preview_delay: timedelta = timedelta(seconds=2)
    certification_delay: timedelta = timedelta(seconds=2)
    certify: Callable[[ConnectorStaged], bool] = _always_certify


Simulation: TypeAlias = Manual | Automatic

# A job's kind: one status job and one preview job at most per resource.
_STATUS: Final = "status"
_PREVIEW: Final = "preview"


# --- What the store holds and answers ---------------------------------------------------------


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

    def to_wire(self) -> dict[str, Any]:
        """The API's JSON of the resource: the wire form, with ``createdAt`` and ``lastModifiedAt``.

        A new dictionary; the values inside it are shared with the store.
        """
        return {k: v for k, v in self.record.items() if k not in _RECORD_ONLY}


def _stored(resource: R, *, created_at: datetime, at: datetime, sequence: int) -> Stored[R]:
    record = codec.to_record(resource)
    record["createdAt"] = codec.converter.unstructure(created_at)
    record["lastModifiedAt"] = codec.converter.unstructure(at)
    return Stored(resource=resource, record=record, created_at=created_at, last_modified_at=at, sequence=sequence)


@attrs.frozen(kw_only=True)
class Page:
    """One page of a query: what ``GET /connectors/drafts`` answers.

    ``response()`` is the ``ConnectorStagedPagedQueryResponse`` value;
    ``to_wire()`` its JSON, whose results carry ``createdAt`` and
    ``lastModifiedAt``.
    """

    limit: int
    offset: int
    total: int
    results: tuple[Stored[ConnectorStaged], ...]

    @property
    def count(self) -> int:
        """The number of results on this page."""
        return len(self.results)

    def response(self) -> ConnectorStagedPagedQueryResponse:
        """The page as the model's ``ConnectorStagedPagedQueryResponse``."""
        return ConnectorStagedPagedQueryResponse(
            limit=self.limit,
            offset=self.offset,
            count=self.count,
            total=self.total,
            results=tuple(s.resource for s in self.results),
        )

    def to_wire(self) -> dict[str, Any]:
        """The JSON of ``GET /connectors/drafts``."""
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


def _key_order(s: Stored[ConnectorStaged]) -> str:
    # A string, not a tuple: sorting 100,000 resources by key then allocates nothing, and
    # the garbage collector, which a burst of new tuples wakes, stays asleep.
    return s.resource.key or _NO_KEY  # a resource without a key sorts after every key


_SORT_KEYS: Final[Mapping[str, Callable[[Stored[ConnectorStaged]], Any]]] = {
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


def _parse_sort(sort: Iterable[str], problems: list[str]) -> list[tuple[str, bool]]:
    """``["name asc", "createdAt desc"]`` as ``[("name", False), ("createdAt", True)]``; problems noted."""
    out = []
    for index, item in enumerate(sort):
        parts = item.split() if isinstance(item, str) else []
        if len(parts) != 2 or parts[0] not in _SORT_KEYS or parts[1] not in ("asc", "desc"):
            fields = ", ".join(SORTABLE_FIELDS)
            problems.append(f"sort[{index}]: {item!r} is not 'field asc' or 'field desc', a field of {fields}")
            continue
        out.append((parts[0], parts[1] == "desc"))
    return out


def _check_range(name: str, value: object, high: int, problems: list[str]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{name}: expected an integer, got {value!r}")
    elif not 0 <= value <= high:
        problems.append(f"{name}: {value} is not between 0 and {high}")


# --- The store -------------------------------------------------------------------------------


class Store:
    """A thread-safe, in-memory store of ConnectorStaged resources and their production Connectors.

    *ids* gives the id of each new resource (default: random UUIDs); *clock*
    the time (default: the system's, in UTC); *simulation* the policy of the
    simulated Connect service (default ``Manual()``), which can be changed
    later through ``simulation``.
    """

    def __init__(
        self,
        *,
        ids: Callable[[], str] | None = None,
        clock: Callable[[], datetime] | None = None,
        simulation: Simulation | None = None,
    ) -> None:
        self._ids = ids or (lambda: str(uuid.uuid4()))
        self.clock: Final = clock or _system_time
        self._simulation: Simulation = simulation or Manual()
        self._lock = threading.RLock()
        self._now = datetime.min.replace(tzinfo=UTC)
        self._sequence = itertools.count(1)
        self._clear()

    def _clear(self) -> None:
        # Resources, in creation order (= createdAt order), and the indexes.
        self._staged: dict[str, Stored[ConnectorStaged]] = {}
        self._modified: OrderedDict[str, None] = OrderedDict()  # ids in lastModifiedAt order
        self._by_key: dict[str, str] = {}
        self._private: set[str] = set()
        self._public: set[str] = set()
        self._by_type: dict[IntegrationType, set[str]] = {t: set() for t in IntegrationType}
        self._connectors: dict[str, Stored[Connector]] = {}
        self._connector_keys: dict[str, str] = {}
        # Simulation: a heap of (due, token, id, kind); only the latest token per (id, kind) counts.
        self._jobs: list[tuple[datetime, int, str, str]] = []
        self._pending: dict[tuple[str, str], int] = {}
        self._tokens = itertools.count(1)

    # --- time and simulation ---------------------------------------------------------------

    @property
    def simulation(self) -> Simulation:
        """The simulation policy; setting it reschedules what the service has to do, from now."""
        return self._simulation

    @simulation.setter
    def simulation(self, policy: Simulation) -> None:
        with self._lock:
            now = self._tick()
            self._simulation = policy
            self._jobs.clear()
            self._pending.clear()
            for stored in self._staged.values():
                self._schedule(None, stored.resource, now)

    def now(self) -> datetime:
        """The store's time: the clock's, never earlier than a time the store already used.

        Reading it applies the automatic service events due by then.
        """
        with self._lock:
            return self._tick()

    def _tick(self) -> datetime:
        """Apply the service events due by now; then the store's time (never going backwards)."""
        now = max(utc_millisecond(self.clock()), self._now)
        while self._jobs and self._jobs[0][0] <= now:
            due, token, id, kind = heapq.heappop(self._jobs)
            if self._pending.get((id, kind)) != token:
                continue  # superseded, or the resource is gone
            del self._pending[(id, kind)]
            self._now = max(due, self._now)
            self._run_job(id, kind, self._now)
        self._now = now
        return now

    def _run_job(self, id: str, kind: str, at: datetime) -> None:
        policy = self._simulation
        stored = self._staged.get(id)
        if stored is None or not isinstance(policy, Automatic):
            return
        staged = stored.resource
        event: ServiceEvent
        if kind == _PREVIEW:
            event = PreviewGranted()
        elif staged.status is ConnectorStatus.PROCESSING:
            event = PublishingSucceeded()
        elif staged.status is ConnectorStatus.READY_FOR_CERTIFICATION:
            event = CertificationStarted()
        elif staged.status is ConnectorStatus.IN_CERTIFICATION:
            event = CertificationPassed() if policy.certify(staged) else CertificationFailed()
        else:
            return
        result = apply(staged, event, at=at)
        if isinstance(result, ConnectorStaged) and result is not staged:
            self._commit(stored, result, at)

    def _schedule(self, old: ConnectorStaged | None, new: ConnectorStaged, at: datetime) -> None:
        """(Re)plan what the simulated service does next to *new*, after a change from *old*."""
        policy = self._simulation
        if not isinstance(policy, Automatic):
            return
        if old is None or old.status is not new.status:
            delay = {
                ConnectorStatus.PROCESSING: policy.publishing_delay,
                ConnectorStatus.READY_FOR_CERTIFICATION: policy.certification_delay,
                ConnectorStatus.IN_CERTIFICATION: policy.certification_delay,
            }.get(new.status)
            self._plan(new.id, _STATUS, None if delay is None else at + delay)
        if old is None or old.is_previewable is not new.is_previewable:
            pending = new.is_previewable is IsPreviewable.PENDING
            self._plan(new.id, _PREVIEW, at + policy.preview_delay if pending else None)

    def _plan(self, id: str, kind: str, due: datetime | None) -> None:
        if due is None:
            self._pending.pop((id, kind), None)
            return
        token = next(self._tokens)
        self._pending[(id, kind)] = token
        heapq.heappush(self._jobs, (due, token, id, kind))

    # --- writing ---------------------------------------------------------------------------

    def _commit(
        self, old: Stored[ConnectorStaged] | None, staged: ConnectorStaged, at: datetime
    ) -> Stored[ConnectorStaged]:
        """Save *staged* (new, or a change of *old*) at time *at*; keep every index in step."""
        id = staged.id
        if old is None:
            new = _stored(staged, created_at=at, at=at, sequence=next(self._sequence))
        else:
            new = _stored(staged, created_at=old.created_at, at=at, sequence=old.sequence)
        self._staged[id] = new
        self._modified[id] = None
        self._modified.move_to_end(id)
        before = None if old is None else old.resource
        if before is None or before.private != staged.private:
            (self._private if staged.private else self._public).add(id)
            (self._public if staged.private else self._private).discard(id)
        if before is None or before.integration_types != staged.integration_types:
            for t in () if before is None else before.integration_types:
                self._by_type[t].discard(id)
            for t in staged.integration_types:
                self._by_type[t].add(id)
        published = ConnectorStatus.PUBLISHED
        if staged.status is published and (before is None or before.status is not published):
            self._publish(staged, at)
        self._schedule(before, staged, at)
        return new

    def _publish(self, staged: ConnectorStaged, at: datetime) -> None:
        """Save the production Connector that *staged* yields as it reaches Published."""
        old = self._connectors.get(staged.id)
        created_at = at if old is None else old.created_at
        sequence = next(self._sequence) if old is None else old.sequence
        self._connectors[staged.id] = _stored(
            connector_snapshot(staged), created_at=created_at, at=at, sequence=sequence
        )
        if staged.key is not None:
            self._connector_keys[staged.key] = staged.id

    def create(self, draft: ConnectorStagedDraft) -> Stored[ConnectorStaged] | DomainError:
        """``POST /connectors/drafts``: the new resource, or ``DuplicateField`` for a key already used."""
        with self._lock:
            now = self._tick()
            if draft.key is not None and draft.key in self._by_key:
                return DuplicateField("key", draft.key)
            id = self._ids()
            if id in self._staged:
                raise ValueError(f"the id factory gave {id!r} twice")
            staged = create(draft, id=id)
            if isinstance(staged, DomainError):
                return staged
            if staged.key is not None:
                self._by_key[staged.key] = id
            return self._commit(None, staged, now)

    def update(
        self, id: str, update: ConnectorUpdate, *, by: str | None = None
    ) -> Stored[ConnectorStaged] | DomainError:
        """``POST /connectors/drafts/{id}``: apply *update* atomically, at the store's time.

        *by* is the author that ``addCertificationComment`` records (the
        reducer raises ``ValueError`` for that action without one). A request
        that changes nothing returns the resource as it was, ``lastModifiedAt``
        included.
        """
        with self._lock:
            now = self._tick()
            return self._update(self._staged.get(id), ResourceNotFound(id=id), update, by, now)

    def update_by_key(
        self, key: str, update: ConnectorUpdate, *, by: str | None = None
    ) -> Stored[ConnectorStaged] | DomainError:
        """``POST /connectors/drafts/key={key}``: as ``update``."""
        with self._lock:
            now = self._tick()
            return self._update(self._find_key(key), ResourceNotFound(key=key), update, by, now)

    def _update(
        self,
        stored: Stored[ConnectorStaged] | None,
        missing: ResourceNotFound,
        update: ConnectorUpdate,
        by: str | None,
        now: datetime,
    ) -> Stored[ConnectorStaged] | DomainError:
        if stored is None:
            return missing
        result = apply_update(stored.resource, update, at=now, by=by)
        if isinstance(result, DomainError):
            return result
        if result is stored.resource:
            return stored
        return self._commit(stored, result, now)

    def deliver(self, id: str, event: ServiceEvent) -> Stored[ConnectorStaged] | DomainError:
        """Apply a service event to the resource *id*, as the Connect service would, at the store's time."""
        with self._lock:
            now = self._tick()
            stored = self._staged.get(id)
            if stored is None:
                return ResourceNotFound(id=id)
            result = apply(stored.resource, event, at=now)
            if isinstance(result, DomainError):
                return result
            if result is stored.resource:
                return stored
            return self._commit(stored, result, now)

    def delete(self, id: str, *, version: int | None = None) -> Stored[ConnectorStaged] | DomainError:
        """``DELETE /connectors/drafts/{id}``: remove the resource and its production Connector.

        Returns the resource as it was. With *version*, a stale one is a
        ``ConcurrentModification`` and nothing is deleted.
        """
        with self._lock:
            self._tick()
            return self._delete(self._staged.get(id), ResourceNotFound(id=id), version)

    def delete_by_key(self, key: str, *, version: int | None = None) -> Stored[ConnectorStaged] | DomainError:
        """``DELETE /connectors/drafts/key={key}``: as ``delete``."""
        with self._lock:
            self._tick()
            return self._delete(self._find_key(key), ResourceNotFound(key=key), version)

    def _delete(
        self, stored: Stored[ConnectorStaged] | None, missing: ResourceNotFound, version: int | None
    ) -> Stored[ConnectorStaged] | DomainError:
        if stored is None:
            return missing
        staged = stored.resource
        if version is not None and version != staged.version:
            return ConcurrentModification(staged.id, staged.key, version, staged.version)
        id = staged.id
        del self._staged[id]
        del self._modified[id]
        if staged.key is not None:
            del self._by_key[staged.key]
        self._private.discard(id)
        self._public.discard(id)
        for t in staged.integration_types:
            self._by_type[t].discard(id)
        self._pending.pop((id, _STATUS), None)
        self._pending.pop((id, _PREVIEW), None)
        connector = self._connectors.pop(id, None)
        if connector is not None and connector.resource.key is not None:
            self._connector_keys.pop(connector.resource.key, None)
        return stored

    def reset(self) -> None:
        """Forget every resource and Connector; the clock and the simulation policy stay."""
        with self._lock:
            self._clear()

    # --- reading ---------------------------------------------------------------------------

    def _find_key(self, key: str) -> Stored[ConnectorStaged] | None:
        id = self._by_key.get(key)
        return None if id is None else self._staged[id]

    def get(self, id: str) -> Stored[ConnectorStaged] | ResourceNotFound:
        """``GET /connectors/drafts/{id}``."""
        with self._lock:
            self._tick()
            return self._staged.get(id) or ResourceNotFound(id=id)

    def get_by_key(self, key: str) -> Stored[ConnectorStaged] | ResourceNotFound:
        """``GET /connectors/drafts/key={key}``."""
        with self._lock:
            self._tick()
            return self._find_key(key) or ResourceNotFound(key=key)

    def connector(self, id: str) -> Stored[Connector] | ResourceNotFound:
        """``GET /connectors/{id}``: the production Connector, once the resource was published."""
        with self._lock:
            self._tick()
            return self._connectors.get(id) or ResourceNotFound(id=id)

    def connector_by_key(self, key: str) -> Stored[Connector] | ResourceNotFound:
        """``GET /connectors/key={key}``."""
        with self._lock:
            self._tick()
            id = self._connector_keys.get(key)
            found = None if id is None else self._connectors.get(id)
            return found or ResourceNotFound(key=key)

    def __len__(self) -> int:
        """The number of ConnectorStaged resources."""
        with self._lock:
            return len(self._staged)

    def query(
        self,
        *,
        limit: int = LIMIT_DEFAULT,
        offset: int = 0,
        sort: Sequence[str] = (),
        is_private: bool | None = None,
        integration_types: Iterable[IntegrationType | str] | None = None,
    ) -> Page | InvalidJsonInput:
        """``GET /connectors/drafts``: one page of the resources that match, in order.

        - ``limit`` 0 to 500 (default 20), ``offset`` 0 to 10000 (default 0);
        - ``sort``: ``"field asc"`` or ``"field desc"``, the first the most
          significant, a field of ``SORTABLE_FIELDS``; equal values keep the
          creation order (with no sort, the creation order itself);
        - ``is_private``: only private (true) or only public (false) resources;
        - ``integration_types``: resources with any of these types (an empty
          list filters nothing).

        ``total`` counts every match. A parameter out of range, an unknown
        sort field or integration type is an ``InvalidJsonInput`` naming each.
        """
        problems: list[str] = []
        _check_range("limit", limit, LIMIT_MAX, problems)
        _check_range("offset", offset, OFFSET_MAX, problems)
        order = _parse_sort([sort] if isinstance(sort, str) else sort, problems)
        if is_private is not None and not isinstance(is_private, bool):
            problems.append(f"isPrivate: expected a boolean, got {is_private!r}")
        types = None if integration_types is None else _parse_types(integration_types, problems)
        if problems:
            return InvalidJsonInput("; ".join(problems))
        with self._lock:
            self._tick()
            return self._query(limit, offset, order, is_private, types)

    def _query(
        self,
        limit: int,
        offset: int,
        order: list[tuple[str, bool]],
        is_private: bool | None,
        types: list[IntegrationType] | None,
    ) -> Page:
        matching = self._matching(is_private, types)
        total = len(self._staged) if matching is None else len(matching)
        end = offset + limit
        field, descending = order[0] if order else ("createdAt", False)
        # Walking an index is cheap unless few resources match: then sorting the matches is cheaper.
        walk = matching is None or len(matching) * _FEW >= len(self._staged)
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
            return reversed(self._staged) if descending else iter(self._staged)
        if field == "lastModifiedAt":
            return reversed(self._modified) if descending else iter(self._modified)
        return None

    def _walk(
        self, ids: Iterator[str], field: str, matching: set[str] | None, wanted: int
    ) -> list[Stored[ConnectorStaged]]:
        """The first *wanted* matches along an index; equal times in creation order, as a stable sort gives."""
        key = _SORT_KEYS[field]
        staged = self._staged
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
            return self._staged.values()
        if len(matching) * _FEW >= len(self._staged):
            return [s for id, s in self._staged.items() if id in matching]
        return sorted((self._staged[id] for id in matching), key=_sequence)


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
