// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_dump_name.c - the names of stored dumps: made from sysfs names,
 * parsed back, and which files they say hold what.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dump_name.h"
#include "testutil.h"

/* 2026-11-24T07:15:00Z */
#define T0 ((time_t)1795504500)
#define BOOT "1a2b3c4d-5e6f-4a1b-9c8d-7e6f5a4b3c2d"

static void test_names(void **state)
{
	char base[DUMP_NAME_BASE_MAX], out[DUMP_NAME_FIELD_MAX + 1];
	char long_name[200];

	dump_name_format("m4", "rproc-m4.fw", T0, BOOT, base, sizeof(base));
	assert_string_equal(base, "m4.rproc-m4_fw.20261124T071500Z.1a2b3c4d");
	dump_name_format("dsp/0 x", "", T0 + 61, "", base, sizeof(base));
	assert_string_equal(base, "dsp_0_x.unknown.20261124T071601Z.00000000");

	dump_name_sanitize("a.b/c\n\xff-_Z9", out, sizeof(out));
	assert_string_equal(out, "a_b_c__-_Z9");
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	dump_name_sanitize(long_name, out, sizeof(out));
	assert_int_equal(strlen(out), DUMP_NAME_FIELD_MAX);
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
	struct dump_name n;

	assert_true(dump_name_parse(
		"m4.rproc-m4_fw.20261124T071500Z.1a2b3c4d.core.gz", &n));
	assert_string_equal(n.remote, "m4");
	assert_string_equal(n.firmware, "rproc-m4_fw");
	assert_true(n.time == T0);
	assert_string_equal(n.boot, "1a2b3c4d");
	assert_int_equal(n.seq, 0);
	assert_true(dump_name_parse(
		"m4.fw.20261124T071500Z.1a2b3c4d.12.core.gz", &n));
	assert_int_equal(n.seq, 12);
	assert_true(dump_name_parse("m4.fw.20261124T071500Z.1a2b3c4d.devcd.gz",
				    &n));
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++)
		if (dump_name_parse(rejected[i], &n))
			fail_msg("accepted %s", rejected[i]);
}

static void test_kinds(void **state)
{
	static const struct {
		const char *name;
		enum dump_kind kind;
	} cases[] = {
		{ "m4.fw.20261124T071500Z.1a2b3c4d.core.gz", DUMP_KIND_CORE },
		{ "anything.core", DUMP_KIND_CORE },
		{ "m4.fw.20261124T071500Z.1a2b3c4d.devcd", DUMP_KIND_RAW },
		{ "m4.fw.20261124T071500Z.1a2b3c4d.devcd.gz", DUMP_KIND_RAW },
		{ ".m4.fw.20261124T071500Z.1a2b3c4d.core.gz", DUMP_KIND_NONE },
		{ ".core.gz", DUMP_KIND_NONE },
		{ "core.gz", DUMP_KIND_NONE },
		{ "README", DUMP_KIND_NONE },
		{ "m4.core.gz.tmp", DUMP_KIND_NONE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (dump_name_kind(cases[i].name) != cases[i].kind)
			fail_msg("%s: kind %d, expected %d", cases[i].name,
				 dump_name_kind(cases[i].name), cases[i].kind);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_name_parse),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
