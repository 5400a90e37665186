"""Hostile input at the mock's HTTP edge (mock-service.md, "The HTTP edge"), over real HTTP on loopback.

One server for the module, on a store the tests hold. Before each example the
store is emptied and seeded with two resources (a Draft, and a Published one
with its Connector) and a Deployment of the Connector, so that every example
starts from the same state.

Properties, for generated bodies on every write endpoint (the Deployments'
too), query strings on the read endpoints and headers on a few calls:

- no answer is a 5xx;
- every error answer is an ErrorResponse (``statusCode``, ``message``,
  ``errors``) and every answer carries ``X-Correlation-ID``;
- a refused request (any 4xx) changes nothing: the store's whole state is the
  same before and after.

Examples pin the bounds of that section: a near-miss GitHub URL is refused in
linear time, a body over the limit is 413, a body of many bad values gets a
bounded error, at most 500 actions per request.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from connector_domain import codec
from connector_domain.actions import ConnectorUpdate, Publish
from connector_domain.deployment.model import DeploymentDraft
from connector_domain.errors import DomainError
from connector_domain.events import PublishingSucceeded
from connector_domain.mock.defaults import DEFAULT_AUTHOR, DEFAULT_PROJECT, DEFAULT_REGION
from connector_domain.mock.server import create_app, serving
from connector_domain.mock.store import LIMIT_MAX, SimulatedClock, Store, Stored
from connector_domain.model import ApplicationType, ConnectorConfigurationApplication, ConnectorStagedDraft
from connector_domain.testing import strategies as s
from tests.conftest import heavy
from tests.documents import DROP, at, edit, places
from tests.official_schema import check

START: Final = datetime(2024, 1, 1, tzinfo=UTC)
CALLER: Final = f"{DEFAULT_REGION}:{DEFAULT_PROJECT}"
#: Small enough that a body over it is cheap to send; large enough for 5,000 bad values.
MAX_BODY: Final = 128 * 1024

DRAFT: Final[dict[str, Any]] = {
    "key": "seed-draft",
    "name": "My connector",
    "creator": {"email": "jane.doe@example.com"},
    "repository": {"url": "git@github.com:example/my-connector.git", "tag": "v1.0.0"},
}
DRAFT_KEY: Final = "seed-draft"
PUBLISHED_KEY: Final = "seed-published"
#: The ids the store gives the seeded resources (``_Ids`` counts again after each seeding).
DRAFT_ID: Final = "00000000-0000-4000-8000-000000000001"
PUBLISHED_ID: Final = "00000000-0000-4000-8000-000000000002"
MISSING_ID: Final = "00000000-0000-4000-8000-999999999999"
#: The seeded versions: the Draft as created; the other created, published, then PublishingSucceeded.
DRAFT_VERSION: Final = 1
PUBLISHED_VERSION: Final = 3
#: The seeded Deployment of the Connector, in the caller's project (its build and application take the next ids).
PROJECT: Final = DEFAULT_PROJECT
DEPLOYMENT_ID: Final = "00000000-0000-4000-8000-000000000003"
DEPLOYMENT_KEY: Final = "seed-deployment"
#: What the Connector's connect.yaml declares: one service application with no keys.
APPLICATIONS: Final = (
    ConnectorConfigurationApplication(
        application_name="service",
        application_type=ApplicationType.SERVICE,
        standard_configuration=(),
        secured_configuration=(),
    ),
)
DEPLOYMENT_DRAFT: Final[dict[str, Any]] = {
    "key": DEPLOYMENT_KEY,
    "connector": {"id": PUBLISHED_ID},
    "configurations": [{"applicationName": "service", "standardConfiguration": [], "securedConfiguration": []}],
    "region": DEFAULT_REGION,
}


class _Ids:
    """Resource ids in creation order, counted from 1 again after each seeding (the store is empty then)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"00000000-0000-4000-8000-{self.count:012d}"


@dataclass(frozen=True)
class Mock:
    """The module's server: its base URL, and the store and id factory behind it."""

    url: str
    store: Store
    ids: _Ids


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    """One server for the module, with a small body limit, on a store the tests hold."""
    ids = _Ids()
    store = Store(ids=ids, clock=SimulatedClock(START))
    with serving(create_app(store, max_body=MAX_BODY)) as url:
        yield Mock(url, store, ids)


def settle(url: str) -> None:
    """Wait until the server is past its last request: one more request answered.

    Its single event loop answers nothing else while a request's task runs;
    a fault logged after its answer (Starlette answers 500 first, then the
    server logs the traceback) is then written, and never formatted while a
    test formats its own report (Python 3.11's AST state is shared between
    threads).
    """
    assert httpx.get(f"{url}/__mock__/clock", timeout=10).status_code == 200


@pytest.fixture(scope="module")
def client(mock: Mock) -> Iterator[httpx.Client]:
    """A client of the module's server that settles it after a 5xx and checks every body against the official schema."""

    def settled(answer: httpx.Response) -> None:
        if answer.status_code >= 500:
            settle(mock.url)

    with httpx.Client(base_url=mock.url, timeout=30, event_hooks={"response": [settled, check]}) as client:
        yield client


def _stored(result: Stored[Any] | DomainError) -> Stored[Any]:
    assert not isinstance(result, DomainError), result
    return result


def seed(mock: Mock) -> None:
    """Empty the store, then create the seeded Draft, the seeded Published resource (and its Connector), and a
    Deployment of that Connector."""
    store = mock.store
    store.reset()
    mock.ids.count = 0
    for key in (DRAFT_KEY, PUBLISHED_KEY):
        _stored(store.create(codec.from_wire({**DRAFT, "key": key}, ConnectorStagedDraft), owner=CALLER))
    publish = ConnectorUpdate(version=1, actions=(Publish(certification=False),))
    _stored(store.update(PUBLISHED_ID, publish, by=DEFAULT_AUTHOR))
    succeeded = PublishingSucceeded(configurations=APPLICATIONS)
    assert _stored(store.deliver(PUBLISHED_ID, succeeded)).resource.version == PUBLISHED_VERSION
    draft = codec.from_wire(DEPLOYMENT_DRAFT, DeploymentDraft)
    assert _stored(store.create_deployment(PROJECT, draft)).resource.id == DEPLOYMENT_ID


def _record(result: Stored[Any] | DomainError) -> Any:
    return None if isinstance(result, DomainError) else result.record


def snapshot(store: Store, *keys: str) -> str:
    """The store's whole state as canonical JSON text.

    Its time, its size, every resource's record in creation order, every
    Connector, what a search shows the caller, and what each seeded key and
    each of *keys* names (a key reserved without a resource shows there); the
    Deployments of the caller's project, each with its logs, and what each of
    *keys* names among them.
    """
    page = store.query(limit=LIMIT_MAX)
    search = store.search(project=CALLER, limit=LIMIT_MAX)
    deployments = store.query_deployments(PROJECT, limit=LIMIT_MAX)
    assert not isinstance(page, DomainError) and not isinstance(search, DomainError)
    assert not isinstance(deployments, DomainError)
    state = {
        "now": store.now().isoformat(),
        "size": len(store),
        "staged": [saved.record for saved in page.results],
        "connectors": [_record(store.connector(saved.resource.id)) for saved in page.results],
        "search": [saved.record for saved in search.results],
        "keys": {key: _record(store.get_by_key(key)) for key in (DRAFT_KEY, PUBLISHED_KEY, *keys)},
        "deployments": [saved.record for saved in deployments.results],
        "deployment logs": [
            repr(store.deployment_logs(PROJECT, id=saved.resource.id)) for saved in deployments.results
        ],
        "deployment keys": {key: _record(store.deployment_by_key(PROJECT, key)) for key in (DEPLOYMENT_KEY, *keys)},
    }
    return json.dumps(state, sort_keys=True, default=repr)


def _key_in(body: bytes) -> list[str]:
    """The ``key`` a body names, when it is a JSON object with a string key: a create must not reserve it."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return []
    key = data.get("key") if isinstance(data, dict) else None
    return [key] if isinstance(key, str) else []


def check_envelope(status: int, content_type: str, body: bytes) -> None:
    """An error answer is an ErrorResponse: a JSON object with statusCode, message and errors."""
    assert content_type.startswith("application/json"), (status, content_type, body[:200])
    envelope = json.loads(body)
    assert isinstance(envelope, dict), envelope
    assert envelope.get("statusCode") == status, envelope
    assert isinstance(envelope.get("message"), str), envelope
    errors = envelope.get("errors")
    assert isinstance(errors, list) and errors, envelope
    for error in errors:
        assert isinstance(error, dict) and isinstance(error.get("code"), str), envelope
        assert isinstance(error.get("message"), str), envelope


def check_answer(answer: httpx.Response) -> None:
    """No 5xx; an error is an ErrorResponse; every answer carries X-Correlation-ID."""
    assert answer.status_code < 500, answer.text[:500]
    if answer.status_code >= 400:
        check_envelope(answer.status_code, answer.headers.get("content-type", ""), answer.content)
    assert answer.headers.get("x-correlation-id"), answer.headers


# --- Generated JSON, hostile on purpose --------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """JSON text written as is: a number no JSON library writes, a deep nesting, a broken token."""

    text: str

    def __repr__(self) -> str:
        return f"Raw({self.text[:40]!r}{'...' if len(self.text) > 40 else ''} [{len(self.text)} chars])"


def render(value: Any, ascii: bool) -> str:
    """*value* as JSON text; ``Raw`` parts as they are, strings escaped (``\\ud800``) or raw as *ascii* says."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{render(k, ascii)}:{render(v, ascii)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(render(item, ascii) for item in value) + "]"
    return json.dumps(value, ensure_ascii=ascii)


def encode(text: str) -> bytes:
    """UTF-8, lone surrogates included as the invalid bytes they make."""
    return text.encode("utf-8", "surrogatepass")


_SPECIAL_STRINGS: Final = [
    "", " ", "\x00", "\t\n", "\u202e", "\ufeff", "\u2028", "é", "😀", "\ud800", "\udc00", "a\udfffb",
    "\ude00\ud83d", "null", "true", "0", "-1", "key=", "../../etc/passwd", "%00", "%ff", "<script>",
    "${jndi:ldap://x}", "'; DROP TABLE connectors; --", "\\", '"', "https://github.com/a/" + "a" * 3000 + "!",
    "git@github.com:" + "." * 3000, "a" * 257, "x" * 20_000,
]  # fmt: skip
hostile_strings: Final = st.one_of(
    st.text(max_size=20),
    st.sampled_from(_SPECIAL_STRINGS),
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3),  # lone surrogates
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "😀", "\x00", " ", "-"]), st.integers(0, 5_000)),
)

_NUMBER_TOKENS: Final = [
    "1e999", "-1e999", "1e-999", "1E400", "-0", "0.0", "1.0", "NaN", "Infinity", "-Infinity", "01", "1.", ".5",
    "+1", "0x10", "1_000", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
    "18446744073709551616", "1" + "0" * 4299, "1" + "0" * 4300,
]  # fmt: skip
hostile_numbers: Final = st.one_of(
    st.sampled_from([Raw(token) for token in _NUMBER_TOKENS]),
    st.integers(0, 6_000).map(lambda n: Raw("1" + "0" * n)),
    st.integers(0, 6_000).map(lambda n: Raw("-9" + "9" * n)),
    st.integers(-400, 400).map(lambda e: Raw(f"1e{e}")),
    st.integers(),
    st.floats(),
)


def _nesting(depth: int, kind: str) -> Raw:
    if kind == "array":
        return Raw("[" * depth + "]" * depth)
    if kind == "object":
        return Raw('{"a":' * depth + "0" + "}" * depth)
    return Raw("[" * depth)  # never closed


depths: Final = st.one_of(st.integers(0, 3_000), st.sampled_from([990, 1_023, 1_024, 1_025, 50_000]))
deep_values: Final = st.builds(_nesting, depths, st.sampled_from(["array", "object", "unclosed"]))

hostile_values: Final = st.recursive(
    st.one_of(st.none(), st.booleans(), hostile_numbers, hostile_strings, deep_values),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(hostile_strings, children, max_size=3),
    max_leaves=6,
)


@st.composite
def mutated(draw: st.DrawFn, documents: st.SearchStrategy[Any]) -> Any:
    """A document of *documents* with up to three things made hostile: a value replaced, dropped or added."""
    document = draw(documents)
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(places(document)))
        change = draw(st.sampled_from(["replace", "drop", "add"]))
        if change == "drop" and path:
            document = edit(document, path, DROP)
        elif change == "add":
            here = at(document, path)
            if isinstance(here, dict):
                document = edit(document, path, {**here, draw(hostile_strings): draw(hostile_values)})
            elif isinstance(here, list):
                document = edit(document, path, [*here, draw(hostile_values)])
        else:
            document = edit(document, path, draw(hostile_values))
    return document


def _draft_documents() -> st.SearchStrategy[Any]:
    return s.drafts().map(codec.to_wire)


_action_documents: Final = st.one_of(s.update_action_documents(), s.update_action_documents(valid=False))
versions: Final[st.SearchStrategy[Any]] = st.one_of(
    st.sampled_from([DRAFT_VERSION, PUBLISHED_VERSION, 2, 0, -1, 2**63, "1", None, True, 1.0, [], {}]),
    hostile_numbers,
)
_many_actions: Final = st.builds(
    lambda action, n: [action] * n, _action_documents, st.sampled_from([100, 499, 500, 501, 1_000, 5_000])
)


def _update_documents() -> st.SearchStrategy[Any]:
    actions = st.one_of(st.lists(_action_documents, max_size=4), _many_actions)
    return st.one_of(
        st.builds(lambda version, actions: {"version": version, "actions": actions}, versions, actions),
        s.malformed_update_documents(),
    )


def _event_documents() -> st.SearchStrategy[Any]:
    return st.one_of(s.service_events().map(codec.to_wire), st.builds(lambda t: {"type": t}, hostile_strings))


def _deployment_draft_documents() -> st.SearchStrategy[Any]:
    """The seeded draft again (its key taken), with a new key or none (a new Deployment), and drafts of any kind."""
    fits = st.builds(lambda key: {**DEPLOYMENT_DRAFT, "key": key}, st.sampled_from([DEPLOYMENT_KEY, "new-key"]))
    return st.one_of(fits, st.just({k: v for k, v in DEPLOYMENT_DRAFT.items() if k != "key"}),
                     s.deployment_drafts().map(codec.to_wire))  # fmt: skip


def _deployment_update_documents() -> st.SearchStrategy[Any]:
    actions = st.one_of(s.redeploys().map(codec.to_wire), s.update_action_documents(valid=False))
    many = st.builds(lambda action, n: [action] * n, actions, st.sampled_from([100, 500, 501, 5_000]))
    return st.builds(
        lambda version, actions: {"version": version, "actions": actions},
        versions,
        st.one_of(st.lists(actions, max_size=3), many),
    )


def _deployment_event_documents() -> st.SearchStrategy[Any]:
    return st.one_of(
        s.deployment_service_events().map(codec.to_wire), st.builds(lambda t: {"type": t}, hostile_strings)
    )


def _clock_documents() -> st.SearchStrategy[Any]:
    seconds = st.one_of(st.integers(0, 10**6), st.floats(0, 1e6), hostile_values)
    return st.builds(lambda n: {"seconds": n}, seconds)


_BOMS: Final = [b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe", b"\xef\xbb\xbf\xef\xbb\xbf"]


@st.composite
def framed(draw: st.DrawFn, text: str) -> bytes:
    """*text* as a body: UTF-8, or behind a BOM, in another encoding, cut short or with bytes added."""
    how = draw(st.sampled_from(["utf-8", "bom", "utf-16", "utf-32", "cut", "insert", "trailing", "leading"]))
    body = encode(text)
    if how == "bom":
        return draw(st.sampled_from(_BOMS)) + body
    if how in ("utf-16", "utf-32"):
        codec_name = draw(st.sampled_from([how, f"{how}-le", f"{how}-be"]))
        return text.encode(codec_name, "surrogatepass")
    if how == "cut":
        return body[: draw(st.integers(0, max(len(body) - 1, 0)))]
    if how == "insert":
        at = draw(st.integers(0, len(body)))
        return body[:at] + draw(st.binary(min_size=1, max_size=3)) + body[at:]
    if how == "trailing":
        return body + draw(st.sampled_from([b"x", b",", b"}", b"]", b"\x00", b"{}", b" \n"]))
    if how == "leading":
        return draw(st.sampled_from([b" ", b"\n\t", b"\x00", b"\x0b"])) + body
    return body


def bodies(documents: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """Request bodies around *documents*: made hostile, framed oddly, deeply nested, or any bytes."""
    texts = st.builds(render, mutated(documents), st.booleans())
    return st.one_of(
        texts.map(encode),
        texts.flatmap(framed),
        deep_values.map(lambda raw: encode(raw.text)),
        st.binary(max_size=64),
        st.sampled_from([b"", b"null", b"[]", b"{}", b'""', b"0", b" ", b"\xef\xbb\xbf", b"{" * 2, b"\x80abc"]),
    )


# --- Part 1: generated bodies on every write endpoint ------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request: method, path (with its query string) and body."""

    method: str
    path: str
    body: bytes

    def __repr__(self) -> str:
        body = self.body if len(self.body) <= 300 else self.body[:300] + b"..."
        path = self.path if len(self.path) <= 300 else self.path[:300] + "..."
        return f"Call({self.method} {path!r}, body={body!r} [{len(self.body)} bytes])"


_sane_versions: Final = st.sampled_from(["", "?version=1", "?version=3", "?version=2", "?version=x", "?version=-1"])


def _on(method: str, paths: list[str], documents: st.SearchStrategy[Any]) -> st.SearchStrategy[Call]:
    return st.builds(Call, st.just(method), st.sampled_from(paths), bodies(documents))


def _hostile_segment() -> st.SearchStrategy[str]:
    return hostile_strings.filter(lambda t: len(t) < 2_000).map(
        lambda t: urllib.parse.quote(t.encode("utf-8", "surrogatepass"), safe="")
    )


_drafts_at: Final = ["/connectors/drafts", "/connectors/drafts/"]
_updates_at: Final = [
    f"/connectors/drafts/{DRAFT_ID}", f"/connectors/drafts/{PUBLISHED_ID}", f"/connectors/drafts/{MISSING_ID}",
    f"/connectors/drafts/key={DRAFT_KEY}", f"/connectors/drafts/key={PUBLISHED_KEY}", "/connectors/drafts/key=",
    "/connectors/drafts/key=missing", f"/connectors/drafts/{DRAFT_ID}/",
]  # fmt: skip
_deletes_at: Final = [
    f"/connectors/drafts/{DRAFT_ID}", f"/connectors/drafts/{PUBLISHED_ID}", f"/connectors/drafts/key={DRAFT_KEY}",
    f"/connectors/drafts/key={PUBLISHED_KEY}", f"/connectors/drafts/{MISSING_ID}", "/connectors/drafts/key=",
]  # fmt: skip
_events_at: Final = [
    f"/__mock__/connectors/drafts/{PUBLISHED_ID}/events", f"/__mock__/connectors/drafts/{DRAFT_ID}/events",
    f"/__mock__/connectors/drafts/{MISSING_ID}/events", "/__mock__/connectors/drafts/key=/events",
]  # fmt: skip
_deployments_at: Final = [f"/{PROJECT}/deployments", f"/{PROJECT}/deployments/", "/other-project/deployments"]
_deployment_at: Final = [
    f"/{PROJECT}/deployments/{DEPLOYMENT_ID}", f"/{PROJECT}/deployments/key={DEPLOYMENT_KEY}",
    f"/{PROJECT}/deployments/{MISSING_ID}", f"/{PROJECT}/deployments/key=",
    f"/other-project/deployments/{DEPLOYMENT_ID}", f"/x/deployments/{DEPLOYMENT_ID}",
    f"/{PROJECT}/deployments/{DEPLOYMENT_ID}/",
]  # fmt: skip
_deployment_events_at: Final = [
    f"/__mock__/{PROJECT}/deployments/{DEPLOYMENT_ID}/events", f"/__mock__/{PROJECT}/deployments/{MISSING_ID}/events",
    f"/__mock__/{PROJECT}/deployments/key=/events", f"/__mock__/x/deployments/{DEPLOYMENT_ID}/events",
]  # fmt: skip
#: A method the path does not answer: 405, which is a refusal like any other.
_other_methods: Final = st.sampled_from(
    [
        ("PUT", "/connectors/drafts"),
        ("PATCH", f"/connectors/drafts/{DRAFT_ID}"),
        ("DELETE", "/connectors/drafts"),
        ("PUT", "/__mock__/clock"),
        ("DELETE", "/__mock__/reset"),
        ("OPTIONS", f"/connectors/drafts/key={DRAFT_KEY}"),
        ("POST", f"/connectors/{PUBLISHED_ID}"),
        ("POST", "/connectors/search"),
        ("PUT", f"/{PROJECT}/deployments"),
        ("PATCH", f"/{PROJECT}/deployments/{DEPLOYMENT_ID}"),
        ("POST", f"/{PROJECT}/deployments/{DEPLOYMENT_ID}/logs"),
        ("DELETE", f"/__mock__/{PROJECT}/deployments/{DEPLOYMENT_ID}/events"),
    ]
)

#: The write endpoints, each with the calls generated for it.
WRITES: Final[dict[str, st.SearchStrategy[Call]]] = {
    "create": _on("POST", _drafts_at, _draft_documents()),
    "update": _on("POST", _updates_at, _update_documents()),
    "update-any-id": st.builds(
        Call,
        st.just("POST"),
        _hostile_segment().map(lambda segment: f"/connectors/drafts/{segment}"),
        bodies(_update_documents()),
    ),
    "delete": st.builds(
        Call,
        st.just("DELETE"),
        st.builds(lambda path, query: path + query, st.sampled_from(_deletes_at), _sane_versions),
        bodies(_draft_documents()),
    ),
    "event": _on("POST", _events_at, _event_documents()),
    "deployment-create": _on("POST", _deployments_at, _deployment_draft_documents()),
    "deployment-create-any-project": st.builds(
        Call,
        st.just("POST"),
        _hostile_segment().map(lambda segment: f"/{segment}/deployments"),
        bodies(_deployment_draft_documents()),
    ),
    "deployment-update": _on("POST", _deployment_at, _deployment_update_documents()),
    "deployment-update-any-id": st.builds(
        Call,
        st.just("POST"),
        _hostile_segment().map(lambda segment: f"/{PROJECT}/deployments/{segment}"),
        bodies(_deployment_update_documents()),
    ),
    "deployment-delete": st.builds(
        Call,
        st.just("DELETE"),
        st.builds(lambda path, query: path + query, st.sampled_from(_deployment_at), _sane_versions),
        bodies(_deployment_draft_documents()),
    ),
    "deployment-event": _on("POST", _deployment_events_at, _deployment_event_documents()),
    "clock": _on("POST", ["/__mock__/clock", "/__mock__/clock/"], _clock_documents()),
    "reset": _on("POST", ["/__mock__/reset"], _clock_documents()),
    "other-method": st.builds(
        lambda pair, body: Call(pair[0], pair[1], body), _other_methods, bodies(_update_documents())
    ),
}


@pytest.mark.parametrize("endpoint", WRITES)
@heavy
@given(data=st.data())
def test_no_body_breaks_a_write_endpoint(mock: Mock, client: httpx.Client, endpoint: str, data: st.DataObject) -> None:
    """Whatever body a write endpoint gets: no 5xx, an ErrorResponse for an error, and a refusal changes nothing."""
    call = data.draw(WRITES[endpoint], label="call")
    seed(mock)
    keys = _key_in(call.body)
    before = snapshot(mock.store, *keys)
    answer = client.request(call.method, call.path, content=call.body)
    event(f"{call.method} {answer.status_code}")
    check_answer(answer)
    if 400 <= answer.status_code < 500:
        assert snapshot(mock.store, *keys) == before, answer.text[:500]


# --- Part 1: generated query strings on the read endpoints -------------------------------------


_PARAMETERS: Final = [
    "limit", "offset", "version", "isPrivate", "private", "text", "sort", "integrationTypes", "id", "key",
    "creator.company", "expand", "where", "deploymentType", "applicationName", "startDate", "endDate", "pageToken",
]  # fmt: skip
_ODD_NAMES: Final = ["lim%69t", "LIMIT", "limit%00", "limit[]", "%20limit", "off%73et", "ver%73ion", "", "%"]
_NUMBER_SPECIALS: Final = [
    "", "0", "1", "20", "500", "501", "10000", "10001", "-1", "+5", " 5", "5 ", "1_000", "1e3", "0x10", "5.0",
    "0000000000000000000000001", "\u0661\u0662\u0663", "\uff15", "\u00b2",
]  # fmt: skip
_SPECIAL_VALUES: Final = [
    *_NUMBER_SPECIALS, "true", "false", "True", "TRUE", "yes", "null",
    "name asc", "createdAt desc", "name", "name asc asc", " asc", "colour asc", "tax", "fax", "mc-app",
    "preview", "sandbox", "Production", "service", "2024-01-01T00:00:00Z", "2023-11-01T00:00:00.000+01:00",
    "2024-01-01T00:00:00", "2024-02-30T00:00:00Z", "9999-12-31T23:59:59.999Z", "0001-01-01T00:00:00Z",
    "MTpzZWVk",
]  # fmt: skip
#: Values for limit, offset and version: integers past int64 and past the interpreter's 4,300 digits among them.
number_values: Final = st.one_of(
    st.sampled_from(_NUMBER_SPECIALS),
    st.integers(0, 6_000).map(lambda n: "9" * n),
    st.sampled_from([19, 20, 4_300, 4_301, 5_000]).map(lambda n: "9" * n),
    st.integers(0, 6_000).map(lambda n: "1" + "0" * n),
    st.integers(0, 2**70).map(str),
)
query_values: Final = st.one_of(
    st.sampled_from(_SPECIAL_VALUES), number_values, hostile_strings.filter(lambda t: len(t) < 6_000)
)
_NUMBER_NAMES: Final = {"limit", "offset", "version", "lim%69t", "off%73et", "ver%73ion"}


@st.composite
def _encoded(draw: st.DrawFn, value: str) -> str:
    """*value* in a query string: percent-encoded (UTF-8, or invalid bytes), with + for spaces, or broken."""
    utf8 = value.encode("utf-8", "surrogatepass")
    how = draw(st.sampled_from(["quote", "quote", "quote", "plus", "latin", "utf-16", "broken", "double"]))
    if how == "plus":
        return urllib.parse.quote_plus(utf8)
    if how == "latin":
        return urllib.parse.quote(value.encode("latin-1", "replace"), safe="")
    if how == "utf-16":
        data = value.encode("utf-16", "surrogatepass")
        return "%" + data.hex("%") if data else ""
    if how == "broken":
        return urllib.parse.quote(utf8, safe="") + draw(st.sampled_from(["%", "%z", "%zz", "%e2%82", "%c0%af"]))
    if how == "double":
        return urllib.parse.quote(urllib.parse.quote(utf8, safe=""), safe="")
    return urllib.parse.quote(utf8, safe="")


#: The longest query string sent: well under the 64 KiB of a URL that httpx sends.
QUERY_MAX: Final = 48_000


@st.composite
def query_strings(draw: st.DrawFn) -> str:
    """A query string of up to six parameters, names repeated at will, values hostile, oddly encoded."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.one_of(st.sampled_from(_PARAMETERS), st.sampled_from(_ODD_NAMES)))
        if draw(st.integers(0, 9)) == 0:
            part = name  # no "="
        else:
            values = st.one_of(number_values, query_values) if name in _NUMBER_NAMES else query_values
            part = f"{name}={draw(_encoded(draw(values)))}"
        if sum(map(len, parts)) + len(part) + len(parts) * 2 > QUERY_MAX:
            break
        parts.append(part)
    separator = draw(st.sampled_from(["&", "&", "&&", ";"]))
    return separator.join(parts)


#: The reads, and the DELETEs, whose version is a query parameter.
READS: Final = [
    ("GET", "/connectors/drafts"),
    ("GET", "/connectors/search"),
    ("GET", f"/connectors/drafts/{DRAFT_ID}"),
    ("GET", f"/connectors/drafts/key={PUBLISHED_KEY}"),
    ("GET", f"/connectors/{PUBLISHED_ID}"),
    ("GET", f"/connectors/key={PUBLISHED_KEY}"),
    ("GET", "/__mock__/clock"),
    ("DELETE", f"/connectors/drafts/{DRAFT_ID}"),
    ("DELETE", f"/connectors/drafts/key={PUBLISHED_KEY}"),
    ("GET", f"/{PROJECT}/deployments"),
    ("GET", f"/{PROJECT}/deployments/{DEPLOYMENT_ID}"),
    ("GET", f"/{PROJECT}/deployments/key={DEPLOYMENT_KEY}"),
    ("GET", f"/{PROJECT}/deployments/{DEPLOYMENT_ID}/logs"),
    ("GET", f"/{PROJECT}/deployments/key={DEPLOYMENT_KEY}/logs"),
    ("DELETE", f"/{PROJECT}/deployments/{DEPLOYMENT_ID}"),
    ("DELETE", f"/{PROJECT}/deployments/key={DEPLOYMENT_KEY}"),
]


@pytest.mark.parametrize(("method", "path"), READS)
@heavy
@given(query=query_strings())
def test_no_query_string_breaks_a_read(mock: Mock, client: httpx.Client, method: str, path: str, query: str) -> None:
    """Whatever query string a read (or a DELETE's version) gets: no 5xx, an ErrorResponse, nothing changed."""
    seed(mock)
    before = snapshot(mock.store)
    answer = client.request(method, f"{path}?{query}")
    event(f"{method} {answer.status_code}")
    check_answer(answer)
    if 400 <= answer.status_code < 500:
        assert snapshot(mock.store) == before, answer.text[:500]


# --- Part 1: generated headers, over a raw socket ----------------------------------------------


@dataclass(frozen=True)
class Exchange:
    """A request written byte by byte (headers an HTTP client would not send), on a connection of its own."""

    method: str
    path: str
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    def promises_more(self) -> bool:
        """Whether a Content-Length promises more bytes than the body has (the request never ends)."""
        for name, value in self.headers:
            if name.lower() == b"content-length":
                for part in value.split(b","):
                    digits = part.strip().lstrip(b"0")
                    if digits.isdigit() and (len(digits) > 18 or int(digits) > len(self.body)):
                        return True
        return False

    def sent_correlation_id(self) -> bytes | None:
        for name, value in self.headers:
            if name.lower() == b"x-correlation-id":
                return value.strip(b" \t")
        return None


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[bytes, bytes]
    body: bytes


def exchange(url: str, request: Exchange, *, timeout: float = 10) -> RawAnswer | None:
    """Send *request* (then close the sending side) and read the answer; None when the server answered nothing."""
    host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
    assert host is not None and port is not None
    head = b"%s %s HTTP/1.1\r\n" % (request.method.encode(), request.path.encode())
    head += b"Connection: close\r\n"
    head += b"".join(name + b": " + value + b"\r\n" for name, value in request.headers)
    data = b""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(head + b"\r\n" + request.body)
        sock.shutdown(socket.SHUT_WR)
        while chunk := sock.recv(65536):
            data += chunk
    if not data:
        return None
    top, _, body = data.partition(b"\r\n\r\n")
    lines = top.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    headers: dict[bytes, bytes] = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.setdefault(name.strip().lower(), value.strip())
    if b"content-length" in headers:
        body = body[: int(headers[b"content-length"])]
    return RawAnswer(status, headers, body)


#: Header values as HTTP allows them: visible ASCII and bytes above 0x7f, single spaces and tabs inside.
_visible: Final = st.lists(st.one_of(st.integers(0x21, 0x7E), st.integers(0x80, 0xFF)), min_size=1, max_size=12)
field_values: Final = st.lists(_visible.map(bytes), max_size=4).flatmap(
    lambda words: st.sampled_from([b" ", b"\t"]).map(lambda gap: gap.join(words))
)
_LOOPBACK: Final = [b"localhost", b"LOCALHOST:8080", b"[::1]:80", b"127.5.6.7", b"localhost.", b"127.0.0.1:1"]
_HOSTS: Final = [
    b"127.0.0.1", b"localhost", b"LOCALHOST:8080", b"[::1]:80", b"127.5.6.7", b"attacker.example", b"10.0.0.1",
    b"127.0.0.1.attacker.example", b"", b"[", b"[::1", b"[::1]x", b"::1", b"localhost.", b"localhost:abc",
    b"127.0.0.1:99999999", b"0x7f.1", b"2130706433", b"\xff\xfe", b"a b", b"[v1.x]",
]  # fmt: skip
#: IPv6 literals, right and wrong: what URL parsers trip on.
_BRACKETS: Final = [b"[::1]", b"[::1]:3000", b"[", b"]", b"[]", b"[::1", b"::1]", b"[::1]]", b"[[::1]", b"[v1.x]"]
_ORIGINS: Final = [
    b"null", b"http://localhost:3000", b"http://127.0.0.1", b"https://evil.example", b"http://localhost.evil.example",
    b"http://[", b"http://[::1", b"http://[::1]:3000", b"http://[v1.x]", b"://", b"http://", b"file:///etc",
    b"http://user@localhost", b"http://localhost:99999", b"http://localhost:abc", b"\xff", b"", b"localhost",
    b"http://evil.example@localhost", b"http://localhost@evil.example",
]  # fmt: skip
_CONTENT_TYPES: Final = [
    b"application/json", b"text/plain", b"application/x-www-form-urlencoded", b"multipart/form-data; boundary=x",
    b"application/json; charset=utf-16", b"", b"*/*", b"application/json, text/plain",
]  # fmt: skip
_EDGE_CALLS: Final = [
    ("GET", "/connectors/drafts", b""),
    ("POST", "/connectors/drafts", json.dumps({**DRAFT, "key": "edge-draft"}).encode()),
    ("POST", f"/connectors/drafts/{DRAFT_ID}", b'{"version": 1, "actions": [{"action": "setName", "name": "Edge"}]}'),
    ("POST", "/__mock__/clock", b'{"seconds": 60}'),
    ("POST", "/__mock__/reset", b""),
    ("DELETE", f"/connectors/drafts/{DRAFT_ID}?version=1", b""),
]


def _lengths(n: int) -> st.SearchStrategy[bytes]:
    """Content-Length values that HTTP can frame, for a body of *n* bytes: right, short, long, over the limit."""
    return st.sampled_from(
        [b"%d" % n, b"%d" % max(n - 1, 0), b"0", b"%d" % (n + 1), b"%d, %d" % (n, n), b"000%d" % n,
         b"%d" % (MAX_BODY + 1), b"9" * 20]
    )  # fmt: skip


@st.composite
def exchanges(draw: st.DrawFn) -> Exchange:
    """One of a few calls, well-formed HTTP, with generated Host, Origin, Content-Length, Content-Type and
    X-Correlation-ID: one Host, a Content-Length of digits (the same if repeated), the others any number of times.
    """
    method, path, body = draw(st.sampled_from(_EDGE_CALLS))
    name = st.sampled_from
    host = st.one_of(st.just(b"127.0.0.1"), name(_LOOPBACK), name(_HOSTS), field_values)  # often past the Host check
    headers = [(draw(name([b"Host", b"host", b"HOST"])), draw(host))]
    origins = st.one_of(
        name(_ORIGINS),
        st.builds(bytes.__add__, name([b"http://", b"https://", b"file://", b"//", b""]), name(_LOOPBACK + _HOSTS)),
        st.builds(bytes.__add__, name([b"http://", b"https://"]), name(_BRACKETS)),
        field_values,
    )
    for value in draw(st.one_of(st.just([]), st.lists(origins, min_size=1, max_size=2))):
        headers.append((b"Origin", value))
    length = draw(st.one_of(st.just(b"%d" % len(body)), _lengths(len(body))))
    headers += [(b"Content-Length", length)] * draw(st.sampled_from([1, 1, 1, 0, 2]))
    for value in draw(st.lists(st.one_of(name(_CONTENT_TYPES), field_values), max_size=2)):
        headers.append((b"Content-Type", value))
    correlation = st.one_of(name([b"my-trace-1", b"", b"x" * 256, b"x" * 257, b"\xff\xfe"]), field_values)
    for value in draw(st.lists(correlation, max_size=2)):
        headers.append((draw(name([b"X-Correlation-ID", b"x-correlation-id"])), value))
    order = draw(st.permutations(range(len(headers))))
    return Exchange(method, path, tuple(headers[i] for i in order), body)


@st.composite
def malformed_exchanges(draw: st.DrawFn) -> Exchange:
    """A well-formed exchange with one thing HTTP/1.1 forbids, or its server (h11) cannot frame: no Host or two,
    a Content-Length that is no number, two that differ, or one of more than 20 digits, a NUL, vertical tab or
    form feed in a header value, a bad header name.
    """
    request = draw(exchanges())
    headers = list(request.headers)
    hosts = [i for i, (name, _) in enumerate(headers) if name.lower() == b"host"]
    defect = draw(st.sampled_from(["no host", "two hosts", "length", "lengths", "control", "name"]))
    if defect == "no host":
        headers = [header for i, header in enumerate(headers) if i not in hosts]
    elif defect == "two hosts":
        headers.append((b"Host", draw(st.sampled_from([b"127.0.0.1", b"evil.example"]))))
    elif defect == "length":
        headers = [header for header in headers if header[0] != b"Content-Length"]
        bad = draw(
            st.sampled_from(
                [b"abc", b"-1", b"+%d" % len(request.body), b"0x10", b"1e3", b"", b"1;2", b"9" * 21, b"9" * 5_000]
            )
        )
        headers.append((b"Content-Length", bad))
    elif defect == "lengths":
        headers = [header for header in headers if header[0] != b"Content-Length"]
        headers.append((b"Content-Length", b"%d,%d" % (len(request.body), len(request.body) + 1)))
    elif defect == "control":
        at = draw(st.integers(0, len(headers) - 1))
        name, value = headers[at]
        headers[at] = (name, value + draw(st.sampled_from([b"\x00", b"\x0b", b"\x0c"])) + b"x")
    else:
        headers.append((draw(st.sampled_from([b"Bad Name", b"", b"(x)", b"Na\xffme"])), b"1"))
    return Exchange(request.method, request.path, tuple(headers), request.body)


def check_exchange(mock: Mock, request: Exchange) -> RawAnswer | None:
    """*request*'s answer, with the properties of every answer; None when the server answered nothing.

    A request whose Content-Length promises more than it sends never ends: the
    server may answer it nothing, and it changes nothing either.
    """
    seed(mock)
    keys = _key_in(request.body)
    before = snapshot(mock.store, *keys)
    answer = exchange(mock.url, request)
    if answer is None or answer.status >= 500:
        settle(mock.url)  # the server may still be ending the request: its connection closed first
    if answer is None:
        assert request.promises_more(), request
        assert snapshot(mock.store, *keys) == before
        return None
    event(f"{request.method} {answer.status}")
    assert answer.status < 500, answer
    if answer.status >= 400:
        check_envelope(answer.status, answer.headers.get(b"content-type", b"").decode("latin-1"), answer.body)
    assert answer.headers.get(b"x-correlation-id"), answer
    if 400 <= answer.status < 500:
        assert snapshot(mock.store, *keys) == before, answer
    return answer


@given(request=exchanges())
def test_no_header_breaks_the_edge(mock: Mock, request: Exchange) -> None:
    """Whatever Host, Origin, Content-Length, Content-Type and X-Correlation-ID a request has: the same properties.

    And X-Correlation-ID comes back as first sent, when it is not empty nor over 256 bytes.
    """
    answer = check_exchange(mock, request)
    sent = request.sent_correlation_id()
    if answer is not None and sent and len(sent) <= 256:
        assert answer.headers[b"x-correlation-id"] == sent, answer


@given(request=malformed_exchanges())
def test_malformed_http_is_refused_like_any_request(mock: Mock, request: Exchange) -> None:
    """A request HTTP/1.1 forbids (no Host, a Content-Length that is no number, ...): a 4xx ErrorResponse."""
    answer = check_exchange(mock, request)
    assert answer is None or 400 <= answer.status < 500, answer


# --- Part 2: examples ---------------------------------------------------------------------------


@pytest.fixture
def store(mock: Mock) -> Store:
    """The module's store, seeded."""
    seed(mock)
    return mock.store


def refusal(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The ErrorResponse of *answer*, checked: status, envelope and first code."""
    assert answer.status_code == status, answer.text[:500]
    check_answer(answer)
    body: dict[str, Any] = answer.json()
    assert body["errors"][0]["code"] == code, body
    return body


def detail(body: dict[str, Any]) -> str:
    message: str = body["errors"][0].get("detailedErrorMessage", "")
    return message


#: Long enough that a regular expression that backtracks would take seconds (quadratic); no time is measured.
NEAR_MISS: Final = "https://github.com/a/" + "a" * 5_000 + "!"


def test_a_near_miss_url_in_a_draft_is_refused_naming_repository_url(client: httpx.Client, store: Store) -> None:
    """A GitHub URL that almost matches, 5,000 characters long, in a draft: 400 naming repository.url."""
    before = snapshot(store, "near-miss")
    draft = {**DRAFT, "key": "near-miss", "repository": {"url": NEAR_MISS, "tag": "v1.0.0"}}
    body = refusal(client.post("/connectors/drafts", json=draft), 400, "InvalidJsonInput")
    assert detail(body).startswith("repository.url: "), detail(body)[:200]
    assert snapshot(store, "near-miss") == before


def test_a_near_miss_url_in_set_repository_is_refused_naming_its_url(client: httpx.Client, store: Store) -> None:
    """The same URL in a setRepository action: 400 naming the action's url, and the resource is unchanged."""
    before = snapshot(store)
    update = {"version": DRAFT_VERSION, "actions": [{"action": "setRepository", "url": NEAR_MISS, "tag": "v2"}]}
    body = refusal(client.post(f"/connectors/drafts/{DRAFT_ID}", json=update), 400, "InvalidJsonInput")
    assert detail(body).startswith("actions[0].url: "), detail(body)[:200]
    assert snapshot(store) == before


def _draft_of_size(size: int, key: str) -> bytes:
    """A valid draft of exactly *size* bytes, its description padding it."""
    empty = json.dumps({**DRAFT, "key": key, "description": ""}).encode()
    body = json.dumps({**DRAFT, "key": key, "description": "x" * (size - len(empty))}).encode()
    assert len(body) == size
    return body


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_is_413_and_stores_nothing(client: httpx.Client, store: Store, chunked: bool) -> None:
    """A valid draft one byte over max_body: 413 PayloadTooLarge, by its length or as it arrives; nothing is stored."""
    before = snapshot(store, "too-large")
    big = _draft_of_size(MAX_BODY + 1, "too-large")
    content: bytes | Iterator[bytes] = iter([big[: MAX_BODY // 2], big[MAX_BODY // 2 :]]) if chunked else big
    answer = client.post("/connectors/drafts", content=content)
    assert ("content-length" in answer.request.headers) is not chunked
    body = refusal(answer, 413, "PayloadTooLarge")
    assert f"{MAX_BODY} bytes" in body["message"]
    assert snapshot(store, "too-large") == before


def test_a_body_of_exactly_the_limit_is_read(client: httpx.Client, store: Store) -> None:
    """A valid draft of exactly max_body bytes is created: the limit is the largest body read."""
    answer = client.post("/connectors/drafts", content=_draft_of_size(MAX_BODY, "at-the-limit"))
    assert answer.status_code == 201, answer.text[:500]
    assert len(store) == 3


def _listed(text: str, prefix: str) -> int:
    """How many problems under *prefix* (``prefix[i]``) *text* names."""
    return len(re.findall(re.escape(prefix) + r"\[\d+\]", text))


def check_bounded(answer: httpx.Response, one: httpx.Response, prefix: str, more: int | None) -> None:
    """*answer* is InvalidJsonInput listing at most 100 problems under *prefix*, then *more* (a count) when given.

    *one* answers the same body with a single bad value: *answer* is at most
    101 times its size (100 problems, and the count of the others).
    """
    body = refusal(answer, 400, "InvalidJsonInput")
    assert _listed(answer.text, prefix) <= 100, f"{_listed(answer.text, prefix)} problems listed"
    if more is not None:
        assert re.search(f"{more:,}".replace(",", r"[,.\s]?"), detail(body)), detail(body)[-300:]
    assert len(answer.content) <= 101 * len(one.content), f"{len(answer.content)} bytes"


def test_5000_empty_integration_types_give_a_bounded_error(client: httpx.Client, store: Store) -> None:
    """A draft (under the body limit) with 5,000 empty integrationTypes: 400 listing 100 problems and 4,900 more."""
    before = snapshot(store, "many")
    many = client.post("/connectors/drafts", json={**DRAFT, "key": "many", "integrationTypes": [""] * 5_000})
    one = client.post("/connectors/drafts", json={**DRAFT, "key": "many", "integrationTypes": [""]})
    assert len(many.request.content) < MAX_BODY
    check_bounded(many, one, "integrationTypes", 4_900)
    assert snapshot(store, "many") == before


def test_400_unknown_actions_give_a_bounded_error(client: httpx.Client, store: Store) -> None:
    """400 unknown actions (under the 500-action limit): 400 listing 100 problems and 300 more."""
    before = snapshot(store)
    update = {"version": DRAFT_VERSION, "actions": [{"action": "teleport"}] * 400}
    many = client.post(f"/connectors/drafts/{DRAFT_ID}", json=update)
    one = client.post(f"/connectors/drafts/{DRAFT_ID}", json={**update, "actions": [{"action": "teleport"}]})
    check_bounded(many, one, "actions", 300)
    assert snapshot(store) == before


def test_5000_unknown_actions_give_a_bounded_error(client: httpx.Client, store: Store) -> None:
    """5,000 unknown actions (under the body limit): 400 InvalidJsonInput, no larger than 101 problems' worth."""
    before = snapshot(store)
    update = {"version": DRAFT_VERSION, "actions": [{"action": "teleport"}] * 5_000}
    many = client.post(f"/connectors/drafts/{DRAFT_ID}", json=update)
    one = client.post(f"/connectors/drafts/{DRAFT_ID}", json={**update, "actions": [{"action": "teleport"}]})
    assert len(many.request.content) < MAX_BODY
    check_bounded(many, one, "actions", None)
    assert snapshot(store) == before


def _names(n: int) -> dict[str, Any]:
    return {"version": DRAFT_VERSION, "actions": [{"action": "setName", "name": f"Name {i}"} for i in range(n)]}


def test_500_actions_are_applied(client: httpx.Client, store: Store) -> None:
    """500 actions, the limit, are one update: 201, version 2, the last name."""
    answer = client.post(f"/connectors/drafts/{DRAFT_ID}", json=_names(500))
    assert answer.status_code == 201, answer.text[:500]
    assert (answer.json()["version"], answer.json()["name"]) == (2, "Name 499")


def test_501_actions_are_refused_naming_actions(client: httpx.Client, store: Store) -> None:
    """501 valid actions: 400 InvalidJsonInput naming actions, and nothing changes."""
    before = snapshot(store)
    body = refusal(client.post(f"/connectors/drafts/{DRAFT_ID}", json=_names(501)), 400, "InvalidJsonInput")
    assert detail(body).startswith("actions"), detail(body)[:200]
    assert snapshot(store) == before


BOM: Final = b"\xef\xbb\xbf"


def test_a_bom_is_read_alike_by_every_json_endpoint(client: httpx.Client, store: Store) -> None:
    """A body behind a UTF-8 BOM is read by every endpoint, or refused by every endpoint."""
    clock = client.post("/__mock__/clock", content=BOM + b'{"seconds": 1}')
    create = client.post("/connectors/drafts", content=BOM + json.dumps({**DRAFT, "key": "bom"}).encode())
    check_answer(clock)
    check_answer(create)
    assert (clock.status_code == 200) == (create.status_code == 201), (clock.text, create.text)


def test_a_deeply_nested_clock_move_is_invalid_json(client: httpx.Client, store: Store) -> None:
    """POST /__mock__/clock with a body nested 50,000 deep is 400 InvalidJsonInput, as on the other endpoints."""
    before = snapshot(store)
    deep = b"[" * 50_000 + b"]" * 50_000
    body = refusal(client.post("/__mock__/clock", content=deep), 400, "InvalidJsonInput")
    assert detail(body).startswith("$: "), detail(body)
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("method", "path", "name"),
    [
        ("GET", "/connectors/drafts", "limit"),
        ("GET", "/connectors/drafts", "offset"),
        ("GET", "/connectors/search", "limit"),
        ("GET", "/connectors/search", "offset"),
        ("DELETE", f"/connectors/drafts/{DRAFT_ID}", "version"),
        ("DELETE", f"/connectors/drafts/key={DRAFT_KEY}", "version"),
    ],
)
def test_a_huge_digit_string_is_an_invalid_query_param(
    client: httpx.Client, store: Store, method: str, path: str, name: str
) -> None:
    """A parameter of 4,301 digits is 400 InvalidQueryParam naming it, and nothing changes."""
    before = snapshot(store)
    body = refusal(client.request(method, f"{path}?{name}={'9' * 4_301}"), 400, "InvalidQueryParam")
    assert detail(body).startswith(f"{name}: "), detail(body)[:200]
    assert snapshot(store) == before


@pytest.mark.parametrize("origin", ["http://[", "http://[::1"])
def test_an_origin_that_is_no_url_is_refused_as_cross_site(client: httpx.Client, store: Store, origin: str) -> None:
    """An Origin that cannot be read as a URL names no local site: 403 CrossSiteRequestRefused, nothing changes."""
    before = snapshot(store, "origin")
    answer = client.post("/connectors/drafts", json={**DRAFT, "key": "origin"}, headers={"Origin": origin})
    refusal(answer, 403, "CrossSiteRequestRefused")
    assert snapshot(store, "origin") == before


@pytest.mark.parametrize("path", [f"/connectors/drafts/{DRAFT_ID}", f"/connectors/drafts/key={DRAFT_KEY}"])
def test_a_version_past_int64_is_an_invalid_query_param(client: httpx.Client, store: Store, path: str) -> None:
    """DELETE with version=2**63, one past the signed 64-bit range: 400 InvalidQueryParam naming version."""
    before = snapshot(store)
    body = refusal(client.delete(f"{path}?version={2**63}"), 400, "InvalidQueryParam")
    assert detail(body).startswith("version: "), detail(body)[:200]
    assert snapshot(store) == before


def test_a_request_without_host_is_an_error_response(mock: Mock, store: Store) -> None:
    """An HTTP/1.1 request with no Host is a 400 ErrorResponse with X-Correlation-ID, and changes nothing."""
    before = snapshot(store)
    answer = exchange(mock.url, Exchange("POST", "/__mock__/reset", ((b"Content-Length", b"0"),), b""))
    assert answer is not None and answer.status == 400, answer
    check_envelope(answer.status, answer.headers.get(b"content-type", b"").decode("latin-1"), answer.body)
    assert answer.headers.get(b"x-correlation-id"), answer
    assert snapshot(store) == before
