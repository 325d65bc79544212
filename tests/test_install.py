"""The README's install lines, run as written in fresh virtual environments, bring what the examples need
(the README's quick start, and every example of the documentation).

These tests build virtual environments and install from the package registry, so they run only when
asked: ``tox -e install`` (CI runs it). The package is installed from this checkout in place of the
published name.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

pytestmark = pytest.mark.skipif(
    not os.environ.get("PYTEST_MIGRATIONHUB_INSTALL_TESTS"),
    reason="installs from the package registry into fresh virtual environments: run them with tox -e install",
)


def install_line(extra: str) -> str:
    """The README's own ``pip install`` line for ``extra``, exactly as a user would copy it."""
    lines = re.findall(rf"pip install 'pytest-migrationhub\[{extra}\]'", README)
    assert lines, f"README.md has no `pip install 'pytest-migrationhub[{extra}]'` line"
    return str(lines[0])


def clean_env(home: Path, scripts: Path) -> dict[str, str]:
    """No AWS configuration or credentials at all, and the virtual environment's scripts first on PATH."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "PYTEST_", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), PATH=f"{scripts}{os.pathsep}{env.get('PATH', '')}", PYTHONDONTWRITEBYTECODE="1")
    return env


def run(command: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{command!r} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture
def fresh(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A new virtual environment of this Python, with nothing installed, and an environment to run in it."""
    venv.create(tmp_path / "venv", with_pip=True)
    scripts = tmp_path / "venv" / ("Scripts" if sys.platform == "win32" else "bin")
    return tmp_path, clean_env(tmp_path, scripts)


def python_blocks() -> dict[str, str]:
    """The README's examples (the quick start first), then every example of the documentation's pages."""
    pages = [README] + [
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md")) if "_" not in p.parts[-2]
    ]
    blocks = [block for text in pages for block in re.findall(r"```python\n(.*?)```", text, flags=re.S)]
    return {f"test_readme_{i}": block for i, block in enumerate(blocks)}


def test_the_quick_start_passes_after_the_install_line(fresh: tuple[Path, dict[str, str]]) -> None:
    root, env = fresh
    run(install_line("boto3").replace("pytest-migrationhub", str(ROOT), 1), root, env)
    project = root / "quick_start"
    project.mkdir()
    (project / "test_quick_start.py").write_text(python_blocks()["test_readme_0"], encoding="utf-8")
    output = run("python -m pytest -q -p no:cacheprovider", project, env)
    assert re.search(r"^1 passed", output, flags=re.M), output


def test_every_example_passes_after_the_examples_line(fresh: tuple[Path, dict[str, str]]) -> None:
    root, env = fresh
    run(install_line("examples").replace("pytest-migrationhub", str(ROOT), 1), root, env)
    project = root / "examples"
    project.mkdir()
    blocks = python_blocks()
    for name, block in blocks.items():
        (project / f"{name}.py").write_text(block, encoding="utf-8")
    expected = sum(len(re.findall(r"^def test_", block, flags=re.M)) for block in blocks.values())
    output = run("python -m pytest -q -p no:cacheprovider", project, env)
    assert re.search(rf"^{expected} passed", output, flags=re.M), output
