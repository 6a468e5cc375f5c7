// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_store.c - the store: names, safe opening, collision-safe commits and
 * the limits (MaxDumpsPerRemote, MaxUse, KeepFree), oldest first.
 *
 * The space limits are checked on a 4 MiB tmpfs mounted in a private mount
 * namespace, where block counts and free space are exact. That needs root;
 * without it the test fails and says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <cmocka.h>

#include "store.h"
#include "testutil.h"

#define KIB 1024u
#define MIB (1024u * 1024u)
/* 2026-11-24T07:15:00Z */
#define T0 ((time_t)1795504500)
#define BOOT "1a2b3c4d-5e6f-4a1b-9c8d-7e6f5a4b3c2d"

static char *tmpfs_dir;

static void test_names(void **state)
{
	char base[STORE_BASE_MAX], out[STORE_NAME_FIELD_MAX + 1];
	char long_name[200];

	store_base_name("m4", "rproc-m4.fw", T0, BOOT, base, sizeof(base));
	assert_string_equal(base, "m4.rproc-m4_fw.20261124T071500Z.1a2b3c4d");
	store_base_name("dsp/0 x", "", T0 + 61, "", base, sizeof(base));
	assert_string_equal(base, "dsp_0_x.unknown.20261124T071601Z.00000000");

	store_sanitize("a.b/c\n\xff-_Z9", out, sizeof(out));
	assert_string_equal(out, "a_b_c__-_Z9");
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	store_sanitize(long_name, out, sizeof(out));
	assert_int_equal(strlen(out), STORE_NAME_FIELD_MAX);
}

static void test_name_parse(void **state)
{
	static const char *const rejected[] = {
		".m4.fw.20261124T071500Z.1a2b3c4d.core.gz",  /* hidden */
		"m4.fw.20261124T071500Z.1a2b3c4d.core",	     /* not ours */
		"m4.fw.2026-11-24.1a2b3c4d.core.gz",	     /* time */
		"m4.fw.20261124T071500Z.1a2b3c4.core.gz",    /* boot id */
		"m4.fw.20261124T071500Z.1a2b3c4d.1.core.gz", /* counter 1 */
		"m4.fw.20261124T071500Z.1a2b3c4d.02.core.gz",
		"m4.fw.20261124T071500Z.1a2b3c4d.2.3.core.gz",
		"m4..20261124T071500Z.1a2b3c4d.core.gz",
		"m4.f w.20261124T071500Z.1a2b3c4d.core.gz",
		".core.gz",
	};
	struct store_name n;

	assert_true(store_name_parse(
		"m4.rproc-m4_fw.20261124T071500Z.1a2b3c4d.core.gz", &n));
	assert_string_equal(n.remote, "m4");
	assert_string_equal(n.firmware, "rproc-m4_fw");
	assert_true(n.time == T0);
	assert_string_equal(n.boot, "1a2b3c4d");
	assert_int_equal(n.seq, 0);
	assert_true(store_name_parse(
		"m4.fw.20261124T071500Z.1a2b3c4d.12.core.gz", &n));
	assert_int_equal(n.seq, 12);
	assert_true(store_name_parse("m4.fw.20261124T071500Z.1a2b3c4d.devcd.gz",
				     &n));
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++)
		if (store_name_parse(rejected[i], &n))
			fail_msg("accepted %s", rejected[i]);
}

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
	test_assert_error(store_open(link, &s), -ENOTDIR, "a symbolic link?");
	/* Someone else's directory is refused (as root: chown it away). */
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 4321, 4321), 0);
		test_assert_error(store_open(path, &s), -EPERM,
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
	struct timespec times[2] = { { .tv_sec = T0 + mtime_offset },
				     { .tv_sec = T0 + mtime_offset } };
	char *buf = calloc(1, size ? size : 1);
	int fd;

	/* Non-zero bytes: tmpfs allocates every page. */
	memset(buf, 0x5a, size);
	fd = openat(s->dir_fd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, size), (ssize_t)size);
	assert_int_equal(futimens(fd, times), 0);
	close(fd);
	free(buf);
}

static bool exists(const struct store *s, const char *name)
{
	struct stat st;

	return fstatat(s->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* "<remote>.fw.<T0 + minutes>.1a2b3c4d.core.gz" */
static char *dump_name(const char *remote, int minutes)
{
	char base[STORE_BASE_MAX], *name;

	store_base_name(remote, "fw", T0 + 60 * minutes, BOOT, base,
			sizeof(base));
	if (asprintf(&name, "%s.core.gz", base) < 0)
		abort();
	return name;
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

static void test_vacuum_count(void **state)
{
	struct collect_config cfg;
	char *dir = test_tmpdir("store"), *names[7];
	struct store s;

	config_defaults(&cfg);
	cfg.max_use = (struct config_size){ .bytes = UINT64_MAX };
	cfg.keep_free = (struct config_size){ .bytes = 0 };
	cfg.max_dumps_per_remote = 3;
	assert_int_equal(store_open(dir, &s), 0);
	/* m4 at minutes 0..4, dsp at 1 and 3; mtimes contradict the names
	 * to show that the name's time decides. */
	for (int i = 0; i < 5; i++) {
		names[i] = dump_name("m4", i);
		make_file(&s, names[i], 100, 100 - i);
	}
	names[5] = dump_name("dsp", 1);
	names[6] = dump_name("dsp", 3);
	make_file(&s, names[5], 100, 0);
	make_file(&s, names[6], 100, 0);
	make_file(&s, ".m4.fw.20261124T071500Z.1a2b3c4d.devcd9.spool", 100, 0);
	make_file(&s, "README", 100, 0);

	/* Before writing a new m4 dump: room for it, so 2 m4 dumps stay. */
	assert_int_equal(store_vacuum(&s, &cfg, "m4", NULL), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(exists(&s, names[i]), i >= 3);
	assert_true(exists(&s, names[5]) && exists(&s, names[6]));
	assert_true(exists(&s, "README"));
	assert_true(
		exists(&s, ".m4.fw.20261124T071500Z.1a2b3c4d.devcd9.spool"));

	/* After: the new one is never removed, even when it is the oldest. */
	cfg.max_dumps_per_remote = 1;
	assert_int_equal(store_vacuum(&s, &cfg, NULL, names[5]), 0);
	assert_true(exists(&s, names[5]) && !exists(&s, names[6]));
	assert_true(!exists(&s, names[3]) && exists(&s, names[4]));

	/* Same time in the name: the older mtime goes first. */
	{
		const char *a = "x.fw.20261124T071500Z.1a2b3c4d.core.gz";
		const char *b = "x.fw.20261124T071500Z.1a2b3c4d.2.core.gz";

		make_file(&s, a, 100, 50);
		make_file(&s, b, 100, 10);
		assert_int_equal(store_vacuum(&s, &cfg, NULL, NULL), 0);
		assert_true(exists(&s, a) && !exists(&s, b));
	}
	store_close(&s);
	config_free(&cfg);
	test_rmtree(dir);
	for (int i = 0; i < 7; i++)
		free(names[i]);
	free(dir);
}

static uint64_t avail_bytes(const char *dir)
{
	struct statvfs sv;

	assert_int_equal(statvfs(dir, &sv), 0);
	return (uint64_t)sv.f_bavail * sv.f_frsize;
}

/* A store on the 4 MiB tmpfs, emptied. */
static void tmpfs_store(struct store *s)
{
	free(test_run("rm -rf %s/* %s/.[!.]*; true", tmpfs_dir, tmpfs_dir));
	assert_int_equal(store_open(tmpfs_dir, s), 0);
}

static void test_vacuum_max_use(void **state)
{
	struct collect_config cfg;
	char *names[6];
	struct store s;

	config_defaults(&cfg);
	cfg.max_dumps_per_remote = 0;
	cfg.keep_free = (struct config_size){ .bytes = 0 };
	cfg.max_use = (struct config_size){ .bytes = MIB };
	tmpfs_store(&s);
	for (int i = 0; i < 6; i++) {
		names[i] = dump_name(i % 2 ? "m4" : "dsp", i);
		make_file(&s, names[i], 256 * KIB, 0);
	}
	assert_int_equal(store_vacuum(&s, &cfg, "m4", NULL), 0);
	/* 1.5 MiB used: the two oldest go, 1 MiB stays. */
	for (int i = 0; i < 6; i++)
		assert_int_equal(exists(&s, names[i]), i >= 2);

	/* 50% of 4 MiB: 2 MiB, already within. */
	cfg.max_use = (struct config_size){ .percent = 50, .is_percent = true };
	assert_int_equal(store_vacuum(&s, &cfg, NULL, NULL), 0);
	assert_true(exists(&s, names[2]));
	/* 10% is 409.6 KiB: one 256 KiB file stays, the one being kept
	 * although it is not the newest. */
	cfg.max_use.percent = 10;
	assert_int_equal(store_vacuum(&s, &cfg, NULL, names[3]), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(exists(&s, names[i]), i == 3);
	store_close(&s);
	config_free(&cfg);
	for (int i = 0; i < 6; i++)
		free(names[i]);
}

static void test_vacuum_keep_free(void **state)
{
	struct collect_config cfg;
	char *names[6];
	struct store s;
	uint64_t room;

	config_defaults(&cfg);
	cfg.max_dumps_per_remote = 0;
	cfg.max_use = (struct config_size){ .bytes = UINT64_MAX };
	cfg.keep_free =
		(struct config_size){ .percent = 50, .is_percent = true };
	tmpfs_store(&s);
	for (int i = 0; i < 6; i++) {
		names[i] = dump_name("m4", 10 - i); /* newest first */
		make_file(&s, names[i], 512 * KIB, 0);
	}
	/* 3 MiB of 4 used; KeepFree=50%: 2 MiB must be free. */
	assert_true(avail_bytes(tmpfs_dir) < 2 * MIB);
	assert_int_equal(store_room(&s, &cfg, &room), 0);
	assert_true(room == 0);
	assert_int_equal(store_vacuum(&s, &cfg, NULL, NULL), 0);
	assert_true(avail_bytes(tmpfs_dir) >= 2 * MIB);
	/* Exactly the two oldest went. */
	for (int i = 0; i < 6; i++)
		assert_int_equal(exists(&s, names[i]), i < 4);
	assert_int_equal(store_room(&s, &cfg, &room), 0);
	assert_true(room < 256 * KIB);
	/* Nothing but the kept file left to remove: it stays. */
	cfg.keep_free = (struct config_size){ .bytes = 4 * MIB };
	assert_int_equal(store_vacuum(&s, &cfg, NULL, names[0]), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(exists(&s, names[i]), i == 0);
	store_close(&s);
	config_free(&cfg);
	for (int i = 0; i < 6; i++)
		free(names[i]);
}

/* A private mount namespace with a 4 MiB tmpfs: needs root. */
static int mount_tmpfs(void **state)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_store: the space limits are tested on a "
				"tmpfs in a private mount namespace, which "
				"needs root: run as root\n");
		return -1;
	}
	tmpfs_dir = test_tmpdir("store-tmpfs");
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", tmpfs_dir, "tmpfs", 0, "size=4m,mode=0700") < 0) {
		fprintf(stderr, "test_store: cannot mount a tmpfs: %m\n");
		return -1;
	}
	return 0;
}

static int unmount_tmpfs(void **state)
{
	umount(tmpfs_dir);
	rmdir(tmpfs_dir);
	free(tmpfs_dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_name_parse),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_commit_never_replaces),
		cmocka_unit_test(test_vacuum_count),
	};
	const struct CMUnitTest space_tests[] = {
		cmocka_unit_test(test_vacuum_max_use),
		cmocka_unit_test(test_vacuum_keep_free),
	};
	int failed;

	failed = cmocka_run_group_tests(tests, NULL, NULL);
	failed +=
		cmocka_run_group_tests(space_tests, mount_tmpfs, unmount_tmpfs);
	return failed ? 1 : 0;
}
