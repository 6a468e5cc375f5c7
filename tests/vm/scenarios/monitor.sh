# SPDX-License-Identifier: LGPL-2.1-or-later
#
# rproc-collect --monitor beside a running systemd-udevd (full series), in
# place of the udev rule: the monitor listens to udev's own events (the
# "udev" source, which umockdev cannot fake), collects the dumps of two
# remotes crashing at once, and stops cleanly on SIGTERM. The cores are
# exported as core-0.gz and core-1.gz for the host's GDB check.

# The monitor collects here, not the rule.
rm -f /etc/udev/rules.d/*rproc-collect*.rules
check "systemd-udevd runs" udevd_start
rproc-collect --monitor 2>/tmp/monitor.log &
monitor=$!
check "the monitor listens to udev's events" \
	wait_for 10 grep -q "listening to udev devcoredump events" /tmp/monitor.log

sim_load instances=2 firmware="$FIRMWARE"
run_recorded 2
echo 2 >/sys/kernel/debug/remoteproc/remoteproc0/crash
echo 2 >/sys/kernel/debug/remoteproc/remoteproc1/crash
check "the monitor stored two cores" wait_for 60 stored_count_is 2
check "both dumps released" wait_for 10 no_devcd
for i in 0 1; do
	remote $i
	check "remote $i runs again" wait_state running 10
	core=$(ls $STORE/rproc-sim_$i.*.core.gz 2>/dev/null | head -n 1)
	check "remote $i has its own core" [ -n "$core" ]
	[ -n "$core" ] && export_file core-$i.gz "$core"
done

kill -TERM $monitor
check "the monitor stops on SIGTERM" wait_for 10 sh -c "! kill -0 $monitor"
check "and says so" grep -q "stopped" /tmp/monitor.log
sed 's/^/# monitor: /' /tmp/monitor.log
