"""What loading an ADS scenario refuses: each bad value named by its path, with what it should be,
and the fake left exactly as it was (all or nothing)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from export_support import AGENT, by_agent
from scenario_support import (
    CSV,
    S1,
    ads,
    data_of,
    restored,
    seed,
)

from pytest_migrationhub import MigrationHubFake
from pytest_migrationhub._core import ScenarioError, parts, restore

_AT = 'restore(): $.accounts["123456789012"].discovery'


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(held: dict[str, Any]) -> None:
        for key in path[:-1]:
            held = held[key]
        held[path[-1]] = value

    return change


def _twice(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def change(held: Any) -> None:
        for key in path:
            held = held[key]
        held.append(copy.deepcopy(held[0]))

    return change


REFUSED: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "server type",
        _set(("servers", 0, "server_type"), "MAINFRAME"),
        ".servers[0].server_type: must be one of EC2, OTHER, VMWARE_VM, VMWARE_HOST, VMWARE_VM_TEMPLATE; "
        'got "MAINFRAME"',
    ),
    (
        "configuration id",
        _set(("servers", 1, "configuration_id"), "d-server\n2"),
        ".servers[1].configuration_id: 'd-server\\n2' does not match '^.{1,1600}$' "
        "(as AssociateDiscoveredResource would refuse it as ConfigurationId)",
    ),
    (
        "unknown member",
        _set(("servers", 0, "hostname"), "web-1"),
        ".servers[0].hostname: is not part of the format (it takes configuration_id, host_name, os_name, "
        "os_version, ip_address, server_type, time_of_creation, imported, tags)",
    ),
    (
        "time",
        _set(("servers", 0, "time_of_creation"), "yesterday"),
        '.servers[0].time_of_creation: must be a time in epoch seconds; got "yesterday"',
    ),
    (
        "imported figure",
        _set(("servers", 0, "imported"), {"ExternalId": "vm-1", "CPU.NumberOfCores": "many"}),
        ".servers[0].imported[\"CPU.NumberOfCores\"]: 'many' is not a number",
    ),
    (
        "application item",
        _set(("applications", 0, "items"), [S1, "d-server-9"]),
        ".applications[0].items[1]: names the server 'd-server-9', which the scenario lacks",
    ),
    (
        "application name",
        _set(("applications", 0, "name"), "   "),
        ".applications[0].name: '   ' does not match '^(?:[\\\\s\\\\S]*\\\\S[\\\\s\\\\S]*)$' "
        "(as CreateApplication would refuse it as name)",
    ),
    (
        "agent health",
        _set(("agents", 0, "health"), "TIRED"),
        '.agents[0].health: must be one of HEALTHY, UNHEALTHY, RUNNING, UNKNOWN, BLACKLISTED, SHUTDOWN; got "TIRED"',
    ),
    (
        "agent id",
        _set(("agents", 0, "agent_id"), "o-0123 456789"),
        ".agents[0].agent_id: 'o-0123 456789' does not match '^(?:\\\\S+)$' "
        "(as StartDataCollectionByAgentIds would refuse it as agentIds)",
    ),
    (
        "connection",
        _set(("connections", 0, "destination"), S1),
        ".connections[0].destination: a connection is between two servers; it names the source again",
    ),
    ("count", _set(("import_tasks", 0, "records"), -1), ".import_tasks[0].records: must be 0 or more; got -1"),
    (
        "import status",
        _set(("import_tasks", 0, "status"), "DONE"),
        ".import_tasks[0].status: must be one of IMPORT_IN_PROGRESS, IMPORT_COMPLETE, IMPORT_COMPLETE_WITH_ERRORS, "
        "IMPORT_FAILED, IMPORT_FAILED_SERVER_LIMIT_EXCEEDED, IMPORT_FAILED_RECORD_LIMIT_EXCEEDED...",
    ),
    (
        "errors zip",
        _set(("import_tasks", 0, "errors_zip"), "not base64!"),
        ".import_tasks[0].errors_zip: is not base64",
    ),
    (
        "undo attribute",
        _set(("import_tasks", 0, "attributes"), [[S1, "__class__", None, "x"]]),
        ".import_tasks[0].attributes[0]: '__class__' is not an attribute an import sets; "
        "use one of host_name, os_name, os_version, ip_address, server_type",
    ),
    (
        "import file",
        _set(("import_files", 0), {"url": "plans/servers.csv", "text": CSV}),
        ".import_files[0].url: must be an object URL such as 's3://bucket/import.csv'",
    ),
    (
        "deleted records",
        _set(("deleted_records",), {"1 May": 3}),
        '.deleted_records["1 May"]: a day is written YYYY-MM-DD',
    ),
    (
        "imported column",
        _set(("servers", 0, "imported"), {"ExternalId": "vm-1", "Colour": "red"}),
        (
            '.servers[0].imported.Colour: "Colour" is not a column a server keeps; '
            "use one of ExternalId, SMBiosId, IPAddress, MACAddress, HostName, ..."
        ),
    ),
    (
        "application twice",
        _twice(("applications",)),
        ".applications[3].application_id: the application 'd-application-1' is listed twice",
    ),
    (
        "application status",
        _set(("applications", 0, "status"), "DONE"),
        (
            ".applications[0].status: 'DONE' is not one of ['NOT_STARTED', 'IN_PROGRESS', 'COMPLETED'] "
            "(as NotifyApplicationState would refuse it as Status)"
        ),
    ),
    (
        "time past 9999",
        _set(("servers", 0, "time_of_creation"), 1e15),
        ".servers[0].time_of_creation: is not a time (epoch seconds from year 1 to 9999); got 1000000000000000.0",
    ),
    (
        "tag member",
        _set(("servers", 0, "tags", 0, "colour"), "red"),
        ".servers[0].tags[0].colour: is not part of the format (it takes key, value, time_of_creation)",
    ),
    (
        "import file member",
        _set(("import_files", 0, "colour"), "red"),
        ".import_files[0].colour: is not part of the format (it takes url, text, base64)",
    ),
    (
        "agent twice",
        _twice(("agents",)),
        ".agents[2].agent_id: the agent 'o-0123456789abcdef0' is listed twice",
    ),
    ("port", _set(("connections", 0, "port"), 70000), ".connections[0].port: must be 0 to 65535; got 70000"),
    (
        "item not a string",
        _set(("applications", 0, "items"), [S1, 5]),
        ".applications[0].items[1]: must be a string; got 5",
    ),
    ("tag twice", _twice(("servers", 0, "tags")), ".servers[0].tags[2]: the tag env=prod is listed twice"),
    (
        "connection to nowhere",
        _set(("connections", 0, "destination"), "d-server-9"),
        ".connections[0].destination: names the server 'd-server-9', which the scenario lacks",
    ),
    (
        "long host name",
        _set(("servers", 0, "host_name"), "h" * 10_001),
        ".servers[0].host_name: must be 0 to 10000 characters; got 10001",
    ),
    (
        "lone surrogate",
        _set(("import_files", 0, "text"), "ExternalId\ud800\n"),
        ".import_files[0].text: holds text UTF-8 cannot encode (a lone surrogate)",
    ),
]


@pytest.mark.parametrize(("change", "message"), [pytest.param(c, m, id=name) for name, c, m in REFUSED])
def test_a_bad_value_is_refused_naming_its_field_and_nothing_changes(
    mhub_fake: MigrationHubFake, discovery: Any, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    seed(mhub_fake, discovery)
    before = data_of(mhub_fake)
    bad = copy.deepcopy(before)
    change(ads(bad))
    with pytest.raises(ScenarioError) as raised:
        restore(mhub_fake._store, bad, parts(), mhub_fake._pipeline.services)
    shown = str(raised.value)
    if message.endswith("..."):  # the rest lists the template's columns, or the installed botocore's enum
        assert shown.startswith(_AT + message[: -len("...")]), shown
    else:
        assert shown == f"{_AT}{message}; nothing was loaded."
    assert data_of(mhub_fake) == before


def test_an_export_in_progress_needs_what_it_finishes_with(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.discovery_task_seconds = 60
    mhub_fake.add_agent(AGENT)
    discovery.start_export_task(filters=by_agent(AGENT))
    data = data_of(mhub_fake)
    del ads(data)["agents"]  # the agent is gone, and the export does not hold it
    with pytest.raises(ScenarioError) as raised:
        restored(data)
    assert str(raised.value) == (
        f"{_AT}.export_tasks[0].agent: must hold the agent {AGENT!r}: the scenario's agents lack it; nothing was loaded."
    )
    finished = data_of(mhub_fake)
    ads(finished)["export_tasks"][0]["status"] = "SUCCEEDED"  # a finished export keeps no request
    with pytest.raises(ScenarioError, match=r"export_tasks\[0\]\.account: is not part of the format"):
        restored(finished)


def test_a_server_seeded_with_an_empty_host_name_loads_back_from_its_snapshot() -> None:
    fake = MigrationHubFake()
    fake.add_discovered_resource("d-server-0e", host_name="")
    data = data_of(fake)
    assert ads(data)["servers"][0]["host_name"] == ""
    [server] = restored(data).discovered_resources()
    assert (server.configuration_id, server.host_name) == ("d-server-0e", "")


def test_an_applications_wave_the_service_would_refuse_stops_the_load(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    if "wave" not in discovery.meta.service_model.operation_model("CreateApplication").input_shape.members:
        pytest.skip("this botocore models no wave: the fake keeps an imported one unchecked")
    seed(mhub_fake, discovery)
    before = data_of(mhub_fake)
    bad = copy.deepcopy(before)
    ads(bad)["applications"][0]["wave"] = "w" * 300
    with pytest.raises(ScenarioError) as raised:
        restore(mhub_fake._store, bad, parts(), mhub_fake._pipeline.services)
    shown = str(raised.value)
    assert shown.startswith(f"{_AT}.applications[0].wave: 'www"), shown
    assert shown.endswith("is too long (as CreateApplication would refuse it as wave); nothing was loaded."), shown
    assert data_of(mhub_fake) == before


@pytest.mark.parametrize("when", [-62135596800, 253402300799.999])  # 0001-01-01, the end of 9999-12-31
def test_the_first_and_the_last_moment_load(mhub_fake: MigrationHubFake, discovery: Any, when: float) -> None:
    seed(mhub_fake, discovery)
    data = copy.deepcopy(data_of(mhub_fake))
    ads(data)["servers"][0]["time_of_creation"] = when
    server = restored(data).discovered_resources()[0]
    assert server.time_of_creation.year == (1 if when < 0 else 9999)
