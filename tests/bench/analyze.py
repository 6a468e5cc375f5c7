#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`rproc-analyze crash` on a 1 GiB .core.gz, beside gunzip + GDB.

    analyze.py --analyze rproc-analyze --collect rproc-collect \\
               --recorded DIR --workdir DIR [--size-mib 1024] [--runs 3]

Takes a recorded crash (DIR: fw.elf, dump.elf) and appends to its dump a
SIZE MiB region at 0x60000000 that looks like remote memory (the mix of
dumpgen.py: zero runs, code-like bytes, noise), leaving the crashed code,
stack and crash record where they were. rproc-collect turns it into a
.core.gz. Then, one after the other on that file:

  - rproc-analyze crash CORE.gz --firmware fw.elf (best of --runs),
  - gunzip -c CORE.gz > core && gdb-multiarch -batch -ex bt fw.elf core,
    what a developer does without rproc-analyze (one run: it is slow).

Prints both times and their ratio. Exits 1 only if the two disagree on
the backtrace: wall-clock targets are reported, not asserted, as the
machine running the tests may be busy.
"""
import argparse
import json
import os
import random
import re
import struct
import subprocess
import sys
import time

from rpdtest.core_check import gdb_frames

MIB = 1 << 20
EXTRA_BASE = 0x60000000
PT_LOAD = 1


def memory_like_chunks(size_mib):
    """dumpgen.py's mix, MiB by MiB: 40% zeros, 40% code-like, 20% noise."""
    rnd = random.Random(1)
    code = bytes(rnd.choice(b"\x00\x20\x46\x68\xb5\xbd\xf0\xe7\x4b\x10")
                 for _ in range(MIB))
    noise = rnd.randbytes(MIB)
    zeros = bytes(MIB)
    for i in range(size_mib):
        kind = (i * 7) % 10
        yield zeros if kind < 4 else code if kind < 8 else noise


def grow_dump(src, dst, size_mib):
    """Copies the ELF32 dump src to dst with one more PT_LOAD at the end."""
    with open(src, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    phdrs = [list(struct.unpack_from("<8I", data, phoff + i * phentsize))
             for i in range(phnum)]
    body = min([p[1] for p in phdrs if p[4]] + [len(data)])
    new_body = 52 + 32 * (phnum + 1)
    shift = new_body - body
    for p in phdrs:
        if p[4]:
            p[1] += shift
    extra_size = size_mib * MIB
    phdrs.append([PT_LOAD, new_body + len(data) - body, EXTRA_BASE,
                  EXTRA_BASE, extra_size, extra_size, 6, 4])
    ehdr = bytearray(data[:52])
    struct.pack_into("<I", ehdr, 28, 52)
    struct.pack_into("<HH", ehdr, 42, 32, phnum + 1)
    with open(dst, "wb") as f:
        f.write(ehdr)
        for p in phdrs:
            f.write(struct.pack("<8I", *p))
        f.write(data[body:])
        for chunk in memory_like_chunks(size_mib):
            f.write(chunk)


def timed(cmd, **kw):
    start = time.monotonic()
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.monotonic() - start, res


def run_analyzer(args, core, fw):
    best, res = None, None
    for _ in range(args.runs):
        seconds, res = timed([args.analyze, "--json=short", "crash", core,
                              "--firmware", fw])
        if res.returncode != 0:
            sys.exit("analyze: rproc-analyze failed: " + res.stderr)
        best = seconds if best is None else min(best, seconds)
    return best, res


def run_gdb(core, fw, workdir):
    plain = os.path.join(workdir, "big.core")
    start = time.monotonic()
    with open(plain, "wb") as out:
        res = subprocess.run(["gunzip", "-c", core], stdout=out)
    if res.returncode != 0:
        sys.exit("analyze: gunzip failed")
    _, res = timed(["gdb-multiarch", "-batch", "-nx",
                    "-ex", "set backtrace past-main on",
                    "-ex", "echo @@BT\\n", "-ex", "bt",
                    fw, plain])
    seconds = time.monotonic() - start
    os.unlink(plain)
    return seconds, res


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--analyze", required=True)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--recorded", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    fw = os.path.join(args.recorded, "fw.elf")
    dump = os.path.join(args.workdir, "big-dump.elf")
    core = os.path.join(args.workdir, "big.core.gz")
    grow_dump(os.path.join(args.recorded, "dump.elf"), dump, args.size_mib)
    res = subprocess.run([args.collect, "--input", dump, "--firmware", fw,
                          "--output", core, "--force"],
                         capture_output=True, text=True)
    os.unlink(dump)
    if res.returncode != 0:
        sys.exit("analyze: rproc-collect failed: " + res.stderr)

    ours_s, ours = run_analyzer(args, core, fw)
    gdb_s, gdb = run_gdb(core, fw, args.workdir)

    report = json.loads(ours.stdout)
    ours_frames = ["<signal handler called>"
                   if f["function"] == "<exception frame>" else f["function"]
                   for f in report["frames"]]
    # GDB shows frame #0 when it loads the core; keep bt's own lines.
    gdb_bt = gdb_frames(gdb.stdout.split("@@BT")[-1])
    print("core: %s, %.0f MiB compressed, %d MiB of memory" %
          (core, os.path.getsize(core) / MIB, args.size_mib))
    print("rproc-analyze crash (best of %d): %8.3f s" % (args.runs, ours_s))
    print("gunzip + gdb-multiarch bt:        %8.3f s" % gdb_s)
    print("ratio: %.1fx faster (target: >= 20x and < 0.5 s)" %
          (gdb_s / ours_s))
    if ours_frames != gdb_bt or "main" not in ours_frames:
        print("FAIL: backtraces differ:\n  rproc-analyze: %s\n  gdb: %s" %
              (ours_frames, gdb_bt))
        return 1
    print("backtraces agree (%d frames)" % len(ours_frames))
    return 0


if __name__ == "__main__":
    sys.exit(main())
