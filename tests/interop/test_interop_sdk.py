"""The official TypeScript SDK (``@commercetools-connect/sdk``) against the mock.

Each test runs one scenario of ``sdk_scenarios.cjs`` on an empty mock: it
calls the endpoints through the SDK, checks status codes, bodies (against
the SDK's own types) and the errors the client throws, and exits 0 when
every check holds. A failure shows the scenario's assertion and the body the
mock answered. The ``deployment-*`` scenarios cover every Deployment
endpoint of the SDK (``/{projectKey}/deployments...``), on connectors that
declare what ``configurations.json`` holds.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.interop

SCRIPT = "sdk_scenarios.cjs"

#: Every endpoint of ConnectorStaged, Connector and Deployment that the SDK has, and the errors it surfaces.
SCENARIOS = [
    "create",  # POST /connectors/drafts
    "create-without-description",
    "query",  # GET /connectors/drafts: limit, offset, sort, integrationTypes, isPrivate
    "get-by-id",  # GET /connectors/drafts/{ID}
    "get-by-key",  # GET /connectors/drafts/key={key}
    "update-by-id",  # POST /connectors/drafts/{ID}
    "update-by-key",  # POST /connectors/drafts/key={key}
    "set-repository-without-url",
    "connector-by-id",  # GET /connectors/{ID}
    "connector-by-key",  # GET /connectors/key={key}
    "search",  # GET /connectors/search
    "error-400-invalid-body",
    "error-400-invalid-query-parameter",
    "error-404",
    "error-409",
    "deployment-create",  # POST /{projectKey}/deployments: preview, sandbox, production
    "deployment-query",  # GET /{projectKey}/deployments: limit, offset, sort, deploymentType, integrationTypes
    "deployment-get-by-id",  # GET /{projectKey}/deployments/{ID}
    "deployment-get-by-key",  # GET /{projectKey}/deployments/key={key}
    "deployment-update-by-id",  # POST /{projectKey}/deployments/{ID}: redeploy with values
    "deployment-update-by-key",  # POST /{projectKey}/deployments/key={key}: redeploy with updateConnector
    "deployment-delete-by-id",  # DELETE /{projectKey}/deployments/{ID}
    "deployment-delete-by-key",  # DELETE /{projectKey}/deployments/key={key}
    "deployment-logs-by-id",  # GET /{projectKey}/deployments/{ID}/logs
    "deployment-logs-by-key",  # GET /{projectKey}/deployments/key={key}/logs
    "deployment-error-404",
    "deployment-error-400",
    "deployment-error-409",
    "correlation-id",
]


def test_every_scenario_of_the_script_is_run(node_script):
    """The script has exactly the scenarios this module runs."""
    listed = node_script(SCRIPT, "--list").succeeded()
    assert listed.stdout.split() == SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sdk(node_script, mock, scenario):
    """The scenario passes every check against an empty mock."""
    result = node_script(SCRIPT, str(mock.base_url).rstrip("/"), scenario).succeeded()
    assert result.stdout.strip() == f"{scenario}: ok"
