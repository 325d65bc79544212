"""The house rules of the package, checked by reading its source.

* No module over 500 lines, no class over 300, no function over 50 (from its
  ``def`` line to its last line; decorators aside).
* No module reads another module's underscore names: no ``x._name`` where
  ``x`` is not ``self``/``cls`` and ``_name`` is defined in another module of
  the package (and not in the reading one), no ``getattr(x, "_name")`` of the
  same, no ``from ._mod import _name``.

Each rule is a test per module, so an offender shows by name; its message
lists every offence with ``file:line`` and size.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pytest_migrationhub"
MAX_MODULE_LINES = 500
MAX_CLASS_LINES = 300
MAX_FUNCTION_LINES = 50


@dataclass
class Module:
    path: str
    lines: int
    tree: ast.Module
    #: underscore names it defines: globals, class members, ``self._x`` attributes
    private: set[str] = field(default_factory=set)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_"


def _on_self(node: ast.Attribute) -> bool:
    return isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")


def _defined_names(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _on_self(node):
            yield node.attr  # self._x = ...
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__slots__" for t in node.targets
        ):
            for item in ast.walk(node.value):
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    yield item.value  # __slots__ = ("_x", ...)


def parse(path: str, source: str) -> Module:
    tree = ast.parse(source)
    module = Module(path, len(source.splitlines()), tree)
    module.private = {name for name in _defined_names(tree) if _is_private(name)}
    return module


def package() -> dict[str, Module]:
    return {
        path.name: parse(f"pytest_migrationhub/{path.name}", path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.glob("*.py"))
    }


Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _size(node: Definition) -> int:
    return (node.end_lineno or node.lineno) - node.lineno + 1


def _definitions(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, Definition]]:
    """Every class and function below ``node``, with its dotted name."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = prefix + child.name
            yield name, child
            yield from _definitions(child, name + ".")
        else:
            yield from _definitions(child, prefix)


def size_offences(module: Module) -> list[str]:
    found = []
    if module.lines > MAX_MODULE_LINES:
        found.append(f"{module.path}:1 is {module.lines} lines (at most {MAX_MODULE_LINES})")
    for name, node in _definitions(module.tree):
        is_class = isinstance(node, ast.ClassDef)
        limit = MAX_CLASS_LINES if is_class else MAX_FUNCTION_LINES
        if _size(node) > limit:
            what = f"class {name}" if is_class else name
            found.append(f"{module.path}:{node.lineno} {what} is {_size(node)} lines (at most {limit})")
    return found


def _reads(tree: ast.AST) -> Iterator[tuple[int, str, str]]:
    """``(line, expression, underscore name)`` for each use of such a name on another object."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            if not _on_self(node):
                yield node.lineno, ast.unparse(node), node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _is_private(node.args[1].value)
        ):
            yield node.lineno, ast.unparse(node), node.args[1].value


def reach_offences(module: Module, modules: dict[str, Module]) -> list[str]:
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            for alias in node.names:
                # `from . import _mod` imports a module of the package, not a name in it.
                if _is_private(alias.name) and not (node.module is None and alias.name in _module_names(modules)):
                    source = "." * node.level + (node.module or "")
                    found.append(f"{module.path}:{node.lineno} imports {alias.name} from {source}")
    for line, text, name in sorted(set(_reads(module.tree))):
        if name in module.private:
            continue
        owners = sorted(other for other, record in modules.items() if record is not module and name in record.private)
        if owners:
            found.append(f"{module.path}:{line} uses {text} ({name} is defined in {', '.join(owners)})")
    return found


def _module_names(modules: dict[str, Module]) -> set[str]:
    return {name.removesuffix(".py") for name in modules}


MODULES = package()


@pytest.mark.parametrize("name", list(MODULES))
def test_no_module_class_or_function_is_too_long(name: str) -> None:
    offences = size_offences(MODULES[name])
    assert not offences, "\n".join(["too long:", *offences])


@pytest.mark.parametrize("name", list(MODULES))
def test_no_module_reads_another_modules_underscore_names(name: str) -> None:
    offences = reach_offences(MODULES[name], MODULES)
    assert not offences, "\n".join(["reads another module's underscore names:", *offences])


# --- the checks themselves ----------------------------------------------------------------


def test_the_size_check_names_each_offender_with_its_line_and_size() -> None:
    body = "".join(f"        x = {n}\n" for n in range(MAX_FUNCTION_LINES))
    source = f"import os\n\n\nclass Big:\n    def long(self):\n{body}" + "\n" * MAX_MODULE_LINES
    module = parse("pytest_migrationhub/big.py", source)
    assert size_offences(module) == [
        f"pytest_migrationhub/big.py:1 is {module.lines} lines (at most 500)",
        "pytest_migrationhub/big.py:5 Big.long is 51 lines (at most 50)",
    ]
    module = parse("pytest_migrationhub/big.py", "class Big:\n" + "    x = 1\n" * MAX_CLASS_LINES)
    assert size_offences(module) == ["pytest_migrationhub/big.py:1 class Big is 301 lines (at most 300)"]


def test_the_reach_check_names_each_read_of_another_modules_underscore_name() -> None:
    owner = parse(
        "pytest_migrationhub/_owner.py",
        "class Fake:\n    def __init__(self):\n        self._tokens = {}\n_helper = 1\n",
    )
    reader = parse(
        "pytest_migrationhub/reader.py",
        textwrap.dedent(
            """\
            from ._owner import _helper
            from . import _owner


            class Own:
                def __init__(self, fake):
                    self._mine = fake._tokens
                    self.__dict__ = getattr(fake, "_tokens")

                def __eq__(self, other):
                    return self._mine == other._mine and self.__class__ is other.__class__
            """
        ),
    )
    assert reach_offences(reader, {"_owner.py": owner, "reader.py": reader}) == [
        "pytest_migrationhub/reader.py:1 imports _helper from ._owner",
        "pytest_migrationhub/reader.py:7 uses fake._tokens (_tokens is defined in _owner.py)",
        "pytest_migrationhub/reader.py:8 uses getattr(fake, '_tokens') (_tokens is defined in _owner.py)",
    ]
