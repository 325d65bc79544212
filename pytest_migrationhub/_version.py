"""The package's version, importable without the package facade."""

from __future__ import annotations

__version__ = "0.1.0"
