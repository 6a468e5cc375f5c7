/* SPDX-License-Identifier: MIT */
/*
 * rproc_fault.c - fill the crash record (ARMv6-M, ARMv7-M, ARMv7E-M,
 * ARMv8-M mainline).
 *
 * Three ways in, one way out. rproc_fault_entry (rproc_fault_entry.S)
 * stores r4-r11 and hands over the stack pointers and EXC_RETURN as they
 * were at exception entry; the rest comes from the frame the hardware
 * stacked. rproc_crash_raise and rproc_crash_assert (same file) store the
 * caller's registers themselves and hand over their arguments. rproc_crash_from_frame() gets a frame
 * another handler took. All end in complete_record(): fault status, magic,
 * notify, halt. Freestanding: no libc.
 */
#include <stddef.h>
#include <stdint.h>

#include "rproc_fault.h"

/*
 * ARMv6-M (and ARMv8-M baseline) has HardFault only: no configurable
 * faults, no fault status registers, no divide instruction to trap.
 */
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
	defined(__ARM_ARCH_8M_MAIN__)
#define RPROC_HAVE_FAULT_STATUS 1
#else
#define RPROC_HAVE_FAULT_STATUS 0
#endif

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
#define CONTROL_SPSEL (1u << 1)	   /* thread mode runs on the PSP */

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

/* rproc_fault_entry.S stores into the record without the C struct. */
#define RPROC_CRASH_REGS_OFFSET 0x18
#define RPROC_CRASH_R4_OFFSET 0x28
RPROC_STATIC_ASSERT(entry_regs_offset,
		    offsetof(struct rproc_crash_record, regs) ==
			    RPROC_CRASH_REGS_OFFSET);
RPROC_STATIC_ASSERT(entry_r4_offset,
		    offsetof(struct rproc_crash_record, regs.r[4]) ==
			    RPROC_CRASH_R4_OFFSET);
/* rproc_crash_raise stores r0 up to handler_pc in one run of words. */
RPROC_STATIC_ASSERT(entry_regs_run,
		    offsetof(struct rproc_crash_regs_armv7m, handler_pc) ==
			    20 * sizeof(uint32_t));

struct rproc_crash_record rproc_crash_record;

/*
 * Set by the entries when a capture starts, never cleared: the core stays
 * halted after a crash, and a fault inside the capture or in the notify
 * hook must not overwrite the record of the first one.
 */
uint32_t rproc_crash_busy;

/* Reached from rproc_fault_entry.S only. */
void rproc_crash_capture(uint32_t msp, uint32_t psp, uint32_t exc_return)
	__attribute__((noreturn, used));
void rproc_crash_capture_raised(uint16_t reason, const char *message)
	__attribute__((noreturn, used));
void rproc_crash_capture_assert(const char *file, unsigned int line)
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

static inline uint32_t rproc_read_control(void)
{
	uint32_t control;

	__asm__ volatile("mrs %0, control" : "=r"(control));
	return control;
}

static inline uint32_t rproc_read_msp(void)
{
	uint32_t msp;

	__asm__ volatile("mrs %0, msp" : "=r"(msp));
	return msp;
}

static inline uint32_t rproc_read_psp(void)
{
	uint32_t psp;

	__asm__ volatile("mrs %0, psp" : "=r"(psp));
	return psp;
}

void rproc_crash_enable_faults(void)
{
#if RPROC_HAVE_FAULT_STATUS
	SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
	SCB_CCR |= CCR_DIV_0_TRP;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
}

__attribute__((weak)) void rproc_crash_notify_host(void)
{
}

void rproc_crash_halted(void)
{
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
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

/* What an exception that reached a crash capture means. */
static uint16_t exception_reason(uint32_t exc_number, uint32_t cfsr)
{
	switch (exc_number) {
	case 0:
		/* Thread mode: software gave up, no exception involved. */
		return RPROC_CRASH_REASON_PANIC;
	case EXC_HARDFAULT:
		return reason_from_cfsr(cfsr);
	case EXC_MEMMANAGE:
		return RPROC_CRASH_REASON_MEMMANAGE;
	case EXC_BUSFAULT:
		return RPROC_CRASH_REASON_BUSFAULT;
	case EXC_USAGEFAULT:
		return RPROC_CRASH_REASON_USAGEFAULT;
	case EXC_SVCALL:
		/* An SVC nobody asked for: the RTOS owns SVCall, not us. */
		return RPROC_CRASH_REASON_PANIC;
	default:
		/* NMI or an interrupt: only a watchdog is wired to the entry. */
		return RPROC_CRASH_REASON_WATCHDOG;
	}
}

static const char *exception_name(uint32_t exc_number)
{
	switch (exc_number) {
	case 0:
		return "thread mode";
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

/* The fault status registers, 0 where the architecture has none. */
static void capture_fault_status(struct rproc_crash_regs_armv7m *regs)
{
#if RPROC_HAVE_FAULT_STATUS
	regs->cfsr = SCB_CFSR;
	regs->hfsr = SCB_HFSR;
	regs->mmfar = SCB_MMFAR;
	regs->bfar = SCB_BFAR;
#else
	regs->cfsr = 0;
	regs->hfsr = 0;
	regs->mmfar = 0;
	regs->bfar = 0;
#endif
}

/* A stacking error means the hardware never wrote the frame. */
static int frame_was_stacked(const struct rproc_crash_regs_armv7m *regs)
{
	return !(regs->cfsr & (CFSR_MSTKERR | CFSR_STKERR));
}

/*
 * The stack pointer before exception entry: the frame's address with the
 * frame and its alignment padding popped again. The padding word sits above
 * the whole frame, extended or not (ARMv7-M ARM, B1.5.7).
 */
static uint32_t sp_before_frame(uint32_t frame, uint32_t xpsr,
				uint32_t exc_return)
{
	uint32_t size = FRAME_BASIC_SIZE;

	if (exc_return && !(exc_return & EXC_RETURN_FTYPE))
		size += FRAME_FP_EXTRA;
	if (xpsr & XPSR_STKALIGN)
		size += 4;
	return frame + size;
}

/* r0-r3, r12, lr, pc and xpsr, in the order the hardware stacks them. */
static void copy_basic_frame(struct rproc_crash_regs_armv7m *regs,
			     const volatile uint32_t *frame)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		regs->r[i] = frame[i];
	regs->r[12] = frame[4];
	regs->lr = frame[5];
	regs->pc = frame[6];
	regs->xpsr = frame[7];
}

static uint32_t exc_return_flags(uint32_t exc_return)
{
	uint32_t flags = 0;

	if (!exc_return)
		return 0;
	if (!(exc_return & EXC_RETURN_FTYPE))
		flags |= RPROC_CRASH_F_FP_FRAME;
	if (exc_return & EXC_RETURN_SPSEL)
		flags |= RPROC_CRASH_F_PSP;
	return flags;
}

/* The header fields every capture sets the same way. */
static void begin_record(struct rproc_crash_record *rec, uint32_t exc_number)
{
	rec->version = RPROC_CRASH_RECORD_VERSION;
	rec->size = sizeof(*rec);
	rec->arch = RPROC_CRASH_ARCH_ARMV7M;
	rec->sequence++;
	rec->exc_number = exc_number;
	capture_fault_status(&rec->regs);
}

static void __attribute__((noreturn))
complete_record(struct rproc_crash_record *rec)
{
	/* Every field must be visible before the magic says "complete". */
	rproc_dmb();
	rec->magic = RPROC_CRASH_RECORD_MAGIC;
	rproc_dmb();

	rproc_crash_notify_host();
	rproc_crash_halted();
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
	uint32_t flags = exc_return_flags(exc_return);

	begin_record(rec, exc_number);
	regs->msp = msp;
	regs->psp = psp;
	regs->exc_return = exc_return;
	regs->handler_pc = (uint32_t)(uintptr_t)&rproc_fault_entry & ~1u;

	if (frame_was_stacked(regs)) {
		copy_basic_frame(regs,
				 (const volatile uint32_t *)(uintptr_t)frame);
		regs->sp = sp_before_frame(frame, regs->xpsr, exc_return);
		flags |= RPROC_CRASH_F_FRAME_VALID;
	} else {
		regs->sp = frame; /* where the frame should have been */
	}
	rec->flags = flags;
	rec->reason = exception_reason(exc_number, regs->cfsr);
	set_message(rec->message, exception_name(exc_number));
	complete_record(rec);
}

/**
 * rproc_crash_capture_raised() - complete the record rproc_crash_raise began
 * @reason: rproc_crash_raise()'s first argument
 * @message: its second
 *
 * Reached by a branch with lr still holding the return address into
 * rproc_crash_raise()'s caller. The entry has cleared the magic and stored
 * r0-r12, sp, lr, pc, xpsr, msp, psp, exc_return (0) and handler_pc (0),
 * with interrupts masked; nothing here changes the modes or stack pointers.
 */
void rproc_crash_capture_raised(uint16_t reason, const char *message)
{
	struct rproc_crash_record *rec = &rproc_crash_record;
	uint32_t exc_number = rec->regs.xpsr & 0x1ffu;
	uint32_t flags = RPROC_CRASH_F_FRAME_VALID | RPROC_CRASH_F_RAISED;

	begin_record(rec, exc_number);
	if (exc_number == 0 && (rproc_read_control() & CONTROL_SPSEL))
		flags |= RPROC_CRASH_F_PSP;
	rec->flags = flags;
	rec->reason = reason;
	set_message(rec->message, message);
	complete_record(rec);
}

/**
 * rproc_crash_capture_assert() - complete the record rproc_crash_assert began
 * @file: rproc_crash_assert()'s first argument
 * @line: its second
 *
 * As rproc_crash_capture_raised(), with the message "<base name>:<line>".
 */
void rproc_crash_capture_assert(const char *file, unsigned int line)
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
	rproc_crash_capture_raised(RPROC_CRASH_REASON_ASSERT, msg);
}

void rproc_crash_from_frame(uint16_t reason, const char *message,
			    const struct rproc_crash_frame *frame)
{
	struct rproc_crash_record *rec = &rproc_crash_record;
	struct rproc_crash_regs_armv7m *regs = &rec->regs;
	uint32_t exc_number;
	uint32_t flags;
	unsigned int i;

	/* Nothing may run on the crashed context once it is being recorded. */
	__asm__ volatile("cpsid i" ::: "memory");
	if (rproc_crash_busy)
		rproc_crash_halted();
	rproc_crash_busy = 1;
	rec->magic = 0;
	rproc_dmb();

	exc_number = rproc_read_ipsr();
	begin_record(rec, exc_number);
	flags = exc_return_flags(frame->exc_return);
	regs->msp = rproc_read_msp();
	regs->psp = rproc_read_psp();
	if (frame->address && (flags & RPROC_CRASH_F_PSP))
		regs->psp = frame->address;
	else if (frame->address && frame->exc_return)
		regs->msp = frame->address;
	regs->exc_return = frame->exc_return;
	regs->handler_pc = 0;

	copy_basic_frame(regs, frame->basic);
	flags |= RPROC_CRASH_F_FRAME_VALID;
	for (i = 0; i < 8; i++)
		regs->r[4 + i] = frame->callee_saved ? frame->callee_saved[i] :
						       0;
	if (!frame->callee_saved)
		flags |= RPROC_CRASH_F_NO_CALLEE_SAVED;
	regs->sp = frame->address ? sp_before_frame(frame->address, regs->xpsr,
						    frame->exc_return) :
				    0;
	rec->flags = flags;

	if (reason == RPROC_CRASH_REASON_UNKNOWN)
		reason = exception_reason(exc_number, regs->cfsr);
	rec->reason = reason;
	set_message(rec->message,
		    message ? message : exception_name(exc_number));
	complete_record(rec);
}
