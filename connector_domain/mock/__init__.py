"""A mock of the Connect API, built on the rules core.

- ``connector_domain.mock.store``: the state (resources, indexes, time) behind the mock;
- ``connector_domain.mock.simulation``: the simulated Connect service (policies and its schedule);
- ``connector_domain.mock.query``: paging, sorting and filtering over the store's indexes;
- ``connector_domain.mock.server``: the HTTP routes (the ``server`` extra: Starlette and uvicorn).

Every rule is the reducer's and ``access``'s; the mock adds what a pure
library leaves to its caller: ids, unique keys, time, storage, concurrency
and scheduling. The everyday names are importable from here; the server is
not, so that the store works without the ``server`` extra.
"""
