#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check a stored core against the ground truth recorded from a live CPU.

    check_core.py --collect rproc-collect --dwfl dwfl_unwind \
                  --recorded DIR --workdir DIR [--format gz|plain]

DIR (from tests/harness/record_crash.py) holds fw.elf, dump.elf (what an
unpatched Linux 6.12 exports) and truth.json (what GDB showed on the live
target at the fault). The dump is converted with `rproc-collect --input`,
then the core must give, in gdb-multiarch, the same frames, pc/sp/lr and
memory values as the live target; libdwfl must unwind the interrupted
context down to main; readelf and eu-readelf must read it without warnings;
gunzip -t must accept the container.
"""
import argparse
import json
import os
import re
import subprocess
import sys

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


def run(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    return res


def gdb_frames(bt_text):
    """Function names of a GDB backtrace, in order."""
    frames = []
    for line in bt_text.splitlines():
        m = re.match(r"^#(\d+)\s+(.*)$", line)
        if not m:
            continue
        rest = m.group(2)
        if rest.startswith("<signal handler called>"):
            frames.append("<signal handler called>")
            continue
        rest = re.sub(r"^0x[0-9a-fA-F]+ in ", "", rest)
        frames.append(rest.split(" ")[0])
    return frames


def gdb_register(text, name):
    m = re.search(r"^%s\s+(0x[0-9a-fA-F]+)" % name, text, re.M)
    return int(m.group(1), 16) if m else None


def gdb_value(text, marker):
    """The value GDB printed after an 'echo MARKER\\n' line."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == marker and i + 1 < len(lines):
            return re.sub(r"^\$\d+ = ", "", lines[i + 1].strip())
    return None


def convert(args, recorded, core):
    cmd = [args.collect, "--input", os.path.join(recorded, "dump.elf"),
           "--firmware", os.path.join(recorded, "fw.elf"),
           "--output", core, "--name", "test-m3",
           "--firmware-name", "fw.elf", "--crash-type", "fatal error",
           "--force"]
    res = run(cmd)
    if res.returncode != 0:
        fail("rproc-collect failed (%d): %s" % (res.returncode, res.stderr))
        return False
    if "registers from the crash record" not in res.stderr:
        fail("rproc-collect found no registers: " + res.stderr.strip())
    if "firmware match" not in res.stderr:
        fail("rproc-collect did not match the firmware against the dump: " +
             res.stderr.strip())
    return True


def inflate(args, core):
    if args.format != "gz":
        return core
    res = run(["gunzip", "-t", core])
    if res.returncode != 0:
        fail("gunzip -t rejects %s: %s" % (core, res.stderr))
    plain = core[:-3]
    with open(plain, "wb") as out:
        res = subprocess.run(["gunzip", "-c", core], stdout=out,
                             stderr=subprocess.PIPE, timeout=120)
    if res.returncode != 0:
        fail("gunzip -c failed")
    return plain


def check_readelf(plain):
    for cmd in (["readelf", "-lnW", plain], ["eu-readelf", "-n", plain]):
        res = run(cmd)
        text = res.stdout + res.stderr
        if res.returncode != 0 or re.search(r"warning|error", text, re.I):
            fail("%s reports problems:\n%s" % (" ".join(cmd), text))
    res = run(["eu-readelf", "-n", plain])
    if "PRSTATUS" not in res.stdout or "PRPSINFO" not in res.stdout:
        fail("eu-readelf -n shows no PRSTATUS/PRPSINFO notes")


def check_gdb(truth, fw, plain):
    g, l = truth["global"], truth["local"]
    cmd = ["gdb-multiarch", "-batch", "-nx",
           "-ex", "set pagination off", "-ex", "set width 0",
           "-ex", "set backtrace past-main on",
           "-ex", "echo @@BT\\n", "-ex", "bt",
           "-ex", "echo @@REGS\\n", "-ex", "info registers pc sp lr",
           "-ex", "echo @@GLOBAL\\n", "-ex", "print %s" % g["name"],
           "-ex", "frame function %s" % l["function"],
           "-ex", "echo @@LOCAL\\n", "-ex", "print %s" % l["name"],
           fw, plain]
    res = run(cmd)
    out = res.stdout
    bt = out.split("@@BT")[1].split("@@REGS")[0] if "@@BT" in out else ""
    frames = gdb_frames(bt)
    if frames != truth["frames"]:
        fail("gdb backtrace differs from the live target:\n  core: %s\n  live: %s\n%s"
             % (frames, truth["frames"], res.stdout + res.stderr))
    regs = out.split("@@REGS")[1] if "@@REGS" in out else ""
    for name in ("pc", "sp", "lr"):
        got, want = gdb_register(regs, name), truth["registers"][name]
        if got != want:
            fail("register %s: core %s, live 0x%x" %
                 (name, hex(got) if got is not None else None, want))
    for marker, expect in (("@@GLOBAL", g), ("@@LOCAL", l)):
        got = gdb_value(out, marker)
        if got != expect["value"]:
            fail("%s %s: core %r, live %r" % (marker[2:].lower(),
                                              expect["name"], got,
                                              expect["value"]))
    if "Couldn't find general-purpose registers" in res.stderr:
        fail("gdb found no registers in the core")


def interrupted_frames(truth):
    frames = truth["frames"]
    if "<signal handler called>" in frames:
        frames = frames[frames.index("<signal handler called>") + 1:]
    return frames


def is_subsequence(small, big):
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def check_dwfl(args, truth, fw, plain):
    res = run([args.dwfl, fw, plain])
    if res.returncode != 0:
        fail("libdwfl failed on the core: %s%s" % (res.stdout, res.stderr))
        return
    want = interrupted_frames(truth)
    threads, cur = [], None
    for line in res.stdout.splitlines():
        if line.startswith("TID"):
            cur = []
            threads.append(cur)
        m = re.match(r"^#\d+ 0x[0-9a-f]+ (\S+)", line)
        if m and cur is not None and m.group(1) != "??":
            cur.append(m.group(1))
    # libdwfl names the function containing an inlined call, so its frames
    # are the live frames minus the inlined ones, in the same order.
    good = [t for t in threads
            if len(t) >= 3 and "main" in t and is_subsequence(t, want)]
    if not good:
        fail("libdwfl did not unwind the interrupted context to main:\n"
             "  live: %s\n  dwfl: %s" % (want, threads))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--dwfl", required=True)
    ap.add_argument("--recorded", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--format", choices=("gz", "plain"), default="gz")
    args = ap.parse_args()

    with open(os.path.join(args.recorded, "truth.json")) as f:
        truth = json.load(f)
    fw = os.path.join(args.recorded, "fw.elf")
    os.makedirs(args.workdir, exist_ok=True)
    core = os.path.join(args.workdir,
                        "test.core.gz" if args.format == "gz" else "test.core")

    if convert(args, args.recorded, core):
        plain = inflate(args, core)
        check_readelf(plain)
        check_gdb(truth, fw, plain)
        check_dwfl(args, truth, fw, plain)

    print("%s (%s): %s" % (os.path.basename(args.recorded.rstrip("/")),
                           args.format, "FAILED" if FAILURES else "ok"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
