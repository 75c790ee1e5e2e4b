#!/usr/bin/env python3
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
"""Loopback tests for the framework examples (restinio_hello, websocketpp_hello).

    frameworks.py [--hostile <library>] <case> <example executable>

Each example serves GET / and takes `<address> <port> [--plain]`; --plain is
the same framework server without its portguard lines, the control. Every
refusal is checked beside that control, which must lose to the same rival:

  other_family  a rival of user nobody on [::1]:P and [::]:P (IPV6_V6ONLY)
                beside a server on 127.0.0.1:P or 0.0.0.0:P: it binds beside
                the plain server (and a client trying ::1 reaches it), not
                beside the example; bound first, the plain server starts
                beside it, the example refuses to start and names it
  reuse_port    a same-user rival with SO_REUSEPORT: the framework's own
                options (no SO_REUSEPORT) keep it out of the plain server;
                under --hostile (SO_REUSEPORT on every socket, as a careless
                framework sets it) it binds beside the plain server and takes
                part of the connections, and is refused by the example
  squatter      a socket of user nobody bound first with SO_REUSEADDR, not
                listening: the plain server starts beside it (and the squatter
                takes the port once the server stops); the example exits with
                status 1 naming uid 65534 and the squatter's pid
  restart       the example serves, closes its connections first (TIME_WAIT
                on its side), is killed and started again on the same port

Needs root (the rivals of user nobody) and Linux; otherwise exits 77
(skipped). Every wait is bounded (TIMEOUT per step).
"""
import errno
import os
import select
import signal
import socket
import subprocess
import sys
import time

TIMEOUT = 10.0  # seconds, for any one step
SKIP = 77
NOBODY = 65534
CONFLICT_ERRORS = (errno.EADDRINUSE, errno.EACCES)
STARTED = []
# The system's interpreter for rivals of user nobody, who may not be allowed
# to run this one (e.g. one under /root).
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def ok(message):
    print("ok      " + message)


def cleanup():
    for proc in STARTED:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=TIMEOUT)


# A rival socket in its own process, driven by lines on stdin:
#   argv: address port v6only reuseaddr reuseport listen
#   prints "bound <port>" or "refused <errno>"; then, if listening, accepts
#   and answers "rival\n"; "listen" -> "listening" / "refused <errno>";
#   "count" -> connections accepted; end of input -> exit.
RIVAL = r"""
import errno, select, socket, sys
address, port, v6only, reuseaddr, reuseport, listen = sys.argv[1:]
family = socket.AF_INET6 if ":" in address else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
if family == socket.AF_INET6:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, int(reuseaddr))
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, int(reuseport))
try:
    s.bind((address, int(port)))
except OSError as e:
    print("refused" if e.errno in (errno.EADDRINUSE, errno.EACCES) else "error", e.errno, flush=True)
    sys.exit(0)
listening = False
def start_listening():
    global listening
    try:
        s.listen(16)
        listening = True
        return "listening"
    except OSError as e:
        return "refused %d" % e.errno
if listen == "1":
    start_listening()
print("bound", s.getsockname()[1], flush=True)
accepted = 0
while True:
    ready = select.select([sys.stdin] + ([s] if listening else []), [], [], 30)[0]
    if not ready:
        break
    if s in ready:
        c, _ = s.accept()
        accepted += 1
        c.settimeout(5)
        try:
            c.recv(4096)  # the request, read so that closing sends no reset
            c.sendall(b"rival\n")
        except OSError:
            pass
        c.close()
    if sys.stdin in ready:
        line = sys.stdin.readline()
        if not line:
            break
        if line.strip() == "listen":
            print(start_listening(), flush=True)
        elif line.strip() == "count":
            print(accepted, flush=True)
"""


def read_line(proc, what):
    if not select.select([proc.stdout], [], [], TIMEOUT)[0]:
        fail("no %s within %.0f s" % (what, TIMEOUT))
    return proc.stdout.readline().strip()


class Rival:
    """A rival socket held by a process of its own (as nobody when asked)."""

    def __init__(self, address, port, nobody, v6only=True, reuseaddr=True, reuseport=False,
                 listen=True, env=None):
        def drop():
            if nobody:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
        self.who = "nobody" if nobody else "same-user"
        self.proc = subprocess.Popen(
            [PYTHON if nobody else sys.executable, "-c", RIVAL, address, str(port), str(int(v6only)),
             str(int(reuseaddr)), str(int(reuseport)), str(int(listen))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, preexec_fn=drop, env=env)
        STARTED.append(self.proc)
        answer = read_line(self.proc, "answer from the rival").split()
        if not answer or answer[0] not in ("bound", "refused"):
            fail("the rival could not make its attempt (%r): harness problem" % answer)
        self.bound = answer[0] == "bound"
        self.port = int(answer[1]) if self.bound else None

    def ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return read_line(self.proc, "answer to %r from the rival" % line)

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=TIMEOUT)


class Server:
    """The example (or its --plain control), started on address:port."""

    def __init__(self, exe, address, port, plain, env=None):
        argv = [exe, address, str(port)] + (["--plain"] if plain else [])
        self.name = "plain" if plain else "example"
        print("$ " + " ".join(argv))
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env)
        STARTED.append(self.proc)
        self.port = None
        self.err = ""
        if select.select([self.proc.stdout], [], [], TIMEOUT)[0]:
            line = self.proc.stdout.readline()
            if line.startswith("listening on "):
                self.port = int(line.split()[2].rsplit(":", 1)[1])
                print("  says: " + line.strip())
                return
        try:
            self.err = self.proc.communicate(timeout=TIMEOUT)[1].strip()
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("%s: neither listening nor exited within %.0f s" % (self.name, TIMEOUT))
        print("  exited with %d: %s" % (self.proc.returncode, self.err))

    @property
    def serving(self):
        return self.port is not None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT)


def get(host, port):
    """GET / read to the server's end of stream (so the server closes first)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as c:
        c.settimeout(TIMEOUT)
        c.connect((host, port))
        c.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        reply = b""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            chunk = c.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply


def expect_hello(port, exe):
    reply = get("127.0.0.1", port)
    if b"hello from " not in reply:
        fail("expected the hello page from port %d, got %r" % (port, reply))


def names_holder(err, rival):
    return "uid %d" % NOBODY in err and "pid %d" % rival.proc.pid in err


# -- cases -------------------------------------------------------------------------

OTHER_FAMILY = {"127.0.0.1": ("::1", "::"), "0.0.0.0": ("::", "::1")}


def case_other_family(exe, env):
    for address, rival_addresses in OTHER_FAMILY.items():
        for plain in (True, False):
            server = Server(exe, address, 0, plain)
            if not server.serving:
                fail("%s did not start on %s" % (server.name, address))
            for rival_address in rival_addresses:
                rival = Rival(rival_address, server.port, nobody=True)
                where = "[%s]:%d beside %s:%d" % (rival_address, server.port, address, server.port)
                if plain:
                    if not rival.bound:
                        fail("control: a nobody rival should bind %s (plain server)" % where)
                    reached = get("::1", server.port) if rival_address == "::1" else b""
                    ok("control: a nobody rival binds %s (plain server)%s" % (
                        where, "; a client trying ::1 gets %r" % reached if reached else ""))
                    if rival_address == "::1" and reached != b"rival\n":
                        fail("control: a client on ::1 should reach the rival")
                elif rival.bound:
                    fail("a nobody rival bound %s (example)" % where)
                else:
                    ok("a nobody rival cannot bind %s (example)" % where)
                rival.close()
            expect_hello(server.port, exe)
            server.stop()

    # The rival first: [::1]:P, listening, then a server on 127.0.0.1:P.
    rival = Rival("::1", 0, nobody=True)
    port = rival.port
    plain = Server(exe, "127.0.0.1", port, plain=True)
    if not plain.serving:
        fail("control: the plain server should start beside a rival on [::1]:%d" % port)
    ok("control: the plain server starts on 127.0.0.1:%d with a nobody rival on [::1]:%d"
       % (port, port))
    plain.stop()
    example = Server(exe, "127.0.0.1", port, plain=False)
    if example.serving:
        fail("the example started beside a rival on [::1]:%d" % port)
    if example.proc.returncode != 1 or not names_holder(example.err, rival):
        fail("expected exit 1 naming uid %d and pid %d, got %d: %r"
             % (NOBODY, rival.proc.pid, example.proc.returncode, example.err))
    ok("the example refuses to start beside it, naming it: " + example.err)
    rival.close()


def case_reuse_port(exe, env):
    if env is None:
        fail("reuse_port needs --hostile <library>")
    # The framework's own options: no SO_REUSEPORT, so the rival cannot join.
    plain = Server(exe, "127.0.0.1", 0, plain=True)
    rival = Rival("127.0.0.1", plain.port, nobody=False, reuseport=True)
    if rival.bound:
        fail("a same-user SO_REUSEPORT rival joined the plain server, which sets no SO_REUSEPORT")
    ok("the plain server as the framework configures it: a same-user SO_REUSEPORT "
       "rival cannot join (the framework sets no SO_REUSEPORT)")
    rival.close()
    plain.stop()

    # SO_REUSEPORT on every socket (hostile): the plain server shares.
    for plain_server in (True, False):
        server = Server(exe, "127.0.0.1", 0, plain=plain_server, env=env)
        if not server.serving:
            fail("%s did not start under the hostile options" % server.name)
        rival = Rival("127.0.0.1", server.port, nobody=False, reuseport=True)
        if plain_server:
            if not rival.bound:
                fail("control: a same-user SO_REUSEPORT rival should join the plain server "
                     "started with SO_REUSEPORT on")
            replies = [get("127.0.0.1", server.port) for _ in range(20)]
            stolen = sum(1 for r in replies if r == b"rival\n")
            served = sum(1 for r in replies if b"hello from " in r)
            ok("control: the rival joins the plain server with SO_REUSEPORT on and answers "
               "%d of 20 connections (the server %d)" % (stolen, served))
            if stolen == 0:
                fail("control: the rival should take part of the connections")
        elif rival.bound:
            fail("a same-user SO_REUSEPORT rival joined the example under the hostile options")
        else:
            ok("a same-user SO_REUSEPORT rival cannot join the example under the hostile options")
            expect_hello(server.port, exe)
        rival.close()
        server.stop()


def case_squatter(exe, env):
    # The control: the plain server starts beside the squatter, which takes
    # the port once the server stops.
    squatter = Rival("127.0.0.1", 0, nobody=True, listen=False)
    plain = Server(exe, "127.0.0.1", squatter.port, plain=True)
    if not plain.serving:
        fail("control: the plain server should start beside a squatter")
    expect_hello(plain.port, exe)
    ok("control: the plain server starts and serves on 127.0.0.1:%d beside a nobody "
       "squatter bound first" % plain.port)
    plain.stop()
    answer = squatter.ask("listen")
    if answer != "listening":
        fail("control: the squatter should take the port once the server stops: %r" % answer)
    ok("control: once the server stops the squatter listens on its port")
    squatter.close()

    squatter = Rival("127.0.0.1", 0, nobody=True, listen=False)
    example = Server(exe, "127.0.0.1", squatter.port, plain=False)
    if example.serving:
        fail("the example started beside a squatter on 127.0.0.1:%d" % squatter.port)
    if example.proc.returncode != 1 or not names_holder(example.err, squatter):
        fail("expected exit 1 naming uid %d and pid %d, got %d: %r"
             % (NOBODY, squatter.proc.pid, example.proc.returncode, example.err))
    ok("the example refuses to start beside the squatter, naming it: " + example.err)
    squatter.close()


def time_wait_entries(port):
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "06":
                    count += 1
    return count


def case_restart(exe, env):
    server = Server(exe, "127.0.0.1", 0, plain=False)
    if not server.serving:
        fail("the example did not start")
    for _ in range(3):
        expect_hello(server.port, exe)
    waiting = time_wait_entries(server.port)
    if waiting == 0:
        fail("no TIME_WAIT entry on port %d: the restart would prove nothing" % server.port)
    ok("served 3 connections, each closed by the server: %d in TIME_WAIT" % waiting)
    server.stop()
    again = Server(exe, "127.0.0.1", server.port, plain=False)
    if again.port != server.port:
        fail("the example did not restart on port %d: %s" % (server.port, again.err))
    expect_hello(again.port, exe)
    ok("restarted at once on port %d beside %d TIME_WAIT entries, and serves"
       % (again.port, time_wait_entries(again.port)))
    again.stop()


CASES = {
    "other_family": case_other_family,
    "reuse_port": case_reuse_port,
    "squatter": case_squatter,
    "restart": case_restart,
}

if __name__ == "__main__":
    args = sys.argv[1:]
    hostile_env = None
    if len(args) >= 2 and args[0] == "--hostile":
        hostile_env = dict(os.environ, LD_PRELOAD=args[1])
        args = args[2:]
    if len(args) != 2 or args[0] not in CASES:
        print("usage: frameworks.py [--hostile <library>] {%s} <example>" % ",".join(CASES))
        sys.exit(2)
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        print("skipped: [privilege] the rivals of user nobody need root on Linux")
        sys.exit(SKIP)
    try:
        CASES[args[0]](args[1], hostile_env)
    finally:
        cleanup()
    print("passed")
