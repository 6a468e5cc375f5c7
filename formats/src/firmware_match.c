// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * firmware_match.c - decide whether a firmware image is the one a dump was
 * taken from, and compare its read-only sections with dumped memory.
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

struct comparison {
	const struct rpd_firmware *fw;
	const struct rpd_dumped_memory *mem;
	rpd_difference_fn *on_difference;
	void *ctx;
	uint8_t want[COMPARE_CHUNK], got[COMPARE_CHUNK];
};

/*
 * Compares [addr, addr + len) of the memory, which holds the section's
 * bytes from offset off, with the image. Memory that turns out not to be
 * there (a dump cut while it was read) ends the span: it was not dumped.
 */
static int compare_span(struct comparison *cmp, size_t index,
			struct rpd_readonly_check *c, uint64_t addr,
			uint64_t len, uint64_t off)
{
	for (uint64_t done = 0; done < len;) {
		size_t n = (size_t)MIN(len - done, (uint64_t)COMPARE_CHUNK);
		int r = cmp->mem->read(cmp->mem->obj, addr + done, cmp->got, n);

		if (r == -ENOENT || r == -ENODATA)
			return 0;
		if (r < 0)
			return r;
		r = rpd_firmware_read(cmp->fw, c->section->vaddr + off + done,
				      cmp->want, n);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			if (cmp->want[i] == cmp->got[i])
				continue;
			c->differing++;
			if (cmp->on_difference)
				cmp->on_difference(cmp->ctx, index,
						   addr + done + i,
						   cmp->want[i], cmp->got[i]);
		}
		c->compared += n;
		done += n;
	}
	return 0;
}

/* Compares what the memory's segments hold of one copy of a section. */
static int check_copy(struct comparison *cmp, size_t index,
		      struct rpd_readonly_check *c)
{
	uint64_t size = c->section->size;
	size_t n = cmp->mem->nsegments(cmp->mem->obj);

	for (size_t i = 0; i < n; i++) {
		const struct rpd_segment *seg =
			cmp->mem->segment(cmp->mem->obj, i);
		uint64_t lo = MAX(c->base, seg->vaddr);
		uint64_t hi = MIN(c->base + size, seg->vaddr + seg->filesz);
		int r;

		if (lo >= hi)
			continue;
		r = compare_span(cmp, index, c, lo, hi - lo, lo - c->base);
		if (r < 0)
			return r;
	}
	return 0;
}

int rpd_compare_readonly(const struct rpd_firmware *fw,
			 const struct rpd_dumped_memory *mem, bool run_copies,
			 struct rpd_readonly_check *checks, size_t max,
			 rpd_difference_fn *on_difference, void *ctx)
{
	_cleanup_free_ struct comparison *cmp = malloc(sizeof(*cmp));
	size_t n = 0;
	int r;

	if (!cmp)
		return rpd_fail(-ENOMEM, "comparing firmware: out of memory");
	*cmp = (struct comparison){
		.fw = fw, .mem = mem, .on_difference = on_difference, .ctx = ctx
	};
	for (size_t i = 0; i < rpd_firmware_nreadonly(fw); i++) {
		const struct rpd_section *s = rpd_firmware_readonly(fw, i);
		bool two = run_copies && s->paddr != s->vaddr;

		for (int k = 0; k < (two ? 2 : 1); k++) {
			if (n == max)
				return rpd_fail(-ENOBUFS,
						"more than %zu section copies",
						max);
			checks[n] = (struct rpd_readonly_check){
				.section = s,
				.base = k ? s->vaddr : s->paddr,
				.copy = !two ? (run_copies ? "load+run" :
							     "load") :
					k    ? "run" :
					       "load",
			};
			r = check_copy(cmp, n, &checks[n]);
			if (r < 0)
				return r;
			n++;
		}
	}
	return (int)n;
}

/* ---- the converter's check ---- */

static size_t devcd_nsegments(const void *obj)
{
	return rpd_devcd_nsegments(obj);
}

static const struct rpd_segment *devcd_segment(const void *obj, size_t i)
{
	return rpd_devcd_segment(obj, i);
}

static int devcd_read(const void *obj, uint64_t addr, void *buf, size_t len)
{
	return rpd_devcd_read(obj, addr, buf, len);
}

/*
 * Counts differing bytes of the read-only sections where the kernel loaded
 * them (a load image is never written, even when the program runs a
 * copy); the dump's addresses are device addresses.
 */
static int compare_contents(const struct rpd_devcd *dump,
			    const struct rpd_firmware *fw,
			    struct rpd_match_report *report)
{
	const struct rpd_dumped_memory mem = {
		.nsegments = devcd_nsegments,
		.segment = devcd_segment,
		.read = devcd_read,
		.obj = dump,
	};
	size_t max = rpd_firmware_nreadonly(fw);
	_cleanup_free_ struct rpd_readonly_check *checks =
		calloc(max ? max : 1, sizeof(*checks));
	int n;

	if (!checks)
		return rpd_fail(-ENOMEM, "comparing firmware: out of memory");
	n = rpd_compare_readonly(fw, &mem, false, checks, max, NULL, NULL);
	for (int i = 0; i < n; i++) {
		report->compared += checks[i].compared;
		report->differing += checks[i].differing;
	}
	return n < 0 ? n : 0;
}

int rpd_firmware_match(const struct rpd_devcd *dump,
		       const struct rpd_firmware *fw,
		       struct rpd_match_report *report)
{
	const char *dumped_id = rpd_devcd_info(dump, "build_id");
	int r;

	*report = (struct rpd_match_report){ .match = RPD_FW_MISSING };
	if (!fw)
		return 0;
	if (dumped_id && *dumped_id) {
		report->match = rpd_firmware_check_build_id(fw, dumped_id) ==
						RPD_BUILD_ID_MATCH ?
					RPD_FW_MATCH :
					RPD_FW_MISMATCH;
		return 0;
	}

	r = compare_contents(dump, fw, report);
	if (r < 0)
		return r;
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
