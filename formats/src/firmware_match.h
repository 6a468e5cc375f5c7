/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * firmware_match.h - is this the firmware the remote was running?
 */
#ifndef RPD_FIRMWARE_MATCH_H
#define RPD_FIRMWARE_MATCH_H

#include "rproc/rprocdump.h"

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

/* Lower-case hex of a build-id into out (2 * len + 1 bytes). */
void rpd_hex(const uint8_t *id, size_t len, char *out);

#endif /* RPD_FIRMWARE_MATCH_H */
