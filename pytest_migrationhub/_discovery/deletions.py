"""StartBatchDeleteConfigurationTask and DescribeBatchDeleteConfigurationTask: servers deleted
on the fake's clock.

A task reads INITIALIZING, VALIDATING and DELETING over ``discovery_task_seconds``
(a third each), then COMPLETED: the servers it names are gone, with their tags,
connections and application memberships.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .._core import Answer, Context, ServiceError, Services, now
from .common import INVALID, TASK_SECONDS, handles, inventory
from .inventory import RESUME, Inventory
from .jobs import DeletionTask, task_uuid

#: the most configuration IDs one task takes
MAX_IDS = 200
#: what a failed deletion's errorStatusCode is, and a warning's warningCode
NOT_FOUND_STATUS = 404
IN_APPLICATION_WARNING = 409


@handles("StartBatchDeleteConfigurationTask")
def start_batch_delete_configuration_task(ctx: Context) -> Answer:
    ids = ctx.body["configurationIds"]
    if len(ids) > MAX_IDS:
        raise ServiceError(
            "LimitExceededException",
            f"StartBatchDeleteConfigurationTask: {len(ids)} configuration IDs; the limit is {MAX_IDS} per request",
        )
    found = inventory(ctx)
    moment = now()
    task = DeletionTask(task_uuid(), list(ids), moment, moment + timedelta(seconds=ctx.services.seconds[TASK_SECONDS]))
    found.deletions[task.task_id] = task
    _schedule(task, found, ctx.services)
    return {"taskId": task.task_id}


def _schedule(task: DeletionTask, inventory: Inventory, services: Services) -> None:
    """Delete the task's servers when it is due (a task held in a scenario is resumed so too)."""
    inventory.schedule(task.due, lambda inventory, when: _delete(task, inventory, when))


RESUME["deletion"] = _schedule


def _delete(task: DeletionTask, inventory: Inventory, moment: datetime) -> None:
    for configuration_id in dict.fromkeys(task.requested):
        if configuration_id not in inventory.discovered:
            task.failed.append(
                {
                    "configurationId": configuration_id,
                    "errorStatusCode": NOT_FOUND_STATUS,
                    "errorMessage": f"No server has the configuration ID {configuration_id!r}",
                }
            )
            continue
        names = [a.name for a in inventory.applications.values() if configuration_id in a.items]
        if names:
            task.warnings.append(
                {
                    "configurationId": configuration_id,
                    "warningCode": IN_APPLICATION_WARNING,
                    "warningText": f"The server belonged to the applications {', '.join(names)}; it was removed",
                }
            )
        inventory.forget_server(configuration_id)
        task.deleted.append(configuration_id)
    task.finished = True


@handles("DescribeBatchDeleteConfigurationTask")
def describe_batch_delete_configuration_task(ctx: Context) -> Answer:
    task = inventory(ctx).deletions.get(ctx.body["taskId"])
    if task is None:
        raise ServiceError(
            INVALID, f"DescribeBatchDeleteConfigurationTask: no deletion task has the ID {ctx.body['taskId']!r}"
        )
    return {"task": task.task_json()}
