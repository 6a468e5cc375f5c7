// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_crash_state.c - the crash state of firmware that recorded its crash
 * with Zephyr's coredump: the in-memory backend's stream, or, with any
 * backend, the arch_blk Zephyr 3.4 leaves in RAM with the exception
 * frame's address as sp.
 *
 * Zephyr cannot be built here. The firmware is a stand-in with Zephyr's
 * symbols where Zephyr defines them (in_memory_coredump in
 * coredump_backend_in_memory.c, arch_blk in coredump.c), and its RAM is
 * written by the test-side writer of Zephyr's format
 * (tests/fixtures/python/rpdtest/zephyr_coredump.py), independent of the
 * reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crash_state.h"
#include "testutil.h"
#include "util.h"

#define RAM_DA 0x20000000u
#define RAM_LEN 0x2000u
#define IN_MEMORY_SIZE 0x200u /* sizeof(in_memory_coredump) */

static const char backend_c[] = "static unsigned char in_memory_coredump[512]\n"
				"	__attribute__((used, aligned(4)));\n";
static const char arch_c[] = "static unsigned char arch_blk[68]\n"
			     "	__attribute__((used, aligned(4)));\n";
static const char main_c[] =
	"extern char __stack_top[];\n"
	"void reset(void) { for (;;) __asm__ volatile(\"nop\"); }\n"
	"__attribute__((section(\".vectors\"), used))\n"
	"void *const vectors[2] = { __stack_top, reset };\n";
static const char firmware_ld[] =
	"MEMORY { CODE (rx) : ORIGIN = 0x0, LENGTH = 16K\n"
	"         RAM (rw) : ORIGIN = 0x20000000, LENGTH = 8K }\n"
	"ENTRY(reset)\n"
	"SECTIONS {\n"
	"  .text : { KEEP(*(.vectors)) *(.text*) } > CODE\n"
	"  .bss (NOLOAD) : { *(.bss*) } > RAM\n"
	"  __stack_top = ORIGIN(RAM) + LENGTH(RAM);\n"
	"  /DISCARD/ : { *(.ARM.exidx*) }\n"
	"}\n";

/* The registers of the crashed code; sp 8-byte aligned, so no realign. */
#define REGS                                                               \
	"{'r0': 1, 'r1': 2, 'r2': 3, 'r3': 4, 'r12': 5, 'lr': 0x37ab, "    \
	"'pc': 0x3782, 'xpsr': 0x61000000, 'sp': 0x20001e00, 'r4': 0x44, " \
	"'r5': 0x55, 'r6': 0x66, 'r7': 0x77, 'r8': 0x88, 'r9': 0x99, "     \
	"'r10': 0xaa, 'r11': 0xbb}"

struct fixture {
	char *dir;
	struct rpd_firmware *fw;
	uint64_t in_memory, arch_blk;
	uint8_t *ram;
	size_t ram_len;
};

static int ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct fixture *f = ctx;

	if (addr < RAM_DA || addr + len > RAM_DA + f->ram_len)
		return -ENOENT;
	memcpy(buf, f->ram + (addr - RAM_DA), len);
	return 0;
}

static uint64_t object(const struct rpd_firmware *fw, const char *name,
		       const char *file)
{
	const struct rpd_symbol *sym;

	assert_int_equal(rpd_firmware_symbol_in_file(fw, name, file, &sym), 0);
	return sym->addr;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *files[4], *elf;

	f->dir = test_tmpdir("crash-state");
	files[0] = test_write_file(f->dir, "coredump_backend_in_memory.c",
				   backend_c, sizeof(backend_c) - 1);
	files[1] = test_write_file(f->dir, "coredump.c", arch_c,
				   sizeof(arch_c) - 1);
	files[2] =
		test_write_file(f->dir, "main.c", main_c, sizeof(main_c) - 1);
	files[3] = test_write_file(f->dir, "fw.ld", firmware_ld,
				   sizeof(firmware_ld) - 1);
	elf = test_build_firmware(f->dir, "-T %s %s %s %s", files[3], files[0],
				  files[1], files[2]);
	if (rpd_firmware_open(elf, &f->fw) < 0)
		fail_msg("%s", rpd_error());
	f->in_memory = object(f->fw, "in_memory_coredump",
			      "coredump_backend_in_memory.c");
	f->arch_blk = object(f->fw, "arch_blk", "coredump.c");
	for (int i = 0; i < 4; i++)
		free(files[i]);
	free(elf);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rpd_firmware_free(f->fw);
	test_rmtree(f->dir);
	free(f->dir);
	free(f->ram);
	free(f);
	return 0;
}

/* The RAM image the writer makes of spec (see its build()). */
static void write_ram(struct fixture *f, const char *spec)
{
	char *spec_path, *out_path;

	spec_path = test_write_file(f->dir, "spec", spec, strlen(spec));
	if (asprintf(&out_path, "%s.bin", spec_path) < 0)
		abort();
	free(test_run("PYTHONPATH='%s/tests/fixtures/python' '%s' -m "
		      "rpdtest.zephyr_coredump '%s' '%s'",
		      RPD_SOURCE_DIR, RPD_PYTHON, spec_path, out_path));
	free(f->ram);
	f->ram = test_read_file(out_path, &f->ram_len);
	assert_int_equal(f->ram_len, RAM_LEN);
	free(spec_path);
	free(out_path);
}

static void derive(struct fixture *f, struct rpd_crash_state *st)
{
	const struct rpd_memory mem = { .read = ram_read, .ctx = f };

	assert_int_equal(rpd_crash_state_derive(f->fw, &mem, st), 0);
}

static void assert_regs(const struct rpd_crash_state *st, uint32_t sp)
{
	const struct rpd_arm_regs *r = &st->threads[0].regs;

	assert_int_equal(st->nthreads, 1);
	assert_int_equal(st->threads[0].desc.tid, 1);
	assert_int_equal(st->threads[0].desc.flags, RPD_THREAD_CRASHED);
	assert_int_equal(r->r[0], 1);
	assert_int_equal(r->r[12], 5);
	assert_int_equal(r->r[4], 0x44);
	assert_int_equal(r->r[11], 0xbb);
	assert_int_equal(r->r[14], 0x37ab);
	assert_int_equal(r->r[15], 0x3782);
	assert_int_equal(r->r[13], sp);
	assert_int_equal(st->threads[0].desc.regs_known & 0x1ffff, 0x1ffff);
}

/* A newer release's in-memory backend: the stream, its reason, and sp as
 * the interrupted code's, confirmed by the frame below it. */
static void test_in_memory(void **state)
{
	struct fixture *f = *state;
	struct rpd_crash_state st;
	char spec[1024];

	snprintf(spec, sizeof(spec),
		 "{'ram': {'base': 0x%x, 'size': 0x%x, 'at': 0x%llx},"
		 " 'header': {'reason': 30},"
		 " 'fault': {'regs': " REGS ", 'quirk': False},"
		 " 'blocks': [('arch', {'fault': True})],"
		 " 'in_memory': {'size': 0x%x}}",
		 RAM_DA, RAM_LEN, (unsigned long long)f->in_memory,
		 IN_MEMORY_SIZE - 12);
	write_ram(f, spec);
	derive(f, &st);
	assert_int_equal(st.source, RPD_REGS_ZEPHYR_COREDUMP);
	assert_non_null(strstr(st.source_detail, "in_memory_coredump at"));
	assert_non_null(strstr(st.source_detail, "sp confirmed"));
	assert_non_null(strstr(st.reason, "zero"));
	assert_false(st.have_crash);
	assert_regs(&st, 0x20001e00);
	rpd_crash_state_release(&st);
}

/* Zephyr 3.4 with any backend: arch_blk, whose sp is the address of the
 * frame the CPU stacked; corrected past it. */
static void test_arch_blk_3_4(void **state)
{
	struct fixture *f = *state;
	struct rpd_crash_state st;
	char spec[1024];

	snprintf(spec, sizeof(spec),
		 "{'ram': {'base': 0x%x, 'size': 0x%x},"
		 " 'fault': {'regs': " REGS ", 'quirk': True,"
		 " 'arch_blk_at': 0x%llx}}",
		 RAM_DA, RAM_LEN, (unsigned long long)f->arch_blk);
	write_ram(f, spec);
	derive(f, &st);
	assert_int_equal(st.source, RPD_REGS_ZEPHYR_COREDUMP);
	assert_non_null(strstr(st.source_detail, "arch_blk at"));
	assert_non_null(strstr(st.source_detail, "sp corrected"));
	assert_regs(&st, 0x20001e00);
	rpd_crash_state_release(&st);

	/* arch_blk all zero: coredump() never ran, no Zephyr source. */
	memset(f->ram + (f->arch_blk - RAM_DA), 0, 68);
	derive(f, &st);
	assert_int_not_equal(st.source, RPD_REGS_ZEPHYR_COREDUMP);
	rpd_crash_state_release(&st);
}

/* A stream whose length runs past its buffer gives a problem, not a
 * crash, and the arch_blk still serves. */
static void test_bad_in_memory(void **state)
{
	struct fixture *f = *state;
	struct rpd_crash_state st;
	char spec[1024];

	snprintf(spec, sizeof(spec),
		 "{'ram': {'base': 0x%x, 'size': 0x%x, 'at': 0x%llx},"
		 " 'fault': {'regs': " REGS ", 'quirk': True,"
		 " 'arch_blk_at': 0x%llx},"
		 " 'blocks': [('arch', {'fault': True})],"
		 " 'in_memory': {'size': 0x%x, 'length': 0x7fffffff}}",
		 RAM_DA, RAM_LEN, (unsigned long long)f->in_memory,
		 (unsigned long long)f->arch_blk, IN_MEMORY_SIZE - 12);
	write_ram(f, spec);
	derive(f, &st);
	assert_int_equal(st.source, RPD_REGS_ZEPHYR_COREDUMP);
	assert_non_null(strstr(st.source_detail, "arch_blk at"));
	assert_non_null(strstr(st.problems, "in_memory_coredump at 0x"));
	rpd_crash_state_release(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_memory),
		cmocka_unit_test(test_arch_blk_3_4),
		cmocka_unit_test(test_bad_in_memory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
