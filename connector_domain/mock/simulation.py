"""The simulated Connect service: its policies, and the schedule of what it owes each resource.

What the service owes a resource is the domain's to say
(``lifecycle.awaited``: the work, the event of success, the event of
failure); a policy only decides *when* it answers and, for certification,
*which* answer. ``Schedule`` keeps the due times: at most one job per
resource and machine (its status, its previewability), each a heap entry
whose token a newer plan supersedes.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final, TypeAlias

import attrs

from .. import lifecycle
from ..events import ServiceEvent
from ..model import ConnectorReport, ConnectorReportEntry, ConnectorReportEntryType, ConnectorStaged

__all__ = ["MACHINES", "MAX_DELAY", "Automatic", "Manual", "Schedule", "Simulation", "answer", "delay", "due"]


@attrs.frozen
class Manual:
    """Service events happen only when delivered (``Store.deliver``)."""


def _always_certify(_staged: ConnectorStaged) -> bool:
    return True


def _delay(_instance: object, attribute: attrs.Attribute[timedelta], value: object) -> None:
    """A delay is a timedelta, not negative, that the clock can add to its time."""
    if not isinstance(value, timedelta):
        raise TypeError(f"Automatic.{attribute.name}: expected a timedelta, got {type(value).__name__} {value!r}")
    if value < timedelta(0) or value > MAX_DELAY:
        raise ValueError(f"Automatic.{attribute.name}: {value} is not between 0 and {MAX_DELAY}")


#: The longest delay a simulation takes: 900 years, so that a clock at its last year (9000) plus it stays a datetime.
MAX_DELAY: Final = timedelta(days=365 * 900)


@attrs.frozen(kw_only=True)
class Automatic:
    """The Connect service, simulated: each request succeeds after a delay.

    - ``publish`` -> ``PublishingSucceeded`` after ``publishing_delay``;
    - ``updatePreviewable`` -> ``PreviewGranted`` after ``preview_delay``;
    - ReadyForCertification -> ``CertificationStarted`` after
      ``certification_delay``, then InCertification -> ``CertificationPassed``
      when ``certify(staged)`` is true, else ``CertificationFailed``, after
      ``certification_delay`` again.

    Events that carry a report bring a one-entry report (``answer``).
    ``certify`` runs inside the store's lock: it must not call the store.
    """

    publishing_delay: timedelta = attrs.field(default=timedelta(seconds=2), validator=_delay)
    preview_delay: timedelta = attrs.field(default=timedelta(seconds=2), validator=_delay)
    certification_delay: timedelta = attrs.field(default=timedelta(seconds=2), validator=_delay)
    certify: Callable[[ConnectorStaged], bool] = attrs.field(
        default=_always_certify, validator=attrs.validators.is_callable()
    )


Simulation: TypeAlias = Manual | Automatic

#: The two machines of a resource, each with at most one job: its status, its previewability.
STATUS: Final = 0
PREVIEW: Final = 1
MACHINES: Final = (STATUS, PREVIEW)


def _owed(staged: ConnectorStaged, machine: int) -> lifecycle.Awaited | None:
    return lifecycle.awaited(staged)[machine]


def delay(policy: Automatic, work: str) -> timedelta:
    """How long *policy* takes for a step of the service's *work* (``lifecycle.Awaited.work``)."""
    return {
        "publishing": policy.publishing_delay,
        "certification": policy.certification_delay,
        "preview": policy.preview_delay,
    }[work]


def due(policy: Simulation, staged: ConnectorStaged, machine: int, at: datetime) -> datetime | None:
    """When *policy* answers what the service owes *staged* on *machine*, from *at*; None: never."""
    owed = _owed(staged, machine)
    if owed is None or not isinstance(policy, Automatic):
        return None
    return at + delay(policy, owed.work)


def answer(policy: Simulation, staged: ConnectorStaged, machine: int, at: datetime) -> ServiceEvent | None:
    """The event *policy* answers with at *at*, now that what *staged* is owed on *machine* is due; None: nothing.

    An event that carries a report brings one entry saying what happened
    (``Information`` on success, ``Error`` on failure), as the service's own
    reports do, so that a client printing the report shows something.
    """
    owed = _owed(staged, machine)
    if owed is None or not isinstance(policy, Automatic):
        return None
    fails = owed.failure is not None and owed.work == "certification" and not policy.certify(staged)
    kind = owed.failure if fails and owed.failure is not None else owed.success
    if "report" not in attrs.fields_dict(kind):
        return kind()
    entry = ConnectorReportEntry(
        type=ConnectorReportEntryType.ERROR if fails else ConnectorReportEntryType.INFORMATION,
        title=_title(kind),
        message=f"{_title(kind)} (simulated by the mock).",
        created_at=at,
    )
    return kind(report=ConnectorReport(entries=(entry,)))  # type: ignore[call-arg]


def _title(kind: type) -> str:
    """``PublishingSucceeded`` -> ``Publishing succeeded``."""
    words = re.findall(r"[A-Z][a-z]*", kind.__name__)
    return " ".join([words[0], *(word.lower() for word in words[1:])])


class Schedule:
    """The due jobs: a heap of ``(due, token, id, machine)``; only the latest token per (id, machine) counts.

    A job replaced or cancelled stays in the heap until it would have been
    due, which may be never (a delay of years, a resource deleted); when
    such entries outnumber the live jobs, the heap is rebuilt without them,
    so its size stays within twice the live jobs (plus a little), at a cost
    linear in what it drops.
    """

    def __init__(self) -> None:
        self._jobs: list[tuple[datetime, int, str, int]] = []
        self._latest: dict[tuple[str, int], int] = {}
        self._tokens = itertools.count(1)

    def __len__(self) -> int:
        """The number of jobs planned and not superseded."""
        return len(self._latest)

    @property
    def held(self) -> int:
        """The number of entries the heap holds, superseded ones included (at most ``2 * len(self) + 64``)."""
        return len(self._jobs)

    def _compact(self) -> None:
        if len(self._jobs) > 2 * len(self._latest) + 64:
            self._jobs = [job for job in self._jobs if self._latest.get((job[2], job[3])) == job[1]]
            heapq.heapify(self._jobs)

    def plan(self, id: str, machine: int, at: datetime | None) -> None:
        """Plan the job of *id* on *machine* for *at*, replacing any earlier plan; None cancels it."""
        if at is None:
            self._latest.pop((id, machine), None)
        else:
            token = next(self._tokens)
            self._latest[(id, machine)] = token
            heapq.heappush(self._jobs, (at, token, id, machine))
        self._compact()

    def drop(self, id: str) -> None:
        """Cancel every job of *id* (a deleted resource)."""
        for machine in MACHINES:
            self._latest.pop((id, machine), None)
        self._compact()

    def clear(self) -> None:
        """Cancel every job."""
        self._jobs.clear()
        self._latest.clear()

    def pop_due(self, now: datetime) -> tuple[datetime, str, int] | None:
        """The earliest job due by *now*, taken off the schedule, or None."""
        while self._jobs and self._jobs[0][0] <= now:
            at, token, id, machine = heapq.heappop(self._jobs)
            if self._latest.get((id, machine)) == token:
                del self._latest[(id, machine)]
                return at, id, machine
        return None
