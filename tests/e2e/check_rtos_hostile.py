#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A FreeRTOS crash whose kernel bookkeeping is corrupted, collected and
analyzed: every run must end with a core and a report that say what could
not be read, never with a signal, a sanitizer report or a hang.

    check_rtos_hostile.py --collect rproc-collect --analyze rproc-analyze \\
        --nm arm-none-eabi-nm --recorded DIR --workdir DIR

DIR is a FreeRTOS recording (tests/fixtures/harness/record_rtos.py). The
mutations are those a crashed, or compromised, remote leaves: a task list
that loops back on itself, list counts no RAM could hold, every task's
saved stack pointer outside its stack, the current-task pointer outside
memory, and RAM that is noise.
"""
import argparse
import json
import os
import random
import struct
import subprocess
import sys

from rpdtest import core_check
from rpdtest.elf_image import elf_phdrs

FAILURES = core_check.FAILURES
TIMEOUT = 60
# List_t without integrity check bytes (the recordings' FreeRTOSConfig.h):
# uxNumberOfItems, pxIndex, xListEnd { xItemValue, pxNext, pxPrevious }.
LIST_COUNT, LIST_END_NEXT = 0, 12


def fail(msg):
    core_check.fail(msg)


def symbol(args, fw, name):
    out = subprocess.run([args.nm, fw], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2] == name:
            return int(fields[0], 16)
    raise SystemExit("%s: no symbol %s" % (fw, name))


class Dump:
    """dump.elf's bytes, written at device addresses."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = bytearray(f.read())
        self.loads = [p for p in elf_phdrs(self.data) if p["type"] == 1]

    def offset(self, addr):
        for p in self.loads:
            if p["vaddr"] <= addr < p["vaddr"] + p["filesz"]:
                return p["offset"] + addr - p["vaddr"]
        raise ValueError("0x%x is not in the dump" % addr)

    def word(self, addr, value):
        struct.pack_into("<I", self.data, self.offset(addr), value)

    def ram(self):
        return [p for p in self.loads if p["vaddr"] >= 0x20000000]


def mutations(args, truth, fw):
    current = symbol(args, fw, "pxCurrentTCB")
    lists = truth["kernel"]["lists"]
    tcbs = [t["tcb"] for t in truth["tasks"]]

    def loop(d):
        # Every list's end marker points at the list's first task's
        # item, whose own next points back at itself.
        for addr in lists.values():
            d.word(addr + LIST_END_NEXT, tcbs[0] + 4)
        d.word(tcbs[0] + 4 + 4, tcbs[0] + 4)

    def counts(d):
        for addr in lists.values():
            d.word(addr + LIST_COUNT, 0x7fffffff)

    def top_of_stack(d):
        for tcb in tcbs:  # pxTopOfStack is the TCB's first member
            d.word(tcb, 0xfffffff0)

    def outside(d):
        d.word(current, 0x90000000)

    def noise(d):
        rnd = random.Random(10)
        for p in d.ram():
            d.data[p["offset"]:p["offset"] + p["filesz"]] = \
                rnd.randbytes(p["filesz"])

    return [("loop", loop), ("counts", counts),
            ("top-of-stack", top_of_stack), ("current-outside", outside),
            ("noise", noise)]


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        fail("hangs: %s" % " ".join(cmd))
        return None


def sane(res, what):
    if res is None:
        return False
    if res.returncode not in (0, 1) or "Sanitizer" in res.stderr or \
            "runtime error" in res.stderr:
        fail("%s: exit %d\n%s" % (what, res.returncode, res.stderr))
        return False
    if res.returncode == 1 and not res.stderr.strip():
        fail("%s failed without saying why" % what)
        return False
    return True


def check(args, truth, fw, name, mutate):
    d = Dump(os.path.join(args.recorded, "dump.elf"))
    mutate(d)
    dump = os.path.join(args.workdir, name + ".dump.elf")
    core = os.path.join(args.workdir, name + ".core")
    with open(dump, "wb") as f:
        f.write(d.data)
    res = run([args.collect, "--input", dump, "--firmware", fw,
               "--output", core, "--force"])
    if not sane(res, "rproc-collect (%s)" % name) or res.returncode:
        if res is not None and res.returncode:
            fail("rproc-collect (%s) stored nothing: %s" %
                 (name, res.stderr))
        return
    for verb in (["crash", "--all"], ["threads"], ["info"]):
        for json_out in ([], ["--json=short"]):
            res = run([args.analyze] + json_out + verb +
                      [core, "--firmware", fw])
            if sane(res, "rproc-analyze %s (%s)" % (" ".join(verb), name)) \
                    and res.returncode == 0 and not res.stdout:
                fail("rproc-analyze %s (%s) printed nothing" %
                     (" ".join(verb), name))
    res = run([args.analyze, "--json=short", "threads", core,
               "--firmware", fw])
    if not res or res.returncode:
        return
    report = json.loads(res.stdout)
    info = run([args.analyze, "info", core, "--firmware", fw])
    said = info and "Problems" in info.stdout
    # What could be read is still there, and the rest is named.
    if name in ("top-of-stack", "current-outside") and not said:
        fail("%s: the core's info says nothing of what was unreadable:\n%s"
             % (name, info.stdout if info else ""))
    if name == "top-of-stack" and \
            len(report["threads"]) != len(truth["tasks"]):
        fail("%s: %d threads, the firmware has %d tasks" %
             (name, len(report["threads"]), len(truth["tasks"])))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--analyze", required=True)
    ap.add_argument("--nm", required=True)
    ap.add_argument("--recorded", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()

    with open(os.path.join(args.recorded, "truth.json")) as f:
        truth = json.load(f)
    fw = os.path.join(args.recorded, "fw.elf")
    os.makedirs(args.workdir, exist_ok=True)
    for name, mutate in mutations(args, truth, fw):
        check(args, truth, fw, name, mutate)
    print("%s (hostile): %s" % (os.path.basename(args.recorded.rstrip("/")),
                                "FAILED" if FAILURES else "ok"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
