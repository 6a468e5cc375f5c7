// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_config.c - /etc/rproc-collect.conf: defaults, every key, and an
 * error naming file, line and key for every kind of mistake.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "testutil.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

/* Loads text as a configuration file over the defaults. */
static int load(const char *text, struct collect_config *cfg, char **path)
{
	char *dir = test_tmpdir("config");

	*path = test_write_file(dir, "rproc-collect.conf", text, strlen(text));
	free(dir);
	config_defaults(cfg);
	return config_load(*path, cfg);
}

static void test_defaults(void **state)
{
	struct collect_config cfg;

	config_defaults(&cfg);
	assert_string_equal(cfg.storage_dir, "/var/lib/rproc-dumps");
	assert_string_equal(cfg.sysfs_root, "/sys");
	assert_null(cfg.firmware_path);
	assert_int_equal(cfg.max_dumps_per_remote, 8);
	assert_true(cfg.max_dump_size == 4 * GIB);
	assert_int_equal(cfg.oversize, OVERSIZE_TRUNCATE);
	assert_int_equal(cfg.compress_level, 6);
	assert_int_equal(cfg.compress_threads, 0);
	assert_int_equal(cfg.read_threads, 0);
	assert_false(cfg.recover);
	assert_int_equal(cfg.crash_loop_max, 5);
	assert_int_equal(cfg.crash_loop_minutes, 10);
	/* 10% and 15%, bounded like systemd-coredump's defaults. */
	assert_true(config_size_resolve(&cfg.max_use, 100 * GIB) == 4 * GIB);
	assert_true(config_size_resolve(&cfg.max_use, 10 * GIB) == GIB);
	assert_true(config_size_resolve(&cfg.max_use, 4 * MIB) == MIB);
	assert_true(config_size_resolve(&cfg.keep_free, 100 * GIB) == 4 * GIB);
	assert_true(config_size_resolve(&cfg.keep_free, 1000 * MIB) ==
		    150 * MIB);
	config_free(&cfg);
}

static void test_missing_file_is_defaults(void **state)
{
	struct collect_config cfg;

	config_defaults(&cfg);
	assert_int_equal(config_load("/nonexistent/rproc-collect.conf", &cfg),
			 0);
	assert_int_equal(cfg.compress_level, 6);
	config_free(&cfg);
}

static void test_every_key(void **state)
{
	struct collect_config cfg;
	char *path;

	assert_int_equal(load("# comment\n"
			      "; another\n"
			      "\n"
			      "[Collect]\n"
			      "StorageDir = /srv/dumps\n"
			      "MaxUse=512M\n"
			      "KeepFree=20%\n"
			      "MaxDumpsPerRemote=0\n"
			      "MaxDumpSize=infinity\n"
			      "OversizeDump=drop\n"
			      "CompressLevel=1\n"
			      "CompressThreads=3\n"
			      "ReadThreads=4\n"
			      "Recover=yes\n"
			      "CrashLoopMax=2\n"
			      "CrashLoopMinutes=60\n"
			      "FirmwarePath=/opt/fw\n",
			      &cfg, &path),
			 0);
	assert_string_equal(cfg.storage_dir, "/srv/dumps");
	assert_true(config_size_resolve(&cfg.max_use, 100 * GIB) == 512 * MIB);
	/* A configured percentage is not bounded. */
	assert_true(config_size_resolve(&cfg.keep_free, 100 * GIB) == 20 * GIB);
	assert_int_equal(cfg.max_dumps_per_remote, 0);
	assert_true(cfg.max_dump_size == UINT64_MAX);
	assert_int_equal(cfg.oversize, OVERSIZE_DROP);
	assert_int_equal(cfg.compress_level, 1);
	assert_int_equal(cfg.compress_threads, 3);
	assert_int_equal(cfg.read_threads, 4);
	assert_true(cfg.recover);
	assert_int_equal(cfg.crash_loop_max, 2);
	assert_int_equal(cfg.crash_loop_minutes, 60);
	assert_string_equal(cfg.firmware_path, "/opt/fw");
	config_free(&cfg);
	free(path);
}

static void test_sizes(void **state)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} sizes[] = {
		{ "0", 0 },
		{ "4096", 4096 },
		{ "64K", 64 << 10 },
		{ "3M", 3 * MIB },
		{ "2G", 2 * GIB },
		{ "1T", GIB << 10 },
		{ "infinity", UINT64_MAX },
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct collect_config cfg;
		char text[64], *path;

		snprintf(text, sizeof(text), "[Collect]\nMaxUse=%s\n",
			 sizes[i].text);
		assert_int_equal(load(text, &cfg, &path), 0);
		assert_false(cfg.max_use.is_percent);
		assert_true(cfg.max_use.bytes == sizes[i].bytes);
		config_free(&cfg);
		free(path);
	}
}

static void test_booleans(void **state)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 9; i++) {
		bool expect = i < 5;
		const char *v = expect ? yes[i] : no[i - 5];
		struct collect_config cfg;
		char text[64], *path;

		snprintf(text, sizeof(text), "[Collect]\nRecover=%s\n", v);
		assert_int_equal(load(text, &cfg, &path), 0);
		assert_int_equal(cfg.recover, expect);
		config_free(&cfg);
		free(path);
	}
}

/* text must fail with -EINVAL and log one line "<file>:<msg>". */
static void expect_error(const char *text, const char *msg)
{
	struct collect_config cfg;
	char *path, *want, *log;
	int r;

	test_log_begin();
	r = load(text, &cfg, &path);
	log = test_log_end();
	if (asprintf(&want, "%s:%s", path, msg) < 0)
		abort();
	assert_int_equal(r, -EINVAL);
	if (!strstr(log, want))
		fail_msg("log \"%s\" lacks \"%s\"", log, want);
	if (strchr(log, '\n') != log + strlen(log) - 1)
		fail_msg("not one line: \"%s\"", log);
	free(log);
	free(want);
	config_free(&cfg);
	free(path);
}

static void test_errors(void **state)
{
	expect_error("MaxUse=1G\n", "1: MaxUse: outside the [Collect] section");
	expect_error("[Coredump]\n", "1: unknown section [Coredump]");
	expect_error("[Collect]\nMaxUze=1G\n", "2: MaxUze: unknown key");
	expect_error("[Collect]\n\nMaxUse\n", "3: expected Key=Value");
	expect_error("[Collect]\n=1\n", "2: missing key");
	expect_error("[Collect]\nMaxUse=\n", "2: MaxUse: empty value");
	expect_error("[Collect]\nMaxUse=lots\n",
		     "2: MaxUse: invalid value 'lots'");
	expect_error("[Collect]\nMaxUse=1X\n", "2: MaxUse: invalid value '1X'");
	expect_error("[Collect]\nMaxUse=1GB\n", "2: MaxUse: invalid value");
	expect_error("[Collect]\nMaxUse=-1\n", "2: MaxUse: invalid value");
	expect_error("[Collect]\nMaxUse=99999999999999999999\n",
		     "2: MaxUse: invalid value");
	expect_error("[Collect]\nMaxUse=16777216T\n",
		     "2: MaxUse: invalid value");
	expect_error(
		"[Collect]\nKeepFree=101%\n",
		"2: KeepFree: invalid value '101%' (expected a percentage");
	expect_error("[Collect]\nKeepFree=%\n", "2: KeepFree: invalid value");
	expect_error("[Collect]\nMaxDumpSize=10%\n", "2: MaxDumpSize: invalid");
	expect_error(
		"[Collect]\nMaxDumpSize=0\n",
		"2: MaxDumpSize: invalid value '0' (expected a size above 0)");
	expect_error(
		"[Collect]\nOversizeDump=keep\n",
		"2: OversizeDump: invalid value 'keep' (expected truncate or drop)");
	expect_error("[Collect]\nCompressLevel=0\n",
		     "2: CompressLevel: invalid value '0' (expected 1 to 9)");
	expect_error("[Collect]\nCompressLevel=10\n",
		     "2: CompressLevel: invalid");
	expect_error("[Collect]\nCompressThreads=many\n",
		     "2: CompressThreads: invalid value");
	expect_error("[Collect]\nReadThreads=17\n",
		     "2: ReadThreads: invalid value");
	expect_error("[Collect]\nRecover=maybe\n",
		     "2: Recover: invalid value 'maybe' (expected yes or no)");
	expect_error("[Collect]\nCrashLoopMax=-2\n",
		     "2: CrashLoopMax: invalid");
	expect_error("[Collect]\nCrashLoopMinutes=0\n",
		     "2: CrashLoopMinutes: invalid value '0'");
	expect_error("[Collect]\nMaxDumpsPerRemote=1.5\n",
		     "2: MaxDumpsPerRemote: invalid value");
	expect_error(
		"[Collect]\nStorageDir=dumps\n",
		"2: StorageDir: invalid value 'dumps' (expected an absolute path)");
	expect_error("[Collect]\nFirmwarePath=fw\n",
		     "2: FirmwarePath: invalid");
	/* The first error stops the parse; earlier keys were applied. */
	expect_error("[Collect]\nCompressLevel=2\nBogus=1\nCompressLevel=x\n",
		     "3: Bogus: unknown key");
}

/* The shipped file documents the defaults: loading it changes nothing. */
static void test_shipped_file(void **state)
{
	struct collect_config cfg, def;

	config_defaults(&def);
	config_defaults(&cfg);
	assert_int_equal(config_load(RPD_SOURCE_DIR
				     "/collector/rproc-collect.conf",
				     &cfg),
			 0);
	assert_string_equal(cfg.storage_dir, def.storage_dir);
	assert_null(cfg.firmware_path);
	for (uint64_t fs = MIB; fs < (GIB << 10); fs *= 7) {
		assert_true(config_size_resolve(&cfg.max_use, fs) ==
			    config_size_resolve(&def.max_use, fs));
		assert_true(config_size_resolve(&cfg.keep_free, fs) ==
			    config_size_resolve(&def.keep_free, fs));
	}
	assert_true(cfg.max_dump_size == def.max_dump_size);
	assert_int_equal(cfg.compress_level, def.compress_level);
	assert_int_equal(cfg.recover, def.recover);
	config_free(&cfg);
	config_free(&def);
}

static void test_unreadable(void **state)
{
	struct collect_config cfg;
	char *dir = test_tmpdir("config");

	config_defaults(&cfg);
	/* A directory opens but cannot be read as a file. */
	test_log_begin();
	test_assert_logged(config_load(dir, &cfg), -EIO, dir);
	config_free(&cfg);
	test_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_missing_file_is_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_shipped_file),
		cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
