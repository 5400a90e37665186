"""Access and deployment rules: who may deploy a connector, and where.

``check_deployment`` judges a deployment of a ConnectorStaged's production
Connector (or, with ``preview``, of the staged data itself) to a project.
``connector_snapshot`` is the production Connector a ConnectorStaged yields
when its status reaches Published, and ``published_connector`` says which
change takes one: what a mock stores and serves from ``GET /connectors/{id}``.

Source: ``lifecycle.md`` (Access and deployment rules).
"""

from __future__ import annotations

from .errors import (
    ConnectorReferenceNotFound,
    ConnectorStagedNotPreviewable,
    DeploymentUnsupportedRegion,
    DomainError,
)
from .model import Connector, ConnectorStaged, ConnectorStatus, IsPreviewable, check_project_identifier

__all__ = ["check_deployment", "connector_snapshot", "listed", "published_connector", "shown_in_search", "visible"]


def visible(staged: ConnectorStaged, project: str, *, owner: str | None = None) -> bool:
    """Whether *project* may see the connector of *staged*: it is public, lists *project*, or *project* owns it.

    The one visibility rule (mock-service.md, "Connector search"), used by
    ``check_deployment`` and by searches. *owner* is the ProjectIdentifier of
    the project that created the ConnectorStaged, where the caller knows it:
    "if [privateProjects is] empty, only the creator can access this
    Connector" (the draft type).
    """
    return not staged.private or project in staged.private_projects or project == owner


def listed(staged: ConnectorStaged, project: str) -> bool:
    """Whether *staged*'s ``privateProjects`` lists *project*: a preview needs it, whatever ``private`` is.

    Rule 2 of ``check_deployment``; a Deployment's create checks it with the
    reference, before the type (deployments.md, Create step 2).
    """
    return project in staged.private_projects


def shown_in_search(staged: ConnectorStaged, project: str, *, owner: str | None = None) -> bool:
    """Whether a Connector search by *project* shows the production Connector of *staged*.

    ``visible``, and an unlisted connector (``alreadyListed`` false) is hidden
    from every project but its *owner*: ``unlist`` "removes [it] from search
    results and listings" (mock-service.md, "Connector search").
    """
    return visible(staged, project, owner=owner) and (staged.already_listed or project == owner)


def check_deployment(
    staged: ConnectorStaged, project: str, *, preview: bool = False, owner: str | None = None
) -> DomainError | None:
    """The error refusing a deployment of *staged* to *project*, or None when it is allowed.

    *project* is a ProjectIdentifier, ``{region}:{projectKey}`` (``ValueError``
    otherwise). The checks, in order:

    1. a private connector is invisible to projects outside ``privateProjects``
       and other than its *owner* (``visible``; ``ConnectorReferenceNotFound``);
       an empty list admits no project but the owner;
    2. a preview needs ``isPreviewable`` ``true`` (``ConnectorStagedNotPreviewable``)
       and the project in ``privateProjects``, whatever ``private`` is
       (``ConnectorReferenceNotFound``);
    3. a non-empty ``supportedRegions`` must hold the project's region
       (``DeploymentUnsupportedRegion``);
    4. a deployment that is not a preview needs a production Connector, one
       published at least once (``ConnectorReferenceNotFound``).
    """
    check_project_identifier(project)
    not_found = ConnectorReferenceNotFound(staged.key or staged.id, staged.version)
    if not visible(staged, project, owner=owner):
        return not_found
    if preview:
        if staged.is_previewable is not IsPreviewable.TRUE:
            return ConnectorStagedNotPreviewable(staged.id, staged.key, staged.version)
        if not listed(staged, project):
            return not_found
    region = project.split(":", 1)[0]
    if staged.supported_regions and region not in {r.value for r in staged.supported_regions}:
        return DeploymentUnsupportedRegion(region)
    if not preview and not staged.published_before:
        return not_found
    return None


def connector_snapshot(staged: ConnectorStaged) -> Connector:
    """The production Connector that *staged* yields as it reaches Published.

    It carries the staged data (``version`` included) and ``certified`` as a
    plain boolean, absent read as false.
    """
    return Connector(
        id=staged.id,
        key=staged.key,
        version=staged.version,
        name=staged.name,
        description=staged.description,
        integration_types=staged.integration_types,
        creator=staged.creator,
        repository=staged.repository,
        configurations=staged.configurations,
        api_client=staged.api_client,
        private=staged.private,
        global_configuration=staged.global_configuration,
        supported_regions=staged.supported_regions,
        certified=bool(staged.certified),
        documentation_url=staged.documentation_url,
    )


def published_connector(before: ConnectorStaged | None, after: ConnectorStaged) -> Connector | None:
    """The production Connector that the change from *before* (None: a creation) to *after* publishes, or None.

    A new production version is taken when the status reaches Published
    (lifecycle.md, Effects): from any other status, by the service's
    ``PublishingSucceeded`` or ``CertificationPassed``. A change while
    Published (an ``unlist``, a preview) takes none: the production Connector
    stays as it was.
    """
    published = ConnectorStatus.PUBLISHED
    if after.status is not published or (before is not None and before.status is published):
        return None
    return connector_snapshot(after)
