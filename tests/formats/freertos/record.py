#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""record.py - run the FreeRTOS test firmware in QEMU and record it.

    record.py --firmware fw.elf --machine mps2-an385 --outdir DIR
              [--qemu qemu-system-arm] [--gdb gdb-multiarch] [--fp]
              [--pendsv xPortPendSVHandler] [--code BASE:SIZE] [--ram BASE:SIZE]

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

Exits 0, or 1 with a message naming what failed.
"""
import argparse
import os
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def record(args):
    os.makedirs(args.outdir, exist_ok=True)
    outputs = {name: os.path.join(args.outdir, name)
               for name in ("truth.txt", "ram.bin", "code.bin")}
    for path in outputs.values():
        if os.path.exists(path):
            os.unlink(path)
    port = free_tcp_port()
    # -icount: time counts instructions, so the run is the same whatever
    # the host's load.
    qemu_cmd = [args.qemu, "-M", args.machine, "-nographic", "-S",
                "-icount", "shift=3",
                "-gdb", f"tcp:127.0.0.1:{port}", "-kernel", args.firmware]
    gdb_cmd = [args.gdb, "-batch", "-nx", "-ex", f"set $rec_port = {port}",
               "-x", os.path.join(HERE, "record_gdb.py"), args.firmware]
    env = dict(os.environ, REC_OUT=outputs["truth.txt"],
               REC_RAM=outputs["ram.bin"], REC_CODE=outputs["code.bin"],
               REC_FP="1" if args.fp else "0", REC_PENDSV=args.pendsv,
               REC_RAM_AT=args.ram, REC_CODE_AT=args.code)
    with open(os.path.join(args.outdir, "qemu.log"), "wb") as qemu_log:
        qemu = subprocess.Popen(qemu_cmd, stdin=subprocess.DEVNULL,
                                stdout=qemu_log, stderr=subprocess.STDOUT)
        try:
            gdb = subprocess.run(gdb_cmd, stdin=subprocess.DEVNULL, env=env,
                                 capture_output=True, text=True,
                                 timeout=args.timeout)
        except subprocess.TimeoutExpired as e:
            with open(os.path.join(args.outdir, "gdb.log"), "wb") as f:
                f.write(e.stdout or b"")
                f.write(e.stderr or b"")
            sys.exit(f"record.py: {args.firmware}: no snapshot within "
                     f"{args.timeout} s (see gdb.log)")
        finally:
            stop(qemu)
    with open(os.path.join(args.outdir, "gdb.log"), "w") as f:
        f.write(gdb.stdout + gdb.stderr)
    missing = [name for name, path in outputs.items()
               if not os.path.exists(path)]
    if gdb.returncode != 0 or missing:
        last = (gdb.stdout + gdb.stderr).strip().splitlines()[-3:]
        sys.exit(f"record.py: {args.firmware}: GDB exited {gdb.returncode}, "
                 f"missing {' '.join(missing) or 'nothing'}: {' | '.join(last)}")


def memory(text):
    """BASE:SIZE, checked, as the string record_gdb.py reads."""
    try:
        base, size = (int(x, 0) for x in text.split(":"))
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{text}: not BASE:SIZE") from e
    return f"{base:#x}:{size:#x}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--firmware", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--outdir", required=True)
    p.add_argument("--qemu", default="qemu-system-arm")
    p.add_argument("--gdb", default="gdb-multiarch")
    p.add_argument("--fp", action="store_true",
                   help="the CPU has an FPU: record s0-s31 and FPSCR")
    p.add_argument("--pendsv", default="xPortPendSVHandler",
                   help="the port's PendSV handler")
    p.add_argument("--code", default="0x0:0x40000", type=memory,
                   help="the code memory, BASE:SIZE")
    p.add_argument("--ram", default="0x20000000:0x10000", type=memory,
                   help="the RAM, BASE:SIZE")
    p.add_argument("--timeout", type=int, default=60)
    record(p.parse_args())


if __name__ == "__main__":
    main()
