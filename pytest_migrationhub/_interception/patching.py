"""Reversible patching: attributes of a library's classes and modules, replaced and put back.

Each replacement is declared as a :class:`Patch` (what it replaces, why, since
which release); :func:`apply` makes all of a module's or none, and
:func:`undo_all` puts back every original, leaving alone a wrapper that another
library laid on top of ours since.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .._core import MigrationHubFakeError


@dataclass(frozen=True)
class Patch:
    """One attribute the fake replaces while it is active."""

    #: the module that holds it
    module: str
    #: the class in ``module`` that holds it, or "" for an attribute of the module
    owner: str
    name: str
    #: the first release known to have it (the package itself needs botocore 1.34.0)
    since: str
    why: str
    #: the replacement, made from the original
    wrap: Callable[[Any], Any]
    #: absent in some releases, and then left alone
    optional: bool = False

    @property
    def path(self) -> str:
        return ".".join(part for part in (self.module, self.owner, self.name) if part)


@dataclass(frozen=True)
class Read:
    """Private attributes of botocore's objects that the fake reads without replacing them."""

    module: str
    owner: str
    names: tuple[str, ...]
    since: str
    why: str


#: what has been replaced and how to put it back: (owner, name, saved, replacement);
#: ``saved`` is ``_INHERITED`` when the owner did not hold the attribute itself
_applied: list[tuple[Any, str, Any, Any]] = []
_INHERITED = object()


def owner_of(patch: Patch, module: Any) -> Any:
    return getattr(module, patch.owner, None) if patch.owner else module


def moved(patch_path: str, library: str, version: str, why: str) -> str:
    return (
        f"{library} {version} has no {patch_path}, which pytest-migrationhub relies on ({why}). "
        f"Install an earlier {library} (pip install '{library}<{version}') or a pytest-migrationhub "
        f"release that supports {library} {version}."
    )


def apply(patches: Sequence[Patch], module: Any, library: str) -> None:
    """Replace every attribute ``patches`` names in ``module``, or none of them."""
    found = []
    for patch in patches:
        owner = owner_of(patch, module)
        if owner is None or not hasattr(owner, patch.name):
            if patch.optional:
                continue
            version = getattr(sys.modules.get(library), "__version__", "?")
            raise MigrationHubFakeError(moved(patch.path, library, version, patch.why))
        found.append((patch, owner))
    for patch, owner in found:
        replacement = patch.wrap(getattr(owner, patch.name))
        _applied.append((owner, patch.name, vars(owner).get(patch.name, _INHERITED), replacement))
        setattr(owner, patch.name, replacement)


def undo_all() -> None:
    while _applied:
        owner, name, saved, replacement = _applied.pop()
        # Something patched the same attribute on top of ours: leave both in place
        # (ours does nothing while no fake is active).
        if vars(owner).get(name) is not replacement:
            continue
        if saved is _INHERITED:
            delattr(owner, name)
        else:
            setattr(owner, name, saved)
