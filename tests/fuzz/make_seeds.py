#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Seed the fuzz corpora with real inputs from the recorded crashes.

    make_seeds.py --collect rproc-collect --out CORPUS_ROOT RECORDED_DIR...

Each recorded crash gives a firmware ELF, a mainline devcoredump, the crash
record bytes, and (through rproc-collect) a stored core, plain and gzipped.
Small variants (truncated copies) are added so the fuzzers start near the
interesting edges. Seeds are regenerated on every run, never committed.
"""
import argparse
import os
import shutil
import subprocess
import sys


def put(root, target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def seeds_for(args, rec):
    tag = os.path.basename(rec.rstrip("/"))
    with open(os.path.join(rec, "fw.elf"), "rb") as f:
        fw = f.read()
    with open(os.path.join(rec, "dump.elf"), "rb") as f:
        dump = f.read()
    put(args.out, "fuzz_firmware", tag, fw)
    put(args.out, "fuzz_devcd", tag, dump)
    put(args.out, "fuzz_devcd", tag + "-cut", dump[: len(dump) // 3])

    core = os.path.join(args.out, tag + ".core")
    for path in (core, core + ".gz"):
        res = subprocess.run([args.collect, "--input",
                              os.path.join(rec, "dump.elf"), "--firmware",
                              os.path.join(rec, "fw.elf"), "--output", path,
                              "--force"], capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit("make_seeds: rproc-collect failed: " + res.stderr)
    with open(core, "rb") as f:
        data = f.read()
    # The cores are large; the notes and headers are what the parsers see
    # first, so keep the first 64 KiB as well as the whole core.
    put(args.out, "fuzz_core", tag, data)
    put(args.out, "fuzz_core", tag + "-head", data[:65536])
    with open(core + ".gz", "rb") as f:
        gz = f.read()
    put(args.out, "fuzz_gz_reader", tag, gz)
    put(args.out, "fuzz_gz_reader", tag + "-cut", gz[: len(gz) // 2])
    # fuzz_trace: a selector byte (0: auto-detect), then the buffer; the
    # firmware's RTRC ring holds what it logged before the crash.
    trace = dump.find(b"RTRC")
    if trace >= 0:
        size = int.from_bytes(dump[trace + 8:trace + 12], "little")
        put(args.out, "fuzz_trace", tag,
            b"\0" + dump[trace:trace + 16 + min(size, 1 << 16)])
    record = dump.find(b"CRSH")  # RPROC_CRASH_RECORD_MAGIC, in memory order
    if record >= 0:
        put(args.out, "fuzz_crash_record", tag, dump[record:record + 188])
    os.unlink(core)
    os.unlink(core + ".gz")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("recorded", nargs="*")
    args = ap.parse_args()
    for rec in args.recorded:
        seeds_for(args, rec)
    # fuzz_config: the shipped default configuration.
    conf = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "../../collector/rproc-collect.conf")
    with open(conf, "rb") as f:
        put(args.out, "fuzz_config", "default.conf", f.read())
    print("make_seeds: seeded from %d recorded crashes" % len(args.recorded))
    return 0


if __name__ == "__main__":
    sys.exit(main())
