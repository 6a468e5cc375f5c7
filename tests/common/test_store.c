// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_store.c - the store directory: safe opening, collision-safe commits
 * that never replace or follow what is there, and the listing collector
 * and analyzer share.
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

#include "store.h"
#include "testutil.h"

/* 2026-11-24T07:15:00Z */
#define T0 ((time_t)1795504500)

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static void test_open(void **state)
{
	char *dir = test_tmpdir("store"), *path, *link;
	struct store s;

	if (asprintf(&path, "%s/dumps", dir) < 0 ||
	    asprintf(&link, "%s/link", dir) < 0)
		abort();
	/* Created 0700. */
	assert_int_equal(store_open(path, &s), 0);
	assert_int_equal(mode_of(path), 0700);
	store_close(&s);
	/* Too open: tightened. */
	assert_int_equal(chmod(path, 0755), 0);
	assert_int_equal(store_open(path, &s), 0);
	assert_int_equal(mode_of(path), 0700);
	store_close(&s);
	/* A symbolic link is refused, not followed. */
	assert_int_equal(symlink(path, link), 0);
	test_log_begin();
	test_assert_logged(store_open(link, &s), -ENOTDIR, "a symbolic link?");
	/* Someone else's directory is refused (as root: chown it away). */
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 4321, 4321), 0);
		test_log_begin();
		test_assert_logged(store_open(path, &s), -EPERM,
				   "owned by uid 4321");
	}
	test_rmtree(dir);
	free(link);
	free(path);
	free(dir);
}

/* A file named name of size bytes (mtime: seconds after T0). */
static void make_file(const struct store *s, const char *name, size_t size,
		      int mtime_offset)
{
	test_make_file_at(s->dir_fd, name, size, T0 + mtime_offset);
}

static void test_commit_never_replaces(void **state)
{
	char *dir = test_tmpdir("store"), *victim, *final_name = NULL;
	const char *base = "m4.fw.20261124T071500Z.1a2b3c4d";
	struct atomic_file f;
	struct store s;
	char target[256];
	ssize_t n;

	victim = test_write_file(dir, "victim", "precious", 8);
	assert_int_equal(store_open(dir, &s), 0);
	assert_int_equal(symlinkat(victim, s.dir_fd,
				   "m4.fw.20261124T071500Z.1a2b3c4d.core.gz"),
			 0);
	assert_int_equal(atomic_file_openat(s.dir_fd, base, 0600, &f), 0);
	assert_int_equal(write(f.fd, "core", 4), 4);
	assert_int_equal(store_commit(&s, &f, base, ".core.gz", &final_name),
			 0);
	assert_string_equal(final_name,
			    "m4.fw.20261124T071500Z.1a2b3c4d.2.core.gz");
	atomic_file_release(&f);
	/* The link is still a link, its target untouched. */
	n = readlinkat(s.dir_fd, "m4.fw.20261124T071500Z.1a2b3c4d.core.gz",
		       target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, victim);
	free(test_run("grep -qx precious %s && echo ok", victim));
	store_close(&s);
	test_rmtree(dir);
	free(final_name);
	free(victim);
	free(dir);
}

/* Dumps are listed, other files not; links only for a reader. */
static void test_list(void **state)
{
	static const char *const dumps[] = {
		"m4.fw.20261124T071500Z.1a2b3c4d.core.gz",
		"m4.fw.20261124T071500Z.1a2b3c4d.2.devcd",
		"copied.core",
	};
	char *dir = test_tmpdir("store");
	struct store_file *files;
	struct store s;
	size_t n;

	(void)state;
	assert_int_equal(store_open(dir, &s), 0);
	for (size_t i = 0; i < 3; i++)
		make_file(&s, dumps[i], 10 + i, (int)i);
	make_file(&s, ".m4.fw.20261124T071500Z.1a2b3c4d.devcd9.spool", 1, 0);
	make_file(&s, "README", 1, 0);
	assert_int_equal(mkdirat(s.dir_fd, "dir.core.gz", 0700), 0);
	assert_int_equal(symlinkat(dumps[0], s.dir_fd, "link.core.gz"), 0);

	assert_int_equal(store_list(&s, false, &files, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (k < 3 && strcmp(files[i].name, dumps[k]))
			k++;
		assert_true(k < 3);
		assert_int_equal(files[i].st.st_size, 10 + k);
		assert_int_equal(files[i].kind,
				 k == 1 ? DUMP_KIND_RAW : DUMP_KIND_CORE);
		/* Only what the collector names so is named. */
		assert_int_equal(files[i].named, k < 2);
		if (k == 1)
			assert_int_equal(files[i].id.seq, 2);
	}
	store_files_free(files, n);

	assert_int_equal(store_list(&s, true, &files, &n), 0);
	assert_int_equal(n, 4);
	store_files_free(files, n);
	store_close(&s);

	/* Read-only opening creates nothing. */
	assert_int_equal(store_open_readonly(dir, &s), 0);
	store_close(&s);
	test_rmtree(dir);
	assert_int_equal(store_open_readonly(dir, &s), -ENOENT);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_commit_never_replaces),
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
