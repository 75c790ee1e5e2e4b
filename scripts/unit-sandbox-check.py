#!/usr/bin/env python3
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
"""Checks a strace log of a unit's ExecStart against the unit's sandbox.

    unit-sandbox-check.py UNIT_FILE STRACE_LOG

Where systemd is not PID 1 the unit's seccomp filter and address-family
restriction cannot be applied, so this reads what the command did (strace -f
-o STRACE_LOG) and checks that systemd would have let it: every system call
it made is allowed by the unit's SystemCallFilter= lines (groups expanded
through `systemd-analyze syscall-filter`, allow lists joined, `~` lists
removed, as systemd combines them), and every socket() family is in
RestrictAddressFamilies=. Prints what it found; exits 1 when the sandbox
would have refused a call.
"""
import re
import subprocess
import sys


def syscall_groups():
    text = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True,
                          text=True, check=True).stdout
    groups, current = {}, None
    for line in text.splitlines():
        if line.startswith("@"):
            current = line.split()[0]
            groups[current] = []
        elif current and line.strip() and not line.strip().startswith("#"):
            groups[current].append(line.strip())
    return groups


def expand(names, groups):
    out = set()
    for name in names:
        if name.startswith("@"):
            out |= expand(groups.get(name, []), groups)
        else:
            out.add(name.split(":")[0])
    return out


def unit_values(unit, key):
    values = []
    with open(unit) as f:
        for line in f:
            if line.startswith(key + "="):
                values.append(line[len(key) + 1:].strip())
    return values


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    unit, log = sys.argv[1], sys.argv[2]
    groups = syscall_groups()
    allowed, denied = set(), set()
    have_allow = False
    for value in unit_values(unit, "SystemCallFilter"):
        if value.startswith("~"):
            denied |= expand(value[1:].split(), groups)
        else:
            have_allow = True
            allowed |= expand(value.split(), groups)
    families = set()
    for value in unit_values(unit, "RestrictAddressFamilies"):
        families |= set(value.split())

    calls, used_families = set(), set()
    call = re.compile(r"^(?:\d+\s+)?([a-z0-9_]+)\(")
    with open(log, errors="replace") as f:
        for line in f:
            m = call.match(line)
            if not m:
                continue
            calls.add(m.group(1))
            if m.group(1) == "socket":
                fam = re.match(r"^(?:\d+\s+)?socket\((AF_[A-Z0-9]+)", line)
                if fam:
                    used_families.add(fam.group(1))
    # execve is the service manager's own call into the command.
    refused = sorted(c for c in calls - {"execve"}
                     if (have_allow and c not in allowed) or c in denied)
    bad_families = sorted(used_families - families) if families else []
    print("  %d system calls made: %s" % (len(calls), " ".join(sorted(calls))))
    print("  socket families: %s (allowed: %s)" % (" ".join(sorted(used_families)),
                                                  " ".join(sorted(families)) or "any"))
    if refused:
        print("  refused by SystemCallFilter=: " + " ".join(refused))
    if bad_families:
        print("  refused by RestrictAddressFamilies=: " + " ".join(bad_families))
    return 1 if refused or bad_families or not calls else 0


if __name__ == "__main__":
    sys.exit(main())
