"""The official Connect CLI's Deployment commands against the mock.

``commercetools connect connectorstaged preview`` (its hidden ``validate``
and ``deploy`` steps) and ``commercetools connect deployment create | list |
describe | redeploy | delete | logs``, run as a user would, in the style of
``test_interop_cli.py``: the exit code, what the CLI printed, then what the
mock holds, read over HTTP. Connectors a test only starts from are made over
HTTP: a draft, a granted preview (``updatePreviewable``), a publish.

Every connector declares what ``configurations.json`` holds (the session's
mock runs with ``--configurations``): an application ``service`` with the
required standard key ``CTP_REGION`` and the secured key ``CTP_SECRET``, an
application ``job`` with the optional ``BATCH_SIZE``, and the global keys
``SHOP_CURRENCY`` (standard, required) and ``SHOP_TOKEN`` (secured). The CLI
always sends a ``globalConfiguration``, so every create passes
``SHOP_CURRENCY``. It checks the names of the ``--configuration`` values
against the connector itself, before any Deployment request.

The CLI waits for the service: ``preview`` reads the draft until
``isPreviewable`` is not ``pending``, then the Deployment until its status is
not ``Deploying``, sleeping 60 s between reads, after one read straight away.
Against ``serve --delay 0`` the simulated service has answered by that first
read (a Deployment is ``Queued`` when created or redeployed, and ``Deployed``,
or ``Failed``, at the next read), so it never sleeps. The other Deployment
commands do not wait. ``delete`` asks for a confirmation, and ``logs`` for
each next page: their answers are the standard input a test passes.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.interop.conftest import CONFIGURATIONS, PROJECT_KEY, REGION, Cli, Result
from tests.interop.test_interop_cli import URL, advance, created, held, showing

pytestmark = pytest.mark.interop

#: The deploying project as ``privateProjects`` lists it: the login's region and project key.
PROJECT = f"{REGION}:{PROJECT_KEY}"
#: Where the CLI sends its Deployment requests: the project of its stored login.
DEPLOYMENTS = f"/{PROJECT_KEY}/deployments"
#: What every connector declares (the mock's ``--configurations`` file).
DECLARED: dict[str, Any] = json.loads(CONFIGURATIONS.read_text(encoding="utf-8"))
#: A value for every key, as ``--configuration`` takes them.
VALUES = "service.CTP_REGION=eu,service.CTP_SECRET=s3cret,job.BATCH_SIZE=10,SHOP_CURRENCY=EUR,SHOP_TOKEN=t0ken"
#: How the mock shows every secured value.
MASK = "****"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: A row of ``deployment list``: id, key, version, status.
_DEPLOYMENT_ROW = re.compile(rf"^({_UUID}) +(\S+) +(\d+) +(\S+) *$", re.MULTILINE)


# --- connectors and deployments made over HTTP --------------------------------------------------


def previewable(mock: httpx.Client, **fields: Any) -> dict[str, Any]:
    """A draft that lists the project in ``privateProjects``, its preview granted: ``isPreviewable`` ``true``."""
    staged = created(mock, **{"privateProjects": [PROJECT], **fields})
    answer = mock.post(
        f"/connectors/drafts/{staged['id']}",
        json={"version": staged["version"], "actions": [{"action": "updatePreviewable"}]},
    )
    assert answer.status_code == 201, answer.text
    after = held(mock, staged["key"])
    assert after["isPreviewable"] == "true", after
    return after


def published(mock: httpx.Client, **fields: Any) -> dict[str, Any]:
    """The production Connector of a draft published over HTTP (the simulation completes it at once)."""
    staged = created(mock, **fields)
    answer = mock.post(
        f"/connectors/drafts/{staged['id']}",
        json={"version": staged["version"], "actions": [{"action": "publish", "certification": False}]},
    )
    assert answer.status_code == 201, answer.text
    assert held(mock, staged["key"])["status"] == "Published"
    connector = mock.get(f"/connectors/{staged['id']}")
    assert connector.status_code == 200, connector.text
    body: dict[str, Any] = connector.json()
    return body


def republished(mock: httpx.Client, tag: str, key: str = "erp-sync") -> dict[str, Any]:
    """The production Connector after the draft's tag changed to *tag* and it was published again."""
    for action in ({"action": "setRepository", "tag": tag}, {"action": "publish", "certification": False}):
        staged = held(mock, key)
        answer = mock.post(
            f"/connectors/drafts/{staged['id']}", json={"version": staged["version"], "actions": [action]}
        )
        assert answer.status_code == 201, answer.text
    staged = held(mock, key)
    assert (staged["status"], staged["repository"]["tag"]) == ("Published", tag)
    connector = mock.get(f"/connectors/{staged['id']}")
    assert connector.status_code == 200, connector.text
    body: dict[str, Any] = connector.json()
    return body


def wire_values(*, region: str | None = "eu", currency: str = "EUR") -> dict[str, Any]:
    """``configurations`` and ``globalConfiguration`` of a DeploymentDraft (*region* None leaves CTP_REGION out)."""
    service = [{"key": "CTP_REGION", "value": region}] if region is not None else []
    return {
        "configurations": [
            {
                "applicationName": "service",
                "standardConfiguration": service,
                "securedConfiguration": [{"key": "CTP_SECRET", "value": "s3cret"}],
            },
            {"applicationName": "job", "standardConfiguration": [], "securedConfiguration": []},
        ],
        "globalConfiguration": {
            "standardConfiguration": [{"key": "SHOP_CURRENCY", "value": currency}],
            "securedConfiguration": [],
        },
    }


def deployed(mock: httpx.Client, key: str, connector: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A Deployment created over HTTP with *connector* as its reference, read once (so settled)."""
    body = {"key": key, "connector": connector, "region": REGION, **wire_values(), **fields}
    answer = mock.post(DEPLOYMENTS, json=body)
    assert answer.status_code == 201, answer.text
    return deployment(mock, key)


def deployment(mock: httpx.Client, key: str) -> dict[str, Any]:
    """The Deployment with *key*, as the mock holds it."""
    answer = mock.get(f"{DEPLOYMENTS}/key={key}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def redeployed(mock: httpx.Client, key: str, **action: Any) -> dict[str, Any]:
    """The Deployment with *key* after a redeploy over HTTP, read once (so settled)."""
    current = deployment(mock, key)
    answer = mock.post(
        f"{DEPLOYMENTS}/key={key}",
        json={"version": current["version"], "actions": [{"action": "redeploy", **action}]},
    )
    assert answer.status_code == 201, answer.text
    return deployment(mock, key)


def absent(mock: httpx.Client, key: str) -> None:
    """No Deployment has *key*: a read answers 404 ResourceNotFound."""
    answer = mock.get(f"{DEPLOYMENTS}/key={key}")
    assert answer.status_code == 404, answer.text
    assert answer.json()["errors"][0]["code"] == "ResourceNotFound", answer.text


def count(mock: httpx.Client) -> int:
    """How many Deployments the project has."""
    answer = mock.get(DEPLOYMENTS)
    assert answer.status_code == 200, answer.text
    total: int = answer.json()["total"]
    return total


def application(deployment: dict[str, Any], name: str) -> dict[str, Any]:
    """The ApplicationDeployment named *name* of *deployment*."""
    found: list[dict[str, Any]] = [a for a in deployment["applications"] if a["applicationName"] == name]
    assert len(found) == 1, deployment["applications"]
    return found[0]


def values(entries: list[dict[str, Any]]) -> dict[str, str]:
    """ConfigurationValues as a mapping from key to value."""
    return {entry["key"]: entry["value"] for entry in entries}


def assert_holds_every_value(deployment: dict[str, Any], *, region: str = "eu") -> None:
    """*deployment* holds ``VALUES`` (with CTP_REGION *region*), each secured one shown as ``****``."""
    service = application(deployment, "service")
    assert values(service["standardConfiguration"]) == {"CTP_REGION": region}
    assert values(service["securedConfiguration"]) == {"CTP_SECRET": MASK}
    job = application(deployment, "job")
    assert values(job["standardConfiguration"]) == {"BATCH_SIZE": "10"}
    assert job["securedConfiguration"] == []
    glob = deployment["globalConfiguration"]
    assert values(glob["standardConfiguration"]) == {"SHOP_CURRENCY": "EUR"}
    assert values(glob["securedConfiguration"]) == {"SHOP_TOKEN": MASK}


def said(text: str) -> str:
    """*text* on one line, single-spaced: oclif wraps an error at 80 columns, each line behind a U+203A."""
    return " ".join(text.replace("\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}", " ").split())


def api_error(result: Result, code: str) -> None:
    """*result* is the CLI's exit 2 with the API's ErrorResponse naming *code*."""
    assert result.returncode == 2, str(result)
    assert f"Code: {code}" in said(result.stderr), str(result)


# --- connectorstaged preview --------------------------------------------------------------------


def preview(cli: Cli, *configuration: str, key: str = "erp-sync", deployment_key: str = "prev-1") -> Result:
    """``connectorstaged preview --key KEY --deployment-key ... --region ... [--configuration ...]``."""
    flags = [flag for value in configuration for flag in ("--configuration", value)]
    return cli.connect(
        "connectorstaged", "preview", "--key", key, "--deployment-key", deployment_key, "--region", REGION, *flags
    )


def test_preview(cli, mock):
    """preview of a new draft validates it, then creates a preview Deployment that ends Deployed, with the values."""
    before = created(mock, privateProjects=[PROJECT])
    assert (before["isPreviewable"], before["configurations"]) == ("none", [])
    staged_id = before["id"]
    result = preview(cli, VALUES).succeeded()
    assert f"Starting validation for Connector with ID '{staged_id}' and Git tag 'v1.0.0'." in result.stdout
    assert f"Validation for Connector with ID '{staged_id}' and Git tag 'v1.0.0' succeeded!" in result.stdout
    assert (
        f"Starting preview Deployment for Connector ID '{staged_id}' and Git tag 'v1.0.0', using Deployment key "
        "'prev-1'." in result.stdout
    )
    assert "The preview Deployment with key 'prev-1' for Git tag 'v1.0.0' was successfully deployed." in result.stdout
    staged = held(mock)
    assert staged["isPreviewable"] == "true"
    assert staged["configurations"] == DECLARED["configurations"]
    assert staged["globalConfiguration"] == DECLARED["globalConfiguration"]
    assert staged["apiClient"] == DECLARED["apiClient"]
    held_deployment = deployment(mock, "prev-1")
    assert held_deployment["type"] == "preview"
    assert held_deployment["preview"] is True
    assert held_deployment["status"] == "Deployed"
    assert held_deployment["deployedRegion"] == REGION
    assert held_deployment["connector"]["id"] == staged_id
    assert held_deployment["connector"]["version"] == staged["version"]
    assert held_deployment["connector"]["repository"] == {"url": URL, "tag": "v1.0.0"}
    assert [a["applicationName"] for a in held_deployment["applications"]] == ["service", "job"]
    assert_holds_every_value(held_deployment)
    assert "s3cret" not in json.dumps(held_deployment)
    assert "t0ken" not in json.dumps(held_deployment)
    # The CLI lists the applications the Deployment answered, with the url of the service.
    assert "Deployed Applications" in result.stdout
    for app in held_deployment["applications"]:
        assert f"id: {app['id']}" in result.stdout
        assert f"name: {app['applicationName']}" in result.stdout
    assert f"url: {application(held_deployment, 'service')['url']}" in result.stdout
    assert count(mock) == 1


def test_preview_again_redeploys_the_same_deployment(cli, mock):
    """A second preview of the draft redeploys its Deployment: new values, a newer snapshot, a higher version."""
    previewable(mock)
    preview(cli, VALUES).succeeded()
    first = deployment(mock, "prev-1")
    result = preview(cli, VALUES.replace("CTP_REGION=eu", "CTP_REGION=us")).succeeded()
    assert "The preview Deployment with key 'prev-1' for Git tag 'v1.0.0' was successfully deployed." in result.stdout
    second = deployment(mock, "prev-1")
    assert second["id"] == first["id"]
    assert second["version"] > first["version"]
    assert second["status"] == "Deployed"
    assert_holds_every_value(second, region="us")
    # The validation ran again (a new version of the draft), and the redeploy updated the snapshot to it.
    staged = held(mock)
    assert second["connector"]["version"] == staged["version"] > first["connector"]["version"]
    assert count(mock) == 1


def test_preview_whose_build_fails_exits_2_with_the_report(cli, mock):
    """A preview without the required CTP_REGION is Failed: the CLI prints the build's report and its failure."""
    created(mock, privateProjects=[PROJECT])
    result = preview(cli, "service.CTP_SECRET=s3cret,SHOP_CURRENCY=EUR")
    assert result.returncode == 2, str(result)
    assert "The preview Deployment with key 'prev-1' for Git tag 'v1.0.0' failed." in said(result.stderr), str(result)
    assert "was successfully deployed" not in result.stdout
    failed = deployment(mock, "prev-1")
    assert failed["status"] == "Failed"
    entry = failed["details"]["build"]["report"]["entries"][0]
    assert entry["type"] == "Error"
    assert entry["title"] == "Missing required configuration"
    assert "service" in entry["message"]
    assert "CTP_REGION" in entry["message"]
    # The report, as the CLI's ReportFormatter writes it.
    assert "Error" in result.stdout
    assert entry["title"] in result.stdout
    assert entry["message"] in result.stdout


def test_preview_of_a_draft_that_does_not_list_the_project(cli, mock):
    """A draft without the project in privateProjects validates, but its preview is ConnectorReferenceNotFound."""
    staged = previewable(mock, privateProjects=[])
    result = preview(cli, VALUES)
    api_error(result, "ConnectorReferenceNotFound")
    assert f"Validation for Connector with ID '{staged['id']}' and Git tag 'v1.0.0' succeeded!" in result.stdout
    assert f"Connector '{staged['id']}' with version {held(mock)['version']} not found" in said(result.stderr), str(
        result
    )
    assert count(mock) == 0


def test_preview_with_the_key_of_another_connectors_deployment(cli, mock):
    """A deployment key that a preview of another draft holds stops the CLI before any change to it."""
    other = previewable(mock, key="other-sync", name="Other sync")
    existing = deployed(mock, "prev-1", {"id": other["id"], "version": other["version"], "staged": True})
    staged = previewable(mock)
    result = preview(cli, VALUES)
    assert result.returncode == 2, str(result)
    assert (
        f"Deployment key 'prev-1' is already associated with another Connector preview (ID: '{staged['id']}')."
        in said(result.stderr)
    ), str(result)
    assert deployment(mock, "prev-1") == existing


def test_preview_with_a_key_the_application_does_not_declare(cli, mock):
    """The CLI refuses a --configuration key the draft's application lacks, before any Deployment request."""
    previewable(mock)
    result = preview(cli, "service.NOT_DECLARED=x,SHOP_CURRENCY=EUR")
    assert result.returncode == 2, str(result)
    assert (
        "The configuration keys 'NOT_DECLARED' specified in the input are not found in the 'service' application "
        "configuration." in said(result.stderr)
    ), str(result)
    assert count(mock) == 0


# --- deployment create --------------------------------------------------------------------------


def test_create_a_sandbox_deployment(cli, mock):
    """create from the published connector, by its key: a sandbox Deployment with the values, Deployed at once."""
    connector = published(mock)
    assert connector["configurations"] == DECLARED["configurations"]
    assert connector["globalConfiguration"] == DECLARED["globalConfiguration"]
    assert connector["apiClient"] == DECLARED["apiClient"]
    result = cli.connect(
        "deployment", "create",
        "--key", "dep-1",
        "--connector-key", "erp-sync",
        "--region", REGION,
        "--configuration", VALUES,
    ).succeeded()  # fmt: skip
    assert "Creating the Deployment resource." in result.stdout
    held_deployment = deployment(mock, "dep-1")
    assert (
        f"The Deployment resource dep-1 has been successfully created with ID: {held_deployment['id']} and it's "
        "currently in Queued status" in result.stdout
    )
    assert held_deployment["type"] == "sandbox"
    assert held_deployment["preview"] is False
    assert held_deployment["status"] == "Deployed"
    assert held_deployment["deployedRegion"] == REGION
    assert held_deployment["connector"]["id"] == connector["id"]
    assert held_deployment["connector"]["version"] == connector["version"]
    assert_holds_every_value(held_deployment)


def test_create_a_production_deployment_by_connector_id(cli, mock):
    """create --type production --connector-id makes a production Deployment."""
    connector = published(mock)
    cli.connect(
        "deployment", "create",
        "--key", "dep-1",
        "--connector-id", connector["id"],
        "--type", "production",
        "--region", REGION,
        "--configuration", "service.CTP_REGION=eu",
        "--configuration", "SHOP_CURRENCY=EUR",
    ).succeeded()  # fmt: skip
    held_deployment = deployment(mock, "dep-1")
    assert (held_deployment["type"], held_deployment["preview"]) == ("production", False)
    assert held_deployment["status"] == "Deployed"
    assert held_deployment["connector"]["id"] == connector["id"]
    assert values(application(held_deployment, "service")["standardConfiguration"]) == {"CTP_REGION": "eu"}


def test_create_a_preview_deployment_of_the_draft(cli, mock):
    """create --connector-staged without --type deploys the previewable draft as a preview."""
    staged = previewable(mock)
    cli.connect(
        "deployment", "create",
        "--key", "prev-1",
        "--connector-key", "erp-sync",
        "--connector-staged",
        "--region", REGION,
        "--configuration", VALUES,
    ).succeeded()  # fmt: skip
    held_deployment = deployment(mock, "prev-1")
    assert (held_deployment["type"], held_deployment["preview"]) == ("preview", True)
    assert held_deployment["status"] == "Deployed"
    assert held_deployment["connector"]["id"] == staged["id"]
    assert held_deployment["connector"]["version"] == staged["version"]


def test_create_without_a_key(cli, mock):
    """create without --key makes a Deployment without a key; the CLI prints that key as undefined."""
    published(mock)
    result = cli.connect(
        "deployment", "create", "--connector-key", "erp-sync", "--region", REGION, "--configuration", VALUES
    ).succeeded()
    page = mock.get(DEPLOYMENTS).json()
    (only,) = page["results"]
    assert "key" not in only
    assert (
        f"The Deployment resource undefined has been successfully created with ID: {only['id']} and it's currently "
        "in Queued status" in result.stdout
    )


def test_create_a_staged_connector_as_sandbox_is_refused(cli, mock):
    """--connector-staged with --type sandbox is DeploymentInvalidType: a draft deploys only as a preview."""
    previewable(mock)
    result = cli.connect(
        "deployment", "create",
        "--key", "dep-1",
        "--connector-key", "erp-sync",
        "--connector-staged",
        "--type", "sandbox",
        "--region", REGION,
        "--configuration", VALUES,
    )  # fmt: skip
    api_error(result, "DeploymentInvalidType")
    assert count(mock) == 0


def test_create_without_the_required_global_key_is_refused(cli, mock):
    """The CLI always sends globalConfiguration; without SHOP_CURRENCY: DeploymentMissingGlobalConfigurationKey."""
    published(mock)
    result = cli.connect(
        "deployment", "create",
        "--key", "dep-1",
        "--connector-key", "erp-sync",
        "--region", REGION,
        "--configuration", "service.CTP_REGION=eu",
    )  # fmt: skip
    api_error(result, "DeploymentMissingGlobalConfigurationKey")
    assert "SHOP_CURRENCY" in said(result.stderr), str(result)
    assert count(mock) == 0


def test_create_from_a_connector_never_published(cli, mock):
    """Without --connector-staged the CLI reads the production Connector first: a mere draft has none (404)."""
    created(mock)
    result = cli.connect("deployment", "create", "--key", "dep-1", "--connector-key", "erp-sync", "--region", REGION)
    api_error(result, "ResourceNotFound")
    assert count(mock) == 0


# --- deployment list ----------------------------------------------------------------------------


@pytest.fixture
def three(mock) -> list[dict[str, Any]]:
    """Three Deployments created a minute apart; the first then redeployed last (lastModifiedAt: 2nd, 3rd, 1st)."""
    connector = published(mock)
    reference = {"key": "erp-sync", "version": connector["version"]}
    made = []
    for key in ("dep-first", "dep-second", "dep-third"):
        made.append(deployed(mock, key, reference))
        advance(mock, 60)
    made[0] = redeployed(mock, "dep-first")
    return made


def listed(result: Result) -> list[tuple[str, str, int, str]]:
    """The rows of the table ``deployment list`` printed, in its order: id, key, version, status."""
    return [(id_, key, int(version), status) for id_, key, version, status in _DEPLOYMENT_ROW.findall(result.stdout)]


def row(held_deployment: dict[str, Any]) -> tuple[str, str, int, str]:
    return held_deployment["id"], held_deployment["key"], held_deployment["version"], held_deployment["status"]


def test_list(cli, three):
    """list prints each Deployment's id, key, version and status, and the count under the table."""
    result = cli.connect("deployment", "list").succeeded()
    assert re.search(r"^ID +KEY +VERSION +STATUS *$", result.stdout, re.MULTILINE), str(result)
    assert sorted(listed(result)) == sorted(row(d) for d in three)
    assert {d["status"] for d in three} == {"Deployed"}
    assert showing(1, 3, 3) in result.stdout


def test_list_with_limit(cli, three):
    """--limit asks for a shorter page."""
    result = cli.connect("deployment", "list", "--limit", "2", "--sort", "createdAt").succeeded()
    assert listed(result) == [row(three[0]), row(three[1])]
    assert showing(1, 2, 3) in result.stdout


def test_list_with_offset(cli, three):
    """--offset skips the first Deployments."""
    result = cli.connect("deployment", "list", "--offset", "2", "--sort", "createdAt").succeeded()
    assert listed(result) == [row(three[2])]
    assert showing(3, 3, 3) in result.stdout


def test_list_with_limit_and_offset(cli, three):
    """--limit and --offset together give one page from the middle."""
    result = cli.connect("deployment", "list", "--limit", "1", "--offset", "1", "--sort", "createdAt").succeeded()
    assert listed(result) == [row(three[1])]
    assert showing(2, 2, 3) in result.stdout


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("createdAt", [0, 1, 2]),
        ("+createdAt", [0, 1, 2]),
        ("-createdAt", [2, 1, 0]),
        ("lastModifiedAt", [1, 2, 0]),
        ("-lastModifiedAt", [0, 2, 1]),
    ],
)
def test_list_sorted(cli, three, sort, order):
    """--sort orders by createdAt or lastModifiedAt, ascending or (with -) descending."""
    result = cli.connect("deployment", "list", f"--sort={sort}").succeeded()
    assert [id_ for id_, *_ in listed(result)] == [three[i]["id"] for i in order]


def test_list_of_a_project_without_deployments(cli, mock):
    """list of no Deployments prints an empty table."""
    result = cli.connect("deployment", "list").succeeded()
    assert listed(result) == []
    assert showing(1, 0, 0) in result.stdout


# --- deployment describe ------------------------------------------------------------------------


@pytest.fixture
def one(mock) -> dict[str, Any]:
    """A Deployed sandbox Deployment ``dep-1`` of the published ``erp-sync``, with every value."""
    connector = published(mock)
    body = {
        "configurations": [
            {
                "applicationName": "service",
                "standardConfiguration": [{"key": "CTP_REGION", "value": "eu"}],
                "securedConfiguration": [{"key": "CTP_SECRET", "value": "s3cret"}],
            },
            {"applicationName": "job", "standardConfiguration": [{"key": "BATCH_SIZE", "value": "10"}],
             "securedConfiguration": []},
        ],
        "globalConfiguration": {
            "standardConfiguration": [{"key": "SHOP_CURRENCY", "value": "EUR"}],
            "securedConfiguration": [{"key": "SHOP_TOKEN", "value": "t0ken"}],
        },
    }  # fmt: skip
    held_deployment = deployed(mock, "dep-1", {"key": "erp-sync", "version": connector["version"]}, **body)
    assert held_deployment["status"] == "Deployed"
    assert_holds_every_value(held_deployment)
    return held_deployment


@pytest.mark.parametrize("by", ["id", "key"])
def test_describe(cli, one, by):
    """describe prints the whole Deployment, secured values masked."""
    reference = one["id"] if by == "id" else "dep-1"
    result = cli.connect("deployment", "describe", f"--{by}", reference).succeeded()
    assert f"Trying to get the Deployment data for the Deployment with the following {by}: {reference}" in result.stdout
    assert f"id: '{one['id']}'" in result.stdout
    assert "key: 'dep-1'" in result.stdout
    assert "type: 'sandbox'" in result.stdout
    assert "status: 'Deployed'" in result.stdout
    assert f"deployedRegion: '{REGION}'" in result.stdout
    assert "applicationName: 'service'" in result.stdout
    assert "value: 'eu'" in result.stdout
    assert f"value: '{MASK}'" in result.stdout
    assert "s3cret" not in result.stdout
    assert "t0ken" not in result.stdout


def test_describe_an_unknown_key_reports_the_api_error(cli, mock):
    """describe of a key no Deployment has exits 2 with the API's ResourceNotFound."""
    result = cli.connect("deployment", "describe", "--key", "nothing-here")
    api_error(result, "ResourceNotFound")


# --- deployment redeploy ------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["id", "key"])
def test_redeploy_keeps_the_values(cli, one, by, mock):
    """redeploy without --configuration redeploys with the values it has: a higher version, Deployed again."""
    reference = one["id"] if by == "id" else "dep-1"
    result = cli.connect("deployment", "redeploy", f"--{by}", reference).succeeded()
    assert f"Redeploying Deployment with {by} - '{reference}' ..." in result.stdout
    # The CLI fills its "Deployment with %s - '%s'" with the answer's key and id.
    assert f"Deployment with dep-1 - '{one['id']}' has been successfully redeployed." in result.stdout
    after = deployment(mock, "dep-1")
    assert after["version"] > one["version"]
    assert after["status"] == "Deployed"
    assert after["connector"] == one["connector"]
    assert_holds_every_value(after)


def test_redeploy_with_configuration_replaces_the_values(cli, one, mock):
    """redeploy --configuration sends every application, each with only the values given."""
    cli.connect(
        "deployment", "redeploy", "--key", "dep-1", "--configuration", "service.CTP_REGION=us,SHOP_CURRENCY=USD"
    ).succeeded()
    after = deployment(mock, "dep-1")
    assert after["version"] > one["version"]
    assert after["status"] == "Deployed"
    service = application(after, "service")
    assert values(service["standardConfiguration"]) == {"CTP_REGION": "us"}
    assert service["securedConfiguration"] == []
    assert application(after, "job")["standardConfiguration"] == []
    assert values(after["globalConfiguration"]["standardConfiguration"]) == {"SHOP_CURRENCY": "USD"}


def test_redeploy_with_application_values_only_misses_the_required_global_key(cli, one, mock):
    """redeploy --configuration sends the global values given, none here: DeploymentMissingGlobalConfigurationKey."""
    result = cli.connect("deployment", "redeploy", "--key", "dep-1", "--configuration", "service.CTP_REGION=us")
    api_error(result, "DeploymentMissingGlobalConfigurationKey")
    assert deployment(mock, "dep-1") == one


def test_redeploy_without_a_required_key_fails_the_build(cli, one, mock):
    """A redeploy that leaves CTP_REGION without a value is accepted, and its build Failed."""
    cli.connect(
        "deployment", "redeploy", "--key", "dep-1", "--configuration", "service.CTP_SECRET=x,SHOP_CURRENCY=EUR"
    ).succeeded()
    after = deployment(mock, "dep-1")
    assert after["status"] == "Failed"
    entry = after["details"]["build"]["report"]["entries"][0]
    assert (entry["type"], entry["title"]) == ("Error", "Missing required configuration")
    assert "service" in entry["message"]
    assert "CTP_REGION" in entry["message"]


def test_redeploy_with_update_connector(cli, one, mock):
    """redeploy --updateConnector moves the Deployment to the connector's latest published version."""
    connector = republished(mock, "v2.0.0")
    assert connector["version"] > one["connector"]["version"]
    cli.connect("deployment", "redeploy", "--key", "dep-1", "--updateConnector").succeeded()
    after = deployment(mock, "dep-1")
    assert after["status"] == "Deployed"
    assert after["connector"]["version"] == connector["version"]
    assert after["connector"]["repository"] == {"url": URL, "tag": "v2.0.0"}
    assert_holds_every_value(after)


def test_redeploy_with_update_connector_of_a_preview_reads_the_production_connector(cli, mock):
    """--updateConnector reads GET /connectors/{id}: a preview of a never-published draft has none (404)."""
    staged = previewable(mock)
    before = deployed(mock, "prev-1", {"id": staged["id"], "version": staged["version"], "staged": True})
    result = cli.connect("deployment", "redeploy", "--key", "prev-1", "--updateConnector")
    api_error(result, "ResourceNotFound")
    assert deployment(mock, "prev-1") == before


def test_redeploy_an_unknown_key_reports_the_api_error(cli, mock):
    """redeploy of a key no Deployment has exits 2 with ResourceNotFound."""
    api_error(cli.connect("deployment", "redeploy", "--key", "nothing-here"), "ResourceNotFound")


# --- deployment delete --------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["id", "key"])
def test_delete_confirmed(cli, one, by, mock):
    """delete, answered y, deletes the Deployment: the next read is 404."""
    reference = one["id"] if by == "id" else "dep-1"
    result = cli.connect("deployment", "delete", f"--{by}", reference, input="y\n").succeeded()
    assert f"Deleting Deployment with {by} - '{reference}' ..." in result.stdout
    # The prompt, as @inquirer/prompts writes it (wrapped at 80 columns).
    assert f"Are you sure you want to delete Deployment with {by}: '{reference}'?" in said(result.stdout)
    assert f"Deployment with {by} - '{reference}' has been successfully deleted." in result.stdout
    absent(mock, "dep-1")
    assert count(mock) == 0


def test_delete_declined(cli, one, mock):
    """delete, answered n, deletes nothing."""
    result = cli.connect("deployment", "delete", "--key", "dep-1", input="n\n").succeeded()
    assert "The operation was cancelled." in result.stdout
    assert "successfully deleted" not in result.stdout
    assert deployment(mock, "dep-1") == one


def test_delete_without_an_answer(cli, one, mock):
    """delete with nothing on its standard input exits 0 at the prompt's end of file, and deletes nothing."""
    result = cli.connect("deployment", "delete", "--key", "dep-1").succeeded()
    assert "successfully deleted" not in result.stdout
    assert deployment(mock, "dep-1") == one


def test_delete_a_failed_deployment(cli, mock):
    """A Failed Deployment is removed at once."""
    connector = published(mock)
    failed = deployed(mock, "dep-1", {"key": "erp-sync", "version": connector["version"]}, **wire_values(region=None))
    assert failed["status"] == "Failed"
    cli.connect("deployment", "delete", "--key", "dep-1", input="y\n").succeeded()
    absent(mock, "dep-1")


def test_delete_an_unknown_key_reports_the_api_error(cli, mock):
    """delete, confirmed, of a key no Deployment has exits 2 with ResourceNotFound."""
    api_error(cli.connect("deployment", "delete", "--key", "nothing-here", input="y\n"), "ResourceNotFound")


# --- deployment logs ----------------------------------------------------------------------------
#
# The mock leaves ``next`` out of the last page of logs (a decision of deployments.md). The CLI
# stops paging only at ``next`` "" or null: to it an absent ``next`` means "more pages", so after
# the first page it always asks "There's more logs available...". Answered n, or at end of file,
# it exits 0; answered y, it asks again with ``pageToken`` undefined (dropped from the URL), so it
# reads and prints the first page once more.

NEXT_PAGE = "There's more logs available. Do you want to see the next page? (y/n)"


def started(name: str) -> str:
    """How the CLI prints the mock's log entry of application *name*: severity, application, details."""
    return f'INFO {name} {{"message":"Application {name} started"}}'


@pytest.mark.parametrize("by", ["id", "key"])
def test_logs(cli, one, by):
    """logs prints an entry per application, then asks for a next page (the mock sends no next), here declined."""
    reference = one["id"] if by == "id" else "dep-1"
    result = cli.connect("deployment", "logs", f"--{by}", reference, input="n\n").succeeded()
    assert f"Getting logs for Deployment with {by} - '{reference}' ..." in result.stdout
    assert result.stdout.count("Logs from ") == 1, str(result)
    assert started("service") in result.stdout
    assert started("job") in result.stdout
    assert NEXT_PAGE in said(result.stdout), str(result)


def test_logs_without_an_answer(cli, one):
    """logs, with nothing on its standard input, prints the page and exits 0 at the prompt."""
    result = cli.connect("deployment", "logs", "--key", "dep-1").succeeded()
    assert result.stdout.count("Logs from ") == 1, str(result)
    assert started("service") in result.stdout


def test_logs_next_page_without_a_token_reads_the_first_page_again(cli, one):
    """Answered y, logs reads again without a pageToken: the mock answers the same page, and the CLI asks again."""
    result = cli.connect("deployment", "logs", "--key", "dep-1", input="y\n").succeeded()
    assert result.stdout.count("Logs from ") == 2, str(result)
    assert result.stdout.count(started("service")) == 2, str(result)
    assert "No more logs found" not in result.stdout


def test_logs_of_one_application(cli, one):
    """--application keeps that application's entries only."""
    result = cli.connect("deployment", "logs", "--key", "dep-1", "--application", "job", input="n\n").succeeded()
    assert started("job") in result.stdout
    assert "INFO service" not in result.stdout


def test_logs_of_an_unknown_application(cli, one):
    """--application naming no application of the Deployment is DeploymentApplicationDoesNotExist."""
    result = cli.connect("deployment", "logs", "--key", "dep-1", "--application", "nothing-here")
    api_error(result, "DeploymentApplicationDoesNotExist")


def test_logs_ending_before_they_start(cli, one):
    """--endDate before --startDate is DeploymentLogInvalidDate."""
    result = cli.connect(
        "deployment", "logs", "--key", "dep-1", "--startDate", "2030-01-02T00:00:00", "--endDate", "2030-01-01T00:00:00"
    )
    api_error(result, "DeploymentLogInvalidDate")


def test_logs_of_a_failed_deployment(cli, mock):
    """A Deployment whose build failed never started: logs finds none, and does not prompt."""
    connector = published(mock)
    failed = deployed(mock, "dep-1", {"key": "erp-sync", "version": connector["version"]}, **wire_values(region=None))
    assert failed["status"] == "Failed"
    result = cli.connect("deployment", "logs", "--key", "dep-1").succeeded()
    assert "No logs found for Deployment with key - 'dep-1'." in result.stdout
    assert NEXT_PAGE not in said(result.stdout)


def test_logs_of_an_unknown_key_reports_the_api_error(cli, mock):
    """logs of a key no Deployment has exits 2 with ResourceNotFound."""
    api_error(cli.connect("deployment", "logs", "--key", "nothing-here"), "ResourceNotFound")
