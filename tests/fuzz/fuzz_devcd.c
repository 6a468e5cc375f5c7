// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_devcd.c - rpd_devcd_declared_size() and rpd_devcd_open_mem() on
 * arbitrary bytes, then every accessor and reads of every segment, around
 * its edges and across its neighbours.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "rproc/rprocdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_around(const struct rpd_devcd *dump,
			const struct rpd_segment *seg)
{
	uint8_t buf[64];
	uint64_t end = seg->paddr + seg->memsz;

	rpd_devcd_read(dump, seg->paddr, buf, sizeof(buf));
	rpd_devcd_read(dump, seg->paddr - 1, buf, 2);
	rpd_devcd_read(dump, end - 1, buf, 2);
	rpd_devcd_read(dump, end - 32, buf, sizeof(buf));
	rpd_devcd_read(dump, seg->paddr + seg->filesz, buf, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpd_devcd *dump;
	uint64_t declared;
	uint8_t *all;
	size_t n;

	/* What the collector learns from a dump's first read, any prefix. */
	rpd_devcd_declared_size(data, size, &declared);
	rpd_devcd_declared_size(data, size / 2, &declared);
	if (rpd_devcd_open_mem(data, size, "fuzz", &dump) < 0)
		return 0;
	rpd_devcd_layout(dump);
	rpd_devcd_ident(dump);
	rpd_devcd_truncated(dump);
	if (rpd_devcd_data_offset(dump) > size)
		__builtin_trap();
	rpd_devcd_info(dump, "name");
	rpd_devcd_info(dump, "firmware");
	rpd_devcd_info(dump, "");

	n = rpd_devcd_nsegments(dump);
	for (size_t i = 0; i < n; i++) {
		const struct rpd_segment *seg = rpd_devcd_segment(dump, i);

		if (seg->filesz > seg->memsz || seg->filesz > size)
			__builtin_trap();
		read_around(dump, seg);
		/* All that the file holds must read back. */
		all = malloc(seg->filesz ? seg->filesz : 1);
		if (all &&
		    rpd_devcd_read(dump, seg->paddr, all, seg->filesz) < 0)
			__builtin_trap();
		free(all);
	}
	rpd_devcd_segment(dump, n);
	rpd_devcd_free(dump);
	return 0;
}
