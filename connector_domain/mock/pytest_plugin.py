"""A pytest plugin: the ``connect_mock`` fixture, a running mock of the Connect API for a test.

Registered through the package's ``pytest11`` entry point, so installing
``connector-domain[server]`` is enough::

    def test_my_pipeline(connect_mock):
        answer = httpx.post(f"{connect_mock.url}/connectors/drafts", json=draft)
        assert answer.status_code == 201
        connect_mock.advance(5)            # the simulated service answers

- ``connect_mock``: a fresh mock for one test (``harness.ConnectMock``);
- ``connect_mock_session``: one mock for the whole session;
- ``connect_mock_shared``: the session's mock, emptied before the test.

The mock (and the server extra) is imported only when a fixture is used,
so the plugin costs nothing to test suites that never ask for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .harness import ConnectMock

__all__ = ["connect_mock", "connect_mock_session", "connect_mock_shared"]


@pytest.fixture
def connect_mock() -> Iterator[ConnectMock]:
    """A mock of the Connect API on a free loopback port, for this test; stopped after it."""
    from .harness import running_mock  # imported when used: the plugin costs nothing otherwise

    with running_mock() as mock:
        yield mock


@pytest.fixture(scope="session")
def connect_mock_session() -> Iterator[ConnectMock]:
    """One mock of the Connect API for the whole test session."""
    from .harness import running_mock

    with running_mock() as mock:
        yield mock


@pytest.fixture
def connect_mock_shared(connect_mock_session: ConnectMock) -> ConnectMock:
    """The session's mock, emptied for this test: cheaper than ``connect_mock`` when tests are many.

    Its resources are forgotten; its clock is not turned back (time only moves forward).
    """
    connect_mock_session.reset()
    return connect_mock_session
