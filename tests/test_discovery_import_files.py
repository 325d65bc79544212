"""Migration Hub import, continued: the errors zip, files the fake cannot read, how rows match servers,
and the applications and tags they bring."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from typing import Any

import pytest
from import_support import (
    CONFIGURATION_ID,
    ERRORS_HEADER,
    UNIDENTIFIED,
    URL,
    counts,
    describe,
    described,
    download,
    errors_of,
    imported,
    needs_unsupported_file_type,
)

from pytest_migrationhub import MigrationHubFake, mock_migrationhub

# --- the errors zip ---------------------------------------------------------------------------------


def test_the_errors_zip_holds_the_errors_and_the_failed_entries(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    content = (
        "ExternalId,HostName,IPAddress,CPU.UsagePct.Max,Tags,Notes\n"
        'web-1,web-1.example.com,"10.0.0.1, 10.0.0.2",50,env:prod,fine\n'
        'db-1,db-1.example.com,10.0.0.3,150,"env:prod, db",too busy\n'
        "\n"
        ',,,,,"no id, at all"\n'
    )
    task = imported(mhub_fake, discovery, content)
    assert counts(task) == ("IMPORT_COMPLETE_WITH_ERRORS", 1, 2, 0, 0)
    url = task["errorsAndFailedEntriesZip"]
    assert mhub_fake.import_tasks()[0].errors_url == url
    assert download(url) == {
        "errors-file.csv": (
            "LineNumber,ColumnName,ExternalId,ErrorMessage\n"
            "3,CPU.UsagePct.Max,db-1,'150' is not a percentage from 0 to 100\n"
            "3,Tags,db-1,\"'db' is not a tag: write tags as name:value, separated by commas\"\n"
            f'5,,,"{UNIDENTIFIED}"\n'
        ),
        "failed-entries-file.csv": (
            "ExternalId,HostName,IPAddress,CPU.UsagePct.Max,Tags,Notes\n"
            'db-1,db-1.example.com,10.0.0.3,150,"env:prod, db",too busy\n'
            ',,,,,"no id, at all"\n'
        ),
    }
    # The same zip, without HTTP, by its URL's path.
    archive = mhub_fake.downloads.get(urllib.parse.urlsplit(url).path)
    assert archive is not None and archive.startswith(b"PK\x03\x04")


def test_the_failed_entries_import_again_once_corrected(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    task = imported(mhub_fake, discovery, "ExternalId,CPU.NumberOfCores\nweb-1,4\ndb-1,eight\n")
    entries = download(task["errorsAndFailedEntriesZip"])["failed-entries-file.csv"]
    again = imported(mhub_fake, discovery, entries.replace("eight", "8"), url="s3://plans/corrected.csv")
    assert counts(again) == ("IMPORT_COMPLETE", 1, 0, 0, 0)
    assert [s.external_id for s in mhub_fake.discovered_resources()] == ["web-1", "db-1"]


def test_an_errors_zip_answers_404_after_reset(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    url = imported(mhub_fake, discovery, "ExternalId,CPU.NumberOfCores\nweb-1,x\n")["errorsAndFailedEntriesZip"]
    assert "errors-file.csv" in download(url)
    mhub_fake.reset()
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(url, timeout=10)
    assert raised.value.code == 404
    raised.value.close()
    assert mhub_fake.import_tasks() == []


def test_the_download_endpoint_stops_with_the_fake(discovery: Any) -> None:
    with mock_migrationhub(discovery_task_seconds=0) as fake:
        task = imported(fake, discovery, "ExternalId,CPU.NumberOfCores\nweb-1,x\n")
        url = task["errorsAndFailedEntriesZip"]
        assert "failed-entries-file.csv" in download(url)
    with pytest.raises(urllib.error.URLError) as raised:
        urllib.request.urlopen(url, timeout=10)
    assert isinstance(raised.value.reason, ConnectionRefusedError)


# --- files the fake cannot read --------------------------------------------------------------------


def unreadable(task: Any, reason: str) -> None:
    """Assert ``task`` read no row of its file, and its zip gives ``reason`` (on line 0) and no failed entries."""
    assert counts(task)[1:] == (0, 0, 0, 0)
    assert "fileClassification" not in task
    errors = io.StringIO()
    csv.writer(errors, lineterminator="\n").writerows([ERRORS_HEADER, ["0", "", "", reason]])
    assert download(task["errorsAndFailedEntriesZip"]) == {
        "errors-file.csv": errors.getvalue(),
        "failed-entries-file.csv": "",
    }


def test_an_unregistered_url_fails_with_the_call_that_registers_it(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.discovery_task_seconds = 0
    task = discovery.start_import_task(name="servers", importUrl="s3://plans/missing.csv")["task"]
    task = described(discovery, task["importTaskId"])
    assert task["status"] == "IMPORT_FAILED"
    message = (
        "The import file s3://plans/missing.csv could not be read; in a test, register its content first "
        "with mhub_fake.add_import_file('s3://plans/missing.csv', content)"
    )
    unreadable(task, message)
    assert download(task["errorsAndFailedEntriesZip"])["errors-file.csv"] == (
        f'LineNumber,ColumnName,ExternalId,ErrorMessage\n0,,,"{message}"\n'
    )


def test_a_file_registered_for_another_url_is_not_read(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_import_file("s3://plans/other.csv", "ExternalId\nweb-1\n")
    task = imported(mhub_fake, discovery, "ExternalId\nweb-2\n", url="s3://plans/servers.csv")
    assert task["status"] == "IMPORT_COMPLETE"
    assert [s.external_id for s in mhub_fake.discovered_resources()] == ["web-2"]


def test_a_zip_is_an_unsupported_file_type(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    needs_unsupported_file_type(discovery)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("RVTools_tabvInfo.csv", "VM,Powerstate\nweb-1,poweredOn\n")
    task = imported(mhub_fake, discovery, buffer.getvalue())
    assert task["status"] == "IMPORT_FAILED_UNSUPPORTED_FILE_TYPE"
    message = "The import file is a zip (an RVTools export?); the fake reads the Migration Hub import template only"
    unreadable(task, message)


def test_a_csv_whose_first_column_starts_with_pk_is_no_zip(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    task = imported(mhub_fake, discovery, "PK,ExternalId\n1,web-1\n")
    assert task["status"] == "IMPORT_COMPLETE"


def test_a_file_naming_no_template_column_is_an_unsupported_file_type(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    needs_unsupported_file_type(discovery)
    task = imported(mhub_fake, discovery, "Name,Address\nweb-1,10.0.0.1\n")
    assert task["status"] == "IMPORT_FAILED_UNSUPPORTED_FILE_TYPE"
    unreadable(
        task,
        "The import file's first line names none of the import template's columns (ExternalId, IPAddress, HostName, ...)",
    )


def test_an_empty_file_is_an_unsupported_file_type(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    needs_unsupported_file_type(discovery)
    assert imported(mhub_fake, discovery, b"")["status"] == "IMPORT_FAILED_UNSUPPORTED_FILE_TYPE"


def test_a_file_that_is_not_utf8_is_an_unsupported_file_type(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    needs_unsupported_file_type(discovery)
    task = imported(mhub_fake, discovery, "ExternalId,HostName\nweb-1,serveur-été\n".encode("latin-1"))
    assert task["status"] == "IMPORT_FAILED_UNSUPPORTED_FILE_TYPE"
    unreadable(task, "The import file is not UTF-8 text")
    assert mhub_fake.discovered_resources() == []


def test_a_file_of_10_mb_is_read_and_a_larger_one_fails(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    header = "ExternalId,Notes\n"
    row = "web-1," + "x" * 1000 + "\n"
    rows, rest = divmod(10 * 1024 * 1024 - len(header), len(row))
    content = header + row * rows + "web-1," + "y" * (rest - len("web-1,\n")) + "\n"
    assert len(content) == 10 * 1024 * 1024
    assert counts(imported(mhub_fake, discovery, content)) == ("IMPORT_COMPLETE", rows + 1, 0, 0, 0)

    task = imported(mhub_fake, discovery, content + "\n", url="s3://plans/larger.csv")
    assert task["status"] == "IMPORT_FAILED"
    unreadable(task, "The import file is 10485761 bytes; the most is 10 MB")


def test_a_field_too_long_for_csv_fails_the_import_rather_than_the_request(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    task = imported(mhub_fake, discovery, "ExternalId,Notes\nweb-1," + "x" * 200_000 + "\n")
    assert task["status"] == "IMPORT_FAILED"
    unreadable(task, "The import file is not CSV the fake can read: field larger than field limit (131072)")
    # The fake goes on answering, and the next import runs.
    assert imported(mhub_fake, discovery, "ExternalId\nweb-1\n", url=URL + ".2")["status"] == "IMPORT_COMPLETE"


# --- matching --------------------------------------------------------------------------------------


def test_an_external_id_matches_by_external_id_only(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    imported(mhub_fake, discovery, "ExternalId,IPAddress,HostName\nweb-1,10.0.0.1,web-1\n")
    [first] = mhub_fake.discovered_resources()
    content = "ExternalId,IPAddress,HostName,OS.Name\nweb-2,10.0.0.1,web-1,RHEL\nweb-1,10.0.0.9,web-1b,Ubuntu\n"
    task = imported(mhub_fake, discovery, content, url="s3://plans/again.csv")
    assert counts(task) == ("IMPORT_COMPLETE", 2, 0, 0, 0)
    [web_1, web_2] = mhub_fake.discovered_resources()
    assert web_1 is first and web_2.configuration_id != first.configuration_id  # same IP, another ExternalId
    assert (web_1.external_id, web_1.host_name, web_1.os_name) == ("web-1", "web-1b", "Ubuntu")
    assert (web_2.external_id, web_2.host_name, web_2.os_name) == ("web-2", "web-1", "RHEL")


@pytest.mark.parametrize(
    "first, then",
    [
        ("IPAddress\n10.0.0.1", 'IPAddress\n"10.0.0.5, 10.0.0.1"'),
        ("MACAddress\n00:1B:44:11:3A:B7", "MACAddress\n00:1b:44:11:3a:b7"),
        ("HostName\nweb-1.example.com", "HostName\nWEB-1.Example.COM"),
        ("VMware.MoRefId,VMware.VCenterId\nvm-101,vcenter-1", "VMware.MoRefId,VMware.VCenterId\nvm-101,vcenter-1"),
    ],
)
def test_a_row_without_external_id_matches_a_server_sharing_an_identifying_field(
    mhub_fake: MigrationHubFake, discovery: Any, first: str, then: str
) -> None:
    header, row = first.split("\n")
    imported(mhub_fake, discovery, f"ExternalId,{header}\nweb-1,{row}\n")
    [server] = mhub_fake.discovered_resources()
    header, row = then.split("\n")
    imported(mhub_fake, discovery, f"{header},OS.Name\n{row},Ubuntu\n", url="s3://plans/again.csv")
    assert mhub_fake.discovered_resources() == [server]
    assert (server.external_id, server.os_name) == ("web-1", "Ubuntu")


def test_half_a_vmware_pair_matches_nothing(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    imported(mhub_fake, discovery, "VMware.MoRefId,VMware.VCenterId\nvm-101,vcenter-1\n")
    imported(mhub_fake, discovery, "VMware.MoRefId,VMware.VCenterId\nvm-101,vcenter-2\n", url=URL + ".2")
    assert len(mhub_fake.discovered_resources()) == 2


def test_the_earliest_discovered_server_matches_first(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_discovered_resource("d-server-0b", host_name="web-b")
    mhub_fake.add_discovered_resource("d-server-0a", ip_address="10.0.0.1")
    imported(mhub_fake, discovery, "IPAddress,HostName,OS.Name\n10.0.0.1,web-b,Ubuntu\n")
    assert [(s.configuration_id, s.os_name) for s in mhub_fake.discovered_resources()] == [
        ("d-server-0b", "Ubuntu"),
        ("d-server-0a", None),
    ]


def test_a_later_row_matches_an_earlier_row_of_the_same_file(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    content = "IPAddress,HostName,OS.Name,CPU.NumberOfCores\n10.0.0.1,web-1,Ubuntu,4\n,WEB-1,RHEL,\n"
    task = imported(mhub_fake, discovery, content)
    assert counts(task) == ("IMPORT_COMPLETE", 2, 0, 0, 0)
    [server] = mhub_fake.discovered_resources()
    assert server.imported == {
        "IPAddress": "10.0.0.1",
        "HostName": "WEB-1",
        "OS.Name": "RHEL",
        "CPU.NumberOfCores": "4",
    }


def test_a_server_seeded_with_an_ip_address_is_matched_by_it(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_discovered_resource("d-server-0seeded", host_name="old", ip_address="10.0.0.7")
    imported(mhub_fake, discovery, 'IPAddress,HostName\n"10.0.0.8, 10.0.0.7",web-7.example.com\n')
    [server] = mhub_fake.discovered_resources()
    assert (server.configuration_id, server.host_name) == ("d-server-0seeded", "web-7.example.com")
    assert server.ip_addresses == ["10.0.0.7", "10.0.0.8"]


def test_a_matched_server_keeps_its_id_and_takes_the_new_fields(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    imported(mhub_fake, discovery, "ExternalId,OS.Name,CPU.NumberOfCores\nweb-1,Ubuntu,4\n")
    [server] = mhub_fake.discovered_resources()
    imported(mhub_fake, discovery, "ExternalId,OS.Name,RAM.TotalSizeInMB\nweb-1,RHEL,2048\n", url=URL + ".2")
    assert mhub_fake.discovered_resources() == [server]
    assert server.imported == {
        "ExternalId": "web-1",
        "OS.Name": "RHEL",
        "CPU.NumberOfCores": "4",  # a column the row does not have keeps its value
        "RAM.TotalSizeInMB": "2048",
    }
    item = describe(discovery, server.configuration_id)
    assert (item["server.osName"], item["server.performance.totalRAMInKB"]) == ("RHEL", "2097152")


def test_a_server_id_row_changes_only_applications_and_wave(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_discovered_resource("d-server-0seeded", host_name="web-1", os_name="Ubuntu")
    content = (
        "ServerId,HostName,OS.Name,CPU.NumberOfCores,Tags,Applications,ApplicationWave\n"
        "d-server-0seeded,other,Windows,many,env:prod,webshop,wave-2\n"
        ",other,Windows,,,,\n"  # the first row's read-only HostName identifies nothing
    )
    task = imported(mhub_fake, discovery, content)
    assert counts(task) == ("IMPORT_COMPLETE", 2, 0, 1, 0)
    [seeded, created] = mhub_fake.discovered_resources()
    assert (seeded.configuration_id, seeded.host_name, seeded.os_name, seeded.imported, seeded.tags) == (
        "d-server-0seeded",
        "web-1",
        "Ubuntu",
        {},
        [],
    )
    assert (created.host_name, created.os_name) == ("other", "Windows")
    [application] = mhub_fake.applications()
    assert (application.name, application.wave, application.items) == ("webshop", "wave-2", ["d-server-0seeded"])


def test_an_unknown_server_id_fails_the_row(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    task = imported(mhub_fake, discovery, "ServerId,Applications\nd-server-0nope,webshop\n")
    assert counts(task) == ("IMPORT_FAILED", 0, 1, 0, 1)
    assert errors_of(task) == [["2", "ServerId", "", "No server has the ServerId 'd-server-0nope'"]]
    assert mhub_fake.applications() == []


# --- applications and tags -----------------------------------------------------------------------


def test_applications_are_found_by_name_or_created(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_application("d-application-0000000000000001", name="webshop")
    content = 'ExternalId,Applications\nweb-1,"webshop, billing"\nweb-2,billing\n'
    task = imported(mhub_fake, discovery, content)
    assert counts(task) == ("IMPORT_COMPLETE", 2, 0, 2, 0)
    [web_1, web_2] = [s.configuration_id for s in mhub_fake.discovered_resources()]
    [webshop, billing] = mhub_fake.applications()
    assert (webshop.application_id, webshop.items) == ("d-application-0000000000000001", [web_1])
    assert CONFIGURATION_ID.fullmatch(billing.application_id)
    assert (billing.name, billing.items) == ("billing", [web_1, web_2])
    listed = discovery.list_configurations(configurationType="APPLICATION")["configurations"]
    assert [(a["application.name"], a["application.serverCount"]) for a in listed] == [
        ("webshop", "1"),
        ("billing", "2"),
    ]
    assert json.loads(describe(discovery, web_2)["server.applications"]) == [
        {"name": "billing", "configurationId": billing.application_id}
    ]


def test_application_wave_sets_the_wave_of_the_rows_applications(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_application("d-application-0000000000000001", name="webshop")
    imported(mhub_fake, discovery, 'ExternalId,Applications,ApplicationWave\nweb-1,"webshop, billing",wave-3\n')
    assert [(a.name, a.wave) for a in mhub_fake.applications()] == [("webshop", "wave-3"), ("billing", "wave-3")]


def test_tags_are_added_to_those_a_server_has(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_discovered_resource("d-server-0seeded", ip_address="10.0.0.7")
    discovery.create_tags(configurationIds=["d-server-0seeded"], tags=[{"key": "env", "value": "test"}])
    imported(mhub_fake, discovery, 'IPAddress,Tags\n10.0.0.7,"env:prod, env:test"\n')
    assert mhub_fake.discovered_resource("d-server-0seeded").tags == [("env", "test"), ("env", "prod")]


# --- found unchecked by mutating the code ----------------------------------------


def test_a_value_of_exactly_10000_characters_imports(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    task = imported(mhub_fake, discovery, "ExternalId,VMware.VMName\nweb-1," + "x" * 10_000 + "\n")
    assert counts(task) == ("IMPORT_COMPLETE", 1, 0, 0, 0)
    [server] = mhub_fake.discovered_resources()
    assert server.imported["VMware.VMName"] == "x" * 10_000


def test_two_vms_of_one_vcenter_are_two_servers(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    imported(mhub_fake, discovery, "VMware.MoRefId,VMware.VCenterId\nvm-101,vcenter-1\n")
    imported(mhub_fake, discovery, "VMware.MoRefId,VMware.VCenterId\nvm-102,vcenter-1\n", url=URL + ".2")
    assert sorted(s.imported["VMware.MoRefId"] for s in mhub_fake.discovered_resources()) == ["vm-101", "vm-102"]


def test_an_application_name_over_127_characters_fails_its_row(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    name = "a" * 128
    task = imported(mhub_fake, discovery, f"ExternalId,Applications\nweb-1,{name}\n")
    assert counts(task) == ("IMPORT_FAILED", 0, 1, 0, 1)
    assert errors_of(task) == [
        ["2", "Applications", "web-1", f"{name!r} is not an application name (at most 127 characters)"]
    ]
    assert mhub_fake.applications() == []
