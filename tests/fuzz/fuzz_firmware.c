// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_firmware.c - rpd_firmware_open_mem() on arbitrary bytes, then every
 * accessor: segments and reads of their contents, build-id, trace buffers,
 * the crash record and symbol lookups.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rproc/rprocdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MIN_LEN(l) ((l) < sizeof(buf) ? (size_t)(l) : sizeof(buf))

static const char *const symbols[] = {
	"rproc_crash_record", "main", "reset", "", "$t", "pos", "_estack",
};

static volatile uint8_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpd_firmware *fw;
	const uint8_t *id;
	uint64_t addr, len;
	uint8_t buf[64];
	size_t n, id_len;

	if (rpd_firmware_open_mem(data, size, "fuzz.elf", &fw) < 0)
		return 0;
	rpd_firmware_path(fw);
	rpd_firmware_ident(fw);
	/* Touch every byte, so that ASan checks the whole build-id. */
	if (rpd_firmware_build_id(fw, &id, &id_len) == 0)
		for (size_t i = 0; i < id_len; i++)
			sink ^= id[i];

	n = rpd_firmware_nsegments(fw);
	for (size_t i = 0; i < n; i++) {
		const struct rpd_segment *seg = rpd_firmware_segment(fw, i);
		uint8_t *all;

		if (seg->filesz > seg->memsz || seg->filesz > size)
			__builtin_trap();
		all = malloc(seg->filesz ? seg->filesz : 1);
		if (all &&
		    rpd_firmware_read(fw, seg->vaddr, all, seg->filesz) < 0)
			__builtin_trap();
		free(all);
		rpd_firmware_read(fw, seg->vaddr + seg->filesz - 8, buf, 16);
		rpd_firmware_read(fw, seg->vaddr - 1, buf, 2);
	}
	rpd_firmware_segment(fw, n);

	for (size_t i = 0; i < rpd_firmware_ntraces(fw); i++) {
		const struct rpd_trace_desc *tr = rpd_firmware_trace(fw, i);

		if (tr->name[32])
			__builtin_trap();
		rpd_firmware_read(fw, tr->da, buf, sizeof(buf));
	}
	if (rpd_firmware_crash_record(fw, &addr, &len) == 0)
		rpd_firmware_read(fw, addr, buf, MIN_LEN(len));
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		const struct rpd_symbol *sym;

		if (rpd_firmware_symbol(fw, symbols[i], &addr, &len) == 0)
			rpd_firmware_read(fw, addr, buf, MIN_LEN(len));
		/* A symbol found by address starts at or below it. */
		if (rpd_firmware_symbol_at(fw, addr, &sym) == 0 &&
		    (sym->addr > addr || !*sym->name))
			__builtin_trap();
		if (rpd_firmware_symbol_in_file(fw, symbols[i], "main.c",
						&sym) == 0 &&
		    (!sym->file || strcmp(sym->name, symbols[i])))
			__builtin_trap();
	}
	for (uint64_t a = 0; a < 64; a += 4) {
		const struct rpd_symbol *sym;

		rpd_firmware_symbol_at(fw, a, &sym);
	}
	if (rpd_firmware_build_id_hex(fw))
		sink ^= (uint8_t)strlen(rpd_firmware_build_id_hex(fw));
	rpd_firmware_free(fw);
	return 0;
}
