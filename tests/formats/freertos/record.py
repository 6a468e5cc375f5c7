#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""record.py - run the FreeRTOS test firmware in QEMU and record it.

    record.py --firmware fw.elf --machine mps2-an385 --outdir DIR
              [--qemu qemu-system-arm] [--gdb gdb-multiarch] [--fp]
              [--pendsv xPortPendSVHandler] [--code BASE:SIZE] [--ram BASE:SIZE]
              [--timeout SECONDS]

Runs the firmware under GDB (record_gdb.py) until fixture_snapshot(), and
writes to DIR:

  truth.txt  what GDB saw on the live CPU (see record_gdb.py), one line
             per fact: "memory ram|code BASE SIZE", "current TCB",
             "ntasks N", "object NAME ADDR", "task TCB key=value...
             name=NAME", "regs TCB r0=... sp=... pc=... exc_return=...",
             "fp TCB s0=... fpscr=..."
  ram.bin    the RAM (--ram, default 64 KiB at 0x20000000)
  code.bin   the code memory (--code, default 256 KiB at 0x0)
  gdb.log, qemu.log

QEMU, GDB and the memories' files are the crash recorders' own
(tests/fixtures/harness/recording.py). Exits 0, or 1 with a message naming
what failed.
"""
import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "fixtures", "harness"))

# pylint: disable=wrong-import-position
from recording import (RecordError, add_qemu_arguments,  # noqa: E402
                       clear_outputs, free_tcp_port, gdb_batch_command,
                       memory_save_commands, qemu_command, run_recorder,
                       run_under_gdb)

GDB_SCRIPT = os.path.join(HERE, "record_gdb.py")
OUTPUTS = ("truth.txt", "ram.bin", "code.bin")
# -icount: time counts instructions, so the run is the same whatever the
# host's load (with QEMU's default sleep=on: see recording.qemu_command()).
ICOUNT_SHIFT = 3


def gdb_config(args, port):
    """What record_gdb.py reads (from the JSON file $REC_CONFIG names)."""
    memories = ((*args.code, "code"), (*args.ram, "ram"))
    return {
        "port": port,
        "truth": os.path.join(args.outdir, "truth.txt"),
        "fp": args.fp,
        "pendsv": args.pendsv,
        "code": list(args.code),
        "ram": list(args.ram),
        # Through the CPU, as it sees them: on mps2-an505 the secure
        # aliases are not in the machine's physical map, which pmemsave
        # reads, and on the micro:bit pmemsave reads other bytes too.
        "save": memory_save_commands(args.outdir, memories, through_cpu=True),
    }


def record(args):
    """Record the firmware's snapshot into args.outdir; return the outdir."""
    clear_outputs(args.outdir, OUTPUTS)
    port = free_tcp_port()
    with tempfile.TemporaryDirectory(prefix="record_freertos.") as workdir:
        config_path = os.path.join(workdir, "config.json")
        with open(config_path, "w") as f:
            json.dump(gdb_config(args, port), f)
        run_under_gdb(
            qemu_command(args.qemu, args.machine, args.firmware, port,
                         icount=ICOUNT_SHIFT, icount_sleep=True),
            gdb_batch_command(args.gdb, GDB_SCRIPT, args.firmware),
            args.outdir, args.timeout, args.firmware,
            env=dict(os.environ, REC_CONFIG=config_path), check=True)
    missing = [name for name in OUTPUTS
               if not os.path.exists(os.path.join(args.outdir, name))]
    if missing:
        raise RecordError(f"{args.firmware}: GDB wrote no {' '.join(missing)} "
                          f"(see {args.outdir}/gdb.log)")
    return args.outdir


def memory(text):
    """BASE:SIZE, checked, as (base, size)."""
    try:
        base, size = (int(x, 0) for x in text.split(":"))
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{text}: not BASE:SIZE") from e
    return base, size


def main():
    """Parse the command line and record; return the exit status."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_qemu_arguments(p, 60)
    p.add_argument("--machine", required=True, help="the QEMU board")
    p.add_argument("--fp", action="store_true",
                   help="the CPU has an FPU: record s0-s31 and FPSCR")
    p.add_argument("--pendsv", default="xPortPendSVHandler",
                   help="the port's PendSV handler")
    p.add_argument("--code", default="0x0:0x40000", type=memory,
                   help="the code memory, BASE:SIZE")
    p.add_argument("--ram", default="0x20000000:0x10000", type=memory,
                   help="the RAM, BASE:SIZE")
    return run_recorder("record.py", p, record,
                        lambda outdir: f"{', '.join(OUTPUTS)} in {outdir}")


if __name__ == "__main__":
    sys.exit(main())
