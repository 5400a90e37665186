"""What a Deployment's build decides from the Deployment alone (``deployment.build``), by example and by property.

``missing_values`` finds the required application keys with no value (the
build fails on them), ``failure_report`` is the report of that failure,
``started_logs`` the log entries of a start. The examples use a connector
whose ``service`` application declares every kind of key: required, required
with a default, optional, standard and secured.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_domain import codec
from connector_domain.access import connector_snapshot
from connector_domain.deployment import (
    MASK,
    ConfigurationValue,
    ConnectorReference,
    Deployment,
    DeploymentConfigurationApplication,
    DeploymentDraft,
    create_deployment,
)
from connector_domain.deployment.build import MISSING_TITLE, Missing, failure_report, missing_values, started_logs
from connector_domain.deployment.model import (
    ApplicationDeployment,
    DeploymentDetails,
    DeploymentDetailsBuild,
    DeploymentLogSeverity,
    DeploymentLogType,
    DeploymentReportEntryType,
)
from connector_domain.model import (
    ApplicationType,
    ConnectorConfigurationApplication,
    ConnectorStaged,
    IsPreviewable,
    Region,
    SecuredConfigurationKey,
    StandardConfigurationKey,
)
from connector_domain.testing import strategies as cds
from tests.conftest import fixture
from tests.official_schema import validate

AT = datetime(2024, 3, 1, 12, 0, 0, 125000, tzinfo=UTC)
PROJECT = "my-project"
OWNER = f"europe-west1.gcp:{PROJECT}"

SERVICE = ConnectorConfigurationApplication(
    application_name="service-app",
    application_type=ApplicationType.SERVICE,
    standard_configuration=(
        StandardConfigurationKey(key="STD_REQUIRED", description="d", required=True),
        StandardConfigurationKey(key="STD_DEFAULTED", description="d", default="fallback", required=True),
        StandardConfigurationKey(key="STD_OPTIONAL", description="d"),
        StandardConfigurationKey(key="STD_NOT_REQUIRED", description="d", required=False),
    ),
    secured_configuration=(
        SecuredConfigurationKey(key="SEC_REQUIRED", description="d", required=True),
        SecuredConfigurationKey(key="SEC_OPTIONAL", description="d"),
    ),
)
EVENT = ConnectorConfigurationApplication(
    application_name="event-app",
    application_type=ApplicationType.EVENT,
    standard_configuration=(StandardConfigurationKey(key="TOPIC_KEY", description="d", required=True),),
    secured_configuration=(),
)
JOB = ConnectorConfigurationApplication(
    application_name="job-app",
    application_type=ApplicationType.JOB,
    standard_configuration=(),
    secured_configuration=(),
)

STAGED = attrs.evolve(
    codec.from_wire(fixture("staged.json"), ConnectorStaged),
    id="con-1",
    key="connector-key",
    private=True,
    private_projects=(OWNER,),
    supported_regions=(),
    is_previewable=IsPreviewable.TRUE,
    published_before=True,
    configurations=(SERVICE, EVENT, JOB),
    global_configuration=None,
)


def _values(name: str, standard: dict[str, str] | None = None, secured: dict[str, str] | None = None) -> Any:
    return DeploymentConfigurationApplication(
        application_name=name,
        standard_configuration=tuple(ConfigurationValue(key=k, value=v) for k, v in (standard or {}).items()),
        secured_configuration=tuple(ConfigurationValue(key=k, value=v) for k, v in (secured or {}).items()),
    )


def deployed(*configurations: DeploymentConfigurationApplication) -> Deployment:
    """A Deployment of STAGED, as create_deployment makes it, with *configurations* as the draft's values."""
    draft = DeploymentDraft(
        connector=ConnectorReference(id=STAGED.id),
        configurations=configurations,
        region=Region.EUROPE_WEST1_GCP,
    )
    result = create_deployment(
        draft,
        STAGED,
        project=PROJECT,
        id="dep-1",
        build_id="build-1",
        application_ids=["app-1", "app-2", "app-3"],
        connector=connector_snapshot(STAGED),
        owner=OWNER,
    )
    assert isinstance(result, Deployment), result
    return result


FULL = (
    _values("service-app", {"STD_REQUIRED": "v"}, {"SEC_REQUIRED": "s3cr3t"}),
    _values("event-app", {"TOPIC_KEY": "t"}),
)


class TestMissingValues:
    def test_a_deployment_with_every_required_value_misses_nothing(self) -> None:
        """Every required key without a default has a value: nothing is missing."""
        assert missing_values(deployed(*FULL)) == ()

    def test_every_required_key_without_a_value_is_missing_in_the_connectors_order(self) -> None:
        """No values at all: the required keys, application by application, standard before secured."""
        assert missing_values(deployed()) == (
            Missing("service-app", "STD_REQUIRED", False),
            Missing("service-app", "SEC_REQUIRED", True),
            Missing("event-app", "TOPIC_KEY", False),
        )

    def test_a_key_with_a_default_or_not_required_is_never_missing(self) -> None:
        """STD_DEFAULTED (required, with a default), STD_OPTIONAL and SEC_OPTIONAL need no value."""
        names = {m.key for m in missing_values(deployed())}
        assert names.isdisjoint({"STD_DEFAULTED", "STD_OPTIONAL", "STD_NOT_REQUIRED", "SEC_OPTIONAL"})

    def test_an_empty_standard_value_is_no_value(self) -> None:
        """A standard value "" counts as missing; a value for another key does not fill it."""
        values = (
            _values("service-app", {"STD_REQUIRED": "", "STD_OPTIONAL": "x"}, {"SEC_REQUIRED": "s"}),
            _values("event-app", {"TOPIC_KEY": "t"}),
        )
        assert missing_values(deployed(*values)) == (Missing("service-app", "STD_REQUIRED", False),)

    def test_a_secured_value_once_set_is_a_value_though_masked(self) -> None:
        """The Deployment holds "****" for a secured value: the key was set, so nothing is missing."""
        deployment = deployed(*FULL)
        (service,) = (a for a in deployment.applications if a.application_name == "service-app")
        assert service.secured_configuration == (ConfigurationValue(key="SEC_REQUIRED", value=MASK),)
        assert all(m.key != "SEC_REQUIRED" for m in missing_values(deployment))

    def test_a_value_given_to_the_wrong_kind_does_not_count(self) -> None:
        """A secured key's value given as a standard value leaves the secured key missing (and vice versa)."""
        deployment = deployed(*FULL)
        swapped = tuple(
            attrs.evolve(
                a,
                standard_configuration=tuple(ConfigurationValue(key=v.key, value="x") for v in a.secured_configuration),
                secured_configuration=tuple(
                    ConfigurationValue(key=v.key, value=MASK) for v in a.standard_configuration
                ),
            )
            if a.application_name == "service-app"
            else a
            for a in deployment.applications
        )
        assert missing_values(attrs.evolve(deployment, applications=swapped)) == (
            Missing("service-app", "STD_REQUIRED", False),
            Missing("service-app", "SEC_REQUIRED", True),
        )

    def test_a_snapshot_without_declarations_requires_nothing(self) -> None:
        """A connector read without configurations (the official examples') declares no key to miss."""
        deployment = deployed()
        assert missing_values(deployment), "with its declarations, the bare Deployment misses values"
        bare = attrs.evolve(deployment, connector=attrs.evolve(deployment.connector, configurations=None))
        assert missing_values(bare) == ()
        official = codec.from_wire(fixture("deployment/minimal.json"), Deployment)
        assert official.connector.configurations is None and missing_values(official) == ()

    def test_an_application_the_snapshot_does_not_declare_requires_nothing(self) -> None:
        """Only the applications the deployed version declares have required keys."""
        deployment = deployed()
        only_job = attrs.evolve(deployment.connector, configurations=(JOB,))
        assert missing_values(attrs.evolve(deployment, connector=only_job)) == ()

    def test_the_keys_are_the_deployed_versions(self) -> None:
        """A key a later version would require is not missing: the snapshot is what the build reads."""
        relaxed = attrs.evolve(
            SERVICE,
            standard_configuration=(StandardConfigurationKey(key="STD_REQUIRED", description="d", required=False),),
            secured_configuration=(),
        )
        bare = deployed(_values("event-app", {"TOPIC_KEY": "t"}))
        snapshot = attrs.evolve(bare.connector, configurations=(relaxed, EVENT, JOB))
        assert missing_values(attrs.evolve(bare, connector=snapshot)) == ()
        assert missing_values(bare) == (
            Missing("service-app", "STD_REQUIRED", False),
            Missing("service-app", "SEC_REQUIRED", True),
        )


class TestFailureReport:
    def test_one_error_entry_per_missing_value(self) -> None:
        """Each missing value is one Error entry, titled, naming the application and the key, at the given time."""
        missing = missing_values(deployed())
        report = failure_report(missing, at=AT)
        assert len(report.entries) == len(missing) == 3
        for entry, gap in zip(report.entries, missing, strict=True):
            assert entry.type is DeploymentReportEntryType.ERROR
            assert entry.title == MISSING_TITLE == "Missing required configuration"
            assert entry.application == gap.application_name
            assert entry.created_at == AT
            assert entry.message is not None
            assert gap.application_name in entry.message and gap.key in entry.message

    def test_the_message_says_which_kind_of_key(self) -> None:
        """A secured key is called secured, a standard key standard."""
        report = failure_report(
            [Missing("service-app", "SEC_REQUIRED", True), Missing("service-app", "STD_REQUIRED", False)], at=AT
        )
        secured, standard = (entry.message or "" for entry in report.entries)
        assert secured == (
            "Application service-app needs a value for its required secured configuration key SEC_REQUIRED."
        )
        assert "standard configuration key STD_REQUIRED" in standard and "secured" not in standard

    def test_a_report_needs_something_missing(self) -> None:
        """A build that misses nothing does not fail: no report of nothing."""
        with pytest.raises(ValueError, match="at least one missing value"):
            failure_report((), at=AT)

    def test_a_failed_deployment_with_the_report_is_of_the_official_type(self) -> None:
        """The report in details.build, written by the codec, is a valid Deployment's."""
        deployment = deployed()
        build = DeploymentDetailsBuild(id="build-1", report=failure_report(missing_values(deployment), at=AT))
        wire = codec.to_wire(attrs.evolve(deployment, details=DeploymentDetails(build=build)))
        validate("Deployment", wire)
        assert wire["details"]["build"]["report"]["entries"][0]["createdAt"] == "2024-03-01T12:00:00.125Z"


class TestStartedLogs:
    def test_one_info_text_per_application_in_order(self) -> None:
        """A start logs "Application X started" for each application, in the Deployment's order, at the given time."""
        deployment = deployed(*FULL)
        logs = started_logs(deployment, at=AT)
        assert [log.application_name for log in logs] == ["service-app", "event-app", "job-app"]
        for log in logs:
            assert (log.type, log.severity) == (DeploymentLogType.APPLICATION_TEXT, DeploymentLogSeverity.INFO)
            assert (log.deployment_id, log.timestamp) == ("dep-1", AT)
            assert log.details.value == {"message": f"Application {log.application_name} started"}
            validate("DeploymentLog", codec.to_wire(log))

    def test_a_deployment_without_applications_logs_nothing(self) -> None:
        """No application, no entry."""
        assert started_logs(attrs.evolve(deployed(), applications=()), at=AT) == ()


# --- Properties ----------------------------------------------------------------------------------

#: The connector of the generated Deployments lists the project the strategies deploy to, in every region.
_DEPLOYABLE = attrs.evolve(
    STAGED, private_projects=tuple(f"{region.value}:{cds.DEPLOYING_PROJECT}" for region in Region)
)


@st.composite
def deployments_built(draw: st.DrawFn) -> Deployment:
    """A Deployment that create_deployment makes of a connector of any declarations, with any of their values.

    Some standard values are then emptied, and some values dropped, as a
    redeploy may leave them. (``cds.reachable_deployments`` covers more states,
    at ten times the cost; the build reads only the values and the snapshot.)
    """
    applications = draw(
        st.lists(cds.configuration_applications(), min_size=1, max_size=3, unique_by=lambda a: a.application_name)
    )
    staged = attrs.evolve(_DEPLOYABLE, configurations=tuple(applications))
    draft = draw(cds.deployment_drafts_for(staged))
    created = create_deployment(
        draft,
        staged,
        project=cds.DEPLOYING_PROJECT,
        id="dep-1",
        build_id="build-1",
        application_ids=[f"app-{n}" for n in range(len(applications))],
        connector=connector_snapshot(staged),
        owner=OWNER,
    )
    assert isinstance(created, Deployment), created
    changed = []
    for application in created.applications:
        standard = tuple(
            ConfigurationValue(key=v.key, value="") if draw(st.integers(0, 3)) == 0 else v
            for v in application.standard_configuration
        )
        secured = tuple(v for v in application.secured_configuration if draw(st.integers(0, 3)) > 0)
        changed.append(attrs.evolve(application, standard_configuration=standard, secured_configuration=secured))
    return attrs.evolve(created, applications=tuple(changed))


def _required(deployment: Deployment) -> list[Missing]:
    """Every key the build needs a value for, read from the snapshot: the oracle's list of candidates."""
    out = []
    declarations = {d.application_name: d for d in deployment.connector.configurations or ()}
    for application in deployment.applications:
        declaration = declarations.get(application.application_name)
        for key in () if declaration is None else declaration.standard_configuration:
            if key.required is True and key.default is None:
                out.append(Missing(application.application_name, key.key, False))
        for secured in () if declaration is None else declaration.secured_configuration:
            if secured.required is True:
                out.append(Missing(application.application_name, secured.key, True))
    return out


def _has(application: ApplicationDeployment, gap: Missing) -> bool:
    values = application.secured_configuration if gap.secured else application.standard_configuration
    return any(v.key == gap.key and len(v.value) > 0 for v in values)


def _filled(deployment: Deployment) -> Deployment:
    """*deployment* with a value for every key its snapshot declares, in each application."""
    declarations = {d.application_name: d for d in deployment.connector.configurations or ()}
    applications = []
    for application in deployment.applications:
        declaration = declarations.get(application.application_name)
        if declaration is None:
            applications.append(application)
            continue
        applications.append(
            attrs.evolve(
                application,
                standard_configuration=tuple(
                    ConfigurationValue(key=k.key, value="v") for k in declaration.standard_configuration
                ),
                secured_configuration=tuple(
                    ConfigurationValue(key=k.key, value=MASK) for k in declaration.secured_configuration
                ),
            )
        )
    return attrs.evolve(deployment, applications=tuple(applications))


def _emptied(deployment: Deployment, gap: Missing) -> Deployment:
    """*deployment* with the value of *gap*'s key taken away: a secured one dropped, a standard one made ""."""
    applications = []
    for application in deployment.applications:
        if application.application_name == gap.application_name:
            if gap.secured:
                kept = tuple(v for v in application.secured_configuration if v.key != gap.key)
                application = attrs.evolve(application, secured_configuration=kept)
            else:
                emptied = tuple(
                    ConfigurationValue(key=v.key, value="") if v.key == gap.key else v
                    for v in application.standard_configuration
                )
                application = attrs.evolve(application, standard_configuration=emptied)
        applications.append(application)
    return attrs.evolve(deployment, applications=tuple(applications))


@given(deployments_built(), st.data())
def test_missing_is_every_required_key_without_a_value(deployment: Deployment, data: st.DataObject) -> None:
    """missing = the required keys (no default) whose value is absent or "", in order; filled, nothing is missing;
    emptying one required key's value makes that key, and it alone, missing."""
    by_name = {a.application_name: a for a in deployment.applications}
    expected = [gap for gap in _required(deployment) if not _has(by_name[gap.application_name], gap)]
    assert list(missing_values(deployment)) == expected
    full = _filled(deployment)
    assert missing_values(full) == ()
    required = _required(full)
    if required:
        gap = data.draw(st.sampled_from(required), label="emptied")
        # A key declared twice is missing twice: each declaration is a requirement.
        assert missing_values(_emptied(full, gap)) == tuple(g for g in required if g == gap)


@given(deployments_built(), cds.datetimes())
def test_reports_and_logs_are_one_entry_each_and_of_the_official_types(deployment: Deployment, at: datetime) -> None:
    """A failure report has an entry per missing value, the logs one per
    application, and both write as the reference's types."""
    missing = missing_values(deployment)
    if missing:
        report = failure_report(missing, at=at)
        assert [(e.application, e.type) for e in report.entries] == [
            (m.application_name, DeploymentReportEntryType.ERROR) for m in missing
        ]
        build = DeploymentDetailsBuild(id="b", report=report)
        validate("Deployment", codec.to_wire(attrs.evolve(deployment, details=DeploymentDetails(build=build))))
    logs = started_logs(deployment, at=at)
    assert [log.application_name for log in logs] == [a.application_name for a in deployment.applications]
    assert all(log.deployment_id == deployment.id and log.timestamp == at for log in logs)
    for log in logs:
        validate("DeploymentLog", codec.to_wire(log))
