#!/usr/bin/env python3
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
"""Bounded loopback smoke tests for portguard's examples.

    smoke.py [--emulator <program>] [--hostile <library>|none] <case> <example executable>

Each case starts the example on 127.0.0.1 port 0 with --once, reads the port
it prints, checks that a rival asking to share the port is refused (next to
a control showing that the same rival wins against a shareable socket), talks
to it once and checks the answer and the exit status. Every wait is bounded.
--emulator runs the example through a program, e.g. scripts/wine-run for a
Windows build (the rivals are then Linux sockets against Wine's sockets).

--hostile runs the hostile start instead: the example starts with <library>
(test/examples/hostile_options.cpp) preloaded, which turns on the sharing
options a careless framework sets on every socket. The control: a plain
server with no options of its own, started the same way, lets the rival
share its port. The example must refuse that rival, so this check fails when
the example's portguard line is removed. "none" (a Windows build) exits 77:
skipped, with the reason.

A rival is refused only with EADDRINUSE or EACCES; any other error fails the
test as a harness problem.
"""
import atexit
import errno
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time

TIMEOUT = 20.0  # seconds, for any one step
LOOPBACK = "127.0.0.1"
SKIP = 77
# How the OS refuses a bind to a port someone holds; nothing else is a refusal.
CONFLICT_ERRORS = (errno.EADDRINUSE, errno.EACCES)


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def ok(message):
    print("ok      " + message)


EMULATOR = []
STARTED = []


@atexit.register
def kill_leftovers():
    """Whatever failed, no example outlives the test."""
    for proc in STARTED:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=TIMEOUT)


def start(argv, **kwargs):
    argv = EMULATOR + argv
    print("$ " + " ".join(argv))
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)
    STARTED.append(proc)
    return proc


def read_port(proc, require_exclusive=True):
    """Reads 'listening on 127.0.0.1:PORT (exclusive)' from the example."""
    deadline = time.monotonic() + TIMEOUT
    line = ""
    while not line.endswith("\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
            proc.kill()
            fail("no 'listening on' line within %.0f s" % TIMEOUT)
        char = os.read(proc.stdout.fileno(), 1).decode()
        if not char:
            err = proc.communicate(timeout=TIMEOUT)[1].strip()
            if proc.returncode == SKIP:  # built without what it needs (C++20 coroutines)
                print("skipped: [platform] " + err)
                sys.exit(SKIP)
            fail("example exited early with %d: %s" % (proc.returncode, err))
        line += char
    print("example says: " + line.strip())
    match = re.match(r"listening on [0-9.]+:(\d+) \((exclusive|shareable)\)", line)
    if not match:
        fail("unexpected first line: %r" % line)
    if require_exclusive and match.group(2) != "exclusive":
        fail("the example reports its port as shareable")
    return int(match.group(1))


def finish(proc, expected_status=0):
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        fail("example did not exit within %.0f s" % TIMEOUT)
    if proc.returncode != expected_status:
        fail("example exited with %d, expected %d; stderr: %s"
             % (proc.returncode, expected_status, err.strip()))
    ok("example exited with status %d" % expected_status)
    return out, err


def rival_binds(kind, port, options=(socket.SO_REUSEADDR, socket.SO_REUSEPORT)):
    """Whether a rival asking to share (by default SO_REUSEADDR + SO_REUSEPORT)
    can bind the port. Refused means EADDRINUSE or EACCES; any other error
    fails the test (a harness problem, not a refusal)."""
    rival = socket.socket(socket.AF_INET, kind)
    try:
        for option in options:
            rival.setsockopt(socket.SOL_SOCKET, option, 1)
        rival.bind((LOOPBACK, port))
        return True
    except OSError as e:
        if e.errno not in CONFLICT_ERRORS:
            fail("rival bind failed with %s, which is no refusal (harness problem)" % e)
        return False
    finally:
        rival.close()


def rival_binds_as_nobody(kind, port, options):
    """rival_binds() in a child that switched to user nobody (needs root)."""
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            rival = socket.socket(socket.AF_INET, kind)
            for option in options:
                rival.setsockopt(socket.SOL_SOCKET, option, 1)
            try:
                rival.bind((LOOPBACK, port))
                code = 0
            except OSError as e:
                code = 1 if e.errno in CONFLICT_ERRORS else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + TIMEOUT
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            fail("the rival as nobody did not answer in time")
        time.sleep(0.01)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        fail("the rival as nobody could not make its attempt (exit %d): harness problem" % code)
    return code == 0


def shareable_socket(kind):
    """The way Asio code often leaves a socket: shareable (the control)."""
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind((LOOPBACK, 0))
    if kind == socket.SOCK_STREAM:
        s.listen()
    return s


def check_rival(kind, port):
    control = shareable_socket(kind)
    try:
        if not rival_binds(kind, control.getsockname()[1]):
            fail("control: the rival should win against a shareable socket")
        ok("control: the rival shares a shareable socket's port")
    finally:
        control.close()
    if rival_binds(kind, port):
        fail("a rival bound the example's port")
    ok("a rival cannot bind the example's port %d" % port)


def exchange_tcp(port, request, until):
    with socket.create_connection((LOOPBACK, port), timeout=TIMEOUT) as c:
        c.sendall(request)
        reply = b""
        deadline = time.monotonic() + TIMEOUT
        while until not in reply and time.monotonic() < deadline:
            chunk = c.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply


def tcp_case(argv, request, expected):
    proc = start(argv)
    port = read_port(proc)
    check_rival(socket.SOCK_STREAM, port)
    reply = exchange_tcp(port, request, expected)
    if expected not in reply:
        fail("expected %r in the reply, got %r" % (expected, reply))
    ok("reply contains %r" % expected)
    finish(proc)


def case_echo(exe):
    tcp_case([exe, LOOPBACK, "0", "--once"], b"hello portguard\n", b"hello portguard\n")


def case_http(exe):
    request = (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Connection: close\r\n\r\n")
    tcp_case([exe, LOOPBACK, "0", "--once"], request, b"portguard: this port is exclusive")


def case_retrofit(exe):
    tcp_case([exe, LOOPBACK, "0", "--once"], b"one line\n", b"echo: one line\n")


def case_retrofit_option(exe):
    tcp_case([exe, LOOPBACK, "0", "--once", "--option"], b"one line\n", b"echo: one line\n")


def case_udp(exe):
    proc = start([exe, LOOPBACK, "0", "--once"])
    port = read_port(proc)
    check_rival(socket.SOCK_DGRAM, port)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as c:
        c.settimeout(TIMEOUT)
        c.sendto(b"one datagram", (LOOPBACK, port))
        reply, _ = c.recvfrom(2048)
    if reply != b"one datagram":
        fail("expected the datagram back, got %r" % reply)
    ok("datagram echoed")
    finish(proc)


def time_wait_entries(port):
    """TIME_WAIT connections whose local port is `port`, from /proc/net/tcp*
    (also a Windows build's, whose sockets are the host's under Wine)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, state = fields[1], fields[3]
                    if int(local.rsplit(":", 1)[1], 16) == port and state == "06":
                        count += 1
        except FileNotFoundError:
            pass
    return count


def greeting(port):
    """Reads the greeting up to the server's end of stream, so the server
    closes first and its side of the connection goes to TIME_WAIT."""
    with socket.create_connection((LOOPBACK, port), timeout=TIMEOUT) as c:
        reply = b""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            chunk = c.recv(4096)
            if not chunk:
                break
            reply += chunk
    if reply != b"hello from async_listener\n":
        fail("unexpected greeting %r" % reply)


def stop(proc):
    proc.kill()
    proc.wait(timeout=TIMEOUT)


def case_restart(exe):
    """Beast's listener pattern with the acceptor type changed: it serves,
    is killed while its connections sit in TIME_WAIT, and starts again on
    the same port at once."""
    proc = start([exe, LOOPBACK, "0"])
    port = read_port(proc)
    check_rival(socket.SOCK_STREAM, port)
    for _ in range(5):
        greeting(port)
    ok("served 5 connections, each closed by the server")
    waiting = time_wait_entries(port)
    if waiting == 0:
        fail("no TIME_WAIT entry on port %d: the restart below would prove nothing" % port)
    ok("%d connections in TIME_WAIT on port %d" % (waiting, port))
    stop(proc)

    proc = start([exe, LOOPBACK, str(port), "--connections", "1"])
    if read_port(proc) != port:
        fail("restarted on another port")
    ok("restarted at once on port %d beside %d TIME_WAIT entries"
       % (port, time_wait_entries(port)))
    check_rival(socket.SOCK_STREAM, port)
    greeting(port)
    finish(proc)

    # The control: without the reuse_address line the same restart fails
    # on POSIX while old connections are in TIME_WAIT. (On Windows an
    # exclusive socket restarts without it.)
    if EMULATOR:
        return
    if time_wait_entries(port) == 0:
        fail("no TIME_WAIT entry left for the control")
    proc = start([exe, LOOPBACK, str(port), "--no-reuse-address", "--connections", "1"])
    _, err = finish(proc, expected_status=1)
    if "bind" not in err:
        fail("control: expected the bind to fail, got %r" % err)
    ok("control: without reuse_address the restart fails: " + err.strip())


def start_activated(exe, listener):
    """Starts the example as systemd would: the socket as fd 3, LISTEN_FDS=1."""
    fd = listener.fileno()

    def as_systemd():
        if fd != 3:
            os.dup2(fd, 3)
        os.set_inheritable(3, True)
        os.environ["LISTEN_PID"] = str(os.getpid())
        os.environ["LISTEN_FDS"] = "1"

    return start([exe, "--once"], preexec_fn=as_systemd, close_fds=False)


def case_systemd(exe):
    # Exclusive: what systemd does by default (SO_REUSEADDR on a listening
    # TCP socket, which nobody can share on Linux) is adopted and served.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LOOPBACK, 0))
    listener.listen()
    port = listener.getsockname()[1]
    proc = start_activated(exe, listener)
    listener.close()  # the example holds the socket now
    if read_port(proc) != port:
        fail("the example did not adopt the passed socket")
    check_rival(socket.SOCK_STREAM, port)
    reply = exchange_tcp(port, b"", b"\n")
    if reply != b"hello from an exclusive socket\n":
        fail("unexpected reply %r" % reply)
    ok("the exclusive passed socket is adopted and served")
    finish(proc)

    # Shareable: ReusePort=yes (SO_REUSEPORT) lets a rival share the port,
    # as the control shows; the example must refuse to serve on it.
    shared = shareable_socket(socket.SOCK_STREAM)
    port = shared.getsockname()[1]
    proc = start_activated(exe, shared)
    try:
        _, err = finish(proc, expected_status=2)
        if "refusing" not in err:
            fail("expected a refusal message, got %r" % err)
        # The message names the option and the unit setting that fixes it.
        if "SO_REUSEPORT on" not in err or "ReusePort=no" not in err:
            fail("the refusal should name SO_REUSEPORT and ReusePort=no, got %r" % err)
        if err.find("best_effort") < err.find("ReusePort=no"):
            fail("the unit setting should come before best_effort: %r" % err)
        ok("the shareable passed socket is refused: " + err.strip())
        if not rival_binds(socket.SOCK_STREAM, port):
            fail("control: the rival should share the refused socket's port")
        ok("control: a rival does share the refused socket's port")
    finally:
        shared.close()

    # Nothing passed: a clear error, not a crash.
    proc = start([exe, "--once"])
    finish(proc, expected_status=1)


def squat_as_nobody(port):
    """A child of user nobody that binds 127.0.0.1:port with SO_REUSEADDR,
    does not listen, and holds it until its stdin closes (needs root)."""
    child = subprocess.Popen(
        [sys.executable, "-c", r"""
import os, socket, sys
os.setgroups([]); os.setgid(65534); os.setuid(65534)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("bound", flush=True)
sys.stdin.read()
""", str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    STARTED.append(child)
    if read_line_within(child, "the squatter's bind").strip() != "bound":
        fail("the squatter as nobody could not bind (harness problem)")
    return child


def activate(exe, port):
    """systemd-socket-activate on 127.0.0.1:port running the example; it
    binds and listens, then starts the example at the first connection."""
    proc = start(["systemd-socket-activate", "-l", "%s:%d" % (LOOPBACK, port), exe, "--once"])
    deadline = time.monotonic() + TIMEOUT
    line = ""
    while "Listening on" not in line:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([proc.stderr], [], [], left)[0]:
            fail("systemd-socket-activate did not listen within %.0f s" % TIMEOUT)
        char = os.read(proc.stderr.fileno(), 1).decode()
        if not char:
            fail("systemd-socket-activate exited: %r" % line)
        line += char
    return proc


def case_systemd_activate(exe):
    # The example started by systemd's own tool, as a .socket unit would.
    tool = shutil.which("systemd-socket-activate")
    if EMULATOR or not tool:
        print("skipped: [platform] systemd-socket-activate is not installed")
        sys.exit(SKIP)
    port = free_port()
    proc = activate(exe, port)
    reply = exchange_tcp(port, b"", b"\n")
    if reply != b"hello from an exclusive socket\n":
        fail("unexpected reply %r" % reply)
    finish(proc)
    ok("the socket systemd-socket-activate passed is adopted and served")

    if os.geteuid() != 0:
        print("skipped: [identity] a squatter of user nobody needs root")
        sys.exit(SKIP)
    # A squatter of user nobody bound the port first, with SO_REUSEADDR.
    port = free_port()
    squatter = squat_as_nobody(port)
    try:
        # The control: systemd binds and listens beside it, unaware.
        proc = activate(exe, port)
        ok("control: systemd-socket-activate listens beside the squatter")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=TIMEOUT) as c:
                c.recv(1)  # the example starts; it refuses and exits
        except OSError:
            pass
        _, err = finish(proc, expected_status=2)
        with open("/proc/%d/comm" % squatter.pid) as comm:
            name = comm.read().strip()
        for part in ("uid 65534", "pid %d (%s)" % (squatter.pid, name),
                     "to fix: stop pid %d" % squatter.pid):
            if part not in err:
                fail("the refusal should name %r: %r" % (part, err))
        ok("beside a squatter the passed socket is refused: " + err.strip())
    finally:
        squatter.stdin.close()
        squatter.wait(timeout=TIMEOUT)


def free_port():
    """A TCP port free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


# -- The hostile start ----------------------------------------------------------

# A plain server with no options of its own: the control of the hostile start.
PLAIN_SERVER = r"""
import socket, sys
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
if kind == socket.SOCK_STREAM:
    s.listen()
print(s.getsockname()[1], flush=True)
sys.stdin.read()
"""

# How each case starts its example for the hostile start (it is stopped
# after the rival's attempt).
HOSTILE_ARGV = {
    "echo": ["--once"],
    "http": ["--once"],
    "udp": ["--once"],
    "retrofit": ["--once"],
    "retrofit_option": ["--once", "--option"],
    "restart": ["--connections", "1"],
}


def read_line_within(proc, what):
    if not select.select([proc.stdout], [], [], TIMEOUT)[0]:
        proc.kill()
        fail("no %s within %.0f s" % (what, TIMEOUT))
    return proc.stdout.readline()


def hostile_rivals(kind):
    """The rivals that beat a plain server under the hostile options:
    (who, options). TCP: a same-user rival with SO_REUSEPORT. UDP: a rival
    with SO_REUSEADDR, as this user and, when root, as nobody."""
    if kind == socket.SOCK_STREAM:
        return [("same user", (socket.SO_REUSEPORT,))]
    rivals = [("same user", (socket.SO_REUSEADDR,))]
    if os.geteuid() == 0:
        rivals.append(("nobody", (socket.SO_REUSEADDR,)))
    return rivals


def rival_wins(who, kind, port, options):
    if who == "nobody":
        return rival_binds_as_nobody(kind, port, options)
    return rival_binds(kind, port, options)


def hostile_case(case, exe, preload):
    if preload == "none" or EMULATOR:
        print("skipped: [platform] the hostile start preloads a Linux library "
              "into the example; a Windows build has none")
        sys.exit(SKIP)
    kind = socket.SOCK_DGRAM if case == "udp" else socket.SOCK_STREAM
    env = dict(os.environ, LD_PRELOAD=preload)
    rivals = hostile_rivals(kind)

    # The control: under the same options, plain code loses its port.
    control = subprocess.Popen(
        [sys.executable, "-c", PLAIN_SERVER, "udp" if kind == socket.SOCK_DGRAM else "tcp"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    STARTED.append(control)
    try:
        port = int(read_line_within(control, "port from the plain server"))
        for who, options in rivals:
            if not rival_wins(who, kind, port, options):
                fail("control: a %s rival should share the port of a plain server "
                     "started with the hostile options" % who)
            ok("control: a %s rival shares a plain server's port under the hostile options" % who)
    finally:
        control.stdin.close()
        control.wait(timeout=TIMEOUT)

    # The example, started the same way, keeps its port.
    proc = start([exe, LOOPBACK, "0"] + HOSTILE_ARGV[case], env=env)
    port = read_port(proc, require_exclusive=False)
    for who, options in rivals:
        if rival_wins(who, kind, port, options):
            fail("a %s rival bound the example's port %d: the example left the "
                 "hostile options on" % (who, port))
        ok("a %s rival cannot bind the example's port %d despite the hostile options"
           % (who, port))
    stop(proc)


CASES = {
    "echo": case_echo,
    "http": case_http,
    "udp": case_udp,
    "retrofit": case_retrofit,
    "retrofit_option": case_retrofit_option,
    "systemd": case_systemd,
    "systemd_activate": case_systemd_activate,
    "restart": case_restart,
}

if __name__ == "__main__":
    args = sys.argv[1:]
    hostile = None
    if len(args) >= 2 and args[0] == "--emulator":
        EMULATOR = [args[1]]
        args = args[2:]
    if len(args) >= 2 and args[0] == "--hostile":
        hostile = args[1]
        args = args[2:]
    if len(args) != 2 or args[0] not in CASES or (hostile and args[0] not in HOSTILE_ARGV):
        print("usage: smoke.py [--emulator <program>] [--hostile <library>|none] {%s} <example>"
              % ",".join(CASES))
        sys.exit(2)
    if hostile:
        hostile_case(args[0], args[1], hostile)
    else:
        CASES[args[0]](args[1])
    print("passed")
