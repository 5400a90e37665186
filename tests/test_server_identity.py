"""Identity and tenancy in the mock, over real HTTP (mock-service.md, "Identity and tenancy", "Connector search").

- **The token endpoint** (``POST /oauth/token``): client credentials by form
  or by HTTP Basic, the token answer of RFC 6749 (5.1) and every OAuth error
  (5.2), any client or a fixed set. Its bodies are checked against the RFC's
  schemas written here (``TOKEN_RESPONSE``, ``TOKEN_ERROR``), which
  ``tests/official_schema.py`` applies to every answer of that route.
- **Enforcement** (``auth=True``): every endpoint of
  ``authorization.ENDPOINTS`` answers 401 without a valid token, and for a
  token of each of the six scope names what the facts' table
  (``tests/fixtures/scopes.md``, read by ``tests/scopes_table.py``, not the
  library's table) says: its success status, or 403.
- **Without auth**: who a request acts as (its token's project, its path's,
  the default one; an unknown token counts as none).
- **Tenancy**: drafts, the visibility of production Connectors, Deployments,
  each case an example.
- **Properties**: three projects, each with its token, issue random requests;
  no answer holds an id its caller may not see, and no request changes what
  another project owns. And a Deployment of another project's connector
  takes no version of it its project may not deploy, whatever the owner does.

Every server here runs on a ``SimulatedClock`` with ids from a counter, and
``INSTANT``: the simulated service answers at the next request.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from connector_domain import codec
from connector_domain.actions import ConnectorUpdate, Publish, UpdatePreviewable
from connector_domain.authorization import ENDPOINTS
from connector_domain.deployment.model import DeploymentDraft
from connector_domain.errors import DomainError
from connector_domain.events import PublishingSucceeded
from connector_domain.mock.defaults import DEFAULT_PROJECT, DEFAULT_REGION
from connector_domain.mock.harness import INSTANT
from connector_domain.mock.identity import Client, Tokens, parse_client
from connector_domain.mock.server import create_app, serving
from connector_domain.mock.store import LIMIT_MAX, Manual, SimulatedClock, Store, Stored
from connector_domain.model import ConnectorStagedDraft
from tests import official_schema, scopes_table
from tests.conftest import heavy
from tests.official_schema import checked_client
from tests.tenants import READERS, SEARCHERS, A, B, C

T = TypeVar("T")

START: Final = datetime(2026, 1, 1, tzinfo=UTC)
PROJECTS: Final = (A, B, C)
#: A token lives 48 hours (the commercetools auth service's ``expires_in``).
LIFETIME: Final = 48 * 3600

DRAFT: Final[dict[str, Any]] = {
    "name": "My connector",
    "creator": {"email": "jane.doe@example.com"},
    "repository": {"url": "git@github.com:example/my-connector.git", "tag": "v1.0.0"},
}


def ident(project: str) -> str:
    """The ProjectIdentifier of a project key: ``{region}:{projectKey}``."""
    return f"{DEFAULT_REGION}:{project}"


# --- The RFC 6749 bodies of the token endpoint ---------------------------------------------

#: RFC 6749, appendix A: NQCHAR (a scope token's characters) and the characters of error_description.
_NQCHAR: Final = r"[\x21\x23-\x5B\x5D-\x7E]"
_DESCRIPTION_CHARS: Final = r"[\x20\x21\x23-\x5B\x5D-\x7E]"

#: RFC 6749, 5.1 (and 4.4.3: no refresh token for client credentials), with what the mock promises
#: (mock-service.md): ``token_type`` Bearer, ``expires_in`` and ``scope`` always.
TOKEN_RESPONSE: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in", "scope"],
    "properties": {
        "access_token": {"type": "string", "pattern": r"^[\x20-\x7E]+$"},  # 1*VSCHAR (A.12)
        "token_type": {"const": "Bearer"},
        "expires_in": {"type": "integer", "minimum": 1},
        "scope": {"type": "string", "pattern": rf"^{_NQCHAR}+( {_NQCHAR}+)*$"},  # scope-token *( SP scope-token )
    },
    "not": {"required": ["refresh_token"]},
}

#: RFC 6749, 5.2: the error codes of a token request, and error_description's characters.
TOKEN_ERROR: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "enum": [
                "invalid_request",
                "invalid_client",
                "invalid_grant",
                "unauthorized_client",
                "unsupported_grant_type",
                "invalid_scope",
            ]
        },
        "error_description": {"type": "string", "pattern": rf"^{_DESCRIPTION_CHARS}*$"},
        "error_uri": {"type": "string"},
    },
}

official_schema.register(official_schema.TOKEN_RESPONSE, TOKEN_RESPONSE)
official_schema.register(official_schema.TOKEN_ERROR, TOKEN_ERROR)


# --- Servers -------------------------------------------------------------------------------


class Ids:
    """Resource ids in creation order, counted from 1 again when a test empties the store."""

    PATTERN: Final = re.compile(r"00000000-0000-4000-8000-\d{12}")

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"00000000-0000-4000-8000-{self.count:012d}"


@dataclass(frozen=True)
class Mock:
    """A running mock: its URL, and the store, clock, tokens and id factory behind it."""

    url: str
    store: Store
    clock: SimulatedClock
    tokens: Tokens
    ids: Ids
    client: httpx.Client

    def reset(self) -> None:
        """Empty the store (the tokens stay) and count ids from 1 again."""
        self.store.reset()
        self.ids.count = 0


@contextmanager
def running(*, auth: bool, clients: tuple[Client, ...] = ()) -> Iterator[Mock]:
    """Serve a new mock while the block runs; its client checks every body against its schema.

    One client for the module: an httpx client is slow to make (its TLS
    context), and the mock answers each request on its own anyway.
    """
    ids, clock = Ids(), SimulatedClock(START)
    store = Store(ids=ids, clock=clock, simulation=INSTANT)
    app = create_app(store, auth=auth, clients=clients)
    with serving(app) as url, checked_client(url, timeout=10) as client:
        yield Mock(url, store, clock, app.state.tokens, ids, client)


@pytest.fixture(scope="module")
def secured() -> Iterator[Mock]:
    """A mock that requires a token (``auth=True``), which issues one to any client."""
    with running(auth=True) as mock:
        yield mock


@pytest.fixture(scope="module")
def unsecured() -> Iterator[Mock]:
    """A mock without ``auth``: a token only names the caller's project."""
    with running(auth=False) as mock:
        yield mock


FIXED_CLIENTS: Final = (
    parse_client("app-a:secret-a:manage_project:team-a view_connectors:team-a"),
    parse_client("viewer:p%ss w0rd:view_connectors:team-b"),
)


@pytest.fixture(scope="module")
def fixed() -> Iterator[Mock]:
    """A mock that requires a token and issues one only to ``FIXED_CLIENTS``."""
    with running(auth=True, clients=FIXED_CLIENTS) as mock:
        yield mock


@pytest.fixture
def http(secured: Mock) -> httpx.Client:
    """The client of the secured mock, which starts empty."""
    secured.reset()
    return secured.client


@pytest.fixture
def open_http(unsecured: Mock) -> httpx.Client:
    """The client of the mock without auth, which starts empty."""
    unsecured.reset()
    return unsecured.client


@pytest.fixture
def fixed_http(fixed: Mock) -> httpx.Client:
    """The client of the mock of fixed clients, which starts empty."""
    fixed.reset()
    return fixed.client


# --- Helpers -------------------------------------------------------------------------------


def basic(client_id: str, secret: str) -> str:
    """An ``Authorization: Basic`` value, the id and secret form-encoded first (RFC 6749, 2.3.1)."""
    pair = f"{urllib.parse.quote_plus(client_id)}:{urllib.parse.quote_plus(secret)}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def token_of(client: httpx.Client, scope: str | None = None, *, credentials: tuple[str, str] = ("id", "secret")) -> str:
    """A token from the mock's endpoint, by Basic credentials, for *scope* (default: the client's or the mock's)."""
    form = {"grant_type": "client_credentials", **({} if scope is None else {"scope": scope})}
    answer = client.post("/oauth/token", data=form, headers={"Authorization": basic(*credentials)})
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def as_project(client: httpx.Client, project: str, scope: str = "manage_project") -> dict[str, str]:
    """The headers of a request of *project*, with a new token of one scope."""
    return bearer(token_of(client, f"{scope}:{project}"))


def error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The ErrorResponse of *answer*, checked: status, envelope and code."""
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert body["statusCode"] == status and body["errors"][0]["code"] == code, body
    return body


def ok(result: T | DomainError) -> T:
    assert not isinstance(result, DomainError), result
    return result


def json_of(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    return body


def state(store: Store) -> str:
    """Everything the store holds, as canonical JSON: drafts, Connectors, every project's Deployments and logs."""
    page = ok_page(store.query(limit=LIMIT_MAX))
    connectors = [store.connector(saved.resource.id) for saved in page]
    deployments = {p: [s.record for s in ok_page(store.query_deployments(p, limit=LIMIT_MAX))] for p in PROJECTS}
    logs = {
        d["id"]: codec.to_wire(store.deployment_logs(p, id=d["id"]))
        for p, records in deployments.items()
        for d in records
    }
    document = {
        "staged": [saved.record for saved in page],
        "connectors": [None if isinstance(c, DomainError) else c.record for c in connectors],
        "deployments": deployments,
        "logs": logs,
    }
    return json.dumps(document, sort_keys=True, default=repr)


def ok_page(result: Any) -> list[Stored[Any]]:
    assert not isinstance(result, DomainError), result
    results: list[Stored[Any]] = list(result.results)
    return results


# --- The token endpoint --------------------------------------------------------------------


class TestTokenEndpoint:
    def test_form_credentials_get_a_bearer_token_of_the_default_project(
        self, open_http: httpx.Client, unsecured: Mock
    ) -> None:
        """The form's client_id and client_secret: a token of manage_project:mock-project, not to be cached."""
        form = {"grant_type": "client_credentials", "client_id": "my-client", "client_secret": "s3cret"}
        answer = open_http.post("/oauth/token", data=form)
        body = json_of(answer, 200)
        assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
        assert (body["token_type"], body["expires_in"]) == ("Bearer", LIFETIME)
        assert body["scope"] == f"manage_project:{DEFAULT_PROJECT}"
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["content-type"].startswith("application/json")
        grant = unsecured.tokens.grant(f"Bearer {body['access_token']}")
        assert grant is not None and grant.project == DEFAULT_PROJECT and grant.client_id == "my-client"

    def test_basic_credentials_and_the_scope_asked_for(self, open_http: httpx.Client, unsecured: Mock) -> None:
        """Basic auth, form-encoded first; the scope asked for is the scope granted; each token is new."""
        scope = f"view_connectors:{B} manage_connectors_deployments:{B}"
        form = {"grant_type": "client_credentials", "scope": scope}
        first = json_of(
            open_http.post("/oauth/token", data=form, headers={"Authorization": basic("my client", "p")}), 200
        )
        second = json_of(open_http.post("/oauth/token", data=form, auth=("my client", "p")), 200)
        assert first["scope"] == second["scope"] == scope
        assert first["access_token"] != second["access_token"]
        grant = unsecured.tokens.grant(f"Bearer {first['access_token']}")
        assert grant is not None and (grant.client_id, grant.project) == ("my client", B)

    def test_the_token_admits_to_the_endpoints_of_its_scope(self, http: httpx.Client) -> None:
        """A token from the endpoint is what a secured mock asks for."""
        headers = bearer(token_of(http, f"view_connectors:{A}"))
        assert http.get("/connectors/drafts", headers=headers).status_code == 200
        error(http.post("/connectors/drafts", json=DRAFT, headers=headers), 403, "AuthorizationError")

    def test_the_token_endpoint_and_the_mocks_own_need_no_token(self, http: httpx.Client, secured: Mock) -> None:
        """With auth, POST /oauth/token and /__mock__/... answer without a token; GET /oauth/token is 405."""
        assert http.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=("a", "b")).status_code == 200
        assert http.get("/__mock__/clock").status_code == 200
        assert http.post("/__mock__/clock", json={"seconds": 0}).status_code == 200
        seeded = seed(secured)
        secured.store.simulation = Manual()  # the events are the test's to deliver
        try:
            ok(secured.store.update(seeded.staged, ConnectorUpdate(version=3, actions=(UpdatePreviewable(),)), by=A))
            granted = http.post(f"/__mock__/connectors/drafts/{seeded.staged}/events", json={"type": "PreviewGranted"})
            assert json_of(granted, 200)["isPreviewable"] == "true"
            ok(secured.store.delete_deployment(A, seeded.deployment))
            undeployed = http.post(
                f"/__mock__/{A}/deployments/{seeded.deployment}/events", json={"type": "UndeploySucceeded"}
            )
            assert json_of(undeployed, 200)["id"] == seeded.deployment
        finally:
            secured.store.simulation = INSTANT
        assert http.post("/__mock__/reset").status_code == 204
        refused = error(http.get("/oauth/token"), 405, "MethodNotAllowed")
        assert refused["message"] == "GET is not allowed on /oauth/token."

    @pytest.mark.parametrize(
        ("content", "authorization", "status", "code"),
        [
            (b"", "basic", 400, "invalid_request"),
            (b"client_id=x&client_secret=y", None, 400, "invalid_request"),
            (b"grant_type=client_credentials&grant_type=client_credentials", "basic", 400, "invalid_request"),
            (b"grant_type=client_credentials&client_id=x&client_secret=y", "basic", 400, "invalid_request"),
            (b"grant_type=client_credentials&client_secret=y", None, 400, "invalid_request"),
            (b"grant_type=client_credentials&client_id=x&client_secret=y\xff", None, 400, "invalid_request"),
            (b"grant_type=password&username=u&password=p", "basic", 400, "unsupported_grant_type"),
            (b"grant_type=authorization_code&code=c", "basic", 400, "unsupported_grant_type"),
            (b"grant_type=client_credentials", None, 401, "invalid_client"),
            (b"grant_type=client_credentials", "Basic not-base64!", 401, "invalid_client"),
            (
                b"grant_type=client_credentials",
                "Basic " + base64.b64encode(b"no-colon").decode(),
                401,
                "invalid_client",
            ),
            (b"grant_type=client_credentials", "Bearer some-token", 401, "invalid_client"),
            (b"grant_type=client_credentials&scope=manage_everything:team-a", "basic", 400, "invalid_scope"),
            (b"grant_type=client_credentials&scope=manage_project", "basic", 400, "invalid_scope"),
            (
                b"grant_type=client_credentials&scope=view_connectors:team-a+view_connectors:team-b",
                "basic",
                400,
                "invalid_scope",
            ),
        ],
    )
    def test_every_oauth_error(
        self,
        open_http: httpx.Client,
        unsecured: Mock,
        content: bytes,
        authorization: str | None,
        status: int,
        code: str,
    ) -> None:
        """A refused token request: RFC 6749's error beside the ErrorResponse, not cached, and no token issued."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if authorization is not None:
            headers["Authorization"] = basic("id", "secret") if authorization == "basic" else authorization
        held = len(unsecured.tokens)
        answer = open_http.post("/oauth/token", content=content, headers=headers)
        body = json_of(answer, status)
        assert body["error"] == code and body["error_description"] == body["message"]
        assert body["errors"] == [
            {"code": "AuthenticationError" if code == "invalid_client" else code, "message": body["message"]}
        ]
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers.get("www-authenticate") == ("Basic" if status == 401 else None)
        assert len(unsecured.tokens) == held

    def test_fixed_clients_get_their_scopes_or_fewer(self, fixed_http: httpx.Client) -> None:
        """A fixed client: its scopes when it asks for none, a part of them when it asks, no more."""
        client = fixed_http
        form = {"grant_type": "client_credentials"}
        whole = json_of(
            client.post("/oauth/token", data=form, headers={"Authorization": basic("app-a", "secret-a")}), 200
        )
        assert whole["scope"] == f"manage_project:{A} view_connectors:{A}"
        part = {**form, "scope": f"view_connectors:{A}", "client_id": "app-a", "client_secret": "secret-a"}
        assert json_of(client.post("/oauth/token", data=part), 200)["scope"] == f"view_connectors:{A}"
        more = {**form, "scope": f"manage_connectors:{A}"}
        refused = client.post("/oauth/token", data=more, headers={"Authorization": basic("app-a", "secret-a")})
        assert json_of(refused, 400)["error"] == "invalid_scope"
        assert f"manage_connectors:{A}" in refused.json()["error_description"]
        # The secret "p%ss w0rd" is form-encoded inside Basic (RFC 6749, 2.3.1), and read back whole.
        viewer = token_of(client, credentials=("viewer", "p%ss w0rd"))
        assert client.get("/connectors/drafts", headers=bearer(viewer)).status_code == 200
        error(client.post("/connectors/drafts", json=DRAFT, headers=bearer(viewer)), 403, "AuthorizationError")

    @pytest.mark.parametrize(("client_id", "secret"), [("app-a", "wrong"), ("nobody", "secret-a"), ("app-a", "")])
    def test_fixed_clients_refuse_bad_credentials_alike(
        self, fixed_http: httpx.Client, client_id: str, secret: str
    ) -> None:
        """A wrong secret and an unknown client get the same 401: AuthenticationError, with WWW-Authenticate."""
        client = fixed_http
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        answer = client.post("/oauth/token", data=form)
        body = error(answer, 401, "AuthenticationError")
        assert body["error"] == "invalid_client"
        assert body["message"] == "Bad credentials or Client ID is not defined"
        assert answer.headers["www-authenticate"] == "Basic"

    @given(
        st.dictionaries(
            st.sampled_from(["grant_type", "client_id", "client_secret", "scope", "other"]),
            st.one_of(
                st.sampled_from(["client_credentials", "password", "", f"manage_project:{A}", "view_connectors:x"]),
                st.text(max_size=12),
            ),
            max_size=5,
        ),
        st.one_of(st.none(), st.tuples(st.text(max_size=8), st.text(max_size=8))),
    )
    def test_every_answer_is_a_token_or_an_oauth_error(
        self, unsecured: Mock, form: dict[str, str], credentials: tuple[str, str] | None
    ) -> None:
        """For any form and credentials: a token (200) or an error of RFC 6749 (400, 401), each of its schema."""
        headers = {} if credentials is None else {"Authorization": basic(*credentials)}
        answer = unsecured.client.post("/oauth/token", data=form, headers=headers)
        assert answer.status_code in (200, 400, 401), answer.text
        assert answer.headers["cache-control"] == "no-store"
        if answer.status_code == 200:
            assert form.get("grant_type") == "client_credentials"


def test_the_token_routes_name_their_rfc_schemas() -> None:
    """The schema check knows POST /oauth/token: the RFC's bodies, and an error is an ErrorResponse too."""
    assert official_schema.official_type("POST", "/oauth/token", 200) is None
    assert official_schema.own_type("POST", "/oauth/token", 200) == "TokenResponse"
    assert official_schema.own_type("POST", "/oauth/token/", 401) == "TokenErrorResponse"
    assert official_schema.official_type("POST", "/oauth/token", 400) == "ErrorResponse"
    assert official_schema.own_type("POST", "/oauth/token", 413) is None
    assert official_schema.own_type("GET", "/oauth/token", 405) is None
    with pytest.raises(AssertionError, match="answered 201"):
        official_schema.official_type("POST", "/oauth/token", 201)
    with pytest.raises(AssertionError, match="token_type"):
        official_schema.validate(
            "TokenResponse", {"access_token": "t", "token_type": "mac", "expires_in": 1, "scope": "a"}
        )
    with pytest.raises(AssertionError, match="does not match"):
        official_schema.validate("TokenErrorResponse", {"error": "invalid_scope", "error_description": 'a "quote"'})


# --- Enforcement, endpoint by endpoint -------------------------------------------------------

#: The 21 operations, as the library's table names them; the tests expect what the facts' copy says.
OPERATIONS: Final = sorted(ENDPOINTS)
DEPLOYMENT_OPERATIONS: Final = [(m, t) for m, t in OPERATIONS if t.startswith("/{projectKey}/")]
SCOPE_NAMES: Final = scopes_table.scope_names()
SEED_CONNECTOR: Final = "seed-connector"
SEED_DEPLOYMENT: Final = "seed-deployment"
#: A Deployment of the seeded connector (which declares one application, of no keys).
DEPLOYMENT_DRAFT: Final[dict[str, Any]] = {
    "connector": {"key": SEED_CONNECTOR},
    "region": DEFAULT_REGION,
    "configurations": [],
}


def operation_id(operation: tuple[str, str]) -> str:
    return f"{operation[0]} {operation[1]}"


@dataclass(frozen=True)
class Seeded:
    """What ``seed`` made, all of project A: a published connector, and a Deployed Deployment of it."""

    staged: str
    deployment: str


def seed(mock: Mock, owner: str = A) -> Seeded:
    """Empty *mock*, then give *owner* a published connector and a Deployed Deployment of it (with logs)."""
    store = mock.store
    mock.reset()
    draft = codec.from_wire({**DRAFT, "key": SEED_CONNECTOR}, ConnectorStagedDraft)
    staged = ok(store.create(draft, owner=ident(owner))).resource.id
    ok(store.update(staged, ConnectorUpdate(version=1, actions=(Publish(certification=False),)), by=owner))
    deployment = codec.from_wire({"key": SEED_DEPLOYMENT, **DEPLOYMENT_DRAFT}, DeploymentDraft)
    created = ok(store.create_deployment(owner, deployment))
    assert ok(store.deployment(owner, created.resource.id)).resource.status.value == "Deployed"  # INSTANT
    return Seeded(staged, created.resource.id)


def call(
    client: httpx.Client, mock: Mock, operation: tuple[str, str], seeded: Seeded, *, project: str = A, **kwargs: Any
) -> httpx.Response:
    """Call *operation* on what ``seed`` made, with the body that would succeed (*kwargs*: headers)."""
    method, template = operation
    deployments = template.startswith("/{projectKey}/")
    path = (
        template.replace("{projectKey}", project)
        .replace("{ID}", seeded.deployment if deployments else seeded.staged)
        .replace("{key}", SEED_DEPLOYMENT if deployments else SEED_CONNECTOR)
    )
    body: dict[str, Any] | None = None
    if method == "POST" and template == "/connectors/drafts":
        body = {**DRAFT, "key": "new-connector"}
    elif method == "POST" and template == "/{projectKey}/deployments":
        body = {"key": "new-deployment", **DEPLOYMENT_DRAFT}
    elif method == "POST" and deployments:
        version = ok(mock.store.deployment(A, seeded.deployment)).resource.version
        body = {"version": version, "actions": [{"action": "redeploy"}]}
    elif method == "POST":
        version = ok(mock.store.get(seeded.staged)).resource.version
        body = {"version": version, "actions": [{"action": "setName", "name": "Renamed"}]}
    return client.request(method, path, json=body, **kwargs)


def unauthenticated(answer: httpx.Response) -> None:
    body = error(answer, 401, "AuthenticationError")
    assert body["message"] == "Bad credentials or Client ID is not defined"
    assert answer.headers["www-authenticate"] == "Bearer"


class TestEnforcement:
    """With auth, each endpoint: 401 without a valid token; per scope, the facts' answer."""

    def test_the_operations_are_the_facts(self) -> None:
        """The table the tests walk is the facts' table of 21 operations (so none is left untested)."""
        assert set(OPERATIONS) == set(scopes_table.endpoints()) and len(OPERATIONS) == 21

    @pytest.mark.parametrize("operation", OPERATIONS, ids=operation_id)
    @pytest.mark.parametrize(
        "authorization", [None, "Bearer not-a-token", "Bearer", "Basic aWQ6c2VjcmV0", "bearer-without-space"]
    )
    def test_no_valid_token_is_401(
        self, http: httpx.Client, secured: Mock, operation: tuple[str, str], authorization: str | None
    ) -> None:
        """No token, or one this mock did not issue: 401 AuthenticationError, WWW-Authenticate: Bearer; no change."""
        seeded = seed(secured)
        before = state(secured.store)
        headers = {} if authorization is None else {"Authorization": authorization}
        unauthenticated(call(http, secured, operation, seeded, headers=headers))
        assert state(secured.store) == before

    @pytest.mark.parametrize("operation", OPERATIONS, ids=operation_id)
    def test_an_expired_token_is_401(self, http: httpx.Client, secured: Mock, operation: tuple[str, str]) -> None:
        """A token 48 hours old (and then some) is as none."""
        seeded = seed(secured)
        headers = as_project(http, A)
        secured.clock.advance(LIFETIME + 1)
        before = state(secured.store)
        unauthenticated(call(http, secured, operation, seeded, headers=headers))
        assert state(secured.store) == before

    def test_a_token_lives_48_hours_to_the_millisecond(self, http: httpx.Client, secured: Mock) -> None:
        """expires_in is 172800 s: valid a millisecond before, refused at the instant it ends."""
        headers = as_project(http, A)
        secured.clock.advance(LIFETIME - 0.001)
        assert http.get("/connectors/drafts", headers=headers).status_code == 200
        secured.clock.advance(0.001)
        unauthenticated(http.get("/connectors/drafts", headers=headers))

    @pytest.mark.parametrize("scope", SCOPE_NAMES)
    @pytest.mark.parametrize("operation", OPERATIONS, ids=operation_id)
    def test_each_scope_on_each_endpoint(
        self, http: httpx.Client, secured: Mock, operation: tuple[str, str], scope: str
    ) -> None:
        """A cell of the facts' table: a scope the trait lists answers the endpoint's success; another, 403."""
        seeded = seed(secured)
        headers = as_project(http, A, scope)
        before = state(secured.store)
        answer = call(http, secured, operation, seeded, headers=headers)
        trait, success = scopes_table.endpoints()[operation]
        if scopes_table.accepts(*operation, scope):
            assert answer.status_code == success, answer.text
        else:
            assert error(answer, 403, "AuthorizationError")["message"] == "Access denied"
            assert "www-authenticate" not in answer.headers
            assert state(secured.store) == before, f"{trait} refused {scope}, yet something changed"

    def test_a_token_of_several_scopes_is_admitted_by_any_of_them(self, http: httpx.Client, secured: Mock) -> None:
        """view_connectors and view_connectors_deployments together read both families, and write neither."""
        seeded = seed(secured)
        headers = as_project(http, A, f"view_connectors:{A} view_connectors_deployments")
        assert http.get(f"/connectors/drafts/{seeded.staged}", headers=headers).status_code == 200
        assert http.get(f"/{A}/deployments/{seeded.deployment}", headers=headers).status_code == 200
        error(http.delete(f"/{A}/deployments/{seeded.deployment}", headers=headers), 403, "AuthorizationError")
        error(http.delete(f"/connectors/drafts/{seeded.staged}", headers=headers), 403, "AuthorizationError")

    @pytest.mark.parametrize("operation", DEPLOYMENT_OPERATIONS, ids=operation_id)
    @pytest.mark.parametrize("auth", [True, False], ids=["auth", "no-auth"])
    def test_another_projects_deployment_path_is_403(
        self, secured: Mock, unsecured: Mock, operation: tuple[str, str], auth: bool
    ) -> None:
        """B's manage_project token on A's path: 403, with auth or without, and A's Deployments stay as they were."""
        mock = secured if auth else unsecured
        client = mock.client
        seeded = seed(mock)
        before = state(mock.store)
        answer = call(client, mock, operation, seeded, headers=as_project(client, B))
        error(answer, 403, "AuthorizationError")
        assert state(mock.store) == before
        own = call(client, mock, ("GET", "/{projectKey}/deployments/{ID}"), seeded, headers=as_project(client, A))
        assert own.status_code == 200, "A's own token is let through"


# --- Without auth: who a request acts as ------------------------------------------------------


def create(client: httpx.Client, headers: dict[str, str] | None = None, **fields: Any) -> dict[str, Any]:
    """A new draft (201), by the caller *headers* name."""
    return json_of(client.post("/connectors/drafts", json={**DRAFT, **fields}, headers=headers), 201)


def act(
    client: httpx.Client, id: str, version: int, *actions: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    return client.post(f"/connectors/drafts/{id}", json={"version": version, "actions": list(actions)}, headers=headers)


def comment_author(client: httpx.Client, mock: Mock, headers: dict[str, str] | None) -> str:
    """The userId an addCertificationComment of the caller records, on a new draft of its own in certification."""
    mock.store.simulation = Manual()  # a comment needs ReadyForCertification, which INSTANT passes at once
    try:
        staged = create(client, headers)
        json_of(act(client, staged["id"], 1, {"action": "publish", "certification": True}, headers=headers), 201)
        ready = ok(mock.store.deliver(staged["id"], PublishingSucceeded())).resource
        assert ready.status.value == "ReadyForCertification"
        comment = {"action": "addCertificationComment", "comment": "Please review"}
        answer = json_of(act(client, staged["id"], ready.version, comment, headers=headers), 201)
    finally:
        mock.store.simulation = INSTANT
    user: str = answer["certificationInfo"]["comments"][-1]["userId"]
    return user


class TestWithoutAuth:
    """Without auth every request is accepted; its token, its path or the default project says whose it is."""

    def test_no_token_acts_as_the_default_project(self, open_http: httpx.Client, unsecured: Mock) -> None:
        """A draft made without a token is the default project's: its token sees it, another project's does not."""
        staged = create(open_http, key="made-without-token")
        assert ok(unsecured.store.get(staged["id"], owner=ident(DEFAULT_PROJECT))).resource.id == staged["id"]
        assert open_http.get(f"/connectors/drafts/{staged['id']}").status_code == 200
        default = bearer(token_of(open_http))  # no scope asked: the default project's manage_project
        assert open_http.get("/connectors/drafts/key=made-without-token", headers=default).status_code == 200
        other = as_project(open_http, B)
        error(open_http.get(f"/connectors/drafts/{staged['id']}", headers=other), 404, "ResourceNotFound")
        assert comment_author(open_http, unsecured, None) == DEFAULT_PROJECT

    def test_a_token_the_mock_issued_acts_as_its_project(self, open_http: httpx.Client, unsecured: Mock) -> None:
        """B's token makes B's drafts: B sees them and writes as B; without a token they are not found."""
        headers = as_project(open_http, B, "view_connectors")  # without auth, any scope of B names B
        staged = create(open_http, headers, key="made-by-b")
        assert json_of(open_http.get(f"/connectors/drafts/{staged['id']}", headers=headers), 200)["key"] == "made-by-b"
        assert json_of(open_http.get("/connectors/drafts", headers=headers), 200)["total"] == 1
        assert json_of(open_http.get("/connectors/drafts"), 200)["total"] == 0
        error(open_http.get("/connectors/drafts/key=made-by-b"), 404, "ResourceNotFound")
        assert comment_author(open_http, unsecured, headers) == B

    @pytest.mark.parametrize("authorization", ["Bearer a-token-of-the-real-auth-service", "Basic aWQ6c2VjcmV0"])
    def test_an_unknown_token_acts_as_none(self, open_http: httpx.Client, unsecured: Mock, authorization: str) -> None:
        """The official CLI sends its own token: it is not refused, and the request acts as one without a token."""
        headers = {"Authorization": authorization}
        staged = create(open_http, headers, key="made-with-a-foreign-token")
        assert open_http.get(f"/connectors/drafts/{staged['id']}").status_code == 200
        assert open_http.get("/connectors/drafts/key=made-with-a-foreign-token", headers=headers).status_code == 200
        assert comment_author(open_http, unsecured, headers) == DEFAULT_PROJECT
        assert json_of(open_http.get(f"/{B}/deployments", headers=headers), 200)["total"] == 0

    def test_a_token_keeps_its_project_when_the_clock_jumps(self, open_http: httpx.Client, unsecured: Mock) -> None:
        """Without auth, B's token still names B after its 48 hours: a test that moves the clock stays B."""
        headers = as_project(open_http, B)
        unsecured.clock.advance(LIFETIME + 3600)
        staged = create(open_http, headers)
        error(open_http.get(f"/connectors/drafts/{staged['id']}"), 404, "ResourceNotFound")
        assert json_of(open_http.get(f"/connectors/drafts/{staged['id']}", headers=headers), 200)["id"] == staged["id"]
        assert comment_author(open_http, unsecured, headers) == B

    def test_no_token_on_a_deployment_path_acts_as_the_paths_project(
        self, open_http: httpx.Client, unsecured: Mock
    ) -> None:
        """A Deployment made on B's path without a token is B's; the default project's token there is 403."""
        seeded = seed(unsecured, owner=B)
        assert json_of(open_http.get(f"/{B}/deployments"), 200)["results"][0]["id"] == seeded.deployment
        body = {"key": "by-path", **DEPLOYMENT_DRAFT}
        created = json_of(open_http.post(f"/{B}/deployments", json=body), 201)
        assert ok(unsecured.store.deployment(B, created["id"])).resource.key == "by-path"
        assert json_of(open_http.get(f"/{DEFAULT_PROJECT}/deployments"), 200)["total"] == 0
        default = bearer(token_of(open_http))
        error(open_http.get(f"/{B}/deployments", headers=default), 403, "AuthorizationError")
        assert json_of(open_http.get(f"/{DEFAULT_PROJECT}/deployments", headers=default), 200)["total"] == 0


# --- Tenancy ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tenants:
    """The secured mock's client, and a manage_project token of each of A, B and C."""

    client: httpx.Client
    mock: Mock
    tokens: dict[str, str]

    def __call__(self, project: str) -> dict[str, str]:
        """The headers of a request of *project*."""
        return bearer(self.tokens[project])

    def get(self, project: str, path: str, **params: Any) -> httpx.Response:
        return self.client.get(path, params=params, headers=self(project))


@pytest.fixture
def tenants(http: httpx.Client, secured: Mock) -> Tenants:
    return Tenants(http, secured, {p: token_of(http, f"manage_project:{p}") for p in PROJECTS})


def connector_in(t: Tenants, case: str) -> dict[str, Any]:
    """A's connector in the state *case* names, as A reads it once the simulated service answered.

    ``public``: certified; ``listed``: published privately, ``privateProjects`` [B];
    ``private``: published privately, no project listed; ``unlisted``: certified,
    then unlisted; ``draft``: never published.
    """
    key = f"case-{case}"
    listed = [ident(B)] if case == "listed" else []
    staged = create(t.client, t(A), key=key, privateProjects=listed)
    if case != "draft":
        publish = {"action": "publish", "certification": case in ("public", "unlisted")}
        json_of(act(t.client, staged["id"], 1, publish, headers=t(A)), 201)
        staged = json_of(t.get(A, f"/connectors/drafts/{staged['id']}"), 200)  # the service answers at this read
        assert (staged["status"], staged["private"]) == ("Published", case not in ("public", "unlisted"))
    if case == "unlisted":
        staged = json_of(act(t.client, staged["id"], staged["version"], {"action": "unlist"}, headers=t(A)), 201)
        assert staged["alreadyListed"] is False
    return staged


def search_ids(t: Tenants, project: str, **params: Any) -> list[str]:
    page = json_of(t.get(project, "/connectors/search", limit=LIMIT_MAX, **params), 200)
    assert page["total"] == page["count"] == len(page["results"])
    return [connector["id"] for connector in page["results"]]


class TestTenancyOfDrafts:
    @pytest.mark.parametrize(
        ("method", "by_key"),
        [(method, by_key) for method in ("GET", "POST", "DELETE") for by_key in (False, True)],
    )
    def test_another_projects_draft_is_not_found_and_stays_as_it_was(
        self, tenants: Tenants, method: str, by_key: bool
    ) -> None:
        """B's get, update or delete of A's draft is the 404 of a draft that does not exist; A's stays as it was."""
        t = tenants
        staged = create(t.client, t(A), key="a-draft")
        path = "/connectors/drafts/key=a-draft" if by_key else f"/connectors/drafts/{staged['id']}"
        body = {"version": 1, "actions": [{"action": "setName", "name": "Taken over"}]} if method == "POST" else None
        params = {"version": 1} if method == "DELETE" else None
        answer = t.client.request(method, path, json=body, params=params, headers=t(B))
        refused = error(answer, 404, "ResourceNotFound")
        assert json_of(t.get(A, path), 200) == staged, "A's draft is as it was"
        assert json_of(t.get(A, "/connectors/drafts"), 200)["total"] == 1
        json_of(t.client.delete(f"/connectors/drafts/{staged['id']}", headers=t(A)), 200)
        gone = t.client.request(method, path, json=body, params=params, headers=t(B))
        assert error(gone, 404, "ResourceNotFound") == refused, "existence is not revealed"

    def test_a_query_shows_only_the_callers_drafts(self, tenants: Tenants) -> None:
        """Each project's query lists its own drafts, all of them, and nothing else; filters stay within them."""
        t = tenants
        a = {create(t.client, t(A))["id"], create(t.client, t(A), integrationTypes=["tax"])["id"]}
        b = {create(t.client, t(B), integrationTypes=["tax"])["id"]}
        for project, own in ((A, a), (B, b), (C, set())):
            page = json_of(t.get(project, "/connectors/drafts", limit=LIMIT_MAX), 200)
            assert {staged["id"] for staged in page["results"]} == own and page["total"] == len(own)
        assert json_of(t.get(B, "/connectors/drafts", integrationTypes="tax"), 200)["total"] == 1
        assert json_of(t.get(A, "/connectors/drafts", integrationTypes="tax", offset=1), 200)["total"] == 1

    def test_the_owner_reaches_its_draft_on_every_endpoint(self, tenants: Tenants) -> None:
        """The tenancy check lets the owner through: get, update and delete by id and by key."""
        t = tenants
        staged = create(t.client, t(A), key="mine")
        assert json_of(t.get(A, "/connectors/drafts/key=mine"), 200)["id"] == staged["id"]
        renamed = {"version": 1, "actions": [{"action": "setName", "name": "Renamed"}]}
        assert json_of(t.client.post("/connectors/drafts/key=mine", json=renamed, headers=t(A)), 201)["version"] == 2
        assert json_of(t.client.delete("/connectors/drafts/key=mine", headers=t(A)), 200)["name"] == "Renamed"

    def test_keys_are_one_namespace_for_every_project(self, tenants: Tenants) -> None:
        """A key another project holds is DuplicateField: a production Connector's key names one Connector for all.

        What the answer says is only what B sent; the draft stays A's and hidden.
        """
        t = tenants
        create(t.client, t(A), key="taken")
        answer = t.client.post("/connectors/drafts", json={**DRAFT, "key": "taken"}, headers=t(B))
        refused = error(answer, 400, "DuplicateField")
        assert refused["errors"][0]["duplicateValue"] == "taken" and Ids.PATTERN.search(json.dumps(refused)) is None
        error(t.get(B, "/connectors/drafts/key=taken"), 404, "ResourceNotFound")


class TestVisibility:
    @pytest.mark.parametrize("viewer", PROJECTS)
    @pytest.mark.parametrize("case", list(READERS))
    def test_production_reads_and_the_search_follow_the_rule(self, tenants: Tenants, case: str, viewer: str) -> None:
        """GET /connectors/{id} and key= show A's connector to READERS; the search, to SEARCHERS."""
        t = tenants
        staged = connector_in(t, case)
        for path in (f"/connectors/{staged['id']}", f"/connectors/key={staged['key']}"):
            answer = t.get(viewer, path)
            if viewer in READERS[case]:
                assert (json_of(answer, 200)["id"], answer.json()["name"]) == (staged["id"], staged["name"])
            else:
                error(answer, 404, "ResourceNotFound")
        assert search_ids(t, viewer) == ([staged["id"]] if viewer in SEARCHERS[case] else [])
        assert (
            search_ids(t, viewer, key=staged["key"]) == search_ids(t, viewer, id=staged["id"]) == search_ids(t, viewer)
        )
        assert search_ids(t, viewer, text="my connector") == search_ids(t, viewer)

    def test_an_invisible_connector_is_the_404_of_none(self, tenants: Tenants) -> None:
        """C's read of A's private connector says what a read of no connector says."""
        t = tenants
        staged = connector_in(t, "private")
        hidden = error(t.get(C, f"/connectors/key={staged['key']}"), 404, "ResourceNotFound")
        assert error(t.get(C, "/connectors/key=case-none"), 404, "ResourceNotFound")["message"] == hidden[
            "message"
        ].replace(staged["key"], "case-none")

    def test_private_true_shows_what_lists_the_project(self, tenants: Tenants) -> None:
        """The search's private=true: the connectors whose privateProjects list the caller, not the public ones."""
        t = tenants
        public, listed = connector_in(t, "public"), connector_in(t, "listed")
        assert sorted(search_ids(t, B)) == sorted([public["id"], listed["id"]])
        assert search_ids(t, B, private="true") == [listed["id"]]
        assert search_ids(t, C, private="true") == [] and search_ids(t, C) == [public["id"]]
        assert search_ids(t, A, private="true") == [], "the owner is not listed: its own are not assigned to it"

    def test_listing_and_unlisting_a_project_moves_what_it_sees(self, tenants: Tenants) -> None:
        """addPrivateProject shows the production Connector to C; removePrivateProject hides it from B."""
        t = tenants
        staged = connector_in(t, "listed")
        add = {"action": "addPrivateProject", "privateProject": ident(C)}
        staged = json_of(act(t.client, staged["id"], staged["version"], add, headers=t(A)), 201)
        assert t.get(C, f"/connectors/{staged['id']}").status_code == 200 and search_ids(t, C) == [staged["id"]]
        remove = {"action": "removePrivateProject", "privateProject": ident(B)}
        json_of(act(t.client, staged["id"], staged["version"], remove, headers=t(A)), 201)
        error(t.get(B, f"/connectors/{staged['id']}"), 404, "ResourceNotFound")
        assert search_ids(t, B) == []

    def test_a_deleted_connector_is_seen_by_none(self, tenants: Tenants) -> None:
        t = tenants
        staged = connector_in(t, "public")
        json_of(t.client.delete(f"/connectors/drafts/{staged['id']}", headers=t(A)), 200)
        for project in PROJECTS:
            error(t.get(project, f"/connectors/{staged['id']}"), 404, "ResourceNotFound")
            assert search_ids(t, project) == []


def deployment_of(t: Tenants, project: str, connector_key: str, **fields: Any) -> httpx.Response:
    """A Deployment of the connector *connector_key* on *project*'s path, by *project*."""
    body = {"connector": {"key": connector_key}, "region": DEFAULT_REGION, "configurations": [], **fields}
    return t.client.post(f"/{project}/deployments", json=body, headers=t(project))


class TestTenancyOfDeployments:
    def test_a_projects_deployments_are_invisible_to_another(self, tenants: Tenants) -> None:
        """On its own path, B finds none of A's Deployments: not listed, and 404 by id, by key, for logs and writes."""
        t = tenants
        seeded = seed(t.mock)
        before = state(t.mock.store)
        assert json_of(t.get(B, f"/{B}/deployments"), 200)["total"] == 0
        for path in (seeded.deployment, f"key={SEED_DEPLOYMENT}"):
            error(t.get(B, f"/{B}/deployments/{path}"), 404, "ResourceNotFound")
            error(t.get(B, f"/{B}/deployments/{path}/logs"), 404, "ResourceNotFound")
            redeploy = {"version": 1, "actions": [{"action": "redeploy"}]}
            error(t.client.post(f"/{B}/deployments/{path}", json=redeploy, headers=t(B)), 404, "ResourceNotFound")
            error(t.client.delete(f"/{B}/deployments/{path}", headers=t(B)), 404, "ResourceNotFound")
        assert state(t.mock.store) == before
        assert json_of(t.get(A, f"/{A}/deployments"), 200)["results"][0]["id"] == seeded.deployment

    def test_a_deployment_is_the_deploying_projects(self, tenants: Tenants) -> None:
        """B deploys A's connector that lists B: the Deployment is B's, not A's; C may not deploy it."""
        t = tenants
        staged = connector_in(t, "listed")
        deployment = json_of(deployment_of(t, B, staged["key"], key="b-deploys"), 201)
        assert deployment["connector"]["id"] == staged["id"]
        assert [d["id"] for d in json_of(t.get(B, f"/{B}/deployments"), 200)["results"]] == [deployment["id"]]
        assert json_of(t.get(A, f"/{A}/deployments"), 200)["total"] == 0
        error(t.get(A, f"/{A}/deployments/key=b-deploys"), 404, "ResourceNotFound")
        error(deployment_of(t, C, staged["key"]), 400, "ConnectorReferenceNotFound")

    @pytest.mark.parametrize(
        ("case", "staged"),
        [(case, staged) for case in ("private", "draft", "unknown") for staged in (False, True)] + [("public", True)],
        ids=lambda v: {False: "production", True: "preview"}.get(v, v) if isinstance(v, bool) else v,
    )
    def test_a_connector_the_project_may_not_see_is_answered_as_no_connector(
        self, tenants: Tenants, case: str, staged: bool
    ) -> None:
        """B's Deployment of A's hidden connector gets the very answer of a key no connector has.

        Hidden: private and not listing B, never published, or (for a preview, which needs B
        listed) public. The answer names the key and version B sent, or version 1 when it sent
        none, as for an unknown key (deployments.md, Create 2: "a private connector is not
        revealed to other projects"); it does not name the hidden connector's version.
        """
        t = tenants
        key = "case-unknown"
        if case != "unknown":
            hidden = connector_in(t, case)
            for _ in range(3):  # a version above 1, which an answer must not reveal
                rename = {"action": "setName", "name": f"v{hidden['version']}"}
                hidden = json_of(act(t.client, hidden["id"], hidden["version"], rename, headers=t(A)), 201)
            key = hidden["key"]
        connector = {"key": key, **({"staged": True} if staged else {})}
        body = {"connector": connector, "region": DEFAULT_REGION, "configurations": []}
        answer = error(t.client.post(f"/{B}/deployments", json=body, headers=t(B)), 400, "ConnectorReferenceNotFound")
        assert answer["message"] == f"Connector '{key}' with version 1 not found"
        with_version = {**body, "connector": {**connector, "version": 7}}
        answer = error(
            t.client.post(f"/{B}/deployments", json=with_version, headers=t(B)), 400, "ConnectorReferenceNotFound"
        )
        assert answer["message"] == f"Connector '{key}' with version 7 not found"

    @pytest.mark.parametrize("preview", [False, True], ids=["production", "preview"])
    def test_a_redeploy_brings_no_connector_the_project_may_no_longer_see(
        self, tenants: Tenants, preview: bool
    ) -> None:
        """Once A withdraws B from privateProjects, B's updateConnector cannot fetch A's new version.

        B's Deployment keeps the snapshot it had; an updateConnector answers as for a connector
        that is gone (ConnectorReferenceNotFound), and changes nothing.
        """
        t = tenants
        staged = connector_in(t, "listed")
        if preview:
            json_of(act(t.client, staged["id"], staged["version"], {"action": "updatePreviewable"}, headers=t(A)), 201)
            staged = json_of(t.get(A, f"/connectors/drafts/{staged['id']}"), 200)  # the service granted it
            assert staged["isPreviewable"] == "true"
        reference = {"key": staged["key"], **({"staged": True} if preview else {})}
        deployment = json_of(deployment_of(t, B, staged["key"], connector=reference), 201)
        deployment = json_of(t.get(B, f"/{B}/deployments/{deployment['id']}"), 200)
        assert deployment["status"] == "Deployed"
        remove = {"action": "removePrivateProject", "privateProject": ident(B)}
        staged = json_of(act(t.client, staged["id"], staged["version"], remove, headers=t(A)), 201)
        rename = {"action": "setName", "name": "A's secret new name"}
        staged = json_of(act(t.client, staged["id"], staged["version"], rename, headers=t(A)), 201)
        if not preview:
            publish = {"action": "publish", "certification": False}
            json_of(act(t.client, staged["id"], staged["version"], publish, headers=t(A)), 201)
            assert json_of(t.get(A, f"/connectors/{staged['id']}"), 200)["name"] == "A's secret new name"
        before = state(t.mock.store)
        update = {"version": deployment["version"], "actions": [{"action": "redeploy", "updateConnector": True}]}
        answer = t.client.post(f"/{B}/deployments/{deployment['id']}", json=update, headers=t(B))
        assert "secret new name" not in answer.text
        error(answer, 400, "ConnectorReferenceNotFound")
        assert state(t.mock.store) == before
        assert json_of(t.get(B, f"/{B}/deployments/{deployment['id']}"), 200)["connector"] == deployment["connector"]
        plain = {"version": deployment["version"], "actions": [{"action": "redeploy"}]}
        json_of(t.client.post(f"/{B}/deployments/{deployment['id']}", json=plain, headers=t(B)), 201)


# --- A property: three projects, random requests ------------------------------------------------

KEYS: Final = ("k0", "k1", "k2")
MISSING: Final = "00000000-0000-4000-8000-999999999999"
OPS: Final = (
    "create", "get", "update", "delete", "query", "search", "read",
    "deploy", "deployment_get", "deployment_query", "redeploy", "deployment_delete", "logs",
)  # fmt: skip
DEPLOYMENT_OPS: Final = ("deploy", "deployment_get", "deployment_query", "redeploy", "deployment_delete", "logs")
#: The update actions, publishing twice as likely as the others: most visibility cases need a publication.
ACTIONS: Final = ("publish", "publish", "certify", "certify", "setName", "updatePreviewable", "addPrivateProject",
                  "removePrivateProject", "unlist")  # fmt: skip


@dataclass(frozen=True)
class Step:
    """One request: *caller* (an index of PROJECTS) does *op*; the other fields choose what it names and sends.

    ``target`` picks a draft or a Deployment among those ever made, ``key`` one of ``KEYS`` (or of
    the Deployment keys), ``other`` a project (listed, added, or whose path is used), ``flag`` a
    variant of the operation (a key on create, the caller's own path, ``private=true``...);
    ``as_listed`` makes a project the connector lists the caller of a Deployment's create.
    """

    caller: int
    op: str
    target: int
    key: int
    other: int
    flag: bool
    by_key: bool
    update_connector: bool
    action: str
    as_listed: bool


def steps_of(**fixed: st.SearchStrategy[Any]) -> st.SearchStrategy[Step]:
    """Steps of any field, but those *fixed* gives a strategy of its own."""
    fields: dict[str, st.SearchStrategy[Any]] = {
        "caller": st.integers(0, 2),
        "op": st.sampled_from(OPS),
        "target": st.integers(0, 15),
        "key": st.integers(0, 2),
        "other": st.integers(0, 2),
        "flag": st.booleans(),
        "by_key": st.booleans(),
        "update_connector": st.booleans(),
        "action": st.sampled_from(ACTIONS),
        "as_listed": st.booleans(),
    }
    return st.builds(Step, **{**fields, **fixed})


steps: Final = steps_of()
#: A run of requests: drafts made, some published (privately or certified) by their owners, some
#: deployed by anyone, then anything, then owners withdrawing what they showed, then requests of
#: Deployments on the caller's own path. Every step is a request like the others, checked alike;
#: the parts only make the states worth probing likely (a Connector another project may or may
#: not see, a Deployment of it, what the Deployment may do once the Connector is hidden again).
scenarios: Final = st.tuples(
    st.lists(steps_of(op=st.just("create")), min_size=2, max_size=6),
    st.lists(
        steps_of(
            op=st.just("update"),
            flag=st.just(True),
            by_key=st.just(False),
            action=st.sampled_from(("publish", "certify", "addPrivateProject", "updatePreviewable")),
        ),
        max_size=8,
    ),
    st.lists(steps_of(op=st.just("deploy"), flag=st.just(True)), max_size=5),
    st.lists(steps, max_size=30),
    st.lists(
        steps_of(
            op=st.just("update"),
            flag=st.just(True),
            by_key=st.just(False),
            action=st.sampled_from(("removePrivateProject", "removePrivateProject", "unlist", "setName", "publish")),
        ),
        max_size=4,
    ),
    st.lists(steps_of(op=st.sampled_from(("redeploy", "redeploy", *DEPLOYMENT_OPS)), flag=st.just(True)), max_size=5),
).map(lambda parts: [step for part in parts for step in part])


@dataclass
class World:
    """The oracle: who made each draft and each Deployment (as the answers said), and the rules of the spec.

    The facts the rules read (a draft's ``private``, ``privateProjects``, ``alreadyListed``, whether
    it was published) are the store's, read without an owner; who may see what follows from them
    here, as mock-service.md writes it, not from the library's ``access`` module.
    """

    mock: Mock
    tokens: dict[str, str]
    owners: dict[str, str] = field(default_factory=dict)  # draft (and Connector) id -> the project that made it
    drafts: list[str] = field(default_factory=list)
    projects: dict[str, str] = field(default_factory=dict)  # Deployment, build and application id -> its project
    deployments: list[str] = field(default_factory=list)
    deployed: dict[str, str] = field(default_factory=dict)  # Deployment id -> the connector id it deploys

    @property
    def store(self) -> Store:
        return self.mock.store

    def staged(self, id: str) -> dict[str, Any] | None:
        found = self.store.get(id)
        return None if isinstance(found, DomainError) else found.to_wire()

    def published(self, id: str) -> bool:
        return not isinstance(self.store.connector(id), DomainError)

    def visible(self, id: str, project: str) -> bool:
        """Public, listing the project, or the project's own (the one visibility rule)."""
        staged = self.staged(id)
        if staged is None:
            return False
        own = self.owners.get(id) == project
        return not staged["private"] or ident(project) in staged.get("privateProjects", ()) or own

    def listed(self, id: str, project: str) -> bool:
        staged = self.staged(id)
        return staged is not None and ident(project) in staged.get("privateProjects", ())

    def readable(self, id: str, project: str) -> bool:
        """The production reads: a production Connector, visible to the project."""
        return self.published(id) and self.visible(id, project)

    def shown(self, id: str, project: str) -> bool:
        """The search: what the project reads, but an unlisted connector only to its owner."""
        staged = self.staged(id)
        if staged is None or not self.readable(id, project):
            return False
        return bool(staged["alreadyListed"]) or self.owners.get(id) == project

    def hidden(self, id: str, project: str, preview: bool) -> bool:
        """What a Deployment of *project* may not even learn exists (a preview also needs the project listed)."""
        return not self.visible(id, project) or (preview and not self.listed(id, project))

    def own_drafts(self, project: str) -> set[str]:
        return {id for id in self.drafts if self.owners[id] == project and self.staged(id) is not None}

    def own_deployments(self, project: str) -> set[str]:
        return {
            id
            for id in self.deployments
            if self.projects[id] == project and not isinstance(self.store.deployment(project, id), DomainError)
        }

    def key_of(self, key: str) -> str | None:
        """The draft that holds *key* now, whoever owns it."""
        found = self.store.get_by_key(key)
        return None if isinstance(found, DomainError) else found.resource.id

    def view(self, project: str) -> str:
        """What *project* owns, as the store holds it: its drafts, their Connectors, its Deployments and logs."""
        store = self.store
        drafts = ok_page(store.query(owner=ident(project), limit=LIMIT_MAX))
        connectors = [store.connector(saved.resource.id) for saved in drafts]
        deployments = ok_page(store.query_deployments(project, limit=LIMIT_MAX))
        document = {
            "drafts": [saved.record for saved in drafts],
            "connectors": [None if isinstance(c, DomainError) else c.record for c in connectors],
            "deployments": [saved.record for saved in deployments],
            "logs": [codec.to_wire(store.deployment_logs(project, id=d.resource.id)) for d in deployments],
        }
        return json.dumps(document, sort_keys=True, default=repr)


def _action(step: Step, staged: dict[str, Any] | None) -> dict[str, Any]:
    """The update action of *step* on *staged*: a removePrivateProject takes a project it lists, when it lists one."""
    other = ident(PROJECTS[step.other])
    listed = [] if staged is None else staged.get("privateProjects", [])
    if step.action == "removePrivateProject" and listed:
        other = listed[step.other % len(listed)]
    actions: dict[str, dict[str, Any]] = {
        "setName": {"action": "setName", "name": f"name {step.target}"},
        "publish": {"action": "publish", "certification": False},
        "certify": {"action": "publish", "certification": True},
        "updatePreviewable": {"action": "updatePreviewable"},
        "addPrivateProject": {"action": "addPrivateProject", "privateProject": other},
        "removePrivateProject": {"action": "removePrivateProject", "privateProject": other},
        "unlist": {"action": "unlist"},
    }
    return actions[step.action]


def perform(world: World, step: Step) -> None:
    """Send *step* as its caller; check what it answers against the oracle, and that no other project's state moved."""
    me = PROJECTS[step.caller]
    store, client = world.store, world.mock.client
    store.now()  # the service's due answers now: the request's own read of the clock then applies none of another's
    draft_id = world.drafts[step.target % len(world.drafts)] if world.drafts else MISSING
    deployment_id = world.deployments[step.target % len(world.deployments)] if world.deployments else MISSING
    key = KEYS[step.key]
    target: str | None = world.key_of(key) if step.by_key else (draft_id if world.staged(draft_id) else None)
    named: str | None = None  # the connector a Deployment's create names
    # flag, on a draft's or a Deployment's endpoint: its owner calls (else the caller drawn, often another).
    if step.flag and step.op in ("get", "update", "delete") and target is not None:
        me = world.owners.get(target, me)
    if step.flag and step.op in DEPLOYMENT_OPS and step.op != "deploy" and not step.by_key:
        me = world.projects.get(deployment_id, me)
    if step.op == "deploy":  # any connector, the caller's or another's: which it may deploy is the point
        named = world.key_of(key) if step.by_key else (draft_id if world.staged(draft_id) else None)
        listing = [] if named is None else [p for p in PROJECTS if world.listed(named, p)]
        if step.as_listed and listing:
            me = listing[step.other % len(listing)]
    others = {project: world.view(project) for project in PROJECTS if project != me}
    path_project = me if step.flag else PROJECTS[step.other]
    body: dict[str, Any] | None = None
    params: dict[str, Any] = {}
    preview = step.target % 3 == 2
    method, path = "GET", ""
    if step.op == "create":
        listed = PROJECTS[(step.caller + 1 + step.other % 2) % len(PROJECTS)]  # another project than the caller
        body = {**DRAFT, "privateProjects": [ident(listed)] if step.by_key else []}
        if step.flag:
            body["key"] = key
        taken = step.flag and world.key_of(key) is not None
        method, path = "POST", "/connectors/drafts"
    elif step.op in ("get", "update", "delete"):
        method = {"get": "GET", "update": "POST", "delete": "DELETE"}[step.op]
        path = f"/connectors/drafts/key={key}" if step.by_key else f"/connectors/drafts/{draft_id}"
        if step.op == "update":
            current = world.staged(target) if target else None
            body = {"version": current["version"] if current else 1, "actions": [_action(step, current)]}
    elif step.op == "query":
        path, params = "/connectors/drafts", {"limit": LIMIT_MAX}
    elif step.op == "search":
        path, params = "/connectors/search", {"limit": LIMIT_MAX, **({"private": "true"} if step.flag else {})}
    elif step.op == "read":
        path = f"/connectors/key={key}" if step.by_key else f"/connectors/{draft_id}"
    elif step.op == "deploy":
        reference = {"key": key} if step.by_key else {"id": draft_id}
        connector = {**reference, **({"staged": True} if preview else {})}
        body = {"connector": connector, "region": DEFAULT_REGION, "configurations": []}
        if step.target % 3 == 1:
            body["type"] = "production"
        if step.update_connector:
            body["key"] = f"dk{step.key}"
        method, path = "POST", f"/{path_project}/deployments"
    elif step.op == "deployment_query":
        path, params = f"/{path_project}/deployments", {"limit": LIMIT_MAX}
    else:
        if step.by_key:  # whether the caller has it, before the request (a delete may remove it at once)
            found = store.deployment_by_key(me, f"dk{step.key}")
            mine = not isinstance(found, DomainError)
            deployment_id = found.resource.id if not isinstance(found, DomainError) else MISSING
        else:
            mine = deployment_id in world.own_deployments(me)
        address = f"key=dk{step.key}" if step.by_key else deployment_id
        path = f"/{path_project}/deployments/{address}"
        if step.op == "logs":
            path += "/logs"
        elif step.op == "deployment_delete":
            method = "DELETE"
        elif step.op == "redeploy":
            found = store.deployment(me, deployment_id)
            version = 1 if isinstance(found, DomainError) else found.resource.version
            action = {"action": "redeploy", **({"updateConnector": True} if step.update_connector else {})}
            method, body = "POST", {"version": version, "actions": [action]}

    answer = client.request(method, path, json=body, params=params, headers=bearer(world.tokens[me]))
    status, text = answer.status_code, answer.text
    assert status < 500, text
    event(f"{step.op}: {status}")
    if 200 <= status < 300 and any(world.owners.get(id, me) != me for id in Ids.PATTERN.findall(text)):
        event(f"{step.op}: {status}, with another project's connector")
    data: Any = answer.json() if text else None

    # What the answer made: a draft, or a Deployment (with its build and applications).
    if step.op == "create" and status == 201:
        world.owners[data["id"]] = me
        world.drafts.append(data["id"])
    if step.op == "deploy" and status == 201:
        for id in set(Ids.PATTERN.findall(text)) - set(world.owners):
            world.projects[id] = me
        world.deployments.append(data["id"])
        world.deployed[data["id"]] = data["connector"]["id"]

    # No answer holds an id its caller may not see: its own, a Connector it may read, one it deploys,
    # or (answering a Deployment's create) the connector it names, when the caller may deploy from it.
    sent = set(Ids.PATTERN.findall(f"{path} {json.dumps(body)}")) if status >= 400 else set()
    deploys = {world.deployed[d] for d in world.deployments if world.projects[d] == me}
    if step.op == "deploy" and named is not None and not world.hidden(named, me, preview):
        deploys.add(named)
    for id in set(Ids.PATTERN.findall(text)) - sent:
        if id in world.owners:
            assert world.owners[id] == me or world.readable(id, me) or id in deploys, (step, id, text)
        else:
            assert world.projects.get(id) == me, (step, id, text)

    # Each endpoint's own rule.
    if step.op in DEPLOYMENT_OPS and path_project != me:
        error(answer, 403, "AuthorizationError")
    elif step.op == "create":
        assert status == (400 if taken else 201), text
    elif step.op in ("get", "update", "delete"):
        if target is None or world.owners.get(target) != me:
            error(answer, 404, "ResourceNotFound")
        else:
            assert status in {"get": (200,), "update": (201, 400), "delete": (200,)}[step.op], text
    elif step.op == "query":
        assert {s["id"] for s in data["results"]} == world.own_drafts(me) and data["total"] == len(data["results"])
    elif step.op == "search":
        expected = {id for id in world.drafts if world.shown(id, me) and (not step.flag or world.listed(id, me))}
        assert {c["id"] for c in data["results"]} == expected and data["total"] == len(expected), (step, text)
    elif step.op == "read":
        read = world.key_of(key) if step.by_key else draft_id
        if read is not None and world.readable(read, me):
            assert status == 200 and data["id"] == read, text
        else:
            error(answer, 404, "ResourceNotFound")
    elif step.op == "deploy":
        if named is None or world.hidden(named, me, preview):
            refused = error(answer, 400, "ConnectorReferenceNotFound")
            identifier = key if step.by_key else draft_id
            assert refused["message"] == f"Connector '{identifier}' with version 1 not found", refused
        elif status == 201:
            assert data["connector"]["id"] == named and not world.hidden(named, me, preview)
    elif step.op == "deployment_query":
        assert {d["id"] for d in data["results"]} == world.own_deployments(me), text
    else:
        if not mine:
            error(answer, 404, "ResourceNotFound")
        elif step.op in ("deployment_get", "logs"):
            assert status == 200, text
        elif step.op == "redeploy" and status == 201 and step.update_connector:
            connector = data["connector"]["id"]
            assert not world.hidden(connector, me, data["type"] == "preview"), (step, text)

    # No request changes what another project owns.
    for project, before in others.items():
        assert world.view(project) == before, f"{step} changed what {project} owns"


@pytest.fixture(scope="module")
def three_projects() -> Iterator[tuple[Mock, dict[str, str]]]:
    """A secured mock of its own, with a manage_project token of each of A, B and C (its clock stands still)."""
    with running(auth=True) as mock:
        yield mock, {project: token_of(mock.client, f"manage_project:{project}") for project in PROJECTS}


@heavy
@given(scenarios)
def test_no_project_sees_or_changes_what_is_not_its_own(
    three_projects: tuple[Mock, dict[str, str]], requests: list[Step]
) -> None:
    """For any requests of three projects: each answer holds only ids its caller may see; none moves another's state."""
    mock, tokens = three_projects
    mock.reset()
    world = World(mock, tokens)
    for step in requests:
        perform(world, step)


#: What the owner of a deployed connector may do to it afterwards: withdraw the project, change it, publish it.
OWNER_ACTIONS: Final = ("removePrivateProject", "addPrivateProject", "setName", "publish", "certify", "unlist",
                        "updatePreviewable")  # fmt: skip


@heavy
@given(
    st.booleans(),
    st.lists(st.sampled_from(OWNER_ACTIONS), max_size=6),
    st.lists(st.tuples(st.sampled_from(("redeploy", "get", "logs")), st.booleans()), min_size=1, max_size=4),
)
def test_a_deployment_brings_its_project_no_connector_it_may_not_see(
    three_projects: tuple[Mock, dict[str, str]], preview: bool, owner_actions: list[str], requests: list[Any]
) -> None:
    """B deploys A's connector that lists B; whatever A does to it afterwards, B's Deployment takes no version
    of it that B may not deploy then (a redeploy with updateConnector is the one way to take one)."""
    mock, tokens = three_projects
    mock.reset()
    world, client = World(mock, tokens), mock.client
    a, b = bearer(tokens[A]), bearer(tokens[B])
    staged = json_of(client.post("/connectors/drafts", json={**DRAFT, "privateProjects": [ident(B)]}, headers=a), 201)
    id = staged["id"]
    world.owners[id] = A
    for action in ({"action": "publish", "certification": False}, {"action": "updatePreviewable"}):
        current = json_of(client.get(f"/connectors/drafts/{id}", headers=a), 200)  # the service answered
        json_of(act(client, id, current["version"], action, headers=a), 201)
    reference = {"id": id, **({"staged": True} if preview else {})}
    body = {"connector": reference, "region": DEFAULT_REGION, "configurations": []}
    created = json_of(client.post(f"/{B}/deployments", json=body, headers=b), 201)
    snapshot = created["connector"]
    for name in owner_actions:  # each may be refused in the state the last left (unlist, say): no matter
        current = json_of(client.get(f"/connectors/drafts/{id}", headers=a), 200)
        action = _action(Step(0, "update", 0, 0, 1, True, False, False, name, False), current)
        assert act(client, id, current["version"], action, headers=a).status_code in (201, 400)
    for op, update_connector in requests:
        path = f"/{B}/deployments/{created['id']}"
        if op == "redeploy":
            version = json_of(client.get(path, headers=b), 200)["version"]
            action = {"action": "redeploy", **({"updateConnector": True} if update_connector else {})}
            answer = client.post(path, json={"version": version, "actions": [action]}, headers=b)
        else:
            answer = client.get(f"{path}/logs" if op == "logs" else path, headers=b)
        assert answer.status_code in (200, 201, 400), answer.text
        now = answer.json().get("connector") if answer.status_code != 400 and op != "logs" else None
        if now is not None and now != snapshot:
            assert op == "redeploy" and update_connector, answer.text
            assert not world.hidden(id, B, preview), (
                f"B's Deployment took a version of a connector it may not see: {now}"
            )
            snapshot = now
