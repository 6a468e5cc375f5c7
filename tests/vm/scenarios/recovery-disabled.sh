# SPDX-License-Identifier: LGPL-2.1-or-later
#
# recovery disabled (full series): after the crash the remote stays
# crashed-halted; rproc-collect, started by udevd, still stores the core
# (exported as core.gz for the host's GDB check) and releases the dump, and
# the remote stays halted until `recover` is written.

check "systemd-udevd runs" udevd_start
sim_load firmware="$FIRMWARE"
echo inline >"$R"/coredump
echo disabled >"$R"/recovery
echo start >"$R"/state
check "remote runs the firmware" wait_state running 5
plant_recorded "$RECORDED"
echo 2 >"$D"/crash
check "state is crashed-halted" wait_state crashed-halted 5
check "rproc-collect stored a core from the udev rule" wait_for 30 stored_count_is 1
check "the dump was released" wait_for 10 no_devcd
sleep 2
check "still crashed-halted after the release" state_is crashed-halted
echo recover >"$R"/recovery
check "recover restarts it" wait_state running 10
check "the new boot writes its trace" wait_for 5 trace_has "rproc_sim: boot 2"
core=$(stored_cores | head -n 1)
[ -n "$core" ] && export_file core.gz "$core"
