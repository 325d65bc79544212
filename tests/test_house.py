"""The house rules of the package, checked by reading its source.

* No module over 500 lines, no class over 300, no function over 50 (from its
  ``def`` line to its last line; decorators aside).
* No module reads another module's underscore names: no ``x._name`` where
  ``x`` is not ``self``/``cls`` and ``_name`` is defined in another module of
  the package (and not in the reading one), no ``getattr(x, "_name")`` of the
  same, no ``from ._mod import _name``.
* The layout (see ARCHITECTURE.md): the package root holds at most 8 modules,
  the rest is in subpackages; a subpackage is used from outside only through
  the names its ``__init__`` exports (``__all__``); each subpackage imports only
  the ones its layer may (the core none); and no module imports itself back
  through others, type-only and function-level imports included.

Each rule is a test per module (or per subpackage), so an offender shows by
name; its message lists every offence with ``file:line``.
"""

from __future__ import annotations

import ast
import importlib
import re
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
    """Every module of the package by its path below it: ``_core/model.py``."""
    return {
        path.relative_to(PACKAGE).as_posix(): parse(
            f"pytest_migrationhub/{path.relative_to(PACKAGE).as_posix()}", path.read_text(encoding="utf-8")
        )
        for path in sorted(PACKAGE.rglob("*.py"))
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
    """The last part of each module's dotted name, and each subpackage's name."""
    return {name.removesuffix(".py").removesuffix("/__init__").rsplit("/", 1)[-1] for name in modules}


MODULES = package()


@pytest.mark.parametrize("name", list(MODULES))
def test_no_module_class_or_function_is_too_long(name: str) -> None:
    offences = size_offences(MODULES[name])
    assert not offences, "\n".join(["too long:", *offences])


@pytest.mark.parametrize("name", list(MODULES))
def test_no_module_reads_another_modules_underscore_names(name: str) -> None:
    offences = reach_offences(MODULES[name], MODULES)
    assert not offences, "\n".join(["reads another module's underscore names:", *offences])


# --- the layout ---------------------------------------------------------------------------

#: the modules the package root may hold: what a user imports or pytest loads, and a few faces
MAX_ROOT_MODULES = 8
#: each subpackage, and the others of the package it may import (the root's modules included)
LAYERS: dict[str, set[str]] = {
    "_core": set(),
    "_discovery": {"_core"},
    "_migrationhub": {"_core", "_discovery"},
    "_interception": {"_core"},
    "_server": {"_core", "_discovery", "_migrationhub", "_fake", "_version"},
}
ROOT = "pytest_migrationhub"


def dotted(path: str) -> str:
    """``_core/model.py`` -> ``pytest_migrationhub._core.model`` (``__init__.py``: the package)."""
    parts = [ROOT, *path.removesuffix(".py").split("/")]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass(frozen=True)
class Import:
    line: int
    #: the module imported from, dotted
    source: str
    #: the names imported from it (a submodule imported by name is its own Import, with no names)
    names: tuple[str, ...]


def imports(path: str, module: Module, known: set[str]) -> list[Import]:
    """Every import of the package's own modules ``module`` makes, wherever it stands (type-only too)."""
    package = dotted(path) if path.endswith("__init__.py") else dotted(path).rsplit(".", 1)[0]
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [Import(node.lineno, a.name, ()) for a in node.names if a.name.split(".")[0] == ROOT]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").split(".")[0] == ROOT:
                source = node.module or ""
            else:
                continue
            names = []
            for alias in node.names:
                if f"{source}.{alias.name}" in known:
                    found.append(Import(node.lineno, f"{source}.{alias.name}", ()))
                else:
                    names.append(alias.name)
            if names:
                found.append(Import(node.lineno, source, tuple(names)))
    return found


def _subpackage(name: str, modules: dict[str, Module]) -> str | None:
    """The subpackage a dotted module name belongs to (``_core``), or ``None`` at the root."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and f"{parts[1]}/__init__.py" in modules else None


def exported(modules: dict[str, Module], subpackage: str) -> list[str]:
    """The names a subpackage's ``__init__`` lists in ``__all__``."""
    for node in modules[f"{subpackage}/__init__.py"].tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return [
                item.value
                for item in ast.walk(node.value)
                if isinstance(item, ast.Constant) and isinstance(item.value, str)
            ]
    return []


def layout_offences(path: str, modules: dict[str, Module], layers: dict[str, set[str]]) -> list[str]:
    """Imports of another subpackage past its ``__init__`` or its ``__all__``, and past the layer's reach."""
    known = {dotted(p) for p in modules}
    name, found = dotted(path), []
    home = _subpackage(name, modules)
    for item in imports(path, modules[path], known):
        target = _subpackage(item.source, modules)
        if target is None or target == home:
            if home is not None and item.source in known and item.source.count(".") == 1:
                top = item.source.split(".")[1]
                if top not in layers.get(home, set()):
                    found.append(f"{modules[path].path}:{item.line} imports {item.source}, outside its layer")
            continue
        if home is not None and target not in layers.get(home, set()):
            found.append(f"{modules[path].path}:{item.line} imports {item.source}: {home} may not use {target}")
        if item.source != f"{ROOT}.{target}":
            found.append(
                f"{modules[path].path}:{item.line} imports {item.source}: use {target} through its __init__'s names"
            )
            continue
        unlisted = [n for n in item.names if n not in exported(modules, target)]
        if unlisted:
            found.append(f"{modules[path].path}:{item.line} imports {', '.join(unlisted)}, not in {target}.__all__")
    return found


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Each import circle, as the modules on it (the first repeated last), smallest first."""
    known = {dotted(p): p for p in modules}
    graph = {
        name: sorted({i.source for i in imports(path, modules[path], set(known)) if i.source in known} - {name})
        for name, path in known.items()
    }
    found: list[list[str]] = []
    for start in sorted(graph):
        # The shortest path from each successor back to start, breadth first.
        paths = {target: [start, target] for target in graph[start]}
        queue = list(paths)
        while queue and start not in paths:
            current = queue.pop(0)
            for target in graph[current]:
                if target not in paths:
                    paths[target] = [*paths[current], target]
                    queue.append(target)
        circle = paths.get(start)
        if circle and not any(set(circle) == set(other) for other in found):
            found.append(circle)
    return sorted(found, key=len)


SUBPACKAGES = sorted({path.split("/")[0] for path in MODULES if "/" in path})


def test_the_package_root_holds_only_the_faces() -> None:
    root = sorted(path for path in MODULES if "/" not in path)
    assert len(root) <= MAX_ROOT_MODULES, f"{len(root)} modules at the root (at most {MAX_ROOT_MODULES}): {root}"


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_every_subpackage_has_a_layer(subpackage: str) -> None:
    assert subpackage in LAYERS, f"{subpackage}: say in LAYERS (and ARCHITECTURE.md) which subpackages it may use"


@pytest.mark.parametrize("name", list(MODULES))
def test_subpackages_are_used_through_their_exports_and_within_their_layer(name: str) -> None:
    offences = layout_offences(name, MODULES, LAYERS)
    assert not offences, "\n".join(["breaks the layout:", *offences])


def test_architecture_md_says_what_each_layer_may_import() -> None:
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    said = {
        row[0].strip("` "): set(re.findall(r"`(_\w+)`", row[2]))
        for row in (line.strip("|").split(" | ") for line in text.splitlines() if line.startswith("| `_"))
    }
    assert said == LAYERS


def test_no_import_circles() -> None:
    assert cycles(MODULES) == []


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_every_exported_name_is_there_for_the_type_checker_and_at_run_time(subpackage: str) -> None:
    module = importlib.import_module(f"{ROOT}.{subpackage}")
    tree = MODULES[f"{subpackage}/__init__.py"].tree
    bound = {a.asname or a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for a in node.names}
    bound |= set(_defined_names(tree))
    names = exported(MODULES, subpackage)
    assert names, f"{subpackage}/__init__.py lists no __all__"
    assert [n for n in names if n not in bound] == []
    assert [n for n in names if not hasattr(module, n)] == []


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


def test_the_layout_check_names_deep_imports_unexported_names_and_reach_past_the_layer() -> None:
    modules = {
        "_core/__init__.py": parse("pytest_migrationhub/_core/__init__.py", '__all__ = ["now"]\n'),
        "_core/clock.py": parse("pytest_migrationhub/_core/clock.py", "from .._wing import Thing\n"),
        "_wing/__init__.py": parse("pytest_migrationhub/_wing/__init__.py", '__all__ = ["Thing"]\n'),
        "_wing/records.py": parse(
            "pytest_migrationhub/_wing/records.py",
            "from .._core import now, _hidden\nfrom .._core.clock import now\nfrom .. import _face\n",
        ),
        "_face.py": parse("pytest_migrationhub/_face.py", "from ._wing import Thing\n"),
    }
    layers = {"_core": set(), "_wing": {"_core"}}
    assert layout_offences("_wing/records.py", modules, layers) == [
        "pytest_migrationhub/_wing/records.py:1 imports _hidden, not in _core.__all__",
        "pytest_migrationhub/_wing/records.py:2 imports pytest_migrationhub._core.clock: "
        "use _core through its __init__'s names",
        "pytest_migrationhub/_wing/records.py:3 imports pytest_migrationhub._face, outside its layer",
    ]
    assert layout_offences("_core/clock.py", modules, layers) == [
        "pytest_migrationhub/_core/clock.py:1 imports pytest_migrationhub._wing: _core may not use _wing"
    ]
    assert layout_offences("_face.py", modules, layers) == []


def test_the_circle_check_finds_each_circle_once_type_only_imports_included() -> None:
    modules = {
        "a.py": parse("pytest_migrationhub/a.py", "from . import b\n"),
        "b.py": parse(
            "pytest_migrationhub/b.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import x\n"
        ),
        "c.py": parse("pytest_migrationhub/c.py", "def f():\n    from .a import y\n"),
        "d.py": parse("pytest_migrationhub/d.py", "from .a import y\n"),
    }
    assert cycles(modules) == [
        ["pytest_migrationhub.a", "pytest_migrationhub.b", "pytest_migrationhub.c", "pytest_migrationhub.a"]
    ]
    del modules["c.py"]
    assert cycles(modules) == []
