#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check a core that rproc-collect stored against its recording's ground truth.

    check_stored.py --dwfl dwfl_unwind --recorded DIR --workdir DIR CORE.gz

The same checks as tests/e2e/check_core.py (rpdtest.core_check, which this
imports, so that both paths are held to one standard): the container inflates,
readelf and eu-readelf read the core without warnings, gdb-multiarch shows
the live target's frames, registers and values, libdwfl unwinds to main.
check_core.py converts a dump itself; here the core comes from a trigger.
"""
import argparse
import json
import os
import shutil
import sys

from rpdtest import core_check


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dwfl", required=True)
    ap.add_argument("--recorded", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("core")
    args = ap.parse_args()
    args.format = "gz"

    with open(os.path.join(args.recorded, "truth.json")) as f:
        truth = json.load(f)
    fw = os.path.join(args.recorded, "fw.elf")
    # Inflate a copy: the store is not the place for a plain core.
    os.makedirs(args.workdir, exist_ok=True)
    core = os.path.join(args.workdir, "stored.core.gz")
    shutil.copyfile(args.core, core)

    plain = core_check.inflate(args, core)
    core_check.check_readelf(plain)
    core_check.check_gdb(truth, fw, plain)
    core_check.check_dwfl(args, truth, fw, plain)

    print("%s: %s" % (os.path.basename(args.core),
                      "FAILED" if core_check.FAILURES else "ok"))
    return 1 if core_check.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
