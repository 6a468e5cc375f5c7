/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * unwind_dwfl.h - the unwinder's call-frame information from libdwfl.
 */
#ifndef RPD_UNWIND_DWFL_H
#define RPD_UNWIND_DWFL_H

#include <elfutils/libdwfl.h>

#include "unwind.h"

struct dwfl_cfi {
	Dwfl *dwfl;
	struct unwind_memory mem;
	/* the run in progress */
	const struct unwind_regs *start;
	bool (*frame)(void *arg, const struct unwind_regs *regs);
	void *arg;
};

/*
 * Attaches a "process" of one thread to dwfl (which has the firmware
 * reported and nothing attached yet), whose memory is mem, and sets cfi
 * to unwind it. dc must outlive dwfl. Returns 0, or -EINVAL (logged as a
 * warning).
 */
int dwfl_cfi_attach(struct dwfl_cfi *dc, Dwfl *dwfl,
		    const struct unwind_memory *mem, struct unwind_cfi *cfi);

#endif
