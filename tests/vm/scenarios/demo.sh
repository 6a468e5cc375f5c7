# SPDX-License-Identifier: LGPL-2.1-or-later
#
# the demo (scripts/demo, full series): the capture scenario told step by
# step. The remote runs FIRMWARE, the recorded crash RECORDED is planted
# and injected; the remote waits crashed-halted while systemd-udevd starts
# rproc-collect, which stores the core and releases the dump; the remote
# boots again. rproc-analyze's crash and trace reports are printed from
# inside the VM and the core is exported as "core.gz" for the host's GDB.
# Narration goes out as "# " lines, which run-scenario prints.

say() { echo "# ==> $*"; }
show() { sed 's/^/#     /'; }

say "systemd-udevd with rprocdump's rule"
cat /etc/udev/rules.d/*rproc*.rules | grep -v -e "^#" -e "^$" | show
check "systemd-udevd runs" udevd_start

say "insmod rproc_sim.ko firmware=$FIRMWARE; echo start > $R/state"
sim_load firmware="$FIRMWARE"
echo inline >"$R"/coredump
echo start >"$R"/state
check "remote runs the firmware" wait_state running 5
echo "state: $(cat "$R"/state), firmware: $(cat "$R"/firmware)" | show
sleep 1
echo "the last lines of its trace buffer:" | show
ram_image | head -c 4096 | tr -c ' -~\n' '\n' | grep -a -E '.{12,}' |
	tail -n 4 | show

# udev's queue is held for a moment so that the crashed-halted state can be
# seen before the collector releases the dump.
udevadm control --stop-exec-queue
say "plant the memory the Cortex-M3 left at its $RECORDED fault, inject a crash"
plant_recorded "$RECORDED"
echo 2 >"$D"/crash
check "state is crashed-halted" wait_state crashed-halted 5
check "a devcoredump is exposed" wait_for 5 has_devcd
echo "state: $(cat "$R"/state) (CPU stopped, memories powered)" | show
dmesg | grep -E 'crash detected|coredump' | tail -n 2 | show

say "systemd-udevd starts rproc-collect for $(basename "$(devcds | head -n 1)")"
udevadm control --start-exec-queue
check "rproc-collect stored a core from the udev rule" wait_for 30 stored_count_is 1
check "the dump was released" wait_for 10 no_devcd
core=$(stored_cores | head -n 1)
ls -l "$core" | show

say "the remote runs again"
check "remote runs again" wait_state running 10
check "the new boot writes its trace" wait_for 5 trace_has "rproc_sim: boot 2"
echo "state: $(cat "$R"/state); the last lines of its trace buffer:" | show
ram_image | head -c 4096 | tr -c ' -~\n' '\n' | grep -a -E '.{12,}' |
	tail -n 2 | show
dmesg | grep -E 'rproc|remoteproc' | tail -n 3 | show

say "rproc-analyze crash"
rproc-analyze -D "$STORE" --firmware-dir /lib/firmware crash >/tmp/report 2>&1
show </tmp/report
check "rproc-analyze crash names $FUNCTION" sh -c "head -n 1 /tmp/report | grep -q ' at $FUNCTION '"

say "rproc-analyze trace (what the firmware logged before it crashed)"
rproc-analyze -D "$STORE" --firmware-dir /lib/firmware trace 2>&1 | show

[ -n "$core" ] && export_file core.gz "$core"
