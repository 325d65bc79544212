"""Application Discovery Service in detail: application filters and sort orders, what
UpdateApplication and re-seeding keep, the summary's tag count, server types, and times."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from freezegun import freeze_time

from pytest_migrationhub import MigrationHubFake, MigrationHubFakeError

#: every ``server.type`` the ADS User Guide's filter table lists
SERVER_TYPES = ("EC2", "OTHER", "VMWARE_VM", "VMWARE_HOST", "VMWARE_VM_TEMPLATE")


def applications(discovery: Any, *filters: dict[str, Any], **options: Any) -> list[str]:
    """The ids ListConfigurations lists of the applications, in its order."""
    if filters:
        options["filters"] = list(filters)
    listed = discovery.list_configurations(configurationType="APPLICATION", **options)["configurations"]
    return [a["application.configurationId"] for a in listed]


def servers(discovery: Any, *filters: dict[str, Any], **options: Any) -> list[str]:
    """The ids ListConfigurations lists of the servers, in its order."""
    if filters:
        options["filters"] = list(filters)
    listed = discovery.list_configurations(configurationType="SERVER", **options)["configurations"]
    return [s["server.configurationId"] for s in listed]


def by(field: str, order: str) -> list[dict[str, str]]:
    return [{"fieldName": field, "sortOrder": order}]


def wave_is_modelled(discovery: Any) -> bool:
    # botocore models CreateApplication's and UpdateApplication's wave from 1.35 on.
    return "wave" in discovery.meta.service_model.operation_model("UpdateApplication").input_shape.members


# --- filters ------------------------------------------------------------------------------


def test_applications_filter_by_id_and_by_description(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    # Ids, names and descriptions all differ, so a filter that read the wrong one would show.
    mhub_fake.add_application("app-1", name="Shop", description="the web shop")
    mhub_fake.add_application("app-2", name="Stock", description="inventory")
    mhub_fake.add_application("app-3", name="Payroll")  # description ""
    ident, text = "application.configurationId", "application.description"
    assert applications(discovery, {"name": ident, "condition": "EQUALS", "values": ["app-1", "app-3"]}) == [
        "app-1",
        "app-3",
    ]
    assert applications(discovery, {"name": ident, "condition": "NOT_EQUALS", "values": ["app-1"]}) == [
        "app-2",
        "app-3",
    ]
    assert applications(discovery, {"name": text, "condition": "EQUALS", "values": ["inventory"]}) == ["app-2"]
    assert applications(discovery, {"name": text, "condition": "EQUALS", "values": [""]}) == ["app-3"]
    assert applications(discovery, {"name": text, "condition": "CONTAINS", "values": ["web"]}) == ["app-1"]
    assert applications(discovery, {"name": text, "condition": "NOT_CONTAINS", "values": ["web"]}) == [
        "app-2",
        "app-3",
    ]
    # A name is no id: the filters do not read each other's values.
    assert applications(discovery, {"name": ident, "condition": "EQUALS", "values": ["Shop"]}) == []
    assert applications(discovery, {"name": text, "condition": "CONTAINS", "values": ["Stock"]}) == []


# --- sort orders ----------------------------------------------------------------------------


def test_applications_sort_by_name(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    for name in ("Payroll", "Billing", "Shop"):  # created in neither order
        mhub_fake.add_application(f"app-{name.lower()}", name=name)
    assert applications(discovery, orderBy=by("application.name", "ASC")) == ["app-billing", "app-payroll", "app-shop"]
    assert applications(discovery, orderBy=by("application.name", "DESC")) == [
        "app-shop",
        "app-payroll",
        "app-billing",
    ]
    # sortOrder defaults to ASC.
    assert applications(discovery, orderBy=[{"fieldName": "application.name"}]) == [
        "app-billing",
        "app-payroll",
        "app-shop",
    ]


def test_applications_sort_by_server_count_as_numbers(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    ids = [f"d-server-{n:02}" for n in range(12)]
    for configuration_id in ids:
        mhub_fake.add_discovered_resource(configuration_id)
    # Created in neither the numeric order (0, 2, 10) nor the text order ("0", "10", "2").
    for application_id, count in (("app-ten", 10), ("app-none", 0), ("app-two", 2)):
        mhub_fake.add_application(application_id)
        if count:
            discovery.associate_configuration_items_to_application(
                applicationConfigurationId=application_id, configurationIds=ids[:count]
            )
    ascending = discovery.list_configurations(
        configurationType="APPLICATION", orderBy=by("application.serverCount", "ASC")
    )["configurations"]
    assert [(a["application.configurationId"], a["application.serverCount"]) for a in ascending] == [
        ("app-none", "0"),
        ("app-two", "2"),
        ("app-ten", "10"),
    ]
    assert applications(discovery, orderBy=by("application.serverCount", "DESC")) == ["app-ten", "app-two", "app-none"]


def test_applications_sort_by_last_modified_time(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    with freeze_time(datetime(2024, 3, 5, 6, 0, 0, tzinfo=timezone.utc)) as clock:
        mhub_fake.add_application("app-a", name="A")
        clock.move_to(datetime(2024, 3, 5, 6, 0, 1, tzinfo=timezone.utc))
        mhub_fake.add_application("app-b", name="B")
        clock.move_to(datetime(2024, 3, 5, 6, 0, 2, tzinfo=timezone.utc))
        mhub_fake.add_application("app-c", name="C")
        # Modified last, created first: last modified is no longer creation order.
        clock.move_to(datetime(2024, 3, 5, 6, 0, 3, tzinfo=timezone.utc))
        discovery.update_application(configurationId="app-a", description="moved on")
        assert applications(discovery, orderBy=by("application.lastModifiedTime", "ASC")) == [
            "app-b",
            "app-c",
            "app-a",
        ]
        assert applications(discovery, orderBy=by("application.lastModifiedTime", "DESC")) == [
            "app-a",
            "app-c",
            "app-b",
        ]
        # Creation order is still there to sort by.
        assert applications(discovery, orderBy=by("application.timeOfCreation", "DESC")) == [
            "app-c",
            "app-b",
            "app-a",
        ]


def test_servers_without_the_sort_field_come_first_ascending_and_last_descending(
    mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    mhub_fake.add_discovered_resource("d-server-b", host_name="b.example.com")
    mhub_fake.add_discovered_resource("d-server-none")  # no host name: sorted as ""
    mhub_fake.add_discovered_resource("d-server-a", host_name="a.example.com")
    assert servers(discovery, orderBy=by("server.hostName", "ASC")) == ["d-server-none", "d-server-a", "d-server-b"]
    assert servers(discovery, orderBy=by("server.hostName", "DESC")) == ["d-server-b", "d-server-a", "d-server-none"]
    listed = discovery.list_configurations(configurationType="SERVER", orderBy=by("server.hostName", "ASC"))
    assert "server.hostName" not in listed["configurations"][0]


# --- UpdateApplication and re-seeding -------------------------------------------------------


def test_update_application_moves_its_last_modified_time(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    with freeze_time(datetime(2024, 3, 5, 6, 7, 8, tzinfo=timezone.utc)) as clock:
        mhub_fake.add_application("app-1", name="Shop")
        [before] = discovery.describe_configurations(configurationIds=["app-1"])["configurations"]
        assert (before["application.timeOfCreation"], before["application.lastModifiedTime"]) == (
            "2024-03-05 06:07:08.0",
            "2024-03-05 06:07:08.0",
        )
        clock.move_to(datetime(2024, 3, 5, 7, 0, 0, 500000, tzinfo=timezone.utc))
        discovery.update_application(configurationId="app-1", description="the web shop")
        [listed] = discovery.list_configurations(configurationType="APPLICATION")["configurations"]
        [described] = discovery.describe_configurations(configurationIds=["app-1"])["configurations"]
    for answer in (listed, described):
        assert (answer["application.timeOfCreation"], answer["application.lastModifiedTime"]) == (
            "2024-03-05 06:07:08.0",
            "2024-03-05 07:00:00.5",
        )
        assert answer["application.description"] == "the web shop"


def test_update_application_stores_the_wave_and_reseeding_keeps_it(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    if not wave_is_modelled(discovery):
        pytest.skip("this botocore models no wave in UpdateApplication")
    mhub_fake.add_application("app-1", name="Shop", description="the web shop")
    assert mhub_fake.application("app-1").wave is None
    discovery.update_application(configurationId="app-1", wave="wave-2")
    application = mhub_fake.application("app-1")
    assert (application.name, application.description, application.wave) == ("Shop", "the web shop", "wave-2")
    # An update that names no wave leaves it, as does seeding the application again.
    discovery.update_application(configurationId="app-1", name="Store")
    assert mhub_fake.application("app-1").wave == "wave-2"
    mhub_fake.add_application("app-1", name="Webshop")
    application = mhub_fake.application("app-1")
    assert (application.name, application.description, application.wave) == ("Webshop", "the web shop", "wave-2")


# --- the summary --------------------------------------------------------------------------


def test_the_summary_counts_tagged_servers_once_each(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    for n in range(1, 6):
        mhub_fake.add_discovered_resource(f"d-server-{n}")
    mhub_fake.add_application("app-1")
    discovery.create_tags(
        configurationIds=["d-server-1"], tags=[{"key": "env", "value": "prod"}, {"key": "team", "value": "web"}]
    )
    discovery.create_tags(configurationIds=["d-server-2", "app-1"], tags=[{"key": "env", "value": "prod"}])
    summary = discovery.get_discovery_summary()
    # Five servers, three server tags, two tagged servers (and a tagged application, which is no server).
    assert (summary["servers"], summary["serversMappedtoTags"]) == (5, 2)


# --- server types ---------------------------------------------------------------------------


def test_every_server_type_can_be_seeded_listed_and_filtered(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    ids = {server_type: f"d-server-{n}" for n, server_type in enumerate(SERVER_TYPES)}
    for server_type, configuration_id in ids.items():
        assert mhub_fake.add_discovered_resource(configuration_id, server_type=server_type).server_type == server_type
    listed = discovery.list_configurations(configurationType="SERVER")["configurations"]
    assert [(s["server.configurationId"], s["server.type"]) for s in listed] == [(i, t) for t, i in ids.items()]
    for server_type, configuration_id in ids.items():
        assert servers(discovery, {"name": "server.type", "condition": "EQUALS", "values": [server_type]}) == [
            configuration_id
        ]
        [described] = discovery.describe_configurations(configurationIds=[configuration_id])["configurations"]
        assert described["server.type"] == server_type
    for unknown in ("PHYSICAL", "ec2"):
        with pytest.raises(MigrationHubFakeError) as raised:
            mhub_fake.add_discovered_resource("d-server-9", server_type=unknown)
        assert str(raised.value) == (
            "add_discovered_resource: server_type must be one of EC2, OTHER, VMWARE_VM, VMWARE_HOST, "
            f"VMWARE_VM_TEMPLATE; got {unknown!r}."
        )
    assert [s.configuration_id for s in mhub_fake.discovered_resources()] == list(ids.values())


# --- times ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("microsecond", "shown"),
    [(900_000, "2024-03-05 06:07:08.9"), (50_000, "2024-03-05 06:07:08.0"), (999_000, "2024-03-05 06:07:08.9")],
)
def test_times_show_the_clocks_tenths_of_a_second(
    mhub_fake: MigrationHubFake, discovery: Any, microsecond: int, shown: str
) -> None:
    # Tenths are cut, never rounded: .999 stays in its second.
    with freeze_time(datetime(2024, 3, 5, 6, 7, 8, microsecond, tzinfo=timezone.utc)):
        mhub_fake.add_discovered_resource("d-server-1")
        mhub_fake.add_application("app-seeded")
        created = discovery.create_application(name="Shop")["configurationId"]
        [server] = discovery.list_configurations(configurationType="SERVER")["configurations"]
        apps = discovery.describe_configurations(configurationIds=["app-seeded", created])["configurations"]
    assert server["server.timeOfCreation"] == shown
    assert [(a["application.timeOfCreation"], a["application.lastModifiedTime"]) for a in apps] == [(shown, shown)] * 2
