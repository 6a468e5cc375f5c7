// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_vacuum.c - the store's limits (MaxDumpsPerRemote, MaxUse, KeepFree),
 * oldest first, never the dump being written, never a file the collector
 * did not name.
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

#include "testutil.h"
#include "vacuum.h"

#define KIB 1024u
#define MIB (1024u * 1024u)
/* 2026-11-24T07:15:00Z */
#define T0 ((time_t)1795504500)
#define BOOT "1a2b3c4d-5e6f-4a1b-9c8d-7e6f5a4b3c2d"

static char *tmpfs_dir;

/* A file named name of size bytes (mtime: seconds after T0). */
static void make_file(const struct store *s, const char *name, size_t size,
		      int mtime_offset)
{
	test_make_file_at(s->dir_fd, name, size, T0 + mtime_offset);
}

static bool exists(const struct store *s, const char *name)
{
	struct stat st;

	return fstatat(s->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* "<remote>.fw.<T0 + minutes>.1a2b3c4d.core.gz" */
static char *stored_name(const char *remote, int minutes)
{
	char base[DUMP_NAME_BASE_MAX], *name;

	dump_name_format(remote, "fw", T0 + 60 * minutes, BOOT, base,
			 sizeof(base));
	if (asprintf(&name, "%s.core.gz", base) < 0)
		abort();
	return name;
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
		names[i] = stored_name("m4", i);
		make_file(&s, names[i], 100, 100 - i);
	}
	names[5] = stored_name("dsp", 1);
	names[6] = stored_name("dsp", 3);
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
		names[i] = stored_name(i % 2 ? "m4" : "dsp", i);
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
		names[i] = stored_name("m4", 10 - i); /* newest first */
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
		fprintf(stderr, "test_vacuum: the space limits are tested on a "
				"tmpfs in a private mount namespace, which "
				"needs root: run as root\n");
		return -1;
	}
	tmpfs_dir = test_tmpdir("store-tmpfs");
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", tmpfs_dir, "tmpfs", 0, "size=4m,mode=0700") < 0) {
		fprintf(stderr, "test_vacuum: cannot mount a tmpfs: %m\n");
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
