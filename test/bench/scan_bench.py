#!/usr/bin/env python3
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
"""How long `portguard-probe scan` takes as the host's socket count grows.

A helper process binds N sockets on 127.0.0.1 (half TCP listeners, half UDP
sockets, ephemeral ports); the probe then scans the whole host passively,
five times per N, and once with --active at the smallest N. Prints a table;
with --json PATH also the data. Run as root to measure the passive read of
every socket's options (scripts/bench.sh --scan-only).

  scan_bench.py --probe build/bench/src/portguard-probe [--counts 1000,10000]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HOLDER = r"""
import resource, socket, sys, time
n = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = n + 64
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(want, soft), max(want, hard)))
socks = []
for i in range(n):
    kind = socket.SOCK_STREAM if i % 2 == 0 else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    if kind == socket.SOCK_STREAM:
        s.listen(1)
    socks.append(s)
print("ready", flush=True)
sys.stdin.read()  # until the bench closes our input (or 10 minutes pass)
"""


def run_scan(probe, *extra):
    start = time.monotonic()
    p = subprocess.run([probe, "scan", "--json", *extra], capture_output=True, text=True,
                       timeout=600)
    wall = time.monotonic() - start
    if p.returncode not in (0, 1):
        raise RuntimeError(f"scan failed with {p.returncode}: {p.stderr.strip()}")
    report = json.loads(p.stdout)
    return wall, report


def measure(probe, n, rounds):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(n)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        if holder.stdout.readline().strip() != "ready":
            raise RuntimeError(f"could not bind {n} sockets")
        walls, inner, listed = [], [], 0
        for _ in range(rounds):
            wall, report = run_scan(probe)
            walls.append(wall)
            inner.append(report["elapsed_ms"] / 1000)
            listed = len(report["sockets"])
            read = sum(1 for s in report["sockets"] if s["how"] == "read")
        return {"sockets_made": n, "sockets_listed": listed, "options_read": read,
                "wall_s": statistics.median(walls), "wall_max_s": max(walls),
                "scan_s": statistics.median(inner)}
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def measure_active(probe, n):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(n)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        holder.stdout.readline()
        wall, report = run_scan(probe, "--active")
        return {"sockets": len(report["sockets"]), "wall_s": wall,
                "rivals": report["summary"]["rivals_tried"],
                "sockets_per_s": len(report["sockets"]) / wall}
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--probe", required=True)
    parser.add_argument("--counts", default="1000,2000,5000,10000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    rows = [measure(args.probe, n, args.rounds) for n in counts]
    active = measure_active(args.probe, counts[0])
    base = rows[0]
    print(f"portguard-probe scan, passive, {'as root' if os.geteuid() == 0 else 'not root'}; "
          f"median of {args.rounds} runs; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(f"{'sockets made':>12}  {'listed':>7}  {'read':>6}  {'whole run s':>11}  "
          f"{'max s':>6}  {'inside s':>8}  {'us/socket':>9}  {'x of ' + str(base['sockets_made']):>9}")
    for r in rows:
        per = 1e6 * r["wall_s"] / r["sockets_listed"]
        print(f"{r['sockets_made']:>12}  {r['sockets_listed']:>7}  {r['options_read']:>6}  "
              f"{r['wall_s']:>11.3f}  {r['wall_max_s']:>6.3f}  {r['scan_s']:>8.3f}  {per:>9.1f}  "
              f"{r['wall_s'] / base['wall_s']:>9.2f}")
    big = rows[-1]
    goal = big["sockets_made"] < 10000 or big["wall_s"] < 2.0
    print(f"goal: 10 000 sockets in < 2 s: {'met' if goal else 'NOT met'} "
          f"({big['wall_s']:.3f} s for {big['sockets_listed']} sockets)")
    print(f"--active, {active['sockets']} sockets: {active['wall_s']:.2f} s, "
          f"{active['rivals']} rival binds, {active['sockets_per_s']:.0f} sockets/s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"passive": rows, "active": active}, f, indent=2)
    return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main())
