#!/usr/bin/env python3
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
"""Tests of portguard-probe against servers it did not write.

Run one case:  probe_test.py --probe PATH --holder PATH CASE
CTest registers every case (test/probe/CMakeLists.txt). Exit status: 0 pass,
1 fail, 77 skipped (with the reason printed). Every server is on loopback,
every subprocess is bounded in time and killed at the end.
"""

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scan_checks import parse_prometheus, validate_scan_json  # noqa: E402

SKIP = 77
TIMEOUT = 20  # seconds for any one probe run
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

args = None


class Skip(Exception):
    pass


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)
    print("ok:", what)


# -- Running the probe ---------------------------------------------------------

def run_probe(*argv, user=None):
    """Runs the probe; returns (exit code, stdout, stderr)."""
    def demote():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    start = time.monotonic()
    try:
        p = subprocess.run([args.probe, *argv], capture_output=True, text=True,
                           timeout=TIMEOUT, preexec_fn=demote if user == "nobody" else None)
    except PermissionError:
        if user != "nobody":
            raise
        raise Skip(f"user nobody may not run {args.probe} (a folder on its path is closed)")
    print(f"$ portguard-probe {' '.join(argv)}  -> exit {p.returncode} "
          f"in {1000 * (time.monotonic() - start):.1f} ms")
    if p.stderr:
        print("  stderr:", p.stderr.rstrip())
    return p.returncode, p.stdout, p.stderr


def audit_json(proto, endpoint):
    code, out, err = run_probe(proto, endpoint, "--json")
    check(code in (0, 1), f"audit of {proto} {endpoint} ran (exit {code}: {err.strip()})")
    report = json.loads(out)
    check(report["schema"] == "portguard-probe/audit/1", "audit JSON names its schema")
    check(report["exit_code"] == code, "JSON exit_code matches the exit status")
    check_attempts(report["attempts"])
    won = [a for a in report["attempts"] if a["outcome"] == "won"]
    check(report["verdict"]["hijackable"] == bool(won), "verdict matches the attempts")
    check(report["counts"]["won"] == len(won), "counts match the attempts")
    return code, report


def check_attempts(attempts):
    check(len(attempts) > 0, f"{len(attempts)} attempts reported")
    for a in attempts:
        if not (set(a) == {"identity", "options", "address", "port", "role", "outcome",
                           "error", "message", "reason"}
                and a["outcome"] in ("won", "refused", "skipped")
                and a["role"] in ROLES
                and ((a["error"] is not None) == (a["outcome"] == "refused")
                     or a["outcome"] == "skipped")
                and (a["reason"] is not None) == (a["outcome"] == "skipped")):
            raise Failure(f"attempt does not match the documented schema: {a}")


ROLES = ("exact", "wildcard", "loopback", "v4-mapped", "dual-stack", "other-family")


def same_family(attempts):
    """The rivals on the target's own port (not the other address family's)."""
    return [a for a in attempts if a["role"] != "other-family"]


def cross_family(attempts):
    return [a for a in attempts if a["role"] == "other-family"]


def winners(report, identity):
    """The same-family rivals of `identity` that won."""
    return [a for a in same_family(report["attempts"])
            if a["identity"] == identity and a["outcome"] == "won"]


def by_identity(report, identity):
    return [a for a in report["attempts"] if a["identity"] == identity]


def check_nobody(report, should_win, option=None):
    """As root, user nobody must (or must not) win on the target's own port;
    otherwise it is skipped."""
    mine = same_family(by_identity(report, "nobody"))
    if not IS_ROOT:
        check(all(a["outcome"] == "skipped" and "not root" in a["reason"] for a in mine),
              "not root: every nobody rival is reported skipped with the reason")
        return
    won = [a for a in mine if a["outcome"] == "won"]
    if should_win:
        check(any(a["options"] == option for a in won),
              f"user nobody wins with {option}")
    else:
        check(not won and all(a["outcome"] == "refused" for a in mine),
              "every nobody rival is refused")


# -- Servers the probe did not write -------------------------------------------

@contextlib.contextmanager
def python_server(code):
    """Runs Python code that binds a socket and prints its port; yields the port."""
    p = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        if not line.strip():
            raise Failure("the server printed no port")
        yield int(line)
    finally:
        p.kill()
        p.wait(timeout=10)


HTTP_SERVER = """
import http.server, threading
class Server(http.server.ThreadingHTTPServer):
    address_family = __import__('socket').AF_INET6 if {v6} else __import__('socket').AF_INET
srv = Server(('{host}', 0), http.server.SimpleHTTPRequestHandler)
print(srv.server_address[1], flush=True)
threading.Timer(60, srv.shutdown).start()
srv.serve_forever()
"""

RAW_SOCKET = """
import socket, time
for attempt in range(20):
    s = socket.socket(socket.AF_INET, socket.{kind})
    {options}
    s.bind(('127.0.0.1', 0))
    {listen}
    if not {sibling}:
        break
    # The same port on [::1] too, as a server that guards both families.
    t = socket.socket(socket.AF_INET6, socket.{kind})
    t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        t.bind(('::1', s.getsockname()[1]))
    except OSError:
        s.close(); t.close()
        continue
    if {listen_flag}:
        t.listen()
    break
print(s.getsockname()[1], flush=True)
time.sleep(60)
"""


def raw_socket(kind, options=(), listen=False, sibling=False):
    """A Python socket on 127.0.0.1 with `options`; with `sibling` (and IPv6
    on the host) a plain socket on [::1], same port, beside it."""
    opts = "; ".join(f"s.setsockopt(socket.SOL_SOCKET, socket.{o}, 1)" for o in options)
    return python_server(RAW_SOCKET.format(kind=kind, options=opts or "pass",
                                           listen="s.listen()" if listen else "pass",
                                           listen_flag=listen,
                                           sibling=sibling and has_ipv6()))


@contextlib.contextmanager
def holder(proto, address="127.0.0.1"):
    """A portguard-made server (secure_acceptor or exclusive_bind)."""
    p = subprocess.Popen([args.holder, proto, address], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        if not line.strip():
            raise Failure("the portguard holder printed no port")
        yield int(line)
    finally:
        p.stdin.close()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


def has_ipv6():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- Cases ---------------------------------------------------------------------

def check_cross_family_free(code, report, free):
    """The other family's port `free` ("[::1]:P") is free: with that family
    on this host, a cross-family rival wins and the verdict says so; without
    it, every cross-family rival is skipped."""
    cross = cross_family(report["attempts"])
    check(cross, f"{len(cross)} cross-family rivals tried")
    v = report["verdict"]["cross_family"]
    if not has_ipv6():
        check(all(a["outcome"] == "skipped" for a in cross) and not v["hijackable"],
              "no IPv6 on this host: the cross-family rivals are skipped")
        return
    check(code == 1 and report["verdict"]["hijackable"], "exit 1: hijackable through "
          f"the other address family ({code})")
    check(v["hijackable"] and free in v["free"], f"verdict.cross_family names {free} free")
    same = [a for a in cross if a["identity"] == "same-process" and a["outcome"] == "won"]
    check(any(a["options"] == "none" for a in same), "a plain same-user rival binds it")
    nobody = [a for a in cross if a["identity"] == "nobody"]
    if IS_ROOT:
        check(any(a["outcome"] == "won" and a["options"] == "none" for a in nobody),
              "user nobody binds it with no options")


def case_http_server():
    """Python's http.server (SO_REUSEADDR, listening): no rival binds its own
    port; [::1] beside it is free, so the audit calls it hijackable."""
    with python_server(HTTP_SERVER.format(host="127.0.0.1", v6=False)) as port:
        code, report = audit_json("tcp", f"127.0.0.1:{port}")
        check(report["held_because"] == "EADDRINUSE", "held: a plain bind fails with EADDRINUSE")
        check(not winners(report, "same-process"), "no same-user rival wins on 127.0.0.1")
        check_nobody(report, should_win=False)
        check_cross_family_free(code, report, f"[::1]:{port}")
        check(report["elapsed_ms"] < 2000, f"one audit took {report['elapsed_ms']} ms")
        code, out, _ = run_probe("tcp", f"127.0.0.1:{port}")
        line = f"[::1]:{port} free: a client trying IPv6 first reaches whoever binds it"
        if has_ipv6():
            check(code == 1 and "verdict: HIJACKABLE" in out and line in out,
                  "the table's verdict says HIJACKABLE with the cross-family line")
        else:
            check(code == 0 and "verdict: not hijackable" in out, "table output ends with the verdict")
    # Control: the same rivals win against a listener that allows port sharing.
    with raw_socket("SOCK_STREAM", ["SO_REUSEPORT"], listen=True) as port:
        code, report = audit_json("tcp", f"127.0.0.1:{port}")
        check(code == 1, "control: exit 1 against a SO_REUSEPORT listener")


def case_http_server_v6():
    """Python's http.server on [::1]: no rival can bind."""
    if not has_ipv6():
        raise Skip("IPv6 loopback is not available")
    with python_server(HTTP_SERVER.format(host="::1", v6=True)) as port:
        code, report = audit_json("tcp", f"[::1]:{port}")
        check(not winners(report, "same-process"), "no same-user rival wins on [::1]")
        check(report["target"]["address"] == "::1", "the IPv6 target is reported")
        check_nobody(report, should_win=False)
        check(code == 1 and report["verdict"]["cross_family"]["hijackable"]
              and f"127.0.0.1:{port}" in report["verdict"]["cross_family"]["free"],
              "127.0.0.1 beside it is free: hijackable through IPv4")


def case_udp_reuseaddr():
    """A Python UDP socket with SO_REUSEADDR: any user can share it on Linux."""
    with raw_socket("SOCK_DGRAM", ["SO_REUSEADDR"]) as port:
        code, report = audit_json("udp", f"127.0.0.1:{port}")
        check(code == 1, "exit 1: hijackable")
        check(any(a["options"] == "reuse_address" for a in winners(report, "same-process")),
              "a same-user rival wins with reuse_address")
        check_nobody(report, should_win=True, option="reuse_address")
        strongest = report["verdict"]["strongest"]
        expected = "nobody" if IS_ROOT else "same-process"
        check(strongest["identity"] == expected and strongest["options"] == "reuse_address",
              f"the verdict names {expected} with reuse_address")
        code, out, _ = run_probe("udp", f"127.0.0.1:{port}")
        check(code == 1 and "verdict: HIJACKABLE" in out, "table verdict says HIJACKABLE")


def case_tcp_reuseport():
    """A Python TCP listener with SO_REUSEPORT: same user wins, nobody does not."""
    with raw_socket("SOCK_STREAM", ["SO_REUSEPORT"], listen=True) as port:
        code, report = audit_json("tcp", f"127.0.0.1:{port}")
        check(code == 1, "exit 1: hijackable")
        won = winners(report, "same-process")
        check(won and all(a["options"] in ("reuse_port", "both") for a in won),
              "only rivals with SO_REUSEPORT win on its own port")
        check_nobody(report, should_win=False)


def case_tcp_bound_reuseaddr():
    """A Python TCP socket bound (not listening) with SO_REUSEADDR: any user binds."""
    with raw_socket("SOCK_STREAM", ["SO_REUSEADDR"]) as port:
        code, report = audit_json("tcp", f"127.0.0.1:{port}")
        check(code == 1, "exit 1: hijackable")
        check_nobody(report, should_win=True, option="reuse_address")


def case_portguard_tcp():
    """A portguard secure_acceptor: exit 0; control: plain SO_REUSEPORT loses."""
    with holder("tcp") as port:
        code, report = audit_json("tcp", f"127.0.0.1:{port}")
        check(code == 0, "exit 0 for a portguard secure_acceptor")
        check(report["counts"]["won"] == 0, "no rival won")
        check_nobody(report, should_win=False)
    with raw_socket("SOCK_STREAM", ["SO_REUSEPORT"], listen=True) as port:
        code, _ = audit_json("tcp", f"127.0.0.1:{port}")
        check(code == 1, "control: the same rivals win against a SO_REUSEPORT listener")


def case_portguard_udp():
    """A portguard exclusive_bind UDP socket: exit 0; control: SO_REUSEADDR loses."""
    with holder("udp") as port:
        code, report = audit_json("udp", f"127.0.0.1:{port}")
        check(code == 0, "exit 0 for a portguard exclusive_bind UDP socket")
        check_nobody(report, should_win=False)
    with raw_socket("SOCK_DGRAM", ["SO_REUSEADDR"]) as port:
        code, report = audit_json("udp", f"127.0.0.1:{port}")
        check(code == 1, "control: the same rivals win against a SO_REUSEADDR UDP socket")
        check_nobody(report, should_win=True, option="reuse_address")


def case_portguard_wildcard():
    """A portguard server on 0.0.0.0: loopback-specific rivals are tried and refused."""
    with holder("tcp", "0.0.0.0") as port:
        code, report = audit_json("tcp", f"0.0.0.0:{port}")
        check(code == 0, "exit 0 for a portguard server on the wildcard")
        roles = {a["role"] for a in report["attempts"]}
        check({"exact", "loopback", "v4-mapped", "dual-stack", "other-family"} <= roles,
              "rivals tried the loopback, v4-mapped, dual-stack and other-family addresses")
        cross = {a["address"] for a in cross_family(report["attempts"])}
        check(cross == {"::1", "::"}, f"cross-family rivals on ::1 and :: ({sorted(cross)})")
        check(report["verdict"]["cross_family"] == {"hijackable": False, "free": [], "lines": []},
              "verdict.cross_family: nothing free")


@contextlib.contextmanager
def example_listener(address):
    """portguard's async_listener example (secure_acceptor, Beast's listener
    code) on address, port 0; yields the port."""
    if not args.example:
        raise Skip("the async_listener example is not built (PORTGUARD_BUILD_EXAMPLES=OFF)")
    p = subprocess.Popen([args.example, address, "0"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        # "listening on 127.0.0.1:41234 (exclusive)"
        if not line.startswith("listening on "):
            raise Failure(f"async_listener did not start: {line!r} {p.stderr.read()!r}")
        endpoint = line.split()[2]
        check(line.rstrip().endswith("(exclusive)"), f"async_listener says: {line.strip()}")
        yield int(endpoint.rsplit(":", 1)[1])
    finally:
        p.kill()
        p.wait(timeout=10)


def case_cross_family_control():
    """Plain servers on 127.0.0.1 (TCP and UDP, Python): [::1] beside them is
    free, so the audit says hijackable through the other family."""
    if not has_ipv6():
        raise Skip("IPv6 loopback is not available: there is no other family to take")
    with raw_socket("SOCK_STREAM", [], listen=True) as port:
        code, report = audit_json("tcp", f"127.0.0.1:{port}")
        check(not [a for a in same_family(report["attempts"]) if a["outcome"] == "won"],
              "control: no rival takes 127.0.0.1's own port")
        check_cross_family_free(code, report, f"[::1]:{port}")
        check(f"[::1]:{port} free: a client trying IPv6 first reaches whoever binds it"
              in report["verdict"]["cross_family"]["lines"], "the JSON carries the line")
    with raw_socket("SOCK_DGRAM", []) as port:
        code, report = audit_json("udp", f"127.0.0.1:{port}")
        check_cross_family_free(code, report, f"[::1]:{port}")


def case_cross_family_portguard():
    """portguard servers (the async_listener example on 127.0.0.1, 0.0.0.0
    and [::1]; exclusive_bind UDP): every cross-family rival is refused."""
    if not has_ipv6():
        raise Skip("IPv6 loopback is not available: there is no other family to take")
    for address, target, expected in (("127.0.0.1", "127.0.0.1", {"::1", "::"}),
                                      ("0.0.0.0", "0.0.0.0", {"::1", "::"}),
                                      ("::1", "[::1]", {"127.0.0.1", "0.0.0.0"})):
        with example_listener(address) as port:
            code, report = audit_json("tcp", f"{target}:{port}")
            cross = cross_family(report["attempts"])
            check({a["address"] for a in cross} == expected,
                  f"{target}: cross-family rivals on {sorted(expected)}")
            for who in ("same-process", "nobody"):
                mine = [a for a in cross if a["identity"] == who]
                if who == "nobody" and not IS_ROOT:
                    check(all(a["outcome"] == "skipped" for a in mine), "not root: nobody skipped")
                    continue
                check(mine and all(a["outcome"] == "refused" for a in mine),
                      f"{target}: every {who} cross-family rival refused")
            check(code == 0 and not report["verdict"]["cross_family"]["hijackable"],
                  f"exit 0: the async_listener example on {target} is not hijackable")
            code, out, _ = run_probe("tcp", f"{target}:{port}")
            check(code == 0 and "cross-family rivals refused" in out,
                  "the table says the other family's port is held too")
    with holder("udp") as port:
        code, report = audit_json("udp", f"127.0.0.1:{port}")
        cross = cross_family(report["attempts"])
        check(cross and all(a["outcome"] in ("refused", "skipped") for a in cross)
              and any(a["outcome"] == "refused" for a in cross),
              "exclusive_bind UDP: cross-family rivals refused")
        check(code == 0, "exit 0 for exclusive_bind UDP on 127.0.0.1")


def case_localhost_name():
    """A host name is resolved; the address that is held is audited."""
    with holder("tcp") as port:
        code, report = audit_json("tcp", f"localhost:{port}")
        check(code == 0, "exit 0 through the name localhost")
        check(report["target"]["host"] == "localhost"
              and report["target"]["address"] == "127.0.0.1",
              "the report names the host and the address audited")


def case_nothing_bound():
    for proto, kind in (("tcp", socket.SOCK_STREAM), ("udp", socket.SOCK_DGRAM)):
        port = free_port(kind)
        code, out, err = run_probe(proto, f"127.0.0.1:{port}", "--json")
        check(code == 3, f"{proto}: exit 3 when nothing holds the port")
        check("nothing holds" in err and out == "", "one line on stderr, nothing on stdout")


def case_not_local():
    code, _, err = run_probe("tcp", "192.0.2.1:80")
    check(code == 3, "exit 3 for an address that is not local")
    check("not an address of this machine" in err, "the message says why")


def case_no_permission():
    with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as f:
        if int(f.read()) <= 80:
            raise Skip("unprivileged users may bind every port on this machine")
    user = "nobody" if IS_ROOT else None
    code, _, err = run_probe("tcp", "127.0.0.1:80", user=user)
    check(code == 3, "exit 3 when this user may not bind the port")
    check("no permission" in err, "the message says why")


def case_unresolvable():
    # A label longer than 63 characters fails in the resolver itself, so no
    # DNS query leaves the machine.
    name = "a" * 70 + ".invalid"
    code, out, err = run_probe("tcp", f"{name}:80")
    check(code == 2, "exit 2 for a name that does not resolve")
    check(err.startswith("portguard-probe: cannot resolve host") and out == "",
          "the message says the name did not resolve")


USAGE_ERRORS = [
    ([], "missing command"),
    (["--bogus"], "unknown option '--bogus'"),
    (["sctp", "127.0.0.1:80"], "unknown protocol 'sctp'; expected tcp or udp"),
    (["tcp"], "tcp needs an endpoint"),
    (["udp", "127.0.0.1"], "has no port"),
    (["tcp", "127.0.0.1:"], "missing port"),
    (["tcp", "127.0.0.1:0"], "port 0 is not a port a server can hold"),
    (["tcp", "127.0.0.1:65536"], "out of range; expected 1-65535"),
    (["tcp", "127.0.0.1:99999999999999999999"], "out of range"),
    (["tcp", "127.0.0.1:8o"], "is not a number"),
    (["tcp", "::1:80"], "must be in brackets"),
    (["tcp", "[::1]80"], "needs ':PORT' after ']'"),
    (["tcp", "[::1:80"], "no closing ']'"),
    (["tcp", "[127.0.0.1]:80"], "is not an IPv6 address"),
    (["tcp", "[::1%a[b]:80"], "is not an IPv6 address"),
    (["tcp", ":80"], "has no host"),
    (["tcp", "a/b:80"], "is not an address or a host name"),
    (["tcp", "127.0.0.1:80", "extra"], "unexpected argument 'extra'"),
    (["--matrix", "tcp"], "takes no protocol or endpoint"),
    (["--matrix", "--json", "--markdown"], "exclude each other"),
    (["tcp", "bad\x01host:80"], "\\x01"),
    (["scan", "extra"], "scan takes options only"),
    (["scan", "--proto"], "--proto needs a value"),
    (["scan", "--proto", "sctp"], "unknown protocol 'sctp'"),
    (["scan", "--port", "0"], "port 0"),
    (["scan", "--json", "--prometheus"], "exclude each other"),
    (["tcp", "127.0.0.1:80", "--prometheus"], "--prometheus belongs to 'scan'"),
    (["tcp", "127.0.0.1:80", "--active"], "--active belongs to 'scan'"),
    (["scan", "--matrix"], "exclude each other"),
]


def case_usage_errors():
    for argv, expected in USAGE_ERRORS:
        code, out, err = run_probe(*argv)
        check(code == 2, f"{argv}: exit 2")
        check(out == "" and err.count("\n") == 1 and err.startswith("portguard-probe: ")
              and expected in err, f"{argv}: one line saying '{expected}'")


def case_help():
    for flag in ("--help", "-h"):
        code, out, err = run_probe(flag)
        check(code == 0 and out.startswith("Usage:") and "Exit codes:" in out and err == "",
              f"{flag} prints the usage and exits 0")
    code, out, _ = run_probe("--version")
    check(code == 0 and out.startswith("portguard-probe "), "--version prints the version")


def case_matrix():
    code, out, err = run_probe("--matrix", "--json")
    check(code == 0, "--matrix exits 0: every portguard defender held")
    report = json.loads(out)
    check(report["schema"] == "portguard-probe/matrix/1", "matrix JSON names its schema")
    check(report["identities"] == ["same-process", "child-process", "nobody"],
          "identities listed")
    rows = {d["name"]: d for d in report["defenders"]}
    check(len(rows) == 10 + len(CROSS_ROWS), f"{10 + len(CROSS_ROWS)} defenders")
    check([d["name"] for d in report["defenders"] if d["rivals"] == "other-family"]
          == list(CROSS_ROWS), "the cross-family rows, in order, after the ten others")

    def verdict(name, identity):
        row = rows[name]
        check(row["skipped"] is None, f"{name}: set up")
        v = [x for x in row["verdicts"] if x["identity"] == identity]
        check(len(v) == 1, f"{name}: one verdict for {identity}")
        return v[0]

    for name, row in rows.items():
        check_attempts(row["attempts"])
        if row["library"] == "portguard":
            for v in row["verdicts"]:
                check(not v["hijacked"], f"{name} held against {v['identity']}")
                if v["identity"] != "nobody" or IS_ROOT:
                    check(v["skipped"] is None and v["counts"]["refused"] > 0,
                          f"{name}: {v['identity']} rivals really ran")
    # Controls: plain Asio sockets configured the vulnerable way lose.
    v = verdict("tcp::acceptor with reuse_port", "same-process")
    check(v["hijacked"] and v["strongest"]["options"] == "reuse_port",
          "control: reuse_port listener hijacked by a same-user reuse_port rival")
    v = verdict("tcp::acceptor with reuse_port", "child-process")
    check(v["hijacked"], "control: reuse_port listener hijacked by a child process")
    v = verdict("tcp::acceptor bound, not listening", "same-process")
    check(v["hijacked"], "control: bound-not-listening reuse_address acceptor hijacked")
    v = verdict("udp::socket with reuse_address", "nobody")
    if IS_ROOT:
        check(v["hijacked"] and v["strongest"]["options"] == "reuse_address",
              "control: UDP with reuse_address hijacked by user nobody")
    else:
        check(v["skipped"] and "not root" in v["skipped"], "nobody skipped: not root")
    v = verdict("tcp::acceptor(ctx, endpoint)", "same-process")
    check(not v["hijacked"], "Asio's listening acceptor holds on Linux")
    check_cross_rows(rows)

    code, out, _ = run_probe("--matrix", "--markdown")
    table = [l for l in out.splitlines() if l.startswith("|")]
    check(code == 0 and len(table) == 12 + len(CROSS_ROWS),
          f"--markdown prints a header, a rule and {10 + len(CROSS_ROWS)} rows")
    check(any("on [::1]" in l and "HIJACKED by none @ 127.0.0.1" in l for l in table)
          or not has_ipv6(), "the Markdown shows plain Asio on [::1] hijacked from 127.0.0.1")
    code, out, _ = run_probe("--matrix")
    check(code == 0 and "every portguard defender held its port" in out,
          "the table ends with the summary")


# The cross-family rows: name -> (library, the rivals' addresses).
CROSS_ROWS = {
    "tcp::acceptor(ctx, endpoint) on 0.0.0.0": ("asio", {"::1", "::"}),
    "tcp::acceptor(ctx, endpoint) on 127.0.0.1": ("asio", {"::1", "::"}),
    "tcp::acceptor(ctx, endpoint) on [::1]": ("asio", {"127.0.0.1", "0.0.0.0"}),
    "udp::socket on 127.0.0.1": ("asio", {"::1", "::"}),
    "secure_acceptor(ctx, endpoint) on 0.0.0.0": ("portguard", {"::1", "::"}),
    "secure_acceptor(ctx, endpoint) on 127.0.0.1": ("portguard", {"::1", "::"}),
    "secure_acceptor(ctx, endpoint) on [::1]": ("portguard", {"127.0.0.1", "0.0.0.0"}),
    "exclusive_bind(udp::socket) on 127.0.0.1": ("portguard", {"::1", "::"}),
}


def check_cross_rows(rows):
    """Plain Asio falls to a plain rival on the other family; portguard holds."""
    ipv6 = has_ipv6()
    for name, (library, addresses) in CROSS_ROWS.items():
        row = rows[name]
        check(row["library"] == library and row["rivals"] == "other-family",
              f"{name}: {library}, other-family rivals")
        if row["unavailable"]:
            check(not ipv6 and row["skipped"], f"{name}: skipped, the host has no IPv6")
            continue
        check(row["skipped"] is None, f"{name}: set up")
        check({a["address"] for a in row["attempts"]} == addresses
              and all(a["role"] == "other-family" for a in row["attempts"]),
              f"{name}: only rivals on {sorted(addresses)}")
        for v in row["verdicts"]:
            if v["identity"] == "nobody" and not IS_ROOT:
                check(v["skipped"] and "not root" in v["skipped"], f"{name}: nobody skipped, not root")
                continue
            if not ipv6:
                continue  # the IPv6 rivals are skipped: nothing to win or refuse
            if library == "asio":
                check(v["hijacked"] and v["strongest"]["options"] == "none",
                      f"{name}: hijacked by a plain {v['identity']} rival on the other family")
            else:
                check(not v["hijacked"] and v["counts"]["refused"] > 0
                      and v["counts"]["won"] == 0,
                      f"{name}: every {v['identity']} cross-family rival refused")


# -- scan ----------------------------------------------------------------------

def need_root(what):
    if not IS_ROOT:
        raise Skip(f"not root: {what}")


def scan_json(*extra, user=None):
    """Runs scan --json; checks the document against docs/probe.md's schema."""
    code, out, err = run_probe("scan", "--json", *extra, user=user)
    check(code in (0, 1), f"scan ran (exit {code}: {err.strip()})")
    report = json.loads(out)
    problems = validate_scan_json(report)
    for p in problems:
        print("schema:", p)
    check(not problems, "the scan's JSON matches the documented schema")
    check(report["exit_code"] == code, "JSON exit_code matches the exit status")
    return report


def sockets_on(report, port, proto=None):
    return [s for s in report["sockets"]
            if s["port"] == port and (proto is None or s["proto"] == proto)]


def one_socket(report, port, proto, address="127.0.0.1"):
    """The one socket on address:port (a portguard server also holds the
    port on the other address family: ::1 beside 127.0.0.1)."""
    found = [s for s in sockets_on(report, port, proto) if s["address"] == address]
    check(len(found) == 1, f"{proto} {address} port {port}: one socket listed ({len(found)})")
    return found[0]


def ipv6_loopback():
    """Whether this host can bind ::1."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def wait_held(port, kind=socket.SOCK_STREAM, limit=10.0):
    """Waits (bounded) until a plain bind of 127.0.0.1:port fails: a server holds it."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return
        time.sleep(0.05)
    raise Failure(f"no server took port {port} within {limit} s")


def wait_held_v6(port, limit=10.0):
    """Waits (bounded) until a plain bind of [::1]:port fails."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                s.bind(("::1", port))
            except OSError:
                return
        time.sleep(0.05)
    raise Failure(f"no server took [::1]:{port} within {limit} s")


AS_USER_SOCKETS = """
import os, socket, time
uid = {uid}
if uid is not None:
    os.setgroups([]); os.setgid(uid); os.setuid(uid)
kind = socket.{kind}
port = {port}
socks = []
for i in range({count}):
    s = socket.socket(socket.AF_INET, kind)
    for o in {options!r}:
        s.setsockopt(socket.SOL_SOCKET, getattr(socket, o), 1)
    s.bind(('127.0.0.1', port))
    port = s.getsockname()[1]
    if kind == socket.SOCK_STREAM and {listen}:
        s.listen()
    socks.append(s)
    if {sibling}:
        # The same port on [::1], same options: both families held.
        t = socket.socket(socket.AF_INET6, kind)
        t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        for o in {options!r}:
            t.setsockopt(socket.SOL_SOCKET, getattr(socket, o), 1)
        t.bind(('::1', port))
        if kind == socket.SOCK_STREAM and {listen}:
            t.listen()
        socks.append(t)
print(port, flush=True)
time.sleep({seconds})
"""


def as_user_sockets(kind, options=(), uid=None, count=1, port=0, listen=True, seconds=60,
                    sibling=False):
    """Python sockets bound by a process of `uid` (None: this user); yields the
    port. `sibling`: each also on [::1] (when the host has IPv6), so the
    other family's port is held and only the options decide the verdict."""
    return python_server(AS_USER_SOCKETS.format(uid=uid, kind=kind, options=list(options),
                                                count=count, port=port, listen=listen,
                                                seconds=seconds,
                                                sibling=sibling and has_ipv6()))


@contextlib.contextmanager
def nginx(port):
    """nginx (a temporary prefix, one worker, `listen 127.0.0.1:PORT reuseport`
    and, with IPv6, the same on [::1], as nginx setups that serve both do)."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not binary:
        raise Skip("nginx is not installed (Debian: nginx-light)")
    with tempfile.TemporaryDirectory() as prefix:
        paths = "\n".join(f"  {d}_temp_path {prefix}/{d};"
                          for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        config = os.path.join(prefix, "nginx.conf")
        v6_listen = f"listen [::1]:{port} reuseport ipv6only=on;" if has_ipv6() else ""
        with open(config, "w") as f:
            f.write(f"""worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
{'user nobody nogroup;' if IS_ROOT else ''}
events {{ worker_connections 16; }}
http {{
  access_log off;
{paths}
  server {{ listen 127.0.0.1:{port} reuseport; {v6_listen} return 204; }}
}}
""")
        p = subprocess.Popen([binary, "-p", prefix, "-e", f"{prefix}/error.log", "-c", config],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            wait_held(port)
            yield p
        finally:
            p.kill()
            p.wait(timeout=10)


@contextlib.contextmanager
def socat_listener(port, sibling=False):
    """socat listening on 127.0.0.1:port; `sibling` (with IPv6): a second
    socat on [::1]:port, so both families are held."""
    binary = shutil.which("socat")
    if not binary:
        raise Skip("socat is not installed")
    commands = [[binary, "-u", f"TCP4-LISTEN:{port},bind=127.0.0.1", "/dev/null"]]
    if sibling and has_ipv6():
        commands.append([binary, "-u", f"TCP6-LISTEN:{port},bind=[::1],ipv6only=1", "/dev/null"])
    procs = [subprocess.Popen(c, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for c in commands]
    try:
        wait_held(port)
        if len(procs) > 1:
            wait_held_v6(port)
        yield procs[0]
    finally:
        for p in procs:
            p.kill()
            p.wait(timeout=10)


def case_scan_udp_reuseaddr_nobody():
    """UDP with SO_REUSEADDR as nobody: hijackable by any user (read); control exclusive."""
    need_root("cannot start a server as user nobody")
    with as_user_sockets("SOCK_DGRAM", ["SO_REUSEADDR"], uid=65534) as open_port, \
            as_user_sockets("SOCK_DGRAM", [], uid=65534, sibling=True) as closed_port:
        report = scan_json("--proto", "udp")
        s = one_socket(report, open_port, "udp")
        check(s["verdict"] == "hijackable" and "any_user" in s["by"] and s["how"] == "read",
              f"SO_REUSEADDR UDP socket: hijackable by any_user, read ({s['verdict']} {s['by']} {s['how']})")
        check(s["uid"] == 65534 and s["process"] and s["pid"], "owner uid, pid and process shown")
        check(s["options"] == ["reuse_address"], "the option read is reuse_address")
        c = one_socket(report, closed_port, "udp")
        check(c["verdict"] == "exclusive" and c["by"] == [] and c["how"] == "read",
              "control: the plain UDP socket of the same user is exclusive")
        check(report["exit_code"] == 1, "exit 1: something is hijackable")
        check(all(s["proto"] == "udp" for s in report["sockets"]), "--proto udp lists UDP only")


def case_scan_reuseport_pair():
    """Two SO_REUSEPORT listeners on one port: shared, both holders listed; control exclusive."""
    with as_user_sockets("SOCK_STREAM", ["SO_REUSEPORT"], count=2) as pair_port, \
            as_user_sockets("SOCK_STREAM", [], sibling=True) as single_port:
        report = scan_json("--proto", "tcp")
        pair = sockets_on(report, pair_port, "tcp")
        check(len(pair) == 2, "both sockets of the pair are listed")
        check(all(s["verdict"] == "shared" and len(s["holders"]) == 2 for s in pair),
              "each is shared and lists both holders")
        check(all(not s["uids_differ"] for s in pair), "one user: uids_differ is false")
        single = one_socket(report, single_port, "tcp")
        check(single["verdict"] == "exclusive", "control: a plain listener is exclusive")
        code, out, _ = run_probe("scan", "--proto", "tcp")
        check(code == 1 and "SHARED" in out and f":{pair_port}" in out,
              "the table shows the shared port")
        check(out.index("SHARED") < out.index("scanned in"), "shared comes first")


def case_scan_two_users_udp():
    """root and nobody on one UDP port: shared, different uids flagged; control exclusive."""
    need_root("cannot start a server as user nobody")
    with as_user_sockets("SOCK_DGRAM", ["SO_REUSEADDR"]) as port, \
            as_user_sockets("SOCK_DGRAM", ["SO_REUSEADDR"], uid=65534, port=port), \
            as_user_sockets("SOCK_DGRAM", [], sibling=True) as control:
        report = scan_json("--proto", "udp")
        both = sockets_on(report, port, "udp")
        check(len(both) == 2, "both users' sockets are listed")
        check(all(s["verdict"] == "shared" and s["uids_differ"] for s in both),
              "shared, with different uids flagged")
        check({h["uid"] for h in both[0]["holders"]} == {0, 65534}, "holders: uid 0 and 65534")
        check(one_socket(report, control, "udp")["verdict"] == "exclusive",
              "control: a plain UDP socket is exclusive")
        check(report["sockets"][0]["uids_differ"], "a port shared by two users is listed first")
        code, out, _ = run_probe("scan", "--proto", "udp")
        check(code == 1 and "DIFFERENT USERS" in out, "the table flags the different users")


def case_scan_nginx_socat():
    """nginx `reuseport` (127.0.0.1 and [::1]): hijackable same_user; socat
    beside it (127.0.0.1 and [::1]): exclusive."""
    ngx_port, socat_port = free_port(), free_port()
    with nginx(ngx_port), socat_listener(socat_port, sibling=True):
        report = scan_json("--proto", "tcp")
        n = one_socket(report, ngx_port, "tcp")
        check(n["verdict"] == "hijackable" and n["by"] == ["same_user"],
              f"nginx reuseport: hijackable by same_user ({n['verdict']} {n['by']} {n['how']})")
        if IS_ROOT:
            check(n["how"] == "read" and "reuse_port" in n["options"], "nginx: options read")
            check(n["process"] == "nginx", "nginx named as the process")
            # The worker (user nobody) inherits the master's (root) socket:
            # one socket, open in both, each listed with its own uid.
            uids = {p["uid"] for p in n["processes"]}
            check(len(n["processes"]) >= 2 and {0, 65534} <= uids
                  and all(p["process"] == "nginx" for p in n["processes"]),
                  f"nginx: master and worker both listed with their uids ({n['processes']})")
        s = one_socket(report, socat_port, "tcp")
        check(s["verdict"] == "exclusive" and s["process"] == "socat",
              f"control: socat's listener is exclusive ({s['verdict']})")
        check(len(s["processes"]) == 1 and s["processes"][0]["pid"] == s["pid"],
              "control: socat's listener is open in one process")


def case_scan_portguard():
    """portguard servers (secure_acceptor, exclusive_bind): exclusive; control hijackable."""
    with holder("tcp") as tcp_port, holder("udp") as udp_port, \
            raw_socket("SOCK_DGRAM", ["SO_REUSEADDR"]) as control:
        report = scan_json()
        t = one_socket(report, tcp_port, "tcp")
        u = one_socket(report, udp_port, "udp")
        check(t["verdict"] == "exclusive" and t["how"] == "read", "secure_acceptor: exclusive (read)")
        check(u["verdict"] == "exclusive" and u["how"] == "read", "exclusive_bind UDP: exclusive (read)")
        if socket.has_ipv6 and ipv6_loopback():
            for port, proto in ((tcp_port, "tcp"), (udp_port, "udp")):
                g = one_socket(report, port, proto, "::1")
                check(g["verdict"] == "exclusive", f"{proto}: the guard on [::1] is listed, exclusive")
        c = one_socket(report, control, "udp")
        check(c["verdict"] == "hijackable" and "any_user" in c["by"],
              "control: a SO_REUSEADDR UDP socket is hijackable by any user")


def case_scan_other_family():
    """A listener on 127.0.0.1 alone: [::1] beside it is free, so any user
    could take its IPv6 clients: hijackable. Controls: the same with [::1]
    held too, and portguard servers (guards listed, exclusive)."""
    if not has_ipv6():
        raise Skip("IPv6 loopback is not available: there is no other family to take")
    with raw_socket("SOCK_STREAM", [], listen=True) as alone, \
            raw_socket("SOCK_STREAM", [], listen=True, sibling=True) as both, \
            raw_socket("SOCK_DGRAM", []) as udp_alone, \
            holder("tcp") as guarded, holder("tcp", "0.0.0.0") as wildcard:
        report = scan_json()
        a = one_socket(report, alone, "tcp")
        check(a["verdict"] == "hijackable" and "any_user" in a["by"]
              and a["other_family"] == {"address": "::1", "state": "free"},
              f"127.0.0.1 alone: hijackable by any_user, [::1] free ({a['verdict']} {a['by']})")
        check(f"[::1]:{alone} free: a client trying IPv6 first reaches whoever binds it"
              in (a["note"] or ""), "the note says what the free [::1] port means")
        check(a["options"] == [], "its own options are none: the verdict is the other family's")
        u = one_socket(report, udp_alone, "udp")
        check(u["verdict"] == "hijackable" and u["other_family"]["state"] == "free",
              "a UDP socket on 127.0.0.1 alone: hijackable, [::1] free")
        b = one_socket(report, both, "tcp")
        check(b["verdict"] == "exclusive" and b["other_family"]["state"] == "held",
              "control: 127.0.0.1 with [::1] held too is exclusive")
        g = one_socket(report, guarded, "tcp")
        check(g["verdict"] == "exclusive" and g["other_family"]["state"] == "held",
              "portguard on 127.0.0.1: exclusive, [::1] held by its guard")
        guard = one_socket(report, guarded, "tcp", "::1")
        check(guard["verdict"] == "exclusive" and guard["state"] == "bound"
              and guard["other_family"] is None and guard["pid"] == g["pid"],
              "its guard on [::1]: bound, not listening, exclusive, the same process")
        w = one_socket(report, wildcard, "tcp", "0.0.0.0")
        check(w["verdict"] == "exclusive" and w["other_family"] == {"address": "::", "state": "held"},
              "portguard on 0.0.0.0: exclusive, [::] V6ONLY held")
        wg = one_socket(report, wildcard, "tcp", "::")
        check(wg["verdict"] == "exclusive" and wg["v6_only"], "its guard on [::] V6ONLY: exclusive")
        code, out, _ = run_probe("scan", "--proto", "tcp", "--port", str(alone))
        check(code == 1 and "HIJACKABLE" in out and f"[::1]:{alone} free" in out,
              "the table shows the free [::1] port in the note")


MAPPED_LISTENER = """
import socket, time
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(('{address}', 0))
s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(60)
"""


def case_scan_mapped():
    """A plain listener on [::ffff:127.0.0.1] (V6ONLY off) is 127.0.0.1: [::1]
    beside it is free, so any user could take its IPv6 clients: hijackable,
    and so is [::ffff:0.0.0.0] with [::] V6ONLY free. Controls: portguard
    servers on the same addresses (their guards held, exclusive)."""
    if sys.platform != "linux":
        raise Skip("v4-mapped binds are covered on Linux only")
    if not has_ipv6():
        raise Skip("IPv6 loopback is not available: there is no other family to take")
    loopback, wildcard = "::ffff:127.0.0.1", "::ffff:0.0.0.0"
    with python_server(MAPPED_LISTENER.format(address=loopback)) as plain, \
            python_server(MAPPED_LISTENER.format(address=wildcard)) as plain_any, \
            holder("tcp", loopback) as guarded, holder("tcp", wildcard) as guarded_any:
        report = scan_json()
        for port, address, sibling in ((plain, loopback, "::1"), (plain_any, wildcard, "::")):
            a = one_socket(report, port, "tcp", address)
            check(a["verdict"] == "hijackable" and "any_user" in a["by"]
                  and a["other_family"] == {"address": sibling, "state": "free"},
                  f"plain {address}: hijackable by any_user, [{sibling}] free "
                  f"({a['verdict']} {a['by']} {a['other_family']})")
        for port, address, sibling in ((guarded, loopback, "::1"),
                                       (guarded_any, wildcard, "::")):
            g = one_socket(report, port, "tcp", address)
            check(g["verdict"] == "exclusive"
                  and g["other_family"] == {"address": sibling, "state": "held"},
                  f"portguard on {address}: exclusive, [{sibling}] held by its guard "
                  f"({g['verdict']} {g['by']} {g['other_family']})")
            guard = one_socket(report, port, "tcp", sibling)
            check(guard["state"] == "bound" and guard["pid"] == g["pid"],
                  f"its guard on [{sibling}]: bound, not listening, the same process")


def case_scan_process_exits():
    """Processes that bind and exit while scans run: every scan ends cleanly."""
    # The churn lasts until the scans are done (killed below; 60 s at most),
    # so a slow scan (a sanitizer build, a loaded host) still runs inside it.
    churn = """
import socket, time
end = time.monotonic() + 60
while time.monotonic() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', 0))
    s.close()
"""
    spawner = f"""
import subprocess, sys, time
end = time.monotonic() + 60
n = 0
while time.monotonic() < end and n < 3000:
    subprocess.Popen([sys.executable, '-c', 'import socket,time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); time.sleep(0.02)'])
    n += 1
    time.sleep(0.01)
"""
    procs = [subprocess.Popen([sys.executable, "-c", code]) for code in (churn, spawner)]
    try:
        # Three scans at least, more while 4 s last; each must end cleanly
        # (scan_json checks the exit status and the schema).
        deadline = time.monotonic() + 4
        runs = 0
        while runs < 3 or (time.monotonic() < deadline and runs < 40):
            scan_json("--proto", "udp")
            runs += 1
        check(all(p.poll() is None for p in procs), "the churn ran through every scan")
    finally:
        for p in procs:
            p.kill()
            p.wait(timeout=10)


def case_scan_prometheus():
    """--prometheus loads into prometheus_client's parser; control: an exclusive socket."""
    try:
        parse_prometheus("")
    except ImportError:
        raise Skip("prometheus_client is not installed (Debian: python3-prometheus-client)")
    with raw_socket("SOCK_DGRAM", ["SO_REUSEADDR"]) as open_port, holder("udp") as closed_port:
        code, out, _ = run_probe("scan", "--prometheus")
        check(code == 1, "exit 1: something is hijackable")
        families = parse_prometheus(out)
        check({"portguard_socket", "portguard_sockets", "portguard_scan_duration_seconds"}
              <= set(families), f"metric families: {sorted(families)}")
        kind, samples = families["portguard_socket"]
        check(kind == "gauge", "portguard_socket is a gauge")
        for sample in samples:
            if set(sample.labels) != {"proto", "address", "port", "state", "process", "user",
                                      "verdict", "by", "how"}:
                raise Failure(f"labels of {sample}")
        mine = [x for x in samples if x.labels["port"] == str(open_port)
                and x.labels["proto"] == "udp"]
        check(len(mine) == 1 and mine[0].labels["verdict"] == "hijackable"
              and mine[0].labels["by"] == "any_user" and mine[0].value == 1,
              "the SO_REUSEADDR socket: verdict hijackable, by any_user")
        ctl = [x for x in samples if x.labels["port"] == str(closed_port)
               and x.labels["proto"] == "udp" and x.labels["address"] == "127.0.0.1"]
        check(len(ctl) == 1 and ctl[0].labels["verdict"] == "exclusive",
              "control: the portguard socket is exclusive")
        per_verdict = {x.labels["verdict"]: x.value for x in families["portguard_sockets"][1]}
        check(set(per_verdict) == {"shared", "hijackable", "unknown", "exclusive"}
              and per_verdict["hijackable"] >= 1, "one summary gauge per verdict")
        check(sum(x.value for x in samples) == sum(per_verdict.values()),
              "the per-socket gauges add up to the summary")


def case_scan_active():
    """--active: rival binds find the SO_REUSEADDR UDP socket, not the portguard one."""
    with raw_socket("SOCK_DGRAM", ["SO_REUSEADDR"]) as open_port, holder("udp") as closed_port:
        for port, expected in ((open_port, "hijackable"), (closed_port, "exclusive")):
            report = scan_json("--active", "--port", str(port))
            check(report["active"] and report["summary"]["rivals_tried"] > 0, "rivals ran")
            s = one_socket(report, port, "udp")
            check(s["verdict"] == expected, f"port {port}: {expected} ({s['verdict']}, {s['how']})")
            if expected == "hijackable":
                check(s["how"] == "probed", "the verdict says it was probed")
                if IS_ROOT:
                    check("any_user" in s["by"], "as root, user nobody's rival won: any_user")


def case_scan_not_root():
    """As user nobody: the scan runs, says what it could not see, crashes on nothing."""
    need_root("cannot switch to user nobody")
    with holder("tcp") as port, \
            raw_socket("SOCK_STREAM", ["SO_REUSEPORT"], listen=True, sibling=True) as control:
        report = scan_json("--proto", "tcp", user="nobody")
        check(not report["privileged"], "the report says it was not root")
        check(any("hidden" in l for l in report["limits"]), "the limits say what was hidden")
        s = one_socket(report, port, "tcp")
        check(s["how"] == "inferred" and s["pid"] is None and s["note"],
              "root's socket: inferred, no pid, a note says why")
        check(s["verdict"] in ("unknown", "exclusive"), "not called hijackable without evidence")
        c = one_socket(report, control, "tcp")
        check(c["verdict"] == s["verdict"],
              "control: a SO_REUSEPORT listener looks the same from outside, as it must")
        report = scan_json("--proto", "tcp")
        check(one_socket(report, control, "tcp")["verdict"] == "hijackable"
              and one_socket(report, port, "tcp")["verdict"] == "exclusive",
              "as root the two are told apart")


def case_scan_markdown_verbose():
    with holder("tcp") as port:
        code, out, _ = run_probe("scan", "--proto", "tcp", "--markdown", "--verbose")
        check(code in (0, 1) and out.startswith("### portguard-probe scan"), "Markdown heading")
        check(any(l.startswith("|") and f":{port} |" in l for l in out.splitlines()),
              "--verbose lists the exclusive socket as a Markdown row")
        code, out, _ = run_probe("scan", "--proto", "tcp")
        check(f":{port} " not in out and "--verbose lists them" in out,
              "without --verbose exclusive sockets are counted, not listed")


def run_probe_to(path, *argv, user=None):
    """Runs the probe with --output PATH under umask 077; returns (code, stdout, stderr)."""
    old = os.umask(0o077)
    try:
        return run_probe(*argv, "--output", path, user=user)
    finally:
        os.umask(old)


def case_scan_output():
    """--output FILE: written whole, mode 0644, whatever the exit status; a failed write
    is exit 3 with one line, leaves the old file and no temporary file."""
    with raw_socket("SOCK_DGRAM", ["SO_REUSEADDR"]) as open_port, holder("tcp") as closed_port, \
            tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        target = os.path.join(d, "portguard.prom")
        code, out, err = run_probe_to(target, "scan", "--prometheus")
        check(code == 1 and out == "" and err == "",
              "exit 1 (a finding), nothing on stdout or stderr")
        check(os.listdir(d) == ["portguard.prom"], f"the file alone, no temporary: {os.listdir(d)}")
        check(os.stat(target).st_mode & 0o777 == 0o644, "mode 0644 under umask 077")
        with open(target) as f:
            text = f.read()
        check(text.endswith("\n") and f'port="{open_port}"' in text,
              "the file is whole and names the hijackable socket")
        try:
            families = parse_prometheus(text)
            check("portguard_sockets" in families, "the file parses as Prometheus text")
        except ImportError:
            pass
        # Replaced, not appended to; exit 0 writes too (an audit of a portguard port).
        code, out, _ = run_probe_to(target, "tcp", f"127.0.0.1:{closed_port}", "--json")
        with open(target) as f:
            report = json.load(f)
        check(code == 0 and out == "" and report["exit_code"] == 0,
              "exit 0: the file holds the JSON audit alone")
        # The file appears whole: a reader polling during 10 writes never sees a part.
        seen = []
        stop = time.monotonic() + 30

        def reader():
            while not done and time.monotonic() < stop:
                try:
                    with open(target) as f:
                        seen.append(f.read())
                except FileNotFoundError:
                    seen.append(None)
        done = False
        import threading
        t = threading.Thread(target=reader)
        t.start()
        for _ in range(10):
            code, _, _ = run_probe_to(target, "scan", "--prometheus")
            check(code == 1, "exit 1 again")
        done = True
        t.join()
        partial = [x for x in seen if x is None or not (x.endswith("\n") and
                   ("portguard_scan_duration_seconds" in x or x.startswith("{")))]
        check(len(seen) > 10 and not partial,
              f"{len(seen)} reads during the writes, each a whole file ({len(partial)} not)")
        check(os.listdir(d) == ["portguard.prom"], "no temporary file left after 10 writes")
        # A directory that does not exist: exit 3, one line, nothing written.
        missing = os.path.join(d, "missing", "portguard.prom")
        code, out, err = run_probe_to(missing, "scan", "--prometheus")
        check(code == 3 and out == "" and err.count("\n") == 1
              and err.startswith(f"portguard-probe: cannot write the report to {missing}: ")
              and "No such file or directory" in err,
              "a missing directory: exit 3 and one line naming the file and the reason")
        check(os.listdir(d) == ["portguard.prom"], "nothing created beside it")
        code, _, err = run_probe_to(d + "/", "scan")
        check(code == 3 and "names a directory" in err, "a directory as FILE: exit 3")
        code, out, err = run_probe("scan", "--output")
        check(code == 2 and "--output needs a file name" in err, "--output without FILE: exit 2")
        # A directory the probe may not write: the old file stays, no temporary.
        before = open(target).read()
        if IS_ROOT:
            code, out, err = run_probe_to(target, "scan", "--prometheus", user="nobody")
        else:
            os.chmod(d, 0o555)
            try:
                code, out, err = run_probe_to(target, "scan", "--prometheus")
            finally:
                os.chmod(d, 0o755)
        check(code == 3 and "Permission denied" in err, "a closed directory: exit 3")
        check(open(target).read() == before and os.listdir(d) == ["portguard.prom"],
              "the old file is as it was, no temporary file")


# -- scan: a process name any user may choose ----------------------------------

# PR_SET_NAME takes any bytes (up to 15): a newline, a table's |, ESC [2J
# (clear screen), a byte that is not UTF-8, a quote, a backslash, a CR.
HOSTILE_NAME = b'a\nb|\x1b[2J\xff"\\\r'
HOSTILE_SHOWN = r'a\nb|\x1b[2J\xff"\\\r'  # as detail::printable() shows it

HOSTILE_HOLDER = """
import ctypes, socket, sys, time
if ctypes.CDLL(None).prctl(15, ctypes.c_char_p({name!r}), 0, 0, 0) != 0:  # PR_SET_NAME
    sys.exit('prctl(PR_SET_NAME) failed')
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1], flush=True)
time.sleep(60)
"""


def hostile_holder():
    """A process named HOSTILE_NAME holding a UDP socket with SO_REUSEADDR on
    127.0.0.1 (hijackable by any user); yields the port."""
    if not sys.platform.startswith("linux"):
        raise Skip("PR_SET_NAME is Linux's")
    return python_server(HOSTILE_HOLDER.format(name=HOSTILE_NAME))


def run_probe_bytes(*argv):
    """Runs the probe; returns (exit code, stdout as bytes)."""
    p = subprocess.run([args.probe, *argv], capture_output=True, timeout=TIMEOUT)
    print(f"$ portguard-probe {' '.join(argv)}  -> exit {p.returncode}")
    return p.returncode, p.stdout


def control_bytes(data):
    """The control bytes in `data`, newlines aside."""
    return sorted({b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f})


def markdown_cells(row):
    """The cells of a Markdown table row, unescaped ("\\|" is a |, not a
    cell boundary)."""
    cells, cell, escaped = [], "", False
    for c in row.strip()[1:]:
        if escaped:
            cell, escaped = cell + c, False
        elif c == "\\":
            escaped = True
        elif c == "|":
            cells.append(cell.strip())
            cell = ""
        else:
            cell += c
    return cells


def hostile_socket(port):
    """The hostile process's socket in scan --json, after checking that the
    kernel holds the name as given."""
    report = scan_json("--proto", "udp", "--port", str(port))
    s = one_socket(report, port, "udp")
    check(s["pid"] is not None, "the hostile process is seen")
    with open(f"/proc/{s['pid']}/comm", "rb") as f:
        comm = f.read()
    check(comm == HOSTILE_NAME + b"\n", f"/proc/PID/comm holds the hostile name ({comm!r})")
    return s


def case_scan_hostile_name():
    """A process names itself with control bytes, a |, an invalid UTF-8 byte
    and a backslash, and holds a hijackable UDP port: the table prints no
    control byte and one line for the socket, the Markdown row keeps its
    cells, the JSON is strict UTF-8 with the name escaped. Control: the raw
    name, as the outputs printed it before, has every one of those faults."""
    with hostile_holder() as port:
        s = hostile_socket(port)
        check(s["process"] == HOSTILE_SHOWN, f"JSON: the name escaped ({s['process']!r})")
        shown_pid = f"{s['pid']} ({HOSTILE_SHOWN})"

        code, out = run_probe_bytes("scan", "--proto", "udp", "--port", str(port))
        check(code == 1 and not control_bytes(out),
              f"table: exit 1 and no control byte ({control_bytes(out)})")
        text = out.decode("utf-8")  # strict: raises on invalid UTF-8
        rows = [l for l in text.splitlines() if f"127.0.0.1:{port} " in l]
        check(len(rows) == 1 and rows[0].startswith("udp ") and shown_pid in rows[0],
              f"table: one line for the socket, the name escaped in it: {rows}")

        code, out = run_probe_bytes("scan", "--proto", "udp", "--port", str(port), "--markdown")
        check(code == 1 and not control_bytes(out), "Markdown: no control byte")
        table = [l for l in out.decode("utf-8").splitlines() if l.startswith("|")]
        check(len(table) == 3, f"Markdown: a header, a rule and one row ({len(table)} lines)")
        header, row = markdown_cells(table[0]), markdown_cells(table[2])
        check(len(row) == len(header) and row[4] == shown_pid,
              f"Markdown: the row keeps its {len(header)} cells, the name in its own: {row}")

        for argv in (["--json"], ["--prometheus"]):
            code, out = run_probe_bytes("scan", "--proto", "udp", "--port", str(port), *argv)
            out.decode("utf-8")
            check(not control_bytes(out), f"{argv[0]}: strict UTF-8, no control byte")

        # The control: what the outputs printed before (the name as read).
        raw = b"%d (%s)" % (s["pid"], HOSTILE_NAME)
        check(control_bytes(raw) and b"\n" in raw and b"|" in raw,
              "control: the raw name has control bytes, a newline and a |")
        try:
            HOSTILE_NAME.decode("utf-8")
            raise Failure("control: the raw name is UTF-8")
        except UnicodeDecodeError:
            print("ok: control: the raw name is not UTF-8, so no JSON document may hold it")


PROMETHEUS_FAMILIES = ("portguard_socket", "portguard_sockets",
                       "portguard_scan_duration_seconds", "portguard_scan_limits")


def promtool_check(text):
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       timeout=TIMEOUT)
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace").strip()


@contextlib.contextmanager
def node_exporter(directory):
    """node_exporter with the textfile collector alone, reading `directory`,
    on 127.0.0.1; yields a function that scrapes it (bounded)."""
    import urllib.request
    port = free_port()
    p = subprocess.Popen([NODE_EXPORTER, "--collector.disable-defaults",
                          "--collector.textfile", f"--collector.textfile.directory={directory}",
                          f"--web.listen-address=127.0.0.1:{port}"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)

    def scrape():
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                    return r.read().decode("utf-8")
            except OSError:
                if time.monotonic() > deadline or p.poll() is not None:
                    raise Failure(f"node_exporter on 127.0.0.1:{port} did not answer")
                time.sleep(0.1)
    try:
        yield scrape
    finally:
        p.kill()
        _, err = p.communicate(timeout=10)
        print("node_exporter said:", err.decode("utf-8", "replace").strip()[-400:])


NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"


def served(families, name):
    return [s for f in families.values() for s in f[1] if s.name == name]


def case_scan_hostile_name_prometheus():
    """The hostile name through --prometheus: promtool accepts the file,
    prometheus_client parses it, node_exporter serves every portguard_*
    series with node_textfile_scrape_error 0. Control: the same socket
    written as before (the name's raw bytes in the label) fails promtool and
    makes node_exporter drop every series (node_textfile_scrape_error 1)."""
    if not shutil.which("promtool"):
        raise Skip("promtool is not installed (Debian: prometheus)")
    exporter = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
    if not exporter:
        raise Skip("node_exporter is not installed (Debian: prometheus-node-exporter)")
    global NODE_EXPORTER
    NODE_EXPORTER = exporter
    try:
        parse_prometheus("")
    except ImportError:
        raise Skip("prometheus_client is not installed (Debian: python3-prometheus-client)")
    with hostile_holder() as port, holder("udp") as guarded, \
            tempfile.TemporaryDirectory() as directory:
        s = hostile_socket(port)
        code, out = run_probe_bytes("scan", "--prometheus")
        check(code == 1 and not control_bytes(out), "exit 1, no control byte")
        text = out.decode("utf-8")
        status, said = promtool_check(out)
        check(status == 0, f"promtool check metrics accepts the file ({said})")
        families = parse_prometheus(text)
        mine = [x for x in families["portguard_socket"][1]
                if x.labels["port"] == str(port) and x.labels["proto"] == "udp"]
        check(len(mine) == 1 and mine[0].labels["process"] == HOSTILE_SHOWN,
              f"prometheus_client: the socket with the name escaped ({mine})")
        bys = {x.labels["by"] for x in families["portguard_socket"][1]}
        check(bys <= {"none", "root_only", "same_user", "any_user"},
              f"by is one of none, root_only, same_user, any_user ({bys})")
        ctl = [x for x in families["portguard_socket"][1] if x.labels["port"] == str(guarded)
               and x.labels["proto"] == "udp" and x.labels["address"] == "127.0.0.1"]
        check(len(ctl) == 1 and ctl[0].labels["verdict"] == "exclusive"
              and ctl[0].labels["by"] == "none",
              f"control: the portguard socket is exclusive, by=\"none\" ({ctl})")
        check(b"# HELP portguard_socket " in out, "the file has its # HELP lines")

        prom = os.path.join(directory, "portguard.prom")
        with open(prom, "wb") as f:
            f.write(out)
        with node_exporter(directory) as scrape:
            scraped = parse_prometheus(scrape())
            errors = served(scraped, "node_textfile_scrape_error")
            check(len(errors) == 1 and errors[0].value == 0,
                  f"node_exporter: node_textfile_scrape_error 0 ({errors})")
            for name in PROMETHEUS_FAMILIES:
                check(len(served(scraped, name)) == len(served(families, name)) > 0,
                      f"node_exporter serves every {name} sample")
            check(any(x.labels.get("process") == HOSTILE_SHOWN
                      for x in served(scraped, "portguard_socket")),
                  "node_exporter serves the hostile process's socket")

            # The control: the name's raw bytes in the label, escaped only as
            # the probe did before (\\, \" and \n).
            old = (HOSTILE_NAME.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
                   .replace(b"\n", b"\\n"))
            raw = out.replace(HOSTILE_SHOWN.replace("\\", "\\\\").replace('"', '\\"')
                              .encode(), old)
            check(raw != out, "control: the raw name is in the control file")
            status, said = promtool_check(raw)
            check(status != 0, f"control: promtool check metrics rejects it ({said[:200]})")
            with open(prom, "wb") as f:
                f.write(raw)
            scraped = parse_prometheus(scrape())
            errors = served(scraped, "node_textfile_scrape_error")
            check(len(errors) == 1 and errors[0].value == 1,
                  f"control: node_textfile_scrape_error 1 ({errors})")
            check(not any(served(scraped, name) for name in PROMETHEUS_FAMILIES),
                  "control: node_exporter drops every portguard_* series")
        check(s["process"] == HOSTILE_SHOWN, "JSON agrees with the metrics")


def case_audit_owner_uid():
    """A SO_REUSEPORT listener of user daemon: the owner's uid wins; control plain listener."""
    need_root("only root can start a rival as another user")
    with as_user_sockets("SOCK_STREAM", ["SO_REUSEPORT"], uid=1) as port, \
            as_user_sockets("SOCK_STREAM", [], uid=1) as control:
        code, report = audit_json("tcp", f"127.0.0.1:{port}")
        check(code == 1, "exit 1: the owner's uid binds it")
        check(report["owner_uids"] == [1] and "owner" in report["identities"],
              "the owner's uid is read from the table and tried")
        check(report["verdict"]["strongest"]["identity"] == "owner", "the owner rival won")
        code, report = audit_json("tcp", f"127.0.0.1:{control}")
        check(not [a for a in same_family(report["attempts"]) if a["outcome"] == "won"],
              "control: no rival takes the own port of a plain listener of daemon")


def case_audit_not_root_owner():
    """Not root: the owner's uid is named as not tried."""
    need_root("cannot switch to user nobody")
    with as_user_sockets("SOCK_STREAM", ["SO_REUSEPORT"], uid=1) as port:
        code, out, _ = run_probe("tcp", f"127.0.0.1:{port}", "--json", user="nobody")
        report = json.loads(out)
        check(any("uid 1" in n and "not root" in n for n in report["not_tried"]),
              "not_tried names the owner's uid and why")


def case_audit_time_wait():
    """Only TIME_WAIT entries on a port: exit 3; control: the live listener, exit 0."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    accepted, _ = listener.accept()
    code, out, _ = run_probe("tcp", f"127.0.0.1:{port}")
    check(code in (0, 1) and "is held" in out, "control: the live listener is held and audited")
    accepted.close()  # the server side closes first: its end enters TIME_WAIT
    time.sleep(0.1)
    client.close()
    listener.close()
    code, out, err = run_probe("tcp", f"127.0.0.1:{port}")
    check(code == 3 and out == "", "exit 3 with only TIME_WAIT entries on the port")
    check("TIME_WAIT" in err and "no socket listens" in err, "the message says what was found")


def case_audit_short_output():
    with holder("tcp") as port:
        code, out, _ = run_probe("tcp", f"127.0.0.1:{port}")
        check(code == 0 and len(out.splitlines()) < 15 and "verdict: not hijackable" in out,
              "the default output is the verdict and a short summary")
        code, out, _ = run_probe("tcp", f"127.0.0.1:{port}", "--verbose")
        check(code == 0 and len(out.splitlines()) > 30, "--verbose prints every rival")


# -- scan: cgroup v1 net_cls and net_prio ---------------------------------------

def cgroup_line(controller):
    """(hierarchy id, number of groups) of a controller in /proc/cgroups;
    hierarchy 0: bound to no cgroup v1 hierarchy."""
    with open("/proc/cgroups") as f:
        for line in f:
            fields = line.split()
            if fields and fields[0] == controller:
                return int(fields[1]), int(fields[2])
    raise Skip(f"this kernel has no {controller} controller")


def wait_for(condition, limit=5.0):
    """Waits (bounded) until condition() holds; returns whether it did."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def group_tasks(group):
    with open(os.path.join(group, "cgroup.procs")) as f:
        return f.read().split()


@contextlib.contextmanager
def cgroup_v1(controller):
    """Mounts `controller` as a cgroup v1 hierarchy in a temporary folder and
    yields the folder. At the end, whatever happened: every task of a child
    group back in the root group, the child groups removed, unmounted, and
    the controller bound to no hierarchy again."""
    if cgroup_line(controller)[0] != 0:
        raise Skip(f"{controller} is already mounted as cgroup v1 on this host")
    root = tempfile.mkdtemp(prefix=f"portguard-{controller}-")
    p = subprocess.run(["mount", "-t", "cgroup", "-o", controller, "none", root],
                       capture_output=True, text=True, timeout=TIMEOUT)
    if p.returncode != 0:
        os.rmdir(root)
        raise Skip(f"mount -t cgroup -o {controller} refused: {p.stderr.strip()}")
    try:
        yield root
    finally:
        for group in (e.path for e in os.scandir(root) if e.is_dir()):
            for task in group_tasks(group):
                with contextlib.suppress(OSError), \
                        open(os.path.join(root, "cgroup.procs"), "w") as f:
                    f.write(task)
            wait_for(lambda: not group_tasks(group))
            os.rmdir(group)
        # A hierarchy unmounted while a removed group is still being freed
        # outlives the unmount; mounting it again and unmounting ends it.
        wait_for(lambda: cgroup_line(controller)[1] == 1)
        for attempt in range(2):
            subprocess.run(["umount", root], check=True, timeout=TIMEOUT)
            if wait_for(lambda: cgroup_line(controller)[0] == 0, limit=2.0) or attempt:
                break
            subprocess.run(["mount", "-t", "cgroup", "-o", controller, "none", root],
                           check=True, timeout=TIMEOUT)
        os.rmdir(root)
        if cgroup_line(controller)[0] != 0:
            print(f"warning: {controller} is still bound to a cgroup v1 hierarchy")


NET_CLS_LISTENER = """
import os, socket, time
if {procs!r}:
    with open({procs!r}, 'w') as f:
        f.write(str(os.getpid()))
os.setgroups([]); os.setgid(65534); os.setuid(65534)
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(60)
"""


def nobody_listener(group=""):
    """A TCP listener of user nobody on 127.0.0.1, which joins the cgroup
    folder `group` (if any) before it creates its socket; yields the port."""
    procs = os.path.join(group, "cgroup.procs") if group else ""
    return python_server(NET_CLS_LISTENER.format(procs=procs))


def ss_listener(port, *options):
    """ss's line for the listener on 127.0.0.1:port."""
    p = subprocess.run(["ss", "-H", "-ltn", *options, f"sport = :{port}"],
                       capture_output=True, text=True, timeout=TIMEOUT)
    lines = [l for l in p.stdout.splitlines() if f"127.0.0.1:{port} " in l]
    check(len(lines) == 1, f"ss lists the listener on port {port}")
    return lines[0]


def class_id(port):
    """The socket's net_cls classid as `ss --tos` shows it (class_id:0x100001)."""
    return int(ss_listener(port, "--tos").split("class_id:")[1].split()[0], 0)


def duplicate(port):
    """What the scan did before: pidfd_open (434) and pidfd_getfd (438) of
    the listener's descriptor from this process, then close the copy."""
    import ctypes
    users = ss_listener(port, "-p").split("pid=")[1]
    pid, fd = int(users.split(",")[0]), int(users.split("fd=")[1].split(")")[0])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    pidfd = libc.syscall(ctypes.c_long(434), ctypes.c_int(pid), ctypes.c_uint(0))
    check(pidfd >= 0, f"pidfd_open of the listener ({os.strerror(ctypes.get_errno())})")
    copy = libc.syscall(ctypes.c_long(438), ctypes.c_int(pidfd), ctypes.c_int(fd),
                        ctypes.c_uint(0))
    error = ctypes.get_errno()
    os.close(pidfd)
    check(copy >= 0, f"pidfd_getfd of its descriptor {fd} ({os.strerror(error)})")
    os.close(copy)


CLASSID = 0x100001


def case_scan_net_cls():
    """cgroup v1 net_cls in use: the scan reads no socket, so a listener keeps
    its classid; controls: a plain pidfd_getfd rewrites it, and without
    net_cls (or with net_prio only) the same kind of listener is read (or not)."""
    need_root("mounting cgroup v1 net_cls needs root")
    if not shutil.which("ss"):
        raise Skip("ss is not installed (iproute2)")
    if cgroup_line("net_cls")[0] or cgroup_line("net_prio")[0]:
        raise Skip("net_cls or net_prio is already mounted as cgroup v1 on this host")
    with nobody_listener() as port:
        s = one_socket(scan_json("--proto", "tcp", "--port", str(port)), port, "tcp")
        check(s["how"] == "read" and s["options"] == [],
              f"control: without cgroup v1 net_cls or net_prio the listener is read ({s['how']})")
    with cgroup_v1("net_cls") as root:
        group = os.path.join(root, "portguard-test")
        os.mkdir(group)
        with open(os.path.join(group, "net_cls.classid"), "w") as f:
            f.write(str(CLASSID))
        with nobody_listener(group) as port:
            check(class_id(port) == CLASSID, f"the listener's socket carries classid {CLASSID:#x}")
            code, out, _ = run_probe("scan", "--proto", "tcp", "--port", str(port))
            report = scan_json("--proto", "tcp", "--port", str(port))
            after = class_id(port)
            check(after == CLASSID, f"after two scans the classid is still {CLASSID:#x} ({after:#x})")
            row = [l for l in out.splitlines() if f"127.0.0.1:{port} " in l]
            check(code in (0, 1) and len(row) == 1 and " inferred " in row[0]
                  and "net_cls cgroup v1 in use" in row[0],
                  "the table says the options were inferred, and why")
            s = one_socket(report, port, "tcp")
            check(s["how"] == "inferred" and s["options"] is None
                  and "net_cls cgroup v1 in use: reading would rewrite the socket's classid"
                  in s["note"], f"JSON: inferred, the note says why ({s['note']})")
            check(s["verdict"] != "exclusive", "not called exclusive without reading it")
            check(any("net_cls" in l for l in report["limits"]), "the limits say so")
            duplicate(port)
            after = class_id(port)
            check(after == 0, f"control: one pidfd_getfd from this process (root group, "
                              f"classid 0) rewrites it ({after:#x})")
    with cgroup_v1("net_prio"), nobody_listener() as port:
        s = one_socket(scan_json("--proto", "tcp", "--port", str(port)), port, "tcp")
        check(s["how"] == "inferred" and "net_prio cgroup v1 in use" in s["note"]
              and "priority index" in s["note"],
              "net_prio in use: inferred, the note names the priority index")


CASES = {name[len("case_"):]: f for name, f in globals().items() if name.startswith("case_")}


def main():
    global args
    parser = argparse.ArgumentParser()
    parser.add_argument("--probe", required=True)
    parser.add_argument("--holder", required=True)
    parser.add_argument("--example", default="",
                        help="portguard_example_async_listener, when examples are built")
    parser.add_argument("case", choices=sorted(CASES))
    args = parser.parse_args()
    try:
        CASES[args.case]()
    except Skip as e:
        print("SKIPPED:", e)
        return SKIP
    except (Failure, AssertionError) as e:
        print("FAILED:", e)
        return 1
    print("PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
