"""Application Discovery Service's applications: one record, shared with Migration Hub."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

from pytest_migrationhub import MigrationHubFake, MigrationHubFakeError


def test_create_application_makes_what_notify_application_state_accepts(
    mhub_fake: MigrationHubFake, discovery: Any, mgh: Any
) -> None:
    # botocore models CreateApplication's wave from 1.35 on.
    wave = (
        {"wave": "wave-1"}
        if "wave" in discovery.meta.service_model.operation_model("CreateApplication").input_shape.members
        else {}
    )
    created = discovery.create_application(name="Shop", description="the web shop", **wave)
    application_id = created["configurationId"]
    assert re.fullmatch(r"d-application-0[0-9a-f]{16}", application_id), application_id
    mgh.notify_application_state(ApplicationId=application_id, Status="IN_PROGRESS")
    application = mhub_fake.application(application_id)
    assert (application.name, application.description, application.wave) == ("Shop", "the web shop", wave.get("wave"))
    assert application.status == "IN_PROGRESS"
    assert mgh.describe_application_state(ApplicationId=application_id)["ApplicationStatus"] == "IN_PROGRESS"


def test_a_seeded_application_is_what_ads_answers_about(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_application("app-1", name="Shop", description="the web shop")
    mhub_fake.add_application("app-2")  # a name is required in ADS: the id stands in
    listed = discovery.list_configurations(configurationType="APPLICATION")["configurations"]
    assert [(a["application.name"], a["application.description"]) for a in listed] == [
        ("Shop", "the web shop"),
        ("app-2", ""),
    ]
    with pytest.raises(MigrationHubFakeError, match=r"add_application: '' is not a valid name"):
        mhub_fake.add_application("app-3", name="")


def test_update_application_changes_only_what_it_names(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    mhub_fake.add_application("app-1", name="Shop", description="the web shop")
    discovery.update_application(configurationId="app-1", name="Store")
    application = mhub_fake.application("app-1")
    assert (application.name, application.description) == ("Store", "the web shop")
    discovery.update_application(configurationId="app-1", description="")
    assert mhub_fake.application("app-1").description == ""
    with pytest.raises(ClientError) as raised:
        discovery.update_application(configurationId="app-9", name="x")
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        "UpdateApplication: Application Discovery Service has no application 'app-9'; create it with "
        "CreateApplication (in a test: mhub_fake.add_application()) first",
    )


def test_associate_and_disassociate_servers(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    for n in (1, 2):
        mhub_fake.add_discovered_resource(f"d-server-{n}")
    mhub_fake.add_application("app-1")
    associate = discovery.associate_configuration_items_to_application
    associate(applicationConfigurationId="app-1", configurationIds=["d-server-1", "d-server-2"])
    associate(applicationConfigurationId="app-1", configurationIds=["d-server-1"])  # again: no duplicate
    assert mhub_fake.application("app-1").items == ["d-server-1", "d-server-2"]
    discovery.disassociate_configuration_items_from_application(
        applicationConfigurationId="app-1", configurationIds=["d-server-1"]
    )
    assert mhub_fake.application("app-1").items == ["d-server-2"]
    # All or nothing: a known server beside an unknown one is not associated either.
    with pytest.raises(ClientError) as raised:
        associate(applicationConfigurationId="app-1", configurationIds=["d-server-1", "d-server-9"])
    assert error_of(raised) == (
        "InvalidParameterValueException",
        400,
        "AssociateConfigurationItemsToApplication: Application Discovery Service has no server 'd-server-9'; "
        "in a test, add it first with mhub_fake.add_discovered_resource('d-server-9')",
    )
    assert mhub_fake.application("app-1").items == ["d-server-2"]
    with pytest.raises(ClientError) as raised:
        discovery.disassociate_configuration_items_from_application(
            applicationConfigurationId="app-1", configurationIds=["d-server-2", "app-1"]
        )
    assert error_of(raised)[2] == (
        "DisassociateConfigurationItemsFromApplication: 'app-1' is an application; only servers are associated "
        "with an application"
    )
    assert mhub_fake.application("app-1").items == ["d-server-2"]


def test_delete_applications_makes_them_unknown_to_migration_hub(
    mhub_fake: MigrationHubFake, discovery: Any, mgh: Any
) -> None:
    mhub_fake.add_discovered_resource("d-server-1")
    mhub_fake.add_application("app-1", status="IN_PROGRESS")
    mhub_fake.add_application("app-2")
    discovery.associate_configuration_items_to_application(
        applicationConfigurationId="app-1", configurationIds=["d-server-1"]
    )
    with pytest.raises(ClientError) as raised:
        discovery.delete_applications(configurationIds=["app-1", "app-9"])
    assert error_of(raised)[0] == "InvalidParameterValueException"
    assert [a.application_id for a in mhub_fake.applications()] == ["app-1", "app-2"]  # all or nothing

    discovery.delete_applications(configurationIds=["app-1"])
    assert [a.application_id for a in mhub_fake.applications()] == ["app-2"]
    with pytest.raises(mgh.exceptions.ResourceNotFoundException):
        mgh.notify_application_state(ApplicationId="app-1", Status="COMPLETED")
    # The server stays; it just belongs to no application.
    [server] = discovery.describe_configurations(configurationIds=["d-server-1"])["configurations"]
    assert server["server.applications"] == "[]"


def test_delete_applications_is_a_read_outside_the_home_region(mhub_fake: MigrationHubFake, make_client: Any) -> None:
    mhub_fake.add_application("app-1")
    make_client("discovery", region="eu-west-1").delete_applications(configurationIds=["app-1"])
    assert mhub_fake.applications() == []
    with pytest.raises(ClientError) as raised:
        make_client("discovery", region="eu-west-1").update_application(configurationId="app-1", name="x")
    assert error_of(raised)[0] == "InvalidInputException"


def test_a_malformed_discovery_request_is_reported_with_the_error_it_got() -> None:
    import boto3

    from pytest_migrationhub import MigrationHubAssertionError, mock_migrationhub

    with pytest.raises(MigrationHubAssertionError) as raised:
        with mock_migrationhub() as fake:
            discovery = boto3.client("discovery", region_name="us-west-2")
            with pytest.raises(discovery.exceptions.InvalidParameterValueException):
                discovery.create_application(name=" ")
            fake.verify()
    first, second = str(raised.value).splitlines()[:2]
    assert first == (
        "mhub_fake: the fake answered 1 malformed request with InvalidParameterValueException, and its error did "
        "not end the test:"
    )
    assert second.startswith("  - CreateApplication: $.name: ' ' does not match ")
