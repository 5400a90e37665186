"""Stateful tests of Deployments, each step checked against an oracle written from deployments.md.

Two machines share the oracle:

- ``ConnectorsAndDeployments`` extends the connectors' machine of
  ``test_stateful.py``: its connectors still go through the pure reducer,
  checked against lifecycle.md's oracle, and beside them the machine deploys
  them with ``create_deployment`` (previews of the ConnectorStaged, sandbox
  and production Deployments of the published Connector, to two projects, one
  of which may not deploy to production), redeploys with
  ``apply_deployment_update`` and ``apply_deployment`` (``updateConnector``
  after the connector changed or lost an application), deletes, and delivers
  the service events. Connectors and Deployments interact: an edit, a new
  preview or a new publication (which bring applications and global keys)
  changes what the next create or ``updateConnector`` finds.
- ``DeploymentStore`` drives a ``Store`` (manual simulation, ids from a
  counter, a ``SimulatedClock``): what the pure reducer leaves to its caller,
  the Deployments of each project (keys unique per project, nothing visible
  from the other project), an unknown reference, a Deployment gone after
  delete or ``UndeploySucceeded``, the logs of each time it reached
  ``Deployed``, the queries.

The oracle (``create_check`` and ``created``, ``redeploy_oracle``,
``update_oracle``, ``input_oracle``, and the logs the store machine expects)
is a second reading of deployments.md with plain ``if`` statements and its
own small model of a Deployment (``DModel``). This module never imports
``connector_domain.deployment.lifecycle``, and the oracle never calls the
Deployment's reducer (the machines import it only to drive it), so that a
wrong cell in the library's table or a check out of order shows up as a
disagreement here. Where deployments.md is silent, the oracle follows the
choices of docs/deployments.md and of the store (each named where it is
used). Beside the oracle, every step checks that no secured value is ever
readable in clear (each secret sent is a token searched for in every form of
every Deployment), that ``preview`` is whether the type is preview, and that
versions only grow.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from connector_domain import (
    AddPrivateProject,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorUpdate,
    DomainError,
    PreviewGranted,
    Publish,
    PublishingSucceeded,
    RemovePrivateProject,
    SetName,
    UpdatePreviewable,
    apply,
    codec,
    create,
)
from connector_domain.access import published_connector
from connector_domain.deployment import (
    ConnectorReference,
    Delete,
    Deployment,
    DeploymentDraft,
    DeploymentFailed,
    DeploymentReport,
    DeploymentStarted,
    DeploymentSucceeded,
    DeploymentType,
    DeploymentUpdate,
    Redeploy,
    UndeployFailed,
    UndeploySucceeded,
    apply_deployment,
    apply_deployment_update,
    create_deployment,
)
from connector_domain.deployment.model import (
    ConfigurationValue,
    DeploymentConfigurationApplication,
    DeploymentGlobalConfiguration,
)
from connector_domain.errors import ResourceNotFound
from connector_domain.mock.store import Manual, SimulatedClock, Store, Stored
from connector_domain.model import (
    ApplicationType,
    Connector,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    Creator,
    IsPreviewable,
    Region,
    Repository,
    SecuredConfigurationKey,
    StandardConfigurationKey,
)
from connector_domain.testing import strategies as cds
from tests.test_stateful import PUBLISHED, ConnectorLifecycle, Step

# --- Names, as deployments.md spells them -------------------------------------------------

DRAFT, QUEUED, DEPLOYING, DEPLOYED, FAILED, UNDEPLOYING, UNDEPLOY_FAILED = (
    "Draft",
    "Queued",
    "Deploying",
    "Deployed",
    "Failed",
    "Undeploying",
    "UndeployFailed",
)
STATUSES = (DRAFT, QUEUED, DEPLOYING, DEPLOYED, FAILED, UNDEPLOYING, UNDEPLOY_FAILED)
GONE = "gone"
#: "every read shows each secured value as "****"".
MASK = "****"

REFERENCE_NOT_FOUND = "ConnectorReferenceNotFound"
INVALID_TYPE = "DeploymentInvalidType"
NOT_PREVIEWABLE = "ConnectorStagedNotPreviewable"
UNSUPPORTED_REGION = "DeploymentUnsupportedRegion"
PRODUCTION_DEACTIVATED = "DeploymentProductionDeactivated"
APPLICATION_REQUIRED = "DeploymentApplicationRequired"
UNKNOWN_APPLICATION = "DeploymentUnknownApplicationConfiguration"
UNKNOWN_KEY = "DeploymentUnknownApplicationConfigurationKey"
UNKNOWN_GLOBAL = "DeploymentUnknownGlobalConfigurationKey"
MISSING_GLOBAL = "DeploymentMissingGlobalConfigurationKey"
EMPTY_GLOBAL = "DeploymentEmptyRequiredGlobalConfigurationKey"
DUPLICATE = "DuplicateField"
ALREADY = "DeploymentInvalidStatusTransition"
INVALID_OPERATION = "InvalidOperation"
CONCURRENT_MODIFICATION = "ConcurrentModification"
DO_NOT_BELONG = "DeploymentApplicationDoNotBelong"
UPDATE_FAILURE = "DeploymentConnectorUpdateFailure"
NOT_FOUND = "ResourceNotFound"
APPLICATION_DOES_NOT_EXIST = "DeploymentApplicationDoesNotExist"
MISSING_APPLICATION_NAME = "DeploymentLogMissingApplicationName"

#: The project keys Deployments go to; the second may not deploy to production (create step 5).
PROJECTS = ("shop", "outlet")
PRODUCTION_DISABLED = frozenset({"outlet"})
#: Every deploying project, ``{region}:{projectKey}``: what ``privateProjects`` lists.
IDENTIFIERS = tuple(f"{region.value}:{project}" for project in PROJECTS for region in Region)


# --- The oracle's model ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Version:
    """A connector at one version, as a Deployment's snapshot keeps it ("the target at its current version")."""

    id: str
    key: str | None
    version: int
    name: str
    certified: bool
    applications: tuple[ConnectorConfigurationApplication, ...]
    global_keys: ConnectorGlobalConfiguration | None


def version_of(connector: ConnectorStaged | Connector | Any) -> Version:
    """The version of a ConnectorStaged, a Connector or a Deployment's snapshot; ``certified`` false when absent."""
    return Version(
        id=connector.id,
        key=connector.key,
        version=connector.version,
        name=connector.name,
        certified=connector.certified is True,
        applications=tuple(connector.configurations or ()),
        global_keys=connector.global_configuration,
    )


@dataclasses.dataclass(frozen=True)
class Target:
    """What a create reads of a connector: the ConnectorStaged now, its production Connector, who may see it."""

    staged: Version
    production: Version | None
    private: bool
    private_projects: tuple[str, ...]
    previewable: bool
    regions: frozenset[str]
    owner: str | None
    #: The store's reading of "the creator": a project key, whatever region it deploys to (mock-service.md:
    #: every project has one region); the pure reducer's is the ProjectIdentifier it is given.
    owner_in_every_region: bool = False

    def sees(self, deploying: str, *, preview: bool) -> bool:
        """Whether *deploying* may see the connector: public, listed, or its creator; a preview needs it listed."""
        owner, key = self.owner, deploying.partition(":")[2]
        owns = deploying == owner or (self.owner_in_every_region and owner is not None and owner.endswith(f":{key}"))
        if self.private and deploying not in self.private_projects and not owns:
            return False
        return not preview or deploying in self.private_projects


Pairs = tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True)
class App:
    """One application of a Deployment: its values (secured ones as a read shows them) and where it runs."""

    id: str
    name: str
    standard: Pairs
    secured: Pairs
    url: str | None
    topic: str | None
    schedule: str | None


@dataclasses.dataclass(frozen=True)
class DModel:
    """What the oracle knows of one Deployment: every field an input can change, and what create set."""

    id: str
    key: str | None
    version: int
    type: str
    preview: bool
    status: str
    region: str
    connector: Version
    applications: tuple[App, ...]
    global_values: tuple[Pairs | None, Pairs | None] | None
    build_id: str
    report: DeploymentReport | None


def observe(deployment: Deployment) -> DModel:
    """The library's Deployment, seen through the oracle's model."""
    given = deployment.global_configuration
    return DModel(
        id=deployment.id,
        key=deployment.key,
        version=deployment.version,
        type=deployment.type.value,
        preview=deployment.preview,
        status=deployment.status.value,
        region=deployment.deployed_region.value,
        connector=version_of(deployment.connector),
        applications=tuple(
            App(
                id=a.id,
                name=a.application_name,
                standard=tuple((v.key, v.value) for v in a.standard_configuration),
                secured=tuple((v.key, v.value) for v in a.secured_configuration),
                url=a.url,
                topic=a.topic,
                schedule=a.schedule,
            )
            for a in deployment.applications
        ),
        global_values=None
        if given is None
        else (
            None
            if given.standard_configuration is None
            else tuple((v.key, v.value) for v in given.standard_configuration),
            None
            if given.secured_configuration is None
            else tuple((v.key, v.value) for v in given.secured_configuration),
        ),
        build_id=deployment.details.build.id,
        report=deployment.details.build.report,
    )


@dataclasses.dataclass(frozen=True)
class Refused:
    """The oracle's refusal: the error code, and the message when deployments.md writes it out."""

    code: str
    message: str | None = None


def _already(status: str) -> Refused:
    """ "Already x" = DeploymentInvalidStatusTransition, "Invalid status change: Already x"."""
    return Refused(ALREADY, f"Invalid status change: Already {status.lower()}")


# --- The oracle: create -----------------------------------------------------------------------


def _shown(values: Sequence[Any], *, secured: bool) -> Pairs:
    """Values as every read shows them: a secured one as "****"."""
    return tuple((v.key, MASK if secured else v.value) for v in values)


def _key_error(values: DeploymentConfigurationApplication, declared: ConnectorConfigurationApplication) -> str | None:
    """A key the application does not declare: standard among its standard keys, secured among its secured ones."""
    if any(v.key not in {k.key for k in declared.standard_configuration} for v in values.standard_configuration):
        return UNKNOWN_KEY
    if any(v.key not in {k.key for k in declared.secured_configuration} for v in values.secured_configuration):
        return UNKNOWN_KEY
    return None


def _global_error(
    given: DeploymentGlobalConfiguration | None, declared: ConnectorGlobalConfiguration | None
) -> str | None:
    """Create step 7, the global values: an undeclared key; then a required key absent, or given as ""."""
    standard = (given.standard_configuration if given else None) or ()
    secured = (given.secured_configuration if given else None) or ()
    standard_keys = (declared.standard_configuration if declared else None) or ()
    secured_keys = (declared.secured_configuration if declared else None) or ()
    if any(v.key not in {k.key for k in standard_keys} for v in standard):
        return UNKNOWN_GLOBAL
    if any(v.key not in {k.key for k in secured_keys} for v in secured):
        return UNKNOWN_GLOBAL
    # standard before secured; the last value given for a key counts (docs/deployments.md)
    for values, keys in ((standard, standard_keys), (secured, secured_keys)):
        last = {v.key: v.value for v in values}
        for key in keys:
            if key.required and key.key not in last:
                return MISSING_GLOBAL
            if key.required and last[key.key] == "":
                return EMPTY_GLOBAL
    return None


def create_check(
    draft: DeploymentDraft,
    target: Target | None,
    *,
    project: str,
    production_enabled: bool,
    used_keys: Collection[str] | None,
) -> tuple[Refused, None] | tuple[None, tuple[Version, str]]:
    """deployments.md's create checks 2 to 8, in order: the refusal, or the version deployed and the type.

    *target* None: no connector has the reference's id or key. *used_keys*
    None: the caller does not see the other Deployments (the pure reducer;
    step 8 is the store's).
    """
    reference = draft.connector
    staged_reference = reference.staged is True
    deploying = f"{draft.region.value}:{project}"
    # 2. the reference: "$identifier is the id or key as sent, $version the version sent, or the current one"
    identifier = reference.id if reference.id is not None else reference.key

    def not_found(current: int) -> Refused:
        sent = current if reference.version is None else reference.version
        return Refused(REFERENCE_NOT_FOUND, f"Connector '{identifier}' with version {sent} not found")

    # "a private connector is not revealed to other projects": one the project may not see is answered as
    # one that does not exist, whose current version is 1, the first of every connector (the library's choice)
    if target is None or not target.sees(deploying, preview=staged_reference):
        return not_found(1), None
    version = target.staged if staged_reference else target.production
    if version is None:
        return not_found(target.staged.version), None
    if reference.version is not None and reference.version != version.version:
        return not_found(version.version), None
    # 3. the type
    kind = draft.type.value if draft.type is not None else ("preview" if staged_reference else "sandbox")
    if staged_reference and kind != "preview":
        return Refused(INVALID_TYPE), None
    if not staged_reference and kind not in ("sandbox", "production"):
        return Refused(INVALID_TYPE), None
    # 4. previewable, region
    if kind == "preview" and not target.previewable:
        return Refused(NOT_PREVIEWABLE), None
    if target.regions and draft.region.value not in target.regions:
        return Refused(UNSUPPORTED_REGION), None
    # 5. production
    if kind == "production" and not production_enabled:
        return Refused(PRODUCTION_DEACTIVATED), None
    # 6. something to deploy
    if not version.applications:
        return Refused(APPLICATION_REQUIRED), None
    # 7. the values, in draft order
    declared = {d.application_name: d for d in version.applications}
    for values in draft.configurations:
        if values.application_name not in declared:
            return Refused(UNKNOWN_APPLICATION), None
        wrong = _key_error(values, declared[values.application_name])
        if wrong is not None:
            return Refused(wrong), None
    wrong = _global_error(draft.global_configuration, version.global_keys)
    if wrong is not None:
        return Refused(wrong), None
    # 8. the key, unique in the project
    if used_keys is not None and draft.key is not None and draft.key in used_keys:
        return Refused(DUPLICATE), None
    return None, (version, kind)


class Ids(NamedTuple):
    """The new ids of a Deployment: its own, its build's, one per application."""

    id: str
    build_id: str
    application_ids: tuple[str, ...]


def _global_values(given: DeploymentGlobalConfiguration | None) -> tuple[Pairs | None, Pairs | None] | None:
    if given is None:
        return None
    standard, secured = given.standard_configuration, given.secured_configuration
    return (
        None if standard is None else _shown(standard, secured=False),
        None if secured is None else _shown(secured, secured=True),
    )


def created(draft: DeploymentDraft, version: Version, kind: str, ids: Ids) -> DModel:
    """The Deployment create makes ("The created Deployment")."""
    short, region = ids.id[:8], draft.region.value
    applications = []
    for application_id, declared in zip(ids.application_ids, version.applications, strict=True):
        name, kind_of = declared.application_name, declared.application_type.value
        given = [values for values in draft.configurations if values.application_name == name]
        schedules = [values.schedule for values in given if values.schedule is not None]
        applications.append(
            App(
                id=application_id,
                name=name,
                standard=tuple(
                    pair for values in given for pair in _shown(values.standard_configuration, secured=False)
                ),
                secured=tuple(pair for values in given for pair in _shown(values.secured_configuration, secured=True)),
                url=f"https://{name}-{short}.{region}.connect.example" if kind_of == "service" else None,
                topic=f"{name}-{short}" if kind_of == "event" else None,
                schedule=schedules[-1] if kind_of == "job" and schedules else None,
            )
        )
    return DModel(
        id=ids.id,
        key=draft.key,
        version=1,
        type=kind,
        preview=kind == "preview",
        status=QUEUED,
        region=region,
        connector=version,
        applications=tuple(applications),
        global_values=_global_values(draft.global_configuration),
        build_id=ids.build_id,
        report=None,
    )


# --- The oracle: redeploy, delete, the service events ----------------------------------------


def redeploy_oracle(m: DModel, action: Redeploy, target: Version | None) -> Refused | DModel:
    """One ``redeploy``, after the version: the status row, the values, the global values, then updateConnector.

    The version is the caller's (an update request adds 1 once). The values
    are judged against the version about to be deployed: *target* with
    ``updateConnector``, else the snapshot (docs/deployments.md). *target*
    None: the connector is gone, and ``updateConnector`` finds nothing to
    refresh to, at its place in the order.
    """
    if m.status in (QUEUED, DEPLOYING, UNDEPLOYING):
        return _already(m.status)
    judged = m.connector
    if action.update_connector and target is not None:
        judged = target
    declared = {d.application_name: d for d in judged.applications}
    names = [application.name for application in m.applications]
    if action.configuration_values is not None:
        if not action.configuration_values:
            return Refused(APPLICATION_REQUIRED)
        for values in action.configuration_values:
            if values.application_name not in names:
                return Refused(DO_NOT_BELONG)
            if values.application_name in declared:
                wrong = _key_error(values, declared[values.application_name])
                if wrong is not None:
                    return Refused(wrong)
    if action.global_configuration is not None:
        wrong = _global_error(action.global_configuration, judged.global_keys)
        if wrong is not None:
            return Refused(wrong)
    if action.update_connector and target is None:
        # The connector was deleted (the store's choice; deployments.md has no current version to refresh to).
        return Refused(REFERENCE_NOT_FOUND)
    if action.update_connector:
        for name in names:
            if name not in declared:
                return Refused(UPDATE_FAILURE, f"application {name} was removed")
    applications = []
    for application in m.applications:
        given = [v for v in action.configuration_values or () if v.application_name == application.name]
        if not given:
            applications.append(application)
            continue
        schedules = [v.schedule for v in given if v.schedule is not None]
        job = application.name in declared and declared[application.name].application_type.value == "job"
        applications.append(
            dataclasses.replace(
                application,
                standard=tuple(pair for v in given for pair in _shown(v.standard_configuration, secured=False)),
                secured=tuple(pair for v in given for pair in _shown(v.secured_configuration, secured=True)),
                schedule=schedules[-1] if job and schedules else application.schedule,
            )
        )
    return dataclasses.replace(
        m,
        status=QUEUED,
        report=None,
        connector=judged,
        applications=tuple(applications),
        global_values=m.global_values
        if action.global_configuration is None
        else _global_values(action.global_configuration),
    )


def update_oracle(m: DModel, update: DeploymentUpdate, target: Version | None) -> Refused | DModel:
    """An update request: the version, then its actions in order; the first refusal aborts all; a change adds 1."""
    if update.version != m.version:
        return Refused(CONCURRENT_MODIFICATION)
    current = m
    for action in update.actions:
        answer = redeploy_oracle(current, action, target)
        if isinstance(answer, Refused):
            return answer
        current = answer
    return m if current == m else dataclasses.replace(current, version=m.version + 1)


def input_oracle(m: DModel, event: Any) -> Refused | DModel | str:
    """The status table's answer to ``DELETE`` or a service event: the refusal, the new model, or GONE."""
    s = m.status
    after: DModel
    if isinstance(event, Delete):
        if s in (DRAFT, FAILED):
            return GONE
        if s == UNDEPLOYING:
            return _already(s)
        after = dataclasses.replace(m, status=UNDEPLOYING)
    elif isinstance(event, DeploymentStarted) and s == QUEUED:
        after = dataclasses.replace(m, status=DEPLOYING)
    elif isinstance(event, DeploymentSucceeded) and s == DEPLOYING:
        # "DeploymentSucceeded may bring an Information report"
        after = dataclasses.replace(m, status=DEPLOYED, report=m.report if event.report is None else event.report)
    elif isinstance(event, DeploymentFailed) and s == DEPLOYING:
        after = dataclasses.replace(m, status=FAILED, report=event.report)
    elif isinstance(event, UndeploySucceeded) and s == UNDEPLOYING:
        return GONE
    elif isinstance(event, UndeployFailed) and s == UNDEPLOYING:
        after = dataclasses.replace(m, status=UNDEPLOY_FAILED, report=event.report)
    elif isinstance(event, Redeploy):
        answer = redeploy_oracle(m, event, None)
        return answer if isinstance(answer, Refused) else dataclasses.replace(answer, version=m.version + 1)
    else:
        # "-": the service never sends it there
        return Refused(INVALID_OPERATION)
    return dataclasses.replace(after, version=m.version + 1)


#: The inputs the table has rows for, but redeploy (drawn apart, with its values).
_INPUT_KINDS: tuple[type, ...] = (
    DeploymentStarted,
    DeploymentSucceeded,
    DeploymentFailed,
    Delete,
    UndeploySucceeded,
    UndeployFailed,
)
_reports = cds.deployment_reports()
_INPUT_STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    DeploymentStarted: st.just(DeploymentStarted()),
    DeploymentSucceeded: st.builds(DeploymentSucceeded, report=st.none() | _reports),
    DeploymentFailed: st.builds(DeploymentFailed, report=_reports),
    Delete: st.just(Delete()),
    UndeploySucceeded: st.just(UndeploySucceeded()),
    UndeployFailed: st.builds(UndeployFailed, report=_reports),
}


def _draw_input(data: st.DataObject, m: DModel) -> Any:
    """Mostly an input the oracle accepts in *m*'s status, sometimes any of the table's."""
    # A delete weighs two thirds of a service event: it ends the Deployment's life.
    accepted = [
        kind
        for kind in _INPUT_KINDS
        for _ in range(2 if kind is Delete else 3)
        if not isinstance(input_oracle(m, _sample(kind)), Refused)
    ]
    guided = bool(accepted) and data.draw(_MOSTLY, label="guided")
    kind = data.draw(st.sampled_from(accepted if guided else _INPUT_KINDS), label="input")
    return data.draw(_INPUT_STRATEGIES[kind], label=kind.__name__)


#: True three times in four. (Hypothesis leans towards the first of a sampled_from, and towards 0 in an
#: integer range: the common choice comes first, and a range is not used for odds.)
_MOSTLY = st.sampled_from([True, True, True, False])


def _sample(kind: type) -> Any:
    """One input of *kind*, for asking the oracle whether the status accepts the kind."""
    report = DeploymentReport(entries=())
    return kind(report=report) if kind in (DeploymentFailed, UndeployFailed) else kind()


# --- What every Deployment the library makes must hold ---------------------------------------


class Secrets:
    """The secured values a machine sends, each made a token of its own, so that a read showing one is caught.

    A generated text may repeat another of the same example, so the values
    drawn are replaced by tokens no strategy draws (an empty value stays
    empty: it is no secret, and the global rules tell it apart).
    """

    def __init__(self) -> None:
        self.sent: list[str] = []

    def _token(self, value: str) -> str:
        if value == "":
            return value
        self.sent.append(f"{cds.SECRET_PREFIX}{len(self.sent)}-sent")
        return self.sent[-1]

    def _values(self, values: tuple[ConfigurationValue, ...]) -> tuple[ConfigurationValue, ...]:
        return tuple(ConfigurationValue(key=v.key, value=self._token(v.value)) for v in values)

    def _applications(self, given: tuple[DeploymentConfigurationApplication, ...]) -> Any:
        return tuple(attrs.evolve(a, secured_configuration=self._values(a.secured_configuration)) for a in given)

    def _global(self, given: DeploymentGlobalConfiguration | None) -> DeploymentGlobalConfiguration | None:
        if given is None or given.secured_configuration is None:
            return given
        return attrs.evolve(given, secured_configuration=self._values(given.secured_configuration))

    def draft(self, draft: DeploymentDraft) -> DeploymentDraft:
        """*draft* with its secured values made tokens."""
        return attrs.evolve(
            draft,
            configurations=self._applications(draft.configurations),
            global_configuration=self._global(draft.global_configuration),
        )

    def redeploy(self, action: Redeploy) -> Redeploy:
        """*action* with its secured values made tokens."""
        values = action.configuration_values
        return attrs.evolve(
            action,
            configuration_values=None if values is None else self._applications(values),
            global_configuration=self._global(action.global_configuration),
        )

    def check(self, deployment: Deployment, *also: str) -> None:
        """Every secured value of *deployment* reads "****"; no secret sent shows in any form of it, or in *also*.

        And ``preview`` is whether the type is preview.
        """
        for application in deployment.applications:
            assert all(v.value == MASK for v in application.secured_configuration), application
        given = deployment.global_configuration
        if given is not None and given.secured_configuration is not None:
            assert all(v.value == MASK for v in given.secured_configuration), given
        forms = (json.dumps(codec.to_wire(deployment)), repr(deployment), json.dumps(codec.to_record(deployment)))
        for form in (*forms, *also):
            shown = [token for token in self.sent if token in form]
            assert not shown, (shown, form)
        assert deployment.preview == (deployment.type is DeploymentType.PREVIEW), deployment


def _code(result: Any) -> str | None:
    return result.code if isinstance(result, DomainError) else None


def _agrees(result: Any, expected: Refused | DModel | str, before: Deployment | None = None) -> None:
    """The library's answer is the oracle's: the same code (and message), the same Deployment, or gone."""
    if isinstance(expected, Refused):
        assert isinstance(result, DomainError), (expected, result)
        assert result.code == expected.code, (expected, result)
        if expected.message is not None:
            assert expected.message in result.message, (expected, result.message)
        return
    assert not isinstance(result, DomainError), (expected, result)
    if isinstance(expected, str):
        assert expected == GONE
        return
    assert isinstance(result, Deployment), result
    assert observe(result) == expected
    if before is not None and expected == observe(before):
        assert result is before  # "otherwise deployment itself is returned"


SEEN_DEPLOYMENT_STATUSES: Counter[str] = Counter()
SEEN_DEPLOYMENT_ANSWERS: Counter[str] = Counter()


def _seen(result: Any) -> None:
    if isinstance(result, DomainError):
        SEEN_DEPLOYMENT_ANSWERS[result.code] += 1
    elif isinstance(result, Deployment):
        SEEN_DEPLOYMENT_STATUSES[result.status.value] += 1
    else:
        SEEN_DEPLOYMENT_ANSWERS[GONE] += 1


def _where(data: st.DataObject, staged: ConnectorStaged) -> tuple[str, tuple[Region, ...]]:
    """A project key to deploy to, and the regions to draw the draft's from: mostly a project *staged* admits.

    That is, one its ``privateProjects`` lists, in a region of its ``supportedRegions`` (when it has any).
    """
    supported = {region.value for region in staged.supported_regions}
    listed = [
        identifier
        for identifier in IDENTIFIERS
        if identifier in staged.private_projects and (not supported or identifier.split(":")[0] in supported)
    ]
    if data.draw(_MOSTLY, label="listed") if listed else False:
        region, project = data.draw(st.sampled_from(listed), label="deploying project").split(":")
        return project, (Region(region),)
    return data.draw(st.sampled_from(PROJECTS), label="project"), tuple(Region)


#: The statuses whose row takes a redeploy (deployments.md's table).
REDEPLOYABLE = (DRAFT, DEPLOYED, FAILED, UNDEPLOY_FAILED)


def _choose(data: st.DataObject, statuses: dict[str, str], *, redeploy: bool) -> str:
    """A Deployment among *statuses* (id -> status); for a *redeploy*, mostly one whose status takes it."""
    every = sorted(statuses)
    ready = [did for did in every if statuses[did] in REDEPLOYABLE]
    chosen = ready if redeploy and ready and data.draw(_MOSTLY, label="redeployable") else every
    return data.draw(st.sampled_from(chosen), label="deployment")


#: What a connect.yaml declares, as the events completing a preview or a publication bring it: applications,
#: and perhaps global keys (a publication may bring nothing new, and keeps what the connector has).
_granted = st.builds(
    PreviewGranted,
    configurations=cds.deployable_configurations(),
    global_configuration=st.none() | cds.global_declarations(),
)
_published = st.builds(
    PublishingSucceeded,
    configurations=st.none() | cds.deployable_configurations(),
    global_configuration=st.none() | cds.global_declarations(),
)


# --- The pure machine: connectors and their Deployments --------------------------------------


@dataclasses.dataclass
class Deployed:
    """One Deployment of the pure machine: the library's value, the oracle's model, its connector."""

    deployment: Deployment
    model: DModel
    cid: str
    project: str


class ConnectorsAndDeployments(ConnectorLifecycle):
    """The connectors' machine, and Deployments of its connectors through the pure Deployment reducer."""

    def __init__(self) -> None:
        super().__init__()
        self.production: dict[str, Connector] = {}  # the library's production Connector (published_connector)
        self.published: dict[str, Version] = {}  # the oracle's: the connector as it reached Published
        self.owners: dict[str, str | None] = {}
        self.deployed: dict[str, Deployed] = {}
        self.versions: dict[str, int] = {}
        self.new_ids = itertools.count(1)
        self.secrets = Secrets()

    # --- the connectors, as Deployments see them ------------------------------------------

    def _record(self, step: Step) -> None:
        """As the connectors' machine does; and a connector that reaches Published has a new production version."""
        super()._record(step)
        if isinstance(step.result, DomainError):
            return
        connector = published_connector(step.before, step.result)
        if connector is not None:
            self.production[step.cid] = connector
        # lifecycle.md: "the production Connector exists from the first time the status reaches Published"
        if step.expected_model.status == PUBLISHED and step.before_model.status != PUBLISHED:
            self.published[step.cid] = version_of(step.result)

    def _target(self, cid: str) -> Target:
        tracked = self.tracked[cid]
        m = tracked.model
        return Target(
            staged=version_of(tracked.staged),
            production=self.published.get(cid),
            private=m.private,
            private_projects=m.private_projects,
            previewable=m.is_previewable == "true",
            regions=frozenset(region.value for region in m.content["supported_regions"]),
            owner=self.owners.get(cid),
        )

    def _steps(self, cid: str, *events: Any) -> None:
        """Apply *events* to a connector one by one, each checked as the connectors' machine checks its steps."""
        for event in events:
            if isinstance(event, ConnectorUpdate):
                self._apply_update(cid, event)
            else:
                self._apply(cid, event)
            self.check_step()
        self.step = None

    def _make_deployable(self, cid: str, data: st.DataObject) -> None:
        """List deploying projects, grant a preview that brings applications (global keys too), mostly publish."""
        projects = data.draw(
            st.lists(st.sampled_from(IDENTIFIERS), min_size=1, max_size=6, unique=True), label="projects"
        )
        events: list[Any] = [AddPrivateProject(private_project=p) for p in projects]
        events += [UpdatePreviewable(), data.draw(_granted, label="granted")]
        if data.draw(_MOSTLY, label="publish"):
            events += [Publish(certification=False), data.draw(_published, label="published")]
        self._steps(cid, *events)

    @initialize(target=ConnectorLifecycle.connectors, draft=cds.drafts(), data=st.data())
    def create_deployable(self, draft: ConnectorStagedDraft, data: st.DataObject) -> str:
        """A second connector at the start of every example, made deployable and deployed: rules find a Deployment."""
        cid = self._create(draft)
        self._make_deployable(cid, data)
        self._deploy(cid, data)
        return cid

    @rule(cid=ConnectorLifecycle.connectors, data=st.data())
    def make_deployable(self, cid: str, data: st.DataObject) -> None:
        """List deploying projects, grant a preview with new applications, and mostly publish them."""
        self._make_deployable(cid, data)

    # --- Deployments ------------------------------------------------------------------------

    def _ids(self, count: int) -> Ids:
        n = next(self.new_ids)
        return Ids(f"{n:08x}-d", f"build-{n}", tuple(f"app-{n}-{i}" for i in range(count)))

    def _library_target(self, d: Deployed) -> ConnectorStaged | Connector:
        return self.tracked[d.cid].staged if d.deployment.type is DeploymentType.PREVIEW else self.production[d.cid]

    def _oracle_target(self, d: Deployed) -> Version:
        return version_of(self.tracked[d.cid].staged) if d.model.type == "preview" else self.published[d.cid]

    def _keep(self, did: str, d: Deployed, result: Deployment | Any) -> None:
        """Carry the oracle's model forward (never the library's reading of it); forget a Deployment gone."""
        _seen(result)
        if isinstance(result, DomainError):
            return
        if isinstance(result, Deployment):
            assert result.version >= self.versions[did]  # versions only grow
            self.versions[did] = result.version
            d.deployment = result
            d.model = observe(result)
        else:
            del self.deployed[did]

    @precondition(lambda self: len(self.deployed) < 6)
    @rule(data=st.data())
    def deploy(self, data: st.DataObject) -> None:
        """create_deployment: one to three drafts near a connector (mostly a deployable one), checks 2 to 7."""
        every = sorted(self.tracked)
        listing = [cid for cid in every if set(self.tracked[cid].staged.private_projects) & set(IDENTIFIERS)]
        for _ in range(data.draw(st.integers(1, 3), label="drafts")):
            deployable = data.draw(_MOSTLY, label="deployable") if listing else False
            chosen = listing if deployable else every
            self._deploy(data.draw(st.sampled_from(chosen), label="connector"), data)

    def _deploy(self, cid: str, data: st.DataObject) -> None:
        tracked = self.tracked[cid]
        owner = self.owners.setdefault(cid, data.draw(st.sampled_from((None, *IDENTIFIERS[:2])), label="owner"))
        project, regions = _where(data, tracked.staged)
        connector = self.production.get(cid)
        draft = self.secrets.draft(
            data.draw(cds.deployment_drafts_near(tracked.staged, connector=connector, regions=regions), label="draft")
        )
        resolved = tracked.staged if draft.connector.staged else connector
        ids = self._ids(len(resolved.configurations or ()) if resolved is not None else 0)
        result = create_deployment(
            draft,
            tracked.staged,
            project=project,
            id=ids.id,
            build_id=ids.build_id,
            application_ids=ids.application_ids,
            connector=connector,
            owner=owner,
            production_enabled=project not in PRODUCTION_DISABLED,
        )
        refused, accepted = create_check(
            draft,
            self._target(cid),
            project=project,
            production_enabled=project not in PRODUCTION_DISABLED,
            used_keys=None,
        )
        _seen(result)
        if refused is not None:
            _agrees(result, refused)
            return
        assert accepted is not None
        _agrees(result, created(draft, *accepted, ids))
        assert isinstance(result, Deployment)
        self.secrets.check(result)
        self.deployed[ids.id] = Deployed(result, observe(result), cid, project)
        self.versions[ids.id] = result.version
        self._journey(ids.id, self.deployed[ids.id], data, data.draw(st.integers(0, 3), label="then"))

    def _pick(self, data: st.DataObject, *, redeploy: bool = False) -> tuple[str, Deployed]:
        did = _choose(data, {did: d.model.status for did, d in self.deployed.items()}, redeploy=redeploy)
        return did, self.deployed[did]

    @precondition(lambda self: self.deployed)
    @rule(data=st.data(), offset=st.sampled_from([0, 0, 0, 0, -1, 1]), actions=st.integers(1, 2))
    def redeploy(self, data: st.DataObject, offset: int, actions: int) -> None:
        """An update request of one or two redeploys (the second always finds Queued), at the version or not."""
        did, d = self._pick(data, redeploy=True)
        target = self._library_target(d)
        redeploys = tuple(
            self.secrets.redeploy(data.draw(cds.redeploys_near(d.deployment, target=target))) for _ in range(actions)
        )
        update = DeploymentUpdate(version=d.deployment.version + offset, actions=redeploys)
        result = apply_deployment_update(d.deployment, update, target=target)
        _agrees(result, update_oracle(d.model, update, self._oracle_target(d)), d.deployment)
        self._keep(did, d, result)

    @precondition(lambda self: self.deployed)
    @rule(data=st.data())
    def single_redeploy(self, data: st.DataObject) -> None:
        """One redeploy as an input of apply_deployment: the table's row, then the action's checks."""
        did, d = self._pick(data, redeploy=True)
        target = self._library_target(d)
        action = self.secrets.redeploy(data.draw(cds.redeploys_near(d.deployment, target=target)))
        result = apply_deployment(d.deployment, action, target=target)
        expected = redeploy_oracle(d.model, action, self._oracle_target(d))
        if isinstance(expected, DModel):
            # "An accepted redeploy ... adds 1 to the version (even when the values are equal)"
            expected = dataclasses.replace(expected, version=d.model.version + 1)
        _agrees(result, expected)
        self._keep(did, d, result)

    @precondition(lambda self: self.deployed)
    @rule(data=st.data())
    def service_or_delete(self, data: st.DataObject) -> None:
        """A service event or a DELETE: mostly one the status accepts."""
        did, d = self._pick(data)
        event = _draw_input(data, d.model)
        result = apply_deployment(d.deployment, event)
        _agrees(result, input_oracle(d.model, event), d.deployment)
        self._keep(did, d, result)

    @precondition(lambda self: self.deployed)
    @rule(data=st.data(), steps=st.integers(1, 4))
    def deployment_journey(self, data: st.DataObject, steps: int) -> None:
        """A few inputs in a row to one Deployment, mostly ones its status accepts, each checked."""
        self._journey(*self._pick(data), data, steps)

    def _journey(self, did: str, d: Deployed, data: st.DataObject, steps: int) -> None:
        for _ in range(steps):
            if did not in self.deployed:
                return
            if not data.draw(_MOSTLY, label="not a redeploy"):
                target = self._library_target(d)
                action = self.secrets.redeploy(data.draw(cds.redeploys_near(d.deployment, target=target)))
                update = DeploymentUpdate(version=d.deployment.version, actions=(action,))
                result: Any = apply_deployment_update(d.deployment, update, target=target)
                _agrees(result, update_oracle(d.model, update, self._oracle_target(d)), d.deployment)
            else:
                event = _draw_input(data, d.model)
                result = apply_deployment(d.deployment, event)
                _agrees(result, input_oracle(d.model, event), d.deployment)
            self._keep(did, d, result)
            self.every_deployment_masks_its_secrets_and_says_preview()

    @precondition(lambda self: self.deployed and all(d.model.status != DRAFT for d in self.deployed.values()))
    @rule(data=st.data())
    def read_in_draft(self, data: st.DataObject) -> None:
        """A Deployment read from the wire in Draft, a status no input leads to: "it follows the table"."""
        _, d = self._pick(data)
        document = codec.to_wire(d.deployment)
        n = next(self.new_ids)
        document |= {"id": f"{n:08x}-r", "status": DRAFT}
        read = codec.from_wire(document, Deployment)
        model = dataclasses.replace(d.model, id=f"{n:08x}-r", status=DRAFT)
        assert observe(read) == model
        self.deployed[read.id] = Deployed(read, model, d.cid, d.project)
        self.versions[read.id] = read.version

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def every_deployment_masks_its_secrets_and_says_preview(self) -> None:
        """No clear secured value in any form of any Deployment; ``preview`` == (type is preview)."""
        for d in self.deployed.values():
            self.secrets.check(d.deployment)


_PROFILE = settings()
# A quarter of the active profile's examples (15 by default, 100 under "ci"), of fifty steps: each
# example of this machine costs about 0.2 s, twice one of the connectors' alone.
TestConnectorsAndDeployments = ConnectorsAndDeployments.TestCase
TestConnectorsAndDeployments.settings = settings(
    max_examples=max(_PROFILE.max_examples // 4, 1), stateful_step_count=50, deadline=None
)


# --- The Store machine: projects, keys, gone, logs ----------------------------------------

START = datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
REPOSITORY = Repository(url="https://github.com/example/connector", tag="v1")
#: Who creates the connectors: no project the store knows, or one of the deploying projects.
OWNERS = (None, "europe-west1.gcp:shop", "us-central1.gcp:outlet")


@dataclasses.dataclass
class Kept:
    """A Deployment of the store machine: its project, the oracle's model, its connector, its expected logs."""

    project: str
    model: DModel
    cid: str
    logs: list[tuple[str, str, datetime]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Known:
    """A connector of the store machine: who created it, its production version as the oracle saw it reached."""

    owner: str | None
    production: Version | None = None
    deleted: bool = False


def ok(result: Any) -> Any:
    """*result*, which must not be a refusal."""
    assert not isinstance(result, DomainError), result
    return result


def _other(project: str) -> str:
    return PROJECTS[1 - PROJECTS.index(project)]


def _pages(read: Any) -> list[Any]:
    """Every entry of a logs query, following ``next`` page by page; the refusal when it is one."""
    entries: list[Any] = []
    token = None
    for _ in range(100):
        page = read(token)
        if isinstance(page, DomainError):
            return [page]
        entries += page.data
        if page.next is None:
            return entries
        token = page.next
    raise AssertionError("a logs query that never ends")


class DeploymentStore(RuleBasedStateMachine):
    """A Store in manual simulation, its connectors and the Deployments of two projects, checked at every step."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = SimulatedClock(START)
        counter = itertools.count(1)
        self.store = Store(
            ids=lambda: f"{next(counter):08x}-0000-4000-8000-000000000000",
            clock=self.clock,
            simulation=Manual(),
            production_disabled=PRODUCTION_DISABLED,
        )
        self.known: dict[str, Known] = {}
        self.kept: dict[str, Kept] = {}
        self.gone: dict[str, tuple[str, str | None]] = {}  # id -> its project and key
        self.ids: set[str] = set()
        self.versions: dict[str, int] = {}
        self.secrets = Secrets()

    # --- connectors -------------------------------------------------------------------------

    def _alive(self) -> list[str]:
        return sorted(cid for cid, known in self.known.items() if not known.deleted)

    def _staged(self, cid: str) -> ConnectorStaged | None:
        stored = self.store.get(cid)
        return None if isinstance(stored, DomainError) else stored.resource

    def _connector_step(self, cid: str, body: Any) -> None:
        """One request or service event to a connector; reaching Published takes a new production version."""
        before = self._staged(cid)
        assert before is not None
        if isinstance(body, ConnectorUpdate):
            result = self.store.update(cid, attrs.evolve(body, version=before.version))
        else:
            result = self.store.deliver(cid, body)
        if isinstance(result, DomainError):
            return
        known = self.known[cid]
        if result.resource.status.value == PUBLISHED and before.status.value != PUBLISHED:
            known.production = version_of(result.resource)
        served = self.store.connector(cid)
        if known.production is None:
            assert isinstance(served, ResourceNotFound)
        else:
            assert not isinstance(served, DomainError) and version_of(served.resource) == known.production

    def _create_connector(self, draft: ConnectorStagedDraft, data: st.DataObject) -> str | None:
        owner = data.draw(st.sampled_from(OWNERS), label="owner")
        stored = self.store.create(draft, owner=owner)
        if isinstance(stored, DomainError):
            assert stored.code == DUPLICATE
            return None
        cid = stored.resource.id
        assert cid not in self.ids
        self.ids.add(cid)
        self.known[cid] = Known(owner)
        self._make_deployable(cid, data)
        return cid

    def _make_deployable(self, cid: str, data: st.DataObject) -> None:
        projects = data.draw(st.lists(st.sampled_from(IDENTIFIERS), min_size=1, max_size=6, unique=True))
        steps: list[Any] = [
            ConnectorUpdate(version=0, actions=(AddPrivateProject(private_project=p),)) for p in projects
        ]
        steps += [ConnectorUpdate(version=0, actions=(UpdatePreviewable(),)), data.draw(_granted, label="granted")]
        if data.draw(_MOSTLY, label="publish"):
            steps += [
                ConnectorUpdate(version=0, actions=(Publish(certification=False),)),
                data.draw(_published, label="published"),
            ]
        for step in steps:
            self._connector_step(cid, step)

    @initialize(draft=cds.drafts(), data=st.data())
    def first_connector(self, draft: ConnectorStagedDraft, data: st.DataObject) -> None:
        """A deployable connector, and a first Deployment of it, in every example."""
        cid = self._create_connector(draft, data)
        assert cid is not None
        self._deploy(cid, data)

    @precondition(lambda self: len(self._alive()) < 3)
    @rule(draft=cds.drafts(), data=st.data())
    def another_connector(self, draft: ConnectorStagedDraft, data: st.DataObject) -> None:
        """Another connector, created by one of the projects or by none, made deployable."""
        self._create_connector(draft, data)

    @precondition(lambda self: self._alive())
    @rule(data=st.data())
    def change_connector(self, data: st.DataObject) -> None:
        """A new preview or publication with other applications, an edit (a new draft), or a project withdrawn."""
        cid = data.draw(st.sampled_from(self._alive()), label="connector")
        change = data.draw(st.sampled_from(["deployable", "edit", "withdraw"]), label="change")
        staged = self._staged(cid)
        listed = [p for p in IDENTIFIERS if staged is not None and p in staged.private_projects]
        if change == "edit":
            self._connector_step(cid, ConnectorUpdate(version=0, actions=(SetName(name=f"renamed at {self.clock()}"),)))
        elif change == "withdraw" and listed:
            # its Deployments there stay; updateConnector no longer finds it (the store's choice)
            withdrawn = data.draw(st.sampled_from(listed), label="withdrawn")
            self._connector_step(
                cid, ConnectorUpdate(version=0, actions=(RemovePrivateProject(private_project=withdrawn),))
            )
        else:
            self._make_deployable(cid, data)

    @precondition(lambda self: len(self._alive()) > 1)
    @rule(data=st.data())
    def delete_connector(self, data: st.DataObject) -> None:
        """Delete a connector: its Deployments stay (docs/decisions.md); a reference to it is not found."""
        cid = data.draw(st.sampled_from(self._alive()), label="connector")
        assert not isinstance(self.store.delete(cid), DomainError)
        self.known[cid].deleted = True

    @rule(seconds=st.integers(1, 3600))
    def time_passes(self, seconds: int) -> None:
        """The clock moves on: the logs of a later start carry a later time."""
        self.clock.advance(timedelta(seconds=seconds))

    # --- Deployments ----------------------------------------------------------------------

    def _target(self, cid: str) -> Target | None:
        staged = self._staged(cid)
        if staged is None:
            return None
        return Target(
            staged=version_of(staged),
            production=self.known[cid].production,
            private=staged.private,
            private_projects=staged.private_projects,
            previewable=staged.is_previewable.value == "true",
            regions=frozenset(region.value for region in staged.supported_regions),
            owner=self.known[cid].owner,
            owner_in_every_region=True,
        )

    def _deploy(self, cid: str | None, data: st.DataObject) -> None:
        staged = None if cid is None else self._staged(cid)
        if staged is None:
            # a connector deleted, or one that never was
            reference = (
                ConnectorReference(id=cid)
                if cid is not None
                else data.draw(
                    st.sampled_from([ConnectorReference(id="no-such-connector"), ConnectorReference(key="no-such-key")])
                )
            )
            draft = attrs.evolve(data.draw(cds.deployment_drafts(), label="draft"), connector=reference)
            draft = self.secrets.draft(draft)
            project = data.draw(st.sampled_from(PROJECTS), label="project")
        else:
            assert cid is not None
            project, regions = _where(data, staged)
            served = self.store.connector(cid)
            connector = None if isinstance(served, DomainError) else served.resource
            draft = self.secrets.draft(
                data.draw(cds.deployment_drafts_near(staged, connector=connector, regions=regions), label="draft")
            )
        result = self.store.create_deployment(project, draft)
        used = {k.model.key for k in self.kept.values() if k.project == project and k.model.key is not None}
        refused, accepted = create_check(
            draft,
            None if cid is None else self._target(cid),
            project=project,
            production_enabled=project not in PRODUCTION_DISABLED,
            used_keys=used,
        )
        if refused is not None:
            _seen(result)
            _agrees(result, refused)
            return
        assert accepted is not None and cid is not None
        assert isinstance(result, Stored), result
        deployment = result.resource
        ids = Ids(deployment.id, deployment.details.build.id, tuple(a.id for a in deployment.applications))
        new = [ids.id, ids.build_id, *ids.application_ids]
        assert len(set(new)) == len(new) and not self.ids & set(new), new  # every id is new
        self.ids |= set(new)
        _seen(deployment)
        _agrees(deployment, created(draft, *accepted, ids))
        self.kept[ids.id] = Kept(project, observe(deployment), cid)
        self.versions[ids.id] = deployment.version
        self._journey(ids.id, data, data.draw(st.integers(0, 4), label="then"))

    @precondition(lambda self: len(self.kept) < 8)
    @rule(data=st.data())
    def deploy(self, data: st.DataObject) -> None:
        """POST /{project}/deployments: a draft near a connector, or naming one deleted or unknown."""
        choices: list[str | None] = [*self._alive(), *self._alive(), *self.known, None]
        for _ in range(data.draw(st.integers(1, 3), label="drafts")):
            self._deploy(data.draw(st.sampled_from(choices), label="connector"), data)

    def _pick(self, data: st.DataObject, *, redeploy: bool = False) -> tuple[str, Kept]:
        did = _choose(data, {did: k.model.status for did, k in self.kept.items()}, redeploy=redeploy)
        return did, self.kept[did]

    def _addressed(self, data: st.DataObject, did: str, k: Kept, *, elsewhere: bool = True) -> tuple[str, str | None]:
        """How a request names the Deployment: its project or (with *elsewhere*, rarely) the other, by id or by key."""
        project = k.project if not elsewhere or data.draw(_MOSTLY, label="its project") else _other(k.project)
        key = k.model.key if k.model.key is not None and data.draw(st.booleans(), label="by key") else None
        if project != k.project and any(o.project == project and o.model.key == key for o in self.kept.values()):
            key = None  # that key names the other project's own Deployment
        return project, key

    def _answer(self, did: str, k: Kept, project: str, result: Any, expected: Refused | DModel | str) -> None:
        """Check the store's answer and carry the oracle's model forward (the logs of a start too)."""
        _seen(result if isinstance(result, DomainError) else GONE if expected == GONE else result.resource)
        if project != k.project:
            # another project's Deployment is not found, and nothing changes
            _agrees(result, Refused(NOT_FOUND))
            return
        if expected == GONE:
            assert isinstance(result, Stored), result
            assert observe(result.resource) == k.model  # DELETE and the event answer its last state
            del self.kept[did]
            self.gone[did] = (k.project, k.model.key)
            return
        _agrees(result.resource if isinstance(result, Stored) else result, expected)
        if isinstance(expected, DModel):
            assert expected.version >= self.versions[did]
            self.versions[did] = expected.version
            if expected.status == DEPLOYED and k.model.status != DEPLOYED:
                # "a Deployment that reached Deployed has log entries for each application"
                now = self.clock()
                k.logs += [(a.name, f"Application {a.name} started", now) for a in expected.applications]
            k.model = expected

    def _oracle_target(self, k: Kept) -> Version | None:
        """The version updateConnector finds: None once the connector is gone or hidden from the project.

        Hidden as at a create (the store's choice: a project keeps no window
        on the new versions of a connector it may no longer see).
        """
        target = self._target(k.cid)
        preview = k.model.type == "preview"
        if target is None or not target.sees(f"{k.model.region}:{k.project}", preview=preview):
            return None
        return target.staged if preview else target.production

    @precondition(lambda self: self.kept)
    @rule(data=st.data(), offset=st.sampled_from([0, 0, 0, 0, -1, 1]), actions=st.sampled_from([1, 1, 1, 2]))
    def redeploy(self, data: st.DataObject, offset: int, actions: int) -> None:
        """POST /{project}/deployments/{id} or key=: one or two redeploys, at the version or not."""
        self._redeploy(*self._pick(data, redeploy=True), data, offset, actions)

    def _redeploy(
        self, did: str, k: Kept, data: st.DataObject, offset: int, actions: int, *, elsewhere: bool = True
    ) -> None:
        project, key = self._addressed(data, did, k, elsewhere=elsewhere)
        stored = self.store.deployment(k.project, did)
        assert isinstance(stored, Stored)
        deployment = stored.resource
        served: Any = self.store.connector(k.cid) if k.model.type != "preview" else self.store.get(k.cid)
        target = None if isinstance(served, DomainError) else served.resource
        redeploys = []
        for _ in range(actions):
            action = self.secrets.redeploy(data.draw(cds.redeploys_near(deployment, target=target)))
            if target is None and data.draw(st.booleans(), label="updateConnector anyway"):
                action = attrs.evolve(action, update_connector=True)
            redeploys.append(action)
        update = DeploymentUpdate(version=deployment.version + offset, actions=tuple(redeploys))
        if key is None:
            result = self.store.update_deployment(project, did, update)
        else:
            result = self.store.update_deployment_by_key(project, key, update)
        self._answer(did, k, project, result, update_oracle(k.model, update, self._oracle_target(k)))

    @precondition(lambda self: self.kept)
    @rule(data=st.data())
    def service_event(self, data: st.DataObject) -> None:
        """POST /__mock__/{project}/deployments/{id}/events: mostly an event the status awaits."""
        self._event(*self._pick(data), data)

    def _event(self, did: str, k: Kept, data: st.DataObject, *, elsewhere: bool = True) -> None:
        project = k.project if not elsewhere or data.draw(_MOSTLY, label="its project") else _other(k.project)
        event = _draw_input(data, k.model)
        if isinstance(event, Delete):
            event = data.draw(_INPUT_STRATEGIES[DeploymentStarted])
        result = self.store.deliver_deployment(project, did, event)
        self._answer(did, k, project, result, input_oracle(k.model, event))

    @precondition(lambda self: self.kept)
    @rule(data=st.data(), version=st.sampled_from(["none", "none", "current", "current", "stale"]))
    def delete(self, data: st.DataObject, version: str) -> None:
        """DELETE /{project}/deployments/{id} or key=, with no version, the current one or a stale one."""
        self._delete(*self._pick(data), data, version)

    def _delete(self, did: str, k: Kept, data: st.DataObject, version: str, *, elsewhere: bool = True) -> None:
        project, key = self._addressed(data, did, k, elsewhere=elsewhere)
        sent = {"none": None, "current": k.model.version, "stale": k.model.version - 1}[version]
        if key is None:
            result = self.store.delete_deployment(project, did, version=sent)
        else:
            result = self.store.delete_deployment_by_key(project, key, version=sent)
        expected = Refused(CONCURRENT_MODIFICATION) if version == "stale" else input_oracle(k.model, Delete())
        self._answer(did, k, project, result, expected)

    def _journey(self, did: str, data: st.DataObject, steps: int) -> None:
        """A few requests and events in a row to one Deployment: mostly the events its status awaits."""
        for _ in range(steps):
            k = self.kept.get(did)
            if k is None:
                return
            kind = data.draw(st.sampled_from(["event"] * 6 + ["redeploy"] * 2 + ["delete"]), label="next")
            if kind == "event":
                self._event(did, k, data, elsewhere=False)
            elif kind == "redeploy":
                self._redeploy(did, k, data, 0, 1, elsewhere=False)
            else:
                self._delete(did, k, data, "none", elsewhere=False)
            self.the_store_holds_what_the_oracle_says()

    @precondition(lambda self: self.kept)
    @rule(data=st.data(), steps=st.integers(1, 5))
    def journey(self, data: st.DataObject, steps: int) -> None:
        """A Deployment through a few statuses, each step checked."""
        self._journey(self._pick(data)[0], data, steps)

    @precondition(lambda self: self.kept)
    @rule(data=st.data())
    def read_logs(self, data: st.DataObject) -> None:
        """GET .../logs: one entry per application for each time the Deployment reached Deployed, in order."""
        logged = sorted(did for did, k in self.kept.items() if k.logs)
        did = data.draw(st.sampled_from(logged), label="logged") if logged else self._pick(data)[0]
        k = self.kept[did]

        def read(project: str, **filters: Any) -> list[Any]:
            return _pages(
                lambda token: self.store.deployment_logs(project, id=did, page_token=token, page_size=2, **filters)
            )

        for application in k.model.applications:
            entries = read(k.project, application_name=application.name)
            expected = [entry for entry in k.logs if entry[0] == application.name]
            assert [(e.application_name, e.details.value["message"], e.timestamp) for e in entries] == expected
            assert all(e.type.value == "APPLICATION_TEXT" and e.severity.value == "INFO" for e in entries)
            assert all(e.deployment_id == did for e in entries)
        # no application is named so (names have at most 8 characters)
        assert [_code(e) for e in read(k.project, application_name="not-an-application")] == [
            APPLICATION_DOES_NOT_EXIST
        ]
        SEEN_DEPLOYMENT_ANSWERS["logs"] += bool(k.logs)
        everything = read(k.project)
        if k.model.region.endswith(".aws"):
            # facts: "AWS deployments without applicationName"
            assert [_code(e) for e in everything] == [MISSING_APPLICATION_NAME]
        else:
            assert [(e.application_name, e.details.value["message"], e.timestamp) for e in everything] == k.logs
        assert [_code(e) for e in read(_other(k.project), application_name="x")] == [NOT_FOUND]

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def the_store_holds_what_the_oracle_says(self) -> None:
        """Each project sees its own Deployments, by id, by key and in its query; none of the other's; none gone."""
        for did, k in self.kept.items():
            stored = self.store.deployment(k.project, did)
            assert isinstance(stored, Stored), (did, stored)
            assert observe(stored.resource) == k.model
            self.secrets.check(stored.resource, json.dumps(stored.to_wire()), json.dumps(dict(stored.record)))
            assert stored.resource.version >= self.versions[did]
            assert _code(self.store.deployment(_other(k.project), did)) == NOT_FOUND
            if k.model.key is not None:
                by_key = self.store.deployment_by_key(k.project, k.model.key)
                assert isinstance(by_key, Stored) and by_key.resource.id == did
                elsewhere = self.store.deployment_by_key(_other(k.project), k.model.key)
                assert isinstance(elsewhere, DomainError) or elsewhere.resource.id != did
        for project in PROJECTS:
            page = self.store.query_deployments(project, limit=500)
            assert not isinstance(page, DomainError)
            assert {s.resource.id for s in page.results} == {
                did for did, k in self.kept.items() if k.project == project
            }
        for did, (project, key) in self.gone.items():
            assert all(_code(self.store.deployment(p, did)) == NOT_FOUND for p in PROJECTS)
            if key is not None:
                found = self.store.deployment_by_key(project, key)
                assert isinstance(found, DomainError) or found.resource.id != did  # the key is free again


# A quarter of the active profile's examples (15 by default, 100 under "ci"), of thirty steps, each
# checking the whole store against the oracle.
TestDeploymentStore = DeploymentStore.TestCase
TestDeploymentStore.settings = settings(
    max_examples=max(_PROFILE.max_examples // 4, 1), stateful_step_count=30, deadline=None
)


# --- The machines' reach, and walks through every status and every check ---------------------


def _reach(machine: type[RuleBasedStateMachine], examples: int, steps: int) -> tuple[Counter[str], Counter[str]]:
    """The statuses and answers a short derandomized run of *machine* reaches."""
    SEEN_DEPLOYMENT_STATUSES.clear()
    SEEN_DEPLOYMENT_ANSWERS.clear()
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples, stateful_step_count=steps, deadline=None, derandomize=True, database=None
        ),
    )
    return Counter(SEEN_DEPLOYMENT_STATUSES), Counter(SEEN_DEPLOYMENT_ANSWERS)


class TestReach:
    """The machines reach what they claim to test; walks in lockstep reach every status and answer surely.

    Derandomized runs are the same on every run, not across Hypothesis
    versions; the sets asserted are those that each of 10 runs with random
    seeds reached with the same budget (Hypothesis 6.170). The walks take
    the rest (Failed, a delete from it, a duplicate key, every create check)
    by example, the library and the oracle in step.
    """

    def test_the_pure_machine_reaches_a_build_and_an_undeployment(self) -> None:
        """Queued to Deployed, Undeploying and gone; "Already x"; create's refusals of the reference and the type."""
        statuses, answers = _reach(ConnectorsAndDeployments, 15, 50)
        assert set(statuses) >= {QUEUED, DEPLOYING, DEPLOYED, UNDEPLOYING}, statuses
        assert {GONE, ALREADY, REFERENCE_NOT_FOUND, INVALID_TYPE} <= set(answers), answers

    def test_the_store_machine_reaches_every_status_projects_and_logs(self) -> None:
        """Every status but Draft, gone, stale versions, other projects' Deployments not found, logs read back."""
        statuses, answers = _reach(DeploymentStore, 12, 30)
        assert set(statuses) == set(STATUSES) - {DRAFT}, statuses
        reached = {GONE, ALREADY, INVALID_OPERATION, REFERENCE_NOT_FOUND, NOT_FOUND, CONCURRENT_MODIFICATION, "logs"}
        assert reached <= set(answers), answers

    def test_every_status_in_lockstep(self) -> None:
        """One Deployment through every status and refusal of the table, store and oracle in step, logs included."""
        clock = SimulatedClock(START)
        store = Store(ids=iter(f"{n:08x}-walk" for n in itertools.count(1)).__next__, clock=clock)
        service = ConnectorConfigurationApplication(
            application_name="service",
            application_type=ApplicationType.SERVICE,
            standard_configuration=(),
            secured_configuration=(),
        )
        job = attrs.evolve(service, application_name="nightly", application_type=ApplicationType.JOB)
        renewed = attrs.evolve(service, standard_configuration=(StandardConfigurationKey(key="NEW", description=""),))
        new_key = (
            DeploymentConfigurationApplication(
                application_name="service",
                standard_configuration=(ConfigurationValue(key="NEW", value="v"),),
                secured_configuration=(),
            ),
        )
        cid = ok(
            store.create(ConnectorStagedDraft(name="walk", creator=Creator(email="e"), repository=REPOSITORY))
        ).resource.id
        for action in (
            AddPrivateProject(private_project="europe-west1.gcp:shop"),
            AddPrivateProject(private_project="europe-west1.gcp:outlet"),
            UpdatePreviewable(),
        ):
            ok(store.update(cid, ConnectorUpdate(version=ok(store.get(cid)).resource.version, actions=(action,))))
        ok(store.deliver(cid, PreviewGranted(configurations=(service, job))))
        draft = DeploymentDraft(
            key="walk",
            connector=ConnectorReference(id=cid, staged=True),
            configurations=(),
            region=Region.EUROPE_WEST1_GCP,
        )
        stored = ok(store.create_deployment("shop", draft))
        did = stored.resource.id
        ids = Ids(did, stored.resource.details.build.id, tuple(a.id for a in stored.resource.applications))
        model = created(draft, version_of(ok(store.get(cid)).resource), "preview", ids)
        assert observe(stored.resource) == model
        # keys are unique per project: taken in the project, free in the other
        assert _code(store.create_deployment("shop", draft)) == DUPLICATE
        elsewhere = ok(store.create_deployment("outlet", draft)).resource
        assert ok(store.deployment_by_key("outlet", "walk")).resource.id == elsewhere.id != did
        report = DeploymentReport(entries=())
        logs: list[tuple[str, str, datetime]] = []

        def redeploy(**fields: Any) -> DeploymentUpdate:
            return DeploymentUpdate(version=model.version, actions=(Redeploy(**fields),))

        def regrant(*configurations: ConnectorConfigurationApplication) -> None:
            ok(
                store.update(
                    cid, ConnectorUpdate(version=ok(store.get(cid)).resource.version, actions=(UpdatePreviewable(),))
                )
            )
            ok(store.deliver(cid, PreviewGranted(configurations=configurations)))

        walk: list[tuple[Any, str]] = [
            (redeploy(), ALREADY),
            (DeploymentStarted(), DEPLOYING),
            (redeploy(), ALREADY),
            (DeploymentStarted(), INVALID_OPERATION),
            (DeploymentFailed(report=report), FAILED),
            (redeploy(), QUEUED),
            (DeploymentStarted(), DEPLOYING),
            (DeploymentSucceeded(), DEPLOYED),
            (lambda: regrant(service), ""),
            (redeploy(update_connector=True), UPDATE_FAILURE),
            (lambda: regrant(job, renewed), ""),
            (redeploy(update_connector=True, configuration_values=()), APPLICATION_REQUIRED),
            # the values are judged against the version deployed: the snapshot's, or with updateConnector the new one
            (redeploy(configuration_values=new_key), UNKNOWN_KEY),
            (redeploy(update_connector=True, configuration_values=new_key), QUEUED),
            (DeploymentStarted(), DEPLOYING),
            (DeploymentSucceeded(report=report), DEPLOYED),
            (Delete(), UNDEPLOYING),
            (Delete(), ALREADY),
            (redeploy(), ALREADY),
            (UndeployFailed(report=report), UNDEPLOY_FAILED),
            (UndeploySucceeded(), INVALID_OPERATION),
            (Delete(), UNDEPLOYING),
            (UndeploySucceeded(), GONE),
        ]
        seen = set()
        for step, answer in walk:
            if callable(step):
                step()
                continue
            clock.advance(60)
            if isinstance(step, DeploymentUpdate):
                step = attrs.evolve(step, version=model.version)
                target = version_of(ok(store.get(cid)).resource)
                expected: Refused | DModel | str = update_oracle(model, step, target)
                result: Any = store.update_deployment("shop", did, step)
            elif isinstance(step, Delete):
                expected = input_oracle(model, step)
                result = store.delete_deployment("shop", did)
            else:
                expected = input_oracle(model, step)
                result = store.deliver_deployment("shop", did, step)
            shown = (
                expected
                if isinstance(expected, str)
                else expected.status
                if isinstance(expected, DModel)
                else expected.code
            )
            assert shown == answer, step
            if isinstance(expected, Refused):
                _agrees(result, expected)
                continue
            if expected == GONE:
                assert observe(ok(result).resource) == model
                break
            assert isinstance(expected, DModel)
            _agrees(ok(result).resource, expected)
            if expected.status == DEPLOYED:
                logs += [(a.name, f"Application {a.name} started", clock()) for a in expected.applications]
                entries = ok(store.deployment_logs("shop", id=did, application_name="nightly")).data
                assert [(e.application_name, e.details.value["message"], e.timestamp) for e in entries] == [
                    entry for entry in logs if entry[0] == "nightly"
                ]
            model = expected
            seen.add(model.status)
        assert seen == set(STATUSES) - {DRAFT}
        assert _code(store.deployment("shop", did)) == NOT_FOUND
        assert _code(store.deployment_by_key("shop", "walk")) == NOT_FOUND
        assert _code(store.deployment_logs("shop", id=did, application_name="nightly")) == NOT_FOUND
        # gone, its key is free again; the other project's Deployment stays
        again = ok(store.create_deployment("shop", draft)).resource
        assert (again.key, again.version, again.status.value) == ("walk", 1, QUEUED)
        assert ok(store.deployment("outlet", elsewhere.id)).resource == elsewhere
        # a failed build leaves nothing to undeploy: a delete removes it at once, and answers its last state
        ok(store.deliver_deployment("shop", again.id, DeploymentStarted()))
        failed = ok(store.deliver_deployment("shop", again.id, DeploymentFailed(report=report))).resource
        assert input_oracle(observe(failed), Delete()) == GONE
        assert ok(store.delete_deployment("shop", again.id)).resource == failed
        assert _code(store.deployment("shop", again.id)) == NOT_FOUND

    def test_every_create_check_in_order(self) -> None:
        """Drafts that each fail one check, and every later one: the reducer, the store and the oracle agree."""
        std = StandardConfigurationKey
        service = ConnectorConfigurationApplication(
            application_name="service",
            application_type=ApplicationType.SERVICE,
            standard_configuration=(std(key="A", description="", required=True),),
            secured_configuration=(SecuredConfigurationKey(key="S", description=""),),
        )
        staged = create(
            ConnectorStagedDraft(
                name="checks",
                creator=Creator(email="e"),
                repository=REPOSITORY,
                supported_regions=(Region.EUROPE_WEST1_GCP, Region.US_EAST_2_AWS),
                private_projects=("europe-west1.gcp:shop", "europe-west1.gcp:outlet", "australia-southeast1.gcp:shop"),
            ),
            id="checks-id",
        )
        for event in (UpdatePreviewable(), PreviewGranted(configurations=(service,)), Publish(certification=False)):
            staged = ok(apply(staged, event))
        before, staged = staged, ok(apply(staged, PublishingSucceeded()))
        global_keys = ConnectorGlobalConfiguration(
            standard_configuration=(std(key="G", description="", required=True),),
            secured_configuration=(SecuredConfigurationKey(key="GS", description="", required=True),),
        )
        staged = attrs.evolve(staged, global_configuration=global_keys)
        production = published_connector(before, staged)
        assert production is not None

        def values(name: str = "service", **standard: str) -> DeploymentConfigurationApplication:
            pairs = tuple(ConfigurationValue(key=k, value=v) for k, v in standard.items())
            return DeploymentConfigurationApplication(
                application_name=name, standard_configuration=pairs, secured_configuration=()
            )

        def given(g: str | None = "g", gs: str | None = "secret-gs") -> DeploymentGlobalConfiguration:
            return DeploymentGlobalConfiguration(
                standard_configuration=() if g is None else (ConfigurationValue(key="G", value=g),),
                secured_configuration=() if gs is None else (ConfigurationValue(key="GS", value=gs),),
            )

        unknown_everything = (values("nope"),)
        preview, sandbox = ConnectorReference(id="checks-id", staged=True), ConnectorReference(id="checks-id")
        eu, au, us = Region.EUROPE_WEST1_GCP, Region.AUSTRALIA_SOUTHEAST1_GCP, Region.US_CENTRAL1_GCP
        # (what differs from the staged state, the reference, type, region, project, values, global values, answer)
        cases: list[tuple[dict[str, Any], ConnectorReference, DeploymentType | None, Region, str, Any, Any, str]] = [
            (
                {},
                attrs.evolve(preview, version=99),
                DeploymentType.SANDBOX,
                us,
                "shop",
                unknown_everything,
                None,
                REFERENCE_NOT_FOUND,
            ),
            ({}, preview, DeploymentType.SANDBOX, us, "shop", unknown_everything, None, REFERENCE_NOT_FOUND),
            ({}, preview, DeploymentType.SANDBOX, au, "shop", unknown_everything, None, INVALID_TYPE),
            (
                {"is_previewable": IsPreviewable.FALSE},
                preview,
                None,
                au,
                "shop",
                unknown_everything,
                None,
                NOT_PREVIEWABLE,
            ),
            ({}, sandbox, DeploymentType.PRODUCTION, au, "outlet", unknown_everything, None, REFERENCE_NOT_FOUND),
            ({}, sandbox, DeploymentType.PRODUCTION, au, "shop", unknown_everything, None, UNSUPPORTED_REGION),
            ({}, sandbox, DeploymentType.PRODUCTION, eu, "outlet", unknown_everything, None, PRODUCTION_DEACTIVATED),
            ({"configurations": ()}, preview, None, eu, "outlet", unknown_everything, None, APPLICATION_REQUIRED),
            ({}, sandbox, None, eu, "outlet", (values(A="a"), *unknown_everything), None, UNKNOWN_APPLICATION),
            ({}, sandbox, None, eu, "outlet", (values(A="a", B="b"),), given(), UNKNOWN_KEY),
            (
                {},
                preview,
                None,
                eu,
                "outlet",
                (),
                DeploymentGlobalConfiguration(standard_configuration=(ConfigurationValue(key="H", value="h"),)),
                UNKNOWN_GLOBAL,
            ),
            ({}, preview, None, eu, "outlet", (), given(g=None), MISSING_GLOBAL),
            ({}, preview, None, eu, "outlet", (), given(gs=""), EMPTY_GLOBAL),
            ({}, sandbox, DeploymentType.PRODUCTION, eu, "shop", (values(),), given(), ""),
        ]
        for changes, reference, kind, region, project, configurations, global_values, answer in cases:
            now = attrs.evolve(staged, **changes)
            published = attrs.evolve(production, configurations=now.configurations)
            draft = DeploymentDraft(
                connector=reference,
                type=kind,
                configurations=configurations,
                global_configuration=global_values,
                region=region,
            )
            target = Target(
                staged=version_of(now),
                production=version_of(published),
                private=now.private,
                private_projects=now.private_projects,
                previewable=now.is_previewable is IsPreviewable.TRUE,
                regions=frozenset(r.value for r in now.supported_regions),
                owner=None,
            )
            enabled = project not in PRODUCTION_DISABLED
            refused, accepted = create_check(draft, target, project=project, production_enabled=enabled, used_keys=())
            ids = Ids("checks-deployment", "build", tuple(f"app-{n}" for n in range(len(now.configurations or ()))))
            result = create_deployment(
                draft,
                now,
                project=project,
                id=ids.id,
                build_id=ids.build_id,
                application_ids=ids.application_ids,
                connector=published,
                production_enabled=enabled,
            )
            if refused is not None:
                assert refused.code == answer, (answer, refused)
                _agrees(result, refused)
            else:
                assert answer == "" and accepted is not None
                _agrees(result, created(draft, *accepted, ids))
