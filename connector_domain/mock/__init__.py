"""A mock of the Connect API, built on the rules core.

- ``connector_domain.mock.store``: ``Store``, the state (resources, unique
  keys, production Connectors, each project's Deployments, time) behind the
  mock;
- ``connector_domain.mock.query``: what the store answers (``Stored``,
  ``Page``) and the query over its indexes;
- ``connector_domain.mock.simulation``: the simulated Connect service
  (``Manual``, ``Automatic``, the ``Declarations`` it finds in a connector's
  repository) and its schedule;
- ``connector_domain.mock.clock``: ``SimulatedClock``;
- ``connector_domain.mock.defaults``: the project, region and author a
  request acts as;
- ``connector_domain.mock.server``: the HTTP routes (the ``server`` extra:
  Starlette and uvicorn), ``create_app``, ``serve`` and ``serving``;
- ``connector_domain.mock.harness`` and ``connector_domain.mock.pytest_plugin``:
  the mock for a test (``running_mock()``, the ``connect_mock`` fixture).

Every rule is the reducer's, ``lifecycle``'s and ``access``'s; the mock adds
what a pure library leaves to its caller: ids, unique keys, time, storage,
concurrency and scheduling. The names of the store are importable from
here; the server is not, so that the store works without the ``server``
extra.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .clock import SimulatedClock
    from .query import Page, Stored
    from .simulation import Automatic, Declarations, Manual, Simulation
    from .store import Store

__all__ = ["Automatic", "Declarations", "Manual", "Page", "SimulatedClock", "Simulation", "Store", "Stored"]

# The names load on first use (PEP 562), so that the pytest plugin, which lives in this
# package and is loaded by every pytest run, imports nothing of the mock until a test asks.
_WHERE = {
    "SimulatedClock": "clock",
    "Page": "query",
    "Stored": "query",
    "Automatic": "simulation",
    "Declarations": "simulation",
    "Manual": "simulation",
    "Simulation": "simulation",
    "Store": "store",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
