/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * unwind.h - walk an ARMv7-M stack from a register context: call frames by
 * DWARF CFI, exception frames by the EXC_RETURN rules, and a stack scan
 * when neither applies.
 *
 * The unwinder itself knows nothing of libdw: call-frame information comes
 * through struct unwind_cfi (unwind_dwfl.c implements it with libdwfl), and
 * memory through struct unwind_memory. That keeps the part that reads
 * hostile memory small enough to fuzz on its own (tests/fuzz/fuzz_unwind.c).
 */
#ifndef RPD_UNWIND_H
#define RPD_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rproc/rprocdump.h"

enum { ARM_SP = 13, ARM_LR = 14, ARM_PC = 15, ARM_XPSR = 16 };

/* A register set while unwinding: r0-r15 and xPSR, each known or not. */
struct unwind_regs {
	uint32_t r[17]; /* r0-r12, sp, lr, pc, xpsr (ARM_XPSR) */
	uint32_t known; /* bit n: r[n] is known */
};

enum unwind_frame_kind {
	UNWIND_FRAME_CONTEXT,	/* pc of a register context: exact */
	UNWIND_FRAME_CFI,	/* return address found with CFI */
	UNWIND_FRAME_EXCEPTION, /* an exception frame (pc: EXC_RETURN) */
	UNWIND_FRAME_SCAN, /* return address found by stack scan: a guess */
};

struct unwind_frame {
	uint32_t pc;
	uint32_t sp; /* 0 if unknown */
	enum unwind_frame_kind kind;
};

/* Reads target memory: 0, or a negative errno where nothing is there. */
struct unwind_memory {
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	void *ctx;
};

/*
 * Call-frame information. unwind() runs from regs, calling frame() for the
 * first frame (regs themselves) and for every caller it recovers, with the
 * registers it knows there, until frame() returns false or the CFI ends.
 * Returns 0, or a negative errno if it could not start at all.
 */
struct unwind_cfi {
	int (*unwind)(void *ctx, const struct unwind_regs *regs,
		      bool (*frame)(void *arg, const struct unwind_regs *regs),
		      void *arg);
	void *ctx;
};

/* An address range [start, end). */
struct unwind_range {
	uint32_t start, end;
};

#define UNWIND_MAX_CODE_RANGES 16

struct unwind_target {
	struct unwind_memory mem;
	const struct unwind_cfi *cfi; /* NULL: stack scan only */
	/* Where instructions are, for the stack scan's call check. */
	struct unwind_range code[UNWIND_MAX_CODE_RANGES];
	size_t ncode;
	/* The entry function: the outermost frame, unwinding stops there. */
	struct unwind_range entry;
	/* PSP at exception entry, for frames stacked on the process stack. */
	uint32_t psp;
	bool have_psp;
};

#define UNWIND_MAX_FRAMES 128
#define UNWIND_SCAN_BYTES 16384 /* of stack, from the last known sp */

struct unwind_result {
	struct unwind_frame frames[UNWIND_MAX_FRAMES];
	size_t nframes;
	bool guessed; /* some frames come from the stack scan */
	/* The context interrupted by the first exception frame. */
	struct unwind_regs interrupted;
	bool have_interrupted;
	char stop[128]; /* why unwinding ended early, "" if it did not */
};

/* True for the EXC_RETURN values ARMv7-M and ARMv8-M load into lr. */
bool is_exc_return(uint32_t value);

/* The unwinder's register set for an NT_PRSTATUS context. */
void unwind_regs_from_arm(const struct rpd_arm_regs *arm,
			  struct unwind_regs *regs);

/*
 * Unwinds from start down to the entry function, through every exception
 * frame. Never fails: what it could not do is said in res->stop.
 */
void unwind(const struct unwind_target *t, const struct unwind_regs *start,
	    struct unwind_result *res);

#endif
