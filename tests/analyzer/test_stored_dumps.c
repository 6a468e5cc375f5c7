// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_stored_dumps.c - what list and the verbs see of a store: every core
 * (whatever its name) with what its notes say, newest first by crash time
 * (else mtime), unreadable cores kept with their error, other files left
 * out; and which dumps a MATCH names.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "rproc/rprocdump.h"
#include "stored_dumps.h"
#include "testutil.h"

#define EM_ARM 40

static void set_mtime(const char *path, int64_t t)
{
	struct timespec times[2] = { { .tv_sec = t }, { .tv_sec = t } };

	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* A valid core of 64 bytes of memory whose info note is info (key=value
 * strings, NUL-separated, len bytes). */
static void write_core(const char *dir, const char *name, const char *info,
		       size_t len, int64_t mtime)
{
	struct rpd_elf_ident ident = { .elf_class = 1, .machine = EM_ARM };
	struct rpd_segment seg = {
		.vaddr = 0x20000000, .memsz = 64, .filesz = 64, .flags = 6
	};
	struct rpd_core_writer *w;
	struct test_mem_sink m = { 0 };
	struct rpd_sink sink = test_mem_sink(&m);
	uint8_t mem[64] = { 1, 2, 3 };
	char *path;

	assert_int_equal(rpd_core_writer_new(&ident, &sink, &w), 0);
	assert_int_equal(rpd_core_writer_add_note(w, RPD_NOTE_OWNER,
						  RPD_NT_INFO, info, len),
			 0);
	assert_int_equal(rpd_core_writer_add_segment(w, &seg), 0);
	assert_int_equal(rpd_core_writer_start(w), 0);
	assert_int_equal(rpd_core_writer_write(w, mem, sizeof(mem)), 0);
	assert_int_equal(rpd_core_writer_finish(w), 0);
	rpd_core_writer_free(w);
	path = test_write_file(dir, name, m.buf, m.len);
	set_mtime(path, mtime);
	free(path);
	free(m.buf);
}

#define INFO(s) s, sizeof(s)

static void make_store(const char *dir)
{
	char *path;

	write_core(dir, "m4.m4fw.20261124T071500Z.1a2b3c4d.core.gz",
		   INFO("name=m4\0firmware=vendor/m4fw.elf\0crash_time=300\0"
			"crash_type=watchdog"),
		   10);
	write_core(dir, "dsp.dspfw.20261124T071500Z.1a2b3c4d.core.gz",
		   INFO("name=dsp\0firmware=dspfw.elf\0crash_time=500\0"
			"crash_reason=usagefault\0crash_type=fatal error\0"
			"truncated=1"),
		   20);
	/* No crash time: its mtime places it. */
	write_core(dir, "copied.core", INFO("name=m4"), 400);
	path = test_write_file(dir, "broken.core.gz", "not a core", 10);
	set_mtime(path, 100);
	free(path);
	free(test_write_file(dir, ".m4.fw.20261124T071500Z.1a2b3c4d.core.gz",
			     "temp", 4));
	free(test_write_file(dir, "README", "x", 1));
}

static void test_scan(void **state)
{
	char *dir = test_tmpdir("stored");
	struct stored_dumps s;
	const struct stored_dump *d;

	(void)state;
	make_store(dir);
	assert_int_equal(stored_dumps_scan(dir, &s), 0);
	assert_int_equal(s.n, 4);

	d = &s.dumps[0];
	assert_string_equal(d->file,
			    "dsp.dspfw.20261124T071500Z.1a2b3c4d.core.gz");
	assert_true(d->time == 500 && d->time_from_note);
	assert_string_equal(d->remote, "dsp");
	assert_string_equal(d->reason, "usagefault"); /* reason over type */
	assert_true(d->truncated);
	assert_null(d->error);
	assert_true(d->core_size > 64 && d->disk_size == d->core_size);

	d = &s.dumps[1];
	assert_string_equal(d->file, "copied.core");
	assert_true(d->time == 400 && !d->time_from_note);
	assert_null(d->firmware);

	d = &s.dumps[2];
	assert_string_equal(d->file,
			    "m4.m4fw.20261124T071500Z.1a2b3c4d.core.gz");
	assert_string_equal(d->reason, "watchdog");
	assert_false(d->truncated);

	/* Unreadable, with why, at its mtime. */
	d = &s.dumps[3];
	assert_string_equal(d->file, "broken.core.gz");
	assert_non_null(d->error);
	assert_non_null(strstr(d->error, "broken.core.gz"));
	assert_null(d->remote);
	stored_dumps_free(&s);
	test_rmtree(dir);
	free(dir);
}

static void test_matches(void **state)
{
	char *dir = test_tmpdir("stored");
	struct stored_dumps s;

	(void)state;
	make_store(dir);
	assert_int_equal(stored_dumps_scan(dir, &s), 0);
	/* By remote, by firmware name or base name, by part of the file. */
	assert_true(stored_dump_matches(&s.dumps[0], "dsp"));
	assert_true(stored_dump_matches(&s.dumps[2], "vendor/m4fw.elf"));
	assert_true(stored_dump_matches(&s.dumps[2], "m4fw.elf"));
	assert_true(stored_dump_matches(&s.dumps[2], "other/m4fw.elf"));
	assert_true(stored_dump_matches(&s.dumps[2], "T0715"));
	assert_true(stored_dump_matches(&s.dumps[1], "m4"));
	assert_false(stored_dump_matches(&s.dumps[0], "m4"));
	assert_false(stored_dump_matches(&s.dumps[2], "dsp"));
	assert_false(stored_dump_matches(&s.dumps[3], "dsp"));
	assert_true(stored_dump_matches(&s.dumps[3], "broken"));
	stored_dumps_free(&s);
	test_rmtree(dir);
	free(dir);
}

static void test_missing_store(void **state)
{
	struct stored_dumps s;

	(void)state;
	test_log_begin();
	test_assert_logged(stored_dumps_scan("/nonexistent/store", &s), -ENOENT,
			   "no dump stored in /nonexistent/store");
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_missing_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
