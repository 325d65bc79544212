"""The parts of the documentation that are made from the code, at every build, so they cannot drift.

* ``_generated/operations.md``: every operation botocore models for the served services,
  served or not, with its paginator, from the service table and the wings' handlers;
* ``_generated/options.md``: the options, from the plugin's declaration (``plugin.OPTIONS``);
* ``_generated/control-api.md``: the control API's routes, from their declarations
  (``ROUTES``: the method, the fields from the handler's signature, its docstring);
* ``_generated/timeline.svg``: a task's progress, drawn from a real fake's records.

Each ``*_table()`` function returns the Markdown; the tests compare it with the code too.
"""

from __future__ import annotations

import inspect
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

GENERATED = Path(__file__).parent.parent / "_generated"


def operations_table() -> str:
    """Each service's operations, served or not, and the paginator botocore ships for it."""
    from botocore import xform_name
    from botocore.session import Session

    from pytest_migrationhub._core import ALL_SERVICES, served

    handlers, session = served(), Session()
    rows = ["| service | operation | status | paginator |", "|---|---|---|---|"]
    for service in ALL_SERVICES:
        model = session.get_service_model(service.name)
        client = session.create_client(
            service.name, region_name="us-west-2", aws_access_key_id="docs", aws_secret_access_key="docs"
        )
        for name in sorted(model.operation_names):
            status = "served" if name in handlers else "not served"
            paginator = f"`{xform_name(name)}`" if client.can_paginate(xform_name(name)) else ""
            rows.append(f"| {service.name} | {name} | {status} | {paginator} |")
    return "\n".join(rows) + "\n"


def options_table() -> str:
    """The fake's options: marker keyword and ``mock_migrationhub()`` argument, ini option, default."""
    from pytest_migrationhub.plugin import OPTIONS

    rows = ["| option | ini option | default | what it does |", "|---|---|---|---|"]
    for key, (ini, default, _kind, help_text) in OPTIONS.items():
        shown = "none" if default in ("", None) else f"`{default}`"
        rows.append(f"| `{key}` | `{ini}` | {shown} | {help_text} |")
    return "\n".join(rows) + "\n"


def control_api_table() -> str:
    """The control API's routes: what each takes and what it does."""
    from pytest_migrationhub._server import ROUTES

    rows = ["| route | takes | what it does |", "|---|---|---|"]
    for route in ROUTES.values():
        names = list(route.fields)
        if not names and not route.document:
            taken = ""
        elif route.method == "GET" or route.document:
            taken = "`?" + "&".join(f"{n}=" for n in names) + "`" if names else ""
            if route.document:
                taken = (taken + " and " if taken else "") + "the scenario as the body"
        else:
            taken = "`{" + ", ".join(f'"{n}"' for n in names) + "}`"
        doc = inspect.getdoc(route.handler) or ""
        rows.append(f"| `{route.label}` | {taken} | {doc.splitlines()[0] if doc else ''} |")
    return "\n".join(rows) + "\n"


def timeline_svg() -> str:
    """A task's progress as a real fake recorded it: a replication of three disks, then a cut-over."""
    from pytest_migrationhub import MigrationHubFake

    fake = MigrationHubFake()
    fake.add_task("CloudMigrationFactory", "web01")
    start = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)
    steps = [(0, 0, "Replicating disk 1 of 3"), (9, 33, "Replicating disk 2 of 3"), (21, 66, "Replicating disk 3 of 3")]
    steps += [(34, 90, "Cutting over"), (40, 100, "Done")]
    for minutes, percent, detail in steps:
        status = "COMPLETED" if percent == 100 else "IN_PROGRESS"
        body = {
            "ProgressUpdateStream": "CloudMigrationFactory",
            "MigrationTaskName": "web01",
            "Task": {"Status": status, "ProgressPercent": percent, "StatusDetail": detail},
            "UpdateDateTime": (start + timedelta(minutes=minutes)).timestamp(),
            "NextUpdateSeconds": 900,
        }
        answer = fake.handle("AWSMigrationHub.NotifyMigrationTaskState", json.dumps(body).encode(), _scope())
        assert answer[0] == 200, answer
    return _draw(fake.task("CloudMigrationFactory", "web01").updates, start)


def _scope() -> dict[str, str]:
    return {"Authorization": "AWS4-HMAC-SHA256 Credential=docs/20260101/us-west-2/mgh/aws4_request, Signature=0"}


def _draw(updates: list[Any], start: datetime) -> str:
    width, height, left, top, bottom = 640, 240, 48, 16, 40
    span = max((u.update_date_time - start).total_seconds() for u in updates) or 1

    def x(u: Any) -> float:
        return left + (u.update_date_time - start).total_seconds() / span * (width - left - 16)

    def y(percent: int) -> float:
        return top + (1 - percent / 100) * (height - top - bottom)

    points = " ".join(f"{x(u):.1f},{y(u.progress_percent):.1f}" for u in updates)
    dots = "".join(
        f'<circle cx="{x(u):.1f}" cy="{y(u.progress_percent):.1f}" r="4" fill="#2563eb">'
        f"<title>{u.update_date_time:%H:%M} {u.status} {u.progress_percent}%: {u.status_detail}</title></circle>"
        for u in updates
    )
    labels = "".join(
        f'<text x="{x(u):.1f}" y="{height - 22}" font-size="11" text-anchor="middle">{u.update_date_time:%H:%M}</text>'
        for u in updates
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'role="img" aria-label="The progress of task web01 over 40 minutes, from 0% to 100% in five updates">'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<line x1="{left}" y1="{y(0)}" x2="{width - 16}" y2="{y(0)}" stroke="#888"/>'
        f'<line x1="{left}" y1="{y(0)}" x2="{left}" y2="{y(100)}" stroke="#888"/>'
        f'<text x="6" y="{y(100) + 4}" font-size="11">100%</text><text x="14" y="{y(0) + 4}" font-size="11">0%</text>'
        f'<polyline points="{points}" fill="none" stroke="#2563eb" stroke-width="2"/>{dots}{labels}'
        f'<text x="{left}" y="{height - 6}" font-size="11">CloudMigrationFactory / web01, as mhub_fake.task().updates holds it</text>'
        "</svg>\n"
    )


def write_all() -> None:
    """Write every generated file (only when its content changed, so rebuilds stay incremental)."""
    GENERATED.mkdir(exist_ok=True)
    for name, content in (
        ("operations.md", operations_table()),
        ("options.md", options_table()),
        ("control-api.md", control_api_table()),
        ("timeline.svg", timeline_svg()),
    ):
        path = GENERATED / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")


def _on_builder_inited(app: Any) -> None:
    write_all()


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
