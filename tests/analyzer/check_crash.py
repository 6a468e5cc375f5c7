#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check `rproc-analyze crash` against the ground truth of a live CPU.

    check_crash.py --analyze rproc-analyze --collect rproc-collect \\
                   --recorded DIR --workdir DIR [--no-cfi OBJCOPY]
    check_crash.py --analyze rproc-analyze --hostile CORPUS_DIR \\
                   --recorded DIR --workdir DIR

DIR (tests/fixtures/harness/record_crash.py) holds fw.elf, dump.elf and truth.json,
what GDB showed on the live target at the fault. The dump becomes stored
cores with rproc-collect --input (as rpdtest.core_check does),
and the analyzer must find the same frames as GDB, in the same order and
with the inlined ones, the faulting frame's file:line, the fault status the
scenario causes, and one signature for cores of the same crash.

--no-cfi removes .debug_frame from the firmware: the analyzer must then
fall back to scanning the stack, say so, and still reach main.

--hostile runs the analyzer on every core of a fuzz corpus and on cores
whose stack memory is garbage: each run must end with a clear error or
output, never with a signal, a sanitizer report or a hang.
"""
import argparse
import json
import os
import random
import re
import struct
import subprocess
import sys

from rpdtest import core_check

EXCEPTION_FRAME = "<exception frame>"
RAISING_FUNCTIONS = ("rproc_crash_raise", "rproc_crash_assert")
GDB_SIGNAL_FRAME = "<signal handler called>"
FAILURES = core_check.FAILURES


def fail(msg):
    core_check.fail(msg)


def analyze(args, core, firmware, json_out=True, timeout=60):
    cmd = [args.analyze]
    if json_out:
        cmd.append("--json=short")
    cmd += ["crash", core]
    if firmware:
        cmd += ["--firmware", firmware]
    return subprocess.run(cmd, capture_output=True, text=True,
                          timeout=timeout)


def analyze_json(args, core, firmware):
    res = analyze(args, core, firmware)
    if res.returncode != 0:
        fail("rproc-analyze crash %s failed (%d): %s" %
             (core, res.returncode, res.stderr))
        return None, res
    try:
        return json.loads(res.stdout), res
    except ValueError as e:
        fail("rproc-analyze --json crash printed no JSON (%s):\n%s" %
             (e, res.stdout))
        return None, res


def frame_names(report):
    return [GDB_SIGNAL_FRAME if f["function"] == EXCEPTION_FRAME
            else f["function"] for f in report["frames"]]


def truth_faulting_line(truth):
    """File and line GDB showed for the first frame after the handler, or,
    for a crash raised by a call (no handler), for the raising function's
    caller."""
    bt = truth["backtrace"]
    if truth.get("capture") == "raise":
        m = re.search(r" at (\S+):(\d+)$", bt[1]) if len(bt) > 1 else None
        return (m.group(1), int(m.group(2))) if m else None
    for i, line in enumerate(bt):
        if GDB_SIGNAL_FRAME in line and i + 1 < len(bt):
            m = re.search(r" at (\S+):(\d+)$", bt[i + 1])
            return (m.group(1), int(m.group(2))) if m else None
    return None


def check_fault(truth, report):
    """The fault status the scenario causes."""
    scenario = truth["scenario"]
    # The harness spells reasons with underscores, the library with spaces.
    if report["reason"] != truth["record_reason_name"].replace("_", " "):
        fail("reason %r, the firmware recorded %r" %
             (report["reason"], truth["record_reason_name"]))
    fault = report["fault"]
    if fault is None:
        fail("no fault status decoded")
        return
    cfsr = fault["cfsr"]["bits"]
    if scenario == "divzero" and "DIVBYZERO" not in cfsr:
        fail("divide by zero without DIVBYZERO: %s" % fault)
    if scenario == "null":
        if not {"DACCVIOL", "MMARVALID"} <= set(cfsr):
            fail("NULL dereference without DACCVIOL+MMARVALID: %s" % fault)
        if fault["mmfar"] is None or fault["mmfar"] >= 0x100:
            fail("NULL dereference: MMFAR %r is not near 0" % fault["mmfar"])
    if scenario in ("assert", "stackoverflow") and not report["message"]:
        fail("%s: the record's message is missing" % scenario)
    if scenario == "watchdog" and fault["exception_name"] != "NMI":
        fail("watchdog: exception %r, expected NMI" % fault["exception_name"])
    if scenario in ("assert", "stackoverflow", "watchdog") and cfsr:
        fail("%s: CFSR bits %s where the hardware reported none" %
             (scenario, cfsr))


def check_report(truth, report):
    # The core's first context is the crashed code at the faulting
    # instruction: the live frames below the handler's.
    names = frame_names(report)
    want, _ = core_check.core_view(truth)
    if names != want:
        fail("frames differ from the live target:\n  ours: %s\n  live: %s"
             % (names, want))
    if report["method"] != "cfi":
        fail("method %r with full CFI" % report["method"])
    idx = report["faulting_frame"]
    want = truth_faulting_line(truth)
    if idx is None or want is None:
        fail("no faulting frame (ours %r, live %r)" % (idx, want))
    else:
        got = report["frames"][idx]
        if (got["file"], got["line"]) != want:
            fail("faulting frame at %s:%s, live %s:%d" %
                 (got["file"], got["line"], want[0], want[1]))
    regs = report["registers"]
    # The record holds all of them, r9 too, whatever the unwinder knows.
    names = ["r%d" % i for i in range(13)] + ["sp", "lr", "pc", "xpsr"]
    missing = [n for n in names if n not in regs]
    if missing:
        fail("registers the crash record holds are missing: %s" % missing)
    _, live = core_check.core_view(truth)
    differ = [n for n in live if regs.get(n) != live[n]]
    if differ:
        fail("registers differ from the live CPU's: %s" %
             ["%s ours %s live 0x%x" % (n, hex(regs[n]) if n in regs else None,
                                        live[n]) for n in differ])
    if regs.get("pc") != report["frames"][0]["pc"]:
        fail("interrupted pc 0x%x is not frame 0's" % regs.get("pc", 0))
    if truth.get("capture") == "raise" and idx is not None and \
            report["frames"][idx]["function"] in RAISING_FUNCTIONS:
        fail("the faulting frame is the raising function %s" %
             report["frames"][idx]["function"])
    check_fault(truth, report)
    if not re.fullmatch(r"[0-9a-f]{16}", report["signature"]):
        fail("signature %r is not 16 hex digits" % report["signature"])


def check_text(args, core, fw, report):
    res = analyze(args, core, fw, json_out=False)
    first = res.stdout.splitlines()[0] if res.stdout else ""
    at = report["frames"][report["faulting_frame"] or 0]
    want = "crashed: %s" % report["reason"]
    if res.returncode != 0 or want not in first or \
            " at %s " % at["function"] not in first:
        fail("text headline %r lacks %r or the faulting function %s" %
             (first, want, at["function"]))
    if report["signature"] not in res.stdout:
        fail("text output lacks the signature")


def check_no_registers(args, truth):
    """A core without registers has no frames, says so, and no signature:
    a constant one would lump every such crash together."""
    core = os.path.join(args.workdir, "noregs.core")
    res = subprocess.run([args.collect, "--input",
                          os.path.join(args.recorded, "dump.elf"),
                          "--output", core, "--force"],
                         capture_output=True, text=True, timeout=120)
    if res.returncode != 0:
        fail("rproc-collect without firmware failed: " + res.stderr)
        return
    report, _ = analyze_json(args, core, None)
    if report is None:
        return
    if report["frames"] or report["method"] != "none" or \
            report["signature"] is not None:
        fail("without registers: frames %s, method %r, signature %r" %
             (report["frames"], report["method"], report["signature"]))
    text = analyze(args, core, None, json_out=False).stdout
    if "Signature: none" not in text:
        fail("without registers the text gives a signature:\n" + text)
    check_rederived(args, truth, core)


def check_rederived(args, truth, core):
    """The firmware found later gives back everything the core would
    have had: the analyzer derives it from the core's memory, and
    rproc-collect --input CORE writes a core that has it."""
    fw = os.path.join(args.recorded, "fw.elf")
    want = core_check.interrupted_frames(truth)
    report, _ = analyze_json(args, core, fw)
    if report and (not report["derived"] or
                   report["registers_source"] != "crash record" or
                   frame_names(report) != want):
        fail("re-derived with --firmware: derived %r, source %r, frames %s,"
             " live %s" % (report["derived"], report["registers_source"],
                           frame_names(report), want))
    again = os.path.join(args.workdir, "recollected.core")
    res = subprocess.run([args.collect, "--input", core, "--firmware", fw,
                          "--output", again, "--force"],
                         capture_output=True, text=True, timeout=120)
    if res.returncode != 0 or "registers from the crash record" not in \
            res.stderr:
        fail("rproc-collect --input CORE --firmware: %d %s" %
             (res.returncode, res.stderr))
        return
    report, _ = analyze_json(args, again, fw)
    if report and (report["derived"] or frame_names(report) != want):
        fail("re-collected core: derived %r, frames %s, live %s" %
             (report["derived"], frame_names(report), want))


def check_scenario(args, truth, fw):
    cores = [os.path.join(args.workdir, "a.core.gz"),
             os.path.join(args.workdir, "b.core")]
    for core in cores:
        if not core_check.convert(args, args.recorded, core):
            return
    reports = []
    for core in cores:
        report, _ = analyze_json(args, core, fw)
        if report is None:
            return
        reports.append(report)
    check_report(truth, reports[0])
    check_text(args, cores[0], fw, reports[0])
    again, _ = analyze_json(args, cores[0], fw)
    if again != reports[0]:
        fail("two runs on the same core differ")
    if reports[0]["signature"] != reports[1]["signature"]:
        fail("cores of the same crash have signatures %s and %s" %
             (reports[0]["signature"], reports[1]["signature"]))
    if reports[0]["frames"] != reports[1]["frames"]:
        fail(".core.gz and plain core give different frames")
    check_no_registers(args, truth)


def check_no_cfi(args, truth, fw):
    stripped = os.path.join(args.workdir, "fw-no-cfi.elf")
    res = subprocess.run([args.no_cfi, "--remove-section", ".debug_frame",
                          fw, stripped], capture_output=True, text=True)
    if res.returncode != 0:
        fail("objcopy failed: " + res.stderr)
        return
    core = os.path.join(args.workdir, "a.core.gz")
    if not core_check.convert(args, args.recorded, core):
        return
    report, _ = analyze_json(args, core, stripped)
    if report is None:
        return
    names = frame_names(report)
    kinds = {f["kind"] for f in report["frames"]}
    if report["method"] != "stack-scan" or "stack-scan" not in kinds:
        fail("without .debug_frame: method %r, kinds %s" %
             (report["method"], kinds))
    if "main" not in names:
        fail("the stack scan did not find main: %s" % names)
    # The exception frame is still exact: its registers are the hardware's.
    want = truth_faulting_line(truth)
    idx = report["faulting_frame"]
    if idx is None or (report["frames"][idx]["file"],
                       report["frames"][idx]["line"]) != want:
        fail("without CFI the faulting frame moved: %s" %
             (report["frames"][idx] if idx is not None else None))
    text = analyze(args, core, stripped, json_out=False).stdout
    if "guess" not in text:
        fail("the text output does not call the scanned frames a guess")


def load_segments(data):
    """(offset, filesz, vaddr) of each PT_LOAD of an ELF32 core."""
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    segs = []
    for i in range(phnum):
        p = struct.unpack_from("<8I", data, phoff + i * phentsize)
        if p[0] == 1:
            segs.append((p[1], p[4], p[2]))
    return segs


def run_hostile(args, path, fw):
    for firmware in (fw, None):
        try:
            res = analyze(args, path, firmware, timeout=30)
        except subprocess.TimeoutExpired:
            fail("%s: rproc-analyze hangs" % path)
            continue
        if res.returncode not in (0, 1) or "Sanitizer" in res.stderr:
            fail("%s: exit %d\n%s" % (path, res.returncode, res.stderr))
        elif res.returncode == 1 and not res.stderr.strip():
            fail("%s: failed without saying why" % path)


def garbage_stacks(args, fw):
    """Cores whose RAM holds noise, or one return address over and over."""
    core = os.path.join(args.workdir, "clean.core")
    if not core_check.convert(args, args.recorded, core):
        return []
    with open(core, "rb") as f:
        data = bytearray(f.read())
    report, _ = analyze_json(args, core, fw)
    ret = [fr["pc"] | 1 for fr in (report or {}).get("frames", [])
           if fr["kind"] == "cfi"][:1] or [0x4c1]
    rnd = random.Random(4)
    out = []
    for name, fill in (("noise", lambda n: rnd.randbytes(n)),
                       ("ones", lambda n: b"\xff" * n),
                       ("loop", lambda n: struct.pack("<I", ret[0]) *
                        (n // 4) + bytes(n % 4))):
        mutated = bytearray(data)
        for off, size, vaddr in load_segments(data):
            if vaddr >= 0x20000000:  # RAM: the stacks
                mutated[off:off + size] = fill(size)
        path = os.path.join(args.workdir, "garbage-%s.core" % name)
        with open(path, "wb") as f:
            f.write(mutated)
        out.append(path)
    return out


def check_hostile(args, fw):
    paths = [os.path.join(args.hostile, n)
             for n in sorted(os.listdir(args.hostile))]
    paths += garbage_stacks(args, fw)
    if not paths:
        fail("no hostile cores in %s" % args.hostile)
    for path in paths:
        run_hostile(args, path, fw)
    print("%d hostile cores" % len(paths))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--analyze", required=True)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--recorded", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--no-cfi", metavar="OBJCOPY")
    ap.add_argument("--hostile", metavar="CORPUS_DIR")
    args = ap.parse_args()

    with open(os.path.join(args.recorded, "truth.json")) as f:
        truth = json.load(f)
    fw = os.path.join(args.recorded, "fw.elf")
    os.makedirs(args.workdir, exist_ok=True)
    if args.hostile:
        check_hostile(args, fw)
    elif args.no_cfi:
        check_no_cfi(args, truth, fw)
    else:
        check_scenario(args, truth, fw)

    print("%s: %s" % (os.path.basename(args.recorded.rstrip("/")),
                      "FAILED" if FAILURES else "ok"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
