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

from typing import Any, TypeAlias

import attrs

from .model import (
    IntegrationType,
    Region,
    WrongTypeError,
    _all,
    _checked,
    _each,
    _is,
    _of,
    _seq,
    _tuple,
    _validator,
    check_project_identifier,
    check_repository_tag,
    check_repository_url,
)

__all__ = [
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


def _non_empty(value: Any) -> None:
    if len(value) < 1:
        raise ValueError("must contain at least 1 item")


def _at_least_one(value: Any) -> None:
    _is(int)(value)
    if value < 1:
        raise ValueError(f"must be at least 1, not {value}")


@attrs.frozen(kw_only=True)
class SetName:
    """Set ``name`` (wire: ``setName``)."""

    name: str = _of(str)


@attrs.frozen(kw_only=True)
class SetDescription:
    """Set ``description`` (wire: ``setDescription``)."""

    description: str = _of(str)


@attrs.frozen(kw_only=True)
class SetRepository:
    """Set the repository URL and tag (wire: ``setRepository``).

    ``url`` must be an HTTPS or SSH GitHub URL and ``tag`` must not be empty.
    """

    url: str = _checked(check_repository_url)
    tag: str = _checked(check_repository_tag)


@attrs.frozen(kw_only=True)
class SetSupportedRegions:
    """Set ``supportedRegions`` (wire: ``setSupportedRegions``; ``minItems`` 1)."""

    regions: tuple[Region, ...] = attrs.field(
        validator=_validator(_all(_tuple, _each(_is(Region)), _non_empty)), metadata={"check": _non_empty}
    )


@attrs.frozen(kw_only=True)
class SetDocumentationUrl:
    """Set ``documentationUrl`` (wire: ``setDocumentationUrl``)."""

    documentation_url: str = _of(str)


@attrs.frozen(kw_only=True)
class SetIntegrationTypes:
    """Set ``integrationTypes`` (wire: ``setIntegrationTypes``; may be empty)."""

    integration_types: tuple[IntegrationType, ...] = _seq(of=IntegrationType)


@attrs.frozen(kw_only=True)
class SetCreatorName:
    """Set ``creator.name`` (wire: ``setCreatorName``)."""

    creator_name: str = _of(str)


@attrs.frozen(kw_only=True)
class SetCreatorTitle:
    """Set ``creator.title`` (wire: ``setCreatorTitle``)."""

    creator_title: str = _of(str)


@attrs.frozen(kw_only=True)
class SetCreatorEmail:
    """Set ``creator.email`` (wire: ``setCreatorEmail``)."""

    creator_email: str = _of(str)


@attrs.frozen(kw_only=True)
class SetCreatorCompany:
    """Set ``creator.company`` (wire: ``setCreatorCompany``)."""

    creator_company: str = _of(str)


@attrs.frozen(kw_only=True)
class SetCreatorNoOfContributors:
    """Set ``creator.noOfContributors`` (wire: ``setCreatorNoOfContributors``; ``minimum`` 1)."""

    creator_no_of_contributors: int = _checked(_at_least_one)


@attrs.frozen(kw_only=True)
class SetCreatorSupportUrl:
    """Set ``creator.supportUrl`` (wire: ``setCreatorSupportUrl``)."""

    creator_support_url: str = _of(str)


@attrs.frozen(kw_only=True)
class SetCreatorLogo:
    """Set ``creator.logoUrl`` (wire: ``setCreatorLogo``; the payload field is ``logoUrl``)."""

    logo_url: str = _of(str)


@attrs.frozen(kw_only=True)
class AddPrivateProject:
    """Allow a project to deploy this private connector (wire: ``addPrivateProject``).

    Refused with ConnectorStagedNotPrivate when the connector is not private;
    adding a project already present changes nothing.
    """

    private_project: str = _checked(check_project_identifier)


@attrs.frozen(kw_only=True)
class RemovePrivateProject:
    """Withdraw a project's access (wire: ``removePrivateProject``).

    Refused with ConnectorStagedNotPrivate when the connector is not private;
    removing an absent project changes nothing.
    """

    private_project: str = _checked(check_project_identifier)


@attrs.frozen
class UpdatePreviewable:
    """Ask for preview status: ``isPreviewable`` becomes ``pending`` (wire: ``updatePreviewable``)."""


@attrs.frozen(kw_only=True)
class Publish:
    """Start publishing (wire: ``publish``).

    ``certification`` true submits the connector to certification (public);
    false publishes it privately, deployable only to ``privateProjects``.
    """

    certification: bool = _of(bool)


@attrs.frozen
class Unlist:
    """Take a certified, listed connector out of search and listings (wire: ``unlist``)."""


@attrs.frozen(kw_only=True)
class AddCertificationComment:
    """Add a comment during certification (wire: ``addCertificationComment``).

    The comment's ``userId`` and ``datetime`` are the ``by`` and ``at``
    arguments of ``apply``, which this action requires.
    """

    comment: str = _of(str)


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


def _is_action(value: Any) -> None:
    if type(value) not in ACTION_TYPES:
        raise WrongTypeError(f"expected an update action, got {type(value).__name__} {value!r}")


def action_name(cls: type) -> str:
    """The wire name of an action class: its name with a lower-case first letter (``SetName`` -> ``setName``)."""
    name = cls.__name__
    return name[0].lower() + name[1:]


def input_name(kind: type) -> str:
    """The name messages and docs use for an input class: an action's wire name, else the class name."""
    return action_name(kind) if kind in ACTION_TYPES else kind.__name__


@attrs.frozen(kw_only=True)
class ConnectorUpdate:
    """An update request: the version the caller expects, and the actions to apply in order."""

    version: int = _of(int)
    actions: tuple[UpdateAction, ...] = attrs.field(validator=_validator(_all(_tuple, _each(_is_action))))
