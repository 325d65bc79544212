"""Sphinx configuration of pytest-migrationhub's documentation (MyST Markdown, the Furo theme).

Built offline with warnings as errors: ``tox -e docs``. The tables that could drift from
the code (operations, options, control API routes) and the pictures drawn from a real
fake are written at build time by ``_ext/generated.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

from pytest_migrationhub import __version__  # noqa: E402

project = "pytest-migrationhub"
author = "pytest-migrationhub's authors"
copyright = "pytest-migrationhub's authors"
release = version = __version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "generated"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_generated/README.md"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "undoc-members": False}
html_theme = "furo"
html_title = f"pytest-migrationhub {release}"
html_static_path = ["_static"]
# No request leaves the build: no intersphinx, no external images, no analytics.
suppress_warnings: list[str] = []
