"""The token endpoint's state: client credentials in, opaque tokens that expire out, and the grant behind one."""

from __future__ import annotations

import base64
import itertools
import re
import urllib.parse
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_domain.authorization import Scope
from connector_domain.mock.clock import SimulatedClock
from connector_domain.mock.identity import Client, Grant, OAuthError, Tokens, parse_client

START = datetime(2026, 1, 1, tzinfo=UTC)


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def tokens(*clients: Client, clock: SimulatedClock | None = None, **kwargs: object) -> Tokens:
    counter = itertools.count(1)
    return Tokens(
        clock=clock or SimulatedClock(START),
        project="mock-project",
        clients=clients,
        token=lambda: f"token-{next(counter)}",
        **kwargs,  # type: ignore[arg-type]
    )


def issued(answer: tuple[str, Grant] | OAuthError) -> tuple[str, Grant]:
    assert not isinstance(answer, OAuthError), answer
    return answer


def refused(answer: tuple[str, Grant] | OAuthError) -> OAuthError:
    assert isinstance(answer, OAuthError), answer
    return answer


def test_any_client_gets_the_scopes_it_asks_for_or_the_default_project() -> None:
    mock = tokens()
    token, grant = issued(mock.request(form(grant_type="client_credentials"), basic("any", "thing")))
    assert grant.scope == "manage_project:mock-project" and grant.project == "mock-project"
    assert grant.expires_at == START + timedelta(hours=48)
    asked = "view_connectors:shop-eu manage_connectors_deployments:shop-eu"
    _, grant = issued(mock.request(form(grant_type="client_credentials", scope=asked), basic("any", "thing")))
    assert grant.scope == asked and grant.project == "shop-eu"
    assert mock.grant(f"Bearer {token}") is not None


def test_credentials_in_the_form_work_as_basic_does() -> None:
    mock = tokens(Client("ci", "s3cret", (Scope("view_connectors", "p1"),)))
    _, grant = issued(mock.request(form(grant_type="client_credentials", client_id="ci", client_secret="s3cret"), None))
    assert grant.client_id == "ci" and grant.scope == "view_connectors:p1"


@pytest.mark.parametrize(
    ("body", "authorization", "status", "error"),
    [
        (form(scope="view_connectors:p1"), basic("ci", "s3cret"), 400, "invalid_request"),
        (form(grant_type="password"), basic("ci", "s3cret"), 400, "unsupported_grant_type"),
        (form(grant_type="client_credentials"), basic("ci", "wrong"), 401, "invalid_client"),
        (form(grant_type="client_credentials"), basic("nobody", "s3cret"), 401, "invalid_client"),
        (form(grant_type="client_credentials"), None, 401, "invalid_client"),
        (form(grant_type="client_credentials"), "Basic !!!", 401, "invalid_client"),
        (form(grant_type="client_credentials"), "Bearer abc", 401, "invalid_client"),
        (form(grant_type="client_credentials", scope="manage_project:p1"), basic("ci", "s3cret"), 400, "invalid_scope"),
        (form(grant_type="client_credentials", scope="nonsense"), basic("ci", "s3cret"), 400, "invalid_scope"),
        (
            form(grant_type="client_credentials", client_id="ci", client_secret="s3cret"),
            basic("ci", "s3cret"),
            400,
            "invalid_request",
        ),
        (b"grant_type=client_credentials&grant_type=client_credentials", basic("ci", "s3cret"), 400, "invalid_request"),
        (b"\xff\xfe", basic("ci", "s3cret"), 400, "invalid_request"),
    ],
)
def test_a_bad_request_answers_the_oauth_error(body: bytes, authorization: str | None, status: int, error: str) -> None:
    mock = tokens(Client("ci", "s3cret", (Scope("view_connectors", "p1"),)))
    answer = refused(mock.request(body, authorization))
    assert (answer.status, answer.error) == (status, error)
    assert answer.body["error"] == error and answer.body["statusCode"] == status
    code = "AuthenticationError" if error == "invalid_client" else error
    assert answer.body["errors"] == [{"code": code, "message": answer.description}]
    assert len(mock) == 0


@given(st.text(max_size=30))
def test_an_error_description_keeps_to_the_characters_rfc_6749_allows(sent: str) -> None:
    """Whatever grant type was sent, the description quoting it is printable ASCII without a quote or a backslash.

    RFC 6749, 5.2: error_description "MUST NOT include characters outside the set %x20-21 / %x23-5B / %x5D-7E";
    the others are percent-encoded, so the text still says what was sent.
    """
    answer = refused(tokens().request(form(grant_type=f"x{sent}"), basic("a", "b")))
    assert answer.error == "unsupported_grant_type"
    assert re.fullmatch(r"[\x20\x21\x23-\x5B\x5D-\x7E]*", answer.body["error_description"])
    assert urllib.parse.unquote(answer.description) == f"The grant type {f'x{sent}'!r} is not supported."


def test_a_description_percent_encodes_what_it_may_not_hold() -> None:
    answer = OAuthError(400, "invalid_request", 'a "b" \\ 100% \x1f é')
    assert answer.description == "a %22b%22 %5C 100%25 %1F %C3%A9"
    assert answer.body["error_description"] == answer.body["message"] == answer.description


def test_scopes_of_two_projects_make_no_token() -> None:
    answer = refused(
        tokens().request(
            form(grant_type="client_credentials", scope="view_connectors:p1 view_connectors:p2"), basic("a", "b")
        )
    )
    assert answer.error == "invalid_scope" and "one project" in answer.description


def test_a_token_expires_with_the_mocks_clock() -> None:
    clock = SimulatedClock(START)
    mock = tokens(clock=clock)
    token, _ = issued(mock.request(form(grant_type="client_credentials"), basic("a", "b")))
    clock.advance(48 * 3600 - 1)
    assert mock.grant(f"Bearer {token}") is not None
    clock.advance(1)
    assert mock.grant(f"Bearer {token}") is None
    issued(mock.request(form(grant_type="client_credentials"), basic("a", "b")))
    assert len(mock) == 1, "issuing a token forgets the expired ones"


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic token-1", "token-1", "Bearer token-2"])
def test_only_a_bearer_token_the_mock_issued_has_a_grant(header: str | None) -> None:
    mock = tokens()
    issued(mock.request(form(grant_type="client_credentials"), basic("a", "b")))
    assert mock.grant(header) is None
    assert mock.grant("bearer token-1") is not None


@given(st.integers(min_value=1, max_value=40))
def test_the_tokens_held_stay_within_the_bound(requests: int) -> None:
    """For any number of requests: at most max_tokens are held, the newest; the oldest are forgotten first."""
    mock = tokens(max_tokens=5)
    made = [issued(mock.request(form(grant_type="client_credentials"), basic("a", "b")))[0] for _ in range(requests)]
    assert len(mock) == min(requests, 5)
    assert [t for t in made if mock.grant(f"Bearer {t}") is not None] == made[-5:]


def test_parse_client_reads_id_secret_and_scopes() -> None:
    client = parse_client("ci:s3cret:view_connectors:p1 manage_connectors:p1")
    assert client == Client("ci", "s3cret", (Scope("view_connectors", "p1"), Scope("manage_connectors", "p1")))
    bad_clients = [
        "ci",
        "ci:s3cret",
        "ci:s3cret:",
        ":s:view_connectors:p1",
        "ci::view_connectors:p1",
        "ci:s:bogus:p1",
        "ci:s:view_connectors:p1 view_connectors:p2",
    ]
    for bad in bad_clients:
        with pytest.raises(ValueError):
            parse_client(bad)


def test_bad_credentials_are_refused_before_the_scope_is_read() -> None:
    """A client that cannot authenticate learns nothing of the scopes: 401, whatever it asked for."""
    mock = tokens(Client("ci", "s3cret", (Scope("view_connectors", "p1"),)))
    answer = refused(mock.request(form(grant_type="client_credentials", scope="nonsense"), basic("ci", "wrong")))
    assert (answer.status, answer.error) == (401, "invalid_client")


def test_without_expiry_a_token_keeps_naming_its_project() -> None:
    """Tokens(expire=False), the mock without --auth: a clock days ahead does not change who the caller is."""
    clock = SimulatedClock(START)
    mock = tokens(clock=clock, expire=False)
    token, _ = issued(mock.request(form(grant_type="client_credentials", scope="view_connectors:p1"), basic("a", "b")))
    clock.advance(30 * 24 * 3600)
    issued(mock.request(form(grant_type="client_credentials"), basic("a", "b")))
    grant = mock.grant(f"Bearer {token}")
    assert grant is not None and grant.project == "p1"
