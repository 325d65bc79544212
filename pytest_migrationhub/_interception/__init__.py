"""The interception: how a fake sits inside botocore and aiobotocore while it is active.

* :mod:`.patching`: reversible patching, from a table that says what each patch
  is for and since which release its target exists;
* :mod:`.decisions`: the active fake, and what every replacement decides
  (take a request over, answer it, record a retry's backoff instead of sleeping);
* :mod:`.sync`: botocore's table (:data:`PATCHES`, :data:`READS`);
* :mod:`.aio`: aiobotocore's (:data:`AIO_PATCHES`), applied as its modules load;
* :mod:`.activation`: :func:`activate` and :func:`deactivate`, all or nothing.

A fake is anything with ``handle(target, body, headers)``: nothing here knows
the services or the fake's other methods.
"""

from __future__ import annotations

from .activation import activate, deactivate
from .aio import AIO_PATCHES
from .decisions import Answering, active
from .patching import Patch, Read
from .sync import PATCHES, READS, missing_internals

__all__ = [
    "AIO_PATCHES",
    "PATCHES",
    "READS",
    "Answering",
    "Patch",
    "Read",
    "activate",
    "active",
    "deactivate",
    "missing_internals",
]
