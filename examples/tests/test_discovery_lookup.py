"""The migration plan names servers and applications; Application Discovery Service gives their IDs.

The tool looks each server up by host name and each application by name before
it reports anything. Seed what Application Discovery Service knows with
``mhub_fake.add_discovered_resource(id, host_name=...)`` and
``mhub_fake.add_application(id, name=...)``: the fake answers the ADS API from
the same state Migration Hub checks, so no stub of any kind is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from examples.migration_tool import (
    NotDiscoveredError,
    ProgressReporter,
    Step,
    ec2_instance_arn,
    find_application_id,
    find_server,
    home_region_client,
    home_region_discovery_client,
    migrate_discovered_server,
    migrate_planned_application,
)

if TYPE_CHECKING:
    from pytest_migrationhub import MigrationHubFake

STREAM = "CloudMigrationFactory"
WEB01 = "d-server-01kk9i6ywwaxmp"
DB01 = "d-server-03ab8c0ff3e1d2a94"
APP = "d-application-0b2a3ea5b1c30a7c2"
ARN = ec2_instance_arn("us-west-2", "123456789012", "i-0abc1234def567890")


@pytest.fixture
def discovered(mhub_fake: MigrationHubFake) -> MigrationHubFake:
    """Two servers and the application they make, as Application Discovery Service knows them."""
    mhub_fake.add_discovered_resource(
        WEB01, host_name="web01.corp.example.com", os_name="Ubuntu", os_version="22.04", ip_address="10.0.1.15"
    )
    mhub_fake.add_discovered_resource(DB01, host_name="db01.corp.example.com", ip_address="10.0.2.20")
    mhub_fake.add_application(APP, name="webshop", description="The shop and its database")
    return mhub_fake


def test_a_server_is_found_by_its_host_name(discovered: MigrationHubFake) -> None:
    server = find_server(home_region_discovery_client(), "web01.corp.example.com")
    assert server.configuration_id == WEB01
    assert (server.name, server.fqdn, server.ipv4_addresses) == ("web01", "web01.corp.example.com", ("10.0.1.15",))


def test_a_server_found_by_host_name_is_moved_and_linked(discovered: MigrationHubFake, plan: list[Step]) -> None:
    server = find_server(home_region_discovery_client(), "db01.corp.example.com")
    reporter = ProgressReporter.for_home_region(STREAM, server.name)
    assert migrate_discovered_server(reporter, server, plan, lambda: ARN) == ARN
    assert discovered.task(STREAM, "db01").status == "COMPLETED"
    assert [c.operation for c in discovered.calls][:3] == [
        "GetHomeRegion",
        "ListConfigurations",
        "DescribeConfigurations",
    ]


def test_an_unknown_host_name_stops_before_anything_is_reported(discovered: MigrationHubFake) -> None:
    with pytest.raises(NotDiscoveredError) as raised:
        find_server(home_region_discovery_client(), "web02.corp.example.com")
    assert str(raised.value) == (
        "Application Discovery Service knows no server(s) with host name 'web02.corp.example.com': check the "
        "host name in the migration plan, and that the server was discovered in this account."
    )
    assert discovered.tasks() == []


def test_a_planned_application_is_found_by_name_and_its_state_follows_its_servers(
    discovered: MigrationHubFake, plan: list[Step]
) -> None:
    targets = migrate_planned_application(
        home_region_client(),
        home_region_discovery_client(),
        STREAM,
        "webshop",
        {"web01.corp.example.com": (plan, lambda: ARN), "db01.corp.example.com": (plan, lambda: ARN)},
    )
    assert targets == {"web01": ARN, "db01": ARN}
    assert discovered.application(APP).status == "COMPLETED"
    # Every lookup comes before the first report.
    operations = [c.operation for c in discovered.calls if c.operation != "GetHomeRegion"]
    assert operations[:6] == [
        "ListConfigurations",
        "ListConfigurations",
        "DescribeConfigurations",
        "ListConfigurations",
        "DescribeConfigurations",
        "NotifyApplicationState",
    ]


def test_a_planned_server_ads_does_not_know_stops_the_application_before_any_report(
    discovered: MigrationHubFake, plan: list[Step]
) -> None:
    with pytest.raises(NotDiscoveredError, match="no server"):
        migrate_planned_application(
            home_region_client(),
            home_region_discovery_client(),
            STREAM,
            "webshop",
            {"web01.corp.example.com": (plan, lambda: ARN), "web02.corp.example.com": (plan, lambda: ARN)},
        )
    assert discovered.application(APP).status is None
    assert discovered.tasks() == []


def test_an_application_created_through_the_api_is_found_too(mhub_fake: MigrationHubFake) -> None:
    discovery = home_region_discovery_client()
    created = discovery.create_application(name="billing")["configurationId"]
    assert find_application_id(discovery, "billing") == created
    with pytest.raises(NotDiscoveredError, match="no application named 'payroll'"):
        find_application_id(discovery, "payroll")
