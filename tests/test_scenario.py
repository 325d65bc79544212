"""Scenarios: snapshot() and restore() of everything the fake holds, all or nothing, per account too."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_helpers import auth
from support import ARN, SERVER, STREAM, TASK, ids, requires

from pytest_migrationhub import MigrationHubFake, ScenarioError, mock_migrationhub

OTHER = "111122223333"


def seed(fake: MigrationHubFake, mgh: Any) -> None:
    """A small estate of every Migration Hub record: streams, tasks, updates, associations, attributes."""
    fake.add_discovered_resource(SERVER, host_name="web-1")
    fake.add_account(OTHER, access_key_id="AKIAOTHER")
    fake.add_task("Other", "other-task", account=OTHER)
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    mgh.import_migration_task(**ids())
    for percent, status in ((10, "IN_PROGRESS"), (100, "COMPLETED")):
        mgh.notify_migration_task_state(
            **ids(Task={"Status": status, "ProgressPercent": percent, "StatusDetail": f"at {percent}"}),
            UpdateDateTime=datetime(2026, 1, 1, tzinfo=timezone.utc),
            NextUpdateSeconds=60,
        )
    mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": ARN, "Description": "the instance"}))
    mgh.associate_discovered_resource(**ids(DiscoveredResource={"ConfigurationId": SERVER}))
    mgh.put_resource_attributes(**ids(ResourceAttributeList=[{"Type": "FQDN", "Value": "web-1.example.com"}]))
    mgh.create_progress_update_stream(ProgressUpdateStreamName="Going")
    mgh.delete_progress_update_stream(ProgressUpdateStreamName="Going")  # still listed: being deleted


def answers(mgh: Any, config: Any) -> list[Any]:
    """What the Migration Hub List and Describe operations answer, without their metadata."""
    calls: list[Callable[[], Any]] = [
        lambda: mgh.list_progress_update_streams(),
        lambda: mgh.list_migration_tasks(),
        lambda: mgh.describe_migration_task(**ids()),
        lambda: mgh.list_created_artifacts(**ids()),
        lambda: mgh.list_discovered_resources(**ids()),
        lambda: config.describe_home_region_controls(),
        lambda: config.get_home_region(),
    ]
    if hasattr(mgh, "list_migration_task_updates"):
        calls.append(lambda: mgh.list_migration_task_updates(**ids()))
    return [{k: v for k, v in call().items() if k != "ResponseMetadata"} for call in calls]


@pytest.mark.mhub_fake(stream_deletion_seconds=600)
def test_a_restored_fake_answers_as_the_original_did(mhub_fake: MigrationHubFake, mgh: Any, config_client: Any) -> None:
    seed(mhub_fake, mgh)
    before = answers(mgh, config_client)
    data = json.loads(json.dumps(mhub_fake.snapshot()))  # plain JSON, through and through
    mhub_fake.reset()
    assert mhub_fake.streams == []
    mhub_fake.restore(data)
    assert answers(mgh, config_client) == before
    assert mhub_fake.snapshot() == data
    assert mhub_fake.streams == [STREAM, "Going"]
    assert mhub_fake.progress(STREAM, TASK) == [10, 100]
    assert mhub_fake.task("Other", "other-task", account=OTHER).status is None
    # The access key still names its account.
    assert [c for c in data["access_keys"].items()] == [("AKIAOTHER", OTHER)]


def test_the_snapshot_says_what_a_scenario_is(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.add_task(STREAM, TASK)
    data = mhub_fake.snapshot()
    control = data["accounts"]["123456789012"]["home_control"]
    assert (data["format"], data["version"], control["HomeRegion"]) == ("pytest-migrationhub scenario", 1, "us-west-2")
    assert data["accounts"]["123456789012"]["migrationhub"] == {
        "streams": [{"name": STREAM, "tasks": [{"name": TASK}]}]
    }


def test_calls_faults_and_denials_are_not_state(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    mgh.list_progress_update_streams()
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    mhub_fake.deny("ListMigrationTasks")
    data = mhub_fake.snapshot()
    assert set(data) == {"format", "version", "accounts", "access_keys"}
    other = MigrationHubFake()  # not started: a scenario needs no interception
    other.restore(data)
    assert (other.calls, other.faults, other.denied) == ([], [], [])
    mhub_fake.restore(data)  # restoring keeps what the test did: its calls, faults and denials
    assert [c.operation for c in mhub_fake.calls] == ["ListProgressUpdateStreams"]
    assert len(mhub_fake.faults) == 1 and mhub_fake.denied == ["ListMigrationTasks"]
    mhub_fake.clear_faults()


def _loaded_unchanged(fake: MigrationHubFake, data: Any) -> str:
    """Restore ``data``, which must fail; the message, once the fake is checked to hold what it held."""
    before = fake.snapshot()
    with pytest.raises(ScenarioError) as raised:
        fake.restore(data)
    assert fake.snapshot() == before
    return str(raised.value)


def _with_update(fake: MigrationHubFake, **changes: Any) -> dict[str, Any]:
    fake.add_task(STREAM, TASK)
    data = fake.snapshot()
    update = {"Status": "IN_PROGRESS", "ProgressPercent": 5, "UpdateDateTime": 1.0, "NextUpdateSeconds": 60, **changes}
    data["accounts"]["123456789012"]["migrationhub"]["streams"][0]["tasks"][0]["updates"] = [update]
    return data


TASK_PATH = '$.accounts["123456789012"].migrationhub.streams[0].tasks[0]'


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"ProgressPercent": 150}, "$.Task.ProgressPercent: 150 is greater than the maximum of 100"),
        (
            {"Status": "DONE"},
            "$.Task.Status: 'DONE' is not one of ['NOT_STARTED', 'IN_PROGRESS', 'FAILED', 'COMPLETED']",
        ),
        ({"NextUpdateSeconds": -1}, "$.NextUpdateSeconds: -1 is less than the minimum of 0"),
    ],
)
def test_a_value_the_service_would_refuse_stops_the_load_and_changes_nothing(
    mhub_fake: MigrationHubFake, changes: dict[str, Any], problem: str
) -> None:
    message = _loaded_unchanged(mhub_fake, _with_update(mhub_fake, **changes))
    assert message.startswith(f"restore(): {TASK_PATH}.updates[0]: ")
    assert problem in message
    assert message.endswith("(as NotifyMigrationTaskState would refuse it); nothing was loaded.")


def test_a_name_off_its_pattern_an_unknown_member_or_another_version_stop_the_load(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.add_task(STREAM, TASK)
    data = mhub_fake.snapshot()
    data["accounts"]["123456789012"]["migrationhub"]["streams"][0]["tasks"][0]["name"] = "a:b"
    assert _loaded_unchanged(mhub_fake, data).startswith(f"restore(): {TASK_PATH}.name: $.MigrationTaskName: 'a:b'")
    data = mhub_fake.snapshot()
    data["accounts"]["123456789012"]["migrationhub"]["streams"][0]["colour"] = "red"
    assert _loaded_unchanged(mhub_fake, data) == (
        'restore(): $.accounts["123456789012"].migrationhub.streams[0].colour: is not part of the format '
        "(it takes name, deleted_at, tasks); nothing was loaded."
    )
    data = {**mhub_fake.snapshot(), "version": 2}
    assert _loaded_unchanged(mhub_fake, data) == (
        "restore(): $.version: is 2; this pytest-migrationhub reads version 1: load it with the release that "
        "saved it, or save it again; nothing was loaded."
    )
    assert (
        _loaded_unchanged(mhub_fake, [1, 2]) == "restore(): $: a scenario is an object; got a list; nothing was loaded."
    )


def test_an_error_deep_in_the_last_account_changes_nothing_of_the_first(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.add_task("Mine", "mine")
    data = _with_update(MigrationHubFake(), ProgressPercent=101)
    data["accounts"] = {OTHER: data["accounts"]["123456789012"], **data["accounts"]}
    _loaded_unchanged(mhub_fake, data)
    assert mhub_fake.streams == ["Mine"]


# --- one account among several -------------------------------------------------------------------


def test_reset_snapshot_and_restore_act_on_one_account_only(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.add_task("Mine", "mine")
    mhub_fake.add_task("Theirs", "theirs", account=OTHER)
    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException")
    mine = mhub_fake.snapshot(account="123456789012")
    assert list(mine["accounts"]) == ["123456789012"]
    mhub_fake.reset(account=OTHER)
    assert (mhub_fake.streams, mhub_fake.account(OTHER).streams) == (["Mine"], [])
    assert len(mhub_fake.faults) == 1  # the rest, faults included, stays
    mhub_fake.clear_faults()
    # A scenario of one account loads into the account asked for, the others untouched.
    mhub_fake.restore(mine, account=OTHER)
    assert mhub_fake.account(OTHER).streams == ["Mine"]
    mhub_fake.add_task("Later", "later")
    mhub_fake.restore(mine, account="123456789012")
    assert (mhub_fake.streams, mhub_fake.account(OTHER).streams) == (["Mine"], ["Mine"])


def test_restoring_an_account_a_scenario_of_several_lacks_is_refused(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.add_task("Theirs", "theirs", account=OTHER)
    data = mhub_fake.snapshot()
    with pytest.raises(ScenarioError) as raised:
        mhub_fake.restore(data, account="444455556666")
    assert str(raised.value) == (
        "restore(): $.accounts: holds no account '444455556666' (it holds 123456789012, 111122223333); "
        "nothing was loaded."
    )


# --- times ---------------------------------------------------------------------------------------------


def test_staleness_reads_against_the_clock_of_the_test_that_loads(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    from freezegun import freeze_time

    with freeze_time("2026-01-01 00:00:00"):
        mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
        mgh.import_migration_task(**ids())
        mgh.notify_migration_task_state(
            **ids(Task={"Status": "IN_PROGRESS"}), UpdateDateTime=datetime.now(timezone.utc), NextUpdateSeconds=60
        )
        data = mhub_fake.snapshot()
    loaded = MigrationHubFake()
    loaded.restore(data)
    with freeze_time("2026-01-01 00:00:30"):
        assert loaded.stale_tasks() == []
    with freeze_time("2026-01-01 00:05:00"):
        assert loaded.stale_tasks() == [(STREAM, TASK)]


# --- generated states ------------------------------------------------------------------------------

_NAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,8}", fullmatch=True)
_UPDATES = st.lists(
    st.fixed_dictionaries(
        {"Status": st.sampled_from(["NOT_STARTED", "IN_PROGRESS", "FAILED", "COMPLETED"])},
        optional={
            "ProgressPercent": st.integers(0, 100),
            "StatusDetail": st.from_regex(r"[ -~é]{0,20}", fullmatch=True),
        },
    ).map(lambda task: (task, 1_700_000_000.5, 60)),
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(estate=st.dictionaries(_NAMES, st.dictionaries(_NAMES, _UPDATES, max_size=3), max_size=3))
def test_any_estate_survives_the_round_trip(estate: dict[str, dict[str, list[Any]]]) -> None:
    with mock_migrationhub(stream_deletion_seconds=0) as fake:
        for stream, tasks in estate.items():
            fake.add_stream(stream)
            for task, updates in tasks.items():
                fake.add_task(stream, task)
                for state, when, seconds in updates:
                    body = {**ids(Task=state), "UpdateDateTime": when, "NextUpdateSeconds": seconds}
                    body.update(ProgressUpdateStream=stream, MigrationTaskName=task)
                    target = "AWSMigrationHub.NotifyMigrationTaskState"
                    status, _, _ = fake.handle(target, json.dumps(body), {"Authorization": auth("us-west-2")})
                    assert status == 200
        data = json.loads(json.dumps(fake.snapshot()))
    other = MigrationHubFake()
    other.restore(data)
    assert other.snapshot() == data
    assert [(t.stream, t.name, t.updates) for t in other.tasks()] == [
        (t.stream, t.name, t.updates) for t in fake.tasks()
    ]


# --- found unchecked by mutating the code ----------------------------------------


HOME_ACCOUNT = "123456789012"


def _refused(fake: MigrationHubFake, data: Any) -> str:
    before = fake.snapshot()
    with pytest.raises(ScenarioError) as raised:
        fake.restore(data)
    assert fake.snapshot() == before
    return str(raised.value)


def test_a_stream_name_the_service_would_refuse_stops_the_load(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.add_task(STREAM, TASK)
    data = mhub_fake.snapshot()
    data["accounts"][HOME_ACCOUNT]["migrationhub"]["streams"][0]["name"] = "a/b"
    assert _refused(mhub_fake, data) == (
        f'restore(): $.accounts["{HOME_ACCOUNT}"].migrationhub.streams[0].name: $.ProgressUpdateStreamName: '
        "'a/b' does not match '^(?:[^/:|\\\\000-\\\\037]+)$' (as CreateProgressUpdateStream would refuse it); "
        "nothing was loaded."
    )


def test_a_member_of_the_wrong_kind_stops_the_load(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.add_task(STREAM, TASK)
    data = {**mhub_fake.snapshot(), "accounts": []}
    assert _refused(mhub_fake, data) == "restore(): $.accounts: must be an object; got a list; nothing was loaded."
    data = mhub_fake.snapshot()
    data["accounts"][HOME_ACCOUNT]["home_control"]["RequestedTime"] = "soon"
    assert _refused(mhub_fake, data) == (
        f'restore(): $.accounts["{HOME_ACCOUNT}"].home_control.RequestedTime: '
        'must be a whole number or a number; got "soon"; nothing was loaded.'
    )


def test_an_account_id_that_is_not_12_digits_stops_the_load(mhub_fake: MigrationHubFake) -> None:
    data = mhub_fake.snapshot()
    data["accounts"] = {"12": data["accounts"][HOME_ACCOUNT]}
    assert _refused(mhub_fake, data) == (
        'restore(): $.accounts["12"]: an AWS account ID is 12 digits; nothing was loaded.'
    )


def test_a_snapshot_of_one_account_carries_only_its_own_access_keys(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.add_account(OTHER, access_key_id="AKIAOTHER")
    mhub_fake.add_account("444455556666", access_key_id="AKIATHIRD")
    assert mhub_fake.snapshot(account=OTHER)["access_keys"] == {"AKIAOTHER": OTHER}
    assert mhub_fake.snapshot(account=HOME_ACCOUNT)["access_keys"] == {}
    assert mhub_fake.snapshot()["access_keys"] == {"AKIAOTHER": OTHER, "AKIATHIRD": "444455556666"}


def test_scenario_error_is_named_as_the_package_exports_it() -> None:
    assert (ScenarioError.__module__, ScenarioError.__qualname__) == ("pytest_migrationhub", "ScenarioError")


def test_a_task_s_associations_have_their_documented_keys(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    mhub_fake.add_discovered_resource(SERVER)
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    mgh.import_migration_task(**ids())
    mgh.associate_created_artifact(**ids(CreatedArtifact={"Name": ARN}))
    mgh.associate_discovered_resource(**ids(DiscoveredResource={"ConfigurationId": SERVER}))
    [task] = mhub_fake.snapshot()["accounts"][HOME_ACCOUNT]["migrationhub"]["streams"][0]["tasks"]
    assert task == {
        "name": TASK,
        "created_artifacts": [{"Name": ARN}],
        "discovered_resources": [{"ConfigurationId": SERVER}],
    }


@requires("AssociateSourceResource")
def test_a_hand_written_scenario_s_source_resources_load(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    data = mhub_fake.snapshot()
    data["accounts"][HOME_ACCOUNT]["migrationhub"] = {
        "streams": [{"name": STREAM, "tasks": [{"name": TASK, "source_resources": [{"Name": "vm-1"}]}]}]
    }
    mhub_fake.restore(data)
    assert mgh.list_source_resources(**ids())["SourceResourceList"] == [{"Name": "vm-1"}]


def test_an_account_that_is_not_an_object_stops_the_load(mhub_fake: MigrationHubFake) -> None:
    data = mhub_fake.snapshot()
    data["accounts"][HOME_ACCOUNT] = []
    assert _refused(mhub_fake, data) == (
        f'restore(): $.accounts["{HOME_ACCOUNT}"]: an account is an object; got a list; nothing was loaded.'
    )


def test_an_access_key_of_an_account_the_scenario_lacks_stops_the_load(mhub_fake: MigrationHubFake) -> None:
    data = {**mhub_fake.snapshot(), "access_keys": {"AKIAX": "999999999999"}}
    assert _refused(mhub_fake, data) == (
        'restore(): $.access_keys.AKIAX: names the account "999999999999", which the scenario lacks; '
        "nothing was loaded."
    )


def test_a_task_listed_twice_in_a_stream_stops_the_load(mhub_fake: MigrationHubFake) -> None:
    mhub_fake.add_task(STREAM, TASK)
    data = mhub_fake.snapshot()
    tasks = data["accounts"][HOME_ACCOUNT]["migrationhub"]["streams"][0]["tasks"]
    tasks.append(dict(tasks[0]))
    assert _refused(mhub_fake, data) == (
        f'restore(): $.accounts["{HOME_ACCOUNT}"].migrationhub.streams[0].tasks[1].name: '
        f"the task {TASK!r} is listed twice in the stream; nothing was loaded."
    )


@pytest.mark.parametrize("update", ["10%", {"Status": "IN_PROGRESS", "Colour": "red"}])
def test_an_update_that_is_not_an_update_stops_the_load(mhub_fake: MigrationHubFake, update: Any) -> None:
    mhub_fake.add_task(STREAM, TASK)
    data = mhub_fake.snapshot()
    data["accounts"][HOME_ACCOUNT]["migrationhub"]["streams"][0]["tasks"][0]["updates"] = [update]
    assert _refused(mhub_fake, data) == (
        f'restore(): $.accounts["{HOME_ACCOUNT}"].migrationhub.streams[0].tasks[0].updates[0]: an update is an '
        "object of Status, StatusDetail, ProgressPercent, UpdateDateTime and NextUpdateSeconds; nothing was loaded."
    )
