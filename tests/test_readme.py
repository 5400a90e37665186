"""The README's code works as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def test_readme_python_example_runs() -> None:
    """Every ```python block of the README runs without error."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})


def test_readme_test_command_is_the_one_ci_runs() -> None:
    """The README's test command appears verbatim in .ci/run."""
    command = re.search(r"python3 -m venv \.venv && \.venv/bin/pip install \"\.\[test\]\".*", README.read_text())
    assert command is not None
    assert command.group(0) in (README.parent / ".ci" / "run").read_text()
