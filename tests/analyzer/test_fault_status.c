// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_fault_status.c - CFSR and HFSR in words, by the bit layouts of the
 * ARMv7-M Architecture Reference Manual (B3.2.15-B3.2.18): MMFSR in bits
 * 0-7, BFSR in 8-15, UFSR in 16-31; and exception numbers by name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fault_status.h"

static void assert_bits(const struct fault_status *fs, const char *const *names,
			size_t n)
{
	assert_int_equal(fs->nbits, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(fs->bits[i]->name, names[i]);
}

/* A divide by zero: UFSR bit 9 of the upper half. */
static void test_usage_fault(void **state)
{
	static const char *const bits[] = { "DIVBYZERO" };
	struct fault_status fs;

	(void)state;
	fault_status_decode(1u << 25, 0, 0x1234, 0x5678, &fs);
	assert_bits(&fs, bits, 1);
	assert_string_equal(fs.bits[0]->reg, "UFSR");
	assert_string_equal(fault_status_cause(&fs)->name, "DIVBYZERO");
	/* Without their valid bits the address registers mean nothing. */
	assert_false(fs.mmfar_valid);
	assert_false(fs.bfar_valid);
	assert_int_equal(fs.mmfar, 0);
	assert_int_equal(fs.bfar, 0);
}

/* A NULL read under the MPU, escalated to HardFault. */
static void test_escalated_memmanage(void **state)
{
	static const char *const bits[] = { "DACCVIOL", "MMARVALID", "FORCED" };
	struct fault_status fs;

	(void)state;
	fault_status_decode((1u << 1) | (1u << 7), 1u << 30, 0x10, 0x99, &fs);
	assert_bits(&fs, bits, 3);
	assert_true(fs.mmfar_valid);
	assert_int_equal(fs.mmfar, 0x10);
	assert_false(fs.bfar_valid);
	/* The cause is the violation, not the "address valid" flag nor
	 * the escalation. */
	assert_string_equal(fault_status_cause(&fs)->name, "DACCVIOL");
}

static void test_bus_fault(void **state)
{
	static const char *const bits[] = { "PRECISERR", "BFARVALID" };
	struct fault_status fs;

	(void)state;
	fault_status_decode((1u << 9) | (1u << 15), 0, 0, 0xa0001004, &fs);
	assert_bits(&fs, bits, 2);
	assert_true(fs.bfar_valid);
	assert_int_equal(fs.bfar, 0xa0001004);
	assert_string_equal(fault_status_cause(&fs)->reg, "BFSR");
}

/* Nothing set, or only the valid flags: no cause. */
static void test_no_cause(void **state)
{
	struct fault_status fs;

	(void)state;
	fault_status_decode(0, 0, 0, 0, &fs);
	assert_int_equal(fs.nbits, 0);
	assert_null(fault_status_cause(&fs));
	fault_status_decode((1u << 7) | (1u << 15), 0, 1, 2, &fs);
	assert_int_equal(fs.nbits, 2);
	assert_null(fault_status_cause(&fs));
	/* Reserved bits name nothing. */
	fault_status_decode(1u << 2 | 1u << 14 | 1u << 21, 1u << 0, 0, 0, &fs);
	assert_int_equal(fs.nbits, 0);
}

/* Every defined bit at once stays within the table's bound. */
static void test_all_bits(void **state)
{
	struct fault_status fs;

	(void)state;
	fault_status_decode(UINT32_MAX, UINT32_MAX, 0, 0, &fs);
	assert_int_equal(fs.nbits, 23);
	assert_true(fs.nbits <= FAULT_MAX_BITS);
	/* CFSR's bits come first, in bit order. */
	assert_string_equal(fs.bits[0]->name, "IACCVIOL");
	assert_string_equal(fs.bits[fs.nbits - 1]->name, "DEBUGEVT");
}

static void test_exception_names(void **state)
{
	static const struct {
		uint32_t n;
		const char *name;
	} cases[] = {
		{ 2, "NMI" },	     { 3, "HardFault" },
		{ 4, "MemManage" },  { 5, "BusFault" },
		{ 6, "UsageFault" }, { 7, "SecureFault" },
		{ 11, "SVCall" },    { 14, "PendSV" },
		{ 15, "SysTick" },   { 16, "IRQ 0" },
		{ 47, "IRQ 31" },    { 0, "thread mode" },
		{ 8, "reserved 8" }, { 13, "reserved 13" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(exception_name(cases[i].n, buf,
						   sizeof(buf)),
				    cases[i].name);
	/* A short buffer is cut, never overrun. */
	assert_string_equal(exception_name(3, buf, 5), "Hard");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_fault),
		cmocka_unit_test(test_escalated_memmanage),
		cmocka_unit_test(test_bus_fault),
		cmocka_unit_test(test_no_cause),
		cmocka_unit_test(test_all_bits),
		cmocka_unit_test(test_exception_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
