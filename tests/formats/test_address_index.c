// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_address_index.c - the address index behind every reader: building
 * it (empty ranges left out, overlaps and wrapping ranges refused), looking
 * addresses up, and reads across adjacent ranges, into holes and at the
 * top of the 64-bit address space.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "address_index.h"
#include "rproc/rprocdump.h"
#include "testutil.h"
#include "util.h"

/* Byte at addr of the fake memory every range reads from. */
static uint8_t pattern(uint64_t addr)
{
	return (uint8_t)(addr * 7 + (addr >> 8) + (addr >> 56));
}

/*
 * The fake file: each range has bytes for its first have[index] addresses
 * and none after (like .bss); fail_index makes that range's copy fail.
 */
struct fake {
	uint64_t have[8];
	size_t fail_index;
	size_t calls;
};

static ssize_t fake_copy(const void *ctx, const struct rpd_range *range,
			 uint64_t skip, void *buf, size_t len)
{
	struct fake *f = (struct fake *)ctx;
	uint8_t *out = buf;

	f->calls++;
	assert_true(skip < range->len);
	assert_true(len <= range->len - skip);
	if (range->index == f->fail_index)
		return -EIO;
	if (skip >= f->have[range->index])
		return 0;
	if (len > f->have[range->index] - skip)
		len = f->have[range->index] - skip;
	for (size_t i = 0; i < len; i++)
		out[i] = pattern(range->start + skip + i);
	return (ssize_t)len;
}

static struct fake fake_full(void)
{
	struct fake f = { .fail_index = SIZE_MAX };

	for (size_t i = 0; i < 8; i++)
		f.have[i] = UINT64_MAX;
	return f;
}

static void build(struct rpd_address_index *idx, const struct rpd_range *r,
		  size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rpd_address_index_add(idx, r[i].start,
						       r[i].len, r[i].index),
				 0);
	assert_int_equal(rpd_address_index_finish(idx, "ranges"), 0);
}

static void check_bytes(const uint8_t *buf, uint64_t addr, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pattern(addr + i))
			fail_msg("byte at 0x%llx: 0x%02x, expected 0x%02x",
				 (unsigned long long)(addr + i), buf[i],
				 pattern(addr + i));
}

static void test_empty(void **state)
{
	struct rpd_address_index idx = { 0 };
	struct fake f = fake_full();
	uint64_t missing = 0;
	uint8_t b;

	assert_int_equal(rpd_address_index_finish(&idx, "ranges"), 0);
	assert_null(rpd_address_index_find(&idx, 0));
	assert_null(rpd_address_index_find(&idx, UINT64_MAX));
	assert_int_equal(rpd_address_index_read(&idx, 0x1234, &b, 1, fake_copy,
						&f, &missing),
			 -ENOENT);
	assert_int_equal(missing, 0x1234);
	/* Nothing to read is nothing missing. */
	assert_int_equal(rpd_address_index_read(&idx, 0x1234, &b, 0, fake_copy,
						&f, &missing),
			 0);
	assert_int_equal(f.calls, 0);
	rpd_address_index_clear(&idx);
}

static void test_one(void **state)
{
	static const struct rpd_range r[] = { { 0x1000, 0x100, 5 } };
	struct rpd_address_index idx = { 0 };
	struct fake f = fake_full();
	uint64_t missing;
	uint8_t buf[0x100];

	build(&idx, r, 1);
	assert_null(rpd_address_index_find(&idx, 0xfff));
	assert_int_equal(rpd_address_index_find(&idx, 0x1000)->index, 5);
	assert_int_equal(rpd_address_index_find(&idx, 0x10ff)->index, 5);
	assert_null(rpd_address_index_find(&idx, 0x1100));

	assert_int_equal(rpd_address_index_read(&idx, 0x1000, buf, sizeof(buf),
						fake_copy, &f, &missing),
			 0);
	check_bytes(buf, 0x1000, sizeof(buf));
	assert_int_equal(rpd_address_index_read(&idx, 0x1080, buf, 0x81,
						fake_copy, &f, &missing),
			 -ENOENT);
	assert_int_equal(missing, 0x1100);
	rpd_address_index_clear(&idx);
	assert_null(idx.ranges);
	assert_int_equal(idx.n, 0);
}

/* Added out of order, with empty ranges that hold no address. */
static void test_many(void **state)
{
	static const struct rpd_range r[] = {
		{ 0x9000, 0x10, 0 }, { 0x1000, 0x800, 1 },
		{ 0x5000, 0, 2 },    { 0x3000, 0x1000, 3 },
		{ 0x1000, 0, 4 },    { 0x2000, 0x10, 5 },
	};
	struct rpd_address_index idx = { 0 };

	build(&idx, r, ARRAY_SIZE(r));
	assert_int_equal(idx.n, 4);
	for (size_t i = 1; i < idx.n; i++)
		assert_true(idx.ranges[i - 1].start < idx.ranges[i].start);
	/* The empty range at 0x1000 does not hide the one there. */
	assert_int_equal(rpd_address_index_find(&idx, 0x1000)->index, 1);
	assert_int_equal(rpd_address_index_find(&idx, 0x17ff)->index, 1);
	assert_null(rpd_address_index_find(&idx, 0x1800));
	assert_int_equal(rpd_address_index_find(&idx, 0x200f)->index, 5);
	assert_int_equal(rpd_address_index_find(&idx, 0x3fff)->index, 3);
	assert_null(rpd_address_index_find(&idx, 0x5000));
	assert_int_equal(rpd_address_index_find(&idx, 0x9000)->index, 0);
	assert_null(rpd_address_index_find(&idx, 0x9010));
	assert_null(rpd_address_index_find(&idx, UINT64_MAX));
	rpd_address_index_clear(&idx);
}

/* More ranges than the first allocation: the index grows. */
static void test_grows(void **state)
{
	struct rpd_address_index idx = { 0 };

	for (size_t i = 0; i < 100; i++)
		assert_int_equal(rpd_address_index_add(&idx, (99 - i) * 0x100,
						       0x100, i),
				 0);
	assert_int_equal(rpd_address_index_finish(&idx, "ranges"), 0);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(
			rpd_address_index_find(&idx, i * 0x100 + 0x80)->index,
			99 - i);
	rpd_address_index_clear(&idx);
}

static void test_read_across(void **state)
{
	static const struct rpd_range r[] = {
		{ 0x2000, 0x1000, 2 },
		{ 0x1000, 0x1000, 1 },
		{ 0x3000, 0x10, 3 },
		{ 0x4000, 0x100, 4 },
	};
	struct rpd_address_index idx = { 0 };
	struct fake f = fake_full();
	uint64_t missing;
	uint8_t buf[0x2010];

	build(&idx, r, ARRAY_SIZE(r));
	assert_int_equal(rpd_address_index_read(&idx, 0x1000, buf, sizeof(buf),
						fake_copy, &f, &missing),
			 0);
	check_bytes(buf, 0x1000, sizeof(buf));
	assert_int_equal(f.calls, 3);

	/* Starting inside a range, ending inside the next. */
	assert_int_equal(rpd_address_index_read(&idx, 0x1ff0, buf, 0x20,
						fake_copy, &f, &missing),
			 0);
	check_bytes(buf, 0x1ff0, 0x20);
	rpd_address_index_clear(&idx);
}

static void test_holes(void **state)
{
	static const struct rpd_range r[] = {
		{ 0x1000, 0x1000, 0 },
		{ 0x2000, 0x1000, 1 },
		{ 0x4000, 0x100, 2 },
	};
	struct rpd_address_index idx = { 0 };
	struct fake f = fake_full();
	uint64_t missing;
	uint8_t buf[0x3000];

	build(&idx, r, ARRAY_SIZE(r));
	/* Between ranges. */
	assert_int_equal(rpd_address_index_read(&idx, 0x2f00, buf, 0x200,
						fake_copy, &f, &missing),
			 -ENOENT);
	assert_int_equal(missing, 0x3000);
	/* Before the first. */
	assert_int_equal(rpd_address_index_read(&idx, 0xff0, buf, 0x20,
						fake_copy, &f, &missing),
			 -ENOENT);
	assert_int_equal(missing, 0xff0);
	/* In a range without bytes there: memory the file does not hold. */
	f.have[1] = 0x800;
	assert_int_equal(rpd_address_index_read(&idx, 0x1000, buf, 0x2000,
						fake_copy, &f, &missing),
			 -ENOENT);
	assert_int_equal(missing, 0x2800);
	/* The copy's own error passes through. */
	f.fail_index = 2;
	assert_int_equal(rpd_address_index_read(&idx, 0x4000, buf, 1, fake_copy,
						&f, &missing),
			 -EIO);
	rpd_address_index_clear(&idx);
}

static void expect_refused(const struct rpd_range *r, size_t n,
			   const char *message)
{
	struct rpd_address_index idx = { 0 };

	for (size_t i = 0; i < n; i++)
		assert_int_equal(rpd_address_index_add(&idx, r[i].start,
						       r[i].len, r[i].index),
				 0);
	test_assert_error(rpd_address_index_finish(&idx, "segments"), -EINVAL,
			  message);
	rpd_address_index_clear(&idx);
}

static void test_overlap(void **state)
{
	static const struct rpd_range one_byte[] = {
		{ 0x17ff, 0x400, 0 },
		{ 0x1000, 0x800, 1 },
	};
	static const struct rpd_range same_start[] = {
		{ 0x1000, 0x10, 0 },
		{ 0x1000, 0x20, 1 },
	};
	static const struct rpd_range inside[] = {
		{ 0x0, 0x10000, 0 },
		{ 0x8000, 0x10, 1 },
		{ 0x20000, 1, 2 },
	};
	static const struct rpd_range at_top[] = {
		{ UINT64_MAX, 1, 0 },
		{ UINT64_MAX - 1, 2, 1 },
	};

	expect_refused(one_byte, ARRAY_SIZE(one_byte),
		       "segments 0x1000+0x800 and 0x17ff+0x400 overlap");
	expect_refused(same_start, ARRAY_SIZE(same_start),
		       "segments 0x1000+0x10 and 0x1000+0x20 overlap");
	expect_refused(inside, ARRAY_SIZE(inside),
		       "segments 0x0+0x10000 and 0x8000+0x10 overlap");
	expect_refused(
		at_top, ARRAY_SIZE(at_top),
		"segments 0xfffffffffffffffe+0x2 and 0xffffffffffffffff+0x1 overlap");
}

static void test_wrapping_range(void **state)
{
	static const struct rpd_range r[] = { { UINT64_MAX - 0xf, 0x11, 0 } };

	expect_refused(
		r, 1,
		"segments 0xfffffffffffffff0+0x11 wraps around the address space");
}

/* A range may end at the last address; reads there must not wrap to 0. */
static void test_top_of_address_space(void **state)
{
	static const struct rpd_range r[] = {
		{ 0, 0x100, 0 },
		{ UINT64_MAX - 0x1ff, 0x100, 1 },
		{ UINT64_MAX - 0xff, 0x100, 2 },
	};
	struct rpd_address_index idx = { 0 };
	struct fake f = fake_full();
	uint64_t missing;
	uint8_t buf[0x200];

	build(&idx, r, ARRAY_SIZE(r));
	assert_int_equal(rpd_address_index_find(&idx, UINT64_MAX)->index, 2);
	assert_int_equal(rpd_address_index_read(&idx, UINT64_MAX - 0x1ff, buf,
						0x200, fake_copy, &f, &missing),
			 0);
	check_bytes(buf, UINT64_MAX - 0x1ff, 0x200);
	assert_int_equal(rpd_address_index_read(&idx, UINT64_MAX, buf, 1,
						fake_copy, &f, &missing),
			 0);
	check_bytes(buf, UINT64_MAX, 1);

	/* One byte more would continue at address 0, which is mapped. */
	f.calls = 0;
	assert_int_equal(rpd_address_index_read(&idx, UINT64_MAX, buf, 2,
						fake_copy, &f, &missing),
			 -EOVERFLOW);
	assert_int_equal(rpd_address_index_read(&idx, UINT64_MAX - 0xff, buf,
						0x101, fake_copy, &f, &missing),
			 -EOVERFLOW);
	assert_int_equal(rpd_address_index_read(&idx, 2, buf, SIZE_MAX,
						fake_copy, &f, &missing),
			 -EOVERFLOW);
	assert_int_equal(f.calls, 0);
	/* Up to the last address exactly does not wrap: it stops at a hole. */
	assert_int_equal(rpd_address_index_read(&idx, 1, buf, SIZE_MAX,
						fake_copy, &f, &missing),
			 -ENOENT);
	assert_int_equal(missing, 0x100);
	check_bytes(buf, 1, 0xff);
	rpd_address_index_clear(&idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_read_across),
		cmocka_unit_test(test_holes),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_wrapping_range),
		cmocka_unit_test(test_top_of_address_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
