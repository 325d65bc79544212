"""Exports, continued: EC2 recommendations, the deprecated ExportConfigurations, DescribeExportTasks,
and the download URLs in process and in server mode."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError
from export_support import (
    AGENT,
    EXPORT_ID,
    ONLY_AGENT_IDS,
    OTHER_AGENT,
    OWN_URL,
    SIX_HOURS,
    START,
    SUMMARY_FILES,
    by_agent,
    download,
    export_info,
    exported,
    models_preferences,
    rows,
    seed_estate,
    unzip,
)
from support import error_of

from pytest_migrationhub import MigrationHubFake, MigrationHubServer
from pytest_migrationhub._discovery.export_files import EC2_COLUMNS, NO_RECOMMENDATION

# --- EC2 recommendations ---------------------------------------------------------------------------


def test_ec2_recommendations_export_a_row_per_server_and_no_recommendation(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    if not models_preferences(discovery):
        pytest.skip("this botocore models no preferences in StartExportTask")
    seed_estate(mhub_fake, discovery)
    preferences = {
        "ec2RecommendationsPreferences": {
            "enabled": True,
            "cpuPerformanceMetricBasis": {"name": "p95", "percentageAdjust": 10.0},
            "ramPerformanceMetricBasis": {"name": "MAX"},
            "tenancy": "DEDICATED",
            "excludedInstanceTypes": ["t2.nano", "t2.micro"],
            "preferredRegion": "eu-west-1",
            "reservedInstanceOptions": {
                "purchasingOption": "PARTIAL_UPFRONT",
                "offeringClass": "STANDARD",
                "termLength": "ONE_YEAR",
            },
        }
    }
    export_id = discovery.start_export_task(preferences=preferences)["exportId"]
    assert mhub_fake.export_tasks()[-1].kind == "ec2-recommendations"
    freezer.tick(1)
    files = exported(discovery, export_id)
    assert list(files) == ["EC2InstanceRecommendations.csv"]
    header, *lines = rows(files["EC2InstanceRecommendations.csv"])
    assert header == list(EC2_COLUMNS)
    table = [dict(zip(header, line, strict=True)) for line in lines]
    assert [row["ServerId"] for row in table] == ["d-server-1", "d-server-2"]
    for row in table:
        assert row["Recommendation.EC2.Remarks"] == NO_RECOMMENDATION
        assert row["Recommendation.EC2.Instance.Model"] == ""
        assert row["Recommendation.EC2.Instance.Price.HourlyRate"] == ""
        assert (row["Applications"], row["UserPreference.Region"], row["UserPreference.EC2.Tenancy"]) == (
            "Shop",
            "eu-west-1",
            "DEDICATED",
        )
        assert (
            row["UserPreference.Recommendation.CPUSizing"],
            row["UserPreference.Recommendation.RAMSizing"],
            row["UserPreference.EC2.PricingModel"],
            row["UserPreference.EC2.PricingModel.ContractTerm"],
            row["UserPreference.EC2.PricingModel.Payment"],
            row["UserPreference.EC2.ExcludedInstances"],
        ) == ("p95", "MAX", "Reserved", "ONE_YEAR", "PARTIAL_UPFRONT", "t2.nano, t2.micro")
    assert (table[0]["Server.HostName"], table[0]["Server.OS.Name"], table[0]["Tags"]) == (
        "web-1.example.com",
        "Ubuntu",
        "env:prod",
    )


def test_ec2_recommendations_not_enabled_export_the_summary(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    if not models_preferences(discovery):
        pytest.skip("this botocore models no preferences in StartExportTask")
    export_id = discovery.start_export_task(preferences={"ec2RecommendationsPreferences": {"enabled": False}})[
        "exportId"
    ]
    freezer.tick(1)
    assert list(exported(discovery, export_id)) == SUMMARY_FILES


def test_preferences_naming_no_member_are_refused_by_botocore(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    if not models_preferences(discovery):
        pytest.skip("this botocore models no preferences in StartExportTask")
    # ExportPreferences is a union: botocore wants exactly one member, and never sends the request.
    with pytest.raises(ParamValidationError, match="ec2RecommendationsPreferences"):
        discovery.start_export_task(preferences={})
    assert mhub_fake.calls == []
    assert mhub_fake.export_tasks() == []


# --- ExportConfigurations and DescribeExportConfigurations -----------------------------------------


def test_export_configurations_exports_as_a_filterless_export(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    seed_estate(mhub_fake, discovery)
    export_id = discovery.export_configurations()["exportId"]
    assert EXPORT_ID.fullmatch(export_id)
    [in_progress] = discovery.describe_export_configurations(exportIds=[export_id])["exportsInfo"]
    assert (in_progress["exportStatus"], in_progress["exportRequestTime"]) == ("IN_PROGRESS", START)
    assert "configurationsDownloadUrl" not in in_progress
    freezer.tick(1)
    [done] = discovery.describe_export_configurations(exportIds=[export_id])["exportsInfo"]
    assert done == export_info(discovery, export_id)  # both describe it the same way
    assert (done["exportStatus"], done["isTruncated"]) == ("SUCCEEDED", False)
    summary = discovery.start_export_task()["exportId"]
    freezer.tick(1)
    ours, theirs = exported(discovery, export_id), exported(discovery, summary)
    assert list(ours) == SUMMARY_FILES
    assert ours == theirs


def test_a_third_export_configurations_in_six_hours_is_refused(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    freezer.move_to(START)
    first = discovery.export_configurations()["exportId"]
    freezer.tick(3600)
    discovery.export_configurations()
    discovery.start_export_task()  # StartExportTask is not limited so
    with pytest.raises(ClientError) as raised:
        discovery.export_configurations()
    assert error_of(raised) == ("OperationNotPermittedException", 400, SIX_HOURS)
    freezer.move_to(START + timedelta(hours=6))  # the first is six hours old: one more may go
    third = discovery.export_configurations()["exportId"]
    with pytest.raises(ClientError) as raised:
        discovery.export_configurations()
    assert error_of(raised) == ("OperationNotPermittedException", 400, SIX_HOURS)
    listed = [e["exportId"] for e in discovery.describe_export_configurations()["exportsInfo"]]
    assert len(listed) == 4 and (listed[0], listed[-1]) == (first, third)


def test_describe_export_configurations_lists_every_export_and_refuses_an_unknown_id(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    mhub_fake.add_agent(AGENT)
    ids = [
        discovery.export_configurations()["exportId"],
        discovery.start_export_task()["exportId"],
        discovery.start_export_task(filters=by_agent())["exportId"],
    ]
    listed = discovery.describe_export_configurations()["exportsInfo"]
    assert [e["exportId"] for e in listed] == ids
    chosen = discovery.describe_export_configurations(exportIds=[ids[2], ids[0]])["exportsInfo"]
    assert [e["exportId"] for e in chosen] == [ids[0], ids[2]]  # oldest first, whatever the order asked
    unknown = f"export-{uuid.uuid4()}"
    with pytest.raises(ClientError) as raised:
        discovery.describe_export_configurations(exportIds=[ids[0], unknown])
    assert error_of(raised) == (
        "ResourceNotFoundException",
        400,
        f"DescribeExportConfigurations: no export has the ID {unknown!r}",
    )


# --- DescribeExportTasks -----------------------------------------------------------------------------


def test_describe_export_tasks_by_id_leaves_unknown_ids_out(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    first = discovery.start_export_task()["exportId"]
    second = discovery.start_export_task()["exportId"]
    assert [e["exportId"] for e in discovery.describe_export_tasks()["exportsInfo"]] == [first, second]
    asked = discovery.describe_export_tasks(exportIds=[f"export-{uuid.uuid4()}", second])["exportsInfo"]
    assert [e["exportId"] for e in asked] == [second]
    assert discovery.describe_export_tasks(exportIds=[f"export-{uuid.uuid4()}"])["exportsInfo"] == []


def test_describe_export_tasks_filters_by_agent(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_agent(AGENT)
    mhub_fake.add_agent(OTHER_AGENT)
    discovery.start_export_task()
    mine = discovery.start_export_task(filters=by_agent(AGENT))["exportId"]
    theirs = discovery.start_export_task(filters=by_agent(OTHER_AGENT))["exportId"]
    for name in ("agentIds", "AgentId"):
        listed = discovery.describe_export_tasks(filters=by_agent(AGENT, name))["exportsInfo"]
        assert [e["exportId"] for e in listed] == [mine]
    both = discovery.describe_export_tasks(exportIds=[mine, theirs], filters=by_agent(OTHER_AGENT))["exportsInfo"]
    assert [e["exportId"] for e in both] == [theirs]
    # An agent that was never exported (or is not registered) lists nothing.
    assert discovery.describe_export_tasks(filters=by_agent("o-000000000000000aa"))["exportsInfo"] == []
    with pytest.raises(ClientError) as raised:
        discovery.describe_export_tasks(filters=[{"name": "agentIds", "condition": "NOT_EQUALS", "values": [AGENT]}])
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        f"DescribeExportTasks: $.filters[0]: 'agentIds' 'NOT_EQUALS' is not a filter of exports; {ONLY_AGENT_IDS}",
    )


def test_describe_export_tasks_pages(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    ids = [discovery.start_export_task()["exportId"] for _ in range(5)]
    first = discovery.describe_export_tasks(maxResults=2)
    assert [e["exportId"] for e in first["exportsInfo"]] == ids[:2]
    second = discovery.describe_export_tasks(maxResults=2, nextToken=first["nextToken"])
    assert [e["exportId"] for e in second["exportsInfo"]] == ids[2:4]
    last = discovery.describe_export_tasks(maxResults=2, nextToken=second["nextToken"])
    assert [e["exportId"] for e in last["exportsInfo"]] == ids[4:]
    assert "nextToken" not in last
    # A token is only good for the listing that issued it.
    token = first["nextToken"]
    with pytest.raises(ClientError) as raised:
        discovery.describe_export_tasks(exportIds=ids[:3], maxResults=2, nextToken=token)
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        f"DescribeExportTasks: nextToken {token!r} was not issued for this request; "
        "pass the nextToken of the previous page unchanged",
    )


def test_botocores_export_paginators_walk_every_export(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    ids = [discovery.start_export_task()["exportId"] for _ in range(3)]
    ids.append(discovery.export_configurations()["exportId"])
    for operation in ("describe_export_tasks", "describe_export_configurations"):
        pages = list(discovery.get_paginator(operation).paginate(PaginationConfig={"PageSize": 3}))
        assert [len(page["exportsInfo"]) for page in pages] == [3, 1]
        assert [e["exportId"] for page in pages for e in page["exportsInfo"]] == ids
        built = discovery.get_paginator(operation).paginate(PaginationConfig={"PageSize": 1}).build_full_result()
        assert [e["exportId"] for e in built["exportsInfo"]] == ids


# --- downloads ------------------------------------------------------------------------------------


def test_in_server_mode_the_url_is_the_servers_and_downloads_from_it(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer, discovery: Any, freezer: Any
) -> None:
    seed_estate(mhub_fake, discovery)
    export_id = discovery.start_export_task()["exportId"]
    freezer.tick(1)
    url = export_info(discovery, export_id)["configurationsDownloadUrl"]
    assert re.fullmatch(
        re.escape(mhub_server.endpoint_url) + rf"/mhub-api/downloads/[A-Za-z0-9_-]+/{export_id}\.zip", url
    ), url
    assert unzip(download(url)) == mhub_fake.export_tasks()[-1].files


def test_a_server_started_as_a_context_manager_serves_the_downloads(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    with MigrationHubServer(mhub_fake) as server:
        export_id = discovery.start_export_task()["exportId"]
        freezer.tick(1)
        url = export_info(discovery, export_id)["configurationsDownloadUrl"]
        assert url.startswith(server.endpoint_url + "/mhub-api/downloads/")
        assert list(unzip(download(url))) == SUMMARY_FILES
    # Stopped, the server hands the URLs back to the fake's own endpoint.
    export_id = discovery.start_export_task()["exportId"]
    freezer.tick(1)
    url = export_info(discovery, export_id)["configurationsDownloadUrl"]
    assert OWN_URL.fullmatch(url), url
    assert list(unzip(download(url))) == SUMMARY_FILES


def test_an_unknown_download_path_is_not_found_on_the_server(
    mhub_fake: MigrationHubFake, mhub_server: MigrationHubServer
) -> None:
    path = "/mhub-api/downloads/unknown/export.zip"
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(mhub_server.endpoint_url + path, timeout=10)
    assert raised.value.code == 404
    assert json.loads(raised.value.read()) == {
        "__type": "NotFoundException",
        "Message": f"no file at {path}: its URL was never handed out by this fake, or the fake was reset since",
    }


def test_an_unknown_download_path_is_not_found_on_the_fakes_own_endpoint(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    export_id = discovery.start_export_task()["exportId"]
    freezer.tick(1)
    url = export_info(discovery, export_id)["configurationsDownloadUrl"]
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(url.rsplit("/", 2)[0] + "/unknown/export.zip", timeout=10)
    assert raised.value.code == 404
    # reset() forgets the files: their URLs answer 404 from then on.
    mhub_fake.reset()
    assert mhub_fake.export_tasks() == []
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(url, timeout=10)
    assert raised.value.code == 404


# --- found unchecked by mutating the code ----------------------------------------


def test_ec2_recommendations_show_what_an_import_said_of_the_server(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    if not models_preferences(discovery):
        pytest.skip("this botocore models no preferences in StartExportTask")
    mhub_fake.discovery_task_seconds = 0
    mhub_fake.add_import_file(
        "s3://plans/servers.csv",
        "ExternalId,OS.Name,OS.Version,CPU.NumberOfProcessors,CPU.NumberOfCores,CPU.NumberOfLogicalCores,"
        'RAM.TotalSizeInMB,VMware.VMName,Tags\nvm-1,Ubuntu,22.04,2,4,8,2048,web-vm,"env:prod, team:blue"\n',
    )
    discovery.start_import_task(name="servers", importUrl="s3://plans/servers.csv")
    mhub_fake.add_discovered_resource("d-server-0bare")  # nothing imported: its figures are empty
    export_id = discovery.start_export_task(preferences={"ec2RecommendationsPreferences": {"enabled": True}})[
        "exportId"
    ]
    freezer.tick(1)
    header, line, bare = rows(exported(discovery, export_id)["EC2InstanceRecommendations.csv"])
    row = dict(zip(header, line, strict=True))
    assert [
        dict(zip(header, bare, strict=True))[f"Server.{c}"] for c in ("CPU.NumberOfCores", "RAM.TotalSizeInMB")
    ] == [
        "",
        "",
    ]
    assert {
        column: row[column]
        for column in (
            "Server.ExternalId",
            "Server.VMware.VMname",
            "Server.OS.Name",
            "Server.OS.Version",
            "Server.CPU.NumberOfProcessors",
            "Server.CPU.NumberOfCores",
            "Server.CPU.NumberOfLogicalCores",
            "Server.RAM.TotalSizeInMB",
            "Tags",
        )
    } == {
        "Server.ExternalId": "vm-1",
        "Server.VMware.VMname": "web-vm",
        "Server.OS.Name": "Ubuntu",
        "Server.OS.Version": "22.04",
        "Server.CPU.NumberOfProcessors": "2",
        "Server.CPU.NumberOfCores": "4",
        "Server.CPU.NumberOfLogicalCores": "8",
        "Server.RAM.TotalSizeInMB": "2048",
        "Tags": "env:prod, team:blue",
    }


def test_the_own_endpoint_serves_a_download_with_its_length_and_type_even_with_a_query(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    export_id = discovery.start_export_task()["exportId"]
    freezer.tick(1)
    url = export_info(discovery, export_id)["configurationsDownloadUrl"]
    with urllib.request.urlopen(url + "?X-Amz-Expires=3600", timeout=10) as response:
        content = response.read()
        assert (response.status, response.headers["Content-Type"]) == (200, "application/zip")
        assert response.headers["Content-Length"] == str(len(content))
    assert unzip(content)
    head = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(head, timeout=10) as response:
        assert (response.headers["Content-Length"], response.read()) == (str(len(content)), b"")


def test_a_forgotten_download_says_why_it_is_not_found(
    mhub_fake: MigrationHubFake, discovery: Any, freezer: Any
) -> None:
    export_id = discovery.start_export_task()["exportId"]
    freezer.tick(1)
    url = export_info(discovery, export_id)["configurationsDownloadUrl"]
    mhub_fake.reset()
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(url, timeout=10)
    assert (raised.value.code, raised.value.reason) == (
        404,
        "No such file: it was never published, or the fake was reset",
    )
