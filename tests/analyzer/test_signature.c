// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_signature.c - the crash signature is FNV-1a-64 over the reason and
 * the top functions, one line each: checked against the algorithm's
 * published parameters (offset basis 0xcbf29ce484222325, prime
 * 0x100000001b3, computed independently here), and for what it must and
 * must not depend on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "signature.h"

/* FNV-1a-64 of a string, written from the definition. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static void expect(const char *reason, const char *const *fns, size_t n,
		   const char *text)
{
	char got[SIGNATURE_HEX_LEN + 1], want[SIGNATURE_HEX_LEN + 1];

	crash_signature(reason, fns, n, got);
	snprintf(want, sizeof(want), "%016llx",
		 (unsigned long long)fnv1a(text));
	assert_string_equal(got, want);
}

static void test_definition(void **state)
{
	static const char *const fns[] = { "stats_mean", "stats_report" };

	char hex[SIGNATURE_HEX_LEN + 1];

	(void)state;
	/* The reference itself against FNV's published vector for "a". */
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)fnv1a("a"));
	assert_string_equal(hex, "af63dc4c8601ec8c");
	expect("usagefault", fns, 2, "usagefault\nstats_mean\nstats_report\n");
	expect("", NULL, 0, "\n");
}

/* Only the top SIGNATURE_FRAMES functions count; order and every name
 * and the reason do. */
static void test_what_counts(void **state)
{
	static const char *const six[] = { "a", "b", "c", "d", "e", "f" };
	static const char *const other_sixth[] = { "a", "b", "c",
						   "d", "e", "zzz" };
	static const char *const swapped[] = { "b", "a", "c", "d", "e" };
	char x[SIGNATURE_HEX_LEN + 1], y[SIGNATURE_HEX_LEN + 1];

	(void)state;
	assert_int_equal(SIGNATURE_FRAMES, 5);
	crash_signature("r", six, 6, x);
	crash_signature("r", other_sixth, 6, y);
	assert_string_equal(x, y);
	crash_signature("r", six, 5, y);
	assert_string_equal(x, y);
	crash_signature("r", swapped, 5, y);
	assert_string_not_equal(x, y);
	crash_signature("s", six, 5, y);
	assert_string_not_equal(x, y);
	crash_signature("r", six, 4, y);
	assert_string_not_equal(x, y);
	assert_int_equal(strlen(x), SIGNATURE_HEX_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_definition),
		cmocka_unit_test(test_what_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
