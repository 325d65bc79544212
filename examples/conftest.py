"""Shared set-up for the example tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List

import pytest

# The tool lives next to its tests, as it would in a project of its own.
sys.path.insert(0, str(Path(__file__).parent))

# Clients created at import time (see test_module_level_clients.py) would
# otherwise look for credentials on the EC2 instance metadata service, which
# takes seconds off an EC2 instance. No credentials are needed with the fake.
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

from migration_tool import Step, replication_steps  # noqa: E402


@pytest.fixture
def plan() -> List[Step]:
    """A three-disk server whose replication and cut-over succeed at once."""
    return replication_steps(3, replicate=lambda disk: None, cut_over=lambda: None)
