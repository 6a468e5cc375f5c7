#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check the udev rules and systemd units that start rproc-collect.

    check_triggers.py --systemd-rule 60-rproc-collect.rules
                      --run-rule 60-rproc-collect-run.rules
                      --unit rproc-collect@.service
                      --monitor-unit rproc-collect-monitor.service
                      --sbindir DIR --collect BIN

udev 252 (Debian 12) has no `udevadm verify` and `udevadm test` reads only
the system's rule directories, so the rules are parsed here: every
assignment must be well-formed with a key udev knows, and the rules must
match devcoredump "add" events and start exactly what the units and
rproc-collect expect. The units go through `systemd-analyze verify` (any
warning fails), with their ExecStart= pointed at the built binary so that
it exists; without systemd-analyze only their key lines are checked.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

FAILURES = []

# udev(7) keys; the ones taking {attribute} are listed with it.
UDEV_KEYS = {
    "ACTION", "DEVPATH", "KERNEL", "KERNELS", "NAME", "SYMLINK", "SUBSYSTEM",
    "SUBSYSTEMS", "DRIVER", "DRIVERS", "TAG", "TAGS", "TEST", "PROGRAM",
    "RESULT", "OWNER", "GROUP", "MODE", "SECLABEL", "RUN", "LABEL", "GOTO",
    "IMPORT", "OPTIONS", "WAIT_FOR", "ATTR", "ATTRS", "SYSCTL", "ENV",
    "CONST",
}
ASSIGNMENT = re.compile(r'\s*([A-Z_]+)(\{[^}]*\})?\s*(==|!=|\+=|-=|:=|=)\s*'
                        r'"((?:[^"\\]|\\.)*)"\s*(,|$)')


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


def parse_rules(path):
    """Rules as lists of (key, attribute, operator, value)."""
    rules = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            rule, pos = [], 0
            while pos < len(line):
                m = ASSIGNMENT.match(line, pos)
                if not m:
                    fail("%s:%d: cannot parse at column %d: %s"
                         % (path, lineno, pos + 1, line[pos:]))
                    break
                key, attr, op, value = m.group(1, 2, 3, 4)
                if key not in UDEV_KEYS:
                    fail("%s:%d: unknown key %s" % (path, lineno, key))
                rule.append((key, attr[1:-1] if attr else None, op, value))
                pos = m.end()
            rules.append(rule)
    return rules


def check_rule(path, want):
    """The file's one rule must consist of exactly the wanted assignments."""
    rules = parse_rules(path)
    if len(rules) != 1:
        fail("%s: %d rules, expected 1" % (path, len(rules)))
        return None
    got = sorted(rules[0], key=str)
    if got != sorted(want, key=str):
        fail("%s:\n  rule: %s\n  want: %s" % (path, got, sorted(want, key=str)))
    return rules[0]


def parse_unit(path):
    """{section: {key: value}}; a repeated key keeps its last value."""
    unit, section = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = unit.setdefault(line.strip("[]"), {})
            elif "=" in line and section is not None:
                key, value = line.split("=", 1)
                section[key.strip()] = value.strip()
            else:
                fail("%s: not a unit file line: %s" % (path, line))
    return unit


def expect(path, unit, section, key, value):
    got = unit.get(section, {}).get(key)
    if got != value:
        fail("%s: [%s] %s=%s, expected %s" % (path, section, key, got, value))


def check_units(args):
    unit = parse_unit(args.unit)
    service = unit.get("Service", {})
    expect(args.unit, unit, "Service", "Type", "oneshot")
    expect(args.unit, unit, "Service", "ExecStart",
           "%s/rproc-collect --devcd %%i" % args.sbindir)
    if "RuntimeMaxSec" in service:
        fail("%s: RuntimeMaxSec= would kill the collection of a big dump"
             % args.unit)
    timeout = service.get("TimeoutStartSec", "90s")
    if not re.fullmatch(r"(\d+min|infinity)", timeout) or \
            (timeout != "infinity" and int(timeout[:-3]) < 10):
        fail("%s: TimeoutStartSec=%s is shorter than a big dump takes"
             % (args.unit, timeout))
    # Writing devcdN/data and the remote's recovery needs a writable /sys.
    if service.get("ProtectKernelTunables", "no") != "no":
        fail("%s: ProtectKernelTunables= makes /sys read-only" % args.unit)
    expect(args.unit, unit, "Service", "ProtectSystem", "strict")
    expect(args.unit, unit, "Service", "StateDirectory", "rproc-dumps")
    expect(args.unit, unit, "Service", "StateDirectoryMode", "0700")

    monitor = parse_unit(args.monitor_unit)
    expect(args.monitor_unit, monitor, "Service", "ExecStart",
           "%s/rproc-collect --monitor" % args.sbindir)
    expect(args.monitor_unit, monitor, "Service", "KillMode", "mixed")
    if monitor.get("Service", {}).get("PrivateNetwork", "no") != "no":
        fail("%s: PrivateNetwork= hides udevd's netlink events"
             % args.monitor_unit)


def systemd_verify(args):
    """systemd-analyze verify on an instance of each unit; any output fails."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        print("systemd-analyze not found: unit files checked by key only")
        return
    bindir = os.path.dirname(os.path.abspath(args.collect))
    with tempfile.TemporaryDirectory() as tmp:
        units = []
        for src, name in ((args.unit, "rproc-collect@devcd1.service"),
                          (args.monitor_unit, "rproc-collect-monitor.service")):
            with open(src) as f:
                text = f.read().replace(args.sbindir + "/rproc-collect",
                                        os.path.join(bindir, "rproc-collect"))
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
            units.append(os.path.join(tmp, name))
        res = subprocess.run([analyze, "verify", "--man=no"] + units,
                             capture_output=True, text=True, timeout=60)
        out = (res.stdout + res.stderr).strip()
        if res.returncode != 0 or out:
            fail("systemd-analyze verify (%d):\n%s" % (res.returncode, out))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    for opt in ("--systemd-rule", "--run-rule", "--unit", "--monitor-unit",
                "--sbindir", "--collect"):
        ap.add_argument(opt, required=True)
    args = ap.parse_args()

    match = [("ACTION", None, "==", "add"),
             ("SUBSYSTEM", None, "==", "devcoredump")]
    rule = check_rule(args.systemd_rule, match + [
        ("TAG", None, "+=", "systemd"),
        ("ENV", "SYSTEMD_WANTS", "+=", "rproc-collect@%k.service")])
    # %k is the kernel name, devcdN: the unit's instance, its %i.
    if rule and os.path.basename(args.unit) != "rproc-collect@.service":
        fail("SYSTEMD_WANTS names rproc-collect@.service, the unit is %s"
             % os.path.basename(args.unit))
    check_rule(args.run_rule, match + [
        ("RUN", None, "+=", "%s/rproc-collect --devcd %%k" % args.sbindir)])
    check_units(args)
    systemd_verify(args)

    # Both triggers run "rproc-collect --devcd devcdN": it must be a mode.
    res = subprocess.run([args.collect, "--help"], capture_output=True,
                         text=True, timeout=30)
    if "--devcd" not in res.stdout or "--monitor" not in res.stdout:
        fail("rproc-collect --help mentions no --devcd or --monitor")

    print("triggers: %s" % ("FAILED" if FAILURES else "ok"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
