"""Rules of the Deployment's reducer and codec, for every generated connector, draft, deployment and input."""

from __future__ import annotations

import json
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from connector_domain import codec, errors
from connector_domain.access import connector_snapshot
from connector_domain.deployment import (
    GONE,
    MASK,
    ConfigurationValue,
    Deployment,
    DeploymentDraft,
    DeploymentInput,
    DeploymentLogCursorPagedQueryResponse,
    DeploymentPagedQueryResponse,
    DeploymentReport,
    DeploymentServiceEvent,
    DeploymentStarted,
    DeploymentStatus,
    DeploymentSucceeded,
    DeploymentUpdate,
    Redeploy,
    UndeployFailed,
    apply_deployment,
    apply_deployment_update,
    create_deployment,
    lifecycle,
)
from connector_domain.deployment.reducer import Target
from connector_domain.model import Connector, ConnectorStaged
from connector_domain.testing import strategies as cds
from tests.conftest import heavy
from tests.official_schema import validate

#: What create may answer besides a Deployment (deployments.md, Create; step 8 is the store's).
CREATE_ERRORS = {
    errors.ConnectorReferenceNotFound,
    errors.DeploymentInvalidType,
    errors.ConnectorStagedNotPreviewable,
    errors.DeploymentUnsupportedRegion,
    errors.DeploymentProductionDeactivated,
    errors.DeploymentApplicationRequired,
    errors.DeploymentUnknownApplicationConfiguration,
    errors.DeploymentUnknownApplicationConfigurationKey,
    errors.DeploymentUnknownGlobalConfigurationKey,
    errors.DeploymentMissingGlobalConfigurationKey,
    errors.DeploymentEmptyRequiredGlobalConfigurationKey,
}
#: What an input may answer besides a Deployment or GONE (the table, then redeploy's checks).
APPLY_ERRORS = {
    errors.InvalidDeploymentOperation,
    errors.DeploymentInvalidStatusTransition,
    errors.DeploymentApplicationRequired,
    errors.DeploymentApplicationDoNotBelong,
    errors.DeploymentUnknownApplicationConfigurationKey,
    errors.DeploymentUnknownGlobalConfigurationKey,
    errors.DeploymentMissingGlobalConfigurationKey,
    errors.DeploymentEmptyRequiredGlobalConfigurationKey,
    errors.DeploymentConnectorUpdateFailure,
}

PROJECT = cds.DEPLOYING_PROJECT


def _consistent_target(deployment: Deployment, staged: ConnectorStaged) -> Target:
    """A connector *deployment* may move to: *staged* under the deployment's connector id, or its Connector."""
    staged = attrs.evolve(staged, id=deployment.connector.id)
    return staged if deployment.type.value == "preview" else connector_snapshot(staged)


def _create(draft: DeploymentDraft, staged: ConnectorStaged, connector: Connector | None, **kw: Any) -> Any:
    target = staged if draft.connector.staged else connector
    count = len(target.configurations or ()) if target is not None else 0
    return create_deployment(
        draft,
        staged,
        project=PROJECT,
        id="deployment-0123",
        build_id="build-1",
        application_ids=[f"app-{n}" for n in range(count)],
        connector=connector,
        **kw,
    )


def _secured_values(wire: Any) -> list[Any]:
    """Every secured value of a Deployment's wire form: its applications', and its global ones.

    (The connector snapshot's ``securedConfiguration`` declares keys; it has no values.)
    """
    found = [item["value"] for application in wire["applications"] for item in application["securedConfiguration"]]
    return found + [item["value"] for item in wire.get("globalConfiguration", {}).get("securedConfiguration", [])]


@st.composite
def _any_staged_and_connector(draw: st.DrawFn) -> tuple[ConnectorStaged, Connector | None]:
    staged = draw(st.one_of(cds.connector_staged(), cds.deployable_staged()))
    connector = draw(st.one_of(st.none(), st.just(connector_snapshot(staged))))
    return staged, connector


@st.composite
def _fitting_drafts(draw: st.DrawFn) -> tuple[DeploymentDraft, ConnectorStaged, Connector]:
    """A deployable connector and a draft that fits it, its secured values unlike any other text drawn."""
    staged = draw(cds.deployable_staged())
    draft = draw(cds.deployment_drafts_for(staged))
    # Longer than any generated text, and with a character no pattern allows: it can come from nowhere else.
    secret = iter(f"clear§secret§{n}" for n in range(1000))
    configurations = tuple(
        attrs.evolve(
            values,
            secured_configuration=tuple(
                ConfigurationValue(key=v.key, value=next(secret)) for v in values.secured_configuration
            ),
        )
        for values in draft.configurations
    )
    global_configuration = draft.global_configuration
    if global_configuration is not None and global_configuration.secured_configuration:
        global_configuration = attrs.evolve(
            global_configuration,
            secured_configuration=tuple(
                ConfigurationValue(key=v.key, value=next(secret)) for v in global_configuration.secured_configuration
            ),
        )
    return (
        attrs.evolve(draft, configurations=configurations, global_configuration=global_configuration),
        staged,
        connector_snapshot(staged),
    )


class TestCreate:
    """``create_deployment`` for any connector and draft."""

    @heavy
    @given(pair=_any_staged_and_connector(), draft=cds.deployment_drafts(), enabled=st.booleans())
    def test_answers_a_deployment_or_a_documented_error(
        self, pair: tuple[ConnectorStaged, Connector | None], draft: DeploymentDraft, enabled: bool
    ) -> None:
        """Nothing raises; a refusal is one of the Create checks' errors."""
        staged, connector = pair
        result = _create(draft, staged, connector, production_enabled=enabled)
        assert isinstance(result, Deployment) or type(result) in CREATE_ERRORS, result

    @heavy
    @given(fitting=_fitting_drafts())
    def test_a_fitting_draft_is_accepted(self, fitting: tuple[DeploymentDraft, ConnectorStaged, Connector]) -> None:
        """A draft that fits a deployable connector makes a valid Deployment: version 1, Queued, one app each."""
        draft, staged, connector = fitting
        result = _create(draft, staged, connector)
        assert isinstance(result, Deployment), result
        attrs.validate(result)
        assert (result.version, result.status, result.deployed_region) == (1, DeploymentStatus.QUEUED, draft.region)
        assert [a.application_name for a in result.applications] == [a.application_name for a in staged.configurations]
        assert result.preview == (result.type.value == "preview")

    @heavy
    @given(fitting=_fitting_drafts())
    def test_no_clear_secret_leaves_the_library(
        self, fitting: tuple[DeploymentDraft, ConnectorStaged, Connector]
    ) -> None:
        """The draft's secured values appear in no read form of the Deployment: wire, record, text or repr."""
        draft, staged, connector = fitting
        result = _create(draft, staged, connector)
        assert isinstance(result, Deployment)
        text = codec.dumps(result) + json.dumps(codec.to_record(result)) + repr(result) + str(result)
        assert "clear§secret" not in text
        assert set(_secured_values(codec.to_wire(result))) <= {MASK}


class TestApply:
    """``apply_deployment`` and ``apply_deployment_update`` for any deployment and input."""

    @heavy
    @given(deployment=cds.deployments(), event=cds.deployment_inputs(), staged=cds.connector_staged())
    def test_answers_a_deployment_gone_or_a_documented_error(
        self, deployment: Deployment, event: DeploymentInput, staged: ConnectorStaged
    ) -> None:
        """Nothing raises for a deployment in any state; a refusal is one of the documented errors."""
        result = apply_deployment(deployment, event, target=_consistent_target(deployment, staged))
        assert isinstance(result, Deployment) or result is GONE or type(result) in APPLY_ERRORS, result
        if isinstance(result, Deployment) and result is not deployment:
            attrs.validate(result)

    @heavy
    @given(deployment=cds.reachable_deployments(), event=cds.deployment_inputs(), staged=cds.connector_staged())
    def test_an_accepted_input_adds_one_and_a_refused_one_changes_nothing(
        self, deployment: Deployment, event: DeploymentInput, staged: ConnectorStaged
    ) -> None:
        """Accepted: version + 1 (every accepted input moves the status) or GONE; refused: an error, nothing else."""
        before = codec.to_wire(deployment)
        result = apply_deployment(deployment, event, target=_consistent_target(deployment, staged))
        moved = lifecycle.target(deployment, event)
        if isinstance(result, errors.DomainError):
            assert codec.to_wire(deployment) == before
        elif result is GONE:
            assert moved is GONE
        else:
            assert isinstance(result, Deployment)
            assert result.version == deployment.version + 1
            assert result.status is moved

    @heavy
    @given(deployment=cds.reachable_deployments(), update=cds.deployment_updates(), staged=cds.connector_staged())
    def test_an_update_is_the_fold_of_its_actions(
        self, deployment: Deployment, update: DeploymentUpdate, staged: ConnectorStaged
    ) -> None:
        """Stale: ConcurrentModification. Else the first refusal of its actions, applied one at a time, or
        the result with exactly one added to the version (none for an empty request)."""
        target = _consistent_target(deployment, staged)
        update = attrs.evolve(update, version=deployment.version)
        result = apply_deployment_update(deployment, update, target=target)
        current: Any = deployment
        for action in update.actions:
            current = apply_deployment(current, action, target=target)
            if isinstance(current, errors.DomainError):
                assert result == current
                return
            assert isinstance(current, Deployment)
        if not update.actions:
            assert result is deployment
        else:
            assert isinstance(result, Deployment)
            assert result.version == deployment.version + 1
            assert attrs.evolve(result, version=current.version) == current

    @heavy
    @given(deployment=cds.reachable_deployments(), update=cds.deployment_updates())
    def test_a_stale_version_is_refused_first(self, deployment: Deployment, update: DeploymentUpdate) -> None:
        """A version other than the resource's is ConcurrentModification, whatever the actions."""
        update = attrs.evolve(update, version=deployment.version + 1)
        actions = tuple(attrs.evolve(a, update_connector=None) for a in update.actions)
        result = apply_deployment_update(deployment, attrs.evolve(update, actions=actions))
        assert isinstance(result, errors.ConcurrentModification)

    @heavy
    @given(deployment=cds.reachable_deployments(), data=st.data())
    def test_an_accepted_redeploy_adds_exactly_one(self, deployment: Deployment, data: st.DataObject) -> None:
        """The version rule: a fitting redeploy, once the service has answered, is accepted and adds exactly 1.

        It sets Queued, clears the report, and keeps every application it does not name.
        """
        deployment = _until_redeployable(deployment)
        action = data.draw(cds.redeploys_for(deployment))
        result = apply_deployment_update(deployment, DeploymentUpdate(version=deployment.version, actions=(action,)))
        assert isinstance(result, Deployment), result
        assert result.version == deployment.version + 1
        assert result.status is DeploymentStatus.QUEUED and result.details.build.report is None
        named = {values.application_name for values in action.configuration_values or ()}
        for before, after in zip(deployment.applications, result.applications, strict=True):
            assert before.application_name == after.application_name
            if before.application_name not in named:
                assert after == before


#: The service's answer in each status that refuses a redeploy (the way to a status that accepts one).
_ANSWERS: dict[DeploymentStatus, DeploymentInput] = {
    DeploymentStatus.QUEUED: DeploymentStarted(),
    DeploymentStatus.DEPLOYING: DeploymentSucceeded(),
    DeploymentStatus.UNDEPLOYING: UndeployFailed(report=DeploymentReport(entries=())),
}


def _until_redeployable(deployment: Deployment) -> Deployment:
    """*deployment* after the service's answers, up to a status that accepts a redeploy."""
    while not lifecycle.accepts(deployment, Redeploy):
        result = apply_deployment(deployment, _ANSWERS[deployment.status])
        assert isinstance(result, Deployment)
        deployment = result
    return deployment


class TestMasking:
    """Every read form of every Deployment shows each secured value as "****"."""

    @heavy
    @given(deployment=st.one_of(cds.reachable_deployments(), cds.deployments()))
    def test_every_secured_value_is_masked(self, deployment: Deployment) -> None:
        """In the entity, its wire form and its record form, every secured value is "****"."""
        assert set(_secured_values(codec.to_wire(deployment))) <= {MASK}
        assert set(_secured_values(codec.to_record(deployment))) <= {MASK}

    @heavy
    @given(deployment=cds.reachable_deployments(), data=st.data())
    def test_a_redeploy_masks_what_it_takes(self, deployment: Deployment, data: st.DataObject) -> None:
        """The values an accepted redeploy sends are masked in the Deployment it makes."""
        deployment = _until_redeployable(deployment)
        result = apply_deployment(deployment, data.draw(cds.redeploys_for(deployment)))
        assert isinstance(result, Deployment)
        assert set(_secured_values(codec.to_wire(result))) <= {MASK}

    @given(deployment=cds.deployments(), clear=st.text(min_size=1, max_size=8).filter(lambda v: v != MASK))
    def test_a_clear_secret_cannot_be_put_into_a_deployment(self, deployment: Deployment, clear: str) -> None:
        """Building a Deployment or an application with a clear secured value raises ValueError."""
        for application in deployment.applications:
            if application.secured_configuration:
                value = ConfigurationValue(key=application.secured_configuration[0].key, value=clear)
                try:
                    attrs.evolve(application, secured_configuration=(value,))
                except ValueError as exc:
                    assert "never in clear" in str(exc)
                else:
                    raise AssertionError("a clear secured value was accepted")

    @heavy
    @given(deployment=st.one_of(cds.reachable_deployments(), cds.deployments()), clear=st.text(max_size=8))
    def test_the_codec_masks_what_it_reads(self, deployment: Deployment, clear: str) -> None:
        """A Deployment document whose secured values are in clear reads as the masked Deployment."""
        wire = codec.to_wire(deployment)
        for application in wire["applications"]:
            for item in application["securedConfiguration"]:
                item["value"] = clear
        assert codec.from_wire(wire, Deployment) == deployment


class TestWire:
    """Every generated value round-trips, and what the reducer reaches is of the official type."""

    @given(
        value=st.one_of(
            cds.deployments(),
            cds.deployment_drafts(),
            cds.deployment_updates(),
            cds.deployment_paged_responses(),
            cds.deployment_log_pages(),
        )
    )
    def test_round_trip(self, value: Any) -> None:
        """``from_wire(to_wire(x))`` is ``x``, and ``loads(dumps(x))`` too."""
        cls = type(value)
        assert codec.from_wire(codec.to_wire(value), cls) == value
        assert codec.loads(codec.dumps(value), cls) == value

    @given(event=cds.deployment_service_events())
    def test_service_events_round_trip(self, event: DeploymentServiceEvent) -> None:
        """Service events round-trip through their tagged form."""
        assert codec.from_wire(codec.to_wire(event), DeploymentServiceEvent) == event

    @heavy
    @given(deployment=cds.reachable_deployments())
    def test_reachable_deployments_are_of_the_official_type(self, deployment: Deployment) -> None:
        """What the reducer reaches, written by the codec, is a valid Deployment of the reference's schema."""
        validate("Deployment", codec.to_wire(deployment))

    @heavy
    @given(page=cds.deployment_paged_responses(), logs=cds.deployment_log_pages())
    def test_pages_are_of_the_official_type(
        self, page: DeploymentPagedQueryResponse, logs: DeploymentLogCursorPagedQueryResponse
    ) -> None:
        """Generated pages are valid official pages (a logs page with ``next``: the schema requires it)."""
        validate("DeploymentPagedQueryResponse", codec.to_wire(page))
        if logs.next is not None:
            validate("DeploymentLogCursorPagedQueryResponse", codec.to_wire(logs))
