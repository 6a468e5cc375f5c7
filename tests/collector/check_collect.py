#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""rproc-collect --devcd against a fake sysfs tree: the collection path of
every trigger, its policies and its faults.

    check_collect.py --collect BIN --dwfl BIN --recorded DIR [--other DIR]
                     --workdir DIR CASE

The fake tree is what Linux shows after a remote crashed:
class/devcoredump/devcdN links to devices/virtual/devcoredump/devcdN, whose
failing_device links to devices/platform/<rproc>/remoteproc/remoteprocN,
whose subsystem links to class/remoteproc; attributes are regular files.
The kernel's "release" (a write to data) shows as data's first byte turning
into "1". DIR is a recording of the test firmware (tests/fixtures/harness); --other
is the same scenario built at the other optimisation level ("another
build"). Cases needing a small or read-only filesystem mount a tmpfs in a
private mount namespace (unshare -m): they need root and fail without it.
"""
import argparse
import fcntl
import glob
import gzip
import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time

from rpdtest import core_check
from rpdtest.dumpgen import MIB, make_dump, patched_layout
from rpdtest.elf_image import RPROC_NT_INFO, elf_notes, elf_phdrs

NAME_RE = re.compile(r"^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.(\d{8}T\d{6}Z)"
                     r"\.([0-9a-f]{8})(\.\d+)?\.core\.gz$")
ARGS = None


class Failed(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failed(msg)


# ---- the fake sysfs -------------------------------------------------------

class World:
    """A scratch directory: sysfs tree, store, firmware dir, config."""

    def __init__(self, name):
        self.dir = os.path.join(ARGS.workdir, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.sys = os.path.join(self.dir, "sys")
        self.store = os.path.join(self.dir, "store")
        self.fw = os.path.join(self.dir, "firmware")
        self.config = os.path.join(self.dir, "rproc-collect.conf")
        for d in (self.sys, self.fw):
            os.makedirs(d)
        for d in ("class/remoteproc", "class/devcoredump", "class/net"):
            os.makedirs(os.path.join(self.sys, d))
        self.settings = {"StorageDir": self.store, "FirmwarePath": self.fw}
        self.write_config()

    def write_config(self, **kw):
        self.settings.update(kw)
        with open(self.config, "w") as f:
            f.write("[Collect]\n")
            for k, v in self.settings.items():
                f.write("%s=%s\n" % (k, v))

    def rproc_dir(self, index):
        return os.path.join(self.sys, "devices/platform/rproc%d/remoteproc/"
                            "remoteproc%d" % (index, index))

    def add_remoteproc(self, index, name, firmware="test-fw.elf",
                       state="crashed", recovery="enabled"):
        d = self.rproc_dir(index)
        os.makedirs(d)
        for attr, value in (("name", name), ("firmware", firmware),
                            ("state", state), ("recovery", recovery)):
            self.set_attr(index, attr, value)
        os.symlink("../../../../class/remoteproc",
                   os.path.join(d, "subsystem"))
        os.symlink(os.path.relpath(d, os.path.join(self.sys,
                                                   "class/remoteproc")),
                   os.path.join(self.sys, "class/remoteproc",
                                "remoteproc%d" % index))
        return d

    def set_attr(self, index, attr, value):
        with open(os.path.join(self.rproc_dir(index), attr), "w") as f:
            f.write(value + "\n")

    def attr(self, index, attr):
        with open(os.path.join(self.rproc_dir(index), attr)) as f:
            return f.read().strip()

    def add_netdev(self, name):
        d = os.path.join(self.sys, "devices/pci0000:00/0000:00:1c.0", name)
        os.makedirs(d)
        os.symlink("../../../class/net", os.path.join(d, "subsystem"))
        return d

    def add_devcd(self, n, failing_device, data_src, length=None):
        """devcdN whose data is data_src (cut to length bytes)."""
        d = os.path.join(self.sys, "devices/virtual/devcoredump/devcd%d" % n)
        os.makedirs(d)
        os.symlink(os.path.relpath(failing_device, d),
                   os.path.join(d, "failing_device"))
        os.symlink("../../devices/virtual/devcoredump/devcd%d" % n,
                   os.path.join(self.sys, "class/devcoredump/devcd%d" % n))
        with open(data_src, "rb") as src, \
                open(os.path.join(d, "data"), "wb") as dst:
            if length is None:
                shutil.copyfileobj(src, dst)
            else:
                dst.write(src.read(length))
        return os.path.join(d, "data")

    def add_firmware(self, name="test-fw.elf", recorded=None):
        shutil.copyfile(os.path.join(recorded or ARGS.recorded, "fw.elf"),
                        os.path.join(self.fw, name))

    def cores(self):
        if not os.path.isdir(self.store):
            return []
        return sorted(n for n in os.listdir(self.store)
                      if n.endswith(".core.gz"))

    def hidden(self):
        return sorted(n for n in os.listdir(self.store)
                      if n.startswith(".") and not n.startswith(".crashes."))

    def start(self, devcd, wrap=None, env=None):
        env = dict(os.environ, RPROC_COLLECT_SYSFS=self.sys, **(env or {}))
        cmd = [ARGS.collect, "--config", self.config, "--devcd", devcd]
        return subprocess.Popen((wrap or []) + cmd, env=env, text=True,
                                stderr=subprocess.PIPE)

    def collect(self, devcd, wrap=None, expect=0, env=None):
        proc = self.start(devcd, wrap, env)
        _, log = proc.communicate(timeout=300)
        sys.stderr.write(log)
        check(proc.returncode == expect,
              "rproc-collect --devcd %s: exit %d, expected %d" %
              (devcd, proc.returncode, expect))
        return log


def released(data):
    with open(data, "rb") as f:
        return f.read(1) == b"1"


def recorded_dump():
    return os.path.join(ARGS.recorded, "dump.elf")


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def in_private_tmpfs(world, size, ro=False):
    """Runs the rest of the case again inside unshare -m over a tmpfs."""
    if os.geteuid() != 0:
        raise Failed("this case mounts a tmpfs in a private mount "
                     "namespace and needs root (run ctest as root)")
    return ["unshare", "-m", "--propagation", "private", "sh", "-ec",
            'mkdir -p "$0" && mount -t tmpfs -o size=%s,mode=0700 tmpfs "$0"'
            ' && %s exec "$@"' % (size, 'mount -o remount,ro "$0" &&'
                                  if ro else ""),
            world.store]


def run_script(world, wrap, script, *args):
    """Runs sh script args... inside wrap (in_private_tmpfs(): the store's
    tmpfs lives as long as the script) with world's fake sysfs and
    $RPROC_COLLECT; fails unless it exits 0. Returns its standard error."""
    env = dict(os.environ, RPROC_COLLECT_SYSFS=world.sys,
               RPROC_COLLECT=ARGS.collect)
    res = subprocess.run(wrap + ["sh", script] + list(args), env=env,
                         text=True, stderr=subprocess.PIPE, timeout=300)
    sys.stderr.write(res.stderr)
    check(res.returncode == 0, "the test script failed")
    return res.stderr


def check_stored_core(world, name, recorded=None):
    """Name, mode, container, and the GDB/libdwfl checks of core_check."""
    recorded = recorded or ARGS.recorded
    path = os.path.join(world.store, name)
    check(NAME_RE.match(name), "stored name %r does not follow the "
          "documented pattern" % name)
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    check(mode == 0o600, "%s has mode %o, expected 600" % (name, mode))
    smode = stat.S_IMODE(os.stat(world.store).st_mode)
    check(smode == 0o700, "store has mode %o, expected 700" % smode)
    import json
    with open(os.path.join(recorded, "truth.json")) as f:
        truth = json.load(f)
    work = os.path.join(world.dir, "check-" + name)
    os.makedirs(work, exist_ok=True)
    core = os.path.join(work, "stored.core.gz")
    shutil.copyfile(path, core)
    core_check.FAILURES.clear()
    args = argparse.Namespace(format="gz", dwfl=ARGS.dwfl)
    plain = core_check.inflate(args, core)
    core_check.check_readelf(plain)
    core_check.check_gdb(truth, os.path.join(recorded, "fw.elf"), plain)
    core_check.check_dwfl(args, truth, os.path.join(recorded, "fw.elf"),
                          plain)
    check(not core_check.FAILURES, "stored core fails the GDB/libdwfl "
          "checks: %s" % core_check.FAILURES)


def inflated(path):
    with gzip.open(path, "rb") as z:
        return z.read()


def big_dump(world, mib, name="big.elf"):
    path = os.path.join(world.dir, name)
    make_dump(path, mib)
    return path


# ---- cases ----------------------------------------------------------------

def case_stored(w):
    """A remoteproc's dump is spooled, released, stored and checks out."""
    w.add_firmware()
    data = w.add_devcd(3, w.add_remoteproc(0, "m3"), recorded_dump())
    log = w.collect("devcd3")
    check(released(data), "the dump was not released (data not written)")
    check(re.search(r"remoteproc0 \(m3\): dump devcd3 spooled \(.* MiB in "
                    r".* s\), released", log), "no 'spooled, released' line")
    check(re.search(r"m3: stored .*core\.gz \(.*\): firmware match, "
                    r"registers from the crash record", log),
          "no 'stored ... firmware match, registers' line")
    cores = w.cores()
    check(len(cores) == 1, "expected one stored core, found %s" % cores)
    check(cores[0].startswith("m3.test-fw_elf."),
          "firmware name not sanitized in %s" % cores[0])
    check(not w.hidden(), "spool files left: %s" % w.hidden())
    check_stored_core(w, cores[0])


def case_debug(w):
    """RPROC_LOG_LEVEL=debug (and --debug) log the decisions: where the
    firmware was found, where the registers are looked for, the size the
    dump declares against the room; without it, none of that."""
    w.add_firmware()
    w.add_devcd(3, w.add_remoteproc(0, "m3"), recorded_dump())
    quiet = w.collect("devcd3")
    w.add_devcd(4, w.add_remoteproc(1, "m3"), recorded_dump())
    loud = w.collect("devcd4", env={"RPROC_LOG_LEVEL": "debug"})
    wants = [r"firmware 'test-fw\.elf': found %s/test-fw\.elf" %
             re.escape(w.fw),
             r"m3: firmware %s/test-fw\.elf, build-id [0-9a-f]{40}, "
             r"1 trace buffer\(s\)" % re.escape(w.fw),
             r"m3: registers: the crash record at 0x[0-9a-f]+ \(\d+ bytes\)",
             r"m3: dump devcd4 declares \d+ bytes, the store has room for \d+"]
    for want in wants:
        check(re.search(want, loud), "debug: no line %r" % want)
        check(not re.search(want.replace("devcd4", "devcd3"), quiet),
              "logged without debug: %r" % want)
    check(len(w.cores()) == 2, "expected two cores: %s" % w.cores())
    # --debug on the command line, for --input.
    res = subprocess.run([ARGS.collect, "--debug", "--input",
                          os.path.join(ARGS.recorded, "dump.elf"),
                          "--firmware", os.path.join(w.fw, "test-fw.elf"),
                          "--output", os.path.join(w.dir, "in.core")],
                         capture_output=True, text=True)
    check(res.returncode == 0 and
          re.search(r"registers: the crash record at 0x", res.stderr),
          "--input --debug: %d %r" % (res.returncode, res.stderr))


def case_other_device(w):
    """Another device's dump is left alone: not read, not released."""
    data = w.add_devcd(4, w.add_netdev("wlan0"), recorded_dump())
    before = sha(data)
    log = w.collect("devcd4")
    check(sha(data) == before, "another device's dump was written to")
    check("failing device is not a remoteproc (net/wlan0), left for other "
          "collectors" in log, "no log line for the other device")
    check(not w.cores(), "something was stored for another device")


def case_recovery(w):
    """Recover=yes restarts a crashed remote until it crash-loops."""
    w.add_firmware()
    w.write_config(Recover="yes", CrashLoopMax=2, CrashLoopMinutes=10)
    w.add_remoteproc(0, "m3", state="crashed", recovery="disabled")
    for n in range(1, 4):
        w.set_attr(0, "recovery", "disabled")
        data = w.add_devcd(n, w.rproc_dir(0), recorded_dump())
        log = w.collect("devcd%d" % n)
        check(released(data), "devcd%d was not released" % n)
        if n <= 2:
            check(w.attr(0, "recovery") == "recover",
                  "crash %d: recovery was not asked for" % n)
            check("asked for recovery" in log, "no recovery log line")
        else:
            check(w.attr(0, "recovery") == "disabled",
                  "crash 3 of a loop: recovery was asked for")
            check("3 crashes in 10 min: not recovering; the remote stays "
                  "halted for inspection" in log, "no crash-loop log line")
    with open(os.path.join(w.store, ".crashes.m3")) as f:
        check(len(f.read().split()) == 3, "crash history lacks crashes")
    check(len(w.cores()) == 3, "expected three cores, got %s" % w.cores())

    # Recover=no: the remote stays crashed, and the log says why.
    w.write_config(Recover="no")
    w.set_attr(0, "recovery", "disabled")
    w.add_devcd(9, w.rproc_dir(0), recorded_dump())
    log = w.collect("devcd9")
    check(w.attr(0, "recovery") == "disabled", "Recover=no recovered")
    check("recovery is disabled and Recover=no" in log, "no Recover=no line")


def case_leftovers(w):
    """A spool left by a killed collector is finished by the next one."""
    w.add_firmware()
    w.write_config(CompressLevel=9, CompressThreads=1)
    w.add_remoteproc(0, "m3")
    w.add_remoteproc(1, "dsp", firmware="none.elf")
    src = big_dump(w, 64)
    data = w.add_devcd(1, w.rproc_dir(1), src)
    proc = w.start("devcd1")
    for line in proc.stderr:
        sys.stderr.write(line)
        if "released" in line:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait()
    check(proc.returncode == -signal.SIGKILL,
          "the collector ended before it could be killed after release")
    check(released(data), "killed after 'released' but data not written")
    left = w.hidden()
    check(any(n.endswith(".meta") for n in left) and
          any(".spool" in n for n in left), "no spool left: %s" % left)
    check(not w.cores(), "a core appeared although the collector was killed")

    # A spool whose owner still runs (holds the lock) is not touched.
    meta = [n for n in left if n.endswith(".meta")][0]
    with open(os.path.join(w.store, meta)) as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        w.add_devcd(2, w.rproc_dir(0), recorded_dump())
        w.collect("devcd2")
        check(set(left) <= set(w.hidden()), "a locked spool was touched")
    # Unlocked: the next collection finishes it.
    w.add_devcd(3, w.rproc_dir(0), recorded_dump())
    log = w.collect("devcd3")
    check("dsp: finishing dump devcd1 that an earlier collection spooled"
          in log, "no log line for the leftover")
    check(not w.hidden(), "spool files left: %s" % w.hidden())
    dsp = [c for c in w.cores() if c.startswith("dsp.")]
    check(len(dsp) == 1, "leftover not stored: %s" % w.cores())
    core = inflated(os.path.join(w.store, dsp[0]))
    with open(src, "rb") as f:
        f.seek(-MIB, os.SEEK_END)
        check(core.endswith(f.read()), "the leftover core lacks the dump's "
              "last bytes")
    # Idempotent: nothing left to do, nothing done twice.
    w.add_devcd(4, w.rproc_dir(0), recorded_dump())
    log = w.collect("devcd4")
    check("finishing" not in log, "a leftover was finished twice")
    check(len([c for c in w.cores() if c.startswith("dsp.")]) == 1,
          "the leftover was stored twice")


def case_hostile_spool_meta(w):
    """Spool metadata steers no name: a leftover whose metadata has a bad
    field is reported (file and field named) and left as it is."""
    w.add_firmware()
    w.add_remoteproc(0, "m3")
    w.add_devcd(2, w.rproc_dir(0), recorded_dump())
    w.collect("devcd2")  # creates the store
    check(not w.hidden(), "spool files after a clean run: %s" % w.hidden())

    # base=../escape with a plausible spool name: on main, the dump was
    # stored as ../escape.core.gz, outside the store.
    planted = {}
    def plant(name, text):
        with open(os.path.join(w.store, name), "w") as f:
            f.write(text)
    with open(recorded_dump(), "rb") as f:
        raw = f.read()
    with open(os.path.join(w.store, ".m3.devcd7.spool"), "wb") as f:
        f.write(raw)
    plant(".m3.devcd7.meta",
          "base=../escape\nremote=m3\nfirmware=fw.elf\ndevice=remoteproc0\n"
          "devcd=devcd7\nkernel_release=6.1\ncrash_time=1\n"
          "spool=.m3.devcd7.spool\n")
    # spool= naming a hidden file that is no spool: on main, it was taken
    # as the spool's bytes, moved to m3-victim.devcd and the metadata
    # removed.
    with open(os.path.join(w.store, ".victim"), "wb") as f:
        f.write(b"not a spool\n")
    plant(".m3-victim.devcd8.meta",
          "base=m3-victim\nremote=m3\nfirmware=fw.elf\n"
          "device=remoteproc0\ndevcd=devcd8\nkernel_release=6.1\n"
          "crash_time=1\nspool=.victim\n")
    for n in w.hidden():
        planted[n] = sha(os.path.join(w.store, n))
    outside = sorted(os.listdir(w.dir))
    cores = w.cores()

    for devcd in (3, 4):  # twice: a rejected leftover stays rejected
        w.add_devcd(devcd, w.rproc_dir(0), recorded_dump())
        log = w.collect("devcd%d" % devcd)
        escaped = glob.glob(os.path.join(w.dir, "escape*"))
        check(not escaped, "a spool was stored outside the store: %s" %
              escaped)
        check(sorted(os.listdir(w.dir)) == outside,
              "files appeared outside the store: %s" %
              (set(os.listdir(w.dir)) - set(outside)))
        for n, digest in planted.items():
            p = os.path.join(w.store, n)
            check(os.path.exists(p) and sha(p) == digest,
                  "the leftover file %s was touched" % n)
        check("%s/.m3.devcd7.meta: invalid spool metadata field 'base'" %
              w.store in log, "no log line naming the file and 'base'")
        check("%s/.m3-victim.devcd8.meta: invalid spool metadata field "
              "'spool'" % w.store in log,
              "no log line naming the file and 'spool'")
        check("finishing" not in log, "a hostile leftover was finished")
        new = set(w.cores()) - set(cores)
        check(len(new) == 1 and all(c.startswith("m3.") for c in new),
              "the fresh dump not stored alone: %s" % sorted(new))
        check(not [n for n in os.listdir(w.store) if n.endswith(".devcd")
                   or n.endswith(".devcd.gz")],
              "a leftover was kept as read: %s" % os.listdir(w.store))
        cores = w.cores()


def case_disk_full(w):
    """A dump larger than the filesystem: not released, nothing partial."""
    w.add_firmware()
    w.write_config(MaxUse="infinity", KeepFree=0)
    wrap = in_private_tmpfs(w, "4m")
    w.add_remoteproc(0, "m3")
    big = big_dump(w, 24)
    data1 = w.add_devcd(1, w.rproc_dir(0), recorded_dump())
    data2 = w.add_devcd(2, w.rproc_dir(0), big)
    # Both collections in one namespace: the first fills a little of the
    # tmpfs, the second does not fit.
    script = os.path.join(w.dir, "both.sh")
    with open(script, "w") as f:
        f.write('"$@" --devcd devcd1 && ls -la "%s" >&2 && '
                '{ "$@" --devcd devcd2; echo "second: $?" >&2; }; '
                'ls -la "%s" >&2; for c in "%s"/*.core.gz; do '
                'gunzip -t "$c" || echo "BROKEN $c" >&2; done\n'
                % (w.store, w.store, w.store))
    log = run_script(w, wrap, script, ARGS.collect, "--config", w.config)
    check(released(data1), "the first dump was not released")
    check("second: 1" in log, "the second collection did not exit 1")
    check(re.search(r"m3: dump devcd2 not collected: .*No space left on "
                    r"device; it stays in the kernel", log),
          "no clear log line for the full disk")
    check(not released(data2), "a dump that was not stored was released")
    check("BROKEN" not in log, "a stored core is broken")
    listing = log.split("second: 1")[1]
    check(len(re.findall(r"\.core\.gz", listing)) == 1 and
          ".spool" not in listing and ".meta" not in listing and
          ".#" not in listing,
          "the store holds more than the first core:\n" + listing)


def case_unwritable(w):
    """A read-only store: the dump is left in the kernel, exit 1."""
    w.add_firmware()
    w.add_remoteproc(0, "m3")
    data = w.add_devcd(1, w.rproc_dir(0), recorded_dump())
    log = w.collect("devcd1", wrap=in_private_tmpfs(w, "4m", ro=True),
                    expect=1)
    check(re.search(r"dump devcd1 not collected: .*Read-only file system",
                    log), "no clear log line for the read-only store")
    check(not released(data), "a dump that was not stored was released")

    # A store that is a symbolic link is refused, not followed.
    elsewhere = os.path.join(w.dir, "elsewhere")
    os.makedirs(elsewhere)
    link = os.path.join(w.dir, "store-link")
    os.symlink(elsewhere, link)
    w.write_config(StorageDir=link)
    log = w.collect("devcd1", expect=1)
    check("not a directory (a symbolic link?)" in log,
          "no clear log line for the symlinked store")
    check(not os.listdir(elsewhere), "wrote through the symlinked store")


def case_firmware_missing(w):
    """No firmware: stored anyway, and the log and core say so."""
    w.add_remoteproc(0, "m3", firmware="not-installed.elf")
    w.add_devcd(1, w.rproc_dir(0), recorded_dump())
    log = w.collect("devcd1")
    check(re.search(r"firmware 'not-installed.elf' not found in .*: storing "
                    r"the dump without firmware", log),
          "no log line for the missing firmware")
    check(re.search(r"stored .*: firmware missing", log),
          "stored line does not say the firmware is missing")
    check(len(w.cores()) == 1, "nothing stored")
    check(inflated(os.path.join(w.store, w.cores()[0]))[:4] == b"\x7fELF",
          "the stored core is not an ELF file")


def case_firmware_other_build(w):
    """The firmware of another build: stored without using its layout."""
    check(ARGS.other, "--other is required for this case")
    w.add_firmware(recorded=ARGS.other)
    w.add_remoteproc(0, "m3")
    w.add_devcd(1, w.rproc_dir(0), recorded_dump())
    log = w.collect("devcd1")
    check(re.search(r"stored .*: firmware mismatch", log),
          "stored line does not report the mismatch")
    check(len(w.cores()) == 1, "nothing stored")


def case_truncated(w):
    """A dump the kernel deleted mid-read: kept, marked truncated."""
    w.add_firmware()
    w.add_remoteproc(0, "m3")
    size = os.path.getsize(recorded_dump())
    data = w.add_devcd(1, w.rproc_dir(0), recorded_dump(), size * 6 // 10)
    log = w.collect("devcd1")
    check(released(data), "the truncated dump was not released")
    check(re.search(r"dump devcd1 ended after .* MiB: keeping what was "
                    r"read, marked truncated", log), "no truncation line")
    check(re.search(r"stored .*TRUNCATED", log), "stored line lacks TRUNCATED")
    check(len(w.cores()) == 1, "nothing stored")


def case_oversize(w):
    """MaxDumpSize: truncate keeps the head, drop keeps nothing."""
    w.add_firmware()
    w.add_remoteproc(0, "m3")
    w.write_config(MaxDumpSize="128K", OversizeDump="truncate")
    w.add_devcd(1, w.rproc_dir(0), recorded_dump())
    log = w.collect("devcd1")
    check("larger than MaxDumpSize=0.1 MiB" in log and
          "keeping the first part, marked truncated" in log,
          "no MaxDumpSize truncate line")
    check(re.search(r"stored .*TRUNCATED", log), "stored line lacks TRUNCATED")
    check(len(w.cores()) == 1, "nothing stored")
    w.write_config(OversizeDump="drop")
    data = w.add_devcd(2, w.rproc_dir(0), recorded_dump())
    log = w.collect("devcd2")
    check("dropped (OversizeDump=drop)" in log, "no drop line")
    check(released(data), "a dropped dump was not released")
    check(len(w.cores()) == 1 and not w.hidden(), "a dropped dump was stored")


def case_symlink(w):
    """A symlink planted at the target name is neither followed nor
    replaced."""
    w.add_firmware()
    w.add_remoteproc(0, "m3")
    w.add_devcd(1, w.rproc_dir(0), recorded_dump())
    os.makedirs(w.store, mode=0o700)
    victim = os.path.join(w.dir, "victim")
    with open(victim, "w") as f:
        f.write("precious\n")
    with open("/proc/sys/kernel/random/boot_id") as f:
        boot = f.read().replace("-", "")[:8]
    now = int(time.time())
    planted = []
    for t in range(now, now + 10):
        name = "m3.test-fw_elf.%s.%s.core.gz" % (
            time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t)), boot)
        os.symlink(victim, os.path.join(w.store, name))
        planted.append(name)
    log = w.collect("devcd1")
    with open(victim) as f:
        check(f.read() == "precious\n", "the planted symlink was followed")
    for name in planted:
        check(os.path.islink(os.path.join(w.store, name)),
              "the planted symlink %s was replaced" % name)
    stored = [c for c in w.cores()
              if not os.path.islink(os.path.join(w.store, c))]
    check(len(stored) == 1 and re.search(r"\.2\.core\.gz$", stored[0]),
          "expected the core under the next free name, got %s" % stored)
    check(stored[0] in log, "the log does not name the stored file")
    check_stored_core(w, stored[0])


def case_concurrent(w):
    """Two remotes at once; and a second dump of a remote while its first
    is still being converted."""
    w.add_firmware()
    w.add_remoteproc(0, "m3")
    w.add_remoteproc(1, "dsp", firmware="none.elf")
    big = big_dump(w, 48)
    data = [w.add_devcd(1, w.rproc_dir(1), big),
            w.add_devcd(2, w.rproc_dir(0), recorded_dump())]
    procs = [w.start("devcd1"), w.start("devcd2")]
    logs = [p.communicate(timeout=300)[1] for p in procs]
    for p, log in zip(procs, logs):
        sys.stderr.write(log)
        check(p.returncode == 0, "a parallel collection failed")
    check(all(released(d) for d in data), "a parallel dump was not released")

    # dsp crashes again while its first dump is converted.
    data3 = w.add_devcd(3, w.rproc_dir(1), big)
    first = w.start("devcd3")
    for line in first.stderr:
        sys.stderr.write(line)
        if "released" in line:
            break
    data4 = w.add_devcd(4, w.rproc_dir(1), big)
    second = w.start("devcd4")
    for p in (first, second):
        _, log = p.communicate(timeout=300)
        sys.stderr.write(log)
        check(p.returncode == 0, "an overlapping collection failed")
    check(released(data3) and released(data4), "a dump was not released")

    cores = w.cores()
    dsp = [c for c in cores if c.startswith("dsp.")]
    m3 = [c for c in cores if c.startswith("m3.")]
    check(len(dsp) == 3 and len(m3) == 1, "expected 3 dsp and 1 m3 cores, "
          "got %s" % cores)
    check(not w.hidden(), "spool files left: %s" % w.hidden())
    with open(big, "rb") as f:
        f.seek(-MIB, os.SEEK_END)
        tail = f.read()
    for c in dsp:
        check(inflated(os.path.join(w.store, c)).endswith(tail),
              "%s does not hold the whole dump" % c)
    check_stored_core(w, m3[0])


def check_mirrors_dump(core, dump, dump_len, what):
    """Every PT_LOAD of core holds the dump's bytes at its address, and
    together they hold every byte of the dump's regions that lie within
    its first dump_len bytes."""
    regions = [ph for ph in elf_phdrs(dump) if ph["type"] == 1]
    present = sum(max(0, min(r["offset"] + r["filesz"], dump_len) -
                      r["offset"]) for r in regions)
    covered = 0
    for ph in elf_phdrs(core):
        va, size = ph["vaddr"], ph["filesz"]
        if ph["type"] != 1 or not size:
            continue
        region = [r for r in regions
                  if r["vaddr"] <= va and va + size <= r["vaddr"] +
                  r["filesz"]]
        check(region, "%s: a segment at %#x the dump does not have" %
              (what, va))
        start = region[0]["offset"] + va - region[0]["vaddr"]
        check(core[ph["offset"]:ph["offset"] + size] ==
              dump[start:start + size],
              "%s: the segment at %#x differs from the dump" % (what, va))
        covered += size
    check(covered == present, "%s: the core holds %d of the dump's %d "
          "bytes" % (what, covered, present))


def case_parallel(w):
    """The store on another filesystem than sysfs, as always on a real
    system: copy_file_range() cannot copy, so several readers copy the dump
    stripe by stripe. Every byte lands where it belongs, with three readers
    as with one, and a dump cut short mid-stripe is kept up to the cut."""
    w.write_config(MaxUse="infinity", KeepFree=0, ReadThreads=3)
    one = w.config + ".one-reader"
    shutil.copyfile(w.config, one)
    with open(one, "a") as f:
        f.write("ReadThreads=1\n")
    w.add_remoteproc(0, "dsp", firmware="none.elf")
    big = big_dump(w, 24)
    size = os.path.getsize(big)
    cut = 13 * MIB + 12345
    data = [w.add_devcd(1, w.rproc_dir(0), big),
            w.add_devcd(2, w.rproc_dir(0), big, cut),
            w.add_devcd(3, w.rproc_dir(0), big)]
    out = os.path.join(w.dir, "out")
    os.makedirs(out)
    # The tmpfs lives as long as the namespace: the cores are moved out.
    script = os.path.join(w.dir, "parallel.sh")
    with open(script, "w") as f:
        f.write('set -e\nstore=%s out=%s\n'
                'for run in "devcd1 %s full" "devcd2 %s cut" '
                '"devcd3 %s one"; do\n'
                '  set -- $run\n'
                '  "$RPROC_COLLECT" --config "$2" --devcd "$1"\n'
                '  mv "$store"/*.core.gz "$out/$3.core.gz"\n'
                'done\n' % (w.store, out, w.config, w.config, one))
    log = run_script(w, in_private_tmpfs(w, "128m"), script)
    check(all(released(d) for d in data), "a dump was not released")
    check(re.search(r"dump devcd1 spooled \(24\.0 MiB in .* s, 3 readers\)",
                    log), "devcd1 was not copied by 3 readers")
    check(re.search(r"dump devcd3 spooled \(24\.0 MiB in [0-9.]+ s\)",
                    log), "devcd3 was not copied by one reader")
    check(re.search(r"dump devcd2 ended after 13\.0 of 24\.0 MiB: keeping "
                    r"what was read, marked truncated", log),
          "no truncation line for devcd2")
    check(re.search(r"stored .*dsp.*TRUNCATED", log),
          "the cut dump's stored line lacks TRUNCATED")
    with open(big, "rb") as f:
        dump = f.read()
    for name, length in (("full", size), ("cut", cut), ("one", size)):
        core = inflated(os.path.join(out, name + ".core.gz"))
        check_mirrors_dump(core, dump, length, name)


def case_crash_time(w):
    """The crash time is the kernel's, from the dump's RPROC note, where
    the series' kernels put it: in the stored name and in the core. A dump
    without one gets the time the collection started."""
    w.add_firmware()
    w.add_remoteproc(0, "m3")
    with open(recorded_dump(), "rb") as f:
        mainline = f.read()
    patched = os.path.join(w.dir, "patched.elf")
    with open(patched, "wb") as f:
        # 2026-01-01T00:00:00Z, long before the collection.
        f.write(patched_layout(mainline, {"name": "m3",
                                          "crash_time": 1767225600}))
    w.add_devcd(1, w.rproc_dir(0), patched)
    w.collect("devcd1")
    cores = w.cores()
    check(len(cores) == 1 and ".20260101T000000Z." in cores[0],
          "the stored name does not carry the kernel's crash time: %s" %
          cores)
    info = [d for o, t, d in elf_notes(inflated(os.path.join(w.store,
                                                             cores[0])))
            if o == "RPROC" and t == RPROC_NT_INFO]
    check(info and b"crash_time=1767225600\0" in info[0],
          "the core's info note lacks the kernel's crash time")
    check_stored_core(w, cores[0])

    before = time.strftime("%Y%m%dT%H%M", time.gmtime())
    w.add_devcd(2, w.rproc_dir(0), recorded_dump())
    w.collect("devcd2")
    newer = [c for c in w.cores() if c not in cores]
    after = time.strftime("%Y%m%dT%H%M", time.gmtime())
    check(len(newer) == 1 and
          any(".%s" % t in newer[0] for t in (before, after)),
          "a mainline dump is not named by the collection time: %s" % newer)

    # A crash time no calendar of four-digit years holds: not used.
    with open(patched, "wb") as f:
        f.write(patched_layout(mainline, {"crash_time": 10 ** 17}))
    w.add_devcd(3, w.rproc_dir(0), patched)
    before = time.strftime("%Y%m%dT%H%M", time.gmtime())
    w.collect("devcd3")
    after = time.strftime("%Y%m%dT%H%M", time.gmtime())
    newest = [c for c in w.cores() if c not in cores + newer]
    check(len(newest) == 1 and
          any(".%s" % t in newest[0] for t in (before, after)),
          "an absurd crash time was used: %s" % newest)


def case_no_room_to_convert(w):
    """Room for the dump as read but not for its core: the dump is still
    released, its spool stays, and a later collection stores it once
    there is room."""
    w.write_config(MaxUse="infinity", KeepFree=0)
    w.add_firmware()
    w.add_remoteproc(0, "m3")
    w.add_remoteproc(1, "dsp", firmware="none.elf")
    big = big_dump(w, 24)
    data = w.add_devcd(1, w.rproc_dir(1), big)
    w.add_devcd(2, w.rproc_dir(0), recorded_dump())
    out = os.path.join(w.dir, "out")
    os.makedirs(out)
    # A 40 MiB store with 12 MiB taken: the 24 MiB spool fits, the 10 MiB
    # core beside it does not. Without the filler, it does.
    script = os.path.join(w.dir, "no-room.sh")
    with open(script, "w") as f:
        f.write('store=%s out=%s config=%s\n'
                'dd if=/dev/zero of="$store/filler" bs=1M count=12 '
                '2>/dev/null\n'
                '"$RPROC_COLLECT" --config "$config" --devcd devcd1\n'
                'echo "first: $?" >&2\n'
                'echo "listing1: $(ls -A "$store" | tr "\\n" " ")" >&2\n'
                'rm "$store/filler"\n'
                '"$RPROC_COLLECT" --config "$config" --devcd devcd2\n'
                'echo "second: $?" >&2\n'
                'echo "listing2: $(ls -A "$store" | tr "\\n" " ")" >&2\n'
                'mv "$store"/*.core.gz "$out"\n' % (w.store, out, w.config))
    log = run_script(w, in_private_tmpfs(w, "40m"), script)
    check(released(data), "the dump was not released before conversion")
    check(re.search(r"dsp: cannot store dump devcd1: .*No space left on "
                    r"device; its spool .*\.spool is kept for the next "
                    r"collection", log), "no log line for the kept spool")
    check("first: 1" in log, "the failed conversion did not exit 1")
    first_listing = re.search(r"^listing1: (.*)$", log, re.M).group(1)
    check(".spool" in first_listing and ".meta" in first_listing,
          "the spool was not kept:\n" + first_listing)
    check(".core.gz" not in first_listing and ".#" not in first_listing,
          "a partial core was left:\n" + first_listing)
    check(log.count("cannot store dump devcd1") == 1,
          "a spool that just failed for lack of room was retried at once")
    check("dsp: finishing dump devcd1 that an earlier collection spooled"
          in log, "the next collection did not finish the spool")
    check("second: 0" in log, "the second collection failed")
    second_listing = re.search(r"^listing2: (.*)$", log, re.M).group(1)
    check(".spool" not in second_listing and ".meta" not in second_listing,
          "the spool was not removed once stored:\n" + second_listing)
    dsp = [n for n in os.listdir(out) if n.startswith("dsp.")]
    check(len(dsp) == 1, "the dsp core was not stored: %s" %
          os.listdir(out))
    with open(big, "rb") as f:
        check_mirrors_dump(inflated(os.path.join(out, dsp[0])), f.read(),
                           os.path.getsize(big), "finished spool")


def case_rejected(w):
    """A dump the library cannot read is kept as read, under .devcd.gz,
    byte for byte, with a log line saying why."""
    w.add_remoteproc(0, "m3")
    garbage = os.path.join(w.dir, "garbage")
    with open(garbage, "wb") as f:
        f.write(b"not an ELF core, " * 70000)
    data = w.add_devcd(1, w.rproc_dir(0), garbage)
    log = w.collect("devcd1", expect=1)
    check(released(data), "the unreadable dump was not released")
    check(re.search(r"m3: .*not an ELF file", log),
          "no log line saying why the dump was rejected")
    kept = [n for n in os.listdir(w.store) if n.endswith(".devcd.gz")]
    check(len(kept) == 1 and "kept the dump as read" in log,
          "the dump was not kept as read: %s" % os.listdir(w.store))
    with open(garbage, "rb") as f:
        check(inflated(os.path.join(w.store, kept[0])) == f.read(),
              "the kept dump differs from what the kernel gave")
    check(not w.hidden(), "spool files left: %s" % w.hidden())


def was_spooled(log, n):
    """Whether m3's devcdN got into a spool: released, or spooled but the
    release itself failed."""
    return bool(re.search(r"dump devcd%d spooled|^rproc-collect: m3: "
                          r"devcd%d/data: " % (n, n), log, re.M))


def case_fd_exhaustion(w):
    """Collections under every limit of open files from 4 to 20: whatever
    fails, no dump that was read is lost or stored twice, no temporary is
    left, and an unlimited run then finishes what was kept."""
    w.write_config(MaxDumpsPerRemote=0)
    w.add_firmware()
    w.add_remoteproc(0, "m3")
    spooled = 0
    for n in range(4, 21):
        w.add_devcd(n, w.rproc_dir(0), recorded_dump())
        proc = w.start("devcd%d" % n, wrap=["prlimit", "--nofile=%d" % n])
        _, log = proc.communicate(timeout=300)
        sys.stderr.write(log)
        check(proc.returncode in (0, 1), "--nofile=%d: exit %d" %
              (n, proc.returncode))
        spooled += was_spooled(log, n)
        stray = [f for f in (os.listdir(w.store) if os.path.isdir(w.store)
                             else []) if f.startswith(".#")]
        check(not stray, "--nofile=%d left temporaries: %s" % (n, stray))
    w.add_devcd(99, w.rproc_dir(0), recorded_dump())
    w.collect("devcd99")
    check(not w.hidden(), "spools left after an unlimited run: %s" %
          w.hidden())
    check(len(w.cores()) == spooled + 1, "%d cores for %d spooled dumps "
          "and the last: %s" % (len(w.cores()), spooled, w.cores()))
    for core in w.cores():
        check(inflated(os.path.join(w.store, core))[:4] == b"\x7fELF",
              "%s is not a core" % core)


def case_space_exhaustion(w):
    """Collections with every amount of free space from none to enough, in
    steps of 4 KiB up to 64 KiB (compressed spools) and 8 KiB beyond (plain
    ones, the dump being 0.3 MiB): whatever fails, no temporary is left, no
    stored core is broken, and once there is room every dump that was
    spooled is stored exactly once."""
    w.write_config(MaxUse="infinity", KeepFree=0, MaxDumpsPerRemote=0)
    w.add_firmware()
    w.add_remoteproc(0, "m3")
    steps = list(range(0, 64, 4)) + list(range(64, 512, 8))
    for i in range(len(steps)):
        w.add_devcd(i + 1, w.rproc_dir(0), recorded_dump())
    w.add_devcd(999, w.rproc_dir(0), recorded_dump())
    script = os.path.join(w.dir, "space.sh")
    with open(script, "w") as f:
        f.write('store=%s config=%s i=0\n'
                'for kib in %s; do\n'
                '  i=$((i + 1))\n'
                '  rm -f "$store/filler"\n'
                '  used=$(df -k "$store" | awk \'NR == 2 { print $3 }\')\n'
                '  fill=$((4096 - used - kib))\n'
                '  [ $fill -gt 0 ] && dd if=/dev/zero of="$store/filler" '
                'bs=1k count=$fill 2>/dev/null\n'
                '  "$RPROC_COLLECT" --config "$config" --devcd devcd$i\n'
                '  echo "run $i: exit $?" >&2\n'
                '  echo "left $i: $(ls -A "$store" | grep "^\\.#")" >&2\n'
                '  for c in "$store"/*.core.gz; do [ -e "$c" ] && '
                '{ gzip -t "$c" 2>/dev/null || echo "BROKEN $c" >&2; }; done\n'
                'done\n'
                'rm -f "$store/filler"\n'
                '"$RPROC_COLLECT" --config "$config" --devcd devcd999\n'
                'echo "final: exit $?" >&2\n'
                'echo "cores: $(ls "$store" | grep -c "\\.core\\.gz$")" >&2\n'
                'echo "hidden: $(ls -A "$store" | grep "^\\." | '
                'grep -v "^\\.crashes")" >&2\n'
                % (w.store, w.config, " ".join(str(k) for k in steps)))
    log = run_script(w, in_private_tmpfs(w, "4m"), script)
    spooled = 0
    for i in range(1, len(steps) + 1):
        m = re.search(r"^run %d: exit (\d+)$" % i, log, re.M)
        check(m and m.group(1) in ("0", "1"), "run %d: bad exit" % i)
        check(re.search(r"^left %d: $" % i, log, re.M),
              "run %d left temporaries" % i)
        spooled += was_spooled(log, i)
    check("BROKEN" not in log, "a stored core is broken")
    check("final: exit 0" in log, "the run with room failed")
    check(re.search(r"^hidden: $", log, re.M), "spools left with room")
    cores = int(re.search(r"^cores: (\d+)$", log, re.M).group(1))
    check(cores == spooled + 1, "%d cores for %d spooled dumps and the "
          "last" % (cores, spooled))
    check(0 < spooled < len(steps), "the steps did not cover both full "
          "and enough: %d of %d spooled" % (spooled, len(steps)))


CASES = {name[5:].replace("_", "-"): fn for name, fn in globals().items()
         if name.startswith("case_")}


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--dwfl", required=True)
    ap.add_argument("--recorded", required=True)
    ap.add_argument("--other")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("case", choices=sorted(CASES))
    ARGS = ap.parse_args()
    w = World(ARGS.case)
    try:
        CASES[ARGS.case](w)
    except Failed as e:
        print("FAIL: %s: %s" % (ARGS.case, e))
        return 1
    print("%s: ok" % ARGS.case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
