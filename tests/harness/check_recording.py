#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""check_recording.py - sanity checks of one record_crash.py recording.

Reads the recording the way a user of it would, independently of how
record_crash.py found things: symbols come from nm, memory from dump.elf's
program headers. Checks that

  - dump.elf has the layout of a mainline Linux 6.12 rproc devcoredump;
  - GDB's backtrace runs from the capture entry through the exception frame
    and the expected functions down to main and Reset_Handler;
  - the crash record in the dumped RAM is complete, has the expected
    reason and exception, and agrees with GDB's registers at the entry;
  - the trace buffer in the dumped RAM holds the expected text and ends
    with the line truth.json reports.

Prints every failed check; exits 1 if there was one.
"""

import argparse
import json
import os
import struct
import subprocess
import sys

CRASH_RECORD_MAGIC = 0x48535243
CRASH_RECORD_SIZE = 188
TRACE_MAGIC = 0x43525452
F_FRAME_VALID = 1
REASONS = {"hardfault": 1, "memmanage": 2, "busfault": 3, "usagefault": 4,
           "watchdog": 5, "assert": 6, "stack_overflow": 7, "panic": 8}


class Checker:
    def __init__(self, name):
        self.name = name
        self.failures = 0

    def expect(self, ok, what):
        if not ok:
            print(f"{self.name}: FAIL: {what}")
            self.failures += 1
        return ok


def load_dump(path, check):
    """Check the devcoredump layout; return [(da, bytes)] of its PT_LOADs."""
    with open(path, "rb") as f:
        data = f.read()
    check.expect(data[:8] == b"\x7fELF\x01\x01\x01\x00" and
                 data[8:16] == bytes(8), "dump.elf: e_ident is not ELF32 LSB "
                 "EV_CURRENT OSABI 0")
    (e_type, e_machine, e_version, _, e_phoff, e_shoff, e_flags, e_ehsize,
     e_phentsize, e_phnum, e_shentsize, e_shnum,
     e_shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", data, 16)
    check.expect(e_type == 4 and e_version == 1 and e_machine in (0, 40),
                 f"dump.elf: type {e_type}, machine {e_machine}")
    check.expect(e_phoff == 52 and e_ehsize == 52 and e_phentsize == 32,
                 "dump.elf: header sizes are not the ELF32 ones")
    check.expect(e_shoff == e_shnum == e_shentsize == e_shstrndx == 0 and
                 e_flags == 0, "dump.elf: has section headers or flags")

    segments = []
    offset = 52 + 32 * e_phnum
    for i in range(e_phnum):
        (p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags,
         p_align) = struct.unpack_from("<IIIIIIII", data, 52 + 32 * i)
        check.expect(p_type == 1 and p_flags == 7 and p_align == 0 and
                     p_vaddr == p_paddr and p_filesz == p_memsz and
                     p_offset == offset,
                     f"dump.elf: program header {i} is not a mainline one")
        segments.append((p_paddr, data[p_offset:p_offset + p_filesz]))
        offset += p_filesz
    check.expect(offset == len(data), f"dump.elf: {len(data)} bytes, "
                 f"program headers describe {offset}")
    return segments


def read_da(segments, da, size):
    for base, data in segments:
        if base <= da and da + size <= base + len(data):
            return data[da - base:da - base + size]
    raise ValueError(f"{da:#x}+{size} is not in the dump")


def symbols(nm, elf):
    out = subprocess.run([nm, elf], capture_output=True, text=True,
                         check=True).stdout
    syms = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3:
            syms[fields[2]] = int(fields[0], 16)
    return syms


def check_frames(truth, wanted, check):
    frames = truth["frames"]
    check.expect(frames[:2] == ["rproc_fault_entry", "<signal handler called>"],
                 f"backtrace does not start at the capture entry: {frames}")
    check.expect("main" in frames and frames[-1] == "Reset_Handler",
                 f"backtrace does not reach main and Reset_Handler: {frames}")
    check.expect("??" not in frames and truth["backtrace_stopped"] is None,
                 f"backtrace is broken: {truth['backtrace_stopped']}")
    for name in wanted:
        check.expect(name in frames, f"{name} missing from {frames}")


def check_record(segments, syms, truth, args, check):
    da = syms.get("rproc_crash_record")
    if not check.expect(da is not None, "fw.elf has no rproc_crash_record"):
        return
    rec = read_da(segments, da, CRASH_RECORD_SIZE)
    magic, version, size, arch, reason, sequence, flags, exc = \
        struct.unpack_from("<IHHHHIII", rec, 0)
    regs = struct.unpack_from("<25I", rec, 0x18)
    msp, exc_return, handler_pc = regs[17], regs[19], regs[20]
    message = rec[0x7c:].split(b"\0")[0].decode("utf-8", "replace")

    check.expect(magic == CRASH_RECORD_MAGIC, f"record magic {magic:#x}")
    check.expect(version == 1 and size == CRASH_RECORD_SIZE and arch == 1,
                 f"record version {version}, size {size}, arch {arch}")
    check.expect(reason == REASONS[args.reason],
                 f"record reason {reason}, expected {args.reason}")
    check.expect(exc == args.exception,
                 f"record exception {exc}, expected {args.exception}")
    check.expect(sequence == 1 and flags & F_FRAME_VALID,
                 f"record sequence {sequence}, flags {flags:#x}")
    check.expect(truth["record_reason"] == reason,
                 "truth.json record_reason differs from the dumped record")
    # GDB stopped at the entry's first instruction: nothing moved yet.
    gdb = truth["registers"]
    check.expect(handler_pc == gdb["pc"] and exc_return == gdb["lr"] and
                 msp == gdb["sp"],
                 f"record handler_pc/exc_return/msp {handler_pc:#x}/"
                 f"{exc_return:#x}/{msp:#x}, GDB pc/lr/sp {gdb['pc']:#x}/"
                 f"{gdb['lr']:#x}/{gdb['sp']:#x}")
    if args.message:
        check.expect(args.message in message,
                     f"record message {message!r} lacks {args.message!r}")


def check_trace(segments, syms, truth, wanted, check):
    da = syms.get("fw_trace")
    if not check.expect(da is not None, "fw.elf has no fw_trace"):
        return
    magic, _, hdr_size, size, head = struct.unpack(
        "<IHHII", read_da(segments, da, 16))
    if not check.expect(magic == TRACE_MAGIC and size and
                        not size & (size - 1), "trace buffer header"):
        return
    ring = read_da(segments, da + hdr_size, size)
    text = (ring[:head] if head <= size else
            ring[head % size:] + ring[:head % size]).decode("utf-8", "replace")
    for line in wanted:
        check.expect(line in text, f"trace lacks {line!r}")
    lines = [l for l in text.splitlines() if l.strip()]
    check.expect(lines and lines[-1] == truth["trace_tail"],
                 f"trace ends with {lines[-1:]!r}, truth.json says "
                 f"{truth['trace_tail']!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="recording directory")
    parser.add_argument("--nm", default="arm-none-eabi-nm")
    parser.add_argument("--reason", required=True, choices=sorted(REASONS))
    parser.add_argument("--exception", type=int, required=True,
                        help="expected exception number (IPSR)")
    parser.add_argument("--message", help="text the record message contains")
    parser.add_argument("--frame", action="append", default=[],
                        help="a function the backtrace must contain")
    parser.add_argument("--trace", action="append", default=[],
                        help="text the trace buffer must contain")
    args = parser.parse_args()

    check = Checker(os.path.basename(os.path.normpath(args.dir)))
    try:
        with open(os.path.join(args.dir, "truth.json")) as f:
            truth = json.load(f)
        segments = load_dump(os.path.join(args.dir, "dump.elf"), check)
        syms = symbols(args.nm, os.path.join(args.dir, "fw.elf"))
        check_frames(truth, args.frame, check)
        check_record(segments, syms, truth, args, check)
        check_trace(segments, syms, truth, args.trace, check)
    except (OSError, ValueError, KeyError, struct.error,
            subprocess.CalledProcessError) as e:
        check.expect(False, f"cannot check: {e}")
    if check.failures:
        return 1
    print(f"{check.name}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
