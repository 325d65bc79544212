#!/usr/bin/env python
"""Server mode: NotifyMigrationTaskState requests per second over keep-alive HTTP
on loopback, against a baseline of the same HTTP server answering a constant
``{}``, measured in one run.

    python benchmarks/bench_server.py              # about 5-15 s
    python benchmarks/bench_server.py --quick      # about 2-5 s, noisier

Both servers are ``pytest_migrationhub``'s ``MigrationHubServer`` on 127.0.0.1
with an ephemeral port; the baseline's answer function returns ``200 {}`` with
the same headers instead of calling the fake. One client process (as an SDK
would be), ``http.client``, one kept-alive connection per server, one request
at a time. Rounds alternate between the two,
their order flipping each round, after a warm-up; the figures are medians.
Bounded in count (``--rounds`` x ``--requests``) and in time (``--max-seconds``).
Then two lifecycle figures: how long ``stop()`` takes with two connections open,
and how soon a client that sends nothing gets its 408 from a server whose
timeout is 0.3 s.
No address but 127.0.0.1 is used; no fake is started (nothing in-process is
intercepted).
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

from pytest_migrationhub import MigrationHubFake, MigrationHubServer

STREAM, TASK = "SMS", "sms-12de3cf1a"
#: The API reference's sample NotifyMigrationTaskState request, as it travels.
BODY = json.dumps(
    {
        "ProgressUpdateStream": STREAM,
        "MigrationTaskName": TASK,
        "Task": {
            "Status": "IN_PROGRESS",
            "StatusDetail": "Migration: Copying image data",
            "ProgressPercent": 77,
        },
        "UpdateDateTime": 1493660853,
        "NextUpdateSeconds": 60,
    }
).encode()
HEADERS = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "AWSMigrationHub.NotifyMigrationTaskState",
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=testing/20240101/us-west-2/mgh/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0"
    ),
    "X-Amz-Date": "20240101T000000Z",
    "User-Agent": "bench_server",
}
CONSTANT: tuple[int, dict[str, str], bytes] = (
    200,
    {"x-amzn-RequestId": "00000000-0000-0000-0000-000000000000", "Content-Type": "application/x-amz-json-1.1"},
    b"{}",
)


def constant_answer(target: str, body: bytes, headers: Any) -> tuple[int, dict[str, str], bytes]:
    return CONSTANT


#: The client, run in its own process (as an SDK would be), so that the
#: server's process spends its time on serving only.
CLIENT = r"""
import http.client, json, sys, time

config = json.loads(sys.argv[1])
body = config["body"].encode()
headers = config["headers"]


def timed_round(conn, n):
    start = time.perf_counter()
    for _ in range(n):
        conn.request("POST", "/", body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if response.status != 200 or data != b"{}":
            raise SystemExit(f"unexpected answer {response.status} {data[:200]!r}")
    return n / (time.perf_counter() - start)


conns = {name: http.client.HTTPConnection("127.0.0.1", port, timeout=30)
         for name, port in config["ports"].items()}
for conn in conns.values():  # warm-up: connection, caches, the schema check
    timed_round(conn, config["warmup"])
rates = {name: [] for name in conns}
order = list(conns)
deadline = time.monotonic() + config["max_seconds"]
for i in range(config["rounds"]):
    if time.monotonic() > deadline:
        break
    for name in (order if i % 2 == 0 else order[::-1]):
        rates[name].append(timed_round(conns[name], config["requests"]))
for conn in conns.values():
    conn.close()
print(json.dumps(rates))
"""


def lifecycle_figures() -> tuple[float, float]:
    """Seconds ``stop()`` takes with an idle and a kept-alive connection open, and
    seconds until a silent client's 408 arrives (server timeout 0.3 s)."""
    server = MigrationHubServer(MigrationHubFake(), answer=constant_answer).start()
    idle = socket.create_connection((server.host, server.port), timeout=30)
    kept = http.client.HTTPConnection(server.host, server.port, timeout=30)
    kept.request("POST", "/", body=BODY, headers=HEADERS)
    kept.getresponse().read()
    started = time.perf_counter()
    server.stop()
    stopping = time.perf_counter() - started
    idle.close()
    kept.close()
    with MigrationHubServer(MigrationHubFake(), timeout=0.3) as quiet:
        started = time.perf_counter()
        with socket.create_connection((quiet.host, quiet.port), timeout=30) as silent:
            while silent.recv(65536):
                pass
        answered = time.perf_counter() - started
    return stopping, answered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per server (default 7; quick 3)")
    parser.add_argument("--requests", type=int, default=None, help="requests per round (default 2000; quick 500)")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="start no round after this")
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 7)
    per_round = args.requests or (500 if args.quick else 2000)
    if not (1 <= rounds <= 100 and 1 <= per_round <= 100_000):
        parser.error("--rounds must be 1-100 and --requests 1-100000")

    fake = MigrationHubFake()  # never started: the server calls fake.handle directly
    fake.add_task(STREAM, TASK)
    servers = {
        "fake": MigrationHubServer(fake).start(),
        "baseline": MigrationHubServer(MigrationHubFake(), answer=constant_answer).start(),
    }
    config = {
        "ports": {name: server.port for name, server in servers.items()},
        "body": BODY.decode(),
        "headers": HEADERS,
        "warmup": min(200, per_round),
        "rounds": rounds,
        "requests": per_round,
        "max_seconds": args.max_seconds,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", CLIENT, json.dumps(config)],
            capture_output=True,
            text=True,
            timeout=args.max_seconds + 60,
        )
    finally:
        for server in servers.values():
            server.stop()
    if done.returncode != 0:
        print(done.stdout + done.stderr, file=sys.stderr)
        return 1
    rates: dict[str, list[float]] = json.loads(done.stdout)
    if len(rates["fake"]) < rounds:
        print(f"note: stopped after {len(rates['fake'])} rounds (--max-seconds {args.max_seconds:g})")

    fake_rate = statistics.median(rates["fake"])
    base_rate = statistics.median(rates["baseline"])
    updates = len(fake.task(STREAM, TASK).updates)
    print(
        f"Server mode: NotifyMigrationTaskState over keep-alive HTTP on 127.0.0.1 "
        f"({len(rates['fake'])} rounds x {per_round} requests, median)"
    )
    print(f"  fake      {fake_rate:9.0f} req/s  ({1e6 / fake_rate:6.1f} us/request)")
    print(f"  baseline  {base_rate:9.0f} req/s  ({1e6 / base_rate:6.1f} us/request; same server, constant {{}})")
    print(f"  ratio fake/baseline (rates)  {fake_rate / base_rate:.2f}")
    print(f"  the fake's own cost per Notify  {1e6 / fake_rate - 1e6 / base_rate:.1f} us")
    print(f"  updates recorded: {updates} (every request, warm-up included)")
    stopping, answered = lifecycle_figures()
    print(f"  stop() with 2 connections open  {stopping * 1e3:.1f} ms")
    print(f"  408 to a silent client, timeout 0.3 s  after {answered:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
