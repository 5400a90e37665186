"""The simulated Connect service: its policies, and the schedule of what it owes each resource.

What the service owes a resource is the domain's to say
(``lifecycle.awaited`` for a ConnectorStaged, ``deployment.lifecycle.awaited``
for a Deployment: the work, the event of success, the event of failure); a
policy only decides *when* it answers and, for certification, *which*
answer. A build's answer is the domain's too (``deployment.build``: it fails
on a missing required value). ``Schedule`` keeps the due times: at most one
job per resource and machine (a ConnectorStaged's status and previewability,
a Deployment's status), each a heap entry whose token a newer plan
supersedes.

What a connector's repository declares in its ``connect.yaml`` (its
applications and their keys) is what the service reads when it grants a
preview or publishes; the mock cannot read a repository, so a policy holds
it (``Declarations``), and the events of success carry it.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final, TypeAlias

import attrs

from .. import codec, lifecycle
from ..deployment import lifecycle as deployment_lifecycle
from ..deployment.build import failure_report, missing_values
from ..deployment.events import (
    DeploymentFailed,
    DeploymentServiceEvent,
    DeploymentStarted,
    DeploymentSucceeded,
    UndeploySucceeded,
)
from ..deployment.model import Deployment, DeploymentReport, DeploymentReportEntry, DeploymentReportEntryType
from ..events import PreviewGranted, ServiceEvent
from ..model import (
    ApplicationType,
    ConnectorApiClient,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    ConnectorReport,
    ConnectorReportEntry,
    ConnectorReportEntryType,
    ConnectorStaged,
)

__all__ = [
    "DEFAULT_DECLARATIONS",
    "DEPLOYMENT",
    "MACHINES",
    "MAX_DELAY",
    "Automatic",
    "Declarations",
    "Manual",
    "Schedule",
    "Simulation",
    "answer",
    "answer_deployment",
    "delay",
    "due",
    "due_deployment",
]


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
class Declarations:
    """What the simulated service finds in every connector's ``connect.yaml``, in the ConnectorStaged's types.

    ``PreviewGranted`` and ``PublishingSucceeded`` bring them, as the real
    service brings what it read from the repository's tag. The codec reads
    them from the wire form (``serve --configurations FILE``):
    ``{"configurations": [...], "globalConfiguration": {...}, "apiClient": {...}}``.
    """

    configurations: tuple[ConnectorConfigurationApplication, ...] = attrs.field(
        validator=attrs.validators.deep_iterable(
            attrs.validators.instance_of(ConnectorConfigurationApplication), attrs.validators.instance_of(tuple)
        )
    )
    global_configuration: ConnectorGlobalConfiguration | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(ConnectorGlobalConfiguration))
    )
    api_client: ConnectorApiClient | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(ConnectorApiClient))
    )

    @classmethod
    def read(cls, text: str | bytes) -> Declarations:
        """The declarations of JSON *text* in the wire form; ``codec.InvalidInput`` names what does not fit.

        They are read as the event that brings them (``PreviewGranted``), so
        that every check and message is the codec's; a ``report`` there is
        refused, since ``connect.yaml`` has none.
        """
        event = codec.loads(text, PreviewGranted)
        if event.report is not None:
            raise codec.InvalidInput([("report", "not a field of the declarations")])
        return cls(
            configurations=event.configurations or (),
            global_configuration=event.global_configuration,
            api_client=event.api_client,
        )


#: Without ``--configurations``: one ``service`` application that declares no key, so that a
#: connector is deployable out of the box (decision; docs/decisions.md).
DEFAULT_DECLARATIONS: Final = Declarations(
    configurations=(
        ConnectorConfigurationApplication(
            application_name="service",
            application_type=ApplicationType.SERVICE,
            standard_configuration=(),
            secured_configuration=(),
        ),
    )
)


@attrs.frozen(kw_only=True)
class Automatic:
    """The Connect service, simulated: each request succeeds after a delay.

    - ``publish`` -> ``PublishingSucceeded`` after ``publishing_delay``;
    - ``updatePreviewable`` -> ``PreviewGranted`` after ``preview_delay``;
    - ReadyForCertification -> ``CertificationStarted`` after
      ``certification_delay``, then InCertification -> ``CertificationPassed``
      when ``certify(staged)`` is true, else ``CertificationFailed``, after
      ``certification_delay`` again.

    - a Deployment: ``Queued`` -> ``DeploymentStarted`` after
      ``deployment_delay``, then ``DeploymentSucceeded`` after it again, or
      ``DeploymentFailed`` when a required value is missing
      (``deployment.build``); ``Undeploying`` -> ``UndeploySucceeded``
      after ``deployment_delay``.

    Events that carry a report bring a one-entry report (``answer``);
    ``PreviewGranted`` and ``PublishingSucceeded`` bring ``declarations``.
    ``certify`` runs inside the store's lock: it must not call the store.
    """

    publishing_delay: timedelta = attrs.field(default=timedelta(seconds=2), validator=_delay)
    preview_delay: timedelta = attrs.field(default=timedelta(seconds=2), validator=_delay)
    certification_delay: timedelta = attrs.field(default=timedelta(seconds=2), validator=_delay)
    deployment_delay: timedelta = attrs.field(default=timedelta(seconds=2), validator=_delay)
    certify: Callable[[ConnectorStaged], bool] = attrs.field(
        default=_always_certify, validator=attrs.validators.is_callable()
    )
    declarations: Declarations = attrs.field(
        default=DEFAULT_DECLARATIONS, validator=attrs.validators.instance_of(Declarations)
    )


Simulation: TypeAlias = Manual | Automatic

#: The two machines of a resource, each with at most one job: its status, its previewability.
STATUS: Final = 0
PREVIEW: Final = 1
MACHINES: Final = (STATUS, PREVIEW)
#: The one machine of a Deployment: its status.
DEPLOYMENT: Final = 2


def _owed(staged: ConnectorStaged, machine: int) -> lifecycle.Awaited[ServiceEvent] | None:
    return lifecycle.awaited(staged)[machine]


def delay(policy: Automatic, work: str) -> timedelta:
    """How long *policy* takes for a step of the service's *work* (``lifecycle.Awaited.work``)."""
    return {
        "publishing": policy.publishing_delay,
        "certification": policy.certification_delay,
        "preview": policy.preview_delay,
        "build": policy.deployment_delay,
        "undeployment": policy.deployment_delay,
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
    fields = attrs.fields_dict(kind)
    if "report" not in fields:
        return kind()
    entry = ConnectorReportEntry(
        type=ConnectorReportEntryType.ERROR if fails else ConnectorReportEntryType.INFORMATION,
        title=_title(kind),
        message=f"{_title(kind)} (simulated by the mock).",
        created_at=at,
    )
    declared = attrs.asdict(policy.declarations, recurse=False)
    brought = {name: value for name, value in declared.items() if name in fields}
    return kind(report=ConnectorReport(entries=(entry,)), **brought)  # type: ignore[call-arg]


def due_deployment(policy: Simulation, deployment: Deployment, at: datetime) -> datetime | None:
    """When *policy* answers what the service owes *deployment*, from *at*; None: never."""
    owed = deployment_lifecycle.awaited(deployment)
    if owed is None or not isinstance(policy, Automatic):
        return None
    return at + delay(policy, owed.work)


def answer_deployment(policy: Simulation, deployment: Deployment, at: datetime) -> DeploymentServiceEvent | None:
    """The event *policy* answers with at *at*, now that what *deployment* is owed is due; None: nothing.

    A build fails when a required value is missing (``deployment.build``),
    with its report; one that succeeds brings an ``Information`` entry.
    """
    owed = deployment_lifecycle.awaited(deployment)
    if owed is None or not isinstance(policy, Automatic):
        return None
    if owed.success is DeploymentSucceeded:
        missing = missing_values(deployment)
        if missing:
            return DeploymentFailed(report=failure_report(missing, at=at))
        entry = DeploymentReportEntry(
            type=DeploymentReportEntryType.INFORMATION,
            title="Deployment succeeded",
            message="Deployment succeeded (simulated by the mock).",
            created_at=at,
        )
        return DeploymentSucceeded(report=DeploymentReport(entries=(entry,)))
    if owed.success is DeploymentStarted:
        return DeploymentStarted()
    assert owed.success is UndeploySucceeded, owed
    return UndeploySucceeded()


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
        for machine in (*MACHINES, DEPLOYMENT):
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
