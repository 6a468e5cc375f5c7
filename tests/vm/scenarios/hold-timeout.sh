# SPDX-License-Identifier: LGPL-2.1-or-later
#
# hold timeout (full series): no collector runs, so nobody releases the
# inline dump; the remote stays crashed-halted until coredump_timeout
# passes, then the dump is deleted, the kernel says so and the remote
# recovers. Then, with recovery disabled, "enabled" written while a dump
# is held leaves the dump exposed and the remote halted; the release
# recovers it.

sim_load firmware="$FIRMWARE"
echo inline >"$R"/coredump
echo 3 >"$R"/coredump_timeout
echo start >"$R"/state
check "remote runs the firmware" wait_state running 5
plant_recorded "$RECORDED"
echo 2 >"$D"/crash
check "state is crashed-halted" wait_state crashed-halted 5
check "the dump is exposed" wait_for 5 has_devcd
sleep 1
check "nobody released it: still crashed-halted" state_is crashed-halted
check "recovered after coredump_timeout" wait_state running 10
check "the dump was deleted" no_devcd
check "the kernel log names the timeout" \
	sh -c 'dmesg | grep -q "coredump of rproc-sim.0 not released within 3 s, deleted"'
check "the new boot writes its trace" wait_for 5 trace_has "rproc_sim: boot 2"

echo 30 >"$R"/coredump_timeout
echo disabled >"$R"/recovery
plant_recorded "$RECORDED"
echo 2 >"$D"/crash
check "crashed-halted again, recovery disabled" wait_state crashed-halted 5
check "its dump is exposed" wait_for 5 has_devcd
echo enabled >"$R"/recovery
sleep 1
check "enabling recovery leaves the held dump exposed" has_devcd
check "and the remote halted" state_is crashed-halted
release_all
check "the release recovers it" wait_state running 10
check "the third boot writes its trace" wait_for 5 trace_has "rproc_sim: boot 3"
