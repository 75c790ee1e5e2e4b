# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
"""Checks of portguard-probe scan's outputs against docs/probe.md.

validate_scan_json(report) returns the list of schema violations (empty
when the document matches the schema "portguard-probe/scan/1"), a string
with a control character among them.
parse_prometheus(text) parses the text format with prometheus_client's
own parser and returns {family name: [samples]}; it raises ImportError
when prometheus_client (Debian: python3-prometheus-client) is missing.
"""

import sys

VERDICTS = ("shared", "hijackable", "unknown", "exclusive")
TAKERS = ("same_user", "any_user", "root_only")
HOW = ("read", "probed", "inferred")
STATES = ("listening", "bound", "datagram")
OPTIONS = ("reuse_address", "reuse_port", "exclusive_address_use", "reuse_port_lb")

SOCKET_FIELDS = {
    "proto": str, "address": str, "port": int, "state": str, "v6_only": bool,
    "uid": (int, type(None)), "user": (str, type(None)), "pid": (int, type(None)),
    "process": (str, type(None)), "processes": list, "options": (list, type(None)),
    "verdict": str,
    "by": list, "how": str, "holders": (list, type(None)), "uids_differ": bool,
    "note": (str, type(None)), "other_family": (dict, type(None)),
}
SIBLING_STATES = ("free", "held", "no_family", "unchecked")
SIBLINGS = {"0.0.0.0": "::", "127.0.0.1": "::1", "::": "0.0.0.0", "::1": "127.0.0.1",
            "::ffff:0.0.0.0": "::", "::ffff:127.0.0.1": "::1"}  # v4-mapped: as IPv4
PROCESS_FIELDS = {"pid": int, "uid": (int, type(None)), "user": (str, type(None)),
                  "process": (str, type(None))}
HOLDER_FIELDS = {"address": str, "uid": (int, type(None)), "user": (str, type(None)),
                 "pid": (int, type(None)), "process": (str, type(None))}
TOP_FIELDS = {"schema": str, "platform": str, "wine": bool, "privileged": bool,
              "active": bool, "sockets": list, "summary": dict, "limits": list,
              "elapsed_ms": (int, float), "exit_code": int}


def _fields(obj, spec, where, problems):
    if not isinstance(obj, dict):
        problems.append(f"{where}: not an object")
        return False
    if set(obj) != set(spec):
        problems.append(f"{where}: fields {sorted(obj)} differ from {sorted(spec)}")
        return False
    for name, kind in spec.items():
        value = obj[name]
        # bool is an int in Python: a number field must not hold true/false.
        if isinstance(value, bool) and kind in (int, (int, float)):
            problems.append(f"{where}.{name}: boolean where a number belongs")
        elif not isinstance(value, kind):
            problems.append(f"{where}.{name}: {value!r} is not {kind}")
    return True


def _control_characters(value, where, problems):
    """Every string in `value` is printable: no C0 or C1 control character,
    DEL, line or paragraph separator (docs/probe.md, "Names any user may
    choose")."""
    if isinstance(value, dict):
        for k, v in value.items():
            _control_characters(v, f"{where}.{k}", problems)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _control_characters(v, f"{where}[{i}]", problems)
    elif isinstance(value, str):
        bad = [c for c in value if ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0
               or c in "\u2028\u2029"]
        if bad:
            problems.append(f"{where}: control characters {bad!r} in {value!r}")


def validate_scan_json(report):
    problems = []
    if not _fields(report, TOP_FIELDS, "document", problems):
        return problems
    _control_characters(report, "document", problems)
    if report["schema"] != "portguard-probe/scan/1":
        problems.append(f"schema is {report['schema']!r}")
    for i, s in enumerate(report["sockets"]):
        where = f"sockets[{i}]"
        if not _fields(s, SOCKET_FIELDS, where, problems):
            continue
        for k, p in enumerate(s["processes"]):
            _fields(p, PROCESS_FIELDS, f"{where}.processes[{k}]", problems)
        if s["processes"] and isinstance(s["processes"][0], dict) \
                and s["processes"][0].get("pid") != s["pid"]:
            problems.append(f"{where}: pid {s['pid']} is not the first of processes")
        if len({p.get("pid") for p in s["processes"] if isinstance(p, dict)}) \
                != len(s["processes"]):
            problems.append(f"{where}: a process is listed twice")
        if s["proto"] not in ("tcp", "udp"):
            problems.append(f"{where}.proto {s['proto']!r}")
        if not 1 <= s["port"] <= 65535:
            problems.append(f"{where}.port {s['port']}")
        if s["state"] not in STATES or (s["proto"] == "udp") != (s["state"] == "datagram"):
            problems.append(f"{where}.state {s['state']!r} for {s['proto']}")
        if s["verdict"] not in VERDICTS:
            problems.append(f"{where}.verdict {s['verdict']!r}")
        if s["how"] not in HOW:
            problems.append(f"{where}.how {s['how']!r}")
        if any(b not in TAKERS for b in s["by"]):
            problems.append(f"{where}.by {s['by']!r}")
        if s["verdict"] == "hijackable" and not ({"same_user", "any_user"} & set(s["by"])):
            problems.append(f"{where}: hijackable but by {s['by']!r}")
        if s["options"] is not None and any(o not in OPTIONS for o in s["options"]):
            problems.append(f"{where}.options {s['options']!r}")
        if s["how"] == "read" and s["options"] is None:
            problems.append(f"{where}: how is read, yet no options")
        if s["how"] == "inferred" and s["options"] is not None:
            problems.append(f"{where}: how is inferred, yet options were read")
        if (s["holders"] is None) != (s["verdict"] != "shared"):
            problems.append(f"{where}: holders must be a list exactly for shared sockets")
        if s["holders"] is not None:
            if len(s["holders"]) < 2:
                problems.append(f"{where}: a shared socket lists {len(s['holders'])} holders")
            for k, h in enumerate(s["holders"]):
                _fields(h, HOLDER_FIELDS, f"{where}.holders[{k}]", problems)
            uids = {h["uid"] for h in s["holders"]}
            if s["uids_differ"] != (len(uids) > 1):
                problems.append(f"{where}: uids_differ {s['uids_differ']} for uids {uids}")
        elif s["uids_differ"]:
            problems.append(f"{where}: uids_differ without holders")
        other = s["other_family"]
        server = s["proto"] == "udp" or s["state"] == "listening"
        has_sibling = server and s["address"] in SIBLINGS and not (
            s["address"] == "::" and not s["v6_only"])
        if (other is not None) != has_sibling:
            problems.append(f"{where}: other_family must be an object exactly for a "
                            f"listener or UDP socket on a wildcard or loopback address")
        elif other is not None:
            if set(other) != {"address", "state"} or other["state"] not in SIBLING_STATES:
                problems.append(f"{where}.other_family {other!r}")
            elif other["address"] != SIBLINGS[s["address"]]:
                problems.append(f"{where}.other_family.address {other['address']!r}")
            elif (other["state"] == "free" and "any_user" in s["by"]
                  and s["verdict"] not in ("hijackable", "shared")):
                problems.append(f"{where}: the other family's port is free, yet {s['verdict']}")
    summary = report["summary"]
    expected = {"sockets", "rivals_tried", *VERDICTS}
    if set(summary) != expected:
        problems.append(f"summary fields {sorted(summary)}")
    else:
        if summary["sockets"] != len(report["sockets"]):
            problems.append("summary.sockets differs from the list")
        for v in VERDICTS:
            n = sum(1 for s in report["sockets"] if isinstance(s, dict) and s.get("verdict") == v)
            if summary[v] != n:
                problems.append(f"summary.{v} is {summary[v]}, the list has {n}")
        bad = summary["shared"] + summary["hijackable"] > 0
        if report["exit_code"] != (1 if bad else 0):
            problems.append(f"exit_code {report['exit_code']} for summary {summary}")
    if any(not isinstance(l, str) for l in report["limits"]):
        problems.append("limits must be strings")
    return problems


def parse_prometheus(text):
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError:
        # The interpreter that runs the tests may not be Debian's; the
        # package is pure Python.
        sys.path.append("/usr/lib/python3/dist-packages")
        from prometheus_client.parser import text_string_to_metric_families
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = (family.type, list(family.samples))
    return families
