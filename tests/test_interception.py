"""What the interception decides: which retries it saves from sleeping, which account a request is
made as, which requests are its own (each found unchecked by mutating the code)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pytest_migrationhub import MigrationHubFake


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self._body


def test_retries_of_a_service_the_fake_does_not_serve_are_slept_not_recorded(
    mhub_fake: MigrationHubFake, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # decisions.py:89 retrying_fake: only a served service's backoff is virtual.
    from botocore.awsrequest import AWSResponse, HTTPHeaders

    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    import botocore.session
    from botocore.config import Config

    sts: Any = botocore.session.get_session().create_client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "max_attempts": 2}),
    )
    body = b"<ErrorResponse><Error><Code>InternalFailure</Code><Message>down</Message></Error></ErrorResponse>"

    def down(request: Any, **kwargs: Any) -> Any:
        return AWSResponse(request.url, 500, HTTPHeaders(), _Raw(body))

    sts.meta.events.register("before-send.sts", down)
    with pytest.raises(sts.exceptions.ClientError):
        sts.get_caller_identity()
    assert slept  # botocore slept its backoff for real
    assert mhub_fake.retry_delays == []  # and the fake kept none of it


def test_refreshable_credentials_name_the_account_without_being_refreshed(
    mhub_fake: MigrationHubFake,
) -> None:
    # decisions.py:112 fields.get("_access_key"): RefreshableCredentials keep the key there.
    import botocore.session
    from botocore.credentials import CredentialProvider, RefreshableCredentials

    def refresh() -> Any:
        pytest.fail("the fake refreshed the credentials")

    class Provider(CredentialProvider):
        METHOD = "test-refreshable"

        def load(self) -> Any:
            no_token: Any = None
            expires = datetime.now(timezone.utc) + timedelta(hours=1)
            return RefreshableCredentials("111122223333", "secret", no_token, expires, refresh, self.METHOD)

    session = botocore.session.Session()
    session.get_component("credential_provider").insert_before("env", Provider())
    client: Any = session.create_client("mgh", region_name="us-west-2")
    client.list_progress_update_streams()
    assert [call.account for call in mhub_fake.calls] == ["111122223333"]


def test_an_unsigned_client_goes_to_its_endpoint_once_the_fake_has_stopped() -> None:
    # decisions.py:119 _taken_over: a request with no Authorization header is not the fake's.
    import botocore.session
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.exceptions import EndpointConnectionError

    from pytest_migrationhub import mock_migrationhub

    session = botocore.session.Session()
    with mock_migrationhub():
        unsigned: Any = session.create_client(
            "mgh",
            region_name="us-west-2",
            endpoint_url="http://127.0.0.1:9",  # nothing listens: reaching it fails the call
            config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}),
        )
        unsigned.list_progress_update_streams()  # answered: the fake's handler is now on the client
    with pytest.raises(EndpointConnectionError):
        unsigned.list_progress_update_streams()
