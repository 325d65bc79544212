"""migration_tool: moves servers and reports their progress to AWS Migration Hub.

The tool replicates a server's disks, cuts over to the copy, and keeps Migration
Hub's dashboard up to date along the way::

    reporter = ProgressReporter.for_home_region("SMS", "sms-12de3cf1a")
    migrate_server(reporter, replication_steps(3, replicate=copy_disk, cut_over=switch_dns))

The servers and applications of a migration plan are looked up in Application
Discovery Service by name (``find_server``, ``find_application_id``). A server
Application Discovery Service inventoried is moved with its whole
record kept in Migration Hub: the task is linked to the discovered server,
carries its IP addresses, FQDN and VM name, and records the EC2 instance the
migration launched; an application's state follows its servers::

    web01 = DiscoveredServer("d-server-01kk9i6ywwaxmp", "web01", fqdn="web01.example.com",
                             ipv4_addresses=("10.0.1.15",))
    reporter = ProgressReporter.for_home_region("CloudMigrationFactory", web01.name)
    arn = migrate_discovered_server(reporter, web01, replication_steps(...), launch=launch_web01)

    mgh = home_region_client()
    migrate_application(mgh, "CloudMigrationFactory", "d-application-0b2a3ea5b1c30a7c2",
                        [ServerPlan(web01, steps, launch_web01), ServerPlan(db01, ...)])

    # or by the names a migration plan gives, looked up in Application Discovery Service first:
    migrate_planned_application(mgh, home_region_discovery_client(), "CloudMigrationFactory", "webshop",
                                {"web01.example.com": (steps, launch_web01), "db01.example.com": (...)})

A migration plan kept as a CSV in the Migration Hub import template is imported
into Application Discovery Service first (``import_plan``, which waits for the
import and refuses a plan that did not import whole), then moved the same way::

    migrate_imported_plan(mgh, home_region_discovery_client(), "CloudMigrationFactory",
                          ("wave-1", "s3://plans/wave-1.csv"), "webshop", {...})

``streams.delete_stream`` (the cleanup command) deletes the stream and every
task in it; ``streams.recreate_stream`` starts afresh with an empty one.
"""

from __future__ import annotations

from .discovery import DiscoveredServer, NotDiscoveredError, find_application_id, find_server, tasks_for_server
from .hub import (
    RETRY_CONFIG,
    HomeRegionNotSetError,
    ec2_instance_arn,
    home_region,
    home_region_client,
    home_region_discovery_client,
)
from .importer import PlanImportError, import_plan
from .reporter import ProgressReporter
from .runner import (
    Launch,
    MigrationFailed,
    ServerPlan,
    Step,
    migrate_application,
    migrate_discovered_server,
    migrate_imported_plan,
    migrate_planned_application,
    migrate_server,
    replication_steps,
)
from .streams import StreamBeingDeletedError, delete_stream, recreate_stream, stream_exists

__all__ = [
    "RETRY_CONFIG",
    "DiscoveredServer",
    "HomeRegionNotSetError",
    "Launch",
    "MigrationFailed",
    "NotDiscoveredError",
    "PlanImportError",
    "ProgressReporter",
    "ServerPlan",
    "Step",
    "StreamBeingDeletedError",
    "delete_stream",
    "ec2_instance_arn",
    "find_application_id",
    "find_server",
    "home_region",
    "home_region_client",
    "home_region_discovery_client",
    "import_plan",
    "migrate_application",
    "migrate_discovered_server",
    "migrate_imported_plan",
    "migrate_planned_application",
    "migrate_server",
    "recreate_stream",
    "replication_steps",
    "stream_exists",
    "tasks_for_server",
]
