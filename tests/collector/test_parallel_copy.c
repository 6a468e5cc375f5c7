// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_parallel_copy.c - copying a range with a reader per thread: the
 * bytes land where they belong, a source that ends or fails cuts the copy
 * at the first gap, and a destination that cannot be written fails it.
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

#include "parallel_copy.h"
#include "testutil.h"

#define MIB (1u << 20)

static char *dir;

struct source {
	const char *path;
	int flags;
	unsigned opens, fail_every; /* fail_every n: every n-th open fails */
	int fail_with;
};

static int open_source(void *ctx)
{
	struct source *s = ctx;
	unsigned n = __atomic_add_fetch(&s->opens, 1, __ATOMIC_SEQ_CST);
	int fd;

	if (s->fail_every && n % s->fail_every == 0)
		return -s->fail_with;
	fd = open(s->path, s->flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static uint8_t *random_bytes(size_t len, unsigned seed)
{
	uint8_t *p = malloc(len);

	assert_non_null(p);
	srand(seed);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rand();
	return p;
}

static int setup(void **state)
{
	(void)state;
	dir = test_tmpdir("parallel_copy");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_rmtree(dir);
	free(dir);
	return 0;
}

/* A destination holding the source's first head bytes, as a spool does. */
static int dst_with_head(const uint8_t *data, size_t head)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/dst", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, head), (ssize_t)head);
	return fd;
}

static void assert_dst(int fd, const uint8_t *data, size_t len)
{
	uint8_t *back = malloc(len + 1);
	struct stat st;

	assert_non_null(back);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, len);
	assert_int_equal(pread(fd, back, len + 1, 0), (ssize_t)len);
	assert_memory_equal(back, data, len);
	free(back);
}

/* Every thread count, stripes that do not divide the range. */
static void test_copies_range(void **state)
{
	const size_t len = 5 * MIB + 12345, head = 4096 + 7;
	uint8_t *data = random_bytes(len, 1);
	char *src_path = test_write_file(dir, "src", data, len);

	(void)state;
	for (unsigned threads = 0; threads <= 5; threads++) {
		struct source src = { .path = src_path, .flags = O_RDONLY };
		struct parallel_copy pc = {
			.open_source = open_source,
			.ctx = &src,
			.dst_fd = dst_with_head(data, head),
			.from = head,
			.to = len,
			.threads = threads,
		};

		assert_int_equal(parallel_copy(&pc), 0);
		assert_int_equal(pc.end, len);
		assert_int_equal(pc.source_err, 0);
		assert_dst(pc.dst_fd, data, len);
		if (threads > 1) /* one open per thread, at most 6 stripes */
			assert_int_equal(src.opens, threads);
		close(pc.dst_fd);
	}
	free(src_path);
	free(data);
}

/*
 * A source that ends before to (the kernel freed the dump, or its headers
 * promised more): the copy stops there, also when later stripes were
 * being read by other threads, and the destination is exactly that long.
 */
static void test_source_ends(void **state)
{
	const size_t len = 6 * MIB, cut = 2 * MIB + 333;
	uint8_t *data = random_bytes(len, 2);
	char *src_path = test_write_file(dir, "src", data, cut);

	(void)state;
	for (unsigned threads = 1; threads <= 4; threads++) {
		struct source src = { .path = src_path, .flags = O_RDONLY };
		struct parallel_copy pc = {
			.open_source = open_source,
			.ctx = &src,
			.dst_fd = dst_with_head(data, 100),
			.from = 100,
			.to = len,
			.threads = threads,
		};

		assert_int_equal(parallel_copy(&pc), 0);
		assert_int_equal(pc.end, cut);
		assert_int_equal(pc.source_err, 0);
		assert_dst(pc.dst_fd, data, cut);
		close(pc.dst_fd);
	}
	free(src_path);
	free(data);
}

/* A source that fails on read: cut where it failed, with its errno. */
static void test_source_fails(void **state)
{
	uint8_t head[64] = { 1, 2, 3 };
	struct source src = { .path = dir, .flags = O_RDONLY | O_DIRECTORY };
	struct parallel_copy pc = {
		.open_source = open_source,
		.ctx = &src,
		.dst_fd = dst_with_head(head, sizeof(head)),
		.from = sizeof(head),
		.to = 3 * MIB,
		.threads = 2,
	};

	(void)state;
	assert_int_equal(parallel_copy(&pc), 0);
	assert_int_equal(pc.end, sizeof(head));
	assert_int_equal(pc.source_err, EISDIR);
	assert_dst(pc.dst_fd, head, sizeof(head));
	close(pc.dst_fd);
}

/* Threads that cannot open the source leave their share to the others;
 * when none can, the copy fails having copied nothing. */
static void test_open_failures(void **state)
{
	const size_t len = 4 * MIB + 1;
	uint8_t *data = random_bytes(len, 3);
	char *src_path = test_write_file(dir, "src", data, len);
	struct source src = { .path = src_path,
			      .flags = O_RDONLY,
			      .fail_every = 2,
			      .fail_with = EMFILE };
	struct parallel_copy pc = {
		.open_source = open_source,
		.ctx = &src,
		.dst_fd = dst_with_head(data, 10),
		.from = 10,
		.to = len,
		.threads = 4,
	};

	(void)state;
	assert_int_equal(parallel_copy(&pc), 0);
	assert_int_equal(pc.end, len);
	assert_dst(pc.dst_fd, data, len);
	close(pc.dst_fd);

	src = (struct source){ .path = src_path,
			       .flags = O_RDONLY,
			       .fail_every = 1,
			       .fail_with = EMFILE };
	pc.dst_fd = dst_with_head(data, 10);
	/* The errno says why; the caller, who knows the source, logs it. */
	assert_int_equal(parallel_copy(&pc), -EMFILE);
	assert_int_equal(pc.readers, 0);
	assert_dst(pc.dst_fd, data, 10);
	close(pc.dst_fd);
	free(src_path);
	free(data);
}

/* A destination that cannot be written fails the copy, with a reason. */
static void test_destination_fails(void **state)
{
	const size_t len = 2 * MIB;
	uint8_t *data = random_bytes(len, 4);
	char *src_path = test_write_file(dir, "src", data, len);
	char *dst_path = test_write_file(dir, "ro", data, 1);
	struct source src = { .path = src_path, .flags = O_RDONLY };
	struct parallel_copy pc = {
		.open_source = open_source,
		.ctx = &src,
		.dst_fd = open(dst_path, O_RDONLY | O_CLOEXEC),
		.from = 1,
		.to = len,
		.threads = 2,
	};

	(void)state;
	assert_true(pc.dst_fd >= 0);
	assert_int_equal(parallel_copy(&pc), -EBADF);
	close(pc.dst_fd);
	free(dst_path);
	free(src_path);
	free(data);
}

/* An empty range copies nothing and opens nothing. */
static void test_empty_range(void **state)
{
	struct source src = { .path = "/nonexistent" };
	struct parallel_copy pc = {
		.open_source = open_source,
		.ctx = &src,
		.dst_fd = -1,
		.from = 7,
		.to = 7,
	};

	(void)state;
	assert_int_equal(parallel_copy(&pc), 0);
	assert_int_equal(pc.end, 7);
	assert_int_equal(src.opens, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copies_range, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_source_ends, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_source_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_open_failures, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_destination_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_empty_range, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
