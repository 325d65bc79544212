"""Shared set-up for the example tests."""

from __future__ import annotations

import os

import pytest

# The tool is imported by the name pytest and mypy both give it in this
# repository, examples.migration_tool: in a project of its own, it would be
# plain migration_tool.
from examples.migration_tool import DiscoveredServer, Step, replication_steps

# Clients created at import time (see test_module_level_clients.py) would
# otherwise look for credentials on the EC2 instance metadata service, which
# takes seconds off an EC2 instance. No credentials are needed with the fake.
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def plan() -> list[Step]:
    """A three-disk server whose replication and cut-over succeed at once."""
    return replication_steps(3, replicate=lambda disk: None, cut_over=lambda: None)


@pytest.fixture
def web01() -> DiscoveredServer:
    """A VMware web server, as Application Discovery Service inventoried it."""
    return DiscoveredServer(
        configuration_id="d-server-01kk9i6ywwaxmp",
        name="web01",
        fqdn="web01.corp.example.com",
        ipv4_addresses=("10.0.1.15", "192.168.7.15"),
        mac_addresses=("00:50:56:9a:4b:01",),
        vm_name="web01-prod",
        vm_manager_id="4226dd34-5c8a-4f1d-8b0e-0c2f9d1a7b3e",
    )


@pytest.fixture
def db01() -> DiscoveredServer:
    """A physical database server: no VM attributes."""
    return DiscoveredServer(
        configuration_id="d-server-03ab8c0ff3e1d2a94",
        name="db01",
        fqdn="db01.corp.example.com",
        ipv4_addresses=("10.0.2.20",),
    )
