"""``python -m pytest_migrationhub schema [OPERATION]``: print what the fake validates."""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pytest_migrationhub")
    commands = parser.add_subparsers(dest="command", required=True)
    schema_cmd = commands.add_parser(
        "schema", help="print the JSON Schema of an operation's request, or list the operations"
    )
    schema_cmd.add_argument(
        "operation", nargs="?", help="e.g. NotifyMigrationTaskState or notify_migration_task_state"
    )
    args = parser.parse_args(argv)

    from . import MigrationHubFakeError, schema
    from ._model import catalog

    if args.operation is None:
        for op in sorted(catalog().by_name.values(), key=lambda o: (o.service, o.name)):
            print(f"{op.service:20} {op.name}")
        return 0
    try:
        print(json.dumps(schema(args.operation), indent=2))
    except MigrationHubFakeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
