/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtos.h - the tasks of an RTOS, read from a crashed remote's memory.
 *
 * A walker (rtos_freertos.c, rtos_zephyr.c) reads the kernel's own
 * bookkeeping through the firmware's DWARF (dwarf_types.h): the task
 * lists, every task's control block and the register context the kernel
 * saved on the task's stack when it last switched the task out. What it
 * cannot read it says, in problems[], one human-readable line naming the
 * list, task or address concerned; it returns what it could read
 * besides. Every byte of the dump is hostile: walks are bounded (at most
 * RPD_RTOS_MAX_TASKS tasks, each list at most its item count plus one
 * step, loops detected), every pointer is read through the memory reader,
 * which fails for what was not dumped.
 */
#ifndef RPD_RTOS_H
#define RPD_RTOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dwarf_types.h"
#include "rproc/rprocdump.h"
#include "target_memory.h"

#define RPD_RTOS_MAX_TASKS 256
#define RPD_RTOS_MAX_PROBLEMS 64
#define RPD_TASK_NAME_SIZE 32
#define RPD_TASK_BLOCKED_ON_SIZE 64

enum rpd_task_state {
	RPD_TASK_UNKNOWN,
	RPD_TASK_RUNNING, /* the kernel's current task: the one that crashed */
	RPD_TASK_READY,
	RPD_TASK_BLOCKED, /* on what: blocked_on */
	RPD_TASK_SUSPENDED,
	RPD_TASK_DELETED, /* deleted, its memory not yet freed */
};

/* rpd_task.regs_known: bit i for regs.r[i], and: */
#define RPD_REG_XPSR_BIT 16
#define RPD_REGS_ALL 0x1ffffu /* r0-r15 and xPSR */

struct rpd_task {
	char name[RPD_TASK_NAME_SIZE]; /* NUL-terminated, printable ASCII */
	uint64_t tcb; /* address of the control block (Zephyr: k_thread) */
	enum rpd_task_state state;
	/* For RPD_TASK_BLOCKED: "queue CtrlQ 0x20001234 (receive)",
	 * "mutex Lock 0x20001300 (held by snap)", "semaphore 0x... (take)",
	 * "event group 0x20001400", "notification", "delay", or
	 * "event list 0x..." when the object is not recognised; else "". */
	char blocked_on[RPD_TASK_BLOCKED_ON_SIZE];
	bool have_priority;
	int32_t priority;

	uint64_t stack_low, stack_high; /* [low, high); 0: unknown */
	uint64_t saved_sp;		/* the kernel's saved stack pointer */
	int64_t stack_unused;  /* bytes of untouched fill from stack_low up;
				   -1: unknown */
	bool stack_overflowed; /* the rule: rtos_freertos.c */
	bool current;	       /* the kernel's current task */

	/*
	 * The context the kernel saved when it switched the task out, as the
	 * task will resume: r13 is the stack pointer after the whole saved
	 * frame is popped, r15 the pc it resumes at, r14 its own lr. Not
	 * filled (regs_known 0) for the current task, whose saved context is
	 * stale: its registers come from the crash itself.
	 */
	struct rpd_arm_regs regs;
	uint32_t regs_known; /* bit i: r[i]; RPD_REG_XPSR_BIT: xpsr */
	/* When the port saves it (have_exc_return); for the current task the
	 * one it last resumed with, when its stale context is still intact */
	uint32_t exc_return;
	bool have_exc_return;
	/* The task used the FPU: s16-s31 were saved by the port and the
	 * hardware stacked an extended frame, whose s0-s15 and FPSCR are
	 * valid too (the port's own FP instruction in the context switch
	 * makes lazy stacking write them before the frame is saved). */
	bool fp_context;
	uint32_t s16_s31[16];
	uint32_t s0_s15[16];
	uint32_t fpscr;
	/* ARMv8-M ports save the task's stack limit register */
	bool have_psplim;
	uint32_t psplim;
};

struct rpd_rtos_state {
	const char *rtos;	/* "FreeRTOS", "Zephyr" */
	const char *port;	/* "ARM_CM3", "cortex_m", ...; NULL: no
				 * contexts decoded */
	char port_source[96];	/* what decided the port, for the report */
	struct rpd_task *tasks; /* the current task first, then by list */
	size_t ntasks;
	char **problems; /* each names the list, task or address */
	size_t nproblems;
};

/**
 * rpd_rtos_freertos() - FreeRTOS's tasks from a dump
 * @fw: the firmware that ran, with its symbols
 * @dwarf: its DWARF (rpd_dwarf_open()), the only source of layouts
 * @mem: the dumped memory
 * @out: filled; release with rpd_rtos_state_release() (also on error)
 *
 * Return: 0 (what could not be read is in out->problems); -ENOENT if the
 * firmware is not a FreeRTOS one (DWARF has no pxCurrentTCB and
 * pxReadyTasksLists); -EINVAL if its DWARF lacks what every FreeRTOS
 * has (the TCB's and the lists' members); -ENOMEM.
 */
int rpd_rtos_freertos(const struct rpd_firmware *fw, struct rpd_dwarf *dwarf,
		      const struct rpd_memory *mem, struct rpd_rtos_state *out);

/**
 * rpd_rtos_zephyr() - Zephyr's threads from a dump
 * @fw: the firmware that ran, with its symbols
 * @dwarf: its DWARF (rpd_dwarf_open()): the layouts of struct z_kernel
 *	   and struct k_thread; without them, the firmware's own
 *	   _kernel_thread_info_offsets (CONFIG_DEBUG_THREAD_INFO)
 * @mem: the dumped memory
 * @out: filled (rtos "Zephyr", port "cortex_m"), the current thread
 *	 first, then in the order of _kernel.threads; release with
 *	 rpd_rtos_state_release() (also on error)
 *
 * Return: 0 (what could not be read is in out->problems); -ENOENT if the
 * firmware is not a Zephyr one (no _kernel); -EINVAL if neither its
 * DWARF nor an offsets table gives the layouts; -ENOMEM.
 */
int rpd_rtos_zephyr(const struct rpd_firmware *fw, struct rpd_dwarf *dwarf,
		    const struct rpd_memory *mem, struct rpd_rtos_state *out);

void rpd_rtos_state_release(struct rpd_rtos_state *s);

/* "running", "ready", "blocked", "suspended", "deleted", "unknown" */
const char *rpd_task_state_name(enum rpd_task_state state);

/* ---- for the walkers ------------------------------------------------------ */

/* Appends a problem; past RPD_RTOS_MAX_PROBLEMS they are only counted, in
 * a last line. Returns 0 or -ENOMEM. */
int rpd_rtos_problem(struct rpd_rtos_state *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A new zeroed task at the end of s->tasks; -E2BIG past the limit. */
int rpd_rtos_add_task(struct rpd_rtos_state *s, struct rpd_task **task);

/* Copies a name of at most len bytes from the dump: stops at NUL,
 * replaces what is not printable ASCII with '?'. Returns whether a NUL
 * ended it within len bytes. */
bool rpd_task_set_name(struct rpd_task *task, const uint8_t *src, size_t len);

/*
 * Bytes equal to fill from low up, reading at most limit bytes; stops at
 * the first other byte or what the dump lacks. Returns the count, or -1
 * if not even the first byte is in the dump.
 */
int64_t rpd_rtos_count_fill(const struct rpd_memory *mem, uint64_t low,
			    uint64_t limit, uint8_t fill);

/* A little-endian integer of 1, 2, 4 or 8 bytes from the dump. */
int rpd_memory_read_uint(const struct rpd_memory *mem, uint64_t addr,
			 size_t size, uint64_t *value);

#endif /* RPD_RTOS_H */
