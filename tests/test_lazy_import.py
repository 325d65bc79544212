"""Loading the plugin costs nothing until a test asks for ``mhub_fake``.

pytest imports the plugin for every run of every project that has
pytest-migrationhub installed, so neither it nor the package may import
botocore or jsonschema. Everything here runs in a fresh interpreter: this
process has long imported botocore for other tests.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

HEAVY = ("botocore", "boto3", "jsonschema")


def run_python(source: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(source)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_importing_the_plugin_and_package_loads_no_heavy_module() -> None:
    out = run_python(
        f"""
        import sys

        import pytest_migrationhub.plugin
        import pytest_migrationhub
        from pytest_migrationhub import (
            MigrationHubAssertionError,
            MigrationHubFakeError,
            mock_migrationhub,
            schema,
        )

        loaded = sorted(
            name for name in sys.modules if name.split(".")[0] in {HEAVY!r}
        )
        assert loaded == [], loaded
        ours = sorted(name for name in sys.modules if name.startswith("pytest_migrationhub"))
        print(ours)
        """
    )
    assert out.strip() == (
        "['pytest_migrationhub', 'pytest_migrationhub._core', 'pytest_migrationhub._core.errors', "
        "'pytest_migrationhub._core.options', 'pytest_migrationhub._version', 'pytest_migrationhub.plugin']"
    )


def test_the_lazy_names_do_load_the_fake() -> None:
    # The control for the test above: the check does see botocore once loaded.
    run_python(
        """
        import sys

        import pytest_migrationhub

        assert "botocore" not in sys.modules
        pytest_migrationhub.MigrationHubFake
        assert "botocore" in sys.modules
        assert "pytest_migrationhub._fake" in sys.modules
        """
    )


def test_a_pytest_run_not_using_the_fixture_loads_no_heavy_module(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_a_not_using=f"""
        import sys

        import pytest

        HEAVY = {HEAVY!r}


        def loaded():
            return sorted(name for name in sys.modules if name.split(".")[0] in HEAVY)


        def test_plugin_is_loaded(request):
            assert request.config.pluginmanager.has_plugin("migrationhub")
            assert "pytest_migrationhub.plugin" in sys.modules


        @pytest.mark.mhub_fake(home_region="eu-west-1")
        def test_not_using_the_fixture():
            assert loaded() == []
        """,
        test_b_using="""
        import sys



        def test_using_the_fixture(mhub_fake):
            # The control: the check above would have seen botocore.
            assert "botocore" in sys.modules
        """,
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers", "-p", "no:randomly", "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "test_a_not_using.py::test_plugin_is_loaded PASSED*",
            "test_a_not_using.py::test_not_using_the_fixture PASSED*",
            "test_b_using.py::test_using_the_fixture PASSED*",
        ],
        consecutive=True,
    )


def test_pytest_help_and_markers_load_no_heavy_module(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        f"""
        import sys


        def pytest_unconfigure(config):
            loaded = sorted(name for name in sys.modules if name.split(".")[0] in {HEAVY!r})
            print("heavy modules:", loaded)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.mhub_fake(*", "heavy modules: []"])


def test_a_wing_imported_again_is_served_with_its_own_records(monkeypatch: pytest.MonkeyPatch) -> None:
    # pytester's in-process sessions drop the modules they imported: a wing imported again brings
    # new record classes, and the handlers served must be the ones that know them.
    import importlib

    from pytest_migrationhub._core import served

    first = importlib.import_module("pytest_migrationhub._migrationhub")
    assert served()["CreateProgressUpdateStream"] is first.HANDLERS["CreateProgressUpdateStream"]
    for name in [n for n in sys.modules if n.startswith("pytest_migrationhub._migrationhub")]:
        monkeypatch.delitem(sys.modules, name)
    # Importing again rebinds the package's attribute too; the tests after this one need the first.
    monkeypatch.setattr(sys.modules["pytest_migrationhub"], "_migrationhub", first)
    again = importlib.import_module("pytest_migrationhub._migrationhub")
    assert again is not first
    assert served()["CreateProgressUpdateStream"] is again.HANDLERS["CreateProgressUpdateStream"]
