// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * firmware_match.c - decide whether a firmware image is the one a dump was
 * taken from.
 */
#include <stdio.h>

#include "firmware_match.h"
#include "util.h"

#define COMPARE_CHUNK (64 * 1024)

/*
 * Rebuilt firmware differs almost everywhere (code moves, addresses in
 * literal pools change); corrupted memory differs in a few places. More
 * than one differing byte in this many, beyond the first, means a rebuild.
 */
#define CORRUPTION_RATIO 64

void rpd_hex(const uint8_t *id, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[id[i] >> 4];
		out[2 * i + 1] = digits[id[i] & 15];
	}
	out[2 * len] = '\0';
}

static int match_build_id(const struct rpd_firmware *fw, const char *dumped,
			  struct rpd_match_report *report)
{
	const uint8_t *id;
	size_t len;
	char hex[2 * 64 + 1];

	if (rpd_firmware_build_id(fw, &id, &len) < 0 || len > 64) {
		report->match = RPD_FW_MISMATCH;
		return 0;
	}
	rpd_hex(id, len, hex);
	report->match = strcmp(hex, dumped) ? RPD_FW_MISMATCH : RPD_FW_MATCH;
	return 0;
}

/*
 * Counts differing bytes of one read-only section where the kernel loaded
 * it (a load image is never written, even when the program runs a copy),
 * in bounded chunks.
 */
static int compare_section(const struct rpd_devcd *dump,
			   const struct rpd_firmware *fw,
			   const struct rpd_section *sec,
			   struct rpd_match_report *report)
{
	_cleanup_free_ uint8_t *a = malloc(COMPARE_CHUNK);
	_cleanup_free_ uint8_t *b = malloc(COMPARE_CHUNK);

	if (!a || !b)
		return rpd_fail(-ENOMEM, "comparing firmware: out of memory");

	for (uint64_t off = 0; off < sec->size; off += COMPARE_CHUNK) {
		size_t n =
			(size_t)MIN((uint64_t)COMPARE_CHUNK, sec->size - off);
		int r = rpd_devcd_read(dump, sec->paddr + off, a, n);

		if (r == -ENOENT || r == -ENODATA)
			return 0; /* not dumped (or cut): nothing to compare */
		if (r < 0)
			return r;
		r = rpd_firmware_read(fw, sec->vaddr + off, b, n);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++)
			report->differing += a[i] != b[i];
		report->compared += n;
	}
	return 0;
}

int rpd_firmware_match(const struct rpd_devcd *dump,
		       const struct rpd_firmware *fw,
		       struct rpd_match_report *report)
{
	const char *dumped_id = rpd_devcd_info(dump, "build_id");

	*report = (struct rpd_match_report){ .match = RPD_FW_MISSING };
	if (!fw)
		return 0;
	if (dumped_id && *dumped_id)
		return match_build_id(fw, dumped_id, report);

	for (size_t i = 0; i < rpd_firmware_nreadonly(fw); i++) {
		int r = compare_section(dump, fw, rpd_firmware_readonly(fw, i),
					report);

		if (r < 0)
			return r;
	}

	if (!report->compared)
		report->match = RPD_FW_UNCHECKED;
	else if (!report->differing)
		report->match = RPD_FW_MATCH;
	else if (report->differing <= 1 + report->compared / CORRUPTION_RATIO)
		report->match = RPD_FW_CORRUPTED;
	else
		report->match = RPD_FW_MISMATCH;
	return 0;
}

const char *rpd_firmware_match_name(enum rpd_firmware_match m)
{
	switch (m) {
	case RPD_FW_MISSING:
		return "missing";
	case RPD_FW_UNCHECKED:
		return "unchecked";
	case RPD_FW_MATCH:
		return "match";
	case RPD_FW_CORRUPTED:
		return "corrupted";
	case RPD_FW_MISMATCH:
		return "mismatch";
	}
	return "unknown";
}
