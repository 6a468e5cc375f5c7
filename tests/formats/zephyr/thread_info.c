// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * thread_info.c - the stand-in's _kernel_thread_info_offsets, laid out as
 * Zephyr 3.4's subsys/debug/thread_info.c lays its table out (one size_t
 * per THREAD_INFO_OFFSET_* index, 0xffffffff for what the build lacks,
 * T_STATE and T_PRIO relative to struct _thread_base, T_PREEMPT_FLOAT
 * and T_ARM_EXC_RETURN to struct _thread_arch; indices from
 * zephyrproject-rtos/zephyr subsys/debug/thread_info.c @ 559f71ec and
 * scripts/coredump/coredump_parser/elf_parser.py's ThreadInfoOffset).
 * Written for this test, not copied.
 */
#include "zephyr_structs.h"

#define UNIMPLEMENTED 0xffffffff

__attribute__((used, section(".dbg_thread_info")))
const size_t _kernel_thread_info_offsets[] = {
	1,						/* VERSION */
	offsetof(struct _cpu, current),			/* K_CURR_THREAD */
	offsetof(struct z_kernel, threads),		/* K_THREADS */
	offsetof(struct k_thread, entry),		/* T_ENTRY */
	offsetof(struct k_thread, next_thread),		/* T_NEXT_THREAD */
	offsetof(struct _thread_base, thread_state),	/* T_STATE */
	offsetof(struct _thread_base, user_options),	/* T_USER_OPTIONS */
	offsetof(struct _thread_base, prio),		/* T_PRIO */
	offsetof(struct k_thread, callee_saved.psp),	/* T_STACK_PTR */
	offsetof(struct k_thread, name),		/* T_NAME */
	offsetof(struct k_thread, arch),		/* T_ARCH */
	offsetof(struct _thread_arch, preempt_float),	/* T_PREEMPT_FLOAT */
	UNIMPLEMENTED,					/* T_COOP_FLOAT */
	offsetof(struct _thread_arch, mode_exc_return), /* T_ARM_EXC_RETURN */
};

__attribute__((used, section(".dbg_thread_info")))
const size_t _kernel_thread_info_num_offsets =
	sizeof(_kernel_thread_info_offsets) /
	sizeof(_kernel_thread_info_offsets[0]);

__attribute__((used, section(".dbg_thread_info")))
const unsigned char _kernel_thread_info_size_t_size = sizeof(size_t);
