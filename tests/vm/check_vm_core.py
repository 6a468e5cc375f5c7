#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""GDB ground-truth check of a core a VM scenario stored.

    check_vm_core.py [--poisoned] --core CORE.gz --recorded DIR

The core was stored by rproc-collect inside the VM from the dump of a
remote into which the recorded crash DIR (fw.elf, truth.json) was planted;
readelf must read it cleanly and it must give GDB the frames, registers and
values GDB showed on the live target (rpdtest.core_check's checks). With --poisoned the dump was read after the remote lost power (a
mainline kernel): the live state is gone, but GDB must still load the core
and read the poisoned RAM from it.
"""
import argparse
import gzip
import json
import os
import re
import sys

from rpdtest import core_check


POISON = "0xdeadbeef"


def check_readable(plain):
    """readelf reads the core cleanly. Without the crash record, which the
    power-off poisoned, the core has no PRSTATUS to require."""
    for cmd in (["readelf", "-lnW", plain], ["eu-readelf", "-ln", plain]):
        res = core_check.run(cmd)
        text = res.stdout + res.stderr
        if res.returncode != 0 or re.search(r"warning|error", text, re.I):
            core_check.fail("%s reports problems:\n%s" % (" ".join(cmd), text))


def check_poisoned(truth, fw, plain):
    """GDB opens the core and reads every recorded RAM word as poison."""
    ram = [seg for seg in truth["segments"] if seg["da"] == 0x20000000][0]
    words = ram["size"] // 4
    res = core_check.run(["gdb-multiarch", "-batch", "-nx",
                          "-ex", "x/%dxw 0x%x" % (words, ram["da"]),
                          fw, plain])
    values = re.findall(r"0x[0-9a-f]{8}", "\n".join(
        line.split(":", 1)[1] for line in res.stdout.splitlines()
        if ":" in line))
    if res.returncode != 0 or "not a core dump" in res.stderr:
        core_check.fail("gdb could not load the core: " + res.stderr)
    elif len(values) != words or set(values) != {POISON}:
        core_check.fail("gdb read %d RAM words, %d not %s: %s" %
                        (len(values), sum(v != POISON for v in values),
                         POISON, res.stderr))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--core", required=True)
    ap.add_argument("--recorded", required=True)
    ap.add_argument("--poisoned", action="store_true")
    args = ap.parse_args()

    if not os.path.exists(args.core):
        print("FAIL: %s: the VM exported no core" % args.core)
        return 1
    with open(os.path.join(args.recorded, "truth.json")) as f:
        truth = json.load(f)
    plain = args.core[:-3] if args.core.endswith(".gz") else args.core + ".elf"
    with gzip.open(args.core) as src, open(plain, "wb") as dst:
        dst.write(src.read())

    fw = os.path.join(args.recorded, "fw.elf")
    if args.poisoned:
        check_readable(plain)
        check_poisoned(truth, fw, plain)
    else:
        core_check.check_readelf(plain)
        core_check.check_gdb(truth, fw, plain)
    print("%s: %s" % (args.core, "FAILED" if core_check.FAILURES else "ok"))
    return 1 if core_check.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
