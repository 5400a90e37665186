"""The mock for a test: start it on a free loopback port, use it, stop it.

Needs the ``server`` extra. ``running_mock()`` is a context manager that
serves a fresh mock in a background thread and yields a ``ConnectMock``:
the base URL to point a client at, and a handle on the mock's state
(its store and clock) to move time, deliver service events and reset::

    from connector_domain.mock.harness import running_mock

    with running_mock() as mock:
        httpx.post(f"{mock.url}/connectors/drafts", json=draft)
        mock.advance(2)                    # the simulated service answers

Under pytest, the ``connect_mock`` fixture of the package's pytest plugin
(``connector_domain.mock.pytest_plugin``, registered through the
``pytest11`` entry point) gives the same handle for one test.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from .. import codec
from ..deployment.events import DeploymentServiceEvent
from ..deployment.model import Deployment
from ..errors import DomainError
from ..events import ServiceEvent
from ..model import ConnectorStaged
from .clock import SimulatedClock
from .defaults import DEFAULT_AUTHOR, DEFAULT_PROJECT, DEFAULT_REGION
from .identity import Client
from .simulation import Automatic, Simulation
from .store import Store

__all__ = ["INSTANT", "ConnectMock", "running_mock"]

#: The default simulation of a test's mock: the Connect service answers at once
#: (at the next request), so that nothing waits.
INSTANT: Simulation = Automatic(
    publishing_delay=timedelta(0),
    preview_delay=timedelta(0),
    certification_delay=timedelta(0),
    deployment_delay=timedelta(0),
)


@attrs.frozen
class ConnectMock:
    """A running mock: where it answers, and its state.

    ``url`` is the base URL (``http://127.0.0.1:PORT``); ``store`` the
    ``Store`` behind it; ``clock`` its ``SimulatedClock``, which stands still
    unless advanced; ``project`` the project key requests act as, which
    ``deliver_deployment`` and ``deployment`` name by default.
    """

    url: str
    store: Store
    clock: SimulatedClock
    project: str = DEFAULT_PROJECT

    def advance(self, seconds: float) -> datetime:
        """Move the mock's clock forward; the simulated service answers what fell due. Returns the new time."""
        self.clock.advance(seconds)
        return self.store.now()

    def deliver(self, id: str, event: ServiceEvent) -> dict[str, Any]:
        """Deliver a service event to the ConnectorStaged *id*; its JSON as the mock now answers it.

        A refused event raises ``ValueError`` naming the error.
        """
        result = self.store.deliver(id, event)
        if isinstance(result, DomainError):
            raise ValueError(f"the mock refused {type(event).__name__} for {id}: {result}")
        return result.to_wire()

    def staged(self, id: str) -> ConnectorStaged:
        """The ConnectorStaged *id* as the mock holds it (``KeyError`` when there is none)."""
        found = self.store.get(id)
        if isinstance(found, DomainError):
            raise KeyError(id)
        return found.resource

    def deliver_deployment(
        self, id: str, event: DeploymentServiceEvent, *, project: str | None = None
    ) -> dict[str, Any]:
        """Deliver a service event to the Deployment *id* of *project* (default: the mock's); its JSON now.

        An event that removes the Deployment answers its last state; a
        refused event raises ``ValueError`` naming the error.
        """
        result = self.store.deliver_deployment(project or self.project, id, event)
        if isinstance(result, DomainError):
            raise ValueError(f"the mock refused {type(event).__name__} for the Deployment {id}: {result}")
        return result.to_wire()

    def deployment(self, id: str, *, project: str | None = None) -> Deployment:
        """The Deployment *id* of *project* (default: the mock's) as the mock holds it (``KeyError`` when none)."""
        found = self.store.deployment(project or self.project, id)
        if isinstance(found, DomainError):
            raise KeyError(id)
        return found.resource

    def reset(self) -> None:
        """Forget every resource (the clock and the simulation stay)."""
        self.store.reset()

    def wire(self, obj: Any) -> Any:
        """*obj* in the API's JSON form (``codec.to_wire``): handy to post a library value."""
        return codec.to_wire(obj)


@contextmanager
def running_mock(
    *,
    simulation: Simulation = INSTANT,
    start: datetime | None = None,
    host: str = "127.0.0.1",
    project: str = DEFAULT_PROJECT,
    region: str = DEFAULT_REGION,
    author: str = DEFAULT_AUTHOR,
    auth: bool = False,
    clients: Sequence[Client] = (),
    production_disabled: Sequence[str] = (),
) -> Iterator[ConnectMock]:
    """Serve a fresh mock on a free port of *host* (loopback) while the block runs.

    *simulation* is the simulated Connect service (default ``INSTANT``: it
    answers at once, Deployments included; pass ``Manual()`` to deliver every
    event yourself); *start* the time its
    clock stands at (default: now, in UTC); *project*, *region*, *author*,
    *auth* and *clients* are ``create_app``'s (with ``auth``, get a token
    from ``{mock.url}/oauth/token``), *production_disabled* the ``Store``'s.
    """
    from .server import create_app, serving  # the server extra, needed only here

    clock = SimulatedClock(start or datetime.now(UTC))
    store = Store(clock=clock, simulation=simulation, production_disabled=production_disabled)
    app = create_app(store, project=project, region=region, author=author, auth=auth, clients=clients)
    with serving(app, host=host) as url:
        yield ConnectMock(url=url, store=store, clock=clock, project=project)
