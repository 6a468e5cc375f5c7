#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""rproc-analyze trace and verify on one recorded crash.

    check_analyze.py --collect rproc-collect --analyze rproc-analyze \
                     --nm arm-none-eabi-nm --recorded DIR --workdir DIR

The recorded dump (tests/fixtures/harness/record_crash.py) is stored as a core with
rproc-collect, as check_core.py does. Then:
  - `trace` must print the firmware's log ending with truth.json's
    trace_tail, in text and in JSON;
  - `verify` must find nothing on that core (exit 0);
  - with one byte of a function's code flipped in dump.elf, `verify` must
    report exactly one range, inside that function, and exit 4.
"""
import argparse
import json
import os
import random
import struct
import sys

from rpdtest import core_check

EXIT_DIFFERS = 4


def analyze(args, *argv):
    return core_check.run([args.analyze, "--firmware", args.fw] + list(argv))


def check_trace(args, core, tail):
    res = analyze(args, "trace", core)
    if res.returncode != 0:
        core_check.fail("trace failed (%d): %s" % (res.returncode, res.stderr))
        return
    lines = res.stdout.rstrip("\n").splitlines()
    if not lines or lines[-1] != tail:
        core_check.fail("trace does not end with %r:\n%s" % (tail, res.stdout))
    res = analyze(args, "--json=short", "trace", core)
    try:
        buffers = json.loads(res.stdout)["buffers"]
    except (ValueError, KeyError) as e:
        core_check.fail("trace --json: %s: %s" % (e, res.stdout))
        return
    if (len(buffers) != 1 or buffers[0]["format"] != "rtrc"
            or not buffers[0]["text"].rstrip("\n").endswith("\n" + tail)):
        core_check.fail("trace --json: unexpected %s" % res.stdout)


def check_verify_clean(args, core):
    res = analyze(args, "verify", core)
    if res.returncode != 0 or "verdict: clean" not in res.stdout:
        core_check.fail("verify on a clean core (%d):\n%s%s"
                        % (res.returncode, res.stdout, res.stderr))


def code_functions(args):
    """(name, address, size) of the sized functions of the firmware."""
    res = core_check.run([args.nm, "-S", "--defined-only", args.fw])
    funcs = []
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tT" and int(parts[1], 16) >= 8:
            funcs.append((parts[3], int(parts[0], 16) & ~1,
                          int(parts[1], 16)))
    return funcs


def file_offset(dump, addr):
    """Offset in an ELF32 dump of the byte at device address addr."""
    phoff, = struct.unpack_from("<I", dump, 28)
    phentsize, phnum = struct.unpack_from("<HH", dump, 42)
    for i in range(phnum):
        p_type, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(
            "<IIIII", dump, phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= addr < p_vaddr + p_filesz:
            return p_offset + addr - p_vaddr
    return None


def check_verify_flipped(args):
    funcs = code_functions(args)
    if not funcs:
        core_check.fail("nm lists no function in %s" % args.fw)
        return
    # A different function per scenario, the same on every run.
    name, addr, size = random.Random(args.recorded).choice(funcs)
    target = addr + size // 2
    with open(os.path.join(args.recorded, "dump.elf"), "rb") as f:
        dump = bytearray(f.read())
    off = file_offset(dump, target)
    if off is None:
        core_check.fail("dump.elf holds no byte at 0x%x (%s)" % (target, name))
        return
    dump[off] ^= 0x5a

    flipped = os.path.join(args.workdir, "flipped")
    os.makedirs(flipped, exist_ok=True)
    with open(os.path.join(flipped, "dump.elf"), "wb") as f:
        f.write(dump)
    core = os.path.join(args.workdir, "flipped.core.gz")
    before = len(core_check.FAILURES)
    ok = core_check.convert(args, flipped, core)
    # rproc-collect rightly calls this firmware "corrupted", not "match".
    del core_check.FAILURES[before:]
    if not ok:
        core_check.fail("rproc-collect refused the flipped dump")
        return

    res = analyze(args, "--json=short", "verify", core)
    if res.returncode != EXIT_DIFFERS:
        core_check.fail("verify on a flipped byte exited %d, not 4:\n%s%s"
                        % (res.returncode, res.stdout, res.stderr))
        return
    result = json.loads(res.stdout)
    ranges = [r for s in result["sections"] for r in s["ranges"]]
    want = {"address": target, "length": 1, "symbol": name,
            "offset": target - addr}
    got = [{k: r[k] for k in want} for r in ranges]
    if got != [want] or result["differing"] != 1:
        core_check.fail("verify: expected only %s, got %s" % (want, ranges))
    res = analyze(args, "verify", core)
    if "%s+0x%x" % (name, target - addr) not in res.stdout:
        core_check.fail("verify text does not name %s:\n%s" % (name,
                                                               res.stdout))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--analyze", required=True)
    ap.add_argument("--nm", required=True)
    ap.add_argument("--recorded", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    args.fw = os.path.join(args.recorded, "fw.elf")

    with open(os.path.join(args.recorded, "truth.json")) as f:
        truth = json.load(f)
    os.makedirs(args.workdir, exist_ok=True)
    core = os.path.join(args.workdir, "test.core.gz")
    if core_check.convert(args, args.recorded, core):
        check_trace(args, core, truth["trace_tail"])
        check_verify_clean(args, core)
        check_verify_flipped(args)

    print("%s: %s" % (os.path.basename(args.recorded.rstrip("/")),
                      "FAILED" if core_check.FAILURES else "ok"))
    return 1 if core_check.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
