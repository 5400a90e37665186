"""The mock's identity: OAuth client credentials, the tokens it issues, and who a request acts as.

``Tokens`` is the token endpoint's state (``POST /oauth/token``,
mock-service.md "Identity and tenancy"): it checks a client-credentials
request, issues an opaque token that expires, and later tells which grant a
token stands for. What a scope admits to is ``connector_domain.authorization``'s.

- **Clients**: without any (``serve`` without ``--client``), every client
  is accepted and gets the scopes it asks for, or ``manage_project:{project}``
  of the mock's default project; with some (``--client ID:SECRET:SCOPES``),
  only those, each with at most its scopes.
- **A token names one project** by its scopes (``name:{projectKey}``); a
  request for scopes of two projects is ``invalid_scope`` (decision: a
  caller is one project).
- **Bounded**: tokens expire after ``lifetime`` (``expires_in``), and an
  expired token is forgotten as new ones are issued; at most ``max_tokens``
  live at once, the oldest dropped first, so that a client asking for
  tokens in a loop cannot grow the mock's memory.
- **Time** is the mock's clock (a test moves it to expire a token); the
  token text is random (``secrets``), as a real one is.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

import attrs

from ..authorization import Scope, parse_scopes, projects_of

__all__ = ["LIFETIME", "MAX_TOKENS", "Client", "Grant", "OAuthError", "Tokens", "parse_client"]

#: How long a token lives: 48 hours, as the commercetools auth service's (``expires_in`` 172800).
LIFETIME: Final = timedelta(hours=48)
#: The most tokens alive at once; issuing one more forgets the oldest.
MAX_TOKENS: Final = 10_000


@attrs.frozen
class Client:
    """An API client the token endpoint accepts: its id, secret, and the scopes it may be granted."""

    id: str
    secret: str
    scopes: tuple[Scope, ...]


def parse_client(text: str) -> Client:
    """``ID:SECRET:SCOPES`` (``serve --client``) as a ``Client``; ``ValueError`` naming what is wrong.

    ID and SECRET contain no colon; SCOPES are space-separated, each
    ``name:{projectKey}``, and at least one.
    """
    client_id, sep, rest = text.partition(":")
    secret, sep2, scope_text = rest.partition(":")
    if not sep or not sep2 or not client_id or not secret:
        raise ValueError(f"expected ID:SECRET:SCOPES, got {text[:60]!r}")
    scopes = parse_scopes(scope_text)
    if not scopes:
        raise ValueError("a client needs at least one scope")
    if len(projects_of(scopes)) != 1:
        raise ValueError("the scopes of a client name one project: a token names one")
    return Client(client_id, secret, scopes)


@attrs.frozen
class Grant:
    """What a token stands for: the client, its scopes, the one project they name, and when it expires."""

    client_id: str
    scopes: tuple[Scope, ...]
    project: str
    expires_at: datetime

    @property
    def scope(self) -> str:
        """The scopes as the token response writes them: space-separated."""
        return " ".join(map(str, self.scopes))


#: The characters RFC 6749 (5.2) allows in ``error_description``: printable ASCII but ``"`` and ``\\``;
#: ``%`` is allowed too, and left out here because it escapes the others.
_DESCRIPTION_SAFE: Final = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in '"\\%')


def _description(text: str) -> str:
    """*text* within RFC 6749's ``error_description`` characters: any other character percent-encoded (UTF-8).

    A description quotes what the request sent (a grant type, a scope), which
    may hold any character; the RFC says the value "MUST NOT include"
    others.
    """
    return urllib.parse.quote(text, safe=_DESCRIPTION_SAFE)


@attrs.frozen
class OAuthError:
    """A refused token request, in the OAuth error format (RFC 6749, 5.2).

    ``error`` is the OAuth code (``invalid_request``, ``invalid_client``,
    ``unsupported_grant_type``, ``invalid_scope``); ``body`` is the answer:
    the OAuth fields, and the API's ErrorResponse fields beside them (as
    the commercetools auth service answers), whose code is
    ``AuthenticationError`` for bad credentials. ``description`` is kept to
    the characters the RFC allows (``_description``).
    """

    status: int
    error: str
    description: str = attrs.field(converter=_description)

    @property
    def body(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        code = "AuthenticationError" if self.error == "invalid_client" else self.error
        return {
            "statusCode": self.status,
            "message": self.description,
            "errors": [{"code": code, "message": self.description}],
            "error": self.error,
            "error_description": self.description,
        }


def _bad(description: str) -> OAuthError:
    return OAuthError(400, "invalid_request", description)


_BAD_CLIENT: Final = OAuthError(401, "invalid_client", "Bad credentials or Client ID is not defined")


class Tokens:
    """The tokens of the mock: issued to client credentials, and read back by request (thread-safe).

    *clock* is the mock's time; *clients* fixes the clients accepted
    (default: any, see the module's docstring); *project* the default
    project of a token asked for without ``scope``; *token* makes a token's
    text (default: 32 random bytes, URL-safe). With *expire* false, a token
    still names its project after ``expires_in`` (until ``max_tokens`` newer
    ones push it out): a mock that does not check tokens keeps a caller's
    project while its clock jumps days ahead.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], datetime],
        project: str,
        clients: Sequence[Client] = (),
        lifetime: timedelta = LIFETIME,
        max_tokens: int = MAX_TOKENS,
        token: Callable[[], str] | None = None,
        expire: bool = True,
    ) -> None:
        if lifetime <= timedelta(0):
            raise ValueError(f"lifetime must be positive, got {lifetime}")
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
        self._clock = clock
        self.project: Final = project
        self._clients: Final[Mapping[str, Client]] = {client.id: client for client in clients}
        self.lifetime: Final = lifetime
        self._max = max_tokens
        self._token = token or (lambda: secrets.token_urlsafe(32))
        self.expire: Final = expire
        self._grants: OrderedDict[str, Grant] = OrderedDict()  # in issue order, which is expiry order
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """The number of tokens held (some may have expired since the last issue)."""
        with self._lock:
            return len(self._grants)

    def request(self, body: bytes, authorization: str | None) -> tuple[str, Grant] | OAuthError:
        """``POST /oauth/token``: a form body and the ``Authorization`` header -> a new token and its grant.

        The client authenticates by HTTP Basic (RFC 6749, 2.3.1) or by the
        form's ``client_id`` and ``client_secret``; the grant type must be
        ``client_credentials``; ``scope`` is optional.
        """
        try:
            form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            return _bad("The request body is not a UTF-8 form.")
        repeated = sorted(name for name, values in form.items() if len(values) > 1)
        if repeated:
            return _bad(f"The form field {repeated[0]} is given more than once.")
        fields = {name: values[0] for name, values in form.items()}
        grant_type = fields.get("grant_type")
        if grant_type is None:
            return _bad("The form field grant_type is missing.")
        if grant_type != "client_credentials":
            shown = grant_type if len(grant_type) <= 60 else f"{grant_type[:57]}..."
            return OAuthError(400, "unsupported_grant_type", f"The grant type {shown!r} is not supported.")
        credentials = _credentials(fields, authorization)
        if isinstance(credentials, OAuthError):
            return credentials
        client_id, secret = credentials
        client = self._clients.get(client_id)
        if self._clients and (client is None or not secrets.compare_digest(client.secret, secret)):
            return _BAD_CLIENT
        try:
            asked = parse_scopes(fields.get("scope", ""))
        except ValueError as exc:
            return OAuthError(400, "invalid_scope", str(exc))
        if client is not None and not set(asked) <= set(client.scopes):
            denied = next(str(s) for s in asked if s not in client.scopes)
            return OAuthError(400, "invalid_scope", f"The client may not be granted the scope {denied}.")
        scopes = asked or (client.scopes if client is not None else (Scope("manage_project", self.project),))
        projects = projects_of(scopes)
        if len(projects) != 1:
            return OAuthError(400, "invalid_scope", "The scopes of a token name one project.")
        return self._issue(client_id, scopes, projects[0])

    def _issue(self, client_id: str, scopes: tuple[Scope, ...], project: str) -> tuple[str, Grant]:
        with self._lock:
            now = self._clock()
            while self.expire and self._grants and next(iter(self._grants.values())).expires_at <= now:
                self._grants.popitem(last=False)
            while len(self._grants) >= self._max:
                self._grants.popitem(last=False)
            token = self._token()
            grant = Grant(client_id, scopes, project, now + self.lifetime)
            self._grants[token] = grant
            return token, grant

    def grant(self, authorization: str | None) -> Grant | None:
        """The grant of a request's ``Authorization: Bearer TOKEN``; None without one, or an unknown or expired one."""
        if authorization is None:
            return None
        kind, _, token = authorization.partition(" ")
        if kind.lower() != "bearer" or not token:
            return None
        with self._lock:
            grant = self._grants.get(token.strip())
        if grant is None or (self.expire and grant.expires_at <= self._clock()):
            return None
        return grant

    def clear(self) -> None:
        """Forget every token."""
        with self._lock:
            self._grants.clear()


def _credentials(fields: Mapping[str, str], authorization: str | None) -> tuple[str, str] | OAuthError:
    """The client id and secret, from HTTP Basic or the form (one way only, RFC 6749 2.3.1)."""
    in_form = "client_id" in fields or "client_secret" in fields
    if authorization is not None:
        if in_form:
            return _bad("The client authenticates once: by HTTP Basic or by the form, not both.")
        kind, _, encoded = authorization.partition(" ")
        if kind.lower() != "basic":
            return _BAD_CLIENT
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return _BAD_CLIENT
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            return _BAD_CLIENT
        # RFC 6749, 2.3.1: the id and secret are form-encoded before Basic encoding.
        return urllib.parse.unquote_plus(client_id), urllib.parse.unquote_plus(secret)
    if not in_form:
        return _BAD_CLIENT
    client_id = fields.get("client_id", "")
    if not client_id:
        return _bad("The form field client_id is missing.")
    return client_id, fields.get("client_secret", "")
