"""Application Discovery Service's tags and its discovery summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

from pytest_migrationhub import MigrationHubFake


@pytest.fixture
def seeded(mhub_fake: MigrationHubFake) -> MigrationHubFake:
    mhub_fake.add_discovered_resource("d-server-1", host_name="web-1")
    mhub_fake.add_discovered_resource("d-server-2", host_name="db-1")
    mhub_fake.add_application("app-1", name="Shop")
    return mhub_fake


def test_create_tags_applies_every_tag_to_every_item(seeded: MigrationHubFake, discovery: Any) -> None:
    tags = [{"key": "env", "value": "prod"}, {"key": "env", "value": "eu"}]
    discovery.create_tags(configurationIds=["d-server-1", "app-1"], tags=tags)
    discovery.create_tags(configurationIds=["d-server-1"], tags=tags[:1])  # again: a no-op
    assert seeded.discovered_resource("d-server-1").tags == [("env", "prod"), ("env", "eu")]
    assert seeded.application("app-1").tags == [("env", "prod"), ("env", "eu")]
    rows = discovery.describe_tags()["tags"]
    assert [(r["configurationType"], r["configurationId"], r["key"], r["value"]) for r in rows] == [
        ("SERVER", "d-server-1", "env", "prod"),
        ("SERVER", "d-server-1", "env", "eu"),
        ("APPLICATION", "app-1", "env", "prod"),
        ("APPLICATION", "app-1", "env", "eu"),
    ]
    assert all(isinstance(r["timeOfCreation"], datetime) for r in rows)
    [server] = discovery.describe_configurations(configurationIds=["d-server-1"])["configurations"]
    assert server["server.tags"] == '[{"key": "env", "value": "prod"}, {"key": "env", "value": "eu"}]'
    filtered = discovery.list_configurations(
        configurationType="SERVER", filters=[{"name": "server.tag.value", "condition": "EQUALS", "values": ["eu"]}]
    )["configurations"]
    assert [s["server.configurationId"] for s in filtered] == ["d-server-1"]


def test_describe_tags_filters_and_pages(seeded: MigrationHubFake, discovery: Any) -> None:
    for n in range(5):
        discovery.create_tags(configurationIds=["d-server-1", "d-server-2"], tags=[{"key": f"k{n}", "value": "v"}])
    pages = list(discovery.get_paginator("describe_tags").paginate(PaginationConfig={"PageSize": 4}))
    assert [len(p["tags"]) for p in pages] == [4, 4, 2]
    only = discovery.describe_tags(
        filters=[{"name": "configurationId", "values": ["d-server-2"]}, {"name": "tagKey", "values": ["k1", "k3"]}]
    )["tags"]
    assert [(r["configurationId"], r["key"]) for r in only] == [("d-server-2", "k1"), ("d-server-2", "k3")]
    with pytest.raises(ClientError) as raised:
        discovery.describe_tags(filters=[{"name": "configurationId", "values": ["d-server-9"]}])
    assert error_of(raised)[:2] == ("ResourceNotFoundException", 400)
    with pytest.raises(ClientError) as raised:
        discovery.describe_tags(filters=[{"name": "colour", "values": ["red"]}])
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        "DescribeTags: $.filters[0].name: 'colour' is not a tag filter; use one of tagKey, tagValue, configurationId",
    )


def test_delete_tags_by_pair_or_all(seeded: MigrationHubFake, discovery: Any) -> None:
    tags = [{"key": "env", "value": "prod"}, {"key": "team", "value": "web"}]
    discovery.create_tags(configurationIds=["d-server-1", "d-server-2"], tags=tags)
    discovery.delete_tags(configurationIds=["d-server-1"], tags=[{"key": "env", "value": "other"}])
    assert seeded.discovered_resource("d-server-1").tags == [("env", "prod"), ("team", "web")]
    discovery.delete_tags(configurationIds=["d-server-1"], tags=[{"key": "env", "value": "prod"}])
    assert seeded.discovered_resource("d-server-1").tags == [("team", "web")]
    discovery.delete_tags(configurationIds=["d-server-2"])  # no tags: every tag
    assert seeded.discovered_resource("d-server-2").tags == []


def test_tags_on_an_unknown_item_are_not_found(seeded: MigrationHubFake, discovery: Any) -> None:
    with pytest.raises(discovery.exceptions.ResourceNotFoundException) as raised:
        discovery.create_tags(configurationIds=["d-server-1", "d-server-9"], tags=[{"key": "k", "value": "v"}])
    assert error_of(raised) == (
        "ResourceNotFoundException",
        400,
        "CreateTags: Application Discovery Service has no configuration item 'd-server-9'; in a test, add it "
        "first with mhub_fake.add_discovered_resource('d-server-9') or mhub_fake.add_application()",
    )
    assert seeded.discovered_resource("d-server-1").tags == []  # nothing tagged
    with pytest.raises(discovery.exceptions.ResourceNotFoundException):
        discovery.delete_tags(configurationIds=["d-server-9"])


def test_the_discovery_summary_counts_what_the_fake_holds(seeded: MigrationHubFake, discovery: Any) -> None:
    discovery.associate_configuration_items_to_application(
        applicationConfigurationId="app-1", configurationIds=["d-server-1"]
    )
    discovery.create_tags(configurationIds=["d-server-2", "app-1"], tags=[{"key": "k", "value": "v"}])
    summary = discovery.get_discovery_summary()
    summary.pop("ResponseMetadata")
    assert {k: v for k, v in summary.items() if not k.endswith("Summary")} == {
        "servers": 2,
        "applications": 1,
        "serversMappedToApplications": 1,
        "serversMappedtoTags": 1,
    }
    assert summary["agentSummary"] == {
        "activeAgents": 0,
        "healthyAgents": 0,
        "blackListedAgents": 0,
        "shutdownAgents": 0,
        "unhealthyAgents": 0,
        "totalAgents": 0,
        "unknownAgents": 0,
    }
    assert summary["meCollectorSummary"]["denyListedMeCollectors"] == 0
    assert set(summary) == {
        "servers",
        "applications",
        "serversMappedToApplications",
        "serversMappedtoTags",
        "agentSummary",
        "connectorSummary",
        "meCollectorSummary",
        "agentlessCollectorSummary",
    }


def test_a_discovered_server_can_be_inspected(mhub_fake: MigrationHubFake) -> None:
    server = mhub_fake.add_discovered_resource(
        "d-server-1", host_name="web-1", os_name="Ubuntu", os_version="22.04", ip_address="10.0.0.1", server_type="EC2"
    )
    assert mhub_fake.discovered_resource("d-server-1") is server
    assert (server.host_name, server.os_name, server.os_version, server.ip_address, server.server_type) == (
        "web-1",
        "Ubuntu",
        "22.04",
        "10.0.0.1",
        "EC2",
    )
    assert mhub_fake.discovered_resources() == [server]
    with pytest.raises(Exception, match="server_type must be one of EC2, OTHER, VMWARE_VM"):
        mhub_fake.add_discovered_resource("d-server-2", server_type="PHYSICAL")
    with pytest.raises(
        Exception, match=r"No discovered resource 'd-server-9'\. Known discovered resources: 'd-server-1'"
    ):
        mhub_fake.discovered_resource("d-server-9")
