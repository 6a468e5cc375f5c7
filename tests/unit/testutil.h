/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef RPD_TESTUTIL_H
#define RPD_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* A fresh empty directory under $RPD_TEST_TMPDIR (or /tmp); caller frees. */
char *test_tmpdir(const char *tag);
/* Writes len bytes to dir/name and returns the malloc'ed path. */
char *test_write_file(const char *dir, const char *name, const void *buf,
		      size_t len);
/* Reads a whole file; caller frees. */
void *test_read_file(const char *path, size_t *len);
/* Removes a directory tree made by test_tmpdir(). */
void test_rmtree(const char *dir);

#endif
