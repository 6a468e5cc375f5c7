# SPDX-License-Identifier: LGPL-2.1-or-later
#
# compatibility (patch 0001 alone, a mainline-behaving kernel): in the
# "enabled" and "inline" modes rproc-collect, started by udevd, stores a
# core from the mainline-layout dump (no RPROC note, EM_NONE, memories read
# after power-off). The cores are exported as poisoned-MODE.gz: the host
# checks that GDB loads them.

check "systemd-udevd runs" udevd_start
sim_load firmware="$FIRMWARE"
count=0
for mode in enabled inline; do
	echo "$mode" >"$R"/coredump
	echo start >"$R"/state
	check "$mode: remote runs the firmware" wait_state running 5
	plant_recorded "$RECORDED"
	echo 2 >"$D"/crash
	count=$((count + 1))
	check "$mode: rproc-collect stored a core" wait_for 30 stored_count_is $count
	check "$mode: the dump was released" wait_for 10 no_devcd
	check "$mode: remote runs again" wait_state running 10
	core=$(ls -t $STORE/*.core.gz | head -n 1)
	[ -n "$core" ] && export_file poisoned-$mode.gz "$core"
	echo stop >"$R"/state
	wait_state offline 5
done
