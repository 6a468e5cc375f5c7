#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Peak memory of writing a large stored core, beside `cat` as a baseline.

    core_rss.py --collect rproc-collect --peak-rss peak_rss --workdir DIR
                [--size-mib 1024]
                [--max-rss-mib 64] [--gzip-level 1]

Makes a mainline-layout devcoredump of SIZE MiB that looks like remote
memory (code-like bytes, data, long zero runs), then runs, one after the
other on the same file: `cat dump > copy` (baseline), `rproc-collect` to a
plain core, `rproc-collect` to a .core.gz. Prints time and peak RSS of each
and their ratios to the baseline; exits 1 if rproc-collect's peak RSS
exceeds --max-rss-mib, or if the core does not read back like the dump.
"""
import argparse
import os
import subprocess
import sys

from rpdtest.dumpgen import MIB as BLOCK, make_dump


def run(peak_rss, cmd, stdout=None):
    """Runs cmd under peak_rss; returns (seconds, peak RSS in MiB)."""
    launcher = [peak_rss] + (["-o", stdout] if stdout else [])
    res = subprocess.run(launcher + cmd, stderr=subprocess.PIPE, text=True)
    lines = res.stderr.strip().splitlines()
    if res.returncode != 0 or not lines:
        sys.exit("core_rss: %s failed: %s" % (" ".join(cmd), res.stderr))
    for line in lines[:-1]:
        print(line)
    seconds, kib = lines[-1].split()
    return float(seconds), int(kib) / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--peak-rss", required=True, help="the peak_rss launcher")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--max-rss-mib", type=float, default=64)
    ap.add_argument("--gzip-level", default="1")
    args = ap.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    dump = os.path.join(args.workdir, "dump.elf")
    copy = os.path.join(args.workdir, "copy.elf")
    core = os.path.join(args.workdir, "big.core")
    make_dump(dump, args.size_mib)

    rows = [("cat > file", run(args.peak_rss, ["cat", dump], stdout=copy))]
    os.unlink(copy)
    rows.append(("rproc-collect -> .core",
                 run(args.peak_rss,
                     [args.collect, "-i", dump, "-o", core, "--force"])))
    rows.append(("rproc-collect -> .core.gz",
                 run(args.peak_rss,
                     [args.collect, "-i", dump, "-o", core + ".gz", "--force",
                      "--level", args.gzip_level])))

    base_t, base_rss = rows[0][1]
    print("%d MiB dump: %-28s %8s %8s %10s %8s" %
          (args.size_mib, "", "seconds", "x cat", "peak RSS", "x cat"))
    for name, (t, rss) in rows:
        print("%-40s %8.2f %8.2f %7.1f MiB %8.2f" %
              (name, t, t / base_t, rss, rss / base_rss))

    failed = False
    for name, (t, rss) in rows[1:]:
        if rss > args.max_rss_mib:
            print("FAIL: %s peak RSS %.1f MiB > %.0f MiB" %
                  (name, rss, args.max_rss_mib))
            failed = True
    # The plain core holds the dump's segments byte for byte after its
    # headers and notes: compare the tails.
    with open(dump, "rb") as a, open(core, "rb") as b:
        a.seek(-BLOCK, os.SEEK_END)
        b.seek(-BLOCK, os.SEEK_END)
        if a.read() != b.read():
            print("FAIL: the core's last MiB differs from the dump's")
            failed = True
    for p in (dump, core, core + ".gz"):
        os.unlink(p)
    print("core_rss: %s" % ("FAILED" if failed else "ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
