"""The command line: python -m connector_domain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from connector_domain import diagram
from connector_domain.__main__ import main

FIXTURES = Path(__file__).parent / "fixtures"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


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


def test_module_runs_as_a_program() -> None:
    """`python -m connector_domain` runs in a subprocess and exits 0."""
    result = subprocess.run([sys.executable, "-m", "connector_domain"], capture_output=True, text=True,
                            cwd=Path(__file__).parent.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("create")
