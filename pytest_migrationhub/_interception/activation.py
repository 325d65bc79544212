"""Making a fake the one that answers, and undoing it: the patch tables applied all or nothing."""

from __future__ import annotations

import os
from collections.abc import Callable

from .._core import MigrationHubFakeError
from . import aio, decisions
from .decisions import Answering, lock
from .patching import undo_all
from .sync import apply_botocore

#: the value AWS_EC2_METADATA_DISABLED had before activation (None: unset)
_saved_imds: str | None = None
_IMDS = "AWS_EC2_METADATA_DISABLED"


def activate(fake: Answering, record_delay: Callable[[float], None]) -> None:
    """Answer requests for the served services with ``fake``; ``record_delay`` keeps each retry backoff not slept."""
    global _saved_imds
    with lock:
        current = decisions.active()
        if current is not None:
            if current is fake:
                raise MigrationHubFakeError("This Migration Hub fake is already started.")
            raise MigrationHubFakeError(
                "Another Migration Hub fake is already active; use that one (the mhub_fake "
                "fixture, or the object mock_migrationhub() returned) instead of starting a second."
            )
        apply_botocore()
        decisions.make_active(fake, record_delay)
        try:
            aio.watch()
        except BaseException:
            decisions.make_inactive()
            undo_all()
            aio.unwatch()
            raise
        # A client created while the fake is active needs no credentials; without
        # this, botocore would look for some on the EC2 instance metadata service.
        _saved_imds = os.environ.get(_IMDS)
        os.environ[_IMDS] = "true"


def deactivate(fake: Answering) -> None:
    """Stop answering with ``fake``, if it is the one that answers: every patch put back."""
    with lock:
        if decisions.active() is fake:
            decisions.make_inactive()
            if _saved_imds is None:
                os.environ.pop(_IMDS, None)
            else:
                os.environ[_IMDS] = _saved_imds
            undo_all()
            aio.unwatch()
