"""Who may call which endpoint: the Connect API's OAuth scopes, as data (connect-deployments-facts.md, section 4).

Every endpoint is secured by one trait, and a trait lists the scopes that
admit a caller, each bound to a project (``manage_connectors:{projectKey}``).
The lists are read as alternatives: a token with any one of them, for the
project concerned, may call the endpoint (facts: "Read as alternatives,
each list means one of these"). ``ENDPOINTS`` names the trait of each of the
21 operations by its method and its path template as the reference writes
it; ``allows`` is the one check, and ``parse_scopes`` reads a scope string.

Pure: no tokens, no clock. A server finds the caller's scopes (a token it
issued) and the project concerned (the path's ``{projectKey}``, or the
token's own project for the ``/connectors`` endpoints, which name none).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from typing import Final, NamedTuple

from .model import PROJECT_KEY_PATTERN

__all__ = [
    "ENDPOINTS",
    "SCOPE_NAMES",
    "TRAIT_SCOPES",
    "Scope",
    "Trait",
    "allows",
    "parse_scopes",
    "projects_of",
]


class Trait(enum.Enum):
    """The four security traits of the RAML; every endpoint has one."""

    VIEW_CONNECTORS = "secured_by_view_connectors"
    MANAGE_CONNECTORS = "secured_by_manage_connectors"
    VIEW_CONNECTORS_DEPLOYMENTS = "secured_by_view_connectors_deployments"
    MANAGE_CONNECTORS_DEPLOYMENTS = "secured_by_manage_connectors_deployments"


#: The scope names a token may hold: the scheme's five, in RAML order, and ``manage_api_clients``,
#: which only the description of ``POST /{projectKey}/deployments`` names (it admits to no endpoint).
SCOPE_NAMES: Final = (
    "manage_project",
    "view_connectors",
    "manage_connectors",
    "view_connectors_deployments",
    "manage_connectors_deployments",
    "manage_api_clients",
)

#: trait -> the scope names that admit a caller (any one of them, for the project concerned).
TRAIT_SCOPES: Final[Mapping[Trait, tuple[str, ...]]] = {
    Trait.VIEW_CONNECTORS: ("manage_project", "manage_connectors", "view_connectors"),
    Trait.MANAGE_CONNECTORS: ("manage_project", "manage_connectors"),
    Trait.VIEW_CONNECTORS_DEPLOYMENTS: (
        "manage_project",
        "manage_connectors_deployments",
        "view_connectors_deployments",
    ),
    Trait.MANAGE_CONNECTORS_DEPLOYMENTS: ("manage_project", "manage_connectors_deployments"),
}

_V: Final = Trait.VIEW_CONNECTORS
_M: Final = Trait.MANAGE_CONNECTORS
_VD: Final = Trait.VIEW_CONNECTORS_DEPLOYMENTS
_MD: Final = Trait.MANAGE_CONNECTORS_DEPLOYMENTS

#: (method, path template as the reference writes it) -> its trait: the 21 operations of the facts.
ENDPOINTS: Final[Mapping[tuple[str, str], Trait]] = {
    ("POST", "/{projectKey}/deployments"): _MD,
    ("GET", "/{projectKey}/deployments"): _VD,
    ("GET", "/{projectKey}/deployments/{ID}"): _VD,
    ("POST", "/{projectKey}/deployments/{ID}"): _MD,
    ("DELETE", "/{projectKey}/deployments/{ID}"): _MD,
    ("GET", "/{projectKey}/deployments/{ID}/logs"): _VD,
    ("GET", "/{projectKey}/deployments/key={key}"): _VD,
    ("POST", "/{projectKey}/deployments/key={key}"): _MD,
    ("DELETE", "/{projectKey}/deployments/key={key}"): _MD,
    ("GET", "/{projectKey}/deployments/key={key}/logs"): _VD,
    ("GET", "/connectors/{ID}"): _V,
    ("GET", "/connectors/key={key}"): _V,
    ("GET", "/connectors/search"): _V,
    ("POST", "/connectors/drafts"): _M,
    ("GET", "/connectors/drafts"): _V,
    ("GET", "/connectors/drafts/{ID}"): _V,
    ("POST", "/connectors/drafts/{ID}"): _M,
    ("DELETE", "/connectors/drafts/{ID}"): _M,
    ("GET", "/connectors/drafts/key={key}"): _V,
    ("POST", "/connectors/drafts/key={key}"): _M,
    ("DELETE", "/connectors/drafts/key={key}"): _M,
}

_SCOPE: Final = re.compile(rf"([a-z_]+):({PROJECT_KEY_PATTERN.pattern})")


class Scope(NamedTuple):
    """One scope of a token: its name, and the project key it is bound to."""

    name: str
    project: str

    def __str__(self) -> str:
        return f"{self.name}:{self.project}"


def parse_scopes(text: str) -> tuple[Scope, ...]:
    """The scopes of a space-separated scope string, in order, each once; ``ValueError`` names the first bad one.

    Each is ``name:{projectKey}``, the name one of ``SCOPE_NAMES`` and the
    project key as a ProjectIdentifier's second part allows it. An empty
    string has no scope, which is not an error here.
    """
    scopes: list[Scope] = []
    for item in text.split():
        match = _SCOPE.fullmatch(item)
        if match is None or match[1] not in SCOPE_NAMES:
            shown = item if len(item) <= 60 else f"{item[:57]}..."
            raise ValueError(
                f"{shown!r} is not a scope: expected name:projectKey, the name one of {', '.join(SCOPE_NAMES)}"
            )
        scopes.append(Scope(match[1], match[2]))
    return tuple(dict.fromkeys(scopes))


def projects_of(scopes: Iterable[Scope]) -> tuple[str, ...]:
    """The projects *scopes* are bound to, in order of first mention."""
    return tuple(dict.fromkeys(scope.project for scope in scopes))


def allows(scopes: Iterable[Scope], trait: Trait, project: str) -> bool:
    """Whether *scopes* hold one that *trait* accepts, bound to *project*."""
    accepted = TRAIT_SCOPES[trait]
    return any(scope.project == project and scope.name in accepted for scope in scopes)
