"""The Deployment's pure reducer: ``create_deployment``, ``apply_deployment``, ``apply_deployment_update``.

Every check runs here, once, in the order of deployments.md, and the generic
parts are the ConnectorStaged's (``_machine``: the version rule, the table
lookup, the no-op filter, the one commit):

- ``create_deployment`` runs the checks of "Create" that a pure function
  can decide: the reference's visibility and version (the lookup of the id
  or key is the caller's), the type, ``access.check_deployment``, the
  production setting, the applications, the values. Key uniqueness (step 8)
  is the store's, which answers ``DuplicateField`` itself.
- ``apply_deployment`` takes one input (``Redeploy``, ``Delete``, a service
  event): the lock (``lifecycle.target``), then the input's own checks (its
  handler), then the no-op rule; a change adds 1 to the version. An input
  that removes the Deployment answers ``GONE``.
- ``apply_deployment_update`` takes a ``DeploymentUpdate``: the version,
  then its actions in order, atomically; a change adds exactly 1.

No clock, no randomness, no I/O: the caller passes every id (the
Deployment's, its build's, its applications'), the resolved connector, and
what only it knows (the project, its owner, whether production deployments
are enabled). Handlers return the fields an input sets, or an error; never
the status or the version. Secured values are masked as they are taken from
a request (see ``model``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, TypeAlias

import attrs

from .._machine import Changes, changed, check_version, committed, replacer, settled
from ..access import check_deployment, listed, visible
from ..errors import (
    ConnectorReferenceNotFound,
    DeploymentApplicationDoNotBelong,
    DeploymentApplicationRequired,
    DeploymentConnectorUpdateFailure,
    DeploymentEmptyRequiredGlobalConfigurationKey,
    DeploymentInvalidType,
    DeploymentMissingGlobalConfigurationKey,
    DeploymentProductionDeactivated,
    DeploymentUnknownApplicationConfiguration,
    DeploymentUnknownApplicationConfigurationKey,
    DeploymentUnknownGlobalConfigurationKey,
    DomainError,
)
from ..model import (
    ApplicationType,
    Connector,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    ConnectorStaged,
    Region,
    check_project_identifier,
)
from . import lifecycle
from .actions import Delete, DeploymentUpdate, Redeploy
from .events import (
    DeploymentFailed,
    DeploymentInput,
    DeploymentStarted,
    DeploymentSucceeded,
    UndeployFailed,
    UndeploySucceeded,
)
from .lifecycle import Gone
from .model import (
    ApplicationDeployment,
    ConfigurationValue,
    ConnectorReference,
    Deployment,
    DeploymentConfigurationApplication,
    DeploymentConnector,
    DeploymentCreator,
    DeploymentDetails,
    DeploymentDetailsBuild,
    DeploymentDraft,
    DeploymentGlobalConfiguration,
    DeploymentReport,
    DeploymentStatus,
    DeploymentType,
    masked,
    masked_global,
)

__all__ = [
    "ALLOWED_TYPES",
    "Target",
    "apply_deployment",
    "apply_deployment_update",
    "check_version",
    "create_deployment",
    "deployment_connector",
    "unknown_reference",
]

#: The connector a Deployment deploys, as the caller resolved it: a ConnectorStaged for a
#: preview (``connector.staged`` true), else the production Connector.
Target: TypeAlias = ConnectorStaged | Connector
_Handler: TypeAlias = Callable[[Deployment, Any, "Target | None"], "Changes | DomainError"]

_replace: Final = replacer(Deployment)

#: The types a reference allows, the default first: by whether it names the ConnectorStaged
#: (deployments.md, Create step 3: absent means preview, decision; sandbox, reference).
ALLOWED_TYPES: Final[Mapping[bool, tuple[DeploymentType, ...]]] = {
    True: (DeploymentType.PREVIEW,),
    False: (DeploymentType.SANDBOX, DeploymentType.PRODUCTION),
}


# --- create ----------------------------------------------------------------------


def create_deployment(
    draft: DeploymentDraft,
    staged: ConnectorStaged,
    *,
    project: str,
    id: str,
    build_id: str,
    application_ids: Sequence[str],
    connector: Connector | None = None,
    owner: str | None = None,
    production_enabled: bool = True,
) -> Deployment | DomainError:
    """The Deployment that ``POST /{project}/deployments`` creates from *draft*, or the first check it fails.

    The caller resolves ``draft.connector`` (an unknown id or key is its
    ``ConnectorReferenceNotFound``) and passes *staged*, the ConnectorStaged
    it names, and *connector*, its production Connector (``None`` when it was
    never published). *project* is the project key of the path; the
    deploying project is ``{draft.region}:{project}``, and *owner* the
    ProjectIdentifier of the project that created the connector.
    *production_enabled* is the project's setting. *id* and *build_id* are
    new ids; *application_ids* one new id per application of the deployed
    connector, in its order. The checks, in order (deployments.md, Create):

    2. the reference: a production Connector that does not exist, a
       connector the project may not see (``access.visible``; a preview also
       needs the project ``access.listed``), or a ``version`` other than the
       current one -> ``ConnectorReferenceNotFound``;
    3. the type -> ``DeploymentInvalidType``;
    4. ``access.check_deployment`` -> ``ConnectorStagedNotPreviewable``,
       ``DeploymentUnsupportedRegion``;
    5. ``production`` while *production_enabled* is false -> ``DeploymentProductionDeactivated``;
    6. a connector without applications -> ``DeploymentApplicationRequired``;
    7. the values, in draft order -> ``DeploymentUnknownApplicationConfiguration``,
       ``DeploymentUnknownApplicationConfigurationKey``, then for the global
       values ``DeploymentUnknownGlobalConfigurationKey``,
       ``DeploymentMissingGlobalConfigurationKey``,
       ``DeploymentEmptyRequiredGlobalConfigurationKey``.

    An empty id, a *connector* of another id, a project key that makes no
    ProjectIdentifier, or a count of *application_ids* other than the
    connector's applications is a programming error (``ValueError``).
    """
    for name, value in (("id", id), ("build_id", build_id)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string")
    if connector is not None and connector.id != staged.id:
        raise ValueError(f"connector {connector.id!r} is not the production Connector of {staged.id!r}")
    deploying = f"{draft.region.value}:{project}"
    check_project_identifier(deploying)
    reference = draft.connector
    target: Target | None = staged if reference.staged else connector
    # 2. the reference
    not_found = _check_reference(reference, staged, target, deploying, owner)
    if not_found is not None:
        return not_found
    assert target is not None  # a missing production Connector was refused above
    # 3. the type
    kind = _resolve_type(draft.type, target, staged=bool(reference.staged))
    if isinstance(kind, DomainError):
        return kind
    # 4. check_deployment: previewable, region
    refused = check_deployment(staged, deploying, preview=kind is DeploymentType.PREVIEW, owner=owner)
    if refused is not None:
        return refused
    # 5. the project's production setting
    if kind is DeploymentType.PRODUCTION and not production_enabled:
        return DeploymentProductionDeactivated()
    # 6. something to deploy
    declared = tuple(target.configurations or ())
    if not declared:
        return DeploymentApplicationRequired()
    # 7. the values
    refused = _check_values(draft.configurations, declared) or _check_global(
        draft.global_configuration, target.global_configuration
    )
    if refused is not None:
        return refused
    return Deployment(
        id=id,
        key=draft.key,
        version=1,
        type=kind,
        connector=deployment_connector(target),
        global_configuration=None if draft.global_configuration is None else masked_global(draft.global_configuration),
        details=DeploymentDetails(build=DeploymentDetailsBuild(id=build_id)),
        deployed_region=draft.region,
        applications=_applications(id, draft.region, declared, draft.configurations, application_ids),
        preview=kind is DeploymentType.PREVIEW,
        status=DeploymentStatus.QUEUED,
    )


def unknown_reference(reference: ConnectorReference) -> ConnectorReferenceNotFound:
    """The answer to *reference* when it names no connector the project may deploy from: none at all, or a hidden one.

    ``$identifier`` is the id or key sent, ``$version`` the version sent, or
    1, the first version of every connector, when none was sent: nothing in
    it comes from a connector, so that a hidden one is answered exactly as
    one that does not exist (deployments.md, Create 2: "a private connector
    is not revealed to other projects").
    """
    return ConnectorReferenceNotFound(reference.identifier, 1 if reference.version is None else reference.version)


def _check_reference(
    reference: ConnectorReference, staged: ConnectorStaged, target: Target | None, project: str, owner: str | None
) -> ConnectorReferenceNotFound | None:
    """Create step 2: the one error of a reference the project cannot deploy; None when it can.

    A connector the project may not see (``access.visible``; for a preview,
    ``access.listed`` too) is ``unknown_reference``'s answer, as if it did not
    exist (decision). For one it may see, ``$version`` is the version sent,
    or the current one when none was sent (deployments.md).
    """
    if not visible(staged, project, owner=owner) or (reference.staged and not listed(staged, project)):
        return unknown_reference(reference)
    current = staged.version if target is None else target.version
    not_found = ConnectorReferenceNotFound(
        reference.identifier, current if reference.version is None else reference.version
    )
    if target is None or (reference.version is not None and reference.version != target.version):
        return not_found
    return None


def _resolve_type(sent: DeploymentType | None, target: Target, *, staged: bool) -> DeploymentType | DomainError:
    """Create step 3: the type sent, or the reference's default; ``DeploymentInvalidType`` when not allowed."""
    allowed = ALLOWED_TYPES[staged]
    kind = allowed[0] if sent is None else sent
    if kind not in allowed:
        return DeploymentInvalidType(target.id, target.key, kind.value, tuple(t.value for t in allowed))
    return kind


def _check_values(
    given: Iterable[DeploymentConfigurationApplication], declared: Iterable[ConnectorConfigurationApplication]
) -> DomainError | None:
    """Create step 7, applications: each application named must exist, and each key be declared, in order."""
    by_name = {application.application_name: application for application in declared}
    for values in given:
        declaration = by_name.get(values.application_name)
        if declaration is None:
            return DeploymentUnknownApplicationConfiguration(values.application_name)
        refused = _check_keys(values, declaration)
        if refused is not None:
            return refused
    return None


def _check_keys(
    values: DeploymentConfigurationApplication, declaration: ConnectorConfigurationApplication
) -> DeploymentUnknownApplicationConfigurationKey | None:
    """Each key of *values* is one *declaration* declares, standard among standard, secured among secured."""
    for secured, items, keys in (
        (False, values.standard_configuration, declaration.standard_configuration),
        (True, values.secured_configuration, declaration.secured_configuration),
    ):
        names = {key.key for key in keys}
        for item in items:
            if item.key not in names:
                return DeploymentUnknownApplicationConfigurationKey(secured, item.key, values.application_name)
    return None


def _check_global(
    given: DeploymentGlobalConfiguration | None, declared: ConnectorGlobalConfiguration | None
) -> DomainError | None:
    """Create step 7, global values: every key declared, then every required key present and not ``""``.

    Standard before secured; the last value given for a key is the one that
    counts, as for environment variables.
    """
    kinds = (
        (
            False,
            given.standard_configuration if given else None,
            declared.standard_configuration if declared else None,
        ),
        (True, given.secured_configuration if given else None, declared.secured_configuration if declared else None),
    )
    for secured, items, keys in kinds:
        names = {key.key for key in keys or ()}
        for item in items or ():
            if item.key not in names:
                return DeploymentUnknownGlobalConfigurationKey(secured, item.key)
    for secured, items, keys in kinds:
        values = {item.key: item.value for item in items or ()}
        for key in keys or ():
            if not key.required:
                continue
            if key.key not in values:
                return DeploymentMissingGlobalConfigurationKey(secured, key.key)
            if values[key.key] == "":
                return DeploymentEmptyRequiredGlobalConfigurationKey(secured, key.key)
    return None


def _applications(
    deployment_id: str,
    region: Region,
    declared: tuple[ConnectorConfigurationApplication, ...],
    given: tuple[DeploymentConfigurationApplication, ...],
    ids: Sequence[str],
) -> tuple[ApplicationDeployment, ...]:
    """One ApplicationDeployment per application of the connector, in its order, with the values given for it."""
    if len(ids) != len(declared) or not all(isinstance(i, str) and i for i in ids):
        raise ValueError(f"application_ids must be {len(declared)} non-empty strings, one per application")
    by_name = _by_name(given)
    short = deployment_id[:8]
    # Placeholders (deployments.md): the mock runs nothing, so nothing answers there.
    host = f"{short}.{region.value}.connect.example"
    applications = []
    for application_id, declaration in zip(ids, declared, strict=True):
        name, kind = declaration.application_name, declaration.application_type
        values = by_name.get(name, [])
        applications.append(
            ApplicationDeployment(
                id=application_id,
                application_name=name,
                standard_configuration=_joined(v.standard_configuration for v in values),
                secured_configuration=masked(_joined(v.secured_configuration for v in values)),
                url=f"https://{name}-{host}" if kind is ApplicationType.SERVICE else None,
                topic=f"{name}-{short}" if kind is ApplicationType.EVENT else None,
                schedule=_schedule(values) if kind is ApplicationType.JOB else None,
            )
        )
    return tuple(applications)


def _by_name(
    given: Iterable[DeploymentConfigurationApplication],
) -> dict[str, list[DeploymentConfigurationApplication]]:
    """The values given, by application name, each application's in the order given."""
    by_name: dict[str, list[DeploymentConfigurationApplication]] = {}
    for values in given:
        by_name.setdefault(values.application_name, []).append(values)
    return by_name


def _joined(parts: Iterable[tuple[ConfigurationValue, ...]]) -> tuple[ConfigurationValue, ...]:
    return tuple(item for part in parts for item in part)


def _schedule(values: Sequence[DeploymentConfigurationApplication]) -> str | None:
    """The last schedule given, or None: the connector's default applies."""
    return next((v.schedule for v in reversed(values) if v.schedule is not None), None)


def deployment_connector(target: Target) -> DeploymentConnector:
    """The snapshot of *target* a Deployment keeps: the connector at its current version.

    ``certified`` is false for a ConnectorStaged that has none; the
    applications and the global declaration come along, so that a redeploy
    can check its values against the version deployed.
    """
    return DeploymentConnector(
        id=target.id,
        key=target.key,
        version=target.version,
        name=target.name,
        description=target.description,
        integration_types=target.integration_types,
        # The same fields, by the reference's two names (a test keeps the two classes alike).
        creator=DeploymentCreator(**attrs.asdict(target.creator, recurse=False)),
        repository=target.repository,
        configurations=tuple(target.configurations or ()),
        global_configuration=target.global_configuration,
        certified=bool(target.certified),
        supported_regions=target.supported_regions,
        documentation_url=target.documentation_url,
    )


# --- apply -----------------------------------------------------------------------


def apply_deployment(
    deployment: Deployment, event: DeploymentInput, *, target: Target | None = None
) -> Deployment | Gone | DomainError:
    """Apply one input (``Redeploy``, ``Delete``, a service event) to *deployment*.

    Returns the new resource (version + 1) when something changed,
    *deployment* itself when nothing did, ``lifecycle.GONE`` when the input
    removes it, or the ``DomainError`` that refuses the input. *target*, the
    connector at its current version (a ConnectorStaged for a preview, else
    the production Connector), is needed by a ``Redeploy`` with
    ``update_connector`` only; without it, or with another connector, that
    raises ``ValueError`` before any check. A ``Delete``'s version is the
    caller's check (``check_version``).
    """
    _check_target(deployment, event, target)
    changes = _changes(deployment, event, target)
    if isinstance(changes, DomainError | Gone):
        return changes
    return committed(deployment, changes, _replace)


def apply_deployment_update(
    deployment: Deployment, update: DeploymentUpdate, *, target: Target | None = None
) -> Deployment | DomainError:
    """Apply an update request (``DeploymentUpdate``) atomically.

    ``version`` must equal the resource's, else ``ConcurrentModification``.
    The actions apply in order; the first error aborts the whole request and
    is returned. A request whose net result differs from *deployment* adds
    exactly 1 to the version; otherwise *deployment* itself is returned.
    *target* as for ``apply_deployment``.
    """
    for action in update.actions:
        _check_target(deployment, action, target)
    stale = check_version(deployment, update.version)
    if stale is not None:
        return stale
    current = deployment
    for action in update.actions:
        changes = _changes(current, action, target)
        if isinstance(changes, DomainError):
            return changes
        # No update action leads to GONE (a test checks the table for it).
        assert not isinstance(changes, Gone)
        if changes:
            current = _replace(current, changes)
    return settled(deployment, current, _replace)


def _check_target(deployment: Deployment, event: DeploymentInput, target: Target | None) -> None:
    """Raise ValueError when *event* needs *target* and it is missing or another connector."""
    if not (isinstance(event, Redeploy) and event.update_connector):
        return
    if target is None:
        raise ValueError("redeploy with updateConnector needs target, the connector at its current version")
    staged = isinstance(target, ConnectorStaged)
    if target.id != deployment.connector.id or staged != (deployment.type is DeploymentType.PREVIEW):
        kind = "ConnectorStaged" if staged else "Connector"
        raise ValueError(f"target ({kind} {target.id!r}) is not the connector {deployment.type.value} deploys")


def _changes(deployment: Deployment, event: DeploymentInput, target: Target | None) -> Changes | Gone | DomainError:
    """The fields *event* changes on *deployment* (empty for a no-op), ``GONE``, or the error refusing it."""
    # a. the lifecycle lock: one lookup in the table
    moved = lifecycle.target(deployment, event)
    if isinstance(moved, DomainError):
        return moved
    # b. the input's own checks, and the fields it sets
    wanted = _HANDLERS[type(event)](deployment, event, target)
    if isinstance(wanted, DomainError):
        return wanted
    if isinstance(moved, Gone):
        return moved
    # c. the no-op rule: keep only what differs
    changes = changed(deployment, wanted)
    if moved is not deployment.status:
        changes["status"] = moved
    return changes


# --- Handlers: the fields each input sets, or its checks' error -------------------


def _redeploy(deployment: Deployment, action: Redeploy, target: Target | None) -> Changes | DomainError:
    """``redeploy``, after the lock: the values, the global values, then ``updateConnector`` (deployments.md).

    With ``updateConnector`` the values are judged against the connector's
    current version, the one about to be deployed; else against the
    snapshot the Deployment keeps.
    """
    connector = deployment.connector
    if action.update_connector:
        assert target is not None  # checked by _check_target before any check
        connector = deployment_connector(target)
    applications = deployment.applications
    if action.configuration_values is not None:
        replaced = _redeployed_values(deployment, action.configuration_values, connector.configurations)
        if isinstance(replaced, DomainError):
            return replaced
        applications = replaced
    global_configuration = deployment.global_configuration
    if action.global_configuration is not None:
        refused = _check_global(action.global_configuration, connector.global_configuration)
        if refused is not None:
            return refused
        global_configuration = masked_global(action.global_configuration)
    if action.update_connector:
        kept = {application.application_name for application in connector.configurations or ()}
        for application in deployment.applications:
            if application.application_name not in kept:
                return DeploymentConnectorUpdateFailure(
                    deployment.id,
                    deployment.key,
                    connector.id,
                    connector.key,
                    f"application {application.application_name} was removed",
                )
    return {
        "connector": connector,
        "applications": applications,
        "global_configuration": global_configuration,
        # a new order: the previous build's report no longer applies
        "details": DeploymentDetails(build=DeploymentDetailsBuild(id=deployment.details.build.id)),
    }


def _redeployed_values(
    deployment: Deployment,
    given: tuple[DeploymentConfigurationApplication, ...],
    declared: tuple[ConnectorConfigurationApplication, ...] | None,
) -> tuple[ApplicationDeployment, ...] | DomainError:
    """The applications with the values of *given*, or the first check it fails, in order.

    ``[]`` -> ``DeploymentApplicationRequired``; then for each entry: an
    application this Deployment does not have ->
    ``DeploymentApplicationDoNotBelong``, an undeclared key ->
    ``DeploymentUnknownApplicationConfigurationKey``. A connector snapshot
    without ``configurations`` (the official examples', Q8) declares nothing
    to judge keys against, and its keys are taken as sent (decision).
    """
    if not given:
        return DeploymentApplicationRequired()
    names = {application.application_name for application in deployment.applications}
    declarations = None if declared is None else {d.application_name: d for d in declared}
    for values in given:
        if values.application_name not in names:
            return DeploymentApplicationDoNotBelong(deployment.id, deployment.key, values.application_name)
        declaration = None if declarations is None else declarations.get(values.application_name)
        if declaration is not None:
            refused = _check_keys(values, declaration)
            if refused is not None:
                return refused
    by_name = _by_name(given)
    return tuple(
        _with_values(application, by_name[application.application_name], declarations)
        if application.application_name in by_name
        else application
        for application in deployment.applications
    )


def _with_values(
    application: ApplicationDeployment,
    values: Sequence[DeploymentConfigurationApplication],
    declarations: Mapping[str, ConnectorConfigurationApplication] | None,
) -> ApplicationDeployment:
    """*application* with its values replaced by *values*; a schedule given replaces a job's."""
    declaration = None if declarations is None else declarations.get(application.application_name)
    job = declaration is None or declaration.application_type is ApplicationType.JOB
    schedule = _schedule(values)
    return attrs.evolve(
        application,
        standard_configuration=_joined(v.standard_configuration for v in values),
        secured_configuration=masked(_joined(v.secured_configuration for v in values)),
        schedule=schedule if job and schedule is not None else application.schedule,
    )


def _no_fields(_deployment: Deployment, _event: Any, _target: Target | None) -> Changes:
    return {}


def _report(deployment: Deployment, report: DeploymentReport | None) -> Changes:
    """``details.build.report`` = *report* when there is one, else unchanged."""
    if report is None:
        return {}
    return {"details": DeploymentDetails(build=attrs.evolve(deployment.details.build, report=report))}


def _with_report(deployment: Deployment, event: Any, _target: Target | None) -> Changes:
    return _report(deployment, event.report)


_HANDLERS: Final[Mapping[type, _Handler]] = {
    Redeploy: _redeploy,
    Delete: _no_fields,
    DeploymentStarted: _no_fields,
    DeploymentSucceeded: _with_report,
    DeploymentFailed: _with_report,
    UndeploySucceeded: _no_fields,
    UndeployFailed: _with_report,
}
