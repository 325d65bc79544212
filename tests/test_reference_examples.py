"""The AWS Migration Hub API reference's own examples, answered as documented.

The reference has a sample request on 16 operation pages (``API_<Operation>``,
section "Examples") and a sample response on 7 of them. Each test here is named
after its page: it sends the sample request's values through a boto3 client
and asserts the documented response, member by member, or the 200 with an
empty body the page's "Response Elements" promise. Where a sample needs state
the service would already hold (a discovered server, an application, a task
with a history), the test seeds it first.

Two samples are not valid requests as printed: NotifyApplicationState's is not
JSON (a comma is missing) and AssociateCreatedArtifact's sends an array where
the request syntax has an object. Those are sent byte for byte, in-process and
over HTTP, and must get the error the fake answers such bodies with; the
request each one means is sent through boto3 as well.
"""

from __future__ import annotations

import http.client
import json
from datetime import datetime, timezone
from typing import Any

import pytest
from support import HOME, STREAM, TASK, error_of, ids

from pytest_migrationhub import MigrationHubFake
from pytest_migrationhub._core import catalog

AMI = "arn:aws:ec2:us-east-1:488216288981:image/ami-6d0ba87b"
AMI_DESCRIPTION = "Using SMS to migrate server to EC2"
SERVER = "d-server-0025db43a885966c8"
SERVER_DESCRIPTION = "Amazon Linux AMI release 2016.09"
APPLICATION = "d-application-0039038d504694533"


def at(seconds: float) -> datetime:
    """An epoch timestamp as botocore hands it over: an aware datetime."""
    return datetime.fromtimestamp(seconds, timezone.utc)


def answer(response: dict[str, Any]) -> dict[str, Any]:
    """The response body, once botocore's ``ResponseMetadata`` is set aside."""
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


# --- streams and tasks ----------------------------------------------------------------------


def test_API_CreateProgressUpdateStream(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_CreateProgressUpdateStream, Examples: stream SMS, DryRun false.
    assert answer(mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM, DryRun=False)) == {}
    assert mhub_fake.streams == [STREAM]


def test_API_DeleteProgressUpdateStream(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_DeleteProgressUpdateStream, Examples: stream SMS, DryRun false.
    mhub_fake.add_task(STREAM, TASK)
    assert answer(mgh.delete_progress_update_stream(ProgressUpdateStreamName=STREAM, DryRun=False)) == {}
    # Deletion runs in the background: the stream now refuses writes.
    with pytest.raises(mgh.exceptions.InvalidInputException):
        mgh.import_migration_task(**ids())


def test_API_ImportMigrationTask(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_ImportMigrationTask, Examples: task sms-12de3cf1a in stream SMS.
    mhub_fake.add_stream(STREAM)
    assert answer(mgh.import_migration_task(**ids())) == {}
    task = mhub_fake.task(STREAM, TASK)
    assert (task.status, task.updates) == (None, [])


def test_API_NotifyMigrationTaskState(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_NotifyMigrationTaskState, Examples: IN_PROGRESS at 77 %, UpdateDateTime 1493660853,
    # NextUpdateSeconds 60.
    mhub_fake.add_task(STREAM, TASK)
    sent = mgh.notify_migration_task_state(
        **ids(Task={"ProgressPercent": 77, "Status": "IN_PROGRESS", "StatusDetail": "Migration: Copying image data"}),
        NextUpdateSeconds=60,
        UpdateDateTime=at(1493660853),
    )
    assert answer(sent) == {}
    task = mhub_fake.task(STREAM, TASK)
    assert (task.status, task.progress_percent, task.status_detail) == (
        "IN_PROGRESS",
        77,
        "Migration: Copying image data",
    )
    assert (task.update_date_time, task.next_update_seconds) == (at(1493660853), 60)


def test_API_DescribeMigrationTask(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_DescribeMigrationTask, Examples: the task's latest state, UpdateDateTime 1493750385.0,
    # and no ResourceAttributeList (the task has no resource attributes).
    mhub_fake.add_task(STREAM, TASK)
    mgh.notify_migration_task_state(
        **ids(Task={"Status": "IN_PROGRESS", "StatusDetail": "Migration: Copying image data", "ProgressPercent": 77}),
        UpdateDateTime=at(1493750385),
        NextUpdateSeconds=60,
    )
    described = answer(mgh.describe_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK))
    assert described == {
        "MigrationTask": {
            "ProgressUpdateStream": STREAM,
            "Task": {"Status": "IN_PROGRESS", "StatusDetail": "Migration: Copying image data", "ProgressPercent": 77},
            "UpdateDateTime": at(1493750385.0),
            "MigrationTaskName": TASK,
        }
    }


def test_API_ListMigrationTasks(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_ListMigrationTasks, Examples: MaxResults 1 and ResourceName d-server-0025db43a885966c8 give
    # one summary, COMPLETED with "Replication finished" at 1487858882.0, no ProgressPercent.
    mhub_fake.add_discovered_resource(SERVER)
    mhub_fake.add_task(STREAM, TASK)
    mhub_fake.add_task("DMS", "dms-task")  # not associated with the server: filtered out
    mgh.associate_discovered_resource(**ids(DiscoveredResource={"ConfigurationId": SERVER}))
    mgh.notify_migration_task_state(
        **ids(Task={"Status": "COMPLETED", "StatusDetail": "Replication finished"}),
        UpdateDateTime=at(1487858882),
        NextUpdateSeconds=0,
    )
    assert answer(mgh.list_migration_tasks(MaxResults=1, ResourceName=SERVER)) == {
        "MigrationTaskSummaryList": [
            {
                "Status": "COMPLETED",
                "ProgressUpdateStream": STREAM,
                "StatusDetail": "Replication finished",
                "UpdateDateTime": at(1487858882.0),
                "MigrationTaskName": TASK,
            }
        ]
    }


def test_API_ListProgressUpdateStreams(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_ListProgressUpdateStreams, Examples: MaxResults 2 gives streams DMS and SMS, and a NextToken
    # (more streams follow).
    for name in ("DMS", "SMS", "MGN"):
        mhub_fake.add_stream(name)
    listed = answer(mgh.list_progress_update_streams(MaxResults=2))
    assert set(listed) == {"ProgressUpdateStreamSummaryList", "NextToken"}
    assert listed["ProgressUpdateStreamSummaryList"] == [
        {"ProgressUpdateStreamName": "DMS"},
        {"ProgressUpdateStreamName": "SMS"},
    ]
    assert isinstance(listed["NextToken"], str) and listed["NextToken"]


# --- created artifacts ------------------------------------------------------------------------


def test_API_AssociateCreatedArtifact(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_AssociateCreatedArtifact, Examples: the AMI and its description, DryRun false (the
    # CreatedArtifact object the request syntax has; the printed sample wraps it in an array, see below).
    task = mhub_fake.add_task(STREAM, TASK)
    sent = mgh.associate_created_artifact(
        **ids(CreatedArtifact={"Description": AMI_DESCRIPTION, "Name": AMI}), DryRun=False
    )
    assert answer(sent) == {}
    assert task.created_artifacts == [{"Description": AMI_DESCRIPTION, "Name": AMI}]


def test_API_DisassociateCreatedArtifact(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_DisassociateCreatedArtifact, Examples: the AMI's ARN, from task sms-12de3cf1a.
    task = mhub_fake.add_task(STREAM, TASK)
    mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": AMI, "Description": AMI_DESCRIPTION}))
    assert answer(mgh.disassociate_created_artifact(**ids(CreatedArtifactName=AMI))) == {}
    assert task.created_artifacts == []


def test_API_ListCreatedArtifacts(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_ListCreatedArtifacts, Examples: MaxResults 1 gives the AMI's Name and Description.
    mhub_fake.add_task(STREAM, TASK)
    mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": AMI, "Description": AMI_DESCRIPTION}))
    assert answer(mgh.list_created_artifacts(**ids(), MaxResults=1)) == {
        "CreatedArtifactList": [{"Name": AMI, "Description": AMI_DESCRIPTION}]
    }


# --- discovered resources -----------------------------------------------------------------------


def test_API_AssociateDiscoveredResource(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_AssociateDiscoveredResource, Examples: ConfigurationId d-server-0025db43a885966c8 with
    # its description.
    mhub_fake.add_discovered_resource(SERVER)
    task = mhub_fake.add_task(STREAM, TASK)
    sent = mgh.associate_discovered_resource(
        **ids(DiscoveredResource={"ConfigurationId": SERVER, "Description": SERVER_DESCRIPTION})
    )
    assert answer(sent) == {}
    assert task.discovered_resources == [{"ConfigurationId": SERVER, "Description": SERVER_DESCRIPTION}]


def test_API_DisassociateDiscoveredResource(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_DisassociateDiscoveredResource, Examples: ConfigurationId d-server-0025db43a885966c8,
    # DryRun false.
    mhub_fake.add_discovered_resource(SERVER)
    task = mhub_fake.add_task(STREAM, TASK)
    mgh.associate_discovered_resource(**ids(DiscoveredResource={"ConfigurationId": SERVER}))
    assert answer(mgh.disassociate_discovered_resource(**ids(ConfigurationId=SERVER), DryRun=False)) == {}
    assert task.discovered_resources == []


def test_API_ListDiscoveredResources(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_ListDiscoveredResources, Examples: an empty NextToken and MaxResults 1 give the server's
    # ConfigurationId and Description.
    mhub_fake.add_discovered_resource(SERVER)
    mhub_fake.add_task(STREAM, TASK)
    mgh.associate_discovered_resource(
        **ids(DiscoveredResource={"ConfigurationId": SERVER, "Description": SERVER_DESCRIPTION})
    )
    assert answer(mgh.list_discovered_resources(**ids(), NextToken="", MaxResults=1)) == {
        "DiscoveredResourceList": [{"ConfigurationId": SERVER, "Description": SERVER_DESCRIPTION}]
    }


# --- resource attributes --------------------------------------------------------------------------


def test_API_PutResourceAttributes(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_PutResourceAttributes, Examples: VM_NAME together with the VM_MANAGER_ID every other VM
    # attribute needs, for a canary task and stream.
    stream, name = "canary-017563f9-1234-5678-9de4-cf9d3378d18d", "canary-4c208ae8-9876-5432-1098-b748dd9179d3"
    attributes = [
        {"Type": "VM_NAME", "Value": "v1.1.1.0-cloudfront"},
        {"Type": "VM_MANAGER_ID", "Value": "a7b4c06d-e12f-1234-9gh7-i5j26k1lm2no"},
    ]
    task = mhub_fake.add_task(stream, name)
    sent = mgh.put_resource_attributes(
        MigrationTaskName=name, ProgressUpdateStream=stream, ResourceAttributeList=attributes
    )
    assert answer(sent) == {}
    assert task.resource_attributes == attributes
    described = mgh.describe_migration_task(ProgressUpdateStream=stream, MigrationTaskName=name)
    assert described["MigrationTask"]["ResourceAttributeList"] == attributes


# --- applications ------------------------------------------------------------------------------------


def test_API_DescribeApplicationState(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_DescribeApplicationState, Examples: IN_PROGRESS, LastUpdatedTime 1493405005.639.
    mhub_fake.add_application(APPLICATION)
    # Sent as the page has it: older botocore releases (1.34 among them) drop a datetime's milliseconds.
    body = {"ApplicationId": APPLICATION, "Status": "IN_PROGRESS", "UpdateDateTime": 1493405005.639}
    status, _headers, _body = mhub_fake.handle(
        catalog().by_name["NotifyApplicationState"].target,
        json.dumps(body).encode(),
        {"Authorization": f"AWS4-HMAC-SHA256 Credential=AKIA/20170428/{HOME}/mgh/aws4_request"},
    )
    assert status == 200
    assert answer(mgh.describe_application_state(ApplicationId=APPLICATION)) == {
        "ApplicationStatus": "IN_PROGRESS",
        "LastUpdatedTime": at(1493405005.639),
    }


def test_API_NotifyApplicationState(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # API_NotifyApplicationState, Examples: a permitted DryRun of IN_PROGRESS answers DryRunOperation
    # with the message "Dry Run was a success!", and changes nothing. (The request as the page
    # prints it is not JSON: see the test below.)
    application = mhub_fake.add_application(APPLICATION)
    with pytest.raises(mgh.exceptions.DryRunOperation) as raised:
        mgh.notify_application_state(ApplicationId=APPLICATION, Status="IN_PROGRESS", DryRun=True)
    assert error_of(raised) == ("DryRunOperation", 400, "Dry Run was a success!")
    assert str(raised.value) == (
        "An error occurred (DryRunOperation) when calling the NotifyApplicationState operation: Dry Run was a success!"
    )
    assert (application.status, application.last_updated_time) == (None, None)


# --- the two samples that are not valid requests, sent as printed ---------------------------------------

#: API_NotifyApplicationState, Examples: the sample request, byte for byte (no comma after "IN_PROGRESS").
NOTIFY_APPLICATION_STATE_AS_PRINTED = b"""{
   "ApplicationId": "d-application-0039038d504694533",
   "Status": "IN_PROGRESS"
   "DryRun": true
}"""

#: API_AssociateCreatedArtifact, Examples: the sample request, byte for byte (CreatedArtifact is an array).
ASSOCIATE_CREATED_ARTIFACT_AS_PRINTED = b"""{
   "CreatedArtifact": [
      {
         "Description": "Using SMS to migrate server to EC2",
         "Name": "arn:aws:ec2:us-east-1:488216288981:image/ami-6d0ba87b"
      }
   ],
   "DryRun": false,
   "MigrationTaskName": "sms-12de3cf1a",
   "ProgressUpdateStream": "SMS"

}"""


def send_raw(
    way: str, request: pytest.FixtureRequest, fake: MigrationHubFake, operation: str, body: bytes
) -> tuple[int, Any]:
    """POST ``body`` as it is, to ``fake.handle`` or to the fake's HTTP server."""
    auth = (
        f"AWS4-HMAC-SHA256 Credential=testing/20240101/{HOME}/mgh/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0"
    )
    target = catalog().by_name[operation].target
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target, "Authorization": auth}
    if way == "in-process":
        status, _, payload = fake.handle(target, body, headers)
        return status, json.loads(payload)
    server = request.getfixturevalue("mhub_server")
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request("POST", "/", body=body, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


@pytest.mark.parametrize("way", ["in-process", "server"])
def test_API_NotifyApplicationState_as_printed_is_not_json(
    way: str, request: pytest.FixtureRequest, mhub_fake: MigrationHubFake
) -> None:
    application = mhub_fake.add_application(APPLICATION)
    status, body = send_raw(way, request, mhub_fake, "NotifyApplicationState", NOTIFY_APPLICATION_STATE_AS_PRINTED)
    assert (status, body) == (
        400,
        {"__type": "SerializationException", "Message": "NotifyApplicationState: the body is not JSON"},
    )
    assert (application.status, application.last_updated_time) == (None, None)


@pytest.mark.mhub_fake(assert_all_requests_valid=False)
@pytest.mark.parametrize("way", ["in-process", "server"])
def test_API_AssociateCreatedArtifact_as_printed_sends_an_array(
    way: str, request: pytest.FixtureRequest, mhub_fake: MigrationHubFake
) -> None:
    task = mhub_fake.add_task(STREAM, TASK)
    status, body = send_raw(way, request, mhub_fake, "AssociateCreatedArtifact", ASSOCIATE_CREATED_ARTIFACT_AS_PRINTED)
    assert (status, body["__type"]) == (400, "InvalidInputException")
    assert body["Message"].startswith("AssociateCreatedArtifact: $.CreatedArtifact: "), body
    assert task.created_artifacts == []
