"""Pagination tokens are good only for the request, and the fake, that issued them: not after
``reset()``, and in Application Discovery Service not with other filters."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

from pytest_migrationhub import MigrationHubFake

STREAMS = ("S1", "S2", "S3")


def not_issued(operation: str, member: str, token: str) -> str:
    return (
        f"{operation}: {member} {token!r} was not issued for this request; "
        f"pass the {member} of the previous page unchanged"
    )


def test_reset_forgets_the_pagination_tokens_it_issued(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    for name in STREAMS:
        mhub_fake.add_stream(name)
    token = mgh.list_progress_update_streams(MaxResults=1)["NextToken"]
    page = mgh.list_progress_update_streams(MaxResults=1, NextToken=token)
    assert [s["ProgressUpdateStreamName"] for s in page["ProgressUpdateStreamSummaryList"]] == ["S2"]

    # "As a new fake": the same streams again, but the token is not one this fake issued.
    mhub_fake.reset()
    for name in STREAMS:
        mhub_fake.add_stream(name)
    with pytest.raises(ClientError) as raised:
        mgh.list_progress_update_streams(MaxResults=1, NextToken=token)
    assert error_of(raised) == (
        "InvalidInputException",
        400,
        not_issued("ListProgressUpdateStreams", "NextToken", token),
    )
    # A token issued after the reset leads on as before.
    fresh = mgh.list_progress_update_streams(MaxResults=1)["NextToken"]
    page = mgh.list_progress_update_streams(MaxResults=1, NextToken=fresh)
    assert [s["ProgressUpdateStreamName"] for s in page["ProgressUpdateStreamSummaryList"]] == ["S2"]


def test_a_list_configurations_token_is_bound_to_its_filters(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    for n in (1, 2, 3):
        mhub_fake.add_discovered_resource(f"d-server-{n}", host_name=f"web-{n}.example.com")
    web = [{"name": "server.hostName", "condition": "CONTAINS", "values": ["web"]}]
    # Other filters that select the very same servers: only the request differs.
    web_dash = [{"name": "server.hostName", "condition": "CONTAINS", "values": ["web-"]}]
    request: dict[str, Any] = {
        "configurationType": "SERVER",
        "orderBy": [{"fieldName": "server.hostName", "sortOrder": "ASC"}],
        "maxResults": 1,
    }
    token = discovery.list_configurations(**request, filters=web)["nextToken"]
    page = discovery.list_configurations(**request, filters=web, nextToken=token)
    assert [s["server.configurationId"] for s in page["configurations"]] == ["d-server-2"]
    for other in ({"filters": web_dash}, {}):
        with pytest.raises(ClientError) as raised:
            discovery.list_configurations(**request, **other, nextToken=token)
        assert error_of(raised) == (
            "InvalidParameterValueException",
            400,
            not_issued("ListConfigurations", "nextToken", token),
        ), other


def test_a_describe_tags_token_is_bound_to_its_filters(mhub_fake: MigrationHubFake, discovery: Any) -> None:
    servers = [f"d-server-{n}" for n in (1, 2, 3)]
    for server in servers:
        mhub_fake.add_discovered_resource(server)
    discovery.create_tags(configurationIds=servers, tags=[{"key": "env", "value": "prod"}])
    by_key = [{"name": "tagKey", "values": ["env"]}]
    # Other filters that select the very same tags: only the request differs.
    by_value = [{"name": "tagValue", "values": ["prod"]}]
    token = discovery.describe_tags(filters=by_key, maxResults=1)["nextToken"]
    page = discovery.describe_tags(filters=by_key, maxResults=1, nextToken=token)
    assert [t["configurationId"] for t in page["tags"]] == ["d-server-2"]
    for other in ({"filters": by_value}, {}):
        with pytest.raises(ClientError) as raised:
            discovery.describe_tags(**other, maxResults=1, nextToken=token)
        assert error_of(raised) == (
            "InvalidParameterValueException",
            400,
            not_issued("DescribeTags", "nextToken", token),
        ), other
