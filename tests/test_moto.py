"""moto side by side: ``mock_aws`` for S3 and EC2, ``mhub_fake`` for Migration Hub.

moto registers a ``before-send`` handler in botocore's ``BUILTIN_HANDLERS``
that answers every AWS request it sees, Migration Hub included (with a 404:
moto does not implement it). The fake answers on the more specific
``before-send.migration-hub`` event, which botocore runs first, so the two
work together whichever was imported or started first.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

moto = pytest.importorskip("moto")
if not hasattr(moto, "mock_aws"):  # moto < 5
    pytest.skip("moto 5 or newer (mock_aws) is needed", allow_module_level=True)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from pytest_migrationhub import mock_migrationhub  # noqa: E402

REGION = "us-west-2"
# Created at import time, before moto or the fake started. S3 requests are
# signed, so that client needs (dummy) credentials from the start, as moto says.
EARLY_MGH = boto3.client("mgh", region_name=REGION)
EARLY_S3 = boto3.client("s3", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def moto_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        yield


def use_both(fake: Any, mgh: Any = None, s3: Any = None) -> None:
    mgh = mgh or boto3.client("mgh", region_name=REGION)
    s3 = s3 or boto3.client("s3", region_name=REGION)
    ec2 = boto3.client("ec2", region_name=REGION)

    s3.create_bucket(Bucket="migration-logs", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket="migration-logs", Key="sms-1.log", Body=b"copied")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    mgh.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    mgh.import_migration_task(ProgressUpdateStream="SMS", MigrationTaskName="sms-1")
    mgh.notify_migration_task_state(
        ProgressUpdateStream="SMS",
        MigrationTaskName="sms-1",
        Task={"Status": "COMPLETED", "ProgressPercent": 100},
        UpdateDateTime=1493660853,
        NextUpdateSeconds=60,
    )
    config = boto3.client("migrationhub-config", region_name=REGION)
    assert config.get_home_region()["HomeRegion"] == REGION

    assert fake.progress("SMS", "sms-1") == [100]
    assert s3.get_object(Bucket="migration-logs", Key="sms-1.log")["Body"].read() == b"copied"
    assert [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["VpcId"] == vpc] == [vpc]
    assert {c.operation for c in fake.calls} == {
        "CreateProgressUpdateStream",
        "ImportMigrationTask",
        "NotifyMigrationTaskState",
        "GetHomeRegion",
    }


def test_moto_started_before_the_fake(moto_aws: None, mhub_fake: Any) -> None:
    use_both(mhub_fake)


def test_the_fake_started_before_moto(mhub_fake: Any, moto_aws: None) -> None:
    use_both(mhub_fake)


@mock_aws
def test_moto_decorator_with_the_fixture(mhub_fake: Any) -> None:
    use_both(mhub_fake)


def test_clients_created_before_either_started(moto_aws: None, mhub_fake: Any) -> None:
    use_both(mhub_fake, mgh=EARLY_MGH, s3=EARLY_S3)


def test_nested_context_managers_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws(), mock_migrationhub() as fake:
        use_both(fake)
    with mock_migrationhub() as fake, mock_aws():
        use_both(fake)


def test_faults_and_retries_work_under_moto(moto_aws: None, mhub_fake: Any) -> None:
    from botocore.config import Config

    mgh = boto3.client("mgh", region_name=REGION, config=Config(retries={"mode": "standard", "max_attempts": 3}))
    mhub_fake.fail("CreateProgressUpdateStream", "ThrottlingException", times=2)
    mgh.create_progress_update_stream(ProgressUpdateStreamName="SMS")
    assert len(mhub_fake.retry_delays) == 2
    assert mhub_fake.streams == ["SMS"]


def test_moto_alone_still_answers_migration_hub_as_moto_does(moto_aws: None) -> None:
    # The control: without the fake, moto sees the request and refuses it.
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match=r"\(404\)"):
        boto3.client("mgh", region_name=REGION).list_progress_update_streams()


SCRIPT = """
import os
os.environ.update(AWS_EC2_METADATA_DISABLED="true", AWS_ACCESS_KEY_ID="testing",
                  AWS_SECRET_ACCESS_KEY="testing", AWS_CONFIG_FILE=os.devnull,
                  AWS_SHARED_CREDENTIALS_FILE=os.devnull)
import boto3
{first}
from pytest_migrationhub import mock_migrationhub
with mock_migrationhub() as fake:
    {second}
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-west-2")
        s3.create_bucket(Bucket="migration-logs", CreateBucketConfiguration={{"LocationConstraint": "us-west-2"}})
        boto3.client("mgh", region_name="us-west-2").create_progress_update_stream(
            ProgressUpdateStreamName="SMS")
        print(s3.list_buckets()["Buckets"][0]["Name"], fake.streams)
"""


@pytest.mark.parametrize(
    "first, second",
    [("from moto import mock_aws", "pass"), ("", "from moto import mock_aws")],
    ids=["moto-imported-first", "moto-imported-after-the-fake-started"],
)
def test_in_a_fresh_process_whichever_was_imported_first(first: str, second: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT.format(first=first, second=second))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "migration-logs ['SMS']"
