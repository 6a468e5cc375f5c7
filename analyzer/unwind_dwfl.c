// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * unwind_dwfl.c - DWARF CFI unwinding of a core held by librprocdump.
 *
 * libdwfl unwinds threads of a "process" whose registers and memory come
 * from callbacks (dwfl_attach_state). Here the process has one thread, its
 * initial registers are whichever context the unwinder asks for, and its
 * memory is read through librprocdump, so a .core.gz is unwound without
 * being inflated; dwfl_core_file_attach() would need a plain ELF file, and
 * an NT_PRPSINFO note besides.
 */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "unaligned.h"
#include "unwind_dwfl.h"

#define THREAD_ID 1
#define ARM_DWARF_NREGS 16 /* r0-r15; libdwfl's ARM backend unwinds these */

static pid_t next_thread(Dwfl *dwfl, void *dwfl_arg, void **thread_argp)
{
	if (*thread_argp)
		return 0;
	*thread_argp = dwfl_arg;
	return THREAD_ID;
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *dwfl_arg,
		       void **thread_argp)
{
	*thread_argp = dwfl_arg;
	return tid == THREAD_ID;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			void *dwfl_arg)
{
	struct dwfl_cfi *dc = dwfl_arg;
	uint8_t word[4];

	if (dc->mem.read(dc->mem.ctx, addr, word, sizeof(word)) < 0)
		return false;
	*result = get_le32(word);
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	struct dwfl_cfi *dc = thread_arg;
	const struct unwind_regs *regs = dc->start;

	for (int i = 0; i < ARM_DWARF_NREGS; i++) {
		Dwarf_Word value = regs->r[i];

		if ((regs->known & (1u << i)) &&
		    !dwfl_thread_state_registers(thread, i, 1, &value))
			return false;
	}
	dwfl_thread_state_register_pc(thread, regs->r[ARM_PC]);
	return true;
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* Hands one frame's registers, as far as libdwfl knows them, on. */
static int report_frame(Dwfl_Frame *state, void *arg)
{
	struct dwfl_cfi *dc = arg;
	struct unwind_regs regs = { 0 };
	Dwarf_Addr pc;

	if (!dwfl_frame_pc(state, &pc, NULL))
		return DWARF_CB_ABORT;
	for (unsigned int i = 0; i < ARM_DWARF_NREGS; i++) {
		Dwarf_Word value;

		if (dwfl_frame_reg(state, i, &value) == 0) {
			regs.r[i] = (uint32_t)value;
			regs.known |= 1u << i;
		}
	}
	regs.r[ARM_PC] = (uint32_t)pc;
	regs.known |= 1u << ARM_PC;
	return dc->frame(dc->arg, &regs) ? DWARF_CB_OK : DWARF_CB_ABORT;
}

static int dwfl_cfi_unwind(void *ctx, const struct unwind_regs *regs,
			   bool (*frame)(void *arg,
					 const struct unwind_regs *regs),
			   void *arg)
{
	struct dwfl_cfi *dc = ctx;

	if (!(regs->known & (1u << ARM_PC)))
		return -EINVAL;
	dc->start = regs;
	dc->frame = frame;
	dc->arg = arg;
	/* Stopping early and running out of CFI both end here; the caller
	 * tells them apart by what frame() saw. */
	dwfl_getthread_frames(dc->dwfl, THREAD_ID, report_frame, dc);
	dc->start = NULL;
	return 0;
}

int dwfl_cfi_attach(struct dwfl_cfi *dc, Dwfl *dwfl,
		    const struct unwind_memory *mem, struct unwind_cfi *cfi)
{
	*dc = (struct dwfl_cfi){ .dwfl = dwfl, .mem = *mem };
	if (!dwfl_attach_state(dwfl, NULL, THREAD_ID, &thread_callbacks, dc))
		return log_warning_errno(
			-EINVAL,
			"libdwfl: %s: unwinding without call-frame information",
			dwfl_errmsg(-1));
	*cfi = (struct unwind_cfi){ .unwind = dwfl_cfi_unwind, .ctx = dc };
	return 0;
}
