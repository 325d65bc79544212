"""The README's examples run, and its table of operations tells the truth."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_migrationhub._core import catalog, served

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_every_python_example_in_the_readme_passes(pytester: pytest.Pytester) -> None:
    blocks = python_blocks()
    files = {f"test_readme_{i}": block for i, block in enumerate(blocks)}
    pytester.makepyfile(**files)
    pytester.makeini("[pytest]\naddopts = -p no:cacheprovider\n")
    expected = sum(len(re.findall(r"^def test_", block, flags=re.M)) for block in blocks)
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(passed=expected)
    assert expected >= 10


def test_the_table_of_operations_matches_the_code() -> None:
    listed: set[str] = set()
    not_yet: set[str] = set()
    for _service, names, status in re.findall(
        r"^\| (mgh|migrationhub-config|discovery) \| ([^|]+) \| ([^|]+) \|$", README, flags=re.M
    ):
        for name in (n.strip() for n in names.split(",")):
            (listed if status.startswith("served") else not_yet).add(name)
    assert listed == set(served())
    assert listed | not_yet >= set(catalog().by_name)
    assert not listed & not_yet


def test_the_two_commands_are_in_the_readme() -> None:
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    assert test_command + "\n" in README
    assert test_command + " examples\n" in README
    # CI calls the README's test command as it is written there.
    assert test_command + "\n" in ci


def headings() -> list[tuple[int, str]]:
    """The README's ``##`` and ``###`` headings, outside code blocks, in order."""
    found = []
    fenced = False
    for line in README.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"(##+) (.*)", line)):
            found.append((len(match.group(1)), match.group(2)))
    return found


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_the_table_of_contents_lists_every_section() -> None:
    expected = "\n".join(
        f"{'  ' * (level - 2)}- [{heading.replace('`', '')}](#{anchor(heading)})"
        for level, heading in headings()
        if level <= 3 and heading != "Contents"
    )
    toc = re.search(r"<!-- toc:.*?-->\n(.*?)<!-- /toc -->", README, flags=re.S)
    assert toc, "README.md has lost its <!-- toc --> markers under ## Contents"
    assert toc.group(1).strip() == expected, f"Replace the README's table of contents with:\n{expected}"


def test_every_link_inside_the_readme_names_a_heading() -> None:
    anchors = {anchor(heading) for _level, heading in headings()}
    links = re.findall(r"\]\(#([^)]+)\)", README)
    assert links
    assert sorted(set(links) - anchors) == []


def test_the_fake_api_table_gives_the_signatures_of_the_code() -> None:
    import inspect

    from pytest_migrationhub import MigrationHubFake

    section = README.split("## The fake's API", 1)[1].split("\n## ", 1)[0]
    signatures = re.findall(r"`(\w+)\(([^)`]*)\)`", section)
    assert len(signatures) >= 15
    for name, written in signatures:
        if written == "...":
            continue
        parameters = inspect.signature(getattr(MigrationHubFake, name)).parameters
        keyword_only = False
        for parameter in (p.strip() for p in written.split(",") if p.strip()):
            if parameter == "*":
                keyword_only = True
                continue
            param_name, _, default = parameter.partition("=")
            actual = parameters[param_name]
            kind = inspect.Parameter.KEYWORD_ONLY if keyword_only else inspect.Parameter.POSITIONAL_OR_KEYWORD
            assert actual.kind == kind, f"{name}({written}): {param_name} is {actual.kind.description}"
            assert (default != "") == (actual.default is not inspect.Parameter.empty), f"{name}({written})"
