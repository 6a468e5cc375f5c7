/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exception_frame.h - find the frame an ARMv7-M/v8-M CPU stacked when it
 * took an exception, in memory alone.
 *
 * When firmware records nothing (its fault handler is a `b .` loop), the
 * registers of the code that crashed are still in RAM: on exception entry
 * the hardware pushes r0-r3, r12, lr, pc and xPSR on the stack in use.
 * Which bytes are that frame is a matter of evidence, not certainty: this
 * file finds every stretch of a stack that looks like one and says how
 * many did; the caller decides what to scan (the running task's stack, the
 * main stack) and labels what it found as recovered, not recorded.
 */
#ifndef RPD_EXCEPTION_FRAME_H
#define RPD_EXCEPTION_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "rproc/rprocdump.h"
#include "target_memory.h"

/* Words of the basic frame; an FP-extended one adds s0-s15, FPSCR and a
 * reserved word. */
#define RPD_EXC_FRAME_WORDS 8
#define RPD_EXC_FRAME_SIZE (RPD_EXC_FRAME_WORDS * 4)
#define RPD_EXC_FRAME_FP_EXTRA (18 * 4)

/* Largest stack scanned: bounds the work a hostile dump can cause. */
#define RPD_EXC_SCAN_MAX (1u << 20)

/* 16 system exceptions and at most 496 interrupts. */
#define RPD_MAX_VECTORS 512

struct rpd_vector_table {
	uint64_t addr;	     /* of the table */
	uint32_t initial_sp; /* word 0: the main stack's top */
	uint32_t nvectors;   /* words 0.. that are the sp or a vector */
};

/*
 * rpd_find_vector_table() - the firmware's vector table
 *
 * The table is aligned to 128 bytes (VTOR's least alignment) in an
 * executable segment, and its word 1, the reset handler, is the ELF entry
 * point. Return: 0, or -ENOENT.
 */
int rpd_find_vector_table(const struct rpd_firmware *fw,
			  struct rpd_vector_table *vt);

struct rpd_exc_frame_scan {
	uint64_t frame; /* address of the chosen frame's r0 slot */
	uint32_t words[RPD_EXC_FRAME_WORDS];
	size_t ncandidates; /* frames that passed every check */
	uint64_t lowest;    /* address of the lowest of them */
	size_t ninitial;    /* rejected: a task's initial frame, never run */
};

/*
 * rpd_find_exception_frame() - the stacked frame in [low, high)
 *
 * Checks every 8-byte aligned address (the CPU aligns frames to 8 bytes)
 * and keeps those whose words are a frame the CPU could have pushed: the
 * stacked xPSR has the Thumb bit and no reserved bit set, pc is halfword
 * aligned in a function of fw (an executable segment, if fw has no
 * function symbols), lr is an EXC_RETURN value or a Thumb return address
 * in a function just after a BL or BLX, and the exception number in the
 * xPSR (that of the code interrupted) has a vector. A frame whose pc is the
 * first instruction of a function with xPSR exactly 0x01000000 is the
 * initial frame an RTOS builds for a task that has not run yet, and is
 * counted apart. Of the rest the highest is chosen: below the live stack
 * pointer lie only dead frames of earlier, deeper calls.
 *
 * Return: 0 with *scan filled, -ENOENT if no frame was found (scan's
 * counts are still filled), or a negative errno.
 */
int rpd_find_exception_frame(const struct rpd_firmware *fw,
			     const struct rpd_memory *mem, uint64_t low,
			     uint64_t high, struct rpd_exc_frame_scan *scan);

/*
 * rpd_exception_frame_regs() - the interrupted context a frame restores
 * @words: the frame
 * @frame: its address
 * @extended: the frame has the FP extension (EXC_RETURN bit 4 clear)
 * @regs: r0-r3, r12, lr, pc, xPSR and sp (the frame and the alignment
 *	  word popped); the rest 0
 *
 * Return: the mask of known registers (bit n for r[n], bit 16 for xPSR).
 */
uint32_t rpd_exception_frame_regs(const uint32_t words[RPD_EXC_FRAME_WORDS],
				  uint64_t frame, bool extended,
				  struct rpd_arm_regs *regs);

#endif /* RPD_EXCEPTION_FRAME_H */
