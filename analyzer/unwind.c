// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * unwind.c - the ARMv7-M unwinder of rproc-analyze.
 *
 * A stack is walked one register context at a time. Within a context, the
 * CFI gives the callers; when a return address is an EXC_RETURN value, the
 * caller is not a function but the code the exception interrupted, whose
 * registers the hardware stacked (ARMv7-M ARM B1.5.6-B1.5.8). The unwinder
 * reads that frame and starts a new context from it, which is what GDB's
 * arm_m_exception_unwind does and libdwfl cannot do. Where the CFI gives
 * out before the entry function, the stack is scanned for words that are
 * plausible return addresses: a guess, and marked as one.
 *
 * Everything read here comes from a dump, so nothing is trusted: every
 * read may fail, the frame count is bounded and the stack pointer must move
 * up from frame to frame.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "unaligned.h"
#include "unwind.h"

#define REG(n) (1u << (n))
#define CALLEE_SAVED                                                     \
	(REG(4) | REG(5) | REG(6) | REG(7) | REG(8) | REG(9) | REG(10) | \
	 REG(11))

/* EXC_RETURN bits (ARMv7-M ARM B1.5.8) */
#define EXC_RETURN_SPSEL (1u << 2) /* frame on the process stack */
#define EXC_RETURN_FTYPE (1u << 4) /* 0: extended frame with FP state */
#define XPSR_STKALIGN (1u << 9)	   /* 4 bytes of padding above the frame */

#define FRAME_BASIC_SIZE 0x20u /* r0-r3, r12, lr, pc, xpsr */
#define FRAME_FP_EXTRA 0x48u   /* s0-s15, fpscr, reserved word */

#define SCAN_CHUNK 256

struct unwinder {
	const struct unwind_target *t;
	struct unwind_result *res;
	size_t first;		   /* index of the context's first frame */
	struct unwind_regs last;   /* registers of the last frame added */
	struct unwind_regs at_exc; /* of a frame returning to EXC_RETURN */
	bool at_exception;
	bool done; /* entry reached, or cannot go on */
};

bool is_exc_return(uint32_t value)
{
	/* Bit 0 is always set; libdwfl clears it as it does for any Thumb
	 * return address, so only the fixed upper bits are checked. */
	return (value & 0xffffff00u) == 0xffffff00u;
}

void unwind_regs_from_arm(const struct rpd_arm_regs *arm,
			  struct unwind_regs *regs)
{
	memcpy(regs->r, arm->r, sizeof(arm->r));
	regs->r[ARM_XPSR] = arm->xpsr;
	regs->known = REG(17) - 1;
}

static void stop(struct unwinder *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void stop(struct unwinder *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->res->stop, sizeof(u->res->stop), fmt, ap);
	va_end(ap);
	u->done = true;
}

static bool in_range(const struct unwind_range *r, uint32_t addr)
{
	return addr >= r->start && addr < r->end;
}

static bool add_frame(struct unwinder *u, uint32_t pc, uint32_t sp,
		      enum unwind_frame_kind kind)
{
	struct unwind_result *res = u->res;

	if (res->nframes == UNWIND_MAX_FRAMES) {
		stop(u, "more than %d frames", UNWIND_MAX_FRAMES);
		return false;
	}
	res->frames[res->nframes++] =
		(struct unwind_frame){ .pc = pc, .sp = sp, .kind = kind };
	if (kind == UNWIND_FRAME_SCAN)
		res->guessed = true;
	/* A return address points after the call, which may be the first
	 * byte past a noreturn function's end. */
	if (in_range(&u->t->entry, kind == UNWIND_FRAME_CONTEXT ? pc : pc - 1))
		u->done = true;
	return true;
}

/*
 * A caller's frame lies above its callee's on a full-descending stack; the
 * same pc at the same sp would repeat forever.
 */
static bool moves_up(struct unwinder *u, const struct unwind_regs *regs)
{
	const struct unwind_regs *prev = &u->last;
	uint32_t sp = regs->r[ARM_SP], prev_sp = prev->r[ARM_SP];

	if (!(regs->known & prev->known & REG(ARM_SP)))
		return true;
	if (sp < prev_sp) {
		stop(u, "sp 0x%08x below the callee's 0x%08x: corrupt stack",
		     sp, prev_sp);
		return false;
	}
	if (sp == prev_sp && regs->r[ARM_PC] == prev->r[ARM_PC]) {
		stop(u, "frame at pc 0x%08x repeats itself", regs->r[ARM_PC]);
		return false;
	}
	return true;
}

static bool cfi_frame(void *arg, const struct unwind_regs *regs)
{
	struct unwinder *u = arg;
	bool first = u->res->nframes == u->first;
	uint32_t sp = regs->known & REG(ARM_SP) ? regs->r[ARM_SP] : 0;

	if (!(regs->known & REG(ARM_PC)))
		return false;
	/* Only a return address can be EXC_RETURN; a context's own pc there
	 * is just a bad pc, unwound like any other. */
	if (!first && is_exc_return(regs->r[ARM_PC])) {
		u->at_exc = *regs;
		u->at_exception = true;
		return false;
	}
	if (!first && !moves_up(u, regs))
		return false;
	if (!add_frame(u, regs->r[ARM_PC], sp,
		       first ? UNWIND_FRAME_CONTEXT : UNWIND_FRAME_CFI))
		return false;
	u->last = *regs;
	return !u->done;
}

/*
 * exception_step() - continue into the context an exception interrupted
 * @at: registers of the frame whose return address is EXC_RETURN
 * @exc_return: that return address
 * @next: the interrupted context
 *
 * The hardware stacked r0-r3, r12, lr, pc and xpsr at the stack pointer
 * EXC_RETURN names; r4-r11 were not touched by exception entry, so they
 * are whatever the frames above recovered.
 */
static bool exception_step(struct unwinder *u, const struct unwind_regs *at,
			   uint32_t exc_return, struct unwind_regs *next)
{
	const struct unwind_target *t = u->t;
	uint32_t frame_sp, size, w[8];
	uint8_t buf[sizeof(w)];

	if (exc_return & EXC_RETURN_SPSEL) {
		if (!t->have_psp) {
			stop(u,
			     "exception frame on the process stack, PSP unknown");
			return false;
		}
		frame_sp = t->psp;
	} else {
		if (!(at->known & REG(ARM_SP))) {
			stop(u, "exception frame: the handler's sp is unknown");
			return false;
		}
		frame_sp = at->r[ARM_SP];
	}
	if (!add_frame(u, exc_return | 1, frame_sp, UNWIND_FRAME_EXCEPTION))
		return false;
	if (t->mem.read(t->mem.ctx, frame_sp, buf, sizeof(buf)) < 0) {
		stop(u, "exception frame at 0x%08x is not in the dump",
		     frame_sp);
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		w[i] = get_le32(buf + 4 * i);

	size = FRAME_BASIC_SIZE;
	if (!(exc_return & EXC_RETURN_FTYPE))
		size += FRAME_FP_EXTRA;
	if (w[7] & XPSR_STKALIGN)
		size += 4;
	if (frame_sp > UINT32_MAX - size) {
		stop(u, "exception frame at 0x%08x wraps around", frame_sp);
		return false;
	}

	*next = (struct unwind_regs){ 0 };
	memcpy(next->r, w, 4 * sizeof(w[0]));
	next->r[12] = w[4];
	next->r[ARM_LR] = w[5];
	next->r[ARM_PC] = w[6] & ~1u;
	next->r[ARM_XPSR] = w[7];
	next->r[ARM_SP] = frame_sp + size;
	for (int i = 4; i <= 11; i++)
		next->r[i] = at->r[i];
	next->known = (at->known & CALLEE_SAVED) | REG(0) | REG(1) | REG(2) |
		      REG(3) | REG(12) | REG(ARM_SP) | REG(ARM_LR) |
		      REG(ARM_PC) | REG(ARM_XPSR);
	if (!u->res->have_interrupted) {
		u->res->interrupted = *next;
		u->res->have_interrupted = true;
	}
	return true;
}

static bool in_code(const struct unwind_target *t, uint32_t addr)
{
	for (size_t i = 0; i < t->ncode; i++)
		if (in_range(&t->code[i], addr))
			return true;
	return false;
}

/*
 * A plausible Thumb return address: odd, in code, and right after a BL
 * (32-bit, 11110xxx xxxxxxxx 11x1xxxx xxxxxxxx) or a BLX register
 * (16-bit, 010001111xxxx000).
 */
static bool is_return_address(const struct unwind_target *t, uint32_t value)
{
	uint32_t addr = value & ~1u;
	uint8_t insn[4];
	uint16_t hw1, hw2;

	if (!(value & 1) || addr < 4 || !in_code(t, addr - 4) ||
	    !in_code(t, addr - 1))
		return false;
	if (t->mem.read(t->mem.ctx, addr - 4, insn, sizeof(insn)) < 0)
		return false;
	hw1 = get_le16(insn);
	hw2 = get_le16(insn + 2);
	if ((hw1 & 0xf800) == 0xf000 && (hw2 & 0xd000) == 0xd000)
		return true;
	return (hw2 & 0xff87) == 0x4780;
}

/* Scans one word-aligned chunk; false once unwinding is over. */
static bool scan_words(struct unwinder *u, uint32_t addr, const uint8_t *buf,
		       size_t len)
{
	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint32_t value = get_le32(buf + i);

		if (!is_return_address(u->t, value))
			continue;
		if (!add_frame(u, value & ~1u, addr + (uint32_t)i,
			       UNWIND_FRAME_SCAN) ||
		    u->done)
			return false;
	}
	return true;
}

/*
 * stack_scan() - guess the callers of a frame the CFI cannot unwind
 * @from: registers of that frame
 * @with_lr: lr is live (the context's first frame), so it is a candidate
 *
 * Reads the stack in chunks, word by word near its end: the last chunk is
 * usually cut by the end of the RAM region, and the entry function's
 * return address sits right there.
 */
static void stack_scan(struct unwinder *u, const struct unwind_regs *from,
		       bool with_lr)
{
	const struct unwind_target *t = u->t;
	uint8_t buf[SCAN_CHUNK];
	size_t before = u->res->nframes;
	uint32_t sp, addr;

	if (with_lr && (from->known & REG(ARM_LR)) &&
	    is_return_address(t, from->r[ARM_LR])) {
		if (!add_frame(u, from->r[ARM_LR] & ~1u, 0,
			       UNWIND_FRAME_SCAN) ||
		    u->done)
			return;
	}
	if (!(from->known & REG(ARM_SP))) {
		stop(u, "stack scan: sp unknown");
		return;
	}
	sp = from->r[ARM_SP] & ~3u;
	for (addr = sp;
	     addr - sp < UNWIND_SCAN_BYTES && addr <= UINT32_MAX - SCAN_CHUNK;
	     addr += SCAN_CHUNK) {
		if (t->mem.read(t->mem.ctx, addr, buf, sizeof(buf)) == 0) {
			if (!scan_words(u, addr, buf, sizeof(buf)))
				return;
			continue;
		}
		for (uint32_t w = addr; w < addr + SCAN_CHUNK; w += 4) {
			if (t->mem.read(t->mem.ctx, w, buf, 4) < 0)
				goto end;
			if (!scan_words(u, w, buf, 4))
				return;
		}
	}
end:
	if (u->res->nframes == before)
		stop(u,
		     "no call-frame information at 0x%08x and no return "
		     "address on the stack",
		     from->r[ARM_PC]);
}

/*
 * unwind_context() - unwind one register context
 * @regs: its registers; on return true, the context an exception frame
 *        leads to, to be unwound next
 */
static bool unwind_context(struct unwinder *u, struct unwind_regs *regs)
{
	const struct unwind_target *t = u->t;
	size_t count;

	u->first = u->res->nframes;
	u->at_exception = false;
	u->last = *regs;
	if (t->cfi)
		t->cfi->unwind(t->cfi->ctx, regs, cfi_frame, u);
	if (u->at_exception)
		return exception_step(u, &u->at_exc, u->at_exc.r[ARM_PC], regs);
	if (u->done)
		return false;
	if (u->res->nframes == u->first) {
		/* No CFI at all: the context itself is the first frame. */
		if (!(regs->known & REG(ARM_PC)) ||
		    !add_frame(u, regs->r[ARM_PC], regs->r[ARM_SP],
			       UNWIND_FRAME_CONTEXT) ||
		    u->done)
			return false;
	}
	count = u->res->nframes - u->first;
	/*
	 * A handler context starts at the handler's first instruction, where
	 * lr holds EXC_RETURN and sp still points at the stacked frame: the
	 * exception step needs no CFI there.
	 */
	if (count == 1 && (u->last.known & REG(ARM_LR)) &&
	    is_exc_return(u->last.r[ARM_LR]))
		return exception_step(u, &u->last, u->last.r[ARM_LR], regs);
	stack_scan(u, &u->last, count == 1);
	return false;
}

void unwind(const struct unwind_target *t, const struct unwind_regs *start,
	    struct unwind_result *res)
{
	struct unwinder u = { .t = t, .res = res };
	struct unwind_regs regs = *start;

	memset(res, 0, sizeof(*res));
	while (!u.done && unwind_context(&u, &regs))
		;
}
