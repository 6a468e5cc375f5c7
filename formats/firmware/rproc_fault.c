/* SPDX-License-Identifier: MIT */
/*
 * rproc_fault.c - fill the crash record from an ARMv7-M exception.
 *
 * rproc_fault_entry (rproc_fault_entry.S) stores r4-r11 and hands over the
 * stack pointers and EXC_RETURN as they were at exception entry; everything
 * else comes from the frame the hardware stacked and from the SCB fault
 * status registers. Freestanding: no libc.
 */
#include <stddef.h>
#include <stdint.h>

#include "rproc_fault.h"

/* System control block registers (ARMv7-M ARM, B3.2). */
#define SCB_CCR (*(volatile uint32_t *)0xe000ed14u)
#define SCB_SHCSR (*(volatile uint32_t *)0xe000ed24u)
#define SCB_CFSR (*(volatile uint32_t *)0xe000ed28u)
#define SCB_HFSR (*(volatile uint32_t *)0xe000ed2cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xe000ed34u)
#define SCB_BFAR (*(volatile uint32_t *)0xe000ed38u)

#define CCR_DIV_0_TRP (1u << 4)
#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)

#define CFSR_MMFSR_MASK 0x000000ffu
#define CFSR_BFSR_MASK 0x0000ff00u
#define CFSR_UFSR_MASK 0xffff0000u
#define CFSR_MSTKERR (1u << 4) /* MemManage on stacking */
#define CFSR_STKERR (1u << 12) /* BusFault on stacking */

#define EXC_RETURN_SPSEL (1u << 2) /* frame is on the PSP */
#define EXC_RETURN_FTYPE (1u << 4) /* 0: extended (FP) frame */
#define XPSR_STKALIGN (1u << 9)	   /* 4 bytes of alignment padding */

#define FRAME_BASIC_SIZE 0x20u /* r0-r3, r12, lr, pc, xpsr */
#define FRAME_FP_EXTRA 0x48u   /* s0-s15, fpscr, reserved */

enum {
	EXC_NMI = 2,
	EXC_HARDFAULT = 3,
	EXC_MEMMANAGE = 4,
	EXC_BUSFAULT = 5,
	EXC_USAGEFAULT = 6,
	EXC_SVCALL = 11,
};

/* rproc_fault_entry.S stores r4-r11 here without the C struct at hand. */
#define RPROC_CRASH_R4_OFFSET 0x28
_Static_assert(offsetof(struct rproc_crash_record, regs.r[4]) ==
		       RPROC_CRASH_R4_OFFSET,
	       "rproc_fault_entry.S r4 offset");

struct rproc_crash_record rproc_crash_record;

/*
 * Set by the entry when a capture starts, never cleared: the core stays
 * halted after a crash, and a fault inside the capture or in the notify
 * hook must not overwrite the record of the first one.
 */
uint32_t rproc_crash_busy;

/* What rproc_crash_raise() asks the SVC it is about to execute to record. */
static struct {
	uint16_t reason;
	const char *message;
} rproc_crash_pending;

void rproc_crash_capture(uint32_t msp, uint32_t psp, uint32_t exc_return)
	__attribute__((noreturn, used));

static inline void rproc_dmb(void)
{
	__asm__ volatile("dmb" ::: "memory");
}

static inline uint32_t rproc_read_ipsr(void)
{
	uint32_t ipsr;

	__asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
	return ipsr & 0x1ffu;
}

void rproc_crash_enable_faults(void)
{
	SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
	SCB_CCR |= CCR_DIV_0_TRP;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

__attribute__((weak)) void rproc_crash_notify_host(void)
{
}

void rproc_crash_halted(void)
{
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}

void rproc_crash_raise(uint16_t reason, const char *message)
{
	rproc_crash_pending.reason = reason;
	rproc_crash_pending.message = message;
	__asm__ volatile("svc #0" ::: "memory");
	/* The capture never returns here; this keeps the promise of noreturn. */
	rproc_crash_halted();
}

/* Appends @s to @buf (of @size bytes) at @len; returns the new length. */
static size_t append_string(char *buf, size_t size, size_t len, const char *s)
{
	for (; *s && len < size - 1; s++)
		buf[len++] = *s;
	buf[len] = '\0';
	return len;
}

static size_t append_unsigned(char *buf, size_t size, size_t len,
			      unsigned int value)
{
	char digits[12];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	while (n && len < size - 1)
		buf[len++] = digits[--n];
	buf[len] = '\0';
	return len;
}

void rproc_crash_assert(const char *file, unsigned int line)
{
	char msg[RPROC_CRASH_MESSAGE_MAX];
	const char *base = file ? file : "?";
	const char *p;
	size_t len;

	/* Directories would only eat the record's 63 characters. */
	for (p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	len = append_string(msg, sizeof(msg), 0, base);
	len = append_string(msg, sizeof(msg), len, ":");
	append_unsigned(msg, sizeof(msg), len, line);
	rproc_crash_raise(RPROC_CRASH_REASON_ASSERT, msg);
}

/*
 * A HardFault with FORCED set is an escalated configurable fault (its
 * handler was disabled or could not preempt); the CFSR says which one.
 */
static uint16_t reason_from_cfsr(uint32_t cfsr)
{
	if (cfsr & CFSR_MMFSR_MASK)
		return RPROC_CRASH_REASON_MEMMANAGE;
	if (cfsr & CFSR_BFSR_MASK)
		return RPROC_CRASH_REASON_BUSFAULT;
	if (cfsr & CFSR_UFSR_MASK)
		return RPROC_CRASH_REASON_USAGEFAULT;
	return RPROC_CRASH_REASON_HARDFAULT;
}

/* An SVC raised from an interrupt handler arrives as a HardFault. */
static int crash_was_raised(uint32_t exc_number)
{
	return rproc_crash_pending.reason != RPROC_CRASH_REASON_UNKNOWN &&
	       (exc_number == EXC_SVCALL || exc_number == EXC_HARDFAULT);
}

static uint16_t crash_reason(uint32_t exc_number, uint32_t cfsr)
{
	if (crash_was_raised(exc_number))
		return rproc_crash_pending.reason;

	switch (exc_number) {
	case EXC_HARDFAULT:
		return reason_from_cfsr(cfsr);
	case EXC_MEMMANAGE:
		return RPROC_CRASH_REASON_MEMMANAGE;
	case EXC_BUSFAULT:
		return RPROC_CRASH_REASON_BUSFAULT;
	case EXC_USAGEFAULT:
		return RPROC_CRASH_REASON_USAGEFAULT;
	case EXC_SVCALL:
		/* An SVC nobody asked for. */
		return RPROC_CRASH_REASON_PANIC;
	default:
		/* NMI or an interrupt: only a watchdog is wired to the entry. */
		return RPROC_CRASH_REASON_WATCHDOG;
	}
}

static const char *exception_name(uint32_t exc_number)
{
	switch (exc_number) {
	case EXC_NMI:
		return "NMI";
	case EXC_HARDFAULT:
		return "HardFault";
	case EXC_MEMMANAGE:
		return "MemManage";
	case EXC_BUSFAULT:
		return "BusFault";
	case EXC_USAGEFAULT:
		return "UsageFault";
	case EXC_SVCALL:
		return "SVCall";
	default:
		return "interrupt";
	}
}

static void set_message(char *dst, const char *src)
{
	size_t i = 0;

	if (src)
		for (; i < RPROC_CRASH_MESSAGE_MAX - 1 && src[i]; i++)
			dst[i] = src[i];
	for (; i < RPROC_CRASH_MESSAGE_MAX; i++)
		dst[i] = '\0';
}

/*
 * The state before exception entry: r0-r3, r12, lr, pc and xpsr were
 * stacked by the hardware; sp is the frame address with the frame (and
 * its alignment padding) popped again.
 */
static void capture_frame(struct rproc_crash_regs_armv7m *regs,
			  const volatile uint32_t *frame, uint32_t exc_return)
{
	uint32_t size = FRAME_BASIC_SIZE;
	unsigned int i;

	for (i = 0; i < 4; i++)
		regs->r[i] = frame[i];
	regs->r[12] = frame[4];
	regs->lr = frame[5];
	regs->pc = frame[6];
	regs->xpsr = frame[7];

	if (regs->xpsr & XPSR_STKALIGN)
		size += 4;
	if (!(exc_return & EXC_RETURN_FTYPE))
		size += FRAME_FP_EXTRA;
	regs->sp = (uint32_t)(uintptr_t)frame + size;
}

/**
 * rproc_crash_capture() - complete the record started by rproc_fault_entry
 * @msp: main stack pointer at exception entry
 * @psp: process stack pointer at exception entry
 * @exc_return: the EXC_RETURN value the entry found in lr
 *
 * Reached by a branch from rproc_fault_entry with lr still holding
 * EXC_RETURN, so a debugger stopped in here unwinds into the crashed code.
 * The entry has already cleared the magic and stored r4-r11.
 */
void rproc_crash_capture(uint32_t msp, uint32_t psp, uint32_t exc_return)
{
	struct rproc_crash_record *rec = &rproc_crash_record;
	struct rproc_crash_regs_armv7m *regs = &rec->regs;
	uint32_t exc_number = rproc_read_ipsr();
	uint32_t frame = (exc_return & EXC_RETURN_SPSEL) ? psp : msp;
	uint32_t flags = 0;

	rec->version = RPROC_CRASH_RECORD_VERSION;
	rec->size = sizeof(*rec);
	rec->arch = RPROC_CRASH_ARCH_ARMV7M;
	rec->sequence++;
	rec->exc_number = exc_number;

	regs->cfsr = SCB_CFSR;
	regs->hfsr = SCB_HFSR;
	regs->mmfar = SCB_MMFAR;
	regs->bfar = SCB_BFAR;
	regs->msp = msp;
	regs->psp = psp;
	regs->exc_return = exc_return;
	regs->handler_pc = (uint32_t)(uintptr_t)&rproc_fault_entry & ~1u;

	/* A stacking error means the hardware never wrote the frame. */
	if (!(regs->cfsr & (CFSR_MSTKERR | CFSR_STKERR))) {
		capture_frame(regs, (const volatile uint32_t *)(uintptr_t)frame,
			      exc_return);
		flags |= RPROC_CRASH_F_FRAME_VALID;
	} else {
		regs->sp = frame; /* where the frame should have been */
	}
	if (!(exc_return & EXC_RETURN_FTYPE))
		flags |= RPROC_CRASH_F_FP_FRAME;
	if (exc_return & EXC_RETURN_SPSEL)
		flags |= RPROC_CRASH_F_PSP;
	rec->flags = flags;

	rec->reason = crash_reason(exc_number, regs->cfsr);
	if (crash_was_raised(exc_number))
		set_message(rec->message, rproc_crash_pending.message);
	else
		set_message(rec->message, exception_name(exc_number));

	/* Every field must be visible before the magic says "complete". */
	rproc_dmb();
	rec->magic = RPROC_CRASH_RECORD_MAGIC;
	rproc_dmb();

	rproc_crash_notify_host();
	rproc_crash_halted();
}
