#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A program built against the installed librprocdump reads a stored core.

    check_pkgconfig.py --build BUILD_DIR --source print_contexts.c \
        --collect rproc-collect --recorded DIR --workdir DIR [--cc CC]

BUILD_DIR is installed with `cmake --install --prefix WORKDIR/prefix`;
print_contexts.c is compiled with nothing but what `pkg-config --cflags
--libs librprocdump` says for that prefix, and run (without
LD_LIBRARY_PATH) on the core rproc-collect stores for the recorded crash
DIR. Its first context must hold the registers the live CPU had at the
fault handler's first instruction (truth.json); the installed library must
carry its SONAME, and the header must need no other include path.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

from rpdtest import core_check


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--recorded", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--cc", default="cc")
    ap.add_argument("--cflags", default="",
                    help="what the library was built with beyond the .pc "
                         "(sanitizers, whose runtimes the program brings)")
    args = ap.parse_args()
    fail = core_check.fail

    shutil.rmtree(args.workdir, ignore_errors=True)
    prefix = os.path.join(args.workdir, "prefix")
    res = core_check.run(["cmake", "--install", args.build, "--prefix",
                          prefix])
    if res.returncode:
        fail("cmake --install failed: " + res.stderr)
        return 1
    pcs = [os.path.join(root, f) for root, _, files in os.walk(prefix)
           for f in files if f == "librprocdump.pc"]
    libs = [os.path.join(root, f) for root, _, files in os.walk(prefix)
            for f in files if re.fullmatch(r"librprocdump\.so\.\d+", f)]
    if len(pcs) != 1 or len(libs) != 1:
        fail("installed: %s, %s (want one librprocdump.pc and one "
             "librprocdump.so.N)" % (pcs, libs))
        return 1
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]))
    flags = core_check.run(["pkg-config", "--cflags", "--libs",
                            "librprocdump"], env=env)
    libdir = core_check.run(["pkg-config", "--variable=libdir",
                             "librprocdump"], env=env).stdout.strip()
    if flags.returncode or not libdir:
        fail("pkg-config librprocdump: " + flags.stderr)
        return 1
    print("pkg-config: " + flags.stdout.strip())
    program = os.path.join(args.workdir, "print_contexts")
    res = core_check.run([args.cc, "-std=c11", "-Wall", "-Werror",
                          args.source, "-o", program] +
                         flags.stdout.split() + args.cflags.split() +
                         ["-Wl,-rpath," + libdir])
    if res.returncode:
        fail("cannot build against the installed library: " + res.stderr)
        return 1

    core = os.path.join(args.workdir, "m3.core.gz")
    res = core_check.run([args.collect, "--input",
                          os.path.join(args.recorded, "dump.elf"),
                          "--firmware", os.path.join(args.recorded, "fw.elf"),
                          "--output", core, "--name", "m3"])
    if res.returncode:
        fail("rproc-collect: " + res.stderr)
        return 1
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    res = core_check.run([program, core], env=env)
    print(res.stdout, end="")
    if res.returncode:
        fail("print_contexts failed (%d): %s" % (res.returncode, res.stderr))
        return 1
    ldd = core_check.run(["ldd", program]).stdout
    used = re.search(r"librprocdump\.so\.\d+ => (\S+)", ldd)
    if not used or os.path.realpath(used.group(1)) != os.path.realpath(libs[0]):
        fail("print_contexts does not use the installed library:\n" + ldd)

    with open(os.path.join(args.recorded, "truth.json")) as f:
        _, truth = core_check.core_view(json.load(f))
    if not truth:
        fail("no ground truth for the interrupted registers")
    first = re.search(r"^context 0 tid \d+ (.*)$", res.stdout, re.M)
    regs = dict(re.findall(r"(\w+) 0x([0-9a-f]+)", first.group(1))) \
        if first else {}
    for name in sorted(truth or {}):
        got = int(regs[name], 16) if name in regs else None
        if got != truth[name]:
            fail("context 0 %s: 0x%x, the live CPU had 0x%x" %
                 (name, got or 0, truth[name]))
    if not re.search(r"^\d+ contexts, remote m3$", res.stdout, re.M):
        fail("no summary line")
    print("pkgconfig: " + ("FAILED" if core_check.FAILURES else "ok"))
    return 1 if core_check.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
