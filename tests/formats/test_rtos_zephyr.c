// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_rtos_zephyr.c - the Zephyr walker and the crash state it feeds, on
 * a Zephyr-shaped stand-in firmware (zephyr/: Zephyr 3.4's struct
 * k_thread, z_kernel and kernel objects, ten threads in the states
 * zephyr/standin.h lists, statically linked into _kernel.threads).
 *
 * Zephyr cannot be built here. The thread structs are the ARM compiler's
 * (their .data initialisers), the rest of RAM is written here from the
 * architecture's and Zephyr's documented formats, not from the reader:
 * every stack filled with 0xaa (CONFIG_INIT_STACKS) up to a known depth,
 * the frame the CPU stacked at each switched-out thread's psp (r0-r3,
 * r12, lr, pc, xPSR, and s0-s15, FPSCR for an FP-extended one), and the
 * crash of main: its exception frame and Zephyr 3.4's arch_blk (version
 * 2, sp = the frame's address). Checked: every thread's name, state,
 * what it waits for, priority, stack bounds and use, saved registers;
 * the crash state with main first holding the coredump's registers; the
 * same image corrupted (a list that loops, next_thread outside memory,
 * an absurd stack size, a psp outside its stack, random bytes): problems
 * and partial output, in bounded time; and the same firmware without
 * DWARF for the kernel, read through _kernel_thread_info_offsets.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "crash_state.h"
#include "dwarf_types.h"
#include "rtos.h"
#include "testutil.h"
#include "util.h"
#include "zephyr/standin.h"

#define RAM_BASE 0x20000000u
#define RAM_LEN 0x8000u
#define FILL 0xaa

/* main's fault: the frame the CPU stacked, this far below its stack's
 * end (8-byte aligned: no realignment) */
#define FAULT_FRAME_BELOW 0x80
#define ARCH_BLK_V2_WORDS 17

static const char *const names[ZS_NTHREADS] = {
	"main",	  "sensor", "logger", "rx",   "sleeper",
	"worker", "idle",   "parked", "done", "cons",
};
static const int prios[ZS_NTHREADS] = { 0, -2, 5, 3, 7, 4, 15, 6, 8, 9 };
/* The walker's order: the current thread, then _kernel.threads. */
static const int order[ZS_NTHREADS] = {
	ZS_MAIN,   ZS_CONS,    ZS_DONE, ZS_PARKED, ZS_IDLE,
	ZS_WORKER, ZS_SLEEPER, ZS_RX,	ZS_LOGGER, ZS_SENSOR,
};

struct fixture {
	char *dir;
	struct rpd_firmware *fw;
	struct rpd_dwarf *dw;
	uint8_t ram[RAM_LEN];
	uint32_t layout[ZS_NLAYOUT];
	uint64_t code; /* thread_code */
	uint64_t tcb[ZS_NTHREADS], stack[ZS_NTHREADS];
	uint64_t sem_data, log_lock, rx_msgq, sems;
	uint32_t fault_frame;
	unsigned long reads;
};

static struct fixture *fx;

/* ---- the image ---------------------------------------------------------- */

static int ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fixture *f = ctx;

	f->reads++;
	if (addr < RAM_BASE || !range_within(addr - RAM_BASE, len, RAM_LEN))
		return -ENOENT;
	memcpy(buf, f->ram + (addr - RAM_BASE), len);
	return 0;
}

static void put32(uint64_t addr, uint32_t v)
{
	assert_true(addr >= RAM_BASE && addr - RAM_BASE + 4 <= RAM_LEN);
	put_le32(fx->ram + (addr - RAM_BASE), v);
}

static uint64_t symbol(const char *name)
{
	uint64_t addr, size;

	if (rpd_firmware_symbol(fx->fw, name, &addr, &size) < 0)
		fail_msg("%s", rpd_error());
	return addr;
}

static uint32_t frame_word(int i, int k)
{
	return 0xf0000000u | (uint32_t)i << 8 | (uint32_t)k;
}

static uint32_t thread_pc(int i)
{
	return (uint32_t)fx->code + 2 + 4 * (uint32_t)i;
}

static uint32_t thread_lr(int i)
{
	return ((uint32_t)fx->code + 0x40 + 4 * (uint32_t)i) | 1;
}

static uint32_t thread_xpsr(int i)
{
	return 0x01000000u | (i == ZS_IDLE ? 1u << 9 : 0);
}

static uint32_t psp_of(int i)
{
	return (uint32_t)(fx->stack[i] + ZS_STACK_SIZE - ZS_PSP_BELOW(i));
}

static int64_t unused_of(int i)
{
	return 64 + 8 * i; /* below the frame at psp */
}

/* What PendSV left: the hardware frame at psp (+ s0-s15, FPSCR). */
static void write_switched_out(int i)
{
	uint32_t psp = psp_of(i);
	uint32_t words[8] = { frame_word(i, 0),	 frame_word(i, 1),
			      frame_word(i, 2),	 frame_word(i, 3),
			      frame_word(i, 12), thread_lr(i),
			      thread_pc(i),	 thread_xpsr(i) };

	for (int k = 0; k < 8; k++)
		put32(psp + 4 * k, words[k]);
	if (i != ZS_WORKER)
		return;
	for (int k = 0; k < 16; k++)
		put32(psp + 0x20 + 4 * k, 0x3f800000u + (uint32_t)k);
	put32(psp + 0x60, 0x03000000u); /* FPSCR */
}

/* main's crash: its frame, and arch_blk as Zephyr 3.4 fills it. */
static void write_crash(void)
{
	static const uint32_t callee[8] = { 0x44, 0x55, 0x66, 0x77,
					    0x88, 0x99, 0xaa, 0xbb };
	uint32_t frame[8] = { 1,
			      2,
			      3,
			      4,
			      5,
			      (uint32_t)symbol("fault_return") | 1,
			      (uint32_t)fx->code + 0x20,
			      0x61000000u };
	uint64_t arch_blk = symbol("arch_blk");

	fx->fault_frame = (uint32_t)(fx->stack[ZS_MAIN] + ZS_STACK_SIZE -
				     FAULT_FRAME_BELOW);
	for (int k = 0; k < 8; k++) {
		put32(fx->fault_frame + 4 * k, frame[k]);
		put32(arch_blk + 4 * k, frame[k]);
	}
	put32(arch_blk + 4 * 8, fx->fault_frame); /* 3.4: the frame's address */
	for (int k = 0; k < 8; k++)
		put32(arch_blk + 4 * (9 + k), callee[k]);
}

static void build_ram(void)
{
	uint64_t data = symbol("__data_start"), end = symbol("__data_end");
	uint64_t bss = symbol("__bss_start"), bss_end = symbol("__bss_end");

	for (size_t i = 0; i < RAM_LEN; i++)
		fx->ram[i] = (uint8_t)(i * 37 + 11);
	assert_int_equal(rpd_firmware_read(fx->fw, data, fx->ram,
					   (size_t)(end - data)),
			 0);
	memset(fx->ram + (bss - RAM_BASE), 0, (size_t)(bss_end - bss));
	for (int i = 0; i < ZS_NTHREADS; i++) {
		uint8_t *stack = fx->ram + (fx->stack[i] - RAM_BASE);

		for (size_t k = 0; k < ZS_STACK_SIZE; k++)
			stack[k] = (uint8_t)(k * 13 + 5 + i);
		memset(stack, FILL, (size_t)unused_of(i));
		if (i != ZS_MAIN)
			write_switched_out(i);
	}
	write_crash();
}

static void load_firmware(const char *elf)
{
	static const char *const stacks[ZS_NTHREADS] = {
		"main_stack",	 "sensor_stack", "logger_stack", "rx_stack",
		"sleeper_stack", "worker_stack", "idle_stack",	 "parked_stack",
		"done_stack",	 "cons_stack",
	};
	char sym[32];

	if (rpd_firmware_open(elf, &fx->fw) < 0)
		fail_msg("%s", rpd_error());
	assert_int_equal(rpd_dwarf_open(fx->fw, &fx->dw), 0);
	assert_int_equal(rpd_firmware_read(fx->fw, symbol("zs_layout"),
					   fx->layout, sizeof(fx->layout)),
			 0);
	for (int i = 0; i < ZS_NLAYOUT; i++)
		fx->layout[i] = get_le32(&fx->layout[i]);
	fx->code = symbol("thread_code") & ~1ull; /* the Thumb bit */
	for (int i = 0; i < ZS_NTHREADS; i++) {
		snprintf(sym, sizeof(sym), "t_%s", names[i]);
		fx->tcb[i] = symbol(sym);
		fx->stack[i] = symbol(stacks[i]);
	}
	fx->sem_data = symbol("sem_data");
	fx->log_lock = symbol("log_lock");
	fx->rx_msgq = symbol("rx_msgq");
	fx->sems = symbol("sems");
	build_ram();
}

static void unload_firmware(void)
{
	rpd_dwarf_free(fx->dw);
	rpd_firmware_free(fx->fw);
	fx->dw = NULL;
	fx->fw = NULL;
}

#define ARM_FLAGS                                                         \
	"-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb -O1 " \
	"-nostdlib -ffreestanding"

/* The stand-in, its kernel compiled with kernel_debug ("-g" or "-g0"). */
static char *build_firmware(const char *tag, const char *kernel_debug)
{
	char *elf, *cmd;

	if (asprintf(&elf, "%s/%s.elf", fx->dir, tag) < 0 ||
	    asprintf(&cmd,
		     "cd '%s' && arm-none-eabi-gcc " ARM_FLAGS " %s -c "
		     "'%s/tests/formats/zephyr/kernel.c' -o %s-kernel.o && "
		     "arm-none-eabi-gcc " ARM_FLAGS " -g -T "
		     "'%s/tests/formats/zephyr/link.ld' -o '%s' %s-kernel.o "
		     "'%s/tests/formats/zephyr/thread_info.c' "
		     "'%s/tests/formats/zephyr/coredump.c' "
		     "'%s/tests/formats/zephyr/startup.c'",
		     fx->dir, kernel_debug, RPD_SOURCE_DIR, tag, RPD_SOURCE_DIR,
		     elf, tag, RPD_SOURCE_DIR, RPD_SOURCE_DIR,
		     RPD_SOURCE_DIR) < 0)
		abort();
	if (system(cmd) != 0)
		fail_msg(
			"cannot build the Zephyr stand-in (is gcc-arm-none-eabi "
			"installed? scripts/install-deps installs it): %s",
			cmd);
	free(cmd);
	return elf;
}

static int setup(void **state)
{
	char *elf;

	fx = calloc(1, sizeof(*fx));
	fx->dir = test_tmpdir("rtos-zephyr");
	elf = build_firmware("standin", "-g");
	load_firmware(elf);
	free(elf);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unload_firmware();
	test_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static int walk(struct rpd_rtos_state *out)
{
	const struct rpd_memory mem = { ram_read, fx };

	fx->reads = 0;
	return rpd_rtos_zephyr(fx->fw, fx->dw, &mem, out);
}

static bool has_problem(const struct rpd_rtos_state *s, const char *text)
{
	for (size_t i = 0; i < s->nproblems; i++)
		if (strstr(s->problems[i], text))
			return true;
	return false;
}

static void print_problems(const struct rpd_rtos_state *s)
{
	for (size_t i = 0; i < s->nproblems; i++)
		print_message("problem: %s\n", s->problems[i]);
}

static const struct rpd_task *task_of(const struct rpd_rtos_state *s, int i)
{
	for (size_t k = 0; k < s->ntasks; k++)
		if (s->tasks[k].tcb == fx->tcb[i])
			return &s->tasks[k];
	fail_msg("thread %s not found", names[i]);
	return NULL;
}

/* ---- the walk ------------------------------------------------------------- */

static void expected_blocked_on(int i, char *out, size_t size)
{
	switch (i) {
	case ZS_SENSOR:
		snprintf(out, size, "semaphore sem_data 0x%llx",
			 (unsigned long long)fx->sem_data);
		return;
	case ZS_LOGGER:
		snprintf(out, size, "mutex log_lock 0x%llx (held by main)",
			 (unsigned long long)fx->log_lock);
		return;
	case ZS_RX:
		snprintf(out, size, "message queue rx_msgq 0x%llx",
			 (unsigned long long)fx->rx_msgq);
		return;
	case ZS_SLEEPER:
		snprintf(out, size, "sleep");
		return;
	case ZS_CONS:
		/* sizeof(struct k_sem): 8 + 4 + 4 */
		snprintf(out, size, "semaphore sems[1] 0x%llx",
			 (unsigned long long)fx->sems + 16);
		return;
	}
	out[0] = '\0';
}

static enum rpd_task_state expected_state(int i)
{
	switch (i) {
	case ZS_MAIN:
		return RPD_TASK_RUNNING;
	case ZS_WORKER:
	case ZS_IDLE:
		return RPD_TASK_READY;
	case ZS_PARKED:
		return RPD_TASK_SUSPENDED;
	case ZS_DONE:
		return RPD_TASK_DELETED;
	}
	return RPD_TASK_BLOCKED;
}

static void check_regs(const struct rpd_task *t, int i)
{
	uint32_t sp = psp_of(i) + 0x20;

	if (i == ZS_WORKER)
		sp += 0x48;
	if (i == ZS_IDLE)
		sp += 4;
	assert_int_equal(t->regs_known, RPD_REGS_ALL);
	for (int k = 0; k < 4; k++)
		assert_int_equal(t->regs.r[k], frame_word(i, k));
	for (int k = 4; k < 12; k++)
		assert_int_equal(t->regs.r[k], ZS_CALLEE(i, k));
	assert_int_equal(t->regs.r[12], frame_word(i, 12));
	assert_int_equal(t->regs.r[13], sp);
	assert_int_equal(t->regs.r[14], thread_lr(i));
	assert_int_equal(t->regs.r[15], thread_pc(i));
	assert_int_equal(t->regs.xpsr, thread_xpsr(i));
	assert_true(t->have_exc_return);
	assert_int_equal(t->exc_return,
			 0xffffff00u | (i == ZS_WORKER ? ZS_EXC_RETURN_FP :
							 ZS_EXC_RETURN_BASIC));
}

static void check_fp(const struct rpd_task *t)
{
	float s;

	assert_true(t->fp_context);
	for (int k = 0; k < 16; k++) {
		assert_int_equal(t->s0_s15[k], 0x3f800000u + (uint32_t)k);
		s = 16.0f + (float)k;
		assert_memory_equal(&t->s16_s31[k], &s, 4);
	}
	assert_int_equal(t->fpscr, 0x03000000u);
}

static void check_thread(const struct rpd_task *t, int i)
{
	char blocked[RPD_TASK_BLOCKED_ON_SIZE];

	assert_string_equal(t->name, names[i]);
	assert_int_equal(t->tcb, fx->tcb[i]);
	assert_int_equal(t->state, expected_state(i));
	expected_blocked_on(i, blocked, sizeof(blocked));
	assert_string_equal(t->blocked_on, blocked);
	assert_true(t->have_priority);
	assert_int_equal(t->priority, prios[i]);
	assert_int_equal(t->stack_low, fx->stack[i]);
	assert_int_equal(t->stack_high, fx->stack[i] + ZS_STACK_SIZE);
	assert_int_equal(t->stack_unused, unused_of(i));
	assert_false(t->stack_overflowed);
	assert_int_equal(t->current, i == ZS_MAIN);
	if (i == ZS_MAIN) {
		assert_int_equal(t->regs_known, 0);
		return;
	}
	assert_int_equal(t->saved_sp, psp_of(i));
	check_regs(t, i);
	if (i == ZS_WORKER)
		check_fp(t);
	else
		assert_false(t->fp_context);
}

static void test_threads(void **state)
{
	struct rpd_rtos_state s;

	(void)state;
	assert_int_equal(walk(&s), 0);
	print_problems(&s);
	assert_int_equal(s.nproblems, 0);
	assert_string_equal(s.rtos, "Zephyr");
	assert_string_equal(s.port, "cortex_m");
	assert_non_null(strstr(s.port_source, "DWARF"));
	assert_int_equal(s.ntasks, ZS_NTHREADS);
	for (int k = 0; k < ZS_NTHREADS; k++) {
		assert_int_equal(s.tasks[k].tcb, fx->tcb[order[k]]);
		check_thread(&s.tasks[k], order[k]);
	}
	rpd_rtos_state_release(&s);
}

/* Not Zephyr: a FreeRTOS-less, Zephyr-less image says so. */
static void test_not_zephyr(void **state)
{
	struct rpd_rtos_state s;
	struct rpd_firmware *fw;
	struct rpd_dwarf *dw;
	const struct rpd_memory mem = { ram_read, fx };
	char *elf, *cmd;

	(void)state;
	if (asprintf(&elf, "%s/bare.elf", fx->dir) < 0 ||
	    asprintf(&cmd,
		     "arm-none-eabi-gcc " ARM_FLAGS " -g -T "
		     "'%s/tests/formats/zephyr/link.ld' -o '%s' "
		     "'%s/tests/formats/zephyr/startup.c'",
		     RPD_SOURCE_DIR, elf, RPD_SOURCE_DIR) < 0)
		abort();
	assert_int_equal(system(cmd), 0);
	assert_int_equal(rpd_firmware_open(elf, &fw), 0);
	assert_int_equal(rpd_dwarf_open(fw, &dw), 0);
	assert_int_equal(rpd_rtos_zephyr(fw, dw, &mem, &s), -ENOENT);
	rpd_rtos_state_release(&s);
	rpd_dwarf_free(dw);
	rpd_firmware_free(fw);
	free(cmd);
	free(elf);
}

/* ---- the crash state ---------------------------------------------------- */

static void test_crash_state(void **state)
{
	const struct rpd_memory mem = { ram_read, fx };
	const struct rpd_crash_thread *t;
	struct rpd_crash_state st;

	(void)state;
	assert_int_equal(rpd_crash_state_derive(fx->fw, &mem, &st), 0);
	assert_int_equal(st.source, RPD_REGS_ZEPHYR_COREDUMP);
	assert_non_null(strstr(st.source_detail, "arch_blk at"));
	assert_non_null(strstr(st.source_detail, "sp corrected"));
	assert_string_equal(st.rtos, "Zephyr");
	assert_string_equal(st.rtos_port, "cortex_m");
	assert_int_equal(st.nthreads, ZS_NTHREADS);
	t = &st.threads[0];
	assert_string_equal(t->desc.name, "main");
	assert_int_equal(t->desc.tid, 1);
	assert_true(t->desc.flags & RPD_THREAD_CRASHED);
	assert_int_equal(t->desc.state, RPD_THREAD_RUNNING);
	assert_int_equal(t->desc.regs_known & 0x1ffff, 0x1ffff);
	assert_int_equal(t->regs.r[0], 1);
	assert_int_equal(t->regs.r[4], 0x44);
	assert_int_equal(t->regs.r[11], 0xbb);
	assert_int_equal(t->regs.r[12], 5);
	assert_int_equal(t->regs.r[13], fx->fault_frame + 0x20);
	assert_int_equal(t->regs.r[15], (uint32_t)fx->code + 0x20);
	for (size_t k = 1; k < st.nthreads; k++) {
		t = &st.threads[k];
		assert_string_equal(t->desc.name, names[order[k]]);
		assert_int_equal(t->desc.tid, (int32_t)k + 1);
		assert_false(t->desc.flags & RPD_THREAD_CRASHED);
		assert_int_equal(t->regs.r[15], thread_pc(order[k]));
	}
	assert_non_null(
		strstr(st.threads[9].desc.blocked_on, "semaphore sem_data 0x"));
	rpd_crash_state_release(&st);

	/* Without Zephyr's coredump, the frame on main's stack. */
	memset(fx->ram + (symbol("arch_blk") - RAM_BASE), 0,
	       4 * ARCH_BLK_V2_WORDS);
	assert_int_equal(rpd_crash_state_derive(fx->fw, &mem, &st), 0);
	if (st.source != RPD_REGS_EXCEPTION_FRAME)
		print_message("%s; %s\n", st.source_detail, st.problems);
	assert_int_equal(st.source, RPD_REGS_EXCEPTION_FRAME);
	assert_non_null(strstr(st.source_detail, "the stack of task main"));
	assert_int_equal(st.threads[0].regs.r[13], fx->fault_frame + 0x20);
	assert_int_equal(st.threads[0].regs.r[15], (uint32_t)fx->code + 0x20);
	assert_int_equal(st.nthreads, ZS_NTHREADS);
	rpd_crash_state_release(&st);
	build_ram();
}

/* ---- malformed ------------------------------------------------------------ */

static void set_next(int i, uint32_t next)
{
	put32(fx->tcb[i] + fx->layout[ZS_OFF_NEXT_THREAD], next);
}

static void test_loop(void **state)
{
	struct rpd_rtos_state s;

	(void)state;
	set_next(ZS_LOGGER, (uint32_t)fx->tcb[ZS_CONS]);
	assert_int_equal(walk(&s), 0);
	assert_true(has_problem(&s, "the thread list loops"));
	assert_true(has_problem(&s, "is not on the thread list"));
	/* cons .. logger, then main, which the loop cut off, first */
	assert_int_equal(s.ntasks, 9);
	assert_string_equal(s.tasks[0].name, "main");
	assert_true(s.tasks[0].current);
	assert_string_equal(s.tasks[8].name, "logger");
	rpd_rtos_state_release(&s);

	set_next(ZS_CONS, (uint32_t)fx->tcb[ZS_CONS]);
	assert_int_equal(walk(&s), 0);
	assert_true(has_problem(&s, "the thread list loops"));
	assert_int_equal(s.ntasks, 2);
	rpd_rtos_state_release(&s);
	build_ram();
}

static void test_next_outside(void **state)
{
	struct rpd_rtos_state s;

	(void)state;
	set_next(ZS_IDLE, 0x30000000u);
	assert_int_equal(walk(&s), 0);
	assert_true(has_problem(&s, "thread at 0x30000000 (next_thread of"));
	assert_true(has_problem(&s, "not in the dumped memory"));
	/* main, cons, done, parked, idle, the unreadable one */
	assert_int_equal(s.ntasks, 6);
	assert_string_equal(s.tasks[0].name, "main");
	assert_string_equal(s.tasks[4].name, "idle");
	check_thread(&s.tasks[4], ZS_IDLE);
	assert_int_equal(s.tasks[5].tcb, 0x30000000u);
	assert_string_equal(s.tasks[5].name, "?");
	assert_int_equal(s.tasks[5].state, RPD_TASK_UNKNOWN);
	rpd_rtos_state_release(&s);
	build_ram();
}

static void test_absurd_stack(void **state)
{
	struct rpd_rtos_state s;
	const struct rpd_task *t;

	(void)state;
	put32(fx->tcb[ZS_RX] + fx->layout[ZS_OFF_STACK_SIZE], 0x7fffffffu);
	put32(fx->tcb[ZS_WORKER] + fx->layout[ZS_OFF_PSP], 0x20007000u);
	assert_int_equal(walk(&s), 0);
	assert_true(has_problem(&s, "thread rx (0x"));
	assert_true(has_problem(&s, "is absurd"));
	assert_true(has_problem(&s, "thread worker (0x") &&
		    has_problem(&s, "psp 0x20007000 is outside its stack"));
	assert_int_equal(s.ntasks, ZS_NTHREADS);
	t = task_of(&s, ZS_RX);
	assert_int_equal(t->stack_low, fx->stack[ZS_RX]);
	assert_int_equal(t->stack_high, 0);
	check_regs(t, ZS_RX);
	t = task_of(&s, ZS_WORKER);
	assert_int_equal(t->regs_known, 0);
	assert_string_equal(t->name, "worker");
	assert_int_equal(t->state, RPD_TASK_READY);
	check_thread(task_of(&s, ZS_IDLE), ZS_IDLE);
	rpd_rtos_state_release(&s);
	build_ram();
}

/* Random bytes over the kernel and every thread: no crash, no hang. */
static void test_random(void **state)
{
	uint64_t kernel = symbol("_kernel"), end = symbol("__data_end");
	struct rpd_rtos_state s;
	clock_t start = clock();

	(void)state;
	srand(1);
	for (int round = 0; round < 200; round++) {
		for (uint64_t a = kernel; a < end; a++)
			if (rand() % 8 == 0)
				fx->ram[a - RAM_BASE] = (uint8_t)rand();
		if (round % 3 == 0)
			set_next(rand() % ZS_NTHREADS,
				 RAM_BASE + (uint32_t)(rand() % RAM_LEN));
		assert_int_equal(walk(&s), 0);
		assert_true(s.ntasks <= RPD_RTOS_MAX_TASKS);
		assert_true(fx->reads < 100000);
		rpd_rtos_state_release(&s);
	}
	assert_true(clock() - start < 20 * CLOCKS_PER_SEC);
	build_ram();
}

/* ---- without DWARF for the kernel: Zephyr's own offsets ------------------ */

static void test_offsets_table(void **state)
{
	struct rpd_rtos_state s;
	char *elf;

	(void)state;
	unload_firmware();
	elf = build_firmware("no-kernel-dwarf", "-g0");
	load_firmware(elf);
	free(elf);
	assert_int_equal(walk(&s), 0);
	assert_true(has_problem(&s, "_kernel_thread_info_offsets"));
	assert_non_null(strstr(s.port_source, "_kernel_thread_info_offsets"));
	assert_int_equal(s.ntasks, ZS_NTHREADS);
	for (int k = 0; k < ZS_NTHREADS; k++) {
		const struct rpd_task *t = &s.tasks[k];
		int i = order[k];

		assert_string_equal(t->name, names[i]);
		assert_int_equal(t->priority, prios[i]);
		assert_int_equal(t->stack_high, 0);
		assert_int_equal(t->current, i == ZS_MAIN);
		if (i != ZS_MAIN)
			check_regs(t, i);
		if (i == ZS_WORKER)
			check_fp(t);
	}
	assert_int_equal(task_of(&s, ZS_SENSOR)->state, RPD_TASK_BLOCKED);
	assert_int_equal(task_of(&s, ZS_DONE)->state, RPD_TASK_DELETED);
	assert_int_equal(task_of(&s, ZS_PARKED)->state, RPD_TASK_SUSPENDED);
	assert_int_equal(task_of(&s, ZS_IDLE)->state, RPD_TASK_READY);
	rpd_rtos_state_release(&s);
}

/* ---- end to end: a devcoredump of that memory, converted ----------------- */

#define CODE_LEN 0x1000u

/* A devcoredump as Linux makes it: bare PT_LOADs of code and RAM. */
static uint8_t *make_dump(size_t *len)
{
	uint8_t code[CODE_LEN] = { 0 };
	const struct test_dump_region regions[] = {
		{ 0, code, CODE_LEN, PF_R | PF_X },
		{ RAM_BASE, fx->ram, RAM_LEN, PF_R | PF_W },
	};

	/* The code as loaded: the image's bytes, up to its end. */
	for (uint64_t a = 0; a < CODE_LEN; a++)
		if (rpd_firmware_read(fx->fw, a, code + a, 1) < 0)
			break;
	return test_mainline_dump(regions, ARRAY_SIZE(regions), len);
}

static char *convert_to_core(void)
{
	static const struct rpd_convert_info info = {
		.rproc_name = "m4",
		.firmware_name = "standin.elf",
		.crash_type = "fatal error",
		.crash_time = 1700000000,
	};
	struct test_mem_sink out = { 0 };
	struct rpd_sink sink = test_mem_sink(&out);
	struct rpd_convert_result result;
	struct rpd_devcd *dump;
	size_t len;
	uint8_t *buf = make_dump(&len);
	char *path;

	assert_int_equal(rpd_devcd_open_mem(buf, len, "dump", &dump), 0);
	if (rpd_convert(dump, fx->fw, &info, &sink, &result) < 0)
		fail_msg("rpd_convert: %s", rpd_error());
	rpd_devcd_free(dump);
	path = test_write_file(fx->dir, "core", out.buf, out.len);
	free(out.buf);
	free(buf);
	return path;
}

static void check_core_threads(const char *path)
{
	struct rpd_core_threads threads;
	struct rpd_core *core;
	size_t len;
	void *buf = test_read_file(path, &len);

	assert_int_equal(rpd_core_open_mem(buf, len, &core), 0);
	assert_int_equal(rpd_core_threads(core, fx->fw, &threads), 0);
	assert_false(threads.derived);
	assert_int_equal(threads.source, RPD_REGS_ZEPHYR_COREDUMP);
	assert_string_equal(threads.rtos, "Zephyr");
	assert_int_equal(threads.n, ZS_NTHREADS);
	for (size_t k = 0; k < threads.n; k++) {
		assert_string_equal(threads.threads[k].name, names[order[k]]);
		assert_int_equal(threads.threads[k].tid, (int32_t)k + 1);
	}
	assert_int_equal(threads.regs[0].r[13], fx->fault_frame + 0x20);
	rpd_core_threads_release(&threads);
	rpd_core_free(core);
	free(buf);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

/* rpd_convert: one NT_PRSTATUS per thread, main first; GDB lists them. */
static void test_core(void **state)
{
	char *core = convert_to_core(), *out, *threads;

	(void)state;
	check_core_threads(core);
	if (system("command -v gdb-multiarch >/dev/null 2>&1")) {
		free(core);
		skip();
	}
	out = test_run("cd '%s' && gdb-multiarch -nx -batch "
		       "-ex 'echo @@THREADS\\n' -ex 'info threads' "
		       "-ex 'echo @@BT\\n' -ex 'thread apply all bt 1' "
		       "standin.elf '%s' 2>&1",
		       fx->dir, core);
	if (getenv("RPD_TEST_SHOW_GDB"))
		print_message("%s", out);
	threads = strstr(out, "@@THREADS");
	assert_non_null(threads);
	assert_non_null(strstr(threads, "@@BT"));
	*strstr(threads, "@@BT") = '\0';
	if (count(threads, "LWP ") != ZS_NTHREADS || strstr(out, ".reg"))
		fail_msg("gdb on the core:\n%s", out);
	assert_non_null(strstr(threads, "* 1    LWP 1"));
	assert_non_null(strstr(threads + strlen(threads) + 1, "thread_code"));
	free(out);
	free(core);
}

/* ---- fuzz seeds ------------------------------------------------------------ */

static void write_seed(const char *dir, const char *name)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		abort();
	f = fopen(path, "wb");
	if (!f || fwrite(fx->ram, 1, RAM_LEN, f) != RAM_LEN || fclose(f))
		fail_msg("%s: cannot write", path);
	free(path);
}

/* RAM images of the stand-in elf that walk fully, and the corruptions
 * the tests above make, for fuzz_rtos_zephyr. */
static int write_seeds(const char *elf, const char *dir)
{
	struct rpd_rtos_state s;

	fx = calloc(1, sizeof(*fx));
	load_firmware(elf);
	if (walk(&s) < 0 || s.ntasks != ZS_NTHREADS || s.nproblems)
		fail_msg("%s: the seed does not walk fully", elf);
	rpd_rtos_state_release(&s);
	write_seed(dir, "zephyr-rtos-crash");
	set_next(ZS_LOGGER, (uint32_t)fx->tcb[ZS_CONS]);
	write_seed(dir, "zephyr-rtos-loop");
	build_ram();
	set_next(ZS_IDLE, 0x30000000u);
	put32(fx->tcb[ZS_RX] + fx->layout[ZS_OFF_STACK_SIZE], 0x7fffffffu);
	write_seed(dir, "zephyr-rtos-bad-pointers");
	build_ram();
	memset(fx->ram + (symbol("arch_blk") - RAM_BASE), 0,
	       4 * ARCH_BLK_V2_WORDS);
	write_seed(dir, "zephyr-rtos-no-coredump");
	unload_firmware();
	free(fx);
	return 0;
}

/*
 *   test_rtos_zephyr                    the tests
 *   test_rtos_zephyr --seeds ELF DIR    fuzz seeds for the stand-in ELF
 */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_not_zephyr),
		cmocka_unit_test(test_crash_state),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_next_outside),
		cmocka_unit_test(test_absurd_stack),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_core),
		/* last: it swaps the firmware */
		cmocka_unit_test(test_offsets_table),
	};

	if (argc == 4 && !strcmp(argv[1], "--seeds"))
		return write_seeds(argv[2], argv[3]);
	return cmocka_run_group_tests(tests, setup, teardown);
}
