// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_notes.c - the notes of a stored core: the ARM register and process
 * notes as binutils' readelf, elfutils' eu-readelf and GDB decode them, the
 * M-profile target description as GDB takes it, and the RPROC entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core_format.h"
#include "testutil.h"
#include "util.h"

static const struct rpd_arm_regs test_regs = {
	.r = { 0x10000000, 0x10000001, 0x10000002, 0x10000003, 0x10000004,
	       0x10000005, 0x10000006, 0x10000007, 0x10000008, 0x10000009,
	       0x1000000a, 0x1000000b, 0x1000000c, 0x20001ff0 /* sp */,
	       0xfffffff9 /* lr */, 0x000004d4 /* pc */ },
	.xpsr = 0x61000003,
};

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_prstatus_layout(void **state)
{
	uint8_t d[RPD_ARM_PRSTATUS_SIZE];

	memset(d, 0xa5, sizeof(d));
	rpd_note_arm_prstatus(d, &test_regs, 7, SIGSEGV);

	assert_int_equal(get_le32(d + 0), SIGSEGV);  /* si_signo */
	assert_true(all_zero(d + 4, 8));	     /* si_code, si_errno */
	assert_int_equal(get_le16(d + 12), SIGSEGV); /* pr_cursig */
	assert_true(all_zero(d + 14, 10));
	assert_int_equal(get_le32(d + 24), 7); /* pr_pid */
	assert_true(all_zero(d + 28, 72 - 28));
	for (int i = 0; i < 16; i++)
		assert_int_equal(get_le32(d + 72 + 4 * i), test_regs.r[i]);
	assert_int_equal(get_le32(d + 136), test_regs.xpsr); /* cpsr */
	assert_int_equal(get_le32(d + 140), test_regs.r[0]); /* orig_r0 */
	assert_int_equal(get_le32(d + 144), 0);		     /* pr_fpvalid */
}

static void test_prpsinfo_layout(void **state)
{
	uint8_t d[RPD_ARM_PRPSINFO_SIZE];
	char psargs[200];

	memset(psargs, 'x', sizeof(psargs) - 1);
	psargs[sizeof(psargs) - 1] = '\0';
	memset(d, 0xa5, sizeof(d));
	rpd_note_arm_prpsinfo(d, "a-very-long-firmware-name.elf", psargs, 42);

	assert_int_equal(d[0], 0);   /* pr_state */
	assert_int_equal(d[1], 'R'); /* pr_sname */
	assert_true(all_zero(d + 2, 10));
	assert_int_equal(get_le32(d + 12), 42); /* pr_pid */
	assert_true(all_zero(d + 16, 12));
	/* pr_fname[16] and pr_psargs[80] keep a terminating NUL. */
	assert_memory_equal(d + 28, "a-very-long-fir\0", 16);
	assert_int_equal(strnlen((char *)d + 44, 80), 79);
	assert_int_equal(d + 44 + 79 - d, 123);

	rpd_note_arm_prpsinfo(d, NULL, NULL, 1);
	assert_true(all_zero(d + 28, RPD_ARM_PRPSINFO_SIZE - 28));
}

static void test_tdesc(void **state)
{
	const char *x = rpd_note_tdesc_arm_m_profile();

	assert_non_null(
		strstr(x, "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"));
	assert_non_null(strstr(x, "<architecture>arm</architecture>"));
	assert_non_null(
		strstr(x, "<feature name=\"org.gnu.gdb.arm.m-profile\">"));
	assert_non_null(strstr(x, "name=\"r0\" bitsize=\"32\" regnum=\"0\""));
	assert_non_null(strstr(
		x,
		"name=\"sp\" bitsize=\"32\" regnum=\"13\" type=\"data_ptr\""));
	assert_non_null(strstr(
		x,
		"name=\"pc\" bitsize=\"32\" regnum=\"15\" type=\"code_ptr\""));
	assert_non_null(
		strstr(x, "name=\"xpsr\" bitsize=\"32\" regnum=\"25\""));
	assert_null(strstr(x, "cpsr"));
}

static void test_trace_entry(void **state)
{
	struct rpd_trace_entry e = {
		.da = 0x1122334455667788, .len = 0x4000,
		.format = RPD_TRACE_FORMAT_ZEPHYR_HEADER,
	}, back;
	uint8_t b[RPD_TRACE_ENTRY_SIZE];

	/* A full 32-character name fills the field without a NUL. */
	memcpy(e.name, "0123456789abcdef0123456789abcdef", 33);
	memset(b, 0xa5, sizeof(b));
	rpd_trace_entry_encode(b, &e);
	assert_int_equal(get_le64(b), 0x1122334455667788);
	assert_int_equal(get_le64(b + 8), 0x4000);
	assert_int_equal(get_le32(b + 16), 6);
	assert_int_equal(get_le32(b + 20), 0);
	assert_memory_equal(b + 24, "0123456789abcdef0123456789abcdef", 32);

	rpd_trace_entry_decode(b, &back);
	assert_int_equal(back.da, e.da);
	assert_int_equal(back.len, e.len);
	assert_int_equal(back.format, e.format);
	assert_string_equal(back.name, "0123456789abcdef0123456789abcdef");

	strcpy(e.name, "trace0");
	rpd_trace_entry_encode(b, &e);
	assert_true(all_zero(b + 24 + 6, 26));
	rpd_trace_entry_decode(b, &back);
	assert_string_equal(back.name, "trace0");
}

static void test_segmap_entry(void **state)
{
	const struct rpd_segmap_entry e = {
		.load_index = 3,
		.firmware_index = -1,
		.vaddr = 0x20000000,
		.source_da = 0x30020000,
		.size = 0x8000,
		.flags = RPD_SEGMAP_UNDESCRIBED | RPD_SEGMAP_PARTIAL,
	};
	struct rpd_segmap_entry back;
	uint8_t b[RPD_SEGMAP_ENTRY_SIZE];

	memset(b, 0xa5, sizeof(b));
	rpd_segmap_entry_encode(b, &e);
	assert_int_equal(get_le32(b), 3);
	assert_int_equal(get_le32(b + 4), 0xffffffff);
	assert_int_equal(get_le64(b + 8), 0x20000000);
	assert_int_equal(get_le64(b + 16), 0x30020000);
	assert_int_equal(get_le64(b + 24), 0x8000);
	assert_int_equal(get_le32(b + 32), 0xa);
	assert_int_equal(get_le32(b + 36), 0);
	rpd_segmap_entry_decode(b, &back);
	assert_int_equal(back.load_index, e.load_index);
	assert_int_equal(back.firmware_index, -1);
	assert_int_equal(back.vaddr, e.vaddr);
	assert_int_equal(back.source_da, e.source_da);
	assert_int_equal(back.size, e.size);
	assert_int_equal(back.flags, e.flags);
}

/* ---- the notes through other tools ---- */

struct fixture {
	char *dir;
	char *core; /* an ARM core with the notes converters write */
};

static const uint8_t ram[64] = { 0xde, 0xad, 0xbe, 0xef };

static int write_arm_core(const char *path)
{
	const struct rpd_elf_ident ident = { .elf_class = ELFCLASS32,
					     .machine = EM_ARM };
	const struct rpd_segment seg = { .vaddr = 0x20001fc0,
					 .paddr = 0x20001fc0,
					 .memsz = sizeof(ram),
					 .filesz = sizeof(ram),
					 .flags = PF_R | PF_W };
	const char *tdesc = rpd_note_tdesc_arm_m_profile();
	uint8_t prstatus[RPD_ARM_PRSTATUS_SIZE];
	uint8_t prpsinfo[RPD_ARM_PRPSINFO_SIZE];
	struct rpd_core_writer *w;
	struct rpd_sink sink;
	FILE *f = fopen(path, "wb");
	int r;

	if (!f)
		return -errno;
	sink = rpd_sink_fd(fileno(f));
	rpd_note_arm_prstatus(prstatus, &test_regs, 7, SIGSEGV);
	rpd_note_arm_prpsinfo(prpsinfo, "blinky.elf", "m4 blinky.elf", 7);
	r = rpd_core_writer_new(&ident, &sink, &w);
	if (r < 0)
		return r;
	if (!r)
		r = rpd_core_writer_add_note(w, "CORE", NT_PRSTATUS, prstatus,
					     sizeof(prstatus));
	if (!r)
		r = rpd_core_writer_add_note(w, "CORE", NT_PRPSINFO, prpsinfo,
					     sizeof(prpsinfo));
	if (!r)
		r = rpd_core_writer_add_note(w, "GDB", NT_GDB_TDESC, tdesc,
					     strlen(tdesc) + 1);
	if (r >= 0)
		r = rpd_core_writer_add_segment(w, &seg);
	if (r >= 0)
		r = rpd_core_writer_start(w);
	if (!r)
		r = rpd_core_writer_write(w, ram, sizeof(ram));
	if (!r)
		r = rpd_core_writer_finish(w);
	rpd_core_writer_free(w);
	fclose(f);
	return r;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fx->dir = test_tmpdir("notes");
	if (asprintf(&fx->core, "%s/arm.core", fx->dir) < 0)
		return -1;
	if (write_arm_core(fx->core) < 0) {
		fprintf(stderr, "writing %s: %s\n", fx->core, rpd_error());
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	test_rmtree(fx->dir);
	free(fx->dir);
	free(fx->core);
	free(fx);
	return 0;
}

static void assert_contains(const char *text, const char *what)
{
	if (!strstr(text, what))
		fail_msg("\"%s\" not found in:\n%s", what, text);
}

static void test_readelf_decodes(void **state)
{
	struct fixture *fx = *state;
	char *out = test_run("readelf -n %s 2>&1", fx->core);

	assert_contains(out, "NT_PRSTATUS (prstatus structure)");
	assert_contains(out, "NT_PRPSINFO (prpsinfo structure)");
	assert_contains(out, "NT_GDB_TDESC (GDB XML target description)");
	assert_null(strstr(out, "arning"));
	free(out);
}

static void test_eu_readelf_decodes(void **state)
{
	struct fixture *fx = *state;
	char *out = test_run("eu-readelf -n %s 2>&1", fx->core);

	assert_contains(out, "CORE                 148  PRSTATUS");
	assert_contains(out, "info.si_signo: 11");
	assert_contains(out, "cursig: 11");
	assert_contains(out, "pid: 7");
	/* eu-readelf prints r0-r12 in decimal and names xPSR spsr. */
	assert_contains(out, "orig_r0: 268435456, fpvalid: 0");
	assert_contains(out, "r0:     268435456");
	assert_contains(out, "r12:    268435468");
	assert_contains(out, "sp:    0x20001ff0");
	assert_contains(out, "lr:    0xfffffff9");
	assert_contains(out, "pc:    0x000004d4");
	assert_contains(out, "spsr:  0x61000003");
	assert_contains(out, "CORE                 124  PRPSINFO");
	assert_contains(out, "fname: blinky.elf");
	assert_contains(out, "psargs: m4 blinky.elf");
	assert_null(strstr(out, "arning"));
	free(out);
}

/* GDB takes the target description: an M-profile with xpsr, not cpsr. */
static void test_gdb_takes_m_profile(void **state)
{
	struct fixture *fx = *state;
	char *out;

	if (system("command -v gdb-multiarch >/dev/null 2>&1"))
		skip();
	out = test_run("gdb-multiarch -nx -batch -ex 'core-file %s' "
		       "-ex 'info registers' -ex 'x/4xb 0x20001fc0' 2>&1",
		       fx->core);
	assert_contains(out, "xpsr           0x61000003");
	assert_null(strstr(out, "cpsr"));
	assert_contains(out, "pc             0x4d4");
	assert_contains(out, "sp             0x20001ff0");
	assert_contains(out, "0xde\t0xad\t0xbe\t0xef");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prstatus_layout),
		cmocka_unit_test(test_prpsinfo_layout),
		cmocka_unit_test(test_tdesc),
		cmocka_unit_test(test_trace_entry),
		cmocka_unit_test(test_segmap_entry),
		cmocka_unit_test_setup_teardown(test_readelf_decodes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eu_readelf_decodes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gdb_takes_m_profile, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
