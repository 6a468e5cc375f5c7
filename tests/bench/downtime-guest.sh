# SPDX-License-Identifier: LGPL-2.1-or-later
#
# downtime-guest.sh - the guest half of tests/bench/downtime (a VM scenario
# run by tests/vm/run-scenario, with tests/vm/guest-lib.sh).
#
# rproc_sim gets a DDR_SIZE-byte "ddr" memory beside its code and RAM; the
# recorded crash RECORDED is planted and injected, and systemd-udevd runs
# rproc-collect on the dump. On patch 0001 alone (VARIANT=sim) that is done
# in the "enabled" and the "inline" mode, on the full series in "inline"
# (the zero-copy export), into a store with room for the dump and into one
# without. Per run one "# bench:" line gives:
#   downtime_ms  kernel log: "crash detected" to "is now up"
#   stored_ms    /proc/uptime: crash injected to the core stored
#   vmalloc_kib  VmallocUsed's peak from the crash to the end, minus before
#   core_bytes   the stored (compressed) core's size

DDR_SIZE=${DDR_SIZE:-$((64 << 20))}

vmalloc_used() {
	while read -r key value unit; do
		if [ "$key" = VmallocUsed: ]; then
			echo "$value"
			return
		fi
	done </proc/meminfo
}

# The sampler polls with shell builtins and a 10 ms nap: a busy loop would
# take a CPU from the collector it measures.
vmalloc_sampler() {
	peak=0
	while [ ! -e /tmp/sampler.stop ]; do
		v=$(vmalloc_used)
		[ "$v" -gt "$peak" ] && peak=$v
		usleep 10000
	done
	echo "$peak" >/tmp/sampler.peak
}

uptime_ms() {
	read -r up idle </proc/uptime
	echo $(($(echo "$up" | tr -d .) * 10))
}

# dmesg_ms PATTERN: the time of the last kernel log line matching PATTERN.
dmesg_ms() {
	dmesg | grep -E "$1" | tail -n 1 |
		sed -E 's/^\[ *([0-9]+)\.([0-9]{3}).*/\1\2/'
}

# fresh_store SIZE: an empty store on a tmpfs of SIZE (a mount -o size=).
fresh_store() {
	umount "$STORE" && mount -t tmpfs -o "size=$1" tmpfs "$STORE"
}

# measure LABEL MODE STORE_SIZE: one crash, collected into a fresh store.
measure() {
	label=$1 mode=$2 count=1
	fresh_store "$3"
	echo "$mode" >"$R"/coredump
	echo start >"$R"/state
	check "$label: remote runs the firmware" wait_state running 10
	plant_recorded "$RECORDED"

	rm -f /tmp/sampler.stop /tmp/sampler.peak
	before=$(vmalloc_used)
	vmalloc_sampler &
	t0=$(uptime_ms)
	echo 2 >"$D"/crash
	check "$label: rproc-collect stored a core" \
		wait_for 120 stored_count_is "$count"
	t_stored=$(uptime_ms)
	check "$label: the dump was released" wait_for 60 no_devcd
	check "$label: remote runs again" wait_state running 60
	touch /tmp/sampler.stop
	wait
	peak=$(cat /tmp/sampler.peak)

	crashed=$(dmesg_ms 'crash detected')
	up=$(dmesg_ms 'is now up')
	core=$(ls -t "$STORE"/*.core.gz | head -n 1)
	echo "# bench: $label downtime_ms=$((up - crashed))" \
		"stored_ms=$((t_stored - t0)) vmalloc_kib=$((peak - before))" \
		"core_bytes=$(stat -c %s "$core")"
	echo stop >"$R"/state
	wait_state offline 10
}

echo 1 >/sys/module/printk/parameters/time
check "systemd-udevd runs" udevd_start
sim_load firmware="$FIRMWARE" ddr_size="$DDR_SIZE"
ddr_last_page() {
	[ "$(dd if="$D"/memory bs=4096 count=1 2>/dev/null \
		skip=$(((0x80000000 + DDR_SIZE) / 4096 - 1)) | wc -c)" = 4096 ]
}
check "the remote has a $((DDR_SIZE >> 20)) MiB ddr" ddr_last_page
# A store with room for the dump gets it as it is, copied by a reader per
# CPU; one without room (here 48 MiB for a 64 MiB dump) gets it compressed
# on the fly, which takes CPU time while the remote waits.
if [ "$VARIANT" = sim ]; then
	measure patch1-enabled enabled 256m
	measure patch1-inline inline 256m
else
	measure series-collect inline 256m
	measure series-small-store inline 48m
fi
