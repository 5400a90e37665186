"""The command line: python -m connector_domain."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import connector_domain
from connector_domain import diagram
from connector_domain.__main__ import COMMANDS, main, make_parser

FIXTURES = Path(__file__).parent / "fixtures"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def _exit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int | str | None, str, str]:
    """The exit code, output and error output of a command line that argparse ends (help, a usage error)."""
    with pytest.raises(SystemExit) as raised:
        main(list(args))
    captured = capsys.readouterr()
    return raised.value.code, captured.out, captured.err


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` lists apply, diagram and serve, each with its one-line summary, and exits 0."""
    code, out, _ = _exit(capsys, "--help")
    assert code == 0
    assert out.startswith("usage: python -m connector_domain [-h] [--version] {apply,diagram,serve}")
    for command in ("apply", "diagram", "serve"):
        assert f"\n    {command} " in out, out
    assert "STAGED.json UPDATE.json (no command)" in out


@pytest.mark.parametrize(
    ("command", "options"),
    [("apply", ["--by PROJECT_KEY", "--at DATETIME", "STAGED.json", "UPDATE.json"]),
     ("diagram", ["--markdown", "--deployment"]),
     ("serve", ["--host", "--port", "--simulate", "--delay", "--certification"])],
)  # fmt: skip
def test_each_command_has_its_help(capsys: pytest.CaptureFixture[str], command: str, options: list[str]) -> None:
    """`COMMAND --help` shows that command's usage and options, and exits 0."""
    code, out, _ = _exit(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: python -m connector_domain {command} [-h]")
    for option in options:
        assert option in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`--version` prints the distribution's name and version, and exits 0."""
    code, out, _ = _exit(capsys, "--version")
    assert (code, out) == (0, f"connector-domain {connector_domain.__version__}\n")


def test_commands_are_the_parsers_subcommands() -> None:
    """COMMANDS, which tells a command from the form without one, names exactly the parser's subcommands."""
    (subparsers,) = (a for a in make_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert tuple(subparsers.choices) == COMMANDS == ("apply", "diagram", "serve")


def test_apply_command_equals_the_form_without_it(capsys: pytest.CaptureFixture[str]) -> None:
    """`apply STAGED.json UPDATE.json` prints what `STAGED.json UPDATE.json` prints."""
    files = (str(FIXTURES / "created-draft.json"), str(FIXTURES / "update.json"))
    assert _run(capsys, "apply", *files) == _run(capsys, *files)
    assert _run(capsys, "apply", *files)[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diagramm"], "invalid choice: 'diagramm' (choose from 'apply', 'diagram', 'serve'"),
        (["apply", "staged.json"], "the following arguments are required: UPDATE.json"),
        (["staged.json", "update.json", "extra.json"], "unrecognized arguments: extra.json"),
        (["apply", "a.json", "b.json", "--at", "yesterday"], 'argument --at: "yesterday" is not an RFC 3339 date-time'),
        (["a.json", "b.json", "--at", "2024-01-31T12:00:00"], 'argument --at: "2024-01-31T12:00:00" is not an RFC'),
        (["a.json", "b.json", "--at", "0001-01-01T00:00:00+01:00"], "is not a valid UTC date-time"),
        (["serve", "--port", "70000"], "argument --port: not a port (0 to 65535): '70000'"),
        (["diagram", "--mermaid"], "unrecognized arguments: --mermaid"),
        (["serve", "--delay", "-1"], "argument --delay: cannot be negative"),
        (["serve", "--delay", "soon"], "argument --delay: not a number of seconds: 'soon'"),
        (["serve", "--simulate", "sometimes"], "argument --simulate: invalid choice: 'sometimes'"),
    ],
)
def test_usage_errors_exit_2_with_the_reason(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    """Wrong arguments print the usage and the reason on stderr, and exit 2 (argparse's convention)."""
    code, out, err = _exit(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("usage: python -m connector_domain")
    assert message in err, err


def test_update_prints_the_resulting_resource(capsys: pytest.CaptureFixture[str]) -> None:
    """Applying update.json to created-draft.json prints updated-draft.json and exits 0."""
    code, out = _run(capsys, str(FIXTURES / "created-draft.json"), str(FIXTURES / "update.json"))
    assert code == 0
    assert json.loads(out) == json.loads((FIXTURES / "updated-draft.json").read_text())


def test_refused_update_prints_the_error_response(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A stale version prints the 409 ErrorResponse and exits 1."""
    update = tmp_path / "update.json"
    update.write_text(json.dumps({"version": 7, "actions": [{"action": "setName", "name": "x"}]}))
    code, out = _run(capsys, str(FIXTURES / "created-draft.json"), str(update))
    body = json.loads(out)
    assert code == 1
    assert body["statusCode"] == 409
    assert body["errors"][0] | {"message": ""} == {
        "code": "ConcurrentModification", "message": "", "expectedVersion": 7, "currentVersion": 1,
    }  # fmt: skip


def test_invalid_update_prints_invalid_json_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A malformed update prints an InvalidJsonInput naming the path, and exits 1."""
    update = tmp_path / "update.json"
    update.write_text('{"version": 1, "actions": [{"action": "setName", "name": 3}]}')
    code, out = _run(capsys, str(FIXTURES / "created-draft.json"), str(update))
    body = json.loads(out)
    assert code == 1
    assert body["errors"][0]["code"] == "InvalidJsonInput"
    assert body["errors"][0]["detailedErrorMessage"] == "actions[0].name: expected a string, got an integer"


def test_certification_comment_needs_by(tmp_path: Path) -> None:
    """addCertificationComment without --by stops with a message, not a traceback."""
    update = tmp_path / "update.json"
    update.write_text('{"version": 1, "actions": [{"action": "addCertificationComment", "comment": "hi"}]}')
    with pytest.raises(SystemExit, match="--by"):
        main([str(FIXTURES / "staged.json"), str(update)])


def test_certification_comment_with_by_and_at(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--by and --at become the comment's userId and datetime."""
    staged = json.loads((FIXTURES / "created-draft.json").read_text()) | {"status": "InCertification"}
    (tmp_path / "staged.json").write_text(json.dumps(staged))
    (tmp_path / "update.json").write_text(
        '{"version": 1, "actions": [{"action": "addCertificationComment", "comment": "looks good"}]}'
    )
    code, out = _run(
        capsys, str(tmp_path / "staged.json"), str(tmp_path / "update.json"), "--by", "reviewer",
        "--at", "2024-02-03T04:05:06.789Z",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["certificationInfo"] == {
        "comments": [{"userId": "reviewer", "datetime": "2024-02-03T04:05:06.789Z", "comment": "looks good"}]
    }


def test_missing_file_is_a_clear_error() -> None:
    """A file that cannot be read stops with its name."""
    with pytest.raises(SystemExit, match=r"nope\.json"):
        main(["nope.json", str(FIXTURES / "update.json")])


def test_example_walks_a_lifecycle(capsys: pytest.CaptureFixture[str]) -> None:
    """Without arguments the bundled example runs, showing a refusal and a publication."""
    code, out = _run(capsys)
    assert code == 0
    assert "InvalidOperation (400)" in out
    assert "ConcurrentModification (409)" in out
    assert "Published" in out


def test_diagram_prints_the_mermaid_of_the_tables(capsys: pytest.CaptureFixture[str]) -> None:
    """`diagram` prints the Mermaid diagrams; `--markdown` the docs' generated part."""
    assert _run(capsys, "diagram") == (0, diagram.mermaid())
    assert _run(capsys, "diagram", "--markdown") == (0, diagram.lifecycle_markdown())


def test_diagram_of_the_deployment(capsys: pytest.CaptureFixture[str]) -> None:
    """`diagram --deployment` prints the Deployment's diagram; with `--markdown` the generated part of its page."""
    assert _run(capsys, "diagram", "--deployment") == (0, diagram.deployment_mermaid())
    assert _run(capsys, "diagram", "--deployment", "--markdown") == (0, diagram.deployment_markdown())


@pytest.mark.parametrize(
    ("args", "simulation", "delay", "certifies"),
    [
        (["serve"], "Automatic", 2.0, True),
        (["serve", "--delay", "0.5", "--certification", "fail"], "Automatic", 0.5, False),
        (["serve", "--simulate", "manual"], "Manual", None, None),
    ],
)
def test_serve_hands_its_options_to_the_server(
    monkeypatch: pytest.MonkeyPatch, args: list[str], simulation: str, delay: float | None, certifies: bool | None
) -> None:
    """`serve` runs the mock on --host and --port, with the simulation its options describe."""
    from connector_domain.mock import server

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: calls.append(kwargs))
    assert main([*args, "--host", "::1", "--port", "9000"]) == 0
    (call,) = calls
    assert (call["host"], call["port"], type(call["simulation"]).__name__) == ("::1", 9000, simulation)
    if delay is not None:
        steps = {call["simulation"].publishing_delay, call["simulation"].preview_delay,
                 call["simulation"].certification_delay}  # fmt: skip
        assert steps == {timedelta(seconds=delay)}
        assert call["simulation"].certify(None) is certifies


def test_serve_acts_as_the_project_and_region_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --project --region` hands the calling project to the server; the defaults are mock-project in
    europe-west1.gcp."""
    from connector_domain.mock import server

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: calls.append(kwargs))
    assert main(["serve", "--project", "team-a", "--region", "us-central1.gcp"]) == 0
    assert main(["serve", "--allowed-host", "mock.team.example", "--allowed-host", "other.example"]) == 0
    assert [(c["project"], c["region"], c["allowed_hosts"]) for c in calls] == [
        ("team-a", "us-central1.gcp", []),
        ("mock-project", "europe-west1.gcp", ["mock.team.example", "other.example"]),
    ]


@pytest.mark.parametrize("args", [["--project", "x"], ["--project", "no spaces"], ["--region", "mars-1.gcp"]])
def test_serve_refuses_a_bad_project_or_region(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """A project key that is no project key, or an unknown region, exits 2 naming the option."""
    with pytest.raises(SystemExit) as exited:
        main(["serve", *args])
    assert exited.value.code == 2
    assert args[0] in capsys.readouterr().err


@pytest.mark.parametrize(
    ("delay", "says"),
    [("1e12", "past the year 9000"), ("inf", "not a number of seconds"), ("nan", "not a number of seconds")],
)
def test_serve_refuses_a_delay_the_clock_cannot_hold(delay: str, says: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A delay that would overflow the mock's clock is refused at start-up, before anything is served."""
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--delay", delay])
    assert exited.value.code == 2
    assert says in capsys.readouterr().err


def test_serve_hands_the_request_timeout_to_both_deadlines(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --request-timeout` sets the deadline of the line and headers and that of the body; by default
    they are 10 and 30 seconds."""
    from connector_domain.mock import server

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: calls.append(kwargs))
    assert main(["serve", "--request-timeout", "2.5"]) == 0
    assert main(["serve"]) == 0
    assert [(c["header_timeout"], c["body_timeout"]) for c in calls] == [(2.5, 2.5), (10, 30)]


@pytest.mark.parametrize("timeout", ["0", "-1", "inf", "nan", "soon"])
def test_serve_refuses_a_request_timeout_that_is_not_positive(timeout: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A timeout of no seconds, of infinitely many or of no number is refused at start-up, naming the option."""
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--request-timeout", timeout])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--request-timeout" in err and "not a positive, finite number of seconds" in err


def test_help_from_the_program_lists_the_commands() -> None:
    """`python -m connector_domain --help`, in a subprocess, lists the three commands."""
    result = subprocess.run([sys.executable, "-m", "connector_domain", "--help"], capture_output=True, text=True,
                            cwd=Path(__file__).parent.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "{apply,diagram,serve}" in result.stdout


def test_module_runs_as_a_program() -> None:
    """`python -m connector_domain` runs in a subprocess and exits 0."""
    result = subprocess.run([sys.executable, "-m", "connector_domain"], capture_output=True, text=True,
                            cwd=Path(__file__).parent.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("create")


def test_a_closed_pipe_ends_quietly() -> None:
    """Output into a pipe whose reader is gone (`... | head`) ends without a traceback.

    The pipe's read end is closed before the program starts, so its first write fails, every run.
    """
    read, write = os.pipe()
    os.close(read)
    try:
        files = ["tests/fixtures/created-draft.json", "tests/fixtures/update.json"]
        result = subprocess.run(
            [sys.executable, "-m", "connector_domain", *files],
            stdout=write, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent,
        )  # fmt: skip
    finally:
        os.close(write)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr


# --- serve --configurations and --production-disabled ----------------------------------------------

DECLARATIONS = FIXTURES / "mock" / "declarations.json"


def test_serve_hands_the_declarations_and_the_deployment_delay_to_the_simulation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`serve --configurations FILE` gives the automatic service what FILE declares; --delay times the builds too.
    Without the option, the default declarations: one service application."""
    from connector_domain.mock import server
    from connector_domain.mock.simulation import DEFAULT_DECLARATIONS, Declarations

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: calls.append(kwargs))
    assert main(["serve", "--configurations", str(DECLARATIONS), "--delay", "0.25"]) == 0
    assert main(["serve"]) == 0
    given, default = (call["simulation"] for call in calls)
    assert given.declarations == Declarations.read(DECLARATIONS.read_bytes())
    assert [a.application_name for a in given.declarations.configurations] == ["service-app", "job-app", "event-app"]
    assert given.declarations.global_configuration is not None
    assert given.deployment_delay == timedelta(seconds=0.25)
    assert default.declarations == DEFAULT_DECLARATIONS and default.deployment_delay == timedelta(seconds=2)


def _bad_file(tmp_path: Path, name: str, content: bytes | None) -> str:
    if content is None:
        return str(tmp_path / name)  # not there
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("missing.json", None, "cannot read {path}: No such file or directory"),
        ("empty.json", b"", "{path} is not a declaration of configurations: $: not valid JSON"),
        ("broken.json", b'{"configurations": [', "{path} is not a declaration of configurations: $: not valid JSON"),
        ("list.json", b"[]", "{path} is not a declaration of configurations: $: expected an object"),
        ("latin.json", b'{"configurations": ["\xe9"]}', "{path} is not a declaration of configurations: $: not valid"),
        ("report.json", b'{"configurations": [], "report": {"entries": []}}',
         "{path} is not a declaration of configurations: report: not a field of the declarations"),
        ("types.json", b'{"configurations": {}}',
         "{path} is not a declaration of configurations: configurations: expected an array"),
    ],
)  # fmt: skip
def test_serve_refuses_a_bad_declarations_file_naming_it_and_the_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: bytes | None, problem: str
) -> None:
    """A file that is not there, not JSON, not an object or not the declarations' shape: exit 2 at start-up,
    naming --configurations, the path and what is wrong."""
    path = _bad_file(tmp_path, name, content)
    code, out, err = _exit(capsys, "serve", "--configurations", path)
    assert (code, out) == (2, "")
    assert f"argument --configurations: {problem.format(path=path)}" in err, err


def test_serve_refuses_a_declaration_of_the_wrong_shape_naming_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    """An application of an unknown type, a key without its description: both named, with their paths."""
    bad = FIXTURES / "mock" / "declarations-invalid.json"
    code, _, err = _exit(capsys, "serve", "--configurations", str(bad))
    assert code == 2
    assert f"{bad} is not a declaration of configurations: " in err
    assert "configurations[0].applicationType: 'daemon' is not one of" in err
    assert "configurations[0].standardConfiguration[0].description: required field missing" in err


def test_serve_refuses_a_directory_as_declarations(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A directory is no file: the reason the system gives."""
    code, _, err = _exit(capsys, "serve", "--configurations", str(tmp_path))
    assert code == 2 and f"cannot read {tmp_path}: " in err


def test_the_declarations_type_reads_the_file() -> None:
    """The argparse type of --configurations is Declarations.read of the file; a bad one an ArgumentTypeError."""
    from connector_domain.__main__ import _declarations
    from connector_domain.mock.simulation import Declarations

    assert _declarations(str(DECLARATIONS)) == Declarations.read(DECLARATIONS.read_text())
    with pytest.raises(argparse.ArgumentTypeError, match="is not a declaration of configurations"):
        _declarations(str(FIXTURES / "mock" / "declarations-invalid.json"))


def test_declarations_read_the_wire_form() -> None:
    """Declarations.read takes text or bytes of the API's JSON; an empty object declares nothing."""
    from connector_domain.mock.simulation import Declarations

    text = DECLARATIONS.read_text()
    assert Declarations.read(text) == Declarations.read(text.encode())
    (service, _, _) = Declarations.read(text).configurations
    assert [(k.key, k.required) for k in service.standard_configuration] == [("STD_KEY", True), ("OPT_KEY", None)]
    assert Declarations.read("{}") == Declarations(configurations=())


def test_declarations_keep_the_global_configuration_and_api_client() -> None:
    """The file's globalConfiguration and apiClient, which --help says it holds, are read, as the events carry them."""
    from connector_domain.mock.simulation import Declarations
    from connector_domain.model import ConnectorApiClient, ConnectorGlobalConfiguration, StandardConfigurationKey

    document = {
        **json.loads(DECLARATIONS.read_text()),
        "globalConfiguration": {"standardConfiguration": [{"key": "G", "description": "d", "required": True}]},
        "apiClient": {"scopes": ["manage_orders:{projectKey}"]},
    }
    read = Declarations.read(json.dumps(document))
    assert read.global_configuration == ConnectorGlobalConfiguration(
        standard_configuration=(StandardConfigurationKey(key="G", description="d", required=True),)
    )
    assert read.api_client == ConnectorApiClient(scopes=("manage_orders:{projectKey}",))
    assert read.configurations == Declarations.read(DECLARATIONS.read_text()).configurations


def test_serve_hands_the_projects_without_production_to_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--production-disabled` is repeatable; by default no project is disabled."""
    from connector_domain.mock import server

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: calls.append(kwargs))
    assert main(["serve", "--production-disabled", "team-a", "--production-disabled", "team_b-2"]) == 0
    assert main(["serve"]) == 0
    assert [c["production_disabled"] for c in calls] == [["team-a", "team_b-2"], []]


@pytest.mark.parametrize("key", ["x", "no spaces", "é" * 3, "p" * 37])
def test_serve_refuses_a_production_disabled_key_that_is_no_project_key(
    capsys: pytest.CaptureFixture[str], key: str
) -> None:
    """A project key that is none exits 2, naming the option and the value."""
    code, _, err = _exit(capsys, "serve", "--production-disabled", key)
    assert code == 2
    assert f"argument --production-disabled: not a project key (2 to 36 of a-z, A-Z, 0-9, - and _): {key!r}" in err


def test_serve_help_names_the_deployment_options(capsys: pytest.CaptureFixture[str]) -> None:
    """`serve --help` lists --configurations FILE and --production-disabled PROJECT_KEY."""
    code, out, _ = _exit(capsys, "serve", "--help")
    assert code == 0
    assert "--configurations FILE" in out and "--production-disabled PROJECT_KEY" in out


def test_serve_with_declarations_and_production_disabled_deploys_what_the_file_declares(tmp_path: Path) -> None:
    """End to end, `serve --delay 0 --configurations FILE --production-disabled mock-project`: a published
    connector has FILE's applications, a sandbox Deployment of it is built at the next read (Failed without the
    required values, Deployed with them), and production into mock-project is refused."""
    import socket
    import time

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    args = ["serve", "--port", str(port), "--delay", "0", "--configurations", str(DECLARATIONS),
            "--production-disabled", "mock-project"]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "connector_domain", *args],
        cwd=Path(__file__).parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    staged = {
        "key": "conn", "name": "My connector", "creator": {"email": "jane.doe@example.com"},
        "repository": {"url": "git@github.com:example/my-connector.git", "tag": "v1.0.0"},
    }  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                created = httpx.post(f"{url}/connectors/drafts", json=staged)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
                time.sleep(0.05)
        with httpx.Client(base_url=url, timeout=10) as client:
            id = created.json()["id"]
            update = {"version": 1, "actions": [{"action": "publish", "certification": False}]}
            assert client.post(f"/connectors/drafts/{id}", json=update).status_code == 201
            connector = client.get(f"/connectors/{id}").json()
            assert [a["applicationName"] for a in connector["configurations"]] == [
                "service-app",
                "job-app",
                "event-app",
            ]
            assert [k["key"] for k in connector["globalConfiguration"]["securedConfiguration"]] == ["GLOBAL_SECRET"]
            draft = {"connector": {"id": id}, "configurations": [], "region": "europe-west1.gcp"}
            refused = client.post("/mock-project/deployments", json={**draft, "type": "production"})
            assert refused.json()["errors"][0]["code"] == "DeploymentProductionDeactivated"
            bare = client.post("/mock-project/deployments", json=draft).json()
            failed = client.get(f"/mock-project/deployments/{bare['id']}").json()
            assert failed["status"] == "Failed"
            assert {e["title"] for e in failed["details"]["build"]["report"]["entries"]} == {
                "Missing required configuration"
            }
            values = [{"applicationName": "service-app", "standardConfiguration": [{"key": "STD_KEY", "value": "v"}],
                       "securedConfiguration": [{"key": "SECRET_KEY", "value": "s"}]}]  # fmt: skip
            full = client.post("/mock-project/deployments", json={**draft, "configurations": values}).json()
            assert client.get(f"/mock-project/deployments/{full['id']}").json()["status"] == "Deployed"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_hands_auth_and_the_clients_to_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --auth --client ...` (repeatable) reaches the server parsed; by default no auth and no fixed client."""
    from connector_domain.authorization import Scope
    from connector_domain.mock import server
    from connector_domain.mock.identity import Client

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: calls.append(kwargs))
    assert main(["serve"]) == 0
    clients = ["ci:s3cret:manage_project:team-a view_connectors:team-a", "viewer:p%w0rd:view_connectors:team-b"]
    assert main(["serve", "--auth", "--client", clients[0], "--client", clients[1]]) == 0
    assert main(["serve", "--client", clients[1]]) == 0
    assert [(c["auth"], c["clients"]) for c in calls] == [
        (False, []),
        (
            True,
            [
                Client("ci", "s3cret", (Scope("manage_project", "team-a"), Scope("view_connectors", "team-a"))),
                Client("viewer", "p%w0rd", (Scope("view_connectors", "team-b"),)),
            ],
        ),
        (False, [Client("viewer", "p%w0rd", (Scope("view_connectors", "team-b"),))]),
    ]


@pytest.mark.parametrize(
    ("client", "says"),
    [
        ("ci", "expected ID:SECRET:SCOPES, got 'ci'"),
        ("ci:s3cret", "expected ID:SECRET:SCOPES, got 'ci:s3cret'"),
        (":s3cret:view_connectors:team-a", "expected ID:SECRET:SCOPES"),
        ("ci::view_connectors:team-a", "expected ID:SECRET:SCOPES"),
        ("ci:s3cret:", "a client needs at least one scope"),
        ("ci:s3cret:   ", "a client needs at least one scope"),
        ("ci:s3cret:manage_everything:team-a", "'manage_everything:team-a' is not a scope: expected name:projectKey"),
        ("ci:s3cret:view_connectors", "'view_connectors' is not a scope"),
        ("ci:s3cret:view_connectors:x", "'view_connectors:x' is not a scope"),
        ("ci:s3cret:view_connectors:team-a bogus", "'bogus' is not a scope"),
        ("ci:s3cret:view_connectors:team-a view_connectors:team-b", "the scopes of a client name one project"),
    ],
)
def test_serve_refuses_a_bad_client_naming_what_is_wrong(
    client: str, says: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A --client that is not ID:SECRET:SCOPES, or whose scopes are no scopes, exits 2 before anything is served."""
    from connector_domain.mock import server

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: calls.append(kwargs))
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--auth", "--client", client])
    assert exited.value.code == 2 and calls == []
    err = capsys.readouterr().err
    assert f"argument --client: {says}" in err, err
    assert "Traceback" not in err


def test_serve_help_names_auth_and_client(capsys: pytest.CaptureFixture[str]) -> None:
    """`serve --help` says what --auth requires and how a --client is written."""
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--auth" in out and "require a token from POST /oauth/token" in out
    assert "--client ID:SECRET:SCOPES" in out and "name:projectKey" in out
