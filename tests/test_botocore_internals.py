"""What the fake replaces inside botocore, what it reads there, and that it puts everything back."""

from __future__ import annotations

import importlib
from typing import Any

import botocore
import pytest
from botocore.endpoint import Endpoint

from pytest_migrationhub import MigrationHubFakeError, mock_migrationhub
from pytest_migrationhub._interception import PATCHES, READS, Patch, missing_internals


def current(patch: Patch) -> Any:
    module = importlib.import_module(patch.module)
    owner = getattr(module, patch.owner) if patch.owner else module
    return getattr(owner, patch.name)


def everything_patched(*, but: str = "") -> dict[str, Any]:
    return {patch.path: current(patch) for patch in PATCHES if patch.path != but}


def test_every_private_attribute_the_fake_relies_on_is_in_this_botocore() -> None:
    # Run against every botocore CI installs (the lowest, the newest, aiobotocore's):
    # a release that moves one of these fails here, with the attribute named.
    assert missing_internals() == []


def test_the_table_says_what_each_patch_is_for() -> None:
    assert [patch.path for patch in PATCHES] == [
        "botocore.signers.RequestSigner.sign",
        "botocore.endpoint.Endpoint._send",
        "botocore.endpoint.Endpoint._needs_retry",
        "botocore.endpoint.time",
        "botocore.retries.standard.RetryQuotaChecker.acquire_retry_quota",
        "botocore.retries.bucket.TokenBucket.acquire",
    ]
    for entry in PATCHES:
        assert entry.why and entry.since
    for read in READS:
        assert read.why and read.since


def test_a_moved_attribute_is_named_with_the_botocore_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(Endpoint, "_send")
    expected = (
        f"botocore {botocore.__version__} has no botocore.endpoint.Endpoint._send, which pytest-migrationhub "
        "relies on (the transport: a Migration Hub request that reaches it anyway is answered there). Install "
        f"an earlier botocore (pip install 'botocore<{botocore.__version__}') or a pytest-migrationhub "
        f"release that supports botocore {botocore.__version__}."
    )
    assert missing_internals() == [expected]


def test_a_moved_private_read_is_named_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.retries.quota import RetryQuota

    original_init = RetryQuota.__init__

    def init_without_max(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        del self._max_capacity

    monkeypatch.setattr(RetryQuota, "__init__", init_without_max)
    assert missing_internals() == [
        f"botocore {botocore.__version__} has no botocore.retries.quota.RetryQuota()._max_capacity, which "
        "pytest-migrationhub relies on (refilling the retry quota). Install an earlier botocore "
        f"(pip install 'botocore<{botocore.__version__}') or a pytest-migrationhub release that supports "
        f"botocore {botocore.__version__}."
    ]


def test_starting_against_a_botocore_that_moved_one_patches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(Endpoint, "_needs_retry")
    moved = "botocore.endpoint.Endpoint._needs_retry"
    before = everything_patched(but=moved)
    with pytest.raises(MigrationHubFakeError, match=r"has no botocore\.endpoint\.Endpoint\._needs_retry, which"):
        mock_migrationhub().start()
    assert everything_patched(but=moved) == before
    # And the failed start left no fake active: once botocore is whole, another starts.
    monkeypatch.undo()
    with mock_migrationhub():
        pass


def test_stopping_puts_back_every_original() -> None:
    before = everything_patched()
    with mock_migrationhub():
        during = everything_patched()
        assert all(during[path] is not before[path] for path in before), "a patch was not applied"
    assert everything_patched() == before


def test_a_patch_laid_on_top_of_the_fakes_is_left_in_place() -> None:
    # Another tool that wraps Endpoint._send while the fake is active keeps its
    # wrapper after the fake stops (the fake's own does nothing once stopped).
    # botocore's stubs leave the private _send out, hence the ignores.
    original = Endpoint._send  # type: ignore[attr-defined]
    with mock_migrationhub():
        inner = Endpoint._send  # type: ignore[attr-defined]

        def theirs(self: Any, request: Any) -> Any:
            return inner(self, request)

        Endpoint._send = theirs  # type: ignore[attr-defined]
    try:
        assert Endpoint._send is theirs  # type: ignore[attr-defined]
    finally:
        Endpoint._send = original  # type: ignore[attr-defined]


def test_a_request_taken_over_is_answered_even_if_the_fake_stops_before_it_is_sent() -> None:
    # Another thread may stop the fake between signing and sending: the request,
    # unsigned and carrying a stand-in scope, must never go out as it is.
    import botocore.session
    from botocore.config import Config

    client: Any = botocore.session.get_session().create_client(
        "mgh",
        region_name="us-west-2",
        endpoint_url="http://127.0.0.1:9",  # nothing listens: reaching it would fail the call
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "max_attempts": 1}),
    )
    fake = mock_migrationhub()
    fake.start()
    stopped = []

    def stop_the_fake(**kwargs: Any) -> None:
        fake.stop()
        stopped.append(True)

    client.meta.events.register_first("before-send.migration-hub", stop_the_fake)
    try:
        assert client.list_progress_update_streams()["ProgressUpdateStreamSummaryList"] == []
    finally:
        client.meta.events.unregister("before-send.migration-hub", stop_the_fake)
        fake.stop()
    assert stopped == [True]
    assert [call.operation for call in fake.calls] == ["ListProgressUpdateStreams"]


def test_a_start_that_fails_in_the_aiobotocore_step_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from pytest_migrationhub._interception import aio

    def watch_then_fail() -> None:
        sys.meta_path.insert(0, aio._AioFinder)
        raise MigrationHubFakeError("aiobotocore 9.9 has no aiobotocore.endpoint.AioEndpoint._needs_retry")

    monkeypatch.setattr(aio, "watch", watch_then_fail)
    before = everything_patched()
    with pytest.raises(MigrationHubFakeError, match="aiobotocore 9.9 has no"):
        mock_migrationhub().start()
    assert everything_patched() == before
    assert aio._AioFinder not in sys.meta_path
    monkeypatch.undo()
    with mock_migrationhub():
        pass


def test_the_service_table_says_what_botocores_models_say() -> None:
    import botocore.session

    from pytest_migrationhub._core import ALL_SERVICES, CONFIG, DISCOVERY, MGH, SIGNING_NAME

    session = botocore.session.get_session()
    for service in ALL_SERVICES:
        model = session.get_service_model(service.name)
        assert model.service_id == service.service_id
        assert model.metadata["targetPrefix"] == service.target_prefix
        assert model.service_id.hyphenize() == service.event_name
        # IAM actions are named by the signing name: mgh:..., discovery:...
        assert model.signing_name == service.iam_prefix
    assert SIGNING_NAME == MGH.iam_prefix == CONFIG.iam_prefix
    assert [s.endpoint_variable for s in (MGH, CONFIG, DISCOVERY)] == [
        "AWS_ENDPOINT_URL_MIGRATION_HUB",
        "AWS_ENDPOINT_URL_MIGRATIONHUB_CONFIG",
        "AWS_ENDPOINT_URL_APPLICATION_DISCOVERY_SERVICE",
    ]
