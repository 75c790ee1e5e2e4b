#!/usr/bin/env python3
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
"""Counts what one stage of scripts/test.sh ran: passed, failed and skipped.

    test-summary.py STAGE STAGE_LOG [LAST_TEST_LOG ...]

STAGE_LOG is the stage's output (CTest's closing lines: "N% tests passed, F
tests failed out of T" and "The following tests did not run: ... (Skipped)").
A stage that runs its own checks prints CTest's closing lines itself, and
"SKIPPED NAME: REASON" for each skip. Each LAST_TEST_LOG is a Testing/Temporary/LastTest.log that CTest wrote
during the stage: it holds every test's output, so it gives the reason of each
CTest skip (SKIP_RETURN_CODE) and the Boost.Test cases skipped inside a suite
that passed ("Test case ... is skipped because precondition failed: REASON").

Prints the counts and every skip reason, then one machine line
    counts PASSED FAILED SKIPPED SKIPPED_CASES
and exits 1 when something skipped that must run on this machine: a skip that
needs root ("[needs root]", "not root") while running as root with a user
nobody to switch to.
"""
import os
import pwd
import re
import sys
from collections import Counter

CLOSING = re.compile(r"tests passed, (\d+) tests? failed out of (\d+)")
DID_NOT_RUN = re.compile(r"^\s*\d+ - (\S+) \((Skipped|Not Run|Disabled)\)")
CASE_SKIPPED = re.compile(
    r'Test (?:case|suite) "([^"]+)" is skipped because precondition failed: (.*)')
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def ctest_counts(stage_log):
    passed = failed = 0
    skipped = []
    with open(stage_log, errors="replace") as f:
        for line in f:
            m = CLOSING.search(line)
            if m:
                failed += int(m.group(1))
                passed += int(m.group(2)) - int(m.group(1))
            m = DID_NOT_RUN.match(line)
            if m:
                skipped.append(m.group(1))
    # CTest counts a skipped test among the passed ones.
    return passed - len(skipped), failed, skipped


def test_outputs(last_test_log):
    """{test name: its output} from one LastTest.log."""
    outputs = {}
    name = None
    lines = []
    in_output = False
    with open(last_test_log, errors="replace") as f:
        for raw in f:
            line = ANSI.sub("", raw.rstrip("\n"))
            m = re.match(r"^\d+/\d+ Testing: (.+)$", line)
            if m:
                name, lines, in_output = m.group(1), [], False
            elif line == "Output:":
                in_output = None  # the dashes come next
            elif in_output is None:
                in_output = True
            elif line == "<end of output>" and name:
                outputs[name] = lines
                in_output = False
            elif in_output:
                lines.append(line)
    return outputs


def skip_reason(output_lines):
    for line in output_lines:
        if re.match(r"^\s*(SKIPPED|skipped)\b", line):
            return line.strip()
    return output_lines[-1].strip() if output_lines else "(no reason printed)"


def must_run_here(reason):
    """Empty when the skip is acceptable here, else why it is not."""
    if "[needs root]" in reason or "not root" in reason:
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("nobody")
                return "running as root with a user nobody: this must run here"
            except KeyError:
                pass
    return ""


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    stage, stage_log, last_test_logs = sys.argv[1], sys.argv[2], sys.argv[3:]
    passed, failed, skipped_tests = ctest_counts(stage_log)
    outputs = {}
    for log in last_test_logs:
        outputs.update(test_outputs(log))

    # A stage that runs its checks without CTest prints "SKIPPED name: reason".
    with open(stage_log, errors="replace") as f:
        for line in f:
            m = re.match(r"^SKIPPED (\S+): (.*)$", line.rstrip("\n"))
            if m and m.group(1) not in outputs:
                outputs[m.group(1)] = [line.strip()]
    skips = []  # (what, reason)
    for name in skipped_tests:
        skips.append((name, skip_reason(outputs.get(name, []))))
    cases = []
    for name, lines in outputs.items():
        if name in skipped_tests:
            continue
        for line in lines:
            m = CASE_SKIPPED.search(line)
            if m:
                cases.append((name + ": " + m.group(1), m.group(2).strip()))

    print("stage %s: %d passed, %d failed, %d skipped (CTest tests); "
          "%d test cases skipped inside suites" % (stage, passed, failed, len(skipped_tests), len(cases)))
    violations = []
    for what, reason in skips + cases:
        problem = must_run_here(reason)
        if problem:
            violations.append("%s: %s (%s)" % (what, reason, problem))
    for reason, n in sorted(Counter(r for _, r in skips).items()):
        print("  skipped test  x%-4d %s" % (n, reason))
    for reason, n in sorted(Counter(r for _, r in cases).items()):
        print("  skipped case  x%-4d %s" % (n, reason))
    for v in violations:
        print("  MUST RUN HERE: " + v)
    print("counts %d %d %d %d" % (passed, failed, len(skipped_tests), len(cases)))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
