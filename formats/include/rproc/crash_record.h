/* SPDX-License-Identifier: MIT */
/*
 * crash_record.h - the crash record a remote processor's firmware leaves in
 * its own RAM when it faults, for the host to find in a crash dump.
 *
 * Freestanding C: firmware includes this file with nothing but <stdint.h>.
 * The layout is fixed (little-endian, natural alignment, no padding) and
 * described in rproc-core(5); the host reads it byte by byte, never through
 * this struct, so host and firmware need not share a compiler.
 *
 * Protocol: the writer clears @magic, fills every other field, issues a data
 * memory barrier and writes @magic last. A record whose magic is not
 * RPROC_CRASH_RECORD_MAGIC is incomplete and must be ignored.
 *
 * The host finds the record through the firmware symbol "rproc_crash_record"
 * or through a vendor resource-table entry of type RPROC_RSC_CRASH_RECORD
 * (struct rproc_rsc_crash_record) naming its device address and size.
 */
#ifndef RPROC_CRASH_RECORD_H
#define RPROC_CRASH_RECORD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RPROC_CRASH_RECORD_MAGIC 0x48535243u /* "CRSH" in memory order */
#define RPROC_CRASH_RECORD_VERSION 1u
#define RPROC_CRASH_RECORD_SYMBOL "rproc_crash_record"
#define RPROC_CRASH_MESSAGE_MAX 64

/* Resource-table vendor entry type (RSC_VENDOR_START + 0x52 'R'). */
#define RPROC_RSC_CRASH_RECORD 210u

enum rproc_crash_arch {
	RPROC_CRASH_ARCH_NONE = 0,
	RPROC_CRASH_ARCH_ARMV7M = 1, /* also ARMv6-M and ARMv8-M mainline */
};

enum rproc_crash_reason {
	RPROC_CRASH_REASON_UNKNOWN = 0,
	RPROC_CRASH_REASON_HARDFAULT = 1,
	RPROC_CRASH_REASON_MEMMANAGE = 2,
	RPROC_CRASH_REASON_BUSFAULT = 3,
	RPROC_CRASH_REASON_USAGEFAULT = 4,
	RPROC_CRASH_REASON_WATCHDOG = 5,
	RPROC_CRASH_REASON_ASSERT = 6,
	RPROC_CRASH_REASON_STACK_OVERFLOW = 7,
	RPROC_CRASH_REASON_PANIC = 8,
};

/* rproc_crash_record.flags */
#define RPROC_CRASH_F_FRAME_VALID (1u << 0) /* r0-r3, r12, lr, pc, xpsr valid */
#define RPROC_CRASH_F_FP_FRAME (1u << 1)    /* extended (FPU) frame */
#define RPROC_CRASH_F_PSP (1u << 2)	    /* crashed context ran on the PSP */
#define RPROC_CRASH_F_RAISED (1u << 3)	    /* captured at a call, see below */
#define RPROC_CRASH_F_NO_CALLEE_SAVED (1u << 4) /* r4-r11 unknown (0) */

/*
 * ARMv7-M register state of the crashed context. A record is written in one
 * of three ways, which the flags tell apart:
 *
 * - an exception (rproc_fault_entry: faults, watchdog NMI): the state before
 *   exception entry. r0-r3, r12, lr, pc and xpsr come from the frame the
 *   hardware stacked (F_FRAME_VALID unless stacking itself failed), r4-r11
 *   from the handler's first instructions, sp is the stack pointer with the
 *   frame popped again (F_FP_FRAME: an extended frame). msp, psp and
 *   exc_return are the values at handler entry, handler_pc the address of
 *   the handler that took the exception, so that a debugger can show the
 *   handler frame too. exc_number is the handler's IPSR.
 * - a call (rproc_crash_raise(): assert, panic, stack check; F_RAISED): the
 *   state at the first instruction of rproc_crash_raise(). r0-r12, sp and lr
 *   are the caller's (lr its return address), pc is rproc_crash_raise, xpsr
 *   its APSR and IPSR with the Thumb bit; msp and psp are the current ones.
 *   exc_number is the caller's IPSR: 0 in thread mode, the exception number
 *   when raised from a handler. exc_return and handler_pc are 0: there is
 *   no exception frame and no separate handler context.
 * - a frame another handler took (rproc_crash_from_frame(), e.g. from an
 *   RTOS's fatal error hook): as for an exception, except that handler_pc
 *   is 0 (the handler's own state is not known), exc_return is 0 if the
 *   handler did not know it, and F_NO_CALLEE_SAVED says r4-r11 were not
 *   known either and are stored as 0.
 *
 * So handler_pc != 0 means there is a handler context to show (lr =
 * exc_return, sp = msp, pc = handler_pc) above the crashed one.
 */
struct rproc_crash_regs_armv7m {
	uint32_t r[13];	     /* 0x00 r0-r12 */
	uint32_t sp;	     /* 0x34 */
	uint32_t lr;	     /* 0x38 */
	uint32_t pc;	     /* 0x3c */
	uint32_t xpsr;	     /* 0x40 */
	uint32_t msp;	     /* 0x44 */
	uint32_t psp;	     /* 0x48 */
	uint32_t exc_return; /* 0x4c */
	uint32_t handler_pc; /* 0x50 */
	uint32_t cfsr;	     /* 0x54 SCB->CFSR (MMFSR|BFSR|UFSR) */
	uint32_t hfsr;	     /* 0x58 */
	uint32_t mmfar;	     /* 0x5c */
	uint32_t bfar;	     /* 0x60 */
};			     /* 0x64 = 100 bytes */

struct rproc_crash_record {
	uint32_t magic;	     /* 0x00 written last */
	uint16_t version;    /* 0x04 RPROC_CRASH_RECORD_VERSION */
	uint16_t size;	     /* 0x06 bytes valid from the start */
	uint16_t arch;	     /* 0x08 enum rproc_crash_arch */
	uint16_t reason;     /* 0x0a enum rproc_crash_reason */
	uint32_t sequence;   /* 0x0c crashes since power-on, from 1 */
	uint32_t flags;	     /* 0x10 RPROC_CRASH_F_* */
	uint32_t exc_number; /* 0x14 IPSR of the capture (0: thread mode) */
	struct rproc_crash_regs_armv7m regs;   /* 0x18 */
	char message[RPROC_CRASH_MESSAGE_MAX]; /* 0x7c NUL-terminated */
};					       /* 0xbc = 188 bytes */

/* Vendor resource entry pointing at the record (after struct fw_rsc_hdr). */
struct rproc_rsc_crash_record {
	uint32_t da;	   /* device address of the record */
	uint32_t len;	   /* its size in bytes */
	uint32_t reserved; /* must be 0 */
	uint8_t name[32];
} __attribute__((packed));

#define RPROC_CRASH_RECORD_SIZE 188u

/*
 * RPROC_STATIC_ASSERT(name, expr) - fail the build unless @expr holds.
 * _Static_assert in C11, static_assert in C++11; in C99 (where pedantic
 * compilers warn about _Static_assert) an array of size -1, declared extern
 * so that repeating a name declares nothing new. File scope only.
 */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define RPROC_STATIC_ASSERT(name, expr) static_assert(expr, #name)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define RPROC_STATIC_ASSERT(name, expr) _Static_assert(expr, #name)
#else
#define RPROC_STATIC_ASSERT(name, expr) \
	extern char rproc_static_assert_##name[(expr) ? 1 : -1]
#endif

RPROC_STATIC_ASSERT(crash_regs_layout,
		    sizeof(struct rproc_crash_regs_armv7m) == 100);
RPROC_STATIC_ASSERT(crash_record_layout, sizeof(struct rproc_crash_record) ==
						 RPROC_CRASH_RECORD_SIZE);

#ifdef __cplusplus
}
#endif

#endif /* RPROC_CRASH_RECORD_H */
