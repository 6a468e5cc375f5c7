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

/*
 * A member of a kernel structure, read from a copy of the structure's
 * bytes: off bytes in, size bytes long (1, 2, 4 or 8; 0: the member does
 * not exist in this configuration).
 */
struct rpd_rtos_field {
	uint32_t off;
	uint8_t size;
};

/**
 * rpd_rtos_field_get() - a little-endian member of a structure's bytes
 * @buf: the structure's bytes, at least @f.off + @f.size of them
 * @f: the member
 *
 * Return: its value, zero-extended; 0 for a member of size 0 (absent).
 */
uint64_t rpd_rtos_field_get(const uint8_t *buf, struct rpd_rtos_field f);

/**
 * rpd_rtos_note_problem() - a walker's problem, cut to 255 characters
 * @s: the result the problem goes to (rpd_rtos_problem())
 * @oom: set to true when the problem could not be recorded (-ENOMEM);
 *	 left alone otherwise, so a walk can go on and fail at its end
 * @fmt: printf format of the line
 */
void rpd_rtos_note_problem(struct rpd_rtos_state *s, bool *oom, const char *fmt,
			   ...) __attribute__((format(printf, 3, 4)));

/**
 * rpd_task_set_blocked_on() - what a task waits for, cut to fit
 * @blocked_on: a task's blocked_on, RPD_TASK_BLOCKED_ON_SIZE bytes
 * @fmt: printf format; the names it prints are the dump's
 */
void rpd_task_set_blocked_on(char *blocked_on, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * rpd_rtos_layout_fail() - fail for a structure the DWARF garbles
 * @r: the error of the lookup that failed; -ENOENT (a member missing)
 *     becomes -EINVAL, the firmware not being of any version of the RTOS
 * @rtos: "FreeRTOS", "Zephyr"
 * @what: the structure, "TCB_t", "struct k_thread"
 *
 * Prefixes the error already set with "@rtos @what: not the layout of any
 * @rtos". Return: the negative errno.
 */
int rpd_rtos_layout_fail(int r, const char *rtos, const char *what);

/**
 * rpd_rtos_find_task() - the task already in @s whose control block is @tcb
 * @s: the result being built
 * @tcb: the control block's address
 *
 * Return: the task, or NULL if no task of @s has that control block.
 */
struct rpd_task *rpd_rtos_find_task(const struct rpd_rtos_state *s,
				    uint64_t tcb);

/**
 * rpd_rtos_current_first() - move the current task to the front
 * @s: the walk's result; the order of the other tasks is kept
 */
void rpd_rtos_current_first(struct rpd_rtos_state *s);

/**
 * rpd_rtos_check_fill() - the stack fill rule and the overflow flag
 * @s: the walk's result, every task's stack_unused counted
 *     (rpd_rtos_count_fill()) and saved_sp and stack_low set
 * @check_bytes: the fill an intact stack keeps at its low end (16, what
 *		 FreeRTOS's configCHECK_FOR_STACK_OVERFLOW 2 checks)
 *
 * Stacks count as filled when any task shows at least @check_bytes of
 * fill; if none does, the build does not fill them and every
 * stack_unused becomes -1 (unknown). A task's stack_overflowed is set
 * when its saved stack pointer is below its stack's low end, or stacks
 * are filled and it has less than @check_bytes of fill left.
 *
 * Return: whether stacks are filled.
 */
bool rpd_rtos_check_fill(struct rpd_rtos_state *s, int64_t check_bytes);

/**
 * rpd_rtos_in_code() - whether an address is in the firmware's code
 * @fw: the firmware
 * @addr: the address
 *
 * Return: whether an executable segment of @fw holds @addr; true when
 * @fw has no executable segment (nothing to check against).
 */
bool rpd_rtos_in_code(const struct rpd_firmware *fw, uint64_t addr);

/* Most words rpd_memory_read_le32s() reads at a time. */
#define RPD_MEMORY_MAX_WORDS 32

/**
 * rpd_memory_read_le32s() - little-endian 32-bit words from the dump
 * @mem: the dumped memory
 * @addr: the first word's address
 * @words: filled with @n words, only on success
 * @n: at most RPD_MEMORY_MAX_WORDS
 *
 * Return: 0; -EINVAL for too many words; or the reader's error.
 */
int rpd_memory_read_le32s(const struct rpd_memory *mem, uint64_t addr,
			  uint32_t *words, size_t n);

/* ---- a Cortex-M task's saved context -------------------------------------- */

/* EXC_RETURN bit 4, FType: 0 when the frame stacked is FP-extended. */
#define RPD_EXC_RETURN_FTYPE (1u << 4)
/* s16-s31, which the context switch saves when the task used the FPU. */
#define RPD_CALLEE_FP_WORDS 16

/**
 * rpd_task_read_exception_frame() - the frame the CPU stacked for a task
 * @mem: the dumped memory
 * @t: its r0-r3, r12, lr, pc and xPSR are set; with @extended, s0_s15
 *     and fpscr too (fp_context is the caller's to set)
 * @sp: the frame's address; on success moved past the frame, the FP
 *	extension and the word of padding xPSR bit 9 says the CPU added:
 *	the task's stack pointer once the frame is popped
 * @extended: EXC_RETURN said the frame is FP-extended
 *
 * Return: 0, or the reader's error (part of @t may have been set).
 */
int rpd_task_read_exception_frame(const struct rpd_memory *mem,
				  struct rpd_task *t, uint64_t *sp,
				  bool extended);

/**
 * rpd_task_finish_context() - check a decoded context, and keep it
 * @fw: the firmware, for where its code is
 * @t: the task, its saved registers read; r13 becomes @sp, r15 loses its
 *     Thumb bit (a task that never ran resumes at its entry, which some
 *     kernels store with it)
 * @sp: the task's stack pointer once its whole saved context is popped
 * @why: on failure, what is wrong with the context
 *
 * Return: 0 with regs_known RPD_REGS_ALL; -EINVAL if the stacked xPSR has
 * no Thumb bit or pc is not in @fw's code.
 */
int rpd_task_finish_context(const struct rpd_firmware *fw, struct rpd_task *t,
			    uint64_t sp, const char **why);

#endif /* RPD_RTOS_H */
