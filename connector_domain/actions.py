"""The 19 update actions of a ConnectorStaged, ``UpdateAction`` and ``ConnectorUpdate``.

One frozen class per action; the class name is the wire name of the action in
PascalCase (only the codec spells ``"setName"``). Parse, don't validate: each
action checks its payload when it is built (patterns, ``minItems``,
``minimum``, the GitHub URL form, a non-empty tag) and raises
:class:`ValueError` otherwise, so an invalid action cannot exist and the
reducer never sees one.

Source: ``connect-api-facts.md`` (Update actions).
"""

from __future__ import annotations

from typing import Final, TypeAlias

import attrs

from ._fields import at_least_one, bounded, checked, non_empty, typed
from .model import (
    IntegrationType,
    Region,
    check_project_identifier,
    check_repository_tag,
    check_repository_url,
)

__all__ = [
    "MAX_ACTIONS",
    "ACTIONS",
    "ACTION_TYPES",
    "CONTENT_ACTIONS",
    "AddCertificationComment",
    "AddPrivateProject",
    "ConnectorUpdate",
    "Publish",
    "RemovePrivateProject",
    "SetCreatorCompany",
    "SetCreatorEmail",
    "SetCreatorLogo",
    "SetCreatorName",
    "SetCreatorNoOfContributors",
    "SetCreatorSupportUrl",
    "SetCreatorTitle",
    "SetDescription",
    "SetDocumentationUrl",
    "SetIntegrationTypes",
    "SetName",
    "SetRepository",
    "SetSupportedRegions",
    "Unlist",
    "UpdateAction",
    "UpdatePreviewable",
    "action_name",
    "input_name",
]


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetName:
    """Set ``name`` (wire: ``setName``)."""

    name: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetDescription:
    """Set ``description`` (wire: ``setDescription``)."""

    description: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetRepository:
    """Set the repository tag, and the URL when given (wire: ``setRepository``).

    ``url``, when given, must be an HTTPS or SSH GitHub URL; without it the
    current url stays (the official CLI sends ``{action: setRepository, tag}``
    on every update without ``--repository-url``, and the SDK types ``url``
    as optional: lifecycle.md). ``tag`` is required and must not be empty.
    """

    tag: str = checked(check_repository_tag)
    url: str | None = checked(check_repository_url, default=None)


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetSupportedRegions:
    """Set ``supportedRegions`` (wire: ``setSupportedRegions``; ``minItems`` 1)."""

    regions: tuple[Region, ...] = checked(non_empty)


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetDocumentationUrl:
    """Set ``documentationUrl`` (wire: ``setDocumentationUrl``)."""

    documentation_url: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetIntegrationTypes:
    """Set ``integrationTypes`` (wire: ``setIntegrationTypes``; may be empty)."""

    integration_types: tuple[IntegrationType, ...]


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetCreatorName:
    """Set ``creator.name`` (wire: ``setCreatorName``)."""

    creator_name: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetCreatorTitle:
    """Set ``creator.title`` (wire: ``setCreatorTitle``)."""

    creator_title: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetCreatorEmail:
    """Set ``creator.email`` (wire: ``setCreatorEmail``)."""

    creator_email: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetCreatorCompany:
    """Set ``creator.company`` (wire: ``setCreatorCompany``)."""

    creator_company: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetCreatorNoOfContributors:
    """Set ``creator.noOfContributors`` (wire: ``setCreatorNoOfContributors``; ``minimum`` 1)."""

    creator_no_of_contributors: int = checked(at_least_one)


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetCreatorSupportUrl:
    """Set ``creator.supportUrl`` (wire: ``setCreatorSupportUrl``)."""

    creator_support_url: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class SetCreatorLogo:
    """Set ``creator.logoUrl`` (wire: ``setCreatorLogo``; the payload field is ``logoUrl``)."""

    logo_url: str


@attrs.frozen(kw_only=True, field_transformer=typed)
class AddPrivateProject:
    """Allow a project to deploy this private connector (wire: ``addPrivateProject``).

    Refused with ConnectorStagedNotPrivate when the connector is not private;
    adding a project already present changes nothing.
    """

    private_project: str = checked(check_project_identifier)


@attrs.frozen(kw_only=True, field_transformer=typed)
class RemovePrivateProject:
    """Withdraw a project's access (wire: ``removePrivateProject``).

    Refused with ConnectorStagedNotPrivate when the connector is not private;
    removing an absent project changes nothing.
    """

    private_project: str = checked(check_project_identifier)


@attrs.frozen(field_transformer=typed)
class UpdatePreviewable:
    """Ask for preview status: ``isPreviewable`` becomes ``pending`` (wire: ``updatePreviewable``)."""


@attrs.frozen(kw_only=True, field_transformer=typed)
class Publish:
    """Start publishing (wire: ``publish``).

    ``certification`` true submits the connector to certification (public);
    false publishes it privately, deployable only to ``privateProjects``.
    """

    certification: bool


@attrs.frozen(field_transformer=typed)
class Unlist:
    """Take a certified, listed connector out of search and listings (wire: ``unlist``)."""


@attrs.frozen(kw_only=True, field_transformer=typed)
class AddCertificationComment:
    """Add a comment during certification (wire: ``addCertificationComment``).

    The comment's ``userId`` and ``datetime`` are the ``by`` and ``at``
    arguments of ``apply``, which this action requires.
    """

    comment: str


UpdateAction: TypeAlias = (
    SetName
    | SetDescription
    | SetRepository
    | SetSupportedRegions
    | SetDocumentationUrl
    | SetIntegrationTypes
    | SetCreatorName
    | SetCreatorTitle
    | SetCreatorEmail
    | SetCreatorCompany
    | SetCreatorNoOfContributors
    | SetCreatorSupportUrl
    | SetCreatorLogo
    | AddPrivateProject
    | RemovePrivateProject
    | UpdatePreviewable
    | Publish
    | Unlist
    | AddCertificationComment
)
"""Any of the 19 update actions (wire: ``ConnectorUpdateAction``, discriminated by ``action``)."""

#: The content actions: they edit the connector's data, and share one lifecycle row.
CONTENT_ACTIONS: tuple[type[UpdateAction], ...] = (
    SetName,
    SetDescription,
    SetRepository,
    SetSupportedRegions,
    SetDocumentationUrl,
    SetIntegrationTypes,
    SetCreatorName,
    SetCreatorTitle,
    SetCreatorEmail,
    SetCreatorCompany,
    SetCreatorNoOfContributors,
    SetCreatorSupportUrl,
    SetCreatorLogo,
    AddPrivateProject,
    RemovePrivateProject,
)


#: Every update action class, in the order of the API reference.
ACTIONS: tuple[type[UpdateAction], ...] = (
    *CONTENT_ACTIONS,
    UpdatePreviewable,
    Publish,
    Unlist,
    AddCertificationComment,
)


#: The same, as a set.
ACTION_TYPES: frozenset[type] = frozenset(ACTIONS)


def action_name(cls: type) -> str:
    """The wire name of an action class: its name with a lower-case first letter (``SetName`` -> ``setName``)."""
    name = cls.__name__
    return name[0].lower() + name[1:]


def input_name(kind: type) -> str:
    """The name messages and docs use for an input class: an action's wire name, else the class name.

    It takes the class, not an input: a message names the kind of input, and
    the diagrams and the tables have only classes (``input_name(type(event))``
    for an input).
    """
    return action_name(kind) if kind in ACTION_TYPES else kind.__name__


#: The most update actions one request may carry: the Composable Commerce API's limit (mock-service.md, decision).
MAX_ACTIONS: Final = 500


@attrs.frozen(kw_only=True, field_transformer=typed)
class ConnectorUpdate:
    """An update request: the version the caller expects, and the actions to apply in order.

    At most ``MAX_ACTIONS`` (500) actions: more is refused, by the constructor
    and by the codec before it reads any of them.
    """

    version: int
    actions: tuple[UpdateAction, ...] = bounded(MAX_ACTIONS)
