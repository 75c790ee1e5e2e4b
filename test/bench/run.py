#!/usr/bin/env python3
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
"""Runs portguard's benchmark and prints one table (and, with --json, the data).

Every figure is a ratio portguard / plain Asio measured in this run, with
the two interleaved (see main.cpp and schedule.hpp); medians are quoted with the
spread of the per-round ratios as [min - max]. Called by scripts/bench.sh.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# --- Helpers -----------------------------------------------------------------

def median(values):
    return statistics.median(values) if values else float("nan")


def ratios(portguard, asio):
    """Per-round ratios portguard / asio, paired by round."""
    return [p / a for p, a in zip(portguard, asio)]


def summary(values):
    return {"median": median(values), "min": min(values), "max": max(values),
            "rounds": values}


def verdict(ratio, goal, higher_is_better):
    """'met', 'missed by x %' or, when the goal lies inside the spread,
    'within noise'."""
    m = ratio["median"]
    if (m >= goal) if higher_is_better else (m <= goal):
        return "met"
    if ratio["min"] <= goal <= ratio["max"]:
        return "within noise (%+.1f %%)" % ((m / goal - 1) * 100)
    return "MISSED by %.1f %%" % (abs(m / goal - 1) * 100)


def run_json(command):
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    compiler = subprocess.run(["c++", "--version"], stdout=subprocess.PIPE,
                              text=True).stdout.splitlines()[0]
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "compiler": compiler,
        "load_average_at_start": os.getloadavg()[0],
    }


# --- 1-3: the benchmark binary -------------------------------------------------

def rate_figure(data, asio="asio", portguard="portguard"):
    """Both clocks: rates per round for each contender, and the ratios."""
    figure = {}
    for clock in ("wall", "cpu"):
        figure[clock] = {
            "asio": summary(data[asio][clock]),
            "portguard": summary(data[portguard][clock]),
            "ratio": summary(ratios(data[portguard][clock], data[asio][clock])),
        }
    return figure


def bench_accept(bench, args):
    data = run_json([bench, "accept", "--connections", str(args.connections),
                     "--rounds", str(args.rounds), "--slices", "10"])
    result = {"connections_per_round": data["connections"], "window": data["window"],
              "rounds": args.rounds}
    for traffic, rounds in data["traffic"].items():
        figure = rate_figure(rounds)
        for clock in ("wall", "cpu"):
            raw = rounds["raw_epoll"][clock]
            figure[clock]["raw_epoll"] = summary(raw)
            figure[clock]["asio_vs_raw"] = summary(ratios(rounds["asio"][clock], raw))
            figure[clock]["portguard_vs_raw"] = summary(ratios(rounds["portguard"][clock], raw))
        # CPU time / elapsed time of each side: a side near 1.0 limits the rate.
        figure["busy"] = {name: {side: median(rounds[name][side + "_busy"])
                                 for side in ("server", "client")}
                          for name in ("raw_epoll", "asio", "portguard")}
        result[traffic] = figure
    return result


def strace_counts(command):
    """System calls by name for one run of command under strace -f -c."""
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(["strace", "-f", "-c", "-U", "name,calls", "-o", out.name] + command,
                       check=True, stdout=subprocess.DEVNULL)
        counts = {}
        for line in out.read().splitlines():
            m = re.match(r"^(\w+)\s+(\d+)$", line.strip())
            if m and m.group(1) != "total":
                counts[m.group(1)] = int(m.group(2))
        return counts


def per_operation_syscalls(bench, what, impl, n=1000):
    """Exact system calls per operation: runs n and 2n operations and divides
    the difference by n, so start-up and shutdown calls cancel out."""
    once = strace_counts([bench, what, impl, str(n)])
    twice = strace_counts([bench, what, impl, str(2 * n)])
    per = {}
    for name in sorted(set(once) | set(twice)):
        diff = twice.get(name, 0) - once.get(name, 0)
        if diff:
            per[name] = diff / n
    return {"total": sum(per.values()), "by_call": per}


def one_setup_cycle(bench, impl):
    """The system calls of one open+bind+listen+close cycle, as strace prints them."""
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(["strace", "-o", out.name, bench, "count-setup", impl, "1"],
                       check=True, stdout=subprocess.DEVNULL)
        lines = out.read().splitlines()
    start = max(i for i, l in enumerate(lines) if l.startswith("socket("))
    fd = re.search(r"= (\d+)$", lines[start]).group(1)
    cycle = []
    for line in lines[start:]:
        line = re.sub(r"data=\{[^}]*\}", "data=...", line)
        cycle.append(re.sub(r"\s+=", " =", line))
        if line.startswith("close(%s)" % fd):
            break
    return cycle


SETUP_GOAL = "Asio + 1 + 5 (guard) + 1 (port 0)"


def bench_setup(bench, args):
    data = run_json([bench, "setup", "--rounds", str(args.rounds * 2)])
    result = {"cycles_per_round": data["cycles"], **rate_figure(data["rates"])}
    if shutil.which("strace"):
        result["syscalls"] = {impl: per_operation_syscalls(bench, "count-setup", impl)
                              for impl in ("asio", "portguard")}
        result["cycle"] = {impl: one_setup_cycle(bench, impl) for impl in ("asio", "portguard")}
    return result


def bench_is_exclusive(bench, args):
    data = run_json([bench, "is_exclusive", "--rounds", str(args.rounds * 2)])
    result = {"calls_per_round": data["calls"], **rate_figure(data["rates"])}
    for clock in ("wall", "cpu"):  # a cost: time per call, portguard / asio
        rounds = data["rates"]
        result[clock]["time_ratio"] = summary(ratios(rounds["asio"][clock],
                                                     rounds["portguard"][clock]))
    if shutil.which("strace"):
        result["syscalls"] = {impl: per_operation_syscalls(bench, "count-is_exclusive", impl)
                              for impl in ("asio", "portguard")}
    return result


# --- 6: the truth check, on an empty and on a crowded host -------------------------

CROWD = 10000  # unrelated bound sockets (UDP, TCP listening, TCP bound) held meanwhile

CROWD_CASES = (
    # (bench, what, count option, count, goal in microseconds or None)
    ("setup", "setup, no conflict", "--cycles", 4000, None),
    ("setup_time_wait", "setup beside a TIME_WAIT entry", "--cycles", 60, 1000.0),
    ("is_exclusive", "secure_acceptor::is_exclusive()", "--calls", 4000, 300.0),
    ("is_exclusive_free", "is_exclusive(socket), no bind proof", "--calls", 60, 300.0),
)


def bench_crowd(bench, args):
    """Microseconds per operation for both contenders, empty host and crowded."""
    result = {"crowd": CROWD}
    for name, _, count_option, count, _ in CROWD_CASES:
        figure = {}
        for crowd in (0, CROWD):
            command = [bench, name, count_option, str(count), "--rounds", "4", "--slices", "4"]
            if crowd:
                command += ["--crowd", str(crowd)]
            rates = run_json(command)["rates"]
            figure["crowded" if crowd else "empty"] = {
                impl: summary([1e6 / r for r in rates[impl]["wall"]])
                for impl in ("asio", "portguard")}
        result[name] = figure
    return result


# --- 4: portguard-probe ----------------------------------------------------------

def find_probe(build_dir):
    for candidate in (os.path.join(build_dir, "src", "portguard-probe"),
                      os.path.join(ROOT, "build", "default", "src", "portguard-probe")):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def bench_probe(bench, probe, runs=15):
    """Wall time of `portguard-probe tcp 127.0.0.1:PORT` (process start to
    exit) against a port held by each acceptor, interleaved."""
    if probe is None:
        return {"available": False}
    holders, ports = {}, {}
    try:
        for impl in ("asio", "portguard"):
            holders[impl] = subprocess.Popen([bench, "hold", impl], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, text=True)
            ports[impl] = int(holders[impl].stdout.readline())
        times = {"asio": [], "portguard": []}
        exits = {}
        for r in range(runs + 1):
            order = ("asio", "portguard") if r % 2 else ("portguard", "asio")
            for impl in order:
                start = time.perf_counter()
                done = subprocess.run([probe, "tcp", "127.0.0.1:%d" % ports[impl]],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      timeout=60)
                elapsed = time.perf_counter() - start
                if impl not in exits or done.returncode not in (0, 1):
                    exits[impl] = done.returncode  # keep the first failure
                if r > 0:  # the first run only warms the page cache
                    times[impl].append(elapsed * 1000)
    finally:
        for holder in holders.values():
            holder.stdin.close()
            holder.wait(timeout=10)
    return {"available": True, "path": os.path.relpath(probe, ROOT), "runs": runs,
            "exit_code": exits,
            "asio": summary(times["asio"]), "portguard": summary(times["portguard"])}


# --- 5: compile time ---------------------------------------------------------------

TU_ASIO = "#include <boost/asio.hpp>\nint main() { return 0; }\n"
TU_PORTGUARD = ("#include <boost/asio.hpp>\n#include <portguard/portguard.hpp>\n"
                "int main() { return 0; }\n")


def cache_value(build_dir, name, fallback):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return fallback


def timed_compile(command):
    """(CPU seconds of the compiler and its children, elapsed seconds)."""
    start = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError("compile failed: " + " ".join(command))
    return usage.ru_utime + usage.ru_stime, elapsed


# The contenders: plain Asio, portguard header-only (the default) and
# portguard built with PORTGUARD_SEPARATE_COMPILATION (its definitions compiled
# once, in the file that includes <portguard/impl/src.hpp>; what every other
# file of the program pays is measured).
COMPILE_UNITS = (("asio", TU_ASIO, []), ("portguard", TU_PORTGUARD, []),
                 ("separate", TU_PORTGUARD, ["-DPORTGUARD_SEPARATE_COMPILATION"]))


def compiler_instructions(command):
    """Instructions the compiler and its children execute for `command`
    (valgrind's cachegrind, no cache simulation), or None without valgrind.
    Unlike CPU time, no other process on the machine can change it."""
    if not shutil.which("valgrind"):
        return None
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes",
                        "--cachegrind-out-file=" + os.path.join(out, "cg.%p"), *command],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        total = 0
        for name in os.listdir(out):
            with open(os.path.join(out, name)) as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("summary:"))
    return total


def bench_compile(build_dir, runs=5):
    compiler = cache_value(build_dir, "CMAKE_CXX_COMPILER", "c++")
    flags = cache_value(build_dir, "CMAKE_CXX_FLAGS_RELEASE", "-O3 -DNDEBUG").split()
    work = os.path.join(build_dir, "compile-time")
    os.makedirs(work, exist_ok=True)
    command = {}
    for impl, text, defines in COMPILE_UNITS:
        path = os.path.join(work, impl + ".cpp")
        with open(path, "w") as f:
            f.write(text)
        command[impl] = [compiler, "-std=c++17", *flags, *defines,
                         "-I", os.path.join(ROOT, "include"), "-c", path, "-o", os.devnull]
    impls = [impl for impl, _, _ in COMPILE_UNITS]
    cpu = {impl: [] for impl in impls}
    wall = {impl: [] for impl in impls}
    for r in range(runs + 1):
        order = impls[r % len(impls):] + impls[:r % len(impls)]
        for impl in (order if r % 2 else order[::-1]):
            c, w = timed_compile(command[impl])
            if r > 0:  # the first round only warms the page cache
                cpu[impl].append(c)
                wall[impl].append(w)
    result = {"runs": runs, "command": " ".join(command["portguard"]).replace(ROOT + "/", "")}
    # What the compiler reads: non-empty preprocessed lines, a figure no
    # other process on the machine can disturb.
    result["preprocessed_lines"] = {}
    for impl, cmd in command.items():
        text = subprocess.run([c for c in cmd if c not in ("-c", "-o", os.devnull)] + ["-E", "-P"],
                              check=True, stdout=subprocess.PIPE, text=True).stdout
        result["preprocessed_lines"][impl] = sum(1 for line in text.splitlines() if line.strip())
    result["instructions"] = {impl: compiler_instructions(cmd) for impl, cmd in command.items()}
    for clock, data in (("cpu", cpu), ("wall", wall)):
        result[clock] = {impl: summary(data[impl]) for impl in impls}
        result[clock]["ratio"] = summary(ratios(data["portguard"], data["asio"]))
        result[clock]["separate_ratio"] = summary(ratios(data["separate"], data["asio"]))
    return result


# --- The table ---------------------------------------------------------------------

def fmt_ratio(r):
    return "%.3f [%.3f-%.3f]" % (r["median"], r["min"], r["max"])


def table(results):
    rows = []

    def row(figure, asio, portguard, ratio, goal, outcome):
        rows.append((figure, asio, portguard, ratio, goal, outcome))

    for traffic, label in (("close", "connect+close"), ("echo", "connect+16 B echo")):
        f = results["accept"][traffic]
        for clock, what in (("wall", "conn/s"), ("cpu", "conn per server CPU-s")):
            c = f[clock]
            row("1 accept, %s, %s" % (label, what),
                "%.0f" % c["asio"]["median"], "%.0f" % c["portguard"]["median"],
                fmt_ratio(c["ratio"]), ">= 0.99", verdict(c["ratio"], 0.99, True))
            row("  raw epoll ceiling: %.0f; Asio/raw, portguard/raw" % c["raw_epoll"]["median"],
                "%.3f" % c["asio_vs_raw"]["median"], "%.3f" % c["portguard_vs_raw"]["median"],
                "", "", "")
    s = results["setup"]
    for clock, what in (("wall", "cycles/s"), ("cpu", "cycles per CPU-s")):
        c = s[clock]
        row("2 setup open+bind+listen+close, %s" % what, "%.0f" % c["asio"]["median"],
            "%.0f" % c["portguard"]["median"], fmt_ratio(c["ratio"]), "", "")
    if "syscalls" in s:
        a, p = s["syscalls"]["asio"]["total"], s["syscalls"]["portguard"]["total"]
        # One setsockopt states exclusivity; the guard on the other address
        # family is a socket, two setsockopt, a bind and a close; with port 0
        # (as here) the guard binds first and one getsockname reads the port
        # the kernel chose, which the socket then binds.
        row("2 setup, system calls per cycle", "%g" % a, "%g" % p, "%+g" % (p - a),
            SETUP_GOAL, "met" if p - a <= 7 else "MISSED by %+g" % (p - a - 7))
    else:
        row("2 setup, system calls per cycle", "n/a", "n/a", "", SETUP_GOAL,
            "strace missing")
    x = results["is_exclusive"]
    for clock, what in (("wall", "ns per call"), ("cpu", "CPU ns per call")):
        c = x[clock]
        row("3 is_exclusive() vs the same check in Asio, %s" % what,
            "%.0f" % (1e9 / c["asio"]["median"]), "%.0f" % (1e9 / c["portguard"]["median"]),
            fmt_ratio(c["time_ratio"]), "", "")
    if "syscalls" in x:
        a = x["syscalls"]["asio"]["by_call"].get("getsockopt", 0)
        p = x["syscalls"]["portguard"]
        row("3 is_exclusive(), system calls per call", "%g getsockopt" % a,
            "%g (%g getsockopt)" % (p["total"], p["by_call"].get("getsockopt", 0)), "", "", "")
    pr = results["probe"]
    if pr["available"] and any(code not in (0, 1) for code in pr["exit_code"].values()):
        row("4 portguard-probe audit of one port", "exit %d" % pr["exit_code"]["asio"],
            "exit %d" % pr["exit_code"]["portguard"], "", "< 50 ms", "FAILED: no audit")
    elif pr["available"]:
        row("4 portguard-probe audit of one port, ms", "%.1f" % pr["asio"]["median"],
            "%.1f" % pr["portguard"]["median"],
            "max %.1f / %.1f" % (pr["asio"]["max"], pr["portguard"]["max"]), "< 50 ms",
            "met" if max(pr["asio"]["median"], pr["portguard"]["median"]) < 50
            else "MISSED")
    else:
        row("4 portguard-probe audit of one port", "not available", "not available", "",
            "< 50 ms", "not available")
    cc = results["compile"]
    lines = cc["preprocessed_lines"]
    instructions = cc.get("instructions", {})
    counted = instructions.get("asio") is not None
    # The goal is judged on the separately compiled row: header-only, every
    # file that includes portguard.hpp also compiles the socket table's code.
    # With valgrind, on the compiler's instructions (no other process changes
    # them); without, on CPU time (elapsed time measures the others).
    for impl, key, label, goal in (
            ("portguard", "ratio", "header-only", ""),
            ("separate", "separate_ratio", "PORTGUARD_SEPARATE_COMPILATION", "<= 1.03")):
        for clock, what in (("cpu", "CPU s"), ("wall", "elapsed s")):
            c = cc[clock]
            judged = clock == "cpu" and goal and not counted
            row("5 compile asio.hpp (+ portguard.hpp %s), %s" % (label, what),
                "%.2f" % c["asio"]["median"], "%.2f" % c[impl]["median"], fmt_ratio(c[key]),
                goal if judged else "", verdict(c[key], 1.03, False) if judged else "")
        if counted:
            ratio = instructions[impl] / instructions["asio"]
            row("5 compile (+ portguard.hpp %s), compiler instructions (M)" % label,
                "%d" % (instructions["asio"] // 10**6), "%d" % (instructions[impl] // 10**6),
                "%.4f" % ratio, goal, ("met" if ratio <= 1.03 else
                                       "MISSED by %.1f %%" % ((ratio / 1.03 - 1) * 100)) if goal else "")
        row("5 compile (+ portguard.hpp %s), preprocessed lines" % label, "%d" % lines["asio"],
            "%d" % lines[impl], "%.4f" % (lines[impl] / lines["asio"]), "", "")

    cr = results.get("crowd")
    if cr:
        for name, what, _, _, goal in CROWD_CASES:
            f = cr[name]
            for host in ("empty", "crowded"):
                a, p = f[host]["asio"]["median"], f[host]["portguard"]["median"]
                label = "6 %s, %s host, us" % (what, "empty" if host == "empty"
                                               else "%d-socket" % cr["crowd"])
                judged = goal is not None
                row(label, "%.1f" % a, "%.1f" % p, "%.2f" % (p / a),
                    "< %g us" % goal if judged else "",
                    ("met" if p < goal else "MISSED (%.1fx)" % (p / goal)) if judged else "")
            grow = f["crowded"]["portguard"]["median"] / f["empty"]["portguard"]["median"]
            row("6 %s, portguard crowded / empty" % what, "", "%.2f" % grow, "",
                "<= 1.5" if name == "setup" else "",
                ("met" if grow <= 1.5 else "MISSED") if name == "setup" else "")

    header = ("figure", "plain Asio", "portguard", "ratio pg/Asio [min-max]", "goal", "verdict")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    lines = []
    for r in [header, tuple("-" * w for w in widths)] + rows:
        lines.append("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build", "bench"))
    parser.add_argument("--json", metavar="FILE", nargs="?", const="-",
                        help="also write the data as JSON to FILE; without FILE, print "
                             "the JSON on stdout and the table on stderr")
    parser.add_argument("--connections", type=int, default=20000,
                        help="connections per contender and round (default 20000)")
    parser.add_argument("--rounds", type=int, default=10,
                        help="accept rounds (default 10; setup and is_exclusive run twice as many)")
    parser.add_argument("--no-probe", action="store_true",
                        help="report the probe audit as not available")
    args = parser.parse_args()

    bench = os.path.join(args.build_dir, "test", "bench", "portguard_bench")
    results = {"machine": machine()}
    steps = (("accept", lambda: bench_accept(bench, args)),
             ("setup", lambda: bench_setup(bench, args)),
             ("is_exclusive", lambda: bench_is_exclusive(bench, args)),
             ("crowd", lambda: bench_crowd(bench, args)),
             ("probe", lambda: bench_probe(
                 bench, None if args.no_probe else find_probe(args.build_dir))),
             ("compile", lambda: bench_compile(args.build_dir)))
    for name, step in steps:
        start = time.perf_counter()
        print("... %s" % name, end="", file=sys.stderr, flush=True)
        results[name] = step()
        results[name]["seconds"] = round(time.perf_counter() - start, 1)
        print(" %.0f s" % results[name]["seconds"], file=sys.stderr, flush=True)
    results["machine"]["load_average_at_end"] = os.getloadavg()[0]

    out = sys.stderr if args.json == "-" else sys.stdout
    m = results["machine"]
    print("portguard benchmark, %s: %s CPUs (%s), Linux %s, %s; load %.1f -> %.1f"
          % (m["date"], m["nproc"], m["cpu"], m["kernel"], m["compiler"],
             m["load_average_at_start"], m["load_average_at_end"]), file=out)
    print(file=out)
    print(table(results), file=out)
    if "cycle" in results["setup"]:
        for impl in ("asio", "portguard"):
            print("\none setup cycle, %s:" % impl, file=out)
            for line in results["setup"]["cycle"][impl]:
                print("  " + line, file=out)
    if not results["probe"]["available"]:
        print("\nportguard-probe: not available (it did not build)", file=out)
    if args.json:
        text = json.dumps(results, indent=2)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w") as f:
                f.write(text + "\n")


if __name__ == "__main__":
    main()
