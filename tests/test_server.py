"""The mock server over real HTTP: uvicorn on a free loopback port, httpx as the client."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from connector_domain.errors import DomainError
from connector_domain.mock import server as server_module
from connector_domain.mock._protocol import new_correlation_id
from connector_domain.mock.server import create_app, serving
from connector_domain.mock.store import Automatic, SimulatedClock, Store
from tests.official_schema import checked_client

ROOT = Path(__file__).parent.parent
START = datetime(2024, 1, 1, tzinfo=UTC)
DRAFT: dict[str, Any] = {
    "key": "my-connector",
    "name": "My connector",
    "creator": {"email": "jane.doe@example.com"},
    "repository": {"url": "git@github.com:example/my-connector.git", "tag": "v1.0.0"},
}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, SimulatedClock]]:
    """One manual-simulation server for the module, on a simulated clock."""
    clock = SimulatedClock(START)
    with serving(create_app(Store(clock=clock))) as url:
        yield url, clock


@pytest.fixture
def client(server: tuple[str, SimulatedClock]) -> Iterator[httpx.Client]:
    """A client of the module's server, which starts empty."""
    with checked_client(server[0], timeout=10) as client:
        assert client.post("/__mock__/reset").status_code == 204
        yield client


def created(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    answer = client.post("/connectors/drafts", json={**DRAFT, **fields})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def act(client: httpx.Client, id: str, version: int, *actions: dict[str, Any]) -> httpx.Response:
    return client.post(f"/connectors/drafts/{id}", json={"version": version, "actions": list(actions)})


def deliver(client: httpx.Client, id: str, type: str, **fields: Any) -> httpx.Response:
    return client.post(f"/__mock__/connectors/drafts/{id}/events", json={"type": type, **fields})


def error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The ErrorResponse of *answer*, checked: status, envelope shape and code."""
    body: dict[str, Any] = answer.json()
    assert answer.status_code == status, answer.text
    assert body["statusCode"] == status
    assert body["errors"][0]["code"] == code
    assert body["message"] == body["errors"][0]["message"]
    return body


class TestLifecycle:
    def test_create_update_publish_certify_preview_delete(self, client: httpx.Client) -> None:
        """The whole lifecycle over HTTP, with the API's status codes."""
        staged = created(client)
        id = staged["id"]
        assert (staged["version"], staged["status"], staged["createdAt"]) == (1, "Draft", "2024-01-01T00:00:00.000Z")

        answer = act(client, id, 1, {"action": "setName", "name": "My ERP connector"})
        assert answer.status_code == 201 and answer.json()["version"] == 2
        assert client.get(f"/connectors/drafts/{id}").json()["name"] == "My ERP connector"
        assert client.get("/connectors/drafts/key=my-connector").json()["id"] == id

        assert act(client, id, 2, {"action": "publish", "certification": True}).json()["status"] == "Processing"
        error(client.get(f"/connectors/{id}"), 404, "ResourceNotFound")
        assert deliver(client, id, "PublishingSucceeded").json()["status"] == "ReadyForCertification"
        answer = act(client, id, 4, {"action": "addCertificationComment", "comment": "Please review"})
        assert answer.status_code == 201
        assert answer.json()["certificationInfo"]["comments"][0]["userId"] == "mock-project"
        assert deliver(client, id, "CertificationStarted").status_code == 200
        published = deliver(client, id, "CertificationPassed").json()
        assert (published["status"], published["certified"], published["private"]) == ("Published", True, False)

        connector = client.get(f"/connectors/{id}")
        assert connector.status_code == 200
        assert (connector.json()["version"], connector.json()["certified"]) == (published["version"], True)
        assert client.get("/connectors/key=my-connector").json()["id"] == id

        version = published["version"]
        assert act(client, id, version, {"action": "updatePreviewable"}).json()["isPreviewable"] == "pending"
        report = {"entries": [{"type": "Information", "title": "ok", "createdAt": "2024-01-01T00:00:00.000Z"}]}
        granted = deliver(client, id, "PreviewGranted", report=report).json()
        assert granted["isPreviewable"] == "true" and granted["previewableReport"] == report

        deleted = client.delete(f"/connectors/drafts/{id}", params={"version": granted["version"]})
        assert deleted.status_code == 200 and deleted.json()["version"] == granted["version"]
        error(client.get(f"/connectors/drafts/{id}"), 404, "ResourceNotFound")
        error(client.get(f"/connectors/{id}"), 404, "ResourceNotFound")

    def test_by_key_endpoints(self, client: httpx.Client) -> None:
        """Update and delete address a resource by key as well."""
        created(client)
        answer = client.post("/connectors/drafts/key=my-connector", json={"version": 1, "actions": []})
        assert answer.status_code == 201 and answer.json()["version"] == 1
        assert client.delete("/connectors/drafts/key=my-connector").status_code == 200
        error(client.get("/connectors/drafts/key=my-connector"), 404, "ResourceNotFound")

    def test_a_private_publish_makes_a_private_connector(self, client: httpx.Client) -> None:
        """publish(certification: false) then PublishingSucceeded: Published, and a Connector."""
        id = created(client)["id"]
        act(client, id, 1, {"action": "publish", "certification": False})
        assert deliver(client, id, "PublishingSucceeded").json()["status"] == "Published"
        assert client.get(f"/connectors/{id}").json()["private"] is True

    def test_the_event_endpoint_takes_what_connect_yaml_declares(self, client: httpx.Client) -> None:
        """globalConfiguration and apiClient on a PublishingSucceeded reach the staged and the production Connector."""
        id = created(client)["id"]
        act(client, id, 1, {"action": "publish", "certification": False})
        bad = deliver(client, id, "PublishingSucceeded", apiClient={"scopes": "manage_project"})
        detail = error(bad, 400, "InvalidJsonInput")["errors"][0]["detailedErrorMessage"]
        assert detail == "apiClient.scopes: expected an array, got a string"
        shared = {"standardConfiguration": [{"key": "SHARED", "description": "for every application"}]}
        api_client = {"scopes": ["manage_project"]}
        published = deliver(client, id, "PublishingSucceeded", globalConfiguration=shared, apiClient=api_client).json()
        assert (published["globalConfiguration"], published["apiClient"]) == (shared, api_client)
        connector = client.get(f"/connectors/{id}").json()
        assert (connector["globalConfiguration"], connector["apiClient"]) == (shared, api_client)


class TestErrorEnvelopes:
    def test_malformed_json(self, client: httpx.Client) -> None:
        """A body that is not JSON is InvalidJsonInput, on create, update and event delivery."""
        id = created(client)["id"]
        for path in ("/connectors/drafts", f"/connectors/drafts/{id}", f"/__mock__/connectors/drafts/{id}/events"):
            body = error(client.post(path, content=b"{not json"), 400, "InvalidJsonInput")
            assert body["errors"][0]["detailedErrorMessage"].startswith("$: not valid JSON")

    def test_a_body_of_the_wrong_shape_names_every_path(self, client: httpx.Client) -> None:
        """A mis-shaped update is InvalidJsonInput with each offending path."""
        id = created(client)["id"]
        answer = client.post(
            f"/connectors/drafts/{id}", json={"version": "1", "actions": [{"action": "setPrivate", "private": True}]}
        )
        detail = error(answer, 400, "InvalidJsonInput")["errors"][0]["detailedErrorMessage"]
        assert "version: expected an integer" in detail and "actions[0].action: unknown action" in detail
        error(client.post("/connectors/drafts", json={"name": "x"}), 400, "InvalidJsonInput")
        error(deliver(client, id, "Teleported"), 400, "InvalidJsonInput")

    def test_too_many_actions_or_problems_are_bounded(self, client: httpx.Client) -> None:
        """501 actions are refused at actions, unread; 300 bad ones list 100 problems and count the rest."""
        id = created(client)["id"]
        too_many = act(client, id, 1, *[{"action": "unlist"}] * 501)
        detail = error(too_many, 400, "InvalidJsonInput")["errors"][0]["detailedErrorMessage"]
        assert detail == "actions: must contain at most 500 items, not 501"
        bad = act(client, id, 1, *[{"action": "nope"}] * 300)
        detail = error(bad, 400, "InvalidJsonInput")["errors"][0]["detailedErrorMessage"]
        assert detail.count("unknown action") == 100 and detail.endswith("; and 200 more problems")
        assert client.get(f"/connectors/drafts/{id}").json()["version"] == 1

    def test_duplicate_key(self, client: httpx.Client) -> None:
        """A key already used is DuplicateField with field and duplicateValue."""
        created(client)
        body = error(client.post("/connectors/drafts", json=DRAFT), 400, "DuplicateField")
        assert (body["errors"][0]["field"], body["errors"][0]["duplicateValue"]) == ("key", "my-connector")

    def test_not_found_everywhere(self, client: httpx.Client) -> None:
        """Unknown ids and keys are ResourceNotFound on every endpoint."""
        update = {"version": 1, "actions": []}
        for answer in (
            client.get("/connectors/drafts/nope"),
            client.get("/connectors/drafts/key=nope"),
            client.post("/connectors/drafts/nope", json=update),
            client.post("/connectors/drafts/key=nope", json=update),
            client.delete("/connectors/drafts/nope"),
            client.delete("/connectors/drafts/key=nope"),
            client.get("/connectors/nope"),
            client.get("/connectors/key=nope"),
            deliver(client, "nope", "PreviewCancelled"),
        ):
            error(answer, 404, "ResourceNotFound")
        message = client.get("/connectors/drafts/key=nope").json()["message"]
        assert message == "The Resource with key 'nope' was not found."

    def test_stale_version(self, client: httpx.Client) -> None:
        """A stale version is 409 ConcurrentModification with both versions, on update and delete."""
        id = created(client)["id"]
        body = error(act(client, id, 5, {"action": "setName", "name": "x"}), 409, "ConcurrentModification")
        assert (body["errors"][0]["expectedVersion"], body["errors"][0]["currentVersion"]) == (5, 1)
        error(client.delete(f"/connectors/drafts/{id}", params={"version": 5}), 409, "ConcurrentModification")
        error(client.delete(f"/connectors/drafts/{id}", params={"version": "one"}), 400, "InvalidQueryParam")

    def test_the_reducers_errors(self, client: httpx.Client) -> None:
        """Lifecycle refusals come back with their codes, over HTTP."""
        id = created(client)["id"]
        project = {"action": "addPrivateProject", "privateProject": "europe-west1.gcp:my-project"}
        act(client, id, 1, {"action": "updatePreviewable"})
        error(act(client, id, 2, {"action": "updatePreviewable"}), 400, "ConnectorStagedPreviewRequestUnderProcess")
        act(client, id, 2, {"action": "publish", "certification": True})
        error(act(client, id, 3, {"action": "setName", "name": "x"}), 400, "InvalidOperation")
        deliver(client, id, "PublishingSucceeded")
        error(act(client, id, 4, {"action": "publish", "certification": True}), 400, "ConnectorStagedInCertification")
        deliver(client, id, "CertificationStarted")
        version = deliver(client, id, "CertificationPassed").json()["version"]
        error(act(client, id, version, {"action": "publish", "certification": True}), 400, "ConnectorAlreadyCertified")
        error(act(client, id, version, project), 400, "ConnectorStagedNotPrivate")
        error(deliver(client, id, "CertificationPassed"), 400, "InvalidOperation")

    def test_unknown_path(self, client: httpx.Client) -> None:
        """A path the API does not have is a 404 ErrorResponse."""
        error(client.get("/connectors/drafts/a/b"), 404, "ResourceNotFound")
        error(client.get("/projects"), 404, "ResourceNotFound")

    @pytest.mark.parametrize(
        ("method", "path", "allow"),
        [
            ("PUT", "/connectors/drafts", "GET, HEAD, POST"),
            ("PATCH", "/connectors/drafts/some-id", "DELETE, GET, HEAD, POST"),
            ("DELETE", "/connectors/some-id", "GET, HEAD"),
            ("POST", "/connectors/search", "GET, HEAD"),
            ("GET", "/__mock__/reset", "POST"),
        ],
    )
    def test_unsupported_method_is_405_with_allow(
        self, client: httpx.Client, method: str, path: str, allow: str
    ) -> None:
        """A method a known path does not answer is 405, with an Allow header and an ErrorResponse."""
        answer = client.request(method, path)
        body = error(answer, 405, "MethodNotAllowed")
        assert answer.headers["allow"] == allow
        assert method in body["message"] and path in body["message"]

    def test_a_trailing_slash_is_the_same_resource(self, client: httpx.Client) -> None:
        """A trailing slash names the same resource: no redirect, the same answer."""
        staged = created(client)
        listed = client.get("/connectors/drafts/", follow_redirects=False)
        assert listed.status_code == 200 and listed.json()["total"] == 1
        again = client.get(f"/connectors/drafts/{staged['id']}/", follow_redirects=False)
        assert again.status_code == 200 and again.json() == staged

    def test_only_one_trailing_slash_is_forgiven(self, client: httpx.Client) -> None:
        """Two trailing slashes name no resource: 404, never the resource itself."""
        staged = created(client)
        error(client.get(f"/connectors/drafts/{staged['id']}//"), 404, "ResourceNotFound")
        error(client.get("/connectors/drafts//"), 404, "ResourceNotFound")

    def test_an_event_for_an_empty_key_is_an_invalid_path_param(self, client: httpx.Client) -> None:
        """The mock-only events endpoint reads key= as the other routes do."""
        error(deliver(client, "key=", "PublishingSucceeded"), 400, "InvalidPathParam")

    def test_the_correlation_id_is_echoed_or_made(self, client: httpx.Client) -> None:
        """X-Correlation-ID comes back as sent; without one, each answer gets a new one."""
        sent = client.get("/connectors/drafts", headers={"X-Correlation-ID": "my-trace-1"})
        assert sent.headers["x-correlation-id"] == "my-trace-1"
        failed = client.get("/connectors/drafts/nope", headers={"X-Correlation-ID": "my-trace-2"})
        assert failed.status_code == 404 and failed.headers["x-correlation-id"] == "my-trace-2"
        first, second = client.get("/connectors/drafts"), client.get("/connectors/drafts")
        assert first.headers["x-correlation-id"] != second.headers["x-correlation-id"]
        assert first.headers["x-correlation-id"].startswith("mock-")

    @pytest.mark.parametrize(
        "query",
        ["limit=501", "limit=-1", "limit=ten", "offset=10001", "sort=name", "sort=colour+asc", "isPrivate=yes",
         "integrationTypes=fax"],
    )  # fmt: skip
    def test_bad_query_parameters(self, client: httpx.Client, query: str) -> None:
        """An out-of-range or malformed query parameter is InvalidQueryParam naming it."""
        body = error(client.get(f"/connectors/drafts?{query}"), 400, "InvalidQueryParam")
        assert body["errors"][0]["message"] == "Request query param is not valid"
        assert body["errors"][0]["detailedErrorMessage"].startswith(query.split("=")[0])

    def test_every_bad_parameter_is_named(self, client: httpx.Client) -> None:
        """Several bad parameters are all named in one InvalidQueryParam; an empty sort is ignored."""
        body = error(client.get("/connectors/drafts?limit=x&offset=-2&isPrivate=no"), 400, "InvalidQueryParam")
        detail = body["errors"][0]["detailedErrorMessage"]
        assert "limit" in detail and "offset" in detail and "isPrivate" in detail
        assert client.get("/connectors/drafts?sort=").status_code == 200

    def test_no_problem_hides_another(self, client: httpx.Client) -> None:
        """A malformed limit and an unknown sort field are named together; a repeated limit is a problem."""
        detail = error(client.get("/connectors/drafts?limit=x&sort=foo"), 400, "InvalidQueryParam")["errors"][0]
        assert "limit" in detail["detailedErrorMessage"] and "sort[0]" in detail["detailedErrorMessage"]
        detail = error(client.get("/connectors/drafts?isPrivate=bogus&isPrivate=true"), 400, "InvalidQueryParam")
        assert "isPrivate: given 2 times" in detail["errors"][0]["detailedErrorMessage"]
        detail = error(client.get("/connectors/search?limit=5&limit=x&sort=status+asc"), 400, "InvalidQueryParam")
        message = detail["errors"][0]["detailedErrorMessage"]
        assert "limit: given 2 times" in message and "sort[0]" in message

    @pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
    def test_an_empty_key_is_an_invalid_path_param(self, client: httpx.Client, method: str) -> None:
        """key= with no key is InvalidPathParam, never looked up as an id."""
        body = error(client.request(method, "/connectors/drafts/key="), 400, "InvalidPathParam")
        assert body["errors"][0]["message"] == "Request path param is not valid"
        assert "key" in body["errors"][0]["detailedErrorMessage"]
        error(client.get("/connectors/key="), 400, "InvalidPathParam")

    def test_a_key_path_is_read_by_key_and_an_id_like_a_key_by_id(self, client: httpx.Client) -> None:
        """key=K names the draft whose key is K, by every method; ids that merely start like one are ids."""
        id = created(client)["id"]
        assert client.get("/connectors/drafts/key=my-connector").json()["id"] == id
        assert act(client, "key=my-connector", 1, {"action": "setName", "name": "By key"}).json()["id"] == id
        for path in ("/connectors/drafts/key=nope", "/connectors/drafts/key=nope/"):
            assert "key 'nope'" in error(client.get(path), 404, "ResourceNotFound")["message"]
        for path in ("/connectors/drafts/keyless", "/connectors/drafts/key", "/connectors/drafts/KEY=x"):
            assert "ID '" in error(client.get(path), 404, "ResourceNotFound")["message"]
        answer = client.put("/connectors/drafts/key=my-connector")
        assert error(answer, 405, "MethodNotAllowed") and answer.headers["allow"] == "DELETE, GET, HEAD, POST"
        assert client.delete("/connectors/drafts/key=my-connector").json()["id"] == id


class TestMockEndpoints:
    @pytest.mark.parametrize(
        "body", [b'{"seconds": 300000000000}', b'{"seconds": 1e300}', b"\x80abc", b'{"seconds": -1}']
    )
    def test_a_bad_clock_move_is_refused_and_harms_nothing(self, client: httpx.Client, body: bytes) -> None:
        """Moving the clock past its range, backwards or with a malformed body is a 400; the server goes on."""
        before = client.get("/__mock__/clock").json()
        error(client.post("/__mock__/clock", content=body), 400, "InvalidJsonInput")
        assert client.get("/__mock__/clock").json() == before
        assert client.get("/connectors/drafts").status_code == 200

    @pytest.mark.parametrize(
        "body", [b"[" * 100_000, b'{"seconds": ' + b"[" * 70 + b"]" * 70 + b"}", b"\xef\xbb\xbf{}"]
    )
    def test_a_deep_or_odd_clock_body_is_refused(self, client: httpx.Client, body: bytes) -> None:
        """Deep nesting or a byte order mark in the clock's body is a 400 at $, not a fault."""
        before = client.get("/__mock__/clock").json()
        detail = error(client.post("/__mock__/clock", content=body), 400, "InvalidJsonInput")["errors"][0]
        assert detail["detailedErrorMessage"].startswith("$: ")
        assert client.get("/__mock__/clock").json() == before

    @pytest.mark.parametrize("name", ["limit", "offset"])
    def test_an_integer_of_thousands_of_digits_is_refused(self, client: httpx.Client, name: str) -> None:
        """limit, offset and version with 5,000 digits are a 400 naming the parameter, quoting it cut short."""
        for answer in (
            client.get(f"/connectors/drafts?{name}={'9' * 5000}"),
            client.get(f"/connectors/search?{name}={'9' * 5000}"),
        ):
            detail = error(answer, 400, "InvalidQueryParam")["errors"][0]["detailedErrorMessage"]
            assert detail.startswith(f"{name}: expected a signed 64-bit integer") and "(5000 characters)" in detail
            assert len(detail) < 300
        id = created(client)["id"]
        error(client.delete(f"/connectors/drafts/{id}?version={'1' * 5000}"), 400, "InvalidQueryParam")
        error(client.delete(f"/connectors/drafts/{id}?version={2**63}"), 400, "InvalidQueryParam")
        assert client.get(f"/connectors/drafts/{id}").status_code == 200

    def test_signed_or_spaced_integers_are_not_integers(self, client: httpx.Client) -> None:
        """limit=+5, limit=%205 and offset=1_000 are refused: a query integer is digits only."""
        for query in ("limit=%2B5", "limit=%205", "offset=1_000"):
            error(client.get(f"/connectors/drafts?{query}"), 400, "InvalidQueryParam")


class TestQuery:
    def test_paging_sorting_and_filters(self, client: httpx.Client, server: tuple[str, SimulatedClock]) -> None:
        """GET /connectors/drafts pages, sorts and filters, with count and total."""
        clock = server[1]
        ids = []
        for n in range(7):
            ids.append(
                created(client, key=f"key-{n}", name=f"Name {6 - n}", integrationTypes=["erp" if n % 2 else "crm"])[
                    "id"
                ]
            )
            clock.advance(1)
        page = client.get("/connectors/drafts", params={"limit": 3, "offset": 2}).json()
        assert {k: page[k] for k in ("limit", "offset", "count", "total")} == {
            "limit": 3, "offset": 2, "count": 3, "total": 7,
        }  # fmt: skip
        assert [r["id"] for r in page["results"]] == ids[2:5]
        assert all("createdAt" in r and "lastModifiedAt" in r for r in page["results"])

        by_name = client.get("/connectors/drafts", params={"sort": "name asc", "limit": 2}).json()
        assert [r["id"] for r in by_name["results"]] == [ids[6], ids[5]]
        newest = client.get("/connectors/drafts", params={"sort": "createdAt desc"}).json()
        assert [r["id"] for r in newest["results"]] == ids[::-1]

        act(client, ids[0], 1, {"action": "setName", "name": "Renamed"})
        recent = client.get("/connectors/drafts", params=[("sort", "lastModifiedAt desc"), ("sort", "key asc")]).json()
        assert recent["results"][0]["id"] == ids[0]

        erp = client.get("/connectors/drafts", params={"integrationTypes": "erp"}).json()
        assert [r["id"] for r in erp["results"]] == ids[1::2] and erp["total"] == 3
        both = client.get("/connectors/drafts", params=[("integrationTypes", "erp"), ("integrationTypes", "crm")])
        assert both.json()["total"] == 7
        assert client.get("/connectors/drafts", params={"isPrivate": "false"}).json()["total"] == 0
        assert client.get("/connectors/drafts", params={"isPrivate": "true", "limit": 0}).json()["count"] == 0


class TestAutomaticSimulation:
    def test_publish_and_certification_move_on_when_the_clock_does(self) -> None:
        """In automatic mode, advancing the mock's clock walks a connector to Published."""
        clock = SimulatedClock(START)
        app = create_app(Store(clock=clock, simulation=Automatic(certify=lambda staged: staged.name != "Bad")))
        with serving(app) as url, checked_client(url) as client:
            id = created(client)["id"]
            bad = created(client, key="bad", name="Bad")["id"]
            for cid in (id, bad):
                act(client, cid, 1, {"action": "publish", "certification": True})
            assert client.post("/__mock__/clock", json={"seconds": 2}).json() == {"now": "2024-01-01T00:00:02.000Z"}
            assert client.get(f"/connectors/drafts/{id}").json()["status"] == "ReadyForCertification"
            client.post("/__mock__/clock", json={"seconds": 60})
            assert client.get(f"/connectors/drafts/{id}").json()["status"] == "Published"
            assert client.get(f"/connectors/drafts/{bad}").json()["status"] == "Failed"
            assert client.get("/__mock__/clock").json() == {"now": "2024-01-01T00:01:02.000Z"}
            error(client.post("/__mock__/clock", json={"seconds": -1}), 400, "InvalidJsonInput")


def test_a_read_answers_the_text_of_the_current_version() -> None:
    """A GET answers, byte for byte, the current resource's JSON: never a text kept from before a change.

    The server answers with text written once per version; each change here
    (an update, a delivered event, an automatic event that a clock advance
    makes due, a delete and a create under the same key) is followed by reads
    whose bodies must be what encoding the store's resource gives now.
    """
    clock = SimulatedClock(START)
    store = Store(clock=clock, simulation=Automatic())
    with serving(create_app(store)) as url, checked_client(url) as client:

        def now(id: str) -> bytes:
            current = store.get(id)
            assert not isinstance(current, DomainError), current
            return json.dumps(current.to_wire(), separators=(",", ":"), ensure_ascii=False).encode()

        def read(id: str) -> bytes:
            answer = client.get(f"/connectors/drafts/{id}")
            assert answer.status_code == 200, answer.text
            assert answer.content == client.get("/connectors/drafts/key=my-connector").content == now(id)
            return answer.content

        id = created(client, name="Ünïcode ✓")["id"]
        first = read(id)
        renamed = act(client, id, 1, {"action": "setName", "name": "Renamed"})
        assert renamed.status_code == 201 and renamed.content == read(id) != first
        unchanged = act(client, id, 2, {"action": "setName", "name": "Renamed"})
        assert unchanged.content == renamed.content == read(id)
        assert act(client, id, 2, {"action": "updatePreviewable"}).status_code == 201
        pending = read(id)
        granted = deliver(client, id, "PreviewGranted").content
        assert granted == read(id) != pending
        assert (
            act(client, id, json.loads(granted)["version"], {"action": "publish", "certification": False}).status_code
            == 201
        )
        processing = read(id)
        assert client.post("/__mock__/clock", json={"seconds": 60}).status_code == 200
        published = read(id)  # the automatic PublishingSucceeded, applied by this read
        assert published != processing and json.loads(published)["status"] == "Published"
        assert client.delete(f"/connectors/drafts/{id}").content == published
        error(client.get(f"/connectors/drafts/{id}"), 404, "ResourceNotFound")
        again = created(client, name="Ünïcode ✓")["id"]
        assert read(again) != first


def test_no_update_is_lost_under_concurrent_writers(client: httpx.Client, server: tuple[str, SimulatedClock]) -> None:
    """Thousands of update requests to one resource from several client threads, retried with
    the current version on 409: the final version is 1 + the number of successful updates.

    The server runs the store on its event loop, so this checks that concurrent
    clients lose nothing end to end; the store's own lock under threads is
    checked in test_store.py."""
    id = created(client)["id"]
    threads, requests_each = 6, 400
    successes = [0] * threads
    conflicts = [0] * threads
    failures: list[str] = []

    def writer(n: int) -> None:
        with checked_client(server[0], timeout=30) as mine:
            version = 1
            for i in range(requests_each):
                answer = act(mine, id, version, {"action": "setName", "name": f"writer {n} request {i}"})
                if answer.status_code == 201:
                    successes[n] += 1
                    version = answer.json()["version"]
                elif answer.status_code == 409:
                    conflicts[n] += 1
                    version = answer.json()["errors"][0]["currentVersion"]
                else:
                    failures.append(answer.text)
                    return

    started = time.perf_counter()
    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    assert not failures
    assert sum(successes) + sum(conflicts) == threads * requests_each
    # Every writer starts at version 1, so threads - 1 conflicts are certain;
    # more show that the requests of different clients interleaved.
    assert sum(conflicts) > threads - 1, "the writers never overlapped"
    assert client.get(f"/connectors/drafts/{id}").json()["version"] == 1 + sum(successes)
    print(
        f"\n{threads * requests_each} update requests from {threads} threads in {elapsed:.2f} s: "
        f"{sum(successes)} succeeded, {sum(conflicts)} answered 409 and were retried"
    )


# --- The command line and the optional extra ---------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_command_answers_on_loopback() -> None:
    """`python -m connector_domain serve` answers the API on 127.0.0.1 by default."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "connector_domain", "serve", "--port", str(port), "--simulate", "manual"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = httpx.post(f"http://127.0.0.1:{port}/connectors/drafts", json=DRAFT)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
                time.sleep(0.05)
        assert answer.status_code == 201
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_without_the_extra_says_what_to_install() -> None:
    """Without Starlette, serve exits with the install command; the core imports without it."""
    script = (
        "import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None\n"
        "import connector_domain, connector_domain.mock.store, connector_domain.__main__ as cli\n"
        "cli.main(['serve'])\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert 'pip install "connector-domain[server]"' in result.stderr


def test_the_store_and_server_take_time_from_their_clock() -> None:
    """A default app follows the system's time; its clock endpoint moves it ahead."""
    with serving() as url, checked_client(url) as client:
        before = datetime.fromisoformat(client.get("/__mock__/clock").json()["now"])
        after = datetime.fromisoformat(client.post("/__mock__/clock", json={"seconds": 3600}).json()["now"])
        assert after - before >= timedelta(hours=1)
        assert abs(before - datetime.now(UTC)) < timedelta(minutes=1)


class _BrokenStore(Store):
    def get(self, id: str, *, owner: str | None = None) -> Any:
        raise RuntimeError("internal detail that must not leak")


def test_a_fault_is_a_general_error_naming_no_internals(caplog: pytest.LogCaptureFixture) -> None:
    """A fault inside a handler answers 500 General, names no Python internals, and is logged."""
    with serving(create_app(_BrokenStore(clock=SimulatedClock(START)))) as url, checked_client(url) as client:
        answer = client.get("/connectors/drafts/any", headers={"X-Correlation-ID": "trace-500"})
    assert answer.status_code == 500 and answer.headers["x-correlation-id"] == "trace-500"
    body = answer.json()
    assert body["errors"][0]["code"] == "General"
    assert "RuntimeError" not in answer.text and "internal detail" not in answer.text
    assert any("internal detail" in (record.exc_text or "") for record in caplog.records)


def test_a_store_on_a_clock_of_its_own_keeps_it() -> None:
    """An app over a store whose clock is not a SimulatedClock reads that clock and refuses to move it."""
    now = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
    with serving(create_app(Store(clock=lambda: now))) as url, checked_client(url) as client:
        assert client.get("/__mock__/clock").json() == {"now": "2030-05-06T07:08:09.000Z"}
        error(client.post("/__mock__/clock", json={"seconds": 60}), 404, "ResourceNotFound")
        assert client.get("/__mock__/clock").json() == {"now": "2030-05-06T07:08:09.000Z"}


def test_delete_by_key_with_a_malformed_version(client: httpx.Client) -> None:
    """DELETE by key with a version that is not an integer is InvalidQueryParam, and deletes nothing."""
    created(client)
    body = error(
        client.delete("/connectors/drafts/key=my-connector", params={"version": "one"}), 400, "InvalidQueryParam"
    )
    assert body["errors"][0]["detailedErrorMessage"] == "version: expected an integer, got 'one'"
    assert client.get("/connectors/drafts/key=my-connector").status_code == 200


class TestTheMockStaysTheUsersOwn:
    """Host and Origin: a web page of another site can neither read nor change the mock."""

    @pytest.mark.parametrize(
        "host", ["attacker.example", "attacker.example:8080", "127.0.0.1.attacker.example", "10.0.0.1"]
    )
    def test_a_foreign_host_is_refused_and_changes_nothing(self, client: httpx.Client, host: str) -> None:
        """A request addressed to another name (DNS rebinding) is 400, reads nothing and writes nothing."""
        body = error(client.post("/connectors/drafts", json=DRAFT, headers={"Host": host}), 400, "HostNotAllowed")
        assert "--allowed-host" in body["message"]
        error(client.get("/connectors/drafts", headers={"Host": host}), 400, "HostNotAllowed")
        assert client.get("/connectors/drafts").json()["total"] == 0

    @pytest.mark.parametrize("host", ["localhost", "LOCALHOST:8080", "127.0.0.1", "127.5.6.7:1", "[::1]:8080"])
    def test_loopback_names_are_allowed(self, client: httpx.Client, host: str) -> None:
        """localhost, the 127.0.0.0/8 range and ::1, with or without a port, reach the mock."""
        assert client.get("/connectors/drafts", headers={"Host": host}).status_code == 200

    @pytest.mark.parametrize(
        ("content_type", "path"),
        [("text/plain", "/__mock__/reset"), ("application/x-www-form-urlencoded", "/connectors/drafts"),
         ("application/json", "/connectors/drafts")],
    )  # fmt: skip
    @pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost.evil.example"])
    def test_a_cross_site_request_is_refused_and_changes_nothing(
        self, client: httpx.Client, content_type: str, path: str, origin: str
    ) -> None:
        """A request with another site's Origin, whatever its content type, is 403 and changes nothing."""
        created(client)
        headers = {"Origin": origin, "Content-Type": content_type}
        error(client.post(path, content=json.dumps(DRAFT), headers=headers), 403, "CrossSiteRequestRefused")
        assert client.get("/connectors/drafts").json()["total"] == 1

    @pytest.mark.parametrize("origin", ["http://[", "http://[::1", "http://[zz]"])
    def test_an_origin_that_is_no_url_is_refused(self, client: httpx.Client, origin: str) -> None:
        """An Origin that is not a URL names no site of the mock's: 403, not a fault."""
        error(client.post("/connectors/drafts", json=DRAFT, headers={"Origin": origin}), 403, "CrossSiteRequestRefused")
        assert client.get("/connectors/drafts").json()["total"] == 0

    @pytest.mark.parametrize(
        "head",
        [b"GET /connectors/drafts HTTP/1.1\r\n\r\n",
         b"GET /connectors/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\nBad header\r\n\r\n",
         b"POST /connectors/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n"],
    )  # fmt: skip
    def test_what_is_not_http_is_an_error_response(self, server: tuple[str, SimulatedClock], head: bytes) -> None:
        """A request h11 cannot read (no Host, a malformed header, a bad Content-Length) is a JSON 400."""
        port = int(server[0].rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(head)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head_part, _, body = answer.partition(b"\r\n\r\n")
        assert head_part.startswith(b"HTTP/1.1 400 ")
        assert b"content-type: application/json" in head_part.lower() and b"x-correlation-id: mock-" in head_part
        envelope = json.loads(body)
        assert envelope["statusCode"] == 400 and envelope["errors"][0]["code"] == "MalformedRequest"
        assert envelope["message"].startswith("The request is not valid HTTP/1.1 (")

    def test_a_local_origin_and_curls_form_type_keep_working(self, client: httpx.Client) -> None:
        """A page on localhost may call the mock, and curl -d (a form content type, no Origin) still creates."""
        answer = client.post(
            "/connectors/drafts",
            content=json.dumps(DRAFT),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status_code == 201
        assert client.get("/connectors/drafts", headers={"Origin": "http://localhost:3000"}).status_code == 200

    def test_allowed_hosts_widen_the_names(self) -> None:
        """A name given as an allowed host reaches the mock; others still do not."""
        app = create_app(Store(clock=SimulatedClock(START)), allowed_hosts=["Mock.Team.Example"])
        with serving(app) as url, checked_client(url) as client:
            assert client.get("/connectors/drafts", headers={"Host": "mock.team.example:8080"}).status_code == 200
            error(client.get("/connectors/drafts", headers={"Host": "other.example"}), 400, "HostNotAllowed")


class TestTheEdgeRemembers:
    """What ``_Edge`` keeps between requests (the verdict on each Host) changes no answer."""

    @staticmethod
    def status(app: Any, host: bytes, server: tuple[str, int] = ("127.0.0.1", 8080)) -> int:
        """The status *app* answers ``GET /__mock__/clock`` with, addressed to *host*, on *server*."""
        scope = {
            "type": "http", "method": "GET", "path": "/__mock__/clock", "raw_path": b"/__mock__/clock",
            "query_string": b"", "root_path": "", "scheme": "http", "http_version": "1.1",
            "headers": [(b"host", host)], "server": server, "client": ("127.0.0.1", 5000),
        }  # fmt: skip
        started: list[int] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.append(message["status"])

        asyncio.run(app(scope, receive, send))
        return started[0]

    def test_a_verdict_is_per_host_and_per_listening_address(self) -> None:
        """The same Host is judged again on another address: 10.0.0.5 is allowed where the mock listens on it."""
        app = create_app(Store(clock=SimulatedClock(START)))
        for _ in range(3):  # the second and third requests read the verdicts kept
            assert self.status(app, b"127.0.0.1:8080") == 200
            assert self.status(app, b"10.0.0.5:8080") == 400
            assert self.status(app, b"10.0.0.5:8080", ("10.0.0.5", 8080)) == 200
            assert self.status(app, b"attacker.example") == 400

    def test_the_verdicts_kept_are_bounded(self) -> None:
        """Thousands of Host names keep at most a thousand or so verdicts, and each answer stays right."""
        app = create_app(Store(clock=SimulatedClock(START)))
        for n in range(2500):
            assert self.status(app, b"h%d.example" % n) == 400
            assert self.status(app, b"127.0.0.%d" % (n % 250 + 1)) == 200
        edge: Any = app.middleware_stack
        while not isinstance(edge, server_module._Edge):
            edge = edge.app
        assert len(edge._verdicts) <= server_module._VERDICTS

    def test_a_cancelled_read_of_the_body_is_no_timeout(self) -> None:
        """A task cancelled while it waits for a body stays cancelled: only the mock's own deadline is a 408."""

        async def main() -> None:
            waiting = asyncio.Event()

            async def receive() -> dict[str, Any]:
                waiting.set()
                await asyncio.sleep(3600)
                raise AssertionError("not reached")

            reading = asyncio.create_task(server_module._received_by(asyncio.get_running_loop().time() + 60, receive))
            await waiting.wait()
            reading.cancel()
            with pytest.raises(asyncio.CancelledError):
                await reading

            expired = asyncio.create_task(server_module._received_by(asyncio.get_running_loop().time() + 0.01, receive))
            with pytest.raises(server_module._TimedOut):
                await expired
            assert expired.cancelling() == 0

        asyncio.run(main())

    def test_a_new_correlation_id_is_a_random_uuid(self) -> None:
        """``mock-`` and a version 4 UUID, a new one each time."""
        made = {new_correlation_id().decode() for _ in range(200)}
        assert len(made) == 200
        for text in made:
            assert text.startswith("mock-")
            value = uuid.UUID(text[5:])
            assert (str(value), value.version, value.variant) == (text[5:], 4, uuid.RFC_4122)


class TestBodyLimit:
    """A body above --max-body is 413 before it is read whole, and nothing is stored."""

    def test_a_large_body_is_refused_by_its_length(self) -> None:
        """A body whose Content-Length passes the limit is 413 PayloadTooLarge; nothing is created."""
        app = create_app(Store(clock=SimulatedClock(START)), max_body=1000)
        big = {**DRAFT, "description": "x" * 2000}
        with serving(app) as url, checked_client(url) as client:
            body = error(client.post("/connectors/drafts", json=big), 413, "PayloadTooLarge")
            assert "1000 bytes" in body["message"]
            assert client.post("/connectors/drafts", json=DRAFT).status_code == 201
            assert client.get("/connectors/drafts").json()["total"] == 1

    def test_a_chunked_body_is_refused_as_it_passes_the_limit(self) -> None:
        """A body sent in chunks, with no Content-Length, is refused once it passes the limit."""
        app = create_app(Store(clock=SimulatedClock(START)), max_body=1000)

        def chunks() -> Iterator[bytes]:
            yield json.dumps({**DRAFT, "description": "x" * 600})[:-1].encode()
            yield b', "name2": "' + b"y" * 600 + b'"}'

        with serving(app) as url, checked_client(url) as client:
            answer = client.post("/connectors/drafts", content=chunks())
            assert "content-length" not in answer.request.headers
            error(answer, 413, "PayloadTooLarge")
            assert client.get("/connectors/drafts").json()["total"] == 0

    def test_the_default_is_one_mebibyte(self) -> None:
        """Without a limit given, 1 MiB passes and a body past it does not."""
        from connector_domain.mock.defaults import MAX_BODY

        assert MAX_BODY == 1024 * 1024
        with serving(create_app(Store(clock=SimulatedClock(START)))) as url, checked_client(url) as client:
            fits = {**DRAFT, "description": "x" * (MAX_BODY - 1000)}
            assert client.post("/connectors/drafts", json=fits).status_code == 201
            error(client.post("/connectors/drafts", content=b" " * (MAX_BODY + 1)), 413, "PayloadTooLarge")
