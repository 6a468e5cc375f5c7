# SPDX-License-Identifier: LGPL-2.1-or-later
"""record_gdb.py - GDB's side of record.py (runs inside gdb-multiarch).

Ground truth for the FreeRTOS walker, taken from the live CPU:

- at every context switch (the port's PendSV handler, after its first
  instruction), the registers of the task being switched out: r4-r11 and
  the FP registers live from the CPU, EXC_RETURN live from lr, and PSP,
  which the handler's first instruction (`mrs r0, psp`) read (QEMU 7.2's
  gdbstub has no PSP), with the frame the hardware stacked there (r0-r3,
  r12, lr, pc, xPSR: the architecture's frame, not the port's). The last
  switch-out of each task is its saved context;
- at fixture_snapshot(), where every task is in its place: through GDB's
  own reading of the firmware's DWARF, each task's name, priority,
  pxTopOfStack, pxStack, pxEndOfStack and the 0xa5 fill left at the
  bottom of its stack (what uxTaskGetStackHighWaterMark() counts);
  then the memories, read through the CPU.

Parameters come from GDB convenience variables set by record.py:
$rec_port (remote port), and the environment: REC_OUT (truth file),
REC_RAM, REC_CODE (memory files), REC_RAM_AT, REC_CODE_AT (their
BASE:SIZE), REC_FP (1 when the CPU has an FPU), REC_PENDSV (the port's
PendSV handler).
"""
import os
import struct

import gdb  # pylint: disable=import-error

OUT = os.environ["REC_OUT"]
HAS_FP = os.environ.get("REC_FP") == "1"

def memory(name):
    base, size = (int(x, 0) for x in os.environ[name].split(":"))
    return base, size


RAM_BASE, RAM_SIZE = memory("REC_RAM_AT")
CODE_BASE, CODE_SIZE = memory("REC_CODE_AT")
RAM_END = RAM_BASE + RAM_SIZE
# The firmware's objects whose addresses the walker names.
OBJECTS = ("ctrl_q", "full_q", "lock", "events", "xTimerQueue")

saved = {}  # tcb -> last saved context
hits = 0


def reg(name):
    return int(gdb.parse_and_eval("$" + name)) & 0xFFFFFFFF


def fp_reg(name):
    """The bits of a single-precision register (GDB shows s<n> as float:
    a float32 converts to a Python float and back exactly)."""
    value = float(gdb.parse_and_eval("$" + name))
    return int.from_bytes(struct.pack("<f", value), "little")


def read_words(addr, count):
    data = gdb.selected_inferior().read_memory(addr, 4 * count).tobytes()
    return [int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data), 4)]


class PendSVAfterMrs(gdb.Breakpoint):
    """The PendSV handler's second instruction: the outgoing task's r4-r11,
    FP registers and EXC_RETURN (lr) still live in the CPU, pxCurrentTCB
    still the outgoing task, and r0 the PSP that `mrs r0, psp` just read:
    the hardware stacked r0-r3, r12, lr, pc and xPSR there. (Not the
    handler's first instruction: a breakpoint at an exception's entry
    makes QEMU 7.2 lose its breakpoints now and then.)"""

    def stop(self):
        global hits
        hits += 1
        tcb = int(gdb.parse_and_eval("(unsigned int)pxCurrentTCB"))
        psp = reg("r0")
        rec = {"tcb": tcb, "psp": psp, "exc_return": reg("lr"),
               "regs": {f"r{i}": reg(f"r{i}") for i in range(4, 12)}}
        if HAS_FP:
            rec["fp"] = {f"s{i}": fp_reg(f"s{i}") for i in range(32)}
            rec["fp"]["fpscr"] = reg("fpscr")
        rec["frame"] = dict(zip(("r0", "r1", "r2", "r3", "r12", "lr", "pc",
                                 "xpsr"), read_words(psp, 8)))
        saved[tcb] = rec
        return False


def member(tcb, expr):
    return gdb.parse_and_eval(f"((TCB_t *){tcb:#x})->{expr}")


def has_member(name):
    tcb_type = gdb.lookup_type("TCB_t").strip_typedefs()
    return any(f.name == name for f in tcb_type.fields())


def fill_count(low, limit):
    """Bytes of 0xa5 from the stack's lowest address up, as FreeRTOS's
    prvTaskCheckFreeStackSpace() counts them (through the context too:
    registers a task never set still hold the fill)."""
    data = gdb.selected_inferior().read_memory(low, limit).tobytes()
    n = 0
    while n < len(data) and data[n] == 0xA5:
        n += 1
    return n


def ram_left(addr):
    return RAM_END - addr if RAM_BASE <= addr < RAM_END else 0


def task_line(tcb, with_end):
    name = member(tcb, "pcTaskName").string()
    prio = int(member(tcb, "uxPriority"))
    top = int(member(tcb, "pxTopOfStack").cast(gdb.lookup_type("unsigned int")))
    stack = int(member(tcb, "pxStack").cast(gdb.lookup_type("unsigned int")))
    limit = ram_left(stack)
    fields = [f"task {tcb:#x}", f"prio={prio}", f"top={top:#x}",
              f"stack={stack:#x}",
              f"unused={fill_count(stack, limit) if limit else 0}"]
    if with_end:
        end = int(member(tcb, "pxEndOfStack").cast(gdb.lookup_type("unsigned int")))
        fields.append(f"end={end:#x}")
    # Last: the rest of the line, spaces and all.
    fields.append(f"name={name}")
    return " ".join(fields)


def context_lines(tcb):
    rec = saved.get(tcb)
    if not rec:
        return []
    f = rec["frame"]
    regs = dict(rec["regs"])
    # r0-r3 and r12 from the frame: a handler tail-chained before PendSV
    # (SysTick) may have changed them in the CPU, not the callee-saved ones.
    for r in ("r0", "r1", "r2", "r3", "r12"):
        regs[r] = f[r]
    extended = not rec["exc_return"] & 0x10
    sp = rec["psp"] + (0x68 if extended else 0x20)
    if f["xpsr"] & (1 << 9):
        sp += 4
    fields = [f"regs {tcb:#x}"] + [f"r{i}={regs[f'r{i}']:#x}" for i in range(13)]
    fields += [f"sp={sp:#x}", f"lr={f['lr']:#x}", f"pc={f['pc']:#x}",
               f"xpsr={f['xpsr']:#x}", f"exc_return={rec['exc_return']:#x}",
               f"psp={rec['psp']:#x}"]
    lines = [" ".join(fields)]
    if "fp" in rec and extended:
        lines.append(" ".join([f"fp {tcb:#x}"] +
                              [f"{k}={v:#x}" for k, v in rec["fp"].items()]))
    return lines


def snapshot():
    with_end = has_member("pxEndOfStack")
    current = int(gdb.parse_and_eval("(unsigned int)pxCurrentTCB"))
    count = int(gdb.parse_and_eval("uxCurrentNumberOfTasks"))
    n = int(gdb.parse_and_eval("fixture_nhandles"))
    lines = [f"memory ram {RAM_BASE:#x} {RAM_SIZE:#x}",
             f"memory code {CODE_BASE:#x} {CODE_SIZE:#x}",
             f"current {current:#x}", f"ntasks {count}"]
    for name in OBJECTS:
        addr = int(gdb.parse_and_eval(f"(unsigned int){name}"))
        lines.append(f"object {name} {addr:#x}")
    for i in range(n):
        tcb = int(gdb.parse_and_eval(f"(unsigned int)fixture_handles[{i}]"))
        lines.append(task_line(tcb, with_end))
        lines += context_lines(tcb)
    with open(OUT, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")


def main():
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    port = int(gdb.parse_and_eval("$rec_port"))
    gdb.execute(f"target remote tcp:127.0.0.1:{port}")
    PendSVAfterMrs(f"*((char *){os.environ['REC_PENDSV']} + 4)",
                   internal=True)
    gdb.Breakpoint("fixture_snapshot")
    gdb.Breakpoint("fixture_fault")
    gdb.execute("continue")
    where = gdb.selected_frame().name()
    if where != "fixture_snapshot":
        raise gdb.GdbError(f"stopped in {where}, not at fixture_snapshot "
                           f"(assert: {gdb.parse_and_eval('fixture_assert_file')}:"
                           f"{gdb.parse_and_eval('fixture_assert_line')})")
    print(f"record_gdb: {hits} context switches")
    snapshot()
    # Through the CPU, as it sees them: on mps2-an505 the secure aliases
    # are not in the machine's physical map, which pmemsave reads.
    for path, base, size in ((os.environ["REC_CODE"], CODE_BASE, CODE_SIZE),
                             (os.environ["REC_RAM"], RAM_BASE, RAM_SIZE)):
        gdb.execute(f"dump binary memory {path} {base:#x} {base + size:#x}")
    gdb.execute("kill")


try:
    main()
except (gdb.error, RuntimeError, TypeError, ValueError) as e:
    print(f"record_gdb: {e}")
    gdb.execute("quit 1")
