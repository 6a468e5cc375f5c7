// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_rtos_freertos.c - the FreeRTOS walker on the test firmware of
 * freertos/ (tasks in every state), against ground truth:
 *
 * - on the image alone: the layouts the walker takes from DWARF against
 *   the compiler's offsetof() (fixture_layout, compiled into tasks.c);
 * - with --recording, on the memory the firmware left in QEMU: every
 *   task's name, priority, pxTopOfStack, stack and fill as GDB read them
 *   live; states and what each task waits for as main.c arranged them;
 *   the saved contexts against the registers the CPU held when the task
 *   was switched out (recorded at each PendSV entry); and the same image
 *   corrupted (lists that loop or leave the memory, absurd counts, a
 *   stack pointer outside its stack, a name without NUL, an overflowed
 *   stack, random bytes): a problem that names the thing, the rest read,
 *   in bounded time.
 *
 *   test_rtos_freertos --firmware FW.elf --port PORT [--recording DIR]
 *   test_rtos_freertos --skip REASON      (exits 77)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dwarf_types.h"
#include "freertos/fixture_layout.h"
#include "rproc/rprocdump.h"
#include "rtos.h"
#include "testutil.h"
#include "util.h"

#define SKIPPED 77
#define MAX_TRUTH 32

struct truth_task {
	uint64_t tcb;
	char name[RPD_TASK_NAME_SIZE];
	int prio;
	uint64_t top, stack, end;
	bool have_end;
	int64_t unused;
	bool have_regs;
	uint32_t r[16], xpsr, exc_return;
	bool have_fp;
	uint32_t s[32], fpscr;
};

struct truth {
	uint64_t ram_base, code_base;
	uint64_t current;
	size_t ntasks_kernel; /* uxCurrentNumberOfTasks */
	struct truth_task tasks[MAX_TRUTH];
	size_t ntasks;
	struct {
		char name[32];
		uint64_t addr;
	} objects[8];
	size_t nobjects;
};

static struct {
	const char *fw_path, *rec_dir;
	const char *port; /* the port the firmware was built with */
	struct rpd_firmware *fw;
	struct rpd_dwarf *dw;
	struct fixture_layout layout; /* the compiler's */
	bool fpu; /* has the fpu task: an FPU and a port that saves it */
	uint8_t *ram, *code;
	size_t nram, ncode;
	struct truth truth;
	struct rpd_rtos_state state; /* the walk of the recorded image */
} t;

/* ---- the memory --------------------------------------------------------- */

struct image {
	const uint8_t *ram, *code;
	size_t nram, ncode;
	uint64_t ram_base, code_base;
	unsigned long reads;
};

static bool in_image(uint64_t addr, size_t len, uint64_t base, size_t size)
{
	return addr >= base && range_within(addr - base, len, size);
}

static int image_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct image *m = ctx;

	m->reads++;
	if (in_image(addr, len, m->ram_base, m->nram)) {
		memcpy(buf, m->ram + (addr - m->ram_base), len);
		return 0;
	}
	if (in_image(addr, len, m->code_base, m->ncode)) {
		memcpy(buf, m->code + (addr - m->code_base), len);
		return 0;
	}
	return -ENOENT;
}

/* The walker on a RAM image (the recording's, or a corrupted copy). */
static int walk(const uint8_t *ram, struct rpd_rtos_state *out,
		unsigned long *reads)
{
	struct image img = {
		.ram = ram,
		.code = t.code,
		.nram = t.nram,
		.ncode = t.ncode,
		.ram_base = t.truth.ram_base,
		.code_base = t.truth.code_base,
	};
	struct rpd_memory mem = { image_read, &img };
	int r = rpd_rtos_freertos(t.fw, t.dw, &mem, out);

	if (reads)
		*reads = img.reads;
	return r;
}

static uint64_t ram_offset(uint64_t addr, size_t len)
{
	assert_true(in_image(addr, len, t.truth.ram_base, t.nram));
	return addr - t.truth.ram_base;
}

static uint32_t ram32(const uint8_t *ram, uint64_t addr)
{
	return get_le32(ram + ram_offset(addr, 4));
}

static void put_ram32(uint8_t *ram, uint64_t addr, uint32_t v)
{
	put_le32(ram + ram_offset(addr, 4), v);
}

static uint64_t symbol(const char *name)
{
	uint64_t addr, size;

	if (rpd_firmware_symbol(t.fw, name, &addr, &size) < 0)
		fail_msg("%s", rpd_error());
	return addr;
}

/* ---- ground truth ------------------------------------------------------- */

static uint64_t field(const char *line, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	if (!p)
		fail_msg("truth: no %s in: %s", key, line);
	return strtoull(p + strlen(pat), NULL, 0);
}

static bool has_field(const char *line, const char *key)
{
	char pat[32];

	snprintf(pat, sizeof(pat), " %s=", key);
	return strstr(line, pat) != NULL;
}

static struct truth_task *truth_task(uint64_t tcb, bool add)
{
	for (size_t i = 0; i < t.truth.ntasks; i++)
		if (t.truth.tasks[i].tcb == tcb)
			return &t.truth.tasks[i];
	if (!add || t.truth.ntasks == MAX_TRUTH)
		return NULL;
	t.truth.tasks[t.truth.ntasks].tcb = tcb;
	return &t.truth.tasks[t.truth.ntasks++];
}

/* The task a truth line names: the TCB after its keyword, added if new. */
static struct truth_task *line_task(const char *line, const char *keyword)
{
	struct truth_task *tt =
		truth_task(strtoull(line + strlen(keyword), NULL, 0), true);

	assert_non_null(tt);
	return tt;
}

/* A truth line's fields <prefix>0 .. <prefix><n - 1>, as words. */
static void numbered_fields(const char *line, char prefix, uint32_t *out, int n)
{
	char key[8];

	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%c%d", prefix, i);
		out[i] = (uint32_t)field(line, key);
	}
}

static void parse_task(char *line)
{
	struct truth_task *tt = line_task(line, "task ");
	const char *name = strstr(line, " name=");

	assert_non_null(name);
	snprintf(tt->name, sizeof(tt->name), "%s", name + 6);
	tt->prio = (int)field(line, "prio");
	tt->top = field(line, "top");
	tt->stack = field(line, "stack");
	tt->unused = (int64_t)field(line, "unused");
	tt->have_end = has_field(line, "end");
	if (tt->have_end)
		tt->end = field(line, "end");
}

static void parse_regs(const char *line)
{
	struct truth_task *tt = line_task(line, "regs ");

	numbered_fields(line, 'r', tt->r, 13);
	tt->r[13] = (uint32_t)field(line, "sp");
	tt->r[14] = (uint32_t)field(line, "lr");
	tt->r[15] = (uint32_t)field(line, "pc");
	tt->xpsr = (uint32_t)field(line, "xpsr");
	tt->exc_return = (uint32_t)field(line, "exc_return");
	tt->have_regs = true;
}

static void parse_fp(const char *line)
{
	struct truth_task *tt = line_task(line, "fp ");

	numbered_fields(line, 's', tt->s, 32);
	tt->fpscr = (uint32_t)field(line, "fpscr");
	tt->have_fp = true;
}

static void read_truth(void)
{
	char path[4096], *text, *line, *save;
	size_t len;

	snprintf(path, sizeof(path), "%s/truth.txt", t.rec_dir);
	text = test_read_file(path, &len);
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[32];
		unsigned long long addr;

		if (sscanf(line, "memory ram %llx", &addr) == 1)
			t.truth.ram_base = addr;
		else if (sscanf(line, "memory code %llx", &addr) == 1)
			t.truth.code_base = addr;
		else if (!strncmp(line, "current ", 8))
			t.truth.current = strtoull(line + 8, NULL, 0);
		else if (!strncmp(line, "ntasks ", 7))
			t.truth.ntasks_kernel = strtoull(line + 7, NULL, 0);
		else if (!strncmp(line, "task ", 5))
			parse_task(line);
		else if (!strncmp(line, "regs ", 5))
			parse_regs(line);
		else if (!strncmp(line, "fp ", 3))
			parse_fp(line);
		else if (sscanf(line, "object %31s %llx", name, &addr) == 2 &&
			 t.truth.nobjects < ARRAY_SIZE(t.truth.objects)) {
			snprintf(t.truth.objects[t.truth.nobjects].name,
				 sizeof(name), "%s", name);
			t.truth.objects[t.truth.nobjects++].addr = addr;
		}
	}
	free(text);
}

static uint64_t object(const char *name)
{
	for (size_t i = 0; i < t.truth.nobjects; i++)
		if (!strcmp(t.truth.objects[i].name, name))
			return t.truth.objects[i].addr;
	fail_msg("truth: no object %s", name);
	return 0;
}

/* ---- setup -------------------------------------------------------------- */

static int setup(void **state)
{
	uint64_t addr, size;
	char path[4096];

	if (rpd_firmware_open(t.fw_path, &t.fw) < 0 ||
	    rpd_dwarf_open(t.fw, &t.dw) < 0 ||
	    rpd_firmware_symbol(t.fw, "fixture_layout", &addr, &size) < 0 ||
	    size != sizeof(t.layout) ||
	    rpd_firmware_read(t.fw, addr, &t.layout, sizeof(t.layout)) < 0) {
		fprintf(stderr, "%s: %s\n", t.fw_path, rpd_error());
		return -1;
	}
	t.fpu = rpd_firmware_symbol(t.fw, "fpu_task", &addr, &size) == 0;
	if (!t.rec_dir)
		return 0;
	snprintf(path, sizeof(path), "%s/ram.bin", t.rec_dir);
	t.ram = test_read_file(path, &t.nram);
	snprintf(path, sizeof(path), "%s/code.bin", t.rec_dir);
	t.code = test_read_file(path, &t.ncode);
	if (!t.ram || !t.code) {
		fprintf(stderr, "%s: no ram.bin or code.bin\n", t.rec_dir);
		return -1;
	}
	read_truth();
	if (walk(t.ram, &t.state, NULL) < 0) {
		fprintf(stderr, "%s: %s\n", t.rec_dir, rpd_error());
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	rpd_rtos_state_release(&t.state);
	rpd_dwarf_free(t.dw);
	rpd_firmware_free(t.fw);
	free(t.ram);
	free(t.code);
	return 0;
}

/* ---- layouts, from the image alone ------------------------------------- */

static struct rpd_dwarf_member member(const struct rpd_dwarf_type *type,
				      const char *path)
{
	struct rpd_dwarf_member m;

	if (rpd_dwarf_member(t.dw, type, path, &m) < 0)
		fail_msg("%s: %s", path, rpd_error());
	return m;
}

/* list.h's pxContainer; FreeRTOS.h renames it pvContainer, the old name,
 * under configENABLE_BACKWARD_COMPATIBILITY (the default). */
static uint64_t container_offset(const struct rpd_dwarf_type *type,
				 const char *prefix)
{
	struct rpd_dwarf_member m;
	char path[64];

	snprintf(path, sizeof(path), "%spxContainer", prefix);
	if (rpd_dwarf_member(t.dw, type, path, &m) == 0)
		return m.offset;
	snprintf(path, sizeof(path), "%spvContainer", prefix);
	return member(type, path).offset;
}

static void test_layouts_are_the_compilers(void **state)
{
	const struct fixture_layout *L = &t.layout;
	struct rpd_dwarf_variable current, ready;
	struct rpd_dwarf_type tcb, list, item, name, notify;
	struct rpd_dwarf_array array;
	int64_t v;

	assert_int_equal(rpd_dwarf_variable(t.dw, "pxCurrentTCB", &current), 0);
	assert_int_equal(current.addr, symbol("pxCurrentTCB"));
	assert_int_equal(rpd_dwarf_pointee(t.dw, &current.type, &tcb), 0);
	assert_int_equal(tcb.size, L->tcb_size);
	assert_int_equal(member(&tcb, "pxTopOfStack").offset,
			 L->tcb_top_of_stack);
	assert_int_equal(member(&tcb, "xStateListItem").offset,
			 L->tcb_state_item);
	assert_int_equal(member(&tcb, "xEventListItem").offset,
			 L->tcb_event_item);
	assert_int_equal(member(&tcb, "uxPriority").offset, L->tcb_priority);
	assert_int_equal(member(&tcb, "pxStack").offset, L->tcb_stack);
	assert_int_equal(member(&tcb, "pcTaskName").offset, L->tcb_name);
	name = member(&tcb, "pcTaskName").type;
	assert_int_equal(rpd_dwarf_array(t.dw, &name, &array), 0);
	assert_int_equal(array.count, L->tcb_name_len);
	assert_int_equal(member(&tcb, "ucNotifyState").offset,
			 L->tcb_notify_state);
	notify = member(&tcb, "ucNotifyState").type;
	assert_int_equal(rpd_dwarf_array(t.dw, &notify, &array), 0);
	assert_int_equal(array.count, L->tcb_notify_state_len);
	assert_int_equal(container_offset(&tcb, "xStateListItem."),
			 L->tcb_state_item_container);
	if (L->tcb_end_of_stack == FIXTURE_ABSENT)
		assert_false(rpd_dwarf_has_member(t.dw, &tcb, "pxEndOfStack"));
	else
		assert_int_equal(member(&tcb, "pxEndOfStack").offset,
				 L->tcb_end_of_stack);

	assert_int_equal(rpd_dwarf_variable(t.dw, "pxReadyTasksLists", &ready),
			 0);
	assert_int_equal(rpd_dwarf_array(t.dw, &ready.type, &array), 0);
	assert_int_equal(array.count, L->ready_lists_len);
	list = array.element;
	assert_int_equal(list.size, L->list_size);
	assert_int_equal(member(&list, "uxNumberOfItems").offset,
			 L->list_number_of_items);
	assert_int_equal(member(&list, "pxIndex").offset, L->list_index);
	assert_int_equal(member(&list, "xListEnd").offset, L->list_end);
	assert_int_equal(member(&list, "xListEnd.pxNext").offset,
			 L->list_end_next);
	assert_int_equal(member(&list, "xListEnd").type.size,
			 L->mini_item_size);
	item = member(&tcb, "xStateListItem").type;
	assert_int_equal(item.size, L->item_size);
	assert_int_equal(member(&item, "pxNext").offset, L->item_next);
	assert_int_equal(member(&item, "pvOwner").offset, L->item_owner);
	assert_int_equal(container_offset(&item, ""), L->item_container);

	assert_int_equal(rpd_dwarf_enumerator(t.dw, NULL, "eRunning", &v), 0);
	assert_int_equal(v, L->state_running);
	assert_int_equal(rpd_dwarf_enumerator(t.dw, NULL, "eDeleted", &v), 0);
	assert_int_equal(v, L->state_deleted);
}

/* Where the port comes from: the compile unit of port.c. */
static void test_port_from_dwarf(void **state)
{
	struct rpd_rtos_state s;
	uint8_t zero[64] = { 0 };
	struct image img = { .ram = zero,
			     .nram = sizeof(zero),
			     .ram_base = 0x20000000 };
	struct rpd_memory mem = { image_read, &img };
	char unit[64];

	/* A memory without the kernel's variables: problems, no tasks. */
	assert_int_equal(rpd_rtos_freertos(t.fw, t.dw, &mem, &s), 0);
	assert_string_equal(s.port, t.port);
	snprintf(unit, sizeof(unit), "compile unit .../%s/", t.port);
	assert_non_null(strstr(s.port_source, unit));
	assert_int_equal(s.ntasks, 0);
	assert_true(s.nproblems > 0);
	assert_non_null(strstr(s.problems[0], "pxCurrentTCB at 0x"));
	assert_non_null(strstr(s.problems[0], "not in the dumped memory"));
	rpd_rtos_state_release(&s);
}

/*
 * Without port.c's compile unit (the port's directory renamed in a copy
 * of the image's debug strings): the port from its symbols, and for the
 * ports that share them the CPU architecture of .ARM.attributes.
 */
static void test_port_from_symbols(void **state)
{
	static const struct {
		const char *port, *source;
	} want[] = {
		{ "ARM_CM3",
		  "symbol prvPortStartFirstTask, no vPortEnableVFP" },
		{ "ARM_CM4F", "symbol vPortEnableVFP" },
		{ "ARM_CM0",
		  "symbol vRestoreContextOfFirstTask, Tag_CPU_arch v6-M" },
		{ "ARM_CM33_NTZ",
		  "symbol vRestoreContextOfFirstTask, Tag_CPU_arch v8-M.main" },
	};
	struct image img = { .ram = NULL, .ram_base = 0x20000000 };
	struct rpd_memory mem = { image_read, &img };
	size_t len, dir_len = strlen(t.port), renamed = 0;
	struct rpd_firmware *fw;
	struct rpd_rtos_state s;
	struct rpd_dwarf *dw;
	uint8_t *image;

	image = test_read_file(t.fw_path, &len);
	assert_non_null(image);
	for (uint8_t *p = image;
	     (p = memmem(p, len - (size_t)(p - image), t.port, dir_len));
	     p += dir_len)
		if (p[dir_len] == '/' && p > image && p[-1] == '/') {
			memset(p, 'X', dir_len);
			renamed++;
		}
	assert_true(renamed > 0);
	assert_int_equal(rpd_firmware_open_mem(image, len, "renamed.elf", &fw),
			 0);
	assert_int_equal(rpd_dwarf_open(fw, &dw), 0);
	assert_int_equal(rpd_rtos_freertos(fw, dw, &mem, &s), 0);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		if (strcmp(want[i].port, t.port))
			continue;
		assert_string_equal(s.port, want[i].port);
		assert_string_equal(s.port_source, want[i].source);
	}
	rpd_rtos_state_release(&s);
	rpd_dwarf_free(dw);
	rpd_firmware_free(fw);
	free(image);
}

/* ---- the recording ------------------------------------------------------- */

static bool port_is(const char *port)
{
	return !strcmp(t.port, port);
}

/* What each port's context switch pushes (its assembly), ARM_CM3 aside:
 * EXC_RETURN with the core registers. */
static bool port_saves_exc_return(void)
{
	return !port_is("ARM_CM3");
}

/* The words the port pushes below the hardware's frame, without FP:
 * r4-r11, and EXC_RETURN, and PSPLIM. */
static size_t port_words(void)
{
	return 8 + port_saves_exc_return() + port_is("ARM_CM33_NTZ");
}

static void need_recording(void)
{
	if (!t.rec_dir)
		skip();
}

static const struct rpd_task *task_named(const struct rpd_rtos_state *s,
					 const char *name)
{
	for (size_t i = 0; i < s->ntasks; i++)
		if (!strcmp(s->tasks[i].name, name))
			return &s->tasks[i];
	return NULL;
}

static const struct rpd_task *task_at(const struct rpd_rtos_state *s,
				      uint64_t tcb)
{
	for (size_t i = 0; i < s->ntasks; i++)
		if (s->tasks[i].tcb == tcb)
			return &s->tasks[i];
	fail_msg("no task at TCB 0x%llx", (unsigned long long)tcb);
	return NULL;
}

static void test_clean_image_has_no_problems(void **state)
{
	need_recording();
	for (size_t i = 0; i < t.state.nproblems; i++)
		fprintf(stderr, "problem: %s\n", t.state.problems[i]);
	assert_int_equal(t.state.nproblems, 0);
	assert_string_equal(t.state.rtos, "FreeRTOS");
	assert_int_equal(t.state.ntasks, t.truth.ntasks);
	assert_int_equal(t.state.ntasks, t.truth.ntasks_kernel);
}

/* Names, priorities, stacks as GDB read them live. */
static void test_tasks_are_the_live_ones(void **state)
{
	uint64_t addr, size;

	need_recording();
	for (size_t i = 0; i < t.truth.ntasks; i++) {
		const struct truth_task *tt = &t.truth.tasks[i];
		const struct rpd_task *task = task_at(&t.state, tt->tcb);

		assert_string_equal(task->name, tt->name);
		assert_true(task->have_priority);
		assert_int_equal(task->priority, tt->prio);
		assert_int_equal(task->saved_sp, tt->top);
		assert_int_equal(task->stack_low, tt->stack);
		assert_int_equal(task->stack_unused, tt->unused);
		assert_false(task->stack_overflowed);
		/* pxEndOfStack is the last word aligned down to 8 bytes: the
		 * end is one word above, or two for a static array, whose end
		 * the symbol table knows. */
		if (tt->have_end)
			assert_true(task->stack_high == tt->end + 4 ||
				    task->stack_high == tt->end + 8);
		assert_int_equal(task->current, tt->tcb == t.truth.current);
	}
	/* Static stacks end where their arrays do. */
	assert_int_equal(rpd_firmware_symbol(t.fw, "prod_stack", &addr, &size),
			 0);
	assert_int_equal(task_named(&t.state, "prod")->stack_high, addr + size);
	/* A heap stack's end is unknown without pxEndOfStack. */
	if (t.layout.tcb_end_of_stack == FIXTURE_ABSENT)
		assert_int_equal(task_named(&t.state, "ctrl")->stack_high, 0);
}

static void expect_state(const char *name, enum rpd_task_state state,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void expect_state(const char *name, enum rpd_task_state state,
			 const char *fmt, ...)
{
	const struct rpd_task *task = task_named(&t.state, name);
	char want[RPD_TASK_BLOCKED_ON_SIZE];
	va_list ap;

	if (!task)
		fail_msg("no task %s", name);
	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	if (task->state != state || strcmp(task->blocked_on, want))
		fail_msg("%s: %s \"%s\", expected %s \"%s\"", name,
			 rpd_task_state_name(task->state), task->blocked_on,
			 rpd_task_state_name(state), want);
}

/* The states main.c put each task in. */
static void test_states(void **state)
{
	need_recording();
	assert_true(t.state.tasks[0].current);
	assert_string_equal(t.state.tasks[0].name, "snap");
	expect_state("snap", RPD_TASK_RUNNING, "%s", "");
	expect_state("ctrl", RPD_TASK_BLOCKED, "queue CtrlQ 0x%llx (receive)",
		     (unsigned long long)object("ctrl_q"));
	expect_state("prod", RPD_TASK_BLOCKED,
		     "queue full_q_struct 0x%llx (send)",
		     (unsigned long long)object("full_q"));
	expect_state("tick", RPD_TASK_BLOCKED, "delay");
	expect_state("notif", RPD_TASK_BLOCKED, "%s",
		     t.layout.tcb_notify_state_len > 1 ? "notification 2" :
							 "notification");
	expect_state("evt", RPD_TASK_BLOCKED, "event group 0x%llx",
		     (unsigned long long)object("events"));
	expect_state("sleeper", RPD_TASK_SUSPENDED, "%s", "");
	expect_state("mtx", RPD_TASK_BLOCKED,
		     "mutex Lock 0x%llx (held by snap)",
		     (unsigned long long)object("lock"));
	expect_state("work", RPD_TASK_READY, "%s", "");
	expect_state("zombie", RPD_TASK_DELETED, "%s", "");
	expect_state("spin", RPD_TASK_READY, "%s", "");
	expect_state("IDLE", RPD_TASK_READY, "%s", "");
	expect_state("Tmr Svc", RPD_TASK_BLOCKED, "queue TmrQ 0x%llx (receive)",
		     (unsigned long long)object("xTimerQueue"));
	if (t.fpu)
		expect_state("fpu", RPD_TASK_BLOCKED, "delay");
	/* snap inherited mtx's priority. */
	assert_int_equal(task_named(&t.state, "snap")->priority, 2);
}

/* The saved contexts are the registers the CPU held at the switch. */
static void test_contexts_are_the_cpus(void **state)
{
	size_t checked = 0;

	need_recording();
	for (size_t i = 0; i < t.truth.ntasks; i++) {
		const struct truth_task *tt = &t.truth.tasks[i];
		const struct rpd_task *task = task_at(&t.state, tt->tcb);

		if (task->current) {
			assert_int_equal(task->regs_known, 0);
			continue;
		}
		if (!tt->have_regs)
			continue; /* never ran: test_initial_context */
		assert_int_equal(task->regs_known, RPD_REGS_ALL);
		for (int r = 0; r < 16; r++)
			if (task->regs.r[r] != tt->r[r])
				fail_msg("%s: r%d 0x%x, the CPU had 0x%x",
					 tt->name, r, task->regs.r[r],
					 tt->r[r]);
		assert_int_equal(task->regs.xpsr, tt->xpsr);
		assert_int_equal(task->have_exc_return,
				 port_saves_exc_return());
		if (task->have_exc_return)
			assert_int_equal(task->exc_return, tt->exc_return);
		/* ARMv8-M: PSPLIM, which the port sets to pxStack. */
		assert_int_equal(task->have_psplim, port_is("ARM_CM33_NTZ"));
		if (task->have_psplim)
			assert_int_equal(task->psplim, task->stack_low);
		assert_int_equal(task->fp_context, tt->have_fp);
		if (tt->have_fp) {
			assert_memory_equal(task->s0_s15, tt->s, 64);
			assert_memory_equal(task->s16_s31, tt->s + 16, 64);
			assert_int_equal(task->fpscr, tt->fpscr);
		}
		checked++;
	}
	assert_true(checked >= 10);
	/* The FPU build's fpu task kept floats in s16-s31. */
	if (t.fpu)
		assert_true(task_named(&t.state, "fpu")->fp_context);
}

/* IDLE never ran (spin is always ready): its context is the one
 * pxPortInitialiseStack() made. */
static void test_initial_context(void **state)
{
	const struct rpd_task *idle;

	need_recording();
	idle = task_named(&t.state, "IDLE");
	assert_non_null(idle);
	assert_false(truth_task(idle->tcb, false)->have_regs);
	assert_int_equal(idle->regs_known, RPD_REGS_ALL);
	assert_int_equal(idle->regs.r[15], symbol("prvIdleTask") & ~1ull);
	assert_int_equal(idle->regs.r[14], symbol("prvTaskExitError"));
	assert_int_equal(idle->regs.r[0], 0);
	assert_int_equal(idle->regs.xpsr, 0x01000000);
	/* Popped: the stack as it was before the first frame was built. */
	assert_int_equal(idle->regs.r[13] & 7, 0);
	assert_true(idle->regs.r[13] <= idle->stack_high);
	assert_true(idle->stack_high - idle->regs.r[13] <= 8);
}

/* ---- the recording, corrupted ------------------------------------------- */

static uint8_t *ram_copy(void)
{
	uint8_t *copy = malloc(t.nram);

	assert_non_null(copy);
	memcpy(copy, t.ram, t.nram);
	return copy;
}

static bool has_problem(const struct rpd_rtos_state *s, const char *text)
{
	for (size_t i = 0; i < s->nproblems; i++)
		if (strstr(s->problems[i], text))
			return true;
	return false;
}

static void assert_problem(const struct rpd_rtos_state *s, const char *text)
{
	if (has_problem(s, text))
		return;
	for (size_t i = 0; i < s->nproblems; i++)
		fprintf(stderr, "problem: %s\n", s->problems[i]);
	fail_msg("no problem \"%s\"", text);
}

static uint64_t variable(const char *name)
{
	struct rpd_dwarf_variable var;

	if (rpd_dwarf_variable(t.dw, name, &var) < 0)
		fail_msg("%s", rpd_error());
	return var.addr;
}

/* The n-th item (from 0) of a list, by the compiler's layout. */
static uint64_t list_item(const uint8_t *ram, uint64_t list, int n)
{
	uint64_t node = ram32(ram, list + t.layout.list_end_next);

	while (n-- > 0)
		node = ram32(ram, node + t.layout.item_next);
	return node;
}

static uint64_t tcb_of(const char *name)
{
	const struct rpd_task *task = task_named(&t.state, name);

	if (!task)
		fail_msg("no task %s", name);
	return task->tcb;
}

static void test_list_that_loops(void **state)
{
	uint64_t list, first, second;
	struct rpd_rtos_state s;
	uint8_t *ram;

	need_recording();
	ram = ram_copy();
	list = variable("xSuspendedTaskList");
	assert_true(ram32(ram, list + t.layout.list_number_of_items) >= 3);
	first = list_item(ram, list, 0);
	second = list_item(ram, list, 1);
	put_ram32(ram, second + t.layout.item_next, (uint32_t)first);
	assert_int_equal(walk(ram, &s, NULL), 0);
	assert_problem(&s, "xSuspendedTaskList: list loops after 2 items");
	/* The rest is all there. */
	assert_non_null(task_named(&s, "snap"));
	assert_non_null(task_named(&s, "tick"));
	assert_non_null(task_named(&s, "zombie"));
	assert_true(s.ntasks < t.state.ntasks);
	assert_true(s.ntasks >= t.state.ntasks - 3);
	rpd_rtos_state_release(&s);
	free(ram);
}

static void test_list_that_leaves_memory(void **state)
{
	uint64_t list, first;
	struct rpd_rtos_state s;
	uint8_t *ram;

	need_recording();
	ram = ram_copy();
	list = variable("xSuspendedTaskList");
	first = list_item(ram, list, 0);
	put_ram32(ram, first + t.layout.item_next, 0x30000000);
	assert_int_equal(walk(ram, &s, NULL), 0);
	assert_problem(
		&s,
		"xSuspendedTaskList: item 2 at 0x30000000 is not in the dumped memory");
	assert_non_null(task_at(&s, ram32(ram, first + t.layout.item_owner)));
	assert_non_null(task_named(&s, "snap"));
	rpd_rtos_state_release(&s);
	free(ram);
}

/* An item whose pvOwner is not the TCB it lies in is not taken. */
static void test_item_with_a_foreign_owner(void **state)
{
	struct rpd_rtos_state s;
	uint64_t tick;
	uint8_t *ram;

	need_recording();
	tick = tcb_of("tick");
	ram = ram_copy();
	put_ram32(ram, tick + t.layout.tcb_state_item + t.layout.item_owner,
		  0x30000000);
	assert_int_equal(walk(ram, &s, NULL), 0);
	assert_problem(&s, "is not its owner 0x30000000's xStateListItem");
	assert_null(task_named(&s, "tick"));
	assert_int_equal(s.ntasks, t.state.ntasks - 1);
	assert_problem(&s, "uxCurrentNumberOfTasks is");
	rpd_rtos_state_release(&s);
	free(ram);
}

static void test_current_outside_memory(void **state)
{
	struct rpd_rtos_state s;
	uint8_t *ram;

	need_recording();
	ram = ram_copy();
	put_ram32(ram, symbol("pxCurrentTCB"), 0x30000000);
	assert_int_equal(walk(ram, &s, NULL), 0);
	assert_problem(&s, "pxCurrentTCB 0x30000000 is on no list");
	assert_problem(
		&s,
		"task at 0x30000000 (in pxCurrentTCB): its TCB is not in the dumped memory");
	assert_int_equal(s.tasks[0].tcb, 0x30000000);
	assert_true(s.tasks[0].current);
	assert_int_equal(s.tasks[0].state, RPD_TASK_RUNNING);
	/* snap is no longer current: its context is read, the one it saved
	 * when last switched out, which its stack may since have overwritten
	 * (then a problem says so). */
	assert_int_equal(task_named(&s, "snap")->state, RPD_TASK_READY);
	assert_true(task_named(&s, "snap")->regs_known == RPD_REGS_ALL ||
		    has_problem(&s, "task snap (TCB"));
	rpd_rtos_state_release(&s);
	free(ram);
}

static void test_absurd_count(void **state)
{
	struct rpd_rtos_state s;
	uint64_t list;
	uint8_t *ram;

	need_recording();
	ram = ram_copy();
	list = variable("xSuspendedTaskList");
	put_ram32(ram, list + t.layout.list_number_of_items, 0xffffff);
	assert_int_equal(walk(ram, &s, NULL), 0);
	assert_problem(
		&s, "xSuspendedTaskList: uxNumberOfItems 16777215 is absurd");
	assert_problem(
		&s,
		"xSuspendedTaskList: uxNumberOfItems says 16777215, the list holds");
	assert_int_equal(s.ntasks, t.state.ntasks);
	rpd_rtos_state_release(&s);
	free(ram);
}

/* A count too small: the walk stops one item past it. */
static void test_list_longer_than_its_count(void **state)
{
	struct rpd_rtos_state s;
	uint64_t list;
	uint8_t *ram;

	need_recording();
	ram = ram_copy();
	list = variable("xSuspendedTaskList");
	assert_true(ram32(ram, list + t.layout.list_number_of_items) >= 3);
	put_ram32(ram, list + t.layout.list_number_of_items, 1);
	assert_int_equal(walk(ram, &s, NULL), 0);
	assert_problem(
		&s,
		"xSuspendedTaskList: list does not end after 2 items (uxNumberOfItems 1)");
	rpd_rtos_state_release(&s);
	free(ram);
}

static void test_stack_pointer_outside_stack(void **state)
{
	struct rpd_rtos_state s;
	const struct rpd_task *ctrl;
	uint64_t tcb, outside;
	char text[96];
	uint8_t *ram;

	need_recording();
	tcb = tcb_of("ctrl");
	ram = ram_copy();
	outside = t.truth.ram_base + 0x10;
	put_ram32(ram, tcb + t.layout.tcb_top_of_stack, (uint32_t)outside);
	assert_int_equal(walk(ram, &s, NULL), 0);
	ctrl = task_named(&s, "ctrl");
	assert_int_equal(ctrl->regs_known, 0);
	assert_true(ctrl->stack_overflowed);
	assert_problem(&s, "task ctrl (TCB 0x");
	/* Below pxStack: outside, whether the end is known or not. */
	snprintf(text, sizeof(text), "pxTopOfStack 0x%llx is outside its stack",
		 (unsigned long long)outside);
	assert_problem(&s, text);
	/* Only ctrl. */
	for (size_t i = 0; i < s.ntasks; i++)
		if (strcmp(s.tasks[i].name, "ctrl"))
			assert_false(s.tasks[i].stack_overflowed);
	rpd_rtos_state_release(&s);
	free(ram);
}

static void test_name_without_nul(void **state)
{
	char want[RPD_TASK_NAME_SIZE] = "";
	struct rpd_rtos_state s;
	uint64_t tcb;
	uint8_t *ram;

	need_recording();
	tcb = tcb_of("ctrl");
	ram = ram_copy();
	memset(ram + ram_offset(tcb + t.layout.tcb_name, t.layout.tcb_name_len),
	       'A', t.layout.tcb_name_len);
	ram[ram_offset(tcb + t.layout.tcb_name + 1, 1)] = 0x07;
	assert_int_equal(walk(ram, &s, NULL), 0);
	assert_problem(&s, "pcTaskName has no NUL");
	memset(want, 'A', MIN(t.layout.tcb_name_len, sizeof(want) - 1));
	want[1] = '?';
	assert_non_null(task_named(&s, want));
	rpd_rtos_state_release(&s);
	free(ram);
}

/* The bottom 16 bytes of a stack no longer the fill: overflowed. */
static void test_overflowed_stack(void **state)
{
	const struct rpd_task *tick;
	struct rpd_rtos_state s;
	uint8_t *ram;

	need_recording();
	tick = task_named(&t.state, "tick");
	ram = ram_copy();
	put_ram32(ram, tick->stack_low + 8, 0x12345678);
	assert_int_equal(walk(ram, &s, NULL), 0);
	assert_true(task_named(&s, "tick")->stack_overflowed);
	assert_int_equal(task_named(&s, "tick")->stack_unused, 8);
	assert_false(task_named(&s, "ctrl")->stack_overflowed);
	rpd_rtos_state_release(&s);
	free(ram);
}

/* A context that is not a frame: no Thumb bit in its xPSR. */
static void test_context_not_a_frame(void **state)
{
	size_t sw_words = port_words(); /* the port's, below the frame */
	const struct rpd_task *tick;
	struct rpd_rtos_state s;
	uint8_t *ram;

	need_recording();
	tick = task_named(&t.state, "tick");
	ram = ram_copy();
	put_ram32(ram, tick->saved_sp + 4 * (sw_words + 7), 0);
	assert_int_equal(walk(ram, &s, NULL), 0);
	assert_int_equal(task_named(&s, "tick")->regs_known, 0);
	assert_problem(&s, "is not a");
	assert_problem(&s, "its xPSR has no Thumb bit");
	assert_int_equal(task_named(&s, "ctrl")->regs_known, RPD_REGS_ALL);
	rpd_rtos_state_release(&s);
	free(ram);
}

static uint32_t next_random(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Random bytes in the TCBs, the kernel's lists and anywhere in RAM:
 * whatever comes out, in bounded time. */
static void test_random_corruption(void **state)
{
	uint32_t seed = 0x5eed;
	unsigned long reads, most = 0;
	time_t start = time(NULL);
	int with_problems = 0;

	need_recording();
	for (int round = 0; round < 300; round++) {
		struct rpd_rtos_state s;
		uint8_t *ram = ram_copy();

		for (int i = 0; i < 16; i++) {
			const struct rpd_task *victim =
				&t.state.tasks[next_random(&seed) %
					       t.state.ntasks];
			uint64_t at = victim->tcb - t.truth.ram_base +
				      next_random(&seed) % t.layout.tcb_size;

			ram[at % t.nram] = (uint8_t)next_random(&seed);
			at = variable("pxReadyTasksLists") - t.truth.ram_base +
			     next_random(&seed) % 512;
			ram[at % t.nram] = (uint8_t)next_random(&seed);
			ram[next_random(&seed) % t.nram] =
				(uint8_t)next_random(&seed);
		}
		assert_int_equal(walk(ram, &s, &reads), 0);
		with_problems += s.nproblems > 0;
		assert_true(s.ntasks <= RPD_RTOS_MAX_TASKS);
		assert_true(s.nproblems <= RPD_RTOS_MAX_PROBLEMS);
		for (size_t i = 0; i < s.ntasks; i++)
			assert_true(strlen(s.tasks[i].name) <
				    RPD_TASK_NAME_SIZE);
		most = MAX(most, reads);
		rpd_rtos_state_release(&s);
		free(ram);
	}
	assert_true(time(NULL) - start < 60);
	assert_true(most < 200000);
	assert_true(with_problems > 250);
}

/* All memory the fill: lists everywhere point at themselves... */
static void test_uniform_memory(void **state)
{
	static const uint8_t bytes[] = { 0x00, 0xa5, 0xff };
	unsigned long reads;

	need_recording();
	for (size_t b = 0; b < ARRAY_SIZE(bytes); b++) {
		struct rpd_rtos_state s;
		uint8_t *ram = malloc(t.nram);

		memset(ram, bytes[b], t.nram);
		assert_int_equal(walk(ram, &s, &reads), 0);
		assert_true(s.nproblems > 0);
		assert_true(reads < 200000);
		rpd_rtos_state_release(&s);
		free(ram);
	}
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts_are_the_compilers),
		cmocka_unit_test(test_port_from_dwarf),
		cmocka_unit_test(test_port_from_symbols),
		cmocka_unit_test(test_clean_image_has_no_problems),
		cmocka_unit_test(test_tasks_are_the_live_ones),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_contexts_are_the_cpus),
		cmocka_unit_test(test_initial_context),
		cmocka_unit_test(test_list_that_loops),
		cmocka_unit_test(test_list_that_leaves_memory),
		cmocka_unit_test(test_item_with_a_foreign_owner),
		cmocka_unit_test(test_current_outside_memory),
		cmocka_unit_test(test_absurd_count),
		cmocka_unit_test(test_list_longer_than_its_count),
		cmocka_unit_test(test_stack_pointer_outside_stack),
		cmocka_unit_test(test_name_without_nul),
		cmocka_unit_test(test_overflowed_stack),
		cmocka_unit_test(test_context_not_a_frame),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_uniform_memory),
	};

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--firmware")) {
			t.fw_path = argv[i + 1];
		} else if (!strcmp(argv[i], "--port")) {
			t.port = argv[i + 1];
		} else if (!strcmp(argv[i], "--recording")) {
			t.rec_dir = argv[i + 1];
		} else if (!strcmp(argv[i], "--skip")) {
			printf("skipped: %s\n", argv[i + 1]);
			return SKIPPED;
		}
	}
	if (!t.fw_path || !t.port) {
		fprintf(stderr,
			"usage: %s --firmware FW.elf --port PORT [--recording DIR] | --skip REASON\n",
			argv[0]);
		return 2;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
