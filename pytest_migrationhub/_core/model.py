"""What botocore's service models say about the services the fake serves.

Everything here is derived from the installed models, loaded once per process
on first use: operation names, wire targets, input schemas, modelled errors and
their HTTP status.
"""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass, field
from typing import Any

from botocore import xform_name
from botocore.session import Session

from .errors import MigrationHubFakeError
from .schema import Check, Schema, compile_check, explain, explainer, operation_schema
from .services import BY_NAME, SERVICES, Service


@dataclass
class Operation:
    service: str
    name: str
    python_name: str
    target: str
    schema: Schema
    check: Check
    #: modelled error code -> HTTP status
    errors: dict[str, int]
    #: the service's row: its choices where the services differ
    rules: Service
    #: the largest MaxResults the model allows: the page size when a request names none
    page_size: int = 100
    _explainer: Any = field(default=None, repr=False)

    def explain(self, body: Any) -> str:
        """Say which rules of the schema ``body`` breaks, naming the operation."""
        if self._explainer is None:
            self._explainer = explainer(self.schema)
        return f"{self.name}: " + "; ".join(explain(self._explainer, body))


@dataclass
class Catalog:
    #: "Target.Operation" -> Operation
    by_target: dict[str, Operation]
    #: operation name (every service) -> Operation
    by_name: dict[str, Operation]
    #: every error shape of each service -> HTTP status
    service_errors: dict[str, dict[str, int]]
    #: botocore's model of each service, for what an answer may hold
    models: dict[str, Any] = field(default_factory=dict)

    def models_member(self, service: str, shape: str, member: str) -> bool:
        """Whether the installed botocore models ``member`` of ``shape`` (a structure's member or an
        enum's value): an answer holds only what the SDK reading it knows."""
        found = self.models[service].shape_for(shape)
        return member in (found.members if found.type_name == "structure" else (found.enum or ()))

    def lookup(self, name: str) -> Operation | None:
        """Find an operation by its API name or its boto3 method name."""
        op = self.by_name.get(name)
        if op is None:
            for candidate in self.by_name.values():
                if candidate.python_name == name:
                    return candidate
        return op

    def unknown(self, name: str) -> str:
        """What to say of a name that is no operation: the closest one, or all of them."""
        names = sorted(self.by_name)
        close = difflib.get_close_matches(name, names, n=1)
        return f"Did you mean {close[0]!r}?" if close else f"Use one of: {', '.join(names)}."


def _status_of(shape: Any) -> int:
    code = shape.metadata.get("error", {}).get("httpStatusCode")
    if code:
        return int(code)
    # "fault" (a server-side error) is not among botocore's metadata attributes.
    return 500 if shape._shape_model.get("fault") else 400


_lock = threading.Lock()
_catalog: Catalog | None = None


def catalog() -> Catalog:
    """The operations of the served services, built once per process."""
    global _catalog
    if _catalog is None:
        with _lock:
            if _catalog is None:
                _catalog = _build()
    return _catalog


def _build() -> Catalog:
    session = Session()
    by_target: dict[str, Operation] = {}
    by_name: dict[str, Operation] = {}
    service_errors: dict[str, dict[str, int]] = {}
    models: dict[str, Any] = {}
    for service, prefix in SERVICES.items():
        model = models[service] = session.get_service_model(service)
        errors: dict[str, int] = {}
        for op_name in model.operation_names:
            op_model = model.operation_model(op_name)
            op_errors = {shape.name: _status_of(shape) for shape in op_model.error_shapes}
            errors.update(op_errors)
            schema = operation_schema(op_model)
            op = Operation(
                service=service,
                name=op_name,
                python_name=xform_name(op_name),
                target=f"{prefix}.{op_name}",
                schema=schema,
                check=compile_check(schema),
                errors=op_errors,
                page_size=schema["properties"].get("MaxResults", {}).get("maximum", 100),
                rules=BY_NAME[service],
            )
            by_target[op.target] = op
            by_name[op_name] = op
        service_errors[service] = errors
    return Catalog(by_target, by_name, service_errors, models)


def request_schema(operation: str) -> Schema:
    """Return the JSON Schema the fake validates ``operation``'s request body with.

    ``operation`` is an API name (``"NotifyMigrationTaskState"``) or a boto3
    method name (``"notify_migration_task_state"``) of Migration Hub, of the
    Migration Hub home-region service or of Application Discovery Service.
    """
    import copy

    op = catalog().lookup(operation)
    if op is None:
        raise MigrationHubFakeError(
            f"No Migration Hub operation is called {operation!r}. {catalog().unknown(operation)}"
        )
    return copy.deepcopy(op.schema)
