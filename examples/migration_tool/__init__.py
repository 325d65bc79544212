"""migration_tool: moves servers and reports their progress to AWS Migration Hub.

The tool replicates a server's disks, cuts over to the copy, and keeps Migration
Hub's dashboard up to date along the way::

    reporter = ProgressReporter.for_home_region("SMS", "sms-12de3cf1a")
    migrate_server(reporter, replication_steps(3, replicate=copy_disk, cut_over=switch_dns))
"""

from __future__ import annotations

from .hub import RETRY_CONFIG, HomeRegionNotSetError, home_region, home_region_client
from .reporter import ProgressReporter
from .runner import MigrationFailed, Step, migrate_server, replication_steps

__all__ = [
    "RETRY_CONFIG",
    "HomeRegionNotSetError",
    "MigrationFailed",
    "ProgressReporter",
    "Step",
    "home_region",
    "home_region_client",
    "migrate_server",
    "replication_steps",
]
