// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * testutil.c - what several unit tests need: temporary files, an in-memory
 * sink, error assertions and the output of reference tools.
 */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

char *test_tmpdir(const char *tag)
{
	const char *base = getenv("RPD_TEST_TMPDIR");
	char *path;

	if (!base)
		base = "/tmp";
	if (asprintf(&path, "%s/%s.XXXXXX", base, tag) < 0)
		abort();
	if (!mkdtemp(path))
		abort();
	return path;
}

char *test_write_file(const char *dir, const char *name, const void *buf,
		      size_t len)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		abort();
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		abort();
	return path;
}

void *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

void test_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int test_mem_sink_write(void *ctx, const void *buf, size_t len)
{
	struct test_mem_sink *m = ctx;

	if (m->fail_with)
		return m->fail_with;
	if (m->len + len > m->cap) {
		m->cap = 2 * m->cap > m->len + len ? 2 * m->cap : m->len + len;
		m->buf = realloc(m->buf, m->cap);
		assert_non_null(m->buf);
	}
	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	m->writes++;
	return 0;
}

struct rpd_sink test_mem_sink(struct test_mem_sink *m)
{
	return (struct rpd_sink){ .write = test_mem_sink_write, .ctx = m };
}

void test_assert_error(int r, int err, const char *msg)
{
	assert_int_equal(r, err);
	if (!strstr(rpd_error(), msg))
		fail_msg("error \"%s\" lacks \"%s\"", rpd_error(), msg);
}

/* Runs cmd; its standard output, or NULL unless it exits with 0. */
static char *capture(const char *cmd)
{
	char *out = NULL, buf[4096];
	size_t len = 0, n;
	FILE *p, *mem;
	int status = -1;

	mem = open_memstream(&out, &len);
	if (!mem)
		abort();
	p = popen(cmd, "r");
	if (p) {
		while ((n = fread(buf, 1, sizeof(buf), p)))
			fwrite(buf, 1, n, mem);
		status = pclose(p);
	}
	if (fclose(mem))
		abort();
	if (status != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* Formats and runs the command; fails the test if it must succeed. */
static char *vcapture(bool must_succeed, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static char *vcapture(bool must_succeed, const char *fmt, va_list ap)
{
	char *cmd, *out;

	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	out = capture(cmd);
	if (!out && must_succeed)
		fail_msg("command failed: %s", cmd);
	free(cmd);
	return out;
}

char *test_capture(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = vcapture(false, fmt, ap);
	va_end(ap);
	return out;
}

char *test_run(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = vcapture(true, fmt, ap);
	va_end(ap);
	return out;
}
