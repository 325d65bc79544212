"""The records a test reads: what a call and an update say of themselves, how they compare, and
what a home region control keeps (each found unchecked by mutating the code)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_migrationhub import MigrationHubFake


def test_an_ordinary_call_and_a_refused_one_are_not_marked_injected(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # _core/records.py:97 Call(..., injected=False): only a fault queued with fail() is injected.
    mgh.list_progress_update_streams()
    with pytest.raises(mgh.exceptions.ClientError):
        mgh.describe_migration_task(ProgressUpdateStream="nope", MigrationTaskName="nope")
    mhub_fake.fail("ListProgressUpdateStreams", "AccessDeniedException", times=1)
    with pytest.raises(mgh.exceptions.ClientError):
        mgh.list_progress_update_streams()
    calls = [c for c in mhub_fake.calls]
    assert [c.injected for c in calls if c.operation == "DescribeMigrationTask"] == [False]
    assert calls[0].injected is False
    assert calls[-1].injected is True


@pytest.mark.mhub_fake(home_region=None)
def test_a_home_region_control_keeps_the_target_as_sent(mhub_fake: MigrationHubFake, make_client: Any) -> None:
    # _core/records.py:68 dict(target or {...}): the account's id is filled in only when no Target is given.
    config = make_client("migrationhub-config", region="eu-west-1")
    created = config.create_home_region_control(HomeRegion="eu-west-1", Target={"Type": "ACCOUNT"})
    assert created["HomeRegionControl"]["Target"] == {"Type": "ACCOUNT"}
    [described] = config.describe_home_region_controls()["HomeRegionControls"]
    assert described["Target"] == {"Type": "ACCOUNT"}


def test_a_call_record_reads_well_and_compares_by_value(mhub_fake: MigrationHubFake, mgh: Any) -> None:
    # _core/records.py:137-150 Call.__repr__/__eq__/__hash__: what an assertion failure shows,
    # and calls compare by what they were.
    mgh.list_progress_update_streams()
    mgh.list_progress_update_streams()
    with pytest.raises(mgh.exceptions.ClientError):
        mgh.describe_migration_task(ProgressUpdateStream="nope", MigrationTaskName="nope")
    first, second, failed = mhub_fake.calls
    assert repr(first) == "<Call ListProgressUpdateStreams us-west-2 ok>"
    assert repr(failed) == "<Call DescribeMigrationTask us-west-2 ResourceNotFoundException>"
    assert first == second
    assert first != failed
    assert (first == "ListProgressUpdateStreams") is False
    with pytest.raises(TypeError):
        hash(first)


def test_an_update_reads_well_and_can_be_hashed(mhub_fake: MigrationHubFake, mgh: Any, sample: dict[str, Any]) -> None:
    # _migrationhub/records.py:56/64/68 Update.__repr__/__eq__/__hash__.
    mgh.create_progress_update_stream(ProgressUpdateStreamName=sample["ProgressUpdateStream"])
    mgh.import_migration_task(
        ProgressUpdateStream=sample["ProgressUpdateStream"], MigrationTaskName=sample["MigrationTaskName"]
    )
    mgh.notify_migration_task_state(**sample)
    mgh.notify_migration_task_state(**sample)
    first, second = mhub_fake.task(sample["ProgressUpdateStream"], sample["MigrationTaskName"]).updates
    assert repr(first) == (
        "Update(status='IN_PROGRESS', status_detail='Migration: Copying image data', progress_percent=77, "
        "update_date_time=datetime.datetime(2017, 5, 1, 17, 47, 33, tzinfo=datetime.timezone.utc), "
        "next_update_seconds=60)"
    )
    assert first == second and len({first, second}) == 1
    assert (first == object()) is False


def test_a_task_reads_well_and_refuses_an_unknown_kind(
    mhub_fake: MigrationHubFake, mgh: Any, sample: dict[str, Any]
) -> None:
    # _migrationhub/records.py:128 MigrationTask.__repr__ and :194 the ValueError of an unknown kind.
    mgh.create_progress_update_stream(ProgressUpdateStreamName=sample["ProgressUpdateStream"])
    mgh.import_migration_task(
        ProgressUpdateStream=sample["ProgressUpdateStream"], MigrationTaskName=sample["MigrationTaskName"]
    )
    mgh.notify_migration_task_state(**sample)
    task = mhub_fake.task(sample["ProgressUpdateStream"], sample["MigrationTaskName"])
    assert repr(task) == "<MigrationTask SMS/sms-12de3cf1a status='IN_PROGRESS' progress=77 updates=1>"
    with pytest.raises(ValueError, match="nothing of kind 'Bogus' is associated with a task"):
        task.associated("Bogus")
