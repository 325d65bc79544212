"""Application Discovery Service's configuration items: DescribeConfigurations and ListConfigurations,
answered from what ``add_discovered_resource()`` and ``add_application()`` seed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

from pytest_migrationhub import MigrationHubFake, MigrationHubFakeError
from pytest_migrationhub._core import catalog, served

ADS_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d")
#: the operations of Application Discovery Service the fake serves


def seed(fake: MigrationHubFake) -> None:
    fake.add_discovered_resource(
        "d-server-1", host_name="web-1.example.com", os_name="Ubuntu", os_version="22.04", ip_address="10.0.0.1"
    )
    fake.add_discovered_resource("d-server-2", host_name="db-1.example.com", os_name="Windows", server_type="EC2")
    fake.add_discovered_resource("d-server-3", host_name="web-2.example.com", os_name="Amazon Linux")


def servers(discovery: Any, *filters: dict[str, Any], **options: Any) -> list[str]:
    pages = discovery.get_paginator("list_configurations").paginate(
        configurationType="SERVER", filters=list(filters), **options
    )
    return [item["server.configurationId"] for page in pages for item in page["configurations"]]


def test_every_operation_botocore_models_for_discovery_is_served() -> None:
    modelled = {op.name for op in catalog().by_name.values() if op.service == "discovery"}
    assert modelled - set(served()) == set()
    assert len(modelled) >= 25  # all 28 on a botocore that models them all (1.34 lacks a few)


def test_describe_a_server_with_the_documented_names_and_formats(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed(mhub_fake)
    [server] = discovery.describe_configurations(configurationIds=["d-server-1"])["configurations"]
    created = server.pop("server.timeOfCreation")
    assert ADS_TIME.fullmatch(created), created
    assert server == {
        "server.configurationId": "d-server-1",
        "server.hostName": "web-1.example.com",
        "server.osName": "Ubuntu",
        "server.osVersion": "22.04",
        "server.type": "OTHER",
        "server.applications": "[]",
        "server.applications.hasMoreValues": "false",
        "server.tags": "[]",
        "server.tags.hasMoreValues": "false",
        "server.networkInterfaceInfo": '[{"ipAddress": "10.0.0.1"}]',
        "server.networkInterfaceInfo.hasMoreValues": "false",
    }
    # What a server left without attributes leaves out: only the mandatory fields stay.
    mhub_fake.add_discovered_resource("d-server-bare")
    [bare] = discovery.describe_configurations(configurationIds=["d-server-bare"])["configurations"]
    assert "server.hostName" not in bare and bare["server.type"] == "OTHER"


def test_describe_an_application_and_its_server_count(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed(mhub_fake)
    mhub_fake.add_application("d-application-1", name="Shop")
    discovery.associate_configuration_items_to_application(
        applicationConfigurationId="d-application-1", configurationIds=["d-server-1", "d-server-2"]
    )
    [app] = discovery.describe_configurations(configurationIds=["d-application-1"])["configurations"]
    assert ADS_TIME.fullmatch(app.pop("application.timeOfCreation"))
    assert ADS_TIME.fullmatch(app.pop("application.lastModifiedTime"))
    assert app == {
        "application.configurationId": "d-application-1",
        "application.name": "Shop",
        "application.description": "",
        "application.serverCount": "2",
    }
    [server] = discovery.describe_configurations(configurationIds=["d-server-1"])["configurations"]
    assert json.loads(server["server.applications"]) == [{"name": "Shop", "configurationId": "d-application-1"}]


def test_an_unknown_id_is_invalid_as_the_migration_factory_expects(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed(mhub_fake)
    with pytest.raises(ClientError) as raised:
        discovery.describe_configurations(configurationIds=["web-9"])
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        "DescribeConfigurations: Application Discovery Service has no configuration item 'web-9'; in a test, "
        "add it first with mhub_fake.add_discovered_resource('web-9') or mhub_fake.add_application()",
    )
    assert isinstance(raised.value, discovery.exceptions.InvalidParameterValueException)
    mhub_fake.add_application("d-application-1")
    with pytest.raises(ClientError) as raised:
        discovery.describe_configurations(configurationIds=["d-server-1", "d-application-1"])
    assert error_of(raised)[2] == (
        "DescribeConfigurations: $.configurationIds: name items of one type only; got ['APPLICATION', 'SERVER']"
    )


# --- ListConfigurations ------------------------------------------------------------------


def test_filters_and_across_filters_or_across_values(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed(mhub_fake)
    host = "server.hostName"
    assert servers(discovery) == ["d-server-1", "d-server-2", "d-server-3"]
    assert servers(discovery, {"name": host, "condition": "EQUALS", "values": ["db-1.example.com"]}) == ["d-server-2"]
    assert servers(
        discovery, {"name": host, "condition": "EQ", "values": ["db-1.example.com", "web-2.example.com"]}
    ) == [
        "d-server-2",
        "d-server-3",
    ]
    assert servers(discovery, {"name": host, "condition": "CONTAINS", "values": ["web"]}) == [
        "d-server-1",
        "d-server-3",
    ]
    assert servers(
        discovery,
        {"name": host, "condition": "CONTAINS", "values": ["web"]},
        {"name": "server.osName", "condition": "NOT_CONTAINS", "values": ["Ubuntu"]},
    ) == ["d-server-3"]
    # NOT_* holds of an item that matches none of the values.
    assert servers(discovery, {"name": "server.osName", "condition": "NE", "values": ["Ubuntu", "Windows"]}) == [
        "d-server-3"
    ]
    assert servers(discovery, {"name": "server.type", "condition": "EQUALS", "values": ["EC2"]}) == ["d-server-2"]
    # Case-sensitive.
    assert servers(discovery, {"name": host, "condition": "CONTAINS", "values": ["WEB"]}) == []


def test_applications_by_name_through_the_paginator(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    seed(mhub_fake)
    mhub_fake.add_application("d-application-1", name="Shop")
    mhub_fake.add_application("d-application-2", name="Shop backend")
    discovery.associate_configuration_items_to_application(
        applicationConfigurationId="d-application-2", configurationIds=["d-server-2"]
    )
    pages = discovery.get_paginator("list_configurations").paginate(
        configurationType="APPLICATION",
        filters=[{"name": "application.name", "condition": "EQUALS", "values": ["Shop"]}],
    )
    found = [app["application.configurationId"] for page in pages for app in page["configurations"]]
    assert found == ["d-application-1"]
    by_server = discovery.list_configurations(
        configurationType="APPLICATION",
        filters=[{"name": "server.configurationId", "condition": "EQUALS", "values": ["d-server-2"]}],
    )["configurations"]
    assert [a["application.name"] for a in by_server] == ["Shop backend"]
    assert discovery.list_configurations(configurationType="PROCESS")["configurations"] == []


def test_order_by_and_pages(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    for n in range(7):
        mhub_fake.add_discovered_resource(f"d-server-{n}", host_name=f"host-{(n * 3) % 7}")
    order = [{"fieldName": "server.hostName", "sortOrder": "DESC"}]
    pages = list(
        discovery.get_paginator("list_configurations").paginate(
            configurationType="SERVER", orderBy=order, PaginationConfig={"PageSize": 3}
        )
    )
    assert [len(p["configurations"]) for p in pages] == [3, 3, 1]
    hosts = [s["server.hostName"] for p in pages for s in p["configurations"]]
    assert hosts == [f"host-{n}" for n in range(6, -1, -1)]
    first = discovery.list_configurations(configurationType="SERVER", maxResults=2)
    assert "nextToken" in first
    # A token is good only for the request that issued it.
    with pytest.raises(ClientError) as raised:
        discovery.list_configurations(configurationType="SERVER", orderBy=order, nextToken=first["nextToken"])
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        f"ListConfigurations: nextToken {first['nextToken']!r} was not issued for this request; "
        "pass the nextToken of the previous page unchanged",
    )


@pytest.mark.parametrize(
    "options, message",
    [
        ({"maxResults": 0}, "ListConfigurations: $.maxResults: 0 is not between 1 and 100"),
        ({"maxResults": 101}, "ListConfigurations: $.maxResults: 101 is not between 1 and 100"),
        (
            {"filters": [{"name": "server.colour", "condition": "EQUALS", "values": ["red"]}]},
            "ListConfigurations: $.filters[0].name: 'server.colour' is not a filter of SERVER items; use one of "
            "server.configurationId, server.hostName, server.osName, server.osVersion, server.type, "
            "server.networkInterfaceInfo.ipAddress, server.tag.key, server.tag.value, server.application.name, "
            "server.application.description, server.application.configurationId",
        ),
        (
            {"filters": [{"name": "server.configurationId", "condition": "CONTAINS", "values": ["1"]}]},
            "ListConfigurations: $.filters[0].condition: 'CONTAINS' does not apply to server.configurationId; "
            "use one of EQUALS, NOT_EQUALS",
        ),
        (
            {"filters": [{"name": "server.type", "condition": "NOT_CONTAINS", "values": ["EC"]}]},
            "ListConfigurations: $.filters[0].condition: 'NOT_CONTAINS' does not apply to server.type; "
            "use one of EQUALS, NOT_EQUALS",
        ),
        (
            {"orderBy": [{"fieldName": "server.type"}]},
            "ListConfigurations: $.orderBy[0].fieldName: 'server.type' cannot sort SERVER items; use one of "
            "server.hostName, server.osName, server.osVersion",
        ),
    ],
)
def test_what_list_configurations_refuses(
    mhub_fake: MigrationHubFake, discovery: Any, options: dict[str, Any], message: str
) -> None:
    seed(mhub_fake)
    with pytest.raises(ClientError) as raised:
        discovery.list_configurations(configurationType="SERVER", **options)
    assert error_of(raised) == ("InvalidParameterValueException", 400, message)


# --- what every discovery call goes through -------------------------------------------


@pytest.mark.mhub_fake(assert_all_requests_valid=False)
def test_a_request_the_model_refuses_is_an_invalid_parameter_value(
    mhub_fake: MigrationHubFake, make_client: Any
) -> None:
    discovery = make_client("discovery", parameter_validation=False)
    with pytest.raises(ClientError) as raised:
        discovery.create_application(name="   ")
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        "CreateApplication: $.name: '   ' does not match '^(?:[\\\\s\\\\S]*\\\\S[\\\\s\\\\S]*)$'",
    )


def test_the_home_region(mhub_fake: MigrationHubFake, make_client: Any) -> None:
    seed(mhub_fake)
    elsewhere = make_client("discovery", region="eu-west-1")
    # Reads (Describe, List, Get, Delete) may be sent anywhere and see the home region's data.
    assert len(elsewhere.list_configurations(configurationType="SERVER")["configurations"]) == 3
    assert elsewhere.get_discovery_summary()["servers"] == 3
    with pytest.raises(ClientError) as raised:
        elsewhere.create_application(name="Shop")
    assert error_of(raised) == (
        "InvalidInputException",
        400,
        "CreateApplication: writes must be sent to the home region us-west-2; this request was sent to eu-west-1",
    )
    mhub_fake.home_region = None
    with pytest.raises(ClientError) as raised:
        make_client("discovery").list_configurations(configurationType="SERVER")
    assert error_of(raised)[:2] == ("HomeRegionNotSetException", 400)
    assert error_of(raised)[2].startswith("ListConfigurations: no home region is set")


def test_deny_and_fail_name_discovery_operations(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.deny("list_configurations")
    with pytest.raises(discovery.exceptions.AuthorizationErrorException) as raised:
        discovery.list_configurations(configurationType="SERVER")
    assert error_of(raised) == (
        "AuthorizationErrorException",
        400,
        "ListConfigurations: not authorized to perform discovery:ListConfigurations (mhub_fake.deny)",
    )
    mhub_fake.allow("ListConfigurations")
    # Every attempt: how many botocore makes depends on its release's default retry mode.
    mhub_fake.fail("DescribeConfigurations", "ServerInternalErrorException", times=None)
    with pytest.raises(ClientError) as raised:
        discovery.describe_configurations(configurationIds=["d-server-1"])
    assert error_of(raised) == (
        "ServerInternalErrorException",
        500,
        "DescribeConfigurations: ServerInternalErrorException injected by mhub_fake.fail()",
    )
    mhub_fake.clear_faults()
    with pytest.raises(MigrationHubFakeError, match="'AccessDeniedException' is not an error ListConfigurations"):
        mhub_fake.fail("ListConfigurations", "AccessDeniedException")


def test_each_account_has_its_own_items(mhub_fake: MigrationHubFake, botocore_session: Any) -> None:
    mhub_fake.add_account("111122223333", access_key_id="AKIAOTHER")
    mhub_fake.add_discovered_resource("d-server-other", account="111122223333")
    seed(mhub_fake)
    other = botocore_session.create_client(
        "discovery", region_name="us-west-2", aws_access_key_id="AKIAOTHER", aws_secret_access_key="x"
    )
    found = other.list_configurations(configurationType="SERVER")["configurations"]
    assert [s["server.configurationId"] for s in found] == ["d-server-other"]
    assert [c.account for c in mhub_fake.calls] == ["111122223333"]


def test_a_fault_or_denial_on_an_operation_the_fake_does_not_serve_is_refused(
    mhub_fake: MigrationHubFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A newer botocore may model an operation this fake does not serve yet.
    monkeypatch.delitem(served(), "StartExportTask")
    mhub_fake.deny("DescribeConfigurations")  # served: accepted
    mhub_fake.allow("DescribeConfigurations")
    with pytest.raises(MigrationHubFakeError) as raised:
        mhub_fake.fail("StartExportTask", "ServerInternalErrorException")
    assert str(raised.value).startswith(
        "fail: mhub_fake does not implement discovery StartExportTask yet; of discovery it serves "
        "AssociateConfigurationItemsToApplication, BatchDeleteAgents, "
    )
    with pytest.raises(MigrationHubFakeError, match=r"^deny: mhub_fake does not implement discovery StartExportTask"):
        mhub_fake.deny("StartExportTask")
    assert mhub_fake.unexplained() == []


#: every paginator botocore ships for discovery, and the test file that drives it against the fake
PAGINATED = {
    "DescribeAgents": "test_discovery_agents.py",
    "DescribeContinuousExports": "test_discovery_deletions.py",
    "DescribeExportConfigurations": "test_discovery_export_tasks.py",
    "DescribeExportTasks": "test_discovery_export_tasks.py",
    "DescribeImportTasks": "test_discovery_import_tasks.py",
    "DescribeTags": "test_discovery_tags.py",
    "ListConfigurations": "test_discovery_configurations.py",
}


def test_every_paginator_botocore_ships_for_discovery_is_driven_by_a_test(discovery: Any) -> None:
    from pathlib import Path

    from botocore import xform_name

    shipped = {name for name in PAGINATED if discovery.can_paginate(xform_name(name))}
    model = discovery.meta.service_model
    # A paginator botocore adds is an operation that can_paginate: it must be listed (and driven) here.
    assert {name for name in model.operation_names if discovery.can_paginate(xform_name(name))} == shipped
    for name in shipped:
        source = (Path(__file__).parent / PAGINATED[name]).read_text(encoding="utf-8")
        assert "get_paginator(" in source and f'"{xform_name(name)}"' in source, (name, PAGINATED[name])
