#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Drive rproc-analyze's list, info, extract and gdb verbs as a user would.

    check_analyzer.py --analyze rproc-analyze --collect rproc-collect \
                      --workdir DIR --check NAME RECORDED...

RECORDED are the directories of the QEMU crash recordings (fw.elf, dump.elf,
truth.json). Each is turned into a stored core with `rproc-collect --input`
under its own remote name, firmware name and crash time, in a store
directory; the verbs' output is then checked against what the cores hold,
parsed here independently from the ELF (notes, program headers), against
`gunzip -c`, and against GDB's live backtrace in truth.json.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys

from rpdtest import core_check
from rpdtest.core_check import gdb_frames
from rpdtest.elf_image import (RPROC_NT_INFO, RPROC_NT_SEGMAP, elf_notes,
                                elf_phdrs)

FAILURES = []
T0 = 1700000000  # crash times of the stored dumps: T0 + k hours


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def run(cmd, **kw):
    kw.setdefault("capture_output", True)
    return subprocess.run(cmd, timeout=120, **kw)


def core_info(data):
    for owner, ntype, desc in elf_notes(data):
        if owner == "RPROC" and ntype == RPROC_NT_INFO:
            pairs = [s.split("=", 1) for s in desc.decode().split("\0") if s]
            return dict(p for p in pairs if len(p) == 2)
    return {}


def core_segmap(data):
    """firmware_index of each PT_LOAD index, from the RPROC/4 note."""
    out = {}
    for owner, ntype, desc in elf_notes(data):
        if owner == "RPROC" and ntype == RPROC_NT_SEGMAP:
            for i in range(0, len(desc), 40):
                load, fwi = struct.unpack_from("<Ii", desc, i)
                if load != 0xffffffff:
                    out[load] = fwi
    return out


def gunzip(path):
    return run(["gunzip", "-c", path]).stdout


def flags_string(f):
    return ("R" if f & 4 else "-") + ("W" if f & 2 else "-") + \
        ("X" if f & 1 else "-")


# ---- the store ----

class Store:
    """Stored cores made from the recordings, remotes alternating m4/dsp,
    crash times in an order other than the file names'."""

    def __init__(self, args, name):
        self.args = args
        self.dir = os.path.join(args.workdir, name, "store")
        self.fwdir = os.path.join(args.workdir, name, "firmware")
        for d in (self.dir, self.fwdir):
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
        self.dumps = []
        n = len(args.recorded)
        for k, rec in enumerate(args.recorded):
            scenario = os.path.basename(rec)
            remote = "m4" if k % 2 == 0 else "dsp"
            # Hours in a shuffled order: k * 7 mod a prime above n.
            t = T0 + ((k * 7) % (n + 3)) * 3600
            plain = k == 1  # one uncompressed core
            path = os.path.join(self.dir, "%s.%s.%d.core%s" %
                                (remote, scenario, k, "" if plain else ".gz"))
            res = run([args.collect, "--input", os.path.join(rec, "dump.elf"),
                       "--firmware", os.path.join(rec, "fw.elf"),
                       "--output", path, "--name", remote,
                       "--firmware-name", scenario + ".elf",
                       "--crash-type", "fatal error",
                       "--crash-time", str(t)], text=True)
            if res.returncode != 0:
                raise SystemExit("rproc-collect failed: " + res.stderr)
            shutil.copy(os.path.join(rec, "fw.elf"),
                        os.path.join(self.fwdir, scenario + ".elf"))
            data = open(path, "rb").read() if plain else gunzip(path)
            self.dumps.append(dict(path=path, remote=remote,
                                   scenario=scenario, time=t, rec=rec,
                                   truth=json.load(open(os.path.join(
                                       rec, "truth.json"))),
                                   data=data, info=core_info(data)))
        self.dumps.sort(key=lambda d: -d["time"])

    def analyze(self, *argv, **kw):
        return run([self.args.analyze, "-D", self.dir] + list(argv),
                   text=kw.pop("text", True), **kw)


def sanitized(res, what):
    """Every run must end by exit(), never a signal or a sanitizer."""
    text = res.stderr if isinstance(res.stderr, str) else \
        res.stderr.decode(errors="replace")
    check(res.returncode >= 0, "%s: killed by signal %d" %
          (what, -res.returncode))
    check("Sanitizer" not in text and "runtime error" not in text,
          "%s: sanitizer report:\n%s" % (what, text))


# ---- list ----

def list_rows(text):
    """The table's rows as dicts; columns are two or more spaces apart."""
    lines = text.splitlines()
    cols = re.split(r" {2,}", lines[0].strip())
    check(cols == ["TIME", "REMOTE", "FIRMWARE", "REASON", "SIZE",
                   "COREFILE", "FILE"], "list: header %r" % lines[0])
    rows = []
    for line in lines[1:]:
        row = dict(zip(cols, re.split(r" {2,}", line.strip(), maxsplit=6)))
        # The last column runs to the end of the line; an error follows.
        row["FILE"] = row.get("FILE", "").split("  error: ")[0]
        rows.append(row)
    return rows


def expected_reason(d):
    return d["info"].get("crash_reason") or d["info"].get("crash_type")


def check_list(args):
    st = Store(args, "list")
    res = st.analyze("list")
    sanitized(res, "list")
    check(res.returncode == 0, "list: exit %d: %s" % (res.returncode,
                                                      res.stderr))
    rows = list_rows(res.stdout)
    check([r["FILE"] for r in rows] ==
          [os.path.basename(d["path"]) for d in st.dumps],
          "list: not newest first by crash time:\n" + res.stdout)
    for r, d in zip(rows, st.dumps):
        want = dict(REMOTE=d["remote"], FIRMWARE=d["scenario"] + ".elf",
                    REASON=expected_reason(d), COREFILE="complete",
                    TIME=run(["date", "-u", "-d", "@%d" % d["time"],
                              "+%Y-%m-%d %H:%M:%S"],
                             text=True).stdout.strip())
        for k, v in want.items():
            check(r[k] == v, "list: %s of %s is %r, expected %r" %
                  (k, r["FILE"], r[k], v))

    res = st.analyze("list", "--json=short")
    try:
        arr = json.loads(res.stdout)
    except ValueError as e:
        fail("list --json is not JSON (%s): %r" % (e, res.stdout))
        return
    check(len(arr) == len(st.dumps), "list --json: %d entries" % len(arr))
    for o, d in zip(arr, st.dumps):
        want = dict(time=d["time"], remote=d["remote"],
                    firmware=d["scenario"] + ".elf",
                    reason=expected_reason(d), size=os.path.getsize(
                        d["path"]), core_size=len(d["data"]),
                    corefile="complete", truncated=False, file=d["path"],
                    error=None, time_source="crash_time",
                    registers=core_info(d["data"]).get("registers"))
        for k, v in want.items():
            check(o.get(k) == v, "list --json: %s of %s is %r, expected %r"
                  % (k, d["path"], o.get(k), v))

    def files(*argv):
        res = st.analyze("list", "--json=short", *argv)
        sanitized(res, "list " + " ".join(argv))
        if res.returncode == 3:
            return []
        return [o["file"] for o in json.loads(res.stdout)]

    def want(pred):
        return [d["path"] for d in st.dumps if pred(d)]

    first = st.dumps[-1]
    mid = st.dumps[len(st.dumps) // 2]["time"]
    cases = [
        (("dsp",), want(lambda d: d["remote"] == "dsp")),
        (("--remote", "m4"), want(lambda d: d["remote"] == "m4")),
        ((first["scenario"] + ".elf",),
         want(lambda d: d["scenario"] == first["scenario"])),
        (("--firmware", first["scenario"] + ".elf"),
         want(lambda d: d["scenario"] == first["scenario"])),
        ((".%s." % first["scenario"],),
         want(lambda d: d["scenario"] == first["scenario"])),
        (("--since", "@%d" % mid), want(lambda d: d["time"] >= mid)),
        (("-U", run(["date", "-u", "-d", "@%d" % mid, "+%Y-%m-%d %H:%M:%S"],
                    text=True).stdout.strip()),
         want(lambda d: d["time"] <= mid)),
        (("--since", str(mid), "--remote", "dsp"),
         want(lambda d: d["time"] >= mid and d["remote"] == "dsp")),
    ]
    for argv, expect in cases:
        got = files(*argv)
        check(got == expect and expect, "list %s: %s, expected %s" %
              (" ".join(argv), got, expect))

    res = st.analyze("list", "no-such-remote")
    check(res.returncode == 3 and "no dump" in res.stderr and
          res.stderr.startswith("rproc-analyze: "),
          "list with no match: exit %d, %r" % (res.returncode, res.stderr))
    res = run([args.analyze, "-D", os.path.join(st.dir, "missing"), "list"],
              text=True)
    check(res.returncode == 3, "list of a missing store: exit %d" %
          res.returncode)
    res = st.analyze("list", "--since", "yesterday-ish")
    check(res.returncode == 2 and "invalid time" in res.stderr,
          "list --since garbage: exit %d %r" % (res.returncode, res.stderr))


# ---- list and info read the headers only ----

def check_lazy(args):
    """list and info must not inflate the memory of a .core.gz: with the
    data of every member after the first few destroyed, they still work,
    while extract (which inflates all) fails."""
    st = Store(args, "lazy")
    d = next(x for x in st.dumps if x["path"].endswith(".gz"))
    raw = bytearray(open(d["path"], "rb").read())
    # Walk the BGZF members (BSIZE in the extra field) and zero the
    # compressed data of all members but the first.
    members, pos = [], 0
    while pos < len(raw):
        bsize, = struct.unpack_from("<H", raw, pos + 16)
        members.append(pos)
        pos += bsize + 1
    check(len(members) > 3, "core has %d members only" % len(members))
    for m in members[1:-1]:
        end = m + struct.unpack_from("<H", raw, m + 16)[0] + 1
        raw[m + 18:end - 8] = b"\xff" * (end - 8 - m - 18)
    open(d["path"], "wb").write(raw)

    res = st.analyze("list", "--json=short", os.path.basename(d["path"]))
    sanitized(res, "list of a core with damaged data members")
    arr = json.loads(res.stdout or "[]")
    check(len(arr) == 1 and arr[0]["corefile"] == "complete" and
          arr[0]["remote"] == d["remote"],
          "list read past the notes of a .core.gz: %s %s" %
          (res.stdout, res.stderr))
    res = st.analyze("info", "--json=short", d["path"])
    check(res.returncode == 0, "info read past the notes: %s" % res.stderr)
    out = os.path.join(args.workdir, "lazy", "x.core")
    res = st.analyze("extract", d["path"], "-o", out)
    sanitized(res, "extract of a damaged core")
    check(res.returncode == 1 and res.stderr.startswith("rproc-analyze: ")
          and not os.path.exists(out),
          "extract of damaged data members: exit %d %r" %
          (res.returncode, res.stderr))


# ---- info ----

def check_info(args):
    st = Store(args, "info")
    for d in st.dumps:
        res = st.analyze("--firmware-dir", st.fwdir, "info", "--json=short",
                         d["path"])
        sanitized(res, "info " + d["path"])
        if not check(res.returncode == 0, "info %s: exit %d %s" %
                     (d["path"], res.returncode, res.stderr)):
            continue
        o = json.loads(res.stdout)
        check(o["info"] == d["info"], "info: the info note differs:\n%s\n%s"
              % (o["info"], d["info"]))
        for key, jkey in (("name", "remote"), ("firmware", "firmware"),
                          ("crash_type", "crash_type"),
                          ("crash_reason", "crash_reason"),
                          ("layout", "layout"),
                          ("firmware_match", "firmware_match"),
                          ("registers", "registers")):
            check(o[jkey] == d["info"].get(key), "info: %s %r, note %r" %
                  (jkey, o[jkey], d["info"].get(key)))
        check(o["crash_time"] == d["time"], "info: crash_time %r" %
              o["crash_time"])
        check(o["truncated"] is False, "info: truncated")
        check(o["core_size"] == len(d["data"]), "info: core_size")
        check(o["firmware_used"] == os.path.join(
            st.fwdir, d["scenario"] + ".elf"),
            "info: firmware_used %r (%r)" % (o["firmware_used"],
                                             o["firmware_problem"]))
        loads = [p for p in elf_phdrs(d["data"]) if p["type"] == 1]
        segmap = core_segmap(d["data"])
        got = [(s["vaddr"], s["paddr"], s["memsz"], s["filesz"], s["flags"],
                s["firmware_segment"]) for s in o["segments"]]
        want = [(p["vaddr"], p["paddr"], p["memsz"], p["filesz"],
                 flags_string(p["flags"]),
                 segmap[i] if segmap.get(i, -1) >= 0 else None)
                for i, p in enumerate(loads)]
        check(got == want, "info: segments\n%s\nexpected\n%s" % (got, want))
        check(len(o["trace_buffers"]) >= 1 and
              o["trace_buffers"][0]["format"] == "rtrc",
              "info: trace buffers %r" % o["trace_buffers"])

    d = st.dumps[0]
    res = st.analyze("info", d["remote"])
    text = res.stdout
    for label, value in (("Remote", d["remote"]),
                         ("Firmware", d["scenario"] + ".elf"),
                         ("Crash reason", expected_reason(d)),
                         ("Firmware used", "none")):
        check(any(line.split(":", 1)[0].strip() == label and
                  line.split(":", 1)[1].strip() == value
                  for line in text.splitlines() if ":" in line),
              "info text: no '%s: %s' in\n%s" % (label, value, text))
    check("not found in" in text, "info text: no reason for no firmware")
    check("segment 0" in text and "undescribed" in text,
          "info text: segment mapping missing\n" + text)
    res = st.analyze("info", "nothing-matches")
    check(res.returncode == 3 and "no dump" in res.stderr,
          "info no match: exit %d %r" % (res.returncode, res.stderr))


# ---- extract ----

def check_extract(args):
    st = Store(args, "extract")
    out = os.path.join(args.workdir, "extract", "out.core")
    for d in st.dumps:
        if os.path.exists(out):
            os.unlink(out)
        res = st.analyze("extract", d["path"], "-o", out)
        check(res.returncode == 0, "extract: %s" % res.stderr)
        check(open(out, "rb").read() == d["data"],
              "extract %s differs from gunzip -c" % d["path"])
        check(os.stat(out).st_mode & 0o777 == 0o600, "extract: mode")
    res = st.analyze("extract", st.dumps[0]["path"], "-o", out)
    check(res.returncode == 1 and "already exists" in res.stderr and
          open(out, "rb").read() == st.dumps[-1]["data"],
          "extract over an existing file: exit %d %r" %
          (res.returncode, res.stderr))
    res = st.analyze("extract", "--force", st.dumps[0]["remote"], "-o", out)
    check(res.returncode == 0 and open(out, "rb").read() ==
          st.dumps[0]["data"], "extract --force of the newest match")
    res = st.analyze("extract", st.dumps[1]["path"], "-o", "-", text=False)
    check(res.returncode == 0 and res.stdout == st.dumps[1]["data"],
          "extract -o - differs from gunzip -c")
    res = st.analyze("extract", st.dumps[0]["path"])
    check(res.returncode == 2, "extract without -o: exit %d" %
          res.returncode)
    leftovers = [f for f in os.listdir(os.path.dirname(out))
                 if f.startswith(".#")]
    check(not leftovers, "extract left temporaries: %s" % leftovers)


# ---- gdb ----

def check_gdb(args):
    st = Store(args, "gdb")
    tmp = os.path.join(args.workdir, "gdb", "tmp")
    os.makedirs(tmp, exist_ok=True)
    env = dict(os.environ, TMPDIR=tmp)
    env.pop("RPROC_ANALYZE_DEBUGGER", None)
    for d in st.dumps:
        res = st.analyze("--firmware-dir", st.fwdir, "gdb", d["path"], "--",
                         "-batch", "-nx", "-ex", "set pagination off",
                         "-ex", "set backtrace past-main on",
                         "-ex", "echo @@BT\\n", "-ex", "bt", env=env)
        sanitized(res, "gdb " + d["path"])
        frames = gdb_frames(res.stdout.split("@@BT")[-1])
        live = core_check.interrupted_frames(d["truth"])
        check(res.returncode == 0 and frames == live,
              "gdb %s: exit %d, frames %s, live %s\n%s" %
              (d["path"], res.returncode, frames, live, res.stderr))
        check(os.listdir(tmp) == [], "gdb left %s" % os.listdir(tmp))
    d = st.dumps[0]
    res = st.analyze("gdb", d["path"], "--", "-batch", env=env)
    check(res.returncode == 1 and "--no-firmware" in res.stderr,
          "gdb without firmware: exit %d %r" % (res.returncode, res.stderr))
    res = st.analyze("gdb", "--no-firmware", d["path"], "--", "-batch",
                     "-nx", "-ex", "info threads", env=env)
    check(res.returncode == 0 and "LWP 1" in res.stdout,
          "gdb --no-firmware: exit %d %r" % (res.returncode, res.stdout))
    res = st.analyze("gdb", "--no-firmware", "--debugger",
                     "/nonexistent/gdb", d["path"], env=env)
    check(res.returncode == 1 and "cannot run" in res.stderr,
          "gdb with a missing debugger: %d %r" % (res.returncode,
                                                  res.stderr))
    res = st.analyze("gdb", "--no-firmware", d["path"], "--", "-batch",
                     "-ex", "quit 7", env=env)
    check(res.returncode == 7, "gdb's exit status not returned: %d" %
          res.returncode)
    check(os.listdir(tmp) == [], "gdb left %s" % os.listdir(tmp))


# ---- hostile files in the store ----

def check_hostile(args):
    st = Store(args, "hostile")
    good = st.dumps[0]["path"]
    gz = next(d["path"] for d in st.dumps if d["path"].endswith(".gz"))
    raw = open(gz, "rb").read()
    bad = {
        "truncated.core.gz": raw[:len(raw) // 2],
        "garbage.core.gz": b"\x1f\x8b" + os.urandom(4000),
        "garbage.core": b"\x7fELF" + os.urandom(300),
        "empty.core.gz": b"",
        "noeof.core.gz": raw[:-28],  # without the end-of-file member
    }
    for name, data in bad.items():
        open(os.path.join(st.dir, name), "wb").write(data)
    res = st.analyze("list")
    sanitized(res, "list with hostile files")
    check(res.returncode == 0, "list with hostile files: exit %d" %
          res.returncode)
    rows = {r["FILE"]: r for r in list_rows(res.stdout)}
    for name in bad:
        line = next((ln for ln in res.stdout.splitlines()
                     if " " + name + "  error: " in ln), None)
        check(name in rows and rows[name]["COREFILE"] == "error" and line,
              "list: no error row for %s:\n%s" % (name, res.stdout))
    check(rows.get(os.path.basename(good), {}).get("COREFILE") == "complete",
          "list: the good dumps are not listed beside the bad ones")
    for name in bad:
        path = os.path.join(st.dir, name)
        for verb in (["info"], ["info", "--json"], ["extract", "-o",
                                                    path + ".out"],
                     ["gdb", "--no-firmware"]):
            res = st.analyze(*(verb + [path]))
            sanitized(res, " ".join(verb) + " " + name)
            err = res.stderr.strip().splitlines()
            check(res.returncode == 1 and len(err) == 1 and
                  err[0].startswith("rproc-analyze: ") and name in err[0] and
                  not res.stdout,
                  "%s %s: exit %d, stderr %r" % (" ".join(verb), name,
                                                 res.returncode, res.stderr))
            check(not os.path.exists(path + ".out"),
                  "extract wrote a file for " + name)
    # Without a name, the newest readable dump is taken, not a broken one.
    res = st.analyze("info", "--json=short")
    check(res.returncode == 0 and
          json.loads(res.stdout)["file"] == st.dumps[0]["path"],
          "info without MATCH did not pick the newest readable dump")


# ---- firmware lookup by name and build-id ----

def build_id(path):
    """The GNU build-id the test firmware is linked with."""
    res = run(["readelf", "-n", path], text=True)
    m = re.search(r"Build ID: ([0-9a-f]+)", res.stdout)
    if not m:
        raise SystemExit("%s: no build-id (tests/fixtures/firmware links with "
                         "--build-id)" % path)
    return bytes.fromhex(m.group(1))


def check_firmware(args):
    by_name = {os.path.basename(r): r for r in args.recorded}
    pair = next(((by_name[s], by_name[s.replace("-O2", "-Og")])
                 for s in sorted(by_name)
                 if s.endswith("-O2") and s.replace("-O2", "-Og") in by_name),
                None)
    if not check(pair is not None, "no scenario recorded at -O2 and -Og"):
        return
    o2, og = pair
    base = os.path.join(args.workdir, "firmware")
    shutil.rmtree(base, ignore_errors=True)
    store, named, ids = (os.path.join(base, x) for x in
                         ("store", "named", "ids"))
    for d in (store, named, ids):
        os.makedirs(d)
    fw_o2 = os.path.join(base, "o2.elf")
    shutil.copy(os.path.join(o2, "fw.elf"), fw_o2)
    # Another build under the name the core gives: must be refused.
    shutil.copy(os.path.join(og, "fw.elf"), os.path.join(named, "app.elf"))
    id_o2, id_og = build_id(fw_o2), build_id(os.path.join(og, "fw.elf"))
    if not check(id_o2 != id_og, "-O2 and -Og builds share a build-id"):
        return
    core = os.path.join(store, "m4.app.core.gz")
    res = run([args.collect, "--input", os.path.join(o2, "dump.elf"),
               "--firmware", fw_o2, "--output", core, "--name", "m4",
               "--firmware-name", "app.elf"], text=True)
    if not check(res.returncode == 0, "collect: " + res.stderr):
        return

    def info(*argv):
        res = run([args.analyze, "-D", store, "info", "--json=short"] +
                  list(argv) + [core], text=True)
        sanitized(res, "info " + " ".join(argv))
        check(res.returncode == 0, "info %s: %s" % (argv, res.stderr))
        return json.loads(res.stdout or "{}")

    o = info("--firmware-dir", named)
    check(o.get("build_id") == id_o2.hex(), "core build_id %r" %
          o.get("build_id"))
    want = "%s: build-id %s does not match the core's %s (another build)" \
        % (os.path.join(named, "app.elf"), id_og.hex(), id_o2.hex())
    check(o.get("firmware_used") is None and
          o.get("firmware_problem") == want,
          "another build by name: used %r, problem %r; expected %r" %
          (o.get("firmware_used"), o.get("firmware_problem"), want))

    # The right build under its build-id, found although the name misleads.
    shutil.copy(fw_o2, os.path.join(ids, id_o2.hex()))
    o = info("--firmware-dir", named, "--firmware-dir", ids)
    check(o.get("firmware_used") == os.path.join(ids, id_o2.hex()) and
          o.get("firmware_problem") is None,
          "by build-id: used %r, problem %r" % (o.get("firmware_used"),
                                                o.get("firmware_problem")))
    # --firmware is the user's choice: used, with a warning.
    o = info("--firmware", os.path.join(named, "app.elf"))
    check(o.get("firmware_used") == os.path.join(named, "app.elf") and
          "does not match" in (o.get("firmware_problem") or ""),
          "--firmware of another build: %r %r" % (o.get("firmware_used"),
                                                  o.get("firmware_problem")))
    # gdb refuses the other build and says why.
    res = run([args.analyze, "-D", store, "--firmware-dir", named, "gdb",
               core, "--", "-batch"], text=True)
    check(res.returncode == 1 and "another build" in res.stderr,
          "gdb with another build: %d %r" % (res.returncode, res.stderr))

    # --debug, or RPROC_LOG_LEVEL=debug, tells every file tried and why it
    # was or was not taken, and where unwinding starts; without, nothing.
    argv = [args.analyze, "-D", store, "--firmware-dir", named,
            "--firmware-dir", ids, "crash", core]
    quiet = run(argv, text=True)
    wants = ["firmware 'app.elf': found " + os.path.join(named, "app.elf"),
             want,
             "%s: build-id %s matches the core's" %
             (os.path.join(ids, id_o2.hex()), id_o2.hex()),
             "registers: crash record; unwinding from the crashed thread"]
    for how, extra, env in (("--debug", ["--debug"], None),
                            ("RPROC_LOG_LEVEL=debug", [],
                             dict(os.environ, RPROC_LOG_LEVEL="debug"))):
        loud = run(argv + extra, text=True, env=env)
        check(loud.returncode == 0 and quiet.returncode == 0 and
              loud.stdout == quiet.stdout,
              "crash %s changed the report: %d %d" %
              (how, loud.returncode, quiet.returncode))
        for w in wants:
            check(w in loud.stderr and w not in quiet.stderr,
                  "crash %s: %r missing (or logged without it):\n%s" %
                  (how, w, loud.stderr))


# ---- a hostile core: its info note steers nothing, prints nothing raw ----

def with_info(data, changes):
    """data (an uncompressed core) with its info note's keys changed: the
    note segment holding it rewritten at the end of the file."""
    data = bytearray(data)
    is64 = data[4] == 2
    phoff, = struct.unpack_from("<Q" if is64 else "<I", data,
                                0x20 if is64 else 0x1c)
    phentsize, = struct.unpack_from("<H", data, 0x36 if is64 else 0x2a)
    for i, ph in enumerate(elf_phdrs(bytes(data))):
        if ph["type"] != 4:
            continue
        pos, end, out, found = ph["offset"], ph["offset"] + ph["filesz"], \
            b"", False
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
            name = bytes(data[pos + 12:pos + 12 + namesz])
            dpos = pos + 12 + ((namesz + 3) & ~3)
            desc = bytes(data[dpos:dpos + descsz])
            pos = dpos + ((descsz + 3) & ~3)
            if name.rstrip(b"\0") == b"RPROC" and ntype == RPROC_NT_INFO:
                found = True
                pairs = [kv.split(b"=", 1) for kv in desc.split(b"\0") if kv]
                kv = dict((k.decode("latin-1"), v.decode("latin-1"))
                          for k, v in pairs)
                kv.update(changes)
                desc = b"".join(("%s=%s" % (k, v)).encode("latin-1") +
                                b"\0" for k, v in kv.items())
            out += struct.pack("<III", namesz, len(desc), ntype) + \
                name.ljust((namesz + 3) & ~3, b"\0") + \
                desc.ljust((len(desc) + 3) & ~3, b"\0")
        if not found:
            continue
        data += b"\0" * (-len(data) % 8)
        off = phoff + i * phentsize
        if is64:
            struct.pack_into("<Q", data, off + 8, len(data))
            struct.pack_into("<Q", data, off + 32, len(out))
        else:
            struct.pack_into("<I", data, off + 4, len(data))
            struct.pack_into("<I", data, off + 16, len(out))
        return bytes(data + out)
    raise SystemExit("no info note in the core")


def without_build_id(src, dst):
    """src with its GNU build-id note retyped, so that it has none."""
    data = bytearray(open(src, "rb").read())
    at = data.find(struct.pack("<III", 4, 20, 3) + b"GNU\0")
    if at < 0:
        raise SystemExit(src + ": no 20-byte GNU build-id note")
    struct.pack_into("<I", data, at + 8, 0x7fff)
    open(dst, "wb").write(data)


def check_hostile_core(args):
    rec = args.recorded[0]
    base = os.path.join(args.workdir, "hostile-core")
    shutil.rmtree(base, ignore_errors=True)
    fwdir = os.path.join(base, "fw", "a", "b")
    os.makedirs(fwdir)
    clean = os.path.join(base, "clean.core")
    res = run([args.collect, "--input", os.path.join(rec, "dump.elf"),
               "--firmware", os.path.join(rec, "fw.elf"), "--output", clean,
               "--name", "m4", "--firmware-name", "app.elf"], text=True)
    if not check(res.returncode == 0, "collect: " + res.stderr):
        return
    raw = open(clean, "rb").read()
    nobid = os.path.join(base, "nobid.elf")
    without_build_id(os.path.join(rec, "fw.elf"), nobid)

    def core(file, **changes):
        path = os.path.join(base, file)
        open(path, "wb").write(with_info(raw, changes))
        return path

    def info(path, *argv):
        res = run([args.analyze, "-D", base, "--firmware-dir", fwdir,
                   "info", "--json=short"] + list(argv) + [path], text=True)
        sanitized(res, "info " + path)
        check(res.returncode == 0, "info %s: %s" % (path, res.stderr))
        return json.loads(res.stdout or "{}"), res.stderr

    # 1. A build-id that is a path, not hex, or absurdly long: never looked
    # up (a firmware without build-id waits where "../../etc/x" leads).
    os.makedirs(os.path.join(base, "fw", "etc"))
    shutil.copy(nobid, os.path.join(base, "fw", "etc", "x.elf"))
    shutil.copy(nobid, os.path.join(fwdir, "zz" * 10))
    shutil.copy(nobid, os.path.join(fwdir, "ab" * 65))
    for bid in ("../../etc/x", "zz" * 10, "ab" * 65):
        path = core("bid.core", build_id=bid, firmware="")
        o, err = info(path)
        check(o.get("firmware_used") is None,
              "build_id %r: used %r" % (bid[:40], o.get("firmware_used")))
        check("ignoring the core's build-id" in err and path in err,
              "build_id %r: no warning naming the core: %r" % (bid[:40],
                                                             err))
    # 2. A firmware name that climbs out: the file there is never used.
    shutil.copy(os.path.join(rec, "fw.elf"), os.path.join(base, "fw",
                                                           "evil.elf"))
    for name in ("../evil.elf", "../../fw/evil.elf", ".hidden.elf"):
        shutil.copy(os.path.join(rec, "fw.elf"), os.path.join(fwdir,
                                                              ".hidden.elf"))
        path = core("name.core", firmware=name, build_id="")
        o, _ = info(path)
        check(o.get("firmware_used") is None,
              "firmware name %r: used %r" % (name, o.get("firmware_used")))
    # A firmware without build-id found by name: only with --firmware.
    shutil.copy(nobid, os.path.join(fwdir, "app.elf"))
    path = core("nobid.core")
    o, _ = info(path)
    check(o.get("firmware_used") is None and
          "name it with --firmware" in (o.get("firmware_problem") or ""),
          "firmware without build-id by name: used %r, problem %r" %
          (o.get("firmware_used"), o.get("firmware_problem")))
    o, _ = info(path, "--firmware", os.path.join(fwdir, "app.elf"))
    check(o.get("firmware_used") == os.path.join(fwdir, "app.elf"),
          "--firmware without build-id: used %r" % o.get("firmware_used"))
    # The right build by name is still found.
    shutil.copy(os.path.join(rec, "fw.elf"), os.path.join(fwdir, "app.elf"))
    o, _ = info(path)
    check(o.get("firmware_used") == os.path.join(fwdir, "app.elf"),
          "the right build by name: used %r, problem %r" %
          (o.get("firmware_used"), o.get("firmware_problem")))

    # 3. Control bytes from the core reach no terminal raw.
    evil = "fatal\x1b[31m\nFAKE: forged line\r\x07\x7f\xe9"
    path = core("esc.core", crash_type=evil, name="m4\x1b]0;title\x07",
                **{"odd\x1bkey": "v\nw"})
    for verb in (["info"], ["crash"], ["list"], ["threads"]):
        res = run([args.analyze, "-D", base, "--firmware-dir", fwdir] +
                  verb + ([] if verb == ["list"] else [path]),
                  capture_output=True)
        sanitized(res, " ".join(verb) + " with control bytes")
        out = res.stdout + res.stderr
        check(not re.search(rb"[\x00-\x08\x0b-\x1f\x7f-\xff]", out),
              "%s: control bytes printed raw: %r" % (verb, out[:2000]))
        check(b"\nFAKE" not in out,
              "%s: a forged line: %r" % (verb, out[:2000]))
        if verb in (["info"], ["crash"]):
            check(b"fatal\\x1b[31m\\x0aFAKE: forged line\\x0d\\x07"
                  b"\\x7f\\xc3\\xa9" in out or
                  b"fatal\\x1b[31m\\x0aFAKE: forged line\\x0d\\x07"
                  b"\\x7f\\xe9" in out,
                  "%s: crash_type not shown escaped: %r" % (verb, out[:3000]))


# ---- the command line ----

def check_usage(args):
    a = args.analyze
    for argv in (["--help"], ["list", "--help"], ["gdb", "--help"]):
        res = run([a] + argv, text=True)
        check(res.returncode == 0 and res.stdout.startswith("Usage:"),
              "%s: %d %r" % (argv, res.returncode, res.stdout[:80]))
    res = run([a, "gdb", "--help"], text=True)
    check("--no-firmware" in res.stdout, "gdb --help lacks its options")
    res = run([a, "--version"], text=True)
    check(res.returncode == 0 and res.stdout.startswith("rproc-analyze "),
          "--version: %r" % res.stdout)
    for argv, msg in ((["frobnicate"], "unknown verb"),
                      (["--bogus"], "unknown option"),
                      (["--json=yaml", "list"], "invalid --json"),
                      (["-D"], "needs a value"),
                      (["list", "--bogus"], "")):
        res = run([a] + argv, text=True)
        check(res.returncode == 2 and msg in res.stderr and
              res.stderr.startswith("rproc-analyze: "),
              "%s: exit %d %r" % (argv, res.returncode, res.stderr))


CHECKS = dict(list=check_list, lazy=check_lazy, info=check_info,
              extract=check_extract, gdb=check_gdb, hostile=check_hostile,
              firmware=check_firmware, usage=check_usage,
              **{"hostile-core": check_hostile_core})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--analyze", required=True)
    p.add_argument("--collect", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--check", required=True, choices=sorted(CHECKS))
    p.add_argument("recorded", nargs="+")
    args = p.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    CHECKS[args.check](args)
    print("%s: %d failure(s)" % (args.check, len(FAILURES)))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
