#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A recorded crash of an RTOS or handler-less firmware, collected into a
stored core and checked, thread by thread, against the live CPU.

    check_rtos_core.py --collect rproc-collect --analyze rproc-analyze \\
        --dwfl dwfl_unwind --recorded DIR --workdir DIR

DIR comes from tests/fixtures/harness/record_rtos.py (truth.json schema
"rprocdump-truth-rtos/1", see the harness README). The dump is converted
with `rproc-collect --input`; then

- gdb-multiarch on the core lists one thread per task, and `thread apply
  all bt` gives, for every task, the backtrace GDB gave live with that
  task's registers loaded (frames compared by function and line: frame
  arguments that lived only in FP registers differ);
- the crashed thread is GDB's first, and its registers that the source
  holds equal the live CPU's at the faulting instruction;
- rproc-analyze crash names the crashed task, the register source and the
  faulting function; rproc-analyze threads gives every task's name,
  state, priority, stack bounds and high-water mark (as a live scan read
  it) and backtrace;
- libdwfl unwinds every thread;
- GDB prints no warning about the core's notes.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys

from rpdtest import core_check
from rpdtest.elf_image import RPROC_NT_THREADS, elf_notes

FAILURES = core_check.FAILURES
REG_NAMES = ["r%d" % i for i in range(13)] + ["sp", "lr", "pc", "xpsr"]
THREAD_ENTRY = 152
STATES = ("unknown", "running", "ready", "blocked", "suspended", "deleted")


def fail(msg):
    core_check.fail(msg)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def threads_note(core):
    """The RPROC threads note, decoded here from rproc-core(5)."""
    with open(core, "rb") as f:
        data = f.read()
    for owner, ntype, desc in elf_notes(data):
        if owner != "RPROC" or ntype != RPROC_NT_THREADS:
            continue
        out = []
        for off in range(0, len(desc) - THREAD_ENTRY + 1, THREAD_ENTRY):
            tid, state, flags, prio = struct.unpack_from("<iIIi", desc, off)
            tcb, low, high, unused = struct.unpack_from("<4Q", desc, off + 16)
            known, = struct.unpack_from("<I", desc, off + 48)
            name = desc[off + 56:off + 88].split(b"\0")[0].decode()
            out.append(dict(tid=tid, state=STATES[state], flags=flags,
                            priority=prio, tcb=tcb, stack_low=low,
                            stack_high=high, stack_unused=unused,
                            regs_known=known, name=name))
        return out
    return []


def own_frames(backtrace):
    """(function, line) of a truth backtrace, up to the task's entry: the
    frame past it (task_exit) is GDB's view of prvTaskExitError."""
    out = []
    for fr in backtrace["frames"]:
        if fr.get("task_exit"):
            break
        out.append((fr["function"], fr["line"]))
    return out


def gdb_threads(out):
    """{GDB thread number: [(function, line)]} from `thread apply all bt`."""
    threads, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"^Thread (\d+) \(", line)
        if m:
            cur = threads.setdefault(int(m.group(1)), [])
            continue
        m = re.match(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) .*?"
                     r"(?: at \S+:(\d+))?$", line)
        if m and cur is not None:
            cur.append((None if m.group(1) == "??" else m.group(1),
                        int(m.group(2)) if m.group(2) else None))
    return threads


def live_tasks(truth):
    """The truth's tasks; a bare-metal program is one unnamed thread."""
    if truth["tasks"]:
        return truth["tasks"]
    return [{"name": "", "state": "running",
             "backtrace": truth["fault"]["backtrace"]}]


def convert(args, truth, core):
    res = run([args.collect, "--input", os.path.join(args.recorded,
                                                      "dump.elf"),
               "--firmware", os.path.join(args.recorded, "fw.elf"),
               "--output", core, "--name", "test-rtos", "--force"])
    if res.returncode != 0:
        fail("rproc-collect failed (%d): %s" % (res.returncode, res.stderr))
        return False
    want = "crash record" if truth["variant"] == "handler" else \
        "exception frame recovered from memory"
    if "registers from the " + want not in res.stderr:
        fail("rproc-collect: no registers from the %s: %s" %
             (want, res.stderr.strip()))
    return True


def expected_known(truth):
    """Registers the source must give: a crash record all of them; a frame
    recovered from memory r0-r3, r12, sp, lr, pc and xPSR."""
    if truth["variant"] == "handler":
        return REG_NAMES
    return ["r0", "r1", "r2", "r3", "r12", "sp", "lr", "pc", "xpsr"]


def check_gdb(args, truth, core, note):
    fw = os.path.join(args.recorded, "fw.elf")
    res = run(["gdb-multiarch", "-batch", "-nx",
               "-ex", "set pagination off", "-ex", "set width 0",
               "-ex", "set backtrace past-main on",
               "-ex", "set backtrace limit 100",
               "-ex", "echo @@THREADS\\n", "-ex", "info threads",
               "-ex", "echo @@BT\\n", "-ex", "thread apply all bt",
               "-ex", "echo @@REGS\\n", "-ex", "thread 1",
               "-ex", "info registers",
               fw, core])
    out = res.stdout
    if re.search(r"section .*\.reg|too small|unexpected size|note",
                 res.stderr, re.I):
        fail("gdb warns about the core's notes:\n" + res.stderr)
    listed = re.findall(r"^\*?\s+(\d+)\s+LWP \d+",
                        out.split("@@THREADS")[-1].split("@@BT")[0], re.M)
    if len(listed) != len(live_tasks(truth)):
        fail("gdb lists %d threads, the firmware has %d tasks:\n%s" %
             (len(listed), len(live_tasks(truth)), out))
    by_tid = {t["tid"]: t["name"] for t in note if t["tid"]}
    tasks = {t["name"]: t for t in live_tasks(truth)}
    bts = gdb_threads(out.split("@@BT")[-1].split("@@REGS")[0])
    for num, frames in sorted(bts.items()):
        name = by_tid.get(num)
        if name not in tasks:
            fail("gdb thread %d is no task of the firmware (%r)" %
                 (num, name))
            continue
        task = tasks[name]
        live = own_frames(truth["fault"]["backtrace"]
                          if task["state"] == "running" else
                          task["backtrace"])
        if frames[:len(live)] != live:
            fail("task %s: gdb on the core gives\n  %s\n  live: %s" %
                 (name, frames, live))
    if by_tid.get(1) != (truth["crashed_task"] or ""):
        fail("gdb's thread 1 is %r, the crashed task %r" %
             (by_tid.get(1), truth["crashed_task"]))
    regs = out.split("@@REGS")[-1]
    for name in expected_known(truth):
        got = core_check.gdb_register(regs, name)
        want = truth["fault"]["registers"][name]
        if got != want:
            fail("crashed thread %s: core %s, live 0x%x" %
                 (name, hex(got) if got is not None else None, want))


def analyze(args, *argv):
    res = run([args.analyze, "--json=short"] + list(argv) +
              ["--firmware", os.path.join(args.recorded, "fw.elf")])
    if res.returncode != 0 or "Sanitizer" in res.stderr:
        fail("rproc-analyze %s failed (%d): %s" %
             (" ".join(argv), res.returncode, res.stderr))
        return None
    return json.loads(res.stdout)


def analyzer_frames(frames):
    """Function names of the analyzer's frames but the tail calls it
    rebuilds from DWARF call sites; live_frames() drops GDB's: each finds
    some the other does not (divzero-O2's telemetry_tick ends in b.w, and
    only the analyzer shows it)."""
    return [f["function"] for f in frames if f["kind"] != "tail-call"]


def live_frames(backtrace):
    """Function names of a truth backtrace up to the task's entry, without
    GDB's tail-call frames."""
    out = []
    for fr in backtrace["frames"]:
        if fr.get("task_exit"):
            break
        if fr["type"] != "tailcall":
            out.append(fr["function"])
    return out


def check_crash(args, truth, core):
    report = analyze(args, "crash", core)
    if not report:
        return
    want_source = "crash record" if truth["variant"] == "handler" else \
        "exception frame recovered from memory"
    if report["registers_source"] != want_source:
        fail("crash: registers from %r, not the %s" %
             (report["registers_source"], want_source))
    if report["crashed_thread"] != truth["crashed_task"]:
        fail("crash names task %r, the crashed task is %r" %
             (report["crashed_thread"], truth["crashed_task"]))
    idx = report["faulting_frame"]
    at = report["frames"][idx]["function"] if idx is not None else None
    if at != truth["fault"]["function"]:
        fail("crash: faulting function %r, live %r" %
             (at, truth["fault"]["function"]))
    names = analyzer_frames(report["frames"])
    live = live_frames(truth["fault"]["backtrace"])
    if names[:len(live)] != live:
        fail("crash: frames %s, live %s" % (names, live))
    if report["signature"] is None:
        fail("crash: no signature although there is a backtrace")


def check_threads(args, truth, core):
    report = analyze(args, "threads", core)
    if not report:
        return
    got = {t["name"]: t for t in report["threads"]}
    if sorted(got) != sorted(truth["threads"]):
        fail("threads: %s, live %s" % (sorted(got), sorted(truth["threads"])))
    for task in truth["tasks"]:
        ours = got.get(task["name"])
        if not ours:
            continue
        checks = [("state", ours["state"], task["state"]),
                  ("priority", ours["priority"], task["priority"]),
                  ("stack_low", ours["stack_low"], task["stack_low"]),
                  ("stack_unused", ours["stack_unused"],
                   task["stack_high_water"]),
                  ("crashed", ours["crashed"],
                   task["name"] == truth["crashed_task"])]
        for what, mine, live in checks:
            if mine != live:
                fail("task %s: %s %r, live %r" %
                     (task["name"], what, mine, live))
        wait = task["wait"] or {}
        if wait.get("name") and wait["name"] not in (ours["blocked_on"] or
                                                     ""):
            fail("task %s: blocked on %r, live on %s" %
                 (task["name"], ours["blocked_on"], wait))
        bt = truth["fault"]["backtrace"] if task["state"] == "running" \
            else task["backtrace"]
        live = live_frames(bt)
        names = analyzer_frames(ours["frames"])
        if names[:len(live)] != live:
            fail("task %s: frames %s, live %s" % (task["name"], names, live))


def dwfl_threads(out):
    """{tid: [function]} from dwfl_unwind's "TID n:" and "#k 0xPC fn"."""
    threads, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"^TID (\d+)", line)
        if m:
            cur = threads.setdefault(int(m.group(1)), [])
            continue
        m = re.match(r"^#\d+ 0x[0-9a-f]+ (\S+)", line)
        if m and cur is not None and m.group(1) != "??":
            cur.append(m.group(1))
    return threads


def check_dwfl(args, truth, core, note):
    """libdwfl unwinds every thread down to its entry function: the live
    functions, in order (it names the function holding an inlined call,
    so some live frames are not among its). Past a FreeRTOS task's entry
    it goes on through prvTaskExitError, whose frame repeats (GDB stops
    there, libdwfl at its depth limit): those are not compared."""
    res = run([args.dwfl, os.path.join(args.recorded, "fw.elf"), core])
    if res.returncode != 0:
        fail("libdwfl failed on the core: %s%s" % (res.stdout, res.stderr))
        return
    threads = dwfl_threads(res.stdout)
    if len(threads) != len(live_tasks(truth)):
        fail("libdwfl sees %d threads, the firmware has %d tasks" %
             (len(threads), len(live_tasks(truth))))
    by_tid = {t["tid"]: t["name"] for t in note if t["tid"]}
    tasks = {t["name"]: t for t in live_tasks(truth)}
    for tid, frames in sorted(threads.items()):
        task = tasks.get(by_tid.get(tid))
        if task is None:
            continue
        bt = truth["fault"]["backtrace"] if task["state"] == "running" \
            else task["backtrace"]
        live = [f["function"] for f in bt["frames"]
                if not f.get("task_exit")]
        own = []
        for f in frames:
            if f not in live:
                break
            own.append(f)
        if not own or not core_check.is_subsequence(own, live) or \
                own[-1] != live[-1]:
            fail("libdwfl, task %r: %s, live %s" % (task["name"], frames,
                                                    live))


def check_rederived(args, truth, core):
    """Collected without its firmware, the core has no registers; the
    firmware found later gives every task back, in the analyzer and in a
    core collected again from the first."""
    fw = os.path.join(args.recorded, "fw.elf")
    bare = os.path.join(args.workdir, "nofw.core")
    again = os.path.join(args.workdir, "recollected.core")
    res = run([args.collect, "--input", os.path.join(args.recorded,
                                                      "dump.elf"),
               "--output", bare, "--force"])
    if res.returncode != 0 or "no registers" not in res.stderr:
        fail("rproc-collect without firmware: %d %s" %
             (res.returncode, res.stderr))
        return
    want = sorted(t["name"] for t in live_tasks(truth))
    report = analyze(args, "threads", bare)
    if report and sorted(t["name"] or "" for t in report["threads"]) != want:
        fail("re-derived threads %s, live %s" %
             ([t["name"] for t in report["threads"]], want))
    res = run([args.collect, "--input", bare, "--firmware", fw,
               "--output", again, "--force"])
    if res.returncode != 0:
        fail("rproc-collect --input CORE --firmware: %s" % res.stderr)
        return
    report = analyze(args, "crash", again)
    if report and (report["derived"] or report["crashed_thread"] !=
                   truth["crashed_task"]):
        fail("re-collected core: derived %r, crashed %r, live %r" %
             (report["derived"], report["crashed_thread"],
              truth["crashed_task"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--analyze", required=True)
    ap.add_argument("--dwfl", required=True)
    ap.add_argument("--recorded", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()

    with open(os.path.join(args.recorded, "truth.json")) as f:
        truth = json.load(f)
    os.makedirs(args.workdir, exist_ok=True)
    core = os.path.join(args.workdir, "test.core")
    if convert(args, truth, core):
        note = threads_note(core)
        if not note:
            fail("the core has no threads note")
        check_gdb(args, truth, core, note)
        check_crash(args, truth, core)
        if truth["tasks"]:
            check_threads(args, truth, core)
        check_dwfl(args, truth, core, note)
        check_rederived(args, truth, core)
    print("%s: %s" % (os.path.basename(args.recorded.rstrip("/")),
                      "FAILED" if FAILURES else "ok"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
