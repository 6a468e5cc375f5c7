/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * segment_plan.h - which bytes of a devcoredump become which segment of the
 * stored core.
 *
 * The kernel dumps memory regions by device address (p_paddr = p_vaddr = da)
 * with no notion of what the firmware put where. The plan maps each firmware
 * PT_LOAD onto the dumped bytes at the address its CPU uses (p_vaddr), so
 * that the core's segments carry the firmware's addresses and flags, and
 * keeps every dumped byte no firmware segment describes (stacks, heaps,
 * .data's load image, trace buffers) as segments of their own.
 *
 * The plan lists PT_LOADs in the order of their bytes in the dump, so the
 * conversion reads the dump once from start to end.
 */
#ifndef RPD_SEGMENT_PLAN_H
#define RPD_SEGMENT_PLAN_H

#include "core_format.h"
#include "rproc/rprocdump.h"

struct rpd_planned_segment {
	struct rpd_segment
		load;	    /* load.offset: where its bytes are in the dump */
	uint64_t source_da; /* device address the bytes come from */
	int32_t firmware_index; /* firmware segment, or -1 */
	uint32_t map_flags;	/* RPD_SEGMAP_* of core_format.h */
	bool is_load;		/* false: a NOT_DUMPED firmware segment */
};

struct rpd_segment_plan {
	struct rpd_planned_segment *segs; /* loads in dump order, then the rest */
	size_t n;			  /* entries */
	size_t nloads; /* the first nloads entries are loads */
};

/* Plans the core's segments; fw NULL keeps the dump's own segments. */
int rpd_plan_segments(const struct rpd_devcd *dump,
		      const struct rpd_firmware *fw,
		      struct rpd_segment_plan *plan);
void rpd_segment_plan_clear(struct rpd_segment_plan *plan);

#endif /* RPD_SEGMENT_PLAN_H */
