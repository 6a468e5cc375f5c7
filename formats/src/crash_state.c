// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * crash_state.c - the crashed remote's threads and registers, from the
 * firmware and the dumped memory (crash_state.h).
 */
#include <elf.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

#include "crash_state.h"
#include "dwarf_types.h"
#include "exception_frame.h"
#include "rtos.h"
#include "util.h"
#include "zephyr_coredump.h"

/* CFSR bits that decide which signal GDB reports. */
#define CFSR_UNDEFINSTR (1u << 16)
#define CFSR_DIVBYZERO (1u << 25)

/* Without a firmware segment around it, how much of the main stack to
 * scan below the initial stack pointer. */
#define MAIN_STACK_SCAN 0x10000

#define ALL_ARM_REGS 0x1ffffu

static void add_problem(struct rpd_crash_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_problem(struct rpd_crash_state *st, const char *fmt, ...)
{
	size_t len = strlen(st->problems);
	va_list ap;

	if (len && len + 2 < sizeof(st->problems)) {
		memcpy(st->problems + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(st->problems + len, sizeof(st->problems) - len, fmt, ap);
	va_end(ap);
}

static void set_source(struct rpd_crash_state *st,
		       enum rpd_register_source source, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_source(struct rpd_crash_state *st,
		       enum rpd_register_source source, const char *fmt, ...)
{
	va_list ap;

	st->source = source;
	va_start(ap, fmt);
	vsnprintf(st->source_detail, sizeof(st->source_detail), fmt, ap);
	va_end(ap);
}

/* ---- threads ---- */

static struct rpd_crash_thread *add_thread(struct rpd_crash_state *st)
{
	struct rpd_crash_thread *t;

	if (st->nthreads == RPD_MAX_THREADS)
		return NULL;
	t = reallocarray(st->threads, st->nthreads + 1, sizeof(*t));
	if (!t)
		return NULL;
	st->threads = t;
	t = &st->threads[st->nthreads++];
	*t = (struct rpd_crash_thread){ 0 };
	return t;
}

/* A crashed thread no RTOS task is, first as the crashed one must be. */
static struct rpd_crash_thread *add_crashed_thread(struct rpd_crash_state *st)
{
	struct rpd_crash_thread *t = add_thread(st);

	if (!t)
		return NULL;
	memmove(st->threads + 1, st->threads,
		(st->nthreads - 1) * sizeof(*st->threads));
	t = &st->threads[0];
	*t = (struct rpd_crash_thread){ 0 };
	t->desc.state = RPD_THREAD_RUNNING;
	t->desc.flags = RPD_THREAD_CRASHED;
	return t;
}

static void drop_first_thread(struct rpd_crash_state *st)
{
	memmove(st->threads, st->threads + 1,
		(st->nthreads - 1) * sizeof(*st->threads));
	st->nthreads--;
}

/* Thread ids as GDB will show them: 1 for the crashed thread, then in
 * order for every thread with registers. */
static void number_threads(struct rpd_crash_state *st)
{
	int32_t tid = 1;

	for (size_t i = 0; i < st->nthreads; i++)
		if (st->threads[i].desc.regs_known & (1u << 15))
			st->threads[i].desc.tid = tid++;
}

/* ---- source a: the crash record ---- */

static int try_crash_record(const struct rpd_firmware *fw,
			    const struct rpd_memory *mem,
			    struct rpd_crash_state *st)
{
	uint64_t da, len;
	int r;

	r = rpd_firmware_crash_record(fw, &da, &len);
	if (r < 0)
		return r; /* not an error: most firmware has none */
	len = MIN(len, (uint64_t)sizeof(st->crash_raw));
	r = rpd_memory_read(mem, da, st->crash_raw, (size_t)len);
	if (r < 0)
		r = rpd_fail(r, "not in the dump");
	else
		r = rpd_crash_parse(st->crash_raw, (size_t)len, &st->crash);
	if (r < 0) {
		add_problem(st, "crash record at 0x%llx: %s",
			    (unsigned long long)da, rpd_error());
		return r;
	}
	st->have_crash = true;
	set_source(st, RPD_REGS_CRASH_RECORD, "at 0x%llx",
		   (unsigned long long)da);
	return 0;
}

/* ---- source b: Zephyr's coredump ---- */

/* Bounds what a hostile symbol size makes us read. */
#define ZEPHYR_BUFFER_MAX (1u << 20)

/* The bytes of a firmware object as the dump holds them; caller frees. */
static uint8_t *read_object(const struct rpd_memory *mem,
			    const struct rpd_symbol *sym)
{
	uint8_t *buf;

	if (!sym->size || sym->size > ZEPHYR_BUFFER_MAX)
		return NULL;
	buf = malloc(sym->size);
	if (buf && rpd_memory_read(mem, sym->addr, buf, sym->size) < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The in-memory backend's stream: registers, and the reason. */
static int zephyr_in_memory(const struct rpd_firmware *fw,
			    const struct rpd_memory *mem,
			    struct rpd_crash_state *st,
			    struct rpd_zephyr_arm_arch *arch, char *where,
			    size_t size)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	const struct rpd_symbol *sym;
	struct rpd_zephyr_in_memory im;
	_cleanup_free_ uint8_t *buf = NULL;
	int r;

	if (rpd_firmware_symbol_in_file(fw, "in_memory_coredump",
					"coredump_backend_in_memory.c",
					&sym) < 0)
		return -ENOENT;
	buf = read_object(mem, sym);
	if (!buf)
		return -ENOENT;
	r = rpd_zephyr_in_memory_check(buf, sym->size, sym->addr, 0, sym->size,
				       &im);
	if (r == -ENOENT)
		return r; /* coredump() never ran: no canary */
	if (r == 0)
		r = rpd_zephyr_parse(buf + im.stream_offset, im.stream_len,
				     &cd);
	if (r < 0)
		add_problem(st, "Zephyr's in_memory_coredump at 0x%llx: %s",
			    (unsigned long long)sym->addr, rpd_error());
	if (cd.arm_status < 0 || !cd.have_arch)
		return -ENOENT;
	*arch = cd.arm;
	snprintf(st->reason, sizeof(st->reason), "%s",
		 rpd_zephyr_reason_name(cd.reason, cd.target) ?: "unknown");
	snprintf(where, size, "in_memory_coredump at 0x%llx%s",
		 (unsigned long long)sym->addr,
		 im.interrupted ? " (the dump was interrupted)" : "");
	return 0;
}

/* What every backend leaves: the arch code's static arch_blk. */
static int zephyr_arch_blk(const struct rpd_firmware *fw,
			   const struct rpd_memory *mem,
			   struct rpd_crash_state *st,
			   struct rpd_zephyr_arm_arch *arch, char *where,
			   size_t size)
{
	const struct rpd_symbol *sym;
	_cleanup_free_ uint8_t *buf = NULL;
	int version, r;

	if (rpd_firmware_symbol_in_file(fw, "arch_blk", "coredump.c", &sym) < 0)
		return -ENOENT;
	version = rpd_zephyr_arm_arch_version(sym->size);
	buf = version > 0 ? read_object(mem, sym) : NULL;
	if (!buf)
		return -ENOENT;
	r = rpd_zephyr_arm_arch_decode((uint16_t)version, buf, sym->size, arch);
	if (r == -ENODATA)
		return -ENOENT; /* all zero: coredump() never ran */
	if (r < 0) {
		add_problem(st, "Zephyr's arch_blk at 0x%llx: %s",
			    (unsigned long long)sym->addr, rpd_error());
		return r;
	}
	snprintf(where, size, "arch_blk at 0x%llx (version %d)",
		 (unsigned long long)sym->addr, version);
	return 0;
}

static const char *zephyr_sp_words(const struct rpd_zephyr_sp_check *c)
{
	switch (c->result) {
	case RPD_ZEPHYR_SP_CORRECTED:
		return c->frame_type_assumed ?
			       "sp corrected past the stacked frame (assumed basic)" :
			       "sp corrected past the stacked frame";
	case RPD_ZEPHYR_SP_CONFIRMED:
		return "sp confirmed by the stacked frame below it";
	case RPD_ZEPHYR_SP_UNVERIFIED:
		return "sp as recorded, no stacked frame confirms it";
	case RPD_ZEPHYR_SP_UNREADABLE:
		break;
	}
	return "sp as recorded, its stack not in the dump";
}

/* The registers Zephyr's coredump recorded for the fault, into t, the
 * crashed thread; exc_return, when not 0, the EXC_RETURN the thread last
 * resumed with (its frame's type). */
static int try_zephyr(const struct rpd_firmware *fw,
		      const struct rpd_memory *mem, struct rpd_crash_state *st,
		      struct rpd_crash_thread *t, uint32_t exc_return)
{
	struct rpd_zephyr_arm_arch arch;
	struct rpd_zephyr_sp_check check;
	char where[96];

	if (zephyr_in_memory(fw, mem, st, &arch, where, sizeof(where)) < 0 &&
	    zephyr_arch_blk(fw, mem, st, &arch, where, sizeof(where)) < 0)
		return -ENOENT;
	if (rpd_zephyr_arm_fix_sp(&arch, mem, exc_return, &check) < 0) {
		add_problem(st, "Zephyr's coredump: %s", rpd_error());
		return -ENOENT;
	}
	t->regs = arch.regs;
	t->desc.regs_known = arch.known;
	set_source(st, RPD_REGS_ZEPHYR_COREDUMP, "%s; %s", where,
		   zephyr_sp_words(&check));
	return 0;
}

/* ---- source c: the exception frame, bare metal ---- */

/* The writable segment the main stack lies in, else a window below it. */
static uint64_t main_stack_low(const struct rpd_firmware *fw, uint32_t msp)
{
	for (size_t i = 0; i < rpd_firmware_nsegments(fw); i++) {
		const struct rpd_segment *s = rpd_firmware_segment(fw, i);

		if ((s->flags & PF_W) && msp > s->vaddr &&
		    msp - s->vaddr <= s->memsz)
			return s->vaddr;
	}
	return msp > MAIN_STACK_SCAN ? msp - MAIN_STACK_SCAN : 0;
}

static bool firmware_has_fpu(const struct rpd_firmware *fw)
{
	return rpd_firmware_ident(fw)->flags & EF_ARM_ABI_FLOAT_HARD;
}

/* Fills t from the frame scan found; describes it as the source. */
static void take_frame(struct rpd_crash_state *st, struct rpd_crash_thread *t,
		       const struct rpd_exc_frame_scan *scan, bool extended,
		       const char *where)
{
	t->desc.regs_known = rpd_exception_frame_regs(scan->words, scan->frame,
						      extended, &t->regs);
	set_source(
		st, RPD_REGS_EXCEPTION_FRAME,
		"at 0x%llx on %s, %zu candidate%s%s; %s frame; r4-r11 and the fault status registers are not recoverable from memory",
		(unsigned long long)scan->frame, where, scan->ncandidates,
		scan->ncandidates == 1 ? "" : "s",
		scan->ncandidates > 1 ? ", the highest taken" : "",
		extended ? "FP-extended (s0-s15 not shown: lazily stacked)" :
			   "basic");
}

/* The frame on the main stack, into t: the bare-metal program, or the
 * crashed task when it was interrupted by the handler that crashed. */
static int bare_metal_frame(const struct rpd_firmware *fw,
			    const struct rpd_memory *mem,
			    struct rpd_crash_state *st,
			    struct rpd_crash_thread *t)
{
	struct rpd_exc_frame_scan scan;
	struct rpd_vector_table vt;
	char where[64];
	uint32_t msp = 0;
	bool extended = false;

	if (rpd_find_vector_table(fw, &vt) == 0)
		msp = vt.initial_sp;
	if (!msp || rpd_find_exception_frame(fw, mem, main_stack_low(fw, msp),
					     msp, &scan) < 0) {
		add_problem(st, "main stack: %s", rpd_error());
		return -ENOENT;
	}
	if (!t->desc.tcb)
		t->desc.stack_high = msp; /* no task: the main stack's */
	if (firmware_has_fpu(fw))
		add_problem(
			st,
			"the firmware uses the FPU: the frame is assumed basic, an FP-extended frame would put sp 72 bytes higher");
	snprintf(where, sizeof(where), "the main stack (initial sp 0x%08x)",
		 msp);
	take_frame(st, t, &scan, extended, where);
	return 0;
}

/* ---- the RTOS's tasks ---- */

static enum rpd_thread_state thread_state(enum rpd_task_state s)
{
	switch (s) {
	case RPD_TASK_RUNNING:
		return RPD_THREAD_RUNNING;
	case RPD_TASK_READY:
		return RPD_THREAD_READY;
	case RPD_TASK_BLOCKED:
		return RPD_THREAD_BLOCKED;
	case RPD_TASK_SUSPENDED:
		return RPD_THREAD_SUSPENDED;
	case RPD_TASK_DELETED:
		return RPD_THREAD_DELETED;
	case RPD_TASK_UNKNOWN:
		break;
	}
	return RPD_THREAD_UNKNOWN;
}

static void take_task(struct rpd_crash_thread *t, const struct rpd_task *task)
{
	struct rpd_thread *d = &t->desc;

	snprintf(d->name, sizeof(d->name), "%s", task->name);
	snprintf(d->blocked_on, sizeof(d->blocked_on), "%s", task->blocked_on);
	d->state = thread_state(task->state);
	d->tcb = task->tcb;
	d->stack_low = task->stack_low;
	d->stack_high = task->stack_high;
	if (task->have_priority) {
		d->flags |= RPD_THREAD_HAVE_PRIORITY;
		d->priority = task->priority;
	}
	if (task->stack_unused >= 0) {
		d->flags |= RPD_THREAD_HAVE_STACK_UNUSED;
		d->stack_unused = (uint64_t)task->stack_unused;
	}
	if (task->stack_overflowed)
		d->flags |= RPD_THREAD_STACK_OVERFLOW;
	if (task->fp_context)
		d->flags |= RPD_THREAD_FP_CONTEXT;
	if (task->current) {
		d->flags |= RPD_THREAD_CRASHED;
		return; /* its saved context is stale */
	}
	t->regs = task->regs;
	d->regs_known = task->regs_known;
}

/*
 * The tasks of the RTOS the firmware runs, the current one first: its
 * registers are the crash's, every other's those it saved when switched
 * out. -ENOENT: no RTOS this library reads.
 */
static int rtos_threads(const struct rpd_firmware *fw,
			const struct rpd_memory *mem,
			struct rpd_crash_state *st, struct rpd_rtos_state *rs)
{
	struct rpd_dwarf *dw = NULL;
	const char *rtos;
	int r;

	if (rpd_dwarf_open(fw, &dw) < 0)
		return -ENOENT; /* no DWARF, no layouts */
	r = rpd_rtos_freertos(fw, dw, mem, rs);
	if (r == -ENOENT) {
		rpd_rtos_state_release(rs);
		r = rpd_rtos_zephyr(fw, dw, mem, rs);
	}
	rpd_dwarf_free(dw);
	if (r == -ENOENT)
		return r;
	rtos = rs->rtos ? rs->rtos : "RTOS";
	for (size_t i = 0; i < rs->nproblems; i++)
		add_problem(st, "%s", rs->problems[i]);
	if (r < 0) {
		add_problem(st, "%s: %s", rtos, rpd_error());
		return r == -ENOMEM ? r : -ENOENT;
	}
	st->rtos = rs->rtos;
	snprintf(st->rtos_port, sizeof(st->rtos_port), "%s",
		 rs->port ? rs->port : "");
	if (!rs->ntasks || !rs->tasks[0].current)
		add_problem(st, "%s: no current task (%s)", rtos,
			    strcmp(rtos, "Zephyr") ? "pxCurrentTCB" :
						     "_kernel.cpus[0].current");
	for (size_t i = 0; i < rs->ntasks; i++) {
		struct rpd_crash_thread *t = add_thread(st);

		if (!t)
			return -ENOMEM;
		take_task(t, &rs->tasks[i]);
	}
	return 0;
}

/* The current task's stack, or the part of it the dump says it used. */
static void task_stack(const struct rpd_task *task, uint64_t *low,
		       uint64_t *high)
{
	*low = task->stack_low;
	*high = task->stack_high;
	/* Without bounds, from the saved sp up: the frame is above it. */
	if (!*low && task->saved_sp)
		*low = task->saved_sp > RPD_EXC_SCAN_MAX ?
			       task->saved_sp - RPD_EXC_SCAN_MAX :
			       0;
	if (!*high && task->saved_sp)
		*high = task->saved_sp + RPD_EXC_SCAN_MAX;
}

/*
 * The crashed task's registers from the frame the CPU stacked on its stack
 * (the process stack). Whether the frame is FP-extended is what the task's
 * EXC_RETURN said when it last resumed: a task that had used the FPU keeps
 * FPCA set, and gets an extended frame.
 */
static int task_frame(const struct rpd_firmware *fw,
		      const struct rpd_memory *mem, struct rpd_crash_state *st,
		      const struct rpd_task *task, struct rpd_crash_thread *t)
{
	struct rpd_exc_frame_scan scan;
	uint64_t low, high;
	bool extended;
	char where[80];

	task_stack(task, &low, &high);
	if (!high || rpd_find_exception_frame(fw, mem, low, high, &scan) < 0) {
		add_problem(st, "task %s: %s", task->name,
			    high ? rpd_error() : "no stack bounds");
		return -ENOENT;
	}
	extended = task->have_exc_return && !(task->exc_return & (1u << 4));
	if (task->fp_context && !task->have_exc_return)
		add_problem(st,
			    "task %s used the FPU: its frame is assumed basic",
			    task->name);
	snprintf(where, sizeof(where), "the stack of task %s", task->name);
	take_frame(st, t, &scan, extended, where);
	return 0;
}

/* ---- the derivation ---- */

/*
 * The crashed context's registers into t, from the most trusted source
 * that has them; task: the RTOS's running task, NULL for bare metal.
 */
static int crashed_registers(const struct rpd_firmware *fw,
			     const struct rpd_memory *mem,
			     struct rpd_crash_state *st,
			     struct rpd_crash_thread *t,
			     const struct rpd_task *task)
{
	int r;

	if (st->have_crash) {
		rpd_crash_interrupted_regs(&st->crash, &t->regs);
		t->desc.regs_known = ALL_ARM_REGS;
		return 0;
	}
	r = try_zephyr(fw, mem, st, t,
		       task && task->have_exc_return ? task->exc_return : 0);
	if (r != -ENOENT)
		return r;
	if (task && task_frame(fw, mem, st, task, t) == 0)
		return 0;
	/* Bare metal; or a crash in an interrupt handler, stacked on the
	 * main stack. */
	return bare_metal_frame(fw, mem, st, t);
}

static int derive(const struct rpd_firmware *fw, const struct rpd_memory *mem,
		  struct rpd_crash_state *st, struct rpd_rtos_state *rs)
{
	const struct rpd_task *task = NULL;
	struct rpd_crash_thread *t;
	int r;

	try_crash_record(fw, mem, st);
	r = rtos_threads(fw, mem, st, rs);
	if (r == -ENOMEM)
		return r;
	if (r == 0 && st->nthreads && rs->tasks[0].current) {
		/* The crashed task is the running one. */
		task = &rs->tasks[0];
		t = &st->threads[0];
	} else {
		t = add_crashed_thread(st);
		if (!t)
			return -ENOMEM;
	}
	r = crashed_registers(fw, mem, st, t, task);
	/* A program with no registers anywhere has no thread to show. */
	if (r == -ENOENT && !task)
		drop_first_thread(st);
	return r == -ENOENT ? 0 : r;
}

int rpd_crash_state_derive(const struct rpd_firmware *fw,
			   const struct rpd_memory *mem,
			   struct rpd_crash_state *st)
{
	struct rpd_rtos_state rs = { 0 };
	int r;

	*st = (struct rpd_crash_state){ 0 };
	if (!fw) {
		set_source(st, RPD_REGS_NONE,
			   "no firmware to interpret memory");
		return 0;
	}
	r = derive(fw, mem, st, &rs);
	rpd_rtos_state_release(&rs);
	if (r == -ENOMEM)
		return rpd_fail(r, "deriving the crash state: out of memory");
	if (st->source == RPD_REGS_NONE)
		set_source(st, RPD_REGS_NONE, "%s",
			   st->problems[0] ? st->problems :
					     "no register source found");
	number_threads(st);
	return 0;
}

void rpd_crash_state_release(struct rpd_crash_state *st)
{
	free(st->threads);
	st->threads = NULL;
	st->nthreads = 0;
}

int16_t rpd_crash_state_signal(const struct rpd_crash_state *st)
{
	if (!st->have_crash)
		return SIGSEGV; /* a fault is all memory can tell */
	switch (st->crash.reason) {
	case RPROC_CRASH_REASON_USAGEFAULT:
		if (st->crash.cfsr & CFSR_DIVBYZERO)
			return SIGFPE;
		return SIGILL;
	case RPROC_CRASH_REASON_HARDFAULT:
	case RPROC_CRASH_REASON_MEMMANAGE:
	case RPROC_CRASH_REASON_STACK_OVERFLOW:
		return SIGSEGV;
	case RPROC_CRASH_REASON_BUSFAULT:
		return SIGBUS;
	case RPROC_CRASH_REASON_WATCHDOG:
		return SIGALRM;
	case RPROC_CRASH_REASON_ASSERT:
	case RPROC_CRASH_REASON_PANIC:
		return SIGABRT;
	}
	return SIGTRAP;
}
