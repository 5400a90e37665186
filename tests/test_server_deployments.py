"""The mock's Deployment endpoints over real HTTP: uvicorn on a loopback port, a schema-checked httpx client.

One server for the module, on a store the tests hold (ids from a counter
reset before each test, a simulated clock, the manual service, production
disabled for ``prod-off``). Every body a test receives is validated against
the official type of its route (``tests/official_schema.py``), and none may
hold the clear secret a test sends (``SECRET``). The examples go endpoint by
endpoint; the last part is a property: random sequences of Deployment
requests, valid and invalid, never answer 5xx, and a refused one changes
nothing the store answers.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from connector_domain import codec
from connector_domain.errors import DomainError
from connector_domain.mock.defaults import DEFAULT_PROJECT, DEFAULT_REGION
from connector_domain.mock.server import create_app, serving
from connector_domain.mock.store import LIMIT_MAX, SimulatedClock, Store, Stored
from tests.conftest import FIXTURES, fixture, heavy
from tests.official_schema import check

START: Final = datetime(2024, 1, 1, tzinfo=UTC)
PROJECT: Final = DEFAULT_PROJECT
OTHER: Final = "other-project"
DISABLED: Final = "prod-off"
CALLER: Final = f"{DEFAULT_REGION}:{DEFAULT_PROJECT}"
SECRET: Final = "s3cr3t-value-0042"
#: What the connector's connect.yaml declares: a service with a required standard and secured key, a job, an event.
DECLARED: Final[dict[str, Any]] = json.loads((FIXTURES / "mock" / "declarations.json").read_text())
CONFIGURATIONS: Final[list[dict[str, Any]]] = DECLARED["configurations"]
NAMES: Final = [c["applicationName"] for c in CONFIGURATIONS]
STAGED_DRAFT: Final[dict[str, Any]] = {
    "key": "conn",
    "name": "My connector",
    "creator": {"email": "jane.doe@example.com"},
    "repository": {"url": "git@github.com:example/my-connector.git", "tag": "v1.0.0"},
}
VALUES: Final[list[dict[str, Any]]] = [
    {
        "applicationName": "service-app",
        "standardConfiguration": [{"key": "STD_KEY", "value": "standard"}],
        "securedConfiguration": [{"key": "SECRET_KEY", "value": SECRET}],
    }
]


class _Ids:
    """Ids in creation order, ``id-1`` on, from 1 again after each reset; *queued* ones first."""

    def __init__(self) -> None:
        self.count = 0
        self.queued: list[str] = []

    def __call__(self) -> str:
        if self.queued:
            return self.queued.pop(0)
        self.count += 1
        return f"id-{self.count}"


@dataclass(frozen=True)
class Mock:
    url: str
    store: Store
    clock: SimulatedClock
    ids: _Ids


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    ids, clock = _Ids(), SimulatedClock(START)
    store = Store(ids=ids, clock=clock, production_disabled=[DISABLED])
    with serving(create_app(store)) as url:
        yield Mock(url, store, clock, ids)


def _no_clear_secret(answer: httpx.Response) -> None:
    answer.read()
    assert SECRET not in answer.text, answer.text[:500]


class Client(httpx.Client):
    """A client of the module's server whose every answer is schema-checked and free of SECRET.

    ``setup`` is a plain client of the same server, for the requests that
    make a connector (their endpoints are the ConnectorStaged's, checked in
    test_server.py), so that a test pays the schema check only for what it tests.
    """

    def __init__(self, url: str, setup: httpx.Client) -> None:
        super().__init__(base_url=url, timeout=10, event_hooks={"response": [check, _no_clear_secret]})
        self.setup = setup


@pytest.fixture(scope="module")
def plain(mock: Mock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock.url, timeout=10) as client:
        yield client


@pytest.fixture
def client(mock: Mock, plain: httpx.Client) -> Iterator[Client]:
    """A checked client of the module's server, which starts empty."""
    mock.store.reset()
    mock.ids.count, mock.ids.queued = 0, []
    with Client(mock.url, plain) as client:
        yield client


def error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The ErrorResponse of *answer*, checked: status, envelope and first code."""
    body: dict[str, Any] = answer.json()
    assert answer.status_code == status, answer.text
    assert body["statusCode"] == status
    assert body["errors"][0]["code"] == code, body
    assert body["message"] == body["errors"][0]["message"]
    return body


def ok(answer: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    return body


def act(client: httpx.Client, id: str, *actions: dict[str, Any]) -> dict[str, Any]:
    version = ok(client.get(f"/connectors/drafts/{id}"))["version"]
    return ok(client.post(f"/connectors/drafts/{id}", json={"version": version, "actions": list(actions)}), 201)


def deliver(client: httpx.Client, id: str, type: str, **fields: Any) -> dict[str, Any]:
    return ok(client.post(f"/__mock__/connectors/drafts/{id}/events", json={"type": type, **fields}))


def connector(client: Client, key: str = "conn", *projects: str, **fields: Any) -> str:
    """A connector the caller created, published (private), previewable, listing the caller and *projects*."""
    return make_connector(client.setup, key, *projects, **fields)


def make_connector(client: httpx.Client, key: str = "conn", *projects: str, **fields: Any) -> str:
    """``connector``, through *client*."""
    id: str = ok(client.post("/connectors/drafts", json={**STAGED_DRAFT, "key": key, **fields}), 201)["id"]
    act(client, id, {"action": "publish", "certification": False})
    deliver(client, id, "PublishingSucceeded", **DECLARED)
    for project in (CALLER, *projects):
        act(client, id, {"action": "addPrivateProject", "privateProject": project})
    act(client, id, {"action": "updatePreviewable"})
    deliver(client, id, "PreviewGranted", **DECLARED)
    return id


def draft(id: str = "id-1", **fields: Any) -> dict[str, Any]:
    return {"connector": {"id": id}, "configurations": VALUES, "region": DEFAULT_REGION, **fields}


def deploy(client: httpx.Client, project: str = PROJECT, **fields: Any) -> dict[str, Any]:
    return ok(client.post(f"/{project}/deployments", json=draft(**fields)), 201)


def event_of(client: httpx.Client, id: str, type: str, project: str = PROJECT, **fields: Any) -> httpx.Response:
    return client.post(f"/__mock__/{project}/deployments/{id}/events", json={"type": type, **fields})


REPORT: Final = {"entries": [{"type": "Error", "title": "broken", "createdAt": "2024-01-01T00:00:00.000Z"}]}
INFO: Final = {"entries": [{"type": "Information", "title": "ok", "createdAt": "2024-01-01T00:00:00.000Z"}]}


def deployed(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    """A new Deployment taken to Deployed by the service's events, with an Information report."""
    id = deploy(client, **fields)["id"]
    ok(event_of(client, id, "DeploymentStarted"))
    return ok(event_of(client, id, "DeploymentSucceeded", report=INFO))


def redeploy(client: httpx.Client, path: str, version: int, **action: Any) -> httpx.Response:
    return client.post(path, json={"version": version, "actions": [{"action": "redeploy", **action}]})


# --- Every endpoint ------------------------------------------------------------------------------


class TestEndpoints:
    def test_create_answers_201_with_the_new_deployment(self, client: Client) -> None:
        """POST /{projectKey}/deployments: 201, version 1, Queued, the connector's applications, secrets masked."""
        cid = connector(client)
        body = deploy(client, key="dep")
        assert (body["version"], body["status"], body["type"], body["preview"]) == (1, "Queued", "sandbox", False)
        assert (body["key"], body["deployedRegion"], body["connector"]["id"]) == ("dep", DEFAULT_REGION, cid)
        assert [a["applicationName"] for a in body["applications"]] == NAMES
        service, job, events = body["applications"]
        assert service["securedConfiguration"] == [{"key": "SECRET_KEY", "value": "****"}]
        assert service["standardConfiguration"] == [{"key": "STD_KEY", "value": "standard"}]
        # Placeholders of deployments.md: the application's name and the first 8 characters of the Deployment's id.
        assert service["url"] == f"https://service-app-{body['id'][:8]}.{DEFAULT_REGION}.connect.example"
        assert events["topic"] == f"event-app-{body['id'][:8]}"
        assert "topic" not in service and "url" not in events
        assert "url" not in job and "topic" not in job
        assert body["createdAt"] == body["lastModifiedAt"]

    def test_get_by_id_and_by_key(self, client: Client) -> None:
        """GET by id and by key: 200, the Deployment as created."""
        connector(client)
        body = deploy(client, key="dep")
        assert ok(client.get(f"/{PROJECT}/deployments/{body['id']}")) == body
        assert ok(client.get(f"/{PROJECT}/deployments/key=dep")) == body
        assert ok(client.get(f"/{PROJECT}/deployments/key=dep/")) == body

    def test_query_pages_sorts_and_filters(self, client: Client, mock: Mock) -> None:
        """GET /{projectKey}/deployments: 200, a page with limit, offset, count and total; sort, deploymentType and
        integrationTypes."""
        erp = connector(client, "erp-conn", integrationTypes=["erp"])
        crm = connector(client, "crm-conn", integrationTypes=["crm"])
        made = []
        for cid, kind, staged in ((erp, "sandbox", False), (crm, "preview", True), (erp, "production", False)):
            mock.clock.advance(1)
            made.append(deploy(client, type=kind, connector={"id": cid, "staged": staged})["id"])
        page = ok(client.get(f"/{PROJECT}/deployments"))
        assert {k: page[k] for k in ("limit", "offset", "count", "total")} == {
            "limit": 20, "offset": 0, "count": 3, "total": 3,
        }  # fmt: skip
        assert [r["id"] for r in page["results"]] == made
        second = ok(client.get(f"/{PROJECT}/deployments", params={"limit": 1, "offset": 1}))
        assert ([r["id"] for r in second["results"]], second["count"], second["total"]) == ([made[1]], 1, 3)
        newest = ok(client.get(f"/{PROJECT}/deployments", params={"sort": "createdAt desc"}))
        assert [r["id"] for r in newest["results"]] == made[::-1]
        kinds = ok(client.get(f"/{PROJECT}/deployments", params={"deploymentType": "preview"}))
        assert [r["id"] for r in kinds["results"]] == [made[1]]
        types = ok(client.get(f"/{PROJECT}/deployments", params={"integrationTypes": "erp"}))
        assert [r["id"] for r in types["results"]] == [made[0], made[2]]
        both = ok(
            client.get(f"/{PROJECT}/deployments", params=[("integrationTypes", "crm"), ("integrationTypes", "erp")])
        )
        assert both["total"] == 3
        assert ok(client.get(f"/{PROJECT}/deployments?sort=")) == page

    @pytest.mark.parametrize("by_key", [False, True])
    def test_update_redeploys_with_201(self, client: Client, by_key: bool) -> None:
        """POST by id or by key with a redeploy: 201, Queued, one version on, the report cleared."""
        connector(client)
        before = deployed(client, key="dep")
        path = f"/{PROJECT}/deployments/" + ("key=dep" if by_key else before["id"])
        body = ok(redeploy(client, path, before["version"]), 201)
        assert (body["status"], body["version"]) == ("Queued", before["version"] + 1)
        assert "report" in before["details"]["build"] and "report" not in body["details"]["build"]

    @pytest.mark.parametrize("by_key", [False, True])
    def test_delete_answers_202_undeploying(self, client: Client, by_key: bool) -> None:
        """DELETE by id or by key: 202 with the Deployment Undeploying; UndeploySucceeded removes it."""
        connector(client)
        before = deployed(client, key="dep")
        path = f"/{PROJECT}/deployments/" + ("key=dep" if by_key else before["id"])
        body = ok(client.delete(path), 202)
        assert (body["status"], body["version"]) == ("Undeploying", before["version"] + 1)
        gone = ok(event_of(client, before["id"], "UndeploySucceeded"))
        assert gone == body
        error(client.get(path), 404, "ResourceNotFound")

    def test_delete_of_a_failed_deployment_answers_its_last_state_and_it_is_gone(self, client: Client) -> None:
        """DELETE of a Failed Deployment: 202 with it as it was (Failed), and it is gone at once."""
        connector(client)
        id = deploy(client)["id"]
        ok(event_of(client, id, "DeploymentStarted"))
        failed = ok(event_of(client, id, "DeploymentFailed", report=REPORT))
        assert ok(client.delete(f"/{PROJECT}/deployments/{id}"), 202) == failed
        error(client.get(f"/{PROJECT}/deployments/{id}"), 404, "ResourceNotFound")

    def test_delete_takes_a_version(self, client: Client) -> None:
        """A stale ?version= is 409 ConcurrentModification naming both, a malformed one 400, the right one 202."""
        connector(client)
        id = deploy(client, key="dep")["id"]
        body = error(
            client.delete(f"/{PROJECT}/deployments/{id}", params={"version": 5}), 409, "ConcurrentModification"
        )
        assert (body["errors"][0]["expectedVersion"], body["errors"][0]["currentVersion"]) == (5, 1)
        error(client.delete(f"/{PROJECT}/deployments/key=dep", params={"version": "one"}), 400, "InvalidQueryParam")
        error(client.delete(f"/{PROJECT}/deployments/key=dep", params={"version": 2**63}), 400, "InvalidQueryParam")
        assert ok(client.get(f"/{PROJECT}/deployments/{id}"))["status"] == "Queued"
        assert (
            ok(client.delete(f"/{PROJECT}/deployments/key=dep", params={"version": 1}), 202)["status"] == "Undeploying"
        )

    def test_the_official_draft_and_update_examples(self, client: Client, mock: Mock) -> None:
        """The reference's DeploymentDraft and DeploymentUpdate examples work against a connector that fits them
        (its id, an application app-1 with their keys), with the versions the mock is at."""
        draft_example, update_example = fixture("deployment/draft.json"), fixture("deployment/update.json")
        mock.ids.queued = [draft_example["connector"]["id"]]
        app = {
            "applicationName": "app-1", "applicationType": "service",
            "standardConfiguration": [{"key": "CONFIG_KEY", "description": "d"}],
            "securedConfiguration": [{"key": "CONFIG_SECRET_KEY", "description": "d"}],
        }  # fmt: skip
        cid = ok(client.post("/connectors/drafts", json=STAGED_DRAFT), 201)["id"]
        assert cid == draft_example["connector"]["id"]
        act(client, cid, {"action": "publish", "certification": False})
        version = deliver(client, cid, "PublishingSucceeded", configurations=[app])["version"]
        sent = {**draft_example, "connector": {**draft_example["connector"], "version": version}}
        body = ok(client.post(f"/{PROJECT}/deployments", json=sent), 201)
        assert body["key"] == "deployment-key" and body["connector"]["version"] == version
        assert body["applications"][0]["securedConfiguration"] == [{"key": "CONFIG_SECRET_KEY", "value": "****"}]
        ok(event_of(client, body["id"], "DeploymentStarted"))
        at = ok(event_of(client, body["id"], "DeploymentSucceeded"))["version"]
        answer = client.post(f"/{PROJECT}/deployments/key=deployment-key", json={**update_example, "version": at})
        assert ok(answer, 201)["status"] == "Queued"
        assert "config-secret-key-value" not in answer.text


class TestLogs:
    def _with_logs(self, client: Client, mock: Mock, starts: int) -> tuple[str, list[datetime]]:
        """A Deployment of three applications started *starts* times, a minute apart: 3 entries each start."""
        connector(client)
        id = deploy(client, key="dep")["id"]
        times = []
        for n in range(starts):
            mock.clock.advance(60)
            if n:
                version = ok(client.get(f"/{PROJECT}/deployments/{id}"))["version"]
                ok(redeploy(client, f"/{PROJECT}/deployments/{id}", version), 201)
            ok(event_of(client, id, "DeploymentStarted"))
            ok(event_of(client, id, "DeploymentSucceeded"))
            times.append(datetime.fromisoformat(ok(client.get("/__mock__/clock"))["now"]))
        return id, times

    @pytest.mark.parametrize("by_key", [False, True])
    def test_logs_by_id_and_key(self, client: Client, mock: Mock, by_key: bool) -> None:
        """GET .../logs: 200, one APPLICATION_TEXT INFO entry per application per start, at its time; no next."""
        id, (at,) = self._with_logs(client, mock, 1)
        body = ok(client.get(f"/{PROJECT}/deployments/" + ("key=dep" if by_key else id) + "/logs"))
        assert "next" not in body
        assert [(e["applicationName"], e["deploymentId"], e["type"], e["severity"]) for e in body["data"]] == [
            (name, id, "APPLICATION_TEXT", "INFO") for name in NAMES
        ]
        assert {e["timestamp"] for e in body["data"]} == {codec.converter.unstructure(at)}
        assert body["data"][0]["details"] == {"message": "Application service-app started"}

    def test_a_deployment_not_deployed_has_no_logs(self, client: Client) -> None:
        """Queued, nothing started yet: an empty page."""
        connector(client)
        id = deploy(client)["id"]
        assert ok(client.get(f"/{PROJECT}/deployments/{id}/logs")) == {"data": []}

    def test_paging_follows_next_to_the_end(self, client: Client, mock: Mock) -> None:
        """27 entries (nine starts of three applications): 20, then next leads to the last 7, which has no next;
        each entry once, in order."""
        id, _ = self._with_logs(client, mock, 9)
        first = ok(client.get(f"/{PROJECT}/deployments/{id}/logs"))
        assert len(first["data"]) == 20 and isinstance(first["next"], str)
        last = ok(client.get(f"/{PROJECT}/deployments/{id}/logs", params={"pageToken": first["next"]}))
        assert len(last["data"]) == 7 and "next" not in last
        stamps = [e["timestamp"] for e in first["data"] + last["data"]]
        assert stamps == sorted(stamps) and len(stamps) == 27
        by_key = ok(client.get(f"/{PROJECT}/deployments/key=dep/logs", params={"pageToken": first["next"]}))
        assert by_key == last

    def test_filters(self, client: Client, mock: Mock) -> None:
        """applicationName, startDate and endDate (inclusive) filter the entries."""
        id, times = self._with_logs(client, mock, 3)
        path = f"/{PROJECT}/deployments/{id}/logs"
        only_job = ok(client.get(path, params={"applicationName": "job-app"}))["data"]
        assert [e["applicationName"] for e in only_job] == ["job-app"] * 3
        stamp = codec.converter.unstructure(times[1])
        middle = ok(client.get(path, params={"startDate": stamp, "endDate": stamp}))["data"]
        assert [e["timestamp"] for e in middle] == [stamp] * 3
        after = ok(client.get(path, params={"startDate": stamp, "applicationName": "service-app"}))["data"]
        assert [e["timestamp"] for e in after] == [stamp, codec.converter.unstructure(times[2])]
        # A date with an offset is the same instant: +01:00 one hour later on the clock.
        shifted = (times[1] + timedelta(hours=1)).replace(tzinfo=timezone(timedelta(hours=1))).isoformat()
        assert len(ok(client.get(path, params={"endDate": shifted}))["data"]) == 6

    def test_each_log_error(self, client: Client, mock: Mock) -> None:
        """Unknown application, bad dates, a token never issued: each its 400."""
        id, _ = self._with_logs(client, mock, 1)
        path = f"/{PROJECT}/deployments/{id}/logs"
        body = error(client.get(path, params={"applicationName": "nope"}), 400, "DeploymentApplicationDoesNotExist")
        assert body["message"] == "Deployment does not have an application named nope."
        now = datetime.fromisoformat(ok(client.get("/__mock__/clock"))["now"])
        dates = {
            "startDate": codec.converter.unstructure(now),
            "endDate": codec.converter.unstructure(now - timedelta(seconds=1)),
        }
        error(client.get(path, params=dates), 400, "DeploymentLogInvalidDate")
        old = codec.converter.unstructure(now - timedelta(days=30, milliseconds=1))
        assert error(client.get(path, params={"startDate": old}), 400, "DeploymentLogInvalidDate")["message"] == (
            "Invalid start/end date"
        )
        assert ok(client.get(path, params={"startDate": codec.converter.unstructure(now - timedelta(days=30))}))
        body = error(client.get(path, params={"pageToken": "not-a-token"}), 400, "DeploymentLogInvalidPageToken")
        assert body["message"] == "Invalid page token: not-a-token"

    def test_an_aws_deployment_needs_an_application_name(self, client: Client) -> None:
        """A Deployment in an AWS region: logs without applicationName are DeploymentLogMissingApplicationName."""
        connector(client, "conn", f"us-east-2.aws:{PROJECT}")
        id = deploy(client, region="us-east-2.aws")["id"]
        path = f"/{PROJECT}/deployments/{id}/logs"
        error(client.get(path), 400, "DeploymentLogMissingApplicationName")
        assert ok(client.get(path, params={"applicationName": "service-app"})) == {"data": []}

    @pytest.mark.parametrize(
        "query",
        ["startDate=yesterday", "endDate=2024-13-01T00:00:00Z", "startDate=2024-01-01T00:00:00",
         "applicationName=a&applicationName=b", "pageToken=x&pageToken=y", "startDate=2024-01-01T00:00:60Z"],
    )  # fmt: skip
    def test_malformed_parameters_are_invalid_query_params(self, client: Client, query: str) -> None:
        """A date that is not RFC 3339 with a zone, or a parameter given twice, is InvalidQueryParam naming it."""
        connector(client)
        id = deploy(client)["id"]
        body = error(client.get(f"/{PROJECT}/deployments/{id}/logs?{query}"), 400, "InvalidQueryParam")
        assert body["errors"][0]["detailedErrorMessage"].startswith(query.split("=")[0])


class TestEvents:
    def test_each_service_event_moves_the_deployment(self, client: Client) -> None:
        """The mock-only events endpoint: 200 with the Deployment after each event, as deployments.md's table says."""
        connector(client)
        id = deploy(client)["id"]
        assert ok(event_of(client, id, "DeploymentStarted"))["status"] == "Deploying"
        assert ok(event_of(client, id, "DeploymentFailed", report=REPORT))["details"]["build"]["report"] == REPORT
        ok(redeploy(client, f"/{PROJECT}/deployments/{id}", 3), 201)
        ok(event_of(client, id, "DeploymentStarted"))
        assert ok(event_of(client, id, "DeploymentSucceeded", report=INFO))["status"] == "Deployed"
        ok(client.delete(f"/{PROJECT}/deployments/{id}"), 202)
        assert ok(event_of(client, id, "UndeployFailed", report=REPORT))["status"] == "UndeployFailed"

    def test_an_event_the_status_does_not_await_is_refused(self, client: Client) -> None:
        """DeploymentSucceeded while Queued: 400 InvalidOperation naming the event and the status; nothing changes."""
        connector(client)
        created = deploy(client)
        body = error(event_of(client, created["id"], "DeploymentSucceeded"), 400, "InvalidOperation")
        assert "DeploymentSucceeded" in body["message"] and "Queued" in body["message"]
        assert ok(client.get(f"/{PROJECT}/deployments/{created['id']}")) == created

    @pytest.mark.parametrize(
        "body", [b"{not json", b'{"type": "Teleported"}', b'{"type": "DeploymentFailed"}', b"[]", b""]
    )
    def test_a_malformed_event_is_invalid_json_input(self, client: Client, body: bytes) -> None:
        """Not JSON, an unknown type, a failure without its report: 400 InvalidJsonInput."""
        connector(client)
        id = deploy(client)["id"]
        error(client.post(f"/__mock__/{PROJECT}/deployments/{id}/events", content=body), 400, "InvalidJsonInput")

    def test_an_event_for_another_projects_deployment_is_not_found(self, client: Client) -> None:
        """The events endpoint is per project too."""
        connector(client, "conn", f"{DEFAULT_REGION}:{OTHER}")
        id = deploy(client)["id"]
        error(event_of(client, id, "DeploymentStarted", project=OTHER), 404, "ResourceNotFound")


class TestRefusals:
    def test_create_refusals(self, client: Client) -> None:
        """Unknown connector, a wrong type, an unknown application, a used key: each its 400, and nothing created."""
        connector(client)
        deploy(client, key="dep")
        path = f"/{PROJECT}/deployments"
        body = error(client.post(path, json=draft("nope")), 400, "ConnectorReferenceNotFound")
        assert body["message"] == "Connector 'nope' with version 1 not found"
        error(client.post(path, json=draft(type="preview")), 400, "DeploymentInvalidType")
        unknown = [{"applicationName": "nope", "standardConfiguration": [], "securedConfiguration": []}]
        error(client.post(path, json=draft(configurations=unknown)), 400, "DeploymentUnknownApplicationConfiguration")
        body = error(client.post(path, json=draft(key="dep")), 400, "DuplicateField")
        assert (body["errors"][0]["field"], body["errors"][0]["duplicateValue"]) == ("key", "dep")
        assert ok(client.get(path))["total"] == 1

    def test_production_is_refused_where_it_is_disabled(self, client: Client) -> None:
        """The store's production_disabled project: production is DeploymentProductionDeactivated, sandbox is fine."""
        connector(client, "conn", f"{DEFAULT_REGION}:{DISABLED}")
        body = error(
            client.post(f"/{DISABLED}/deployments", json=draft(type="production")),
            400,
            "DeploymentProductionDeactivated",
        )
        assert body["message"].startswith("Deployments to production are disabled for this Project.")
        assert ok(client.post(f"/{DISABLED}/deployments", json=draft(type="sandbox")), 201)["type"] == "sandbox"
        assert ok(client.post(f"/{PROJECT}/deployments", json=draft(type="production")), 201)["type"] == "production"

    def test_redeploy_refusals(self, client: Client) -> None:
        """Already queued, a stale version, an application not in the Deployment: each its error; nothing changes."""
        connector(client)
        created = deploy(client, key="dep")
        path = f"/{PROJECT}/deployments/{created['id']}"
        body = error(redeploy(client, path, 1), 400, "DeploymentInvalidStatusTransition")
        assert body["message"] == "Invalid status change: Already queued"
        error(redeploy(client, path, 7), 409, "ConcurrentModification")
        ok(event_of(client, created["id"], "DeploymentStarted"))
        version = ok(event_of(client, created["id"], "DeploymentSucceeded"))["version"]
        stranger = [{"applicationName": "nope", "standardConfiguration": [], "securedConfiguration": []}]
        error(redeploy(client, path, version, configurationValues=stranger), 400, "DeploymentApplicationDoNotBelong")
        error(redeploy(client, path, version, configurationValues=[]), 400, "DeploymentApplicationRequired")
        assert ok(client.get(path))["version"] == version

    def test_update_connector_after_the_connector_is_deleted(self, client: Client) -> None:
        """The ConnectorStaged deleted: its Deployment stays; a redeploy with updateConnector is
        ConnectorReferenceNotFound, one without it is accepted."""
        cid = connector(client)
        before = deployed(client)
        ok(client.delete(f"/connectors/drafts/{cid}"))
        path = f"/{PROJECT}/deployments/{before['id']}"
        assert ok(client.get(path)) == before
        error(redeploy(client, path, before["version"], updateConnector=True), 400, "ConnectorReferenceNotFound")
        assert ok(redeploy(client, path, before["version"]), 201)["status"] == "Queued"

    def test_another_projects_deployment_is_not_found(self, client: Client) -> None:
        """A Deployment of OTHER is 404 under PROJECT on every endpoint, and each project lists only its own."""
        connector(client, "conn", f"{DEFAULT_REGION}:{OTHER}")
        theirs = deploy(client, OTHER, key="dep")
        mine = deploy(client, key="dep")
        for answer in (
            client.get(f"/{PROJECT}/deployments/{theirs['id']}"),
            client.get(f"/{PROJECT}/deployments/{theirs['id']}/logs"),
            redeploy(client, f"/{PROJECT}/deployments/{theirs['id']}", 1),
            client.delete(f"/{PROJECT}/deployments/{theirs['id']}"),
        ):
            error(answer, 404, "ResourceNotFound")
        assert ok(client.get(f"/{PROJECT}/deployments/key=dep"))["id"] == mine["id"]
        assert [r["id"] for r in ok(client.get(f"/{OTHER}/deployments"))["results"]] == [theirs["id"]]


_MISSING: Final = [
    ("GET", f"/{PROJECT}/deployments/nope"),
    ("GET", f"/{PROJECT}/deployments/key=nope"),
    ("POST", f"/{PROJECT}/deployments/nope"),
    ("POST", f"/{PROJECT}/deployments/key=nope"),
    ("DELETE", f"/{PROJECT}/deployments/nope"),
    ("DELETE", f"/{PROJECT}/deployments/key=nope"),
    ("GET", f"/{PROJECT}/deployments/nope/logs"),
    ("GET", f"/{PROJECT}/deployments/key=nope/logs"),
    ("POST", f"/__mock__/{PROJECT}/deployments/nope/events"),
]
_BODIES: Final = {"POST": {"version": 1, "actions": [{"action": "redeploy"}]}}


class TestTheEdge:
    @pytest.mark.parametrize(("method", "path"), _MISSING)
    def test_an_unknown_deployment_is_a_404_envelope(self, client: Client, method: str, path: str) -> None:
        """An id or key no Deployment of the project has: 404 ResourceNotFound naming it."""
        body = {"type": "DeploymentStarted"} if "__mock__" in path else _BODIES.get(method)
        answer = client.request(method, path, json=body)
        envelope = error(answer, 404, "ResourceNotFound")
        assert "nope" in envelope["message"]

    @pytest.mark.parametrize("project", ["x", "a b", "p" * 37, "x.y", "%C3%A9t%C3%A9"])
    @pytest.mark.parametrize(
        ("method", "suffix"),
        [("GET", ""), ("POST", ""), ("GET", "/some-id"), ("POST", "/some-id"), ("DELETE", "/key=k"),
         ("GET", "/key=k/logs"), ("GET", "/some-id/logs")],
    )  # fmt: skip
    def test_a_bad_project_key_is_an_invalid_path_param(
        self, client: Client, project: str, method: str, suffix: str
    ) -> None:
        """A {projectKey} that is no project key (2 to 36 of a-z, A-Z, 0-9, - and _) is 400 InvalidPathParam."""
        answer = client.request(method, f"/{urllib.parse.quote(project, safe='%')}/deployments{suffix}", json={})
        body = error(answer, 400, "InvalidPathParam")
        assert body["errors"][0]["detailedErrorMessage"].startswith("projectKey: ")
        events = client.post(f"/__mock__/{urllib.parse.quote(project, safe='%')}/deployments/x/events", json={})
        error(events, 400, "InvalidPathParam")

    @pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
    def test_an_empty_key_is_an_invalid_path_param(self, client: Client, method: str) -> None:
        """key= with no key is InvalidPathParam, never looked up as an id; on the logs too."""
        body = error(client.request(method, f"/{PROJECT}/deployments/key=", json={}), 400, "InvalidPathParam")
        assert "key" in body["errors"][0]["detailedErrorMessage"]
        error(client.get(f"/{PROJECT}/deployments/key=/logs"), 400, "InvalidPathParam")

    @pytest.mark.parametrize(
        ("path", "body"),
        [("/deployments", b"{not json"), ("/deployments", b'{"connector": {}, "configurations": [], "region": "x"}'),
         ("/deployments", b'{"connector": {"id": "id-1"}, "region": "europe-west1.gcp"}'),
         ("/deployments/key=dep", b'{"version": "1", "actions": []}'),
         ("/deployments/key=dep", b'{"version": 1, "actions": [{"action": "setName"}]}'),
         ("/deployments/key=dep", b"\xef\xbb\xbf\x80"), ("/deployments/id-2", b"[]")],
    )  # fmt: skip
    def test_a_malformed_body_is_invalid_json_input(self, client: Client, path: str, body: bytes) -> None:
        """Not JSON, the wrong shape, a missing field, an unknown action: 400 InvalidJsonInput, and no change."""
        connector(client)
        created = deploy(client, key="dep")
        answer = error(client.post(f"/{PROJECT}{path}", content=body), 400, "InvalidJsonInput")
        assert answer["errors"][0]["detailedErrorMessage"]
        assert ok(client.get(f"/{PROJECT}/deployments")) == {
            "limit": 20, "offset": 0, "count": 1, "total": 1, "results": [created],
        }  # fmt: skip

    def test_the_shape_errors_name_their_paths(self, client: Client) -> None:
        """A draft without connector id or key, and of a bad region, names both."""
        answer = client.post(f"/{PROJECT}/deployments", json={"connector": {}, "configurations": [], "region": "mars"})
        detail = error(answer, 400, "InvalidJsonInput")["errors"][0]["detailedErrorMessage"]
        assert "connector" in detail and "region" in detail

    @pytest.mark.parametrize(
        "query",
        ["limit=501", "limit=-1", "limit=ten", "offset=10001", "sort=name+asc", "sort=colour+asc",
         "integrationTypes=fax", "deploymentType=staging", "deploymentType=preview&deploymentType=sandbox",
         f"limit={'9' * 30}"],
    )  # fmt: skip
    def test_bad_query_parameters(self, client: Client, query: str) -> None:
        """An out-of-range or malformed query parameter is InvalidQueryParam naming it."""
        body = error(client.get(f"/{PROJECT}/deployments?{query}"), 400, "InvalidQueryParam")
        assert body["errors"][0]["message"] == "Request query param is not valid"
        assert body["errors"][0]["detailedErrorMessage"].startswith(query.split("=")[0])

    def test_every_bad_parameter_is_named(self, client: Client) -> None:
        """Several bad parameters are named together; unknown ones are ignored."""
        detail = error(
            client.get(f"/{PROJECT}/deployments?limit=x&deploymentType=y&sort=name+asc&integrationTypes=z"),
            400,
            "InvalidQueryParam",
        )["errors"][0]["detailedErrorMessage"]
        for name in ("limit", "deploymentType", "sort[0]", "integrationTypes[0]"):
            assert name in detail, name
        assert ok(client.get(f"/{PROJECT}/deployments?where=x&expand=y"))["total"] == 0

    @pytest.mark.parametrize(
        ("method", "path", "allow"),
        [
            ("PUT", f"/{PROJECT}/deployments", "GET, HEAD, POST"),
            ("DELETE", f"/{PROJECT}/deployments", "GET, HEAD, POST"),
            ("PATCH", f"/{PROJECT}/deployments/some-id", "DELETE, GET, HEAD, POST"),
            ("PUT", f"/{PROJECT}/deployments/key=k", "DELETE, GET, HEAD, POST"),
            ("POST", f"/{PROJECT}/deployments/some-id/logs", "GET, HEAD"),
            ("DELETE", f"/{PROJECT}/deployments/key=k/logs", "GET, HEAD"),
            ("GET", f"/__mock__/{PROJECT}/deployments/some-id/events", "POST"),
        ],
    )
    def test_unsupported_method_is_405_with_allow(self, client: Client, method: str, path: str, allow: str) -> None:
        """A method a Deployment path does not answer is 405 with Allow and an ErrorResponse naming both."""
        answer = client.request(method, path)
        body = error(answer, 405, "MethodNotAllowed")
        assert answer.headers["allow"] == allow
        assert method in body["message"] and path in body["message"]

    def test_the_correlation_id_is_echoed_or_made(self, client: Client) -> None:
        """X-Correlation-ID comes back as sent on a success and on a refusal; without one, a new one each time."""
        connector(client)
        created = client.post(f"/{PROJECT}/deployments", json=draft(), headers={"X-Correlation-ID": "trace-1"})
        assert created.status_code == 201 and created.headers["x-correlation-id"] == "trace-1"
        refused = client.get(f"/{PROJECT}/deployments/nope/logs", headers={"X-Correlation-ID": "trace-2"})
        assert refused.status_code == 404 and refused.headers["x-correlation-id"] == "trace-2"
        first, second = client.get(f"/{PROJECT}/deployments"), client.get(f"/{PROJECT}/deployments")
        assert first.headers["x-correlation-id"] != second.headers["x-correlation-id"]
        assert first.headers["x-correlation-id"].startswith("mock-")

    def test_secured_values_are_never_in_clear(self, client: Client) -> None:
        """The secret sent at create and at redeploy: "****" in every answer (the client's hook checks each body)."""
        connector(client)
        global_secret = {"securedConfiguration": [{"key": "GLOBAL_SECRET", "value": SECRET}]}
        before = deployed(client, key="dep", globalConfiguration=global_secret)
        assert before["globalConfiguration"] == {"securedConfiguration": [{"key": "GLOBAL_SECRET", "value": "****"}]}
        other_secret = "another-" + SECRET[::-1]
        values = [{**VALUES[0], "securedConfiguration": [{"key": "SECRET_KEY", "value": other_secret}]}]
        path = f"/{PROJECT}/deployments/{before['id']}"
        answers = [
            redeploy(client, path, before["version"], configurationValues=values),
            client.get(path),
            client.get(f"/{PROJECT}/deployments/key=dep"),
            client.get(f"/{PROJECT}/deployments"),
            client.get(f"{path}/logs"),
            event_of(client, before["id"], "DeploymentStarted"),
            client.delete(path),
        ]
        for answer in answers:
            assert answer.status_code < 300 and other_secret not in answer.text
        final = ok(client.get(path))
        assert final["applications"][0]["securedConfiguration"] == [{"key": "SECRET_KEY", "value": "****"}]
        # A refusal does not quote a secured value either.
        wrong = [{**VALUES[0], "securedConfiguration": [{"key": "NOPE", "value": other_secret}]}]
        refused = client.post(f"/{PROJECT}/deployments", json=draft(configurations=wrong))
        error(refused, 400, "DeploymentUnknownApplicationConfigurationKey")
        assert other_secret not in refused.text and "NOPE" in refused.text


# --- A property: random sequences of requests ----------------------------------------------------


def _record(result: Stored[Any] | DomainError) -> Any:
    return None if isinstance(result, DomainError) else dict(result.record)


def snapshot(store: Store) -> str:
    """What every read of the mock answers about Deployments (and the connector), as canonical JSON text."""
    state: dict[str, Any] = {"now": store.now().isoformat()}
    for project in (PROJECT, OTHER):
        page = store.query_deployments(project, limit=LIMIT_MAX)
        assert not isinstance(page, DomainError)
        state[project] = [dict(s.record) for s in page.results]
        state[f"{project} keys"] = {key: _record(store.deployment_by_key(project, key)) for key in ("dep-a", "dep-b")}
        for stored in page.results:
            logs = store.deployment_logs(project, id=stored.resource.id, application_name="service-app")
            state[f"logs {stored.resource.id}"] = repr(logs)
    state["staged"] = _record(store.get("id-1"))
    state["connector"] = _record(store.connector("id-1"))
    return json.dumps(state, sort_keys=True, default=repr)


def _seed(mock: Mock, setup: httpx.Client) -> None:
    """The connector (id-1, key conn, listing OTHER too) and one Deployment (id-2, key dep-a)."""
    mock.store.reset()
    mock.ids.count, mock.ids.queued = 0, []
    make_connector(setup, "conn", f"{DEFAULT_REGION}:{OTHER}")
    assert setup.post(f"/{PROJECT}/deployments", json=draft(key="dep-a")).status_code == 201


_projects = st.sampled_from([PROJECT, PROJECT, PROJECT, PROJECT, PROJECT, OTHER, "x", "bad key"])
#: The seeded Deployment (id-2, key dep-a), those the next creates make (each takes five ids), and others.
_targets = st.sampled_from(["id-2", "id-2", "key=dep-a", "key=dep-b", "id-7", "id-12", "nope", "key="])
#: The events endpoint has no key= form.
_ids = st.sampled_from(["id-2", "id-2", "id-2", "id-7", "id-12", "nope"])
_any_drafts = st.fixed_dictionaries(
    {
        "connector": st.sampled_from([{"id": "id-1"}, {"id": "id-1"}, {"key": "conn", "staged": True},
                                      {"id": "nope", "version": 0}, {"key": "conn", "version": 3}, {}]),
        "configurations": st.sampled_from([VALUES, VALUES, [], [{"applicationName": "nope",
                                           "standardConfiguration": [], "securedConfiguration": []}], "x"]),
        "region": st.sampled_from([DEFAULT_REGION, DEFAULT_REGION, DEFAULT_REGION, "us-east-2.aws", "mars"]),
    },
    optional={"key": st.sampled_from(["dep-a", "dep-b", "x"]), "type": st.sampled_from(["preview", "sandbox",
                                                                                       "production", "other"])},
)  # fmt: skip
#: Mostly drafts the mock accepts (a sandbox, a production, a preview, by id or key), else drafts of any kind.
_drafts = st.one_of(
    st.sampled_from([draft(), draft(key="dep-b"), draft(type="production"),
                     draft(connector={"key": "conn", "staged": True})]),
    _any_drafts,
)  # fmt: skip
_redeploys = st.fixed_dictionaries(
    {"action": st.sampled_from(["redeploy"] * 5 + ["setName"])},
    optional={
        "configurationValues": st.sampled_from([VALUES, VALUES, [], None]),
        "updateConnector": st.booleans(),
        "skipScripts": st.sampled_from([True, False, False, "yes"]),
    },
)
_updates = st.fixed_dictionaries(
    {
        "version": st.sampled_from([1, 1, 2, 2, 3, 3, 4, 0, "1", 2**63]),
        "actions": st.lists(_redeploys, min_size=1, max_size=2) | st.just([]),
    }
)
_events = st.sampled_from(
    [{"type": "DeploymentStarted"}, {"type": "DeploymentSucceeded"}, {"type": "DeploymentFailed", "report": REPORT},
     {"type": "UndeploySucceeded"}, {"type": "UndeployFailed", "report": REPORT}, {"type": "DeploymentFailed"},
     {"type": "Nope"}]
)  # fmt: skip
_junk = st.sampled_from([b"", b"{", b"null", b"[]", b"\x80", b'{"version": 1e999}'])
#: Query strings for a page of Deployments, for logs, for a delete; mostly none.
_queries = {
    "query": ["", "", "limit=1", "limit=501", "offset=x", "sort=version+desc", "sort=name+asc",
              "deploymentType=preview", "integrationTypes=fax", "integrationTypes=other"],
    "logs": ["", "", "applicationName=job-app", "applicationName=nope", "pageToken=x",
             "startDate=2023-01-01T00:00:00Z", "endDate=2024-01-01T00:00:00Z", "startDate=x"],
    "delete": ["", "", "version=1", "version=2", "version=x"],
}  # fmt: skip


def _json(documents: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """JSON bodies of *documents*, and now and then one that is not."""
    encoded = documents.map(lambda d: json.dumps(d).encode())
    return st.one_of(encoded, encoded, encoded, _junk)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """One request of a Deployment endpoint: a method, a path with its query string, a body fit for the endpoint
    (mostly)."""
    project, target = urllib.parse.quote(draw(_projects)), draw(_targets)
    kind = draw(st.sampled_from(["create", "create", "query", "get", "update", "update", "delete", "logs",
                                 "event", "event", "other"]))  # fmt: skip
    query = draw(st.sampled_from(_queries.get(kind, [""])))
    method, path, body = {
        "create": ("POST", f"/{project}/deployments", _json(_drafts)),
        "query": ("GET", f"/{project}/deployments", st.just(b"")),
        "get": ("GET", f"/{project}/deployments/{target}", st.just(b"")),
        "update": ("POST", f"/{project}/deployments/{target}", _json(_updates)),
        "delete": ("DELETE", f"/{project}/deployments/{target}", st.just(b"")),
        "logs": ("GET", f"/{project}/deployments/{target}/logs", st.just(b"")),
        "event": ("POST", f"/__mock__/{project}/deployments/{draw(_ids)}/events", _json(_events)),
        "other": (draw(st.sampled_from(["PUT", "PATCH"])), f"/{project}/deployments/{target}", _json(_drafts)),
    }[kind]
    return method, f"{path}?{query}" if query else path, draw(body)


@pytest.fixture(scope="module")
def checked(mock: Mock, plain: httpx.Client) -> Iterator[Client]:
    """One checked client for every example of the property."""
    with Client(mock.url, plain) as client:
        yield client


@heavy
@given(sequence=st.lists(requests(), min_size=1, max_size=8))
def test_no_sequence_of_requests_breaks_the_deployment_endpoints(
    mock: Mock, checked: Client, sequence: list[tuple[str, str, bytes]]
) -> None:
    """Whatever Deployment requests come, in any order: no 5xx, an ErrorResponse for each error, X-Correlation-ID
    on every answer, a schema-valid body for each success, no clear secret; a refused request changes no read."""
    _seed(mock, checked.setup)
    for method, path, body in sequence:
        before = snapshot(mock.store)
        answer = checked.request(method, path, content=body)
        event(f"{method} {answer.status_code}")
        assert answer.status_code < 500, answer.text[:500]
        assert answer.headers.get("x-correlation-id")
        if answer.status_code >= 400:
            envelope = answer.json()
            assert envelope["statusCode"] == answer.status_code and envelope["errors"][0]["code"], envelope
            assert snapshot(mock.store) == before, (method, path, body, answer.text[:500])
