# SPDX-License-Identifier: LGPL-2.1-or-later
#
# guest-lib.sh - what the VM scenarios share inside the guest (busybox sh).
#
# /init sources this file, calls vm_setup, sources the scenario and calls
# vm_finish. A scenario calls check once per TAP line; files the host checks
# leave through the serial console with export_file, base64 between markers
# (the test kernel has no 9p or network). R and D name the sysfs and debugfs
# directories of the remote a helper acts on; remote N selects another.

STORE=/var/lib/rproc-dumps
n=0
failed=0

vm_setup() {
	# End the firmware's "Booting from ROM..." line: TAP lines start one.
	echo
	# The installed programs, whatever the build's prefix.
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev
	mount -t debugfs none /sys/kernel/debug
	mount -t tmpfs tmpfs /run
	mount -t tmpfs tmpfs /tmp
	# rproc-collect sizes its quota from the store's filesystem.
	mount -t tmpfs -o size=64m tmpfs "$STORE"
	remote 0
	# The scenarios race the collector against the kernel on two CPUs.
	check "the guest runs on 2 CPUs" \
		[ "$(cat /sys/devices/system/cpu/online)" = 0-1 ]
}

vm_finish() {
	echo "1..$n"
	dmesg | grep -E "remoteproc|rproc" | sed 's/^/# /'
	[ $failed = 0 ] && echo "vm: PASS" || echo "vm: FAIL"
	reboot -f
}

# check NAME COMMAND...: one TAP line, "ok" if COMMAND succeeds.
check() {
	name=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		failed=1
	fi
}

remote() {
	R=/sys/class/remoteproc/remoteproc$1
	D=/sys/kernel/debug/remoteproc/remoteproc$1
}

sim_load() { # module parameters
	insmod /lib/rpd-vm/rproc_sim.ko "$@"
}

state_is() { [ "$(cat "$R/state")" = "$1" ]; }

wait_for() { # seconds, then a command that succeeds when done
	tries=$(($1 * 10))
	shift
	while ! "$@" && [ $tries -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	"$@"
}

wait_state() { wait_for "$2" state_is "$1"; }

# plant_recorded SCENARIO: write a recorded crash's memories into the
# remote as the real CPU left them at the fault (the sim halts its CPU).
plant_recorded() {
	dir=/lib/rpd-vm/recorded/$1
	dd if="$dir/code.bin" of="$D/memory" bs=4096 conv=notrunc 2>/dev/null &&
		dd if="$dir/ram.bin" of="$D/memory" bs=4096 \
			seek=$((0x20000000 / 4096)) conv=notrunc 2>/dev/null
}

# run_recorded N: remotes 0 to N-1 run FIRMWARE with inline dumps, the
# recorded crash planted in each, ready for a crash to be injected.
run_recorded() {
	i=0
	while [ $i -lt "$1" ]; do
		remote $i
		echo inline >"$R"/coredump
		echo start >"$R"/state
		check "remote $i runs the firmware" wait_state running 5
		plant_recorded "$RECORDED"
		i=$((i + 1))
	done
}

ram_image() { # the remote's 64 KiB RAM, to stdout
	dd if="$D/memory" bs=4096 skip=$((0x20000000 / 4096)) count=16 2>/dev/null
}

trace_has() { ram_image | grep -a -q "$1"; }

devcds() { ls -d /sys/class/devcoredump/devcd* 2>/dev/null; }

has_devcd() { [ -n "$(devcds)" ]; }

no_devcd() { [ -z "$(devcds)" ]; }

release_all() {
	for d in $(devcds); do
		echo 1 >"$d/data"
	done
}

stored_cores() { ls "$STORE"/*.core.gz 2>/dev/null; }

stored_count_is() { [ "$(stored_cores | wc -l)" = "$1" ]; }

udevd_start() {
	/lib/systemd/systemd-udevd --daemon --resolve-names=never &&
		wait_for 5 udevadm control --ping
}

# export_file NAME FILE: FILE on the console for the host to cut out.
export_file() {
	echo "@@FILE $1"
	base64 "$2"
	echo "@@END $1"
}
