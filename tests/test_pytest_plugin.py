"""The pytest plugin and the harness: a user's test gets a running mock with no set-up."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from connector_domain import PublishingSucceeded
from connector_domain.deployment import DeploymentStarted
from connector_domain.mock import Manual
from connector_domain.mock.harness import running_mock
from connector_domain.mock.simulation import DEFAULT_DECLARATIONS

pytest_plugins = ["pytester"]

DRAFT = {
    "key": "my-connector",
    "name": "My connector",
    "creator": {"email": "jane.doe@example.com"},
    "repository": {"url": "git@github.com:example/my-connector.git", "tag": "v1.0.0"},
}


def test_a_users_test_gets_a_running_mock_from_the_fixture(pytester: pytest.Pytester) -> None:
    """A test file that only names connect_mock talks to a live mock, and the simulated service answers."""
    pytester.makepyfile(
        f"""
        import httpx

        def test_publish(connect_mock):
            assert connect_mock.url.startswith("http://127.0.0.1:")
            created = httpx.post(f"{{connect_mock.url}}/connectors/drafts", json={DRAFT!r})
            assert created.status_code == 201
            body = {{"version": 1, "actions": [{{"action": "publish", "certification": False}}]}}
            assert httpx.post(f"{{connect_mock.url}}/connectors/drafts/key=my-connector", json=body).status_code == 201
            connect_mock.advance(1)
            staged = httpx.get(f"{{connect_mock.url}}/connectors/drafts/key=my-connector").json()
            assert staged["status"] == "Published"

        def test_each_test_starts_empty(connect_mock):
            assert httpx.get(f"{{connect_mock.url}}/connectors/drafts").json()["total"] == 0

        def test_the_shared_mock_is_emptied(connect_mock_shared):
            assert httpx.get(f"{{connect_mock_shared.url}}/connectors/drafts").json()["total"] == 0
            httpx.post(f"{{connect_mock_shared.url}}/connectors/drafts", json={DRAFT!r})

        def test_the_shared_mock_is_emptied_again(connect_mock_shared):
            assert httpx.get(f"{{connect_mock_shared.url}}/connectors/drafts").json()["total"] == 0
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_the_plugin_is_registered_by_entry_point(pytester: pytest.Pytester) -> None:
    """The installed package names the plugin in its pytest11 entry points."""
    from importlib.metadata import entry_points

    names = {ep.value for ep in entry_points(group="pytest11")}
    assert "connector_domain.mock.pytest_plugin" in names
    pytester.makepyfile("def test_listed(connect_mock_session):\n    assert connect_mock_session.url\n")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_context_manager_outside_pytest() -> None:
    """running_mock serves a mock for the block, with manual events and a clock of its own, and stops it."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with running_mock(simulation=Manual(), start=start) as mock:
        created = httpx.post(f"{mock.url}/connectors/drafts", json=DRAFT).json()
        body = {"version": 1, "actions": [{"action": "publish", "certification": False}]}
        httpx.post(f"{mock.url}/connectors/drafts/{created['id']}", json=body)
        assert mock.advance(3600) == datetime(2024, 1, 1, 1, tzinfo=UTC)
        assert mock.staged(created["id"]).status.value == "Processing"
        assert mock.deliver(created["id"], PublishingSucceeded())["status"] == "Published"
        mock.reset()
        with pytest.raises(KeyError):
            mock.staged(created["id"])
        url = mock.url
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/connectors/drafts", timeout=2)


def test_the_harness_deploys_at_once_and_delivers_deployment_events() -> None:
    """INSTANT builds a Deployment by the next read; Manual leaves it Queued until its events are delivered."""
    draft = {**DRAFT, "privateProjects": ["europe-west1.gcp:mock-project"]}
    deployment = {"connector": {"key": "my-connector"}, "configurations": [], "region": "europe-west1.gcp"}
    publish = {"version": 1, "actions": [{"action": "publish", "certification": False}]}
    with running_mock() as mock:
        httpx.post(f"{mock.url}/connectors/drafts", json=draft)
        httpx.post(f"{mock.url}/connectors/drafts/key=my-connector", json=publish)
        created = httpx.post(f"{mock.url}/mock-project/deployments", json=deployment).json()
        assert created["status"] == "Queued"
        assert mock.deployment(created["id"]).status.value == "Deployed"
    with running_mock(simulation=Manual()) as mock:
        staged = httpx.post(f"{mock.url}/connectors/drafts", json=draft).json()
        httpx.post(f"{mock.url}/connectors/drafts/key=my-connector", json=publish)
        # A manual event brings what connect.yaml declares, or the connector has nothing to deploy.
        mock.deliver(staged["id"], PublishingSucceeded(configurations=DEFAULT_DECLARATIONS.configurations))
        created = httpx.post(f"{mock.url}/mock-project/deployments", json=deployment).json()
        mock.advance(3600)
        assert mock.deployment(created["id"]).status.value == "Queued"
        assert mock.deliver_deployment(created["id"], DeploymentStarted())["status"] == "Deploying"
        with pytest.raises(ValueError, match="DeploymentStarted"):
            mock.deliver_deployment(created["id"], DeploymentStarted())
        with pytest.raises(KeyError):
            mock.deployment(created["id"], project="other-project")


def test_the_harness_serves_a_mock_that_checks_tokens() -> None:
    """running_mock(auth=True): 401 without a token, and the token endpoint gives one that admits the call."""
    with running_mock(auth=True) as mock:
        assert httpx.get(f"{mock.url}/connectors/drafts").status_code == 401
        token = httpx.post(
            f"{mock.url}/oauth/token", data={"grant_type": "client_credentials"}, auth=("my-client", "my-secret")
        ).json()["access_token"]
        listed = httpx.get(f"{mock.url}/connectors/drafts", headers={"Authorization": f"Bearer {token}"})
        assert listed.status_code == 200 and listed.json()["total"] == 0
