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
import socket
import subprocess
import sys
import time

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
        assert set(a) == {"identity", "options", "address", "port", "role", "outcome",
                          "error", "message", "reason"}, a
        assert a["outcome"] in ("won", "refused", "skipped"), a
        assert (a["error"] is not None) == (a["outcome"] == "refused") or a["outcome"] == "skipped", a
        assert (a["reason"] is not None) == (a["outcome"] == "skipped"), a


def winners(report, identity):
    return [a for a in report["attempts"]
            if a["identity"] == identity and a["outcome"] == "won"]


def by_identity(report, identity):
    return [a for a in report["attempts"] if a["identity"] == identity]


def check_nobody(report, should_win, option=None):
    """As root, user nobody must (or must not) win; otherwise it is skipped."""
    mine = by_identity(report, "nobody")
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
s = socket.socket(socket.AF_INET, socket.{kind})
{options}
s.bind(('127.0.0.1', 0))
{listen}
print(s.getsockname()[1], flush=True)
time.sleep(60)
"""


def raw_socket(kind, options=(), listen=False):
    opts = "\n".join(f"s.setsockopt(socket.SOL_SOCKET, socket.{o}, 1)" for o in options)
    return python_server(RAW_SOCKET.format(kind=kind, options=opts,
                                           listen="s.listen()" if listen else ""))


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

def case_http_server():
    """Python's http.server (SO_REUSEADDR, listening): no rival can bind."""
    with python_server(HTTP_SERVER.format(host="127.0.0.1", v6=False)) as port:
        code, report = audit_json("tcp", f"127.0.0.1:{port}")
        check(code == 0, "exit 0: a listening TCP socket is not hijackable on Linux")
        check(report["held_because"] == "EADDRINUSE", "held: a plain bind fails with EADDRINUSE")
        check(not winners(report, "same-process"), "no same-user rival wins")
        check_nobody(report, should_win=False)
        check(report["elapsed_ms"] < 2000, f"one audit took {report['elapsed_ms']} ms")
        code, out, _ = run_probe("tcp", f"127.0.0.1:{port}")
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
        check(code == 0, "exit 0 for http.server on [::1]")
        check(report["target"]["address"] == "::1", "the IPv6 target is reported")
        check_nobody(report, should_win=False)


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
              "only rivals with SO_REUSEPORT win")
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
        check({"exact", "loopback", "v4-mapped", "dual-stack"} <= roles,
              "rivals tried the loopback, v4-mapped and dual-stack addresses")


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
    check(len(rows) == 10, "ten defenders")

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

    code, out, _ = run_probe("--matrix", "--markdown")
    table = [l for l in out.splitlines() if l.startswith("|")]
    check(code == 0 and len(table) == 12, "--markdown prints a header, a rule and ten rows")
    code, out, _ = run_probe("--matrix")
    check(code == 0 and "every portguard defender held its port" in out,
          "the table ends with the summary")


CASES = {name[len("case_"):]: f for name, f in globals().items() if name.startswith("case_")}


def main():
    global args
    parser = argparse.ArgumentParser()
    parser.add_argument("--probe", required=True)
    parser.add_argument("--holder", required=True)
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
