// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_symbolize.c - the symbolizer on this very program, whose source
 * lines are known: a return address inside a function inlined into
 * another must give the inlined function at the line of its call, then
 * the function it was inlined into at the line where that call was
 * inlined, as eu-addr2line -i does. The firmware is any ELF with DWARF to
 * the symbolizer; this one is a host executable, reported at its link
 * addresses like a firmware is.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rproc/rprocdump.h"
#include "string_util.h"
#include "symbolize.h"
#include "testutil.h"

static volatile uintptr_t return_address;
static volatile int probe_line, inner_line, after;

static __attribute__((noinline)) void probe(void)
{
	return_address = (uintptr_t)__builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
}

/* Each call and the line it is on, in one statement on one line. */
static inline __attribute__((always_inline)) void inner(void)
{
	probe(), probe_line = __LINE__;
	after++;
}

static __attribute__((noinline)) void outer(void)
{
	inner(), inner_line = __LINE__;
	after++;
}

struct fixture {
	struct symbolizer *sym;
	uint64_t bias; /* run-time minus link-time addresses */
	uint64_t outer_link;
};

static int setup(void **state)
{
	static struct fixture f;
	struct rpd_firmware *self;
	uint64_t value, size;

	if (rpd_firmware_open("/proc/self/exe", &self) < 0 ||
	    rpd_firmware_symbol(self, "outer", &value, &size) < 0) {
		fprintf(stderr, "test_symbolize: %s\n", rpd_error());
		return -1;
	}
	rpd_firmware_free(self);
	f.outer_link = value;
	f.bias = (uint64_t)(uintptr_t)&outer - value;
	if (symbolizer_open("/proc/self/exe", &f.sym) < 0)
		return -1;
	outer(); /* sets return_address, probe_line, inner_line */
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	symbolizer_free(f->sym);
	return 0;
}

static void test_inlined_call(void **state)
{
	struct fixture *f = *state;
	struct source_frame frames[SYMBOLIZE_MAX_INLINED];
	uint64_t ret;
	size_t n;

	ret = return_address - f->bias;
	/* A return address is looked up minus one: the call itself. */
	n = symbolize(f->sym, ret - 1, frames, SYMBOLIZE_MAX_INLINED);
	assert_int_equal(n, 2);
	assert_string_equal(frames[0].function, "inner");
	assert_true(frames[0].inlined);
	assert_int_equal(frames[0].line, probe_line);
	assert_true(endswith(frames[0].file, "test_symbolize.c"));
	assert_string_equal(frames[1].function, "outer");
	assert_false(frames[1].inlined);
	assert_int_equal(frames[1].line, inner_line);
	assert_true(endswith(frames[1].file, "test_symbolize.c"));

	/* At most what the caller has room for, innermost first. */
	n = symbolize(f->sym, ret - 1, frames, 1);
	assert_int_equal(n, 1);
	assert_string_equal(frames[0].function, "inner");
}

static void test_function_range(void **state)
{
	struct fixture *f = *state;
	uint64_t start, end, ret = return_address - f->bias;

	assert_int_equal(
		symbolizer_function_range(f->sym, ret - 1, &start, &end), 0);
	assert_int_equal(start, f->outer_link);
	assert_true(end > ret - 1);
	assert_int_equal(symbolizer_function_range(f->sym, 0, &start, &end),
			 -ENOENT);
}

/* An address nothing describes gives one unknown frame; so does having no
 * symbolizer at all. */
static void test_unknown(void **state)
{
	struct fixture *f = *state;
	struct source_frame frames[2];

	assert_int_equal(symbolize(f->sym, 0, frames, 2), 1);
	assert_null(frames[0].function);
	assert_null(frames[0].file);
	assert_int_equal(frames[0].line, 0);
	assert_int_equal(symbolize(NULL, 0x1234, frames, 2), 1);
	assert_null(frames[0].function);
}

static void test_no_file(void **state)
{
	struct symbolizer *s = NULL;

	(void)state;
	test_log_begin();
	test_assert_logged(symbolizer_open("/nonexistent/fw.elf", &s), -EINVAL,
			   "no symbols: /nonexistent/fw.elf");
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inlined_call),
		cmocka_unit_test(test_function_range),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_no_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
