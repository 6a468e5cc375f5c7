// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * coredump.c - where Zephyr 3.4's arch/arm/core/aarch32/cortex_m/coredump.c
 * keeps its static arch_blk (struct arm_arch_block, version 2: 17 words),
 * which coredump() fills whatever the backend. The test writes it.
 */
#include <stdint.h>

struct arm_arch_block {
	struct {
		uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr, sp;
		uint32_t r4, r5, r6, r7, r8, r9, r10, r11;
	} r;
} __attribute__((packed));

static struct arm_arch_block arch_blk __attribute__((used));
