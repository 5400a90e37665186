"""The conformance kit, over HTTP, against the mock server in manual simulation: connectors, then Deployments too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import settings

from connector_domain.mock.server import DEFAULT_REGION, create_app, serving
from connector_domain.mock.store import Manual, SimulatedClock, Store
from connector_domain.testing import (
    DEPLOYMENT_PROJECTS,
    Response,
    conformance_settings,
    run_conformance_test,
    run_deployment_conformance_test,
)
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

    # The server acts as one project of its region, which owns the drafts it creates (create_app's project).
    owner = f"{DEFAULT_REGION}:{DEPLOYMENT_PROJECTS[0]}"
    production_disabled = (DEPLOYMENT_PROJECTS[1],)

    def create_deployment(self, project: str, draft: dict[str, Any]) -> Response:
        return _answer(self.client.post(f"/{project}/deployments", json=draft))

    def get_deployment(self, project: str, id: str) -> Response:
        return _answer(self.client.get(f"/{project}/deployments/{id}"))

    def update_deployment(self, project: str, id: str, body: Any) -> Response:
        return _answer(self.client.post(f"/{project}/deployments/{id}", json=body))

    def delete_deployment(self, project: str, id: str, version: int | None) -> Response:
        params = {} if version is None else {"version": version}
        return _answer(self.client.delete(f"/{project}/deployments/{id}", params=params))

    def deliver_deployment(self, project: str, id: str, event: dict[str, Any]) -> Response:
        return _answer(self.client.post(f"/__mock__/{project}/deployments/{id}/events", json=event))


def _answer(answer: httpx.Response) -> Response:
    return Response(answer.status_code, answer.json())


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    store = Store(
        clock=SimulatedClock(datetime(2024, 6, 1, tzinfo=UTC)),
        simulation=Manual(),
        production_disabled=HttpAdapter.production_disabled,
    )
    app = create_app(store, project=DEPLOYMENT_PROJECTS[0], region=DEFAULT_REGION)
    with serving(app) as url, checked_client(url, timeout=10) as client:
        yield client


def test_the_server_conforms_over_http(client: httpx.Client) -> None:
    """The kit's state machine finds no difference between the server and the reference."""
    # Every request is an HTTP round trip, and an example takes connectors on journeys of
    # dozens of requests: a quarter of the profile's examples, at most 15, even under the "ci"
    # profile (tests/test_conformance.py runs the same machine thoroughly without HTTP).
    budget = conformance_settings(max_examples=min(settings().max_examples // 4, 15))
    run_conformance_test(lambda: HttpAdapter(client), settings=budget)


def test_the_server_conforms_with_deployments_over_http(client: httpx.Client) -> None:
    """The Deployment machine finds no difference between the server's Deployment endpoints and the reference."""
    # An example here sends a few hundred requests: a sixth of the profile's examples, at most 10.
    budget = conformance_settings(max_examples=min(settings().max_examples // 6, 10))
    run_deployment_conformance_test(lambda: HttpAdapter(client), settings=budget)
