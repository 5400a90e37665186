"""The network guard (``guard.cjs``) that every Node process of the suite starts with.

It must refuse whatever would leave the machine (a connection to another
address, a DNS lookup of a real name) with its own error, and let loopback
through. The CLI, run as the other tests run it, must be refused too when it
reaches for the real Connect API or its auth service.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.interop

REFUSED = [
    "net.connect to 10.255.255.1",
    "net.connect to 2001:db8::1",
    "net.connect to the Connect API's host",
    "tls.connect to the auth host",
    "fetch of the Connect API",
    "fetch of the auth service",
    "https.get of the npm registry",
    "http.get of 10.255.255.1",
    "dns.lookup of registry.npmjs.org",
    "dns.promises.lookup of commercetools.com",
    "dns.resolve4 of commercetools.com",
    "dns.Resolver of commercetools.com",
    "dns.reverse of 8.8.8.8",
    "UDP datagram to 8.8.8.8",
]
ALLOWED = {
    "fetch of the mock at 127.0.0.1": {"refused": False, "answer": 200},
    "fetch of the mock at localhost": {"refused": False, "answer": 200},
    "http.get of the mock": {"refused": False, "status": 200},
    "dns.lookup of localhost": {"refused": False, "answer": ["127.0.0.1", 4]},
}


@pytest.fixture(scope="module")
def probes(node_script, mock_url):
    """What each probe of guard_probe.cjs met, from one run of it."""
    result = node_script("guard_probe.cjs", mock_url, timeout=120).succeeded()
    answers: dict[str, dict[str, object]] = json.loads(result.stdout)
    assert sorted(answers) == sorted([*REFUSED, *ALLOWED])
    return answers


@pytest.mark.parametrize("probe", REFUSED)
def test_the_guard_refuses(probes, probe):
    """A way out of the machine fails with the guard's own error."""
    answer = probes[probe]
    assert answer["refused"] is True, answer
    assert answer["code"] == "EINTEROPGUARD", answer
    assert str(answer["message"]).startswith("interop guard: refused "), answer


@pytest.mark.parametrize("probe", sorted(ALLOWED))
def test_the_guard_lets_loopback_through(probes, probe):
    """Loopback, by address or as localhost, still works."""
    assert probes[probe] == ALLOWED[probe]


def test_the_cli_cannot_reach_the_real_connect_api(cli):
    """The CLI without CTP_CLI_CONNECT_API_URL is refused the real Connect API."""
    # Without CTP_CLI_CONNECT_API_URL the CLI calls https://connect.{region}.commercetools.com.
    result = cli.connect("connectorstaged", "list", env={"CTP_CLI_CONNECT_API_URL": None})
    refusal = "interop guard: refused connection to connect.europe-west1.gcp.commercetools.com:443"
    assert result.returncode != 0, str(result)
    assert refusal in result.stderr, str(result)


def test_the_cli_cannot_reach_the_auth_service(cli, expired_home):
    """The CLI with an expired stored token is refused the auth service."""
    # A stored token that expired sends the CLI to https://auth.{region}.commercetools.com first.
    result = cli.connect("connectorstaged", "list", home=expired_home)
    refusal = "interop guard: refused connection to auth.europe-west1.gcp.commercetools.com:443"
    assert result.returncode != 0, str(result)
    assert refusal in result.stderr, str(result)


def test_the_cli_needs_no_auth_traffic_with_the_stored_token(cli):
    """With the hand-written credentials the CLI talks to the mock only."""
    result = cli.connect("connectorstaged", "list").succeeded()
    assert "interop guard" not in result.stderr, str(result)
