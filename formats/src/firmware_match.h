/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * firmware_match.h - is this the firmware the remote was running, and is
 * its read-only memory still what the firmware holds?
 */
#ifndef RPD_FIRMWARE_MATCH_H
#define RPD_FIRMWARE_MATCH_H

#include "rproc/rprocdump.h"

/* The memory of a dump or a core: where it has bytes, and reading them. */
struct rpd_dumped_memory {
	size_t (*nsegments)(const void *obj);
	/* [vaddr, vaddr + filesz) of each holds bytes */
	const struct rpd_segment *(*segment)(const void *obj, size_t i);
	int (*read)(const void *obj, uint64_t addr, void *buf, size_t len);
	const void *obj;
};

/*
 * The one comparison of read-only sections with the image, for the
 * converter's firmware check and rpd_core_compare_firmware(): each section
 * at its load address and, with run_copies, at its run address when that
 * differs. Returns the number of checks filled, or a negative errno.
 */
int rpd_compare_readonly(const struct rpd_firmware *fw,
			 const struct rpd_dumped_memory *mem, bool run_copies,
			 struct rpd_readonly_check *checks, size_t max,
			 rpd_difference_fn *on_difference, void *ctx);

struct rpd_match_report {
	enum rpd_firmware_match match;
	uint64_t compared;  /* read-only bytes compared */
	uint64_t differing; /* of which differ */
};

/*
 * Compares the dump with fw: by build-id when the dump carries one (patched
 * layout), else by the contents of the firmware's read-only sections where
 * the kernel loaded them. A few differing bytes mean the same
 * firmware with corrupted memory; many, another build.
 */
int rpd_firmware_match(const struct rpd_devcd *dump,
		       const struct rpd_firmware *fw,
		       struct rpd_match_report *report);

#endif /* RPD_FIRMWARE_MATCH_H */
