# SPDX-License-Identifier: LGPL-2.1-or-later
#
# udev-triggered capture (full series): the remote runs FIRMWARE, the
# recorded crash RECORDED is planted and injected; systemd-udevd runs
# rproc-collect from the installed rule, which stores the core and releases
# the dump; the remote boots again; rproc-analyze names FUNCTION. The core
# is exported as "core.gz" for the host's GDB check.

check "systemd-udevd runs" udevd_start
sim_load firmware="$FIRMWARE"
echo inline >"$R"/coredump
echo start >"$R"/state
check "remote runs the firmware" wait_state running 5

# Hold udev's queue so that the crashed-halted state can be seen before the
# collector releases the dump; the kernel waits for the release anyway.
udevadm control --stop-exec-queue
plant_recorded "$RECORDED"
echo 2 >"$D"/crash
check "state is crashed-halted" wait_state crashed-halted 5
check "a devcoredump is exposed" wait_for 5 has_devcd
udevadm control --start-exec-queue

check "rproc-collect stored a core from the udev rule" wait_for 30 stored_count_is 1
check "the dump was released" wait_for 10 no_devcd
check "remote runs again" wait_state running 10
check "the new boot writes its trace" wait_for 5 trace_has "rproc_sim: boot 2"
core=$(stored_cores | head -n 1)
rproc-analyze -D $STORE --firmware-dir /lib/firmware crash >/tmp/report 2>&1
sed 's/^/# analyze: /' /tmp/report
check "rproc-analyze crash names $FUNCTION" sh -c "head -n 1 /tmp/report | grep -q ' at $FUNCTION '"
[ -n "$core" ] && export_file core.gz "$core"
