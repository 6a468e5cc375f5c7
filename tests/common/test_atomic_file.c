// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_atomic_file.c - atomic files: complete or absent, never through a
 * link, and never waiting for the kernel's entropy pool.
 *
 * getrandom() is wrapped at link time (-Wl,--wrap=getrandom): the wrapper
 * plays a kernel whose pool is not initialised yet, where a call without
 * GRND_INSECURE or GRND_NONBLOCK would block, as it does early in boot on a
 * board without a hardware RNG.
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
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "atomic_file.h"
#include "testutil.h"

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif

/* What the wrapped getrandom() does. */
static enum {
	POOL_READY,	 /* every call succeeds */
	POOL_EMPTY,	 /* blocking calls would block; others fail EAGAIN */
	POOL_OLD_KERNEL, /* no GRND_INSECURE (EINVAL), pool not ready */
} pool;
static unsigned blocking_calls, calls;

ssize_t __real_getrandom(void *buf, size_t len, unsigned flags);
ssize_t __wrap_getrandom(void *buf, size_t len, unsigned flags);

ssize_t __wrap_getrandom(void *buf, size_t len, unsigned flags)
{
	calls++;
	if (pool == POOL_READY)
		return __real_getrandom(buf, len, flags);
	if (pool == POOL_OLD_KERNEL && (flags & GRND_INSECURE)) {
		errno = EINVAL;
		return -1;
	}
	if (pool == POOL_EMPTY && (flags & GRND_INSECURE))
		return __real_getrandom(buf, len, flags);
	if (!(flags & GRND_NONBLOCK))
		blocking_calls++; /* would sleep until the pool fills */
	errno = EAGAIN;
	return -1;
}

static char *dir;
static int dir_fd = -1;

static int setup(void **state)
{
	(void)state;
	dir = test_tmpdir("atomic_file");
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pool = POOL_READY;
	calls = blocking_calls = 0;
	return dir_fd < 0;
}

static int teardown(void **state)
{
	(void)state;
	close(dir_fd);
	test_rmtree(dir);
	free(dir);
	return 0;
}

static int count_entries(void)
{
	char *out = test_run("ls -A '%s' | wc -l", dir);
	int n = atoi(out);

	free(out);
	return n;
}

static void write_and_commit(const char *name, const char *text)
{
	struct atomic_file f;

	assert_int_equal(atomic_file_openat(dir_fd, name, 0600, &f), 0);
	assert_int_equal(write(f.fd, text, strlen(text)),
			 (ssize_t)strlen(text));
	assert_int_equal(atomic_file_commit(&f, false), 0);
	atomic_file_release(&f);
}

static void assert_file(const char *name, const char *text)
{
	char path[4096];
	size_t len;
	char *data;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	data = test_read_file(path, &len);
	assert_non_null(data);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(data, text, len);
	free(data);
}

/* Until commit the target does not exist; release leaves nothing. */
static void test_commit_and_release(void **state)
{
	struct atomic_file f;
	char path[4096];

	(void)state;
	assert_int_equal(atomic_file_openat(dir_fd, "a", 0600, &f), 0);
	assert_int_equal(write(f.fd, "x", 1), 1);
	snprintf(path, sizeof(path), "%s/a", dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(count_entries(), 1); /* the temporary */
	atomic_file_release(&f);
	assert_int_equal(count_entries(), 0);

	write_and_commit("a", "complete");
	assert_file("a", "complete");
	assert_int_equal(count_entries(), 1);
}

/* Without replace an existing file is kept; the caller, who may try
 * another name, is told so by -EEXIST alone (nothing is logged). */
static void test_no_replace(void **state)
{
	struct atomic_file f;

	(void)state;
	write_and_commit("a", "first");
	assert_int_equal(atomic_file_openat(dir_fd, "a", 0600, &f), 0);
	assert_int_equal(write(f.fd, "second", 6), 6);
	test_log_begin();
	test_assert_quiet(atomic_file_commit(&f, false), -EEXIST);
	atomic_file_release(&f);
	assert_file("a", "first");
	assert_int_equal(count_entries(), 1);

	assert_int_equal(atomic_file_openat(dir_fd, "a", 0600, &f), 0);
	assert_int_equal(write(f.fd, "second", 6), 6);
	assert_int_equal(atomic_file_commit(&f, true), 0);
	atomic_file_release(&f);
	assert_file("a", "second");
}

static void test_bad_names(void **state)
{
	struct atomic_file f;

	(void)state;
	test_log_begin();
	test_assert_logged(atomic_file_openat(dir_fd, "x/y", 0600, &f), -EINVAL,
			   "x/y: not a plain file name");
	test_log_begin();
	test_assert_logged(atomic_file_openat(dir_fd, "", 0600, &f), -EINVAL,
			   "not a plain file name");
}

/*
 * With the entropy pool not ready, files are still created at once and
 * under distinct names, on kernels with GRND_INSECURE and on older ones.
 */
static void check_never_blocks(void)
{
	struct atomic_file f[8];

	for (int i = 0; i < 8; i++)
		assert_int_equal(
			atomic_file_openat(dir_fd, "same", 0600, &f[i]), 0);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < i; j++)
			assert_string_not_equal(f[i].tmp_name, f[j].tmp_name);
	for (int i = 0; i < 8; i++)
		atomic_file_release(&f[i]);
	assert_true(calls > 0);
	assert_int_equal(blocking_calls, 0);
	assert_int_equal(count_entries(), 0);
}

static void test_empty_pool(void **state)
{
	(void)state;
	pool = POOL_EMPTY;
	check_never_blocks();
}

static void test_empty_pool_old_kernel(void **state)
{
	(void)state;
	pool = POOL_OLD_KERNEL;
	check_never_blocks();
}

/* A symbolic link planted at the final name is neither followed nor
 * replaced: the commit fails and the link's target is never created. */
static void test_link_not_followed(void **state)
{
	char target[4096], link[4096];
	struct atomic_file f;
	struct stat st;

	(void)state;
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/b", dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(atomic_file_openat(dir_fd, "b", 0600, &f), 0);
	assert_int_equal(write(f.fd, "x", 1), 1);
	test_log_begin();
	test_assert_quiet(atomic_file_commit(&f, false), -EEXIST);
	atomic_file_release(&f);
	assert_int_equal(lstat(target, &st), -1);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(count_entries(), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_and_release, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_replace, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_empty_pool, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_empty_pool_old_kernel,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_not_followed, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
