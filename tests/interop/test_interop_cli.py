"""The official Connect CLI (``@commercetools/cli`` with its ``connect`` topic) against the mock.

Each test runs ``commercetools connect connectorstaged ...`` as a user would
(``CTP_CLI_CONNECT_API_URL`` at the mock, a stored login in ``HOME``), checks
its exit code and what it printed, then reads what the mock holds over HTTP.
Resources a test only needs as a starting point are created over HTTP.
``connectorstaged preview``, which ends in a Deployment, and the
``deployment`` commands are in ``test_interop_cli_deployments.py``, which
reuses this module's helpers.

The CLI waits for the service: ``publish`` reads the resource until its
status is not ``Processing``, sleeping 30 s between reads (``preview`` 60 s
while ``isPreviewable`` is ``pending``, then while its Deployment is
``Deploying``). It reads once before it first sleeps, so against ``serve
--delay 0`` (the simulated service answers at once) it never sleeps;
``certify`` does not wait at all. A command still running after
``CLI_TIMEOUT`` fails its test.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.interop

URL = "https://github.com/example/erp-sync.git"
OTHER_URL = "git@github.com:example/erp-sync-next.git"
EMAIL = "jane.doe@example.com"
DRAFT: dict[str, Any] = {
    "key": "erp-sync",
    "name": "ERP sync",
    "description": "Sends orders to an ERP",
    "creator": {"email": EMAIL},
    "repository": {"url": URL, "tag": "v1.0.0"},
    "supportedRegions": ["europe-west1.gcp"],
    "integrationTypes": ["erp"],
}
_ROW = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s", re.MULTILINE)
#: What the mock changes on every successful update, whatever the update does.
_BOOKKEEPING = ("version", "lastModifiedAt")


def created(mock: httpx.Client, **fields: Any) -> dict[str, Any]:
    answer = mock.post("/connectors/drafts", json={**DRAFT, **fields})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def held(mock: httpx.Client, key: str = "erp-sync") -> dict[str, Any]:
    answer = mock.get(f"/connectors/drafts/key={key}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def advance(mock: httpx.Client, seconds: int) -> None:
    assert mock.post("/__mock__/clock", json={"seconds": seconds}).status_code == 200


def showing(first: int, last: int, total: int) -> str:
    """The line under the table of ``list`` (with an en dash, as the CLI writes it)."""
    return f"Showing items {first}\N{EN DASH}{last} of {total}."


def rows(result: Any) -> list[str]:
    """The ids of the table ``list`` printed, in its order."""
    return _ROW.findall(result.stdout)


# --- create -------------------------------------------------------------------------------------


def test_create_with_every_flag(cli, mock):
    """create with every flag makes a draft holding each value given."""
    result = cli.connect(
        "connectorstaged", "create",
        "--key", "erp-sync",
        "--name", "ERP sync",
        "--description", "Sends orders to an ERP",
        "--repository-url", URL,
        "--repository-tag", "v1.0.0",
        "--creator-email", EMAIL,
        "--supported-regions", "europe-west1.gcp,us-central1.gcp",
        "--integration-types", "erp,oms",
        "--private-projects", "europe-west1.gcp:my-project",
    ).succeeded()  # fmt: skip
    staged = held(mock)
    assert f"The staged Connector ERP sync has been successfully created. (id: {staged['id']})" in result.stdout
    assert staged["version"] == 1
    assert staged["status"] == "Draft"
    assert staged["name"] == "ERP sync"
    assert staged["description"] == "Sends orders to an ERP"
    assert staged["repository"] == {"url": URL, "tag": "v1.0.0"}
    assert staged["creator"] == {"email": EMAIL}
    assert staged["supportedRegions"] == ["europe-west1.gcp", "us-central1.gcp"]
    assert staged["integrationTypes"] == ["erp", "oms"]
    assert staged["privateProjects"] == ["europe-west1.gcp:my-project"]


def test_create_with_the_required_flags_only(cli, mock):
    """create with only the required flags makes a draft without a key."""
    result = cli.connect(
        "connectorstaged", "create",
        "--name", "ERP sync",
        "--repository-url", URL,
        "--repository-tag", "v1.0.0",
        "--creator-email", EMAIL,
    ).succeeded()  # fmt: skip
    page = mock.get("/connectors/drafts").json()
    assert page["total"] == 1
    (staged,) = page["results"]
    assert f"(id: {staged['id']})" in result.stdout
    assert "key" not in staged
    assert (staged["name"], staged["status"], staged["version"]) == ("ERP sync", "Draft", 1)
    assert staged["repository"] == {"url": URL, "tag": "v1.0.0"}
    assert staged["creator"] == {"email": EMAIL}


# --- list ---------------------------------------------------------------------------------------


@pytest.fixture
def three(mock) -> list[dict[str, Any]]:
    """Three drafts created a minute apart; the first one then changed last (lastModifiedAt: 2nd, 3rd, 1st)."""
    drafts = []
    for key in ("first", "second", "third"):
        drafts.append(created(mock, key=key, name=key.title()))
        advance(mock, 60)
    first = drafts[0]
    answer = mock.post(
        f"/connectors/drafts/{first['id']}",
        json={"version": 1, "actions": [{"action": "setName", "name": "First, renamed"}]},
    )
    assert answer.status_code == 201, answer.text
    return drafts


def test_list(cli, three):
    """list prints every draft, and the count under the table."""
    result = cli.connect("connectorstaged", "list").succeeded()
    assert sorted(rows(result)) == sorted(d["id"] for d in three)
    assert showing(1, 3, 3) in result.stdout
    for name in ("First, renamed", "Second", "Third"):
        assert name in result.stdout


def test_list_with_limit(cli, three):
    """--limit asks for a shorter page."""
    result = cli.connect("connectorstaged", "list", "--limit", "2", "--sort", "createdAt").succeeded()
    assert rows(result) == [three[0]["id"], three[1]["id"]]
    assert showing(1, 2, 3) in result.stdout


def test_list_with_offset(cli, three):
    """--offset skips the first drafts."""
    result = cli.connect("connectorstaged", "list", "--offset", "2", "--sort", "createdAt").succeeded()
    assert rows(result) == [three[2]["id"]]
    assert showing(3, 3, 3) in result.stdout


def test_list_with_limit_and_offset(cli, three):
    """--limit and --offset together give one page from the middle."""
    result = cli.connect("connectorstaged", "list", "--limit", "1", "--offset", "1", "--sort", "createdAt").succeeded()
    assert rows(result) == [three[1]["id"]]
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
    result = cli.connect("connectorstaged", "list", f"--sort={sort}").succeeded()
    assert rows(result) == [three[i]["id"] for i in order]


# --- describe -----------------------------------------------------------------------------------


def test_describe_by_id(cli, mock):
    """describe --id prints the draft with that id."""
    staged = created(mock)
    result = cli.connect("connectorstaged", "describe", "--id", staged["id"]).succeeded()
    assert f"the following id: {staged['id']}" in result.stdout
    assert f"id: '{staged['id']}'" in result.stdout
    assert "key: 'erp-sync'" in result.stdout
    assert "name: 'ERP sync'" in result.stdout
    assert "status: 'Draft'" in result.stdout


def test_describe_by_key(cli, mock):
    """describe --key prints the draft with that key."""
    staged = created(mock)
    result = cli.connect("connectorstaged", "describe", "--key", "erp-sync").succeeded()
    assert "the following key: erp-sync" in result.stdout
    assert f"id: '{staged['id']}'" in result.stdout
    assert f"url: '{URL}'" in result.stdout


def test_describe_an_unknown_key_reports_the_api_error(cli, mock):
    """describe of a key nobody has exits 2 with the API's ResourceNotFound."""
    result = cli.connect("connectorstaged", "describe", "--key", "nothing-here")
    assert result.returncode == 2, str(result)
    assert "Code: ResourceNotFound" in result.stderr, str(result)


# --- update -------------------------------------------------------------------------------------

#: Each flag of ``update`` alone, with what it changes. The CLI adds ``setRepository`` to every
#: update, with the url only when ``--repository-url`` is given and the tag it read otherwise.
EACH_FLAG = [
    pytest.param(["--name", "ERP sync 2"], {"name": "ERP sync 2"}, id="name"),
    pytest.param(["--description", "Sends orders and invoices"], {"description": "Sends orders and invoices"},
                 id="description"),
    pytest.param(["--creator-email", "john.roe@example.com"], {"creator": {"email": "john.roe@example.com"}},
                 id="creator-email"),
    pytest.param(["--repository-url", OTHER_URL], {"repository": {"url": OTHER_URL, "tag": "v1.0.0"}},
                 id="repository-url"),
    pytest.param(["--repository-tag", "v2.0.0"], {"repository": {"url": URL, "tag": "v2.0.0"}}, id="repository-tag"),
    pytest.param(["--supported-regions", "europe-west1.gcp,us-east-2.aws"],
                 {"supportedRegions": ["europe-west1.gcp", "us-east-2.aws"]}, id="supported-regions"),
    pytest.param(["--integration-types", "erp,crm,oms"], {"integrationTypes": ["erp", "crm", "oms"]},
                 id="integration-types"),
]  # fmt: skip


def assert_updated(before: dict[str, Any], after: dict[str, Any], changes: dict[str, Any]) -> None:
    """*after* is *before* with *changes*, one version later; nothing else moved."""
    assert after["version"] == before["version"] + 1
    for field, value in changes.items():
        assert after[field] == value, field
    unchanged = set(before) | set(after)
    unchanged -= {*changes, *_BOOKKEEPING}
    assert {f: after.get(f) for f in unchanged} == {f: before.get(f) for f in unchanged}


@pytest.mark.parametrize(("flags", "changes"), EACH_FLAG)
def test_update_with_one_flag(cli, mock, flags, changes):
    """update with one flag changes that one field, and the repository url stays."""
    before = created(mock)
    result = cli.connect("connectorstaged", "update", "--key", "erp-sync", *flags).succeeded()
    assert "The staged Connector has been successfully updated. (version: 2)" in result.stdout
    assert_updated(before, held(mock), changes)


def test_update_with_every_flag_together(cli, mock):
    """update with every flag at once changes them all in one version."""
    before = created(mock, privateProjects=["europe-west1.gcp:old-project"])
    result = cli.connect(
        "connectorstaged", "update",
        "--id", before["id"],
        "--name", "ERP sync 2",
        "--description", "Sends orders and invoices",
        "--creator-email", "john.roe@example.com",
        "--repository-url", OTHER_URL,
        "--repository-tag", "v2.0.0",
        "--supported-regions", "us-central1.gcp",
        "--integration-types", "erp,crm",
        "--private-projects", "europe-west1.gcp:new-project",
    ).succeeded()  # fmt: skip
    assert "(version: 2)" in result.stdout
    assert_updated(
        before,
        held(mock),
        {
            "name": "ERP sync 2",
            "description": "Sends orders and invoices",
            "creator": {"email": "john.roe@example.com"},
            "repository": {"url": OTHER_URL, "tag": "v2.0.0"},
            "supportedRegions": ["us-central1.gcp"],
            "integrationTypes": ["erp", "crm"],
            "privateProjects": ["europe-west1.gcp:new-project"],
        },
    )


def test_update_with_several_flags_and_no_repository_url(cli, mock):
    """update with several flags but no --repository-url keeps the url."""
    before = created(mock)
    result = cli.connect(
        "connectorstaged", "update",
        "--key", "erp-sync",
        "--name", "ERP sync 2",
        "--description", "Sends orders and invoices",
        "--repository-tag", "v2.0.0",
    ).succeeded()  # fmt: skip
    assert "(version: 2)" in result.stdout
    assert_updated(
        before,
        held(mock),
        {
            "name": "ERP sync 2",
            "description": "Sends orders and invoices",
            "repository": {"url": URL, "tag": "v2.0.0"},
        },
    )


# --- publish and certify ------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["id", "key"])
def test_publish(cli, mock, by):
    """publish ends Published, listed, with a production Connector, without waiting a poll interval."""
    staged = created(mock)
    reference = staged["id"] if by == "id" else "erp-sync"
    result = cli.connect("connectorstaged", "publish", f"--{by}", reference).succeeded()
    assert f"Starting the publishing process for the Connector with ID '{staged['id']}'" in result.stdout
    assert f"Publishing succeeded for the Connector with ID '{staged['id']}' and Git tag 'v1.0.0'!" in result.stdout
    after = held(mock)
    assert after["status"] == "Published"
    assert after["alreadyListed"] is True
    assert after["hasChanges"] is False
    connector = mock.get("/connectors/key=erp-sync")
    assert connector.status_code == 200, connector.text
    assert connector.json()["id"] == staged["id"]
    assert connector.json()["repository"] == {"url": URL, "tag": "v1.0.0"}
    assert connector.json()["certified"] is False


def test_publish_prints_the_publishing_report(cli, mock):
    """publish prints the publishingReport the simulated service wrote."""
    created(mock)
    result = cli.connect("connectorstaged", "publish", "--key", "erp-sync").succeeded()
    entries = held(mock).get("publishingReport", {}).get("entries", [])
    assert entries, "the simulated service completed the publish without writing its publishingReport"
    for entry in entries:
        assert entry["title"] in result.stdout, str(result)


def test_certify(cli, mock):
    """certify ends, through certification, Published and certified."""
    staged = created(mock)
    result = cli.connect("connectorstaged", "certify", "--key", "erp-sync").succeeded()
    assert (
        f"The Connector with ID '{staged['id']}' and Git tag 'v1.0.0' is under review by our certification team."
        in result.stdout
    )
    after = held(mock)
    assert after["status"] == "Published"
    assert after["certified"] is True
    assert after["alreadyListed"] is True
    connector = mock.get(f"/connectors/{staged['id']}")
    assert connector.status_code == 200, connector.text
    assert connector.json()["certified"] is True
