/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef RPD_TESTUTIL_H
#define RPD_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "rproc/rprocdump.h"

/* A fresh empty directory under $RPD_TEST_TMPDIR (or /tmp); caller frees. */
char *test_tmpdir(const char *tag);
/* Writes len bytes to dir/name and returns the malloc'ed path. */
char *test_write_file(const char *dir, const char *name, const void *buf,
		      size_t len);
/* Reads a whole file; caller frees. */
void *test_read_file(const char *path, size_t *len);
/* Removes a directory tree made by test_tmpdir(). */
void test_rmtree(const char *dir);

/* A sink collecting the stream in memory; zero-initialise, free buf. */
struct test_mem_sink {
	uint8_t *buf;
	size_t len, cap;
	size_t writes; /* calls that wrote */
	int fail_with; /* error to return instead of writing */
};

int test_mem_sink_write(void *ctx, const void *buf, size_t len);
/* The rpd_sink writing into m. */
struct rpd_sink test_mem_sink(struct test_mem_sink *m);

/* Asserts that r is err and that rpd_error() contains msg. */
void test_assert_error(int r, int err, const char *msg);

/* A shell command's standard output, or NULL if it could not be run or
 * exited with a status other than 0; caller frees. */
char *test_capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, failing the test unless the command succeeds. */
char *test_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
