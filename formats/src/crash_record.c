// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * crash_record.c - decode the crash record a remote processor's firmware
 * leaves in its RAM (include/rproc/crash_record.h), and turn it into the
 * register contexts a debugger shows.
 *
 * The record is read byte by byte at the offsets documented in
 * crash_record.h, never through the struct: the bytes come from a dump and
 * are neither aligned nor trusted.
 */

#include "rproc/crash_record.h"
#include "rproc/rprocdump.h"
#include "util.h"

/* Field offsets of struct rproc_crash_record, version 1. */
enum {
	CR_MAGIC = 0x00,
	CR_VERSION = 0x04,
	CR_SIZE = 0x06,
	CR_ARCH = 0x08,
	CR_REASON = 0x0a,
	CR_SEQUENCE = 0x0c,
	CR_FLAGS = 0x10,
	CR_EXC_NUMBER = 0x14,
	CR_REGS = 0x18,
	CR_MESSAGE = 0x7c,
};

/* Offsets of struct rproc_crash_regs_armv7m, relative to CR_REGS. */
enum {
	REG_R0 = 0x00,
	REG_SP = 0x34,
	REG_LR = 0x38,
	REG_PC = 0x3c,
	REG_XPSR = 0x40,
	REG_MSP = 0x44,
	REG_PSP = 0x48,
	REG_EXC_RETURN = 0x4c,
	REG_HANDLER_PC = 0x50,
	REG_CFSR = 0x54,
	REG_HFSR = 0x58,
	REG_MMFAR = 0x5c,
	REG_BFAR = 0x60,
};

/* xPSR of a handler context: the Thumb bit, and IPSR = exception number. */
#define XPSR_T (1u << 24)
#define IPSR_MASK 0x1ffu

static const char *const reason_names[] = {
	[RPROC_CRASH_REASON_UNKNOWN] = "unknown",
	[RPROC_CRASH_REASON_HARDFAULT] = "hardfault",
	[RPROC_CRASH_REASON_MEMMANAGE] = "memmanage",
	[RPROC_CRASH_REASON_BUSFAULT] = "busfault",
	[RPROC_CRASH_REASON_USAGEFAULT] = "usagefault",
	[RPROC_CRASH_REASON_WATCHDOG] = "watchdog",
	[RPROC_CRASH_REASON_ASSERT] = "assert",
	[RPROC_CRASH_REASON_STACK_OVERFLOW] = "stack overflow",
	[RPROC_CRASH_REASON_PANIC] = "panic",
};

const char *rpd_crash_reason_name(uint32_t reason)
{
	if (reason >= ARRAY_SIZE(reason_names))
		return reason_names[RPROC_CRASH_REASON_UNKNOWN];
	return reason_names[reason];
}

/* Checks the header fields that say whether the bytes hold a record at all. */
static int check_header(const uint8_t *p, size_t len)
{
	uint32_t magic, version, size, arch;

	if (len < CR_SEQUENCE)
		return rpd_fail(
			-EMSGSIZE,
			"crash record: %zu bytes are too few for its header",
			len);

	magic = get_le32(p + CR_MAGIC);
	if (magic != RPROC_CRASH_RECORD_MAGIC)
		return rpd_fail(
			-EBADMSG,
			"no crash record: magic 0x%08x (the firmware did not finish writing it or never crashed)",
			magic);

	version = get_le16(p + CR_VERSION);
	if (version != RPROC_CRASH_RECORD_VERSION)
		return rpd_fail(
			-EPROTONOSUPPORT,
			"crash record: version %u is not supported (expected %u)",
			version, RPROC_CRASH_RECORD_VERSION);

	size = get_le16(p + CR_SIZE);
	if (size < RPROC_CRASH_RECORD_SIZE)
		return rpd_fail(
			-EBADMSG,
			"crash record: size %u is smaller than the version %u layout (%u bytes)",
			size, version, RPROC_CRASH_RECORD_SIZE);
	if (len < size)
		return rpd_fail(
			-EMSGSIZE,
			"crash record: cut short: %zu of %u bytes present", len,
			size);

	arch = get_le16(p + CR_ARCH);
	if (arch != RPROC_CRASH_ARCH_ARMV7M)
		return rpd_fail(
			-EPROTONOSUPPORT,
			"crash record: architecture %u is not supported", arch);
	return 0;
}

/**
 * rpd_crash_parse() - decode a struct rproc_crash_record
 * @buf: the record's bytes, as found in the remote's memory
 * @len: how many bytes @buf holds (may exceed the record)
 * @out: the decoded record
 *
 * A record may be larger than this version's layout (a newer firmware that
 * appended fields without changing the version); the known fields are
 * decoded and the rest is ignored. The message is copied up to its first
 * NUL, or all 64 bytes if the firmware left it unterminated: @out->message
 * has room for the terminator either way, so nothing is lost.
 *
 * Return: 0, -EBADMSG if there is no complete record, -EMSGSIZE if @buf is
 * shorter than the record, -EPROTONOSUPPORT for an unknown version or arch.
 */
int rpd_crash_parse(const void *buf, size_t len, struct rpd_crash *out)
{
	const uint8_t *p = buf, *regs = p + CR_REGS;
	int r;

	r = check_header(p, len);
	if (r < 0)
		return r;

	memset(out, 0, sizeof(*out));
	out->version = get_le16(p + CR_VERSION);
	out->arch = get_le16(p + CR_ARCH);
	out->reason = get_le16(p + CR_REASON);
	out->sequence = get_le32(p + CR_SEQUENCE);
	out->flags = get_le32(p + CR_FLAGS);
	out->exc_number = get_le32(p + CR_EXC_NUMBER);
	for (size_t i = 0; i < ARRAY_SIZE(out->r); i++)
		out->r[i] = get_le32(regs + REG_R0 + 4 * i);
	out->sp = get_le32(regs + REG_SP);
	out->lr = get_le32(regs + REG_LR);
	out->pc = get_le32(regs + REG_PC);
	out->xpsr = get_le32(regs + REG_XPSR);
	out->msp = get_le32(regs + REG_MSP);
	out->psp = get_le32(regs + REG_PSP);
	out->exc_return = get_le32(regs + REG_EXC_RETURN);
	out->handler_pc = get_le32(regs + REG_HANDLER_PC);
	out->cfsr = get_le32(regs + REG_CFSR);
	out->hfsr = get_le32(regs + REG_HFSR);
	out->mmfar = get_le32(regs + REG_MMFAR);
	out->bfar = get_le32(regs + REG_BFAR);
	memcpy(out->message, p + CR_MESSAGE, RPROC_CRASH_MESSAGE_MAX);
	out->message[RPROC_CRASH_MESSAGE_MAX] = '\0';
	return 0;
}

/**
 * rpd_crash_interrupted_regs() - the registers of the code that crashed
 * @c: a parsed record
 * @ctx: filled with r0-r12, sp (the exception frame popped), lr, pc, xPSR
 */
void rpd_crash_interrupted_regs(const struct rpd_crash *c,
				struct rpd_arm_regs *ctx)
{
	memcpy(ctx->r, c->r, sizeof(c->r));
	ctx->r[13] = c->sp;
	ctx->r[14] = c->lr;
	ctx->r[15] = c->pc;
	ctx->xpsr = c->xpsr;
}

/*
 * The handler at the moment it took the record. r0-r12 are the only values
 * the record has; handler mode always runs on the main stack, and lr holds
 * EXC_RETURN, which is what lets an unwinder find the stacked frame.
 */
static void handler_context(const struct rpd_crash *c, struct rpd_arm_regs *ctx)
{
	memcpy(ctx->r, c->r, sizeof(c->r));
	ctx->r[13] = c->msp;
	ctx->r[14] = c->exc_return;
	ctx->r[15] = c->handler_pc;
	ctx->xpsr = XPSR_T | (c->exc_number & IPSR_MASK);
}

/**
 * rpd_crash_contexts() - the register contexts a debugger should show
 * @crash: a parsed record
 * @ctx: filled with one or two contexts, current first
 *
 * A fault taken on the main stack is shown as the live target would show
 * it: the handler first, from which GDB unwinds through the stacked frame
 * into the interrupted code. A frame on the process stack cannot be reached
 * that way (GDB 13 needs the psp register to find it, and an ARM core file
 * cannot carry it), nor can an extended (FPU) frame (GDB 13 reads FPCCR,
 * a system register no dump holds, to step through one), so the
 * interrupted context comes first there. A record
 * without an exception entry has only the crashed context: one raised by a
 * call (RPROC_CRASH_F_RAISED, whatever mode it was raised in: its pc is the
 * raising function's, its lr the return address into the caller), one
 * written in thread mode, or one without a handler address (taken from
 * another handler's frame).
 *
 * Return: the number of contexts, 1 or 2.
 */
size_t rpd_crash_contexts(const struct rpd_crash *crash,
			  struct rpd_arm_regs ctx[2])
{
	memset(ctx, 0, 2 * sizeof(*ctx));
	if (!crash->exc_number || !crash->handler_pc ||
	    (crash->flags & RPROC_CRASH_F_RAISED)) {
		rpd_crash_interrupted_regs(crash, &ctx[0]);
		return 1;
	}
	if (crash->flags & (RPROC_CRASH_F_PSP | RPROC_CRASH_F_FP_FRAME)) {
		rpd_crash_interrupted_regs(crash, &ctx[0]);
		handler_context(crash, &ctx[1]);
	} else {
		handler_context(crash, &ctx[0]);
		rpd_crash_interrupted_regs(crash, &ctx[1]);
	}
	return 2;
}
