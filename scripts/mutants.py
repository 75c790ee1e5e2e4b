#!/usr/bin/env python3
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
"""Mutants of the library: each one a small, named edit of a header that a
test must notice. Run through scripts/mutants.sh (see there).

    mutants.py BUILD_DIR [--only NAME,...] [--markdown FILE] [--jobs N]

BUILD_DIR is a configured build of the `default` preset (build/default).
For each mutant the script writes a mutated copy of one header into
BUILD_DIR/mutant-overlay/<suite>/ for each suite listed against it; the
executables portguard_mutant_<suite> (test/CMakeLists.txt) have that folder
first on their include path, so only those unit files are compiled again and
linked with the objects of main.cpp and support/ that portguard_tests uses.
Mutants whose suites differ are built in one ninja call (two cores), then each
suite runs under a time cap. A mutant is killed when one of its suites fails
(a failed check, an exception, a crash or the time cap); the script prints the
Boost.Test cases that failed, as a table too (Markdown with --markdown), and
exits 1 if any mutant survived or could not be built.

Each edit replaces an anchor that must occur exactly as often as stated;
otherwise the script stops at once: a mutant that silently no longer applies
would pass for a killed one's absence of evidence.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SUITE_CAP_S = 240  # per suite run; a hang counts as a kill, reported as such


class Mutant:
    def __init__(self, name, header, what, edits, suites, functions, platform="linux"):
        self.name = name
        self.header = header        # relative to include/
        self.what = what
        self.edits = edits          # [(anchor, replacement, count)]
        self.suites = suites        # [(suite, Boost.Test filter or None)]
        self.functions = functions  # functions the edit changes (checked with nm)
        self.platform = platform


MUTANTS = [
    Mutant(
        "no_exclusive_option_posix", "portguard/detail/impl/platform_posix.ipp",
        "set_exclusive() sets nothing on POSIX (SO_REUSEPORT and, for UDP, "
        "SO_REUSEADDR stay as they were)",
        [("""{
  if (!set_int_option(s, SOL_SOCKET, SO_REUSEPORT, 0, ec))
  {
    ec = error::option_refused;
    return;
  }
  if (datagram && !set_int_option(s, SOL_SOCKET, SO_REUSEADDR, 0, ec))
    ec = error::option_refused;
}""", """{
  (void)s;
  (void)datagram;
  ec.clear(); // mutant: no exclusive option
}""", 1)],
        [("rival_matrix", None)],
        ["set_exclusive"]),
    Mutant(
        "is_exclusive_always_true", "portguard/detail/impl/verify.ipp",
        "judge_exclusive_now() (is_exclusive()'s judgement) answers true for every socket",
        [("""PORTGUARD_DECL exclusive_finding judge_exclusive_now(native_socket s, bool proven,
    error_code& ec)
{
  exclusive_finding f;
  ec.clear();
""", """PORTGUARD_DECL exclusive_finding judge_exclusive_now(native_socket s, bool proven,
    error_code& ec)
{
  exclusive_finding f;
  ec.clear();
  f.exclusive = true;
  return f; // mutant
""", 1)],
        [("is_exclusive", None)],
        ["judge_exclusive_now", "is_exclusive_now"]),
    Mutant(
        "set_option_refuses_nothing", "portguard/detail/impl/socket_rules.ipp",
        "option_would_share() is always false: a secure acceptor takes "
        "SO_REUSEPORT / SO_REUSEADDR-style options",
        [("""PORTGUARD_DECL bool option_would_share(int level, int name, const void* data,
    std::size_t size) noexcept
{
""", """PORTGUARD_DECL bool option_would_share(int level, int name, const void* data,
    std::size_t size) noexcept
{
  return false; // mutant
""", 1)],
        [("secure_acceptor", None)],
        ["option_would_share"]),
    Mutant(
        "holder_check_skipped", "portguard/detail/impl/verify.ipp",
        "the socket-table truth check is skipped: table_shows_alone() and "
        "bind_proves_alone() always say 'alone'",
        [("""    exclusivity policy, error_code& ec, bool check_sharing, port_holders* found)
{
  port_holders own;
""", """    exclusivity policy, error_code& ec, bool check_sharing, port_holders* found)
{
  (void)check_sharing;
  (void)found;
  ec.clear();
  return true; // mutant
  port_holders own;
""", 1),
         ("""    error_code& ec)
{
  ec.clear();
  if (!specific_bind_may_sit_beside_wildcard)
""", """    error_code& ec)
{
  ec.clear();
  return true; // mutant
  if (!specific_bind_may_sit_beside_wildcard)
""", 1)],
        [("scenario_truth", None)],
        ["table_shows_alone", "bind_proves_alone"]),
    Mutant(
        "other_family_guard_off", "portguard/detail/other_family_guard.hpp",
        "hold_other_family() never binds a guard on the other address family",
        [("""  ec.clear();
  guard_socket<Protocol> guard;
  net::ip::address other;
""", """  ec.clear();
  guard_socket<Protocol> guard;
  return guard; // mutant
  net::ip::address other;
""", 1)],
        [("other_family", None)],
        ["hold_other_family"]),
    Mutant(
        "mapped_address_has_no_counterpart", "portguard/detail/impl/other_family_guard.ipp",
        "other_family_address() takes a v4-mapped address for a plain IPv6 one: "
        "no guard, and is_exclusive() does not look at the other family",
        [("""  const net::ip::address plain = unmapped(address);
""", """  const net::ip::address plain = address; // mutant
""", 1)],
        [("other_family", "other_family/mapped_bind_guards_the_ipv4_address_it_is")],
        ["other_family_address"]),
    Mutant(
        "exclusive_bind_leaves_reuseaddr_on_udp", "portguard/exclusive_bind.hpp",
        "exclusive_bind() treats a UDP socket as TCP: SO_REUSEADDR set before "
        "it stays on",
        [("""    detail::make_exclusive(socket.native_handle(), detail::is_datagram_v<Socket>, policy, ec);""",
          """    detail::make_exclusive(socket.native_handle(), false /* mutant */, policy, ec);""", 1)],
        [("rival_matrix", None), ("exclusive_bind", None)],
        []),  # a template: defined in each unit, nothing to check
    Mutant(
        "adoption_checks_skipped", "portguard/detail/impl/exclusive_ops.ipp",
        "check_adoptable() takes any socket of the right type: no option or "
        "holder check",
        [("""  if (policy != exclusivity::required)
    return false;
  const bool exclusive = options_are_as_exclusive_as_possible(s, ec);""",
          """  if (policy != exclusivity::required || true)
    return false; // mutant
  const bool exclusive = options_are_as_exclusive_as_possible(s, ec);""", 1)],
        [("scenario_adoption", None)],
        ["check_adoptable"]),
    Mutant(
        "stale_proof_trusted", "portguard/detail/exclusive_ops.hpp",
        "proof_holds() trusts a bind's proof after the socket left LISTEN with "
        "SO_REUSEADDR on",
        [("""  return reuse_address_is_emulated || is_listening(s) || !reuse_address_is_set(s);""",
          """  return true; // mutant
  return reuse_address_is_emulated || is_listening(s) || !reuse_address_is_set(s);""", 1)],
        [("scenario_truth", None)],
        ["proof_holds"]),
    Mutant(
        "framework_listen_reads_nothing", "portguard/detail/exclusive_ops.hpp",
        "listen_bound_by_others(): when the listen without SO_REUSEADDR is "
        "refused, it listens with it and reads no table (a squatter passes)",
        [("""    if (ec == net::error::address_in_use)
    {
      state.bound = bind_result{false, true};
      listen_exclusive(socket, state, net::socket_base::max_listen_connections, ec);
    }""", """    if (ec == net::error::address_in_use)
    {
      set_reuse_address(s, true, ec); // mutant: listens beside whoever, reads nothing
      socket.listen(net::socket_base::max_listen_connections, ec);
    }""", 1)],
        [("exclusive_listen", None)],
        ["listen_bound_by_others"]),
    Mutant(
        "failed_table_check_cached", "portguard/detail/socket_table_linux.hpp",
        "table_lists_bound_sockets() keeps a failed check as 'not listed' for "
        "the life of the process",
        [("""    if (answer != bound_listing::unknown)
    {
      known.store(answer);""", """    if (true) // mutant
    {
      known.store(answer == bound_listing::unknown ? bound_listing::unlisted : answer);""", 1)],
        [("holders", None)],
        ["table_lists_bound_sockets"]),
    Mutant(
        "first_process_owns_socket", "portguard/detail/socket_table_linux.hpp",
        "find_owners() takes the first process found as a socket's only holder: "
        "a descriptor passed to this process and kept by its giver reads as alone",
        [("""      if (!h->processes.empty() && h->processes.back().pid == process.pid())
        continue; // another descriptor of the same process""",
          """      if (!h->processes.empty()) // mutant: the first process found only
        continue;""", 1)],
        [("scenario_adoption", None)],
        ["find_owners"]),
]

# The Windows branch of set_exclusive(): a mingw-w64 build (build/windows)
# and Wine run it, from scripts/stages/30-windows.sh (--platform windows).
MUTANTS.append(
    Mutant(
        "no_exclusive_option_windows", "portguard/detail/platform_win32.hpp",
        "set_exclusive() sets nothing on Windows (no SO_EXCLUSIVEADDRUSE; "
        "SO_REUSEADDR stays as it was)",
        [("""  (void)datagram;
  if (set_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1, ec))
    return;
""", """  (void)datagram;
  ec.clear();
  return; // mutant: no exclusive option
  if (set_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1, ec))
    return;
""", 1)],
        [("scenario_windows", None)],
        ["set_exclusive"],
        platform="windows"))
MUTANTS.append(
    Mutant(
        "exclusive_address_use_inert_windows", "portguard/detail/platform_win32.hpp",
        "the exclusive_address_use option names SO_KEEPALIVE on Windows: "
        "set_option(exclusive_address_use(true)) (the retrofit path) protects nothing",
        [("constexpr int exclusive_option_name = SO_EXCLUSIVEADDRUSE;",
          "constexpr int exclusive_option_name = SO_KEEPALIVE; // mutant", 1)],
        [("scenario_windows", None)],
        [],  # a constant: no function to check
        platform="windows"))


def die(message):
    print("mutants: " + message, file=sys.stderr)
    sys.exit(2)


def mutate(mutant):
    path = os.path.join(ROOT, "include", mutant.header)
    with open(path) as f:
        text = f.read()
    for anchor, replacement, count in mutant.edits:
        found = text.count(anchor)
        if found != count:
            die("%s: anchor found %d times in include/%s, expected %d (the code "
                "changed: update the mutant):\n%s" % (mutant.name, found, mutant.header,
                                                      count, anchor))
        text = text.replace(anchor, replacement)
    return text


def overlay_root(build):
    return os.path.join(build, "mutant-overlay")


def clear_overlay(build, suites):
    for suite in suites:
        shutil.rmtree(os.path.join(overlay_root(build), suite), ignore_errors=True)
        os.makedirs(os.path.join(overlay_root(build), suite), exist_ok=True)
        # The object was compiled against another overlay (or none): ninja
        # does not see a header appear in front of the real one, so the
        # object goes.
        for ext in (".cpp.o", ".cpp.obj"):  # POSIX, mingw-w64
            obj = os.path.join(build, "test", "CMakeFiles", "portguard_mutant_%s.dir" % suite,
                               "unit", suite + ext)
            if os.path.exists(obj):
                os.remove(obj)


def common_objects(build):
    base = os.path.join(build, "test", "CMakeFiles", "portguard_tests_common.dir")
    objs = []
    for dirpath, _, files in os.walk(base):
        objs += [os.path.join(dirpath, f) for f in files if f.endswith((".o", ".obj"))]
    return objs


def check_common_objects(build, mutant, objs):
    """main.cpp and support/ are compiled against the real headers: they must
    define none of the mutated functions, or the linker might keep their copy."""
    nm = "x86_64-w64-mingw32-nm" if mutant.platform == "windows" else "nm"
    for fn in mutant.functions:
        pattern = re.compile(r"\bportguard::\w+::detail::%s\(" % re.escape(fn))
        for obj in objs:
            out = subprocess.run([nm, "-C", "--defined-only", obj], capture_output=True,
                                 text=True, check=True).stdout
            for line in out.splitlines():
                parts = line.split(None, 2)
                if len(parts) == 3 and parts[1] in "TtWw" and pattern.search(parts[2]):
                    die("%s: %s defines %s; the mutant would not reach it (build those "
                        "files with the overlay too)" % (mutant.name, obj, fn))


FAILED_CASE = re.compile(r'(?:fatal )?error: in "([^"]+)"')
EXCEPTION = re.compile(r'unknown location\(\d+\): fatal error: in "([^"]+)"')


def mutant_executable(build, suite, platform):
    exe = os.path.join(build, "test", "portguard_mutant_" + suite)
    return exe + ".exe" if platform == "windows" else exe


def run_suite(build, suite, test_filter, log_path, platform):
    exe = mutant_executable(build, suite, platform)
    # Windows executables run under Wine, through the toolchain's emulator.
    runner = [os.path.join(ROOT, "scripts", "wine-run")] if platform == "windows" else []
    args = runner + [exe, "--run_test=" + (test_filter or suite), "--log_level=test_suite",
                     "--report_level=short", "--color_output=no"]
    start = time.monotonic()
    # The output goes to the log file, not a pipe: under Wine, processes the
    # run starts (Wine's own services) may outlive it holding a pipe open.
    with open(log_path, "w") as log:
        try:
            code = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=SUITE_CAP_S,
                                  cwd=build).returncode
        except subprocess.TimeoutExpired:
            code = None
    elapsed = time.monotonic() - start
    with open(log_path, errors="replace") as log:
        output = log.read()
    cases = []
    for m in FAILED_CASE.finditer(output):
        if m.group(1) not in cases:
            cases.append(m.group(1))
    if code is None:
        verdict = "time cap (%d s)" % SUITE_CAP_S
    elif code < 0:
        verdict = "signal %d" % -code
    elif code != 0:
        verdict = "failed"
    else:
        verdict = None
    return verdict, cases, elapsed


def schedule(mutants):
    """Rounds of mutants with disjoint suites, built together."""
    rounds = []
    for m in mutants:
        suites = {s for s, _ in m.suites}
        for r in rounds:
            if not any(suites & {s for s, _ in o.suites} for o in r):
                r.append(m)
                break
        else:
            rounds.append([m])
    return rounds


def short_cases(cases, limit=6):
    # Data test cases fail per sample (_0, _1, ...): count them per test case.
    counts = {}
    for c in cases:
        key = re.sub(r"/_\d+$", "", c)
        counts[key] = counts.get(key, 0) + (1 if key != c else 0)
    parts = []
    for key, n in counts.items():
        parts.append("%s (%d samples)" % (key, n) if n else key)
    if len(parts) > limit:
        parts = parts[:limit] + ["%d more" % (len(parts) - limit)]
    return ", ".join(parts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--only", default="")
    parser.add_argument("--markdown")
    parser.add_argument("--jobs", default="2")
    parser.add_argument("--platform", default="linux", choices=["linux", "windows"],
                        help="the mutants of this platform's code; BUILD_DIR must be a "
                             "build for it (windows: the mingw-w64 preset, run under Wine)")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    mutants = [m for m in MUTANTS if m.platform == args.platform]
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {m.name for m in MUTANTS}
        if unknown:
            die("unknown mutants: " + ", ".join(sorted(unknown)))
        mutants = [m for m in mutants if m.name in wanted]
    logs = os.path.join(build, "mutant-logs")
    os.makedirs(logs, exist_ok=True)
    # Every mutant applies before anything is built.
    texts = {m.name: mutate(m) for m in mutants}

    results = []  # (mutant, [(suite, verdict, cases, seconds)], build seconds)
    all_suites = sorted({s for m in mutants for s, _ in m.suites})
    try:
        # The objects of main.cpp and support/ (unmutated), first.
        subprocess.run(["ninja", "-C", build, "-j", args.jobs, "portguard_tests_common"],
                       check=True, stdout=subprocess.DEVNULL)
        objs = common_objects(build)
        for m in mutants:
            check_common_objects(build, m, objs)
        for round_ in schedule(mutants):
            suites = [s for m in round_ for s, _ in m.suites]
            clear_overlay(build, suites)
            for m in round_:
                for suite, _ in m.suites:
                    path = os.path.join(overlay_root(build), suite, m.header)
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "w") as f:
                        f.write(texts[m.name])
            start = time.monotonic()
            targets = ["portguard_mutant_" + s for s in suites]
            proc = subprocess.run(["ninja", "-C", build, "-j", args.jobs] + targets,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            built = time.monotonic() - start
            if proc.returncode != 0:
                sys.stdout.write(proc.stdout[-6000:])
                die("building %s failed" % ", ".join(m.name for m in round_))
            for m in round_:
                runs = []
                for suite, test_filter in m.suites:
                    log = os.path.join(logs, "%s.%s.log" % (m.name, suite))
                    verdict, cases, secs = run_suite(build, suite, test_filter, log,
                                                     args.platform)
                    runs.append((suite, verdict, cases, secs))
                results.append((m, runs, built))
                killed = [r for r in runs if r[1]]
                state = "KILLED" if killed else "SURVIVED"
                print("mutant %-40s %s" % (m.name, state))
                for suite, verdict, cases, secs in runs:
                    print("    portguard_tests.%-18s %-8s %5.1f s  %s" % (
                        suite, verdict or "passed", secs, short_cases(cases)))
                sys.stdout.flush()
    finally:
        clear_overlay(build, all_suites)
        for s in all_suites:
            exe = mutant_executable(build, s, args.platform)
            if os.path.exists(exe):
                os.remove(exe)

    survivors = [m.name for m, runs, _ in results if not any(r[1] for r in runs)]
    table = ["| mutant | header | what it does | killed by (CTest test: Boost.Test cases) |",
             "|---|---|---|---|"]
    for m, runs, _ in results:
        killers = []
        for suite, verdict, cases, _ in runs:
            if verdict:
                killers.append("`portguard_tests.%s`: %s" % (
                    suite, short_cases(cases, limit=50) or verdict))
        table.append("| `%s` | `%s` | %s | %s |" % (
            m.name, m.header, m.what, "; ".join(killers) or "**survived**"))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(table) + "\n")
    print()
    print("\n".join(table))
    print()
    if survivors:
        print("mutants: SURVIVED: " + ", ".join(survivors))
        return 1
    print("mutants: all %d killed" % len(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
