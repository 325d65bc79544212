"""Housekeeping of the tool's progress update stream: cleaning it up and starting afresh.

Deleting a stream deletes every task in it, with their history, resource
attributes and associations. Migration Hub does it in the background: for a
while the stream is still listed and refuses writes (InvalidInputException),
then its name is free to be created again, as a new, empty stream.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types_boto3_mgh import MigrationHubClient


#: How often, and how many times, to look whether a deletion has finished.
POLL_SECONDS = 2.0
MAX_POLLS = 30


class StreamBeingDeletedError(RuntimeError):
    """The progress update stream is being deleted; it cannot be written to until that is done."""


def stream_exists(mgh: MigrationHubClient, stream: str) -> bool:
    """Whether ``stream`` is listed (a stream being deleted still is)."""
    pages = mgh.get_paginator("list_progress_update_streams").paginate()
    return any(
        summary["ProgressUpdateStreamName"] == stream
        for page in pages
        for summary in page["ProgressUpdateStreamSummaryList"]
    )


def delete_stream(mgh: MigrationHubClient, stream: str) -> None:
    """The cleanup command: delete the stream and every migration task in it.

    Returns as soon as Migration Hub has accepted the deletion; see
    :func:`wait_until_deleted`.
    """
    mgh.delete_progress_update_stream(ProgressUpdateStreamName=stream)


def wait_until_deleted(
    mgh: MigrationHubClient,
    stream: str,
    *,
    poll_seconds: float = POLL_SECONDS,
    max_polls: int = MAX_POLLS,
    sleep: Callable[[float], object] | None = None,
) -> None:
    """Wait until a deleted stream is no longer listed, so that its name can be reused.

    Raises :class:`StreamBeingDeletedError` if it is still listed after
    ``max_polls`` looks, ``poll_seconds`` apart.
    """
    sleep = sleep or time.sleep
    for _ in range(max_polls):
        if not stream_exists(mgh, stream):
            return
        sleep(poll_seconds)
    raise StreamBeingDeletedError(
        f"Progress update stream {stream!r} is still being deleted after "
        f"{max_polls * poll_seconds:g} seconds; try again later."
    )


def recreate_stream(
    mgh: MigrationHubClient,
    stream: str,
    *,
    poll_seconds: float = POLL_SECONDS,
    max_polls: int = MAX_POLLS,
    sleep: Callable[[float], object] | None = None,
) -> None:
    """Start afresh: delete the stream, wait for the deletion to finish, create it again, empty."""
    delete_stream(mgh, stream)
    wait_until_deleted(mgh, stream, poll_seconds=poll_seconds, max_polls=max_polls, sleep=sleep)
    mgh.create_progress_update_stream(ProgressUpdateStreamName=stream)
