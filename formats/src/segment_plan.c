// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * segment_plan.c - map a devcoredump's memory onto the firmware's segments.
 *
 * A firmware segment's contents, as the remote CPU last saw them, live at its
 * p_vaddr: the kernel loaded the image at p_paddr, but for .data with a
 * load address in flash the startup code copied it to p_vaddr, and that copy
 * is the one the program changed. So each firmware PT_LOAD takes the dumped
 * bytes at p_vaddr, split where the dump's regions end, and whatever dumped
 * memory no firmware segment claims is kept at its own device address.
 */
#include <stdio.h>

#include "segment_plan.h"
#include "util.h"

/* A growable array of planned segments. */
static int plan_append(struct rpd_segment_plan *plan, size_t *cap,
		       const struct rpd_planned_segment *ps)
{
	if (plan->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct rpd_planned_segment *segs;

		if (ncap > SIZE_MAX / sizeof(*segs))
			return rpd_fail(-ENOMEM,
					"segment plan: too many segments");
		segs = realloc(plan->segs, ncap * sizeof(*segs));
		if (!segs)
			return rpd_fail(-ENOMEM, "segment plan: out of memory");
		plan->segs = segs;
		*cap = ncap;
	}
	plan->segs[plan->n++] = *ps;
	return 0;
}

/* The dump segment whose captured bytes contain da, or -1. */
static ssize_t dump_segment_at(const struct rpd_devcd *dump, uint64_t da)
{
	for (size_t j = 0; j < rpd_devcd_nsegments(dump); j++) {
		const struct rpd_segment *d = rpd_devcd_segment(dump, j);

		if (da >= d->paddr && da - d->paddr < d->filesz)
			return (ssize_t)j;
	}
	return -1;
}

/*
 * Plans the pieces of firmware segment fi: runs of dumped bytes starting at
 * its p_vaddr, following the dump from region to region while they are
 * contiguous in device addresses. The last piece keeps the rest of p_memsz,
 * so that the core still describes the whole segment.
 */
static int plan_firmware_segment(const struct rpd_devcd *dump,
				 const struct rpd_segment *fs, int32_t fi,
				 struct rpd_segment_plan *plan, size_t *cap)
{
	uint64_t done = 0;
	size_t first = plan->n;
	int r;

	while (done < fs->memsz) {
		uint64_t da = fs->vaddr + done;
		ssize_t j = dump_segment_at(dump, da);
		const struct rpd_segment *d;
		struct rpd_planned_segment ps;
		uint64_t n;

		if (j < 0)
			break;
		d = rpd_devcd_segment(dump, (size_t)j);
		n = MIN(fs->memsz - done, d->filesz - (da - d->paddr));
		ps = (struct rpd_planned_segment){
			.load = { .vaddr = da,
				  .paddr = fs->paddr + done,
				  .memsz = n,
				  .filesz = n,
				  .offset = d->offset + (da - d->paddr),
				  .flags = fs->flags },
			.source_da = da,
			.firmware_index = fi,
			.map_flags = RPD_SEGMAP_FROM_FIRMWARE,
			.is_load = true,
		};
		r = plan_append(plan, cap, &ps);
		if (r < 0)
			return r;
		done += n;
	}

	if (plan->n == first) {
		struct rpd_planned_segment ps = {
			.load = *fs,
			.source_da = fs->vaddr,
			.firmware_index = fi,
			.map_flags = RPD_SEGMAP_FROM_FIRMWARE |
				     RPD_SEGMAP_NOT_DUMPED,
			.is_load = false,
		};

		ps.load.filesz = 0;
		ps.load.offset = 0;
		return plan_append(plan, cap, &ps);
	}
	if (done < fs->memsz) {
		struct rpd_planned_segment *last = &plan->segs[plan->n - 1];

		last->load.memsz += fs->memsz - done;
		for (size_t k = first; k < plan->n; k++)
			plan->segs[k].map_flags |= RPD_SEGMAP_PARTIAL;
	}
	return 0;
}

static int cmp_by_source(const void *a, const void *b)
{
	const struct rpd_planned_segment *x = a, *y = b;

	if (x->is_load != y->is_load)
		return x->is_load ? -1 : 1;
	if (x->load.offset != y->load.offset)
		return x->load.offset < y->load.offset ? -1 : 1;
	return 0;
}

/*
 * Adds the bytes of dump segment d that no firmware piece took. The pieces
 * planned so far are sorted by dump offset, which within one dump segment is
 * also device-address order.
 */
static int plan_undescribed(const struct rpd_segment *d, size_t nplanned,
			    struct rpd_segment_plan *plan, size_t *cap)
{
	uint64_t pos = d->offset, end = d->offset + d->filesz;

	for (size_t k = 0; k <= nplanned && pos < end; k++) {
		uint64_t next = end, resume = end;

		if (k < nplanned) {
			const struct rpd_segment *p = &plan->segs[k].load;

			if (!plan->segs[k].is_load ||
			    p->offset + p->filesz <= pos || p->offset >= end)
				continue;
			next = p->offset;
			resume = p->offset + p->filesz;
		}
		if (next > pos) {
			uint64_t da = d->paddr + (pos - d->offset);
			struct rpd_planned_segment ps = {
				.load = { .vaddr = da,
					  .paddr = da,
					  .memsz = next - pos,
					  .filesz = next - pos,
					  .offset = pos,
					  .flags = d->flags },
				.source_da = da,
				.firmware_index = -1,
				.map_flags = RPD_SEGMAP_UNDESCRIBED,
				.is_load = true,
			};
			int r = plan_append(plan, cap, &ps);

			if (r < 0)
				return r;
		}
		pos = MAX(pos, resume);
	}
	return 0;
}

/* The firmware's segments first, then what else the dump holds. */
static int plan_all(const struct rpd_devcd *dump, const struct rpd_firmware *fw,
		    struct rpd_segment_plan *plan)
{
	size_t cap = 0, nfirmware;
	int r;

	for (size_t i = 0; fw && i < rpd_firmware_nsegments(fw); i++) {
		r = plan_firmware_segment(dump, rpd_firmware_segment(fw, i),
					  (int32_t)i, plan, &cap);
		if (r < 0)
			return r;
	}

	nfirmware = plan->n;
	if (nfirmware)
		qsort(plan->segs, nfirmware, sizeof(*plan->segs),
		      cmp_by_source);
	for (size_t j = 0; j < rpd_devcd_nsegments(dump); j++) {
		r = plan_undescribed(rpd_devcd_segment(dump, j), nfirmware,
				     plan, &cap);
		if (r < 0)
			return r;
	}

	if (plan->n)
		qsort(plan->segs, plan->n, sizeof(*plan->segs), cmp_by_source);
	for (size_t k = 0; k < plan->n && plan->segs[k].is_load; k++)
		plan->nloads++;
	return 0;
}

int rpd_plan_segments(const struct rpd_devcd *dump,
		      const struct rpd_firmware *fw,
		      struct rpd_segment_plan *plan)
{
	int r;

	*plan = (struct rpd_segment_plan){ 0 };
	r = plan_all(dump, fw, plan);
	if (r < 0)
		rpd_segment_plan_clear(plan);
	return r;
}

void rpd_segment_plan_clear(struct rpd_segment_plan *plan)
{
	free(plan->segs);
	*plan = (struct rpd_segment_plan){ 0 };
}
