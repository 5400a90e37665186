"""Public Hypothesis strategies for the ConnectorStaged domain.

Needs Hypothesis (``pip install "connector-domain[testing]"``); the core
package never imports this module.

- Patterned strings, valid and "near misses" (one character off the pattern,
  one over or under the length, a trailing newline): ``keys``,
  ``key_near_misses``, ``project_identifiers``,
  ``project_identifier_near_misses``, ``application_names``,
  ``application_name_near_misses``, ``repository_urls``.
- Every entity: ``creators``, ``repositories``, ``reports``,
  ``configuration_applications``, ``drafts``, ``connector_staged`` (any field
  combination, reachable or not), ``reachable_staged`` (only states the
  lifecycle reaches from ``create``, built by running the reducer), ``updates``,
  ``paged_responses``.
- Inputs: ``update_actions``, ``service_events``, ``inputs``,
  ``events_of(kind)``; and ``same_value_actions(staged)``, the content
  actions that would change nothing on *staged*.
- Wire documents: ``update_action_documents(valid=True|False)`` and
  ``malformed_update_documents()``: JSON-like data, malformed ones included
  (wrong types, missing fields, unknown actions, nulls).
- The Deployment's: every entity (``configuration_values``,
  ``deployment_configuration_applications``,
  ``deployment_global_configurations``, ``connector_references``,
  ``deployment_drafts``, ``deployment_connectors``,
  ``deployment_report_entries``, ``deployment_reports``,
  ``application_deployments``, ``deployments`` (any field combination,
  secured values masked), ``deployment_paged_responses``, ``json_values``,
  ``deployment_logs``, ``deployment_log_pages``); its inputs (``redeploys``,
  ``redeploys_for(deployment)``, ``deployment_updates``,
  ``deployment_service_events``, ``deployment_inputs``,
  ``deployment_inputs_of(kind)``); and what the
  reducer reaches: ``deployable_staged`` (a connector ``DEPLOYING_PROJECT``
  may deploy), ``deployment_drafts_for(staged)`` (drafts that fit it) and
  ``reachable_deployments`` (made by ``create_deployment`` and the reducer,
  never by setting fields).
- For stateful tests of Deployments: ``deployable_configurations`` and
  ``global_declarations`` (what a ``connect.yaml`` declares),
  ``deployment_drafts_near(staged, connector=...)`` and
  ``redeploys_near(deployment, target=...)``: requests that fit a given
  connector or Deployment, or miss one of the checks of deployments.md, each
  secured value beginning with ``SECRET_PREFIX``.

The installed package registers the strategies with
``hypothesis.strategies.register_type_strategy`` through Hypothesis'
``hypothesis`` entry point, so ``st.from_type(Creator)``,
``st.from_type(ConnectorStaged)`` and ``st.from_type(Deployment)`` (reachable
states) and friends work without importing this module (``register()`` does
it by hand).

Strings are short and datetimes are UTC to the millisecond, as the API keeps
them, so that generated values round-trip through the wire form.
"""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime
from typing import Any, Final, get_args

import attrs
from hypothesis import strategies as st

from .. import actions as a
from .. import codec, lifecycle
from .. import events as e
from ..access import connector_snapshot
from ..deployment import actions as da
from ..deployment import events as de
from ..deployment import lifecycle as dl
from ..deployment.model import (
    MASK,
    ApplicationDeployment,
    ConfigurationValue,
    ConnectorReference,
    Deployment,
    DeploymentApiClient,
    DeploymentConfigurationApplication,
    DeploymentConnector,
    DeploymentCreator,
    DeploymentDetails,
    DeploymentDetailsBuild,
    DeploymentDraft,
    DeploymentGlobalConfiguration,
    DeploymentLog,
    DeploymentLogCursorPagedQueryResponse,
    DeploymentLogSeverity,
    DeploymentLogType,
    DeploymentPagedQueryResponse,
    DeploymentReport,
    DeploymentReportEntry,
    DeploymentReportEntryType,
    DeploymentStatus,
    DeploymentType,
    JsonValue,
    masked_global,
)
from ..deployment.reducer import apply_deployment, create_deployment
from ..errors import ResourceNotFound
from ..model import (
    ApplicationType,
    CertificationInfo,
    CertificationInfoComment,
    Connector,
    ConnectorApiClient,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    ConnectorReport,
    ConnectorReportEntry,
    ConnectorReportEntryType,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorStagedPagedQueryResponse,
    ConnectorStatus,
    Creator,
    IntegrationType,
    IsPreviewable,
    Region,
    Repository,
    SecuredConfigurationKey,
    StandardConfigurationKey,
)
from ..reducer import apply, create

__all__ = [
    "DEPLOYING_PROJECT",
    "DEPLOYMENT_INPUT_KINDS",
    "DEPLOYMENT_KEYS",
    "SECRET_PREFIX",
    "SERVICE_EVENT_KINDS",
    "application_deployments",
    "configuration_values",
    "connector_references",
    "deployable_configurations",
    "deployable_staged",
    "deployment_configuration_applications",
    "deployment_connectors",
    "deployment_drafts",
    "deployment_drafts_for",
    "deployment_drafts_near",
    "deployment_global_configurations",
    "deployment_inputs",
    "deployment_inputs_of",
    "deployment_log_pages",
    "deployment_logs",
    "deployment_paged_responses",
    "deployment_report_entries",
    "deployment_reports",
    "deployment_service_events",
    "deployment_updates",
    "deployments",
    "json_values",
    "reachable_deployments",
    "redeploys",
    "redeploys_for",
    "redeploys_near",
    "application_name_near_misses",
    "application_names",
    "certification_comments",
    "certification_infos",
    "configuration_applications",
    "connectors",
    "connector_staged",
    "creators",
    "datetimes",
    "drafts",
    "events_of",
    "global_declarations",
    "inputs",
    "key_near_misses",
    "keys",
    "malformed_update_documents",
    "paged_responses",
    "project_identifier_near_misses",
    "project_identifiers",
    "register",
    "reachable_staged",
    "report_entries",
    "reports",
    "repositories",
    "repository_urls",
    "same_value_actions",
    "service_events",
    "update_actions",
    "update_action_documents",
    "updates",
]

_KEY_ALPHABET = string.ascii_letters + string.digits + "_-"
_PROJECT_REGION_ALPHABET = string.ascii_letters + string.digits + "-_."
_PROJECT_KEY_ALPHABET = string.ascii_letters + string.digits + "-_"
# Characters outside every pattern here, each a plausible slip.
_OFF_PATTERN = st.sampled_from([" ", "/", "@", "!", "é", "\t", "+", "*", "$"])

_texts = st.text(max_size=12)


def _insert(base: st.SearchStrategy[str], char: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """*base* with one character from *char* inserted somewhere."""

    @st.composite
    def inserted(draw: st.DrawFn) -> str:
        text = draw(base)
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(char) + text[at:]

    return inserted()


def keys(*, max_size: int = 256) -> st.SearchStrategy[str]:
    """Valid keys: ``^[A-Za-z0-9_-]+$``, 2 to 256 characters."""
    return st.text(_KEY_ALPHABET, min_size=2, max_size=max_size)


def key_near_misses() -> st.SearchStrategy[str]:
    """Strings one step from a valid key: a bad character, 1 or 257 long, a trailing newline."""
    return st.one_of(
        _insert(keys(max_size=20), _OFF_PATTERN),
        st.text(_KEY_ALPHABET, min_size=0, max_size=1),
        st.text(_KEY_ALPHABET, min_size=257, max_size=257),
        keys(max_size=20).map(lambda k: k + "\n"),
    )


def application_names(*, max_size: int = 256) -> st.SearchStrategy[str]:
    """Valid application names: ``^[A-Za-z0-9_-]+$``, 2 to 256 characters (the key pattern)."""
    return keys(max_size=max_size)


def application_name_near_misses() -> st.SearchStrategy[str]:
    """Strings one step from a valid application name."""
    return key_near_misses()


def project_identifiers() -> st.SearchStrategy[str]:
    """Valid ProjectIdentifiers, ``{region}:{projectKey}``, mostly with a real region."""
    region = st.one_of(st.sampled_from([r.value for r in Region]), st.text(_PROJECT_REGION_ALPHABET, min_size=1))
    key = st.text(_PROJECT_KEY_ALPHABET, min_size=2, max_size=36)
    return st.builds(lambda r, k: f"{r}:{k}", region, key)


def project_identifier_near_misses() -> st.SearchStrategy[str]:
    """Strings one step from a valid ProjectIdentifier."""
    region = st.sampled_from([r.value for r in Region])
    return st.one_of(
        # project key one too short, one too long
        st.builds(lambda r, k: f"{r}:{k}", region, st.text(_PROJECT_KEY_ALPHABET, min_size=0, max_size=1)),
        st.builds(lambda r, k: f"{r}:{k}", region, st.text(_PROJECT_KEY_ALPHABET, min_size=37, max_size=40)),
        # a bad character in the project key, or no separator
        st.builds(
            lambda r, k: f"{r}:{k}",
            region,
            _insert(st.text(_PROJECT_KEY_ALPHABET, min_size=2, max_size=30), _OFF_PATTERN),
        ),
        project_identifiers().map(lambda p: p.replace(":", "", 1)),
        project_identifiers().map(lambda p: p + "\n"),
    )


def repository_urls() -> st.SearchStrategy[str]:
    """GitHub repository URLs in the HTTPS and SSH forms."""
    # An owner or repository name is not made of dots alone.
    part = st.text(_KEY_ALPHABET + ".", min_size=1, max_size=12).filter(lambda p: p.strip("."))
    suffix = st.sampled_from(["", ".git"])
    return st.builds(
        lambda prefix, owner, repo, end: f"{prefix}{owner}/{repo}{end}",
        st.sampled_from(["https://github.com/", "git@github.com:"]),
        part,
        part,
        suffix,
    )


def datetimes() -> st.SearchStrategy[datetime]:
    """Aware UTC datetimes, to the millisecond."""
    return st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)).map(
        lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
    )


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _tuples(strategy: st.SearchStrategy[Any], max_size: int = 3) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(strategy, max_size=max_size).map(tuple)


def creators() -> st.SearchStrategy[Creator]:
    """Creators with any combination of optional fields."""
    return st.builds(
        Creator,
        email=_texts,
        name=_optional(_texts),
        title=_optional(_texts),
        company=_optional(_texts),
        logo_url=_optional(_texts),
        no_of_contributors=_optional(st.integers(0, 10_000)),
        support_url=_optional(_texts),
    )


def repositories() -> st.SearchStrategy[Repository]:
    """Repositories with a GitHub URL and a non-empty tag."""
    return st.builds(Repository, url=repository_urls(), tag=st.text(min_size=1, max_size=8))


def report_entries() -> st.SearchStrategy[ConnectorReportEntry]:
    """One entry of a publish or preview report."""
    return st.builds(
        ConnectorReportEntry,
        type=st.sampled_from(ConnectorReportEntryType),
        title=_texts,
        message=_optional(_texts),
        created_at=datetimes(),
    )


def reports() -> st.SearchStrategy[ConnectorReport]:
    """Publish or preview reports."""
    return st.builds(ConnectorReport, entries=_tuples(report_entries()))


_standard_keys = st.builds(
    StandardConfigurationKey,
    key=_texts,
    description=_texts,
    default=_optional(_texts),
    required=_optional(st.booleans()),
)
_secured_keys = st.builds(SecuredConfigurationKey, key=_texts, description=_texts, required=_optional(st.booleans()))
_global_configurations = st.builds(
    ConnectorGlobalConfiguration,
    standard_configuration=_optional(_tuples(_standard_keys, 2)),
    secured_configuration=_optional(_tuples(_secured_keys, 2)),
)
_api_clients = st.builds(ConnectorApiClient, scopes=_tuples(_texts))


def configuration_applications() -> st.SearchStrategy[ConnectorConfigurationApplication]:
    """Application configurations as ``connect.yaml`` declares them."""
    return st.builds(
        ConnectorConfigurationApplication,
        application_name=application_names(max_size=20),
        application_type=st.sampled_from(ApplicationType),
        standard_configuration=_tuples(_standard_keys, 2),
        secured_configuration=_tuples(_secured_keys, 2),
    )


def certification_comments() -> st.SearchStrategy[CertificationInfoComment]:
    """One certification comment."""
    return st.builds(CertificationInfoComment, user_id=_texts, datetime=datetimes(), comment=_texts)


def certification_infos() -> st.SearchStrategy[CertificationInfo]:
    """Certification comments."""
    return st.builds(CertificationInfo, comments=_tuples(certification_comments()))


def drafts() -> st.SearchStrategy[ConnectorStagedDraft]:
    """Create-request bodies, with absent and empty optional lists."""
    return st.builds(
        ConnectorStagedDraft,
        key=_optional(keys(max_size=20)),
        name=_texts,
        description=_optional(_texts),
        integration_types=_optional(_tuples(st.sampled_from(IntegrationType))),
        creator=creators(),
        repository=repositories(),
        supported_regions=_optional(_tuples(st.sampled_from(Region))),
        private_projects=_optional(_tuples(project_identifiers())),
        documentation_url=_optional(_texts),
    )


def connector_staged(*, record: bool = True) -> st.SearchStrategy[ConnectorStaged]:
    """ConnectorStaged with any combination of fields, in any status, reachable or not.

    With ``record=False`` the two record-form fields hold what the wire form
    derives, so the value round-trips through ``codec.to_wire``.
    """
    base = st.builds(
        ConnectorStaged,
        id=st.text(min_size=1, max_size=8),
        key=_optional(keys(max_size=20)),
        version=st.integers(1, 1_000),
        name=_texts,
        description=_texts,
        integration_types=_tuples(st.sampled_from(IntegrationType)),
        creator=creators(),
        repository=repositories(),
        configurations=_tuples(configuration_applications(), 2),
        global_configuration=_optional(_global_configurations),
        api_client=_optional(_api_clients),
        private=st.booleans(),
        private_projects=_tuples(project_identifiers()),
        supported_regions=_tuples(st.sampled_from(Region)),
        certification_info=_optional(certification_infos()),
        status=st.sampled_from(ConnectorStatus),
        publishing_report=_optional(reports()),
        already_listed=st.booleans(),
        has_changes=st.booleans(),
        is_previewable=st.sampled_from(IsPreviewable),
        previewable_report=_optional(reports()),
        documentation_url=_optional(_texts),
        certified=_optional(st.booleans()),
    )
    if not record:
        return base
    return st.builds(
        lambda staged, published, asked: attrs.evolve(
            staged, published_before=published or staged.published_before, certification_requested=asked
        ),
        base,
        st.booleans(),
        st.booleans(),
    )


def _input_strategies() -> dict[type, st.SearchStrategy[Any]]:
    """A strategy for each input class: the 19 actions, then the 8 service events."""
    # What the events completing a publish or a preview may bring from connect.yaml.
    connect_yaml: dict[str, st.SearchStrategy[Any]] = {
        "configurations": _optional(_tuples(configuration_applications(), 2)),
        "global_configuration": _optional(_global_configurations),
        "api_client": _optional(_api_clients),
    }
    return {
        a.SetName: st.builds(a.SetName, name=_texts),
        a.SetDescription: st.builds(a.SetDescription, description=_texts),
        a.SetRepository: st.builds(
            a.SetRepository, url=st.none() | repository_urls(), tag=st.text(min_size=1, max_size=8)
        ),
        a.SetSupportedRegions: st.builds(
            a.SetSupportedRegions, regions=st.lists(st.sampled_from(Region), min_size=1, max_size=3).map(tuple)
        ),
        a.SetDocumentationUrl: st.builds(a.SetDocumentationUrl, documentation_url=_texts),
        a.SetIntegrationTypes: st.builds(
            a.SetIntegrationTypes, integration_types=_tuples(st.sampled_from(IntegrationType))
        ),
        a.SetCreatorName: st.builds(a.SetCreatorName, creator_name=_texts),
        a.SetCreatorTitle: st.builds(a.SetCreatorTitle, creator_title=_texts),
        a.SetCreatorEmail: st.builds(a.SetCreatorEmail, creator_email=_texts),
        a.SetCreatorCompany: st.builds(a.SetCreatorCompany, creator_company=_texts),
        a.SetCreatorNoOfContributors: st.builds(
            a.SetCreatorNoOfContributors, creator_no_of_contributors=st.integers(1, 10_000)
        ),
        a.SetCreatorSupportUrl: st.builds(a.SetCreatorSupportUrl, creator_support_url=_texts),
        a.SetCreatorLogo: st.builds(a.SetCreatorLogo, logo_url=_texts),
        a.AddPrivateProject: st.builds(a.AddPrivateProject, private_project=project_identifiers()),
        a.RemovePrivateProject: st.builds(a.RemovePrivateProject, private_project=project_identifiers()),
        a.UpdatePreviewable: st.just(a.UpdatePreviewable()),
        a.Publish: st.builds(a.Publish, certification=st.booleans()),
        a.Unlist: st.just(a.Unlist()),
        a.AddCertificationComment: st.builds(a.AddCertificationComment, comment=_texts),
        e.PublishingSucceeded: st.builds(e.PublishingSucceeded, report=_optional(reports()), **connect_yaml),
        e.PublishingFailed: st.builds(e.PublishingFailed, report=_optional(reports())),
        e.CertificationStarted: st.just(e.CertificationStarted()),
        e.CertificationPassed: st.builds(e.CertificationPassed, report=_optional(reports())),
        e.CertificationFailed: st.builds(e.CertificationFailed, report=_optional(reports())),
        e.PreviewGranted: st.builds(e.PreviewGranted, report=_optional(reports()), **connect_yaml),
        e.PreviewRejected: st.builds(e.PreviewRejected, report=_optional(reports())),
        e.PreviewCancelled: st.just(e.PreviewCancelled()),
    }


_INPUTS: dict[type, st.SearchStrategy[Any]] = _input_strategies()


def update_actions() -> st.SearchStrategy[a.UpdateAction]:
    """Any valid update action, of each of the 19 kinds."""
    return st.one_of([_INPUTS[kind] for kind in a.ACTIONS])


def service_events() -> st.SearchStrategy[e.ServiceEvent]:
    """Any service event, with and without report, configurations, globalConfiguration and apiClient."""
    return st.one_of([strategy for kind, strategy in _INPUTS.items() if kind not in a.ACTIONS])


#: The service event classes, in the order of lifecycle.md.
SERVICE_EVENT_KINDS: list[type] = [kind for kind in _INPUTS if kind not in a.ACTION_TYPES]


def events_of(kind: type) -> st.SearchStrategy[Any]:
    """Inputs of one class (an action or a service event)."""
    return _INPUTS[kind]


def update_action_documents(*, valid: bool = True) -> st.SearchStrategy[Any]:
    """Update actions as wire documents (JSON-like dicts); with ``valid=False``, malformed ones.

    Malformed documents are valid ones with one thing broken: a field of the
    wrong JSON type, a required field missing or null, a pattern off by one
    character, an unknown or missing ``action``, or not an object at all.
    Each is checked to be refused by the codec.
    """
    documents = update_actions().map(codec.to_wire)
    if valid:
        return documents
    return st.one_of(
        documents.flatmap(_break),
        st.sampled_from([None, 3, "setName", [], True]),
    ).filter(_is_refused)


def _break(document: dict[str, Any]) -> st.SearchStrategy[Any]:
    fields = [name for name in document if name != "action"]
    breaks: list[st.SearchStrategy[Any]] = [
        st.just({**document, "action": "setPrivate"}),  # removed from the API
        st.just({k: v for k, v in document.items() if k != "action"}),
        st.builds(lambda tag: {**document, "action": tag}, st.sampled_from([3, None, "SetName", "setname"])),
    ]
    if fields:
        field = st.sampled_from(fields)
        wrong: st.SearchStrategy[Any] = st.sampled_from([None, 3, "3", "true", True, [], {}, 1.5])
        breaks += [
            st.builds(lambda f, w: {**document, f: w}, field, wrong),
            field.map(lambda f: {k: v for k, v in document.items() if k != f}),
        ]
    if "privateProject" in document:
        breaks.append(project_identifier_near_misses().map(lambda p: {**document, "privateProject": p}))
    return st.one_of(breaks)


def _is_refused(document: Any) -> bool:
    try:
        codec.from_wire(document, a.UpdateAction)
    except codec.InvalidInput:
        return True
    return False


def malformed_update_documents() -> st.SearchStrategy[Any]:
    """Update request bodies the codec refuses: a bad version, a bad action, or not an object."""
    action_lists = st.lists(update_action_documents(), max_size=3)
    return st.one_of(
        st.builds(
            lambda before, bad, after, version: {"version": version, "actions": [*before, bad, *after]},
            action_lists,
            update_action_documents(valid=False),
            action_lists,
            st.integers(1, 5),
        ),
        st.builds(
            lambda actions, version: {"version": version, "actions": actions},
            action_lists,
            st.sampled_from(["1", None, 1.5, True, []]),
        ),
        action_lists.map(lambda actions: {"actions": actions}),
        st.sampled_from([None, [], "update", 1, {"version": 1}, {"version": 1, "actions": "setName"}]),
    )


def inputs() -> st.SearchStrategy[e.Input]:
    """Any input of the reducer: an update action or a service event."""
    return st.one_of(update_actions(), service_events())


def updates(*, max_actions: int = 4) -> st.SearchStrategy[a.ConnectorUpdate]:
    """Update requests with up to *max_actions* actions."""
    return st.builds(
        a.ConnectorUpdate,
        version=st.integers(1, 1_000),
        actions=st.lists(update_actions(), max_size=max_actions).map(tuple),
    )


def paged_responses() -> st.SearchStrategy[ConnectorStagedPagedQueryResponse]:
    """Pages of a ConnectorStaged query, ``count`` equal to the results' length."""
    return st.lists(connector_staged(record=False), max_size=2).flatmap(
        lambda results: st.builds(
            ConnectorStagedPagedQueryResponse,
            limit=st.integers(0, 500),
            offset=st.integers(0, 10_000),
            count=st.just(len(results)),
            total=st.integers(len(results), 100_000),
            results=st.just(tuple(results)),
        )
    )


_MOMENT = datetime(2024, 1, 1, tzinfo=UTC)


def _accepted_groups(staged: ConnectorStaged) -> list[list[type]]:
    """The input classes the tables accept for *staged*, one group per table key (all edits are one)."""
    groups: list[list[type]] = []
    if lifecycle.accepts(staged, lifecycle.EDIT):
        groups.append(list(a.CONTENT_ACTIONS))
    for kind in _INPUTS:
        if kind not in a.CONTENT_ACTIONS and any(lifecycle.accepts(staged, key) for key in lifecycle.keys_of(kind)):
            groups.append([kind])
    return groups


def connectors() -> st.SearchStrategy[Connector]:
    """Production Connectors, as reachable ConnectorStaged yield them (``connector_snapshot``)."""
    return reachable_staged().map(connector_snapshot)


def reachable_staged(*, max_steps: int = 16) -> st.SearchStrategy[ConnectorStaged]:
    """ConnectorStaged in states the lifecycle reaches from ``create``, and only those.

    Built by running the reducer on a generated draft and inputs (refused
    inputs are skipped), never by setting fields.
    """

    @st.composite
    def reachable(draw: st.DrawFn) -> ConnectorStaged:
        staged = create(draw(drafts()), id=draw(st.text(min_size=1, max_size=8)))
        assert isinstance(staged, ConnectorStaged)
        for _ in range(draw(st.integers(0, max_steps))):
            # Mostly an input the current state accepts, so that every status
            # is reached within a few steps; sometimes any input at all.
            groups = _accepted_groups(staged)
            guided = draw(st.integers(0, 3)) > 0
            if groups and guided:
                kind = draw(st.sampled_from(draw(st.sampled_from(groups))))
            else:
                kind = draw(st.sampled_from(list(_INPUTS)))
            result = apply(staged, draw(_INPUTS[kind]), at=_MOMENT, by="certifier")
            if isinstance(result, ConnectorStaged):
                staged = result
        return staged

    return reachable()


def same_value_actions(staged: ConnectorStaged) -> list[a.UpdateAction]:
    """The content actions that would set what *staged* already has (no-ops where accepted)."""
    creator = staged.creator
    found: list[a.UpdateAction] = [
        a.SetName(name=staged.name),
        a.SetDescription(description=staged.description),
        a.SetRepository(url=staged.repository.url, tag=staged.repository.tag),
        a.SetIntegrationTypes(integration_types=staged.integration_types),
        a.SetCreatorEmail(creator_email=creator.email),
    ]
    optional_fields: list[tuple[Any, Any]] = [
        (staged.documentation_url, lambda v: a.SetDocumentationUrl(documentation_url=v)),
        (creator.name, lambda v: a.SetCreatorName(creator_name=v)),
        (creator.title, lambda v: a.SetCreatorTitle(creator_title=v)),
        (creator.company, lambda v: a.SetCreatorCompany(creator_company=v)),
        (creator.support_url, lambda v: a.SetCreatorSupportUrl(creator_support_url=v)),
        (creator.logo_url, lambda v: a.SetCreatorLogo(logo_url=v)),
    ]
    found += [build(value) for value, build in optional_fields if value is not None]
    if creator.no_of_contributors is not None and creator.no_of_contributors >= 1:
        found.append(a.SetCreatorNoOfContributors(creator_no_of_contributors=creator.no_of_contributors))
    if staged.supported_regions:
        found.append(a.SetSupportedRegions(regions=staged.supported_regions))
    found += [a.AddPrivateProject(private_project=p) for p in staged.private_projects]
    found.append(a.RemovePrivateProject(private_project="europe-west1.gcp:never-added-project"))
    return [
        action
        for action in found
        if not (isinstance(action, a.RemovePrivateProject) and action.private_project in staged.private_projects)
    ]


# --- The Deployment ------------------------------------------------------------------

#: The project key the reachable deployments are deployed to, in the draft's region.
DEPLOYING_PROJECT: Final = "deploying-project"
_OWNER: Final = "europe-west1.gcp:owner-project"
_ids = st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12)


def configuration_values() -> st.SearchStrategy[ConfigurationValue]:
    """One environment variable's value."""
    return st.builds(ConfigurationValue, key=_texts, value=_texts)


def deployment_configuration_applications() -> st.SearchStrategy[DeploymentConfigurationApplication]:
    """The values a request gives one application, secured values in clear."""
    return st.builds(
        DeploymentConfigurationApplication,
        application_name=st.one_of(application_names(max_size=20), _texts),
        standard_configuration=_tuples(configuration_values(), 2),
        secured_configuration=_tuples(configuration_values(), 2),
        schedule=_optional(_texts),
    )


def deployment_global_configurations() -> st.SearchStrategy[DeploymentGlobalConfiguration]:
    """Global values as a request sends them (secured values in clear); ``masked_global`` gives a resource's."""
    return st.builds(
        DeploymentGlobalConfiguration,
        standard_configuration=_optional(_tuples(configuration_values(), 2)),
        secured_configuration=_optional(_tuples(configuration_values(), 2)),
    )


def connector_references() -> st.SearchStrategy[ConnectorReference]:
    """References by id, by key or by both, staged or not, with and without a version."""
    staged, version = _optional(st.booleans()), _optional(st.integers(1, 1_000))
    return st.one_of(
        st.builds(ConnectorReference, id=_ids, key=_optional(_ids), staged=staged, version=version),
        st.builds(ConnectorReference, key=_ids, staged=staged, version=version),
    )


def deployment_drafts() -> st.SearchStrategy[DeploymentDraft]:
    """Create-request bodies of any shape the type allows (whether a connector fits them or not)."""
    return st.builds(
        DeploymentDraft,
        key=_optional(keys(max_size=20)),
        type=_optional(st.sampled_from(DeploymentType)),
        connector=connector_references(),
        configurations=_tuples(deployment_configuration_applications(), 2),
        global_configuration=_optional(deployment_global_configurations()),
        region=st.sampled_from(Region),
    )


def _deployment_creators() -> st.SearchStrategy[DeploymentCreator]:
    return creators().map(lambda c: DeploymentCreator(**attrs.asdict(c, recurse=False)))


def deployment_connectors() -> st.SearchStrategy[DeploymentConnector]:
    """Connector snapshots with any combination of optional fields (the official examples omit three, Q8)."""
    return st.builds(
        DeploymentConnector,
        id=_ids,
        key=_optional(_ids),
        version=st.integers(1, 1_000),
        name=_texts,
        description=_optional(_texts),
        integration_types=_tuples(st.sampled_from(IntegrationType)),
        creator=_deployment_creators(),
        repository=repositories(),
        configurations=_optional(_tuples(configuration_applications(), 2)),
        global_configuration=_optional(
            st.builds(
                ConnectorGlobalConfiguration,
                standard_configuration=_optional(_tuples(_standard_keys, 2)),
                secured_configuration=_optional(_tuples(_secured_keys, 2)),
            )
        ),
        certified=st.booleans(),
        supported_regions=_optional(_tuples(st.sampled_from(Region))),
        documentation_url=_optional(_texts),
    )


def deployment_report_entries() -> st.SearchStrategy[DeploymentReportEntry]:
    """One entry of a build report."""
    return st.builds(
        DeploymentReportEntry,
        type=st.sampled_from(DeploymentReportEntryType),
        title=_texts,
        message=_optional(_texts),
        application=_optional(_texts),
        created_at=datetimes(),
    )


def deployment_reports() -> st.SearchStrategy[DeploymentReport]:
    """Build reports."""
    return st.builds(DeploymentReport, entries=_tuples(deployment_report_entries()))


_masked_values = _tuples(st.builds(ConfigurationValue, key=_texts, value=st.just(MASK)), 2)


def application_deployments() -> st.SearchStrategy[ApplicationDeployment]:
    """Deployed applications, secured values masked."""
    return st.builds(
        ApplicationDeployment,
        id=_ids,
        application_name=application_names(max_size=20),
        standard_configuration=_tuples(configuration_values(), 2),
        secured_configuration=_masked_values,
        url=_optional(_texts),
        topic=_optional(_texts),
        schedule=_optional(_texts),
    )


def deployments() -> st.SearchStrategy[Deployment]:
    """Deployments with any combination of fields, in any status, reachable or not; secured values masked."""
    return st.builds(
        Deployment,
        id=_ids,
        key=_optional(keys(max_size=20)),
        version=st.integers(1, 1_000),
        type=st.sampled_from(DeploymentType),
        connector=deployment_connectors(),
        global_configuration=_optional(deployment_global_configurations().map(masked_global)),
        api_client=_optional(st.builds(DeploymentApiClient, name=_texts, scopes=_tuples(_texts))),
        details=st.builds(
            DeploymentDetails,
            build=st.builds(DeploymentDetailsBuild, id=_ids, report=_optional(deployment_reports())),
        ),
        deployed_region=st.sampled_from(Region),
        applications=_tuples(application_deployments(), 3),
        preview=st.booleans(),
        status=st.sampled_from(DeploymentStatus),
    )


def deployment_paged_responses() -> st.SearchStrategy[DeploymentPagedQueryResponse]:
    """Pages of a Deployment query, ``count`` equal to the results' length."""
    return st.lists(deployments(), max_size=2).flatmap(
        lambda results: st.builds(
            DeploymentPagedQueryResponse,
            limit=st.integers(0, 500),
            offset=st.integers(0, 10_000),
            count=st.just(len(results)),
            total=st.integers(len(results), 100_000),
            results=st.just(tuple(results)),
        )
    )


def json_values() -> st.SearchStrategy[JsonValue]:
    """Any JSON value but ``null`` (a field the RAML types ``any``), as the codec keeps it."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(codec.INT64_MIN, codec.INT64_MAX),
        st.floats(allow_nan=False, allow_infinity=False),
        _texts,
    )
    values = st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_texts, inner, max_size=3), max_leaves=6
    )
    return values.filter(lambda v: v is not None).map(
        lambda v: JsonValue(text=json.dumps(v, ensure_ascii=False, separators=(",", ":")))
    )


def deployment_logs() -> st.SearchStrategy[DeploymentLog]:
    """Log entries of deployed applications."""
    return st.builds(
        DeploymentLog,
        type=st.sampled_from(DeploymentLogType),
        deployment_id=_ids,
        application_name=_texts,
        severity=st.sampled_from(DeploymentLogSeverity),
        timestamp=datetimes(),
        details=json_values(),
    )


def deployment_log_pages() -> st.SearchStrategy[DeploymentLogCursorPagedQueryResponse]:
    """Pages of logs, the last without ``next``."""
    return st.builds(DeploymentLogCursorPagedQueryResponse, data=_tuples(deployment_logs(), 2), next=_optional(_ids))


def redeploys(*, update_connector: bool | None = None) -> st.SearchStrategy[da.Redeploy]:
    """``redeploy`` actions, with and without values (``update_connector`` given: only that value)."""
    return st.builds(
        da.Redeploy,
        skip_scripts=_optional(st.booleans()),
        configuration_values=_optional(_tuples(deployment_configuration_applications(), 2)),
        global_configuration=_optional(deployment_global_configurations()),
        update_connector=_optional(st.booleans()) if update_connector is None else st.just(update_connector),
    )


def deployment_updates(*, max_actions: int = 3) -> st.SearchStrategy[da.DeploymentUpdate]:
    """Deployment update requests with up to *max_actions* actions."""
    return st.builds(
        da.DeploymentUpdate,
        version=st.integers(1, 1_000),
        actions=st.lists(redeploys(), max_size=max_actions).map(tuple),
    )


def _deployment_input_strategies() -> dict[type, st.SearchStrategy[Any]]:
    return {
        da.Redeploy: redeploys(),
        de.DeploymentStarted: st.just(de.DeploymentStarted()),
        de.DeploymentSucceeded: st.builds(de.DeploymentSucceeded, report=_optional(deployment_reports())),
        de.DeploymentFailed: st.builds(de.DeploymentFailed, report=deployment_reports()),
        da.Delete: st.just(da.Delete()),
        de.UndeploySucceeded: st.just(de.UndeploySucceeded()),
        de.UndeployFailed: st.builds(de.UndeployFailed, report=deployment_reports()),
    }


_DEPLOYMENT_INPUTS: dict[type, st.SearchStrategy[Any]] = _deployment_input_strategies()

#: The input classes of a Deployment, in the order of its table.
DEPLOYMENT_INPUT_KINDS: list[type] = list(_DEPLOYMENT_INPUTS)


def deployment_service_events() -> st.SearchStrategy[de.DeploymentServiceEvent]:
    """Any service event of a Deployment."""
    return st.one_of([_DEPLOYMENT_INPUTS[kind] for kind in get_args(de.DeploymentServiceEvent)])


def deployment_inputs_of(kind: type) -> st.SearchStrategy[Any]:
    """Inputs of one class of the Deployment's table (``DEPLOYMENT_INPUT_KINDS``): a redeploy, a delete, an event."""
    return _DEPLOYMENT_INPUTS[kind]


def deployment_inputs() -> st.SearchStrategy[de.DeploymentInput]:
    """Any input of the Deployment's reducer: ``redeploy``, ``Delete`` or a service event."""
    return st.one_of(list(_DEPLOYMENT_INPUTS.values()))


@st.composite
def deployable_staged(draw: st.DrawFn) -> ConnectorStaged:
    """A ConnectorStaged that ``DEPLOYING_PROJECT`` may deploy, as a preview and as a Connector, in every region.

    Any other field is any value; its applications have distinct names.
    """
    staged = draw(connector_staged(record=False))
    applications = draw(
        st.lists(configuration_applications(), min_size=1, max_size=3, unique_by=lambda a: a.application_name)
    )
    projects = tuple(f"{region.value}:{DEPLOYING_PROJECT}" for region in Region)
    return attrs.evolve(
        staged,
        configurations=tuple(applications),
        private_projects=(*staged.private_projects, *projects),
        supported_regions=(),
        is_previewable=IsPreviewable.TRUE,
        published_before=True,
    )


def _values_for(declared: tuple[Any, ...]) -> st.SearchStrategy[tuple[ConfigurationValue, ...]]:
    """Values for some of the keys *declared*."""
    if not declared:
        return st.just(())
    keys_ = st.sampled_from([key.key for key in declared])
    return _tuples(st.builds(ConfigurationValue, key=keys_, value=st.text(min_size=1, max_size=8)), 2)


@st.composite
def deployment_drafts_for(draw: st.DrawFn, staged: ConnectorStaged) -> DeploymentDraft:
    """A draft ``create_deployment`` accepts from ``DEPLOYING_PROJECT`` for *staged* (from ``deployable_staged``)."""
    preview = draw(st.booleans())
    allowed = [DeploymentType.PREVIEW] if preview else [DeploymentType.SANDBOX, DeploymentType.PRODUCTION]
    configurations = []
    for application in draw(st.lists(st.sampled_from(staged.configurations), max_size=3)):
        configurations.append(
            DeploymentConfigurationApplication(
                application_name=application.application_name,
                standard_configuration=draw(_values_for(application.standard_configuration)),
                secured_configuration=draw(_values_for(application.secured_configuration)),
                schedule=draw(_optional(_texts)),
            )
        )
    global_configuration = draw(_global_values_for(staged.global_configuration))
    reference = ConnectorReference(
        id=staged.id,
        staged=True if preview else draw(st.sampled_from([None, False])),
        version=draw(_optional(st.just(staged.version))),
    )
    return DeploymentDraft(
        key=draw(_optional(keys(max_size=20))),
        type=draw(_optional(st.sampled_from(allowed))),
        connector=reference,
        configurations=tuple(configurations),
        global_configuration=global_configuration,
        region=draw(st.sampled_from(Region)),
    )


def _global_values_for(declared: ConnectorGlobalConfiguration | None) -> st.SearchStrategy[Any]:
    """Global values that meet *declared*: every required key with a value that is not empty."""

    @st.composite
    def values(draw: st.DrawFn) -> DeploymentGlobalConfiguration | None:
        if declared is None:
            return None
        kinds = []
        for secured in (False, True):
            keys_ = (declared.secured_configuration if secured else declared.standard_configuration) or ()
            kinds.append(
                tuple(
                    ConfigurationValue(key=key.key, value=draw(st.text(min_size=1, max_size=8)))
                    for key in keys_
                    if key.required or draw(st.booleans())
                )
            )
        return DeploymentGlobalConfiguration(standard_configuration=kinds[0], secured_configuration=kinds[1])

    return values()


@st.composite
def redeploys_for(draw: st.DrawFn, deployment: Deployment) -> da.Redeploy:
    """A ``redeploy`` whose values fit *deployment* (its applications, the keys its snapshot declares).

    Without ``updateConnector``; the status decides whether it is accepted.
    """
    declared = {a.application_name: a for a in deployment.connector.configurations or ()}
    values = None
    give_values = draw(st.booleans())
    if deployment.applications and give_values:
        entries = []
        for application in draw(st.lists(st.sampled_from(deployment.applications), min_size=1, max_size=2)):
            declaration = declared.get(application.application_name)
            standard = declaration.standard_configuration if declaration else ()
            secured = declaration.secured_configuration if declaration else ()
            entries.append(
                DeploymentConfigurationApplication(
                    application_name=application.application_name,
                    standard_configuration=draw(_values_for(standard)),
                    secured_configuration=draw(_values_for(secured)),
                    schedule=draw(_optional(_texts)),
                )
            )
        values = tuple(entries)
    global_configuration = None
    if draw(st.booleans()):
        global_configuration = draw(_global_values_for(deployment.connector.global_configuration))
    return da.Redeploy(
        skip_scripts=draw(_optional(st.booleans())),
        configuration_values=values,
        global_configuration=global_configuration,
    )


def _deployment_target(deployment: Deployment, staged: ConnectorStaged) -> ConnectorStaged | Connector:
    return staged if deployment.type is DeploymentType.PREVIEW else connector_snapshot(staged)


@st.composite
def reachable_deployments(draw: st.DrawFn, *, max_steps: int = 8) -> Deployment:
    """Deployments in states the reducer reaches from ``create_deployment``, and only those.

    Built by creating one from a generated connector and draft, then running
    the reducer on generated inputs (refused ones are skipped; an input that
    removes the Deployment ends the walk before it), never by setting fields.
    """
    staged = draw(deployable_staged())
    draft = draw(deployment_drafts_for(staged))
    id_ = draw(_ids)
    created = create_deployment(
        draft,
        staged,
        project=DEPLOYING_PROJECT,
        id=id_,
        build_id=draw(_ids),
        application_ids=[f"{id_}-{n}" for n in range(len(staged.configurations))],
        connector=connector_snapshot(staged),
        owner=_OWNER,
    )
    assert isinstance(created, Deployment), created
    deployment = created
    target = _deployment_target(deployment, staged)
    for _ in range(draw(st.integers(0, max_steps))):
        accepted = [kind for kind in DEPLOYMENT_INPUT_KINDS if dl.accepts(deployment, kind)]
        # Mostly an input the status accepts, so that every status is reached; sometimes any input.
        guided = bool(accepted) and draw(st.integers(0, 3)) > 0
        kind = draw(st.sampled_from(accepted if guided else DEPLOYMENT_INPUT_KINDS))
        result = apply_deployment(deployment, draw(_DEPLOYMENT_INPUTS[kind]), target=target)
        if isinstance(result, Deployment):
            deployment = result
    return deployment


# --- Deployments of a given connector: fitting it, or missing one check -----------------

#: How every secured value that ``deployment_drafts_near`` and ``redeploys_near`` send begins, so that
#: a secret stands out in whatever a system shows (it must show ``"****"``). Hypothesis may repeat a
#: text of an example elsewhere in it: a test that looks for secrets in other fields makes them unique.
SECRET_PREFIX: Final = "secret-"
#: The keys ``deployment_drafts_near`` gives Deployments by default: few, so that a project's keys collide.
DEPLOYMENT_KEYS: Final = ("blue", "green")

# Few names, so that two versions of a connector share some applications and keys, and lose others.
_application_names = st.sampled_from(("service", "events", "nightly", "assets")) | application_names(max_size=8)
_key_names = st.sampled_from(("API_URL", "REGION", "TOKEN", "LEVEL")) | st.text(
    string.ascii_uppercase + "_", min_size=1, max_size=6
)
_value_texts = st.text(min_size=1, max_size=8)
_secret_texts = st.text(max_size=6).map(lambda text: SECRET_PREFIX + text)


_required = st.sampled_from((True, False, None))


def _standard_declarations(*, min_size: int = 0) -> st.SearchStrategy[tuple[StandardConfigurationKey, ...]]:
    key = st.builds(
        StandardConfigurationKey,
        key=_key_names,
        description=_texts,
        default=_optional(_value_texts),
        required=_required,
    )
    return st.lists(key, min_size=min_size, max_size=3, unique_by=lambda k: k.key).map(tuple)


def _secured_declarations(*, min_size: int = 0) -> st.SearchStrategy[tuple[SecuredConfigurationKey, ...]]:
    key = st.builds(SecuredConfigurationKey, key=_key_names, description=_texts, required=_required)
    return st.lists(key, min_size=min_size, max_size=2, unique_by=lambda k: k.key).map(tuple)


def deployable_configurations(*, max_size: int = 3) -> st.SearchStrategy[tuple[ConnectorConfigurationApplication, ...]]:
    """What a ``connect.yaml`` declares for a deployable connector: 1 to *max_size* applications.

    The applications have distinct names, mostly among a few (so that two
    versions of a connector share some and lose others); each declares a key
    once per kind, required or not, some standard keys with a default. For
    ``PreviewGranted`` and ``PublishingSucceeded``, which bring them.
    """
    application = st.builds(
        ConnectorConfigurationApplication,
        application_name=_application_names,
        application_type=st.sampled_from(ApplicationType),
        standard_configuration=_standard_declarations(),
        secured_configuration=_secured_declarations(),
    )
    return st.lists(application, min_size=1, max_size=max_size, unique_by=lambda a: a.application_name).map(tuple)


def global_declarations() -> st.SearchStrategy[ConnectorGlobalConfiguration]:
    """The global keys a connector declares (``globalConfiguration``): standard and secured, required or not."""
    return st.builds(
        ConnectorGlobalConfiguration,
        standard_configuration=_optional(_standard_declarations(min_size=1)),
        secured_configuration=_optional(_secured_declarations(min_size=1)),
    )


def _unknown(names: Any) -> st.SearchStrategy[str]:
    """A name among the usual ones that is not in *names*."""
    taken = set(names)
    return (_key_names | _application_names).filter(lambda name: name not in taken)


@st.composite
def _values(draw: st.DrawFn, declared: Any, *, secured: bool) -> tuple[ConfigurationValue, ...]:
    """Values for some of the keys *declared* (each at most once), a secret's beginning with SECRET_PREFIX."""
    chosen = draw(st.lists(st.sampled_from([key.key for key in declared]), unique=True)) if declared else []
    texts = _secret_texts if secured else _value_texts
    return tuple(ConfigurationValue(key=key, value=draw(texts)) for key in chosen)


@st.composite
def _entry(draw: st.DrawFn, declaration: ConnectorConfigurationApplication | None, name: str) -> Any:
    """The values of one application, for the keys *declaration* declares (none without one)."""
    return DeploymentConfigurationApplication(
        application_name=name,
        standard_configuration=draw(_values(declaration.standard_configuration if declaration else (), secured=False)),
        secured_configuration=draw(_values(declaration.secured_configuration if declaration else (), secured=True)),
        schedule=draw(_optional(st.sampled_from(["0 * * * *", "*/5 * * * *"]))),
    )


@st.composite
def _with_unknown_key(draw: st.DrawFn, entry: DeploymentConfigurationApplication, declared: Any) -> Any:
    """*entry* with one more value, for a key its application does not declare (standard or secured)."""
    secured = draw(st.booleans())
    names = {key.key for key in (declared.secured_configuration if secured else declared.standard_configuration)}
    extra = ConfigurationValue(key=draw(_unknown(names)), value=draw(_secret_texts if secured else _value_texts))
    if secured:
        return attrs.evolve(entry, secured_configuration=(*entry.secured_configuration, extra))
    return attrs.evolve(entry, standard_configuration=(*entry.standard_configuration, extra))


_MISSES: Final = ("application", "key", "global key", "missing global", "empty global")
# No miss, or one: about one request in three misses.
_misses: st.SearchStrategy[str | None] = st.sampled_from((None,) * 10 + _MISSES)


@st.composite
def _global_near(draw: st.DrawFn, declared: ConnectorGlobalConfiguration | None, miss: str | None) -> Any:
    """Global values for *declared*: every required key and some others, or missing as *miss* says.

    ``None`` (no global values) when nothing is declared and nothing is to miss.
    """
    kinds: list[list[ConfigurationValue]] = []
    for secured in (False, True):
        keys_ = (declared.secured_configuration if secured else declared.standard_configuration) if declared else None
        texts = _secret_texts if secured else _value_texts
        kinds.append(
            [ConfigurationValue(key=k.key, value=draw(texts)) for k in keys_ or () if k.required or draw(st.booleans())]
        )
    required = [
        (kind, index) for kind in (0, 1) for index, v in enumerate(kinds[kind]) if _is_required(declared, kind, v.key)
    ]
    if miss in ("missing global", "empty global") and required:
        kind, index = draw(st.sampled_from(required))
        if miss == "missing global":
            del kinds[kind][index]
        else:
            kinds[kind][index] = ConfigurationValue(key=kinds[kind][index].key, value="")
    elif miss == "global key":
        kind = draw(st.sampled_from((0, 1)))
        declared_keys = (
            (declared.secured_configuration if kind else declared.standard_configuration) if declared else None
        )
        extra = draw(_unknown({k.key for k in declared_keys or ()}))
        kinds[kind].append(ConfigurationValue(key=extra, value=draw(_secret_texts if kind else _value_texts)))
    elif declared is None:
        return None
    return DeploymentGlobalConfiguration(standard_configuration=tuple(kinds[0]), secured_configuration=tuple(kinds[1]))


def _is_required(declared: ConnectorGlobalConfiguration | None, kind: int, key: str) -> bool:
    keys_ = (declared.secured_configuration if kind else declared.standard_configuration) if declared else None
    return any(k.key == key and k.required for k in keys_ or ())


@st.composite
def _configuration_values_near(
    draw: st.DrawFn,
    names: Any,
    declared: tuple[ConnectorConfigurationApplication, ...],
    miss: str | None,
    *,
    min_size: int = 0,
) -> tuple[DeploymentConfigurationApplication, ...]:
    """Values for some of the applications *names* (at least *min_size*), against *declared*; missing as *miss* says."""
    by_name = {d.application_name: d for d in declared}
    chosen = draw(st.lists(st.sampled_from(sorted(names)), min_size=min_size, max_size=3)) if names else []
    entries = [draw(_entry(by_name.get(name), name)) for name in chosen]
    if miss == "application":
        entries.insert(draw(st.integers(0, len(entries))), draw(_entry(None, draw(_unknown(names)))))
    elif miss == "key" and entries:
        index = draw(st.integers(0, len(entries) - 1))
        declaration = by_name.get(entries[index].application_name)
        if declaration is not None:
            entries[index] = draw(_with_unknown_key(entries[index], declaration))
    return tuple(entries)


@st.composite
def deployment_drafts_near(
    draw: st.DrawFn,
    staged: ConnectorStaged,
    *,
    connector: Connector | None = None,
    keys: tuple[str, ...] = DEPLOYMENT_KEYS,
    regions: tuple[Region, ...] = tuple(Region),
) -> DeploymentDraft:
    """A draft that names *staged* and fits it, or misses one create check.

    - The reference: by id, or by key when *staged* has one; it names the
      ConnectorStaged (a preview) or its production Connector, *connector*
      (``None``: never published, and then mostly a preview); its version is
      absent, the current one, or another.
    - The type: absent, or any (a staged reference with ``sandbox`` too).
    - The region: one of *regions* (default: any).
    - The values, against the applications and the global keys of the
      connector named (the ConnectorStaged's for a preview, else the
      Connector's): they fit, or (about one draft in three) miss one check:
      an application it does not have, a key an application does not declare,
      a global key it does not declare, a required global key left out or
      given as ``""``. Required application keys may be left out (create
      accepts them; the build fails on them).
    - The key: absent, or one of *keys*.

    Every secured value begins with ``SECRET_PREFIX``.
    """
    # Mostly a preview of a connector never published, whose Connector does not exist.
    preview = draw(st.booleans() if connector is not None else st.sampled_from([True, True, True, False]))
    target: ConnectorStaged | Connector = staged if preview or connector is None else connector
    miss = draw(_misses)
    declared = tuple(target.configurations or ())
    allowed = [DeploymentType.PREVIEW] if preview else [DeploymentType.SANDBOX, DeploymentType.PRODUCTION]
    by_key = staged.key is not None and draw(st.booleans())
    reference = ConnectorReference(
        id=None if by_key else staged.id,
        key=staged.key if by_key else None,
        staged=True if preview else draw(st.sampled_from([None, False])),
        version=draw(st.sampled_from([None, None, None, target.version, target.version, target.version + 1])),
    )
    return DeploymentDraft(
        key=draw(st.sampled_from(keys) | st.none()) if keys else None,
        type=draw(st.none() | st.sampled_from(allowed) | st.sampled_from(DeploymentType)),
        connector=reference,
        configurations=draw(_configuration_values_near([d.application_name for d in declared], declared, miss)),
        global_configuration=draw(_global_near(target.global_configuration, miss)),
        region=draw(st.sampled_from(regions)),
    )


@st.composite
def redeploys_near(
    draw: st.DrawFn, deployment: Deployment, *, target: ConnectorStaged | Connector | None = None
) -> da.Redeploy:
    """A ``redeploy`` of *deployment* whose values fit it, or miss one of redeploy's checks.

    ``updateConnector`` is true only with *target* (the connector
    *deployment* deploys, at its current version), and the values are then
    judged against *target*, else against the Deployment's snapshot.
    ``configurationValues``: absent, ``[]`` (refused), or values for some of
    the Deployment's applications with the keys the connector declares; a
    miss (about one redeploy in three): an application the Deployment does not
    have, an undeclared key, or global values that miss as
    ``deployment_drafts_near``'s do. Every secured value begins with
    ``SECRET_PREFIX``.
    """
    update_connector = (
        draw(st.sampled_from([None, False, True])) if target is not None else draw(st.sampled_from([None, False]))
    )
    judged: Any = target if update_connector else deployment.connector
    declared = tuple(judged.configurations or ())
    miss = draw(_misses)
    values: tuple[DeploymentConfigurationApplication, ...] | None = None
    # The first choice is the one Hypothesis leans towards: values, rather than [].
    choice = draw(st.sampled_from(["given", "absent", "given", "absent", "given", "[]"]))
    if choice == "[]":
        values = ()
    elif choice == "given" or miss in ("application", "key"):
        names = [application.application_name for application in deployment.applications]
        values = draw(_configuration_values_near(names, declared, miss, min_size=1))
    global_configuration = None
    if draw(st.booleans()) or miss in ("global key", "missing global", "empty global"):
        global_configuration = draw(_global_near(judged.global_configuration, miss))
    return da.Redeploy(
        skip_scripts=draw(_optional(st.booleans())),
        configuration_values=values,
        global_configuration=global_configuration,
        update_connector=update_connector,
    )


def register() -> None:
    """Let ``st.from_type`` build every entity, action and request of the library.

    Hypothesis calls it through the package's ``hypothesis`` entry point when
    it is imported, so an installed package needs no call; running from a
    source tree that is not installed, call it once (a conftest.py will do).
    """
    for kind, strategy in _INPUTS.items():
        st.register_type_strategy(kind, strategy)
    # A ResourceNotFound names exactly one of its id and its key.
    text = st.text(min_size=1, max_size=8)
    st.register_type_strategy(
        ResourceNotFound, st.builds(ResourceNotFound, id=text) | st.builds(ResourceNotFound, key=text)
    )
    for cls, factory in (
        (Creator, creators),
        (Repository, repositories),
        (ConnectorReport, reports),
        (ConnectorConfigurationApplication, configuration_applications),
        (CertificationInfo, certification_infos),
        (CertificationInfoComment, certification_comments),
        (ConnectorReportEntry, report_entries),
        (Connector, connectors),
        (ConnectorStagedDraft, drafts),
        (ConnectorStaged, reachable_staged),
        (a.ConnectorUpdate, updates),
        (ConnectorStagedPagedQueryResponse, paged_responses),
        (ConfigurationValue, configuration_values),
        (DeploymentConfigurationApplication, deployment_configuration_applications),
        (DeploymentGlobalConfiguration, deployment_global_configurations),
        (ConnectorReference, connector_references),
        (DeploymentDraft, deployment_drafts),
        (DeploymentCreator, _deployment_creators),
        (DeploymentConnector, deployment_connectors),
        (DeploymentReport, deployment_reports),
        (DeploymentReportEntry, deployment_report_entries),
        (ApplicationDeployment, application_deployments),
        (Deployment, reachable_deployments),
        (DeploymentPagedQueryResponse, deployment_paged_responses),
        (JsonValue, json_values),
        (DeploymentLog, deployment_logs),
        (DeploymentLogCursorPagedQueryResponse, deployment_log_pages),
        (da.DeploymentUpdate, deployment_updates),
    ):
        st.register_type_strategy(cls, st.deferred(factory))
    for kind, strategy in _DEPLOYMENT_INPUTS.items():
        st.register_type_strategy(kind, strategy)


def _hypothesis_setup_hook() -> None:
    """The ``hypothesis`` entry point (Hypothesis' documented plugin hook): register the strategies."""
    register()
