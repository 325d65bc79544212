"""The fake's clock: one source of time, read when asked, never captured at import."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    """The fake's clock: read when asked, so freezegun and time-machine move it."""
    return datetime.now(timezone.utc)


def from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, timezone.utc)


def epoch(moment: datetime) -> float:
    return float(moment.timestamp())
