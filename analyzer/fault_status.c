// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fault_status.c - Cortex-M fault status in words.
 *
 * The bit layouts are those of the ARMv7-M Architecture Reference Manual
 * (B3.2.15-B3.2.18: CFSR = UFSR:BFSR:MMFSR, HFSR), plus STKOF, which
 * ARMv8-M mainline adds to the UFSR. The explanations say what a developer
 * should look at, not only what the acronym stands for.
 */
#include <stdio.h>

#include "fault_status.h"
#include "macro.h"

#define MMARVALID (1u << 7)
#define BFARVALID (1u << 15)

static const struct fault_bit cfsr_bits[] = {
	{ "MMFSR", 1u << 0, "IACCVIOL",
	  "instruction fetch from a location the MPU or XN forbids" },
	{ "MMFSR", 1u << 1, "DACCVIOL",
	  "data access violation: load or store to a forbidden address" },
	{ "MMFSR", 1u << 3, "MUNSTKERR",
	  "MPU fault while unstacking on exception return" },
	{ "MMFSR", 1u << 4, "MSTKERR",
	  "MPU fault while stacking on exception entry: stack overflow?" },
	{ "MMFSR", 1u << 5, "MLSPERR",
	  "MPU fault during lazy floating-point state preservation" },
	{ "MMFSR", MMARVALID, "MMARVALID", "MMFAR holds the faulting address" },
	{ "BFSR", 1u << 8, "IBUSERR", "bus error on instruction fetch" },
	{ "BFSR", 1u << 9, "PRECISERR",
	  "precise data bus error: BFAR names the address" },
	{ "BFSR", 1u << 10, "IMPRECISERR",
	  "imprecise data bus error: the pc is past the faulting store" },
	{ "BFSR", 1u << 11, "UNSTKERR",
	  "bus error while unstacking on exception return" },
	{ "BFSR", 1u << 12, "STKERR",
	  "bus error while stacking on exception entry: stack overflow?" },
	{ "BFSR", 1u << 13, "LSPERR",
	  "bus error during lazy floating-point state preservation" },
	{ "BFSR", BFARVALID, "BFARVALID", "BFAR holds the faulting address" },
	{ "UFSR", 1u << 16, "UNDEFINSTR", "undefined instruction" },
	{ "UFSR", 1u << 17, "INVSTATE",
	  "invalid state: branch to an address without the Thumb bit" },
	{ "UFSR", 1u << 18, "INVPC",
	  "invalid pc or EXC_RETURN on exception return" },
	{ "UFSR", 1u << 19, "NOCP",
	  "coprocessor (FPU) access while it is disabled or absent" },
	{ "UFSR", 1u << 20, "STKOF", "stack overflow (ARMv8-M stack limit)" },
	{ "UFSR", 1u << 24, "UNALIGNED",
	  "unaligned access while CCR.UNALIGN_TRP is set" },
	{ "UFSR", 1u << 25, "DIVBYZERO",
	  "divide by zero (CCR.DIV_0_TRP is set)" },
};

static const struct fault_bit hfsr_bits[] = {
	{ "HFSR", 1u << 1, "VECTTBL",
	  "bus fault reading the vector table on exception entry" },
	{ "HFSR", 1u << 30, "FORCED",
	  "escalated configurable fault: see CFSR for the cause" },
	{ "HFSR", 1u << 31, "DEBUGEVT", "debug event with the debugger off" },
};

static void add_set_bits(struct fault_status *fs, uint32_t value,
			 const struct fault_bit *table, size_t n)
{
	for (size_t i = 0; i < n && fs->nbits < FAULT_MAX_BITS; i++)
		if (value & table[i].mask)
			fs->bits[fs->nbits++] = &table[i];
}

void fault_status_decode(uint32_t cfsr, uint32_t hfsr, uint32_t mmfar,
			 uint32_t bfar, struct fault_status *fs)
{
	*fs = (struct fault_status){ .cfsr = cfsr, .hfsr = hfsr };
	add_set_bits(fs, cfsr, cfsr_bits, ARRAY_SIZE(cfsr_bits));
	add_set_bits(fs, hfsr, hfsr_bits, ARRAY_SIZE(hfsr_bits));
	/* The address registers are shared with other uses: without the
	 * valid bit their contents mean nothing. */
	fs->mmfar_valid = cfsr & MMARVALID;
	fs->mmfar = fs->mmfar_valid ? mmfar : 0;
	fs->bfar_valid = cfsr & BFARVALID;
	fs->bfar = fs->bfar_valid ? bfar : 0;
}

const struct fault_bit *fault_status_cause(const struct fault_status *fs)
{
	for (size_t i = 0; i < fs->nbits; i++) {
		uint32_t mask = fs->bits[i]->mask;

		/* FORCED only says "look at the CFSR", which came first. */
		if (mask != MMARVALID && mask != BFARVALID)
			return fs->bits[i];
	}
	return NULL;
}

const char *exception_name(uint32_t n, char *buf, size_t size)
{
	static const char *const names[16] = {
		[0] = "thread mode",   [1] = "Reset",	    [2] = "NMI",
		[3] = "HardFault",     [4] = "MemManage",   [5] = "BusFault",
		[6] = "UsageFault",    [7] = "SecureFault", [11] = "SVCall",
		[12] = "DebugMonitor", [14] = "PendSV",	    [15] = "SysTick",
	};

	if (n < 16 && names[n])
		snprintf(buf, size, "%s", names[n]);
	else if (n >= 16)
		snprintf(buf, size, "IRQ %u", n - 16);
	else
		snprintf(buf, size, "reserved %u", n);
	return buf;
}
