"""The README and the documentation site: every example runs, every generated table tells the truth,
every section the README once held has a home in the site, every link inside them leads somewhere."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest

from pytest_migrationhub._core import catalog, served

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: every page a reader can open: the README and the site's Markdown pages
PAGES = {"README.md": README} | {
    str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
    for path in sorted(DOCS.rglob("*.md"))
    if "_build" not in path.parts and "_generated" not in path.parts
}


def python_blocks() -> dict[str, str]:
    """Each Python example, as a test file named for its page and line: ``docs/guides/progress.md:12``."""
    found = {}
    for page, text in PAGES.items():
        for match in re.finditer(r"```python\n(.*?)```", text, flags=re.S):
            line = text.count("\n", 0, match.start()) + 2
            name = "test_" + re.sub(r"\W", "_", page.removesuffix(".md")) + f"_line_{line}"
            found[name] = match.group(1)
    return found


def test_every_python_example_on_every_page_passes(pytester: pytest.Pytester) -> None:
    blocks = python_blocks()
    pytester.makepyfile(**blocks)
    pytester.makeini("[pytest]\naddopts = -p no:cacheprovider\n")
    expected = sum(len(re.findall(r"^def test_", block, flags=re.M)) for block in blocks.values())
    result = pytester.runpytest_subprocess("-q", "-p", "no:randomly")
    # A failing example shows as test_docs_guides_progress_line_12.py: its page and its line.
    result.assert_outcomes(passed=expected)
    assert expected >= 25


def generated() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generated", DOCS / "_ext" / "generated.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_operations_page_is_made_from_the_code() -> None:
    table = generated().operations_table()
    listed: set[str] = set()
    not_yet: set[str] = set()
    rows = re.findall(r"^\| (mgh|migrationhub-config|discovery) \| (\w+) \| ([^|]+) \|", table, flags=re.M)
    for _service, name, status in rows:
        (listed if status.strip() == "served" else not_yet).add(name)
    known = set(catalog().by_name)  # an older botocore lacks the newest operations
    assert listed == set(served()) & known
    assert listed | not_yet == known
    assert "`list_configurations`" in table  # the paginators botocore ships
    assert "```{include} ../_generated/operations.md" in PAGES["docs/reference/operations.md"]


def test_the_options_page_is_made_from_the_plugin_s_declaration() -> None:
    from pytest_migrationhub.plugin import OPTIONS

    table = generated().options_table()
    assert re.findall(r"^\| `(\w+)` \| `(\w+)` \|", table, flags=re.M) == [(k, v[0]) for k, v in OPTIONS.items()]
    assert "```{include} ../_generated/options.md" in PAGES["docs/reference/configuration.md"]


def test_the_two_commands_are_in_the_readme() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    assert test_command + "\n" in README
    assert test_command + " examples\n" in README
    # CI calls the README's test command as it is written there, and builds the site.
    assert test_command + "\n" in ci
    assert "tox -e docs" in ci and "tox -e docs" in README
    assert len(README.splitlines()) <= 250


#: every section the README held before the site (December 2026), and the page that holds it now:
#: under the same heading, or (where a page is the section) as the page's title
MOVED = {
    "Install": "docs/getting-started.md",
    "The two commands": "docs/contributing.md",
    "What it does": "docs/getting-started.md",
    "Assert the progress your tool reported": "docs/guides/progress.md",
    "Stale tasks, against a frozen clock": "docs/guides/staleness-and-clocks.md",
    "Throttling, outages and retries, without sleeping": "docs/guides/faults-and-retries.md",
    "A missing or different home region": "docs/guides/home-regions.md",
    "Servers and applications from Application Discovery Service": "docs/guides/discovery.md",
    "Import an inventory, then report its servers": "docs/guides/discovery.md",
    "Denied access and DryRun": "docs/guides/denials-and-dryrun.md",
    "Everything that was sent": "docs/guides/progress.md",
    "Invalid requests, and the schema behind them": "docs/guides/invalid-requests.md",
    "Outside pytest fixtures": "docs/getting-started.md",
    "Scenarios: save, load and share an estate": "docs/guides/scenarios.md",
    "Strict teardown": "docs/guides/invalid-requests.md",
    "Configuration": "docs/reference/configuration.md",
    "The fake's API": "docs/reference/api.md",
    "Errors": "docs/reference/errors.md",
    "How the fake behaves where AWS documents nothing": "docs/decisions.md",
    "Server mode": "docs/guides/server-mode.md",
    "In a pytest suite: `mhub_server`": "docs/guides/server-mode.md",
    "Outside pytest: `python -m pytest_migrationhub serve`": "docs/guides/server-mode.md",
    "What a web page cannot do": "docs/guides/server-mode.md",
    "The protocol": "docs/guides/other-languages.md",
    "The console": "docs/guides/server-mode.md",
    "The control API": "docs/guides/other-languages.md",
    "Hardening": "docs/guides/xdist-and-isolation.md",
    "Threads": "docs/guides/xdist-and-isolation.md",
    "Generated requests: `pytest_migrationhub.strategies`": "docs/guides/generated-requests.md",
    "Isolation: any order, any worker": "docs/guides/xdist-and-isolation.md",
    "moto side by side": "docs/guides/xdist-and-isolation.md",
    "aiobotocore": "docs/guides/aiobotocore.md",
    "Clocks": "docs/guides/staleness-and-clocks.md",
    "Failures people can read": "docs/guides/invalid-requests.md",
    "Scale": "docs/reference/performance.md",
    "Environments": "docs/contributing.md",
    "Operations": "docs/reference/operations.md",
    "Migrating from Stubber or moto": "docs/guides/migrating.md",
    "Speed": "docs/reference/performance.md",
    "The example tool": "docs/recipes/example-tool.md",
}


def _headings(text: str) -> list[str]:
    found, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"#+ (.*)", line)):
            found.append(match.group(1))
    return found


@pytest.mark.parametrize("heading", list(MOVED))
def test_every_section_the_readme_held_has_a_home_in_the_site(heading: str) -> None:
    assert heading in _headings(PAGES[MOVED[heading]]), f"{MOVED[heading]} has no heading {heading!r}"


def test_every_link_between_pages_leads_to_a_page_and_a_heading() -> None:
    problems = []
    for page, text in PAGES.items():
        here = (ROOT / page).parent
        for target, anchor in re.findall(r"\]\(([^)#\s:]+\.md)(?:#([^)\s]+))?\)", text):
            path = (here / target).resolve()
            if not path.exists():
                problems.append(f"{page}: no page {target}")
            elif anchor and anchor not in {_anchor(h) for h in _headings(path.read_text(encoding="utf-8"))}:
                problems.append(f"{page}: {target} has no heading #{anchor}")
        for anchor in re.findall(r"\]\(#([^)]+)\)", text):
            if anchor not in {_anchor(h) for h in _headings(text)}:
                problems.append(f"{page}: no heading #{anchor}")
    assert problems == []


def _anchor(heading: str) -> str:
    """The anchor GitHub (and MyST's heading anchors) give a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_the_api_table_gives_the_signatures_of_the_code() -> None:
    from pytest_migrationhub import MigrationHubFake

    section = PAGES["docs/reference/api.md"].split("## Reference", 1)[0]
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
