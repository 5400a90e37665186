"""Validate what the mock answers against the official JSON Schema of the Connect types.

``tests/fixtures/connect.schema.json`` is the reference's RAML types as
JSON Schema (draft-07). ``check(response)`` finds the official type of a
response from its method, path and status, validates the body against it,
and raises ``AssertionError`` naming every violation. The client fixtures of
the server tests install it as an httpx response hook, so every body those
tests receive is checked.

Allowed deviations, each documented in ``docs/decisions.md``:

- ``mc-app`` among the application types: the ConnectorStaged docs page and
  the ``connect.yaml`` schema name it, the RAML enum does not;
- the codes of the mock's own refusals (``MethodNotAllowed``,
  ``HostNotAllowed``, ``CrossSiteRequestRefused``, ``PayloadTooLarge``,
  ``RequestTimeout``, ``MalformedRequest``; the reference has none):
  they are checked as ErrorObjects of open code;
- ``next`` absent on the last page of a Deployment's logs
  (``DeploymentLogCursorPagedQueryResponse`` requires it; deployments.md
  decides it is absent there).

The token endpoint (``POST /oauth/token``) belongs to the auth service, not
to the Connect API, and the reference has no type for it. Its bodies are
RFC 6749's (5.1, a token; 5.2, an error), whose schemas the endpoint's
tests write and hand over with ``register`` (``tests/test_server_identity.py``);
an error is checked both as the OAuth error and as an ErrorResponse, since
the mock writes the two side by side. A token answer without a registered
schema fails the check rather than pass unchecked.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema

SCHEMA = Path(__file__).parent / "fixtures" / "connect.schema.json"

#: (method, path pattern, success status) -> the official type of the body.
_ROUTES: list[tuple[str, re.Pattern[str], int, str]] = [
    (method, re.compile(pattern), status, name)
    for method, pattern, status, name in [
        ("GET", r"/connectors/drafts", 200, "ConnectorStagedPagedQueryResponse"),
        ("POST", r"/connectors/drafts", 201, "ConnectorStaged"),
        ("GET", r"/connectors/drafts/[^/]+", 200, "ConnectorStaged"),
        ("POST", r"/connectors/drafts/[^/]+", 201, "ConnectorStaged"),
        ("DELETE", r"/connectors/drafts/[^/]+", 200, "ConnectorStaged"),
        ("GET", r"/connectors/search", 200, "ConnectorSearchPagedQueryResponse"),
        ("GET", r"/connectors/[^/]+", 200, "Connector"),
        ("POST", r"/__mock__/connectors/drafts/[^/]+/events", 200, "ConnectorStaged"),
        ("POST", r"/__mock__/[^/]+/deployments/[^/]+/events", 200, "Deployment"),
        ("GET", r"/[^/]+/deployments", 200, "DeploymentPagedQueryResponse"),
        ("POST", r"/[^/]+/deployments", 201, "Deployment"),
        ("GET", r"/[^/]+/deployments/[^/]+/logs", 200, "DeploymentLogCursorPagedQueryResponse"),
        ("GET", r"/[^/]+/deployments/[^/]+", 200, "Deployment"),
        ("POST", r"/[^/]+/deployments/[^/]+", 201, "Deployment"),
        ("DELETE", r"/[^/]+/deployments/[^/]+", 202, "Deployment"),
    ]
]


@cache
def _definitions() -> dict[str, Any]:
    definitions: dict[str, Any] = json.loads(SCHEMA.read_text())["definitions"]
    definitions = copy.deepcopy(definitions)
    # Allowed deviation: mc-app among the application types (docs/decisions.md).
    _add_enum_value(definitions, "merchant-center-custom-view", "mc-app")
    # Allowed deviation: the last page of a Deployment's logs has no next (deployments.md).
    logs = definitions["DeploymentLogCursorPagedQueryResponse"]
    logs["required"] = [name for name in logs["required"] if name != "next"]
    return definitions


def _add_enum_value(node: Any, beside: str, value: str) -> None:
    if isinstance(node, dict):
        enum = node.get("enum")
        if isinstance(enum, list) and beside in enum and value not in enum:
            enum.append(value)
        for child in node.values():
            _add_enum_value(child, beside, value)
    elif isinstance(node, list):
        for child in node:
            _add_enum_value(child, beside, value)


#: The path of the mock's token endpoint, and the names of its bodies' schemas (RFC 6749, 5.1 and 5.2).
TOKEN_PATH = "/oauth/token"
TOKEN_RESPONSE = "TokenResponse"
TOKEN_ERROR = "TokenErrorResponse"
_OWN_SCHEMAS: dict[str, Any] = {}


def register(name: str, schema: dict[str, Any]) -> None:
    """Give the body named *name* of the token endpoint (``TOKEN_RESPONSE``, ``TOKEN_ERROR``) its schema."""
    assert name in (TOKEN_RESPONSE, TOKEN_ERROR), name
    jsonschema.Draft7Validator.check_schema(schema)
    _OWN_SCHEMAS[name] = schema


def own_type(method: str, path: str, status: int) -> str | None:
    """The name of the token endpoint's body of a *method* *path* answer of *status*; None for any other answer.

    A token (200), or an OAuth error (400, 401); what the mock's edge
    answers there otherwise (413, say) is an ErrorResponse only.
    """
    if path.endswith("/") and not path.endswith("//"):
        path = path[:-1]
    if (method, path) != ("POST", TOKEN_PATH):
        return None
    return {200: TOKEN_RESPONSE, 400: TOKEN_ERROR, 401: TOKEN_ERROR}.get(status)


@cache
def validator(name: str) -> jsonschema.Draft7Validator:
    """A validator of the official type *name*, or of a body of the token endpoint (``register``)."""
    if name in (TOKEN_RESPONSE, TOKEN_ERROR):
        assert name in _OWN_SCHEMAS, f"no schema for {name}: register() one (tests/test_server_identity.py does)"
        return jsonschema.Draft7Validator(_OWN_SCHEMAS[name])
    return jsonschema.Draft7Validator({"$ref": f"#/definitions/{name}", "definitions": _definitions()})


def official_type(method: str, path: str, status: int) -> str | None:
    """The official type of the body of a *method* *path* answer of *status*; None for the mock's own endpoints.

    A success answer of a route under another status than the reference's
    (a create answering 200, say) raises ``AssertionError``: it is no
    official answer at all.
    """
    if path.endswith("/") and not path.endswith("//"):
        path = path[:-1]
    if status >= 400:
        return "ErrorResponse"
    for route_method, pattern, success, name in _ROUTES:
        if route_method == method and pattern.fullmatch(path):
            assert status == success, f"{method} {path} answered {status}; the reference answers {success}"
            return name
    if (method, path) == ("POST", TOKEN_PATH):
        assert status == 200, f"{method} {path} answered {status}; a token is answered 200 (RFC 6749, 5.1)"
        return None  # no official type: own_type names its body
    assert path.startswith("/__mock__/"), f"{method} {path} answered {status}, which no official route answers"
    return None


def validate(name: str, body: Any) -> None:
    """Raise AssertionError naming every way *body* is not a valid *name*."""
    errors = sorted(validator(name).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"not a valid {name}:\n" + "\n".join(
        f"  {'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}" for e in errors
    )


def check(response: httpx.Response) -> None:
    """Validate *response*'s body against its official type (an httpx response hook)."""
    request = response.request
    method, path, status = request.method, request.url.path, response.status_code
    names = [name for name in (official_type(method, path, status), own_type(method, path, status)) if name]
    if not names:
        return
    response.read()
    for name in names:
        validate(name, response.json())


def checked_client(base_url: str, **kwargs: Any) -> httpx.Client:
    """An httpx client of *base_url* that validates every body it receives against the official schema."""
    return httpx.Client(base_url=base_url, event_hooks={"response": [check]}, **kwargs)
