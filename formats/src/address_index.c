// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * address_index.c - a sorted index of disjoint address ranges: the one
 * overlap check, lookup and cross-segment read behind every reader.
 *
 * All arithmetic is on offsets within a range (addr - start < len), never
 * on end addresses, so a range may end at the very top of the 64-bit
 * address space.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "address_index.h"
#include "util.h"

int rpd_address_index_add(struct rpd_address_index *idx, uint64_t start,
			  uint64_t len, size_t index)
{
	if (!len)
		return 0;
	if (idx->n == idx->cap) {
		size_t cap = idx->cap ? 2 * idx->cap : 8;
		struct rpd_range *p;

		p = reallocarray(idx->ranges, cap, sizeof(*p));
		if (!p)
			return rpd_fail(-ENOMEM, "out of memory");
		idx->ranges = p;
		idx->cap = cap;
	}
	idx->ranges[idx->n++] = (struct rpd_range){ start, len, index };
	return 0;
}

/* By address; equal starts (an overlap) by the caller's index, so that
 * the message does not depend on qsort's whims. */
static int range_compare(const void *a, const void *b)
{
	const struct rpd_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

int rpd_address_index_finish(struct rpd_address_index *idx, const char *what)
{
	const struct rpd_range *r = idx->ranges;

	if (!idx->n)
		return 0; /* qsort() must not see the NULL array */
	for (size_t i = 0; i < idx->n; i++)
		if (r[i].len - 1 > UINT64_MAX - r[i].start)
			return rpd_fail(
				-EINVAL,
				"%s 0x%llx+0x%llx wraps around the address space",
				what, (unsigned long long)r[i].start,
				(unsigned long long)r[i].len);
	qsort(idx->ranges, idx->n, sizeof(*idx->ranges), range_compare);

	/* Sorted and non-empty: only neighbours can be the first overlap. */
	for (size_t i = 1; i < idx->n; i++)
		if (r[i].start - r[i - 1].start < r[i - 1].len)
			return rpd_fail(
				-EINVAL,
				"%s 0x%llx+0x%llx and 0x%llx+0x%llx overlap",
				what, (unsigned long long)r[i - 1].start,
				(unsigned long long)r[i - 1].len,
				(unsigned long long)r[i].start,
				(unsigned long long)r[i].len);
	return 0;
}

void rpd_address_index_clear(struct rpd_address_index *idx)
{
	free(idx->ranges);
	*idx = (struct rpd_address_index){ 0 };
}

const struct rpd_range *
rpd_address_index_find(const struct rpd_address_index *idx, uint64_t addr)
{
	size_t lo = 0, hi = idx->n;
	const struct rpd_range *r;

	/* The last range starting at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (idx->ranges[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	r = &idx->ranges[lo - 1];
	return addr - r->start < r->len ? r : NULL;
}

int rpd_address_index_read(const struct rpd_address_index *idx, uint64_t addr,
			   void *buf, size_t len, rpd_range_read_fn copy,
			   const void *ctx, uint64_t *missing)
{
	uint8_t *out = buf;

	*missing = addr;
	/* Otherwise addr would wrap to 0 and read bytes from there. */
	if (len && len - 1 > UINT64_MAX - addr)
		return -EOVERFLOW;
	while (len) {
		const struct rpd_range *r = rpd_address_index_find(idx, addr);
		uint64_t skip;
		size_t chunk;
		ssize_t n;

		*missing = addr;
		if (!r)
			return -ENOENT;
		skip = addr - r->start;
		chunk = (size_t)MIN((uint64_t)MIN(len, (size_t)SSIZE_MAX),
				    r->len - skip);
		n = copy(ctx, r, skip, out, chunk);
		if (n < 0)
			return (int)n;
		if (!n)
			return -ENOENT;
		out += n;
		addr += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}
