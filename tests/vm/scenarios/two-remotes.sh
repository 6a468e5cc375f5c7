# SPDX-License-Identifier: LGPL-2.1-or-later
#
# two remotes crashing at once (full series): both get the recorded crash
# planted and injected back to back; udevd runs a collector per dump, two
# cores are stored (exported as core-0.gz and core-1.gz for the host's GDB
# check) and both remotes recover.

check "systemd-udevd runs" udevd_start
sim_load instances=2 firmware="$FIRMWARE"
run_recorded 2
echo 2 >/sys/kernel/debug/remoteproc/remoteproc0/crash
echo 2 >/sys/kernel/debug/remoteproc/remoteproc1/crash
check "two cores stored" wait_for 60 stored_count_is 2
check "both dumps released" wait_for 10 no_devcd
for i in 0 1; do
	remote $i
	check "remote $i runs again" wait_state running 10
	check "remote $i writes its new boot's trace" \
		wait_for 5 trace_has "rproc_sim: boot 2"
	core=$(ls $STORE/rproc-sim_$i.*.core.gz 2>/dev/null | head -n 1)
	check "remote $i has its own core" [ -n "$core" ]
	[ -n "$core" ] && export_file core-$i.gz "$core"
done
