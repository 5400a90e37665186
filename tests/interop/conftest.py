"""The interoperability suite's set-up: the official Connect CLI and SDK against the mock.

``python -m pytest -m interop tests/interop`` runs it (the default run leaves
it out: the ``interop`` marker is deselected in ``pyproject.toml``). Its
fixtures:

- the pinned npm packages of ``package.json`` and ``package-lock.json``,
  installed once with ``npm ci --ignore-scripts`` into
  ``tests/interop/.cache/<hash of both files>/`` (or under
  ``$CONNECTOR_DOMAIN_INTEROP_CACHE``), reused while the two files do not
  change;
- the mock, as users start it: ``python -m connector_domain serve --port N
  --delay 0 --configurations tests/interop/configurations.json`` in a
  subprocess on a free loopback port, emptied before each test
  (``POST /__mock__/reset``). The file is what the simulated service finds
  in every connector's ``connect.yaml`` (an application ``service`` and an
  application ``job``, and global keys); a preview granted or a publish
  that succeeds brings it to the ConnectorStaged;
- ``cli``: runs ``commercetools ...`` with ``CTP_CLI_CONNECT_API_URL`` pointed
  at the mock and ``HOME`` an isolated folder whose
  ``.commercetools/credentials`` holds a token that never expires, so the
  CLI never asks the auth service for one; its standard input is the
  text a test passes (the answers to the CLI's prompts), else empty;
- ``node_script``: runs a script of ``tests/interop/`` with the installed
  packages on ``NODE_PATH``.

Every Node process of the suite (not npm, which needs the registry) starts
with ``NODE_OPTIONS=--require guard.cjs``: it refuses any connection that is
not loopback and any DNS lookup but ``localhost``, so no test can reach the
real Connect service. Without node or npm the tests fail, with a message
that says so: they never skip.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

INTEROP = Path(__file__).parent
ROOT = INTEROP.parent.parent
GUARD = INTEROP / "guard.cjs"
#: The ``--configurations`` file of the session's mock: the applications and keys every connector declares.
CONFIGURATIONS = INTEROP / "configurations.json"
PACKAGE_FILES = ("package.json", "package-lock.json")

#: The project the hand-written credentials name, and the mock's default project.
PROJECT_KEY = "mock-project"
REGION = "europe-west1.gcp"
#: An access token the CLI sends as is: the mock accepts any.
ACCESS_TOKEN = "interop-access-token"
#: 9999-12-31T23:59:59Z in milliseconds: the CLI refreshes a token only 5 minutes before it expires.
NEVER = 253_402_300_799_000

#: The oldest Node the pinned CLI supports (its "engines": "^18.20.0 || >=20.10.0").
NODE_MINIMUM = ((18, 20), (20, 10))

#: How long one CLI command may take. Each answers in about a second against the mock; a
#: command still running after this is polling (every 30 s or 60 s) for a state that the mock
#: did not reach, and the test fails instead of waiting it out.
CLI_TIMEOUT = 25.0

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def plain(text: str) -> str:
    """*text* without its terminal colours."""
    return _ANSI.sub("", text)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"the interoperability suite needs {name} on PATH (Node.js 18.20+ or 20.10+ with npm); "
            f"install it, or leave this suite out with -m 'not interop'",
            pytrace=False,
        )
    return path


def _check_node_version(node: str) -> None:
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    match = re.fullmatch(r"v(\d+)\.(\d+)\.\d+", version)
    if match is None:
        pytest.fail(f"cannot read the version of {node} (it printed {version!r})", pytrace=False)
    major, minor = int(match[1]), int(match[2])
    (old_major, old_minor), (new_major, new_minor) = NODE_MINIMUM
    if not ((major == old_major and minor >= old_minor) or (major == new_major and minor >= new_minor) or major > 20):
        pytest.fail(f"the pinned CLI needs Node.js ^18.20.0 or >=20.10.0; {node} is {version}", pytrace=False)


def _cache_root() -> Path:
    configured = os.environ.get("CONNECTOR_DOMAIN_INTEROP_CACHE")
    return Path(configured) if configured else INTEROP / ".cache"


def _install(npm: str) -> Path:
    """The ``node_modules`` of the pinned packages: reused if installed, else ``npm ci --ignore-scripts``."""
    digest = hashlib.sha256()
    for name in PACKAGE_FILES:
        digest.update((INTEROP / name).read_bytes())
        digest.update(b"\0")
    target = _cache_root() / digest.hexdigest()[:16]
    if (target / ".installed").is_file():
        return target / "node_modules"
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name in PACKAGE_FILES:
        shutil.copy2(INTEROP / name, partial / name)
    # npm itself runs without the guard: it needs the registry.
    result = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=partial,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        pytest.fail(
            f"npm ci --ignore-scripts failed (exit {result.returncode}) in {partial}:\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    (partial / ".installed").write_text(f"npm ci --ignore-scripts at {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n")
    try:
        partial.rename(target)
    except OSError:  # another run installed it meanwhile, or a stale copy without the marker is in the way
        if (target / ".installed").is_file():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            shutil.rmtree(target, ignore_errors=True)
            partial.rename(target)
    return target / "node_modules"


@dataclass(frozen=True)
class Node:
    """Node.js, the installed packages, and the environment every Node process of the suite gets."""

    executable: str
    modules: Path

    def env(self, home: Path, extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
        """A clean environment (nothing of the caller's CTP_* or NODE_* leaks in), with the guard preloaded.

        *extra* adds variables; a value of None removes one.
        """
        env = {
            "PATH": os.pathsep.join([str(Path(self.executable).parent), os.environ.get("PATH", os.defpath)]),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "TMPDIR": str(home / "tmp"),
            "LANG": "C.UTF-8",
            "NODE_OPTIONS": f'--require "{GUARD}"',
            "FORCE_COLOR": "0",
            "NO_COLOR": "1",
        }
        for name, value in (extra or {}).items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env


@dataclass(frozen=True)
class Result:
    """What a command did: its exit code and its output, without terminal colours."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"$ {' '.join(self.args)}\nexit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"

    def succeeded(self) -> Result:
        """This result, if the command exited 0; else the test fails with the command and its output."""
        if self.returncode != 0:
            pytest.fail(f"the command failed:\n{self}", pytrace=False)
        return self


def _run(args: list[str], env: dict[str, str], timeout: float, cwd: Path, input: str | None = None) -> Result:
    """Run *args*; *input* is its standard input (without it, stdin is empty: a prompt reads end of file)."""
    stdin = subprocess.DEVNULL if input is None else None
    try:
        done = subprocess.run(
            args,
            env=env,
            cwd=cwd,
            input=input,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = plain(exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or "")
        err = plain(exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or "")
        pytest.fail(
            f"still running after {timeout:.0f} s (polling for a state the mock never reached?):\n"
            f"$ {' '.join(args)}\n--- stdout\n{out}\n--- stderr\n{err}",
            pytrace=False,
        )
    return Result(tuple(args), done.returncode, plain(done.stdout), plain(done.stderr))


@pytest.fixture(scope="session")
def node() -> Node:
    """Node.js with the pinned packages installed (``npm ci --ignore-scripts`` on first use)."""
    executable = _tool("node")
    npm = _tool("npm")
    _check_node_version(executable)
    return Node(executable, _install(npm))


def _home(folder: Path, *, expires_at: int) -> Path:
    """*folder*, made a ``HOME`` with ``.commercetools/credentials`` (see ``home``)."""
    (folder / "tmp").mkdir()
    credentials = {
        "authentication": "client-credentials",
        "clientId": "interop-client",
        "clientSecret": "interop-secret",
        "projectKey": PROJECT_KEY,
        "scope": f"manage_project:{PROJECT_KEY}",
        "region": REGION,
        "accessToken": ACCESS_TOKEN,
        "refreshToken": None,
        "issuedAt": 0,
        "expiresAt": expires_at,
    }
    (folder / ".commercetools").mkdir()
    (folder / ".commercetools" / "credentials").write_text(json.dumps(credentials, indent=2) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An isolated ``HOME`` whose ``.commercetools/credentials`` the CLI reads as a login that never expires.

    The format is the CLI's own (``FileBasedAuthenticationRepository`` with
    ``CtpClientAuthenticationToken.Serializable``, what ``commercetools auth
    login`` writes): ``authentication`` names the kind, the times are
    milliseconds since the epoch, and ``projectKey`` and ``region`` are the
    ones the CLI puts in URLs of the project-scoped endpoints. The CLI asks the
    auth service for a new token only when this one is less than 5 minutes
    from ``expiresAt``, or when a request answers 401.
    """
    return _home(tmp_path_factory.mktemp("home"), expires_at=NEVER)


@pytest.fixture(scope="session")
def expired_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``HOME`` like ``home``, but its token expired in 1970: the CLI wants a new one first."""
    return _home(tmp_path_factory.mktemp("expired-home"), expires_at=1000)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_mock(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "connector_domain", "serve", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--delay", "0", "--configurations", str(CONFIGURATIONS)]
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/connectors/drafts", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    process.kill()
    process.wait()
    raise RuntimeError(f"the mock did not start: {' '.join(args)}\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def mock_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of ``python -m connector_domain serve --delay 0 --configurations ...``, run for the session."""
    log = tmp_path_factory.mktemp("mock") / "serve.log"
    try:
        process, url = _start_mock(log)
    except RuntimeError:  # the free port was taken before the mock bound it: once more
        process, url = _start_mock(log)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def mock(mock_url: str) -> Iterator[httpx.Client]:
    """An HTTP client of the mock, which starts each test empty."""
    with httpx.Client(base_url=mock_url, timeout=10) as client:
        assert client.post("/__mock__/reset").status_code == 204
        yield client


class Cli:
    """``commercetools`` of the installed ``@commercetools/cli``, pointed at the mock."""

    def __init__(self, node: Node, home: Path, url: str) -> None:
        self.node = node
        self.home = home
        self.url = url
        self.executable = node.modules / ".bin" / "commercetools"

    def __call__(
        self,
        *args: str,
        env: Mapping[str, str | None] | None = None,
        home: Path | None = None,
        timeout: float = CLI_TIMEOUT,
        input: str | None = None,
    ) -> Result:
        """Run ``commercetools ARGS``.

        *env* adds to its environment, or removes from it (a value of None);
        *home* replaces the isolated ``HOME``; *input* is what the CLI reads
        on its standard input (the answers to its prompts, such as ``"y\\n"``),
        else nothing.
        """
        extra: dict[str, str | None] = {"CTP_CLI_CONNECT_API_URL": self.url, **(env or {})}
        home = home or self.home
        return _run([str(self.executable), *args], self.node.env(home, extra), timeout, home, input)

    def connect(
        self,
        *args: str,
        env: Mapping[str, str | None] | None = None,
        home: Path | None = None,
        input: str | None = None,
    ) -> Result:
        """Run ``commercetools connect ARGS``."""
        return self("connect", *args, env=env, home=home, input=input)


@pytest.fixture
def cli(node: Node, home: Path, mock: httpx.Client) -> Cli:
    """Runs the CLI against the mock (emptied for the test)."""
    return Cli(node, home, str(mock.base_url).rstrip("/"))


class NodeScript:
    """Runs a script of ``tests/interop/`` with the installed packages and the guard."""

    def __init__(self, node: Node, home: Path) -> None:
        self.node = node
        self.home = home

    def __call__(self, script: str, *args: str, timeout: float = 60) -> Result:
        env = self.node.env(self.home, {"NODE_PATH": str(self.node.modules)})
        return _run([self.node.executable, str(INTEROP / script), *args], env, timeout, INTEROP)


@pytest.fixture(scope="session")
def node_script(node: Node, home: Path) -> NodeScript:
    """Runs ``node tests/interop/SCRIPT ARGS``."""
    return NodeScript(node, home)
