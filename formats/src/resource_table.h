/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resource_table.h - the remoteproc resource table of a firmware image
 * (the .resource_table section), parsed and validated as the kernel does
 * before it boots the firmware.
 */
#ifndef RPD_RESOURCE_TABLE_H
#define RPD_RESOURCE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rproc/rprocdump.h"

/* What librprocdump needs from a resource table. */
struct rpd_rsc_table {
	/* RSC_TRACE entries, in table order */
	struct rpd_trace_desc *traces;
	size_t ntraces;
	/* The first RPROC_RSC_CRASH_RECORD entry, if any */
	bool have_crash_record;
	uint64_t crash_record_da;
	uint64_t crash_record_len;
};

/*
 * Parses the table in buf[0..size), which must stay the caller's. name
 * prefixes error messages ("fw.elf: .resource_table"). On failure *out is
 * left empty.
 */
int rpd_rsc_table_parse(const void *buf, size_t size, const char *name,
			struct rpd_rsc_table *out);
void rpd_rsc_table_release(struct rpd_rsc_table *table);

#endif /* RPD_RESOURCE_TABLE_H */
