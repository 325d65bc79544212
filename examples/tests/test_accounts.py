"""One tool, two AWS accounts: each sees only its own migration.

The fake takes a request as made by the account of its access key id: a
12-digit access key id is itself the account (any other maps to the default
account 123456789012 unless registered with ``mhub_fake.add_account``). The
tool is given a boto3 session per account, as it would be after assuming a
role in each.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import boto3
import pytest

from examples.migration_tool import (
    DiscoveredServer,
    NotDiscoveredError,
    ProgressReporter,
    Step,
    delete_stream,
    ec2_instance_arn,
    migrate_discovered_server,
    stream_exists,
    tasks_for_server,
)

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory

    from pytest_migrationhub import MigrationHubFake

STREAM = "CloudMigrationFactory"
ACCOUNT_A, ACCOUNT_B = "111122223333", "444455556666"

#: Each account inventoried its own web01: same name, its own ConfigurationId.
WEB01_A = DiscoveredServer("d-server-0aaaaaaaaaaaaa", "web01", ipv4_addresses=("10.0.1.15",))
WEB01_B = DiscoveredServer("d-server-0bbbbbbbbbbbbb", "web01", ipv4_addresses=("172.16.0.15",))


@functools.cache  # a session is costly to build; reuse it across tests
def session_for(account: str) -> boto3.Session:
    return boto3.Session(aws_access_key_id=account, aws_secret_access_key="x")


def migrate(account: str, region: str, server: DiscoveredServer, plan: list[Step]) -> ProgressReporter:
    reporter = ProgressReporter.for_home_region(STREAM, server.name, session=session_for(account))
    arn = ec2_instance_arn(region, account, "i-0abc1234def567890")
    migrate_discovered_server(reporter, server, plan, lambda: arn)
    return reporter


@pytest.fixture
def two_accounts(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.add_discovered_resource(WEB01_A.configuration_id, account=ACCOUNT_A)
    mhub_fake.add_discovered_resource(WEB01_B.configuration_id, account=ACCOUNT_B)
    mhub_fake.account(ACCOUNT_B).home_region = "eu-west-1"


def test_each_accounts_run_is_isolated(mhub_fake: MigrationHubFake, two_accounts: None, plan: list[Step]) -> None:
    reporter_a = migrate(ACCOUNT_A, "us-west-2", WEB01_A, plan)
    reporter_b = migrate(ACCOUNT_B, "eu-west-1", WEB01_B, plan)

    # Each account's home region was read and written to.
    assert reporter_a.mgh.meta.region_name == "us-west-2"
    assert reporter_b.mgh.meta.region_name == "eu-west-1"
    assert {(c.account, c.region) for c in mhub_fake.calls if c.service == "mgh"} == {
        (ACCOUNT_A, "us-west-2"),
        (ACCOUNT_B, "eu-west-1"),
    }

    task_a = mhub_fake.task(STREAM, "web01", account=ACCOUNT_A)
    task_b = mhub_fake.task(STREAM, "web01", account=ACCOUNT_B)
    assert task_a.discovered_resources[0]["ConfigurationId"] == WEB01_A.configuration_id
    assert task_b.discovered_resources[0]["ConfigurationId"] == WEB01_B.configuration_id
    assert task_a.resource_attributes == [{"Type": "IPV4_ADDRESS", "Value": "10.0.1.15"}]
    assert task_b.resource_attributes == [{"Type": "IPV4_ADDRESS", "Value": "172.16.0.15"}]
    assert reporter_a.created_artifacts() == ["arn:aws:ec2:us-west-2:111122223333:instance/i-0abc1234def567890"]
    assert reporter_b.created_artifacts() == ["arn:aws:ec2:eu-west-1:444455556666:instance/i-0abc1234def567890"]

    # Neither account sees the other's server, and the default account saw nothing.
    assert len(tasks_for_server(reporter_a.mgh, WEB01_A.configuration_id)) == 1
    assert tasks_for_server(reporter_a.mgh, WEB01_B.configuration_id) == []
    assert tasks_for_server(reporter_b.mgh, WEB01_A.configuration_id) == []
    assert mhub_fake.tasks() == []
    assert mhub_fake.streams == []


def test_deleting_one_accounts_stream_leaves_the_others(
    mhub_fake: MigrationHubFake,
    two_accounts: None,
    plan: list[Step],
    freezer: FrozenDateTimeFactory,
) -> None:
    reporter_a = migrate(ACCOUNT_A, "us-west-2", WEB01_A, plan)
    reporter_b = migrate(ACCOUNT_B, "eu-west-1", WEB01_B, plan)

    delete_stream(reporter_a.mgh, STREAM)
    freezer.tick(6)  # past the deletion

    assert not stream_exists(reporter_a.mgh, STREAM)
    assert mhub_fake.tasks(account=ACCOUNT_A) == []
    assert stream_exists(reporter_b.mgh, STREAM)
    assert mhub_fake.task(STREAM, "web01", account=ACCOUNT_B).status == "COMPLETED"


def test_one_accounts_discovered_server_is_unknown_to_the_other(
    mhub_fake: MigrationHubFake, two_accounts: None, plan: list[Step]
) -> None:
    # Application Discovery Service's inventory is per account too.
    with pytest.raises(NotDiscoveredError, match=WEB01_B.configuration_id):
        migrate(ACCOUNT_A, "us-west-2", WEB01_B, plan)

    assert mhub_fake.task(STREAM, "web01", account=ACCOUNT_A).status == "FAILED"
    assert mhub_fake.tasks(account=ACCOUNT_B) == []
