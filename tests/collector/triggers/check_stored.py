#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check a core that rproc-collect stored against its recording's ground truth.

    check_stored.py --dwfl dwfl_unwind --recorded DIR --workdir DIR CORE.gz

The same checks as tests/integration/check_core.py (which this imports,
so that both paths are held to one standard): the container inflates,
readelf and eu-readelf read the core without warnings, gdb-multiarch shows
the live target's frames, registers and values, libdwfl unwinds to main.
check_core.py converts a dump itself; here the core comes from a trigger.
"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
import check_core  # noqa: E402


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

    plain = check_core.inflate(args, core)
    check_core.check_readelf(plain)
    check_core.check_gdb(truth, fw, plain)
    check_core.check_dwfl(args, truth, fw, plain)

    print("%s: %s" % (os.path.basename(args.core),
                      "FAILED" if check_core.FAILURES else "ok"))
    return 1 if check_core.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
