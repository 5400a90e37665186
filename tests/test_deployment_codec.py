"""The Deployment's wire form: the official examples, strictness, tolerance, error paths and masking."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from connector_domain import codec
from connector_domain.codec import InvalidInput, from_wire, to_wire
from connector_domain.deployment import (
    MASK,
    ApplicationDeployment,
    ConfigurationValue,
    ConnectorReference,
    Deployment,
    DeploymentConnector,
    DeploymentCreator,
    DeploymentDetailsBuild,
    DeploymentDraft,
    DeploymentFailed,
    DeploymentLog,
    DeploymentLogCursorPagedQueryResponse,
    DeploymentPagedQueryResponse,
    DeploymentReport,
    DeploymentServiceEvent,
    DeploymentStarted,
    DeploymentStatus,
    DeploymentSucceeded,
    DeploymentType,
    DeploymentUpdate,
    DeploymentUpdateAction,
    JsonValue,
    Redeploy,
    UndeploySucceeded,
)
from connector_domain.deployment.model import DeploymentLogSeverity
from tests.conftest import FIXTURES, fixture
from tests.official_schema import validate

#: Every official example, the type it reads as, and its official type's name (none for a part of one).
EXAMPLES: dict[str, tuple[Any, str]] = {
    "deployment/ApplicationDeployment.json": (ApplicationDeployment, ""),
    "deployment/ConfigurationValue.json": (ConfigurationValue, ""),
    "deployment/DeploymentConnector.json": (DeploymentConnector, ""),
    "deployment/DeploymentCreator.json": (DeploymentCreator, ""),
    "deployment/DeploymentDetailsBuild.json": (DeploymentDetailsBuild, ""),
    "deployment/DeploymentDraft.json": (DeploymentDraft, "DeploymentDraft"),
    "deployment/DeploymentLog.json": (DeploymentLog, "DeploymentLog"),
    "deployment/draft.json": (DeploymentDraft, "DeploymentDraft"),
    "deployment/minimal.json": (Deployment, "Deployment"),
    "deployment/paged.json": (DeploymentPagedQueryResponse, "DeploymentPagedQueryResponse"),
    "deployment/update.json": (DeploymentUpdate, "DeploymentUpdate"),
    "deployment/updates/DeploymentRedeployUpdateAction.json": (Redeploy, "DeploymentRedeployAction"),
    "deployment/updates/DeploymentUpdateAction.json": (DeploymentUpdateAction, "DeploymentUpdateAction"),
    "deployment-log/cursor-paged.json": (
        DeploymentLogCursorPagedQueryResponse,
        "DeploymentLogCursorPagedQueryResponse",
    ),
}
#: The example of a type the reference does not define (Q9): no type reads it.
UNTYPED = {"deployment/DeploymentDetailsBuildApplication.json"}

#: The clear-text secured values of the examples (Q5).
CLEAR_SECRETS = ("config-secret-key-value", "config secret value")


def masked(document: Any) -> Any:
    """*document* with the value of every item of a ``securedConfiguration`` of a resource replaced by ``MASK``."""
    document = copy.deepcopy(document)

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                if name == "securedConfiguration" and isinstance(item, list):
                    for entry in item:
                        entry["value"] = MASK
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(document)
    return document


def problems_of(data: Any, cls: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as info:
        from_wire(data, cls)
    return info.value.problems


MINIMAL = fixture("deployment/minimal.json")
DRAFT = fixture("deployment/draft.json")


class TestOfficialExamples:
    """Every example of the reference reads as its type (connect-deployments-facts.md, Q1-Q12)."""

    def test_every_example_is_covered(self) -> None:
        """Each file of the two fixture folders is read here, or is the one without a type."""
        files = {
            str(path.relative_to(FIXTURES))
            for folder in ("deployment", "deployment-log")
            for path in (FIXTURES / folder).rglob("*.json")
        }
        assert files == set(EXAMPLES) | UNTYPED

    @pytest.mark.parametrize("name", sorted(EXAMPLES))
    def test_reads_and_writes_back_with_its_secrets_masked(self, name: str) -> None:
        """Read, then written: the example itself, but for the secured values of a resource, shown masked."""
        cls, _ = EXAMPLES[name]
        document = fixture(name)
        value = from_wire(document, cls)
        is_resource = cls in (ApplicationDeployment, Deployment, DeploymentPagedQueryResponse)
        assert to_wire(value) == (masked(document) if is_resource else document)
        assert from_wire(to_wire(value), cls) == value

    @pytest.mark.parametrize("name", sorted(n for n, (_, t) in EXAMPLES.items() if t))
    def test_the_example_and_its_round_trip_are_of_the_official_type(self, name: str) -> None:
        """The example and what the codec writes back both validate against the official JSON Schema."""
        cls, type_name = EXAMPLES[name]
        validate(type_name, fixture(name))
        validate(type_name, to_wire(from_wire(fixture(name), cls)))

    def test_clear_secrets_are_read_masked(self) -> None:
        """Q5: the examples' clear-text secured values read as "****"; no read form repeats them."""
        for name in ("deployment/minimal.json", "deployment/paged.json", "deployment/ApplicationDeployment.json"):
            cls, _ = EXAMPLES[name]
            value = from_wire(fixture(name), cls)
            text = codec.dumps(value) + json.dumps(codec.to_record(value)) + repr(value)
            assert not any(secret in text for secret in CLEAR_SECRETS), name
        (application,) = from_wire(MINIMAL, Deployment).applications
        assert application.secured_configuration == (ConfigurationValue(key="CONFIG_SECRET_KEY", value=MASK),)

    def test_requests_keep_their_secrets(self) -> None:
        """A draft and a redeploy are what a client sends: their secured values are read and written as sent."""
        draft = from_wire(DRAFT, DeploymentDraft)
        assert draft.configurations[0].secured_configuration[0].value == "config-secret-key-value"
        assert to_wire(draft) == DRAFT

    def test_minimal_is_a_preview_as_it_says(self) -> None:
        """Q1, Q2: minimal.json is a certified preview; it is read as it is."""
        deployment = from_wire(MINIMAL, Deployment)
        assert (deployment.type, deployment.preview, deployment.connector.certified) == (
            DeploymentType.PREVIEW,
            True,
            True,
        )
        assert deployment.status is DeploymentStatus.DEPLOYED

    def test_the_snapshot_without_declarations(self) -> None:
        """Q8: the examples' connector snapshot has no configurations, global configuration or regions."""
        connector = from_wire(MINIMAL, Deployment).connector
        assert (connector.configurations, connector.global_configuration, connector.supported_regions) == (
            None,
            None,
            None,
        )

    def test_the_report_names_its_application(self) -> None:
        """Q6: a report entry names an application, and may omit its message."""
        (entry,) = from_wire(fixture("deployment/DeploymentDetailsBuild.json"), DeploymentDetailsBuild).report.entries  # type: ignore[union-attr]
        assert (entry.application, entry.message) == ("service", None)

    def test_the_two_redeploy_examples(self) -> None:
        """Q10: DeploymentUpdateAction.json is update.json's action; the other one sets the two flags."""
        update = from_wire(fixture("deployment/update.json"), DeploymentUpdate)
        assert (
            from_wire(fixture("deployment/updates/DeploymentUpdateAction.json"), DeploymentUpdateAction)
            == (update.actions[0])
        )
        flags = from_wire(fixture("deployment/updates/DeploymentRedeployUpdateAction.json"), Redeploy)
        assert (flags.skip_scripts, flags.update_connector, flags.global_configuration) == (True, True, None)
        assert (update.actions[0].skip_scripts, update.actions[0].update_connector) == (None, None)

    def test_the_logs(self) -> None:
        """Q12: details is an object, read as a JSON value and written back as it was."""
        page = from_wire(fixture("deployment-log/cursor-paged.json"), DeploymentLogCursorPagedQueryResponse)
        (log,) = page.data
        assert log.details.value == {"message": "Listening on port: 8080"}
        assert log.severity is DeploymentLogSeverity.DEFAULT
        assert page.next is not None and page.next.startswith("EAE4")

    def test_the_root_connector_reference_example(self) -> None:
        """Q18: ``ConnectorReference.json``, by key and version, reads as a ConnectorReference."""
        assert from_wire(fixture("ConnectorReference.json"), ConnectorReference) == ConnectorReference(
            key="connector-key", version=1
        )


class TestStrictness:
    """The ConnectorStaged's strictness, tolerance and error paths, on the Deployment's types."""

    def test_no_coercion(self) -> None:
        """A string is not an integer, an integer not a string, a string not a boolean or an array."""
        assert problems_of({**MINIMAL, "version": "1"}, Deployment) == [
            ("version", "expected an integer, got a string")
        ]
        assert problems_of({**DRAFT, "key": 3}, DeploymentDraft) == [("key", "expected a string, got an integer")]
        assert problems_of({"action": "redeploy", "skipScripts": "true"}, Redeploy) == [
            ("skipScripts", "expected a boolean, got a string")
        ]
        assert problems_of({**DRAFT, "configurations": "app-1"}, DeploymentDraft) == [
            ("configurations", "expected an array, got a string")
        ]

    def test_every_problem_is_named_by_its_wire_path(self) -> None:
        """Nested paths use the wire names and indexes, every problem listed."""
        document = copy.deepcopy(DRAFT)
        document["configurations"][0]["standardConfiguration"][0]["value"] = 1
        document["region"] = "mars"
        del document["connector"]["id"]
        problems = problems_of(document, DeploymentDraft)
        assert problems == [
            ("connector", "ConnectorReference: either id or key is required"),
            ("configurations[0].standardConfiguration[0].value", "expected a string, got an integer"),
            (
                "region",
                "'mars' is not one of 'europe-west1.gcp', 'us-central1.gcp', 'australia-southeast1.gcp', "
                "'us-east-2.aws', 'eu-central-1.aws'",
            ),
        ]

    def test_the_reference_needs_an_id_or_a_key(self) -> None:
        """``connector`` with neither id nor key is refused at ``connector`` (reference: "either is required")."""
        assert problems_of({**DRAFT, "connector": {"version": 1}}, DeploymentDraft) == [
            ("connector", "ConnectorReference: either id or key is required")
        ]
        with pytest.raises(ValueError, match="either id or key is required"):
            ConnectorReference(version=1)

    def test_patterns(self) -> None:
        """The key of a draft and the applicationName of a deployed application follow their patterns."""
        assert problems_of({**DRAFT, "key": "a b"}, DeploymentDraft) == [
            ("key", "'a b' does not match ^[A-Za-z0-9_-]+$")
        ]
        document = copy.deepcopy(MINIMAL)
        document["applications"][0]["applicationName"] = "x"
        assert problems_of(document, Deployment) == [
            ("applications[0].applicationName", "'x' must be 2 to 256 characters long, not 1")
        ]

    def test_enums(self) -> None:
        """An unknown status or type names the allowed values."""
        (problem,) = problems_of({**MINIMAL, "status": "Running"}, Deployment)
        assert problem == (
            "status",
            "'Running' is not one of 'Draft', 'Queued', 'Deploying', 'Deployed', 'Failed', 'Undeploying', "
            "'UndeployFailed'",
        )
        assert problems_of({**DRAFT, "type": "staging"}, DeploymentDraft) == [
            ("type", "'staging' is not one of 'preview', 'sandbox', 'production'")
        ]

    def test_nulls_and_unknown_fields(self) -> None:
        """null equals absent for a field that may be absent; unknown fields are ignored; a required null is not."""
        assert from_wire({**MINIMAL, "key": None, "apiClient": None, "extra": 1}, Deployment).key is None
        assert problems_of({**MINIMAL, "status": None}, Deployment) == [("status", "expected a string, got null")]

    def test_a_secured_value_of_the_wrong_type_is_still_refused(self) -> None:
        """Masking comes after the types: a number where a secured value belongs is refused, not masked."""
        document = copy.deepcopy(MINIMAL)
        document["applications"][0]["securedConfiguration"][0]["value"] = 3
        assert problems_of(document, Deployment) == [
            ("applications[0].securedConfiguration[0].value", "expected a string, got an integer")
        ]

    def test_a_global_configuration_is_masked_too(self) -> None:
        """A Deployment's global secured values read as "****"; its standard ones as they are."""
        document = {
            **MINIMAL,
            "globalConfiguration": {
                "standardConfiguration": [{"key": "A", "value": "a"}],
                "securedConfiguration": [{"key": "S", "value": "clear"}],
            },
        }
        assert to_wire(from_wire(document, Deployment))["globalConfiguration"] == {
            "standardConfiguration": [{"key": "A", "value": "a"}],
            "securedConfiguration": [{"key": "S", "value": MASK}],
        }

    def test_the_record_form_is_the_wire_form(self) -> None:
        """A Deployment has no record-only field: its record is its wire form, masked."""
        deployment = from_wire(MINIMAL, Deployment)
        assert codec.to_record(deployment) == to_wire(deployment)
        assert codec.from_record(codec.to_record(deployment), Deployment) == deployment


class TestTags:
    """The update action is tagged ``redeploy``; the service events by ``type``."""

    def test_the_action_tag_is_checked_first(self) -> None:
        """A missing, mistyped or unknown tag is named at ``action``."""
        assert problems_of({"skipScripts": True}, Redeploy) == [("action", "required field missing")]
        assert problems_of({"action": 3}, DeploymentUpdateAction) == [("action", "expected a string, got an integer")]
        assert problems_of({"action": "setName", "name": "x"}, Redeploy) == [("action", "unknown action 'setName'")]

    def test_an_update_names_the_action_by_its_index(self) -> None:
        """In a DeploymentUpdate, a bad action is named by its index."""
        document = {"version": 1, "actions": [{"action": "redeploy"}, {"action": "redeplo"}]}
        assert problems_of(document, DeploymentUpdate) == [("actions[1].action", "unknown action 'redeplo'")]

    def test_at_most_500_actions(self) -> None:
        """More than MAX_ACTIONS actions are refused at ``actions`` before any is read."""
        document = {"version": 1, "actions": [None] * 501}
        assert problems_of(document, DeploymentUpdate) == [("actions", "must contain at most 500 items, not 501")]

    def test_written_with_the_tag(self) -> None:
        """A redeploy, alone and in an update, is written with its tag; absent options are left out."""
        assert to_wire(Redeploy(skip_scripts=False)) == {"action": "redeploy", "skipScripts": False}
        assert to_wire(DeploymentUpdate(version=2, actions=(Redeploy(),))) == {
            "version": 2,
            "actions": [{"action": "redeploy"}],
        }

    def test_service_events(self) -> None:
        """Service events read and write by their ``type``; a failure needs its report."""
        report: dict[str, Any] = {"entries": []}
        assert from_wire({"type": "DeploymentFailed", "report": report}, DeploymentServiceEvent) == DeploymentFailed(
            report=DeploymentReport(entries=())
        )
        assert from_wire({"type": "DeploymentStarted"}, DeploymentServiceEvent) == DeploymentStarted()
        assert to_wire(UndeploySucceeded()) == {"type": "UndeploySucceeded"}
        assert to_wire(DeploymentSucceeded()) == {"type": "DeploymentSucceeded"}
        assert problems_of({"type": "DeploymentFailed"}, DeploymentServiceEvent) == [
            ("report", "required field missing")
        ]
        assert problems_of({"type": "PublishingSucceeded"}, DeploymentServiceEvent) == [
            ("type", "unknown service event 'PublishingSucceeded'")
        ]


class TestJsonValue:
    """``DeploymentLog.details``, typed ``any``: any JSON value but null, written back as it was."""

    LOG = fixture("deployment/DeploymentLog.json")

    @pytest.mark.parametrize("details", ["text", 3, 1.5, True, [1, "a", None], {"nested": {"a": [1]}}, {}])
    def test_any_json_value(self, details: Any) -> None:
        """Strings, numbers, booleans, arrays and objects read, and write back equal."""
        log = from_wire({**self.LOG, "details": details}, DeploymentLog)
        assert log.details.value == details
        assert to_wire(log)["details"] == details

    @pytest.mark.parametrize(
        ("details", "reason"),
        [
            (None, "expected a JSON value other than null, got null"),
            (2**63, "expected a JSON value, got an integer out of the signed 64-bit range"),
            ({"a": "\ud800"}, "expected a JSON value, got a string with a lone surrogate"),
            ({1: "a"}, "expected a JSON value, got an object key that is not a string (1)"),
            (float("nan"), "expected a JSON value, got the number nan"),
            ({"a": {1, 2}}, "expected a JSON value, got a set"),
        ],
    )
    def test_what_json_cannot_hold_is_refused(self, details: Any, reason: str) -> None:
        """Null (the field is required), and what dumps could not write back, are refused at ``details``."""
        assert problems_of({**self.LOG, "details": details}, DeploymentLog) == [("details", reason)]

    def test_absent_is_missing(self) -> None:
        """``details`` is required."""
        document = {k: v for k, v in self.LOG.items() if k != "details"}
        assert problems_of(document, DeploymentLog) == [("details", "required field missing")]

    def test_the_text_must_be_json(self) -> None:
        """A JsonValue holds JSON text, and no NaN."""
        assert JsonValue(text='{"a": 1}').value == {"a": 1}
        with pytest.raises(ValueError, match=r"^JsonValue\.text: not JSON text"):
            JsonValue(text="{")
        with pytest.raises(ValueError, match="NaN is not a JSON value"):
            JsonValue(text="NaN")

    def test_severity_defaults(self) -> None:
        """An absent severity is DEFAULT, the RAML's default, and is written."""
        document = {k: v for k, v in self.LOG.items() if k != "severity"}
        log = from_wire(document, DeploymentLog)
        assert log.severity is DeploymentLogSeverity.DEFAULT and to_wire(log)["severity"] == "DEFAULT"

    def test_the_last_page_has_no_next(self) -> None:
        """R13, decision: ``next`` is absent on the last page."""
        page = from_wire({"data": []}, DeploymentLogCursorPagedQueryResponse)
        assert page.next is None and to_wire(page) == {"data": []}
