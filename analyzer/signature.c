// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * signature.c - FNV-1a-64 over the crash reason and the top functions.
 *
 * FNV-1a is tiny, needs no library and gives the same value on every host;
 * collisions between a handful of distinct crashes are not a concern here.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "signature.h"

#define FNV64_OFFSET_BASIS 0xcbf29ce484222325ull
#define FNV64_PRIME 0x100000001b3ull

static uint64_t fnv1a_line(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= FNV64_PRIME;
	}
	h ^= '\n';
	return h * FNV64_PRIME;
}

void crash_signature(const char *reason, const char *const *functions,
		     size_t nfunctions, char hex[SIGNATURE_HEX_LEN + 1])
{
	uint64_t h = fnv1a_line(FNV64_OFFSET_BASIS, reason);

	for (size_t i = 0; i < nfunctions && i < SIGNATURE_FRAMES; i++)
		h = fnv1a_line(h, functions[i]);
	snprintf(hex, SIGNATURE_HEX_LEN + 1, "%016" PRIx64, h);
}
