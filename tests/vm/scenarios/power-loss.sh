# SPDX-License-Identifier: LGPL-2.1-or-later
#
# power loss: the recorded crash RECORDED is planted and injected, in both
# coredump modes, and the dump's RAM segment (the last 64 KiB) read from
# devcoredump. Patch 0001 alone (VARIANT=sim) dumps after stopping the
# remote, which poisons its memories as a power-off would; the full series
# dumps the halted remote's memories, byte for byte what was planted.

ram=/lib/rpd-vm/recorded/$RECORDED/ram.bin
dump_ram_is_image() { tail -c 65536 /tmp/dump | cmp -s - $ram; }
dump_ram_is_poison() {
	[ "$(tail -c 65536 /tmp/dump | od -An -v -tx4 | tr -s ' \n' '\n' |
		grep -v '^$' | sort -u)" = deadbeef ]
}
dump_is_elf() { [ "$(head -c 4 /tmp/dump | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; }

sim_load firmware="$FIRMWARE"
for mode in enabled inline; do
	echo "$mode" >"$R"/coredump
	echo start >"$R"/state
	wait_state running 5
	plant_recorded "$RECORDED"
	echo 2 >"$D"/crash
	wait_for 5 has_devcd
	d=$(devcds | head -n 1)
	cat $d/data >/tmp/dump
	check "$mode: the dump is an ELF file" dump_is_elf
	if [ $VARIANT = sim ]; then
		check "$mode: dumped RAM is the poison pattern (read after power-off)" \
			dump_ram_is_poison
	else
		check "$mode: dumped RAM is the planted image, byte-exact" \
			dump_ram_is_image
	fi
	release_all
	check "$mode: remote runs again" wait_state running 10
	echo stop >"$R"/state
	wait_state offline 5
done
