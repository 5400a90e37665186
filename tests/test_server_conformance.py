"""The conformance kit, over HTTP, against the mock server in manual simulation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import settings

from connector_domain.mock.server import create_app, serving
from connector_domain.mock.store import Manual, SimulatedClock, Store
from connector_domain.testing import Response, conformance_settings, run_conformance_test
from tests.official_schema import checked_client


class HttpAdapter:
    """The kit's adapter: each call is one HTTP request to the mock."""

    # The server owns ids, its clock and the author of comments.
    ignored_fields = (
        "id",
        "createdAt",
        "lastModifiedAt",
        "certificationInfo.comments[].datetime",
        "certificationInfo.comments[].userId",
    )

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def reset(self) -> None:
        assert self.client.post("/__mock__/reset").status_code == 204

    def create(self, draft: dict[str, Any]) -> Response:
        return _answer(self.client.post("/connectors/drafts", json=draft))

    def get(self, id: str) -> Response:
        return _answer(self.client.get(f"/connectors/drafts/{id}"))

    def update(self, id: str, body: Any) -> Response:
        return _answer(self.client.post(f"/connectors/drafts/{id}", json=body))

    def deliver(self, id: str, event: dict[str, Any]) -> Response:
        return _answer(self.client.post(f"/__mock__/connectors/drafts/{id}/events", json=event))


def _answer(answer: httpx.Response) -> Response:
    return Response(answer.status_code, answer.json())


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    store = Store(clock=SimulatedClock(datetime(2024, 6, 1, tzinfo=UTC)), simulation=Manual())
    with serving(create_app(store)) as url, checked_client(url, timeout=10) as client:
        yield client


def test_the_server_conforms_over_http(client: httpx.Client) -> None:
    """The kit's state machine finds no difference between the server and the reference."""
    # Every request is an HTTP round trip, and an example takes connectors on journeys of
    # dozens of requests: a quarter of the profile's examples, at most 15, even under the "ci"
    # profile (tests/test_conformance.py runs the same machine thoroughly without HTTP).
    budget = conformance_settings(max_examples=min(settings().max_examples // 4, 15))
    run_conformance_test(lambda: HttpAdapter(client), settings=budget)
