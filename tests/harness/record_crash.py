#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""record_crash.py - record a real Cortex-M crash and GDB's view of it.

Runs a test firmware (tests/firmware) in QEMU mps2-an385 under GDB until its
crash capture entry is hit, and records there what GDB sees of the live,
crashed CPU: the backtrace, pc/sp/lr, a global and a local variable. It then
lets the capture finish, saves the remote's two memories as a Linux 6.12
remoteproc devcoredump would contain them, and writes:

  DIR/dump.elf    byte-exact mainline rproc_coredump() ELF of the memories
  DIR/truth.json  GDB's live view at the crash (the ground truth)
  DIR/fw.elf      the firmware that crashed
  DIR/qemu.log, DIR/gdb.log

Python 3 standard library only.
"""

import argparse
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile

# The remote's memories, as the firmware's carveouts describe them.
CARVEOUTS = ((0x00000000, 0x40000, "code"), (0x20000000, 0x10000, "ram"))

# Names the test firmware guarantees (tests/firmware/main.c).
CAPTURE_ENTRY = "rproc_fault_entry"
HALT_FUNCTION = "rproc_crash_halted"
GLOBAL_VAR = "fw_commands_done"
LOCAL_FRAME = "dispatch_command"
LOCAL_VAR = "request_tag"
SCENARIO_VAR = "fw_scenario_name"

EM_NONE = 0
EM_ARM = 40
ET_CORE = 4
PT_LOAD = 1
PF_RWX = 0x7

RSC_TRACE = 2
RSC_CRASH_RECORD = 210
TRACE_MAGIC = 0x43525452
CRASH_RECORD_MAGIC = 0x48535243
CRASH_REASONS = ("unknown", "hardfault", "memmanage", "busfault",
                 "usagefault", "watchdog", "assert", "stack_overflow",
                 "panic")

MARK = "@@rec@@"
OUTPUTS = ("dump.elf", "truth.json", "fw.elf")


class RecordError(Exception):
    """A failure with a message that says what went wrong where."""


# --- firmware ELF ----------------------------------------------------------

def read_firmware(path):
    """Return (e_entry, {section name: (addr, bytes)}) of an ELF32 LE file."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise RecordError(f"{path}: {e.strerror}") from e
    if len(data) < 52 or data[:4] != b"\x7fELF":
        raise RecordError(f"{path}: not an ELF file")
    if data[4] != 1 or data[5] != 1:
        raise RecordError(f"{path}: not a 32-bit little-endian ELF file")
    (e_entry,) = struct.unpack_from("<I", data, 24)
    (e_shoff,) = struct.unpack_from("<I", data, 32)
    e_shentsize, e_shnum, e_shstrndx = struct.unpack_from("<HHH", data, 46)
    if e_shnum == 0 or e_shstrndx >= e_shnum or e_shentsize < 40 or \
            e_shoff + e_shnum * e_shentsize > len(data):
        raise RecordError(f"{path}: bad section header table")

    def shdr(i):
        return struct.unpack_from("<IIIIIIIIII", data, e_shoff + i * e_shentsize)

    strtab = shdr(e_shstrndx)
    sections = {}
    for i in range(e_shnum):
        name, sh_type, _, addr, off, size = shdr(i)[:6]
        start = strtab[4] + name
        end = data.find(b"\0", start)
        if end < 0:
            raise RecordError(f"{path}: section {i}: bad name offset")
        contents = data[off:off + size] if sh_type != 8 else b""  # NOBITS
        sections[data[start:end].decode("ascii", "replace")] = (addr, contents)
    return e_entry, sections


def resource_entries(path, sections):
    """Yield (type, offset of its payload, table bytes) per resource entry."""
    if ".resource_table" not in sections:
        raise RecordError(f"{path}: no .resource_table section")
    _, table = sections[".resource_table"]
    if len(table) < 16:
        raise RecordError(f"{path}: .resource_table: too short")
    ver, num = struct.unpack_from("<II", table, 0)
    if ver != 1 or 16 + 4 * num > len(table):
        raise RecordError(f"{path}: .resource_table: version {ver}, "
                          f"{num} entries do not fit {len(table)} bytes")
    for i in range(num):
        (off,) = struct.unpack_from("<I", table, 16 + 4 * i)
        if off + 4 > len(table):
            raise RecordError(f"{path}: resource {i}: offset {off:#x} "
                              "outside the table")
        (rtype,) = struct.unpack_from("<I", table, off)
        yield rtype, off + 4, table


def find_resource(path, sections, wanted):
    """Return (da, len) of the first resource of type @wanted."""
    for rtype, off, table in resource_entries(path, sections):
        if rtype == wanted:
            if off + 8 > len(table):
                raise RecordError(f"{path}: resource type {wanted} truncated")
            return struct.unpack_from("<II", table, off)
    raise RecordError(f"{path}: no resource of type {wanted}")


# --- QEMU and GDB ----------------------------------------------------------

def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gdb_script(port, outdir):
    """The GDB commands; @@rec@@ markers delimit each answer in the output."""
    def mark(name):
        return f'echo \\n{MARK} {name}\\n'

    cmds = [
        "set pagination off",
        "set confirm off",
        "set width 0",
        "set height 0",
        "set print pretty off",
        "set backtrace past-main on",
        "set backtrace limit 500",
        "set tcp connect-timeout 10",
        f"target remote tcp:127.0.0.1:{port}",
        # The vector points at the entry itself; "break FUNC" would skip
        # a prologue the asm entry does not have.
        f"break *{CAPTURE_ENTRY}",
        f"break *{HALT_FUNCTION}",
        "continue",
        mark("where"), "output/x $pc", mark("bt"), "bt",
        mark("regs"), "info registers pc sp lr",
        mark("global"), f"output {GLOBAL_VAR}",
        mark("scenario"), f"output {SCENARIO_VAR}",
        mark("frame"), f"frame function {LOCAL_FRAME}",
        mark("local"), f"output {LOCAL_VAR}",
        mark("continue"), "continue",
        mark("halted"), "output/x $pc",
    ]
    # The memories as the host sees them: physical, not through the MPU
    # (GDB's reads go through it, and the first 1 KiB is a NULL guard).
    for da, size, name in CARVEOUTS:
        path = os.path.join(outdir, f"{name}.bin")
        cmds.append(f'monitor pmemsave {da:#x} {size:#x} "{path}"')
    cmds += [mark("end"), "kill"]
    return "\n".join(cmds) + "\n"


def split_marked(output):
    """Map each marker name to the text GDB printed after it."""
    parts = {}
    current = None
    for line in output.splitlines():
        if line.startswith(MARK + " "):
            current = line[len(MARK) + 1:].strip()
            parts[current] = []
        elif current is not None:
            parts[current].append(line)
    return {k: "\n".join(v).strip() for k, v in parts.items()}


def run_under_gdb(args, outdir, workdir):
    """Run QEMU and GDB; return GDB's stdout. Always reaps QEMU."""
    port = free_tcp_port()
    qemu_cmd = [args.qemu, "-M", "mps2-an385", "-nographic", "-S",
                "-gdb", f"tcp:127.0.0.1:{port}", "-kernel", args.firmware]
    script = os.path.join(workdir, "record.gdb")
    with open(script, "w") as f:
        f.write(gdb_script(port, workdir))
    gdb_cmd = [args.gdb, "-batch", "-nx", "-x", script, args.firmware]

    qemu_log_path = os.path.join(outdir, "qemu.log")
    with open(qemu_log_path, "wb") as qemu_log:
        try:
            qemu = subprocess.Popen(qemu_cmd, stdin=subprocess.DEVNULL,
                                    stdout=qemu_log, stderr=subprocess.STDOUT)
        except OSError as e:
            raise RecordError(f"cannot run {args.qemu}: {e.strerror}") from e
        try:
            gdb = subprocess.run(gdb_cmd, stdin=subprocess.DEVNULL,
                                 capture_output=True, text=True,
                                 timeout=args.timeout)
        except subprocess.TimeoutExpired as e:
            raise RecordError(
                f"{args.firmware}: no crash recorded within {args.timeout} s "
                f"(GDB said: {tail(e.stdout)})") from e
        except OSError as e:
            raise RecordError(f"cannot run {args.gdb}: {e.strerror}") from e
        finally:
            stop(qemu)

    with open(os.path.join(outdir, "gdb.log"), "w") as f:
        f.write(gdb.stdout)
        f.write(gdb.stderr)
    return gdb.stdout, gdb.stderr


def tail(text, lines=8):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " | ".join((text or "").strip().splitlines()[-lines:]) or "nothing"


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- parsing GDB's answers -------------------------------------------------

def parse_frames(bt):
    """Function names of 'bt' lines, in order, and why it stopped if it did."""
    frames = []
    stopped = None
    for line in bt.splitlines():
        if line.startswith("#"):
            rest = line.split(None, 1)[1] if " " in line else ""
            if rest.startswith("0x") and " in " in rest:
                rest = rest.split(" in ", 1)[1]
            if rest.startswith("<signal handler called>"):
                frames.append("<signal handler called>")
            else:
                frames.append(rest.split(" (", 1)[0].split()[0])
        elif line.startswith("Backtrace stopped"):
            stopped = line
    return frames, stopped


def parse_registers(text):
    regs = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] in ("pc", "sp", "lr"):
            regs[fields[0]] = int(fields[1], 16)
    if set(regs) != {"pc", "sp", "lr"}:
        raise RecordError(f"GDB gave no pc/sp/lr: {text!r}")
    return regs


def parse_address(text, what):
    try:
        return int(text.split()[0], 0)
    except (ValueError, IndexError) as e:
        raise RecordError(f"GDB gave no {what}: {text!r}") from e


def parse_c_string(text):
    """'"null"' as printed by GDB's output command, without the quotes."""
    value = text.split(",")[0].strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


# --- the dump --------------------------------------------------------------

def build_devcoredump(e_entry, machine, segments):
    """The ELF rproc_coredump() (Linux 6.12) writes for these segments.

    ELF32 LSB, ET_CORE, EI_OSABI 0, e_phoff right after the header, one
    PT_LOAD per segment with contiguous offsets after the program headers,
    p_vaddr = p_paddr = da, RWX, p_align 0, no notes, no sections.
    """
    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
    phoff = 52
    header = struct.pack("<16sHHIIIIIHHHHHH", ident, ET_CORE, machine, 1,
                         e_entry, phoff, 0, 0, 52, 32, len(segments), 0, 0, 0)
    offset = phoff + 32 * len(segments)
    phdrs = b""
    for da, data in segments:
        phdrs += struct.pack("<IIIIIIII", PT_LOAD, offset, da, da, len(data),
                             len(data), PF_RWX, 0)
        offset += len(data)
    return header + phdrs + b"".join(data for _, data in segments)


def read_da(segments, da, size):
    for base, data in segments:
        if base <= da and da + size <= base + len(data):
            return data[da - base:da - base + size]
    raise RecordError(f"device address {da:#x}+{size:#x} is in no dumped memory")


def trace_text(segments, da, length):
    """Everything still in an rproc_trace_buffer, oldest byte first."""
    header = read_da(segments, da, 16)
    magic, _, hdr_size, size, head = struct.unpack("<IHHII", header)
    if magic != TRACE_MAGIC or size & (size - 1) or hdr_size + size > length:
        raise RecordError(f"trace buffer at {da:#x}: bad header "
                          f"(magic {magic:#x}, size {size:#x})")
    ring = read_da(segments, da + hdr_size, size)
    if head <= size:
        text = ring[:head]
    else:
        start = head % size
        text = ring[start:] + ring[:start]
    return text.decode("utf-8", "replace")


def crash_reason(segments, da):
    record = read_da(segments, da, 12)
    magic, _, _, _, reason = struct.unpack("<IHHHH", record)
    if magic != CRASH_RECORD_MAGIC:
        return None
    return reason


# --- main ------------------------------------------------------------------

def record(args):
    e_entry, sections = read_firmware(args.firmware)
    trace_da, trace_len = find_resource(args.firmware, sections, RSC_TRACE)
    record_da, _ = find_resource(args.firmware, sections, RSC_CRASH_RECORD)
    os.makedirs(args.outdir, exist_ok=True)
    # A failed run must not leave an older recording looking current.
    for name in OUTPUTS:
        try:
            os.unlink(os.path.join(args.outdir, name))
        except FileNotFoundError:
            pass

    with tempfile.TemporaryDirectory(prefix="record_crash.") as workdir:
        out, err = run_under_gdb(args, args.outdir, workdir)
        answers = split_marked(out)
        if "end" not in answers:
            raise RecordError(f"{args.firmware}: GDB stopped early "
                              f"(stderr: {tail(err)}; stdout: {tail(out)})")
        segments = []
        for da, size, name in CARVEOUTS:
            with open(os.path.join(workdir, f"{name}.bin"), "rb") as f:
                data = f.read()
            if len(data) != size:
                raise RecordError(f"QEMU saved {len(data)} bytes of {name}, "
                                  f"expected {size}")
            segments.append((da, data))

    entry = parse_address(answers["where"], "pc at the capture entry")
    halted = parse_address(answers["halted"], "pc at the halt")
    frames, stopped = parse_frames(answers["bt"])
    if not frames or frames[0] != CAPTURE_ENTRY:
        raise RecordError(f"{args.firmware}: stopped at {entry:#x}, not in "
                          f"{CAPTURE_ENTRY}: {answers['bt']!r}")
    text = trace_text(segments, trace_da, trace_len)
    lines = [line for line in text.splitlines() if line.strip()]
    reason = crash_reason(segments, record_da)

    truth = {
        "firmware": os.path.abspath(args.firmware),
        "scenario": parse_c_string(answers["scenario"]),
        "frames": frames,
        "backtrace": [l for l in answers["bt"].splitlines() if l.strip()],
        "backtrace_stopped": stopped,
        "registers": parse_registers(answers["regs"]),
        "halted_pc": halted,
        "global": {"name": GLOBAL_VAR, "value": answers["global"]},
        "local": {"function": LOCAL_FRAME, "name": LOCAL_VAR,
                  "value": answers["local"]},
        "record_reason": reason,
        "record_reason_name": (CRASH_REASONS[reason]
                               if reason is not None and
                               reason < len(CRASH_REASONS) else None),
        "trace_tail": lines[-1] if lines else "",
        "machine": "arm" if args.machine == "arm" else "none",
        "segments": [{"da": da, "size": len(data)} for da, data in segments],
    }

    machine = EM_ARM if args.machine == "arm" else EM_NONE
    with open(os.path.join(args.outdir, "dump.elf"), "wb") as f:
        f.write(build_devcoredump(e_entry, machine, segments))
    with open(os.path.join(args.outdir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")
    shutil.copyfile(args.firmware, os.path.join(args.outdir, "fw.elf"))
    return truth


def main():
    parser = argparse.ArgumentParser(
        description="Record a firmware crash in QEMU: a mainline remoteproc "
                    "devcoredump and GDB's live view as ground truth.")
    parser.add_argument("--firmware", required=True, help="firmware ELF")
    parser.add_argument("--outdir", required=True, help="output directory")
    parser.add_argument("--machine", choices=("none", "arm"), default="none",
                        help="e_machine of the dump (drivers set EM_NONE or "
                             "EM_ARM)")
    parser.add_argument("--timeout", type=float, default=20,
                        help="seconds to wait for the crash (default 20)")
    parser.add_argument("--qemu", default="qemu-system-arm")
    parser.add_argument("--gdb", default="gdb-multiarch")
    args = parser.parse_args()

    try:
        truth = record(args)
    except RecordError as e:
        print(f"record_crash: {e}", file=sys.stderr)
        return 1
    print(f"record_crash: {truth['scenario']}: "
          f"{' <- '.join(truth['frames'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
