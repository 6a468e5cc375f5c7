/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * string_util.h - the string helpers of rprocdump, one of each kind.
 */
#ifndef RPD_BASE_STRING_UTIL_H
#define RPD_BASE_STRING_UTIL_H

#include <stdbool.h>
#include <stdint.h>

/* The last component of path: what follows its last '/' (all of it if
 * none). A path ending in '/' has an empty base name. */
const char *base_name(const char *path);

/* Where suffix starts in s, or NULL if s does not end with it. An empty
 * suffix matches at the end; s itself may be all suffix (check the result
 * against s when something must come before it). */
const char *endswith(const char *s, const char *suffix);

/* True if the last components of path are tail: "src/ram_console.c" and
 * "ram_console.c" both end in "ram_console.c", "my_ram_console.c" does
 * not. */
bool path_endswith(const char *path, const char *tail);

/* Parses all of s as a decimal int64_t; -EINVAL if s is NULL, empty, has
 * other characters or leading blanks, -ERANGE if it does not fit. */
int safe_atoi64(const char *s, int64_t *out);

#endif /* RPD_BASE_STRING_UTIL_H */
