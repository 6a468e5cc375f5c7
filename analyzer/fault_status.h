/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fault_status.h - the Cortex-M fault status registers (CFSR, HFSR) and
 * exception numbers, decoded into words.
 */
#ifndef RPD_FAULT_STATUS_H
#define RPD_FAULT_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One status bit: where it lives, its ARM name and what it means. */
struct fault_bit {
	const char *reg;	 /* "MMFSR", "BFSR", "UFSR" or "HFSR" */
	uint32_t mask;		 /* in CFSR or HFSR */
	const char *name;	 /* "DIVBYZERO" */
	const char *explanation; /* "divide by zero" */
};

#define FAULT_MAX_BITS 24

struct fault_status {
	uint32_t cfsr, hfsr;
	const struct fault_bit *bits[FAULT_MAX_BITS]; /* set bits, CFSR first */
	size_t nbits;
	bool mmfar_valid, bfar_valid;
	uint32_t mmfar, bfar;
};

/* Decodes CFSR and HFSR; MMFAR and BFAR are kept only when marked valid. */
void fault_status_decode(uint32_t cfsr, uint32_t hfsr, uint32_t mmfar,
			 uint32_t bfar, struct fault_status *fs);

/*
 * The bit that best says what went wrong: the first set bit that is not a
 * "the address register is valid" flag, or NULL when none is set.
 */
const struct fault_bit *fault_status_cause(const struct fault_status *fs);

/* "NMI", "HardFault", "IRQ 5"...: the name of ARMv7-M exception number n,
 * written to buf (at least 16 bytes), which is returned. */
const char *exception_name(uint32_t n, char *buf, size_t size);

#endif
