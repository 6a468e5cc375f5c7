#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""check_firmware_build.py - the reference firmware code builds where
formats/firmware/README.md says it does.

    check_firmware_build.py --mode build --cpu cortex-m0 --source DIR --workdir DIR
    check_firmware_build.py --mode headers --source DIR --workdir DIR
    check_firmware_build.py --mode freertos --source DIR --workdir DIR
                            [--freertos DIR]

build: rproc_fault_entry.S, rproc_fault.c, rproc_trace.c and the examples
compile for the CPU as C99 and C11 with -Wall -Wextra -Wpedantic -Werror,
and link with a CMSIS startup file, without libc (-nostdlib, libgcc only),
every symbol defined; the CMSIS fault handlers are rproc_fault_entry (only
HardFault on ARMv6-M, which has no other fault), and
rproc_crash_enable_faults() touches nothing on ARMv6-M.

headers: every firmware header compiles, used, as C99, C11 and C++11,
pedantic, with arm-none-eabi-gcc/g++ and the host's gcc/g++; C++ objects
call the C functions by their C names; RPROC_STATIC_ASSERT stops a false
assertion in every language mode.

freertos: rproc_freertos.c and a FreeRTOS application (app.c, the guide's
vector table) build and link against the FreeRTOS-Kernel ports ARM_CM0,
ARM_CM3 and ARM_CM4F with the configASSERT rproc_freertos.h defines. Exits
77 (skipped) when no FreeRTOS-Kernel is found.

Prints every failed check; exits 1 if there was one.
"""
import argparse
import os
import shutil
import subprocess
import sys

SKIP = 77
WARNINGS = ["-Wall", "-Wextra", "-Wpedantic", "-Werror"]
CPUS = {
    "cortex-m0": ["-mcpu=cortex-m0"],
    "cortex-m0plus": ["-mcpu=cortex-m0plus"],
    "cortex-m3": ["-mcpu=cortex-m3"],
    "cortex-m4": ["-mcpu=cortex-m4", "-mfloat-abi=hard",
                  "-mfpu=fpv4-sp-d16"],
    "cortex-m7": ["-mcpu=cortex-m7"],
    "cortex-m33": ["-mcpu=cortex-m33"],
}
ARMV6M = ("cortex-m0", "cortex-m0plus")
FREERTOS_PORTS = {
    "ARM_CM0": ("cortex-m0", ["portasm.c"]),
    "ARM_CM3": ("cortex-m3", []),
    "ARM_CM4F": ("cortex-m4", []),
}

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def compile_ok(cmd, what):
    res = run(cmd)
    if res.returncode != 0:
        fail("%s: %s\n%s%s" % (what, " ".join(cmd), res.stdout, res.stderr))
        return False
    return True


def symbols(nm, path):
    """{name: (value, type letter)} of an object or ELF file."""
    out = run([nm, path]).stdout
    syms = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3:
            syms[fields[2]] = (int(fields[0], 16), fields[1])
        elif len(fields) == 2:
            syms[fields[1]] = (None, fields[0])
    return syms


def symbol_sizes(nm, path):
    out = run([nm, "-S", path]).stdout
    sizes = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4:
            sizes[fields[3]] = int(fields[1], 16)
    return sizes


def tool(args, name):
    path = shutil.which(args.prefix + name)
    if not path:
        print("SKIP: %s%s not found (Debian: gcc-arm-none-eabi "
              "libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib)" %
              (args.prefix, name))
        sys.exit(SKIP)
    return path


def includes(src):
    return ["-I" + os.path.join(src, "formats", "firmware"),
            "-I" + os.path.join(src, "formats", "include")]


def check_build(args):
    cc, nm = tool(args, "gcc"), tool(args, "nm")
    src, fw = args.source, os.path.join(args.source, "formats", "firmware")
    examples = os.path.join(fw, "examples")
    cpu = CPUS[args.cpu] + ["-mthumb"]
    sources = [os.path.join(fw, "rproc_fault_entry.S"),
               os.path.join(fw, "rproc_fault.c"),
               os.path.join(fw, "rproc_trace.c"),
               os.path.join(examples, "resource_table.c"),
               os.path.join(examples, "main.c"),
               os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "startup_cmsis.S")]
    flags = cpu + WARNINGS + ["-O2", "-g", "-ffreestanding",
                              "-DRPROC_FAULT_CMSIS_HANDLERS",
                              "-DRPROC_FAULT_CMSIS_NMI",
                              "-I" + examples] + includes(src)
    for std in ("c99", "c11"):
        objs = []
        for path in sources:
            obj = os.path.join(args.workdir, "%s-%s.o" % (
                os.path.basename(path).replace(".", "_"), std))
            if not compile_ok([cc] + flags + ["-std=" + std, "-c", path,
                                              "-o", obj],
                              "%s %s" % (std, os.path.basename(path))):
                return
            objs.append(obj)
        elf = os.path.join(args.workdir, "fw-%s.elf" % std)
        # No libc: the handler and the trace writer are freestanding.
        if not compile_ok([cc] + cpu + ["-nostdlib", "-nostartfiles",
                                        "-Wl,-e,Reset_Handler",
                                        "-Wl,--no-undefined",
                                        "-Wl,--fatal-warnings", "-o", elf] +
                          objs + ["-lgcc"], "%s link" % std):
            return
    syms = symbols(nm, elf)
    entry = syms.get("rproc_fault_entry", (None, None))[0]
    if entry is None:
        fail("the firmware has no rproc_fault_entry")
        return
    wanted = ["HardFault_Handler", "NMI_Handler"]
    if args.cpu not in ARMV6M:
        wanted += ["MemManage_Handler", "BusFault_Handler",
                   "UsageFault_Handler"]
    for name in wanted:
        if syms.get(name, (None,))[0] != entry:
            fail("%s is not rproc_fault_entry (%s, entry %#x)" %
                 (name, syms.get(name), entry))
    for name in ("SVC_Handler", "PendSV_Handler", "SysTick_Handler"):
        if syms.get(name, (None,))[0] == entry:
            fail("%s is rproc_fault_entry: it belongs to the RTOS" % name)
    for name in ("rproc_crash_raise", "rproc_crash_assert",
                 "rproc_crash_from_frame", "rproc_crash_record"):
        if name not in syms:
            fail("%s missing from the firmware" % name)
    # ARMv6-M has no SHCSR or CCR.DIV_0_TRP: the function must be empty.
    size = symbol_sizes(nm, elf).get("rproc_crash_enable_faults")
    if size is None:
        fail("no rproc_crash_enable_faults")
    elif args.cpu in ARMV6M and size > 2:
        fail("rproc_crash_enable_faults is %d bytes on ARMv6-M, which has "
             "nothing to enable" % size)
    elif args.cpu not in ARMV6M and size <= 2:
        fail("rproc_crash_enable_faults is empty on %s" % args.cpu)


def check_headers(args):
    src = args.source
    here = os.path.dirname(os.path.abspath(__file__))
    unit = os.path.join(here, "headers.c")
    compilers = []
    for prefix, target in ((args.prefix, ["-mcpu=cortex-m3", "-mthumb"]),
                           ("", [])):
        for lang, name, stds in (("c", "gcc", ("c99", "c11")),
                                 ("c++", "g++", ("c++11",))):
            path = shutil.which(prefix + name)
            if not path:
                print("SKIP: %s%s not found" % (prefix, name))
                sys.exit(SKIP)
            for std in stds:
                compilers.append((prefix + name, std,
                                  [path, "-x", lang] + target +
                                  ["-std=" + std] + WARNINGS))
    for label, std, cmd in compilers:
        what = "%s -std=%s" % (label, std)
        obj = os.path.join(args.workdir, "headers-%s-%s.o" % (label, std))
        if not compile_ok(cmd + includes(src) + ["-c", unit, "-o", obj], what):
            continue
        nm = shutil.which(label.rsplit("-", 1)[0] + "-nm"
                          if "-" in label else "nm")
        syms = symbols(nm, obj)
        for name in ("rproc_crash_raise", "rproc_crash_assert",
                     "rproc_crash_from_frame", "rproc_trace_init",
                     "rproc_trace_printf", "rproc_crash_enable_faults"):
            if name not in syms:
                fail("%s: no reference to %s by its C name (extern \"C\"?): "
                     "%s" % (what, name, sorted(syms)))
        res = run(cmd + includes(src) + ["-DRPD_HEADERS_STATIC_ASSERT_FAILS",
                                         "-c", unit, "-o", obj + ".bad"])
        if res.returncode == 0:
            fail("%s: RPROC_STATIC_ASSERT let a false assertion compile" %
                 what)
        elif "headers_must_fail" not in res.stderr:
            fail("%s: the false assertion failed without naming itself:\n%s"
                 % (what, res.stderr))


def find_freertos(args):
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [args.freertos, os.environ.get("RPD_FREERTOS_KERNEL_DIR"),
                  os.path.join(args.source, "..", "shared", "third_party",
                               "FreeRTOS-Kernel"),
                  "/work/shared/third_party/FreeRTOS-Kernel"]
    for path in candidates:
        if path and os.path.isfile(os.path.join(path, "include",
                                                "FreeRTOS.h")):
            return os.path.abspath(path), here
    print("SKIP: no FreeRTOS-Kernel (tried -DRPD_FREERTOS_KERNEL_DIR, "
          "$RPD_FREERTOS_KERNEL_DIR, %s): the FreeRTOS integration is not "
          "checked" % ", ".join(p for p in candidates[2:] if p))
    sys.exit(SKIP)


def check_freertos(args):
    kernel, here = find_freertos(args)
    cc, nm = tool(args, "gcc"), tool(args, "nm")
    fw = os.path.join(args.source, "formats", "firmware")
    config = os.path.join(here, "freertos")
    for port, (cpu, extra) in sorted(FREERTOS_PORTS.items()):
        port_dir = os.path.join(kernel, "portable", "GCC", port)
        if not os.path.isdir(port_dir):
            fail("FreeRTOS-Kernel at %s has no port %s" % (kernel, port))
            continue
        flags = CPUS[cpu] + ["-mthumb", "-std=c99", "-O2", "-g",
                             "-ffreestanding", "-I" + config,
                             "-I" + os.path.join(kernel, "include"),
                             "-I" + port_dir] + includes(args.source)
        ours = [os.path.join(config, "app.c"),
                os.path.join(fw, "rproc_freertos.c")]
        kernel_sources = [os.path.join(kernel, f) for f in
                          ("tasks.c", "queue.c", "list.c")] + \
            [os.path.join(port_dir, f) for f in ["port.c"] + extra]
        objs = []
        ok = True
        # Our files must be warning-free; the kernel's are not ours.
        for path in ours:
            obj = os.path.join(args.workdir, "%s-%s.o" %
                               (port, os.path.basename(path)))
            ok &= compile_ok([cc] + flags + WARNINGS + ["-c", path, "-o", obj],
                             "%s %s" % (port, os.path.basename(path)))
            objs.append(obj)
        for path in kernel_sources + [
                os.path.join(kernel, "portable", "MemMang", "heap_4.c"),
                os.path.join(fw, "rproc_fault.c"),
                os.path.join(fw, "rproc_fault_entry.S")]:
            obj = os.path.join(args.workdir, "%s-%s.o" %
                               (port, os.path.basename(path)))
            ok &= compile_ok([cc] + flags + ["-c", path, "-o", obj],
                             "%s %s" % (port, os.path.basename(path)))
            objs.append(obj)
        if not ok:
            continue
        elf = os.path.join(args.workdir, "freertos-%s.elf" % port)
        if not compile_ok([cc] + CPUS[cpu] + ["-mthumb", "-nostartfiles",
                                              "--specs=nano.specs",
                                              "-Wl,-e,Reset_Handler",
                                              "-Wl,--no-undefined",
                                              "-o", elf] + objs,
                          "%s link" % port):
            continue
        # configASSERT is ours wherever the kernel asserts.
        port_obj = os.path.join(args.workdir, "%s-port.c.o" % port)
        if "rproc_crash_assert" not in symbols(nm, port_obj):
            fail("%s: port.c does not call rproc_crash_assert: configASSERT "
                 "is not rproc_freertos.h's" % port)
        syms = symbols(nm, elf)
        for name in ("vApplicationStackOverflowHook",
                     "vApplicationMallocFailedHook"):
            if syms.get(name, (None, "U"))[1] not in ("T", "t"):
                fail("%s: %s is not defined by rproc_freertos.c" %
                     (port, name))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("build", "headers", "freertos"),
                    required=True)
    ap.add_argument("--cpu", choices=sorted(CPUS))
    ap.add_argument("--source", required=True, help="the project's sources")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--prefix", default="arm-none-eabi-")
    ap.add_argument("--freertos", help="a FreeRTOS-Kernel tree")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    if args.mode == "build":
        if not args.cpu:
            ap.error("--mode build needs --cpu")
        check_build(args)
    elif args.mode == "headers":
        check_headers(args)
    else:
        check_freertos(args)
    if FAILURES:
        return 1
    print("%s%s: ok" % (args.mode, " " + args.cpu if args.cpu else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
