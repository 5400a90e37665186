"""The official JSON Schema itself, and the library's answers against it.

The server tests validate every body they receive (``tests/official_schema.py``);
these tests check the schema copy and its one patched deviation, and that
whatever the library writes is of the official type.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given

from connector_domain import Connector, ConnectorStaged, codec
from connector_domain.access import connector_snapshot
from connector_domain.testing import strategies as cds
from tests.conftest import fixture
from tests.official_schema import SCHEMA, official_type, validate, validator


@pytest.mark.parametrize(
    ("name", "type_name"),
    [
        ("staged.json", "ConnectorStaged"),
        ("created-draft.json", "ConnectorStaged"),
        ("updated-draft.json", "ConnectorStaged"),
        ("staged-paged.json", "ConnectorStagedPagedQueryResponse"),
        ("minimal.json", "Connector"),
        ("paged.json", "ConnectorSearchPagedQueryResponse"),
        ("draft.json", "ConnectorStagedDraft"),
        ("error/not-found.json", "ErrorResponse"),
    ],
)
def test_the_official_examples_are_of_their_types(name: str, type_name: str) -> None:
    """The reference's own examples, less their nulls, validate against the schema copy, and so does their round trip.

    Some examples write ``null`` where their type allows no null (connect-api-facts.md, the Q-items of
    the reference's quirks); the library reads a null as absent, and so does this check.
    """
    document = _without_nulls(fixture(name))
    validate(type_name, document)
    if type_name in ("ConnectorStaged", "Connector"):
        cls = ConnectorStaged if type_name == "ConnectorStaged" else Connector
        validate(type_name, codec.to_wire(codec.from_wire(document, cls)))


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def test_mc_app_is_the_one_patched_deviation() -> None:
    """The raw schema refuses mc-app; the validators the tests use accept it, and nothing else changed."""
    import jsonschema

    raw = json.loads(SCHEMA.read_text())
    staged = fixture("staged.json")
    staged["configurations"][0]["applicationType"] = "mc-app"
    strict = jsonschema.Draft7Validator({"$ref": "#/definitions/ConnectorStaged", "definitions": raw["definitions"]})
    assert not strict.is_valid(staged)
    assert validator("ConnectorStaged").is_valid(staged)
    staged["configurations"][0]["applicationType"] = "not-a-type"
    assert not validator("ConnectorStaged").is_valid(staged)


def test_an_invalid_body_is_reported_with_its_path() -> None:
    """validate names where a body breaks its type."""
    broken: dict[str, Any] = {**fixture("staged.json"), "version": "1"}
    with pytest.raises(AssertionError, match=r"version: '1' is not of type 'integer'"):
        validate("ConnectorStaged", broken)


def test_routes_name_their_types() -> None:
    """Each answer's type comes from its method, path and status; errors are ErrorResponse."""
    assert official_type("GET", "/connectors/search", 200) == "ConnectorSearchPagedQueryResponse"
    assert official_type("GET", "/connectors/abc", 200) == "Connector"
    assert official_type("POST", "/connectors/drafts/key=k", 201) == "ConnectorStaged"
    assert official_type("GET", "/connectors/drafts/", 200) == "ConnectorStagedPagedQueryResponse"
    assert official_type("DELETE", "/connectors/drafts/x", 404) == "ErrorResponse"
    assert official_type("POST", "/__mock__/reset", 204) is None
    assert official_type("GET", "/mock-project/deployments", 200) == "DeploymentPagedQueryResponse"
    assert official_type("POST", "/mock-project/deployments", 201) == "Deployment"
    assert official_type("GET", "/mock-project/deployments/key=k", 200) == "Deployment"
    assert official_type("POST", "/mock-project/deployments/abc", 201) == "Deployment"
    assert official_type("GET", "/p1/deployments/key=k/logs", 200) == "DeploymentLogCursorPagedQueryResponse"
    assert official_type("POST", "/__mock__/p1/deployments/abc/events", 200) == "Deployment"
    with pytest.raises(AssertionError, match="the reference answers 202"):
        official_type("DELETE", "/mock-project/deployments/abc", 200)
    with pytest.raises(AssertionError, match="the reference answers 201"):
        official_type("POST", "/connectors/drafts", 200)
    with pytest.raises(AssertionError, match="no official route"):
        official_type("PUT", "/connectors/drafts", 200)


@pytest.mark.parametrize(
    ("method", "path", "status", "name"),
    [
        ("POST", "/my-project/deployments", 201, "Deployment"),
        ("GET", "/my-project/deployments/", 200, "DeploymentPagedQueryResponse"),
        ("GET", "/my-project/deployments/some-id", 200, "Deployment"),
        ("GET", "/my-project/deployments/key=k", 200, "Deployment"),
        ("POST", "/my-project/deployments/key=k", 201, "Deployment"),
        ("DELETE", "/my-project/deployments/some-id", 202, "Deployment"),
        ("GET", "/my-project/deployments/key=k/logs", 200, "DeploymentLogCursorPagedQueryResponse"),
        ("GET", "/my-project/deployments/some-id/logs", 200, "DeploymentLogCursorPagedQueryResponse"),
        ("POST", "/__mock__/my-project/deployments/some-id/events", 200, "Deployment"),
        ("GET", "/my-project/deployments/some-id/logs", 400, "ErrorResponse"),
    ],
)
def test_deployment_routes_name_their_types(method: str, path: str, status: int, name: str) -> None:
    """The Deployment endpoints answer the reference's types, under the reference's statuses (D1-D6)."""
    assert official_type(method, path, status) == name


@pytest.mark.parametrize(
    ("method", "path", "status", "expected"),
    [
        ("POST", "/my-project/deployments", 200, 201),
        ("POST", "/my-project/deployments/some-id", 200, 201),
        ("DELETE", "/my-project/deployments/some-id", 200, 202),
    ],
)
def test_a_deployment_success_under_another_status_is_no_official_answer(
    method: str, path: str, status: int, expected: int
) -> None:
    """Create and redeploy answer 201, delete 202: any other success status is caught."""
    with pytest.raises(AssertionError, match=f"the reference answers {expected}"):
        official_type(method, path, status)


@pytest.mark.parametrize(
    ("name", "type_name"),
    [
        ("deployment/minimal.json", "Deployment"),
        ("deployment/paged.json", "DeploymentPagedQueryResponse"),
        ("deployment/draft.json", "DeploymentDraft"),
        ("deployment/update.json", "DeploymentUpdate"),
        ("deployment-log/cursor-paged.json", "DeploymentLogCursorPagedQueryResponse"),
    ],
)
def test_the_official_deployment_examples_are_of_their_types(name: str, type_name: str) -> None:
    """The reference's Deployment examples validate against the schema copy the server tests use."""
    validate(type_name, _without_nulls(fixture(name)))


def test_a_last_logs_page_without_next_is_the_one_deployment_deviation() -> None:
    """The raw schema requires next on a logs page; the validators accept a page without it, and nothing else."""
    import jsonschema

    raw = json.loads(SCHEMA.read_text())
    last = {"data": fixture("deployment-log/cursor-paged.json")["data"]}
    strict = jsonschema.Draft7Validator(
        {"$ref": "#/definitions/DeploymentLogCursorPagedQueryResponse", "definitions": raw["definitions"]}
    )
    assert not strict.is_valid(last)
    assert validator("DeploymentLogCursorPagedQueryResponse").is_valid(last)
    assert not validator("DeploymentLogCursorPagedQueryResponse").is_valid({"next": "token"})
    assert not validator("DeploymentLogCursorPagedQueryResponse").is_valid({**last, "next": 1})


@given(cds.reachable_staged())
def test_every_reachable_resource_writes_as_its_official_type(staged: ConnectorStaged) -> None:
    """What the reducer reaches, written by the codec, is a valid ConnectorStaged, and its snapshot a Connector."""
    validate("ConnectorStaged", codec.to_wire(staged))
    validate("Connector", codec.to_wire(connector_snapshot(staged)))
