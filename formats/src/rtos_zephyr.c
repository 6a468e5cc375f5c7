// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rtos_zephyr.c - Zephyr's threads from a dump (Zephyr 3.4 and newer,
 * single CPU, Cortex-M).
 *
 * With CONFIG_THREAD_MONITOR the kernel links every thread it created,
 * alive or dead, from _kernel.threads through k_thread.next_thread;
 * _kernel.cpus[0].current is the running thread. Layouts come from the
 * firmware's DWARF (struct z_kernel, struct k_thread); a firmware whose
 * DWARF lacks them but that was built with CONFIG_DEBUG_THREAD_INFO
 * carries Zephyr's own table of the offsets debuggers need,
 * _kernel_thread_info_offsets (subsys/debug/thread_info.c), which gives
 * the list, state, priority, name and saved context, but no stack
 * bounds and no wait queue.
 *
 * State, from _thread_base.thread_state: the _THREAD_* bits of
 * include/zephyr/kernel_structs.h (macros, so not in DWARF), the same in
 * every stored version from 3.4 on except bit 2: _THREAD_DUMMY 0x01,
 * _THREAD_PENDING 0x02, _THREAD_DEAD 0x08, _THREAD_SUSPENDED 0x10,
 * _THREAD_ABORTING 0x20, _THREAD_SUSPENDING 0x40 (after 3.4),
 * _THREAD_QUEUED 0x80; bit 2 is _THREAD_PRESTART (3.4: not started yet)
 * in older versions, _THREAD_SLEEPING in later ones, and not defined
 * there at all in the newest (@ 0485c1a2). kernel/sched.c's
 * z_tick_sleep() marks a sleeping thread suspended (3.4) or sleeping
 * (later), with its timeout armed either way: bit 2 or
 * _THREAD_SUSPENDED with base.timeout linked is "sleep"; without a
 * timeout, suspended (bit 2 alone: a 3.4 thread not started, or one
 * sleeping forever). A pending thread names its wait queue's object.
 *
 * Saved context (arch/arm/core/.../swap_helper.S, PendSV): r4-r11 and the
 * PSP go to k_thread.callee_saved (v1-v8, psp); the PSP points at the
 * frame the CPU stacked on exception entry (r0-r3, r12, lr, pc, xPSR;
 * with the FP extension s0-s15, FPSCR and a reserved word follow);
 * s16-s31 go to arch.preempt_float when the thread had an FP context
 * (CONFIG_FPU_SHARING). Whether the frame is extended is EXC_RETURN bit
 * 4 (FType), whose low byte Zephyr keeps in arch.mode_exc_return with
 * CONFIG_ARM_STORE_EXC_RETURN; without that member the frame is taken as
 * basic. The thread resumes with sp above the frame: psp + 0x20, + 0x48
 * more for an extended frame, + 4 when the stacked xPSR bit 9 says the
 * CPU realigned the stack.
 *
 * Stack use: CONFIG_INIT_STACKS fills every stack with 0xaa; as
 * k_thread_stack_space_get() does, stack_unused counts the fill from
 * stack_info.start up. When no thread shows any, stacks are not filled
 * and stack use is unknown. Overflow, as for FreeRTOS: the saved psp is
 * below stack_info.start, or stacks are filled and fewer than 16 bytes
 * of fill are left at the low end.
 */
#include <dwarf.h>
#include <gelf.h>
#include <stdio.h>

#include "firmware_internal.h"
#include "rtos.h"
#include "util.h"

#define THREAD_MAX_SIZE 4096
#define MAX_STACK_SIZE (16u << 20)
#define MAX_FILL_SCAN (1u << 20)
#define NAME_MAX_LEN 32 /* CONFIG_THREAD_MAX_NAME_LEN's default */
#define MAX_OFFSETS 64

/* _THREAD_* (kernel_structs.h) */
#define STATE_DUMMY 0x01u
#define STATE_PENDING 0x02u
#define STATE_PRESTART_OR_SLEEPING 0x04u
#define STATE_DEAD 0x08u
#define STATE_SUSPENDED 0x10u
#define STATE_ABORTING 0x20u
#define STATE_QUEUED 0x80u

#define STACK_FILL_BYTE 0xaa /* CONFIG_INIT_STACKS */
#define OVERFLOW_CHECK_BYTES 16

/* THREAD_INFO_OFFSET_* indices (subsys/debug/thread_info.c) */
enum {
	TI_VERSION,
	TI_K_CURR_THREAD, /* in struct _cpu; cpus[0] starts z_kernel */
	TI_K_THREADS,
	TI_T_ENTRY,
	TI_T_NEXT_THREAD,
	TI_T_STATE, /* in _thread_base, which starts k_thread */
	TI_T_USER_OPTIONS,
	TI_T_PRIO,
	TI_T_STACK_PTR, /* ARM: callee_saved.psp */
	TI_T_NAME,
	TI_T_ARCH,
	TI_T_PREEMPT_FLOAT,  /* in struct _thread_arch */
	TI_T_COOP_FLOAT,     /* unimplemented on ARM */
	TI_T_ARM_EXC_RETURN, /* in struct _thread_arch */
	TI_COUNT_KNOWN,
};
#define TI_UNIMPLEMENTED 0xffffffffu

/* The architecture's EXC_RETURN: its low byte is what Zephyr keeps. */
#define EXC_RETURN_HIGH 0xffffff00u

/* ---- the layout ----------------------------------------------------------- */

struct layout {
	const char *source; /* what gave the offsets */
	unsigned ptr;
	uint64_t kernel;			/* &_kernel */
	struct rpd_rtos_field current, threads; /* in z_kernel */

	uint64_t thread_size; /* bytes read of each k_thread */
	struct rpd_rtos_field next, state, prio, pended_on, timeout_next;
	struct rpd_rtos_field callee[8], psp;
	struct rpd_rtos_field stack_start, stack_size;
	struct rpd_rtos_field exc_return; /* the byte arch.mode_exc_return */
	uint32_t name, name_len; /* name_len 0: no CONFIG_THREAD_NAME */
	uint32_t preempt_float;	 /* s16-s31 */
	bool have_preempt_float;
};

struct walk {
	const struct rpd_firmware *fw;
	struct rpd_dwarf *dw;
	const struct rpd_memory *mem;
	struct rpd_rtos_state *out;
	struct layout L;
	uint64_t current;
	uint8_t *tcbs; /* every thread's bytes, L.thread_size each */
	bool *readable;
	bool oom;
};

/* A problem of the walk; one that cannot be recorded fails it at the end. */
#define problem(w, ...) rpd_rtos_note_problem((w)->out, &(w)->oom, __VA_ARGS__)

static int64_t get_signed(const uint8_t *buf, struct rpd_rtos_field f)
{
	uint64_t v = rpd_rtos_field_get(buf, f);
	unsigned bits = 8u * f.size;

	if (bits && bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ull << bits;
	return (int64_t)v;
}

/* A member of 1-8 bytes by dotted path, inside a type of tsize bytes;
 * size 0 when the configuration left it out. */
static int field_of(struct walk *w, const struct rpd_dwarf_type *type,
		    const char *path, struct rpd_rtos_field *f)
{
	struct rpd_dwarf_member m;
	int r = rpd_dwarf_member(w->dw, type, path, &m);

	*f = (struct rpd_rtos_field){ 0 };
	if (r < 0)
		return r;
	if ((m.type.size != 1 && m.type.size != 2 && m.type.size != 4 &&
	     m.type.size != 8) ||
	    m.offset > type->size || m.type.size > type->size - m.offset)
		return rpd_fail(-EINVAL, "member %s: %llu bytes at %llu", path,
				(unsigned long long)m.type.size,
				(unsigned long long)m.offset);
	*f = (struct rpd_rtos_field){ (uint32_t)m.offset,
				      (uint8_t)m.type.size };
	return 0;
}

/* An optional member: absent is an answer, malformed too (left out). */
static void optional_field(struct walk *w, const struct rpd_dwarf_type *type,
			   const char *path, struct rpd_rtos_field *f)
{
	if (field_of(w, type, path, f) < 0)
		*f = (struct rpd_rtos_field){ 0 };
}

/* z_kernel: cpus[0].current and, with CONFIG_THREAD_MONITOR, threads. */
static int load_kernel(struct walk *w, const struct rpd_dwarf_type *kernel,
		       struct rpd_dwarf_type *thread)
{
	struct layout *L = &w->L;
	struct rpd_dwarf_member cpus, current;
	struct rpd_dwarf_array array;
	int r;

	r = rpd_dwarf_member(w->dw, kernel, "cpus", &cpus);
	if (r == 0)
		r = rpd_dwarf_array(w->dw, &cpus.type, &array);
	if (r == 0)
		r = rpd_dwarf_member(w->dw, &array.element, "current",
				     &current);
	if (r == 0 && current.type.kind != RPD_DWARF_POINTER)
		r = -EINVAL;
	if (r == 0)
		r = rpd_dwarf_pointee(w->dw, &current.type, thread);
	if (r < 0)
		return rpd_rtos_layout_fail(r, "Zephyr", "struct z_kernel");
	L->ptr = (unsigned)current.type.size;
	if (L->ptr != 4 && L->ptr != 8)
		return rpd_fail(-EINVAL, "Zephyr: pointers of %u bytes",
				L->ptr);
	L->current = (struct rpd_rtos_field){
		(uint32_t)(cpus.offset + current.offset), (uint8_t)L->ptr
	};
	optional_field(w, kernel, "threads", &L->threads);
	return 0;
}

static int load_thread_regs(struct walk *w, const struct rpd_dwarf_type *t)
{
	struct layout *L = &w->L;
	char path[32];
	int r = 0;

	for (int i = 0; i < 8 && r == 0; i++) {
		snprintf(path, sizeof(path), "callee_saved.v%d", i + 1);
		r = field_of(w, t, path, &L->callee[i]);
	}
	if (r == 0)
		r = field_of(w, t, "callee_saved.psp", &L->psp);
	if (r == 0 && L->psp.size != 4)
		r = -EINVAL;
	return r;
}

static void load_thread_options(struct walk *w, const struct rpd_dwarf_type *t)
{
	struct layout *L = &w->L;
	struct rpd_dwarf_member m;
	struct rpd_dwarf_array name;

	optional_field(w, t, "next_thread", &L->next);
	optional_field(w, t, "base.pended_on", &L->pended_on);
	optional_field(w, t, "base.timeout.node.next", &L->timeout_next);
	optional_field(w, t, "stack_info.start", &L->stack_start);
	optional_field(w, t, "stack_info.size", &L->stack_size);
	optional_field(w, t, "arch.mode_exc_return", &L->exc_return);
	if (L->exc_return.size != 1)
		L->exc_return.size = 0;
	if (rpd_dwarf_member(w->dw, t, "name", &m) == 0 &&
	    rpd_dwarf_array(w->dw, &m.type, &name) == 0 &&
	    m.offset <= t->size && m.type.size <= t->size - m.offset) {
		L->name = (uint32_t)m.offset;
		L->name_len = (uint32_t)MIN(name.count, m.type.size);
	}
	if (rpd_dwarf_member(w->dw, t, "arch.preempt_float", &m) == 0 &&
	    m.type.size >= 4 * RPD_CALLEE_FP_WORDS && m.offset <= t->size &&
	    4 * RPD_CALLEE_FP_WORDS <= t->size - m.offset) {
		L->preempt_float = (uint32_t)m.offset;
		L->have_preempt_float = true;
	}
}

static int load_thread(struct walk *w, const struct rpd_dwarf_type *t)
{
	struct layout *L = &w->L;
	int r;

	if (t->size == 0 || t->size > THREAD_MAX_SIZE)
		return rpd_fail(-EINVAL, "Zephyr struct k_thread of %llu bytes",
				(unsigned long long)t->size);
	L->thread_size = t->size;
	r = field_of(w, t, "base.thread_state", &L->state);
	if (r == 0)
		r = field_of(w, t, "base.prio", &L->prio);
	if (r == 0)
		r = load_thread_regs(w, t);
	if (r < 0)
		return rpd_rtos_layout_fail(r, "Zephyr", "struct k_thread");
	load_thread_options(w, t);
	return 0;
}

/* The layout from DWARF; -ENOENT when DWARF does not describe _kernel. */
static int layout_from_dwarf(struct walk *w)
{
	struct rpd_dwarf_variable kernel;
	struct rpd_dwarf_type thread;
	int r;

	if (rpd_dwarf_variable(w->dw, "_kernel", &kernel) < 0 ||
	    kernel.type.kind != RPD_DWARF_STRUCT ||
	    !rpd_dwarf_has_member(w->dw, &kernel.type, "cpus"))
		return -ENOENT;
	r = load_kernel(w, &kernel.type, &thread);
	if (r == 0)
		r = load_thread(w, &thread);
	if (r < 0)
		return rpd_fail_prefix(r, "%s", rpd_firmware_path(w->fw));
	w->L.kernel = kernel.addr;
	w->L.source = "DWARF";
	return 0;
}

/* ---- the fallback: _kernel_thread_info_offsets ------------------------------ */

/* Bytes of a firmware object: from the dump, else from the image (the
 * table is constant data). */
static int read_object(struct walk *w, uint64_t addr, void *buf, size_t len)
{
	if (w->mem->read(w->mem->ctx, addr, buf, len) == 0)
		return 0;
	return rpd_firmware_read(w->fw, addr, buf, len);
}

static int symbol_of(struct walk *w, const char *a, const char *b,
		     uint64_t *addr, uint64_t *size)
{
	if (rpd_firmware_symbol(w->fw, a, addr, size) == 0)
		return 0;
	return rpd_firmware_symbol(w->fw, b, addr, size);
}

/* The offsets table: how many entries, each size_t_size bytes. */
static int read_offsets(struct walk *w, uint64_t *offsets, size_t *n,
			unsigned *word)
{
	uint64_t addr, size, count_addr, count = 0, word_addr;
	uint8_t buf[MAX_OFFSETS * 8], w8 = 4;

	if (symbol_of(w, "_kernel_thread_info_offsets",
		      "_kernel_openocd_offsets", &addr, &size) < 0)
		return -ENOENT;
	if (symbol_of(w, "_kernel_thread_info_size_t_size",
		      "_kernel_openocd_size_t_size", &word_addr, &size) == 0)
		read_object(w, word_addr, &w8, 1);
	if (w8 != 4 && w8 != 8)
		return rpd_fail(-EINVAL,
				"_kernel_thread_info_size_t_size is %u", w8);
	*word = w8;
	if (symbol_of(w, "_kernel_thread_info_num_offsets",
		      "_kernel_openocd_num_offsets", &count_addr, &size) == 0 &&
	    read_object(w, count_addr, buf, w8) == 0)
		count = w8 == 8 ? get_le64(buf) : get_le32(buf);
	if (!count)
		count = TI_T_NAME; /* version 0's entries */
	*n = (size_t)MIN(count, (uint64_t)MAX_OFFSETS);
	if (read_object(w, addr, buf, *n * w8) < 0)
		return rpd_fail(
			-ENOENT,
			"_kernel_thread_info_offsets at 0x%llx: not readable",
			(unsigned long long)addr);
	for (size_t i = 0; i < *n; i++)
		offsets[i] = w8 == 8 ? get_le64(buf + 8 * i) :
				       get_le32(buf + 4 * i);
	return 0;
}

/* An offset of the table as a field; size 0 if unimplemented or absurd. */
static struct rpd_rtos_field table_field(const uint64_t *offsets, size_t n,
					 size_t index, uint64_t base,
					 uint8_t size)
{
	if (index >= n || offsets[index] == TI_UNIMPLEMENTED ||
	    (uint32_t)offsets[index] == TI_UNIMPLEMENTED ||
	    base + offsets[index] + size > THREAD_MAX_SIZE)
		return (struct rpd_rtos_field){ 0 };
	return (struct rpd_rtos_field){ (uint32_t)(base + offsets[index]),
					size };
}

static void grow_thread(struct layout *L, struct rpd_rtos_field f,
			uint32_t more)
{
	if (f.size)
		L->thread_size = MAX(L->thread_size, (uint64_t)f.off + more);
}

static int layout_from_table(struct walk *w)
{
	struct layout *L = &w->L;
	uint64_t offsets[MAX_OFFSETS], size;
	struct rpd_rtos_field arch;
	size_t n = 0;
	unsigned word = 4;
	int r;

	r = read_offsets(w, offsets, &n, &word);
	if (r < 0)
		return r;
	if (rpd_firmware_symbol(w->fw, "_kernel", &L->kernel, &size) < 0)
		return rpd_fail(
			-EINVAL,
			"%s: _kernel_thread_info_offsets without _kernel",
			rpd_firmware_path(w->fw));
	L->ptr = word;
	L->current = table_field(offsets, n, TI_K_CURR_THREAD, 0, word);
	L->threads = table_field(offsets, n, TI_K_THREADS, 0, word);
	L->next = table_field(offsets, n, TI_T_NEXT_THREAD, 0, word);
	L->state = table_field(offsets, n, TI_T_STATE, 0, 1);
	L->prio = table_field(offsets, n, TI_T_PRIO, 0, 1);
	L->psp = table_field(offsets, n, TI_T_STACK_PTR, 0, 4);
	if (!L->current.size || !L->state.size || !L->psp.size ||
	    L->psp.off < 32)
		return rpd_fail(
			-EINVAL,
			"%s: _kernel_thread_info_offsets lacks the current thread, state or stack pointer",
			rpd_firmware_path(w->fw));
	/* struct _callee_saved: v1-v8 just below psp */
	for (int i = 0; i < 8; i++)
		L->callee[i] =
			(struct rpd_rtos_field){ L->psp.off - 32 + 4 * i, 4 };
	arch = table_field(offsets, n, TI_T_ARCH, 0, 4);
	if (arch.size) {
		L->exc_return = table_field(offsets, n, TI_T_ARM_EXC_RETURN,
					    arch.off, 1);
		L->preempt_float =
			table_field(offsets, n, TI_T_PREEMPT_FLOAT, arch.off, 4)
				.off;
		L->have_preempt_float = table_field(offsets, n,
						    TI_T_PREEMPT_FLOAT,
						    arch.off, 64)
						.size;
	}
	if (table_field(offsets, n, TI_T_NAME, 0, NAME_MAX_LEN).size) {
		L->name = (uint32_t)offsets[TI_T_NAME];
		L->name_len = NAME_MAX_LEN;
	}
	grow_thread(L, L->next, word);
	grow_thread(L, L->state, 1);
	grow_thread(L, L->prio, 1);
	grow_thread(L, L->psp, 4);
	grow_thread(L, L->exc_return, 1);
	if (L->have_preempt_float)
		grow_thread(L, (struct rpd_rtos_field){ L->preempt_float, 4 },
			    64);
	if (L->name_len)
		grow_thread(L, (struct rpd_rtos_field){ L->name, 1 },
			    L->name_len);
	L->source = "_kernel_thread_info_offsets";
	problem(w,
		"the DWARF has no struct k_thread: offsets from _kernel_thread_info_offsets, no stack bounds, no wait queues");
	return 0;
}

/* DWARF first; Zephyr's table when DWARF lacks (or garbles) the types. */
static int load_layout(struct walk *w)
{
	char why[160] = "";
	uint64_t addr, size;
	int r = layout_from_dwarf(w), t;

	if (r == 0)
		return 0;
	if (r != -ENOENT)
		snprintf(why, sizeof(why), "%s", rpd_error());
	w->L = (struct layout){ 0 }; /* nothing of a half-read layout */
	t = layout_from_table(w);
	if (t == 0 && r != -ENOENT)
		problem(w, "%s", why);
	if (t != -ENOENT)
		return t;
	if (r != -ENOENT)
		return rpd_fail(r, "%s", why);
	if (rpd_firmware_symbol(w->fw, "_kernel", &addr, &size) == 0 &&
	    rpd_firmware_symbol(w->fw, "z_thread_entry", &addr, &size) == 0)
		return rpd_fail(
			-EINVAL,
			"%s: a Zephyr firmware whose DWARF does not describe _kernel and without CONFIG_DEBUG_THREAD_INFO",
			rpd_firmware_path(w->fw));
	return rpd_fail(-ENOENT, "%s: not a Zephyr firmware (no _kernel)",
			rpd_firmware_path(w->fw));
}

/* ---- the list --------------------------------------------------------------- */

static int read_ptr(struct walk *w, uint64_t addr, uint64_t *value)
{
	return rpd_memory_read_uint(w->mem, addr, w->L.ptr, value);
}

static int read_thread(struct walk *w, uint64_t addr, uint8_t *buf)
{
	if (addr > UINT64_MAX - w->L.thread_size)
		return -EINVAL;
	return w->mem->read(w->mem->ctx, addr, buf, w->L.thread_size);
}

static bool listed(const struct walk *w, uint64_t tcb)
{
	return rpd_rtos_find_task(w->out, tcb) != NULL;
}

/* A new thread at tcb; its bytes read into w->tcbs when the dump has
 * them. -E2BIG past the limit, -ENOMEM. */
static int add_thread(struct walk *w, uint64_t tcb, const char *via)
{
	size_t i = w->out->ntasks;
	struct rpd_task *t;
	int r = rpd_rtos_add_task(w->out, &t);

	if (r < 0)
		return r;
	t->tcb = tcb;
	t->current = tcb == w->current;
	w->readable[i] = read_thread(w, tcb, w->tcbs + i * w->L.thread_size) ==
			 0;
	if (!w->readable[i]) {
		snprintf(t->name, sizeof(t->name), "?");
		problem(w,
			"thread at 0x%llx (%s): its k_thread is not in the dumped memory",
			(unsigned long long)tcb, via);
	}
	return 0;
}

/* _kernel.threads, then next_thread: each thread once, at most
 * RPD_RTOS_MAX_TASKS, stopping at a thread the dump does not hold. */
static int walk_threads(struct walk *w)
{
	const struct layout *L = &w->L;
	uint64_t p;
	char via[48] = "_kernel.threads";
	int r;

	if (read_ptr(w, L->kernel + L->threads.off, &p) < 0) {
		problem(w,
			"_kernel.threads at 0x%llx: not in the dumped memory",
			(unsigned long long)(L->kernel + L->threads.off));
		return 0;
	}
	while (p) {
		size_t i = w->out->ntasks;

		if (listed(w, p)) {
			problem(w,
				"the thread list loops: %s points back to thread 0x%llx",
				via, (unsigned long long)p);
			return 0;
		}
		r = add_thread(w, p, via);
		if (r == -E2BIG) {
			problem(w,
				"more than %d threads: the rest are not read",
				RPD_RTOS_MAX_TASKS);
			return 0;
		}
		if (r < 0 || !w->readable[i] || !L->next.size)
			return r;
		snprintf(via, sizeof(via), "next_thread of 0x%llx",
			 (unsigned long long)p);
		p = rpd_rtos_field_get(w->tcbs + i * L->thread_size, L->next);
	}
	return 0;
}

static int find_threads(struct walk *w)
{
	const struct layout *L = &w->L;
	int r = 0;

	if (read_ptr(w, L->kernel + L->current.off, &w->current) < 0) {
		problem(w,
			"_kernel.cpus[0].current at 0x%llx: not in the dumped memory",
			(unsigned long long)(L->kernel + L->current.off));
		w->current = 0;
	} else if (!w->current) {
		problem(w, "_kernel.cpus[0].current is NULL: no thread ran");
	}
	if (L->threads.size)
		r = walk_threads(w);
	else
		problem(w,
			"no _kernel.threads (CONFIG_THREAD_MONITOR): only the current thread is known");
	if (r == 0 && w->current && !listed(w, w->current)) {
		if (L->threads.size)
			problem(w,
				"_kernel.cpus[0].current 0x%llx is not on the thread list",
				(unsigned long long)w->current);
		r = add_thread(w, w->current, "_kernel.cpus[0].current");
	}
	return r == -E2BIG ? 0 : r;
}

/* ---- what a thread waits for ------------------------------------------------ */

/* The kernel objects a thread pends on, by the wait queue's member. */
static const struct {
	const char *type, *member, *what;
} wait_objects[] = {
	{ "k_sem", "wait_q", "semaphore" },
	{ "k_mutex", "wait_q", "mutex" },
	{ "k_msgq", "wait_q", "message queue" },
	{ "k_queue", "wait_q", "queue" },
	{ "k_fifo", "_queue.wait_q", "fifo" },
	{ "k_lifo", "_queue.wait_q", "lifo" },
	{ "k_stack", "wait_q", "stack" },
	{ "k_condvar", "wait_q", "condition variable" },
	{ "k_event", "wait_q", "event" },
	{ "k_timer", "wait_q", "timer" },
	{ "k_mem_slab", "wait_q", "memory slab" },
	{ "k_pipe", "wait_q.readers", "pipe (read)" },
	{ "k_pipe", "wait_q.writers", "pipe (write)" },
	{ "k_pipe", "data", "pipe (read)" },
	{ "k_pipe", "space", "pipe (write)" },
	{ "k_mbox", "tx_msg_queue", "mailbox (send)" },
	{ "k_mbox", "rx_msg_queue", "mailbox (receive)" },
	{ "k_thread", "join_queue", "join" },
};

struct wait_object {
	const char *what;
	const char *symbol;
	uint64_t addr; /* of the object */
	struct rpd_dwarf_type type;
	long index; /* in an array of objects; -1: not an array */
};

/* The object of a known type whose wait queue is at q; -ENOENT. */
static int find_wait_object(struct walk *w, uint64_t q, struct wait_object *o)
{
	const struct rpd_symbol *sym;
	struct rpd_dwarf_variable var;
	struct rpd_dwarf_array array;
	struct rpd_dwarf_member m;
	uint64_t off;
	const char *name;

	if (rpd_firmware_symbol_at(w->fw, q, &sym) < 0 ||
	    sym->type != STT_OBJECT || q - sym->addr >= sym->size ||
	    rpd_dwarf_variable(w->dw, sym->name, &var) < 0 ||
	    var.addr != sym->addr)
		return -ENOENT;
	*o = (struct wait_object){ .symbol = sym->name,
				   .addr = sym->addr,
				   .type = var.type,
				   .index = -1 };
	off = q - sym->addr;
	if (var.type.kind == RPD_DWARF_ARRAY) {
		if (rpd_dwarf_array(w->dw, &var.type, &array) < 0 ||
		    !array.element.size)
			return -ENOENT;
		o->type = array.element;
		o->index = (long)(off / array.element.size);
		o->addr += off - off % array.element.size;
		off %= array.element.size;
	}
	if (o->type.kind != RPD_DWARF_STRUCT)
		return -ENOENT;
	name = dwarf_diename(&o->type.die);
	for (size_t i = 0; name && i < ARRAY_SIZE(wait_objects); i++)
		if (!strcmp(name, wait_objects[i].type) &&
		    rpd_dwarf_member(w->dw, &o->type, wait_objects[i].member,
				     &m) == 0 &&
		    m.offset == off) {
			o->what = wait_objects[i].what;
			return 0;
		}
	return -ENOENT;
}

static const char *thread_name_at(const struct walk *w, uint64_t tcb)
{
	const struct rpd_task *t = rpd_rtos_find_task(w->out, tcb);

	return t && t->name[0] ? t->name : NULL;
}

/* "held by NAME" for a mutex whose owner is a thread with a name. */
static void mutex_holder(struct walk *w, const struct wait_object *o, char *out,
			 size_t size)
{
	struct rpd_dwarf_member m;
	uint64_t owner;
	const char *name;

	out[0] = '\0';
	if (rpd_dwarf_member(w->dw, &o->type, "owner", &m) < 0 ||
	    m.type.size != w->L.ptr ||
	    read_ptr(w, o->addr + m.offset, &owner) < 0 || !owner)
		return;
	name = thread_name_at(w, owner);
	if (name)
		snprintf(out, size, " (held by %s)", name);
	else
		snprintf(out, size, " (held by 0x%llx)",
			 (unsigned long long)owner);
}

static void describe_wait_q(struct walk *w, uint64_t q, char *out)
{
	struct wait_object o;
	const char *joined;
	char index[24] = "", holder[RPD_TASK_NAME_SIZE + 16] = "";

	if (!w->dw || find_wait_object(w, q, &o) < 0) {
		rpd_task_set_blocked_on(out, "wait queue 0x%llx",
					(unsigned long long)q);
		return;
	}
	if (o.index >= 0)
		snprintf(index, sizeof(index), "[%ld]", o.index);
	if (!strcmp(o.what, "join")) {
		joined = thread_name_at(w, o.addr);
		rpd_task_set_blocked_on(out, "join %s%s0x%llx",
					joined ? joined : "", joined ? " " : "",
					(unsigned long long)o.addr);
		return;
	}
	if (!strcmp(o.what, "mutex"))
		mutex_holder(w, &o, holder, sizeof(holder));
	rpd_task_set_blocked_on(out, "%s %s%s 0x%llx%s", o.what, o.symbol,
				index, (unsigned long long)o.addr, holder);
}

static bool timeout_armed(const struct walk *w, const uint8_t *tcb)
{
	return w->L.timeout_next.size &&
	       rpd_rtos_field_get(tcb, w->L.timeout_next);
}

/* State and what the thread waits for; needs every thread's name. */
static void thread_state(struct walk *w, struct rpd_task *t, const uint8_t *tcb)
{
	uint64_t s = rpd_rtos_field_get(tcb, w->L.state);
	uint64_t q = w->L.pended_on.size ?
			     rpd_rtos_field_get(tcb, w->L.pended_on) :
			     0;
	bool timeout = timeout_armed(w, tcb);

	t->state = RPD_TASK_UNKNOWN;
	if (t->current) {
		t->state = RPD_TASK_RUNNING;
	} else if (s & (STATE_DEAD | STATE_ABORTING)) {
		t->state = RPD_TASK_DELETED;
	} else if (s & STATE_PENDING) {
		t->state = RPD_TASK_BLOCKED;
		if (q)
			describe_wait_q(w, q, t->blocked_on);
		else if (timeout)
			rpd_task_set_blocked_on(t->blocked_on, "sleep");
		else if (w->L.pended_on.size)
			rpd_task_set_blocked_on(t->blocked_on,
						"wait queue (none)");
	} else if ((s & (STATE_SUSPENDED | STATE_PRESTART_OR_SLEEPING)) &&
		   timeout) {
		t->state = RPD_TASK_BLOCKED;
		rpd_task_set_blocked_on(t->blocked_on, "sleep");
	} else if (s & (STATE_SUSPENDED | STATE_PRESTART_OR_SLEEPING)) {
		t->state = RPD_TASK_SUSPENDED;
	} else if (s & STATE_QUEUED) {
		t->state = RPD_TASK_READY;
	}
	if (s & STATE_DUMMY)
		problem(w, "thread 0x%llx is a dummy thread (state 0x%02llx)",
			(unsigned long long)t->tcb, (unsigned long long)s);
}

/* ---- the saved context ------------------------------------------------------ */

/* The frame at psp and the callee-saved registers of the k_thread. */
static int decode_context(struct walk *w, struct rpd_task *t,
			  const uint8_t *tcb, const char **why)
{
	const struct layout *L = &w->L;
	uint64_t sp = t->saved_sp;
	bool extended = t->have_exc_return &&
			!(t->exc_return & RPD_EXC_RETURN_FTYPE);

	*why = "not in the dumped memory";
	if (rpd_task_read_exception_frame(w->mem, t, &sp, extended) < 0)
		return -ENOENT;
	if (extended && L->have_preempt_float) {
		for (int i = 0; i < RPD_CALLEE_FP_WORDS; i++)
			t->s16_s31[i] =
				get_le32(tcb + L->preempt_float + 4 * i);
		t->fp_context = true;
	}
	for (int i = 0; i < 8; i++)
		t->regs.r[4 + i] =
			(uint32_t)rpd_rtos_field_get(tcb, L->callee[i]);
	/* A thread that never ran resumes at z_thread_entry, its Thumb
	 * bit masked by arch_new_thread(). */
	return rpd_task_finish_context(w->fw, t, sp, why);
}

static void thread_context(struct walk *w, struct rpd_task *t,
			   const uint8_t *tcb)
{
	const struct layout *L = &w->L;
	struct rpd_task keep;
	uint64_t mode;
	const char *why;

	/* The low byte of EXC_RETURN; 0 until the thread was switched. */
	mode = L->exc_return.size ? rpd_rtos_field_get(tcb, L->exc_return) : 0;
	if (mode) {
		t->exc_return = EXC_RETURN_HIGH | (uint32_t)mode;
		t->have_exc_return = true;
	}
	if (t->current || !t->saved_sp)
		return; /* the current thread's context is the crash's */
	if ((t->stack_low && t->saved_sp < t->stack_low) ||
	    (t->stack_high && t->saved_sp >= t->stack_high)) {
		problem(w,
			"thread %s (0x%llx): psp 0x%llx is outside its stack [0x%llx, 0x%llx): context not read",
			t->name, (unsigned long long)t->tcb,
			(unsigned long long)t->saved_sp,
			(unsigned long long)t->stack_low,
			(unsigned long long)t->stack_high);
		return;
	}
	keep = *t;
	if (decode_context(w, t, tcb, &why) == 0)
		return;
	problem(w,
		"thread %s (0x%llx): the context saved at psp 0x%llx is not a Cortex-M one: %s",
		t->name, (unsigned long long)t->tcb,
		(unsigned long long)t->saved_sp, why);
	*t = keep; /* a half-read context is not the thread's */
}

/* ---- the threads ------------------------------------------------------------ */

static void thread_stack(struct walk *w, struct rpd_task *t, const uint8_t *tcb)
{
	const struct layout *L = &w->L;
	uint64_t low, size;

	if (!L->stack_start.size || !L->stack_size.size)
		return;
	low = rpd_rtos_field_get(tcb, L->stack_start);
	size = rpd_rtos_field_get(tcb, L->stack_size);
	t->stack_low = low;
	if (!low)
		return;
	if (!size || size > MAX_STACK_SIZE || low + size < low) {
		problem(w,
			"thread %s (0x%llx): stack of %llu bytes at 0x%llx is absurd",
			t->name, (unsigned long long)t->tcb,
			(unsigned long long)size, (unsigned long long)low);
		t->stack_unused = rpd_rtos_count_fill(
			w->mem, low, MAX_FILL_SCAN, STACK_FILL_BYTE);
		return;
	}
	t->stack_high = low + size;
	t->stack_unused =
		rpd_rtos_count_fill(w->mem, low, size, STACK_FILL_BYTE);
}

static void thread_details(struct walk *w, struct rpd_task *t,
			   const uint8_t *tcb)
{
	const struct layout *L = &w->L;

	if (L->name_len && !rpd_task_set_name(t, tcb + L->name, L->name_len))
		problem(w,
			"thread at 0x%llx: its name has no NUL within %u bytes",
			(unsigned long long)t->tcb, L->name_len);
	t->priority = (int32_t)get_signed(tcb, L->prio);
	t->have_priority = true;
	t->saved_sp = rpd_rtos_field_get(tcb, L->psp);
	thread_stack(w, t, tcb);
	thread_context(w, t, tcb);
}

/* The fill rule and the overflow flag, as in the file comment. */
static void check_fill(struct walk *w)
{
	struct rpd_rtos_state *out = w->out;
	bool filled = rpd_rtos_check_fill(out, OVERFLOW_CHECK_BYTES);

	if (!filled && out->ntasks && w->L.stack_start.size)
		problem(w,
			"no thread's stack shows Zephyr's 0x%x fill (CONFIG_INIT_STACKS): stack use unknown",
			STACK_FILL_BYTE);
}

static int build_threads(struct walk *w)
{
	struct rpd_rtos_state *out = w->out;
	int r;

	w->tcbs = calloc(RPD_RTOS_MAX_TASKS, w->L.thread_size);
	w->readable = calloc(RPD_RTOS_MAX_TASKS, sizeof(*w->readable));
	if (!w->tcbs || !w->readable)
		return -ENOMEM;
	r = find_threads(w);
	if (r < 0)
		return r;
	for (size_t i = 0; i < out->ntasks; i++)
		if (w->readable[i])
			thread_details(w, &out->tasks[i],
				       w->tcbs + i * w->L.thread_size);
	/* Second pass: a mutex names its holder, a join its thread. */
	for (size_t i = 0; i < out->ntasks; i++)
		if (w->readable[i])
			thread_state(w, &out->tasks[i],
				     w->tcbs + i * w->L.thread_size);
		else if (out->tasks[i].current)
			out->tasks[i].state = RPD_TASK_RUNNING;
	check_fill(w);
	rpd_rtos_current_first(out);
	return 0;
}

int rpd_rtos_zephyr(const struct rpd_firmware *fw, struct rpd_dwarf *dwarf,
		    const struct rpd_memory *mem, struct rpd_rtos_state *out)
{
	struct walk *w;
	int r;

	*out = (struct rpd_rtos_state){ .rtos = "Zephyr" };
	w = calloc(1, sizeof(*w));
	if (!w)
		return rpd_fail(-ENOMEM, "out of memory");
	*w = (struct walk){ .fw = fw, .dw = dwarf, .mem = mem, .out = out };
	r = load_layout(w);
	if (r == 0) {
		out->port = "cortex_m";
		snprintf(out->port_source, sizeof(out->port_source),
			 "Zephyr's Cortex-M context switch; layouts from %s",
			 w->L.source);
		r = build_threads(w);
		if (r == 0 && w->oom)
			r = -ENOMEM;
		if (r < 0)
			r = rpd_fail(r, "out of memory");
	}
	free(w->tcbs);
	free(w->readable);
	free(w);
	return r;
}
