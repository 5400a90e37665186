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
