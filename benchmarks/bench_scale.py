#!/usr/bin/env python
"""Scale: a fake holding 10,000 tasks with 10 updates each.

    python benchmarks/bench_scale.py                  # the targets below
    python benchmarks/bench_scale.py --tasks 1000     # a smaller fake
    python benchmarks/bench_scale.py --top 15         # where the memory goes

Targets:

1. ``stale_tasks()`` answers within 10 ms (median of repeated calls), with half
   the tasks stale.
2. The fake holds it all (streams, tasks, every update, and the record of every
   call, as ``mhub_fake.calls`` keeps it) in under 30 MB, measured with
   tracemalloc from an empty fake.
3. Scenarios: with 1,000 discovered servers besides, ``snapshot()``,
   ``save()``, ``load()`` and ``restore()`` each take under 1 s (median of a few);
   the file's size is reported. The baseline: ``json.dumps`` and ``json.loads``
   of the same data, the floor of any JSON scenario.

The state is built the way a test builds it: tasks with ``fake.add_task`` and
each update through the fake's wire entry point, ``fake.handle``, with the JSON
body botocore would send (a botocore client per update would take minutes and
measure botocore). Nothing here touches the network. The exit code is 1 if a
target is missed.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
import tracemalloc
from datetime import datetime, timezone
from typing import Any

import botocore

import pytest_migrationhub
from pytest_migrationhub import MigrationHubFake
from pytest_migrationhub._core import catalog

STALE_TARGET_MS = 10.0
MEMORY_TARGET_MB = 30.0
TARGET = "AWSMigrationHub.NotifyMigrationTaskState"
HEADERS = {
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=-/19700101/us-west-2/mgh/aws4_request, SignedHeaders=host, Signature=unsigned"
    )
}


def build(tasks: int, updates: int) -> tuple[MigrationHubFake, float]:
    """A fake holding ``tasks`` tasks of ``updates`` updates each; and the seconds it took."""
    now = datetime.now(timezone.utc).timestamp()
    started = time.perf_counter()
    fake = MigrationHubFake()
    streams = [f"stream-{s}" for s in range(10)]
    names = []
    for t in range(tasks):
        stream, task = streams[t % len(streams)], f"server-{t:05}"
        fake.add_task(stream, task)
        names.append((stream, task))
    for u in range(updates):
        last = u == updates - 1
        for t, (stream, task) in enumerate(names):
            # Half the tasks promise their next update in a minute, half in a day:
            # an hour after the last update, half are stale.
            body = {
                "ProgressUpdateStream": stream,
                "MigrationTaskName": task,
                "Task": {
                    "Status": "IN_PROGRESS",
                    "StatusDetail": f"Replicating disk {u + 1} of {updates}",
                    "ProgressPercent": (u + 1) * 100 // updates,
                },
                "UpdateDateTime": now - 3600 - (updates - u),
                "NextUpdateSeconds": 60 if (t % 2 == 0 or not last) else 86400,
            }
            status, _, raw = fake.handle(TARGET, json.dumps(body).encode(), HEADERS)
            assert status == 200, raw
    return fake, time.perf_counter() - started


def time_stale_tasks(fake: MigrationHubFake, rounds: int) -> list[float]:
    fake.stale_tasks()  # warm-up
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fake.stale_tasks()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main(argv: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=30, help="stale_tasks() calls timed")
    parser.add_argument("--top", type=int, default=8, help="lines of the memory profile shown")
    args = parser.parse_args(argv)

    print(
        f"pytest-migrationhub {pytest_migrationhub.__version__}, botocore {botocore.__version__}, "
        f"Python {platform.python_version()} on {platform.machine()}"
    )
    print(f"{args.tasks} tasks x {args.updates} updates, built through fake.add_task and fake.handle")
    catalog()  # the service models, loaded once per process: not the fake's state
    ok = True

    # 1. stale_tasks(), on a fake built without tracemalloc slowing it down.
    fake, seconds = build(args.tasks, args.updates)
    stale = fake.stale_tasks()
    times = time_stale_tasks(fake, args.rounds)
    median = statistics.median(times)
    passed = median <= STALE_TARGET_MS
    ok &= passed
    print(f"\n1. stale_tasks() within {STALE_TARGET_MS:.0f} ms: {'PASS' if passed else 'FAIL'}")
    print(f"   median {median:.2f} ms, min {min(times):.2f}, max {max(times):.2f} ({args.rounds} calls)")
    print(f"   {len(stale)} of {args.tasks} tasks stale; the fake was built in {seconds:.1f} s")
    del fake, stale
    gc.collect()

    # 2. Memory, from an empty fake to the full one. Snapshots are only looked
    # at once tracing has stopped, so that looking costs nothing here.
    tracemalloc.start(1)
    empty = tracemalloc.get_traced_memory()[0]
    fake, _ = build(args.tasks, args.updates)
    calls = len(fake._store.calls)
    gc.collect()
    full = tracemalloc.get_traced_memory()[0]
    full_snapshot = tracemalloc.take_snapshot()
    # The same state without the record of every call (mhub_fake.calls), for scale.
    fake._store.calls.clear()  # internal: drops the call records only, the state stays
    gc.collect()
    state = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    # All of it, the benchmark's list of task names (~1 MB for 10,000) included.
    held = (full - empty) / 2**20
    state_only = (state - empty) / 2**20
    updates = max(1, args.tasks * args.updates)
    passed = held <= MEMORY_TARGET_MB
    ok &= passed
    print(f"\n2. held in under {MEMORY_TARGET_MB:.0f} MB: {'PASS' if passed else 'FAIL'}")
    print(f"   {held:.1f} MB for {args.tasks} tasks, {updates} updates, {calls} call records")
    print(f"   {held * 2**20 / updates:.0f} bytes per update, all included")
    print(f"   without the call records: {state_only:.1f} MB ({state_only * 2**20 / updates:.0f} bytes per update)")
    print(f"   where it goes (top {args.top} allocation sites, call records included):")
    for stat in full_snapshot.statistics("lineno")[: args.top]:
        frame = stat.traceback[0]
        where = f"{frame.filename.rsplit('/', 2)[-2]}/{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
        print(f"     {stat.size / 2**20:7.1f} MB  {stat.count:>8} blocks  {where}")
    del fake, full_snapshot
    gc.collect()
    ok &= scenarios(args)
    return 0 if ok else 1


SCENARIO_TARGET_S = 1.0


def scenarios(args: argparse.Namespace) -> bool:
    """Target 3: snapshot, save, load and restore of the whole fake, 1,000 servers included."""
    import tempfile
    from pathlib import Path

    fake, _ = build(args.tasks, args.updates)
    for n in range(1000):
        fake.add_discovered_resource(
            f"d-server-0{n:016x}", host_name=f"host-{n}", ip_address=f"10.0.{n // 250}.{n % 250}"
        )
    timings: dict[str, list[float]] = {name: [] for name in ("snapshot", "save", "load", "restore", "dumps", "loads")}

    def timed(name: str, work: Any) -> Any:
        started = time.perf_counter()
        result = work()
        timings[name].append(time.perf_counter() - started)
        return result

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.json"
        for _ in range(3):
            data = timed("snapshot", fake.snapshot)
            timed("save", lambda: fake.save(path))
            timed("load", lambda: MigrationHubFake().load(path))
            timed("restore", lambda data=data: MigrationHubFake().restore(data))
            text = timed("dumps", lambda data=data: json.dumps(data, separators=(",", ":")))
            timed("loads", lambda text=text: json.loads(text))
        size = path.stat().st_size
    medians = {name: statistics.median(values) for name, values in timings.items()}
    passed = all(medians[name] <= SCENARIO_TARGET_S for name in ("snapshot", "save", "load", "restore"))
    print(f"\n3. scenarios, each within {SCENARIO_TARGET_S:.0f} s: {'PASS' if passed else 'FAIL'}")
    print(f"   {args.tasks} tasks x {args.updates} updates and 1000 servers; the file is {size / 2**20:.1f} MB")
    for name in ("snapshot", "save", "load", "restore"):
        print(f"   {name:9} median {medians[name] * 1000:7.0f} ms")
    print(f"   baseline: json.dumps {medians['dumps'] * 1000:.0f} ms, json.loads {medians['loads'] * 1000:.0f} ms")
    return passed


if __name__ == "__main__":
    sys.exit(main())
