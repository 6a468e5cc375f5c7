/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backtrace.h - one thread's symbolized backtrace, from its registers.
 *
 * The registers are unwound with the firmware's DWARF CFI (libdwfl) and
 * the M-profile exception step, falling back to a stack scan where CFI
 * ends; memory is read through librprocdump, so a compressed core is read
 * in place, and bytes the dump lacks come from the firmware image.
 */
#ifndef RPD_BACKTRACE_H
#define RPD_BACKTRACE_H

#include <stdio.h>

#include "analyze.h"
#include "json.h"
#include "symbolize.h"
#include "unwind.h"
#include "unwind_dwfl.h"

/* One line of the backtrace: a source frame at an unwound address. */
struct backtrace_frame {
	uint32_t pc;
	const char *function;
	const char *file;
	int line;
	bool inlined;
	const char *kind; /* "registers", "cfi", "exception", "stack-scan",
			   * "tail-call" */
};

struct backtrace {
	struct unwind_result unwound;
	struct backtrace_frame *frames;
	size_t nframes;
	/* The first frame of the interrupted context: after the first
	 * exception frame, else frame 0; SIZE_MAX when there is none. */
	size_t faulting;
	/* The first frame of the caller of frame 0's function; SIZE_MAX. */
	size_t caller;
};

#define BACKTRACE_EXCEPTION_FRAME "<exception frame>"

/* What every backtrace of one core shares: libdwfl attaches a process's
 * state to a Dwfl only once. */
struct backtracer {
	const struct analyzed_core *ac;
	struct symbolizer *sym; /* NULL without firmware */
	struct dwfl_cfi dc;
	struct unwind_cfi cfi;
	bool have_cfi;
};

/* Set up once per core; @sym may be NULL. Nothing to release. */
void backtracer_init(struct backtracer *b, const struct analyzed_core *ac,
		     struct symbolizer *sym);

/*
 * backtrace_unwind() - unwind and symbolize from regs
 * @b: the core's backtracer
 * @regs: the thread's registers; @known: which of them are known
 *	  (bit n: r[n], bit 16: xPSR)
 * @psp: the process stack pointer when the crash was taken, for an
 *	 exception frame the unwinder meets on the way; NULL if unknown
 * @bt: filled; release with backtrace_release()
 *
 * Return: 0 or -ENOMEM.
 */
int backtrace_unwind(struct backtracer *b, const struct rpd_arm_regs *regs,
		     uint32_t known, const uint32_t *psp, struct backtrace *bt);
void backtrace_release(struct backtrace *bt);

/* "cfi", "stack-scan", or "none" without frames. */
const char *backtrace_method(const struct backtrace *bt);

/* The frames, one per line, each after indent. */
void backtrace_print(FILE *f, const struct backtrace *bt, const char *indent);
/* The frames as the array key. */
void backtrace_json(struct json_writer *j, const char *key,
		    const struct backtrace *bt);

#endif /* RPD_BACKTRACE_H */
