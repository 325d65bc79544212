"""``python -m pytest_migrationhub``: ``schema [OPERATION]`` prints what the fake
validates; ``serve`` runs the fake as an HTTP server for clients in any language."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ._core import DEFAULT_HOME_REGION, home_region_option


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``... | head``): nothing more is wanted. Point stdout at
        # devnull so that the flush at exit does not raise again, and stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


def _main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    return _schema(args.operation)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pytest_migrationhub")
    commands = parser.add_subparsers(dest="command", required=True)
    schema_cmd = commands.add_parser(
        "schema", help="print the JSON Schema of an operation's request, or list the operations"
    )
    schema_cmd.add_argument("operation", nargs="?", help="e.g. NotifyMigrationTaskState or notify_migration_task_state")
    _add_serve_command(commands)
    return parser


def _add_serve_command(commands: Any) -> None:
    serve_cmd = commands.add_parser(
        "serve",
        help="run the fake as an HTTP endpoint speaking AWS JSON 1.1 (stop with Ctrl-C or SIGTERM)",
        description=(
            "Run an in-memory Migration Hub at http://HOST:PORT for the AWS CLI and any SDK "
            "(--endpoint-url), with a JSON control API under /mhub-api/. Prints the endpoint "
            "once it is listening; stops cleanly on Ctrl-C or SIGTERM."
        ),
    )
    serve_cmd.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; anything but loopback is reachable by others)",
    )
    serve_cmd.add_argument("--port", type=int, default=0, help="port to listen on (default 0: any free port)")
    serve_cmd.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help=(
            "answer requests whose Host header names NAME (any port), besides localhost, 127.0.0.1, "
            "[::1] and the address listened on; repeatable; '*' answers any name"
        ),
    )
    serve_cmd.add_argument(
        "--home-region",
        default=DEFAULT_HOME_REGION,
        help=f"the account's home region (default {DEFAULT_HOME_REGION}; 'none' leaves it unset)",
    )
    serve_cmd.add_argument(
        "--state",
        metavar="PATH",
        help=(
            "a scenario file: loaded at start when it exists, written at stop (Ctrl-C, SIGTERM), "
            "atomically, so that the fake keeps its state across restarts"
        ),
    )
    serve_cmd.add_argument("-v", "--verbose", action="store_true", help="log every request on stderr")


def _schema(operation: str | None) -> int:
    """Print the schema of ``operation``, or list the operations of both services."""
    from . import MigrationHubFakeError, schema
    from ._core import catalog

    if operation is None:
        for op in sorted(catalog().by_name.values(), key=lambda o: (o.service, o.name)):
            print(f"{op.service:20} {op.name}")
        return 0
    try:
        print(json.dumps(schema(operation), indent=2))
    except MigrationHubFakeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _existing(path: str | None) -> str | None:
    """``--state PATH`` when there is a file there to load."""
    return path if path and os.path.exists(path) else None


def _serve(args: argparse.Namespace) -> int:
    import signal
    import threading

    from . import MigrationHubFakeError
    from ._fake import MigrationHubFake
    from ._server import MigrationHubServer, loopback_warning

    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    # Before listening: a signal sent as soon as the endpoint is printed must find them.
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        home_region = home_region_option(args.home_region)
        try:
            # Never started: nothing in this process needs intercepting.
            fake = MigrationHubFake(home_region=home_region, scenario=_existing(args.state))
            server = MigrationHubServer(
                fake, args.host, args.port, verbose=args.verbose, allowed_hosts=args.allow_host
            ).start()
        except MigrationHubFakeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        except OSError as error:
            print(
                f"error: cannot listen on {args.host}:{args.port}: {error.strerror or error}",
                file=sys.stderr,
            )
            return 1
        try:
            warning = loopback_warning(server.host)
            if warning:
                print(warning, file=sys.stderr, flush=True)
            print(f"Migration Hub fake listening on {server.endpoint_url}", flush=True)
            print(f"Console (read-only, open in a browser): {server.endpoint_url}/", flush=True)
            while not stop.wait(1.0):
                pass
        finally:
            server.stop()
            if args.state:
                fake.save(args.state)
                print(f"State saved to {args.state}", flush=True)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
