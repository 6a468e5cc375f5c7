/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.h - what every file of librprocdump shares beyond the base: the one
 * error pattern and overflow-safe range checks.
 */
#ifndef RPD_UTIL_H
#define RPD_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io_util.h"
#include "macro.h"
#include "string_util.h"
#include "unaligned.h"

/*
 * Records a message for rpd_error() and returns err (a negative errno), so
 * that failures read: return rpd_fail(-EINVAL, "%s: bad thing", name);
 * "%m" in fmt stands for strerror(-err).
 */
int rpd_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefixes the current message with more context and ": ", returns err. */
int rpd_fail_prefix(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- ranges ---- */

/* True if [off, off + len) lies within [0, size), without overflow. */
static inline bool range_within(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* True if [a, a + alen) and [b, b + blen) overlap (both non-empty). */
static inline bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
				  uint64_t blen)
{
	if (!alen || !blen)
		return false;
	return a < b ? b - a < alen : a - b < blen;
}

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Whether len bytes at p are all zero. */
bool is_all_zero(const void *p, size_t len);

/* Lower-case hex of len bytes into out (2 * len + 1 bytes). */
void hex_encode(const uint8_t *bytes, size_t len, char *out);

#endif /* RPD_UTIL_H */
