"""Mutation testing of the rules core and the mock's store (not run by CI).

A mutant is one small change to one module (``==`` for ``!=``, ``and`` for
``or``, a constant changed, a keyword argument, a table entry or a statement
dropped, a branch negated); a test that fails on it kills it. A surviving
mutant is a behaviour no test pins down, or an equivalent change (one no
input can tell apart), listed in ``EQUIVALENT`` below with the reason.

The mutants come from the module's syntax tree, module-level tables included
(``lifecycle``'s transition tables are data, so a dropped or redirected
entry is a mutant too). Each mutant runs only the tests that executed its
line, as recorded once by coverage with per-test contexts, and then, if it
survives them, every test of the module's files (a line that runs at import
time, found by importing the package under coverage, or that coverage never
saw run, runs every test file of the module at once), in a copy of the
working tree, with the fast Hypothesis profile and a fixed seed, stopping at
the first failure. A mutant that makes the tests hang is counted as killed.

Usage, from the repository root, in a virtual environment holding the
project's test dependencies and pytest-cov (``pip install -e '.[test]'
pytest-cov``)::

    python scripts/mutation.py                       # every module of MODULES
    python scripts/mutation.py reducer access        # some of them
    python scripts/mutation.py actions errors        # modules listed in LATER
    python scripts/mutation.py reducer --jobs 4 --show-equivalent

It prints each surviving mutant (module, line, function, change) and a table
of scores: killed / all mutants, and killed / non-equivalent mutants. The
exit status is 1 when a survivor is not listed in ``EQUIVALENT``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# The fast, targeted files first: a mutant stops at its first failing test.
_CORE_TESTS = (
    "tests/test_lifecycle.py",
    "tests/test_reducer.py",
    "tests/test_access.py",
    "tests/test_model.py",
    "tests/test_stateful.py",
    "tests/test_properties.py",
)
_STORE_TESTS = ("tests/test_store.py", "tests/test_server.py")

#: Module (under connector_domain/) -> the test files that exercise it.
MODULES: dict[str, tuple[str, ...]] = {
    "reducer": _CORE_TESTS,
    "lifecycle": _CORE_TESTS,
    "access": _CORE_TESTS,
    "_machine": _CORE_TESTS,
    "codec": ("tests/test_codec.py", "tests/test_properties.py", "tests/test_access.py"),
    "mock/store": _STORE_TESTS,
    "mock/query": _STORE_TESTS,
    "mock/simulation": _STORE_TESTS,
    "mock/clock": _STORE_TESTS,
}
#: Modules not in the default run, ready to be named on the command line.
LATER: dict[str, tuple[str, ...]] = {
    "actions": ("tests/test_errors.py", *_CORE_TESTS, "tests/test_codec.py"),
    "errors": ("tests/test_errors.py", *_CORE_TESTS, "tests/test_codec.py", "tests/test_store.py"),
    "events": (*_CORE_TESTS, "tests/test_codec.py"),
    "model": (*_CORE_TESTS, "tests/test_codec.py"),
}

_SAME_DEFAULT = "the field's default is the same value"
_NO_TIME = "service events need no time: only addCertificationComment does, and the service never sends it"
_EVERY_ANSWER_MOVES = (
    "every awaited event moves the status or isPreviewable (test_lifecycle checks AWAITED against the tables), "
    "so the service's answer is always accepted and never a no-op"
)

_ITEM_NOTES = (
    "earlier notes of an item's error are kept, and there are none: the item hooks raise errors without notes "
    "(_at_field puts its note on the inner error, not on the ClassValidationError it raises)"
)
_NOTE_TEXT = "_problems reads only the notes' index and the sub-exceptions, never these texts"
_OPTIONAL = (
    "without the X | None hook, cattrs' own handling of X | None gives the same results; the hook only spares "
    "a lookup on every call"
)

_RESOLVED = (
    "the typed field transformer resolves every field's type when the class is built, so attrs.resolve_types "
    "has nothing left to do"
)
_TUPLES_AS_LISTS = "the model's tuples are all tuple[X, ...], which the _tuple_unhook factory writes as lists anyway"

#: Surviving mutants that no input can tell apart from the original, by
#: (module, function, change) as the report prints them, with the reason
#: (docs/testing.md lists them too).
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("access", "check_deployment", "1 -> 2"): (
        "a ProjectIdentifier, checked first, holds exactly one colon: split once or twice, its region is the same"
    ),
    (
        "_machine",
        "replacer",
        "f'<connector_domain replace {cls.__name__}>' -> f'XX<connector_domain replace {cls.__name__}>'",
    ): "the file name of the generated function shows in tracebacks only",
    ("reducer", "create", "drop configurations= in ConnectorStaged(...)"): f"{_SAME_DEFAULT}, ()",
    ("reducer", "create", "drop status= in ConnectorStaged(...)"): f"{_SAME_DEFAULT}, Draft",
    ("reducer", "create", "drop is_previewable= in ConnectorStaged(...)"): f"{_SAME_DEFAULT}, none",
    ("reducer", "create", "drop published_before= in ConnectorStaged(...)"): (
        f"{_SAME_DEFAULT}: alreadyListed or certified, both false at creation"
    ),
    ("reducer", "_changes", "return changes -> return None"): (
        "reached only when changes is empty, and both callers only test the result's truth"
    ),
    ("lifecycle", "<module>", "'edit' -> 'XXeditXX'"): "a table key's tag: keys are compared, never shown or parsed",
    ("lifecycle", "<module>", "'certification asked' -> 'XXcertification askedXX'"): (
        "a table key's tag: keys are compared, never shown or parsed"
    ),
    ("codec", "_datetime", "3 -> 4"): (
        "the fraction padded to four digits, not three, then cut to its first three: the same three digits "
        "(the other 3 -> 4 of the line, the cut, is killed)"
    ),
    (
        "codec",
        "_is_homogeneous_tuple",
        "get_origin(t) is tuple and len(args) == 2 and (... -> get_origin(t) is tuple or len(args) == 2 or arg...",
    ): (
        "the only other two-argument types of the model are X | None, whose hook factory, registered later, "
        "takes precedence"
    ),
    ("codec", "_tuple_of.structure", "drop element *getattr(exc, '__notes__', [])"): _ITEM_NOTES,
    ("codec", "_tuple_of.structure", "'__notes__' -> 'XX__notes__XX'"): _ITEM_NOTES,
    ("codec", "_tuple_of.structure", "f'Structuring {t} @ index {index}' -> f'XXStructuring {t} @ index {index}'"): (
        _NOTE_TEXT
    ),
    ("codec", "_tuple_of.structure", "f'While structuring {t!r}' -> f'XXWhile structuring {t!r}'"): _NOTE_TEXT,
    ("codec", "_is_optional", "return len(args) == 2 and type(None) in args -> return None"): _OPTIONAL,
    ("codec", "_is_optional", "len(args) == 2 -> len(args) != 2"): _OPTIONAL,
    ("codec", "_is_optional", "2 -> 3"): _OPTIONAL,
    ("codec", "_class_hook", "delete attrs.resolve_types(cls)"): _RESOLVED,
    ("codec", "_class_unhook", "delete attrs.resolve_types(cls)"): _RESOLVED,
    ("codec", "_at_field", "f'Structuring {cls} @ attribute {name}' -> f'XXStructuring {cls} @ attribute {name}'"): (
        _NOTE_TEXT
    ),
    ("codec", "_at_field", "f'While structuring {cls}' -> f'XXWhile structuring {cls}'"): _NOTE_TEXT,
    ("codec", "configure_converter", "delete conv.register_structure_hook_factory(_is_optional, _optio..."): _OPTIONAL,
    ("codec", "configure_converter", "delete conv.register_unstructure_hook_factory(lambda t: isinstan..."): (
        "cattrs' own unstructuring of an enum writes its value too; the hook only spares the descriptor"
    ),
    ("codec", "configure_converter", "delete conv.register_unstructure_hook_factory(_is_homogeneous_tu..."): (
        "the converter's collection override writes every tuple as a list of its unstructured items too"
    ),
    ("codec", "configure_converter", "delete conv.register_unstructure_hook_factory(_is_optional, _opt..."): (
        "cattrs' own unstructuring of X | None writes None, or the value by its own hook, the same"
    ),
    ("codec", "make_converter", "drop unstruct_collection_overrides= in Converter(...)"): _TUPLES_AS_LISTS,
    ("codec", "make_converter", "drop entry tuple"): _TUPLES_AS_LISTS,
    ("codec", "_problems", "delete out.extend(_problems(sub, path))"): (
        "the errors of a group without a note, which this converter never raises: every field and item error "
        "gets its note, and unknown keys are not forbidden (the one error cattrs adds without a note)"
    ),
    ("mock/store", "Store.__init__", "1 -> 2"): "sequence numbers only order resources; none is ever shown",
    ("mock/store", "Store.simulation", "delete self._schedule.clear()"): (
        "every resource is planned again right after, on both machines, and a plan replaces or cancels the job "
        "of its resource and machine: only superseded heap entries stay, which pop_due skips"
    ),
    ("mock/store", "Store._run", "drop at= in apply(...)"): _NO_TIME,
    (
        "mock/store",
        "Store._run",
        "isinstance(result, ConnectorStaged) and result ... -> isinstance(result, ConnectorStaged) or result i...",
    ): _EVERY_ANSWER_MOVES,
    ("mock/store", "Store.deliver", "drop at= in apply(...)"): _NO_TIME,
    ("mock/store", "Store.deliver", "return stored -> return None"): (
        "unreachable: every service event the tables accept moves the status or isPreviewable, so none is a no-op"
    ),
    ("mock/store", "Store._delete", "delete self._schedule.drop(id)"): (
        "a job left for a deleted resource does nothing (_run finds no resource), and a new resource with the "
        "same id plans both machines afresh when it is created"
    ),
    ("mock/simulation", "Schedule.__init__", "1 -> 2"): "tokens are only compared with each other",
    ("mock/simulation", "Schedule.clear", "delete self._jobs.clear()"): (
        "with _latest cleared every heap entry is superseded, and pop_due skips it: only memory differs"
    ),
}


# --- Mutants ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    module: str
    line: int
    scope: str  # the enclosing function or class, dotted; "<module>" at the top level
    change: str  # "old -> new", as the report prints it
    start: tuple[int, int]  # (line, column) of the replaced source, 1-based lines
    end: tuple[int, int]
    replacement: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.module, self.scope, self.change)


_SWAP_CMP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
}
_SWAP_BIN: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult,
    ast.Mod: ast.Mult,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
}


def _short(node: ast.AST, width: int = 70) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _is_docstring(node: ast.stmt, body: Sequence[ast.stmt]) -> bool:
    """A docstring: a string statement first in its body, or right after an assignment.

    The second kind documents the name just assigned (``UpdateAction``'s);
    Python evaluates and discards it, so no test could tell its mutants apart.
    """
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
        return False
    index = next(i for i, statement in enumerate(body) if statement is node)
    return index == 0 or isinstance(body[index - 1], ast.Assign | ast.AnnAssign)


def _expression_mutations(node: ast.expr) -> Iterator[tuple[ast.expr, str]]:
    """The mutated copies of one expression node, each with a description of what changed."""
    new: Any
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            swap = _SWAP_CMP.get(type(op))
            if swap is not None:
                new = copy.deepcopy(node)
                new.ops[i] = swap()
                yield new, ""
    elif isinstance(node, ast.BoolOp):
        new = copy.deepcopy(node)
        new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield new, ""
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield copy.deepcopy(node.operand), ""
    elif isinstance(node, ast.BinOp):
        swap_bin = _SWAP_BIN.get(type(node.op))
        if swap_bin is not None:
            new = copy.deepcopy(node)
            new.op = swap_bin()
            yield new, ""
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            yield ast.Constant(not value), ""
        elif isinstance(value, int):
            yield ast.Constant(value + 1), ""
        elif isinstance(value, str):
            yield ast.Constant(f"XX{value}XX"), ""
    elif isinstance(node, ast.JoinedStr):
        new = copy.deepcopy(node)
        new.values.insert(0, ast.Constant("XX"))
        yield new, ""
    elif isinstance(node, ast.Call):
        for i, keyword in enumerate(node.keywords):
            new = copy.deepcopy(node)
            del new.keywords[i]
            yield new, f"drop {keyword.arg or '**'}= in {_short(node.func)}(...)"
    elif isinstance(node, ast.Dict):
        for i, key in enumerate(node.keys):
            new = copy.deepcopy(node)
            del new.keys[i], new.values[i]
            shown = "**" + _short(node.values[i], 40) if key is None else _short(key, 40)
            yield new, f"drop entry {shown}"
        names = [ast.unparse(v) for v in node.values if isinstance(v, ast.Name | ast.Attribute)]
        distinct = list(dict.fromkeys(names))
        if len(distinct) > 1:
            for i, (target, key) in enumerate(zip(node.values, node.keys, strict=True)):
                if isinstance(target, ast.Name | ast.Attribute) and key is not None:
                    other = distinct[(distinct.index(ast.unparse(target)) + 1) % len(distinct)]
                    new = copy.deepcopy(node)
                    new.values[i] = ast.parse(other, mode="eval").body
                    yield new, f"entry {_short(key, 40)}: {ast.unparse(target)} -> {other}"
    elif isinstance(node, ast.Tuple | ast.List | ast.Set) and isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
        for i, element in enumerate(node.elts if len(node.elts) > 1 or isinstance(node, ast.Set) else ()):
            new = copy.deepcopy(node)
            del new.elts[i]
            if isinstance(new, ast.Set) and not new.elts:
                continue
            yield new, f"drop element {_short(element, 40)}"
    if isinstance(node, ast.IfExp):
        new = copy.deepcopy(node)
        new.test = ast.UnaryOp(ast.Not(), new.test)
        yield new, f"negate {_short(node.test, 50)}"


def _binds_only_new_names(node: ast.Assign, bound: set[str]) -> bool:
    """Whether *node* only binds plain names not bound before: deleting it is a certain NameError, no test."""
    return all(isinstance(t, ast.Name) and t.id not in bound for t in node.targets)


def _statement_mutations(node: ast.stmt, bound: set[str]) -> Iterator[tuple[str, str]]:
    """The replacement source of one statement, each with a description.

    *bound* holds the names bound so far in the enclosing function (its
    parameters, earlier assignments): deleting a rebinding is a mutant, deleting
    a first binding is not.
    """
    if isinstance(node, ast.Return) and node.value is not None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            yield "return None", f"return {_short(node.value, 50)} -> return None"
    elif isinstance(node, ast.AugAssign | ast.Expr | ast.Raise | ast.Continue | ast.Break) or (
        isinstance(node, ast.Assign) and not _binds_only_new_names(node, bound)
    ):
        yield "pass", f"delete {_short(node, 60)}"
    if isinstance(node, ast.AugAssign):
        swap = _SWAP_BIN.get(type(node.op))
        if swap is not None:
            new = copy.deepcopy(node)
            new.op = swap()
            yield ast.unparse(new), f"{_short(node, 40)} -> {_short(new, 40)}"


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str) -> None:
        self.module = module
        self.scope: list[str] = []
        self.bound: list[set[str]] = [set()]
        self.mutants: list[Mutant] = []
        self._skip: set[int] = set()

    def _skip_tree(self, node: ast.AST | None) -> None:
        if node is not None:
            self._skip.update(id(n) for n in ast.walk(node))

    def _add(self, node: ast.AST, replacement: str, change: str) -> None:
        self.mutants.append(
            Mutant(
                module=self.module,
                line=node.lineno,  # type: ignore[attr-defined]
                scope=".".join(self.scope) or "<module>",
                change=change,
                start=(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                end=(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
                replacement=replacement,
            )
        )

    def _body(self, body: Sequence[ast.stmt]) -> None:
        for statement in body:
            if _is_docstring(statement, body):
                self._skip_tree(statement)
        for statement in body:
            self.visit(statement)

    def visit_Module(self, node: ast.Module) -> None:
        for statement in node.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets
            ):
                self._skip_tree(statement)
            if isinstance(statement, ast.ImportFrom | ast.Import):
                self._skip_tree(statement)
        self._body(node.body)

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        if any(ast.unparse(d) in ("overload", "typing.overload") for d in node.decorator_list):
            return  # a signature for type checkers; the implementation follows
        for decorator in node.decorator_list:
            self._skip_tree(decorator)
        if not isinstance(node, ast.ClassDef):
            self._skip_tree(node.returns)
            for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                self._skip_tree(arg.annotation)
            for vararg in (node.args.vararg, node.args.kwarg):
                if vararg is not None:
                    self._skip_tree(vararg.annotation)
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                if default is not None:
                    self.visit(default)
        self.scope.append(node.name)
        arguments = [] if isinstance(node, ast.ClassDef) else ast.walk(node.args)
        self.bound.append({a.arg for a in arguments if isinstance(a, ast.arg)})
        self._body(node.body)
        self.bound.pop()
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._skip_tree(node.annotation)
        if isinstance(node.annotation, ast.Name) and node.annotation.id == "TypeAlias":
            self._skip_tree(node)  # a type, read by type checkers only
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = node.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "TypeVar":
            self._skip_tree(node)  # a type, read by type checkers only
        self.generic_visit(node)

    def visit_Assert(self, node: ast.Assert) -> None:
        self._skip_tree(node)  # an assert states what the types already promise

    def visit(self, node: ast.AST) -> None:
        if id(node) in self._skip:
            return
        if isinstance(node, ast.stmt):
            for replacement, change in _statement_mutations(node, self.bound[-1]):
                self._add(node, replacement, change)
            if isinstance(node, ast.Assign):
                self.bound[-1].update(n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name))
            if isinstance(node, ast.If | ast.While):
                test = node.test
                if not isinstance(test, ast.Compare | ast.UnaryOp | ast.BoolOp):
                    self._add(test, f"(not ({ast.unparse(test)}))", f"negate {_short(test, 50)}")
        elif isinstance(node, ast.expr):
            if isinstance(node, ast.JoinedStr):
                self._skip.update(id(n) for n in ast.walk(node) if n is not node)
            for new, change in _expression_mutations(node):
                self._add(node, f"({ast.unparse(new)})", change or f"{_short(node, 50)} -> {_short(new, 50)}")
        super().visit(node)


def mutants_of(module: str) -> list[Mutant]:
    source = (ROOT / "connector_domain" / f"{module}.py").read_text()
    collector = _Collector(module)
    collector.visit(ast.parse(source))
    valid = []
    for mutant in collector.mutants:
        try:
            compile(apply_mutant(source, mutant), module, "exec")
        except SyntaxError:
            continue
        valid.append(mutant)
    return valid


def apply_mutant(source: str, mutant: Mutant) -> str:
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode()))
    data = source.encode()
    start = offsets[mutant.start[0] - 1] + mutant.start[1]
    end = offsets[mutant.end[0] - 1] + mutant.end[1]
    return (data[:start] + mutant.replacement.encode() + data[end:]).decode()


# --- Which tests run each line ---------------------------------------------------------------


def _copy_tree(target: Path) -> None:
    ignore = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".hypothesis", ".mypy_cache", ".ruff_cache")
    shutil.copytree(ROOT, target, ignore=ignore, dirs_exist_ok=True)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["HYPOTHESIS_PROFILE"] = "default"
    env.pop("PYTHONPATH", None)
    return env


def _pytest(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-seed=0", *args]


def tests_by_line(
    work: Path, modules: Sequence[str], tests: dict[str, tuple[str, ...]]
) -> dict[str, dict[int, set[str]]]:
    """For each module, line -> the test node ids that ran it ("" for a line run outside any test)."""
    from coverage import CoverageData  # pytest-cov's dependency, needed here only

    files = sorted({f for m in modules for f in tests[m]})
    data_file = work / ".coverage.mutation"
    env = _environment() | {"COVERAGE_FILE": str(data_file)}
    cov = ["--cov=connector_domain", "--cov-context=test", "--cov-report="]
    run = subprocess.run(_pytest(*cov, *files), cwd=work, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"the tests fail before any mutation:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
    data = CoverageData(basename=str(data_file))
    data.read()
    at_import = _lines_run_at_import(work, modules)
    out: dict[str, dict[int, set[str]]] = {}
    for module in modules:
        path = str(work / "connector_domain" / f"{module}.py")
        by_line = data.contexts_by_lineno(path)
        out[module] = {line: {c.rsplit("|", 1)[0] for c in contexts} for line, contexts in by_line.items()}
        for line in at_import[module]:
            out[module].setdefault(line, set()).add("")
    return out


_IMPORT_ALL = """
import importlib, json, pkgutil, sys
import coverage
cov = coverage.Coverage(data_file=None, source=["connector_domain"])
cov.start()
import connector_domain
for info in pkgutil.walk_packages(connector_domain.__path__, "connector_domain."):
    try:
        importlib.import_module(info.name)
    except ImportError:  # an optional extra that is not installed
        pass
cov.stop()
data = cov.get_data()
print(json.dumps({path: sorted(data.lines(path) or ()) for path in data.measured_files()}))
"""


def _lines_run_at_import(work: Path, modules: Sequence[str]) -> dict[str, set[int]]:
    """For each module, the lines that run when the package is imported.

    The package's pytest and Hypothesis entry points import it before
    coverage starts under pytest, so the test run never records these lines.
    """
    run = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL], cwd=work, env=_environment(), capture_output=True, text=True, check=True
    )
    lines = {Path(path).resolve(): set(found) for path, found in json.loads(run.stdout).items()}
    return {m: lines.get((work / "connector_domain" / f"{m}.py").resolve(), set()) for m in modules}


# --- Running -----------------------------------------------------------------------------------


@dataclass
class Result:
    mutant: Mutant
    status: str  # killed, timeout, survived, uncovered
    seconds: float = 0.0


@dataclass
class Worker:
    path: Path
    timeout: float
    results: list[Result] = field(default_factory=list)

    def run(self, mutant: Mutant, stages: list[list[str]]) -> Result:
        """Run *mutant* against each stage of tests in turn, until one kills it."""
        if not any(stages):
            return Result(mutant, "uncovered")
        target = self.path / "connector_domain" / f"{mutant.module}.py"
        original = target.read_text()
        target.write_text(apply_mutant(original, mutant))
        began = time.monotonic()
        status = "survived"
        try:
            for selected in stages:
                if selected:
                    status = self._pytest(selected)
                    if status != "survived":
                        break
        finally:
            target.write_text(original)
        return Result(mutant, status, time.monotonic() - began)

    def _pytest(self, selected: list[str]) -> str:
        shutil.rmtree(self.path / ".hypothesis", ignore_errors=True)
        try:
            run = subprocess.run(
                _pytest("-x", "--tb=no", "--no-header", *selected),
                cwd=self.path,
                env=_environment() | {"PYTHONDONTWRITEBYTECODE": "1"},
                capture_output=True,
                timeout=self.timeout,
            )
        except subprocess.TimeoutExpired:
            return "timeout"
        return "survived" if run.returncode == 0 else "killed"


def _select(mutant: Mutant, by_line: dict[int, set[str]], files: tuple[str, ...]) -> list[list[str]]:
    """The tests to run on *mutant*, in stages, one test file each, the module's first files first.

    A line some test ran: the tests that ran it, then, if it survives them,
    every test of the module's files. A line run at import time:
    every test, since a test may depend on it without running it. So does a
    line coverage never saw run (the inner lines of a statement written on
    several lines: coverage records its first line only).
    """
    covered: set[str] = set()
    for line in range(mutant.start[0], mutant.end[0] + 1):
        covered |= by_line.get(line, set())
    whole = [[file] for file in files]
    if not covered or "" in covered:
        return whole
    # Then the whole files: a line run once and cached (cattrs builds a class's hook on first use,
    # in whichever test comes first) is recorded for that test only, though every later one uses it.
    return [sorted(c for c in covered if c.startswith(f"{file}::")) for file in files] + whole


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"modules to mutate (default: {', '.join(MODULES)})")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a mutant counts as hanging")
    parser.add_argument("--show-equivalent", action="store_true", help="also print the equivalent survivors")
    parser.add_argument("--list", action="store_true", help="only list the mutants")
    parser.add_argument(
        "--lines", help="only the mutants on these lines, as MODULE:LINE,... (to check that new tests kill survivors)"
    )
    args = parser.parse_args(argv)
    known = MODULES | LATER
    modules = args.modules or list(MODULES)
    for module in modules:
        if module not in known:
            parser.error(f"unknown module {module!r}: one of {', '.join(known)}")
    mutants = {module: mutants_of(module) for module in modules}
    if args.lines:
        wanted = set(args.lines.split(","))
        mutants = {module: [m for m in found if f"{module}:{m.line}" in wanted] for module, found in mutants.items()}
    if args.list:
        for module in modules:
            for m in mutants[module]:
                print(f"{module}:{m.line} [{m.scope}] {m.change}")
        return 0
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        workers = [Worker(Path(tmp) / f"w{i}", args.timeout) for i in range(max(1, args.jobs))]
        for worker in workers:
            _copy_tree(worker.path)
        print(f"recording which tests run each line of {', '.join(modules)} ...", flush=True)
        lines = tests_by_line(workers[0].path, modules, known)
        jobs = [(m, _select(m, lines[m.module], known[m.module])) for module in modules for m in mutants[module]]
        print(f"running {len(jobs)} mutants on {len(workers)} workers ...", flush=True)
        free = list(workers)
        results: list[Result] = []

        def one(job: tuple[Mutant, list[list[str]]]) -> Result:
            worker = free.pop()
            try:
                return worker.run(*job)
            finally:
                free.append(worker)

        with ThreadPoolExecutor(len(workers)) as pool:
            for done, result in enumerate(pool.map(one, jobs), 1):
                results.append(result)
                m = result.mutant
                print(
                    f"  {done}/{len(jobs)} {result.status} {result.seconds:.1f}s {m.module}:{m.line} {m.change}",
                    flush=True,
                )
    return report(modules, results, args.show_equivalent)


def report(modules: Sequence[str], results: list[Result], show_equivalent: bool) -> int:
    unexplained = 0
    rows = []
    listed: list[str] = []
    for module in modules:
        mine = [r for r in results if r.mutant.module == module]
        killed = sum(r.status in ("killed", "timeout") for r in mine)
        survivors = [r for r in mine if r.status in ("survived", "uncovered")]
        equivalent = [r for r in survivors if r.mutant.key in EQUIVALENT]
        for r in survivors:
            reason = EQUIVALENT.get(r.mutant.key)
            unexplained += reason is None
            where = f"`{module}.py:{r.mutant.line}` `{r.mutant.scope}`: `{r.mutant.change}`"
            if reason is None:
                print(f"{r.status:>10}  {where}")
            else:
                listed.append(f"- {where}: {reason}")
        total = len(mine)
        rows.append((module, total, killed, len(equivalent), len(survivors) - len(equivalent)))
    if show_equivalent and listed:
        print()
        print("\n".join(listed))
    print()
    print("| module | mutants | killed | equivalent | other survivors | score | score without equivalents |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for module, total, killed, same, other in rows:
        score = 100 * killed / total if total else 100.0
        net = 100 * killed / (total - same) if total - same else 100.0
        print(f"| `{module}.py` | {total} | {killed} | {same} | {other} | {score:.1f}% | {net:.1f}% |")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
