"""A local mock of the Connect API over HTTP: the ConnectorStaged endpoints, on a ``Store``.

Needs the ``server`` extra (Starlette and uvicorn):
``pip install "connector-domain[server]"``; nothing in the core imports this
module. ``python -m connector_domain serve`` runs it.

The API's endpoints (``connect-api-facts.md``, Endpoints), with its JSON
bodies, status codes and ErrorResponse envelopes:

- ``POST /connectors/drafts`` (201), ``GET /connectors/drafts`` (200, a page);
- ``GET``, ``POST`` (an update, 201) and ``DELETE`` on
  ``/connectors/drafts/{id}`` and ``/connectors/drafts/key={key}``;
- ``GET /connectors/{id}`` and ``GET /connectors/key={key}``: the production
  Connector; ``GET /connectors/search``: a page of them;
- ``POST /{projectKey}/deployments`` (201), ``GET /{projectKey}/deployments``
  (200, a page); ``GET``, ``POST`` (a ``redeploy``, 201) and ``DELETE`` (202)
  on ``/{projectKey}/deployments/{id}`` and ``.../key={key}``; ``GET`` on
  their ``/logs`` (200, a cursor page).

Malformed JSON or a body of the wrong shape is ``InvalidJsonInput`` (400), a
bad query parameter ``InvalidQueryParam``, an empty ``key=``
``InvalidPathParam``; an unknown path is a 404 ErrorResponse, an unsupported
method on a known path a 405 with ``Allow``. Every answer carries
``X-Correlation-ID``; a trailing slash names the same resource (``_Edge``).
What the real API does not have lives under ``/__mock__/``:

- ``POST /__mock__/connectors/drafts/{id}/events``: deliver a service event
  (``{"type": "PublishingSucceeded", ...}``); 200 with the resource, or the
  ErrorResponse;
- ``POST /__mock__/{projectKey}/deployments/{id}/events``: the same for a
  Deployment (``{"type": "DeploymentStarted"}``, ...); 200 with the
  Deployment (as it was last, when the event removes it);
- ``POST /__mock__/reset``: forget everything (204);
- ``GET /__mock__/clock`` and ``POST /__mock__/clock`` with ``{"seconds": n}``:
  read, or move forward, the simulated clock (200, ``{"now": ...}``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import math
import socket
import threading
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Final, TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import codec
from .._fields import shown
from ..actions import ConnectorUpdate
from ..authorization import ENDPOINTS, Trait, allows
from ..deployment.actions import DeploymentUpdate
from ..deployment.events import DeploymentServiceEvent
from ..deployment.model import DeploymentDraft, DeploymentLogCursorPagedQueryResponse
from ..errors import AuthenticationError, AuthorizationError, DomainError, InvalidPathParam, InvalidQueryParam
from ..events import ServiceEvent
from ..model import ConnectorStagedDraft, check_project_identifier, check_project_key
from ._protocol import error_body, new_correlation_id, with_header_timeout
from .defaults import BODY_TIMEOUT, DEFAULT_AUTHOR, DEFAULT_PROJECT, DEFAULT_REGION, HEADER_TIMEOUT, MAX_BODY
from .identity import Client, OAuthError, Tokens
from .store import LIMIT_DEFAULT, Manual, Page, SimulatedClock, Simulation, Store, Stored

__all__ = ["DEFAULT_AUTHOR", "DEFAULT_PROJECT", "DEFAULT_REGION", "create_app", "serve", "serving"]

T = TypeVar("T")


_Endpoint = Callable[[Request], Awaitable[Response]]


def _envelope(status: int, code: str, message: str) -> JSONResponse:
    """An ErrorResponse for what no DomainError class describes (an unknown path, a server fault)."""
    return JSONResponse(error_body(status, code, message), status)


class _JSON(Response):
    """A response of JSON text written already: the headers ``JSONResponse`` gives it, without encoding again."""

    media_type = "application/json"

    def __init__(self, body: bytes, status_code: int = 200) -> None:
        self.status_code = status_code
        self.background = None
        self.body = body
        # init_headers' own: content-length unless the status has no body, then content-type.
        length = [] if status_code < 200 or status_code in (204, 304) else [(b"content-length", b"%d" % len(body))]
        self.raw_headers = [*length, (b"content-type", b"application/json")]


def _answer(
    result: Stored[Any] | Page[Any] | DeploymentLogCursorPagedQueryResponse | DomainError, status: int = 200
) -> Response:
    if isinstance(result, Stored):
        return _JSON(result.json(), status)  # its text, written at the first answer of this version
    if isinstance(result, DomainError):
        return JSONResponse(codec.error_response(result), result.status_code)
    if isinstance(result, DeploymentLogCursorPagedQueryResponse):
        return JSONResponse(codec.to_wire(result), status)
    return JSONResponse(result.to_wire(), status)


async def _read(request: Request, cls: type[T]) -> T:
    """The request's body as a *cls*; ``codec.InvalidInput`` for malformed JSON or a wrong shape."""
    return codec.loads(await request.body(), cls)


class _DraftId(StringConvertor):
    """The ``{id}`` of a draft's path: any segment but a non-empty ``key=...`` (the key routes' own).

    ``key=`` alone is an id, which ``_id`` refuses as an empty key.
    """

    regex = "(?!key=[^/])[^/]+"


_DRAFT_ID: Final = "connector_domain_draft_id"
register_url_convertor(_DRAFT_ID, _DraftId())


#: Where ``_secured`` keeps who a request acts as, in its ASGI scope: (project key, ProjectIdentifier).
_IDENTITY: Final = "connector_domain.identity"


def _header(scope: Scope, name: bytes) -> str | None:
    """The first value of the header *name* (in lower case), as ``request.headers.get`` reads it."""
    for key, value in scope["headers"]:
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return None


def _id(request: Request) -> str | InvalidPathParam:
    """The ``{id}`` of the path; ``key=`` with nothing after it is an empty key, not an id."""
    id: str = request.path_params["id"]
    if id.startswith("key="):  # a non-empty key= took the key route
        return InvalidPathParam("key: must not be empty")
    return id


def _single(params: QueryParams, name: str, problems: list[str]) -> str | None:
    """The one value of *name*, or None when absent; a parameter given twice is a problem, not a choice."""
    values = params.getlist(name)
    if len(values) > 1:
        problems.append(f"{name}: given {len(values)} times, expected once")
    return values[0] if values else None


def _int_param(params: QueryParams, name: str, default: int | None, problems: list[str]) -> int | None:
    text = _single(params, name, problems)
    if text is None:
        return default
    # Digits only: int() would also take "+5", " 5" and "1_000".
    if not text.isascii() or not text.isdigit():
        problems.append(f"{name}: expected an integer, got {shown(text)}")
        return default
    # Within int64, as every integer of the API: and int() of thousands of digits is refused by Python.
    if len(text) > 19 or int(text) > codec.INT64_MAX:
        problems.append(f"{name}: expected a signed 64-bit integer, got {shown(text)}")
        return default
    return int(text)


def _paging(params: QueryParams, problems: list[str]) -> tuple[int, int]:
    """``limit`` and ``offset`` as integers (their defaults when absent or malformed; problems noted).

    Their ranges are the store's to check.
    """
    limit = _int_param(params, "limit", LIMIT_DEFAULT, problems)
    offset = _int_param(params, "offset", 0, problems)
    return (LIMIT_DEFAULT if limit is None else limit), (0 if offset is None else offset)


def _bool_param(params: QueryParams, name: str, problems: list[str]) -> bool | None:
    text = _single(params, name, problems)
    if text is None or text in ("true", "false"):
        return None if text is None else text == "true"
    problems.append(f"{name}: expected true or false, got {shown(text)}")
    return None


def _date_param(params: QueryParams, name: str, problems: list[str]) -> datetime | None:
    """A date-time parameter (RFC 3339, as the API writes them), or None when absent or malformed (noted)."""
    text = _single(params, name, problems)
    if text is None:
        return None
    try:
        value: datetime = codec.converter.structure(text, datetime)
    except (ValueError, TypeError):
        problems.append(f"{name}: expected a date-time like 2023-08-08T17:00:59.327Z, got {shown(text)}")
        return None
    return value


def _answer_query(result: Page[Any] | InvalidQueryParam, problems: list[str]) -> Response:
    """*result* of a read whose parameters the server parsed, with *problems* it found first.

    The store checks ranges, sorts and types; the server, the syntax. Both
    sets of problems are named in one ``InvalidQueryParam``, so that no
    problem hides another.
    """
    if isinstance(result, InvalidQueryParam):
        problems = [*problems, result.detailed_error_message]
    return _answer(InvalidQueryParam("; ".join(problems)) if problems else result)


def create_app(
    store: Store | None = None,
    *,
    clock: SimulatedClock | None = None,
    author: str = DEFAULT_AUTHOR,
    simulation: Simulation | None = None,
    project: str = DEFAULT_PROJECT,
    region: str = DEFAULT_REGION,
    allowed_hosts: Sequence[str] = (),
    max_body: int = MAX_BODY,
    body_timeout: float = BODY_TIMEOUT,
    production_disabled: Sequence[str] = (),
    auth: bool = False,
    clients: Sequence[Client] = (),
) -> Starlette:
    """The ASGI app of the mock, over *store* (default: a new one on *clock*).

    *clock* is what ``/__mock__/clock`` moves: by default the store's clock
    when it is a ``SimulatedClock``, else a new one that follows the system's
    time. *author* is the ``userId`` of certification comments made as
    *project*. A request acts as a project of *region*, ``{region}:{key}``
    (see Identity below): it owns the drafts it creates, and searches as
    that project; *project* is the default one. A request's ``Host`` (and its
    ``Origin``, when it has one) must be a loopback name, the address the
    server listens on, or one of *allowed_hosts*; a body above *max_body*
    bytes is refused with 413 before it is read whole, and one that takes
    over *body_timeout* seconds from the first read is answered 408
    (``_Edge``). ``ValueError`` if *body_timeout* is not a positive, finite
    number. *production_disabled* names the project keys whose
    ``production`` Deployments a new store refuses (with *store* given, its
    own setting holds, and giving both is a ``ValueError``).

    Deployments live under the project key of their path, whose deploying
    project is ``{draft region}:{projectKey}``.

    Identity (``mock.identity``): ``POST /oauth/token`` issues tokens to
    client credentials, any client or only *clients*. A request with a token
    it issued acts as the token's project; without one, as the project of
    its path, or *project*. With *auth*, every endpoint of the reference
    needs such a token (401 ``AuthenticationError``) with a scope its trait
    accepts for the project (403 ``AuthorizationError``,
    ``connector_domain.authorization``). Tenancy is always on: a project
    sees and changes only its own drafts and Deployments, and the
    production Connectors it may see.
    """
    check_project_identifier(f"{region}:{project}")
    _check_seconds("body_timeout", body_timeout)
    if store is not None and production_disabled:
        raise ValueError("production_disabled is the store's setting: give it to Store(), not with a store")
    if store is None:
        clock = clock or SimulatedClock()
        store = Store(clock=clock, simulation=simulation, production_disabled=production_disabled)
    elif clock is None and isinstance(store.clock, SimulatedClock):
        clock = store.clock
    if simulation is not None:
        store.simulation = simulation
    mock: Store = store
    # Without auth, a token only names its caller's project, and keeps naming it when the clock jumps.
    tokens = Tokens(clock=mock.now, project=project, clients=clients, expire=auth)

    # --- Identity ---------------------------------------------------------------------------

    def _caller(request: Request) -> str:
        """The ProjectIdentifier the request acts as (settled by ``_secured`` before the handler runs)."""
        identifier: str = request.scope[_IDENTITY][1]
        return identifier

    def _author(request: Request) -> str:
        """The ``userId`` a certification comment of the request records: the caller's project key."""
        key: str = request.scope[_IDENTITY][0]
        return author if key == project else key

    def _identify(request: Request, trait: Trait) -> DomainError | None:
        """Who *request* acts as, kept in its scope; or the refusal of a caller who may not (401, 403).

        Without ``auth``, a token this mock issued names the project, else the
        path's ``{projectKey}``, else the default project; with ``auth``, a
        token is required and one of its scopes must admit the endpoint's
        *trait*. Deployments belong to their path's project: a token of
        another one is refused, with ``auth`` or without.
        """
        authorization = _header(request.scope, b"authorization")
        grant = None if authorization is None else tokens.grant(authorization)
        if auth and grant is None:
            return AuthenticationError()
        path_project: str | None = request.path_params.get("project")
        caller = grant.project if grant is not None else (path_project or project)
        if path_project is not None and caller != path_project:
            return AuthorizationError()
        if auth and grant is not None and not allows(grant.scopes, trait, caller):
            return AuthorizationError()
        request.scope[_IDENTITY] = (caller, f"{region}:{caller}")  # its project key, its ProjectIdentifier
        return None

    def _secured(method: str, template: str, handler: _Endpoint) -> Route:
        """The route of the reference's *method* *template*, behind the check of its trait (``authorization``)."""
        trait = ENDPOINTS[(method, template)]
        path = template.replace("/drafts/{ID}", "/drafts/{id:" + _DRAFT_ID + "}")
        path = path.replace("{ID}", "{id}").replace("{projectKey}", "{project}")

        async def endpoint(request: Request) -> Response:
            refused = _identify(request, trait)
            if refused is not None:
                answer = _answer(refused)
                if isinstance(refused, AuthenticationError):
                    answer.headers["WWW-Authenticate"] = "Bearer"
                return answer
            return await handler(request)

        return Route(path, endpoint, methods=[method])

    async def token(request: Request) -> Response:
        issued = tokens.request(await request.body(), request.headers.get("authorization"))
        if isinstance(issued, OAuthError):
            answer = JSONResponse(issued.body, issued.status)
            if issued.status == 401:
                answer.headers["WWW-Authenticate"] = "Basic"
        else:
            text, grant = issued
            body = {
                "access_token": text,
                "token_type": "Bearer",
                "expires_in": int(tokens.lifetime.total_seconds()),
                "scope": grant.scope,
            }
            answer = JSONResponse(body)
        answer.headers["Cache-Control"] = "no-store"  # RFC 6749, 5.1
        return answer

    async def query(request: Request) -> Response:
        params = request.query_params
        problems: list[str] = []
        limit, offset = _paging(params, problems)
        is_private = _bool_param(params, "isPrivate", problems)
        types = params.getlist("integrationTypes") or None
        sort = params.getlist("sort")
        result = mock.query(
            limit=limit,
            offset=offset,
            sort=sort,
            is_private=is_private,
            integration_types=types,
            owner=_caller(request),
        )
        return _answer_query(result, problems)

    async def create(request: Request) -> Response:
        return _answer(mock.create(await _read(request, ConnectorStagedDraft), owner=_caller(request)), 201)

    async def search(request: Request) -> Response:
        params = request.query_params
        problems: list[str] = []
        limit, offset = _paging(params, problems)
        private = _bool_param(params, "private", problems)
        result = mock.search(
            project=_caller(request),
            text=_single(params, "text", problems),
            private=private,
            creator_company=_single(params, "creator.company", problems),
            ids=params.getlist("id"),
            keys=params.getlist("key"),
            integration_types=params.getlist("integrationTypes") or None,
            limit=limit,
            offset=offset,
            sort=params.getlist("sort"),
        )
        return _answer_query(result, problems)

    async def get(request: Request) -> Response:
        id = _id(request)
        return _answer(id if isinstance(id, DomainError) else mock.get(id, owner=_caller(request)))

    async def get_by_key(request: Request) -> Response:
        return _answer(mock.get_by_key(request.path_params["key"], owner=_caller(request)))

    async def update(request: Request) -> Response:
        id = _id(request)
        if isinstance(id, DomainError):
            return _answer(id)
        body = await _read(request, ConnectorUpdate)
        return _answer(mock.update(id, body, by=_author(request), owner=_caller(request)), 201)

    async def update_by_key(request: Request) -> Response:
        body = await _read(request, ConnectorUpdate)
        key = request.path_params["key"]
        return _answer(mock.update_by_key(key, body, by=_author(request), owner=_caller(request)), 201)

    def _version(request: Request) -> int | InvalidQueryParam | None:
        problems: list[str] = []
        version = _int_param(request.query_params, "version", None, problems)
        return InvalidQueryParam("; ".join(problems)) if problems else version

    async def delete(request: Request) -> Response:
        id, version = _id(request), _version(request)
        if isinstance(id, DomainError):
            return _answer(id)
        if isinstance(version, DomainError):
            return _answer(version)
        return _answer(mock.delete(id, version=version, owner=_caller(request)))

    async def delete_by_key(request: Request) -> Response:
        version = _version(request)
        if isinstance(version, DomainError):
            return _answer(version)
        return _answer(mock.delete_by_key(request.path_params["key"], version=version, owner=_caller(request)))

    async def connector(request: Request) -> Response:
        id = _id(request)
        return _answer(id if isinstance(id, DomainError) else mock.connector(id, project=_caller(request)))

    async def connector_by_key(request: Request) -> Response:
        return _answer(mock.connector_by_key(request.path_params["key"], project=_caller(request)))

    async def deliver(request: Request) -> Response:
        id = _id(request)
        if isinstance(id, DomainError):
            return _answer(id)
        event: ServiceEvent = await _read(request, ServiceEvent)  # type: ignore[arg-type]
        return _answer(mock.deliver(id, event))

    # --- Deployments ------------------------------------------------------------------------

    def _project(request: Request) -> str | InvalidPathParam:
        """The ``{projectKey}`` of the path, which must make a ProjectIdentifier."""
        key: str = request.path_params["project"]
        try:
            check_project_key(key)
        except ValueError as exc:
            return InvalidPathParam(f"projectKey: {exc}")
        return key

    async def create_deployment(request: Request) -> Response:
        project = _project(request)
        if isinstance(project, DomainError):
            return _answer(project)
        draft = await _read(request, DeploymentDraft)
        return _answer(mock.create_deployment(project, draft), 201)

    async def query_deployments(request: Request) -> Response:
        project = _project(request)
        if isinstance(project, DomainError):
            return _answer(project)
        params = request.query_params
        problems: list[str] = []
        limit, offset = _paging(params, problems)
        result = mock.query_deployments(
            project,
            limit=limit,
            offset=offset,
            sort=params.getlist("sort"),
            integration_types=params.getlist("integrationTypes") or None,
            deployment_type=_single(params, "deploymentType", problems),
        )
        return _answer_query(result, problems)

    def _target(request: Request) -> tuple[str, str | None, str | None] | DomainError:
        """The project key, and the id or the key, of a Deployment's path."""
        project = _project(request)
        if isinstance(project, DomainError):
            return project
        if "key" in request.path_params:
            return project, None, request.path_params["key"]
        id = _id(request)
        return id if isinstance(id, DomainError) else (project, id, None)

    async def get_deployment(request: Request) -> Response:
        target = _target(request)
        if isinstance(target, DomainError):
            return _answer(target)
        project, id, key = target
        if id is not None:
            return _answer(mock.deployment(project, id))
        assert key is not None
        return _answer(mock.deployment_by_key(project, key))

    async def update_deployment(request: Request) -> Response:
        target = _target(request)
        if isinstance(target, DomainError):
            return _answer(target)
        project, id, key = target
        body = await _read(request, DeploymentUpdate)
        if id is not None:
            return _answer(mock.update_deployment(project, id, body), 201)
        assert key is not None
        return _answer(mock.update_deployment_by_key(project, key, body), 201)

    async def delete_deployment(request: Request) -> Response:
        target, version = _target(request), _version(request)
        if isinstance(target, DomainError):
            return _answer(target)
        if isinstance(version, DomainError):
            return _answer(version)
        project, id, key = target
        if id is not None:
            return _answer(mock.delete_deployment(project, id, version=version), 202)
        assert key is not None
        return _answer(mock.delete_deployment_by_key(project, key, version=version), 202)

    async def deployment_logs(request: Request) -> Response:
        target = _target(request)
        if isinstance(target, DomainError):
            return _answer(target)
        project, id, key = target
        params = request.query_params
        problems: list[str] = []
        application_name = _single(params, "applicationName", problems)
        start_date = _date_param(params, "startDate", problems)
        end_date = _date_param(params, "endDate", problems)
        page_token = _single(params, "pageToken", problems)
        if problems:
            return _answer(InvalidQueryParam("; ".join(problems)))
        result = mock.deployment_logs(
            project,
            id=id,
            key=key,
            application_name=application_name,
            start_date=start_date,
            end_date=end_date,
            page_token=page_token,
        )
        return _answer(result)

    async def deliver_deployment(request: Request) -> Response:
        target = _target(request)
        if isinstance(target, DomainError):
            return _answer(target)
        project, id, _key = target
        assert id is not None
        event: DeploymentServiceEvent = await _read(request, DeploymentServiceEvent)  # type: ignore[arg-type]
        return _answer(mock.deliver_deployment(project, id, event))

    async def reset(_request: Request) -> Response:
        mock.reset()
        return Response(status_code=204)

    async def read_clock(_request: Request) -> Response:
        return JSONResponse({"now": codec.converter.unstructure(mock.now())})

    async def advance_clock(request: Request) -> Response:
        data = codec.parse_json(await request.body() or b"{}")
        seconds = data.get("seconds") if isinstance(data, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds < float("inf"):
            given = shown(json.dumps(seconds))
            raise codec.InvalidInput([("seconds", f"expected a number of seconds, not negative, got {given}")])
        if clock is None:
            return _envelope(404, "ResourceNotFound", "This store's clock cannot be moved.")
        try:
            clock.advance(seconds)
        except ValueError as exc:
            raise codec.InvalidInput([("seconds", str(exc))]) from None
        return await read_clock(request)

    async def invalid_input(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, codec.InvalidInput)
        return _answer(exc.error)

    async def no_endpoint(request: Request, exc: Exception) -> Response:
        # Starlette's routing raises 404 (no such path) and 405 (the path, another method);
        # no endpoint here raises an HTTPException of its own.
        assert isinstance(exc, HTTPException)
        path = request.url.path
        if exc.status_code == 405:
            answer = _envelope(405, "MethodNotAllowed", f"{request.method} is not allowed on {path}.")
            answer.headers["Allow"] = ", ".join(_allowed_methods(routes, path))
            return answer
        return _envelope(404, "ResourceNotFound", f"No endpoint {request.method} {path}.")

    # The router tries these in order, and the first whose path and method match answers: the reads
    # and updates of one draft, the most frequent requests, come first. A draft's {ID} takes no
    # non-empty key= (_DRAFT_ID), which its key={key} routes take. Where two paths match one
    # request's path, the more particular comes first: /connectors/drafts and /connectors/search
    # before /connectors/{ID}, and /connectors/{ID} before /{projectKey}/deployments.
    routes = [
        _secured("GET", "/connectors/drafts/{ID}", get),
        _secured("POST", "/connectors/drafts/{ID}", update),
        _secured("DELETE", "/connectors/drafts/{ID}", delete),
        _secured("GET", "/connectors/drafts/key={key}", get_by_key),
        _secured("POST", "/connectors/drafts/key={key}", update_by_key),
        _secured("DELETE", "/connectors/drafts/key={key}", delete_by_key),
        _secured("GET", "/connectors/drafts", query),
        _secured("POST", "/connectors/drafts", create),
        _secured("GET", "/connectors/search", search),
        _secured("GET", "/connectors/key={key}", connector_by_key),
        _secured("GET", "/connectors/{ID}", connector),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/__mock__/connectors/drafts/{id}/events", deliver, methods=["POST"]),
        Route("/__mock__/{project}/deployments/{id}/events", deliver_deployment, methods=["POST"]),
        Route("/__mock__/reset", reset, methods=["POST"]),
        Route("/__mock__/clock", read_clock, methods=["GET"]),
        Route("/__mock__/clock", advance_clock, methods=["POST"]),
        _secured("GET", "/{projectKey}/deployments", query_deployments),
        _secured("POST", "/{projectKey}/deployments", create_deployment),
        _secured("GET", "/{projectKey}/deployments/key={key}/logs", deployment_logs),
        _secured("GET", "/{projectKey}/deployments/key={key}", get_deployment),
        _secured("POST", "/{projectKey}/deployments/key={key}", update_deployment),
        _secured("DELETE", "/{projectKey}/deployments/key={key}", delete_deployment),
        _secured("GET", "/{projectKey}/deployments/{ID}/logs", deployment_logs),
        _secured("GET", "/{projectKey}/deployments/{ID}", get_deployment),
        _secured("POST", "/{projectKey}/deployments/{ID}", update_deployment),
        _secured("DELETE", "/{projectKey}/deployments/{ID}", delete_deployment),
    ]
    app = _App(
        routes=routes,
        middleware=[
            Middleware(
                _Edge,
                allowed_hosts=frozenset(_host_name(h) for h in allowed_hosts),
                max_body=max_body,
                body_timeout=body_timeout,
            )
        ],
        exception_handlers={
            codec.InvalidInput: invalid_input,
            404: no_endpoint,
            405: no_endpoint,
        },
    )
    # No redirects, ever (a redirect would follow the request's Host): a trailing
    # slash is the same resource, which _Edge settles before routing.
    app.router.redirect_slashes = False
    app.state.store = store
    app.state.tokens = tokens  # the mock's Tokens, for a test that issues or inspects tokens directly
    return app


class _App(Starlette):
    """Starlette, without the ``ServerErrorMiddleware`` it puts around every app.

    The mock's ``_Edge``, the next layer in, answers every fault itself (the
    reference's ``General`` error, 500) and lets nothing else through, so that
    layer would only add a frame to every request and to every message sent.
    """

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        assert isinstance(stack, ServerErrorMiddleware), stack  # Starlette's outermost layer, always
        inner: ASGIApp = stack.app
        return inner


def _allowed_methods(routes: list[Route], path: str) -> list[str]:
    """The methods the routes answer on *path*, as an ``Allow`` header lists them."""
    methods: set[str] = set()
    for route in routes:
        if route.path_regex.match(path) and route.methods:
            methods |= route.methods
    return sorted(methods)


class _Edge:
    """The mock's HTTP edge, around every request (mock-service.md, "The HTTP edge").

    - a ``Host`` that is not a loopback name, the address the server listens
      on, or an allowed host is refused (400), against DNS rebinding; an
      ``Origin`` of any other host, ``null`` included, is refused (403),
      against a web page's cross-site form or ``text/plain`` post (the
      official clients and curl send no ``Origin``);
    - a body above ``max_body`` bytes is 413 ``PayloadTooLarge``: at once by
      its ``Content-Length``, or as soon as a chunked body passes the limit,
      so it is never held whole, and nothing is stored;
    - a body that takes over ``body_timeout`` seconds from the app's first
      read of it is 408 ``RequestTimeout``, with ``Connection: close``, and
      nothing is stored (the line and headers have a deadline of their own,
      ``_protocol.HeaderDeadline``);
    - ``X-Correlation-ID`` is echoed on the response, or one is generated;
    - a trailing slash names the same resource as the path without it;
    - a fault that reaches this far is answered with the reference's
      ``General`` error (500), naming no internals; the traceback goes to
      the server's log.
    """

    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: frozenset[str] = frozenset(),
        max_body: int = 0,
        body_timeout: float | None = None,
    ) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.max_body = max_body
        self.body_timeout = body_timeout
        # The verdict on each Host value, per listening address: a client sends the same Host on
        # every request, whose name is then read once. At most _VERDICTS are kept.
        self._verdicts: dict[tuple[bytes, object], bool] = {}

    def _allowed(self, name: str, scope: Scope) -> bool:
        if name in self.allowed_hosts or name == "localhost":
            return True
        server = scope.get("server")
        if server and name == _host_name(str(server[0])):
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False

    def _host_allowed(self, host: bytes, scope: Scope) -> bool:
        key = (host, scope.get("server"))
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._allowed(_host_name(host.decode("latin-1")), scope)
            if len(self._verdicts) >= _VERDICTS:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        return verdict

    def _refusal(self, scope: Scope, host: bytes | None, origin: bytes | None, length: bytes | None) -> Response | None:
        """The answer to a request refused at the edge, by its (last) ``Host``, ``Origin`` and ``Content-Length``."""
        if host is not None and not self._host_allowed(host, scope):
            message = "This mock answers only requests addressed to it by a name it allows (see --allowed-host)."
            return _envelope(400, "HostNotAllowed", message)
        if origin is not None:
            try:
                origin_host = urllib.parse.urlsplit(origin.decode("latin-1")).hostname
            except ValueError:  # not a URL ("http://["): no site of ours
                origin_host = None
            if origin_host is None or not self._allowed(_host_name(origin_host), scope):
                return _envelope(403, "CrossSiteRequestRefused", "This mock answers no request from another site.")
        if self.max_body and length is not None and (not length.isdigit() or int(length) > self.max_body):
            return self._too_large()
        return None

    def _too_large(self) -> Response:
        return _envelope(413, "PayloadTooLarge", f"The request body is larger than {self.max_body} bytes.")

    def _timed_out(self) -> Response:
        message = f"The request body did not arrive within {self.body_timeout:g} seconds."
        answer = _envelope(408, "RequestTimeout", message)
        answer.headers["Connection"] = "close"  # RFC 9110, 408: the server closes rather than wait on
        return answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # One pass over the headers: the last Host, Origin and Content-Length (as a dict of them
        # would keep), and the first usable X-Correlation-ID.
        host = origin = length = correlation = None
        for name, value in scope.get("headers", ()):
            if name == b"host":
                host = value
            elif name == _CORRELATION:
                if correlation is None and value and len(value) <= 256:
                    correlation = bytes(value)
            elif name == b"content-length":
                length = value
            elif name == b"origin":
                origin = value
        if correlation is None:
            correlation = new_correlation_id()
        refusal = self._refusal(scope, host, origin, length)
        if refusal is not None:
            refusal.headers["X-Correlation-ID"] = correlation.decode("latin-1")
            await refusal(scope, receive, send)
            return
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/") and not path.endswith("//"):
            scope = {**scope, "path": path[:-1], "raw_path": None}  # one slash; "//" stays, a 404
        started = False
        received = 0
        deadline: float | None = None  # of the body, from the first read
        read_whole = False

        async def bounded_receive() -> Message:
            nonlocal received, deadline, read_whole
            if read_whole or self.body_timeout is None:
                message = await receive()  # after the body: a wait for the disconnect, which has no deadline
            else:
                if deadline is None:
                    deadline = asyncio.get_running_loop().time() + self.body_timeout
                message = await _received_by(deadline, receive)
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if self.max_body and received > self.max_body:
                    raise _TooLarge
                read_whole = not message.get("more_body", False)
            else:
                read_whole = True
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != _CORRELATION]
                headers.append((_CORRELATION, correlation))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, bounded_receive, send_with_id)
        except _TooLarge:
            if started:
                raise
            await self._too_large()(scope, receive, send_with_id)
        except _TimedOut:
            if started:
                raise
            await self._timed_out()(scope, receive, send_with_id)
        except ClientDisconnect:
            # The client left before its body arrived: there is no one to answer, and nothing failed.
            _log.info("the client left during %s %s", scope.get("method"), path)
        except Exception:
            _log.exception("the mock failed on %s %s", scope.get("method"), path)
            if started:
                raise
            answer = _envelope(500, "General", "The mock failed to answer this request; its log has the details.")
            await answer(scope, receive, send_with_id)


async def _received_by(deadline: float, receive: Receive) -> Message:
    """``await receive()``, or ``_TimedOut`` when the loop's time passes *deadline* first.

    ``asyncio.timeout_at``'s rule (a cancellation that comes from elsewhere
    stays a cancellation), with one timer and no context manager: a body is
    read under it on every request that has one.
    """
    task = asyncio.current_task()
    assert task is not None
    cancelling = task.cancelling()
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        task.cancel()

    timer = asyncio.get_running_loop().call_at(deadline, expire)
    try:
        return await receive()
    except asyncio.CancelledError:
        if expired and task.uncancel() <= cancelling:
            raise _TimedOut from None
        raise
    finally:
        timer.cancel()


class _TooLarge(Exception):
    """A body passed the mock's limit while it was being read."""


class _TimedOut(Exception):
    """A body was not read whole by its deadline."""


def _check_seconds(name: str, seconds: float) -> None:
    """``ValueError`` unless *seconds* is a positive, finite number (a deadline)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds < math.inf:
        raise ValueError(f"{name}: expected a positive, finite number of seconds, got {seconds!r}")


def _host_name(host: str) -> str:
    """The name in a ``Host`` header or an address: no port, no brackets, lower case, no final dot."""
    host = host.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


_CORRELATION: Final = b"x-correlation-id"
_VERDICTS: Final = 1024
_log: Final = logging.getLogger("connector_domain.mock")


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    simulation: Simulation | None = None,
    log_level: str = "info",
    project: str = DEFAULT_PROJECT,
    region: str = DEFAULT_REGION,
    allowed_hosts: Sequence[str] = (),
    max_body: int = MAX_BODY,
    header_timeout: float = HEADER_TIMEOUT,
    body_timeout: float = BODY_TIMEOUT,
    production_disabled: Sequence[str] = (),
    auth: bool = False,
    clients: Sequence[Client] = (),
) -> None:
    """Run the mock until interrupted, on a new store that follows the system's time.

    A connection whose request's line and headers take over *header_timeout*
    seconds (from its opening, or the previous response) is closed; a body
    that takes over *body_timeout* seconds is answered 408.
    """
    _check_seconds("header_timeout", header_timeout)
    app = create_app(
        simulation=simulation or Manual(),
        project=project,
        region=region,
        allowed_hosts=allowed_hosts,
        max_body=max_body,
        body_timeout=body_timeout,
        production_disabled=production_disabled,
        auth=auth,
        clients=clients,
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level, http=with_header_timeout(header_timeout))


@contextmanager
def serving(
    app: Starlette | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    header_timeout: float = HEADER_TIMEOUT,
) -> Iterator[str]:
    """Run *app* (default: a new mock) in a thread while the block runs; yields its base URL.

    ``port=0`` takes a free port. A connection whose request's line and
    headers take over *header_timeout* seconds is closed; the body's
    deadline is the app's (``create_app(body_timeout=...)``). For tests::

        with serving(create_app(Store(clock=SimulatedClock(start)))) as url:
            httpx.post(f"{url}/connectors/drafts", json=draft)
    """
    _check_seconds("header_timeout", header_timeout)
    app = app or create_app()
    # IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets
    # that say they are TCP, and with it on, a response written in two parts waits for the
    # client's delayed acknowledgement (about 40 ms a request).
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    config = uvicorn.Config(app, log_level="warning", lifespan="off", http=with_header_timeout(header_timeout))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="connector-domain-mock", daemon=True)
    thread.start()
    try:
        for _ in range(1000):
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not server.started:
            raise RuntimeError("the mock server did not start")
        bound_host, bound_port = sock.getsockname()[:2]
        yield f"http://{f'[{bound_host}]' if ':' in bound_host else bound_host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
